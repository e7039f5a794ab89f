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
from .data import load_table, resource_path
from .errors import Issue
from .paths import DATA
from .reliability import interval_text, pair_codes, with_intervals


def intercoder_agreement(first: pd.DataFrame, second: pd.DataFrame, codebook) -> pd.DataFrame:
    """Alpha and per-frame precision and recall of the second coding against the first."""
    return with_intervals(pair_codes(first, second, codebook), codebook)


def intercoder_tables(data_dir: Path, tables: dict) -> dict:
    """Builder: agreement between the two hand codings, on the paragraphs both code."""
    first = load_table("framing-manual", data_dir)
    second = load_table("framing-second", data_dir)
    both = first[first["paragraph_id"].isin(second["paragraph_id"])]
    codebook = load_codebook(codebook_path(data_dir))
    return {"intercoder-reliability": intercoder_agreement(both, second, codebook)}


def second_coding_issues(data_dir: Path = DATA) -> list[Issue]:
    """The second coding codes paragraphs of the first coding only, each once."""
    first = set(load_table("framing-manual", data_dir)["paragraph_id"])
    second = load_table("framing-second", data_dir)
    path = resource_path("framing-second", data_dir)
    return [Issue.at(path, "is not a paragraph of the first hand coding (framing_manual.csv), "
                           "so there is nothing to compare it with", row=number,
                     field="paragraph_id", value=paragraph)
            for number, paragraph in enumerate(second["paragraph_id"], start=2)
            if paragraph not in first]


def agreement_table(agreement: pd.DataFrame, codebook) -> pd.DataFrame:
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
