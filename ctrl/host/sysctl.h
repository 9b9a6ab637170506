/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Integer sysctls under /proc/sys. Networking ones (net/...) are those of
 * the caller's network namespace: the kernel resolves them per opener.
 */
#ifndef STEER_SYSCTL_H
#define STEER_SYSCTL_H

/*
 * name is the path under /proc/sys, e.g. "net/ipv4/tcp_migrate_req".
 * -EINVAL for a name that is empty, absolute or has a ".." component, or a
 * file that does not hold exactly one integer; -ERANGE when it does not fit
 * an int; -ENOENT when there is no such sysctl; else the kernel's error
 * (writing an out-of-range value: -EINVAL).
 */
int sysctl_read_int(const char *name, int *val);
int sysctl_write_int(const char *name, int val);

#endif /* STEER_SYSCTL_H */
