"""Execute notebooks in place, with outputs that are identical on every machine.

Each executed notebook records, in its metadata (``kzreform.executed_with``), a
digest of what its outputs follow from: its code cells and the data they read
as its build record describes it (:mod:`kzreform.pipeline.record`: the inputs,
the code, the profile and the derived tables). A notebook whose digest is
unchanged (:func:`is_current`) need not be executed again: its outputs are
those an execution would write, byte for byte.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from kzreform.core.paths import DATA
from kzreform.pipeline.record import build_record

KERNEL = "python3"
TIMEOUT_SECONDS = 600
RECORDED = "kzreform"


def executed_with(notebook: nbformat.NotebookNode, record: str) -> str:
    """The digest of what the outputs of ``notebook`` follow from, given the data's ``record``.

    ``record`` is the data's build record as it stands (:func:`build_record`).
    """
    digest = hashlib.sha256(record.encode())
    for cell in notebook.cells:
        if cell.cell_type == "code":
            digest.update(b"\0" + cell.source.encode())
    return digest.hexdigest()


def is_current(path: Path, record: str) -> bool:
    """Whether the notebook at ``path`` was last executed with its code and the data as they are."""
    notebook = nbformat.read(Path(path), as_version=4)
    return notebook.metadata.get(RECORDED, {}).get("executed_with") == executed_with(notebook,
                                                                                     record)


def execute_notebook(path: Path, data_dir: Path = DATA) -> None:
    """Run every cell of the notebook at ``path`` and store it with its new outputs.

    The outputs show the data of ``data_dir``, which the notebook reads; the
    digest of what they follow from is recorded with them.
    """
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    digest = executed_with(notebook, build_record(data_dir))
    # record_timing=False: execution timestamps would differ on every run.
    client = NotebookClient(notebook, kernel_name=KERNEL, timeout=TIMEOUT_SECONDS,
                            record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    notebook.metadata[RECORDED] = {"executed_with": digest}
    nbformat.validate(notebook)
    temporary = path.with_suffix(".ipynb.tmp")
    nbformat.write(notebook, temporary)
    temporary.replace(path)
