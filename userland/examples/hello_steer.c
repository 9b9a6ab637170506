// SPDX-License-Identifier: GPL-2.0-only
/*
 * hello_steer: the smallest libsteer program. It serves one steerd group
 * on one CPU: each connection gets one line saying which CPU answered it.
 * When steerd drains the listener it takes what is still queued, closes
 * and exits 0. steer_http is the full server (many CPUs, HTTP, restarts).
 *
 *   hello_steer GROUP CPU [STEERD_SOCKET]
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <steer/libsteer.h>

/* One line per connection, then close: the whole protocol. */
static void answer(int fd, void *ctx)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "hello from cpu %d\n",
			 sched_getcpu());

	if (write(fd, line, n) != n)
		perror("hello_steer: write");
	close(fd);
}

/* steerd's events; true once the listener is drained and may close. */
static bool drained(struct libsteer_listener *l, struct pollfd *events)
{
	int ev;

	for (;;) {
		ev = libsteer_listener__next_event(l);
		if (ev == LIBSTEER_EVENT_NONE)
			return false;
		if (ev == LIBSTEER_EVENT_DRAIN) {
			/* Out of selection: nothing new comes; empty the queue. */
			libsteer_listener__accept_all(l, answer, NULL);
		} else if (ev == LIBSTEER_EVENT_DRAINED) {
			return true; /* the queue is empty: closing loses nothing */
		} else if (ev < 0) {
			/* steerd went away: serve on, without its events. */
			fprintf(stderr, "hello_steer: steerd: %s\n",
				strerror(-ev));
			events->fd = -1;
			return false;
		}
	}
}

int main(int argc, char **argv)
{
	struct libsteer_listen_opts opts = { .sz = sizeof(opts) };
	struct libsteer_listener *l;
	struct pollfd fds[2];
	int cpu, err, fd, rc = 0;
	char *end;

	if (argc < 3 || argc > 4) {
		fprintf(stderr,
			"usage: hello_steer GROUP CPU [STEERD_SOCKET]\n");
		return 2;
	}
	cpu = strtol(argv[2], &end, 10);
	if (end == argv[2] || *end || cpu < 0) {
		fprintf(stderr, "hello_steer: CPU '%s': not a number\n",
			argv[2]);
		return 2;
	}
	opts.socket_path = argc == 4 ? argv[3] : NULL;

	/* The listener takes the connections this CPU receives: serve here. */
	err = libsteer_pin_cpu(cpu);
	if (err) {
		fprintf(stderr, "hello_steer: pinning to CPU %d: %s\n", cpu,
			strerror(-err));
		return 1;
	}
	/* Asks steerd for the group's address and registers in CPU's slot. */
	l = libsteer_listener__open(argv[1], cpu, &opts);
	if (!l)
		return 1; /* libsteer said why on stderr */
	printf("hello_steer: group %s, slot %d\n", argv[1],
	       libsteer_listener__slot(l));
	fflush(stdout);

	fds[0] = (struct pollfd){ .fd = libsteer_listener__fd(l),
				  .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = libsteer_listener__event_fd(l),
				  .events = POLLIN };
	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("hello_steer: poll");
			rc = 1;
			break;
		}
		/* The listener is non-blocking: take what is there. */
		while (fds[0].revents & POLLIN &&
		       (fd = accept4(fds[0].fd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
			answer(fd, NULL);
		if (fds[1].revents && drained(l, &fds[1])) {
			printf("hello_steer: drained, bye\n");
			break;
		}
	}
	libsteer_listener__close(l);
	return rc;
}
