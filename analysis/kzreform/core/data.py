"""The one reading layer: every table, text and YAML file of a data directory is read here.

A file's structure is checked before pandas sees it (the file exists, is UTF-8
without a byte-order mark or NUL bytes, and every row has as many cells as the
header); problems come back as :class:`~kzreform.core.errors.Issue` objects naming
file, row, field and value. Tables are addressed by their resource name in
``datapackage.json`` and typed from its schema: integers and numbers become
numeric columns, booleans ``True``/``False``; strings and dates stay text (ISO
dates sort and compare correctly as text; convert with ``pd.to_datetime`` where
arithmetic is needed).
"""

from __future__ import annotations

import copy
import csv
import datetime
import io
import json
from collections.abc import Hashable
from functools import lru_cache
from pathlib import Path, PurePosixPath

import pandas as pd
import yaml

from kzreform.core.errors import Issue, raise_issues
from kzreform.core.paths import DATA
from kzreform.core.transaction import reading

DESCRIPTOR = "datapackage.json"
BOM = "\ufeff"
NUMERIC = {"integer": "an integer", "number": "a number"}
# Frictionless's default spellings of a boolean cell.
BOOLEAN = {"true": True, "True": True, "TRUE": True, "1": True,
           "false": False, "False": False, "FALSE": False, "0": False}


# ---- files --------------------------------------------------------------------------

def text_issues(path: Path, byte_order_mark_allowed: bool = False
                ) -> tuple[str | None, list[Issue]]:
    """The decoded text of ``path``, or the reasons it cannot be read as clean UTF-8.

    With ``byte_order_mark_allowed`` a leading byte-order mark is dropped, not refused.
    """
    path = Path(path)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist (check the path)"
        return None, [Issue.at(path, what)]
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [Issue.at(path, f"not valid UTF-8 at byte {exc.start} (line {line}); "
                                    "save the file as UTF-8", value=data[exc.start:exc.start + 1])]
    issues = []
    if byte_order_mark_allowed:
        text = text.removeprefix(BOM)
    if text.startswith(BOM):
        issues.append(Issue.at(path, "starts with a byte-order mark (BOM); remove the "
                                     "byte-order mark (save as UTF-8 without BOM)"))
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        issues.append(Issue.at(path, f"contains a NUL byte (line {line}); this is not a text file"))
    return (None if issues else text), issues


# Where the build writes the derived tables (the descriptor's paths are relative).
DERIVED_FOLDER = "processed/"


def is_derived(resource: dict) -> bool:
    """Derived tables are written by the build only (never edited by hand)."""
    return resource["path"].startswith(DERIVED_FOLDER)


def read_text(path: Path) -> str:
    """The text of ``path`` decoded strictly as UTF-8; a named error otherwise."""
    text, issues = text_issues(path)
    raise_issues(issues, "cannot read a text file")
    return text


