// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Packet-path cost of tcplat's TC program, measured with BPF_PROG_TEST_RUN:
 * each case runs `repeat` times per round and the kernel reports the mean
 * time per run; the figure is the median over rounds. An empty TC program is
 * measured in the same rounds, interleaved with the cases, and every case is
 * reported as its excess over it, so test-run overhead and machine noise
 * largely cancel.
 *
 * Cases that emit an event get a ring large enough for a whole round, drained
 * between rounds, so they measure the emit path and not the ring-full path
 * (the ring-full counter is checked and reported).
 *
 * An ACK that completes a handshake can run only once per SYN-ACK, so that
 * case alternates the two, one run per call, and is reported against the
 * empty program run the same way (the kernel's figure then includes one
 * clock read, which the difference cancels).
 *
 * usage: pktbench [-r repeat] [-n rounds] BUILD_DIR
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tcplat_abi.h"

#define RING_BYTES (128u << 20)

enum pkt { PKT_ACK, PKT_ACK_SLOT_HIT, PKT_SYN, PKT_SYNACK, PKT_UDP, PKT_ARP };

struct bench_case {
	const char *name;
	const char *prog;   /* program name in tcplat.bpf.o */
	int family;         /* 4 or 6; 0 for ARP */
	int vlans;          /* 802.1Q tags */
	enum pkt pkt;
	double target_ns;   /* allowed excess over the empty program; 0: none */
	double ns[64];      /* per round */
};

