"""Content rules of the provisions: ledgers, references, change kinds, law, fact checks.

Each returns every problem it finds as issues (:mod:`kzreform.pipeline.rules`).
"""

from __future__ import annotations

import re
from pathlib import Path

from kzreform.core.data import load_table, read_text, resource_path
from kzreform.core.errors import Issue, shown
from kzreform.core.paths import DATA, REFERENCES, REPORT
from kzreform.core.vocabulary import (
    CONTRADICTED,
    DATED_BY_REFERENCE,
    EXTERNAL,
    IN_FORCE,
    NOT_STATED,
    NOT_VERIFIABLE,
    NOT_VERIFIED,
    PROPOSAL,
    PROPOSED_ONLY,
)
from kzreform.corpus.rules import EMPTY_MARKERS
from kzreform.provisions.law import (
    CORPUS_LEDGERS,
    EXTERNAL_LEDGERS,
    REPORT_TARGET,
    contradicted_claims,
    law_periods,
    target_of,
)
from kzreform.provisions.matrix import ADOPTED_KINDS, DIFFER, NOT_STATED_EXTERNAL, expected_cells
from kzreform.provisions.periods import period_ids

SECTION_ID = re.compile(r"\{#(sec-[a-z0-9-]+)")


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

# An entry starts a line: "@book{key," (an '@' inside a field's text starts none).
BIBTEX_ENTRY = re.compile(r"^@\w+\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)


def bibliography_keys(path: Path = REFERENCES) -> list[str]:
    """Citation keys defined in a BibTeX file, in file order (a key given twice, twice)."""
    text = read_text(path) if path.exists() else ""
    return BIBTEX_ENTRY.findall(text)


def reference_issues(data_dir: Path = DATA, references: Path = REFERENCES) -> list[Issue]:
    """Every reference key of a ledger (external claims and facts, events, law, checks) exists."""
    keys = set(bibliography_keys(references))
    issues = []
    for name in ("external-claims", "external-facts", "events", "law", "fact-checks"):
        table = load_table(name, data_dir)
        issues += [Issue.at(resource_path(name, data_dir),
                            f"is not a citation key of {shown(references)}",
                            row=number, field="reference", value=key)
                   for number, key in enumerate(table["reference"], start=2)
                   if key and key not in keys]
    return issues


# ---- provisions -------------------------------------------------------------------

def external_claim_issues(data_dir: Path = DATA) -> list[Issue]:
    """External claims state something, and only for external periods."""
    periods = load_table("periods", data_dir)
    external = set(period_ids(periods, EXTERNAL))
    ledger = load_table("external-claims", data_dir)
    path = resource_path("external-claims", data_dir)
    issues = []
    for number, row in enumerate(ledger.to_dict("records"), start=2):
        issues += [Issue.at(path, "is missing: an external claim states what the cited report "
                                  "says", row=number, field=field, value=row[field])
                   for field in ("statement", "value", "paraphrase")
                   if row[field].strip().lower() in EMPTY_MARKERS]
        if row["period_id"] in set(periods["period_id"]) and row["period_id"] not in external:
            issues.append(Issue.at(path, "is not an external period; what the corpus states "
                                         "belongs in claims.csv", row=number, field="period_id",
                                   value=row["period_id"]))
    return issues


def change_kind_issues(data_dir: Path = DATA) -> list[Issue]:
    """A provision's hand-coded kind of change must fit what the ledgers state."""
    periods = load_table("periods", data_dir).sort_values("order")
    provisions = load_table("provisions", data_dir)
    claims = load_table("claims", data_dir)
    external_claims = load_table("external-claims", data_dir)
    path = resource_path("provisions", data_dir)
    stated = set(zip(claims["provision_id"], claims["period_id"]))
    reported = set(zip(external_claims["provision_id"], external_claims["period_id"]))
    external = set(period_ids(periods, EXTERNAL))
    in_force = period_ids(periods, IN_FORCE)
    proposals = period_ids(periods, PROPOSAL)
    issues = []
    for number, row in enumerate(provisions.to_dict("records"), start=2):
        provision, judged = row["provision_id"], row["direction_refers_to"]
        if judged in external:
            # Judged on an external period: the institution it adds or removes.
            if row["change_kind"] not in ADOPTED_KINDS:
                issues.append(Issue.at(path, f"but a change judged on the external period "
                                             f"{judged} must be one of {', '.join(ADOPTED_KINDS)}",
                                       row=number, field="change_kind", value=row["change_kind"]))
            if (provision, judged) not in reported:
                issues.append(Issue.at(path, f"but the external claims ledger states nothing "
                                             f"for {provision} in that period", row=number,
                                       field="direction_refers_to", value=judged))
            continue
        adopted = any((provision, period) in stated for period in in_force[1:])
        proposed = any((provision, period) in stated for period in proposals)
        if row["change_kind"] == PROPOSED_ONLY and (adopted or not proposed):
            issues.append(Issue.at(path, f"but the corpus states "
                                         f"{'an adopted change' if adopted else 'no proposal'} "
                                         f"for {provision}", row=number, field="change_kind",
                                   value=row["change_kind"]))
        if row["change_kind"] in ADOPTED_KINDS and not adopted:
            issues.append(Issue.at(path, f"but no claim states what the reforms did to "
                                         f"{provision}", row=number, field="change_kind",
                                   value=row["change_kind"]))
        if (provision, judged) not in stated:
            issues.append(Issue.at(path, f"but the corpus states nothing for {provision} in "
                                         "that period", row=number, field="direction_refers_to",
                                   value=judged))
    return issues


def matrix_cell_issues(data_dir: Path, built: dict) -> list[Issue]:
    """Every cell of the built matrix is what its ledger states (claims, or external claims)."""
    periods = load_table("periods", data_dir)
    claims = load_table("claims", data_dir)
    external_claims = load_table("external-claims", data_dir)
    matrix = built["provisions-matrix"]
    path = resource_path("provisions-matrix", data_dir)
    external = set(period_ids(periods, EXTERNAL))
    contradicted = frozenset(contradicted_claims(load_table("fact-checks", data_dir)))
    cells = expected_cells(claims, external_claims, periods, list(matrix["provision_id"]),
                           contradicted)
    issues = []
    for number, row in enumerate(matrix.to_dict("records"), start=2):
        for period_id, cell in cells[row["provision_id"]].items():
            if row[period_id] == cell:
                continue
            ledger = "external_claims.csv" if period_id in external else "claims.csv"
            silent = cell in (NOT_STATED_EXTERNAL, NOT_STATED)
            problem = (f"states a value, but {ledger} has no row for {row['provision_id']} in "
                       f"{period_id}" if silent else
                       f"differs from what {ledger} states ({cell!r})")
            issues.append(Issue.at(path, f"{problem}; rebuild with 'python -m kzreform build'",
                                   row=number, field=period_id, value=row[period_id]))
    return issues


def comparison_issues(data_dir: Path, built: dict) -> list[Issue]:
    """Every topic whose statements differ has its kind of difference judged, and only those."""
    consistency = built["fact-consistency"]
    judgements = load_table("comparison-judgements", data_dir)
    path = resource_path("comparison-judgements", data_dir)
    differing = set(consistency.loc[consistency["agreement"] == DIFFER, "topic_id"])
    judged = set(judgements["topic_id"])
    issues = [Issue.at(path, "has no judgement of what kind of difference the statements of "
                             "this topic show", field="topic_id", value=topic)
              for topic in sorted(differing - judged)]
    issues += [Issue.at(path, "judges a topic whose statements do not differ (or that no two "
                              "sources state)", row=number, field="topic_id", value=topic)
               for number, topic in enumerate(judgements["topic_id"], start=2)
               if topic not in differing]
    return issues


def reform_issues(data_dir: Path = DATA) -> list[Issue]:
    """Provisions of one reform carry one judgement, so each reform is judged once."""
    provisions = load_table("provisions", data_dir)
    path = resource_path("provisions", data_dir)
    issues = []
    for reform, rows in provisions.groupby("reform", sort=False):
        for field in ("direction_refers_to", "power_direction", "power_rationale"):
            if rows[field].nunique() > 1:
                issues += [Issue.at(path, f"differs within the reform {reform!r}: a reform is "
                                          "judged once", row=number, field=field, value=value)
                           for number, value in zip(rows.index + 2, rows[field])]
    return issues
