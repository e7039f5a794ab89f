"""Reading paragraphs for the supervised coders: words, negation, whose claim, sentiment.

A paragraph is split into sentences and words (the words of
:data:`kzreform.corpus.segment.WORD`, lower-cased). A sentence *reports* a voice when
it holds one of the voice's actor terms and a reporting term
(``data/coding/voice_cues.csv``); its stance cues then belong to that claim
holder: officials when every voice it reports is official, other actors
otherwise, the text's own voice when it reports nobody. A sentence with a
framing term ("framed as", "portrayed as": a verb that reports how someone
presents the matter) reports a claim even when it names no actor, so its
stance cues belong to other actors, not to the text. A framing term that ends
in "as" is found with any words between its verb and the "as", as long as
both stand in one clause ("described the reform as", "seen by many as"). A
word is negated when
a negator stands before it in the same clause with no other negator between; it
is marked (``not_good``) and its VADER valence is flipped and damped as VADER
does (``vaderSentiment``'s lexicon and constants). Words VADER's lexicon lacks
get the valence of a regular form it has (plurals, and words made by a prefix
of opposition: see ``_derived_valences``). A clause ends at a sentence end,
at a comma, colon, bracket or dash (``CLAUSE_MARKS``), and before a
conjunction that starts a contrasting clause (``CLAUSE_WORDS``), so "No election
in the country has ever been assessed free and fair" negates "free" and "fair"
however many words stand between, and "not only slow, but fair" does not negate
"fair".

Paragraphs are read in batches: after one regular-expression pass per
paragraph, every word is looked up once in one dictionary, and the rest is
array arithmetic over all words of the batch, so no Python code runs per
word. Sums run word by word in text order (``np.bincount``), so a paragraph's
reading does not depend on the batch it is read in.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from itertools import chain, compress, repeat
from pathlib import Path

import numpy as np
from vaderSentiment.vaderSentiment import N_SCALAR, NEGATE, SentimentIntensityAnalyzer

from kzreform.core.codebook import Codebook
from kzreform.core.data import load_table
from kzreform.core.paths import DATA
from kzreform.core.vocabulary import ACTOR_CUE, FRAMING_CUE, REPORTING_CUE
from kzreform.corpus.segment import WORD

# VADER's negators, plus 'no', which VADER leaves to its own rules.
NEGATORS = frozenset(NEGATE) | {"no"}
NEGATED = "not_"
# Punctuation that ends a clause (and so a negator's scope) inside a sentence,
# and words that start a new clause.
CLAUSE_MARKS = (",", ":", "(", ")", "–", "—")
CLAUSE_WORDS = frozenset({"but", "although", "though", "whereas", "while", "yet",
                          "however", "because", "which", "who", "whose"})
# Words whose valence is no evaluation in a construction: "critical to" and
# "critical for" mean essential, and "critically important" very important,
# not criticism.
ESSENTIAL_SENSE = frozenset({"critical", "critically"})
PURPOSE_WORDS = frozenset({"to", "for", "important"})
# Words that name what is evaluated, not an evaluation (for a reader with
# neutral names): a text that reports freedoms restricted is no praise.
TOPIC_WORDS = frozenset({"freedom", "freedoms", "liberty", "liberties"})
# Adjectives that name a right when they stand before what they qualify ("free
# speech", "peaceful assembly", "free and fair elections" is a judgement): they
# evaluate only when the next word of their clause is one of ``LINKING_WORDS``
# ("free and fair", "free from", "free to").
TOPIC_SENSE = frozenset({"free", "peaceful"})
LINKING_WORDS = frozenset({"and", "or", "from", "of", "to", "for", "in", "as", "by", "than",
                           "at", "with", "enough"})
# A sentence ends at '.', '!', '?' or ';' followed by white space. One pass finds
# the words, the clause marks and the sentence ends between them (which, outside
# the group, come out of ``findall`` as empty strings).
TOKEN = re.compile(rf"({WORD.pattern}|[{''.join(CLAUSE_MARKS)}])|[.!?;]\s")
SENTENCE_END = ""
VADER: dict[str, float] = SentimentIntensityAnalyzer().lexicon
# Prefixes that turn a word into its opposite ("unjustified", "nontransparent").
OPPOSITE_PREFIXES = ("un", "non", "non-")
# A prefixed word is only read as the opposite of a word of at least this many letters.
OPPOSITE_MIN_BASE = 4


def _derived_valences(lexicon: dict[str, float]) -> dict[str, float]:
    """Valences of regular forms of the lexicon's words that it lacks.

    A plural in -s or -es ("restrictions") has its singular's valence; a word
    made by a prefix of opposition ("unjustified") has its base's valence
    flipped and damped as VADER damps a negated word. Generated from the
    lexicon alone, so they hold for any text.
    """
    derived: dict[str, float] = {}
    for word, valence in sorted(lexicon.items()):
        if not word.isalpha():
            continue
        for plural in (word + "s", word + "es"):
            derived.setdefault(plural, valence)
        if len(word) >= OPPOSITE_MIN_BASE:
            for prefix in OPPOSITE_PREFIXES:
                derived.setdefault(prefix + word, valence * N_SCALAR)
    return {word: valence for word, valence in derived.items() if word not in lexicon}


# VADER's lexicon, with the regular forms it lacks.
VALENCE: dict[str, float] = {**VADER, **_derived_valences(VADER)}
# Stance cues are summed by whose claim they sit in: the text's own voice, an
# official's reported claim, or any other reported actor's.
CLAIM_HOLDERS = ("own", "official", "other")
OWN, OFFICIAL, OTHER = range(len(CLAIM_HOLDERS))
NOT_A_VOICE = -1
# The ending of a framing term found with words between its verb and it.
FRAMED_AS = " as"


class VoiceCues:
    """Generic cues for who speaks: an actor term and a reporting term in one sentence.

    Every word of every term gets a number (from 1; 0 is any other word), so a
    term of n words is found as a run of n numbers, one integer key per run.
    """

    def __init__(self, actors: dict[str, str], reporting: set[str],
                 framing: frozenset[str] = frozenset(), official: frozenset[str] = frozenset()):
        """Index the actor terms (term -> voice id), the reporting and the framing terms.

        Claims reported from the ``official`` voices are summed apart from other actors'.

        A framing term reports a claim as a reporting term does, and also
        attributes it when no actor is named.
        """
        reporting = {*reporting, *framing}
        terms = sorted({*actors, *reporting})
        # A framing term "VERB as" is found as its verb followed, later in its clause,
        # by "as" (:meth:`framing_verbs`); every other term as the words it is.
        open_terms = {term for term in framing if term.endswith(FRAMED_AS)}
        self.term_set = frozenset(terms)  # every actor, reporting and framing term
        self.actor_words = frozenset(word for term in actors for word in term.split(" "))
        self.voices = sorted(set(actors.values()))  # voice numbers, alphabetical
        self.official = np.array([voice in official for voice in self.voices], dtype=bool)
        self.word_numbers = {word: number for number, word in enumerate(
            sorted({word for term in terms for word in term.split(" ")}), start=1)}
        self.base = len(self.word_numbers) + 1
        by_length: dict[int, list[tuple[int, bool, int, bool]]] = {}
        for term in sorted(set(terms).difference(open_terms)):
            words = term.split(" ")
            voice = self.voices.index(actors[term]) if term in actors else NOT_A_VOICE
            by_length.setdefault(len(words), []).append(
                (self.key(words), term in reporting, voice, term in framing))
        # Per term length: sorted keys, whether each term reports, whose voice it is, and
        # whether it frames.
        self.terms = {length: tuple(np.array(column) for column in zip(*sorted(found)))
                      for length, found in sorted(by_length.items())}
        # Per length, the sorted keys of the framing verbs (a verb that is also a
        # reporting term, "described", is found as both).
        verb_keys: dict[int, set[int]] = {}
        for term in open_terms:
            words = term.removesuffix(FRAMED_AS).split(" ")
            verb_keys.setdefault(len(words), set()).add(self.key(words))
        self.verbs = {length: np.array(sorted(keys)) for length, keys in sorted(verb_keys.items())}
        self.as_number = self.word_numbers.get(FRAMED_AS.strip(), 0)

    def key(self, words: list[str]) -> int:
        """The integer that stands for a run of cue words."""
        key = 0
        for word in words:
            key = key * self.base + self.word_numbers[word]
        return key

    def _runs(self, keys: np.ndarray, length: int, numbers: np.ndarray,
              sentence: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where a term of ``length`` words among ``keys`` (sorted) starts, and which key it is."""
        count = len(numbers) - length + 1
        if count <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        runs = np.zeros(count, dtype=np.int64)
        for offset in range(length):
            runs = runs * self.base + numbers[offset:offset + count]
        within = sentence[:count] == sentence[length - 1:]  # a term never spans sentences
        place = np.searchsorted(keys, runs).clip(max=len(keys) - 1)
        hit = np.flatnonzero(within & (keys[place] == runs))
        return hit, place[hit]

    def hits(self, numbers: np.ndarray, sentence: np.ndarray):
        """Every term occurrence: (its sentence, whether it reports, its voice number, frames)."""
        found = []
        for length, (keys, reports, voices, frames) in self.terms.items():
            start, place = self._runs(keys, length, numbers, sentence)
            found.append((sentence[start], reports[place], voices[place], frames[place]))
        return tuple(np.concatenate(parts) for parts in zip(*found)) if found else (
            np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=bool))

    def framing_verbs(self, numbers: np.ndarray, sentence: np.ndarray,
                      clause: np.ndarray) -> np.ndarray:
        """The sentence of every framing verb with an "as" after it in its clause."""
        position = np.arange(len(numbers))
        is_as = (numbers == self.as_number) & (self.as_number > 0)  # 0: any other word
        # The next "as" at or after each word (len(numbers) where there is none).
        next_as = np.minimum.accumulate(np.where(is_as, position, len(numbers))[::-1])[::-1]
        found = []
        for length, keys in self.verbs.items():
            start, _ = self._runs(keys, length, numbers, sentence)
            last = start + length - 1  # the verb's last word
            last = last[last + 1 < len(numbers)]
            found_as = next_as[last + 1]
            last, found_as = last[found_as < len(numbers)], found_as[found_as < len(numbers)]
            found.append(sentence[last][clause[found_as] == clause[last]])
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


    def voice_sets(self, paragraphs: int, paragraph: np.ndarray,
                   voice: np.ndarray) -> list[tuple[str, ...]]:
        """Per paragraph, the names of the voices reported in it (pairs of paragraph, voice).

        A paragraph's voices are summed up as one number (bit v: voice v), so
        only the few distinct sets are turned into names.
        """
        sets = np.zeros(paragraphs, dtype=np.int64)
        np.bitwise_or.at(sets, paragraph, np.left_shift(1, voice))
        names = {found: tuple(name for number, name in enumerate(self.voices)
                              if found >> number & 1)
                 for found in np.unique(sets).tolist()}
        return list(map(names.__getitem__, sets.tolist()))


