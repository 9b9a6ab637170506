// SPDX-License-Identifier: GPL-2.0-only
/*
 * steer_http: a per-CPU HTTP/1.1 server whose workers take their listeners
 * from steerd, drain through it and roll over without losing a connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <steer/libsteer.h>

#include "steer_http_parse.h"

#define STEER_HTTP_VERSION "0.1.0"

#define DEFAULT_GROUP "web"
#define DEFAULT_ADDR "0.0.0.0"
#define DEFAULT_PORT 8080
#define DEFAULT_GEN 1
#define PORT_MAX 65535
#define ONLINE_CPUS "/sys/devices/system/cpu/online"

/* Per worker; beyond it a connection is accepted and closed at once. */
#define CONNS_MAX 4096
/* Descriptors a worker needs besides its connections. */
#define FD_RESERVE 32
/* Responses waiting for the socket; room for a few pipelined ones. */
#define OUT_MAX 1024
/* The longest thing written at once: a response or 100 Continue. */
#define RESPONSE_MAX 256
/* Work done per wakeup, so one busy peer cannot starve the others. */
#define ACCEPT_BATCH 64
#define READ_ROUNDS 16
#define PIPELINE_MAX 32
#define EPOLL_BATCH 64
#define STEER_EVENTS_MAX 16
#define SIGNALS_MAX 16
/* A sweep takes the whole accept queue; no backlog is longer than this. */
#define SWEEP_MAX 65536

/* Idle timeouts and a safety sweep of the listener, when running. */
#define TICK_MS 1000
/* Sweep period while draining: a migrated connection may not wake epoll. */
#define DRAIN_TICK_MS 100
/* steerd's bound on our drain. */
#define DRAIN_TIMEOUT_MS 10000
/* steerd sends no event when a drain times out: ours fires this later. */
#define DRAIN_SLACK_MS 1000
/* Without steerd's events, how long in-flight handshakes get to land. */
#define DRAIN_BLIND_MS 200
/* Open connections may finish their request this long after the close. */
#define CLOSE_GRACE_MS 5000
/* While closing, a keep-alive connection idle this long is closed. */
#define DRAIN_IDLE_MS 500
/* A connection that makes no progress this long is closed. */
#define IDLE_TIMEOUT_MS 60000
/* After our last response, what the client still sends is read this long. */
#define LINGER_MS 1000

/* A worker has this long to register its listener. */
#define START_TIMEOUT_MS 5000
/* A stopping worker bounds itself; the master's bound allows it this. */
#define STOP_SLACK_MS 2000
#define STOP_TIMEOUT_MS \
	(DRAIN_TIMEOUT_MS + DRAIN_SLACK_MS + CLOSE_GRACE_MS + STOP_SLACK_MS)
#define RESTART_BACKOFF_MS 50
#define RESTART_BACKOFF_MAX_MS 5000
/* A worker that served this long resets its CPU's backoff. */
#define RESTART_STABLE_MS 10000
#define RESTART_TRIES_MAX 10

#define EXIT_USAGE 2
#define MSG_MAX 256
#define ADDR_STR_MAX (INET6_ADDRSTRLEN + sizeof("[]:65535"))

struct config {
	const char *addr;
	int port;
	bool addr_set, port_set;
	cpu_set_t cpus;
	const char *group;
	const char *socket_path;
	unsigned int gen;
	bool standby, no_steer, incoming_cpu, supervise, verbose;
};

/* ---- logging ---------------------------------------------------------- */

static pid_t log_pid;
static int log_cpu = -1; /* -1: the master */

/* One write per line, so lines of different processes never interleave. */
static void log_event(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void log_event(const char *fmt, ...)
{
	char line[2 * MSG_MAX];
	va_list ap;
	int n;

	n = log_cpu < 0 ?
		    snprintf(line, sizeof(line),
			     "steer_http[%d] master: ", (int)log_pid) :
		    snprintf(line, sizeof(line),
			     "steer_http[%d] cpu %d: ", (int)log_pid, log_cpu);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	n = strlen(line);
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0)
		return; /* nowhere left to say it */
}

/* libsteer's messages: its warnings, kept aside while a start is tried. */
static bool lib_verbose;
static bool lib_capturing;
static char lib_msg[MSG_MAX];

static int lib_print(enum libsteer_print_level level, const char *fmt,
		     va_list args) __attribute__((format(printf, 2, 0)));

static int lib_print(enum libsteer_print_level level, const char *fmt,
		     va_list args)
{
	char msg[MSG_MAX];
	size_t n;

	if (level != LIBSTEER_WARN && !lib_verbose)
		return 0;
	vsnprintf(msg, sizeof(msg), fmt, args);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	if (lib_capturing && level == LIBSTEER_WARN) {
		/* The first is the cause; the rest follow from it. */
		if (!lib_msg[0])
			snprintf(lib_msg, sizeof(lib_msg), "%s", msg);
		return 0;
	}
	log_event("libsteer: %s", msg);
	return 0;
}

/* A message into buf, cut to fit if it must: no truncation warning. */
static void msgf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void msgf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* "SIGTERM": the name an operator typed, not strsignal's prose. */
static const char *sig_name(int sig)
{
	static char buf[16];
	const char *abbrev = sigabbrev_np(sig);

	snprintf(buf, sizeof(buf), "SIG%s", abbrev ? abbrev : "?");
	return buf;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int ep_ctl(int epfd, int op, int fd, uint32_t events, uint64_t tok)
{
	struct epoll_event ev = { .events = events, .data.u64 = tok };

	return epoll_ctl(epfd, op, fd, &ev) ? -errno : 0;
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 ||
	    (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK)))
		return -errno;
	return 0;
}

/* "0-3,6": the CPUs of a set, as the kernel writes CPU lists. */
static void cpus_format(const cpu_set_t *set, char *buf, size_t len)
{
	size_t n = 0;
	int cpu, end;

	buf[0] = '\0';
	for (cpu = 0; cpu < CPU_SETSIZE && n < len; cpu++) {
		if (!CPU_ISSET(cpu, set))
			continue;
		for (end = cpu;
		     end + 1 < CPU_SETSIZE && CPU_ISSET(end + 1, set);)
			end++;
		n += snprintf(buf + n, len - n, n ? ",%d" : "%d", cpu);
		if (end > cpu && n < len)
			n += snprintf(buf + n, len - n, "-%d", end);
		cpu = end;
	}
}

static void sockaddr_format(const struct sockaddr_storage *ss, char *buf,
			    size_t len)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
	char a[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(in6->sin6_port));
	} else {
		inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(in->sin_port));
	}
}

/* ---- the worker: one per CPU, one listener, epoll ---------------------- */

struct conn {
	struct conn *prev, *next; /* the worker's open connections */
	uint64_t last_ms; /* last progress: idle timeout, closing */
	uint64_t linger_until;
	unsigned long long body_left; /* request body still to discard */
	uint32_t gen; /* tells a stale epoll event from a reused slot */
	uint32_t events; /* epoll interest as registered */
	int fd;
	size_t in_off, in_len, out_off, out_len, scanned;
	unsigned int minor; /* of the request being answered */
	bool respond_pending; /* a head was parsed; its body is discarded */
	bool keep_alive; /* the client would keep the connection */
	bool close_after; /* close once the output is flushed */
	bool peer_closed;
	bool answered; /* a response went out: the client knows it is kept */
	bool lingering; /* our side is shut; reading until the client's */
	char in[HTTP_HEAD_MAX];
	char out[OUT_MAX];
};

enum worker_state {
	W_RUNNING,
	W_DRAINING, /* out of selection; accepting what is queued */
	W_CLOSING, /* listener closed; connections finish their request */
};

/* epoll tokens: a connection's index and generation, or one of these. */
enum {
	TOK_LISTENER = CONNS_MAX,
	TOK_STEER_EVENTS,
	TOK_SIGNALS,
};
#define TOK_CONN(c, idx) (((uint64_t)(c)->gen << 32) | (idx))

