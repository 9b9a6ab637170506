/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * steerd's state and the functions of its parts. Transport below domain:
 * ctl.c (the control socket) knows peers, not commands; cmds.c maps a
 * request to its handler; the handlers are the domain: bpf.c (objects and
 * pins), iface.c (interfaces), group.c (groups), listener.c (registration),
 * adopt.c (listeners taken from servers that never registered them),
 * drain.c (drains), lifecycle.c (closes, promotion, reconcile, restore),
 * status.c (status and stats). main.c runs the loop between them.
 */
#ifndef STEER_DAEMON_H
#define STEER_DAEMON_H

#include <limits.h>
#include <net/if.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "dataplane/maps.h"
#include "netlink/diag.h"
#include "lib/parse.h"
#include "steer_abi.h"

#define STEERD_MAX_PEERS 4096 /* control connections at once */
#define STEERD_ROOT_RESERVE 32 /* of them, kept for root's steerctl */
#define STEERD_IDLE_MS 5000 /* a connection silent so long is closed */
#define STEERD_ACCEPT_BACKOFF_MS 100 /* out of descriptors: accept later */
#define STEERD_TICK_MS 10 /* drain watch and reconcile clock */
#define STEERD_RECONCILE_MS 1000
/* The epoll tag of the control socket, which ctl.c watches itself. */
#define STEERD_EV_LISTEN (-1)
/* Lets a closing listener hand its queue over (Linux 5.14). */
#define STEERD_MIGRATE_REQ "net/ipv4/tcp_migrate_req"

struct steer_xdp;
struct steer_reuseport;
struct steer_lifecycle;
struct steer_cpumap_trace;
struct proto_cpu_stats;
struct ring_buffer;
struct xdp_program;
struct nl_ctx;
struct nic;
struct rtnl_monitor;
struct ethtool_monitor;
struct steerd_ctl;
struct steerd_metrics;

struct steerd_iface {
	bool in_use;
	char name[IF_NAMESIZE];
	int ifindex;
	enum steer_mode steer;
	bool skb_mode; /* generic XDP */
	bool dispatcher; /* attached through libxdp's dispatcher */
	uint32_t rx_queues; /* active, as nic->rx_queues */
	uint32_t nr_cpus;
	uint32_t cpus[STEER_MAX_CPUS];
	struct steer_xdp *skel; /* NULL after a restart: found, not loaded */
	struct xdp_program *prog;

	/* What the NIC does (nic.h), and how steer follows it. */
	struct nic *nic;
	bool verify_rss; /* --verify-rss asked for */
	uint8_t flags; /* STEER_IFACE_F_* as published */
	bool xps; /* --xps wrote the transmit maps */
	bool down; /* the link is administratively down */
	uint32_t prog_id; /* the XDP program id the link reports */
	uint32_t resyncs; /* republished after a change */
	double redirect_fraction; /* cpu mode: flows expected to move */
	uint64_t published_ms; /* the last generation flip */
	char lost[128]; /* "" or what someone else did to steer's program */
};

/*
 * A control connection as the commands see it: its SO_PEERCRED, taken at
 * connect(), by which cmds.c's tenant rules and register's and drain's
 * ownership checks judge each of its requests.
 */
struct steerd_peer {
	uint64_t id; /* never reused: what the domain keeps; 0 is no peer */
	pid_t pid;
	uid_t uid;
	gid_t gid;
	bool allowed; /* root, or in steerd's --group */
};

/*
 * The socket options that change what an accepted connection is, as
 * read from a listener at its registration: a group's listeners must
 * agree on them (listener.c's option table says which they are).
 */
#define STEERD_SOCKOPTS 10
#define STEERD_CC_NAME_MAX 16 /* TCP_CA_NAME_MAX */
struct steerd_sockopts {
	bool known; /* false: restored from the pins, never read */
	int values[STEERD_SOCKOPTS];
	char congestion[STEERD_CC_NAME_MAX];
};

