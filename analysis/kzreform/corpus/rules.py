"""Content rules of the corpus: source metadata, cleaning rules, quotes, events.

Each returns every problem it finds as issues (:mod:`kzreform.pipeline.rules`).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd

from kzreform.core.data import field_enum, load_table, resource_path
from kzreform.core.errors import Issue
from kzreform.core.paths import DATA
from kzreform.core.vocabulary import (
    DATED_BY_CORPUS,
    DAY_PRECISION,
    MONTH_PRECISION,
    RANGE_PRECISION,
    UNKNOWN,
    YEAR_PRECISION,
)
from kzreform.corpus.duplicates import duplicated_sources
from kzreform.corpus.segment import TITLE_PLACEHOLDER, PatternError, quote_in_text, rule_regex

# Values YAML or a spreadsheet writes for "nothing": never a real value of a field.
EMPTY_MARKERS = {"", "none", "null", "nan", "~"}
# The precision a publication date written as YYYY-MM-DD, YYYY-MM, YYYY or
# 'not stated' is given to.
PRECISION_OF_LENGTH = {10: DAY_PRECISION, 7: MONTH_PRECISION, 4: YEAR_PRECISION}
# The study reads commentary on the constitutions of independent Kazakhstan (1991
# on): a source dated earlier is a typo, such as a year 1 or 1066.
EARLIEST_DATE = datetime.date(1991, 1, 1)


# ---- sources: metadata, provenance, duplicate texts -------------------------------

def _period(published: str) -> tuple[datetime.date, datetime.date] | None:
    """First and last day of the day, month or year that ``published`` names."""
    try:
        if len(published) == 10:
            day = datetime.date.fromisoformat(published)
            return day, day
        if len(published) == 7:
            start = datetime.date.fromisoformat(published + "-01")
            following = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
            return start, following - datetime.timedelta(days=1)
        if len(published) == 4:
            year = int(published)
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    except ValueError:
        return None
    return None


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def source_problems(row: dict, today: datetime.date) -> list[tuple[str, object, str]]:
    """(field, value, problem) for every rule one row of ``sources.csv`` breaks."""
    empty = [(field, value, "is empty; write 'not stated' for what the source does not give")
             for field, value in row.items() if str(value).strip().lower() in EMPTY_MARKERS]
    if empty:
        return empty
    problems = []
    earliest, latest = _date(row["date_earliest"]), _date(row["date_latest"])
    for field, day in (("date_earliest", earliest), ("date_latest", latest)):
        if day and day > today:
            problems.append((field, row[field], f"is in the future (today is {today})"))
        elif day and day < EARLIEST_DATE:
            problems.append((field, row[field], f"is before {EARLIEST_DATE.year}, earlier "
                                                "than anything the study reads"))
    if earliest and latest and earliest > latest:
        problems.append(("date_earliest", row["date_earliest"],
                         f"is later than date_latest {row['date_latest']!r}"))
    published = row["date_published"]
    expected = RANGE_PRECISION if published == UNKNOWN else PRECISION_OF_LENGTH.get(
        len(published))
    if expected and row["date_precision"] != expected:
        problems.append(("date_precision", row["date_precision"],
                         f"does not fit date_published {published!r} (precision {expected!r})"))
    period = _period(published)
    if period and period[0] > today:
        problems.append(("date_published", published, f"is in the future (today is {today})"))
    elif period and period[1] < EARLIEST_DATE:
        problems.append(("date_published", published, f"is before {EARLIEST_DATE.year}, "
                                                      "earlier than anything the study reads"))
    elif period and earliest and latest and not period[0] <= earliest <= latest <= period[1]:
        problems.append(("date_published", published,
                         f"does not contain the window {row['date_earliest']} to "
                         f"{row['date_latest']} (date_earliest, date_latest)"))
    return problems


def provenance_fields(data_dir: Path = DATA) -> list[str]:
    """The fields of ``sources.csv`` whose provenance must be recorded."""
    return field_enum("source-provenance", "field", data_dir)


def source_issues(data_dir: Path = DATA, today: datetime.date | None = None) -> list[Issue]:
    """Metadata rules for every source, provenance for every field, no duplicate texts."""
    today = today or datetime.date.today()
    sources = load_table("sources", data_dir)
    path = resource_path("sources", data_dir)
    issues = [Issue.at(path, problem, row=number, field=field, value=value)
              for number, row in enumerate(sources.to_dict("records"), start=2)
              for field, value, problem in source_problems(row, today)]
    provenance = load_table("source-provenance", data_dir)
    recorded = set(zip(provenance["source_id"], provenance["field"]))
    issues += [Issue.at(resource_path("source-provenance", data_dir),
                        f"has no row for field {field!r} of this source (every field needs "
                        "its basis and evidence)", field="source_id", value=source_id)
               for source_id in sources["source_id"] for field in provenance_fields(data_dir)
               if (source_id, field) not in recorded]
    rows = {source_id: number for number, source_id in enumerate(sources["source_id"], start=2)}
    raw_files = dict(zip(sources["source_id"], sources["raw_file"]))
    issues += [Issue.at(path, f"its text {problem}", row=rows[source_id], field="raw_file",
                        value=raw_files[source_id])
               for source_id, problem in duplicated_sources(data_dir)]
    return issues


# ---- quotes anchored in the corpus ---------------------------------------------

def quote_issues(name: str, paragraphs: pd.DataFrame, data_dir: Path = DATA,
                 check_source: bool = True) -> list[Issue]:
    """Each row's quote occurs (whitespace folded) in its paragraph, of its source."""
    return quote_row_issues(load_table(name, data_dir), resource_path(name, data_dir),
                            paragraphs, check_source)


