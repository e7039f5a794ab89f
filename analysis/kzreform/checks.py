"""Content rules a table schema cannot state, run by every build and by ``validate``.

Each rule returns every problem it finds as :class:`~kzreform.errors.Issue`
objects (file, row, field, value). Table rules (types, enums, patterns, keys,
foreign keys) are not repeated here: they live in ``datapackage.json``.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pandas as pd

from . import adjudication
from .corpus import (BODY_KINDS, TITLE_PLACEHOLDER, PatternError, body_paragraphs, quote_in_text,
                     rule_regex)
from .data import field_enum, load_table, read_text, resource_path, text_issues
from .duplicates import duplicated_sources
from .errors import Issue, shown
from .codebook import (Codebook, codebook_path, hand_coded_sources, load_codebook, split_list,
                       stopwords_path)
from .paths import DATA, ROOT
from .fact_check import contradicted_claims, fact_check_issues, law_issues
from .periods import period_ids
from .provisions import ADOPTED_KINDS, DIFFER, NOT_STATED_EXTERNAL, expected_cells
from .vocabulary import (ACTOR_CUE, AGREEMENT, DATED_BY_CORPUS, DAY_PRECISION, EXTERNAL, IN_FORCE,
                         MONTH_PRECISION, NOT_STATED, PROPOSAL, PROPOSED_ONLY, RANGE_PRECISION,
                         YEAR_PRECISION)

REFERENCES = ROOT / "report" / "references.bib"
# An entry starts a line: "@book{key," (an '@' inside a field's text starts none).
BIBTEX_ENTRY = re.compile(r"^@\w+\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)
# How sources.csv marks a fact about a source that is not known.
UNKNOWN = "not stated"
# Values YAML or a spreadsheet writes for "nothing": never a real value of a field.
EMPTY_MARKERS = {"", "none", "null", "nan", "~"}
# The precision a publication date written as YYYY-MM-DD, YYYY-MM, YYYY or
# 'not stated' is given to.
PRECISION_OF_LENGTH = {10: DAY_PRECISION, 7: MONTH_PRECISION, 4: YEAR_PRECISION}
# The study reads commentary on the constitutions of independent Kazakhstan (1991
# on): a source dated earlier is a typo, such as a year 1 or 1066.
EARLIEST_DATE = datetime.date(1991, 1, 1)


# Hand-edited tables every analysis of the study reads: with only a header they
# would pass their schema but leave a chart, a comparison or the coders' evaluation
# with nothing to show (the hand coding must also code two sources; see framing).
NEEDS_ROWS = ("events", "fact-statements", "external-facts", "framing-lexicon",
              "framing-voice-cues", "framing-manual")


def empty_table_issues(data_dir: Path = DATA) -> list[Issue]:
    """Each table of :data:`NEEDS_ROWS` has at least one row below its header."""
    return [Issue.at(resource_path(name, data_dir), f"has a header but no rows; the study "
                                                    f"needs at least one row of table {name!r}")
            for name in NEEDS_ROWS if load_table(name, data_dir).empty]


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


def evidence_quote_issues(data_dir: Path, tables: dict) -> list[Issue]:
    """Rule of the evidence stage: every stored quote occurs verbatim in its paragraph."""
    return quote_row_issues(tables["evidence-quotes"], resource_path("evidence-quotes", data_dir),
                            load_table("paragraphs", data_dir), check_source=False)


def quote_row_issues(table: pd.DataFrame, path: Path, paragraphs: pd.DataFrame,
                     check_source: bool = True) -> list[Issue]:
    """:func:`quote_issues` on a table already read (``path`` names it in messages)."""
    known = paragraphs.set_index("paragraph_id")
    issues = []
    for number, row in enumerate(table.to_dict("records"), start=2):
        if row["paragraph_id"] not in known.index:
            continue  # a foreign key of the schema; reported by Frictionless
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


def bibliography_keys(path: Path = REFERENCES) -> list[str]:
    """Citation keys defined in a BibTeX file, in file order (a key given twice, twice)."""
    text = read_text(path) if path.exists() else ""
    return BIBTEX_ENTRY.findall(text)


def reference_issues(data_dir: Path = DATA, references: Path = REFERENCES) -> list[Issue]:
    """Every reference key of a ledger (external claims and facts, events, law, checks) exists."""
    keys = set(bibliography_keys(references))
    issues = []
    for name in ("external-claims", "external-facts", "events", "law", "fact-checks"):
        table = load_table(name, data_dir)
        issues += [Issue.at(resource_path(name, data_dir),
                            f"is not a citation key of {shown(references)}",
                            row=number, field="reference", value=key)
                   for number, key in enumerate(table["reference"], start=2)
                   if key and key not in keys]
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


# ---- provisions -------------------------------------------------------------------

def external_claim_issues(data_dir: Path = DATA) -> list[Issue]:
    """External claims state something, and only for external periods."""
    periods = load_table("periods", data_dir)
    external = set(period_ids(periods, EXTERNAL))
    ledger = load_table("external-claims", data_dir)
    path = resource_path("external-claims", data_dir)
    issues = []
    for number, row in enumerate(ledger.to_dict("records"), start=2):
        issues += [Issue.at(path, "is missing: an external claim states what the cited report "
                                  "says", row=number, field=field, value=row[field])
                   for field in ("statement", "value", "paraphrase")
                   if row[field].strip().lower() in EMPTY_MARKERS]
        if row["period_id"] in set(periods["period_id"]) and row["period_id"] not in external:
            issues.append(Issue.at(path, "is not an external period; what the corpus states "
                                         "belongs in claims.csv", row=number, field="period_id",
                                   value=row["period_id"]))
    return issues


def change_kind_issues(data_dir: Path = DATA) -> list[Issue]:
    """A provision's hand-coded kind of change must fit what the ledgers state."""
    periods = load_table("periods", data_dir).sort_values("order")
    provisions = load_table("provisions", data_dir)
    claims = load_table("claims", data_dir)
    external_claims = load_table("external-claims", data_dir)
    path = resource_path("provisions", data_dir)
    stated = set(zip(claims["provision_id"], claims["period_id"]))
    reported = set(zip(external_claims["provision_id"], external_claims["period_id"]))
    external = set(period_ids(periods, EXTERNAL))
    in_force = period_ids(periods, IN_FORCE)
    proposals = period_ids(periods, PROPOSAL)
    issues = []
    for number, row in enumerate(provisions.to_dict("records"), start=2):
        provision, judged = row["provision_id"], row["direction_refers_to"]
        if judged in external:
            # Judged on an external period: the institution it adds or removes.
            if row["change_kind"] not in ADOPTED_KINDS:
                issues.append(Issue.at(path, f"but a change judged on the external period "
                                             f"{judged} must be one of {', '.join(ADOPTED_KINDS)}",
                                       row=number, field="change_kind", value=row["change_kind"]))
            if (provision, judged) not in reported:
                issues.append(Issue.at(path, f"but the external claims ledger states nothing "
                                             f"for {provision} in that period", row=number,
                                       field="direction_refers_to", value=judged))
            continue
        adopted = any((provision, period) in stated for period in in_force[1:])
        proposed = any((provision, period) in stated for period in proposals)
        if row["change_kind"] == PROPOSED_ONLY and (adopted or not proposed):
            issues.append(Issue.at(path, f"but the corpus states "
                                         f"{'an adopted change' if adopted else 'no proposal'} "
                                         f"for {provision}", row=number, field="change_kind",
                                   value=row["change_kind"]))
        if row["change_kind"] in ADOPTED_KINDS and not adopted:
            issues.append(Issue.at(path, f"but no claim states what the reforms did to "
                                         f"{provision}", row=number, field="change_kind",
                                   value=row["change_kind"]))
        if (provision, judged) not in stated:
            issues.append(Issue.at(path, f"but the corpus states nothing for {provision} in "
                                         "that period", row=number, field="direction_refers_to",
                                   value=judged))
    return issues


