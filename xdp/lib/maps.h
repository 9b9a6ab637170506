/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The maps of the XDP steering program, as the ABI header describes them. */
#ifndef STEER_BPF_MAPS_H
#define STEER_BPF_MAPS_H

#include "defs.h"
#include "maps_group.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STEER_MAX_IFACES);
	__type(key, __u32);
	__type(value, struct steer_iface);
} steer_ifaces SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STEER_MAX_IFACES * 2);
	__type(key, __u32);
	__type(value, struct steer_rss);
} steer_rss SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STEER_MAX_IFACES * 2);
	__type(key, __u32);
	__type(value, struct steer_cpu_table);
} steer_cpu_tables SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STEER_PROTO_COUNT *STEER_PORTS);
	__type(key, __u32);
	__type(value, struct steer_port);
} steer_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, STEER_MAX_GROUPS);
	__type(key, struct steer_listen_key);
	__type(value, struct steer_match);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} steer_listen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STEER_MAX_GROUPS);
	__type(key, __u32);
	__type(value, struct steer_live_cpus);
} steer_live_cpus SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, STEER_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} steer_cpumap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, STEER_MAX_GROUPS *STEER_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} steer_xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STEER_MAX_GROUPS);
	__type(key, __u32);
	__type(value, __u32);
} steer_xsk_ifaces SEC(".maps");

/* steerd's xsk registrations; no program reads it, it lives here to be pinned. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, STEER_SOCKS_MAX);
	__type(key, __u32);
	__type(value, struct steer_xsk_record);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} steer_xsk_records SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STEER_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} steer_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STEER_MAX_IFACES);
	__type(key, __u32);
	__type(value, struct steer_iface_stats);
} steer_iface_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct steer_decision);
} steer_debug SEC(".maps");

#endif /* STEER_BPF_MAPS_H */
