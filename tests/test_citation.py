"""Citation metadata: CITATION.cff is valid CFF 1.2 and the one source of the version."""

from __future__ import annotations

import json
import re
import sys
import tomllib
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import yaml

from kzreform.core.errors import DataValidationError
from kzreform.core.paths import ROOT
from kzreform.report import assets
from kzreform.report import citation as report_citation

CFF_SCHEMA = Path(__file__).parent / "schemas" / "citation-file-format-1.2.0.schema.json"
ZENODO = ROOT / ".zenodo.json"


def cff_errors(document: dict) -> list[str]:
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, error.path))}: {error.message}"
            for error in validator.iter_errors(document)]


def test_citation_cff_is_valid_cff_1_2():
    document = report_citation.load_cff()
    assert document["cff-version"] == "1.2.0"
    assert cff_errors(document) == []


def test_schema_check_rejects_an_invalid_citation_file():
    broken = dict(report_citation.load_cff())
    del broken["authors"]
    broken["date-released"] = "23 November 2026"
    errors = cff_errors(broken)
    assert any("authors" in error for error in errors)
    assert any(error.startswith("date-released") for error in errors)


def test_version_is_semantic_and_matches_the_python_package():
    """pyproject.toml repeats the version for pip; it must not drift from CITATION.cff."""
    version = report_citation.load_citation().version
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["version"] == version


def test_zenodo_metadata_agrees_with_citation_cff():
    """Zenodo archives a release with .zenodo.json: the same metadata as CITATION.cff."""
    zenodo = json.loads(ZENODO.read_text(encoding="utf-8"))
    cff = report_citation.load_cff()
    citation = report_citation.load_citation()
    assert zenodo["title"] == citation.title
    assert zenodo["version"] == citation.version
    assert [creator["name"] for creator in zenodo["creators"]] == citation.authors
    licenses = [citation.license] if isinstance(citation.license, str) else citation.license
    assert zenodo["license"].lower() in {name.lower() for name in licenses}
    assert zenodo["keywords"] == cff["keywords"]
    assert " ".join(zenodo["description"].split()) == " ".join(cff["abstract"].split())
    assert zenodo["upload_type"] == cff["type"]


def test_zenodo_check_catches_a_version_that_drifts(tmp_path, monkeypatch):
    drifted = json.loads(ZENODO.read_text(encoding="utf-8"))
    drifted["version"] = drifted["version"] + ".1"
    monkeypatch.setattr(sys.modules[__name__], "ZENODO", tmp_path / ".zenodo.json")
    ZENODO.write_text(json.dumps(drifted), encoding="utf-8")
    with pytest.raises(AssertionError):
        test_zenodo_metadata_agrees_with_citation_cff()


def test_changelog_has_an_entry_for_the_current_version_state():
    citation = report_citation.load_citation()
    entries = report_citation.changelog_entries()
    assert entries, "CHANGELOG.md has no '## [...]' entries"
    entry = report_citation.changelog_entry(citation.version)
    if citation.date_released:
        assert entry is not None and entry["date"] == citation.date_released
    else:
        # Not yet released: the work is described under [Unreleased].
        assert entry is None
        assert entries[0]["version"] == "Unreleased" and entries[0]["text"]
    dated = [entry["date"] for entry in entries if entry["date"]]
    assert dated == sorted(dated, reverse=True), "changelog entries are not newest first"
    for day in dated:
        date.fromisoformat(day)


def test_changelog_parsing(tmp_path):
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(
        "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- a typo\n\n"
        "## [1.1.0] - 2026-12-01\n\n### Added\n\n- a table\n"
        "- values read as `{{< meta article.NAME >}}`\n\n"
        "## [1.0.0] - 2026-11-23\n\n- first release\n\n"
        "[1.1.0]: https://example.org/compare/1.0.0...1.1.0\n", encoding="utf-8")
    entries = report_citation.changelog_entries(changelog)
    assert [(e["version"], e["date"]) for e in entries] == [
        ("Unreleased", None), ("1.1.0", "2026-12-01"), ("1.0.0", "2026-11-23")]
    assert entries[2]["text"] == "- first release"
    markdown = report_citation.changelog_markdown(changelog)
    assert "### 1.1.0 (2026-12-01) {.unnumbered}" in markdown
    assert "**Added**\n\n- a table" in markdown
    assert "https://example.org" not in markdown
    # Printed as written: Quarto runs a shortcode it finds, even in code.
    assert "`{{{< meta article.NAME >}}}`" in markdown


def write_cff(tmp_path, **fields) -> Path:
    document = {"cff-version": "1.2.0", "message": "Cite this.", "title": "A study",
                "authors": [{"family-names": "Doe", "given-names": "Jane"}, {"name": "A Lab"}],
                "version": "2.0.1", **fields}
    path = tmp_path / "CITATION.cff"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def test_citation_text_and_bibtex_for_a_released_version(tmp_path):
    path = write_cff(tmp_path, **{"date-released": "2026-11-23", "doi": "10.5281/zenodo.1"})
    path.write_text(path.read_text().replace("'2026-11-23'", "2026-11-23"), encoding="utf-8")
    citation = report_citation.load_citation(path)
    assert citation.date_released == "2026-11-23"
    assert citation.authors == ["Jane Doe", "A Lab"]
    text = report_citation.citation_text(citation)
    assert text.startswith("Jane Doe; A Lab. 2026. *A study*. Version 2.0.1.")
    assert "https://doi.org/10.5281/zenodo.1" in text
    bibtex = report_citation.citation_bibtex(citation)
    assert bibtex.startswith("@software{kzreform-2-0-1,")
    assert "author = {{Jane Doe} and {A Lab}}" in bibtex
    assert "version = {2.0.1}" in bibtex and "year = {2026}" in bibtex
    assert bibtex.count("{") == bibtex.count("}")
    assert "Unreleased" not in bibtex


def test_unreleased_version_is_marked_in_metadata_and_citation(tmp_path):
    citation = report_citation.load_citation(write_cff(tmp_path))
    assert "Unreleased" in report_citation.citation_text(citation)
    assert "note = {Unreleased version}" in report_citation.citation_bibtex(citation)
    metadata = assets.release_metadata(citation, "abc123")
    assert metadata == {"version": "2.0.1", "commit": "abc123",
                        "subtitle": "Version 2.0.1 (unreleased draft)"}


@pytest.mark.parametrize("fields, message", [
    ({"version": "v2"}, "field 'version'"),
    ({"version": None}, "field 'version': missing"),
    ({"authors": []}, "field 'authors': missing"),
])
def test_bad_citation_file_is_reported_with_its_field(tmp_path, fields, message):
    path = write_cff(tmp_path, **fields)
    with pytest.raises(DataValidationError, match=re.escape(message)):
        report_citation.load_citation(path)


def test_unreadable_citation_file_names_the_file(tmp_path):
    path = tmp_path / "CITATION.cff"
    path.write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="CITATION.cff: cannot be read as YAML"):
        report_citation.load_citation(path)


def test_the_readme_gives_the_citation_of_a_released_version():
    """Once released, the README's 'Citing' section carries the report's own citation."""
    citation = report_citation.load_citation()
    if not citation.date_released:
        pytest.skip("the version is not released yet")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quoted = " ".join(line.removeprefix(">").strip() for line in readme.splitlines()
                      if line.startswith(">"))
    assert " ".join(report_citation.citation_text(citation).split()) in quoted
    assert report_citation.citation_bibtex(citation) in readme
