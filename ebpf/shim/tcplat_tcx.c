// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * TCX links (Linux 6.6+): one link per hook, owned by its file descriptor,
 * so nothing is left behind when the process dies.
 *
 * libbpf 1.1.2 predates the TCX API: the links are created with plain
 * bpf_link_create().
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "tcplat_internal.h"

/* enum bpf_attach_type values from Linux 6.6 uapi, absent from libbpf 1.1.2's
 * headers; own names so a newer bpf.h, where they are enumerators, still
 * compiles. */
#define TCPLAT_BPF_TCX_INGRESS 46
#define TCPLAT_BPF_TCX_EGRESS 47

int tcx_attach(struct attachment *a, int ifindex, const char *name, const int prog_fd[2])
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
				return tcplat_fail(err, "this kernel does not support TCX links (Linux 6.6+): use attach "
						   "mode tc or auto");
			if (err == -EPERM)
				return tcplat_fail(err, "attaching to %s was refused (EPERM): it needs CAP_NET_ADMIN and "
						   "CAP_BPF (or root)", name);
			return tcplat_fail(err, "attaching to %s (index %d) %s via TCX failed (%s)",
					   name, ifindex, hook_names[hook], strerror(-err));
		}
		a->link_fd[hook] = fd;
	}
	return 0;
}

void tcx_detach(struct attachment *a)
{
	/* closing the last fd of a TCX link detaches it */
	close(a->link_fd[HOOK_INGRESS]);
	close(a->link_fd[HOOK_EGRESS]);
}
