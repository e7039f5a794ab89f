"""The one bootstrap of the study (kzreform.core.bootstrap): resampling rule and intervals."""

import numpy as np
import pandas as pd
import pytest

from kzreform.core.bootstrap import INTERVAL, bootstrap_means, draws, percentile_interval


def test_intervals_resample_whole_sources_then_their_paragraphs():
    sources = np.array(["a"] * 3 + ["b"] * 5 + ["c"] * 2)
    for rows in draws(np.random.default_rng(3), sources, len(sources), 50):
        drawn = pd.Series(sources[rows]).value_counts()
        sizes = pd.Series(sources).value_counts()
        # Each draw of a source brings as many paragraphs as it has.
        assert (drawn % sizes[drawn.index] == 0).all()
    assert [len(rows) for rows in draws(np.random.default_rng(3), None, 10, 4)] == [10] * 4


def test_source_draws_take_the_numbers_a_seed_gives_in_a_fixed_order():
    # The stored intervals depend on this order: sources first, then each one's paragraphs.
    sources = np.array(["b", "a", "b", "c", "a", "b"])
    members = {"a": [1, 4], "b": [0, 2, 5], "c": [3]}
    rng = np.random.default_rng(5)
    expected = []
    for _ in range(6):
        picked = [sorted(members)[index] for index in rng.integers(3, size=3)]
        expected.append([int(row) for source in picked
                         for row in rng.choice(members[source], size=len(members[source]))])
    drawn = draws(np.random.default_rng(5), sources, len(sources), 6)
    assert [[int(row) for row in rows] for rows in drawn] == expected


def test_paragraph_draws_at_once_are_the_draws_one_at_a_time():
    # Drawing all at once must not change the numbers a seed gives (the stored intervals).
    at_once = draws(np.random.default_rng(7), None, 9, 20)
    rng = np.random.default_rng(7)
    assert [list(rows) for rows in at_once] == [list(rng.integers(9, size=9))
                                                for _ in range(20)]


def test_an_interval_of_no_estimates_is_not_a_number():
    assert all(np.isnan(bound) for bound in percentile_interval(np.array([])))


def test_bootstrap_means_are_the_mean_and_the_percentiles_of_resampled_means():
    values = np.array([[-2.0], [-1.0], [0.0], [1.0], [2.0], [2.0]])
    mean, low, high = bootstrap_means(values, np.random.default_rng(1), 400)
    rng = np.random.default_rng(1)
    means = sorted(values[rng.integers(6, size=6), 0].mean() for _ in range(400))
    # Percentile 2.5 and 97.5 of 400 sorted means, interpolated linearly between neighbours.
    assert mean[0] == values.mean()
    assert low[0] == pytest.approx(means[9] + 0.975 * (means[10] - means[9]))
    assert high[0] == pytest.approx(means[389] + 0.025 * (means[390] - means[389]))
    assert INTERVAL == (2.5, 97.5)
