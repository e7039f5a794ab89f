"""Every writer of data/ goes through one transaction: lock, stage, validate, journal, commit.

The writer, a process forked from the test's, is killed (``os._exit``, no
clean-up) after each step of its commit;
two writers race. Afterwards data/ must be exactly as before or exactly as
after, valid, with every reported addition present. Atomicity does not depend
on what is committed, so the writers killed commit a small stub change (a
changed descriptor, a changed table and a new file in a new folder) through the
same transaction code; one add-source (in this process) shows the steps of a
real commit.
"""

import builtins
import errno
import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from conftest import FAST_PROFILE, copy_data, run_at_once, snapshot, start_forked, write_source

from kzreform.cli import main
from kzreform.core import transaction
from kzreform.core.data import load_table, resource_path
from kzreform.core.schema import write_descriptor
from kzreform.core.errors import DataValidationError
from kzreform.core.settings import PROFILE_VARIABLE
from kzreform.core.transaction import TransactionError
from kzreform.pipeline.validation import validate_package
from kzreform.workflows.add_source import add_source

# Commands started here build with the fast profile: what they commit is not the point.
pytestmark = pytest.mark.usefixtures("fast_build")

KILLED = 75


def stub_change(staged):
    """A change that keeps the package valid and changes no derived table.

    It describes the package (in the schema source, then the descriptor
    generated from it), appends a cleaning rule that matches nothing and
    writes a file in a new folder.
    """
    with open(staged / "schema" / "package.yml", "a", encoding="utf-8") as package:
        package.write("description: Changed by the transaction tests.\n")
    write_descriptor(staged)
    with open(staged / "rules" / "boilerplate.csv", "a", encoding="utf-8") as rules:
        rules.write("transaction-test,*,line,no line reads so,navigation,matches nothing\n")
    (staged / "transaction-test").mkdir()
    (staged / "transaction-test" / "note.txt").write_text("stub\n", encoding="utf-8")


def not_validated(staged):
    """The stub's commit skips validating the staged copy (the tests validate what is left)."""


def stub_writer(kill_at, log, data_dir):
    """Commit the stub change to ``data_dir``, recording each step of the commit in ``log``.

    After step number ``kill_at`` (0: none) the process dies at once, cleaning up nothing.
    """
    steps = []

    def step(description):
        steps.append(description)
        with open(log, "a", encoding="utf-8") as out:
            out.write(description + "\n")
        if len(steps) == kill_at:
            os._exit(KILLED)

    transaction.after_step = step
    transaction.write(Path(data_dir), stub_change, not_validated)


def run_writer(kill_at, log, data_dir):
    """Run :func:`stub_writer` in a forked process to its end; its exit code."""
    process = start_forked(stub_writer, kill_at, log, data_dir)
    process.join(timeout=600)
    return process.exitcode


SECOND_ARTICLE = ("A Second Synthetic Article\n\nVoters in the regions elected councils under "
                  "a new law, and observers counted the ballots in public.\n")


def add_source_arguments(text, metadata, data_dir):
    return ["add-source", str(text), "--metadata", str(metadata), "--data-dir", str(data_dir)]


@pytest.fixture(scope="module")
def added_steps(tmp_path_factory):
    """The commit steps of an uninterrupted add-source (fast profile) in a copy of data/."""
    root = tmp_path_factory.mktemp("added")
    text, metadata = write_source(root)
    steps = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PROFILE_VARIABLE, FAST_PROFILE)
        patch.setattr(transaction, "after_step", steps.append)
        add_source(text, metadata, copy_data(root / "data"))
    return steps


@pytest.fixture(scope="module")
def completed(tmp_path_factory):
    """A copy of data/ before and after an uninterrupted stub commit, and its commit steps."""
    root = tmp_path_factory.mktemp("completed")
    data = copy_data(root / "data")
    before = snapshot(data)
    log = root / "steps.log"
    assert run_writer(0, log, data) == 0
    return before, snapshot(data), log.read_text(encoding="utf-8").splitlines()


def test_the_commit_has_a_step_per_replaced_file(added_steps, completed):
    *_, stub_steps = completed
    for steps in (added_steps, stub_steps):
        replaced = [step for step in steps if step.startswith("replaced ")]
        assert steps == ["validated", "journal written", *replaced, "journal removed"]
    replaced = [step for step in added_steps if step.startswith("replaced ")]
    assert "replaced metadata/sources.csv" in replaced
    assert "replaced processed/framing_auto.csv" in replaced
    assert len(replaced) >= 7  # raw text, three inputs, three derived tables at least
    assert sorted(step for step in stub_steps if step.startswith("replaced ")) == [
        "replaced datapackage.json", "replaced rules/boilerplate.csv",
        "replaced schema/package.yml", "replaced transaction-test/note.txt"]


