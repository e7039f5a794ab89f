"""Tables as the report shows them: no row index, wrapped cells, evidence links.

A notebook or the article returns :func:`report_table` instead of a bare
DataFrame. Its HTML is written here rather than by pandas because:
- pandas prints the row index, which means nothing to a reader;
- a pandas Styler stores a random or memory-based id, so outputs would differ
  between runs;
- paragraph ids inside cells become links to the report's evidence appendix,
  with the quote on hover, which needs markup pandas would escape.

Quarto turns the HTML table into a Pandoc table for every format, so the same
stored output gives the HTML page its table and the Typst PDF a table that
keeps the column widths given here (fractions of the text block, so no table
is wider than the page).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import pandas as pd

from .evidence import Evidence


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
        # The 80th percentile of cell length, bounded so that short columns
        # stay legible and long ones do not squeeze the rest; never narrower
        # than the longest word, which would otherwise run into the next column.
        raw = []
        for column in table.columns:
            cells = table[column].astype(str)
            typical = float(cells.str.len().quantile(0.8)) if len(cells) else 0.0
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


def _cell_html(value, evidence: Evidence | None) -> str:
    # Quotes stay literal: Quarto's table reader passes an entity such as
    # &#x27; through to the PDF as text.
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return evidence.link_ids(text) if evidence is not None else html.escape(text, quote=False)


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
        return (f'<table class="kz-table">\n<colgroup>{colgroup}</colgroup>\n'
                f"<thead>\n<tr>{header}</tr>\n</thead>\n<tbody>\n{body}\n</tbody>\n</table>")

    def __repr__(self) -> str:
        """The plain-text output: the table without its index."""
        return self.table.to_string(index=False)


def report_table(table: pd.DataFrame, evidence: Evidence | None = None,
                 widths: Mapping[str, float] | None = None) -> ReportTable:
    """Show ``table`` in the report; with ``evidence``, paragraph ids link to their quotes."""
    return ReportTable(table, evidence=evidence, widths=widths)
