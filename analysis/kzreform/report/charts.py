"""Display Altair charts so that one stored notebook output serves every format.

Each chart is stored as two representations:
- ``image/png`` rendered by vl-convert, which Quarto uses for Typst/PDF (its
  mime priority for non-HTML formats puts images first);
- ``text/html``: the same PNG inside a ``<div>`` plus a script that swaps it
  for the interactive Vega-Lite chart when ``vegaEmbed`` is on the page. The
  report bundles that JavaScript itself (see :func:`vega_javascript_bundle`),
  so nothing is fetched from a CDN; Jupyter, which has no ``vegaEmbed``, keeps
  showing the PNG.
No ``text/markdown`` or SVG is emitted: Quarto would prefer them for Typst.

Text in the PNG is set in Hanken Grotesk, a font installed with the pinned
``font-hanken-grotesk`` package and registered with vl-convert here. Left to
"sans-serif", vl-convert picks whatever the machine has installed, and the
stored PNG bytes would change from one machine to the next.
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.resources
import json
import re

import altair as alt
import vl_convert

PNG_SCALE = 2
# Where StaticAndInteractiveChart's HTML gives Vega-Embed the chart's specification.
EMBEDDED_SPEC = re.compile(r'window\.vegaEmbed\("#[\w-]+", (\{.*\}),\n')
CHART_FONT = '"Hanken Grotesk", sans-serif'
CHART_FONT_DIRECTORY = importlib.resources.files("font_hanken_grotesk") / "files"

vl_convert.register_font_directory(str(CHART_FONT_DIRECTORY))


def chart_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec, with every text in the project's chart font."""
    spec = chart.to_dict()
    spec["config"] = {**spec.get("config", {}), "font": CHART_FONT}
    return spec


def script_json(value) -> str:
    """JSON safe inside an HTML <script> element.

    Escaping every ``<``, ``>`` and ``&`` as a JSON unicode escape keeps data
    such as ``</script>`` or ``<!--`` from ending or altering the script.
    """
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def chart_png(chart: alt.TopLevelMixin, scale: float = PNG_SCALE) -> bytes:
    """The chart as a PNG image (``scale`` times its size in pixels)."""
    return spec_png(chart_spec(chart), scale)


def spec_png(spec: dict, scale: float = PNG_SCALE) -> bytes:
    """A Vega-Lite specification (:func:`chart_spec`) drawn as a PNG image, in the chart font."""
    return vl_convert.vegalite_to_png(spec, scale=scale)


def embedded_spec(markup: str) -> dict:
    """The specification a chart's HTML output (:class:`StaticAndInteractiveChart`) embeds."""
    return json.loads(EMBEDDED_SPEC.search(markup).group(1))


def vega_javascript_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one offline script (defines window.vegaEmbed)."""
    return vl_convert.javascript_bundle()


class StaticAndInteractiveChart:
    """Wraps an Altair chart; its notebook output works in HTML, PDF and Jupyter."""

    def __init__(self, chart: alt.TopLevelMixin, alt_text: str):
        """Show ``chart``; ``alt_text`` describes it for screen readers."""
        self.chart = chart
        self.alt_text = alt_text

    def _repr_mimebundle_(self, include=None, exclude=None):
        inline_spec = script_json(chart_spec(self.chart))
        png = base64.b64encode(chart_png(self.chart)).decode("ascii")
        element_id = "vega-" + hashlib.sha256(inline_spec.encode("utf-8")).hexdigest()[:12]
        markup = (
            f'<div id="{element_id}" class="kz-chart">'
            f'<img src="data:image/png;base64,{png}" alt="{html.escape(self.alt_text)}" '
            f'style="max-width:100%;height:auto"></div>\n'
            f'<script type="text/javascript">(function () {{\n'
            f'  if (typeof window.vegaEmbed !== "function") {{ return; }}\n'
            f'  window.vegaEmbed("#{element_id}", {inline_spec},\n'
            f'                   {{"actions": false, "renderer": "svg"}});\n'
            f'}})();</script>'
        )
        return {"image/png": png, "text/html": markup, "text/plain": self.alt_text}, {}


def show(chart: alt.TopLevelMixin, alt_text: str) -> StaticAndInteractiveChart:
    """Return the chart ready for display; ``alt_text`` describes it for screen readers."""
    return StaticAndInteractiveChart(chart, alt_text)
