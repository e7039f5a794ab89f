"""Agreement between two independent hand codings."""

import pytest

from kzreform.data import field_enum, load_table
from kzreform.intercoder import agreement_table, coded_by_both, intercoder_agreement

# Krippendorff (2004) asks alpha >= 0.8 of codes a study relies on.
RELIABLE = 0.8


def test_identical_codings_agree_perfectly(codebook):
    first = load_table("framing-manual")
    agreement = intercoder_agreement(first, first.copy(), codebook).set_index(["measure", "item"])
    for item in ("stance", "primary_frame", "stance_target"):
        assert agreement.loc[("alpha", item), "estimate"] == pytest.approx(1.0)


def test_the_second_coding_uses_the_codebook_s_ids(codebook):
    assert field_enum("framing-second", "primary_frame") == list(codebook.frames)
    assert field_enum("framing-second", "stance_target") == list(codebook.targets)


def test_agreement_rests_on_the_paragraphs_both_coders_code():
    first = load_table("framing-manual")
    second = first.iloc[1:].copy()
    kept_first, kept_second = coded_by_both(first, second)
    assert set(kept_first["paragraph_id"]) == set(kept_second["paragraph_id"]) \
        == set(first["paragraph_id"].iloc[1:])


@pytest.mark.corpus
def test_the_report_s_reading_of_the_agreement_between_coders_holds(codebook):
    """The results: point estimates at Krippendorff's level, some interval ends below it."""
    agreement = load_table("intercoder-reliability")
    alphas = agreement[agreement["measure"] == "alpha"]
    assert (alphas["estimate"] >= RELIABLE).all()
    assert (alphas["ci_low"] < RELIABLE).any()
    assert len(agreement_table(agreement)) == 3