def matrix_cell_issues(data_dir: Path, built: dict) -> list[Issue]:
    """Every cell of the built matrix is what its ledger states (claims, or external claims)."""
    periods = load_table("periods", data_dir)
    claims = load_table("claims", data_dir)
    external_claims = load_table("external-claims", data_dir)
    matrix = built["provisions-matrix"]
    path = resource_path("provisions-matrix", data_dir)
    external = set(period_ids(periods, EXTERNAL))
    contradicted = frozenset(contradicted_claims(load_table("fact-checks", data_dir)))
    issues = []
    for number, row in enumerate(matrix.to_dict("records"), start=2):
        expected = expected_cells(claims, external_claims, periods, row["provision_id"],
                                  contradicted)
        for period_id, cell in expected.items():
            if row[period_id] == cell:
                continue
            ledger = "external_claims.csv" if period_id in external else "claims.csv"
            silent = cell in (NOT_STATED_EXTERNAL, NOT_STATED)
            problem = (f"states a value, but {ledger} has no row for {row['provision_id']} in "
                       f"{period_id}" if silent else
                       f"differs from what {ledger} states ({cell!r})")
            issues.append(Issue.at(path, f"{problem}; rebuild with 'python -m kzreform build'",
                                   row=number, field=period_id, value=row[period_id]))
    return issues


