// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The program's per-CPU counters (enum tcplat_counter), summed for
 * userspace. Safe from any thread: it only reads the map.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "tcplat_internal.h"

API int64_t tcplat_counter(struct tcplat *t, int idx)
{
	int ncpu = libbpf_num_possible_cpus();
	__u32 key = idx;
	int64_t sum = 0;
	__u64 *values;
	int i, err;

	if (!t)
		return tcplat_fail(-EINVAL, "tcplat_counter: null handle");
	if (idx < 0 || idx >= TCPLAT_CNT__MAX)
		return tcplat_fail(-EINVAL, "counter index %d is out of range 0..%d", idx, TCPLAT_CNT__MAX - 1);
	if (ncpu < 0)
		return tcplat_fail(ncpu, "cannot determine the number of possible CPUs (%s)", strerror(-ncpu));
	values = calloc(ncpu, sizeof(*values));
	if (!values)
		return tcplat_fail(-ENOMEM, "out of memory reading counter %d", idx);
	err = bpf_map_lookup_elem(t->counters_fd, &key, values);
	if (err) {
		err = -errno;
		free(values);
		return tcplat_fail(err, "reading counter %d failed (%s)", idx, strerror(-err));
	}
	for (i = 0; i < ncpu; i++)
		sum += values[i];
	free(values);
	return sum;
}
