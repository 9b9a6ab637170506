// SPDX-License-Identifier: GPL-2.0-only
/*
 * The keep-alive connection state machine: a head is parsed, its body
 * discarded, the response queued; pipelined requests are answered in
 * order while the output has room; a connection we end lingers until the
 * client closes, so our last response is not lost to a reset.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/http_request.h"

#include "conn.h"
#include "io.h"

/* The longest thing written at once: a response or 100 Continue. */
#define RESPONSE_MAX 256
/* Work done per wakeup, so one busy peer cannot starve the others. */
#define READ_ROUNDS 16
#define PIPELINE_MAX 32
/* After our last response, what the client still sends is read this long. */
#define LINGER_MS 1000

void conn_close(struct worker *w, struct conn *c)
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

void conn_open(struct worker *w, int fd)
{
	struct conn *c;
	uint32_t idx;
	int one = 1;

	if (!w->nfree) {
		close(fd);
		w->refused++;
		if (w->now - w->refused_logged >= TICK_MS) {
			pr_warn("at the cap of %u connections: refusing "
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
void conn_linger(struct worker *w, struct conn *c)
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

void conn_serve(struct worker *w, struct conn *c, uint32_t events)
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

bool conn_idle(const struct conn *c)
{
	return c->answered && !c->lingering && !c->respond_pending &&
	       !c->body_left && c->in_len == c->in_off && !c->out_len;
}
