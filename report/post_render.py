"""Quarto's post-render step (see _quarto.yml): fix up the rendered HTML pages.

Quarto runs a ``.py`` step with the Python it uses for Jupyter, whatever is on
PATH; the fix-ups need only the standard library, so the package is imported
from its folder rather than from an installed copy.
"""

import os
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "analysis"))

from kzreform.report.rendered_html import fix_rendered_pages

output_dir = PROJECT / os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", "_output")
# The files this render wrote, one per line, relative to the project.
written = os.environ.get("QUARTO_PROJECT_OUTPUT_FILES")
pages = None if written is None else [PROJECT / line for line in written.splitlines() if line]
for page in fix_rendered_pages(output_dir, pages):
    print(f"post-render: fixed links and scripts in {page.relative_to(output_dir).as_posix()}")
