#!/usr/bin/env bash
# Builds tcplat-exporter and runs the whole test suite: unit tests, BPF_PROG_TEST_RUN packet
# tests and end-to-end tests in network namespaces. Needs root (it loads BPF programs and
# creates namespaces); it never touches the host's own interfaces.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
mvn -B verify "$@"
