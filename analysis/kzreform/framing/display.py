"""Framing tables as the notebook and the report show them (from the stored results)."""

from __future__ import annotations

import pandas as pd

from kzreform.core.codebook import Codebook
from kzreform.core.vocabulary import (ALPHA, FLAGGED, FLAGGED_ERRORS, FLAGGED_PARAGRAPHS,
                                      IN_SAMPLE, LOSO, PRECISION, RECALL)
from kzreform.framing.analysis import MIXED_STANCE
from kzreform.framing.intercoder import BETWEEN_CODERS, COMPARISONS, comparison_name


def stance_cells(summary: pd.DataFrame) -> pd.Series:
    """Each row of :func:`kzreform.framing.analysis.stance_by_target` as 'mean [low, high], n'."""
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


def _with_minus(number: str) -> str:
    """The minus sign the tables print, not a hyphen."""
    return number.replace("-", "−")


def _shown(value: float, percent: bool) -> str:
    if pd.isna(value):
        return "–"
    return f"{value:.0%}" if percent else _with_minus(f"{value:.2f}")


def signed(value: float) -> str:
    """'+0.41', '−0.29': a mean stance with its sign, for prose."""
    return _with_minus(f"{value:+.2f}")


def _interval_text(row: pd.Series, percent: bool) -> str:
    if pd.isna(row["estimate"]):
        return _shown(row["estimate"], percent)
    return (f"{_shown(row['estimate'], percent)} [{_shown(row['ci_low'], percent)}, "
            f"{_shown(row['ci_high'], percent)}]")


def interval_text(table: pd.DataFrame, percent: bool = False) -> pd.Series:
    """'estimate [low, high]' for display, as a percentage or to two decimals; '–' if undefined."""
    return table.apply(_interval_text, axis=1, percent=percent)


def alpha_table(table: pd.DataFrame) -> pd.DataFrame:
    """One row per coder: how it was evaluated and its alphas with their intervals."""
    alphas = table[table["measure"] == ALPHA]
    wide = alphas.assign(value=interval_text(alphas)).pivot(
        index="coder", columns="item", values="value").reindex(alphas["coder"].unique())
    coders = alphas.drop_duplicates("coder").set_index("coder")
    label = coders["coder_label"].where(~coders["chosen"], coders["coder_label"] + " (chosen)")
    return pd.DataFrame({
        "coder": label.to_numpy(),
        "codes compared": coders["evaluation"].to_numpy(),
        "alpha, stance (ordinal)": wide.loc[coders.index, "stance"].to_numpy(),
        "alpha, primary frame (nominal)": wide.loc[coders.index, "primary_frame"].to_numpy(),
        "alpha, stance target (nominal)": wide.loc[coders.index, "stance_target"].to_numpy(),
    })


def flag_table(table: pd.DataFrame) -> pd.DataFrame:
    """One row per coder: the shares of paragraphs and of wrong codes its flag holds.

    The flag marks paragraphs for checking by hand; both shares come with their
    intervals.
    """
    flags = table[table["measure"] == FLAGGED]
    shown = flags.assign(value=interval_text(flags, percent=True)).pivot(
        index="coder", columns="item", values="value").reindex(flags["coder"].unique())
    labels = flags.drop_duplicates("coder").set_index("coder")
    return pd.DataFrame({
        "coder": labels.loc[shown.index, "coder_label"].to_numpy(),
        "codes compared": labels.loc[shown.index, "evaluation"].to_numpy(),
        "paragraphs flagged": shown[FLAGGED_PARAGRAPHS].to_numpy(),
        "wrong codes flagged": shown[FLAGGED_ERRORS].to_numpy(),
    })


