"""Fix-ups of the HTML pages Quarto renders, run as the project's post-render step.

Standard library only: Quarto runs ``report/post_render.py`` with whichever
Python it found, which need not have the study's dependencies installed.

- Quarto adds CDN-hosted require.js/jQuery to any page that embeds notebook
  HTML output (for Jupyter widgets, which this report has none of); the
  self-contained page would fetch them from the network, so they are removed.
- The notebooks' tables link each paragraph id to ``#ev-<id>`` and each
  reference key to ``#extev-<key>``, the evidence appendices of the report. On
  a notebook's own page those anchors do not exist: such links are pointed at
  the report page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

JUPYTER_CDN_SCRIPT = re.compile(
    r'<script\b[^>]*\bsrc="https?://[^"]*(?:require(?:js)?[@/.][^"]*|jquery[@/.][^"]*)"[^>]*>\s*</script>\s*',
    re.IGNORECASE)
REQUIRE_JQUERY_SHIM = re.compile(
    r"<script\b[^>]*>\s*define\(\s*'jquery'\s*,\s*\[\]\s*,\s*function\(\)\s*"
    r"\{\s*return window\.jQuery;\s*\}\)\s*</script>\s*")
ELEMENT_ID = re.compile(r'\bid="([^"]+)"')
EVIDENCE_HREF = re.compile(r'href="#((?:ev|extev)-[^"]+)"')
REPORT_PAGE = PurePosixPath("report/index.html")


def remove_jupyter_cdn_scripts(html: str) -> str:
    """Drop the CDN-hosted require.js/jQuery tags (and the shim that needs them)."""
    without_cdn, removed = JUPYTER_CDN_SCRIPT.subn("", html)
    if removed:
        without_cdn = REQUIRE_JQUERY_SHIM.sub("", without_cdn)
    return without_cdn


def element_ids(html: str) -> set[str]:
    """Every ``id`` attribute of the page."""
    return set(ELEMENT_ID.findall(html))


def relative_href(from_page: PurePosixPath, to_page: PurePosixPath) -> str:
    """The relative URL of ``to_page`` from ``from_page`` (both relative to the output dir)."""
    depth = len(from_page.parent.parts)
    return "/".join([".."] * depth + list(to_page.parts))


def point_evidence_links_to_report(html: str, page: PurePosixPath) -> str:
    """On a page without the evidence appendix, evidence links go to the report's."""
    if page == REPORT_PAGE:
        return html
    ids = element_ids(html)
    report = relative_href(page, REPORT_PAGE)
    return EVIDENCE_HREF.sub(
        lambda m: m.group(0) if m.group(1) in ids else f'href="{report}#{m.group(1)}"', html)


def fix_rendered_pages(output_dir: Path, pages: Iterable[Path] | None = None) -> list[Path]:
    """Apply every fix to the HTML ``pages`` (default: all under ``output_dir``).

    Returns the pages changed. Every fix is idempotent, so a page rendered
    before is left as it is. Quarto processes rendering side by side (``make
    report``) each fix only the pages they wrote: a page another process is
    writing is never read half-written.
    """
    output_dir = Path(output_dir)
    html_pages = sorted(output_dir.rglob("*.html") if pages is None
                        else (Path(page) for page in pages if Path(page).suffix == ".html"))
    texts = {path: path.read_text(encoding="utf-8") for path in html_pages}
    relative = {path: PurePosixPath(path.resolve().relative_to(output_dir.resolve()).as_posix())
                for path in html_pages}
    changed = []
    for path, html in texts.items():
        fixed = remove_jupyter_cdn_scripts(html)
        fixed = point_evidence_links_to_report(fixed, relative[path])
        if fixed != html:
            path.write_text(fixed, encoding="utf-8")
            changed.append(path)
    return changed
