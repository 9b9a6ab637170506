// SPDX-License-Identifier: GPL-2.0-only
/*
 * The connection state machine of one thread: non-blocking connect, send,
 * read and check, keep-alive, the wait for the server's FIN, deadlines.
 * With --udp a connection is a connected UDP socket: one datagram out,
 * its answer in, then closed (no FIN to wait for).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "lib/clock.h"
#include "conn.h"
#include "rss.h"
#include "thread.h"

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))

static const char request_keepalive[] = "GET / HTTP/1.1\r\nHost: steer\r\n\r\n";
static const char request_close[] =
	"GET / HTTP/1.1\r\nHost: steer\r\nConnection: close\r\n\r\n";
static const char request_datagram[] = "loadgen";

static bool list_empty(const struct list_node *head)
{
	return head->next == head;
}

static void list_del_init(struct list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	list_init(n);
}

static void list_add_tail(struct list_node *n, struct list_node *head)
{
	n->prev = head->prev;
	n->next = head;
	head->prev->next = n;
	head->prev = n;
}

static void timer_arm(struct timer_list *tl, struct conn *c, uint64_t now)
{
	c->deadline_ns = now + tl->interval_ns;
	list_del_init(&c->timer);
	list_add_tail(&c->timer, &tl->head);
}

struct conn *timer_first(struct timer_list *tl)
{
	if (list_empty(&tl->head))
		return NULL;
	return container_of(tl->head.next, struct conn, timer);
}

static enum outcome outcome_of_errno(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return OUTCOME_REFUSED;
	case ECONNRESET:
	case EPIPE:
		return OUTCOME_RESET;
	case ETIMEDOUT:
		return OUTCOME_TIMEOUT;
	default:
		return OUTCOME_ERROR;
	}
}

static void conn_free(struct lg_thread *t, struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->sport)
		port_ring_put(&t->ports, c->sport);
	c->sport = 0;
	list_del_init(&c->timer);
	c->state = CONN_FREE;
	t->free_list[t->nfree++] = (unsigned int)(c - t->conns);
}

static int conn_set_events(struct lg_thread *t, struct conn *c, uint32_t ev)
{
	struct epoll_event e = { .events = ev, .data.ptr = c };

	if (c->epoll_events == ev)
		return 0;
	if (epoll_ctl(t->epfd, c->epoll_events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD,
		      c->fd, &e))
		return -errno;
	c->epoll_events = ev;
	return 0;
}

static void conn_close_wait(struct lg_thread *t, struct conn *c, uint64_t now);

/* Counts the connection's outcome; the only place one is counted. */
static void conn_finish(struct lg_thread *t, struct conn *c, enum outcome o,
			int err, uint64_t now)
{
	t->stats.outcomes[o]++;
	if (o == OUTCOME_ERROR)
		t->stats.last_error = err;
	if (o != OUTCOME_OK) {
		conn_free(t, c);
		return;
	}
	stats_record_ok(&t->stats, &c->reply,
			(now - c->start_ns) / NSEC_PER_USEC);
	if (t->cfg->udp)
		conn_free(t, c);
	else
		conn_close_wait(t, c, now);
}

static void conn_fail_errno(struct lg_thread *t, struct conn *c, int err,
			    uint64_t now)
{
	conn_finish(t, c, outcome_of_errno(err), err, now);
}

