// SPDX-License-Identifier: GPL-2.0-only
/*
 * The link parser (RTM_GETLINK replies and RTNLGRP_LINK events) over
 * fixture messages: new and removed links, up/running flags, XDP in one
 * mode and in several, and malformed messages refused whole.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/fixtures/nl_fixtures.h"

#include "netlink/rtnl.h"

/* IFF_UP and IFF_RUNNING, which <net/if.h> and <linux/if.h> both claim. */
#define NLF_IFF_UP 0x1
#define NLF_IFF_RUNNING 0x40

static union nlf_buf buf;

static void test_link_new(void **state)
{
	struct rtnl_link link;

	assert_int_equal(rtnl_link_parse(nlf_link(&buf, RTM_NEWLINK, 4,
						  NLF_IFF_UP | NLF_IFF_RUNNING,
						  "eth1", 8, XDP_ATTACHED_DRV,
						  42, 0),
					 &link),
			 0);
	assert_int_equal(link.kind, RTNL_LINK_NEW);
	assert_int_equal(link.ifindex, 4);
	assert_string_equal(link.name, "eth1");
	assert_true(link.up);
	assert_true(link.running);
	assert_int_equal(link.num_rx_queues, 8);
	assert_int_equal(link.xdp_prog_id, 42);
	assert_int_equal(link.xdp_attach_mode, XDP_ATTACHED_DRV);

	/* Down, no XDP, no queue count. */
	assert_int_equal(rtnl_link_parse(nlf_link(&buf, RTM_NEWLINK, 4, 0,
						  "eth1", 0, XDP_ATTACHED_NONE,
						  0, 0),
					 &link),
			 0);
	assert_false(link.up);
	assert_false(link.running);
	assert_int_equal(link.xdp_prog_id, 0);
	assert_int_equal(link.xdp_attach_mode, XDP_ATTACHED_NONE);

	/* Several modes: the driver-mode program is the one reported. */
	assert_int_equal(rtnl_link_parse(nlf_link(&buf, RTM_NEWLINK, 4,
						  NLF_IFF_UP, "eth1", 8,
						  XDP_ATTACHED_MULTI, 9, 7),
					 &link),
			 0);
	assert_int_equal(link.xdp_attach_mode, XDP_ATTACHED_MULTI);
	assert_int_equal(link.xdp_prog_id, 9);
}

static void test_link_del(void **state)
{
	struct rtnl_link link;
	struct nlmsghdr *nlh;

	nlh = nlf_link(&buf, RTM_DELLINK, 4, 0, "eth1", 0, XDP_ATTACHED_NONE, 0,
		       0);
	nlf_put_unknown(nlh);
	assert_int_equal(rtnl_link_parse(nlh, &link), 0);
	assert_int_equal(link.kind, RTNL_LINK_DEL);
	assert_int_equal(link.ifindex, 4);
	assert_string_equal(link.name, "eth1");
}

static void assert_link_zero(const struct rtnl_link *link)
{
	static const struct rtnl_link zero;

	assert_memory_equal(link, &zero, sizeof(zero));
}

static void test_link_malformed(void **state)
{
	struct rtnl_link link;
	struct nlmsghdr *nlh;

	/* Another message type. */
	nlh = nlf_link(&buf, RTM_NEWADDR, 4, 0, "eth1", 0, XDP_ATTACHED_NONE, 0,
		       0);
	assert_int_equal(rtnl_link_parse(nlh, &link), -EPROTO);

	/* Shorter than struct ifinfomsg. */
	nlh = nlf_msg(&buf, RTM_NEWLINK, 0);
	mnl_nlmsg_put_extra_header(nlh, 8);
	assert_int_equal(rtnl_link_parse(nlh, &link), -EPROTO);
	assert_link_zero(&link);

	/* A name too long for IFNAMSIZ, or not terminated. */
	nlh = nlf_link(&buf, RTM_NEWLINK, 4, 0, "a-name-longer-than-16", 0,
		       XDP_ATTACHED_NONE, 0, 0);
	assert_int_equal(rtnl_link_parse(nlh, &link), -EPROTO);
	assert_link_zero(&link);
	nlh = nlf_link(&buf, RTM_NEWLINK, 4, 0, NULL, 0, XDP_ATTACHED_NONE, 0,
		       0);
	mnl_attr_put(nlh, IFLA_IFNAME, 4, "eth1");
	assert_int_equal(rtnl_link_parse(nlh, &link), -EPROTO);

	/* A mistyped XDP mode inside the nest. */
	nlh = nlf_link(&buf, RTM_NEWLINK, 4, 0, "eth1", 0, XDP_ATTACHED_NONE, 0,
		       0);
	{
		struct nlattr *nest = mnl_attr_nest_start(nlh, IFLA_XDP);

		mnl_attr_put_u32(nlh, IFLA_XDP_ATTACHED, XDP_ATTACHED_DRV);
		mnl_attr_nest_end(nlh, nest);
	}
	assert_int_equal(rtnl_link_parse(nlh, &link), -EPROTO);
	assert_link_zero(&link);

	/* Cut inside the XDP nest. */
	nlh = nlf_link(&buf, RTM_NEWLINK, 4, 0, "eth1", 8, XDP_ATTACHED_SKB, 3,
		       0);
	nlf_truncate(nlh);
	assert_int_equal(rtnl_link_parse(nlh, &link), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_new),
		cmocka_unit_test(test_link_del),
		cmocka_unit_test(test_link_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
