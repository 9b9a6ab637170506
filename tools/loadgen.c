// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadgen: a bounded connection-storm HTTP/1.1 client, one pinned thread per
 * CPU, that counts every connection's outcome, its latency and which server
 * CPU and worker took it (docs/loadgen.md).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL
#define MSEC_PER_SEC 1000ULL

/* Limits of the command line. */
#define CONCURRENCY_DEFAULT 64
/* Each connection holds a socket and a response buffer (RESPONSE_MAX). */
#define CONCURRENCY_MAX 16384
#define CONNECTIONS_MAX 1000000000000ULL
#define TIMEOUT_MS_DEFAULT 2000
#define TIMEOUT_MS_MAX 600000
#define DURATION_MS_MAX (24 * 3600 * MSEC_PER_SEC)
#define DURATION_DECIMALS 3 /* seconds are given to the millisecond */
#define RATE_MIN 0.001 /* keeps a thread's schedule within 64 bits of ns */
#define RATE_MAX 10000000.0
#define REQUESTS_MAX 1000
#define CPUS_MAX CPU_SETSIZE
#define PORT_MAX 65535

/*
 * The server's reply is about 120 bytes; a reply that does not fit in this
 * is not the server's and counts as bad_payload.
 */
#define RESPONSE_MAX 2048
/*
 * An ok connection waits this long (or --timeout, if shorter) for the
 * server's FIN before closing: the side that closes first keeps the
 * TIME_WAIT, and a client holding them runs out of ports within seconds.
 */
#define CLOSE_WAIT_MS_MAX 200
/* After a stall, --rate catches up with at most this much of its schedule. */
#define RATE_CATCHUP_NS (10 * NSEC_PER_MSEC)
/* Longest sleep in epoll, so a signal stops a run promptly. */
#define TICK_NS (50 * NSEC_PER_MSEC)
#define EVENTS_MAX 256
/* Starts per loop turn, so replies and deadlines are seen in between. */
#define START_BATCH_MAX 64
/*
 * After a local failure (no free port, no memory) a thread waits this long
 * before its next connect(): retrying at once only spins, and a connect()
 * that searched every port in vain is slow.
 */
#define ERROR_BACKOFF_NS (1 * NSEC_PER_MSEC)
/* Descriptors beyond the sockets: stdio, one epoll per thread, slack. */
#define FD_SLACK 64

/*
 * Latency histogram, log-linear: exact below 2^HIST_SUB_BITS microseconds,
 * then each power of two split in HIST_HALF linear buckets, so any
 * percentile is within 1/HIST_HALF (0.8%) of the truth at any scale, in a
 * fixed 58 KiB per thread.
 */
#define HIST_SUB_BITS 8
#define HIST_SUB (1U << HIST_SUB_BITS)
#define HIST_HALF (HIST_SUB / 2)
#define HIST_BUCKETS (HIST_SUB + (64 - HIST_SUB_BITS) * HIST_HALF)

/* Workers (cpu, pid, gen): an open-addressing table, filled to 3/4 at most. */
#define WORKERS_SLOTS 1024
#define WORKERS_TRACKED (WORKERS_SLOTS / 4 * 3)
#define HASH_GOLDEN 0x9e3779b1U /* 2^32 / golden ratio (Knuth) */

#define JSON_DEPTH_MAX 8

#define EXIT_USAGE 2

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))

static const char request_keepalive[] = "GET / HTTP/1.1\r\nHost: steer\r\n\r\n";
static const char request_close[] =
	"GET / HTTP/1.1\r\nHost: steer\r\nConnection: close\r\n\r\n";

/* Every attempted connection ends in exactly one of these. */
enum outcome {
	OUTCOME_OK,
	OUTCOME_REFUSED,
	OUTCOME_RESET,
	OUTCOME_TIMEOUT,
	OUTCOME_SHORT_READ,
	OUTCOME_BAD_PAYLOAD,
	OUTCOME_ERROR, /* a local failure: no port, no route, no memory */
	OUTCOME_COUNT,
};

static const char *const outcome_names[OUTCOME_COUNT] = {
	[OUTCOME_OK] = "ok",
	[OUTCOME_REFUSED] = "refused",
	[OUTCOME_RESET] = "reset",
	[OUTCOME_TIMEOUT] = "timeout",
	[OUTCOME_SHORT_READ] = "short_read",
	[OUTCOME_BAD_PAYLOAD] = "bad_payload",
	[OUTCOME_ERROR] = "error",
};

struct config {
	const char *target_text;
	struct sockaddr_storage target;
	socklen_t target_len;
	struct sockaddr_storage bind;
	socklen_t bind_len; /* 0: no --bind */
	uint64_t duration_ms; /* 0: not given */
	uint64_t connections; /* 0: not given */
	unsigned int concurrency; /* 0 until given or defaulted */
	double rate; /* 0: as fast as the concurrency allows */
	cpu_set_t cpus;
	unsigned int timeout_ms;
	unsigned int requests;
	bool json;
	bool quiet;
};

static struct config cfg;
static atomic_int stop_requested;

/* Logging: one function; --quiet silences everything but errors. */
enum log_level { LOG_ERR, LOG_WARN };

