"""Coding sheets: written with automated codes pre-filled, read back validated, in a copy of data/."""

import pandas as pd
import pytest

from kzreform import coding_sheet
from kzreform.cli import main
from kzreform.codebook import MANUAL_COLUMNS
from kzreform.errors import DataValidationError
from kzreform.validation import validate_package

SOURCE = "tni-2022"


def snapshot(directory):
    return {path.relative_to(directory): path.read_bytes()
            for path in sorted(directory.rglob("*")) if path.is_file()}


def manual_of(data_dir):
    return pd.read_csv(data_dir / "coding" / "framing_manual.csv", dtype=str,
                       keep_default_na=False)


def test_sheet_lists_every_body_paragraph_with_automated_codes_and_meanings(data_copy):
    sheet = coding_sheet.coding_sheet(SOURCE, data_copy)
    paragraphs = pd.read_csv(data_copy / "processed" / "paragraphs.csv", dtype=str)
    body = paragraphs[(paragraphs["source_id"] == SOURCE)
                      & paragraphs["kind"].isin(["paragraph", "list_item"])]
    assert sheet["paragraph_id"].tolist() == body["paragraph_id"].tolist()
    auto = pd.read_csv(data_copy / "processed" / "framing_auto.csv", dtype=str,
                       keep_default_na=False).set_index("paragraph_id")
    for column in ("primary_frame", "secondary_frames", "stance", "voices"):
        assert sheet[column].tolist() == auto.loc[sheet["paragraph_id"], column].tolist()
    assert sheet["primary_frame_means"].str.len().gt(0).all()
    assert list(sheet.columns) == coding_sheet.SHEET_COLUMNS


def test_import_makes_a_source_hand_coded(tmp_path, data_copy):
    original = manual_of(data_copy)
    without = original[~original["paragraph_id"].str.startswith(f"{SOURCE}-")]
    without.to_csv(data_copy / "coding" / "framing_manual.csv", index=False, lineterminator="\n")
    sheet = coding_sheet.coding_sheet(SOURCE, data_copy)
    hand = original.set_index("paragraph_id").loc[sheet["paragraph_id"]]
    for column in MANUAL_COLUMNS[1:]:
        sheet[column] = hand[column].to_numpy()  # the researcher's reading
    path = tmp_path / "sheet.csv"
    sheet.to_csv(path, index=False)

    imported = coding_sheet.import_coding(path, data_copy)

    assert imported == {"sources": [SOURCE], "paragraphs": len(sheet)}
    after = manual_of(data_copy)
    assert sorted(after["paragraph_id"]) == sorted(original["paragraph_id"])
    pd.testing.assert_frame_equal(after.set_index("paragraph_id").sort_index(),
                                  original.set_index("paragraph_id").sort_index())
    validate_package(data_copy / "datapackage.json")


@pytest.mark.parametrize("field, value, expected", [
    ("stance", "7", "row 3, field 'stance': '7' is not one of"),
    ("primary_frame", "vibes", "row 3, field 'primary_frame': unknown frame 'vibes'"),
    ("voices", "aliens", "row 3, field 'voices': unknown voice 'aliens'"),
])
def test_bad_sheet_names_file_row_field_and_value_and_writes_nothing(tmp_path, data_copy, field,
                                                                    value, expected):
    sheet = coding_sheet.coding_sheet(SOURCE, data_copy)
    sheet.loc[1, field] = value
    path = tmp_path / "sheet.csv"
    sheet.to_csv(path, index=False)
    before = snapshot(data_copy)
    with pytest.raises(DataValidationError, match=f"sheet.csv, {expected}"):
        coding_sheet.import_coding(path, data_copy)
    assert snapshot(data_copy) == before


def test_incomplete_sheet_is_refused(tmp_path, data_copy):
    sheet = coding_sheet.coding_sheet(SOURCE, data_copy)
    path = tmp_path / "sheet.csv"
    sheet.iloc[1:].to_csv(path, index=False)
    with pytest.raises(DataValidationError,
                       match=f"{sheet.loc[0, 'paragraph_id']!r} of hand-coded source"):
        coding_sheet.import_coding(path, data_copy)


def test_command_line_writes_a_sheet_and_reports_bad_input(tmp_path, data_copy, capsys):
    out = tmp_path / "sheet.csv"
    assert main(["coding-sheet", SOURCE, "--out", str(out), "--data-dir", str(data_copy)]) == 0
    assert pd.read_csv(out)["paragraph_id"].str.startswith(SOURCE).all()
    assert main(["coding-sheet", "no-such-source", "--out", str(out),
                 "--data-dir", str(data_copy)]) == 1
    assert "source 'no-such-source' has no body paragraphs" in capsys.readouterr().err
    out.write_text("paragraph_id,stance\nx,1\n", encoding="utf-8")
    assert main(["import-coding", str(out), "--data-dir", str(data_copy)]) == 1
    assert "missing column(s) primary_frame" in capsys.readouterr().err
