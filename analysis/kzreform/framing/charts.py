"""Charts of the framing analysis (tables come from :mod:`kzreform.framing`)."""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from kzreform.core.vocabulary import STANCE_RANGE

WIDTH = 560
STANCE_DOMAIN = list(STANCE_RANGE)
# Characters per line of a coder's label in a legend: the labels describe the
# coders in full (as the reliability table does) and are longer than a line.
LEGEND_LINE = 75


def share_heatmap(shares: pd.DataFrame, category: str, title: str,
                  order: list[str], sources_in_order: list[str]) -> alt.LayerChart:
    """Sources across (by date), categories down, colour and label the share of paragraphs."""
    base = alt.Chart(shares).encode(
        x=alt.X("source:N", title=None, sort=sources_in_order,
                axis=alt.Axis(labelAngle=-30, labelLimit=220)),
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


def stance_chart(summary: pd.DataFrame) -> alt.FacetChart:
    """Each source's mean stance toward each stance target against its publication date.

    ``summary`` is the stored ``stance-by-target`` table (targets in codebook
    order). One panel per group of targets, in that order, so that only
    stances toward comparable targets share an axis: the authorities' reform
    packages in one, civil-society proposals and reform in general apart.
    Colour tells the targets apart; the vertical bar is the bootstrap 95%
    interval; the label names the source.
    """
    x = alt.X("date_mid:T", title="Publication date (middle of the known window)",
              axis=alt.Axis(format="%Y", tickCount="year"))
    # Stored as ISO text; a datetime is what Vega places on a time axis.
    summary = summary.assign(date_mid=pd.to_datetime(summary["date_mid"]))
    title = "Mean stance (−2 … +2)"
    y = alt.Y("mean_stance:Q", title=title, scale=alt.Scale(domain=STANCE_DOMAIN))
    base = alt.Chart(summary).encode(
        x=x, color=alt.Color("target:N", title="Stance target",
                             sort=list(dict.fromkeys(summary["target"])),
                             legend=alt.Legend(labelLimit=360, orient="bottom", columns=1)),
        tooltip=[alt.Tooltip("source:N", title="Source"),
                 alt.Tooltip("target:N", title="Stance target"),
                 alt.Tooltip("mean_stance:Q", title="Mean stance", format=".2f"),
                 alt.Tooltip("ci_low:Q", title="95% interval from", format=".2f"),
                 alt.Tooltip("ci_high:Q", title="95% interval to", format=".2f"),
                 alt.Tooltip("paragraphs:Q", title="Paragraphs")])
    intervals = base.mark_rule(strokeWidth=2).encode(
        y=alt.Y("ci_low:Q", title=title, scale=alt.Scale(domain=STANCE_DOMAIN)),
        y2="ci_high:Q")
    means = base.mark_point(filled=True, size=90).encode(
        y=y, size=alt.Size("paragraphs:Q", title="Paragraphs",
                           scale=alt.Scale(range=[40, 300])))
    names = base.mark_text(align="left", dx=8, fontSize=10).encode(
        y=y, text="source:N", color=alt.value("black"))
    # The facet's layers share its data; with no x, each rule spans the panel.
    zero = alt.Chart(summary).mark_rule(strokeDash=[4, 4], color="#555").encode(
        y=alt.datum(0))
    return alt.layer(zero, intervals, means, names).properties(width=WIDTH, height=150).facet(
        row=alt.Row("group:N", title=None, sort=list(dict.fromkeys(summary["group"])),
                    header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold",
                                      labelOrient="top")))


def vocabulary_chart(words: pd.DataFrame, sources_in_order: list[str]) -> alt.FacetChart:
    """Each source's most distinctive words by weighted log-odds z-score, sources by date."""
    return alt.Chart(words).mark_bar(color="#4c78a8").encode(
        x=alt.X("z:Q", title="log-odds z-score"),
        y=alt.Y("word:N", title=None, sort="-x"),
        tooltip=[alt.Tooltip("word:N"), alt.Tooltip("count:Q", title="Occurrences"),
                 alt.Tooltip("z:Q", format=".2f")],
    ).properties(width=WIDTH * 0.35, height=alt.Step(13)).facet(
        facet=alt.Facet("source:N", title=None, sort=sources_in_order), columns=3,
    ).resolve_scale(y="independent")


def calibration_chart(curve: pd.DataFrame, labels: dict[str, str]) -> alt.LayerChart:
    """Each coder's calibration curve: share of paragraphs coded rightly against confidence.

    ``curve`` is ``processed/framing_calibration.csv`` (one row per coder and
    bin of confidence); ``labels`` names the coders. A calibrated coder's
    points lie on the dashed diagonal; a point's size is its paragraphs.
    """
    wrapped = {coder: "\n".join(textwrap.wrap(label, LEGEND_LINE))
               for coder, label in labels.items()}
    shown = curve.assign(coder_label=curve["coder"].map(labels),
                         legend_label=curve["coder"].map(wrapped))
    unit = alt.Scale(domain=[0, 1])
    diagonal = alt.Chart(pd.DataFrame({"x": [0.0, 1.0]})).mark_line(
        strokeDash=[4, 4], color="#555").encode(x=alt.X("x:Q", scale=unit), y=alt.Y("x:Q"))
    base = alt.Chart(shown).encode(
        x=alt.X("mean_confidence:Q", title="Mean confidence in the bin", scale=unit,
                axis=alt.Axis(format=".0%")),
        y=alt.Y("share_right:Q", title="Share coded rightly", scale=unit,
                axis=alt.Axis(format=".0%")),
        color=alt.Color("legend_label:N", title="Coder", sort=list(wrapped.values()),
                        legend=alt.Legend(orient="bottom", columns=1, labelLimit=520,
                                          labelExpr="split(datum.label, '\\n')")),
        tooltip=[alt.Tooltip("coder_label:N", title="Coder"),
                 alt.Tooltip("bin_low:Q", title="Confidence from", format=".0%"),
                 alt.Tooltip("bin_high:Q", title="to", format=".0%"),
                 alt.Tooltip("paragraphs:Q", title="Paragraphs"),
                 alt.Tooltip("mean_confidence:Q", title="Mean confidence", format=".0%"),
                 alt.Tooltip("share_right:Q", title="Coded rightly", format=".0%")])
    lines = base.mark_line()
    points = base.mark_point(filled=True).encode(
        size=alt.Size("paragraphs:Q", title="Paragraphs", scale=alt.Scale(range=[30, 300])))
    return alt.layer(diagonal, lines, points).properties(width=WIDTH * 0.7, height=WIDTH * 0.5)
