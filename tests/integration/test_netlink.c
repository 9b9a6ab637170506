// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of steer's kernel queries (netlink socket layer, rtnetlink, ethtool,
 * sock_diag, sysctl, namespaces, IRQs) inside a network namespace of their
 * own with a 4-queue veth pair; the host's interfaces are never touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <linux/bpf.h>
#include "netlink/uapi/linux/ethtool_netlink.h"
#include <linux/if_link.h>
#include <linux/magic.h>
#include <linux/rtnetlink.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <libmnl/libmnl.h>

#include <poll.h>

#include "netlink/diag.h"
#include "netlink/ethtool.h"
#include "netlink/ethtool_monitor.h"
#include "netlink/netdev.h"
#include "netlink/uapi/linux/netdev.h"
#include "host/irq.h"
#include "host/bpffs.h"
#include "lib/clock.h"
#include "host/queue.h"
#include "lib/netns.h"
#include "netlink/nlsock.h"
#include "netlink/rtnl.h"
#include "host/sysctl.h"

#define NL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define NL_IF0 "nlt0"
#define NL_IF1 "nlt1"
#define NL_QUEUES 4 /* numrxqueues and numtxqueues of both ends */
#define NL_ADDR4 "198.18.0.1"
#define NL_ADDR6 "2001:db8::1"
#define NL_MISSING_IF "nlt-missing"
#define NL_MISSING_IFINDEX 999999
#define NL_PORT_GROUP 47100 /* the reuseport listeners */
#define NL_PORT_QUEUE 47101 /* the listener whose accept queue fills */
#define NL_BACKLOG 16
#define NL_CONNECTIONS 3
#define NL_QUEUE_WAIT_MS 2000 /* loopback handshakes finish in microseconds */
#define NL_MIGRATE_REQ "net/ipv4/tcp_migrate_req"
#define NL_BPFFS "/sys/fs/bpf"
#define NL_PORT_TABLE 47102 /* the listener of the diag table test */
#define NL_EVENT_WAIT_MS 1000 /* a change must be seen within a second */
#define NL_TMP_IF0 "nlt2" /* a veth pair made and removed by one test */
#define NL_TMP_IF1 "nlt3"

/* The namespace the tests run in, made once by main(). */
static struct {
	const char *skip; /* why the tests cannot run here */
	char error[256]; /* why setting up failed */
	int host_netns; /* the namespace main() started in */
	int ifindex0, ifindex1;
	int host_migrate_req;
} nl_env = { .host_netns = -1 };

static void nl_need_env(void)
{
	if (nl_env.skip) {
		print_message("# %s\n", nl_env.skip);
		skip();
	}
	if (nl_env.error[0])
		fail_msg("setup: %s", nl_env.error);
}

static int nl_run(const char *cmd)
{
	char quiet[512];
	int status;

	snprintf(quiet, sizeof(quiet), "%s >/dev/null 2>&1", cmd);
	status = system(quiet);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(nl_env.error, sizeof(nl_env.error), "failed: %s", cmd);
		return -1;
	}
	return 0;
}

static void nl_setup(void)
{
	static const char *const cmds[] = {
		"ip link set lo up",
		"ip link add " NL_IF0 " numrxqueues 4 numtxqueues 4 type veth "
		"peer name " NL_IF1 " numrxqueues 4 numtxqueues 4",
		"ip addr add " NL_ADDR4 "/24 dev " NL_IF0,
		"ip addr add " NL_ADDR6 "/64 dev " NL_IF0 " nodad",
		"ip link set " NL_IF0 " up",
		"ip link set " NL_IF1 " up",
	};
	size_t i;
	int err;

	if (geteuid()) {
		nl_env.skip = "needs root (network namespaces, veth, XDP)";
		return;
	}
	nl_env.host_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	err = sysctl_read_int(NL_MIGRATE_REQ, &nl_env.host_migrate_req);
	if (nl_env.host_netns < 0 || err) {
		snprintf(nl_env.error, sizeof(nl_env.error),
			 "host namespace or %s unreadable", NL_MIGRATE_REQ);
		return;
	}
	if (unshare(CLONE_NEWNET)) {
		nl_env.skip = "cannot create a network namespace";
		return;
	}
	for (i = 0; i < NL_ARRAY_SIZE(cmds); i++) {
		if (nl_run(cmds[i]))
			return;
	}
	nl_env.ifindex0 = if_nametoindex(NL_IF0);
	nl_env.ifindex1 = if_nametoindex(NL_IF1);
	if (!nl_env.ifindex0 || !nl_env.ifindex1)
		snprintf(nl_env.error, sizeof(nl_env.error), "no %s/%s", NL_IF0,
			 NL_IF1);
}

/*
 * Runs fn in a child, in the host's network namespace if host, and gives
 * back what it sent (len bytes) and the descriptor it passed, if any: the
 * test process itself never leaves its own namespaces.
 */
static int nl_child(bool host, void (*fn)(int sock), void *out, size_t len,
		    int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { out, len };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	int sv[2], status;
	ssize_t n;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		close(sv[0]);
		if (host && setns(nl_env.host_netns, CLONE_NEWNET))
			_exit(EXIT_FAILURE);
		fn(sv[1]);
		_exit(EXIT_SUCCESS);
	}
	close(sv[1]);
	n = recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC);
	close(sv[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) || n != (ssize_t)len)
		return -ECHILD;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (fd && cmsg && cmsg->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(cmsg), sizeof(*fd));
	return 0;
}

/* Sends buf, and fd unless it is negative, to the parent. */
static void nl_send_back(int sock, const void *buf, size_t len, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { (void *)buf, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cmsg;

	if (fd >= 0) {
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(fd));
	}
	if (sendmsg(sock, &msg, 0) != (ssize_t)len)
		_exit(EXIT_FAILURE);
}

/* ---- nlsock ---- */

