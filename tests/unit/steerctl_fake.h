/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fake steerd for the steerctl CLI cases, served from the test process:
 * it records the requests steerctl sends and answers each with the case's
 * canned or packed replies. Include after cmocka.h.
 */
#ifndef STEER_TEST_STEERCTL_FAKE_H
#define STEER_TEST_STEERCTL_FAKE_H

#include <stddef.h>

#include "steerctl_cases.h"
#include "steerctl_run.h"

/* cmocka group setup and teardown: the sockets, in a temporary folder. */
int steerctl_fake_setup(void **state);
int steerctl_fake_teardown(void **state);

/* The socket path for a choice (SOCK_FAKE, SOCK_ABSENT, SOCK_REFUSED). */
const char *steerctl_fake_path(enum socket_choice sock);

/* Forgets what the last case sent. */
void steerctl_fake_reset(void);

/* Serves steerctl's connections for case c until r has exited. */
void steerctl_fake_serve(const struct cli_case *c, struct steerctl_run *r);

/* NULL when c's requests were sent, exactly; else what differs. */
const char *steerctl_fake_check_requests(const struct cli_case *c);

/* Prints the expected and the received requests, after a failure. */
void steerctl_fake_print_requests(const struct cli_case *c);

/* Single-quoted JSON, as in the tables, to JSON text; caller frees. */
char *steerctl_unquote(const char *s);

#endif /* STEER_TEST_STEERCTL_FAKE_H */
