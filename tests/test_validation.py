"""Bad input gets a clear error naming file, row, field and value; nothing is half-written."""

import json

import pandas as pd
import pytest

from kzreform.cli import main
from kzreform.core.codebook import hand_coded_sources, load_codebook
from kzreform.core.data import descriptor, load_table, read_text
from kzreform.core.errors import SHOWN_PER_KIND, DataValidationError
from kzreform.corpus.segment import BODY_KINDS
from kzreform.pipeline import build
from kzreform.pipeline.validation import (foreign_key_issues, package_issues, rebuilt_issues,
                                          validate_package)

# Builds in these tests end in a refusal; their statistics are not what is tested.
pytestmark = pytest.mark.usefixtures("fast_build")


def edit_csv(path, edit):
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(table).to_csv(path, index=False, lineterminator="\n")


def set_cell(path, index, column, value):
    def edit(table):
        table.loc[index, column] = value
        return table
    edit_csv(path, edit)


def errors_of(data_copy):
    return "\n".join(str(issue) for issue in package_issues(data_copy))


def build_error(data_copy):
    with pytest.raises(DataValidationError) as error:
        build.build(data_copy)
    return str(error.value)


def test_the_committed_package_is_valid():
    validate_package()


def test_missing_column(data_copy):
    edit_csv(data_copy / "metadata/sources.csv", lambda t: t.drop(columns=["outlet"]))
    assert "data/metadata/sources.csv, row 1, field 'outlet': the header lacks this column" \
        in errors_of(data_copy)


def test_duplicate_id(data_copy):
    edit_csv(data_copy / "processed/paragraphs.csv", lambda t: pd.concat([t, t.iloc[[3]]]))
    rows = len(pd.read_csv(data_copy / "processed/paragraphs.csv"))
    assert f"data/processed/paragraphs.csv, row {rows + 1}, field 'paragraph_id', value" \
        in errors_of(data_copy)


def test_unknown_source_id(data_copy):
    set_cell(data_copy / "processed/paragraphs.csv", 4, "source_id", "nosuch-2024")
    assert ("data/processed/paragraphs.csv, row 6, field 'source_id', value 'nosuch-2024': "
            "[foreign-key]" in errors_of(data_copy))


def test_malformed_date_shows_the_value(data_copy):
    set_cell(data_copy / "metadata/sources.csv", 1, "date_earliest", "2022-13-45")
    assert ("data/metadata/sources.csv, row 3, field 'date_earliest', value '2022-13-45': "
            "[type-error] is not a valid date" in errors_of(data_copy))


def test_malformed_publication_date_text(data_copy):
    set_cell(data_copy / "metadata/sources.csv", 0, "date_published", "June 2022")
    assert ("data/metadata/sources.csv, row 2, field 'date_published', value 'June 2022': "
            "[constraint-error]" in errors_of(data_copy))


def test_empty_text(data_copy):
    set_cell(data_copy / "processed/paragraphs.csv", 0, "text", "")
    assert "data/processed/paragraphs.csv, row 2, field 'text'" in errors_of(data_copy)


def test_altered_raw_file(data_copy, sources):
    raw = data_copy / sources["raw_file"].iloc[-1]
    raw.write_bytes(raw.read_bytes() + b"\nAn added line.\n")
    assert f"data/{sources['raw_file'].iloc[-1]}: [hash-count]" in errors_of(data_copy)


def test_non_utf8_raw_file(data_copy, sources):
    raw = data_copy / sources["raw_file"].iloc[0]
    raw.write_bytes(raw.read_bytes() + "café".encode("cp1252"))
    with pytest.raises(DataValidationError, match=r"\.txt, value b'\\xe9': not valid UTF-8 at "
                                                  r"byte \d+ \(line \d+\)"):
        read_text(raw)
    assert "not valid UTF-8" in errors_of(data_copy)


