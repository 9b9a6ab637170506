// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control protocol's framing, shared by steerd and its clients: one
 * versioned JSON object per SOCK_SEQPACKET message, one descriptor at most.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "defaults.h"
#include "proto.h"

/*
 * Descriptors proto_recv has room for. One is the protocol; a peer that
 * sends more gets them closed here, and those beyond this room the kernel
 * discards itself (MSG_CTRUNC), so none leaks either way.
 */
#define PROTO_FDS_ROOM 8

/*
 * Control data proto_recv accepts: descriptors, and credentials in case
 * the socket has SO_PASSCRED (steerd may check peers that way).
 */
#define PROTO_CMSG_SPACE                            \
	(CMSG_SPACE(sizeof(int) * PROTO_FDS_ROOM) + \
	 CMSG_SPACE(sizeof(struct ucred)))

int proto_send(int sock, const json_t *msg, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctrl;
	struct msghdr mh = { 0 };
	struct cmsghdr *cmsg;
	struct iovec iov;
	size_t len;
	ssize_t n;
	char *text;
	int err = 0;

	if (!json_is_object(msg))
		return -EINVAL;
	text = json_dumps(msg, JSON_COMPACT);
	if (!text)
		return -ENOMEM;
	len = strlen(text);
	if (len > STEER_PROTO_MAX_MSG) {
		err = -EMSGSIZE;
		goto out;
	}

	iov.iov_base = text;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd >= 0) {
		memset(&ctrl, 0, sizeof(ctrl));
		mh.msg_control = ctrl.buf;
		mh.msg_controllen = sizeof(ctrl.buf);
		cmsg = CMSG_FIRSTHDR(&mh);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}

	/* MSG_NOSIGNAL: a client gone is an error to handle, not a SIGPIPE. */
	n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	if (n < 0)
		err = errno == EPIPE ? -ECONNRESET : -errno;
	else if ((size_t)n != len)
		err = -EIO; /* SOCK_SEQPACKET sends whole messages or none */
out:
	free(text);
	return err;
}

/*
 * The first descriptor the message carried, or -1; any others are closed,
 * since the protocol passes one and a leaked descriptor could keep a
 * closed listener alive.
 */
static int take_fds(struct msghdr *mh)
{
	struct cmsghdr *cmsg;
	size_t i, nfds;
	int fd = -1, got;

	for (cmsg = CMSG_FIRSTHDR(mh); cmsg; cmsg = CMSG_NXTHDR(mh, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		nfds = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfds; i++) {
			memcpy(&got, CMSG_DATA(cmsg) + i * sizeof(int),
			       sizeof(int));
			if (fd < 0)
				fd = got;
			else
				close(got);
		}
	}
	return fd;
}

int proto_recv(int sock, json_t **msg, int *fd)
{
	union {
		char buf[PROTO_CMSG_SPACE];
		struct cmsghdr align;
	} ctrl;
	struct msghdr mh = { 0 };
	struct iovec iov;
	int got = -1, err;
	char *buf;
	ssize_t n;

	*msg = NULL;
	if (fd)
		*fd = -1;
	buf = malloc(STEER_PROTO_MAX_MSG);
	if (!buf)
		return -ENOMEM;

	iov.iov_base = buf;
	iov.iov_len = STEER_PROTO_MAX_MSG;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctrl.buf;
	mh.msg_controllen = sizeof(ctrl.buf);

	n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0) {
		err = -errno;
		goto out;
	}
	got = take_fds(&mh);
	/*
	 * End of stream reads as 0 bytes; so would an empty message, which no
	 * sender of JSON objects produces.
	 */
	if (n == 0)
		err = -ECONNRESET;
	else if (mh.msg_flags & MSG_TRUNC)
		err = -EMSGSIZE; /* the kernel has dropped the rest */
	else
		err = proto_decode(buf, n, msg);
out:
	if (!err && fd) {
		*fd = got;
		got = -1;
	}
	if (got >= 0)
		close(got);
	free(buf);
	return err;
}

int proto_decode(const char *buf, size_t len, json_t **msg)
{
	json_error_t jerr;
	json_t *root, *v;

	*msg = NULL;
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return -EBADMSG;
	if (!json_is_object(root)) {
		json_decref(root);
		return -EBADMSG;
	}
	v = json_object_get(root, "v");
	if (!json_is_integer(v) ||
	    json_integer_value(v) != STEER_PROTO_VERSION) {
		json_decref(root);
		return -EPROTO;
	}
	*msg = root;
	return 0;
}

json_t *proto_request(const char *cmd)
{
	return json_pack("{s:i, s:s}", "v", STEER_PROTO_VERSION, "cmd", cmd);
}

