"""Cleaning and segmentation: what is kept, what is removed, and nothing else."""

import hashlib
import json
import re
import signal
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from kzreform.core.data import load_table, read_text
from kzreform.core.errors import DataValidationError
from kzreform.core.paths import DATA, DATAPACKAGE, ROOT
from kzreform.corpus.rules import boilerplate_issues
from kzreform.corpus.segment import (
    BoilerplateRule,
    classify_line,
    count_words,
    load_boilerplate_rules,
    quote_in_text,
    rule_regex,
    segment_source,
)

SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="no ../shared/seeds beside this clone: "
                                               "nothing to compare the seed texts with")
def test_the_seed_texts_are_byte_identical_to_the_seeds(sources):
    """Only the seed files are compared: sources added later have no seed."""
    seeds = {path.name: path for path in SEEDS.glob("*.txt")}
    raw_files = {Path(raw_file).name: DATA / raw_file for raw_file in sources["raw_file"]}
    assert seeds, f"{SEEDS} holds no .txt file"
    for name, seed in seeds.items():
        assert name in raw_files, f"seed {name} is not a raw file of the corpus"
        assert raw_files[name].read_bytes() == seed.read_bytes(), name


def test_datapackage_records_the_sha256_of_every_raw_file(sources):
    hashes = {r["path"]: r.get("hash") for r in json.loads(DATAPACKAGE.read_text())["resources"]}
    for raw_file in sources["raw_file"]:
        digest = hashlib.sha256((DATA / raw_file).read_bytes()).hexdigest()
        assert hashes[raw_file] == f"sha256:{digest}"


def test_every_paragraph_is_its_raw_text_between_its_offsets(sources, paragraphs):
    raw = {s.source_id: read_text(DATA / s.raw_file) for s in sources.itertuples()}
    for p in paragraphs.itertuples():
        assert raw[p.source_id][p.char_start:p.char_end] == p.text, p.paragraph_id
        assert p.word_count == count_words(p.text)


def test_paragraph_ids_number_each_source_from_one(paragraphs):
    for source_id, group in paragraphs.groupby("source_id"):
        assert list(group["seq"]) == list(range(1, len(group) + 1))
        assert list(group["paragraph_id"]) == [f"{source_id}-p{n:02d}" for n in group["seq"]]


def test_nothing_is_lost_between_body_and_removed_text(sources, paragraphs, removed):
    """Every non-blank character of a raw file is body text, removed boilerplate or a bullet."""
    for source in sources.itertuples():
        raw = read_text(DATA / source.raw_file)
        covered = [False] * len(raw)
        spans = pd.concat([paragraphs[paragraphs.source_id == source.source_id],
                           removed[removed.source_id == source.source_id]])
        for start, end in zip(spans["char_start"], spans["char_end"]):
            assert not any(covered[start:end]), f"{source.source_id}: overlap at {start}"
            covered[start:end] = [True] * (end - start)
        leftover = "".join(ch for ch, kept in zip(raw, covered) if not kept and not ch.isspace())
        assert set(leftover) <= {"•"}, f"{source.source_id}: unaccounted text {leftover[:80]!r}"


@pytest.mark.corpus
@pytest.mark.parametrize("boilerplate", [
    "Skip to content", "Subscribe to our weekly newsletter", "Image by Kalabaha1969",
    "Image: Reuters.", "///nCa", "Join our mailing list", "Related Articles",
    "does not take collective positions", "is a current and foreign affairs writer",
    "are human rights defenders at the International Legal Initiative (ILI) with more than 20",
])
def test_known_boilerplate_is_not_in_the_body(paragraphs, removed, boilerplate):
    assert not paragraphs["text"].str.contains(boilerplate, regex=False).any()
    assert removed["text"].str.contains(boilerplate, regex=False).any()


@pytest.mark.corpus
def test_removed_text_per_source_is_as_expected(removed):
    """The cleaning report, listed: a change to the rules shows up here."""
    by_source = removed.groupby("source_id")["category"].apply(sorted).to_dict()
    assert by_source == {
        "ecfr-2022": ["author_blurb", "disclaimer", "image_caption", "image_credit",
                      "newsletter", "privacy", "title"],
        "fpc-2021": ["author_blurb", "byline", "dateline", "navigation", "newsletter",
                     "newsletter", "related_links", "title", "title"],
        "nca-2025": ["signoff"],
        "tni-2022": ["author_blurb", "image_credit", "title", "title"],
    }


def test_every_source_keeps_body_text(sources, paragraphs):
    body = paragraphs[paragraphs.kind.isin(["paragraph", "list_item"])]
    assert set(body["source_id"]) == set(sources["source_id"])


@pytest.mark.parametrize("line, kind", [
    ("Legal Challenge Tests Constitutional Process", "heading"),
    ("Conclusion", "heading"),
    ("  • Judicial reform: reduce the Supreme Court to nine judges.", "paragraph"),
    ("• Judicial reform: reduce the Supreme Court to nine judges.", "list_item"),
    ("[1] Article 10(6) of the Law on political parties.", "footnote"),
    ("On 5 June, citizens voted.", "paragraph"),
    ("Restoration of the separation of powers, namely:", "paragraph"),
])
def test_classify_line(line, kind):
    assert classify_line(line) == kind


def test_segment_source_removes_rules_and_keeps_offsets():
    raw = "My Title\n\nSkip to content\n• First point here.\nBody text ends here. ///Outlet, 2025\n"
    rules = [BoilerplateRule("title", "*", "line", "<title>", "title"),
             BoilerplateRule("nav", "*", "line", "Skip to content", "navigation"),
             BoilerplateRule("sign", "doc", "trailing", r"\s*///Outlet.*$", "signoff"),
             BoilerplateRule("other", "elsewhere", "line", "Body.*", "byline")]
    kept, removed = segment_source("doc", "My Title", raw, rules)
    assert [(p["kind"], p["text"]) for p in kept] == [
        ("list_item", "First point here."), ("paragraph", "Body text ends here.")]
    assert [r["rule_id"] for r in removed] == ["title", "nav", "sign"]
    for piece in kept + removed:
        assert raw[piece["char_start"]:piece["char_end"]] == piece["text"]


