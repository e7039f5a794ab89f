import shutil

import pytest

from kzreform.paths import DATA


@pytest.fixture
def data_copy(tmp_path):
    """A private copy of data/ that a test may break without touching the real one."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy
