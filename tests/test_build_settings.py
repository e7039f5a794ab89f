"""Build settings (data/build_settings.csv): one profile per row, selected by KZREFORM_PROFILE."""

import re

import pandas as pd
import pytest
from conftest import FAST_PROFILE

from kzreform.cli import main
from kzreform.core.data import load_table, schema_fields
from kzreform.core.errors import DataValidationError
from kzreform.core.settings import (
    DEFAULT_PROFILE,
    PROFILE_VARIABLE,
    SETTINGS,
    BuildSettings,
    build_settings,
    selected_profile,
)
from kzreform.framing import analysis, build, reliability
from kzreform.framing import coders as autocoders
from kzreform.pipeline.validation import validate_inputs


@pytest.fixture(scope="module")
def candidates(codebook):
    return autocoders.load_candidate_coders(codebook, build_settings())


@pytest.fixture(scope="module")
def coded(paragraphs):
    return analysis.coded_paragraphs(paragraphs, load_table("framing-manual"),
                                    load_table("framing-auto"))


def test_the_default_and_fast_profiles_exist():
    profiles = set(load_table(SETTINGS)["profile"])
    assert {DEFAULT_PROFILE, FAST_PROFILE} <= profiles


def test_the_variable_selects_the_profile(monkeypatch):
    monkeypatch.delenv(PROFILE_VARIABLE, raising=False)
    assert selected_profile() == build_settings().profile == DEFAULT_PROFILE
    monkeypatch.setenv(PROFILE_VARIABLE, FAST_PROFILE)
    fast = build_settings()
    assert fast.profile == FAST_PROFILE
    assert fast.resamples < build_settings(profile=DEFAULT_PROFILE).resamples


def test_an_unknown_profile_is_named_with_the_profiles_there_are(monkeypatch):
    monkeypatch.setenv(PROFILE_VARIABLE, "no-such-profile")
    with pytest.raises(DataValidationError,
                       match=r"build_settings.csv, field 'profile', value 'no-such-profile': "
                             r"has no such profile \(named by KZREFORM_PROFILE; the profiles are "
                             r"default, fast"):
        build_settings()


def test_the_schema_names_exactly_the_candidate_coders(candidates):
    field = next(field for field in schema_fields(SETTINGS) if field["name"] == "coders")
    named = set(re.findall(r"[a-z][a-z-]+", field["constraints"]["pattern"]))
    assert named == {coder.name for coder in candidates}


def test_a_profile_must_name_a_coder_fitted_per_fold(data_copy, candidates):
    in_sample = [coder.name for coder in candidates if not coder.fitted]
    settings = BuildSettings("in-sample-only", 10, tuple(in_sample), build_settings().flag_errors, None)
    with pytest.raises(DataValidationError,
                       match=r"build_settings.csv, field 'coders', value 'lexicon': profile "
                             r"'in-sample-only' names no coder fitted per fold"):
        reliability.evaluated_coders(candidates, settings, data_copy)
    reversed_names = BuildSettings("reversed", 10, tuple(c.name for c in candidates[::-1]),
                                   build_settings().flag_errors, None)
    assert reliability.evaluated_coders(candidates, reversed_names, data_copy) == candidates


def test_the_build_evaluates_the_coders_and_resamples_of_the_profile(data_copy, paragraphs,
                                                                     candidates, codebook,
                                                                     two_coders):
    tables = build.framing_tables(data_copy, {"paragraphs": paragraphs})
    table = tables["framing-reliability"]
    assert list(table["coder"].unique()) == ["majority", "lexicon"]
    assert table.loc[table["chosen"], "coder"].unique().tolist() == ["majority"]
    auto = tables["framing-auto"]
    assert auto["primary_frame"].nunique() == 1  # the baseline codes every paragraph alike
    with_five_resamples, _, _ = reliability.evaluate(
        [coder for coder in candidates if coder.name in ("majority", "lexicon")], paragraphs,
        analysis.hand_coding(data_copy), codebook, 5, data_copy)
    pd.testing.assert_frame_equal(table, with_five_resamples)


def test_intervals_resample_as_often_as_the_profile_says(coded, codebook, monkeypatch):
    monkeypatch.setenv(PROFILE_VARIABLE, FAST_PROFILE)
    resamples = build_settings().resamples
    pd.testing.assert_frame_equal(analysis.source_summary(coded, codebook),
                                  analysis.source_summary(coded, codebook, resamples=resamples))
    sources = load_table("sources")
    pd.testing.assert_frame_equal(
        analysis.stance_by_target(coded, sources, codebook),
        analysis.stance_by_target(coded, sources, codebook, resamples=resamples))
    manual = load_table("framing-manual")
    paired = reliability.pair_codes(manual, load_table("framing-auto"), codebook)
    pd.testing.assert_frame_equal(reliability.with_intervals(paired, codebook),
                                  reliability.with_intervals(paired, codebook, resamples))


def test_a_build_with_another_profile_says_it_is_not_the_study(data_copy, capsys, monkeypatch):
    monkeypatch.setenv(PROFILE_VARIABLE, FAST_PROFILE)
    assert main(["build", "--data-dir", str(data_copy)]) == 0
    assert f"built with the build profile {FAST_PROFILE!r} (KZREFORM_PROFILE), not 'default': " \
        "these are not the study's figures" in capsys.readouterr().out


def test_a_flag_share_outside_zero_to_one_is_refused_by_name(data_copy):
    path = data_copy / "build_settings.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[table["profile"] == DEFAULT_PROFILE, "flag_errors"] = "1.5"
    table.to_csv(path, index=False, lineterminator="\n")
    with pytest.raises(DataValidationError, match=r"build_settings.csv, row 2, field "
                                                  r"'flag_errors', value '1.5'"):
        validate_inputs(data_copy)
