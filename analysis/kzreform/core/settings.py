"""Build settings: how much work the build does, by named profile (``data/build_settings.csv``).

A profile sets the bootstrap resamples behind every interval, the automated
coders the evaluation compares, the share of its wrong codes the calibrated
coder's "check by hand" flag must hold, and the worker processes that code a large
corpus. The ``default`` profile is what the study reports: ``data/processed/``,
the notebooks and the report are computed with it. The environment variable
``KZREFORM_PROFILE`` names another profile, such as ``fast`` (few resamples),
which tests use wherever their point is not the statistics; tables built with
it are not the study's figures and are never committed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kzreform.core.codebook import split_list
from kzreform.core.data import load_table, resource_path
from kzreform.core.errors import Issue, raise_issues
from kzreform.core.paths import DATA

PROFILE_VARIABLE = "KZREFORM_PROFILE"
DEFAULT_PROFILE = "default"
SETTINGS = "build-settings"


@dataclass(frozen=True)
class BuildSettings:
    """One profile of ``data/build_settings.csv``."""

    profile: str
    resamples: int
    coders: tuple[str, ...]
    flag_errors: float  # share of the calibrated coder's wrong codes its flag must hold
    workers: int | None  # None: one per core


def selected_profile() -> str:
    """The profile ``KZREFORM_PROFILE`` names, or the default profile when it is unset."""
    return os.environ.get(PROFILE_VARIABLE) or DEFAULT_PROFILE


def build_settings(data_dir: Path = DATA, profile: str | None = None) -> BuildSettings:
    """The settings of ``profile`` (default: :func:`selected_profile`) in ``data_dir``."""
    profile = profile or selected_profile()
    table = load_table(SETTINGS, data_dir)
    rows = table[table["profile"] == profile]
    if rows.empty:
        raise_issues([Issue.at(resource_path(SETTINGS, data_dir),
                               f"has no such profile (named by {PROFILE_VARIABLE}; the "
                               f"profiles are {', '.join(table['profile'])})",
                               field="profile", value=profile)], "unknown build profile")
    row = rows.iloc[0]
    return BuildSettings(profile=profile, resamples=int(row["resamples"]),
                         coders=tuple(split_list(row["coders"])),
                         flag_errors=float(row["flag_errors"]),
                         workers=None if pd.isna(row["workers"]) else int(row["workers"]))
