// SPDX-License-Identifier: GPL-2.0-only
/* Whether a bpffs directory's pins outlive us: statfs and PID 1's mounts. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <linux/magic.h>

#include "bpffs.h"
#include "lib/log.h"

/* PID 1's mount table: the mount namespace everyone else starts in. */
#define INIT_MOUNTINFO "/proc/1/mountinfo"
#define BPFFS_TYPE "bpf"

bool bpffs_is_mounted(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == BPF_FS_MAGIC;
}

/*
 * Whether one line of a mountinfo file mounts a bpf filesystem whose
 * superblock has device number dev. The line is
 * "ID PARENT MAJOR:MINOR ROOT POINT OPTIONS [OPTIONAL...] - TYPE SOURCE ...".
 */
static bool mountinfo_is_bpffs(const char *line, dev_t dev)
{
	static const char sep[] = " - ", type[] = BPFFS_TYPE " ";
	unsigned int maj, min;
	const char *p;

	if (sscanf(line, "%*u %*u %u:%u", &maj, &min) != 2)
		return false;
	if (makedev(maj, min) != dev)
		return false;
	p = strstr(line, sep);
	return p && !strncmp(p + strlen(sep), type, strlen(type));
}

int bpffs_is_private(const char *dir, bool *priv)
{
	bool shared = false;
	struct statfs sfs;
	struct stat st;
	size_t size = 0;
	char *line = NULL;
	FILE *f;
	int err;

	if (statfs(dir, &sfs) || stat(dir, &st)) {
		err = -errno;
		pr_debug("%s: %s", dir, strerror(-err));
		return err;
	}
	if (sfs.f_type != BPF_FS_MAGIC) {
		pr_debug("%s: not on a bpf filesystem", dir);
		return -EMEDIUMTYPE;
	}
	/*
	 * The namespaces themselves are not compared: /proc/1/ns/mnt needs
	 * ptrace access to PID 1, and a different namespace may still share
	 * the superblock. Its mount table tells both cases apart.
	 */
	f = fopen(INIT_MOUNTINFO, "re");
	if (!f) {
		err = -errno;
		pr_debug("%s: %s", INIT_MOUNTINFO, strerror(-err));
		return err;
	}
	while (!shared && getline(&line, &size, f) > 0)
		shared = mountinfo_is_bpffs(line, st.st_dev);
	err = ferror(f) ? -EIO : 0;
	free(line);
	fclose(f);
	if (err) {
		pr_debug("%s: read error", INIT_MOUNTINFO);
		return err;
	}
	*priv = !shared;
	return 0;
}
