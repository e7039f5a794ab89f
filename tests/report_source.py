"""Read what the report's source refers to: embeds, labels, cross-references, citations.

Shared by the report tests; none of this needs the Quarto binary.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from kzreform.core.paths import REFERENCES, ROOT

QUARTO_PROJECT = ROOT / "_quarto.yml"
ARTICLE = ROOT / "report" / "index.qmd"
SUPPLEMENT = ROOT / "report" / "supplement.qmd"
BIBLIOGRAPHY = REFERENCES  # the package reads it (kzreform.provisions.rules.bibliography_keys)

EMBED = re.compile(r"\{\{<\s*embed\s+(?P<path>[^#\s>]+)#(?P<label>[^\s>]+)[^>]*>\}\}")
CROSS_REF = re.compile(r"(?<![\w@])@(?P<label>(?:fig|tbl|sec)-[A-Za-z0-9_-]*[A-Za-z0-9_])")
CITATION_KEY = re.compile(r"(?<![\w@])-?@(?P<key>[A-Za-z0-9_][\w:.#$%&+?<>~/-]*[\w])")
CELL_OPTION = re.compile(r"^#\|\s*(?P<name>[\w-]+)\s*:\s*(?P<value>.*?)\s*$", re.MULTILINE)
SECTION_ID = re.compile(r"^#+ .*\{[^}]*#(?P<id>sec-[A-Za-z0-9_-]+)[^}]*\}\s*$", re.MULTILINE)
FENCED_CODE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
ARTICLE_VALUE = re.compile(r"\{\{<\s*meta\s+article\.(?P<name>[^\s>]+)\s*>\}\}")
GENERATED_INCLUDE = re.compile(r"\{\{<\s*include\s+_generated/(?P<stem>[^\s>]+)\.md\s*>\}\}")


@dataclass(frozen=True)
class Embed:
    notebook: Path
    label: str


def front_matter_and_body(path: Path = ARTICLE) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?)\n---\n", text, re.DOTALL)
    if not match:
        return {}, text
    return yaml.safe_load(match.group(1)) or {}, text[match.end():]


def embeds(path: Path = ARTICLE) -> list[Embed]:
    _, body = front_matter_and_body(path)
    return [Embed((path.parent / m["path"]).resolve(), m["label"]) for m in EMBED.finditer(body)]


def cell_options(cell) -> dict[str, str]:
    return {m["name"]: m["value"].strip().strip('"') for m in CELL_OPTION.finditer(cell.source)}


@functools.lru_cache(maxsize=None)
def labelled_cells(notebook: Path) -> dict[str, "nbformat.NotebookNode"]:
    """Code cells by their ``#| label:`` option (read once per test session; do not modify)."""
    nb = nbformat.read(notebook, as_version=4)
    cells = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            label = cell_options(cell).get("label")
            if label:
                cells[label] = cell
    return cells


def article_code_cells(path: Path = ARTICLE) -> list[tuple[dict, str]]:
    """The article's own ```{python} cells: (options, code)."""
    _, body = front_matter_and_body(path)
    cells = []
    for match in re.finditer(r"^```\{python\}\n(.*?)^```", body, re.MULTILINE | re.DOTALL):
        source = match.group(1)
        options = {m["name"]: m["value"].strip().strip('"') for m in CELL_OPTION.finditer(source)}
        code = "\n".join(line for line in source.splitlines() if not line.startswith("#|"))
        cells.append((options, code))
    return cells


def inline_expressions(path: Path = ARTICLE) -> list[str]:
    """Inline code Quarto would run (`{python} ...`)."""
    _, body = front_matter_and_body(path)
    return re.findall(r"`\{python\}\s+([^`]+)`", FENCED_CODE.sub("", body))


def quoted_values(path: Path = ARTICLE) -> list[str]:
    """Names of the generated values the prose quotes: ``x.y`` of ``{{< meta article.x.y >}}``."""
    _, body = front_matter_and_body(path)
    return ARTICLE_VALUE.findall(body)


def included_blocks(path: Path = ARTICLE) -> list[str]:
    """Stems of the generated blocks the article includes (``_generated/<stem>.md``)."""
    _, body = front_matter_and_body(path)
    return GENERATED_INCLUDE.findall(body)


def prose(path: Path = ARTICLE) -> str:
    """The article without front matter, fenced code, embeds and inline code."""
    _, body = front_matter_and_body(path)
    body = FENCED_CODE.sub("", body)
    body = EMBED.sub("", body)
    return re.sub(r"`[^`]*`", "", body)


def cross_references(path: Path = ARTICLE) -> set[str]:
    return {m["label"] for m in CROSS_REF.finditer(prose(path))}


def citation_keys(path: Path = ARTICLE) -> set[str]:
    return {m["key"] for m in CITATION_KEY.finditer(prose(path))
            if not re.match(r"(fig|tbl|sec)-", m["key"])}


def defined_labels(path: Path = ARTICLE) -> set[str]:
    """Labels a cross-reference can point to: sections, own cells, embedded cells."""
    _, body = front_matter_and_body(path)
    labels = {m["id"] for m in SECTION_ID.finditer(body)}
    labels |= {options["label"] for options, _ in article_code_cells(path) if "label" in options}
    labels |= {embed.label for embed in embeds(path)}
    return labels


def vega_lite_spec(chart_html: str) -> dict:
    """The Vega-Lite spec inside a chart's HTML output (see kzreform.report.charts)."""
    call = chart_html.index("window.vegaEmbed(")
    start = chart_html.index("{", chart_html.index(",", call))
    # The spec is inline JSON ("</" written "<\\/", a valid JSON escape).
    spec, _ = json.JSONDecoder().raw_decode(chart_html, start)
    return spec


def output_data(cell) -> dict:
    """Mime type -> content for a cell's displayed outputs (joined if stored as lists)."""
    data = {}
    for output in cell.get("outputs", []):
        for mime, content in output.get("data", {}).items():
            data[mime] = "".join(content) if isinstance(content, list) else content
    return data
