// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerctl's calls to steerd, and the messages for everything that can go
 * wrong on the way: steerd absent, refused, gone mid-call, or answering
 * with an error of its own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "client.h"
#include "lib/defaults.h"
#include "output.h"

/* Room for steerd's error message: one line, well below this. */
#define CLIENT_ERR_MAX 1024

const char *client_socket_path(void)
{
	return cli_opts.socket_path ? cli_opts.socket_path :
				      steer_default_socket();
}

int client_connect(void)
{
	const char *path = client_socket_path();
	const char *hint = "";
	int sock;

	sock = proto_connect(path);
	if (sock >= 0)
		return sock;

	switch (sock) {
	case -ENAMETOOLONG:
		return cli_usage_error(
			"--socket '%s' is too long: a UNIX "
			"socket path has at most %zu bytes",
			path, sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	case -ENOENT:
	case -ECONNREFUSED:
		hint = "; start it with 'steerd'";
		break;
	case -EACCES:
	case -EPERM:
		hint = "; steerd accepts root and the group given to 'steerd "
		       "--group'";
		break;
	}
	print_err("cannot reach steerd at %s: %s%s", path, strerror(-sock),
		  hint);
	return -ENOTCONN;
}

int client_call(int sock, json_t *req, json_t **reply)
{
	char errbuf[CLIENT_ERR_MAX];
	int err;

	if (!req) {
		print_err("out of memory building the request");
		return -ENOMEM;
	}
	err = proto_call(sock, req, -1, reply, errbuf, sizeof(errbuf));
	json_decref(req);
	/* A signal the caller handles (stats --watch): its choice to stop. */
	if (!err || err == -EINTR)
		return err;

	if (*errbuf)
		print_err("%s", errbuf);
	else if (err == -ECONNRESET)
		print_err("steerd at %s closed the connection without "
			  "replying; see its log",
			  client_socket_path());
	else
		print_err("talking to steerd at %s: %s", client_socket_path(),
			  strerror(-err));

	/* Connected, steerd reached: whatever failed, the operation did. */
	if (cli_exit_code(err) != CLI_EXIT_FAIL)
		return -EREMOTEIO;
	return err;
}

int client_request(json_t *req, json_t **reply)
{
	int sock, err;

	sock = client_connect();
	if (sock < 0) {
		json_decref(req);
		return sock;
	}
	err = client_call(sock, req, reply);
	close(sock);
	return err;
}

int client_bad_reply(const char *cmd, const struct proto_read *rd)
{
	if (rd->err == -ENOMEM) {
		print_err("out of memory reading steerd's reply");
		return rd->err;
	}
	print_err("steerd's reply to %s is malformed: %s", cmd, rd->msg);
	return rd->err;
}

int client_show_list(const char *cmd, struct proto_read *rd,
		     const json_t *reply, const struct client_list *list)
{
	void *items;
	size_t n, i;

	if (proto_unpack_list(rd, reply, list->key, list->size, list->unpack,
			      &items, &n))
		return client_bad_reply(cmd, rd);
	if (list->head)
		list->head(items, n, list->ctx);
	open_json_array(list->key);
	for (i = 0; i < n; i++) {
		open_json_object(NULL);
		list->row((const char *)items + i * list->size, list->ctx);
		close_json_object();
	}
	close_json_array();
	free(items);
	return 0;
}
