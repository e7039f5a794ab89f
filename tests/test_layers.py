"""The package's import rules (the layers its docstring draws) hold for every module (issue 20)."""

import ast
from pathlib import Path

import kzreform

PACKAGE = Path(kzreform.__file__).parent
# Lower layers never import higher ones; provisions and framing, one layer, not each other.
LAYER = {"core": 0, "corpus": 1, "provisions": 2, "framing": 2, "evidence": 3, "pipeline": 4,
         "report": 5, "workflows": 6, "cli": 7}
# Modules that only show what is stored: tables, charts, pages.
PRESENTATION_MODULES = {"display", "charts", "overview"}
# Layers that write or drive the data: presentation never imports them.
DRIVING_LAYERS = {"pipeline", "workflows", "cli"}


def module_name(path: Path, package: Path = PACKAGE) -> str:
    """``corpus.segment`` for ``kzreform/corpus/segment.py``."""
    parts = path.relative_to(package).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, package: Path = PACKAGE) -> set[str]:
    """The package's modules a file imports, anywhere in it (``from kzreform.x import y``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import; the package imports absolutely")
        if isinstance(node, ast.Import):
            found |= {alias.name.removeprefix("kzreform.") for alias in node.names
                      if alias.name.startswith("kzreform.")}
        elif isinstance(node, ast.ImportFrom) and node.module and (
                node.module == "kzreform" or node.module.startswith("kzreform.")):
            # "from kzreform.x import y": y may be a module; "from kzreform import x": x is.
            module = node.module.removeprefix("kzreform").removeprefix(".")
            for alias in node.names:
                candidate = f"{module}.{alias.name}".lstrip(".")
                is_module = (not module or (package / Path(*candidate.split(".")))
                             .with_suffix(".py").exists())
                found.add(candidate if is_module else module)
    return found


def layer(module: str) -> str:
    return module.split(".")[0]


def is_presentation(module: str) -> bool:
    return layer(module) == "report" or module.split(".")[-1] in PRESENTATION_MODULES


def is_builder(module: str) -> bool:
    return module.split(".")[-1] == "build" or layer(module) in DRIVING_LAYERS


def violation(importer: str, imported: str) -> str | None:
    """Why ``importer`` may not import ``imported``, or None if it may."""
    if is_presentation(importer):
        return "presentation imports a builder" if is_builder(imported) else None
    if layer(importer) in ("workflows", "cli"):
        return None  # the top: it drives everything below it
    if is_presentation(imported):
        return "domain code imports presentation"
    if layer(importer) == layer(imported):
        return None
    if LAYER[layer(imported)] > LAYER[layer(importer)]:
        return "a lower layer imports a higher one"
    if LAYER[layer(imported)] == LAYER[layer(importer)]:
        return "one domain imports another of its layer"
    return None


def test_every_module_sits_in_a_known_layer():
    assert {layer(module_name(path)) for path in PACKAGE.rglob("*.py")} - {""} - {"__main__"} \
        == set(LAYER)


def test_no_module_breaks_the_import_rules():
    broken = [f"{module_name(path)} -> {imported}: {reason}"
              for path in sorted(PACKAGE.rglob("*.py")) if module_name(path) not in ("", "__main__")
              for imported in sorted(imported_modules(path))
              if (reason := violation(module_name(path), imported))]
    assert broken == []


def test_the_rules_catch_each_kind_of_violation():
    assert violation("core.data", "corpus.segment") == "a lower layer imports a higher one"
    assert violation("framing.analysis", "provisions.matrix") == (
        "one domain imports another of its layer")
    assert violation("corpus.rules", "corpus.overview") == "domain code imports presentation"
    assert violation("pipeline.results", "report.tables") == "domain code imports presentation"
    assert violation("framing.display", "framing.build") == "presentation imports a builder"
    assert violation("report.tables", "pipeline.stages") == "presentation imports a builder"
    assert violation("framing.charts", "framing.analysis") is None
    assert violation("provisions.display", "evidence.quotes") is None
    assert violation("workflows.release", "report.assets") is None
    assert violation("evidence.build", "corpus.segment") is None


def test_imports_are_read_from_anywhere_in_a_module(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "segment.py").write_text("", encoding="utf-8")
    module = tmp_path / "core.py"
    module.write_text("def f():\n    from kzreform.corpus import segment\n"
                      "    import kzreform.pipeline.build\n"
                      "    from kzreform import workflows\n", encoding="utf-8")
    assert imported_modules(module, tmp_path) == {"corpus.segment", "pipeline.build",
                                                  "workflows"}
