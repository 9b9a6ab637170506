// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libsteer: a worker's listener, created on its group's address, registered
 * with steerd for its CPU's slot, with the registration kept open for
 * steerd's drain notifications.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/parse.h"
#include "lib/proto.h"
#include "lib/proto_msg.h"
#include "internal.h"
#include "link.h"
#include "steer/libsteer.h"

#define ERR_MAX 512
#define DRAIN_REPLY_WAIT_S 5

static int default_print(enum libsteer_print_level level, const char *fmt,
			 va_list args)
{
	if (level == LIBSTEER_DEBUG)
		return 0;
	fputs("libsteer: ", stderr);
	return vfprintf(stderr, fmt, args);
}

static libsteer_print_fn_t print_fn = default_print;

libsteer_print_fn_t libsteer_set_print(libsteer_print_fn_t fn)
{
	libsteer_print_fn_t old = print_fn;

	print_fn = fn;
	return old;
}

void libsteer__pr(enum libsteer_print_level level, const char *fmt, ...)
{
	va_list ap;

	if (!print_fn)
		return;
	va_start(ap, fmt);
	print_fn(level, fmt, ap);
	va_end(ap);
}

struct libsteer_listener {
	int fd; /* the listening socket */
	/* The registration: steerd's events arrive on link.conn. */
	struct libsteer__link link;
	int slot;
	int cpu; /* as registered, to register again */
	bool standby;
	unsigned long long cookie;
	char group[PROTO_GROUP_NAME_MAX + 1];
};

/* The caller's options, zero-filled beyond what its version knew. */
static void read_opts(const struct libsteer_listen_opts *in,
		      struct libsteer_listen_opts *out)
{
	memset(out, 0, sizeof(*out));
	if (in)
		memcpy(out, in, in->sz < sizeof(*out) ? in->sz : sizeof(*out));
}

int libsteer__connect(const char *path)
{
	int s = proto_connect(path);

	if (s == -ENOENT || s == -ECONNREFUSED) {
		libsteer__pr(
			LIBSTEER_WARN,
			"steerd is not running (no answer on %s); start it with "
			"'steerd'\n",
			path ? path : "its default socket");
		return -ECONNREFUSED;
	}
	if (s < 0)
		libsteer__pr(LIBSTEER_WARN, "cannot reach steerd: %s\n",
			     strerror(-s));
	return s;
}

int libsteer__call(int conn, json_t *req, int fd, json_t **reply)
{
	char err[ERR_MAX] = "";
	int rc;

	if (!req)
		return -ENOMEM;
	rc = proto_call(conn, req, fd, reply, err, sizeof(err));
	json_decref(req);
	if (rc)
		libsteer__pr(LIBSTEER_WARN, "steerd: %s\n",
			     err[0] ? err : strerror(-rc));
	return rc;
}

/* The group's address and port, from steerd. */
static int group_addr(int conn, const char *group, struct sockaddr_storage *ss,
		      socklen_t *len)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	json_t *reply = NULL;
	struct steer_addr addr;
	struct parse_err perr;
	struct proto_group g;
	struct proto_read rd;
	int rc;

	rc = libsteer__call(conn, proto_pack_group_show_req(group), -1, &reply);
	if (rc)
		return rc;
	proto_read_init(&rd);
	memset(ss, 0, sizeof(*ss));
	if (proto_unpack_group(&rd, reply, &g)) {
		/* rd says why */
	} else if (parse_addr(g.addr, &addr, &perr)) {
		rd.err = -EBADMSG;
		snprintf(rd.msg, sizeof(rd.msg), "addr: %.200s", perr.msg);
	} else if (addr.af == AF_INET) {
		in->sin_family = AF_INET;
		in->sin_addr = addr.v4;
		in->sin_port = htons(g.port);
		*len = sizeof(*in);
	} else {
		in6->sin6_family = AF_INET6;
		in6->sin6_addr = addr.v6;
		in6->sin6_port = htons(g.port);
		*len = sizeof(*in6);
	}
	json_decref(reply);
	if (rd.err)
		libsteer__pr(LIBSTEER_WARN, "steerd's group_show reply: %s\n",
			     rd.msg);
	return rd.err;
}