struct worker {
	const struct config *cfg;
	int cpu;
	unsigned int gen;
	pid_t pid;
	bool standby; /* asked for standby and not known to be promoted */
	bool steerd_gone; /* the registration connection broke */
	bool accept_paused; /* out of descriptors: retry on the tick */
	enum worker_state state;
	int epfd, sigfd, lfd;
	struct libsteer_listener *sl;
	bool events_on;
	uint64_t now, next_tick, drain_deadline, close_deadline;
	uint64_t refused_logged;
	struct conn *conns;
	uint32_t *free_idx;
	uint32_t nfree, conns_max, nconns;
	struct conn *open; /* list of open connections */
	unsigned long long accepted, refused, requests;
};

struct worker_report {
	int32_t err; /* 0: serving; else why the start failed */
	char msg[MSG_MAX]; /* one line: what failed and what to do */
};

static void conn_close(struct worker *w, struct conn *c)
{
	close(c->fd);
	c->fd = -1;
	if (c->prev)
		c->prev->next = c->next;
	else
		w->open = c->next;
	if (c->next)
		c->next->prev = c->prev;
	w->free_idx[w->nfree++] = c - w->conns;
	w->nconns--;
}

static void conn_set_events(struct worker *w, struct conn *c, uint32_t want)
{
	if (want == c->events)
		return;
	if (ep_ctl(w->epfd, EPOLL_CTL_MOD, c->fd, want,
		   TOK_CONN(c, c - w->conns))) {
		conn_close(w, c);
		return;
	}
	c->events = want;
}

static void worker_promoted(struct worker *w, const char *why)
{
	if (!w->standby)
		return;
	w->standby = false;
	log_event("slot %d: active (%s)",
		  w->sl ? libsteer_listener__slot(w->sl) : w->cpu, why);
}

static void conn_open(struct worker *w, int fd)
{
	struct conn *c;
	uint32_t idx;
	int one = 1;

	if (!w->nfree) {
		close(fd);
		w->refused++;
		if (w->now - w->refused_logged >= TICK_MS) {
			log_event("at the cap of %u connections: refusing "
				  "new ones (%llu so far)",
				  w->conns_max, w->refused);
			w->refused_logged = w->now;
		}
		return;
	}
	idx = w->free_idx[--w->nfree];
	c = &w->conns[idx];
	c->gen = c->gen + 1 ?: 1;
	c->fd = fd;
	c->last_ms = w->now;
	c->body_left = 0;
	c->in_off = c->in_len = c->out_off = c->out_len = c->scanned = 0;
	c->respond_pending = c->close_after = c->peer_closed = false;
	c->answered = c->lingering = false;
	c->events = EPOLLIN;
	/* Responses are written whole: never hold one back for an ACK. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (ep_ctl(w->epfd, EPOLL_CTL_ADD, fd, EPOLLIN, TOK_CONN(c, idx))) {
		close(fd);
		w->free_idx[w->nfree++] = idx;
		return;
	}
	c->prev = NULL;
	c->next = w->open;
	if (w->open)
		w->open->prev = c;
	w->open = c;
	w->nconns++;
	w->accepted++;
	/* Only the slot's active listener is selected, or receives migrations. */
	worker_promoted(w, "it accepted a connection");
}

static int conn_append(struct conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* 0, or -ENOBUFS when it does not fit the output buffer. */
static int conn_append(struct conn *c, const char *fmt, ...)
{
	size_t room = OUT_MAX - c->out_len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->out + c->out_len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		return -ENOBUFS;
	c->out_len += n;
	return 0;
}

/* The response a load generator parses: four fields on one line. */
static void conn_respond(struct worker *w, struct conn *c)
{
	bool keep = c->keep_alive && w->state == W_RUNNING;
	const char *conn_hdr = !keep	? "Connection: close\r\n" :
			       c->minor ? "" :
					  "Connection: keep-alive\r\n";
	socklen_t len = sizeof(int);
	int incoming = -1, n;
	char body[128];

	/* The CPU that processed the connection's latest packet. */
	if (getsockopt(c->fd, SOL_SOCKET, SO_INCOMING_CPU, &incoming, &len))
		incoming = -1;
	n = snprintf(body, sizeof(body),
		     "cpu=%d incoming_cpu=%d pid=%d gen=%u\n", w->cpu, incoming,
		     (int)w->pid, w->gen);
	c->respond_pending = false;
	c->answered = true;
	if (!keep)
		c->close_after = true;
	w->requests++;
	if (conn_append(c,
			"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
			"Content-Length: %d\r\n%s\r\n%s",
			n, conn_hdr, body))
		c->close_after = true; /* cannot happen: room was checked */
}

static void conn_fail(struct conn *c, int err)
{
	const char *status = http_error_status(err);

	c->in_off = c->in_len = c->scanned = 0;
	c->body_left = 0;
	c->respond_pending = false;
	c->close_after = true;
	conn_append(c,
		    "HTTP/1.1 %s\r\nContent-Type: text/plain\r\n"
		    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s\n",
		    status, strlen(status) + 1, status);
}

/*
 * Answers what the input buffer holds, as far as the output has room.
 * Returns true when it stopped with work left (output full, or its bound):
 * the caller comes back once the output drains.
 */
static bool conn_process(struct worker *w, struct conn *c)
{
	struct http_request req;
	size_t avail, take;
	int n, i;

	for (i = 0; i < PIPELINE_MAX && !c->close_after; i++) {
		avail = c->in_len - c->in_off;
		if (c->body_left) {
			take = avail < c->body_left ? avail : c->body_left;
			c->in_off += take;
			c->body_left -= take;
			avail -= take;
			if (!avail)
				c->in_off = c->in_len = 0;
			if (c->body_left)
				break;
		}
		if (c->respond_pending) {
			if (OUT_MAX - c->out_len < RESPONSE_MAX)
				return true;
			conn_respond(w, c);
			continue;
		}
		if (!avail) {
			c->in_off = c->in_len = 0;
			return false;
		}
		if (OUT_MAX - c->out_len < RESPONSE_MAX)
			return true;
		n = http_parse_head(c->in + c->in_off, avail, &c->scanned,
				    &req);
		if (n == 0) {
			/* A head in pieces: make room for the rest. */
			if (c->in_off) {
				memmove(c->in, c->in + c->in_off, avail);
				c->in_off = 0;
				c->in_len = avail;
			}
			return false;
		}
		if (n < 0) {
			conn_fail(c, n);
			return false;
		}
		c->in_off += n;
		c->scanned = 0;
		c->body_left = req.content_length;
		c->keep_alive = req.keep_alive;
		c->minor = req.minor;
		c->respond_pending = true;
		if (req.expect_continue && c->body_left > c->in_len - c->in_off)
			conn_append(c, "HTTP/1.1 100 Continue\r\n\r\n");
	}
	return i == PIPELINE_MAX;
}

/* 0, or a negative errno when the connection is broken. */
static int conn_flush(struct worker *w, struct conn *c)
{
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
			 MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		c->out_off += n;
		c->last_ms = w->now;
	}
	c->out_off = c->out_len = 0;
	return 0;
}

/*
 * Closes our side and reads until the client closes its own: a close with
 * unread input would reset the connection and could take our last
 * response with it.
 */
static void conn_linger(struct worker *w, struct conn *c)
{
	shutdown(c->fd, SHUT_WR);
	c->lingering = true;
	c->linger_until = w->now + LINGER_MS;
	c->in_off = c->in_len = 0;
	conn_set_events(w, c, EPOLLIN);
}

static void conn_linger_read(struct worker *w, struct conn *c)
{
	ssize_t n;
	int i;

	for (i = 0; i < READ_ROUNDS; i++) {
		n = recv(c->fd, c->in, sizeof(c->in), 0);
		if (n > 0)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		break;
	}
	if (i < READ_ROUNDS)
		conn_close(w, c);
}

static void conn_serve(struct worker *w, struct conn *c, uint32_t events)
{
	bool more = false;
	ssize_t n;
	int round;

	if (events & EPOLLERR) {
		conn_close(w, c);
		return;
	}
	if (c->lingering) {
		conn_linger_read(w, c);
		return;
	}
	for (round = 1;; round++) {
		more = conn_process(w, c);
		if (conn_flush(w, c)) {
			conn_close(w, c);
			return;
		}
		if (c->out_len)
			break; /* the socket is full: EPOLLOUT */
		if (c->close_after) {
			conn_linger(w, c);
			return;
		}
		if (c->peer_closed && !more) {
			conn_close(w, c);
			return;
		}
		if (round == READ_ROUNDS)
			break;
		if (more)
			continue;
		if (c->in_len == sizeof(c->in))
			break; /* cannot happen: a full head is answered */
		n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len,
			 0);
		if (n > 0) {
			c->in_len += n;
			c->last_ms = w->now;
		} else if (n == 0) {
			c->peer_closed = true;
		} else if (errno == EAGAIN) {
			break;
		} else {
			conn_close(w, c);
			return;
		}
	}
	/* A writable socket reports at once: work left resumes from there. */
	conn_set_events(w, c, c->out_len || more ? EPOLLOUT : EPOLLIN);
}

