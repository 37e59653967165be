// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Passive TCP handshake observer. Four TC programs share one handler: ingress
 * and egress, each for devices with an Ethernet header and for L3 devices
 * (tun, WireGuard, IP tunnels) whose packet data begins at the IP header.
 *
 * Every packet goes on unchanged: the programs return TC_ACT_UNSPEC, which
 * is TCX_NEXT under TCX and "continue with the next filter" under clsact.
 * Only handshake packets produce an event: SYN, SYN-ACK, a RST refusing a
 * SYN, and the ingress ACK completing a handshake this host answered. All
 * other traffic costs the header parse and nothing more; an ingress ACK
 * whose number could complete a waiting handshake (synacks.bpf.h) adds one
 * hash lookup.
 *
 * A fifth program, tcplat_forget, is not attached: userspace runs it to give
 * up on a handshake.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <asm-generic/errno-base.h>
#include "tcplat_abi.h"
#include "parsing.bpf.h"
#include "synacks.bpf.h"
#include "ring_wakeup.bpf.h"

/* Replaced by the shim with the configured size before load. */
#define EVENTS_DEFAULT_BYTES (256 * 1024)

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, EVENTS_DEFAULT_BYTES);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TCPLAT_CNT__MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 idx)
{
	__u64 *val = bpf_map_lookup_elem(&counters, &idx);

	if (val)
		*val += 1;  /* per-CPU slot, and TC runs with BH disabled: no race */
}

/* Offsets reach emit_handshake() as unknown scalars, and the verifier only
 * accepts packet pointers whose variable part stays below 64 KiB. The
 * parsers never produce more than 14 + 2 * 4 + 40 + 6 * 2048 = 12350. */
#define HDR_OFF_MASK 0x3fff

/* The flow as seen from this host: on egress the packet's source is local,
 * on ingress its destination. */
static __always_inline void flow_key(struct tcplat_flow_key *key, const struct iphdr *iph,
				     const struct ipv6hdr *ip6h, const struct tcphdr *th, bool egress)
{
	__builtin_memset(key, 0, sizeof(*key));
	if (iph) {
		__builtin_memcpy(key->local, egress ? &iph->saddr : &iph->daddr, 4);
		__builtin_memcpy(key->remote, egress ? &iph->daddr : &iph->saddr, 4);
		key->family = 4;
	} else if (ip6h) {
		__builtin_memcpy(key->local, egress ? &ip6h->saddr : &ip6h->daddr, 16);
		__builtin_memcpy(key->remote, egress ? &ip6h->daddr : &ip6h->saddr, 16);
		key->family = 6;
	}
	key->local_port = bpf_ntohs(egress ? th->source : th->dest);
	key->remote_port = bpf_ntohs(egress ? th->dest : th->source);
}

/*
 * The handshake path, for SYN, SYN-ACK, RST and (while SYN-ACKs wait) ingress ACK only. A global (non-static,
 * noinline) function is verified once, on its own, with its arguments as
 * unknown scalars; inlined into the handler, the option loop would be
 * re-verified for every way the parsers can reach it (VLAN depths times IPv6
 * extension chains), which exceeds the verifier's budget.
 */
__attribute__((noinline)) int emit_handshake(struct __sk_buff *skb, __u32 l3_off,
					     __u32 l4_off, __u32 family, __u32 direction)
{
	__u64 now = bpf_ktime_get_ns();
	struct hdr_cursor c = {
		.data = (void *)(long)skb->data,
		.data_end = (void *)(long)skb->data_end,
	};
	struct tcplat_event *e;
	struct iphdr *iph = NULL;
	struct ipv6hdr *ip6h = NULL;
	struct tcphdr *th;
	__u32 tsval = 0, tsecr = 0, hdrlen;
	struct tcplat_flow_key key;
	__u8 flags, kind, ev_flags = 0;
	int err;

	/* masks rather than range checks, which clang merges into one compare
	 * the verifier cannot follow */
	l3_off &= HDR_OFF_MASK;
	l4_off &= HDR_OFF_MASK;

	c.off = l3_off;
	if (family == 4) {
		iph = cursor_pos(&c);
		if (!in_packet(&c, iph, sizeof(*iph)))
			return -1;
	} else {
		ip6h = cursor_pos(&c);
		if (!in_packet(&c, ip6h, sizeof(*ip6h)))
			return -1;
	}
	c.off = l4_off;
	th = cursor_pos(&c);
	if (!in_packet(&c, th, sizeof(*th)))
		return -1;
	flags = ((__u8 *)th)[13];
	hdrlen = th->doff * 4;
	if (hdrlen < sizeof(*th) || l4_off + hdrlen > skb->len)
		return -1;
	flow_key(&key, iph, ip6h, th, direction == TCPLAT_DIR_EGRESS);
	if (!(flags & (TCP_FL_SYN | TCP_FL_RST))) {
		/* an ingress ACK: does it complete a handshake we answered? */
		if (!synack_complete(&key, bpf_ntohl(th->ack_seq)))
			return -1;
		kind = TCPLAT_EV_ACK;
	} else if (flags & TCP_FL_RST) {
		/* A RST refusing a SYN has SEQ 0 and acknowledges the SYN (RFC 9293
		 * §3.10.7.1); a RST ending an established connection carries a real
		 * sequence number and is not part of a handshake. */
		if (th->seq != 0)
			return -1;
		kind = TCPLAT_EV_RST;
	} else {
		kind = (flags & TCP_FL_ACK) ? TCPLAT_EV_SYNACK : TCPLAT_EV_SYN;
	}
	/* before the reserve: an uncommitted record holds back the reader */
	if (tcp_ts_usual(&c, th, hdrlen, &tsval, &tsecr) == 0 ||
	    parse_tcp_ts(skb, l4_off + sizeof(*th), l4_off + hdrlen, &tsval, &tsecr) == 0)
		ev_flags = TCPLAT_F_HAS_TS;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(TCPLAT_CNT_RINGBUF_FULL);
		return -1;
	}
	/* Only a SYN-ACK userspace will hear of may wait for its ACK: otherwise
	 * nobody would ever forget the entry. Remembering it after the reserve
	 * also puts the ACK's event behind the SYN-ACK's in the ring. */
	if (kind == TCPLAT_EV_SYNACK && direction == TCPLAT_DIR_EGRESS) {
		err = synack_remember(&key, bpf_ntohl(th->seq));
		if (err)
			ev_flags |= TCPLAT_F_ACK_UNTRACKED;
		if (err == -ENOSPC)
			count(TCPLAT_CNT_SYNACK_TABLE_FULL);
	}

	/* ring memory is not zeroed: every byte of the event is written */
	e->ts_ns = now;
	if (iph) {
		__builtin_memset(e->saddr, 0, sizeof(e->saddr));
		__builtin_memset(e->daddr, 0, sizeof(e->daddr));
		__builtin_memcpy(e->saddr, &iph->saddr, 4);
		__builtin_memcpy(e->daddr, &iph->daddr, 4);
		e->family = 4;
	} else if (ip6h) {
		__builtin_memcpy(e->saddr, &ip6h->saddr, 16);
		__builtin_memcpy(e->daddr, &ip6h->daddr, 16);
		e->family = 6;
	}
	e->seq = bpf_ntohl(th->seq);
	e->ack = bpf_ntohl(th->ack_seq);
	e->tsval = tsval;
	e->tsecr = tsecr;
	e->ifindex = skb->ifindex;
	e->sport = bpf_ntohs(th->source);
	e->dport = bpf_ntohs(th->dest);
	e->kind = kind;
	e->direction = direction;
	e->tcp_flags = flags;
	e->flags = ev_flags;
	e->pad[0] = 0;
	e->pad[1] = 0;
	e->pad[2] = 0;
	bpf_ringbuf_submit(e, ring_wakeup_flag(&events, sizeof(*e)));
	return 0;
}

