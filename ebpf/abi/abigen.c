// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Writes the ABI the Java side mirrors, from the C headers themselves, so no
 * number is ever copied by hand:
 *
 *   abigen BPF_OBJECT JAVA_OUT HASH_HEADER_OUT
 *
 * Every value below (sizes, offsets, enum values, flag bits, errno numbers)
 * is printed as a Java constant, and an FNV-1a 64 hash over all of them, in
 * order, is written both into the Java class and into a header the shim is
 * compiled with: startup compares the two, so a libtcplat.so from another
 * build is refused.
 *
 * Offsets come from this compiler (gcc, the shim's), while the TC program is
 * compiled by clang for BPF. For the structs the object's BTF describes, and
 * for the .bss the tests read, the layout is also checked against that BTF:
 * a disagreement fails the build.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "tcplat_abi.h"
#include "tcp_flags.h"
#include "tcplat_shim.h"

#define JAVA_PACKAGE "dev.tcplat.exporter.bpf"
#define JAVA_CLASS "TcplatAbi"

static FILE *java;
static struct btf *btf;
static uint64_t hash = 0xcbf29ce484222325ULL; /* FNV-1a 64 offset basis */
static const char *object_path;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("abigen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void hash_bytes(const char *s)
{
	for (; *s; s++) {
		hash ^= (unsigned char)*s;
		hash *= 0x100000001b3ULL; /* FNV-1a 64 prime */
	}
}

static void emit(const char *name, long long value)
{
	char line[160];

	if (value < INT32_MIN || value > INT32_MAX)
		die("%s = %lld does not fit a Java int", name, value);
	snprintf(line, sizeof(line), "%s=%lld\n", name, value);
	hash_bytes(line);
	fprintf(java, "    static final int %s = %lld;\n", name, value);
}

/* "tcplat_event", "ts_ns" -> "TCPLAT_EVENT_TS_NS" */
static void upper_name(char *out, size_t size, const char *prefix, const char *type, const char *member)
{
	char *p;

	snprintf(out, size, "%s%s%s%s", prefix, type, member ? "_" : "", member ? member : "");
	for (p = out; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p -= 'a' - 'A';
}

/* The object's own description of a struct, or NULL when clang emitted none
 * for it (BTF covers only types reachable from globals, maps and functions). */
static const struct btf_type *btf_struct(const char *type)
{
	int id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);

	return id < 0 ? NULL : btf__type_by_id(btf, id);
}

static void check_btf_size(const char *type, size_t size, int required)
{
	const struct btf_type *t = btf_struct(type);

	if (!t) {
		if (required)
			die("%s has no BTF for struct %s", object_path, type);
		return;
	}
	if (t->size != size)
		die("struct %s is %u bytes in %s but %zu in the headers", type, t->size, object_path, size);
}

static void check_btf_member(const char *type, const char *member, size_t offset)
{
	const struct btf_type *t = btf_struct(type);
	const struct btf_member *m;
	unsigned int i;

	if (!t)
		return;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), member))
			continue;
		if (btf_member_bit_offset(t, i) != offset * 8)
			die("%s.%s is at bit %u in %s but at byte %zu in the headers", type, member,
			    btf_member_bit_offset(t, i), object_path, offset);
		return;
	}
	die("struct %s in %s has no member %s", type, object_path, member);
}

static void emit_struct(const char *type, size_t size, int btf_required)
{
	char name[128];

	check_btf_size(type, size, btf_required);
	upper_name(name, sizeof(name), "SIZEOF_", type, NULL);
	emit(name, size);
}

static void emit_member(const char *type, const char *member, size_t offset, size_t size)
{
	char name[128];

	check_btf_member(type, member, offset);
	upper_name(name, sizeof(name), "OFFSETOF_", type, member);
	emit(name, offset);
	upper_name(name, sizeof(name), "SIZEOF_", type, member);
	emit(name, size);
}

/*
 * Where a global sits in the object's .bss, which a test reads and writes as
 * one map value. Only this variable may live there: a second one would move
 * with every change of the program, not of the ABI.
 */
static void emit_bss_var(const char *var, const char *type)
{
	int id = btf__find_by_name_kind(btf, ".bss", BTF_KIND_DATASEC);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec, *v;
	char name[128];

	if (id < 0)
		die("%s has no .bss section in its BTF", object_path);
	sec = btf__type_by_id(btf, id);
	if (btf_vlen(sec) != 1)
		die("the .bss of %s holds %u variables; the ABI expects only %s", object_path, btf_vlen(sec), var);
	vs = btf_var_secinfos(sec);
	v = btf__type_by_id(btf, vs->type);
	if (strcmp(btf__name_by_offset(btf, v->name_off), var))
		die("the .bss of %s holds %s, not %s", object_path, btf__name_by_offset(btf, v->name_off), var);
	if (v->type != (unsigned int)btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT))
		die("%s in %s is not a struct %s", var, object_path, type);
	upper_name(name, sizeof(name), "BSS_OFFSETOF_", var, NULL);
	emit(name, vs->offset);
	upper_name(name, sizeof(name), "BSS_SIZEOF_", var, NULL);
	emit(name, vs->size);
}

#define VALUE(name) emit(#name, (long long)(name))
#define STRUCT(type, btf_required) emit_struct(#type, sizeof(struct type), btf_required)
#define MEMBER(type, m) emit_member(#type, #m, offsetof(struct type, m), sizeof(((struct type *)0)->m))

