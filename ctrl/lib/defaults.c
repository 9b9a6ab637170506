// SPDX-License-Identifier: GPL-2.0-only
/* Default paths named after the network namespace's cookie. */
#include <stdint.h>
#include <stdio.h>

#include "defaults.h"
#include "netns.h"

/* Without a cookie (kernel before 5.14) the plain paths are used. */
static const char *qualified(char *buf, size_t len, const char *root,
			     const char *leaf)
{
	uint64_t cookie;

	if (netns_cookie_self(&cookie))
		snprintf(buf, len, "%s%s", root, leaf);
	else
		snprintf(buf, len, "%s/netns-%llu%s", root,
			 (unsigned long long)cookie, leaf);
	return buf;
}

const char *steer_default_socket(void)
{
	static char path[108]; /* sun_path */

	return qualified(path, sizeof(path), STEER_RUN_DIR, "/steerd.sock");
}

const char *steer_default_bpffs(void)
{
	static char path[256];

	return qualified(path, sizeof(path), STEER_BPFFS_ROOT, "");
}
