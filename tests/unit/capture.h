/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Captures what the code under test writes to stdout or stderr, through a
 * temporary file behind the file descriptor, for in-process unit tests.
 */
#ifndef STEER_TEST_CAPTURE_H
#define STEER_TEST_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct capture {
	FILE *stream; /* stdout or stderr */
	int fd; /* its descriptor */
	int saved; /* the original descriptor, restored at the end */
	FILE *tmp;
};

/* Returns 0, or -1 if the capture could not be set up. */
static inline int capture_start(struct capture *c, FILE *stream)
{
	c->stream = stream;
	c->fd = fileno(stream);
	c->saved = -1;
	fflush(stream);
	c->tmp = tmpfile();
	if (!c->tmp)
		return -1;
	c->saved = dup(c->fd);
	if (c->saved < 0 || dup2(fileno(c->tmp), c->fd) < 0) {
		fclose(c->tmp);
		return -1;
	}
	return 0;
}

/* Restores the stream and returns what was written (caller frees). */
static inline char *capture_end(struct capture *c)
{
	char *text = NULL;
	size_t size = 0, got = 0;
	long len;

	fflush(c->stream);
	dup2(c->saved, c->fd);
	close(c->saved);

	fseek(c->tmp, 0, SEEK_END);
	len = ftell(c->tmp);
	if (len >= 0) {
		size = (size_t)len;
		text = calloc(1, size + 1);
		rewind(c->tmp);
		if (text)
			got = fread(text, 1, size, c->tmp);
		if (text)
			text[got] = '\0';
	}
	fclose(c->tmp);
	return text;
}

#endif /* STEER_TEST_CAPTURE_H */
