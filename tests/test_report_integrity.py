"""The report's source is consistent without rendering it (no Quarto needed).

Every embed points at a notebook cell with stored output, every cross-reference
and citation resolves, the Quarto configuration names files that exist (or
that `kzreform report-assets` writes), every embedded chart exports to static
images, and the article runs no code: every value it quotes and every block it
includes is written by `kzreform report-assets`.
"""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from collections import Counter

import pandas as pd
import pytest
import vl_convert
import yaml
from report_source import (
    ARTICLE,
    BIBLIOGRAPHY,
    EMBED,
    QUARTO_PROJECT,
    SUPPLEMENT,
    article_code_cells,
    citation_keys,
    cross_references,
    defined_labels,
    embeds,
    front_matter_and_body,
    included_blocks,
    inline_expressions,
    labelled_cells,
    output_data,
    prose,
    quoted_values,
    vega_lite_spec,
)

from kzreform.core.data import load_table
from kzreform.core.paths import DATA, DATAPACKAGE, ROOT
from kzreform.corpus.segment import quote_in_text
from kzreform.provisions.rules import bibliography_keys
from kzreform.report import article, assets, supplement

EMBEDS = embeds()
CHART_EMBEDS = [embed for embed in EMBEDS if embed.label.startswith("fig-")]


def test_article_embeds_notebook_outputs():
    assert EMBEDS, f"{ARTICLE.name} embeds no notebook output"
    assert len({(e.notebook, e.label) for e in EMBEDS}) == len(EMBEDS), "an output is embedded twice"


@pytest.mark.parametrize("embed", EMBEDS, ids=lambda e: f"{e.notebook.name}#{e.label}")
def test_embed_target_exists_with_output_and_caption(embed):
    assert embed.notebook.is_file(), f"{ARTICLE.name}: embedded notebook {embed.notebook} missing"
    cells = labelled_cells(embed.notebook)
    assert embed.label in cells, f"{embed.notebook.name} has no cell labelled {embed.label!r}"
    cell = cells[embed.label]
    assert output_data(cell), f"{embed.notebook.name}#{embed.label}: no stored output to embed"
    kind = embed.label.split("-")[0]
    if kind in ("fig", "tbl"):
        assert f"#| {kind}-cap:" in cell.source, \
            f"{embed.notebook.name}#{embed.label}: no {kind}-cap, so no numbered caption"


@pytest.mark.parametrize("embed", [e for e in EMBEDS if e.label.startswith("tbl-")],
                         ids=lambda e: f"{e.notebook.name}#{e.label}")
def test_embedded_tables_are_report_tables_without_a_row_index(embed):
    """The HTML page shows the table as report_table writes it; a report table has no index."""
    html = output_data(labelled_cells(embed.notebook)[embed.label]).get("text/html", "")
    assert re.search(r"<table", html, re.IGNORECASE), \
        f"{embed.notebook.name}#{embed.label}: output has no HTML table"
    assert re.search(r'class="kz-table[ "]', html), \
        f"{embed.notebook.name}#{embed.label}: not shown with kzreform.report.tables.report_table"
    assert "<th></th>" not in html and 'class="dataframe"' not in html


def test_cell_labels_are_unique_across_notebooks():
    labels = Counter()
    for notebook in sorted((ROOT / "analysis").glob("*.ipynb")):
        labels.update(list(labelled_cells(notebook)))
    labels.update(options["label"] for options, _ in article_code_cells() if "label" in options)
    assert [label for label, count in labels.items() if count > 1] == []


def test_every_cross_reference_resolves():
    references = cross_references()
    assert references, "the article cross-references nothing"
    assert sorted(references - defined_labels()) == []


def test_every_embedded_figure_and_table_is_referred_to_in_the_text():
    unreferenced = {e.label for e in EMBEDS if e.label.split("-")[0] in ("fig", "tbl")}
    assert sorted(unreferenced - cross_references()) == []


def test_every_citation_key_is_in_the_bibliography():
    keys = citation_keys()
    assert keys, "the article cites nothing"
    assert sorted(keys - set(bibliography_keys())) == []


