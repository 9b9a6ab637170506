// SPDX-License-Identifier: GPL-2.0-only
/*
 * udp_echo: a per-CPU UDP echo server on a steerd UDP group, as a DNS
 * server would run: one worker process per CPU, pinned there, each with
 * its own UDP socket registered in its CPU's slot. Every answer is the
 * line "cpu=N incoming_cpu=M pid=P gen=0" (steer_http's fields, which
 * loadgen reads) and the datagram after it: N the worker's CPU, M its
 * socket's SO_INCOMING_CPU, P its pid. The kernel updates that option
 * only for a connected UDP socket, so an echo server's reads -1: which
 * CPU processed each datagram shows in steer's counters ('steerctl group
 * show', locality).
 * A drained worker answers what its socket still holds, then exits 0;
 * SIGINT or SIGTERM ends them all.
 *
 *   udp_echo GROUP [STEERD_SOCKET]
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <steer/libsteer.h>

#define MAX_DGRAM 65536
#define PREFIX_MAX 64

/* Answers every datagram queued on fd; stops when none is left. */
static void echo_all(int fd, int cpu)
{
	static char in[MAX_DGRAM], out[PREFIX_MAX + MAX_DGRAM];
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer), ilen = sizeof(int);
	int incoming = -1, n;
	ssize_t got;

	while ((got = recvfrom(fd, in, sizeof(in), 0, (struct sockaddr *)&peer,
			       &len)) >= 0) {
		getsockopt(fd, SOL_SOCKET, SO_INCOMING_CPU, &incoming, &ilen);
		n = snprintf(out, PREFIX_MAX,
			     "cpu=%d incoming_cpu=%d pid=%d gen=0\n", cpu,
			     incoming, (int)getpid());
		memcpy(out + n, in, got);
		if (sendto(fd, out, n + got, 0, (struct sockaddr *)&peer, len) <
		    0)
			perror("udp_echo: sendto");
		len = sizeof(peer);
	}
}

/* steerd's events; true once the socket is drained and may close. */
static bool drained(struct libsteer_listener *l, struct pollfd *events, int cpu)
{
	int ev;

	for (;;) {
		ev = libsteer_listener__next_event(l);
		if (ev == LIBSTEER_EVENT_NONE)
			return false;
		if (ev == LIBSTEER_EVENT_DRAIN) {
			/* Out of selection: nothing new comes; answer the rest. */
			echo_all(libsteer_listener__fd(l), cpu);
		} else if (ev == LIBSTEER_EVENT_DRAINED) {
			return true; /* the queue is empty: closing loses none */
		} else if (ev < 0) {
			/* steerd went away: serve on, without its events. */
			fprintf(stderr, "udp_echo: steerd: %s\n",
				strerror(-ev));
			events->fd = -1;
			return false;
		}
	}
}

/* One CPU's worker: its socket, served until drained. */
static int worker(const char *group, int cpu, const char *socket_path)
{
	struct libsteer_listen_opts opts = { .sz = sizeof(opts),
					     .socket_path = socket_path,
					     .udp = true };
	struct libsteer_listener *l;
	struct pollfd fds[2];
	int err;

	/* The socket gets the datagrams this CPU processes: serve here. */
	err = libsteer_pin_cpu(cpu);
	if (err) {
		fprintf(stderr, "udp_echo: pinning to CPU %d: %s\n", cpu,
			strerror(-err));
		return 1;
	}
	l = libsteer_listener__open(group, cpu, &opts);
	if (!l)
		return 1; /* libsteer said why on stderr */
	printf("udp_echo: group %s, slot %d\n", group,
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
			perror("udp_echo: poll");
			libsteer_listener__close(l);
			return 1;
		}
		if (fds[0].revents & POLLIN)
			echo_all(fds[0].fd, cpu);
		if (fds[1].revents && drained(l, &fds[1], cpu)) {
			printf("udp_echo: slot %d drained, bye\n", cpu);
			break;
		}
	}
	libsteer_listener__close(l);
	return 0;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Ends the workers still running. */
static void kill_all(const pid_t *pids, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	pid_t pids[CPU_SETSIZE];
	int n = 0, cpu, rc = 0, status, i;
	cpu_set_t cpus;
	pid_t pid;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: udp_echo GROUP [STEERD_SOCKET]\n");
		return 2;
	}
	if (sched_getaffinity(0, sizeof(cpus), &cpus)) {
		perror("udp_echo: sched_getaffinity");
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* One worker per CPU this process may run on. */
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &cpus))
			continue;
		pid = fork();
		if (pid < 0) {
			perror("udp_echo: fork");
			kill_all(pids, n);
			rc = 1;
			break;
		}
		if (pid == 0) {
			signal(SIGINT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			_exit(worker(argv[1], cpu, argc == 3 ? argv[2] : NULL));
		}
		pids[n++] = pid;
	}
	/* Until every worker is gone; a signal ends them all. */
	for (i = 0; i < n;) {
		pid = wait(&status);
		if (pid < 0 && errno == EINTR) {
			if (stop)
				kill_all(pids, n);
			continue;
		}
		if (pid < 0)
			break;
		/* A worker ended by our SIGTERM did what it was asked. */
		if (!stop && (!WIFEXITED(status) || WEXITSTATUS(status)))
			rc = 1;
		for (cpu = 0; cpu < n; cpu++)
			if (pids[cpu] == pid)
				pids[cpu] = -1;
		i++;
	}
	return rc;
}
