"""Command line: ``python -m kzreform build`` regenerates every derived table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import build
from .errors import DataValidationError
from .notebooks import execute_notebook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kzreform", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="validate inputs and regenerate data/processed/")
    commands.add_parser("validate", help="validate the whole data package")
    run = commands.add_parser("notebooks", help="execute notebooks in place")
    run.add_argument("paths", nargs="+", type=Path)
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
    except DataValidationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
