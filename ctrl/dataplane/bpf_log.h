/* SPDX-License-Identifier: GPL-2.0-only */
/* libbpf's and libxdp's messages, printed through steer's logging. */
#ifndef STEER_BPF_LOG_H
#define STEER_BPF_LOG_H

/*
 * Routes libbpf's and libxdp's messages to steer_vlog() one level lower
 * (their WARN is our INFO): their warnings are often expected probes.
 */
void steer_log_setup_libbpf(void);

#endif /* STEER_BPF_LOG_H */
