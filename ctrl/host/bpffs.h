/* SPDX-License-Identifier: GPL-2.0-only */
/* Whether a bpf filesystem's pins will outlive the process that made them. */
#ifndef STEER_BPFFS_H
#define STEER_BPFFS_H

#include <stdbool.h>

/*
 * Sets *priv when the bpf filesystem holding dir is private to this
 * process's mount namespace: that bpffs instance (superblock, compared by
 * device number) is mounted nowhere in the mount namespace of PID 1, as
 * /proc/1/mountinfo lists it. That is the case inside `ip netns exec`,
 * which unshares the mount namespace and mounts a fresh /sys, so a bpffs
 * mounted there is new: pins made in it are invisible to everyone else and
 * vanish with the last process in that namespace. A copy of the host's bpffs
 * (plain `unshare -m`, or a bind mount into a container) is the same
 * superblock, so it is not private: its pins persist. Returns -EMEDIUMTYPE
 * when dir is not on a bpf filesystem (pinning there fails), or the errno
 * of statfs(dir) or of reading /proc/1/mountinfo.
 */
int bpffs_is_private(const char *dir, bool *priv);

/* Whether path is on a bpf filesystem (statfs). */
bool bpffs_is_mounted(const char *path);

#endif /* STEER_BPFFS_H */