def test_raw_file_missing_from_the_package(data_copy):
    set_cell(data_copy / "metadata/sources.csv", 2, "raw_file", "raw/corpus/unlisted.txt")
    assert "data/metadata/sources.csv, row 4, field 'raw_file'" in errors_of(data_copy)


def test_validate_package_raises_one_error_listing_the_problems(data_copy):
    edit_csv(data_copy / "metadata/sources.csv", lambda t: t.drop(columns=["outlet"]))
    with pytest.raises(DataValidationError, match=r"invalid data package:\n  \S*data/metadata"):
        validate_package(data_copy)


# ---- issue 11, case 3 and 4: bad files named, not a traceback ------------------------

HAND_EDITED = ["sources", "claims", "framing-manual", "boilerplate-rules", "periods",
               "framing-lexicon", "events", "provisions"]


def path_of(data_copy, name):
    package = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    return data_copy / next(r["path"] for r in package["resources"] if r["name"] == name)


@pytest.mark.parametrize("name", HAND_EDITED)
def test_an_empty_table_is_named(data_copy, name):
    path = path_of(data_copy, name)
    path.write_bytes(b"")
    assert f"data/{path.relative_to(data_copy).as_posix()}: is empty; a table needs at least " \
        "its header row" in build_error(data_copy)


@pytest.mark.parametrize("name", ["sources", "claims", "framing-manual"])
def test_a_row_with_an_extra_cell_is_named_with_the_cell(data_copy, name):
    path = path_of(data_copy, name)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].rstrip("\n") + ",stray\n"
    path.write_text("".join(lines), encoding="utf-8")
    message = build_error(data_copy)
    assert f"{path.name}, row 3, value ['stray']: has more cells than the" in message


def test_a_non_utf8_byte_in_a_table_is_named_with_its_line(data_copy):
    path = path_of(data_copy, "claims")
    path.write_bytes(path.read_bytes().replace(b"the", "thé".encode("latin-1"), 1))
    assert "data/coding/claims.csv, value b'\\xe9': not valid UTF-8 at byte" \
        in build_error(data_copy)


def test_a_byte_order_mark_is_named_as_such(data_copy):
    path = path_of(data_copy, "sources")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    message = build_error(data_copy)
    assert "data/metadata/sources.csv: starts with a byte-order mark (BOM); remove the " \
        "byte-order mark" in message
    assert "missing" not in message and "extra" not in message


@pytest.mark.parametrize("name", ["claims", "raw"])
def test_a_missing_file_is_named(data_copy, sources, name):
    path = (data_copy / sources["raw_file"].iloc[0]) if name == "raw" else path_of(data_copy, name)
    path.unlink()
    assert f"data/{path.relative_to(data_copy).as_posix()}: does not exist" \
        in build_error(data_copy)


def test_a_hand_coding_of_one_row_per_source_is_capped_with_a_count(data_copy):
    path = path_of(data_copy, "framing-manual")
    manual, paragraphs = load_table("framing-manual"), load_table("paragraphs")
    sources = paragraphs.set_index("paragraph_id")["source_id"]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first_of_each = manual.index[~manual["paragraph_id"].map(sources).duplicated()]
    path.write_text(lines[0] + "".join(lines[row + 1] for row in first_of_each), encoding="utf-8")
    message = build_error(data_copy)
    uncoded = [line for line in message.splitlines()
               if "is not coded" in line and "more of the same kind" not in line]
    body = int(paragraphs["kind"].isin(BODY_KINDS)[
        paragraphs["source_id"].isin(hand_coded_sources(manual, paragraphs))].sum())
    missing = body - len(first_of_each)
    assert len(uncoded) == SHOWN_PER_KIND
    assert f"... and {missing - SHOWN_PER_KIND} more of the same kind" in message


def test_a_non_numeric_stance_in_the_codebook_is_named(data_copy):
    path = data_copy / "coding/codebook.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: -2", "value: very negative"),
                    encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"codebook.yml, field 'stance.levels\[1\]"
                                                  r".value', value 'very negative'"):
        load_codebook(path)


