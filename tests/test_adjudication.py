"""The reconciled coding: each paragraph both hand codings code settled once, with reasons."""

import pandas as pd
import pytest
from conftest import snapshot

from kzreform.cli import main
from kzreform.core.codebook import MANUAL_COLUMNS
from kzreform.core.data import field_enum, load_table
from kzreform.core.vocabulary import AGREEMENT, CODER_1, CODER_2, NEW_CODE, decision_figure
from kzreform.framing import adjudication, analysis
from kzreform.framing.intercoder import COMPARISONS, comparison_name
from kzreform.framing.rules import codebook_change_issues, reconciled_coding_issues

RECONCILED = "framing_reconciled.csv"


def coding(**codes):
    row = {"primary_frame": "legality", "secondary_frames": "political;economic", "stance": 0,
           "stance_target": "none", "voices": "media;experts_analysts"}
    return {**row, **codes}


def read(data_dir, name=RECONCILED):
    return pd.read_csv(data_dir / "coding" / name, dtype=str, keep_default_na=False)


def write(data_dir, table, name=RECONCILED):
    table.to_csv(data_dir / "coding" / name, index=False, lineterminator="\n")


def problems(data_dir, paragraphs):
    return [str(issue) for issue in reconciled_coding_issues(paragraphs, data_dir)]


def first_differing(data_dir):
    """Row index (in the reconciled table) of the first paragraph the codings differ on."""
    return read(data_dir).index[read(data_dir)["decided_by"] != AGREEMENT][0]


# ---- what decided_by says ----

@pytest.mark.parametrize("first, second, reconciled, expected", [
    (coding(), coding(secondary_frames="economic;political", voices="experts_analysts;media"),
     coding(), AGREEMENT),  # lists are sets: order does not matter
    (coding(), coding(stance=1), coding(), CODER_1),
    (coding(), coding(stance=1), coding(stance=1), CODER_2),
    (coding(), coding(stance=1, voices="none"), coding(stance=1), NEW_CODE),
    (coding(), coding(stance=1), coding(stance=-1), NEW_CODE),
])
def test_decided_by_names_the_coding_the_reconciled_codes_follow(first, second, reconciled,
                                                                 expected):
    assert adjudication.decision(first, second, reconciled) == expected


def test_the_reconciled_coding_uses_the_codebook_s_ids(codebook):
    assert field_enum("framing-reconciled", "primary_frame") == list(codebook.frames)
    assert field_enum("framing-reconciled", "stance_target") == list(codebook.targets)


# ---- validation rules ----

def test_the_stored_reconciled_coding_is_valid(paragraphs):
    assert reconciled_coding_issues(paragraphs) == []
    assert codebook_change_issues(paragraphs) == []


def test_a_difference_without_a_note_is_named(data_copy, paragraphs):
    table = read(data_copy)
    row = first_differing(data_copy)
    table.loc[row, "note"] = ""
    write(data_copy, table)
    found = problems(data_copy, paragraphs)
    assert len(found) == 1
    assert f"{RECONCILED}, row {row + 2}, field 'note', value '': is empty, but the codings " \
        "differ on " in found[0]


def test_a_misreported_decision_is_named_with_what_it_should_be(data_copy, paragraphs):
    table = read(data_copy)
    row = first_differing(data_copy)
    table.loc[row, "decided_by"] = AGREEMENT
    write(data_copy, table)
    assert [issue for issue in problems(data_copy, paragraphs)
            if f"row {row + 2}, field 'decided_by', value 'agreement': should be " in issue]


def test_every_paragraph_both_code_is_reconciled_and_only_those(data_copy, paragraphs):
    table = read(data_copy)
    missing = table.loc[0, "paragraph_id"]
    write(data_copy, table.iloc[1:])
    found = problems(data_copy, paragraphs)
    assert len(found) == 1
    assert found[0].endswith(f"{RECONCILED}, field 'paragraph_id', value {missing!r}: is coded "
                             "by both hand codings but not reconciled")
    second = read(data_copy, "framing_second.csv")
    write(data_copy, table)
    write(data_copy, second[second["paragraph_id"] != missing], "framing_second.csv")
    assert [issue for issue in problems(data_copy, paragraphs)
            if f"row 2, field 'paragraph_id', value {missing!r}: has nothing to reconcile" in issue]


