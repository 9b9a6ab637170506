// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd's control socket: SOCK_SEQPACKET at --socket (mode 0660), peers
 * checked with SO_PEERCRED, one JSON request per message dispatched to the
 * daemon's parts (docs/protocol.md).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "steerd.h"
#include "lib/fs.h"
#include "lib/log.h"
#include "lib/proto.h"

uint64_t steerd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

json_t *steerd_reply(json_t *fields)
{
	json_t *r = proto_reply_ok();

	if (fields)
		json_object_update_new(r, fields);
	return r;
}

int steerd_ctl_open(struct steerd *d)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN };
	int fd, err, probe;

	if (strlen(d->sock_path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, d->sock_path);
	err = fs_mkdir_parent(d->sock_path, 0755);
	if (err)
		return err;
	/* A socket file nobody answers on is a dead steerd's: replace it. */
	probe = proto_connect(d->sock_path);
	if (probe >= 0) {
		close(probe);
		pr_warn("another steerd answers on %s; stop it first",
			d->sock_path);
		return -EADDRINUSE;
	}
	unlink(d->sock_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    chmod(d->sock_path, 0660) ||
	    (d->allowed_gid != (gid_t)-1 &&
	     chown(d->sock_path, 0, d->allowed_gid)) ||
	    listen(fd, 64)) {
		err = -errno;
		close(fd);
		return err;
	}
	ev.data.u64 = (uint64_t)-1; /* the listening socket */
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		err = -errno;
		close(fd);
		return err;
	}
	d->listen_fd = fd;
	return 0;
}

static void client_close(struct steerd *d, int client)
{
	struct steerd_client *c = &d->clients[client];

	if (c->fd < 0)
		return;
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	steerd_client_gone(d, client);
}

void steerd_ctl_close(struct steerd *d)
{
	int i;

	for (i = 0; i < STEERD_MAX_CLIENTS; i++)
		client_close(d, i);
	if (d->listen_fd >= 0) {
		close(d->listen_fd);
		unlink(d->sock_path);
		d->listen_fd = -1;
	}
}

/* Root, or a member (primary or supplementary) of steerd's --group. */
static bool peer_allowed(const struct steerd *d, int fd,
			 const struct ucred *cred)
{
	gid_t groups[NGROUPS_MAX];
	socklen_t len = sizeof(groups);
	size_t i;

	if (cred->uid == 0)
		return true;
	if (d->allowed_gid == (gid_t)-1)
		return false;
	if (cred->gid == d->allowed_gid)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len))
		return false;
	for (i = 0; i < len / sizeof(groups[0]); i++)
		if (groups[i] == d->allowed_gid)
			return true;
	return false;
}

void steerd_ctl_accept(struct steerd *d)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd, i;

	fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	for (i = 0; i < STEERD_MAX_CLIENTS && d->clients[i].fd >= 0; i++)
		;
	if (i == STEERD_MAX_CLIENTS ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len)) {
		pr_warn("refusing a client: %s", i == STEERD_MAX_CLIENTS ?
							 "too many clients" :
							 strerror(errno));
		close(fd);
		return;
	}
	d->clients[i].fd = fd;
	d->clients[i].uid = cred.uid;
	d->clients[i].pid = cred.pid;
	d->clients[i].allowed = peer_allowed(d, fd, &cred);
	ev.data.u64 = i;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		close(fd);
		d->clients[i].fd = -1;
	}
}

int steerd_send(struct steerd *d, int client, json_t *msg)
{
	int err;

	if (client < 0 || client >= STEERD_MAX_CLIENTS ||
	    d->clients[client].fd < 0)
		return -ENOTCONN;
	err = proto_send(d->clients[client].fd, msg, -1);
	if (err)
		pr_debug("client %d: %s", client, strerror(-err));
	return err;
}

static json_t *shutdown_cmd(struct steerd *d, const json_t *req)
{
	json_t *detach = json_object_get(req, "detach");

	d->detach_on_exit = json_is_true(detach);
	d->running = false;
	return proto_reply_ok();
}

static json_t *dispatch(struct steerd *d, int client, const json_t *req, int fd,
			bool *deferred)
{
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	const struct {
		const char *name;
		json_t *(*fn)(struct steerd *d, const json_t *req);
	} cmds[] = {
		{ "status", steerd_status },
		{ "stats", steerd_stats },
		{ "group_add", steerd_group_add },
		{ "group_del", steerd_group_del },
		{ "group_list", steerd_group_list },
		{ "group_show", steerd_group_show },
		{ "iface_attach", steerd_iface_attach },
		{ "iface_detach", steerd_iface_detach },
		{ "iface_show", steerd_iface_show },
		{ "shutdown", shutdown_cmd },
	};
	size_t i;

	*deferred = false;
	if (!cmd)
		return proto_reply_error(-EINVAL, "the request names no cmd");
	if (!strcmp(cmd, "register"))
		return steerd_register(d, req, fd, client);
	if (!strcmp(cmd, "drain"))
		return steerd_drain(d, req, client, deferred);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmd, cmds[i].name))
			return cmds[i].fn(d, req);
	return proto_reply_error(-EOPNOTSUPP,
				 "unknown command '%s'; this steerd speaks "
				 "protocol %d",
				 cmd, STEER_PROTO_VERSION);
}

void steerd_ctl_serve(struct steerd *d, int client)
{
	struct steerd_client *c = &d->clients[client];
	json_t *req = NULL, *reply;
	bool deferred;
	int fd = -1, err;

	err = proto_recv(c->fd, &req, &fd);
	if (err == -ECONNRESET || err == -ENOTCONN) {
		client_close(d, client);
		return;
	}
	if (err == -EAGAIN || err == -EINTR)
		return;
	if (err)
		reply = proto_reply_error(err, "bad request: %s",
					  strerror(-err));
	else if (!c->allowed)
		reply = proto_reply_error(
			-EACCES,
			"permission denied: steerd takes "
			"requests from root%s",
			d->allowed_gid != (gid_t)-1 ? " and its --group" : "");
	else
		reply = dispatch(d, client, req, fd, &deferred);
	/* steerd keeps no reference to a listener: that is the kernel's. */
	if (fd >= 0)
		close(fd);
	json_decref(req);
	if (!reply)
		return; /* answered later (drain --wait) */
	if (steerd_send(d, client, reply) == -ECONNRESET)
		client_close(d, client);
	json_decref(reply);
}
