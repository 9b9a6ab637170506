// SPDX-License-Identifier: GPL-2.0-only
/*
 * Raw bpf(2) probes: make one small object of a kind and close it. The
 * sizes are those the kernel accepts for each map type; the program is the
 * shortest valid one, "return SK_PASS".
 */
#include <errno.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf_probe.h"

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* The fd is closed at once: the probe asks only whether it can be made. */
static int probe_map(enum bpf_map_type type, unsigned int value_size)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = sizeof(__u32);
	attr.value_size = value_size;
	attr.max_entries = 1;
	fd = sys_bpf(BPF_MAP_CREATE, &attr);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int bpf_probe_cpumap(void)
{
	/* struct bpf_cpumap_val's first member, the queue size: any kernel. */
	return probe_map(BPF_MAP_TYPE_CPUMAP, sizeof(__u32));
}

int bpf_probe_xskmap(void)
{
	return probe_map(BPF_MAP_TYPE_XSKMAP, sizeof(__u32));
}

int bpf_probe_sockhash(void)
{
	/* A socket's fd on update, its cookie on lookup: 8 bytes. */
	return probe_map(BPF_MAP_TYPE_SOCKHASH, sizeof(__u64));
}

int bpf_probe_reuseport_migrate(void)
{
	const struct bpf_insn insns[] = {
		/* r0 = SK_PASS; exit */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K,
		  .dst_reg = BPF_REG_0,
		  .imm = SK_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static const char license[] = "GPL";
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SK_REUSEPORT;
	attr.expected_attach_type = BPF_SK_REUSEPORT_SELECT_OR_MIGRATE;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = (__u64)(unsigned long)license;
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}
