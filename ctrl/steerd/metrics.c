// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd --metrics: the dataplane's counters and steerd's health in the
 * Prometheus text format (0.0.4) at GET /metrics, served by
 * libmicrohttpd on a thread of its own.
 *
 * That thread renders each scrape itself, from the BPF maps only (the
 * kernel serialises map access; their descriptors outlive the thread) and
 * from steerd's health counters, which are atomics. It never reads
 * steerd's tables: the groups and interfaces come from their pinned maps
 * (steer_groups, steer_ifaces), which steerd keeps true anyway. So the
 * loop takes no lock and pays nothing for a scrape; rendering on the loop
 * instead would stall steerctl for the per-CPU reads of every group and
 * slot, on each scrape (or on each tick, scraped or not).
 *
 * Series names come from steer_abi.h's X-macros: steer_frames_total with
 * the frame counters as its reason label, steer_group_<counter>_total,
 * steer_slot_<counter>_total, steer_<cpu counter>_total and
 * steer_iface_<counter>_total.
 */
#include <errno.h>
#include <net/if.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <microhttpd.h>

#include "steerd.h"
#include "dataplane/counters.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/proto_msg.h"
#include "lib/version.h"

#define METRICS_PATH "/metrics"
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define METRICS_MAX_CONNECTIONS 16 /* scrapers at once */
#define METRICS_TIMEOUT_S 10 /* an idle HTTP connection is closed */
#define METRICS_BACKLOG 16

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Counter names in their struct's order: the structs are __u64 arrays. */
#define NAME_(name, ...) #name,
static const char *const group_names[] = { STEER_GROUP_COUNTERS(NAME_) };
static const char *const slot_names[] = { STEER_SLOT_COUNTERS(NAME_) };
static const char *const cpu_names[] = { STEER_CPU_COUNTERS(NAME_) };
static const char *const iface_names[] = { STEER_IFACE_COUNTERS(NAME_) };
#undef NAME_

_Static_assert(ARRAY_SIZE(group_names) * sizeof(__u64) ==
		       sizeof(struct steer_group_stats),
	       "a name per group counter");
_Static_assert(ARRAY_SIZE(slot_names) * sizeof(__u64) ==
		       sizeof(struct steer_slot_stats),
	       "a name per slot counter");
_Static_assert(ARRAY_SIZE(cpu_names) * sizeof(__u64) ==
		       sizeof(struct steer_cpu_stats),
	       "a name per CPU counter");
_Static_assert(ARRAY_SIZE(iface_names) * sizeof(__u64) ==
		       sizeof(struct steer_iface_stats),
	       "a name per interface counter");

struct steerd_metrics {
	struct MHD_Daemon *mhd;
	uint64_t start_ms; /* for the uptime */
};

/* A group in use, as its pinned entry and counters were read. */
struct group_sample {
	char name[STEER_GROUP_NAME_MAX + 1];
	struct steer_group_stats stats;
};

/* A slot of groups[group] that is live or has counted something. */
struct slot_sample {
	size_t group;
	uint32_t slot;
	struct steer_slot_stats stats;
};

struct iface_sample {
	char name[IF_NAMESIZE];
	struct steer_iface_stats stats;
};

/* What one scrape read from the maps, before any of it is written. */
struct snapshot {
	uint64_t frames[STEER_CNT_MAX];
	struct group_sample groups[STEER_MAX_GROUPS];
	size_t ngroups;
	struct slot_sample *slots;
	size_t nslots, slots_cap;
	struct proto_cpu_stats cpus[STEER_MAX_CPUS];
	size_t ncpus;
	struct iface_sample ifaces[STEER_MAX_IFACES];
	size_t nifaces;
};

static __u64 counter_at(const void *stats, size_t i)
{
	return ((const __u64 *)stats)[i];
}

static bool all_zero(const void *stats, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (counter_at(stats, i))
			return false;
	return true;
}

static bool slot_is_live(const struct steer_live *live, uint32_t slot)
{
	uint32_t i;

	for (i = 0; i < live->count && i < STEER_MAX_SLOTS; i++)
		if (live->slots[i] == slot)
			return true;
	return false;
}

/*
 * The slots of group id worth a series: those with a live listener
 * (reuseport) and those that counted anything. A reuseport slot is a CPU;
 * an xsk slot a queue.
 */
