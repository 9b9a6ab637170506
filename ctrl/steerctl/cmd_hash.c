// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerctl hash: the Toeplitz RSS hash of a flow, as a NIC with the given
 * key computes it, to check a NIC's or the XDP program's queue choice.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "client.h"
#include "lib/proto_msg.h"
#include "output.h"
#include "lib/parse.h"
#include "lib/rss_table.h"
#include "steerctl.h"
#include "lib/toeplitz.h"

#define HASH_ADDRS 2 /* SRC DST */
#define HASH_ADDRS_PORTS 4 /* SRC DST SPORT DPORT */
#define HASH_HINT "see 'steerctl hash help'"
#define KEY_EQ "--key="
#define IFACE_EQ "--iface="

static int hash_usage(void)
{
	printf("Usage: steerctl hash [--key HEX] SRC DST SPORT DPORT\n"
	       "       steerctl hash [--key HEX] --l3 SRC DST\n"
	       "       steerctl hash --iface IFNAME SRC DST SPORT DPORT\n"
	       "\n"
	       "Prints the Toeplitz RSS hash of a flow as a NIC computes it, "
	       "as 0x%%08x.\n"
	       "The input is the source address, destination address, source "
	       "port and\n"
	       "destination port, in network byte order. SRC and DST are both "
	       "IPv4 or\n"
	       "both IPv6; ports are decimal, 0-65535.\n"
	       "\n"
	       "  --key HEX  the RSS key, 40 or 52 bytes, as 6d5a56da... or "
	       "6d:5a:56:da:...\n"
	       "             (ethtool -x shows a NIC's); default: Microsoft's "
	       "default key\n"
	       "  --l3       hash the addresses only (no ports)\n"
	       "  --iface IFNAME\n"
	       "             ask steerd: the hash with that NIC's key, its "
	       "bucket in the NIC's\n"
	       "             table, the queue and its CPU, and the CPU steer "
	       "hands the flow to:\n"
	       "             0x%%08x bucket B queue Q cpu C steer_cpu S\n"
	       "\n"
	       "JSON (-j): {\"hash\": \"0x%%08x\"}; with --iface also "
	       "bucket, queue, cpu, steer_cpu\n");
	return 0;
}

static int hash_parse_key(const char *arg, uint8_t *key, size_t *key_len)
{
	struct parse_err perr;

	if (parse_rss_key(arg, key, key_len, &perr))
		return cli_usage_error("--key: %s", perr.msg);
	return 0;
}

/* --iface: steerd hashes with the NIC's key and table. */
static int hash_iface(const char *ifname, const char *const *pos)
{
	struct proto_flow fl = { .src = pos[0], .dst = pos[1] };
	struct proto_iface *ifc = NULL;
	struct proto_read rd;
	uint16_t sport, dport;
	struct parse_err perr;
	json_t *reply, *flow;
	size_t n = 0;
	int ret;

	if (parse_port(pos[2], &sport, &perr))
		return cli_usage_error("source port: %s", perr.msg);
	if (parse_port(pos[3], &dport, &perr))
		return cli_usage_error("destination port: %s", perr.msg);
	fl.sport = sport;
	fl.dport = dport;
	ret = client_request(proto_pack_iface_flow_req(ifname, &fl), &reply);
	if (ret)
		return ret;
	proto_read_init(&rd);
	if (proto_unpack_list(&rd, reply, "ifaces", sizeof(*ifc),
			      proto_unpack_iface, (void **)&ifc, &n) ||
	    n != 1 || !ifc->flow) {
		ret = client_bad_reply("iface_show", &rd);
		goto out;
	}
	flow = ifc->flow;
	if (!json_object_size(flow)) {
		print_err("%s: steer knows no Toeplitz key and table for this "
			  "NIC (hfunc %s)",
			  ifname, ifc->hfunc ? ifc->hfunc : "unknown");
		ret = -EOPNOTSUPP;
		goto out;
	}
	print_hex_u32(
		PRINT_ANY, "hash", "0x%08x",
		(uint32_t)json_integer_value(json_object_get(flow, "hash")));
	print_uint(PRINT_ANY, "bucket", " bucket %u",
		   json_integer_value(json_object_get(flow, "bucket")));
	print_uint(PRINT_ANY, "queue", " queue %u",
		   json_integer_value(json_object_get(flow, "queue")));
	print_uint(PRINT_ANY, "cpu", " cpu %u",
		   json_integer_value(json_object_get(flow, "cpu")));
	print_uint(PRINT_ANY, "steer_cpu", " steer_cpu %u\n",
		   json_integer_value(json_object_get(flow, "steer_cpu")));
out:
	free(ifc);
	json_decref(reply);
	return ret;
}