def quote_row_issues(table: pd.DataFrame, path: Path, paragraphs: pd.DataFrame,
                     check_source: bool = True) -> list[Issue]:
    """:func:`quote_issues` on a table already read (``path`` names it in messages)."""
    known = paragraphs.set_index("paragraph_id")
    issues = []
    for number, row in enumerate(table.to_dict("records"), start=2):
        if row["paragraph_id"] not in known.index:
            continue  # a foreign key of the schema (pipeline.validation.foreign_key_issues)
        paragraph = known.loc[row["paragraph_id"]]
        if check_source and paragraph["source_id"] != row["source_id"]:
            issues.append(Issue.at(path, f"but paragraph {row['paragraph_id']} belongs to "
                                         f"{paragraph['source_id']!r}", row=number,
                                   field="source_id", value=row["source_id"]))
        if not quote_in_text(row["quote"], paragraph["text"]):
            issues.append(Issue.at(path, f"is not found verbatim in paragraph "
                                         f"{row['paragraph_id']}", row=number, field="quote",
                                   value=row["quote"]))
    return issues


# ---- events ------------------------------------------------------------------------

def event_issues(data_dir: Path = DATA) -> list[Issue]:
    """An event the corpus dates is anchored to a quote; an external date cites a reference."""
    events = load_table("events", data_dir)
    path = resource_path("events", data_dir)
    issues = []
    for number, row in enumerate(events.to_dict("records"), start=2):
        needed = ("paragraph_id", "quote") if row["basis"] == DATED_BY_CORPUS else ("reference",)
        issues += [Issue.at(path, f"is empty, but an event dated by the {row['basis']} needs "
                                  f"its {field}", row=number, field=field, value=row[field])
                   for field in needed if not row[field].strip()]
        if bool(row["paragraph_id"].strip()) != bool(row["quote"].strip()):
            issues.append(Issue.at(path, "a paragraph id and a quote go together (give both or "
                                         "neither)", row=number, field="quote", value=row["quote"]))
    return issues


# ---- cleaning rules ---------------------------------------------------------------

def boilerplate_issues(sources: pd.DataFrame, data_dir: Path = DATA) -> list[Issue]:
    """Each cleaning rule is a pattern RE2 can run (``corpus.rule_regex``) for '*' or a source."""
    rules = load_table("boilerplate-rules", data_dir)
    path = resource_path("boilerplate-rules", data_dir)
    issues = []
    known = {"*", *sources["source_id"]}
    for number, row in enumerate(rules.to_dict("records"), start=2):
        if row["source_id"] not in known:
            issues.append(Issue.at(path, "is not a source id (or '*' for every source)",
                                   row=number, field="source_id", value=row["source_id"]))
        if row["pattern"] != TITLE_PLACEHOLDER:
            try:
                rule_regex(row["pattern"])
            except PatternError as exc:
                issues.append(Issue.at(path, "is not a valid regular expression for a cleaning "
                                             f"rule ({exc})", row=number, field="pattern",
                                       value=row["pattern"]))
    return issues
