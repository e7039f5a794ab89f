"""What the report shows about itself: version, citation, data dictionary, environment.

The version lives in one place, ``CITATION.cff``; the report's title block,
its "How to cite" section and the release command all read it from here.
"""

from __future__ import annotations

import importlib.metadata
import platform
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from .charts import vega_javascript_bundle
from .errors import DataValidationError
from .codebook import CODEBOOK, load_codebook
from .data import descriptor, read_yaml
from .paths import DATA, ROOT, relative

CITATION = ROOT / "CITATION.cff"
CHANGELOG = ROOT / "CHANGELOG.md"
REQUIREMENTS = ROOT / "requirements.txt"
GENERATED = ROOT / "report" / "_generated"
VEGA_BUNDLE_INCLUDE = GENERATED / "vega-bundle.html"
RELEASE_METADATA = GENERATED / "release.yml"

MAX_PATTERN_SHOWN = 24
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
# Keep a Changelog headings: "## [Unreleased]" or "## [1.2.3] - 2026-11-23".
CHANGELOG_HEADING = re.compile(
    r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Citation:
    """The citation metadata of one version of the report."""
    title: str
    version: str
    date_released: str | None
    authors: list[str]
    url: str | None
    doi: str | None
    license: str | None

    @property
    def year(self) -> str | None:
        """The release year, or None for an unreleased version."""
        return self.date_released[:4] if self.date_released else None


def _author_name(author: dict) -> str:
    if "name" in author:
        return author["name"]
    names = (author.get("given-names"), author.get("family-names"))
    return " ".join(part for part in names if part)


class _DatesAsStrings(yaml.SafeLoader):
    """YAML loader that keeps dates as written (CFF's schema types them as strings)."""


_DatesAsStrings.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_cff(path: Path = CITATION) -> dict:
    """``CITATION.cff`` as a mapping, dates kept as the strings the file holds."""
    try:
        cff = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_DatesAsStrings)
    except (OSError, yaml.YAMLError) as exc:
        raise DataValidationError(f"{relative(path)}: cannot be read as YAML ({exc})") from None
    if not isinstance(cff, dict):
        raise DataValidationError(f"{relative(path)}: not a YAML mapping")
    return cff


def load_citation(path: Path = CITATION) -> Citation:
    """The project's citation metadata, read from ``CITATION.cff``."""
    cff = load_cff(path)
    for field in ("title", "version", "authors"):
        if not cff.get(field):
            raise DataValidationError(f"{relative(path)}, field {field!r}: missing")
    version = str(cff["version"])
    if not SEMVER.match(version):
        raise DataValidationError(
            f"{relative(path)}, field 'version': {version!r} is not MAJOR.MINOR.PATCH")
    released = cff.get("date-released")
    return Citation(
        title=cff["title"], version=version,
        date_released=str(released) if released else None,
        authors=[_author_name(author) for author in cff["authors"]],
        url=cff.get("repository-code") or cff.get("url"),
        doi=cff.get("doi"), license=cff.get("license"),
    )


def citation_text(citation: Citation) -> str:
    """A plain-text reference for this version (author-date, like the report's style)."""
    year = citation.year or "Unreleased"
    authors = "; ".join(citation.authors)
    parts = [f"{authors}. {year}. *{citation.title}*. Version {citation.version}."]
    if citation.doi:
        parts.append(f"<https://doi.org/{citation.doi}>.")
    elif citation.url:
        parts.append(f"<{citation.url}>.")
    return " ".join(parts)


def citation_bibtex(citation: Citation) -> str:
    """A BibTeX ``@software`` entry for this version, keyed by name and version."""
    key = "kzreform-" + citation.version.replace(".", "-")
    fields = [
        ("author", " and ".join("{" + name + "}" for name in citation.authors)),
        ("title", "{" + citation.title + "}"),
        ("version", citation.version),
        ("year", citation.year),
        ("date", citation.date_released),
        ("doi", citation.doi),
        ("url", citation.url),
        ("note", None if citation.date_released else "Unreleased version"),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@software{{{key},\n{body}\n}}"


def changelog_entries(path: Path = CHANGELOG) -> list[dict]:
    """Each ``## [version] - date`` section of the changelog, newest first, with its text."""
    text = Path(path).read_text(encoding="utf-8")
    headings = list(CHANGELOG_HEADING.finditer(text))
    entries = []
    for heading, following in zip(headings, headings[1:] + [None]):
        end = following.start() if following else len(text)
        body = text[heading.end():end]
        # Link reference definitions ("[0.1.0]: https://...") close the file.
        body = re.sub(r"^\[[^\]]+\]:\s+\S+\s*$", "", body, flags=re.MULTILINE).strip()
        entries.append({"version": heading["version"], "date": heading["date"], "text": body})
    return entries


def changelog_entry(version: str, path: Path = CHANGELOG) -> dict | None:
    """The changelog entry of ``version``, or None."""
    return next((entry for entry in changelog_entries(path) if entry["version"] == version), None)


def changelog_markdown(path: Path = CHANGELOG, heading_level: int = 3) -> str:
    """The changelog's entries as markdown for the report's appendix.

    Each version becomes an unnumbered heading at ``heading_level``; the
    changelog's own "### Added"-style headings become bold lead-ins, so they
    do not crowd the table of contents.
    """
    blocks = []
    for entry in changelog_entries(path):
        title = entry["version"] + (f" ({entry['date']})" if entry["date"] else "")
        text = re.sub(r"^#+[ \t]*(.+?)[ \t]*$", r"**\1**", entry["text"], flags=re.MULTILINE)
        blocks.append(f"{'#' * heading_level} {title} {{.unnumbered}}\n\n{text}")
    return "\n\n".join(blocks)


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


def pinned_requirements(path: Path = REQUIREMENTS) -> dict[str, str]:
    """Package name -> pinned version, from the ``name==version`` lines of requirements.txt."""
    pins = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s;#]+)", line)
        if match:
            pins[match[1]] = match[2]
    return pins


def environment_table(path: Path = REQUIREMENTS) -> pd.DataFrame:
    """Pinned Python packages with the version installed where the report was built."""
    rows = [{"Package": "Python", "Pinned": "", "Installed": platform.python_version()}]
    for name, pinned in sorted(pinned_requirements(path).items(), key=lambda item: item[0].lower()):
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = "not installed"
        rows.append({"Package": name, "Pinned": pinned, "Installed": installed})
    return pd.DataFrame(rows, columns=["Package", "Pinned", "Installed"])


def source_commit(root: Path = ROOT) -> str:
    """The commit the working tree is at, marked when it has uncommitted changes."""
    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)

    head = git("rev-parse", "HEAD")
    if head.returncode != 0:
        return "not a git checkout"
    dirty = git("status", "--porcelain", "--untracked-files=no").stdout.strip()
    return head.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


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
    bundle = out_dir / VEGA_BUNDLE_INCLUDE.name
    metadata = out_dir / RELEASE_METADATA.name
    write_if_changed(bundle, vega_bundle_include())
    write_if_changed(metadata, (
        "# Generated from CITATION.cff by `python -m kzreform report-assets`; do not edit.\n"
        + yaml.safe_dump(release_metadata(load_citation(citation_path), source_commit()),
                         sort_keys=True)))
    return [bundle, metadata]
