/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Keeps loadgen inside test networks: it refuses the host's network
 * namespace and targets its namespace does not reach directly, unless the
 * user says otherwise (--allow-host-netns, --allow-routed).
 */
#ifndef LOADGEN_CONFINE_H
#define LOADGEN_CONFINE_H

#include "loadgen.h"

/*
 * 0 when the run stays in a test network; -EINVAL after one line on
 * stderr saying why not and which flag lifts the refusal; another
 * negative errno (after a message) when it cannot tell.
 */
int confine_check(const struct config *cfg);

#endif /* LOADGEN_CONFINE_H */
