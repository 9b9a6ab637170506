// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd's BPF objects: bpffs mounted if absent, maps pinned under
 * <bpffs>/abi<N>/ (a steerd of another ABI never reuses them), found again by
 * a restarted steerd, and the lifecycle program attached.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/magic.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "steerd.h"
#include "host/bpffs.h"
#include "lib/fs.h"
#include "lib/log.h"
#include "xdp/steer_cpumap_trace.skel.h"
#include "xdp/steer_lifecycle.skel.h"
#include "xdp/steer_reuseport.skel.h"
#include "xdp/steer_xdp.skel.h"

/* Mounts bpffs at its usual place when the system has not. */
static int ensure_bpffs(const char *dir)
{
	char parent[PATH_MAX];
	char *slash;

	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	if (bpffs_is_mounted(parent) || bpffs_is_mounted(dir))
		return 0;
	if (strcmp(parent, "/sys/fs/bpf")) {
		pr_warn("%s is not on a bpf filesystem; mount one there "
			"(mount -t bpf bpf DIR) or use --bpffs",
			parent);
		return -ENOTDIR;
	}
	if (mount("bpf", parent, "bpf", 0, "mode=0700")) {
		pr_warn("mounting bpffs at %s: %s", parent, strerror(errno));
		return -errno;
	}
	pr_info("mounted bpffs at %s", parent);
	return 0;
}

/*
 * A bpffs private to this mount namespace (ip netns exec mounts a fresh
 * one) loses its pins with the process: say so while it can be fixed.
 */
static void warn_private_bpffs(const char *dir)
{
	bool priv;

	if (bpffs_is_private(dir, &priv) || !priv)
		return;
	pr_warn("%s is on a bpffs private to this mount namespace: pins will "
		"not outlive this steerd; enter only the network namespace "
		"(nsenter --net=...) to keep the dataplane across restarts",
		dir);
}

int steerd_bpf_pin_maps(struct steerd *d, struct bpf_object *obj)
{
	char path[PATH_MAX];
	struct bpf_map *map;
	int err;

	bpf_object__for_each_map(map, obj) {
		/* .rodata and .bss are each instance's own. */
		if (bpf_map__is_internal(map))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", d->pin_dir,
			     bpf_map__name(map)) >= (int)sizeof(path))
			return -ENAMETOOLONG;
		err = bpf_map__set_pin_path(map, path);
		if (err)
			return err;
	}
	return 0;
}

/* The pid holding a flock on fd's file, from /proc/locks; -1 unknown. */
static pid_t lock_holder(int fd)
{
	unsigned int maj, min;
	unsigned long ino;
	char line[256], kind[16];
	struct stat st;
	pid_t pid = -1, p;
	FILE *f;

	if (fstat(fd, &st))
		return -1;
	f = fopen("/proc/locks", "re");
	if (!f)
		return -1;
	/* "1: FLOCK  ADVISORY  WRITE 1234 00:2a:5678 0 EOF" */
	while (pid < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*d: %15s %*s %*s %d %x:%x:%lu", kind, &p,
			   &maj, &min, &ino) == 5 &&
		    !strcmp(kind, "FLOCK") && maj == major(st.st_dev) &&
		    min == minor(st.st_dev) && ino == st.st_ino)
			pid = p;
	fclose(f);
	return pid;
}

int steerd_bpf_lock(struct steerd *d)
{
	struct stat st;
	pid_t holder;
	int fd, err;

	err = ensure_bpffs(d->bpffs);
	if (err)
		return err;
	if (snprintf(d->pin_dir, sizeof(d->pin_dir), "%s/abi%d", d->bpffs,
		     STEER_ABI_VERSION) >= (int)sizeof(d->pin_dir)) {
		pr_warn("--bpffs %s: too long a path", d->bpffs);
		return -ENAMETOOLONG;
	}
	/* A directory another steerd holds exists: this creates nothing then. */
	d->made_bpffs_dir = stat(d->bpffs, &st) != 0;
	err = fs_mkdir_p(d->pin_dir, 0700);
	if (err) {
		pr_warn("creating %s: %s", d->pin_dir, strerror(-err));
		return err;
	}
	fd = open(d->pin_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB)) {
		err = -errno;
		holder = fd < 0 ? -1 : lock_holder(fd);
		if (fd >= 0)
			close(fd);
		if (err != -EWOULDBLOCK) {
			pr_warn("locking %s: %s", d->pin_dir, strerror(-err));
			return err;
		}
		if (holder > 0)
			pr_warn("another steerd (pid %d) holds %s; stop it "
				"first",
				holder, d->pin_dir);
		else
			pr_warn("another steerd holds %s; stop it first",
				d->pin_dir);
		return -EBUSY;
	}
	d->pin_lock_fd = fd;
	return 0;
}

