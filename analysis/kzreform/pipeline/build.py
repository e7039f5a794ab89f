"""Regenerate the derived tables of a data directory from its inputs, in one transaction.

The inputs are checked first (structure and schema, :func:`validate_inputs`);
then the stages of :mod:`kzreform.pipeline.stages` run in order on the staged copy of
the data directory, each followed by the content rules on what it made; the
tables are written there and the whole package must validate
(:mod:`kzreform.core.transaction`) before any file of ``data/`` changes.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pandas as pd

from kzreform.core import transaction
from kzreform.core.data import load_table, resource_path
from kzreform.core.errors import raise_issues, shown
from kzreform.core.paths import DATA
from kzreform.pipeline.record import write_build_record
from kzreform.pipeline.stages import STAGES, Stage, Tables, stages_from
from kzreform.pipeline.validation import input_keys_into, validate_inputs, validate_rebuilt


def run_stages(data_dir: Path, stages: list[Stage] | tuple[Stage, ...] = STAGES) -> Tables:
    """Build ``stages`` of ``data_dir`` in order, each refused before the next runs.

    After each stage, the inputs' foreign keys into what it made, and its
    rules, are checked.

    A table a stage reads but none of ``stages`` makes is read from ``data_dir``
    as the last build left it. Nothing is written.
    """
    made: Tables = {}
    for stage in stages:
        read = {name: made[name] if name in made else load_table(name, data_dir)
                for name in stage.reads}
        built = stage.build(data_dir, read)
        checked = {**read, **built}
        raise_issues([*input_keys_into(data_dir, built), *stage.rule_issues(data_dir, checked)],
                     f"invalid data (checked after the {stage.name} stage)")
        made.update(built)
    return made


def build_tables(data_dir: Path = DATA) -> Tables:
    """Check the inputs of ``data_dir``, then compute every derived table (nothing is written)."""
    validate_inputs(data_dir)
    return run_stages(data_dir)


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """Write a table as the data package stores it: UTF-8, Unix line ends, no index."""
    table.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def rebuild(data_dir: Path, inputs_checked: bool = False, only: str | None = None) -> Tables:
    """Build the derived tables of ``data_dir`` and write them there (call on a staged copy).

    Their build record is written beside them (:mod:`kzreform.pipeline.record`).

    ``only`` names a stage: it and the stages that depend on it are rebuilt,
    the other tables are kept. A caller that has just checked the inputs
    (``inputs_checked``) spares checking them again.
    """
    if not inputs_checked:
        validate_inputs(data_dir)
    tables = run_stages(data_dir, STAGES if only is None else stages_from(only))
    for name, table in tables.items():
        path = resource_path(name, data_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_csv(table, path)
    write_build_record(data_dir, whole=only is None)
    return tables


def build(data_dir: Path = DATA, shown_name: str | None = None,
          only: str | None = None) -> list[str]:
    """Rebuild ``data_dir`` (or stage ``only`` and what depends on it) in one transaction.

    Return the derived files written, as the user sees them.
    """
    tables = transaction.write(data_dir, partial(rebuild, only=only), validate_rebuilt,
                               shown_name)
    name = shown_name or shown(data_dir)
    return [f"{name}/{resource_path(table, data_dir).relative_to(data_dir).as_posix()}"
            for table in tables]
