"""Framing tables as the notebook and the report show them (from the stored results)."""

from __future__ import annotations

import pandas as pd

from kzreform.core.codebook import Codebook
from kzreform.framing.analysis import MIXED_STANCE
from kzreform.framing.reliability import interval_text


def stance_cells(summary: pd.DataFrame) -> pd.Series:
    """Each row of :func:`stance_by_target` as 'mean [low, high], n = paragraphs'."""
    return (interval_text(summary.rename(columns={"mean_stance": "estimate"}))
            + ", n = " + summary["paragraphs"].astype(str))


def stance_cell(summary: pd.DataFrame, source_id: str, target: str) -> str:
    """One source's mean stance toward one target, as the table shows it (for prose)."""
    row = summary[(summary["source_id"] == source_id) & (summary["stance_target"] == target)]
    return stance_cells(row).iloc[0]


def stance_by_target_table(summary: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Targets down (in codebook order), sources across by date: 'mean [low, high], n'."""
    cells = summary.assign(value=stance_cells(summary))
    sources = list(dict.fromkeys(summary.sort_values(["date_mid", "source"])["source"]))
    targets = [target for target in codebook.targets if target in set(summary["stance_target"])]
    wide = cells.pivot(index="stance_target", columns="source", values="value").reindex(
        index=targets, columns=sources).fillna("")
    wide.columns.name = None
    wide.insert(0, "group", [codebook.target_groups[target] for target in targets])
    wide.index = [codebook.targets[target] for target in targets]
    return wide.rename_axis("stance target").reset_index()


def target_counts_table(counts: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Stored target counts as shown: targets down (labelled), sources across, with totals."""
    wide = counts.pivot(index="stance_target", columns="source_id", values="paragraphs").reindex(
        index=list(dict.fromkeys(counts["stance_target"])),
        columns=list(dict.fromkeys(counts["source_id"])))
    return wide.rename(index=codebook.targets).rename_axis(index="stance target", columns=None)


def coded_per_source_table(coding: pd.DataFrame) -> pd.DataFrame:
    """The stored per-source coding table as shown: one row per source id, then the totals."""
    return coding.drop(columns="source").set_index("source_id").rename_axis("source")


def source_summary_table(summary: pd.DataFrame,
                         sources_in_order: list[str] | None = None) -> pd.DataFrame:
    """Sources across (in the order given, e.g. by date); mean stance, then the frames used."""
    shown = summary[(summary["item"] == MIXED_STANCE)
                    | summary.groupby("item")["estimate"].transform("max").gt(0)]
    table = shown.assign(value=interval_text(shown, percent=False).where(
        shown["item"] == MIXED_STANCE, interval_text(shown, percent=True)))
    order = list(dict.fromkeys(shown["item"]))
    wide = table.pivot(index="item", columns="source", values="value").reindex(order)
    counts = summary.groupby("source")["paragraphs"].first()
    wide.loc["paragraphs"] = counts.astype(str)
    wide.columns.name = None
    if sources_in_order is not None:
        wide = wide[[source for source in sources_in_order if source in wide.columns]]
    return wide.reindex(["paragraphs", *order]).rename_axis("").reset_index()
