// SPDX-License-Identifier: GPL-2.0-only
/*
 * An interface's steering tables from what its NIC does: cpu mode's
 * per-arrival-CPU tables derived from the NIC's facts and the CPU set, rss
 * mode's key and table, published through the generation flip; the
 * warnings that go with them; and a resync when the NIC changes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "steerd.h"
#include "nic.h"
#include "lib/clock.h"
#include "lib/cpu_table.h"
#include "lib/flow_hash.h"
#include "lib/log.h"
#include "lib/rss_table.h"
#include "lib/toeplitz.h"

/* cpu mode's tables, derived from the NIC's facts and the CPU set. */
static int derive_tables(struct steerd *d, struct steerd_iface *i,
			 struct steer_cpu_table *tables, uint32_t n)
{
	struct cpu_table_input in = { .nr_cpus = n };
	struct steer_cpu_table *prev = calloc(n, sizeof(*prev));
	uint32_t *arrivals = calloc(n, sizeof(*arrivals));
	bool *workers = calloc(n, sizeof(*workers));
	uint64_t key = STEER_FLOW_HASH_KEY_DEFAULT;
	uint32_t c;
	int err = -ENOMEM;

	if (!prev || !arrivals || !workers)
		goto out;
	/* The live tables move as little as the new facts allow. */
	if (!steer_maps__get_cpu_tables(&d->maps, i - d->ifaces, prev, n)) {
		in.prev = prev;
		key = prev[0].hash_key;
	}
	for (c = 0; c < i->nr_cpus; c++)
		if (i->cpus[c] < n)
			workers[i->cpus[c]] = true;
	nic_arrivals(i->nic, arrivals, n);
	in.arrivals = arrivals;
	in.workers = workers;
	err = cpu_table_derive(&in, tables, &i->redirect_fraction);
	for (c = 0; !err && c < n; c++)
		tables[c].hash_key = key;
out:
	free(workers);
	free(arrivals);
	free(prev);
	return err;
}

/* The redirect fraction of the facts, the live tables left alone. */
void steerd_iface_predict_redirect(struct steerd *d, struct steerd_iface *i)
{
	uint32_t n = steerd_possible_cpus();
	struct steer_cpu_table *t = calloc(n, sizeof(*t));

	if (t)
		derive_tables(d, i, t, n);
	free(t);
}

/*
 * Writes the interface's steering from its facts: the idle generation,
 * then the flip. rss mode: the NIC's key and table (for verification);
 * cpu mode: the derived tables, with the CPU set recorded in the table
 * for a restarted steerd.
 */
int steerd_iface_publish(struct steerd *d, struct steerd_iface *i)
{
	uint32_t slot = i - d->ifaces, n = steerd_possible_cpus(), c;
	struct steer_cpu_table *tables = NULL;
	uint32_t indir[STEERD_IFACE_INDIR_SIZE];
	struct steer_rss *rss = calloc(1, sizeof(*rss));
	bool have_rss = false;
	uint64_t since;
	int err = -ENOMEM;

	if (!rss)
		return err;
	/* The generation about to be written was live until the last flip. */
	since = clock_now_ms() - i->published_ms;
	if (i->published_ms && since < STEER_GEN_GRACE_MS)
		usleep((STEER_GEN_GRACE_MS - since) * 1000);
	i->flags = 0;
	if (i->steer == STEER_MODE_RSS) {
		i->redirect_fraction = 0;
		if (nic_rss_toeplitz(i->nic) &&
		    !steer_rss_fill(rss, i->nic->rss.key, i->nic->rss.key_len,
				    i->nic->rss.indir, i->nic->rss.indir_size))
			have_rss = true;
		if (have_rss && i->verify_rss)
			i->flags |= STEER_IFACE_F_VERIFY_RSS;
		err = steer_maps__set_iface(&d->maps, slot, i->ifindex,
					    STEER_MODE_RSS, i->flags,
					    have_rss ? rss : NULL);
		goto out;
	}
	steer_indir_round_robin(indir, STEERD_IFACE_INDIR_SIZE, i->cpus,
				i->nr_cpus);
	err = steer_rss_fill(rss, toeplitz_default_key,
			     sizeof(toeplitz_default_key), indir,
			     STEERD_IFACE_INDIR_SIZE);
	for (c = 0; !err && c < i->nr_cpus; c++)
		err = steer_maps__add_cpu(&d->maps, i->cpus[c],
					  STEERD_CPUMAP_QSIZE);
	tables = err ? NULL : calloc(n, sizeof(*tables));
	if (!err && !tables)
		err = -ENOMEM;
	if (!err)
		err = derive_tables(d, i, tables, n);
	if (!err)
		err = steer_maps__set_iface_cpu(&d->maps, slot, i->ifindex, 0,
						rss, tables, n);
out:
	i->published_ms = clock_now_ms();
	free(tables);
	free(rss);
	return err;
}

