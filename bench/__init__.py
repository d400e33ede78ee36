"""Benchmarks (not tests): scale tiers built like the demo, timings and ratios.

    python -m bench --tier demo|region|national [--json] [--engine sqlite|postgresql] [--database-url URL]

See ``bench.tiers`` for the tiers and the cache in ``.bench-cache/``.
"""
