/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * steerctl's command families: each is one entry in the table in
 * steerctl.c and one file, ctrl/cmd_<family>.c, defining do_<family>().
 */
#ifndef STEER_STEERCTL_H
#define STEER_STEERCTL_H

/* argv: the words after the family's name (see struct cli_cmd). */
int do_hash(int argc, char **argv);

/* Daemon commands: each talks to steerd at cli_opts.socket_path. */
int do_iface(int argc, char **argv);
int do_group(int argc, char **argv);
int do_drain(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_status(int argc, char **argv);
/* steer.conf made real: reads steerd's state, applies the difference. */
int do_apply(int argc, char **argv);
/* What steer needs from the host and steerd; talks to steerd if it can. */
int do_doctor(int argc, char **argv);
/* Refuses to run when named by a prefix: argv[-1] must be "shutdown". */
int do_shutdown(int argc, char **argv);

#endif /* STEER_STEERCTL_H */
