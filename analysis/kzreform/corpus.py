"""From raw source texts to body paragraphs.

Cleaning and segmentation rules live here and in ``data/rules/boilerplate.csv``:
the CSV says *what* is boilerplate (per source or for every source), this
module says how a line becomes a heading, list item, footnote or paragraph.
Offsets are character (code point) offsets into the UTF-8-decoded raw text, so
``raw[char_start:char_end] == text`` for every paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .data import load_table, read_text
from .errors import Issue, raise_issues
from .paths import DATA
from .vocabulary import FOOTNOTE, HEADING, LIST_ITEM, PARAGRAPH

TITLE_PLACEHOLDER = "<title>"
BULLET = re.compile(r"[•▪◦‣\-\*]\s+")
FOOTNOTE_MARK = re.compile(r"\[\d+\]\s")
WORD = re.compile(r"\w[\w'’\-]*")
# A heading is short and does not end like a sentence, a quote or a list lead-in.
HEADING_MAX_WORDS = 12
# The kinds of paragraph that carry the article's argument (and are coded).
BODY_KINDS = (PARAGRAPH, LIST_ITEM)
SENTENCE_END = tuple(".!?:;,\"”’)]…")

PARAGRAPH_COLUMNS = [
    "paragraph_id", "source_id", "seq", "kind",
    "char_start", "char_end", "word_count", "text",
]
REMOVED_COLUMNS = [
    "source_id", "rule_id", "category", "char_start", "char_end", "text",
]


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

    def regex(self, title: str) -> re.Pattern:
        """The compiled pattern; '<title>' stands for the source's own title."""
        if self.pattern == TITLE_PLACEHOLDER:
            return re.compile(re.escape(title))
        return re.compile(self.pattern)


def load_boilerplate_rules(data_dir: Path = DATA) -> list[BoilerplateRule]:
    """The cleaning rules of ``data_dir`` (patterns are checked by :mod:`kzreform.checks`)."""
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
    own_rules = [(rule, rule.regex(title)) for rule in rules if rule.applies_to(source_id)]
    paragraphs, removed = [], []
    for start, end, line in _lines_with_offsets(raw):
        line_rule = next((rule for rule, rx in own_rules
                          if rule.scope == "line" and rx.fullmatch(line)), None)
        if line_rule:
            removed.append(_removed(source_id, line_rule, start, end, raw))
            continue
        for rule, rx in own_rules:
            match = rx.search(raw, start, end) if rule.scope == "trailing" else None
            if match and match.end() == end:
                removed.append(_removed(source_id, rule, match.start(), end, raw))
                end = match.start()
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


def corpus_tables(data_dir: Path, tables: dict) -> dict:
    """Builder: body paragraphs and removed boilerplate of every source in ``data_dir``."""
    paragraphs, removed = segment_corpus(load_table("sources", data_dir),
                                         load_boilerplate_rules(data_dir), data_dir)
    return {"paragraphs": paragraphs, "removed-text": removed}


def normalise_whitespace(text: str) -> str:
    """The text with every run of whitespace folded to one space."""
    return " ".join(text.split())


def quote_in_text(quote: str, text: str) -> bool:
    """A quote is verbatim if it occurs in the text once runs of whitespace are folded."""
    return normalise_whitespace(quote) in normalise_whitespace(text)
