/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * steerctl's output, iproute2 style: one print call gives both the text and
 * the JSON form of a value, so the two cannot drift apart.
 */
#ifndef STEER_OUTPUT_H
#define STEER_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

/* Where a print call goes: text (stdout), JSON, or whichever is active. */
enum output_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

/*
 * Text mode prints as it goes. JSON mode builds one document and writes it
 * at output_flush(); a value printed with a key at the top level makes the
 * document an object.
 */
void output_init(bool json, bool pretty);
bool output_is_json(void);
/*
 * Writes the JSON document, or {"error": ...} if print_err() was called,
 * then resets. -EIO when stdout could not be written.
 */
int output_flush(void);

/*
 * JSON structure; no effect in text mode. name is the key in the enclosing
 * object, NULL inside an array or for the top-level value.
 */
void open_json_object(const char *name);
void close_json_object(void);
void open_json_array(const char *name);
void close_json_array(void);

/*
 * key: JSON key (ignored inside an array); fmt: text format of the value, or
 * NULL to print nothing in text mode.
 */
void print_string(enum output_type type, const char *key, const char *fmt,
		  const char *value);
void print_bool(enum output_type type, const char *key, const char *fmt,
		bool value);
void print_uint(enum output_type type, const char *key, const char *fmt,
		unsigned int value);
void print_u64(enum output_type type, const char *key, const char *fmt,
	       uint64_t value);
void print_int(enum output_type type, const char *key, const char *fmt,
	       int value);
/* In JSON the value is a string, always "0x%08x", e.g. "0x51ccc178". */
void print_hex_u32(enum output_type type, const char *key, const char *fmt,
		   uint32_t value);
/*
 * part as a percentage of whole, with two decimals: in JSON a number (null
 * when whole is 0), in text a string for fmt ("98.75%", or "-").
 */
void print_percent(enum output_type type, const char *key, const char *fmt,
		   uint64_t part, uint64_t whole);
/* A newline in text mode. */
void print_nl(void);

/*
 * The error the user sees: "NAME: message" on stderr in text mode; in JSON
 * mode the document becomes {"error": "message"} on stdout (the first error
 * is kept: it is the cause). Not named print_error: cmocka exports that
 * symbol, and the unit tests link both.
 */
void print_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* STEER_OUTPUT_H */
