"""The one way to write a data directory: lock, stage, validate, commit with a journal.

Every command that changes ``data/`` (``build``, ``add-source``,
``import-coding``, ``schema``) runs its change through :func:`write`:

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
either as before or fully updated, never in between. A journal that cannot be
read, or that names a file outside ``data/``, is refused with a way forward and
never acted on. ``validate`` locks without needing write access, so it also
checks a read-only copy.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from .errors import DataValidationError, Issue, shown, shown_as

LOCK_FILE = ".lock"
WORK_DIR = ".transaction"
JOURNAL = "journal.json"
STAGED = "staged"
LOCK_TIMEOUT_SECONDS = 300.0
LOCK_POLL_SECONDS = 0.1
# What opening a file for writing raises on a read-only file system or folder.
READ_ONLY_ERRORS = (errno.EROFS, errno.EACCES, errno.EPERM)

Result = TypeVar("Result")

# Called with a short description after every step of a commit. Tests replace it
# (in a child process) to kill the writer at each step; it does nothing otherwise.
after_step: Callable[[str], None] = lambda step: None  # noqa: E731


class TransactionError(DataValidationError):
    """The data directory is busy or was left mid-write; the message says what to do."""


def _private(name: str) -> bool:
    return name in (LOCK_FILE, WORK_DIR)


def _open_lock(data_dir: Path, writing: bool):
    """The lock file, open for ``flock``; None for a reader of a read-only copy without one."""
    path = data_dir / LOCK_FILE
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise TransactionError(
            f"{shown(path)}: is not a plain file; kzreform commands take turns by locking this "
            "file. No command can be running on it: remove it (it is recreated) and try again")
    try:
        return open(path, "a+b")
    except OSError as exc:
        if exc.errno not in READ_ONLY_ERRORS:
            raise
        if writing:
            raise TransactionError(
                f"{shown(data_dir)}: is read-only ({exc.strerror}); a command that changes the "
                "data needs write access to it") from None
    # flock needs no write access, so a reader locks an existing lock file read-only.
    # Without one, no writer has ever worked here: a writer creates it first.
    return open(path, "rb") if path.exists() else None


@contextlib.contextmanager
def locked(data_dir: Path, timeout: float = LOCK_TIMEOUT_SECONDS,
           writing: bool = True) -> Iterator[None]:
    """Hold the exclusive lock on ``data_dir``, waiting at most ``timeout`` seconds for it.

    ``writing=False`` (validate) also works on a read-only copy, such as a released zip.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise TransactionError(f"{shown(data_dir)}: the data directory does not exist")
    deadline = time.monotonic() + timeout
    with _open_lock(data_dir, writing) or contextlib.nullcontext() as handle:
        while handle is not None:
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
            if handle is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


def recover(data_dir: Path) -> str | None:
    """Finish or discard a write that was cut short; say which (call with the lock held)."""
    work = Path(data_dir) / WORK_DIR
    if not work.exists():
        return None
    journal = work / JOURNAL
    outcome = "discarded an unfinished write (nothing had been replaced)"
    if journal.exists():
        _move_into_place(journal_entries(Path(data_dir)), work / STAGED, Path(data_dir))
        journal.unlink()
        _sync_directory(work)
        outcome = "completed an interrupted write"
    shutil.rmtree(work)
    return outcome


def journal_entries(data_dir: Path) -> list[str]:
    """The files the journal says to replace, refused unless each stays inside ``data_dir``.

    A journal is written atomically by :func:`_commit`, so one that cannot be read
    or names other files was not written by kzreform: nothing it says is acted on.
    """
    journal = data_dir / WORK_DIR / JOURNAL
    way_forward = (f"the interrupted write cannot be completed from it. Compare "
                   f"{shown(data_dir)} with its last good copy (for example with 'git status'), "
                   f"restore what differs, delete {shown(data_dir / WORK_DIR)}, and try again")
    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))["replace"]
    except (ValueError, KeyError, TypeError) as exc:
        raise TransactionError(f"{shown(journal)}: is not a journal written by kzreform "
                               f"({type(exc).__name__}: {exc}); {way_forward}") from None
    if not isinstance(entries, list):
        entries = [entries]
    root = data_dir.resolve()
    unsafe = [entry for entry in entries if not isinstance(entry, str)
              or not _replaceable(root, (root / entry).resolve())]
    if unsafe:
        raise TransactionError("\n  ".join(
            [f"{shown(journal)}: names files outside the data directory or its own files; "
             f"nothing was moved; {way_forward}:"]
            + [str(Issue.at(journal, "is not a file a write replaces", field="replace",
                            value=entry)) for entry in unsafe]))
    return entries


def _replaceable(root: Path, target: Path) -> bool:
    """A data file a commit may replace: inside the data directory, not the lock or journal."""
    return root in target.parents and not _private(target.relative_to(root).parts[0])


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
    # The staged copy has real folders where data/ may have a symbolic link out of it;
    # writing through the link would change files outside the data directory.
    root = live.resolve()
    leaving = [relative for relative in changed
               if not _replaceable(root, (live / relative).resolve())]
    if leaving:
        raise TransactionError("\n  ".join(
            [f"{shown(live)}: a symbolic link leads out of the data directory; nothing was "
             "written. Replace the link by the folder or file itself:"]
            + [f"{shown(live / relative)} leads to {(live / relative).resolve()}"
               for relative in leaving]))
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