static int nl_count_cb(const struct nlmsghdr *nlh, void *data)
{
	(*(int *)data)++;
	return MNL_CB_OK;
}

static int nl_stop_cb(const struct nlmsghdr *nlh, void *data)
{
	(*(int *)data)++;
	return MNL_CB_STOP;
}

static int nl_fail_cb(const struct nlmsghdr *nlh, void *data)
{
	errno = EBADMSG;
	return MNL_CB_ERROR;
}

static struct nlmsghdr *nl_link_dump(struct nlsock *ns)
{
	struct nlmsghdr *nlh = nlsock_msg(ns, RTM_GETLINK, NLM_F_DUMP);
	struct ifinfomsg *ifi;

	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	return nlh;
}

static void test_nlsock_dump_and_stop(void **state)
{
	struct nlsock *ns;
	int n = 0;

	nl_need_env();
	assert_int_equal(nlsock_open(&ns, NETLINK_ROUTE), 0);
	/* lo and the veth pair: three links in this namespace. */
	assert_int_equal(nlsock_request(ns, nl_link_dump(ns), nl_count_cb, &n),
			 0);
	assert_int_equal(n, 3);

	/* A callback that stops early; the rest is drained, not misread. */
	n = 0;
	assert_int_equal(nlsock_request(ns, nl_link_dump(ns), nl_stop_cb, &n),
			 0);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(nlsock_request(ns, nl_link_dump(ns), nl_count_cb, &n),
			 0);
	assert_int_equal(n, 3);

	/* A callback's error is returned, and the socket still works. */
	assert_int_equal(nlsock_request(ns, nl_link_dump(ns), nl_fail_cb, NULL),
			 -EBADMSG);
	n = 0;
	assert_int_equal(nlsock_request(ns, nl_link_dump(ns), nl_count_cb, &n),
			 0);
	assert_int_equal(n, 3);
	nlsock_close(ns);
}

static void test_nlsock_extack(void **state)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct nlsock *ns;
	uint16_t id, other;

	nl_need_env();
	assert_int_equal(nlsock_open(&ns, NETLINK_GENERIC), 0);
	assert_int_equal(nlsock_genl_family(ns, "no-such-family", &id),
			 -ENOENT);
	assert_int_equal(nlsock_genl_family(ns, "", &id), -EINVAL);
	assert_int_equal(nlsock_genl_family(ns, "ethtool", &id), 0);
	assert_int_not_equal(id, 0);
	assert_int_equal(nlsock_genl_family(ns, "ethtool", &other), 0);
	assert_int_equal(other, id);

	/* ethtool explains a missing device in an extended ACK. */
	nlh = nlsock_genl_msg(ns, id, ETHTOOL_MSG_CHANNELS_GET,
			      ETHTOOL_GENL_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, ETHTOOL_A_CHANNELS_HEADER);
	mnl_attr_put_strz(nlh, ETHTOOL_A_HEADER_DEV_NAME, NL_MISSING_IF);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(nlsock_request(ns, nlh, NULL, NULL), -ENODEV);
	print_message("# extended ACK: \"%s\"\n", nlsock_errmsg(ns));
	assert_string_not_equal(nlsock_errmsg(ns), "");

	/* The next request starts with no message. */
	assert_int_equal(nlsock_genl_family(ns, "ethtool", &other), 0);
	assert_string_equal(nlsock_errmsg(ns), "");
	nlsock_close(ns);
}

/* ---- rtnetlink ---- */

static void test_rtnl_num_rx_queues(void **state)
{
	uint32_t n = 0;

	nl_need_env();
	assert_int_equal(rtnl_num_rx_queues(nl_env.ifindex0, &n), 0);
	assert_int_equal(n, NL_QUEUES);
	assert_int_equal(rtnl_num_rx_queues(nl_env.ifindex1, &n), 0);
	assert_int_equal(n, NL_QUEUES);
	n = 0;
	assert_int_equal(rtnl_num_rx_queues(if_nametoindex("lo"), &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rtnl_num_rx_queues(NL_MISSING_IFINDEX, &n), -ENODEV);
	assert_int_equal(rtnl_num_rx_queues(0, &n), -EINVAL);
}

/* The smallest XDP program: return XDP_PASS. */
static int nl_xdp_pass_prog(uint32_t *id)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K,
		  .dst_reg = BPF_REG_0,
		  .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	int fd;

	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "nl_pass", "GPL", insns,
			   NL_ARRAY_SIZE(insns), NULL);
	if (fd < 0)
		return fd;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		close(fd);
		return -errno;
	}
	*id = info.id;
	return fd;
}

static int nl_xdp_detach_all(void **state)
{
	if (nl_env.ifindex0) {
		bpf_xdp_detach(nl_env.ifindex0, XDP_FLAGS_SKB_MODE, NULL);
		bpf_xdp_detach(nl_env.ifindex0, XDP_FLAGS_DRV_MODE, NULL);
	}
	return 0;
}

static void nl_assert_xdp(uint32_t want_id, uint8_t want_mode)
{
	uint32_t id = UINT32_MAX;
	uint8_t mode = UINT8_MAX;

	assert_int_equal(rtnl_xdp_prog_id(nl_env.ifindex0, &id, &mode), 0);
	assert_int_equal(id, want_id);
	assert_int_equal(mode, want_mode);
}

