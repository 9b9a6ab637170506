// SPDX-License-Identifier: GPL-2.0-only
/* Sets up the groups, modes and CPUs shared by the XDP tests and bench. */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cases.h"

static int nr_cpus;
static struct {
	bool set;
	enum steer_mode mode;
	uint8_t flags;
	enum indir_kind indir;
} current;

int cases_nr_cpus(void)
{
	return nr_cpus;
}

int cases_setup(struct harness *h, bool debug)
{
	static const struct {
		uint16_t id;
		enum steer_kind kind;
		int family;
		const char *addr;
		uint16_t port;
	} groups[] = {
		{ G_V4_ANY, STEER_KIND_REUSEPORT, AF_INET, NULL, PORT_WEB },
		{ G_V4_EXACT, STEER_KIND_REUSEPORT, AF_INET, V4_SERVER,
		  PORT_TLS },
		{ G_V6_ANY, STEER_KIND_REUSEPORT, AF_INET6, NULL, PORT_WEB },
		{ G_V6_EXACT, STEER_KIND_REUSEPORT, AF_INET6, V6_SERVER,
		  PORT_TLS },
		{ G_XSK_V4, STEER_KIND_XSK, AF_INET, NULL, PORT_XSK },
		{ G_XSK_V6, STEER_KIND_XSK, AF_INET6, NULL, PORT_XSK },
		{ G_V4_TLS_ANY, STEER_KIND_REUSEPORT, AF_INET, NULL, PORT_TLS },
	};
	int ifindex, err, cpu;
	size_t i;

	ifindex = harness_netns();
	if (ifindex < 0)
		return ifindex;
	err = harness_open(h, ifindex, debug);
	if (err)
		return err;
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		err = harness_add_group(h, groups[i].id, groups[i].kind,
					groups[i].family, groups[i].addr,
					groups[i].port);
		if (err)
			return err;
	}
	nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (nr_cpus > STEER_MAX_CPUS)
		nr_cpus = STEER_MAX_CPUS;
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		err = harness_add_cpu(h, cpu);
		if (err)
			return err;
	}
	current.set = false;
	return harness_add_xsk(h, G_XSK_V4, XSK_QUEUE);
}

int cases_set_mode(struct harness *h, enum steer_mode mode, uint8_t flags,
		   enum indir_kind indir)
{
	size_t size = indir == INDIR_CPUS_ODD ? INDIR_TEST_SIZE - 1 :
						INDIR_TEST_SIZE;
	uint32_t table[INDIR_TEST_SIZE];
	size_t i;
	int err;

	if (current.set && current.mode == mode && current.flags == flags &&
	    current.indir == indir)
		return 0;
	for (i = 0; i < size; i++) {
		switch (indir) {
		case INDIR_CPUS:
		case INDIR_CPUS_ODD:
			table[i] = i % nr_cpus;
			break;
		case INDIR_QUEUES:
			table[i] = i % HARNESS_QUEUES;
			break;
		case INDIR_EMPTY:
			table[i] = STEER_INDIR_NONE;
			break;
		case INDIR_ABSENT_CPU:
			table[i] = STEER_MAX_CPUS - 1;
			break;
		}
	}
	if (indir == INDIR_ABSENT_CPU && nr_cpus >= STEER_MAX_CPUS)
		return -ENOTSUP;
	err = harness_set_mode(h, mode, flags, table, size);
	if (err)
		return err;
	current.set = true;
	current.mode = mode;
	current.flags = flags;
	current.indir = indir;
	return 0;
}
