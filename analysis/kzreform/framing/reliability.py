"""How far the automated coders reproduce the hand coding, measured out of sample.

Leave-one-source-out: each hand-coded source is coded by a coder fitted on the
other hand-coded sources only, so every paragraph is coded by a model that has
never seen its text (or anything else from its source). The measures:
Krippendorff's alpha (:class:`~kzreform.framing.coders.TwoCodings`, held to the
``krippendorff`` package's by a test) for stance (ordinal), primary
frame and stance target (nominal), and per-frame precision and recall of a frame's
presence (primary or secondary) with the hand coding as the reference. Each
comes with a percentile bootstrap 95% interval (fixed seed) that resamples
the sources and then the paragraphs within each drawn source, since the
paragraphs of one source are not independent (paragraphs alone where their
sources are not known, as between two hand codings).
Between hand codings the set of voices is compared too, with Krippendorff's
alpha on the MASI distance between sets (Passonneau 2006).
The "check by hand" flag is measured too: the share of paragraphs flagged, and
the share of the wrongly coded paragraphs (stance of the wrong sign, or the
wrong primary frame) that it flags; and the calibration of each coder's
confidence: per confidence bin, the mean confidence against the share of
paragraphs coded rightly (:func:`calibration`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from kzreform.core.bootstrap import SEED, draws, percentile_interval
from kzreform.core.codebook import NO_VOICE, Codebook, split_list
from kzreform.core.data import resource_path
from kzreform.core.errors import Issue, raise_issues
from kzreform.core.paths import DATA
from kzreform.core.settings import SETTINGS, BuildSettings, build_settings
from kzreform.core.vocabulary import (ALPHA, FLAGGED, FLAGGED_ERRORS, FLAGGED_PARAGRAPHS,
                                      IN_SAMPLE, LOSO, PRECISION, RECALL)
from kzreform.framing.coders import TwoCodings, check_by_hand, draw_weights
from kzreform.framing.coders import coded_wrongly as wrong_codes

# Leave-one-source-out needs a source to fit on and another to code.
MIN_SOURCES = 2
RELIABILITY_COLUMNS = ["coder", "coder_label", "evaluation", "chosen", "measure", "item",
                       "paragraphs", "estimate", "ci_low", "ci_high"]
# Confidence from 0 to 1 in bins of equal width, for the calibration curve.
CALIBRATION_BINS = 10
CALIBRATION_COLUMNS = ["coder", "evaluation", "bin_low", "bin_high", "paragraphs",
                       "mean_confidence", "share_right"]


@dataclass(frozen=True)
class PairedCodes:
    """Hand and automated codes of the same paragraphs, as arrays."""

    stance: np.ndarray        # (2, n) ints: hand, automated
    frame: np.ndarray         # (2, n) frame numbers
    target: np.ndarray        # (2, n) stance target numbers; NaN where a coder codes none
    present_hand: np.ndarray  # (n, frames) bools: frame is primary or secondary
    present_auto: np.ndarray
    flagged: np.ndarray | None = None  # (n,) bools: the coder flagged it for checking by hand
    confidence: np.ndarray | None = None  # (n,) the coder's confidence
    sources: np.ndarray | None = None  # (n,) source ids, where the codes carry them
    # (2, n) numbers of each coding's set of voices, indexing voice_sets; None if not compared.
    voices: np.ndarray | None = None
    voice_sets: tuple[frozenset, ...] = ()


def pair_codes(manual: pd.DataFrame, auto: pd.DataFrame, codebook: Codebook) -> PairedCodes:
    """The hand and automated codes of the paragraphs both code, as arrays."""
    pair = manual.merge(auto, on="paragraph_id", suffixes=("_hand", "_auto"),
                        validate="one_to_one")
    number = {frame: index for index, frame in enumerate(codebook.frames)}
    target_number = {target: index for index, target in enumerate(codebook.targets)}

    def present(side):
        return np.array([[frame == primary or frame in split_list(secondary)
                          for frame in codebook.frames]
                         for primary, secondary in zip(pair[f"primary_frame_{side}"],
                                                       pair[f"secondary_frames_{side}"])],
                        dtype=bool).reshape(len(pair), len(codebook.frames))

    return PairedCodes(
        stance=np.array([pair["stance_hand"].astype(int), pair["stance_auto"].astype(int)]),
        frame=np.array([pair["primary_frame_hand"].map(number),
                        pair["primary_frame_auto"].map(number)]),
        target=np.array([pair["stance_target_hand"].map(target_number),
                         pair["stance_target_auto"].map(target_number)], dtype=float),
        present_hand=present("hand"), present_auto=present("auto"),
        flagged=(pair["check_by_hand"].astype(bool).to_numpy() if "check_by_hand" in pair
                 else None),
        confidence=pair["confidence"].to_numpy(dtype=float) if "confidence" in pair else None,
        sources=pair["source_id"].to_numpy() if "source_id" in pair else None)


def voice_set(cell: str) -> frozenset:
    """The voices of a cell as a set ('none' is the empty set)."""
    return frozenset(voice for voice in split_list(cell) if voice != NO_VOICE)


def with_voices(paired: PairedCodes, first: pd.DataFrame, second: pd.DataFrame) -> PairedCodes:
    """``paired`` with the two codings' sets of voices (rows in the order ``pair_codes`` made)."""
    pair = first.merge(second, on="paragraph_id", suffixes=("_1", "_2"), validate="one_to_one")
    sets = [pair[f"voices_{side}"].map(voice_set) for side in (1, 2)]
    domain = tuple(sorted(set(sets[0]) | set(sets[1]), key=sorted))
    number = {voices: index for index, voices in enumerate(domain)}
    return replace(paired, voices=np.array([side.map(number) for side in sets]),
                   voice_sets=domain)


