// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer harness: the netdev dev-get, queue-get and napi-get parsers. */
#include "netlink/netdev.h"
#include "tests/fuzz/fuzz.h"

static void fuzz_one(const struct nlmsghdr *nlh)
{
	struct netdev_dev dev;
	struct netdev_queue q;
	struct netdev_napi napi;

	netdev_dev_parse(nlh, &dev);
	netdev_queue_parse(nlh, &q);
	netdev_napi_parse(nlh, &napi);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_each_msg(data, size, fuzz_one);
	return 0;
}
