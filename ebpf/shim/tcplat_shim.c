// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The native shim over libbpf: open/load, attach/detach, drain the ring into
 * a caller-owned buffer, read counters, test-run. Every failure returns
 * -errno and leaves a one-line, actionable message in the calling thread's
 * last_error.
 *
 * Written against libbpf 1.1.2 (Debian 12), which predates the TCX API:
 * TCX links are created with plain bpf_link_create().
 */
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tcplat_abi.h"
#include "tcplat_shim.h"

#define API __attribute__((visibility("default")))

/* enum bpf_attach_type values from Linux 6.6 uapi, absent from libbpf 1.1.2's
 * headers; own names so a newer bpf.h, where they are enumerators, still
 * compiles. */
#define TCPLAT_BPF_TCX_INGRESS 46
#define TCPLAT_BPF_TCX_EGRESS 47

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif

#ifndef ARPHRD_RAWIP
#define ARPHRD_RAWIP 519  /* linux/if_arp.h; glibc's net/if_arp.h lacks it */
#endif

/*
 * Legacy clsact filters: priority 0x7c1 (1985) with handle 0x7c1a7 is ours
 * and only ours, so a filter found there is either this handle's or a
 * leftover of an earlier run. The priority is low enough to run before
 * filters that got the kernel's automatic priority (49152 and down) and
 * stays clear of 1, which many tools use.
 */
#define TCPLAT_TC_PRIORITY 0x7c1
#define TCPLAT_TC_HANDLE 0x7c1a7

#define MAX_ATTACHMENTS 64

enum { HOOK_INGRESS = 0, HOOK_EGRESS = 1 };

static const char *const hook_names[] = { "ingress", "egress" };

/* Index = enum tcplat_program. */
static const char *const prog_names[] = {
	"tcplat_ingress_eth",
	"tcplat_egress_eth",
	"tcplat_ingress_l3",
	"tcplat_egress_l3",
};
#define PROG_COUNT (sizeof(prog_names) / sizeof(prog_names[0]))

struct attachment {
	int ifindex;         /* 0: free slot */
	int mode;            /* TCPLAT_ATTACH_TCX or TCPLAT_ATTACH_TC */
	int link_fd[2];      /* TCX: per hook */
	__u32 prog_id[2];    /* TC: the program we attached, per hook */
	bool created_qdisc;  /* TC: the clsact qdisc is ours to remove */
};

struct tcplat {
	struct bpf_object *obj;
	struct bpf_program *progs[PROG_COUNT];
	struct bpf_program *forget;  /* run, never attached: see tcplat_forget_synack() */
	int counters_fd;
	struct ring_buffer *rb;

	/* Drain state, touched only by the polling thread. */
	unsigned char *out;
	int out_cap;
	int out_count;
	bool out_full;
	unsigned long long bad_records;

	/* Touched only by the attaching thread. */
	struct attachment att[MAX_ATTACHMENTS];
};

static __thread char last_error[256];
/* The first libbpf warning since reset_libbpf_warning(), for our message;
 * with libbpf_quiet it is only kept, not printed: netlink calls warn with
 * the kernel's extack text even where a failure is expected and handled. */
static __thread char libbpf_warning[160];
static __thread bool libbpf_quiet;

static int fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return err;
}

/* fail() for the shim's other source files. */
int tcplat_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int tcplat_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return err;
}

/* Warnings go to stderr (unless quiet) and the first one is kept; info and
 * debug output (a page per load) are dropped. */
static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static const char prefix[] = "libbpf: ";
	char *msg = libbpf_warning;
	va_list copy;
	size_t len;

	if (level != LIBBPF_WARN)
		return 0;
	if (!libbpf_warning[0]) {
		va_copy(copy, ap);
		vsnprintf(libbpf_warning, sizeof(libbpf_warning), fmt, copy);
		va_end(copy);
		if (!strncmp(msg, prefix, sizeof(prefix) - 1))
			memmove(msg, msg + sizeof(prefix) - 1, strlen(msg) - (sizeof(prefix) - 1) + 1);
		len = strlen(msg);
		if (len && msg[len - 1] == '\n')
			msg[len - 1] = '\0';
	}
	if (libbpf_quiet)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void reset_libbpf_warning(bool quiet)
{
	libbpf_warning[0] = '\0';
	libbpf_quiet = quiet;
}

