// SPDX-License-Identifier: GPL-2.0-only
/*
 * Listener setup: libsteer_listener__open() and the checks around it, or a
 * plain SO_REUSEPORT socket; either way a failure becomes one line that
 * says what to do.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <steer/libsteer.h>

#include "io.h"
#include "listen.h"

#define ADDR_STR_MAX (INET6_ADDRSTRLEN + sizeof("[]:65535"))

static void sockaddr_format(const struct sockaddr_storage *ss, char *buf,
			    size_t len)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
	char a[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(in6->sin6_port));
	} else {
		inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(in->sin_port));
	}
}

static const char *steer_hint(int err, const struct config *cfg, bool standby,
			      char *buf, size_t len)
{
	switch (err) {
	case -ECONNREFUSED:
		return "if it listens elsewhere, pass --socket; to run "
		       "without it, --no-steer";
	case -ENOENT:
		snprintf(buf, len,
			 "create it: steerctl group add %s --listen ADDR:PORT "
			 "(or check --socket)",
			 cfg->group);
		return buf;
	case -EBUSY:
		return standby ? "stop the server holding it" :
				 "stop the server holding it, or start this "
				 "one with --standby";
	case -EACCES:
	case -EPERM:
		return "run as root or as a member of steerd's --group";
	case -ERANGE:
		return "this CPU has no slot: choose --cpus among steerd's";
	case -EADDRINUSE:
		return "a socket without SO_REUSEPORT holds the group's "
		       "address";
	case -EADDRNOTAVAIL:
		return "the group's address is not on this host";
	case -EXDEV:
		return "steerd runs in another network namespace: run "
		       "steer_http in its namespace";
	default:
		return "see steerd's log and 'steerctl status'";
	}
}

/* addr:port as a socket address; returns its length. */
static socklen_t sockaddr_of(const struct steer_addr *addr, uint16_t port,
			     struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (addr->af == AF_INET6) {
		in6->sin6_family = AF_INET6;
		in6->sin6_addr = addr->v6;
		in6->sin6_port = htons(port);
		return sizeof(*in6);
	}
	in->sin_family = AF_INET;
	in->sin_addr = addr->v4;
	in->sin_port = htons(port);
	return sizeof(*in);
}

/* The group's address, checked against --addr/--port when given. */
static int check_bound(struct worker *w, char *msg, size_t len)
{
	const struct config *cfg = w->cfg;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;
	const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;
	char have[ADDR_STR_MAX];
	bool same;

	if (getsockname(w->lfd, (struct sockaddr *)&ss, &sl))
		return -errno;
	sockaddr_format(&ss, have, sizeof(have));
	same = !cfg->port_set ||
	       cfg->port == ntohs(ss.ss_family == AF_INET6 ? in6->sin6_port :
							     in->sin_port);
	if (same && cfg->addr_set)
		same = ss.ss_family == AF_INET6 ?
			       cfg->addr.af == AF_INET6 &&
				       !memcmp(&cfg->addr.v6, &in6->sin6_addr,
					       sizeof(cfg->addr.v6)) :
			       cfg->addr.af == AF_INET &&
				       !memcmp(&cfg->addr.v4, &in->sin_addr,
					       sizeof(cfg->addr.v4));
	if (!same) {
		msgf(msg, len,
		     "group %s listens on %s, not on the --addr/--port "
		     "given; drop them, or fix the group",
		     cfg->group, have);
		return -EADDRNOTAVAIL;
	}
	pr_info("registered with steerd: group %s, slot %d%s, on %s, gen %u",
		cfg->group, libsteer_listener__slot(w->sl),
		w->standby ? ", as standby (active if the slot was empty)" : "",
		have, w->gen);
	return 0;
}

static int steer_listen(struct worker *w, char *msg, size_t len)
{
	const struct config *cfg = w->cfg;
	struct libsteer_listen_opts opts = {
		.sz = sizeof(opts),
		.socket_path = cfg->socket_path,
		.standby = w->standby,
	};
	const char *cause;
	char hint[MSG_MAX];
	int err;

	log_capture_begin();
	w->sl = libsteer_listener__open(cfg->group, w->cpu, &opts);
	err = -errno;
	cause = log_capture_end();
	if (!w->sl) {
		msgf(msg, len, "cannot serve group %s: %s; %s", cfg->group,
		     cause ? cause : strerror(-err),
		     steer_hint(err, cfg, w->standby, hint, sizeof(hint)));
		return err;
	}
	w->lfd = libsteer_listener__fd(w->sl);
	err = set_nonblock(w->lfd);
	if (err) {
		msgf(msg, len, "listener: %s", strerror(-err));
		return err;
	}
	err = check_bound(w, msg, len);
	if (!err)
		err = ep_ctl(w->epfd, EPOLL_CTL_ADD,
			     libsteer_listener__event_fd(w->sl), EPOLLIN,
			     TOK_STEER_EVENTS);
	if (!err)
		w->events_on = true;
	else if (!msg[0])
		msgf(msg, len, "watching steerd's events: %s", strerror(-err));
	return err;
}

/* --no-steer: the baseline, SO_REUSEPORT and the kernel's own choice. */
static int plain_listen(struct worker *w, char *msg, size_t len)
{
	const struct config *cfg = w->cfg;
	struct sockaddr_storage ss;
	char where[ADDR_STR_MAX];
	socklen_t sl;
	int one = 1, fd, err;

	sl = sockaddr_of(&cfg->addr, cfg->port, &ss);
	sockaddr_format(&ss, where, sizeof(where));
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		err = -errno;
		goto fail;
	}
	/* As libsteer does: an IPv6 address means IPv6 only. */
	if ((ss.ss_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
	    (cfg->incoming_cpu && setsockopt(fd, SOL_SOCKET, SO_INCOMING_CPU,
					     &w->cpu, sizeof(w->cpu))) ||
	    bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, SOMAXCONN)) {
		err = -errno;
		close(fd);
		goto fail;
	}
	w->lfd = fd;
	pr_info("listening on %s (SO_REUSEPORT%s, no steer), gen %u", where,
		cfg->incoming_cpu ? ", SO_INCOMING_CPU" : "", w->gen);
	return 0;
fail:
	msgf(msg, len, "cannot listen on %s: %s%s", where, strerror(-err),
	     err == -EADDRINUSE	   ? "; a socket without SO_REUSEPORT, or of "
				     "another user, holds it" :
	     err == -EADDRNOTAVAIL ? "; the address is not on this host" :
	     err == -EACCES	   ? "; ports below 1024 need root" :
				     "");
	return err;
}

int listen_open(struct worker *w, char *msg, size_t len)
{
	return w->cfg->no_steer ? plain_listen(w, msg, len) :
				  steer_listen(w, msg, len);
}
