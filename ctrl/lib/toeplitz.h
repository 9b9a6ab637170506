/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Toeplitz RSS hash as NICs compute it: a bit-serial reference and the
 * byte-table method the XDP program uses, which must always agree.
 */
#ifndef STEER_TOEPLITZ_H
#define STEER_TOEPLITZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "steer_abi.h"

/* Microsoft's well-known default RSS key, 40 bytes (6d5a56da255b0ec2...). */
extern const uint8_t toeplitz_default_key[STEER_RSS_KEY_DEFAULT_LEN];

/*
 * Reference, bit-serial. Requires len + 4 <= key_len; key bits past the end
 * of the key read as zero, so a violation gives a wrong hash, never an
 * out-of-bounds read.
 */
uint32_t toeplitz_hash(const uint8_t *key, size_t key_len, const uint8_t *in,
		       size_t len);

/*
 * table[i][b] = hash contribution of byte value b at input position i
 * (i < positions); positions <= key_len - 4.
 */
void toeplitz_table_build(const uint8_t *key, size_t key_len,
			  uint32_t table[][256], size_t positions);

/* XOR of table[i][in[i]] for i < len. */
uint32_t toeplitz_table_hash(const uint32_t table[][256], const uint8_t *in,
			     size_t len);

/*
 * Build the hash input: saddr, daddr, [sport, dport] (network order; ports
 * given in network order). af is AF_INET or AF_INET6. Writes up to
 * STEER_TOEPLITZ_INPUT_MAX bytes, returns the length (8/12 for v4, 32/36 for
 * v6), or 0 for another af.
 */
size_t toeplitz_input(uint8_t *buf, int af, const void *saddr,
		      const void *daddr, uint16_t sport_be, uint16_t dport_be,
		      bool with_ports);

#endif /* STEER_TOEPLITZ_H */
