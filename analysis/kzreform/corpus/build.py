"""Builders of the corpus stage: paragraphs, removed boilerplate, text signatures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kzreform.core.data import load_table
from kzreform.corpus.duplicates import TABLE, fingerprints
from kzreform.corpus.segment import load_boilerplate_rules, segment_corpus


def signature_tables(data_dir: Path, tables: dict) -> dict:
    """Builder: the fingerprint of every source's text (``processed/text_signatures.csv``)."""
    rows = [{"source_id": source_id, "sha256": found.sha256,
             "minhash": " ".join(str(value) for value in found.minhash.hashvalues)}
            for source_id, found in fingerprints(data_dir).items()]
    return {TABLE: pd.DataFrame(rows, columns=["source_id", "sha256", "minhash"])}


def corpus_tables(data_dir: Path, tables: dict) -> dict:
    """Builder: body paragraphs and removed boilerplate of every source in ``data_dir``."""
    paragraphs, removed = segment_corpus(load_table("sources", data_dir),
                                         load_boilerplate_rules(data_dir), data_dir)
    return {"paragraphs": paragraphs, "removed-text": removed}