static void conn_read_eof(struct lg_thread *t, struct conn *c)
{
	char scratch[RESPONSE_MAX];
	ssize_t n;

	n = recv(c->fd, scratch, sizeof(scratch), 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	/* EOF, an error, or more bytes than a finished response has. */
	conn_free(t, c);
}

/*
 * The side that closes first keeps the TIME_WAIT, and a client holding
 * them runs out of ports within seconds: let the server close first.
 */
static void conn_close_wait(struct lg_thread *t, struct conn *c, uint64_t now)
{
	c->state = CONN_CLOSING;
	if (conn_set_events(t, c, EPOLLIN)) {
		conn_free(t, c);
		return;
	}
	timer_arm(&t->closing, c, now);
	/* The FIN usually came with the response. */
	conn_read_eof(t, c);
}

static void conn_send(struct lg_thread *t, struct conn *c, uint64_t now)
{
	const char *req = request_keepalive;
	size_t len = sizeof(request_keepalive) - 1;
	ssize_t n;
	int err;

	if (t->cfg->udp) {
		req = request_datagram;
		len = sizeof(request_datagram) - 1;
	} else if (c->requests_left == 1) {
		req = request_close;
		len = sizeof(request_close) - 1;
	}
	n = send(c->fd, req + c->sent, len - c->sent, MSG_NOSIGNAL);
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		conn_fail_errno(t, c, errno, now);
		return;
	}
	if (n > 0)
		c->sent += (size_t)n;
	if (c->sent < len) {
		c->state = CONN_SENDING;
		err = conn_set_events(t, c, EPOLLOUT);
	} else {
		c->state = CONN_READING;
		c->rlen = 0;
		err = conn_set_events(t, c, EPOLLIN);
	}
	if (err)
		conn_fail_errno(t, c, -err, now);
}

static void conn_response_done(struct lg_thread *t, struct conn *c,
			       const struct reply *r, uint64_t now)
{
	if (!c->have_reply) {
		c->reply = *r;
		c->have_reply = true;
	}
	c->requests_left--;
	/* A server may decline keep-alive: what it answered is still ok. */
	if (!c->requests_left || r->close) {
		conn_finish(t, c, OUTCOME_OK, 0, now);
		return;
	}
	c->sent = 0;
	timer_arm(&t->active, c, now);
	conn_send(t, c, now);
}

/*
 * udp_echo's answer. The kernel keeps no incoming CPU for its unconnected
 * sockets (it says -1): the CPU that sent the datagram stands in, which is
 * where it is processed on veth and loopback, and with --rss.
 */
static void conn_read_datagram(struct lg_thread *t, struct conn *c,
			       uint64_t now)
{
	struct reply r;
	ssize_t n;

	n = recv(c->fd, c->rbuf, sizeof(c->rbuf), 0);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			conn_fail_errno(t, c, errno, now);
		return;
	}
	if (reply_parse_datagram(c->rbuf, (size_t)n, request_datagram,
				 sizeof(request_datagram) - 1,
				 &r) != REPLY_DONE) {
		conn_finish(t, c, OUTCOME_BAD_PAYLOAD, 0, now);
		return;
	}
	r.incoming_cpu = t->cpu;
	conn_response_done(t, c, &r, now);
}

static void conn_read(struct lg_thread *t, struct conn *c, uint64_t now)
{
	struct reply r;
	ssize_t n;

	/* Bounded: every turn fills the buffer or returns. */
	for (;;) {
		n = recv(c->fd, c->rbuf + c->rlen, sizeof(c->rbuf) - c->rlen,
			 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				conn_fail_errno(t, c, errno, now);
			return;
		}
		if (!n) {
			conn_finish(t, c, OUTCOME_SHORT_READ, 0, now);
			return;
		}
		c->rlen += (size_t)n;
		switch (reply_parse(c->rbuf, c->rlen, &r)) {
		case REPLY_MORE:
			break;
		case REPLY_BAD:
			conn_finish(t, c, OUTCOME_BAD_PAYLOAD, 0, now);
			return;
		case REPLY_DONE:
			conn_response_done(t, c, &r, now);
			return;
		}
	}
}

static void conn_connected(struct lg_thread *t, struct conn *c, uint32_t ev,
			   uint64_t now)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (ev & (EPOLLERR | EPOLLHUP)) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) || !err)
			err = ECONNRESET;
		conn_fail_errno(t, c, err, now);
		return;
	}
	/* From here the deadline is the response's. */
	timer_arm(&t->active, c, now);
	conn_send(t, c, now);
}

