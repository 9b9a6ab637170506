// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd --config FILE under a stand-in for systemd: the file applied
 * before READY=1, applied again on SIGHUP between RELOADING=1 and a new
 * READY=1/STATUS=, a file with an error refused whole on reload (steerd
 * runs on, unchanged) and at start (steerd exits 1 naming the line), and
 * STOPPING=1 on SIGTERM.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cmocka.h>

#include "lib/proto.h"
#include "steerd_env.h"

#define NOTIFY_WAIT_MS 5000

static char conf_path[] = "/tmp/steer-conf-XXXXXX";
static char notify_path[108];
static int notify_fd = -1;

static void write_conf(const char *text)
{
	FILE *f = fopen(conf_path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* The next datagram steerd sent to $NOTIFY_SOCKET, in buf. */
static void next_notify(char *buf, size_t len)
{
	struct pollfd pfd = { .fd = notify_fd, .events = POLLIN };
	ssize_t n;

	assert_int_equal(poll(&pfd, 1, NOTIFY_WAIT_MS), 1);
	n = recv(notify_fd, buf, len - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
}

/* Whether steerd has a group of this name (steerctl group list). */
static bool has_group(const char *name)
{
	char out[4096];

	assert_int_equal(env_steerctl("-j group list", out, sizeof(out)), 0);
	return strstr(out, name) != NULL;
}

static int setup(void **state)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (env_setup())
		return 0;
	fd = mkstemp(conf_path);
	if (fd < 0)
		return -1;
	close(fd);
	snprintf(notify_path, sizeof(notify_path), "%s.notify", conf_path);
	strcpy(sun.sun_path, notify_path);
	notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (notify_fd < 0 ||
	    bind(notify_fd, (struct sockaddr *)&sun, sizeof(sun)))
		return -1;
	/* The steerds this test starts inherit it. */
	setenv("NOTIFY_SOCKET", notify_path, 1);
	return 0;
}

static int teardown(void **state)
{
	env_teardown();
	unsetenv("NOTIFY_SOCKET");
	if (notify_fd >= 0)
		close(notify_fd);
	unlink(notify_path);
	unlink(conf_path);
	return 0;
}

/* A file with an error at start: exit 1, the line named, nothing added. */
static void bad_file_at_start(void)
{
	const char *build = getenv("STEER_BUILD");
	char cmd[1024], out[2048], bpffs[256];

	snprintf(bpffs, sizeof(bpffs), "%s", env_pin_dir());
	*strrchr(bpffs, '/') = '\0'; /* the --bpffs of <bpffs>/abiN */
	write_conf("[group ok]\nlisten = " ENV_SERVER_V4 ":9804\n"
		   "[group bad]\nlisten = 198.18.0.1\n");
	snprintf(cmd, sizeof(cmd),
		 "NOTIFY_SOCKET= %s/steerd --socket %s --bpffs %s --config %s "
		 "2>&1",
		 build ? build : "build", env_sock_path, bpffs, conf_path);
	assert_int_equal(env_run(cmd, out, sizeof(out)), 1);
	printf("# %s", out);
	assert_non_null(strstr(out, ":4: "));
	assert_non_null(strstr(out, "nothing applied"));
}

/* SIGHUP, and what steerd tells systemd after RELOADING=1, in msg. */
static void reload(char *msg, size_t len)
{
	env_signal_steerd(SIGHUP);
	next_notify(msg, len);
	assert_string_equal(msg, "RELOADING=1");
	next_notify(msg, len);
	printf("# reload: %s\n", msg);
	assert_non_null(strstr(msg, "READY=1"));
}

/* Applied before READY; again on SIGHUP; STOPPING on the way out. */
static void test_apply_reload_stop(void **state)
{
	const char *const args[] = { "--config", conf_path, NULL };
	char msg[512];

	env_check();
	env_stop_steerd(SIGTERM);
	bad_file_at_start();
	write_conf("[group alpha]\nlisten = " ENV_SERVER_V4 ":9801\n");
	assert_int_equal(env_start_steerd_args(args), 0);
	next_notify(msg, sizeof(msg));
	printf("# start: %s\n", msg);
	assert_non_null(strstr(msg, "READY=1"));
	assert_non_null(strstr(msg, "STATUS=1 group(s), 0 interface(s)"));
	assert_true(has_group("alpha"));

	/* beta replaces alpha. */
	write_conf("[group beta]\nlisten = " ENV_SERVER_V4 ":9802\n");
	reload(msg, sizeof(msg));
	assert_non_null(strstr(msg, "STATUS=1 group(s)"));
	assert_true(has_group("beta"));
	assert_false(has_group("alpha"));

	/* An error anywhere: nothing applied, steerd runs on. */
	write_conf("[group gamma]\nlisten = " ENV_SERVER_V4 ":9803\n"
		   "[group beta]\nlisten = nowhere\n");
	reload(msg, sizeof(msg));
	assert_non_null(strstr(msg, "the last --config apply failed"));
	assert_true(has_group("beta"));
	assert_false(has_group("gamma"));

	env_stop_steerd(SIGTERM);
	next_notify(msg, sizeof(msg));
	assert_string_equal(msg, "STOPPING=1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_reload_stop),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("steerd_config", tests, setup,
					   teardown);
}
