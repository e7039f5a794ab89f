"""The results stage: the figures the notebooks and the report show, stored as tables.

The notebooks and ``report/index.qmd`` (through :mod:`kzreform.report.article`)
read these tables and only format them:
no grouping, bootstrap or de-duplication happens at render time, so the prose
and the tables cannot drift apart. All of it rests on one hand coding,
:func:`kzreform.framing.analysis.hand_coding` (the reconciled coding).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kzreform.core.codebook import codebook_path, load_codebook
from kzreform.core.data import load_table
from kzreform.core.settings import build_settings
from kzreform.core.vocabulary import DECIDED_BY, decision_figure
from kzreform.corpus.segment import body_paragraphs
from kzreform.framing import analysis
from kzreform.provisions.matrix import reforms_by_direction

# How a stored publication midpoint is written (the schema's datetime format).
MIDPOINT_FORMAT = "%Y-%m-%dT%H:%M:%S"


def coding_per_source(paragraphs: pd.DataFrame, coded: pd.DataFrame,
                      sources: pd.DataFrame) -> pd.DataFrame:
    """:func:`kzreform.framing.analysis.coded_per_source`, sources by date, each with its label.

    The label (``source``) is how charts and tables name the source; the rows'
    order is the order of publication that displays about time follow.
    """
    by_date = analysis.sources_by_date(coded, sources)
    ids = analysis.with_source_labels(coded).drop_duplicates("source_id").set_index(
        "source")["source_id"]
    table = analysis.coded_per_source(paragraphs, coded).reindex(
        [*ids[by_date], analysis.ALL_SOURCES])
    return table.rename_axis("source_id").reset_index().assign(
        source=[*by_date, analysis.ALL_SOURCES])


def leading_categories(frames: pd.DataFrame, voices: pd.DataFrame) -> pd.DataFrame:
    """Each source's most frequent primary frame and voice, with its share of paragraphs."""
    return pd.concat([analysis.leading_categories(frames, "frame").assign(kind="frame"),
                      analysis.leading_categories(voices, "voice").assign(kind="voice")],
                     ignore_index=True)[["kind", "source", "label", "share"]]


# Verdict counts of the per-source accuracy table the prose totals over all sources.
ACCURACY_TOTALS = ("checked", "source_claim_contradicted", "not_verifiable_here", "imprecise")


def headline_figures(paragraphs: pd.DataFrame, accuracy: pd.DataFrame,
                     target_counts: pd.DataFrame, codebook, hand: pd.DataFrame,
                     reconciled: pd.DataFrame) -> pd.DataFrame:
    """The totals the report's prose quotes, one row each: ``figure``, ``value``.

    ``adjudicated_<decision>`` counts the reconciled paragraphs by how they were
    decided (:data:`kzreform.core.vocabulary.DECIDED_BY`, spaces as underscores).
    """
    body = body_paragraphs(paragraphs)
    all_sources = target_counts[target_counts["source_id"] == analysis.TOTAL].set_index(
        "stance_target")["paragraphs"]
    figures = {
        "body_paragraphs": len(body),
        "body_words": int(body["word_count"].sum()),
        **{f"statements_{verdict}": int(accuracy[verdict].sum()) for verdict in ACCURACY_TOTALS},
        "coded_paragraphs": int(all_sources[analysis.TOTAL]),
        # Paragraphs about the order before 2022 or about nothing: no stance is compared.
        "coded_paragraphs_not_compared": int(all_sources.drop(
            [analysis.TOTAL, *codebook.stance_on_target]).sum()),
        "hand_coded_paragraphs": len(hand),
        "reconciled_paragraphs": len(reconciled),
        **{decision_figure(decision): int((reconciled["decided_by"] == decision).sum())
           for decision in DECIDED_BY},
    }
    return pd.DataFrame({"figure": list(figures), "value": list(figures.values())})


def results_tables(data_dir: Path, tables: dict) -> dict:
    """Builder: the framing results, from the findings' hand coding and the automated codes."""
    codebook = load_codebook(codebook_path(data_dir))
    sources = load_table("sources", data_dir)
    resamples = build_settings(data_dir).resamples
    paragraphs = tables["paragraphs"]
    hand = analysis.hand_coding(data_dir)
    coded = analysis.coded_paragraphs(paragraphs, hand, tables["framing-auto"])
    stance = analysis.stance_by_target(coded, sources, codebook, resamples)
    counts = analysis.target_counts_long(analysis.target_counts(coded, codebook, sources))
    frames = analysis.frame_shares(coded, codebook)
    voices = analysis.voice_shares(coded, codebook)
    return {
        "coded-paragraphs": analysis.with_source_labels(coded).drop(columns="text"),
        "coding-per-source": coding_per_source(paragraphs, coded, sources),
        "target-counts": counts,
        "stance-by-target": stance.assign(date_mid=stance["date_mid"].dt.strftime(
            MIDPOINT_FORMAT)).drop(columns=["date_earliest", "date_latest"]),
        "source-summary": analysis.source_summary(coded, codebook, resamples),
        "frame-shares": frames,
        "voice-shares": voices,
        "leading-categories": leading_categories(frames, voices),
        "exemplars": analysis.exemplars(coded, codebook).reset_index(),
        "distinctive-words": analysis.distinctive_words(coded, data_dir=data_dir),
        "reforms-by-direction": reforms_by_direction(tables["provisions-matrix"],
                                                     load_table("periods", data_dir)),
        "headline-figures": headline_figures(paragraphs, tables["source-accuracy"], counts,
                                             codebook, hand,
                                             load_table("framing-reconciled", data_dir)),
    }
