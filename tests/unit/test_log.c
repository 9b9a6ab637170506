// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the logging layer: levels, the "name: message" line format, and
 * libbpf's and libxdp's messages arriving one level lower.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "capture.h"
#include "dataplane/bpf_log.h"
#include "lib/log.h"

static char *err_text;

static void start(struct capture *c)
{
	assert_int_equal(capture_start(c, stderr), 0);
}

static const char *end(struct capture *c)
{
	free(err_text);
	err_text = capture_end(c);
	assert_non_null(err_text);
	return err_text;
}

static int teardown(void **state)
{
	free(err_text);
	err_text = NULL;
	steer_log_set_level(STEER_LOG_INFO);
	return 0;
}

static void test_levels(void **state)
{
	struct capture c;

	assert_int_equal(steer_log_get_level(), STEER_LOG_INFO);
	start(&c);
	pr_warn("warn %d", 1);
	pr_info("info %s", "two");
	pr_debug("debug hidden");
	assert_string_equal(end(&c), "test: warn 1\ntest: info two\n");

	steer_log_set_level(STEER_LOG_WARN);
	start(&c);
	pr_warn("warn");
	pr_info("info hidden");
	assert_string_equal(end(&c), "test: warn\n");

	steer_log_set_level(STEER_LOG_DEBUG);
	start(&c);
	pr_debug("debug");
	steer_log(STEER_LOG_VERBOSE, "verbose hidden");
	assert_string_equal(end(&c), "test: debug\n");
}

/* One line per message, whether or not the caller ended it with '\n'. */
static void test_newlines(void **state)
{
	struct capture c;

	start(&c);
	pr_warn("a\n");
	pr_warn("b");
	pr_warn("%s", "c\n");
	pr_warn("%s", "");
	assert_string_equal(end(&c), "test: a\ntest: b\ntest: c\ntest: \n");
}

static int call_libbpf(libbpf_print_fn_t fn, enum libbpf_print_level level,
		       const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = fn(level, fmt, ap);
	va_end(ap);
	return ret;
}

static int call_libxdp(libxdp_print_fn_t fn, enum libxdp_print_level level,
		       const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = fn(level, fmt, ap);
	va_end(ap);
	return ret;
}

static void test_library_levels(void **state)
{
	libbpf_print_fn_t bpf_fn;
	libxdp_print_fn_t xdp_fn;
	struct capture c;

	steer_log_setup_libbpf();
	/* Read back the installed callbacks, then put them back. */
	bpf_fn = libbpf_set_print(NULL);
	libbpf_set_print(bpf_fn);
	xdp_fn = libxdp_set_print(NULL);
	libxdp_set_print(xdp_fn);
	assert_non_null(bpf_fn);
	assert_non_null(xdp_fn);

	/* Their WARN is our INFO: hidden at WARN, shown at INFO. */
	steer_log_set_level(STEER_LOG_WARN);
	start(&c);
	call_libbpf(bpf_fn, LIBBPF_WARN, "libbpf: %s\n", "warn");
	call_libxdp(xdp_fn, LIBXDP_WARN, "libxdp: %s\n", "warn");
	assert_string_equal(end(&c), "");

	steer_log_set_level(STEER_LOG_INFO);
	start(&c);
	call_libbpf(bpf_fn, LIBBPF_WARN, "libbpf: %s\n", "warn");
	call_libxdp(xdp_fn, LIBXDP_WARN, "libxdp: %s\n", "warn");
	call_libbpf(bpf_fn, LIBBPF_INFO, "libbpf: info hidden\n");
	call_libxdp(xdp_fn, LIBXDP_INFO, "libxdp: info hidden\n");
	assert_string_equal(end(&c),
			    "test: libbpf: warn\ntest: libxdp: warn\n");

	steer_log_set_level(STEER_LOG_DEBUG);
	start(&c);
	call_libbpf(bpf_fn, LIBBPF_INFO, "libbpf: info\n");
	call_libbpf(bpf_fn, LIBBPF_DEBUG, "libbpf: debug hidden\n");
	assert_string_equal(end(&c), "test: libbpf: info\n");

	steer_log_set_level(STEER_LOG_VERBOSE);
	start(&c);
	call_libxdp(xdp_fn, LIBXDP_DEBUG, "libxdp: debug\n");
	assert_string_equal(end(&c), "test: libxdp: debug\n");
}

/* End to end: a real libbpf warning comes out under our prefix. */
static void test_libbpf_message(void **state)
{
	struct bpf_object *obj;
	struct capture c;

	steer_log_setup_libbpf();
	start(&c);
	obj = bpf_object__open_file("/nonexistent/steer.bpf.o", NULL);
	assert_null(obj);
	assert_non_null(strstr(end(&c), "test: libbpf: "));
	assert_non_null(strstr(err_text, "/nonexistent/steer.bpf.o"));

	steer_log_set_level(STEER_LOG_WARN);
	start(&c);
	obj = bpf_object__open_file("/nonexistent/steer.bpf.o", NULL);
	assert_null(obj);
	assert_string_equal(end(&c), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_levels, teardown),
		cmocka_unit_test_teardown(test_newlines, teardown),
		cmocka_unit_test_teardown(test_library_levels, teardown),
		cmocka_unit_test_teardown(test_libbpf_message, teardown),
	};

	steer_log_set_name("test");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
