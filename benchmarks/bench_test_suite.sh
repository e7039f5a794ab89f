#!/usr/bin/env bash
# Wall and CPU time of the whole test suite (what `make test` runs), with the
# load average before and after: the machine may be shared with other work.
#
#   benchmarks/bench_test_suite.sh [PYTEST OPTIONS]      (from any folder; .venv built)
#
# Runs `make test` itself (two workers) and prints pytest's 30 slowest steps, then wall, user and system time (user and
# system include the child processes the tests start).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import os, time; t = time.perf_counter(); sum(range(10**6)); print(f"machine yardstick: sum(range(10**6)) takes {(time.perf_counter() - t) * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")'
echo "load average before: $(cat /proc/loadavg)"
TIMEFORMAT='make test: wall %R s, user %U s, system %S s'
status=0
time make -s test PYTEST_ARGS="--durations=30 $*" || status=$?
echo "load average after: $(cat /proc/loadavg)"
exit "$status"