def load_voice_cues(codebook: Codebook, data_dir: Path = DATA) -> VoiceCues:
    """The voice cues of ``data_dir`` (checked by its schema and :mod:`kzreform.framing.rules`)."""
    table = load_table("framing-voice-cues", data_dir)
    actors = table[table["role"] == ACTOR_CUE]
    return VoiceCues(dict(zip(actors["term"], actors["voice"])),
                     set(table.loc[table["role"] == REPORTING_CUE, "term"]),
                     frozenset(table.loc[table["role"] == FRAMING_CUE, "term"]),
                     codebook.official_voices)


@dataclass(frozen=True)
class Reading:
    """Paragraphs read at once: their words one after another, cues and voices per paragraph.

    The words as strings are only built when asked for (:meth:`documents`):
    coding needs nothing but their numbers.
    """

    tokens: list[str]  # every paragraph's words in turn, with sentence ends among them
    is_word: np.ndarray  # which tokens are words (not sentence ends)
    numbers: np.ndarray  # each word's number in the reader's dictionary (0: not in it)
    negated: np.ndarray  # whether each word is negated (and so marked)
    lengths: np.ndarray  # how many words each paragraph has
    cues: np.ndarray  # per paragraph: valence by claim holder and sign, then negators
    voices: list[tuple[str, ...]]  # per paragraph: the voices it reports, sorted

    def evaluation(self) -> np.ndarray:
        """Per paragraph, how much it evaluates on balance.

        The valence of its positive words minus that of its negative ones,
        whoever holds the claim, per square root of its words (so that a long
        paragraph's many words do not count as many evaluations).
        """
        sums = self.cues[:, :2 * len(CLAIM_HOLDERS)]
        return (sums[:, 0::2].sum(axis=1) - sums[:, 1::2].sum(axis=1)) / np.sqrt(
            np.maximum(self.lengths, 1))

    def documents(self) -> list[list[str]]:
        """Each paragraph's words as a list of its own, negated ones marked (``not_good``)."""
        words = list(compress(self.tokens, self.is_word))
        for index in np.flatnonzero(self.negated).tolist():
            words[index] = NEGATED + words[index]
        ends = np.cumsum(self.lengths).tolist()
        return [words[end - length:end] for end, length in zip(ends, self.lengths.tolist())]


