/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Listener maps, shared by the reuseport and the lifecycle programs. */
#ifndef STEER_BPF_MAPS_SOCK_H
#define STEER_BPF_MAPS_SOCK_H

#include "defs.h"

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, STEER_SOCKS_MAX);
	__type(key, struct steer_sock_key);
	__type(value, __u64);
} steer_socks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STEER_MAX_GROUPS);
	__type(key, __u32);
	__type(value, struct steer_live);
} steer_live SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, STEER_SOCKS_MAX);
	__type(key, __u64);
	__type(value, struct steer_listener);
} steer_listeners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, STEER_EVENTS_BYTES);
} steer_events SEC(".maps");

/* steerd's group table; no program reads it, it lives here to be pinned. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STEER_MAX_GROUPS);
	__type(key, __u32);
	__type(value, struct steer_group);
} steer_groups SEC(".maps");

#endif /* STEER_BPF_MAPS_SOCK_H */
