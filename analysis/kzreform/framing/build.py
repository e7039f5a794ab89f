"""Builders of the coding and evaluation stages.

The coding stage measures the agreement between the two hand codings
(:mod:`kzreform.framing.intercoder`). The evaluation stage evaluates the candidate
coders the build settings name (:mod:`kzreform.core.settings`) out of sample
(:mod:`kzreform.framing.reliability`), codes every body paragraph with the one
the evaluation chose (fitted on all hand-coded paragraphs) and stores both results.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kzreform.core.cache import cached_call
from kzreform.core.codebook import codebook_path, load_codebook, stopwords_path
from kzreform.core.data import load_table, resource_path
from kzreform.core.schema import SCHEMA_DIR
from kzreform.core.settings import SETTINGS, BuildSettings, build_settings
from kzreform.framing.analysis import hand_coding
from kzreform.framing.coders import auto_code, load_candidate_coders
from kzreform.framing.intercoder import CODINGS, agreement_of_codings
from kzreform.framing.reliability import evaluate, evaluated_coders, hand_coded_texts


def coding_inputs(data_dir: Path) -> tuple[str, ...]:
    """The files of ``data_dir`` the cached framing steps read besides their arguments.

    The codebook, the keyword lexicon, the voice cues, the function words, the
    build settings, and the schema the tables are read with (the descriptor,
    which they also open, is generated from it and the codebook; it lists the
    corpus too, which these steps see only through their arguments). Claims,
    the law and the corpus's metadata are not among them, so editing those
    reuses the stored evaluation. ``tests/test_cache.py`` records every file the
    steps open and holds them to this list.
    """
    files = [codebook_path(data_dir), stopwords_path(data_dir),
             *(resource_path(name, data_dir) for name in (
                 "framing-lexicon", "framing-voice-cues", SETTINGS))]
    return (*(path.relative_to(data_dir).as_posix() for path in files), SCHEMA_DIR)


def framing_tables(data_dir: Path, tables: dict) -> dict:
    """Builder: evaluate the automated coders, then code every paragraph with the chosen one.

    The build settings of ``data_dir`` say which coders are evaluated, with how
    many bootstrap resamples, and how many processes code the corpus. The
    coders learn from, and are measured against, the hand coding the findings
    rest on (:func:`hand_coding`), whose content rules the corpus stage has checked
    (:func:`kzreform.pipeline.rules.corpus_rule_issues`). The evaluation sees only the
    hand-coded paragraphs, so a build that changes neither them nor the coding
    inputs reuses its stored result (:mod:`kzreform.core.cache`).
    """
    paragraphs = tables["paragraphs"]
    manual = hand_coding(data_dir)
    hand_coded = paragraphs.loc[paragraphs["paragraph_id"].isin(manual["paragraph_id"]),
                                ["paragraph_id", "source_id", "text"]].reset_index(drop=True)
    settings = build_settings(data_dir)
    reliability, calibration, coder = cached_call(evaluate_and_fit, data_dir, hand_coded,
                                                  manual, settings,
                                                  inputs=coding_inputs(data_dir))
    return {"framing-auto": auto_code(paragraphs, coder, settings.workers),
            "framing-reliability": reliability, "framing-calibration": calibration}


def evaluate_and_fit(data_dir: Path, hand_coded: pd.DataFrame, manual: pd.DataFrame,
                     settings: BuildSettings) -> tuple[pd.DataFrame, pd.DataFrame, object]:
    """The coders' reliability and calibration tables, and the chosen coder fitted on them all.

    The coder the leave-one-source-out evaluation chose is fitted on every
    hand-coded paragraph; the build codes every body paragraph of every source
    with it.
    """
    codebook = load_codebook(codebook_path(data_dir))
    coders = evaluated_coders(load_candidate_coders(codebook, settings, data_dir), settings,
                              data_dir)
    reliability, calibration, chosen = evaluate(coders, hand_coded, manual, codebook,
                                                settings.resamples, data_dir)
    labelled = hand_coded_texts(hand_coded, manual)
    coder = next(c for c in coders if c.name == chosen).fit(labelled["text"].tolist(), labelled)
    return reliability, calibration, coder


def intercoder_tables(data_dir: Path, tables: dict) -> dict:
    """Builder: agreement of the two hand codings, and of each with the reconciled coding.

    Only the hand-coded paragraphs' sources matter, so a build that changes
    neither them nor the codings reuses the stored result (:mod:`kzreform.core.cache`).
    """
    codings = {name: load_table(resource, data_dir) for name, resource in CODINGS.items()}
    coded = pd.concat([coding["paragraph_id"] for coding in codings.values()]).unique()
    paragraphs = tables["paragraphs"]
    sources = paragraphs.loc[paragraphs["paragraph_id"].isin(coded),
                             ["paragraph_id", "source_id"]].reset_index(drop=True)
    table = cached_call(agreement_of_codings, data_dir, codings, sources,
                        build_settings(data_dir).resamples, inputs=coding_inputs(data_dir))
    return {"intercoder-reliability": table}
