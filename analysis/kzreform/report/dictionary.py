"""The data dictionary and the codebook, as the report's tables show them."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from kzreform.core.codebook import CODEBOOK, load_codebook
from kzreform.core.data import descriptor, read_yaml
from kzreform.core.paths import DATA

MAX_PATTERN_SHOWN = 24


def _constraint_summary(constraints: dict) -> str:
    rules = []
    if constraints.get("required"):
        rules.append("required")
    if constraints.get("unique"):
        rules.append("unique")
    if "enum" in constraints:
        rules.append("one of: " + ", ".join(str(value) for value in constraints["enum"]))
    if "pattern" in constraints:
        # A long regular expression has no space to break at and would run off
        # an A4 page; the descriptor keeps it.
        pattern = constraints["pattern"]
        rules.append(f"pattern {pattern}" if len(pattern) <= MAX_PATTERN_SHOWN
                     else "pattern (see datapackage.json)")
    for bound in ("minimum", "maximum"):
        if bound in constraints:
            rules.append(f"{bound} {constraints[bound]}")
    return "; ".join(rules)


def data_dictionary(data_dir: Path = DATA) -> pd.DataFrame:
    """Every field of every table in the data package, with type, meaning and rules."""
    package = descriptor(data_dir)
    rows = []
    for resource in package["resources"]:
        schema = resource.get("schema")
        if not schema:
            continue
        keys = set(schema.get("primaryKey", []))
        for field in schema["fields"]:
            rules = _constraint_summary(field.get("constraints", {}))
            if field["name"] in keys:
                rules = "; ".join(filter(None, ["primary key", rules]))
            rows.append({
                "Table": resource["name"], "Field": field["name"],
                "Type": field.get("type", "string"),
                "Description": field.get("description", ""), "Rules": rules,
            })
    return pd.DataFrame(rows, columns=["Table", "Field", "Type", "Description", "Rules"])


def data_tables(data_dir: Path = DATA) -> pd.DataFrame:
    """One row per file of the data package: its path and what it holds."""
    package = descriptor(data_dir)
    return pd.DataFrame(
        [{"Table": r["name"], "File": "data/" + r["path"], "Description": r.get("description", "")}
         for r in package["resources"]],
        columns=["Table", "File", "Description"])


def codebook_tables(path: Path = CODEBOOK) -> dict[str, pd.DataFrame]:
    """The framing codebook as tables for the report: frames, stance levels, voices, targets.

    The codebook is validated first; the tables show fields the analysis does not
    need (the frame each adapts, the definitions and coding rules apart).
    """
    load_codebook(path)
    document = read_yaml(path)
    frames = pd.DataFrame(
        [{"Frame": f["label"], "Adapted from": f.get("source_frame", ""),
          "Definition": f["definition"], "Code when": f.get("code_when", "")}
         for f in document["frames"]],
        columns=["Frame", "Adapted from", "Definition", "Code when"])
    stance = pd.DataFrame(
        [{"Value": level["value"], "Stance": level["label"],
          "Code when": level.get("code_when", "")}
         for level in document["stance"]["levels"]],
        columns=["Value", "Stance", "Code when"])
    voices = pd.DataFrame(
        [{"Voice": v["label"], "Definition": v["definition"]} for v in document["voices"]],
        columns=["Voice", "Definition"])
    targets = pd.DataFrame(
        [{"Stance target": t["label"], "Compared with": t["group"],
          "Definition": without_external_facts(t["definition"]),
          "Code when": without_external_facts(t["code_when"])}
         for t in document["stance_targets"]],
        columns=["Stance target", "Compared with", "Definition", "Code when"])
    return {"frames": frames, "stance": stance, "voices": voices, "targets": targets}


# The codebook marks facts the corpus does not state "(external: ...)" to help a
# coder recognise a package; the report states such facts only with a citation.
EXTERNAL_FACT = re.compile(r"\s*\(external[^)]*\)")


def without_external_facts(text: str) -> str:
    """A codebook text without the parenthesised facts it marks as external."""
    return EXTERNAL_FACT.sub("", str(text))
