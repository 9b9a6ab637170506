// SPDX-License-Identifier: GPL-2.0-only
/* Reads and writes the files of /sys/class/net/IF/queues/{rx,tx}-N/. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/stat.h>

#include "lib/log.h"
#include "queue.h"

#define SYSFS_NET "/sys/class/net/%s"
#define SYSFS_QUEUE SYSFS_NET "/queues/%s-%u/%s"
/* Room for rps_flow_cnt's number and newline. */
#define QUEUE_NUMBER_TEXT 32

static int queue_path(const char *ifname, const char *dir, uint32_t q,
		      const char *file, char *path, size_t size)
{
	struct stat st;

	if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ ||
	    strchr(ifname, '/') || !strcmp(ifname, ".") ||
	    !strcmp(ifname, ".."))
		return -EINVAL;
	snprintf(path, size, SYSFS_NET, ifname);
	if (stat(path, &st))
		return errno == ENOENT ? -ENODEV : -errno;
	snprintf(path, size, SYSFS_QUEUE, ifname, dir, q, file);
	return 0;
}

/* Reads a whole file into text, the trailing newline removed. */
static int queue_read(const char *ifname, const char *dir, uint32_t q,
		      const char *file, char *text, size_t size)
{
	char path[PATH_MAX];
	ssize_t len;
	int fd, err;

	if (!text || !size)
		return -EINVAL;
	text[0] = '\0';
	err = queue_path(ifname, dir, q, file, path, sizeof(path));
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	len = read(fd, text, size);
	err = len < 0 ? -errno : (size_t)len >= size ? -ENOSPC : 0;
	close(fd);
	if (err)
		goto out;
	text[len] = '\0';
	if (len && text[len - 1] == '\n')
		text[len - 1] = '\0';
	return 0;
out:
	text[0] = '\0';
	pr_debug("%s: %s", path, strerror(-err));
	return err;
}

int queue_rps_cpus(const char *ifname, uint32_t rxq, char *mask, size_t size)
{
	return queue_read(ifname, "rx", rxq, "rps_cpus", mask, size);
}

int queue_xps_cpus(const char *ifname, uint32_t txq, char *mask, size_t size)
{
	return queue_read(ifname, "tx", txq, "xps_cpus", mask, size);
}

int queue_xps_rxqs(const char *ifname, uint32_t txq, char *mask, size_t size)
{
	return queue_read(ifname, "tx", txq, "xps_rxqs", mask, size);
}

int queue_rps_flow_cnt(const char *ifname, uint32_t rxq, uint32_t *cnt)
{
	char text[QUEUE_NUMBER_TEXT], *end;
	unsigned long v;
	int err;

	err = queue_read(ifname, "rx", rxq, "rps_flow_cnt", text, sizeof(text));
	if (err)
		return err;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (end == text || *end || errno || v > UINT32_MAX)
		return -EINVAL;
	*cnt = v;
	return 0;
}

int queue_xps_cpus_set(const char *ifname, uint32_t txq, const char *mask,
		       char *prev, size_t size)
{
	char path[PATH_MAX], old[QUEUE_MASK_TEXT];
	size_t n;
	ssize_t len;
	int fd, err;

	if (!mask || !*mask)
		return -EINVAL;
	err = queue_xps_cpus(ifname, txq, old, sizeof(old));
	if (err)
		return err;
	if (prev && snprintf(prev, size, "%s", old) >= (int)size)
		return -ENOSPC;
	err = queue_path(ifname, "tx", txq, "xps_cpus", path, sizeof(path));
	if (err)
		return err;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	n = strlen(mask);
	len = write(fd, mask, n);
	err = len < 0 ? -errno : (size_t)len != n ? -EIO : 0;
	close(fd);
out:
	if (err)
		pr_debug("%s = %s: %s", path, mask, strerror(-err));
	return err;
}
