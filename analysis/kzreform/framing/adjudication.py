"""The reconciled coding: every paragraph two hand codings differ on, settled by reading it.

``data/coding/framing_reconciled.csv`` codes each paragraph both hand codings
code (``framing_manual.csv``, coder 1; ``framing_second.csv``, coder 2) once.
Where the two agree it repeats their codes; where they differ it holds the
adjudicated codes, which coding they follow (``decided_by``) and a note naming
the codebook rule that decides. ``decided_by`` is stated by the adjudicator and
checked here against the three codings, so it can never misreport a decision.
"""

from __future__ import annotations

import pandas as pd

from kzreform.core.codebook import split_list
from kzreform.core.vocabulary import AGREEMENT, CODER_1, CODER_2, NEW_CODE

# The coded variables two codings are compared on; lists compare as sets.
CODED = ["primary_frame", "secondary_frames", "stance", "stance_target", "voices"]
LISTS = ("secondary_frames", "voices")
RECONCILED_COLUMNS = ["paragraph_id", *CODED, "decided_by", "note"]


def _codes(row) -> tuple:
    """A row's codes in a form equal exactly when the codes are (lists as sets)."""
    return tuple(frozenset(split_list(row[name])) if name in LISTS else str(row[name])
                 for name in CODED)


def differing(first, second) -> list[str]:
    """The variables two codings of one paragraph (rows) differ on."""
    return [name for name, one, other in zip(CODED, _codes(first), _codes(second))
            if one != other]


def decision(first, second, reconciled) -> str:
    """What ``decided_by`` must say of ``reconciled`` given the two codings (rows)."""
    if not differing(first, second):
        return AGREEMENT
    if not differing(first, reconciled):
        return CODER_1
    if not differing(second, reconciled):
        return CODER_2
    return NEW_CODE


def adjudicated(first: pd.DataFrame, second: pd.DataFrame,
                reconciled: pd.DataFrame) -> pd.DataFrame:
    """Per reconciled paragraph both codings code: the variables they differ on and the decision."""
    rows = reconciled.merge(first, on="paragraph_id", suffixes=("", "_1")).merge(
        second, on="paragraph_id", suffixes=("", "_2"))

    def side(row, suffix):
        return {name: row[f"{name}{suffix}"] for name in CODED}

    return pd.DataFrame({
        "paragraph_id": rows["paragraph_id"],
        "differ": [differing(side(row, "_1"), side(row, "_2")) for _, row in rows.iterrows()],
        "decision": [decision(side(row, "_1"), side(row, "_2"), side(row, ""))
                     for _, row in rows.iterrows()],
    })
