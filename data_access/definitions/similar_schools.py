"""Similar schools: the size classes (from the national school register) and when a benchmark
of similar schools can be formed.

- **Size class** of a school = where its pupils (1 October of the window's last school year) lie
  in the national distribution of primary school locations: *klein* up to the lower third,
  *middel* up to the upper third, *groot* above. The thirds come from the DUO register the product
  carries (data_access/reference/duo_po_vestigingen.csv, all 6,589 locations, BAO and SBAO),
  whose size is estimated as group-8 advices over six school years ÷ 6 × 8 (:func:`estimated_pupils`).
  A third is taken by nearest rank (:func:`size_bounds`): the location at rank ⌈n/3⌉ resp. ⌈2n/3⌉
  in ascending order, rounded to whole pupils — so each class holds a third of the country's
  locations, not a third of one municipality's.
- **Similar schools** of a school = the other schools with figures in this database with the same
  sector and size class. They form a benchmark only when there are at least
  :data:`MIN_SIMILAR_SCHOOLS` of them; with fewer the page says so instead of drawing a figure
  that is mostly the school itself or the municipality again.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

MIN_SIMILAR_SCHOOLS = 5
SIZE_CLASSES = ("klein", "middel", "groot")
GROUP_8_YEARS = 6  # school years 2019/20–2024/25 in the register's advice column
GRADES = 8


def estimated_pupils(advices: float) -> float:
    """A location's enrolment estimated from its group-8 advices over six school years."""
    return advices / GROUP_8_YEARS * GRADES


@dataclass(frozen=True)
class SizeBounds:
    """Upper ends (inclusive, whole pupils) of klein and middel, and how many locations each class
    holds in the register they were taken from."""

    small: int
    medium: int
    counts: tuple[int, int, int]

    def labels(self) -> tuple[str, str, str]:
        return (f"klein (≤ {self.small})", f"middel ({self.small + 1}–{self.medium})", f"groot (> {self.medium})")


def size_bounds(pupils: Iterable[float]) -> SizeBounds:
    """Nearest-rank lower and upper thirds of ``pupils`` (one value per school location)."""
    ordered = sorted(float(p) for p in pupils)
    if len(ordered) < 3:
        raise ValueError("te weinig vestigingen voor grootteklassen")
    n = len(ordered)
    small = round(ordered[math.ceil(n / 3) - 1])
    medium = round(ordered[math.ceil(2 * n / 3) - 1])
    counts = (sum(p <= small for p in ordered), sum(small < p <= medium for p in ordered),
              sum(p > medium for p in ordered))
    return SizeBounds(small, medium, counts)


def size_class(pupils, bounds: SizeBounds) -> int | None:
    """0 (klein), 1 (middel) or 2 (groot); None without a number of pupils."""
    if pupils is None or isinstance(pupils, str) or pupils != pupils:
        return None
    if pupils <= bounds.small:
        return 0
    return 1 if pupils <= bounds.medium else 2


def benchmark_formed(similar_schools: int, minimum: int) -> bool:
    """Whether ``similar_schools`` other schools are enough for a benchmark."""
    return similar_schools >= minimum
