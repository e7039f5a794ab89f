"""Regenerate every derived table in ``data/processed/`` from the inputs.

Tables are computed in memory, written into a staged copy of ``data/`` and
validated there as a whole package; only a valid result replaces the files in
``data/processed/``, so a failed build never leaves a half-written table.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

import pandas as pd

from .corpus import load_boilerplate_rules, segment_corpus
from .framing import framing_tables
from .paths import BOILERPLATE_RULES, DATA, PARAGRAPHS, REMOVED_TEXT, SOURCES, in_data_dir, relative
from .provisions import provisions_tables
from .validation import validate_package

Tables = dict[Path, pd.DataFrame]


def load_sources(path: Path = SOURCES) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def corpus_tables(_: Tables, data_dir: Path = DATA) -> Tables:
    paragraphs, removed = segment_corpus(
        load_sources(in_data_dir(SOURCES, data_dir)),
        load_boilerplate_rules(in_data_dir(BOILERPLATE_RULES, data_dir)),
        data_dir=data_dir)
    return {in_data_dir(PARAGRAPHS, data_dir): paragraphs,
            in_data_dir(REMOVED_TEXT, data_dir): removed}


# Each builder receives the tables built before it, so later analyses can use
# the paragraphs without reading a file that is not yet written.
BUILDERS: list[Callable[[Tables], Tables]] = [corpus_tables, provisions_tables, framing_tables]


def write_csv(table: pd.DataFrame, path: Path) -> None:
    table.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def build_tables() -> Tables:
    tables: Tables = {}
    for builder in BUILDERS:
        tables.update(builder(tables))
    return tables


def write_validated(tables: Tables, data_dir: Path = DATA) -> list[str]:
    """Validate ``tables`` together with the rest of the package, then write them."""
    with tempfile.TemporaryDirectory(prefix="kzreform-build-") as staging:
        staged_data = Path(staging) / "data"
        shutil.copytree(data_dir, staged_data)
        for path, table in tables.items():
            staged = staged_data / path.relative_to(data_dir)
            staged.parent.mkdir(parents=True, exist_ok=True)
            write_csv(table, staged)
        validate_package(staged_data / "datapackage.json")
        for path in tables:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            shutil.copyfile(staged_data / path.relative_to(data_dir), temporary)
            os.replace(temporary, path)
    return [relative(path) for path in tables]


def build_all() -> list[str]:
    return write_validated(build_tables())
