"""The package passes ruff (pinned in requirements.txt, configured in pyproject.toml)."""

import subprocess
import sys

from kzreform.core.paths import ROOT


def test_ruff_finds_nothing_in_the_package():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache",
                             "analysis/kzreform", "benchmarks"],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
