// SPDX-License-Identifier: GPL-2.0-only
/*
 * host/proc_fds: a socket's holders and pollers as /proc shows them, a
 * task's one CPU, its name, and taking another process's descriptor (and
 * being refused it without the right to ptrace that process).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "host/proc_fds.h"

static uint64_t inode_of(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return st.st_ino;
}

/* This process's entry for ino, or NULL. */
static const struct proc_sock_ref *mine(const struct proc_sock_ref *refs,
					size_t n, uint64_t ino)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (refs[i].pid == getpid() && refs[i].ino == ino)
			return &refs[i];
	return NULL;
}

static void test_holders_and_pollers(void **state)
{
	struct epoll_event ev = { .events = EPOLLIN };
	const struct proc_sock_ref *r;
	struct proc_sock_ref *refs;
	uint64_t inos[2];
	int sv[2], ep;
	size_t n;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ep = epoll_create1(0);
	assert_true(ep >= 0);
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev), 0);
	inos[0] = inode_of(sv[0]);
	inos[1] = inode_of(sv[1]);

	assert_int_equal(proc_sock_refs(inos, 2, &refs, &n), 0);
	r = mine(refs, n, inos[0]);
	assert_non_null(r);
	assert_int_equal(r->fd, sv[0]);
	assert_true(r->polled);
	r = mine(refs, n, inos[1]);
	assert_non_null(r);
	assert_int_equal(r->fd, sv[1]);
	assert_false(r->polled);
	free(refs);

	/* Only the inodes asked for. */
	assert_int_equal(proc_sock_refs(inos + 1, 1, &refs, &n), 0);
	assert_null(mine(refs, n, inos[0]));
	free(refs);
	close(ep);
	close(sv[0]);
	close(sv[1]);
}

static void test_task_cpu(void **state)
{
	cpu_set_t saved, one, two;
	int cpu = -1;

	assert_int_equal(sched_getaffinity(0, sizeof(saved), &saved), 0);
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	assert_int_equal(proc_task_cpu(getpid(), &cpu), 0);
	assert_int_equal(cpu, 0);
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1) {
		CPU_ZERO(&two);
		CPU_SET(0, &two);
		CPU_SET(1, &two);
		assert_int_equal(sched_setaffinity(0, sizeof(two), &two), 0);
		assert_int_equal(proc_task_cpu(getpid(), &cpu), -EDOM);
	}
	assert_int_equal(sched_setaffinity(0, sizeof(saved), &saved), 0);
}

static void test_comm(void **state)
{
	char comm[PROC_COMM_MAX];

	proc_comm(getpid(), comm, sizeof(comm));
	assert_string_equal(comm, "test_proc_fds");
}

/* A child holding a socket, taken from it; refused once it is not ours. */
static void test_take_fd(void **state)
{
	int sv[2], copy, status;
	pid_t child;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	copy = proc_take_fd(child, sv[0]);
	assert_true(copy >= 0);
	assert_int_equal(inode_of(copy), inode_of(sv[0]));
	close(copy);
	assert_int_equal(proc_take_fd(child, 999), -EBADF);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	assert_int_equal(proc_take_fd(child, sv[0]), -ESRCH);

	/* An unprivileged process may not take root's descriptors. */
	if (geteuid() == 0) {
		pid_t parent = getpid();

		child = fork();
		assert_true(child >= 0);
		if (child == 0) {
			if (setgid(65534) || setuid(65534))
				_exit(2);
			_exit(proc_take_fd(parent, sv[0]) == -EPERM ? 0 : 1);
		}
		assert_int_equal(waitpid(child, &status, 0), child);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_holders_and_pollers),
		cmocka_unit_test(test_task_cpu),
		cmocka_unit_test(test_comm),
		cmocka_unit_test(test_take_fd),
	};

	return cmocka_run_group_tests_name("proc_fds", tests, NULL, NULL);
}
