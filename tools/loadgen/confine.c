// SPDX-License-Identifier: GPL-2.0-only
/*
 * The two refusals that keep a load tool from storming real networks: the
 * initial network namespace (the one PID 1 runs in), and a target that is
 * not on a directly connected network (found by asking the kernel's
 * routing table with RTM_GETROUTE, as `ip route get` does).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "lib/log.h"
#include "args.h"
#include "confine.h"

#define NETNS_SELF "/proc/self/ns/net"
#define NETNS_INIT "/proc/1/ns/net"
/*
 * The inode recent kernels give the initial network namespace
 * (NET_NS_INIT_INO; 6.18 has it). Kernels that number namespaces
 * dynamically start at 0xF0000000, so no other namespace has this one.
 */
#define NETNS_INIT_INO 0xEFFFFFF9U
#define ROUTE_REPLY_MAX 4096

/* 1 in the initial namespace, 0 elsewhere, negative errno if unknown. */
static int in_host_netns(void)
{
	struct stat self, init;

	if (stat(NETNS_SELF, &self)) {
		pr_warn("%s: %s", NETNS_SELF, strerror(errno));
		return -errno;
	}
	if (!stat(NETNS_INIT, &init))
		return self.st_dev == init.st_dev && self.st_ino == init.st_ino;
	/* PID 1 may be hidden from us (a container): the fixed inode says. */
	if (errno == EACCES || errno == EPERM)
		return self.st_ino == NETNS_INIT_INO;
	pr_warn("%s: %s", NETNS_INIT, strerror(errno));
	return -errno;
}

struct route {
	unsigned char type; /* RTN_* */
	bool gateway; /* RTA_GATEWAY or RTA_VIA: through a router */
	char gateway_text[INET6_ADDRSTRLEN];
};

static void route_attrs(const struct rtmsg *rt, size_t len, struct route *r)
{
	const struct rtattr *a;
	int n = (int)len;

	for (a = RTM_RTA(rt); RTA_OK(a, n); a = RTA_NEXT(a, n)) {
		if (a->rta_type == RTA_GATEWAY) {
			r->gateway = true;
			inet_ntop(rt->rtm_family, RTA_DATA(a), r->gateway_text,
				  sizeof(r->gateway_text));
		} else if (a->rta_type == RTA_VIA) {
			r->gateway = true;
			snprintf(r->gateway_text, sizeof(r->gateway_text),
				 "(via another family)");
		}
	}
}

/* The kernel's route to dst, as `ip route get`; negative errno if none. */
static int route_get(const struct sockaddr_storage *dst, struct route *r)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		char attrs[RTA_SPACE(sizeof(struct in6_addr))];
	} req = { 0 };
	union {
		struct nlmsghdr nh;
		char buf[ROUTE_REPLY_MAX];
	} reply;
	const void *addr;
	size_t addr_len;
	struct rtattr *a;
	struct nlmsghdr *nh;
	ssize_t n;
	int fd, err;

	if (dst->ss_family == AF_INET) {
		addr = &((const struct sockaddr_in *)dst)->sin_addr;
		addr_len = sizeof(struct in_addr);
	} else {
		addr = &((const struct sockaddr_in6 *)dst)->sin6_addr;
		addr_len = sizeof(struct in6_addr);
	}
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.rt)) + RTA_SPACE(addr_len);
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = 1;
	req.rt.rtm_family = dst->ss_family;
	req.rt.rtm_dst_len = (unsigned char)(addr_len * 8);
	a = RTM_RTA(&req.rt);
	a->rta_type = RTA_DST;
	a->rta_len = RTA_LENGTH(addr_len);
	memcpy(RTA_DATA(a), addr, addr_len);

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
		err = -errno;
		goto out;
	}
	n = recv(fd, &reply, sizeof(reply), 0);
	if (n < 0) {
		err = -errno;
		goto out;
	}
	nh = &reply.nh;
	err = -EPROTO;
	if (!NLMSG_OK(nh, (size_t)n) || nh->nlmsg_seq != req.nh.nlmsg_seq)
		goto out;
	if (nh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(nh);

		if (nh->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) && e->error < 0)
			err = e->error;
		goto out;
	}
	if (nh->nlmsg_type != RTM_NEWROUTE ||
	    nh->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtmsg)))
		goto out;
	*r = (struct route){
		.type = ((struct rtmsg *)NLMSG_DATA(nh))->rtm_type
	};
	route_attrs(NLMSG_DATA(nh), RTM_PAYLOAD(nh), r);
	err = 0;
out:
	close(fd);
	return err;
}

static const char *target_host(const struct config *cfg, char *buf, size_t size)
{
	const struct sockaddr_storage *t = &cfg->target;

	if (t->ss_family == AF_INET)
		return inet_ntop(AF_INET,
				 &((const struct sockaddr_in *)t)->sin_addr,
				 buf, (socklen_t)size);
	return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)t)->sin6_addr,
			 buf, (socklen_t)size);
}

/* How the kernel says there is no usable route (IPv4's fib_props). */
static const char *no_route(int err)
{
	switch (err) {
	case -ENETUNREACH:
		return "no route to it in this network namespace";
	case -EHOSTUNREACH:
		return "its route is an unreachable one";
	case -EINVAL:
		return "its route is a blackhole";
	case -EACCES:
		return "its route is a prohibit one";
	default:
		return NULL;
	}
}

/* A local address, or a network on one of the namespace's links. */
static int check_route(const struct config *cfg)
{
	char host[INET6_ADDRSTRLEN];
	struct route r;
	int err;

	target_host(cfg, host, sizeof(host));
	err = route_get(&cfg->target, &r);
	if (no_route(err))
		return usage_error("refusing target %s: %s; --allow-routed "
				   "skips this check",
				   host, no_route(err));
	if (err) {
		pr_warn("cannot read the route to %s: %s", host,
			strerror(-err));
		return err;
	}
	if (r.type != RTN_UNICAST && r.type != RTN_LOCAL)
		return usage_error("refusing target %s: its route is not "
				   "unicast (type %u: blackhole, unreachable "
				   "or prohibit); --allow-routed skips this "
				   "check",
				   host, r.type);
	if (r.gateway)
		return usage_error("refusing target %s: not on a directly "
				   "connected network, its route goes through "
				   "gateway %s; pass --allow-routed to load it "
				   "anyway",
				   host, r.gateway_text);
	return 0;
}

int confine_check(const struct config *cfg)
{
	int host;

	if (!cfg->allow_host_netns) {
		host = in_host_netns();
		if (host < 0)
			return host;
		if (host)
			return usage_error(
				"refusing to run in the host's network "
				"namespace (that of PID 1): run it in a test "
				"namespace (ip netns exec), or pass "
				"--allow-host-netns");
	}
	if (cfg->allow_routed)
		return 0;
	return check_route(cfg);
}
