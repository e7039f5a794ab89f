"""The charts draw in a real browser, offline, with no JavaScript errors.

Uses Debian's headless Chromium (``apt-get install chromium``); skipped when no
Chromium is on PATH. The network is cut off (every host name fails to resolve
and every request goes to a dead proxy), so anything fetched from a CDN fails
and is reported. A small probe script, injected first into a copy of the page,
records console errors, uncaught exceptions and failed loads in the DOM that
Chromium dumps.

- ``test_rendered_report_*`` check the rendered report (``make report``);
  skipped when it has not been rendered.
- ``test_embedded_charts_*`` need no Quarto: a page holding the report's Vega
  bundle and every embedded chart's stored HTML output.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import rendered_output
from report_source import embeds, labelled_cells, output_data

from kzreform.core.paths import ROOT
from kzreform.report.assets import vega_bundle_include

RENDERED_HTML = ROOT / "_output" / "report" / "index.html"
CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(name)), None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no headless Chromium on PATH (Debian: apt-get install chromium)")

PROBE = """<script>(function () {
  var root = document.documentElement, errors = [];
  function record(message) { errors.push(String(message)); root.setAttribute("data-probe-errors", JSON.stringify(errors)); }
  root.setAttribute("data-probe-errors", "[]");
  var consoleError = console.error;
  console.error = function () { record(Array.prototype.join.call(arguments, " ")); return consoleError.apply(console, arguments); };
  window.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target !== window && (target.src || target.href)) { record("failed to load " + (target.src || target.href)); }
    else { record("uncaught: " + event.message); }
  }, true);
  window.addEventListener("unhandledrejection", function (event) {
    record("unhandled rejection: " + (event.reason && event.reason.message || event.reason));
  });
})();</script>"""


class ChartScan(HTMLParser):
    """Counts chart containers and whether each holds a drawn Vega SVG or only the PNG."""

    def __init__(self):
        super().__init__()
        self.charts: list[dict] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self._depth:
            if tag == "div":
                self._depth += 1
            chart = self.charts[-1]
            chart["svg"] |= tag == "svg" and "marks" in (attributes.get("class") or "")
            chart["img"] |= tag == "img"
        elif tag == "div" and "kz-chart" in (attributes.get("class") or "").split():
            self.charts.append({"id": attributes.get("id"), "svg": False, "img": False})
            self._depth = 1

    def handle_endtag(self, tag):
        if self._depth and tag == "div":
            self._depth -= 1


def load_offline(page: Path, workdir: Path) -> tuple[str, list[str]]:
    """Load a copy of ``page`` (probe injected) with the network cut off: (DOM, errors)."""
    html = page.read_text(encoding="utf-8")
    head = html.lower().find("<head>")
    probed = html[:head + 6] + PROBE + html[head + 6:] if head >= 0 else PROBE + html
    copy = workdir / page.name
    copy.write_text(probed, encoding="utf-8")
    result = subprocess.run(
        [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={workdir / 'chromium-profile'}",
         "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
         "--host-resolver-rules=MAP * ~NOTFOUND",
         "--virtual-time-budget=20000", "--dump-dom", copy.as_uri()],
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, f"chromium failed: {result.stderr[-2000:]}"
    dom = result.stdout
    marker = 'data-probe-errors="'
    start = dom.find(marker)
    assert start >= 0, "the probe did not run: the page's scripts did not execute"
    end = dom.index('"', start + len(marker))
    raw = dom[start + len(marker):end].replace("&quot;", '"').replace("&amp;", "&")
    return dom, json.loads(raw)


def drawn_charts(dom: str) -> list[dict]:
    scan = ChartScan()
    scan.feed(dom)
    return scan.charts


def chart_page(path: Path) -> Path:
    """A page with the report's Vega bundle and every embedded chart's stored HTML.

    Charts whose notebook or HTML output is missing fail in
    test_report_integrity.py; this page holds the ones that exist.
    """
    outputs = [output_data(labelled_cells(embed.notebook).get(embed.label, {}))
               for embed in embeds()
               if embed.label.startswith("fig-") and embed.notebook.is_file()]
    charts = [data["text/html"] for data in outputs if "text/html" in data]
    assert charts, "the report embeds no chart from an existing notebook"
    path.write_text("<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
                    + vega_bundle_include() + "</head><body>\n"
                    + "\n".join(charts) + "\n</body></html>\n", encoding="utf-8")
    return path


@needs_chromium
def test_embedded_charts_draw_offline_with_the_bundled_vega(tmp_path):
    dom, errors = load_offline(chart_page(tmp_path / "charts.html"), tmp_path)
    assert errors == []
    charts = drawn_charts(dom)
    assert charts and all(chart["svg"] and not chart["img"] for chart in charts), charts


@needs_chromium
def test_probe_reports_errors_and_network_use(tmp_path):
    """The harness itself: an error and a CDN script are caught, offline."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><head>"
                    "<script src='https://cdn.jsdelivr.net/npm/requirejs@2.3.6/require.min.js'></script>"
                    "</head><body><script>console.error('boom');</script></body></html>",
                    encoding="utf-8")
    _, errors = load_offline(page, tmp_path)
    assert "boom" in errors
    assert any(error.startswith("failed to load https://cdn.jsdelivr.net") for error in errors)


def needs_rendered_report():
    if not RENDERED_HTML.is_file():
        pytest.skip(f"no rendered report at {RENDERED_HTML.relative_to(ROOT)} (run `make report`)")


@needs_chromium
def test_rendered_report_has_no_errors_offline_and_every_chart_draws(tmp_path):
    with rendered_output():
        needs_rendered_report()
        dom, errors = load_offline(RENDERED_HTML, tmp_path)
    assert errors == []
    charts = drawn_charts(dom)
    expected = sum(1 for embed in embeds() if embed.label.startswith("fig-"))
    assert len(charts) == expected
    assert all(chart["svg"] and not chart["img"] for chart in charts), charts


@needs_chromium
def test_rendered_notebook_pages_have_no_errors_offline_and_draw_their_charts(tmp_path):
    with rendered_output():
        needs_rendered_report()
        pages = sorted((ROOT / "_output" / "analysis").glob("*.html"))
        assert pages, "make report renders each notebook as a page; none found"
        loaded = {page.name: load_offline(page, tmp_path) for page in pages}
    for name, (dom, errors) in loaded.items():
        assert errors == [], name
        assert all(chart["svg"] and not chart["img"] for chart in drawn_charts(dom)), name
