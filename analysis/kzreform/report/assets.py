"""Files the render reads, written before it.

The version metadata, the Vega bundle, and the values and blocks the article
and the supplement show (:mod:`kzreform.report.article`,
:mod:`kzreform.report.supplement`). The version lives in one place,
``CITATION.cff`` (:mod:`kzreform.report.citation`).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from kzreform.core.errors import DataValidationError
from kzreform.core.paths import ROOT
from kzreform.report.article import article_blocks, article_values
from kzreform.report.charts import vega_javascript_bundle
from kzreform.report.citation import CITATION, Citation, load_citation
from kzreform.report.environment import source_commit
from kzreform.report.supplement import supplement_blocks

GENERATED = ROOT / "report" / "_generated"
VEGA_BUNDLE_INCLUDE = GENERATED / "vega-bundle.html"
RELEASE_METADATA = GENERATED / "release.yml"
ARTICLE_VALUES = GENERATED / "article.yml"


def vega_bundle_include() -> str:
    """Vega, Vega-Lite and Vega-Embed as one inline <script> for the HTML page head.

    The bundle declares top-level constants; the function wrapper keeps them out
    of the page's global scope, where they could clash with other scripts. It
    still sets ``window.vegaEmbed``, which the charts' HTML calls.
    """
    bundle = vega_javascript_bundle()
    if "</script" in bundle.lower():
        raise DataValidationError("vl-convert's JavaScript bundle contains '</script'; "
                                  "it cannot be inlined in an HTML page")
    return f'<script type="text/javascript">\n(function () {{\n{bundle}\n}})();\n</script>\n'


def release_metadata(citation: Citation, commit: str) -> dict:
    """Title-block metadata for Quarto: version, release date once released, source commit."""
    metadata = {"version": citation.version, "commit": commit}
    if citation.date_released:
        metadata["subtitle"] = f"Version {citation.version}"
        metadata["date"] = citation.date_released
    else:
        metadata["subtitle"] = f"Version {citation.version} (unreleased draft)"
    return metadata


def write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` unless the file already holds it, so its date tells when it changed.

    ``make report`` re-renders only when an input is newer than the report.
    """
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def write_report_assets(citation_path: Path = CITATION, out_dir: Path = GENERATED) -> list[Path]:
    """Write the generated files the Quarto project includes (git-ignored)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    texts = {
        VEGA_BUNDLE_INCLUDE.name: vega_bundle_include(),
        RELEASE_METADATA.name: (
            "# Generated from CITATION.cff by `python -m kzreform report-assets`; do not edit.\n"
            + yaml.safe_dump(release_metadata(load_citation(citation_path), source_commit()),
                             sort_keys=True)),
        ARTICLE_VALUES.name: (
            "# Generated from data/processed/ by `python -m kzreform report-assets`; do not edit.\n"
            + yaml.safe_dump({"article": article_values()}, sort_keys=True, allow_unicode=True,
                             width=float("inf"))),
        # Each block ends in one newline, so an include never runs into what follows.
        **{f"{stem}.md": block.rstrip("\n") + "\n"
           for stem, block in (article_blocks() | supplement_blocks()).items()},
    }
    paths = []
    for name, text in texts.items():
        write_if_changed(out_dir / name, text)
        paths.append(out_dir / name)
    return paths