/*
 * Idle: between two requests of a keep-alive connection. A new connection
 * is not: its first request is on its way, and closing it would fail it.
 */
static bool conn_idle(const struct conn *c)
{
	return c->answered && !c->lingering && !c->respond_pending &&
	       !c->body_left && c->in_len == c->in_off && !c->out_len;
}

static void worker_accept(struct worker *w, unsigned int max)
{
	unsigned int i;
	int fd;

	for (i = 0; i < max && w->lfd >= 0; i++) {
		fd = accept4(w->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			conn_open(w, fd);
			continue;
		}
		if (errno == ECONNABORTED || errno == EPERM)
			continue; /* that one is gone; the queue is not */
		if (errno != EAGAIN) {
			/* Level-triggered: stop listening until the tick. */
			log_event("accept: %s; pausing accepts until the next "
				  "tick",
				  strerror(errno));
			if (!ep_ctl(w->epfd, EPOLL_CTL_MOD, w->lfd, 0,
				    TOK_LISTENER))
				w->accept_paused = true;
		}
		return;
	}
}

static void on_swept(int fd, void *ctx)
{
	struct worker *w = ctx;

	/* The header does not promise accept4 flags: make sure. */
	if (set_nonblock(fd) || fcntl(fd, F_SETFD, FD_CLOEXEC)) {
		close(fd);
		return;
	}
	conn_open(w, fd);
}

/* Takes every queued connection, woken or not. */
static void worker_sweep(struct worker *w)
{
	int n;

	if (w->lfd < 0)
		return;
	if (!w->sl) {
		worker_accept(w, SWEEP_MAX);
		return;
	}
	n = libsteer_listener__accept_all(w->sl, on_swept, w);
	if (n < 0 && n != -EAGAIN)
		log_event("sweeping the accept queue: %s", strerror(-n));
}

static void worker_close_idle(struct worker *w)
{
	struct conn *c, *next;

	for (c = w->open; c; c = next) {
		next = c->next;
		if (conn_idle(c) && w->now - c->last_ms >= DRAIN_IDLE_MS)
			conn_linger(w, c);
	}
}

/* Stops accepting for good; what is still queued migrates (steer). */
static void worker_close_listener(struct worker *w)
{
	if (w->lfd < 0)
		return;
	epoll_ctl(w->epfd, EPOLL_CTL_DEL, w->lfd, NULL);
	if (w->events_on)
		epoll_ctl(w->epfd, EPOLL_CTL_DEL,
			  libsteer_listener__event_fd(w->sl), NULL);
	if (w->sl)
		libsteer_listener__close(w->sl);
	else
		close(w->lfd);
	w->sl = NULL;
	w->lfd = -1;
	w->events_on = false;
	w->state = W_CLOSING;
	w->close_deadline = w->now + CLOSE_GRACE_MS;
	w->next_tick = w->now + DRAIN_TICK_MS;
	log_event("listener closed; %u connection(s) finishing their request "
		  "(at most %d ms)",
		  w->nconns, CLOSE_GRACE_MS);
	worker_close_idle(w);
}

/* Closes without a drain: sweep first, what lands after migrates. */
static void worker_close_now(struct worker *w, const char *why)
{
	log_event("closing the listener: %s", why);
	worker_sweep(w);
	worker_close_listener(w);
}

static void worker_draining(struct worker *w, uint64_t bound_ms)
{
	w->state = W_DRAINING;
	w->drain_deadline = w->now + bound_ms;
	w->next_tick = w->now + DRAIN_TICK_MS;
	worker_sweep(w);
}

/* SIGTERM/SIGINT: leave through steerd, so no queued connection is lost. */
static void worker_stop(struct worker *w, const char *why)
{
	int err;

	if (w->state != W_RUNNING)
		return;
	if (!w->sl) {
		worker_close_now(w, why);
		return;
	}
	/*
	 * libsteer drains the slot's active listener: from a standby that
	 * would be somebody else's. An unpromoted standby is never selected,
	 * so closing it loses nothing.
	 */
	if (w->standby) {
		worker_close_now(w,
				 "standby, never promoted: nothing to drain");
		return;
	}
	err = libsteer_listener__drain(w->sl, DRAIN_TIMEOUT_MS);
	if (err) {
		log_event("draining (%s): no drain from steerd: %s", why,
			  strerror(-err));
		worker_close_now(w, "no drain; queued connections migrate");
		return;
	}
	if (w->steerd_gone) {
		/* No registrant connection: no drained event will come. */
		log_event("draining (%s): out of selection; steerd's events "
			  "are gone, closing in %d ms",
			  why, DRAIN_BLIND_MS);
		worker_draining(w, DRAIN_BLIND_MS);
		return;
	}
	log_event("draining (%s): out of selection, accepting what is "
		  "queued",
		  why);
	worker_draining(w, DRAIN_TIMEOUT_MS + DRAIN_SLACK_MS);
}

static void worker_on_steer_events(struct worker *w)
{
	int i, ev;

	for (i = 0; i < STEER_EVENTS_MAX && w->sl; i++) {
		ev = libsteer_listener__next_event(w->sl);
		if (ev == LIBSTEER_EVENT_NONE)
			return;
		if (ev < 0) {
			log_event("steerd connection lost (%s): serving on; "
				  "drains fall back to a close",
				  strerror(-ev));
			epoll_ctl(w->epfd, EPOLL_CTL_DEL,
				  libsteer_listener__event_fd(w->sl), NULL);
			w->events_on = false;
			w->steerd_gone = true;
			if (w->state == W_DRAINING)
				worker_close_now(w, "steerd went away "
						    "mid-drain");
			return;
		}
		if (ev == LIBSTEER_EVENT_DRAIN) {
			if (w->state == W_RUNNING) {
				w->standby = false;
				log_event("draining (asked by steerd): out of "
					  "selection, accepting what is "
					  "queued");
				worker_draining(w, DRAIN_TIMEOUT_MS +
							   DRAIN_SLACK_MS);
			} else {
				worker_sweep(w);
			}
		} else if (ev == LIBSTEER_EVENT_DRAINED) {
			log_event("drained: accept queue empty");
			worker_sweep(w);
			worker_close_listener(w);
		}
	}
}

static void worker_on_signals(struct worker *w)
{
	struct signalfd_siginfo si;
	int i;

	for (i = 0; i < SIGNALS_MAX; i++) {
		if (read(w->sigfd, &si, sizeof(si)) != sizeof(si))
			return;
		if (si.ssi_signo == SIGUSR2) {
			/* The master: the previous worker of this slot left. */
			worker_promoted(w, "the slot's previous worker left");
			worker_sweep(w);
		} else {
			worker_stop(w, sig_name(si.ssi_signo));
		}
	}
}

static void worker_tick(struct worker *w)
{
	struct conn *c, *next;
	unsigned int n;

	if (w->accept_paused &&
	    !ep_ctl(w->epfd, EPOLL_CTL_MOD, w->lfd, EPOLLIN, TOK_LISTENER))
		w->accept_paused = false;
	/* A connection migrated here may not have woken epoll. */
	worker_sweep(w);
	for (c = w->open; c; c = next) {
		next = c->next;
		if (c->lingering ? w->now >= c->linger_until :
				   w->now - c->last_ms >= IDLE_TIMEOUT_MS)
			conn_close(w, c);
	}
	if (w->state == W_DRAINING && w->now >= w->drain_deadline)
		worker_close_now(w, "drain bound reached; queued connections "
				    "migrate");
	if (w->state == W_CLOSING) {
		worker_close_idle(w);
		if (w->now >= w->close_deadline && w->nconns) {
			n = w->nconns;
			while (w->open)
				conn_close(w, w->open);
			log_event("closed %u connection(s) still open after "
				  "%d ms",
				  n, CLOSE_GRACE_MS);
		}
	}
	w->next_tick =
		w->now + (w->state == W_RUNNING ? TICK_MS : DRAIN_TICK_MS);
}

