"""The evidence behind the report's tables: every verbatim quote a table cites, by paragraph.

A table cell that names a paragraph id (``fpc-2021-p12``) rests on quotes from
that paragraph: the claims of the provisions ledger, the statements of facts,
the quotes that anchor events, and the frames' exemplars. This module gathers
them into one index; :mod:`kzreform.report.tables` turns each id in a cell into a link
to the index's entry (the quote shows on hover), and the report's "Evidence"
appendix prints the entries, so a reader is one click from the words behind a
cell in both HTML and PDF.

Cells of external periods (the 2026 constitution) rest on cited reporting, not
on the corpus: they name a reference key of ``report/references.bib``. The
index keeps that evidence apart (:attr:`Evidence.external`): each key links to
an entry of the "External evidence" appendix that cites the reference and
lists what the study records it as reporting, never as a corpus quote.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import pandas as pd

from kzreform.core.data import load_table
from kzreform.core.errors import DataValidationError
from kzreform.core.vocabulary import DATED_BY_REFERENCE
from kzreform.corpus.segment import quote_in_text

ANCHOR_PREFIX = "ev-"
EXTERNAL_ANCHOR_PREFIX = "extev-"
QUOTE_COLUMNS = ["paragraph_id", "quote", "supports"]
REPORTED_COLUMNS = ["reference", "reported", "supports"]
# What a report says is recorded in the study's words, never the report's, and labelled so.
PARAPHRASE_LABEL = "paraphrase"
# Any ASCII punctuation may be backslash-escaped in Pandoc markdown; escaping
# all of it keeps a quote from being read as emphasis, a citation or a shortcode.
MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def anchor(paragraph_id: str) -> str:
    """The id of a paragraph's entry in the evidence appendix."""
    return ANCHOR_PREFIX + paragraph_id


def external_anchor(reference: str) -> str:
    """The id of a reference's entry in the external evidence appendix."""
    return EXTERNAL_ANCHOR_PREFIX + reference


def markdown_text(text: str, fold: bool = True) -> str:
    """``text`` as literal Pandoc markdown (no markup); runs of whitespace folded.

    With ``fold=False`` the spaces at either end are kept, for a piece of a
    longer text; line breaks become spaces either way.
    """
    if fold:
        return MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))
    return MARKDOWN_PUNCTUATION.sub(r"\\\1", re.sub(r"\s+", " ", str(text)))


def cell_supports(ledger: pd.DataFrame, id_column: str, provisions: pd.DataFrame,
                  periods: pd.DataFrame) -> list[str]:
    """For each row of a provisions ledger, the matrix cell it supports ("c001: name, period")."""
    names = provisions.set_index("provision_id")["name"]
    labels = periods.set_index("period_id")["label"]
    return [f"{c}: {names[p]}, {labels[t]}" for c, p, t in
            zip(ledger[id_column], ledger["provision_id"], ledger["period_id"])]


def fact_supports(statements: pd.DataFrame, id_column: str, facts: pd.DataFrame) -> list[str]:
    """For each statement of a fact, the fact it states ("s01: label")."""
    labels = facts.set_index("fact_id")["label"]
    return [f"{s}: {labels[f]}" for s, f in zip(statements[id_column], statements["fact_id"])]


def evidence_rows(columns: list[str], *values) -> pd.DataFrame:
    """A table of ``columns`` (:data:`QUOTE_COLUMNS` or :data:`REPORTED_COLUMNS`), filled."""
    return pd.DataFrame(dict(zip(columns, values, strict=True)), columns=columns)


def claim_quotes(claims: pd.DataFrame, provisions: pd.DataFrame,
                 periods: pd.DataFrame) -> pd.DataFrame:
    """Quotes of the provisions ledger, each saying which cell of the matrix it supports."""
    return evidence_rows(QUOTE_COLUMNS, claims["paragraph_id"], claims["quote"],
                         cell_supports(claims, "claim_id", provisions, periods))


