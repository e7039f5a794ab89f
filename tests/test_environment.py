"""The pip and conda routes install the same pins, and the README's commands are what CI runs."""

import re
from importlib.metadata import version

import yaml

from kzreform.core.paths import ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)$")


def requirement_lines(name):
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_every_direct_dependency_is_pinned_exactly():
    for line in requirement_lines("requirements.txt"):
        assert PIN.match(line), f"requirements.txt: {line!r} is not pinned with =="


def test_the_installed_packages_are_the_pinned_versions():
    for line in requirement_lines("requirements.txt"):
        name, pinned = PIN.match(line).groups()
        assert version(name) == pinned, f"{name}: installed {version(name)}, pinned {pinned}"


def test_conda_environment_installs_the_same_pins_and_quarto():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    dependencies = environment["dependencies"]
    pip_section = next(d["pip"] for d in dependencies if isinstance(d, dict))
    assert "-r requirements.txt" in pip_section
    assert not [d for d in pip_section if PIN.match(d)], "environment.yml pins Python packages itself"
    conda_names = {re.split(r"[=<>]", d)[0] for d in dependencies if isinstance(d, str)}
    assert {"python", "pip", "quarto"} <= conda_names


def test_quarto_cli_belongs_to_the_render_install_only():
    assert not any(line.startswith("quarto-cli") for line in requirement_lines("requirements.txt"))
    render = requirement_lines("requirements-render.txt")
    assert "-r requirements.txt" in render
    assert any(PIN.match(line) and line.startswith("quarto-cli==") for line in render)


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci_commands = [line for line in (ROOT / ".ci/run").read_text().splitlines()
                   if line and not line.startswith(("#", "set ", "cd "))]
    assert ci_commands == ["make test"]
    assert re.search(r"^make test$", readme, flags=re.MULTILINE)
    assert re.search(r"^make report$", readme, flags=re.MULTILINE)


def test_a_process_that_imports_the_package_does_not_compile_the_iri_grammars():
    # Frictionless and Altair import jsonschema; with rfc3987_syntax importable it
    # compiles 38 grammars, seconds in every command, test process and kernel.
    import subprocess
    import sys

    probe = ("import sys, kzreform, jsonschema, frictionless, altair; "
             "print(sys.modules.get('rfc3987_syntax') is None)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=False)
    assert result.stdout.strip() == "True", result.stderr


def test_the_test_process_does_not_compile_the_iri_grammars():
    # pyproject.toml has pytest import the package before its plugins: nbval
    # imports nbformat, hence jsonschema, as it is loaded.
    import sys

    assert sys.modules.get("rfc3987_syntax", "not imported") is None
