"""From raw source texts to body paragraphs: cleaning, segmentation, quotes in a text.

Cleaning and segmentation rules live here and in ``data/rules/boilerplate.csv``:
the CSV says *what* is boilerplate (per source or for every source), this
module says how a line becomes a heading, list item, footnote or paragraph.
Offsets are character (code point) offsets into the UTF-8-decoded raw text, so
``raw[char_start:char_end] == text`` for every paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import re2

from kzreform.core.data import load_table, read_text
from kzreform.core.errors import Issue, raise_issues
from kzreform.core.paths import DATA
from kzreform.core.vocabulary import FOOTNOTE, HEADING, LINE, LIST_ITEM, PARAGRAPH, TRAILING

TITLE_PLACEHOLDER = "<title>"
BULLET = re.compile(r"[•▪◦‣\-\*]\s+")
FOOTNOTE_MARK = re.compile(r"\[\d+\]\s")
WORD = re.compile(r"\w[\w'’\-]*")
# A heading is short and does not end like a sentence, a quote or a list lead-in.
HEADING_MAX_WORDS = 12
# The kinds of paragraph that carry the article's argument (and are coded).
BODY_KINDS = (PARAGRAPH, LIST_ITEM)
# The columns that bound when a source was published or an event happened.
DATE_WINDOW = ("date_earliest", "date_latest")
SENTENCE_END = tuple(".!?:;,\"”’)]…")

PARAGRAPH_COLUMNS = [
    "paragraph_id", "source_id", "seq", "kind",
    "char_start", "char_end", "word_count", "text",
]
REMOVED_COLUMNS = [
    "source_id", "rule_id", "category", "char_start", "char_end", "text",
]


# Cleaning rules are patterns users write, so they run on RE2, whose matching time
# is linear in the text: Python's backtracking engine can take exponential time
# ('(a+)+$' on a line of 40 "a"s runs for hours). RE2 refuses what needs
# backtracking (look-arounds, back-references). Its \s, \d and \w are ASCII, where
# Python's are Unicode; they are rewritten to RE2's Unicode classes so a rule means
# what it means in Python (a no-break space is whitespace). \b stays ASCII.
PYTHON_WHITESPACE = (r"\t-\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}"
                     r"\x{2029}\x{202f}\x{205f}\x{3000}")
PYTHON_CLASSES = {"s": PYTHON_WHITESPACE, "d": r"\p{Nd}", "w": r"\p{L}\p{N}_"}
RE2_OPTIONS = re2.Options()
RE2_OPTIONS.log_errors = False  # a bad pattern is reported as an Issue, not on stderr


class PatternError(ValueError):
    """A cleaning rule's pattern that RE2 cannot run; the message says why."""


def _python_classes(pattern: str) -> str:
    r"""``pattern`` with Python's Unicode \s, \d, \w (and \S, \D, \W) spelled for RE2."""
    out, index, in_class = [], 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            body = PYTHON_CLASSES.get(escaped.lower())
            if body is None:
                out.append(char + escaped)
            elif escaped.islower():
                out.append(body if in_class else f"[{body}]")
            elif in_class:
                raise PatternError(f"\\{escaped} inside [...] cannot be kept as Python reads it; "
                                   f"write [^...] listing what may not match instead")
            else:
                out.append(f"[^{body}]")
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            index += 1
            # A ']' right after '[' or '[^' is a literal, not the end of the class.
            for lead in ("^", "]"):
                if pattern.startswith(lead, index):
                    out.append(lead)
                    index += 1
            continue
        if char == "]" and in_class:
            in_class = False
        out.append(char)
        index += 1
    return "".join(out)


@contextmanager
def _compiling() -> Iterator[None]:
    """Turn RE2's refusal of a pattern into a :class:`PatternError` that says why."""
    try:
        yield
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise PatternError(f"RE2: {reason}; cleaning rules run in linear time, so they may "
                           "not use look-arounds or back-references") from None


def rule_regex(pattern: str):
    """A cleaning rule's pattern compiled by RE2 (linear time); :class:`PatternError` if not."""
    with _compiling():
        return re2.compile(_python_classes(pattern), RE2_OPTIONS)


def first_full_match(patterns: list[str]) -> Callable[[str], int | None]:
    """A test of a line against all ``patterns`` at once: the first that matches it whole.

    One RE2 pass per line, however many rules there are (a pattern at a time
    costs a pass, and a conversion of the line, each).
    """
    with _compiling():
        matcher = re2.Set.FullMatchSet(RE2_OPTIONS)
        for pattern in patterns:
            matcher.Add(_python_classes(pattern))
        matcher.Compile()

    def first(line: str) -> int | None:
        matched = matcher.Match(line)  # the indexes of every pattern that matches, or None
        return min(matched) if matched else None
    return first


@dataclass(frozen=True)
class BoilerplateRule:
    """One row of rules/boilerplate.csv: what to remove, from which source, and why."""

    rule_id: str
    source_id: str
    scope: str
    pattern: str
    category: str

    def applies_to(self, source_id: str) -> bool:
        """Whether the rule is for this source (or for every source)."""
        return self.source_id in ("*", source_id)

    def pattern_for(self, title: str) -> str:
        """The rule's pattern, where '<title>' stands for the source's own title."""
        return re.escape(title) if self.pattern == TITLE_PLACEHOLDER else self.pattern


