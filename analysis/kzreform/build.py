"""Regenerate every derived table of a data directory from its inputs, in one transaction.

The inputs are checked first (structure and schema, :func:`validate_inputs`);
then every builder runs on the staged copy of the data directory, receiving the
tables built before it; the tables are written there and the whole package
must validate (:mod:`kzreform.transaction`) before any file of ``data/`` changes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from . import transaction
from .corpus import corpus_tables
from .data import resource_path
from .duplicates import signature_tables
from .errors import shown
from .framing import framing_tables
from .intercoder import intercoder_tables
from .paths import DATA
from .provisions import provisions_tables
from .validation import validate_inputs, validate_package

# Tables by resource name.
Tables = dict[str, pd.DataFrame]
# Every builder takes the (staged) data directory and the tables built so far.
BUILDERS: list[Callable[[Path, Tables], Tables]] = [corpus_tables, signature_tables,
                                                    provisions_tables, framing_tables,
                                                    intercoder_tables]


def derived_tables(data_dir: Path) -> Tables:
    """Every derived table of ``data_dir``, whose inputs were checked (nothing is written)."""
    tables: Tables = {}
    for builder in BUILDERS:
        tables.update(builder(data_dir, tables))
    return tables


def build_tables(data_dir: Path = DATA) -> Tables:
    """Check the inputs of ``data_dir``, then compute every derived table (nothing is written)."""
    validate_inputs(data_dir)
    return derived_tables(data_dir)


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """Write a table as the data package stores it: UTF-8, Unix line ends, no index."""
    table.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def rebuild(data_dir: Path, inputs_checked: bool = False) -> Tables:
    """Build every derived table of ``data_dir`` and write it there (call on a staged copy).

    A caller that has just checked the inputs (``inputs_checked``) spares
    checking them again.
    """
    tables = derived_tables(data_dir) if inputs_checked else build_tables(data_dir)
    for name, table in tables.items():
        path = resource_path(name, data_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_csv(table, path)
    return tables


def build(data_dir: Path = DATA, shown_name: str | None = None) -> list[str]:
    """Rebuild ``data_dir`` in one transaction; return the derived files as the user sees them."""
    tables = transaction.write(data_dir, rebuild, validate_package, shown_name)
    name = shown_name or shown(data_dir)
    return [f"{name}/{resource_path(table, data_dir).relative_to(data_dir).as_posix()}"
            for table in tables]
