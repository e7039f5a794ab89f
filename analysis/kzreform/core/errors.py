"""The one error type a reader sees when the study's data is wrong, and where it points.

Every check in the package reports :class:`Issue` objects: a file, and where
known a row (the header is row 1), a field and the bad value. One helper,
:func:`location`, writes "file, row N, field 'x'"; :func:`raise_issues` turns a
list of issues into one :class:`DataValidationError`, showing at most a few of
each kind of repeated problem and counting the rest.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kzreform.core.paths import ROOT

# How many issues of one kind (same file, field and problem) are shown before
# the rest are counted, and how many lines one error message may have.
SHOWN_PER_KIND = 3
SHOWN_IN_ALL = 30
NO_VALUE = object()

# A staged copy of a data directory is shown under the name the user gave the
# data directory, so messages never point into a temporary folder.
_shown_as: dict[Path, str] = {}


class DataValidationError(ValueError):
    """Bad input: the message names the file, and where known the row, field and value."""


class ReleaseError(RuntimeError):
    """A release check failed; the message says what to fix."""


@contextlib.contextmanager
def shown_as(directory: Path, name: str) -> Iterator[None]:
    """While active, paths under ``directory`` are shown as if under ``name``."""
    key = Path(directory).resolve()
    _shown_as[key] = name
    try:
        yield
    finally:
        _shown_as.pop(key, None)


def shown(path: Path | str) -> str:
    """A path as the user knows it: under a staged copy's given name, else repo-relative."""
    resolved = Path(path).resolve()
    for directory, name in _shown_as.items():
        if resolved == directory or directory in resolved.parents:
            inner = resolved.relative_to(directory).as_posix()
            return name if inner == "." else f"{name.rstrip('/')}/{inner}"
    try:
        return resolved.relative_to(ROOT).as_posix()
    except ValueError:
        return Path(path).as_posix()


def location(file: Path | str, row: int | None = None, field: str | None = None) -> str:
    """'file, row N, field 'x'' with the parts that are known."""
    parts = [file if isinstance(file, str) else shown(file)]
    if row is not None:
        parts.append(f"row {row}")
    if field is not None:
        parts.append(f"field {field!r}")
    return ", ".join(parts)


@dataclass(frozen=True)
class Issue:
    """One problem with the data: where it is, the bad value, and what is wrong with it."""

    file: str
    problem: str
    row: int | None = None
    field: str | None = None
    value: object = NO_VALUE

    @classmethod
    def at(cls, path: Path | str, problem: str, row: int | None = None,
           field: str | None = None, value: object = NO_VALUE) -> Issue:
        """An issue in ``path`` (shown as the user knows it)."""
        return cls(path if isinstance(path, str) else shown(path), problem, row, field, value)

    def __str__(self) -> str:
        """The issue as one line: location, value, problem."""
        where = location(self.file, self.row, self.field)
        if self.value is not NO_VALUE:
            where += f", value {self.value!r}"
        return f"{where}: {self.problem}"


def describe(issues: Iterable[Issue]) -> list[str]:
    """One line per issue, repeated kinds capped at :data:`SHOWN_PER_KIND` with a count."""
    kinds: dict[tuple, list[Issue]] = {}
    for issue in issues:
        kinds.setdefault((issue.file, issue.field, issue.problem), []).append(issue)
    lines = []
    for (file, field, problem), members in kinds.items():
        lines += [str(issue) for issue in members[:SHOWN_PER_KIND]]
        if len(members) > SHOWN_PER_KIND:
            lines.append(f"... and {len(members) - SHOWN_PER_KIND} more of the same kind "
                         f"({location(file, field=field)}: {problem})")
    if len(lines) > SHOWN_IN_ALL:
        lines = lines[:SHOWN_IN_ALL] + [f"... and {len(lines) - SHOWN_IN_ALL} more problems"]
    return lines


def raise_issues(issues: Iterable[Issue], heading: str = "invalid data") -> None:
    """Raise one :class:`DataValidationError` listing ``issues``; do nothing if there are none."""
    issues = list(issues)
    if issues:
        raise DataValidationError(f"{heading}:\n  " + "\n  ".join(describe(issues)))
