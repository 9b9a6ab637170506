/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which namespace things live in: network namespace cookies (so steerd can
 * refuse a listener from another namespace) and whether a bpffs directory
 * is a private mount whose pins will not outlive the process.
 */
#ifndef STEER_NETNS_H
#define STEER_NETNS_H

#include <stdbool.h>
#include <stdint.h>

/* SO_NETNS_COOKIE of a fresh socket: the caller's network namespace. */
int netns_cookie_self(uint64_t *cookie);

/*
 * SO_NETNS_COOKIE of a socket: the namespace it was created in.
 * -ENOTSOCK for another kind of file, -EBADF for a closed descriptor,
 * -ENOPROTOOPT on kernels before 5.14.
 */
int netns_cookie_of_fd(int fd, uint64_t *cookie);

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

#endif /* STEER_NETNS_H */
