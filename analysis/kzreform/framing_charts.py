"""Charts of the framing analysis (tables come from :mod:`kzreform.framing`)."""

from __future__ import annotations

import altair as alt
import pandas as pd

WIDTH = 560
STANCE_DOMAIN = [-2, 2]


def share_heatmap(shares: pd.DataFrame, category: str, title: str,
                  order: list[str]) -> alt.LayerChart:
    """Sources across, categories down, colour and label the share of paragraphs."""
    base = alt.Chart(shares).encode(
        x=alt.X("source:N", title=None, axis=alt.Axis(labelAngle=-30, labelLimit=220)),
        y=alt.Y(f"{category}:N", title=title, sort=order, axis=alt.Axis(labelLimit=320)),
        tooltip=[alt.Tooltip("source:N", title="Source"),
                 alt.Tooltip(f"{category}:N", title=title),
                 alt.Tooltip("paragraphs:Q", title="Paragraphs"),
                 alt.Tooltip("share:Q", title="Share", format=".0%")],
    )
    cells = base.mark_rect().encode(
        color=alt.Color("share:Q", title="Share of paragraphs",
                        scale=alt.Scale(scheme="blues", domain=[0, 1]),
                        legend=alt.Legend(format=".0%")))
    labels = base.mark_text(fontSize=10).encode(
        text=alt.condition("datum.share > 0", alt.Text("share:Q", format=".0%"), alt.value("")),
        color=alt.condition("datum.share > 0.5", alt.value("white"), alt.value("black")))
    return (cells + labels).properties(width=WIDTH * 0.7, height=alt.Step(22))


def stance_chart(summary: pd.DataFrame, distribution: pd.DataFrame) -> alt.LayerChart:
    """Paragraph stances (coloured by source, sized by count) and each source's mean by date.

    Sources published in the same window share an x position, so colour tells
    their paragraphs apart.
    """
    y = alt.Y("stance:Q", title="Stance toward the reform (−2 critical … +2 favourable)",
              scale=alt.Scale(domain=STANCE_DOMAIN))
    x = alt.X("date_mid:T", title="Publication date (middle of the known window)",
              axis=alt.Axis(format="%Y", tickCount="year"))
    paragraphs = alt.Chart(distribution).mark_circle(opacity=0.5).encode(
        x=x, y=y, color=alt.Color("source:N", title="Source"),
        size=alt.Size("paragraphs:Q", title="Paragraphs at this stance",
                      scale=alt.Scale(range=[20, 400])),
        tooltip=[alt.Tooltip("source:N", title="Source"), alt.Tooltip("stance:Q"),
                 alt.Tooltip("paragraphs:Q", title="Paragraphs")])
    means = alt.Chart(summary).encode(
        x=x, y=alt.Y("mean_stance:Q", scale=alt.Scale(domain=STANCE_DOMAIN)),
        tooltip=[alt.Tooltip("source:N", title="Source"),
                 alt.Tooltip("mean_stance:Q", title="Mean stance", format=".2f"),
                 alt.Tooltip("paragraphs:Q", title="Paragraphs"),
                 alt.Tooltip("date_earliest:T", title="Published from"),
                 alt.Tooltip("date_latest:T", title="Published by")])
    window = means.mark_rule(color="black", strokeWidth=2).encode(x="date_earliest:T",
                                                                     x2="date_latest:T")
    mean_marks = means.mark_point(shape="diamond", filled=True, size=120, color="black")
    names = means.mark_text(align="left", dx=8, dy=-10, fontSize=11).encode(text="source:N")
    zero = alt.Chart(pd.DataFrame({"stance": [0]})).mark_rule(
        strokeDash=[4, 4], color="#555").encode(y="stance:Q")
    return (zero + paragraphs + window + mean_marks + names).properties(width=WIDTH, height=300)


def vocabulary_chart(words: pd.DataFrame) -> alt.FacetChart:
    """Each source's most distinctive words by weighted log-odds z-score."""
    return alt.Chart(words).mark_bar(color="#4c78a8").encode(
        x=alt.X("z:Q", title="log-odds z-score"),
        y=alt.Y("word:N", title=None, sort="-x"),
        tooltip=[alt.Tooltip("word:N"), alt.Tooltip("count:Q", title="Occurrences"),
                 alt.Tooltip("z:Q", format=".2f")],
    ).properties(width=WIDTH * 0.35, height=alt.Step(13)).facet(
        facet=alt.Facet("source:N", title=None), columns=3,
    ).resolve_scale(y="independent")
