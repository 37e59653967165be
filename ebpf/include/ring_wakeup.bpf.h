/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * When a record submitted to the event ring wakes the reader.
 *
 * bpf_ringbuf_submit(e, 0) wakes the reader whenever it had caught up, that
 * is after every handshake packet at ordinary rates. The wakeup is an
 * irq_work, a self-interrupt raised inside the packet's own path: on a VM it
 * costs microseconds, paid by the very SYN or SYN-ACK being timed, and it
 * wakes the drain thread once per handshake. So records go in without a
 * wakeup, and the reader drains on its own short timer (Drainer), which
 * bounds how late /metrics shows a handshake.
 *
 * A burst can fill the ring faster than any timer, so a record that finds the
 * ring filled past a quarter wakes the reader at once. Only records within a
 * band above that mark do: the reader is already awake once the level has
 * passed it, and forcing a wakeup on every record of an overloaded ring would
 * put the self-interrupt back on every packet exactly when the host is
 * busiest. The band is wide enough that records reserved on other CPUs at the
 * same moment can not step over it together.
 */
#ifndef TCPLAT_RING_WAKEUP_BPF_H
#define TCPLAT_RING_WAKEUP_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* the fill level, as a fraction of the ring, that wakes the reader */
#define RING_WAKE_FRACTION 4
/* records above that level that still wake it (each takes its size + an 8-byte header) */
#define RING_WAKE_BAND_RECORDS 64

static __always_inline __u64 ring_wakeup_flag(void *ring, __u32 record_size)
{
	__u64 avail = bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA);
	__u64 mark = bpf_ringbuf_query(ring, BPF_RB_RING_SIZE) / RING_WAKE_FRACTION;

	if (avail >= mark && avail - mark < (__u64)RING_WAKE_BAND_RECORDS * (record_size + 8))
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

#endif
