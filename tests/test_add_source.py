"""``kzreform add-source`` on synthetic articles, always in a private copy of data/."""

import datetime
import hashlib
import json
import re

import pytest
import yaml
from conftest import METADATA, snapshot

from kzreform.cli import main
from kzreform.core.codebook import load_codebook
from kzreform.core.data import load_table, read_text
from kzreform.core.errors import DataValidationError
from kzreform.core.paths import DATA
from kzreform.core.vocabulary import AUTOMATED
from kzreform.pipeline.validation import validate_package
from kzreform.workflows import add_source as adding

# Each add-source rebuilds the derived tables; their statistics are not what is tested here.
pytestmark = pytest.mark.usefixtures("fast_build")


@pytest.fixture(scope="module")
def real_data_before():
    return snapshot(DATA)


def test_adds_validates_segments_cleans_and_auto_codes(data_copy, new_source, real_data_before):
    text, metadata = new_source()
    sources_before = load_table("sources", data_copy)
    added = adding.add_source(text, metadata, data_copy)

    raw = data_copy / added["raw_file"]
    assert raw.read_bytes() == text.read_bytes()
    package = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    digest = hashlib.sha256(text.read_bytes()).hexdigest()
    assert {"path": added["raw_file"], "hash": f"sha256:{digest}"}.items() <= next(
        r for r in package["resources"] if r.get("path") == added["raw_file"]).items()
    sources = load_table("sources", data_copy)
    assert len(sources) == len(sources_before) + 1
    assert sources.set_index("source_id").loc["synthetic-2026", "raw_file"] == added["raw_file"]
    provenance = load_table("source-provenance", data_copy)
    assert set(provenance.loc[provenance["source_id"] == "synthetic-2026", "field"]) == set(
        METADATA["provenance"])

    paragraphs = load_table("paragraphs", data_copy)
    new = paragraphs[paragraphs["source_id"] == "synthetic-2026"]
    assert new["kind"].tolist() == ["paragraph", "paragraph"]  # title and series link removed
    removed = load_table("removed-text", data_copy)
    removed = removed[removed["source_id"] == "synthetic-2026"]
    assert removed["text"].tolist() == ["A Synthetic Test Article", "More in this series"]
    assert removed["rule_id"].tolist() == ["title", "synthetic-2026-1"]
    coded = load_table("framing-auto", data_copy)
    coded = coded[coded["source_id"] == "synthetic-2026"]
    assert added["paragraphs"] == len(coded) == 2
    assert (coded["coding"] == AUTOMATED).all()
    assert coded["primary_frame"].isin(list(load_codebook().frames)).all()
    validate_package(data_copy)
    assert snapshot(DATA) == real_data_before


def test_a_second_source_gets_the_next_number(data_copy, new_source):
    # The first source only needs to be in place (numbers are given before the rebuild).
    text, metadata = new_source()
    first = {"raw_file": adding.append_source(data_copy, read_text(text),
                                              adding.read_metadata(metadata),
                                              datetime.date.today())}
    second_text = ("Another Test Piece\n\nThe parliament debated local budgets and the "
                   "courts reviewed the election law in a long session.\n")
    second = adding.add_source(*new_source(second_text, name="second", source_id="second-2026",
                                           title="Another Test Piece"), data_copy)
    numbers = [int(added["raw_file"].split("/")[-1][:3]) for added in (first, second)]
    assert numbers[1] == numbers[0] + 1
    validate_package(data_copy)


def test_invalid_metadata_leaves_nothing_written_and_names_the_users_file(data_copy, new_source):
    text, metadata = new_source(source_type="weekly blog")
    before = snapshot(data_copy)
    with pytest.raises(DataValidationError) as error:
        adding.add_source(text, metadata, data_copy)
    message = str(error.value)
    assert "article.yml, field 'source.source_type', value 'weekly blog': [constraint-error]" \
        in message
    assert "sources.csv, row" not in message  # no row of a staged table the user never saw
    assert ".transaction" not in message
    assert snapshot(data_copy) == before


# ---- issue 11, case 6: what add-source used to accept -----------------------------

def without_provenance(document):
    return {key: value for key, value in document.items() if key != "provenance"}


def with_an_empty_value(document):
    return {**document, "source": {**document["source"], "authors": None}}