def test_reading_a_raw_text_names_a_file_that_is_not_utf8(tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Kazakhstan’s reforms".encode("cp1252"))
    with pytest.raises(DataValidationError, match=r"latin1\.txt, value b.\\x92.: not valid UTF-8 at byte 10"):
        read_text(bad)


# '(unclosed' is invalid anywhere; the others are valid Python but need backtracking,
# which RE2 (linear time) refuses; '[\\S]' cannot keep Python's Unicode meaning in RE2.
@pytest.mark.parametrize("pattern", ["(unclosed", "(?<=Photo)s: .*", r"(\w+) \1", r"[\S]+"])
def test_a_bad_rule_pattern_is_named_with_its_row(data_copy, sources, pattern):
    rules = data_copy / "rules" / "boilerplate.csv"
    with open(rules, "a", encoding="utf-8") as table:
        table.write(f"broken,*,line,{pattern},navigation,x\n")
    rows = len(rules.read_text(encoding="utf-8").splitlines())
    issues = [str(issue) for issue in boilerplate_issues(sources, data_copy)]
    assert len(issues) == 1
    assert f"boilerplate.csv, row {rows}, field 'pattern', value {pattern!r}: is not a valid " \
        "regular expression for a cleaning rule" in issues[0]


@pytest.fixture
def interrupt_after():
    """Raise TimeoutError in the test after ``seconds`` (Python's re checks for signals)."""
    previous = []

    def arm(seconds):
        def expire(signum, frame):
            raise TimeoutError(f"still running after {seconds} s")
        previous.append(signal.signal(signal.SIGALRM, expire))
        signal.alarm(seconds)
    yield arm
    signal.alarm(0)
    for handler in previous[:1]:
        signal.signal(signal.SIGALRM, handler)


@pytest.mark.parametrize("scope", ["line", "trailing"])
def test_a_backtracking_pattern_runs_in_linear_time(interrupt_after, scope):
    """'(a+)+$' takes exponential time in a backtracking engine on a line it does not match."""
    rule = BoilerplateRule("nested", "*", scope, "(a+)+$", "navigation")
    interrupt_after(5)
    started = time.perf_counter()
    kept, removed = segment_source("s", "Title", "a" * 40 + "!\n" + "a" * 40 + "\n", [rule])
    assert time.perf_counter() - started < 1
    assert kept[0]["text"] == "a" * 40 + "!"  # not matched: '$' is not after the last 'a'
    assert [row["text"] for row in removed] == ["a" * 40]


def test_rule_patterns_keep_pythons_unicode_classes():
    r"""\s, \d and \w (and their negations) match what they match in Python's re."""
    whitespace = [chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()]
    neighbours = {chr(ord(char) + step) for char in whitespace for step in (-1, 1)}
    samples = [*whitespace, *neighbours, *"aZé_ЖқӘ٣５9-,.€"]
    for escape in ("s", "S", "d", "D", "w", "W"):
        for pattern in (f"\\{escape}", f"[x\\{escape}]" if escape.islower() else None):
            if pattern is None:
                continue
            ours = rule_regex(pattern)
            mismatched = [char for char in samples
                          if bool(ours.fullmatch(char)) != bool(re.fullmatch(pattern, char))]
            assert not mismatched, (pattern, mismatched)


def test_quote_matching_folds_whitespace_only():
    assert quote_in_text("two  words\nhere", "some two words here text")
    assert not quote_in_text("two words here", "two words there")
    assert not quote_in_text("Two words", "two words")


def test_share_buttons_and_photo_credits_are_removed_from_any_source():
    rules = load_boilerplate_rules()
    raw = ("A Title\n\nShare this article\n\nFacebook | Twitter | Email\n\n"
           "Photo: Example News\n\nPhoto by A. Person/Agency\n\n"
           "Voters approved the draft, and officials said the parliament would change.\n\n"
           "Pictures of the vote show long queues at polling stations, observers said.\n")
    paragraphs, removed = segment_source("any-source-2026", "A Title", raw, rules)
    assert [row["text"] for row in removed] == [
        "A Title", "Share this article", "Facebook | Twitter | Email", "Photo: Example News",
        "Photo by A. Person/Agency"]
    assert [row["text"] for row in paragraphs] == [
        "Voters approved the draft, and officials said the parliament would change.",
        "Pictures of the vote show long queues at polling stations, observers said."]


def test_the_timeline_draws_a_line_only_for_an_event_known_to_the_day():
    from kzreform.corpus.charts import timeline_chart
    from kzreform.corpus.overview import load_events
    from kzreform.corpus.segment import with_dated_window

    event = load_events().iloc[0]
    events = with_dated_window(pd.DataFrame([
        {**event.to_dict(), "event_id": "known-to-the-day", "date_earliest": "2022-06-05",
         "date_latest": "2022-06-05", "date_precision": "day"},
        {**event.to_dict(), "event_id": "known-to-the-year", "date_earliest": "2019-01-01",
         "date_latest": "2019-12-31", "date_precision": "year"}]).astype(str))
    sources = with_dated_window(load_table("sources"))
    spans, rules, *_ = timeline_chart(sources, events).layer
    assert list(spans.data["event_id"]) == ["known-to-the-day", "known-to-the-year"]
    assert list(rules.data["event_id"]) == ["known-to-the-day"]
