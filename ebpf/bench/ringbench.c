// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Ring-buffer benchmarks around evgen.bpf.o, the synthetic event generator.
 *
 *   ringbench ref [-e events] [-n rounds]
 *       The reference consumer: fills a private ring with `events` events,
 *       then drains it with libbpf's ring_buffer__consume() and does the work
 *       the exporter does per event (decode, match SYN and SYN-ACK on the full
 *       tuple in an open-addressing table, find the peer, increment two
 *       histograms). Prints the median drain rate in events/s.
 *   ringbench fill -p PID [-e events]
 *       Writes `events` events into the ring buffer of process PID (an
 *       exporter that owns exactly one BPF ring) and exits.
 *   ringbench produce -p PID -r RATE [-s seconds]
 *       Feeds that ring at RATE events/s for `seconds`, in 1 ms steps; prints
 *       the events produced and how many found the ring full.
 *
 * The generator runs under BPF_PROG_TEST_RUN with a repeat count, so one
 * syscall produces a whole step of events at about 60 ns each.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tcplat_abi.h"

#define BPF_MAP_TYPE_RINGBUF_ID 27

/* The generator's .bss, as evgen.bpf.c declares it. */
struct evgen_stats {
	__u64 runs;
	__u64 dropped;
	__u64 emitted;
};

struct generator {
	struct bpf_object *obj;
	int prog_fd;
	int bss_fd;
};

static const char *build_dir = "ebpf/build";

static void die(const char *what)
{
	fprintf(stderr, "ringbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* The id of the only BPF ring buffer map process pid holds, from /proc/PID/fdinfo. */
static int ring_of_process(int pid)
{
	char dir[64], path[320], line[128];
	struct dirent *d;
	int id = -1, found = 0;
	DIR *fds;

	snprintf(dir, sizeof(dir), "/proc/%d/fdinfo", pid);
	fds = opendir(dir);
	if (!fds)
		die(dir);
	while ((d = readdir(fds))) {
		int type = -1, map_id = -1;
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			sscanf(line, "map_type: %d", &type);
			sscanf(line, "map_id: %d", &map_id);
		}
		fclose(f);
		if (type == BPF_MAP_TYPE_RINGBUF_ID && map_id >= 0 && map_id != id) {
			id = map_id;
			found++;
		}
	}
	closedir(fds);
	if (found != 1) {
		fprintf(stderr, "ringbench: process %d holds %d BPF ring buffers, expected exactly one\n", pid, found);
		exit(1);
	}
	return id;
}

/* Loads the generator; with ring_fd >= 0 it writes into that ring, else into its own. */
static void generator_open(struct generator *g, int ring_fd, __u32 ring_bytes)
{
	char path[512];
	struct bpf_map *events, *map;
	snprintf(path, sizeof(path), "%s/bench/evgen.bpf.o", build_dir);
	g->obj = bpf_object__open_file(path, NULL);
	if (!g->obj)
		die(path);
	events = bpf_object__find_map_by_name(g->obj, "events");
	if (ring_fd >= 0) {
		if (bpf_map__reuse_fd(events, ring_fd))
			die("reusing the exporter's ring");
	} else {
		bpf_map__set_max_entries(events, ring_bytes);
	}
	if (bpf_object__load(g->obj))
		die("loading evgen.bpf.o");
	g->prog_fd = bpf_program__fd(bpf_object__find_program_by_name(g->obj, "evgen"));
	g->bss_fd = -1;
	/* read with a lookup: libbpf 1.1 leaves bpf_map__initial_value() pointing
	 * at its own copy, not at the loaded map */
	bpf_object__for_each_map(map, g->obj) {
		const char *name = bpf_map__name(map);
		size_t len = strlen(name);

		if (len >= 4 && !strcmp(name + len - 4, ".bss"))
			g->bss_fd = bpf_map__fd(map);
	}
	if (g->bss_fd < 0)
		die("finding the generator's .bss");
}

static struct evgen_stats stats_of(const struct generator *g)
{
	struct evgen_stats s;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(g->bss_fd, &zero, &s))
		die("reading the generator's counters");
	return s;
}

static void generate(struct generator *g, int count)
{
	static unsigned char frame[64] = { [12] = 0x88, [13] = 0xb5 };  /* local experimental ethertype */
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = sizeof(frame), .repeat = count);

	if (count > 0 && bpf_prog_test_run_opts(g->prog_fd, &opts))
		die("BPF_PROG_TEST_RUN of the generator");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the reference consumer ---- */