/* A TCP listener, or with udp a bound UDP socket, on the group's address. */
static int make_listener(const struct sockaddr_storage *ss, socklen_t len,
			 int backlog, bool udp)
{
	int one = 1, fd, err;

	fd = socket(ss->ss_family,
		    (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC |
			    SOCK_NONBLOCK,
		    0);
	if (fd < 0)
		return -errno;
	/*
	 * Only the group's port: an IPv6 wildcard must not take IPv4 too.
	 * SO_REUSEADDR: a restarted server binds while the connections of
	 * its previous life sit in TIME_WAIT on the port; UDP has none, and
	 * there the option would let sockets outside the group share it.
	 */
	if ((ss->ss_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) ||
	    (!udp &&
	     setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one))) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
	    bind(fd, (const struct sockaddr *)ss, len) ||
	    (!udp && listen(fd, backlog > 0 ? backlog : SOMAXCONN))) {
		err = -errno;
		libsteer__pr(LIBSTEER_WARN, "creating the listener: %s\n",
			     strerror(-err));
		close(fd);
		return err;
	}
	return fd;
}

/* Registers fd on conn; fills l on success. */
static int do_register(struct libsteer_listener *l, int fd, const char *group,
		       int cpu, bool standby)
{
	const struct proto_register_req req = { .group = group,
						.cpu = cpu,
						.standby = standby };
	struct proto_register_reply r;
	json_t *reply = NULL;
	struct proto_read rd;
	int rc;

	rc = libsteer__call(l->link.conn, proto_pack_register_req(&req), fd,
			    &reply);
	if (rc)
		return rc;
	proto_read_init(&rd);
	proto_unpack_register_reply(&rd, reply, &r);
	json_decref(reply);
	if (rd.err) {
		libsteer__pr(LIBSTEER_WARN, "steerd's register reply: %s\n",
			     rd.msg);
		return rd.err;
	}
	l->cookie = r.cookie;
	l->slot = r.slot;
	l->cpu = cpu;
	l->standby = standby;
	/* From now on the connection only carries events. */
	rc = libsteer__link_watch(&l->link);
	if (rc)
		return rc;
	l->fd = fd;
	if (group != l->group)
		snprintf(l->group, sizeof(l->group), "%s", group);
	return 0;
}

static void free_listener(struct libsteer_listener *l)
{
	libsteer__link_close(&l->link);
	free(l);
}

/*
 * A listener object with its connection to steerd and its event fd; NULL
 * with *err set.
 */
static struct libsteer_listener *
new_listener(const struct libsteer_listen_opts *o, int *err)
{
	struct libsteer_listener *l = calloc(1, sizeof(*l));

	if (!l) {
		*err = -ENOMEM;
		return NULL;
	}
	l->fd = -1;
	*err = libsteer__link_open(&l->link, o->socket_path);
	if (*err) {
		free_listener(l);
		return NULL;
	}
	return l;
}

static struct libsteer_listener *fail(struct libsteer_listener *l, int err)
{
	if (l)
		free_listener(l);
	errno = -err;
	return NULL;
}

struct libsteer_listener *
libsteer_listener__open(const char *group, int cpu,
			const struct libsteer_listen_opts *opts)
{
	struct libsteer_listen_opts o;
	struct libsteer_listener *l;
	struct sockaddr_storage ss;
	socklen_t len = 0;
	int fd, err;

	read_opts(opts, &o);
	if (!group || cpu < 0)
		return fail(NULL, -EINVAL);
	l = new_listener(&o, &err);
	if (!l)
		return fail(NULL, err);
	err = group_addr(l->link.conn, group, &ss, &len);
	if (err)
		return fail(l, err);
	fd = make_listener(&ss, len, o.backlog, o.udp);
	if (fd < 0)
		return fail(l, fd);
	err = do_register(l, fd, group, cpu, o.standby);
	if (err) {
		close(fd);
		return fail(l, err);
	}
	libsteer__pr(LIBSTEER_DEBUG, "group %s slot %d: listener %llu\n", group,
		     l->slot, l->cookie);
	return l;
}