/* The kernel's or libbpf's own words for the last failure. */
static const char *libbpf_detail(void)
{
	return libbpf_warning[0] ? libbpf_warning : "no detail";
}

static bool has_effective_cap(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data))
		return true;  /* unknown: do not blame capabilities */
	return data[cap / 32].effective & (1u << (cap % 32));
}

API int tcplat_abi_version(void)
{
	return TCPLAT_ABI_VERSION;
}

API int tcplat_event_size(void)
{
	return TCPLAT_EVENT_SIZE;
}

API const char *tcplat_last_error(void)
{
	return last_error;
}

/*
 * Copies one record into the caller's buffer. libbpf 1.1.2's
 * ringbuf_process_ring() advances the consumer position past a record before
 * calling back and, on a negative return, publishes that position and stops.
 * So returning -ENOBUFS once the buffer is full, after the copy, loses
 * nothing and leaves the rest in the ring for the next call.
 */
static int on_record(void *ctx, void *data, size_t size)
{
	struct tcplat *t = ctx;

	if (size != TCPLAT_EVENT_SIZE) {
		/* cannot happen with a matching object; skip rather than misparse */
		if (!t->bad_records++)
			fprintf(stderr, "tcplat: skipping ring records of %zu bytes, expected %d: the BPF object and "
				"libtcplat.so come from different builds\n", size, TCPLAT_EVENT_SIZE);
		return 0;
	}
	memcpy(t->out + (size_t)t->out_count * TCPLAT_EVENT_SIZE, data, TCPLAT_EVENT_SIZE);
	if (++t->out_count == t->out_cap) {
		t->out_full = true;
		return -ENOBUFS;
	}
	return 0;
}

API int tcplat_open(const void *obj, size_t obj_len, uint32_t ring_bytes, struct tcplat **out)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "tcplat");
	long page = sysconf(_SC_PAGESIZE);
	struct bpf_map *events, *counters;
	struct tcplat *t;
	unsigned int i;
	int err;

	if (!obj || !obj_len || !out)
		return fail(-EINVAL, "tcplat_open: object and result pointer must not be null");
	*out = NULL;
	if (ring_bytes < (uint32_t)page || (ring_bytes & (ring_bytes - 1)))
		return fail(-EINVAL, "ring buffer size %u is invalid: use a power of two of at least %ld bytes, e.g. 1048576",
			    ring_bytes, page);

	libbpf_set_print(print_libbpf);
	reset_libbpf_warning(false);

	t = calloc(1, sizeof(*t));
	if (!t)
		return fail(-ENOMEM, "out of memory allocating the probe handle");

	t->obj = bpf_object__open_mem(obj, obj_len, &opts);
	if (!t->obj) {
		err = -errno;
		fail(err, "the embedded BPF object is unreadable (%s): rebuild the exporter", strerror(-err));
		goto err_free;
	}
	for (i = 0; i < PROG_COUNT; i++) {
		t->progs[i] = bpf_object__find_program_by_name(t->obj, prog_names[i]);
		if (!t->progs[i]) {
			err = fail(-ENOENT, "the BPF object has no program %s: the object and libtcplat.so come from different builds",
				   prog_names[i]);
			goto err_close;
		}
	}
	t->forget = bpf_object__find_program_by_name(t->obj, "tcplat_forget");
	if (!t->forget) {
		err = fail(-ENOENT, "the BPF object has no program tcplat_forget: the object and libtcplat.so come from different builds");
		goto err_close;
	}
	events = bpf_object__find_map_by_name(t->obj, "events");
	counters = bpf_object__find_map_by_name(t->obj, "counters");
	if (!events || !counters) {
		err = fail(-ENOENT, "the BPF object lacks the events or counters map: the object and libtcplat.so come from different builds");
		goto err_close;
	}
	err = bpf_map__set_max_entries(events, ring_bytes);
	if (err) {
		fail(err, "setting the ring buffer size to %u failed: %s", ring_bytes, strerror(-err));
		goto err_close;
	}

	err = bpf_object__load(t->obj);
	if (err) {
		if (err == -EPERM)
			fail(err, "loading the BPF program was refused (EPERM): it needs CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN (or root)");
		else if (err == -EACCES && !has_effective_cap(CAP_PERFMON))
			/* without it the verifier forbids variable offsets into packets
			 * ("pointer arithmetic with it prohibited for !root") */
			fail(err, "the verifier rejected the program because CAP_PERFMON is missing: grant CAP_PERFMON "
			     "alongside CAP_BPF and CAP_NET_ADMIN (or run as root)");
		else
			fail(err, "loading the BPF program failed (%s)%s%s; the verifier log, if any, is on stderr",
			     strerror(-err), libbpf_warning[0] ? ": " : "", libbpf_warning);
		goto err_close;
	}
	t->counters_fd = bpf_map__fd(counters);

	t->rb = ring_buffer__new(bpf_map__fd(events), on_record, t, NULL);
	if (!t->rb) {
		err = -errno;
		fail(err, "setting up the ring buffer reader failed (%s)", strerror(-err));
		goto err_close;
	}
	*out = t;
	return 0;

