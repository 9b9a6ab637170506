// SPDX-License-Identifier: GPL-2.0-only
/* The CLI cases of steerctl when steerd is absent, dead or misbehaving (steerctl_cases.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/defaults.h"
#include "steerctl_cases.h"

static const struct cli_case cases[] = {
	/* steerd absent */
	{ ARGS("status"), .sock = SOCK_ABSENT, .status = EXIT_NO_DAEMON,
	  .err = "No such file or directory; start it with 'steerd'",
	  .err_has_socket = true },
	{ ARGS("-j", "group", "list"), .sock = SOCK_ABSENT,
	  .status = EXIT_NO_DAEMON, .err = "cannot reach steerd at",
	  .json_err = true, .err_has_socket = true },
	{ ARGS("iface", "show"), .sock = SOCK_REFUSED, .status = EXIT_NO_DAEMON,
	  .err = "Connection refused; start it with 'steerd'",
	  .err_has_socket = true },
	{ ARGS("stats", "--watch", "1"), .sock = SOCK_REFUSED,
	  .status = EXIT_NO_DAEMON, .err = "cannot reach steerd at",
	  .err_has_socket = true },
	{ ARGS("status"), .sock = SOCK_DEFAULT, .status = EXIT_NO_DAEMON,
	  .err = "cannot reach steerd at " STEER_RUN_DIR "/netns-" },
	{ ARGS("status"), .sock = SOCK_TOO_LONG,
	  USAGE("a UNIX socket path has at most 107 bytes") },
	/* A usage error is found before steerd is looked for. */
	{ ARGS("group", "add", "web"), .sock = SOCK_ABSENT,
	  USAGE("group add needs --listen") },

	/* steerd misbehaving */
	{ ARGS("status"), REPLY(CLOSE), SENDS(REQ("status") "}"),
	  FAIL("closed the connection without replying; see its log"),
	  .err_has_socket = true },
	{ ARGS("status"), REPLY("{'v':2,'ok':true}"), SENDS(REQ("status") "}"),
	  FAIL("steerd's reply is not of protocol version 1") },
	{ ARGS("status"), REPLY("ok"), SENDS(REQ("status") "}"),
	  FAIL("steerd's reply is not a JSON object") },
	{ ARGS("status"), REPLY("{'v':1}"), SENDS(REQ("status") "}"),
	  FAIL("steerd's reply has no boolean \"ok\"") },
	{ ARGS("group", "list"), REPLY("{'v':1,'ok':false,'errno':13}"),
	  SENDS(REQ("group_list") "}"), FAIL("Permission denied") },
	/* Errnos that would read as exit 2 or 3 are steerd's: exit 1. */
	{ ARGS("group", "list"), REPLY(ERR(107, "not connected")),
	  SENDS(REQ("group_list") "}"), FAIL("not connected") },
	{ ARGS("group", "list"), REPLY(ERR(111, "refused")),
	  SENDS(REQ("group_list") "}"), FAIL("refused") },
	/* Events queued ahead of the reply are not the reply. */
	{ ARGS("group", "list"),
	  REPLY("{'v':1,'event':'drain','slot':1}" THEN
		"{'v':1,'event':'drained','slot':1}" THEN OK ",'groups':[]}"),
	  SENDS(REQ("group_list") "}"), OUT(NULL) },
};

CASE_TABLE(steerctl_daemon_cases, cases);
