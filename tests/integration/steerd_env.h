/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A steerd of the test's own: a private network and mount namespace, a
 * bpffs mounted for it alone (pins vanish with the test), steerd started
 * from the build, and the client calls the tests make of it.
 */
#ifndef STEER_TEST_STEERD_ENV_H
#define STEER_TEST_STEERD_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "lib/clock.h" /* clock_now_us() for the tests' waits */

#define ENV_SERVER_V4 "198.18.0.1"
#define ENV_OTHER_V4 "198.18.0.2"

extern char env_sock_path[];

/*
 * Enters new network and mount namespaces, mounts a private bpffs, brings
 * lo up with ENV_SERVER_V4 and ENV_OTHER_V4, starts steerd. 0, -EPERM when
 * not root, or another negative errno.
 */
int env_setup(void);
void env_teardown(void);
/*
 * The two as a cmocka group's setup and teardown; a failed setup is
 * reported by each test's env_check().
 */
int env_group_setup(void **state);
int env_group_teardown(void **state);

/* The pin directory of the test's steerd (<private bpffs>/abi1). */
const char *env_pin_dir(void);

/* Skips (not root) or fails the calling test when env_setup() did not work. */
void env_check(void);

int env_start_steerd(void);
/* steerd that also takes requests from the members of group (--group). */
int env_start_steerd_group(const char *group);
/* steerd with more arguments (NULL-terminated, at most 8). */
int env_start_steerd_args(const char *const *extra);
void env_stop_steerd(int sig);
/* Sends the running steerd sig (SIGHUP: --config again). */
void env_signal_steerd(int sig);

/* One request on a new connection; the reply's negative errno, or 0. */
int env_call(json_t *req, int fd, json_t **reply, int *conn);
/*
 * One request (taken) on a new connection, as whoever calls it; the
 * reply's negative errno or 0, steerd's message in err.
 */
int env_call_err(json_t *req, int fd, char *err, size_t len);

void env_group_add(const char *name, const char *addr, int port);
json_t *env_group_show(const char *name);
int env_active_count(const char *name);
/* Polls until the group has `want` active listeners; returns µs taken. */
uint64_t env_wait_active(const char *group, int want);

/* A TCP socket bound to addr:port (IPv4). */
int env_tcp_listener(const char *addr, int port, bool reuseport,
		     bool do_listen);

/* Registers fd with group on cpu; keeps the connection in *conn if asked. */
int env_register(const char *group, int cpu, bool standby, int fd, int *conn);

/*
 * A client network namespace joined to the test's by a veth pair with
 * `queues` queues: ENV_SRV_IF and the ENV_SRV_ADDRs here, ENV_CLI_IF and
 * the ENV_CLI_ADDRs there (/24, /64), steerd's cpu steering attached to
 * ENV_SRV_IF. Returns the descriptor that holds the namespace
 * (netns_enter() in a forked child puts that child there) or a negative
 * errno. env_client_stop() closes it; the namespace and veth go once
 * nothing holds it.
 */
#define ENV_SRV_IF "srv0"
#define ENV_CLI_IF "cli0"
#define ENV_SRV_ADDR "198.18.1.1"
#define ENV_CLI_ADDR "198.18.1.2"
#define ENV_SRV_ADDR6 "2001:db8:1::1"
#define ENV_CLI_ADDR6 "2001:db8:1::2"
int env_client_start(int queues);
void env_client_stop(int ns);

/* Attaches cpu steering (generic XDP) to ENV_SRV_IF: steerctl's status. */
int env_attach_steering(void);

/* Runs a shell command line; its exit status, its output in out. */
int env_run(const char *cmd, char *out, size_t len);

/* Runs steerctl on this steerd; its exit status, output in out. */
int env_steerctl(const char *args, char *out, size_t len);

/*
 * The live cpu-mode tables of the interface in slot 0, from steerd's pins:
 * *tables (one per possible CPU, free() it) and their number in *n.
 */
struct steer_cpu_table;
int env_cpu_tables(struct steer_cpu_table **tables, int *n);

#endif /* STEER_TEST_STEERD_ENV_H */
