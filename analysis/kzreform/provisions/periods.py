"""The periods of the provisions matrix (``data/coding/periods.csv``), selected by kind.

A period is in force (the constitution as it stood), a proposal, or external
(the 2026 constitution, known from cited reporting and the law's text rather
than the corpus); the kinds are named in :mod:`kzreform.core.vocabulary`.
"""

from __future__ import annotations

import pandas as pd


def period_ids(periods: pd.DataFrame, *kinds: str) -> list[str]:
    """The ids of the periods of any of ``kinds``, in the periods' order."""
    return periods[periods["kind"].isin(kinds)].sort_values("order")["period_id"].tolist()
