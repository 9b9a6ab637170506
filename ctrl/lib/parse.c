// SPDX-License-Identifier: GPL-2.0-only
/*
 * Command-line value parsers that refuse anything ambiguous and say exactly
 * what is wrong, so a typo never becomes a silently different flow or key.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "proto.h"
#include "rss_table.h"
#include "steer_abi.h"

#define PORT_MAX (STEER_PORTS - 1)
#define ADDR_EXAMPLE "e.g. 198.18.0.1 or 2001:db8::1"

static __attribute__((format(printf, 2, 3))) int
parse_fail(struct parse_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int parse_addr(const char *s, struct steer_addr *addr, struct parse_err *err)
{
	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, s, &addr->v4) == 1) {
		addr->af = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &addr->v6) == 1) {
		addr->af = AF_INET6;
		return 0;
	}
	if (!*s)
		return parse_fail(err, "empty address (" ADDR_EXAMPLE ")");
	return parse_fail(err, "'%s' is not an IPv4 or IPv6 address (%s)", s,
			  ADDR_EXAMPLE);
}

static bool group_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

int parse_group_name(const char *s, struct parse_err *err)
{
	const char *p;

	if (!*s)
		return parse_fail(err, "empty group name");
	if (strlen(s) > PROTO_GROUP_NAME_MAX)
		return parse_fail(err,
				  "group name '%s' is longer than %d "
				  "characters",
				  s, PROTO_GROUP_NAME_MAX);
	for (p = s; *p; p++)
		if (!group_name_char(*p))
			return parse_fail(err,
					  "group name '%s': '%c' is not "
					  "allowed (letters, digits, '-', '_' "
					  "and '.' are)",
					  s, *p);
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Reads the decimal number at *p and advances *p past it; the caller checks
 * what follows. -EINVAL: no digit at *p; -ERANGE: above max. No message:
 * only the caller knows what the number is.
 */
static int read_u64(const char **p, uint64_t max, uint64_t *val)
{
	const char *s = *p;
	uint64_t v = 0, digit;

	if (!is_digit(*s))
		return -EINVAL;
	for (; is_digit(*s); s++) {
		digit = (uint64_t)(*s - '0');
		/* v * 10 + digit > max, asked without overflowing. */
		if (digit > max || v > (max - digit) / 10)
			return -ERANGE;
		v = v * 10 + digit;
	}
	*p = s;
	*val = v;
	return 0;
}

static int read_u32(const char **p, uint32_t max, uint32_t *val)
{
	uint64_t v;
	int ret = read_u64(p, max, &v);

	if (!ret)
		*val = (uint32_t)v;
	return ret;
}

int parse_u32(const char *s, uint32_t max, uint32_t *val, struct parse_err *err)
{
	const char *p = s;
	uint32_t v;
	int ret;

	if (!*s)
		return parse_fail(err, "empty value (expected a number 0-%u)",
				  max);
	ret = read_u32(&p, max, &v);
	if (ret == -ERANGE)
		return parse_fail(err, "'%s' is out of range 0-%u", s, max);
	if (ret || *p)
		return parse_fail(err, "'%s' is not a decimal number 0-%u", s,
				  max);
	*val = v;
	return 0;
}

int parse_u64(const char *s, uint64_t max, uint64_t *val, struct parse_err *err)
{
	const char *p = s;
	uint64_t v;
	int ret;

	if (!*s)
		return parse_fail(err,
				  "empty value (expected a number 0-%" PRIu64
				  ")",
				  max);
	ret = read_u64(&p, max, &v);
	if (ret == -ERANGE)
		return parse_fail(err, "'%s' is out of range 0-%" PRIu64, s,
				  max);
	if (ret || *p)
		return parse_fail(
			err, "'%s' is not a decimal number 0-%" PRIu64, s, max);
	*val = v;
	return 0;
}

