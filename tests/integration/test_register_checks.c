// SPDX-License-Identifier: GPL-2.0-only
/*
 * What steerd refuses at group_add and register, and says why: an
 * IPv4-mapped group address, SO_REUSEPORT set after listen(), a listener
 * whose options differ from its group's (each option in turn, and
 * allow_mismatch to register anyway); and drain by pid, which takes every
 * listener of the process.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "lib/proto.h"
#include "lib/proto_msg.h"
#include "steerd_env.h"

#define SERVER_V4 ENV_SERVER_V4
#define ERR_MAX 256

static int group_add(const char *name, const char *addr, int port, char *err)
{
	const struct proto_group_add_req req = { .name = name,
						 .addr = addr,
						 .port = port };

	return env_call_err(proto_pack_group_add_req(&req), -1, err, ERR_MAX);
}

/*
 * An IPv4-mapped address is refused with the IPv4 address to use, and so
 * never shadows the IPv4 group on the same address and port.
 */
static void test_v4_mapped_group(void **state)
{
	char err[ERR_MAX];

	env_check();
	assert_int_equal(group_add("mapped", "::ffff:198.18.0.1", 9500, err),
			 -EINVAL);
	printf("# %s\n", err);
	assert_non_null(strstr(err, "IPv4-mapped"));
	assert_non_null(strstr(err, "use the IPv4 address 198.18.0.1"));

	assert_int_equal(group_add("plain", SERVER_V4, 9501, err), 0);
	assert_int_equal(group_add("mapped", "::ffff:198.18.0.1", 9501, err),
			 -EINVAL);
	assert_non_null(strstr(err, "IPv4-mapped"));
	/* The one address grammar: what is no address says so. */
	assert_int_equal(group_add("junk", "198.18.0.256", 9502, err), -EINVAL);
	assert_non_null(strstr(err, "is not an IPv4 or IPv6 address"));
	/* The one name rule, steerctl's words. */
	assert_int_equal(group_add("bad name", SERVER_V4, 9503, err), -EINVAL);
	assert_non_null(strstr(err, "group name 'bad name': ' ' is not "
				    "allowed"));
}

static int register_fd(const char *group, bool standby, bool allow_mismatch,
		       int fd, char *err)
{
	const struct proto_register_req req = {
		.group = group,
		.standby = standby,
		.allow_mismatch = allow_mismatch,
	};

	return env_call_err(proto_pack_register_req(&req), fd, err, ERR_MAX);
}

/* SO_REUSEPORT after listen(): a message that says what to do. */
static void test_reuseport_after_listen(void **state)
{
	struct sockaddr_in in = { .sin_family = AF_INET,
				  .sin_port = htons(9510) };
	int one = 1, fd;
	char err[ERR_MAX];

	env_check();
	env_group_add("late", SERVER_V4, 9510);
	inet_pton(AF_INET, SERVER_V4, &in.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&in, sizeof(in)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)), 0);
	assert_int_equal(register_fd("late", false, false, fd, err), -EINVAL);
	printf("# %s\n", err);
	assert_non_null(strstr(err, "set SO_REUSEPORT before bind()"));
	assert_int_equal(env_active_count("late"), 0);
	close(fd);
}

/* An option of the group's listeners, and a value unlike the default. */
struct opt_case {
	const char *name;
	int level, opt, value;
	int af;
};

static const struct opt_case opt_cases[] = {
	{ "TCP_SAVE_SYN", IPPROTO_TCP, TCP_SAVE_SYN, 1, AF_INET },
	{ "TCP_DEFER_ACCEPT", IPPROTO_TCP, TCP_DEFER_ACCEPT, 5, AF_INET },
	{ "TCP_FASTOPEN", IPPROTO_TCP, TCP_FASTOPEN, 5, AF_INET },
	{ "IP_TRANSPARENT", SOL_IP, IP_TRANSPARENT, 1, AF_INET },
	{ "TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY, 1, AF_INET },
	{ "SO_RCVBUF", SOL_SOCKET, SO_RCVBUF, 12345, AF_INET },
	{ "SO_SNDBUF", SOL_SOCKET, SO_SNDBUF, 12345, AF_INET },
	{ "TCP_USER_TIMEOUT", IPPROTO_TCP, TCP_USER_TIMEOUT, 1000, AF_INET },
	{ "IPV6_V6ONLY", SOL_IPV6, IPV6_V6ONLY, 1, AF_INET6 },
	{ "IPV6_TRANSPARENT", SOL_IPV6, IPV6_TRANSPARENT, 1, AF_INET6 },
	{ "TCP_CONGESTION", IPPROTO_TCP, TCP_CONGESTION, 0, AF_INET },
};

/* A congestion control other than fd's: reno is always built in. */
static const char *other_congestion(int fd)
{
	char cc[16] = "";
	socklen_t len = sizeof(cc) - 1;

	assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc, &len),
			 0);
	return strcmp(cc, "reno") ? "reno" : "cubic";
}