struct libsteer_listener *
libsteer_listener__register(int fd, const char *group, int cpu,
			    const struct libsteer_listen_opts *opts)
{
	struct libsteer_listen_opts o;
	struct libsteer_listener *l;
	int err;

	read_opts(opts, &o);
	if (fd < 0 || !group || cpu < 0)
		return fail(NULL, -EINVAL);
	l = new_listener(&o, &err);
	if (!l)
		return fail(NULL, err);
	err = do_register(l, fd, group, cpu, o.standby);
	if (err)
		return fail(l, err);
	/* accept_all sweeps without blocking. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return l;
}

int libsteer_listener__fd(const struct libsteer_listener *l)
{
	return l ? l->fd : -EINVAL;
}

int libsteer_listener__slot(const struct libsteer_listener *l)
{
	return l ? l->slot : -EINVAL;
}

unsigned long long libsteer_listener__cookie(const struct libsteer_listener *l)
{
	return l ? l->cookie : 0;
}

int libsteer_listener__event_fd(const struct libsteer_listener *l)
{
	return l ? l->link.events : -EINVAL;
}

/* Registers the listener again on its link's new connection. */
static int register_again(void *ctx)
{
	struct libsteer_listener *l = ctx;

	return do_register(l, l->fd, l->group, l->cpu, l->standby);
}

/*
 * When the timer has fired: connects to steerd and registers the same
 * socket again (steerd knows it by its cookie). LIBSTEER_EVENT_RECONNECTED
 * on success, LIBSTEER_EVENT_NONE to try again later, or steerd's refusal.
 */
static int reconnect(struct libsteer_listener *l)
{
	int ret = libsteer__link_retry(&l->link, register_again, l);

	if (ret == LIBSTEER_EVENT_RECONNECTED)
		libsteer__pr(LIBSTEER_INFO,
			     "group %s slot %d: registered again with steerd\n",
			     l->group, l->slot);
	return ret;
}

int libsteer_listener__next_event(struct libsteer_listener *l)
{
	struct proto_event ev;
	struct proto_read rd;
	json_t *msg = NULL;
	int err, got;

	if (!l)
		return -EINVAL;
	if (l->link.lost)
		return l->link.lost;
	if (l->link.conn < 0)
		return reconnect(l);
	for (;;) {
		err = proto_recv(l->link.conn, &msg, NULL);
		if (err == -EAGAIN)
			return LIBSTEER_EVENT_NONE;
		if (err == -ECONNRESET) {
			/* steerd has gone (a restart, say). */
			libsteer__link_lose(&l->link);
			libsteer__pr(LIBSTEER_INFO,
				     "group %s slot %d: steerd went away; "
				     "reconnecting to register the listener "
				     "again\n",
				     l->group, l->slot);
			return LIBSTEER_EVENT_NONE;
		}
		if (err)
			return err;
		proto_read_init(&rd);
		proto_unpack_event(&rd, msg, &ev);
		got = rd.err			   ? -1 :
		      !strcmp(ev.event, "drain")   ? LIBSTEER_EVENT_DRAIN :
		      !strcmp(ev.event, "drained") ? LIBSTEER_EVENT_DRAINED :
						     -1;
		json_decref(msg);
		if (got >= 0)
			return got;
		/* Not an event we know: a newer steerd's; skip it. */
	}
}

int libsteer_listener__drain(struct libsteer_listener *l, int timeout_ms)
{
	const struct timeval reply_wait = { .tv_sec = DRAIN_REPLY_WAIT_S };
	/* This listener, whatever its slot holds: a standby drains itself. */
	struct proto_drain_req req = { .by = PROTO_DRAIN_COOKIE };
	int conn, rc;

	if (!l)
		return -EINVAL;
	/* Its own connection: the reply must not be mistaken for an event. */
	conn = libsteer__connect(l->link.socket_path);
	if (conn < 0)
		return conn;
	/* A steerd that does not answer must not stall the caller's loop. */
	setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &reply_wait,
		   sizeof(reply_wait));
	req.group = l->group;
	req.id = l->cookie;
	req.timeout_given = timeout_ms > 0;
	req.timeout_ms = timeout_ms;
	rc = libsteer__call(conn, proto_pack_drain_req(&req), -1, NULL);
	close(conn);
	return rc;
}

int libsteer_listener__accept_all(struct libsteer_listener *l,
				  void (*cb)(int fd, void *ctx), void *ctx)
{
	int n = 0, fd;

	if (!l || !cb)
		return -EINVAL;
	while ((fd = accept4(l->fd, NULL, NULL,
			     SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		cb(fd, ctx);
		n++;
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED)
		return n ? n : -errno;
	return n;
}

void libsteer_listener__close(struct libsteer_listener *l)
{
	if (!l)
		return;
	if (l->fd >= 0)
		close(l->fd);
	free_listener(l);
}

int libsteer_pin_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return -EINVAL;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}
