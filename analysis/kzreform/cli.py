"""Command line: ``python -m kzreform COMMAND`` (build, validate, add-source, notebooks, ...)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kzreform.core import transaction
from kzreform.core.data import DERIVED_FOLDER, DESCRIPTOR
from kzreform.core.errors import DataValidationError, ReleaseError, shown
from kzreform.core.paths import DATA, relative
from kzreform.core.settings import DEFAULT_PROFILE, PROFILE_VARIABLE, selected_profile
from kzreform.pipeline.stages import STAGE_NAMES, STAGES

# Each command imports what it runs when it runs: the builders and validation
# bring pandas, Frictionless and scikit-learn, the notebook, report and release
# commands Jupyter, Altair and their JSON-schema stack (seconds in all), which
# a command such as `release --check-tag` or `stages` never needs.


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kzreform", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("build", "validate inputs and regenerate data/processed/"),
                       ("validate", "finish any interrupted write, then validate the data"),
                       ("schema", "regenerate data/datapackage.json from data/schema/ and the "
                                  "codebook")):
        command = commands.add_parser(name, help=text)
        command.add_argument("--data-dir", type=Path, help="data directory (default: data/)")
    commands.choices["build"].add_argument(
        "--unless-current", action="store_true",
        help="build nothing if the build record says the derived tables are what a build "
             "would write now (the inputs, the code, the profile and the tables unchanged)")
    commands.choices["build"].add_argument(
        "--only", choices=STAGE_NAMES, metavar="STAGE",
        help="rebuild this stage and the stages that read what it makes "
             f"({', '.join(STAGE_NAMES)}; 'kzreform stages' lists them)")
    commands.add_parser("stages", help="list the build stages in order, with what each makes")
    run = commands.add_parser("notebooks", help="execute notebooks in place")
    run.add_argument("paths", nargs="+", type=Path)
    run.add_argument("--unless-current", action="store_true",
                     help="leave a notebook whose code and data are those it was last "
                          "executed with (recorded in its metadata)")
    commands.add_parser("report-assets",
                        help="write report/_generated/ (Vega JavaScript, version metadata)")
    cut = commands.add_parser("release", help="check, render and write releases/X.Y.Z/")
    cut.add_argument("version", nargs="?", help="must equal the version in CITATION.cff")
    cut.add_argument("--check", action="store_true",
                     help="only run the release checks (no Quarto needed)")
    cut.add_argument("--check-tag", metavar="TAG",
                     help="only check that TAG is v + the version in CITATION.cff")
    notes = commands.add_parser(
        "changelog", help="print the CHANGELOG.md entry of a version (the release notes)")
    notes.add_argument("version", help="a version with a dated entry, e.g. 0.1.0")
    add = commands.add_parser(
        "add-source", help="add a text and its metadata, rebuild, auto-code it (not hand-coded)")
    add.add_argument("text", type=Path, help="UTF-8 text file of the new document")
    add.add_argument("--metadata", type=Path, required=True,
                     help="YAML: 'source' (a sources.csv row), 'provenance' (basis, evidence "
                          "per field), optional 'cleaning' (lines or patterns to drop)")
    add.add_argument("--data-dir", type=Path, help="data directory to add to (default: data/)")
    sheet = commands.add_parser(
        "coding-sheet", help="write a CSV coding sheet for a source, automated codes pre-filled")
    sheet.add_argument("source_id", help="source whose body paragraphs the sheet lists")
    sheet.add_argument("--out", type=Path, required=True, help="CSV file to write")
    sheet.add_argument("--data-dir", type=Path, help="data directory to read (default: data/)")
    back = commands.add_parser(
        "import-coding", help="validate a filled-in coding sheet and make its source hand-coded")
    back.add_argument("sheet", type=Path, help="coding sheet written by coding-sheet")
    back.add_argument("--data-dir", type=Path, help="data directory to write (default: data/)")
    settle = commands.add_parser(
        "import-reconciled",
        help="validate an adjudication of the two hand codings and store it as the reconciled one")
    settle.add_argument("file", type=Path, help="CSV with the columns of framing_reconciled.csv")
    settle.add_argument("--data-dir", type=Path, help="data directory to write (default: data/)")
    return parser


def _data_dir(args) -> tuple[Path, str]:
    """The data directory and the name messages give it (as the user typed it)."""
    if getattr(args, "data_dir", None) is None:
        return DATA, shown(DATA)
    return args.data_dir, args.data_dir.as_posix()


def _build(args) -> None:
    from kzreform.pipeline.record import RECORD, is_current

    data_dir, name = _data_dir(args)
    if args.unless_current and is_current(data_dir):
        print(f"{name}/{DERIVED_FOLDER} is current ({RECORD} matches the inputs, the code, the "
              "profile and the tables): nothing to build")
        return
    from kzreform.pipeline import build

    for path in build.build(data_dir, name, args.only):
        print(f"wrote {path}")
    if selected_profile() != DEFAULT_PROFILE:
        print(f"built with the build profile {selected_profile()!r} ({PROFILE_VARIABLE}), not "
              f"{DEFAULT_PROFILE!r}: these are not the study's figures; do not commit them")


def _stages(args) -> None:
    for stage in STAGES:
        print(f"{stage.name:<11} {stage.summary}; makes {', '.join(stage.makes)}")


def _validate(args) -> None:
    from kzreform.pipeline.validation import validate_package

    data_dir, name = _data_dir(args)
    with transaction.locked(data_dir, writing=False):
        outcome = transaction.recover(data_dir)
        if outcome:
            print(f"{name}: {outcome}")
        validate_package(data_dir)
    print(f"{name}: data package valid")


def _schema(args) -> None:
    from kzreform.core.schema import write_descriptor
    from kzreform.pipeline.validation import validate_package

    data_dir, name = _data_dir(args)
    transaction.write(data_dir, write_descriptor, validate_package, name)
    print(f"wrote {name}/{DESCRIPTOR}")


def _notebooks(args) -> None:
    from kzreform.pipeline.record import build_record
    from kzreform.workflows.notebooks import execute_notebook, is_current

    data_dir, _ = _data_dir(args)
    # The kernels' reads share this lock: every notebook shows the data of one commit.
    with transaction.reading(data_dir, timeout=transaction.LOCK_TIMEOUT_SECONDS):
        record = build_record(data_dir) if args.unless_current else ""
        stale = [path for path in args.paths
                 if not (args.unless_current and is_current(path, record))]
        for path in sorted(set(args.paths) - set(stale)):
            print(f"{path} is current (its recorded code and data are unchanged): not executed")
        if stale:  # an execution shows data a validation passed, now
            _validate(args)
        for path in stale:
            execute_notebook(path, data_dir)
            print(f"executed {path}")


def _report_assets(args) -> None:
    from kzreform.report.assets import write_report_assets

    for path in write_report_assets():
        print(f"wrote {relative(path)}")


def _release(args) -> None:
    from kzreform.workflows.release import check_release, check_tag, release

    if args.check_tag is not None:
        version = check_tag(args.check_tag)
        print(f"release check passed: tag {args.check_tag} is version {version} "
              "in CITATION.cff")
        return
    if args.check:
        for line in check_release(args.version):
            print(line)
        return
    print(f"released {relative(release(args.version))}")


def _changelog(args) -> None:
    from kzreform.workflows.release import release_notes

    print(release_notes(args.version))


def _add_source(args) -> None:
    from kzreform.workflows.add_source import add_source

    data_dir, name = _data_dir(args)
    added = add_source(args.text, args.metadata, data_dir, name)
    print(f"added {added['source_id']} as {name}/{added['raw_file']}: "
          f"{added['paragraphs']} body paragraphs coded (automated, not hand-coded)")


def _coding_sheet(args) -> None:
    from kzreform.workflows.coding_sheet import write_coding_sheet

    data_dir, _ = _data_dir(args)
    rows = write_coding_sheet(args.source_id, args.out, data_dir)
    print(f"wrote {relative(args.out)}: {rows} paragraphs of {args.source_id} to check and "
          "code by hand")


def _import_coding(args) -> None:
    from kzreform.workflows.coding_sheet import import_coding

    data_dir, name = _data_dir(args)
    imported = import_coding(args.sheet, data_dir, name)
    print(f"imported {imported['paragraphs']} hand-coded paragraphs of "
          f"{', '.join(imported['sources'])}; derived tables rebuilt in {name}")


def _import_reconciled(args) -> None:
    from kzreform.workflows.coding_sheet import import_reconciled

    data_dir, name = _data_dir(args)
    stored = import_reconciled(args.file, data_dir, name)
    print(f"stored the reconciled coding of {stored} paragraphs; derived tables rebuilt in {name}")


COMMANDS = {"build": _build, "stages": _stages, "validate": _validate, "schema": _schema,
            "notebooks": _notebooks, "report-assets": _report_assets, "release": _release,
            "changelog": _changelog,
            "add-source": _add_source, "coding-sheet": _coding_sheet,
            "import-coding": _import_coding, "import-reconciled": _import_reconciled}


def main(argv: list[str] | None = None) -> int:
    """Run one command; bad input prints a named error and returns 1, never a traceback."""
    args = _parser().parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except (DataValidationError, ReleaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0

