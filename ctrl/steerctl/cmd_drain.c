// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerctl drain: take a listener (or a process's listeners) out of selection so that it can close
 * without losing a connection, and optionally wait until its accept queue
 * is empty.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "cli_args.h"
#include "client.h"
#include "output.h"
#include "lib/parse.h"
#include "steer_abi.h"
#include "steerctl.h"

#define DRAIN_SYNOPSIS \
	"steerctl drain NAME --slot N|--pid PID [--wait] [--timeout SECONDS]"
/* A drain that needs more than a day is a mistake, not a wait. */
#define DRAIN_TIMEOUT_MAX_MS (24U * 60 * 60 * 1000)
#define DRAIN_TIMEOUT_DEFAULT_S 30 /* steerd's, in docs/protocol.md */

static int drain_usage(void)
{
	printf("Usage: " DRAIN_SYNOPSIS "\n"
	       "\n"
	       "Drains a listener of group NAME: its slot is taken out of "
	       "selection (new\n"
	       "connections go to the standby listener, or to another slot), "
	       "and once its\n"
	       "accept queue is empty its process is told it may close.\n"
	       "\n"
	       "  --slot N           the listener in slot N (a CPU, or an RX "
	       "queue for xsk)\n"
	       "  --pid PID          every active listener of process PID "
	       "in the group\n"
	       "  --wait             return when the accept queue is empty, "
	       "printing how\n"
	       "                     long it took and how many connections "
	       "drained\n"
	       "  --timeout SECONDS  how long steerd waits for the queue to "
	       "empty (default\n"
	       "                     %d, e.g. 2 or 0.5); with --wait, a "
	       "timeout is an error\n"
	       "\n"
	       "JSON (-j): {\"slot\": 3, \"state\": \"draining\"}, with "
	       "--wait\n"
	       "           {\"slot\": 3, \"drained_ms\": 1234, \"drained\": "
	       "12}\n",
	       DRAIN_TIMEOUT_DEFAULT_S);
	return 0;
}

static int print_drain(const char *group, const json_t *reply, bool wait)
{
	struct proto_drain_reply r;
	struct proto_read rd;

	proto_read_init(&rd);
	if (proto_unpack_drain_reply(&rd, reply, wait, &r))
		return client_bad_reply("drain", &rd);

	print_string(PRINT_FP, NULL, "%s", group);
	print_uint(PRINT_ANY, "slot", " slot %u:", r.slot);
	if (wait) {
		print_uint(PRINT_ANY, "drained", " drained %u connection",
			   r.drained);
		print_string(PRINT_FP, NULL, "%s", r.drained == 1 ? "" : "s");
		print_uint(PRINT_ANY, "drained_ms", " in %u ms", r.drained_ms);
	} else {
		print_string(PRINT_ANY, "state", " %s", r.state);
	}
	/* --pid drains every listener of the process: say how many. */
	if (r.listeners > 1)
		print_uint(PRINT_ANY, "listeners", " (%u listeners)",
			   r.listeners);
	print_nl();
	return 0;
}

int do_drain(int argc, char **argv)
{
	const char *slot_arg = NULL, *pid_arg = NULL, *timeout_arg = NULL;
	const char *pos[1] = { NULL };
	bool wait = false;
	const struct cli_opt opts[] = {
		CLI_OPT_VALUE("--slot", "N", &slot_arg),
		CLI_OPT_VALUE("--pid", "PID", &pid_arg),
		CLI_OPT_FLAG("--wait", &wait),
		CLI_OPT_VALUE("--timeout", "SECONDS", &timeout_arg),
		CLI_OPT_END,
	};
	uint32_t slot = 0, pid = 0, timeout_ms = 0;
	struct proto_drain_req req = { .wait_given = true };
	struct parse_err perr;
	json_t *reply;
	int ret;

	ret = cli_parse_args("drain", argc, argv, opts, pos, 1, 1, "NAME");
	if (ret)
		return ret > 0 ? drain_usage() : ret;
	if (cli_check_group_name(pos[0], &perr))
		return cli_usage_error("%s", perr.msg);
	if (!slot_arg == !pid_arg)
		return cli_usage_error("drain needs either --slot N or --pid "
				       "PID, %s",
				       slot_arg ? "not both" : "none given");
	if (slot_arg && parse_u32(slot_arg, STEER_MAX_SLOTS - 1, &slot, &perr))
		return cli_usage_error("--slot: %s", perr.msg);
	if (pid_arg && parse_u32(pid_arg, INT_MAX, &pid, &perr))
		return cli_usage_error("--pid: %s", perr.msg);
	if (pid_arg && !pid)
		return cli_usage_error("--pid: 0 is not a process");
	if (timeout_arg && cli_parse_seconds(timeout_arg, DRAIN_TIMEOUT_MAX_MS,
					     &timeout_ms, &perr))
		return cli_usage_error("--timeout: %s", perr.msg);

	req.group = pos[0];
	req.by = slot_arg ? PROTO_DRAIN_SLOT : PROTO_DRAIN_PID;
	req.id = slot_arg ? slot : pid;
	req.timeout_given = timeout_arg;
	req.timeout_ms = timeout_ms;
	req.wait = wait;
	ret = client_request(proto_pack_drain_req(&req), &reply);
	if (ret)
		return ret;
	ret = print_drain(pos[0], reply, wait);
	json_decref(reply);
	return ret;
}
