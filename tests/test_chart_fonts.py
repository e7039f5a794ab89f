"""Chart images do not depend on the fonts a machine has installed.

The notebooks are executed again with the system's fonts replaced (a mount
namespace puts another folder over /usr/share/fonts, and HOME points to an
empty folder, hiding the user's fonts); every stored PNG must come out byte for
byte as committed. Skipped where a mount namespace cannot be made (it needs
root or user namespaces: ``unshare -m``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from kzreform.charts import CHART_FONT_DIRECTORY
from kzreform.paths import ROOT

SYSTEM_FONTS = Path("/usr/share/fonts")
NOTEBOOKS = sorted((ROOT / "analysis").glob("*.ipynb"))


def stored_pngs(path: Path) -> list[str]:
    notebook = nbformat.read(path, as_version=4)
    return [output["data"]["image/png"] for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.get("outputs", []) if "image/png" in output.get("data", {})]


def other_fonts(folder: Path) -> Path:
    """A font folder unlike the system's: one of its fonts, or none if it has none."""
    folder.mkdir()
    chart_fonts = {path.name for path in Path(str(CHART_FONT_DIRECTORY)).iterdir()}
    candidates = sorted(p for p in SYSTEM_FONTS.rglob("*") if p.suffix.lower() in (".ttf", ".otf")
                        and p.name not in chart_fonts) if SYSTEM_FONTS.is_dir() else []
    if candidates:
        shutil.copy(candidates[-1], folder / candidates[-1].name)
    return folder


def in_mount_namespace(fonts: Path, command: list[str], home: Path) -> subprocess.CompletedProcess:
    script = f'mount --bind "{fonts}" "{SYSTEM_FONTS}" && exec "$@"'
    return subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", *command],
                          env={**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home)},
                          capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def executed_with_other_fonts(tmp_path_factory):
    if shutil.which("unshare") is None or not SYSTEM_FONTS.is_dir():
        pytest.skip("needs `unshare` and /usr/share/fonts to swap the system's fonts")
    scratch = tmp_path_factory.mktemp("fonts")
    fonts = other_fonts(scratch / "fonts")
    probe = in_mount_namespace(fonts, ["true"], scratch)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a mount namespace here: {probe.stderr.strip()}")
    copies = []
    for notebook in NOTEBOOKS:
        copy = scratch / notebook.name
        shutil.copy(notebook, copy)
        copies.append(copy)
    result = in_mount_namespace(
        fonts, [sys.executable, "-m", "kzreform", "notebooks", *map(str, copies)], scratch)
    assert result.returncode == 0, result.stderr
    return dict(zip(NOTEBOOKS, copies))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_chart_images_are_identical_with_other_fonts(notebook, executed_with_other_fonts):
    committed = stored_pngs(notebook)
    again = stored_pngs(executed_with_other_fonts[notebook])
    assert len(again) == len(committed)
    changed = [index for index, (a, b) in enumerate(zip(committed, again)) if a != b]
    assert changed == [], f"{notebook.name}: chart images {changed} depend on the installed fonts"