/* Which CPUs the interface's queues land on, as a set. */
static void queue_cpu_set(const struct nic *nic, bool *set, uint32_t n)
{
	uint32_t q;

	memset(set, 0, n * sizeof(*set));
	for (q = 0; q < nic->rx_queues; q++)
		if (nic->queue_cpu[q] < n)
			set[nic->queue_cpu[q]] = true;
}

/*
 * rss mode's own warnings: the queues' CPUs and the steered CPUs differ,
 * and verification that was asked for but cannot be done.
 */
void steerd_iface_rss_warnings(struct steerd_iface *i)
{
	bool queued[STEER_MAX_CPUS], steered[STEER_MAX_CPUS] = { false };
	struct nic *nic = i->nic;
	uint32_t c, nq = 0;

	queue_cpu_set(nic, queued, STEER_MAX_CPUS);
	for (c = 0; c < i->nr_cpus; c++)
		steered[i->cpus[c]] = true;
	for (c = 0; c < STEER_MAX_CPUS; c++) {
		nq += queued[c];
		if (queued[c] && !steered[c])
			nic_warn(nic,
				 "CPU %u serves an RX queue but has no slot: "
				 "its flows are not local",
				 c);
	}
	if (nq != i->nr_cpus)
		nic_warn(nic,
			 "%u CPUs serve RX queues but steer steers to %u: "
			 "locality needs one queue CPU per worker CPU",
			 nq, i->nr_cpus);
	if (i->verify_rss && !nic_rss_toeplitz(nic))
		nic_warn(nic,
			 "--verify-rss: steer does not know a Toeplitz key "
			 "and table for this NIC; verification is off");
}

int steerd_iface_resync(struct steerd *d, struct steerd_iface *i,
			const char *why)
{
	uint32_t old_q = i->nic->rx_queues, old_size = i->nic->rss.indir_size;
	uint32_t old_cpu[STEER_MAX_QUEUES];
	uint8_t old_key[STEER_RSS_KEY_MAX];
	double old_redirect = i->redirect_fraction;
	int err;

	memcpy(old_cpu, i->nic->queue_cpu, sizeof(old_cpu));
	memcpy(old_key, i->nic->rss.key, sizeof(old_key));
	err = nic_discover(d->nl, i->nic, i->name, i->ifindex,
			   steerd_possible_cpus(), i->cpus, i->nr_cpus);
	if (err)
		return err;
	i->rx_queues = i->nic->rx_queues;
	if (i->steer == STEER_MODE_RSS)
		steerd_iface_rss_warnings(i);
	if (!i->lost[0])
		err = steerd_iface_publish(d, i);
	i->resyncs++;
	pr_info("%s: %s: rx queues %u -> %u, indirection table %u -> %u "
		"entries%s%s, redirect %.1f%% -> %.1f%%%s",
		i->name, why, old_q, i->nic->rx_queues, old_size,
		i->nic->rss.indir_size,
		memcmp(old_key, i->nic->rss.key, sizeof(old_key)) ?
			", new key" :
			"",
		memcmp(old_cpu, i->nic->queue_cpu, sizeof(old_cpu)) ?
			", queue CPUs changed" :
			"",
		100 * old_redirect, 100 * i->redirect_fraction,
		err ? "; publishing failed" : "");
	return err;
}
