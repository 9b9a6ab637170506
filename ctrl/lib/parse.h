/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Strict parsers for command-line values: addresses, ports, numbers, hex
 * keys and CPU lists. Each fails with -EINVAL and a message for the user.
 */
#ifndef STEER_PARSE_H
#define STEER_PARSE_H

#include <netinet/in.h>
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
 * ADDR:PORT, the address in brackets when it is IPv6 (its colons would
 * make the port ambiguous), as in 198.18.0.1:80 or [2001:db8::1]:80. The
 * port is 1-65535: port 0 is nobody's address.
 */
int parse_addr_port(const char *s, struct steer_addr *addr, uint16_t *port,
		    struct parse_err *err);

/* Decimal 0..max: digits only, no sign, space, base prefix or junk. */
int parse_u32(const char *s, uint32_t max, uint32_t *val,
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

#endif /* STEER_PARSE_H */
