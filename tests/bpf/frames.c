// SPDX-License-Identifier: GPL-2.0-only
/* Builds test frames from a frame_spec, recording every header boundary. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "frames.h"

static const uint8_t dst_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t src_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static void mark(struct frame_layout *l, size_t off)
{
	if (l->nr_bounds < sizeof(l->bounds) / sizeof(l->bounds[0]))
		l->bounds[l->nr_bounds++] = off;
}

static int l4_build(const struct frame_spec *s, uint8_t *p, size_t cap)
{
	int optlen = s->tcp_optlen;
	int hlen = 20 + optlen;
	int len;

	if (s->l4proto && s->l4proto != IPPROTO_TCP) {
		/* Some other protocol: 8 header bytes (UDP-like) and payload. */
		len = 8 + s->payload;
		if ((size_t)len > cap)
			return -1;
		memset(p, 0, len);
		put16(p, s->sport);
		put16(p + 2, s->dport);
		put16(p + 4, len + s->udp_len_delta);
		return len;
	}
	len = hlen + s->payload;
	if ((size_t)len > cap)
		return -1;
	memset(p, 0, len);
	put16(p, s->sport);
	put16(p + 2, s->dport);
	put16(p + 4, 0x1234); /* seq */
	p[12] = (s->tcp_doff ? s->tcp_doff : hlen / 4) << 4;
	p[13] = s->tcp_flags;
	put16(p + 14, 65535); /* window */
	if (optlen) /* NOPs, then an end-of-options */
		memset(p + 20, 1, optlen);
	return len;
}

static int ipv4_build(const struct frame_spec *s, uint8_t *p, size_t cap,
		      struct frame_layout *l, size_t base)
{
	int hlen = 20 + s->ip4_optlen;
	int l4len;

	if ((size_t)hlen > cap)
		return -1;
	memset(p, 0, hlen);
	p[0] = (s->ip_version ? s->ip_version : 4) << 4 |
	       (s->ip4_ihl ? s->ip4_ihl : hlen / 4);
	put16(p + 6, s->ip4_frag);
	p[8] = 64;
	p[9] = s->l4proto ? s->l4proto : IPPROTO_TCP;
	if (inet_pton(AF_INET, s->saddr, p + 12) != 1 ||
	    inet_pton(AF_INET, s->daddr, p + 16) != 1)
		return -1;
	if (s->ip4_optlen) /* NOPs */
		memset(p + 20, 1, s->ip4_optlen);
	mark(l, base + 20);
	if (s->ip4_optlen)
		mark(l, base + hlen);
	l->l4 = base + hlen;
	l4len = l4_build(s, p + hlen, cap - hlen);
	if (l4len < 0)
		return -1;
	put16(p + 2, s->ip_len_zero ? 0 : hlen + l4len + s->ip_len_delta);
	return hlen + l4len;
}

static int ipv6_build(const struct frame_spec *s, uint8_t *p, size_t cap,
		      struct frame_layout *l, size_t base)
{
	size_t off = 40;
	uint8_t *nexthdr = p + 6;
	int i, l4len;

	if (cap < 40)
		return -1;
	memset(p, 0, 40);
	p[0] = (s->ip_version ? s->ip_version : 6) << 4;
	p[7] = 64;
	if (inet_pton(AF_INET6, s->saddr, p + 8) != 1 ||
	    inet_pton(AF_INET6, s->daddr, p + 24) != 1)
		return -1;
	mark(l, base + 40);
	if (s->ip6_jumbo) { /* 8 bytes: the jumbo option, the header's only */
		if (off + 8 > cap)
			return -1;
		*nexthdr = 0;
		memset(p + off, 0, 8);
		p[off + 2] = 0xc2;
		p[off + 3] = 4;
		nexthdr = p + off;
		off += 8;
		mark(l, base + off);
	}
	for (i = 0; i < s->nr_ext; i++) {
		size_t len = s->ext[i] == 44 ? 8 : 8 * (1 + s->ext_len);

		if (off + len > cap)
			return -1;
		*nexthdr = s->ext[i];
		memset(p + off, 0, len);
		if (s->ext[i] == 44) {
			p[off + 3] = 1; /* offset 0, more fragments */
		} else {
			p[off + 1] = len / 8 - 1;
			if (len > 8) /* PadN option filling the rest */
				p[off + 2] = 1, p[off + 3] = len - 4;
		}
		nexthdr = p + off;
		off += len;
		mark(l, base + off);
	}
	*nexthdr = s->l4proto ? s->l4proto : IPPROTO_TCP;
	l->l4 = base + off;
	l4len = l4_build(s, p + off, cap - off);
	if (l4len < 0)
		return -1;
	put16(p + 4, s->ip_len_zero || s->ip6_jumbo ?
			     0 :
			     off - 40 + l4len + s->ip_len_delta);
	if (s->ip6_jumbo)
		put32(p + 44, off - 40 + l4len + s->ip_len_delta);
	return off + l4len;
}

int frame_build(const struct frame_spec *s, uint8_t *buf, size_t cap,
		struct frame_layout *layout)
{
	struct frame_layout l = { 0 };
	size_t off = 12;
	uint16_t type;
	int i, n = 0;

	if (cap < 14 + 4 * FRAME_MAX_VLANS)
		return -1;
	memcpy(buf, dst_mac, 6);
	memcpy(buf + 6, src_mac, 6);
	for (i = 0; i < s->nr_vlans && i < FRAME_MAX_VLANS; i++) {
		put16(buf + off, s->vlan_tpid[i] ? s->vlan_tpid[i] : 0x8100);
		put16(buf + off + 2, 100 + i); /* TCI: VLAN id */
		off += 4;
		mark(&l, off);
	}
	type = s->ethertype	 ? s->ethertype :
	       s->af == AF_INET6 ? 0x86dd :
				   0x0800;
	put16(buf + off, type);
	off += 2;
	mark(&l, off);
	l.l3 = off;
	if (s->af == AF_INET)
		n = ipv4_build(s, buf + off, cap - off, &l, off);
	else if (s->af == AF_INET6)
		n = ipv6_build(s, buf + off, cap - off, &l, off);
	else if (cap - off >= 46) /* a minimum-size non-IP payload */
		n = 46, memset(buf + off, 0xab, n);
	if (n < 0)
		return -1;
	if (s->af && l.l4) /* TCP's 20 header bytes, or UDP's 8 */
		mark(&l,
		     l.l4 + (s->l4proto && s->l4proto != IPPROTO_TCP ? 8 : 20));
	off += n;
	if ((size_t)s->pad > cap - off)
		return -1;
	memset(buf + off, 0, s->pad);
	off += s->pad;
	l.len = off;
	if (layout)
		*layout = l;
	return off;
}

void frame_hexdump(const char *prefix, const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			printf("%s%s%04zx:", i ? "\n" : "", prefix, i);
		printf(" %02x", buf[i]);
	}
	printf("\n");
}