struct tuple {
	__u8 local[16];
	__u8 remote[16];
	__u16 local_port;
	__u16 remote_port;
	__u8 family;
};

struct pending {
	struct tuple key;
	__u8 used;
	__u32 seq;
	__u64 syn_ns;
};

#define PENDING_SLOTS (1u << 17)
#define PEER_SLOTS (1u << 14)
#define NBUCKETS 17

static const __u64 bounds_ns[NBUCKETS] = {
	50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000, 25000000, 50000000,
	100000000, 250000000, 500000000, 1000000000, 2500000000ull, 5000000000ull, 10000000000ull,
};

struct histogram {
	__u64 count[NBUCKETS + 1];
	__u64 sum_ns;
};

struct peer {
	__u8 used;
	__u8 family;
	__u8 addr[16];
	struct histogram rtt, connect;
};

struct consumer {
	struct pending pending[PENDING_SLOTS];
	struct peer peers[PEER_SLOTS];
	__u64 matched, unmatched, events;
};

static __u64 hash_bytes(const void *p, size_t len)
{
	const __u8 *b = p;
	__u64 h = len, w;
	size_t i;

	/* eight bytes per multiply-xorshift round, then the tail */
	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, b + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 32;
	}
	for (; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

static void observe(struct histogram *h, __u64 ns)
{
	int i = 0;

	while (i < NBUCKETS && ns > bounds_ns[i])
		i++;
	h->count[i]++;
	h->sum_ns += ns;
}

static struct peer *peer_of(struct consumer *c, int family, const __u8 *addr)
{
	__u32 slot = hash_bytes(addr, 16) & (PEER_SLOTS - 1);

	while (c->peers[slot].used) {
		struct peer *p = &c->peers[slot];

		if (p->family == family && !memcmp(p->addr, addr, 16))
			return p;
		slot = (slot + 1) & (PEER_SLOTS - 1);
	}
	c->peers[slot].used = 1;
	c->peers[slot].family = family;
	memcpy(c->peers[slot].addr, addr, 16);
	return &c->peers[slot];
}

static __u32 pending_find(struct consumer *c, const struct tuple *k, int *found)
{
	__u32 slot = hash_bytes(k, sizeof(*k)) & (PENDING_SLOTS - 1);

	while (c->pending[slot].used) {
		if (!memcmp(&c->pending[slot].key, k, sizeof(*k))) {
			*found = 1;
			return slot;
		}
		slot = (slot + 1) & (PENDING_SLOTS - 1);
	}
	*found = 0;
	return slot;
}

/* Backward-shift deletion, as the exporter's table does. */
static void pending_remove(struct consumer *c, __u32 hole)
{
	__u32 slot = hole;

	c->pending[hole].used = 0;
	for (;;) {
		slot = (slot + 1) & (PENDING_SLOTS - 1);
		if (!c->pending[slot].used)
			return;
		__u32 home = hash_bytes(&c->pending[slot].key, sizeof(struct tuple)) & (PENDING_SLOTS - 1);
		/* move it into the hole unless its home lies cyclically in (hole, slot] */
		if ((slot > hole && (home <= hole || home > slot)) || (slot < hole && home <= hole && home > slot)) {
			c->pending[hole] = c->pending[slot];
			c->pending[slot].used = 0;
			hole = slot;
		}
	}
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct consumer *c = ctx;
	struct tcplat_event e;
	struct tuple k;
	int found;
	__u32 slot;
	int egress;

	if (size != sizeof(e))
		return 0;
	memcpy(&e, data, sizeof(e));
	c->events++;
	egress = e.direction == TCPLAT_DIR_EGRESS;
	memset(&k, 0, sizeof(k));
	k.family = e.family;
	memcpy(k.local, egress ? e.saddr : e.daddr, 16);
	memcpy(k.remote, egress ? e.daddr : e.saddr, 16);
	k.local_port = egress ? e.sport : e.dport;
	k.remote_port = egress ? e.dport : e.sport;
	slot = pending_find(c, &k, &found);
	if (e.kind == TCPLAT_EV_SYN && egress) {
		c->pending[slot].used = 1;
		c->pending[slot].key = k;
		c->pending[slot].seq = e.seq;
		c->pending[slot].syn_ns = e.ts_ns;
	} else if (e.kind == TCPLAT_EV_SYNACK && !egress) {
		if (!found || e.ack != c->pending[slot].seq + 1) {
			c->unmatched++;
			return 0;
		}
		__u64 rtt = e.ts_ns - c->pending[slot].syn_ns;
		struct peer *p = peer_of(c, k.family, k.remote);

		observe(&p->rtt, rtt);
		observe(&p->connect, rtt);
		pending_remove(c, slot);
		c->matched++;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int run_ref(int events, int rounds)
{
	struct consumer *c = calloc(1, sizeof(*c));
	struct generator g = { 0 };
	struct ring_buffer *rb;
	double rates[64];
	__u32 ring = 1u << 28;

	if (!c)
		die("allocating the consumer");
	if ((unsigned long long)events * (TCPLAT_EVENT_SIZE + 8) > ring) {
		fprintf(stderr, "ringbench: %d events do not fit a %u-byte ring\n", events, ring);
		return 2;
	}
	generator_open(&g, -1, ring);
	rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(g.obj, "events")), on_event, c, NULL);
	if (!rb)
		die("ring_buffer__new");
	for (int r = 0; r < rounds; r++) {
		__u64 before = c->events;

		generate(&g, events);
		double t0 = now_s();
		ring_buffer__consume(rb);
		double t1 = now_s();
		rates[r] = (c->events - before) / (t1 - t0);
	}
	qsort(rates, rounds, sizeof(*rates), cmp_double);
	printf("ref_events_per_s %.0f\n", rates[rounds / 2]);
	printf("ref_matched %llu\nref_unmatched %llu\nref_dropped %llu\n", (unsigned long long)c->matched,
	       (unsigned long long)c->unmatched, (unsigned long long)stats_of(&g).dropped);
	ring_buffer__free(rb);
	bpf_object__close(g.obj);
	free(c);
	return 0;
}

/* ---- feeding an exporter's ring ---- */

static void open_foreign(struct generator *g, int pid)
{
	int id = ring_of_process(pid), fd = bpf_map_get_fd_by_id(id);

	if (fd < 0)
		die("opening the exporter's ring by id");
	generator_open(g, fd, 0);
}

static int run_fill(int pid, int events)
{
	struct generator g = { 0 };

	open_foreign(&g, pid);
	generate(&g, events);
	struct evgen_stats st = stats_of(&g);

	printf("emitted %llu\ndropped %llu\n", (unsigned long long)st.emitted, (unsigned long long)st.dropped);
	return 0;
}

static int run_produce(int pid, double rate, double seconds)
{
	struct generator g = { 0 };
	double start, credit = 0, step = 0.001;
	struct timespec next;

	open_foreign(&g, pid);
	clock_gettime(CLOCK_MONOTONIC, &next);
	start = now_s();
	while (now_s() - start < seconds) {
		/* the events due in this step; a late step catches up, at most 10 steps' worth */
		credit += rate * step;
		if (credit > rate * step * 10)
			credit = rate * step * 10;
		generate(&g, (int)credit);
		credit -= (int)credit;
		next.tv_nsec += 1000000;
		if (next.tv_nsec >= 1000000000) {
			next.tv_nsec -= 1000000000;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	double elapsed = now_s() - start;

	struct evgen_stats st = stats_of(&g);

	printf("emitted %llu\ndropped %llu\nseconds %.3f\n", (unsigned long long)st.emitted,
	       (unsigned long long)st.dropped, elapsed);
	return 0;
}

int main(int argc, char **argv)
{
	int events = 1 << 20, rounds = 7, pid = 0, opt;
	double rate = 0, seconds = 5;
	const char *mode;

	if (argc < 2)
		goto usage;
	mode = argv[1];
	optind = 2;
	while ((opt = getopt(argc, argv, "e:n:p:r:s:b:")) != -1) {
		switch (opt) {
		case 'e': events = atoi(optarg); break;
		case 'n': rounds = atoi(optarg); break;
		case 'p': pid = atoi(optarg); break;
		case 'r': rate = atof(optarg); break;
		case 's': seconds = atof(optarg); break;
		case 'b': build_dir = optarg; break;
		default: goto usage;
		}
	}
	if (rounds < 1 || rounds > 64 || events < 1)
		goto usage;
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	if (!strcmp(mode, "ref"))
		return run_ref(events, rounds);
	if (!strcmp(mode, "fill") && pid > 0)
		return run_fill(pid, events);
	if (!strcmp(mode, "produce") && pid > 0 && rate > 0)
		return run_produce(pid, rate, seconds);
usage:
	fprintf(stderr, "usage: ringbench ref [-e events] [-n rounds] [-b build_dir]\n"
			"       ringbench fill -p PID [-e events] [-b build_dir]\n"
			"       ringbench produce -p PID -r RATE [-s seconds] [-b build_dir]\n");
	return 2;
}
