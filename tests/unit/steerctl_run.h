/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Runs the built steerctl ($STEERCTL) as a child process and collects its
 * exit status, stdout and stderr, for the tests that check it from outside.
 * Include after cmocka.h: failures to set a run up are cmocka failures.
 */
#ifndef STEER_TEST_STEERCTL_RUN_H
#define STEER_TEST_STEERCTL_RUN_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Relative to the repository root, where tests/run.sh runs. */
#define STEERCTL_DEFAULT "build/steerctl"
/* Words of one command line, with "steerctl" and a NULL at the end. */
#define STEERCTL_ARGV_MAX 24

struct steerctl_run {
	pid_t pid;
	FILE *out; /* stdout and stderr go to these temporary files */
	FILE *err;
	int status; /* exit status, or -1 if killed by a signal */
	char *out_text; /* what it wrote, once reaped */
	char *err_text;
};

static inline const char *steerctl_path(void)
{
	const char *path = getenv("STEERCTL");

	return path && *path ? path : STEERCTL_DEFAULT;
}

static inline char *steerctl_read_all(FILE *f)
{
	char *text;
	long len;

	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0)
		return NULL;
	rewind(f);
	text = calloc(1, len + 1);
	if (text && fread(text, 1, len, f) != (size_t)len) {
		free(text);
		return NULL;
	}
	return text;
}

/*
 * Starts steerctl with argv (argv[0] is its name, NULL-terminated).
 * stdout_fd >= 0 replaces the captured stdout (e.g. /dev/full).
 */
static inline void steerctl_spawn(struct steerctl_run *r, char *const argv[],
				  int stdout_fd)
{
	memset(r, 0, sizeof(*r));
	r->out = tmpfile();
	r->err = tmpfile();
	assert_non_null(r->out);
	assert_non_null(r->err);

	fflush(NULL);
	r->pid = fork();
	assert_true(r->pid >= 0);
	if (!r->pid) {
		if (dup2(stdout_fd >= 0 ? stdout_fd : fileno(r->out),
			 STDOUT_FILENO) < 0 ||
		    dup2(fileno(r->err), STDERR_FILENO) < 0)
			_exit(127);
		execv(steerctl_path(), argv);
		fprintf(stderr, "exec %s: %s\n", steerctl_path(),
			strerror(errno));
		_exit(127);
	}
}

/*
 * Whether steerctl has exited (waiting for it when block); then its status
 * and output are in r.
 */
static inline bool steerctl_reap(struct steerctl_run *r, bool block)
{
	int wstatus;
	pid_t got;

	got = waitpid(r->pid, &wstatus, block ? 0 : WNOHANG);
	assert_true(got >= 0);
	if (!got)
		return false;
	r->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
	r->out_text = steerctl_read_all(r->out);
	r->err_text = steerctl_read_all(r->err);
	fclose(r->out);
	fclose(r->err);
	r->out = r->err = NULL;
	assert_non_null(r->out_text);
	assert_non_null(r->err_text);
	return true;
}

/* Stops a steerctl that ran too long, and reaps it. */
static inline void steerctl_kill(struct steerctl_run *r)
{
	kill(r->pid, SIGKILL);
	steerctl_reap(r, true);
}

static inline void steerctl_run_free(struct steerctl_run *r)
{
	free(r->out_text);
	free(r->err_text);
	r->out_text = r->err_text = NULL;
}

static inline size_t steerctl_count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* A cmocka test that fails with a hint when steerctl is not built. */
static inline void steerctl_check_binary(void **state)
{
	if (access(steerctl_path(), X_OK))
		fail_msg("STEERCTL=%s: %s (build it first: 'make test-unit' "
			 "builds it, as does 'make')",
			 steerctl_path(), strerror(errno));
}

#endif /* STEER_TEST_STEERCTL_RUN_H */
