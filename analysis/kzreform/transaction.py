"""The one way to write a data directory: lock, stage, validate, commit with a journal.

Every command that changes ``data/`` (``build``, ``add-source``,
``import-coding``) runs its change through :func:`write`:

1. **Lock**: an exclusive ``flock`` on ``data/.lock``. A second writer waits up
   to :data:`LOCK_TIMEOUT_SECONDS`, then is refused with a clear message.
2. **Recover**: a write cut short earlier is finished (journal present) or
   discarded (no journal), so it never mixes with this one.
3. **Stage**: ``data/`` is copied to ``data/.transaction/staged/``; the change
   is made there and the staged copy must validate as a whole.
4. **Commit**: the list of changed files is written to
   ``data/.transaction/journal.json`` (atomically, flushed to disk); only then
   are the staged files moved over the live ones, one ``os.replace`` each; then
   the journal is removed.

A crash before the journal exists leaves ``data/`` as it was; a crash after it
leaves a journal the next command rolls forward. Either way ``data/`` ends
either as before or fully updated, never in between.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from .errors import DataValidationError, shown, shown_as

LOCK_FILE = ".lock"
WORK_DIR = ".transaction"
JOURNAL = "journal.json"
STAGED = "staged"
LOCK_TIMEOUT_SECONDS = 300.0
LOCK_POLL_SECONDS = 0.1

Result = TypeVar("Result")

# Called with a short description after every step of a commit. Tests replace it
# (in a child process) to kill the writer at each step; it does nothing otherwise.
after_step: Callable[[str], None] = lambda step: None  # noqa: E731


class TransactionError(DataValidationError):
    """The data directory is busy or was left mid-write; the message says what to do."""


def _private(name: str) -> bool:
    return name in (LOCK_FILE, WORK_DIR)


@contextlib.contextmanager
def locked(data_dir: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold the exclusive lock on ``data_dir``, waiting at most ``timeout`` seconds for it."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise TransactionError(f"{shown(data_dir)}: the data directory does not exist")
    deadline = time.monotonic() + timeout
    with open(data_dir / LOCK_FILE, "a+b") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TransactionError(
                        f"{shown(data_dir)} is being changed by another kzreform command "
                        f"(it holds {shown(data_dir / LOCK_FILE)}); waited {timeout:g} s. "
                        "Try again when that command has finished.") from None
                time.sleep(LOCK_POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def recover(data_dir: Path) -> str | None:
    """Finish or discard a write that was cut short; say which (call with the lock held)."""
    work = Path(data_dir) / WORK_DIR
    if not work.exists():
        return None
    journal = work / JOURNAL
    outcome = "discarded an unfinished write (nothing had been replaced)"
    if journal.exists():
        _move_into_place(json.loads(journal.read_text(encoding="utf-8"))["replace"],
                         work / STAGED, Path(data_dir))
        journal.unlink()
        _sync_directory(work)
        outcome = "completed an interrupted write"
    shutil.rmtree(work)
    return outcome


def refuse_if_interrupted(data_dir: Path) -> None:
    """Readers call this: a journal means files are half replaced until a writer finishes."""
    if (Path(data_dir) / WORK_DIR / JOURNAL).exists():
        raise TransactionError(
            f"{shown(data_dir)}: a write was interrupted and is not finished; run "
            "'python -m kzreform validate' to complete it, then try again")


def write(data_dir: Path, change: Callable[[Path], Result],
          validate: Callable[[Path], None], shown_name: str | None = None,
          timeout: float = LOCK_TIMEOUT_SECONDS) -> Result:
    """Apply ``change`` to a staged copy of ``data_dir``, ``validate`` it, then commit it.

    Messages about staged files name them as ``shown_name`` (default: how the
    data directory itself is shown), so they point at files the user knows.
    """
    data_dir = Path(data_dir)
    with locked(data_dir, timeout):
        recover(data_dir)
        work = data_dir / WORK_DIR
        staged = work / STAGED
        shutil.copytree(data_dir, staged,
                        ignore=lambda folder, names: [n for n in names if _private(n)]
                        if Path(folder) == data_dir else [])
        try:
            with shown_as(staged, shown_name or shown(data_dir)):
                result = change(staged)
                validate(staged)
            after_step("validated")
            _commit(staged, data_dir, work)
        except BaseException:
            if not (work / JOURNAL).exists():
                shutil.rmtree(work, ignore_errors=True)
            raise
    return result


def changed_files(staged: Path, live: Path) -> list[str]:
    """Files of ``staged`` that are new or differ from ``live`` (paths relative to both)."""
    changed = []
    for path in sorted(staged.rglob("*")):
        if path.is_file():
            relative = path.relative_to(staged).as_posix()
            target = live / relative
            if not target.is_file() or target.read_bytes() != path.read_bytes():
                changed.append(relative)
    return changed


def _commit(staged: Path, live: Path, work: Path) -> None:
    changed = changed_files(staged, live)
    for relative in changed:
        _sync_file(staged / relative)
    temporary = work / (JOURNAL + ".tmp")
    temporary.write_text(json.dumps({"replace": changed}, indent=1) + "\n", encoding="utf-8")
    _sync_file(temporary)
    os.replace(temporary, work / JOURNAL)
    _sync_directory(work)
    after_step("journal written")
    _move_into_place(changed, staged, live)
    (work / JOURNAL).unlink()
    _sync_directory(work)
    after_step("journal removed")
    shutil.rmtree(work)


def _move_into_place(changed: list[str], staged: Path, live: Path) -> None:
    for relative in changed:
        source = staged / relative
        if source.exists():  # not yet moved before an interruption
            target = live / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            _sync_directory(target.parent)
        after_step(f"replaced {relative}")


def _sync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _sync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
