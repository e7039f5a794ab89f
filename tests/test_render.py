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
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import rendered_output
from report_source import embeds

from kzreform.core.data import load_table
from kzreform.core.paths import ROOT
from kzreform.corpus.segment import quote_in_text
from kzreform.evidence.quotes import PARAPHRASE_LABEL
from kzreform.report import assets, citation

VENV_BIN = Path(sys.executable).parent
SEARCH_PATH = os.pathsep.join([str(VENV_BIN), os.environ.get("PATH", "")])
QUARTO = shutil.which("quarto", path=SEARCH_PATH)
OUTPUT = ROOT / "_output" / "report"

pytestmark = pytest.mark.skipif(
    QUARTO is None,
    reason="quarto is not on PATH: rendering needs Quarto 1.7+ "
           "(pip install -r requirements-render.txt, or conda env create -f environment.yml)")

PDF_SECTIONS = ["Introduction", "Background", "Data and methods", "Results",
                "Discussion and limitations", "References", "Appendices", "Supplement",
                "How to cite"]
SUPPLEMENT_SECTIONS = ["Data dictionary", "Computational environment", "Changelog"]


def tracked_changes() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def render_changes():
    """Render as `make report` does (with the post-render step); what it changed in the tree."""
    assets.write_report_assets()
    before = tracked_changes()
    environment = dict(os.environ, PATH=SEARCH_PATH)
    with rendered_output():
        subprocess.run([QUARTO, "render"], cwd=ROOT, env=environment, check=True, timeout=3600)
    return before, tracked_changes()


@pytest.fixture(scope="module")
def rendered(render_changes):
    return OUTPUT / "index.html", OUTPUT / "index.pdf"


def needs_poppler():
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not on PATH (Debian: apt-get install poppler-utils)")


def test_render_leaves_the_tree_as_it_was(render_changes):
    before, after = render_changes
    assert after == before, "the render changed or added files git does not ignore"


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
    assert f"Version {citation.load_citation().version}" in html
    assert "How to cite" in html


def test_the_supplement_holds_what_the_article_leaves_out(rendered):
    supplement = (OUTPUT / "supplement.html").read_text(encoding="utf-8")
    assert all(section in supplement for section in SUPPLEMENT_SECTIONS)
    assert 'href="supplement.html"' in rendered[0].read_text(encoding="utf-8")


def test_no_page_shows_a_shortcode_quarto_could_not_resolve(rendered):
    """Quarto prints an unknown ``{{< meta NAME >}}`` as "?meta:NAME" (a changelog entry that
    named the shortcode did so in the supplement)."""
    pages = [rendered[0], OUTPUT / "supplement.html",
             *sorted(OUTPUT.parent.glob("analysis/*.html"))]
    assert [page.name for page in pages if "?meta:" in page.read_text(encoding="utf-8")] == []


def test_html_offers_the_pdf_by_that_name(rendered):
    html = rendered[0].read_text(encoding="utf-8")
    links = re.findall(r'<a[^>]*href="index\.pdf"[^>]*>(.*?)</a>', html, re.DOTALL)
    assert len(links) == 1 and "PDF" in links[0] and "Typst" not in links[0]


def test_html_fetches_no_script_or_stylesheet(rendered):
    scan = ExternalResources()
    scan.feed(rendered[0].read_text(encoding="utf-8"))
    assert scan.external == []


def test_html_defines_vega_embed_for_the_charts(rendered):
    html = rendered[0].read_text(encoding="utf-8")
    assert "window.vegaEmbed=" in html
    assert html.count('class="kz-chart"') == sum(1 for e in embeds() if e.label.startswith("fig-"))


