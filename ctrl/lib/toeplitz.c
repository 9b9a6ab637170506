// SPDX-License-Identifier: GPL-2.0-only
/*
 * Toeplitz RSS hash: the bit-serial definition, the per-byte table method
 * and the input layout (addresses, then ports) NICs hash.
 */
#include <string.h>
#include <sys/socket.h>

#include "toeplitz.h"

#define IP4_ADDR_LEN 4
#define IP6_ADDR_LEN 16
#define PORT_LEN 2
#define HASH_BYTES 4 /* the 32-bit window slid along the key */

_Static_assert(2 * (IP4_ADDR_LEN + PORT_LEN) == STEER_TOEPLITZ_V4_LEN,
	       "IPv4 hash input");
_Static_assert(2 * (IP6_ADDR_LEN + PORT_LEN) == STEER_TOEPLITZ_V6_LEN,
	       "IPv6 hash input");

const uint8_t toeplitz_default_key[STEER_RSS_KEY_DEFAULT_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static unsigned int key_bit(const uint8_t *key, size_t key_len, size_t bit)
{
	size_t byte = bit / 8;

	if (byte >= key_len)
		return 0;
	return (key[byte] >> (7 - bit % 8)) & 1;
}

uint32_t toeplitz_hash(const uint8_t *key, size_t key_len, const uint8_t *in,
		       size_t len)
{
	uint32_t window = 0, hash = 0;
	size_t next = 0; /* next key bit to shift into the window */
	size_t i;
	int bit;

	for (; next < 8 * HASH_BYTES; next++)
		window = (window << 1) | key_bit(key, key_len, next);

	/* For each input bit, MSB first: XOR in the window, slide it by one. */
	for (i = 0; i < len; i++) {
		for (bit = 7; bit >= 0; bit--) {
			if (in[i] & (1U << bit))
				hash ^= window;
			window = (window << 1) | key_bit(key, key_len, next++);
		}
	}
	return hash;
}

/* The 32 key bits starting at bit offset `bit`. */
static uint32_t key_window(const uint8_t *key, size_t key_len, size_t bit)
{
	uint32_t window = 0;
	size_t i;

	for (i = 0; i < 8 * HASH_BYTES; i++)
		window = (window << 1) | key_bit(key, key_len, bit + i);
	return window;
}

void toeplitz_table_build(const uint8_t *key, size_t key_len,
			  uint32_t table[][256], size_t positions)
{
	uint32_t bit_hash[8]; /* contribution of bit k (value 1 << k) alone */
	size_t i;
	int b, k;

	for (i = 0; i < positions; i++) {
		/* Bit k of byte i is input bit 8 * i + 7 - k, MSB first. */
		for (k = 0; k < 8; k++)
			bit_hash[k] = key_window(key, key_len, 8 * i + 7 - k);

		/* A byte's contribution is the XOR over its set bits: reuse
		 * the entry without the lowest set bit.
		 */
		table[i][0] = 0;
		for (b = 1; b < 256; b++)
			table[i][b] = table[i][b & (b - 1)] ^
				      bit_hash[__builtin_ctz(b)];
	}
}

uint32_t toeplitz_table_hash(const uint32_t table[][256], const uint8_t *in,
			     size_t len)
{
	uint32_t hash = 0;
	size_t i;

	for (i = 0; i < len; i++)
		hash ^= table[i][in[i]];
	return hash;
}

size_t toeplitz_input(uint8_t *buf, int af, const void *saddr,
		      const void *daddr, uint16_t sport_be, uint16_t dport_be,
		      bool with_ports)
{
	size_t addr_len, len;

	switch (af) {
	case AF_INET:
		addr_len = IP4_ADDR_LEN;
		break;
	case AF_INET6:
		addr_len = IP6_ADDR_LEN;
		break;
	default:
		return 0;
	}

	memcpy(buf, saddr, addr_len);
	memcpy(buf + addr_len, daddr, addr_len);
	len = 2 * addr_len;
	if (with_ports) {
		/* Already in network order: copy the bytes as they are. */
		memcpy(buf + len, &sport_be, PORT_LEN);
		memcpy(buf + len + PORT_LEN, &dport_be, PORT_LEN);
		len += 2 * PORT_LEN;
	}
	return len;
}
