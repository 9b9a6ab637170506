// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd --config FILE: the file read (ctrl/lib/config), planned against
 * steerd's own groups and interfaces (ctrl/lib/config_plan, as steerctl
 * apply does) and the changes run through steerd's command table as root's
 * requests, at start and on SIGHUP. A file with any error is refused whole,
 * every error logged with its line.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "steerd.h"
#include "lib/config.h"
#include "lib/config_plan.h"
#include "lib/log.h"
#include "lib/proto.h"

/* The requests come from steerd itself, with root's rights. */
static json_t *call(struct steerd *d, json_t *req)
{
	const struct steerd_peer self = { .pid = getpid(), .allowed = true };
	json_t *reply = steerd_cmd_call(d, &self, req, -1);

	json_decref(req);
	return reply;
}

/* 0 for a success reply, else its negative errno, the message in *msg. */
static int reply_error(const json_t *reply, const char **msg)
{
	*msg = "no reply";
	if (!reply)
		return -EPROTO;
	if (json_is_true(json_object_get(reply, "ok")))
		return 0;
	*msg = json_string_value(json_object_get(reply, "error")) ?: "";
	return -(int)json_integer_value(json_object_get(reply, "errno")) ?:
		       -EPROTO;
}

static int refuse_file(const char *path, const struct steer_config *cfg)
{
	size_t i;

	pr_warn("%s: %zu error(s), nothing applied", path,
		cfg->nerrors + cfg->errors_dropped);
	for (i = 0; i < cfg->nerrors; i++)
		if (cfg->errors[i].line)
			pr_warn("  %s:%u: %s", path, cfg->errors[i].line,
				cfg->errors[i].msg);
		else
			pr_warn("  %s: %s", path, cfg->errors[i].msg);
	return -EINVAL;
}

static int plan(struct steerd *d, const struct steer_config *cfg,
		struct config_plan *p)
{
	json_t *groups = call(d, proto_pack_group_list_req());
	json_t *ifaces = call(d, proto_pack_iface_show_req(NULL));
	struct proto_read rd;
	const char *msg;
	int err;

	err = reply_error(groups, &msg);
	if (!err)
		err = reply_error(ifaces, &msg);
	if (err) {
		pr_warn("%s: listing groups and interfaces: %s", d->config_path,
			msg);
		goto out;
	}
	proto_read_init(&rd);
	err = config_plan_replies(cfg, groups, ifaces, &rd, p);
	if (rd.err)
		err = rd.err;
out:
	json_decref(groups);
	json_decref(ifaces);
	return err;
}

int steerd_config_apply(struct steerd *d)
{
	struct config_plan p = { 0 };
	struct steer_config cfg;
	size_t i, done = 0;
	const char *msg;
	json_t *reply;
	int err;

	err = config_load(d->config_path, &cfg);
	if (err) {
		err = refuse_file(d->config_path, &cfg);
		goto out_config;
	}
	err = plan(d, &cfg, &p);
	if (err)
		goto out_plan;
	for (i = 0; i < p.nnotes; i++)
		pr_warn("%s:%u: %s: %s not supported yet (%s)", d->config_path,
			p.notes[i].line, p.notes[i].object, p.notes[i].key,
			p.notes[i].why);
	for (i = 0; i < p.nchanges; i++) {
		struct config_change *c = &p.changes[i];

		reply = call(d, json_incref(c->req));
		err = reply_error(reply, &msg);
		if (err)
			pr_warn("%s: cannot %s %s: %s (%zu change(s) applied "
				"before it, %zu not)",
				d->config_path, config_change_verb(c->op),
				c->name, msg, done, p.nchanges - done);
		json_decref(reply);
		if (err)
			goto out_plan;
		c->applied = true;
		pr_info("%s: %s %s (%s)", d->config_path,
			config_change_verb(c->op), c->name, c->why);
		done++;
	}
	pr_info("%s: applied, %zu change(s)", d->config_path, done);
out_plan:
	config_plan_free(&p);
out_config:
	config_free(&cfg);
	return err;
}
