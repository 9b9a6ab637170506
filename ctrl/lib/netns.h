/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Network namespace cookies: steerd refuses a listener from another
 * namespace, and default paths carry the caller's.
 */
#ifndef STEER_NETNS_H
#define STEER_NETNS_H

#include <stdint.h>

/* SO_NETNS_COOKIE of a fresh socket: the caller's network namespace. */
int netns_cookie_self(uint64_t *cookie);

/*
 * SO_NETNS_COOKIE of a socket: the namespace it was created in.
 * -ENOTSOCK for another kind of file, -EBADF for a closed descriptor,
 * -ENOPROTOOPT on kernels before 5.14.
 */
int netns_cookie_of_fd(int fd, uint64_t *cookie);

#endif /* STEER_NETNS_H */
