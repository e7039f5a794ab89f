"""Add a new document to the study: ``python -m kzreform add-source TEXT --metadata META.yml``.

One transaction (:mod:`kzreform.core.transaction`): stage a copy of the data
directory, append the text and its metadata there, rebuild every derived
table, validate the whole package, then commit. The new text is coded by the
automated coder only (marked 'automated, not hand-coded').

The metadata file is YAML (CONTRIBUTING.md, "Adding a source", has a complete example)::

    source:       # every column of sources.csv except raw_file
      source_id: example-2026
      title: ...
    provenance:   # every field of source_provenance.csv: basis and evidence
      title: {basis: raw text, evidence: "First line of the text."}
    cleaning:     # optional: text of this source that is not the article
      - line: "Share this article"
        category: navigation
        reason: Share buttons of the publisher's page.

Problems are reported against the user's own files (the metadata's field, not
a row of a staged table) and the data directory as the user named it.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from kzreform.core import transaction
from kzreform.core.data import csv_rows, load_table, read_text, read_yaml, resource_path
from kzreform.core.errors import Issue, raise_issues, shown
from kzreform.core.paths import DATA
from kzreform.core.schema import write_descriptor
from kzreform.core.vocabulary import LINE, TRAILING
from kzreform.corpus import rules
from kzreform.corpus.duplicates import duplicate_problem
from kzreform.pipeline import build
from kzreform.pipeline.validation import input_issues, validate_rebuilt

RAW_DIR = Path("raw") / "corpus"
# The metadata's keys for a cleaning entry (a line's literal text, a pattern a whole
# line matches, a pattern at a line's end), each with the scope of its row of
# rules/boilerplate.csv.
LITERAL_LINE, LINE_PATTERN, TRAILING_PATTERN = "line", "pattern", "trailing"
CLEANING_KINDS = {LITERAL_LINE: LINE, LINE_PATTERN: LINE, TRAILING_PATTERN: TRAILING}
CLEANING_FIELDS = {"category", "reason"}


@dataclass(frozen=True)
class NewSource:
    """What the metadata file says about the new document."""

    metadata: Path
    source: dict[str, str]
    provenance: dict[str, dict[str, str]]
    cleaning: list[dict[str, str]]

    @property
    def source_id(self) -> str:
        """The id the new source will have."""
        return self.source["source_id"]


def _cell(path: Path, field: str, value) -> str:
    """A YAML scalar as a table cell; an empty YAML value is empty, never 'None'."""
    # YAML reads 2026, 1e3, 0o10 or no as a number or a boolean, and its text as
    # written is lost (0o10 is 8, no is False): such a value must be quoted.
    if isinstance(value, (bool, int, float)):
        kind = "true or false" if isinstance(value, bool) else "a number"
        raise_issues([Issue.at(path, f"YAML reads this as {kind}, not text; put it in quotes "
                                     f"(for example '{value}') so it is kept as written",
                               field=field, value=value)],
                     f"cannot add the source of {shown(path)}")
    return "" if value is None else str(value)


def read_metadata(path: Path) -> NewSource:
    """The metadata file's three sections, checked for shape (not yet for content)."""
    document = read_yaml(path)

    def fail(field: str, problem: str) -> None:
        raise_issues([Issue.at(path, problem, field=field)],
                     f"cannot add the source of {shown(path)}")

    if not isinstance(document, dict) or not isinstance(document.get("source"), dict):
        fail("source", "needs a mapping 'source' (a row of sources.csv)")
    provenance = document.get("provenance")
    if not isinstance(provenance, dict) or not provenance:
        fail("provenance", "needs a mapping 'provenance' from each field of the source to "
                           "{basis: ..., evidence: ...}")
    for field, entry in provenance.items():
        if not isinstance(entry, dict) or set(entry) != {"basis", "evidence"}:
            fail(f"provenance.{field}", "needs exactly 'basis' and 'evidence'")
    cleaning = document.get("cleaning") or []
    if not isinstance(cleaning, list):
        fail("cleaning", "must be a list of rules (line, pattern or trailing; category; reason)")
    for number, rule in enumerate(cleaning, start=1):
        kinds = set(rule) & set(CLEANING_KINDS) if isinstance(rule, dict) else set()
        if len(kinds) != 1 or set(rule) != kinds | CLEANING_FIELDS:
            fail(f"cleaning[{number}]", "needs one of 'line', 'pattern' or 'trailing', "
                                        "and 'category' and 'reason'")
    return NewSource(
        Path(path),
        {str(key): _cell(path, f"source.{key}", value)
         for key, value in document["source"].items()},
        {str(field): {key: _cell(path, f"provenance.{field}.{key}", value)
                      for key, value in entry.items()}
         for field, entry in provenance.items()},
        [{key: _cell(path, f"cleaning[{number}].{key}", value) for key, value in rule.items()}
         for number, rule in enumerate(cleaning, start=1)])


def boilerplate_rows(new: NewSource) -> list[dict[str, str]]:
    """The metadata's cleaning entries as rows of rules/boilerplate.csv for this source only."""
    rows = []
    for number, rule in enumerate(new.cleaning, start=1):
        kind = next(key for key in CLEANING_KINDS if key in rule)
        pattern = re.escape(rule[kind]) if kind == LITERAL_LINE else rule[kind]
        rows.append({"rule_id": f"{new.source_id}-{number}", "source_id": new.source_id,
                     "scope": CLEANING_KINDS[kind], "pattern": pattern,
                     "category": rule["category"], "reason": rule["reason"]})
    return rows


