#!/usr/bin/env bash
# Builds tcplat-exporter and runs it; with no arguments it watches the default-route
# interface(s) and serves http://localhost:10090/metrics. Arguments are passed to the exporter.
set -euo pipefail
. "$(dirname "$0")/lib/as-root.sh"
as_root "$@"
cd "$(dirname "$0")/.."
scripts/install-deps.sh
mvn -B -q package -DskipTests
exec java -jar exporter/target/tcplat-exporter.jar "$@"
