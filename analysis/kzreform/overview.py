"""The corpus at a glance: the overview table, the events and the removed boilerplate."""

from __future__ import annotations

import pandas as pd

from .corpus import BODY_KINDS, quote_in_text
from .errors import DataValidationError
from .paths import EVENTS, relative


def load_events(paragraphs: pd.DataFrame, path=EVENTS) -> pd.DataFrame:
    """Key events, each anchored to a verbatim quote in a corpus paragraph."""
    events = pd.read_csv(path, dtype=str, keep_default_na=False)
    text_by_id = paragraphs.set_index("paragraph_id")["text"]
    for row_number, event in enumerate(events.to_dict("records"), start=2):
        where = f"{relative(path)}, row {row_number}"
        if event["paragraph_id"] not in text_by_id:
            raise DataValidationError(
                f"{where}, field 'paragraph_id': unknown paragraph {event['paragraph_id']!r}")
        if not quote_in_text(event["quote"], text_by_id[event["paragraph_id"]]):
            raise DataValidationError(
                f"{where}, field 'quote': not found verbatim in {event['paragraph_id']}")
    for column in ("date_earliest", "date_latest"):
        events[column] = pd.to_datetime(events[column])
    return events


def corpus_overview(sources: pd.DataFrame, paragraphs: pd.DataFrame) -> pd.DataFrame:
    """One row per source: who published it, when, and how much body text it has."""
    body = paragraphs[paragraphs["kind"].isin(BODY_KINDS)]
    counts = body.groupby("source_id").agg(
        words=("word_count", "sum"), paragraphs=("paragraph_id", "size"))
    table = sources.set_index("source_id").join(counts).reset_index()
    table = table.sort_values(["date_earliest", "source_id"])
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
