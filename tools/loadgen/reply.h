/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The example server's reply: an HTTP/1.x 200 response whose body names
 * the CPU and the worker that took the connection.
 */
#ifndef LOADGEN_REPLY_H
#define LOADGEN_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the server said about the connection, from the response body. */
struct reply {
	int cpu;
	int incoming_cpu;
	int pid;
	uint32_t gen;
	bool close; /* the server sent Connection: close */
};

enum reply_result { REPLY_MORE, REPLY_DONE, REPLY_BAD };

/*
 * Parses buf[0..len) (at most RESPONSE_MAX bytes): MORE while it is the
 * prefix of a response, DONE with r filled for a complete 200 response
 * whose body holds cpu=, incoming_cpu=, pid= and gen=, else BAD.
 */
enum reply_result reply_parse(const char *buf, size_t len, struct reply *r);

/*
 * Parses udp_echo's answer to `sent`: the line of fields (as in the
 * HTTP body above) then the datagram sent, echoed. DONE or BAD.
 */
enum reply_result reply_parse_datagram(const char *buf, size_t len,
				       const char *sent, size_t sent_len,
				       struct reply *r);

#endif /* LOADGEN_REPLY_H */
