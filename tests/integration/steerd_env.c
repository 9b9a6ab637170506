// SPDX-License-Identifier: GPL-2.0-only
/* A private steerd for integration tests, and the calls tests make of it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dataplane/maps.h"
#include "lib/clock.h"
#include "lib/proto.h"
#include "steer_abi.h"
#include "steerd_env.h"
#include "tests/lib/check.h"
#include "tests/lib/network_helpers.h"

#define START_WAIT_MS 5000

static char dir[] = "/tmp/steer-test-XXXXXX";
char env_sock_path[128];
static char bpffs[128];
static pid_t steerd_pid = -1;
static int setup_err = -ENODEV;

int env_start_steerd(void)
{
	return env_start_steerd_args(NULL);
}

int env_start_steerd_group(const char *group)
{
	const char *const extra[] = { "--group", group, NULL };

	return env_start_steerd_args(group ? extra : NULL);
}

int env_start_steerd_args(const char *const *extra)
{
	const char *build = getenv("STEER_BUILD");
	const char *argv[16] = { "steerd",   "--bpffs",	    bpffs,
				 "--socket", env_sock_path, "--log-level",
				 "warn" };
	char path[256];
	uint64_t start = clock_now_us();
	size_t n = 7;
	int fd;

	while (extra && *extra && n + 1 < sizeof(argv) / sizeof(argv[0]))
		argv[n++] = *extra++;
	snprintf(path, sizeof(path), "%s/steerd", build ? build : "build");
	steerd_pid = fork();
	if (steerd_pid < 0)
		return -errno;
	if (steerd_pid == 0) {
		execv(path, (char *const *)argv);
		_exit(127);
	}
	while (clock_now_us() - start < START_WAIT_MS * 1000ULL) {
		fd = proto_connect(env_sock_path);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		usleep(10000);
	}
	return -ETIMEDOUT;
}

void env_signal_steerd(int sig)
{
	assert_true(steerd_pid > 0);
	assert_int_equal(kill(steerd_pid, sig), 0);
}

void env_stop_steerd(int sig)
{
	if (steerd_pid > 0) {
		kill(steerd_pid, sig);
		waitpid(steerd_pid, NULL, 0);
	}
	steerd_pid = -1;
}

/* One request on a new connection; returns the reply's errno (0: ok). */
int env_call(json_t *req, int fd, json_t **reply, int *conn)
{
	char err[256] = "";
	int s = proto_connect(env_sock_path), rc;

	assert_true(s >= 0);
	rc = proto_call(s, req, fd, reply, err, sizeof(err));
	json_decref(req);
	if (rc)
		printf("# steerd: %s\n", err);
	if (conn)
		*conn = s;
	else
		close(s);
	return rc;
}

int env_call_err(json_t *req, int fd, char *err, size_t len)
{
	int s = proto_connect(env_sock_path), rc;

	err[0] = '\0';
	if (s < 0) {
		json_decref(req);
		snprintf(err, len, "connect: %s", strerror(-s));
		return s;
	}
	rc = proto_call(s, req, fd, NULL, err, len);
	json_decref(req);
	close(s);
	return rc;
}

json_t *env_group_show(const char *name)
{
	json_t *req = proto_request("group_show"), *reply = NULL;

	json_object_set_new(req, "name", json_string(name));
	assert_int_equal(env_call(req, -1, &reply, NULL), 0);
	return reply;
}

int env_active_count(const char *name)
{
	json_t *r = env_group_show(name);
	int n = json_integer_value(json_object_get(r, "active"));

	json_decref(r);
	return n;
}

void env_group_add(const char *name, const char *addr, int port)
{
	json_t *req = proto_request("group_add");

	json_object_set_new(req, "name", json_string(name));
	json_object_set_new(req, "addr", json_string(addr));
	json_object_set_new(req, "port", json_integer(port));
	assert_int_equal(env_call(req, -1, NULL, NULL), 0);
}

int env_tcp_listener(const char *addr, int port, bool reuseport, bool do_listen)
{
	struct sockaddr_in in = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(inet_pton(AF_INET, addr, &in.sin_addr), 1);
	if (reuseport)
		assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
					    sizeof(one)),
				 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&in, sizeof(in)), 0);
	if (do_listen)
		assert_int_equal(listen(fd, 64), 0);
	return fd;
}

/* Registers fd; returns the errno of the reply, keeps the connection. */
int env_register(const char *group, int cpu, bool standby, int fd, int *conn)
{
	json_t *req = proto_request("register");

	json_object_set_new(req, "group", json_string(group));
	json_object_set_new(req, "cpu", json_integer(cpu));
	json_object_set_new(req, "standby", json_boolean(standby));
	return env_call(req, fd, NULL, conn);
}

