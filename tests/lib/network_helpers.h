/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Network namespaces, veth pairs, addresses and links for tests, after the
 * Linux selftests' network_helpers.c and xdp-tools' lib/testing.
 *
 * Every namespace made here is held by the test process alone (it is in it,
 * or holds a descriptor of it), so the kernel tears it down, with its veth
 * ends and addresses, when the process exits: after a failed assertion or
 * a crash as well. In each, lo is up and IPv6 duplicate address detection
 * is off, so an address is usable as soon as it is added. Addresses come
 * from 198.18.0.0/15 and 2001:db8::/32. Each call returns 0 (or what it
 * names) or a negative errno, and prints what failed.
 */
#ifndef STEER_TEST_NETWORK_HELPERS_H
#define STEER_TEST_NETWORK_HELPERS_H

/* The namespace argument that means the caller's own. */
#define NETNS_CURRENT (-1)

/* What a new network namespace shares with the one it was made from. */
enum netns_mounts {
	/*
	 * Only the network namespace is new, as under `nsenter --net`:
	 * /sys/fs/bpf and /run are the host's, so pins outlive the test's
	 * processes.
	 */
	NETNS_SHARED_MOUNTS,
	/*
	 * A mount namespace too, from which nothing propagates back: a bpffs
	 * mounted in it is the test's own and goes with it.
	 */
	NETNS_PRIVATE_MOUNTS,
};

/* Moves the calling thread into a new network namespace. */
int netns_enter_new(enum netns_mounts mounts);

/*
 * Makes a new network namespace and returns a descriptor that holds it
 * (close-on-exec); the caller stays where it is.
 */
int netns_open_new(void);

/* Moves the calling thread into the namespace held by ns. */
int netns_enter(int ns);

/*
 * Runs a shell command (printf format) in namespace ns, or in the caller's
 * with NETNS_CURRENT; 0 when it exits 0, else -EIO.
 */
int netns_run(int ns, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A veth pair, name here and peer in namespace peer_ns (NETNS_CURRENT:
 * here too), each end with `queues` RX and TX queues. Both ends are down.
 */
int link_add_veth(const char *name, const char *peer, int queues, int peer_ns);

/* Adds an address, "ADDR/PREFIX", IPv4 or IPv6, to dev in namespace ns. */
int link_addr_add(int ns, const char *dev, const char *cidr);

/* Sets dev in namespace ns up. */
int link_set_up(int ns, const char *dev);

#endif /* STEER_TEST_NETWORK_HELPERS_H */
