/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * steerd's default pin directory and control socket for the caller's
 * network namespace. Both carry the namespace's cookie: bpffs is global,
 * and /run is shared by namespaces entered with nsenter --net, so steerds
 * of different namespaces never collide, and steerctl run in a namespace
 * finds that namespace's steerd.
 */
#ifndef STEER_DEFAULTS_H
#define STEER_DEFAULTS_H

#define STEER_RUN_DIR "/run/steer"
#define STEER_BPFFS_ROOT "/sys/fs/bpf/steer"

/*
 * e.g. /run/steer/netns-4151/steerd.sock, for the namespace the caller is
 * in now; the string is static, overwritten by the next call.
 */
const char *steer_default_socket(void);

/* e.g. /sys/fs/bpf/steer/netns-4151; as above. */
const char *steer_default_bpffs(void);

#endif /* STEER_DEFAULTS_H */
