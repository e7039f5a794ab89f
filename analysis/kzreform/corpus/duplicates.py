"""Duplicate and near-duplicate texts, found without comparing every pair of texts.

Two texts are near-duplicates when at least :data:`NEAR_DUPLICATE_SIMILARITY` of
their word :data:`SHINGLE_WORDS`-grams are common to both (the Jaccard similarity
of the two sets). Comparing every pair costs the square of the corpus, so each
text gets a MinHash signature (``datasketch``: :data:`PERMUTATIONS` minima of its
hashed 5-grams), stored with the SHA-256 of the text in the derived table
``processed/text_signatures.csv``, which the build writes in the same transaction
as the other tables; a check reuses a stored signature while the text's hash is
unchanged and computes only the others (a new source's).

Locality-sensitive hashing (LSH) over the signatures, in :data:`LSH_BANDS` bands
of rows, makes the signatures of similar texts collide in some band. A pair at
the limit (0.8) fails to collide with probability (1 - 0.8**4)**32, under 1 in
10 million; a more similar pair less often still. Every colliding pair is then
confirmed with the exact Jaccard similarity of the two texts, so the exact rule
alone decides, as when every pair was compared, and only the few candidates are
read again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

from kzreform.core.data import load_table, read_text
from kzreform.core.errors import DataValidationError
from kzreform.core.paths import DATA
from kzreform.corpus.segment import WORD

# Two texts are near-duplicates when this share of their word 5-grams (the
# Jaccard similarity of the two sets) is common to both.
SHINGLE_WORDS = 5
NEAR_DUPLICATE_SIMILARITY = 0.8
PERMUTATIONS = 128
# (bands, rows per band): PERMUTATIONS = bands * rows. Four rows make a pair at
# 0.5 similarity collide with probability 0.87 and unrelated texts almost never.
LSH_BANDS = (32, 4)
# datasketch's hashing of a 5-gram to 32 bits, fixed so stored signatures stay valid.
SCHEME = "affine32"
_PERMUTED = MinHash(num_perm=PERMUTATIONS, scheme=SCHEME)  # its permutations are reused
TABLE = "text-signatures"


def shingles(text: str) -> set[tuple[str, ...]]:
    """The text's overlapping runs of :data:`SHINGLE_WORDS` lower-case words."""
    words = WORD.findall(text.lower())
    return {tuple(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def similarity(first: set, second: set) -> float:
    """Jaccard similarity of two shingle sets (0 when both are empty)."""
    union = first | second
    return len(first & second) / len(union) if union else 0.0


@dataclass(frozen=True)
class Fingerprint:
    """What finds a text again: its SHA-256 (identical) and MinHash signature (similar)."""

    sha256: str
    minhash: MinHash


def _minhash(values) -> MinHash:
    return MinHash(num_perm=PERMUTATIONS, scheme=SCHEME, hashvalues=values,
                   permutations=_PERMUTED.permutations)


def fingerprint(text: str, sha256: str | None = None) -> Fingerprint:
    """The fingerprint of ``text`` (pass ``sha256`` if it is known)."""
    signature = _minhash(None)
    signature.update_batch(sorted(" ".join(shingle).encode("utf-8")
                                  for shingle in shingles(text)))
    return Fingerprint(sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest(), signature)


def _stored(data_dir: Path) -> dict[str, Fingerprint]:
    """The stored fingerprints by source id; none where the table is missing or unreadable.

    A check of the inputs runs before the build rewrites this table, so it may be
    stale or broken then: a fingerprint is used only for the text it was computed
    from, and validation reports the table itself.
    """
    try:
        table = load_table(TABLE, data_dir)
    except DataValidationError:
        return {}
    return {row.source_id: Fingerprint(row.sha256, _minhash(np.array(
                row.minhash.split(), dtype=np.uint64)))
            for row in table.itertuples()
            if len(row.minhash.split()) == PERMUTATIONS}


def fingerprints(data_dir: Path = DATA) -> dict[str, Fingerprint]:
    """Every source's fingerprint, in the order of ``sources.csv``, reusing stored ones."""
    stored = _stored(data_dir)
    found = {}
    for source_id, raw_file in _raw_files(data_dir).items():
        text = read_text(Path(data_dir) / raw_file)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        kept = stored.get(source_id)
        found[source_id] = kept if kept and kept.sha256 == digest else fingerprint(text, digest)
    return found


class DuplicateIndex:
    """Texts added so far, found again by hash (identical) or by LSH (near-duplicate)."""

    def __init__(self, text_of: Callable[[str], str]):
        """``text_of`` reads a source's text, for the exact check of a candidate."""
        self._text_of = text_of
        self._by_hash: dict[str, str] = {}
        self._order: dict[str, int] = {}
        self._lsh = MinHashLSH(num_perm=PERMUTATIONS, params=LSH_BANDS)

    def add(self, source_id: str, found: Fingerprint) -> None:
        """Index one source's text."""
        self._by_hash.setdefault(found.sha256, source_id)
        self._order[source_id] = len(self._order)
        self._lsh.insert(source_id, found.minhash)

    def problem(self, text: str, found: Fingerprint) -> str | None:
        """Why ``text`` may not join the texts indexed so far (None if it may)."""
        same = self._by_hash.get(found.sha256)
        if same is not None:
            return f"is byte-identical to the text of source {same!r}"
        own = None
        for source_id in sorted(self._lsh.query(found.minhash), key=self._order.__getitem__):
            own = shingles(text) if own is None else own  # only once there is a candidate
            share = similarity(own, shingles(self._text_of(source_id)))
            if share >= NEAR_DUPLICATE_SIMILARITY:
                return (f"is a near-duplicate of source {source_id!r} ({share:.0%} of their "
                        f"word {SHINGLE_WORDS}-grams shared; the limit is "
                        f"{NEAR_DUPLICATE_SIMILARITY:.0%})")
        return None


def _raw_files(data_dir: Path) -> dict[str, str]:
    return dict(load_table("sources", data_dir)[["source_id", "raw_file"]].values)


def duplicate_problem(text: str, data_dir: Path = DATA) -> str | None:
    """Why ``text`` may not join the corpus of ``data_dir`` (None if it may)."""
    raw_files = _raw_files(data_dir)
    index = DuplicateIndex(lambda source_id: read_text(Path(data_dir) / raw_files[source_id]))
    for source_id, found in fingerprints(data_dir).items():
        index.add(source_id, found)
    return index.problem(text, fingerprint(text))


def duplicated_sources(data_dir: Path = DATA) -> list[tuple[str, str]]:
    """(source id, problem) for each source whose text duplicates that of a source above it."""
    raw_files = _raw_files(data_dir)
    index = DuplicateIndex(lambda source_id: read_text(Path(data_dir) / raw_files[source_id]))
    duplicated = []
    for source_id, found in fingerprints(data_dir).items():
        problem = index.problem(read_text(Path(data_dir) / raw_files[source_id]), found)
        if problem:
            duplicated.append((source_id, problem))
        index.add(source_id, found)
    return duplicated
