"""Fixtures shared by the tests: private copies of data/, the study's tables, a new source.

Tests whose point is not the statistics build with the ``fast`` profile of
``data/build_settings.csv`` (fixture ``fast_build``); the one fresh build the
committed tables are compared with (``fresh_build``) uses the profile the run
was started with, the default one unless ``KZREFORM_PROFILE`` names another,
and computes everything afresh (no cached step is read, :mod:`kzreform.core.cache`)
unless ``--fresh-build-from-cache`` is given, as the add-source workflow's copy
is (tests/test_workflow.py). The other builds of a run share a cache of their
own, empty when the run starts, unless ``KZREFORM_CACHE`` names one.
"""

import contextlib
import fcntl
import hashlib
import multiprocessing
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from kzreform.cli import main
from kzreform.core.cache import CACHE_VARIABLE, computed_afresh
from kzreform.core.codebook import load_codebook
from kzreform.core.data import load_table
from kzreform.core.paths import DATA, ROOT
from kzreform.core.settings import PROFILE_VARIABLE, build_settings, selected_profile
from kzreform.core.transaction import COMMIT_LOCK_FILE, LOCK_FILE, WORK_DIR
from kzreform.pipeline import build

FAST_PROFILE = "fast"
# Read before any test sets the variable: the profile data/processed/ must match.
STUDY_PROFILE = selected_profile()

ARTICLE = """A Synthetic Test Article

Opposition activists say the new referendum is window dressing for authoritarian rule, and critics warn it will entrench presidential power.

Officials call the reform a landmark step toward democratization that makes government more accountable and inclusive.

More in this series
"""

PROVENANCE_FIELDS = ("title", "outlet", "authors", "date_published", "url", "source_type",
                     "language")

METADATA = {
    "source": {
        "source_id": "synthetic-2026", "title": "A Synthetic Test Article",
        "outlet": "not stated", "authors": "not stated", "date_published": "2026-03",
        "date_precision": "month", "date_earliest": "2026-03-01", "date_latest": "2026-03-31",
        "url": "not stated", "source_type": "not stated", "language": "en",
    },
    "provenance": {field: {"basis": "raw text" if field == "title" else "not stated",
                           "evidence": "First line of the text." if field == "title"
                           else "Not given."} for field in PROVENANCE_FIELDS},
    "cleaning": [{"line": "More in this series", "category": "related_links",
                  "reason": "Link to the publisher's other articles."}],
}


# Outside the tree (a render must leave it as it was), one per clone.
RENDER_LOCK = (Path(tempfile.gettempdir())
               / f"kzreform-render-{hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]}.lock")


