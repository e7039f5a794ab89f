"""The stages of the data build: what each makes, from which tables, and the rules it answers to.

The build runs the stages in the order of :data:`STAGES`. Each stage's
builder receives only the derived tables it declares (``reads``), so a stage
cannot depend on a table it does not name; right after it has built its
tables, the content rules on them (``rules``) run, so a bad quote in
``claims.csv`` is refused once the corpus is segmented, before any coder is
evaluated. ``python -m kzreform build --only STAGE`` rebuilds a stage and every
stage that reads what it makes (:func:`stages_from`); ``validate`` runs the
same rules on the stored tables. This table is the one declaration of the
stages: the build, the command line, the Makefile's help and the tests read it.

A stage names its builders and rules as ``module:function`` and imports them
only when it runs: the evaluation's machine-learning libraries take seconds to
import, and a command that refuses bad input at the corpus stage, or lists the
stages, never needs them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kzreform.core.errors import DataValidationError

if TYPE_CHECKING:
    import pandas as pd

# Tables by resource name.
Tables = dict[str, "pd.DataFrame"]
# A builder takes the (staged) data directory and the derived tables it reads.
Builder = Callable[[Path, Tables], Tables]
# A content rule takes the data directory and the tables one stage read and made.
Rule = Callable[[Path, Tables], list]


@dataclass(frozen=True)
class Stage:
    """One step of the build."""

    name: str
    summary: str
    builders: tuple[str, ...]  # "module:function", each a Builder
    reads: tuple[str, ...]  # derived tables of earlier stages
    makes: tuple[str, ...]
    rules: tuple[str, ...]  # "module:function", each a Rule

    def build(self, data_dir: Path, tables: Tables) -> Tables:
        """Run the stage's builders on ``data_dir`` with the tables it reads; all they make."""
        made: Tables = {}
        for name in self.builders:
            builder: Builder = _named(name)
            made.update(builder(data_dir, tables))
        return made

    def rule_issues(self, data_dir: Path, tables: Tables) -> list:
        """What the stage's rules find in ``tables`` (those it read and made)."""
        return [issue for name in self.rules for issue in _named(name)(data_dir, tables)]


def _named(name: str) -> Callable:
    """The function a stage names as ``module:function``."""
    module, function = name.split(":")
    return getattr(importlib.import_module(module), function)


STAGES: tuple[Stage, ...] = (
    Stage("corpus", "segment the raw texts into paragraphs, fingerprint each text; check every "
                    "quote against the paragraphs",
          ("kzreform.corpus.build:corpus_tables", "kzreform.corpus.build:signature_tables"),
          reads=(),
          makes=("paragraphs", "removed-text", "text-signatures"),
          rules=("kzreform.pipeline.rules:corpus_rule_issues",)),
    Stage("provisions", "the provisions matrix, fact consistency, the law beside the sources",
          ("kzreform.provisions.build:provisions_tables",), reads=(),
          makes=("provisions-matrix", "provisions-matrix-claims", "fact-consistency",
                 "law-beside-sources", "source-accuracy"),
          rules=("kzreform.provisions.rules:matrix_cell_issues",
                 "kzreform.provisions.rules:comparison_issues")),
    Stage("coding", "agreement between the two hand codings",
          ("kzreform.framing.build:intercoder_tables",), reads=("paragraphs",),
          makes=("intercoder-reliability",),
          rules=()),
    Stage("evaluation", "evaluate the automated coders; code every paragraph with the chosen one",
          ("kzreform.framing.build:framing_tables",), reads=("paragraphs",),
          makes=("framing-auto", "framing-reliability", "framing-calibration"), rules=()),
    Stage("results", "every figure the notebooks and the report show, as tables",
          ("kzreform.pipeline.results:results_tables",),
          reads=("paragraphs", "framing-auto", "provisions-matrix", "source-accuracy"),
          makes=("coded-paragraphs", "coding-per-source", "target-counts", "stance-by-target",
                 "source-summary", "frame-shares", "voice-shares", "leading-categories",
                 "exemplars", "distinctive-words", "reforms-by-direction", "headline-figures"),
          rules=()),
    Stage("evidence", "every quote and report the report's tables cite, for its appendices",
          ("kzreform.evidence.build:evidence_tables",), reads=("paragraphs", "exemplars"),
          makes=("evidence-quotes", "evidence-reports"),
          rules=("kzreform.evidence.rules:evidence_quote_issues",)),
)
STAGE_NAMES = tuple(stage.name for stage in STAGES)


def stage(name: str) -> Stage:
    """The stage called ``name``; a clear error for any other name."""
    for candidate in STAGES:
        if candidate.name == name:
            return candidate
    raise DataValidationError(f"no build stage is called {name!r}; the stages are "
                              f"{', '.join(STAGE_NAMES)}")


def stages_from(name: str) -> list[Stage]:
    """Stage ``name`` and every later stage that reads, directly or not, what it makes."""
    made = set(stage(name).makes)
    chosen = []
    for candidate in STAGES:
        if candidate.name == name or made.intersection(candidate.reads):
            chosen.append(candidate)
            made.update(candidate.makes)
    return chosen