def load_boilerplate_rules(data_dir: Path = DATA) -> list[BoilerplateRule]:
    """The cleaning rules of ``data_dir`` (patterns are checked by :mod:`kzreform.corpus.rules`)."""
    table = load_table("boilerplate-rules", data_dir)
    return [BoilerplateRule(row["rule_id"], row["source_id"], row["scope"], row["pattern"],
                            row["category"]) for row in table.to_dict("records")]


def classify_line(line: str) -> str:
    """A kept line's kind: list item, footnote, heading or paragraph."""
    if BULLET.match(line):
        return LIST_ITEM
    if FOOTNOTE_MARK.match(line):
        return FOOTNOTE
    if len(WORD.findall(line)) <= HEADING_MAX_WORDS and not line.endswith(SENTENCE_END):
        return HEADING
    return PARAGRAPH


def count_words(text: str) -> int:
    """Words as the study counts them (letters, digits, inner apostrophes and hyphens)."""
    return len(WORD.findall(text))


def _lines_with_offsets(raw: str):
    for match in re.finditer(r"[^\n]*", raw):
        line = match.group()
        stripped = line.strip()
        if stripped:
            start = match.start() + (len(line) - len(line.lstrip()))
            yield start, start + len(stripped), stripped


def segment_source(source_id: str, title: str, raw: str,
                   rules: list[BoilerplateRule]) -> tuple[list[dict], list[dict]]:
    """Split one raw text into body paragraphs and the boilerplate removed from it."""
    own_rules = [rule for rule in rules if rule.applies_to(source_id)]
    line_rules = [rule for rule in own_rules if rule.scope == LINE]
    line_rule_matching = first_full_match([rule.pattern_for(title) for rule in line_rules])
    trailing_rules = [(rule, rule_regex(rule.pattern_for(title)))
                      for rule in own_rules if rule.scope == TRAILING]
    paragraphs, removed = [], []
    for start, end, line in _lines_with_offsets(raw):
        matched = line_rule_matching(line)
        if matched is not None:
            removed.append(_removed(source_id, line_rules[matched], start, end, raw))
            continue
        for rule, rx in trailing_rules:
            # A rule sees one line (RE2 would re-encode the whole text for every line).
            match = rx.search(raw[start:end])
            if match and match.end() == end - start:
                removed.append(_removed(source_id, rule, start + match.start(), end, raw))
                end = start + match.start()
        kind = classify_line(raw[start:end])
        if kind == LIST_ITEM:
            start += BULLET.match(raw, start).end() - start
        text = raw[start:end]
        paragraphs.append({
            "paragraph_id": f"{source_id}-p{len(paragraphs) + 1:02d}",
            "source_id": source_id,
            "seq": len(paragraphs) + 1,
            "kind": kind,
            "char_start": start,
            "char_end": end,
            "word_count": count_words(text),
            "text": text,
        })
    return paragraphs, removed


def _removed(source_id, rule, start, end, raw) -> dict:
    return {"source_id": source_id, "rule_id": rule.rule_id, "category": rule.category,
            "char_start": start, "char_end": end, "text": raw[start:end]}


def segment_corpus(sources: pd.DataFrame, rules: list[BoilerplateRule],
                   data_dir: Path = DATA) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Paragraph and removed-boilerplate tables for every source in ``sources``."""
    paragraphs, removed, issues = [], [], []
    for source in sources.sort_values("source_id").to_dict("records"):
        raw = read_text(Path(data_dir) / source["raw_file"])
        kept, dropped = segment_source(source["source_id"], source["title"], raw, rules)
        if not any(paragraph["kind"] in BODY_KINDS for paragraph in kept):
            issues.append(Issue.at(Path(data_dir) / source["raw_file"],
                                   "has no body paragraph (only headings or footnotes, or "
                                   "nothing, are left after removing boilerplate)",
                                   field="source_id", value=source["source_id"]))
        paragraphs += kept
        removed += dropped
    raise_issues(issues, "cannot segment the corpus")
    return (pd.DataFrame(paragraphs, columns=PARAGRAPH_COLUMNS),
            pd.DataFrame(removed, columns=REMOVED_COLUMNS))


def normalise_whitespace(text: str) -> str:
    """The text with every run of whitespace folded to one space."""
    return " ".join(text.split())


def quote_in_text(quote: str, text: str) -> bool:
    """A quote is verbatim if it occurs in the text once runs of whitespace are folded."""
    return normalise_whitespace(quote) in normalise_whitespace(text)


def by_publication_date(sources: pd.DataFrame) -> pd.DataFrame:
    """Rows with ``date_earliest`` and ``source_id`` in order of publication (date, then id)."""
    return sources.sort_values(["date_earliest", "source_id"])


def body_paragraphs(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """The paragraphs that are coded: body paragraphs and list items (:data:`BODY_KINDS`)."""
    return paragraphs[paragraphs["kind"].isin(BODY_KINDS)]


def with_dated_window(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its date window (``date_earliest``, ``date_latest``) as timestamps.

    The tables store dates as ISO text (:mod:`kzreform.core.data`); charts and date
    arithmetic need them as timestamps.
    """
    return table.assign(**{column: pd.to_datetime(table[column]) for column in DATE_WINDOW})
