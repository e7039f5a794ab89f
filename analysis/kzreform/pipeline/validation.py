"""Validation of a data directory: structure, the Frictionless schema, then the content rules.

Table rules (types, enums, patterns, required fields, keys, foreign keys,
raw-file hashes) live only in ``datapackage.json``, generated from ``data/schema/``
and the codebook (:mod:`kzreform.core.schema`), and are checked by Frictionless, with
untrusted paths: every resource must stay inside the data directory. Raw-file
hashes are checked by :func:`raw_text_issues`, which reads the texts anyway.
Foreign keys are the other exception: Frictionless 5 reads and types the
whole referenced table again for every foreign key of every table (eight
times ``processed/paragraphs.csv`` per validation), so :func:`foreign_key_issues`
checks them, reading each referenced key once. Before Frictionless sees a
table, the reading layer checks its structure (:mod:`kzreform.core.data`), so a
stray comma or a byte-order mark is named as such. Rules a schema cannot state
live in each domain's ``rules`` module; :mod:`kzreform.pipeline.rules` gathers
them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from frictionless import Package
from frictionless.exception import FrictionlessException

from kzreform.core.cache import content_key, store_result, stored_result
from kzreform.core.data import (
    DESCRIPTOR,
    csv_rows,
    descriptor,
    is_derived,
    load_table,
    path_issues,
    table_issues,
    text_issues,
)
from kzreform.core.errors import NO_VALUE, Issue, raise_issues
from kzreform.core.paths import DATA
from kzreform.core.schema import descriptor_issues, raw_hash
from kzreform.pipeline import rules
from kzreform.pipeline.stages import STAGES, Tables

# Without foreign keys the tables are independent, and Frictionless can validate
# them in one process per core; starting the processes costs more than it saves
# below a few megabytes of tables (the study's 0.5 MB: 0.23 s against 0.17 s;
# 505 sources' 11 MB: 1.4 s against 2.3 s).
PARALLEL_MIN_BYTES = 2_000_000
TYPE_NOTE = re.compile(r'type is "(\w+)/')
# The kind of result :func:`frictionless_issues` keeps in the build cache.
TABLE_CHECKS = "table-checks"


def _issue(path: Path, error) -> Issue:
    """A Frictionless error as an :class:`Issue` naming row, field and the bad value."""
    field = getattr(error, "field_name", None) or getattr(error, "label", None)
    value = getattr(error, "cell", NO_VALUE)
    if getattr(error, "field_names", None):
        field = ", ".join(error.field_names)
        value = error.field_cells[0] if len(error.field_cells) == 1 else error.field_cells
    note = error.note or error.message
    typed = TYPE_NOTE.match(note) if error.type == "type-error" else None
    problem = f"is not a valid {typed.group(1)}" if typed else note
    return Issue.at(path, f"[{error.type}] {problem}", row=getattr(error, "row_number", None),
                    field=field, value=value)


def frictionless_issues(package: dict, data_dir: Path) -> list[Issue]:
    """Validate the tables of ``package`` (paths inside ``data_dir``) with Frictionless.

    The raw texts are checked by :func:`structure_issues`, which reads them
    anyway: Frictionless's fixed cost per resource, paid for every raw text on
    every validation, made validation grow with the corpus. Foreign keys are
    left to :func:`foreign_key_issues`. What Frictionless finds in a table
    depends only on its bytes, its resource and the package's other metadata,
    so it is kept in the build cache (:mod:`kzreform.core.cache`) under those:
    a build or an added source has Frictionless read only the tables that changed.
    """
    tables = [{**resource, "schema": without_foreign_keys(resource["schema"])}
              for resource in package["resources"] if resource.get("type") == "table"]
    paths = {resource["name"]: Path(data_dir) / resource["path"] for resource in tables}
    metadata = json.dumps({key: value for key, value in package.items() if key != "resources"},
                          sort_keys=True).encode()
    tables_by_name = {resource["name"]: resource for resource in tables}
    keys = {name: _key(metadata, resource, paths[name])
            for name, resource in tables_by_name.items()}
    found = {name: stored_result(TABLE_CHECKS, key) for name, key in keys.items()}
    unchecked = [resource for resource in tables if found[resource["name"]] is None]
    issues = []
    if unchecked:
        try:
            report = Package({**package, "resources": unchecked}, basepath=str(data_dir)).validate(
                parallel=sum(paths[resource["name"]].stat().st_size
                             for resource in unchecked) >= PARALLEL_MIN_BYTES)
        except FrictionlessException as exc:
            return [Issue.at(Path(data_dir) / DESCRIPTOR, f"not a valid data package ({exc})")]
        issues = [_issue(Path(data_dir) / DESCRIPTOR, error) for error in report.errors]
        for task in report.tasks:
            found[task.name] = [_finding(_issue(paths[task.name], error)) for error in task.errors]
            # A table's findings alone (not those of a broken descriptor), and only if
            # the bytes Frictionless read are the bytes the key was made of.
            if not issues and _key(metadata, tables_by_name[task.name],
                                   paths[task.name]) == keys[task.name]:
                store_result(TABLE_CHECKS, keys[task.name], found[task.name])
    return issues + [Issue.at(paths[resource["name"]], **finding)
                     for resource in tables for finding in found[resource["name"]]]


def _key(metadata: bytes, resource: dict, path: Path) -> str:
    """What a table's findings are stored under: the package's metadata, its resource, its bytes."""
    return content_key(metadata, json.dumps(resource, sort_keys=True).encode(), path.read_bytes())


def _finding(issue: Issue) -> dict:
    """An issue of a table without its file, as stored in the cache (JSON)."""
    finding = {"problem": issue.problem, "row": issue.row, "field": issue.field}
    return finding if issue.value is NO_VALUE else {**finding, "value": issue.value}


def without_foreign_keys(schema: dict) -> dict:
    """A table schema as Frictionless is given it: its foreign keys are checked apart."""
    return {key: value for key, value in schema.items() if key != "foreignKeys"}


def foreign_key_issues(package: dict, data_dir: Path) -> list[Issue]:
    """Rows whose foreign key names no row of the table it refers to, as Frictionless would say.

    A key whose cells are all empty refers to nothing and is not checked. Keys
    are compared as written: every foreign key of the schema is text (a test
    holds the schema to that). A key naming a table or a column that does not
    exist is a problem of the descriptor.
    """
    resources = {resource["name"]: resource for resource in package["resources"]}
    known: dict[tuple[str, tuple[str, ...]], set[tuple[str, ...]]] = {}
    issues = []
    for resource in resources.values():
        path = Path(data_dir) / resource["path"]
        for key in resource.get("schema", {}).get("foreignKeys", []):
            fields, target = tuple(key["fields"]), key["reference"]
            referenced = (target["resource"] or resource["name"], tuple(target["fields"]))
            if referenced[0] not in resources:
                issues.append(Issue.at(Path(data_dir) / DESCRIPTOR, "a foreign key refers to no "
                                       "table of the package", field=f"{resource['name']}."
                                       "foreignKeys", value=referenced[0]))
                continue
            rows = _key_rows(path, fields)
            if referenced not in known:
                found = _key_rows(Path(data_dir) / resources[referenced[0]]["path"], referenced[1])
                known[referenced] = set(found) if found is not None else None
            if rows is None or known[referenced] is None:
                issues.append(Issue.at(Path(data_dir) / DESCRIPTOR, "a foreign key names a "
                                       "column its table lacks", field=f"{resource['name']}."
                                       "foreignKeys", value=list(fields + referenced[1])))
                continue
            issues += _unmatched_keys(path, fields, rows, referenced, known[referenced])
    return issues


def _unmatched_keys(path: Path, fields: tuple[str, ...], rows: list[tuple[str, ...]],
                    referenced: tuple[str, tuple[str, ...]],
                    known: set[tuple[str, ...]]) -> list[Issue]:
    """An issue for each row whose (non-empty) key is not among the ``known`` keys."""
    return [Issue.at(path, f'[foreign-key] for "{", ".join(fields)}": values '
                           f'"{", ".join(cells)}" not found in the lookup table '
                           f'"{referenced[0]}" as "{", ".join(referenced[1])}"',
                     row=number, field=", ".join(fields),
                     value=cells[0] if len(cells) == 1 else list(cells))
            for number, cells in enumerate(rows, start=2)
            if any(cells) and cells not in known]


def input_keys_into(data_dir: Path, made: Tables) -> list[Issue]:
    """Rows of the hand-edited inputs whose foreign key names no row of a table in ``made``.

    The build checks them right after the stage that made the tables (still in
    memory), so that a claim citing a paragraph the corpus does not have is
    refused before the coders are evaluated; :func:`foreign_key_issues` says
    the same of the stored package. A key naming a column the table lacks is
    left to that check, which names it as a problem of the descriptor.
    """
    issues = []
    for resource in descriptor(data_dir)["resources"]:
        if is_derived(resource):
            continue
        for key in resource.get("schema", {}).get("foreignKeys", []):
            fields, target = tuple(key["fields"]), key["reference"]
            table = made.get(target["resource"])
            referenced = (target["resource"], tuple(target["fields"]))
            rows = _key_rows(Path(data_dir) / resource["path"], fields)
            if table is None or rows is None or not set(referenced[1]) <= set(table.columns):
                continue
            known = set(table[list(referenced[1])].astype(str).itertuples(index=False, name=None))
            issues += _unmatched_keys(Path(data_dir) / resource["path"], fields, rows, referenced,
                                      known)
    return issues


def _key_rows(path: Path, fields: tuple[str, ...]) -> list[tuple[str, ...]] | None:
    """The cells of ``fields`` in each row of a table; None if it lacks one of them."""
    header, rows, _ = csv_rows(path)
    if not set(fields) <= set(header):
        return None
    columns = [header.index(field) for field in fields]
    return [tuple(row[column] for column in columns) for row in rows]


def structure_issues(package: dict, data_dir: Path) -> list[Issue]:
    """Unsafe paths, unreadable tables and raw texts: what must be fixed before anything else."""
    issues = path_issues(package, data_dir)
    if issues:
        return issues
    for resource in package["resources"]:
        if resource.get("type") == "table":
            issues += table_issues(resource["name"], data_dir)
        else:
            issues += raw_text_issues(resource, data_dir)
    return issues


def raw_text_issues(resource: dict, data_dir: Path) -> list[Issue]:
    """A raw text must be clean UTF-8 with the bytes its ``hash`` names (:func:`raw_hash`)."""
    path = Path(data_dir) / resource["path"]
    issues = text_issues(path)[1]
    if issues or "hash" not in resource:
        return issues
    found = raw_hash(path.read_bytes())
    if found != resource["hash"]:
        issues.append(Issue.at(path, f"[hash-count] its bytes do not have the hash the "
                                     f"descriptor gives ({resource['hash']}, found {found}); "
                                     "a raw text is kept as collected, never edited"))
    return issues


def input_issues(data_dir: Path = DATA) -> list[Issue]:
    """Problems in the hand-edited inputs, checked before anything is built from them.

    Foreign keys into derived tables are left for :func:`package_issues`: those
    tables are rebuilt from these inputs.
    """
    package = descriptor(data_dir)
    inputs = [dict(resource) for resource in package["resources"] if not is_derived(resource)]
    names = {resource["name"] for resource in inputs}
    for resource in inputs:
        if "schema" in resource:
            schema = resource["schema"] = dict(resource["schema"])
            schema["foreignKeys"] = [key for key in schema.get("foreignKeys", [])
                                     if key["reference"]["resource"] in names]
    subset = {**package, "resources": inputs}
    return (table_schema_issues(subset, subset, data_dir) or descriptor_issues(data_dir)
            or rules.input_rule_issues(data_dir))


def package_issues(data_dir: Path = DATA) -> list[Issue]:
    """Every problem in the data directory, one issue each (empty when valid)."""
    package = descriptor(data_dir)
    return (table_schema_issues(package, package, data_dir) or descriptor_issues(data_dir)
            or [*rules.input_rule_issues(data_dir), *stage_rule_issues(data_dir)])


def rebuilt_issues(data_dir: Path = DATA) -> list[Issue]:
    """:func:`package_issues` of a directory rebuilt after :func:`input_issues` passed.

    The inputs passed their check in the same transaction and the build writes
    only derived tables, so what is left to check is what it wrote: the derived
    tables, every foreign key (inputs refer to derived tables too), and each
    stage's rules on its tables as stored.
    """
    package = descriptor(data_dir)
    derived = {**package, "resources": [resource for resource in package["resources"]
                                        if is_derived(resource)]}
    return table_schema_issues(derived, package, data_dir) or stage_rule_issues(data_dir)


def table_schema_issues(checked: dict, package: dict, data_dir: Path) -> list[Issue]:
    """Structure, then the schema, of the resources of ``checked``; the foreign keys of ``package``.

    Nothing is read by Frictionless until every table can be read at all.
    """
    return (structure_issues(checked, data_dir)
            or frictionless_issues(checked, data_dir) + foreign_key_issues(package, data_dir))


def stage_rule_issues(data_dir: Path = DATA) -> list[Issue]:
    """Each stage's content rules on the tables it read and made, as stored."""
    issues = []
    for stage in STAGES:
        if stage.rules:
            stored = {name: load_table(name, data_dir) for name in (*stage.reads, *stage.makes)}
            issues += stage.rule_issues(data_dir, stored)
    return issues


def validate_inputs(data_dir: Path = DATA) -> None:
    """Raise a :class:`~kzreform.core.errors.DataValidationError` for bad hand-edited inputs."""
    raise_issues(input_issues(data_dir), "invalid input data")


def validate_package(data_dir: Path = DATA) -> None:
    """Raise a :class:`~kzreform.core.errors.DataValidationError` listing what is wrong."""
    raise_issues(package_issues(data_dir), "invalid data package")


def validate_rebuilt(data_dir: Path = DATA) -> None:
    """:func:`validate_package` of a directory rebuilt after :func:`validate_inputs` passed."""
    raise_issues(rebuilt_issues(data_dir), "invalid data package")
