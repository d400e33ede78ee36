"""What the comparison holds a school against, and how sure it is: the national size classes
(from the DUO register the product carries), the 95 % intervals of the comparison figures, and
the places its similar schools come from.

The definitions are in :mod:`data_access.definitions.intervals` and
:mod:`data_access.definitions.similar_schools`; this module applies them to comparison frames
(one row per school or per group, numerators and denominators beside every rate).
"""
from __future__ import annotations

import csv
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from data_access.definitions.absence import CATEGORIES
from data_access.definitions.intervals import position, rate_interval_over_pupils, wilson_interval
from data_access.definitions.similar_schools import SizeBounds, estimated_pupils, size_bounds, size_class

REGISTER = Path(__file__).resolve().parent.parent / "reference" / "duo_po_vestigingen.csv"

# Per absence rate: the sum and square sum of the pupils' hours behind it (queries.schools.pupil_spread)
HOURS_RATES = {f"rate_{c}": (f"sy_{c}", f"sq_{c}") for c in (*CATEGORIES, "total")}
SQUARE_SUMS = tuple(part for parts in HOURS_RATES.values() for part in parts)
# Shares with a Wilson interval: figure → (numerator, denominator, factor of the shown figure)
WILSON_FIGURES = {
    "per_1000": ("meldingen", "pupils", 1000.0),
    "persistent_share": ("persistent", "pupils", 1.0),
    "compliance": ("on_time", "signals", 1.0),
}
INTERVAL_FIGURES = (*HOURS_RATES, *WILSON_FIGURES, "known_share")


# --- the national register -----------------------------------------------------------------


@lru_cache(maxsize=1)
def register_sizes() -> pd.DataFrame:
    """Sector and estimated pupils of every location in the carried DUO register."""
    with REGISTER.open(newline="", encoding="utf-8") as fh:
        rows = [(r["soort"], estimated_pupils(int(r["adviezen_groep8_2019_2025"] or 0))) for r in csv.DictReader(fh)]
    return pd.DataFrame(rows, columns=["sector", "pupils"])


@lru_cache(maxsize=1)
def national_bounds() -> SizeBounds:
    """The size classes of the country's primary school locations (all sectors of the register)."""
    return size_bounds(register_sizes()["pupils"])


def size_label(pupils) -> str | None:
    """The size class of ``pupils`` as the page names it, e.g. "klein (≤ 147)"."""
    index = size_class(pupils, national_bounds())
    return None if index is None else national_bounds().labels()[index]


def national_locations(sector: str, label: str) -> int | None:
    """How many locations of ``sector`` the national register holds in the size class ``label``;
    None for a sector the register does not cover (it lists primary schools only)."""
    sizes = register_sizes()
    labels = national_bounds().labels()
    if sector not in set(sizes["sector"]) or label not in labels:
        return None
    index = labels.index(label)
    classes = sizes.loc[sizes["sector"] == sector, "pupils"].map(lambda p: size_class(p, national_bounds()))
    return int((classes == index).sum())


# --- intervals -----------------------------------------------------------------------------


def _column(frame: pd.DataFrame, name: str) -> list:
    return frame[name].tolist() if name in frame.columns else [None] * len(frame)


def add_intervals(frame: pd.DataFrame, z: float) -> pd.DataFrame:
    """``<figure>_low`` and ``<figure>_high`` for every figure with an interval, in the figure's
    own unit (a share 0–1, meldingen per 1,000). An absence rate needs its pupils' spread
    (``sy_<category>``, ``sq_<category>``: queries.schools.pupil_spread); without it the
    interval is empty. Computed from the numbers before
    suppression; :func:`hide_intervals` empties those of hidden figures."""
    out = frame.copy()
    for rate, (spread_sum, square) in HOURS_RATES.items():
        bounds = [rate_interval_over_pupils(r, y, s, n, p, z) for r, y, s, n, p in
                  zip(_column(frame, rate), _column(frame, spread_sum), _column(frame, square),
                      _column(frame, "pupils"), _column(frame, "possible_hours"))]
        _put(out, rate, bounds, 1.0)
    for figure, (numerator, denominator, factor) in WILSON_FIGURES.items():
        bounds = [wilson_interval(k, n, z) for k, n in zip(_column(frame, numerator), _column(frame, denominator))]
        _put(out, figure, bounds, factor)
    # known-code share: Wilson with n = the pupils behind the hours (conservative, see definitions.intervals)
    bounds = [None if share is None or share != share or not pupils else wilson_interval(share * pupils, pupils, z)
              for share, pupils in zip(_column(frame, "known_share"), _column(frame, "involved_total"))]
    _put(out, "known_share", bounds, 1.0)
    return out


def _put(out: pd.DataFrame, figure: str, bounds: list, factor: float) -> None:
    out[f"{figure}_low"] = np.array([np.nan if b is None else b[0] * factor for b in bounds], dtype=float)
    out[f"{figure}_high"] = np.array([np.nan if b is None else b[1] * factor for b in bounds], dtype=float)


def hide_intervals(frame: pd.DataFrame) -> pd.DataFrame:
    """No interval where the figure itself is hidden or empty (an interval would give it away)."""
    out = frame.copy()
    for figure in INTERVAL_FIGURES:
        if f"{figure}_low" not in out.columns:
            continue
        values = pd.to_numeric(out[figure], errors="coerce") if figure in out.columns else pd.Series(np.nan, index=out.index)
        gone = values.isna().to_numpy()
        out.loc[gone, [f"{figure}_low", f"{figure}_high"]] = np.nan
    return out


def positions(frame: pd.DataFrame, figure: str, reference) -> list[str]:
    """Per row: higher, lower, no clear difference (or not tested) against ``reference``."""
    low, high = _column(frame, f"{figure}_low"), _column(frame, f"{figure}_high")
    return [position(None if lo is None or hi is None or lo != lo or hi != hi else (lo, hi), reference)
            for lo, hi in zip(low, high)]


# --- where similar schools come from -------------------------------------------------------


def peer_places(schools: pd.DataFrame, band: pd.Series) -> list[tuple[tuple[str, int], ...]]:
    """Per school: the municipalities of the other schools of its sector and size class, with how
    many schools each, most first."""
    keys = list(zip(schools["sector"], band))
    places = schools["municipality"].fillna("onbekend").tolist()
    per_group: dict[tuple, Counter] = {}
    for key, place in zip(keys, places):
        per_group.setdefault(key, Counter())[place] += 1
    out = []
    for key, place in zip(keys, places):
        others = per_group[key].copy()
        others[place] -= 1
        out.append(tuple(sorted(((p, n) for p, n in others.items() if n > 0), key=lambda item: (-item[1], item[0]))))
    return out
