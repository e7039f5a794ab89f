"""Hostile metadata and text cannot break the report's HTML.

Strings that end or open markup in some context (`<!--`, `</script>`, quotes,
a Quarto shortcode) are put into what reaches the notebooks' HTML outputs: a
chart's inline script and a report table. The outputs are parsed with
html5lib, a parser that follows the WHATWG HTML specification as browsers do;
the hostile text must come out as data, and markup after it must survive.
"""

from __future__ import annotations

import json

import html5lib
import pandas as pd
import pytest

from kzreform.corpus.charts import timeline_chart
from kzreform.corpus.overview import load_events
from kzreform.report.charts import show
from kzreform.report.tables import report_table

HOSTILE = ['<!--<script>', '</script><script>alert(1)</script>', 'a "quoted" \'value\'',
           '{{< embed ../x.ipynb#y >}}', '<![CDATA[', '&lt;already escaped&gt;']
SENTINEL = '<p id="after-the-output">end</p>'
NAMESPACE = {"h": "http://www.w3.org/1999/xhtml"}


def parsed(fragment: str):
    return html5lib.parse(f"<!DOCTYPE html><html><body>{fragment}{SENTINEL}</body></html>")


def survives(document) -> bool:
    return document.find(".//h:p[@id='after-the-output']", NAMESPACE) is not None


@pytest.fixture
def hostile_sources(sources):
    """The real sources with every outlet and title replaced by a hostile string."""
    count = len(sources)
    return sources.assign(outlet=[HOSTILE[i % len(HOSTILE)] for i in range(count)],
                          source_id=[f"x{i}-{HOSTILE[i % len(HOSTILE)]}" for i in range(count)])


def test_a_chart_with_hostile_metadata_keeps_the_page_intact(hostile_sources):
    markup = show(timeline_chart(hostile_sources, load_events()), alt_text=HOSTILE[1])
    html = markup._repr_mimebundle_()[0]["text/html"]
    document = parsed(html)
    assert survives(document), "markup after the chart was swallowed"
    scripts = document.findall(".//h:script", NAMESPACE)
    assert len(scripts) == 1, "the chart's data opened or closed a script element"
    script = scripts[0].text
    start = script.index("{", script.index("window.vegaEmbed("))
    spec, _ = json.JSONDecoder().raw_decode(script, start)
    outlets = {row.get("outlet") for dataset in spec["datasets"].values() for row in dataset}
    assert set(hostile_sources["outlet"]) <= outlets, "the data did not come through intact"
    image = document.find(".//h:img", NAMESPACE)
    assert image.get("alt") == HOSTILE[1]


def test_a_table_with_hostile_cells_shows_them_as_text():
    table = pd.DataFrame({"Outlet": HOSTILE, "Note": list(reversed(HOSTILE))})
    document = parsed(report_table(table)._repr_html_())
    assert survives(document)
    assert document.findall(".//h:script", NAMESPACE) == []
    cells = [cell.text for cell in document.findall(".//h:td", NAMESPACE)]
    assert cells == [value for pair in zip(HOSTILE, reversed(HOSTILE)) for value in pair]
