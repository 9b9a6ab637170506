// SPDX-License-Identifier: GPL-2.0-only
/*
 * ethtool reply and notification parsers over fixture messages: channels of
 * mlx5, ixgbe and veth; RSS as mlx5/ice (52-byte key, 512 buckets) and
 * ixgbe (40-byte key, 128 buckets) report it; and every malformed form
 * (truncated, mistyped, missing, unknown, oversized) parsed or refused
 * cleanly, never half-read.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/fixtures/nl_fixtures.h"

#include "netlink/ethtool.h"
#include "netlink/ethtool_monitor.h"

static union nlf_buf buf;

static void assert_channels_zero(const struct ethtool_channel_counts *ch)
{
	static const struct ethtool_channel_counts zero;

	assert_memory_equal(ch, &zero, sizeof(zero));
}

static void test_channels_drivers(void **state)
{
	struct ethtool_channel_counts ch;

	assert_int_equal(ethtool_channels_parse(
				 nlf_channels(&buf, &nlf_channels_mlx5), &ch),
			 0);
	assert_int_equal(ch.combined_max, 63);
	assert_int_equal(ch.combined, 8);
	assert_int_equal(ch.rx_max + ch.tx_max + ch.other_max, 0);
	assert_int_equal(ethtool_channels_rx(&ch), 8);

	assert_int_equal(ethtool_channels_parse(
				 nlf_channels(&buf, &nlf_channels_ixgbe), &ch),
			 0);
	assert_int_equal(ch.other_max, 1);
	assert_int_equal(ch.other, 1);
	assert_int_equal(ch.combined, 16);
	/* The "other" channel (link interrupts) carries no RX queue. */
	assert_int_equal(ethtool_channels_rx(&ch), 16);

	assert_int_equal(ethtool_channels_parse(
				 nlf_channels(&buf, &nlf_channels_veth), &ch),
			 0);
	assert_int_equal(ch.rx_max, 4);
	assert_int_equal(ch.tx_max, 4);
	assert_int_equal(ch.rx, 2);
	assert_int_equal(ch.tx, 4);
	assert_int_equal(ethtool_channels_rx(&ch), 2);
}

static void test_channels_malformed(void **state)
{
	static const struct nlf_channels none;
	struct ethtool_channel_counts ch;
	struct nlmsghdr *nlh;

	/* No kind at all: a valid reply of a driver without channels. */
	assert_int_equal(ethtool_channels_parse(nlf_channels(&buf, &none), &ch),
			 0);
	assert_channels_zero(&ch);

	/* Unknown attributes are skipped. */
	nlh = nlf_channels(&buf, &nlf_channels_mlx5);
	nlf_put_unknown(nlh);
	assert_int_equal(ethtool_channels_parse(nlh, &ch), 0);
	assert_int_equal(ch.combined, 8);

	/* A count of the wrong width (the last of a type wins). */
	nlh = nlf_channels(&buf, &nlf_channels_mlx5);
	mnl_attr_put_u16(nlh, ETHTOOL_A_CHANNELS_COMBINED_COUNT, 8);
	assert_int_equal(ethtool_channels_parse(nlh, &ch), -EPROTO);
	assert_channels_zero(&ch);

	/* Cut inside the last attribute. */
	nlh = nlf_channels(&buf, &nlf_channels_ixgbe);
	nlf_truncate(nlh);
	assert_int_equal(ethtool_channels_parse(nlh, &ch), -EPROTO);
	assert_channels_zero(&ch);

	/* Another reply. */
	assert_int_equal(ethtool_channels_parse(nlf_rss_40_128(&buf), &ch),
			 -EPROTO);

	/* Shorter than its generic netlink header. */
	nlh = nlf_msg(&buf, NLF_ETHTOOL_FAMILY, 0);
	mnl_nlmsg_put_extra_header(nlh, 2);
	assert_int_equal(ethtool_channels_parse(nlh, &ch), -EPROTO);
}

static void test_rss_52_512(void **state)
{
	struct ethtool_rss rss;
	unsigned int i;

	assert_int_equal(ethtool_rss_parse(nlf_rss_52_512(&buf), &rss), 0);
	assert_int_equal(rss.hfunc, ETH_RSS_HASH_TOP);
	assert_int_equal(rss.key_len, 52);
	for (i = 0; i < 52; i++)
		assert_int_equal(rss.key[i], nlf_key52_byte(i));
	assert_int_equal(rss.indir_size, 512);
	for (i = 0; i < 512; i++)
		assert_int_equal(rss.indir[i], i % 8);
}