@pytest.mark.parametrize("case, changes, expected", [
    ("future date", {"date_published": "2030-03", "date_earliest": "2030-03-01",
                     "date_latest": "2030-03-31"},
     "field 'source.date_earliest', value '2030-03-01': is in the future"),
    ("earliest after latest", {"date_published": "not stated", "date_precision": "range",
                               "date_earliest": "2026-04-30", "date_latest": "2026-03-01"},
     "field 'source.date_earliest', value '2026-04-30': is later than date_latest"),
    ("earliest after published", {"date_earliest": "2026-04-02", "date_latest": "2026-04-03"},
     "field 'source.date_published', value '2026-03': does not contain the window"),
    ("day precision for a month", {"date_precision": "day"},
     "field 'source.date_precision', value 'day': does not fit date_published '2026-03'"),
    ("empty value", {"document": with_an_empty_value},
     "field 'source.authors', value '': is empty; write 'not stated'"),
    ("the string None", {"outlet": "None"},
     "field 'source.outlet', value 'None': is empty"),
    ("no provenance", {"document": without_provenance},
     "field 'provenance': needs a mapping 'provenance'"),
])
def test_bad_metadata_is_refused_with_the_field_named(data_copy, new_source, case, changes,
                                                      expected):
    document = changes.pop("document", None)
    text, metadata = new_source(document=document, **changes)
    before = snapshot(data_copy)
    with pytest.raises(DataValidationError) as error:
        adding.add_source(text, metadata, data_copy)
    assert f"{metadata.name}, {expected}" in str(error.value)
    assert snapshot(data_copy) == before


def test_provenance_is_required_for_every_field(data_copy, new_source):
    def drop_url(document):
        provenance = {k: v for k, v in document["provenance"].items() if k != "url"}
        return {**document, "provenance": provenance}
    with pytest.raises(DataValidationError, match="field 'provenance': has no entry for url"):
        adding.add_source(*new_source(document=drop_url), data_copy)


def test_a_byte_identical_text_is_refused_naming_the_source(data_copy, new_source, sources):
    existing = sources.iloc[0]
    text, metadata = new_source((data_copy / existing["raw_file"]).read_bytes())
    with pytest.raises(DataValidationError,
                       match=f"is byte-identical to the text of source '{existing['source_id']}'"):
        adding.add_source(text, metadata, data_copy)


def test_a_near_duplicate_text_is_refused_naming_the_source(data_copy, new_source, sources):
    existing = sources.iloc[-1]
    original = (data_copy / existing["raw_file"]).read_text(encoding="utf-8")
    text, metadata = new_source("Shared from our partner site\n" + original)
    with pytest.raises(DataValidationError,
                       match=f"is a near-duplicate of source '{existing['source_id']}'"):
        adding.add_source(text, metadata, data_copy)


@pytest.mark.parametrize("problem, text, expected", [
    ("NUL byte", "A title\n\nBody text with a \0 NUL byte in it, long enough.\n",
     "contains a NUL byte (line 3)"),
    ("not utf-8", b"caf\xe9 society\n", "not valid UTF-8 at byte 3"),
    ("byte-order mark", "\ufeffA title\n\nBody.\n", "remove the byte-order mark"),
    ("empty", "  \n", "is empty"),
])
def test_a_bad_text_is_refused_before_staging(data_copy, new_source, problem, text, expected):
    before = snapshot(data_copy)
    with pytest.raises(DataValidationError, match=re.escape(expected)):
        adding.add_source(*new_source(text), data_copy)
    assert snapshot(data_copy) == before


def test_duplicate_source_id_and_missing_column(data_copy, new_source, sources):
    taken = sources["source_id"].iloc[0]
    with pytest.raises(DataValidationError,
                       match=f"field 'source.source_id', value '{taken}': is already a source"):
        adding.add_source(*new_source(source_id=taken), data_copy)

    def without_language(document):
        source = {k: v for k, v in document["source"].items() if k != "language"}
        return {**document, "source": source}
    with pytest.raises(DataValidationError, match="field 'source.language': is missing"):
        adding.add_source(*new_source(document=without_language), data_copy)


# ---- issue 11, case 7: provenance bases for new sources; messages name the user's files ----

