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

import re
from pathlib import Path

import pandas as pd

from .data import field_enum, load_table, resource_path
from .errors import Issue
from .paths import DATA, ROOT
from .periods import period_ids
from .vocabulary import (CONTRADICTED, DATED_BY_REFERENCE, EXTERNAL, IN_FORCE, NOT_VERIFIABLE,
                         NOT_VERIFIED)

REPORT = ROOT / "report" / "index.qmd"
# Ledgers whose rows are statements of a corpus source (the law may contradict
# them) and ledgers of the study's own statements from cited reporting.
CORPUS_LEDGERS = {"claims": "claim_id", "fact-statements": "statement_id"}
EXTERNAL_LEDGERS = {"external-claims": "external_claim_id", "external-facts": "external_id",
                    "events": "event_id"}
REPORT_TARGET = "report"
SECTION_ID = re.compile(r"\{#(sec-[a-z0-9-]+)")


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


def law_rows(law: pd.DataFrame, periods: pd.DataFrame, provision_id: str,
             period_id: str) -> pd.DataFrame:
    """The law rows that describe a provision in a period (empty where none was recorded)."""
    kinds = periods.set_index("period_id")["kind"]
    order = periods.set_index("period_id")["order"]
    own = law[law["provision_id"] == provision_id]
    if kinds[period_id] == EXTERNAL:
        return own[own["period_id"] == period_id]
    earlier = own[own["period_id"].map(kinds).eq(IN_FORCE)
                  & own["period_id"].map(order).le(order[period_id])]
    if earlier.empty:
        return earlier
    latest = earlier["period_id"].map(order).max()
    return earlier[earlier["period_id"].map(order) == latest]


def _verdict_summary(verdicts: pd.Series) -> str:
    counts = verdicts.value_counts()
    return "; ".join(f"{verdict} {counts[verdict]}" for verdict in sorted(counts.index))


def law_beside_sources(matrix: pd.DataFrame, law: pd.DataFrame, periods: pd.DataFrame,
                       claims: pd.DataFrame, checks: pd.DataFrame) -> pd.DataFrame:
    """For each provision and law period: what the sources say beside what the law provided."""
    rows = []
    claim_checks = checked_rows(checks, "claims")
    for provision in matrix.to_dict("records"):
        for period_id in law_periods(periods)["period_id"]:
            provided = law_rows(law, periods, provision["provision_id"], period_id)
            cell_claims = claims[(claims["provision_id"] == provision["provision_id"])
                                 & (claims["period_id"] == period_id)]["claim_id"]
            verdicts = claim_checks.loc[claim_checks["row_id"].isin(cell_claims), "verdict"]
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
                    checks: pd.DataFrame, periods: pd.DataFrame) -> pd.DataFrame:
    """Per source: its checked statements about the law and the facts, counted by verdict.

    A source's claims about periods in force (what the law provided) and its
    statements of facts count; its proposals do not, as they state no law.
    """
    in_force = period_ids(periods, IN_FORCE)
    stated = pd.concat([
        claims[claims["period_id"].isin(in_force)].rename(columns={"claim_id": "row_id"})
        .merge(checked_rows(checks, "claims"), on="row_id"),
        statements.rename(columns={"statement_id": "row_id"})
        .merge(checked_rows(checks, "fact-statements"), on="row_id"),
    ])
    judged = stated[["source_id", "checks", "row_id", "verdict"]]
    rows = []
    for source_id in sorted(sources["source_id"]):
        own = judged[judged["source_id"] == source_id]
        rows.append({
            "source_id": source_id, "checked": own["checks"].nunique(),
            **{verdict.replace(" ", "_"): int((own["verdict"] == verdict).sum())
               for verdict in field_enum("fact-checks", "verdict")},
            "contradicted_claims": " ".join(own.loc[own["verdict"] == CONTRADICTED, "row_id"]),
        })
    return pd.DataFrame(rows)


# --- rules ----------------------------------------------------------------------------

def report_sections(report: Path = REPORT) -> set[str]:
    """Section ids of the report a check may name."""
    return set(SECTION_ID.findall(report.read_text(encoding="utf-8"))) if report.exists() else set()