def masi_distance(first: frozenset, second: frozenset) -> float:
    """MASI distance of two sets (Passonneau 2006): 1 - Jaccard x monotonicity.

    Monotonicity is 1 for equal sets, 2/3 when one contains the other, 1/3
    when they overlap otherwise and 0 when disjoint; two empty sets are equal.
    """
    if first == second:
        return 0.0
    shared = len(first & second)
    monotonicity = 2 / 3 if first <= second or second <= first else 1 / 3 if shared else 0.0
    return 1 - shared / len(first | second) * monotonicity


def masi_level(sets: tuple[frozenset, ...]):
    """The MASI distance between ``sets`` as a level of measurement for Krippendorff's alpha.

    The codes are numbers into ``sets``; the distances are computed once.
    """
    distances = np.array([[masi_distance(a, b) for b in sets] for a in sets])

    def masi(v1, v2, i1, i2, n_v, dtype=np.float64):
        return distances[v1.astype(int), v2.astype(int)].astype(dtype)
    return masi


def set_codings(values: np.ndarray, sets: tuple[frozenset, ...]) -> TwoCodings:
    """Two codings of sets (numbers into ``sets``), counted for :meth:`TwoCodings.alpha`."""
    return TwoCodings.of(values, np.arange(len(sets), dtype=float))


def set_alpha(values: np.ndarray, sets: tuple[frozenset, ...]) -> float:
    """Krippendorff's alpha of two codings of sets (numbers into ``sets``), MASI distance."""
    return set_codings(values, sets).alpha(masi_level(sets))


def alpha_codings(paired: PairedCodes, codebook: Codebook) -> dict[str, tuple[TwoCodings, object]]:
    """The codings alpha compares, by item, with the level each is measured at."""
    codings = {"stance": (TwoCodings.of(paired.stance, sorted(codebook.stance_levels)),
                          "ordinal"),
               "primary_frame": (TwoCodings.of(paired.frame), "nominal"),
               "stance_target": (TwoCodings.of(paired.target), "nominal")}
    if paired.voices is not None:
        codings["voices"] = (set_codings(paired.voices, paired.voice_sets),
                             masi_level(paired.voice_sets))
    return codings


def measures(paired: PairedCodes, codebook: Codebook,
             weights: np.ndarray | None = None) -> dict[tuple[str, str], np.ndarray | float]:
    """Every measure, keyed by (measure, item), of all paragraphs or of each bootstrap draw.

    ``weights`` (draws, paragraphs), from :func:`kzreform.framing.coders.draw_weights`: how
    often each draw takes each paragraph; each measure is then an array with a
    value per draw. Without them, each measure is one number over every paragraph.
    """
    one = weights is None
    weights = np.ones((1, paired.stance.shape[1])) if one else weights
    result = {(ALPHA, item): coding.alphas(level, weights)
              for item, (coding, level) in alpha_codings(paired, codebook).items()}
    hand, auto = paired.present_hand.astype(float), paired.present_auto.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        both = weights @ (hand * auto)
        precision = both / (weights @ auto)
        recall = both / (weights @ hand)
        for index, frame in enumerate(codebook.frames):
            result[PRECISION, frame] = precision[:, index]
            result[RECALL, frame] = recall[:, index]
        if paired.flagged is not None:
            flagged, wrong = paired.flagged.astype(float), coded_wrongly(paired).astype(float)
            result[FLAGGED, FLAGGED_PARAGRAPHS] = weights @ flagged / weights.sum(axis=1)
            result[FLAGGED, FLAGGED_ERRORS] = weights @ (flagged * wrong) / (weights @ wrong)
    return {key: float(values[0]) for key, values in result.items()} if one else result


