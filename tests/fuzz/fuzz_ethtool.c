// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer harness: the ethtool reply and notification parsers. */
#include "netlink/ethtool.h"
#include "netlink/ethtool_monitor.h"
#include "tests/fixtures/nl_fixtures.h"
#include "tests/fuzz/fuzz.h"

static void fuzz_one(const struct nlmsghdr *nlh)
{
	struct ethtool_channel_counts ch;
	struct ethtool_event ev;
	static struct ethtool_rss rss;

	ethtool_channels_parse(nlh, &ch);
	ethtool_rss_parse(nlh, &rss);
	ethtool_event_parse(nlh, NLF_ETHTOOL_FAMILY, &ev);
	/* Past the family check, whatever the message's type. */
	ethtool_event_parse(nlh, nlh->nlmsg_type, &ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_each_msg(data, size, fuzz_one);
	return 0;
}