void steerd_bpf_unlock(struct steerd *d)
{
	if (d->pin_lock_fd >= 0)
		close(d->pin_lock_fd);
	d->pin_lock_fd = -1;
}

bool steerd_bpf_pinned(const struct steerd *d)
{
	char probe[PATH_MAX];

	return snprintf(probe, sizeof(probe), "%s/%s", d->pin_dir,
			STEER_MAP_IFACES) < (int)sizeof(probe) &&
	       access(probe, F_OK) == 0;
}

int steerd_bpf_open(struct steerd *d)
{
	int err;

	warn_private_bpffs(d->pin_dir);
	d->reused_pins = steerd_bpf_pinned(d);

	/* An unattached XDP instance opens (or creates) the XDP maps. */
	d->xdp = steer_xdp__open();
	if (!d->xdp)
		return -errno;
	err = steerd_bpf_pin_maps(d, d->xdp->obj);
	if (!err)
		err = steer_xdp__load(d->xdp);
	if (!err)
		err = steer_maps__from_object(&d->maps, d->xdp->obj);
	if (err) {
		pr_warn("loading the XDP program's maps: %s (pins of an "
			"incompatible steer under %s? remove them)",
			strerror(-err), d->pin_dir);
		return err;
	}

	d->lifecycle = steer_lifecycle__open();
	if (!d->lifecycle)
		return -errno;
	err = steerd_bpf_pin_maps(d, d->lifecycle->obj);
	if (!err)
		err = steer_lifecycle__load(d->lifecycle);
	if (!err)
		err = steer_lifecycle__attach(d->lifecycle);
	if (!err)
		err = steer_sock_maps__from_object(&d->socks,
						   d->lifecycle->obj);
	if (err) {
		pr_warn("loading the lifecycle program: %s", strerror(-err));
		return err;
	}
	/* Counting CPUMAP drops is telemetry: steer runs without it. */
	err = steerd_cpumap_trace_open(d);
	if (err)
		pr_warn("CPUMAP drops will not be counted: loading the "
			"tracepoint program: %s",
			strerror(-err));
	pr_info("%s pins under %s", d->reused_pins ? "reusing" : "created",
		d->pin_dir);
	return 0;
}

int steerd_bpf_group_prog(struct steerd *d, uint16_t group)
{
	struct steerd_group *g = &d->groups[group];
	struct steer_reuseport *skel;
	int err;

	if (g->skel)
		return bpf_program__fd(g->skel->progs.steer_reuseport);
	skel = steer_reuseport__open();
	if (!skel)
		return -errno;
	skel->rodata->group_id = group;
	err = steerd_bpf_pin_maps(d, skel->obj);
	if (!err)
		err = steer_reuseport__load(skel);
	if (err) {
		steer_reuseport__destroy(skel);
		return err;
	}
	g->skel = skel;
	return bpf_program__fd(skel->progs.steer_reuseport);
}

void steerd_bpf_group_release(struct steerd *d, uint16_t group)
{
	steer_reuseport__destroy(d->groups[group].skel);
	d->groups[group].skel = NULL;
}

static void unpin_all(struct steerd *d, struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
		if (!bpf_map__is_internal(map))
			bpf_map__unpin(map, NULL);
}

void steerd_bpf_close(struct steerd *d, bool unpin)
{
	int i;

	for (i = 0; i < STEER_MAX_GROUPS; i++)
		steerd_bpf_group_release(d, i);
	if (unpin && d->cpumap_trace)
		unpin_all(d, d->cpumap_trace->obj);
	steerd_cpumap_trace_close(d);
	if (unpin && d->xdp)
		unpin_all(d, d->xdp->obj);
	if (unpin && d->lifecycle)
		unpin_all(d, d->lifecycle->obj);
	/* Empty now; so is the --bpffs directory when steerd made it. */
	if (unpin && !rmdir(d->pin_dir) && d->made_bpffs_dir)
		rmdir(d->bpffs);
	steer_lifecycle__destroy(d->lifecycle);
	steer_xdp__destroy(d->xdp);
	d->lifecycle = NULL;
	d->xdp = NULL;
}