def test_a_type_error_shows_the_bad_value_of_a_number(data_copy):
    set_cell(path_of(data_copy, "claims"), 3, "number", "fifteen")
    assert "claims.csv, row 5, field 'number', value 'fifteen': [type-error] is not a valid " \
        "number" in build_error(data_copy)


# ---- issue 11, case 9: resources stay inside the data directory ---------------------

@pytest.mark.parametrize("path", ["../../../../etc/passwd", "/etc/passwd"])
def test_a_resource_path_outside_the_data_directory_is_refused(data_copy, capsys, path):
    descriptor = data_copy / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    package["resources"][0]["path"] = path
    descriptor.write_text(json.dumps(package), encoding="utf-8")
    assert main(["validate", "--data-dir", str(data_copy)]) == 1
    output = capsys.readouterr()
    assert "must be a relative path inside the data directory" in output.err
    assert "root:" not in output.out + output.err


# ---- content rules run in validate, not only where a notebook reads the table -------

def test_a_made_up_event_quote_fails_validation(data_copy):
    set_cell(path_of(data_copy, "events"), 0, "quote", "a quotation nobody wrote")
    assert ("data/metadata/events.csv, row 2, field 'quote', value 'a quotation nobody wrote': "
            "is not found verbatim" in errors_of(data_copy))


def test_a_failed_build_writes_nothing(data_copy):
    from conftest import snapshot
    set_cell(path_of(data_copy, "claims"), 0, "quote", "words the paragraph lacks")
    before = snapshot(data_copy)
    assert "field 'quote'" in build_error(data_copy)
    assert snapshot(data_copy) == before


@pytest.mark.parametrize("basis, field, message", [
    ("external", "reference", "is empty, but an event dated by the external needs its reference"),
    ("corpus", "quote", "is empty, but an event dated by the corpus needs its quote"),
])
def test_an_event_without_its_evidence_is_named(data_copy, basis, field, message):
    events = load_table("events", data_copy)
    index = events.index[events["basis"] == basis][0]
    set_cell(data_copy / "metadata/events.csv", index, field, "")
    assert (f"data/metadata/events.csv, row {index + 2}, field {field!r}, value '': {message}"
            in errors_of(data_copy))


def test_the_descriptor_is_parsed_once_and_again_when_it_changes(data_copy):
    first = descriptor(data_copy)
    assert descriptor(data_copy) is first
    path = data_copy / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    package["resources"][0]["description"] = "Changed."
    path.write_text(json.dumps(package), encoding="utf-8")
    assert descriptor(data_copy)["resources"][0]["description"] == "Changed."


# ---- issue 18, case 7: a malformed resource in datapackage.json is named ---------------

def without_name(resource):
    return {key: value for key, value in resource.items() if key != "name"}


@pytest.mark.parametrize("change, field, value", [
    (without_name, "resources[1].name", None),
    (lambda resource: "metadata/sources.csv", "resources[1]", "metadata/sources.csv"),
    (lambda resource: {**resource, "path": [resource["path"]]}, "resources[1].path", None),
])
def test_a_malformed_resource_is_named(data_copy, capsys, change, field, value):
    descriptor = data_copy / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    value = value if value is not None else change(package["resources"][0]).get(
        field.rsplit(".", 1)[-1])
    package["resources"][0] = change(package["resources"][0])
    descriptor.write_text(json.dumps(package), encoding="utf-8")
    for command in ("validate", "build"):
        assert main([command, "--data-dir", str(data_copy)]) == 1
        error = capsys.readouterr().err
        assert f"datapackage.json, field {field!r}, value {value!r}: must be" in error