__attribute__((format(printf, 2, 3))) static void log_msg(enum log_level lvl,
							  const char *fmt, ...)
{
	va_list ap;

	if (lvl > LOG_ERR && cfg.quiet)
		return;
	va_start(ap, fmt);
	fputs("loadgen: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

#define pr_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) log_msg(LOG_WARN, __VA_ARGS__)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* A minimal intrusive list: connections ordered by deadline. */
struct list_node {
	struct list_node *prev, *next;
};

static void list_init(struct list_node *n)
{
	n->prev = n->next = n;
}

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

/* ---- latency histogram ---- */

struct histogram {
	uint64_t count;
	uint64_t max;
	uint64_t buckets[HIST_BUCKETS];
};

static unsigned int hist_index(uint64_t v)
{
	unsigned int exp, shift;

	if (v < HIST_SUB)
		return (unsigned int)v;
	exp = 63 - (unsigned int)__builtin_clzll(v);
	shift = exp - (HIST_SUB_BITS - 1);
	return HIST_SUB + (exp - HIST_SUB_BITS) * HIST_HALF +
	       (unsigned int)(v >> shift) - HIST_HALF;
}

/* The highest value that lands in bucket @idx. */
static uint64_t hist_bucket_top(unsigned int idx)
{
	unsigned int k, exp, shift;
	uint64_t sub;

	if (idx < HIST_SUB)
		return idx;
	k = idx - HIST_SUB;
	exp = HIST_SUB_BITS + k / HIST_HALF;
	shift = exp - (HIST_SUB_BITS - 1);
	sub = HIST_HALF + k % HIST_HALF;
	return ((sub + 1) << shift) - 1;
}

static void hist_add(struct histogram *h, uint64_t v, uint64_t n)
{
	h->buckets[hist_index(v)] += n;
	h->count += n;
	if (v > h->max)
		h->max = v;
}

static void hist_merge(struct histogram *dst, const struct histogram *src)
{
	unsigned int i;

	for (i = 0; i < HIST_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
	dst->count += src->count;
	if (src->max > dst->max)
		dst->max = src->max;
}

static uint64_t hist_percentile(const struct histogram *h, double pct)
{
	uint64_t rank, seen = 0;
	unsigned int i;

	if (!h->count)
		return 0;
	rank = (uint64_t)ceil(pct / 100.0 * (double)h->count);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank) {
			uint64_t top = hist_bucket_top(i);

			return top < h->max ? top : h->max;
		}
	}
	return h->max;
}

/* ---- workers seen: (cpu, pid, gen) -> connections ---- */

struct worker_entry {
	bool used;
	int cpu;
	int pid;
	uint32_t gen;
	uint64_t connections;
};

struct worker_table {
	unsigned int used;
	uint64_t overflow; /* connections of workers that did not fit */
	struct worker_entry slots[WORKERS_SLOTS];
};

static unsigned int worker_hash(int cpu, int pid, uint32_t gen)
{
	uint32_t h = (uint32_t)cpu * HASH_GOLDEN;

	h = (h ^ (uint32_t)pid) * HASH_GOLDEN;
	h = (h ^ gen) * HASH_GOLDEN;
	return h % WORKERS_SLOTS;
}

static void workers_add(struct worker_table *wt, int cpu, int pid, uint32_t gen,
			uint64_t n)
{
	unsigned int i, pos = worker_hash(cpu, pid, gen);
	struct worker_entry *e;

	for (i = 0; i < WORKERS_SLOTS; i++, pos = (pos + 1) % WORKERS_SLOTS) {
		e = &wt->slots[pos];
		if (!e->used)
			break;
		if (e->cpu == cpu && e->pid == pid && e->gen == gen) {
			e->connections += n;
			return;
		}
	}
	if (i == WORKERS_SLOTS || wt->used >= WORKERS_TRACKED) {
		wt->overflow += n;
		return;
	}
	*e = (struct worker_entry){ .used = true,
				    .cpu = cpu,
				    .pid = pid,
				    .gen = gen,
				    .connections = n };
	wt->used++;
}

static int worker_cmp(const void *a, const void *b)
{
	const struct worker_entry *x = a, *y = b;

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	if (x->gen != y->gen)
		return x->gen < y->gen ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return 0;
}

/* ---- statistics: one per thread, merged at the end ---- */

struct stats {
	uint64_t attempted;
	uint64_t outcomes[OUTCOME_COUNT];
	uint64_t local;
	int last_error; /* errno of the last OUTCOME_ERROR */
	struct histogram latency_us;
	uint64_t accepted[CPUS_MAX]; /* by server CPU */
	uint64_t accepted_local[CPUS_MAX];
	struct worker_table workers;
};

/* What the server said about the connection, from the response body. */
struct reply {
	int cpu;
	int incoming_cpu;
	int pid;
	uint32_t gen;
	bool close; /* the server sent Connection: close */
};

static void stats_record_ok(struct stats *s, const struct reply *r,
			    uint64_t latency_us)
{
	hist_add(&s->latency_us, latency_us, 1);
	s->accepted[r->cpu]++;
	if (r->cpu == r->incoming_cpu) {
		s->local++;
		s->accepted_local[r->cpu]++;
	}
	workers_add(&s->workers, r->cpu, r->pid, r->gen, 1);
}

static void stats_merge(struct stats *dst, const struct stats *src)
{
	unsigned int i;

	dst->attempted += src->attempted;
	for (i = 0; i < OUTCOME_COUNT; i++)
		dst->outcomes[i] += src->outcomes[i];
	dst->local += src->local;
	if (src->last_error)
		dst->last_error = src->last_error;
	hist_merge(&dst->latency_us, &src->latency_us);
	for (i = 0; i < CPUS_MAX; i++) {
		dst->accepted[i] += src->accepted[i];
		dst->accepted_local[i] += src->accepted_local[i];
	}
	dst->workers.overflow += src->workers.overflow;
	for (i = 0; i < WORKERS_SLOTS; i++) {
		const struct worker_entry *e = &src->workers.slots[i];

		if (e->used)
			workers_add(&dst->workers, e->cpu, e->pid, e->gen,
				    e->connections);
	}
}

static uint64_t outcomes_sum(const struct stats *s)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < OUTCOME_COUNT; i++)
		sum += s->outcomes[i];
	return sum;
}

/* ---- HTTP response parsing ---- */

enum parse_result { PARSE_MORE, PARSE_DONE, PARSE_BAD };

static const char http_version_prefix[] = "HTTP/1.";
#define HTTP_STATUS_OK "200"
/* "HTTP/1.x 200": prefix, minor version, space, status code. */
#define HTTP_STATUS_CODE_OFF (sizeof(http_version_prefix) - 1 + 2)
#define HTTP_STATUS_LINE_MIN (HTTP_STATUS_CODE_OFF + sizeof(HTTP_STATUS_OK) - 1)

static bool status_line_ok(const char *line, size_t len)
{
	size_t vlen = sizeof(http_version_prefix) - 1;

	if (len < HTTP_STATUS_LINE_MIN ||
	    memcmp(line, http_version_prefix, vlen))
		return false;
	if ((line[vlen] != '0' && line[vlen] != '1') || line[vlen + 1] != ' ')
		return false;
	if (memcmp(line + HTTP_STATUS_CODE_OFF, HTTP_STATUS_OK,
		   sizeof(HTTP_STATUS_OK) - 1))
		return false;
	return len == HTTP_STATUS_LINE_MIN || line[HTTP_STATUS_LINE_MIN] == ' ';
}

static bool name_is(const char *name, size_t len, const char *want)
{
	return len == strlen(want) && !strncasecmp(name, want, len);
}

/* Whether a Connection header value lists the "close" token. */
static bool value_has_close(const char *v, size_t len)
{
	size_t start = 0, end, i;

	for (i = 0; i <= len; i++) {
		if (i < len && v[i] != ',')
			continue;
		end = i;
		while (start < end && (v[start] == ' ' || v[start] == '\t'))
			start++;
		while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
			end--;
		if (name_is(v + start, end - start, "close"))
			return true;
		start = i + 1;
	}
	return false;
}

struct response_head {
	long content_length; /* -1: none */
	bool close;
};

static int parse_header_line(const char *line, size_t len,
			     struct response_head *h)
{
	const char *colon = memchr(line, ':', len), *v;
	size_t nlen, vlen, i;
	long cl = 0;

	if (!colon || colon == line)
		return -1;
	nlen = (size_t)(colon - line);
	v = colon + 1;
	vlen = len - nlen - 1;
	while (vlen && (*v == ' ' || *v == '\t'))
		v++, vlen--;
	while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;

