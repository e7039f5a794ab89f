"""Provisions before and after 2022: the matrix of claims and cross-source consistency.

Everything here is computed from hand-coded tables in ``data/coding/``:
``claims.csv`` (verbatim quotes read from the corpus), ``external_claims.csv``
(what cited reporting states for an external period, such as the 2026
constitution), ``provisions.csv`` and ``periods.csv`` (what is tabulated),
``facts.csv``, ``fact_statements.csv`` and ``external_facts.csv`` (figures
several sources give). A matrix cell states a value only if a claim backs it;
otherwise it says :data:`NOT_STATED` (:data:`NOT_STATED_EXTERNAL` in an
external period). External cells cite reference keys after a dagger, so they
never read as corpus evidence.
"""

from __future__ import annotations

import pandas as pd

from kzreform.core.vocabulary import (
    ABOLISHED,
    AGREE,
    EXTERNAL,
    FACT_TOPIC,
    INTRODUCED,
    MODIFIED,
    NOT_STATED,
    PROPOSED_ONLY,
    UNCHANGED,
)
from kzreform.provisions.periods import period_ids

NOT_STATED_EXTERNAL = "not stated in the cited references"
# Marks what rests on cited reporting rather than on the corpus.
EXTERNAL_MARK = "†"
# Follows a value the law contradicts (data/coding/fact_checks.csv); the value is the source's.
LAW_CONTRADICTS = " (contradicted by the law)"
# Reports of an external period may each state another part of a provision;
# whether they contradict one another is judged in the consistency table.
REPORTS_STATE = "reports state"
ADOPTED_KINDS = (INTRODUCED, ABOLISHED, MODIFIED, UNCHANGED)
# The kinds of an adopted change that change something.
CHANGE_KINDS = ADOPTED_KINDS[:-1]
# The relation of statements that agree; kinds of difference are judged (comparisons.csv).
DIFFER = "differ"


# --- the provisions matrix -----------------------------------------------------------

def cell_text(rows: list[dict], contradicted: frozenset[str] = frozenset()) -> str:
    """A cell's value with the paragraphs that state it; differing statements are kept apart.

    ``rows``: the cell's claims as records, in ledger order. A value resting on
    a claim the law contradicts (``contradicted``: claim ids) stays as the
    source states it, flagged.
    """
    return _cell(rows, "source_id", "paragraph_id", NOT_STATED, "",
                 {row["value"] for row in rows if row["claim_id"] in contradicted})


def external_cell_text(rows: list[dict]) -> str:
    """An external cell: each value with the reference keys that report it, after a dagger."""
    return _cell(rows, "reference", "reference", NOT_STATED_EXTERNAL, f"{EXTERNAL_MARK} ", set(),
                 REPORTS_STATE)


def _cell(rows: list[dict], who: str, evidence: str, silent: str, mark: str,
          flagged: set[str], several: str | None = None) -> str:
    """``rows``: the cell's claims as records, in ledger order (values keep that order)."""
    if not rows:
        return silent
    evidence_of: dict[str, list[str]] = {}
    for row in rows:
        evidence_of.setdefault(row["value"], []).append(row[evidence])
    parts = [f"{value}{LAW_CONTRADICTS if value in flagged else ''} "
             f"[{mark}{', '.join(dict.fromkeys(keys))}]" for value, keys in evidence_of.items()]
    if len(parts) == 1:
        return parts[0]
    sources = list(dict.fromkeys(row[who] for row in rows))
    lead = several or ("sources differ" if len(sources) > 1
                       else f"{sources[0]} states it differently")
    return f"{lead}: " + "; ".join(parts)


def expected_cells(claims: pd.DataFrame, external_claims: pd.DataFrame,
                   periods: pd.DataFrame, provision_ids: list[str],
                   contradicted: frozenset[str] = frozenset()) -> dict[str, dict[str, str]]:
    """Each provision's cell per period, from the ledger that period draws on.

    Each ledger is grouped by provision and period once, so the cost grows
    with the number of claims, not with claims times cells.
    """
    external = set(period_ids(periods, EXTERNAL))
    grouped: dict[bool, dict[tuple[str, str], list[dict]]] = {False: {}, True: {}}
    for is_external, ledger in ((False, claims), (True, external_claims)):
        for row in ledger.to_dict("records"):
            grouped[is_external].setdefault((row["provision_id"], row["period_id"]),
                                            []).append(row)
    cells: dict[str, dict[str, str]] = {}
    for provision_id in provision_ids:
        cells[provision_id] = {}
        for period_id in periods["period_id"]:
            is_external = period_id in external
            own = grouped[is_external].get((provision_id, period_id), [])
            cells[provision_id][period_id] = (external_cell_text(own) if is_external
                                              else cell_text(own, contradicted))
    return cells


def provisions_matrix(claims: pd.DataFrame, external_claims: pd.DataFrame,
                      provisions: pd.DataFrame, periods: pd.DataFrame,
                      domains: list[str], contradicted: frozenset[str] = frozenset()
                      ) -> pd.DataFrame:
    """One row per provision: a cell per period, the kind and direction of change, the evidence."""
    cells = expected_cells(claims, external_claims, periods, list(provisions["provision_id"]),
                           contradicted)
    claim_ids = claims.groupby("provision_id", sort=False)["claim_id"].agg(" ".join)
    source_ids = claims.groupby("provision_id")["source_id"].agg(
        lambda ids: " ".join(sorted(ids.unique())))
    external_ids = external_claims.groupby("provision_id", sort=False)["external_claim_id"].agg(
        " ".join)
    rows = []
    for provision in provisions.to_dict("records"):
        provision_id = provision["provision_id"]
        rows.append({
            "domain": provision["domain"], "provision_id": provision_id,
            "provision": provision["name"],
            **cells[provision_id],
            "change_kind": provision["change_kind"],
            "direction_refers_to": provision["direction_refers_to"],
            "reform": provision["reform"],
            "power_direction": provision["power_direction"],
            "power_rationale": provision["power_rationale"],
            "claim_ids": claim_ids.get(provision_id, ""),
            "source_ids": source_ids.get(provision_id, ""),
            "external_claim_ids": external_ids.get(provision_id, ""),
        })
    matrix = pd.DataFrame(rows)
    domain_order = {domain: i for i, domain in enumerate(domains)}
    return matrix.sort_values("domain", key=lambda d: d.map(domain_order),
                              kind="stable").reset_index(drop=True)


