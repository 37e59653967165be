#!/usr/bin/env bash
# Builds and runs the benchmark suite and prints every figure BENCHMARKS.md reports.
#   scripts/bench.sh            the full run (about 10 minutes)
#   scripts/bench.sh --quick    a smoke run that proves each benchmark still works (figures meaningless)
#   scripts/bench.sh --soak S   only the RSS soak: events at 200 k/s for S seconds
# Needs root (it loads BPF programs). Never part of the test suite's figures: the machine's
# other load shows in every number, so read the ratios, which are measured side by side.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
soak=""
case "${1:-}" in
  --quick) quick=true ;;
  --soak) soak="${2:?--soak needs a duration in seconds}" ;;
  "") ;;
  *) echo "usage: scripts/bench.sh [--quick | --soak SECONDS]" >&2; exit 2 ;;
esac

scripts/install-deps.sh --test
out=exporter/target/bench
mkdir -p "$out"
mvn -B -q -Pbench -DskipTests package
make -s -C ebpf bench
mvn -B -q -Pbench -pl exporter dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/$out/classpath.txt"
cp="exporter/target/test-classes:exporter/target/classes:$(cat "$out/classpath.txt")"
bench() { java -cp "$cp" "$@"; }

header() {
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(git rev-parse --short HEAD 2>/dev/null || echo '?')$($quick && echo ' (quick)')"
  echo "# cpu: $(lscpu | sed -n 's/^Model name: *//p') x $(nproc); kernel $(uname -r); $(java -version 2>&1 | head -1)"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}

if [[ -n "$soak" ]]; then
  { header; bench dev.tcplat.exporter.bench.DrainBench ebpf/build --soak "$soak"; } | tee "$out/soak.txt"
  exit 0
fi

{
  header
  echo "## 1. packet path (BPF_PROG_TEST_RUN)"
  if $quick; then
    ebpf/build/bench/pktbench -r 20000 -n 3 ebpf/build
  else
    ebpf/build/bench/pktbench -r 200000 -n 21 ebpf/build
    echo "## 1b. where a SYN's cost goes"
    ebpf/bench/syn_breakdown.sh 200000 11
  fi
  echo "## 2-3. ring drain and sustained rate"
  bench dev.tcplat.exporter.bench.DrainBench ebpf/build $($quick && echo --quick)
  echo "## 4. memory"
  bench dev.tcplat.exporter.bench.MemoryBench $($quick && echo 65536)
  echo "## 5. matcher and histogram (JMH)"
  # JMH's own report goes to jmh.txt; the summary table (time and allocation per operation) here
  if $quick; then jmh=(-f 1 -wi 1 -i 1 -w 200ms -r 200ms); else jmh=(-f 2 -wi 3 -i 5 -w 2s -r 2s); fi
  bench org.openjdk.jmh.Main MatcherBench "${jmh[@]}" -prof gc > "$out/jmh.txt" 2>&1 || { cat "$out/jmh.txt"; exit 1; }
  sed -n '/^Benchmark  /,$p' "$out/jmh.txt" | grep -v 'gc.count\|gc.time\|alloc.rate  '
  echo "## 6. scrape"
  bench dev.tcplat.exporter.bench.ScrapeBench $($quick && echo --quick)
  echo "## 7. end to end (veth, real handshakes)"
  bench -Dtcplat.jar=exporter/target/tcplat-exporter.jar dev.tcplat.exporter.e2e.HandshakeRateBench $($quick && echo --quick)
  echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$out/results.txt"