	if (name_is(line, nlen, "content-length")) {
		if (!vlen || h->content_length >= 0)
			return -1;
		for (i = 0; i < vlen; i++) {
			if (v[i] < '0' || v[i] > '9' || cl > RESPONSE_MAX)
				return -1;
			cl = cl * 10 + (v[i] - '0');
		}
		h->content_length = cl;
	} else if (name_is(line, nlen, "connection")) {
		h->close = h->close || value_has_close(v, vlen);
	} else if (name_is(line, nlen, "transfer-encoding")) {
		return -1; /* the server always sends Content-Length */
	}
	return 0;
}

/* @hlen covers the status line, the headers and the blank line. */
static int parse_head(const char *buf, size_t hlen, struct response_head *h)
{
	size_t off = 0, len;
	const char *line, *eol;
	bool status = true;

	h->content_length = -1;
	h->close = false;
	/* Each turn consumes a line; the block ends with an empty one. */
	while (off < hlen) {
		line = buf + off;
		eol = memmem(line, hlen - off, "\r\n", 2);
		if (!eol)
			return -1;
		len = (size_t)(eol - line);
		off += len + 2;
		if (status) {
			if (!status_line_ok(line, len))
				return -1;
			status = false;
		} else if (!len) {
			return 0;
		} else if (parse_header_line(line, len, h)) {
			return -1;
		}
	}
	return -1;
}

struct body_field {
	const char *name;
	long long min, max;
};

enum { FIELD_CPU, FIELD_INCOMING_CPU, FIELD_PID, FIELD_GEN, FIELD_COUNT };

/* incoming_cpu is -1 when the kernel recorded none. */
static const struct body_field body_fields[FIELD_COUNT] = {
	[FIELD_CPU] = { "cpu", 0, CPUS_MAX - 1 },
	[FIELD_INCOMING_CPU] = { "incoming_cpu", -1, CPUS_MAX - 1 },
	[FIELD_PID] = { "pid", 1, INT32_MAX },
	[FIELD_GEN] = { "gen", 0, UINT32_MAX },
};

static int parse_field_value(const char *s, const struct body_field *f,
			     long long *out)
{
	const char *digits = *s == '-' ? s + 1 : s;
	long long v;
	char *end;

	if (*digits < '0' || *digits > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < f->min || v > f->max)
		return -1;
	*out = v;
	return 0;
}

/*
 * "cpu=3 incoming_cpu=3 pid=1234 gen=0\n": the four fields in any order,
 * each once; fields a later server may add are ignored.
 */
static int parse_body(const char *body, size_t len, struct reply *r)
{
	long long values[FIELD_COUNT];
	char text[RESPONSE_MAX + 1], *tok, *save, *eq;
	unsigned int i, seen = 0;

	if (memchr(body, '\0', len))
		return -1;
	memcpy(text, body, len);
	text[len] = '\0';
	for (tok = strtok_r(text, " \t\r\n", &save); tok;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		eq = strchr(tok, '=');
		if (!eq)
			return -1;
		*eq = '\0';
		for (i = 0; i < FIELD_COUNT; i++)
			if (!strcmp(tok, body_fields[i].name))
				break;
		if (i == FIELD_COUNT)
			continue;
		if ((seen & (1U << i)) ||
		    parse_field_value(eq + 1, &body_fields[i], &values[i]))
			return -1;
		seen |= 1U << i;
	}
	if (seen != (1U << FIELD_COUNT) - 1)
		return -1;
	r->cpu = (int)values[FIELD_CPU];
	r->incoming_cpu = (int)values[FIELD_INCOMING_CPU];
	r->pid = (int)values[FIELD_PID];
	r->gen = (uint32_t)values[FIELD_GEN];
	return 0;
}

static enum parse_result parse_response(const char *buf, size_t len,
					struct reply *r)
{
	size_t vlen = sizeof(http_version_prefix) - 1, hlen, total;
	struct response_head head;
	const char *end;

	/* Garbage is bad_payload now, not a timeout later. */
	if (memcmp(buf, http_version_prefix, len < vlen ? len : vlen))
		return PARSE_BAD;
	end = memmem(buf, len, "\r\n\r\n", 4);
	if (!end)
		return len >= RESPONSE_MAX ? PARSE_BAD : PARSE_MORE;
	hlen = (size_t)(end - buf) + 4;
	if (parse_head(buf, hlen, &head) || head.content_length < 0)
		return PARSE_BAD;
	total = hlen + (size_t)head.content_length;
	if (total > RESPONSE_MAX)
		return PARSE_BAD;
	if (len < total)
		return PARSE_MORE;
	/* One request at a time: nothing may follow the response. */
	if (len > total)
		return PARSE_BAD;
	if (parse_body(buf + hlen, (size_t)head.content_length, r))
		return PARSE_BAD;
	r->close = head.close;
	return PARSE_DONE;
}

/* ---- connections ---- */

enum conn_state {
	CONN_FREE,
	CONN_CONNECTING,
	CONN_SENDING,
	CONN_READING,
	CONN_CLOSING, /* counted ok; waiting for the server's FIN */
};

struct conn {
	struct list_node timer; /* in the thread's active or closing list */
	uint64_t deadline_ns;
	uint64_t start_ns;
	int fd;
	enum conn_state state;
	uint32_t epoll_events; /* what fd is registered for */
	unsigned int requests_left; /* including the one in progress */
	size_t sent; /* bytes of the current request */
	size_t rlen;
	struct reply reply; /* of the first response */
	bool have_reply;
	char rbuf[RESPONSE_MAX];
};

/* Deadlines of one kind share one interval, so appending keeps order. */
struct timer_list {
	struct list_node head;
	uint64_t interval_ns;
};

struct lg_thread {
	pthread_t tid;
	int cpu;
	unsigned int index, nthreads;
	unsigned int concurrency;
	uint64_t quota; /* connections to attempt; UINT64_MAX: until time */
	uint64_t interval_ns; /* between connection starts; 0: no --rate */
	uint64_t backoff_until_ns; /* no connect() before, after an error */
	int epfd;
	struct conn *conns;
	unsigned int *free_list;
	unsigned int nfree;
	struct timer_list active; /* connect or response deadline */
	struct timer_list closing;
	uint64_t finish_ns;
	int err; /* setup or loop failure, negative errno */
	const char *err_what;
	struct stats stats;
};

static void timer_arm(struct timer_list *tl, struct conn *c, uint64_t now)
{
	c->deadline_ns = now + tl->interval_ns;
	list_del_init(&c->timer);
	list_add_tail(&c->timer, &tl->head);
}

