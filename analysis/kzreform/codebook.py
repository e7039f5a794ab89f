"""The framing codebook and the hand coding checked against it.

The codebook (``data/coding/codebook.yml``) defines the frames, the stance scale
and the voice categories; ``data/coding/framing_manual.csv`` is the hand coding.
A source is hand-coded when the hand coding codes it; then every one of its
body paragraphs must be coded, so a source is never half hand-coded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from .corpus import BODY_KINDS
from .errors import DataValidationError
from .paths import CODING, relative

CODEBOOK = CODING / "codebook.yml"
MANUAL_CODING = CODING / "framing_manual.csv"
MANUAL_COLUMNS = ["paragraph_id", "primary_frame", "secondary_frames", "stance", "voices",
                  "note"]

LIST_SEPARATOR = ";"
NO_VOICE = "none"
HAND_CODED = "hand-coded"
AUTOMATED = "automated, not hand-coded"


@dataclass(frozen=True)
class Codebook:
    frames: dict[str, str]  # id -> label, in codebook order
    voices: dict[str, str]
    stance_levels: dict[int, str]
    definitions: dict[str, str]  # frame or voice id -> its definition (and when to code it)


def _require(mapping, key, where):
    if not isinstance(mapping, dict) or key not in mapping:
        raise DataValidationError(f"{where}: missing field {key!r}")
    return mapping[key]


def load_codebook(path: Path = CODEBOOK) -> Codebook:
    where = relative(path)
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataValidationError(f"{where}: cannot be read as YAML ({exc})") from None
    lists, definitions = {}, {}
    for section in ("frames", "voices"):
        entries = _require(document, section, where)
        for number, entry in enumerate(entries, start=1):
            for field in ("id", "label", "definition"):
                _require(entry, field, f"{where}, {section} entry {number}")
            if section == "frames":
                for field in ("code_when", "do_not_code_when", "example"):
                    _require(entry, field, f"{where}, frames entry {number} ({entry['id']})")
            definitions[entry["id"]] = " ".join(
                str(entry[field]) for field in ("definition", "code_when") if field in entry)
        ids = [entry["id"] for entry in entries]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated or NO_VOICE in ids:
            raise DataValidationError(
                f"{where}, {section}: ids must be unique and not {NO_VOICE!r}: {duplicated}")
        lists[section] = {entry["id"]: entry["label"] for entry in entries}
    levels = _require(_require(document, "stance", where), "levels", f"{where}, stance")
    stance = {int(level["value"]): level["label"] for level in levels}
    return Codebook(lists["frames"], lists["voices"], stance, definitions)


def split_list(cell: str) -> list[str]:
    return [item for item in str(cell).split(LIST_SEPARATOR) if item]


def body_paragraphs(paragraphs: pd.DataFrame) -> pd.DataFrame:
    return paragraphs[paragraphs["kind"].isin(BODY_KINDS)]


def load_manual_coding(path: Path = MANUAL_CODING) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def hand_coded_sources(manual: pd.DataFrame, paragraphs: pd.DataFrame) -> list[str]:
    """Sources with hand-coded paragraphs, in source order."""
    coded = paragraphs.loc[paragraphs["paragraph_id"].isin(manual["paragraph_id"]), "source_id"]
    return sorted(set(coded))


def manual_coding_errors(manual: pd.DataFrame, paragraphs: pd.DataFrame,
                         codebook: Codebook, path: Path = MANUAL_CODING) -> list[str]:
    """Every problem with the hand coding, one line each naming file, row, field and value."""
    where = relative(path)
    errors = []
    missing = [column for column in MANUAL_COLUMNS if column not in manual.columns]
    if missing:
        return [f"{where}: missing column(s) {', '.join(missing)}"]
    kinds = dict(zip(paragraphs["paragraph_id"], paragraphs["kind"]))
    stances = {str(value) for value in codebook.stance_levels}
    seen: set[str] = set()
    for number, row in enumerate(manual.to_dict("records"), start=2):
        at = f"{where}, row {number}"
        pid = row["paragraph_id"]
        if pid in seen:
            errors.append(f"{at}, field 'paragraph_id': {pid!r} is coded more than once")
        seen.add(pid)
        if pid not in kinds:
            errors.append(f"{at}, field 'paragraph_id': {pid!r} is not in paragraphs.csv")
        elif kinds[pid] not in BODY_KINDS:
            errors.append(f"{at}, field 'paragraph_id': {pid!r} is a {kinds[pid]}; "
                          f"only {' and '.join(BODY_KINDS)} rows are coded")
        if row["primary_frame"] not in codebook.frames:
            errors.append(f"{at}, field 'primary_frame': unknown frame {row['primary_frame']!r}")
        for frame in split_list(row["secondary_frames"]):
            if frame not in codebook.frames:
                errors.append(f"{at}, field 'secondary_frames': unknown frame {frame!r}")
            elif frame == row["primary_frame"]:
                errors.append(f"{at}, field 'secondary_frames': {frame!r} repeats the "
                              f"primary frame")
        if row["stance"] not in stances:
            errors.append(f"{at}, field 'stance': {row['stance']!r} is not one of "
                          f"{', '.join(sorted(stances, key=int))}")
        voices = split_list(row["voices"])
        if voices != [NO_VOICE]:
            errors += [f"{at}, field 'voices': unknown voice {voice!r}"
                       for voice in voices if voice not in codebook.voices]
    body = body_paragraphs(paragraphs)
    expected = body[body["source_id"].isin(hand_coded_sources(manual, paragraphs))]
    errors += [f"{where}: body paragraph {pid!r} of hand-coded source {source!r} is not coded"
               for pid, source in zip(expected["paragraph_id"], expected["source_id"])
               if pid not in seen]
    return errors


def validate_manual_coding(manual, paragraphs, codebook, path: Path = MANUAL_CODING) -> None:
    errors = manual_coding_errors(manual, paragraphs, codebook, path)
    if errors:
        raise DataValidationError("invalid hand coding:\n  " + "\n  ".join(errors))
