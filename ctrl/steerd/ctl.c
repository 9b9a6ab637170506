// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd's control socket, transport only: SOCK_SEQPACKET at --socket
 * (mode 0660), connections accepted with their SO_PEERCRED credentials,
 * one JSON message received or sent at a time (docs/protocol.md). It knows
 * peers, not commands: the loop hands requests to cmds.c. It keeps room
 * for root, lets idle connections go, and neither spins nor stops for
 * good when out of descriptors.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "steerd.h"
#include "lib/clock.h"
#include "lib/fs.h"
#include "lib/log.h"
#include "lib/proto.h"

/* A peer's id carries its connection's index in its low bits. */
#define PEER_INDEX_BITS 20
#define PEER_INDEX_MASK ((1ULL << PEER_INDEX_BITS) - 1)
_Static_assert(STEERD_MAX_PEERS <= PEER_INDEX_MASK, "peer index bits");

struct ctl_conn {
	struct steerd_peer peer; /* first: the peer is the connection */
	int fd; /* -1: free */
	uint64_t accepted_ms;
	bool spoke; /* sent a message: no longer idle */
};

struct steerd_ctl {
	int listen_fd;
	int spare_fd; /* given up to accept and refuse when out of fds */
	bool fds_told; /* the log said steerd is out of descriptors */
	uint64_t paused_until_ms; /* not accepting (no spare either) */
	uint64_t generation; /* makes ids unique across reuses of an index */
	_Atomic int used; /* connections open; --metrics reads it */
	bool full_told; /* the log said the table is full */
	struct ctl_conn conns[STEERD_MAX_PEERS];
};

static struct ctl_conn *conn_of(struct steerd_peer *peer)
{
	return (struct ctl_conn *)peer;
}

int steerd_ctl_check(struct steerd *d)
{
	struct sockaddr_un sun;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct stat st;
	int probe;

	if (strlen(d->sock_path) >= sizeof(sun.sun_path)) {
		pr_warn("--socket %s: longer than a socket path can be",
			d->sock_path);
		return -ENAMETOOLONG;
	}
	/*
	 * Only a socket is ever replaced: whatever else is there (a file, a
	 * directory, a symbolic link, even to a socket) is somebody's.
	 */
	if (!lstat(d->sock_path, &st) && !S_ISSOCK(st.st_mode)) {
		pr_warn("--socket %s exists and is not a socket; remove it or "
			"choose another path",
			d->sock_path);
		return -EEXIST;
	}
	/* A socket file nobody answers on is a dead steerd's: replace it. */
	probe = proto_connect(d->sock_path);
	if (probe < 0)
		return 0;
	if (getsockopt(probe, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		cred.pid = 0;
	close(probe);
	if (cred.pid > 0)
		pr_warn("another steerd (pid %d) answers on %s; stop it first",
			cred.pid, d->sock_path);
	else
		pr_warn("another steerd answers on %s; stop it first",
			d->sock_path);
	return -EADDRINUSE;
}

int steerd_ctl_open(struct steerd *d)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN };
	struct steerd_ctl *ctl;
	int fd, err, i;
	mode_t mask;

	if (strlen(d->sock_path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, d->sock_path);
	err = fs_mkdir_parent(d->sock_path, 0755);
	if (err)
		return err;
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return -ENOMEM;
	for (i = 0; i < STEERD_MAX_PEERS; i++)
		ctl->conns[i].fd = -1;
	ctl->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (ctl->spare_fd < 0) {
		err = -errno;
		goto out_free;
	}
	unlink(d->sock_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		err = -errno;
		goto out_spare;
	}
	/*
	 * Created 0660 by bind itself, never chmod()ed after: the path could
	 * be swapped for a symbolic link in between. The owning group is set
	 * on the socket file alone (AT_SYMLINK_NOFOLLOW), for the same reason.
	 */
	mask = umask(0117);
	err = bind(fd, (struct sockaddr *)&sun, sizeof(sun)) ? -errno : 0;
	umask(mask);
	if (err)
		goto out_close;
	if ((d->allowed_gid != (gid_t)-1 &&
	     fchownat(AT_FDCWD, d->sock_path, 0, d->allowed_gid,
		      AT_SYMLINK_NOFOLLOW)) ||
	    listen(fd, 64)) {
		err = -errno;
		goto out_unlink;
	}
	ev.data.u64 = (uint64_t)STEERD_EV_LISTEN;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		err = -errno;
		goto out_unlink;
	}
	ctl->listen_fd = fd;
	d->ctl = ctl;
	return 0;

out_unlink:
	unlink(d->sock_path);
out_close:
	close(fd);
out_spare:
	close(ctl->spare_fd);
out_free:
	free(ctl);
	return err;
}

void steerd_ctl_drop(struct steerd *d, struct steerd_peer *peer)
{
	struct ctl_conn *c = conn_of(peer);

	if (c->fd < 0)
		return;
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	c->peer.id = 0;
	d->ctl->used--;
}

int steerd_ctl_clients(const struct steerd *d)
{
	return d->ctl ? atomic_load(&d->ctl->used) : 0;
}

