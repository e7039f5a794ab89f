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
checks a read-only copy; if that copy holds an unfinished write, it says so and
leaves it alone. A full disk stops the write with one line, and the staged copy
is removed. Only the files the change wrote are committed (each staged file is
fingerprinted first), so a file edited by hand while a write runs keeps the
edit; if the change wrote that very file, the write is refused and writes nothing.

**Readers** (every table loader, so the notebooks and the report) are isolated
from writes by a readers-writer lock on a second file, ``data/.commit.lock``:
a reader holds it shared while it reads (:func:`reading`; one table, or several
read as one snapshot), and a commit holds it exclusively, with its pid in the
file, only while it replaces files (step 4) and while a cut-short write is
recovered. A reader therefore sees the state before a commit or the state
after it, never a mix; it is not held up while a writer stages and validates
(seconds to minutes), only during the renames (milliseconds); and if it waits
longer than :data:`READ_TIMEOUT_SECONDS` it is told that a write is running
and by which process. This is the standard design for in-place files: switching
one pointer (a symbolic link to a versioned folder) would also isolate readers,
but it would change the layout of ``data/`` that every tool and user relies on,
and a link inside ``data/`` is what the path checks refuse. The lock needs no
write access either, so readers of a read-only copy work unchanged.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from kzreform.core.errors import DataValidationError, Issue, shown, shown_as

LOCK_FILE = ".lock"
COMMIT_LOCK_FILE = ".commit.lock"
WORK_DIR = ".transaction"
JOURNAL = "journal.json"
STAGED = "staged"
LOCK_TIMEOUT_SECONDS = 300.0
LOCK_POLL_SECONDS = 0.1
# A commit holds readers off only while it renames files: a reader waiting longer
# than this is stuck behind a commit that is not moving, and is told so.
READ_TIMEOUT_SECONDS = 30.0
# What opening a file for writing raises on a read-only file system or folder.
READ_ONLY_ERRORS = (errno.EROFS, errno.EACCES, errno.EPERM)
# What writing raises when the disk, or the user's share of it, is full.
DISK_FULL_ERRORS = (errno.ENOSPC, errno.EDQUOT)

Result = TypeVar("Result")

# Called with a short description after every step of a commit. Tests replace it
# (in a child process) to kill the writer at each step; it does nothing otherwise.
after_step: Callable[[str], None] = lambda step: None  # noqa: E731
# Called with the lock file's name each time a lock is busy, before waiting for it.
# Tests replace it to know that a reader or writer is waiting, without sleeping.
while_waiting: Callable[[str], None] = lambda lock_file: None  # noqa: E731


class TransactionError(DataValidationError):
    """The data directory is busy or was left mid-write; the message says what to do."""


class ReadOnlyError(TransactionError):
    """The data directory cannot be written (a read-only file system or folder)."""


def _private(name: str) -> bool:
    return name in (LOCK_FILE, COMMIT_LOCK_FILE, WORK_DIR)


def _open_lock(data_dir: Path, name: str, writing: bool):
    """Lock file ``name``, open for ``flock``; None for a reader of a read-only copy without one."""
    path = data_dir / name
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
            raise ReadOnlyError(
                f"{shown(data_dir)}: is read-only ({exc.strerror}); a command that changes the "
                "data needs write access to it") from None
    # flock needs no write access, so a reader locks an existing lock file read-only.
    # Without one, no writer has ever worked here: a writer creates it first.
    return open(path, "rb") if path.exists() else None


