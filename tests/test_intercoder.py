"""Agreement between two independent hand codings."""

import pandas as pd
import pytest

from kzreform.data import field_enum, load_table
from kzreform.intercoder import agreement_table, intercoder_agreement
from kzreform.validation import package_issues

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


def test_a_second_coding_of_a_paragraph_the_first_does_not_code_is_an_error(data_copy):
    path = data_copy / "coding" / "framing_second.csv"
    second = pd.read_csv(path, dtype=str, keep_default_na=False)
    first = pd.read_csv(data_copy / "coding" / "framing_manual.csv", dtype=str,
                        keep_default_na=False)
    first[first["paragraph_id"] != second.loc[0, "paragraph_id"]].to_csv(
        data_copy / "coding" / "framing_manual.csv", index=False, lineterminator="\n")
    messages = "\n".join(str(issue) for issue in package_issues(data_copy))
    assert (f"framing_second.csv, row 2, field 'paragraph_id', value "
            f"'{second.loc[0, 'paragraph_id']}': is not a paragraph of the first hand coding"
            in messages)


@pytest.mark.corpus
def test_the_report_s_reading_of_the_agreement_between_coders_holds(codebook):
    """The results say the two codings agree at the level Krippendorff asks of codes."""
    agreement = load_table("intercoder-reliability")
    alphas = agreement[agreement["measure"] == "alpha"]
    assert (alphas["estimate"] >= RELIABLE).all()
    assert len(agreement_table(agreement, codebook)) == 3
