"""Command line: ``python -m kzreform build`` regenerates every derived table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import build
from .add_source import add_source
from .errors import DataValidationError
from .paths import DATA, OUTPUT, relative
from .notebooks import execute_notebook
from .release import ReleaseError, release
from .rendered_html import fix_rendered_pages
from .report import write_report_assets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kzreform", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="validate inputs and regenerate data/processed/")
    commands.add_parser("validate", help="validate the whole data package")
    run = commands.add_parser("notebooks", help="execute notebooks in place")
    run.add_argument("paths", nargs="+", type=Path)
    commands.add_parser("report-assets",
                        help="write report/_generated/ (Vega JavaScript, version metadata)")
    commands.add_parser(
        "fix-html", help="fix links and remove CDN script tags in _output/ (Quarto post-render)")
    cut = commands.add_parser("release", help="check, render and write releases/X.Y.Z/")
    cut.add_argument("version", nargs="?", help="must equal the version in CITATION.cff")
    add = commands.add_parser(
        "add-source", help="add a text and its metadata, rebuild, auto-code it (not hand-coded)")
    add.add_argument("text", type=Path, help="UTF-8 text file of the new document")
    add.add_argument("--metadata", type=Path, required=True,
                     help="YAML: 'source' (a sources.csv row) and 'provenance' (basis, evidence)")
    add.add_argument("--data-dir", type=Path, default=DATA, help="data directory to add to")
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
        elif args.command == "fix-html":
            for path in fix_rendered_pages(OUTPUT):
                print(f"fixed links and scripts in {relative(path)}")
        elif args.command == "release":
            print(f"released {relative(release(args.version))}")
        elif args.command == "add-source":
            added = add_source(args.text, args.metadata, args.data_dir)
            print(f"added {added['source_id']} as data/{added['raw_file']}: "
                  f"{added['paragraphs']} body paragraphs coded (automated, not hand-coded)")
    except (DataValidationError, ReleaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0

