"""The build record and the notebooks' record: what the committed outputs were computed from.

``make report`` in a fresh clone builds nothing and executes no notebook when
the records say the committed tables and notebooks are what a build and an
execution would write now (kzreform/pipeline/record.py); anything they follow
from, changed, makes them stale.
"""

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from conftest import FAST_PROFILE, snapshot

from kzreform.cli import main
from kzreform.core.data import resource_path
from kzreform.core.paths import DATA, ROOT
from kzreform.core.settings import PROFILE_VARIABLE
from kzreform.pipeline import build, record
from kzreform.workflows import notebooks

NOTEBOOKS = sorted((ROOT / "analysis").glob("*.ipynb"))
WHAT_TO_RUN = "run 'make data', then 'make notebooks' (or 'make report'), and commit the result"


def test_the_committed_tables_and_notebooks_are_recorded_as_current():
    assert record.is_current(DATA), (
        f"data/{record.RECORD} does not match the inputs, the code and the tables: "
        + WHAT_TO_RUN)
    data = record.build_record(DATA)
    stale = [path.name for path in NOTEBOOKS if not notebooks.is_current(path, data)]
    assert stale == [], f"not executed with today's code and data: {stale}; {WHAT_TO_RUN}"


def test_a_current_copy_is_not_built_again(data_copy, capsys):
    before = snapshot(data_copy)
    assert main(["build", "--unless-current", "--data-dir", str(data_copy)]) == 0
    assert "nothing to build" in capsys.readouterr().out
    assert snapshot(data_copy) == before


def edit_an_input(data_dir, monkeypatch):
    with open(data_dir / "coding" / "stopwords.txt", "a", encoding="utf-8") as stopwords:
        stopwords.write("zzzz\n")


def edit_a_table(data_dir, monkeypatch):
    path = resource_path("headline-figures", data_dir)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n", 1))


def choose_another_profile(data_dir, monkeypatch):
    monkeypatch.setenv(PROFILE_VARIABLE, FAST_PROFILE)


def change_the_code(data_dir, monkeypatch):
    monkeypatch.setattr(record, "package_digest", lambda: "another version of the package")


def edit_a_report_file_the_rules_read(data_dir, monkeypatch):
    """The report files, in a copy of the repository's root that the record reads instead."""
    root = data_dir.parent / "root"
    copies = []
    for path in (*record.REPORT_INPUTS, record.REQUIREMENTS):
        copy = root / path.relative_to(ROOT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
        copies.append(copy)
    monkeypatch.setattr(record, "ROOT", root)
    monkeypatch.setattr(record, "REPORT_INPUTS", tuple(copies[:-1]))
    monkeypatch.setattr(record, "REQUIREMENTS", copies[-1])
    assert record.is_current(data_dir), "the copies are read as the originals were"
    with open(copies[-2], "a", encoding="utf-8") as bibliography:
        bibliography.write("\n")


@pytest.mark.parametrize("change", [edit_an_input, edit_a_table, choose_another_profile,
                                    change_the_code, edit_a_report_file_the_rules_read])
def test_a_change_to_what_the_tables_follow_from_makes_the_record_stale(data_copy, monkeypatch,
                                                                       change):
    assert record.is_current(data_copy)
    change(data_copy, monkeypatch)
    assert not record.is_current(data_copy)


def test_a_stale_copy_is_built_and_recorded_again(data_copy, capsys, monkeypatch):
    edit_a_table(data_copy, monkeypatch)
    assert main(["build", "--unless-current", "--data-dir", str(data_copy)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert record.is_current(data_copy)
    assert snapshot(data_copy) == snapshot(DATA)


def test_a_build_of_one_stage_records_no_inputs(data_copy, fast_build):
    build.build(data_copy, only="results")
    assert json.loads((data_copy / record.RECORD).read_text(encoding="utf-8"))["inputs"] \
        == record.PARTIAL
    assert not record.is_current(data_copy)


def test_a_notebook_with_other_code_or_data_or_no_record_is_not_current(tmp_path):
    data = record.build_record(DATA)
    notebook = nbformat.read(NOTEBOOKS[0], as_version=4)
    path = tmp_path / NOTEBOOKS[0].name
    nbformat.write(notebook, path)
    assert notebooks.is_current(path, data)
    assert not notebooks.is_current(path, "the build record of other data")
    code = next(cell for cell in notebook.cells if cell.cell_type == "code")
    code.source += "\n"
    nbformat.write(notebook, path)
    assert not notebooks.is_current(path, data)
    del notebook.metadata[notebooks.RECORDED]
    nbformat.write(notebook, path)
    assert not notebooks.is_current(path, data)


# Run in a process of its own: an audit hook cannot be removed.
OPENED = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    opened = set()
    def record(event, arguments):
        if event == "open" and isinstance(arguments[0], (str, os.PathLike)):
            opened.add(str(Path(os.fspath(arguments[0])).resolve()))
    from kzreform.pipeline import build
    sys.addaudithook(record)
    build.build_tables(Path(sys.argv[1]))
    print("\\n".join(sorted(opened)))
""")


def test_every_file_a_build_reads_is_in_its_record(data_copy, fast_build):
    """A file of the repository that the build reads, left out of the record, would go unseen.

    The build's computation and rules, without the transaction around them
    (which copies the whole data directory to stage it).

    The data directory (here a copy outside the repository) is recorded whole;
    the package and the pinned requirements are; the libraries are not files of
    the repository.
    """
    # From outside the repository: a path opened relative to a folder (as copying
    # data/ to its staged copy does) resolves there.
    opened = subprocess.run([sys.executable, "-c", OPENED, str(data_copy)], capture_output=True,
                            text=True, check=True, cwd=data_copy.parent).stdout.splitlines()
    package = Path(record.__file__).parents[1]
    recorded = {*record.REPORT_INPUTS, record.REQUIREMENTS}
    read = {Path(name) for name in opened if ROOT in Path(name).parents}
    assert {path for path in read if package not in path.parents
            and Path(sys.prefix).resolve() not in path.parents} <= recorded
    assert record.REPORT in read, "the audit saw the build read a file of the repository"
    assert not {data_copy.resolve() / name for name in record.UNREAD} & set(map(Path, opened))
