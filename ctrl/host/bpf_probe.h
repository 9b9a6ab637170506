/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Whether this kernel, and this process's privileges, let steer create
 * the BPF objects it needs: probed with raw bpf(2) calls (no libbpf, so
 * steerctl doctor can use them), each object made and closed at once.
 * Each returns 0 when the kernel made the object, else the negative errno
 * of bpf(2): -EPERM without CAP_BPF (or CAP_SYS_ADMIN), -EINVAL when the
 * kernel does not know the map or program type.
 */
#ifndef STEER_BPF_PROBE_H
#define STEER_BPF_PROBE_H

/* The BPF map types steer's dataplane creates. */
int bpf_probe_cpumap(void);
int bpf_probe_xskmap(void);
int bpf_probe_sockhash(void);

/*
 * An SK_REUSEPORT program of attach type select-or-migrate (Linux 5.14),
 * the kind steer uses to move a closing listener's connections.
 */
int bpf_probe_reuseport_migrate(void);

#endif /* STEER_BPF_PROBE_H */
