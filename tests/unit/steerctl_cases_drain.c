// SPDX-License-Identifier: GPL-2.0-only
/* The CLI cases of steerctl drain (steerctl_cases.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/proto_msg.h"
#include "steerctl_cases.h"

static json_t *draining_reply(void)
{
	const struct proto_drain_reply r = { .slot = 3, .state = "draining" };

	return proto_pack_drain_reply(&r, false);
}

static json_t *drained_reply(void)
{
	const struct proto_drain_reply r = { .slot = 3,
					     .drained_ms = 1234,
					     .drained = 12 };

	return proto_pack_drain_reply(&r, true);
}

static const struct cli_case cases[] = {
	/* drain */
	{ ARGS("drain", "web", "--slot", "3"), PACKED(draining_reply),
	  SENDS(REQ("drain") ",'group':'web','slot':3,'wait':false}"),
	  OUT("web slot 3: draining\n") },
	{ ARGS("dr", "web", "--pid", "1234", "--wait", "--timeout", "2.5"),
	  PACKED(drained_reply),
	  SENDS(REQ("drain") ",'group':'web','pid':1234,'timeout_ms':2500,"
			     "'wait':true}"),
	  OUT("web slot 3: drained 12 connections in 1234 ms\n") },
	{ ARGS("drain", "--wait", "web", "--slot=0", "--timeout=60"),
	  REPLY(OK ",'slot':0,'drained_ms':0,'drained':1}"),
	  SENDS(REQ("drain") ",'group':'web','slot':0,'timeout_ms':60000,"
			     "'wait':true}"),
	  OUT("web slot 0: drained 1 connection in 0 ms\n") },
	{ ARGS("-j", "drain", "web", "--slot", "3"), PACKED(draining_reply),
	  SENDS(REQ("drain") ",'group':'web','slot':3,'wait':false}"),
	  OUT_JSON("{'slot':3,'state':'draining'}\n") },
	{ ARGS("-j", "drain", "web", "--slot", "3", "--wait"),
	  PACKED(drained_reply),
	  SENDS(REQ("drain") ",'group':'web','slot':3,'wait':true}"),
	  OUT_JSON("{'slot':3,'drained':12,'drained_ms':1234}\n") },
	{ ARGS("drain", "web", "--slot", "3", "--wait"),
	  REPLY(ERR(110, "slot 3 still has 2 queued connection(s) after the "
			 "timeout")),
	  SENDS(REQ("drain") ",'group':'web','slot':3,'wait':true}"),
	  FAIL("slot 3 still has 2 queued connection(s) after the "
	       "timeout") },
	{ ARGS("drain", "web", "--slot", "3", "--wait"),
	  REPLY(OK ",'slot':3,'state':'draining'}"),
	  SENDS(REQ("drain") ",'group':'web','slot':3,'wait':true}"),
	  FAIL("drained_ms: missing") },
	{ ARGS("drain", "web"),
	  USAGE("drain needs either --slot N or --pid PID, none given") },
	{ ARGS("drain", "web", "--slot", "1", "--pid", "2"),
	  USAGE("drain needs either --slot N or --pid PID, not both") },
	{ ARGS("drain", "--slot", "1"), USAGE("drain needs NAME") },
	{ ARGS("drain", "web", "--slot", "256"),
	  USAGE("--slot: '256' is out of range 0-255") },
	{ ARGS("drain", "web", "--slot", "-1"),
	  USAGE("--slot: '-1' is not a decimal number") },
	{ ARGS("drain", "web", "--pid", "0"),
	  USAGE("--pid: 0 is not a process") },
	{ ARGS("drain", "web", "--pid", "nginx"),
	  USAGE("--pid: 'nginx' is not a decimal number") },
	{ ARGS("drain", "web", "--slot", "1", "--timeout", "1.2345"),
	  USAGE("--timeout: '1.2345': at most 3 decimals") },
	{ ARGS("drain", "web", "--slot", "1", "--timeout", "1s"),
	  USAGE("--timeout: '1s' is not a number of seconds") },
	{ ARGS("drain", "web", "--slot", "1", "--timeout", ".5"),
	  USAGE("--timeout: '.5' is not a number of seconds") },
	{ ARGS("drain", "web", "--slot", "1", "--timeout", "86401"),
	  USAGE("--timeout: '86401' is out of range 0-86400 seconds") },
	{ ARGS("drain", "web", "--slot"), USAGE("--slot needs a value: "
						"--slot N") },
	{ ARGS("drain", "w eb", "--slot", "1"),
	  USAGE("group name 'w eb': ' ' is not allowed") },
	{ ARGS("drain", "help"), HELP("Usage: steerctl drain NAME --slot "
				      "N|--pid PID") },

};

CASE_TABLE(steerctl_drain_cases, cases);
