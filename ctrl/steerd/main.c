// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd: owns steer's BPF objects, keeps the socket maps in step with
 * listener lifecycles and answers steerctl. Runs in the foreground; the
 * dataplane runs from pins and survives its exit, crash or upgrade.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "steerd.h"
#include "xsk.h"
#include "dataplane/bpf_log.h"
#include "lib/clock.h"
#include "lib/defaults.h"
#include "lib/log.h"
#include "lib/netns.h"
#include "lib/notify.h"
#include "lib/proto.h"
#include "lib/version.h"
#include "netlink/nlsock.h"

/* What woke the loop: a source below, or else a peer, by its id (> 0). */
enum {
	EV_LISTEN = STEERD_EV_LISTEN,
	EV_SIGNAL = -2,
	EV_TIMER = -3,
	EV_EVENTS = -4,
	EV_LINKS = -5,
	EV_ETHTOOL = -6,
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: steerd [OPTIONS]\n"
		"Keeps steer's BPF maps in step with listeners; steerctl "
		"drives it.\n\n"
		"  --bpffs DIR        pin directory (default %s)\n"
		"  --socket PATH      control socket (default %s)\n"
		"  --group NAME       also accept requests from this group\n"
		"  --config FILE      apply this steer.conf at start and on "
		"SIGHUP\n"
		"  --log-level LEVEL  warn, info (default) or debug\n"
		"  --metrics ADDR:PORT  serve Prometheus metrics at "
		"http://ADDR:PORT/metrics\n"
		"                     (off by default; [ADDR] for IPv6)\n"
		"  -h, --help         this help\n"
		"  -V, --version      version and ABI\n\n"
		"SIGTERM/SIGINT: exit, leaving the dataplane running. "
		"'steerctl shutdown --detach' removes it.\n"
		"SIGHUP: apply --config's file again.\n",
		steer_default_bpffs(), steer_default_socket());
}

static int on_event(void *ctx, void *data, size_t size)
{
	const struct steer_event *ev = data;

	if (size >= sizeof(*ev) && ev->type == STEER_EV_LISTENER_CLOSED)
		steerd_listener_closed(ctx, ev->cookie, ev->ktime_ns);
	return 0;
}

static int add_fd(struct steerd *d, int fd, int64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

/* The loop's own sources: epoll, signals, the tick. */
static void loop_close(struct steerd *d)
{
	if (d->timer_fd >= 0)
		close(d->timer_fd);
	if (d->signal_fd >= 0)
		close(d->signal_fd);
	if (d->epfd >= 0)
		close(d->epfd);
	d->epfd = d->signal_fd = d->timer_fd = d->pin_lock_fd = -1;
}

static int loop_open(struct steerd *d)
{
	struct itimerspec tick = {
		.it_interval.tv_nsec = STEERD_TICK_MS * NSEC_PER_MSEC,
		.it_value.tv_nsec = STEERD_TICK_MS * NSEC_PER_MSEC,
	};
	sigset_t mask;
	int err;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGPIPE);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	d->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	d->timer_fd =
		timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (d->epfd < 0 || d->signal_fd < 0 || d->timer_fd < 0 ||
	    timerfd_settime(d->timer_fd, 0, &tick, NULL)) {
		err = -errno;
		goto out_close;
	}
	err = add_fd(d, d->signal_fd, EV_SIGNAL);
	if (!err)
		err = add_fd(d, d->timer_fd, EV_TIMER);
	if (err)
		goto out_close;
	return 0;

out_close:
	loop_close(d);
	return err;
}

/* The lifecycle program's ring buffer: listener closes. */
static int events_open(struct steerd *d)
{
	int err;

	d->events = ring_buffer__new(d->socks.events, on_event, d, NULL);
	if (!d->events)
		return -errno;
	err = add_fd(d, ring_buffer__epoll_fd(d->events), EV_EVENTS);
	if (err) {
		ring_buffer__free(d->events);
		d->events = NULL;
	}
	return err;
}

/* The link and ethtool monitors (the latter absent on older kernels). */
static int links_open(struct steerd *d)
{
	int links_fd, ethtool_fd, err;

	err = steerd_iface_watch_open(d, &links_fd, &ethtool_fd);
	if (err)
		return err;
	err = add_fd(d, links_fd, EV_LINKS);
	if (!err && ethtool_fd >= 0)
		err = add_fd(d, ethtool_fd, EV_ETHTOOL);
	if (err)
		steerd_iface_watch_close(d);
	return err;
}

/*
 * What the pins hold: groups, then their listeners, then interfaces, then
 * the AF_XDP sockets on them.
 */
