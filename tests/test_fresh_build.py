"""The committed tables are what one fresh build of the data makes (fixture ``fresh_build``).

The tests that compare with the fresh build live in this one file, so that
pytest-xdist (``make test`` runs ``--dist loadfile``) gives them one worker and
the build runs once per test run.
"""

from conftest import STUDY_PROFILE

from kzreform.core.data import resource_path
from kzreform.core.paths import DATA
from kzreform.pipeline.stages import STAGES
from kzreform.provisions.build import provisions_tables


def test_processed_tables_are_exactly_what_the_build_produces(fresh_build):
    for name, table in fresh_build.items():
        path = resource_path(name)
        regenerated = table.to_csv(index=False, lineterminator="\n")
        assert path.read_text(encoding="utf-8") == regenerated, (
            f"{path.name} differs from a fresh build with the profile {STUDY_PROFILE!r}: "
            "run 'python -m kzreform build'")


def test_matrix_regeneration_is_byte_identical(fresh_build):
    first = fresh_build
    second = provisions_tables(DATA, fresh_build)
    for name in ("provisions-matrix", "provisions-matrix-claims", "fact-consistency"):
        fresh = first[name].to_csv(index=False, lineterminator="\n").encode("utf-8")
        assert fresh == second[name].to_csv(index=False, lineterminator="\n").encode("utf-8")
        assert resource_path(name).read_bytes() == fresh, f"{name}: run 'python -m kzreform build'"


def test_the_build_makes_each_stage_s_tables_in_stage_order(fresh_build):
    assert list(fresh_build) == [name for stage in STAGES for name in stage.makes]