err_close:
	bpf_object__close(t->obj);
err_free:
	free(t);
	return err;
}

static struct attachment *find_attachment(struct tcplat *t, int ifindex)
{
	for (int i = 0; i < MAX_ATTACHMENTS; i++)
		if (t->att[i].ifindex == ifindex)
			return &t->att[i];
	return NULL;
}

/* Picks the Ethernet or the L3 program pair from the device's link type. */
static int select_programs(int ifindex, const char *name, bool *l3)
{
	struct ifreq ifr = { 0 };
	int fd, err, type;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(-errno, "creating a socket to query interface %s failed (%s)", name, strerror(errno));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	err = ioctl(fd, SIOCGIFHWADDR, &ifr) ? -errno : 0;
	close(fd);
	if (err == -ENODEV)
		return fail(err, "interface index %d not found", ifindex);
	if (err)
		return fail(err, "reading the link type of %s (index %d) failed (%s)", name, ifindex, strerror(-err));

	type = ifr.ifr_hwaddr.sa_family;
	switch (type) {
	case ARPHRD_ETHER:
	case ARPHRD_LOOPBACK:
		*l3 = false;
		return 0;
	case ARPHRD_NONE:   /* tun, WireGuard */
	case ARPHRD_RAWIP:
	case ARPHRD_PPP:
	case ARPHRD_TUNNEL:
	case ARPHRD_TUNNEL6:
	case ARPHRD_SIT:
	case ARPHRD_IPGRE:
		*l3 = true;
		return 0;
	default:
		return fail(-EOPNOTSUPP, "interface %s (index %d) has link type %d (ARPHRD_*), which tcplat cannot parse: "
			    "only Ethernet, loopback and IP-only devices are supported", name, ifindex, type);
	}
}

static int attach_tcx(struct attachment *a, int ifindex, const char *name, const int prog_fd[2])
{
	static const int types[2] = { TCPLAT_BPF_TCX_INGRESS, TCPLAT_BPF_TCX_EGRESS };
	int hook, fd, err;

	for (hook = HOOK_INGRESS; hook <= HOOK_EGRESS; hook++) {
		fd = bpf_link_create(prog_fd[hook], ifindex, types[hook], NULL);
		if (fd < 0) {
			err = -errno;
			if (hook == HOOK_EGRESS)
				close(a->link_fd[HOOK_INGRESS]);
			if (err == -EINVAL || err == -EOPNOTSUPP)
				return fail(err, "this kernel does not support TCX links (Linux 6.6+): use attach mode tc or auto");
			if (err == -EPERM)
				return fail(err, "attaching to %s was refused (EPERM): it needs CAP_NET_ADMIN and CAP_BPF (or root)", name);
			return fail(err, "attaching to %s (index %d) %s via TCX failed (%s)",
				    name, ifindex, hook_names[hook], strerror(-err));
		}
		a->link_fd[hook] = fd;
	}
	return 0;
}

