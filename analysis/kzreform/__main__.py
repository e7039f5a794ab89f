"""``python -m kzreform``: the command line (see :mod:`kzreform.cli`)."""

import sys

from .cli import main

sys.exit(main())
