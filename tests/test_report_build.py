"""The helpers behind the report: generated includes, HTML cleaning, data dictionary."""

from __future__ import annotations

import json

import yaml

from kzreform.core import codebook
from kzreform.core.paths import DATAPACKAGE
from kzreform.report import article, assets, dictionary, environment, supplement
from kzreform.report import citation as report_citation
from kzreform.report.rendered_html import fix_rendered_pages, remove_jupyter_cdn_scripts

QUARTO_WIDGET_HEAD_CDNJS = (
    '<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js" '
    'integrity="sha512-abc" crossorigin="anonymous"></script>\n'
    '<script src="https://cdnjs.cloudflare.com/ajax/libs/jquery/3.5.1/jquery.min.js" '
    'integrity="sha512-def" crossorigin="anonymous" data-relocate-top="true"></script>\n'
    '<script type="application/javascript" data-relocate-top="true">'
    "define('jquery', [],function() {return window.jQuery;})</script>\n")
QUARTO_WIDGET_HEAD_JSDELIVR = (
    '<script src="https://cdn.jsdelivr.net/npm/requirejs@2.3.6/require.min.js" '
    'integrity="sha384-abc" crossorigin="anonymous"></script>\n'
    '<script src="https://cdn.jsdelivr.net/npm/jquery@3.5.1/dist/jquery.min.js" '
    'integrity="sha384-def" crossorigin="anonymous" data-relocate-top="true"></script>\n'
    "<script type=\"application/javascript\">define('jquery', [],function() {return window.jQuery;})</script>\n")
OWN_SCRIPT = '<script src="site_libs/quarto-html/quarto.js"></script>\n<script>window.x = 1;</script>\n'


def test_cdn_require_and_jquery_are_removed_in_both_quarto_variants():
    for head in (QUARTO_WIDGET_HEAD_CDNJS, QUARTO_WIDGET_HEAD_JSDELIVR):
        html = f"<html><head>{head}{OWN_SCRIPT}</head><body></body></html>"
        cleaned = remove_jupyter_cdn_scripts(html)
        assert "require" not in cleaned and "jquery" not in cleaned.lower()
        assert OWN_SCRIPT in cleaned


def test_html_without_cdn_scripts_is_left_alone():
    html = f"<html><head>{OWN_SCRIPT}<script>define('jquery', [],function() {{return window.jQuery;}})</script></head></html>"
    assert remove_jupyter_cdn_scripts(html) == html


def test_fix_rendered_pages_rewrites_only_affected_html(tmp_path):
    (tmp_path / "report").mkdir()
    dirty = tmp_path / "report" / "index.html"
    dirty.write_text(f"<head>{QUARTO_WIDGET_HEAD_JSDELIVR}</head>", encoding="utf-8")
    clean = tmp_path / "report" / "other.html"
    clean.write_text("<head></head>", encoding="utf-8")
    (tmp_path / "report" / "index.pdf").write_bytes(b"%PDF")
    assert fix_rendered_pages(tmp_path) == [dirty]
    assert dirty.read_text(encoding="utf-8") == "<head></head>"
    assert fix_rendered_pages(tmp_path) == []


def test_fix_rendered_pages_given_the_pages_a_render_wrote_reads_no_other(tmp_path):
    """Two Quarto processes render side by side: each fixes only what it wrote."""
    (tmp_path / "report").mkdir()
    written = tmp_path / "report" / "index.html"
    written.write_text(f"<head>{QUARTO_WIDGET_HEAD_JSDELIVR}</head>", encoding="utf-8")
    being_written = tmp_path / "report" / "supplement.html"
    being_written.write_text(f"<head>{QUARTO_WIDGET_HEAD_JSDELIVR}", encoding="utf-8")
    pdf = tmp_path / "report" / "index.pdf"
    pdf.write_bytes(b"%PDF")
    assert fix_rendered_pages(tmp_path, [written, pdf]) == [written]
    assert being_written.read_text(encoding="utf-8") == f"<head>{QUARTO_WIDGET_HEAD_JSDELIVR}"
    assert pdf.read_bytes() == b"%PDF"


def test_notebook_pages_send_evidence_links_to_the_report(tmp_path):
    (tmp_path / "report").mkdir()
    (tmp_path / "analysis").mkdir()
    report_page = tmp_path / "report" / "index.html"
    report_page.write_text('<a href="#ev-x-p01">x</a><div id="ev-x-p01"></div>', encoding="utf-8")
    notebook_page = tmp_path / "analysis" / "01-nb.html"
    notebook_page.write_text('<a href="#ev-x-p01">x</a>', encoding="utf-8")
    assert fix_rendered_pages(tmp_path) == [notebook_page]
    assert notebook_page.read_text(encoding="utf-8") == \
        '<a href="../report/index.html#ev-x-p01">x</a>'


