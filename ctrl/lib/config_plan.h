/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What it takes to make a running steerd match a steer.conf: the difference
 * between the file and steerd's groups and interfaces (as group_list and
 * iface_show describe them), as control requests in the order to send
 * them, and the keys steerd cannot act on yet. steerctl apply sends the
 * requests over the socket; steerd --config runs them through its own
 * command table. Nothing here talks to steerd or prints.
 */
#ifndef STEER_CONFIG_PLAN_H
#define STEER_CONFIG_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "config.h"
#include "proto_msg.h"

enum config_change_op {
	/* In the order they are applied: nothing fights over a name. */
	CONFIG_GROUP_DEL,
	CONFIG_IFACE_DETACH,
	CONFIG_IFACE_ATTACH,
	CONFIG_GROUP_ADD,
};

struct config_change {
	enum config_change_op op;
	/* The object's name, borrowed from the file or the running state. */
	const char *name;
	char why[96]; /* "not running", "kind xsk running, ..." */
	json_t *req; /* the request that makes the change (owned) */
	bool applied; /* set by whoever sends req */
};

/* A key the file sets that steerd cannot act on yet. */
struct config_note {
	char object[48]; /* "iface eth0", "group web" */
	const char *key; /* "rss-key" */
	unsigned int line;
	const char *why;
};

struct config_plan {
	struct config_change *changes;
	size_t nchanges;
	struct config_note *notes;
	size_t nnotes;
	/* config_plan_replies(): the replies and lists the names borrow. */
	json_t *groups_reply, *ifaces_reply;
	struct proto_group *groups;
	struct proto_iface *ifaces;
};

/* "delete group", "detach iface", "attach iface", "add group". */
const char *config_change_verb(enum config_change_op op);

/*
 * Plans cfg (loaded without errors) against steerd's groups and interfaces.
 * A group or interface missing from the file is deleted or detached; a
 * changed one is deleted and added again; unchanged ones are left alone.
 * An interface's omitted steer and xdp-mode mean steerd's defaults; omitted
 * cpus match any. A group with proto other than tcp is left as it is and
 * noted. 0 or -ENOMEM; config_plan_free() the plan either way.
 */
int config_plan_make(const struct steer_config *cfg,
		     const struct proto_group *groups, size_t ngroups,
		     const struct proto_iface *ifaces, size_t nifaces,
		     struct config_plan *plan);

/*
 * config_plan_make() from steerd's replies to group_list and iface_show,
 * as they come off the control socket (steerctl apply) or out of steerd's
 * own command table (steerd --config): unpacks them, recording a malformed
 * reply in rd (proto_read_init() it) and returning rd->err, and plans. The
 * plan keeps a reference to both replies: its names are theirs.
 */
int config_plan_replies(const struct steer_config *cfg, json_t *groups_reply,
			json_t *ifaces_reply, struct proto_read *rd,
			struct config_plan *plan);

void config_plan_free(struct config_plan *plan);

#endif /* STEER_CONFIG_PLAN_H */