def test_bibliography_keys_are_unique():
    keys = Counter(bibliography_keys())
    assert keys, f"{BIBLIOGRAPHY.name} has no entries"
    assert [key for key, count in keys.items() if count > 1] == []


def test_data_citation_keys_are_in_the_bibliography():
    """Tables whose 'reference' field cites a source name a key of references.bib."""
    descriptor = yaml.safe_load(DATAPACKAGE.read_text(encoding="utf-8"))
    known = set(bibliography_keys())
    cited = []
    for resource in descriptor["resources"]:
        fields = [f["name"] for f in resource.get("schema", {}).get("fields", [])]
        if "reference" in fields:
            table = pd.read_csv(DATA / resource["path"], dtype=str, keep_default_na=False)
            cited += [(resource["path"], key) for key in table["reference"] if key]
    assert [(path, key) for path, key in cited if key not in known] == []


def test_quarto_project_parses_and_names_existing_files(tmp_path):
    config = yaml.safe_load(QUARTO_PROJECT.read_text(encoding="utf-8"))
    assert config["project"]["type"] == "default"
    assert config["project"]["output-dir"] == "_output"
    assert (ROOT / "report" / "index.qmd").is_file()
    html = config["format"]["html"]
    assert html["embed-resources"] is True
    assert "typst" in config["format"]
    # The article's code reads the data (evidence, data dictionary): a frozen
    # result would go stale when the data changes and its source does not.
    assert "freeze" not in config.get("execute", {})
    assert sorted(config["project"]["render"]) == ["analysis/*.ipynb", "report/index.qmd",
                                                   "report/supplement.qmd"]
    generated = [config["metadata-files"], html["include-in-header"]]
    written = {path.name for path in assets.write_report_assets(out_dir=tmp_path)}
    for path in (p for group in generated for p in group):
        target = ROOT / path
        assert target.is_file() or (
            target.parent == assets.GENERATED and target.name in written), \
            f"_quarto.yml names {path}, which neither exists nor is written by report-assets"


