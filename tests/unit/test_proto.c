// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the control protocol's framing over real SOCK_SEQPACKET socket
 * pairs: round trips with and without a descriptor, size limits, every
 * decoding error, calls with error replies and events, and the typed field
 * readers.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/proto.h"

/* {"v":1,"pad":""}: a message's length is this plus the padding. */
#define PAD_OVERHEAD (sizeof("{\"v\":1,\"pad\":\"\"}") - 1)
/* More than proto_recv has room for: the kernel drops the rest. */
#define EXTRA_FDS 12
#define SMALL_ERRBUF 8

struct pair {
	int a; /* the side under test */
	int b; /* the peer */
};

static void pair_open(struct pair *p)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	p->a = sv[0];
	p->b = sv[1];
}

static void pair_close(struct pair *p)
{
	if (p->a >= 0)
		close(p->a);
	if (p->b >= 0)
		close(p->b);
	p->a = p->b = -1;
}

/* Parses text that must be valid JSON, for expectations. */
static json_t *json(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, 0, &jerr);

	if (!v)
		fail_msg("bad test JSON '%s': %s", text, jerr.text);
	return v;
}

static void assert_json_equal(const json_t *got, const char *want_text)
{
	json_t *want = json(want_text);
	char *got_text;

	if (!json_equal(got, want)) {
		got_text = json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY);
		fail_msg("got %s, expected %s", got_text, want_text);
	}
	json_decref(want);
}

/* Sends raw bytes, with nfds copies of fd when nfds > 0. */
static void send_raw(int sock, const void *buf, size_t len, int fd, int nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * EXTRA_FDS)];
		struct cmsghdr align;
	} ctrl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cmsg;
	int i;

	assert_true(nfds <= EXTRA_FDS);
	if (nfds > 0) {
		memset(&ctrl, 0, sizeof(ctrl));
		mh.msg_control = ctrl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cmsg = CMSG_FIRSTHDR(&mh);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		for (i = 0; i < nfds; i++)
			memcpy(CMSG_DATA(cmsg) + i * sizeof(int), &fd,
			       sizeof(int));
	}
	assert_int_equal(sendmsg(sock, &mh, 0), (ssize_t)len);
}

static void send_text(int sock, const char *text)
{
	send_raw(sock, text, strlen(text), -1, 0);
}

