"""Coding sheets: written with automated codes pre-filled, read back validated, in a copy of data/."""


import pandas as pd
import pytest
from conftest import run_at_once, snapshot

from kzreform.cli import main
from kzreform.core.codebook import MANUAL_COLUMNS, hand_coded_sources
from kzreform.core.data import load_table
from kzreform.core.errors import DataValidationError
from kzreform.corpus.segment import body_paragraphs
from kzreform.pipeline.validation import validate_package
from kzreform.workflows import coding_sheet

# Importing a sheet rebuilds the derived tables; their statistics are not tested here.
pytestmark = pytest.mark.usefixtures("fast_build")


@pytest.fixture(scope="module")
def source(paragraphs):
    """A hand-coded source, to be turned back into an automated one and hand-coded again."""
    return hand_coded_sources(load_table("framing-manual"), paragraphs)[0]


def without_hand_coding(data_dir, source):
    """Drop ``source`` from the hand codings of ``data_dir``; return the first coding before.

    A source never hand-coded has no second coding and nothing reconciled either.
    """
    paragraphs = load_table("paragraphs", data_dir)
    own = paragraphs.loc[paragraphs["source_id"] == source, "paragraph_id"]
    tables = {}
    for name in ("framing_manual.csv", "framing_second.csv", "framing_reconciled.csv"):
        path = data_dir / "coding" / name
        tables[name] = pd.read_csv(path, dtype=str, keep_default_na=False)
        tables[name][~tables[name]["paragraph_id"].isin(own)].to_csv(
            path, index=False, lineterminator="\n")
    return tables["framing_manual.csv"]


def filled_in(sheet, hand):
    """The sheet with a researcher's reading (``hand``, by paragraph) in the columns to code."""
    rows = hand.set_index("paragraph_id").loc[sheet["paragraph_id"]]
    for column in MANUAL_COLUMNS[1:]:
        sheet[column] = rows[column].to_numpy()
    return sheet


def test_sheet_lists_every_body_paragraph_with_automated_codes_and_meanings(data_copy, source):
    sheet = coding_sheet.coding_sheet(source, data_copy)
    body = body_paragraphs(load_table("paragraphs", data_copy))
    assert sheet["paragraph_id"].tolist() == \
        body.loc[body["source_id"] == source, "paragraph_id"].tolist()
    auto = load_table("framing-auto", data_copy).set_index("paragraph_id")
    for column in ("primary_frame", "secondary_frames", "stance", "voices"):
        assert sheet[column].tolist() == auto.loc[sheet["paragraph_id"], column].tolist()
    assert sheet["primary_frame_means"].str.len().gt(0).all()
    assert list(sheet.columns) == coding_sheet.SHEET_COLUMNS


def test_import_makes_a_source_hand_coded(tmp_path, data_copy, source, two_coders):
    original = without_hand_coding(data_copy, source)
    sheet = filled_in(coding_sheet.coding_sheet(source, data_copy), original)
    path = tmp_path / "sheet.csv"
    sheet.to_csv(path, index=False)

    imported = coding_sheet.import_coding(path, data_copy)

    assert imported == {"sources": [source], "paragraphs": len(sheet)}
    after = pd.read_csv(data_copy / "coding" / "framing_manual.csv", dtype=str,
                        keep_default_na=False)
    pd.testing.assert_frame_equal(after.set_index("paragraph_id").sort_index(),
                                  original.set_index("paragraph_id").sort_index())
    validate_package(data_copy)


@pytest.mark.parametrize("field, value", [("stance", "7"), ("primary_frame", "vibes"),
                                          ("voices", "aliens")])
def test_bad_sheet_names_its_row_field_and_value_and_writes_nothing(tmp_path, data_copy,
                                                                   source, field, value):
    sheet = coding_sheet.coding_sheet(source, data_copy).astype(str)
    sheet.loc[1, field] = value
    path = tmp_path / "sheet.csv"
    sheet.to_csv(path, index=False)
    before = snapshot(data_copy)
    with pytest.raises(DataValidationError) as error:
        coding_sheet.import_coding(path, data_copy)
    assert f"sheet.csv, row 3, field {field!r}, value {value!r}: [constraint-error]" \
        in str(error.value)
    assert snapshot(data_copy) == before


def test_a_sheet_that_repeats_the_primary_frame_names_its_row(tmp_path, data_copy, source):
    sheet = coding_sheet.coding_sheet(source, data_copy)
    sheet.loc[2, "secondary_frames"] = sheet.loc[2, "primary_frame"]
    path = tmp_path / "sheet.csv"
    sheet.to_csv(path, index=False)
    with pytest.raises(DataValidationError, match=r"sheet.csv, row 4, field 'secondary_frames'"
                                                  r".*repeats the primary frame"):
        coding_sheet.import_coding(path, data_copy)


def test_an_incomplete_sheet_is_refused_naming_the_uncoded_paragraph(tmp_path, data_copy,
                                                                    source):
    sheet = coding_sheet.coding_sheet(source, data_copy)
    path = tmp_path / "sheet.csv"
    sheet.iloc[1:].to_csv(path, index=False)
    with pytest.raises(DataValidationError,
                       match=f"sheet.csv, field 'paragraph_id', value "
                             f"'{sheet.loc[0, 'paragraph_id']}': is a body paragraph of a "
                             "hand-coded source"):
        coding_sheet.import_coding(path, data_copy)


