// SPDX-License-Identifier: GPL-2.0-only
/*
 * The socket layer's pure parts: ACKs and extended-ACK errors taken apart
 * (capped, uncapped with the echoed request, without text, malformed), the
 * attribute table (truncation and trailing bytes refused, unknown types
 * skipped), and the typed attribute readers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/fixtures/nl_fixtures.h"

#include "netlink/nlsock.h"

#define ERRMSG_SIZE 64

static union nlf_buf buf;

static void test_ack_extack(void **state)
{
	static const char text[] = "no device matches name";
	char msg[ERRMSG_SIZE];
	int error = 1;

	/* Capped (steer's sockets ask for it) and uncapped alike. */
	assert_int_equal(nlsock_ack_parse(nlf_ack(&buf, -ENODEV, text, true),
					  &error, msg, sizeof(msg)),
			 0);
	assert_int_equal(error, -ENODEV);
	assert_string_equal(msg, text);

	error = 1;
	assert_int_equal(nlsock_ack_parse(nlf_ack(&buf, -ENODEV, text, false),
					  &error, msg, sizeof(msg)),
			 0);
	assert_int_equal(error, -ENODEV);
	assert_string_equal(msg, text);

	/* A plain ACK, and an error without text. */
	assert_int_equal(nlsock_ack_parse(nlf_ack(&buf, 0, NULL, true), &error,
					  msg, sizeof(msg)),
			 0);
	assert_int_equal(error, 0);
	assert_string_equal(msg, "");
	assert_int_equal(
		nlsock_ack_parse(nlf_ack(&buf, -EOPNOTSUPP, NULL, false),
				 &error, msg, sizeof(msg)),
		0);
	assert_int_equal(error, -EOPNOTSUPP);
	assert_string_equal(msg, "");

	/* Text longer than the caller's buffer is cut, still terminated. */
	assert_int_equal(nlsock_ack_parse(nlf_ack(&buf, -EINVAL, text, true),
					  &error, msg, 5),
			 0);
	assert_string_equal(msg, "no d");
}

static void test_ack_malformed(void **state)
{
	char msg[ERRMSG_SIZE];
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	int error = 7;

	/* Shorter than struct nlmsgerr. */
	nlh = nlf_msg(&buf, NLMSG_ERROR, NLM_F_CAPPED);
	mnl_nlmsg_put_extra_header(nlh, 8);
	assert_int_equal(nlsock_ack_parse(nlh, &error, msg, sizeof(msg)),
			 -EPROTO);
	assert_int_equal(error, 7);

	/* An echoed request longer than the message holds. */
	nlh = nlf_ack(&buf, -ENODEV, "x", false);
	e = mnl_nlmsg_get_payload(nlh);
	e->msg.nlmsg_len = 4096;
	assert_int_equal(nlsock_ack_parse(nlh, &error, msg, sizeof(msg)),
			 -EPROTO);
	e->msg.nlmsg_len = 3; /* shorter than a header */
	assert_int_equal(nlsock_ack_parse(nlh, &error, msg, sizeof(msg)),
			 -EPROTO);

	/* A positive error is no errno the kernel sends. */
	nlh = nlf_ack(&buf, ENODEV, NULL, true);
	assert_int_equal(nlsock_ack_parse(nlh, &error, msg, sizeof(msg)),
			 -EPROTO);

	/* Not an NLMSG_ERROR. */
	nlh = nlf_ack(&buf, -ENODEV, NULL, true);
	nlh->nlmsg_type = NLMSG_DONE;
	assert_int_equal(nlsock_ack_parse(nlh, &error, msg, sizeof(msg)),
			 -EPROTO);

	/* Text cut short: the error stands, the text is dropped. */
	nlh = nlf_ack(&buf, -ENODEV, NULL, true);
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	mnl_attr_put(nlh, NLMSGERR_ATTR_MSG, 4, "abcd");
	assert_int_equal(nlsock_ack_parse(nlh, &error, msg, sizeof(msg)), 0);
	assert_int_equal(error, -ENODEV);
	assert_string_equal(msg, "");
	nlh = nlf_ack(&buf, -ENODEV, "some text", true);
	nlf_truncate(nlh);
	assert_int_equal(nlsock_ack_parse(nlh, &error, msg, sizeof(msg)), 0);
	assert_int_equal(error, -ENODEV);
	assert_string_equal(msg, "");
}

