// SPDX-License-Identifier: GPL-2.0-only
/*
 * The difference between a steer.conf and steerd's running state, as the
 * control requests that remove it. Changes are collected per object in file
 * order, then sorted stably by operation: deletes and detaches free names,
 * addresses and interfaces before attaches and adds take them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_plan.h"
#include "parse.h"

#define NOT_YET "steerd does not support it yet"

static const char *const change_verbs[] = {
	[CONFIG_GROUP_DEL] = "delete group",
	[CONFIG_IFACE_DETACH] = "detach iface",
	[CONFIG_IFACE_ATTACH] = "attach iface",
	[CONFIG_GROUP_ADD] = "add group",
};

const char *config_change_verb(enum config_change_op op)
{
	return change_verbs[op];
}

struct planner {
	struct config_plan *plan;
	size_t max_changes, max_notes;
	const struct proto_group *groups;
	size_t ngroups;
	const struct proto_iface *ifaces;
	size_t nifaces;
	int err; /* the first failure to build a request */
};

static struct config_change *add_change(struct planner *p,
					enum config_change_op op,
					const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static struct config_change *add_change(struct planner *p,
					enum config_change_op op,
					const char *name, const char *fmt, ...)
{
	struct config_change *c = &p->plan->changes[p->plan->nchanges++];
	va_list ap;

	memset(c, 0, sizeof(*c));
	c->op = op;
	c->name = name;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return c;
}

/* Stores req in c; a request that could not be built fails the plan. */
static void set_request(struct planner *p, struct config_change *c, json_t *req)
{
	c->req = req;
	if (!req && !p->err)
		p->err = -ENOMEM;
}

static void add_note(struct planner *p, const char *type, const char *name,
		     const char *key, unsigned int line, const char *why)
{
	struct config_note *n = &p->plan->notes[p->plan->nnotes++];

	snprintf(n->object, sizeof(n->object), "%s %s", type, name);
	n->key = key;
	n->line = line;
	n->why = why;
}

/* Whether the running key is the file's (a key not given always is). */
static bool key_same(const struct config_iface *ifc,
		     const struct proto_iface *run)
{
	uint8_t key[STEER_RSS_KEY_MAX];
	struct parse_err perr;
	size_t len;

	return !ifc->rss_key_line ||
	       (!parse_hex(run->key, key, sizeof(key), &len, &perr) &&
		len == ifc->rss_key_len && !memcmp(key, ifc->rss_key, len));
}

static bool indir_same(const struct config_iface *ifc,
		       const struct proto_iface *run)
{
	size_t i;

	if (!ifc->indir_line)
		return true;
	if (json_array_size(run->indir) != ifc->indir_size)
		return false;
	for (i = 0; i < ifc->indir_size; i++)
		if (json_integer_value(json_array_get(run->indir, i)) !=
		    ifc->indir[i])
			return false;
	return true;
}

/* The operator's queue -> CPU map in effect is exactly the file's. */
static bool queue_cpus_same(const struct config_iface *ifc,
			    const struct proto_iface *run)
{
	uint32_t running[STEER_MAX_QUEUES];
	const json_t *qc;
	size_t i, q;

	if (!ifc->queue_cpus_line)
		return true;
	for (q = 0; q < STEER_MAX_QUEUES; q++)
		running[q] = STEER_INDIR_NONE;
	json_array_foreach(run->queue_cpus, i, qc)
	{
		const char *src =
			json_string_value(json_object_get(qc, "source"));

		q = json_integer_value(json_object_get(qc, "queue"));
		if (src && !strcmp(src, "operator") && q < STEER_MAX_QUEUES)
			running[q] =
				json_integer_value(json_object_get(qc, "cpu"));
	}
	return !memcmp(running, ifc->cpu_of_queue, sizeof(running));
}

static const struct proto_iface *running_iface(const struct planner *p,
					       const char *name)
{
	for (size_t i = 0; i < p->nifaces; i++)
		if (!strcmp(p->ifaces[i].name, name))
			return &p->ifaces[i];
	return NULL;
}

static const struct proto_group *running_group(const struct planner *p,
					       const char *name)
{
	for (size_t i = 0; i < p->ngroups; i++)
		if (!strcmp(p->groups[i].name, name))
			return &p->groups[i];
	return NULL;
}

/* Why the running interface differs from the file's, or NULL. */
static const char *iface_differs(const struct config_iface *ifc,
				 const struct proto_iface *run, char *why,
				 size_t size)
{
	const char *steer = ifc->steer ?: "cpu";
	const char *mode = ifc->xdp_mode ?: "native";

	if (strcmp(run->steer, steer))
		snprintf(why, size, "steer %s running, %s in the file",
			 run->steer, steer);
	else if (strcmp(run->xdp_mode, mode))
		snprintf(why, size, "xdp-mode %s running, %s in the file",
			 run->xdp_mode, mode);
	else if (!key_same(ifc, run))
		snprintf(why, size, "another RSS key running than line %u's",
			 ifc->rss_key_line);
	else if (!indir_same(ifc, run))
		snprintf(why, size,
			 "another indirection table running than line %u's",
			 ifc->indir_line);
	else if (!queue_cpus_same(ifc, run))
		snprintf(why, size,
			 "another queue -> CPU map running than line %u's",
			 ifc->queue_cpus_line);
	else if (ifc->cpus_line && (run->ncpus != ifc->ncpus ||
				    memcmp(run->cpus, ifc->cpus,
					   ifc->ncpus * sizeof(*run->cpus))))
		snprintf(why, size,
			 "other CPUs running (%u) than in the file (%u, line "
			 "%u)",
			 run->ncpus, ifc->ncpus, ifc->cpus_line);
	else
		return NULL;
	return why;
}

static const char *group_differs(const struct config_group *g,
				 const struct proto_group *run, char *why,
				 size_t size)
{
	const char *kind = g->kind ?: "reuseport";
	const char *proto = g->proto ?: "tcp";
	struct steer_addr addr;
	struct parse_err perr;
	size_t len = g->addr.af == AF_INET ? sizeof(g->addr.v4) :
					     sizeof(g->addr.v6);

	if (parse_addr(run->addr, &addr, &perr) || addr.af != g->addr.af ||
	    memcmp(addr.bytes, g->addr.bytes, len) || run->port != g->port)
		snprintf(why, size, "listens on %s port %u, not the file's",
			 run->addr, run->port);
	else if (strcmp(run->kind, kind))
		snprintf(why, size, "kind %s running, %s in the file",
			 run->kind, kind);
	else if (strcmp(run->proto ?: "tcp", proto))
		snprintf(why, size, "proto %s running, %s in the file",
			 run->proto ?: "tcp", proto);
	else
		return NULL;
	return why;
}

/* Whether steerd can act on the group at all (else it is left alone). */
static bool group_supported(struct planner *p, const struct config_group *g)
{
	if (g->adopt)
		add_note(p, "group", g->name, "adopt", g->adopt_line,
			 NOT_YET "; the group is added without adoption");
	return true;
}

static json_t *attach_request(const struct config_iface *ifc)
{
	struct proto_iface_attach_req req = {
		.ifname = ifc->name,
		.xdp_mode = ifc->xdp_mode,
		.steer = ifc->steer,
		.cpus_given = ifc->cpus_line,
		.ncpus = ifc->ncpus,
		.rss_key = ifc->rss_key_text,
		.indir = ifc->indir_text,
		.queue_cpus = ifc->queue_cpus_text,
	};

	memcpy(req.cpus, ifc->cpus, sizeof(req.cpus));
	return proto_pack_iface_attach_req(&req);
}

static json_t *add_request(const struct config_group *g)
{
	char addr[INET6_ADDRSTRLEN];
	struct proto_group_add_req req = {
		.name = g->name,
		.addr = addr,
		.port = g->port,
		.kind = g->kind,
		.proto = g->proto,
	};

	/* steerd gets the address in one spelling: inet_ntop's. */
	inet_ntop(g->addr.af, g->addr.bytes, addr, sizeof(addr));
	return proto_pack_group_add_req(&req);
}

static void plan_ifaces(struct planner *p, const struct steer_config *cfg)
{
	char why[96];

	for (size_t i = 0; i < p->nifaces; i++) {
		const char *name = p->ifaces[i].name;
		bool found = false;

		for (size_t j = 0; j < cfg->nifaces; j++)
			found |= !strcmp(cfg->ifaces[j].name, name);
		if (!found)
			set_request(p,
				    add_change(p, CONFIG_IFACE_DETACH, name,
					       "not in the file"),
				    proto_pack_iface_detach_req(name));
	}
	for (size_t i = 0; i < cfg->nifaces; i++) {
		const struct config_iface *ifc = &cfg->ifaces[i];
		const struct proto_iface *run = running_iface(p, ifc->name);
		struct config_change *c;

		if (!run) {
			c = add_change(p, CONFIG_IFACE_ATTACH, ifc->name,
				       "not attached");
		} else if (iface_differs(ifc, run, why, sizeof(why))) {
			set_request(p,
				    add_change(p, CONFIG_IFACE_DETACH,
					       ifc->name, "%s", why),
				    proto_pack_iface_detach_req(ifc->name));
			c = add_change(p, CONFIG_IFACE_ATTACH, ifc->name, "%s",
				       why);
		} else {
			continue;
		}
		set_request(p, c, attach_request(ifc));
	}
}

static bool group_in_file(const struct steer_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->ngroups; i++)
		if (!strcmp(cfg->groups[i].name, name))
			return true;
	return false;
}

