"""The README's workflow for adding a source keeps the whole suite green (issue 11, case 11).

In a copy of the repository (its tracked files): ``add-source`` a synthetic
article, rebuild (``make data``), re-execute the notebooks (``make
notebooks``), then run the suite's invariant tests (every test not marked
``corpus``, notebooks included) against the grown corpus. Every step uses the
fast build profile (few bootstrap resamples): the copy's own tables, notebooks
and tests agree with one another under it, and the study's figures are not
what this test is about.
"""

import os
import shutil
import subprocess
import sys

import pytest

from kzreform.paths import ROOT

pytestmark = pytest.mark.usefixtures("fast_build")

WORKFLOW_ARTICLE = """Regional Councils Gain New Powers

Lawmakers approved a law giving regional councils a say over local budgets, and analysts said the change could make local government more accountable to voters.

Critics in the opposition argued that the reform leaves the president in control of appointments and called it window dressing.

Photo: press service
"""

# Slow and already exercised by the suite in this repository; not re-run in the copy.
# The render tests also need a git repository (they check the tree is left as
# it was), which the copy is not; they run only where Quarto is installed.
NOT_IN_THE_COPY = ["tests/test_workflow.py", "tests/test_transaction.py",
                   "tests/test_render.py", "tests/test_browser.py"]


def tracked_copy(target):
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode("utf-8").split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def run(copy, *command):
    environment = {**os.environ, "PYTHONPATH": str(copy / "analysis")}
    result = subprocess.run([sys.executable, *command], cwd=copy, env=environment,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout[-4000:]}\n" \
                                   f"{result.stderr[-4000:]}"
    return result.stdout


def test_add_source_rebuild_notebooks_then_the_invariant_tests_pass(tmp_path, new_source):
    copy = tracked_copy(tmp_path / "repository")
    text, metadata = new_source(WORKFLOW_ARTICLE, name="workflow", source_id="workflow-2026",
                                title="Regional Councils Gain New Powers")
    where = run(copy, "-c", "import kzreform; print(kzreform.__file__)")
    assert where.startswith(str(copy)), "the copy must run its own package"
    added = run(copy, "-m", "kzreform", "add-source", str(text), "--metadata", str(metadata))
    assert "added workflow-2026" in added
    run(copy, "-m", "kzreform", "build")
    notebooks = sorted(str(path.relative_to(copy)) for path in (copy / "analysis").glob("*.ipynb"))
    run(copy, "-m", "kzreform", "notebooks", *notebooks)
    ignored = [f"--ignore={name}" for name in NOT_IN_THE_COPY]
    summary = run(copy, "-m", "pytest", "-q", "-m", "not corpus", *ignored)
    assert " passed" in summary