static void worker_dispatch(struct worker *w, const struct epoll_event *ev)
{
	uint32_t idx = ev->data.u64 & UINT32_MAX;
	struct conn *c;

	switch (idx) {
	case TOK_LISTENER:
		worker_accept(w, ACCEPT_BATCH);
		return;
	case TOK_STEER_EVENTS:
		worker_on_steer_events(w);
		return;
	case TOK_SIGNALS:
		worker_on_signals(w);
		return;
	}
	if (idx >= CONNS_MAX)
		return;
	c = &w->conns[idx];
	/* Closed, or closed and reused, earlier in this batch. */
	if (c->fd < 0 || c->gen != ev->data.u64 >> 32)
		return;
	conn_serve(w, c, ev->events);
}

static int worker_loop(struct worker *w)
{
	struct epoll_event evs[EPOLL_BATCH];
	int n, i, timeout;

	while (w->state != W_CLOSING || w->nconns) {
		w->now = now_ms();
		timeout = w->next_tick > w->now ? w->next_tick - w->now : 0;
		n = epoll_wait(w->epfd, evs, EPOLL_BATCH, timeout);
		if (n < 0 && errno != EINTR)
			return -errno;
		w->now = now_ms();
		for (i = 0; i < n; i++)
			worker_dispatch(w, &evs[i]);
		if (w->now >= w->next_tick)
			worker_tick(w);
	}
	return 0;
}

static const char *steer_hint(int err, const struct config *cfg, bool standby,
			      char *buf, size_t len)
{
	switch (err) {
	case -ECONNREFUSED:
		return "if it listens elsewhere, pass --socket; to run "
		       "without it, --no-steer";
	case -ENOENT:
		snprintf(buf, len,
			 "create it: steerctl group add %s --listen ADDR:PORT "
			 "(or check --socket)",
			 cfg->group);
		return buf;
	case -EBUSY:
		return standby ? "stop the server holding it" :
				 "stop the server holding it, or start this "
				 "one with --standby";
	case -EACCES:
	case -EPERM:
		return "run as root or as a member of steerd's --group";
	case -ERANGE:
		return "this CPU has no slot: choose --cpus among steerd's";
	case -EADDRINUSE:
		return "a socket without SO_REUSEPORT holds the group's "
		       "address";
	case -EADDRNOTAVAIL:
		return "the group's address is not on this host";
	case -EXDEV:
		return "steerd runs in another network namespace: run "
		       "steer_http in its namespace";
	default:
		return "see steerd's log and 'steerctl status'";
	}
}

/* The group's address, checked against --addr/--port when given. */
static int check_bound(struct worker *w, char *msg, size_t len)
{
	const struct config *cfg = w->cfg;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;
	const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;
	unsigned char want[sizeof(struct in6_addr)];
	char have[ADDR_STR_MAX];
	bool same;

	if (getsockname(w->lfd, (struct sockaddr *)&ss, &sl))
		return -errno;
	sockaddr_format(&ss, have, sizeof(have));
	same = !cfg->port_set ||
	       cfg->port == ntohs(ss.ss_family == AF_INET6 ? in6->sin6_port :
							     in->sin_port);
	if (same && cfg->addr_set)
		same = ss.ss_family == AF_INET6 ?
			       inet_pton(AF_INET6, cfg->addr, want) == 1 &&
				       !memcmp(want, &in6->sin6_addr, 16) :
			       inet_pton(AF_INET, cfg->addr, want) == 1 &&
				       !memcmp(want, &in->sin_addr, 4);
	if (!same) {
		msgf(msg, len,
		     "group %s listens on %s, not on the --addr/--port "
		     "given; drop them, or fix the group",
		     cfg->group, have);
		return -EADDRNOTAVAIL;
	}
	log_event("registered with steerd: group %s, slot %d%s, on %s, gen %u",
		  cfg->group, libsteer_listener__slot(w->sl),
		  w->standby ? ", as standby (active if the slot was empty)" :
			       "",
		  have, w->gen);
	return 0;
}

static int steer_listen(struct worker *w, char *msg, size_t len)
{
	const struct config *cfg = w->cfg;
	struct libsteer_listen_opts opts = {
		.sz = sizeof(opts),
		.socket_path = cfg->socket_path,
		.standby = w->standby,
	};
	char hint[MSG_MAX];
	int err;

	lib_capturing = true;
	lib_msg[0] = '\0';
	w->sl = libsteer_listener__open(cfg->group, w->cpu, &opts);
	err = -errno;
	lib_capturing = false;
	if (!w->sl) {
		msgf(msg, len, "cannot serve group %s: %s; %s", cfg->group,
		     lib_msg[0] ? lib_msg : strerror(-err),
		     steer_hint(err, cfg, w->standby, hint, sizeof(hint)));
		return err;
	}
	w->lfd = libsteer_listener__fd(w->sl);
	err = set_nonblock(w->lfd);
	if (err) {
		msgf(msg, len, "listener: %s", strerror(-err));
		return err;
	}
	err = check_bound(w, msg, len);
	if (!err)
		err = ep_ctl(w->epfd, EPOLL_CTL_ADD,
			     libsteer_listener__event_fd(w->sl), EPOLLIN,
			     TOK_STEER_EVENTS);
	if (!err)
		w->events_on = true;
	else if (!msg[0])
		msgf(msg, len, "watching steerd's events: %s", strerror(-err));
	return err;
}

static int parse_addr(const char *addr, int port, struct sockaddr_storage *ss,
		      socklen_t *len)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		*len = sizeof(*in);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
		return 0;
	}
	return -EINVAL;
}

/* --no-steer: the baseline, SO_REUSEPORT and the kernel's own choice. */
static int plain_listen(struct worker *w, char *msg, size_t len)
{
	const struct config *cfg = w->cfg;
	struct sockaddr_storage ss;
	char where[ADDR_STR_MAX];
	socklen_t sl;
	int one = 1, fd, err;

	parse_addr(cfg->addr, cfg->port, &ss, &sl);
	sockaddr_format(&ss, where, sizeof(where));
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		err = -errno;
		goto fail;
	}
	/* As libsteer does: an IPv6 address means IPv6 only. */
	if ((ss.ss_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
	    (cfg->incoming_cpu && setsockopt(fd, SOL_SOCKET, SO_INCOMING_CPU,
					     &w->cpu, sizeof(w->cpu))) ||
	    bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, SOMAXCONN)) {
		err = -errno;
		close(fd);
		goto fail;
	}
	w->lfd = fd;
	log_event("listening on %s (SO_REUSEPORT%s, no steer), gen %u", where,
		  cfg->incoming_cpu ? ", SO_INCOMING_CPU" : "", w->gen);
	return 0;
fail:
	msgf(msg, len, "cannot listen on %s: %s%s", where, strerror(-err),
	     err == -EADDRINUSE	   ? "; a socket without SO_REUSEPORT, or of "
				     "another user, holds it" :
	     err == -EADDRNOTAVAIL ? "; the address is not on this host" :
	     err == -EACCES	   ? "; ports below 1024 need root" :
				     "");
	return err;
}

/* Enough descriptors for the connection cap, or a cap that fits them. */
static uint32_t worker_conns_max(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return CONNS_MAX / 4;
	if (rl.rlim_cur < CONNS_MAX + FD_RESERVE) {
		rl.rlim_cur = rl.rlim_max < CONNS_MAX + FD_RESERVE ?
				      rl.rlim_max :
				      CONNS_MAX + FD_RESERVE;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur < CONNS_MAX + FD_RESERVE)
		return rl.rlim_cur > 2 * FD_RESERVE ? rl.rlim_cur - FD_RESERVE :
						      FD_RESERVE;
	return CONNS_MAX;
}