def _wait_for(handle, mode: int, name: str, timeout: float, refusal: Callable[[], str]) -> None:
    """Take ``flock`` ``mode`` on ``handle``, polling for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise TransactionError(refusal()) from None
            while_waiting(name)
            time.sleep(LOCK_POLL_SECONDS)


@contextlib.contextmanager
def _holding(data_dir: Path, name: str, mode: int, writing: bool, timeout: float,
             refusal: Callable[[], str]) -> Iterator[object]:
    """Hold lock file ``name`` of ``data_dir`` in ``mode``; yield its handle (None: no lock)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise TransactionError(f"{shown(data_dir)}: the data directory does not exist")
    with _open_lock(data_dir, name, writing) or contextlib.nullcontext() as handle:
        if handle is not None:
            _wait_for(handle, mode, name, timeout, refusal)
        try:
            yield handle
        finally:
            if handle is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def locked(data_dir: Path, timeout: float = LOCK_TIMEOUT_SECONDS,
           writing: bool = True) -> Iterator[None]:
    """Hold the exclusive lock on ``data_dir``, waiting at most ``timeout`` seconds for it.

    ``writing=False`` (validate) also works on a read-only copy, such as a released zip.
    """
    def refusal() -> str:
        return (f"{shown(data_dir)} is being changed by another kzreform command "
                f"(it holds {shown(Path(data_dir) / LOCK_FILE)}); waited {timeout:g} s. "
                "Try again when that command has finished.")

    with _holding(data_dir, LOCK_FILE, fcntl.LOCK_EX, writing, timeout, refusal):
        yield


@contextlib.contextmanager
def reading(data_dir: Path, timeout: float | None = None) -> Iterator[None]:
    """Read ``data_dir`` as one snapshot: no commit replaces a file until the block ends.

    Blocks nest (the lock is shared). A commit under way is waited for, at most
    ``timeout`` seconds (default :data:`READ_TIMEOUT_SECONDS`); then the reader is
    refused, naming the writer's process. A write that was cut short mid-commit
    is refused until it is recovered.
    """
    timeout = READ_TIMEOUT_SECONDS if timeout is None else timeout

    def refusal() -> str:
        return (f"{shown(data_dir)}: a write is running ({_committer(Path(data_dir))}) and "
                f"has been replacing files for over {timeout:g} s; try again when it has "
                "finished")

    with _holding(data_dir, COMMIT_LOCK_FILE, fcntl.LOCK_SH, False, timeout, refusal):
        refuse_if_interrupted(data_dir)
        yield


def _committer(data_dir: Path) -> str:
    """Which process holds the commit lock, as the commit wrote it into the file."""
    written = (data_dir / COMMIT_LOCK_FILE).read_text(encoding="utf-8", errors="replace")
    return f"pid {written.strip()}" if written.strip().isdigit() else "process unknown"


@contextlib.contextmanager
def _committing(data_dir: Path, timeout: float) -> Iterator[None]:
    """Hold readers off while files are replaced; the lock file names this process."""
    def refusal() -> str:
        return (f"{shown(data_dir)} is being read by another process (it holds "
                f"{shown(data_dir / COMMIT_LOCK_FILE)}); waited {timeout:g} s to replace "
                "files. Nothing was written; try again when it has finished.")

    with _holding(data_dir, COMMIT_LOCK_FILE, fcntl.LOCK_EX, True, timeout,
                  refusal) as handle:
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n".encode("ascii"))
        handle.flush()
        yield


