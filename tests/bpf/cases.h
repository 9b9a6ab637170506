/* SPDX-License-Identifier: GPL-2.0-only */
/* The shared test configuration of the XDP program: groups, modes, CPUs. */
#ifndef STEER_TEST_CASES_H
#define STEER_TEST_CASES_H

#include "harness.h"

/*
 * Listener groups every XDP test and benchmark configures, and where they
 * have live slots (a listener on the CPU): every CPU unless said.
 */
#define G_V4_ANY 0 /* reuseport 0.0.0.0:80 */
#define G_V4_EXACT 1 /* reuseport 198.18.0.1:443 */
#define G_V6_ANY 2 /* reuseport [::]:80, live on every CPU but 0 */
/* reuseport [2001:db8::1]:443, no v6 wildcard; no live slot */
#define G_V6_EXACT 3
#define G_XSK_V4 4 /* xsk 0.0.0.0:9000 */
#define G_XSK_V6 5 /* xsk [::]:9000 */
#define G_V4_TLS_ANY 6 /* reuseport 0.0.0.0:443, beside the exact group */
#define G_UDP_V4 7 /* xsk UDP 0.0.0.0:9000 */
#define G_UDP_V6 8 /* xsk UDP [::]:9000 */
#define G_UDP_V4_EXACT 9 /* xsk UDP 198.18.0.1:443, no UDP wildcard */
/* reuseport 198.18.0.7:443, beside G_V4_TLS_ANY; no live slot */
#define G_V4_EXACT_IDLE 10
/* xsk 198.18.0.8:443, beside G_V4_TLS_ANY; no live slot */
#define G_XSK_V4_EXACT 11
/*
 * xsk UDP 0.0.0.0:9001, its sockets bound to another interface (the
 * loopback) while steer_xsks holds the veth's socket at its XSK_QUEUE: a
 * frame of it from the veth must pass, never be redirected there.
 */
#define G_XSK_ELSEWHERE 12
#define LOOPBACK_IFINDEX 1

/*
 * The veth queue with the one AF_XDP socket, in the XSKMAP for G_XSK_V4 and
 * the UDP groups.
 */
#define XSK_QUEUE 2

#define PORT_WEB 80
#define PORT_TLS 443
#define PORT_XSK 9000
#define PORT_XSK_ELSEWHERE 9001
#define PORT_NONE 8080 /* no group */

#define V4_CLIENT "198.18.1.2"
#define V4_SERVER "198.18.0.1"
#define V4_OTHER "198.18.0.9"
#define V4_IDLE "198.18.0.7"
#define V4_XSK "198.18.0.8"
#define V6_CLIENT "2001:db8:1::2"
#define V6_SERVER "2001:db8::1"
#define V6_OTHER "2001:db8::9"

/*
 * Tables the tests switch between: the indirection table (steer_rss: rss
 * verification, and the CPUs of cpu mode's default tables) and, in cpu mode,
 * each arrival CPU's bucket table.
 */
enum table_kind {
	/* Every CPU's table the same, buckets scattered over online CPUs. */
	TABLE_SPREAD,
	/*
	 * maps.c's default for an indirection table over every online CPU:
	 * each CPU a worker with an even share, so every frame stays.
	 */
	TABLE_DEFAULT,
	/* The default without CPU 0: its frames go, the others' stay. */
	TABLE_NO_WORKER_0,
	/* Spread, but CPU 0's table unset, as a CPU without one. */
	TABLE_UNSET_0,
	/* Spread, each arrival CPU's table rotated by its number. */
	TABLE_ROTATED,
	TABLE_EMPTY, /* every entry unset, indirection and buckets */
	TABLE_ABSENT_CPU, /* every entry a CPU with no CPUMAP entry */
	TABLE_QUEUES, /* indirection over the veth's RX queues (rss mode) */
	TABLE_QUEUES_ODD, /* the same, 127 long: hash % size */
};

#define INDIR_TEST_SIZE 128

/*
 * Creates the namespace, loads the program (debug on or off), adds the
 * groups above, a CPUMAP entry for every online CPU and an AF_XDP socket
 * on XSK_QUEUE for the xsk groups it names.
 */
int cases_setup(struct harness *h, bool debug);

/*
 * Switches the interface's mode and tables, and points h->cfg at the live
 * bucket tables; a no-op when already set.
 */
int cases_set_mode(struct harness *h, enum steer_mode mode, uint8_t flags,
		   enum table_kind kind);

/*
 * The CPU a written (not derived) table of a kind sends bucket to, in the
 * table of arrival_cpu: the expectation of tests that know the table.
 */
uint32_t cases_table_cpu(enum table_kind kind, uint32_t arrival_cpu,
			 uint32_t bucket);

/* Online CPUs, as counted at setup. */
int cases_nr_cpus(void);

#endif /* STEER_TEST_CASES_H */