static struct bench_case cases[] = {
	{ "ipv4 ACK ingress", "tcplat_ingress_eth", 4, 0, PKT_ACK, 3 },
	{ "ipv4 ACK egress", "tcplat_egress_eth", 4, 0, PKT_ACK, 3 },
	{ "ipv4+vlan ACK ingress", "tcplat_ingress_eth", 4, 1, PKT_ACK, 3 },
	{ "ipv6 ACK ingress", "tcplat_ingress_eth", 6, 0, PKT_ACK, 3 },
	{ "ipv6+vlan ACK ingress", "tcplat_ingress_eth", 6, 1, PKT_ACK, 3 },
	{ "ipv4 UDP ingress", "tcplat_ingress_eth", 4, 0, PKT_UDP, 3 },
	{ "ipv6 UDP ingress", "tcplat_ingress_eth", 6, 0, PKT_UDP, 3 },
	{ "ipv4+vlan UDP ingress", "tcplat_ingress_eth", 4, 1, PKT_UDP, 3 },
	{ "ARP ingress", "tcplat_ingress_eth", 0, 0, PKT_ARP, 3 },
	{ "ipv4 SYN egress (event)", "tcplat_egress_eth", 4, 0, PKT_SYN, 40 },
	{ "ipv4+vlan SYN egress (event)", "tcplat_egress_eth", 4, 1, PKT_SYN, 40 },
	{ "ipv6 SYN egress (event)", "tcplat_egress_eth", 6, 0, PKT_SYN, 40 },
	{ "ipv6+vlan SYN egress (event)", "tcplat_egress_eth", 6, 1, PKT_SYN, 40 },
	{ "ipv4 SYN-ACK ingress (event)", "tcplat_ingress_eth", 4, 0, PKT_SYNACK, 40 },
	/* these leave a SYN-ACK waiting in the synacks map: keep them last */
	{ "ipv4 SYN-ACK egress (event+map)", "tcplat_egress_eth", 4, 0, PKT_SYNACK, 0 },
	{ "ipv4 ACK ingress, SYN-ACKs waiting", "tcplat_ingress_eth", 4, 0, PKT_ACK, 3 },
	/* same ACK-number slot as the waiting SYN-ACK, another flow: the lookup */
	{ "ipv4 ACK ingress, slot hit", "tcplat_ingress_eth", 4, 0, PKT_ACK_SLOT_HIT, 0 },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* Builds one frame as Linux would send it; returns its length. */
static size_t build_frame(unsigned char *f, int family, int vlans, enum pkt pkt)
{
	/* SYN options as Linux sends them: MSS, SACK-permitted + timestamp, NOP + window scale */
	static const unsigned char syn_opts[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7 };
	/* an established segment: NOP, NOP, timestamp */
	static const unsigned char ack_opts[12] = { 1, 1, 8, 10, 0, 0, 0, 2, 0, 0, 0, 1 };
	size_t off = 12, l4, optlen;
	bool slot_hit = pkt == PKT_ACK_SLOT_HIT;
	int i;

	if (slot_hit)
		pkt = PKT_ACK;

	memset(f, 0, 256);
	memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	for (i = 0; i < vlans; i++) {
		f[off] = 0x81; f[off + 1] = 0x00; f[off + 3] = 10;
		off += 4;
	}
	if (pkt == PKT_ARP) {
		f[off] = 0x08; f[off + 1] = 0x06;
		return off + 2 + 28;
	}
	if (family == 4) {
		f[off] = 0x08; f[off + 1] = 0x00;
		off += 2;
		f[off] = 0x45; f[off + 8] = 64; f[off + 9] = pkt == PKT_UDP ? 17 : 6;
		memcpy(f + off + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
		l4 = off + 20;
	} else {
		f[off] = 0x86; f[off + 1] = 0xdd;
		off += 2;
		f[off] = 0x60; f[off + 6] = pkt == PKT_UDP ? 17 : 6; f[off + 7] = 64;
		f[off + 8] = 0xfd; f[off + 23] = 1;
		f[off + 24] = 0xfd; f[off + 39] = 2;
		l4 = off + 40;
	}
	if (pkt == PKT_UDP) {
		f[l4] = 0x30; f[l4 + 1] = 0x39; f[l4 + 3] = 53; f[l4 + 5] = 8 + 32;
		optlen = 32 - 20;  /* some payload */
	} else {
		const unsigned char *opts = pkt == PKT_ACK ? ack_opts : syn_opts;

		optlen = pkt == PKT_ACK ? sizeof(ack_opts) : sizeof(syn_opts);
		f[l4] = 0x9c; f[l4 + 1] = 0x40;            /* 40000 */
		f[l4 + 2] = 0x01; f[l4 + 3] = 0xbb;        /* 443 */
		f[l4 + 4] = 0x12; f[l4 + 7] = 0x34;        /* seq */
		if (pkt != PKT_SYN)
			f[l4 + 11] = 0x55;                 /* ack */
		if (slot_hit)
			f[l4 + 11] = 0x35;                 /* the SYN-ACK's seq + 1, low bits */
		f[l4 + 12] = (20 + optlen) / 4 << 4;
		f[l4 + 13] = pkt == PKT_ACK ? 0x10 : pkt == PKT_SYN ? 0x02 : 0x12;
		f[l4 + 14] = 0xfa; f[l4 + 15] = 0xf0;
		memcpy(f + l4 + 20, opts, optlen);
	}
	if (family == 4) {
		size_t ip = l4 - 20, total = 20 + 20 + optlen;

		f[ip + 2] = total >> 8; f[ip + 3] = total;
	} else {
		size_t ip = l4 - 40, payload = 20 + optlen;

		f[ip + 4] = payload >> 8; f[ip + 5] = payload;
	}
	return l4 + 20 + optlen;
}

/* Counts ACK events: the completion case checks that every ACK matched. */
static int count_acks(void *ctx, void *data, size_t size)
{
	const struct tcplat_event *e = data;

	if (size == sizeof(*e) && e->kind == TCPLAT_EV_ACK)
		++*(long long *)ctx;
	return 0;
}

static double run_once(int prog_fd, const unsigned char *frame, size_t len, int repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len, .repeat = repeat);

	if (bpf_prog_test_run_opts(prog_fd, &opts)) {
		fprintf(stderr, "pktbench: BPF_PROG_TEST_RUN failed: %s\n", strerror(errno));
		exit(1);
	}
	return opts.duration;  /* the kernel's mean ns per run */
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	double tmp[64];

	memcpy(tmp, v, n * sizeof(*v));
	qsort(tmp, n, sizeof(*tmp), cmp_double);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

static struct bpf_object *open_obj(const char *dir, const char *file)
{
	char path[512];
	struct bpf_object *obj;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "pktbench: cannot open %s: %s (run 'make -C ebpf all bench' first)\n", path,
			strerror(errno));
		exit(1);
	}
	return obj;
}

