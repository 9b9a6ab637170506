/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Strict parsers for command-line and protocol values: addresses, group
 * names, ports, numbers, hex keys and CPU lists. Each fails with -EINVAL and a message for the user.
 */
#ifndef STEER_PARSE_H
#define STEER_PARSE_H

#include <netinet/in.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>

#define PARSE_ERR_MAX 256

/* Why a value was refused, e.g. "'70000' is out of range 0-65535". */
struct parse_err {
	char msg[PARSE_ERR_MAX];
};

struct steer_addr {
	int af; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t bytes[sizeof(struct in6_addr)];
	};
};

/* IPv4 dotted quad or IPv6 text form (inet_pton); returns 0 and sets af. */
int parse_addr(const char *s, struct steer_addr *addr, struct parse_err *err);

/*
 * A group's name: 1 to PROTO_GROUP_NAME_MAX letters, digits, '-', '_' or
 * '.', the one rule steerd and steerctl both apply.
 */
int parse_group_name(const char *s, struct parse_err *err);

/*
 * ADDR:PORT, the address in brackets when it is IPv6 (its colons would
 * make the port ambiguous), as in 198.18.0.1:80 or [2001:db8::1]:80. The
 * port is 1-65535: port 0 is nobody's address.
 */
int parse_addr_port(const char *s, struct steer_addr *addr, uint16_t *port,
		    struct parse_err *err);

/* Decimal 0..max: digits only, no sign, space, base prefix or junk. */
int parse_u32(const char *s, uint32_t max, uint32_t *val,
	      struct parse_err *err);

/* Decimal 0..max, 64 bits wide; the same rules as parse_u32. */
int parse_u64(const char *s, uint64_t max, uint64_t *val,
	      struct parse_err *err);

/* A port, decimal 0..65535, in host order. */
int parse_port(const char *s, uint16_t *port, struct parse_err *err);

/*
 * Hex bytes: an optional 0x prefix, then either plain digits ("6d5a56") or
 * every byte separated by ':' as ethtool prints keys ("6d:5a:56"). Stores up
 * to max bytes in buf and their number in len. Longer input is refused, with
 * len set to its length so the caller can say how long it was.
 */
int parse_hex(const char *s, uint8_t *buf, size_t max, size_t *len,
	      struct parse_err *err);

/*
 * A CPU list as in /sys ("0-3,6"): CPUs below STEER_MAX_CPUS, ranges
 * ascending, no CPU twice. Stores them in order in cpus (at most max) and
 * their number in nr.
 */
int parse_cpu_list(const char *s, uint32_t *cpus, size_t max, size_t *nr,
		   struct parse_err *err);

/* The same CPU list as parse_cpu_list, as a cpu_set_t (emptied first). */
int parse_cpu_set(const char *s, cpu_set_t *set, struct parse_err *err);

/*
 * An RSS key as ethtool -x prints it: hex as parse_hex reads it, 40 or 52
 * bytes (steer_rss_key_len_valid). key holds STEER_RSS_KEY_MAX bytes.
 */
int parse_rss_key(const char *s, uint8_t *key, size_t *len,
		  struct parse_err *err);

/*
 * An RSS indirection table: either "N", the table `ethtool -X DEV equal N`
 * makes, STEER_INDIR_EQUAL_SIZE entries i % N, or the queue of every
 * entry in order, "0,1,0,1" (two entries at least: one number is N).
 * Queues are below STEER_MAX_QUEUES; at most max (<= STEER_INDIR_MAX)
 * entries. Stores them in indir and their number in size.
 */
#define STEER_INDIR_EQUAL_SIZE 128 /* the most common NIC table size */
int parse_indir_table(const char *s, uint32_t *indir, size_t max, size_t *size,
		      struct parse_err *err);

/*
 * The CPU of each RX queue, "QUEUE:CPU,...", as in "0:0,1:1" (what the
 * queues' IRQ affinity says). cpu_of_queue has STEER_MAX_QUEUES entries;
 * unlisted queues are set to STEER_INDIR_NONE. A queue listed twice is
 * refused; a CPU may serve several queues.
 */
int parse_queue_cpus(const char *s, uint32_t *cpu_of_queue,
		     struct parse_err *err);

#endif /* STEER_PARSE_H */
