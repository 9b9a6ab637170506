// SPDX-License-Identifier: GPL-2.0-only
/*
 * Network namespace cookies from sockets.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "log.h"
#include "netns.h"

int netns_cookie_of_fd(int fd, uint64_t *cookie)
{
	socklen_t len = sizeof(*cookie);
	int err;

	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, cookie, &len)) {
		err = -errno;
		pr_debug("SO_NETNS_COOKIE of fd %d: %s", fd, strerror(-err));
		return err;
	}
	return len == sizeof(*cookie) ? 0 : -EPROTO;
}

int netns_cookie_self(uint64_t *cookie)
{
	int fd, err;

	/* Any socket will do: it belongs to its creator's namespace. */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		pr_debug("socket for SO_NETNS_COOKIE: %s", strerror(-err));
		return err;
	}
	err = netns_cookie_of_fd(fd, cookie);
	close(fd);
	return err;
}