/* Whether prog_id names one of our four programs. The kernel keeps the first
 * BPF_OBJ_NAME_LEN - 1 characters of a program name. */
static bool prog_is_ours(__u32 prog_id)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	unsigned int i;
	int fd, err;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return false;
	memset(&info, 0, sizeof(info));
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	if (err)
		return false;
	for (i = 0; i < PROG_COUNT; i++)
		if (!strncmp(info.name, prog_names[i], BPF_OBJ_NAME_LEN - 1))
			return true;
	return false;
}

static int tc_attach_hook(int ifindex, const char *name, int hook, int prog_fd, __u32 *prog_id)
{
	LIBBPF_OPTS(bpf_tc_hook, h, .ifindex = ifindex,
		    .attach_point = hook == HOOK_INGRESS ? BPF_TC_INGRESS : BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, q, .handle = TCPLAT_TC_HANDLE, .priority = TCPLAT_TC_PRIORITY);
	LIBBPF_OPTS(bpf_tc_opts, o, .handle = TCPLAT_TC_HANDLE, .priority = TCPLAT_TC_PRIORITY,
		    .prog_fd = prog_fd);
	int err;

	err = bpf_tc_query(&h, &q);
	if (!err) {
		if (!prog_is_ours(q.prog_id))
			return fail(-EEXIST, "%s (index %d) %s already has a filter at priority %u handle 0x%x running "
				    "BPF program id %u, which is not tcplat's: remove it or use attach mode tcx",
				    name, ifindex, hook_names[hook], TCPLAT_TC_PRIORITY, TCPLAT_TC_HANDLE, q.prog_id);
		fprintf(stderr, "tcplat: replacing a leftover tcplat filter (program id %u) on %s %s, "
			"priority %u handle 0x%x\n", q.prog_id, name, hook_names[hook],
			TCPLAT_TC_PRIORITY, TCPLAT_TC_HANDLE);
		o.flags = BPF_TC_F_REPLACE;
	}
	/* Otherwise the query failed with ENOENT, or with EINVAL both when the
	 * chain is empty and when a filter of another kind or protocol holds our
	 * priority; the exclusive create tells these apart. */

	reset_libbpf_warning(true);
	err = bpf_tc_attach(&h, &o);
	if (err == -EEXIST || (err == -EINVAL && !o.flags))
		return fail(-EEXIST, "%s (index %d) %s: cannot add a filter at priority %u handle 0x%x (%s): "
			    "another filter holds that priority; remove it or use attach mode tcx",
			    name, ifindex, hook_names[hook], TCPLAT_TC_PRIORITY, TCPLAT_TC_HANDLE, libbpf_detail());
	if (err == -EPERM)
		return fail(err, "attaching to %s was refused (EPERM): it needs CAP_NET_ADMIN and CAP_BPF (or root)", name);
	if (err)
		return fail(err, "attaching a clsact filter to %s (index %d) %s failed (%s: %s)",
			    name, ifindex, hook_names[hook], strerror(-err), libbpf_detail());
	*prog_id = o.prog_id;
	return 0;
}

