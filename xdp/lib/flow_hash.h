/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The keyed flow hash of cpu mode, one definition for the XDP program and
 * userland (the test oracle, tools, tests that predict a flow's CPU): a few
 * multiply/xor-shift rounds over the 4-tuple, much cheaper than Toeplitz.
 * Not a NIC's hash and not meant to be one: it only spreads flows over the
 * buckets of struct steer_cpu_table, under a key the host chooses.
 *
 * The input is the 4-tuple as 32-bit words loaded in host byte order from
 * the frame: saddr, daddr (2 words for IPv4, 8 for IPv6), then the word
 * holding sport and dport. Loads in host order cost nothing in BPF; a
 * little- and a big-endian host hash differently, and never share a table.
 */
#ifndef STEER_FLOW_HASH_H
#define STEER_FLOW_HASH_H

#ifndef __bpf__
#include <linux/types.h> /* BPF code gets the types from vmlinux.h */
#define STEER_FLOW_HASH_INLINE static inline
#else
#define STEER_FLOW_HASH_INLINE static __always_inline
#endif

#include "steer_abi.h"

/* Words of the hash input: addresses, then the ports. */
#define STEER_FLOW_WORDS_V4 3
#define STEER_FLOW_WORDS_V6 9
#define STEER_FLOW_WORDS_MAX STEER_FLOW_WORDS_V6

/* The key cpu mode uses until the control plane sets its own. */
#define STEER_FLOW_HASH_KEY_DEFAULT 0x5ee7c0de2b7e151aULL

/* Odd 64-bit constants (2^64 / golden ratio; MurmurHash3's fmix64). */
#define STEER_FLOW_HASH_MUL 0x9e3779b97f4a7c15ULL
#define STEER_FLOW_HASH_FMIX 0xff51afd7ed558ccdULL

/* Folds one word in: the multiply spreads it up, the shift back down. */
STEER_FLOW_HASH_INLINE __u64 steer_flow_hash_add(__u64 h, __u32 word)
{
	h = (h ^ word) * STEER_FLOW_HASH_MUL;
	return h ^ (h >> 32);
}

/* Mixes the high bits into the low ones, which pick the bucket. */
STEER_FLOW_HASH_INLINE __u32 steer_flow_hash_end(__u64 h)
{
	h ^= h >> 33;
	h *= STEER_FLOW_HASH_FMIX;
	h ^= h >> 33;
	return (__u32)h;
}

/* The hash of nr_words input words under key. */
STEER_FLOW_HASH_INLINE __u32 steer_flow_hash(__u64 key, const __u32 *words,
					     __u32 nr_words)
{
	__u64 h = key;
	__u32 i;

	for (i = 0; i < nr_words; i++)
		h = steer_flow_hash_add(h, words[i]);
	return steer_flow_hash_end(h);
}

/* The bucket of a flow hash in struct steer_cpu_table. */
#define STEER_CPU_BUCKET(hash) ((hash) & (STEER_CPU_BUCKETS - 1))

#endif /* STEER_FLOW_HASH_H */
