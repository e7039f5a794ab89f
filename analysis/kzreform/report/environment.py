"""The computing environment the report states: pinned requirements, commit."""

from __future__ import annotations

import importlib.metadata
import platform
import re
import subprocess
from pathlib import Path

import pandas as pd

from kzreform.core.paths import ROOT

REQUIREMENTS = ROOT / "requirements.txt"


def pinned_requirements(path: Path = REQUIREMENTS) -> dict[str, str]:
    """Package name -> pinned version, from the ``name==version`` lines of requirements.txt."""
    pins = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s;#]+)", line)
        if match:
            pins[match[1]] = match[2]
    return pins


def environment_table(path: Path = REQUIREMENTS) -> pd.DataFrame:
    """Pinned Python packages with the version installed where the report was built."""
    rows = [{"Package": "Python", "Pinned": "", "Installed": platform.python_version()}]
    for name, pinned in sorted(pinned_requirements(path).items(), key=lambda item: item[0].lower()):
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = "not installed"
        rows.append({"Package": name, "Pinned": pinned, "Installed": installed})
    return pd.DataFrame(rows, columns=["Package", "Pinned", "Installed"])


def source_commit(root: Path = ROOT) -> str:
    """The commit the working tree is at, marked when it has uncommitted changes."""
    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)

    head = git("rev-parse", "HEAD")
    if head.returncode != 0:
        return "not a git checkout"
    dirty = git("status", "--porcelain", "--untracked-files=no").stdout.strip()
    return head.stdout.strip() + (" (with uncommitted changes)" if dirty else "")
