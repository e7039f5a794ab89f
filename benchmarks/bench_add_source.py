"""Benchmark: ``add-source`` of one text into a corpus of many generated sources.

Run with ``.venv/bin/python benchmarks/bench_add_source.py [SOURCES] [WORDS]``
(default 500 sources, a new text of 1,000 words). Not timed: a copy of data/ is
made in a temporary folder, SOURCES generated texts of about WORDS words (random
made-up words from a fixed seed, in paragraphs of 50 words, so no two are near
duplicates) are registered in it with their metadata, provenance and raw-file
hashes, and the copy is built once. Timed: the command ``python -m kzreform
add-source`` adding one more generated text of WORDS words, whole (start-up,
checks, the near-duplicate search, the rebuild of every derived table,
validation, commit), three times, each on a fresh copy of the prepared corpus.
Also timed, in this process, the near-duplicate checks alone (what issue 18,
case 14 changed): the new text against the corpus (``add-source``'s check) and
every text against those above it (``validate``'s), each the fastest of three.
Prints the machine yardstick and load average of ``bench_autocoder.py``, then
the fastest and slowest run. Target (issue 18, case 14): under 10 seconds for
500 sources on the project's 2-core machine.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml
from bench_autocoder import machine_speed_ms

from kzreform.pipeline import build
from kzreform.core.data import read_text, resource_path
from kzreform.corpus.duplicates import duplicate_problem, duplicated_sources
from kzreform.core.paths import DATA, ROOT

SEED = 18
RUNS = 3
PARAGRAPH_WORDS = 50
SYLLABLES = ["ka", "za", "rem", "tol", "bek", "sun", "dar", "min", "ost", "lu", "ver", "ne",
             "an", "shi", "por", "gel", "tur", "mo", "ir", "qas"]
PROVENANCE_NOT_STATED = {"basis": "not stated", "evidence": "Generated for the benchmark."}


def generated_text(title: str, words: int, random: np.random.RandomState) -> str:
    """A title line, then paragraphs of made-up words of two to four syllables."""
    counts = random.randint(2, 5, size=words)
    picks = random.randint(len(SYLLABLES), size=counts.sum())
    made_up = np.split(np.array(SYLLABLES)[picks], np.cumsum(counts)[:-1])
    tokens = ["".join(parts) for parts in made_up]
    paragraphs = [" ".join(tokens[start:start + PARAGRAPH_WORDS]) + "."
                  for start in range(0, words, PARAGRAPH_WORDS)]
    return "\n\n".join([title, *paragraphs]) + "\n"


def source_row(source_id: str, title: str) -> dict[str, str]:
    """Metadata of a generated source (every field but raw_file)."""
    return {"source_id": source_id, "title": title, "outlet": "not stated",
            "authors": "not stated", "date_published": "2025-06", "date_precision": "month",
            "date_earliest": "2025-06-01", "date_latest": "2025-06-30", "url": "not stated",
            "source_type": "not stated", "language": "en"}


def provenance(data_dir: Path) -> dict[str, dict[str, str]]:
    """Basis and evidence for every field whose provenance the package records."""
    fields = next(field for field in next(r for r in json.loads(
        (data_dir / "datapackage.json").read_text(encoding="utf-8"))["resources"]
        if r["name"] == "source-provenance")["schema"]["fields"] if field["name"] == "field")
    return {name: PROVENANCE_NOT_STATED for name in fields["constraints"]["enum"]}


def append_csv(path: Path, rows: list[dict[str, str]]) -> None:
    """Append ``rows`` under the header of CSV ``path``."""
    with open(path, encoding="utf-8", newline="") as table:
        header = next(csv.reader(table))
    with open(path, "a", encoding="utf-8", newline="") as table:
        csv.writer(table, lineterminator="\n").writerows(
            [[row.get(column, "") for column in header] for row in rows])


def generate_corpus(data_dir: Path, sources: int, words: int) -> int:
    """Register ``sources`` generated texts in ``data_dir`` (not yet built); return the total."""
    random = np.random.RandomState(SEED)
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    resources = package["resources"]
    last_raw = max(i for i, r in enumerate(resources) if r["name"].startswith("raw-"))
    first = len(list((data_dir / "raw" / "corpus").glob("*.txt")))
    fields = provenance(data_dir)
    rows, provenance_rows = [], []
    for number in range(first, first + sources):
        source_id, title = f"generated-{number:04d}", f"Generated source {number}"
        data = generated_text(title, words, random).encode("utf-8")
        digest = hashlib.sha256(data).hexdigest()
        raw_file = f"raw/corpus/{number:03d}_{digest[:16]}.txt"
        (data_dir / raw_file).write_bytes(data)
        resources.insert(last_raw + 1 + number - first,
                         {**resources[last_raw], "name": f"raw-{number:03d}", "path": raw_file,
                          "hash": f"sha256:{digest}"})
        rows.append({**source_row(source_id, title), "raw_file": raw_file})
        provenance_rows += [{"source_id": source_id, "field": field, **entry}
                            for field, entry in fields.items()]
    (data_dir / "datapackage.json").write_text(
        json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    append_csv(resource_path("sources", data_dir), rows)
    append_csv(resource_path("source-provenance", data_dir), provenance_rows)
    return first + sources


def new_source(folder: Path, words: int) -> list[str]:
    """Write the text and metadata to add; return the command's arguments for them."""
    title = "The source added by the benchmark"
    text = folder / "new.txt"
    text.write_text(generated_text(title, words, np.random.RandomState(SEED + 1)),
                    encoding="utf-8")
    metadata = folder / "new.yml"
    fields = provenance(DATA)
    metadata.write_text(yaml.safe_dump({
        "source": source_row("benchmark-new", title),
        "provenance": {field: dict(PROVENANCE_NOT_STATED) for field in fields}}),
        encoding="utf-8")
    return [str(text), "--metadata", str(metadata)]