def test_command_line_writes_a_sheet_and_reports_bad_input(tmp_path, data_copy, source, capsys):
    out = tmp_path / "sheet.csv"
    assert main(["coding-sheet", source, "--out", str(out), "--data-dir", str(data_copy)]) == 0
    assert pd.read_csv(out)["paragraph_id"].str.startswith(source).all()
    assert main(["coding-sheet", "no-such-source", "--out", str(out),
                 "--data-dir", str(data_copy)]) == 1
    assert "field 'source_id', value 'no-such-source': has no body paragraphs of this source" \
        in capsys.readouterr().err
    out.write_text("paragraph_id,stance\nx,1\n", encoding="utf-8")
    assert main(["import-coding", str(out), "--data-dir", str(data_copy)]) == 1
    assert "sheet.csv, row 1, field 'primary_frame': the header lacks this column" \
        in capsys.readouterr().err


# ---- issue 18, case 1: concurrent imports both land -----------------------------------

def test_two_imports_at_once_both_land(tmp_path, data_copy, paragraphs, two_coders):
    # The point is the lock, not the coders (the subprocesses inherit the profile).
    two = hand_coded_sources(load_table("framing-manual"), paragraphs)[:2]
    if len(two) < 2:
        pytest.skip("the corpus has fewer than two hand-coded sources")
    original = without_hand_coding(data_copy, two[0])
    without_hand_coding(data_copy, two[1])
    sheets = []
    for number, source_id in enumerate(two):
        sheet = filled_in(coding_sheet.coding_sheet(source_id, data_copy), original)
        sheets.append(tmp_path / f"sheet-{number}.csv")
        sheet.to_csv(sheets[-1], index=False)
    runs = run_at_once(*(["import-coding", str(sheet), "--data-dir", str(data_copy)]
                         for sheet in sheets), folder=tmp_path)
    assert [code for code, _, _ in runs] == [0, 0], [err for _, _, err in runs]
    validate_package(data_copy)
    after = load_table("framing-manual", data_copy)
    assert set(hand_coded_sources(after, load_table("paragraphs", data_copy))) >= set(two)
    assert set(original["paragraph_id"]) <= set(after["paragraph_id"])


# ---- issue 18, cases 12 and 13: formulas, byte-order marks, unknown paragraph ids ------

def test_a_cell_a_spreadsheet_would_run_is_quoted_on_export_and_restored_on_import(
        tmp_path, data_copy, source, monkeypatch):
    sheet = coding_sheet.coding_sheet(source, data_copy)
    formulas = ['=HYPERLINK("http://example.org","x")', "+1+1", "-see paragraph 2", "@SUM(A1)",
                "\tpadded", "'already quoted", "plain note"][:len(sheet)]
    sheet = sheet.reset_index(drop=True)
    sheet.loc[:len(formulas) - 1, "text"] = formulas
    sheet.loc[0, "note"] = "=1+1"
    monkeypatch.setattr(coding_sheet, "coding_sheet", lambda *args: sheet.copy())
    out = tmp_path / "sheet.csv"
    coding_sheet.write_coding_sheet(source, out, data_copy)
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert written["text"].head(len(formulas)).tolist() == \
        [cell if cell == "plain note" else "'" + cell for cell in formulas]
    assert written.loc[0, "note"] == "'=1+1"
    assert not written["text"].str.match(r"[=+\-@\t\r]").any()
    assert written["stance"].tolist() == sheet["stance"].astype(str).tolist()  # numbers stay
    assert coding_sheet.read_coding_sheet(out).loc[0, "note"] == "=1+1"
    for cell in formulas:
        assert coding_sheet.restored(coding_sheet.neutralised(cell)) == cell


def test_a_sheet_saved_with_a_byte_order_mark_is_imported(tmp_path, data_copy, source,
                                                          two_coders):
    original = without_hand_coding(data_copy, source)
    sheet = filled_in(coding_sheet.coding_sheet(source, data_copy), original)
    path = tmp_path / "sheet.csv"
    sheet.to_csv(path, index=False, encoding="utf-8-sig")  # a spreadsheet's "CSV UTF-8"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert coding_sheet.import_coding(path, data_copy)["sources"] == [source]
    validate_package(data_copy)


def test_an_unknown_paragraph_id_is_named_with_the_sheets_row(tmp_path, data_copy, source):
    sheet = coding_sheet.coding_sheet(source, data_copy)
    sheet.loc[1, "paragraph_id"] = "no-such-paragraph-p99"
    path = tmp_path / "sheet.csv"
    sheet.to_csv(path, index=False)
    before = snapshot(data_copy)
    with pytest.raises(DataValidationError, match=r"sheet.csv, row 3, field 'paragraph_id', "
                                                  r"value 'no-such-paragraph-p99': is not a "
                                                  r"paragraph id of the corpus"):
        coding_sheet.import_coding(path, data_copy)
    assert snapshot(data_copy) == before


def test_a_repeated_paragraph_is_named_with_both_rows_of_the_sheet(tmp_path, data_copy, source):
    sheet = coding_sheet.coding_sheet(source, data_copy)
    path = tmp_path / "sheet.csv"
    pd.concat([sheet, sheet.iloc[[1]]], ignore_index=True).to_csv(path, index=False)
    with pytest.raises(DataValidationError,
                       match=rf"sheet.csv, row {len(sheet) + 2}, field 'paragraph_id', value "
                             rf"'{sheet.loc[1, 'paragraph_id']}': repeats the paragraph of row 3"):
        coding_sheet.import_coding(path, data_copy)
