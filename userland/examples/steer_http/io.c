// SPDX-License-Identifier: GPL-2.0-only
/* epoll registration and descriptor flags, with errors as negative errno. */
#include <errno.h>
#include <fcntl.h>
#include <sys/epoll.h>

#include "io.h"

int ep_ctl(int epfd, int op, int fd, uint32_t events, uint64_t tok)
{
	struct epoll_event ev = { .events = events, .data.u64 = tok };

	return epoll_ctl(epfd, op, fd, &ev) ? -errno : 0;
}

int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 ||
	    (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK)))
		return -errno;
	return 0;
}
