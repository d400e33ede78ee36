"""Small-cell suppression (DESIGN.md, "Definitions"): one rule for every page, export and KPI.

For every role but ``leerplicht`` a count of people between 1 and the threshold − 1 is shown as
"<T" (T = the configured ``suppression_threshold``); a rate is hidden when the number of people
behind its numerator or its denominator is below the threshold; a zero stays 0. Where a total
would give one hidden cell away, one more cell is hidden (complementary suppression) and marked
"•" — never "<T", which would claim that it is small.

Callers that show everything (role leerplicht) pass no Suppressor (``None``) instead of one.

What a count counts is decided once, in :data:`COUNTS_PEOPLE`: a count of people (pupils, youths,
families, meldingen and signals about pupils) is suppressed; a count of the officers' own work
(contacts with schools, visits, newsletters, meetings) or of schools never is. Every page asks
:func:`applies` with the name of what it counts, so one figure gets one decision everywhere.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


# What each count shown on a page counts → whether it counts people. A count of people is hidden
# when small; a count of the officers' own work, or of schools, protects no one and is never
# hidden (hiding it made normal weeks of school contacts look like no contact at all).
COUNTS_PEOPLE: dict[str, bool] = {
    "pupils": True,  # leerlingen, leerling-schooljaren
    "youths": True,  # jongeren in beeld (cases)
    "families": True,  # families reached / never reached / not contacted
    "family_contacts": True,  # contacts with a family or youth: each names a family
    "family_attempts": True,  # attempts to reach a family never reached
    "new_concerns": True,  # contacts that led to a new concern about a youth
    "meldingen": True,  # verzuimmeldingen about pupils
    "signals": True,  # 16-hour signals of pupils, and those reported on time (meldtrouw)
    "schools": False,  # schools (in scope, contacted, visited)
    "school_contacts": False,  # the officers' contacts with schools
    "contacts": False,  # all the officers' contacts (the denominator of "led to a new concern")
    "visits": False,  # school visits
    "newsletters": False,  # newsletters: occasions and schools reached
    "meetings": False,  # information sessions (voorlichting, bijeenkomsten)
}


def counts_people(counted: str) -> bool:
    """Whether a count of ``counted`` (a key of :data:`COUNTS_PEOPLE`) counts people. An unknown
    name is an error: a new figure must be classified here before a page can show it."""
    return COUNTS_PEOPLE[counted]


def applies(suppressor: "Suppressor | None", counted: str) -> "Suppressor | None":
    """The suppressor for a count of ``counted``: ``suppressor`` for people, None (show the
    count) for the officers' own work and for schools."""
    return suppressor if counts_people(counted) else None


COMPLEMENTARY = "•"
COMPLEMENTARY_REASON = "verborgen om een klein aantal elders te beschermen"


@dataclass(frozen=True)
class Suppressor:
    threshold: int

    @property
    def marker(self) -> str:
        """What a hidden count reads as: "<5" with the default threshold, "<10" with 10."""
        return f"<{self.threshold}"

    @property
    def reason(self) -> str:
        """Why a rate is hidden (shown beside it and in exports)."""
        return f"verborgen: teller of noemer kleiner dan {self.threshold}"

    def fewer_than(self, what: str) -> str:
        """A reason naming the people counted: "verborgen: minder dan 5 leerlingen"."""
        return f"verborgen: minder dan {self.threshold} {what}"

    def hides(self, count: float | None) -> bool:
        """True for a count of 1 … threshold − 1; never for 0, None or NaN."""
        return count is not None and not pd.isna(count) and 0 < count < self.threshold

    def count(self, count: int | None) -> int | str | None:
        """The count as shown: the marker when it is hidden, else the count itself."""
        return self.marker if self.hides(count) else count

    def hides_rate(self, numerator: float | None, denominator: float | None) -> bool:
        """A rate is hidden when the people behind its numerator or denominator are too few."""
        return self.hides(numerator) or self.hides(denominator)

    def rate(self, value: float | None, numerator: float | None, denominator: float | None) -> float | None:
        """The rate as shown: None when hidden (see :meth:`hides_rate`)."""
        return None if self.hides_rate(numerator, denominator) else value

    def frame(self, frame: pd.DataFrame, counts: Sequence[str] = (),
              rates: dict[str, tuple[str, str]] | None = None) -> pd.DataFrame:
        """A copy of ``frame`` as shown.

        ``counts``: columns of people counts; small ones become the marker. ``rates``: rate
        column → (numerator column, denominator column); a hidden rate becomes None and its
        reason goes into ``<rate>_reden``. When a count column hides exactly one cell, its next
        smallest non-zero cell is hidden too, so a total shown elsewhere cannot give it away.
        """
        out = frame.copy()
        small = {col: self._small_cells(out[col]) for col in counts}
        extra = {col: self._complementary(out[col], small[col]) for col in counts}
        for rate, (num, den) in (rates or {}).items():
            direct = (small.get(num, self._small_cells(out[num])) | small.get(den, self._small_cells(out[den])))
            protecting = (extra.get(num, False) | extra.get(den, False)) & ~direct
            out[rate] = out[rate].astype(object).where(~(direct | protecting), None)
            out[f"{rate}_reden"] = np.where(direct, self.reason, np.where(protecting, COMPLEMENTARY_REASON, ""))
        for col in counts:
            out[col] = out[col].astype(object).where(~small[col], self.marker).where(~extra[col], COMPLEMENTARY)
        return out

    def _small_cells(self, values: pd.Series) -> pd.Series:
        return values.map(self.hides).astype(bool)

    @staticmethod
    def _complementary(values: pd.Series, small: pd.Series) -> pd.Series:
        """When exactly one cell of a column is small, its next smallest non-zero cell too."""
        extra = pd.Series(False, index=values.index)
        if small.sum() == 1 and len(values) > 1:
            rest = values[~small & values.notna() & (values > 0)]
            if not rest.empty:
                extra.loc[rest.idxmin()] = True
        return extra