# Limits on a YAML file (source metadata, the codebook): far above what a hand-written
# file needs, far below what exhausts memory or Python's recursion limit.
YAML_MAX_CHARACTERS = 1_000_000
YAML_MAX_DEPTH = 50


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing what a hand-written file never needs.

    An alias (``*name``) repeats an earlier value: a "billion laughs" document
    nests aliases until it fills memory. Deep nesting exhausts the recursion
    limit. A key given twice would silently keep the last value.
    """

    def __init__(self, stream):
        """Read ``stream``, counting how deep the current node is nested."""
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent, index):
        """Compose one node, refusing an alias and nesting deeper than the limit."""
        mark = self.peek_event().start_mark
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "an alias (*name) repeats an earlier value; write the value out",
                mark)
        if self.depth >= YAML_MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"nested deeper than {YAML_MAX_DEPTH} levels", mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _mapping_of_unique_keys(loader: _StrictLoader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)  # '<<' merge keys first, as the safe loader does
    lines: dict = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, Hashable) and key in lines:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} is given twice (lines {lines[key]} and "
                            f"{key_node.start_mark.line + 1}); keep one", key_node.start_mark)
        lines[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                              _mapping_of_unique_keys)


@lru_cache(maxsize=64)
def _parsed_yaml(text: str):
    # The pure-Python loader (the strict checks need it) takes a tenth of a second
    # on the codebook, which one build reads a dozen times.
    return yaml.load(text, Loader=_StrictLoader)  # a safe loader (see above)


def read_yaml(path: Path):
    """A YAML document, with a named error for a missing, non-UTF-8 or malformed file.

    A key given twice, an alias, deep nesting and an oversized file are refused
    (:class:`_StrictLoader`) before anything is built from the document.
    """
    text = read_text(path)
    if len(text) > YAML_MAX_CHARACTERS:
        raise_issues([Issue.at(path, f"is {len(text):,} characters long; a YAML file here may "
                                     f"have at most {YAML_MAX_CHARACTERS:,}")],
                     "cannot read a YAML file")
    try:
        return copy.deepcopy(_parsed_yaml(text))  # a copy: callers may change what they get
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise_issues([Issue.at(path, f"not valid YAML ({problem}; line {row})")],
                     "cannot read a YAML file")


def csv_rows(path: Path, byte_order_mark_allowed: bool = False
             ) -> tuple[list[str], list[tuple[str, ...]], list[Issue]]:
    """Header and rows of a CSV file, or the structural issues that stop it being read."""
    text, issues = text_issues(path, byte_order_mark_allowed)
    if issues:
        return [], [], issues
    if not text.strip():
        return [], [], [Issue.at(path, "is empty; a table needs at least its header row")]
    try:
        records = _csv_records(text)
    except csv.Error as exc:
        return [], [], [Issue.at(path, f"is not well-formed CSV ({exc})")]
    header, rows = list(records[0]), list(records[1:])
    duplicated = sorted({name for name in header if header.count(name) > 1})
    issues += [Issue.at(path, "appears twice in the header", row=1, field=name)
               for name in duplicated]
    if {len(row) for row in rows} <= {len(header)}:
        return header, rows, issues
    for number, row in enumerate(rows, start=2):
        if not row:
            issues.append(Issue.at(path, "is blank; delete the empty line", row=number))
        elif len(row) > len(header):
            issues.append(Issue.at(path, f"has more cells than the {len(header)} columns of the "
                                         "header (a stray comma? quote cells that contain one)",
                                   row=number, value=list(row[len(header):])))
        elif len(row) < len(header):
            issues.append(Issue.at(path, f"has fewer cells than the {len(header)} columns of the "
                                         "header", row=number, field=header[len(row)]))
    return header, rows, issues


@lru_cache(maxsize=16)
def _csv_records(text: str) -> tuple[tuple[str, ...], ...]:
    # Parsed once per content: one build reads a table a few times (its structure,
    # then its values), and validation again. Rows are tuples, so none is changed.
    # The csv module's cell limit is process-wide, and Frictionless raises it when its
    # CSV parser is first used. Set here too, a table reads the same whether or not
    # Frictionless ran first: a long paragraph the build wrote is read back by validate.
    # (Imported here: Frictionless takes a third of a second to import, and a reader
    # of the stored tables, a notebook or a command, may never validate.)
    from frictionless.formats.csv.settings import FIELD_SIZE_LIMIT

    csv.field_size_limit(FIELD_SIZE_LIMIT)
    return tuple(tuple(record)
                 for record in csv.reader(io.StringIO(text, newline=""), strict=True))


# ---- the data package -------------------------------------------------------------

# Every table read looks its resource up in the descriptor: each descriptor is
# parsed once and reused while its bytes are unchanged (a build would otherwise
# parse it about 160 times). Callers must not change what they are given. A run
# reads data/ and a staged copy; older entries are dropped so that many copies
# (as in the tests) do not pile up.
_parsed: dict[Path, tuple[bytes, dict, dict[str, dict]]] = {}
PARSED_KEPT = 4


def descriptor(data_dir: Path = DATA) -> dict:
    """The parsed ``datapackage.json`` of ``data_dir`` (shared: copy it before changing it)."""
    return _parsed_descriptor(data_dir)[0]


def _parsed_descriptor(data_dir: Path) -> tuple[dict, dict[str, dict]]:
    """The parsed descriptor and its resources by name (the first of a name given twice)."""
    path = Path(data_dir) / DESCRIPTOR
    key = path.resolve()
    data = path.read_bytes() if path.is_file() else None
    if key in _parsed and _parsed[key][0] == data:
        return _parsed[key][1:]
    text = read_text(path)
    try:
        package = json.loads(text)
    except ValueError as exc:
        raise_issues([Issue.at(path, f"not valid JSON ({exc})")], "cannot read the data package")
    except RecursionError:
        raise_issues([Issue.at(path, "is nested too deeply to read (a data package needs a few "
                                     "levels)")], "cannot read the data package")
    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        raise_issues([Issue.at(path, "needs a list 'resources'")], "cannot read the data package")
    raise_issues(resource_shape_issues(package["resources"], path),
                 "cannot read the data package")
    _parsed.pop(key, None)
    _parsed[key] = (data, package, {entry["name"]: entry
                                    for entry in reversed(package["resources"])})
    while len(_parsed) > PARSED_KEPT:
        del _parsed[next(iter(_parsed))]
    return _parsed[key][1:]


def resource_shape_issues(resources: list, path: Path) -> list[Issue]:
    """Resources that are not an object with a text 'name' and a text 'path', or repeat a name.

    Every reader finds a table by its name and opens it by its path, so a resource
    without them cannot be read (a list of paths, allowed by Frictionless, is not used here).
    """
    issues = []
    named: set[str] = set()
    for number, entry in enumerate(resources, start=1):
        if not isinstance(entry, dict):
            issues.append(Issue.at(path, "must be an object with 'name' and 'path'",
                                   field=f"resources[{number}]", value=entry))
            continue
        issues += [Issue.at(path, "must be text (one name, one relative path)",
                            field=f"resources[{number}].{key}", value=entry.get(key))
                   for key in ("name", "path") if not isinstance(entry.get(key), str)]
        if entry.get("name") in named:
            issues.append(Issue.at(path, "names a resource an earlier one names: a table is "
                                         "found by its name, so each name must be unique",
                                   field=f"resources[{number}].name", value=entry["name"]))
        elif isinstance(entry.get("name"), str):
            named.add(entry["name"])
    return issues


def path_issues(package: dict, data_dir: Path = DATA) -> list[Issue]:
    """Resources whose path would leave the data directory (absolute, '..', a URL, a link)."""
    root = Path(data_dir).resolve()
    issues = []
    for resource in package["resources"]:
        path, name = resource["path"], resource["name"]
        if not _inside(path) or root not in (root / path).resolve().parents:
            issues.append(Issue.at(Path(data_dir) / DESCRIPTOR,
                                   f"resource {name!r} must be a relative path inside the data "
                                   "directory (no symbolic link may lead out of it)",
                                   field="path", value=path))
    return issues


def _inside(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return (bool(parts) and not PurePosixPath(path).is_absolute() and ".." not in parts
            and "\\" not in path and ":" not in path)


def resource(name: str, data_dir: Path = DATA) -> dict:
    """The descriptor of resource ``name``; its path is checked to stay inside ``data_dir``."""
    entry = _parsed_descriptor(data_dir)[1].get(name)
    if entry is not None:
        raise_issues(path_issues({"resources": [entry]}, data_dir), "unsafe data package")
        return entry
    raise_issues([Issue.at(Path(data_dir) / DESCRIPTOR, "no resource has this name",
                           field="resources", value=name)], "unknown table")


def resource_path(name: str, data_dir: Path = DATA) -> Path:
    """Where resource ``name`` of ``data_dir`` lives."""
    return Path(data_dir) / resource(name, data_dir)["path"]


def schema_fields(name: str, data_dir: Path = DATA) -> list[dict]:
    """The schema fields of table resource ``name``."""
    return resource(name, data_dir)["schema"]["fields"]


def field_constraints(name: str, field: str, data_dir: Path = DATA) -> dict:
    """The schema's constraints on ``field`` of table ``name``."""
    return next(f for f in schema_fields(name, data_dir) if f["name"] == field)["constraints"]