/* The fast path: every packet on the hook runs this much and no more. */
static __always_inline int handle(struct __sk_buff *skb, const bool l3, const __u8 direction)
{
	struct hdr_cursor c = {
		.data = (void *)(long)skb->data,
		.data_end = (void *)(long)skb->data_end,
	};
	struct tcphdr *th;
	__u32 l3_off, l4_off;
	int version, proto, flags;

	if (l3) {
		/* no link header; skb->protocol is not trustworthy on every L3
		 * device (and BPF_PROG_TEST_RUN derives it from an Ethernet
		 * header), so the IP version nibble decides */
		version = parse_ip_version(&c);
	} else {
		proto = parse_ethhdr(&c);
		version = proto == bpf_htons(ETH_P_IP)	 ? 4 :
			  proto == bpf_htons(ETH_P_IPV6) ? 6 : 0;
	}

	l3_off = c.off;
	if (version == 4)
		proto = parse_iphdr(&c);
	else if (version == 6)
		proto = parse_ip6hdr(&c);
	else
		return TC_ACT_UNSPEC;
	if (proto != IPPROTO_TCP)
		return TC_ACT_UNSPEC;

	l4_off = c.off;
	flags = parse_tcphdr(&c, &th);
	if (flags < 0)
		return TC_ACT_UNSPEC;
	/* the common case, one test: neither SYN nor RST */
	if (!(flags & (TCP_FL_SYN | TCP_FL_RST))) {
		/* the gate spares an idle server even the ACK number's read */
		if (direction == TCPLAT_DIR_INGRESS && (flags & (TCP_FL_ACK | TCP_FL_FIN)) == TCP_FL_ACK &&
		    *(volatile __u64 *)&waiting.synacks && ack_may_complete(bpf_ntohl(th->ack_seq)))
			emit_handshake(skb, l3_off, l4_off, version, direction);
		return TC_ACT_UNSPEC;
	}
	/* SYN or SYN-ACK; or RST+ACK, the answer refusing a SYN */
	if ((flags & (TCP_FL_SYN | TCP_FL_RST | TCP_FL_FIN)) != TCP_FL_SYN &&
	    (flags & (TCP_FL_SYN | TCP_FL_RST | TCP_FL_ACK | TCP_FL_FIN)) != (TCP_FL_RST | TCP_FL_ACK))
		return TC_ACT_UNSPEC;

	emit_handshake(skb, l3_off, l4_off, version, direction);
	return TC_ACT_UNSPEC;
}

/* Program order matches enum tcplat_program in shim/tcplat_shim.h. */

SEC("tc")
int tcplat_ingress_eth(struct __sk_buff *skb)
{
	return handle(skb, false, TCPLAT_DIR_INGRESS);
}

SEC("tc")
int tcplat_egress_eth(struct __sk_buff *skb)
{
	return handle(skb, false, TCPLAT_DIR_EGRESS);
}

SEC("tc")
int tcplat_ingress_l3(struct __sk_buff *skb)
{
	return handle(skb, true, TCPLAT_DIR_INGRESS);
}

SEC("tc")
int tcplat_egress_l3(struct __sk_buff *skb)
{
	return handle(skb, true, TCPLAT_DIR_EGRESS);
}

/* Run by userspace (BPF_PROG_TEST_RUN, the flow key as context) when a
 * handshake's ACK never came; returns 1 if it removed the entry. */
SEC("syscall")
int tcplat_forget(struct tcplat_flow_key *ctx)
{
	struct tcplat_flow_key key;

	__builtin_memcpy(&key, ctx, sizeof(key));
	return synack_forget(&key);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