static int count_open_fds(void)
{
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* A file to pass around, unlinked at once. */
static int temp_file(void)
{
	char path[] = "/tmp/steer-test-proto-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	return fd;
}

static void assert_same_file(int fd1, int fd2)
{
	struct stat s1, s2;

	assert_int_equal(fstat(fd1, &s1), 0);
	assert_int_equal(fstat(fd2, &s2), 0);
	assert_int_equal(s1.st_dev, s2.st_dev);
	assert_int_equal(s1.st_ino, s2.st_ino);
}

static void test_round_trip(void **state)
{
	struct pair p;
	json_t *msg, *got;
	int fd = 42;

	pair_open(&p);
	msg = proto_request("group_add");
	assert_non_null(msg);
	json_object_set_new(msg, "name", json_string("wéb"));
	json_object_set_new(msg, "port", json_integer(443));
	json_object_set_new(msg, "cookie", json_integer(INT64_MAX));
	assert_int_equal(proto_send(p.a, msg, -1), 0);
	assert_int_equal(proto_recv(p.b, &got, &fd), 0);
	assert_int_equal(fd, -1);
	assert_true(json_equal(msg, got));
	assert_json_equal(got, "{\"v\":1,\"cmd\":\"group_add\",\"name\":"
			       "\"wéb\",\"port\":443,\"cookie\":"
			       "9223372036854775807}");
	json_decref(got);
	json_decref(msg);
	pair_close(&p);
}

static void test_round_trip_fd(void **state)
{
	int file = temp_file(), fd = -1, flags, before;
	json_t *msg = proto_request("register"), *got;
	struct pair p;

	pair_open(&p);
	before = count_open_fds();
	assert_int_equal(proto_send(p.a, msg, file), 0);
	assert_int_equal(proto_recv(p.b, &got, &fd), 0);
	assert_true(json_equal(msg, got));
	assert_true(fd >= 0);
	assert_int_not_equal(fd, file);
	assert_same_file(fd, file);
	/* MSG_CMSG_CLOEXEC: a descriptor must not leak into an exec. */
	flags = fcntl(fd, F_GETFD);
	assert_true(flags >= 0);
	assert_true(flags & FD_CLOEXEC);
	assert_int_equal(count_open_fds(), before + 1);
	close(fd);

	/* Without a place for it, a received descriptor is closed. */
	assert_int_equal(proto_send(p.a, msg, file), 0);
	json_decref(got);
	assert_int_equal(proto_recv(p.b, &got, NULL), 0);
	assert_int_equal(count_open_fds(), before);

	json_decref(got);
	json_decref(msg);
	close(file);
	pair_close(&p);
}

static void test_extra_fds_closed(void **state)
{
	const char *text = "{\"v\":1,\"cmd\":\"register\"}";
	int file = temp_file(), fd = -1, before;
	struct pair p;
	json_t *got;

	pair_open(&p);
	before = count_open_fds();
	send_raw(p.a, text, strlen(text), file, EXTRA_FDS);
	assert_int_equal(proto_recv(p.b, &got, &fd), 0);
	assert_true(fd >= 0);
	assert_same_file(fd, file);
	/* One kept, the others closed or never installed. */
	assert_int_equal(count_open_fds(), before + 1);
	close(fd);
	json_decref(got);

	/* A message refused for its text has its descriptor closed too. */
	send_raw(p.a, "[1]", strlen("[1]"), file, 1);
	assert_int_equal(proto_recv(p.b, &got, &fd), -EBADMSG);
	assert_null(got);
	assert_int_equal(fd, -1);
	assert_int_equal(count_open_fds(), before);

	close(file);
	pair_close(&p);
}

/* {"v":1,"pad":"xxx..."}, exactly len bytes of JSON text. */
static json_t *padded(size_t len)
{
	char *pad;
	json_t *msg;

	assert_true(len >= PAD_OVERHEAD);
	pad = malloc(len - PAD_OVERHEAD + 1);
	assert_non_null(pad);
	memset(pad, 'x', len - PAD_OVERHEAD);
	pad[len - PAD_OVERHEAD] = '\0';
	msg = json_pack("{s:i, s:s}", "v", STEER_PROTO_VERSION, "pad", pad);
	free(pad);
	assert_non_null(msg);
	return msg;
}

static void test_size_limit(void **state)
{
	json_t *max = padded(STEER_PROTO_MAX_MSG), *got;
	json_t *over = padded(STEER_PROTO_MAX_MSG + 1);
	char *text;
	struct pair p;
	int fd;

	pair_open(&p);
	text = json_dumps(max, JSON_COMPACT);
	assert_int_equal(strlen(text), STEER_PROTO_MAX_MSG);
	free(text);

	assert_int_equal(proto_send(p.a, max, -1), 0);
	assert_int_equal(proto_recv(p.b, &got, &fd), 0);
	assert_true(json_equal(max, got));
	json_decref(got);

	assert_int_equal(proto_send(p.a, over, -1), -EMSGSIZE);

	/* A peer that sends more than the limit: the message is refused... */
	text = json_dumps(over, JSON_COMPACT);
	send_text(p.a, text);
	free(text);
	assert_int_equal(proto_recv(p.b, &got, &fd), -EMSGSIZE);
	assert_null(got);
	/* ...and the connection goes on with the next one. */
	send_text(p.a, "{\"v\":1,\"ok\":true}");
	assert_int_equal(proto_recv(p.b, &got, &fd), 0);
	assert_json_equal(got, "{\"v\":1,\"ok\":true}");
	json_decref(got);

	json_decref(max);
	json_decref(over);
	pair_close(&p);
}

static const struct decode_case {
	const char *text;
	int err;
} decode_cases[] = {
	{ "{\"v\":1}", 0 },
	{ "{\"v\":1,\"cmd\":\"status\"}", 0 },
	{ " {\"v\" : 1}\n", 0 },
	{ "", -EBADMSG },
	{ "not json", -EBADMSG },
	{ "{\"v\":1", -EBADMSG },
	{ "{\"v\":1} trailing", -EBADMSG },
	{ "[{\"v\":1}]", -EBADMSG },
	{ "\"v\"", -EBADMSG },
	{ "1", -EBADMSG },
	{ "null", -EBADMSG },
	/* Two values for one key: which one steerd acts on is a guess. */
	{ "{\"v\":1,\"cmd\":\"a\",\"cmd\":\"b\"}", -EBADMSG },
	{ "{}", -EPROTO },
	{ "{\"cmd\":\"status\"}", -EPROTO },
	{ "{\"v\":2}", -EPROTO },
	{ "{\"v\":0}", -EPROTO },
	{ "{\"v\":\"1\"}", -EPROTO },
	{ "{\"v\":1.0}", -EPROTO },
	{ "{\"v\":true}", -EPROTO },
	{ "{\"v\":null}", -EPROTO },
};

static void test_decode(void **state)
{
	const struct decode_case *c;
	json_t *msg;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]); i++) {
		c = &decode_cases[i];
		msg = (json_t *)1; /* must be reset on error */
		ret = proto_decode(c->text, strlen(c->text), &msg);
		if (ret != c->err)
			fail_msg("'%s': got %d, expected %d", c->text, ret,
				 c->err);
		if (ret)
			assert_null(msg);
		else
			assert_non_null(msg);
		json_decref(ret ? NULL : msg);
	}
	/* The length counts, not a NUL: a prefix of valid text is cut. */
	assert_int_equal(proto_decode("{\"v\":1}", 3, &msg), -EBADMSG);
	/* An embedded NUL is not JSON text. */
	assert_int_equal(proto_decode("{\"v\":1}\0", 8, &msg), -EBADMSG);
}