def test_a_writer_killed_after_any_step_leaves_data_before_or_after(tmp_path, completed):
    before, after, steps = completed
    copies = [copy_data(tmp_path / f"data-{kill_at}") for kill_at in range(1, len(steps) + 1)]
    children = [start_forked(stub_writer, kill_at, tmp_path / f"steps-{kill_at}.log", data)
                for kill_at, data in enumerate(copies, start=1)]
    for step, data, child in zip(steps, copies, children):
        child.join(timeout=600)
        assert child.exitcode == KILLED, step
        assert main(["validate", "--data-dir", str(data)]) == 0, step  # recovers, then checks
        expected = before if step == "validated" else after
        assert snapshot(data) == expected, f"killed after {step!r}: neither before nor after"
        assert not (data / transaction.WORK_DIR).exists()


def test_readers_refuse_a_half_committed_directory_until_it_is_recovered(tmp_path, completed):
    _, after, steps = completed
    data = copy_data(tmp_path / "data")
    kill_at = steps.index("journal written") + 2  # after the first replacement
    assert run_writer(kill_at, tmp_path / "log", data) == KILLED
    with pytest.raises(TransactionError, match="a write was interrupted"):
        load_table("sources", data)
    # The next writer rolls forward first: here `schema`, which then writes the
    # descriptor the stub wrote, so the data are exactly as after the stub's commit.
    assert main(["schema", "--data-dir", str(data)]) == 0
    assert snapshot(data) == after


def test_two_add_sources_at_once_both_land(tmp_path, new_source):
    data = copy_data(tmp_path / "data")
    first = new_source()
    second = new_source(SECOND_ARTICLE, name="second", source_id="second-2026",
                        title="A Second Synthetic Article")
    runs = run_at_once(*(add_source_arguments(text, metadata, data)
                         for text, metadata in (first, second)), folder=tmp_path)
    assert [code for code, _, _ in runs] == [0, 0], [err for _, _, err in runs]
    reported = [line.split()[1] for _, out, _ in runs for line in out.splitlines()
                if line.startswith("added ")]
    assert sorted(reported) == ["second-2026", "synthetic-2026"]
    validate_package(data)
    sources = load_table("sources", data).set_index("source_id")
    paragraphs = load_table("paragraphs", data)
    for source_id in reported:
        assert (data / sources.loc[source_id, "raw_file"]).is_file()
        assert (paragraphs["source_id"] == source_id).any()


def test_a_second_writer_is_refused_after_waiting(data_copy):
    before = snapshot(data_copy)

    def change(staged):
        (staged / "metadata" / "sources.csv").write_text("changed\n", encoding="utf-8")

    with transaction.locked(data_copy):
        with pytest.raises(TransactionError, match=r"is being changed by another kzreform "
                                                   r"command .*waited 0.2 s"):
            transaction.write(data_copy, change, validate_package, timeout=0.2)
    assert snapshot(data_copy) == before


def test_a_change_that_fails_validation_is_discarded(data_copy):
    before = snapshot(data_copy)

    def break_sources(staged):
        path = staged / "metadata" / "sources.csv"
        path.write_text(path.read_text(encoding="utf-8").replace(",en\n", ",english\n", 1),
                        encoding="utf-8")

    with pytest.raises(DataValidationError, match="field 'language', value 'english'"):
        transaction.write(data_copy, break_sources, validate_package)
    assert snapshot(data_copy) == before
    assert not (data_copy / transaction.WORK_DIR).exists()


# ---- issue 18, case 4: a journal kzreform did not write is named, never acted on ------

def interrupted_write(data_dir, journal_text):
    """Leave ``data_dir`` as if a write had stopped with this journal."""
    work = data_dir / transaction.WORK_DIR
    (work / transaction.STAGED).mkdir(parents=True)
    (work / transaction.JOURNAL).write_text(journal_text, encoding="utf-8")
    return work


