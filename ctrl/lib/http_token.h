/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HTTP/1.x token helpers (RFC 9110) shared by the request parser of
 * steer_http and the response parser of loadgen.
 */
#ifndef STEER_HTTP_TOKEN_H
#define STEER_HTTP_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

/* RFC 9110 tchar: what a method or a header name is made of. */
bool http_is_tchar(unsigned char c);

/* Optional whitespace: space or horizontal tab. */
bool http_is_ows(char c);

/* Does the comma-separated list at v (n bytes) hold token (any case)? */
bool http_list_has(const char *v, size_t n, const char *token);

/* Is the n-byte name (a header name) want, in any case? */
bool http_name_is(const char *name, size_t n, const char *want);

#endif /* STEER_HTTP_TOKEN_H */