/* Removes our filter from one hook if it still runs our program. */
static int tc_detach_hook(int ifindex, int hook, __u32 prog_id)
{
	LIBBPF_OPTS(bpf_tc_hook, h, .ifindex = ifindex,
		    .attach_point = hook == HOOK_INGRESS ? BPF_TC_INGRESS : BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, q, .handle = TCPLAT_TC_HANDLE, .priority = TCPLAT_TC_PRIORITY);
	LIBBPF_OPTS(bpf_tc_opts, d, .handle = TCPLAT_TC_HANDLE, .priority = TCPLAT_TC_PRIORITY);
	int err;

	err = bpf_tc_query(&h, &q);
	if (err == -ENOENT || err == -ENODEV || err == -EINVAL)
		return 0;  /* gone already, with the device or the qdisc */
	if (err)
		return fail(err, "checking our filter on index %d %s failed (%s)", ifindex, hook_names[hook],
			    strerror(-err));
	if (q.prog_id != prog_id)
		return fail(-EBUSY, "the filter at priority %u handle 0x%x on index %d %s now runs program id %u, "
			    "not ours (%u): left in place", TCPLAT_TC_PRIORITY, TCPLAT_TC_HANDLE, ifindex,
			    hook_names[hook], q.prog_id, prog_id);
	err = bpf_tc_detach(&h, &d);
	if (err && err != -ENOENT && err != -ENODEV)
		return fail(err, "removing our filter from index %d %s failed (%s)", ifindex, hook_names[hook],
			    strerror(-err));
	return 0;
}

