"""``data/datapackage.json``, generated from its one source: ``python -m kzreform schema``.

Every field is defined once: a field several tables share in
``data/schema/fields.yml``, the tables in ``data/schema/package.yml``. Values
that name codebook ids are references there (``{codebook: frames}``), filled from
the validated codebook, so the codebook is the only place a frame, voice, stance
target or power direction is spelled. The raw texts are resources too: one per
``raw_file`` of the sources table, with its SHA-256. The descriptor is written
through the one transaction (:mod:`kzreform.core.transaction`) and the whole package
is validated before it replaces the old one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

from kzreform.core.codebook import LIST_SEPARATOR, Codebook, codebook_path, load_codebook
from kzreform.core.data import DESCRIPTOR, csv_rows, descriptor, read_yaml
from kzreform.core.errors import Issue, raise_issues
from kzreform.core.paths import DATA

SCHEMA_DIR = "schema"
PACKAGE_SOURCE = "package.yml"
FIELDS_SOURCE = "fields.yml"
# Keys of package.yml that describe resources rather than the package itself.
RAW_TEMPLATE, TABLE_TEMPLATE, RESOURCES = "raw_text", "table", "resources"
# The table whose raw_file column names the raw texts, each a resource of its own.
SOURCES = "sources"
RAW_FILE = "raw_file"
# The digest that fixes each raw text's bytes in the descriptor (Frictionless's `hash` property).
RAW_HASH = "sha256"
REFERENCE = "codebook"
# What a {codebook: ...} reference stands for.
CODE_LISTS: dict[str, Callable[[Codebook], object]] = {
    "frames": lambda codebook: list(codebook.frames),
    "voices": lambda codebook: list(codebook.voices),
    "stance_targets": lambda codebook: list(codebook.targets),
    "power_directions": lambda codebook: list(codebook.power_directions),
    "lowest_stance": lambda codebook: min(codebook.stance_levels),
    "highest_stance": lambda codebook: max(codebook.stance_levels),
}


def source_path(data_dir: Path = DATA, name: str = PACKAGE_SOURCE) -> Path:
    """Where a source file of the descriptor lives in ``data_dir``."""
    return Path(data_dir) / SCHEMA_DIR / name


def _is_reference(value) -> bool:
    return isinstance(value, dict) and set(value) == {REFERENCE}


class _Resolver:
    """Fills references and shared fields, collecting an issue for each it cannot."""

    def __init__(self, codebook: Codebook, shared: dict, data_dir: Path):
        self.codebook, self.shared, self.issues = codebook, shared, []
        self.where = source_path(data_dir)

    def value(self, value, field: str):
        """A reference replaced by what it stands for; anything else unchanged."""
        if not _is_reference(value):
            return value
        if value[REFERENCE] not in CODE_LISTS:
            self.issues.append(Issue.at(self.where, "is not a codebook list (one of "
                                        f"{', '.join(CODE_LISTS)})", field=field,
                                        value=value[REFERENCE]))
            return value
        return CODE_LISTS[value[REFERENCE]](self.codebook)

    def values(self, items: list, field: str) -> list:
        """A list of values with each list reference spliced in."""
        resolved = []
        for item in items:
            filled = self.value(item, field)
            resolved += filled if _is_reference(item) and isinstance(filled, list) else [filled]
        return resolved

    def pattern(self, spec, field: str) -> str:
        """A written pattern, or the regular expression of a ';'-separated list spec."""
        if not isinstance(spec, dict):
            return spec
        one = "(" + "|".join(re.escape(str(v)) for v in self.values(spec["list_of"], field)) + ")"
        listed = f"{one}({LIST_SEPARATOR}{one})*"
        if spec.get("or_empty"):
            return f"^({listed})?$"
        alternatives = "|".join(re.escape(str(v)) for v in self.values(spec.get("or", []), field))
        return f"^({alternatives}|{listed})$" if alternatives else f"^{listed}$"

    def field(self, entry, table: str) -> dict:
        """One field of ``table``: shared, shared with changes, or defined where it stands."""
        name = entry if isinstance(entry, str) else entry.get("name")
        if isinstance(entry, str) or "type" not in entry:
            if name not in self.shared:
                self.issues.append(Issue.at(
                    self.where, f"is not a field of {SCHEMA_DIR}/{FIELDS_SOURCE}; define it "
                    "there or give it a 'type' here", field=f"{table}.fields", value=name))
                return {"name": name}
            entry = {"name": name, **self.shared[name],
                     **({} if isinstance(entry, str) else entry)}
        where = f"{table}.{name}"
        constraints = dict(entry.get("constraints", {}))
        for key, value in constraints.items():
            constraints[key] = (self.values(value, where) if key == "enum" else
                                self.pattern(value, where) if key == "pattern" else
                                self.value(value, where))
        return {**entry, "constraints": constraints} if constraints else entry


def _raw_resources(template: dict, tables: list[dict], data_dir: Path
                   ) -> tuple[list[dict], list[Issue]]:
    """One hashed text resource per raw file the sources table names, in its row order."""
    sources = next(table for table in tables if table["name"] == SOURCES)
    path = Path(data_dir) / sources["path"]
    header, rows, issues = csv_rows(path)
    if issues:
        return [], issues
    raw_files = [row[header.index(RAW_FILE)] for row in rows]
    missing = [Issue.at(path, "names no file", row=number, field=RAW_FILE, value=raw_file)
               for number, raw_file in enumerate(raw_files, start=2)
               if not (Path(data_dir) / raw_file).is_file()]
    if missing:
        return [], missing
    return [{"name": "raw-" + Path(raw_file).name.split("_")[0], "path": raw_file, **template,
             "hash": raw_hash((Path(data_dir) / raw_file).read_bytes())}
            for raw_file in raw_files], []


def raw_hash(data: bytes) -> str:
    """A raw text's ``hash`` in the descriptor: ``sha256:`` and the hex digest."""
    return f"{RAW_HASH}:{hashlib.new(RAW_HASH, data).hexdigest()}"