static struct conn *timer_first(struct timer_list *tl)
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

	if (c->requests_left == 1) {
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
		switch (parse_response(c->rbuf, c->rlen, &r)) {
		case PARSE_MORE:
			break;
		case PARSE_BAD:
			conn_finish(t, c, OUTCOME_BAD_PAYLOAD, 0, now);
			return;
		case PARSE_DONE:
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

static void conn_start(struct lg_thread *t, uint64_t now)
{
	struct conn *c = &t->conns[t->free_list[--t->nfree]];
	const struct sockaddr *dst = (const struct sockaddr *)&cfg.target;
	int one = 1, err;

	/* Counted here, before anything can fail, and finished exactly once. */
	t->stats.attempted++;
	*c = (struct conn){ .fd = -1,
			    .state = CONN_CONNECTING,
			    .start_ns = now,
			    .requests_left = cfg.requests };
	list_init(&c->timer);

	c->fd = socket(dst->sa_family,
		       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		goto fail;
	if (cfg.bind_len) {
		/* The port is chosen at connect(), per destination. */
		if (setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
			       sizeof(one)) ||
		    bind(c->fd, (const struct sockaddr *)&cfg.bind,
			 cfg.bind_len))
			goto fail;
	}
	if (connect(c->fd, dst, cfg.target_len) && errno != EINPROGRESS)
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

static void conn_event(struct lg_thread *t, struct conn *c, uint32_t ev,
		       uint64_t now)
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
		conn_read(t, c, now);
		break;
	case CONN_CLOSING:
		conn_read_eof(t, c);
		break;
	}
}

static void timers_expire(struct lg_thread *t, uint64_t now)
{
	struct conn *c;

	/* Each turn frees the first connection: bounded by their number. */
	while ((c = timer_first(&t->active)) && c->deadline_ns <= now)
		conn_finish(t, c, OUTCOME_TIMEOUT, 0, now);
	while ((c = timer_first(&t->closing)) && c->deadline_ns <= now)
		conn_free(t, c);
}

/* At the end of the drain: what is still in flight has timed out. */
static void conns_abort(struct lg_thread *t, enum outcome o, int err,
			uint64_t now)
{
	struct conn *c;

	while ((c = timer_first(&t->active)))
		conn_finish(t, c, o, err, now);
	while ((c = timer_first(&t->closing)))
		conn_free(t, c);
}

/* ---- per-CPU threads ---- */

enum gate_state { GATE_WAIT, GATE_GO, GATE_ABORT };

/* Threads set up, then start together so they share one clock origin. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int ready;
	enum gate_state state;
	uint64_t t0;
} gate = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, GATE_WAIT,
	   0 };

static bool gate_pass(uint64_t *t0)
{
	bool go;

	pthread_mutex_lock(&gate.lock);
	gate.ready++;
	pthread_cond_broadcast(&gate.cond);
	while (gate.state == GATE_WAIT)
		pthread_cond_wait(&gate.cond, &gate.lock);
	go = gate.state == GATE_GO;
	*t0 = gate.t0;
	pthread_mutex_unlock(&gate.lock);
	return go;
}

static int thread_setup(struct lg_thread *t)
{
	cpu_set_t one;
	unsigned int i;

	CPU_ZERO(&one);
	CPU_SET(t->cpu, &one);
	t->err_what = "sched_setaffinity";
	if (sched_setaffinity(0, sizeof(one), &one))
		return -errno;
	t->err_what = "epoll_create1";
	t->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (t->epfd < 0)
		return -errno;
	/* Allocated here, on the thread's own CPU, and never grown. */
	t->err_what = "allocating connections";
	t->conns = calloc(t->concurrency, sizeof(*t->conns));
	t->free_list = calloc(t->concurrency, sizeof(*t->free_list));
	if (!t->conns || !t->free_list)
		return -ENOMEM;
	for (i = 0; i < t->concurrency; i++) {
		t->conns[i].fd = -1;
		list_init(&t->conns[i].timer);
		t->free_list[i] = t->concurrency - 1 - i;
	}
	t->nfree = t->concurrency;
	list_init(&t->active.head);
	t->active.interval_ns = cfg.timeout_ms * NSEC_PER_MSEC;
	list_init(&t->closing.head);
	t->closing.interval_ns = (cfg.timeout_ms < CLOSE_WAIT_MS_MAX ?
					  cfg.timeout_ms :
					  CLOSE_WAIT_MS_MAX) *
				 NSEC_PER_MSEC;
	t->err_what = NULL;
	return 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t next_start(const struct lg_thread *t, uint64_t due)
{
	return due > t->backoff_until_ns ? due : t->backoff_until_ns;
}

/* Starts what the concurrency, the quota and the --rate schedule allow. */
static void start_due(struct lg_thread *t, uint64_t now, uint64_t *due)
{
	unsigned int budget = START_BATCH_MAX;
	uint64_t errors;

	/* Bounded by @budget: a connect() may fail and free its slot. */
	while (budget-- && t->nfree && t->stats.attempted < t->quota &&
	       now >= next_start(t, *due)) {
		errors = t->stats.outcomes[OUTCOME_ERROR];
		conn_start(t, now);
		*due += t->interval_ns;
		if (t->stats.outcomes[OUTCOME_ERROR] != errors)
			t->backoff_until_ns = now + ERROR_BACKOFF_NS;
	}
	if (t->interval_ns && *due + RATE_CATCHUP_NS < now)
		*due = now - RATE_CATCHUP_NS;
}

static uint64_t next_wake(struct lg_thread *t, uint64_t now, bool stopping,
			  uint64_t end, uint64_t due, uint64_t drain_end)
{
	uint64_t wake = now + TICK_NS;
	struct conn *c;

	if (stopping) {
		wake = min_u64(wake, drain_end);
	} else {
		wake = min_u64(wake, end);
		if (t->nfree && t->stats.attempted < t->quota)
			wake = min_u64(wake, next_start(t, due));
	}
	c = timer_first(&t->active);
	if (c)
		wake = min_u64(wake, c->deadline_ns);
	c = timer_first(&t->closing);
	if (c)
		wake = min_u64(wake, c->deadline_ns);
	return wake;
}

static void thread_run(struct lg_thread *t, uint64_t t0)
{
	uint64_t end = cfg.duration_ms ? t0 + cfg.duration_ms * NSEC_PER_MSEC :
					 UINT64_MAX;
	/* Threads take turns: together they start one every 1/--rate. */
	uint64_t due = t0 + t->interval_ns * t->index / t->nthreads;
	uint64_t now, wake, drain_end = 0;
	struct epoll_event events[EVENTS_MAX];
	bool stopping = false;
	struct timespec ts;
	int i, n;

	/*
	 * Bounded in time: new connections stop at the end of the duration,
	 * the quota or a signal; the drain ends --timeout later.
	 */
	for (;;) {
		now = now_ns();
		timers_expire(t, now);
		if (!stopping && (atomic_load(&stop_requested) || now >= end ||
				  t->stats.attempted >= t->quota)) {
			stopping = true;
			drain_end = now + cfg.timeout_ms * NSEC_PER_MSEC;
		}
		if (!stopping)
			start_due(t, now, &due);
		if (stopping &&
		    (t->nfree == t->concurrency || now >= drain_end))
			break;

		wake = next_wake(t, now, stopping, end, due, drain_end);
		wake = wake > now ? wake - now : 0;
		ts.tv_sec = (time_t)(wake / NSEC_PER_SEC);
		ts.tv_nsec = (long)(wake % NSEC_PER_SEC);
		n = epoll_pwait2(t->epfd, events, EVENTS_MAX, &ts, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			t->err = -errno;
			t->err_what = "epoll_pwait2";
			conns_abort(t, OUTCOME_ERROR, errno, now_ns());
			break;
		}
		now = now_ns();
		for (i = 0; i < n; i++)
			conn_event(t, events[i].data.ptr, events[i].events,
				   now);
	}
	conns_abort(t, OUTCOME_TIMEOUT, 0, now_ns());
	t->finish_ns = now_ns();
}

static void *thread_main(void *arg)
{
	struct lg_thread *t = arg;
	uint64_t t0;

	t->err = thread_setup(t);
	if (gate_pass(&t0) && !t->err)
		thread_run(t, t0);
	if (t->epfd >= 0)
		close(t->epfd);
	free(t->conns);
	free(t->free_list);
	return NULL;
}

static void on_stop_signal(int sig)
{
	atomic_store(&stop_requested, 1);
}

static int install_signals(void)
{
	/* A second signal kills, for a run that will not stop. */
	struct sigaction sa = { .sa_handler = on_stop_signal,
				.sa_flags = SA_RESETHAND };

	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* Divides @total over @n shares, the first ones taking the remainder. */
static uint64_t share_of(uint64_t total, unsigned int n, unsigned int i)
{
	return total / n + (i < total % n ? 1 : 0);
}

/* The first thread's failure, said on stderr. */
static int threads_error(const struct lg_thread *threads, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (threads[i].err) {
			pr_err("CPU %d: %s: %s", threads[i].cpu,
			       threads[i].err_what, strerror(-threads[i].err));
			return threads[i].err;
		}
	}
	return 0;
}

/* Creates, starts and joins the threads; 0 or a negative errno. */
static int run_threads(struct lg_thread *threads, unsigned int nthreads)
{
	unsigned int i, created = 0;
	int cpu, err = 0;

	for (cpu = 0, i = 0; cpu < CPUS_MAX && i < nthreads; cpu++) {
		struct lg_thread *t = &threads[i];

		if (!CPU_ISSET(cpu, &cfg.cpus))
			continue;
		t->cpu = cpu;
		t->index = i;
		t->nthreads = nthreads;
		t->epfd = -1;
		t->concurrency =
			(unsigned int)share_of(cfg.concurrency, nthreads, i);
		t->quota = cfg.connections ?
				   share_of(cfg.connections, nthreads, i) :
				   UINT64_MAX;
		if (cfg.rate > 0) {
			double ns = (double)NSEC_PER_SEC * nthreads / cfg.rate;

			t->interval_ns = ns < 1 ? 1 : (uint64_t)llround(ns);
		}
		err = -pthread_create(&t->tid, NULL, thread_main, t);
		if (err) {
			pr_err("cannot create the thread for CPU %d: %s", cpu,
			       strerror(-err));
			break;
		}
		created++;
		i++;
	}

	pthread_mutex_lock(&gate.lock);
	while (gate.ready < created)
		pthread_cond_wait(&gate.cond, &gate.lock);
	if (!err)
		err = threads_error(threads, created);
	gate.state = err ? GATE_ABORT : GATE_GO;
	gate.t0 = now_ns();
	pthread_cond_broadcast(&gate.cond);
	pthread_mutex_unlock(&gate.lock);

	for (i = 0; i < created; i++)
		pthread_join(threads[i].tid, NULL);
	return err ? err : threads_error(threads, created);
}

/* ---- output ---- */

struct results {
	struct stats *total;
	const struct lg_thread *threads;
	unsigned int nthreads;
	double duration_s;
	double conn_rate;
	double locality_pct;
	struct worker_entry *workers; /* sorted */
	unsigned int nworkers;
};

static const double percentiles[] = { 50, 90, 99 };
static const char *const percentile_names[] = { "p50", "p90", "p99" };

static double pct_of(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

/*
 * A small JSON writer: keys are literals of this file and values numbers,
 * so nothing needs escaping (the tool links nothing but libc).
 */
struct json {
	FILE *f;
	unsigned int depth;
	bool comma[JSON_DEPTH_MAX];
};

static void json_key(struct json *j, const char *key)
{
	if (j->comma[j->depth])
		fputs(", ", j->f);
	j->comma[j->depth] = true;
	if (key)
		fprintf(j->f, "\"%s\": ", key);
}

static void json_open(struct json *j, const char *key, char bracket)
{
	json_key(j, key);
	fputc(bracket, j->f);
	j->comma[++j->depth] = false;
}

static void json_close(struct json *j, char bracket)
{
	fputc(bracket, j->f);
	j->depth--;
}

static void json_u64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

static void json_int(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	fprintf(j->f, "%lld", v);
}

static void json_fixed(struct json *j, const char *key, double v, int decimals)
{
	json_key(j, key);
	fprintf(j->f, "%.*f", decimals, v);
}

static void print_json(const struct results *r)
{
	const struct stats *s = r->total;
	struct json j = { .f = stdout };
	unsigned int i;
	int cpu;

	json_open(&j, NULL, '{');
	json_u64(&j, "attempted", s->attempted);
	for (i = 0; i < OUTCOME_COUNT; i++)
		json_u64(&j, outcome_names[i], s->outcomes[i]);
	json_u64(&j, "local", s->local);
	json_fixed(&j, "locality_pct", r->locality_pct, 2);
	json_open(&j, "latency_us", '{');
	for (i = 0; i < ARRAY_SIZE(percentiles); i++)
		json_u64(&j, percentile_names[i],
			 hist_percentile(&s->latency_us, percentiles[i]));
	json_u64(&j, "max", s->latency_us.max);
	json_close(&j, '}');
	json_fixed(&j, "duration_s", r->duration_s, 3);
	json_fixed(&j, "conn_rate", r->conn_rate, 1);

	json_open(&j, "per_client_cpu", '[');
	for (i = 0; i < r->nthreads; i++) {
		json_open(&j, NULL, '{');
		json_int(&j, "cpu", r->threads[i].cpu);
		json_u64(&j, "attempted", r->threads[i].stats.attempted);
		json_u64(&j, "ok", r->threads[i].stats.outcomes[OUTCOME_OK]);
		json_close(&j, '}');
	}
	json_close(&j, ']');

	json_open(&j, "per_server_cpu", '[');
	for (cpu = 0; cpu < CPUS_MAX; cpu++) {
		if (!s->accepted[cpu])
			continue;
		json_open(&j, NULL, '{');
		json_int(&j, "cpu", cpu);
		json_u64(&j, "accepted", s->accepted[cpu]);
		json_u64(&j, "local", s->accepted_local[cpu]);
		json_close(&j, '}');
	}
	json_close(&j, ']');

	json_open(&j, "workers", '[');
	for (i = 0; i < r->nworkers; i++) {
		json_open(&j, NULL, '{');
		json_int(&j, "cpu", r->workers[i].cpu);
		json_int(&j, "pid", r->workers[i].pid);
		json_u64(&j, "gen", r->workers[i].gen);
		json_u64(&j, "connections", r->workers[i].connections);
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_u64(&j, "workers_overflow", s->workers.overflow);
	json_close(&j, '}');
	fputc('\n', stdout);
}

static const struct lg_thread *thread_of_cpu(const struct results *r, int cpu)
{
	unsigned int i;

	for (i = 0; i < r->nthreads; i++)
		if (r->threads[i].cpu == cpu)
			return &r->threads[i];
	return NULL;
}

/* One row per CPU that sent or accepted: clients and servers side by side. */
static void print_cpu_table(const struct results *r)
{
	const struct stats *s = r->total;
	const struct lg_thread *t;
	int cpu;

	printf("%4s %10s %10s %10s %10s %7s\n", "cpu", "attempted", "ok",
	       "accepted", "local", "local%");
	for (cpu = 0; cpu < CPUS_MAX; cpu++) {
		t = thread_of_cpu(r, cpu);
		if (!t && !s->accepted[cpu])
			continue;
		printf("%4d %10" PRIu64 " %10" PRIu64 " %10" PRIu64
		       " %10" PRIu64,
		       cpu, t ? t->stats.attempted : 0,
		       t ? t->stats.outcomes[OUTCOME_OK] : 0, s->accepted[cpu],
		       s->accepted_local[cpu]);
		if (s->accepted[cpu])
			printf(" %6.1f%%\n", pct_of(s->accepted_local[cpu],
						    s->accepted[cpu]));
		else
			printf(" %7s\n", "-");
	}
	printf("%4s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64
	       " %6.1f%%\n",
	       "all", s->attempted, s->outcomes[OUTCOME_OK],
	       s->outcomes[OUTCOME_OK], s->local, r->locality_pct);
}

static void print_workers(const struct results *r)
{
	unsigned int i;

	if (!r->nworkers)
		return;
	printf("\n%4s %10s %10s %12s\n", "cpu", "pid", "gen", "connections");
	for (i = 0; i < r->nworkers; i++)
		printf("%4d %10d %10" PRIu32 " %12" PRIu64 "\n",
		       r->workers[i].cpu, r->workers[i].pid, r->workers[i].gen,
		       r->workers[i].connections);
	if (r->total->workers.overflow)
		printf("%4s %10s %10s %12" PRIu64 "\n", "?", "?", "?",
		       r->total->workers.overflow);
}

static void print_text(const struct results *r)
{
	const struct stats *s = r->total;
	unsigned int i;

	printf("target %s: %" PRIu64 " connections in %.3f s (%.1f/s), "
	       "%u threads, concurrency %u\n",
	       cfg.target_text, s->attempted, r->duration_s, r->conn_rate,
	       r->nthreads, cfg.concurrency);
	if (!cfg.quiet) {
		putchar('\n');
		print_cpu_table(r);
		putchar('\n');
	}
	printf("outcomes:");
	for (i = 0; i < OUTCOME_COUNT; i++)
		printf(" %s %" PRIu64, outcome_names[i], s->outcomes[i]);
	printf("\nlocality: %" PRIu64 " of %" PRIu64 " ok local (%.1f%%)\n",
	       s->local, s->outcomes[OUTCOME_OK], r->locality_pct);
	printf("latency us:");
	for (i = 0; i < ARRAY_SIZE(percentiles); i++)
		printf(" %s %" PRIu64, percentile_names[i],
		       hist_percentile(&s->latency_us, percentiles[i]));
	printf(" max %" PRIu64 "\n", s->latency_us.max);
	if (!cfg.quiet)
		print_workers(r);
}

static int report(struct lg_thread *threads, unsigned int nthreads)
{
	struct results r = { .threads = threads, .nthreads = nthreads };
	uint64_t t0 = gate.t0, last = t0, sum;
	unsigned int i;
	int err = 0;

	r.total = calloc(1, sizeof(*r.total));
	r.workers = calloc(WORKERS_SLOTS, sizeof(*r.workers));
	if (!r.total || !r.workers) {
		pr_err("cannot allocate the results: %s", strerror(ENOMEM));
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nthreads; i++) {
		stats_merge(r.total, &threads[i].stats);
		if (threads[i].finish_ns > last)
			last = threads[i].finish_ns;
	}
	for (i = 0; i < WORKERS_SLOTS; i++)
		if (r.total->workers.slots[i].used)
			r.workers[r.nworkers++] = r.total->workers.slots[i];
	qsort(r.workers, r.nworkers, sizeof(*r.workers), worker_cmp);
	r.duration_s = (double)(last - t0) / NSEC_PER_SEC;
	r.conn_rate = r.duration_s > 0 ?
			      (double)r.total->attempted / r.duration_s :
			      0;
	r.locality_pct = pct_of(r.total->local, r.total->outcomes[OUTCOME_OK]);

	if (cfg.json)
		print_json(&r);
	else
		print_text(&r);
	fflush(stdout);

	sum = outcomes_sum(r.total);
	if (sum != r.total->attempted) {
		pr_err("BUG: %" PRIu64 " connections attempted but %" PRIu64
		       " outcomes counted; these figures are wrong",
		       r.total->attempted, sum);
		err = -EPROTO;
	}
	if (r.total->outcomes[OUTCOME_ERROR])
		pr_warn("%" PRIu64 " connections failed locally (last: %s)",
			r.total->outcomes[OUTCOME_ERROR],
			strerror(r.total->last_error));
	if (r.total->workers.overflow)
		pr_warn("more than %d workers: %" PRIu64
			" connections not attributed to one",
			WORKERS_TRACKED, r.total->workers.overflow);
	if (atomic_load(&stop_requested))
		pr_warn("interrupted: the run stopped early");
out:
	free(r.workers);
	free(r.total);
	return err;
}

/* ---- command line ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: loadgen --target ADDR:PORT\n"
		"               (--duration SECONDS | --connections N) "
		"[OPTIONS]\n"
		"Opens HTTP/1.1 connections to ADDR:PORT from one pinned "
		"thread per CPU,\n"
		"sends GET / on each, reads the response, closes, and reports "
		"every\n"
		"connection's outcome, its latency and the server CPU and "
		"worker that\n"
		"took it.\n\n"
		"  --target ADDR:PORT\n"
		"      the server: 198.18.0.1:80 or [2001:db8::1]:80\n"
		"  --duration SECONDS\n"
		"      stop starting connections after this long (0.001-%llu)\n"
		"  --connections N\n"
		"      attempt exactly N connections in total; with "
		"--duration,\n"
		"      whichever ends first\n"
		"  --concurrency C\n"
		"      connections in flight at once, in total, split over "
		"the\n"
		"      threads (default %d, or one per CPU if more; max %d)\n"
		"  --rate R\n"
		"      connections started per second, in total (default: as "
		"fast\n"
		"      as the concurrency allows)\n"
		"  --cpus LIST\n"
		"      CPUs to run a thread on, e.g. 0-3,6 (default: every "
		"CPU\n"
		"      this process may run on)\n"
		"  --timeout MS\n"
		"      for the connect and for each response, and the longest "
		"wait\n"
		"      for connections in flight at the end (default %d, max "
		"%d)\n"
		"  --requests-per-conn K\n"
		"      requests per connection, kept alive; the last one says\n"
		"      Connection: close (default 1, max %d)\n"
		"  --bind ADDR\n"
		"      source address; the port is chosen at connect\n"
		"  --json\n"
		"      one JSON object on stdout instead of the tables\n"
		"  --quiet\n"
		"      totals only, and no warnings on stderr\n"
		"  -h, --help\n"
		"      this text\n\n"
		"Exit status: 0 when it ran, whatever the outcomes; 1 on a "
		"runtime\n"
		"failure; 2 on a usage error. See docs/loadgen.md.\n",
		(unsigned long long)(DURATION_MS_MAX / MSEC_PER_SEC),
		CONCURRENCY_DEFAULT, CONCURRENCY_MAX, TIMEOUT_MS_DEFAULT,
		TIMEOUT_MS_MAX, REQUESTS_MAX);
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt,
							     ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("loadgen: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs(" (see --help)\n", stderr);
	va_end(ap);
	return -EINVAL;
}

static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull() would take " 1", "+1" and "-1". */
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Seconds with up to DURATION_DECIMALS decimals, in milliseconds. */
static int parse_duration_ms(const char *s, uint64_t *ms)
{
	uint64_t whole = 0, frac = 0;
	unsigned int digits = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > DURATION_MS_MAX / MSEC_PER_SEC)
			return -EINVAL;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (++digits > DURATION_DECIMALS)
				return -EINVAL;
			frac = frac * 10 + (uint64_t)(*p - '0');
		}
		if (!digits)
			return -EINVAL;
	}
	if (*p)
		return -EINVAL;
	for (; digits < DURATION_DECIMALS; digits++)
		frac *= 10;
	*ms = whole * MSEC_PER_SEC + frac;
	return *ms && *ms <= DURATION_MS_MAX ? 0 : -EINVAL;
}

