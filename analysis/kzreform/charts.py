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
"""

from __future__ import annotations

import base64
import hashlib
import html
import json

import altair as alt
import vl_convert

PNG_SCALE = 2


def chart_spec(chart: alt.TopLevelMixin) -> dict:
    return chart.to_dict()


def chart_png(chart: alt.TopLevelMixin, scale: float = PNG_SCALE) -> bytes:
    return vl_convert.vegalite_to_png(chart_spec(chart), scale=scale)


def chart_svg(chart: alt.TopLevelMixin) -> str:
    return vl_convert.vegalite_to_svg(chart_spec(chart))


def vega_javascript_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one offline script (defines window.vegaEmbed)."""
    return vl_convert.javascript_bundle()


class StaticAndInteractiveChart:
    """Wraps an Altair chart; its notebook output works in HTML, PDF and Jupyter."""

    def __init__(self, chart: alt.TopLevelMixin, alt_text: str):
        self.chart = chart
        self.alt_text = alt_text

    def _repr_mimebundle_(self, include=None, exclude=None):
        spec = json.dumps(chart_spec(self.chart), sort_keys=True, ensure_ascii=False)
        png = base64.b64encode(chart_png(self.chart)).decode("ascii")
        element_id = "vega-" + hashlib.sha256(spec.encode("utf-8")).hexdigest()[:12]
        # "</" would end the script element early inside the inline JSON.
        inline_spec = spec.replace("</", "<\\/")
        markup = (
            f'<div id="{element_id}" class="kz-chart">'
            f'<img src="data:image/png;base64,{png}" alt="{html.escape(self.alt_text)}" '
            f'style="max-width:100%;height:auto"></div>\n'
            f'<script type="text/javascript">(function () {{\n'
            f'  if (typeof window.vegaEmbed !== "function") {{ return; }}\n'
            f'  window.vegaEmbed("#{element_id}", {inline_spec}, {{"actions": false, "renderer": "svg"}});\n'
            f'}})();</script>'
        )
        return {"image/png": png, "text/html": markup, "text/plain": self.alt_text}, {}


def show(chart: alt.TopLevelMixin, alt_text: str) -> StaticAndInteractiveChart:
    """Return the chart ready for display; ``alt_text`` describes it for screen readers."""
    return StaticAndInteractiveChart(chart, alt_text)