def field_enum(name: str, field: str, data_dir: Path = DATA) -> list[str]:
    """The allowed values of ``field`` in table ``name``, in schema order."""
    return list(field_constraints(name, field, data_dir)["enum"])


def table_issues(name: str, data_dir: Path = DATA) -> list[Issue]:
    """Structural issues of table ``name``: unreadable file, bad rows, header unlike the schema."""
    return _read_table(name, data_dir)[2]


def _read_table(name: str, data_dir: Path) -> tuple[Path, pd.DataFrame | None, list[Issue]]:
    """Table ``name`` as text, read once, or the structural issues that stop it being read."""
    entry = resource(name, data_dir)
    path = Path(data_dir) / entry["path"]
    header, rows, issues = csv_rows(path)
    if issues:
        return path, None, issues
    expected = [field["name"] for field in entry["schema"]["fields"]]
    missing = [Issue.at(path, f"the header lacks this column (expected {', '.join(expected)})",
                        row=1, field=column) for column in expected if column not in header]
    extra = [Issue.at(path, f"is not a column of table {name!r} (expected {', '.join(expected)})",
                      row=1, field=column) for column in header if column not in expected]
    if missing or extra:
        return path, None, missing + extra
    if header != expected:
        return path, None, [Issue.at(path, f"columns are out of order (expected "
                                           f"{', '.join(expected)})", row=1)]
    return path, pd.DataFrame(rows, columns=header, dtype=str), []


