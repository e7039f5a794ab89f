"""Builder of the provisions stage: the matrix, fact consistency, the law beside the sources."""

from __future__ import annotations

from pathlib import Path

from kzreform.core.data import field_enum, load_table
from kzreform.provisions.law import contradicted_claims, law_beside_sources, source_accuracy
from kzreform.provisions.matrix import fact_consistency, matrix_claims, provisions_matrix

# --- the build step ----------------------------------------------------------------

def provisions_tables(data_dir: Path, tables: dict) -> dict:
    """Builder: the matrix and its evidence links, the consistency table, the law beside it."""
    periods = load_table("periods", data_dir).sort_values("order")
    provisions = load_table("provisions", data_dir)
    claims = load_table("claims", data_dir)
    external_claims = load_table("external-claims", data_dir)
    facts, statements, external, checks, law, judgements, sources = (
        load_table(name, data_dir) for name in
        ("facts", "fact-statements", "external-facts", "fact-checks", "law",
         "comparison-judgements", "sources"))
    matrix = provisions_matrix(claims, external_claims, provisions, periods,
                               field_enum("provisions", "domain", data_dir),
                               frozenset(contradicted_claims(checks)))
    return {
        "provisions-matrix": matrix,
        "provisions-matrix-claims": matrix_claims(claims),
        "fact-consistency": fact_consistency(claims, provisions, periods,
                                             facts, statements, external, judgements),
        "law-beside-sources": law_beside_sources(matrix, law, periods, claims, checks),
        "source-accuracy": source_accuracy(sources, claims, statements, checks, periods,
                                           field_enum("fact-checks", "verdict", data_dir)),
    }
