// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sockets as processes hold them, from /proc (see proc_fds.h).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proc_fds.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

#define PROC_PATH_MAX 320 /* "/proc/PID/fdinfo/" and a d_name */
#define LINK_MAX_TEXT 64 /* "socket:[4294967295]", "anon_inode:[eventpoll]" */

struct scan {
	const uint64_t *inos;
	size_t n;
	struct proc_sock_ref *refs;
	size_t count, capacity;
};

static bool wanted(const struct scan *s, uint64_t ino)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->inos[i] == ino)
			return true;
	return false;
}

/* pid's entry for ino, made when absent; NULL when out of memory. */
static struct proc_sock_ref *ref_of(struct scan *s, pid_t pid, uint64_t ino)
{
	struct proc_sock_ref *r;
	size_t i;

	for (i = 0; i < s->count; i++)
		if (s->refs[i].pid == pid && s->refs[i].ino == ino)
			return &s->refs[i];
	if (s->count == s->capacity) {
		size_t cap = s->capacity ? 2 * s->capacity : 16;

		r = realloc(s->refs, cap * sizeof(*r));
		if (!r)
			return NULL;
		s->refs = r;
		s->capacity = cap;
	}
	r = &s->refs[s->count++];
	*r = (struct proc_sock_ref){ .ino = ino, .pid = pid, .fd = -1 };
	return r;
}

/*
 * An epoll descriptor's fdinfo has one line per watched file:
 * "tfd:        5 events:       19 data:                5  pos:0 ino:61af
 * sdev:8"; ino (hex) is the watched file's inode.
 */
static int scan_epoll(struct scan *s, pid_t pid, const char *fd_name)
{
	char path[PROC_PATH_MAX], line[256];
	const char *ino_at;
	uint64_t ino;
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", pid, fd_name);
	f = fopen(path, "re");
	if (!f)
		return 0; /* closed meanwhile */
	while (fgets(line, sizeof(line), f)) {
		struct proc_sock_ref *r;

		if (strncmp(line, "tfd:", 4))
			continue;
		ino_at = strstr(line, " ino:");
		if (!ino_at || sscanf(ino_at + 5, "%" SCNx64, &ino) != 1 ||
		    !wanted(s, ino))
			continue;
		r = ref_of(s, pid, ino);
		if (!r) {
			err = -ENOMEM;
			break;
		}
		r->polled = true;
	}
	fclose(f);
	return err;
}

static int scan_process(struct scan *s, pid_t pid)
{
	char path[PROC_PATH_MAX], link[LINK_MAX_TEXT];
	struct dirent *de;
	uint64_t ino;
	ssize_t len;
	DIR *dir;
	int err = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (!dir)
		return 0; /* gone, or not ours to read */
	while (!err && (de = readdir(dir))) {
		struct proc_sock_ref *r;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%s", pid, de->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (!strcmp(link, "anon_inode:[eventpoll]")) {
			err = scan_epoll(s, pid, de->d_name);
			continue;
		}
		if (sscanf(link, "socket:[%" SCNu64 "]", &ino) != 1 ||
		    !wanted(s, ino))
			continue;
		r = ref_of(s, pid, ino);
		if (!r)
			err = -ENOMEM;
		else if (r->fd < 0)
			r->fd = atoi(de->d_name);
	}
	closedir(dir);
	return err;
}

int proc_sock_refs(const uint64_t *inos, size_t n, struct proc_sock_ref **refs,
		   size_t *count)
{
	struct scan s = { .inos = inos, .n = n };
	struct dirent *de;
	DIR *proc;
	int err = 0;

	*refs = NULL;
	*count = 0;
	if (!n)
		return 0;
	proc = opendir("/proc");
	if (!proc)
		return -errno;
	while (!err && (de = readdir(proc)))
		if (isdigit((unsigned char)de->d_name[0]))
			err = scan_process(&s, atoi(de->d_name));
	closedir(proc);
	if (err) {
		free(s.refs);
		return err;
	}
	*refs = s.refs;
	*count = s.count;
	return 0;
}

int proc_task_cpu(pid_t pid, int *cpu)
{
	cpu_set_t set;
	int i;

	if (sched_getaffinity(pid, sizeof(set), &set))
		return -errno;
	if (CPU_COUNT(&set) != 1)
		return -EDOM;
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set)) {
			*cpu = i;
			return 0;
		}
	return -EDOM;
}

void proc_comm(pid_t pid, char *buf, size_t len)
{
	char path[PROC_PATH_MAX];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (f) {
		n = fgets(buf, len, f) ? strcspn(buf, "\n") : 0;
		fclose(f);
	}
	if (!n)
		snprintf(buf, len, "?");
	else
		buf[n] = '\0';
}

int proc_take_fd(pid_t pid, int fd)
{
	int pidfd, copy, err;

	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return -errno;
	copy = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	err = copy < 0 ? -errno : 0;
	close(pidfd);
	return err ? err : copy;
}
