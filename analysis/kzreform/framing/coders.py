"""Automated framing coders: each codes a paragraph from its text alone.

Every coder has ``fit(texts, labels)`` (labels: hand-coding rows aligned with
the texts) returning a fitted coder, and ``code(texts)`` returning a table with
one row per text (columns ``CODE_COLUMNS``): primary and secondary frames,
stance (and whether it is uncertain), stance target, voices and a confidence
from 0 to 1. Codes below the coder's threshold (``CHECK_BY_HAND_BELOW`` for
coders without one) or with an uncertain stance are flagged for checking by
hand (:func:`check_by_hand`); page clutter is not coded (:func:`is_clutter`).

- ``MajorityCoder``: the most common hand codes of its training paragraphs.
- ``LexiconCoder``: the keyword rules of ``data/coding/lexicon.csv``. They were
  written from all hand-coded paragraphs, so fitting changes nothing and its
  agreement is in-sample wherever it is measured. It has no rules for the
  stance target and leaves it uncoded (``NOT_CODED``).
- ``SupervisedCoder``: logistic regressions fitted on the hand coding, with the
  codebook's frame (and stance-target) definitions as extra training text; optionally phrase
  n-grams and stance cues from a general sentiment lexicon (VADER's, shipped
  with ``vaderSentiment``) split by whose claim they sit in. Voices come from
  generic actor and reporting cues (``data/coding/voice_cues.csv``).
- ``CalibratedCoder``: the full supervised coder on content words, reading no
  sentiment in names and following speakers across sentences, with frames and
  stance targets by likeness to the codebook's definitions
  (:class:`DefinitionLikeness`), a median
  stance from a distribution that adds a sentiment scale, an uncertain stance
  where that distribution is flat, a confidence recalibrated out of fold and a
  flag threshold set by the build settings' share of wrong codes.
"""

from __future__ import annotations

import functools
import math
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import minimize_scalar
from scipy.stats import norm
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler, normalize
from threadpoolctl import threadpool_limits

from kzreform.core.codebook import LIST_SEPARATOR, NO_VOICE, Codebook, load_stopwords, split_list
from kzreform.core.data import load_table
from kzreform.core.paths import DATA
from kzreform.core.settings import BuildSettings
from kzreform.core.vocabulary import AUTOMATED, STANCE_RANGE
from kzreform.corpus.segment import WORD, body_paragraphs
from kzreform.framing.features import NEGATED, Reader, Reading, VoiceCues, load_voice_cues

CODE_COLUMNS = ["primary_frame", "secondary_frames", "stance", "stance_uncertain",
                "stance_target", "voices", "confidence"]
NOT_CODED = ""
AUTO_COLUMNS = ["paragraph_id", "source_id", *CODE_COLUMNS, "check_by_hand", "coding"]
MIN_STANCE, MAX_STANCE = STANCE_RANGE
# A paragraph whose codes the coder is less sure of than this is flagged for
# reading (the coders without a threshold of their own: an even chance). The
# supervised coders choose theirs by an inner leave-one-source-out evaluation.
CHECK_BY_HAND_BELOW = 0.5
# The inner evaluation tries these stance margins (top minus second stance
# probability below which the stance is coded 0, "uncertain") and confidence
# thresholds for the flag.
MARGINS = tuple(np.round(np.arange(0.0, 0.51, 0.05), 2))
THRESHOLDS = tuple(np.round(np.arange(0.0, 1.01, 0.01), 2))
CONFIDENCE_DIGITS = 2
# The least spread of the calibrated coder's stance scale (see CalibratedCoder).
SPREAD_FLOOR = 1e-6


def _coded(primary: str, secondary: list[str], stance: float, target: str, voices: list[str],
           confidence: float) -> dict:
    return {
        "primary_frame": primary,
        "secondary_frames": LIST_SEPARATOR.join(secondary),
        "stance": int(min(max(round(stance), MIN_STANCE), MAX_STANCE)),
        "stance_uncertain": False,
        "stance_target": target,
        "voices": LIST_SEPARATOR.join(voices) or NO_VOICE,
        "confidence": round(float(confidence), CONFIDENCE_DIGITS),
    }


# ---- the keyword lexicon ----

LEXICON_KINDS = ("frame", "voice", "stance")
NO_MATCH: tuple[frozenset[int], tuple, tuple] = (frozenset(), (), ())
# A frame other than the primary becomes a secondary frame once its cues weigh
# at least this much: one strong cue (weight 2) or two ordinary ones.
SECONDARY_MIN_SCORE = 2.0


class Lexicon:
    """The keyword rules, indexed for one pass over a paragraph's words.

    Each distinct word of the input is matched against the term words once
    (then cached), and multi-word terms are only tried where their first word
    occurs, so coding time grows linearly with the number of words coded.
    """

    def __init__(self, rules: list[tuple[str, str, str, float]], frame_order: tuple[str, ...],
                 fallback_frame: str):
        """Index ``rules`` (kind, target, term, weight); frame ties go by ``frame_order``.

        ``fallback_frame`` (the codebook's) codes a paragraph no frame cue matches.
        """
        self.frame_order = frame_order
        self.fallback_frame = fallback_frame
        self._word_ids: dict[str, int] = {}
        self._exact: dict[str, set[int]] = {}
        self._prefix: dict[str, set[int]] = {}
        self._single: dict[int, list[tuple[str, str, float]]] = {}
        self._phrases: dict[int, list[tuple[tuple[int, ...], str, str, float]]] = {}
        for kind, target, term, weight in rules:
            first, *rest = (self._word_id(word) for word in term.split(" "))
            if rest:
                self._phrases.setdefault(first, []).append((tuple(rest), kind, target, weight))
            else:
                self._single.setdefault(first, []).append((kind, target, weight))
        self._prefix_lengths = sorted({len(prefix) for prefix in self._prefix})
        self._cache: dict[str, tuple[frozenset[int], tuple, tuple]] = {}

    def _word_id(self, word: str) -> int:
        if word not in self._word_ids:
            self._word_ids[word] = len(self._word_ids)
            index = self._prefix if word.endswith("*") else self._exact
            index.setdefault(word.rstrip("*"), set()).add(self._word_ids[word])
        return self._word_ids[word]

    def _lookup(self, token: str) -> tuple[frozenset[int], tuple, tuple]:
        """Term words a token matches, its one-word hits, and the phrases it may start."""
        ids = set(self._exact.get(token, ()))
        for length in self._prefix_lengths:
            if length > len(token):
                break
            ids |= self._prefix.get(token[:length], set())
        single = tuple(hit for word_id in ids for hit in self._single.get(word_id, ()))
        phrases = tuple(phrase for word_id in ids for phrase in self._phrases.get(word_id, ()))
        found = self._cache[token] = (frozenset(ids), single, phrases) if ids else NO_MATCH
        return found

    def scores(self, text: str) -> dict[str, dict[str, float]]:
        """Summed weights per kind and target of every term occurrence in ``text``."""
        tokens = WORD.findall(text.lower())
        entries = list(map(self._cache.get, tokens))
        if None in entries:  # words not seen before
            entries = [entry or self._lookup(token) for entry, token in zip(entries, tokens)]
        totals: dict[tuple[str, str], float] = {}
        for position, entry in enumerate(entries):
            if entry is NO_MATCH:
                continue
            for kind, target, weight in entry[1]:
                totals[kind, target] = totals.get((kind, target), 0.0) + weight
            for rest, kind, target, weight in entry[2]:
                following = entries[position + 1:position + 1 + len(rest)]
                if len(following) == len(rest) and all(
                        word_id in matched for word_id, (matched, _, _) in zip(rest, following)):
                    totals[kind, target] = totals.get((kind, target), 0.0) + weight
        scores: dict[str, dict[str, float]] = {kind: {} for kind in LEXICON_KINDS}
        for (kind, target), total in totals.items():
            scores[kind][target] = total
        return scores