static void test_rtnl_xdp_prog_id(void **state)
{
	static const struct {
		uint32_t flags;
		uint8_t mode;
	} modes[] = {
		{ XDP_FLAGS_SKB_MODE, XDP_ATTACHED_SKB },
		{ XDP_FLAGS_DRV_MODE, XDP_ATTACHED_DRV }, /* veth has native */
	};
	uint32_t id = 0;
	size_t i;
	int fd;

	nl_need_env();
	nl_assert_xdp(0, XDP_ATTACHED_NONE);
	fd = nl_xdp_pass_prog(&id);
	assert_true(fd >= 0);
	assert_int_not_equal(id, 0);
	for (i = 0; i < NL_ARRAY_SIZE(modes); i++) {
		assert_int_equal(bpf_xdp_attach(nl_env.ifindex0, fd,
						modes[i].flags, NULL),
				 0);
		nl_assert_xdp(id, modes[i].mode);
		assert_int_equal(bpf_xdp_detach(nl_env.ifindex0, modes[i].flags,
						NULL),
				 0);
		nl_assert_xdp(0, XDP_ATTACHED_NONE);
	}
	/* Either output may be left out. */
	assert_int_equal(rtnl_xdp_prog_id(nl_env.ifindex0, NULL, NULL), 0);
	assert_int_equal(rtnl_xdp_prog_id(NL_MISSING_IFINDEX, &id, NULL),
			 -ENODEV);
	close(fd);
}

/* ---- ethtool ---- */

static void test_ethtool_rx_queues(void **state)
{
	uint32_t rx = 0;

	nl_need_env();
	/* veth reports its real RX queues as rx channels. */
	assert_int_equal(ethtool_rx_queues(NL_IF0, &rx), 0);
	assert_int_equal(rx, NL_QUEUES);
	/* The loopback driver has no channels at all. */
	assert_int_equal(ethtool_rx_queues("lo", &rx), -EOPNOTSUPP);
	assert_int_equal(ethtool_rx_queues(NL_MISSING_IF, &rx), -ENODEV);
	assert_int_equal(ethtool_rx_queues("", &rx), -EINVAL);
	assert_int_equal(ethtool_rx_queues("a-name-too-long-for-linux", &rx),
			 -EINVAL);
}

static void test_ethtool_rss_get(void **state)
{
	struct ethtool_rss *rss = malloc(sizeof(*rss));

	nl_need_env();
	assert_non_null(rss);
	/* veth has no RSS: it has neither a key nor a table. */
	assert_int_equal(ethtool_rss_get(NL_IF0, rss), -EOPNOTSUPP);
	assert_int_equal(rss->indir_size, 0);
	assert_int_equal(rss->key_len, 0);
	assert_int_equal(ethtool_rss_get(NL_MISSING_IF, rss), -ENODEV);
	assert_int_equal(ethtool_rss_get(NULL, rss), -EINVAL);
	free(rss);
}

/* ---- sock_diag ---- */

static uint64_t nl_cookie(int fd)
{
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);

	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &len),
			 0);
	return cookie;
}

static int nl_listen(int family, const char *addr, uint16_t port)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in6 *sin6 = (void *)&ss;
	struct sockaddr_in *sin = (void *)&ss;
	const int on = 1;
	socklen_t len;
	int fd;

	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		assert_int_equal(inet_pton(AF_INET, addr, &sin->sin_addr), 1);
		len = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		assert_int_equal(inet_pton(AF_INET6, addr, &sin6->sin6_addr),
				 1);
		len = sizeof(*sin6);
	}
	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)), 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(listen(fd, NL_BACKLOG), 0);
	return fd;
}

#define NL_MAX_SEEN 16

struct nl_seen {
	struct diag_listener l[NL_MAX_SEEN];
	int n;
};

static int nl_collect(const struct diag_listener *l, void *arg)
{
	struct nl_seen *seen = arg;

	if (seen->n == NL_MAX_SEEN)
		return -ENOSPC;
	seen->l[seen->n++] = *l;
	return 0;
}

static const struct diag_listener *nl_find(const struct nl_seen *seen,
					   uint64_t cookie)
{
	int i;

	for (i = 0; i < seen->n; i++) {
		if (seen->l[i].cookie == cookie)
			return &seen->l[i];
	}
	return NULL;
}

static void nl_assert_listener(const struct diag_listener *l, int family,
			       const char *addr, uint16_t port)
{
	uint8_t want[16] = { 0 };

	assert_non_null(l);
	assert_int_equal(inet_pton(family, addr, want), 1);
	assert_int_equal(l->family, family);
	assert_memory_equal(l->addr, want, sizeof(want));
	assert_int_equal(l->port, port);
	assert_int_equal(l->backlog, NL_BACKLOG);
	assert_int_equal(l->accept_queue, 0);
	assert_int_equal(l->uid, 0);
	assert_int_not_equal(l->inode, 0);
}

static int nl_stop_at_first(const struct diag_listener *l, void *arg)
{
	(*(int *)arg)++;
	return 7;
}

static void test_diag_listeners(void **state)
{
	struct nl_seen *seen = calloc(1, sizeof(*seen));
	int fd4a, fd4b, fd6, calls = 0;
	uint64_t c4a, c4b, c6;

	nl_need_env();
	assert_non_null(seen);
	fd4a = nl_listen(AF_INET, NL_ADDR4, NL_PORT_GROUP);
	fd4b = nl_listen(AF_INET, NL_ADDR4, NL_PORT_GROUP);
	fd6 = nl_listen(AF_INET6, NL_ADDR6, NL_PORT_GROUP);
	c4a = nl_cookie(fd4a);
	c4b = nl_cookie(fd4b);
	c6 = nl_cookie(fd6);

	assert_int_equal(diag_listeners(0, nl_collect, seen), 0);
	assert_int_equal(seen->n, 3);
	nl_assert_listener(nl_find(seen, c4a), AF_INET, NL_ADDR4,
			   NL_PORT_GROUP);
	nl_assert_listener(nl_find(seen, c4b), AF_INET, NL_ADDR4,
			   NL_PORT_GROUP);
	nl_assert_listener(nl_find(seen, c6), AF_INET6, NL_ADDR6,
			   NL_PORT_GROUP);

	/* One family at a time. */
	memset(seen, 0, sizeof(*seen));
	assert_int_equal(diag_listeners(AF_INET6, nl_collect, seen), 0);
	assert_int_equal(seen->n, 1);
	assert_true(seen->l[0].cookie == c6);
	memset(seen, 0, sizeof(*seen));
	assert_int_equal(diag_listeners(AF_INET, nl_collect, seen), 0);
	assert_int_equal(seen->n, 2);
	assert_null(nl_find(seen, c6));

	/* The callback's value ends the walk and is returned. */
	assert_int_equal(diag_listeners(0, nl_stop_at_first, &calls), 7);
	assert_int_equal(calls, 1);
	assert_int_equal(diag_listeners(AF_UNIX, nl_collect, seen),
			 -EAFNOSUPPORT);

	close(fd4a);
	close(fd4b);
	close(fd6);
	memset(seen, 0, sizeof(*seen));
	assert_int_equal(diag_listeners(0, nl_collect, seen), 0);
	assert_int_equal(seen->n, 0);
	free(seen);
}

