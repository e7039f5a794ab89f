"""The percentile bootstrap behind every interval the study reports: one resampling rule.

Paragraphs of one source share its author and argument, so they are not
independent: where the rows carry their sources, a draw takes sources with
replacement, then each drawn source's paragraphs with replacement; otherwise it
takes the rows alone. An interval is the :data:`INTERVAL` percentiles of the
draws, with a fixed :data:`SEED`, so every run gives the same bytes.
"""

from __future__ import annotations

import numpy as np

SEED = 20260315
INTERVAL = (2.5, 97.5)


def draws(rng: np.random.Generator, sources: np.ndarray | None, n: int,
          resamples: int) -> np.ndarray | list[np.ndarray]:
    """The rows of ``resamples`` bootstrap draws of ``n`` rows (grouped by ``sources`` if given).

    Without sources every draw has ``n`` rows, so they come as one array, row
    per draw: the same numbers as drawing one at a time, at the cost of one call.
    With sources, each source's rows are found once for all draws.
    """
    if sources is None:
        return rng.integers(n, size=(resamples, n))
    members = [np.flatnonzero(sources == source) for source in np.unique(sources)]
    return [np.concatenate([rng.choice(members[drawn], size=len(members[drawn]))
                            for drawn in rng.integers(len(members), size=len(members))])
            for _ in range(resamples)]


def percentile_interval(values: np.ndarray, axis: int = 0) -> tuple:
    """The :data:`INTERVAL` percentiles of bootstrap estimates; NaN where there are none."""
    if not np.size(values):
        return np.nan, np.nan
    low, high = np.percentile(values, INTERVAL, axis=axis)
    return low, high


def bootstrap_means(values: np.ndarray, rng: np.random.Generator,
                    resamples: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column means of ``values`` (rows: paragraphs) with percentile bootstrap intervals."""
    means = values[draws(rng, None, len(values), resamples)].mean(axis=1)
    low, high = percentile_interval(means)
    return values.mean(axis=0), low, high
