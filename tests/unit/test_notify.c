// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the sd_notify sender: the datagrams systemd would receive on a
 * path socket and on an abstract one, and silence without $NOTIFY_SOCKET.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/notify.h"

/* A datagram socket bound to name (a path, or '@' for abstract). */
static int listen_at(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	assert_int_equal(bind(fd, (struct sockaddr *)&sa,
			      offsetof(struct sockaddr_un, sun_path) + len +
				      (name[0] == '/')),
			 0);
	return fd;
}

static void expect_datagram(int fd, const char *want)
{
	char buf[600];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void test_path_socket(void **state)
{
	/* Room for the "/s" appended to the directory. */
	char path[64] = "/tmp/steer-test-notify-XXXXXX";
	int fd;

	assert_non_null(mkdtemp(path));
	strcat(path, "/s");
	fd = listen_at(path);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(notify_status(1, "steering %d groups", 2), 0);
	expect_datagram(fd, "READY=1\nSTATUS=steering 2 groups");
	assert_int_equal(notify_reloading(), 0);
	expect_datagram(fd, "RELOADING=1");
	assert_int_equal(notify_status(0, "two\nlines"), 0);
	expect_datagram(fd, "STATUS=two lines");
	assert_int_equal(notify_stopping(), 0);
	expect_datagram(fd, "STOPPING=1");
	close(fd);
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
}

static void test_abstract_socket(void **state)
{
	char name[64];
	int fd;

	snprintf(name, sizeof(name), "@steer-test-notify-%d", getpid());
	fd = listen_at(name);
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(notify_send("READY=1"), 0);
	expect_datagram(fd, "READY=1");
	close(fd);
}

static void test_no_socket(void **state)
{
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(notify_send("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(notify_send("READY=1"), -EINVAL);
	setenv("NOTIFY_SOCKET", "/tmp/steer-test-no-such-notify", 1);
	assert_int_equal(notify_send("READY=1"), -ENOENT);
	unsetenv("NOTIFY_SOCKET");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_socket),
		cmocka_unit_test(test_abstract_socket),
		cmocka_unit_test(test_no_socket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