static int nl_connect4(const char *addr, uint16_t port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
	};
	int fd;

	assert_int_equal(inet_pton(AF_INET, addr, &sin.sin_addr), 1);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

/* The accept queue once it reached want, or its last value at timeout. */
static uint32_t nl_wait_queue(uint64_t cookie, uint32_t want)
{
	const struct timespec tick = { 0, 1000000 };
	struct diag_listener l;
	int ms;

	for (ms = 0;; ms++) {
		assert_int_equal(diag_listener_by_cookie(cookie, &l), 0);
		if (l.accept_queue == want || ms == NL_QUEUE_WAIT_MS)
			return l.accept_queue;
		nanosleep(&tick, NULL);
	}
}

static void test_diag_accept_queue(void **state)
{
	int lfd, client[NL_CONNECTIONS], i, fd;
	struct diag_listener l;
	uint64_t cookie;

	nl_need_env();
	lfd = nl_listen(AF_INET, NL_ADDR4, NL_PORT_QUEUE);
	cookie = nl_cookie(lfd);
	assert_int_equal(diag_listener_by_cookie(cookie, &l), 0);
	nl_assert_listener(&l, AF_INET, NL_ADDR4, NL_PORT_QUEUE);

	for (i = 0; i < NL_CONNECTIONS; i++)
		client[i] = nl_connect4(NL_ADDR4, NL_PORT_QUEUE);
	assert_int_equal(nl_wait_queue(cookie, NL_CONNECTIONS), NL_CONNECTIONS);

	for (i = 0; i < NL_CONNECTIONS; i++) {
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		assert_true(fd >= 0);
		close(fd);
	}
	assert_int_equal(nl_wait_queue(cookie, 0), 0);

	close(lfd);
	assert_int_equal(diag_listener_by_cookie(cookie, &l), -ENOENT);
	for (i = 0; i < NL_CONNECTIONS; i++)
		close(client[i]);
}

/* ---- sysctl ---- */

static void nl_host_migrate_req(int sock)
{
	int v[2];

	v[0] = sysctl_read_int(NL_MIGRATE_REQ, &v[1]);
	nl_send_back(sock, v, sizeof(v), -1);
}

static void test_sysctl(void **state)
{
	int v = -1, host[2];

	nl_need_env();
	/* A new namespace starts from the default, not the host's value. */
	assert_int_equal(sysctl_read_int(NL_MIGRATE_REQ, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(sysctl_write_int(NL_MIGRATE_REQ, 1), 0);
	assert_int_equal(sysctl_read_int(NL_MIGRATE_REQ, &v), 0);
	assert_int_equal(v, 1);
	/* The kernel bounds it to 0..1. */
	assert_int_equal(sysctl_write_int(NL_MIGRATE_REQ, 2), -EINVAL);
	assert_int_equal(sysctl_read_int(NL_MIGRATE_REQ, &v), 0);
	assert_int_equal(v, 1);

	/* The host's value is its own. */
	assert_int_equal(nl_child(true, nl_host_migrate_req, host, sizeof(host),
				  NULL),
			 0);
	assert_int_equal(host[0], 0);
	assert_int_equal(host[1], nl_env.host_migrate_req);

	assert_int_equal(sysctl_read_int("net/ipv4/no_such_knob", &v), -ENOENT);
	assert_int_equal(sysctl_read_int("net/ipv4/tcp_rmem", &v), -EINVAL);
	/* Longer than any integer: a UUID. */
	assert_int_equal(sysctl_read_int("kernel/random/boot_id", &v), -EINVAL);
	assert_int_equal(sysctl_read_int("../../etc/passwd", &v), -EINVAL);
	assert_int_equal(sysctl_read_int("net/../../etc/passwd", &v), -EINVAL);
	assert_int_equal(sysctl_read_int("/proc/sys/net/ipv4/tcp_migrate_req",
					 &v),
			 -EINVAL);
	assert_int_equal(sysctl_write_int("", 1), -EINVAL);
}

/* ---- namespaces ---- */

static void nl_host_socket(int sock)
{
	uint64_t cookie = 0;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || netns_cookie_self(&cookie))
		_exit(EXIT_FAILURE);
	nl_send_back(sock, &cookie, sizeof(cookie), fd);
}

static void test_netns_cookie(void **state)
{
	uint64_t self = 0, again = 0, a = 0, b = 0, host = 0, of_host_fd = 0;
	int fd4, fdu, hfd = -1, pipefd[2];

	nl_need_env();
	assert_int_equal(netns_cookie_self(&self), 0);
	assert_int_equal(netns_cookie_self(&again), 0);
	assert_true(self != 0 && self == again);

	fd4 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	fdu = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd4 >= 0 && fdu >= 0);
	assert_int_equal(netns_cookie_of_fd(fd4, &a), 0);
	assert_int_equal(netns_cookie_of_fd(fdu, &b), 0);
	assert_true(a == self && b == self);

	/* A socket made in the host's namespace keeps that namespace. */
	assert_int_equal(
		nl_child(true, nl_host_socket, &host, sizeof(host), &hfd), 0);
	assert_true(hfd >= 0);
	assert_int_equal(netns_cookie_of_fd(hfd, &of_host_fd), 0);
	assert_true(of_host_fd == host);
	assert_true(of_host_fd != self);

	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	assert_int_equal(netns_cookie_of_fd(pipefd[0], &a), -ENOTSOCK);
	assert_int_equal(netns_cookie_of_fd(-1, &a), -EBADF);
	close(pipefd[0]);
	close(pipefd[1]);
	close(hfd);
	close(fd4);
	close(fdu);
}

