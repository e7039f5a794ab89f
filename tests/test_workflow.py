"""The README's workflow for adding a source keeps the whole suite green (issue 11, case 11).

In a copy of the repository (its tracked files): ``add-source`` a synthetic
article, rebuild (``make data``), re-execute the notebooks (``make
notebooks``), then run the suite's invariant tests (every test not marked
``corpus``, notebooks included) against the grown corpus. Every step uses the
fast build profile (few bootstrap resamples): the copy's own tables, notebooks
and tests agree with one another under it, and the study's figures are not
what this test is about. The steps start as the session starts (fixture
``add_source_workflow`` in conftest.py) and run beside the other tests; the
test checks what they printed.
"""

import os
import shutil
import subprocess
import sys
import threading

from conftest import FAST_PROFILE, write_source

from kzreform.paths import ROOT
from kzreform.settings import PROFILE_VARIABLE

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


class Workflow:
    """The workflow's commands, run one after another in a background thread.

    Each command's return code and output are kept; a failed command ends the
    run. :meth:`wait` returns them once the run is over.
    """

    def __init__(self, root):
        """Copy the repository into ``root`` and start the commands there."""
        self.root = root
        self.results = {}
        self.failure = None
        self._running = None
        self._stopped = False
        self._lock = threading.Lock()  # a command is never started once the run is stopped
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _command(self, name, copy, *command):
        environment = {**os.environ, "PYTHONPATH": str(copy / "analysis"),
                       PROFILE_VARIABLE: FAST_PROFILE}
        with self._lock:
            if self._stopped:
                return False
            self._running = subprocess.Popen([sys.executable, *command], cwd=copy,
                                             env=environment, stdout=subprocess.PIPE,
                                             stderr=subprocess.PIPE, text=True)
        out, err = self._running.communicate()
        self.results[name] = (command, self._running.returncode, out, err)
        return self._running.returncode == 0

    def _run(self):
        try:
            copy = tracked_copy(self.root / "repository")
            text, metadata = write_source(self.root, WORKFLOW_ARTICLE, name="workflow",
                                          source_id="workflow-2026",
                                          title="Regional Councils Gain New Powers")
            notebooks = sorted(str(path.relative_to(copy))
                               for path in (copy / "analysis").glob("*.ipynb"))
            ignored = [f"--ignore={name}" for name in NOT_IN_THE_COPY]
            steps = [("where", "-c", "import kzreform; print(kzreform.__file__)"),
                     ("added", "-m", "kzreform", "add-source", str(text), "--metadata",
                      str(metadata)),
                     ("built", "-m", "kzreform", "build"),
                     ("notebooks", "-m", "kzreform", "notebooks", *notebooks),
                     ("summary", "-m", "pytest", "-q", "-m", "not corpus", *ignored)]
            for name, *command in steps:
                if not self._command(name, copy, *command):
                    break
        except BaseException as exc:  # reported by the test, in the main thread
            self.failure = exc

    def wait(self):
        """The results by step once the run is over (a setup error is raised here)."""
        self._thread.join()
        if self.failure is not None:
            raise self.failure
        return self.results

    def stop(self):
        """End the run early (the session is over), killing the command in progress."""
        with self._lock:
            self._stopped = True
            if self._running is not None and self._running.poll() is None:
                self._running.kill()
        self._thread.join()


def output(results, name):
    """The output of step ``name``, which must have run and succeeded."""
    assert name in results, f"step {name!r} did not run: an earlier step failed"
    command, code, out, err = results[name]
    assert code == 0, f"{' '.join(command)} failed:\n{out[-4000:]}\n{err[-4000:]}"
    return out


def test_add_source_rebuild_notebooks_then_the_invariant_tests_pass(add_source_workflow):
    results = add_source_workflow.wait()
    copy = add_source_workflow.root / "repository"
    assert output(results, "where").startswith(str(copy)), "the copy must run its own package"
    assert "added workflow-2026" in output(results, "added")
    output(results, "built")
    output(results, "notebooks")
    assert " passed" in output(results, "summary")
