"""data/datapackage.json is generated from data/schema/ and the codebook (issue 20)."""

import json
import re

import pytest

from kzreform.cli import main
from kzreform.core import schema
from kzreform.core.codebook import load_codebook
from kzreform.core.data import DESCRIPTOR, read_yaml
from kzreform.core.paths import DATA
from kzreform.core.transaction import WORK_DIR
from kzreform.framing import coders as autocoders
from kzreform.pipeline import build
from kzreform.pipeline.validation import package_issues


def fields_of(package, table):
    resource = next(r for r in package["resources"] if r["name"] == table)
    return {field["name"]: field for field in resource.get("schema", {}).get("fields", [])}


def listed_ids(pattern):
    """The ids a generated ';'-list pattern accepts: the alternatives of its first group."""
    return set(re.search(r"\(([^()]*)\)\(;", pattern).group(1).split("|"))


def test_the_committed_descriptor_is_what_the_schema_command_writes():
    assert (DATA / DESCRIPTOR).read_text(encoding="utf-8") == schema.descriptor_text(DATA)


def test_codebook_lists_fill_the_enums_exactly(codebook):
    package = schema.generated_descriptor(DATA)
    frames, voices = set(codebook.frames), set(codebook.voices)
    for table in ("framing-manual", "framing-second", "framing-auto"):
        fields = fields_of(package, table)
        assert set(fields["primary_frame"]["constraints"]["enum"]) == frames
        assert set(fields["stance_target"]["constraints"]["enum"]) == set(codebook.targets)
        assert listed_ids(fields["secondary_frames"]["constraints"]["pattern"]) == frames
        assert listed_ids(fields["voices"]["constraints"]["pattern"]) == voices
        stance = fields["stance"]["constraints"]
        assert (stance["minimum"], stance["maximum"]) == (min(codebook.stance_levels),
                                                          max(codebook.stance_levels))
    targets = set(fields_of(package, "framing-lexicon")["target"]["constraints"]["enum"])
    assert frames | voices <= targets
    assert not (targets - frames - voices) & (set(codebook.targets) | set(codebook.frames))
    for table in ("provisions", "provisions-matrix"):
        power = fields_of(package, table)["power_direction"]["constraints"]["enum"]
        assert set(power) == set(codebook.power_directions)


SECTIONS = ("frames", "voices", "targets", "power_directions")


def test_an_enum_lists_a_codebook_section_whole_or_not_at_all(codebook):
    """Dropping one id from a section anywhere (as 'political' once was) fails here."""
    enums = [field["constraints"]["enum"] for resource in schema.generated_descriptor(DATA)[
        "resources"] for field in resource.get("schema", {}).get("fields", [])
        if "enum" in field.get("constraints", {})]
    for section in SECTIONS:
        ids = set(getattr(codebook, section))
        listing = [enum for enum in enums if set(enum) & ids]
        assert listing and all(set(enum) & ids == ids for enum in listing), section


def test_a_shared_field_is_written_once_and_reaches_every_table(data_copy):
    fields = data_copy / "schema" / "fields.yml"
    source = read_yaml(fields)
    changed = source["primary_frame"]["description"] + " (changed once)"
    fields.write_text(fields.read_text(encoding="utf-8").replace(
        source["primary_frame"]["description"], changed, 1), encoding="utf-8")
    package = schema.generated_descriptor(data_copy)
    sharing = {table["name"] for table in read_yaml(data_copy / "schema" / "package.yml")[
        "resources"] if "primary_frame" in table["fields"]}
    described = {resource["name"] for resource in package["resources"]
                 if fields_of(package, resource["name"]).get("primary_frame", {})
                 .get("description") == changed}
    assert sharing and described == sharing


def test_an_unknown_codebook_list_is_named(data_copy):
    fields = data_copy / "schema" / "fields.yml"
    fields.write_text(fields.read_text(encoding="utf-8").replace(
        "codebook: frames", "codebook: framez", 1), encoding="utf-8")
    with pytest.raises(Exception) as error:
        schema.generated_descriptor(data_copy)
    assert ("data/schema/package.yml, field 'framing-manual.primary_frame', value 'framez': "
            "is not a codebook list") in str(error.value)


def test_a_descriptor_edited_by_hand_fails_validation(data_copy):
    descriptor = data_copy / DESCRIPTOR
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    edited = package["resources"][-1]
    edited["description"] += " Edited by hand."
    descriptor.write_text(json.dumps(package, indent=2), encoding="utf-8")
    problems = [(issue.file, issue.field, issue.value, issue.problem)
                for issue in package_issues(data_copy)]
    assert problems == [(str(descriptor), "resources", edited["name"],
                         "differs from what schema/ and the codebook define; run 'python -m "
                         f"kzreform schema' (never edit {DESCRIPTOR} by hand)")]


def test_the_schema_command_writes_nothing_when_the_data_would_not_validate(data_copy, capsys):
    codebook = data_copy / "coding" / "codebook.yml"
    codebook.write_text(codebook.read_text(encoding="utf-8").replace(
        "  - id: legality\n", "  - id: lawfulness\n"), encoding="utf-8")
    before = (data_copy / DESCRIPTOR).read_bytes()
    assert main(["schema", "--data-dir", str(data_copy)]) == 1
    assert "'legality'" in capsys.readouterr().err
    assert (data_copy / DESCRIPTOR).read_bytes() == before
    assert not (data_copy / WORK_DIR).exists()


def rename(directory, old, new):
    """Replace the id ``old`` by ``new`` wherever it stands as a whole word in the coding."""
    word = re.compile(rf"(?<![\w-]){re.escape(old)}(?![\w-])")
    for path in [directory / "coding" / "codebook.yml", *directory.glob("coding/*.csv"),
                 *directory.glob("processed/*.csv")]:
        text = path.read_text(encoding="utf-8")
        path.write_text(word.sub(new, text), encoding="utf-8")


def test_renaming_a_frame_in_the_codebook_is_the_whole_change(data_copy, capsys, two_coders):
    """The fallback frame is renamed: no package code may name it, or the build would use it.

    The build evaluates the two cheapest coders: the renamed codebook makes the
    evaluation run again, and which coder it chooses is not the point (no
    package module names a codebook id: tests/test_vocabulary.py).
    """
    old = load_codebook(data_copy / "coding" / "codebook.yml").fallback_frame
    new = "renamed_frame"
    rename(data_copy, old, new)
    assert main(["schema", "--data-dir", str(data_copy)]) == 0, capsys.readouterr().err
    build.build(data_copy)
    assert package_issues(data_copy) == []
    codebook = load_codebook(data_copy / "coding" / "codebook.yml")
    assert codebook.fallback_frame == new
    no_cues = autocoders.code_text("The weather was mild.", autocoders.load_lexicon(codebook,
                                                                                   data_copy))
    assert no_cues["primary_frame"] == new
    enum = fields_of(schema.generated_descriptor(data_copy),
                     "framing-auto")["primary_frame"]["constraints"]["enum"]
    assert set(enum) == set(codebook.frames) and new in enum and old not in enum