def load_table(name: str, data_dir: Path = DATA) -> pd.DataFrame:
    """Table ``name`` of ``data_dir``, checked for structure and typed from its schema.

    Read under the readers' lock (:func:`kzreform.core.transaction.reading`): never
    half replaced by a commit. Load several tables inside one ``reading`` block
    to see them all from the same commit.
    """
    with reading(data_dir):
        path, table, issues = _read_table(name, data_dir)
        raise_issues(issues, f"cannot read table {name!r}")
        fields = schema_fields(name, data_dir)
    issues = []
    for field in fields:
        column, kind = field["name"], field.get("type", "string")
        if kind in NUMERIC:
            table[column], bad = _numeric(table[column], kind)
            issues += [Issue.at(path, f"is not {NUMERIC[kind]}", row=number, field=column,
                                value=value) for number, value in bad]
        elif kind == "boolean":
            table[column], bad = _boolean(table[column])
            issues += [Issue.at(path, "is not a boolean (true or false)", row=number,
                                field=column, value=value) for number, value in bad]
        elif kind == "date":
            issues += [Issue.at(path, "is not a date (YYYY-MM-DD)", row=number, field=column,
                                value=value) for number, value in _bad_dates(table[column])]
    raise_issues(issues, f"cannot read table {name!r}")
    return table


def _numeric(column: pd.Series, kind: str) -> tuple[pd.Series, list[tuple[int, str]]]:
    stated = column != ""
    numbers = pd.to_numeric(column.where(stated), errors="coerce")
    bad = stated & numbers.isna()
    if kind == "integer":
        bad |= stated & numbers.notna() & (numbers % 1 != 0)
    problems = [(index + 2, column[index]) for index in column.index[bad]]
    if problems or kind == "number":
        return numbers.astype("float64"), problems
    return numbers.astype("int64" if stated.all() else "Int64"), problems


def _boolean(column: pd.Series) -> tuple[pd.Series, list[tuple[int, str]]]:
    stated = column != ""
    values = column.map(BOOLEAN)
    problems = [(index + 2, column[index]) for index in column.index[stated & values.isna()]]
    if stated.all() and not problems:
        return values.astype(bool), problems
    return values.astype("boolean"), problems


def _bad_dates(column: pd.Series) -> list[tuple[int, str]]:
    bad = []
    for index, value in column.items():
        if value == "":
            continue
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            bad.append((index + 2, value))
        else:
            if len(value) != 10:
                bad.append((index + 2, value))
    return bad