def _generated(data_dir: Path) -> tuple[dict, list[Issue]]:
    """The descriptor the sources define, and what stops it being generated."""
    source = read_yaml(source_path(data_dir))
    resolver = _Resolver(load_codebook(codebook_path(data_dir)),
                         read_yaml(source_path(data_dir, FIELDS_SOURCE)), data_dir)
    tables = []
    for table in source[RESOURCES]:
        schema = {key: value for key, value in table.items()
                  if key not in ("name", "path", "description")}
        schema["fields"] = [resolver.field(entry, table["name"]) for entry in table["fields"]]
        tables.append({"name": table["name"], "path": table["path"], **source[TABLE_TEMPLATE],
                       "description": table["description"],
                       "schema": {"fields": schema.pop("fields"), **schema}})
    raw, issues = _raw_resources(source[RAW_TEMPLATE], tables, data_dir)
    package = {key: value for key, value in source.items()
               if key not in (RAW_TEMPLATE, TABLE_TEMPLATE, RESOURCES)}
    return {**package, "resources": raw + tables}, resolver.issues + issues


def generated_descriptor(data_dir: Path = DATA) -> dict:
    """The data package descriptor of ``data_dir``, as its sources and codebook define it."""
    package, issues = _generated(data_dir)
    raise_issues(issues, "cannot generate the data package descriptor")
    return package


def descriptor_issues(data_dir: Path = DATA) -> list[Issue]:
    """Each resource of ``datapackage.json`` that differs from what the schema command writes.

    A stale descriptor would check the tables against ids the codebook no longer
    has, or leave a source's raw text unhashed.
    """
    expected, issues = _generated(data_dir)
    current = descriptor(data_dir)
    if issues or current == expected:
        return issues
    path = Path(data_dir) / DESCRIPTOR
    problem = (f"differs from what {SCHEMA_DIR}/ and the codebook define; run 'python -m "
               f"kzreform schema' (never edit {DESCRIPTOR} by hand)")
    written = {resource["name"]: resource for resource in current["resources"]}
    defined = {resource["name"]: resource for resource in expected["resources"]}
    return [Issue.at(path, problem, field="resources", value=name)
            for name in [*defined, *(name for name in written if name not in defined)]
            if written.get(name) != defined.get(name)] or [Issue.at(path, problem)]


def descriptor_text(data_dir: Path = DATA) -> str:
    """``datapackage.json`` as the schema command writes it."""
    return json.dumps(generated_descriptor(data_dir), indent=2, ensure_ascii=False) + "\n"


def write_descriptor(data_dir: Path) -> Path:
    """Write the generated descriptor into ``data_dir`` (a staged copy inside a transaction)."""
    path = Path(data_dir) / DESCRIPTOR
    path.write_text(descriptor_text(data_dir), encoding="utf-8")
    return path
