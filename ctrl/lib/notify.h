/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The systemd notification protocol (sd_notify(3)), spoken directly: one
 * datagram of "KEY=VALUE" lines to the socket named by $NOTIFY_SOCKET. It
 * is a stable, documented wire format of a few lines, so steerd need not
 * link libsystemd for it. Without $NOTIFY_SOCKET (not started by systemd,
 * or not Type=notify) every call does nothing and returns 0.
 */
#ifndef STEER_NOTIFY_H
#define STEER_NOTIFY_H

/*
 * Sends the state lines (e.g. "READY=1\nSTATUS=steering 2 groups").
 * Returns 0, or a negative errno (the socket path is invalid, or sending
 * failed); callers log it and go on: systemd's view is not the dataplane.
 */
int notify_send(const char *state);

/* STATUS=<printf>, and READY=1 first when ready is true. */
int notify_status(int ready, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Around a reload (SIGHUP): RELOADING=1, then notify_status(1, ...). */
int notify_reloading(void);
/* Shutting down: STOPPING=1. */
int notify_stopping(void);

#endif /* STEER_NOTIFY_H */