static int read_slots(const struct steerd *d, struct snapshot *s, __u32 id,
		      uint8_t kind)
{
	struct steer_live live = { 0 };
	int ncpus = libbpf_num_possible_cpus();
	uint32_t slot, nslots = STEER_MAX_QUEUES;
	struct slot_sample *sample;

	if (kind == STEER_KIND_REUSEPORT)
		nslots = ncpus > 0 && ncpus < STEER_MAX_SLOTS ? ncpus :
								STEER_MAX_SLOTS;
	bpf_map_lookup_elem(d->socks.live, &id, &live); /* a __u32 key */
	for (slot = 0; slot < nslots; slot++) {
		if (s->nslots == s->slots_cap) {
			size_t cap = s->slots_cap ? 2 * s->slots_cap : 64;

			sample = realloc(s->slots, cap * sizeof(*sample));
			if (!sample)
				return -ENOMEM;
			s->slots = sample;
			s->slots_cap = cap;
		}
		sample = &s->slots[s->nslots];
		if (steer_counters_read(d->maps.slot_stats,
					STEER_SLOT_INDEX(id, slot),
					&sample->stats, sizeof(sample->stats)))
			continue;
		if (!slot_is_live(&live, slot) &&
		    all_zero(&sample->stats, ARRAY_SIZE(slot_names)))
			continue;
		sample->group = s->ngroups;
		sample->slot = slot;
		s->nslots++;
	}
	return 0;
}

static int read_groups(const struct steerd *d, struct snapshot *s)
{
	struct group_sample *sample;
	struct steer_group g;
	__u32 id;
	int err;

	for (id = 0; id < STEER_MAX_GROUPS; id++) {
		if (bpf_map_lookup_elem(d->socks.groups, &id, &g) || !g.name[0])
			continue;
		sample = &s->groups[s->ngroups];
		if (steer_counters_read(d->maps.group_stats, id, &sample->stats,
					sizeof(sample->stats)))
			continue;
		/* steerd may be writing the entry: the name ends here. */
		memcpy(sample->name, g.name, STEER_GROUP_NAME_MAX);
		sample->name[STEER_GROUP_NAME_MAX] = '\0';
		err = read_slots(d, s, id, g.kind);
		if (err)
			return err;
		s->ngroups++;
	}
	return 0;
}

static void read_ifaces(const struct steerd *d, struct snapshot *s)
{
	struct iface_sample *sample;
	struct steer_iface iface;
	uint32_t slot;

	for (slot = 0; slot < STEER_MAX_IFACES; slot++) {
		if (bpf_map_lookup_elem(d->maps.ifaces, &slot, &iface) ||
		    !iface.ifindex)
			continue;
		sample = &s->ifaces[s->nifaces];
		if (steer_counters_read(d->maps.iface_stats, slot,
					&sample->stats, sizeof(sample->stats)))
			continue;
		/* The name it has now: the label follows a rename. */
		if (!if_indextoname(iface.ifindex, sample->name))
			snprintf(sample->name, sizeof(sample->name), "%u",
				 iface.ifindex);
		s->nifaces++;
	}
}

static int snapshot_read(const struct steerd *d, struct snapshot *s)
{
	__u64 v;
	__u32 i;

	for (i = 0; i < STEER_CNT_MAX; i++)
		if (!steer_counters_read(d->maps.counters, i, &v, sizeof(v)))
			s->frames[i] = v;
	s->ncpus = steerd_cpu_stats(d, s->cpus);
	read_ifaces(d, s);
	return read_groups(d, s);
}

