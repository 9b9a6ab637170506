// SPDX-License-Identifier: GPL-2.0-only
/* The reference decision for a frame, computed over plain byte offsets. */
#include <linux/bpf.h>
#include <string.h>

#include "oracle.h"
#include "lib/toeplitz.h"
#include "xdp/lib/flow_hash.h"

enum { ETH_HLEN_ = 14, VLAN_HLEN_ = 4, IP4_MIN = 20, IP6_HLEN = 40 };

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

static bool is_vlan(uint16_t type)
{
	return type == 0x8100 || type == 0x88a8;
}

/* Where the L4 header is; what parsing found, or a counter to stop with. */
struct oracle_parse {
	uint32_t stop; /* STEER_CNT_MAX: reached TCP or UDP */
	int af;
	int proto; /* enum steer_proto */
	size_t addrs; /* offset of saddr */
	size_t l4; /* the TCP or UDP header: ports first */
};

static uint32_t parse_tcp(const uint8_t *b, size_t tcp, size_t l4_end)
{
	size_t doff;

	if (tcp + 20 > l4_end)
		return STEER_CNT_ERR_TCP;
	doff = (b[tcp + 12] >> 4) * 4u;
	if (doff < 20 || tcp + doff > l4_end)
		return STEER_CNT_ERR_TCP;
	return STEER_CNT_MAX;
}

/* The UDP length: 8 up to the payload's end; 0 (whole payload) in IPv6. */
static uint32_t parse_udp(const uint8_t *b, size_t udp, size_t l4_end, int af)
{
	size_t ulen;

	if (udp + 8 > l4_end)
		return STEER_CNT_ERR_UDP;
	ulen = be16(b + udp + 4);
	if (ulen == 0 && af == STEER_AF_INET6)
		return STEER_CNT_MAX;
	if (ulen < 8 || udp + ulen > l4_end)
		return STEER_CNT_ERR_UDP;
	return STEER_CNT_MAX;
}

/* TCP (6) or UDP (17) at off, within [off, end); else not steered. */
static void parse_l4(const uint8_t *b, uint8_t ipproto, size_t off, size_t end,
		     struct oracle_parse *p)
{
	p->l4 = off;
	if (ipproto == 6) {
		p->proto = STEER_PROTO_TCP;
		p->stop = parse_tcp(b, off, end);
	} else if (ipproto == 17) {
		p->proto = STEER_PROTO_UDP;
		p->stop = parse_udp(b, off, end, p->af);
	} else {
		p->stop = STEER_CNT_NOT_TCP;
	}
}

static void parse_ipv4(const uint8_t *b, size_t len, size_t off,
		       struct oracle_parse *p)
{
	size_t ihl, tot;

	p->stop = STEER_CNT_ERR_IP4;
	if (off + IP4_MIN > len)
		return;
	ihl = (b[off] & 0xf) * 4u;
	tot = be16(b + off + 2);
	if (tot == 0 && b[off + 9] == 6) /* BIG TCP: to the frame's end */
		tot = len - off;
	if (b[off] >> 4 != 4 || ihl < IP4_MIN || tot < ihl || off + tot > len)
		return;
	if (be16(b + off + 6) & 0x3fff) {
		p->stop = STEER_CNT_FRAGMENT;
		return;
	}
	p->af = STEER_AF_INET;
	p->addrs = off + 12;
	parse_l4(b, b[off + 9], off + ihl, off + tot, p);
}

/*
 * Where an IPv6 payload ends, or 0: its length; with length 0, the frame's
 * end (BIG TCP, TCP next) or a Hop-by-Hop Jumbo Payload option's length
 * (RFC 2675, the first option, over jumbo_min).
 */
static size_t ipv6_end(const uint8_t *b, size_t len, size_t off,
		       uint32_t jumbo_min)
{
	size_t plen = be16(b + off + 4), hbh = off + IP6_HLEN;
	uint8_t nh = b[off + 6];
	uint32_t jumbo;

	if (plen || (nh != 6 && nh != 0))
		return off + IP6_HLEN + plen <= len ? off + IP6_HLEN + plen : 0;
	if (nh == 6)
		return len;
	if (hbh + 8 > len || b[hbh + 2] != 0xc2 || b[hbh + 3] != 4)
		return 0;
	jumbo = be32(b + hbh + 4);
	if (jumbo < jumbo_min || jumbo > len - hbh)
		return 0;
	return hbh + jumbo;
}

