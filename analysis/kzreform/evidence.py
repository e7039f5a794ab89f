"""The evidence behind the report's tables: every verbatim quote a table cites, by paragraph.

A table cell that names a paragraph id (``fpc-2021-p12``) rests on quotes from
that paragraph: the claims of the provisions ledger, the statements of facts,
the quotes that anchor events, and the frames' exemplars. This module gathers
them into one index; :mod:`kzreform.tables` turns each id in a cell into a link
to the index's entry (the quote shows on hover), and the report's "Evidence"
appendix prints the entries, so a reader is one click from the words behind a
cell in both HTML and PDF.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pandas as pd

from .corpus import quote_in_text
from .errors import DataValidationError

ANCHOR_PREFIX = "ev-"
QUOTE_COLUMNS = ["paragraph_id", "quote", "supports"]
# Any ASCII punctuation may be backslash-escaped in Pandoc markdown; escaping
# all of it keeps a quote from being read as emphasis, a citation or a shortcode.
MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def anchor(paragraph_id: str) -> str:
    """The id of a paragraph's entry in the evidence appendix."""
    return ANCHOR_PREFIX + paragraph_id


def markdown_text(text: str, fold: bool = True) -> str:
    """``text`` as literal Pandoc markdown (no markup); runs of whitespace folded.

    With ``fold=False`` the spaces at either end are kept, for a piece of a
    longer text; line breaks become spaces either way.
    """
    if fold:
        return MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))
    return MARKDOWN_PUNCTUATION.sub(r"\\\1", re.sub(r"\s+", " ", str(text)))


def claim_quotes(claims: pd.DataFrame, provisions: pd.DataFrame,
                 periods: pd.DataFrame) -> pd.DataFrame:
    """Quotes of the provisions ledger, each saying which cell of the matrix it supports."""
    names = provisions.set_index("provision_id")["name"]
    labels = periods.set_index("period_id")["label"]
    return pd.DataFrame({
        "paragraph_id": claims["paragraph_id"], "quote": claims["quote"],
        "supports": [f"{c}: {names[p]}, {labels[t]}" for c, p, t in
                     zip(claims["claim_id"], claims["provision_id"], claims["period_id"])],
    }, columns=QUOTE_COLUMNS)


