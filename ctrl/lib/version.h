/* SPDX-License-Identifier: GPL-2.0-only */
/* The release version of steer's userland (steerctl, steerd). */
#ifndef STEER_VERSION_H
#define STEER_VERSION_H

#define STEER_VERSION "0.1.0"

#endif /* STEER_VERSION_H */
