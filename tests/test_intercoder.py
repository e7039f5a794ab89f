"""Agreement between two independent hand codings, and of each with the reconciled coding."""

import krippendorff
import numpy as np
import pytest

from kzreform.core.data import field_enum, load_table
from kzreform.core.vocabulary import CODER_1, CODER_2
from kzreform.framing.display import agreement_table
from kzreform.framing.intercoder import (
    BETWEEN_CODERS,
    COMPARISONS,
    RECONCILED,
    coded_by_both,
    comparison_name,
    intercoder_agreement,
)
from kzreform.framing.reliability import masi_distance, set_alpha

# Krippendorff (2004) asks alpha >= 0.8 of codes a study relies on.
RELIABLE = 0.8


def test_identical_codings_agree_perfectly(codebook, paragraphs):
    first = load_table("framing-manual")
    agreement = intercoder_agreement(first, first.copy(), codebook, paragraphs).set_index(
        ["measure", "item"])
    for item in ("stance", "primary_frame", "stance_target", "voices"):
        assert agreement.loc[("alpha", item), "estimate"] == pytest.approx(1.0)


def test_the_second_coding_uses_the_codebook_s_ids(codebook):
    assert field_enum("framing-second", "primary_frame") == list(codebook.frames)
    assert field_enum("framing-second", "stance_target") == list(codebook.targets)


def test_the_table_names_the_comparisons_the_schema_lists():
    assert field_enum("intercoder-reliability", "comparison") == \
        [comparison_name(*pair) for pair in COMPARISONS]


def test_agreement_rests_on_the_paragraphs_both_coders_code():
    first = load_table("framing-manual")
    second = first.iloc[1:].copy()
    kept_first, kept_second = coded_by_both(first, second)
    assert set(kept_first["paragraph_id"]) == set(kept_second["paragraph_id"]) \
        == set(first["paragraph_id"].iloc[1:])


# ---- voices: alpha on the MASI distance between sets ----

@pytest.mark.parametrize("first, second, distance", [
    ({"a"}, {"a"}, 0.0),
    (set(), set(), 0.0),
    ({"a"}, {"a", "b"}, 1 - 1 / 2 * 2 / 3),       # subset: Jaccard 1/2, monotonicity 2/3
    ({"a", "b"}, {"b", "c"}, 1 - 1 / 3 * 1 / 3),  # overlap: Jaccard 1/3, monotonicity 1/3
    ({"a"}, {"b"}, 1.0),
    (set(), {"a"}, 1.0),
])
def test_masi_distance_follows_its_definition(first, second, distance):
    assert masi_distance(frozenset(first), frozenset(second)) == pytest.approx(distance)
    assert masi_distance(frozenset(second), frozenset(first)) == pytest.approx(distance)


def test_set_alpha_of_single_codes_is_nominal_alpha():
    """Distinct single-code sets are MASI distance 1 apart: alpha is nominal alpha."""
    rng = np.random.default_rng(1)
    codes = rng.integers(4, size=(2, 40))
    codes[1, :25] = codes[0, :25]
    sets = tuple(frozenset({code}) for code in range(4))
    assert set_alpha(codes, sets) == pytest.approx(
        krippendorff.alpha(reliability_data=codes.astype(float), level_of_measurement="nominal"))


def test_a_missed_voice_costs_less_than_a_wrong_one():
    sets = (frozenset(), frozenset({"a"}), frozenset({"a", "b"}), frozenset({"c"}))
    base = [[1, 0, 3, 1, 0, 3, 2, 1], [1, 0, 3, 1, 0, 3, 2, 1]]
    partly, wrongly = np.array(base), np.array(base)
    partly[1, 6], wrongly[1, 6] = 1, 3  # {a, b} coded as {a}, or as {c}
    assert set_alpha(partly, sets) > set_alpha(wrongly, sets)


@pytest.mark.corpus
def test_the_report_s_reading_of_the_agreement_between_coders_holds():
    """Coder to coder at Krippendorff's level, some interval ends below it; each coder
    agrees with the reconciled coding more than with the other coder."""
    agreement = load_table("intercoder-reliability")
    alphas = agreement[agreement["measure"] == "alpha"].set_index(["comparison", "item"])
    between = alphas.loc[BETWEEN_CODERS]
    assert (between["estimate"] >= RELIABLE).all()
    assert (between["ci_low"] < RELIABLE).any()
    for coder in (CODER_1, CODER_2):
        with_reconciled = alphas.loc[comparison_name(coder, RECONCILED)]
        assert (with_reconciled["estimate"] >= between["estimate"]).all()
    assert len(agreement_table(agreement)) == 4