def coded_wrongly(paired: PairedCodes) -> np.ndarray:
    """Paragraphs whose automated stance has the wrong sign or whose primary frame is wrong."""
    return wrong_codes(paired.stance[0], paired.stance[1], paired.frame[0], paired.frame[1])


def calibration(paired: PairedCodes) -> pd.DataFrame:
    """The calibration curve: per bin of confidence, its mean and the share coded rightly.

    Bins of equal width from 0 to 1 (``CALIBRATION_BINS``; a confidence of 1
    falls in the last); empty bins are left out. A coder whose confidence is
    calibrated codes rightly about as often as its mean confidence says.
    """
    confidence = paired.confidence
    right = ~coded_wrongly(paired)
    bins = np.minimum((confidence * CALIBRATION_BINS).astype(int), CALIBRATION_BINS - 1)
    rows = [{"bin_low": number / CALIBRATION_BINS, "bin_high": (number + 1) / CALIBRATION_BINS,
             "paragraphs": int((bins == number).sum()),
             "mean_confidence": float(confidence[bins == number].mean()),
             "share_right": float(right[bins == number].mean())}
            for number in np.unique(bins).tolist()]
    return pd.DataFrame(rows, columns=CALIBRATION_COLUMNS[2:])


def paragraphs_compared(paired: PairedCodes, codebook: Codebook) -> dict[tuple[str, str], int]:
    """How many paragraphs each measure rests on (for precision: coded with the frame)."""
    n = paired.stance.shape[1]
    counts = {(ALPHA, "stance"): n, (ALPHA, "primary_frame"): n, (ALPHA, "stance_target"): n,
              (ALPHA, "voices"): n}
    for index, frame in enumerate(codebook.frames):
        counts[PRECISION, frame] = int(paired.present_auto[:, index].sum())
        counts[RECALL, frame] = int(paired.present_hand[:, index].sum())
    if paired.flagged is not None:
        counts[FLAGGED, FLAGGED_PARAGRAPHS] = n
        counts[FLAGGED, FLAGGED_ERRORS] = int(coded_wrongly(paired).sum())
    return counts