static void test_rss_40_128(void **state)
{
	struct ethtool_rss rss;
	unsigned int i;

	assert_int_equal(ethtool_rss_parse(nlf_rss_40_128(&buf), &rss), 0);
	assert_int_equal(rss.hfunc, ETH_RSS_HASH_TOP);
	assert_int_equal(rss.key_len, 40);
	assert_memory_equal(rss.key, nlf_key40, 40);
	assert_int_equal(rss.indir_size, 128);
	for (i = 0; i < 128; i++)
		assert_int_equal(rss.indir[i], i % 4);
}

static void test_rss_partial(void **state)
{
	struct ethtool_rss rss;

	/* virtio_net without its RSS feature: a hash function only. */
	assert_int_equal(ethtool_rss_parse(nlf_rss(&buf, ETH_RSS_HASH_TOP, NULL,
						   0, 0, 1),
					   &rss),
			 0);
	assert_int_equal(rss.hfunc, ETH_RSS_HASH_TOP);
	assert_int_equal(rss.key_len, 0);
	assert_int_equal(rss.indir_size, 0);

	/* Nothing but the header: all unknown. */
	assert_int_equal(
		ethtool_rss_parse(nlf_rss(&buf, 0, NULL, 0, 0, 1), &rss), 0);
	assert_int_equal(rss.hfunc, 0);

	/* The largest table steer takes. */
	assert_int_equal(ethtool_rss_parse(nlf_rss(&buf, ETH_RSS_HASH_XOR,
						   nlf_key40, 40,
						   STEER_INDIR_MAX, 16),
					   &rss),
			 0);
	assert_int_equal(rss.hfunc, ETH_RSS_HASH_XOR);
	assert_int_equal(rss.indir_size, STEER_INDIR_MAX);
	assert_int_equal(rss.indir[STEER_INDIR_MAX - 1],
			 (STEER_INDIR_MAX - 1) % 16);
}

static void assert_rss_zero(const struct ethtool_rss *rss)
{
	static const struct ethtool_rss zero;

	assert_memory_equal(rss, &zero, sizeof(zero));
}

static void test_rss_malformed(void **state)
{
	uint8_t key[STEER_RSS_KEY_MAX + 1] = { 0 };
	struct ethtool_rss rss;
	struct nlmsghdr *nlh;
	struct nlattr *indir;

	/* Larger than steer supports: refused, not cut. */
	assert_int_equal(ethtool_rss_parse(nlf_rss(&buf, ETH_RSS_HASH_TOP, key,
						   sizeof(key), 128, 4),
					   &rss),
			 -E2BIG);
	assert_rss_zero(&rss);
	assert_int_equal(ethtool_rss_parse(nlf_rss(&buf, ETH_RSS_HASH_TOP,
						   nlf_key40, 40,
						   STEER_INDIR_MAX + 1, 4),
					   &rss),
			 -E2BIG);
	assert_rss_zero(&rss);

	/* A table that is not whole u32 entries. */
	nlh = nlf_rss(&buf, ETH_RSS_HASH_TOP, NULL, 0, 0, 1);
	indir = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put(nlh, ETHTOOL_A_RSS_INDIR, 6, "\1\0\0\0\2\0");
	assert_int_equal(mnl_attr_get_type(indir), ETHTOOL_A_RSS_INDIR);
	assert_int_equal(ethtool_rss_parse(nlh, &rss), -EPROTO);
	assert_rss_zero(&rss);

	/* A hash function of the wrong width. */
	nlh = nlf_rss_40_128(&buf);
	mnl_attr_put_u8(nlh, ETHTOOL_A_RSS_HFUNC, 1);
	assert_int_equal(ethtool_rss_parse(nlh, &rss), -EPROTO);
	assert_rss_zero(&rss);

	/* Cut inside the key (the last attribute). */
	nlh = nlf_rss_52_512(&buf);
	nlf_truncate(nlh);
	assert_int_equal(ethtool_rss_parse(nlh, &rss), -EPROTO);
	assert_rss_zero(&rss);

	/* Unknown attributes are skipped. */
	nlh = nlf_rss_40_128(&buf);
	nlf_put_unknown(nlh);
	assert_int_equal(ethtool_rss_parse(nlh, &rss), 0);
	assert_int_equal(rss.key_len, 40);

	/* Another reply. */
	assert_int_equal(
		ethtool_rss_parse(nlf_channels(&buf, &nlf_channels_mlx5), &rss),
		-EPROTO);
}

