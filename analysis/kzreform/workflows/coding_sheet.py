"""Turn an automated source into a hand-coded one through a CSV coding sheet.

``python -m kzreform coding-sheet SOURCE_ID --out sheet.csv`` writes one row
per body paragraph of the source: its text, the automated codes pre-filled in
the columns to be checked (primary_frame, secondary_frames, stance, voices,
note), and beside them the codebook's meaning of the pre-filled codes and the
coder's confidence. ``python -m kzreform import-coding sheet.csv`` reads it
back and, in one transaction (:mod:`kzreform.core.transaction`), replaces that
source's rows of the hand coding, rebuilds every derived table and validates
the package. ``python -m kzreform import-reconciled FILE`` stores an
adjudication of two hand codings (:mod:`kzreform.framing.adjudication`) the same way.
The sheet's rows are checked by the same rules as the hand coding
(the schema of ``framing-manual`` and :mod:`kzreform.framing.rules`); a problem in a
row taken from the sheet is reported against the sheet's own row.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kzreform.core import transaction
from kzreform.core.codebook import (
    MANUAL_COLUMNS,
    Codebook,
    codebook_path,
    load_codebook,
    split_list,
)
from kzreform.core.data import csv_rows, load_table, resource_path
from kzreform.core.errors import Issue, raise_issues, shown
from kzreform.core.paths import DATA
from kzreform.corpus.segment import body_paragraphs
from kzreform.framing.adjudication import RECONCILED_COLUMNS
from kzreform.framing.rules import manual_coding_issues, reconciled_coding_issues
from kzreform.pipeline import build
from kzreform.pipeline.validation import input_issues, rebuilt_issues

CONTEXT_COLUMNS = ["text", "primary_frame_means", "secondary_frames_mean", "stance_means",
                   "stance_target_means", "voices_mean", "automated_confidence",
                   "check_by_hand"]
SHEET_COLUMNS = [*MANUAL_COLUMNS[:1], *CONTEXT_COLUMNS[:1], *MANUAL_COLUMNS[1:],
                 *CONTEXT_COLUMNS[1:]]
# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV
# Injection"), and paragraph text can start with them. The sheet prefixes such a
# cell with a quote, and a cell that already starts with a quote, so that import
# removes exactly the quotes export added.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralised(cell: str) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    return QUOTE + cell if cell.startswith((*FORMULA_STARTS, QUOTE)) else cell


def restored(cell: str) -> str:
    """The cell :func:`neutralised` was given (other cells are returned unchanged)."""
    quoted = cell.startswith(QUOTE) and cell[1:].startswith((*FORMULA_STARTS, QUOTE))
    return cell[1:] if quoted else cell


def _meaning(codebook: Codebook, ids: list[str], labels: dict[str, str]) -> str:
    return " | ".join(f"{labels[i]}: {codebook.definitions[i]}" for i in ids if i in labels)


def coding_sheet(source_id: str, data_dir: Path = DATA) -> pd.DataFrame:
    """The coding sheet of one source, automated codes pre-filled."""
    codebook = load_codebook(codebook_path(data_dir))
    paragraphs = load_table("paragraphs", data_dir)
    body = body_paragraphs(paragraphs)
    body = body[body["source_id"] == source_id]
    if body.empty:
        raise_issues([Issue.at(resource_path("paragraphs", data_dir),
                               f"has no body paragraphs of this source (sources: "
                               f"{', '.join(sorted(set(paragraphs['source_id'])))})",
                               field="source_id", value=source_id)],
                     "cannot write a coding sheet")
    auto = load_table("framing-auto", data_dir)
    sheet = body[["paragraph_id", "text"]].merge(auto, on="paragraph_id", validate="one_to_one")
    sheet["note"] = ""
    sheet["primary_frame_means"] = sheet["primary_frame"].map(
        lambda frame: _meaning(codebook, [frame], codebook.frames))
    sheet["secondary_frames_mean"] = sheet["secondary_frames"].map(
        lambda frames: _meaning(codebook, split_list(frames), codebook.frames))
    sheet["stance_means"] = sheet["stance"].map(codebook.stance_levels)
    sheet["stance_target_means"] = sheet["stance_target"].map(
        lambda target: f"{codebook.targets[target]}: {codebook.target_definitions[target]}")
    sheet["voices_mean"] = sheet["voices"].map(
        lambda voices: _meaning(codebook, split_list(voices), codebook.voices))
    sheet = sheet.rename(columns={"confidence": "automated_confidence"})
    return sheet[SHEET_COLUMNS]


def write_coding_sheet(source_id: str, out: Path, data_dir: Path = DATA) -> int:
    """Write the coding sheet of ``source_id`` to ``out``; return its number of rows."""
    sheet = coding_sheet(source_id, data_dir)
    build.write_csv(sheet.map(lambda cell: neutralised(cell) if isinstance(cell, str) else cell),
                    Path(out))
    return len(sheet)


def read_coding_sheet(path: Path) -> pd.DataFrame:
    """The hand codes of a filled-in sheet (cells stripped), or a named error for its shape.

    A byte-order mark is accepted: spreadsheets write one when saving "CSV UTF-8".
    """
    header, rows, issues = csv_rows(path, byte_order_mark_allowed=True)
    raise_issues(issues, "cannot read the coding sheet")
    missing = [column for column in MANUAL_COLUMNS if column not in header]
    raise_issues([Issue.at(path, f"the header lacks this column (a coding sheet has "
                                 f"{', '.join(SHEET_COLUMNS)})", row=1, field=column)
                  for column in missing], "cannot read the coding sheet")
    raise_issues([Issue.at(path, "has no rows below its header")] if not rows else [],
                 "cannot read the coding sheet")
    sheet = pd.DataFrame(rows, columns=header, dtype=str)
    coded = sheet[MANUAL_COLUMNS].apply(lambda column: column.map(restored).str.strip())
    first_rows: dict[str, int] = {}
    repeated = []
    for number, paragraph in enumerate(coded["paragraph_id"], start=2):
        if paragraph in first_rows:
            repeated.append(Issue.at(path, f"repeats the paragraph of row {first_rows[paragraph]}"
                                           " (code each paragraph once)", row=number,
                                     field="paragraph_id", value=paragraph))
        first_rows.setdefault(paragraph, number)
    raise_issues(repeated, "cannot read the coding sheet")
    return coded


def _in_sheet(issues: list[Issue], sheet: Path, first_row: int, imported: set[str],
              data_dir: Path) -> list[Issue]:
    """Issues in the hand-coding rows taken from the sheet, renamed to the sheet's rows."""
    manual = shown(resource_path("framing-manual", data_dir))
    renamed = []
    for issue in issues:
        if issue.file != manual:
            renamed.append(issue)
        elif issue.row is not None and issue.row >= first_row:
            renamed.append(Issue.at(sheet, issue.problem, row=issue.row - first_row + 2,
                                    field=issue.field, value=issue.value))
        elif issue.row is None and issue.value in imported:
            renamed.append(Issue.at(sheet, issue.problem, field=issue.field, value=issue.value))
        else:
            renamed.append(issue)
    return renamed


