// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The baseline of the packet-path benchmark: a TC program that does nothing.
 * BPF_PROG_TEST_RUN's own cost per run (skb setup, the call, the timer) is in
 * its figure, so tcplat's cost is its figure minus this one, measured in the
 * same run.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int bench_empty(struct __sk_buff *skb)
{
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
