// SPDX-License-Identifier: GPL-2.0-only
/*
 * Adoption of an unmodified server: the real nginx, one worker per CPU
 * (worker_cpu_affinity auto, listen ... reuseport), run in the server
 * namespace with a generated config; clients pinned to each CPU of the
 * client namespace. Locality without steer (the baseline, printed) and
 * adopted (>= 99%), the adopt verb and its refusals, a reload every second
 * during a storm (nothing refused, reset or timed out), a SIGKILLed worker
 * (its slot follows the respawned one), nginx stopped (slots empty, the
 * group stays, steerd holds nothing of it).
 *
 * Locality is measured by the client: the body names the worker's pid, the
 * worker's CPU is its affinity (nginx cannot say its CPU), and the flow's
 * CPU is the one the client sent it from: on a veth the frames arrive on
 * the sender's CPU, and steer's cpu tables keep a CPU's arrivals there when
 * every CPU has a worker (asserted: steer redirected no SYN).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <jansson.h>

#include "host/proc_fds.h"
#include "lib/proto.h"
#include "netlink/diag.h"
#include "steerd_env.h"
#include "tests/lib/network_helpers.h"

#define NGINX "/usr/sbin/nginx"
#define PORT 8090
#define TARGET ENV_SRV_ADDR ":8090"
#define MAX_CPUS 64
#define MAX_PIDS 256
#define LOCALITY_MIN 99.0
#define CONNS_PER_CPU 1500
#define STORM_US 6000000
#define RELOAD_EVERY_US 1000000
#define IO_TIMEOUT_S 3 /* a SYN dropped twice takes 3 s */
#define WAIT_US 5000000 /* for nginx to start, steerd to follow */

static int client_ns = -1;
static int nr_cpus;
static char dir[] = "/tmp/steer-adopt-XXXXXX";
static pid_t master; /* nginx's master, our child; 0: none */

/* What one client process saw. */
struct load_result {
	uint64_t ok, refused, reset, timeout, other;
	uint64_t local; /* served by a worker pinned to the client's CPU */
	uint32_t npids;
	struct {
		pid_t pid;
		int cpu;
	} seen[MAX_PIDS]; /* the workers that answered, with their CPU */
};

/* nginx's config with `workers` workers, one per CPU from CPU 0 on. */
static void write_config(int workers)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/nginx.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
		"worker_processes %d;\n"
		"worker_cpu_affinity auto;\n"
		"daemon on;\n"
		"pid %s/nginx.pid;\n"
		"error_log %s/error.log notice;\n"
		"events { worker_connections 1024; }\n"
		"http {\n"
		"  access_log off;\n"
		"  client_body_temp_path %s/body;\n"
		"  proxy_temp_path %s/proxy;\n"
		"  fastcgi_temp_path %s/fastcgi;\n"
		"  uwsgi_temp_path %s/uwsgi;\n"
		"  scgi_temp_path %s/scgi;\n"
		"  server {\n"
		"    listen %s:%d reuseport;\n"
		"    keepalive_timeout 0;\n"
		"    location / {\n"
		"      add_header X-Worker-Pid $pid;\n"
		"      return 200 \"pid=$pid\\n\";\n"
		"    }\n"
		"  }\n"
		"}\n",
		workers, dir, dir, dir, dir, dir, dir, dir, ENV_SRV_ADDR, PORT);
	fclose(f);
}

/* The live children of ppid: nginx's workers (and nothing else here). */
static int children_of(pid_t ppid, pid_t *out, int max)
{
	char path[300], buf[512], *p;
	struct dirent *de;
	int n = 0, parent;
	DIR *proc = opendir("/proc");
	FILE *f;

	assert_non_null(proc);
	while ((de = readdir(proc)) && n < max) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		fclose(f);
		/* ") S PPID": a zombie (Z) is no worker. */
		if (p && sscanf(p + 2, "%*c %d", &parent) == 1 &&
		    parent == ppid && p[2] != 'Z')
			out[n++] = atoi(de->d_name);
	}
	closedir(proc);
	return n;
}

/* Whether CPUs 0..want-1 each have a live worker pinned, and no other runs. */
static bool workers_ready(int want)
{
	pid_t w[MAX_PIDS];
	bool seen[MAX_CPUS] = { false };
	int n = children_of(master, w, MAX_PIDS), i, cpu;

	for (i = 0; i < n; i++) {
		if (proc_task_cpu(w[i], &cpu) || cpu >= MAX_CPUS)
			return false;
		seen[cpu] = true;
	}
	for (i = 0; i < want; i++)
		if (!seen[i])
			return false;
	return n == want;
}

