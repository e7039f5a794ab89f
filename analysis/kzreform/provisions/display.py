"""Tables and charts of the provisions for the notebook and the report.

The provisions matrix holds a sentence per cell; the report shows it as a
compact overview (short values, a dash where a text says nothing, paragraph ids
linked to their quotes) and moves the coder's rationale for each judgement into
a companion table, so that each table reads on an A4 page. Columns of external
periods (the 2026 constitution) rest on cited reporting, not on the corpus:
their headers, their judgements and their cells' reference keys carry a dagger
(:data:`~kzreform.provisions.matrix.EXTERNAL_MARK`), and captions say so.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd

from kzreform.core.codebook import HAND_CODED, Codebook
from kzreform.core.vocabulary import (
    EXTERNAL,
    IN_FORCE,
    NOT_STATED,
    NOT_VERIFIED,
    PROPOSAL,
    PROPOSED_ONLY,
)
from kzreform.evidence.quotes import Evidence
from kzreform.provisions.matrix import ADOPTED_KINDS, EXTERNAL_MARK, NOT_STATED_EXTERNAL, reforms
from kzreform.provisions.periods import period_ids
from kzreform.report.tables import ReportTable, report_table

SILENT = "—"
PARAGRAPH_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*-p\d+")
# How each kind of period is named where a chart says what a judgement rests on.
BASIS = {IN_FORCE: "adopted change (corpus)", PROPOSAL: "proposal (corpus)",
         EXTERNAL: f"2026 constitution{EXTERNAL_MARK} (its text and external reporting)"}


def direction_counts(counts: pd.Series, leave_out: str) -> str:
    """Reforms per direction of power as a phrase for the prose, largest first.

    ``counts`` is indexed by direction; ``leave_out`` (the direction the
    sentence already reports) and empty directions are not named.
    """
    shown = counts.drop(leave_out, errors="ignore")
    shown = shown[shown > 0].sort_values(ascending=False, kind="stable")
    parts = [f"{int(number)} {direction}" for direction, number in shown.items()]
    if not parts:
        return "none"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _grouped(table: pd.DataFrame, group: str) -> pd.DataFrame:
    """Show a group's name on its first row only, so rows read as grouped."""
    shown = table.copy()
    shown[group] = shown[group].where(~shown[group].duplicated(), "")
    return shown.reset_index(drop=True)


def _period_labels(periods: pd.DataFrame) -> dict[str, str]:
    """Labels for column headers; external periods carry the dagger."""
    return {period_id: label + (EXTERNAL_MARK if kind == EXTERNAL else "")
            for period_id, label, kind in zip(periods["period_id"], periods["label"],
                                              periods["kind"])}