int do_hash(int argc, char **argv)
{
	uint8_t key[STEER_RSS_KEY_MAX], in[STEER_TOEPLITZ_INPUT_MAX];
	const char *pos[HASH_ADDRS_PORTS], *key_arg = NULL, *iface = NULL;
	struct steer_addr src, dst;
	size_t key_len, len;
	uint16_t sport = 0, dport = 0;
	struct parse_err perr;
	bool l3 = false, opts_done = false;
	int npos = 0, want, ret;

	if (argc && cli_is_help(*argv))
		return hash_usage();

	/* Options may come anywhere before "--"; the rest are positional. */
	for (; argc; NEXT_ARG()) {
		if (opts_done || !cli_is_option(*argv)) {
			if (npos < HASH_ADDRS_PORTS)
				pos[npos] = *argv;
			npos++;
		} else if (!strcmp(*argv, "--")) {
			opts_done = true;
		} else if (!strcmp(*argv, "--key") ||
			   !strncmp(*argv, KEY_EQ, strlen(KEY_EQ))) {
			if (key_arg)
				return cli_usage_error("--key given twice");
			if ((*argv)[strlen("--key")] == '=')
				key_arg = *argv + strlen(KEY_EQ);
			else
				key_arg = NEXT_ARG_VALUE();
			if (!key_arg)
				return cli_usage_error(
					"--key needs a value: --key HEX (40 or "
					"52 bytes, e.g. 6d:5a:56:da:...)");
		} else if (!strcmp(*argv, "--iface") ||
			   !strncmp(*argv, IFACE_EQ, strlen(IFACE_EQ))) {
			if (iface)
				return cli_usage_error("--iface given twice");
			if ((*argv)[strlen("--iface")] == '=')
				iface = *argv + strlen(IFACE_EQ);
			else
				iface = NEXT_ARG_VALUE();
			if (!iface)
				return cli_usage_error(
					"--iface needs a value: --iface IFNAME");
		} else if (!strcmp(*argv, "--l3")) {
			l3 = true;
		} else if (!strcmp(*argv, "--help") || !strcmp(*argv, "-h")) {
			return hash_usage();
		} else {
			return cli_unknown_option("hash", *argv);
		}
	}

	want = l3 ? HASH_ADDRS : HASH_ADDRS_PORTS;
	if (l3 && npos == HASH_ADDRS_PORTS)
		return cli_usage_error("--l3 hashes addresses only: give SRC "
				       "DST without ports, or drop --l3");
	if (npos != want)
		return cli_usage_error(
			"expected %s, got %d argument%s; %s",
			l3 ? "SRC DST" :
			     "SRC DST SPORT DPORT (or --l3 SRC DST)",
			npos, npos == 1 ? "" : "s", HASH_HINT);

	if (iface && (l3 || key_arg))
		return cli_usage_error("--iface hashes with the NIC's own key "
				       "and the 4-tuple: drop --%s",
				       l3 ? "l3" : "key");
	if (iface) {
		if (cli_check_ifname(iface, &perr))
			return cli_usage_error("--iface: %s", perr.msg);
		if (parse_addr(pos[0], &src, &perr))
			return cli_usage_error("source address: %s", perr.msg);
		if (parse_addr(pos[1], &dst, &perr))
			return cli_usage_error("destination address: %s",
					       perr.msg);
		if (src.af != dst.af)
			return cli_usage_error("give two addresses of the "
					       "same family");
		return hash_iface(iface, pos);
	}
	if (key_arg) {
		ret = hash_parse_key(key_arg, key, &key_len);
		if (ret)
			return ret;
	} else {
		key_len = sizeof(toeplitz_default_key);
		memcpy(key, toeplitz_default_key, key_len);
	}

	if (parse_addr(pos[0], &src, &perr))
		return cli_usage_error("source address: %s", perr.msg);
	if (parse_addr(pos[1], &dst, &perr))
		return cli_usage_error("destination address: %s", perr.msg);
	if (src.af != dst.af)
		return cli_usage_error("source %s is IPv%d but destination %s "
				       "is IPv%d; give two addresses of the "
				       "same family",
				       pos[0], src.af == AF_INET ? 4 : 6,
				       pos[1], dst.af == AF_INET ? 4 : 6);
	if (!l3) {
		if (parse_port(pos[2], &sport, &perr))
			return cli_usage_error("source port: %s", perr.msg);
		if (parse_port(pos[3], &dport, &perr))
			return cli_usage_error("destination port: %s",
					       perr.msg);
	}

	len = toeplitz_input(in, src.af, src.bytes, dst.bytes, htons(sport),
			     htons(dport), !l3);
	print_hex_u32(PRINT_ANY, "hash", "0x%08x\n",
		      toeplitz_hash(key, key_len, in, len));
	return 0;
}