@functools.lru_cache(maxsize=8)
def _known(cues: VoiceCues,
           neutral_names: bool) -> tuple[dict[str, int], tuple[np.ndarray, ...]]:
    """The words every reader of ``cues`` numbers, and their arrays (valence, cue, clause).

    VADER's words (with their regular forms), the negators, the clause words
    and marks and the voice cues' words, numbered from 1 in sorted order
    (0 is any other word). With ``neutral_names``, the names of who speaks
    and of topics carry no valence (see :class:`Reader`).
    """
    known = sorted({*VALENCE, *NEGATORS, *CLAUSE_WORDS, *cues.word_numbers, *CLAUSE_MARKS,
                    *ESSENTIAL_SENSE, *PURPOSE_WORDS, *TOPIC_SENSE, *LINKING_WORDS,
                    SENTENCE_END})
    numbers = {word: number for number, word in enumerate(known, start=1)}
    unvalued = {*cues.actor_words, *TOPIC_WORDS} if neutral_names else set()
    return numbers, (
        np.array([0.0, *(0.0 if word in unvalued else VALENCE.get(word, 0.0)
                         for word in known)]),
        np.array([False, *(word in NEGATORS for word in known)], dtype=bool),
        np.array([0, *(cues.word_numbers.get(word, 0) for word in known)], dtype=np.int64),
        np.array([False, *(word in CLAUSE_WORDS for word in known)], dtype=bool),
        np.array([False, *(word in CLAUSE_MARKS for word in known)], dtype=bool),
        np.array([False, *(word in ESSENTIAL_SENSE for word in known)], dtype=bool),
        np.array([False, *(word in PURPOSE_WORDS for word in known)], dtype=bool),
        np.array([False, *(neutral_names and word in TOPIC_SENSE for word in known)],
                 dtype=bool),
        np.array([False, *(word in LINKING_WORDS for word in known)], dtype=bool))


