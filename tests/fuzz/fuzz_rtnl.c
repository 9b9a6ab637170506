// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer harness: the link parser (RTM_GETLINK replies, link events). */
#include "netlink/rtnl.h"
#include "tests/fuzz/fuzz.h"

static void fuzz_one(const struct nlmsghdr *nlh)
{
	struct rtnl_link link;

	rtnl_link_parse(nlh, &link);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_each_msg(data, size, fuzz_one);
	return 0;
}
