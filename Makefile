# SPDX-License-Identifier: GPL-2.0
#
# Wrapper around kbuild for the out-of-tree module, plus the test loop.
# The module itself is described in Kbuild.

ifneq ($(KERNELRELEASE),)
include $(src)/Kbuild
else

# Gives make a real shell back when the user says "make run SHELL=1"
include scripts/shell.mk

# The kernel tree to build against: the running kernel's when it has one,
# otherwise the newest installed Debian linux-headers-*-amd64.
KDIR ?= $(shell scripts/find-kdir)

COMPAT_PROBES := include/compat/generated/probes.h

.PHONY: all modules clean compat
all: modules

modules: compat
	@test -n "$(KDIR)" || { echo "no kernel build tree found: install linux-headers-amd64 or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

# Feature probes are re-run whenever the kernel tree or the probe script changes.
compat: $(COMPAT_PROBES)
$(COMPAT_PROBES): scripts/compat-probe $(wildcard $(KDIR)/include/config/kernel.release) FORCE_PROBE
	@scripts/compat-probe "$(KDIR)" "$@"

.PHONY: FORCE_PROBE
FORCE_PROBE:

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -rf include/compat/generated

# The test loop: make check, make check-debug, make lint, make run, scripts/vm-run.
include scripts/test.mk

endif
