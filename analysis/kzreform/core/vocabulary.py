"""The schema values the package must name, read from the generated ``data/datapackage.json``.

Each value is spelled once, in ``data/schema/`` (or the codebook). Here the
enum of a field is unpacked, in schema order, into the names the code uses
(``_`` for a value the code never names), so renaming a value in the schema is
the whole change. A value added or removed stops the package at import, at the
line that unpacks that field, instead of leaving a rule that silently matches
nothing.
"""

from __future__ import annotations

from kzreform.core.data import field_constraints, field_enum

# Structural roles of a paragraph.
PARAGRAPH, HEADING, LIST_ITEM, FOOTNOTE = field_enum("paragraphs", "kind")
# What a period describes: provisions in force, a proposal, or cited reporting.
IN_FORCE, PROPOSAL, EXTERNAL = field_enum("periods", "kind")
# The direction of power of a reform that moves none between branches.
*_, NO_SHIFT, _ = field_enum("provisions", "power_direction")
# What a period's change did to a provision.
(INTRODUCED, ABOLISHED, MODIFIED, UNCHANGED, PROPOSED_ONLY,
 NOT_STATED) = field_enum("provisions", "change_kind")
# Statements that agree; the other relations are kinds of difference, judged by hand.
AGREE, *_ = field_enum("fact-consistency", "relation")
# What a topic of the consistency table is.
FACT_TOPIC, _ = field_enum("fact-consistency", "kind")
# Fact-check verdicts the rules single out.
_, _, _, CONTRADICTED, NOT_VERIFIABLE = field_enum("fact-checks", "verdict")
# A row of the law that no reference reached.
_, _, _, NOT_VERIFIED = field_enum("law", "basis")
# Who dates an event: a paragraph of the corpus, or a reference.
EVENT_BASES = field_enum("events", "basis")
DATED_BY_CORPUS, DATED_BY_REFERENCE = EVENT_BASES
# What a cleaning rule's pattern must match: a whole line, or the end of one.
LINE, TRAILING = field_enum("boilerplate-rules", "scope")
# How a coding is compared with another: agreement measures, and the "check by
# hand" flag's shares of all paragraphs and of the wrongly coded ones (its items).
ALPHA, PRECISION, RECALL, FLAGGED = field_enum("framing-reliability", "measure")
*_, FLAGGED_PARAGRAPHS, FLAGGED_ERRORS = field_enum("framing-reliability", "item")
# How a coder's reliability was estimated.
LOSO, IN_SAMPLE = field_enum("framing-reliability", "evaluation")
# How the source metadata marks a fact about a source that is not known.
*_, UNKNOWN = field_enum("sources", "source_type")
# How precisely a publication date is known.
DAY_PRECISION, MONTH_PRECISION, YEAR_PRECISION, RANGE_PRECISION = field_enum(
    "sources", "date_precision")
# What a term of the voice cues marks.
ACTOR_CUE, REPORTING_CUE, FRAMING_CUE = field_enum("framing-voice-cues", "role")
# How the reconciled coding decided a paragraph: the two codings agree; the
# reconciled codes are one coder's in every variable; or they are neither's (a
# mix of both, or a code neither gave).
DECIDED_BY = field_enum("framing-reconciled", "decided_by")
AGREEMENT, CODER_1, CODER_2, NEW_CODE = DECIDED_BY
# The mark of a row of the automated coding.
(AUTOMATED,) = field_enum("framing-auto", "coding")
# The ends of the stance scale (the codebook's levels, generated into the schema).
STANCE_RANGE = tuple(field_constraints("framing-manual", "stance")[bound]
                     for bound in ("minimum", "maximum"))


def as_name(value: str) -> str:
    """A vocabulary value as a column or key name: 'coder 1' -> 'coder_1'."""
    return value.replace(" ", "_")


def decision_figure(decision: str) -> str:
    """The headline figure counting the reconciled paragraphs decided by ``decision``."""
    return "adjudicated_" + as_name(decision)
