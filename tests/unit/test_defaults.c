// SPDX-License-Identifier: GPL-2.0-only
/* steerd's default paths are named after the network namespace. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "lib/defaults.h"
#include "lib/netns.h"

static void test_named_after_the_namespace(void **state)
{
	char want[128];
	uint64_t cookie;

	assert_int_equal(netns_cookie_self(&cookie), 0);
	snprintf(want, sizeof(want), STEER_RUN_DIR "/netns-%llu/steerd.sock",
		 (unsigned long long)cookie);
	assert_string_equal(steer_default_socket(), want);
	snprintf(want, sizeof(want), STEER_BPFFS_ROOT "/netns-%llu",
		 (unsigned long long)cookie);
	assert_string_equal(steer_default_bpffs(), want);
}

/* Two namespaces never share a default. */
static void test_other_namespace_differs(void **state)
{
	int p[2], status;
	char theirs[128] = "";
	pid_t pid;

	if (geteuid() != 0) {
		print_message("needs root to make a network namespace\n");
		skip();
	}
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		const char *s;

		if (unshare(CLONE_NEWNET))
			_exit(1);
		s = steer_default_socket();
		_exit(write(p[1], s, strlen(s) + 1) > 0 ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(read(p[0], theirs, sizeof(theirs)) > 0);
	assert_string_not_equal(theirs, steer_default_socket());
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_named_after_the_namespace),
		cmocka_unit_test(test_other_namespace_differs),
	};

	return cmocka_run_group_tests_name("defaults", tests, NULL, NULL);
}