struct nl_bpffs_result {
	int err;
	bool priv;
};

enum {
	NL_BPFFS_HOST_COPY, /* the host's bpffs, seen from a new mount ns */
	NL_BPFFS_FRESH, /* a new bpffs, as `ip netns exec` leaves one */
	NL_BPFFS_FRESH_SYS, /* the fresh /sys itself: no bpffs */
	NL_BPFFS_CASES,
};

/*
 * In a child: a mount namespace of its own with nothing propagating back,
 * then what `ip netns exec` does (a fresh /sys), then a bpffs mounted there.
 */
static void nl_bpffs_child(int sock)
{
	struct nl_bpffs_result r[NL_BPFFS_CASES] = { 0 };

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		_exit(EXIT_FAILURE);
	r[NL_BPFFS_HOST_COPY].err =
		bpffs_is_private(NL_BPFFS, &r[NL_BPFFS_HOST_COPY].priv);
	if (umount2("/sys", MNT_DETACH) ||
	    mount("sysfs", "/sys", "sysfs", 0, NULL))
		_exit(EXIT_FAILURE);
	r[NL_BPFFS_FRESH_SYS].err =
		bpffs_is_private("/sys", &r[NL_BPFFS_FRESH_SYS].priv);
	if (mount("bpf", NL_BPFFS, "bpf", 0, NULL))
		_exit(EXIT_FAILURE);
	r[NL_BPFFS_FRESH].err =
		bpffs_is_private(NL_BPFFS, &r[NL_BPFFS_FRESH].priv);
	nl_send_back(sock, r, sizeof(r), -1);
}

static void test_bpffs_is_private(void **state)
{
	struct nl_bpffs_result r[NL_BPFFS_CASES];
	struct statfs sfs;
	bool priv = true;

	nl_need_env();
	if (statfs(NL_BPFFS, &sfs) || sfs.f_type != BPF_FS_MAGIC) {
		print_message("# no bpffs at " NL_BPFFS " on this host\n");
		skip();
	}
	/* The host's own bpffs, in the host's mount namespace. */
	assert_int_equal(bpffs_is_private(NL_BPFFS, &priv), 0);
	assert_false(priv);
	assert_int_equal(bpffs_is_private("/tmp", &priv), -EMEDIUMTYPE);
	assert_int_equal(bpffs_is_private("/no/such/dir", &priv), -ENOENT);

	assert_int_equal(nl_child(false, nl_bpffs_child, r, sizeof(r), NULL),
			 0);
	assert_int_equal(r[NL_BPFFS_HOST_COPY].err, 0);
	assert_false(r[NL_BPFFS_HOST_COPY].priv);
	assert_int_equal(r[NL_BPFFS_FRESH_SYS].err, -EMEDIUMTYPE);
	assert_int_equal(r[NL_BPFFS_FRESH].err, 0);
	assert_true(r[NL_BPFFS_FRESH].priv);
}

/* ---- the long-lived context ---- */

static void test_nl_ctx(void **state)
{
	struct ethtool_channel_counts ch;
	struct rtnl_link link;
	struct netdev_dev dev;
	struct nl_ctx *ctx;
	int i, err;

	nl_need_env();
	assert_int_equal(nl_ctx_open(&ctx), 0);
	/* The same sockets serve request after request. */
	for (i = 0; i < 3; i++) {
		assert_int_equal(ethtool_get_channels(ctx, NL_IF0, &ch), 0);
		assert_int_equal(ch.rx_max, NL_QUEUES);
		assert_int_equal(ch.rx, NL_QUEUES);
		assert_int_equal(ch.tx, NL_QUEUES);
		assert_int_equal(ethtool_channels_rx(&ch), NL_QUEUES);
		assert_int_equal(rtnl_get_link(ctx, nl_env.ifindex0, &link), 0);
		assert_string_equal(link.name, NL_IF0);
		assert_int_equal(link.kind, RTNL_LINK_NEW);
		assert_true(link.up);
		assert_int_equal(link.num_rx_queues, NL_QUEUES);
	}
	assert_int_equal(ethtool_get_channels(ctx, NL_MISSING_IF, &ch),
			 -ENODEV);
	assert_int_equal(ethtool_get_channels(ctx, "lo", &ch), -EOPNOTSUPP);
	assert_int_equal(rtnl_get_link(ctx, NL_MISSING_IFINDEX, &link),
			 -ENODEV);

	/* netdev family: veth reports its XDP features. */
	err = netdev_get_dev(ctx, nl_env.ifindex0, &dev);
	if (err == -EPROTONOSUPPORT) {
		print_message("# no netdev netlink family\n");
	} else {
		assert_int_equal(err, 0);
		assert_int_equal(dev.ifindex, nl_env.ifindex0);
		assert_true(dev.xdp_features & NETDEV_XDP_ACT_BASIC);
		assert_int_equal(netdev_get_dev(ctx, NL_MISSING_IFINDEX, &dev),
				 -ENODEV);
	}
	nl_ctx_close(ctx);
}

/* The context test_nl_ctx_netns opens before its child leaves. */
static struct nl_ctx *nl_netns_ctx;

/* In the host's namespace: the context still answers for the test's. */
static void nl_ctx_netns_child(int sock)
{
	struct ethtool_channel_counts ch;
	struct rtnl_link link;
	int err[2];

	err[0] = rtnl_get_link(nl_netns_ctx, nl_env.ifindex0, &link);
	if (!err[0] && strcmp(link.name, NL_IF0))
		err[0] = -ESRCH;
	err[1] = ethtool_get_channels(nl_netns_ctx, NL_IF0, &ch);
	nl_send_back(sock, err, sizeof(err), -1);
}