static void test_event_parse(void **state)
{
	struct ethtool_event ev;
	struct nlmsghdr *nlh;

	nlh = nlf_ethtool_ntf(&buf, ETHTOOL_MSG_CHANNELS_NTF, 7, "eth3");
	assert_int_equal(ethtool_event_parse(nlh, NLF_ETHTOOL_FAMILY, &ev), 0);
	assert_int_equal(ev.what, ETHTOOL_CHANGE_CHANNELS);
	assert_int_equal(ev.cmd, ETHTOOL_MSG_CHANNELS_NTF);
	assert_int_equal(ev.ifindex, 7);
	assert_string_equal(ev.ifname, "eth3");

	nlh = nlf_ethtool_ntf(&buf, ETHTOOL_MSG_RSS_NTF, 7, NULL);
	assert_int_equal(ethtool_event_parse(nlh, NLF_ETHTOOL_FAMILY, &ev), 0);
	assert_int_equal(ev.what, ETHTOOL_CHANGE_RSS);
	assert_string_equal(ev.ifname, "");

	nlh = nlf_ethtool_ntf(&buf, ETHTOOL_MSG_RSS_DELETE_NTF, 7, "eth3");
	assert_int_equal(ethtool_event_parse(nlh, NLF_ETHTOOL_FAMILY, &ev), 0);
	assert_int_equal(ev.what, ETHTOOL_CHANGE_RSS);

	nlh = nlf_ethtool_ntf(&buf, ETHTOOL_MSG_RINGS_NTF, 7, "eth3");
	nlf_put_unknown(nlh);
	assert_int_equal(ethtool_event_parse(nlh, NLF_ETHTOOL_FAMILY, &ev), 0);
	assert_int_equal(ev.what, ETHTOOL_CHANGE_OTHER);
	assert_int_equal(ev.cmd, ETHTOOL_MSG_RINGS_NTF);

	/* Another family's message, and headers without an ifindex. */
	nlh = nlf_ethtool_ntf(&buf, ETHTOOL_MSG_CHANNELS_NTF, 7, "eth3");
	assert_int_equal(ethtool_event_parse(nlh, NLF_NETDEV_FAMILY, &ev),
			 -EPROTO);
	assert_int_equal(ev.ifindex, 0);
	nlh = nlf_ethtool_ntf(&buf, ETHTOOL_MSG_CHANNELS_NTF, 0, "eth3");
	assert_int_equal(ethtool_event_parse(nlh, NLF_ETHTOOL_FAMILY, &ev),
			 -EPROTO);
	nlh = nlf_genl(&buf, NLF_ETHTOOL_FAMILY, ETHTOOL_MSG_CHANNELS_NTF);
	assert_int_equal(ethtool_event_parse(nlh, NLF_ETHTOOL_FAMILY, &ev),
			 -EPROTO);

	/* A name that is not NUL-terminated inside its attribute. */
	nlh = nlf_genl(&buf, NLF_ETHTOOL_FAMILY, ETHTOOL_MSG_CHANNELS_NTF);
	{
		struct nlattr *nest = mnl_attr_nest_start(nlh, 1);

		mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_DEV_INDEX, 7);
		mnl_attr_put(nlh, ETHTOOL_A_HEADER_DEV_NAME, 4, "eth3");
		mnl_attr_nest_end(nlh, nest);
	}
	assert_int_equal(ethtool_event_parse(nlh, NLF_ETHTOOL_FAMILY, &ev),
			 -EPROTO);

	/* Cut inside the header nest. */
	nlh = nlf_genl(&buf, NLF_ETHTOOL_FAMILY, ETHTOOL_MSG_CHANNELS_NTF);
	nlf_ethtool_header(nlh, 7, "eth3");
	nlf_truncate(nlh);
	assert_int_equal(ethtool_event_parse(nlh, NLF_ETHTOOL_FAMILY, &ev),
			 -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_channels_drivers),
		cmocka_unit_test(test_channels_malformed),
		cmocka_unit_test(test_rss_52_512),
		cmocka_unit_test(test_rss_40_128),
		cmocka_unit_test(test_rss_partial),
		cmocka_unit_test(test_rss_malformed),
		cmocka_unit_test(test_event_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