int parse_port(const char *s, uint16_t *port, struct parse_err *err)
{
	const char *p = s;
	uint32_t v;
	int ret;

	if (!*s)
		return parse_fail(err, "empty port (expected 0-%u)", PORT_MAX);
	ret = read_u32(&p, PORT_MAX, &v);
	if (ret == -ERANGE)
		return parse_fail(err, "'%s' is out of range: a port is 0-%u",
				  s, PORT_MAX);
	if (ret || *p)
		return parse_fail(err,
				  "'%s' is not a port number (decimal "
				  "0-%u)",
				  s, PORT_MAX);
	*port = v;
	return 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int parse_hex(const char *s, uint8_t *buf, size_t max, size_t *len,
	      struct parse_err *err)
{
	const char *digits = s, *p;
	bool colons;
	size_t n = 0;
	int hi, lo;

	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		digits += 2;
	if (!*digits)
		return parse_fail(err, "empty hex string");
	colons = strchr(digits, ':');

	/* Two digits per byte; with separators, one ':' between bytes. */
	for (p = digits; *p;) {
		hi = hex_value(p[0]);
		lo = p[1] ? hex_value(p[1]) : -1;
		if (hi < 0 || (p[1] && lo < 0)) {
			const char *bad = hi < 0 ? p : p + 1;

			if (*bad == ':')
				goto bad_colon;
			return parse_fail(
				err, "'%c' at offset %zu is not a hex digit",
				*bad, (size_t)(bad - s));
		}
		if (!p[1])
			return parse_fail(
				err,
				"odd number of hex digits; each byte is two");
		if (n < max)
			buf[n] = (uint8_t)(hi << 4 | lo);
		n++; /* counted past max, to say how long the input is */
		p += 2;
		if (!colons || !*p)
			continue;
		if (*p != ':' || !p[1])
			goto bad_colon;
		p++;
	}
	*len = n;
	if (n > max)
		return parse_fail(err, "%zu bytes, longer than %zu", n, max);
	return 0;

bad_colon:
	return parse_fail(err, "':' must separate every byte, as in 6d:5a:56");
}

int parse_cpu_list(const char *s, uint32_t *cpus, size_t max, size_t *nr,
		   struct parse_err *err)
{
	const uint32_t cpu_max = STEER_MAX_CPUS - 1;
	bool seen[STEER_MAX_CPUS] = { false };
	const char *p = s;
	uint32_t first, last, cpu;
	size_t n = 0;
	int ret;

	if (!*s)
		return parse_fail(err, "empty CPU list (e.g. 0-3,6)");
	for (;;) {
		ret = read_u32(&p, cpu_max, &first);
		last = first;
		if (!ret && *p == '-') {
			p++;
			ret = read_u32(&p, cpu_max, &last);
		}
		if (ret == -ERANGE)
			return parse_fail(err, "'%s': a CPU is 0-%u", s,
					  cpu_max);
		if (ret || (*p && *p != ','))
			return parse_fail(err,
					  "'%s' is not a CPU list (e.g. "
					  "0-3,6)",
					  s);
		if (last < first)
			return parse_fail(err,
					  "'%s': range %u-%u is "
					  "descending",
					  s, first, last);
		for (cpu = first; cpu <= last; cpu++) {
			if (seen[cpu])
				return parse_fail(err,
						  "'%s': CPU %u is listed "
						  "twice",
						  s, cpu);
			if (n == max)
				return parse_fail(err,
						  "'%s' lists more than "
						  "%zu CPUs",
						  s, max);
			seen[cpu] = true;
			cpus[n++] = cpu;
		}
		if (!*p)
			break;
		p++; /* the ',' */
	}
	*nr = n;
	return 0;
}

int parse_cpu_set(const char *s, cpu_set_t *set, struct parse_err *err)
{
	uint32_t cpus[STEER_MAX_CPUS];
	size_t nr, i;
	int ret;

	_Static_assert(STEER_MAX_CPUS <= CPU_SETSIZE, "a CPU fits a cpu_set_t");
	CPU_ZERO(set);
	ret = parse_cpu_list(s, cpus, STEER_MAX_CPUS, &nr, err);
	if (ret)
		return ret;
	for (i = 0; i < nr; i++)
		CPU_SET(cpus[i], set);
	return 0;
}

int parse_rss_key(const char *s, uint8_t *key, size_t *len,
		  struct parse_err *err)
{
	*len = 0;
	/* Too long is said below, with the lengths that are valid. */
	if (parse_hex(s, key, STEER_RSS_KEY_MAX, len, err) &&
	    *len <= STEER_RSS_KEY_MAX)
		return -EINVAL;
	if (!steer_rss_key_len_valid(*len))
		return parse_fail(err,
				  "an RSS key is %d or %d bytes, not %zu "
				  "(ethtool -x shows a NIC's)",
				  STEER_RSS_KEY_DEFAULT_LEN, STEER_RSS_KEY_MAX,
				  *len);
	return 0;
}

/* Reads "N,N,...": numbers 0..max, at most room of them. */
static int read_u32_list(const char **p, uint32_t max, uint32_t *out,
			 size_t room, size_t *nr)
{
	size_t n = 0;
	int ret;

	for (;;) {
		if (n == room)
			return -E2BIG;
		ret = read_u32(p, max, &out[n]);
		if (ret)
			return ret;
		n++;
		if (**p != ',')
			break;
		(*p)++;
	}
	*nr = n;
	return 0;
}

int parse_indir_table(const char *s, uint32_t *indir, size_t max, size_t *size,
		      struct parse_err *err)
{
	const uint32_t queue_max = STEER_MAX_QUEUES - 1;
	const char *p = s;
	size_t n, i;
	int ret;

	if (!*s)
		return parse_fail(err, "empty indirection table (e.g. 4 or "
				       "0,1,0,1)");
	ret = read_u32_list(&p, queue_max, indir, max, &n);
	if (ret == -E2BIG)
		return parse_fail(err, "'%s' has more than %zu entries", s,
				  max);
	if (ret == -ERANGE)
		return parse_fail(err, "'%s': a queue is 0-%u", s, queue_max);
	if (ret || *p)
		return parse_fail(err,
				  "'%s' is not an indirection table (N, or "
				  "the queue of each entry: 0,1,0,1)",
				  s);
	if (n > 1) {
		*size = n;
		return 0;
	}
	/* One number: the queue count of ethtool -X equal N. */
	if (!indir[0] || indir[0] > STEER_INDIR_EQUAL_SIZE)
		return parse_fail(err, "'%s': N queues is 1-%d", s,
				  STEER_INDIR_EQUAL_SIZE);
	if (max < STEER_INDIR_EQUAL_SIZE)
		return parse_fail(err, "a table of %d entries does not fit",
				  STEER_INDIR_EQUAL_SIZE);
	n = indir[0];
	for (i = 0; i < STEER_INDIR_EQUAL_SIZE; i++)
		indir[i] = (uint32_t)(i % n);
	*size = STEER_INDIR_EQUAL_SIZE;
	return 0;
}

int parse_queue_cpus(const char *s, uint32_t *cpu_of_queue,
		     struct parse_err *err)
{
	const uint32_t queue_max = STEER_MAX_QUEUES - 1,
		       cpu_max = STEER_MAX_CPUS - 1;
	const char *p = s;
	uint32_t queue, cpu;
	size_t i;
	int ret;

	for (i = 0; i < STEER_MAX_QUEUES; i++)
		cpu_of_queue[i] = STEER_INDIR_NONE;
	if (!*s)
		return parse_fail(err, "empty queue CPU list (e.g. 0:0,1:1)");
	for (;;) {
		ret = read_u32(&p, queue_max, &queue);
		if (ret == -ERANGE)
			return parse_fail(err, "'%s': a queue is 0-%u", s,
					  queue_max);
		if (!ret && *p++ != ':')
			ret = -EINVAL;
		if (!ret) {
			ret = read_u32(&p, cpu_max, &cpu);
			if (ret == -ERANGE)
				return parse_fail(err, "'%s': a CPU is 0-%u", s,
						  cpu_max);
		}
		if (ret || (*p && *p != ','))
			return parse_fail(err,
					  "'%s' is not a list of QUEUE:CPU "
					  "(e.g. 0:0,1:1)",
					  s);
		if (cpu_of_queue[queue] != STEER_INDIR_NONE)
			return parse_fail(err, "'%s': queue %u is listed twice",
					  s, queue);
		cpu_of_queue[queue] = cpu;
		if (!*p)
			return 0;
		p++; /* the ',' */
	}
}

int parse_addr_port(const char *s, struct steer_addr *addr, uint16_t *port,
		    struct parse_err *err)
{
	char text[INET6_ADDRSTRLEN];
	bool bracketed = s[0] == '[';
	const char *end, *colon;
	size_t len;

	if (bracketed) {
		end = strchr(s, ']');
		if (!end || end[1] != ':')
			goto bad;
		len = end - (s + 1);
		colon = end + 1;
		s++;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			goto bad;
		if (strchr(s, ':') != colon) {
			snprintf(err->msg, sizeof(err->msg),
				 "'%s': an IPv6 address goes in brackets, as "
				 "in [2001:db8::1]:443",
				 s);
			return -EINVAL;
		}
		len = colon - s;
	}
	if (len >= sizeof(text)) {
		snprintf(err->msg, sizeof(err->msg),
			 "'%.*s' is not an IPv4 or IPv6 address", (int)len, s);
		return -EINVAL;
	}
	memcpy(text, s, len);
	text[len] = '\0';
	if (parse_addr(text, addr, err))
		return -EINVAL;
	if (bracketed && addr->af != AF_INET6) {
		snprintf(err->msg, sizeof(err->msg),
			 "'%s' is IPv4: brackets are for IPv6 addresses", text);
		return -EINVAL;
	}
	if (parse_port(colon + 1, port, err))
		return -EINVAL;
	if (!*port) {
		snprintf(err->msg, sizeof(err->msg),
			 "port 0 is not a port to listen on (1-65535)");
		return -EINVAL;
	}
	return 0;
bad:
	snprintf(err->msg, sizeof(err->msg), "'%s' is not ADDR:PORT (%s)", s,
		 "e.g. 198.18.0.1:80, 0.0.0.0:80, [2001:db8::1]:443");
	return -EINVAL;
}