static int parse_rate(const char *s, double *rate)
{
	char *end;
	double v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < RATE_MIN || v > RATE_MAX)
		return -EINVAL;
	*rate = v;
	return 0;
}

/* "0-3,6": CPUs and ranges. */
static int parse_cpus(const char *s, cpu_set_t *set)
{
	uint64_t lo, hi;
	char *copy, *tok, *save, *dash;
	int err = 0;

	CPU_ZERO(set);
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && !err;
	     tok = strtok_r(NULL, ",", &save)) {
		dash = strchr(tok, '-');
		if (dash)
			*dash = '\0';
		if (parse_u64(tok, 0, CPUS_MAX - 1, &lo) ||
		    parse_u64(dash ? dash + 1 : tok, 0, CPUS_MAX - 1, &hi) ||
		    hi < lo) {
			err = -EINVAL;
			break;
		}
		for (; lo <= hi; lo++)
			CPU_SET(lo, set);
	}
	free(copy);
	if (!err && !CPU_COUNT(set))
		err = -EINVAL;
	return err;
}

static void format_cpus(const cpu_set_t *set, char *buf, size_t size)
{
	size_t off = 0;
	int cpu, end;

	buf[0] = '\0';
	for (cpu = 0; cpu < CPUS_MAX && off < size; cpu++) {
		if (!CPU_ISSET(cpu, set))
			continue;
		for (end = cpu; end + 1 < CPUS_MAX && CPU_ISSET(end + 1, set);)
			end++;
		off += (size_t)snprintf(buf + off, size - off,
					end > cpu ? "%s%d-%d" : "%s%d",
					off ? "," : "", cpu, end);
		cpu = end;
	}
}

