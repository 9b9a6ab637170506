/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libsteer: listeners that steer keeps CPU-local. One call gives a worker
 * an SO_REUSEPORT listener registered with steerd for its CPU's slot (as
 * the active listener or as the standby of a rolling restart), an fd to
 * poll for drain notifications, and a sweep that accepts whatever is
 * queued. In libbpf's manner: opaque objects, options structs that carry
 * their size, negative errno (or NULL with errno set), messages through a
 * print callback.
 */
#ifndef STEER_LIBSTEER_H
#define STEER_LIBSTEER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Only these symbols are exported; the rest of the library is hidden. */
#define LIBSTEER_API __attribute__((visibility("default")))

#define LIBSTEER_MAJOR_VERSION 0
#define LIBSTEER_MINOR_VERSION 1

/* Messages: one line each, on stderr unless a callback is set. */
enum libsteer_print_level {
	LIBSTEER_WARN,
	LIBSTEER_INFO,
	LIBSTEER_DEBUG,
};

typedef int (*libsteer_print_fn_t)(enum libsteer_print_level level,
				   const char *fmt, va_list args);

/* Sets the print callback (NULL silences); returns the previous one. */
LIBSTEER_API libsteer_print_fn_t libsteer_set_print(libsteer_print_fn_t fn);

struct libsteer_listener; /* opaque */

struct libsteer_listen_opts {
	size_t sz; /* sizeof(struct libsteer_listen_opts), for ABI growth */
	const char *socket_path; /* steerd's; NULL: this netns's default */
	bool standby; /* the next generation of the slot (rolling restart) */
	int backlog; /* listen(2) backlog; 0: SOMAXCONN */
	/*
	 * A UDP socket, for a group of proto udp: bound, not listening, no
	 * SO_REUSEADDR; its fd is read with recvmsg(2), never accept(2).
	 */
	bool udp;
	size_t : 0;
};
#define libsteer_listen_opts__last_field udp

/*
 * Creates a TCP listener on the group's address and port (asked of steerd),
 * with SO_REUSEPORT and SO_REUSEADDR (so that a restarted server binds
 * over its predecessor's connections), non-blocking and close-on-exec, and
 * registers it for the slot of `cpu`. With opts->udp, a UDP socket bound
 * there with SO_REUSEPORT instead, for a UDP group: the datagrams the XDP
 * program keeps on `cpu` reach it, and its drain ends when its receive
 * queue is empty (UDP has no migration: what it holds at close is lost). NULL with errno set on failure: ECONNREFUSED (steerd
 * not running: start it), ENOENT (no such group), EBUSY (the slot has an
 * active listener and standby was not asked, or already has a standby),
 * others as steerd says; a message explains each.
 */
LIBSTEER_API struct libsteer_listener *
libsteer_listener__open(const char *group, int cpu,
			const struct libsteer_listen_opts *opts);

/*
 * Registers a listener the application made itself (bound to the group's
 * address and port, SO_REUSEPORT, listening; or a bound UDP socket with
 * SO_REUSEPORT, for a UDP group). The library takes ownership
 * of fd: libsteer_listener__close() closes it.
 */
LIBSTEER_API struct libsteer_listener *
libsteer_listener__register(int fd, const char *group, int cpu,
			    const struct libsteer_listen_opts *opts);

/* The listening socket, for accept(2) and the application's event loop. */
LIBSTEER_API int libsteer_listener__fd(const struct libsteer_listener *l);

/*
 * The slot steerd gave it and its socket cookie. (Whether a standby has
 * been promoted is not reported: a standby starts receiving connections
 * when its slot's active listener leaves.)
 */
LIBSTEER_API int libsteer_listener__slot(const struct libsteer_listener *l);
LIBSTEER_API unsigned long long
libsteer_listener__cookie(const struct libsteer_listener *l);

/* Events steerd sends about the listener. */
enum libsteer_event {
	LIBSTEER_EVENT_NONE = 0, /* nothing pending */
	LIBSTEER_EVENT_DRAIN, /* out of selection: accept what is queued */
	LIBSTEER_EVENT_DRAINED, /* queue empty: the listener may close */
	/* steerd came back (restarted): the listener is registered again. */
	LIBSTEER_EVENT_RECONNECTED,
};

