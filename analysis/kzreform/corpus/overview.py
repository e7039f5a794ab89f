"""The corpus at a glance: the overview table, the events and the removed boilerplate."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kzreform.core.data import load_table
from kzreform.core.paths import DATA
from kzreform.corpus.segment import body_paragraphs, by_publication_date, with_dated_window


def load_events(data_dir: Path = DATA) -> pd.DataFrame:
    """Key events with their dates as timestamps (each quote is checked by the build)."""
    return with_dated_window(load_table("events", data_dir))


def corpus_overview(sources: pd.DataFrame, paragraphs: pd.DataFrame) -> pd.DataFrame:
    """One row per source: who published it, when, and how much body text it has."""
    body = body_paragraphs(paragraphs)
    counts = body.groupby("source_id").agg(
        words=("word_count", "sum"), paragraphs=("paragraph_id", "size"))
    table = sources.set_index("source_id").join(counts).reset_index()
    table = by_publication_date(table)
    return table.rename(columns={
        "source_id": "Source", "outlet": "Outlet", "source_type": "Type",
        "date_published": "Published", "words": "Words", "paragraphs": "Paragraphs",
    })[["Source", "Outlet", "Type", "Published", "Words", "Paragraphs"]].reset_index(drop=True)


def removed_boilerplate_summary(removed: pd.DataFrame) -> pd.DataFrame:
    """What the cleaning step removed from each source, by kind of boilerplate."""
    return (removed.groupby(["source_id", "category"])
            .agg(pieces=("text", "size"), characters=("text", lambda t: int(t.str.len().sum())))
            .reset_index()
            .rename(columns={"source_id": "Source", "category": "Boilerplate",
                             "pieces": "Pieces", "characters": "Characters"}))
