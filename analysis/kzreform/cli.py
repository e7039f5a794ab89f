"""Command line: ``python -m kzreform build`` regenerates every derived table."""

from __future__ import annotations

import argparse
import sys

from . import build
from .errors import DataValidationError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kzreform", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="validate inputs and regenerate data/processed/")
    commands.add_parser("validate", help="validate the whole data package")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            for path in build.build_all():
                print(f"wrote {path}")
        elif args.command == "validate":
            build.validate_package()
            print("data package valid")
    except DataValidationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
