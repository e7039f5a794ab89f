"""Provisions before and after 2022: the claims ledger, the matrix and cross-source consistency.

Everything here is computed from hand-coded tables in ``data/coding/``:
``claims.csv`` (verbatim quotes read from the corpus), ``provisions.csv`` and
``periods.csv`` (what is tabulated), ``facts.csv``, ``fact_statements.csv`` and
``external_facts.csv`` (figures several sources give). A matrix cell states a
value only if a claim backs it; otherwise it says :data:`NOT_STATED`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .corpus import quote_in_text
from .errors import DataValidationError
from .paths import CODING, PARAGRAPHS, PROCESSED, ROOT, relative

CLAIMS = CODING / "claims.csv"
PROVISIONS = CODING / "provisions.csv"
PERIODS = CODING / "periods.csv"
FACTS = CODING / "facts.csv"
FACT_STATEMENTS = CODING / "fact_statements.csv"
EXTERNAL_FACTS = CODING / "external_facts.csv"
REFERENCES = ROOT / "report" / "references.bib"
PROVISIONS_MATRIX = PROCESSED / "provisions_matrix.csv"
MATRIX_CLAIMS = PROCESSED / "provisions_matrix_claims.csv"
FACT_CONSISTENCY = PROCESSED / "fact_consistency.csv"

NOT_STATED = "not stated in the corpus"
DOMAINS = ("presidency", "parliament", "elections and parties", "judiciary and rights",
           "local government", "first president and family")
ADOPTED_KINDS = ("introduced", "abolished", "modified", "unchanged")
PROPOSED_ONLY = "proposed only"


# --- loading and validating the hand-coded tables ---------------------------------

def read_coding(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def check_rows(table: pd.DataFrame, path: Path, required: tuple[str, ...],
               known: dict[str, tuple[str, set]]) -> None:
    """Raise for the first empty required field or unknown reference, naming row and field.

    ``known`` maps a field to (what it names, the set of valid values).
    """
    for row_number, row in enumerate(table.to_dict("records"), start=2):
        where = f"{relative(path)}, row {row_number}"
        for field in required:
            if not str(row.get(field, "")).strip():
                raise DataValidationError(f"{where}, field {field!r}: empty value")
        for field, (what, valid) in known.items():
            if row[field] not in valid:
                raise DataValidationError(f"{where}, field {field!r}: unknown {what} {row[field]!r}")


def check_quotes(table: pd.DataFrame, path: Path, paragraphs: pd.DataFrame) -> None:
    """Each quote must occur (whitespace-normalised) in its paragraph, of its source."""
    known = paragraphs.set_index("paragraph_id")
    check_rows(table, path, ("paragraph_id", "source_id", "quote"),
               {"paragraph_id": ("paragraph", set(known.index))})
    for row_number, row in enumerate(table.to_dict("records"), start=2):
        where = f"{relative(path)}, row {row_number}"
        paragraph = known.loc[row["paragraph_id"]]
        if paragraph["source_id"] != row["source_id"]:
            raise DataValidationError(
                f"{where}, field 'source_id': {row['source_id']!r} but paragraph "
                f"{row['paragraph_id']} belongs to {paragraph['source_id']!r}")
        if not quote_in_text(row["quote"], paragraph["text"]):
            raise DataValidationError(
                f"{where}, field 'quote': not found in paragraph {row['paragraph_id']}")


def check_numbers(table: pd.DataFrame, path: Path, field: str = "number") -> None:
    for row_number, value in enumerate(table[field], start=2):
        if value and pd.isna(pd.to_numeric(value, errors="coerce")):
            raise DataValidationError(
                f"{relative(path)}, row {row_number}, field {field!r}: {value!r} is not a number")


def load_periods(path: Path = PERIODS) -> pd.DataFrame:
    periods = read_coding(path)
    check_rows(periods, path, ("period_id", "label", "kind", "order"), {})
    return periods.assign(order=periods["order"].astype(int)).sort_values("order")


def load_provisions(path: Path = PROVISIONS, periods: pd.DataFrame | None = None) -> pd.DataFrame:
    periods = load_periods() if periods is None else periods
    provisions = read_coding(path)
    check_rows(provisions, path, tuple(provisions.columns), {
        "domain": ("domain", set(DOMAINS)),
        "direction_refers_to": ("period", set(periods["period_id"])),
    })
    return provisions


def load_claims(paragraphs: pd.DataFrame, provisions: pd.DataFrame, periods: pd.DataFrame,
                path: Path = CLAIMS) -> pd.DataFrame:
    """The claims ledger, validated against the corpus and the coding tables."""
    claims = read_coding(path)
    check_rows(claims, path,
               ("claim_id", "source_id", "paragraph_id", "provision_id", "period_id",
                "quote", "value"),
               {"provision_id": ("provision", set(provisions["provision_id"])),
                "period_id": ("period", set(periods["period_id"]))})
    check_quotes(claims, path, paragraphs)
    check_numbers(claims, path)
    return claims


def bibliography_keys(path: Path = REFERENCES) -> set[str]:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return set(re.findall(r"@\w+\s*\{\s*([^,\s]+)\s*,", text))


def load_fact_tables(paragraphs: pd.DataFrame, references: Path = REFERENCES):
    """Facts, their corpus statements and their external statements, validated."""
    facts = read_coding(FACTS)
    check_rows(facts, FACTS, ("fact_id", "label", "comparison"),
               {"comparison": ("comparison", {"number", "value"})})
    fact_ids = ("fact", set(facts["fact_id"]))
    statements = read_coding(FACT_STATEMENTS)
    check_rows(statements, FACT_STATEMENTS, ("statement_id", "fact_id", "value"),
               {"fact_id": fact_ids})
    check_quotes(statements, FACT_STATEMENTS, paragraphs)
    check_numbers(statements, FACT_STATEMENTS)
    external = read_coding(EXTERNAL_FACTS)
    check_rows(external, EXTERNAL_FACTS,
               ("external_id", "fact_id", "statement", "value", "reference"),
               {"fact_id": fact_ids,
                "reference": (f"citation key (not in {relative(references)})",
                              bibliography_keys(references))})
    check_numbers(external, EXTERNAL_FACTS)
    return facts, statements, external


# --- the provisions matrix -----------------------------------------------------------

def cell_text(cell_claims: pd.DataFrame) -> str:
    """A cell's value with the paragraphs that state it; differing statements are kept apart."""
    if cell_claims.empty:
        return NOT_STATED
    parts = [f"{value} [{', '.join(dict.fromkeys(group['paragraph_id']))}]"
             for value, group in cell_claims.groupby("value", sort=False)]
    if len(parts) == 1:
        return parts[0]
    sources = cell_claims["source_id"].unique()
    lead = "sources differ" if len(sources) > 1 else f"{sources[0]} states it differently"
    return f"{lead}: " + "; ".join(parts)