def comparison_issues(data_dir: Path, built: dict) -> list[Issue]:
    """Every topic whose statements differ has its kind of difference judged, and only those."""
    consistency = built["fact-consistency"]
    judgements = load_table("comparison-judgements", data_dir)
    path = resource_path("comparison-judgements", data_dir)
    differing = set(consistency.loc[consistency["agreement"] == DIFFER, "topic_id"])
    judged = set(judgements["topic_id"])
    issues = [Issue.at(path, "has no judgement of what kind of difference the statements of "
                             "this topic show", field="topic_id", value=topic)
              for topic in sorted(differing - judged)]
    issues += [Issue.at(path, "judges a topic whose statements do not differ (or that no two "
                              "sources state)", row=number, field="topic_id", value=topic)
               for number, topic in enumerate(judgements["topic_id"], start=2)
               if topic not in differing]
    return issues


def reform_issues(data_dir: Path = DATA) -> list[Issue]:
    """Provisions of one reform carry one judgement, so each reform is judged once."""
    provisions = load_table("provisions", data_dir)
    path = resource_path("provisions", data_dir)
    issues = []
    for reform, rows in provisions.groupby("reform", sort=False):
        for field in ("direction_refers_to", "power_direction", "power_rationale"):
            if rows[field].nunique() > 1:
                issues += [Issue.at(path, f"differs within the reform {reform!r}: a reform is "
                                          "judged once", row=number, field=field, value=value)
                           for number, value in zip(rows.index + 2, rows[field])]
    return issues


# ---- framing: codebook, hand coding, lexicon ------------------------------------

def coded_row_issues(name: str, paragraphs: pd.DataFrame, data_dir: Path = DATA) -> list[Issue]:
    """A hand coding (or its reconciliation) codes body paragraphs only, each frame once."""
    table = load_table(name, data_dir)
    path = resource_path(name, data_dir)
    kinds = dict(zip(paragraphs["paragraph_id"], paragraphs["kind"]))
    issues = []
    for number, row in enumerate(table.to_dict("records"), start=2):
        kind = kinds.get(row["paragraph_id"])
        if kind is not None and kind not in BODY_KINDS:
            issues.append(Issue.at(path, f"is a {kind}; only {' and '.join(BODY_KINDS)} rows "
                                         "are coded", row=number, field="paragraph_id",
                                   value=row["paragraph_id"]))
        if row["primary_frame"] in split_list(row["secondary_frames"]):
            issues.append(Issue.at(path, "repeats the primary frame", row=number,
                                   field="secondary_frames", value=row["secondary_frames"]))
    return issues


def manual_coding_issues(paragraphs: pd.DataFrame, data_dir: Path = DATA) -> list[Issue]:
    """Hand coding codes body paragraphs only, and every one of each source it codes."""
    manual = load_table("framing-manual", data_dir)
    path = resource_path("framing-manual", data_dir)
    issues = coded_row_issues("framing-manual", paragraphs, data_dir)
    body = body_paragraphs(paragraphs)
    body = body[body["source_id"].isin(hand_coded_sources(manual, paragraphs))]
    coded = set(manual["paragraph_id"])
    issues += [Issue.at(path, "is a body paragraph of a hand-coded source (one the hand coding "
                              "codes) but is not coded", field="paragraph_id", value=paragraph)
               for paragraph in body["paragraph_id"] if paragraph not in coded]
    return issues


def reconciled_coding_issues(paragraphs: pd.DataFrame, data_dir: Path = DATA) -> list[Issue]:
    """The reconciled coding settles each paragraph both hand codings code, once, with reasons.

    It codes exactly those paragraphs (the schema makes each row unique); its
    ``decided_by`` is what the three codings show (:func:`adjudication.decision`);
    and a paragraph the codings differ on has a note saying why it was decided so.
    """
    reconciled = load_table("framing-reconciled", data_dir)
    path = resource_path("framing-reconciled", data_dir)
    first, second = (load_table(name, data_dir) for name in ("framing-manual", "framing-second"))
    both = set(first["paragraph_id"]) & set(second["paragraph_id"])
    row_of = {paragraph: number for number, paragraph
              in enumerate(reconciled["paragraph_id"], start=2)}
    issues = coded_row_issues("framing-reconciled", paragraphs, data_dir)
    issues += [Issue.at(path, "is coded by both hand codings but not reconciled",
                        field="paragraph_id", value=paragraph)
               for paragraph in sorted(both - set(row_of))]
    issues += [Issue.at(path, "has nothing to reconcile: framing_manual.csv and "
                              "framing_second.csv do not both code it",
                        row=row_of[paragraph], field="paragraph_id", value=paragraph)
               for paragraph in reconciled["paragraph_id"] if paragraph not in both]
    stated = reconciled.set_index("paragraph_id")
    for _, row in adjudication.adjudicated(first, second, reconciled).iterrows():
        number, given = row_of[row["paragraph_id"]], stated.loc[row["paragraph_id"]]
        if given["decided_by"] != row["decision"]:
            issues.append(Issue.at(path, f"should be {row['decision']!r}: the codings differ on "
                                         f"{', '.join(row['differ']) or 'nothing'}",
                                   row=number, field="decided_by", value=given["decided_by"]))
        if row["differ"] and not str(given["note"]).strip():
            issues.append(Issue.at(path, f"is empty, but the codings differ on "
                                         f"{', '.join(row['differ'])}: say which reading of "
                                         "the codebook decides and why", row=number,
                                   field="note", value=given["note"]))
    return issues