def frame_table(table: pd.DataFrame, codebook: Codebook, coders: list[str]) -> pd.DataFrame:
    """Per-frame precision and recall with intervals: frames down, each coder's two across."""
    rows = table[table["measure"].isin([PRECISION, RECALL])]
    recall = rows[rows["measure"] == RECALL].drop_duplicates("item").set_index("item")
    shown = pd.DataFrame({"frame": list(codebook.frames.values()),
                          "hand-coded paragraphs": recall["paragraphs"].reindex(
                              list(codebook.frames)).to_numpy()})
    for coder in coders:
        own = rows[rows["coder"] == coder]
        name = coder if own["evaluation"].iloc[0] == LOSO else f"{coder} ({IN_SAMPLE})"
        for measure in (PRECISION, RECALL):
            values = own[own["measure"] == measure].set_index("item")
            shown[f"{name}: {measure}"] = interval_text(
                values, percent=True).reindex(list(codebook.frames)).to_numpy()
    return shown


def headline(table: pd.DataFrame, coder: str, item: str) -> str:
    """'0.18 (95% interval 0.01 to 0.35)' for the report's prose."""
    row = table[(table["coder"] == coder) & (table["measure"] == ALPHA)
                & (table["item"] == item)].iloc[0]
    estimate, low, high = (_shown(row[column], percent=False)
                           for column in ("estimate", "ci_low", "ci_high"))
    return f"{estimate} (95% interval {low} to {high})"


ALPHA_ITEMS = {"stance": "stance (ordinal)", "primary_frame": "primary frame (nominal)",
               "stance_target": "stance target (nominal)", "voices": "voices (set, MASI)"}


def agreement_table(agreement: pd.DataFrame) -> pd.DataFrame:
    """Krippendorff's alpha per code (rows) and comparison (columns), with its interval."""
    alphas = agreement[agreement["measure"] == ALPHA]
    shown = alphas.assign(value=interval_text(alphas)).pivot(
        index="item", columns="comparison", values="value")
    shown = shown.reindex(index=list(ALPHA_ITEMS),
                          columns=[comparison_name(*pair) for pair in COMPARISONS])
    paragraphs = alphas.drop_duplicates("item").set_index("item")["paragraphs"]
    return pd.DataFrame({"code": list(ALPHA_ITEMS.values()),
                         "paragraphs": paragraphs.reindex(list(ALPHA_ITEMS)).to_numpy(),
                         **{f"alpha, {column} [95% interval]": shown[column].to_numpy()
                            for column in shown.columns}})


def frame_agreement_table(agreement: pd.DataFrame, codebook) -> pd.DataFrame:
    """Per frame: how many of each coder's uses (primary or secondary) the other coder shares."""
    frames = agreement[(agreement["measure"] != ALPHA)
                       & (agreement["comparison"] == BETWEEN_CODERS)]
    wide = frames.assign(value=interval_text(frames, percent=True)).pivot(
        index="item", columns="measure", values="value").reindex(list(codebook.frames))
    uses = frames.pivot(index="item", columns="measure", values="paragraphs").reindex(
        list(codebook.frames))
    return pd.DataFrame({
        "frame": [codebook.frames[frame] for frame in wide.index],
        "first coder's uses": uses[RECALL].to_numpy(),
        "of these, the second codes too": wide[RECALL].to_numpy(),
        "second coder's uses": uses[PRECISION].to_numpy(),
        "of these, the first codes too": wide[PRECISION].to_numpy(),
    })


def alpha_between(agreement: pd.DataFrame, comparison: str, item: str) -> str:
    """'0.86 [0.76, 0.93]': one alpha of one comparison, for prose."""
    row = agreement[(agreement["comparison"] == comparison) & (agreement["measure"] == ALPHA)
                    & (agreement["item"] == item)]
    return interval_text(row).iloc[0]


def leading_text(leading: pd.DataFrame, kind: str) -> str:
    """Stored leading categories of one kind as the prose gives them: "source, label (share)"."""
    rows = leading[leading["kind"] == kind]
    return "; ".join(f"{source}, {label} ({share:.0%})"
                     for source, label, share in zip(rows["source"], rows["label"], rows["share"]))