/* Polls until the group has `want` active listeners; returns µs taken. */
uint64_t env_wait_active(const char *group, int want)
{
	uint64_t start = clock_now_us();

	while (env_active_count(group) != want)
		assert_true(clock_now_us() - start < 1000000);
	return clock_now_us() - start;
}

int env_run(const char *cmd, char *out, size_t len)
{
	size_t n = 0;
	int status;
	FILE *p;

	p = popen(cmd, "r");
	assert_non_null(p);
	while (n + 1 < len && fgets(out + n, len - n, p))
		n = strlen(out);
	out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Runs steerctl against this steerd; returns its exit status. */
int env_steerctl(const char *args, char *out, size_t len)
{
	const char *bin = getenv("STEERCTL");
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "%s --socket %s %s 2>&1",
		 bin ? bin : "build/steerctl", env_sock_path, args);
	return env_run(cmd, out, len);
}

int env_setup(void)
{
	int err;

	if (geteuid() != 0)
		return setup_err = -EPERM;
	err = netns_enter_new(NETNS_PRIVATE_MOUNTS);
	if (err)
		return setup_err = err;
	if (!CHECK(mkdtemp(dir)))
		return setup_err = -errno;
	/* The socket's own mode (0660) is what keeps other users out. */
	chmod(dir, 0755);
	snprintf(bpffs, sizeof(bpffs), "%s/bpf", dir);
	snprintf(env_sock_path, sizeof(env_sock_path), "%s/steerd.sock", dir);
	if (!CHECK_SYS(mkdir(bpffs, 0700)) ||
	    !CHECK_SYS(mount("bpf", bpffs, "bpf", 0, NULL)))
		return setup_err = -errno;
	err = link_addr_add(NETNS_CURRENT, "lo", ENV_SERVER_V4 "/32");
	if (!err)
		err = link_addr_add(NETNS_CURRENT, "lo", ENV_OTHER_V4 "/32");
	if (err)
		return setup_err = err;
	return setup_err = env_start_steerd();
}

void env_teardown(void)
{
	env_stop_steerd(SIGTERM);
	umount(bpffs);
	rmdir(bpffs);
	rmdir(dir);
}

int env_group_setup(void **state)
{
	env_setup();
	return 0;
}

int env_group_teardown(void **state)
{
	env_teardown();
	return 0;
}

int env_client_start(int queues)
{
	int ns = netns_open_new(), err;

	if (ns < 0)
		return ns;
	err = link_add_veth(ENV_SRV_IF, ENV_CLI_IF, queues, ns);
	if (!err)
		err = link_addr_add(NETNS_CURRENT, ENV_SRV_IF,
				    ENV_SRV_ADDR "/24");
	if (!err)
		err = link_addr_add(NETNS_CURRENT, ENV_SRV_IF,
				    ENV_SRV_ADDR6 "/64");
	if (!err)
		err = link_set_up(NETNS_CURRENT, ENV_SRV_IF);
	if (!err)
		err = link_addr_add(ns, ENV_CLI_IF, ENV_CLI_ADDR "/24");
	if (!err)
		err = link_addr_add(ns, ENV_CLI_IF, ENV_CLI_ADDR6 "/64");
	if (!err)
		err = link_set_up(ns, ENV_CLI_IF);
	if (!err && env_attach_steering())
		err = -EIO;
	if (err) {
		env_client_stop(ns);
		return err;
	}
	return ns;
}

int env_attach_steering(void)
{
	char out[1024];
	int status = env_steerctl("iface attach " ENV_SRV_IF
				  " --mode skb --steer cpu",
				  out, sizeof(out));

	if (status)
		printf("# iface attach " ENV_SRV_IF ": %s", out);
	return status;
}

void env_client_stop(int ns)
{
	/* The last holder gone, the namespace goes, and the veth with it. */
	if (ns >= 0)
		close(ns);
}

const char *env_pin_dir(void)
{
	static char path[160];

	snprintf(path, sizeof(path), "%s/abi%d", bpffs, STEER_ABI_VERSION);
	return path;
}

void env_check(void)
{
	if (setup_err == -EPERM) {
		print_message("needs root\n");
		skip();
	}
	assert_int_equal(setup_err, 0);
}

int env_cpu_tables(struct steer_cpu_table **tables, int *n)
{
	struct steer_maps m = { 0 };
	char path[256];
	int err;

	*n = libbpf_num_possible_cpus();
	*tables = calloc(*n, sizeof(**tables));
	if (!*tables)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/" STEER_MAP_IFACES, env_pin_dir());
	m.ifaces = bpf_obj_get(path);
	snprintf(path, sizeof(path), "%s/" STEER_MAP_CPU_TABLES, env_pin_dir());
	m.cpu_tables = bpf_obj_get(path);
	err = m.ifaces < 0 || m.cpu_tables < 0 ?
		      -errno :
		      steer_maps__get_cpu_tables(&m, 0, *tables, *n);
	close(m.ifaces);
	close(m.cpu_tables);
	return err;
}