static void parse_ipv6(const uint8_t *b, size_t len, size_t off,
		       uint32_t jumbo_min, struct oracle_parse *p)
{
	size_t end, pos;
	uint8_t nh;
	int n;

	p->stop = STEER_CNT_ERR_IP6;
	if (off + IP6_HLEN > len || b[off] >> 4 != 6)
		return;
	end = ipv6_end(b, len, off, jumbo_min);
	if (!end)
		return;
	p->af = STEER_AF_INET6;
	p->addrs = off + 8;
	nh = b[off + 6];
	pos = off + IP6_HLEN;
	for (n = 0;; n++) {
		if (nh == 6 || nh == 17) {
			parse_l4(b, nh, pos, end, p);
			return;
		}
		if (nh == 44) {
			p->stop = STEER_CNT_FRAGMENT;
			return;
		}
		if (nh != 0 && nh != 43 && nh != 60) {
			p->stop = STEER_CNT_NOT_TCP;
			return;
		}
		if (n == STEER_IP6_EXT_MAX) {
			p->stop = STEER_CNT_ERR_IP6_EXT_DEPTH;
			return;
		}
		if (pos + 2 > end) {
			p->stop = STEER_CNT_ERR_IP6_EXT;
			return;
		}
		nh = b[pos];
		pos += (b[pos + 1] + 1u) * 8;
		if (pos > end) {
			p->stop = STEER_CNT_ERR_IP6_EXT;
			return;
		}
	}
}

static void parse(const uint8_t *b, size_t len, uint32_t jumbo_min,
		  struct oracle_parse *p)
{
	size_t off = ETH_HLEN_;
	uint16_t type;
	int tags;

	memset(p, 0, sizeof(*p));
	if (len < ETH_HLEN_) {
		p->stop = STEER_CNT_ERR_ETH;
		return;
	}
	type = be16(b + 12);
	for (tags = 0; is_vlan(type); tags++) {
		if (tags == STEER_VLAN_MAX) {
			p->stop = STEER_CNT_ERR_VLAN_DEPTH;
			return;
		}
		if (off + VLAN_HLEN_ > len) {
			p->stop = STEER_CNT_ERR_VLAN;
			return;
		}
		type = be16(b + off + 2);
		off += VLAN_HLEN_;
	}
	if (type == 0x0800)
		parse_ipv4(b, len, off, p);
	else if (type == 0x86dd)
		parse_ipv6(b, len, off, jumbo_min, p);
	else
		p->stop = STEER_CNT_NOT_IP;
}

static bool has_live_slot(const struct oracle_config *cfg, uint16_t group)
{
	uint32_t cpu;

	for (cpu = 0; group < ORACLE_MAX_GROUPS && cpu < STEER_MAX_CPUS; cpu++)
		if (cfg->live[group][cpu])
			return true;
	return false;
}

/*
 * The group that serves the destination: the exact address's, unless it is
 * a reuseport group without a live listener and there is a wildcard one.
 */
static const struct oracle_group *match(const struct oracle_config *cfg,
					const uint8_t *b,
					const struct oracle_parse *p)
{
	size_t alen = p->af == STEER_AF_INET ? 4 : 16;
	const uint8_t *daddr = b + p->addrs + alen;
	uint16_t port = be16(b + p->l4 + 2);
	const struct oracle_group *wild = NULL, *exact = NULL;
	int i;

	for (i = 0; i < cfg->nr_groups; i++) {
		const struct oracle_group *g = &cfg->groups[i];

		if (g->af != p->af || g->proto != p->proto || g->port != port)
			continue;
		if (g->wildcard)
			wild = g;
		else if (!memcmp(g->addr, daddr, alen))
			exact = g;
	}
	if (exact && wild && exact->kind == STEER_KIND_REUSEPORT &&
	    !has_live_slot(cfg, exact->id))
		return wild;
	return exact ? exact : wild;
}

static uint32_t toeplitz_of(const struct oracle_config *cfg, const uint8_t *b,
			    const struct oracle_parse *p)
{
	size_t alen = p->af == STEER_AF_INET ? 4 : 16;
	uint8_t in[STEER_TOEPLITZ_INPUT_MAX];

	memcpy(in, b + p->addrs, 2 * alen);
	memcpy(in + 2 * alen, b + p->l4, 4);
	return toeplitz_hash(cfg->key, cfg->key_len, in, 2 * alen + 4);
}

/* The flow hash over the tuple's bytes, copied out as host-order words. */
static uint32_t flow_hash_of(uint64_t key, const uint8_t *b,
			     const struct oracle_parse *p)
{
	size_t alen = p->af == STEER_AF_INET ? 4 : 16;
	uint32_t words[STEER_FLOW_WORDS_MAX];

	memcpy(words, b + p->addrs, 2 * alen);
	memcpy((uint8_t *)words + 2 * alen, b + p->l4, 4);
	return steer_flow_hash(key, words, (2 * alen + 4) / 4);
}