@pytest.mark.parametrize("journal", ["", "{not json", "[]", '{"replace": 7}'])
def test_an_unreadable_journal_is_named_with_a_way_forward(data_copy, capsys, journal):
    interrupted_write(data_copy, journal)
    for command in ("validate", "build"):
        assert main([command, "--data-dir", str(data_copy)]) == 1
        error = capsys.readouterr().err
        assert "journal.json: is not a journal written by kzreform" in error \
            or "journal.json: names files outside the data directory" in error
        assert "restore what differs, delete" in error and "Traceback" not in error
    with pytest.raises(TransactionError, match="run 'python -m kzreform validate'"):
        load_table("sources", data_copy)


@pytest.mark.parametrize("entry", ["../outside/evil.txt", "metadata/../../outside/evil.txt",
                                   "/etc/passwd", ".lock"])
def test_a_journal_naming_paths_outside_data_is_refused_and_nothing_moves(tmp_path, data_copy,
                                                                          capsys, entry):
    before = snapshot(data_copy)
    work = interrupted_write(data_copy, json.dumps({"replace": ["metadata/sources.csv", entry]}))
    staged_file = work / transaction.STAGED / "metadata" / "sources.csv"
    staged_file.parent.mkdir(parents=True)
    staged_file.write_text("not the real sources\n", encoding="utf-8")
    if not entry.startswith("/"):  # a file the journal would move out of data/
        planted = work / transaction.STAGED / entry
        planted.parent.mkdir(parents=True, exist_ok=True)
        planted.write_text("evil\n", encoding="utf-8")
    assert main(["validate", "--data-dir", str(data_copy)]) == 1
    error = capsys.readouterr().err
    assert f"journal.json, field 'replace', value {entry!r}: is not a file a write replaces" \
        in error
    assert "nothing was moved" in error
    assert not (tmp_path / "outside").exists()
    after = snapshot(data_copy)
    assert all(after[path] == content for path, content in before.items())
    assert staged_file.exists()


# ---- issue 18, case 7: the lock file on a read-only copy, or not a file ---------------

@pytest.fixture
def read_only(monkeypatch):
    """Make a directory read-only, as a mounted release zip is (root ignores permissions)."""
    def protect(directory):
        directory = directory.resolve()
        real_open = builtins.open

        def opened(file, mode="r", *args, **kwargs):
            inside = isinstance(file, (str, os.PathLike)) and \
                directory in Path(file).resolve().parents
            if inside and set(mode) & set("wax+"):
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(file))
            return real_open(file, mode, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", opened)
        for path in [directory, *directory.rglob("*")]:
            path.chmod(path.stat().st_mode & ~0o222)
        return directory
    yield protect


def writable_again(directory):
    for path in [directory, *directory.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o200)


@pytest.mark.parametrize("with_lock_file", [False, True])
def test_validate_works_on_a_read_only_copy(data_copy, read_only, capsys, with_lock_file):
    if with_lock_file:
        (data_copy / transaction.LOCK_FILE).touch()
    before = snapshot(data_copy)
    read_only(data_copy)
    try:
        assert main(["validate", "--data-dir", str(data_copy)]) == 0, capsys.readouterr().err
        assert main(["build", "--data-dir", str(data_copy)]) == 1
        assert "is read-only (Read-only file system); a command that changes the data needs " \
            "write access" in capsys.readouterr().err
    finally:
        writable_again(data_copy)
    assert snapshot(data_copy) == before


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_lock_that_is_a_folder_is_named(data_copy, capsys, command):
    (data_copy / transaction.LOCK_FILE).mkdir()
    assert main([command, "--data-dir", str(data_copy)]) == 1
    assert "data/.lock: is not a plain file; kzreform commands take turns by locking this file" \
        in capsys.readouterr().err


# ---- issue 18, case 8: symbolic links out of the data directory ------------------------

def test_a_writer_never_writes_through_a_folder_linked_out_of_data(tmp_path, data_copy,
                                                                   new_source, capsys):
    outside = tmp_path / "outside-processed"
    (data_copy / "processed").rename(outside)
    (data_copy / "processed").symlink_to(outside, target_is_directory=True)
    before = snapshot(outside)
    text, metadata = new_source()
    assert main(add_source_arguments(text, metadata, data_copy)) == 1
    error = capsys.readouterr().err
    assert "a symbolic link leads out of the data directory; nothing was written" in error
    assert "data/processed/paragraphs.csv leads to" in error
    assert snapshot(outside) == before
    assert not (data_copy / transaction.WORK_DIR).exists()
    assert main(["validate", "--data-dir", str(data_copy)]) == 1
    assert "must be a relative path inside the data directory (no symbolic link may lead out " \
        "of it)" in capsys.readouterr().err


def test_a_raw_text_linked_out_of_data_is_refused(tmp_path, data_copy, capsys):
    raw_file = load_table("sources", data_copy)["raw_file"].iloc[0]
    outside = tmp_path / "outside.txt"
    (data_copy / raw_file).rename(outside)
    (data_copy / raw_file).symlink_to(outside)
    assert main(["validate", "--data-dir", str(data_copy)]) == 1
    assert f"field 'path', value {raw_file!r}: resource" in capsys.readouterr().err


# ---- issue 18, case 2: readers see one commit whole, and wait for it -------------------

# Two tables a stub commit changes together: a reader must never see one changed alone.
TWO_TABLES = ("boilerplate-rules", "source-provenance")


def repeat_last_rows(staged):
    """A stub change of both tables: each gets its last row again (types stay valid)."""
    for name in TWO_TABLES:
        path = resource_path(name, staged)
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(lines + lines[-1:]), encoding="utf-8")