def test_quarto_post_render_step_runs_with_a_bare_python(tmp_path):
    """Quarto runs a .py step with its own Python: the step must not need the venv."""
    config = yaml.safe_load(QUARTO_PROJECT.read_text(encoding="utf-8"))
    for step in config["project"]["post-render"]:
        assert step.endswith(".py") and (ROOT / step).is_file()
        page = tmp_path / "report" / "index.html"
        page.parent.mkdir()
        page.write_text('<script src="https://cdn.jsdelivr.net/npm/requirejs@2.3.6/require.min.js">'
                        "</script><p>x</p>", encoding="utf-8")
        # -I: isolated mode, no site-packages of the venv, no PYTHONPATH.
        result = subprocess.run(
            [sys.base_prefix + "/bin/python3", "-I", str(ROOT / step)], cwd=ROOT,
            env={"QUARTO_PROJECT_OUTPUT_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
            capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        assert page.read_text(encoding="utf-8") == "<p>x</p>"


def test_article_front_matter_names_existing_files():
    front, _ = front_matter_and_body()
    assert (ARTICLE.parent / front["bibliography"]).resolve() == BIBLIOGRAPHY
    assert BIBLIOGRAPHY.is_file()



def test_the_article_links_the_page_of_every_notebook_it_embeds():
    """Quarto's previews are off (they would be dead links); the article links the pages."""
    front, body = front_matter_and_body()
    assert front.get("notebook-view") is False
    embedded = {(ARTICLE.parent / match["path"]).resolve() for match in EMBED.finditer(body)}
    linked = {(ARTICLE.parent / path).resolve().with_suffix(".ipynb")
              for path in re.findall(r"\]\((\.\./analysis/[^)#]+\.html)\)", body)}
    assert embedded and embedded <= linked
    assert all(path.is_file() for path in linked), "a link names a notebook that does not exist"


def test_no_line_of_the_article_starts_with_a_cross_reference_in_parentheses():
    """Pandoc reads "(@label)" at the start of a line as an example-list marker, "(1)"."""
    _, body = front_matter_and_body()
    assert re.findall(r"^\s*\(@\S+", body, flags=re.MULTILINE) == []


@pytest.mark.parametrize("page", [ARTICLE, SUPPLEMENT], ids=lambda page: page.name)
def test_the_report_pages_run_no_code(page):
    """Quarto would start a kernel and run a page's code once per output format."""
    assert article_code_cells(page) == [] and inline_expressions(page) == []


def test_every_block_the_supplement_includes_is_written_before_the_render():
    assert set(included_blocks(SUPPLEMENT)) == set(supplement.supplement_blocks())


def test_every_value_the_article_quotes_is_written_before_the_render():
    values = article.article_values()
    quoted = quoted_values()
    assert quoted, "the article quotes no generated value"
    for name in quoted:
        value = values
        for key in name.split("."):
            assert isinstance(value, dict) and key in value, \
                f"index.qmd quotes article.{name}; kzreform.report.article writes no such value"
            value = value[key]
        assert isinstance(value, (str, int)) and str(value).strip(), f"article.{name}: {value!r}"


def test_every_block_the_article_includes_is_written_before_the_render():
    blocks = article.article_blocks()
    assert set(included_blocks()) == set(blocks)
    assert "@software{" in blocks["how-to-cite"]
    front, _ = front_matter_and_body()
    assert [(ARTICLE.parent / path).resolve() for path in front["metadata-files"]] == \
        [assets.ARTICLE_VALUES.resolve()]


def test_article_states_no_hand_typed_counts():
    """Numbers in prose come from embeds or inline code, not typing (dates are allowed)."""
    text = re.sub(r"\[[^\]]*@[^\]]*\]", "", prose())   # citations may carry years
    text = re.sub(r"\{[^}]*\}", "", text)              # attributes, shortcodes
    text = re.sub(r"\b(1[89]|20)\d{2}\b", "", text)       # years
    text = re.sub(r"\b\d{1,2} (January|February|March|April|May|June|July|August|"
                  r"September|October|November|December)\b", "", text)
    text = re.sub(r"^\d+\. ", "", text, flags=re.MULTILINE)  # numbered list markers
    text = re.sub(r"\]\([^)]*\)", "]", text)                # link targets
    text = re.sub(r"Notebook \d+", "", text)                 # notebook names
    assert re.findall(r"\d[\d,.]*\s*(?:%|per ?cent|percent)?", text) == []


@pytest.mark.parametrize("embed", CHART_EMBEDS, ids=lambda e: f"{e.notebook.name}#{e.label}")
def test_embedded_chart_exports_to_static_images(embed):
    """The chart's stored output has a PNG (for Typst) and HTML whose spec vl-convert renders."""
    data = output_data(labelled_cells(embed.notebook)[embed.label])
    assert "image/png" in data and "text/html" in data, \
        f"{embed.notebook.name}#{embed.label}: chart not shown with kzreform.report.charts.show()"
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG\r\n\x1a\n")
    assert "image/svg+xml" not in data and "text/markdown" not in data, \
        "Quarto would prefer SVG or markdown over the PNG for Typst"
    spec = vega_lite_spec(data["text/html"])
    assert "<svg" in vl_convert.vegalite_to_svg(spec)
    assert vl_convert.vegalite_to_png(spec).startswith(b"\x89PNG")
    assert not re.search(r'"url"\s*:\s*"https?://', data["text/html"]), \
        "the chart loads data from the network"


# Phrases the report puts in quotation marks as its own terms, not as quotes.
OWN_PHRASES = {"not stated in the corpus", "not stated in the cited references"}


def test_quotations_in_the_prose_are_verbatim_from_the_corpus():
    """Words the article puts in quotation marks (three words or more) occur in a source."""
    def fold(text: str) -> str:
        return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')

    paragraphs = load_table("paragraphs")["text"].map(fold)
    quotes = [" ".join(q.split()) for q in re.findall(r'"([^"]+)"', fold(prose()))]
    quotes = [q for q in quotes
              if len(q.split()) >= 3 and q not in OWN_PHRASES]
    assert quotes, "the article quotes no source"
    assert [q for q in quotes if not any(quote_in_text(q, text) for text in paragraphs)] == []