static int worker_setup(struct worker *w, char *msg, size_t len)
{
	sigset_t mask;
	uint32_t i;
	int err;

	w->conns_max = worker_conns_max();
	w->conns = calloc(w->conns_max, sizeof(*w->conns));
	w->free_idx = calloc(w->conns_max, sizeof(*w->free_idx));
	if (!w->conns || !w->free_idx) {
		msgf(msg, len, "no memory for %u connections", w->conns_max);
		return -ENOMEM;
	}
	/* Slots are touched when first used: idle memory stays unmapped. */
	for (i = 0; i < w->conns_max; i++)
		w->free_idx[i] = w->conns_max - 1 - i;
	w->nfree = w->conns_max;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGUSR2);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	w->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->sigfd < 0 || w->epfd < 0 ||
	    ep_ctl(w->epfd, EPOLL_CTL_ADD, w->sigfd, EPOLLIN, TOK_SIGNALS)) {
		err = -errno;
		msgf(msg, len, "event loop: %s", strerror(-err));
		return err;
	}
	err = libsteer_pin_cpu(w->cpu);
	if (err) {
		msgf(msg, len, "cannot pin to CPU %d: %s", w->cpu,
		     strerror(-err));
		return err;
	}
	err = w->cfg->no_steer ? plain_listen(w, msg, len) :
				 steer_listen(w, msg, len);
	if (err)
		return err;
	err = ep_ctl(w->epfd, EPOLL_CTL_ADD, w->lfd, EPOLLIN, TOK_LISTENER);
	if (err)
		msgf(msg, len, "event loop: %s", strerror(-err));
	return err;
}

/* Releases what worker_setup() acquired, in reverse. */
static void worker_free(struct worker *w)
{
	while (w->open)
		conn_close(w, w->open);
	if (w->sl)
		libsteer_listener__close(w->sl);
	else if (w->lfd >= 0)
		close(w->lfd);
	if (w->epfd >= 0)
		close(w->epfd);
	if (w->sigfd >= 0)
		close(w->sigfd);
	free(w->free_idx);
	free(w->conns);
}

static void worker_report(int fd, int err, const char *msg)
{
	struct worker_report r = { .err = err };

	snprintf(r.msg, sizeof(r.msg), "%s", msg);
	/* Smaller than PIPE_BUF: one atomic write. */
	if (write(fd, &r, sizeof(r)) != sizeof(r))
		log_event("cannot report to the master: %s", strerror(errno));
	close(fd);
}