def load_lexicon(codebook: Codebook, data_dir: Path = DATA) -> Lexicon:
    """The keyword rules of ``data_dir`` (checked by its schema and its content rules)."""
    table = load_table("framing-lexicon", data_dir)
    rules = list(zip(table["kind"], table["target"], table["term"], table["weight"]))
    return Lexicon(rules, tuple(codebook.frames), codebook.fallback_frame)


def code_text(text: str, lexicon: Lexicon) -> dict:
    """The lexicon's codes for one paragraph.

    Confidence is the primary frame's share of all frame cues (0 when no cue
    matched and the fallback frame was used).
    """
    scores = lexicon.scores(text)
    frames = scores["frame"]
    if frames:
        # Ties go to the frame listed first in the codebook, so results are stable.
        primary = max(lexicon.frame_order, key=lambda frame: frames.get(frame, 0.0))
        total = sum(weight for weight in frames.values() if weight > 0)
        confidence = max(frames[primary], 0.0) / total if total else 0.0
    else:
        primary, confidence = lexicon.fallback_frame, 0.0
    secondary = [frame for frame in lexicon.frame_order
                 if frame != primary and frames.get(frame, 0.0) >= SECONDARY_MIN_SCORE]
    return _coded(primary, secondary, scores["stance"].get("stance", 0.0), NOT_CODED,
                  sorted(scores["voice"]), confidence)


class LexiconCoder:
    """The keyword lexicon as a coder; fitting changes nothing (its rules are fixed)."""

    name = "lexicon"
    label = "keyword lexicon (written from all hand-coded text: in-sample)"
    fitted = False

    def __init__(self, lexicon: Lexicon):
        """Code with ``lexicon``."""
        self.lexicon = lexicon

    def fit(self, texts: list[str], labels: pd.DataFrame) -> LexiconCoder:
        """The same coder: the lexicon's rules were written by hand, not fitted."""
        return self

    def code(self, texts: list[str]) -> pd.DataFrame:
        """The codes of each text (see :func:`code_text`)."""
        return pd.DataFrame([code_text(text, self.lexicon) for text in texts],
                            columns=CODE_COLUMNS)


class MajorityCoder:
    """Baseline: every paragraph gets the training paragraphs' most common codes."""

    name = "majority"
    label = "majority-class baseline"
    fitted = True

    def fit(self, texts: list[str], labels: pd.DataFrame) -> MajorityCoder:
        """A baseline that gives the commonest frame, stance and voices of ``labels``."""
        fitted = MajorityCoder()
        # Ties go to the first value in sorted order, so the baseline is stable.
        frames = labels["primary_frame"].value_counts().sort_index(kind="stable")
        fitted.frame = frames.idxmax()
        fitted.share = frames.max() / frames.sum()
        fitted.stance = int(labels["stance"].astype(int).value_counts().sort_index().idxmax())
        fitted.target = labels["stance_target"].value_counts().sort_index().idxmax()
        fitted.voices = labels["voices"].value_counts().sort_index().idxmax()
        return fitted

    def code(self, texts: list[str]) -> pd.DataFrame:
        """The same codes for every text; confidence is the commonest frame's share."""
        row = _coded(self.frame, [], self.stance, self.target, split_list(self.voices) if
                     self.voices != NO_VOICE else [], self.share)
        return pd.DataFrame([row] * len(texts), columns=CODE_COLUMNS)


def _one_blas_thread(method):
    """Run ``method`` with the linear-algebra library on one thread.

    The models are small: extra BLAS threads only add the cost of waking them
    for every short vector operation of the optimiser (on a 2-core machine a
    fit took 30 times as long), and one thread adds up sums in the same order
    on any machine, so fits and codes do not depend on its number of cores.
    """
    @functools.wraps(method)
    def on_one_thread(*args, **kwargs):
        with threadpool_limits(limits=1, user_api="blas"):
            return method(*args, **kwargs)
    return on_one_thread


def _given(words: list[str]) -> list[str]:
    """The analyser of the vectorisers: paragraphs arrive already split into words."""
    return words


def _with_phrases(words: list[str]) -> list[str]:
    return words + [f"{first} {second}" for first, second in zip(words, words[1:])]


