// SPDX-License-Identifier: GPL-2.0-only
/* Reads and writes one integer sysctl through its /proc/sys file. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "sysctl.h"

#define SYSCTL_ROOT "/proc/sys/"
/* Room for an int, a sign and a newline, and enough more to see junk. */
#define SYSCTL_INT_TEXT 32

static int sysctl_path(const char *name, char *path, size_t size)
{
	const char *p;
	int n;

	if (!name || !*name || *name == '/')
		return -EINVAL;
	/* Only paths below /proc/sys: no ".." component anywhere. */
	for (p = name; (p = strstr(p, "..")); p += 2) {
		if ((p == name || p[-1] == '/') && (p[2] == '/' || !p[2]))
			return -EINVAL;
	}
	n = snprintf(path, size, SYSCTL_ROOT "%s", name);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int sysctl_read_int(const char *name, int *val)
{
	char path[PATH_MAX], text[SYSCTL_INT_TEXT], *end;
	ssize_t len;
	long v;
	int fd, err;

	err = sysctl_path(name, path, sizeof(path));
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		pr_debug("sysctl %s: %s", name, strerror(-err));
		return err;
	}
	len = read(fd, text, sizeof(text));
	err = len < 0 ? -errno : 0;
	close(fd);
	if (err) {
		pr_debug("sysctl %s: %s", name, strerror(-err));
		return err;
	}
	/* A full buffer means more than one integer's worth of text. */
	if ((size_t)len >= sizeof(text)) {
		pr_debug("sysctl %s: not an integer", name);
		return -EINVAL;
	}
	text[len] = '\0';
	errno = 0;
	v = strtol(text, &end, 10);
	if (end == text || (*end && strcmp(end, "\n"))) {
		pr_debug("sysctl %s: not one integer: %s", name, text);
		return -EINVAL;
	}
	if (errno == ERANGE || v < INT_MIN || v > INT_MAX) {
		pr_debug("sysctl %s: %s out of range", name, text);
		return -ERANGE;
	}
	*val = v;
	return 0;
}

int sysctl_write_int(const char *name, int val)
{
	char path[PATH_MAX], text[SYSCTL_INT_TEXT];
	ssize_t len;
	int fd, n, err;

	err = sysctl_path(name, path, sizeof(path));
	if (err)
		return err;
	n = snprintf(text, sizeof(text), "%d\n", val);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		pr_debug("sysctl %s: %s", name, strerror(-err));
		return err;
	}
	len = write(fd, text, n);
	if (len < 0)
		err = -errno;
	else if (len != n)
		err = -EIO;
	close(fd);
	if (err)
		pr_debug("sysctl %s = %d: %s", name, val, strerror(-err));
	return err;
}
