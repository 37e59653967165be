/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the shim's source files share and Java never sees: the handle, the
 * per-interface attachment record, error capture, and the functions one
 * concern offers another. The JNA-facing API stays in tcplat_shim.h.
 *
 * Everything here has hidden visibility (-fvisibility=hidden); only functions
 * marked API are exported from libtcplat.so.
 */
#ifndef TCPLAT_INTERNAL_H
#define TCPLAT_INTERNAL_H

#include <stdbool.h>

#include <bpf/libbpf.h>

#include "tcplat_abi.h"
#include "tcplat_shim.h"

#define API __attribute__((visibility("default")))

#define MAX_ATTACHMENTS 64

enum { HOOK_INGRESS = 0, HOOK_EGRESS = 1 };

/* "ingress", "egress": index HOOK_* */
extern const char *const hook_names[2];

/* The object's program names; index = enum tcplat_program. */
extern const char *const prog_names[TCPLAT_PROG__COUNT];

struct attachment {
	int ifindex;         /* 0: free slot */
	int mode;            /* TCPLAT_ATTACH_TCX or TCPLAT_ATTACH_TC */
	int link_fd[2];      /* TCX: per hook */
	__u32 prog_id[2];    /* TC: the program we attached, per hook */
	bool created_qdisc;  /* TC: the clsact qdisc is ours to remove */
};

struct tcplat {
	struct bpf_object *obj;
	struct bpf_program *progs[TCPLAT_PROG__COUNT];
	struct bpf_program *forget;  /* run, never attached: see tcplat_forget_synack() */
	int counters_fd;
	struct ring_buffer *rb;

	/* Drain state, touched only by the polling thread. */
	unsigned char *out;
	int out_cap;
	int out_count;
	bool out_full;
	unsigned long long bad_records;

	/* Touched only by the attaching thread. */
	struct attachment att[MAX_ATTACHMENTS];
};

/* Error capture (tcplat_error.c): per thread, one line each. */

/* Sets the calling thread's last error and returns err. */
int tcplat_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The last error's text, for saving across a cleanup that may fail too. */
char *tcplat_last_error_buf(void);
#define TCPLAT_LAST_ERROR_SIZE 256

/* Routes libbpf's output through the capture below; idempotent. */
void tcplat_capture_libbpf_output(void);

/* Forgets the kept libbpf warning; quiet keeps new ones off stderr. */
void reset_libbpf_warning(bool quiet);

/* The first libbpf warning since the reset, if any, else "". */
const char *libbpf_warning(void);

/* The kernel's or libbpf's own words for the last failure. */
const char *libbpf_detail(void);

/* Ring drain (tcplat_ring.c): the ring_buffer__new() callback. */
int on_record(void *ctx, void *data, size_t size);

/* Attach modes, each in its own file; 0 or -errno with last_error set. */
int tcx_attach(struct attachment *a, int ifindex, const char *name, const int prog_fd[2]);
void tcx_detach(struct attachment *a);
int clsact_attach(struct attachment *a, int ifindex, const char *name, const int prog_fd[2]);
int clsact_detach(struct attachment *a);

/* Detaches one attachment in whichever mode it was made and frees its slot. */
int attachment_detach(struct attachment *a);

#endif /* TCPLAT_INTERNAL_H */
