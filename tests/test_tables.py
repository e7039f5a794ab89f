"""Report tables and the evidence behind them (no Quarto needed).

Every paragraph id a table shows must link to an entry of the evidence
appendix whose quotes occur verbatim in the corpus, and no table shows a row
index.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from report_source import embeds, labelled_cells, output_data

from kzreform.core.data import load_table
from kzreform.core.errors import DataValidationError
from kzreform.corpus.segment import quote_in_text
from kzreform.evidence.quotes import Evidence, anchor, external_anchor, load_evidence, markdown_text
from kzreform.report.tables import report_table

TABLE_EMBEDS = [embed for embed in embeds() if embed.label.startswith("tbl-")]


class TableCells(HTMLParser):
    """The header and body cells of an HTML table, and the links inside them."""

    def __init__(self):
        super().__init__()
        self.header: list[str] = []
        self.rows: list[list[str]] = []
        self.links: list[tuple[str, str]] = []
        self._cell: list[str] | None = None
        self._in_head = False
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "thead":
            self._in_head = True
        elif tag == "tr" and not self._in_head:
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "a":
            self._href = attributes.get("href")

    def handle_endtag(self, tag):
        if tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell)
            (self.header if self._in_head else self.rows[-1]).append(text)
            self._cell = None
        elif tag == "a":
            self._href = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._href is not None:
            self.links.append((self._href, data))


def parse_table(html: str) -> TableCells:
    cells = TableCells()
    cells.feed(html)
    return cells


@pytest.fixture(scope="module")
def evidence():
    return load_evidence()


def small_evidence(quote="the amendments were approved") -> Evidence:
    paragraphs = pd.DataFrame({"paragraph_id": ["x-2022-p01", "x-2022-p02"],
                               "source_id": ["x-2022", "x-2022"], "seq": [1, 2],
                               "text": ["In June the amendments were approved.", "Other text."]})
    sources = pd.DataFrame({"source_id": ["x-2022"], "title": ["A <title>"],
                            "outlet": ["An outlet"], "date_published": ["2022-06"]})
    quotes = pd.DataFrame({"paragraph_id": ["x-2022-p01"], "quote": [quote],
                           "supports": ["c1: a claim"]})
    return Evidence.from_quotes([quotes], paragraphs, sources)


def test_report_table_has_no_row_index_and_keeps_a_named_one():
    table = pd.DataFrame({"a": ["x", "y"], "b": [1, 2]}, index=[5, 9])
    cells = parse_table(report_table(table)._repr_html_())
    assert cells.header == ["a", "b"] and cells.rows == [["x", "1"], ["y", "2"]]
    named = table.rename_axis("group")
    assert parse_table(report_table(named)._repr_html_()).header == ["group", "a", "b"]
    assert "5" not in repr(report_table(table)).split()


def test_report_table_escapes_cells_and_is_deterministic():
    table = pd.DataFrame({"text": ["<!--<script>alert(1)</script>", "{{< embed x >}}"]})
    html = report_table(table)._repr_html_()
    assert "<script" not in html and "<!--" not in html
    assert parse_table(html).rows == [["<!--<script>alert(1)</script>"], ["{{< embed x >}}"]]
    assert html == report_table(table.copy())._repr_html_()


def test_column_widths_sum_to_the_text_block_and_fit_the_longest_word():
    table = pd.DataFrame({"field": ["direction_refers_to"], "text": ["a b c d e f g h i j k"]})
    widths = report_table(table).widths
    assert sum(widths) == pytest.approx(1.0)
    assert widths[0] > widths[1] * 0.9, "an unbreakable word needs its width"
    with pytest.raises(KeyError, match="lacks"):
        report_table(table, widths={"nope": 1.0})


def test_numbers_and_dashes_are_right_aligned():
    table = pd.DataFrame({"alpha": ["0.73", "–"], "date": ["2022-06-05", "2021-07-22"]})
    html = report_table(table)._repr_html_()
    assert '<td style="text-align: right">0.73</td>' in html
    assert '<td style="text-align: left">2022-06-05</td>' in html


def test_paragraph_ids_link_to_evidence_with_the_quote_on_hover():
    evidence = small_evidence()
    html = evidence.link_ids("approved [x-2022-p01] not x-2022-p011")
    assert html.count("<a ") == 1
    assert f'href="#{anchor("x-2022-p01")}"' in html
    assert 'title="“the amendments were approved”"' in html


def test_a_cited_paragraph_without_evidence_is_an_error():
    with pytest.raises(DataValidationError, match="x-2022-p02.*no quote"):
        small_evidence().link_ids("see x-2022-p02")


def test_a_quote_not_in_its_paragraph_is_an_error():
    with pytest.raises(DataValidationError, match="not found verbatim in x-2022-p01"):
        small_evidence(quote="the amendments were rejected")


def test_evidence_markdown_has_an_anchored_entry_per_paragraph_with_literal_text():
    markdown = small_evidence().markdown()
    assert "::: {#ev-x-2022-p01 .kz-evidence}" in markdown
    assert r"A \<title\>" in markdown, "markup in metadata is escaped"
    assert "x-2022-p02" not in markdown
    assert markdown_text("@key *bold* {{< x >}}") == r"\@key \*bold\* \{\{\< x \>\}\}"


@pytest.mark.parametrize("embed", TABLE_EMBEDS, ids=lambda e: e.label)
def test_every_id_in_a_table_links_to_verbatim_evidence(embed, evidence, paragraphs):
    """Each linked paragraph id has an evidence entry whose quotes are in that paragraph."""
    html = output_data(labelled_cells(embed.notebook)[embed.label])["text/html"]
    cells = parse_table(html)
    shown = {pid for row in cells.rows for cell in row
             for pid in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*-p\d+", cell)}
    known = shown & set(paragraphs["paragraph_id"])
    linked = {text for href, text in cells.links if href == f"#{anchor(text)}"}
    assert known <= linked, f"paragraph ids shown without a link: {sorted(known - linked)}"
    text = paragraphs.set_index("paragraph_id")["text"]
    for paragraph_id in linked:
        quotes = evidence.quotes[evidence.quotes["paragraph_id"] == paragraph_id]["quote"]
        assert len(quotes) > 0
        assert all(quote_in_text(q, text[paragraph_id]) for q in quotes)


def test_the_appendix_has_an_entry_for_every_paragraph_a_table_links(evidence):
    linked = set()
    for embed in TABLE_EMBEDS:
        html = output_data(labelled_cells(embed.notebook)[embed.label])["text/html"]
        linked |= {href[1:] for href, _ in parse_table(html).links if href.startswith("#ev-")}
    entries = set(re.findall(r"^::: \{#(ev-[^ }]+)", evidence.markdown(), re.MULTILINE))
    assert linked and linked <= entries


def test_the_markdown_table_for_the_pdf_has_the_same_cells_widths_and_links():
    evidence = small_evidence()
    table = pd.DataFrame({"Claim": ["approved [x-2022-p01]", "it's <b>|x"], "n": [1, 22]})
    lines = report_table(table, evidence)._repr_markdown_().splitlines()
    assert lines[0] == "| Claim | n |"
    dashes = [len(cell.strip(":")) for cell in lines[1].strip("|").split("|")]
    widths = report_table(table, evidence).widths
    assert sum(dashes) > 72, "shorter than Pandoc's columns, the widths would be ignored"
    assert dashes[0] / sum(dashes) == pytest.approx(widths[0], abs=0.01)
    assert lines[1].endswith(":|"), "numbers are right-aligned"
    assert lines[2] == "| approved \\[[x-2022-p01](#ev-x-2022-p01)\\] | 1 |"
    assert lines[3] == r"| it\'s \<b\>\|x | 22 |"


def test_a_reference_key_links_to_its_external_entry_not_to_corpus_evidence():
    external = pd.DataFrame({"reference": ["news2026"], "reported": ["a unicameral parliament"],
                             "supports": ["e1: parliament"]})
    base = small_evidence()
    evidence = Evidence(base.quotes, base.paragraphs, base.sources, external)
    html = evidence.link_ids("unicameral [† news2026] x-2022-p01")
    assert f'href="#{external_anchor("news2026")}"' in html
    assert 'title="news2026 (external): a unicameral parliament"' in html
    markdown = evidence.external_markdown()
    assert f"::: {{#{external_anchor('news2026')} .kz-evidence}}" in markdown
    assert "[@news2026]" in markdown, "the entry cites the reference"
    assert "news2026" not in evidence.markdown(), "external reports stay out of corpus evidence"


@pytest.mark.parametrize("embed", TABLE_EMBEDS, ids=lambda e: e.label)
def test_every_reference_key_in_a_table_links_to_an_external_entry(embed, evidence):
    html = output_data(labelled_cells(embed.notebook)[embed.label])["text/html"]
    cells = parse_table(html)
    keys = set(evidence.external["reference"])
    shown = {key for row in cells.rows for cell in row for key in keys
             if re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", cell)}
    linked = {text for href, text in cells.links if href == f"#{external_anchor(text)}"}
    assert shown <= linked, f"reference keys shown without a link: {sorted(shown - linked)}"
    entries = set(re.findall(r"^::: \{#(extev-[^ }]+)", evidence.external_markdown(),
                             re.MULTILINE))
    assert {external_anchor(key) for key in linked} <= entries


def test_the_2026_column_and_its_keys_are_marked_external(evidence):
    """External cells show a dagger; every table with a 2026 column marks its header."""
    periods = load_table("periods")
    external = periods[periods["kind"] == "external"]
    checked = 0
    for embed in TABLE_EMBEDS:
        cells = parse_table(output_data(labelled_cells(embed.notebook)[embed.label])["text/html"])
        for label in external["label"]:
            for column, header in enumerate(cells.header):
                if header.startswith(label):
                    assert header.startswith(label + "†"), header
                    stated = [row[column] for row in cells.rows if row[column] != "—"]
                    assert stated and all("[† " in cell for cell in stated), embed.label
                    checked += 1
    assert checked >= len(external), "no table shows the external period"


def test_a_sparse_column_is_as_wide_as_its_filled_cells_need():
    """Blank cells of a sparse column do not squeeze the text it does hold."""
    table = pd.DataFrame({"long": ["a long description of a row " * 2] * 5,
                          "sparse": ["1.80 [1.40, 2.00], n = 5", "", "", "", ""]})
    widths = dict(zip(table.columns, report_table(table).widths))
    assert widths["sparse"] > 0.25
