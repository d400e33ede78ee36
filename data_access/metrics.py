"""Ratios shared by the figures: per 1,000 pupils, a share, a median.

The definitions themselves live in data_access.definitions (calendar, absence, the 16-hour rule,
suppression, settings).
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np



# --- rates ----------------------------------------------------------------------------------


def per_thousand(count: float, pupils: float) -> float | None:
    """Meldingen per 1,000 pupils (the published "relatief verzuim")."""
    if not pupils:
        return None
    return count / pupils * 1000


def share(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def median_or_none(values: Sequence[float]) -> float | None:
    clean = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return float(np.median(clean)) if clean else None
