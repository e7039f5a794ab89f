"""The GitHub workflows are valid, pass zizmor, and run the documented commands (issue 21).

The two commands are in README.md ("Two commands"), the release command in
CONTRIBUTING.md ("Releasing").

``check-jsonschema`` carries GitHub's workflow schema and ``zizmor --offline``
audits the workflows without a network, so a broken or unsafe workflow fails
``make test`` here, before GitHub sees it.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kzreform.core.paths import ROOT
from kzreform.workflows import release

WORKFLOWS = ROOT / ".github" / "workflows"
CI = WORKFLOWS / "ci.yml"
RELEASE = WORKFLOWS / "release.yml"
BIN = Path(sys.executable).parent
FULL_SHA = re.compile(r"^[^@\s]+@[0-9a-f]{40}$")


def load(path: Path) -> dict:
    """A workflow as a mapping (PyYAML reads ``on:`` as True; put the name back)."""
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in workflow:
        workflow["on"] = workflow.pop(True)
    return workflow


def steps(path: Path, job: str) -> list[dict]:
    """The steps of one job."""
    return load(path)["jobs"][job]["steps"]


def runs(path: Path, job: str) -> list[str]:
    """The shell lines the ``run:`` steps of one job execute, stripped."""
    return [line.strip() for step in steps(path, job) if "run" in step
            for line in step["run"].splitlines() if line.strip()]


def readme_commands() -> dict[str, str]:
    """The README's two commands, from the code blocks of its "Two commands" section.

    Keyed by what the paragraph before each block says it does: "report"
    (build the report) or "test" (run the whole test suite).
    """
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Two commands\n", 1)[1].split("\n## ", 1)[0]
    parts = section.split("```")
    commands = {}
    for prose, block in zip(parts[0::2], parts[1::2]):
        lines = [line for line in block.strip().splitlines() if line.strip()]
        assert len(lines) == 1, f"README 'Two commands': a block of more than one command {lines}"
        kind = "test" if "test suite" in prose.strip().split("\n\n")[-1] else "report"
        commands[kind] = lines[0].strip()
    assert set(commands) == {"report", "test"}, commands
    return commands


def readme_versions() -> tuple[str, str]:
    """The Python version the README names (``Python 3.11+``) and the Quarto version CI uses."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    python = re.search(r"\bPython (\d+\.\d+)\+", readme)
    quarto = re.search(r"CI and releases use Quarto (\d+\.\d+\.\d+)", readme)
    assert python and quarto, "README: no 'Python X.Y+' or 'CI and releases use Quarto X.Y.Z'"
    return python[1], quarto[1]


def tool(name: str) -> str:
    """A console script of the test environment (installed from requirements.txt)."""
    path = BIN / name
    assert path.exists(), f"{name} is not installed beside {sys.executable} (requirements.txt)"
    return str(path)