def import_coding(path: Path, data_dir: Path = DATA, shown_name: str | None = None) -> dict:
    """Replace the hand coding of the sheet's source(s) with the sheet; rebuild; validate.

    The paragraphs and the hand coding that decide what is replaced are read
    from the staged copy, under the transaction's lock: read before it, a
    concurrent import would be overwritten by this one.
    """
    coded = read_coding_sheet(path)
    heading = f"cannot import the coding sheet {shown(path)}"
    # Where the sheet's rows start in the staged hand coding, and the paragraph
    # ids taken from the sheet: found under the lock, used by both steps below.
    placed: dict = {}

    def replace_and_rebuild(staged: Path) -> dict:
        paragraphs = load_table("paragraphs", staged)
        sources = sorted(set(paragraphs.loc[paragraphs["paragraph_id"].isin(
            coded["paragraph_id"]), "source_id"]))
        imported = set(paragraphs.loc[paragraphs["source_id"].isin(sources), "paragraph_id"])
        manual = load_table("framing-manual", staged)
        kept = manual[~manual["paragraph_id"].isin(imported)].astype(str)
        placed.update(first_row=len(kept) + 2, from_sheet=imported | set(coded["paragraph_id"]))
        known = set(paragraphs["paragraph_id"])
        raise_issues([Issue.at(path, "is not a paragraph id of the corpus (write the ids the "
                                     "coding sheet lists)", row=number, field="paragraph_id",
                               value=paragraph)
                      for number, paragraph in enumerate(coded["paragraph_id"], start=2)
                      if paragraph not in known], heading)
        build.write_csv(pd.concat([kept, coded], ignore_index=True)[MANUAL_COLUMNS],
                        resource_path("framing-manual", staged))
        issues = input_issues(staged) or manual_coding_issues(paragraphs, staged)
        raise_issues(_in_sheet(issues, path, placed["first_row"], placed["from_sheet"], staged),
                     heading)
        build.rebuild(staged, inputs_checked=True)
        return {"sources": sources, "paragraphs": len(coded)}

    def validate(staged: Path) -> None:
        raise_issues(_in_sheet(rebuilt_issues(staged), path, placed["first_row"],
                               placed["from_sheet"], staged), heading)

    return transaction.write(Path(data_dir), replace_and_rebuild, validate, shown_name)


def _in_file(issues: list[Issue], stored: str, path: Path) -> list[Issue]:
    """Issues of the stored file ``stored`` told against ``path``, whose rows it holds in order."""
    return [Issue.at(path, issue.problem, row=issue.row, field=issue.field, value=issue.value)
            if issue.file == stored else issue for issue in issues]


def import_reconciled(path: Path, data_dir: Path = DATA, shown_name: str | None = None) -> int:
    """Store an adjudication (a reconciled coding) as the reconciled coding; rebuild; validate.

    The file replaces ``framing_reconciled.csv`` whole, in one transaction: it
    must reconcile every paragraph both hand codings code
    (:func:`kzreform.framing.rules.reconciled_coding_issues`), and a problem is told
    against the file's own row. Returns the number of paragraphs stored.
    """
    header, rows, issues = csv_rows(path, byte_order_mark_allowed=True)
    heading = f"cannot import the reconciled coding {shown(path)}"
    raise_issues(issues, heading)
    raise_issues([Issue.at(path, f"the header lacks this column (a reconciled coding has "
                                 f"{', '.join(RECONCILED_COLUMNS)})", row=1, field=column)
                  for column in RECONCILED_COLUMNS if column not in header], heading)
    reconciled = pd.DataFrame(rows, columns=header, dtype=str)[RECONCILED_COLUMNS]

    def store_and_rebuild(staged: Path) -> int:
        stored = resource_path("framing-reconciled", staged)
        build.write_csv(reconciled.apply(lambda column: column.str.strip()), stored)
        found = input_issues(staged) or reconciled_coding_issues(
            load_table("paragraphs", staged), staged)
        raise_issues(_in_file(found, shown(stored), path), heading)
        build.rebuild(staged, inputs_checked=True)
        return len(reconciled)

    def validate(staged: Path) -> None:
        stored = shown(resource_path("framing-reconciled", staged))
        raise_issues(_in_file(rebuilt_issues(staged), stored, path), heading)

    return transaction.write(Path(data_dir), store_and_rebuild, validate, shown_name)
