#!/usr/bin/env bash
# Cold and warm `make report` on a fresh clone, as a new user runs it.
#
#   benchmarks/bench_report_build.sh [COMMIT]      (default: HEAD)
#
# Clones this repository at COMMIT into a temporary folder beside it (so that
# ../shared is found as in CI), runs `make report` twice and prints the wall
# time of each and their ratio. Needs Quarto on PATH; pip's cache is used as
# it is (warm after a first run). Prints the machine yardstick of
# bench_autocoder.py so that runs on different machines can be compared.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
commit="${1:-HEAD}"
command -v quarto >/dev/null || { echo "quarto is not on PATH" >&2; exit 1; }
scratch="$(mktemp -d "$(dirname "$here")/bench-report-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
git clone --quiet "$here" "$scratch/repo"
git -C "$scratch/repo" checkout --quiet "$commit"
python3 -c 'import os, time; t = time.perf_counter(); sum(range(10**6)); print(f"machine yardstick: sum(range(10**6)) takes {(time.perf_counter() - t) * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")'
timed() {
  local start end
  start=$(date +%s.%N)
  make -C "$scratch/repo" report >"$scratch/$1.log" 2>&1 || { tail -20 "$scratch/$1.log"; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
cold=$(timed cold)
warm=$(timed warm)
echo "commit $(git -C "$scratch/repo" rev-parse --short HEAD)"
printf 'cold make report: %.1f s\nwarm make report (nothing changed): %.1f s\nwarm / cold: %.3f\n' \
  "$cold" "$warm" "$(echo "$warm / $cold" | bc -l)"
test -z "$(git -C "$scratch/repo" status --porcelain)" && echo "tree clean after both builds" \
  || { echo "tree changed by the build:"; git -C "$scratch/repo" status --porcelain; }