struct steerd_listener {
	bool in_use;
	uint64_t cookie;
	uint16_t group;
	uint16_t slot;
	uint8_t bank;
	uint8_t proto; /* its group's enum steer_proto: a UDP socket or not */
	enum steer_slot_state state;
	pid_t pid;
	uid_t uid; /* who registered it; (uid_t)-1: unknown (restored) */
	uint64_t registrant; /* the peer that registered it, 0 when gone */
	struct steerd_sockopts opts;
	/* Drain: started, deadline, and the peer waiting for its end. */
	uint64_t drain_start_ms, drain_deadline_ms;
	uint64_t drain_waiter; /* peer id, 0: none */
	uint32_t drained; /* connections accepted from its queue meanwhile */
	/* Drained before it for the same waiter (drain --pid --wait). */
	uint32_t drained_listeners;
	uint32_t last_queue;
	/* Taken from a server that never registered it (adopt.c). */
	bool adopted;
	char comm[16]; /* the adopted listener's worker's command name */
};

struct steerd_group {
	struct steer_group g; /* as pinned in steer_groups; name[0]: unused */
	struct steer_reuseport *skel; /* its reuseport program, loaded lazily */
	struct steerd_xsk *xsk; /* xsk groups: their queues (xsk.c), or NULL */
	bool adopt; /* adopt its address's listeners on every reconcile tick */
	char adopt_note[192]; /* the last reason one stayed out, logged once */
};

struct steerd {
	const char *bpffs;
	const char *sock_path;
	gid_t allowed_gid; /* besides root; (gid_t)-1: root only */
	char pin_dir[PATH_MAX];
	int pin_lock_fd; /* flock on pin_dir: one steerd per pin directory */
	bool reused_pins; /* found a previous steerd's pins */
	bool made_bpffs_dir; /* --bpffs did not exist: removed with the pins */
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

	int epfd, signal_fd, timer_fd;
	struct nl_ctx *nl; /* long-lived netlink requests (discovery) */
	struct diag_table drain_table; /* the drain tick's listener dump */
	struct rtnl_monitor *links; /* link events: down, rename, XDP... */
	struct ethtool_monitor *ethtool; /* channel and RSS changes */
	struct steerd_ctl *ctl; /* the control socket and its peers */
	bool running, detach_on_exit;

	const char *config_path; /* --config: applied at start and on SIGHUP */
	bool config_failed; /* its last apply did not complete */

	/* --metrics ADDR:PORT (port 0: off) and its HTTP server. */
	const char *metrics_arg;
	struct steer_addr metrics_addr;
	uint16_t metrics_port;
	struct steerd_metrics *metrics;
	/* Health the metrics thread reads while the loop writes it. */
	_Atomic uint64_t reconcile_repairs; /* listeners gone without event */

	struct steerd_iface ifaces[STEER_MAX_IFACES];
	struct steerd_group groups[STEER_MAX_GROUPS];
	struct steerd_listener listeners[STEER_SOCKS_MAX];
};

/*
 * A command's handler: fd is the descriptor passed with the request
 * (SCM_RIGHTS) or -1, and stays the caller's. Returns the reply, or NULL
 * when the handler answers later itself (drain --wait).
 */
typedef json_t *steerd_cmd_fn(struct steerd *d, const struct steerd_peer *peer,
			      const json_t *req, int fd);

/* cmds.c */
/* The reply to one request from peer, or NULL: answered later. */
json_t *steerd_cmd_call(struct steerd *d, const struct steerd_peer *peer,
			const json_t *req, int fd);
/* A success reply carrying fields (consumed). */
json_t *steerd_reply(json_t *fields);

/* bpf.c */
/*
 * Takes the pin directory (created when absent) for this steerd alone:
 * -EBUSY, logged with the holder's pid, when another steerd has it.
 */
int steerd_bpf_lock(struct steerd *d);
void steerd_bpf_unlock(struct steerd *d);
/* Whether the pins are there (steerd's own or a previous one's). */
bool steerd_bpf_pinned(const struct steerd *d);
int steerd_bpf_open(struct steerd *d);
void steerd_bpf_close(struct steerd *d, bool unpin);
/* Points a skeleton's maps at the pins (created at first load). */
int steerd_bpf_pin_maps(struct steerd *d, struct bpf_object *obj);
/* The group's reuseport program, loaded on first use. */
int steerd_bpf_group_prog(struct steerd *d, uint16_t group);
/* Closes the group's reuseport program (attached listeners keep theirs). */
void steerd_bpf_group_release(struct steerd *d, uint16_t group);

/* cpumap_trace.c: CPUMAP drops counted, once the XDP maps are open. */
int steerd_cpumap_trace_open(struct steerd *d);
void steerd_cpumap_trace_close(struct steerd *d);
/*
 * The CPUMAP counters of each CPU steer redirects to or counted drops
 * for, in out[STEER_MAX_CPUS]; returns how many. None without the program.
 */
