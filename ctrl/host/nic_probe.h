/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a network interface offers steer, asked the old way (the SIOCETHTOOL
 * ioctl and sysfs) so that steerctl doctor needs neither libmnl nor
 * libbpf: its driver, whether its RSS key and indirection table can be read,
 * its transmit checksum offload, and its veth peer. Each works on the
 * caller's network namespace; -ENODEV when there is no such interface,
 * -EOPNOTSUPP when the driver does not offer the operation.
 */
#ifndef STEER_NIC_PROBE_H
#define STEER_NIC_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The driver's name ("veth", "ice", "virtio_net") into drv (size bytes). */
int nic_driver(const char *ifname, char *drv, size_t size);

/* Sizes of the RSS indirection table and hash key as ethtool -x reads them. */
int nic_rss_sizes(const char *ifname, uint32_t *indir_size, uint32_t *key_size);

/* Whether transmit checksum offload (ethtool -k: tx-checksumming) is on. */
int nic_tx_csum(const char *ifname, bool *on);

/*
 * A veth's peer, when it is in this network namespace: its name in peer
 * (IFNAMSIZ bytes). -ENOENT when the peer is elsewhere (another
 * namespace), -EINVAL when ifname has no peer.
 */
int nic_veth_peer(const char *ifname, char *peer);

#endif /* STEER_NIC_PROBE_H */