class Reader:
    """Reads paragraphs with one dictionary of every word it needs to know.

    The dictionary numbers VADER's words, the negators, the voice cues' words,
    and any further ``words`` a coder wants numbered (its vocabulary), so that
    one lookup per word serves the reading and the coder. Number 0 is any other
    word; each word's valence, negation and cue number are arrays by number.

    A reader with ``neutral_names`` reads no evaluation in names: the words of
    the actor cues (who speaks: "critics", "ruling party", "supporters") and
    the ``TOPIC_WORDS`` carry no valence, and the ``TOPIC_SENSE`` adjectives
    none where they name a right (before any word of their clause but a
    ``LINKING_WORDS`` one). Otherwise a paragraph that quotes critics reads as
    critical, and one that reports freedoms restricted as praise, whatever it
    says of them.

    A reader that ``follow_speakers`` gives a claim reported without naming
    who makes it ("he said", "she added") to the last speaker named before it
    in the paragraph, or to other actors where none is (the speaker was named
    in an earlier paragraph); otherwise it is the text's own voice.
    """

    def __init__(self, cues: VoiceCues, words: tuple[str, ...] = (),
                 neutral_names: bool = False, follow_speakers: bool = False):
        """A reader for ``cues``, also numbering ``words``.

        The words every reader of ``cues`` knows are numbered once (in sorted
        order) and shared; a coder's further words follow them, sorted.
        """
        self.cues = cues
        self.neutral_names = neutral_names
        self.follow_speakers = follow_speakers
        numbers, arrays = _known(cues, neutral_names)
        extra = sorted(set(words).difference(numbers))
        self.numbers = {**numbers, **{word: number for number, word
                                      in enumerate(extra, start=len(numbers) + 1)}}
        (self.valence, self.negator, self.cue, self.clause_start, self.mark, self.essential,
         self.purpose, self.topic, self.linking) = (
            np.concatenate([array, np.zeros(len(extra), dtype=array.dtype)]) for array in arrays)
        self.end = self.numbers[SENTENCE_END]

    def _tokens(self, texts: list[str]):
        """All words of all texts, their numbers, paragraph, sentence and clause."""
        per_text = [TOKEN.findall(text.lower().replace("’", "'")) for text in texts]
        tokens = list(chain.from_iterable(per_text))
        numbers = np.fromiter(map(self.numbers.get, tokens, repeat(0)), dtype=np.int64,
                              count=len(tokens))
        counts = np.fromiter(map(len, per_text), dtype=np.int64, count=len(texts))
        starts = np.zeros(len(tokens), dtype=bool)
        starts[(np.cumsum(counts) - counts)[counts > 0]] = True
        end = numbers == self.end
        mark = self.mark[numbers]
        sentence = np.cumsum(starts | end)
        word = ~end & ~mark
        # A clause starts at each sentence, after each clause mark, and at each
        # clause word (both counts only grow, so their sum numbers the clauses).
        clause = np.cumsum(starts | end | mark)[word] + np.cumsum(
            self.clause_start[numbers[word]])
        paragraph = np.repeat(np.arange(len(texts)), counts)
        return tokens, word, numbers[word], paragraph[word], sentence[word], clause

    def read(self, texts: list[str]) -> Reading:
        """Words (negated ones marked), stance cues by claim holder, and the voices reported.

        The stance cues of a paragraph: for each claim holder the sum of
        positive and of negative valences, then the number of negators.
        """
        tokens, is_word, numbers, paragraph, sentence, clause = self._tokens(texts)
        sentences = int(sentence[-1]) + 1 if len(sentence) else 0
        negator = self.negator[numbers]
        negated = _negated(negator, clause)
        valence = np.where(negator, 0.0, self.valence[numbers])  # negators carry no valence
        valence[self._not_evaluative(numbers, clause)] = 0.0
        valence[negated] *= N_SCALAR
        sentence_paragraph = np.zeros(sentences, dtype=np.int64)
        sentence_paragraph[sentence] = paragraph
        holder, voice_sentence, voice = _claims(
            self.cues, self.cue[numbers], sentence, clause, sentences,
            sentence_paragraph if self.follow_speakers else None)
        slots = 2 * len(CLAIM_HOLDERS)
        scored = valence != 0
        slot = (paragraph * slots + 2 * holder[sentence] + (valence < 0))[scored]
        sums = np.bincount(slot, weights=np.abs(valence[scored]),
                           minlength=len(texts) * slots).reshape(len(texts), slots)
        negations = np.bincount(paragraph[negator], minlength=len(texts)).astype(float)
        return Reading(tokens, is_word, numbers, negated,
                       np.bincount(paragraph, minlength=len(texts)),
                       np.column_stack([sums, negations]),
                       self.cues.voice_sets(len(texts), sentence_paragraph[voice_sentence], voice))


    def _not_evaluative(self, numbers: np.ndarray, clause: np.ndarray) -> np.ndarray:
        """Words whose valence is no evaluation in their construction.

        ``ESSENTIAL_SENSE`` before a purpose word, and ``TOPIC_SENSE`` before
        any word of its clause but a linking word.
        """
        same = np.r_[clause[1:] == clause[:-1], False]  # the next word is in the same clause
        following = np.r_[numbers[1:], 0]
        return same & ((self.essential[numbers] & self.purpose[following])
                       | (self.topic[numbers] & ~self.linking[following]))