/*
 * An fd that becomes readable when an event is pending or libsteer has to
 * act on steerd's connection (poll/epoll it, then call
 * libsteer_listener__next_event()). The same fd for the listener's life,
 * across reconnections.
 */
LIBSTEER_API int libsteer_listener__event_fd(const struct libsteer_listener *l);

/*
 * Reads the next pending event without blocking: LIBSTEER_EVENT_* (>= 0),
 * or a negative errno. When steerd goes away (a restart) the listener keeps
 * working and steering; libsteer reconnects, trying after 0.1 s, then
 * doubling the wait up to 5 s, each try made by this call when the event
 * fd says, and registers the same socket again (steerd knows it by its
 * cookie): LIBSTEER_EVENT_RECONNECTED, and events flow again. If steerd
 * refuses that registration, its errno comes back, now and on every later
 * call: this listener's events are over.
 */
LIBSTEER_API int libsteer_listener__next_event(struct libsteer_listener *l);

/*
 * Asks steerd to drain this listener (active or standby): it leaves
 * selection at once (its slot's standby or a sibling takes new
 * connections); LIBSTEER_EVENT_DRAINED follows when its accept queue is empty.
 * If it does not empty within timeout_ms (0: steerd's default, 30 s) no
 * event comes: keep a timer of your own. Waits at most 5 s for steerd's
 * answer. Returns 0 or a negative errno.
 */
LIBSTEER_API int libsteer_listener__drain(struct libsteer_listener *l,
					  int timeout_ms);

/*
 * Accepts every connection queued on the listener without blocking and
 * hands each to cb (which owns the fd). A migrated connection may not wake
 * a waiter on every kernel, so workers sweep when told to drain. Returns
 * the number accepted or a negative errno.
 */
LIBSTEER_API int libsteer_listener__accept_all(struct libsteer_listener *l,
					       void (*cb)(int fd, void *ctx),
					       void *ctx);

/* Closes the listener and its registration; NULL is fine. */
LIBSTEER_API void libsteer_listener__close(struct libsteer_listener *l);

/*
 * AF_XDP workers. libsteer_xsk__open() gives a worker the AF_XDP socket of
 * one RX queue of an interface steer is attached to, registered with
 * steerd in its xsk group's slot for that queue: the frames of the group
 * arriving on that queue land in its RX ring. The rings are libxdp's
 * (include <xdp/xsk.h> to use them); libsteer owns the socket, its UMEM
 * and the registration, which lasts until libsteer_xsk__close() or the
 * process's exit.
 */
struct libsteer_xsk; /* opaque */
struct xsk_ring_prod;
struct xsk_ring_cons;

enum libsteer_xsk_mode {
	LIBSTEER_XSK_MODE_AUTO =
		0, /* zero-copy when the driver can, else copy */
	LIBSTEER_XSK_MODE_COPY,
	LIBSTEER_XSK_MODE_ZEROCOPY, /* fails (EOPNOTSUPP) where unsupported */
};

struct libsteer_xsk_opts {
	size_t sz; /* sizeof(struct libsteer_xsk_opts), for ABI growth */
	const char *socket_path; /* steerd's; NULL: this netns's default */
	enum libsteer_xsk_mode mode;
	/* The kernel raises a flag instead of polling the rings for nothing:
	 * the application then kicks it (sendto, poll) when the flag says. */
	bool no_need_wakeup; /* true: off (the kernel always polls) */
	unsigned int frame_size; /* UMEM frame bytes; 0: 4096 */
	unsigned int frame_count; /* UMEM frames; 0: 4096 */
	unsigned int ring_size; /* each of the four rings; 0: 2048 */
	size_t : 0;
};
#define libsteer_xsk_opts__last_field ring_size