size_t steerd_cpu_stats(const struct steerd *d, struct proto_cpu_stats *out);

/* iface.c */
int steerd_iface_restore(struct steerd *d);
steerd_cmd_fn steerd_iface_attach, steerd_iface_detach, steerd_iface_show;
void steerd_iface_detach_all(struct steerd *d);
/*
 * Live sync (iface_sync.c): the link and ethtool monitors. _open returns
 * the fds to watch in links_fd and ethtool_fd (-1: no ethtool monitor on
 * this kernel), or a negative errno.
 */
int steerd_iface_watch_open(struct steerd *d, int *links_fd, int *ethtool_fd);
void steerd_iface_watch_close(struct steerd *d);
void steerd_iface_link_event(struct steerd *d);
void steerd_iface_ethtool_event(struct steerd *d);
/* The reconcile tick: IRQ affinity has no notification; re-read it. */
void steerd_iface_tick(struct steerd *d);
/*
 * Re-reads the NIC under i and publishes what follows from it; why is the
 * log's word for what changed. 0 or a negative errno.
 */
int steerd_iface_resync(struct steerd *d, struct steerd_iface *i,
			const char *why);
/* cpu mode's record of its CPUs: a round-robin table of this size. */
#define STEERD_IFACE_INDIR_SIZE 128
/* Frames each CPUMAP entry queues (docs/design.md says why 2048). */
#define STEERD_CPUMAP_QSIZE 2048
/* iface_tables.c: i's tables published through the generation flip. */
int steerd_iface_publish(struct steerd *d, struct steerd_iface *i);
/* What rss mode and --verify-rss make of i's NIC, as its warnings. */
void steerd_iface_rss_warnings(struct steerd_iface *i);
/* cpu mode's predicted redirect fraction, from the live tables. */
void steerd_iface_predict_redirect(struct steerd *d, struct steerd_iface *i);
/* i's link is gone: forget it (its maps cleared). */
void steerd_iface_forget(struct steerd *d, struct steerd_iface *i);
struct steerd_iface *steerd_iface_by_index(struct steerd *d, int ifindex);
struct steerd_iface *steerd_iface_find(struct steerd *d, const char *name);
/* The number of CPUs the maps are sized for (tables, CPU ids). */
uint32_t steerd_possible_cpus(void);
/* iface_show.c: the interface object of iface show and attach (new ref). */
json_t *steerd_iface_json(struct steerd *d, const struct steerd_iface *i,
			  json_t *flow);
/* Whether steer's program is among those attached to ifindex. */
bool steerd_iface_steer_attached(int ifindex);

/* group.c */
int steerd_group_restore(struct steerd *d);
steerd_cmd_fn steerd_group_add, steerd_group_del, steerd_group_list,
	steerd_group_show;
struct steerd_group *steerd_group_find(struct steerd *d, const char *name);
/* The group of this name; NULL with *error set (the reply) otherwise. */
struct steerd_group *steerd_group_named(struct steerd *d, const char *name,
					json_t **error);
/* Counts a group's listeners by state. */
void steerd_group_counts(const struct steerd *d, uint16_t group,
			 uint32_t counts[4]);
const char *steerd_state_name(enum steer_slot_state s);

/* listener.c: the listener table and registration */
steerd_cmd_fn steerd_register;
struct steerd_listener *steerd_listener_find(struct steerd *d, uint64_t cookie);
struct steerd_listener *steerd_listener_alloc(struct steerd *d);
/*
 * Whether peer may act on l: root, the uid that registered it, or the
 * uid that owns its socket as sock_diag reports it.
 */
bool steerd_listener_owned(const struct steerd_listener *l,
			   const struct steerd_peer *peer);
/* Mirrors a listener's state into its pinned record. */
void steerd_listener_save(struct steerd *d, const struct steerd_listener *l);
/* Sends the listener's registrant an event ("drain", "drained"). */
void steerd_listener_notify(struct steerd *d, const struct steerd_listener *l,
			    const char *event);
int steerd_write_live(struct steerd *d, uint16_t group);
/* The peer left: its registrations and waits have nobody to tell. */
void steerd_peer_gone(struct steerd *d, const struct steerd_peer *peer);