def metadata_issues(new: NewSource, text: str, data_dir: Path,
                    today: datetime.date) -> list[Issue]:
    """Content problems of the new source, named by the field of the metadata file."""
    sources = load_table("sources", data_dir)
    expected = [column for column in sources.columns if column != "raw_file"]

    def at(field: str, problem: str, **value) -> Issue:
        return Issue.at(new.metadata, problem, field=field, **value)

    issues = [at(f"source.{column}", "is missing (every column of sources.csv except raw_file)")
              for column in expected if column not in new.source]
    table = shown(resource_path("sources", data_dir))
    issues += [at(f"source.{column}", f"is not a column of {table}")
               for column in new.source if column not in expected]
    if issues:
        return issues
    if new.source_id in set(sources["source_id"]):
        issues.append(at("source.source_id", f"is already a source id of {table}",
                         value=new.source_id))
    issues += [at(f"source.{field}", problem, value=value) for field, value, problem
               in rules.source_problems(new.source, today)]
    missing = [field for field in rules.provenance_fields(data_dir) if field not in new.provenance]
    if missing:
        issues.append(at("provenance", f"has no entry for {', '.join(missing)}: give basis and "
                                       "evidence for every field (basis 'not stated' where the "
                                       "source gives nothing)"))
    duplicate = duplicate_problem(text, data_dir)
    if duplicate:
        issues.append(at("source.source_id", f"the text {duplicate}", value=new.source_id))
    return issues


def _append_rows(path: Path, rows: list[dict]) -> int:
    """Append ``rows`` under the header of CSV ``path``; return the first new row's number."""
    header, existing, issues = csv_rows(path)
    raise_issues(issues, "cannot append to a table")
    content = path.read_text(encoding="utf-8")
    if content and not content.endswith("\n"):
        content += "\n"
    appended = io.StringIO()
    csv.writer(appended, lineterminator="\n").writerows(
        [[row.get(column, "") for column in header] for row in rows])
    path.write_text(content + appended.getvalue(), encoding="utf-8")
    return len(existing) + 2


def _in_metadata(issues: list[Issue], new: NewSource, first_rows: dict[str, int],
                 provenance_fields: list[str], data_dir: Path) -> list[Issue]:
    """Issues in the rows just appended, renamed to the metadata field they came from."""
    renamed = []
    for issue in issues:
        table = next((name for name in first_rows
                      if issue.file == shown(resource_path(name, data_dir))), None)
        if table is None or issue.row is None or issue.row < first_rows[table]:
            renamed.append(issue)
            continue
        offset = issue.row - first_rows[table]
        field = {
            "sources": f"source.{issue.field}",
            "source-provenance": f"provenance.{provenance_fields[offset]}.{issue.field}"
            if offset < len(provenance_fields) else "provenance",
            "boilerplate-rules": f"cleaning[{offset + 1}].{issue.field}",
        }[table]
        renamed.append(Issue.at(new.metadata, issue.problem, field=field, value=issue.value))
    return renamed


def append_source(staged: Path, text: str, new: NewSource, today: datetime.date) -> str:
    """Write the text and append its rows in ``staged``; check the inputs; return the raw file.

    Every rule on the new source's text and metadata runs here, before any
    derived table is rebuilt.
    """
    raise_issues(metadata_issues(new, text, staged, today),
                 f"cannot add the source of {shown(new.metadata)}")
    data = text.encode("utf-8")  # the file's own bytes: it was decoded strictly
    digest = hashlib.sha256(data).hexdigest()
    number = len(list((staged / RAW_DIR).glob("*.txt")))
    raw_file = (RAW_DIR / f"{number:03d}_{digest[:16]}.txt").as_posix()
    (staged / raw_file).write_bytes(data)
    provenance = [{"source_id": new.source_id, "field": field, **entry}
                  for field, entry in new.provenance.items()]
    first_rows = {
        "sources": _append_rows(resource_path("sources", staged),
                                [{**new.source, "raw_file": raw_file}]),
        "source-provenance": _append_rows(resource_path("source-provenance", staged), provenance),
        "boilerplate-rules": _append_rows(resource_path("boilerplate-rules", staged),
                                          boilerplate_rows(new)),
    }
    write_descriptor(staged)  # the new raw file becomes a hashed resource
    raise_issues(_in_metadata(input_issues(staged), new, first_rows, list(new.provenance),
                              staged), f"cannot add the source of {shown(new.metadata)}")
    return raw_file


def _add(staged: Path, text: str, new: NewSource, today: datetime.date) -> dict:
    raw_file = append_source(staged, text, new, today)
    tables = build.rebuild(staged, inputs_checked=True)
    coded = tables["framing-auto"]
    return {"source_id": new.source_id, "raw_file": raw_file,
            "paragraphs": int((coded["source_id"] == new.source_id).sum())}


def add_source(text_path: Path, metadata_path: Path, data_dir: Path = DATA,
               shown_name: str | None = None, today: datetime.date | None = None) -> dict:
    """Add one document to ``data_dir``; return its source id, raw file and paragraph count."""
    text = read_text(text_path)
    if not text.strip():
        raise_issues([Issue.at(text_path, "is empty")], "cannot add the source")
    new = read_metadata(metadata_path)
    today = today or datetime.date.today()
    return transaction.write(Path(data_dir), lambda staged: _add(staged, text, new, today),
                             validate_rebuilt, shown_name)