static void plan_groups(struct planner *p, const struct steer_config *cfg)
{
	char why[96];

	for (size_t i = 0; i < p->ngroups; i++) {
		const char *name = p->groups[i].name;

		if (!group_in_file(cfg, name))
			set_request(p,
				    add_change(p, CONFIG_GROUP_DEL, name,
					       "not in the file"),
				    proto_pack_group_del_req(name));
	}
	for (size_t i = 0; i < cfg->ngroups; i++) {
		const struct config_group *g = &cfg->groups[i];
		const struct proto_group *run = running_group(p, g->name);
		struct config_change *c;

		if (!group_supported(p, g))
			continue;
		if (!run) {
			c = add_change(p, CONFIG_GROUP_ADD, g->name,
				       "not running");
		} else if (group_differs(g, run, why, sizeof(why))) {
			set_request(p,
				    add_change(p, CONFIG_GROUP_DEL, g->name,
					       "%s", why),
				    proto_pack_group_del_req(g->name));
			c = add_change(p, CONFIG_GROUP_ADD, g->name, "%s", why);
		} else {
			continue;
		}
		set_request(p, c, add_request(g));
	}
}

/* Stable (insertion) sort by operation: file order within each. */
static void sort_changes(struct config_plan *plan)
{
	for (size_t i = 1; i < plan->nchanges; i++)
		for (size_t j = i;
		     j && plan->changes[j - 1].op > plan->changes[j].op; j--) {
			struct config_change t = plan->changes[j];

			plan->changes[j] = plan->changes[j - 1];
			plan->changes[j - 1] = t;
		}
}

