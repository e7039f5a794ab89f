"""Validation of the data package (``data/datapackage.json``) with Frictionless.

Frictionless checks types, enums, required fields, keys and raw-file hashes;
this module turns its report into one error that names file, row and field.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
from frictionless import Package, system

from .errors import DataValidationError
from .paths import DATAPACKAGE

MAX_ERRORS_SHOWN = 20


def describe_error(resource_path: str, error) -> str:
    where = [resource_path]
    row = getattr(error, "row_number", None)
    if row:
        where.append(f"row {row}")
    field = getattr(error, "field_name", None) or getattr(error, "label", None)
    if field:
        where.append(f"field {field!r}")
    return f"{', '.join(where)}: [{error.type}] {error.note or error.message}"


def package_errors(descriptor: Path = DATAPACKAGE) -> list[str]:
    """Every problem in the data package, one line each (empty when valid)."""
    descriptor = Path(descriptor)
    try:
        json.loads(descriptor.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{descriptor.name}: cannot be read as JSON ({exc})"]
    with system.use_context(trusted=True):
        package = Package(str(descriptor))
        # Frictionless matches columns by position: with a column missing it
        # reports shifted values in every row, so a wrong header is reported alone.
        header_problems = _header_errors(package, descriptor.parent)
        if header_problems:
            return header_problems
        report = package.validate()
    messages = [describe_error(descriptor.name, error) for error in report.errors]
    for task in report.tasks:
        messages += [describe_error(f"data/{task.place}", error) for error in task.errors]
    return messages + _raw_file_errors(package, descriptor.parent)


def _header_errors(package: Package, data_dir: Path) -> list[str]:
    problems = []
    for resource in package.resources:
        if resource.type != "table":
            continue
        path = data_dir / resource.path
        try:
            with open(path, encoding="utf-8", newline="") as table:
                header = next(csv.reader(table), [])
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"data/{resource.path}: cannot be read as UTF-8 CSV ({exc})")
            continue
        expected = [field.name for field in resource.schema.fields]
        missing = [f"data/{resource.path}, field {name!r}: [missing-column] "
                     f"the header lacks this column (expected {', '.join(expected)})"
                     for name in expected if name not in header]
        extra = [f"data/{resource.path}, field {name!r}: [extra-column] "
                     f"not in the schema of resource {resource.name!r}"
                     for name in header if name not in expected]
        problems += missing + extra
        if not (missing or extra) and header != expected:
            problems.append(f"data/{resource.path}: columns are out of order "
                            f"(expected {', '.join(expected)})")
    return problems


def _raw_file_errors(package: Package, data_dir: Path) -> list[str]:
    """Every source's raw file must be a resource of the package with a SHA-256."""
    hashed = {r.path for r in package.resources if (r.hash or "").startswith("sha256:")}
    sources = pd.read_csv(data_dir / package.get_resource("sources").path,
                          dtype=str, keep_default_na=False)
    return [
        f"data/{package.get_resource('sources').path}, row {number}, field 'raw_file': "
        f"{raw_file!r} is not listed with a sha256 hash in datapackage.json"
        for number, raw_file in enumerate(sources.get("raw_file", []), start=2)
        if raw_file not in hashed
    ]


def validate_package(descriptor: Path = DATAPACKAGE) -> None:
    """Raise :class:`DataValidationError` listing what is wrong with the data."""
    errors = package_errors(descriptor)
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = len(errors) - len(shown)
        tail = [f"... and {more} more"] if more else []
        raise DataValidationError("invalid data package:\n  " + "\n  ".join(shown + tail))