def test_a_repeated_resource_name_is_named_even_with_its_findings_cached(data_copy, capsys):
    """A table is found by its name; a second resource of that name would go unchecked."""
    main(["validate", "--data-dir", str(data_copy)])  # the tables' findings now cached
    descriptor = data_copy / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    first = next(resource for resource in package["resources"] if resource["name"] == "claims")
    package["resources"].append({**first, "path": "coding/claims_copy.csv"})
    descriptor.write_text(json.dumps(package), encoding="utf-8")
    capsys.readouterr()
    for command in ("validate", "build"):
        assert main([command, "--data-dir", str(data_copy)]) == 1
        error = capsys.readouterr().err
        number = len(package["resources"])
        assert (f"datapackage.json, field 'resources[{number}].name', value 'claims': names a "
                "resource an earlier one names") in error


# ---- issue 18, case 9: a table the study needs may not be header-only ------------------

@pytest.mark.parametrize("name", ["events", "fact-statements", "external-facts",
                                  "framing-lexicon", "framing-voice-cues", "framing-manual"])
def test_a_header_only_table_is_refused_alike_by_validate_and_build(data_copy, name):
    path = path_of(data_copy, name)
    path.write_text(path.read_text(encoding="utf-8").splitlines(keepends=True)[0],
                    encoding="utf-8")
    expected = f"data/{path.relative_to(data_copy).as_posix()}: has a header but no rows"
    assert expected in errors_of(data_copy)
    assert expected in build_error(data_copy)


# ---- issue 18, case 10: the stopword list of the data directory is validated -----------

def test_a_stopword_list_that_is_not_utf8_is_named_in_the_copy_given(data_copy, capsys):
    from kzreform.core import codebook
    path = data_copy / "coding" / "stopwords.txt"
    path.write_bytes(path.read_bytes() + "café\n".encode("latin-1"))
    assert main(["validate", "--data-dir", str(data_copy)]) == 1
    assert "coding/stopwords.txt, value b'\\xe9': not valid UTF-8" in capsys.readouterr().err
    assert "coding/stopwords.txt" in build_error(data_copy)
    with pytest.raises(DataValidationError, match="stopwords.txt, value b'\\\\xe9': not valid"):
        codebook.load_stopwords(data_copy)


def test_a_stored_evidence_quote_not_in_its_paragraph_is_named(data_copy):
    path = data_copy / "processed/evidence_quotes.csv"
    set_cell(path, 0, "quote", "words that no paragraph holds")
    errors = errors_of(data_copy)
    assert ("data/processed/evidence_quotes.csv, row 2, field 'quote', value 'words that no "
            "paragraph holds': is not found verbatim in paragraph") in errors



# ---- foreign keys are checked by kzreform, each referenced key read once -------------

def test_every_foreign_key_of_the_schema_is_text():
    package = descriptor()
    fields = {(resource["name"], field["name"]): field.get("type", "string")
              for resource in package["resources"]
              for field in resource.get("schema", {}).get("fields", [])}
    keys = [(resource["name"], name) for resource in package["resources"]
            for key in resource.get("schema", {}).get("foreignKeys", [])
            for name in key["fields"]]
    assert keys
    assert {fields[key] for key in keys} == {"string"}