/*
 * udp_diag.c: what sock_diag says of a registered socket of a group of
 * proto (enum steer_proto), by cookie: a TCP listener's owner and accept
 * queue, or a UDP socket's owner and receive queue (in bytes, in
 * accept_queue); -ENOENT when it is gone.
 */
struct diag_listener;
int steerd_sock_diag(uint8_t proto, uint64_t cookie, struct diag_listener *out);
/*
 * Checks fd as a listener registering with group id is checked (TCP,
 * listening, SO_REUSEPORT, address, port, netns, and socket options like
 * the group's other listeners'), on steerd's own behalf: NULL with *opts
 * read, or the refusal.
 */
json_t *steerd_listener_check(struct steerd *d, uint16_t id, int fd,
			      struct steerd_sockopts *opts);
/*
 * Puts the checked listener fd in slot cpu of group id, as a registration
 * does: *out is its entry (pid and opts set), or the refusal is returned.
 */
json_t *steerd_listener_add(struct steerd *d, uint16_t id, uint32_t cpu,
			    bool standby, int fd, pid_t pid,
			    const struct steerd_sockopts *opts,
			    struct steerd_listener **out);

/* adopt.c: listeners taken from servers that never registered them */
steerd_cmd_fn steerd_group_adopt;
/* Adopts what the groups in adopt mode gained; from the reconcile tick. */
void steerd_adopt_tick(struct steerd *d);

/* drain.c */
steerd_cmd_fn steerd_drain;
/* Watches draining listeners' accept queues; finishes drains. */
void steerd_drain_tick(struct steerd *d);
/* The draining listener closed first: its waiter hears so. */
void steerd_drain_abort(struct steerd *d, struct steerd_listener *l);

/* lifecycle.c */
void steerd_listener_closed(struct steerd *d, uint64_t cookie,
			    uint64_t closed_ns);
/* The standby of an emptied slot becomes its active listener. */
void steerd_promote(struct steerd *d, uint16_t group, uint16_t slot);
void steerd_reconcile(struct steerd *d);
/* Notices closed UDP sockets (active or standby) every tick. */
void steerd_udp_tick(struct steerd *d);
/* Forgets the closed listeners' records of a group being deleted. */
void steerd_listeners_forget_group(struct steerd *d, uint16_t group);
int steerd_listeners_restore(struct steerd *d);

/* config_apply.c: makes steerd match --config's file (0 or an error). */
int steerd_config_apply(struct steerd *d);

/* status.c */
steerd_cmd_fn steerd_status, steerd_stats;

/* ctl.c: the control socket, transport only */
/* Whether --socket can be ours, creating nothing: 0 or a negative errno. */
int steerd_ctl_check(struct steerd *d);
int steerd_ctl_open(struct steerd *d);
void steerd_ctl_close(struct steerd *d);
/* Accepts a waiting connection and watches it under its peer id. */
void steerd_ctl_accept(struct steerd *d);
/* Accepts again after a pause for want of descriptors, once it is over. */
void steerd_ctl_resume(struct steerd *d);
/* The connected peer with this id, or NULL. */
struct steerd_peer *steerd_ctl_peer(struct steerd *d, uint64_t id);
/* One request: 0, -EAGAIN (nothing yet), or the error (-ECONNRESET: gone). */
int steerd_ctl_recv(struct steerd *d, struct steerd_peer *peer, json_t **req,
		    int *fd);
/*
 * The next peer from *pos on that has sent nothing within STEERD_IDLE_MS
 * of connecting, or NULL; *pos moves past it.
 */
struct steerd_peer *steerd_ctl_next_idle(struct steerd *d, uint64_t now_ms,
					 int *pos);
/* Sends msg to the peer with this id; -ENOTCONN when it is gone. */
int steerd_send(struct steerd *d, uint64_t peer_id, json_t *msg);
/* Closes the peer's connection (the domain was told first). */
void steerd_ctl_drop(struct steerd *d, struct steerd_peer *peer);
/* Connections open now; safe from any thread. */
int steerd_ctl_clients(const struct steerd *d);

/*
 * metrics.c: GET /metrics on --metrics's address, from a thread of its
 * own that reads only the BPF maps and the atomics above. Start it after
 * the loop blocked its signals and the maps are open; stop it before they
 * close. Nothing to do without --metrics.
 */
int steerd_metrics_start(struct steerd *d);
void steerd_metrics_stop(struct steerd *d);

#endif /* STEER_DAEMON_H */
