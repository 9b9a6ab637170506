// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: the socket layer's ACK and extended-ACK parser, the
 * attribute table (flat and nested) and the typed attribute readers.
 */
#include <linux/genetlink.h>

#include "netlink/nlsock.h"
#include "tests/fuzz/fuzz.h"

#define FUZZ_ATTR_MAX 8

static void fuzz_attrs(const struct nlattr **tb)
{
	const struct nlattr *nested[FUZZ_ATTR_MAX + 1];
	char str[16];
	uint64_t u64;
	uint32_t u32;
	uint8_t u8;
	int i;

	for (i = 0; i <= FUZZ_ATTR_MAX; i++) {
		if (!tb[i])
			continue;
		nlsock_attr_u8(tb[i], &u8);
		nlsock_attr_u32(tb[i], &u32);
		nlsock_attr_uint(tb[i], &u64);
		nlsock_attr_str(tb[i], str, sizeof(str));
		nlsock_parse_nested(tb[i], nested, FUZZ_ATTR_MAX);
	}
}

static void fuzz_one(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[FUZZ_ATTR_MAX + 1];
	char msg[64];
	int error;

	nlsock_ack_parse(nlh, &error, msg, sizeof(msg));
	if (!nlsock_parse(nlh, 0, tb, FUZZ_ATTR_MAX))
		fuzz_attrs(tb);
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(*genl) &&
	    !nlsock_genl_parse(nlh, genl->cmd, tb, FUZZ_ATTR_MAX))
		fuzz_attrs(tb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_each_msg(data, size, fuzz_one);
	return 0;
}
