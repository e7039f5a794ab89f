"""``python -m kzreform``: the command line (see :mod:`kzreform.cli`)."""

import sys

# jsonschema imports this optional IRI parser (installed with Jupyter) as it is
# imported, compiling 38 grammars: over a second of every command, most of the
# time it takes to refuse bad input. Frictionless, which validates with
# jsonschema here, checks no string formats, so nothing it checks changes.
sys.modules.setdefault("rfc3987_syntax", None)

from .cli import main  # noqa: E402  (after the line above, which it depends on)

sys.exit(main())
