"""Content rules of the framing: the hand codings, the codebook's changes, lexicon, cues.

Each returns every problem it finds as issues (:mod:`kzreform.pipeline.rules`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kzreform.core.codebook import (
    Codebook,
    codebook_path,
    hand_coded_sources,
    load_codebook,
    split_list,
    stopwords_path,
)
from kzreform.core.data import load_table, resource_path, text_issues
from kzreform.core.errors import Issue
from kzreform.core.paths import DATA
from kzreform.core.vocabulary import ACTOR_CUE, AGREEMENT
from kzreform.corpus.segment import BODY_KINDS, body_paragraphs
from kzreform.framing import adjudication

# ---- framing: codebook, hand coding, lexicon ------------------------------------

def coded_row_issues(name: str, paragraphs: pd.DataFrame, data_dir: Path = DATA) -> list[Issue]:
    """A hand coding (or its reconciliation) codes body paragraphs only, each frame once."""
    table = load_table(name, data_dir)
    path = resource_path(name, data_dir)
    kinds = dict(zip(paragraphs["paragraph_id"], paragraphs["kind"]))
    issues = []
    for number, row in enumerate(table.to_dict("records"), start=2):
        kind = kinds.get(row["paragraph_id"])
        if kind is not None and kind not in BODY_KINDS:
            issues.append(Issue.at(path, f"is a {kind}; only {' and '.join(BODY_KINDS)} rows "
                                         "are coded", row=number, field="paragraph_id",
                                   value=row["paragraph_id"]))
        if row["primary_frame"] in split_list(row["secondary_frames"]):
            issues.append(Issue.at(path, "repeats the primary frame", row=number,
                                   field="secondary_frames", value=row["secondary_frames"]))
    return issues


def manual_coding_issues(paragraphs: pd.DataFrame, data_dir: Path = DATA) -> list[Issue]:
    """Hand coding codes body paragraphs only, and every one of each source it codes."""
    manual = load_table("framing-manual", data_dir)
    path = resource_path("framing-manual", data_dir)
    issues = coded_row_issues("framing-manual", paragraphs, data_dir)
    body = body_paragraphs(paragraphs)
    body = body[body["source_id"].isin(hand_coded_sources(manual, paragraphs))]
    coded = set(manual["paragraph_id"])
    issues += [Issue.at(path, "is a body paragraph of a hand-coded source (one the hand coding "
                              "codes) but is not coded", field="paragraph_id", value=paragraph)
               for paragraph in body["paragraph_id"] if paragraph not in coded]
    return issues


def reconciled_coding_issues(paragraphs: pd.DataFrame, data_dir: Path = DATA) -> list[Issue]:
    """The reconciled coding settles each paragraph both hand codings code, once, with reasons.

    It codes exactly those paragraphs (the schema makes each row unique); its
    ``decided_by`` is what the three codings show (:func:`adjudication.decision`);
    and a paragraph the codings differ on has a note saying why it was decided so.
    """
    reconciled = load_table("framing-reconciled", data_dir)
    path = resource_path("framing-reconciled", data_dir)
    first, second = (load_table(name, data_dir) for name in ("framing-manual", "framing-second"))
    both = set(first["paragraph_id"]) & set(second["paragraph_id"])
    row_of = {paragraph: number for number, paragraph
              in enumerate(reconciled["paragraph_id"], start=2)}
    issues = coded_row_issues("framing-reconciled", paragraphs, data_dir)
    issues += [Issue.at(path, "is coded by both hand codings but not reconciled",
                        field="paragraph_id", value=paragraph)
               for paragraph in sorted(both - set(row_of))]
    issues += [Issue.at(path, "has nothing to reconcile: framing_manual.csv and "
                              "framing_second.csv do not both code it",
                        row=row_of[paragraph], field="paragraph_id", value=paragraph)
               for paragraph in reconciled["paragraph_id"] if paragraph not in both]
    stated = reconciled.set_index("paragraph_id")
    for _, row in adjudication.adjudicated(first, second, reconciled).iterrows():
        number, given = row_of[row["paragraph_id"]], stated.loc[row["paragraph_id"]]
        if given["decided_by"] != row["decision"]:
            issues.append(Issue.at(path, f"should be {row['decision']!r}: the codings differ on "
                                         f"{', '.join(row['differ']) or 'nothing'}",
                                   row=number, field="decided_by", value=given["decided_by"]))
        if row["differ"] and not str(given["note"]).strip():
            issues.append(Issue.at(path, f"is empty, but the codings differ on "
                                         f"{', '.join(row['differ'])}: say which reading of "
                                         "the codebook decides and why", row=number,
                                   field="note", value=given["note"]))
    return issues


def codebook_change_issues(paragraphs: pd.DataFrame, data_dir: Path = DATA) -> list[Issue]:
    """Each codebook revision cites paragraphs of the corpus the two codings did not agree on.

    A cited paragraph no longer reconciled (its source is no longer coded by
    both coders) stays cited: the revision was made from it.
    """
    codebook = load_codebook(codebook_path(data_dir))
    reconciled = load_table("framing-reconciled", data_dir)
    agreed = set(reconciled.loc[reconciled["decided_by"] == AGREEMENT,
                                "paragraph_id"])
    known = set(paragraphs["paragraph_id"])
    return [Issue.at(codebook_path(data_dir),
                     "is a paragraph the two hand codings agree on (framing_reconciled.csv)"
                     if paragraph in agreed else "is not a paragraph id of the corpus",
                     field=f"changes[{number}].disagreements", value=paragraph)
            for number, change in enumerate(codebook.changes, start=1)
            for paragraph in change["disagreements"]
            if paragraph in agreed or paragraph not in known]


def lexicon_issues(codebook: Codebook, data_dir: Path = DATA) -> list[Issue]:
    """Each lexicon rule targets a frame, voice or the stance, as its kind says."""
    lexicon = load_table("framing-lexicon", data_dir)
    targets = {"frame": codebook.frames, "voice": codebook.voices, "stance": {"stance": ""}}
    return [Issue.at(resource_path("framing-lexicon", data_dir),
                     f"is not a {row['kind']} of the codebook", row=number, field="target",
                     value=row["target"])
            for number, row in enumerate(lexicon.to_dict("records"), start=2)
            if row["target"] not in targets.get(row["kind"], {})]


def voice_cue_issues(data_dir: Path = DATA) -> list[Issue]:
    """An actor cue names the voice it reports; a reporting or framing cue belongs to none."""
    cues = load_table("framing-voice-cues", data_dir)
    path = resource_path("framing-voice-cues", data_dir)
    issues = []
    for number, row in enumerate(cues.to_dict("records"), start=2):
        if row["role"] == ACTOR_CUE and not row["voice"]:
            issues.append(Issue.at(path, "is empty; an actor cue needs its voice", row=number,
                                   field="voice", value=row["voice"]))
        elif row["role"] != ACTOR_CUE and row["voice"]:
            issues.append(Issue.at(path, f"is given for a {row['role']} cue, which belongs to "
                                         "no voice", row=number, field="voice",
                                   value=row["voice"]))
    return issues


def stopword_issues(data_dir: Path = DATA) -> list[Issue]:
    """The stopword list is clean UTF-8 text: the framing notebook reads it."""
    return text_issues(stopwords_path(data_dir))[1]