def fact_quotes(statements: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Quotes stating a fact that two sources may give (vote shares, dates, ...)."""
    return evidence_rows(QUOTE_COLUMNS, statements["paragraph_id"], statements["quote"],
                         fact_supports(statements, "statement_id", facts))


def event_quotes(events: pd.DataFrame) -> pd.DataFrame:
    """Quotes that anchor the timeline's events in the corpus (external events have none)."""
    anchored = events[events["paragraph_id"].astype(str).str.strip() != ""]
    return evidence_rows(QUOTE_COLUMNS, anchored["paragraph_id"], anchored["quote"],
                         "event: " + anchored["label"])


def exemplar_quotes(exemplars: pd.DataFrame) -> pd.DataFrame:
    """The frames' exemplar quotes, without the quotation marks and ellipsis shown in the table."""
    quotes = (exemplars["quote"].str.strip().str.removeprefix("“").str.removesuffix("”")
              .str.removesuffix("…").str.strip())
    return evidence_rows(QUOTE_COLUMNS, exemplars["paragraph"], quotes,
                         "exemplar of the frame " + exemplars["frame"])


def external_claim_reports(external_claims: pd.DataFrame, provisions: pd.DataFrame,
                           periods: pd.DataFrame) -> pd.DataFrame:
    """What each reference reports for a cell of an external period, paraphrased by the study."""
    return evidence_rows(REPORTED_COLUMNS, external_claims["reference"],
                         external_claims["paraphrase"],
                         cell_supports(external_claims, "external_claim_id", provisions,
                                       periods))


def external_fact_reports(external: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Figures a reference reports (vote shares, dates), in the ledger's words."""
    return evidence_rows(REPORTED_COLUMNS, external["reference"], external["statement"],
                         fact_supports(external, "external_id", facts))


def external_event_reports(events: pd.DataFrame) -> pd.DataFrame:
    """Events of the timeline that a reference dates."""
    dated = events[events["basis"] == DATED_BY_REFERENCE]
    return evidence_rows(REPORTED_COLUMNS, dated["reference"],
                         dated["label"] + ", " + dated["date_earliest"].astype(str).str[:10],
                         "event: " + dated["label"])


@dataclass(frozen=True)
class Evidence:
    """Quotes by paragraph, with the paragraphs and sources they come from; reports by reference."""

    quotes: pd.DataFrame
    paragraphs: pd.DataFrame
    sources: pd.DataFrame
    external: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REPORTED_COLUMNS))

    @classmethod
    def from_quotes(cls, parts: list[pd.DataFrame], paragraphs: pd.DataFrame,
                    sources: pd.DataFrame,
                    external_parts: tuple[pd.DataFrame, ...] = ()) -> "Evidence":
        """Pool quotes (each must occur verbatim in its paragraph) and external reports."""
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
        external = (pd.concat(external_parts, ignore_index=True).drop_duplicates()
                    if external_parts else pd.DataFrame(columns=REPORTED_COLUMNS))
        return cls(quotes.reset_index(drop=True), paragraphs, sources,
                   external.reset_index(drop=True))

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

    def reported_text(self, reference: str) -> str:
        """What a reference reports, as one line for a link's title (not a corpus quote)."""
        own = self.external[self.external["reference"] == reference]
        return f"{reference} (external): " + " / ".join(dict.fromkeys(own["reported"]))

    def _id_pattern(self) -> re.Pattern:
        known = sorted([*self.paragraphs["paragraph_id"], *self.external["reference"].unique()],
                       key=len, reverse=True)
        return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, known)) + r")(?![\w-])")

    def _pieces(self, text: str) -> list[tuple[str, str | None]]:
        """``text`` split into (piece, kind) in order; kind is "quotes", "reference" or None.

        A paragraph id without evidence would be a dead link: it is an error.
        """
        cited = set(self.quotes["paragraph_id"])
        references = set(self.external["reference"])
        pieces, cursor = [], 0
        for match in self._id_pattern().finditer(text):
            key = match.group(1)
            if key in references:
                kind = "reference"
            elif key in cited:
                kind = "quotes"
            else:
                raise DataValidationError(
                    f"a table cites paragraph {key!r}, which has no quote in the evidence")
            pieces += [(text[cursor:match.start()], None), (key, kind)]
            cursor = match.end()
        return [*pieces, (text[cursor:], None)]

    def _target(self, key: str, kind: str) -> tuple[str, str]:
        """The anchor a key links to and the text shown on hover."""
        if kind == "reference":
            return external_anchor(key), self.reported_text(key)
        return anchor(key), self.hover_text(key)

    def link_ids(self, text: str) -> str:
        """HTML of ``text``: each paragraph id and reference key links to its evidence.

        Quotes stay literal in cell text; attributes escape them.
        """
        html_pieces = []
        for piece, kind in self._pieces(text):
            if kind is None:
                html_pieces.append(html.escape(piece, quote=False))
                continue
            target, hover = self._target(piece, kind)
            html_pieces.append(f'<a href="#{target}" class="kz-evidence-link" '
                               f'title="{html.escape(hover)}">{piece}</a>')
        return "".join(html_pieces)

    def link_ids_markdown(self, text: str) -> str:
        """Pandoc markdown of ``text``: each paragraph id and reference key links to evidence."""
        return "".join(markdown_text(piece, fold=False) if kind is None
                       else f"[{piece}](#{self._target(piece, kind)[0]})"
                       for piece, kind in self._pieces(text))

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

    def external_markdown(self) -> str:
        """The external evidence appendix: per reference, its citation and what it reports."""
        blocks = []
        for reference in sorted(self.external["reference"].unique()):
            own = self.external[self.external["reference"] == reference]
            items = "\n".join(
                f"- {PARAPHRASE_LABEL}: {markdown_text(reported)} "
                f"({markdown_text('; '.join(group['supports']))})"
                for reported, group in own.groupby("reported", sort=False))
            blocks.append(f"::: {{#{external_anchor(reference)} .kz-evidence}}\n"
                          f"[**{reference}**]{{.kz-evidence-id}}: [@{reference}]\n\n"
                          f"{items}\n:::")
        return "\n\n".join(blocks)


def load_evidence() -> Evidence:
    """Every quote the report's tables cite, as the build stored it (stage evidence)."""
    return Evidence.from_quotes([load_table("evidence-quotes")], load_table("paragraphs"),
                                load_table("sources"), (load_table("evidence-reports"),))
