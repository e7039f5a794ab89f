"""How the sources frame the reforms: codebook, hand coding, automated coder, agreement.

The codebook (``data/coding/codebook.yml``) defines the frames, the stance scale
and the voice categories; ``data/coding/framing_manual.csv`` is the hand coding
of every body paragraph of the hand-coded sources; ``data/coding/lexicon.csv``
holds the automated coder's rules. The automated coder reads nothing but a
paragraph's text and the lexicon, so it codes text it has never seen.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd

from .corpus import BODY_KINDS, WORD
from .data import load_table, read_yaml
from .errors import DataValidationError, Issue, raise_issues, shown
from .paths import CODING, DATA, in_data_dir

CODEBOOK = CODING / "codebook.yml"
LEXICON = CODING / "lexicon.csv"
STOPWORDS = CODING / "stopwords.txt"

LIST_SEPARATOR = ";"
NO_VOICE = "none"
HAND_CODED = "hand-coded"
AUTOMATED = "automated, not hand-coded"
AUTO_COLUMNS = ["paragraph_id", "source_id", "primary_frame", "secondary_frames",
                "stance", "voices", "coding"]

# When no frame cue matches, the paragraph is most likely a bare statement of
# what a measure contains, which the codebook codes as policy_prescription.
FALLBACK_FRAME = "policy_prescription"
# A frame other than the primary becomes a secondary frame once its cues weigh
# at least this much: one strong cue (weight 2) or two ordinary ones.
SECONDARY_MIN_SCORE = 2.0
MIN_STANCE, MAX_STANCE = -2, 2


@dataclass(frozen=True)
class Codebook:
    frames: dict[str, str]  # id -> label, in codebook order
    voices: dict[str, str]
    stance_levels: dict[int, str]
    hand_coded_sources: tuple[str, ...]


def _require(mapping, key, where):
    if not isinstance(mapping, dict) or key not in mapping:
        raise DataValidationError(f"{where}: missing field {key!r}")
    return mapping[key]


def codebook_path(data_dir: Path = DATA) -> Path:
    """Where the codebook of ``data_dir`` lives."""
    return in_data_dir(CODEBOOK, data_dir)


def load_codebook(path: Path = CODEBOOK) -> Codebook:
    """The codebook, with a named error for a missing field or a value of the wrong kind."""
    document = read_yaml(path)
    where = shown(path)
    lists = {}
    for section in ("frames", "voices"):
        entries = _require(document, section, where)
        for number, entry in enumerate(entries, start=1):
            for field in ("id", "label", "definition"):
                _require(entry, field, f"{where}, {section} entry {number}")
            if section == "frames":
                for field in ("code_when", "do_not_code_when", "example"):
                    _require(entry, field, f"{where}, frames entry {number} ({entry['id']})")
        ids = [entry["id"] for entry in entries]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated or NO_VOICE in ids:
            raise DataValidationError(
                f"{where}, {section}: ids must be unique and not {NO_VOICE!r}: {duplicated}")
        lists[section] = {entry["id"]: entry["label"] for entry in entries}
    levels = _require(_require(document, "stance", where), "levels", f"{where}, stance")
    stance = {}
    for number, level in enumerate(levels, start=1):
        value = _require(level, "value", f"{where}, stance level {number}")
        if not isinstance(value, int) or isinstance(value, bool):
            raise_issues([Issue.at(path, "is not a whole number", value=value,
                                   field=f"stance.levels[{number}].value")], "invalid codebook")
        stance[value] = _require(level, "label", f"{where}, stance level {number}")
    hand_coded = _require(document, "hand_coded_sources", where)
    if not isinstance(hand_coded, list) or not all(isinstance(s, str) for s in hand_coded):
        raise_issues([Issue.at(path, "must be a list of source ids, e.g. [fpc-2021, tni-2022]",
                               field="hand_coded_sources", value=hand_coded)], "invalid codebook")
    return Codebook(lists["frames"], lists["voices"], stance, tuple(hand_coded))


def split_list(cell: str) -> list[str]:
    return [item for item in str(cell).split(LIST_SEPARATOR) if item]


def body_paragraphs(paragraphs: pd.DataFrame) -> pd.DataFrame:
    return paragraphs[paragraphs["kind"].isin(BODY_KINDS)]


# ---- the automated coder ----

LEXICON_KINDS = ("frame", "voice", "stance")


NO_MATCH: tuple[frozenset[int], tuple, tuple] = (frozenset(), (), ())


class Lexicon:
    """The automated coder's rules, indexed for one pass over a paragraph's words.

    Each distinct word of the input is matched against the term words once
    (then cached), and multi-word terms are only tried where their first word
    occurs, so coding time grows linearly with the number of words coded.
    """

    def __init__(self, rules: list[tuple[str, str, str, float]], frame_order: tuple[str, ...]):
        self.frame_order = frame_order
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
    """The automated coder's rules from the lexicon table of ``data_dir``."""
    table = load_table("framing-lexicon", data_dir)
    rules = list(zip(table["kind"], table["target"], table["term"], table["weight"]))
    return Lexicon(rules, tuple(codebook.frames))