/* The same errors through the socket; each leaves the connection usable. */
static void test_recv_errors(void **state)
{
	struct pair p;
	json_t *msg;
	int fd;

	pair_open(&p);
	send_text(p.a, "{\"v\":1,");
	assert_int_equal(proto_recv(p.b, &msg, &fd), -EBADMSG);
	send_text(p.a, "[1,2,3]");
	assert_int_equal(proto_recv(p.b, &msg, &fd), -EBADMSG);
	send_text(p.a, "{\"ok\":true}");
	assert_int_equal(proto_recv(p.b, &msg, &fd), -EPROTO);
	send_text(p.a, "{\"v\":2,\"ok\":true}");
	assert_int_equal(proto_recv(p.b, &msg, &fd), -EPROTO);
	assert_null(msg);
	assert_int_equal(fd, -1);
	send_text(p.a, "{\"v\":1,\"ok\":true}");
	assert_int_equal(proto_recv(p.b, &msg, &fd), 0);
	json_decref(msg);

	msg = json_array();
	assert_int_equal(proto_send(p.a, msg, -1), -EINVAL);
	json_decref(msg);
	pair_close(&p);
}

static void test_peer_closed(void **state)
{
	json_t *msg = proto_request("status"), *got;
	struct pair p;
	int fd;

	pair_open(&p);
	close(p.a);
	p.a = -1;
	assert_int_equal(proto_recv(p.b, &got, &fd), -ECONNRESET);
	assert_null(got);
	/* EPIPE, without a SIGPIPE that would kill the test. */
	assert_int_equal(proto_send(p.b, msg, -1), -ECONNRESET);
	json_decref(msg);
	pair_close(&p);
}

static void test_builders(void **state)
{
	char bad_utf8[] = { 'a', (char)0xff, 'b', '\0' };
	json_t *msg;

	msg = proto_request("status");
	assert_json_equal(msg, "{\"v\":1,\"cmd\":\"status\"}");
	json_decref(msg);

	msg = proto_reply_ok();
	assert_json_equal(msg, "{\"v\":1,\"ok\":true}");
	json_decref(msg);

	msg = proto_reply_error(-ENOENT, "no group %s", "web");
	assert_json_equal(msg, "{\"v\":1,\"ok\":false,\"errno\":2,\"error\":"
			       "\"no group web\"}");
	json_decref(msg);

	/* One line, whatever the caller formatted. */
	msg = proto_reply_error(-EBUSY, "first\nsecond\r\nthird");
	assert_json_equal(msg, "{\"v\":1,\"ok\":false,\"errno\":16,\"error\":"
			       "\"first second  third\"}");
	json_decref(msg);

	/* errno 0 would read as no error; a positive errno is taken. */
	msg = proto_reply_error(0, "oops");
	assert_int_equal(json_integer_value(json_object_get(msg, "errno")),
			 EIO);
	json_decref(msg);
	msg = proto_reply_error(EPERM, "positive");
	assert_int_equal(json_integer_value(json_object_get(msg, "errno")),
			 EPERM);
	json_decref(msg);

	/* Text jansson refuses (not UTF-8) still gives an error reply. */
	msg = proto_reply_error(-EINVAL, "path %s", bad_utf8);
	assert_non_null(msg);
	assert_string_equal(json_string_value(json_object_get(msg, "error")),
			    strerror(EINVAL));
	json_decref(msg);
}