def test_both_workflows_match_githubs_workflow_schema():
    result = subprocess.run([tool("check-jsonschema"), "--builtin-schema",
                             "vendor.github-workflows", str(CI), str(RELEASE)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    workflow = load(CI)
    del workflow["jobs"]["test"]["runs-on"]
    broken.write_text(yaml.safe_dump(workflow), encoding="utf-8")
    result = subprocess.run([tool("check-jsonschema"), "--builtin-schema",
                             "vendor.github-workflows", str(broken)],
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0 and "runs-on" in result.stdout + result.stderr


def zizmor(target: Path) -> subprocess.CompletedProcess:
    """``zizmor --offline`` on a workflow file or a repository's workflows (exit 0: no findings)."""
    return subprocess.run([tool("zizmor"), "--offline", "--no-progress", str(target)],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "NO_COLOR": "1"})


def test_zizmor_finds_nothing_in_the_workflows():
    result = zizmor(WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_flags_an_unsafe_workflow(tmp_path):
    """The audit is not vacuous: credentials left in the checkout and an unpinned action fail."""
    unsafe = load(CI)
    checkout = unsafe["jobs"]["test"]["steps"][0]
    checkout["uses"] = "actions/checkout@v7"
    del checkout["with"]
    (tmp_path / "unsafe.yml").write_text(yaml.safe_dump(unsafe), encoding="utf-8")
    result = zizmor(tmp_path / "unsafe.yml")
    assert result.returncode != 0
    assert "artipacked" in result.stdout and "unpinned-uses" in result.stdout


@pytest.mark.parametrize("path", [CI, RELEASE], ids=["ci", "release"])
def test_every_action_is_pinned_to_a_full_commit_sha(path):
    workflow = load(path)
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert FULL_SHA.match(step["uses"]), f"{path.name}: {step['uses']} not pinned"
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_permissions_are_read_only_except_where_the_release_is_written():
    assert load(CI)["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in load(CI)["jobs"].values())
    workflow = load(RELEASE)
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["release"]["permissions"] == {"contents": "write"}


def test_ci_runs_on_push_and_pull_request_with_the_readmes_python():
    python, _ = readme_versions()
    workflow = load(CI)
    assert set(workflow["on"]) == {"push", "pull_request"}
    for name, job in workflow["jobs"].items():
        assert re.fullmatch(r"ubuntu-\d+\.\d+", job["runs-on"]), f"{name}: runner not pinned"
        setup = next(step for step in job["steps"]
                     if step.get("uses", "").startswith("actions/setup-python@"))
        assert str(setup["with"]["python-version"]) == python
        assert setup["with"]["cache"] == "pip"


def ci_script_commands() -> list[str]:
    """The commands ``.ci/run`` executes (not comments, ``set`` or ``cd``)."""
    return [line for line in (ROOT / ".ci/run").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith(("#", "set ", "cd "))]


def test_the_test_job_runs_the_readmes_test_command():
    command = readme_commands()["test"]
    lines = runs(CI, "test")
    assert lines == [command] or (lines == ["bash .ci/run"] and ci_script_commands() == [command])


def test_the_report_job_runs_the_readmes_report_command_then_the_render_tests():
    _, quarto = readme_versions()
    lines = runs(CI, "report")
    report = lines.index(readme_commands()["report"])
    tests = next(i for i, line in enumerate(lines) if line.startswith(".venv/bin/python -m pytest"))
    assert report < tests
    assert {"tests/test_render.py", "tests/test_browser.py"} <= set(lines[tests].split())
    setup = [s for s in steps(CI, "report") if s.get("uses", "").startswith(
        "quarto-dev/quarto-actions/setup@")]
    assert [str(s["with"]["version"]) for s in setup] == [quarto]
    installs = " ".join(line for line in lines if "apt-get install" in line)
    assert "chromium" in installs and "poppler-utils" in installs


def test_release_runs_on_version_tags_and_the_documented_release_command():
    _, quarto = readme_versions()
    workflow = load(RELEASE)
    assert workflow["on"] == {"push": {"tags": ["v*"]}}
    assert "`make release`" in (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    lines = runs(RELEASE, "release")
    check = next(i for i, line in enumerate(lines) if "--check-tag" in line)
    assert check < lines.index("make release")
    setup = [s for s in steps(RELEASE, "release") if s.get("uses", "").startswith(
        "quarto-dev/quarto-actions/setup@")]
    assert [str(s["with"]["version"]) for s in setup] == [quarto]


def test_the_release_attaches_every_file_make_release_writes():
    script = " ".join(runs(RELEASE, "release"))
    assert "gh release create" in script and "--notes-file" in script
    assert "kzreform changelog" in script
    for name in release.REPORT_FILES:
        assert f'"$dir/{name}"' in script, f"{name} is not attached"
    for name in ('"$dir"/analysis/*.html', '"$dir/data-$version.zip"', '"$dir/SHA256SUMS"'):
        assert name in script, f"{name} is not attached"


def tag_check_step() -> dict:
    """The release workflow's step that checks the tag against CITATION.cff."""
    return next(s for s in steps(RELEASE, "release") if "--check-tag" in s.get("run", ""))


def run_tag_check(tag: str) -> subprocess.CompletedProcess:
    """Run the tag check step's script as the workflow does, with ``github.ref_name`` = tag."""
    step = tag_check_step()
    assert step["env"] == {"TAG": "${{ github.ref_name }}"}
    # The workflow's .venv (from `make env`) is this interpreter's, except in a
    # copy of the repository without one (tests/test_workflow.py).
    assert ".venv/bin/python -m kzreform release --check-tag" in step["run"]
    script = step["run"].replace(".venv/bin/python", shlex.quote(sys.executable))
    return subprocess.run(["bash", "-e", "-c", script], cwd=ROOT, capture_output=True,
                          text=True, check=False, env={**os.environ, "TAG": tag})


def test_the_release_workflow_rejects_a_tag_that_differs_from_citation_cff():
    version = release.load_citation().version
    major, minor, patch = version.split(".")
    for tag in (f"v{major}.{minor}.{int(patch) + 1}", version, f"v{version}-rc1"):
        result = run_tag_check(tag)
        assert result.returncode == 1, f"tag {tag} accepted"
        assert "does not match CITATION.cff" in result.stderr
    accepted = run_tag_check(f"v{version}")
    assert accepted.returncode == 0, accepted.stderr
