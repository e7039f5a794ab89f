"""Chart images do not depend on the fonts a machine has installed.

Every chart a notebook stores, as a PNG and as the Vega-Lite specification its
HTML embeds, is drawn again from that specification with the system's fonts
replaced (a mount namespace puts another folder over /usr/share/fonts, and
HOME points to an empty folder, hiding the user's fonts); every PNG must come
out byte for byte as committed. The specification is data computed from the
tables, so drawing it is the step that could depend on fonts; that the
notebooks' outputs are what executing them gives is nbval's test. Skipped
where a mount namespace cannot be made (it needs root or user namespaces:
``unshare -m``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from kzreform.core.paths import ROOT
from kzreform.report.charts import CHART_FONT_DIRECTORY

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


# Run in the mount namespace: draw each stored chart's specification, in notebook order.
REDRAW = """
import base64, json, sys
import nbformat
from kzreform.report.charts import embedded_spec, spec_png
drawn = {}
for path in sys.argv[2:]:
    notebook = nbformat.read(path, as_version=4)
    drawn[path] = [base64.b64encode(spec_png(embedded_spec(output["data"]["text/html"])))
                   .decode("ascii")
                   for cell in notebook.cells if cell.cell_type == "code"
                   for output in cell.get("outputs", []) if "image/png" in output.get("data", {})]
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(drawn, out)
"""


@pytest.fixture(scope="module")
def drawn_with_other_fonts(tmp_path_factory):
    if shutil.which("unshare") is None or not SYSTEM_FONTS.is_dir():
        pytest.skip("needs `unshare` and /usr/share/fonts to swap the system's fonts")
    scratch = tmp_path_factory.mktemp("fonts")
    fonts = other_fonts(scratch / "fonts")
    probe = in_mount_namespace(fonts, ["true"], scratch)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a mount namespace here: {probe.stderr.strip()}")
    drawn = scratch / "drawn.json"
    result = in_mount_namespace(
        fonts, [sys.executable, "-c", REDRAW, str(drawn), *map(str, NOTEBOOKS)], scratch)
    assert result.returncode == 0, result.stderr
    return {Path(path): pngs for path, pngs in json.loads(drawn.read_text("utf-8")).items()}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_chart_images_are_identical_with_other_fonts(notebook, drawn_with_other_fonts):
    committed = stored_pngs(notebook)
    again = drawn_with_other_fonts[notebook]
    assert len(again) == len(committed)
    changed = [index for index, (a, b) in enumerate(zip(committed, again)) if a != b]
    assert changed == [], f"{notebook.name}: chart images {changed} depend on the installed fonts"
