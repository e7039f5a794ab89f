"""The law beside the commentary, and the fact-check ledger behind every statement.

``data/coding/law.csv`` records what the constitution (or, where the matter is
statutory, the statute) itself provided for each provision, read in a cited
text: a row holds from its period until a later row of the same provision
replaces it, among the periods in force; an external period (the 2026
constitution) is a text of its own, so only its own rows describe it.
``data/coding/fact_checks.csv`` records one check of one statement the study
makes (a claim, a fact statement, an external claim or fact, an external event,
a statement of the report) against a reference, with a verdict. A corpus claim
the law contradicts stays as the source states it and is flagged in the matrix
(:func:`contradicted_claims`); the build tabulates the law beside what the
sources say (:func:`law_beside_sources`) and how accurately each source
describes it (:func:`source_accuracy`).
"""

from __future__ import annotations

import pandas as pd

from kzreform.core.vocabulary import CONTRADICTED, EXTERNAL, IN_FORCE, NOT_VERIFIED, as_name
from kzreform.provisions.periods import period_ids

# Ledgers whose rows are statements of a corpus source (the law may contradict
# them) and ledgers of the study's own statements from cited reporting.
CORPUS_LEDGERS = {"claims": "claim_id", "fact-statements": "statement_id"}
EXTERNAL_LEDGERS = {"external-claims": "external_claim_id", "external-facts": "external_id",
                    "events": "event_id"}
REPORT_TARGET = "report"


def target_of(ledger: str, row_id: str) -> str:
    """How a check names the row it checks (``claims:c001``)."""
    return f"{ledger}:{row_id}"


def checked_rows(checks: pd.DataFrame, ledger: str) -> pd.DataFrame:
    """The checks of one ledger's rows, with the checked row's id as ``row_id``."""
    own = checks[checks["checks"].str.startswith(target_of(ledger, ""))]
    return own.assign(row_id=own["checks"].str.split(":", n=1).str[1])


def contradicted_claims(checks: pd.DataFrame) -> set[str]:
    """Ids of the corpus claims a check finds contradicted by the law."""
    claim_checks = checked_rows(checks, "claims")
    return set(claim_checks.loc[claim_checks["verdict"] == CONTRADICTED, "row_id"])


def law_periods(periods: pd.DataFrame) -> pd.DataFrame:
    """The periods the law is tabulated for: those in force, then the external ones, in order."""
    return periods[periods["kind"].isin([IN_FORCE, EXTERNAL])].sort_values("order")


def law_rows(own: pd.DataFrame, periods: pd.DataFrame, period_id: str) -> pd.DataFrame:
    """Of one provision's law rows ``own``: those that describe it in ``period_id``.

    ``periods`` is indexed by period id. In a period in force, the latest row of
    a period in force up to it holds; an external period has only its own rows
    (empty where none was recorded).
    """
    if periods.at[period_id, "kind"] == EXTERNAL:
        return own[own["period_id"] == period_id]
    kind = own["period_id"].map(periods["kind"])
    order = own["period_id"].map(periods["order"])
    earlier = (kind == IN_FORCE) & (order <= periods.at[period_id, "order"])
    # The latest of them (none where no row is earlier: the maximum is then NaN).
    return own[earlier & (order == order[earlier].max())]


def _verdict_summary(verdicts: pd.Series) -> str:
    counts = verdicts.value_counts()
    return "; ".join(f"{verdict} {counts[verdict]}" for verdict in sorted(counts.index))


def law_beside_sources(matrix: pd.DataFrame, law: pd.DataFrame, periods: pd.DataFrame,
                       claims: pd.DataFrame, checks: pd.DataFrame) -> pd.DataFrame:
    """For each provision and law period: what the sources say beside what the law provided."""
    rows = []
    claim_checks = checked_rows(checks, "claims")
    # Grouped once: a filter of the whole table per cell made the cost claims times cells.
    law_of = dict(tuple(law.groupby("provision_id", sort=False)))
    cell_verdicts = (claims[["provision_id", "period_id", "claim_id"]]
                     .merge(claim_checks[["row_id", "verdict"]], left_on="claim_id",
                            right_on="row_id").groupby(["provision_id", "period_id"])["verdict"])
    verdicts_of = dict(tuple(cell_verdicts))
    no_verdicts = pd.Series(dtype=str)
    tabulated = list(law_periods(periods)["period_id"])
    by_id = periods.set_index("period_id")
    for provision in matrix.to_dict("records"):
        for period_id in tabulated:
            provided = law_rows(law_of.get(provision["provision_id"], law.iloc[:0]), by_id,
                                period_id)
            verdicts = verdicts_of.get((provision["provision_id"], period_id), no_verdicts)
            rows.append({
                "provision_id": provision["provision_id"], "provision": provision["provision"],
                "period_id": period_id, "sources_say": provision[period_id],
                "law": " ".join(provided["provides"]) if len(provided) else NOT_VERIFIED,
                "article": "; ".join(provided["article"]) if len(provided) else NOT_VERIFIED,
                "basis": provided["basis"].iloc[0] if len(provided) else NOT_VERIFIED,
                "reference": ", ".join(dict.fromkeys(provided["reference"][
                    provided["reference"] != ""])),
                "law_ids": " ".join(provided["law_id"]),
                "verdicts": _verdict_summary(verdicts),
            })
    return pd.DataFrame(rows)


def source_accuracy(sources: pd.DataFrame, claims: pd.DataFrame, statements: pd.DataFrame,
                    checks: pd.DataFrame, periods: pd.DataFrame,
                    verdicts: list[str]) -> pd.DataFrame:
    """Per source: its checked statements about the law and the facts, counted by verdict.

    A source's claims about periods in force (what the law provided) and its
    statements of facts count; its proposals do not, as they state no law.
    ``verdicts`` are those of the schema of the data directory built, a column each.
    """
    in_force = period_ids(periods, IN_FORCE)
    stated = pd.concat([
        claims[claims["period_id"].isin(in_force)].rename(columns={"claim_id": "row_id"})
        .merge(checked_rows(checks, "claims"), on="row_id"),
        statements.rename(columns={"statement_id": "row_id"})
        .merge(checked_rows(checks, "fact-statements"), on="row_id"),
    ])
    judged = stated[["source_id", "checks", "row_id", "verdict"]]
    by_source = judged.groupby("source_id")
    counts = (pd.crosstab(judged["source_id"], judged["verdict"])
              .reindex(columns=verdicts, fill_value=0))
    contradicted = (judged[judged["verdict"] == CONTRADICTED].groupby("source_id")["row_id"]
                    .agg(" ".join))
    table = pd.DataFrame({"source_id": sorted(sources["source_id"])}).set_index("source_id")
    table["checked"] = by_source["checks"].nunique()
    for verdict in verdicts:
        table[as_name(verdict)] = counts[verdict]
    table = table.fillna(0).astype(int)
    table["contradicted_claims"] = contradicted.reindex(table.index).fillna("")
    return table.reset_index()
