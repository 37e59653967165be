// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Draining the ring into the caller's buffer: up to max_events fixed-size
 * records per call, so Java crosses the JNA boundary once per batch.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tcplat_internal.h"

/*
 * Copies one record into the caller's buffer. libbpf 1.1.2's
 * ringbuf_process_ring() advances the consumer position past a record before
 * calling back and, on a negative return, publishes that position and stops.
 * So returning -ENOBUFS once the buffer is full, after the copy, loses
 * nothing and leaves the rest in the ring for the next call.
 */
int on_record(void *ctx, void *data, size_t size)
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

API int tcplat_poll(struct tcplat *t, void *buf, int max_events, int timeout_ms)
{
	int n;

	if (!t || !buf || max_events <= 0)
		return tcplat_fail(-EINVAL, "tcplat_poll: needs a handle, a buffer and max_events > 0");
	t->out = buf;
	t->out_cap = max_events;
	t->out_count = 0;
	t->out_full = false;

	n = ring_buffer__consume(t->rb);
	if (n >= 0 && t->out_count == 0 && timeout_ms != 0) {
		n = ring_buffer__poll(t->rb, timeout_ms);  /* epoll_wait, then consume */
		/*
		 * The program submits without a wakeup below its fill mark
		 * (ring_wakeup.bpf.h), so a wait that timed out may still have
		 * records behind it: read them now rather than a timeout later.
		 */
		if (n == 0)
			n = ring_buffer__consume(t->rb);
	}
	if (n < 0 && !t->out_full) {
		if (n == -EINTR)
			return t->out_count;
		return tcplat_fail(n, "reading the ring buffer failed (%s)", strerror(-n));
	}
	return t->out_count;
}
