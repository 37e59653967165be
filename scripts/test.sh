#!/usr/bin/env bash
# Builds tcplat-exporter and runs the whole test suite: unit tests, BPF_PROG_TEST_RUN packet
# tests and end-to-end tests in network namespaces. Needs root (it loads BPF programs and
# creates namespaces); it never touches the host's own interfaces.
set -euo pipefail
. "$(dirname "$0")/lib/as-root.sh"
as_root "$@"
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
mvn -B verify "$@"
# A whole run (no arguments narrowing it) also proves the benchmarks still work: a few seconds
# of each, figures meaningless (scripts/bench.sh; results in exporter/target/bench/results.txt).
if (($# == 0)); then
  echo "test: benchmark smoke run (scripts/bench.sh --quick)"
  scripts/bench.sh --quick > /dev/null || { tail -n 40 exporter/target/bench/results.txt; exit 1; }
fi
