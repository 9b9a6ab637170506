// SPDX-License-Identifier: GPL-2.0-only
/*
 * netdev family parsers over fixture messages: dev-get (XDP features and
 * XDP RX metadata), queue-get (queue -> NAPI id), napi-get (NAPI -> IRQ),
 * with their required, optional, mistyped and truncated attributes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/fixtures/nl_fixtures.h"

#include "netlink/netdev.h"

static union nlf_buf buf;

static void test_dev(void **state)
{
	const uint64_t act = NETDEV_XDP_ACT_BASIC | NETDEV_XDP_ACT_REDIRECT |
			     NETDEV_XDP_ACT_NDO_XMIT;
	const uint64_t meta = NETDEV_XDP_RX_METADATA_TIMESTAMP |
			      NETDEV_XDP_RX_METADATA_HASH;
	struct netdev_dev dev;
	struct nlmsghdr *nlh;

	assert_int_equal(
		netdev_dev_parse(nlf_netdev_dev(&buf, 3, act, meta), &dev), 0);
	assert_int_equal(dev.ifindex, 3);
	assert_int_equal(dev.xdp_features, act);
	assert_int_equal(dev.xdp_rx_metadata_features, meta);

	/* Older kernels: no RX metadata attribute. */
	nlh = nlf_genl(&buf, NLF_NETDEV_FAMILY, NETDEV_CMD_DEV_GET);
	mnl_attr_put_u32(nlh, NETDEV_A_DEV_IFINDEX, 3);
	mnl_attr_put_u32(nlh, NETDEV_A_DEV_XDP_FEATURES, 1); /* a 4-byte uint */
	nlf_put_unknown(nlh);
	assert_int_equal(netdev_dev_parse(nlh, &dev), 0);
	assert_int_equal(dev.xdp_features, 1);
	assert_int_equal(dev.xdp_rx_metadata_features, 0);

	/* Missing ifindex; a feature set of the wrong width; truncated. */
	nlh = nlf_genl(&buf, NLF_NETDEV_FAMILY, NETDEV_CMD_DEV_GET);
	mnl_attr_put_u64(nlh, NETDEV_A_DEV_XDP_FEATURES, act);
	assert_int_equal(netdev_dev_parse(nlh, &dev), -EPROTO);
	nlh = nlf_netdev_dev(&buf, 3, act, meta);
	mnl_attr_put_u16(nlh, NETDEV_A_DEV_XDP_RX_METADATA_FEATURES, 1);
	assert_int_equal(netdev_dev_parse(nlh, &dev), -EPROTO);
	assert_int_equal(dev.xdp_features, 0);
	nlh = nlf_netdev_dev(&buf, 3, act, meta);
	nlf_truncate(nlh);
	assert_int_equal(netdev_dev_parse(nlh, &dev), -EPROTO);

	/* Another command's reply. */
	assert_int_equal(netdev_dev_parse(nlf_netdev_queue(&buf, 0, 3, 0, 0),
					  &dev),
			 -EPROTO);
}

static void test_queue(void **state)
{
	struct netdev_queue q;
	struct nlmsghdr *nlh;

	assert_int_equal(
		netdev_queue_parse(nlf_netdev_queue(&buf, 5, 3,
						    NETDEV_QUEUE_TYPE_RX, 8197),
				   &q),
		0);
	assert_int_equal(q.id, 5);
	assert_int_equal(q.ifindex, 3);
	assert_int_equal(q.type, NETDEV_QUEUE_TYPE_RX);
	assert_int_equal(q.napi_id, 8197);

	/* A queue without NAPI (veth without GRO or XDP). */
	assert_int_equal(
		netdev_queue_parse(nlf_netdev_queue(&buf, 1, 3,
						    NETDEV_QUEUE_TYPE_TX, 0),
				   &q),
		0);
	assert_int_equal(q.type, NETDEV_QUEUE_TYPE_TX);
	assert_int_equal(q.napi_id, 0);

	/* Required attributes missing. */
	nlh = nlf_genl(&buf, NLF_NETDEV_FAMILY, NETDEV_CMD_QUEUE_GET);
	mnl_attr_put_u32(nlh, NETDEV_A_QUEUE_ID, 1);
	mnl_attr_put_u32(nlh, NETDEV_A_QUEUE_IFINDEX, 3);
	assert_int_equal(netdev_queue_parse(nlh, &q), -EPROTO);
	assert_int_equal(q.id, 0);

	/* Mistyped NAPI id, and truncated. */
	nlh = nlf_netdev_queue(&buf, 5, 3, NETDEV_QUEUE_TYPE_RX, 8197);
	mnl_attr_put_u8(nlh, NETDEV_A_QUEUE_NAPI_ID, 1);
	assert_int_equal(netdev_queue_parse(nlh, &q), -EPROTO);
	nlh = nlf_netdev_queue(&buf, 5, 3, NETDEV_QUEUE_TYPE_RX, 8197);
	nlf_truncate(nlh);
	assert_int_equal(netdev_queue_parse(nlh, &q), -EPROTO);
}

static void test_napi(void **state)
{
	struct netdev_napi napi;
	struct nlmsghdr *nlh;

	assert_int_equal(netdev_napi_parse(nlf_netdev_napi(&buf, 8197, 3, 99),
					   &napi),
			 0);
	assert_int_equal(napi.id, 8197);
	assert_int_equal(napi.ifindex, 3);
	assert_int_equal(napi.irq, 99);

	/* A NAPI instance with no interrupt (software devices). */
	nlh = nlf_netdev_napi(&buf, 8198, 3, -1);
	nlf_put_unknown(nlh);
	assert_int_equal(netdev_napi_parse(nlh, &napi), 0);
	assert_int_equal(napi.irq, NETDEV_IRQ_NONE);

	/* No id; truncated. */
	nlh = nlf_genl(&buf, NLF_NETDEV_FAMILY, NETDEV_CMD_NAPI_GET);
	mnl_attr_put_u32(nlh, NETDEV_A_NAPI_IFINDEX, 3);
	assert_int_equal(netdev_napi_parse(nlh, &napi), -EPROTO);
	assert_int_equal(napi.irq, NETDEV_IRQ_NONE);
	nlh = nlf_netdev_napi(&buf, 8197, 3, -1);
	mnl_attr_put_u16(nlh, NETDEV_A_NAPI_IRQ, 7);
	assert_int_equal(netdev_napi_parse(nlh, &napi), -EPROTO);
	assert_int_equal(napi.irq, NETDEV_IRQ_NONE);
	nlh = nlf_netdev_napi(&buf, 8197, 3, 99);
	nlf_truncate(nlh);
	assert_int_equal(netdev_napi_parse(nlh, &napi), -EPROTO);
	assert_int_equal(napi.id, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dev),
		cmocka_unit_test(test_queue),
		cmocka_unit_test(test_napi),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