void steerd_ctl_close(struct steerd *d)
{
	struct steerd_ctl *ctl = d->ctl;
	int i;

	if (!ctl)
		return;
	for (i = 0; i < STEERD_MAX_PEERS; i++)
		steerd_ctl_drop(d, &ctl->conns[i].peer);
	close(ctl->listen_fd);
	unlink(d->sock_path);
	if (ctl->spare_fd >= 0)
		close(ctl->spare_fd);
	free(ctl);
	d->ctl = NULL;
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

/*
 * Whether a new connection fits: the last STEERD_ROOT_RESERVE places are
 * root's, so that a flood of other peers never locks out root's steerctl.
 */
static bool room_for(struct steerd_ctl *ctl, uid_t uid)
{
	int limit = uid == 0 ? STEERD_MAX_PEERS :
			       STEERD_MAX_PEERS - STEERD_ROOT_RESERVE;

	if (ctl->used < limit)
		return true;
	if (!ctl->full_told)
		pr_warn("%d control connections open: refusing %s until "
			"some close",
			ctl->used, uid == 0 ? "every peer" : "all but root");
	ctl->full_told = true;
	return false;
}

/*
 * accept() failed for want of a descriptor: the connection stays queued and
 * the socket readable, so the loop would spin. The spare descriptor makes
 * room to accept it and say why it is refused; without one, steerd stops
 * accepting for STEERD_ACCEPT_BACKOFF_MS.
 */
static void out_of_fds(struct steerd *d, int err)
{
	struct steerd_ctl *ctl = d->ctl;
	bool refused = false;
	json_t *r;
	int fd;

	if (!ctl->fds_told)
		pr_warn("out of file descriptors (%s): refusing control "
			"connections until some close",
			strerror(err));
	ctl->fds_told = true;
	if (ctl->spare_fd >= 0) {
		close(ctl->spare_fd);
		fd = accept4(ctl->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0) {
			r = proto_reply_error(-err, "steerd is out of file "
						    "descriptors; try again "
						    "later");
			proto_send(fd, r, -1);
			json_decref(r);
			close(fd);
			refused = true;
		}
		ctl->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	if (refused && ctl->spare_fd >= 0)
		return;
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, ctl->listen_fd, NULL);
	ctl->paused_until_ms = clock_now_ms() + STEERD_ACCEPT_BACKOFF_MS;
}

void steerd_ctl_resume(struct steerd *d)
{
	struct steerd_ctl *ctl = d->ctl;
	struct epoll_event ev = { .events = EPOLLIN,
				  .data.u64 = (uint64_t)STEERD_EV_LISTEN };

	if (!ctl->paused_until_ms || clock_now_ms() < ctl->paused_until_ms)
		return;
	if (ctl->spare_fd < 0)
		ctl->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (!epoll_ctl(d->epfd, EPOLL_CTL_ADD, ctl->listen_fd, &ev))
		ctl->paused_until_ms = 0;
}

void steerd_ctl_accept(struct steerd *d)
{
	struct steerd_ctl *ctl = d->ctl;
	struct epoll_event ev = { .events = EPOLLIN };
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct ctl_conn *c;
	int fd, i;

	fd = accept4(ctl->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE)
			out_of_fds(d, errno);
		return;
	}
	ctl->fds_told = false;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len)) {
		pr_warn("refusing a client: %s", strerror(errno));
		close(fd);
		return;
	}
	if (!room_for(ctl, cred.uid)) {
		close(fd);
		return;
	}
	if (ctl->used < STEERD_MAX_PEERS - STEERD_ROOT_RESERVE)
		ctl->full_told = false;
	for (i = 0; ctl->conns[i].fd >= 0; i++)
		;
	c = &ctl->conns[i];
	c->peer = (struct steerd_peer){
		.id = ++ctl->generation << PEER_INDEX_BITS | i,
		.pid = cred.pid,
		.uid = cred.uid,
		.gid = cred.gid,
		.allowed = peer_allowed(d, fd, &cred),
	};
	c->accepted_ms = clock_now_ms();
	c->spoke = false;
	ev.data.u64 = c->peer.id;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		close(fd);
		return;
	}
	c->fd = fd;
	ctl->used++;
}

struct steerd_peer *steerd_ctl_next_idle(struct steerd *d, uint64_t now_ms,
					 int *pos)
{
	struct ctl_conn *c;

	for (; *pos < STEERD_MAX_PEERS; (*pos)++) {
		c = &d->ctl->conns[*pos];
		if (c->fd >= 0 && !c->spoke &&
		    now_ms - c->accepted_ms >= STEERD_IDLE_MS)
			return &c->peer;
	}
	return NULL;
}

struct steerd_peer *steerd_ctl_peer(struct steerd *d, uint64_t id)
{
	uint64_t i = id & PEER_INDEX_MASK;

	if (!id || i >= STEERD_MAX_PEERS || d->ctl->conns[i].fd < 0 ||
	    d->ctl->conns[i].peer.id != id)
		return NULL;
	return &d->ctl->conns[i].peer;
}

int steerd_ctl_recv(struct steerd *d, struct steerd_peer *peer, json_t **req,
		    int *fd)
{
	int err = proto_recv(conn_of(peer)->fd, req, fd);

	if (err != -EAGAIN && err != -EINTR)
		conn_of(peer)->spoke = true;
	if (err == -ENOTCONN)
		return -ECONNRESET;
	return err == -EINTR ? -EAGAIN : err;
}

int steerd_send(struct steerd *d, uint64_t peer_id, json_t *msg)
{
	struct steerd_peer *peer = steerd_ctl_peer(d, peer_id);
	int err;

	if (!peer)
		return -ENOTCONN;
	err = proto_send(conn_of(peer)->fd, msg, -1);
	if (err)
		pr_debug("peer pid %d: %s", peer->pid, strerror(-err));
	return err;
}
