/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every libFuzzer harness of tests/fuzz/ shares: the input copied to a
 * heap block of exactly its size (aligned, so the parsers read headers as
 * the kernel's messages are read; exact, so ASan sees any read past the
 * end), then each netlink message in it handed to the harness, as
 * nlsock's receive loop would.
 */
#ifndef STEER_FUZZ_H
#define STEER_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "netlink/nlsock.h"

static inline void fuzz_each_msg(const uint8_t *data, size_t size,
				 void (*fn)(const struct nlmsghdr *nlh))
{
	const struct nlmsghdr *nlh;
	void *copy;
	int len = (int)size;

	if (size > 1 << 20)
		return;
	copy = malloc(size ?: 1);
	if (!copy)
		return;
	memcpy(copy, data, size);
	for (nlh = copy; nlsock_msg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len))
		fn(nlh);
	free(copy);
}

#endif /* STEER_FUZZ_H */
