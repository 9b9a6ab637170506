// SPDX-License-Identifier: GPL-2.0-only
/* RFC 9110 token, whitespace and list helpers for HTTP/1.x heads. */
#include <string.h>
#include <strings.h>

#include "http_token.h"

bool http_is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c);
}

bool http_is_ows(char c)
{
	return c == ' ' || c == '\t';
}

bool http_list_has(const char *v, size_t n, const char *token)
{
	size_t len = strlen(token), i = 0, start, end;

	while (i < n) {
		while (i < n && (http_is_ows(v[i]) || v[i] == ','))
			i++;
		start = i;
		while (i < n && v[i] != ',')
			i++;
		end = i;
		while (end > start && http_is_ows(v[end - 1]))
			end--;
		if (end - start == len && !strncasecmp(v + start, token, len))
			return true;
	}
	return false;
}

bool http_name_is(const char *name, size_t n, const char *want)
{
	return n == strlen(want) && !strncasecmp(name, want, n);
}