/* The master's pid from nginx's pid file (name: nginx.pid, .oldbin). */
static pid_t pid_file(const char *name)
{
	char path[256];
	FILE *f;
	int pid = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return pid;
}

/* Waits until nginx runs `want` workers, each pinned to its CPU. */
static void wait_workers(int want)
{
	uint64_t start = clock_now_us();

	while (!workers_ready(want))
		assert_true(clock_now_us() - start < WAIT_US);
	usleep(200000); /* the workers poll their listeners */
}

/*
 * nginx as it runs in production: a daemon, its master found in the pid
 * file. The test is the subreaper of what it starts, so the master (and an
 * upgraded one) is its child to reap.
 */
static void nginx_start(void)
{
	char conf[256], err[256];
	uint64_t start;
	pid_t pid;
	int status;

	write_config(nr_cpus);
	snprintf(conf, sizeof(conf), "%s/nginx.conf", dir);
	snprintf(err, sizeof(err), "%s/error.log", dir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Its full path: USR2 executes argv[0] again. */
		execl(NGINX, NGINX, "-p", dir, "-c", conf, "-e", err,
		      (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	start = clock_now_us();
	while (!(master = pid_file("nginx.pid")))
		assert_true(clock_now_us() - start < WAIT_US);
	wait_workers(nr_cpus);
}

static void unlink_pid_file(void)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/nginx.pid", dir);
	unlink(path);
}

/* Stops nginx (fast shutdown) and reaps it. */
static void nginx_stop(void)
{
	if (!master)
		return;
	kill(master, SIGTERM);
	waitpid(master, NULL, 0);
	master = 0;
	unlink_pid_file();
}

/*
 * Kills a master and its workers: a daemon's master leads its process
 * group, but an upgraded one stays in its predecessor's.
 */
static void kill_master(pid_t pid)
{
	pid_t w[MAX_PIDS];
	int n, i;

	n = children_of(pid, w, MAX_PIDS);
	kill(pid, SIGKILL);
	for (i = 0; i < n; i++)
		kill(w[i], SIGKILL);
	waitpid(pid, NULL, 0);
	/* Orphaned, the workers are the test's (its subreaper's) to reap. */
	for (i = 0; i < n; i++)
		waitpid(w[i], NULL, 0);
}

/* What a failed test left running. */
static int kill_nginx(void **state)
{
	pid_t old = pid_file("nginx.pid.oldbin");

	if (old > 0)
		kill_master(old);
	if (master)
		kill_master(master);
	master = 0;
	unlink_pid_file();
	return 0;
}

static int cpu_of(struct load_result *r, pid_t pid)
{
	uint32_t i;
	int cpu = -1;

	for (i = 0; i < r->npids; i++)
		if (r->seen[i].pid == pid)
			return r->seen[i].cpu;
	if (proc_task_cpu(pid, &cpu))
		cpu = -1;
	if (r->npids < MAX_PIDS) {
		r->seen[r->npids].pid = pid;
		r->seen[r->npids++].cpu = cpu;
	}
	return cpu;
}

/* One HTTP/1.0 request on a new connection; the answering pid, or -errno. */
static int one_request(const struct sockaddr_in *srv)
{
	static const char req[] = "GET / HTTP/1.0\r\nHost: steer\r\n\r\n";
	struct timeval tv = { .tv_sec = IO_TIMEOUT_S };
	char buf[1024], *body;
	size_t got = 0;
	ssize_t n;
	int fd, ret;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (const struct sockaddr *)srv, sizeof(*srv)) ||
	    write(fd, req, sizeof(req) - 1) != sizeof(req) - 1) {
		ret = -errno;
		goto out;
	}
	while (got < sizeof(buf) - 1 &&
	       (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	if (n < 0) {
		ret = -errno;
		goto out;
	}
	/* Closed unanswered: a worker killed holding it (as a reset). */
	if (!got) {
		ret = -ECONNRESET;
		goto out;
	}
	buf[got] = '\0';
	body = strstr(buf, "\r\n\r\npid=");
	ret = body && !strncmp(buf, "HTTP/1.1 200", 12) ? atoi(body + 8) :
							  -EPROTO;
	if (ret == 0)
		ret = -EPROTO;
out:
	close(fd);
	return ret;
}

static void count(struct load_result *r, int ret, int cpu)
{
	if (ret > 0) {
		r->ok++;
		r->local += cpu_of(r, ret) == cpu;
	} else if (ret == -ECONNREFUSED) {
		r->refused++;
	} else if (ret == -ECONNRESET || ret == -EPIPE) {
		r->reset++;
	} else if (ret == -EAGAIN || ret == -EINPROGRESS || ret == -ETIMEDOUT) {
		r->timeout++;
	} else {
		r->other++;
	}
}

/* A client on cpu: conns connections, or as many as fit in until_us. */
static void client(int cpu, int conns, uint64_t until_us, int out)
{
	struct sockaddr_in srv = { .sin_family = AF_INET,
				   .sin_port = htons(PORT) };
	struct load_result r = { 0 };
	cpu_set_t set;
	int i;

	inet_pton(AF_INET, ENV_SRV_ADDR, &srv.sin_addr);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (netns_enter(client_ns) || sched_setaffinity(0, sizeof(set), &set))
		_exit(127);
	for (i = 0; conns ? i < conns : clock_now_us() < until_us; i++)
		count(&r, one_request(&srv), cpu);
	if (write(out, &r, sizeof(r)) != sizeof(r))
		_exit(126);
	_exit(0);
}

struct load {
	pid_t pids[MAX_CPUS];
	int fds[MAX_CPUS];
};

/* A client per CPU; conns each, or for duration_us when conns is 0. */
static void load_start(struct load *l, int conns, uint64_t duration_us)
{
	uint64_t until = clock_now_us() + duration_us;
	int i, p[2];

	for (i = 0; i < nr_cpus; i++) {
		assert_int_equal(pipe(p), 0);
		l->pids[i] = fork();
		assert_true(l->pids[i] >= 0);
		if (l->pids[i] == 0) {
			close(p[0]);
			client(i, conns, until, p[1]);
		}
		close(p[1]);
		l->fds[i] = p[0];
	}
}

/* Waits for the clients; the sum of what they saw. */
static struct load_result load_wait(struct load *l)
{
	struct load_result sum = { 0 }, r;
	int i, status;

	for (i = 0; i < nr_cpus; i++) {
		assert_int_equal(read(l->fds[i], &r, sizeof(r)), sizeof(r));
		close(l->fds[i]);
		assert_int_equal(waitpid(l->pids[i], &status, 0), l->pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		sum.ok += r.ok;
		sum.refused += r.refused;
		sum.reset += r.reset;
		sum.timeout += r.timeout;
		sum.other += r.other;
		sum.local += r.local;
	}
	return sum;
}

static double report(const char *what, const struct load_result *r)
{
	uint64_t all = r->ok + r->refused + r->reset + r->timeout + r->other;
	double locality = r->ok ? 100.0 * r->local / r->ok : 0;

	printf("# %s: %llu connections, ok %llu refused %llu reset %llu "
	       "timeout %llu other %llu; locality %.2f%%\n",
	       what, (unsigned long long)all, (unsigned long long)r->ok,
	       (unsigned long long)r->refused, (unsigned long long)r->reset,
	       (unsigned long long)r->timeout, (unsigned long long)r->other,
	       locality);
	return locality;
}

static long long field(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* Waits until every CPU's slot holds an adopted listener of a worker. */
static void wait_adopted(const char *group)
{
	uint64_t start = clock_now_us();
	bool done = false;

	while (!done) {
		json_t *show = env_group_show(group), *s;
		pid_t w[MAX_PIDS];
		int n = children_of(master, w, MAX_PIDS), i, ok = 0, cpu;
		size_t k;

		json_array_foreach(json_object_get(show, "slots"), k, s)
		{
			pid_t pid = field(s, "pid");
			bool current = false;

			for (i = 0; i < n; i++)
				current |= w[i] == pid;
			ok += current &&
			      json_is_true(json_object_get(s, "adopted")) &&
			      !proc_task_cpu(pid, &cpu) &&
			      cpu == field(s, "slot") &&
			      !strcmp(json_string_value(
					      json_object_get(s, "state")),
				      "active");
		}
		done = ok == nr_cpus &&
		       json_array_size(json_object_get(show, "slots")) ==
			       (size_t)nr_cpus;
		json_decref(show);
		if (!done) {
			assert_true(clock_now_us() - start < WAIT_US);
			usleep(50000);
		}
	}
	printf("# %s: every slot adopted, each by the worker pinned to its "
	       "CPU, %.3f s after the change\n",
	       group, (clock_now_us() - start) / 1e6);
}

/* Waits until the group has `want` slots in use. */
static void wait_slots(const char *group, size_t want)
{
	uint64_t start = clock_now_us();
	json_t *show;
	size_t n;

	for (;;) {
		show = env_group_show(group);
		n = json_array_size(json_object_get(show, "slots"));
		json_decref(show);
		if (n == want)
			break;
		assert_true(clock_now_us() - start < WAIT_US);
		usleep(50000);
	}
	printf("# %s: %zu slot(s) in use after %.3f s\n", group, want,
	       (clock_now_us() - start) / 1e6);
}

/* Waits until the stopped server's slots are empty. */
static void wait_empty(const char *group)
{
	uint64_t start = clock_now_us();

	while (env_active_count(group))
		assert_true(clock_now_us() - start < WAIT_US);
	printf("# %s: nginx stopped, slots empty after %.3f s\n", group,
	       (clock_now_us() - start) / 1e6);
}

/* The slot's listener is alive: its cookie is among the listeners. */
static void assert_slots_live(const char *group)
{
	json_t *show = env_group_show(group), *s;
	struct diag_listener dl;
	size_t k;

	json_array_foreach(json_object_get(show, "slots"), k, s)
		assert_int_equal(
			diag_listener_by_cookie(field(s, "cookie"), &dl), 0);
	json_decref(show);
}

/* steer's SYN counters summed over the group's slots. */
static void steer_syns(const char *group, long long *redirected,
		       long long *select_local, long long *selected)
{
	json_t *show = env_group_show(group), *s;
	size_t k;

	*redirected = *select_local = *selected = 0;
	json_array_foreach(json_object_get(show, "slots"), k, s)
	{
		*redirected += field(s, "redirected");
		*select_local += field(s, "select_local");
		*selected += field(s, "select_local") +
			     field(s, "select_fallback") +
			     field(s, "select_none");
	}
	json_decref(show);
}

/* steerd, our child. */
static pid_t steerd_pid(void)
{
	pid_t kids[MAX_PIDS];
	char comm[PROC_COMM_MAX];
	int n = children_of(getpid(), kids, MAX_PIDS), i;

	for (i = 0; i < n; i++) {
		proc_comm(kids[i], comm, sizeof(comm));
		if (!strcmp(comm, "steerd"))
			return kids[i];
	}
	fail_msg("no steerd among the test's children");
	return -1;
}

static int collect_port(const struct diag_listener *dl, void *arg)
{
	struct diag_table *t = arg;

	if (dl->port != PORT)
		return 0;
	if (t->count < t->capacity)
		t->entries[t->count] = *dl;
	t->count++;
	return 0;
}

/* How many listeners are on PORT; the first max of them into out. */
static size_t port_listeners(struct diag_listener *out, size_t max)
{
	struct diag_table t = { .entries = out, .capacity = max };

	assert_int_equal(diag_listeners(AF_INET, collect_port, &t), 0);
	return t.count;
}

/* steerd holds none of the listeners on PORT: adoption kept no copy. */
static void assert_steerd_holds_none(void)
{
	struct diag_listener dl[MAX_CPUS];
	uint64_t inos[MAX_CPUS];
	struct proc_sock_ref *refs;
	size_t n = port_listeners(dl, MAX_CPUS), nrefs, i;
	pid_t steerd = steerd_pid();

	assert_true(n > 0 && n <= MAX_CPUS);
	for (i = 0; i < n; i++)
		inos[i] = dl[i].inode;
	assert_int_equal(proc_sock_refs(inos, n, &refs, &nrefs), 0);
	for (i = 0; i < nrefs; i++)
		assert_true(refs[i].pid != steerd);
	free(refs);
}

/*
 * nginx plain (the baseline) and adopted by `group add --adopt`, then a
 * reload storm, a killed worker, and nginx stopped: one server's life.
 */
static void test_nginx_life(void **state)
{
	long long redirected, select_local, selected, r0, l0, s0;
	char out[4096], cmd[128];
	struct load_result r;
	struct load l;
	double plain, adopted;
	uint64_t start, next;
	json_t *show, *s;
	pid_t victim, old, w[MAX_PIDS];
	int i, n;

	env_check();
	nginx_start();
	load_start(&l, CONNS_PER_CPU, 0);
	r = load_wait(&l);
	plain = report("nginx, plain reuseport (baseline)", &r);
	assert_int_equal(r.ok, (uint64_t)nr_cpus * CONNS_PER_CPU);

	assert_int_equal(env_steerctl("group add web --listen " TARGET
				      " --adopt",
				      out, sizeof(out)),
			 0);
	wait_adopted("web");
	assert_int_equal(env_steerctl("group show web", out, sizeof(out)), 0);
	printf("%s", out);
	assert_non_null(strstr(out, "adopted (nginx)"));
	/* steerd keeps no descriptor of what it adopted. */
	assert_steerd_holds_none();

	steer_syns("web", &r0, &l0, &s0);
	load_start(&l, CONNS_PER_CPU, 0);
	r = load_wait(&l);
	adopted = report("nginx, adopted, cpu steering", &r);
	steer_syns("web", &redirected, &select_local, &selected);
	printf("# steer: %lld SYNs selected, %lld for the local CPU's "
	       "listener, %lld redirected\n",
	       selected - s0, select_local - l0, redirected - r0);
	printf("# locality: %.2f%% adopted, %.2f%% plain\n", adopted, plain);
	assert_int_equal(r.ok, (uint64_t)nr_cpus * CONNS_PER_CPU);
	assert_true(adopted >= LOCALITY_MIN);
	/* The client's CPU was steer's choice: nothing was redirected. */
	assert_int_equal(redirected - r0, 0);

	/* A reload every second under load. */
	load_start(&l, 0, STORM_US);
	start = clock_now_us();
	for (next = start + RELOAD_EVERY_US; next < start + STORM_US;
	     next += RELOAD_EVERY_US) {
		usleep(next - clock_now_us());
		kill(master, SIGHUP);
	}
	r = load_wait(&l);
	report("nginx reloaded every second", &r);
	assert_true(r.ok > 0);
	assert_int_equal(r.refused + r.reset + r.timeout + r.other, 0);
	/* The reloads' old workers leave; the current ones hold the slots. */
	wait_workers(nr_cpus);
	wait_adopted("web");
	assert_slots_live("web");

	/* A worker killed: nginx respawns it, its slot follows. */
	show = env_group_show("web");
	s = json_array_get(json_object_get(show, "slots"), 0);
	victim = field(s, "pid");
	json_decref(show);
	load_start(&l, 0, 3000000);
	usleep(500000);
	assert_int_equal(kill(victim, SIGKILL), 0);
	r = load_wait(&l);
	report("a worker SIGKILLed", &r);
	printf("# %llu reset or closed unanswered: connections the killed "
	       "worker held\n",
	       (unsigned long long)r.reset);
	assert_int_equal(r.refused + r.timeout + r.other, 0);
	wait_adopted("web");
	n = children_of(master, w, MAX_PIDS);
	for (i = 0; i < n; i++)
		assert_true(w[i] != victim);
	assert_slots_live("web");

	/* worker_processes 1 and back: slot 1's listener closes, then new. */
	if (nr_cpus > 1) {
		load_start(&l, 0, 3000000);
		write_config(1);
		kill(master, SIGHUP);
		wait_workers(1);
		wait_slots("web", 1);
		write_config(nr_cpus);
		kill(master, SIGHUP);
		wait_workers(nr_cpus);
		r = load_wait(&l);
		report("worker_processes 1, then one per CPU again", &r);
		assert_int_equal(r.refused + r.reset + r.timeout + r.other, 0);
		wait_adopted("web");
		assert_slots_live("web");
	}

	/* A binary upgrade: USR2, then the old master retires (WINCH, QUIT). */
	old = master;
	load_start(&l, 0, 4000000);
	usleep(300000);
	assert_int_equal(kill(old, SIGUSR2), 0);
	start = clock_now_us();
	while ((master = pid_file("nginx.pid")) == old || !master)
		assert_true(clock_now_us() - start < WAIT_US);
	wait_workers(nr_cpus);
	kill(old, SIGWINCH);
	usleep(500000);
	kill(old, SIGQUIT);
	assert_int_equal(waitpid(old, NULL, 0), old);
	r = load_wait(&l);
	report("binary upgrade (USR2, WINCH, QUIT)", &r);
	assert_int_equal(r.refused + r.reset + r.timeout + r.other, 0);
	wait_adopted("web");
	assert_slots_live("web");

	/*
	 * steerd restarted: the slots come back from the pins, unmarked and
	 * not followed, until the group is put in adopt mode again.
	 */
	env_stop_steerd(SIGKILL);
	assert_int_equal(env_start_steerd(), 0);
	assert_int_equal(env_active_count("web"), nr_cpus);
	snprintf(cmd, sizeof(cmd), "group adopt web --pid %d", master);
	assert_int_equal(env_steerctl(cmd, out, sizeof(out)), 0);
	wait_adopted("web");

	/* nginx stops: the slots empty, the group stays, nothing held. */
	nginx_stop();
	wait_empty("web");
	show = env_group_show("web");
	assert_int_equal(json_array_size(json_object_get(show, "slots")), 0);
	json_decref(show);
	/* Nothing kept a listener of the stopped server open. */
	assert_int_equal(port_listeners(NULL, 0), 0);
}

/* The verb: refused for a process without the listeners, then adopts. */
static void test_adopt_verb(void **state)
{
	char out[4096], cmd[128];
	json_t *show;

	env_check();
	nginx_start();
	assert_int_equal(env_steerctl("group add manual --listen " TARGET, out,
				      sizeof(out)),
			 0);
	/* Not in adopt mode: nothing taken by itself. */
	usleep(1500000);
	assert_int_equal(env_active_count("manual"), 0);
	snprintf(cmd, sizeof(cmd), "group adopt manual --pid %d", getpid());
	assert_true(env_steerctl(cmd, out, sizeof(out)) != 0);
	printf("# %s", out);
	assert_non_null(strstr(out, "holds no TCP listener"));
	snprintf(cmd, sizeof(cmd), "-j group adopt manual --pid %d", master);
	assert_int_equal(env_steerctl(cmd, out, sizeof(out)), 0);
	printf("# %s", out);
	show = json_loads(out, 0, NULL);
	assert_non_null(show);
	assert_int_equal(field(show, "adopted"), nr_cpus);
	assert_int_equal(json_array_size(json_object_get(show, "problems")), 0);
	json_decref(show);
	wait_adopted("manual");
	nginx_stop();
	wait_empty("manual");
	assert_int_equal(env_steerctl("group del manual", out, sizeof(out)), 0);
}

/* Workers free to run anywhere: reported, not guessed. */
static void test_unpinned(void **state)
{
	char out[4096], cmd[128];
	pid_t w[MAX_PIDS];
	cpu_set_t all;
	int i, n;

	env_check();
	nginx_start();
	CPU_ZERO(&all);
	for (i = 0; i < nr_cpus; i++)
		CPU_SET(i, &all);
	n = children_of(master, w, MAX_PIDS);
	for (i = 0; i < n; i++)
		assert_int_equal(sched_setaffinity(w[i], sizeof(all), &all), 0);
	assert_int_equal(env_steerctl("group add loose --listen " TARGET, out,
				      sizeof(out)),
			 0);
	snprintf(cmd, sizeof(cmd), "group adopt loose --pid %d", master);
	assert_int_equal(env_steerctl(cmd, out, sizeof(out)), 0);
	printf("# %s", out);
	assert_non_null(strstr(out, "adopted 0 listener"));
	assert_non_null(strstr(out, "worker_cpu_affinity"));
	assert_int_equal(env_active_count("loose"), 0);
	nginx_stop();
	assert_int_equal(env_steerctl("group del loose", out, sizeof(out)), 0);
}

static int setup(void **state)
{
	if (access(NGINX, X_OK)) {
		printf("# %s not installed (tools/deps.sh)\n", NGINX);
		return 0;
	}
	if (env_setup())
		return 0;
	nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (nr_cpus > MAX_CPUS || !mkdtemp(dir) ||
	    prctl(PR_SET_CHILD_SUBREAPER, 1))
		return -1;
	client_ns = env_client_start(nr_cpus);
	return client_ns < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];

	env_client_stop(client_ns);
	env_teardown();
	if (strcmp(dir + strlen(dir) - 6, "XXXXXX")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			printf("# could not remove %s\n", dir);
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_adopt_verb, kill_nginx),
		cmocka_unit_test_teardown(test_unpinned, kill_nginx),
		cmocka_unit_test_teardown(test_nginx_life, kill_nginx),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("adopt", tests, setup, teardown);
}
