/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Matching a frame's destination to a listener group of its protocol: the
 * port-indexed array first (frames to ports without a group stop there),
 * then the exact address, then the wildcard address of the frame's family.
 */
#ifndef STEER_BPF_MATCH_H
#define STEER_BPF_MATCH_H

#include "maps.h"
#include "parse.h"

static __always_inline const struct steer_match *
match_exact(const struct steer_frame *f)
{
	struct steer_listen_key key = {
		.af = f->af,
		.proto = f->proto,
		.port = f->ports->dest,
	};

	if (f->af == STEER_AF_INET)
		__builtin_memcpy(key.addr, f->addrs + 4, 4);
	else
		__builtin_memcpy(key.addr, f->addrs + 16, 16);
	return bpf_map_lookup_elem(&steer_listen, &key);
}

static __always_inline const struct steer_match *
match_group(const struct steer_frame *f)
{
	__u32 port = STEER_PORT_INDEX(f->proto, bpf_ntohs(f->ports->dest));
	const struct steer_match *m;
	struct steer_port *p;

	p = bpf_map_lookup_elem(&steer_ports, &port);
	if (!p)
		return NULL;
	if (f->af == STEER_AF_INET) {
		if (p->exact[STEER_AF_INET]) {
			m = match_exact(f);
			if (m && m->kind != STEER_KIND_NONE)
				return m;
		}
		m = &p->wildcard[STEER_AF_INET];
	} else {
		if (p->exact[STEER_AF_INET6]) {
			m = match_exact(f);
			if (m && m->kind != STEER_KIND_NONE)
				return m;
		}
		m = &p->wildcard[STEER_AF_INET6];
	}
	return m->kind != STEER_KIND_NONE ? m : NULL;
}

#endif /* STEER_BPF_MATCH_H */
