// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Benchmark-only event generator: every run of this program (driven by
 * BPF_PROG_TEST_RUN with a repeat count) writes one synthetic handshake
 * event into the ring, so a ring can be filled, or fed at a steady rate, with
 * a realistic mix far faster than crafted frames through the real program
 * could. The packet it is run on is ignored.
 *
 * The mix: run i emits, when i is even, the egress SYN of outbound handshake
 * i/2 and, when i is odd, the ingress SYN-ACK answering handshake
 * i/2 - window, so about `window` handshakes are pending at any time as on a
 * busy client. Tuples cycle through `tuples` local ports towards `peers`
 * remote addresses; every fourth peer is IPv6; SYN-ACKs acknowledge their SYN
 * exactly (ack == seq + 1) and carry the TSecr of its TSval.
 *
 * The ring map is named "events", like tcplat's, so a benchmark can hand it
 * the ring of a running exporter (bpf_map__reuse_fd) before loading.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "tcplat_abi.h"
#include "ring_wakeup.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

const volatile __u32 tuples = 16384;
const volatile __u32 peers = 1000;
const volatile __u32 window = 64;

/* Read by ringbench through the mapped .bss, in this order. Test runs come
 * from one thread, so plain adds are enough. */
struct {
	__u64 runs;     /* program runs */
	__u64 dropped;  /* reserves that found the ring full */
	__u64 emitted;  /* events written */
} stats = {};

static __always_inline __u32 seq_of(__u64 handshake)
{
	return (__u32)handshake * 2654435761u;  /* Knuth's multiplicative hash */
}

SEC("tc")
int evgen(struct __sk_buff *skb)
{
	__u64 i = stats.runs++;
	__u64 hs = i >> 1;
	int syn = !(i & 1);
	struct tcplat_event *e;
	__u32 t, peer, seq;
	__u8 local[16] = {}, remote[16] = {};

	if (!syn) {
		if (hs < window)
			return TC_ACT_UNSPEC;  /* nothing sent yet to answer */
		hs -= window;
	}
	t = hs % tuples;
	peer = t % peers;
	seq = seq_of(hs);
	if (peer % 4 == 3) {
		local[0] = 0xfd; local[15] = 1;
		remote[0] = 0xfd; remote[1] = 1; remote[14] = peer >> 8; remote[15] = peer;
	} else {
		local[0] = 10; local[3] = 1;
		remote[0] = 10; remote[1] = 1; remote[2] = peer >> 8; remote[3] = peer;
	}

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		stats.dropped++;
		return TC_ACT_UNSPEC;
	}
	e->ts_ns = bpf_ktime_get_ns();
	__builtin_memcpy(e->saddr, syn ? local : remote, 16);
	__builtin_memcpy(e->daddr, syn ? remote : local, 16);
	e->seq = syn ? seq : seq * 7 + 1;
	e->ack = syn ? 0 : seq + 1;
	e->tsval = syn ? (__u32)hs : (__u32)hs + 1000;
	e->tsecr = syn ? 0 : (__u32)hs;
	e->ifindex = 2;
	e->sport = syn ? 32768 + t % 28000 : 443;
	e->dport = syn ? 443 : 32768 + t % 28000;
	e->family = peer % 4 == 3 ? 6 : 4;
	e->kind = syn ? TCPLAT_EV_SYN : TCPLAT_EV_SYNACK;
	e->direction = syn ? TCPLAT_DIR_EGRESS : TCPLAT_DIR_INGRESS;
	e->tcp_flags = syn ? 0x02 : 0x12;
	e->flags = TCPLAT_F_HAS_TS;
	e->pad[0] = 0;
	e->pad[1] = 0;
	e->pad[2] = 0;
	/* as tcplat submits, so the drain is measured as it runs */
	bpf_ringbuf_submit(e, ring_wakeup_flag(&events, sizeof(*e)));
	stats.emitted++;
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
