// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interface probes over SIOCETHTOOL and sysfs. A veth's peer is the device
 * its iflink names; it is taken as the peer only when that device's iflink
 * names this one back, since an index from another namespace may name an
 * unrelated device here.
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nic_probe.h"

static int ethtool_ioctl(const char *ifname, void *cmd)
{
	struct ifreq ifr;
	int fd, ret = 0;

	if (strlen(ifname) >= IFNAMSIZ)
		return -EINVAL;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, ifname);
	ifr.ifr_data = cmd;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		ret = -errno;
	close(fd);
	return ret;
}

int nic_driver(const char *ifname, char *drv, size_t size)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	int ret = ethtool_ioctl(ifname, &info);

	if (!ret)
		snprintf(drv, size, "%.*s", (int)sizeof(info.driver),
			 info.driver);
	return ret;
}

int nic_rss_sizes(const char *ifname, uint32_t *indir_size, uint32_t *key_size)
{
	/* Both sizes 0: the kernel fills them in and copies no table. */
	struct ethtool_rxfh rxfh = { .cmd = ETHTOOL_GRSSH };
	int ret = ethtool_ioctl(ifname, &rxfh);

	if (ret)
		return ret;
	*indir_size = rxfh.indir_size;
	*key_size = rxfh.key_size;
	return 0;
}

int nic_tx_csum(const char *ifname, bool *on)
{
	struct ethtool_value val = { .cmd = ETHTOOL_GTXCSUM };
	int ret = ethtool_ioctl(ifname, &val);

	if (!ret)
		*on = val.data;
	return ret;
}

static int read_sysfs_int(const char *ifname, const char *attr, int *val)
{
	char path[128];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, attr);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ENODEV : -errno;
	if (fscanf(f, "%d", val) != 1)
		ret = -EINVAL;
	fclose(f);
	return ret;
}

int nic_veth_peer(const char *ifname, char *peer)
{
	int ifindex, iflink, back;
	char name[IF_NAMESIZE];
	int ret;

	if (strlen(ifname) >= IFNAMSIZ || strchr(ifname, '/'))
		return -EINVAL;
	ret = read_sysfs_int(ifname, "ifindex", &ifindex);
	if (!ret)
		ret = read_sysfs_int(ifname, "iflink", &iflink);
	if (ret)
		return ret;
	if (iflink == ifindex || iflink <= 0)
		return -EINVAL;
	if (!if_indextoname(iflink, name) ||
	    read_sysfs_int(name, "iflink", &back) || back != ifindex)
		return -ENOENT;
	strcpy(peer, name);
	return 0;
}
