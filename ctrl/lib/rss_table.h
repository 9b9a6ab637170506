/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Builds struct steer_rss, the BPF map value holding an interface's RSS key,
 * its precomputed Toeplitz table and its indirection table.
 */
#ifndef STEER_RSS_TABLE_H
#define STEER_RSS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "steer_abi.h"

/* The RSS key lengths NICs use and the BPF table supports: 40 or 52. */
bool steer_rss_key_len_valid(size_t key_len);

/*
 * Fills rss: key, key_len, toeplitz tables for all STEER_TOEPLITZ_INPUT_MAX
 * positions, indir_size and indir[0..size) (rest STEER_INDIR_NONE).
 * -EINVAL when key_len is not 40 or 52, or indir_size is 0 or >
 * STEER_INDIR_MAX; rss is then left untouched.
 */
int steer_rss_fill(struct steer_rss *rss, const uint8_t *key, size_t key_len,
		   const uint32_t *indir, size_t indir_size);

/* indir[i] = cpus[i % nr_cpus]; all STEER_INDIR_NONE when nr_cpus is 0. */
void steer_indir_round_robin(uint32_t *indir, size_t size, const uint32_t *cpus,
			     size_t nr_cpus);

#endif /* STEER_RSS_TABLE_H */
