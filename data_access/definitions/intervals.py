"""Uncertainty of a rate, and when a difference with a reference is "larger than chance".

A school, board or samenwerkingsverband is held against the municipal figure. It is called higher
or lower only when the 95 % interval of its own rate lies wholly above or below the municipal
value; otherwise there is "geen duidelijk verschil". Which interval depends on what the rate
counts (docs/definitions.md, "Comparisons that show uncertainty"):

- **A share of people or events** (persistent absence = pupils / pupils, meldtrouw = signals on
  time / signals, meldingen per 1,000 = meldingen / pupils): the Wilson score interval
  (:func:`wilson_interval`) with n = the denominator. Wilson, not the plain normal interval,
  because shares here are often near 0 or 1 and n often small (a school with 4 signals): it
  never leaves [0, 1] and keeps its coverage there.
- **An absence rate** (hours / possible hours): hours are not independent trials — one pupil
  off sick for a week is 27,5 hours that rise and fall together — so the hours cannot be the n
  of a binomial. The unit is the **pupil** (a pupil-year in a window of several school years):
  the rate is the mean of the pupils' absence hours divided by the possible hours per pupil, and
  its standard error is that of a mean over pupils, from the spread of the pupils' hours
  (:func:`rate_interval_over_pupils`; pupils without absence count with 0 hours). This is the
  normal approximation of a bootstrap over pupils.
- **A share of hours without pupil-level spread** (the known-code share): Wilson with n = the
  pupils behind the hours. A pupil's own share lies between 0 and 1, so its variance is at most
  p(1 − p): Wilson with n = pupils is wider than the true interval — a conservative choice.

``z`` (1,96 for 95 %) is passed by every caller: one constant, :data:`Z_95`.
"""
from __future__ import annotations

import math

Z_95 = 1.959963984540054  # the 97,5 % point of the standard normal distribution: a 95 % interval

# What :func:`position` says (the page words them: ui/schools/labels.py POSITION_LABELS)
HIGHER, LOWER, NO_CLEAR_DIFFERENCE, NOT_TESTED = "higher", "lower", "no_clear_difference", "not_tested"


def _number(value) -> float | None:
    """A usable number, or None (None, NaN and text such as a hidden "<5" are not)."""
    if value is None or isinstance(value, str):
        return None
    value = float(value)
    return None if math.isnan(value) else value


def wilson_interval(successes, n, z: float) -> tuple[float, float] | None:
    """The Wilson score interval of the share ``successes`` / ``n``.

    centre = (p + z²/2n) / (1 + z²/n); half width = z·√(p(1 − p)/n + z²/4n²) / (1 + z²/n).
    None when n is not a positive number or the share lies outside [0, 1].
    """
    k, n = _number(successes), _number(n)
    if k is None or n is None or n <= 0 or k < 0 or k > n:
        return None
    p, z2 = k / n, z * z
    scale = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / scale
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / scale
    return max(0.0, centre - half), min(1.0, centre + half)


def rate_interval_over_pupils(rate, hours, square_sum, pupils, possible_hours, z: float) -> tuple[float, float] | None:
    """The interval of an absence rate with the pupil as unit.

    ``hours`` = Σ yᵢ and ``square_sum`` = Σ yᵢ² over the pupils' own hours yᵢ in the window
    (pupils without absence add 0 to both), ``pupils`` = n (enrolled), ``possible_hours`` = the
    rate's denominator. With x̄ = possible_hours / n the possible hours per pupil, the rate is
    ȳ / x̄ and its standard error s / (√n · x̄), where s² = (Σ yᵢ² − (Σ yᵢ)² / n) / (n − 1) is the
    variance of the pupils' hours. Interval: ``rate`` ± z · standard error, cut off at 0 and 1.
    None with fewer than 2 pupils, without possible hours or without the sums.
    """
    r, y, y2, n, possible = (_number(v) for v in (rate, hours, square_sum, pupils, possible_hours))
    if r is None or y is None or y2 is None or n is None or possible is None or n < 2 or possible <= 0:
        return None
    variance = max(0.0, (y2 - y * y / n) / (n - 1))
    error = math.sqrt(variance / n) / (possible / n)
    return max(0.0, r - z * error), min(1.0, r + z * error)


def position(interval: tuple[float, float] | None, reference) -> str:
    """Higher or lower than ``reference`` only when the interval excludes it; a value on an end
    of the interval is not a clear difference."""
    reference = _number(reference)
    if interval is None or reference is None:
        return NOT_TESTED
    low, high = interval
    if low > reference:
        return HIGHER
    if high < reference:
        return LOWER
    return NO_CLEAR_DIFFERENCE
