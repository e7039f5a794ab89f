"""CONTRIBUTING.md's workflow for adding a source keeps the study's tests green (issue 11, case 11).

In a copy of the repository (its tracked files): ``add-source`` a synthetic
article, rebuild as ``make report`` does (``build --unless-current``: nothing
to build, as add-source rebuilt and recorded it), re-execute the notebooks
(``make notebooks``), then run the invariant tests (not marked ``corpus``) that read the
study's data as it is (``--study-data-only``: the committed tables against a
fresh build, the results, the report's values, the tables shown) against the
grown corpus. The tests that work on a private copy of the data or a
temporary folder already ran in this repository, on the same code. Every step
uses the fast build profile (few bootstrap resamples): the copy's own tables,
notebooks and tests agree with one another under it, and the study's figures
are not what this test is about. Every step shares this run's cache of slow
steps, the copy's fresh build included (``--fresh-build-from-cache``): the
coders' evaluation, which the new source does not change (it is not hand-coded),
is computed once; the new paragraphs are coded afresh in each build. ``make test`` schedules this test first
(conftest.py), so that the other tests run beside its commands.
"""

import os
import shutil
import subprocess
import sys

from conftest import FAST_PROFILE, write_source

from kzreform.core.paths import ROOT
from kzreform.core.settings import PROFILE_VARIABLE

WORKFLOW_ARTICLE = """Regional Councils Gain New Powers

Lawmakers approved a law giving regional councils a say over local budgets, and analysts said the change could make local government more accountable to voters.

Critics in the opposition argued that the reform leaves the president in control of appointments and called it window dressing.

Photo: press service
"""

# The copy runs the tests in tests/, not the notebooks in analysis/: the
# workflow's own `make notebooks` has just executed them against the grown
# corpus (nbval would execute them again to compare with what that wrote). Of
# tests/, not re-run: this test; the render tests, which need a git repository
# (they check the tree is left as it was) and Quarto; the CI workflows' tests,
# which read no data.
NOT_IN_THE_COPY = ["tests/test_workflow.py", "tests/test_render.py", "tests/test_browser.py",
                   "tests/test_github_workflows.py"]


def tracked_copy(target):
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode("utf-8").split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def run_workflow(root):
    """Copy the repository into ``root`` and run the workflow there; each step's result by name.

    A failed step ends the run.
    """
    copy = tracked_copy(root / "repository")
    text, metadata = write_source(root, WORKFLOW_ARTICLE, name="workflow",
                                  source_id="workflow-2026",
                                  title="Regional Councils Gain New Powers")
    notebooks = sorted(str(path.relative_to(copy)) for path in (copy / "analysis").glob("*.ipynb"))
    ignored = [f"--ignore={name}" for name in NOT_IN_THE_COPY]
    steps = [("where", "-c", "import kzreform; print(kzreform.__file__)"),
             ("added", "-m", "kzreform", "add-source", str(text), "--metadata", str(metadata)),
             ("built", "-m", "kzreform", "build", "--unless-current"),
             ("notebooks", "-m", "kzreform", "notebooks", *notebooks),
             ("summary", "-m", "pytest", "-q", "-m", "not corpus", "--study-data-only",
              "--fresh-build-from-cache", *ignored, "tests")]
    environment = {**os.environ, "PYTHONPATH": str(copy / "analysis"),
                   PROFILE_VARIABLE: FAST_PROFILE}
    results = {}
    for name, *command in steps:
        done = subprocess.run([sys.executable, *command], cwd=copy, env=environment,
                              capture_output=True, text=True)
        results[name] = (command, done.returncode, done.stdout, done.stderr)
        if done.returncode != 0:
            break
    return results


def output(results, name):
    """The output of step ``name``, which must have run and succeeded."""
    assert name in results, f"step {name!r} did not run: an earlier step failed"
    command, code, out, err = results[name]
    assert code == 0, f"{' '.join(command)} failed:\n{out[-4000:]}\n{err[-4000:]}"
    return out


def test_add_source_rebuild_notebooks_then_the_invariant_tests_pass(tmp_path):
    results = run_workflow(tmp_path)
    copy = tmp_path / "repository"
    assert output(results, "where").startswith(str(copy)), "the copy must run its own package"
    assert "added workflow-2026" in output(results, "added")
    assert "nothing to build" in output(results, "built"), "add-source records what it built"
    output(results, "notebooks")
    summary = output(results, "summary")
    assert " passed" in summary and "deselected" in summary, summary[-2000:]