static int restore(struct steerd *d)
{
	int err = steerd_group_restore(d);

	if (!err)
		err = steerd_listeners_restore(d);
	if (!err)
		err = steerd_iface_restore(d);
	if (!err)
		err = steerd_xsk_restore(d);
	return err;
}

/* Every control connection is a descriptor: allow what the system does. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		pr_warn("raising the descriptor limit: %s", strerror(errno));
}

/* systemd's STATUS= line: what steerd steers now. */
static void notify_state(struct steerd *d, bool ready)
{
	int groups = 0, ifaces = 0, i;

	for (i = 0; i < STEER_MAX_GROUPS; i++)
		groups += d->groups[i].g.name[0] != '\0';
	for (i = 0; i < STEER_MAX_IFACES; i++)
		ifaces += d->ifaces[i].in_use;
	notify_status(ready, "%d group(s), %d interface(s)%s", groups, ifaces,
		      d->config_failed ? "; the last --config apply failed" :
					 "");
}

/* SIGHUP: --config's file again, as systemctl reload asks. */
static void reload(struct steerd *d)
{
	if (!d->config_path) {
		pr_info("SIGHUP: no --config to apply");
		return;
	}
	notify_reloading();
	d->config_failed = steerd_config_apply(d) != 0;
	notify_state(d, true);
}

/* The domain hears of a peer's end before the transport forgets it. */
static void drop_peer(struct steerd *d, struct steerd_peer *peer)
{
	steerd_peer_gone(d, peer);
	steerd_ctl_drop(d, peer);
}

/* One request from peer: received, dispatched, answered. */
static void serve(struct steerd *d, struct steerd_peer *peer)
{
	json_t *req = NULL, *reply;
	int fd = -1, err;

	err = steerd_ctl_recv(d, peer, &req, &fd);
	if (err == -EAGAIN)
		return;
	if (err == -ECONNRESET) {
		drop_peer(d, peer);
		return;
	}
	if (err)
		reply = proto_reply_error(err, "bad request: %s",
					  strerror(-err));
	else
		reply = steerd_cmd_call(d, peer, req, fd);
	/* steerd keeps no reference to a listener: that is the kernel's. */
	if (fd >= 0)
		close(fd);
	json_decref(req);
	if (!reply)
		return; /* answered later (drain --wait) */
	/* A peer that may call nothing is answered once, then let go. */
	if (steerd_send(d, peer->id, reply) == -ECONNRESET || !peer->allowed)
		drop_peer(d, peer);
	json_decref(reply);
}

/* Connections that never sent a request hold a place for nothing. */
static void drop_idle(struct steerd *d)
{
	struct steerd_peer *peer;
	int pos = 0;

	while ((peer = steerd_ctl_next_idle(d, clock_now_ms(), &pos))) {
		pr_debug("closing an idle connection (pid %d)", peer->pid);
		drop_peer(d, peer);
	}
}

static void on_tick(struct steerd *d, uint64_t *last_reconcile)
{
	uint64_t ticks;

	if (read(d->timer_fd, &ticks, sizeof(ticks)) < 0)
		return;
	steerd_drain_tick(d);
	steerd_udp_tick(d);
	steerd_ctl_resume(d);
	if (clock_now_ms() - *last_reconcile >= STEERD_RECONCILE_MS) {
		steerd_reconcile(d);
		steerd_iface_tick(d);
		steerd_xsk_reconcile(d);
		drop_idle(d);
		*last_reconcile = clock_now_ms();
	}
}

static void on_signal(struct steerd *d)
{
	struct signalfd_siginfo si;

	if (read(d->signal_fd, &si, sizeof(si)) != sizeof(si) ||
	    si.ssi_signo == SIGPIPE)
		return;
	if (si.ssi_signo == SIGHUP) {
		reload(d);
	} else {
		pr_info("signal %d: exiting; the dataplane keeps running",
			si.ssi_signo);
		d->running = false;
	}
}

static void run(struct steerd *d)
{
	struct epoll_event evs[32];
	uint64_t last_reconcile = clock_now_ms();
	struct steerd_peer *peer;
	int n, i;

	while (d->running) {
		n = epoll_wait(d->epfd, evs, 32, -1);
		if (n < 0 && errno != EINTR)
			break;
		for (i = 0; i < n && d->running; i++) {
			int64_t tag = (int64_t)evs[i].data.u64;

			switch (tag) {
			case EV_LISTEN:
				steerd_ctl_accept(d);
				break;
			case EV_SIGNAL:
				on_signal(d);
				break;
			case EV_TIMER:
				on_tick(d, &last_reconcile);
				break;
			case EV_EVENTS:
				ring_buffer__consume(d->events);
				break;
			case EV_LINKS:
				steerd_iface_link_event(d);
				break;
			case EV_ETHTOOL:
				steerd_iface_ethtool_event(d);
				break;
			default: /* a peer, by its id */
				peer = steerd_ctl_peer(d, tag);
				if (peer)
					serve(d, peer);
			}
		}
	}
}