def codebook_change_issues(paragraphs: pd.DataFrame, data_dir: Path = DATA) -> list[Issue]:
    """Each codebook revision cites paragraphs of the corpus the two codings did not agree on.

    A cited paragraph no longer reconciled (its source is no longer coded by
    both coders) stays cited: the revision was made from it.
    """
    codebook = load_codebook(codebook_path(data_dir))
    reconciled = load_table("framing-reconciled", data_dir)
    agreed = set(reconciled.loc[reconciled["decided_by"] == AGREEMENT,
                                "paragraph_id"])
    known = set(paragraphs["paragraph_id"])
    return [Issue.at(codebook_path(data_dir),
                     "is a paragraph the two hand codings agree on (framing_reconciled.csv)"
                     if paragraph in agreed else "is not a paragraph id of the corpus",
                     field=f"changes[{number}].disagreements", value=paragraph)
            for number, change in enumerate(codebook.changes, start=1)
            for paragraph in change["disagreements"]
            if paragraph in agreed or paragraph not in known]


def lexicon_issues(codebook: Codebook, data_dir: Path = DATA) -> list[Issue]:
    """Each lexicon rule targets a frame, voice or the stance, as its kind says."""
    lexicon = load_table("framing-lexicon", data_dir)
    targets = {"frame": codebook.frames, "voice": codebook.voices, "stance": {"stance": ""}}
    return [Issue.at(resource_path("framing-lexicon", data_dir),
                     f"is not a {row['kind']} of the codebook", row=number, field="target",
                     value=row["target"])
            for number, row in enumerate(lexicon.to_dict("records"), start=2)
            if row["target"] not in targets.get(row["kind"], {})]


def voice_cue_issues(data_dir: Path = DATA) -> list[Issue]:
    """An actor cue names the voice it reports; a reporting or framing cue belongs to none."""
    cues = load_table("framing-voice-cues", data_dir)
    path = resource_path("framing-voice-cues", data_dir)
    issues = []
    for number, row in enumerate(cues.to_dict("records"), start=2):
        if row["role"] == ACTOR_CUE and not row["voice"]:
            issues.append(Issue.at(path, "is empty; an actor cue needs its voice", row=number,
                                   field="voice", value=row["voice"]))
        elif row["role"] != ACTOR_CUE and row["voice"]:
            issues.append(Issue.at(path, f"is given for a {row['role']} cue, which belongs to "
                                         "no voice", row=number, field="voice",
                                   value=row["voice"]))
    return issues


def stopword_issues(data_dir: Path = DATA) -> list[Issue]:
    """The stopword list is clean UTF-8 text: the framing notebook reads it."""
    return text_issues(stopwords_path(data_dir))[1]


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


def input_rule_issues(data_dir: Path = DATA) -> list[Issue]:
    """Rules on the hand-edited inputs alone, checked before anything is built from them."""
    sources = load_table("sources", data_dir)
    codebook = load_codebook(codebook_path(data_dir))
    return [
        *empty_table_issues(data_dir),
        *source_issues(data_dir),
        *boilerplate_issues(sources, data_dir),
        *reference_issues(data_dir),
        *event_issues(data_dir),
        *external_claim_issues(data_dir),
        *change_kind_issues(data_dir),
        *reform_issues(data_dir),
        *law_issues(data_dir),
        *fact_check_issues(data_dir),
        *lexicon_issues(codebook, data_dir),
        *voice_cue_issues(data_dir),
        *stopword_issues(data_dir),
    ]


def corpus_rule_issues(data_dir: Path, built: dict) -> list[Issue]:
    """Rules tying the hand-coded tables to the paragraphs the corpus stage segmented."""
    paragraphs = built["paragraphs"]
    return [
        *quote_issues("claims", paragraphs, data_dir),
        *quote_issues("fact-statements", paragraphs, data_dir),
        *quote_issues("events", paragraphs, data_dir, check_source=False),
        *manual_coding_issues(paragraphs, data_dir),
        *reconciled_coding_issues(paragraphs, data_dir),
        *codebook_change_issues(paragraphs, data_dir),
    ]
