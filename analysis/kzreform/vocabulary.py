"""The schema values the package must name, read from the generated ``data/datapackage.json``.

Each value is spelled once, in ``data/schema/`` (or the codebook); here the
enum of a field is unpacked, in schema order, into named parts, so code says
``PERIOD_KIND.in_force`` and never the text itself. Renaming a value in the
schema is the whole change; adding or removing one stops the package at import,
naming this module, instead of leaving a rule that silently matches nothing.
"""

from __future__ import annotations

from typing import NamedTuple

from .data import DESCRIPTOR, field_enum, schema_fields
from .errors import DataValidationError


class ParagraphKinds(NamedTuple):
    """Structural roles of a paragraph (paragraphs.kind)."""

    paragraph: str
    heading: str
    list_item: str
    footnote: str


class PeriodKinds(NamedTuple):
    """What a period describes (periods.kind)."""

    in_force: str
    proposal: str
    external: str


class ChangeKinds(NamedTuple):
    """What a period's change did to a provision (provisions.change_kind)."""

    introduced: str
    abolished: str
    modified: str
    unchanged: str
    proposed_only: str
    not_stated: str


class Relations(NamedTuple):
    """How the sources' statements on one topic relate (fact-consistency.relation)."""

    agree: str
    contradiction: str
    compatible: str
    evaluative_difference: str
    forecast_against_outcome: str
    one_source_silent: str


class Verdicts(NamedTuple):
    """A fact check's outcome (fact-checks.verdict)."""

    confirmed: str
    imprecise: str
    corrected: str
    contradicted: str
    not_verifiable: str


class LawBases(NamedTuple):
    """What a row of the law rests on (law.basis)."""

    constitution: str
    statute: str
    reporting: str
    not_verified: str


class EventBases(NamedTuple):
    """Who dates an event (events.basis)."""

    corpus: str
    external: str


class ConsistencyKinds(NamedTuple):
    """What a topic of the consistency table is (fact-consistency.kind)."""

    fact: str
    provision: str


class Evaluations(NamedTuple):
    """How a coder's reliability was estimated (framing-reliability.evaluation)."""

    leave_one_source_out: str
    in_sample: str


class DatePrecisions(NamedTuple):
    """How precisely a date is known (sources.date_precision)."""

    day: str
    month: str
    year: str
    range: str


class VoiceCueRoles(NamedTuple):
    """What a term of the voice cues marks (framing-voice-cues.role)."""

    actor: str
    reporting: str
    framing: str


class Codings(NamedTuple):
    """How the automated table's rows were coded (framing-auto.coding)."""

    automated: str


def _named(kind: type, table: str, field: str):
    values = field_enum(table, field)
    if len(values) != len(kind._fields):
        raise DataValidationError(
            f"{DESCRIPTOR}, table {table!r}, field {field!r}: lists {len(values)} values "
            f"({', '.join(values)}); the package names {len(kind._fields)} "
            f"({', '.join(kind._fields)}). Name each in kzreform/vocabulary.py ({kind.__name__})")
    return kind(*values)


def _bound(table: str, field: str, bound: str) -> int:
    spec = next(spec for spec in schema_fields(table) if spec["name"] == field)
    return spec["constraints"][bound]


PARAGRAPH_KIND = _named(ParagraphKinds, "paragraphs", "kind")
PERIOD_KIND = _named(PeriodKinds, "periods", "kind")
CHANGE_KIND = _named(ChangeKinds, "provisions", "change_kind")
RELATION = _named(Relations, "fact-consistency", "relation")
VERDICT = _named(Verdicts, "fact-checks", "verdict")
LAW_BASIS = _named(LawBases, "law", "basis")
EVENT_BASIS = _named(EventBases, "events", "basis")
CONSISTENCY_KIND = _named(ConsistencyKinds, "fact-consistency", "kind")
EVALUATION = _named(Evaluations, "framing-reliability", "evaluation")
DATE_PRECISION = _named(DatePrecisions, "sources", "date_precision")
VOICE_CUE_ROLE = _named(VoiceCueRoles, "framing-voice-cues", "role")
CODING_STATUS = _named(Codings, "framing-auto", "coding")
# The stance scale's ends (the codebook's levels, generated into the schema).
STANCE_RANGE = (_bound("framing-manual", "stance", "minimum"),
                _bound("framing-manual", "stance", "maximum"))