static void test_nl_ctx_netns(void **state)
{
	int err[2] = { 1, 1 };

	nl_need_env();
	assert_int_equal(nl_ctx_open(&nl_netns_ctx), 0);
	assert_int_equal(
		nl_child(true, nl_ctx_netns_child, err, sizeof(err), NULL), 0);
	nl_ctx_close(nl_netns_ctx);
	assert_int_equal(err[0], 0);
	assert_int_equal(err[1], 0);
}

static void test_netdev_rx_queue_irqs(void **state)
{
	uint32_t irq[NL_QUEUES];
	struct nl_ctx *ctx;
	uint32_t found = 99;
	int err, q;

	nl_need_env();
	assert_int_equal(nl_ctx_open(&ctx), 0);
	err = netdev_rx_queue_irqs(ctx, nl_env.ifindex0, irq, NL_QUEUES,
				   &found);
	if (err == -EPROTONOSUPPORT || err == -EOPNOTSUPP) {
		nl_ctx_close(ctx);
		print_message("# no netdev queue-get/napi-get: %s\n",
			      strerror(-err));
		skip();
	}
	/* veth has no interrupts: every queue says so. */
	assert_int_equal(err, 0);
	assert_int_equal(found, 0);
	for (q = 0; q < NL_QUEUES; q++)
		assert_int_equal(irq[q], NETDEV_IRQ_NONE);
	assert_int_equal(netdev_rx_queue_irqs(ctx, NL_MISSING_IFINDEX, irq,
					      NL_QUEUES, &found),
			 -ENODEV);
	assert_int_equal(netdev_rx_queue_irqs(ctx, 0, irq, NL_QUEUES, &found),
			 -EINVAL);
	nl_ctx_close(ctx);
}

/* ---- monitors ---- */

/* Waits up to NL_EVENT_WAIT_MS for input on fd; true when there is some. */
static bool nl_wait_input(int fd, int64_t deadline_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int64_t now = (int64_t)clock_now_ms();

	if (now >= deadline_ms)
		return false;
	return poll(&pfd, 1, deadline_ms - now) == 1;
}

static int64_t nl_deadline(void)
{
	return (int64_t)clock_now_ms() + NL_EVENT_WAIT_MS;
}

struct nl_ethtool_seen {
	int ifindex;
	bool channels;
};

static int nl_ethtool_event(const struct ethtool_event *ev, void *arg)
{
	struct nl_ethtool_seen *seen = arg;

	if (ev->ifindex == seen->ifindex &&
	    ev->what == ETHTOOL_CHANGE_CHANNELS) {
		assert_string_equal(ev->ifname, NL_IF0);
		seen->channels = true;
	}
	return 0;
}

/* Sets nlt0's rx channels with ethtool -L and waits for the notification. */
static void nl_set_rx_channels(struct ethtool_monitor *mon, uint32_t rx)
{
	struct nl_ethtool_seen seen = { .ifindex = nl_env.ifindex0 };
	struct ethtool_channel_counts ch;
	int64_t deadline = nl_deadline();
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "ethtool -L %s rx %u", NL_IF0, rx);
	assert_int_equal(nl_run(cmd), 0);
	while (!seen.channels &&
	       nl_wait_input(ethtool_monitor_fd(mon), deadline))
		assert_true(ethtool_monitor_read(mon, nl_ethtool_event,
						 &seen) >= 0);
	if (!seen.channels)
		fail_msg("no CHANNELS_NTF for %s within %d ms", NL_IF0,
			 NL_EVENT_WAIT_MS);
	assert_int_equal(ethtool_rx_queues(NL_IF0, &ch.rx), 0);
	assert_int_equal(ch.rx, rx);
}

static void test_ethtool_monitor(void **state)
{
	struct ethtool_monitor *mon;
	int err;

	nl_need_env();
	if (system("ethtool --version >/dev/null 2>&1")) {
		print_message("# no ethtool command\n");
		skip();
	}
	err = ethtool_monitor_open(&mon);
	if (err == -EPROTONOSUPPORT || err == -ENOMSG) {
		print_message("# no ethtool monitor group: %s\n",
			      strerror(-err));
		skip();
	}
	assert_int_equal(err, 0);
	/* Nothing queued yet: a read returns at once with no event. */
	assert_int_equal(ethtool_monitor_read(mon, nl_ethtool_event,
					      &(struct nl_ethtool_seen){ 0 }),
			 0);
	nl_set_rx_channels(mon, 2);
	nl_set_rx_channels(mon, NL_QUEUES);
	ethtool_monitor_close(mon);
}

struct nl_link_seen {
	int ifindex; /* 0: by name */
	const char *name;
	enum rtnl_link_kind kind;
	bool up;
	bool seen;
};

static int nl_link_event(const struct rtnl_link *link, void *arg)
{
	struct nl_link_seen *want = arg;

	if (link->kind == want->kind &&
	    (want->ifindex ? link->ifindex == want->ifindex :
			     !strcmp(link->name, want->name)) &&
	    (want->kind == RTNL_LINK_DEL || link->up == want->up))
		want->seen = true;
	return 0;
}

static void nl_wait_link(struct rtnl_monitor *mon, struct nl_link_seen *want)
{
	int64_t deadline = nl_deadline();

	while (!want->seen && nl_wait_input(rtnl_monitor_fd(mon), deadline))
		assert_true(rtnl_monitor_read(mon, nl_link_event, want) >= 0);
	if (!want->seen)
		fail_msg("no link event for %s within %d ms",
			 want->name ?: "nlt1", NL_EVENT_WAIT_MS);
}

