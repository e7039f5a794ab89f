"""The corpus at a glance: the overview table and the timeline of sources and events."""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd

from .corpus import BODY_KINDS
from .data import load_table
from .paths import DATA


def load_events(data_dir: Path = DATA) -> pd.DataFrame:
    """Key events with their dates as timestamps (each quote is checked by the build)."""
    events = load_table("events", data_dir)
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


def timeline_chart(sources: pd.DataFrame, events: pd.DataFrame) -> alt.LayerChart:
    """Sources' publication windows against the key events the corpus names."""
    spans = sources.assign(
        start=pd.to_datetime(sources["date_earliest"]),
        end=pd.to_datetime(sources["date_latest"]),
    )[["source_id", "outlet", "date_published", "start", "end"]]
    x_scale = alt.Scale(domain=["2018-07-01", "2026-12-31"])
    source_axis = alt.Y("source_id:N", title=None, sort=alt.SortField("start"))
    published = alt.Chart(spans).encode(
        x=alt.X("start:T", title="Date", scale=x_scale),
        y=source_axis,
        tooltip=[alt.Tooltip("source_id:N", title="Source"),
                 alt.Tooltip("outlet:N", title="Outlet"),
                 alt.Tooltip("date_published:N", title="Published")],
    )
    windows = published.mark_bar(height=8, color="#4c78a8").encode(x2="end:T")
    points = published.mark_point(filled=True, size=60, color="#4c78a8")
    # An event known only to the month or year is drawn as the span it may
    # fall in, so the chart claims no more precision than the corpus gives.
    event_base = alt.Chart(events).encode(
        x=alt.X("date_earliest:T", scale=x_scale),
        color=alt.Color("basis:N", title="Event dated by",
                        scale=alt.Scale(domain=["corpus", "external"], range=["#e45756", "#9d755d"])),
        tooltip=[alt.Tooltip("label:N", title="Event"),
                 alt.Tooltip("date_precision:N", title="Date known to the"),
                 alt.Tooltip("basis:N", title="Dated by")],
    )
    spans_known = event_base.mark_rect(opacity=0.2).encode(x2="date_latest:T")
    rules = event_base.mark_rule(strokeDash=[4, 3])
    labels = event_base.mark_text(angle=270, align="left", baseline="bottom", dx=4, dy=-2,
                                  fontSize=10).encode(text="label:N", y=alt.value(0))
    return (spans_known + rules + labels + windows + points).properties(
        width=560, height=220,
        title="Publication dates of the sources and the events they discuss",
    )