json_t *proto_reply_ok(void)
{
	return json_pack("{s:i, s:b}", "v", STEER_PROTO_VERSION, "ok", 1);
}

static json_t *reply_error(int errnum, const char *msg)
{
	return json_pack("{s:i, s:b, s:i, s:s}", "v", STEER_PROTO_VERSION, "ok",
			 0, "errno", errnum, "error", msg);
}

json_t *proto_reply_error(int err, const char *fmt, ...)
{
	int errnum = err < 0 ? -err : err;
	json_t *reply = NULL;
	va_list ap;
	char *msg, *p;

	/* errno 0 would read as no error at all. */
	if (!errnum)
		errnum = EIO;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);

	if (msg) {
		/* Clients print the message as one line. */
		for (p = msg; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		/* NULL when the text is not UTF-8 (say, a path): see below. */
		reply = reply_error(errnum, msg);
		free(msg);
	}
	if (!reply)
		reply = reply_error(errnum, strerror(errnum));
	return reply;
}

int proto_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int sock, err;

	if (!path)
		path = steer_default_socket();
	if (!*path)
		return -EINVAL;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);

	sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return -errno;
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		close(sock);
		return err;
	}
	return sock;
}

static __attribute__((format(printf, 3, 4))) void
set_errbuf(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

/*
 * Describes what proto_recv refused in the reply, for the user. Only
 * clients call proto_call, and their peer is steerd: the text names it.
 */
static void describe_recv_error(int err, char *errbuf, size_t errlen)
{
	switch (err) {
	case -EMSGSIZE:
		set_errbuf(errbuf, errlen,
			   "steerd's reply is longer than %d bytes, the "
			   "protocol's limit",
			   STEER_PROTO_MAX_MSG);
		break;
	case -EBADMSG:
		set_errbuf(errbuf, errlen,
			   "steerd's reply is not a JSON object");
		break;
	case -EPROTO:
		set_errbuf(errbuf, errlen,
			   "steerd's reply is not of protocol version %d; "
			   "use a client of steerd's own release",
			   STEER_PROTO_VERSION);
		break;
	}
}

int proto_call(int sock, const json_t *req, int fd, json_t **reply,
	       char *errbuf, size_t errlen)
{
	json_t *msg, *ok, *errnum, *text;
	json_int_t e;
	int err;

	if (errlen)
		errbuf[0] = '\0';
	if (reply)
		*reply = NULL;

	err = proto_send(sock, req, fd);
	if (err == -EMSGSIZE)
		set_errbuf(errbuf, errlen,
			   "the request is longer than %d bytes, the "
			   "protocol's limit",
			   STEER_PROTO_MAX_MSG);
	if (err)
		return err;

	/* Events may be queued ahead of the reply; they are not for us. */
	for (;;) {
		err = proto_recv(sock, &msg, NULL);
		if (err) {
			describe_recv_error(err, errbuf, errlen);
			return err;
		}
		if (!json_object_get(msg, "event"))
			break;
		json_decref(msg);
	}

	ok = json_object_get(msg, "ok");
	if (!json_is_boolean(ok)) {
		set_errbuf(errbuf, errlen,
			   "steerd's reply has no boolean \"ok\"");
		err = -EBADMSG;
		goto out;
	}
	if (json_is_true(ok)) {
		if (reply) {
			*reply = msg;
			msg = NULL;
		}
		goto out;
	}

	errnum = json_object_get(msg, "errno");
	e = json_integer_value(errnum);
	if (!json_is_integer(errnum) || e <= 0 || e > INT_MAX) {
		set_errbuf(errbuf, errlen,
			   "steerd's error reply has no positive \"errno\"");
		err = -EBADMSG;
		goto out;
	}
	/* The errno is the fact; a reply without text still says something. */
	text = json_object_get(msg, "error");
	set_errbuf(errbuf, errlen, "%s",
		   json_is_string(text) ? json_string_value(text) :
					  strerror((int)e));
	err = -(int)e;
out:
	json_decref(msg);
	return err;
}

void proto_read_init(struct proto_read *rd)
{
	memset(rd, 0, sizeof(*rd));
}

void proto_read_at(struct proto_read *rd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rd->where, sizeof(rd->where), fmt, ap);
	va_end(ap);
}

size_t proto_read_enter(struct proto_read *rd, const char *fmt, ...)
{
	size_t mark = strlen(rd->where);
	va_list ap;

	if (mark && *fmt != '[' && mark < sizeof(rd->where) - 1)
		strcat(rd->where, ".");
	va_start(ap, fmt);
	vsnprintf(rd->where + strlen(rd->where),
		  sizeof(rd->where) - strlen(rd->where), fmt, ap);
	va_end(ap);
	return mark;
}