/* proto_call with the reply (and whatever precedes it) already queued. */
static int call(struct pair *p, const char *const *queued, json_t **reply,
		char *errbuf, size_t errlen)
{
	json_t *req = proto_request("group_show"), *got;
	int ret, fd;

	json_object_set_new(req, "name", json_string("web"));
	for (; *queued; queued++)
		send_text(p->b, *queued);
	ret = proto_call(p->a, req, -1, reply, errbuf, errlen);
	/* The peer got the request as sent. */
	if (ret != -ECONNRESET) {
		assert_int_equal(proto_recv(p->b, &got, &fd), 0);
		assert_true(json_equal(req, got));
		json_decref(got);
	}
	json_decref(req);
	return ret;
}

static void test_call(void **state)
{
	const char *ok[] = { "{\"v\":1,\"ok\":true,\"slots\":[]}", NULL };
	const char *events[] = {
		"{\"v\":1,\"event\":\"drain\",\"slot\":3}",
		"{\"v\":1,\"event\":\"drained\",\"slot\":3}",
		"{\"v\":1,\"ok\":true,\"id\":7}",
		NULL,
	};
	const char *error[] = { "{\"v\":1,\"ok\":false,\"errno\":2,\"error\":"
				"\"no group web\"}",
				NULL };
	char errbuf[PROTO_READ_MSG_MAX];
	json_t *reply;
	struct pair p;

	pair_open(&p);
	assert_int_equal(call(&p, ok, &reply, errbuf, sizeof(errbuf)), 0);
	assert_json_equal(reply, "{\"v\":1,\"ok\":true,\"slots\":[]}");
	assert_string_equal(errbuf, "");
	json_decref(reply);

	/* A caller that wants no reply object. */
	assert_int_equal(call(&p, ok, NULL, NULL, 0), 0);

	assert_int_equal(call(&p, events, &reply, errbuf, sizeof(errbuf)), 0);
	assert_json_equal(reply, "{\"v\":1,\"ok\":true,\"id\":7}");
	json_decref(reply);

	reply = (json_t *)1;
	assert_int_equal(call(&p, error, &reply, errbuf, sizeof(errbuf)),
			 -ENOENT);
	assert_null(reply);
	assert_string_equal(errbuf, "no group web");

	/* A short buffer gets the start of the message, terminated. */
	assert_int_equal(call(&p, error, NULL, errbuf, SMALL_ERRBUF), -ENOENT);
	assert_string_equal(errbuf, "no grou");
	pair_close(&p);
}

static const struct bad_reply_case {
	const char *text;
	int err;
	const char *phrase; /* in errbuf */
} bad_replies[] = {
	{ "{\"v\":1}", -EBADMSG, "no boolean \"ok\"" },
	{ "{\"v\":1,\"ok\":1}", -EBADMSG, "no boolean \"ok\"" },
	{ "{\"v\":1,\"ok\":false,\"error\":\"x\"}", -EBADMSG,
	  "no positive \"errno\"" },
	{ "{\"v\":1,\"ok\":false,\"errno\":0,\"error\":\"x\"}", -EBADMSG,
	  "no positive \"errno\"" },
	{ "{\"v\":1,\"ok\":false,\"errno\":-2,\"error\":\"x\"}", -EBADMSG,
	  "no positive \"errno\"" },
	{ "{\"v\":1,\"ok\":false,\"errno\":\"2\",\"error\":\"x\"}", -EBADMSG,
	  "no positive \"errno\"" },
	{ "{\"v\":1,\"ok\":false,\"errno\":4294967298}", -EBADMSG,
	  "no positive \"errno\"" },
	/* No message: the errno still says what happened. */
	{ "{\"v\":1,\"ok\":false,\"errno\":13}", -EACCES, "Permission denied" },
	{ "{\"v\":2,\"ok\":true}", -EPROTO, "not of protocol version 1" },
	{ "{\"v\":1,\"ok\":true", -EBADMSG, "not a JSON object" },
	{ "[]", -EBADMSG, "not a JSON object" },
};

static void test_call_bad_replies(void **state)
{
	char errbuf[PROTO_READ_MSG_MAX];
	const char *queued[2] = { NULL, NULL };
	json_t *reply;
	struct pair p;
	size_t i;
	int ret;

	pair_open(&p);
	for (i = 0; i < sizeof(bad_replies) / sizeof(bad_replies[0]); i++) {
		queued[0] = bad_replies[i].text;
		ret = call(&p, queued, &reply, errbuf, sizeof(errbuf));
		if (ret != bad_replies[i].err ||
		    !strstr(errbuf, bad_replies[i].phrase))
			fail_msg("reply '%s': got %d '%s', expected %d with "
				 "'%s'",
				 bad_replies[i].text, ret, errbuf,
				 bad_replies[i].err, bad_replies[i].phrase);
		assert_null(reply);
	}
	pair_close(&p);
}