int config_plan_make(const struct steer_config *cfg,
		     const struct proto_group *groups, size_t ngroups,
		     const struct proto_iface *ifaces, size_t nifaces,
		     struct config_plan *plan)
{
	struct planner p = {
		.plan = plan,
		.groups = groups,
		.ngroups = ngroups,
		.ifaces = ifaces,
		.nifaces = nifaces,
	};
	/* At most a delete and an add for each object of either side. */
	size_t max = 2 * (ngroups + nifaces + cfg->ngroups + cfg->nifaces);

	memset(plan, 0, sizeof(*plan));
	plan->changes = calloc(max ?: 1, sizeof(*plan->changes));
	/* Three notes per interface at most, two per group. */
	plan->notes = calloc(3 * cfg->nifaces + 2 * cfg->ngroups ?: 1,
			     sizeof(*plan->notes));
	if (!plan->changes || !plan->notes)
		return -ENOMEM;
	plan_ifaces(&p, cfg);
	plan_groups(&p, cfg);
	sort_changes(plan);
	return p.err;
}

int config_plan_replies(const struct steer_config *cfg, json_t *groups_reply,
			json_t *ifaces_reply, struct proto_read *rd,
			struct config_plan *plan)
{
	struct proto_group *groups = NULL;
	struct proto_iface *ifaces = NULL;
	size_t ngroups = 0, nifaces = 0;
	void *items;
	int ret;

	memset(plan, 0, sizeof(*plan));
	if (!proto_unpack_list(rd, groups_reply, "groups", sizeof(*groups),
			       proto_unpack_group, &items, &ngroups))
		groups = items;
	if (!rd->err &&
	    !proto_unpack_list(rd, ifaces_reply, "ifaces", sizeof(*ifaces),
			       proto_unpack_iface, &items, &nifaces))
		ifaces = items;
	if (rd->err) {
		free(groups);
		return rd->err;
	}
	ret = config_plan_make(cfg, groups, ngroups, ifaces, nifaces, plan);
	plan->groups = groups;
	plan->ifaces = ifaces;
	plan->groups_reply = json_incref(groups_reply);
	plan->ifaces_reply = json_incref(ifaces_reply);
	return ret;
}

void config_plan_free(struct config_plan *plan)
{
	for (size_t i = 0; i < plan->nchanges; i++)
		json_decref(plan->changes[i].req);
	free(plan->changes);
	free(plan->notes);
	free(plan->groups);
	free(plan->ifaces);
	json_decref(plan->groups_reply);
	json_decref(plan->ifaces_reply);
	memset(plan, 0, sizeof(*plan));
}