@pytest.mark.parametrize("basis", ["publisher page", "web address", "supplied metadata"])
def test_new_provenance_bases_are_accepted(data_copy, new_source, basis):
    def publisher(document):
        provenance = {**document["provenance"],
                      "outlet": {"basis": basis, "evidence": "Masthead of the page."}}
        return {**document, "provenance": provenance}
    text, metadata = new_source(document=publisher)
    # A basis is checked with the other inputs, before the rebuild: stop there.
    adding.append_source(data_copy, read_text(text), adding.read_metadata(metadata),
                         datetime.date.today())
    provenance = load_table("source-provenance", data_copy)
    assert basis in set(provenance["basis"])


def test_a_bad_provenance_basis_names_the_metadata_field(data_copy, new_source):
    def guessed(document):
        provenance = {**document["provenance"], "url": {"basis": "guess", "evidence": "x"}}
        return {**document, "provenance": provenance}
    with pytest.raises(DataValidationError,
                       match=r"article.yml, field 'provenance.url.basis', value 'guess'"):
        adding.add_source(*new_source(document=guessed), data_copy)


def test_command_line_names_the_given_data_dir_and_the_users_files(tmp_path, data_copy,
                                                                    new_source, capsys,
                                                                    monkeypatch):
    monkeypatch.chdir(tmp_path)
    text, metadata = new_source(date_precision="year")
    code = main(["add-source", text.name, "--metadata", metadata.name, "--data-dir", "data"])
    assert code == 1
    err = capsys.readouterr().err
    assert "article.yml, field 'source.date_precision', value 'year'" in err
    assert "Traceback" not in err and str(tmp_path) not in err

    text, metadata = new_source()
    assert main(["add-source", text.name, "--metadata", metadata.name, "--data-dir", "data"]) == 0
    assert "added synthetic-2026 as data/raw/corpus/" in capsys.readouterr().out


def test_a_mistyped_text_path_is_named(data_copy, new_source, capsys):
    _, metadata = new_source()
    code = main(["add-source", "no/such/article.txt", "--metadata", str(metadata),
                 "--data-dir", str(data_copy)])
    assert code == 1
    assert "no/such/article.txt: does not exist (check the path)" in capsys.readouterr().err


def test_a_bad_cleaning_rule_names_its_entry(data_copy, new_source):
    def broken_pattern(document):
        return {**document, "cleaning": [{"pattern": "(unclosed", "category": "navigation",
                                          "reason": "x"}]}
    with pytest.raises(DataValidationError, match=r"is not a valid regular expression"):
        adding.add_source(*new_source(document=broken_pattern), data_copy)


def test_the_contributing_example_metadata_works_as_documented(data_copy, tmp_path):
    guide = (DATA.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    example = guide.split("```yaml\n", 1)[1].split("```", 1)[0]
    metadata = tmp_path / "example.yml"
    metadata.write_text(example, encoding="utf-8")
    text = tmp_path / "example.txt"
    text.write_text("Kazakhstan Votes on a New Constitution\n\nShare this article\n\n"
                    "Voters approved the draft in a referendum, and officials said the new "
                    "parliament would have one chamber.\n\nPhoto: Example News\n",
                    encoding="utf-8")
    added = adding.add_source(text, metadata, data_copy)
    assert added["source_id"] == yaml.safe_load(example)["source"]["source_id"]
    removed = load_table("removed-text", data_copy)
    removed = removed[removed["source_id"] == added["source_id"]]
    assert set(removed["text"]) >= {"Share this article", "Photo: Example News"}


# ---- issue 18, case 3: a paragraph longer than the csv module's default cell limit -----

def test_a_paragraph_longer_than_the_default_csv_cell_limit_validates_afterwards(
        data_copy, new_source):
    import subprocess
    import sys
    paragraph = " ".join(f"clause{number}" for number in range(20_000)) + "."
    assert len(paragraph) > 131_072  # the csv module's limit in a process that set none
    text, metadata = new_source("A Very Long Synthetic Article\n\n" + paragraph + "\n")
    assert main(["add-source", str(text), "--metadata", str(metadata),
                 "--data-dir", str(data_copy)]) == 0
    fresh = subprocess.run([sys.executable, "-m", "kzreform", "validate", "--data-dir",
                            str(data_copy)], capture_output=True, text=True, check=False)
    assert fresh.returncode == 0, fresh.stderr
    paragraphs = load_table("paragraphs", data_copy)
    assert paragraph in set(paragraphs["text"])


# ---- issue 18, case 11: duplicate keys, numbers where text is meant, dates before 1991 --

def test_a_key_given_twice_in_the_metadata_is_named(data_copy, new_source):
    text, metadata = new_source()
    lines = metadata.read_text(encoding="utf-8").splitlines(keepends=True)
    title = next(number for number, line in enumerate(lines)
                 if line.startswith("  title:") and number > lines.index("source:\n"))
    lines.insert(title + 1, "  title: A Second Title\n")
    metadata.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataValidationError, match=rf"article.yml: not valid YAML \(the key "
                                                  rf"'title' is given twice \(lines {title + 1} "
                                                  rf"and {title + 2}\); keep one"):
        adding.add_source(text, metadata, data_copy)


