// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The handle's life: the ABI the shim was built with, opening and loading
 * the BPF object with a ring of the requested size, and closing it all.
 *
 * Written against libbpf 1.1.2 (Debian 12).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include <bpf/bpf.h>

#include "tcplat_abi_hash.h"
#include "tcplat_internal.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif

/* Designated: the table follows enum tcplat_program whatever its values. */
const char *const prog_names[TCPLAT_PROG__COUNT] = {
	[TCPLAT_PROG_INGRESS_ETH] = "tcplat_ingress_eth",
	[TCPLAT_PROG_EGRESS_ETH] = "tcplat_egress_eth",
	[TCPLAT_PROG_INGRESS_L3] = "tcplat_ingress_l3",
	[TCPLAT_PROG_EGRESS_L3] = "tcplat_egress_l3",
};

API int tcplat_abi_version(void)
{
	return TCPLAT_ABI_VERSION;
}

API int tcplat_event_size(void)
{
	return TCPLAT_EVENT_SIZE;
}

API uint64_t tcplat_abi_hash(void)
{
	return TCPLAT_ABI_HASH;
}

static bool has_effective_cap(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data))
		return true;  /* unknown: do not blame capabilities */
	return data[cap / 32].effective & (1u << (cap % 32));
}

/* Finds every program and map the shim uses: a missing one means the object
 * was built from other sources than this library. */
static int find_parts(struct tcplat *t, struct bpf_map **events, struct bpf_map **counters)
{
	unsigned int i;

	for (i = 0; i < TCPLAT_PROG__COUNT; i++) {
		t->progs[i] = bpf_object__find_program_by_name(t->obj, prog_names[i]);
		if (!t->progs[i])
			return tcplat_fail(-ENOENT, "the BPF object has no program %s: the object and libtcplat.so come "
					   "from different builds", prog_names[i]);
	}
	t->forget = bpf_object__find_program_by_name(t->obj, "tcplat_forget");
	if (!t->forget)
		return tcplat_fail(-ENOENT, "the BPF object has no program tcplat_forget: the object and libtcplat.so "
				   "come from different builds");
	*events = bpf_object__find_map_by_name(t->obj, "events");
	*counters = bpf_object__find_map_by_name(t->obj, "counters");
	if (!*events || !*counters)
		return tcplat_fail(-ENOENT, "the BPF object lacks the events or counters map: the object and "
				   "libtcplat.so come from different builds");
	return 0;
}

static void explain_load_failure(int err)
{
	const char *warning = libbpf_warning();

	if (err == -EPERM)
		tcplat_fail(err, "loading the BPF program was refused (EPERM): it needs CAP_BPF, CAP_PERFMON and "
			    "CAP_NET_ADMIN (or root)");
	else if (err == -EACCES && !has_effective_cap(CAP_PERFMON))
		/* without it the verifier forbids variable offsets into packets
		 * ("pointer arithmetic with it prohibited for !root") */
		tcplat_fail(err, "the verifier rejected the program because CAP_PERFMON is missing: grant CAP_PERFMON "
			    "alongside CAP_BPF and CAP_NET_ADMIN (or run as root)");
	else
		tcplat_fail(err, "loading the BPF program failed (%s)%s%s; the verifier log, if any, is on stderr",
			    strerror(-err), warning[0] ? ": " : "", warning);
}

API int tcplat_open(const void *obj, size_t obj_len, uint32_t ring_bytes, struct tcplat **out)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "tcplat");
	long page = sysconf(_SC_PAGESIZE);
	struct bpf_map *events = NULL, *counters = NULL;
	struct tcplat *t;
	int err;

	if (!obj || !obj_len || !out)
		return tcplat_fail(-EINVAL, "tcplat_open: object and result pointer must not be null");
	*out = NULL;
	if (ring_bytes < (uint32_t)page || (ring_bytes & (ring_bytes - 1)))
		return tcplat_fail(-EINVAL, "ring buffer size %u is invalid: use a power of two of at least %ld bytes, "
				   "e.g. 1048576", ring_bytes, page);

	tcplat_capture_libbpf_output();
	reset_libbpf_warning(false);

	t = calloc(1, sizeof(*t));
	if (!t)
		return tcplat_fail(-ENOMEM, "out of memory allocating the probe handle");

	t->obj = bpf_object__open_mem(obj, obj_len, &opts);
	if (!t->obj) {
		err = -errno;
		tcplat_fail(err, "the embedded BPF object is unreadable (%s): rebuild the exporter", strerror(-err));
		goto err_free;
	}
	err = find_parts(t, &events, &counters);
	if (err)
		goto err_close;
	err = bpf_map__set_max_entries(events, ring_bytes);
	if (err) {
		tcplat_fail(err, "setting the ring buffer size to %u failed: %s", ring_bytes, strerror(-err));
		goto err_close;
	}

	err = bpf_object__load(t->obj);
	if (err) {
		explain_load_failure(err);
		goto err_close;
	}
	t->counters_fd = bpf_map__fd(counters);

	t->rb = ring_buffer__new(bpf_map__fd(events), on_record, t, NULL);
	if (!t->rb) {
		err = -errno;
		tcplat_fail(err, "setting up the ring buffer reader failed (%s)", strerror(-err));
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

API void tcplat_close(struct tcplat *t)
{
	if (!t)
		return;
	reset_libbpf_warning(true);
	for (int i = 0; i < MAX_ATTACHMENTS; i++)
		if (t->att[i].ifindex)
			attachment_detach(&t->att[i]);
	ring_buffer__free(t->rb);
	bpf_object__close(t->obj);
	free(t);
}
