"""Benchmark: ingest and auto-code synthetic corpora, lexicon and chosen coder side by side.

Run with ``.venv/bin/python benchmarks/bench_autocoder.py [SIZES...]``. For each
size it writes one synthetic raw text (blank-line separated paragraphs of about
60 words mixing lexicon terms and filler words, from a fixed random seed), then
times the whole ingest: strict UTF-8 read, boilerplate removal and segmentation
(kzreform.corpus) and automated framing coding (kzreform.framing.coders), once with
the keyword lexicon coder and once with the coder the build chose (fitted on
the hand coding before timing starts). Generating the text and fitting are not
timed; each size and coder is run five times, the two coders taking turns so
that both meet the same load, and the fastest run is reported (the slowest
beside it). The target is under 5 seconds for 10,000
paragraphs on 2 cores, with time per paragraph roughly constant across sizes.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import timeit
from pathlib import Path

import numpy as np
import pandas as pd

from kzreform.framing.coders import auto_code, LexiconCoder, load_candidate_coders, load_lexicon
from kzreform.core.codebook import load_codebook
from kzreform.corpus.segment import load_boilerplate_rules, segment_source
from kzreform.core.data import load_table, read_text
from kzreform.framing.reliability import hand_coded_texts
from kzreform.core.settings import build_settings

DEFAULT_SIZES = (1_000, 10_000, 100_000)
WORDS_PER_PARAGRAPH = 60
LEXICON_WORD_SHARE = 0.15
FILLER = ("the of and to in a that is for on with as by it was were at from this "
          "which be has have are its their an or not but said government country "
          "year new people will also would more than after about over".split())
SEED = 20260315
# Like timeit, report the fastest of a few runs: other processes sharing the
# cores only ever slow a run down. The slowest run is printed beside it.
REPEATS = 5


def synthetic_corpus(paragraphs: int, seed: int = SEED) -> str:
    """A raw text of ``paragraphs`` paragraphs mixing lexicon terms and filler words."""
    rng = np.random.default_rng(seed)
    terms = [term.replace("*", "ation") for term in load_table("framing-lexicon")["term"]]
    is_term = rng.random((paragraphs, WORDS_PER_PARAGRAPH)) < LEXICON_WORD_SHARE
    term_picks = rng.integers(len(terms), size=is_term.shape)
    filler_picks = rng.integers(len(FILLER), size=is_term.shape)
    lines = []
    for row in range(paragraphs):
        words = [terms[term_picks[row, i]] if is_term[row, i] else FILLER[filler_picks[row, i]]
                 for i in range(WORDS_PER_PARAGRAPH)]
        lines.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(lines) + "\n"


def ingest_and_code(raw_file: Path, rules, coder) -> pd.DataFrame:
    """Segment and auto-code one raw file, as add-source does."""
    kept, _ = segment_source("bench-2026", "not stated", read_text(raw_file), rules)
    return auto_code(pd.DataFrame(kept), coder)


def coders_compared() -> dict:
    """The lexicon coder and the chosen coder (as recorded by the build), fitted."""
    codebook = load_codebook()
    lexicon = load_lexicon(codebook)
    reliability = load_table("framing-reliability")
    chosen = reliability.loc[reliability["chosen"], "coder"].iloc[0]
    coder = next(c for c in load_candidate_coders(codebook, build_settings())
                 if c.name == chosen)
    labelled = hand_coded_texts(load_table("paragraphs"), load_table("framing-manual"))
    return {"lexicon": LexiconCoder(lexicon),
            chosen: coder.fit(labelled["text"].tolist(), labelled)}


def machine_speed_ms() -> float:
    """Milliseconds for sum(range(10**6)): a yardstick to compare runs across machines."""
    return min(timeit.repeat("sum(range(10**6))", number=1, repeat=5)) * 1000


def time_coders(raw_file: Path, rules, coders: dict, size: int) -> dict[str, list[float]]:
    """Seconds of each run of each coder; the coders take turns, so both meet the same load."""
    runs: dict[str, list[float]] = {name: [] for name in coders}
    for _ in range(REPEATS):
        for name, coder in coders.items():
            start = time.perf_counter()
            coded = ingest_and_code(raw_file, rules, coder)
            runs[name].append(time.perf_counter() - start)
            if len(coded) != size:
                raise RuntimeError(f"expected {size} coded paragraphs, got {len(coded)}")
    return runs


def main(sizes: list[int]) -> None:
    """Time ingest and coding for each size and coder; print one line each."""
    print(f"machine yardstick: sum(range(10**6)) takes {machine_speed_ms():.0f} ms; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    rules = load_boilerplate_rules()
    coders = coders_compared()
    print(f"{'coder':>21} {'paragraphs':>10} {'seconds':>8} {'paragraphs/s':>13} "
          f"{'µs/paragraph':>13} {'slowest':>8}")
    with tempfile.TemporaryDirectory(prefix="kzreform-bench-") as directory:
        for size in sizes:
            raw_file = Path(directory) / f"bench_{size}.txt"
            raw_file.write_text(synthetic_corpus(size), encoding="utf-8")
            runs = time_coders(raw_file, rules, coders, size)
            for name, seconds in runs.items():
                fastest = min(seconds)
                print(f"{name:>21} {size:>10,} {fastest:>8.2f} {size / fastest:>13,.0f} "
                      f"{fastest / size * 1e6:>13.0f} {max(seconds):>8.2f}")

if __name__ == "__main__":
    main([int(size) for size in sys.argv[1:]] or list(DEFAULT_SIZES))
