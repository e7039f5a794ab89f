"""Execute notebooks in place, with outputs that are identical on every machine."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

KERNEL = "python3"
TIMEOUT_SECONDS = 600


def execute_notebook(path: Path) -> None:
    """Run every cell of the notebook at ``path`` and store it with its new outputs."""
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    # record_timing=False: execution timestamps would differ on every run.
    client = NotebookClient(notebook, kernel_name=KERNEL, timeout=TIMEOUT_SECONDS,
                            record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nbformat.validate(notebook)
    temporary = path.with_suffix(".ipynb.tmp")
    nbformat.write(notebook, temporary)
    temporary.replace(path)
