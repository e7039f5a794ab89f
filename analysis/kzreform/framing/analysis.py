"""How the sources frame the reforms: the analyses of the coded paragraphs.

Shares of frames and voices, stance by source and target with bootstrap
intervals, exemplars and distinctive words, computed from the coded paragraphs;
the results stage (:mod:`kzreform.pipeline.results`) stores them.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from kzreform.core.bootstrap import SEED, bootstrap_means
from kzreform.core.codebook import (
    HAND_CODED,
    MANUAL_COLUMNS,
    Codebook,
    load_stopwords,
    split_list,
)
from kzreform.core.data import load_table
from kzreform.core.paths import DATA
from kzreform.core.settings import build_settings
from kzreform.core.vocabulary import AUTOMATED
from kzreform.corpus.segment import (
    BODY_KINDS,
    DATE_WINDOW,
    WORD,
    body_paragraphs,
    by_publication_date,
    with_dated_window,
)

# A source's mean stance over all its paragraphs mixes stance targets (what each
# paragraph evaluates); the name says so wherever it is shown.
MIXED_STANCE = "mean stance, all targets mixed"
# The row of the per-source coding table that totals every source.
ALL_SOURCES = "all sources"
# The row and column of the target counts that total every target or source.
TOTAL = "all"


def hand_coding(data_dir: Path = DATA) -> pd.DataFrame:
    """The hand coding the findings rest on, and the standard the automated coders are held to.

    The reconciled coding of every paragraph two coders coded
    (:mod:`kzreform.framing.adjudication`); a paragraph coded by the first coder only (a
    source hand-coded since, not yet coded a second time) keeps that coding.
    """
    reconciled = load_table("framing-reconciled", data_dir)
    first = load_table("framing-manual", data_dir)
    once = first[~first["paragraph_id"].isin(reconciled["paragraph_id"])]
    return pd.concat([reconciled[MANUAL_COLUMNS], once[MANUAL_COLUMNS]], ignore_index=True)


# ---- analysis ----

def coded_paragraphs(paragraphs: pd.DataFrame, manual: pd.DataFrame,
                     auto: pd.DataFrame) -> pd.DataFrame:
    """One coding per body paragraph: the hand coding where it exists, else the automated one.

    ``check_by_hand`` is true for automated codes the coder was unsure of.
    """
    hand = manual.assign(coding=HAND_CODED, check_by_hand=False)
    machine = auto[~auto["paragraph_id"].isin(hand["paragraph_id"])]
    columns = ["paragraph_id", "primary_frame", "secondary_frames", "stance", "stance_target",
               "voices", "coding", "check_by_hand"]
    coded = pd.concat([hand[columns], machine[columns]], ignore_index=True)
    coded["stance"] = coded["stance"].astype(int)
    coded["check_by_hand"] = coded["check_by_hand"].astype(bool)
    body = body_paragraphs(paragraphs)[["paragraph_id", "source_id", "text"]]
    return body.merge(coded, on="paragraph_id", how="inner", validate="one_to_one")


def source_label(source_id: str, coding: str) -> str:
    """A source as charts and tables name it: automated sources say so."""
    return source_id if coding == HAND_CODED else f"{source_id} ({AUTOMATED})"


def with_source_labels(coded: pd.DataFrame) -> pd.DataFrame:
    """``coded`` with a column ``source``: hand-coded only if all its paragraphs are."""
    hand_coded = coded["coding"].eq(HAND_CODED).groupby(coded["source_id"]).all()
    labels = {source: source_label(source, HAND_CODED if all_hand else AUTOMATED)
              for source, all_hand in hand_coded.items()}
    return coded.assign(source=coded["source_id"].map(labels))


def sources_by_date(coded: pd.DataFrame, sources: pd.DataFrame) -> list[str]:
    """Source labels in order of publication (earliest possible date, then id)."""
    labels = with_source_labels(coded).drop_duplicates("source_id").set_index("source_id")
    dated = by_publication_date(sources[sources["source_id"].isin(labels.index)])
    return labels.loc[dated["source_id"], "source"].tolist()


def coded_per_source(paragraphs: pd.DataFrame, coded: pd.DataFrame) -> pd.DataFrame:
    """Per source: body paragraphs, how each was coded, flags, and what was left uncoded.

    A body paragraph neither hand-coded nor coded automatically is page clutter
    (:func:`kzreform.framing.coders.is_clutter`).
    """
    body = body_paragraphs(paragraphs)
    table = pd.DataFrame({
        "body paragraphs": body.groupby("source_id").size(),
        "hand-coded": coded[coded["coding"] == HAND_CODED].groupby("source_id").size(),
        "automated only": coded[coded["coding"] == AUTOMATED].groupby("source_id").size(),
        "automated, to check by hand": coded[coded["check_by_hand"]].groupby("source_id").size(),
        "headings and footnotes (not coded)":
            paragraphs[~paragraphs["kind"].isin(BODY_KINDS)].groupby("source_id").size(),
        "page clutter (not coded)":
            body[~body["paragraph_id"].isin(coded["paragraph_id"])].groupby("source_id").size(),
    }).fillna(0).astype(int)
    table.loc[ALL_SOURCES] = table.sum()
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
    quoted = (labelled.assign(voice=labelled["voices"].map(lambda cell: set(split_list(cell))))
              .explode("voice"))
    counts = quoted.groupby(["source", "voice"]).size()
    paragraphs = labelled["source"].value_counts()
    rows = []
    for source in sorted(paragraphs.index):
        for voice, label in codebook.voices.items():
            count = int(counts.get((source, voice), 0))
            rows.append({"source": source, "voice": label, "paragraphs": count,
                         "share": count / paragraphs[source]})
    return pd.DataFrame(rows)


def leading_categories(shares: pd.DataFrame, category: str) -> pd.DataFrame:
    """Each source's most frequent category (``label``) and its share, ties in codebook order."""
    leading = shares.loc[shares.groupby("source", sort=True)["share"].idxmax()]
    return pd.DataFrame({"source": leading["source"].to_numpy(),
                         "label": leading[category].to_numpy(),
                         "share": leading["share"].to_numpy()})