static void family(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One series of a family: its labels, rendered, and its counters. */
struct series {
	/* An escaped group name (each byte at most two) and a slot. */
	char labels[2 * STEER_GROUP_NAME_MAX + 32];
	const void *stats;
};

/* src as a label value: backslash, double quote and newline escaped. */
static const char *escape(char *dst, size_t len, const char *src)
{
	size_t n = 0;

	for (; *src && n + 3 <= len; src++) {
		if (*src == '\\' || *src == '"' || *src == '\n')
			dst[n++] = '\\';
		dst[n++] = *src == '\n' ? 'n' : *src;
	}
	dst[n] = '\0';
	return dst;
}

/*
 * A family per counter of names[n] (an X-macro's list): prefix, the
 * counter's name, _total; a sample per series.
 */
static void write_counters(FILE *f, const char *prefix,
			   const char *const *names, size_t n, const char *help,
			   const struct series *rows, size_t nrows)
{
	char name[128];
	size_t c, r;

	for (c = 0; c < n; c++) {
		snprintf(name, sizeof(name), "%s%s_total", prefix, names[c]);
		family(f, name, "counter", help);
		for (r = 0; r < nrows; r++)
			fprintf(f, "%s{%s} %llu\n", name, rows[r].labels,
				(unsigned long long)counter_at(rows[r].stats,
							       c));
	}
}

static void write_frames(FILE *f, const struct snapshot *s)
{
	int i;

	family(f, "steer_frames_total", "counter",
	       "Frames the XDP program saw, by the outcome that ended each.");
	for (i = 0; i < STEER_CNT_MAX; i++)
		fprintf(f, "steer_frames_total{reason=\"%s\"} %llu\n",
			proto_frame_counter_names[i],
			(unsigned long long)s->frames[i]);
}

/* The per-group, per-slot, per-CPU and per-interface families. */
static int write_sets(FILE *f, const struct snapshot *s)
{
	size_t max = s->ngroups + s->nslots + s->ncpus + s->nifaces;
	/* Room for the largest set (and never calloc(0)). */
	struct series *rows = calloc(max + 1, sizeof(*rows));
	char name[2 * STEER_GROUP_NAME_MAX + 1];
	size_t i;

	if (!rows)
		return -ENOMEM;
	for (i = 0; i < s->ngroups; i++) {
		snprintf(rows[i].labels, sizeof(rows[i].labels), "group=\"%s\"",
			 escape(name, sizeof(name), s->groups[i].name));
		rows[i].stats = &s->groups[i].stats;
	}
	write_counters(f, "steer_group_", group_names, ARRAY_SIZE(group_names),
		       "A group's counter of this name (steerctl stats), "
		       "summed over CPUs.",
		       rows, s->ngroups);
	for (i = 0; i < s->nslots; i++) {
		snprintf(rows[i].labels, sizeof(rows[i].labels),
			 "group=\"%s\",slot=\"%u\"",
			 escape(name, sizeof(name),
				s->groups[s->slots[i].group].name),
			 s->slots[i].slot);
		rows[i].stats = &s->slots[i].stats;
	}
	write_counters(f, "steer_slot_", slot_names, ARRAY_SIZE(slot_names),
		       "A slot's counter of this name (steerctl group show), "
		       "summed over CPUs; slots with a listener or a count.",
		       rows, s->nslots);
	for (i = 0; i < s->ncpus; i++) {
		snprintf(rows[i].labels, sizeof(rows[i].labels), "cpu=\"%u\"",
			 s->cpus[i].cpu);
		rows[i].stats = &s->cpus[i].stats;
	}
	write_counters(f, "steer_", cpu_names, ARRAY_SIZE(cpu_names),
		       "steer's CPUMAP, per CPU it delivers to: this counter "
		       "(steerctl stats).",
		       rows, s->ncpus);
	for (i = 0; i < s->nifaces; i++) {
		snprintf(rows[i].labels, sizeof(rows[i].labels), "iface=\"%s\"",
			 escape(name, sizeof(name), s->ifaces[i].name));
		rows[i].stats = &s->ifaces[i].stats;
	}
	write_counters(f, "steer_iface_", iface_names, ARRAY_SIZE(iface_names),
		       "An attached interface's counter of this name, summed "
		       "over CPUs.",
		       rows, s->nifaces);
	free(rows);
	return 0;
}

static void write_health(FILE *f, const struct steerd *d)
{
	family(f, "steer_build_info", "gauge",
	       "steerd's version and map ABI, as labels; always 1.");
	fprintf(f, "steer_build_info{version=\"%s\",abi=\"%d\"} 1\n",
		STEER_VERSION, STEER_ABI_VERSION);
	family(f, "steer_daemon_uptime_seconds", "gauge",
	       "Seconds since this steerd started serving.");
	fprintf(f, "steer_daemon_uptime_seconds %.3f\n",
		(clock_now_ms() - d->metrics->start_ms) / 1000.0);
	family(f, "steer_daemon_control_clients", "gauge",
	       "Connections open on steerd's control socket.");
	fprintf(f, "steer_daemon_control_clients %d\n", steerd_ctl_clients(d));
	family(f, "steer_daemon_reconcile_repairs_total", "counter",
	       "Listeners the periodic reconcile found closed with no close "
	       "event (the event was lost, or steerd was not running).");
	fprintf(f, "steer_daemon_reconcile_repairs_total %llu\n",
		(unsigned long long)atomic_load(&d->reconcile_repairs));
}

/* The exposition, in a buffer of *len bytes to free(); NULL: no memory. */
static char *render(const struct steerd *d, size_t *len)
{
	struct snapshot *s = calloc(1, sizeof(*s));
	char *buf = NULL;
	FILE *f;
	int err;

	if (!s)
		return NULL;
	err = snapshot_read(d, s);
	f = err ? NULL : open_memstream(&buf, len);
	if (f) {
		write_frames(f, s);
		err = write_sets(f, s);
		write_health(f, d);
		if (fclose(f) || err) {
			free(buf);
			buf = NULL;
		}
	}
	free(s->slots);
	free(s);
	return buf;
}

static enum MHD_Result respond(struct MHD_Connection *conn, unsigned int status,
			       const char *body, const char *allow)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/plain; charset=utf-8");
	if (allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn,
			      const char *url, const char *method,
			      const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	const struct steerd *d = cls;
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len;
	char *body;

	if (strcmp(url, METRICS_PATH))
		return respond(conn, MHD_HTTP_NOT_FOUND,
			       "steerd serves " METRICS_PATH " only\n", NULL);
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return respond(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
			       METRICS_PATH " is read with GET\n", "GET, HEAD");
	body = render(d, &len);
	if (!body)
		return respond(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
			       "out of memory\n", NULL);
	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				METRICS_CONTENT_TYPE);
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
	char msg[256];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	pr_warn("metrics: %s", msg);
}

