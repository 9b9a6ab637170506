// SPDX-License-Identifier: GPL-2.0-only
/*
 * The minimal example against a real steerd: hello_steer registers on
 * CPU 0, answers a connection with its line, and on a drain takes what is
 * still queued, answers it, closes and exits 0, leaving the slot empty.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "steerd_env.h"

#define GROUP "hello"
#define PORT 9900
#define QUEUED 3
#define WAIT_US 5000000
#define ANSWER "hello from cpu 0\n"

static pid_t hello = -1;
static int hello_out = -1; /* its stdout */

/* Starts build/examples/hello_steer GROUP 0 on the test's steerd. */
static void hello_start(void)
{
	const char *build = getenv("STEER_BUILD");
	char path[256];
	int p[2];

	snprintf(path, sizeof(path), "%s/examples/hello_steer",
		 build ? build : "build");
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	hello = fork();
	assert_true(hello >= 0);
	if (hello == 0) {
		dup2(p[1], STDOUT_FILENO);
		execl(path, "hello_steer", GROUP, "0", env_sock_path,
		      (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	hello_out = p[0];
}

/* Its exit status, waiting at most WAIT_US; -1 if it is still running. */
static int hello_wait(void)
{
	uint64_t start = clock_now_us();
	int status;

	while (clock_now_us() - start < WAIT_US) {
		if (waitpid(hello, &status, WNOHANG) == hello) {
			hello = -1;
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
		}
		usleep(10000);
	}
	return -1;
}

static int hello_kill(void **state)
{
	if (hello > 0) {
		kill(hello, SIGKILL);
		waitpid(hello, NULL, 0);
		hello = -1;
	}
	if (hello_out >= 0)
		close(hello_out);
	hello_out = -1;
	return 0;
}

static void wait_active(int want)
{
	uint64_t start = clock_now_us();

	while (env_active_count(GROUP) != want)
		assert_true(clock_now_us() - start < WAIT_US);
}

/* A connection to the group from CPU 0 (loopback stays on the sender's). */
static int hello_connect(void)
{
	struct sockaddr_in in = { .sin_family = AF_INET,
				  .sin_port = htons(PORT) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	inet_pton(AF_INET, ENV_SERVER_V4, &in.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&in, sizeof(in)), 0);
	return fd;
}

/* Reads until EOF: the server closes after its line. */
static void read_all(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < len && (r = read(fd, buf + n, len - 1 - n)) > 0)
		n += r;
	buf[n] = '\0';
}

static void expect_answer(int fd)
{
	struct timeval tv = { .tv_sec = WAIT_US / 1000000 };
	char buf[128];

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	read_all(fd, buf, sizeof(buf));
	assert_string_equal(buf, ANSWER);
	close(fd);
}

static void test_answer_and_drain(void **state)
{
	int fds[QUEUED], i;
	char buf[256], out[1024];

	env_check();
	hello_start();
	wait_active(1);
	expect_answer(hello_connect());

	/* Connections it has not accepted when the drain comes: stopped. */
	assert_int_equal(kill(hello, SIGSTOP), 0);
	for (i = 0; i < QUEUED; i++)
		fds[i] = hello_connect();
	assert_int_equal(
		env_steerctl("drain " GROUP " --slot 0", out, sizeof(out)), 0);
	assert_int_equal(kill(hello, SIGCONT), 0);
	for (i = 0; i < QUEUED; i++)
		expect_answer(fds[i]);

	assert_int_equal(hello_wait(), 0);
	read_all(hello_out, buf, sizeof(buf));
	assert_string_equal(buf, "hello_steer: group " GROUP ", slot 0\n"
				 "hello_steer: drained, bye\n");
	wait_active(0);
}

static int setup(void **state)
{
	cpu_set_t cpu0;

	if (env_setup())
		return 0;
	env_group_add(GROUP, ENV_SERVER_V4, PORT);
	/* Its connections are made on CPU 0, whose slot hello_steer takes. */
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	sched_setaffinity(0, sizeof(cpu0), &cpu0);
	return 0;
}

static int teardown(void **state)
{
	env_teardown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_answer_and_drain, hello_kill),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("hello_steer", tests, setup,
					   teardown);
}