/* The worker process: never returns into the master's code. */
static int worker_main(const struct config *cfg, int cpu, unsigned int gen,
		       bool standby, int report_fd, pid_t master)
{
	struct worker w = {
		.cfg = cfg,
		.cpu = cpu,
		.gen = gen,
		.standby = standby && !cfg->no_steer,
		.epfd = -1,
		.sigfd = -1,
		.lfd = -1,
	};
	char msg[MSG_MAX] = "";
	int err;

	w.pid = log_pid = getpid();
	log_cpu = cpu;
	signal(SIGHUP, SIG_IGN); /* a terminal's hangup is the master's */
	/* Orphaned workers drain and exit rather than serve on unsupervised. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	log_event("started, gen %u%s", gen, w.standby ? ", standby" : "");
	err = worker_setup(&w, msg, sizeof(msg));
	worker_report(report_fd, err, msg);
	if (err) {
		worker_free(&w);
		return 1;
	}
	if (getppid() != master)
		worker_stop(&w, "the master is gone");
	w.now = now_ms();
	w.next_tick = w.now + TICK_MS;
	err = worker_loop(&w);
	if (err)
		log_event("event loop: %s", strerror(-err));
	log_event("exited: %llu request(s) on %llu connection(s), %llu "
		  "refused at the cap",
		  w.requests, w.accepted, w.refused);
	worker_free(&w);
	return err ? 1 : 0;
}

/* ---- the master: forks, supervises, rolls ----------------------------- */

struct wproc {
	pid_t pid; /* 0: none */
	int report_fd; /* until the worker reports */
	unsigned int gen;
	bool initial; /* of the first start: a failure is not retried */
	bool ready; /* its listener is registered */
	bool stopping; /* the master asked it to leave */
	bool killed; /* SIGKILLed at a bound */
	uint64_t started_ms, ready_ms;
};

struct slot {
	int cpu;
	unsigned int gen; /* its workers' generation */
	struct wproc cur; /* the slot's worker */
	struct wproc next; /* its successor during a roll */
	uint64_t restart_at; /* 0: none pending */
	unsigned int failures; /* restarts since it last served a while */
	char fail_msg[MSG_MAX]; /* why the first start failed */
};

enum roll_phase {
	ROLL_WAIT, /* the slot's worker is still starting */
	ROLL_START, /* the next generation is registering as standby */
	ROLL_STOP, /* the old worker is draining */
};

struct master {
	const struct config *cfg;
	int epfd, sigfd;
	struct slot *slots;
	int nslots;
	int initial_pending, initial_ok;
	bool stopping;
	bool failed; /* a CPU was left without a worker */
	bool forced; /* workers were killed at the stop bound */
	uint64_t now, stop_deadline;
	struct {
		bool on;
		int idx, done;
		unsigned int gen;
		bool cur_died; /* the old worker of the step died on its own */
		enum roll_phase phase;
		uint64_t deadline, began;
	} roll;
};

#define TOK_MASTER_SIGNALS UINT64_MAX
#define TOK_REPORT(idx, is_next) (((uint64_t)(idx) << 1) | (is_next))

static void master_forget(struct master *m)
{
	int i;

	if (m->epfd >= 0)
		close(m->epfd);
	if (m->sigfd >= 0)
		close(m->sigfd);
	for (i = 0; i < m->nslots; i++) {
		if (m->slots[i].cur.report_fd >= 0)
			close(m->slots[i].cur.report_fd);
		if (m->slots[i].next.report_fd >= 0)
			close(m->slots[i].next.report_fd);
	}
}

static int master_spawn(struct master *m, struct slot *s, struct wproc *w,
			unsigned int gen, bool standby, bool initial)
{
	pid_t master = getpid();
	int p[2], idx = s - m->slots;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (pid == 0) {
		close(p[0]);
		master_forget(m);
		exit(worker_main(m->cfg, s->cpu, gen, standby, p[1], master));
	}
	close(p[1]);
	*w = (struct wproc){ .pid = pid,
			     .report_fd = p[0],
			     .gen = gen,
			     .initial = initial,
			     .started_ms = m->now };
	if (ep_ctl(m->epfd, EPOLL_CTL_ADD, p[0], EPOLLIN,
		   TOK_REPORT(idx, w == &s->next))) {
		close(p[0]);
		w->report_fd = -1;
	}
	return 0;
}

static void master_kill(struct wproc *w, int sig)
{
	if (!w->pid)
		return;
	if (sig == SIGKILL)
		w->killed = true;
	else
		w->stopping = true;
	kill(w->pid, sig);
}

static void schedule_restart(struct master *m, struct slot *s, pid_t pid,
			     const char *what)
{
	unsigned int shift = s->failures, delay = RESTART_BACKOFF_MS;

	if (!m->cfg->supervise) {
		log_event(
			"cpu %d: worker %d %s; not restarted (--no-supervise)",
			s->cpu, (int)pid, what);
		m->failed = true;
		return;
	}
	if (s->failures >= RESTART_TRIES_MAX) {
		log_event("cpu %d: worker %d %s; giving up after %d restarts",
			  s->cpu, (int)pid, what, RESTART_TRIES_MAX);
		m->failed = true;
		return;
	}
	while (shift-- && delay < RESTART_BACKOFF_MAX_MS)
		delay *= 2;
	if (delay > RESTART_BACKOFF_MAX_MS)
		delay = RESTART_BACKOFF_MAX_MS;
	s->failures++;
	s->restart_at = m->now + delay;
	log_event("cpu %d: worker %d %s; restarting in %u ms", s->cpu, (int)pid,
		  what, delay);
}

static void roll_advance(struct master *m);

static void roll_end(struct master *m, const char *how)
{
	log_event("roll %s: gen %u, %llu ms", how, m->roll.gen,
		  (unsigned long long)(m->now - m->roll.began));
	m->roll.on = false;
}

static void roll_abort(struct master *m, struct slot *s, const char *why)
{
	log_event("roll aborted at cpu %d: %s; %d slot(s) before it run gen "
		  "%u",
		  s->cpu, why, m->roll.done, m->roll.gen);
	m->roll.on = false;
	if (s->next.pid)
		master_kill(&s->next, SIGKILL);
	if (m->roll.cur_died && !s->cur.pid && !s->restart_at)
		schedule_restart(m, s, 0, "left during the roll");
}

static void roll_start_next(struct master *m, struct slot *s)
{
	int err;

	m->roll.phase = ROLL_START;
	m->roll.cur_died = false;
	err = master_spawn(m, s, &s->next, m->roll.gen, true, false);
	if (err) {
		log_event("cpu %d: cannot fork: %s", s->cpu, strerror(-err));
		roll_abort(m, s, "no new worker");
		return;
	}
	log_event("roll: cpu %d: starting gen %u as standby (worker %d)",
		  s->cpu, m->roll.gen, (int)s->next.pid);
}

/* The next generation is registered: hand the slot over. */
static void roll_stop_old(struct master *m, struct slot *s)
{
	if (!s->cur.pid) {
		log_event("roll: cpu %d: gen %u ready (worker %d) in an empty "
			  "slot",
			  s->cpu, m->roll.gen, (int)s->next.pid);
		s->cur = s->next;
		s->next = (struct wproc){ .report_fd = -1 };
		s->gen = m->roll.gen;
		kill(s->cur.pid, SIGUSR2);
		m->roll.done++;
		roll_advance(m);
		return;
	}
	m->roll.phase = ROLL_STOP;
	m->roll.deadline = m->now + STOP_TIMEOUT_MS;
	master_kill(&s->cur, SIGTERM);
	log_event("roll: cpu %d: gen %u ready (worker %d); draining worker %d",
		  s->cpu, m->roll.gen, (int)s->next.pid, (int)s->cur.pid);
}

static void roll_advance(struct master *m)
{
	struct slot *s;

	while (++m->roll.idx < m->nslots) {
		s = &m->slots[m->roll.idx];
		if (s->restart_at) {
			/* Its pending restart comes up in the new gen. */
			s->gen = m->roll.gen;
			continue;
		}
		if (s->cur.pid && !s->cur.ready) {
			m->roll.phase = ROLL_WAIT;
			return;
		}
		/* An empty slot (drained, given up) gets a worker again. */
		s->failures = 0;
		roll_start_next(m, s);
		return;
	}
	roll_end(m, "end");
}

static void roll_begin(struct master *m)
{
	unsigned int gen = 0;
	int i;

	if (m->stopping) {
		log_event("SIGHUP while stopping: no roll");
		return;
	}
	if (m->roll.on) {
		log_event("SIGHUP: a roll is under way (cpu %d); ignored",
			  m->slots[m->roll.idx].cpu);
		return;
	}
	for (i = 0; i < m->nslots; i++)
		if (m->slots[i].gen > gen)
			gen = m->slots[i].gen;
	m->roll.on = true;
	m->roll.gen = gen + 1;
	m->roll.idx = -1;
	m->roll.done = 0;
	m->roll.began = m->now;
	log_event("roll begin: gen %u, %d slot(s), one at a time", gen + 1,
		  m->nslots);
	roll_advance(m);
}

static void master_stop(struct master *m, int sig)
{
	int i, n = 0;

	if (m->stopping) {
		log_event("%s: already stopping", sig_name(sig));
		return;
	}
	m->stopping = true;
	if (m->roll.on)
		roll_end(m, "interrupted");
	for (i = 0; i < m->nslots; i++) {
		m->slots[i].restart_at = 0;
		if (m->slots[i].cur.pid)
			n++;
		if (m->slots[i].next.pid)
			n++;
		master_kill(&m->slots[i].cur, SIGTERM);
		master_kill(&m->slots[i].next, SIGTERM);
	}
	m->stop_deadline = m->now + STOP_TIMEOUT_MS;
	log_event("%s: stopping; %d worker(s) draining", sig_name(sig), n);
}

/* Failures of the first start, one line per distinct cause. */
static void master_initial_done(struct master *m)
{
	char cpus[MSG_MAX];
	cpu_set_t set;
	int i, j;

	for (i = 0; i < m->nslots; i++) {
		if (!m->slots[i].fail_msg[0])
			continue;
		CPU_ZERO(&set);
		for (j = i; j < m->nslots; j++) {
			if (strcmp(m->slots[j].fail_msg, m->slots[i].fail_msg))
				continue;
			CPU_SET(m->slots[j].cpu, &set);
			if (j > i)
				m->slots[j].fail_msg[0] = '\0';
		}
		cpus_format(&set, cpus, sizeof(cpus));
		log_event("%s %s: %s", CPU_COUNT(&set) > 1 ? "cpus" : "cpu",
			  cpus, m->slots[i].fail_msg);
		m->slots[i].fail_msg[0] = '\0';
	}
	if (!m->initial_ok)
		log_event("no worker could start");
}

static void master_reported(struct master *m, struct slot *s, struct wproc *w,
			    const struct worker_report *r)
{
	epoll_ctl(m->epfd, EPOLL_CTL_DEL, w->report_fd, NULL);
	close(w->report_fd);
	w->report_fd = -1;
	if (r && !r->err) {
		w->ready = true;
		w->ready_ms = m->now;
	} else if (w->initial) {
		snprintf(s->fail_msg, sizeof(s->fail_msg), "%s",
			 r ? r->msg : "worker died while starting");
	} else if (r && r->msg[0]) {
		log_event("cpu %d: worker %d: %s", s->cpu, (int)w->pid, r->msg);
	}
	if (w->initial) {
		m->initial_ok += w->ready;
		if (!--m->initial_pending)
			master_initial_done(m);
	}
	if (!w->ready || !m->roll.on || &m->slots[m->roll.idx] != s)
		return;
	if (w == &s->next && m->roll.phase == ROLL_START)
		roll_stop_old(m, s);
	else if (w == &s->cur && m->roll.phase == ROLL_WAIT)
		roll_start_next(m, s);
}

static void master_on_report(struct master *m, uint64_t tok)
{
	struct slot *s = &m->slots[tok >> 1];
	struct wproc *w = tok & 1 ? &s->next : &s->cur;
	struct worker_report r;
	ssize_t n;

	if (w->report_fd < 0)
		return;
	n = read(w->report_fd, &r, sizeof(r));
	if (n < 0 && errno == EAGAIN)
		return;
	r.msg[sizeof(r.msg) - 1] = '\0';
	master_reported(m, s, w, n == sizeof(r) ? &r : NULL);
}

static void describe_status(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(buf, len, "was killed by %s",
			 sig_name(WTERMSIG(status)));
	else
		snprintf(buf, len, "exited with status %d",
			 WEXITSTATUS(status));
}

static void master_reaped(struct master *m, pid_t pid, int status)
{
	struct slot *s = NULL;
	struct wproc *w = NULL, old;
	bool in_roll, was_next;
	char what[MSG_MAX];
	int i;

	for (i = 0; i < m->nslots && !w; i++) {
		s = &m->slots[i];
		w = s->cur.pid == pid  ? &s->cur :
		    s->next.pid == pid ? &s->next :
					 NULL;
	}
	if (!w)
		return;
	if (w->report_fd >= 0)
		master_reported(m, s, w, NULL);
	old = *w;
	was_next = w == &s->next;
	*w = (struct wproc){ .report_fd = -1 };
	describe_status(status, what, sizeof(what));
	if (!was_next && s->next.pid && s->next.ready)
		kill(s->next.pid, SIGUSR2); /* it is the slot's active now */
	if (m->stopping) {
		if (status)
			log_event("cpu %d: worker %d %s", s->cpu, (int)pid,
				  what);
		return;
	}
	in_roll = m->roll.on && &m->slots[m->roll.idx] == s;
	if (in_roll && was_next && m->roll.phase == ROLL_START) {
		log_event("cpu %d: new worker %d %s", s->cpu, (int)pid, what);
		roll_abort(m, s, "the new generation did not start");
		return;
	}
	if (in_roll && !was_next && m->roll.phase == ROLL_STOP) {
		if (status)
			log_event("cpu %d: old worker %d %s", s->cpu, (int)pid,
				  what);
		s->cur = s->next;
		s->next = (struct wproc){ .report_fd = -1 };
		s->gen = m->roll.gen;
		m->roll.done++;
		if (!s->cur.pid)
			schedule_restart(m, s, pid,
					 "left, and its successor had died");
		roll_advance(m);
		return;
	}
	if (in_roll && was_next && m->roll.phase == ROLL_STOP) {
		/* The slot restarts once the old worker has left. */
		log_event("cpu %d: new worker %d %s", s->cpu, (int)pid, what);
		return;
	}
	if (in_roll && !was_next && m->roll.phase == ROLL_START) {
		/* Its successor is registering: it takes the slot. */
		m->roll.cur_died = true;
		log_event("cpu %d: worker %d %s; its successor takes over",
			  s->cpu, (int)pid, what);
		return;
	}
	if (was_next) {
		/* A successor killed when its roll gave up: the slot is fine. */
		if (status)
			log_event("cpu %d: new worker %d %s", s->cpu, (int)pid,
				  what);
		return;
	}
	if (in_roll && m->roll.phase == ROLL_WAIT)
		s->gen = m->roll.gen; /* its restart is the roll's step */
	if (old.stopping && !old.killed) {
		if (status)
			log_event("cpu %d: worker %d %s", s->cpu, (int)pid,
				  what);
	} else if (!old.ready && old.initial) {
		m->failed = true; /* reported once the first start is done */
	} else if (old.ready && WIFEXITED(status) && !WEXITSTATUS(status)) {
		log_event("cpu %d: worker %d left after a drain it was not "
			  "asked for by this master; slot left empty",
			  s->cpu, (int)pid);
	} else {
		if (old.ready && m->now - old.ready_ms >= RESTART_STABLE_MS)
			s->failures = 0;
		schedule_restart(m, s, pid, what);
	}
	if (in_roll && m->roll.phase == ROLL_WAIT)
		roll_advance(m);
}

static void master_on_signals(struct master *m)
{
	struct signalfd_siginfo si;
	int status, i, k;
	pid_t pid;

	for (k = 0;
	     k < SIGNALS_MAX && read(m->sigfd, &si, sizeof(si)) == sizeof(si);
	     k++) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			/* Signals coalesce: reap every child that is done. */
			for (i = 0; i <= 2 * m->nslots; i++) {
				pid = waitpid(-1, &status, WNOHANG);
				if (pid <= 0)
					break;
				master_reaped(m, pid, status);
			}
			break;
		case SIGHUP:
			roll_begin(m);
			break;
		default:
			master_stop(m, si.ssi_signo);
			break;
		}
	}
}