static uint32_t indir_of(const struct oracle_config *cfg, uint32_t hash)
{
	if (cfg->indir_size == 0 || cfg->indir_size > STEER_INDIR_MAX)
		return STEER_INDIR_NONE;
	return cfg->indir[hash % cfg->indir_size];
}

static void steer_group(const struct oracle_config *cfg, const uint8_t *b,
			const struct oracle_parse *p,
			const struct oracle_group *g, uint32_t cpu,
			uint32_t rx_queue, struct oracle_result *r)
{
	const struct steer_cpu_table *table;
	bool syn = r->d.syn;
	uint32_t target;

	if (g->kind == STEER_KIND_XSK) {
		/* Sockets bound to another interface: no queue of ours. */
		if (g->id < ORACLE_MAX_GROUPS && cfg->xsk_ifindex[g->id] &&
		    cfg->xsk_ifindex[g->id] != cfg->ifindex) {
			r->gs.xsk_miss = 1;
			return;
		}
		r->d.slot = rx_queue;
		if (rx_queue < 8 && g->id < ORACLE_MAX_GROUPS &&
		    cfg->xsk[g->id][rx_queue]) {
			r->xdp_action = XDP_REDIRECT;
			r->d.action = STEER_ACT_REDIRECT_XSK;
			r->gs.xsk_redirected = r->ss.xsk_redirected = 1;
			r->ss.syns = r->ss.local = syn;
		} else {
			r->gs.xsk_miss = r->ss.xsk_miss = 1;
		}
		return;
	}
	if (cfg->mode == STEER_MODE_RSS) {
		r->d.slot = cpu;
		if (cfg->flags & STEER_IFACE_F_VERIFY_RSS) {
			r->d.hash = toeplitz_of(cfg, b, p);
			if (indir_of(cfg, r->d.hash) != rx_queue)
				r->gs.rss_mismatch = r->is.rss_mismatch = 1;
		}
		/* Local only where the group has a listener to take it. */
		if (g->id < ORACLE_MAX_GROUPS && cpu < STEER_MAX_CPUS &&
		    cfg->live[g->id][cpu]) {
			r->gs.local = 1;
			r->ss.syns = r->ss.local = syn;
		} else {
			r->gs.no_local_slot = 1;
			r->ss.syns = r->ss.no_local_slot = syn;
		}
		return;
	}
	/* cpu mode: the arrival CPU's table. */
	if (!cfg->cpu_tables || cpu >= cfg->nr_cpu_tables) {
		r->gs.fallback = 1;
		return;
	}
	table = &cfg->cpu_tables[cpu];
	r->d.hash = flow_hash_of(table->hash_key, b, p);
	target = table->cpu[r->d.hash % STEER_CPU_BUCKETS];
	if (target >= STEER_MAX_CPUS) {
		r->gs.fallback = 1;
		return;
	}
	r->d.slot = target;
	if (target == cpu) {
		r->gs.local = 1;
		r->ss.syns = r->ss.local = syn;
	} else if (cfg->cpumap[target]) {
		r->xdp_action = XDP_REDIRECT;
		r->d.action = STEER_ACT_REDIRECT_CPU;
		r->gs.redirected = 1;
		r->ss.syns = r->ss.redirected = syn;
	} else {
		r->gs.fallback = 1;
	}
}

void oracle_decide(const struct oracle_config *cfg, const uint8_t *frame,
		   size_t len, uint32_t cpu, uint32_t rx_queue,
		   struct oracle_result *r)
{
	const struct oracle_group *g;
	struct oracle_parse p;
	uint8_t flags;

	memset(r, 0, sizeof(*r));
	r->xdp_action = XDP_PASS;
	r->d.action = STEER_ACT_PASS;
	r->d.group = STEER_GROUP_INVALID;
	r->d.slot = STEER_SLOT_INVALID;

	if (cfg->mode == STEER_MODE_NONE) {
		r->d.counter = STEER_CNT_NO_IFACE;
		return;
	}
	parse(frame, len, cfg->ip6_jumbo_min, &p);
	if (p.stop != STEER_CNT_MAX) {
		r->d.counter = p.stop;
		return;
	}
	flags = p.proto == STEER_PROTO_TCP ? frame[p.l4 + 13] : 0;
	r->d.syn = (flags & 0x02) && !(flags & 0x10);
	g = match(cfg, frame, &p);
	if (!g) {
		r->d.counter = STEER_CNT_NO_GROUP;
		return;
	}
	r->d.counter = STEER_CNT_MATCHED;
	r->d.group = g->id;
	r->gs.packets = 1;
	r->gs.syns = r->d.syn;
	steer_group(cfg, frame, &p, g, cpu, rx_queue, r);
}
