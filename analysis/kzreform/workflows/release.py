"""Cut a release: checks, render, then ``releases/X.Y.Z/`` with checksums.

A release is the rendered output as Quarto laid it out (``report/index.html``,
``report/index.pdf``, the supplement ``report/supplement.html`` and the notebook
pages ``analysis/*.html``, so that the links between them still work), a zip
of the files of ``data/`` that git tracks (nothing ignored or stray) and a
``SHA256SUMS`` file, for the version ``CITATION.cff`` holds. Nothing is written
unless every check passes, and an existing version is never replaced.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from kzreform.core.errors import ReleaseError
from kzreform.core.paths import DATA, OUTPUT, ROOT, relative
from kzreform.report.citation import CHANGELOG, CITATION, SEMVER, changelog_entry, load_citation

RELEASES = ROOT / "releases"
# What a release must hold of the render, relative to the output folder.
REPORT_FILES = ("report/index.html", "report/index.pdf", "report/supplement.html")
# Fixed timestamp for zip members, so the same data gives the same zip bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def check_release(version: str | None = None, root: Path = ROOT, citation_path: Path = CITATION,
                  changelog_path: Path = CHANGELOG, releases: Path = RELEASES) -> list[str]:
    """Raise :class:`ReleaseError` unless ``version`` can be released; say what was checked."""
    version = version or load_citation(citation_path).version
    if not SEMVER.match(version):
        raise ReleaseError(f"version {version!r} is not MAJOR.MINOR.PATCH")
    citation = load_citation(citation_path)
    if citation.version != version:
        raise ReleaseError(f"{relative(citation_path)}, field 'version': {citation.version!r}, "
                           f"not {version!r}; the version is set there, and only there")
    if not citation.date_released:
        raise ReleaseError(f"{relative(citation_path)}, field 'date-released': missing; "
                           "set it to the release date")
    entry = changelog_entry(version, changelog_path)
    if entry is None:
        raise ReleaseError(f"{relative(changelog_path)}: no '## [{version}] - YYYY-MM-DD' entry")
    if entry["date"] != citation.date_released:
        raise ReleaseError(
            f"{relative(changelog_path)}: entry [{version}] is dated {entry['date']!r} but "
            f"{relative(citation_path)} has date-released {citation.date_released!r}")
    if not entry["text"]:
        raise ReleaseError(f"{relative(changelog_path)}: entry [{version}] says nothing")
    if (releases / version).exists():
        raise ReleaseError(f"{relative(releases / version)} already exists; "
                           "a released version is never replaced")
    status = subprocess.run(["git", "status", "--porcelain"], cwd=root,
                            capture_output=True, text=True, check=False)
    if status.returncode != 0:
        raise ReleaseError(f"{root}: not a git checkout ({status.stderr.strip()})")
    if status.stdout.strip():
        raise ReleaseError("the working tree has uncommitted changes; commit them first:\n"
                           + status.stdout.rstrip())
    return [f"release check passed: version {version} in {relative(citation_path)}, "
            f"released {citation.date_released}",
            f"release check passed: {relative(changelog_path)} has an entry [{version}] "
            "with the same date",
            f"release check passed: {relative(releases / version)} does not exist yet",
            "release check passed: the working tree is clean (everything committed)"]


def check_tag(tag: str, citation_path: Path = CITATION) -> str:
    """The version a release tag names; :class:`ReleaseError` unless it is ``v`` + CITATION.cff's.

    The release workflow runs this first, so a tag that does not match the
    version the report and the citation show publishes nothing.
    """
    version = load_citation(citation_path).version
    if tag != f"v{version}":
        raise ReleaseError(f"tag {tag!r} does not match {relative(citation_path)}, which has "
                           f"version {version!r}: tag the release v{version}, or set the "
                           "version there first")
    return version


def release_notes(version: str, changelog_path: Path = CHANGELOG) -> str:
    """The text of the ``CHANGELOG.md`` entry of ``version`` (the GitHub release's notes)."""
    entry = changelog_entry(version, changelog_path)
    if entry is None:
        raise ReleaseError(f"{relative(changelog_path)}: no '## [{version}] - YYYY-MM-DD' entry")
    if not entry["text"]:
        raise ReleaseError(f"{relative(changelog_path)}: entry [{version}] says nothing")
    return entry["text"]


def render_report(root: Path = ROOT) -> None:
    """Render the project (report and notebook pages) into ``_output/``.

    The values and blocks the pages show are written afresh first, so the
    version metadata and the citation describe this release. (Imported here:
    the report's code brings Altair and the framing analysis, which the
    release checks never need.)
    """
    from kzreform.report.assets import write_report_assets

    quarto = shutil.which("quarto")
    if quarto is None:
        raise ReleaseError("the release checks passed, but rendering needs Quarto 1.7 or newer, "
                           "which is not on PATH; install it (README.md, 'Reading the report') "
                           "and run 'make release' again. Nothing was written.")
    write_report_assets()
    subprocess.run([quarto, "render"], cwd=root, check=True)


def tracked_files(folder: Path, root: Path = ROOT) -> list[Path]:
    """Files under ``folder`` that git tracks (never ignored or stray files), sorted."""
    listed = subprocess.run(["git", "ls-files", "-z", "--", str(Path(folder).resolve())],
                            cwd=root, capture_output=True, check=False)
    if listed.returncode != 0:
        raise ReleaseError(f"{root}: cannot list the files git tracks "
                           f"({listed.stderr.decode(errors='replace').strip()})")
    names = listed.stdout.decode("utf-8").split("\0")
    paths = [Path(root).resolve() / name for name in names if name]
    return sorted(path for path in paths if path.is_file())


def zip_files(files: list[Path], source: Path, target: Path, prefix: str) -> None:
    """Zip ``files`` (under ``source``) as ``prefix/...``, in sorted order with fixed dates."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            member = zipfile.ZipInfo(f"{prefix}/{path.relative_to(source).as_posix()}", ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            archive.writestr(member, path.read_bytes())


def sha256sums(directory: Path) -> str:
    """``sha256sum``-compatible lines for every file under ``directory`` (relative paths)."""
    lines = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        name = path.relative_to(directory).as_posix()
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {name}")
    return "\n".join(lines) + "\n"


def rendered_files(output: Path) -> list[Path]:
    """The report and the notebook pages of a finished render, relative to ``output``."""
    missing = [name for name in REPORT_FILES if not (output / name).is_file()]
    if missing:
        raise ReleaseError("rendered report not found: "
                           + ", ".join(relative(output / name) for name in missing)
                           + " (run `make report` first)")
    pages = sorted(path.relative_to(output) for path in (output / "analysis").glob("*.html"))
    return [Path(name) for name in REPORT_FILES] + pages


def package_release(version: str, output: Path = OUTPUT, data_dir: Path = DATA,
                    releases: Path = RELEASES, root: Path = ROOT) -> Path:
    """Write ``releases/<version>/`` from a finished render; never overwrite a release."""
    target = releases / version
    if target.exists():
        raise ReleaseError(f"{relative(target)} already exists; "
                           "a released version is never replaced")
    files = rendered_files(output)
    releases.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=releases))
    try:
        for name in files:
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(output / name, staging / name)
        zip_files(tracked_files(data_dir, root), data_dir.resolve(),
                  staging / f"data-{version}.zip", prefix=f"data-{version}")
        (staging / "SHA256SUMS").write_text(sha256sums(staging), encoding="utf-8")
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def release(version: str | None = None) -> Path:
    """Check, render and package the version in ``CITATION.cff`` (or ``version``)."""
    version = version or load_citation().version
    for line in check_release(version):
        print(line)
    render_report()
    print(f"rendered {relative(OUTPUT)}")
    return package_release(version)