def small_package(tmp_path, key_field="person_id", target="people"):
    """Two tables, the second referring to the first; row 4 names a person who is not there."""
    (tmp_path / "people.csv").write_text("person_id\nana\nbo\n", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("note,person_id\nhi,ana\nyo,\nno,cy\n", encoding="utf-8")
    return {"resources": [
        {"name": "people", "path": "people.csv", "schema": {"fields": [{"name": "person_id"}]}},
        {"name": "notes", "path": "notes.csv", "schema": {
            "fields": [{"name": "note"}, {"name": "person_id"}],
            "foreignKeys": [{"fields": [key_field],
                             "reference": {"resource": target, "fields": ["person_id"]}}]}}]}


def test_a_foreign_key_names_row_field_and_value_and_an_empty_key_refers_to_nothing(tmp_path):
    issues = foreign_key_issues(small_package(tmp_path), tmp_path)
    assert [(issue.row, issue.field, issue.value) for issue in issues] == [(4, "person_id", "cy")]
    assert "notes.csv, row 4, field 'person_id', value 'cy': [foreign-key]" in str(issues[0])


def test_foreign_keys_are_found_where_frictionless_finds_them(tmp_path):
    from frictionless import Package

    package = small_package(tmp_path)
    report = Package(package, basepath=str(tmp_path)).validate()
    theirs = [(error.row_number, error.note) for task in report.tasks for error in task.errors]
    ours = [(issue.row, issue.problem.removeprefix("[foreign-key] "))
            for issue in foreign_key_issues(package, tmp_path)]
    assert theirs and ours == theirs


@pytest.mark.parametrize("key_field, target, named", [
    ("person", "people", ["person", "person_id"]), ("person_id", "persons", "persons")])
def test_a_foreign_key_to_a_missing_table_or_column_is_named_not_raised(tmp_path, key_field,
                                                                       target, named):
    issues = foreign_key_issues(small_package(tmp_path, key_field, target), tmp_path)
    assert [(issue.field, issue.value) for issue in issues] == [("notes.foreignKeys", named)]


def test_the_check_after_a_rebuild_names_a_broken_derived_table_and_a_key_into_it(data_copy):
    set_cell(data_copy / "processed/paragraphs.csv", 4, "source_id", "nosuch-2024")
    set_cell(path_of(data_copy, "claims"), 0, "paragraph_id", "ecfr-2022-p999")
    found = "\n".join(str(issue) for issue in rebuilt_issues(data_copy))
    assert "data/processed/paragraphs.csv, row 6, field 'source_id', value 'nosuch-2024'" in found
    assert "claims.csv, row 2, field 'paragraph_id', value 'ecfr-2022-p999': [foreign-key]" \
        in found


def test_frictionless_names_the_same_problems_in_one_process_or_one_per_core(data_copy,
                                                                             monkeypatch):
    from kzreform.pipeline import validation

    set_cell(path_of(data_copy, "claims"), 3, "number", "fifteen")
    set_cell(data_copy / "processed/paragraphs.csv", 0, "text", "")
    package = descriptor(data_copy)
    found = {}
    for parallel, threshold in (("one process", 10**12), ("one per core", 0)):
        monkeypatch.setattr(validation, "PARALLEL_MIN_BYTES", threshold)
        found[parallel] = [str(issue) for issue in validation.frictionless_issues(package,
                                                                                  data_copy)]
    assert len(found["one process"]) == 2
    assert found["one process"] == found["one per core"]


def test_a_stored_evidence_quote_of_an_unknown_paragraph_is_named(data_copy):
    set_cell(data_copy / "processed/evidence_quotes.csv", 0, "paragraph_id", "nosuch-2020-p1")
    assert ("data/processed/evidence_quotes.csv, row 2, field 'paragraph_id', value "
            "'nosuch-2020-p1': [foreign-key]") in errors_of(data_copy)


def test_frictionless_reads_again_only_the_tables_that_changed(data_copy, tmp_path, monkeypatch):
    from kzreform.core.cache import CACHE_VARIABLE
    from kzreform.pipeline import validation

    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    validated = []
    validate = validation.Package.validate

    def recording(package, **options):
        validated.append(package.resource_names)
        return validate(package, **options)

    monkeypatch.setattr(validation.Package, "validate", recording)
    package = descriptor(data_copy)
    assert validation.frictionless_issues(package, data_copy) == []
    assert "claims" in validated[0]
    assert validation.frictionless_issues(package, data_copy) == []
    assert len(validated) == 1, "nothing changed, so Frictionless had nothing to read"
    set_cell(path_of(data_copy, "claims"), 3, "number", "fifteen")
    issues = validation.frictionless_issues(package, data_copy)
    assert validated[1] == ["claims"]
    assert [(issue.row, issue.field, issue.value) for issue in issues] == [(5, "number",
                                                                            "fifteen")]
    assert validation.frictionless_issues(package, data_copy) == issues, \
        "a stored finding is reported as found"
