// SPDX-License-Identifier: GPL-2.0-only
/* Namespaces, veth pairs, addresses and links for tests, through `ip`. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "host/sysctl.h"
#include "tests/lib/check.h"
#include "tests/lib/network_helpers.h"

#define NETNS_CMD_MAX 512
/* The calling thread's namespace: setns() and unshare() act per thread. */
#define NETNS_SELF_PATH "/proc/thread-self/ns/net"

int netns_run(int ns, const char *fmt, ...)
{
	char cmd[NETNS_CMD_MAX];
	int n, status;
	va_list ap;
	pid_t pid;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (!CHECK(n > 0 && n < (int)sizeof(cmd)))
		return -E2BIG;
	pid = fork();
	if (!CHECK(pid >= 0))
		return -errno;
	if (pid == 0) {
		if (ns != NETNS_CURRENT && setns(ns, CLONE_NEWNET))
			_exit(126);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (!CHECK(errno == EINTR))
			return -errno;
	if (!check_report(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			  __FILE__, __LINE__, "failed (status %#x): %s", status,
			  cmd))
		return -EIO;
	return 0;
}

/*
 * What each new namespace gets before a test sees it. DAD off for "all"
 * and for "default", which devices made in or moved into the namespace
 * later start from (the kernel skips DAD only when both say so).
 */
static int netns_prepare(void)
{
	int err;

	err = sysctl_write_int("net/ipv6/conf/all/accept_dad", 0);
	if (!err)
		err = sysctl_write_int("net/ipv6/conf/default/accept_dad", 0);
	if (!check_report(!err, __FILE__, __LINE__, "IPv6 DAD off: %s",
			  strerror(-err)))
		return err;
	return netns_run(NETNS_CURRENT, "ip link set lo up");
}

int netns_enter_new(enum netns_mounts mounts)
{
	int flags = CLONE_NEWNET;

	if (mounts == NETNS_PRIVATE_MOUNTS)
		flags |= CLONE_NEWNS;
	if (!CHECK_SYS(unshare(flags)))
		return -errno;
	if (mounts == NETNS_PRIVATE_MOUNTS &&
	    !CHECK_SYS(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)))
		return -errno;
	return netns_prepare();
}

int netns_open_new(void)
{
	int orig, ns = -1, err;

	orig = open(NETNS_SELF_PATH, O_RDONLY | O_CLOEXEC);
	if (!CHECK(orig >= 0))
		return -errno;
	if (!CHECK_SYS(unshare(CLONE_NEWNET))) {
		err = -errno;
		goto out_close;
	}
	err = netns_prepare();
	if (!err) {
		ns = open(NETNS_SELF_PATH, O_RDONLY | O_CLOEXEC);
		if (!CHECK(ns >= 0))
			err = -errno;
	}
	/* Back to where the caller was, whatever happened. */
	if (!CHECK_SYS(setns(orig, CLONE_NEWNET)) && !err)
		err = -errno;
	if (err && ns >= 0)
		close(ns);
out_close:
	close(orig);
	return err ? err : ns;
}

int netns_enter(int ns)
{
	return CHECK_SYS(setns(ns, CLONE_NEWNET)) ? 0 : -errno;
}

int link_add_veth(const char *name, const char *peer, int queues, int peer_ns)
{
	char where[64] = "";

	/* ip opens the path: the descriptor need not survive its exec. */
	if (peer_ns != NETNS_CURRENT)
		snprintf(where, sizeof(where), " netns /proc/%d/fd/%d",
			 getpid(), peer_ns);
	return netns_run(
		NETNS_CURRENT,
		"ip link add %s numrxqueues %d numtxqueues %d type veth "
		"peer name %s numrxqueues %d numtxqueues %d%s",
		name, queues, queues, peer, queues, queues, where);
}

int link_addr_add(int ns, const char *dev, const char *cidr)
{
	/* nodad: usable at once, whatever the namespace's DAD settings. */
	if (strchr(cidr, ':'))
		return netns_run(ns, "ip -6 addr add %s dev %s nodad", cidr,
				 dev);
	return netns_run(ns, "ip addr add %s dev %s", cidr, dev);
}

int link_set_up(int ns, const char *dev)
{
	return netns_run(ns, "ip link set %s up", dev);
}