static void deadline_min(uint64_t *d, uint64_t t)
{
	if (t && t < *d)
		*d = t;
}

static void master_check_start(struct master *m, struct slot *s,
			       struct wproc *w)
{
	if (w->pid && !w->ready && !w->killed &&
	    m->now >= w->started_ms + START_TIMEOUT_MS) {
		log_event("cpu %d: worker %d did not register within %d ms; "
			  "killing it",
			  s->cpu, (int)w->pid, START_TIMEOUT_MS);
		master_kill(w, SIGKILL);
	}
}

/* Restarts due, and the bounds on starting and stopping workers. */
static int master_timers(struct master *m)
{
	uint64_t next = UINT64_MAX;
	struct slot *s;
	int i, err;

	for (i = 0; i < m->nslots; i++) {
		s = &m->slots[i];
		master_check_start(m, s, &s->cur);
		master_check_start(m, s, &s->next);
		if (s->restart_at && m->now >= s->restart_at && !s->cur.pid) {
			s->restart_at = 0;
			err = master_spawn(m, s, &s->cur, s->gen, false, false);
			if (err)
				schedule_restart(m, s, 0,
						 "could not be forked");
			else
				log_event(
					"cpu %d: restarted: worker %d, gen %u",
					s->cpu, (int)s->cur.pid, s->gen);
		}
		if (!s->cur.pid)
			deadline_min(&next, s->restart_at);
		if (s->cur.pid && !s->cur.ready && !s->cur.killed)
			deadline_min(&next,
				     s->cur.started_ms + START_TIMEOUT_MS);
		if (s->next.pid && !s->next.ready && !s->next.killed)
			deadline_min(&next,
				     s->next.started_ms + START_TIMEOUT_MS);
	}
	if (m->roll.on && m->roll.phase == ROLL_STOP) {
		s = &m->slots[m->roll.idx];
		if (m->now >= m->roll.deadline && !s->cur.killed) {
			log_event("roll: cpu %d: worker %d still there after "
				  "%d ms; killing it",
				  s->cpu, (int)s->cur.pid, STOP_TIMEOUT_MS);
			master_kill(&s->cur, SIGKILL);
		}
		if (!s->cur.killed)
			deadline_min(&next, m->roll.deadline);
	}
	if (m->stopping && m->stop_deadline) {
		if (m->now >= m->stop_deadline) {
			log_event("workers still there after %d ms: killing "
				  "them",
				  STOP_TIMEOUT_MS);
			for (i = 0; i < m->nslots; i++) {
				master_kill(&m->slots[i].cur, SIGKILL);
				master_kill(&m->slots[i].next, SIGKILL);
			}
			m->forced = true;
			m->stop_deadline = 0;
		}
		deadline_min(&next, m->stop_deadline);
	}
	if (next == UINT64_MAX)
		return -1;
	return next > m->now ? next - m->now : 0;
}

static bool master_idle(const struct master *m)
{
	int i;

	for (i = 0; i < m->nslots; i++)
		if (m->slots[i].cur.pid || m->slots[i].next.pid ||
		    m->slots[i].restart_at)
			return false;
	return true;
}

static int master_setup(struct master *m)
{
	sigset_t mask;

	/* Workers inherit the mask: SIGUSR2 stays blocked for their signalfd. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGUSR2);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sigdelset(&mask, SIGUSR2);
	signal(SIGPIPE, SIG_IGN);
	m->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	m->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (m->sigfd < 0 || m->epfd < 0 ||
	    ep_ctl(m->epfd, EPOLL_CTL_ADD, m->sigfd, EPOLLIN,
		   TOK_MASTER_SIGNALS))
		return -errno;
	return 0;
}

static int master_run(const struct config *cfg)
{
	struct master m = { .cfg = cfg, .epfd = -1, .sigfd = -1 };
	struct epoll_event evs[EPOLL_BATCH];
	char cpus[MSG_MAX];
	int i, n, cpu, err, timeout, rc = 1;

	m.nslots = CPU_COUNT(&cfg->cpus);
	m.slots = calloc(m.nslots, sizeof(*m.slots));
	if (!m.slots)
		return 1;
	/* All of them first: a forked worker closes every report fd. */
	for (cpu = 0, i = 0; cpu < CPU_SETSIZE && i < m.nslots; cpu++) {
		if (!CPU_ISSET(cpu, &cfg->cpus))
			continue;
		m.slots[i] = (struct slot){ .cpu = cpu, .gen = cfg->gen };
		m.slots[i].cur.report_fd = m.slots[i].next.report_fd = -1;
		i++;
	}
	err = master_setup(&m);
	if (err) {
		log_event("cannot set up: %s", strerror(-err));
		goto out;
	}
	cpus_format(&cfg->cpus, cpus, sizeof(cpus));
	log_event("starting %d worker(s) on CPUs %s, gen %u, %s", m.nslots,
		  cpus, cfg->gen,
		  cfg->no_steer ? "no steer" : "steered by steerd");
	m.now = now_ms();
	for (i = 0; i < m.nslots; i++) {
		err = master_spawn(&m, &m.slots[i], &m.slots[i].cur, cfg->gen,
				   cfg->standby, true);
		if (err) {
			snprintf(m.slots[i].fail_msg, MSG_MAX,
				 "cannot fork: %s", strerror(-err));
			m.failed = true;
		} else {
			m.initial_pending++;
		}
	}
	if (!m.initial_pending)
		master_initial_done(&m);

	while (!master_idle(&m)) {
		m.now = now_ms();
		timeout = master_timers(&m);
		n = epoll_wait(m.epfd, evs, EPOLL_BATCH, timeout);
		if (n < 0 && errno != EINTR) {
			/* The workers follow through their parent-death signal. */
			log_event("event loop: %s", strerror(errno));
			goto out;
		}
		m.now = now_ms();
		for (i = 0; i < n; i++) {
			if (evs[i].data.u64 == TOK_MASTER_SIGNALS)
				master_on_signals(&m);
			else
				master_on_report(&m, evs[i].data.u64);
		}
	}
	if (m.initial_ok)
		log_event("exiting: every worker is gone");
	/* Stopped as asked, or left by drains: success. */
	rc = !m.initial_ok || m.forced || (!m.stopping && m.failed);
out:
	master_forget(&m);
	free(m.slots);
	return rc;
}

