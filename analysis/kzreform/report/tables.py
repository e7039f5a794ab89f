"""Tables as the report shows them: no row index, wrapped cells, evidence links.

A notebook or the article returns :func:`report_table` instead of a bare
DataFrame. Its HTML is written here rather than by pandas because:
- pandas prints the row index, which means nothing to a reader;
- a pandas Styler stores a random or memory-based id, so outputs would differ
  between runs;
- paragraph ids inside cells become links to the report's evidence appendix,
  with the quote on hover, which needs markup pandas would escape.

Each table is stored twice. The HTML page uses the HTML table (paragraph ids
link to the evidence, with the quotes on hover). Quarto prefers Markdown for
Typst, so the PDF is made from a Pandoc pipe table: Quarto would otherwise pass
the HTML through an inliner that escapes character references a second time
(an apostrophe printed as ``&#x27;``). The pipe table's separator line gives
the relative column widths (fractions of the text block, so no table is wider
than the page).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import pandas as pd

from kzreform.evidence.quotes import Evidence, markdown_text

UNBREAKABLE = re.compile(r"[^\s\-/]+")
NUMBER_OR_DASH = re.compile(r"^\s*(?:[-+−]?\d[\d,]*(?:\.\d+)?%?|[–—-])?\s*$")


def _longest_unbreakable(values: pd.Series) -> int:
    """Length of the longest run a line cannot break inside (no space, hyphen or slash)."""
    return max((len(token) for value in values.astype(str)
                for token in UNBREAKABLE.findall(value)), default=0)


def _column_widths(table: pd.DataFrame, widths: Mapping[str, float] | None) -> list[float]:
    """Relative widths summing to 1: given ones, or from the cells' lengths."""
    if widths:
        unknown = set(widths) - set(table.columns)
        if unknown:
            raise KeyError(f"widths name columns the table lacks: {sorted(unknown)}")
        raw = [float(widths.get(column, 1.0)) for column in table.columns]
    else:
        # The 80th percentile of the length of the cells that say something
        # (a sparse column's blanks would squeeze the rest), bounded so that
        # short columns stay legible and long ones do not squeeze the others;
        # never narrower than the longest word, which would otherwise run into
        # the next column.
        raw = []
        for column in table.columns:
            cells = table[column].astype(str)
            filled = cells[cells.str.strip() != ""]
            typical = float(filled.str.len().quantile(0.8)) if len(filled) else 0.0
            longest_word = _longest_unbreakable(pd.concat([cells, pd.Series([str(column)])]))
            raw.append(max(min(max(typical, 6.0), 60.0), 1.15 * longest_word))
    total = sum(raw)
    return [value / total for value in raw]


def _is_numeric(column: pd.Series) -> bool:
    """Numbers, or numbers and dashes (a dash marks a figure that does not apply)."""
    if pd.api.types.is_numeric_dtype(column):
        return True
    cells = column.astype(str)
    return bool(len(cells)) and cells.str.match(NUMBER_OR_DASH).all() \
        and cells.str.contains(r"\d").any()


# The HTML table is shown as written: Quarto does not re-parse it
# (``html-table-processing: none`` in _quarto.yml; re-parsing the report's tables
# took a third of the article's HTML render). The classes are those Quarto's
# processing gave them: Bootstrap's compact striped table, captions above.
HTML_TABLE_CLASSES = "kz-table table table-sm table-striped small"

# Dashes of a pipe table's separator line for the whole text block; only
# their proportions matter once the line is longer than Pandoc's 72 columns.
SEPARATOR_DASHES = 120


def _cell_text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _cell_html(value, evidence: Evidence | None) -> str:
    text = _cell_text(value)
    # Quotes stay literal: they need no escaping in text.
    return evidence.link_ids(text) if evidence is not None else html.escape(text, quote=False)


def _cell_markdown(value, evidence: Evidence | None) -> str:
    text = _cell_text(value)
    return evidence.link_ids_markdown(text) if evidence is not None else markdown_text(text)


class ReportTable:
    """A table for the report; every output is deterministic (no ids, no timestamps)."""

    def __init__(self, table: pd.DataFrame, evidence: Evidence | None = None,
                 widths: Mapping[str, float] | None = None):
        """Show ``table``; with ``evidence`` its paragraph ids link to their quotes."""
        # A named index (a grouping key) is a column for the reader; a
        # default 0, 1, 2, ... index is not shown.
        named_index = any(name is not None for name in table.index.names)
        self.table = table.reset_index(drop=not named_index)
        self.evidence = evidence
        self.widths = _column_widths(self.table, widths)
        self.numeric = {column for column in self.table.columns
                        if _is_numeric(self.table[column])}

    def _repr_html_(self) -> str:
        columns = list(self.table.columns)
        alignment = {column: "right" if column in self.numeric else "left" for column in columns}
        colgroup = "".join(f'<col style="width: {width:.0%}">' for width in self.widths)
        header = "".join(f'<th style="text-align: {alignment[c]}">{html.escape(str(c))}</th>'
                         for c in columns)
        body = "\n".join(
            "<tr>" + "".join(
                f'<td style="text-align: {alignment[c]}">{_cell_html(value, self.evidence)}</td>'
                for c, value in zip(columns, row)) + "</tr>"
            for row in self.table.itertuples(index=False, name=None))
        return (f'<table class="{HTML_TABLE_CLASSES}">\n<colgroup>{colgroup}</colgroup>\n'
                f"<thead>\n<tr>{header}</tr>\n</thead>\n<tbody>\n{body}\n</tbody>\n</table>")

    def _repr_markdown_(self) -> str:
        columns = list(self.table.columns)

        def row(cells) -> str:
            return "| " + " | ".join(cells) + " |"

        separator = "|" + "|".join(
            "-" * max(3, round(width * SEPARATOR_DASHES)) + ":" if column in self.numeric
            else ":" + "-" * max(3, round(width * SEPARATOR_DASHES))
            for column, width in zip(columns, self.widths)) + "|"
        body = [row(_cell_markdown(value, self.evidence) for value in values)
                for values in self.table.itertuples(index=False, name=None)]
        return "\n".join([row(markdown_text(c) for c in columns), separator, *body])

    def __repr__(self) -> str:
        """The plain-text output: the table without its index."""
        return self.table.to_string(index=False)


def report_table(table: pd.DataFrame, evidence: Evidence | None = None,
                 widths: Mapping[str, float] | None = None) -> ReportTable:
    """Show ``table`` in the report; with ``evidence``, paragraph ids link to their quotes."""
    return ReportTable(table, evidence=evidence, widths=widths)
