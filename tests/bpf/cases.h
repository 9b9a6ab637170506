/* SPDX-License-Identifier: GPL-2.0-only */
/* The shared test configuration of the XDP program: groups, modes, CPUs. */
#ifndef STEER_TEST_CASES_H
#define STEER_TEST_CASES_H

#include "harness.h"

/* Listener groups every XDP test and benchmark configures. */
#define G_V4_ANY 0 /* reuseport 0.0.0.0:80 */
#define G_V4_EXACT 1 /* reuseport 198.18.0.1:443 */
#define G_V6_ANY 2 /* reuseport [::]:80 */
#define G_V6_EXACT 3 /* reuseport [2001:db8::1]:443, no v6 wildcard */
#define G_XSK_V4 4 /* xsk 0.0.0.0:9000 */
#define G_XSK_V6 5 /* xsk [::]:9000 */
#define G_V4_TLS_ANY 6 /* reuseport 0.0.0.0:443, beside the exact group */

#define XSK_QUEUE 2 /* the veth queue with an AF_XDP socket of G_XSK_V4 */

#define PORT_WEB 80
#define PORT_TLS 443
#define PORT_XSK 9000
#define PORT_NONE 8080 /* no group */

#define V4_CLIENT "198.18.1.2"
#define V4_SERVER "198.18.0.1"
#define V4_OTHER "198.18.0.9"
#define V6_CLIENT "2001:db8:1::2"
#define V6_SERVER "2001:db8::1"
#define V6_OTHER "2001:db8::9"

/* Indirection tables the tests switch between. */
enum indir_kind {
	INDIR_CPUS, /* round robin over online CPUs (cpu mode) */
	INDIR_CPUS_ODD, /* the same, not a power of two long: hash % size */
	INDIR_QUEUES, /* round robin over the veth's RX queues (rss mode) */
	INDIR_EMPTY, /* every entry STEER_INDIR_NONE */
	INDIR_ABSENT_CPU, /* every entry a CPU with no CPUMAP entry */
};

#define INDIR_TEST_SIZE 128

/*
 * Creates the namespace, loads the program (debug on or off), adds the
 * groups above, a CPUMAP entry for every online CPU and an AF_XDP socket
 * on XSK_QUEUE for G_XSK_V4.
 */
int cases_setup(struct harness *h, bool debug);

/* Switches the interface's mode and table; a no-op when already set. */
int cases_set_mode(struct harness *h, enum steer_mode mode, uint8_t flags,
		   enum indir_kind indir);

/* Online CPUs, as counted at setup. */
int cases_nr_cpus(void);

#endif /* STEER_TEST_CASES_H */
