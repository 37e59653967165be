/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one ABI between the TC program, the native shim and the Java decoder.
 * Java never copies a number from here: abi/abigen.c prints every size,
 * offset and enum value below into a generated class at build time, and a
 * hash of them all into both the shim and the jar, which startup compares.
 *
 * Rules that keep the three sides honest:
 *  - every field has a fixed offset and explicit padding; the size is asserted;
 *  - byte order is converted once, in BPF: ports, seq, ack and TCP timestamps
 *    are host order; addresses stay as the bytes that were on the wire;
 *  - any change to this layout or to the event kinds bumps TCPLAT_ABI_VERSION, so the refusal
 *    message can say how far apart two builds are; the hash refuses them either way.
 */
#ifndef TCPLAT_ABI_H
#define TCPLAT_ABI_H

#ifdef __BPF__
#include <linux/types.h>
#else
#include <linux/types.h>
#include <assert.h>
#endif

#define TCPLAT_ABI_VERSION 3

/* What the kernel saw. Only handshake packets produce an event. */
enum tcplat_event_kind {
	TCPLAT_EV_SYN = 1,     /* SYN without ACK */
	TCPLAT_EV_SYNACK = 2,  /* SYN with ACK */
	TCPLAT_EV_RST = 3,     /* RST+ACK with SEQ 0: a SYN refused */
	TCPLAT_EV_ACK = 4,     /* ingress ACK completing a handshake this host answered */
};

/* Which hook emitted the event. */
enum tcplat_direction {
	TCPLAT_DIR_INGRESS = 0,
	TCPLAT_DIR_EGRESS = 1,
};

/* Bits of tcplat_event.flags. */
enum tcplat_event_flags {
	/* The TCP timestamp option was present; tsval/tsecr are valid. */
	TCPLAT_F_HAS_TS = 1 << 0,
	/* An egress SYN-ACK the synacks map had no room for: its ACK will not
	 * be reported, so the handshake's outcome can not be known. */
	TCPLAT_F_ACK_UNTRACKED = 1 << 1,
};

/* Indexes of the per-CPU counter array the shim sums for userspace. */
enum tcplat_counter {
	TCPLAT_CNT_RINGBUF_FULL = 0, /* bpf_ringbuf_reserve() failed: event lost */
	TCPLAT_CNT_SYNACK_TABLE_FULL = 1, /* an egress SYN-ACK found the synacks map full */
	TCPLAT_CNT__MAX = 4,         /* array size; spare slots keep the ABI stable */
};

/*
 * One handshake packet. IPv4 addresses occupy the first 4 bytes of saddr and
 * daddr, the remaining 12 bytes are zero.
 */
struct tcplat_event {
	__u64 ts_ns;       /*  0: bpf_ktime_get_ns() (CLOCK_MONOTONIC) */
	__u8 saddr[16];    /*  8: source address, network order */
	__u8 daddr[16];    /* 24: destination address, network order */
	__u32 seq;         /* 40: TCP sequence number */
	__u32 ack;         /* 44: TCP acknowledgment number */
	__u32 tsval;       /* 48: TCP timestamp value, if TCPLAT_F_HAS_TS */
	__u32 tsecr;       /* 52: TCP timestamp echo reply, if TCPLAT_F_HAS_TS */
	__u32 ifindex;     /* 56: interface the hook is attached to */
	__u16 sport;       /* 60: TCP source port */
	__u16 dport;       /* 62: TCP destination port */
	__u8 family;       /* 64: 4 or 6 */
	__u8 kind;         /* 65: enum tcplat_event_kind */
	__u8 direction;    /* 66: enum tcplat_direction */
	__u8 tcp_flags;    /* 67: TCP flags byte (CWR..FIN) */
	__u8 flags;        /* 68: enum tcplat_event_flags */
	__u8 pad[3];       /* 69: zero */
};

#define TCPLAT_EVENT_SIZE 72

/*
 * Key of the synacks map: a SYN-ACK this host sent, as seen from this host,
 * waiting for the client's ACK. The value is the SYN-ACK's sequence number
 * (host order) in the low 32 bits of a __u64 whose bit 32 says the entry is
 * still live (synacks.bpf.h). Ports are host order, addresses wire bytes as in
 * the event.
 */
struct tcplat_flow_key {
	__u8 local[16];     /*  0 */
	__u8 remote[16];    /* 16 */
	__u16 local_port;   /* 32 */
	__u16 remote_port;  /* 34 */
	__u8 family;        /* 36 */
	__u8 pad[3];        /* 37: zero */
};

_Static_assert(sizeof(struct tcplat_flow_key) == 40, "struct tcplat_flow_key layout changed");

/* Slots of the ACK pre-filter; a power of two. */
#define TCPLAT_ACK_SLOTS 16384

/* The pre-filter slot of an ACK number. A handshake whose SYN-ACK had
 * sequence number seq waits in TCPLAT_ACK_SLOT(seq + 1): its ACK acknowledges
 * seq + 1 (RFC 9293 section 3.4). ISNs are random (RFC 6528), so the low bits
 * are already a good hash. */
#define TCPLAT_ACK_SLOT(ack) ((ack) & (TCPLAT_ACK_SLOTS - 1))

/*
 * The program's .bss: what ingress ACKs read before they may look at the
 * synacks map. Only the program keeps it; tests and the benchmark read it
 * back (and reset it) at these offsets, which the build checks against the
 * object's BTF before generating them for the tests' ProgramGlobals.
 */
struct tcplat_waiting {
	/* 0: entries in synacks. While zero no ingress ACK looks further:
	 * an idle server pays nothing for inbound measurement. */
	__u64 synacks;
	/* 8: per slot, the waiting entries whose ACK falls into it. An
	 * ingress ACK whose slot is zero cannot complete a waiting handshake
	 * and skips the map lookup. May read too high, never too low. */
	__u32 ack_slots[TCPLAT_ACK_SLOTS];
};

_Static_assert(sizeof(struct tcplat_waiting) == 8 + 4 * TCPLAT_ACK_SLOTS, "struct tcplat_waiting layout changed");

_Static_assert(sizeof(struct tcplat_event) == TCPLAT_EVENT_SIZE,
	       "struct tcplat_event layout changed: bump TCPLAT_ABI_VERSION");

#endif /* TCPLAT_ABI_H */
