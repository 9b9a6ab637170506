// SPDX-License-Identifier: GPL-2.0-only
/*
 * Text and JSON output from the same print calls; JSON is built with jansson
 * and written once, so stdout always holds one valid document.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/log.h"
#include "output.h"

/* Nesting of objects and arrays; steerctl's deepest is far below. */
#define OUTPUT_MAX_DEPTH 16
#define OUTPUT_INDENT 4
#define OUTPUT_REAL_DIGITS 15 /* significant digits of a JSON real */
#define HEX_U32_LEN sizeof("0xffffffff")

static struct {
	bool json;
	bool pretty;
	bool oom; /* a jansson allocation failed: the document is incomplete */
	json_t *root;
	/* Open containers, outermost first; each entry holds a reference. */
	json_t *stack[OUTPUT_MAX_DEPTH];
	int depth;
	char *error; /* JSON mode: the first print_err() message */
} out;

static void output_reset(void)
{
	/* Containers a failed command left open hold a reference each. */
	while (out.depth)
		json_decref(out.stack[--out.depth]);
	json_decref(out.root);
	free(out.error);
	out.root = NULL;
	out.error = NULL;
	out.oom = false;
}

void output_init(bool json, bool pretty)
{
	output_reset();
	out.json = json || pretty;
	out.pretty = pretty;
}

bool output_is_json(void)
{
	return out.json;
}

static bool want_json(enum output_type type)
{
	return out.json && (type & PRINT_JSON);
}

static bool want_text(enum output_type type)
{
	return !out.json && (type & PRINT_FP);
}

/* Adds value (reference stolen) under key to the innermost container. */
static void json_add(const char *key, json_t *value)
{
	json_t *top;

	if (!value) {
		out.oom = true;
		return;
	}
	if (!out.depth) {
		if (!key && !out.root) {
			out.root = value; /* the top-level value itself */
			return;
		}
		/* A keyed value at the top: the document is an object. */
		assert(!out.root && "one top-level value per document");
		out.root = json_object();
		if (!out.root) {
			out.oom = true;
			json_decref(value);
			return;
		}
		out.stack[out.depth++] = json_incref(out.root);
	}

	top = out.stack[out.depth - 1];
	if (json_is_array(top)) {
		if (json_array_append_new(top, value))
			out.oom = true;
	} else {
		assert(key && "a value in an object needs a key");
		if (json_object_set_new(top, key, value))
			out.oom = true;
	}
}

static void json_open(const char *name, json_t *container)
{
	if (!container) {
		out.oom = true;
		container = json_null(); /* keeps open/close balanced */
	}
	assert(out.depth < OUTPUT_MAX_DEPTH);
	json_incref(container); /* one reference for the stack */
	json_add(name, container);
	out.stack[out.depth++] = container;
}

static void json_close(void)
{
	assert(out.depth > 0 && "close without open");
	json_decref(out.stack[--out.depth]);
}

void open_json_object(const char *name)
{
	if (out.json)
		json_open(name, json_object());
}

void close_json_object(void)
{
	if (out.json)
		json_close();
}

void open_json_array(const char *name)
{
	if (out.json)
		json_open(name, json_array());
}

void close_json_array(void)
{
	if (out.json)
		json_close();
}

/*
 * The format is the caller's literal; these wrappers take one value each, so
 * printf's format checking cannot see it.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

void print_string(enum output_type type, const char *key, const char *fmt,
		  const char *value)
{
	if (want_json(type))
		json_add(key, value ? json_string(value) : json_null());
	else if (want_text(type) && fmt)
		printf(fmt, value);
}

void print_bool(enum output_type type, const char *key, const char *fmt,
		bool value)
{
	if (want_json(type))
		json_add(key, json_boolean(value));
	else if (want_text(type) && fmt)
		printf(fmt, value ? "true" : "false");
}

void print_uint(enum output_type type, const char *key, const char *fmt,
		unsigned int value)
{
	if (want_json(type))
		json_add(key, json_integer(value));
	else if (want_text(type) && fmt)
		printf(fmt, value);
}

void print_u64(enum output_type type, const char *key, const char *fmt,
	       uint64_t value)
{
	/* json_int_t is signed 64-bit: counters beyond 2^63 are not real. */
	if (want_json(type))
		json_add(key, json_integer((json_int_t)value));
	else if (want_text(type) && fmt)
		printf(fmt, value);
}

void print_int(enum output_type type, const char *key, const char *fmt,
	       int value)
{
	if (want_json(type))
		json_add(key, json_integer(value));
	else if (want_text(type) && fmt)
		printf(fmt, value);
}

void print_hex_u32(enum output_type type, const char *key, const char *fmt,
		   uint32_t value)
{
	char hex[HEX_U32_LEN];

	if (want_json(type)) {
		snprintf(hex, sizeof(hex), "0x%08" PRIx32, value);
		json_add(key, json_string(hex));
	} else if (want_text(type) && fmt) {
		printf(fmt, value);
	}
}

void print_percent(enum output_type type, const char *key, const char *fmt,
		   uint64_t part, uint64_t whole)
{
	char text[sizeof("100.00%")] = "-";
	double pct = whole ? 100.0 * (double)part / (double)whole : 0;

	/* Two decimals in both forms: the JSON number is the text's. */
	pct = (double)(uint64_t)(pct * 100 + 0.5) / 100;
	if (want_json(type)) {
		json_add(key, whole ? json_real(pct) : json_null());
	} else if (want_text(type) && fmt) {
		if (whole)
			snprintf(text, sizeof(text), "%.2f%%", pct);
		printf(fmt, text);
	}
}

#pragma GCC diagnostic pop

void print_nl(void)
{
	if (!out.json)
		putchar('\n');
}

void print_err(const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);

	if (!out.json) {
		fprintf(stderr, "%s: %s\n", steer_log_name(),
			msg ? msg : "out of memory formatting an error");
		free(msg);
		return;
	}
	if (out.error || !msg) {
		free(msg);
		if (!out.error)
			out.oom = true;
		return;
	}
	out.error = msg;
}

static int json_write(json_t *doc)
{
	/* Reals are percentages with two decimals: no binary noise digits. */
	size_t flags = JSON_PRESERVE_ORDER | JSON_ENCODE_ANY |
		       JSON_REAL_PRECISION(OUTPUT_REAL_DIGITS);

	flags |= out.pretty ? JSON_INDENT(OUTPUT_INDENT) : JSON_COMPACT;
	if (json_dumpf(doc, stdout, flags) || putchar('\n') == EOF)
		return -EIO;
	return 0;
}

int output_flush(void)
{
	json_t *doc = NULL;
	int err = 0;

	if (out.json) {
		if (out.error)
			doc = json_pack("{s:s}", "error", out.error);
		else if (out.oom)
			doc = json_pack("{s:s}", "error",
					"out of memory building the output");
		else if (out.root)
			doc = json_incref(out.root);
		if (doc)
			err = json_write(doc);
		else if (out.error || out.oom)
			err = -ENOMEM;
		json_decref(doc);
	}
	if (fflush(stdout) || ferror(stdout))
		err = -EIO;
	output_reset();
	return err;
}