/* Binds the source: --rss's port for this CPU, or --bind's address. */
static int conn_bind(struct lg_thread *t, struct conn *c)
{
	const struct config *cfg = t->cfg;
	struct sockaddr_storage src;
	socklen_t len;
	int one = 1;

	if (cfg->rss) {
		/* Ports are this thread's alone and none is in flight twice. */
		c->sport = port_ring_take(&t->ports);
		len = rss_source(cfg, c->sport, &src);
		if (setsockopt(c->fd, SOL_SOCKET, SO_REUSEADDR, &one,
			       sizeof(one)) ||
		    bind(c->fd, (const struct sockaddr *)&src, len))
			return -errno;
		return 0;
	}
	if (!cfg->bind_len)
		return 0;
	/* The port is chosen at connect(), per destination. */
	if (setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
		       sizeof(one)) ||
	    bind(c->fd, (const struct sockaddr *)&cfg->bind, cfg->bind_len))
		return -errno;
	return 0;
}

void conn_start(struct lg_thread *t, uint64_t now)
{
	struct conn *c = &t->conns[t->free_list[--t->nfree]];
	const struct config *cfg = t->cfg;
	const struct sockaddr *dst = (const struct sockaddr *)&cfg->target;
	int err;

	/* Counted here, before anything can fail, and finished exactly once. */
	t->stats.attempted++;
	*c = (struct conn){ .fd = -1,
			    .state = CONN_CONNECTING,
			    .start_ns = now,
			    .requests_left = cfg->requests };
	list_init(&c->timer);

	c->fd = socket(dst->sa_family,
		       (cfg->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK |
			       SOCK_CLOEXEC,
		       0);
	if (c->fd < 0)
		goto fail;
	err = conn_bind(t, c);
	if (err) {
		conn_fail_errno(t, c, -err, now);
		return;
	}
	if (connect(c->fd, dst, cfg->target_len) && errno != EINPROGRESS)
		goto fail;
	/* Writable once connected, whether connect() finished or not. */
	err = conn_set_events(t, c, EPOLLOUT);
	if (err) {
		conn_fail_errno(t, c, -err, now);
		return;
	}
	timer_arm(&t->active, c, now);
	return;
fail:
	conn_fail_errno(t, c, errno, now);
}

void conn_event(struct lg_thread *t, struct conn *c, uint32_t ev, uint64_t now)
{
	/*
	 * Seen after its deadline (a busy turn): it timed out, as the timer
	 * would have said, so no ok connection is ever slower than allowed.
	 */
	if (c->state != CONN_FREE && c->state != CONN_CLOSING &&
	    now >= c->deadline_ns) {
		conn_finish(t, c, OUTCOME_TIMEOUT, 0, now);
		return;
	}
	switch (c->state) {
	case CONN_FREE: /* finished earlier in this batch */
		break;
	case CONN_CONNECTING:
		conn_connected(t, c, ev, now);
		break;
	case CONN_SENDING:
		conn_send(t, c, now);
		break;
	case CONN_READING:
		if (t->cfg->udp)
			conn_read_datagram(t, c, now);
		else
			conn_read(t, c, now);
		break;
	case CONN_CLOSING:
		conn_read_eof(t, c);
		break;
	}
}

void conns_expire(struct lg_thread *t, uint64_t now)
{
	struct conn *c;

	/* Each turn frees the first connection: bounded by their number. */
	while ((c = timer_first(&t->active)) && c->deadline_ns <= now)
		conn_finish(t, c, OUTCOME_TIMEOUT, 0, now);
	while ((c = timer_first(&t->closing)) && c->deadline_ns <= now)
		conn_free(t, c);
}

void conns_abort(struct lg_thread *t, enum outcome o, int err, uint64_t now)
{
	struct conn *c;

	while ((c = timer_first(&t->active)))
		conn_finish(t, c, o, err, now);
	while ((c = timer_first(&t->closing)))
		conn_free(t, c);
}