static int parse_ip(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		*len = sizeof(*sin6);
		return 0;
	}
	return -EINVAL;
}

/* 198.18.0.1:80 or [2001:db8::1]:80; addresses only, no names. */
static int parse_addr_port(const char *s, struct sockaddr_storage *ss,
			   socklen_t *len)
{
	char host[INET6_ADDRSTRLEN];
	const char *hend, *port;
	bool bracketed = *s == '[';
	uint64_t p;
	size_t hlen;

	if (bracketed) {
		hend = strchr(s, ']');
		if (!hend || hend[1] != ':')
			return -EINVAL;
		port = hend + 2;
		s++;
	} else {
		hend = strchr(s, ':');
		/* A second colon: IPv6 without brackets. */
		if (!hend || strchr(hend + 1, ':'))
			return -EINVAL;
		port = hend + 1;
	}
	hlen = (size_t)(hend - s);
	if (!hlen || hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (parse_ip(host, ss, len) || parse_u64(port, 1, PORT_MAX, &p))
		return -EINVAL;
	/* Brackets for IPv6 and only for it. */
	if ((ss->ss_family == AF_INET6) != bracketed)
		return -EINVAL;
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)p);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)p);
	return 0;
}

static int parse_bind(const char *s, struct sockaddr_storage *ss,
		      socklen_t *len)
{
	char host[INET6_ADDRSTRLEN];
	size_t n = strlen(s);

	/* Brackets are optional here: there is no port. */
	if (n > 2 && s[0] == '[' && s[n - 1] == ']') {
		if (n - 2 >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, n - 2);
		host[n - 2] = '\0';
		return parse_ip(host, ss, len);
	}
	return parse_ip(s, ss, len);
}

