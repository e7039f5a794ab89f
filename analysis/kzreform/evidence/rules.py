"""Content rule of the evidence stage: every stored quote is verbatim in its paragraph."""

from __future__ import annotations

from pathlib import Path

from kzreform.core.data import load_table, resource_path
from kzreform.core.errors import Issue
from kzreform.corpus.rules import quote_row_issues


def evidence_quote_issues(data_dir: Path, tables: dict) -> list[Issue]:
    """Rule of the evidence stage: every stored quote occurs verbatim in its paragraph."""
    return quote_row_issues(tables["evidence-quotes"], resource_path("evidence-quotes", data_dir),
                            load_table("paragraphs", data_dir), check_source=False)