/*
 * The listening socket, made here rather than by libmicrohttpd so that a
 * refusal says why (errno) and an IPv6 address is that address only.
 */
static int listen_on(const struct steer_addr *addr, uint16_t port)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t len = sizeof(*in);
	int one = 1, fd, err;

	if (addr->af == AF_INET6) {
		in6->sin6_family = AF_INET6;
		in6->sin6_addr = addr->v6;
		in6->sin6_port = htons(port);
		len = sizeof(*in6);
	} else {
		in->sin_family = AF_INET;
		in->sin_addr = addr->v4;
		in->sin_port = htons(port);
	}
	fd = socket(addr->af, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A restarted steerd binds again while old connections time out. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    (addr->af == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) ||
	    bind(fd, (struct sockaddr *)&ss, len) ||
	    listen(fd, METRICS_BACKLOG)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int steerd_metrics_start(struct steerd *d)
{
	unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	struct steerd_metrics *m;
	int fd;

	if (!d->metrics_port)
		return 0;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	fd = listen_on(&d->metrics_addr, d->metrics_port);
	if (fd < 0) {
		pr_warn("--metrics %s: %s", d->metrics_arg, strerror(-fd));
		free(m);
		return fd;
	}
	if (d->metrics_addr.af == AF_INET6)
		flags |= MHD_USE_IPv6;
	m->start_ms = clock_now_ms();
	d->metrics = m;
	/*
	 * Its thread inherits the caller's signal mask: the signals steerd
	 * reads from its signalfd must be blocked already.
	 */
	m->mhd = MHD_start_daemon(flags, 0, NULL, NULL, answer, d,
				  MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
				  MHD_OPTION_LISTEN_SOCKET, fd,
				  MHD_OPTION_CONNECTION_LIMIT,
				  METRICS_MAX_CONNECTIONS,
				  MHD_OPTION_CONNECTION_TIMEOUT,
				  METRICS_TIMEOUT_S, MHD_OPTION_END);
	if (!m->mhd) {
		/* Whether it closed fd then is not said: it is left open. */
		pr_warn("--metrics %s: the HTTP server did not start",
			d->metrics_arg);
		d->metrics = NULL;
		free(m);
		return -EIO;
	}
	pr_info("metrics on http://%s" METRICS_PATH, d->metrics_arg);
	return 0;
}

void steerd_metrics_stop(struct steerd *d)
{
	if (!d->metrics)
		return;
	/* Joins the thread and closes the listening socket. */
	MHD_stop_daemon(d->metrics->mhd);
	free(d->metrics);
	d->metrics = NULL;
}
