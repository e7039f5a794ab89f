"""The framing codebook, and which sources the hand coding covers.

The codebook (``data/coding/codebook.yml``) defines the frames, the stance scale,
the stance targets (what a paragraph's stance is about) and the voice categories,
and the scheme on which each reform's direction of power is judged;
``data/coding/framing_manual.csv`` is the hand coding.
A source is hand-coded when the hand coding codes it; then every one of its
body paragraphs must be coded (:func:`kzreform.framing.rules.manual_coding_issues`),
so a source is never half hand-coded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kzreform.core.data import read_text, read_yaml
from kzreform.core.errors import DataValidationError, Issue, raise_issues, shown
from kzreform.core.paths import CODING, DATA, in_data_dir

CODEBOOK = CODING / "codebook.yml"
STOPWORDS = CODING / "stopwords.txt"
MANUAL_COLUMNS = ["paragraph_id", "primary_frame", "secondary_frames", "stance",
                  "stance_target", "voices", "note"]

LIST_SEPARATOR = ";"
NO_VOICE = "none"
HAND_CODED = "hand-coded"
# The codebook once listed its hand-coded sources; the hand coding itself says
# which they are now, and a list kept beside it could only disagree with it.
RETIRED_KEYS = {"hand_coded_sources": "a source is hand-coded when data/coding/"
                                      "framing_manual.csv codes it; delete this key"}


@dataclass(frozen=True)
class Codebook:
    """Frames, voices and stance levels by id, with the definitions coders read."""

    frames: dict[str, str]  # id -> label, in codebook order
    voices: dict[str, str]
    stance_levels: dict[int, str]
    definitions: dict[str, str]  # frame or voice id -> its definition (and when to code it)
    targets: dict[str, str] = field(default_factory=dict)  # stance target id -> label
    target_groups: dict[str, str] = field(default_factory=dict)  # target id -> its group
    # Targets the stance scale evaluates (a mean stance toward them means something).
    stance_on_target: tuple[str, ...] = ()
    target_definitions: dict[str, str] = field(default_factory=dict)
    # Where a reform moves power (the scheme of provisions.csv power_direction): id -> definition.
    power_directions: dict[str, str] = field(default_factory=dict)
    # The frame the keyword coder gives a paragraph none of its cues match.
    fallback_frame: str = ""
    # Voices whose reported claims the automated coders weigh apart from other actors'.
    official_voices: frozenset[str] = frozenset()
    # Revisions of the definitions: date, what changed, why, and the paragraphs the
    # two hand codings differed on that prompted it (ids are never changed).
    changes: tuple[dict, ...] = ()


def _require(mapping, key, where):
    if not isinstance(mapping, dict) or key not in mapping:
        raise DataValidationError(f"{where}: missing field {key!r}")
    return mapping[key]


def codebook_path(data_dir: Path = DATA) -> Path:
    """Where the codebook of ``data_dir`` lives."""
    return in_data_dir(CODEBOOK, data_dir)


def stopwords_path(data_dir: Path = DATA) -> Path:
    """Where the function words left out of the distinctive vocabulary of ``data_dir`` live."""
    return in_data_dir(STOPWORDS, data_dir)


def load_stopwords(data_dir: Path = DATA) -> frozenset[str]:
    """The function words of ``data_dir`` ('#' starts a comment).

    They carry a text's style, not its framing, so the distinctive vocabulary
    and the calibrated coder leave them out.
    """
    lines = read_text(stopwords_path(data_dir)).splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


REQUIRED_FIELDS = {
    "frames": ["id", "label", "definition", "code_when", "do_not_code_when", "example"],
    "voices": ["id", "label", "definition"],
    "stance_targets": ["id", "label", "group", "stance_on_target", "definition", "code_when",
                       "do_not_code_when", "example"],
    "power_directions": ["id", "definition", "code_when", "example"],
}
CHANGE_FIELDS = ["date", "what", "why", "disagreements"]


def _entries(document: dict, section: str, where: str) -> list[dict]:
    """The frames, voices or stance targets of the codebook, each checked for its fields.

    'none' is a stance target (the paragraph evaluates none of the others) but
    never a frame or voice id, where it means "no voice".
    """
    entries = _require(document, section, where)
    for number, entry in enumerate(entries, start=1):
        _require(entry, "id", f"{where}, {section} entry {number}")
        for name in REQUIRED_FIELDS[section]:
            _require(entry, name, f"{where}, {section} entry {number} ({entry['id']})")
    ids = [entry["id"] for entry in entries]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated or (NO_VOICE in ids and section != "stance_targets"):
        raise DataValidationError(
            f"{where}, {section}: ids must be unique and not {NO_VOICE!r}: {duplicated}")
    return entries


def _definition(entry: dict) -> str:
    """What a coder (or the supervised coder) reads: the definition and when to code it."""
    return " ".join(str(entry[name]) for name in ("definition", "code_when") if name in entry)


def _stance_levels(document: dict, path: Path, where: str) -> dict[int, str]:
    levels = _require(_require(document, "stance", where), "levels", f"{where}, stance")
    stance = {}
    for number, level in enumerate(levels, start=1):
        value = _require(level, "value", f"{where}, stance level {number}")
        if not isinstance(value, int) or isinstance(value, bool):
            raise_issues([Issue.at(path, "is not a whole number", value=value,
                                   field=f"stance.levels[{number}].value")], "invalid codebook")
        stance[value] = _require(level, "label", f"{where}, stance level {number}")
    return stance


def _marked(entries: list[dict], flag: str, path: Path, section: str) -> list[str]:
    """The ids of the entries marked ``flag: true`` (an optional key, false when absent)."""
    raise_issues([Issue.at(path, "is not true or false", value=entry[flag],
                           field=f"{section}[{entry['id']}].{flag}")
                  for entry in entries if not isinstance(entry.get(flag, False), bool)],
                 "invalid codebook")
    return [entry["id"] for entry in entries if entry.get(flag, False)]


def _fallback_frame(frames: list[dict], path: Path) -> str:
    fallback = _marked(frames, "fallback", path, "frames")
    if len(fallback) != 1:
        raise_issues([Issue.at(path, "exactly one frame must be marked 'fallback: true' (the "
                                     "keyword coder's frame when no cue matches)",
                               field="frames", value=fallback)], "invalid codebook")
    return fallback[0]


def _changes(document: dict, path: Path, where: str) -> tuple[dict, ...]:
    """The revisions listed under 'changes' (none if absent), each with its fields and a date."""
    changes = document.get("changes") or []
    for number, change in enumerate(changes, start=1):
        for name in CHANGE_FIELDS:
            _require(change, name, f"{where}, changes entry {number}")
        try:
            datetime.date.fromisoformat(str(change["date"]))
        except ValueError:
            raise_issues([Issue.at(path, "is not a date written YYYY-MM-DD", value=change["date"],
                                   field=f"changes[{number}].date")], "invalid codebook")
        if not isinstance(change["disagreements"], list) or not change["disagreements"]:
            raise_issues([Issue.at(path, "must list the paragraph ids of the disagreements "
                                         "that prompted the change", value=change["disagreements"],
                                   field=f"changes[{number}].disagreements")], "invalid codebook")
    return tuple(changes)


def load_codebook(path: Path = CODEBOOK) -> Codebook:
    """The codebook, with a named error for a missing field or a value of the wrong kind."""
    document = read_yaml(path)
    where = shown(path)
    raise_issues([Issue.at(path, f"is no longer read: {why}", field=key)
                  for key, why in RETIRED_KEYS.items() if isinstance(document, dict)
                  and key in document], "invalid codebook")
    labels, definitions, entries = {}, {}, {}
    for section in ("frames", "voices"):
        entries[section] = _entries(document, section, where)
        labels[section] = {entry["id"]: entry["label"] for entry in entries[section]}
        definitions.update({entry["id"]: _definition(entry) for entry in entries[section]})
    targets = _entries(document, "stance_targets", where)
    raise_issues([Issue.at(path, "is not true or false", value=entry["stance_on_target"],
                           field=f"stance_targets[{entry['id']}].stance_on_target")
                  for entry in targets if not isinstance(entry["stance_on_target"], bool)],
                 "invalid codebook")
    return Codebook(labels["frames"], labels["voices"], _stance_levels(document, path, where),
                    definitions,
                    targets={entry["id"]: entry["label"] for entry in targets},
                    target_groups={entry["id"]: entry["group"] for entry in targets},
                    stance_on_target=tuple(entry["id"] for entry in targets
                                           if entry["stance_on_target"]),
                    target_definitions={entry["id"]: _definition(entry) for entry in targets},
                    power_directions={entry["id"]: _definition(entry) for entry in
                                      _entries(document, "power_directions", where)},
                    fallback_frame=_fallback_frame(entries["frames"], path),
                    official_voices=frozenset(_marked(entries["voices"], "official", path,
                                                      "voices")),
                    changes=_changes(document, path, where))


def split_list(cell: str) -> list[str]:
    """The ids of a ';'-separated cell (an empty cell has none)."""
    return [item for item in str(cell).split(LIST_SEPARATOR) if item]


def hand_coded_sources(manual: pd.DataFrame, paragraphs: pd.DataFrame) -> list[str]:
    """Sources with hand-coded paragraphs, in sorted order."""
    coded = paragraphs.loc[paragraphs["paragraph_id"].isin(manual["paragraph_id"]), "source_id"]
    return sorted(set(coded))