def main(sources: int = 500, words: int = 1000) -> None:
    """Prepare the corpus, then time add-source RUNS times, each on a fresh copy."""
    with tempfile.TemporaryDirectory(prefix="bench-add-source-") as folder:
        folder = Path(folder)
        prepared = folder / "prepared"
        shutil.copytree(DATA, prepared, ignore=shutil.ignore_patterns(".*"))
        total = generate_corpus(prepared, sources, words)
        start = time.perf_counter()
        build.build(prepared)
        print(f"prepared {sources} generated sources of {words} words and built them "
              f"({time.perf_counter() - start:.1f} s, not timed)")
        arguments = new_source(folder, words)
        print(f"machine yardstick: sum(range(10**6)) takes {machine_speed_ms():.0f} ms; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        new_text = read_text(Path(arguments[0]))
        for name, check in (("the new text against the corpus",
                             lambda: duplicate_problem(new_text, prepared)),
                            ("every text against those above it",
                             lambda: duplicated_sources(prepared))):
            checked = []
            for _ in range(RUNS):
                start = time.perf_counter()
                found = check()
                checked.append(time.perf_counter() - start)
            if found:
                raise RuntimeError(f"generated texts taken for duplicates: {found}")
            print(f"near-duplicate check, {name}: {min(checked):.2f} s")
        seconds = []
        for run in range(RUNS):
            data_dir = folder / f"run-{run}"
            shutil.copytree(prepared, data_dir)
            start = time.perf_counter()
            result = subprocess.run([sys.executable, "-m", "kzreform", "add-source", *arguments,
                                     "--data-dir", str(data_dir)], cwd=ROOT,
                                    capture_output=True, text=True, check=False)
            seconds.append(time.perf_counter() - start)
            if result.returncode != 0:
                raise RuntimeError(f"add-source failed:\n{result.stderr}")
        print(f"add-source of one {words:,}-word text into {total:,} sources "
              f"({sources} generated): fastest {min(seconds):.2f} s, slowest "
              f"{max(seconds):.2f} s of {RUNS}; load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main(*(int(argument) for argument in sys.argv[1:3]))