def required_targets(data_dir: Path = DATA) -> set[str]:
    """Every statement that needs a check: claims about the law in force, facts, externals."""
    periods = load_table("periods", data_dir)
    in_force = set(period_ids(periods, IN_FORCE))
    targets = set()
    for ledger, id_column in {**CORPUS_LEDGERS, **EXTERNAL_LEDGERS}.items():
        table = load_table(ledger, data_dir)
        if ledger == "claims":
            table = table[table["period_id"].isin(in_force)]
        if ledger == "events":
            table = table[table["basis"] == DATED_BY_REFERENCE]
        targets |= {target_of(ledger, row_id) for row_id in table[id_column]}
    return targets


def _known_rows(data_dir: Path) -> set[str]:
    known = set()
    for ledger, id_column in {**CORPUS_LEDGERS, **EXTERNAL_LEDGERS}.items():
        known |= {target_of(ledger, row_id) for row_id in load_table(ledger, data_dir)[id_column]}
    return known


def fact_check_issues(data_dir: Path = DATA, report: Path = REPORT) -> list[Issue]:
    """Each check names a statement that exists and a fitting verdict; each statement is checked."""
    checks = load_table("fact-checks", data_dir)
    path = resource_path("fact-checks", data_dir)
    known = _known_rows(data_dir) | {target_of(REPORT_TARGET, section)
                                     for section in report_sections(report)}
    issues = []
    for number, row in enumerate(checks.to_dict("records"), start=2):
        ledger = row["checks"].split(":", 1)[0]
        if row["checks"] not in known:
            issues.append(Issue.at(path, "names no row of its ledger (or no section of "
                                         "report/index.qmd)", row=number, field="checks",
                                   value=row["checks"]))
        if row["verdict"] == CONTRADICTED and ledger not in CORPUS_LEDGERS:
            issues.append(Issue.at(path, "is a verdict on a corpus source's claim; the study's own "
                                         "statement is 'corrected' instead", row=number,
                                   field="verdict", value=row["verdict"]))
        if not row["reference"].strip() and row["verdict"] != NOT_VERIFIABLE:
            issues.append(Issue.at(path, f"is empty; a check with the verdict {row['verdict']!r} "
                                         "cites the reference it was checked against",
                                   row=number, field="reference", value=row["reference"]))
    checked = set(checks["checks"])
    issues += [Issue.at(path, f"has no check of {target}: every claim about the law, fact "
                              "statement, external claim, external fact and external event is "
                              "checked", field="checks", value=target)
               for target in required_targets(data_dir) if target not in checked]
    return issues


def law_issues(data_dir: Path = DATA) -> list[Issue]:
    """Law rows name a period in force or an external one and cite what they rest on.

    The law of an external period needs an external claim too, or its cell would read silent.
    """
    periods = load_table("periods", data_dir)
    tabulated = set(law_periods(periods)["period_id"])
    law = load_table("law", data_dir)
    path = resource_path("law", data_dir)
    issues = []
    for number, row in enumerate(law.to_dict("records"), start=2):
        if row["period_id"] in set(periods["period_id"]) and row["period_id"] not in tabulated:
            issues.append(Issue.at(path, "is a proposal period; the law is recorded for periods "
                                         "in force and external ones", row=number,
                                   field="period_id", value=row["period_id"]))
        if (row["basis"] == NOT_VERIFIED) != (not row["reference"].strip()):
            issues.append(Issue.at(path, "must be empty exactly when the basis is 'not verified'",
                                   row=number, field="reference", value=row["reference"]))
    external = set(period_ids(periods, EXTERNAL))
    external_claims = load_table("external-claims", data_dir)
    reported = set(zip(external_claims["provision_id"], external_claims["period_id"]))
    issues += [Issue.at(path, "states the law of an external period, but external_claims.csv "
                              f"states nothing for {row['provision_id']} there, so its cell "
                              "would read 'not stated'", row=number, field="period_id",
                        value=row["period_id"])
               for number, row in enumerate(law.to_dict("records"), start=2)
               if row["period_id"] in external
               and (row["provision_id"], row["period_id"]) not in reported]
    duplicated = law[law.duplicated(["provision_id", "period_id"], keep=False)]
    issues += [Issue.at(path, "is recorded twice for that provision and period", row=number,
                        field="period_id", value=period_id)
               for number, period_id in zip(duplicated.index + 2, duplicated["period_id"])]
    return issues