static void test_rtnl_monitor(void **state)
{
	struct nl_link_seen down = { nl_env.ifindex1, NULL, RTNL_LINK_NEW,
				     false, false };
	struct nl_link_seen up = { nl_env.ifindex1, NULL, RTNL_LINK_NEW, true,
				   false };
	struct nl_link_seen added = { 0, NL_TMP_IF0, RTNL_LINK_NEW, false,
				      false };
	struct nl_link_seen removed = { 0, NL_TMP_IF0, RTNL_LINK_DEL, false,
					false };
	struct rtnl_monitor *mon;

	nl_need_env();
	assert_int_equal(rtnl_monitor_open(&mon), 0);
	assert_int_equal(rtnl_monitor_read(mon, nl_link_event, &down), 0);

	assert_int_equal(nl_run("ip link set " NL_IF1 " down"), 0);
	nl_wait_link(mon, &down);
	assert_int_equal(nl_run("ip link set " NL_IF1 " up"), 0);
	nl_wait_link(mon, &up);

	assert_int_equal(nl_run("ip link add " NL_TMP_IF0 " type veth peer "
				"name " NL_TMP_IF1),
			 0);
	nl_wait_link(mon, &added);
	assert_int_equal(nl_run("ip link del " NL_TMP_IF0), 0);
	nl_wait_link(mon, &removed);
	rtnl_monitor_close(mon);
}

/* ---- diag table ---- */

static void test_diag_table(void **state)
{
	struct diag_table table = { 0 };
	const struct diag_listener *l;
	struct nl_ctx *ctx;
	uint64_t cookie;
	int fd;

	nl_need_env();
	assert_int_equal(nl_ctx_open(&ctx), 0);
	fd = nl_listen(AF_INET, NL_ADDR4, NL_PORT_TABLE);
	cookie = nl_cookie(fd);

	assert_int_equal(diag_table_dump(ctx, &table), 0);
	l = diag_table_find(&table, cookie);
	nl_assert_listener(l, AF_INET, NL_ADDR4, NL_PORT_TABLE);
	assert_null(diag_table_find(&table, cookie + 1));

	/* The next dump replaces the table: the closed listener is gone. */
	close(fd);
	assert_int_equal(diag_table_dump(ctx, &table), 0);
	assert_null(diag_table_find(&table, cookie));
	/* And a table works with a socket of its own too. */
	assert_int_equal(diag_table_dump(NULL, &table), 0);
	assert_null(diag_table_find(&table, cookie));
	diag_table_free(&table);
	assert_null(diag_table_find(&table, cookie));
	nl_ctx_close(ctx);
}

/* ---- driver ---- */

static void test_ethtool_driver(void **state)
{
	struct ethtool_driver drv;

	nl_need_env();
	assert_int_equal(ethtool_get_driver(NL_IF0, &drv), 0);
	assert_string_equal(drv.driver, "veth");
	assert_string_equal(drv.bus_info, "");
	assert_true(ethtool_is_veth(NL_IF0));
	assert_false(ethtool_is_veth("lo"));
	assert_false(ethtool_is_veth(NL_MISSING_IF));
	assert_int_equal(ethtool_get_driver(NL_MISSING_IF, &drv), -ENODEV);
	assert_int_equal(ethtool_get_driver("", &drv), -EINVAL);
}

/* ---- queue sysfs (RPS, XPS) ---- */

struct nl_xps_result {
	int step; /* 0: all passed; else the first check that failed */
	int err;
	char before[QUEUE_MASK_TEXT], during[QUEUE_MASK_TEXT],
		after[QUEUE_MASK_TEXT];
};

#define NL_XPS_CHECK(r, n, cond)           \
	do {                               \
		if (!(r)->step && !(cond)) \
			(r)->step = (n);   \
	} while (0)

/*
 * In a child: a sysfs of this network namespace (mounted in a mount
 * namespace of the child's own), then XPS set and restored on nlt0's tx-1.
 */
static void nl_xps_child(int sock)
{
	static struct nl_xps_result r;
	char prev[QUEUE_MASK_TEXT], mask[QUEUE_MASK_TEXT];
	uint32_t cnt = 99;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("sysfs", "/sys", "sysfs", 0, NULL))
		_exit(EXIT_FAILURE);
	r.err = queue_xps_cpus(NL_IF0, 1, r.before, sizeof(r.before));
	NL_XPS_CHECK(&r, 1, !r.err);
	r.err = queue_xps_cpus_set(NL_IF0, 1, "1", prev, sizeof(prev));
	NL_XPS_CHECK(&r, 2, !r.err && !strcmp(prev, r.before));
	r.err = queue_xps_cpus(NL_IF0, 1, r.during, sizeof(r.during));
	NL_XPS_CHECK(&r, 3, !r.err && strcmp(r.during, r.before));
	r.err = queue_xps_cpus_set(NL_IF0, 1, prev, mask, sizeof(mask));
	NL_XPS_CHECK(&r, 4, !r.err && !strcmp(mask, r.during));
	r.err = queue_xps_cpus(NL_IF0, 1, r.after, sizeof(r.after));
	NL_XPS_CHECK(&r, 5, !r.err && !strcmp(r.after, r.before));
	r.err = queue_xps_rxqs(NL_IF0, 1, mask, sizeof(mask));
	NL_XPS_CHECK(&r, 6, !r.err);
	r.err = queue_rps_cpus(NL_IF0, 0, mask, sizeof(mask));
	NL_XPS_CHECK(&r, 7, !r.err && mask[0]);
	r.err = queue_rps_flow_cnt(NL_IF0, 0, &cnt);
	NL_XPS_CHECK(&r, 8, !r.err && cnt == 0);
	r.err = queue_xps_cpus(NL_MISSING_IF, 0, mask, sizeof(mask));
	NL_XPS_CHECK(&r, 9, r.err == -ENODEV);
	r.err = queue_xps_cpus(NL_IF0, NL_QUEUES, mask, sizeof(mask));
	NL_XPS_CHECK(&r, 10, r.err == -ENOENT);
	r.err = queue_xps_cpus("../lo", 0, mask, sizeof(mask));
	NL_XPS_CHECK(&r, 11, r.err == -EINVAL);
	r.err = queue_xps_cpus(NL_IF0, 0, mask, 2);
	NL_XPS_CHECK(&r, 12, r.err == -ENOSPC);
	/* A mask the kernel refuses leaves the old one in place. */
	r.err = queue_xps_cpus_set(NL_IF0, 1, "not-hex", NULL, 0);
	NL_XPS_CHECK(&r, 13, r.err == -EINVAL);
	r.err = queue_xps_cpus(NL_IF0, 1, mask, sizeof(mask));
	NL_XPS_CHECK(&r, 14, !r.err && !strcmp(mask, r.before));
	nl_send_back(sock, &r, sizeof(r), -1);
}

