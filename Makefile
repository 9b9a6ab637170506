# SPDX-License-Identifier: GPL-2.0-only
# Builds steer: BPF objects and skeletons, steerd, steerctl, libsteer, the
# examples, tools and tests. Out of tree in $(O) (default build/); V=1
# shows the commands.
#
# Each program's folder is its link unit; the shared code sits below the
# programs in archives that each program links only when it uses them:
#   ctrl/lib        libc + jansson       everything
#   ctrl/netlink    libmnl               steerd, tests
#   ctrl/host       procfs, sysfs        steerd, tests
#   ctrl/dataplane  libbpf, libxdp       steerd, tests, bench_xdp
#   ctrl/steerd/    -> steerd            ctrl/steerctl/ -> steerctl
#   userland/lib    -> libsteer (with ctrl/lib inside, hidden)
#   tools/NAME/ or tools/NAME.c, userland/examples/NAME/ or NAME.c -> NAME

O ?= build
V ?= 0
SANITIZE ?= 0
PREFIX ?= /usr/local

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# clang-19 when present (preferred for BPF), else any clang.
BPF_CLANG ?= $(shell command -v clang-19 || command -v clang)
BPFTOOL ?= $(shell command -v bpftool || echo /usr/sbin/bpftool)
CC ?= cc
PKG_CONFIG ?= pkg-config
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux

pkg_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pkg_libs = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	  -D_GNU_SOURCE -MMD -MP -I. -Ictrl -Ixdp -I$(O) -Iuserland/include
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	  -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
CFLAGS += $(call pkg_cflags,libbpf libxdp libmnl jansson)

# What each layer needs from the system, so each program names its own.
LIBS_LIB := $(call pkg_libs,jansson)
LIBS_NETLINK := $(call pkg_libs,libmnl)
LIBS_DATAPLANE := $(call pkg_libs,libxdp libbpf)
LIBS_TEST := $(call pkg_libs,cmocka)
# steer.conf's reader (ctrl/lib/config.c): steerctl, steerd and tests only.
LIBS_CONFIG := $(call pkg_libs,inih)
# steerd --metrics' HTTP server (ctrl/steerd/metrics.c): steerd only.
LIBS_METRICS := $(call pkg_libs,libmicrohttpd)
LIBS_ALL := $(LIBS_DATAPLANE) $(LIBS_NETLINK) $(LIBS_LIB) $(LIBS_CONFIG)

BPF_CFLAGS := -target bpf -O2 -g -Wall -Werror -D__bpf__ \
	      -D__TARGET_ARCH_x86 -Ixdp -I$(O)

srcs = $(wildcard $(1)/*.c)
objs = $(patsubst %.c,$(O)/%.o,$(1))

# BPF programs: the product's in xdp/, the tests' own in tests/bpf/progs/;
# each gets a skeleton next to its object.
BPF_SRCS := $(wildcard xdp/*.bpf.c tests/bpf/progs/*.bpf.c)
BPF_OBJS := $(BPF_SRCS:%.bpf.c=$(O)/%.bpf.o)
SKELS := $(BPF_SRCS:%.bpf.c=$(O)/%.skel.h)
BPF_HDRS := xdp/steer_abi.h $(wildcard xdp/lib/*.h)

# The layers below the programs, one archive each.
LAYERS := lib netlink host dataplane
layer_a = $(O)/ctrl/$(1).a
LIB_A := $(call layer_a,lib)
NETLINK_A := $(call layer_a,netlink)
HOST_A := $(call layer_a,host)
DATAPLANE_A := $(call layer_a,dataplane)

# steerd and steerctl: a folder each; everything but main.c also goes in an
# archive so unit tests can link the parts they test.
STEERD_SRCS := $(call srcs,ctrl/steerd)
STEERCTL_SRCS := $(call srcs,ctrl/steerctl)
STEERD_A := $(O)/ctrl/steerd.a
STEERCTL_A := $(O)/ctrl/steerctl.a
STEERD := $(O)/steerd
STEERCTL := $(O)/steerctl
PROGRAMS := $(STEERCTL) $(STEERD)

# libsteer: the application library, shared and static. It carries ctrl/lib
# compiled -fPIC with hidden visibility: only its API is exported.
LIBSTEER_VERSION := 0.1.0
LIBSTEER_OBJS := $(patsubst %.c,$(O)/pic/%.o,$(call srcs,userland/lib))
LIB_PIC_A := $(O)/pic/ctrl/lib.a
LIB_PIC_OBJS := $(patsubst %.c,$(O)/pic/%.o,$(call srcs,ctrl/lib))
LIBSTEER_A := $(O)/libsteer.a
LIBSTEER_SO := $(O)/libsteer.so
LIBSTEER := $(LIBSTEER_A) $(LIBSTEER_SO) $(O)/steer.pc

# Programs made of one file or of one folder (tools/NAME/, examples/NAME/).
prog_names = $(patsubst $(1)/%.c,%,$(wildcard $(1)/*.c)) \
	$(patsubst $(1)/%/,%,$(sort $(dir $(wildcard $(1)/*/*.c))))
