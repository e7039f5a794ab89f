"""Where the project's files live, relative to the repository root."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
DATAPACKAGE = DATA / "datapackage.json"
SOURCES = DATA / "metadata" / "sources.csv"
SOURCE_PROVENANCE = DATA / "metadata" / "source_provenance.csv"
BOILERPLATE_RULES = DATA / "rules" / "boilerplate.csv"
EVENTS = DATA / "metadata" / "events.csv"
PROCESSED = DATA / "processed"
CODING = DATA / "coding"
PARAGRAPHS = PROCESSED / "paragraphs.csv"
REMOVED_TEXT = PROCESSED / "removed_text.csv"
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