def matrix_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """The evidence behind each matrix cell, one claim per row (keys: matrix -> claims)."""
    return claims[["provision_id", "period_id", "claim_id"]].reset_index(drop=True)


# --- cross-source consistency ------------------------------------------------------

def _agrees(values: pd.Series, numbers: pd.Series, tolerance: float | None) -> bool:
    """Numbers agree within the fact's tolerance; otherwise the coded values must be equal."""
    numeric = pd.to_numeric(numbers, errors="coerce")
    if tolerance is not None and numeric.notna().all():
        return bool(numeric.max() - numeric.min() <= tolerance)
    return values.nunique() == 1


def _consistency_row(topic_id, topic, kind, statements: pd.DataFrame, tolerance,
                     relations: dict[str, str]) -> dict:
    """statements: one row per (who, value, number); ``who`` is a source id or citation.

    Statements that differ carry the kind of difference judged for the topic
    (``relations``; empty where none is judged, which validation reports).
    """
    agrees = _agrees(statements["value"], statements["number"], tolerance)
    by_value = statements.groupby("value", sort=False)["who"].agg(lambda w: ", ".join(w))
    if agrees and by_value.size > 1:
        agreement = f"agree within {tolerance:g}"
    else:
        agreement = AGREE if agrees else DIFFER
    return {
        "topic_id": topic_id, "topic": topic, "kind": kind,
        "statements": "; ".join(f"{who}: {value}" for who, value
                                in zip(statements["who"], statements["value"])),
        "sources": len(statements["who"].unique()),
        "agreement": agreement,
        "relation": AGREE if agrees else relations.get(topic_id, ""),
        "difference": "" if agrees else
        " vs ".join(f"{value} ({who})" for value, who in by_value.items()),
    }


def fact_consistency(claims: pd.DataFrame, provisions: pd.DataFrame, periods: pd.DataFrame,
                     facts: pd.DataFrame, statements: pd.DataFrame,
                     external: pd.DataFrame, judgements: pd.DataFrame | None = None
                     ) -> pd.DataFrame:
    """Every fact or matrix cell that two or more sources state, whether and how they differ."""
    relations = ({} if judgements is None else
                 dict(zip(judgements["topic_id"], judgements["relation"])))
    rows = []
    names = provisions.set_index("provision_id")["name"]
    labels = periods.set_index("period_id")["label"]
    for (provision_id, period_id), cell in claims.groupby(["provision_id", "period_id"],
                                                          sort=False):
        per_source = cell.drop_duplicates(["source_id", "value"]).rename(
            columns={"source_id": "who"}).sort_values("who", kind="stable")
        if per_source["who"].nunique() >= 2:
            rows.append(_consistency_row(
                f"{provision_id}/{period_id}", f"{names[provision_id]}: {labels[period_id]}",
                "provision", per_source, None, relations))
    external_rows = external.assign(who="external: " + external["reference"])
    everything = pd.concat([statements.rename(columns={"source_id": "who"}), external_rows])
    for fact in facts.to_dict("records"):
        said = everything[everything["fact_id"] == fact["fact_id"]].drop_duplicates(
            ["who", "value"])
        # corpus sources first, then the external references
        said = said.assign(reported=said["who"].str.startswith("external: ")).sort_values(
            ["reported", "who"], kind="stable")
        if said["who"].nunique() >= 2:
            tolerance = float(fact["tolerance"]) if fact["comparison"] == "number" else None
            rows.append(_consistency_row(fact["fact_id"], fact["label"], FACT_TOPIC,
                                         said, tolerance, relations))
    return pd.DataFrame(rows)


def reforms(matrix: pd.DataFrame) -> pd.DataFrame:
    """One row per reform (its first provision), changes only.

    A provision judged unchanged, or whose change the corpus does not state, is
    no reform.
    """
    changed = matrix["change_kind"].isin([*CHANGE_KINDS, PROPOSED_ONLY])
    return matrix[changed].drop_duplicates("reform")


def reforms_by_direction(matrix: pd.DataFrame, periods: pd.DataFrame) -> pd.DataFrame:
    """Reforms (each counted once, :func:`reforms`) by kind of period judged and direction."""
    kinds = periods.set_index("period_id")["kind"]
    judged = reforms(matrix)
    counts = judged.groupby([judged["direction_refers_to"].map(kinds).rename("kind"),
                             judged["power_direction"]]).size()
    return counts.rename("reforms").reset_index()


def claims_per_source(claims: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """How many claims of the ledger each source contributes (zero included)."""
    counts = claims.groupby("source_id").size()
    return pd.DataFrame({
        "Source": sources["source_id"], "Outlet": sources["outlet"],
        "Claims": sources["source_id"].map(counts).fillna(0).astype(int),
    }).sort_values("Source").reset_index(drop=True)
