/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Cursor parsers for the TC program. Each parser bounds-checks the bytes it
 * is about to read against data_end, reads them, and moves the cursor past
 * the header; header lengths come from the packet and are sanity-checked
 * first. A negative return means "not for us": the caller passes the packet
 * on untouched.
 *
 * The cursor is an offset from the start of the packet rather than a
 * pointer: an offset is a plain scalar, so it can be handed to a separately
 * verified function (see tcplat.bpf.c), which a packet pointer cannot.
 */
#ifndef TCPLAT_PARSING_BPF_H
#define TCPLAT_PARSING_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "tcp_flags.h"

#define VLAN_MAX_DEPTH 2    /* 802.1ad outer tag + 802.1Q inner tag */
#define IPV6_EXT_MAX_DEPTH 6
#define TCP_OPT_MAX_LEN 40  /* doff is 4 bits: at most 60 - 20 option bytes */

#define IPV4_FRAG_OFFSET 0x1fff  /* fragment offset bits of frag_off (host order) */
#define IPV6_FRAG_OFFSET 0xfff8  /* same for the IPv6 fragment header */

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_TIMESTAMP 8
#define TCPOLEN_TIMESTAMP 10

struct hdr_cursor {
	void *data;
	void *data_end;
	__u32 off;  /* start of the next header, from data */
};

/* uapi has no VLAN header; these are the 4 bytes after the outer ethertype. */
struct vlan_hdr {
	__be16 h_vlan_TCI;
	__be16 h_vlan_encapsulated_proto;
};

/* RFC 8200 section 4.5; not in the uapi headers either. */
struct ipv6_frag_hdr {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;
	__be32 identification;
};

static __always_inline void *cursor_pos(const struct hdr_cursor *c)
{
	return c->data + c->off;
}

/* Whether the len bytes at p are in the packet's linear data. Callers take
 * p from cursor_pos() and read through that same p, so the verifier sees
 * the check on the pointer it is about to dereference. */
static __always_inline bool in_packet(const struct hdr_cursor *c, const void *p, __u32 len)
{
	return p + len <= c->data_end;
}

static __always_inline int proto_is_vlan(__be16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD);
}

/* Returns the ethertype after up to VLAN_MAX_DEPTH tags (network order). */
static __always_inline int parse_ethhdr(struct hdr_cursor *c)
{
	struct ethhdr *eth = cursor_pos(c);
	struct vlan_hdr *vh;
	__be16 proto;
	int i;

	if (!in_packet(c, eth, sizeof(*eth)))
		return -1;
	/* struct ethhdr is packed, so eth->h_proto compiles to two byte loads;
	 * the field is 2-byte aligned, so load it in one go */
	proto = *(__be16 *)((void *)eth + offsetof(struct ethhdr, h_proto));
	c->off += sizeof(*eth);
	/* untagged IP first: one compare on the path nearly every packet takes */
	if (__builtin_expect(proto == bpf_htons(ETH_P_IP), 1))
		return proto;

#pragma unroll
	for (i = 0; i < VLAN_MAX_DEPTH; i++) {
		if (!proto_is_vlan(proto))
			break;
		vh = cursor_pos(c);
		if (!in_packet(c, vh, sizeof(*vh)))
			return -1;
		proto = vh->h_vlan_encapsulated_proto;
		c->off += sizeof(*vh);
	}
	return proto;
}

/* Returns the first nibble of the IP header (4, 6 or anything else) without
 * moving the cursor. */
static __always_inline int parse_ip_version(const struct hdr_cursor *c)
{
	__u8 *b = cursor_pos(c);

	if (!in_packet(c, b, 1))
		return -1;
	return *b >> 4;
}

/* Returns the IPv4 protocol; -1 for bad headers and non-first fragments. */
static __always_inline int parse_iphdr(struct hdr_cursor *c)
{
	struct iphdr *iph = cursor_pos(c);
	__u8 ver_ihl;
	__u32 hdrsize;

	if (!in_packet(c, iph, sizeof(*iph)))
		return -1;
	/* version and ihl share byte 0: one load instead of two bitfield reads */
	ver_ihl = *(__u8 *)iph;
	hdrsize = (ver_ihl & 0x0f) * 4;
	if ((ver_ihl >> 4) != 4 || hdrsize < sizeof(*iph))
		return -1;
	/* only the first fragment carries the TCP header */
	if (iph->frag_off & bpf_htons(IPV4_FRAG_OFFSET))
		return -1;
	c->off += hdrsize;
	return iph->protocol;
}

/*
 * Returns the upper-layer protocol after a bounded chain of extension headers
 * (RFC 8200 section 4); -1 for bad headers, non-first fragments, ESP and
 * no-next-header. After IPV6_EXT_MAX_DEPTH extension headers it returns the
 * next one's number, which no caller mistakes for TCP.
 */
