"""Provisions before and after 2022: the claims ledger, the matrix and cross-source consistency.

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

from pathlib import Path

import pandas as pd

from .data import field_enum, load_table

NOT_STATED = "not stated in the corpus"
NOT_STATED_EXTERNAL = "not stated in the cited reporting"
# Marks what rests on cited reporting rather than on the corpus.
EXTERNAL_MARK = "†"
EXTERNAL = "external"
ADOPTED_KINDS = ("introduced", "abolished", "modified", "unchanged")
PROPOSED_ONLY = "proposed only"


# --- the provisions matrix -----------------------------------------------------------

def cell_text(cell_claims: pd.DataFrame) -> str:
    """A cell's value with the paragraphs that state it; differing statements are kept apart."""
    return _cell(cell_claims, "source_id", "paragraph_id", NOT_STATED, "")


def external_cell_text(cell_claims: pd.DataFrame) -> str:
    """An external cell: each value with the reference keys that report it, after a dagger."""
    return _cell(cell_claims, "reference", "reference", NOT_STATED_EXTERNAL, f"{EXTERNAL_MARK} ")


def _cell(cell_claims: pd.DataFrame, who: str, evidence: str, silent: str, mark: str) -> str:
    if cell_claims.empty:
        return silent
    parts = [f"{value} [{mark}{', '.join(dict.fromkeys(group[evidence]))}]"
             for value, group in cell_claims.groupby("value", sort=False)]
    if len(parts) == 1:
        return parts[0]
    sources = cell_claims[who].unique()
    lead = "sources differ" if len(sources) > 1 else f"{sources[0]} states it differently"
    return f"{lead}: " + "; ".join(parts)


def external_period_ids(periods: pd.DataFrame) -> list[str]:
    """Periods whose cells come from cited reporting, not from the corpus."""
    return periods.loc[periods["kind"] == EXTERNAL, "period_id"].tolist()


def expected_cells(claims: pd.DataFrame, external_claims: pd.DataFrame,
                   periods: pd.DataFrame, provision_id: str) -> dict[str, str]:
    """Each period's cell for one provision, from the ledger that period draws on."""
    external = set(external_period_ids(periods))
    cells = {}
    for period_id in periods["period_id"]:
        ledger, text = ((external_claims, external_cell_text) if period_id in external
                        else (claims, cell_text))
        own = ledger[(ledger["provision_id"] == provision_id) & (ledger["period_id"] == period_id)]
        cells[period_id] = text(own)
    return cells


def provisions_matrix(claims: pd.DataFrame, external_claims: pd.DataFrame,
                      provisions: pd.DataFrame, periods: pd.DataFrame,
                      domains: list[str]) -> pd.DataFrame:
    """One row per provision: a cell per period, the kind and direction of change, the evidence."""
    rows = []
    for provision in provisions.to_dict("records"):
        own = claims[claims["provision_id"] == provision["provision_id"]]
        reported = external_claims[external_claims["provision_id"] == provision["provision_id"]]
        rows.append({
            "domain": provision["domain"], "provision_id": provision["provision_id"],
            "provision": provision["name"],
            **expected_cells(claims, external_claims, periods, provision["provision_id"]),
            "change_kind": provision["change_kind"],
            "direction_refers_to": provision["direction_refers_to"],
            "power_direction": provision["power_direction"],
            "power_rationale": provision["power_rationale"],
            "claim_ids": " ".join(own["claim_id"]),
            "source_ids": " ".join(sorted(own["source_id"].unique())),
            "external_claim_ids": " ".join(reported["external_claim_id"]),
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


def _consistency_row(topic_id, topic, kind, statements: pd.DataFrame, tolerance) -> dict:
    """statements: one row per (who, value, number); ``who`` is a source id or citation."""
    agrees = _agrees(statements["value"], statements["number"], tolerance)
    by_value = statements.groupby("value", sort=False)["who"].agg(lambda w: ", ".join(w))
    if agrees and by_value.size > 1:
        agreement = f"agree within {tolerance:g}"
    else:
        agreement = "agree" if agrees else "differ"
    return {
        "topic_id": topic_id, "topic": topic, "kind": kind,
        "statements": "; ".join(f"{who}: {value}" for who, value
                                in zip(statements["who"], statements["value"])),
        "sources": len(statements["who"].unique()),
        "agreement": agreement,
        "difference": "" if agrees else
        " vs ".join(f"{value} ({who})" for value, who in by_value.items()),
    }


def fact_consistency(claims: pd.DataFrame, provisions: pd.DataFrame, periods: pd.DataFrame,
                     facts: pd.DataFrame, statements: pd.DataFrame,
                     external: pd.DataFrame) -> pd.DataFrame:
    """Every fact or matrix cell that two or more sources state, and whether they agree."""
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
                "provision", per_source, None))
    external_rows = external.assign(who="external: " + external["reference"])
    everything = pd.concat([statements.rename(columns={"source_id": "who"}), external_rows])
    for fact in facts.to_dict("records"):
        said = everything[everything["fact_id"] == fact["fact_id"]].drop_duplicates(
            ["who", "value"])
        # corpus sources first, then the external references
        said = said.assign(external=said["who"].str.startswith("external: ")).sort_values(
            ["external", "who"], kind="stable")
        if said["who"].nunique() >= 2:
            tolerance = float(fact["tolerance"]) if fact["comparison"] == "number" else None
            rows.append(_consistency_row(fact["fact_id"], fact["label"], "fact", said, tolerance))
    return pd.DataFrame(rows)


# --- the build step ----------------------------------------------------------------

def provisions_tables(data_dir: Path, tables: dict) -> dict:
    """Builder: the provisions matrix, its evidence links and the consistency table."""
    periods = load_table("periods", data_dir).sort_values("order")
    provisions = load_table("provisions", data_dir)
    claims = load_table("claims", data_dir)
    external_claims = load_table("external-claims", data_dir)
    facts, statements, external = (load_table(name, data_dir) for name in
                                   ("facts", "fact-statements", "external-facts"))
    return {
        "provisions-matrix": provisions_matrix(claims, external_claims, provisions, periods,
                                               field_enum("provisions", "domain", data_dir)),
        "provisions-matrix-claims": matrix_claims(claims),
        "fact-consistency": fact_consistency(claims, provisions, periods,
                                             facts, statements, external),
    }


def claims_per_source(claims: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """How many claims of the ledger each source contributes (zero included)."""
    counts = claims.groupby("source_id").size()
    return pd.DataFrame({
        "Source": sources["source_id"], "Outlet": sources["outlet"],
        "Claims": sources["source_id"].map(counts).fillna(0).astype(int),
    }).sort_values("Source").reset_index(drop=True)
