// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writes the fuzz corpus seeds: every fixture of the unit tests, one file
 * each, under DIR/HARNESS/ (the harness names of tests/fuzz/fuzz_*.c).
 * Usage: seed DIR
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fixtures/interrupts.h"
#include "tests/fixtures/nl_fixtures.h"

static const char *root;

static void seed_write(const char *harness, const char *name, const void *data,
		       size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, harness);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(EXIT_FAILURE);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", root, harness, name);
	f = fopen(path, "w");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(EXIT_FAILURE);
	}
}

static void seed_msg(const char *harness, const char *name,
		     const struct nlmsghdr *nlh)
{
	seed_write(harness, name, nlh, nlh->nlmsg_len);
}

int main(int argc, char **argv)
{
	static union nlf_buf buf;
	struct nlmsghdr *nlh;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return EXIT_FAILURE;
	}
	root = argv[1];
	if (mkdir(root, 0755) && errno != EEXIST) {
		perror(root);
		return EXIT_FAILURE;
	}

	seed_msg("ethtool", "channels-mlx5",
		 nlf_channels(&buf, &nlf_channels_mlx5));
	seed_msg("ethtool", "channels-ixgbe",
		 nlf_channels(&buf, &nlf_channels_ixgbe));
	seed_msg("ethtool", "channels-veth",
		 nlf_channels(&buf, &nlf_channels_veth));
	seed_msg("ethtool", "rss-52-512", nlf_rss_52_512(&buf));
	seed_msg("ethtool", "rss-40-128", nlf_rss_40_128(&buf));
	seed_msg("ethtool", "rss-hfunc-only",
		 nlf_rss(&buf, ETH_RSS_HASH_TOP, NULL, 0, 0, 1));
	seed_msg("ethtool", "ntf-channels",
		 nlf_ethtool_ntf(&buf, ETHTOOL_MSG_CHANNELS_NTF, 7, "eth3"));
	seed_msg("ethtool", "ntf-rss",
		 nlf_ethtool_ntf(&buf, ETHTOOL_MSG_RSS_NTF, 7, NULL));

	seed_msg("netdev", "dev", nlf_netdev_dev(&buf, 3, 7, 3));
	seed_msg("netdev", "queue-rx",
		 nlf_netdev_queue(&buf, 5, 3, NETDEV_QUEUE_TYPE_RX, 8197));
	seed_msg("netdev", "queue-tx",
		 nlf_netdev_queue(&buf, 1, 3, NETDEV_QUEUE_TYPE_TX, 0));
	seed_msg("netdev", "napi-irq", nlf_netdev_napi(&buf, 8197, 3, 99));
	seed_msg("netdev", "napi-none", nlf_netdev_napi(&buf, 8198, 3, -1));

	seed_msg("rtnl", "newlink-drv",
		 nlf_link(&buf, RTM_NEWLINK, 4, 0x41, "eth1", 8,
			  XDP_ATTACHED_DRV, 42, 0));
	seed_msg("rtnl", "newlink-multi",
		 nlf_link(&buf, RTM_NEWLINK, 4, 0x1, "eth1", 8,
			  XDP_ATTACHED_MULTI, 9, 7));
	seed_msg("rtnl", "dellink",
		 nlf_link(&buf, RTM_DELLINK, 4, 0, "eth1", 0, XDP_ATTACHED_NONE,
			  0, 0));

	seed_msg("nlsock", "ack-extack-capped",
		 nlf_ack(&buf, -ENODEV, "no device matches name", true));
	seed_msg("nlsock", "ack-extack-echo",
		 nlf_ack(&buf, -ENODEV, "no device matches name", false));
	seed_msg("nlsock", "ack", nlf_ack(&buf, 0, NULL, true));
	nlh = nlf_genl(&buf, NLF_ETHTOOL_FAMILY, 1);
	nlf_ethtool_header(nlh, 2, "eth0");
	mnl_attr_put_u64(nlh, 3, 1);
	seed_msg("nlsock", "genl-attrs", nlh);

	seed_write("interrupts", "mlx5", irqf_mlx5, strlen(irqf_mlx5));
	seed_write("interrupts", "ice", irqf_ice, strlen(irqf_ice));
	seed_write("interrupts", "i40e", irqf_i40e, strlen(irqf_i40e));
	seed_write("interrupts", "virtio", irqf_virtio, strlen(irqf_virtio));
	seed_write("interrupts", "shared", irqf_shared, strlen(irqf_shared));
	seed_write("interrupts", "cpulist", "2-3,8\n", 6);
	return EXIT_SUCCESS;
}