def with_publication_window(summary: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """``summary`` (one or more rows per source_id) with each source's window and its middle."""
    dates = with_dated_window(sources[["source_id", *DATE_WINDOW]])
    summary = summary.merge(dates, on="source_id", validate="many_to_one")
    summary["date_mid"] = summary["date_earliest"] + (
        summary["date_latest"] - summary["date_earliest"]) / 2
    return summary


def stance_by_target(coded: pd.DataFrame, sources: pd.DataFrame, codebook: Codebook,
                     resamples: int | None = None, seed: int = SEED) -> pd.DataFrame:
    """Mean stance per source and stance target, with bootstrap 95% intervals and dates.

    Only targets the stance scale evaluates (``stance_on_target`` in the
    codebook) are summarised: for the others a mean stance would not be a
    stance toward the target. Paragraphs are resampled within each source and
    target (percentile intervals, fixed seed), as in :func:`source_summary`;
    ``resamples`` defaults to the build settings' (:mod:`kzreform.core.settings`).
    """
    resamples = resamples or build_settings().resamples
    labelled = with_source_labels(coded)
    labelled = labelled[labelled["stance_target"].isin(codebook.stance_on_target)]
    order = {target: index for index, target in enumerate(codebook.targets)}
    rng = np.random.default_rng(seed)
    rows = []
    for (source_id, source, target), group in labelled.groupby(
            ["source_id", "source", "stance_target"], sort=True):
        mean, low, high = bootstrap_means(group[["stance"]].to_numpy(dtype=float), rng,
                                          resamples)
        rows.append({"source_id": source_id, "source": source, "stance_target": target,
                     "target": codebook.targets[target],
                     "group": codebook.target_groups[target], "order": order[target],
                     "paragraphs": len(group), "mean_stance": mean[0], "ci_low": low[0],
                     "ci_high": high[0]})
    columns = ["source_id", "source", "stance_target", "target", "group", "order",
               "paragraphs", "mean_stance", "ci_low", "ci_high"]
    summary = with_publication_window(pd.DataFrame(rows, columns=columns), sources)
    return summary.sort_values(["order", "date_mid", "source"]).drop(columns="order") \
        .reset_index(drop=True)


def target_counts(coded: pd.DataFrame, codebook: Codebook,
                  sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Paragraphs per stance target and source (all targets; sources by date if given), totals."""
    # Totals added by hand: crosstab's margins take longer than the table itself.
    counts = pd.crosstab(coded["stance_target"], coded["source_id"])
    counts[TOTAL] = counts.sum(axis=1)
    counts.loc[TOTAL] = counts.sum(axis=0)
    order = (counts.columns.drop(TOTAL).tolist() if sources is None else
             by_publication_date(sources)["source_id"]
             .loc[lambda ids: ids.isin(counts.columns)].tolist())
    counts = counts.reindex(index=[*codebook.targets, TOTAL], columns=[*order, TOTAL],
                            fill_value=0)
    return counts.rename_axis(index="stance target", columns=None)


def target_counts_long(counts: pd.DataFrame) -> pd.DataFrame:
    """:func:`target_counts` as stored: one row per stance target and source, in its order."""
    return counts.stack().rename("paragraphs").rename_axis(
        ["stance_target", "source_id"]).reset_index()


def source_labels_in_order(coding: pd.DataFrame) -> list[str]:
    """Source labels in the order of the stored per-source coding table (publication)."""
    return coding.loc[coding["source_id"] != ALL_SOURCES, "source"].tolist()


def source_summary(coded: pd.DataFrame, codebook: Codebook, resamples: int | None = None,
                   seed: int = SEED) -> pd.DataFrame:
    """Each source's mean stance and primary-frame shares with bootstrap 95% intervals.

    Paragraphs are resampled within each source (percentile intervals, fixed
    seed), so the interval shows how much a figure rests on a few paragraphs;
    ``resamples`` defaults to the build settings' (:mod:`kzreform.core.settings`).
    """
    resamples = resamples or build_settings().resamples
    labelled = with_source_labels(coded)
    rng = np.random.default_rng(seed)
    rows = []
    for (source_id, source), group in labelled.groupby(["source_id", "source"], sort=True):
        frames = (group["primary_frame"].to_numpy()[:, None]
                  == np.array(list(codebook.frames))[None, :]).astype(float)
        values = np.column_stack([group["stance"].to_numpy(dtype=float), frames])
        means, low, high = bootstrap_means(values, rng, resamples)
        for column, item in enumerate([MIXED_STANCE, *codebook.frames.values()]):
            rows.append({"source_id": source_id, "source": source, "item": item,
                         "paragraphs": len(group),
                         "estimate": means[column],
                         "ci_low": low[column], "ci_high": high[column]})
    return pd.DataFrame(rows)


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
    """The first sentence of ``text`` (at most ``max_words`` words) in quotation marks."""
    sentence = SENTENCE_END.split(text, maxsplit=1)[0]
    words = sentence.split(" ")
    cut = len(words) > max_words or sentence != text
    quoted = " ".join(words[:max_words])
    return f"“{quoted}{' …' if cut else ''}”"


# ---- distinctive vocabulary ----

def counted_words(text: str, stopwords: frozenset[str] = frozenset()) -> list[str]:
    """The lower-case words of ``text`` that are counted (numbers and stopwords left out)."""
    # Sources differ in typography only: count "Russia’s" and "Russia's" as one word.
    return [word for word in WORD.findall(text.lower().replace("’", "'"))
            if not word[0].isdigit() and word not in stopwords]


def weighted_log_odds(texts: pd.Series, groups: pd.Series, prior_scale: float = 1.0,
                      min_count: int = 2,
                      stopwords: frozenset[str] = frozenset()) -> pd.DataFrame:
    """Weighted log-odds ratio of each word in each group against all other groups.

    Monroe, Colaresi and Quinn (2008, eq. 16-22) with an informative Dirichlet
    prior: the prior for word w is ``prior_scale`` times its count in the whole
    corpus, so frequent words need more evidence to stand out. The returned
    ``z`` is the log-odds difference divided by its estimated standard deviation.
    Only the (group, word) pairs that occur are scored, unless ``min_count`` is
    below one, and the rest of the corpus is the whole corpus less the group:
    the cost grows with the text, not with the vocabulary times the groups.
    """
    # Counted per group over its texts joined (a line break ends a word as a text's end
    # does): one Counter of a list per group instead of a Python step per word.
    texts_of: dict = {}
    for text, group in zip(texts, groups):
        texts_of.setdefault(group, []).append(text)
    pair_counts = Counter({(group, word): count for group, members in texts_of.items()
                           for word, count in Counter(counted_words("\n".join(members),
                                                                    stopwords)).items()})
    total, group_total = Counter(), Counter()
    for (group, word), count in pair_counts.items():
        total[word] += count
        group_total[group] += count
    if min_count < 1:  # score the words a group never uses too
        pair_counts = {(group, word): pair_counts[group, word]
                       for group in group_total for word in total}
    kept = sorted(item for item in pair_counts.items() if item[1] >= min_count)
    counts = pd.DataFrame({"group": [group for (group, _), _ in kept],
                           "word": [word for (_, word), _ in kept],
                           "count": [float(count) for _, count in kept]})
    words = float(sum(total.values()))
    own = counts["count"]
    word_total = counts["word"].map(total).astype(float)
    prior = word_total * prior_scale
    prior_total = words * prior_scale
    own_sum = counts["group"].map(group_total).astype(float)
    rest = word_total - own
    rest_sum = words - own_sum
    own_odds = (own + prior) / (own_sum + prior_total - own - prior)
    rest_odds = (rest + prior) / (rest_sum + prior_total - rest - prior)
    delta = np.log(own_odds) - np.log(rest_odds)
    variance = 1 / (own + prior) + 1 / (rest + prior)
    return pd.DataFrame({"group": counts["group"], "word": counts["word"],
                         "count": own.astype(int), "log_odds": delta,
                         "z": delta / np.sqrt(variance)})


def distinctive_words(coded: pd.DataFrame, top: int = 8,
                      data_dir: Path = DATA) -> pd.DataFrame:
    """The ``top`` words with the highest weighted log-odds z-score for each source.

    Function words (``data/coding/stopwords.txt``) are left out: with counts this
    small their z-scores reflect each author's style more than the framing.
    """
    labelled = with_source_labels(coded)
    scores = weighted_log_odds(labelled["text"], labelled["source"],
                               stopwords=load_stopwords(data_dir))
    ranked = scores.sort_values(["group", "z", "word"], ascending=[True, False, True])
    return ranked.groupby("group").head(top).rename(columns={"group": "source"}).reset_index(
        drop=True)
