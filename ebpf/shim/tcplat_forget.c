// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Forgetting an answered handshake whose ACK never came, so the kernel stops
 * waiting for it.
 */
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>

#include "tcplat_internal.h"

API int tcplat_forget_synack(struct tcplat *t, int family, const void *local, const void *remote,
			     int local_port, int remote_port)
{
	struct tcplat_flow_key key;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &key, .ctx_size_in = sizeof(key));
	int err;

	if (!t || !local || !remote || (family != 4 && family != 6))
		return tcplat_fail(-EINVAL, "tcplat_forget_synack: needs a handle, family 4 or 6 and both addresses");
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
		return tcplat_fail(err, "running tcplat_forget to drop a synacks entry failed (%s)", strerror(-err));
	return (int)opts.retval;
}
