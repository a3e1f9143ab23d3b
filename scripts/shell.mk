# SPDX-License-Identifier: GPL-2.0
#
# "make run SHELL=1" asks for an interactive shell in the VM, but SHELL is
# also the program make runs recipes and $(shell ...) with. Keep the user's
# value in VM_SHELL, give make a real shell back, and keep SHELL= out of
# sub-makes (kbuild). Best included before anything uses $(shell ...);
# including it twice is harmless.
ifeq ($(origin SHELL),command line)
VM_SHELL := $(SHELL)
override SHELL := /bin/sh
MAKEOVERRIDES := $(filter-out SHELL=%,$(MAKEOVERRIDES))
endif