static void test_parse_table(void **state)
{
	const struct nlattr *tb[4];
	struct nlmsghdr *nlh;
	uint32_t v;

	nlh = nlf_genl(&buf, NLF_ETHTOOL_FAMILY, 1);
	mnl_attr_put_u32(nlh, 1, 11);
	nlf_put_unknown(nlh);
	mnl_attr_put_u32(nlh, 3, 33);
	mnl_attr_put_u32(nlh, 3, 34); /* a repeated type keeps the last */
	assert_int_equal(nlsock_genl_parse(nlh, 1, tb, 3), 0);
	assert_non_null(tb[1]);
	assert_null(tb[2]);
	assert_int_equal(nlsock_attr_u32(tb[3], &v), 0);
	assert_int_equal(v, 34);

	/* Another command. */
	assert_int_equal(nlsock_genl_parse(nlh, 2, tb, 3), -EPROTO);
	assert_null(tb[1]);

	/* Two stray bytes after the last attribute. */
	nlh->nlmsg_len += 2;
	assert_int_equal(nlsock_genl_parse(nlh, 1, tb, 3), -EPROTO);
	assert_null(tb[1]);
	nlh->nlmsg_len -= 2;

	/* Cut inside the last attribute. */
	nlf_truncate(nlh);
	assert_int_equal(nlsock_genl_parse(nlh, 1, tb, 3), -EPROTO);

	/* An attribute claiming less than its own header. */
	nlh = nlf_genl(&buf, NLF_ETHTOOL_FAMILY, 1);
	mnl_attr_put_u32(nlh, 1, 11);
	((struct nlattr *)((char *)mnl_nlmsg_get_payload(nlh) +
			   sizeof(struct genlmsghdr)))
		->nla_len = 2;
	assert_int_equal(nlsock_genl_parse(nlh, 1, tb, 3), -EPROTO);

	/* No attributes at all. */
	nlh = nlf_genl(&buf, NLF_ETHTOOL_FAMILY, 1);
	assert_int_equal(nlsock_genl_parse(nlh, 1, tb, 3), 0);
	assert_null(tb[1]);
}

static void test_attr_readers(void **state)
{
	struct nlmsghdr *nlh = nlf_genl(&buf, NLF_ETHTOOL_FAMILY, 1);
	const struct nlattr *tb[8];
	char name[8];
	uint64_t u;
	uint32_t v;
	uint8_t b;

	mnl_attr_put_u32(nlh, 1, 0xdeadbeef);
	mnl_attr_put_u64(nlh, 2, 0x123456789ULL);
	mnl_attr_put_u16(nlh, 3, 7);
	mnl_attr_put_u8(nlh, 4, 9);
	mnl_attr_put_strz(nlh, 5, "eth0");
	mnl_attr_put_strz(nlh, 6, "a-long-name");
	mnl_attr_put(nlh, 7, 3, "abc");
	assert_int_equal(nlsock_genl_parse(nlh, 1, tb, 7), 0);

	assert_int_equal(nlsock_attr_uint(tb[1], &u), 0);
	assert_int_equal(u, 0xdeadbeef);
	assert_int_equal(nlsock_attr_uint(tb[2], &u), 0);
	assert_int_equal(u, 0x123456789ULL);
	assert_int_equal(nlsock_attr_uint(tb[3], &u), -EPROTO);
	assert_int_equal(nlsock_attr_u32(tb[2], &v), -EPROTO);
	assert_int_equal(nlsock_attr_u32(tb[3], &v), -EPROTO);
	assert_int_equal(nlsock_attr_u8(tb[4], &b), 0);
	assert_int_equal(b, 9);
	assert_int_equal(nlsock_attr_u8(tb[1], &b), -EPROTO);
	assert_int_equal(nlsock_attr_str(tb[5], name, sizeof(name)), 0);
	assert_string_equal(name, "eth0");
	assert_int_equal(nlsock_attr_str(tb[6], name, sizeof(name)), -EPROTO);
	assert_int_equal(nlsock_attr_str(tb[7], name, sizeof(name)), -EPROTO);
}

static void test_msg_ok(void **state)
{
	struct nlmsghdr *nlh = nlf_ack(&buf, 0, NULL, true);
	int len = nlh->nlmsg_len;

	assert_true(nlsock_msg_ok(nlh, len));
	assert_false(nlsock_msg_ok(nlh, len - 1));
	assert_false(nlsock_msg_ok(nlh, sizeof(*nlh) - 1));
	nlh->nlmsg_len = sizeof(*nlh) - 1;
	assert_false(nlsock_msg_ok(nlh, len));
	/* Negative as an int: libmnl's mnl_nlmsg_ok lets it through. */
	nlh->nlmsg_len = 0xffffffff;
	assert_false(nlsock_msg_ok(nlh, len));
	nlh->nlmsg_len = 0x80000000;
	assert_false(nlsock_msg_ok(nlh, len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ack_extack),
		cmocka_unit_test(test_ack_malformed),
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_attr_readers),
		cmocka_unit_test(test_msg_ok),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