def recover(data_dir: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> str | None:
    """Finish or discard a write that was cut short; say which (call with the lock held).

    On a read-only copy nothing can be moved: a write cut short mid-commit is
    refused with a way forward, one that never began its commit is left in place
    (the data directory is as before it) and only reported.
    """
    data_dir = Path(data_dir)
    work = data_dir / WORK_DIR
    if not work.exists():
        return None
    journal = work / JOURNAL
    try:
        with _committing(data_dir, timeout):
            if not journal.exists():
                shutil.rmtree(work)
                return "discarded an unfinished write (nothing had been replaced)"
            _move_into_place(journal_entries(data_dir), work / STAGED, data_dir)
            journal.unlink()
            _sync_directory(work)
            shutil.rmtree(work)
            return "completed an interrupted write"
    except ReadOnlyError as exc:
        if journal.exists():
            raise TransactionError(
                f"{shown(data_dir)}: a write was interrupted while it replaced files and is not "
                f"finished ({shown(work)} holds the rest); this copy is read-only, so it cannot "
                "be completed here and was left as it is: run 'python -m kzreform validate' on "
                "a writable copy to complete it") from exc
        return (f"left an unfinished write in {shown(work)} alone (read-only copy; it never "
                "began replacing files, so the data is as before it)")


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
        if not isinstance(entries, list):
            raise TypeError(f"'replace' is {type(entries).__name__}, not a list")
    except (ValueError, KeyError, TypeError) as exc:
        raise TransactionError(f"{shown(journal)}: is not a journal written by kzreform "
                               f"({type(exc).__name__}: {exc}); {way_forward}") from None
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
        recover(data_dir, timeout)
        work = data_dir / WORK_DIR
        staged = work / STAGED
        try:
            _stage(data_dir, staged)
            as_staged = fingerprints(staged)
            with shown_as(staged, shown_name or shown(data_dir)):
                result = change(staged)
                validate(staged)
            after_step("validated")
            _commit(staged, data_dir, work, timeout, as_staged)
        except BaseException as exc:
            interrupted = (work / JOURNAL).exists()
            if not interrupted:
                shutil.rmtree(work, ignore_errors=True)
            if isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRORS:
                raise TransactionError(_disk_full(data_dir, exc, interrupted)) from None
            raise
    return result


class _CopyStopped(Exception):
    """Carries the first error of a staging copy out of ``shutil.copytree``.

    copytree catches an ``OSError`` of one file and goes on with the next, then
    raises them all at once (on a full disk, a line for every file); an exception
    of another kind stops it at the first.
    """

    def __init__(self, error: OSError):
        super().__init__(error)
        self.error = error


def _copy_or_stop(source: str, target: str) -> None:
    try:
        shutil.copy2(source, target)
    except OSError as exc:
        raise _CopyStopped(exc) from exc


def _stage(data_dir: Path, staged: Path) -> None:
    """Copy ``data_dir`` to ``staged``, less the lock files and the work folder."""
    try:
        shutil.copytree(data_dir, staged, copy_function=_copy_or_stop,
                        ignore=lambda folder, names: [n for n in names if _private(n)]
                        if Path(folder) == data_dir else [])
    except _CopyStopped as stopped:
        raise stopped.error from None


def _disk_full(data_dir: Path, error: OSError, interrupted: bool) -> str:
    """One line for a write stopped by a full disk, saying what state it left."""
    size = sum(path.stat().st_size for path in data_dir.rglob("*")
               if path.is_file() and not _private(path.relative_to(data_dir).parts[0]))
    state = ("it had begun replacing files: free some space, then run 'python -m kzreform "
             "validate' to complete it" if interrupted else
             f"nothing was written and {shown(data_dir)} is as it was; a write needs room for a "
             f"copy of it (about {size / 1e6:.1f} MB): free some space and try again")
    return f"{shown(data_dir)}: the disk is full ({error.strerror}); {state}"


def fingerprints(root: Path) -> dict[str, str]:
    """SHA-256 of each data file below ``root`` (paths relative to it).

    A lock file is not data: a reader of the staged copy may have created one.
    """
    return {path.relative_to(root).as_posix(): _digest(path)
            for path in sorted(root.rglob("*"))
            if path.is_file() and not _private(path.relative_to(root).parts[0])}


def changed_files(staged: Path, as_staged: dict[str, str]) -> list[str]:
    """Data files the change wrote: new in ``staged`` or different from when it was staged.

    Only these are committed, so a file edited in the live directory while the
    write ran (a README, a coding sheet) is never put back as it was.
    """
    now = fingerprints(staged)
    return [relative for relative, digest in now.items() if as_staged.get(relative) != digest]


def _edited_meanwhile(live: Path, changed: list[str], as_staged: dict[str, str]) -> list[str]:
    """Files the change wrote that were also edited in ``live`` since they were staged."""
    return [relative for relative in changed
            if (live / relative).is_file() and _digest(live / relative) != as_staged.get(relative)]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _commit(staged: Path, live: Path, work: Path, timeout: float,
            as_staged: dict[str, str]) -> None:
    changed = changed_files(staged, as_staged)
    edited = _edited_meanwhile(live, changed, as_staged)
    if edited:
        raise TransactionError("\n  ".join(
            [f"{shown(live)}: files this write changes were edited while it ran; nothing was "
             "written, so the edits are kept. Run the command again:"]
            + [shown(live / relative) for relative in edited]))
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
    with _committing(live, timeout):
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
