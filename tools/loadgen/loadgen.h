/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loadgen's shared vocabulary: the run's configuration, the outcomes a
 * connection can have and the limits every part agrees on.
 */
#ifndef LOADGEN_H
#define LOADGEN_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct rss_nic;

/* Server CPUs counted, and the range of cpu= in a reply. */
#define CPUS_MAX CPU_SETSIZE
/*
 * The server's reply is about 120 bytes; a reply that does not fit in this
 * is not the server's and counts as bad_payload.
 */
#define RESPONSE_MAX 2048

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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

extern const char *const outcome_names[OUTCOME_COUNT];

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
	/*
	 * --udp: each "connection" is one datagram from a new socket (a new
	 * flow) and the answer of udp_echo; no TCP at all.
	 */
	bool udp;
	bool json;
	bool quiet;
	bool allow_host_netns;
	bool allow_routed;
	/* --rss: source ports chosen for the NIC this describes; else NULL. */
	struct rss_nic *rss;
	struct sockaddr_storage rss_source; /* --bind's, or the route's */
	socklen_t rss_source_len;
};

#endif /* LOADGEN_H */