static struct steerd daemon_state; /* large: not on the stack */

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bpffs", required_argument, NULL, 'b' },
		{ "socket", required_argument, NULL, 's' },
		{ "group", required_argument, NULL, 'g' },
		{ "config", required_argument, NULL, 'c' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "metrics", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{},
	};
	struct steerd *d = &daemon_state;
	struct parse_err perr;
	struct group *gr;
	int opt, err;

	steer_log_set_name("steerd");
	d->bpffs = steer_default_bpffs();
	d->sock_path = steer_default_socket();
	d->allowed_gid = (gid_t)-1;
	d->dispatcher_seen = -1;
	d->epfd = d->signal_fd = d->timer_fd = d->pin_lock_fd = -1;

	while ((opt = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			d->bpffs = optarg;
			break;
		case 's':
			d->sock_path = optarg;
			break;
		case 'c':
			d->config_path = optarg;
			break;
		case 'g':
			gr = getgrnam(optarg);
			if (!gr) {
				fprintf(stderr,
					"steerd: no group '%s' on this "
					"system\n",
					optarg);
				return 2;
			}
			d->allowed_gid = gr->gr_gid;
			break;
		case 'l':
			if (!strcmp(optarg, "warn"))
				steer_log_set_level(STEER_LOG_WARN);
			else if (!strcmp(optarg, "info"))
				steer_log_set_level(STEER_LOG_INFO);
			else if (!strcmp(optarg, "debug"))
				steer_log_set_level(STEER_LOG_DEBUG);
			else {
				fprintf(stderr,
					"steerd: bad log level '%s': warn, "
					"info or debug\n",
					optarg);
				return 2;
			}
			break;
		case 'm':
			if (parse_addr_port(optarg, &d->metrics_addr,
					    &d->metrics_port, &perr)) {
				fprintf(stderr, "steerd: --metrics %s: %s\n",
					optarg, perr.msg);
				return 2;
			}
			d->metrics_arg = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("steerd %s (ABI %d)\n", STEER_VERSION,
			       STEER_ABI_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr,
			"steerd: unexpected argument '%s'; see "
			"steerd --help\n",
			argv[optind]);
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "steerd: must run as root (BPF, XDP and "
				"network administration)\n");
		return 1;
	}
	steer_log_setup_libbpf();
	raise_fd_limit();
	d->running = true;

	/* Every check before anything is created: pins, directories, socket. */
	err = netns_cookie_self(&d->netns_cookie);
	if (err)
		goto out;
	/* These two say why they refuse, in one line. */
	if (steerd_ctl_check(d) || steerd_bpf_lock(d))
		return 1;
	err = steerd_bpf_open(d);
	if (err)
		goto out_bpf; /* what it opened before failing */
	/* Discovery's netlink sockets, for restore and every attach. */
	err = nl_ctx_open(&d->nl);
	if (err)
		goto out_bpf;
	err = restore(d);
	if (err)
		goto out_nl;
	err = loop_open(d);
	if (err)
		goto out_nl;
	err = events_open(d);
	if (err)
		goto out_loop;
	err = links_open(d);
	if (err)
		goto out_events;
	err = steerd_ctl_open(d);
	if (err)
		goto out_links;
	err = steerd_metrics_start(d);
	if (err)
		goto out_ctl;
	/* systemd hears READY once the file is applied, or steerd gives up. */
	if (d->config_path) {
		err = steerd_config_apply(d);
		if (err)
			goto out_metrics;
	}
	pr_info("steerd %s ready on %s (ABI %d)", STEER_VERSION, d->sock_path,
		STEER_ABI_VERSION);
	notify_state(d, true);
	run(d);
	notify_stopping();
out_metrics:
	steerd_metrics_stop(d);
	if (d->detach_on_exit) {
		steerd_iface_detach_all(d);
		pr_info("detached every interface and removed the pins");
	}

out_ctl:
	steerd_ctl_close(d);
out_links:
	steerd_iface_watch_close(d);
out_events:
	ring_buffer__free(d->events);
	d->events = NULL;
out_loop:
	loop_close(d);
out_nl:
	diag_table_free(&d->drain_table);
	nl_ctx_close(d->nl);
	d->nl = NULL;
out_bpf:
	steerd_bpf_close(d, d->detach_on_exit);
	steerd_bpf_unlock(d);
out:
	if (err)
		pr_warn("cannot start: %s", strerror(-err));
	return err ? 1 : 0;
}
