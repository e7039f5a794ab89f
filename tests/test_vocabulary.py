"""No codebook id or schema value the package names is spelled in it (issue 20)."""

import ast
from pathlib import Path

from kzreform.core import vocabulary
from kzreform.core.codebook import load_codebook
from kzreform.core.data import descriptor
from kzreform.core.paths import ROOT

PACKAGE = ROOT / "analysis" / "kzreform"


# The same word with another meaning: (module, text) -> what it means there.
OTHER_MEANINGS = {
    ("core/codebook.py", "none"): "the marker of a paragraph without voices, not the target 'none'",
    ("corpus/rules.py", "none"): "a spelling of 'nothing' that YAML or a spreadsheet writes",
    ("framing/analysis.py", "paragraph"): "a column of the exemplar table the notebook shows",
    ("evidence/quotes.py", "paragraph"): "that column, read back",
    ("workflows/add_source.py", "corpus"): "the folder raw/corpus/",
    ("workflows/add_source.py", "line"): "the metadata's key for a line's literal text",
    ("workflows/add_source.py", "trailing"): "the metadata's key for a pattern at a line's end",
    ("framing/charts.py", "year"): "Vega-Lite's time unit",
    ("report/citation.py", "year"): "a BibTeX field",
    ("provisions/display.py", "none"): "the prose's word for no direction of power",
    ("report/article.py", "none"): "the prose's word for no unevaluated stance target",
    ("pipeline/stages.py", "corpus"): "the name of the build stage that segments the corpus",
}


def string_literals(path: Path) -> list[tuple[str, int]]:
    """Every string constant of a module that is not a docstring, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [(node.value, node.lineno) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


def test_no_codebook_id_or_schema_enum_value_is_a_literal_in_the_package():
    codebook = load_codebook()
    terms = {*codebook.frames, *codebook.voices, *codebook.targets, *codebook.power_directions}
    terms.update(value for resource in descriptor()["resources"]
                 for field in resource.get("schema", {}).get("fields", [])
                 for value in field.get("constraints", {}).get("enum", []))
    # A value that is also a column name (source-accuracy counts each verdict in a
    # column of its name) cannot be told from the column by its spelling.
    terms -= {field["name"] for resource in descriptor()["resources"]
              for field in resource.get("schema", {}).get("fields", [])} | {""}
    found = [f"{module}:{line}: {text!r}" for path in sorted(PACKAGE.rglob("*.py"))
             for text, line in string_literals(path)
             if text in terms
             and ((module := path.relative_to(PACKAGE).as_posix()), text) not in OTHER_MEANINGS]
    assert found == []


def test_string_literals_skip_docstrings_only(tmp_path):
    module = tmp_path / "module.py"
    module.write_text('"""in force"""\n\ndef f():\n    """proposal"""\n    return "external"\n',
                      encoding="utf-8")
    assert string_literals(module) == [("external", 5)]


def test_the_stance_range_is_the_codebook_scale():
    assert vocabulary.STANCE_RANGE == (min(load_codebook().stance_levels),
                                       max(load_codebook().stance_levels))
