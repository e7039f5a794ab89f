"""Agreement between two independent hand codings, and of each with their reconciliation.

Reliability in content analysis is agreement between coders who code the same
units independently (Krippendorff 2004). ``data/coding/framing_second.csv`` is
a second coder's coding of the hand-coded paragraphs, made from the paragraphs
and the codebook alone; ``framing_reconciled.csv`` settles every paragraph the
two codings differ on (:mod:`kzreform.framing.adjudication`). This module measures the
agreement of the first coding (``framing_manual.csv``) with the second, and of
each with the reconciled coding, with the measures the automated coders are
evaluated with (:mod:`kzreform.framing.reliability`), the set of voices added. Intervals
resample sources and the paragraphs within them: paragraphs of one text are not
independent of one another.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kzreform.core.codebook import codebook_path, load_codebook
from kzreform.core.vocabulary import CODER_1, CODER_2
from kzreform.framing.reliability import pair_codes, with_intervals, with_voices

RECONCILED = "reconciled"
# The codings compared, by their name in the table; the first of a pair is the
# reference of per-frame precision and recall.
CODINGS = {CODER_1: "framing-manual", CODER_2: "framing-second",
           RECONCILED: "framing-reconciled"}
COMPARISONS = [(CODER_1, CODER_2), (CODER_1, RECONCILED), (CODER_2, RECONCILED)]


def comparison_name(first: str, second: str) -> str:
    """'coder 1 vs coder 2': how a comparison is named in the table."""
    return f"{first} vs {second}"


BETWEEN_CODERS = comparison_name(*COMPARISONS[0])


def intercoder_agreement(first: pd.DataFrame, second: pd.DataFrame, codebook,
                         sources: pd.DataFrame, resamples: int | None = None) -> pd.DataFrame:
    """Alpha per code and per-frame precision and recall of ``second`` against ``first``.

    ``sources`` maps each paragraph_id to its source_id (the bootstrap draws sources);
    ``resamples`` as in :func:`kzreform.framing.reliability.with_intervals`.
    """
    first, second = coded_by_both(first, second)
    with_source = second.merge(sources[["paragraph_id", "source_id"]], on="paragraph_id")
    paired = with_voices(pair_codes(first, with_source, codebook), first, second)
    return with_intervals(paired, codebook, resamples)


def coded_by_both(first: pd.DataFrame, second: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of each coding for the paragraphs both code (a source being recoded drops out)."""
    both = set(first["paragraph_id"]) & set(second["paragraph_id"])
    return (first[first["paragraph_id"].isin(both)], second[second["paragraph_id"].isin(both)])


def agreement_of_codings(data_dir: Path, codings: dict[str, pd.DataFrame], sources: pd.DataFrame,
                         resamples: int) -> pd.DataFrame:
    """Every comparison of :data:`COMPARISONS`, one table; ``sources`` as in the agreement."""
    codebook = load_codebook(codebook_path(data_dir))
    measured = [intercoder_agreement(codings[first], codings[second], codebook, sources,
                                     resamples).assign(comparison=comparison_name(first, second))
                for first, second in COMPARISONS]
    table = pd.concat(measured, ignore_index=True)
    return table[["comparison", *table.columns[:-1]]]
