"""The disk cache of slow build steps (kzreform.core.cache): a stored result is a fresh result."""

import os
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from kzreform.core import cache
from kzreform.core.cache import CACHE_OFF, CACHE_VARIABLE, cached_call
from kzreform.framing import analysis, build, reliability

CALLS = []
# What counted_step reads (the cached_call of its callers names this).
STEP_INPUTS = ("coding/stopwords.txt",)


def counted_step(data_dir, table, number):
    """A stand-in for a slow step: records each call, reads a coding input of data_dir."""
    CALLS.append(number)
    rules = (data_dir / "coding" / "stopwords.txt").read_text(encoding="utf-8")
    return table.assign(total=table["value"] * number), len(rules)


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    CALLS.clear()
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    return tmp_path / "cache"


TABLE = pd.DataFrame({"value": [1, 2, 3]})


def test_a_second_call_with_the_same_inputs_is_not_computed_and_equals_the_first(
        own_cache, data_copy):
    first = cached_call(counted_step, data_copy, TABLE, 2, inputs=STEP_INPUTS)
    second = cached_call(counted_step, data_copy, TABLE, 2, inputs=STEP_INPUTS)
    assert CALLS == [2]
    pd.testing.assert_frame_equal(first[0], second[0])
    assert first[1] == second[1]
    assert any(own_cache.rglob("*")), "the result is stored in the folder KZREFORM_CACHE names"


def test_another_argument_is_computed_again(own_cache, data_copy):
    cached_call(counted_step, data_copy, TABLE, 2, inputs=STEP_INPUTS)
    cached_call(counted_step, data_copy, TABLE, 3, inputs=STEP_INPUTS)
    cached_call(counted_step, data_copy, TABLE.assign(value=[1, 2, 4]), 3, inputs=STEP_INPUTS)
    assert CALLS == [2, 3, 3]


def test_a_changed_coding_input_is_computed_again(own_cache, data_copy):
    cached_call(counted_step, data_copy, TABLE, 2, inputs=STEP_INPUTS)
    with open(data_copy / "coding" / "stopwords.txt", "a", encoding="utf-8") as stopwords:
        stopwords.write("zzz\n")
    _, length = cached_call(counted_step, data_copy, TABLE, 2, inputs=STEP_INPUTS)
    assert CALLS == [2, 2]
    assert length == len((data_copy / "coding" / "stopwords.txt").read_text(encoding="utf-8"))


def test_files_the_step_does_not_read_and_the_folder_s_path_are_not_part_of_the_key(
        own_cache, data_copy, tmp_path):
    cached_call(counted_step, data_copy, TABLE, 2, inputs=STEP_INPUTS)
    raw = next((data_copy / "raw").rglob("*.txt"))
    raw.write_text(raw.read_text(encoding="utf-8") + "\nOne more paragraph.\n",
                   encoding="utf-8")
    (data_copy / "metadata" / "sources.csv").write_text("changed\n", encoding="utf-8")
    (data_copy / "coding" / "claims.csv").write_text("changed\n", encoding="utf-8")
    moved = data_copy.rename(tmp_path / "elsewhere")
    cached_call(counted_step, moved, TABLE, 2, inputs=STEP_INPUTS)
    assert CALLS == [2]


def test_changed_code_is_computed_again(own_cache, data_copy, monkeypatch):
    cached_call(counted_step, data_copy, TABLE, 2, inputs=STEP_INPUTS)
    monkeypatch.setattr(cache, "code_version", lambda: "another version of the package")
    cached_call(counted_step, data_copy, TABLE, 2, inputs=STEP_INPUTS)
    assert CALLS == [2, 2]


def test_off_computes_every_time_and_stores_nothing(own_cache, data_copy, monkeypatch):
    monkeypatch.setenv(CACHE_VARIABLE, CACHE_OFF)
    cached_call(counted_step, data_copy, TABLE, 2, inputs=STEP_INPUTS)
    cached_call(counted_step, data_copy, TABLE, 2, inputs=STEP_INPUTS)
    assert CALLS == [2, 2]
    assert not own_cache.exists()


def test_the_code_version_changes_with_any_module_of_the_package(tmp_path):
    package = shutil.copytree(Path(cache.__file__).parents[1], tmp_path / "kzreform",
                              ignore=shutil.ignore_patterns("__pycache__"))
    assert cache.source_digest(package) == cache.code_version()
    for module in sorted(package.rglob("*.py")):
        before = cache.source_digest(package)
        module.write_bytes(module.read_bytes() + b"\n")
        assert cache.source_digest(package) != before, module


@pytest.fixture
def evaluations(monkeypatch):
    """One entry per evaluation of the coders the build runs (not taken from the cache)."""
    calls = []
    evaluate = reliability.evaluate

    def counted_evaluate(*arguments):
        calls.append(1)
        return evaluate(*arguments)

    monkeypatch.setattr(build, "evaluate", counted_evaluate)
    return calls


def test_the_coders_are_not_evaluated_again_for_a_paragraph_nobody_hand_coded(
        own_cache, data_copy, paragraphs, evaluations, two_coders):
    first = build.framing_tables(data_copy, {"paragraphs": paragraphs})
    added = paragraphs.tail(1).assign(paragraph_id="added-2026-p01", source_id="added-2026",
                                      text="Critics call the new referendum a sham.")
    grown = pd.concat([paragraphs, added], ignore_index=True)
    second = build.framing_tables(data_copy, {"paragraphs": grown})
    assert evaluations == [1]
    pd.testing.assert_frame_equal(first["framing-reliability"], second["framing-reliability"])
    pd.testing.assert_frame_equal(first["framing-calibration"], second["framing-calibration"])
    assert "added-2026-p01" in set(second["framing-auto"]["paragraph_id"]), (
        "the new paragraph is coded by the stored coder")
    hand_coded = grown["paragraph_id"].isin(analysis.hand_coding(data_copy)["paragraph_id"])
    first_hand_coded = grown.index[hand_coded][0]
    grown.loc[first_hand_coded, "text"] += " Critics call it a sham."
    build.framing_tables(data_copy, {"paragraphs": grown})
    assert evaluations == [1, 1], "a changed hand-coded paragraph is evaluated again"


# Files opened while OPENED is a set are recorded in it (an audit hook cannot be removed).
OPENED = None


def _record_opened(event, arguments):
    if OPENED is not None and event == "open" and isinstance(arguments[0], (str, os.PathLike)):
        OPENED.add(Path(os.fspath(arguments[0])).resolve())


sys.addaudithook(_record_opened)


def test_the_cached_framing_steps_read_only_the_inputs_their_key_names(
        own_cache, data_copy, paragraphs, monkeypatch, two_coders):
    global OPENED
    from kzreform.core.data import DESCRIPTOR
    from kzreform.framing import build as framing_build

    monkeypatch.setenv(CACHE_VARIABLE, CACHE_OFF)  # the steps run, and read what they read
    data_dir = data_copy.resolve()
    OPENED = set()
    try:
        framing_build.framing_tables(data_dir, {"paragraphs": paragraphs})
        framing_build.intercoder_tables(data_dir, {"paragraphs": paragraphs})
    finally:
        opened, OPENED = OPENED, None
    read = {path.relative_to(data_dir) for path in opened if data_dir in path.parents}
    named = [Path(name) for name in framing_build.coding_inputs(data_dir)]
    unnamed = {path for path in read
               if not any(path == name or name in path.parents for name in named)
               and path != Path(DESCRIPTOR) and not path.name.startswith(".")}
    assert Path("coding/codebook.yml") in read, "the recording saw the steps' reads"
    # The hand codings are read outside the cached steps and passed in as arguments.
    assert {path.as_posix() for path in unnamed} <= {"coding/framing_manual.csv",
                                                     "coding/framing_second.csv",
                                                     "coding/framing_reconciled.csv"}


def cues_row(data_dir):
    """A copy of the last voice cue's row with a made-up term: a valid edit of a coding input."""
    last = (data_dir / "coding" / "voice_cues.csv").read_text(encoding="utf-8").splitlines()[-1]
    kind, *rest = last.split(",")
    return ",".join([kind, *rest[:-1], "zzzquux"]) + "\n"


def test_editing_a_claim_reuses_the_stored_evaluation(own_cache, data_copy, paragraphs,
                                                       evaluations, two_coders):
    build.framing_tables(data_copy, {"paragraphs": paragraphs})
    claims = data_copy / "coding" / "claims.csv"
    claims.write_text(claims.read_text(encoding="utf-8").replace(",", ", ", 1), encoding="utf-8")
    build.framing_tables(data_copy, {"paragraphs": paragraphs})
    assert evaluations == [1]
    with open(data_copy / "coding" / "voice_cues.csv", "a", encoding="utf-8") as cues:
        cues.write(cues_row(data_copy))
    build.framing_tables(data_copy, {"paragraphs": paragraphs})
    assert evaluations == [1, 1], "a changed coding input is evaluated again"
