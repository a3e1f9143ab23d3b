# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # variables are for the sourcing scripts
#
# Helpers shared by the test-loop scripts. Source it, do not run it.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SOURCE_TARBALL=/usr/src/linux-source-6.1.tar.xz
SOURCE_PACKAGE=linux-source-6.1

die()
{
	echo "${0##*/}: error: $*" >&2
	exit 1
}

note()
{
	echo "${0##*/}: $*" >&2
}

# Version of an installed Debian package, empty when not installed.
pkg_version()
{
	dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true
}

# Serialise the steps that write shared caches under build/.
# Usage: with_lock NAME COMMAND... (runs COMMAND with build/.NAME.lock held)
with_lock()
{
	local name=$1
	shift
	mkdir -p "$BUILD"
	flock "$BUILD/.$name.lock" "$@"
}
