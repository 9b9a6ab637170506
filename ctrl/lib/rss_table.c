// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fills the steer_rss map value: key, Toeplitz table and indirection table,
 * so the XDP program hashes with one lookup and no per-packet key work.
 */
#include <errno.h>
#include <string.h>

#include "rss_table.h"
#include "toeplitz.h"

/* ice and i40e use 52-byte keys; most other NICs the 40-byte default. */
#define RSS_KEY_LEN_LONG 52

_Static_assert(RSS_KEY_LEN_LONG == STEER_RSS_KEY_MAX, "longest RSS key");
/* The table covers the longest input; the shortest key must allow it. */
_Static_assert(STEER_TOEPLITZ_INPUT_MAX + sizeof(uint32_t) <=
		       STEER_RSS_KEY_DEFAULT_LEN,
	       "a 40-byte key hashes the IPv6 input");

bool steer_rss_key_len_valid(size_t key_len)
{
	return key_len == STEER_RSS_KEY_DEFAULT_LEN ||
	       key_len == RSS_KEY_LEN_LONG;
}

int steer_rss_fill(struct steer_rss *rss, const uint8_t *key, size_t key_len,
		   const uint32_t *indir, size_t indir_size)
{
	size_t i;

	if (!steer_rss_key_len_valid(key_len) || !indir_size ||
	    indir_size > STEER_INDIR_MAX)
		return -EINVAL;

	rss->key_len = key_len;
	memset(rss->key, 0, sizeof(rss->key));
	memcpy(rss->key, key, key_len);

	rss->indir_size = indir_size;
	memcpy(rss->indir, indir, indir_size * sizeof(rss->indir[0]));
	for (i = indir_size; i < STEER_INDIR_MAX; i++)
		rss->indir[i] = STEER_INDIR_NONE;

	toeplitz_table_build(key, key_len, rss->toeplitz,
			     STEER_TOEPLITZ_INPUT_MAX);
	return 0;
}

void steer_indir_round_robin(uint32_t *indir, size_t size, const uint32_t *cpus,
			     size_t nr_cpus)
{
	size_t i;

	for (i = 0; i < size; i++)
		indir[i] = nr_cpus ? cpus[i % nr_cpus] : STEER_INDIR_NONE;
}
