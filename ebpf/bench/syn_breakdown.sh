#!/usr/bin/env bash
# Where a SYN's cost goes: builds copies of tcplat.bpf.c with one part of the emit path taken
# out (never shipped, they only load under BPF_PROG_TEST_RUN) and measures each with pktbench.
# The difference to the unmodified program is that part's cost.
#   ebpf/bench/syn_breakdown.sh [repeat] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
repeat="${1:-100000}"
rounds="${2:-11}"
out=build/bench/variants
multiarch="$(gcc -print-multiarch 2>/dev/null || true)"

variant() {  # name, sed expression ('' for none)
  local dir="$out/$1"
  mkdir -p "$dir/bench"
  sed -e "${2:-s/^//}" tcplat.bpf.c > "$dir/tcplat.bpf.c"
  if [[ -n "$2" ]] && cmp -s tcplat.bpf.c "$dir/tcplat.bpf.c"; then
    echo "syn_breakdown: variant $1 changed nothing; tcplat.bpf.c moved on" >&2
    exit 1
  fi
  clang -target bpf -O2 -g -mcpu=v3 -Wall -I. -Iinclude ${multiarch:+-I/usr/include/$multiarch} \
    -c "$dir/tcplat.bpf.c" -o "$dir/tcplat.bpf.o"
  cp build/bench/empty.bpf.o "$dir/bench/"
  printf '%-28s ' "$1"
  build/bench/pktbench -r "$repeat" -n "$rounds" "$dir" | awk '/^ipv4 SYN egress \(event\)/ { print "SYN excess over empty: " $6 " ns" }'
}

variant "as shipped" ''
variant "without bpf_ktime_get_ns" 's/__u64 now = bpf_ktime_get_ns();/__u64 now = skb->tstamp;/'
variant "without the TS option" 's/if (tcp_ts_usual(&c, th, hdrlen, &tsval, &tsecr) == 0 ||/if (0 \&\&/'
variant "without the ring record" 's/e = bpf_ringbuf_reserve(&events, sizeof(\*e), 0);/return now + tsval;/'
