// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadgen: a bounded connection-storm HTTP/1.1 client, one pinned thread per
 * CPU, that counts every connection's outcome, its latency and which server
 * CPU and worker took it (docs/loadgen.md). main() checks, plans, runs and
 * reports; only it turns an error into an exit status.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "lib/log.h"
#include "args.h"
#include "confine.h"
#include "report.h"
#include "rss.h"
#include "thread.h"

#define EXIT_USAGE 2
/* Descriptors beyond the sockets: stdio, one epoll per thread, slack. */
#define FD_SLACK 64

static struct config cfg;

static void on_stop_signal(int sig)
{
	threads_request_stop();
}

static int install_signals(void)
{
	/* A second signal kills, for a run that will not stop. */
	struct sigaction sa = { .sa_handler = on_stop_signal,
				.sa_flags = SA_RESETHAND };

	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* Room for a socket per connection; root may raise the hard limit too. */
static int raise_fd_limit(unsigned int nthreads)
{
	rlim_t need = (rlim_t)cfg.concurrency + nthreads + FD_SLACK;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	if (rl.rlim_cur >= need)
		return 0;
	rl.rlim_cur = need;
	if (rl.rlim_max < need)
		rl.rlim_max = need;
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		pr_warn("--concurrency %u needs %llu file descriptors: %s "
			"(see ulimit -n)",
			cfg.concurrency, (unsigned long long)need,
			strerror(errno));
		return -EMFILE;
	}
	return 0;
}

/* Plans, runs and reports; 0 or a negative errno, said on stderr. */
static int run(void)
{
	unsigned int i, nthreads = (unsigned int)CPU_COUNT(&cfg.cpus);
	struct lg_thread *threads;
	uint64_t t0;
	int err;

	threads = calloc(nthreads, sizeof(*threads));
	if (!threads) {
		pr_warn("cannot allocate %u threads: %s", nthreads,
			strerror(ENOMEM));
		return -ENOMEM;
	}
	threads_plan(&cfg, threads, nthreads);
	err = cfg.rss ? rss_plan(&cfg, threads, nthreads) : 0;
	if (err)
		goto out;
	err = raise_fd_limit(nthreads);
	if (err)
		goto out;
	err = install_signals();
	if (err) {
		pr_warn("cannot handle signals: %s", strerror(-err));
		goto out;
	}
	err = threads_run(threads, nthreads, &t0);
	if (!err)
		err = report(&cfg, threads, nthreads, t0);
out:
	for (i = 0; i < nthreads; i++)
		port_ring_free(&threads[i].ports);
	free(threads);
	return err;
}

int main(int argc, char **argv)
{
	int err;

	err = args_parse(argc, argv, &cfg);
	if (!err)
		err = confine_check(&cfg);
	if (!err)
		err = args_resolve(&cfg);
	if (err > 0) {
		args_free(&cfg);
		return EXIT_SUCCESS; /* --help */
	}
	if (!err)
		err = run();
	args_free(&cfg);
	if (err == -EINVAL)
		return EXIT_USAGE;
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}
