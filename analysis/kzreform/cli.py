"""Command line: ``python -m kzreform build`` regenerates every derived table."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import build
from .add_source import add_source
from .coding_sheet import import_coding, write_coding_sheet
from .errors import DataValidationError
from .paths import DATA, ROOT, relative
from .notebooks import execute_notebook
from .release import ReleaseError, release
from .report import clean_rendered_html, write_report_assets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kzreform", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="validate inputs and regenerate data/processed/")
    commands.add_parser("validate", help="validate the whole data package")
    run = commands.add_parser("notebooks", help="execute notebooks in place")
    run.add_argument("paths", nargs="+", type=Path)
    commands.add_parser("report-assets",
                        help="write report/_generated/ (Vega JavaScript, version metadata)")
    clean = commands.add_parser(
        "clean-html", help="remove CDN script tags from rendered HTML (Quarto post-render)")
    clean.add_argument("paths", nargs="*", type=Path)
    cut = commands.add_parser("release", help="check, render and write releases/X.Y.Z/")
    cut.add_argument("version", nargs="?", help="must equal the version in CITATION.cff")
    add = commands.add_parser(
        "add-source", help="add a text and its metadata, rebuild, auto-code it (not hand-coded)")
    add.add_argument("text", type=Path, help="UTF-8 text file of the new document")
    add.add_argument("--metadata", type=Path, required=True,
                     help="YAML: 'source' (a sources.csv row) and 'provenance' (basis, evidence)")
    add.add_argument("--data-dir", type=Path, default=DATA, help="data directory to add to")
    sheet = commands.add_parser(
        "coding-sheet", help="write a CSV coding sheet for a source, automated codes pre-filled")
    sheet.add_argument("source_id", help="source whose body paragraphs the sheet lists")
    sheet.add_argument("--out", type=Path, required=True, help="CSV file to write")
    sheet.add_argument("--data-dir", type=Path, default=DATA, help="data directory to read")
    back = commands.add_parser(
        "import-coding", help="validate a filled-in coding sheet and make its source hand-coded")
    back.add_argument("sheet", type=Path, help="coding sheet written by coding-sheet")
    back.add_argument("--data-dir", type=Path, default=DATA, help="data directory to write")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            for path in build.build_all():
                print(f"wrote {path}")
        elif args.command == "validate":
            build.validate_package()
            print("data package valid")
        elif args.command == "notebooks":
            build.validate_package()
            for path in args.paths:
                execute_notebook(path)
                print(f"executed {path}")
        elif args.command == "report-assets":
            for path in write_report_assets():
                print(f"wrote {relative(path)}")
        elif args.command == "clean-html":
            for path in clean_rendered_html(args.paths or quarto_output_files()):
                print(f"removed CDN scripts from {relative(path)}")
        elif args.command == "release":
            print(f"released {relative(release(args.version))}")
        elif args.command == "add-source":
            added = add_source(args.text, args.metadata, args.data_dir)
            print(f"added {added['source_id']} as data/{added['raw_file']}: "
                  f"{added['paragraphs']} body paragraphs coded (automated, not hand-coded)")
        elif args.command == "coding-sheet":
            rows = write_coding_sheet(args.source_id, args.out, args.data_dir)
            print(f"wrote {relative(args.out)}: {rows} paragraphs of {args.source_id} "
                  f"to check and code by hand")
        elif args.command == "import-coding":
            imported = import_coding(args.sheet, args.data_dir)
            print(f"imported {imported['paragraphs']} hand-coded paragraphs of "
                  f"{', '.join(imported['sources'])}; framing tables rebuilt")
    except (DataValidationError, ReleaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def quarto_output_files() -> list[Path]:
    """Files Quarto just rendered, as its post-render step is told them."""
    listed = os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "")
    return [ROOT / line for line in listed.splitlines() if line.strip()]