def row_counts(data_dir):
    return tuple(len(load_table(name, data_dir)) for name in TWO_TABLES)


def commit_with_hook(data_dir, monkeypatch, hook):
    """Commit the stub change, calling ``hook`` with each step of the commit."""
    monkeypatch.setattr(transaction, "after_step", hook)
    transaction.write(data_dir, repeat_last_rows, lambda staged: None)


@pytest.fixture
def waiting_reader(monkeypatch):
    """An event set as soon as anyone waits for a busy lock (instead of sleeping on it)."""
    waiting = threading.Event()
    monkeypatch.setattr(transaction, "while_waiting", lambda lock_file: waiting.set())
    return waiting


def test_a_reader_that_starts_mid_commit_waits_and_sees_the_whole_commit(data_copy, monkeypatch,
                                                                        waiting_reader):
    before = row_counts(data_copy)
    seen, readers = {}, []

    def step(description):
        if description == "validated":  # staged and validated, not yet committing
            seen["while staging"] = row_counts(data_copy)
        if description.startswith("replaced ") and not readers:  # one table replaced
            readers.append(threading.Thread(
                target=lambda: seen.setdefault("mid-commit", row_counts(data_copy))))
            readers[0].start()
            assert waiting_reader.wait(timeout=60), "the reader did not wait for the commit"

    commit_with_hook(data_copy, monkeypatch, step)
    readers[0].join(timeout=60)
    after = tuple(count + 1 for count in before)
    assert seen == {"while staging": before, "mid-commit": after}


def test_a_reading_block_sees_one_commit_and_holds_the_next_off(data_copy, monkeypatch,
                                                               waiting_reader):
    before = row_counts(data_copy)
    writer = threading.Thread(target=commit_with_hook,
                              args=(data_copy, monkeypatch, lambda step: None))
    with transaction.reading(data_copy):
        first = len(load_table(TWO_TABLES[0], data_copy))
        writer.start()
        assert waiting_reader.wait(timeout=60), "the commit did not wait for the reader"
        second = len(load_table(TWO_TABLES[1], data_copy))
    writer.join(timeout=60)
    assert (first, second) == before
    assert row_counts(data_copy) == tuple(count + 1 for count in before)


def test_a_reader_kept_waiting_by_a_commit_is_told_a_write_is_running(data_copy, monkeypatch):
    monkeypatch.setattr(transaction, "READ_TIMEOUT_SECONDS", 0)
    refusals = []

    def step(description):
        if description == "journal written":
            with pytest.raises(TransactionError) as refused:
                load_table(TWO_TABLES[0], data_copy)
            refusals.append(str(refused.value))

    commit_with_hook(data_copy, monkeypatch, step)
    assert refusals == [f"{data_copy.as_posix()}: a write is running (pid {os.getpid()}) and "
                        "has been replacing files for over 0 s; try again when it has finished"]


# ---- issue 18, case 7: a full disk, and a read-only copy holding an unfinished write -----