void proto_read_leave(struct proto_read *rd, size_t mark)
{
	if (mark < sizeof(rd->where))
		rd->where[mark] = '\0';
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "an unknown type";
}

/*
 * Records the first error, naming the field as "where.key: ". Truncation
 * is fine: the message is for people and the name comes first.
 */
static __attribute__((format(printf, 3, 4))) void
read_fail(struct proto_read *rd, const char *key, const char *fmt, ...)
{
	size_t len = 0;
	va_list ap;

	if (rd->err)
		return;
	rd->err = -EBADMSG;
	if (*rd->where || key)
		len = snprintf(rd->msg, sizeof(rd->msg),
			       "%.*s%s%.*s: ", PROTO_READ_WHERE_MAX, rd->where,
			       *rd->where && key ? "." : "",
			       PROTO_READ_WHERE_MAX, key ? key : "");
	if (len >= sizeof(rd->msg))
		return;
	va_start(ap, fmt);
	vsnprintf(rd->msg + len, sizeof(rd->msg) - len, fmt, ap);
	va_end(ap);
}

/* The value to read, or NULL after recording why there is none. */
static json_t *read_value(struct proto_read *rd, const json_t *obj,
			  const char *key)
{
	json_t *v;

	if (rd->err)
		return NULL;
	if (!key) {
		if (!obj)
			read_fail(rd, NULL, "missing");
		return (json_t *)obj;
	}
	if (!json_is_object(obj)) {
		read_fail(rd, NULL, "expected an object, got %s",
			  obj ? type_name(obj) : "nothing");
		return NULL;
	}
	v = json_object_get(obj, key);
	if (!v)
		read_fail(rd, key, "missing");
	return v;
}

/* Whether v is the wanted type; records the error when it is not. */
static bool read_check(struct proto_read *rd, const char *key, const json_t *v,
		       bool is_type, const char *want)
{
	if (!v)
		return false; /* already recorded */
	if (!is_type)
		read_fail(rd, key, "expected %s, got %s", want, type_name(v));
	return is_type;
}

bool proto_read_bool(struct proto_read *rd, const json_t *obj, const char *key)
{
	json_t *v = read_value(rd, obj, key);

	if (!read_check(rd, key, v, json_is_boolean(v), "a boolean"))
		return false;
	return json_is_true(v);
}

/* An integer 0..max, or 0 after recording why not. */
static uint64_t read_uint(struct proto_read *rd, const json_t *obj,
			  const char *key, uint64_t max)
{
	json_t *v = read_value(rd, obj, key);
	json_int_t n;

	if (!read_check(rd, key, v, json_is_integer(v), "an integer"))
		return 0;
	n = json_integer_value(v);
	if (n < 0 || (uint64_t)n > max) {
		read_fail(rd, key, "%lld is out of range 0-%llu", (long long)n,
			  (unsigned long long)max);
		return 0;
	}
	return (uint64_t)n;
}

uint32_t proto_read_u32(struct proto_read *rd, const json_t *obj,
			const char *key)
{
	return (uint32_t)read_uint(rd, obj, key, UINT32_MAX);
}

uint64_t proto_read_u64(struct proto_read *rd, const json_t *obj,
			const char *key)
{
	/* jansson's integers are signed 64-bit: INT64_MAX is the ceiling. */
	return read_uint(rd, obj, key, INT64_MAX);
}

int proto_read_int_or_null(struct proto_read *rd, const json_t *obj,
			   const char *key)
{
	json_t *v = read_value(rd, obj, key);
	json_int_t n;

	if (!read_check(rd, key, v, json_is_integer(v) || json_is_null(v),
			"an integer or null"))
		return 0;
	if (json_is_null(v))
		return -1;
	n = json_integer_value(v);
	if (n < 0 || n > INT_MAX) {
		read_fail(rd, key, "%lld is out of range 0-%d", (long long)n,
			  INT_MAX);
		return 0;
	}
	return (int)n;
}

const char *proto_read_str(struct proto_read *rd, const json_t *obj,
			   const char *key)
{
	json_t *v = read_value(rd, obj, key);

	if (!read_check(rd, key, v, json_is_string(v), "a string"))
		return "";
	return json_string_value(v);
}

json_t *proto_read_array(struct proto_read *rd, const json_t *obj,
			 const char *key)
{
	json_t *v = read_value(rd, obj, key);

	if (!read_check(rd, key, v, json_is_array(v), "an array"))
		return NULL;
	return v;
}

json_t *proto_read_object(struct proto_read *rd, const json_t *obj,
			  const char *key)
{
	json_t *v = read_value(rd, obj, key);

	if (!read_check(rd, key, v, json_is_object(v), "an object"))
		return NULL;
	return v;
}