def with_intervals(paired: PairedCodes, codebook: Codebook, resamples: int | None = None,
                   seed: int = SEED) -> pd.DataFrame:
    """Each measure with its percentile bootstrap interval (:mod:`kzreform.core.bootstrap`).

    ``resamples`` defaults to the build settings' (:mod:`kzreform.core.settings`).
    """
    resamples = resamples or build_settings().resamples
    point = measures(paired, codebook)
    n = paired.stance.shape[1]
    rng = np.random.default_rng(seed)
    drawn = measures(paired, codebook,
                     draw_weights(draws(rng, paired.sources, n, resamples), n))
    counts = paragraphs_compared(paired, codebook)
    rows = []
    for key, estimate in point.items():
        values = drawn[key]
        low, high = percentile_interval(values[~np.isnan(values)])
        rows.append({"measure": key[0], "item": key[1], "paragraphs": counts[key],
                     "estimate": estimate, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)


def hand_coded_texts(paragraphs: pd.DataFrame, manual: pd.DataFrame) -> pd.DataFrame:
    """Hand-coded paragraphs with their text and source, in paragraph order."""
    return paragraphs[["paragraph_id", "source_id", "text"]].merge(
        manual, on="paragraph_id", validate="one_to_one")


def out_of_sample_labels(evaluation: pd.DataFrame) -> dict[str, str]:
    """Each coder evaluated leave-one-source-out, by name, with its display label."""
    out_of_sample = evaluation[evaluation["evaluation"] == LOSO]
    return dict(zip(out_of_sample["coder"], out_of_sample["coder_label"]))


def leave_one_source_out(coder, labelled: pd.DataFrame) -> pd.DataFrame:
    """Codes of every hand-coded paragraph by ``coder`` fitted without its source."""
    coded = []
    for source in sorted(labelled["source_id"].unique()):
        held_out = labelled["source_id"] == source
        fitted = coder.fit(labelled.loc[~held_out, "text"].tolist(), labelled[~held_out])
        rows = fitted.code(labelled.loc[held_out, "text"].tolist())
        rows.insert(0, "paragraph_id", labelled.loc[held_out, "paragraph_id"].to_numpy())
        rows.insert(1, "source_id", source)
        rows["check_by_hand"] = check_by_hand(rows, fitted)
        coded.append(rows)
    return pd.concat(coded, ignore_index=True)


def _out_of_sample(coder, labelled: pd.DataFrame, manual: pd.DataFrame, codebook: Codebook,
                   resamples: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One coder, leave-one-source-out: every measure with its interval, and its calibration."""
    paired = pair_codes(manual, leave_one_source_out(coder, labelled), codebook)
    return with_intervals(paired, codebook, resamples), calibration(paired)


def choose(point: dict[str, dict[tuple[str, str], float]], coders: list) -> str:
    """The coder evaluated out of sample with the highest mean of the stance and frame alphas.

    Only coders fitted per fold compete: the others' figures are in-sample. A
    coder whose alpha is undefined counts that alpha as zero (no agreement
    beyond chance); ties go to the coder listed first (the baseline).
    """
    def score(coder):
        alphas = [point[coder.name][ALPHA, item] for item in ("stance", "primary_frame")]
        return np.mean([0.0 if np.isnan(value) else value for value in alphas])

    return max((coder for coder in coders if coder.fitted), key=score).name


def evaluated_coders(candidates: list, settings: BuildSettings, data_dir: Path = DATA) -> list:
    """The candidate coders the build settings name, in candidate order (the baseline first).

    The evaluation chooses among coders fitted per fold only, so at least one
    must be named.
    """
    coders = [coder for coder in candidates if coder.name in settings.coders]
    if not any(coder.fitted for coder in coders):
        raise_issues([Issue.at(resource_path(SETTINGS, data_dir),
                               f"profile {settings.profile!r} names no coder fitted per fold "
                               f"({', '.join(c.name for c in candidates if c.fitted)}); the "
                               "evaluation chooses among those only", field="coders",
                               value=";".join(settings.coders))],
                     "cannot evaluate the automated coders")
    return coders


def evaluate(coders: list, paragraphs: pd.DataFrame, manual: pd.DataFrame, codebook: Codebook,
             resamples: int, data_dir: Path = DATA) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Every coder's reliability and calibration tables (long format), and the chosen coder."""
    labelled = hand_coded_texts(paragraphs, manual)
    sources = sorted(labelled["source_id"].unique())
    if len(sources) < MIN_SOURCES:
        raise_issues([Issue.at(resource_path("framing-manual", data_dir),
                               f"codes {len(sources)} source(s) {sources}; the leave-one-source-"
                               f"out evaluation of the automated coders needs at least "
                               f"{MIN_SOURCES} hand-coded sources")],
                     "cannot evaluate the automated coders")
    measured, calibrations = zip(*(_out_of_sample(coder, labelled, manual, codebook, resamples)
                                   for coder in coders))
    chosen = choose({coder.name: dict(zip(zip(table["measure"], table["item"]),
                                          table["estimate"]))
                     for coder, table in zip(coders, measured)}, coders)
    for coder, table, curve in zip(coders, measured, calibrations):
        for shown in (table, curve):
            shown.insert(0, "coder", coder.name)
            shown.insert(1, "evaluation", LOSO if coder.fitted else IN_SAMPLE)
        table.insert(1, "coder_label", coder.label)
        table.insert(3, "chosen", coder.name == chosen)
    return (pd.concat(measured, ignore_index=True)[RELIABILITY_COLUMNS],
            pd.concat(calibrations, ignore_index=True)[CALIBRATION_COLUMNS], chosen)


def overall_calibration(curve: pd.DataFrame, coder: str) -> tuple[float, float]:
    """A coder's mean confidence and share of paragraphs coded rightly, over all its bins."""
    own = curve[curve["coder"] == coder]
    weights = own["paragraphs"] / own["paragraphs"].sum()
    return float((own["mean_confidence"] * weights).sum()), float((own["share_right"]
                                                                   * weights).sum())


def flag_beats_chance(table: pd.DataFrame, coder: str) -> bool:
    """Whether ``coder``'s flag holds more of its wrong codes than a random flag of its size.

    A random flag holds the same share of wrong codes as of paragraphs; the flag
    beats it when even the lower end of its interval for wrong codes lies above
    the share of paragraphs it flags.
    """
    flags = table[(table["coder"] == coder) & (table["measure"] == FLAGGED)].set_index("item")
    return bool(flags.loc[FLAGGED_ERRORS, "ci_low"] > flags.loc[FLAGGED_PARAGRAPHS, "estimate"])
