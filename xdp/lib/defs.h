/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Common includes and protocol constants for steer's BPF programs. */
#ifndef STEER_BPF_DEFS_H
#define STEER_BPF_DEFS_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

#include "steer_abi.h"

/* Macros are not in BTF, so vmlinux.h lacks them. */
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8

/* IPv6 extension headers (include/net/ipv6.h; not in the uapi enum). */
#define IPPROTO_HOPOPTS 0
#define IPPROTO_ROUTING 43
#define IPPROTO_FRAGMENT 44
#define IPPROTO_DSTOPTS 60

#define IPV6_MAXPLEN 65535 /* the most the payload length field holds */

/* Above any frame's length: bounds lengths read from a frame, for the verifier. */
#define STEER_LEN_BOUND (1U << 24)

#define IP_MF 0x2000
#define IP_OFFSET 0x1FFF

#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_ACK 0x10

/*
 * barrier_var() (bpf_helpers.h) hides what the compiler knows of a value.
 * Bounds checks against data_end that the compiler can prove redundant (after
 * checking an IP length against it) are still needed by the verifier, which
 * does not reason transitively.
 */

/*
 * The result of a pipeline stage: STEER_NEXT to go on, or the steer_counter
 * that ends the frame's path (counted, frame passed untouched).
 */
#define STEER_NEXT STEER_CNT_MAX

#endif /* STEER_BPF_DEFS_H */
