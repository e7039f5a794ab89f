"""The one bootstrap of the study (kzreform.core.bootstrap): resampling rule and intervals."""

import numpy as np
import pandas as pd

from kzreform.core.bootstrap import INTERVAL, bootstrap_means, draws, percentile_interval, resample


def test_intervals_resample_whole_sources_then_their_paragraphs():
    sources = np.array(["a"] * 3 + ["b"] * 5 + ["c"] * 2)
    rng = np.random.default_rng(3)
    for _ in range(50):
        rows = resample(rng, sources, len(sources))
        drawn = pd.Series(sources[rows]).value_counts()
        sizes = pd.Series(sources).value_counts()
        # Each draw of a source brings as many paragraphs as it has.
        assert (drawn % sizes[drawn.index] == 0).all()
    assert len(resample(rng, None, 10)) == 10


def test_draws_at_once_are_the_draws_one_at_a_time():
    sources = np.array(["a"] * 3 + ["b"] * 4)
    for grouped in (None, sources):
        at_once = draws(np.random.default_rng(7), grouped, len(sources), 20)
        rng = np.random.default_rng(7)
        one_by_one = [resample(rng, grouped, len(sources)) for _ in range(20)]
        assert [list(rows) for rows in at_once] == [list(rows) for rows in one_by_one]


def test_an_interval_of_no_estimates_is_not_a_number():
    assert all(np.isnan(bound) for bound in percentile_interval(np.array([])))


def test_bootstrap_means_bracket_the_mean_with_the_interval_percentiles():
    values = np.array([[-2.0], [-1.0], [0.0], [1.0], [2.0], [2.0]])
    mean, low, high = bootstrap_means(values, np.random.default_rng(1), 400)
    assert mean[0] == values.mean()
    assert low[0] < mean[0] < high[0]
    means = values[draws(np.random.default_rng(1), None, len(values), 400)].mean(axis=1)
    assert (low[0], high[0]) == tuple(np.percentile(means[:, 0], INTERVAL))