static __always_inline int parse_ip6hdr(struct hdr_cursor *c)
{
	struct ipv6hdr *ip6h = cursor_pos(c);
	struct ipv6_opt_hdr *opt;
	struct ipv6_frag_hdr *frag;
	__u8 nexthdr;
	int i;

	if (!in_packet(c, ip6h, sizeof(*ip6h)))
		return -1;
	if ((*(__u8 *)ip6h >> 4) != 6)
		return -1;
	nexthdr = ip6h->nexthdr;
	c->off += sizeof(*ip6h);

#pragma unroll
	for (i = 0; i < IPV6_EXT_MAX_DEPTH; i++) {
		switch (nexthdr) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			opt = cursor_pos(c);
			if (!in_packet(c, opt, sizeof(*opt)))
				return -1;
			nexthdr = opt->nexthdr;
			c->off += (opt->hdrlen + 1) * 8;  /* 8-octet units after the first 8 */
			break;
		case IPPROTO_AH:
			opt = cursor_pos(c);
			if (!in_packet(c, opt, sizeof(*opt)))
				return -1;
			nexthdr = opt->nexthdr;
			c->off += (opt->hdrlen + 2) * 4;  /* RFC 4302: 4-octet units minus 2 */
			break;
		case IPPROTO_FRAGMENT:
			frag = cursor_pos(c);
			if (!in_packet(c, frag, sizeof(*frag)))
				return -1;
			if (frag->frag_off & bpf_htons(IPV6_FRAG_OFFSET))
				return -1;
			nexthdr = frag->nexthdr;
			c->off += sizeof(*frag);
			break;
		case IPPROTO_ESP:
		case IPPROTO_NONE:
			return -1;
		default:
			return nexthdr;
		}
	}
	return nexthdr;
}

/* Returns the TCP flags byte, and in *thp the header, for the fast path's
 * reads of its fixed fields. Only the fixed header is checked: the fast path
 * needs nothing more, and the SYN path validates doff before it reads options
 * (see emit_handshake()). */
static __always_inline int parse_tcphdr(const struct hdr_cursor *c, struct tcphdr **thp)
{
	struct tcphdr *th = cursor_pos(c);

	if (!in_packet(c, th, sizeof(*th)))
		return -1;
	*thp = th;
	return ((__u8 *)th)[13];
}

/*
 * The timestamp option where Linux and most stacks put it: in a SYN or
 * SYN-ACK, MSS first (2, 4, ...), then SACK-permitted (4, 2) or two NOPs,
 * then the timestamp (8, 10), its values at option bytes 8..15; in an
 * established segment, such as the ACK completing a handshake, two NOPs and
 * the timestamp, its values at bytes 4..11. Read straight from the packet
 * with one bounds check, this costs a few nanoseconds where parse_tcp_ts()
 * pays a helper call per option; any other layout returns -1 and the caller
 * falls back to parse_tcp_ts(), which finds the same values for these
 * layouts.
 */
static __always_inline int tcp_ts_usual(const struct hdr_cursor *c, const struct tcphdr *th,
					__u32 hdrlen, __u32 *tsval, __u32 *tsecr)
{
	const __u8 *opt = (const __u8 *)(th + 1);
	const __be32 *ts;

	if (hdrlen < sizeof(*th) + 12 || !in_packet(c, opt, 12))
		return -1;
	if (opt[0] == TCPOPT_NOP && opt[1] == TCPOPT_NOP && opt[2] == TCPOPT_TIMESTAMP &&
	    opt[3] == TCPOLEN_TIMESTAMP) {
		ts = (const __be32 *)(opt + 4);
	} else {
		if (hdrlen < sizeof(*th) + 16 || !in_packet(c, opt, 16))
			return -1;
		if (opt[0] != 2 || opt[1] != 4 || opt[6] != TCPOPT_TIMESTAMP || opt[7] != TCPOLEN_TIMESTAMP)
			return -1;
		if (!((opt[4] == 4 && opt[5] == 2) || (opt[4] == TCPOPT_NOP && opt[5] == TCPOPT_NOP)))
			return -1;
		ts = (const __be32 *)(opt + 8);
	}
	*tsval = bpf_ntohl(ts[0]);
	*tsecr = bpf_ntohl(ts[1]);
	return 0;
}

/*
 * Finds the timestamp option (RFC 7323: kind 8, length 10) among the TCP
 * options in [off, end) of the packet. Returns 0 and the host-order values
 * when found; -1 at EOL, on a malformed length, or when the options end
 * without one.
 *
 * Unlike the header parsers this reads with bpf_skb_load_bytes(): an offset
 * passed to a helper stays imprecise to the verifier, so the states of the
 * loop's rounds prune each other. With direct packet access off becomes part
 * of a packet pointer and the verifier walks every combination of option
 * lengths: about 240k instructions and 3 s per program for 40 rounds, against
 * a few thousand here. Only SYN and SYN-ACK packets pay for the helper calls,
 * which also read options outside the linear data.
 */
static __always_inline int parse_tcp_ts(struct __sk_buff *skb, __u32 off, __u32 end,
					__u32 *tsval, __u32 *tsecr)
{
	__u8 opt[2];     /* kind, length */
	__be32 ts[2];    /* TSval, TSecr */
	int i;

	/* each round consumes at least one byte, so TCP_OPT_MAX_LEN rounds suffice */
	for (i = 0; i < TCP_OPT_MAX_LEN; i++) {
		if (off >= end)
			return -1;
		/* when only one byte is left it is EOL or NOP at best, and no
		 * timestamp can follow it: a failed two-byte load ends the search */
		if (bpf_skb_load_bytes(skb, off, opt, sizeof(opt)))
			return -1;
		if (opt[0] == TCPOPT_EOL)
			return -1;
		if (opt[0] == TCPOPT_NOP) {
			off++;
			continue;
		}
		if (opt[1] < 2 || off + opt[1] > end)
			return -1;
		if (opt[0] == TCPOPT_TIMESTAMP) {
			if (opt[1] != TCPOLEN_TIMESTAMP ||
			    bpf_skb_load_bytes(skb, off + 2, ts, sizeof(ts)))
				return -1;
			*tsval = bpf_ntohl(ts[0]);
			*tsecr = bpf_ntohl(ts[1]);
			return 0;
		}
		off += opt[1];
	}
	return -1;
}

#endif /* TCPLAT_PARSING_BPF_H */