/*
 * Creates an AF_XDP socket bound to queue `queue` of ifname with its UMEM
 * (frame_count frames of frame_size bytes, page-aligned) and its fill,
 * completion, RX and TX rings, without loading any XDP program (steer's is
 * there), and registers it with steerd for the queue's slot of the xsk
 * group. Frames 0 to libsteer_xsk__rx_frames() - 1 start in the fill ring;
 * the others are free for the application (TX). NULL with errno set on
 * failure: ECONNREFUSED (steerd not running), ENOENT (no such group),
 * EBUSY (the queue has a socket: steerd's slot, or a socket bound to the
 * queue for longer than the half second libsteer waits for a closed one
 * to let go), ENODEV (steer is not attached to
 * ifname), ERANGE (no such queue), others as the kernel or steerd says; a
 * message explains each.
 */
LIBSTEER_API struct libsteer_xsk *
libsteer_xsk__open(const char *group, const char *ifname, int queue,
		   const struct libsteer_xsk_opts *opts);

/*
 * An fd that becomes readable when libsteer has work for
 * libsteer_xsk__next_event(): steerd went away, or it is time to try
 * registering the socket again. The same fd for the socket's life; put it
 * in the worker's poll set beside libsteer_xsk__fd().
 */
LIBSTEER_API int libsteer_xsk__event_fd(const struct libsteer_xsk *x);

/*
 * Does that work without blocking. When steerd goes away (a restart), the
 * socket keeps its queue and its frames; libsteer then reconnects, the
 * first try after 100 ms and each later one after twice the wait, up to
 * 5 s, each made by this call when the event fd says, and registers the
 * same socket again: LIBSTEER_EVENT_RECONNECTED. Else LIBSTEER_EVENT_NONE,
 * or steerd's refusal (a negative errno, returned from then on: steerd no
 * longer holds this socket's queue for it).
 */
LIBSTEER_API int libsteer_xsk__next_event(struct libsteer_xsk *x);

/* The AF_XDP socket, for poll(2), sendto(2) wakeups and recvfrom(2). */
LIBSTEER_API int libsteer_xsk__fd(const struct libsteer_xsk *x);
LIBSTEER_API int libsteer_xsk__queue(const struct libsteer_xsk *x);
/* The queue's CPU as steerd maps it: where its worker should run. */
LIBSTEER_API int libsteer_xsk__cpu(const struct libsteer_xsk *x);
/* The socket's cookie, as steerd and `steerctl group show` name it. */
LIBSTEER_API unsigned long long
libsteer_xsk__cookie(const struct libsteer_xsk *x);
/* Whether the kernel gave zero-copy (else copy mode). */
LIBSTEER_API bool libsteer_xsk__zero_copy(const struct libsteer_xsk *x);
/* Whether need-wakeup is on: kick the kernel when a ring's flag says. */
LIBSTEER_API bool libsteer_xsk__need_wakeup(const struct libsteer_xsk *x);

/* The rings (libxdp's types). */
LIBSTEER_API struct xsk_ring_cons *libsteer_xsk__rx(struct libsteer_xsk *x);
LIBSTEER_API struct xsk_ring_prod *libsteer_xsk__tx(struct libsteer_xsk *x);
LIBSTEER_API struct xsk_ring_prod *libsteer_xsk__fill(struct libsteer_xsk *x);
LIBSTEER_API struct xsk_ring_cons *libsteer_xsk__comp(struct libsteer_xsk *x);

/* The UMEM: its area (frame i at i * frame_size), sizes, and counts. */
LIBSTEER_API void *libsteer_xsk__umem_area(const struct libsteer_xsk *x);
LIBSTEER_API unsigned int
libsteer_xsk__frame_size(const struct libsteer_xsk *x);
LIBSTEER_API unsigned int
libsteer_xsk__frame_count(const struct libsteer_xsk *x);
/* Frames put in the fill ring at open: 0 to this - 1. */
LIBSTEER_API unsigned int libsteer_xsk__rx_frames(const struct libsteer_xsk *x);

/*
 * Closes the socket (the kernel takes it out of steer's map at once), its
 * registration and its UMEM; NULL is fine.
 */
LIBSTEER_API void libsteer_xsk__close(struct libsteer_xsk *x);

/* Pins the calling thread to cpu. 0 or a negative errno. */
LIBSTEER_API int libsteer_pin_cpu(int cpu);

#ifdef __cplusplus
}
#endif

#endif /* STEER_LIBSTEER_H */
