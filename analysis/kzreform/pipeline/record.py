"""The build record: what the derived tables of a data directory were built from.

Every full build writes ``processed/build_record.json`` beside the tables it
writes, in the same transaction:

- ``inputs``: a digest of everything the build reads: every file of the data
  directory except the derived tables and its README (:data:`UNREAD`), the
  report files its rules check (:data:`REPORT_INPUTS`), the package's code
  and the pinned requirements;
- ``profile``: the build profile it ran with;
- ``tables``: the SHA-256 of each derived table it wrote.

The digest names no machine (no path, no installed version), so the record of
the committed tables is the same wherever the study is cloned. A build of the
same inputs by the same code writes the same bytes (outputs are identical on
every machine; ``tests/test_fresh_build.py``), so when the record matches,
building again would change nothing: ``kzreform build --unless-current``, which
``make report`` runs, then builds nothing, and a fresh clone renders the
committed results without computing them again. A changed input, code change,
other profile or table edited by hand makes the record stale, and the build
runs. A build of one stage (``--only``) keeps other stages' tables as they
were, so its record matches nothing: the next full build runs.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from kzreform.core.cache import input_digest, package_digest
from kzreform.core.data import DERIVED_FOLDER, descriptor, is_derived
from kzreform.core.errors import DataValidationError
from kzreform.core.paths import REFERENCES, REPORT, ROOT
from kzreform.core.settings import selected_profile
from kzreform.core.transaction import reading

RECORD = f"{DERIVED_FOLDER}build_record.json"
# The data directory's documentation, which no build reads (a test holds it to that).
UNREAD = ("README.md",)
# Files outside the data directory that the build's rules read.
REPORT_INPUTS = (REPORT, REFERENCES)
REQUIREMENTS = ROOT / "requirements.txt"
# What a build of some stages only records as its inputs: never a digest.
PARTIAL = "a build of some stages only"


def inputs_digest(data_dir: Path) -> str:
    """A digest of everything a build of ``data_dir`` reads (see the module)."""
    data_dir = Path(data_dir)
    entries = tuple(sorted(path.name for path in data_dir.iterdir()
                           if path.name not in (DERIVED_FOLDER.rstrip("/"), *UNREAD)
                           and not path.name.startswith(".")))
    digest = hashlib.sha256(input_digest(data_dir, entries).encode())
    for path in (*REPORT_INPUTS, REQUIREMENTS):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes()
                      + b"\0")
    digest.update(package_digest().encode())
    return digest.hexdigest()


def derived_paths(data_dir: Path) -> list[str]:
    """The derived tables the descriptor of ``data_dir`` lists, as paths relative to it."""
    return sorted(resource["path"] for resource in descriptor(data_dir)["resources"]
                  if is_derived(resource))


def build_record(data_dir: Path, whole: bool = True) -> str:
    """The record of ``data_dir`` as its tables now stand (JSON, one line per table)."""
    data_dir = Path(data_dir)
    record = {
        "inputs": inputs_digest(data_dir) if whole else PARTIAL,
        "profile": selected_profile(),
        "tables": {path: hashlib.sha256((data_dir / path).read_bytes()).hexdigest()
                   for path in derived_paths(data_dir)},
    }
    return json.dumps(record, indent=1, sort_keys=True) + "\n"


def write_build_record(data_dir: Path, whole: bool = True) -> None:
    """Write the record of the tables just written to ``data_dir`` (a staged copy)."""
    (Path(data_dir) / RECORD).write_text(build_record(data_dir, whole), encoding="utf-8")


def is_current(data_dir: Path) -> bool:
    """Whether the derived tables of ``data_dir`` are what a full build would write now.

    Read as any reader reads (a write under way is waited for); a data directory
    a write left interrupted is not current, and the build that follows recovers it.
    """
    path = Path(data_dir) / RECORD
    try:
        with reading(data_dir):
            if not path.is_file():
                return False
            return path.read_text(encoding="utf-8") == build_record(data_dir)
    except (DataValidationError, OSError, KeyError):  # a refused reader is one of the first
        return False
