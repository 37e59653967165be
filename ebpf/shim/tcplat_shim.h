/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The native shim's API, called from Java through JNA direct mapping
 * (dev.tcplat.exporter.bpf.TcplatNative). Every function that can fail
 * returns 0 (or a non-negative count) on success and -errno on failure; the
 * last failure's detail, in one line, is kept per thread for
 * tcplat_last_error().
 *
 * Threading: one thread attaches and detaches, one thread polls; reading
 * counters is safe from any thread. The link functions hold no shared state.
 */
#ifndef TCPLAT_SHIM_H
#define TCPLAT_SHIM_H

#include <stddef.h>
#include <stdint.h>

struct tcplat;

/* How to attach. AUTO tries TCX links and falls back to legacy clsact only
 * when the kernel does not support TCX. */
enum tcplat_attach_mode {
	TCPLAT_ATTACH_AUTO = 0,
	TCPLAT_ATTACH_TCX = 1,
	TCPLAT_ATTACH_TC = 2,
};

/* Which of the object's programs BPF_PROG_TEST_RUN drives. */
enum tcplat_program {
	TCPLAT_PROG_INGRESS_ETH = 0,
	TCPLAT_PROG_EGRESS_ETH = 1,
	TCPLAT_PROG_INGRESS_L3 = 2,
	TCPLAT_PROG_EGRESS_L3 = 3,
	TCPLAT_PROG__COUNT = 4,  /* not a program: how many there are */
};

int tcplat_abi_version(void);
int tcplat_event_size(void);

/* A hash over every size, offset and enum value the Java side mirrors
 * (generated at build time with it); equal only when the shim and the jar
 * come from the same build. */
uint64_t tcplat_abi_hash(void);

/* A one-line description of the calling thread's last failure. */
const char *tcplat_last_error(void);

/* Opens and loads the BPF object held in memory (obj, obj_len) with a ring
 * buffer of ring_bytes (a power of two, multiple of the page size). On
 * success stores the handle in *out. */
int tcplat_open(const void *obj, size_t obj_len, uint32_t ring_bytes, struct tcplat **out);

/* Attaches ingress and egress programs to ifindex. Picks the Ethernet or the
 * L3 program from the device's link type. Returns the mode actually used
 * (TCPLAT_ATTACH_TCX or TCPLAT_ATTACH_TC) or -errno. */
int tcplat_attach(struct tcplat *t, int ifindex, int mode);

/* Detaches both hooks of ifindex, removing only what this handle created. */
int tcplat_detach(struct tcplat *t, int ifindex);

/* Copies up to max_events records (TCPLAT_EVENT_SIZE bytes each) into buf.
 * When the ring is empty, waits up to timeout_ms for data first. Returns the
 * number of records copied (0 on timeout or EINTR) or -errno. */
int tcplat_poll(struct tcplat *t, void *buf, int max_events, int timeout_ms);

/* Removes the synacks entry (struct tcplat_flow_key fields) of a handshake
 * this host answered whose ACK never came, by running the object's
 * tcplat_forget program. Returns 1 if there was one, 0 if not, or -errno.
 * local and remote point to 16 bytes each. */
int tcplat_forget_synack(struct tcplat *t, int family, const void *local, const void *remote,
			 int local_port, int remote_port);

/* Sum over CPUs of counter idx (enum tcplat_counter), or -errno. */
int64_t tcplat_counter(struct tcplat *t, int idx);

/* Runs one program once on frame (BPF_PROG_TEST_RUN); stores its verdict in
 * *retval. Events it emits land in the ring like real ones. */
int tcplat_test_run(struct tcplat *t, int program, const void *frame, uint32_t len, int32_t *retval);

/* Detaches everything still attached and frees the handle. */
void tcplat_close(struct tcplat *t);

/* One interface of the calling thread's network namespace. */
struct tcplat_link {
	int32_t ifindex;
	uint32_t flags;  /* IFF_* */
	uint32_t type;   /* ARPHRD_* */
	char name[16];   /* IF_NAMESIZE, NUL-terminated */
};
#define TCPLAT_LINK_SIZE 28

/* Lists the interfaces of the calling thread's network namespace into buf
 * (up to max records). Returns how many there are, which may exceed max
 * (then only max were copied), or -errno. Needs no handle and no privilege. */
int tcplat_links(void *buf, int max);

/* Opens a socket that hears of every interface change (RTMGRP_LINK: added,
 * removed, renamed, up or down) in the calling thread's network namespace.
 * Returns its fd or -errno. */
int tcplat_link_watch_open(void);

/* Waits up to timeout_ms for interface changes and consumes all queued ones.
 * Returns 1 if anything changed (or notifications were lost, so the caller
 * must look again), 0 if nothing did, or -errno. */
int tcplat_link_watch_wait(int fd, int timeout_ms);

void tcplat_link_watch_close(int fd);

#endif /* TCPLAT_SHIM_H */
