// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Interfaces of the calling thread's network namespace, from rtnetlink: a
 * full RTM_GETLINK dump, and a socket subscribed to link notifications that
 * only says "something changed". Userspace reconciles from a fresh dump on
 * every change, so no notification is ever parsed for state and a lost one
 * (socket overrun) costs nothing but an extra dump.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "tcplat_internal.h"

/* Large enough for one datagram of a link dump: the kernel fills up to
 * max(page size, 32 KiB) per recv when the buffer allows it. */
#define NL_BUF_SIZE 65536
/* A dump interrupted by a concurrent change (NLM_F_DUMP_INTR) is retried. */
#define DUMP_TRIES 4

_Static_assert(sizeof(struct tcplat_link) == TCPLAT_LINK_SIZE, "struct tcplat_link layout");

static int open_route_socket(unsigned int groups)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = groups };
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return tcplat_fail(-errno, "opening an rtnetlink socket failed (%s)", strerror(errno));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		err = -errno;
		close(fd);
		return tcplat_fail(err, "binding an rtnetlink socket failed (%s)", strerror(-err));
	}
	return fd;
}

static void copy_link(struct tcplat_link *out, const struct nlmsghdr *nh)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(nh);
	int len = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi));
	const struct rtattr *rta;

	memset(out, 0, sizeof(*out));
	out->ifindex = ifi->ifi_index;
	out->flags = ifi->ifi_flags;
	out->type = ifi->ifi_type;
	for (rta = IFLA_RTA(ifi); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == IFLA_IFNAME) {
			snprintf(out->name, sizeof(out->name), "%.*s", (int)RTA_PAYLOAD(rta), (const char *)RTA_DATA(rta));
			break;
		}
	}
}

/* One RTM_GETLINK dump. Returns the number of links (copying at most max),
 * -EAGAIN when the kernel flagged the dump inconsistent, or -errno. */
static int dump_once(int fd, struct tcplat_link *links, int max, unsigned int seq)
{
	static __thread unsigned char buf[NL_BUF_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = {
			.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
			.nlmsg_type = RTM_GETLINK,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = seq,
		},
		.ifi = { .ifi_family = AF_UNSPEC },
	};
	bool interrupted = false;
	int count = 0;

	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		return tcplat_fail(-errno, "asking rtnetlink for the interface list failed (%s)", strerror(errno));
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nh;
		int len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return tcplat_fail(-errno, "reading the interface list from rtnetlink failed (%s)", strerror(errno));
		}
		len = (int)n;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_seq != seq)
				continue;
			if (nh->nlmsg_flags & NLM_F_DUMP_INTR)
				interrupted = true;
			if (nh->nlmsg_type == NLMSG_DONE)
				return interrupted ? -EAGAIN : count;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);

				return tcplat_fail(e->error ? e->error : -EIO, "rtnetlink refused the interface dump (%s)",
						   strerror(e->error ? -e->error : EIO));
			}
			if (nh->nlmsg_type != RTM_NEWLINK || nh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
				continue;
			if (count < max)
				copy_link(&links[count], nh);
			count++;
		}
	}
}

API int tcplat_links(void *buf, int max)
{
	int fd, n = -EAGAIN, i;

	if (!buf || max < 0)
		return tcplat_fail(-EINVAL, "tcplat_links: needs a buffer and max >= 0");
	fd = open_route_socket(0);
	if (fd < 0)
		return fd;
	for (i = 0; i < DUMP_TRIES && n == -EAGAIN; i++)
		n = dump_once(fd, buf, max, (unsigned int)i + 1);
	close(fd);
	if (n == -EAGAIN)
		return tcplat_fail(-EAGAIN, "the interface list kept changing during %d rtnetlink dumps", DUMP_TRIES);
	return n;
}

API int tcplat_link_watch_open(void)
{
	return open_route_socket(RTMGRP_LINK);
}

API int tcplat_link_watch_wait(int fd, int timeout_ms)
{
	static __thread unsigned char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int changed = 0, rc;

	if (fd < 0)
		return tcplat_fail(-EBADF, "tcplat_link_watch_wait: no watch socket");
	rc = poll(&p, 1, timeout_ms);
	if (rc < 0)
		return errno == EINTR ? 0 : tcplat_fail(-errno, "waiting for interface changes failed (%s)",
							  strerror(errno));
	if (rc == 0)
		return 0;
	/* Drain everything queued: one reconcile covers them all. */
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return changed;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* notifications were lost: the caller dumps anyway */
				changed = 1;
				continue;
			}
			return tcplat_fail(-errno, "reading interface changes failed (%s)", strerror(errno));
		}
		if (n > 0)
			changed = 1;
	}
}

API void tcplat_link_watch_close(int fd)
{
	if (fd >= 0)
		close(fd);
}
