# SPDX-License-Identifier: GPL-2.0-only
# Builds steer: BPF objects and skeletons, steerctl, tests and benchmarks.
# Out of tree in $(O) (default build/); V=1 shows the commands.

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

PKGS := libbpf libxdp libmnl jansson
TEST_PKGS := cmocka

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	  -D_GNU_SOURCE -Ixdp -Ictrl -I$(O)
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	  -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
CFLAGS += $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
LDLIBS += $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
TEST_LDLIBS := $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) 2>/dev/null)

BPF_CFLAGS := -target bpf -O2 -g -Wall -Werror -D__bpf__ \
	      -D__TARGET_ARCH_x86 -Ixdp -I$(O)

# BPF programs; each gets a skeleton $(O)/xdp/NAME.skel.h.
BPF_PROGS := $(patsubst xdp/%.bpf.c,%,$(wildcard xdp/*.bpf.c))
BPF_OBJS := $(BPF_PROGS:%=$(O)/xdp/%.bpf.o)
SKELS := $(BPF_PROGS:%=$(O)/xdp/%.skel.h)
BPF_HDRS := xdp/steer_abi.h $(wildcard xdp/lib/*.h)

# Control-plane library shared by steerd, steerctl, tests and tools.
CTRL_MAINS := ctrl/steerctl.c ctrl/steerd.c
CTRL_LIB_SRCS := $(filter-out $(CTRL_MAINS),$(wildcard ctrl/*.c))
CTRL_LIB := $(O)/libsteerctl.a
CTRL_HDRS := $(wildcard ctrl/*.h) xdp/steer_abi.h

STEERCTL := $(O)/steerctl
STEERD := $(if $(wildcard ctrl/steerd.c),$(O)/steerd)
PROGRAMS := $(STEERCTL) $(STEERD)

# Each tests/DIR/test_*.c is a program, linked with DIR's other .c files.
TEST_DIRS := unit bpf integration
test_srcs = $(wildcard tests/$(1)/test_*.c)
test_support = $(filter-out tests/$(1)/test_%.c,$(wildcard tests/$(1)/*.c))
UNIT_TESTS := $(patsubst %.c,$(O)/%,$(call test_srcs,unit))
BPF_TESTS := $(patsubst %.c,$(O)/%,$(call test_srcs,bpf))
INTEG_TESTS := $(patsubst %.c,$(O)/%,$(call test_srcs,integration))
BPF_TEST_SRCS := $(call test_support,bpf)
TOOLS := $(O)/tools/bench_xdp $(if $(wildcard tools/loadgen.c),$(O)/tools/loadgen)

# libsteer: the application library, shared and static, with the protocol
# code it shares with steerctl compiled in (hidden, -fPIC).
LIBSTEER_VERSION := 0.1.0
LIBSTEER_SRCS := $(wildcard userland/lib/*.c) ctrl/proto.c ctrl/defaults.c
LIBSTEER_OBJS := $(LIBSTEER_SRCS:%.c=$(O)/libsteer/%.o)
LIBSTEER_A := $(O)/libsteer.a
LIBSTEER_SO := $(O)/libsteer.so
LIBSTEER := $(if $(wildcard userland/lib/*.c),$(LIBSTEER_A) $(LIBSTEER_SO) \
	$(O)/steer.pc)
EXAMPLES := $(patsubst userland/examples/%.c,$(O)/examples/%,\
	$(wildcard userland/examples/*.c))

DEPS_STAMP := $(O)/.deps-ok

.PHONY: all help demo test test-unit test-bpf test-integration asan bench format check-format \
	install clean deps
.DEFAULT_GOAL := all

all: $(BPF_OBJS) $(SKELS) $(PROGRAMS) $(LIBSTEER) $(EXAMPLES) \
	$(UNIT_TESTS) $(BPF_TESTS) $(INTEG_TESTS) $(TOOLS)

help:
	@echo 'steer build targets:'
	@echo '  all (default)  BPF objects, skeletons, steerd, steerctl, libsteer,'
	@echo '                 examples, tests, tools'
	@echo '  demo           install, build, run the locality demo (root)'
	@echo '  test           every test (unit, BPF); ends "N passed, N failed"'
	@echo '  test-unit      cmocka unit tests only'
	@echo '  test-bpf       BPF_PROG_TEST_RUN tests only (root)'
	@echo '  test-integration  steerd in network namespaces (root)'
	@echo '  asan           unit and BPF tests built with ASan + UBSan'
	@echo '  bench          XDP program cost vs a bare XDP_PASS, and connection'
	@echo '                 rate on veth with steer vs plain SO_REUSEPORT (root)'
	@echo '  format         clang-format every C file in place'
	@echo '  check-format   fail if any C file is not formatted'
	@echo '  install        steerctl and man pages under PREFIX=$(PREFIX)'
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

# Reports every missing tool or library with the package that provides it.
$(DEPS_STAMP): tools/check-deps.sh
	$(Q)mkdir -p $(@D)
	$(Q)tools/check-deps.sh
	$(Q)touch $@

$(O)/vmlinux.h: $(DEPS_STAMP)
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp
	$(Q)mv $@.tmp $@

$(O)/xdp/%.bpf.o: xdp/%.bpf.c $(BPF_HDRS) $(O)/vmlinux.h
	$(call msg,CLANG-BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPF_CLANG) $(BPF_CFLAGS) -c $< -o $@

$(O)/xdp/%.skel.h: $(O)/xdp/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@.tmp
	$(Q)mv $@.tmp $@

$(O)/ctrl/%.o: ctrl/%.c $(CTRL_HDRS) $(DEPS_STAMP) $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(CTRL_LIB): $(CTRL_LIB_SRCS:%.c=$(O)/%.o)
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(O)/steer%: $(O)/ctrl/steer%.o $(CTRL_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/tests/%.o: tests/%.c $(CTRL_HDRS) $(wildcard tests/*/*.h) $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Itests -Itests/bpf -Iuserland/include -c $< -o $@

$(UNIT_TESTS): $(O)/tests/unit/%: $(O)/tests/unit/%.o $(CTRL_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(TEST_LDLIBS)

$(BPF_TESTS): $(O)/tests/bpf/%: $(O)/tests/bpf/%.o \
		$(BPF_TEST_SRCS:tests/%.c=$(O)/tests/%.o) $(CTRL_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(TEST_LDLIBS)

$(INTEG_TESTS): $(O)/tests/integration/%: $(O)/tests/integration/%.o \
		$(patsubst tests/%.c,$(O)/tests/%.o,$(call test_support,integration)) \
		$(LIBSTEER_A) $(CTRL_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(TEST_LDLIBS)

$(O)/tools/%.o: tools/%.c $(CTRL_HDRS) $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Itests -Itests/bpf -Iuserland/include -c $< -o $@

$(O)/tools/bench_xdp: $(O)/tools/bench_xdp.o \
		$(BPF_TEST_SRCS:tests/%.c=$(O)/tests/%.o) $(CTRL_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/libsteer/%.o: %.c $(wildcard userland/include/steer/*.h) \
		$(wildcard userland/lib/*.h) $(CTRL_HDRS) $(DEPS_STAMP)
	$(call msg,CC-PIC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -fPIC -fvisibility=hidden -Iuserland/include \
		-Iuserland/lib -c $< -o $@

$(LIBSTEER_A): $(LIBSTEER_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(LIBSTEER_SO): $(LIBSTEER_OBJS) userland/lib/libsteer.map
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -shared -Wl,-soname,libsteer.so.0 \
		-Wl,--version-script=userland/lib/libsteer.map \
		-o $@.$(LIBSTEER_VERSION) $(LIBSTEER_OBJS) \
		$(shell $(PKG_CONFIG) --libs jansson)
	$(Q)ln -sf libsteer.so.$(LIBSTEER_VERSION) $@.0
	$(Q)ln -sf libsteer.so.$(LIBSTEER_VERSION) $@

$(O)/steer.pc: userland/lib/steer.pc.in
	$(call msg,GEN,$@)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(LIBSTEER_VERSION)|' \
		$< > $@

# Examples link libsteer statically: they run from the build tree.
$(O)/examples/%: userland/examples/%.c $(LIBSTEER_A) \
		$(wildcard userland/include/steer/*.h userland/examples/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Iuserland/include $(LDFLAGS) -o $@ $< \
		$(LIBSTEER_A) $(shell $(PKG_CONFIG) --libs jansson) -lpthread

$(O)/tools/loadgen: tools/loadgen.c $(wildcard tools/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lpthread -lm

# The runner prints every test's result and the summary line.
test: all
	$(Q)tests/run.sh $(O) $(UNIT_TESTS) $(BPF_TESTS) $(INTEG_TESTS)

test-unit: $(UNIT_TESTS) $(STEERCTL)
	$(Q)tests/run.sh $(O) $(UNIT_TESTS)

test-bpf: $(BPF_TESTS)
	$(Q)tests/run.sh $(O) $(BPF_TESTS)

test-integration: $(INTEG_TESTS) $(PROGRAMS) $(EXAMPLES) $(TOOLS)
	$(Q)tests/run.sh $(O) $(INTEG_TESTS)

asan:
	$(Q)$(MAKE) --no-print-directory O=build-asan SANITIZE=1 test

# The XDP program's cost, then connection rates on veth: steer vs plain.
bench: all
	$(Q)$(O)/tools/bench_xdp
	$(Q)tools/demo.sh --bench $(O)

C_SOURCES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)

format:
	$(Q)clang-format -i $(C_SOURCES)

check-format:
	$(Q)clang-format --dry-run --Werror $(C_SOURCES)

install: $(PROGRAMS) $(LIBSTEER)
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/sbin/
	$(if $(LIBSTEER),install -d $(DESTDIR)$(PREFIX)/lib \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/steer)
	$(if $(LIBSTEER),install -m 0644 $(LIBSTEER_A) \
		$(LIBSTEER_SO).$(LIBSTEER_VERSION) $(DESTDIR)$(PREFIX)/lib/)
	$(if $(LIBSTEER),ln -sf libsteer.so.$(LIBSTEER_VERSION) \
		$(DESTDIR)$(PREFIX)/lib/libsteer.so.0)
	$(if $(LIBSTEER),ln -sf libsteer.so.$(LIBSTEER_VERSION) \
		$(DESTDIR)$(PREFIX)/lib/libsteer.so)
	$(if $(LIBSTEER),install -m 0644 $(O)/steer.pc \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig/)
	$(if $(LIBSTEER),install -m 0644 userland/include/steer/libsteer.h \
		$(DESTDIR)$(PREFIX)/include/steer/)
	install -m 0644 $(wildcard docs/man/*.8) \
		$(DESTDIR)$(PREFIX)/share/man/man8/

clean:
	$(Q)rm -rf $(O) build-asan

# Intermediate objects are kept so a rebuild touches only what changed.
.SECONDARY:
