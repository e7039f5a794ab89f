"""The disk cache of slow build steps (kzreform.core.cache): a stored result is a fresh result."""

import multiprocessing
import os
import shutil
import sys
import time
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


def slow_logged_step(data_dir, log):
    """A slow step that records each computation in the file ``log`` (shared by processes)."""
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"{os.getpid()}\n")
    time.sleep(1)
    return (data_dir / "coding" / "stopwords.txt").read_text(encoding="utf-8")


def test_two_processes_that_need_one_result_at_once_compute_it_once(own_cache, data_copy,
                                                                     tmp_path):
    log = tmp_path / "computed.log"
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        results = pool.starmap(cached_call_of_slow_step, [(data_copy, log)] * 2)
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1
    assert results[0] == results[1] == (data_copy / "coding" / "stopwords.txt").read_text(
        encoding="utf-8")


def cached_call_of_slow_step(data_dir, log):
    return cached_call(slow_logged_step, data_dir, log, inputs=STEP_INPUTS)


def test_computed_afresh_never_reads_the_cache_but_fills_it(own_cache, data_copy):
    cached_call(counted_step, data_copy, TABLE, 2, inputs=STEP_INPUTS)
    with cache.computed_afresh():
        cached_call(counted_step, data_copy, TABLE, 2, inputs=STEP_INPUTS)
        cached_call(counted_step, data_copy, TABLE, 3, inputs=STEP_INPUTS)
    assert CALLS == [2, 2, 3]
    cached_call(counted_step, data_copy, TABLE, 3, inputs=STEP_INPUTS)
    assert CALLS == [2, 2, 3], "what was computed afresh is stored"


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


# While a test records, the files opened go into the last set of RECORDING (an
# audit hook cannot be removed, so it stays, idle, for the rest of the run).
RECORDING: list[set] = []


def _record_opened(event, arguments):
    if RECORDING and event == "open" and isinstance(arguments[0], (str, os.PathLike)):
        RECORDING[-1].add(Path(os.fspath(arguments[0])).resolve())


sys.addaudithook(_record_opened)


def test_the_cached_framing_steps_read_only_the_inputs_their_key_names(
        data_copy, paragraphs, monkeypatch, two_coders):
    from kzreform.core.data import DESCRIPTOR
    from kzreform.framing import build as framing_build

    data_dir = data_copy.resolve()
    unnamed_reads = {}

    def recording_call(step, directory, *arguments, inputs):
        """The step itself, run afresh, with the files it opens recorded."""
        RECORDING.append(set())
        try:
            return step(directory, *arguments)
        finally:
            opened = RECORDING.pop()
            named = [data_dir / name for name in inputs]
            unnamed_reads[step.__name__] = {
                path.relative_to(data_dir).as_posix() for path in opened
                if data_dir in path.parents and path != data_dir / DESCRIPTOR
                and not path.name.startswith(".")  # locks
                and not any(path == name or name in path.parents for name in named)}
            unnamed_reads[step.__name__ + " read the codebook"] = (
                data_dir / "coding" / "codebook.yml" in opened)

    monkeypatch.setattr(framing_build, "cached_call", recording_call)
    framing_build.framing_tables(data_dir, {"paragraphs": paragraphs})
    framing_build.intercoder_tables(data_dir, {"paragraphs": paragraphs})
    assert unnamed_reads == {"evaluate_and_fit": set(), "evaluate_and_fit read the codebook": True,
                             "agreement_of_codings": set(),
                             "agreement_of_codings read the codebook": True}


def cues_row(data_dir):
    """A copy of the last voice cue's row with a made-up term: a valid edit of a coding input."""
    last = (data_dir / "coding" / "voice_cues.csv").read_text(encoding="utf-8").splitlines()[-1]
    kind, *rest = last.split(",")
    return ",".join([kind, *rest[:-1], "zzzquux"]) + "\n"


def test_editing_a_claim_reuses_the_stored_evaluation(own_cache, data_copy, paragraphs,
                                                       evaluations, two_coders):
    build.framing_tables(data_copy, {"paragraphs": paragraphs})
    claims = pd.read_csv(data_copy / "coding" / "claims.csv", dtype=str, keep_default_na=False)
    claims.loc[0, "value"] += " (edited)"
    claims.to_csv(data_copy / "coding" / "claims.csv", index=False, lineterminator="\n")
    build.framing_tables(data_copy, {"paragraphs": paragraphs})
    assert evaluations == [1]
    with open(data_copy / "coding" / "voice_cues.csv", "a", encoding="utf-8") as cues:
        cues.write(cues_row(data_copy))
    build.framing_tables(data_copy, {"paragraphs": paragraphs})
    assert evaluations == [1, 1], "a changed coding input is evaluated again"


def test_a_cache_that_cannot_be_written_is_not_used(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file-where-the-folder-should-be"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(CACHE_VARIABLE, str(blocked))
    cache.store_result("kind", "key", [1])
    assert cache.stored_result("kind", "key") is None


def test_stored_results_beyond_the_limit_go_oldest_first(own_cache, monkeypatch):
    monkeypatch.setattr(cache, "STORED_RESULTS_LIMIT", 2)
    monkeypatch.setattr(cache, "_PRUNED", set())
    folder = own_cache / "kind"
    folder.mkdir(parents=True)
    for age, key in enumerate(["newer", "older", "oldest"]):
        (folder / f"{key}.json").write_text("[]", encoding="utf-8")
        os.utime(folder / f"{key}.json", (1_000_000 - age, 1_000_000 - age))
    cache.store_result("kind", "newest", [1])
    assert sorted(path.stem for path in folder.glob("*.json")) == ["newer", "newest"]
    assert cache.stored_result("kind", "newest") == [1]
