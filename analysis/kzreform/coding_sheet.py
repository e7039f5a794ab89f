"""Turn an automated source into a hand-coded one through a CSV coding sheet.

``python -m kzreform coding-sheet SOURCE_ID --out sheet.csv`` writes one row
per body paragraph of the source: its text, the automated codes pre-filled in
the columns to be checked (primary_frame, secondary_frames, stance, voices,
note), and beside them the codebook's meaning of the pre-filled codes and the
coder's confidence. ``python -m kzreform import-coding sheet.csv`` reads it
back, checks every row against the codebook (errors name the sheet, row,
field and value), replaces that source's rows of the hand coding and rebuilds
the framing tables, all in one validated write.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import build
from .codebook import (CODEBOOK, MANUAL_CODING, MANUAL_COLUMNS, Codebook, body_paragraphs,
                       load_codebook, load_manual_coding, manual_coding_errors, split_list)
from .errors import DataValidationError
from .framing import FRAMING_AUTO, framing_tables
from .paths import DATA, PARAGRAPHS, in_data_dir, relative

CONTEXT_COLUMNS = ["text", "primary_frame_means", "secondary_frames_mean", "stance_means",
                   "voices_mean", "automated_confidence", "check_by_hand"]
SHEET_COLUMNS = [*MANUAL_COLUMNS[:1], *CONTEXT_COLUMNS[:1], *MANUAL_COLUMNS[1:],
                 *CONTEXT_COLUMNS[1:]]


def _meaning(codebook: Codebook, ids: list[str], labels: dict[str, str]) -> str:
    return " | ".join(f"{labels[i]}: {codebook.definitions[i]}" for i in ids if i in labels)


def coding_sheet(source_id: str, data_dir: Path = DATA) -> pd.DataFrame:
    """The coding sheet of one source, automated codes pre-filled."""
    codebook = load_codebook(in_data_dir(CODEBOOK, data_dir))
    paragraphs = pd.read_csv(in_data_dir(PARAGRAPHS, data_dir), dtype=str,
                             keep_default_na=False)
    body = body_paragraphs(paragraphs)
    body = body[body["source_id"] == source_id]
    if body.empty:
        known = ", ".join(sorted(set(paragraphs["source_id"])))
        raise DataValidationError(f"source {source_id!r} has no body paragraphs in "
                                  f"{relative(in_data_dir(PARAGRAPHS, data_dir))} "
                                  f"(sources: {known})")
    auto = pd.read_csv(in_data_dir(FRAMING_AUTO, data_dir), dtype=str, keep_default_na=False)
    sheet = body[["paragraph_id", "text"]].merge(auto, on="paragraph_id", validate="one_to_one")
    sheet["note"] = ""
    sheet["primary_frame_means"] = sheet["primary_frame"].map(
        lambda frame: _meaning(codebook, [frame], codebook.frames))
    sheet["secondary_frames_mean"] = sheet["secondary_frames"].map(
        lambda frames: _meaning(codebook, split_list(frames), codebook.frames))
    sheet["stance_means"] = sheet["stance"].map(
        lambda stance: codebook.stance_levels[int(stance)])
    sheet["voices_mean"] = sheet["voices"].map(
        lambda voices: _meaning(codebook, split_list(voices), codebook.voices))
    sheet = sheet.rename(columns={"confidence": "automated_confidence"})
    return sheet[SHEET_COLUMNS]


def write_coding_sheet(source_id: str, out: Path, data_dir: Path = DATA) -> int:
    sheet = coding_sheet(source_id, data_dir)
    build.write_csv(sheet, Path(out))
    return len(sheet)


def read_coding_sheet(path: Path, paragraphs: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """The sheet's hand codes, checked against the codebook and the paragraphs."""
    where = relative(path)
    try:
        sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataValidationError(f"{where}: cannot be read as a UTF-8 CSV ({exc})") from None
    missing = [column for column in MANUAL_COLUMNS if column not in sheet.columns]
    if missing:
        raise DataValidationError(f"{where}: missing column(s) {', '.join(missing)} "
                                  f"(a coding sheet has {', '.join(SHEET_COLUMNS)})")
    coded = sheet[MANUAL_COLUMNS].apply(lambda column: column.str.strip())
    if coded.empty:
        raise DataValidationError(f"{where}: the sheet has no rows")
    errors = manual_coding_errors(coded, paragraphs, codebook, path)
    if errors:
        raise DataValidationError("invalid coding sheet:\n  " + "\n  ".join(errors))
    return coded


def import_coding(path: Path, data_dir: Path = DATA) -> dict:
    """Replace the hand coding of the sheet's source(s) with the sheet; rebuild; validate."""
    data_dir = Path(data_dir)
    manual_path = in_data_dir(MANUAL_CODING, data_dir)
    codebook = load_codebook(in_data_dir(CODEBOOK, data_dir))
    paragraphs = pd.read_csv(in_data_dir(PARAGRAPHS, data_dir), keep_default_na=False)
    coded = read_coding_sheet(path, paragraphs, codebook)
    sources = sorted(set(paragraphs.loc[paragraphs["paragraph_id"].isin(coded["paragraph_id"]),
                                        "source_id"]))
    manual = load_manual_coding(manual_path)
    kept = manual[~manual["paragraph_id"].isin(
        paragraphs.loc[paragraphs["source_id"].isin(sources), "paragraph_id"])]
    merged = pd.concat([kept, coded], ignore_index=True)[MANUAL_COLUMNS]
    tables = {manual_path: merged}
    tables.update(framing_tables({in_data_dir(PARAGRAPHS, data_dir): paragraphs, **tables},
                                 data_dir))
    build.write_validated(tables, data_dir)
    return {"sources": sources, "paragraphs": len(coded)}