enum {
	OPT_TARGET = 256,
	OPT_DURATION,
	OPT_CONNECTIONS,
	OPT_CONCURRENCY,
	OPT_RATE,
	OPT_CPUS,
	OPT_TIMEOUT,
	OPT_REQUESTS,
	OPT_BIND,
	OPT_JSON,
	OPT_QUIET,
	OPT_LAST,
};

static const struct option long_options[] = {
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "connections", required_argument, NULL, OPT_CONNECTIONS },
	{ "concurrency", required_argument, NULL, OPT_CONCURRENCY },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "requests-per-conn", required_argument, NULL, OPT_REQUESTS },
	{ "bind", required_argument, NULL, OPT_BIND },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Checks what needs the system: CPUs we may use, a source we can bind. */
static int check_environment(void)
{
	char allowed_text[CPUS_MAX * 4], bad_text[CPUS_MAX * 4];
	const struct sockaddr *b = (const struct sockaddr *)&cfg.bind;
	cpu_set_t allowed, bad;
	int fd, one = 1, err = 0;

	if (sched_getaffinity(0, sizeof(allowed), &allowed)) {
		pr_err("sched_getaffinity: %s", strerror(errno));
		return -EIO;
	}
	if (!CPU_COUNT(&cfg.cpus)) {
		cfg.cpus = allowed;
	} else {
		CPU_XOR(&bad, &cfg.cpus, &allowed);
		CPU_AND(&bad, &bad, &cfg.cpus);
		if (CPU_COUNT(&bad)) {
			format_cpus(&bad, bad_text, sizeof(bad_text));
			format_cpus(&allowed, allowed_text,
				    sizeof(allowed_text));
			return usage_error("--cpus: CPU %s not online or not "
					   "allowed here (allowed: %s)",
					   bad_text, allowed_text);
		}
	}
	/* The default grows with the CPUs; a given one must cover them. */
	if (!cfg.concurrency)
		cfg.concurrency = CPU_COUNT(&cfg.cpus) > CONCURRENCY_DEFAULT ?
					  (unsigned int)CPU_COUNT(&cfg.cpus) :
					  CONCURRENCY_DEFAULT;
	if ((unsigned int)CPU_COUNT(&cfg.cpus) > cfg.concurrency)
		return usage_error("--concurrency %u is less than the %d CPUs "
				   "to run on; each needs at least one "
				   "connection (or use --cpus)",
				   cfg.concurrency, CPU_COUNT(&cfg.cpus));

	if (!cfg.bind_len)
		return 0;
	fd = socket(b->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
		       sizeof(one)) ||
	    bind(fd, b, cfg.bind_len))
		err = usage_error("--bind: cannot bind: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return err;
}