static void test_call_peer_gone(void **state)
{
	const char *none[] = { NULL };
	char errbuf[PROTO_READ_MSG_MAX];
	json_t *req = proto_request("status"), *reply, *got;
	struct pair p;
	int fd;

	/* The peer reads the request and closes without replying. */
	pair_open(&p);
	assert_int_equal(shutdown(p.b, SHUT_WR), 0);
	assert_int_equal(proto_call(p.a, req, -1, &reply, errbuf,
				    sizeof(errbuf)),
			 -ECONNRESET);
	assert_null(reply);
	/* A socket error: strerror() says it, errbuf stays empty. */
	assert_string_equal(errbuf, "");
	assert_int_equal(proto_recv(p.b, &got, &fd), 0);
	json_decref(got);
	pair_close(&p);

	/* The peer is gone before the request. */
	pair_open(&p);
	close(p.b);
	p.b = -1;
	assert_int_equal(call(&p, none, &reply, errbuf, sizeof(errbuf)),
			 -ECONNRESET);
	pair_close(&p);
	json_decref(req);
}

static void test_connect(void **state)
{
	char dir[] = "/tmp/steer-test-proto-XXXXXX", path[PATH_MAX];
	char long_path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	json_t *msg = proto_request("status"), *got;
	int srv, sock, conn, fd;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/steerd.sock", dir);
	assert_int_equal(proto_connect(path), -ENOENT);

	memset(long_path, 'x', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	assert_int_equal(proto_connect(long_path), -ENAMETOOLONG);
	assert_int_equal(proto_connect(""), -EINVAL);

	/* A socket file nobody listens on: a steerd that died. */
	srv = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	assert_true(srv >= 0);
	strcpy(sa.sun_path, path);
	assert_int_equal(bind(srv, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(proto_connect(path), -ECONNREFUSED);

	assert_int_equal(listen(srv, 1), 0);
	sock = proto_connect(path);
	assert_true(sock >= 0);
	assert_true(fcntl(sock, F_GETFD) & FD_CLOEXEC);
	conn = accept(srv, NULL, NULL);
	assert_true(conn >= 0);
	assert_int_equal(proto_send(sock, msg, -1), 0);
	assert_int_equal(proto_recv(conn, &got, &fd), 0);
	assert_true(json_equal(msg, got));

	json_decref(got);
	json_decref(msg);
	close(conn);
	close(sock);
	close(srv);
	unlink(path);
	rmdir(dir);
}

static void expect_read_error(struct proto_read *rd, const char *msg)
{
	assert_int_equal(rd->err, -EBADMSG);
	assert_string_equal(rd->msg, msg);
	proto_read_init(rd);
}

static void test_read(void **state)
{
	json_t *obj = json("{\"s\":\"text\",\"b\":true,\"n\":4294967295,"
			   "\"big\":9223372036854775807,\"neg\":-1,"
			   "\"arr\":[1,\"x\"],\"o\":{},\"nul\":null}");
	json_t *arr, *n = json_object_get(obj, "n");
	struct proto_read rd;

	proto_read_init(&rd);
	assert_string_equal(proto_read_str(&rd, obj, "s"), "text");
	assert_true(proto_read_bool(&rd, obj, "b"));
	assert_int_equal(proto_read_u32(&rd, obj, "n"), UINT32_MAX);
	assert_true(proto_read_u64(&rd, obj, "big") == INT64_MAX);
	arr = proto_read_array(&rd, obj, "arr");
	assert_int_equal(json_array_size(arr), 2);
	assert_non_null(proto_read_object(&rd, obj, "o"));
	proto_read_at(&rd, "arr[%d]", 0);
	assert_int_equal(proto_read_u32(&rd, json_array_get(arr, 0), NULL), 1);
	assert_int_equal(rd.err, 0);

	/* The first error is kept, named; later reads give zero values. */
	proto_read_at(&rd, "arr[%d]", 1);
	assert_int_equal(proto_read_u32(&rd, json_array_get(arr, 1), NULL), 0);
	assert_string_equal(proto_read_str(&rd, obj, "s"), "");
	assert_false(proto_read_bool(&rd, obj, "b"));
	assert_null(proto_read_array(&rd, obj, "arr"));
	assert_null(proto_read_object(&rd, obj, "o"));
	expect_read_error(&rd, "arr[1]: expected an integer, got a string");

	/* Each kind of error. */
	proto_read_str(&rd, obj, "missing");
	expect_read_error(&rd, "missing: missing");
	proto_read_at(&rd, "n");
	proto_read_u32(&rd, n, "x");
	expect_read_error(&rd, "n: expected an object, got an integer");
	proto_read_u32(&rd, obj, "neg");
	expect_read_error(&rd, "neg: -1 is out of range 0-4294967295");
	proto_read_u64(&rd, obj, "neg");
	expect_read_error(&rd, "neg: -1 is out of range 0-9223372036854775807");
	proto_read_u32(&rd, obj, "big");
	expect_read_error(&rd, "big: 9223372036854775807 is out of range "
			       "0-4294967295");
	proto_read_str(&rd, obj, "b");
	expect_read_error(&rd, "b: expected a string, got a boolean");
	proto_read_bool(&rd, obj, "nul");
	expect_read_error(&rd, "nul: expected a boolean, got null");
	proto_read_array(&rd, obj, "s");
	expect_read_error(&rd, "s: expected an array, got a string");
	proto_read_object(&rd, obj, "arr");
	expect_read_error(&rd, "arr: expected an object, got an array");
	proto_read_at(&rd, "top");
	proto_read_u32(&rd, arr, NULL);
	expect_read_error(&rd, "top: expected an integer, got an array");
	proto_read_at(&rd, "top[5]");
	proto_read_u32(&rd, json_array_get(arr, 5), NULL);
	expect_read_error(&rd, "top[5]: missing");
	/* The reply itself is not an object. */
	proto_read_str(&rd, arr, "name");
	expect_read_error(&rd, "expected an object, got an array");

	json_decref(obj);
}

/* Names of nested fields, and integers that may be null (unknown). */
static void test_read_nested(void **state)
{
	json_t *obj = json("{\"a\":{\"b\":[1,{\"c\":\"x\"}]},\"u\":null,"
			   "\"k\":3,\"neg\":-1,\"big\":2147483648,"
			   "\"s\":\"1\"}");
	json_t *b = json_object_get(json_object_get(obj, "a"), "b");
	struct proto_read rd;
	size_t outer, inner;

	proto_read_init(&rd);
	outer = proto_read_enter(&rd, "a");
	inner = proto_read_enter(&rd, "b[%d]", 1);
	assert_string_equal(rd.where, "a.b[1]");
	proto_read_u32(&rd, json_array_get(b, 1), "c");
	expect_read_error(&rd, "a.b[1].c: expected an integer, got a string");
	/* An index joins its name without a dot. */
	proto_read_at(&rd, "b");
	inner = proto_read_enter(&rd, "[%d]", 0);
	assert_string_equal(rd.where, "b[0]");
	proto_read_leave(&rd, inner);
	assert_string_equal(rd.where, "b");
	proto_read_at(&rd, "a");
	inner = proto_read_enter(&rd, "b");
	proto_read_leave(&rd, inner);
	proto_read_leave(&rd, outer);
	assert_string_equal(rd.where, "");

	assert_int_equal(proto_read_int_or_null(&rd, obj, "u"), -1);
	assert_int_equal(proto_read_int_or_null(&rd, obj, "k"), 3);
	assert_int_equal(rd.err, 0);
	proto_read_int_or_null(&rd, obj, "neg");
	expect_read_error(&rd, "neg: -1 is out of range 0-2147483647");
	proto_read_int_or_null(&rd, obj, "big");
	expect_read_error(&rd, "big: 2147483648 is out of range 0-2147483647");
	proto_read_int_or_null(&rd, obj, "s");
	expect_read_error(&rd, "s: expected an integer or null, got a string");
	proto_read_int_or_null(&rd, obj, "none");
	expect_read_error(&rd, "none: missing");
	json_decref(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_fd),
		cmocka_unit_test(test_extra_fds_closed),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_recv_errors),
		cmocka_unit_test(test_peer_closed),
		cmocka_unit_test(test_builders),
		cmocka_unit_test(test_call),
		cmocka_unit_test(test_call_bad_replies),
		cmocka_unit_test(test_call_peer_gone),
		cmocka_unit_test(test_connect),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_read_nested),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
