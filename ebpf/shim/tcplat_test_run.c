// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Running one of the TC programs once on a frame (BPF_PROG_TEST_RUN), for
 * the kernel-backed tests and the benchmarks.
 */
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>

#include "tcplat_internal.h"

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
		return tcplat_fail(-EINVAL, "tcplat_test_run: handle, frame and retval must not be null");
	if (program < 0 || program >= TCPLAT_PROG__COUNT)
		return tcplat_fail(-EINVAL, "unknown program %d: use 0..%d (enum tcplat_program)", program,
				   TCPLAT_PROG__COUNT - 1);
	err = bpf_prog_test_run_opts(bpf_program__fd(t->progs[program]), &opts);
	if (err) {
		if (err == -EINVAL && test_run_too_short(frame, len))
			return tcplat_fail(err, "BPF_PROG_TEST_RUN rejects this %u-byte frame: the kernel needs 14 "
					   "bytes, and a whole IPv4 (34) or IPv6 (54) header when bytes 12-13 read "
					   "0x0800 or 0x86dd", len);
		return tcplat_fail(err, "BPF_PROG_TEST_RUN of %s failed (%s)", prog_names[program], strerror(-err));
	}
	*retval = (int32_t)opts.retval;
	return 0;
}
