"""Agreement between two independent hand codings of the same paragraphs.

Reliability in content analysis is agreement between coders who code the same
units independently (Krippendorff 2004). ``data/coding/framing_second.csv`` is
a second coder's coding of the hand-coded paragraphs, made from the paragraphs
and the codebook alone; this module measures its agreement with the first
coding (``framing_manual.csv``) with the measures and bootstrap the automated
coders are evaluated with (:mod:`kzreform.reliability`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .codebook import codebook_path, load_codebook
from .data import load_table
from .reliability import interval_text, pair_codes, with_intervals


def intercoder_agreement(first: pd.DataFrame, second: pd.DataFrame, codebook) -> pd.DataFrame:
    """Alpha and per-frame precision and recall of the second coding against the first."""
    return with_intervals(pair_codes(first, second, codebook), codebook)


def coded_by_both(first: pd.DataFrame, second: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of each coding for the paragraphs both code (a source being recoded drops out)."""
    both = set(first["paragraph_id"]) & set(second["paragraph_id"])
    return (first[first["paragraph_id"].isin(both)], second[second["paragraph_id"].isin(both)])


def intercoder_tables(data_dir: Path, tables: dict) -> dict:
    """Builder: agreement between the two hand codings, on the paragraphs both code."""
    first, second = coded_by_both(load_table("framing-manual", data_dir),
                                  load_table("framing-second", data_dir))
    codebook = load_codebook(codebook_path(data_dir))
    return {"intercoder-reliability": intercoder_agreement(first, second, codebook)}


def agreement_table(agreement: pd.DataFrame) -> pd.DataFrame:
    """Krippendorff's alpha between the two coders, per code, with its interval."""
    alphas = agreement[agreement["measure"] == "alpha"].set_index("item")
    items = {"stance": "stance (ordinal)", "primary_frame": "primary frame (nominal)",
             "stance_target": "stance target (nominal)"}
    shown = alphas.loc[list(items)].reset_index()
    return pd.DataFrame({"code": list(items.values()),
                         "paragraphs": shown["paragraphs"].to_numpy(),
                         "Krippendorff's alpha [95% interval]": interval_text(shown).to_numpy()})


def frame_agreement_table(agreement: pd.DataFrame, codebook) -> pd.DataFrame:
    """Per frame: how many of each coder's uses (primary or secondary) the other coder shares."""
    frames = agreement[agreement["measure"] != "alpha"]
    wide = frames.assign(value=interval_text(frames, percent=True)).pivot(
        index="item", columns="measure", values="value").reindex(list(codebook.frames))
    uses = frames.pivot(index="item", columns="measure", values="paragraphs").reindex(
        list(codebook.frames))
    return pd.DataFrame({
        "frame": [codebook.frames[frame] for frame in wide.index],
        "first coder's uses": uses["recall"].to_numpy(),
        "of these, the second codes too": wide["recall"].to_numpy(),
        "second coder's uses": uses["precision"].to_numpy(),
        "of these, the first codes too": wide["precision"].to_numpy(),
    })