def test_vega_bundle_include_defines_vega_embed_in_its_own_scope():
    include = assets.vega_bundle_include()
    assert include.startswith('<script type="text/javascript">\n(function () {\n')
    assert include.rstrip().endswith("})();\n</script>")
    assert "window.vegaEmbed=" in include
    assert include.count("</script") == 1


def test_report_assets_are_written_from_citation_cff(tmp_path):
    written = assets.write_report_assets(out_dir=tmp_path)
    assert sorted(path.name for path in written) == sorted(
        ["release.yml", "vega-bundle.html", "article.yml",
         *(f"{stem}.md" for stem in article.article_blocks() | supplement.supplement_blocks())])
    values = yaml.safe_load((tmp_path / "article.yml").read_text(encoding="utf-8"))
    assert values == {"article": article.article_values()}, "the values as Quarto reads them"
    metadata = yaml.safe_load((tmp_path / "release.yml").read_text(encoding="utf-8"))
    citation = report_citation.load_citation()
    assert metadata["version"] == citation.version
    assert metadata["subtitle"].startswith(f"Version {citation.version}")
    assert metadata["commit"]


def test_data_dictionary_lists_every_field_with_its_rules(tmp_path):
    descriptor = tmp_path / "datapackage.json"
    descriptor.write_text(json.dumps({"resources": [
        {"name": "raw", "path": "raw/a.txt", "type": "text"},
        {"name": "codes", "path": "codes.csv", "description": "Codes.", "schema": {
            "primaryKey": ["code_id"],
            "fields": [
                {"name": "code_id", "type": "string", "description": "Id.",
                 "constraints": {"required": True, "unique": True}},
                {"name": "stance", "type": "string", "description": "Stance.",
                 "constraints": {"enum": ["for", "against"]}},
                {"name": "count", "type": "integer", "constraints": {"minimum": 0}},
                {"name": "day", "type": "string", "constraints": {"pattern": r"^\d{4}-\d{2}$"}},
                {"name": "id", "type": "string",
                 "constraints": {"pattern": r"^[a-z0-9]+(-[a-z0-9]+)*-p\d{2,}(-[a-z]+)?$"}},
            ]}},
    ]}), encoding="utf-8")
    table = dictionary.data_dictionary(tmp_path)
    assert table.to_dict("records") == [
        {"Table": "codes", "Field": "code_id", "Type": "string", "Description": "Id.",
         "Rules": "primary key; required; unique"},
        {"Table": "codes", "Field": "stance", "Type": "string", "Description": "Stance.",
         "Rules": "one of: for, against"},
        {"Table": "codes", "Field": "count", "Type": "integer", "Description": "",
         "Rules": "minimum 0"},
        {"Table": "codes", "Field": "day", "Type": "string", "Description": "",
         "Rules": r"pattern ^\d{4}-\d{2}$"},
        {"Table": "codes", "Field": "id", "Type": "string", "Description": "",
         "Rules": "pattern (see datapackage.json)"},
    ]
    files = dictionary.data_tables(tmp_path)
    assert files["File"].tolist() == ["data/raw/a.txt", "data/codes.csv"]


def test_data_dictionary_covers_the_real_data_package():
    table = dictionary.data_dictionary()
    descriptor = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    fields = sum(len(r["schema"]["fields"]) for r in descriptor["resources"] if "schema" in r)
    assert len(table) == fields
    assert table["Description"].str.len().gt(0).all(), "a field of the data package has no description"


def test_environment_table_reports_pinned_and_installed_versions(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# pins\nPyYAML==6.0.3\nno-such-package-kz==1.0\n-r other.txt\n",
                            encoding="utf-8")
    table = environment.environment_table(requirements)
    rows = {row["Package"]: row for row in table.to_dict("records")}
    assert list(rows) == ["Python", "no-such-package-kz", "PyYAML"]
    assert rows["no-such-package-kz"]["Installed"] == "not installed"
    assert rows["PyYAML"]["Pinned"] == "6.0.3" and rows["PyYAML"]["Installed"]


def test_source_commit_names_a_commit():
    commit = environment.source_commit()
    assert commit == "not a git checkout" or len(commit.split()[0]) == 40


def test_codebook_tables_show_every_frame_stance_level_and_voice():
    document = yaml.safe_load(codebook.CODEBOOK.read_text(encoding="utf-8"))
    tables = dictionary.codebook_tables()
    assert tables["frames"]["Frame"].tolist() == [f["label"] for f in document["frames"]]
    assert tables["stance"]["Value"].tolist() == [l["value"] for l in document["stance"]["levels"]]
    assert tables["voices"]["Voice"].tolist() == [v["label"] for v in document["voices"]]
    assert tables["frames"]["Definition"].str.len().gt(0).all()