prog_srcs = $(if $(wildcard $(1)/$(2).c),$(1)/$(2).c,$(wildcard $(1)/$(2)/*.c))
TOOL_NAMES := $(call prog_names,tools)
EXAMPLE_NAMES := $(call prog_names,userland/examples)
TOOLS := $(TOOL_NAMES:%=$(O)/tools/%)
EXAMPLES := $(EXAMPLE_NAMES:%=$(O)/examples/%)

# Each tests/DIR/test_*.c is a program, linked with DIR's other .c files and
# the shared helpers of tests/lib/.
TEST_DIRS := unit bpf integration
test_srcs = $(wildcard tests/$(1)/test_*.c)
test_support = $(filter-out tests/$(1)/test_%.c,$(wildcard tests/$(1)/*.c))
TEST_LIB_OBJS := $(call objs,$(call srcs,tests/lib))
UNIT_TESTS := $(patsubst %.c,$(O)/%,$(call test_srcs,unit))
BPF_TESTS := $(patsubst %.c,$(O)/%,$(call test_srcs,bpf))
INTEG_TESTS := $(patsubst %.c,$(O)/%,$(call test_srcs,integration))
SHELL_TESTS := $(wildcard tests/build/test_*.sh)
# Everything a test may link, in link order (uppers before lowers).
TEST_ARCHIVES := $(STEERD_A) $(STEERCTL_A) $(DATAPLANE_A) $(NETLINK_A) \
	$(HOST_A) $(LIB_A)

DEPS_STAMP := $(O)/.deps-ok

.PHONY: all help demo demo-nginx test test-unit test-bpf test-integration asan bench \
	format check-format check-links install clean deps
.DEFAULT_GOAL := all
# Program rules name their sources through $$(call ...).
.SECONDEXPANSION:

all: $(BPF_OBJS) $(SKELS) $(PROGRAMS) $(LIBSTEER) $(EXAMPLES) \
	$(UNIT_TESTS) $(BPF_TESTS) $(INTEG_TESTS) $(TOOLS)

help:
	@echo 'steer build targets:'
	@echo '  all (default)  BPF objects, skeletons, steerd, steerctl, libsteer,'
	@echo '                 examples, tests, tools'
	@echo '  demo           install, build, run the locality demo (root)'
	@echo '  demo-nginx     the same with the real nginx, plain and adopted'
	@echo '  test           every test (unit, BPF); ends "N passed, N failed"'
	@echo '  test-unit      cmocka unit tests only'
	@echo '  test-bpf       BPF_PROG_TEST_RUN tests only (root)'
	@echo '  test-integration  steerd in network namespaces (root)'
	@echo '  asan           unit and BPF tests built with ASan + UBSan'
	@echo '  bench          XDP program cost vs a bare XDP_PASS, AF_XDP delivery'
	@echo '                 rate vs libxdp'"'"'s program, and connection rate on'
	@echo '                 veth: steer vs the kernel'"'"'s options, 3 scenarios, with'
	@echo '                 SVG charts in $(O)/bench/ (root)'
	@echo '  format         clang-format every C file in place'
	@echo '  check-format   fail if any C file is not formatted'
	@echo '  check-links    each program links only the libraries it uses'
	@echo '  install        steerd, steerctl, libsteer, man pages under'
	@echo '                 PREFIX=$(PREFIX)'
	@echo '  deps           install missing Debian packages (tools/deps.sh)'
	@echo '  clean          remove $(O)/'
	@echo 'Variables: O=DIR (build dir), V=1 (verbose), SANITIZE=1'

deps:
	$(Q)tools/deps.sh

# Installs what is missing, builds, then runs; each step in order.
demo:
	$(Q)tools/deps.sh
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/demo.sh $(O)

# The nginx act: the real nginx, plain, then adopted (docs/adoption.md).
demo-nginx:
	$(Q)tools/deps.sh
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/demo.sh --nginx $(O)

# Reports every missing tool or library with the package that provides it.
$(DEPS_STAMP): tools/check-deps.sh
	$(Q)mkdir -p $(@D)
	$(Q)tools/check-deps.sh
	$(Q)touch $@

$(O)/vmlinux.h: $(DEPS_STAMP)
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp
	$(Q)mv $@.tmp $@

$(O)/%.bpf.o: %.bpf.c $(BPF_HDRS) $(O)/vmlinux.h
	$(call msg,CLANG-BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPF_CLANG) $(BPF_CFLAGS) -c $< -o $@

$(O)/%.skel.h: $(O)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(notdir $*) > $@.tmp
	$(Q)mv $@.tmp $@

# Every C file compiles the same way; -MMD records what it includes.
define compile
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@
endef

$(O)/%.o: %.c $(DEPS_STAMP) | $(SKELS)
	$(compile)

$(O)/pic/%.o: %.c $(DEPS_STAMP)
	$(call msg,CC-PIC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

$(O)/ctrl/%.a:
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(foreach l,$(LAYERS),$(eval $(call layer_a,$(l)): \
	$(call objs,$(call srcs,ctrl/$(l)))))
$(STEERD_A): $(call objs,$(filter-out %/main.c,$(STEERD_SRCS)))
$(STEERCTL_A): $(call objs,$(filter-out %/main.c,$(STEERCTL_SRCS)))
$(LIB_PIC_A): $(LIB_PIC_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(STEERD): $(call objs,$(STEERD_SRCS)) $(DATAPLANE_A) $(NETLINK_A) \
		$(HOST_A) $(LIB_A)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_ALL) $(LIBS_METRICS)

$(STEERCTL): $(call objs,$(STEERCTL_SRCS)) $(HOST_A) $(LIB_A)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_LIB) $(LIBS_CONFIG)

$(UNIT_TESTS): $(O)/tests/unit/%: $(O)/tests/unit/%.o \
		$(call objs,$(call test_support,unit)) $(TEST_LIB_OBJS) \
		$(TEST_ARCHIVES)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_ALL) $(LIBS_TEST)

$(BPF_TESTS): $(O)/tests/bpf/%: $(O)/tests/bpf/%.o \
		$(call objs,$(call test_support,bpf)) $(TEST_LIB_OBJS) \
		$(TEST_ARCHIVES)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_ALL) $(LIBS_TEST)

$(INTEG_TESTS): $(O)/tests/integration/%: $(O)/tests/integration/%.o \
		$(call objs,$(call test_support,integration)) \
		$(TEST_LIB_OBJS) $(LIBSTEER_A) $(TEST_ARCHIVES)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_ALL) $(LIBS_TEST) -lpthread

# bench_xdp runs the BPF test table's frames through the real program, in
# a namespace of tests/lib's.
$(O)/tools/bench_xdp: $(call objs,$(call prog_srcs,tools,bench_xdp) \
		$(call test_support,bpf)) $(TEST_LIB_OBJS) $(TEST_ARCHIVES)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_ALL)

# bench_xsk loads steer's program with the BPF tests' harness and sends
# with the integration tests' AF_XDP sender.
$(O)/tools/bench_xsk: $(call objs,$(call prog_srcs,tools,bench_xsk) \
		$(call test_support,bpf) tests/integration/xsk_sender.c) \
		$(TEST_LIB_OBJS) $(TEST_ARCHIVES)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_ALL) -lpthread

# Other tools lean on ctrl/lib only. Their objects go under $(O)/obj/:
# $(O)/tools/NAME is the program, so it cannot also be a folder of objects.
tool_objs = $(patsubst %.c,$(O)/obj/%.o,$(1))
$(O)/obj/%.o: %.c $(DEPS_STAMP) | $(SKELS)
	$(compile)

$(filter-out $(O)/tools/bench_xdp $(O)/tools/bench_xsk,$(TOOLS)): \
		$(O)/tools/%: $$(call tool_objs,$$(call prog_srcs,tools,%)) \
		$(LIB_A)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_LIB) -lpthread -lm

$(LIBSTEER_A): $(LIBSTEER_OBJS) $(LIB_PIC_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(LIBSTEER_SO): $(LIBSTEER_OBJS) $(LIB_PIC_A) userland/lib/libsteer.map
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -shared -Wl,-soname,libsteer.so.0 \
		-Wl,--version-script=userland/lib/libsteer.map \
		-o $@.$(LIBSTEER_VERSION) $(LIBSTEER_OBJS) $(LIB_PIC_A) \
		$(LIBS_DATAPLANE) $(LIBS_LIB)
	$(Q)ln -sf libsteer.so.$(LIBSTEER_VERSION) $@.0
	$(Q)ln -sf libsteer.so.$(LIBSTEER_VERSION) $@

# PREFIX is recorded so a rebuild with another one regenerates steer.pc.
$(O)/steer.pc: userland/lib/steer.pc.in FORCE
	$(Q)mkdir -p $(@D)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(LIBSTEER_VERSION)|' \
		$< > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm $@.tmp; else \
		printf '  %-8s %s\n' GEN $@; mv $@.tmp $@; fi

# Examples link libsteer statically: they run from the build tree.
$(EXAMPLES): $(O)/examples/%: \
		$$(call objs,$$(call prog_srcs,userland/examples,%)) $(LIBSTEER_A)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_DATAPLANE) $(LIBS_LIB) -lpthread

# The runner prints every test's result and the summary line.
test: all
	$(Q)tests/run.sh $(O) $(UNIT_TESTS) $(SHELL_TESTS) $(BPF_TESTS) \
		$(INTEG_TESTS)

test-unit: $(UNIT_TESTS) $(STEERCTL)
	$(Q)tests/run.sh $(O) $(UNIT_TESTS)

test-bpf: $(BPF_TESTS)
	$(Q)tests/run.sh $(O) $(BPF_TESTS)

test-integration: $(INTEG_TESTS) $(PROGRAMS) $(EXAMPLES) $(TOOLS)
	$(Q)tests/run.sh $(O) $(INTEG_TESTS)

check-links: all
	$(Q)tests/run.sh $(O) $(SHELL_TESTS)

asan:
	$(Q)$(MAKE) --no-print-directory O=build-asan SANITIZE=1 test

# The XDP program's cost, AF_XDP delivery, then the connection-rate matrix
# on veth (tools/bench_conn.sh).
bench: all
	$(Q)$(O)/tools/bench_xdp
	$(Q)$(O)/tools/bench_xsk
	$(Q)tools/bench_conn.sh $(O)

C_SOURCES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)

format:
	$(Q)clang-format -i $(C_SOURCES)

check-format:
	$(Q)clang-format --dry-run --Werror $(C_SOURCES)

# systemd reads units from PREFIX/lib/systemd/system for /usr and /usr/local.
SYSTEMD_UNITDIR ?= $(PREFIX)/lib/systemd/system
BASH_COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions

install: $(PROGRAMS) $(LIBSTEER)
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(SYSTEMD_UNITDIR) \
		$(DESTDIR)$(BASH_COMPLETIONDIR)
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/sbin/
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/include/steer
	install -m 0644 $(LIBSTEER_A) $(LIBSTEER_SO).$(LIBSTEER_VERSION) \
		$(DESTDIR)$(PREFIX)/lib/
	ln -sf libsteer.so.$(LIBSTEER_VERSION) \
		$(DESTDIR)$(PREFIX)/lib/libsteer.so.0
	ln -sf libsteer.so.$(LIBSTEER_VERSION) $(DESTDIR)$(PREFIX)/lib/libsteer.so
	install -m 0644 $(O)/steer.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/
	install -m 0644 userland/include/steer/libsteer.h \
		$(DESTDIR)$(PREFIX)/include/steer/
	install -m 0644 $(wildcard docs/man/*.8) \
		$(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 0644 $(wildcard docs/man/*.5) \
		$(DESTDIR)$(PREFIX)/share/man/man5/
	sed 's|@SBINDIR@|$(PREFIX)/sbin|' ctrl/steerd/steerd.service \
		> $(DESTDIR)$(SYSTEMD_UNITDIR)/steerd.service
	chmod 0644 $(DESTDIR)$(SYSTEMD_UNITDIR)/steerd.service
	install -m 0644 ctrl/steerctl/steerctl.bash \
		$(DESTDIR)$(BASH_COMPLETIONDIR)/steerctl

# libFuzzer harnesses (tests/fuzz/fuzz_NAME.c) over the netlink reply
# parsers and the /proc/interrupts scan, each run FUZZ_TIME seconds from a
# corpus seeded with the unit tests' fixtures; not part of `make test`.
# FUZZ_CC: a clang with the libFuzzer and sanitizer runtimes; by default the
# first of clang-19, clang-14, clang that links a harness (Debian ships the
# runtimes apart: libclang-rt-N-dev).
FUZZ_CC ?=
FUZZ_TIME ?= 30
FUZZ_DIR := $(O)/fuzz
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SRCS := $(call srcs,ctrl/netlink) ctrl/host/irq.c ctrl/lib/log.c
FUZZ_HDRS := $(wildcard tests/fuzz/*.h tests/fixtures/*.h ctrl/netlink/*.h \
	ctrl/netlink/uapi/linux/*.h ctrl/host/irq.h)
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-D_GNU_SOURCE -I. -Ictrl -Ixdp $(call pkg_cflags,libmnl)

.PHONY: fuzz
fuzz: $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%) $(FUZZ_DIR)/seed
	$(Q)$(FUZZ_DIR)/seed $(FUZZ_DIR)/corpus
	$(Q)for n in $(FUZZ_NAMES); do \
		printf '  %-8s %s (%s s)\n' FUZZ $$n $(FUZZ_TIME); \
		$(FUZZ_DIR)/fuzz_$$n -max_total_time=$(FUZZ_TIME) \
			-artifact_prefix=$(FUZZ_DIR)/crash-$$n- \
			$(FUZZ_DIR)/corpus/$$n >$(FUZZ_DIR)/$$n.log 2>&1 || \
			{ tail -n 40 $(FUZZ_DIR)/$$n.log; exit 1; }; \
		grep -h '^Done' $(FUZZ_DIR)/$$n.log | sed 's/^/           /'; \
	done

$(FUZZ_DIR)/cc:
	$(Q)mkdir -p $(@D)
	$(Q)for c in $(or $(FUZZ_CC),clang-19 clang-14 clang); do \
		echo 'int LLVMFuzzerTestOneInput(void) { return 0; }' | \
		$$c -fsanitize=fuzzer,address,undefined -x c - -o $@.bin \
			2>/dev/null && { rm -f $@.bin; echo $$c >$@; exit 0; }; \
	done; rm -f $@.bin; \
	echo 'make fuzz: no clang links libFuzzer with ASan/UBSan' \
		'(Debian: libclang-rt-19-dev); set FUZZ_CC' >&2; exit 1

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_SRCS) $(FUZZ_HDRS) \
		| $(FUZZ_DIR)/cc
	$(call msg,FUZZ-CC,$@)
	$(Q)$$(cat $(FUZZ_DIR)/cc) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ $< $(FUZZ_SRCS) \
		$(call pkg_libs,libmnl)

$(FUZZ_DIR)/seed: tests/fuzz/seed.c $(FUZZ_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(FUZZ_CFLAGS) -o $@ $< $(call pkg_libs,libmnl)

clean:
	$(Q)rm -rf $(O) build-asan

FORCE:

-include $(shell find $(O) -name '*.d' 2>/dev/null)

# Intermediate objects are kept so a rebuild touches only what changed.
.SECONDARY:
