/* SPDX-License-Identifier: GPL-2.0-only */
/* Small file-system helpers shared by steer's programs. */
#ifndef STEER_FS_H
#define STEER_FS_H

#include <sys/types.h>

/*
 * mkdir -p: creates path and every missing parent with mode. Returns 0 or
 * a negative errno (-ENAMETOOLONG past PATH_MAX).
 */
int fs_mkdir_p(const char *path, mode_t mode);

/* fs_mkdir_p() of the directory holding path ("/a/b/c" -> "/a/b"). */
int fs_mkdir_parent(const char *path, mode_t mode);

#endif /* STEER_FS_H */
