// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fake steerd of the steerctl CLI cases: a SOCK_SEQPACKET socket in a
 * temporary folder, served from the test process while steerctl runs; it
 * records each request and answers with the case's replies.
 */
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/clock.h"
#include "lib/proto.h"
#include "steerctl_fake.h"

#define FAKE_CONNS_MAX 4
#define FAKE_REQUESTS_MAX 8 /* recorded; more are counted */
#define POLL_MS 10
#define RUN_TIMEOUT_MS 10000

/* Per run: where the fake steerd listens, and what it heard. */
static struct {
	char dir[PATH_MAX];
	char path[PATH_MAX]; /* the fake steerd */
	char absent[PATH_MAX];
	char refused[PATH_MAX];
	int listen_fd;
	char *requests[FAKE_REQUESTS_MAX];
	size_t nrequests; /* including those not recorded */
	size_t connections;
} fake = { .listen_fd = -1 };

/* Single-quoted JSON, as in the tables, to JSON text; caller frees. */
char *steerctl_unquote(const char *s)
{
	char *t = strdup(s), *p;

	assert_non_null(t);
	for (p = t; *p; p++)
		if (*p == '\'')
			*p = '"';
	return t;
}

static int unix_socket(const char *path, bool do_listen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_true(strlen(path) < sizeof(sa.sun_path));
	strcpy(sa.sun_path, path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (do_listen)
		assert_int_equal(listen(fd, FAKE_CONNS_MAX), 0);
	return fd;
}

int steerctl_fake_setup(void **state)
{
	strcpy(fake.dir, "/tmp/steerctl-cli-XXXXXX");
	if (!mkdtemp(fake.dir))
		return -1;
	snprintf(fake.path, sizeof(fake.path), "%s/steerd.sock", fake.dir);
	snprintf(fake.absent, sizeof(fake.absent), "%s/absent.sock", fake.dir);
	snprintf(fake.refused, sizeof(fake.refused), "%s/refused.sock",
		 fake.dir);
	fake.listen_fd = unix_socket(fake.path, true);
	/* Bound, never listening: what a dead steerd leaves behind. */
	close(unix_socket(fake.refused, false));
	return 0;
}

int steerctl_fake_teardown(void **state)
{
	if (fake.listen_fd >= 0)
		close(fake.listen_fd);
	unlink(fake.path);
	unlink(fake.refused);
	rmdir(fake.dir);
	return 0;
}

void steerctl_fake_reset(void)
{
	size_t i;

	for (i = 0; i < FAKE_REQUESTS_MAX; i++) {
		free(fake.requests[i]);
		fake.requests[i] = NULL;
	}
	fake.nrequests = 0;
	fake.connections = 0;
}

static size_t nr_expected(const struct cli_case *c)
{
	size_t n = 0;

	while (n < CASE_REQUESTS_MAX && c->requests[n])
		n++;
	return n;
}

static void send_reply(int conn, const char *text)
{
	char *t = steerctl_unquote(text);

	/* The peer may be gone already: that is its business. */
	send(conn, t, strlen(t), MSG_NOSIGNAL);
	free(t);
}

/* A reply built by proto_msg's pack functions (taken). */
static void send_packed(int conn, json_t *msg)
{
	char *text;

	assert_non_null(msg);
	text = json_dumps(msg, JSON_COMPACT);
	assert_non_null(text);
	send(conn, text, strlen(text), MSG_NOSIGNAL);
	free(text);
	json_decref(msg);
}

/*
 * Reads one request on conn and answers it. Returns false when the
 * connection is to be closed.
 */
static bool serve_request(const struct cli_case *c, int conn)
{
	char *buf = malloc(STEER_PROTO_MAX_MSG + 1), *msg;
	const char *reply, *then;
	size_t nreplies = 0;
	ssize_t n;

	assert_non_null(buf);
	n = recv(conn, buf, STEER_PROTO_MAX_MSG + 1, 0);
	if (n <= 0) {
		free(buf);
		return false;
	}
	buf[n] = '\0';
	if (fake.nrequests < FAKE_REQUESTS_MAX)
		fake.requests[fake.nrequests] = buf;
	else
		free(buf);

	while (nreplies < CASE_REPLIES_MAX && c->replies[nreplies])
		nreplies++;
	fake.nrequests++;
	if (c->packed) {
		send_packed(conn, c->packed());
		return true;
	}
	if (!nreplies)
		return false; /* not expected to be called: hang up */
	reply = c->replies[fake.nrequests - 1 < nreplies ? fake.nrequests - 1 :
							   nreplies - 1];

	if (!strcmp(reply, CLOSE))
		return false;
	for (; (then = strstr(reply, THEN)); reply = then + strlen(THEN)) {
		msg = strndup(reply, then - reply);
		assert_non_null(msg);
		send_reply(conn, msg);
		free(msg);
	}
	send_reply(conn, reply);
	return true;
}

/* Serves steerctl's connections until it exits. */
void steerctl_fake_serve(const struct cli_case *c, struct steerctl_run *r)
{
	struct pollfd pfd[1 + FAKE_CONNS_MAX];
	int conns[FAKE_CONNS_MAX], nconns = 0, i, fd;
	int64_t deadline = (int64_t)clock_now_ms() + RUN_TIMEOUT_MS;
	bool exited = false, signalled = false;

	for (;;) {
		/* One more pass after the exit: to see what it left. */
		exited = steerctl_reap(r, false);
		pfd[0] = (struct pollfd){ .fd = fake.listen_fd,
					  .events = POLLIN };
		for (i = 0; i < nconns; i++)
			pfd[i + 1] = (struct pollfd){ .fd = conns[i],
						      .events = POLLIN };
		assert_true(poll(pfd, nconns + 1, exited ? 0 : POLL_MS) >= 0);

		if (pfd[0].revents & POLLIN) {
			fd = accept4(fake.listen_fd, NULL, NULL, SOCK_CLOEXEC);
			assert_true(fd >= 0);
			fake.connections++;
			if (nconns < FAKE_CONNS_MAX)
				conns[nconns++] = fd;
			else
				close(fd);
		}
		for (i = nconns - 1; i >= 0; i--) {
			if (!pfd[i + 1].revents)
				continue;
			if (!serve_request(c, conns[i])) {
				close(conns[i]);
				conns[i] = conns[--nconns];
			}
		}

		if (c->signal && !signalled &&
		    fake.nrequests >= nr_expected(c)) {
			kill(r->pid, c->signal);
			signalled = true;
		}
		if (exited)
			break;
		if ((int64_t)clock_now_ms() > deadline) {
			steerctl_kill(r);
			fail_msg("steerctl still running after %d ms",
				 RUN_TIMEOUT_MS);
		}
	}
	while (nconns)
		close(conns[--nconns]);
}

/* The requests are exactly the expected ones. */
const char *steerctl_fake_check_requests(const struct cli_case *c)
{
	size_t i, n = nr_expected(c);
	json_t *got, *want;
	char *text;
	bool same;

	if (!n && fake.connections)
		return "requests (steerd must not be contacted)";
	if (fake.nrequests != n)
		return "number of requests";
	for (i = 0; i < n && i < FAKE_REQUESTS_MAX; i++) {
		text = steerctl_unquote(c->requests[i]);
		want = json_loads(text, 0, NULL);
		free(text);
		assert_non_null(want);
		got = json_loads(fake.requests[i], 0, NULL);
		same = got && json_equal(got, want);
		json_decref(got);
		json_decref(want);
		if (!same)
			return "request";
	}
	return NULL;
}

const char *steerctl_fake_path(enum socket_choice sock)
{
	switch (sock) {
	case SOCK_ABSENT:
		return fake.absent;
	case SOCK_REFUSED:
		return fake.refused;
	default:
		return fake.path;
	}
}

void steerctl_fake_print_requests(const struct cli_case *c)
{
	size_t i;

	for (i = 0; i < nr_expected(c); i++)
		print_error("expected request %zu: %s\n", i, c->requests[i]);
	for (i = 0; i < fake.nrequests && i < FAKE_REQUESTS_MAX; i++)
		print_error("got request %zu: %s\n", i, fake.requests[i]);
}
