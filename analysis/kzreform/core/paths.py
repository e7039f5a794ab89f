"""Where the project's files live; tables are found by resource name (:mod:`kzreform.core.data`)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"
DATAPACKAGE = DATA / "datapackage.json"
CODING = DATA / "coding"
# The article, whose section ids a fact check may name, and its bibliography,
# whose keys an external claim cites: the build's rules read both.
REPORT = ROOT / "report" / "index.qmd"
REFERENCES = ROOT / "report" / "references.bib"
# Where Quarto writes the rendered report and notebook pages (_quarto.yml).
OUTPUT = ROOT / "_output"


def in_data_dir(path: Path, data_dir: Path) -> Path:
    """Where one of the paths above lies in another copy of data/ (a staged build, a test)."""
    return Path(data_dir) / Path(path).relative_to(DATA)


def relative(path: Path) -> str:
    """A path as the reader sees it in the repository (never machine-specific)."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return Path(path).as_posix()
