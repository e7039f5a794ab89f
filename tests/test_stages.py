"""The build runs in declared stages; each stage's rules refuse bad data before the next stage."""

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import snapshot

from kzreform.cli import main
from kzreform.core.data import is_derived, load_table, resource_path
from kzreform.core.errors import DataValidationError
from kzreform.core.paths import DATA, ROOT
from kzreform.framing import build as framing_build
from kzreform.pipeline import build
from kzreform.pipeline.record import RECORD
from kzreform.pipeline.stages import STAGE_NAMES, STAGES, Stage, stages_from

pytestmark = pytest.mark.usefixtures("fast_build")


def derived_resources():
    package = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    return [resource["name"] for resource in package["resources"] if is_derived(resource)]


def test_every_derived_table_is_made_by_exactly_one_stage():
    made = [name for stage in STAGES for name in stage.makes]
    assert sorted(made) == sorted(derived_resources())
    assert len(made) == len(set(made))


def test_a_stage_reads_only_tables_of_earlier_stages():
    made = set()
    for stage in STAGES:
        assert set(stage.reads) <= made, f"stage {stage.name} reads a table no earlier stage makes"
        made.update(stage.makes)


# A table no input refers to: the build checks the inputs' keys into what a stage made.
STUB = pd.DataFrame({"source_id": ["x"]})
GIVEN = {}


def stub_first(data_dir, tables):
    return {"text-signatures": STUB}


def stub_second(data_dir, tables):
    GIVEN.update(tables)
    return {}


def test_a_builder_gets_only_the_tables_it_declares(data_copy):
    GIVEN.clear()
    build.run_stages(data_copy, [
        Stage("first", "a stub", (f"{__name__}:stub_first",), reads=(),
              makes=("text-signatures",), rules=()),
        Stage("second", "a stub", (f"{__name__}:stub_second",),
              reads=("text-signatures", "framing-auto"), makes=(), rules=())])
    assert set(GIVEN) == {"text-signatures", "framing-auto"}
    assert GIVEN["text-signatures"] is STUB  # made in this run, not read back
    pd.testing.assert_frame_equal(GIVEN["framing-auto"], load_table("framing-auto", data_copy))


def test_every_builder_and_rule_a_stage_names_exists():
    for stage in STAGES:
        for name in (*stage.builders, *stage.rules):
            module, function = name.split(":")
            assert callable(getattr(importlib.import_module(module), function)), name


def test_listing_the_stages_imports_no_builder():
    code = ("import sys; from kzreform.cli import main; main(['stages']); "
            "print(sorted(m for m in sys.modules if m in ('kzreform.framing.build', 'sklearn')))")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout
    assert shown.splitlines()[-1] == "[]"


@pytest.mark.parametrize("name", STAGE_NAMES)
def test_only_a_stage_rebuilds_it_and_every_stage_that_reads_what_it_makes(name):
    chosen = stages_from(name)
    assert chosen[0].name == name
    # Closed downstream: a stage left out reads nothing a chosen stage makes.
    made_by_chosen = {table for stage in chosen for table in stage.makes}
    assert [stage.name for stage in STAGES if stage not in chosen
            and made_by_chosen.intersection(stage.reads)] == []
    # Minimal: every other chosen stage reads something an earlier chosen stage makes.
    for index, stage in enumerate(chosen[1:], start=1):
        earlier = {table for before in chosen[:index] for table in before.makes}
        assert earlier.intersection(stage.reads), stage.name


@pytest.mark.parametrize("field, value", [
    ("quote", "words the paragraph lacks"),
    # a key into the paragraphs the corpus stage makes (checked in the package's
    # validation too, which comes only after the coders' evaluation)
    ("paragraph_id", "fpc-2021-p999"),
])
def test_a_bad_claim_is_refused_after_the_corpus_stage_before_any_coder_is_evaluated(
        data_copy, monkeypatch, field, value):
    claims = resource_path("claims", data_copy)
    table = pd.read_csv(claims, dtype=str, keep_default_na=False)
    table.loc[0, field] = value
    table.to_csv(claims, index=False, lineterminator="\n")
    before = snapshot(data_copy)

    def evaluated(*arguments, **keywords):
        pytest.fail("a coder was evaluated although the corpus stage refused a claim")

    monkeypatch.setattr(framing_build, "evaluate", evaluated)
    with pytest.raises(DataValidationError) as error:
        build.build(data_copy)
    assert "checked after the corpus stage" in str(error.value)
    assert f"claims.csv, row 2, field {field!r}, value {value!r}" in str(error.value)
    assert snapshot(data_copy) == before


def test_build_only_writes_the_stage_and_keeps_every_other_table(data_copy):
    before = snapshot(data_copy)
    written = build.build(data_copy, "data", only="coding")
    assert written == [f"data/{resource_path(name, data_copy).relative_to(data_copy).as_posix()}"
                       for stage in stages_from("coding") for name in stage.makes]
    after = snapshot(data_copy)
    rewritten = {resource_path(name, data_copy).relative_to(data_copy)
                 for stage in stages_from("coding") for name in stage.makes} | {Path(RECORD)}
    assert {path: data for path, data in after.items() if path not in rewritten} == \
        {path: data for path, data in before.items() if path not in rewritten}


def test_an_unknown_stage_is_refused_with_the_stages_named(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--only", "nosuch"])
    assert "invalid choice: 'nosuch'" in capsys.readouterr().err


def test_the_stages_command_and_make_help_list_the_stages_in_order(capsys):
    assert main(["stages"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == list(STAGE_NAMES)
    # The Python running the tests lists the stages (a copy of the repository may have no .venv).
    help_text = subprocess.run(["make", "-s", "help", f"BIN={Path(sys.executable).parent}"],
                               cwd=ROOT, capture_output=True, text=True, check=True).stdout
    positions = [help_text.find(f" {name} ") for name in STAGE_NAMES]
    assert -1 not in positions and positions == sorted(positions), help_text


def test_a_stage_s_rules_see_the_tables_of_this_build_not_the_stored_ones(data_copy):
    # A stored paragraph that the next build will segment anew: the evidence stage's
    # rule must check its quotes against the new paragraph, not the stale one.
    quotes = load_table("evidence-quotes", data_copy)
    cited = quotes["paragraph_id"].iloc[0]
    paragraphs = resource_path("paragraphs", data_copy)
    table = pd.read_csv(paragraphs, dtype=str, keep_default_na=False)
    table.loc[table["paragraph_id"] == cited, "text"] = "text the next build replaces"
    table.to_csv(paragraphs, index=False, lineterminator="\n")
    build.build(data_copy)
    assert cited in set(load_table("evidence-quotes", data_copy)["paragraph_id"])
