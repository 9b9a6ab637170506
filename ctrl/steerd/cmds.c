// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd's commands: the table from a request's "cmd" to its handler and
 * who may call it, consulted by the loop for every request. Tenants (the
 * members of --group) read everything and manage their own listeners;
 * what changes the host or other tenants' traffic is root's.
 */
#include <errno.h>
#include <string.h>

#include "steerd.h"
#include "xsk.h"
#include "lib/proto.h"
#include "lib/proto_msg.h"

/* Who may call a command. */
enum cmd_caller {
	CALLER_ALLOWED, /* root, or a member of steerd's --group */
	CALLER_ROOT, /* root only: interfaces, groups, shutdown */
};

struct cmd {
	const char *name;
	steerd_cmd_fn *fn;
	enum cmd_caller caller;
};

static json_t *shutdown_cmd(struct steerd *d, const struct steerd_peer *peer,
			    const json_t *req, int fd)
{
	struct proto_read rd;
	bool detach;

	proto_read_init(&rd);
	if (proto_unpack_shutdown_req(&rd, req, &detach))
		return proto_reply_error(-EINVAL, "%s", rd.msg);
	d->detach_on_exit = detach;
	d->running = false;
	return proto_reply_ok();
}

static const struct cmd cmds[] = {
	{ "status", steerd_status, CALLER_ALLOWED },
	{ "stats", steerd_stats, CALLER_ALLOWED },
	{ "group_add", steerd_group_add, CALLER_ROOT },
	{ "group_del", steerd_group_del, CALLER_ROOT },
	{ "group_list", steerd_group_list, CALLER_ALLOWED },
	{ "group_show", steerd_group_show, CALLER_ALLOWED },
	{ "group_adopt", steerd_group_adopt, CALLER_ROOT },
	{ "iface_attach", steerd_iface_attach, CALLER_ROOT },
	{ "iface_detach", steerd_iface_detach, CALLER_ROOT },
	{ "iface_show", steerd_iface_show, CALLER_ALLOWED },
	{ "register", steerd_register, CALLER_ALLOWED },
	{ "xsk_register", steerd_xsk_register, CALLER_ALLOWED },
	{ "drain", steerd_drain, CALLER_ALLOWED },
	{ "shutdown", shutdown_cmd, CALLER_ROOT },
};

json_t *steerd_reply(json_t *fields)
{
	json_t *r = proto_reply_ok();

	if (fields)
		json_object_update_new(r, fields);
	return r;
}

static const struct cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(name, cmds[i].name))
			return &cmds[i];
	return NULL;
}

static bool may_call(const struct steerd_peer *peer, enum cmd_caller caller)
{
	switch (caller) {
	case CALLER_ALLOWED:
		return peer->allowed;
	case CALLER_ROOT:
		return peer->uid == 0;
	}
	return false;
}

json_t *steerd_cmd_call(struct steerd *d, const struct steerd_peer *peer,
			const json_t *req, int fd)
{
	const char *name = json_string_value(json_object_get(req, "cmd"));
	const struct cmd *c = name ? find_cmd(name) : NULL;

	/* Whoever may call nothing learns nothing, not even the commands. */
	if (!may_call(peer, CALLER_ALLOWED))
		return proto_reply_error(
			-EACCES,
			"permission denied: steerd takes "
			"requests from root%s",
			d->allowed_gid != (gid_t)-1 ? " and its --group" : "");

	if (!name)
		return proto_reply_error(-EINVAL, "the request names no cmd");
	if (!c)
		return proto_reply_error(-EOPNOTSUPP,
					 "unknown command '%s'; this steerd "
					 "speaks protocol %d",
					 name, STEER_PROTO_VERSION);
	if (!may_call(peer, c->caller))
		return proto_reply_error(-EACCES,
					 "permission denied: %s is root's; "
					 "--group members register and drain "
					 "their own listeners",
					 name);
	return c->fn(d, peer, req, fd);
}
