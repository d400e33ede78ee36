"""CPU time per page view (best of N warm calls), with the ``bench.pages.views`` of whichever
checkout comes first on the path: the way to compare two commits on one database.

    PYTHONPATH=<checkout> python <this file> sqlite:///…/region-2024.sqlite 9

Run it alternately for the two checkouts (each on its own migrated copy of the same file);
CPU time is steadier than wall time on a shared machine (SQLite runs inside the process).
"""
from __future__ import annotations

import json
import sys
import time


def main(url: str, repeat: int) -> None:
    from bench.pages import views
    from data_access.db import make_engine

    with make_engine(url).connect() as conn:
        for view in views(conn):
            view.ours(conn)  # cold call: not counted
            best = float("inf")
            for _ in range(repeat):
                started = time.process_time()
                view.ours(conn)
                best = min(best, time.process_time() - started)
            print(json.dumps({"page": view.page, "view": view.view, "cpu_ms": round(best * 1000, 1)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 9)
