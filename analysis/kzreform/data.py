"""Load the study's tables by their data-package resource name."""

from __future__ import annotations

import json

import pandas as pd

from .paths import DATA, DATAPACKAGE


def resource_path(name: str):
    descriptor = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == name:
            return DATA / resource["path"]
    raise KeyError(f"{DATAPACKAGE.name} has no resource named {name!r}")


def load_table(name: str) -> pd.DataFrame:
    """A table as pandas reads it; 'not stated' and empty cells stay strings."""
    return pd.read_csv(resource_path(name), keep_default_na=False)
