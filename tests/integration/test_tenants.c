// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd's tenants: processes of other uids in its --group. They read
 * everything and register and drain their own listeners; the verbs that
 * change the host or another tenant's traffic are root's, a socket owned
 * by someone else is not theirs to register, and another tenant's
 * listener is not theirs to drain. Each tenant is a forked child that
 * took a uid of the group with setresuid().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "lib/proto.h"
#include "lib/proto_msg.h"
#include "steerd_env.h"

#define TENANT_GROUP "nogroup"
#define TENANT_A 60001
#define TENANT_B 60002
#define PORT 9600
#define ERR_MAX 256

static gid_t tenant_gid;

/* Becomes uid, in the tenant group alone; exits the child on failure. */
static void become(uid_t uid)
{
	if (setgroups(0, NULL) ||
	    setresgid(tenant_gid, tenant_gid, tenant_gid) ||
	    setresuid(uid, uid, uid))
		_exit(100);
}

/* Exits the child with 10 + n unless rc is want (n: which check). */
static void expect(int n, int rc, int want, const char *err)
{
	if (rc == want)
		return;
	printf("# check %d: %d, not %d: %s\n", n, rc, want, err);
	_exit(10 + n);
}

static void wait_child(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static json_t *drain_slot(uint32_t slot)
{
	const struct proto_drain_req req = { .group = "tenants",
					     .by = PROTO_DRAIN_SLOT,
					     .id = slot };

	return proto_pack_drain_req(&req);
}

/* The administrative verbs are root's; reading is anybody's in the group. */
static void test_admin_verbs_root_only(void **state)
{
	const struct proto_group_add_req add = { .name = "mine",
						 .addr = ENV_OTHER_V4,
						 .port = PORT + 1 };
	char err[ERR_MAX];
	pid_t pid;

	env_check();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		become(TENANT_A);
		expect(1,
		       env_call_err(proto_pack_status_req(), -1, err,
				    sizeof(err)),
		       0, err);
		expect(2,
		       env_call_err(proto_pack_group_list_req(), -1, err,
				    sizeof(err)),
		       0, err);
		expect(3,
		       env_call_err(proto_pack_group_add_req(&add), -1, err,
				    sizeof(err)),
		       -EACCES, err);
		if (!strstr(err, "group_add is root's"))
			_exit(4);
		expect(5,
		       env_call_err(proto_pack_group_del_req("tenants"), -1,
				    err, sizeof(err)),
		       -EACCES, err);
		expect(6,
		       env_call_err(proto_pack_iface_detach_req("lo"), -1, err,
				    sizeof(err)),
		       -EACCES, err);
		expect(7,
		       env_call_err(proto_pack_shutdown_req(false), -1, err,
				    sizeof(err)),
		       -EACCES, err);
		_exit(0);
	}
	wait_child(pid);
	/* steerd still runs and the group is still there. */
	assert_int_equal(env_active_count("tenants"), 0);
}

/*
 * Tenant A registers its own listener and drains it; tenant B may neither
 * drain A's listener nor register a socket root made.
 */
static void test_own_listeners_only(void **state)
{
	int a_ready[2], a_go[2], root_fd, conn, fd;
	char err[ERR_MAX], c = 0;
	pid_t a, b;

	env_check();
	assert_int_equal(pipe(a_ready), 0);
	assert_int_equal(pipe(a_go), 0);
	a = fork();
	assert_true(a >= 0);
	if (a == 0) {
		become(TENANT_A);
		fd = env_tcp_listener(ENV_SERVER_V4, PORT, true, true);
		expect(1, env_register("tenants", 0, false, fd, &conn), 0, "");
		if (write(a_ready[1], &c, 1) != 1 || read(a_go[0], &c, 1) != 1)
			_exit(2);
		expect(3, env_call_err(drain_slot(0), -1, err, sizeof(err)), 0,
		       err);
		_exit(0);
	}
	assert_int_equal(read(a_ready[0], &c, 1), 1);
	assert_int_equal(env_active_count("tenants"), 1);

	/*
	 * Made by root before the fork: B holds it, B does not own it. (On a
	 * group of its own: the kernel keeps one uid per reuseport port.)
	 */
	root_fd = env_tcp_listener(ENV_SERVER_V4, PORT + 2, true, true);
	b = fork();
	assert_true(b >= 0);
	if (b == 0) {
		become(TENANT_B);
		expect(1, env_call_err(drain_slot(0), -1, err, sizeof(err)),
		       -EPERM, err);
		if (!strstr(err, "another user's"))
			_exit(2);
		expect(3, env_register("roots", 0, false, root_fd, NULL),
		       -EPERM, "");
		_exit(0);
	}
	wait_child(b);
	close(root_fd);
	/* B changed nothing: A's listener is still active. */
	assert_int_equal(env_active_count("tenants"), 1);
	assert_int_equal(env_active_count("roots"), 0);
	assert_int_equal(write(a_go[1], &c, 1), 1);
	wait_child(a);
	close(a_ready[0]);
	close(a_ready[1]);
	close(a_go[0]);
	close(a_go[1]);
}

static int setup(void **state)
{
	struct group *gr = getgrnam(TENANT_GROUP);

	if (env_setup())
		return 0; /* env_check() skips or fails each test */
	if (!gr)
		return -1;
	tenant_gid = gr->gr_gid;
	env_stop_steerd(SIGTERM);
	if (env_start_steerd_group(TENANT_GROUP))
		return -1;
	env_group_add("tenants", ENV_SERVER_V4, PORT);
	env_group_add("roots", ENV_SERVER_V4, PORT + 2);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_admin_verbs_root_only),
		cmocka_unit_test(test_own_listeners_only),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("tenants", tests, setup,
					   env_group_teardown);
}
