// SPDX-License-Identifier: GPL-2.0-only
/*
 * libsteer's public header and the map ABI in one translation unit, as a
 * program that reads steer's maps and uses libsteer has them: no name of
 * one clashes with a name of the other (this file would not compile), and
 * each keeps its own meaning.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "steer/libsteer.h"
#include "steer_abi.h"

/* The ABI's listener record is the 16 bytes of its map value. */
static void test_abi_types_are_the_abi(void **state)
{
	struct steer_listener rec = { 0 };
	struct steer_event ev = { 0 };

	assert_int_equal(sizeof(rec), 16);
	assert_int_equal(sizeof(ev), 24);
}

/* libsteer's names are its own: an opaque listener, its events. */
static void test_libsteer_names(void **state)
{
	struct libsteer_listen_opts opts = { .sz = sizeof(opts) };
	enum libsteer_event ev = LIBSTEER_EVENT_NONE;
	struct libsteer_listener *l = NULL;

	assert_null(l);
	assert_false(opts.standby);
	assert_int_equal(ev, 0);
	assert_int_not_equal(LIBSTEER_EVENT_DRAIN, LIBSTEER_EVENT_DRAINED);
	assert_int_not_equal(LIBSTEER_EVENT_DRAIN, LIBSTEER_EVENT_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_abi_types_are_the_abi),
		cmocka_unit_test(test_libsteer_names),
	};

	return cmocka_run_group_tests_name("libsteer_names", tests, NULL, NULL);
}