static void test_queue_xps(void **state)
{
	struct nl_xps_result *r = calloc(1, sizeof(*r));

	nl_need_env();
	assert_non_null(r);
	assert_int_equal(nl_child(false, nl_xps_child, r, sizeof(*r), NULL), 0);
	print_message("# xps_cpus of %s tx-1: \"%s\", set \"%s\", restored "
		      "\"%s\"\n",
		      NL_IF0, r->before, r->during, r->after);
	if (r->step)
		fail_msg("check %d failed: %s", r->step, strerror(-r->err));
	free(r);
}

/* ---- IRQs ---- */

static void test_irq_queue_cpus(void **state)
{
	uint32_t cpu[NL_QUEUES];
	size_t i;

	nl_need_env();
	/* veth has no interrupts at all. */
	assert_int_equal(irq_queue_cpus(NL_IF0, "", cpu, NL_QUEUES), -ENOENT);
	for (i = 0; i < NL_QUEUES; i++)
		assert_int_equal(cpu[i], IRQ_CPU_UNKNOWN);
	assert_int_equal(irq_queue_cpus(NL_MISSING_IF, NULL, cpu, NL_QUEUES),
			 -ENODEV);
	assert_int_equal(irq_queue_cpus(NL_IF0, NULL, cpu, 0), -EINVAL);
	assert_int_equal(irq_queue_cpus("", NULL, cpu, NL_QUEUES), -EINVAL);
	assert_int_equal(irq_queue_irqs(NL_IF0, NULL, cpu, NL_QUEUES), -ENOENT);
	for (i = 0; i < NL_QUEUES; i++)
		assert_int_equal(cpu[i], IRQ_NUMBER_UNKNOWN);
}

static void test_irq_name_queue(void **state)
{
	static const struct {
		const char *name;
		const char *ifname; /* NULL: an interrupt of the device */
		int ret;
		uint32_t queue;
	} cases[] = {
		{ "eth0-TxRx-3", "eth0", 0, 3 },
		{ "i40e-eth0-TxRx-12", "eth0", 0, 12 },
		{ "eth0-rx-3", "eth0", 0, 3 },
		{ "eth0-fp-2", "eth0", 0, 2 },
		{ "eth0-5", "eth0", 0, 5 },
		{ "eth0-tx-3", "eth0", -ENOENT, 0 },
		{ "veth0-TxRx-3", "eth0", -ENOENT, 0 },
		{ "eth1-TxRx-3", "eth0", -ENOENT, 0 },
		{ "eth0-TxRx-", "eth0", -ENOENT, 0 },
		{ "eth0-TxRx-3x", "eth0", -ENOENT, 0 },
		{ "eth0", "eth0", -ENOENT, 0 },
		{ "mlx5_comp3@pci:0000:3b:00.0", "eth0", -ENOENT, 0 },
		{ "mlx5_comp3@pci:0000:3b:00.0", NULL, 0, 3 },
		{ "mlx5_async0@pci:0000:3b:00.0", NULL, -ENOENT, 0 },
		{ "ice-0000:3b:00.0-TxRx-5", NULL, 0, 5 },
		{ "virtio2-input.0", NULL, 0, 0 },
		{ "virtio2-input.17", NULL, 0, 17 },
		{ "virtio2-output.0", NULL, -ENOENT, 0 },
		{ "virtio2-config", NULL, -ENOENT, 0 },
		{ "eth0-tx-3", NULL, -ENOENT, 0 },
	};
	uint32_t queue;
	size_t i;

	for (i = 0; i < NL_ARRAY_SIZE(cases); i++) {
		queue = UINT32_MAX;
		if (irq_name_queue(cases[i].name, cases[i].ifname, &queue) !=
		    cases[i].ret)
			fail_msg("%s (%s): not %d", cases[i].name,
				 cases[i].ifname ?: "device", cases[i].ret);
		if (!cases[i].ret)
			assert_int_equal(queue, cases[i].queue);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nlsock_dump_and_stop),
		cmocka_unit_test(test_nlsock_extack),
		cmocka_unit_test(test_rtnl_num_rx_queues),
		cmocka_unit_test_teardown(test_rtnl_xdp_prog_id,
					  nl_xdp_detach_all),
		cmocka_unit_test(test_ethtool_rx_queues),
		cmocka_unit_test(test_ethtool_rss_get),
		cmocka_unit_test(test_diag_listeners),
		cmocka_unit_test(test_diag_accept_queue),
		cmocka_unit_test(test_sysctl),
		cmocka_unit_test(test_netns_cookie),
		cmocka_unit_test(test_bpffs_is_private),
		cmocka_unit_test(test_irq_queue_cpus),
		cmocka_unit_test(test_irq_name_queue),
		cmocka_unit_test(test_nl_ctx),
		cmocka_unit_test(test_nl_ctx_netns),
		cmocka_unit_test(test_netdev_rx_queue_irqs),
		cmocka_unit_test(test_ethtool_monitor),
		cmocka_unit_test(test_rtnl_monitor),
		cmocka_unit_test(test_diag_table),
		cmocka_unit_test(test_ethtool_driver),
		cmocka_unit_test(test_queue_xps),
	};

	nl_setup();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