def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_disk_full_while_staging_is_one_line_and_leaves_data_as_it_was(data_copy, monkeypatch,
                                                                         capsys):
    before = snapshot(data_copy)
    monkeypatch.setattr(shutil, "copy2", disk_full)  # what copying each staged file calls
    assert main(["build", "--data-dir", str(data_copy)]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"error: {data_copy.as_posix()}: the disk is full (No space left on "
                            "device); nothing was written")
    assert error.count("\n") == 1 and "Traceback" not in error
    assert not (data_copy / transaction.WORK_DIR).exists()
    assert snapshot(data_copy) == before


@pytest.mark.parametrize("where", ["a staged table", "the journal"])
def test_a_disk_full_before_the_commit_leaves_data_as_it_was(data_copy, monkeypatch, where):
    before = snapshot(data_copy)
    change = repeat_last_rows
    if where == "a staged table":
        def change(staged):
            repeat_last_rows(staged)
            disk_full()
    else:
        real_write_text = Path.write_text
        monkeypatch.setattr(Path, "write_text", lambda path, *args, **kwargs: disk_full()
                            if path.name.startswith(transaction.JOURNAL)
                            else real_write_text(path, *args, **kwargs))
    with pytest.raises(TransactionError) as refused:
        transaction.write(data_copy, change, lambda staged: None)
    assert "the disk is full (No space left on device); nothing was written" \
        in str(refused.value) and "\n" not in str(refused.value)
    assert not (data_copy / transaction.WORK_DIR).exists()
    assert snapshot(data_copy) == before


def test_validate_leaves_an_interrupted_commit_of_a_read_only_copy_alone(data_copy, read_only,
                                                                         capsys):
    work = interrupted_write(data_copy, json.dumps({"replace": ["metadata/sources.csv"]}))
    staged_file = work / transaction.STAGED / "metadata" / "sources.csv"
    staged_file.parent.mkdir(parents=True)
    staged_file.write_text("the rest of the write\n", encoding="utf-8")
    before = snapshot(data_copy)
    read_only(data_copy)
    try:
        assert main(["validate", "--data-dir", str(data_copy)]) == 1
    finally:
        writable_again(data_copy)
    error = capsys.readouterr().err
    assert "a write was interrupted while it replaced files and is not finished" in error
    assert "this copy is read-only, so it cannot be completed here and was left as it is" in error
    assert snapshot(data_copy) == before


def test_validate_checks_a_read_only_copy_with_a_write_that_never_committed(data_copy,
                                                                            read_only, capsys):
    work = data_copy / transaction.WORK_DIR
    (work / transaction.STAGED / "metadata").mkdir(parents=True)
    before = snapshot(data_copy)
    read_only(data_copy)
    try:
        assert main(["validate", "--data-dir", str(data_copy)]) == 0, capsys.readouterr().err
    finally:
        writable_again(data_copy)
    out = capsys.readouterr().out
    assert f"left an unfinished write in {work.as_posix()} alone (read-only copy" in out
    assert "data package valid" in out
    assert work.is_dir() and snapshot(data_copy) == before


def _edit_live_while_validating(data_dir, relative, text):
    """A change to the staged copy (the descriptor), and an edit of ``relative`` in the
    live directory made while the write validates, as a person might make by hand."""
    def change(staged):
        descriptor = staged / "datapackage.json"
        package = json.loads(descriptor.read_text(encoding="utf-8"))
        package["description"] = "Changed by the transaction tests."
        descriptor.write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")

    def validate(staged):
        (data_dir / relative).write_text(text, encoding="utf-8")
    return change, validate


def test_a_file_edited_by_hand_while_a_write_runs_is_not_put_back(data_copy):
    change, validate = _edit_live_while_validating(data_copy, "README.md", "edited by hand\n")
    transaction.write(data_copy, change, validate)
    assert (data_copy / "README.md").read_text(encoding="utf-8") == "edited by hand\n"
    assert "Changed by the transaction tests." in (data_copy / "datapackage.json").read_text(
        encoding="utf-8")


def test_a_write_to_a_file_edited_meanwhile_is_refused_and_keeps_the_edit(data_copy):
    before = snapshot(data_copy)
    change, validate = _edit_live_while_validating(data_copy, "datapackage.json", "{}\n")
    with pytest.raises(TransactionError, match=r"edited while it ran; nothing was written.*\n"
                                               r".*datapackage\.json"):
        transaction.write(data_copy, change, validate)
    assert (data_copy / "datapackage.json").read_text(encoding="utf-8") == "{}\n"
    after = snapshot(data_copy)
    assert {path.as_posix() for path in after if after[path] != before.get(path)} == {"datapackage.json"}