def _marked_silence(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return table.assign(**{column: table[column].replace([NOT_STATED, NOT_STATED_EXTERNAL], SILENT)
                           for column in columns})


def _marked_judgements(matrix: pd.DataFrame, periods: pd.DataFrame) -> pd.Series:
    """The kind of change, with a dagger where it is judged on an external period."""
    external = matrix["direction_refers_to"].isin(period_ids(periods, EXTERNAL))
    return matrix["change_kind"] + external.map({True: EXTERNAL_MARK, False: ""})


def provisions_overview(matrix: pd.DataFrame, periods: pd.DataFrame,
                        evidence: Evidence) -> ReportTable:
    """Provision by in-force and external period, with the kind of change and where power moves."""
    shown_periods = [*period_ids(periods, IN_FORCE), *period_ids(periods, EXTERNAL)]
    shown = _marked_silence(matrix.assign(change_kind=_marked_judgements(matrix, periods)),
                            [*shown_periods, "change_kind"])[
        ["domain", "provision", *shown_periods, "change_kind", "power_direction"]]
    labels = _period_labels(periods)
    shown = _grouped(shown, "domain").rename(columns={
        **labels, "domain": "Domain", "provision": "Provision",
        "change_kind": "Change", "power_direction": "Power moves"})
    period_width = 0.59 / len(shown_periods)
    return report_table(shown, evidence, widths={
        "Domain": 0.08, "Provision": 0.14, **{labels[p]: period_width for p in shown_periods},
        "Change": 0.1, "Power moves": 0.09})


def judgement_rationales(matrix: pd.DataFrame, periods: pd.DataFrame,
                         evidence: Evidence) -> ReportTable:
    """The coder's judgement of each provision's change, with its one-line rationale."""
    labels = _period_labels(periods)
    shown = pd.DataFrame({
        "Provision": matrix["provision"],
        "Change": _marked_judgements(matrix, periods),
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
    proposals = period_ids(periods, PROPOSAL)
    adopted = period_ids(periods, IN_FORCE)[1:]
    addressed = matrix[(matrix[proposals] != NOT_STATED).any(axis=1)]
    order = [proposals[0], *adopted, *proposals[1:], *period_ids(periods, EXTERNAL)]
    shown = _marked_silence(addressed, order)[["provision", *order]].rename(
        columns={**_period_labels(periods), "provision": "Provision"})
    period_width = 0.82 / len(order)
    return report_table(shown, evidence, widths={
        "Provision": 0.18, **{column: period_width for column in shown.columns[1:]}})


def paragraph_stances(coded: pd.DataFrame, codebook: Codebook) -> pd.Series:
    """Each coded paragraph's stance as the codebook names it (automated codes say so)."""
    labels = coded["stance"].map(codebook.stance_levels)
    automated = coded["coding"] != HAND_CODED
    return pd.Series((labels + automated.map({True: " (automated)", False: ""})).to_numpy(),
                     index=coded["paragraph_id"])


def _stances_of(cell: str, stances: pd.Series) -> str:
    """The stance of every paragraph a cell cites, paragraph by paragraph."""
    cited = dict.fromkeys(PARAGRAPH_ID.findall(cell))
    return "; ".join(f"{paragraph}: {stances.get(paragraph, 'not coded')}" for paragraph in cited)


def adopted_overview(matrix: pd.DataFrame, periods: pd.DataFrame, coded: pd.DataFrame,
                     codebook: Codebook, evidence: Evidence) -> ReportTable:
    """The latest proposals beside what the external period adopted, with the sources' stance.

    One row per provision the latest proposal period states; the stance is the
    framing code of each paragraph the proposal cell cites.
    """
    latest = period_ids(periods, PROPOSAL)[-1]
    external = period_ids(periods, EXTERNAL)
    labels = _period_labels(periods)
    addressed = matrix[matrix[latest] != NOT_STATED]
    stances = paragraph_stances(coded, codebook)
    shown = _marked_silence(addressed, external)
    shown = pd.DataFrame({
        "Provision": shown["provision"],
        f"{labels[latest]}: proposed or warned": shown[latest],
        "Stance of those paragraphs": shown[latest].map(lambda c: _stances_of(c, stances)),
        **{labels[p]: shown[p] for p in external},
    })
    external_width = 0.3 / max(len(external), 1)
    return report_table(shown, evidence, widths={
        "Provision": 0.17, f"{labels[latest]}: proposed or warned": 0.3,
        "Stance of those paragraphs": 0.23,
        **{labels[p]: external_width for p in external}})


def consistency_table(consistency: pd.DataFrame, evidence: Evidence | None = None) -> ReportTable:
    """Facts two or more sources state: what each says, whether and how they differ."""
    shown = consistency[["topic", "statements", "relation", "difference"]].rename(columns={
        "topic": "Fact", "statements": "What each source says",
        "relation": "Relation", "difference": "Where they differ"})
    return report_table(shown, evidence, widths={"Fact": 0.2, "What each source says": 0.38,
                                                 "Relation": 0.12, "Where they differ": 0.3})


def law_beside_table(beside: pd.DataFrame, periods: pd.DataFrame,
                     evidence: Evidence | None = None) -> ReportTable:
    """What the sources say beside what the law provided, for every cell either side states."""
    stated = ~(beside["sources_say"].isin([NOT_STATED, NOT_STATED_EXTERNAL])
               & beside["basis"].eq(NOT_VERIFIED))
    shown = _marked_silence(beside[stated], ["sources_say"])
    labels = _period_labels(periods)
    read_in = shown["reference"].where(shown["reference"] == "", "; " + shown["reference"])
    where = (" (" + shown["article"] + read_in + ")").where(shown["article"] != NOT_VERIFIED, "")
    shown = pd.DataFrame({
        "Provision": shown["provision"], "Period": shown["period_id"].map(labels),
        "The sources say": shown["sources_say"],
        "The law provided (article; text read)": shown["law"] + where,
        "Checks of the claims": shown["verdicts"].replace("", SILENT),
    })
    return report_table(_grouped(shown, "Provision"), evidence, widths={
        "Provision": 0.13, "Period": 0.1, "The sources say": 0.27,
        "The law provided (article; text read)": 0.35, "Checks of the claims": 0.15})


def source_accuracy_table(accuracy: pd.DataFrame, sources: pd.DataFrame) -> ReportTable:
    """How each source's statements about the law and the facts fare against the references."""
    outlets = sources.set_index("source_id")["outlet"]
    shown = accuracy.assign(outlet=accuracy["source_id"].map(outlets)).rename(columns={
        "source_id": "Source", "outlet": "Outlet", "checked": "Checked",
        "confirmed": "Confirmed", "imprecise": "Imprecise", "corrected": "Placed anew",
        "source_claim_contradicted": "Contradicted", "not_verifiable_here": "Not verifiable",
        "contradicted_claims": "Contradicted claims"})
    return report_table(shown[["Source", "Outlet", "Checked", "Confirmed", "Imprecise",
                               "Contradicted", "Not verifiable", "Placed anew",
                               "Contradicted claims"]])


def _with_basis(matrix: pd.DataFrame, periods: pd.DataFrame) -> pd.DataFrame:
    """The matrix with what each judgement rests on: an adopted change, a proposal, or reporting."""
    kinds = periods.set_index("period_id")["kind"].map(BASIS)
    return matrix.assign(basis=matrix["direction_refers_to"].map(kinds))


# Kinds of change in the order and colours the chart gives them; a kind judged
# on an external period is a paler shade of the same hue, with a dagger.
KIND_COLOURS = dict(zip([*ADOPTED_KINDS, PROPOSED_ONLY, NOT_STATED],
                        ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b"]))
EXTERNAL_KIND_COLOURS = dict(zip(ADOPTED_KINDS, ["#9ecae9", "#ffbf79", "#ff9d98", "#b5dcd9"]))


def change_kind_chart(matrix: pd.DataFrame, periods: pd.DataFrame) -> alt.Chart:
    """Bars per domain counting provisions by the kind of change; proposals never enacted apart.

    Kinds judged on an external period are paler, with a dagger.
    """
    enacted = matrix["change_kind"].isin(ADOPTED_KINDS)
    data = matrix.assign(kind=_marked_judgements(matrix, periods),
                         stage=enacted.map({True: "enacted (2022-23 or 2026)",
                                            False: "proposed only or not stated"}))
    domain = [*KIND_COLOURS, *(kind + EXTERNAL_MARK for kind in EXTERNAL_KIND_COLOURS)]
    colours = [*KIND_COLOURS.values(), *EXTERNAL_KIND_COLOURS.values()]
    present = [(kind, colour) for kind, colour in zip(domain, colours)
               if kind in set(data["kind"])]
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("count():Q", title="Provisions", axis=alt.Axis(tickMinStep=1, format="d")),
        # The matrix lists domains in the order the schema's enum gives them.
        y=alt.Y("domain:N", title=None, sort=list(dict.fromkeys(matrix["domain"]))),
        color=alt.Color("kind:N", title=f"Kind of change ({EXTERNAL_MARK}: judged on the "
                                        "2026 constitution, external)",
                        scale=alt.Scale(domain=[kind for kind, _ in present],
                                        range=[colour for _, colour in present]),
                        legend=alt.Legend(labelLimit=260, titleLimit=300)),
        order=alt.Order("kind:N"),
        column=alt.Column("stage:N", title=None, sort="ascending"),
        tooltip=[alt.Tooltip("domain:N", title="Domain"),
                 alt.Tooltip("kind:N", title="Change"),
                 alt.Tooltip("provision:N", title="Provision")],
    ).properties(width=220, height=220,
                 title="Kind of change in each provision, by domain")


def power_direction_chart(matrix: pd.DataFrame, periods: pd.DataFrame) -> alt.Chart:
    """Bars counting reforms (each judged once) by where they move power; proposals apart."""
    judged = _with_basis(reforms(matrix), periods)
    return alt.Chart(judged).mark_bar().encode(
        x=alt.X("count():Q", title="Reforms", axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("power_direction:N", title="Power moves", sort="-x"),
        row=alt.Row("basis:N", title=None,
                    sort=[BASIS[IN_FORCE], BASIS[EXTERNAL], BASIS[PROPOSAL]],
                    header=alt.Header(labelAngle=0, labelAlign="left", labelLimit=200)),
        color=alt.Color("basis:N", title="Direction of",
                        sort=[BASIS[IN_FORCE], BASIS[PROPOSAL], BASIS[EXTERNAL]],
                        legend=alt.Legend(labelLimit=260)),
        tooltip=[alt.Tooltip("reform:N", title="Reform"),
                 alt.Tooltip("power_direction:N", title="Power moves"),
                 alt.Tooltip("power_rationale:N", title="Rationale")],
    ).properties(width=380, height=90,
                 title="Direction of the power shift, one judgement per reform")
