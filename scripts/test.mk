# SPDX-License-Identifier: GPL-2.0
#
# The test loop, included by the top-level Makefile. Everything it fetches,
# extracts or builds lives in build/. See Documentation/testing.rst.

include scripts/shell.mk

TEST_BUILD := build
SELFTEST_DIR := tools/testing/selftests/iommufd_emu
SELFTEST_SRCS := $(wildcard $(SELFTEST_DIR)/*.c)
SELFTEST_HDRS := $(wildcard $(SELFTEST_DIR)/*.h)
SELFTEST_BINS := $(patsubst $(SELFTEST_DIR)/%.c,$(TEST_BUILD)/selftests/iommufd_emu/%,$(SELFTEST_SRCS))
DEMO_SRCS := $(wildcard tools/iommufd-demo/*.c)
DEMO_HDRS := $(wildcard tools/iommufd-demo/*.h)
DEMO_BIN := $(if $(DEMO_SRCS),$(TEST_BUILD)/tools/iommufd-demo)
BENCH_BIN := $(TEST_BUILD)/tools/iommufd-bench
# Arguments of the benchmark, e.g. make bench BENCH_ARGS="-m 512 -l 10"
BENCH_ARGS ?=
UAPI_HDRS := $(patsubst include/uapi/%,$(TEST_BUILD)/usr/include/%,$(wildcard include/uapi/linux/*.h))
KSFT_HDRS := $(TEST_BUILD)/kselftest/kselftest_harness.h $(TEST_BUILD)/kselftest/kselftest.h

TEST_CC ?= gcc
TEST_CFLAGS := -Wall -Werror -O2 -D_GNU_SOURCE -static \
	-I$(TEST_BUILD)/usr/include -I$(TEST_BUILD)/kselftest
TEST_LDLIBS := -lcap -lpthread

# Log directories of the VM runs behind check, check-debug and run.
VM_LOGS := $(TEST_BUILD)/vm

.PHONY: deps tests check check-debug check-upstream check-upstream-debug check-upstream-reference \
	run bench lint \
	debug-kernel debug-module distclean FORCE_TEST

# Install the Debian packages the build and the tests need (apt-get, as root;
# does nothing when all are present).
deps:
	@scripts/install-deps

# Build every kselftest (static, one binary per .c) and the demo program.
tests: $(SELFTEST_BINS) $(DEMO_BIN) $(BENCH_BIN)

# Our uAPI headers as user space sees them: like "make headers_install",
# without the kernel-only annotations.
$(UAPI_HDRS): $(TEST_BUILD)/usr/include/%.h: include/uapi/%.h
	@mkdir -p $(@D)
	sed -E 's/\b__(user|force|iomem)\b ?//g' $< >$@

# The kselftest harness, taken from Debian's linux-source-6.1 at build time
# (never copied into the repository); rewritten only when it changed.
$(KSFT_HDRS): $(TEST_BUILD)/kselftest/%.h: FORCE_TEST
	@src=$$(scripts/extract-source) && mkdir -p $(@D) && \
	cmp -s $$src/tools/testing/selftests/$*.h $@ || \
	cp $$src/tools/testing/selftests/$*.h $@

$(SELFTEST_BINS): $(TEST_BUILD)/selftests/iommufd_emu/%: $(SELFTEST_DIR)/%.c $(SELFTEST_HDRS) $(UAPI_HDRS) $(KSFT_HDRS)
	@mkdir -p $(@D)
	$(TEST_CC) $(TEST_CFLAGS) -o $@ $< $(TEST_LDLIBS)

$(DEMO_BIN): $(DEMO_SRCS) $(DEMO_HDRS) $(UAPI_HDRS)
	@mkdir -p $(@D)
	$(TEST_CC) $(TEST_CFLAGS) -o $@ $(DEMO_SRCS) $(TEST_LDLIBS)

$(BENCH_BIN): tools/iommufd-bench/iommufd-bench.c $(SELFTEST_HDRS) $(UAPI_HDRS) $(KSFT_HDRS)
	@mkdir -p $(@D)
	$(TEST_CC) $(TEST_CFLAGS) -o $@ $< $(TEST_LDLIBS)

FORCE_TEST:

# Run every kselftest in the VM on Debian's 6.1 kernel: build the module and
# the tests, boot, insmod, run, rmmod, judge the log. Ends with
# "N passed, N failed".
check: deps
	$(MAKE) modules
	$(MAKE) tests
	@test -n "$(SELFTEST_BINS)" || { echo "no kselftests in $(SELFTEST_DIR)" >&2; exit 1; }
	KDIR="$(KDIR)" scripts/vm-run --no-build --log-dir $(VM_LOGS)/check \
		--param selftest=1 $(addprefix --add ,$(SELFTEST_BINS)) \
		-- run-kselftests $(addprefix /add/,$(notdir $(SELFTEST_BINS)))

# The same on the debug kernel (KASAN, lockdep, kmemleak, fault injection),
# plus a kmemleak scan after rmmod.
check-debug: deps
	$(MAKE) debug-module
	$(MAKE) tests
	@test -n "$(SELFTEST_BINS)" || { echo "no kselftests in $(SELFTEST_DIR)" >&2; exit 1; }
	scripts/vm-run --debug --no-build --log-dir $(VM_LOGS)/check-debug \
		--param selftest=1 $(addprefix --add ,$(SELFTEST_BINS)) \
		-- run-kselftests $(addprefix /add/,$(notdir $(SELFTEST_BINS)))

# Conformance: upstream 7.3's iommufd kselftest, fetched with apt from
# Debian's linux-source-7.3 and built unmodified, run against the module.
check-upstream: deps
	$(MAKE) modules
	KDIR="$(KDIR)" scripts/check-upstream

# The same on the debug kernel, where iommufd_fail_nth injects failures.
check-upstream-debug: deps
	$(MAKE) debug-module
	scripts/check-upstream --debug

# The same programs on upstream 7.3's own iommufd (a kernel built from the
# same package with configs/upstream-reference.config), printed beside the
# results of the last check-upstream and check-upstream-debug runs.
check-upstream-reference: deps
	scripts/check-upstream --reference

# Build (or reuse) the debug kernel in build/debug-kernel.
debug-kernel:
	@scripts/build-debug-kernel >/dev/null

# Build the module against the debug kernel, from a copy of the sources in
# build/debug-src, so release and debug objects never mix.
debug-module: debug-kernel
	@mkdir -p $(TEST_BUILD)/debug-src
	@rsync -a --delete --exclude=/build/ --exclude=/.git/ --filter=':- .gitignore' \
		./ $(TEST_BUILD)/debug-src/
	$(MAKE) -C $(TEST_BUILD)/debug-src KDIR=$(CURDIR)/$(TEST_BUILD)/debug-kernel modules

# Boot the VM with the module loaded and run the demo; "make run SHELL=1"
# then leaves a shell on the console instead of powering off.
run: deps
	$(MAKE) modules
	$(MAKE) tests
	@test -n "$(DEMO_BIN)" || { echo "no demo sources in tools/iommufd-demo" >&2; exit 1; }
	KDIR="$(KDIR)" scripts/vm-run --no-build --log-dir $(VM_LOGS)/run \
		$(if $(filter-out 0,$(VM_SHELL)),--shell) \
		--add $(DEMO_BIN) -- $(notdir $(DEMO_BIN))

# Boot the VM and print how long the IOAS paths take (numbers, no verdict).
bench: deps
	$(MAKE) modules
	$(MAKE) $(BENCH_BIN)
	KDIR="$(KDIR)" scripts/vm-run --no-build --log-dir $(VM_LOGS)/bench --param selftest=1 \
		--add $(BENCH_BIN) -- $(notdir $(BENCH_BIN)) $(BENCH_ARGS)

# checkpatch --strict, sparse (C=2), coccicheck and kernel-doc over our
# sources; any finding fails.
lint: deps
	scripts/lint

# Remove everything the test loop fetched or built (kernels included).
distclean: clean
	rm -rf $(TEST_BUILD)
