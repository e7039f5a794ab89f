"""A disk cache for build steps that are slow and depend on few inputs (joblib's ``Memory``).

The evaluation of the automated coders (leave-one-source-out fits, bootstrap
intervals) depends on the hand-coded paragraphs and the coding inputs, not on
the rest of the corpus. Adding a source, or any build that changes neither,
reuses the stored result instead of fitting every coder again. A result is
found by a key made of:

- the arguments the step is given (the hand-coded paragraphs, their codes,
  the build settings);
- the input files of the data directory the step reads, which its caller
  names (:func:`input_digest`; a test records every file the study's cached
  steps open and holds them to what their callers name);
- the package's source code and the versions of Python and of the libraries
  that compute the figures (:func:`code_version`).

Change any of these and the step runs again, so a cached result is the result
a fresh computation gives. Results that depend on a few bytes alone, such as
what Frictionless finds in one table, are kept as JSON under a key of those
bytes and the code (:func:`content_key`, :func:`stored_result`). The cache
lives in ``.cache/`` at the repository root (git-ignored); ``KZREFORM_CACHE``
names another folder, or ``off`` to compute everything afresh, as the test
that compares the committed tables with a fresh build does.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import platform
from collections.abc import Callable, Iterator
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import joblib

from kzreform.core.paths import ROOT

CACHE_VARIABLE = "KZREFORM_CACHE"
CACHE_OFF = "off"
DEFAULT_CACHE = ROOT / ".cache"
PACKAGE = Path(__file__).parents[1]
# Libraries whose version can change a computed figure or what validation finds.
COMPUTING_LIBRARIES = ("numpy", "scipy", "pandas", "scikit-learn", "joblib", "vaderSentiment",
                       "google-re2", "frictionless")
# The cache keeps at most this much; the least recently used results go first.
CACHE_LIMIT = "500M"
# At most this many results of one kind of :func:`store_result` (each well under
# a kilobyte for a table's findings).
STORED_RESULTS_LIMIT = 5000
_PRUNED: set[Path] = set()
_afresh = False  # see computed_afresh


def cache_location() -> Path | None:
    """Where results are stored, or None when ``KZREFORM_CACHE`` turns the cache off."""
    chosen = os.environ.get(CACHE_VARIABLE)
    if chosen == CACHE_OFF:
        return None
    return Path(chosen) if chosen else DEFAULT_CACHE


@lru_cache(maxsize=1)
def code_version() -> str:
    """:func:`source_digest` of this package, computed once per process."""
    return source_digest(PACKAGE)


def source_digest(package: Path) -> str:
    """A digest of a package's Python files, subpackages included, and of the versions used."""
    digest = hashlib.sha256(platform.python_version().encode())
    digest.update(package_digest(package).encode())
    for library in COMPUTING_LIBRARIES:
        digest.update(f"{library}=={metadata.version(library)}\0".encode())
    return digest.hexdigest()


def package_digest(package: Path = PACKAGE) -> str:
    """A digest of a package's Python files, subpackages included (no machine, no version)."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes()
                      + b"\0")
    return digest.hexdigest()


def input_digest(data_dir: Path, inputs: tuple[str, ...]) -> str:
    """A digest of the files ``inputs`` names in ``data_dir`` (a folder: every file in it).

    Paths are relative to ``data_dir``; hidden files (locks, a writer's staged
    copy) are left out, and a missing file counts as empty.
    """
    digest = hashlib.sha256()
    for name in inputs:
        path = Path(data_dir) / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for found in files:
            relative = found.relative_to(data_dir)
            if found.is_dir() or any(part.startswith(".") for part in relative.parts):
                continue
            content = found.read_bytes() if found.is_file() else b""
            digest.update(relative.as_posix().encode() + b"\0" + content + b"\0")
    return digest.hexdigest()


def cached_call(step: Callable, data_dir: Path, *arguments, inputs: tuple[str, ...]):
    """``step(data_dir, *arguments)``, or its stored result for the same inputs and code.

    ``step`` reads from ``data_dir`` only the files ``inputs`` names (paths
    relative to it, see :func:`input_digest`); the folder's own path is not
    part of the key, so copies of one data directory share results.
    """
    location = cache_location()
    if location is None:
        return step(data_dir, *arguments)
    memory = joblib.Memory(location, verbose=0)
    stored = memory.cache(_keyed, ignore=["step", "data_dir"])
    key = (f"{step.__module__}.{step.__qualname__}", input_digest(data_dir, inputs),
           code_version())
    with _computing(location, joblib.hash((key, arguments))):
        if _afresh:
            result, _ = stored.call(step, data_dir, arguments, *key)
        else:
            result = stored(step, data_dir, arguments, *key)
    memory.reduce_size(bytes_limit=CACHE_LIMIT)
    return result


@contextlib.contextmanager
def _computing(location: Path, key: str) -> Iterator[None]:
    """Held while a process computes, or reads, the result stored under ``key``.

    A second process that needs the same result meanwhile (the test workers and
    a build they start begin side by side, each needing the coders'
    evaluation) waits, then reads what the first stored instead of computing
    it again. Keys share 256 lock files by their first two hex digits, so the
    folder never grows; a cache folder that cannot be written has no lock,
    and each process computes.
    """
    try:
        (location / "locks").mkdir(parents=True, exist_ok=True)
        lock = open(location / "locks" / f"{key[:2]}.lock", "w", encoding="utf-8")
    except OSError:
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@contextlib.contextmanager
def computed_afresh() -> Iterator[None]:
    """Within it, every cached step is computed, never read, and its result stored.

    What a build computes within it is a fresh computation, as when the cache
    is off; the results it stores spare the next build with the same inputs
    (the test run's fresh build, then the tests' builds of copies).
    """
    global _afresh
    before, _afresh = _afresh, True
    try:
        yield
    finally:
        _afresh = before


def _keyed(step: Callable, data_dir: Path, arguments: tuple, step_name: str, inputs: str,
           code: str):
    # step_name, inputs and code are the key's other parts; the step does not need them.
    return step(data_dir, *arguments)


def content_key(*parts: bytes) -> str:
    """A key for a result that depends on ``parts`` only, and on the code that computes it."""
    digest = hashlib.sha256(code_version().encode())
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def stored_result(kind: str, key: str):
    """The JSON result stored under ``key`` (:func:`content_key`) among ``kind``; None if none.

    None too when the cache is off or the stored file is unreadable: the caller computes.
    """
    location = cache_location()
    if location is None:
        return None
    try:
        return json.loads((location / kind / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def store_result(kind: str, key: str, result) -> None:
    """Store a JSON-serialisable ``result`` under ``key`` among ``kind`` (unless the cache is off).

    Written to a temporary file, then renamed, so a reader never sees half a
    result. A cache that cannot be written (a read-only or full disk, a file
    where the folder should be) is not used: the result is computed again
    next time. Beyond :data:`STORED_RESULTS_LIMIT` results of a kind, the
    least recently stored go (checked once per process).
    """
    location = cache_location()
    if location is None:
        return
    folder = location / kind
    temporary = folder / f"{key}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(result), encoding="utf-8")
        temporary.replace(folder / f"{key}.json")
        if folder not in _PRUNED:  # once per process: listing the folder costs more than a store
            _PRUNED.add(folder)
            stored = sorted(folder.glob("*.json"), key=lambda path: path.stat().st_mtime)
            for path in stored[:max(len(stored) - STORED_RESULTS_LIMIT, 0)]:
                path.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
