"""Bad input gets a clear error naming file, row and field; nothing is half-written."""

import pandas as pd
import pytest

from kzreform import build
from kzreform.corpus import load_boilerplate_rules, segment_corpus
from kzreform.errors import DataValidationError
from kzreform.validation import package_errors, validate_package


def edit_csv(path, edit):
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(table).to_csv(path, index=False, lineterminator="\n")


def set_cell(path, index, column, value):
    def edit(table):
        table.loc[index, column] = value
        return table
    edit_csv(path, edit)


def errors_of(data_copy):
    return "\n".join(package_errors(data_copy / "datapackage.json"))


def test_the_committed_package_is_valid():
    validate_package()


def test_missing_column(data_copy):
    edit_csv(data_copy / "metadata/sources.csv", lambda t: t.drop(columns=["outlet"]))
    assert "data/metadata/sources.csv, field 'outlet': [missing-column]" in errors_of(data_copy)


def test_duplicate_id(data_copy):
    edit_csv(data_copy / "processed/paragraphs.csv", lambda t: pd.concat([t, t.iloc[[3]]]))
    rows = len(pd.read_csv(data_copy / "processed/paragraphs.csv"))
    assert f"data/processed/paragraphs.csv, row {rows + 1}: [primary-key]" in errors_of(data_copy)


def test_unknown_source_id(data_copy):
    set_cell(data_copy / "processed/paragraphs.csv", 4, "source_id", "nosuch-2024")
    assert "data/processed/paragraphs.csv, row 6: [foreign-key]" in errors_of(data_copy)


def test_malformed_date(data_copy):
    set_cell(data_copy / "metadata/sources.csv", 1, "date_earliest", "2022-13-45")
    assert ("data/metadata/sources.csv, row 3, field 'date_earliest': [type-error]"
            in errors_of(data_copy))


def test_malformed_publication_date_text(data_copy):
    set_cell(data_copy / "metadata/sources.csv", 0, "date_published", "June 2022")
    assert ("data/metadata/sources.csv, row 2, field 'date_published': [constraint-error]"
            in errors_of(data_copy))


def test_empty_text(data_copy):
    set_cell(data_copy / "processed/paragraphs.csv", 0, "text", "")
    assert "data/processed/paragraphs.csv, row 2, field 'text'" in errors_of(data_copy)


def test_altered_raw_file(data_copy):
    raw = data_copy / "raw/corpus/004_1d571bfa18b9950d.txt"
    raw.write_bytes(raw.read_bytes().replace(b"77 percent", b"97 percent"))
    assert "data/raw/corpus/004_1d571bfa18b9950d.txt: [hash-count]" in errors_of(data_copy)


def test_non_utf8_raw_file(data_copy):
    raw = data_copy / "raw/corpus/002_19e2289e386c52b1.txt"
    raw.write_bytes(raw.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    sources = pd.read_csv(data_copy / "metadata/sources.csv", dtype=str, keep_default_na=False)
    with pytest.raises(DataValidationError,
                       match=r"002_19e2289e386c52b1\.txt: not valid UTF-8 at byte \d+"):
        segment_corpus(sources, load_boilerplate_rules(data_copy / "rules/boilerplate.csv"),
                       data_dir=data_copy)


def test_raw_file_missing_from_the_package(data_copy):
    set_cell(data_copy / "metadata/sources.csv", 2, "raw_file", "raw/corpus/unlisted.txt")
    assert ("data/metadata/sources.csv, row 4, field 'raw_file': 'raw/corpus/unlisted.txt' "
            "is not listed" in errors_of(data_copy))


def test_validate_package_raises_one_error_listing_the_problems(data_copy):
    edit_csv(data_copy / "metadata/sources.csv", lambda t: t.drop(columns=["outlet"]))
    with pytest.raises(DataValidationError, match=r"invalid data package:\n  data/metadata"):
        validate_package(data_copy / "datapackage.json")


def test_a_failed_build_writes_nothing(data_copy):
    paragraphs_file = data_copy / "processed/paragraphs.csv"
    removed_file = data_copy / "processed/removed_text.csv"
    before = paragraphs_file.read_bytes(), removed_file.read_bytes()
    good = pd.read_csv(paragraphs_file, keep_default_na=False)
    broken = good.assign(source_id="nosuch-2024")
    with pytest.raises(DataValidationError, match="foreign-key"):
        build.write_validated({removed_file: pd.read_csv(removed_file).iloc[:3],
                               paragraphs_file: broken}, data_dir=data_copy)
    assert (paragraphs_file.read_bytes(), removed_file.read_bytes()) == before
