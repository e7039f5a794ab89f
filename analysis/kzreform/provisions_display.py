"""Tables and charts of the provisions for the notebook and the report.

The provisions matrix holds a sentence per cell; the report shows it as a
compact overview (short values, a dash where a text says nothing, paragraph ids
linked to their quotes) and moves the coder's rationale for each judgement into
a companion table, so that each table reads on an A4 page.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .evidence import Evidence
from .provisions import ADOPTED_KINDS, NOT_STATED, PROPOSED_ONLY
from .tables import ReportTable, report_table

SILENT = "—"
SILENT_NOTE = f"{SILENT}: {NOT_STATED}"


def _grouped(table: pd.DataFrame, group: str) -> pd.DataFrame:
    """Show a group's name on its first row only, so rows read as grouped."""
    shown = table.copy()
    shown[group] = shown[group].where(~shown[group].duplicated(), "")
    return shown.reset_index(drop=True)


def _period_ids(periods: pd.DataFrame, kind: str) -> list[str]:
    return periods[periods["kind"] == kind].sort_values("order")["period_id"].tolist()


def _period_labels(periods: pd.DataFrame) -> dict[str, str]:
    return dict(zip(periods["period_id"], periods["label"]))


def _marked_silence(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return table.assign(**{column: table[column].replace(NOT_STATED, SILENT)
                           for column in columns})


def provisions_overview(matrix: pd.DataFrame, periods: pd.DataFrame,
                        evidence: Evidence) -> ReportTable:
    """Provision by in-force period, with the kind of change and where power moves."""
    in_force = _period_ids(periods, "in force")
    shown = _marked_silence(matrix, [*in_force, "change_kind"])[
        ["domain", "provision", *in_force, "change_kind", "power_direction"]]
    shown = _grouped(shown, "domain").rename(columns={
        **_period_labels(periods), "domain": "Domain", "provision": "Provision",
        "change_kind": "Change", "power_direction": "Power moves"})
    labels = _period_labels(periods)
    period_width = 0.6 / len(in_force)
    return report_table(shown, evidence, widths={
        "Domain": 0.09, "Provision": 0.15, **{labels[p]: period_width for p in in_force},
        "Change": 0.08, "Power moves": 0.08})


def judgement_rationales(matrix: pd.DataFrame, periods: pd.DataFrame,
                         evidence: Evidence) -> ReportTable:
    """The coder's judgement of each provision's change, with its one-line rationale."""
    labels = _period_labels(periods)
    shown = pd.DataFrame({
        "Provision": matrix["provision"],
        "Change": matrix["change_kind"],
        "Judged against": matrix["direction_refers_to"].map(labels),
        "Power moves": matrix["power_direction"],
        "Rationale": matrix["power_rationale"].str.removeprefix("judgement: "),
    })
    return report_table(shown, evidence, widths={
        "Provision": 0.2, "Change": 0.1, "Judged against": 0.13, "Power moves": 0.11,
        "Rationale": 0.46})


def proposals_overview(matrix: pd.DataFrame, periods: pd.DataFrame,
                       evidence: Evidence) -> ReportTable:
    """Provisions the proposals address: each proposal beside what was adopted."""
    proposals = _period_ids(periods, "proposal")
    adopted = _period_ids(periods, "in force")[1:]
    addressed = matrix[(matrix[proposals] != NOT_STATED).any(axis=1)]
    order = [proposals[0], *adopted, *proposals[1:]]
    shown = _marked_silence(addressed, order)[["provision", *order]].rename(
        columns={**_period_labels(periods), "provision": "Provision"})
    period_width = 0.8 / len(order)
    return report_table(shown, evidence, widths={
        "Provision": 0.2, **{column: period_width for column in shown.columns[1:]}})


def consistency_table(consistency: pd.DataFrame) -> ReportTable:
    """Facts two or more sources state: what each says and whether they agree."""
    shown = consistency[["topic", "statements", "agreement", "difference"]].rename(columns={
        "topic": "Fact", "statements": "What each source says",
        "agreement": "Agree?", "difference": "Where they differ"})
    return report_table(shown, widths={"Fact": 0.22, "What each source says": 0.38,
                                       "Agree?": 0.1, "Where they differ": 0.3})


def change_kind_chart(matrix: pd.DataFrame) -> alt.Chart:
    """Bars per domain counting provisions by the kind of change."""
    return alt.Chart(matrix).mark_bar().encode(
        x=alt.X("count():Q", title="Provisions", axis=alt.Axis(tickMinStep=1, format="d")),
        # The matrix lists domains in the order the schema's enum gives them.
        y=alt.Y("domain:N", title=None, sort=list(dict.fromkeys(matrix["domain"]))),
        color=alt.Color("change_kind:N", title="Kind of change (2022-2023)",
                        sort=[*ADOPTED_KINDS, PROPOSED_ONLY, NOT_STATED]),
        tooltip=[alt.Tooltip("domain:N", title="Domain"),
                 alt.Tooltip("change_kind:N", title="Change"),
                 alt.Tooltip("provision:N", title="Provision")],
    ).properties(width=460, height=200,
                 title="Kind of change in each provision, by domain")


def power_direction_chart(matrix: pd.DataFrame, periods: pd.DataFrame) -> alt.Chart:
    """Bars counting provisions by where their change moves power."""
    kinds = periods.set_index("period_id")["kind"].map(
        {"in force": "adopted change", "proposal": "proposal"})
    data = matrix.assign(basis=matrix["direction_refers_to"].map(kinds))
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("count():Q", title="Provisions", axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("power_direction:N", title="Power moves", sort="-x"),
        color=alt.Color("basis:N", title="Direction of"),
        tooltip=[alt.Tooltip("provision:N", title="Provision"),
                 alt.Tooltip("power_direction:N", title="Power moves"),
                 alt.Tooltip("power_rationale:N", title="Rationale")],
    ).properties(width=460, height=180,
                 title="Direction of the power shift (coder's judgement)")
