"""Builder of the evidence stage: every quote and report the report's tables cite."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kzreform.core.data import load_table
from kzreform.evidence.quotes import (
    claim_quotes,
    event_quotes,
    exemplar_quotes,
    external_claim_reports,
    external_event_reports,
    external_fact_reports,
    fact_quotes,
)


def evidence_tables(data_dir: Path, tables: dict) -> dict:
    """Builder: every quote the report's tables cite, and what each cited reference reports."""
    provisions, periods, facts, events = (load_table(name, data_dir) for name in
                                          ("provisions", "periods", "facts", "events"))
    quotes = pd.concat([claim_quotes(load_table("claims", data_dir), provisions, periods),
                        fact_quotes(load_table("fact-statements", data_dir), facts),
                        event_quotes(events), exemplar_quotes(tables["exemplars"])],
                       ignore_index=True)
    reports = pd.concat([external_claim_reports(load_table("external-claims", data_dir),
                                                provisions, periods),
                         external_fact_reports(load_table("external-facts", data_dir), facts),
                         external_event_reports(events)], ignore_index=True)
    return {"evidence-quotes": quotes.drop_duplicates(ignore_index=True),
            "evidence-reports": reports.drop_duplicates(ignore_index=True)}