def fact_quotes(statements: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Quotes stating a fact that two sources may give (vote shares, dates, ...)."""
    labels = facts.set_index("fact_id")["label"]
    return pd.DataFrame({
        "paragraph_id": statements["paragraph_id"], "quote": statements["quote"],
        "supports": [f"{s}: {labels[f]}" for s, f in
                     zip(statements["statement_id"], statements["fact_id"])],
    }, columns=QUOTE_COLUMNS)


def event_quotes(events: pd.DataFrame) -> pd.DataFrame:
    """Quotes that anchor the timeline's events in the corpus (external events have none)."""
    anchored = events[events["paragraph_id"].astype(str).str.strip() != ""]
    return pd.DataFrame({
        "paragraph_id": anchored["paragraph_id"], "quote": anchored["quote"],
        "supports": "event: " + anchored["label"],
    }, columns=QUOTE_COLUMNS)


def exemplar_quotes(exemplars: pd.DataFrame) -> pd.DataFrame:
    """The frames' exemplar quotes, without the quotation marks and ellipsis shown in the table."""
    quotes = (exemplars["quote"].str.strip().str.removeprefix("“").str.removesuffix("”")
              .str.removesuffix("…").str.strip())
    return pd.DataFrame({
        "paragraph_id": exemplars["paragraph"], "quote": quotes,
        "supports": "exemplar of the frame " + exemplars["frame"],
    }, columns=QUOTE_COLUMNS)


@dataclass(frozen=True)
class Evidence:
    """Quotes by paragraph, with the paragraphs and sources they come from."""

    quotes: pd.DataFrame
    paragraphs: pd.DataFrame
    sources: pd.DataFrame

    @classmethod
    def from_quotes(cls, parts: list[pd.DataFrame], paragraphs: pd.DataFrame,
                    sources: pd.DataFrame) -> "Evidence":
        """Pool quotes; each must occur verbatim in its paragraph."""
        quotes = pd.concat(parts, ignore_index=True).drop_duplicates(["paragraph_id", "quote",
                                                                      "supports"])
        text = paragraphs.set_index("paragraph_id")["text"]
        for row in quotes.itertuples(index=False):
            if row.paragraph_id not in text.index:
                raise DataValidationError(f"evidence: unknown paragraph {row.paragraph_id!r} "
                                          f"({row.supports})")
            if not quote_in_text(row.quote, text[row.paragraph_id]):
                raise DataValidationError(f"evidence: quote for {row.supports} not found "
                                          f"verbatim in {row.paragraph_id}: {row.quote!r}")
        return cls(quotes.reset_index(drop=True), paragraphs, sources)

    @property
    def paragraph_ids(self) -> list[str]:
        """Paragraphs with evidence, in corpus order (source, then position)."""
        cited = set(self.quotes["paragraph_id"])
        ordered = self.paragraphs[self.paragraphs["paragraph_id"].isin(cited)]
        return ordered.sort_values(["source_id", "seq"])["paragraph_id"].tolist()

    def hover_text(self, paragraph_id: str) -> str:
        """The paragraph's quotes as one line, for a link's title."""
        own = self.quotes[self.quotes["paragraph_id"] == paragraph_id]
        return " / ".join(f"“{quote}”" for quote in dict.fromkeys(own["quote"]))

    def _id_pattern(self) -> re.Pattern:
        known = sorted(self.paragraphs["paragraph_id"], key=len, reverse=True)
        return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, known)) + r")(?![\w-])")

    def _pieces(self, text: str) -> list[tuple[str, bool]]:
        """``text`` split into (piece, is a paragraph id) in order.

        A paragraph id without evidence would be a dead link: it is an error.
        """
        cited = set(self.quotes["paragraph_id"])
        pieces, cursor = [], 0
        for match in self._id_pattern().finditer(text):
            paragraph_id = match.group(1)
            if paragraph_id not in cited:
                raise DataValidationError(
                    f"a table cites paragraph {paragraph_id!r}, which has no quote in the evidence")
            pieces += [(text[cursor:match.start()], False), (paragraph_id, True)]
            cursor = match.end()
        return [*pieces, (text[cursor:], False)]

    def link_ids(self, text: str) -> str:
        """HTML of ``text``, each paragraph id a link to its entry, its quotes on hover."""
        return "".join(
            f'<a href="#{anchor(piece)}" class="kz-evidence-link" '
            f'title="{html.escape(self.hover_text(piece))}">{piece}</a>' if is_id
            else html.escape(piece) for piece, is_id in self._pieces(text))

    def link_ids_markdown(self, text: str) -> str:
        """Pandoc markdown of ``text``, each paragraph id a link to its entry."""
        return "".join(f"[{piece}](#{anchor(piece)})" if is_id else markdown_text(piece, fold=False)
                       for piece, is_id in self._pieces(text))

    def markdown(self) -> str:
        """The evidence appendix: per source, each cited paragraph with its quotes."""
        by_source = self.sources.set_index("source_id")
        source_of = self.paragraphs.set_index("paragraph_id")["source_id"]
        blocks, current = [], None
        for paragraph_id in self.paragraph_ids:
            source_id = source_of[paragraph_id]
            if source_id != current:
                source = by_source.loc[source_id]
                blocks.append(f"**Source {markdown_text(source_id)}**. "
                              f"Title: {markdown_text(source['title'])}. "
                              f"Outlet: {markdown_text(source['outlet'])}. "
                              f"Published: {markdown_text(source['date_published'])}.")
                current = source_id
            own = self.quotes[self.quotes["paragraph_id"] == paragraph_id]
            items = "\n".join(
                f"- “{markdown_text(quote)}” ({markdown_text('; '.join(group['supports']))})"
                for quote, group in own.groupby("quote", sort=False))
            blocks.append(f"::: {{#{anchor(paragraph_id)} .kz-evidence}}\n"
                          f"[**{paragraph_id}**]{{.kz-evidence-id}}\n\n{items}\n:::")
        return "\n\n".join(blocks)


def load_evidence() -> Evidence:
    """Every quote the report's tables cite, read from the data package."""
    # Imported here: the framing module reads the codebook, which the
    # evidence of provisions alone does not need.
    from . import framing
    from .data import load_table

    paragraphs = load_table("paragraphs")
    codebook = framing.load_codebook()
    coded = framing.coded_paragraphs(paragraphs, load_table("framing-manual"),
                                     load_table("framing-auto"), codebook)
    exemplars = framing.exemplars(coded, codebook).reset_index()
    return Evidence.from_quotes(
        [claim_quotes(load_table("claims"), load_table("provisions"), load_table("periods")),
         fact_quotes(load_table("fact-statements"), load_table("facts")),
         event_quotes(load_table("events")),
         exemplar_quotes(exemplars)],
        paragraphs, load_table("sources"))
