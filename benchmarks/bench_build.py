"""Benchmark: the data build, stage by stage, and the commands that run it.

Run with ``.venv/bin/python benchmarks/bench_build.py [REPEATS]`` (default 3)
from the repository root. Everything runs on copies of ``data/`` in a
temporary folder, except ``make data``, which rewrites ``data/processed/``
with the same bytes. It prints the machine yardstick of ``bench_autocoder.py``
and the load average beside every figure (the machine may be shared), then:

- the input check and each stage of :mod:`kzreform.pipeline.stages` in process, in
  order, each with its rules (``build.run_stages`` on one stage; the tables it
  reads are those the stage before it wrote), and the validation of the whole
  package that ends every build;
- the commands: ``make data`` (a full build in a fresh process, imports
  included) with the cache of slow steps off (:mod:`kzreform.core.cache`; what a
  fresh clone pays once) and warm (nothing those steps read has changed),
  ``build --only results``, and a build refused for a quote that is not in
  its paragraph (the time until the error).

Everything but the cold ``make data`` uses a cache of its own in the
temporary folder, filled by the first of the repeats: the stages' fastest
figures are with the cache warm, the slowest with it cold.

Each figure is the fastest of REPEATS runs, the slowest beside it, wall and
CPU seconds (CPU includes child processes). Targets (issue 15): ``make data``
at most 10 s, a bad input refused in under 2 s, on an idle 2-core machine.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from kzreform.pipeline import build
from kzreform.core.cache import CACHE_OFF, CACHE_VARIABLE
from kzreform.core.data import resource_path
from kzreform.core.paths import DATA, ROOT
from kzreform.pipeline.stages import STAGES
from kzreform.core.transaction import LOCK_FILE, WORK_DIR
from kzreform.pipeline.validation import validate_inputs, validate_package

sys.path.insert(0, str(Path(__file__).parent))
from bench_autocoder import machine_speed_ms  # noqa: E402  (a sibling script, not a package)

BAD_QUOTE = "a quote that is in no paragraph"


def copy_of_data(target: Path) -> Path:
    """A copy of data/ without a writer's lock or staged copy."""
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns(LOCK_FILE, WORK_DIR))
    return target


def with_a_bad_quote(data_dir: Path) -> Path:
    """``data_dir`` with the first claim's quote replaced by words no paragraph holds."""
    path = resource_path("claims", data_dir)
    claims = pd.read_csv(path, dtype=str, keep_default_na=False)
    claims.loc[0, "quote"] = BAD_QUOTE
    claims.to_csv(path, index=False, lineterminator="\n")
    return data_dir


def child_cpu() -> float:
    """CPU seconds (user and system) of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(work: Callable[[], object], repeats: int) -> tuple[float, float, float]:
    """Fastest wall seconds, slowest wall seconds and the fastest run's CPU seconds."""
    runs = []
    for _ in range(repeats):
        wall, cpu, children = time.perf_counter(), time.process_time(), child_cpu()
        work()
        runs.append((time.perf_counter() - wall,
                     time.process_time() - cpu + child_cpu() - children))
    fastest = min(runs)
    return fastest[0], max(runs)[0], fastest[1]


def report(name: str, figures: tuple[float, float, float]) -> None:
    """One line: what was timed, wall (fastest, slowest), CPU and the load average now."""
    fastest, slowest, cpu = figures
    print(f"{name:<40} {fastest:7.2f} {slowest:8.2f} {cpu:7.2f} {os.getloadavg()[0]:6.1f}",
          flush=True)


def stage_runner(data_dir: Path, stage) -> Callable[[], None]:
    """Build one stage of ``data_dir`` with its rules, and write its tables for the next."""
    def run() -> None:
        for name, table in build.run_stages(data_dir, [stage]).items():
            build.write_csv(table, resource_path(name, data_dir))
    return run


def command(*arguments: str, refused: bool = False,
            environment: dict | None = None) -> Callable[[], None]:
    """Run a command from the repository root; it must succeed, or fail if ``refused``."""
    def run() -> None:
        result = subprocess.run(arguments, cwd=ROOT, capture_output=True, text=True,
                                check=False, env={**os.environ, **(environment or {})})
        if (result.returncode != 0) != refused:
            raise RuntimeError(f"{' '.join(arguments)}: exit {result.returncode}\n"
                               f"{result.stdout}{result.stderr}")
    return run


def main(repeats: int) -> None:
    """Time the input check, each stage, the package validation and the commands."""
    print(f"machine yardstick: sum(range(10**6)) takes {machine_speed_ms():.0f} ms; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'what (fastest of ' + str(repeats) + ')':<40} {'wall s':>7} {'slowest':>8} "
          f"{'CPU s':>7} {'load':>6}")
    python = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        os.environ[CACHE_VARIABLE] = str(Path(folder) / "cache")
        data_dir = copy_of_data(Path(folder) / "data")
        report("check the inputs", timed(lambda: validate_inputs(data_dir), repeats))
        for stage in STAGES:
            report(f"stage {stage.name}", timed(stage_runner(data_dir, stage), repeats))
        report("validate the whole package", timed(lambda: validate_package(data_dir), repeats))
        report("make data, cache off", timed(command("make", "-s", "data",
                                                     environment={CACHE_VARIABLE: CACHE_OFF}),
                                             repeats))
        report("make data, cache warm", timed(command("make", "-s", "data"), repeats))
        report("build --only results", timed(command(
            python, "-m", "kzreform", "build", "--only", "results", "--data-dir",
            str(data_dir)), repeats))
        bad = with_a_bad_quote(copy_of_data(Path(folder) / "bad"))
        report("build refusing a bad quote", timed(command(
            python, "-m", "kzreform", "build", "--data-dir", str(bad), refused=True), repeats))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