/* ---- options ---------------------------------------------------------- */

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: steer_http [OPTIONS]\n"
		"A per-CPU HTTP/1.1 server: one worker process per CPU, each "
		"pinned, each with\nits own listener; with steer (the "
		"default) steerd registers the listeners and\nkeeps every "
		"connection on the CPU that received it.\n\n"
		"  --group NAME       steerd's listener group (default %s)\n"
		"  --socket PATH      steerd's control socket (default: this "
		"namespace's)\n"
		"                     (both ignored with --no-steer)\n"
		"  --standby          register as the standby of each slot "
		"(take over from\n"
		"                     another server's workers)\n"
		"  --no-steer         plain SO_REUSEPORT listeners, no "
		"steerd (the baseline)\n"
		"  --addr ADDR        listen address with --no-steer (default "
		"%s);\n"
		"                     with steer, checked against the "
		"group's\n"
		"  --port PORT        port with --no-steer (default %d); "
		"with steer, checked\n"
		"  --incoming-cpu     with --no-steer: SO_INCOMING_CPU = the "
		"worker's CPU\n"
		"  --cpus LIST        worker CPUs, e.g. 0-3,6 (default: all "
		"online)\n"
		"  --gen N            generation of the first workers "
		"(default %d)\n"
		"  --supervise        restart workers that die (default)\n"
		"  --no-supervise     do not\n"
		"  -v, --verbose      libsteer's informational messages too\n"
		"  -h, --help         this help\n"
		"  -V, --version      version\n\n"
		"Signals to the master: SIGTERM/SIGINT drain every worker "
		"and exit; SIGHUP\nrolls to a new generation, one CPU at a "
		"time, without losing a connection.\n"
		"Responses: cpu=N incoming_cpu=N pid=N gen=N\n",
		DEFAULT_GROUP, DEFAULT_ADDR, DEFAULT_PORT, DEFAULT_GEN);
}

/* "0-3,6" into set; -EINVAL on anything else. */
static int cpus_parse(const char *s, cpu_set_t *set)
{
	unsigned long a, b;
	char *end;

	CPU_ZERO(set);
	do {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		a = b = strtoul(s, &end, 10);
		if (*end == '-') {
			s = end + 1;
			if (*s < '0' || *s > '9')
				return -EINVAL;
			b = strtoul(s, &end, 10);
		}
		if (a > b || b >= CPU_SETSIZE)
			return -EINVAL;
		for (; a <= b; a++)
			CPU_SET(a, set);
		s = end;
	} while (*s == ',' && *++s);
	return *s && *s != '\n' ? -EINVAL : 0;
}

static int cpus_online(cpu_set_t *set)
{
	char buf[MSG_MAX * 4];
	FILE *f = fopen(ONLINE_CPUS, "r");
	int err = -EIO;

	if (!f)
		return -errno;
	if (fgets(buf, sizeof(buf), f))
		err = cpus_parse(buf, set);
	fclose(f);
	return err;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || *end || *out > max ? -EINVAL : 0;
}

enum {
	OPT_ADDR = 256,
	OPT_PORT,
	OPT_CPUS,
	OPT_GROUP,
	OPT_SOCKET,
	OPT_STANDBY,
	OPT_NO_STEER,
	OPT_INCOMING_CPU,
	OPT_GEN,
	OPT_SUPERVISE,
	OPT_NO_SUPERVISE,
};

/* 0 to run, -1 when done (help, version), or an exit status. */
static int parse_args(int argc, char **argv, struct config *cfg)
{
	static const struct option opts[] = {
		{ "addr", required_argument, NULL, OPT_ADDR },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "standby", no_argument, NULL, OPT_STANDBY },
		{ "no-steer", no_argument, NULL, OPT_NO_STEER },
		{ "incoming-cpu", no_argument, NULL, OPT_INCOMING_CPU },
		{ "gen", required_argument, NULL, OPT_GEN },
		{ "supervise", no_argument, NULL, OPT_SUPERVISE },
		{ "no-supervise", no_argument, NULL, OPT_NO_SUPERVISE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{},
	};
	bool cpus_set = false;
	struct sockaddr_storage ss;
	cpu_set_t online, extra;
	unsigned long v;
	socklen_t len;
	char list[MSG_MAX];
	int opt, err;

	*cfg = (struct config){ .addr = DEFAULT_ADDR,
				.port = DEFAULT_PORT,
				.group = DEFAULT_GROUP,
				.gen = DEFAULT_GEN,
				.supervise = true };
	while ((opt = getopt_long(argc, argv, "vhV", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_ADDR:
			if (parse_addr(optarg, 0, &ss, &len)) {
				fprintf(stderr,
					"steer_http: --addr %s: not an IPv4 "
					"or IPv6 address\n",
					optarg);
				return EXIT_USAGE;
			}
			cfg->addr = optarg;
			cfg->addr_set = true;
			break;
		case OPT_PORT:
			if (parse_uint(optarg, PORT_MAX, &v) || !v) {
				fprintf(stderr,
					"steer_http: --port %s: 1 to %d\n",
					optarg, PORT_MAX);
				return EXIT_USAGE;
			}
			cfg->port = v;
			cfg->port_set = true;
			break;
		case OPT_CPUS:
			if (cpus_parse(optarg, &cfg->cpus) ||
			    !CPU_COUNT(&cfg->cpus)) {
				fprintf(stderr,
					"steer_http: --cpus %s: a list like "
					"0-3,6\n",
					optarg);
				return EXIT_USAGE;
			}
			cpus_set = true;
			break;
		case OPT_GROUP:
			cfg->group = optarg;
			break;
		case OPT_SOCKET:
			cfg->socket_path = optarg;
			break;
		case OPT_STANDBY:
			cfg->standby = true;
			break;
		case OPT_NO_STEER:
			cfg->no_steer = true;
			break;
		case OPT_INCOMING_CPU:
			cfg->incoming_cpu = true;
			break;
		case OPT_GEN:
			if (parse_uint(optarg, UINT_MAX / 2, &v)) {
				fprintf(stderr,
					"steer_http: --gen %s: a number\n",
					optarg);
				return EXIT_USAGE;
			}
			cfg->gen = v;
			break;
		case OPT_SUPERVISE:
			cfg->supervise = true;
			break;
		case OPT_NO_SUPERVISE:
			cfg->supervise = false;
			break;
		case 'v':
			cfg->verbose = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		case 'V':
			printf("steer_http %s (libsteer %d.%d)\n",
			       STEER_HTTP_VERSION, LIBSTEER_MAJOR_VERSION,
			       LIBSTEER_MINOR_VERSION);
			return -1;
		default:
			fprintf(stderr, "see steer_http --help\n");
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr,
			"steer_http: unexpected argument '%s'; see steer_http "
			"--help\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	if (cfg->incoming_cpu && !cfg->no_steer) {
		fprintf(stderr,
			"steer_http: --incoming-cpu goes with "
			"--no-steer (steer does the matching itself)\n");
		return EXIT_USAGE;
	}
	/* --group and --socket may stay: one command line, two modes. */
	if (cfg->no_steer && cfg->standby) {
		fprintf(stderr, "steer_http: --standby needs steerd; drop it "
				"or --no-steer\n");
		return EXIT_USAGE;
	}
	err = cpus_online(&online);
	if (err) {
		fprintf(stderr, "steer_http: reading %s: %s\n", ONLINE_CPUS,
			strerror(-err));
		return 1;
	}
	if (!cpus_set)
		cfg->cpus = online;
	CPU_XOR(&extra, &cfg->cpus, &online);
	CPU_AND(&extra, &extra, &cfg->cpus);
	if (CPU_COUNT(&extra)) {
		cpus_format(&extra, list, sizeof(list));
		fprintf(stderr, "steer_http: --cpus: %s not online\n", list);
		return EXIT_USAGE;
	}
	lib_verbose = cfg->verbose;
	return 0;
}

int main(int argc, char **argv)
{
	struct config cfg;
	int rc;

	log_pid = getpid();
	rc = parse_args(argc, argv, &cfg);
	if (rc)
		return rc < 0 ? 0 : rc;
	libsteer_set_print(lib_print);
	return master_run(&cfg);
}