def check_change_kinds(matrix: pd.DataFrame, periods: pd.DataFrame, path: Path = PROVISIONS):
    """The hand-coded kind of change must fit what the cells state."""
    in_force = periods[periods["kind"] == "in force"]["period_id"].tolist()
    reform = in_force[1:]
    proposals = periods[periods["kind"] == "proposal"]["period_id"].tolist()
    for row_number, row in enumerate(matrix.to_dict("records"), start=2):
        where = f"{relative(path)}, row {row_number}"
        adopted = any(row[p] != NOT_STATED for p in reform)
        if row["change_kind"] == PROPOSED_ONLY and (
                adopted or all(row[p] == NOT_STATED for p in proposals)):
            raise DataValidationError(
                f"{where}, field 'change_kind': 'proposed only' but the corpus states "
                f"{'an adopted change' if adopted else 'no proposal'} for {row['provision_id']}")
        if row["change_kind"] in ADOPTED_KINDS and not adopted:
            raise DataValidationError(
                f"{where}, field 'change_kind': {row['change_kind']!r} but no claim states "
                f"what 2022-2023 did to {row['provision_id']}")
        if row[row["direction_refers_to"]] == NOT_STATED:
            raise DataValidationError(
                f"{where}, field 'direction_refers_to': the corpus states nothing for "
                f"{row['provision_id']} in {row['direction_refers_to']}")


def provisions_matrix(claims: pd.DataFrame, provisions: pd.DataFrame,
                      periods: pd.DataFrame) -> pd.DataFrame:
    """One row per provision: a cell per period, the kind and direction of change, the evidence."""
    period_ids = periods["period_id"].tolist()
    rows = []
    for provision in provisions.to_dict("records"):
        own = claims[claims["provision_id"] == provision["provision_id"]]
        cells = {p: cell_text(own[own["period_id"] == p]) for p in period_ids}
        rows.append({
            "domain": provision["domain"], "provision_id": provision["provision_id"],
            "provision": provision["name"], **cells,
            "change_kind": provision["change_kind"],
            "direction_refers_to": provision["direction_refers_to"],
            "power_direction": provision["power_direction"],
            "power_rationale": provision["power_rationale"],
            "claim_ids": " ".join(own["claim_id"]),
            "source_ids": " ".join(sorted(own["source_id"].unique())),
        })
    matrix = pd.DataFrame(rows)
    check_change_kinds(matrix, periods)
    domain_order = {domain: i for i, domain in enumerate(DOMAINS)}
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

def provisions_tables(tables: dict) -> dict:
    """Builder for ``kzreform.build``: the matrix, its evidence links and the consistency table."""
    paragraphs = tables[PARAGRAPHS]
    periods = load_periods()
    provisions = load_provisions(periods=periods)
    claims = load_claims(paragraphs, provisions, periods)
    facts, statements, external = load_fact_tables(paragraphs)
    return {
        PROVISIONS_MATRIX: provisions_matrix(claims, provisions, periods),
        MATRIX_CLAIMS: matrix_claims(claims),
        FACT_CONSISTENCY: fact_consistency(claims, provisions, periods,
                                           facts, statements, external),
    }


def claims_per_source(claims: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """How many claims of the ledger each source contributes (zero included)."""
    counts = claims.groupby("source_id").size()
    return pd.DataFrame({
        "Source": sources["source_id"], "Outlet": sources["outlet"],
        "Claims": sources["source_id"].map(counts).fillna(0).astype(int),
    }).sort_values("Source").reset_index(drop=True)