@pytest.mark.parametrize("field, value", [("source_id", 2026), ("language", False),
                                          ("url", 1e3)])
def test_a_yaml_number_or_boolean_is_refused_with_the_field_named(data_copy, new_source,
                                                                   field, value):
    text, metadata = new_source(**{field: value})
    before = snapshot(data_copy)
    with pytest.raises(DataValidationError,
                       match=rf"article.yml, field 'source.{field}', value {value!r}: YAML reads "
                             "this as"):
        adding.add_source(text, metadata, data_copy)
    assert snapshot(data_copy) == before


@pytest.mark.parametrize("changes, field, value", [
    ({"date_published": "1066", "date_precision": "year", "date_earliest": "1066-01-01",
      "date_latest": "1066-12-31"}, "date_published", "1066"),
    ({"date_published": "not stated", "date_precision": "range", "date_earliest": "0001-01-01",
      "date_latest": "2026-03-31"}, "date_earliest", "0001-01-01"),
])
def test_a_date_before_1991_is_refused_with_the_field_named(data_copy, new_source, changes,
                                                            field, value):
    text, metadata = new_source(**changes)
    with pytest.raises(DataValidationError,
                       match=rf"article.yml, field 'source.{field}', value '{value}': is before "
                             "1991"):
        adding.add_source(text, metadata, data_copy)


# ---- issue 18, case 6: aliases ("billion laughs"), deep nesting, oversized YAML --------

BILLION_LAUGHS = "".join(
    ['lol0: &lol0 "lol"\n']
    + [f"lol{level}: &lol{level} [{', '.join([f'*lol{level - 1}'] * 9)}]\n"
       for level in range(1, 10)])


@pytest.mark.parametrize("extra, expected", [
    (BILLION_LAUGHS, r"not valid YAML \(an alias \(\*name\) repeats an earlier value"),
    ("deep: " + "[" * 5000 + "]" * 5000 + "\n", r"not valid YAML \(nested deeper than 50 levels"),
    ("padding: '" + "x" * 1_000_001 + "'\n",
     r"article.yml: is 1,00\d,\d{3} characters long; a YAML file here may have at most"),
])
def test_a_hostile_yaml_document_is_refused_before_anything_is_built(data_copy, new_source,
                                                                     extra, expected):
    text, metadata = new_source()
    metadata.write_text(extra + metadata.read_text(encoding="utf-8"), encoding="utf-8")
    before = snapshot(data_copy)
    with pytest.raises(DataValidationError, match=expected):
        adding.add_source(text, metadata, data_copy)
    assert snapshot(data_copy) == before


def test_a_deeply_nested_data_package_is_named(data_copy, capsys):
    descriptor = data_copy / "datapackage.json"
    package = descriptor.read_text(encoding="utf-8").rstrip().removesuffix("}")
    descriptor.write_text(package + ', "deep": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
                          encoding="utf-8")
    assert main(["validate", "--data-dir", str(data_copy)]) == 1
    assert "datapackage.json: is nested too deeply to read" in capsys.readouterr().err


# ---- issue 18, case 8: a text without a body paragraph ---------------------------------

def test_a_text_without_a_body_paragraph_is_refused(data_copy, new_source):
    text, metadata = new_source("root:x:0:0:root:/root:/bin/bash\n"
                                "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n")
    before = snapshot(data_copy)
    with pytest.raises(DataValidationError, match=r"field 'source_id', value 'synthetic-2026': "
                                                  r"has no body paragraph"):
        adding.add_source(text, metadata, data_copy)
    assert snapshot(data_copy) == before