class SupervisedCoder:
    """Logistic regressions on word (and phrase) frequencies, fitted on the hand coding.

    Frames: the codebook's definition of each frame is added to the training
    text as one more example of it, so no frame is unknown to the model;
    classes are weighted inversely to their frequency so rare frames count.
    Secondary frames are the other frames at least ``SECONDARY_MIN_PROBABILITY``
    likely. Stance: the same words, except the voice cues' terms (who speaks,
    e.g. "expert", "noted", "claimed", carries no stance by itself), plus (with
    ``phrases_and_sentiment``) the stance cues of
    :meth:`kzreform.framing.features.Reader.read`, split by whose claim they sit in.
    Stance target: the same words, with the codebook's target definitions as extra examples (read
    with the vocabulary of the texts and frame definitions, so adding targets
    changes no frame or stance code). Confidence: the lower of the frame's and
    the stance's top probability.

    Where the stance probabilities are nearly flat, the most likely stance is
    not trusted: a stance whose probability is less than ``margin`` above the
    next one's is coded 0 (uncertain), and the paragraph is flagged. The
    margin, and the confidence below which a paragraph is flagged for checking
    by hand, are chosen when fitting by an inner leave-one-source-out
    evaluation over the training sources (never the source coded): the margin
    that gives the best stance alpha, and the threshold that best separates
    the paragraphs coded wrongly (stance of the wrong sign, or the wrong
    primary frame) from those coded rightly (:func:`choose_threshold`).
    """

    fitted = True
    SECONDARY_MIN_PROBABILITY = 0.25
    # Paragraphs are read and coded this many at a time, so that the arrays of
    # one batch stay in the processor's cache (measured on 2 cores: a third
    # less time per paragraph in the worker processes than 5,000 at once).
    BATCH = 1000
    # Regularisation strength: scikit-learn's default, not tuned.
    C = 1.0
    margin = 0.0
    check_by_hand_below = CHECK_BY_HAND_BELOW
    # Words the models do not see (nor the phrases they are part of).
    stopwords: frozenset[str] = frozenset()
    # Whether the reader reads no valence in who speaks and in topics' names, and
    # gives a claim without a named speaker to the last one named (kzreform.framing.features).
    neutral_names = False
    follow_speakers = False

    def __init__(self, codebook: Codebook, cues: VoiceCues, phrases_and_sentiment: bool):
        """An unfitted coder: words only, or with phrases, sentiment, negation and attribution."""
        self.codebook = codebook
        self.cues = cues
        self.full = phrases_and_sentiment
        self.name = "supervised-full" if self.full else "supervised-words"
        self.label = ("supervised: words, phrases, sentiment lexicon, negation and attribution"
                      if self.full else "supervised: words only")

    def _vectoriser(self) -> CountVectorizer:
        # A word or phrase seen in one training paragraph only cannot generalise.
        return CountVectorizer(analyzer=_with_phrases if self.full else _given, min_df=2)

    def counts(self, read: Reading) -> sparse.csr_matrix:
        """What ``self.vocabulary.transform`` gives, read by this coder's reader.

        The reader numbered the vocabulary's words, so a word's column is one
        array lookup (for a negated word, the column of its marked form), and a
        phrase (word pair) is found by arithmetic on its two words' columns: no
        Python code runs per word, which is what keeps this coder as fast as
        the keyword lexicon. Every word of a phrase in the
        vocabulary is itself in it (a pair in two documents means each word
        is), so a phrase is found from its words' columns alone. The
        ``stopwords`` are not counted, nor the phrases that hold one.
        """
        size = len(self.vocabulary.vocabulary_)
        columns = np.where(read.negated, self._negated_column_of[read.numbers],
                           self._column_of[read.numbers])
        rows = np.repeat(np.arange(len(read.lengths)), read.lengths)
        if self.full and len(columns) > 1 and len(self._phrase_keys):
            first, second = columns[:-1], columns[1:]
            pairs = np.where((first >= 0) & (second >= 0), first * size + second, -1)
            # The last word of one document and the first of the next are no phrase.
            ends = np.cumsum(read.lengths)[:-1] - 1
            pairs[ends[(ends >= 0) & (ends < len(pairs))]] = -1
            found = np.searchsorted(self._phrase_keys, pairs).clip(max=len(self._phrase_keys) - 1)
            hit = (pairs >= 0) & (self._phrase_keys[found] == pairs)
            rows = np.concatenate([rows, rows[:-1][hit]])
            columns = np.concatenate([columns, self._phrase_columns[found[hit]]])
        known = columns >= 0
        return sparse.csr_matrix((np.ones(int(known.sum())), (rows[known], columns[known])),
                                 shape=(len(read.lengths), size))

    def _weighted(self, read: Reading) -> sparse.csr_matrix:
        return self.weights.transform(self.counts(read))

    def _model(self, classes: pd.Series):
        if classes.nunique() < 2:  # nothing to tell apart: the one class, with certainty
            return DummyClassifier(strategy="most_frequent")
        return LogisticRegression(C=self.C, class_weight="balanced", max_iter=5000)

    @_one_blas_thread
    def fit(self, texts: list[str], labels: pd.DataFrame, tune: bool = True) -> SupervisedCoder:
        """A new coder fitted on ``texts`` and their hand codes ``labels`` (aligned rows).

        With ``tune`` and at least two sources in ``labels`` (column
        ``source_id``), the stance margin and the flag's threshold are chosen
        by leave-one-source-out over them; otherwise the defaults stay.
        """
        fitted = self._fit(texts, labels)
        sources = labels["source_id"] if "source_id" in labels else pd.Series(dtype=str)
        if tune and sources.nunique() >= 2:
            fitted._tune(texts, labels.reset_index(drop=True), sources.to_numpy())
        return fitted

    def _tune(self, texts: list[str], labels: pd.DataFrame, sources: np.ndarray) -> None:
        """Choose the stance margin and the flag's threshold out of fold (see the class)."""
        frame_p = np.zeros((len(texts), len(self.codebook.frames)))
        stance_p = np.zeros((len(texts), len(self.levels)))
        for source in sorted(set(sources.tolist())):
            out = sources == source
            inner = self._fit([t for t, keep in zip(texts, ~out) if keep], labels[~out])
            frame_p[out], stance_p[out] = inner._probabilities(
                [t for t, keep in zip(texts, out) if keep])
        hand = labels["stance"].astype(int).to_numpy()
        self.margin = self._choose_margin(stance_p, hand)
        stance = self._stance_codes(stance_p, self.margin)
        frames = np.array(list(self.codebook.frames))[frame_p.argmax(axis=1)]
        wrong = coded_wrongly(hand, stance, labels["primary_frame"].to_numpy(), frames)
        self.check_by_hand_below = self._threshold(
            self._confidence(frame_p, stance_p, stance), wrong,
            self._uncertain(stance_p, self.margin))

    def _choose_margin(self, probabilities: np.ndarray, hand: np.ndarray) -> float:
        """The stance margin whose codes agree best with ``hand`` (:func:`choose_margin`)."""
        return choose_margin(probabilities, self.levels, hand)

    def _uncertain(self, probabilities: np.ndarray, margin: float) -> np.ndarray:
        """Stances reported uncertain: none (this coder codes a flat distribution 0)."""
        return np.zeros(len(probabilities), dtype=bool)

    def _threshold(self, confidence: np.ndarray, wrong: np.ndarray,
                   uncertain: np.ndarray) -> float:
        """The flag's threshold, from out-of-fold confidence and wrong codes."""
        return choose_threshold(np.round(confidence, CONFIDENCE_DIGITS), wrong)

    @property
    def levels(self) -> np.ndarray:
        """The codebook's stance levels, ascending: the columns of every stance distribution."""
        return np.array(sorted(self.codebook.stance_levels), dtype=np.int64)

    def _probabilities(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Frame (codebook order) and stance (``levels`` order) probabilities of ``texts``."""
        read = self._reader.read(texts)
        counts = self._weighted(read)
        frame_p = np.zeros((len(texts), len(self.codebook.frames)))
        found = self.frame_model.predict_proba(counts)
        for column, frame in enumerate(self.frame_model.classes_):
            frame_p[:, list(self.codebook.frames).index(frame)] = found[:, column]
        return frame_p, self._stance_probabilities(counts, read)

    def _stance_probabilities(self, counts: sparse.csr_matrix, read: Reading) -> np.ndarray:
        """The stance model's distribution over ``levels`` (a level it never saw: 0)."""
        found = self.stance_model.predict_proba(self._stance_features(counts, read))
        probabilities = np.zeros((found.shape[0], len(self.levels)))
        probabilities[:, np.searchsorted(self.levels, self.stance_model.classes_.astype(
            np.int64))] = found
        return probabilities

    def _stance_codes(self, probabilities: np.ndarray, margin: float) -> np.ndarray:
        """The most likely stance, 0 where the distribution is flat (:func:`abstained`)."""
        return abstained(probabilities, self.levels, margin)

    def _confidence(self, frame_p: np.ndarray, stance_p: np.ndarray,
                    stances: np.ndarray) -> np.ndarray:
        """The lower of the frame's and the stance's top probability."""
        return np.minimum(frame_p.max(axis=1), stance_p.max(axis=1))

    def _blank(self) -> SupervisedCoder:
        """An unfitted coder like this one."""
        return SupervisedCoder(self.codebook, self.cues, self.full)

    def _fit(self, texts: list[str], labels: pd.DataFrame) -> SupervisedCoder:
        fitted = self._blank()
        definitions = [self.codebook.definitions[frame] for frame in self.codebook.frames]
        first = Reader(self.cues, neutral_names=self.neutral_names,
                       follow_speakers=self.follow_speakers)
        fitted._index_vocabulary(self._vectoriser().fit(
            first.read(texts).documents() + first.read(definitions).documents()))
        # Read again, now that the reader numbers the vocabulary (the same reading).
        read, defined = fitted._reader.read(texts), fitted._reader.read(definitions)
        counts, counted = fitted.counts(read), fitted.counts(defined)
        fitted.weights = TfidfTransformer(sublinear_tf=True).fit(sparse.vstack([counts,
                                                                                  counted]))
        counts = fitted.weights.transform(counts)
        fitted.frame_model = self._category_model(counts, fitted.weights.transform(counted),
                                                  labels["primary_frame"],
                                                  list(self.codebook.frames))
        fitted.scaler = StandardScaler().fit(read.cues)
        stances = labels["stance"].astype(int)
        fitted.stance_model = self._model(stances).fit(fitted._stance_features(counts, read),
                                                       stances)
        fitted.target_model = self._category_model(
            counts, fitted._weighted(fitted._reader.read(
                list(self.codebook.target_definitions.values()))),
            labels["stance_target"], list(self.codebook.target_definitions))
        return fitted

    def _category_model(self, counts: sparse.csr_matrix, definitions: sparse.csr_matrix,
                        coded: pd.Series, categories: list[str]):
        """A model of frames or stance targets, from the paragraphs' codes and the definitions.

        ``definitions``: one row per category of ``categories`` (codebook
        order), each counted as one more example of it.
        """
        classes = pd.Series([*coded, *categories])
        return self._model(classes).fit(sparse.vstack([counts, definitions]), classes)

    def _index_vocabulary(self, vocabulary: CountVectorizer) -> None:
        """Keep the fitted vocabulary, a reader that numbers it, and its phrases' keys."""
        self.vocabulary = vocabulary
        columns = vocabulary.vocabulary_
        self._word_columns = {term: column for term, column in columns.items() if " " not in term}
        # Number every word of the vocabulary, and every word whose negated form is in it.
        negatable = {word.removeprefix(NEGATED): column for word, column
                     in self._word_columns.items() if word.startswith(NEGATED)}
        self._reader = Reader(self.cues, (*self._word_columns, *negatable),
                              self.neutral_names, self.follow_speakers)
        self._column_of = np.full(len(self._reader.numbers) + 1, -1, dtype=np.int64)
        self._negated_column_of = self._column_of.copy()
        for word, column in self._word_columns.items():
            self._column_of[self._reader.numbers[word]] = column
        for word, column in negatable.items():
            self._negated_column_of[self._reader.numbers[word]] = column
        unseen = [self._reader.numbers[word] for word in self.stopwords
                  if word in self._reader.numbers]
        self._column_of[unseen] = self._negated_column_of[unseen] = -1
        # Each phrase keyed by its two words' columns, sorted for a binary search.
        phrases = sorted((self._word_columns[first] * len(columns) + self._word_columns[second],
                          column)
                         for (first, second), column in ((term.split(" "), column)
                                                         for term, column in columns.items()
                                                         if " " in term))
        self._phrase_keys = np.array([key for key, _ in phrases], dtype=np.int64)
        self._phrase_columns = np.array([column for _, column in phrases], dtype=np.int64)
        # Who speaks is no stance: the stance model does not see the voice cues' terms
        # (a word that is a term, negated or not, or a phrase that is or holds one).
        speaker = np.zeros(len(columns))
        for term, column in columns.items():
            words = [word.removeprefix(NEGATED) for word in term.split(" ")]
            speaker[column] = (" ".join(words) in self.cues.term_set
                               or any(word in self.cues.term_set for word in words))
        self._not_speaker = sparse.diags(1.0 - speaker).tocsr()

    def _stance_features(self, counts: sparse.csr_matrix, read: Reading) -> sparse.csr_matrix:
        # Without the speakers' terms, scaled again to unit length (as the weights
        # scale every paragraph), so a speaker's term changes nothing the model sees.
        counts = normalize(counts @ self._not_speaker)
        if not self.full:
            return counts
        return sparse.hstack([counts, sparse.csr_matrix(self.scaler.transform(read.cues))]).tocsr()

    @_one_blas_thread
    def code(self, texts: list[str]) -> pd.DataFrame:
        """The most likely codes of each text, with the coder's confidence in them."""
        columns: dict[str, list] = {column: [] for column in CODE_COLUMNS}
        for start in range(0, len(texts), self.BATCH):
            for column, values in zip(CODE_COLUMNS,
                                      self._code_batch(texts[start:start + self.BATCH])):
                columns[column] += values
        return pd.DataFrame(columns)

    def _code_batch(self, texts: list[str]) -> tuple[list, ...]:
        """The columns of :meth:`code` for a few texts at once."""
        read = self._reader.read(texts)
        counts = self._weighted(read)
        frame_probabilities = self.frame_model.predict_proba(counts)
        stance_probabilities = self._stance_probabilities(counts, read)
        # Columns in codebook order, so secondary frames come out in that order.
        order = [list(self.frame_model.classes_).index(frame) for frame in self.codebook.frames
                 if frame in self.frame_model.classes_]
        frames = self.frame_model.classes_[order]
        frame_probabilities = frame_probabilities[:, order]
        primary = frame_probabilities.argmax(axis=1)
        likely = frame_probabilities >= self.SECONDARY_MIN_PROBABILITY
        likely[np.arange(len(texts)), primary] = False
        secondary = [""] * len(texts)
        for row in np.flatnonzero(likely.any(axis=1)).tolist():
            secondary[row] = LIST_SEPARATOR.join(frames[likely[row]])
        stances = self._stance_codes(stance_probabilities, self.margin)
        uncertain = self._uncertain(stance_probabilities, self.margin).tolist()
        targets = self.target_model.predict(counts).tolist()
        confidence = self._confidence(frame_probabilities, stance_probabilities,
                                      stances).tolist()
        voices = {found: LIST_SEPARATOR.join(found) or NO_VOICE for found in set(read.voices)}
        return (frames[primary].tolist(), secondary, stances.tolist(), uncertain, targets,
                list(map(voices.get, read.voices)),
                list(map(round, confidence, repeat(CONFIDENCE_DIGITS))))


class CalibratedCoder(SupervisedCoder):
    """The full supervised coder, with a stance distribution and a confidence it can be held to.

    Frames and stance targets: the likeness of the paragraph to each one's
    codebook definition (:class:`DefinitionLikeness`), not a regression on the
    training sources' examples.

    Stance: the supervised stance model's distribution times (renormalised) an
    evaluative scale read from the general sentiment lexicon: the paragraph's
    net valence per square root of its words
    (:meth:`kzreform.framing.features.Reading.evaluation`) times a slope fitted through
    the origin, with normal noise as wide as the training residuals, read as
    the nearest stance level (:func:`scale_distribution`). Through the origin,
    because a paragraph that on balance evaluates nothing is neutral whatever
    mix of stances the training sources had (a fitted intercept carries that
    mix over to new text); two parameters, so the scale cannot learn the
    training texts' words or who speaks in them. The stance coded is the
    median of the combined distribution, or 0 ("uncertain") where the
    distribution is :func:`flat`, the margin chosen out of fold as for the
    other supervised coders.

    Confidence estimates the chance that the paragraph is coded rightly as the
    evaluation counts it (:func:`coded_wrongly`): the primary frame's
    probability times the probability of the coded stance's sign, recalibrated
    on the inner leave-one-source-out codes (:meth:`_threshold`). A paragraph
    is flagged for checking by hand below the lowest confidence that holds the
    share of wrong codes the build settings ask for (``flag_errors``) in an
    inner leave-one-source-out evaluation over the training sources
    (:func:`threshold_holding`).
    """

    # Set by the out-of-fold evaluation when fitting (:meth:`_threshold`).
    recalibration: LogisticRegression | None = None

    def __init__(self, codebook: Codebook, cues: VoiceCues, flag_errors: float,
                 stopwords: frozenset[str]):
        """An unfitted coder whose flag is to hold ``flag_errors`` of its wrong codes.

        Its models do not see the function words ``stopwords`` (nor phrases
        holding one): they mark a source's style, which does not carry over to
        other sources, rather than its framing.
        """
        super().__init__(codebook, cues, phrases_and_sentiment=True)
        self.name = "supervised-calibrated"
        self.label = ("supervised, calibrated: frames and targets by likeness to the "
                      "codebook's definitions, content words, median of the stance distribution, "
                      "sentiment scale, flag chosen out of sample")
        self.flag_errors = flag_errors
        self.stopwords = stopwords
        self.neutral_names = self.follow_speakers = True

    def _blank(self) -> CalibratedCoder:
        return CalibratedCoder(self.codebook, self.cues, self.flag_errors, self.stopwords)

    def _category_model(self, counts: sparse.csr_matrix, definitions: sparse.csr_matrix,
                        coded: pd.Series, categories: list[str]) -> DefinitionLikeness:
        """Frames or targets by likeness to their definitions (:class:`DefinitionLikeness`)."""
        return DefinitionLikeness(np.array(categories)).fit(definitions, counts, coded)

    def _fit(self, texts: list[str], labels: pd.DataFrame) -> CalibratedCoder:
        fitted = super()._fit(texts, labels)
        scale = fitted._reader.read(texts).evaluation()
        hand = labels["stance"].astype(float).to_numpy()
        fitted.slope = float(scale @ hand / (scale @ scale)) if scale.any() else 0.0
        # A perfect fit leaves no spread: the floor keeps the distribution defined.
        fitted.spread = max(float(np.sqrt(np.mean((hand - fitted.slope * scale) ** 2))),
                            SPREAD_FLOOR)
        return fitted

    def _stance_probabilities(self, counts: sparse.csr_matrix, read: Reading) -> np.ndarray:
        combined = super()._stance_probabilities(counts, read) * scale_distribution(
            self.slope * read.evaluation(), self.spread, self.levels)
        return combined / combined.sum(axis=1, keepdims=True)

    def _stance_codes(self, probabilities: np.ndarray, margin: float) -> np.ndarray:
        """The median stance (:func:`median_stance`), whatever the margin."""
        return median_stance(probabilities, self.levels)

    def _choose_margin(self, probabilities: np.ndarray, hand: np.ndarray) -> float:
        """The margin whose flat stances best pick out the stances of the wrong sign."""
        wrong_sign = np.sign(median_stance(probabilities, self.levels)) != np.sign(hand)
        return best_cut(top_margin(probabilities), wrong_sign, MARGINS, MARGINS[0])

    def _uncertain(self, probabilities: np.ndarray, margin: float) -> np.ndarray:
        """Stances reported uncertain: where the distribution is :func:`flat`."""
        return flat(probabilities, margin)

    def _confidence(self, frame_p: np.ndarray, stance_p: np.ndarray,
                    stances: np.ndarray) -> np.ndarray:
        """The chance that the codes are right, as recalibrated (see :meth:`_threshold`)."""
        same_sign = np.sign(self.levels)[None, :] == np.sign(stances)[:, None]
        chance = frame_p.max(axis=1) * (stance_p * same_sign).sum(axis=1)
        if self.recalibration is None:
            return chance
        return self.recalibration.predict_proba(_log_chance(chance))[:, 1]

    def _threshold(self, confidence: np.ndarray, wrong: np.ndarray,
                   uncertain: np.ndarray) -> float:
        """Recalibrate the confidence on the out-of-fold codes, then hold ``flag_errors``.

        The models' probabilities are not calibrated (regularised models with
        many classes and few paragraphs spread them thin), so the chance they
        give is mapped onto how often out-of-fold codes were right: a logistic
        regression on its logarithm (Platt scaling, scikit-learn's default
        regularisation), which keeps its order and so the paragraphs flagged.
        """
        if wrong.any() and not wrong.all():
            self.recalibration = LogisticRegression().fit(_log_chance(confidence), ~wrong)
            confidence = self.recalibration.predict_proba(_log_chance(confidence))[:, 1]
        return threshold_holding(np.round(confidence, CONFIDENCE_DIGITS), wrong,
                                 self.flag_errors, uncertain)


class DefinitionLikeness:
    """A model of frames (or stance targets) that reads their codebook definitions, not examples.

    A paragraph's chance of each category grows with its likeness to the
    category's definition (the cosine of their weighted word vectors), as a
    softmax whose one parameter, the temperature, is fitted to the training
    paragraphs' hand codes (maximum likelihood), so that how sure it is
    follows how often the likeliest category was the one coded. The examples
    of the training sources decide nothing else: they carry each source's
    words and its mix of categories (one source holds most paragraphs of a
    frame or a target), which do not carry over to a text from another
    source, while the definitions are the same for every text. Left one
    source out, a logistic regression on the examples and the definitions
    agreed with the hand coding less than the definitions alone did, for
    frames at every regularisation tried, and so did the examples' centroids
    shrunk towards the definitions.
    """

    # The temperature is searched on a logarithmic scale between these bounds.
    TEMPERATURES = (1e-3, 1e1)

    def __init__(self, classes: np.ndarray):
        """A model of the categories ``classes`` (codebook order; one definition each)."""
        self.classes_ = classes

    def fit(self, definitions: sparse.csr_matrix, counts: sparse.csr_matrix,
            coded: pd.Series) -> DefinitionLikeness:
        """Keep the ``definitions``' vectors; fit the temperature on ``counts`` and ``coded``."""
        self.definitions = normalize(definitions)
        likeness = self._likeness(counts)
        column = (coded.to_numpy()[:, None] == self.classes_[None, :]).argmax(axis=1)

        def surprise(log_temperature: float) -> float:
            chance = _softmax(likeness / np.exp(log_temperature))
            return -float(np.log(chance[np.arange(len(column)), column]).sum())

        low, high = np.log(self.TEMPERATURES)
        self.temperature = float(np.exp(minimize_scalar(surprise, bounds=(low, high),
                                                        method="bounded").x))
        return self

    def _likeness(self, counts: sparse.csr_matrix) -> np.ndarray:
        return (normalize(counts) @ self.definitions.T).toarray()

    def predict_proba(self, counts: sparse.csr_matrix) -> np.ndarray:
        """Per paragraph, the chance of each category (columns: ``classes_``)."""
        return _softmax(self._likeness(counts) / self.temperature)

    def predict(self, counts: sparse.csr_matrix) -> np.ndarray:
        """Per paragraph, the likeliest category."""
        return self.classes_[self._likeness(counts).argmax(axis=1)]


def _softmax(scores: np.ndarray) -> np.ndarray:
    """Each row of ``scores`` as a distribution (exponentiated, shifted so none overflows)."""
    chance = np.exp(scores - scores.max(axis=1, keepdims=True))
    return np.maximum(chance / chance.sum(axis=1, keepdims=True), np.finfo(float).tiny)


def _log_chance(chance: np.ndarray) -> np.ndarray:
    """The recalibration's one feature: the logarithm of the models' chance (never 0)."""
    return np.log(np.maximum(chance, np.finfo(float).tiny))[:, None]


def scale_distribution(location: np.ndarray, spread: float, levels: np.ndarray) -> np.ndarray:
    """Per paragraph, the chance of each stance level (ascending ``levels``) on a scale.

    The scale is a normal distribution around ``location`` with standard
    deviation ``spread``; each level takes the stretch of it nearer to that
    level than to its neighbours.
    """
    edges = np.r_[-np.inf, (levels[:-1] + levels[1:]) / 2, np.inf]
    below = norm.cdf((edges[None, :] - location[:, None]) / spread)
    # Never exactly 0, so that the product with another distribution is never all 0.
    return np.maximum(np.diff(below, axis=1), np.finfo(float).tiny)


@dataclass(frozen=True)
class TwoCodings:
    """Two codings of one variable, counted as Krippendorff's alpha reads them.

    Per paragraph, how many coders gave each value, and the paragraph's
    coincidences (each ordered pair of values its two codes make). Counted
    once, so that the coincidence matrix of any bootstrap draw is one product
    of how often the draw takes each paragraph with these, and the alphas of a
    thousand draws are a few array operations instead of a thousand calls of
    the library (tests hold both to the ``krippendorff`` package's alpha).
    """

    counts: np.ndarray  # (paragraphs, values)
    domain: np.ndarray  # the values, in order
    uncoded: np.ndarray  # (paragraphs,) bools: a coder left the paragraph uncoded
    coincidences: np.ndarray  # (paragraphs, values * values)

    @classmethod
    def of(cls, values: np.ndarray, domain=None) -> TwoCodings:
        """The codings of ``values`` (rows: coders); ``domain`` if the scale gives one."""
        values = values.astype(float)
        coded = values[~np.isnan(values)]
        values_in_order = np.asarray(np.unique(coded) if domain is None else domain, dtype=float)
        counts = (values.T[:, :, None] == values_in_order[None, None, :]).sum(axis=1)
        # Krippendorff's coincidences of a unit coded m times: n_c n_k (less n_c where
        # c = k) over m - 1, which is nothing for a unit coded once or not at all.
        # With two codings m - 1 is 1: every coincidence, and every draw's sum of
        # them, is a whole number, exact in any order of summation (so on any
        # machine and linear-algebra library).
        size = len(values_in_order)
        pairs = counts[:, :, None] * counts[:, None, :] - counts[:, :, None] * np.eye(size)[None]
        coincidences = pairs / (np.maximum(counts.sum(axis=1), 2) - 1)[:, None, None]
        return cls(counts, values_in_order, np.isnan(values).any(axis=0),
                   coincidences.reshape(len(counts), size * size))

    def alpha(self, level, rows: np.ndarray | None = None) -> float:
        """Alpha over ``rows`` (every paragraph if None); see :meth:`alphas`."""
        rows = np.arange(len(self.counts)) if rows is None else rows
        return float(self.alphas(level, draw_weights([rows], len(self.counts)))[0])

    def alphas(self, level, weights: np.ndarray) -> np.ndarray:
        """Alpha of each draw; ``weights`` (draws, paragraphs): how often a draw takes each.

        ``level`` is ``"nominal"``, ``"ordinal"`` or a distance with the
        ``krippendorff`` package's signature (as the set-valued voices' MASI
        is). Undefined (NaN) without two values coded, or where a coder left a
        drawn paragraph uncoded (the lexicon codes no stance target): alpha
        over the paragraphs it did code would not compare like with like.
        """
        size = len(self.domain)
        observed = (weights @ self.coincidences).reshape(len(weights), size, size)
        per_value = observed.sum(axis=1)
        total = per_value.sum(axis=1)
        expected = (per_value[:, :, None] * per_value[:, None, :]
                    - per_value[:, :, None] * np.eye(size)[None])
        distances = self._distances(level, per_value)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = 1 - (total - 1) * ((observed * distances).sum(axis=(1, 2))
                                        / (expected * distances).sum(axis=(1, 2)))
        present = (weights @ self.counts > 0).sum(axis=1)
        values[(weights @ self.uncoded > 0) | (present < 2)] = np.nan
        return values

    def _distances(self, level, per_value: np.ndarray) -> np.ndarray:
        """Squared distances between values: (values, values), or one matrix per draw."""
        first, second = self.domain[:, None], self.domain[None, :]
        if level == "nominal":
            return (first != second).astype(float)
        one, other = np.indices((len(self.domain),) * 2)
        if level == "ordinal":
            # Per draw: the values coded from one value to the other, less half of each end.
            low, high = np.minimum(one, other), np.maximum(one, other)
            running = np.concatenate([np.zeros((len(per_value), 1)),
                                      np.cumsum(per_value, axis=1)], axis=1)
            between = running[:, high + 1] - running[:, low]
            return (between - (per_value[:, low] + per_value[:, high]) / 2) ** 2
        return np.stack([level(first, second, one, other, counts) for counts in per_value])


def draw_weights(draws, paragraphs: int) -> np.ndarray:
    """How often each draw (rows of a sample) takes each of ``paragraphs``: (draws, paragraphs)."""
    return np.stack([np.bincount(rows, minlength=paragraphs) for rows in draws]).astype(float)


def alpha(values: np.ndarray, level: str, domain=None) -> float:
    """Krippendorff's alpha of two codings (rows): :meth:`TwoCodings.alpha` of all paragraphs."""
    return TwoCodings.of(values, domain).alpha(level)


def top_margin(probabilities: np.ndarray) -> np.ndarray:
    """How far each distribution's (row's) top probability stands above the next."""
    ranked = np.sort(probabilities, axis=1)
    return ranked[:, -1] - (ranked[:, -2] if probabilities.shape[1] > 1 else 0.0)


def flat(probabilities: np.ndarray, margin: float) -> np.ndarray:
    """Where a distribution is flat: its top probability is less than ``margin`` above the next.

    The one definition of a stance too flat to code: today's supervised coders
    code it 0, the calibrated coder reports it uncertain.
    """
    return top_margin(probabilities) < margin


def abstained(probabilities: np.ndarray, levels: np.ndarray, margin: float) -> np.ndarray:
    """The most likely stance, or 0 ("uncertain") where the distribution is :func:`flat`.

    ``probabilities`` has one column per stance level (``levels``, ascending).
    """
    return np.where(flat(probabilities, margin), 0, levels[probabilities.argmax(axis=1)])


def median_stance(probabilities: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """The median of each stance distribution (one per row, ``levels`` ascending).

    The median, not the most likely level: where the probability is spread
    over neighbouring levels, a lone peak at one end does not decide the code,
    and a flat distribution gives the middle of the scale.
    """
    return levels[(probabilities.cumsum(axis=1) >= 0.5).argmax(axis=1)]


def choose_margin(probabilities: np.ndarray, levels: np.ndarray, hand: np.ndarray) -> float:
    """The stance margin (of ``MARGINS``) whose abstentions agree best with ``hand``.

    Agreement is the ordinal alpha of the study; ties go to the smaller margin.
    """
    scores = [alpha(np.array([hand, abstained(probabilities, levels, margin)]), "ordinal",
                    sorted(levels.tolist())) for margin in MARGINS]
    scores = [-np.inf if np.isnan(score) else score for score in scores]
    return float(MARGINS[int(np.argmax(scores))])


def coded_wrongly(hand_stance: np.ndarray, stance: np.ndarray, hand_frame: np.ndarray,
                  frame: np.ndarray) -> np.ndarray:
    """Paragraphs coded wrongly: the stance of the wrong sign, or the wrong primary frame."""
    return (np.sign(hand_stance) != np.sign(stance)) | (hand_frame != frame)


def best_cut(scores: np.ndarray, wrong: np.ndarray, cuts: tuple, default: float) -> float:
    """The cut (of ``cuts``) that best separates wrong codes from right by their scores.

    A code is picked out when its score is below the cut. Youden's J: the share
    of wrong codes picked out minus the share of right codes picked out
    (picking out all, or none, scores 0); ties go to the lower cut, which
    picks out fewer. ``default`` where all codes are wrong or none is.
    """
    if wrong.all() or not wrong.any():
        return default
    separation = [(scores[wrong] < cut).mean() - (scores[~wrong] < cut).mean() for cut in cuts]
    return float(cuts[int(np.argmax(separation))])


def choose_threshold(confidence: np.ndarray, wrong: np.ndarray) -> float:
    """The confidence threshold (of ``THRESHOLDS``) that best separates wrong codes from right."""
    return best_cut(confidence, wrong, THRESHOLDS, CHECK_BY_HAND_BELOW)


def threshold_holding(confidence: np.ndarray, wrong: np.ndarray, share: float,
                      flagged: np.ndarray) -> float:
    """The lowest threshold that, with the codes ``flagged`` anyway, flags ``share`` of the wrong.

    Confidence estimates the chance that a paragraph is coded rightly, so the
    paragraphs below the threshold are the likeliest errors, and the lowest
    threshold that catches the share asked for flags the fewest paragraphs.
    ``confidence`` is rounded to ``CONFIDENCE_DIGITS``: the threshold is one
    step above the confidence of the last wrong code it must catch. Where the
    codes flagged anyway hold the share, or nothing is wrong, it flags nothing.
    """
    needed = math.ceil(share * wrong.sum()) - int((wrong & flagged).sum())
    if needed <= 0:
        return 0.0
    last = np.sort(confidence[wrong & ~flagged])[needed - 1]
    return round(float(last) + 10 ** -CONFIDENCE_DIGITS, CONFIDENCE_DIGITS)


def check_by_hand(codes: pd.DataFrame, coder) -> pd.Series:
    """Which codes to check by hand: low confidence, or an uncertain stance.

    Low: below the coder's threshold (an even chance for coders without one).
    """
    threshold = getattr(coder, "check_by_hand_below", CHECK_BY_HAND_BELOW)
    return (codes["confidence"] < threshold) | codes["stance_uncertain"].astype(bool)


def candidate_coders(codebook: Codebook, lexicon: Lexicon, cues: VoiceCues,
                     flag_errors: float, stopwords: frozenset[str]) -> list:
    """Every coder the evaluation compares, the baseline first.

    ``flag_errors``: the share of its wrong codes the calibrated coder's flag is
    to hold (the build settings'); ``stopwords``: the function words its models
    leave out.
    """
    return [MajorityCoder(), LexiconCoder(lexicon),
            SupervisedCoder(codebook, cues, phrases_and_sentiment=False),
            SupervisedCoder(codebook, cues, phrases_and_sentiment=True),
            CalibratedCoder(codebook, cues, flag_errors, stopwords)]


def load_candidate_coders(codebook: Codebook, settings: BuildSettings,
                          data_dir: Path = DATA) -> list:
    """The :func:`candidate_coders` with the rules of ``data_dir`` and the flag of ``settings``."""
    return candidate_coders(codebook, load_lexicon(codebook, data_dir),
                            load_voice_cues(codebook, data_dir),
                            settings.flag_errors, load_stopwords(data_dir))


# ---- coding the corpus ----

# Below this many paragraphs, starting worker processes costs more than it saves.
PARALLEL_MIN_PARAGRAPHS = 2_000
# Page clutter that segmentation keeps as body text (short lines without a
# sentence end are already headings, kzreform.corpus): a photo caption with its
# credit ("... votes in Astana. Photo: Reuters"), a credit line ("© AP"), a line
# of sharing buttons ending like a sentence. No longer than a caption.
CLUTTER_MAX_WORDS = 40
CREDIT = re.compile(r"(?:^|[\s(\[])(?:©|(?:photo|photograph|image|picture|illustration|credit)"
                    r"s?\s*(?::|/|\bby\b))", re.IGNORECASE)
SHARING_WORDS = frozenset({"share", "shares", "tweet", "facebook", "twitter", "x", "email",
                           "e-mail", "print", "whatsapp", "telegram", "linkedin", "reddit", "vk",
                           "copy", "link", "on", "this", "article", "page", "via", "post"})


def is_clutter(text: str) -> bool:
    """Whether a body paragraph is page clutter (see ``CREDIT``), not text to code."""
    words = WORD.findall(text.lower())
    return len(words) <= CLUTTER_MAX_WORDS and (bool(CREDIT.search(text))
                                                or set(words) <= SHARING_WORDS)



def auto_code(paragraphs: pd.DataFrame, coder, workers: int | None = None) -> pd.DataFrame:
    """Code every body paragraph with a fitted coder.

    Headings, footnotes and page clutter (:func:`is_clutter`) are not coded.
    Large inputs are split into contiguous chunks coded in parallel, one per
    core; the result is the same, in the same order, as coding them in turn.
    """
    body = body_paragraphs(paragraphs)
    body = body[~body["text"].map(is_clutter)]
    texts = body["text"].tolist()
    workers = workers or os.cpu_count() or 1
    if workers > 1 and len(texts) >= PARALLEL_MIN_PARAGRAPHS:
        size = -(-len(texts) // workers)
        chunks = [texts[start:start + size] for start in range(0, len(texts), size)]
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            codes = pd.concat(pool.map(coder.code, chunks), ignore_index=True)
    else:
        codes = coder.code(texts)
    codes.insert(0, "paragraph_id", body["paragraph_id"].to_numpy())
    codes.insert(1, "source_id", body["source_id"].to_numpy())
    codes["check_by_hand"] = check_by_hand(codes, coder)
    codes["coding"] = AUTOMATED
    return codes[AUTO_COLUMNS]
