// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Attaching to an interface and detaching from it: which program pair fits
 * the device, which mode to try (TCX first, legacy clsact only when the
 * kernel lacks TCX or it is asked for), and the table of what this handle
 * attached, so it removes only what it created.
 */
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcplat_internal.h"

#ifndef ARPHRD_RAWIP
#define ARPHRD_RAWIP 519  /* linux/if_arp.h; glibc's net/if_arp.h lacks it */
#endif

const char *const hook_names[2] = { [HOOK_INGRESS] = "ingress", [HOOK_EGRESS] = "egress" };

static struct attachment *find_attachment(struct tcplat *t, int ifindex)
{
	for (int i = 0; i < MAX_ATTACHMENTS; i++)
		if (t->att[i].ifindex == ifindex)
			return &t->att[i];
	return NULL;
}

/* Picks the Ethernet or the L3 program pair from the device's link type. */
static int select_programs(int ifindex, const char *name, bool *l3)
{
	struct ifreq ifr = { 0 };
	int fd, err, type;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return tcplat_fail(-errno, "creating a socket to query interface %s failed (%s)", name, strerror(errno));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	err = ioctl(fd, SIOCGIFHWADDR, &ifr) ? -errno : 0;
	close(fd);
	if (err == -ENODEV)
		return tcplat_fail(err, "interface index %d not found", ifindex);
	if (err)
		return tcplat_fail(err, "reading the link type of %s (index %d) failed (%s)", name, ifindex,
				   strerror(-err));

	type = ifr.ifr_hwaddr.sa_family;
	switch (type) {
	case ARPHRD_ETHER:
	case ARPHRD_LOOPBACK:
		*l3 = false;
		return 0;
	case ARPHRD_NONE:   /* tun, WireGuard */
	case ARPHRD_RAWIP:
	case ARPHRD_PPP:
	case ARPHRD_TUNNEL:
	case ARPHRD_TUNNEL6:
	case ARPHRD_SIT:
	case ARPHRD_IPGRE:
		*l3 = true;
		return 0;
	default:
		return tcplat_fail(-EOPNOTSUPP, "interface %s (index %d) has link type %d (ARPHRD_*), which tcplat "
				   "cannot parse: only Ethernet, loopback and IP-only devices are supported",
				   name, ifindex, type);
	}
}

API int tcplat_attach(struct tcplat *t, int ifindex, int mode)
{
	struct attachment *a, tmp;
	char name[IF_NAMESIZE];
	int prog_fd[2], err;
	bool l3 = false;

	if (!t)
		return tcplat_fail(-EINVAL, "tcplat_attach: null handle");
	if (mode != TCPLAT_ATTACH_AUTO && mode != TCPLAT_ATTACH_TCX && mode != TCPLAT_ATTACH_TC)
		return tcplat_fail(-EINVAL, "unknown attach mode %d: use %d (auto), %d (tcx) or %d (tc)", mode,
				   TCPLAT_ATTACH_AUTO, TCPLAT_ATTACH_TCX, TCPLAT_ATTACH_TC);
	if (ifindex <= 0)
		return tcplat_fail(-EINVAL, "interface index %d is invalid", ifindex);
	if (find_attachment(t, ifindex))
		return tcplat_fail(-EALREADY, "interface index %d is already attached by this probe", ifindex);
	a = find_attachment(t, 0);
	if (!a)
		return tcplat_fail(-ENOSPC, "this probe already holds %d attachments, the most it supports",
				   MAX_ATTACHMENTS);
	if (!if_indextoname(ifindex, name))
		return tcplat_fail(errno == ENXIO || errno == ENODEV ? -ENODEV : -errno,
				   "interface index %d not found", ifindex);

	/* netlink failures here are expected and handled: keep the kernel's
	 * words for our message instead of printing them */
	reset_libbpf_warning(true);
	err = select_programs(ifindex, name, &l3);
	if (err)
		return err;
	prog_fd[HOOK_INGRESS] = bpf_program__fd(t->progs[l3 ? TCPLAT_PROG_INGRESS_L3 : TCPLAT_PROG_INGRESS_ETH]);
	prog_fd[HOOK_EGRESS] = bpf_program__fd(t->progs[l3 ? TCPLAT_PROG_EGRESS_L3 : TCPLAT_PROG_EGRESS_ETH]);

	memset(&tmp, 0, sizeof(tmp));
	tmp.link_fd[0] = tmp.link_fd[1] = -1;
	if (mode != TCPLAT_ATTACH_TC) {
		err = tcx_attach(&tmp, ifindex, name, prog_fd);
		if (!err) {
			tmp.ifindex = ifindex;
			tmp.mode = TCPLAT_ATTACH_TCX;
			*a = tmp;
			return TCPLAT_ATTACH_TCX;
		}
		/* the ifindex exists, so EINVAL here means no TCX in this kernel */
		if (mode == TCPLAT_ATTACH_TCX || (err != -EINVAL && err != -EOPNOTSUPP))
			return err;
	}
	err = clsact_attach(&tmp, ifindex, name, prog_fd);
	if (err)
		return err;
	tmp.mode = TCPLAT_ATTACH_TC;
	*a = tmp;
	return TCPLAT_ATTACH_TC;
}

int attachment_detach(struct attachment *a)
{
	int err = 0;

	if (a->mode == TCPLAT_ATTACH_TCX)
		tcx_detach(a);
	else
		err = clsact_detach(a);
	memset(a, 0, sizeof(*a));
	return err;
}

API int tcplat_detach(struct tcplat *t, int ifindex)
{
	struct attachment *a;

	if (!t)
		return tcplat_fail(-EINVAL, "tcplat_detach: null handle");
	a = ifindex > 0 ? find_attachment(t, ifindex) : NULL;
	if (!a)
		return tcplat_fail(-ENOENT, "interface index %d is not attached by this probe", ifindex);
	reset_libbpf_warning(true);
	return attachment_detach(a);
}