/* 0, 1 when --help was printed, or -EINVAL after one line on stderr. */
static int parse_args(int argc, char **argv)
{
	bool seen[OPT_LAST] = { false };
	int opt, longindex = 0;
	const char *name;
	uint64_t v;

	cfg.timeout_ms = TIMEOUT_MS_DEFAULT;
	cfg.requests = 1;
	CPU_ZERO(&cfg.cpus);

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", long_options,
				  &longindex)) != -1) {
		/* Where getopt stopped: the option, or its separate value. */
		name = argv[optind - 1];
		if (opt == '?' && optopt)
			return usage_error("unknown option '-%c'", optopt);
		if (opt == '?')
			return usage_error("unknown or ambiguous option '%s'",
					   name);
		if (opt == ':')
			return usage_error("option '%s' needs a value", name);
		if (opt == 'h') {
			usage(stdout);
			return 1;
		}
		if (seen[opt])
			return usage_error("option '--%s' given twice",
					   long_options[longindex].name);
		seen[opt] = true;
		switch (opt) {
		case OPT_TARGET:
			cfg.target_text = optarg;
			if (parse_addr_port(optarg, &cfg.target,
					    &cfg.target_len))
				return usage_error(
					"--target needs ADDR:PORT "
					"(198.18.0.1:80, "
					"[2001:db8::1]:80), not '%s'",
					optarg);
			break;
		case OPT_DURATION:
			if (parse_duration_ms(optarg, &cfg.duration_ms))
				return usage_error(
					"--duration needs seconds, "
					"0.001-%llu, not '%s'",
					(unsigned long long)(DURATION_MS_MAX /
							     MSEC_PER_SEC),
					optarg);
			break;
		case OPT_CONNECTIONS:
			if (parse_u64(optarg, 1, CONNECTIONS_MAX,
				      &cfg.connections))
				return usage_error("--connections needs a "
						   "count, 1-%llu, not '%s'",
						   CONNECTIONS_MAX, optarg);
			break;
		case OPT_CONCURRENCY:
			if (parse_u64(optarg, 1, CONCURRENCY_MAX, &v))
				return usage_error("--concurrency needs a "
						   "count, 1-%d, not '%s'",
						   CONCURRENCY_MAX, optarg);
			cfg.concurrency = (unsigned int)v;
			break;
		case OPT_RATE:
			if (parse_rate(optarg, &cfg.rate))
				return usage_error("--rate needs connections "
						   "per second, %g-%.0f, not "
						   "'%s'",
						   RATE_MIN, RATE_MAX, optarg);
			break;
		case OPT_CPUS:
			if (parse_cpus(optarg, &cfg.cpus))
				return usage_error("--cpus needs a CPU list "
						   "(0-3,6), CPUs below %d, "
						   "not '%s'",
						   CPUS_MAX, optarg);
			break;
		case OPT_TIMEOUT:
			if (parse_u64(optarg, 1, TIMEOUT_MS_MAX, &v))
				return usage_error("--timeout needs "
						   "milliseconds, 1-%d, not "
						   "'%s'",
						   TIMEOUT_MS_MAX, optarg);
			cfg.timeout_ms = (unsigned int)v;
			break;
		case OPT_REQUESTS:
			if (parse_u64(optarg, 1, REQUESTS_MAX, &v))
				return usage_error("--requests-per-conn needs "
						   "a count, 1-%d, not '%s'",
						   REQUESTS_MAX, optarg);
			cfg.requests = (unsigned int)v;
			break;
		case OPT_BIND:
			if (parse_bind(optarg, &cfg.bind, &cfg.bind_len))
				return usage_error("--bind needs an IPv4 or "
						   "IPv6 address, not '%s'",
						   optarg);
			break;
		case OPT_JSON:
			cfg.json = true;
			break;
		case OPT_QUIET:
			cfg.quiet = true;
			break;
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!cfg.target_text)
		return usage_error("--target ADDR:PORT is required");
	if (!cfg.duration_ms && !cfg.connections)
		return usage_error("--duration or --connections is required: "
				   "a run must end by itself");
	if (cfg.bind_len && cfg.bind.ss_family != cfg.target.ss_family)
		return usage_error("--bind and --target are not of the same "
				   "address family");
	return 0;
}

/* Room for a socket per connection; root may raise the hard limit too. */
static int raise_fd_limit(unsigned int nthreads)
{
	rlim_t need = (rlim_t)cfg.concurrency + nthreads + FD_SLACK;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	if (rl.rlim_cur >= need)
		return 0;
	rl.rlim_cur = need;
	if (rl.rlim_max < need)
		rl.rlim_max = need;
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		pr_err("--concurrency %u needs %llu file descriptors: %s "
		       "(see ulimit -n)",
		       cfg.concurrency, (unsigned long long)need,
		       strerror(errno));
		return -EMFILE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct lg_thread *threads;
	unsigned int nthreads;
	int err;

	err = parse_args(argc, argv);
	if (err)
		return err > 0 ? EXIT_SUCCESS : EXIT_USAGE;
	err = check_environment();
	if (err)
		return err == -EINVAL ? EXIT_USAGE : EXIT_FAILURE;
	nthreads = (unsigned int)CPU_COUNT(&cfg.cpus);

	err = raise_fd_limit(nthreads);
	if (err)
		return EXIT_FAILURE;
	err = install_signals();
	if (err) {
		pr_err("cannot handle signals: %s", strerror(-err));
		return EXIT_FAILURE;
	}
	threads = calloc(nthreads, sizeof(*threads));
	if (!threads) {
		pr_err("cannot allocate %u threads: %s", nthreads,
		       strerror(ENOMEM));
		return EXIT_FAILURE;
	}
	err = run_threads(threads, nthreads);
	if (!err)
		err = report(threads, nthreads);
	free(threads);
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}
