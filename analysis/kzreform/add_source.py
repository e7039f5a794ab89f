"""Add a new document to the study: ``python -m kzreform add-source TEXT --metadata META.yml``.

The text is copied into ``data/raw/corpus/``, its metadata appended to
``sources.csv`` and ``source_provenance.csv``, its SHA-256 recorded in
``datapackage.json``; then it is cleaned, segmented and coded by the automated
coder (marked 'automated, not hand-coded'). All of this happens first in a
staged copy of ``data/`` that must validate as a whole; only then are the files
replaced, and if replacing fails part-way the originals are put back.

The metadata file is YAML with two mappings::

    source:       # every column of sources.csv except raw_file
      source_id: example-2026
      title: ...
    provenance:   # for each field of source_provenance.csv: basis and evidence
      title: {basis: raw text, evidence: "First line of the text."}
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from . import build
from .corpus import read_raw_text
from .errors import DataValidationError
from .framing import FRAMING_AUTO, framing_tables
from .paths import DATA, DATAPACKAGE, SOURCE_PROVENANCE, SOURCES, in_data_dir, relative

RAW_DIR = Path("raw") / "corpus"


def read_metadata(path: Path, data_dir: Path) -> tuple[dict, list[dict]]:
    """The new source's sources.csv row and provenance rows, checked against the headers."""
    where = relative(path)
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataValidationError(f"{where}: cannot be read as YAML ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("source"), dict):
        raise DataValidationError(f"{where}: needs a mapping 'source' (a row of sources.csv)")
    source = {key: str(value) for key, value in document["source"].items()}
    sources = pd.read_csv(in_data_dir(SOURCES, data_dir), dtype=str, keep_default_na=False)
    expected = [column for column in sources.columns if column != "raw_file"]
    missing = [column for column in expected if column not in source]
    extra = [column for column in source if column not in expected]
    if missing or extra:
        raise DataValidationError(f"{where}, field 'source': missing {missing}, "
                                  f"not in sources.csv {extra}")
    if source["source_id"] in set(sources["source_id"]):
        raise DataValidationError(f"{where}, field 'source_id': {source['source_id']!r} "
                                  f"is already a source in {relative(in_data_dir(SOURCES, data_dir))}")
    provenance = []
    for field, entry in (document.get("provenance") or {}).items():
        if not isinstance(entry, dict) or set(entry) != {"basis", "evidence"}:
            raise DataValidationError(f"{where}, field 'provenance.{field}': needs exactly "
                                      f"'basis' and 'evidence'")
        provenance.append({"source_id": source["source_id"], "field": field,
                           "basis": str(entry["basis"]), "evidence": str(entry["evidence"])})
    return source, provenance


def _append_rows(path: Path, rows: list[dict]) -> None:
    header = pd.read_csv(path, dtype=str, nrows=0).columns.tolist()
    with open(path, "a", encoding="utf-8", newline="") as table:
        csv.writer(table, lineterminator="\n").writerows(
            [[row.get(column, "") for column in header] for row in rows])


def _register_raw_file(descriptor: Path, raw_file: str, digest: str) -> None:
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    resources = package["resources"]
    last_raw = max(i for i, r in enumerate(resources) if r["name"].startswith("raw-"))
    template = resources[last_raw]
    resources.insert(last_raw + 1, {
        **template,
        "name": "raw-" + Path(raw_file).name.split("_")[0],
        "path": raw_file,
        "hash": f"sha256:{digest}",
    })
    descriptor.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n",
                          encoding="utf-8")


def rebuild_corpus_and_framing(data_dir: Path) -> list[Path]:
    """Segment every source and auto-code every paragraph of ``data_dir``; validate; write."""
    tables = build.corpus_tables({}, data_dir)
    tables.update(framing_tables(tables, data_dir))
    build.write_validated(tables, data_dir)
    return list(tables)


def add_source(text_path: Path, metadata_path: Path, data_dir: Path = DATA) -> dict:
    """Add one document to ``data_dir``; return its source id, raw file and paragraph count."""
    data_dir = Path(data_dir)
    text = read_raw_text(text_path)
    if not text.strip():
        raise DataValidationError(f"{relative(text_path)}: the text is empty")
    source, provenance = read_metadata(metadata_path, data_dir)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    number = len(list((data_dir / RAW_DIR).glob("*.txt")))
    raw_file = (RAW_DIR / f"{number:03d}_{digest[:16]}.txt").as_posix()
    inputs = [Path(raw_file), *(path.relative_to(DATA) for path in
                                (SOURCES, SOURCE_PROVENANCE, DATAPACKAGE))]
    with tempfile.TemporaryDirectory(prefix="kzreform-add-source-") as staging:
        staged = Path(staging) / "data"
        shutil.copytree(data_dir, staged)
        shutil.copyfile(text_path, staged / raw_file)
        _append_rows(in_data_dir(SOURCES, staged), [{**source, "raw_file": raw_file}])
        _append_rows(in_data_dir(SOURCE_PROVENANCE, staged), provenance)
        _register_raw_file(in_data_dir(DATAPACKAGE, staged), raw_file, digest)
        derived = [path.relative_to(staged) for path in rebuild_corpus_and_framing(staged)]
        changed = inputs + derived
        backups = {path: (data_dir / path).read_bytes() if (data_dir / path).exists() else None
                   for path in changed}
        try:
            for path in changed:
                _replace(staged / path, data_dir / path)
            if data_dir.resolve() == DATA.resolve():
                build.build_all()  # the other analyses' derived tables, too
        except BaseException:
            _restore(backups, data_dir)
            raise
    coded = pd.read_csv(in_data_dir(FRAMING_AUTO, data_dir), dtype=str, keep_default_na=False)
    count = int((coded["source_id"] == source["source_id"]).sum())
    return {"source_id": source["source_id"], "raw_file": raw_file, "paragraphs": count}


def _replace(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".tmp")
    shutil.copyfile(source, temporary)
    os.replace(temporary, target)


def _restore(backups: dict[Path, bytes | None], data_dir: Path) -> None:
    for path, content in backups.items():
        target = data_dir / path
        if content is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(content)
