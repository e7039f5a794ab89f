"""Content rule of the evidence stage: every stored quote is verbatim in its paragraph."""

from __future__ import annotations

from pathlib import Path

from kzreform.core.data import resource_path
from kzreform.core.errors import Issue
from kzreform.corpus.rules import quote_row_issues


def evidence_quote_issues(data_dir: Path, tables: dict) -> list[Issue]:
    """Rule of the evidence stage: every stored quote occurs verbatim in its paragraph.

    ``tables`` holds the paragraphs of this build (the stage reads them), not the
    stored ones, which a build has not yet replaced when its rules run.
    """
    return quote_row_issues(tables["evidence-quotes"], resource_path("evidence-quotes", data_dir),
                            tables["paragraphs"], check_source=False)