/* A listener of the group's address, with c's option set when c. */
static int listener(int af, int port, const struct opt_case *c)
{
	/* The wildcard: a specific address would make it IPv6-only anyway. */
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6,
				    .sin6_port = htons(port),
				    .sin6_addr = IN6ADDR_ANY_INIT };
	struct sockaddr_in in = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	int one = 1, fd = socket(af, SOCK_STREAM, 0);
	const char *cc;

	assert_true(fd >= 0);
	inet_pton(AF_INET, SERVER_V4, &in.sin_addr);
	assert_int_equal(
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)), 0);
	if (c && c->opt == TCP_CONGESTION && c->level == IPPROTO_TCP) {
		cc = other_congestion(fd);
		assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc,
					    strlen(cc)),
				 0);
	} else if (c) {
		assert_int_equal(setsockopt(fd, c->level, c->opt, &c->value,
					    sizeof(c->value)),
				 0);
	}
	if (af == AF_INET6)
		assert_int_equal(bind(fd, (struct sockaddr *)&in6, sizeof(in6)),
				 0);
	else
		assert_int_equal(bind(fd, (struct sockaddr *)&in, sizeof(in)),
				 0);
	assert_int_equal(listen(fd, 8), 0);
	return fd;
}

/*
 * Each option that changes what an accepted socket is: a listener that
 * differs from the group's is refused, the option named with both values;
 * allow_mismatch registers it anyway.
 */
static void test_option_mismatch(void **state)
{
	int base4, base6, fd, conn4, conn6, port;
	char err[ERR_MAX];
	size_t i;

	env_check();
	env_group_add("opts4", SERVER_V4, 9520);
	env_group_add("opts6", "::", 9521);
	base4 = listener(AF_INET, 9520, NULL);
	base6 = listener(AF_INET6, 9521, NULL);
	assert_int_equal(env_register("opts4", 0, false, base4, &conn4), 0);
	assert_int_equal(env_register("opts6", 0, false, base6, &conn6), 0);
	for (i = 0; i < sizeof(opt_cases) / sizeof(opt_cases[0]); i++) {
		const struct opt_case *c = &opt_cases[i];
		const char *group = c->af == AF_INET ? "opts4" : "opts6";

		port = c->af == AF_INET ? 9520 : 9521;
		fd = listener(c->af, port, c);
		assert_int_equal(register_fd(group, true, false, fd, err),
				 -EINVAL);
		printf("# %s\n", err);
		assert_true(!strncmp(err, c->name, strlen(c->name)));
		assert_non_null(strstr(err, " differs: this listener has "));
		close(fd);
	}
	/* None of them joined. */
	assert_int_equal(env_active_count("opts4"), 1);
	fd = listener(AF_INET, 9520, &opt_cases[4]);
	assert_int_equal(register_fd("opts4", true, true, fd, err), 0);
	close(fd);
	close(conn4);
	close(conn6);
	close(base4);
	close(base6);
}

/* drain --pid takes every listener of the process, and says how many. */
static void test_drain_pid_all(void **state)
{
	char args[64], out[256];
	int a, b, conn_a, conn_b;

	env_check();
	if (sysconf(_SC_NPROCESSORS_CONF) < 2) {
		print_message("needs two CPUs (two slots)\n");
		skip();
	}
	env_group_add("bypid", SERVER_V4, 9530);
	a = listener(AF_INET, 9530, NULL);
	b = listener(AF_INET, 9530, NULL);
	assert_int_equal(env_register("bypid", 0, false, a, &conn_a), 0);
	assert_int_equal(env_register("bypid", 1, false, b, &conn_b), 0);
	assert_int_equal(env_active_count("bypid"), 2);
	snprintf(args, sizeof(args), "drain bypid --pid %d", getpid());
	assert_int_equal(env_steerctl(args, out, sizeof(out)), 0);
	printf("# %s", out);
	assert_string_equal(out, "bypid slot 0: draining (2 listeners)\n");
	assert_int_equal(env_active_count("bypid"), 0);
	close(conn_a);
	close(conn_b);
	close(a);
	close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_mapped_group),
		cmocka_unit_test(test_reuseport_after_listen),
		cmocka_unit_test(test_option_mismatch),
		cmocka_unit_test(test_drain_pid_all),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("register_checks", tests,
					   env_group_setup, env_group_teardown);
}