/* Empties the synacks map and zeroes the .bss (idle gate and ACK slots, whatever
 * the object's layout), as if no SYN-ACK waited. */
static void forget_synacks(struct bpf_object *obj)
{
	struct tcplat_flow_key key, next;
	struct bpf_map *map;
	int fd = bpf_map__fd(bpf_object__find_map_by_name(obj, "synacks"));
	__u32 zero = 0;

	while (!bpf_map_get_next_key(fd, NULL, &next)) {
		key = next;
		bpf_map_delete_elem(fd, &key);
	}
	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);
		size_t len = strlen(name);
		void *value;

		if (len < 4 || strcmp(name + len - 4, ".bss"))
			continue;
		value = calloc(1, bpf_map__value_size(map));
		if (!value || bpf_map_update_elem(bpf_map__fd(map), &zero, value, BPF_ANY)) {
			fprintf(stderr, "pktbench: cannot zero %s\n", name);
			exit(1);
		}
		free(value);
	}
}

static void put32(unsigned char *p, __u32 v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

/* A SYN-ACK this host sends from 10.0.0.1:40001 and the client's ACK that
 * completes it: a flow of its own, apart from the cases' waiting SYN-ACK. */
static void completion_frames(unsigned char *synack, size_t *synack_len, unsigned char *ack, size_t *ack_len)
{
	const size_t ip = 14, l4 = 14 + 20;
	const __u32 seq = 0x2a000100;
	unsigned char addr[4];

	*synack_len = build_frame(synack, 4, 0, PKT_SYNACK);
	synack[l4 + 1] = 0x41;                             /* source port 40001 */
	put32(synack + l4 + 4, seq);

	*ack_len = build_frame(ack, 4, 0, PKT_ACK);
	memcpy(addr, ack + ip + 12, 4);                    /* from the client */
	memcpy(ack + ip + 12, ack + ip + 16, 4);
	memcpy(ack + ip + 16, addr, 4);
	ack[l4] = 0x01; ack[l4 + 1] = 0xbb;                /* 443 */
	ack[l4 + 2] = 0x9c; ack[l4 + 3] = 0x41;            /* 40001 */
	put32(ack + l4 + 8, seq + 1);
}

static long long ring_full(int counters_fd)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 values[512];
	__u32 key = TCPLAT_CNT_RINGBUF_FULL;
	long long sum = 0;

	if (ncpu > 512 || bpf_map_lookup_elem(counters_fd, &key, values))
		return -1;
	for (int i = 0; i < ncpu; i++)
		sum += values[i];
	return sum;
}

