/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What steerd reads about a link over rtnetlink (RTM_GETLINK) in the
 * caller's network namespace: its RX queue count and its XDP program.
 */
#ifndef STEER_RTNL_H
#define STEER_RTNL_H

#include <stdint.h>

/*
 * IFLA_NUM_RX_QUEUES: the RX queues the device was created with (veth:
 * numrxqueues). -ENODEV for no such interface, -EINVAL for ifindex <= 0.
 */
int rtnl_num_rx_queues(int ifindex, uint32_t *n);

/*
 * IFLA_XDP: which XDP program is attached to the link (*prog_id 0: none)
 * and how (*attach_mode: XDP_ATTACHED_NONE, _DRV, _SKB, _HW, or _MULTI
 * when programs are attached in several modes; then *prog_id is the
 * driver-mode one, else the generic-mode one, else the offloaded one).
 * Either output may be NULL. Errors as rtnl_num_rx_queues.
 */
int rtnl_xdp_prog_id(int ifindex, uint32_t *prog_id, uint8_t *attach_mode);

#endif /* STEER_RTNL_H */
