"""How to cite the study: ``CITATION.cff`` and the changelog.

The version lives in one place, ``CITATION.cff``; the report's title block,
its "How to cite" section and the release command all read it from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from kzreform.core.errors import DataValidationError
from kzreform.core.paths import ROOT, relative

CITATION = ROOT / "CITATION.cff"
CHANGELOG = ROOT / "CHANGELOG.md"
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
    do not crowd the table of contents. A Quarto shortcode the changelog
    names (``{{< meta ... >}}``) is escaped, so the page prints it as written
    instead of running it.
    """
    blocks = []
    for entry in changelog_entries(path):
        title = entry["version"] + (f" ({entry['date']})" if entry["date"] else "")
        text = re.sub(r"^#+[ \t]*(.+?)[ \t]*$", r"**\1**", entry["text"], flags=re.MULTILINE)
        text = text.replace("{{<", "{{{<").replace(">}}", ">}}}")
        blocks.append(f"{'#' * heading_level} {title} {{.unnumbered}}\n\n{text}")
    return "\n\n".join(blocks)