int main(int argc, char **argv)
{
	int repeat = 200000, rounds = 15, opt;
	struct bpf_object *tcplat, *empty;
	struct ring_buffer *rb;
	unsigned char frame[256], synack[256], ack[256];
	size_t synack_len, ack_len;
	double empty_ns[64], empty1_ns[64], complete_ns[64];
	int empty_fd, counters_fd, egress_fd, ingress_fd, pairs;
	long long full_before, acks = 0, unmatched = 0;
	unsigned int c;

	while ((opt = getopt(argc, argv, "r:n:")) != -1) {
		if (opt == 'r')
			repeat = atoi(optarg);
		else if (opt == 'n')
			rounds = atoi(optarg);
		else
			goto usage;
	}
	if (optind != argc - 1 || repeat < 1 || rounds < 1 || rounds > 64)
		goto usage;
	if ((unsigned long long)repeat * (TCPLAT_EVENT_SIZE + 8) > RING_BYTES) {
		fprintf(stderr, "pktbench: repeat %d overflows the %u-byte ring\n", repeat, RING_BYTES);
		return 2;
	}

	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	tcplat = open_obj(argv[optind], "tcplat.bpf.o");
	empty = open_obj(argv[optind], "bench/empty.bpf.o");
	bpf_map__set_max_entries(bpf_object__find_map_by_name(tcplat, "events"), RING_BYTES);
	if (bpf_object__load(tcplat) || bpf_object__load(empty)) {
		fprintf(stderr, "pktbench: loading the BPF objects failed (root needed)\n");
		return 1;
	}
	empty_fd = bpf_program__fd(bpf_object__find_program_by_name(empty, "bench_empty"));
	counters_fd = bpf_map__fd(bpf_object__find_map_by_name(tcplat, "counters"));
	rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(tcplat, "events")), count_acks, &acks, NULL);
	if (!rb)
		return 1;
	full_before = ring_full(counters_fd);
	forget_synacks(tcplat);
	egress_fd = bpf_program__fd(bpf_object__find_program_by_name(tcplat, "tcplat_egress_eth"));
	ingress_fd = bpf_program__fd(bpf_object__find_program_by_name(tcplat, "tcplat_ingress_eth"));
	completion_frames(synack, &synack_len, ack, &ack_len);
	pairs = repeat / 100 > 0 ? repeat / 100 : 1;

	for (int r = 0; r < rounds; r++) {
		build_frame(frame, 4, 0, PKT_ACK);
		empty_ns[r] = run_once(empty_fd, frame, build_frame(frame, 4, 0, PKT_ACK), repeat);
		for (c = 0; c < NCASES; c++) {
			struct bench_case *k = &cases[c];
			int fd = bpf_program__fd(bpf_object__find_program_by_name(tcplat, k->prog));
			size_t len = build_frame(frame, k->family, k->vlans, k->pkt);

			k->ns[r] = run_once(fd, frame, len, repeat);
			ring_buffer__consume(rb);
		}

		/* a SYN-ACK, then the ACK that completes it; each ACK is timed */
		ring_buffer__consume(rb);
		acks = 0;
		empty1_ns[r] = complete_ns[r] = 0;
		for (int i = 0; i < pairs; i++) {
			empty1_ns[r] += run_once(empty_fd, ack, ack_len, 1);
			run_once(egress_fd, synack, synack_len, 1);
			complete_ns[r] += run_once(ingress_fd, ack, ack_len, 1);
		}
		empty1_ns[r] /= pairs;
		complete_ns[r] /= pairs;
		ring_buffer__consume(rb);
		unmatched += pairs - acks;  /* ACKs that did not match */
		forget_synacks(tcplat);
	}

	double base = median(empty_ns, rounds);
	int missed = 0;

	printf("# BPF_PROG_TEST_RUN, repeat %d, median of %d rounds; ns per run\n", repeat, rounds);
	printf("%-34s %8s %8s %8s %s\n", "case", "ns", "excess", "target", "");
	printf("%-34s %8.1f %8s %8s\n", "empty TC program", base, "-", "-");
	for (c = 0; c < NCASES; c++) {
		struct bench_case *k = &cases[c];
		double ns = median(k->ns, rounds), excess = ns - base;
		char target[16] = "-";
		const char *verdict = "";

		if (k->target_ns > 0) {
			snprintf(target, sizeof(target), "+%.0f", k->target_ns);
			verdict = excess <= k->target_ns ? "ok" : "MISSED";
			missed += excess > k->target_ns;
		}
		printf("%-34s %8.1f %+8.1f %8s %s\n", k->name, ns, excess, target, verdict);
	}
	double base1 = median(empty1_ns, rounds), complete = median(complete_ns, rounds);

	printf("%-34s %8.1f %8s %8s\n", "empty TC program, 1 run per call", base1, "-", "-");
	printf("%-34s %8.1f %+8.1f %8s\n", "ipv4 ACK completing a handshake", complete, complete - base1, "-");
	printf("targets missed: %d; ring-full drops during the run: %lld; completing ACKs that did not match: %lld\n",
	       missed, ring_full(counters_fd) - full_before, unmatched);
	ring_buffer__free(rb);
	bpf_object__close(tcplat);
	bpf_object__close(empty);
	return 0;

usage:
	fprintf(stderr, "usage: pktbench [-r repeat] [-n rounds] BUILD_DIR\n");
	return 2;
}
