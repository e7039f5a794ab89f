"""The content rules the build and ``validate`` run, gathered from each domain.

The rules themselves live with their domain (``corpus/rules.py``,
``provisions/rules.py``, ``framing/rules.py``, ``evidence/rules.py``); here they are
grouped as the stages run them (:mod:`kzreform.pipeline.stages`). Each rule returns
every problem it finds as :class:`~kzreform.core.errors.Issue` objects (file, row,
field, value). Table rules (types, enums, patterns, keys, foreign keys) are not
repeated in them: they live in ``datapackage.json``.
"""

from __future__ import annotations

from pathlib import Path

from kzreform.core.codebook import codebook_path, load_codebook
from kzreform.core.data import load_table, resource_path
from kzreform.core.errors import Issue
from kzreform.core.paths import DATA
from kzreform.corpus.rules import boilerplate_issues, event_issues, quote_issues, source_issues
from kzreform.framing.rules import (
    codebook_change_issues,
    lexicon_issues,
    manual_coding_issues,
    reconciled_coding_issues,
    stopword_issues,
    voice_cue_issues,
)
from kzreform.provisions.rules import (
    change_kind_issues,
    external_claim_issues,
    fact_check_issues,
    law_issues,
    reference_issues,
    reform_issues,
)

# Hand-edited tables every analysis of the study reads: with only a header they
# would pass their schema but leave a chart, a comparison or the coders' evaluation
# with nothing to show (the hand coding must also code two sources; see framing).
NEEDS_ROWS = ("events", "fact-statements", "external-facts", "framing-lexicon",
              "framing-voice-cues", "framing-manual")


def empty_table_issues(data_dir: Path = DATA) -> list[Issue]:
    """Each table of :data:`NEEDS_ROWS` has at least one row below its header."""
    return [Issue.at(resource_path(name, data_dir), f"has a header but no rows; the study "
                                                    f"needs at least one row of table {name!r}")
            for name in NEEDS_ROWS if load_table(name, data_dir).empty]


def input_rule_issues(data_dir: Path = DATA) -> list[Issue]:
    """Rules on the hand-edited inputs alone, checked before anything is built from them."""
    sources = load_table("sources", data_dir)
    codebook = load_codebook(codebook_path(data_dir))
    return [
        *empty_table_issues(data_dir),
        *source_issues(data_dir),
        *boilerplate_issues(sources, data_dir),
        *reference_issues(data_dir),
        *event_issues(data_dir),
        *external_claim_issues(data_dir),
        *change_kind_issues(data_dir),
        *reform_issues(data_dir),
        *law_issues(data_dir),
        *fact_check_issues(data_dir),
        *lexicon_issues(codebook, data_dir),
        *voice_cue_issues(data_dir),
        *stopword_issues(data_dir),
    ]


def corpus_rule_issues(data_dir: Path, built: dict) -> list[Issue]:
    """Rules tying the hand-coded tables to the paragraphs the corpus stage segmented."""
    paragraphs = built["paragraphs"]
    return [
        *quote_issues("claims", paragraphs, data_dir),
        *quote_issues("fact-statements", paragraphs, data_dir),
        *quote_issues("events", paragraphs, data_dir, check_source=False),
        *manual_coding_issues(paragraphs, data_dir),
        *reconciled_coding_issues(paragraphs, data_dir),
        *codebook_change_issues(paragraphs, data_dir),
    ]