def test_a_reconciled_primary_frame_repeated_as_secondary_is_named(data_copy, paragraphs):
    table = read(data_copy)
    table.loc[0, "secondary_frames"] = table.loc[0, "primary_frame"]
    write(data_copy, table)
    assert [issue for issue in problems(data_copy, paragraphs)
            if "row 2, field 'secondary_frames'" in issue and "repeats the primary" in issue]


@pytest.mark.parametrize("cited, problem", [
    ("agreed", "is a paragraph the two hand codings agree on (framing_reconciled.csv)"),
    ("made-up", "is not a paragraph id of the corpus"),
])
def test_a_codebook_change_must_cite_a_disagreement(data_copy, paragraphs, cited, problem):
    paragraph = (read(data_copy).query("decided_by == 'agreement'")["paragraph_id"].iloc[0]
                 if cited == "agreed" else "nosuch-2024-p01")
    path = data_copy / "coding" / "codebook.yml"
    text = path.read_text(encoding="utf-8")
    at = text.index("disagreements: [") + len("disagreements: [")
    path.write_text(text[:at] + paragraph + ", " + text[at:], encoding="utf-8")
    found = [str(issue) for issue in codebook_change_issues(paragraphs, data_copy)]
    assert len(found) == 1
    assert found[0].endswith(f"codebook.yml, field 'changes[1].disagreements', "
                             f"value {paragraph!r}: {problem}")


# ---- the findings' hand coding ----

def test_the_findings_take_the_reconciled_codes_and_single_codings_as_they_are(data_copy):
    reconciled, first = read(data_copy), read(data_copy, "framing_manual.csv")
    # a paragraph settled in coder 2's favour (so unlike the first coding), and one to uncode
    settled = reconciled.query("decided_by == 'coder 2'")["paragraph_id"].iloc[0]
    once = reconciled.query("decided_by == 'agreement'")["paragraph_id"].iloc[0]
    write(data_copy, reconciled[reconciled["paragraph_id"] != once])
    coded = analysis.hand_coding(data_copy).astype(str).set_index("paragraph_id")
    assert list(coded.columns) == MANUAL_COLUMNS[1:]
    assert sorted(coded.index) == sorted(first["paragraph_id"])
    expected = reconciled.set_index("paragraph_id").loc[settled, MANUAL_COLUMNS[1:-1]]
    assert coded.loc[settled, MANUAL_COLUMNS[1:-1]].tolist() == expected.tolist()
    assert coded.loc[once].tolist() == first.set_index("paragraph_id").loc[once].tolist()


# ---- storing it: one transaction ----

def test_a_bad_adjudication_is_named_against_its_own_row_and_nothing_is_written(
        tmp_path, data_copy, capsys):
    table = read(data_copy)
    row = first_differing(data_copy)
    table.loc[row, "note"] = ""
    path = tmp_path / "adjudication.csv"
    table.to_csv(path, index=False)
    before = snapshot(data_copy)
    assert main(["import-reconciled", str(path), "--data-dir", str(data_copy)]) == 1
    assert f"adjudication.csv, row {row + 2}, field 'note', value '': is empty" \
        in capsys.readouterr().err
    assert snapshot(data_copy) == before


def test_an_adjudication_is_stored_and_the_findings_rebuilt_from_it(tmp_path, data_copy,
                                                                   two_coders):
    # The point is the stored decision and the findings, not the coders.
    table = read(data_copy)
    row = first_differing(data_copy)
    paragraph = table.loc[row, "paragraph_id"]
    first = read(data_copy, "framing_manual.csv").set_index("paragraph_id").loc[paragraph]
    was_coder_1 = table.loc[row, "decided_by"] == CODER_1
    table.loc[row, MANUAL_COLUMNS[1:-1]] = first[MANUAL_COLUMNS[1:-1]].to_numpy()
    table.loc[row, "decided_by"] = CODER_1
    path = tmp_path / "adjudication.csv"
    table.to_csv(path, index=False)
    counted = load_table("headline-figures", data_copy).set_index("figure")["value"]
    assert main(["import-reconciled", str(path), "--data-dir", str(data_copy)]) == 0
    assert read(data_copy).loc[row, "decided_by"] == CODER_1
    recounted = load_table("headline-figures", data_copy).set_index("figure")["value"]
    figure = decision_figure(CODER_1)
    assert recounted[figure] == counted[figure] + (0 if was_coder_1 else 1)
    agreement = load_table("intercoder-reliability", data_copy)
    assert set(agreement["comparison"]) == {comparison_name(*pair) for pair in COMPARISONS}