static int tc_detach(struct attachment *a)
{
	LIBBPF_OPTS(bpf_tc_hook, h, .ifindex = a->ifindex, .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	int hook, err, first = 0;

	for (hook = HOOK_INGRESS; hook <= HOOK_EGRESS; hook++) {
		if (!a->prog_id[hook])
			continue;
		err = tc_detach_hook(a->ifindex, hook, a->prog_id[hook]);
		if (err && !first)
			first = err;
	}
	/* The qdisc goes only if we made it and both our filters were still in
	 * place: a replaced filter means someone else now uses this clsact. */
	if (a->created_qdisc && !first) {
		err = bpf_tc_hook_destroy(&h);
		if (err && err != -ENOENT && err != -ENODEV && err != -EINVAL)
			first = fail(err, "removing the clsact qdisc we created on index %d failed (%s)",
				     a->ifindex, strerror(-err));
	}
	return first;
}

static int attach_tc(struct attachment *a, int ifindex, const char *name, const int prog_fd[2])
{
	LIBBPF_OPTS(bpf_tc_hook, h, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	int hook, err;

	err = bpf_tc_hook_create(&h);
	if (err && err != -EEXIST) {
		if (err == -EPERM)
			return fail(err, "creating a clsact qdisc on %s was refused (EPERM): it needs CAP_NET_ADMIN (or root)",
				    name);
		return fail(err, "creating a clsact qdisc on %s (index %d) failed (%s: %s)", name, ifindex,
			    strerror(-err), libbpf_detail());
	}
	a->ifindex = ifindex;
	a->created_qdisc = !err;  /* -EEXIST: somebody else's clsact, never removed by us */

	for (hook = HOOK_INGRESS; hook <= HOOK_EGRESS; hook++) {
		err = tc_attach_hook(ifindex, name, hook, prog_fd[hook], &a->prog_id[hook]);
		if (err) {
			char msg[sizeof(last_error)];

			memcpy(msg, last_error, sizeof(msg));
			tc_detach(a);
			memcpy(last_error, msg, sizeof(msg));
			return err;
		}
	}
	return 0;
}

API int tcplat_attach(struct tcplat *t, int ifindex, int mode)
{
	struct attachment *a, tmp;
	char name[IF_NAMESIZE];
	int prog_fd[2], err;
	bool l3 = false;

	if (!t)
		return fail(-EINVAL, "tcplat_attach: null handle");
	if (mode != TCPLAT_ATTACH_AUTO && mode != TCPLAT_ATTACH_TCX && mode != TCPLAT_ATTACH_TC)
		return fail(-EINVAL, "unknown attach mode %d: use 0 (auto), 1 (tcx) or 2 (tc)", mode);
	if (ifindex <= 0)
		return fail(-EINVAL, "interface index %d is invalid", ifindex);
	if (find_attachment(t, ifindex))
		return fail(-EALREADY, "interface index %d is already attached by this probe", ifindex);
	a = find_attachment(t, 0);
	if (!a)
		return fail(-ENOSPC, "this probe already holds %d attachments, the most it supports", MAX_ATTACHMENTS);
	if (!if_indextoname(ifindex, name))
		return fail(errno == ENXIO || errno == ENODEV ? -ENODEV : -errno,
			    "interface index %d not found", ifindex);

	/* netlink failures here are expected and handled: keep the kernel's
	 * words for our message instead of printing them */
	reset_libbpf_warning(true);
	err = select_programs(ifindex, name, &l3);
	if (err)
		return err;
	prog_fd[HOOK_INGRESS] = bpf_program__fd(t->progs[l3 ? TCPLAT_PROG_INGRESS_L3 : TCPLAT_PROG_INGRESS_ETH]);
	prog_fd[HOOK_EGRESS] = bpf_program__fd(t->progs[l3 ? TCPLAT_PROG_EGRESS_L3 : TCPLAT_PROG_EGRESS_ETH]);

	memset(&tmp, 0, sizeof(tmp));
	tmp.link_fd[0] = tmp.link_fd[1] = -1;
	if (mode != TCPLAT_ATTACH_TC) {
		err = attach_tcx(&tmp, ifindex, name, prog_fd);
		if (!err) {
			tmp.ifindex = ifindex;
			tmp.mode = TCPLAT_ATTACH_TCX;
			*a = tmp;
			return TCPLAT_ATTACH_TCX;
		}
		/* the ifindex exists, so EINVAL here means no TCX in this kernel */
		if (mode == TCPLAT_ATTACH_TCX || (err != -EINVAL && err != -EOPNOTSUPP))
			return err;
	}
	err = attach_tc(&tmp, ifindex, name, prog_fd);
	if (err)
		return err;
	tmp.mode = TCPLAT_ATTACH_TC;
	*a = tmp;
	return TCPLAT_ATTACH_TC;
}

static int detach(struct attachment *a)
{
	int err = 0;

	if (a->mode == TCPLAT_ATTACH_TCX) {
		/* closing the last fd of a TCX link detaches it */
		close(a->link_fd[HOOK_INGRESS]);
		close(a->link_fd[HOOK_EGRESS]);
	} else {
		err = tc_detach(a);
	}
	memset(a, 0, sizeof(*a));
	return err;
}

API int tcplat_detach(struct tcplat *t, int ifindex)
{
	struct attachment *a;

	if (!t)
		return fail(-EINVAL, "tcplat_detach: null handle");
	a = ifindex > 0 ? find_attachment(t, ifindex) : NULL;
	if (!a)
		return fail(-ENOENT, "interface index %d is not attached by this probe", ifindex);
	reset_libbpf_warning(true);
	return detach(a);
}

API int tcplat_poll(struct tcplat *t, void *buf, int max_events, int timeout_ms)
{
	int n;

	if (!t || !buf || max_events <= 0)
		return fail(-EINVAL, "tcplat_poll: needs a handle, a buffer and max_events > 0");
	t->out = buf;
	t->out_cap = max_events;
	t->out_count = 0;
	t->out_full = false;

	n = ring_buffer__consume(t->rb);
	if (n >= 0 && t->out_count == 0 && timeout_ms != 0)
		n = ring_buffer__poll(t->rb, timeout_ms);  /* epoll_wait, then consume */
	if (n < 0 && !t->out_full) {
		if (n == -EINTR)
			return t->out_count;
		return fail(n, "reading the ring buffer failed (%s)", strerror(-n));
	}
	return t->out_count;
}

API int tcplat_forget_synack(struct tcplat *t, int family, const void *local, const void *remote,
			     int local_port, int remote_port)
{
	struct tcplat_flow_key key;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &key, .ctx_size_in = sizeof(key));
	int err;

	if (!t || !local || !remote || (family != 4 && family != 6))
		return fail(-EINVAL, "tcplat_forget_synack: needs a handle, family 4 or 6 and both addresses");
	memset(&key, 0, sizeof(key));
	memcpy(key.local, local, family == 4 ? 4 : 16);
	memcpy(key.remote, remote, family == 4 ? 4 : 16);
	key.local_port = local_port;
	key.remote_port = remote_port;
	key.family = family;
	/* Not a plain map delete: the entry's ACK-number slot must be released
	 * by exactly the party that removes it, which takes an atomic
	 * compare-and-swap on the value (see synacks.bpf.h). Returns 0 when its
	 * ACK came after all, or the kernel never stored it. */
	err = bpf_prog_test_run_opts(bpf_program__fd(t->forget), &opts);
	if (err)
		return fail(err, "running tcplat_forget to drop a synacks entry failed (%s)", strerror(-err));
	return (int)opts.retval;
}

API int64_t tcplat_counter(struct tcplat *t, int idx)
{
	int ncpu = libbpf_num_possible_cpus();
	__u32 key = idx;
	int64_t sum = 0;
	__u64 *values;
	int i, err;

	if (!t)
		return fail(-EINVAL, "tcplat_counter: null handle");
	if (idx < 0 || idx >= TCPLAT_CNT__MAX)
		return fail(-EINVAL, "counter index %d is out of range 0..%d", idx, TCPLAT_CNT__MAX - 1);
	if (ncpu < 0)
		return fail(ncpu, "cannot determine the number of possible CPUs (%s)", strerror(-ncpu));
	values = calloc(ncpu, sizeof(*values));
	if (!values)
		return fail(-ENOMEM, "out of memory reading counter %d", idx);
	err = bpf_map_lookup_elem(t->counters_fd, &key, values);
	if (err) {
		err = -errno;
		free(values);
		return fail(err, "reading counter %d failed (%s)", idx, strerror(-err));
	}
	for (i = 0; i < ncpu; i++)
		sum += values[i];
	free(values);
	return sum;
}

/* The kernel reads every test frame as Ethernet (eth_type_trans), also for
 * our L3 programs, and rejects one shorter than 14 bytes or (on recent
 * kernels) one whose ethertype says IPv4/IPv6 without room for that header. */
static bool test_run_too_short(const unsigned char *frame, uint32_t len)
{
	unsigned int type;

	if (len < 14)
		return true;
	type = frame[12] << 8 | frame[13];
	return (type == 0x0800 && len < 14 + 20) || (type == 0x86dd && len < 14 + 40);
}

API int tcplat_test_run(struct tcplat *t, int program, const void *frame, uint32_t len, int32_t *retval)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len, .repeat = 1);
	int err;

	if (!t || !frame || !retval)
		return fail(-EINVAL, "tcplat_test_run: handle, frame and retval must not be null");
	if (program < 0 || program >= (int)PROG_COUNT)
		return fail(-EINVAL, "unknown program %d: use 0..%d (enum tcplat_program)", program,
			    (int)PROG_COUNT - 1);
	err = bpf_prog_test_run_opts(bpf_program__fd(t->progs[program]), &opts);
	if (err) {
		if (err == -EINVAL && test_run_too_short(frame, len))
			return fail(err, "BPF_PROG_TEST_RUN rejects this %u-byte frame: the kernel needs 14 bytes, and a "
				    "whole IPv4 (34) or IPv6 (54) header when bytes 12-13 read 0x0800 or 0x86dd", len);
		return fail(err, "BPF_PROG_TEST_RUN of %s failed (%s)", prog_names[program], strerror(-err));
	}
	*retval = (int32_t)opts.retval;
	return 0;
}

API void tcplat_close(struct tcplat *t)
{
	if (!t)
		return;
	reset_libbpf_warning(true);
	for (int i = 0; i < MAX_ATTACHMENTS; i++)
		if (t->att[i].ifindex)
			detach(&t->att[i]);
	ring_buffer__free(t->rb);
	bpf_object__close(t->obj);
	free(t);
}
