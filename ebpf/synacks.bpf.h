/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The handshakes this host answered (egress SYN-ACK), waiting for the
 * client's ACK, and the two summaries ingress ACKs read before they look one
 * up: how many wait (the idle gate) and how many wait per ACK-number slot
 * (the pre-filter), both in struct tcplat_waiting.
 *
 * The pre-filter may read too high, which costs one lookup, but never too
 * low, which would lose a handshake. So a slot is incremented before its
 * entry is stored and decremented only by the one party that takes that
 * sequence number out of the map, after it did. Four parties change entries,
 * on any CPU at once: an egress SYN-ACK stores one, or replaces the sequence
 * number of a reused tuple; an ingress ACK completes one; userspace forgets
 * one whose ACK never came. Which sequence number left must be known exactly,
 * and a map delete does not say what it deleted. Hence the claim: the value
 * is a __u64 with SYNACK_LIVE beside the sequence number, every change to a
 * live value is a compare-and-swap on it, and whoever swaps a value out owns
 * its decrement. A claimed (not live) entry is only ever deleted, by its
 * claimer.
 *
 * Userspace could delete with BPF_MAP_LOOKUP_AND_DELETE_ELEM, which copies
 * the value and unlinks the entry under the bucket lock; but compare-and-swap
 * from BPF does not take that lock, so a replacement between the copy and
 * the unlink would be counted out twice. Userspace therefore forgets through
 * a program of its own (tcplat_forget), run with BPF_PROG_TEST_RUN.
 */
#ifndef TCPLAT_SYNACKS_BPF_H
#define TCPLAT_SYNACKS_BPF_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <asm-generic/errno-base.h>
#include <bpf/bpf_helpers.h>
#include "tcplat_abi.h"

/* Userspace forgets entries whose ACK never came, so the table holds live
 * handshakes only; a full table is counted. */
#define SYNACKS_DEFAULT_ENTRIES 65536

#define SYNACK_LIVE (1ULL << 32)

/* Attempts at a compare-and-swap that other CPUs keep changing under us;
 * each failure means another party changed this very entry meanwhile. */
#define SYNACK_CAS_TRIES 4

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SYNACKS_DEFAULT_ENTRIES);
	__type(key, struct tcplat_flow_key);
	__type(value, __u64);
} synacks SEC(".maps");

struct tcplat_waiting waiting = {};

static __always_inline __u32 *ack_slot(__u32 ack)
{
	return &waiting.ack_slots[TCPLAT_ACK_SLOT(ack)];
}

/* Whether an ingress ACK number may complete a waiting handshake. */
static __always_inline bool ack_may_complete(__u32 ack)
{
	return *(volatile __u32 *)ack_slot(ack) != 0;
}

/* Called by the one party that swapped seq out of a live entry. The slot
 * goes first: a claimed entry matches no ACK any more. */
static __always_inline void synack_release(const struct tcplat_flow_key *key, __u32 seq)
{
	__sync_fetch_and_sub(ack_slot(seq + 1), 1);
	if (bpf_map_delete_elem(&synacks, key) == 0)
		__sync_fetch_and_sub(&waiting.synacks, 1);
}

/*
 * An egress SYN-ACK: wait for the client's ACK. A retransmitted SYN-ACK finds
 * its entry already there; a reused tuple gets the new sequence number, and
 * the old one's slot is released. Returns 0, -ENOSPC when the table is full,
 * or -EAGAIN when the tuple's entry is being removed at this moment: either
 * way this handshake's ACK will go unseen.
 */
static __always_inline int synack_remember(const struct tcplat_flow_key *key, __u32 seq)
{
	__u64 live = SYNACK_LIVE | seq, old, seen;
	__u64 *val;
	long err;
	int i;

	/* both before the entry exists: they may read high, never low */
	__sync_fetch_and_add(ack_slot(seq + 1), 1);
	__sync_fetch_and_add(&waiting.synacks, 1);
	err = bpf_map_update_elem(&synacks, key, &live, BPF_NOEXIST);
	if (err == 0)
		return 0;
	__sync_fetch_and_sub(&waiting.synacks, 1);  /* no new entry */

	val = err == -EEXIST ? bpf_map_lookup_elem(&synacks, key) : NULL;
	if (val) {
		old = *(volatile __u64 *)val;
		for (i = 0; i < SYNACK_CAS_TRIES && (old & SYNACK_LIVE); i++) {
			seen = __sync_val_compare_and_swap(val, old, live);
			if (seen == old) {
				/* the old number is ours to release; for a
				 * retransmission it is our own increment */
				__sync_fetch_and_sub(ack_slot((__u32)old + 1), 1);
				return 0;
			}
			old = seen;
		}
	}
	__sync_fetch_and_sub(ack_slot(seq + 1), 1);  /* not stored */
	return err == -EEXIST ? -EAGAIN : -ENOSPC;
}

/* An ingress ACK: whether it completes a waiting handshake. Only one ACK
 * wins an entry, so a duplicate ACK on another CPU reports nothing. */
static __always_inline bool synack_complete(const struct tcplat_flow_key *key, __u32 ack)
{
	__u64 expected = SYNACK_LIVE | (__u32)(ack - 1);
	__u64 *val = bpf_map_lookup_elem(&synacks, key);

	if (!val || *(volatile __u64 *)val != expected)
		return false;
	if (__sync_val_compare_and_swap(val, expected, 0) != expected)
		return false;
	synack_release(key, ack - 1);
	return true;
}

/* Userspace gave up on a handshake. Returns 1 if this call removed it, 0 if
 * there was nothing (left) to remove. */
static __always_inline int synack_forget(const struct tcplat_flow_key *key)
{
	__u64 *val = bpf_map_lookup_elem(&synacks, key);
	__u64 old, seen;
	int i;

	if (!val)
		return 0;
	old = *(volatile __u64 *)val;
	for (i = 0; i < SYNACK_CAS_TRIES && (old & SYNACK_LIVE); i++) {
		seen = __sync_val_compare_and_swap(val, old, 0);
		if (seen == old) {
			synack_release(key, (__u32)old);
			return 1;
		}
		old = seen;
	}
	return 0;  /* its ACK, or another forget, claimed it first */
}

#endif /* TCPLAT_SYNACKS_BPF_H */