@contextmanager
def rendered_output():
    """Exclusive use of _output/: Quarto writing it, or a test reading what it wrote.

    ``make test`` runs test_render.py (which renders) and test_browser.py (which
    opens the rendered pages) in different workers at the same time; a page read
    mid-render is one the post-render step has not yet made offline.
    """
    with open(RENDER_LOCK, "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def start_forked(target, *arguments):
    """``target(*arguments)`` in a process forked from this one, started (no imports to wait for)."""
    process = multiprocessing.get_context("fork").Process(target=target, args=arguments)
    process.start()
    return process


def _run_command(arguments, output, errors):
    with open(output, "w", encoding="utf-8") as out, open(errors, "w", encoding="utf-8") as err, \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(arguments)
    sys.exit(code)


def run_at_once(*commands, folder):
    """Run each ``kzreform`` command line of ``commands`` in a process of its own, all at once.

    The processes are forked from this one (:func:`start_forked`), the package
    already imported (a new interpreter spends seconds importing it before the
    command starts; the command is the same ``main``). Returns each one's exit code, output
    and errors (written to files in ``folder``).
    """
    runs = []
    for number, arguments in enumerate(commands):
        files = (folder / f"command-{number}.out", folder / f"command-{number}.err")
        runs.append((start_forked(_run_command, list(arguments), *files), files))
    results = []
    for process, files in runs:
        process.join(timeout=600)
        assert not process.is_alive(), "a command ran for over ten minutes"
        results.append((process.exitcode,
                        *(path.read_text(encoding="utf-8") for path in files)))
    return results


def copy_data(target):
    """A copy of data/ without the lock files or a writer's staged copy."""
    shutil.copytree(DATA, target,
                    ignore=shutil.ignore_patterns(LOCK_FILE, COMMIT_LOCK_FILE, WORK_DIR))
    return target


def snapshot(directory):
    """Every data file's bytes (the lock files are not data)."""
    return {path.relative_to(directory): path.read_bytes()
            for path in sorted(directory.rglob("*"))
            if path.is_file() and path.name not in (LOCK_FILE, COMMIT_LOCK_FILE)}


def pytest_configure(config):
    """Every build of the run, in this process and in the commands it starts, shares one cache."""
    if CACHE_VARIABLE not in os.environ:
        config.run_cache = tempfile.TemporaryDirectory(prefix="kzreform-cache-")
        os.environ[CACHE_VARIABLE] = config.run_cache.name


def pytest_unconfigure(config):
    if hasattr(config, "run_cache"):
        del os.environ[CACHE_VARIABLE]
        config.run_cache.cleanup()


@pytest.fixture
def fast_build(monkeypatch):
    """Builds in this test (and the commands it starts) use the fast profile."""
    monkeypatch.setenv(PROFILE_VARIABLE, FAST_PROFILE)


@pytest.fixture
def two_coders(data_copy, monkeypatch):
    """Builds in this test use the two cheapest coders, 5 resamples (where the coders are not
    the point: a rebuild that meets a hand coding no build has seen evaluates them afresh)."""
    add_profile(data_copy, "two-coders", 5, "majority;lexicon")
    monkeypatch.setenv(PROFILE_VARIABLE, "two-coders")


@pytest.fixture(scope="session")
def fresh_build(pytestconfig):
    """Every derived table of data/, built once per test run with the run's profile.

    Computed afresh, unless the run reuses its cache (``--fresh-build-from-cache``);
    what it computes is stored in the run's cache for the builds that follow.
    """
    reused = pytestconfig.getoption("--fresh-build-from-cache")
    with pytest.MonkeyPatch.context() as patch, \
            contextlib.nullcontext() if reused else computed_afresh():
        patch.setenv(PROFILE_VARIABLE, STUDY_PROFILE)
        return build.build_tables()


@pytest.fixture
def data_copy(tmp_path):
    """A private copy of data/ that a test may break without touching the real one."""
    return copy_data(tmp_path / "data")


def add_profile(data_dir, profile, resamples, coders):
    """Add a build profile to data_dir's build settings (the default profile's flag share)."""
    path = data_dir / "build_settings.csv"
    with open(path, "a", encoding="utf-8") as table:
        table.write(f"{profile},{resamples},{coders},{build_settings().flag_errors},,"
                    "a profile of the tests\n")


def write_source(directory, text=ARTICLE, name="article", document=None, **source_changes):
    """Write an article and its metadata into ``directory``; return (text path, metadata path)."""
    metadata = {**METADATA, "source": {**METADATA["source"], **source_changes}}
    if document:
        metadata = document(metadata)
    text_path = directory / f"{name}.txt"
    if isinstance(text, bytes):
        text_path.write_bytes(text)
    else:
        text_path.write_text(text, encoding="utf-8")
    metadata_path = directory / f"{name}.yml"
    metadata_path.write_text(yaml.safe_dump(metadata, allow_unicode=True), encoding="utf-8")
    return text_path, metadata_path


@pytest.fixture
def new_source(tmp_path):
    """Write a synthetic article and its metadata; keyword arguments change source fields.

    Returns (text path, metadata path). ``document=`` edits the whole YAML document.
    """
    def write(*arguments, **changes):
        return write_source(tmp_path, *arguments, **changes)
    return write


@pytest.fixture(scope="session")
def sources():
    return load_table("sources")


@pytest.fixture(scope="session")
def paragraphs():
    return load_table("paragraphs")


@pytest.fixture(scope="session")
def removed():
    return load_table("removed-text")


@pytest.fixture(scope="session")
def codebook():
    return load_codebook()


# A test with one of these builds its own inputs; --study-data-only leaves it out.
PRIVATE_FIXTURES = {"tmp_path", "tmp_path_factory", "data_copy", "new_source"}
# Started first, in this order (pytest_collection_modifyitems says why).
FIRST_TESTS = ("test_workflow.py", "test_fresh_build.py")


def pytest_addoption(parser):
    parser.addoption("--study-data-only", action="store_true",
                     help="run only the tests that read the repository's data as it is "
                          "(no private copy, no temporary folder)")
    parser.addoption("--fresh-build-from-cache", action="store_true",
                     help="the fresh build the stored tables are compared with reuses the "
                          "run's cache of slow steps (a result the cache returns is the one a "
                          "fresh computation gives: tests/test_cache.py)")


def pytest_collection_modifyitems(config, items):
    """Select (``--study-data-only``), then put the add-source workflow and the fresh build first.

    ``make test`` runs the tests in parallel workers, a file to a worker
    (pytest-xdist, ``--dist loadfile``: a notebook's cells run in order in one
    kernel). The workflow (test_workflow.py) spends its time in commands of its
    own, so it starts first and the other tests run beside it. The fresh build
    (test_fresh_build.py) starts next, in the other worker: the coders'
    evaluation it computes with the study's profile is stored in the run's
    cache before the tests that build copies with that profile need it.
    """
    if config.getoption("--study-data-only"):
        kept = [item for item in items
                if not PRIVATE_FIXTURES.intersection(getattr(item, "fixturenames", ()))]
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
    def rank(item):
        return FIRST_TESTS.index(item.path.name) if item.path.name in FIRST_TESTS \
            else len(FIRST_TESTS)

    items.sort(key=rank)  # stable: the order is kept otherwise
