/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The run's results: the threads' statistics merged, printed as tables or
 * as one JSON object, and the consistency check of the counts.
 */
#ifndef LOADGEN_REPORT_H
#define LOADGEN_REPORT_H

#include <stdint.h>

#include "loadgen.h"
#include "thread.h"

/*
 * Prints the results of threads that started at t0 on stdout, and
 * warnings on stderr. 0, or -EPROTO when the outcomes do not add up to
 * the attempts, -ENOMEM.
 */
int report(const struct config *cfg, const struct lg_thread *threads,
	   unsigned int nthreads, uint64_t t0);

#endif /* LOADGEN_REPORT_H */
