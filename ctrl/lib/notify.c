// SPDX-License-Identifier: GPL-2.0-only
/*
 * sd_notify over a datagram socket: $NOTIFY_SOCKET is a filesystem path or,
 * starting with '@', an abstract socket name (the '@' stands for the
 * leading NUL byte).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "notify.h"

/* STATUS= lines are one short sentence; systemd shows them as they are. */
#define NOTIFY_MSG_MAX 512

int notify_send(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len;
	socklen_t salen;
	int fd, ret = 0;

	if (!path || !*path)
		return 0;
	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof(sa.sun_path))
		return -EINVAL;
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	/* An abstract name's length is all there is; a path ends at NUL. */
	salen = offsetof(struct sockaddr_un, sun_path) + len + (path[0] == '/');

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL,
		   (struct sockaddr *)&sa, salen) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int notify_status(int ready, const char *fmt, ...)
{
	char msg[NOTIFY_MSG_MAX];
	int n;
	va_list ap;

	n = snprintf(msg, sizeof(msg), "%sSTATUS=", ready ? "READY=1\n" : "");
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	/* A status is one line: a newline would start a bogus key. */
	for (char *p = msg + n; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return notify_send(msg);
}

int notify_reloading(void)
{
	return notify_send("RELOADING=1");
}

int notify_stopping(void)
{
	return notify_send("STOPPING=1");
}
