/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Matching a frame's destination to a listener group of its protocol: the
 * port-indexed array first (frames to ports without a group stop there),
 * then the exact address, then the wildcard address of the frame's family.
 *
 * The group matched is the one that will serve the frame. The kernel's
 * socket lookup prefers listeners bound to the exact address, so does steer;
 * but an exact reuseport group with no live listener serves nothing, and its
 * port's wildcard listeners take the connection: they get the frame.
 */
#ifndef STEER_BPF_MATCH_H
#define STEER_BPF_MATCH_H

#include "live_cpus.h"
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

/* The exact group, unless it has no listener and the wildcard one serves. */
static __always_inline const struct steer_match *
exact_or_wildcard(const struct steer_match *exact,
		  const struct steer_match *wildcard)
{
	if (exact->kind == STEER_KIND_REUSEPORT &&
	    wildcard->kind != STEER_KIND_NONE && !live_anywhere(exact->group))
		return wildcard;
	return exact;
}

static __always_inline const struct steer_match *
match_group(const struct steer_frame *f)
{
	__u32 port = STEER_PORT_INDEX(f->proto, bpf_ntohs(f->ports->dest));
	const struct steer_match *m, *wildcard;
	struct steer_port *p;

	p = bpf_map_lookup_elem(&steer_ports, &port);
	if (!p)
		return NULL;
	if (f->af == STEER_AF_INET) {
		wildcard = &p->wildcard[STEER_AF_INET];
		if (p->exact[STEER_AF_INET]) {
			m = match_exact(f);
			if (m && m->kind != STEER_KIND_NONE)
				return exact_or_wildcard(m, wildcard);
		}
	} else {
		wildcard = &p->wildcard[STEER_AF_INET6];
		if (p->exact[STEER_AF_INET6]) {
			m = match_exact(f);
			if (m && m->kind != STEER_KIND_NONE)
				return exact_or_wildcard(m, wildcard);
		}
	}
	return wildcard->kind != STEER_KIND_NONE ? wildcard : NULL;
}

#endif /* STEER_BPF_MATCH_H */
