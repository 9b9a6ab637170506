/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A worker: one process per CPU, pinned, with one listener and an epoll
 * loop over it, its connections, steerd's events and its signals. The
 * state its files share (worker.c, conn.c, listen.c) and its bounds.
 */
#ifndef STEER_HTTP_WORKER_H
#define STEER_HTTP_WORKER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/http_request.h"

#include "args.h"
#include "log.h"

/* Per worker; beyond it a connection is accepted and closed at once. */
#define CONNS_MAX 4096
/* Responses waiting for the socket; room for a few pipelined ones. */
#define OUT_MAX 1024

/* Idle timeouts and a safety sweep of the listener, when running. */
#define TICK_MS 1000
/* Sweep period while draining: a migrated connection may not wake epoll. */
#define DRAIN_TICK_MS 100
/* steerd's bound on our drain. */
#define DRAIN_TIMEOUT_MS 10000
/* steerd sends no event when a drain times out: ours fires this later. */
#define DRAIN_SLACK_MS 1000
/* Open connections may finish their request this long after the close. */
#define CLOSE_GRACE_MS 5000
/* While closing, a keep-alive connection idle this long is closed. */
#define DRAIN_IDLE_MS 500

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

/* What a worker tells the master over its pipe once it serves, or not. */
struct worker_report {
	int32_t err; /* 0: serving; else why the start failed */
	char msg[MSG_MAX]; /* one line: what failed and what to do */
};

/*
 * The worker process: sets up on cpu, reports to report_fd, serves until
 * stopped. Returns its exit status; never returns into the master's code.
 */
int worker_main(const struct config *cfg, int cpu, unsigned int gen,
		bool standby, int report_fd, pid_t master);

/* The slot's active listener now (it accepted, or the master said so). */
void worker_promoted(struct worker *w, const char *why);

#endif /* STEER_HTTP_WORKER_H */
