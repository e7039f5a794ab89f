"""Near-duplicate texts found through stored MinHash signatures and LSH (issue 18, case 14).

The texts here are generated: runs of distinct made-up words, so that the
share of 5-grams two texts have in common is set by how many words they share.
"""

import pytest

from kzreform.core.data import load_table, resource_path
from kzreform.corpus import duplicates
from kzreform.corpus.duplicates import (
    NEAR_DUPLICATE_SIMILARITY,
    DuplicateIndex,
    fingerprint,
    fingerprints,
    shingles,
    similarity,
)


def words(start, count):
    return [f"w{number:05d}" for number in range(start, start + count)]


def text(word_list):
    return " ".join(word_list) + "."


BASE = words(0, 400)


def variant(shared):
    """BASE with all but its first ``shared`` words replaced by words of its own."""
    return BASE[:shared] + words(100_000 + shared * 1000, len(BASE) - shared)


def exact_similarity(first, second):
    return similarity(shingles(text(first)), shingles(text(second)))


def pairs_around_the_limit():
    """Variants of BASE from just below to just above the limit, with their exact similarity."""
    pairs = [(variant(shared), exact_similarity(BASE, variant(shared)))
             for shared in range(300, len(BASE))]
    below = [pair for pair in pairs if pair[1] < NEAR_DUPLICATE_SIMILARITY][-20:]
    above = [pair for pair in pairs if pair[1] >= NEAR_DUPLICATE_SIMILARITY][:20]
    return below, above


def index_of(texts):
    index = DuplicateIndex(texts.__getitem__)
    for source_id, content in texts.items():
        index.add(source_id, fingerprint(content))
    return index


def test_texts_just_above_the_limit_are_found_and_just_below_are_not():
    below, above = pairs_around_the_limit()
    assert below and above
    index = index_of({"base": text(BASE)})
    for other, share in above:
        problem = index.problem(text(other), fingerprint(text(other)))
        assert problem and "near-duplicate of source 'base'" in problem, share
    for other, share in below:
        assert index.problem(text(other), fingerprint(text(other))) is None, share


def test_every_pair_the_all_pairs_check_finds_is_found():
    """Each text against all earlier ones, as validate checks: the same pairs as comparing all."""
    below, above = pairs_around_the_limit()
    texts = {"base": text(BASE)}
    texts.update({f"variant-{number}": text(other)
                  for number, (other, _) in enumerate(below + above)})
    found = {}
    index = DuplicateIndex(texts.__getitem__)
    earlier = []
    for source_id, content in texts.items():
        found[source_id] = index.problem(content, fingerprint(content)) is not None
        every_pair = any(similarity(shingles(content), shingles(texts[other]))
                         >= NEAR_DUPLICATE_SIMILARITY for other in earlier)
        assert found[source_id] == every_pair, source_id
        index.add(source_id, fingerprint(content))
        earlier.append(source_id)
    assert any(found.values())


def test_an_unrelated_text_is_compared_exactly_with_no_other_text():
    corpus = {f"source-{number}": text(words(number * 1000, 300)) for number in range(200)}
    read = []
    index = DuplicateIndex(lambda source_id: read.append(source_id) or corpus[source_id])
    for source_id, content in corpus.items():
        index.add(source_id, fingerprint(content))
    new = text(words(900_000, 300))
    assert index.problem(new, fingerprint(new)) is None
    assert read == []  # no candidate: not one of the 200 texts was read again


def test_a_byte_identical_text_is_named():
    index = index_of({"base": text(BASE)})
    assert index.problem(text(BASE), fingerprint(text(BASE))) == \
        "is byte-identical to the text of source 'base'"


def test_stored_signatures_are_reused_while_their_text_is_unchanged(data_copy, monkeypatch):
    computed = []
    real = duplicates.fingerprint
    monkeypatch.setattr(duplicates, "fingerprint",
                        lambda content, sha256=None: computed.append(sha256) or
                        real(content, sha256))
    stored = fingerprints(data_copy)
    assert computed == []
    path = resource_path("text-signatures", data_copy)
    table = load_table("text-signatures", data_copy)
    changed = table.iloc[0]["source_id"]
    table.loc[0, "sha256"] = "0" * 64  # as if its text had changed since the build
    table.to_csv(path, index=False, lineterminator="\n")
    again = fingerprints(data_copy)
    assert computed == [stored[changed].sha256]
    assert again[changed].minhash == stored[changed].minhash


@pytest.mark.parametrize("content", ["", "too few words"])
def test_a_text_without_five_words_is_no_ones_near_duplicate(content):
    index = index_of({"short": "also too few"})
    assert index.problem(content, fingerprint(content)) is None
