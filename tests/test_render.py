"""Render the report with Quarto and check HTML and PDF (skipped without ``quarto``).

Runs whenever ``quarto`` (1.7 or newer) is on PATH: ``make report`` puts
``.venv/bin`` first on PATH, where ``pip install -r requirements-render.txt``
installs it. The render writes to ``_output/`` (git-ignored), as ``make
report`` does, so tests/test_browser.py can then check the result in Chromium.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kzreform import report
from kzreform.paths import ROOT
from report_source import embeds

VENV_BIN = Path(sys.executable).parent
SEARCH_PATH = os.pathsep.join([str(VENV_BIN), os.environ.get("PATH", "")])
QUARTO = shutil.which("quarto", path=SEARCH_PATH)
OUTPUT = ROOT / "_output" / "report"

pytestmark = pytest.mark.skipif(
    QUARTO is None,
    reason="quarto is not on PATH: rendering needs Quarto 1.7+ "
           "(pip install -r requirements-render.txt, or conda env create -f environment.yml)")

PDF_SECTIONS = ["Introduction", "Data and methods", "Results", "Discussion and limitations",
                "References", "Appendices", "Data dictionary", "Computational environment",
                "Changelog", "How to cite"]


@pytest.fixture(scope="module")
def rendered():
    report.write_report_assets()
    environment = dict(os.environ, PATH=SEARCH_PATH)
    # The project render, as `make report` runs it (with its post-render step).
    subprocess.run([QUARTO, "render"], cwd=ROOT, env=environment, check=True, timeout=3600)
    return OUTPUT / "index.html", OUTPUT / "index.pdf"


class ExternalResources(HTMLParser):
    """Scripts and stylesheets the page would fetch over the network."""

    def __init__(self):
        super().__init__()
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        url = None
        if tag == "script":
            url = attributes.get("src")
        elif tag == "link" and "stylesheet" in (attributes.get("rel") or ""):
            url = attributes.get("href")
        if url and re.match(r"(https?:)?//", url):
            self.external.append(url)


def test_html_contains_every_label_and_the_version(rendered):
    html = rendered[0].read_text(encoding="utf-8")
    missing = [embed.label for embed in embeds() if f'id="{embed.label}"' not in html]
    assert missing == []
    assert f"Version {report.load_citation().version}" in html
    assert "How to cite" in html


def test_html_fetches_no_script_or_stylesheet(rendered):
    scan = ExternalResources()
    scan.feed(rendered[0].read_text(encoding="utf-8"))
    assert scan.external == []


def test_html_defines_vega_embed_for_the_charts(rendered):
    html = rendered[0].read_text(encoding="utf-8")
    assert "window.vegaEmbed=" in html
    assert html.count('class="kz-chart"') == sum(1 for e in embeds() if e.label.startswith("fig-"))


def test_pdf_has_the_expected_sections(rendered):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not on PATH (Debian: apt-get install poppler-utils)")
    text = subprocess.run(["pdftotext", "-layout", str(rendered[1]), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert [section for section in PDF_SECTIONS if section not in text] == []
    assert "alt.Chart(" not in text, "a chart was rendered as its Python repr"
