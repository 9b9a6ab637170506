/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sockets as processes hold them, read from /proc: which processes hold a
 * socket inode (/proc/PID/fd), which poll it (the `tfd:` lines of their
 * epoll descriptors' /proc/PID/fdinfo, whose `ino:` names the inode), a
 * task's CPU affinity and name, and taking another process's descriptor
 * (pidfd_open + pidfd_getfd). How steerd adopts unmodified servers.
 */
#ifndef STEER_PROC_FDS_H
#define STEER_PROC_FDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROC_COMM_MAX 16 /* TASK_COMM_LEN */

/* One process's hold on one socket inode. */
struct proc_sock_ref {
	uint64_t ino;
	pid_t pid;
	int fd; /* a descriptor of pid's for it, -1 when it only polls it */
	bool polled; /* in one of pid's epoll sets */
};

/*
 * Every process's holds on the socket inodes inos[0..n): one scan of
 * /proc. *refs (free() it) gets *count entries, one per (inode, process).
 * Processes that vanish or cannot be read meanwhile are skipped. 0 or a
 * negative errno.
 */
int proc_sock_refs(const uint64_t *inos, size_t n, struct proc_sock_ref **refs,
		   size_t *count);

/*
 * The one CPU pid may run on: 0 with *cpu set, -EDOM when its affinity
 * holds more than one CPU, or another negative errno (-ESRCH: gone).
 */
int proc_task_cpu(pid_t pid, int *cpu);

/* pid's command name (comm) into buf; "?" when it cannot be read. */
void proc_comm(pid_t pid, char *buf, size_t len);

/*
 * A copy of pid's descriptor fd (close-on-exec) or a negative errno:
 * -EPERM without the right to ptrace pid (PTRACE_MODE_ATTACH_REALCREDS),
 * -ESRCH when pid is gone, -EBADF when it no longer has fd.
 */
int proc_take_fd(pid_t pid, int fd);

#endif /* STEER_PROC_FDS_H */
