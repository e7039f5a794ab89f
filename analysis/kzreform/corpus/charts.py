"""The timeline chart of the corpus: sources' publication windows and the events they name."""

from __future__ import annotations

import altair as alt
import pandas as pd

from kzreform.core.vocabulary import EVENT_BASES
from kzreform.corpus.segment import with_dated_window

DOMAIN = (pd.Timestamp("2018-07-01"), pd.Timestamp("2026-12-31"))
WIDTH = 560
# Event labels run upwards from their date; labels closer than this many
# pixels would print over each other, so later ones move right.
LABEL_SPACING_PX = 12


def label_positions(dates: pd.Series, domain=DOMAIN, width: int = WIDTH,
                    spacing: float = LABEL_SPACING_PX) -> pd.Series:
    """Where each event's label goes: at its date, or just right of the label before it."""
    per_pixel = (domain[1] - domain[0]) / width
    placed, last = {}, None
    for index, date in dates.sort_values(kind="stable").items():
        position = date if last is None else max(date, last + spacing * per_pixel)
        placed[index] = last = position
    return pd.Series(placed).reindex(dates.index)


def timeline_chart(sources: pd.DataFrame, events: pd.DataFrame) -> alt.LayerChart:
    """Sources' publication windows against the key events the corpus names."""
    spans = with_dated_window(sources).rename(
        columns={"date_earliest": "start", "date_latest": "end"},
    )[["source_id", "outlet", "date_published", "start", "end"]]
    x_scale = alt.Scale(domain=[day.strftime("%Y-%m-%d") for day in DOMAIN])
    events = events.assign(label_at=label_positions(events["date_earliest"]))
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

    def event_layer(rows: pd.DataFrame) -> alt.Chart:
        return alt.Chart(rows).encode(
            x=alt.X("date_earliest:T", scale=x_scale),
            color=alt.Color("basis:N", title="Event dated by",
                            scale=alt.Scale(domain=EVENT_BASES,
                                            range=["#e45756", "#9d755d"])),
            tooltip=[alt.Tooltip("label:N", title="Event"),
                     alt.Tooltip("date_precision:N", title="Date known to the"),
                     alt.Tooltip("basis:N", title="Dated by")],
        )

    # An event known only to the month or year is drawn as the span it may
    # fall in, and only an event known to the day gets a line at its date,
    # so the chart claims no more precision than the corpus gives.
    spans_known = event_layer(events).mark_rect(opacity=0.2).encode(x2="date_latest:T")
    known_to_the_day = events[events["date_earliest"] == events["date_latest"]]
    rules = event_layer(known_to_the_day).mark_rule(strokeDash=[4, 3])
    labels = event_layer(events).mark_text(
        angle=270, align="left", baseline="bottom", dx=4, dy=-2, fontSize=10,
    ).encode(x=alt.X("label_at:T", scale=x_scale), text="label:N", y=alt.value(0))
    return (spans_known + rules + labels + windows + points).properties(
        width=WIDTH, height=220,
        title="Publication dates of the sources and the events they discuss",
    )