def code_text(text: str, lexicon: Lexicon) -> dict:
    """Primary and secondary frames, stance and voices of one paragraph, from its text alone."""
    scores = lexicon.scores(text)
    frames = scores["frame"]
    if frames:
        # Ties go to the frame listed first in the codebook, so results are stable.
        primary = max(lexicon.frame_order, key=lambda frame: frames.get(frame, 0.0))
    else:
        primary = FALLBACK_FRAME
    secondary = [frame for frame in lexicon.frame_order
                 if frame != primary and frames.get(frame, 0.0) >= SECONDARY_MIN_SCORE]
    stance = scores["stance"].get("stance", 0.0)
    voices = sorted(scores["voice"])
    return {
        "primary_frame": primary,
        "secondary_frames": LIST_SEPARATOR.join(secondary),
        "stance": int(min(max(round(stance), MIN_STANCE), MAX_STANCE)),
        "voices": LIST_SEPARATOR.join(voices) or NO_VOICE,
    }


# Below this many paragraphs, starting worker processes costs more than it saves.
PARALLEL_MIN_PARAGRAPHS = 2_000


def _code_texts(lexicon: Lexicon, texts: list[str]) -> list[dict]:
    return [code_text(text, lexicon) for text in texts]


def auto_code(paragraphs: pd.DataFrame, lexicon: Lexicon,
              workers: int | None = None) -> pd.DataFrame:
    """Code every body paragraph automatically (headings and footnotes are not coded).

    Large inputs are split into contiguous chunks coded in parallel, one per
    core; the result is the same, in the same order, as coding them in turn.
    """
    body = body_paragraphs(paragraphs)
    texts = body["text"].tolist()
    workers = workers or os.cpu_count() or 1
    if workers > 1 and len(texts) >= PARALLEL_MIN_PARAGRAPHS:
        size = -(-len(texts) // workers)
        chunks = [texts[start:start + size] for start in range(0, len(texts), size)]
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            coded = [row for chunk in pool.map(_code_texts, [lexicon] * len(chunks), chunks)
                     for row in chunk]
    else:
        coded = _code_texts(lexicon, texts)
    codes = pd.DataFrame(coded, columns=["primary_frame", "secondary_frames", "stance", "voices"])
    codes.insert(0, "paragraph_id", body["paragraph_id"].to_numpy())
    codes.insert(1, "source_id", body["source_id"].to_numpy())
    codes["coding"] = AUTOMATED
    return codes[AUTO_COLUMNS]


def framing_tables(data_dir: Path, tables: dict) -> dict:
    """Builder: auto-code every body paragraph of the paragraphs built so far."""
    codebook = load_codebook(codebook_path(data_dir))
    return {"framing-auto": auto_code(tables["paragraphs"], load_lexicon(codebook, data_dir))}


# ---- analysis ----

def coded_paragraphs(paragraphs: pd.DataFrame, manual: pd.DataFrame,
                     auto: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """One coding per body paragraph: the hand coding where it exists, else the automated one."""
    hand = manual.assign(coding=HAND_CODED)
    hand = hand[hand["paragraph_id"].isin(
        paragraphs.loc[paragraphs["source_id"].isin(codebook.hand_coded_sources),
                       "paragraph_id"])]
    machine = auto[~auto["paragraph_id"].isin(hand["paragraph_id"])]
    columns = ["paragraph_id", "primary_frame", "secondary_frames", "stance", "voices", "coding"]
    coded = pd.concat([hand[columns], machine[columns]], ignore_index=True)
    coded["stance"] = coded["stance"].astype(int)
    body = body_paragraphs(paragraphs)[["paragraph_id", "source_id", "text"]]
    return body.merge(coded, on="paragraph_id", how="inner", validate="one_to_one")


def source_label(source_id: str, coding: str) -> str:
    return source_id if coding == HAND_CODED else f"{source_id} ({AUTOMATED})"


def with_source_labels(coded: pd.DataFrame) -> pd.DataFrame:
    coding = coded.groupby("source_id")["coding"].agg(
        lambda values: HAND_CODED if (values == HAND_CODED).all() else AUTOMATED)
    return coded.assign(source=coded["source_id"].map(
        lambda source: source_label(source, coding[source])))


def coded_per_source(paragraphs: pd.DataFrame, coded: pd.DataFrame) -> pd.DataFrame:
    body = body_paragraphs(paragraphs)
    table = pd.DataFrame({
        "body paragraphs": body.groupby("source_id").size(),
        "hand-coded": coded[coded["coding"] == HAND_CODED].groupby("source_id").size(),
        "automated only": coded[coded["coding"] == AUTOMATED].groupby("source_id").size(),
        "headings and footnotes (not coded)":
            paragraphs[~paragraphs["kind"].isin(BODY_KINDS)].groupby("source_id").size(),
    }).fillna(0).astype(int)
    table.loc["all sources"] = table.sum()
    table.index.name = "source"
    return table


def frame_shares(coded: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Share of each source's paragraphs with each primary frame (long format)."""
    labelled = with_source_labels(coded)
    counts = pd.crosstab(labelled["source"], labelled["primary_frame"])
    counts = counts.reindex(columns=list(codebook.frames), fill_value=0)
    shares = counts.div(counts.sum(axis=1), axis=0)
    long = shares.stack().rename("share").reset_index()
    long["paragraphs"] = counts.stack().to_numpy()
    long["frame"] = long["primary_frame"].map(codebook.frames)
    return long


def voice_shares(coded: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Share of each source's paragraphs that quote or paraphrase each voice (long format)."""
    labelled = with_source_labels(coded)
    rows = []
    for source, group in labelled.groupby("source"):
        voices = group["voices"].map(split_list)
        for voice, label in codebook.voices.items():
            count = int(voices.map(lambda listed, v=voice: v in listed).sum())
            rows.append({"source": source, "voice": label, "paragraphs": count,
                         "share": count / len(group)})
    return pd.DataFrame(rows)


def stance_by_source(coded: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Mean stance per source with its publication window and paragraph count."""
    labelled = with_source_labels(coded)
    summary = labelled.groupby(["source_id", "source"])["stance"].agg(
        mean_stance="mean", paragraphs="size").reset_index()
    dates = sources[["source_id", "date_earliest", "date_latest"]].copy()
    for column in ("date_earliest", "date_latest"):
        dates[column] = pd.to_datetime(dates[column])
    summary = summary.merge(dates, on="source_id", validate="one_to_one")
    summary["date_mid"] = summary["date_earliest"] + (
        summary["date_latest"] - summary["date_earliest"]) / 2
    return summary


def stance_distribution(coded: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Paragraph counts per stance level per source, placed at the source's mid date."""
    labelled = with_source_labels(coded)
    counts = labelled.groupby(["source", "stance"]).size().rename("paragraphs").reset_index()
    return counts.merge(summary[["source", "date_mid"]], on="source")


def exemplars(coded: pd.DataFrame, codebook: Codebook, max_words: int = 30,
              min_words: int = 12) -> pd.DataFrame:
    """A short verbatim quote for each frame, from a hand-coded paragraph with it as primary.

    The exemplar is the paragraph of at least ``min_words`` words (list-item
    fragments say little on their own) with the fewest secondary frames (the
    purest case), then the shortest; it is quoted up to its first sentence end
    or ``max_words`` words, with an ellipsis where cut.
    """
    hand = coded[(coded["coding"] == HAND_CODED)
                 & (coded["text"].str.split().str.len() >= min_words)].assign(
        n_secondary=lambda t: t["secondary_frames"].map(lambda c: len(split_list(c))),
        length=lambda t: t["text"].str.len())
    rows = []
    for frame, label in codebook.frames.items():
        candidates = hand[hand["primary_frame"] == frame].sort_values(
            ["n_secondary", "length", "paragraph_id"])
        if candidates.empty:
            continue
        best = candidates.iloc[0]
        rows.append({"frame": label, "quote": short_quote(best["text"], max_words),
                     "paragraph": best["paragraph_id"]})
    return pd.DataFrame(rows).set_index("frame")


SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def short_quote(text: str, max_words: int) -> str:
    sentence = SENTENCE_END.split(text, maxsplit=1)[0]
    words = sentence.split(" ")
    cut = len(words) > max_words or sentence != text
    quoted = " ".join(words[:max_words])
    return f"“{quoted}{' …' if cut else ''}”"


# ---- agreement of the automated coder with the hand coding ----

def _alpha(manual_values, auto_values, level: str, domain=None) -> float:
    data = np.array([manual_values, auto_values], dtype=float)
    if np.unique(data).size < 2:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level,
                                    value_domain=domain))


def agreement(manual: pd.DataFrame, auto: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Krippendorff's alpha for stance and primary frame, and per-frame precision/recall.

    A frame is 'present' in a paragraph when it is its primary or a secondary
    frame; precision and recall treat the hand coding as the reference.
    """
    pair = manual.merge(auto, on="paragraph_id", suffixes=("_manual", "_auto"),
                        validate="one_to_one")
    n = len(pair)
    frame_index = {frame: number for number, frame in enumerate(codebook.frames)}
    rows = [
        {"coded item": "stance (ordinal, −2 to +2)", "hand-coded": n, "automated": n,
         "alpha": _alpha(pair["stance_manual"].astype(int), pair["stance_auto"].astype(int),
                         "ordinal", sorted(codebook.stance_levels))},
        {"coded item": "primary frame (nominal)", "hand-coded": n, "automated": n,
         "alpha": _alpha(pair["primary_frame_manual"].map(frame_index),
                         pair["primary_frame_auto"].map(frame_index), "nominal")},
    ]
    present = {side: pair.apply(lambda row, s=side: {row[f"primary_frame_{s}"],
                                                     *split_list(row[f"secondary_frames_{s}"])},
                                axis=1)
               for side in ("manual", "auto")}
    for frame, label in codebook.frames.items():
        in_manual = present["manual"].map(lambda frames, f=frame: f in frames)
        in_auto = present["auto"].map(lambda frames, f=frame: f in frames)
        both = int((in_manual & in_auto).sum())
        rows.append({
            "coded item": f"frame present: {label}",
            "hand-coded": int(in_manual.sum()), "automated": int(in_auto.sum()),
            "precision": both / in_auto.sum() if in_auto.sum() else float("nan"),
            "recall": both / in_manual.sum() if in_manual.sum() else float("nan"),
            "alpha": _alpha(in_manual.astype(int), in_auto.astype(int), "nominal"),
        })
    columns = ["coded item", "hand-coded", "automated", "precision", "recall", "alpha"]
    return pd.DataFrame(rows).reindex(columns=columns).set_index("coded item")


def rounded_for_display(table: pd.DataFrame, digits: int = 2) -> pd.DataFrame:
    """Round measures and show undefined ones (no paragraphs to compare) as a dash."""
    rounded = table.round(digits).astype(object)
    return rounded.where(rounded.notna(), "–")


# ---- distinctive vocabulary ----

def load_stopwords(path: Path = STOPWORDS) -> frozenset[str]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def word_counts(texts: pd.Series, stopwords: frozenset[str] = frozenset()) -> pd.Series:
    # Sources differ in typography only: count "Russia’s" and "Russia's" as one word.
    words = [word for text in texts for word in WORD.findall(text.lower().replace("’", "'"))
             if not word[0].isdigit() and word not in stopwords]
    return pd.Series(words, dtype=str).value_counts()


def weighted_log_odds(texts: pd.Series, groups: pd.Series, prior_scale: float = 1.0,
                      min_count: int = 2,
                      stopwords: frozenset[str] = frozenset()) -> pd.DataFrame:
    """Weighted log-odds ratio of each word in each group against all other groups.

    Monroe, Colaresi and Quinn (2008, eq. 16-22) with an informative Dirichlet
    prior: the prior for word w is ``prior_scale`` times its count in the whole
    corpus, so frequent words need more evidence to stand out. The returned
    ``z`` is the log-odds difference divided by its estimated standard deviation.
    """
    counts = pd.DataFrame({group: word_counts(texts[groups == group], stopwords)
                           for group in sorted(groups.unique())}).fillna(0)
    prior = counts.sum(axis=1) * prior_scale
    prior_total = prior.sum()
    rows = []
    for group in counts.columns:
        own = counts[group]
        rest = counts.drop(columns=group).sum(axis=1)
        own_odds = (own + prior) / (own.sum() + prior_total - own - prior)
        rest_odds = (rest + prior) / (rest.sum() + prior_total - rest - prior)
        delta = np.log(own_odds) - np.log(rest_odds)
        variance = 1 / (own + prior) + 1 / (rest + prior)
        result = pd.DataFrame({"group": group, "word": counts.index, "count": own,
                               "log_odds": delta, "z": delta / np.sqrt(variance)})
        rows.append(result[result["count"] >= min_count])
    return pd.concat(rows, ignore_index=True)


def distinctive_words(coded: pd.DataFrame, top: int = 8) -> pd.DataFrame:
    """The ``top`` words with the highest weighted log-odds z-score for each source.

    Function words (``data/coding/stopwords.txt``) are left out: with counts this
    small their z-scores reflect each author's style more than the framing.
    """
    labelled = with_source_labels(coded)
    scores = weighted_log_odds(labelled["text"], labelled["source"],
                               stopwords=load_stopwords())
    ranked = scores.sort_values(["group", "z", "word"], ascending=[True, False, True])
    return ranked.groupby("group").head(top).rename(columns={"group": "source"}).reset_index(
        drop=True)
