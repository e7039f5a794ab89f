"""``kzreform add-source`` on a synthetic article, always in a private copy of data/."""

import hashlib
import json

import pandas as pd
import pytest
import yaml

from kzreform import add_source as adding
from kzreform.cli import main
from kzreform.errors import DataValidationError
from kzreform.framing import AUTOMATED
from kzreform.paths import DATA
from kzreform.validation import validate_package

ARTICLE = """A Synthetic Test Article

Opposition activists say the new referendum is window dressing for authoritarian rule, and critics warn it will entrench presidential power.

Officials call the reform a landmark step toward democratization that makes government more accountable and inclusive.
"""

METADATA = {
    "source": {
        "source_id": "synthetic-2026", "title": "A Synthetic Test Article",
        "outlet": "not stated", "authors": "not stated", "date_published": "2026-03",
        "date_precision": "month", "date_earliest": "2026-03-01", "date_latest": "2026-03-31",
        "url": "not stated", "source_type": "not stated", "language": "en",
    },
    "provenance": {"title": {"basis": "raw text", "evidence": "First line of the text."}},
}


@pytest.fixture
def article(tmp_path):
    text = tmp_path / "article.txt"
    text.write_text(ARTICLE, encoding="utf-8")
    return text


def write_metadata(tmp_path, **source_changes):
    metadata = {**METADATA, "source": {**METADATA["source"], **source_changes}}
    path = tmp_path / "article.yml"
    path.write_text(yaml.safe_dump(metadata), encoding="utf-8")
    return path


def snapshot(directory):
    return {path.relative_to(directory): path.read_bytes()
            for path in sorted(directory.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def real_data_before():
    return snapshot(DATA)


def test_adds_validates_segments_and_auto_codes(tmp_path, data_copy, article, real_data_before):
    added = adding.add_source(article, write_metadata(tmp_path), data_copy)

    raw = data_copy / added["raw_file"]
    assert raw.read_bytes() == article.read_bytes()
    package = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    digest = hashlib.sha256(article.read_bytes()).hexdigest()
    assert {"path": added["raw_file"], "hash": f"sha256:{digest}"}.items() <= next(
        r for r in package["resources"] if r.get("path") == added["raw_file"]).items()
    sources = pd.read_csv(data_copy / "metadata" / "sources.csv", dtype=str)
    assert sources.set_index("source_id").loc["synthetic-2026", "raw_file"] == added["raw_file"]
    provenance = pd.read_csv(data_copy / "metadata" / "source_provenance.csv", dtype=str)
    assert len(provenance[provenance["source_id"] == "synthetic-2026"]) == 1

    paragraphs = pd.read_csv(data_copy / "processed" / "paragraphs.csv", dtype=str)
    new = paragraphs[paragraphs["source_id"] == "synthetic-2026"]
    assert new["kind"].tolist() == ["paragraph", "paragraph"]  # the title line was removed
    coded = pd.read_csv(data_copy / "processed" / "framing_auto.csv", dtype=str)
    coded = coded[coded["source_id"] == "synthetic-2026"].set_index("paragraph_id")
    assert added["paragraphs"] == len(coded) == 2
    assert (coded["coding"] == AUTOMATED).all()
    assert coded["primary_frame"].tolist() == ["window_dressing", "democratisation"]
    validate_package(data_copy / "datapackage.json")
    assert snapshot(DATA) == real_data_before


def test_invalid_metadata_leaves_nothing_written(tmp_path, data_copy, article):
    before = snapshot(data_copy)
    with pytest.raises(DataValidationError, match="sources.csv, row 7, field 'date_precision'"):
        adding.add_source(article, write_metadata(tmp_path, date_precision="weekly"), data_copy)
    assert snapshot(data_copy) == before


@pytest.mark.parametrize("problem, expected", [
    ("duplicate id", "'fpc-2021' is already a source"),
    ("not utf-8", "not valid UTF-8"),
    ("missing field", "missing \\['language'\\]"),
])
def test_bad_input_is_refused_before_staging(tmp_path, data_copy, article, problem, expected):
    metadata = write_metadata(tmp_path, source_id="fpc-2021" if problem == "duplicate id"
                              else "synthetic-2026")
    if problem == "not utf-8":
        article.write_bytes(b"caf\xe9 society\n")
    if problem == "missing field":
        document = yaml.safe_load(metadata.read_text(encoding="utf-8"))
        del document["source"]["language"]
        metadata.write_text(yaml.safe_dump(document), encoding="utf-8")
    before = snapshot(data_copy)
    with pytest.raises(DataValidationError, match=expected):
        adding.add_source(article, metadata, data_copy)
    assert snapshot(data_copy) == before


def test_failure_while_replacing_files_restores_the_originals(tmp_path, data_copy, article,
                                                             monkeypatch):
    before = snapshot(data_copy)
    replaced = []
    real_replace = adding._replace

    def fail_on_third(source, target):
        if len(replaced) == 2:
            raise OSError("disk full")
        replaced.append(target)
        real_replace(source, target)

    monkeypatch.setattr(adding, "_replace", fail_on_third)
    with pytest.raises(OSError, match="disk full"):
        adding.add_source(article, write_metadata(tmp_path), data_copy)
    assert len(replaced) == 2
    assert snapshot(data_copy) == before


def test_command_line_reports_bad_input(tmp_path, data_copy, article, capsys):
    metadata = write_metadata(tmp_path, source_id="fpc-2021")
    code = main(["add-source", str(article), "--metadata", str(metadata),
                 "--data-dir", str(data_copy)])
    assert code == 1
    assert "field 'source_id': 'fpc-2021' is already a source" in capsys.readouterr().err