def test_pdf_has_the_expected_sections(rendered):
    needs_poppler()
    text = subprocess.run(["pdftotext", "-layout", str(rendered[1]), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert [section for section in PDF_SECTIONS if section not in text] == []
    assert "alt.Chart(" not in text, "a chart was rendered as its Python repr"


# The article body, from the page after the title page and contents to the
# references, reads in this many pages at most; long tables go to the appendices.
BODY_PAGES = 16


def test_the_article_body_is_at_most_sixteen_pages(rendered):
    needs_poppler()
    pages = subprocess.run(["pdftotext", "-layout", str(rendered[1]), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")
    starts = [number for number, page in enumerate(pages, start=1)
              if re.search(r"^\s*1 Introduction\s*$", page, re.MULTILINE)]
    ends = [number for number, page in enumerate(pages, start=1)
            if re.search(r"^\s*References\s*$", page, re.MULTILINE)]
    assert starts and ends, "no page starts the Introduction or the References"
    assert ends[-1] - starts[-1] <= BODY_PAGES


def test_no_page_ends_with_a_table_caption_whose_table_starts_on_the_next(rendered):
    """A caption is set above its table and kept on the page where the table starts."""
    needs_poppler()
    pages = subprocess.run(["pdftotext", "-layout", str(rendered[1]), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")
    stranded = []
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        # The last line is the page number; a caption just above it has no table below.
        if len(lines) >= 2 and re.match(r"Table \d+:", lines[-2]):
            stranded.append((number, lines[-2]))
    assert stranded == []


WORD_BOX = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                      r"([^<]*)</word>")


def overprinted_words(pdf: Path, min_share: float = 0.3) -> list[tuple[int, str, str]]:
    """Pairs of words whose boxes overlap by more than ``min_share`` of the smaller one.

    Text printed over other text (rows of a table that ran past the page foot,
    a word wider than its column) shows as overlapping word boxes.
    """
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    overlaps = []
    for page_number, page in enumerate(boxes.split("<page ")[1:], start=1):
        words = sorted((float(x0), float(y0), float(x1), float(y1), word)
                       for x0, y0, x1, y1, word in WORD_BOX.findall(page))
        for index, (x0, y0, x1, y1, word) in enumerate(words):
            for u0, v0, u1, v1, other in words[index + 1:]:
                if u0 >= x1:
                    break
                width, height = min(x1, u1) - max(x0, u0), min(y1, v1) - max(y0, v0)
                smaller = min((x1 - x0) * (y1 - y0), (u1 - u0) * (v1 - v0))
                if width > 0 and height > 0 and smaller > 0 and width * height > min_share * smaller:
                    overlaps.append((page_number, word, other))
    return overlaps


def pdf_text(pdf: Path) -> str:
    """The PDF's text with whitespace folded and words split at a line-end hyphen rejoined."""
    text = subprocess.run(["pdftotext", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return " ".join(text.split()).replace("- ", "-")


def test_no_words_are_printed_over_each_other_in_the_pdf(rendered):
    needs_poppler()
    assert overprinted_words(rendered[1]) == []


def test_the_pdf_prints_no_character_reference(rendered):
    """An escaped character is printed as itself, never as "&#x27;" or "&lt;"."""
    needs_poppler()
    assert re.findall(r"&(?:#x?[0-9a-fA-F]+|[a-zA-Z]+);", pdf_text(rendered[1])) == []


def test_every_provision_of_the_matrix_is_in_the_pdf(rendered):
    needs_poppler()
    text = pdf_text(rendered[1])
    provisions = load_table("provisions-matrix")["provision"]
    assert [p for p in provisions if " ".join(p.split()) not in text] == []


def test_html_tables_have_no_row_index_column(rendered):
    tables = re.findall(r"<table.*?</table>", rendered[0].read_text(encoding="utf-8"), re.DOTALL)
    assert tables
    for table in tables:
        header = re.search(r"<thead>.*?</thead>", table, re.DOTALL)
        first = re.search(r"<th[^>]*>(.*?)</th>", header.group(0), re.DOTALL) if header else None
        assert first is None or first.group(1).strip(), "a table has an unnamed index column"


class Links(HTMLParser):
    """Every href and every element id of a page."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"])


def page_links(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def test_no_link_in_the_rendered_pages_is_dead(rendered):
    """Every local link opens a rendered file, at an element that exists."""
    pages = sorted(ROOT.joinpath("_output").rglob("*.html"))
    assert len(pages) > 1, "the notebook pages were not rendered"
    dead = []
    for page in pages:
        links = page_links(page)
        for href in links.hrefs:
            if re.match(r"^[a-z][a-z0-9+.-]*:", href):   # https:, mailto:, data:
                continue
            target, _, fragment = href.partition("#")
            target_path = (page.parent / target).resolve() if target else page
            if not target_path.is_file():
                dead.append((page.name, href))
            elif fragment and fragment not in page_links(target_path).ids:
                dead.append((page.name, href))
    assert dead == []


def test_every_evidence_link_opens_its_quotes(rendered):
    links = page_links(rendered[0])
    evidence = [href[1:] for href in links.hrefs if href.startswith("#ev-")]
    assert evidence, "the report's tables link no paragraph id to its evidence"
    assert sorted(set(evidence) - links.ids) == []
    html = rendered[0].read_text(encoding="utf-8")
    text = load_table("paragraphs").set_index("paragraph_id")["text"]
    for anchor in set(evidence):
        entry = re.search(rf'<div id="{re.escape(anchor)}"[^>]*>(.*?)</div>', html, re.DOTALL)
        assert entry, anchor
        quotes = re.findall(r"“(.*?)”", re.sub(r"<[^>]+>", "", entry.group(1)), re.DOTALL)
        paragraph = anchor.removeprefix("ev-")
        assert quotes and all(quote_in_text(unescape(q), text[paragraph]) for q in quotes), anchor


def test_every_external_evidence_link_opens_its_reference(rendered):
    """A reference key in a table opens its external entry, which cites the reference."""
    links = page_links(rendered[0])
    external = sorted({href[1:] for href in links.hrefs if href.startswith("#extev-")})
    assert external, "the report's tables link no reference key to its external evidence"
    html = rendered[0].read_text(encoding="utf-8")
    for anchor in external:
        entry = re.search(rf'<div id="{re.escape(anchor)}"[^>]*>(.*?)</div>', html, re.DOTALL)
        assert entry, anchor
        assert f"{PARAPHRASE_LABEL}:" in entry.group(1) and 'href="#ref-' in entry.group(1), anchor
