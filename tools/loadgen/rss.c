// SPDX-License-Identifier: GPL-2.0-only
/*
 * --rss: the source ports each thread may use, so that the NIC the option
 * describes would deliver every connection of a thread to a queue of that
 * thread's CPU.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include "lib/log.h"
#include "lib/rss_port.h"
#include "args.h"
#include "rss.h"
#include "thread.h"

#define PORT_RANGE_PATH "/proc/sys/net/ipv4/ip_local_port_range"

uint16_t port_ring_take(struct port_ring *r)
{
	uint16_t port = r->ports[r->head];

	r->head = (r->head + 1) % r->size;
	r->count--;
	return port;
}

void port_ring_put(struct port_ring *r, uint16_t port)
{
	r->ports[(r->head + r->count) % r->size] = port;
	r->count++;
}

void port_ring_free(struct port_ring *r)
{
	free(r->ports);
	*r = (struct port_ring){ 0 };
}

/* The address bytes of a sockaddr_in or sockaddr_in6, network order. */
static const void *sockaddr_bytes(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return &((const struct sockaddr_in *)ss)->sin_addr;
	return &((const struct sockaddr_in6 *)ss)->sin6_addr;
}

static uint16_t sockaddr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

socklen_t rss_source(const struct config *cfg, uint16_t port,
		     struct sockaddr_storage *src)
{
	*src = cfg->rss_source;
	if (src->ss_family == AF_INET)
		((struct sockaddr_in *)src)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)src)->sin6_port = htons(port);
	return cfg->rss_source_len;
}

/* The source address the kernel picks for the target (no packet sent). */
static int route_source(const struct config *cfg)
{
	socklen_t len = sizeof(struct sockaddr_storage);
	int fd, err = 0;

	fd = socket(cfg->target.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)&cfg->target,
		    cfg->target_len) ||
	    getsockname(fd, (struct sockaddr *)&cfg->rss_source, &len))
		err = -errno;
	close(fd);
	return err;
}

static int source_address(struct config *cfg)
{
	int err;

	if (cfg->bind_len) {
		cfg->rss_source = cfg->bind;
		cfg->rss_source_len = cfg->bind_len;
		return 0;
	}
	err = route_source(cfg);
	if (err) {
		pr_warn("--rss: no source address towards %s: %s",
			cfg->target_text, strerror(-err));
		return err;
	}
	cfg->rss_source_len = cfg->target_len;
	return 0;
}

/* The namespace's ephemeral ports, the ones connect() would choose from. */
static int port_range(uint16_t *lo, uint16_t *hi)
{
	unsigned int a, b;
	FILE *f;
	int n;

	f = fopen(PORT_RANGE_PATH, "re");
	if (!f) {
		pr_warn("--rss: %s: %s", PORT_RANGE_PATH, strerror(errno));
		return -errno;
	}
	n = fscanf(f, "%u %u", &a, &b);
	fclose(f);
	if (n != 2 || !a || a > b || b > UINT16_MAX) {
		pr_warn("--rss: %s: not a port range", PORT_RANGE_PATH);
		return -EIO;
	}
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

static int thread_ports(const struct config *cfg, struct lg_thread *t,
			uint16_t lo, uint16_t hi)
{
	size_t room = (size_t)hi - lo + 1, n, q;

	for (q = 0; q < STEER_MAX_QUEUES; q++)
		if (cfg->rss->cpu_of_queue[q] == (uint32_t)t->cpu)
			break;
	if (q == STEER_MAX_QUEUES)
		return usage_error("--rss: no queue of QUEUE_CPUS is on CPU "
				   "%d, where a thread would run (give --cpus "
				   "the queues' CPUs)",
				   t->cpu);
	t->ports.ports = calloc(room, sizeof(*t->ports.ports));
	if (!t->ports.ports)
		return -ENOMEM;
	n = rss_nic_ports_for_cpu(
		cfg->rss, (uint32_t)t->cpu, cfg->rss_source.ss_family,
		sockaddr_bytes(&cfg->rss_source), sockaddr_bytes(&cfg->target),
		sockaddr_port(&cfg->target), lo, hi, t->ports.ports, room);
	if (n < t->concurrency)
		return usage_error("--rss: %zu of the source ports %u-%u "
				   "land on a queue of CPU %d, whose thread "
				   "needs %u (lower --concurrency, or give "
				   "CPU %d more queues)",
				   n, lo, hi, t->cpu, t->concurrency, t->cpu);
	t->ports.size = n;
	t->ports.count = n;
	return 0;
}

int rss_plan(struct config *cfg, struct lg_thread *threads,
	     unsigned int nthreads)
{
	uint16_t lo = 0, hi = 0;
	unsigned int i;
	int err;

	err = source_address(cfg);
	if (!err)
		err = port_range(&lo, &hi);
	for (i = 0; !err && i < nthreads; i++)
		err = thread_ports(cfg, &threads[i], lo, hi);
	return err;
}