def _negated(negator: np.ndarray, clause: np.ndarray) -> np.ndarray:
    """Which words are negated: a negator stands before them in their clause."""
    position = np.arange(len(negator))
    if not len(position):
        return negator
    latest = np.maximum.accumulate(np.where(negator, position, -1))
    first = np.r_[True, clause[1:] != clause[:-1]]
    clause_start = np.maximum.accumulate(np.where(first, position, 0))
    return ~negator & (latest >= clause_start)


def _claims(cues: VoiceCues, numbers: np.ndarray, sentence: np.ndarray, clause: np.ndarray,
            sentences: int, follow_in: np.ndarray | None = None):
    """Each sentence's claim holder, and the (sentence, voice number) pairs it reports.

    With ``follow_in`` (each sentence's paragraph), a claim reported without a
    named speaker follows the last one named (see :class:`Reader`).
    """
    in_sentence, reports, voice, frames = cues.hits(numbers, sentence)
    framed = cues.framing_verbs(numbers, sentence, clause)
    reporting = np.bincount(np.r_[in_sentence[reports], framed], minlength=sentences) > 0
    framing = np.bincount(np.r_[in_sentence[frames], framed], minlength=sentences) > 0
    actor = (voice != NOT_A_VOICE) & reporting[in_sentence]
    reported = np.bincount(in_sentence[actor], minlength=sentences)
    unofficial = np.bincount(in_sentence[actor][~cues.official[voice[actor]]],
                             minlength=sentences)
    holder = np.where(reported == 0, np.where(framing, OTHER, OWN),
                      np.where(unofficial == 0, OFFICIAL, OTHER))
    if follow_in is not None:
        last = np.maximum.accumulate(np.where(reported > 0, np.arange(sentences), -1))
        earlier = np.maximum(last, 0)
        known = (last >= 0) & (follow_in[earlier] == follow_in)
        anonymous = reporting & (reported == 0) & ~framing
        holder = np.where(anonymous, np.where(known, holder[earlier], OTHER), holder)
    return holder, in_sentence[actor], voice[actor]
