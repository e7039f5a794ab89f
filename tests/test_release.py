"""The release command's checks and packaging, on a throwaway repository (no Quarto)."""

from __future__ import annotations

import hashlib
import subprocess
import zipfile
from pathlib import Path

import pytest

from kzreform import cli
from kzreform.core.errors import ReleaseError
from kzreform.workflows import release

VERSION = "1.2.3"
DAY = "2026-11-23"


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def project(tmp_path):
    """A committed git repository whose CITATION.cff and CHANGELOG.md are ready for VERSION."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "CITATION.cff").write_text(
        "cff-version: 1.2.0\nmessage: Cite this.\ntitle: A study\n"
        f"authors:\n  - name: A Lab\nversion: {VERSION}\ndate-released: {DAY}\n", encoding="utf-8")
    (root / "CHANGELOG.md").write_text(
        f"# Changelog\n\n## [Unreleased]\n\n## [{VERSION}] - {DAY}\n\n### Added\n\n- everything\n",
        encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "-c", "user.name=Test", "-c", "user.email=test@example.org",
        "commit", "-q", "-m", "release")
    return root


def check(root: Path, version: str = VERSION) -> None:
    release.check_release(version, root=root, citation_path=root / "CITATION.cff",
                          changelog_path=root / "CHANGELOG.md", releases=root / "releases")


def test_ready_release_passes_its_checks(project):
    check(project)


def test_version_must_be_the_one_in_citation_cff(project):
    with pytest.raises(ReleaseError, match="field 'version': '1.2.3', not '1.2.4'"):
        check(project, "1.2.4")


def test_version_must_be_semantic(project):
    with pytest.raises(ReleaseError, match="not MAJOR.MINOR.PATCH"):
        check(project, "1.2")


def test_release_date_is_required(project):
    cff = project / "CITATION.cff"
    cff.write_text(cff.read_text().replace(f"date-released: {DAY}\n", ""), encoding="utf-8")
    with pytest.raises(ReleaseError, match="date-released"):
        check(project)


def test_changelog_entry_is_required(project):
    changelog = project / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## [Unreleased]\n\n- everything\n", encoding="utf-8")
    with pytest.raises(ReleaseError, match=r"no '## \[1.2.3\] - YYYY-MM-DD' entry"):
        check(project)


def test_changelog_and_citation_dates_must_agree(project):
    changelog = project / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace(DAY, "2026-11-24"), encoding="utf-8")
    with pytest.raises(ReleaseError, match="dated '2026-11-24'"):
        check(project)


def test_uncommitted_changes_stop_a_release(project):
    (project / "notes.txt").write_text("draft\n", encoding="utf-8")
    with pytest.raises(ReleaseError, match="uncommitted changes"):
        check(project)


def test_existing_release_is_refused(project):
    (project / "releases" / VERSION).mkdir(parents=True)
    with pytest.raises(ReleaseError, match="already exists"):
        check(project)


@pytest.fixture
def rendered(tmp_path):
    """A fake Quarto output folder, and a data folder in a git repository as released."""
    output = tmp_path / "_output"
    (output / "report").mkdir(parents=True)
    (output / "analysis").mkdir()
    (output / "report" / "index.html").write_text("<html>report</html>\n", encoding="utf-8")
    (output / "report" / "index.pdf").write_bytes(b"%PDF-1.7 report\n")
    (output / "report" / "supplement.html").write_text("<html>supplement</html>\n",
                                                       encoding="utf-8")
    (output / "analysis" / "01-nb.html").write_text("<html>notebook</html>\n", encoding="utf-8")
    data = tmp_path / "data"
    (data / "processed").mkdir(parents=True)
    (data / "datapackage.json").write_text("{}\n", encoding="utf-8")
    (data / "processed" / "table.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("*.tmp\n.ipynb_checkpoints/\n_output/\n",
                                         encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "-c", "user.name=Test", "-c", "user.email=test@example.org",
        "commit", "-q", "-m", "data")
    # what a working copy collects beside the tracked data: never released
    (data / "processed" / "table.csv.tmp").write_text("half-written\n", encoding="utf-8")
    (data / ".ipynb_checkpoints").mkdir()
    (data / ".ipynb_checkpoints" / "x.csv").write_text("old\n", encoding="utf-8")
    (data / "untracked.csv").write_text("stray\n", encoding="utf-8")
    return output, data


def test_package_release_writes_report_data_and_checksums(tmp_path, rendered):
    output, data = rendered
    target = release.package_release(VERSION, output=output, data_dir=data,
                                     releases=tmp_path / "releases", root=tmp_path)
    names = sorted(path.relative_to(target).as_posix() for path in target.rglob("*")
                   if path.is_file())
    assert names == sorted(["report/index.html", "report/index.pdf", "report/supplement.html",
                            "analysis/01-nb.html",
                            f"data-{VERSION}.zip", "SHA256SUMS"])
    assert (target / "report" / "index.pdf").read_bytes() == b"%PDF-1.7 report\n"
    with zipfile.ZipFile(target / f"data-{VERSION}.zip") as archive:
        assert sorted(archive.namelist()) == [f"data-{VERSION}/datapackage.json",
                                              f"data-{VERSION}/processed/table.csv"]
        assert archive.read(f"data-{VERSION}/processed/table.csv") == b"a,b\n1,2\n"
    sums = dict(reversed(line.split("  ")) for line in
                (target / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
    assert set(sums) == set(names) - {"SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256((target / name).read_bytes()).hexdigest() == digest
    assert [p.name for p in (tmp_path / "releases").iterdir()] == [VERSION], "staging left behind"


def test_package_release_never_overwrites(tmp_path, rendered):
    output, data = rendered
    releases = tmp_path / "releases"
    release.package_release(VERSION, output=output, data_dir=data, releases=releases,
                            root=tmp_path)
    before = (releases / VERSION / "SHA256SUMS").read_text()
    (output / "report" / "index.html").write_text("<html>changed</html>\n", encoding="utf-8")
    with pytest.raises(ReleaseError, match="already exists"):
        release.package_release(VERSION, output=output, data_dir=data, releases=releases,
                                root=tmp_path)
    assert (releases / VERSION / "SHA256SUMS").read_text() == before


def test_package_release_without_a_render_writes_nothing(tmp_path, rendered):
    output, data = rendered
    (output / "report" / "index.pdf").unlink()
    releases = tmp_path / "releases"
    with pytest.raises(ReleaseError, match="rendered report not found: .*index.pdf"):
        release.package_release(VERSION, output=output, data_dir=data, releases=releases,
                                root=tmp_path)
    assert not (releases / VERSION).exists()


def test_data_zip_is_reproducible(tmp_path, rendered):
    _, data = rendered
    files = release.tracked_files(data, tmp_path)
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    release.zip_files(files, data, first, "data")
    (data / "processed" / "table.csv").touch()  # a new mtime must not change the bytes
    release.zip_files(files, data, second, "data")
    assert first.read_bytes() == second.read_bytes()


def test_only_tracked_data_files_are_released(tmp_path, rendered):
    _, data = rendered
    assert release.tracked_files(data, tmp_path) == [data / "datapackage.json",
                                                     data / "processed" / "table.csv"]


def test_release_checks_run_and_say_what_they_checked_before_quarto(project):
    lines = release.check_release(VERSION, root=project, citation_path=project / "CITATION.cff",
                                  changelog_path=project / "CHANGELOG.md",
                                  releases=project / "releases")
    assert any(f"version {VERSION}" in line for line in lines)
    assert any("working tree is clean" in line for line in lines)


def test_make_release_checks_before_it_installs_or_needs_quarto():
    makefile = (release.ROOT / "Makefile").read_text(encoding="utf-8")
    target = makefile[makefile.index("\nrelease:"):]
    recipe = target.split("\n\n")[0]
    assert "quarto" not in recipe.splitlines()[0], "release must not depend on the quarto target"
    assert recipe.index("release --check") < recipe.index("$(RENDER_INSTALLED)")


def test_release_without_quarto_says_the_checks_passed(monkeypatch):
    monkeypatch.setattr(release.shutil, "which", lambda name: None)
    with pytest.raises(ReleaseError, match="the release checks passed, but rendering needs "
                                           "Quarto"):
        release.render_report()


def test_a_tag_must_be_v_and_the_version_in_citation_cff(project):
    citation = project / "CITATION.cff"
    assert release.check_tag(f"v{VERSION}", citation) == VERSION
    for tag in ("v1.2.4", VERSION, f"v{VERSION}-rc1", "release-1.2.3", ""):
        with pytest.raises(ReleaseError,
                           match=r"does not match .*CITATION.cff, which has version .1.2.3."):
            release.check_tag(tag, citation)


def test_release_notes_are_the_changelog_entry(project):
    changelog = project / "CHANGELOG.md"
    assert release.release_notes(VERSION, changelog) == "### Added\n\n- everything"
    with pytest.raises(ReleaseError, match=r"no '## \[9.9.9\] - YYYY-MM-DD' entry"):
        release.release_notes("9.9.9", changelog)
    changelog.write_text(f"# Changelog\n\n## [{VERSION}] - {DAY}\n\n", encoding="utf-8")
    with pytest.raises(ReleaseError, match="says nothing"):
        release.release_notes(VERSION, changelog)


def test_cli_checks_a_tag_against_the_real_citation_cff(capsys):
    version = release.load_citation().version
    assert cli.main(["release", "--check-tag", f"v{version}"]) == 0
    assert f"tag v{version} is version {version}" in capsys.readouterr().out
    assert cli.main(["release", "--check-tag", f"v{version}.1"]) == 1
    assert "does not match CITATION.cff" in capsys.readouterr().err


def test_cli_prints_the_changelog_entry_of_a_version(project, monkeypatch, capsys):
    notes = release.release_notes
    monkeypatch.setattr(release, "release_notes",
                        lambda version: notes(version, project / "CHANGELOG.md"))
    assert cli.main(["changelog", VERSION]) == 0
    assert capsys.readouterr().out == "### Added\n\n- everything\n"
    assert cli.main(["changelog", "9.9.9"]) == 1
    assert "no '## [9.9.9]" in capsys.readouterr().err
