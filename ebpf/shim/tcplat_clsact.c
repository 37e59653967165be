// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Legacy clsact attachment, for kernels without TCX or when asked for: a
 * direct-action filter per hook at a priority and handle that are ours, a
 * qdisc created only when none was there, and nothing removed that is not
 * still ours.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "tcplat_internal.h"

/*
 * Legacy clsact filters: priority 0x7c1 (1985) with handle 0x7c1a7 is ours
 * and only ours, so a filter found there is either this handle's or a
 * leftover of an earlier run. The priority is low enough to run before
 * filters that got the kernel's automatic priority (49152 and down) and
 * stays clear of 1, which many tools use.
 */
#define TCPLAT_TC_PRIORITY 0x7c1
#define TCPLAT_TC_HANDLE 0x7c1a7

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
	for (i = 0; i < TCPLAT_PROG__COUNT; i++)
		if (!strncmp(info.name, prog_names[i], BPF_OBJ_NAME_LEN - 1))
			return true;
	return false;
}

static int attach_hook(int ifindex, const char *name, int hook, int prog_fd, __u32 *prog_id)
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
			return tcplat_fail(-EEXIST, "%s (index %d) %s already has a filter at priority %u handle 0x%x "
					   "running BPF program id %u, which is not tcplat's: remove it or use attach "
					   "mode tcx", name, ifindex, hook_names[hook], TCPLAT_TC_PRIORITY,
					   TCPLAT_TC_HANDLE, q.prog_id);
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
		return tcplat_fail(-EEXIST, "%s (index %d) %s: cannot add a filter at priority %u handle 0x%x (%s): "
				   "another filter holds that priority; remove it or use attach mode tcx",
				   name, ifindex, hook_names[hook], TCPLAT_TC_PRIORITY, TCPLAT_TC_HANDLE,
				   libbpf_detail());
	if (err == -EPERM)
		return tcplat_fail(err, "attaching to %s was refused (EPERM): it needs CAP_NET_ADMIN and CAP_BPF "
				   "(or root)", name);
	if (err)
		return tcplat_fail(err, "attaching a clsact filter to %s (index %d) %s failed (%s: %s)",
				   name, ifindex, hook_names[hook], strerror(-err), libbpf_detail());
	*prog_id = o.prog_id;
	return 0;
}

/* Removes our filter from one hook if it still runs our program. */
static int detach_hook(int ifindex, int hook, __u32 prog_id)
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
		return tcplat_fail(err, "checking our filter on index %d %s failed (%s)", ifindex, hook_names[hook],
				   strerror(-err));
	if (q.prog_id != prog_id)
		return tcplat_fail(-EBUSY, "the filter at priority %u handle 0x%x on index %d %s now runs program id "
				   "%u, not ours (%u): left in place", TCPLAT_TC_PRIORITY, TCPLAT_TC_HANDLE, ifindex,
				   hook_names[hook], q.prog_id, prog_id);
	err = bpf_tc_detach(&h, &d);
	if (err && err != -ENOENT && err != -ENODEV)
		return tcplat_fail(err, "removing our filter from index %d %s failed (%s)", ifindex,
				   hook_names[hook], strerror(-err));
	return 0;
}

int clsact_detach(struct attachment *a)
{
	LIBBPF_OPTS(bpf_tc_hook, h, .ifindex = a->ifindex, .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	int hook, err, first = 0;

	for (hook = HOOK_INGRESS; hook <= HOOK_EGRESS; hook++) {
		if (!a->prog_id[hook])
			continue;
		err = detach_hook(a->ifindex, hook, a->prog_id[hook]);
		if (err && !first)
			first = err;
	}
	/* The qdisc goes only if we made it and both our filters were still in
	 * place: a replaced filter means someone else now uses this clsact. */
	if (a->created_qdisc && !first) {
		err = bpf_tc_hook_destroy(&h);
		if (err && err != -ENOENT && err != -ENODEV && err != -EINVAL)
			first = tcplat_fail(err, "removing the clsact qdisc we created on index %d failed (%s)",
					    a->ifindex, strerror(-err));
	}
	return first;
}

int clsact_attach(struct attachment *a, int ifindex, const char *name, const int prog_fd[2])
{
	LIBBPF_OPTS(bpf_tc_hook, h, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	int hook, err;

	err = bpf_tc_hook_create(&h);
	if (err && err != -EEXIST) {
		if (err == -EPERM)
			return tcplat_fail(err, "creating a clsact qdisc on %s was refused (EPERM): it needs "
					   "CAP_NET_ADMIN (or root)", name);
		return tcplat_fail(err, "creating a clsact qdisc on %s (index %d) failed (%s: %s)", name, ifindex,
				   strerror(-err), libbpf_detail());
	}
	a->ifindex = ifindex;
	a->created_qdisc = !err;  /* -EEXIST: somebody else's clsact, never removed by us */

	for (hook = HOOK_INGRESS; hook <= HOOK_EGRESS; hook++) {
		err = attach_hook(ifindex, name, hook, prog_fd[hook], &a->prog_id[hook]);
		if (err) {
			/* the cleanup may fail too; the caller needs the first reason */
			char msg[TCPLAT_LAST_ERROR_SIZE];

			memcpy(msg, tcplat_last_error_buf(), sizeof(msg));
			clsact_detach(a);
			memcpy(tcplat_last_error_buf(), msg, sizeof(msg));
			return err;
		}
	}
	return 0;
}