static void emit_all(void)
{
	VALUE(TCPLAT_ABI_VERSION);

	/* struct tcplat_event: the ring's records */
	STRUCT(tcplat_event, 0);
	MEMBER(tcplat_event, ts_ns);
	MEMBER(tcplat_event, saddr);
	MEMBER(tcplat_event, daddr);
	MEMBER(tcplat_event, seq);
	MEMBER(tcplat_event, ack);
	MEMBER(tcplat_event, tsval);
	MEMBER(tcplat_event, tsecr);
	MEMBER(tcplat_event, ifindex);
	MEMBER(tcplat_event, sport);
	MEMBER(tcplat_event, dport);
	MEMBER(tcplat_event, family);
	MEMBER(tcplat_event, kind);
	MEMBER(tcplat_event, direction);
	MEMBER(tcplat_event, tcp_flags);
	MEMBER(tcplat_event, flags);
	VALUE(TCPLAT_EV_SYN);
	VALUE(TCPLAT_EV_SYNACK);
	VALUE(TCPLAT_EV_RST);
	VALUE(TCPLAT_EV_ACK);
	VALUE(TCPLAT_DIR_INGRESS);
	VALUE(TCPLAT_DIR_EGRESS);
	VALUE(TCPLAT_F_HAS_TS);
	VALUE(TCPLAT_F_ACK_UNTRACKED);
	VALUE(TCP_FL_FIN);
	VALUE(TCP_FL_SYN);
	VALUE(TCP_FL_RST);
	VALUE(TCP_FL_ACK);

	VALUE(TCPLAT_CNT_RINGBUF_FULL);
	VALUE(TCPLAT_CNT_SYNACK_TABLE_FULL);
	VALUE(TCPLAT_CNT__MAX);

	/* the synacks map key, which tcplat_forget_synack() fills in */
	STRUCT(tcplat_flow_key, 1);
	MEMBER(tcplat_flow_key, local);
	MEMBER(tcplat_flow_key, remote);
	MEMBER(tcplat_flow_key, local_port);
	MEMBER(tcplat_flow_key, remote_port);
	MEMBER(tcplat_flow_key, family);

	/* the program's .bss */
	VALUE(TCPLAT_ACK_SLOTS);
	STRUCT(tcplat_waiting, 1);
	MEMBER(tcplat_waiting, synacks);
	MEMBER(tcplat_waiting, ack_slots);
	emit_bss_var("waiting", "tcplat_waiting");

	/* the shim's API */
	VALUE(TCPLAT_ATTACH_AUTO);
	VALUE(TCPLAT_ATTACH_TCX);
	VALUE(TCPLAT_ATTACH_TC);
	VALUE(TCPLAT_PROG_INGRESS_ETH);
	VALUE(TCPLAT_PROG_EGRESS_ETH);
	VALUE(TCPLAT_PROG_INGRESS_L3);
	VALUE(TCPLAT_PROG_EGRESS_L3);
	VALUE(TCPLAT_PROG__COUNT);
	STRUCT(tcplat_link, 0);
	MEMBER(tcplat_link, ifindex);
	MEMBER(tcplat_link, flags);
	MEMBER(tcplat_link, type);
	MEMBER(tcplat_link, name);

	/* the errno values the probe tells apart */
	VALUE(EPERM);
	VALUE(ENOENT);
	VALUE(EINTR);
	VALUE(ENXIO);
	VALUE(ENOMEM);
	VALUE(EACCES);
	VALUE(EBUSY);
	VALUE(EEXIST);
	VALUE(ENODEV);
	VALUE(EINVAL);
	VALUE(EOPNOTSUPP);
	VALUE(EALREADY);
}

static void write_hash_header(const char *path)
{
	FILE *h = fopen(path, "w");

	if (!h)
		die("cannot write %s: %s", path, strerror(errno));
	fprintf(h, "/* Generated by abi/abigen.c: the hash of every value Java mirrors. Do not edit. */\n"
		   "#define TCPLAT_ABI_HASH 0x%016llxULL\n", (unsigned long long)hash);
	if (fclose(h))
		die("cannot write %s: %s", path, strerror(errno));
}

int main(int argc, char **argv)
{
	if (argc != 4)
		die("usage: abigen BPF_OBJECT JAVA_OUT HASH_HEADER_OUT");
	object_path = argv[1];
	btf = btf__parse_elf(object_path, NULL);
	if (!btf)
		die("cannot read the BTF of %s: %s", object_path, strerror(errno));

	java = fopen(argv[2], "w");
	if (!java)
		die("cannot write %s: %s", argv[2], strerror(errno));
	fprintf(java, "// Generated by ebpf/abi/abigen.c from the C headers and the BTF of tcplat.bpf.o. Do not edit.\n"
		      "package " JAVA_PACKAGE ";\n\n"
		      "/** Every value Java mirrors from C, named as in C. */\n"
		      "final class " JAVA_CLASS " {\n");
	emit_all();
	fprintf(java, "\n    /** FNV-1a 64 over every NAME=VALUE above, in order; the shim's tcplat_abi_hash(). */\n"
		      "    static final long ABI_HASH = 0x%016llxL;\n\n"
		      "    private " JAVA_CLASS "() {}\n}\n", (unsigned long long)hash);
	if (fclose(java))
		die("cannot write %s: %s", argv[2], strerror(errno));

	write_hash_header(argv[3]);
	btf__free(btf);
	return 0;
}
