/* SPDX-License-Identifier: GPL-2.0-only */
/* Descriptor chores of the master's and the workers' event loops. */
#ifndef STEER_HTTP_IO_H
#define STEER_HTTP_IO_H

#include <stdint.h>

/* Events and signals taken per wakeup of an event loop. */
#define EPOLL_BATCH 64
#define SIGNALS_MAX 16

/* epoll_ctl with the event's data set to tok; 0 or a negative errno. */
int ep_ctl(int epfd, int op, int fd, uint32_t events, uint64_t tok);

/* O_NONBLOCK on fd; 0 or a negative errno. */
int set_nonblock(int fd);

#endif /* STEER_HTTP_IO_H */
