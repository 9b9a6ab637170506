/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * steerd's state and the functions of its parts: BPF objects and pins
 * (daemon_bpf.c), interfaces (daemon_iface.c), listener groups and their
 * listeners (daemon_group.c), the control socket (daemon_ctl.c).
 */
#ifndef STEER_DAEMON_H
#define STEER_DAEMON_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "dataplane/maps.h"
#include "steer_abi.h"

#define STEERD_MAX_CLIENTS 256
#define STEERD_TICK_MS 10 /* drain watch and reconcile clock */
#define STEERD_RECONCILE_MS 1000

struct steer_xdp;
struct steer_reuseport;
struct steer_lifecycle;
struct steer_cpumap_trace;
struct proto_cpu_stats;
struct ring_buffer;
struct xdp_program;
struct mnl_socket;

struct steerd_iface {
	bool in_use;
	char name[IF_NAMESIZE];
	int ifindex;
	enum steer_mode steer;
	bool skb_mode; /* generic XDP */
	bool dispatcher; /* attached through libxdp's dispatcher */
	uint32_t rx_queues;
	uint32_t nr_cpus;
	uint32_t cpus[STEER_MAX_CPUS];
	struct steer_xdp *skel; /* NULL after a restart: found, not loaded */
	struct xdp_program *prog;
};

struct steerd_listener {
	bool in_use;
	uint64_t cookie;
	uint16_t group;
	uint16_t slot;
	uint8_t bank;
	enum steer_slot_state state;
	pid_t pid;
	int client; /* registrant's connection index, -1 when gone */
	/* Drain: started, deadline, and the client waiting for its end. */
	uint64_t drain_start_ms, drain_deadline_ms;
	int drain_waiter; /* connection index, -1 */
	uint32_t drained; /* connections accepted from its queue meanwhile */
	uint32_t last_queue;
};

struct steerd_group {
	struct steer_group g; /* as pinned in steer_groups; name[0]: unused */
	struct steer_reuseport *skel; /* its reuseport program, loaded lazily */
};

struct steerd_client {
	int fd; /* -1: free */
	uid_t uid;
	pid_t pid;
	bool allowed; /* root, or in steerd's --group */
};

struct steerd {
	const char *bpffs;
	const char *sock_path;
	gid_t allowed_gid; /* besides root; (gid_t)-1: root only */
	char pin_dir[PATH_MAX];
	bool reused_pins; /* found a previous steerd's pins */
	uint64_t netns_cookie;

	struct steer_xdp *xdp; /* unattached: opens the pinned XDP maps */
	struct steer_lifecycle *lifecycle; /* and the listener maps */
	struct steer_cpumap_trace *cpumap_trace; /* NULL: not loaded */
	int cpu_stats; /* its steer_cpu_stats, -1 without it */
	struct steer_maps maps;
	struct steer_sock_maps socks;
	struct ring_buffer *events;
	bool migrate_req_set; /* net.ipv4.tcp_migrate_req turned on */
	int dispatcher_seen; /* -1 unknown, else the last attach's mode */

	int epfd, listen_fd, signal_fd, timer_fd;
	struct mnl_socket *links; /* RTMGRP_LINK: removals and renames */
	bool running, detach_on_exit;

	struct steerd_iface ifaces[STEER_MAX_IFACES];
	struct steerd_group groups[STEER_MAX_GROUPS];
	struct steerd_listener listeners[STEER_SOCKS_MAX];
	struct steerd_client clients[STEERD_MAX_CLIENTS];
};

uint64_t steerd_now_ms(void);
/* A success reply carrying fields (consumed). */
json_t *steerd_reply(json_t *fields);
const char *steerd_state_name(enum steer_slot_state s);

/* daemon_bpf.c */
int steerd_bpf_open(struct steerd *d);
void steerd_bpf_close(struct steerd *d, bool unpin);
/* Points a skeleton's maps at the pins (created at first load). */
int steerd_bpf_pin_maps(struct steerd *d, struct bpf_object *obj);
/* The group's reuseport program, loaded on first use. */
int steerd_bpf_group_prog(struct steerd *d, uint16_t group);

/* cpumap_trace.c: CPUMAP drops counted, once the XDP maps are open. */
int steerd_cpumap_trace_open(struct steerd *d);
void steerd_cpumap_trace_close(struct steerd *d);
/*
 * The CPUMAP counters of each CPU steer redirects to or counted drops
 * for, in out[STEER_MAX_CPUS]; returns how many. None without the program.
 */
size_t steerd_cpu_stats(const struct steerd *d, struct proto_cpu_stats *out);

/* daemon_iface.c */
int steerd_iface_restore(struct steerd *d);
json_t *steerd_iface_attach(struct steerd *d, const json_t *req);
json_t *steerd_iface_detach(struct steerd *d, const json_t *req);
json_t *steerd_iface_show(struct steerd *d, const json_t *req);
void steerd_iface_detach_all(struct steerd *d);
/* Link notifications: returns the fd to watch, or a negative errno. */
int steerd_iface_watch_open(struct steerd *d);
void steerd_iface_watch_close(struct steerd *d);
void steerd_iface_link_event(struct steerd *d);

/* daemon_group.c */
int steerd_group_restore(struct steerd *d);
json_t *steerd_group_add(struct steerd *d, const json_t *req);
json_t *steerd_group_del(struct steerd *d, const json_t *req);
json_t *steerd_group_list(struct steerd *d, const json_t *req);
json_t *steerd_group_show(struct steerd *d, const json_t *req);
struct steerd_group *steerd_group_find(struct steerd *d, const char *name);
/* The group named by req's member key; NULL with *error set otherwise. */
struct steerd_group *steerd_group_arg(struct steerd *d, const json_t *req,
				      const char *key, json_t **error);

/* daemon_listener.c */
json_t *steerd_register(struct steerd *d, const json_t *req, int fd,
			int client);
json_t *steerd_drain(struct steerd *d, const json_t *req, int client,
		     bool *deferred);
void steerd_listener_closed(struct steerd *d, uint64_t cookie,
			    uint64_t closed_ns);
void steerd_client_gone(struct steerd *d, int client);
void steerd_tick(struct steerd *d);
void steerd_reconcile(struct steerd *d);
int steerd_listeners_restore(struct steerd *d);
int steerd_write_live(struct steerd *d, uint16_t group);
json_t *steerd_stats(struct steerd *d, const json_t *req);
json_t *steerd_status(struct steerd *d, const json_t *req);
/* Counts a group's listeners by state. */
void steerd_group_counts(const struct steerd *d, uint16_t group,
			 uint32_t counts[4]);

/* daemon_ctl.c */
int steerd_ctl_open(struct steerd *d);
void steerd_ctl_close(struct steerd *d);
void steerd_ctl_accept(struct steerd *d);
void steerd_ctl_serve(struct steerd *d, int client);
int steerd_send(struct steerd *d, int client, json_t *msg);

#endif /* STEER_DAEMON_H */
