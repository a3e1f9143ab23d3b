/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the iommufd-emu selftests.
 *
 * Every emu_*() wrapper issues one ioctl on /dev/iommu and returns 0 on
 * success or the negated errno, so a test can compare the outcome directly
 * with the errno it expects.  The test_ioctl_*() macros assert that a call
 * succeeds and the test_err_*() macros assert that it fails with a given
 * errno; both use the "self->fd" of the calling fixture.
 */
#ifndef __IOMMUFD_EMU_UTILS_H
#define __IOMMUFD_EMU_UTILS_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/iommufd_emu.h>
#include <linux/types.h>

/*
 * The test-only command interface (IOMMU_TEST_CMD) reaches in-kernel
 * "accesses" that pin pages through an IOAS, and reserved IOVA ranges.
 * Tests that need it skip when the module does not offer it.
 */
#include <linux/iommufd_test.h>

/* Plain programs (the benchmark) use the wrappers without the harness */
#ifndef IOMMUFD_EMU_NO_HARNESS
#include "kselftest_harness.h"
#endif

/* The emulator only targets x86_64, where base pages are 4 KiB. */
#define PAGE_SIZE	4096UL
#define PAGE_KB		(PAGE_SIZE / 1024)
/* Upper bound used by the kernel to choose an automatic IOVA alignment. */
#define HUGE_PAGE_SIZE	(2UL * 1024 * 1024)

#define MAP_RW		(IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
#define MAP_FIXED_RW	(IOMMU_IOAS_MAP_FIXED_IOVA | MAP_RW)
/* The first flag bit (bit 3) without meaning for MAP, MAP_FILE and COPY. */
#define MAP_UNKNOWN_FLAG	0x8U

/* Values of IOMMU_OPTION_RLIMIT_MODE. */
#define RLIMIT_MODE_USER	0
#define RLIMIT_MODE_MM		1

/* The device node; IOMMUFD_EMU_DEV overrides it (module parameter rename). */
static inline const char *emu_dev_path(void)
{
	const char *path = getenv("IOMMUFD_EMU_DEV");

	return path && *path ? path : "/dev/iommu";
}

static inline int emu_open(void)
{
	return open(emu_dev_path(), O_RDWR | O_CLOEXEC);
}

/* A printable name for 0 or a negated errno, for failure messages. */
static inline const char *emu_rc_name(int rc)
{
	const char *name;

	if (rc == 0)
		return "success";
	if (rc > 0)
		return "positive return";
	name = strerrorname_np(-rc);
	return name ? name : "unknown errno";
}

#define __emu_check_rc(_want, _expr, _is_assert, _what) do {		\
	int __want_rc = (_want);					\
	int __got_rc = (_expr);						\
									\
	if (__want_rc != __got_rc)					\
		TH_LOG("%s: expected %s, got %s", _what,		\
		       emu_rc_name(__want_rc), emu_rc_name(__got_rc));	\
	if (_is_assert) {						\
		ASSERT_EQ(__want_rc, __got_rc);				\
	} else {							\
		EXPECT_EQ(__want_rc, __got_rc);				\
	}								\
} while (0)

/* _expr returns 0 or -errno: check for success or for one errno. */
#define ASSERT_OK(_expr)		__emu_check_rc(0, _expr, 1, #_expr)
#define EXPECT_OK(_expr)		__emu_check_rc(0, _expr, 0, #_expr)
#define ASSERT_ERR(_errno, _expr)	__emu_check_rc(-(_errno), _expr, 1, #_expr)
#define EXPECT_ERR(_errno, _expr)	__emu_check_rc(-(_errno), _expr, 0, #_expr)
/* The same, naming the case with a string instead of the expression. */
#define ASSERT_RC_FOR(_what, _rc, _expr)	__emu_check_rc(_rc, _expr, 1, _what)
#define EXPECT_RC_FOR(_what, _rc, _expr)	__emu_check_rc(_rc, _expr, 0, _what)

static inline int emu_ioctl(int fd, unsigned long cmd, void *arg)
{
	if (ioctl(fd, cmd, arg))
		return -errno;
	return 0;
}

static inline int emu_destroy(int fd, __u32 id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return emu_ioctl(fd, IOMMU_DESTROY, &cmd);
}

/*
 * The VFIO-style ioctls of an emulated device's node
 * (/dev/iommufd-emu/<name>) with the full current struct sizes; 0 or
 * -errno.
 */

/* Bind the device to @iommufd; its device id in *@dev_id (may be NULL) */
static inline int emu_dev_bind(int dfd, int iommufd, __u32 *dev_id)
{
	struct vfio_device_bind_iommufd cmd = {
		.argsz = sizeof(cmd),
		.iommufd = iommufd,
	};
	int rc = emu_ioctl(dfd, VFIO_DEVICE_BIND_IOMMUFD, &cmd);

	if (!rc && dev_id)
		*dev_id = cmd.out_devid;
	return rc;
}

/*
 * Attach or replace the RID, or a PASID with VFIO_DEVICE_ATTACH_PASID in
 * @flags; *@pt_id is an IOAS or HWPT, and on success the HWPT used.
 */
static inline int emu_dev_attach(int dfd, __u32 flags, __u32 pasid,
				 __u32 *pt_id)
{
	struct vfio_device_attach_iommufd_pt cmd = {
		.argsz = sizeof(cmd),
		.flags = flags,
		.pt_id = *pt_id,
		.pasid = pasid,
	};
	int rc = emu_ioctl(dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd);

	if (!rc)
		*pt_id = cmd.pt_id;
	return rc;
}

/* Detach the RID, or a PASID with VFIO_DEVICE_DETACH_PASID in @flags */
static inline int emu_dev_detach(int dfd, __u32 flags, __u32 pasid)
{
	struct vfio_device_detach_iommufd_pt cmd = {
		.argsz = sizeof(cmd),
		.flags = flags,
		.pasid = pasid,
	};

	return emu_ioctl(dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd);
}

/* IOMMUFD_EMU_DMA: the device moves @len bytes between @buf and @iova */
static inline int emu_dev_dma(int dfd, __u32 flags, __u32 pasid, __u64 iova,
			      void *buf, __u64 len)
{
	struct iommufd_emu_dma cmd = {
		.argsz = sizeof(cmd),
		.flags = flags,
		.pasid = pasid,
		.iova = iova,
		.length = len,
		.uptr = (uintptr_t)buf,
	};

	return emu_ioctl(dfd, IOMMUFD_EMU_DMA, &cmd);
}

/*
 * The emulated platform's configfs tree. An item is <kind>/<item>, where
 * @kind is "iommus" or "devices"; every helper returns 0 or -errno.
 */
#define EMU_CFS_MOUNT	"/sys/kernel/config"
#define EMU_CFS_ROOT	EMU_CFS_MOUNT "/iommufd_emu"

/* Path of an item, or of its attribute @attr when not NULL */
static inline void emu_cfs_path(char *buf, size_t len, const char *kind,
				const char *item, const char *attr)
{
	if (attr)
		snprintf(buf, len, EMU_CFS_ROOT "/%s/%s/%s", kind, item, attr);
	else
		snprintf(buf, len, EMU_CFS_ROOT "/%s/%s", kind, item);
}

/* Write @val in one write(): configfs stores it whole or refuses it */
static inline int emu_cfs_write(const char *kind, const char *item,
				const char *attr, const char *val)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, rc = 0;

	emu_cfs_path(path, sizeof(path), kind, item, attr);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		rc = -errno;
	else if ((size_t)n != strlen(val))
		rc = -EIO;
	close(fd);
	return rc;
}

/* Read an attribute into @buf (of @len bytes) without its newline */
static inline int emu_cfs_read(const char *kind, const char *item,
			       const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	emu_cfs_path(path, sizeof(path), kind, item, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

/* Read a numeric attribute (any base strtoull() takes) into *@val */
static inline int emu_cfs_readu(const char *kind, const char *item,
				const char *attr, unsigned long long *val)
{
	char text[64];
	int rc;

	rc = emu_cfs_read(kind, item, attr, text, sizeof(text));
	if (!rc)
		*val = strtoull(text, NULL, 0);
	return rc;
}

static inline int emu_cfs_mkdir(const char *kind, const char *item)
{
	char path[PATH_MAX];

	emu_cfs_path(path, sizeof(path), kind, item, NULL);
	return mkdir(path, 0755) ? -errno : 0;
}

static inline int emu_cfs_rmdir(const char *kind, const char *item)
{
	char path[PATH_MAX];

	emu_cfs_path(path, sizeof(path), kind, item, NULL);
	return rmdir(path) ? -errno : 0;
}

/*
 * Create an item, write the NULL-ended "attr", "value" pairs of @kv (may
 * be NULL) in order, then enable it when @enable; stops at the first
 * failure. An instance's "type" goes first in @kv.
 */
static inline int emu_cfs_make(const char *kind, const char *item,
			       const char *const *kv, bool enable)
{
	int rc = emu_cfs_mkdir(kind, item);

	for (; !rc && kv && kv[0]; kv += 2)
		rc = emu_cfs_write(kind, item, kv[0], kv[1]);
	if (!rc && enable)
		rc = emu_cfs_write(kind, item, "enable", "1");
	return rc;
}

/*
 * Remove whatever of the NULL-ended device names @devs and instance names
 * @iommus exists, devices first: an instance with devices stays busy.
 */
static inline void emu_cfs_cleanup(const char *const *devs,
				   const char *const *iommus)
{
	for (; devs && *devs; devs++)
		emu_cfs_rmdir("devices", *devs);
	for (; iommus && *iommus; iommus++)
		emu_cfs_rmdir("iommus", *iommus);
}

/* Is the module's tree there? Mounts configfs first if it is not. */
static inline bool emu_cfs_ready(void)
{
	struct stat st;

	if (!stat(EMU_CFS_ROOT, &st))
		return true;
	mount("none", EMU_CFS_MOUNT, "configfs", 0, NULL);
	return !stat(EMU_CFS_ROOT, &st);
}

static inline int emu_ioas_alloc(int fd, __u32 *ioas_id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	int rc;

	rc = emu_ioctl(fd, IOMMU_IOAS_ALLOC, &cmd);
	if (!rc && ioas_id)
		*ioas_id = cmd.out_ioas_id;
	return rc;
}

/*
 * Map @length bytes at @va.  With IOMMU_IOAS_MAP_FIXED_IOVA in @flags *@iova
 * is the requested IOVA; on success *@iova holds the IOVA actually used.
 */
static inline int emu_ioas_map(int fd, __u32 ioas_id, __u32 flags,
			       const void *va, __u64 length, __u64 *iova)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas_id,
		.user_va = (uintptr_t)va,
		.length = length,
		.iova = iova ? *iova : 0,
	};
	int rc;

	rc = emu_ioctl(fd, IOMMU_IOAS_MAP, &cmd);
	if (!rc && iova)
		*iova = cmd.iova;
	return rc;
}

static inline int emu_ioas_map_file(int fd, __u32 ioas_id, __u32 flags,
				    int file_fd, __u64 start, __u64 length,
				    __u64 *iova)
{
	struct iommu_ioas_map_file cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas_id,
		.fd = file_fd,
		.start = start,
		.length = length,
		.iova = iova ? *iova : 0,
	};
	int rc;

	rc = emu_ioctl(fd, IOMMU_IOAS_MAP_FILE, &cmd);
	if (!rc && iova)
		*iova = cmd.iova;
	return rc;
}

static inline int emu_ioas_copy(int fd, __u32 flags, __u32 dst_ioas,
				__u64 *dst_iova, __u32 src_ioas,
				__u64 src_iova, __u64 length)
{
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dst_ioas_id = dst_ioas,
		.src_ioas_id = src_ioas,
		.length = length,
		.dst_iova = dst_iova ? *dst_iova : 0,
		.src_iova = src_iova,
	};
	int rc;

	rc = emu_ioctl(fd, IOMMU_IOAS_COPY, &cmd);
	if (!rc && dst_iova)
		*dst_iova = cmd.dst_iova;
	return rc;
}

/* On success *@unmapped (if given) holds the length the kernel reported. */
static inline int emu_ioas_unmap(int fd, __u32 ioas_id, __u64 iova,
				 __u64 length, __u64 *unmapped)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.iova = iova,
		.length = length,
	};
	int rc;

	rc = emu_ioctl(fd, IOMMU_IOAS_UNMAP, &cmd);
	if (!rc && unmapped)
		*unmapped = cmd.length;
	return rc;
}

/*
 * *@num is the capacity of @ranges on input and the count reported by the
 * kernel on output (also on EMSGSIZE).
 */
static inline int emu_ioas_iova_ranges(int fd, __u32 ioas_id,
				       struct iommu_iova_range *ranges,
				       __u32 *num, __u64 *alignment)
{
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.num_iovas = *num,
		.allowed_iovas = (uintptr_t)ranges,
	};
	int rc;

	rc = emu_ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &cmd);
	if (!rc || rc == -EMSGSIZE) {
		*num = cmd.num_iovas;
		if (alignment)
			*alignment = cmd.out_iova_alignment;
	}
	return rc;
}

static inline int emu_ioas_allow_iovas(int fd, __u32 ioas_id,
				       const struct iommu_iova_range *ranges,
				       __u32 num)
{
	struct iommu_ioas_allow_iovas cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.num_iovas = num,
		.allowed_iovas = (uintptr_t)ranges,
	};

	return emu_ioctl(fd, IOMMU_IOAS_ALLOW_IOVAS, &cmd);
}

/* For IOMMU_OPTION_OP_SET *@val is the input, for OP_GET the output. */
static inline int emu_option(int fd, __u32 option_id, __u16 op,
			     __u32 object_id, __u64 *val)
{
	struct iommu_option cmd = {
		.size = sizeof(cmd),
		.option_id = option_id,
		.op = op,
		.object_id = object_id,
		.val64 = val ? *val : 0,
	};
	int rc;

	rc = emu_ioctl(fd, IOMMU_OPTION, &cmd);
	if (!rc && val)
		*val = cmd.val64;
	return rc;
}

static inline int emu_set_rlimit_mode(int fd, __u64 mode)
{
	return emu_option(fd, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET, 0,
			  &mode);
}

static inline int emu_set_huge_pages(int fd, __u32 ioas_id, __u64 enable)
{
	return emu_option(fd, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET,
			  ioas_id, &enable);
}

static inline int emu_change_process(int fd)
{
	struct iommu_ioas_change_process cmd = { .size = sizeof(cmd) };

	return emu_ioctl(fd, IOMMU_IOAS_CHANGE_PROCESS, &cmd);
}

static inline int emu_test_cmd(int fd, struct iommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return emu_ioctl(fd, IOMMU_TEST_CMD, cmd);
}

/* Is IOMMU_TEST_CMD there?  A page-reference check of nothing is a no-op. */
static inline bool emu_test_cmd_available(int fd)
{
	struct iommu_test_cmd cmd = { .op = IOMMU_TEST_OP_MD_CHECK_REFS };

	return emu_test_cmd(fd, &cmd) == 0;
}

/* Mark [start, start + length) of an IOAS reserved, like a device would. */
static inline int emu_test_add_reserved(int fd, __u32 ioas_id, __u64 start,
					__u64 length)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ADD_RESERVED,
		.id = ioas_id,
		.add_reserved = { .start = start, .length = length },
	};

	return emu_test_cmd(fd, &cmd);
}

/* Is every page of the buffer pinned exactly @refs times? */
static inline int emu_test_check_refs(int fd, const void *uptr, __u64 length,
				      __u32 refs)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MD_CHECK_REFS,
		.check_refs = {
			.length = length,
			.uptr = (uintptr_t)uptr,
			.refs = refs,
		},
	};

	return emu_test_cmd(fd, &cmd);
}

/* Does every granule of [iova, iova + length) of the HWPT reach @uptr? */
static inline int emu_test_check_map(int fd, __u32 hwpt_id, __u64 iova,
				     __u64 length, const void *uptr)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MD_CHECK_MAP,
		.id = hwpt_id,
		.check_map = {
			.iova = iova,
			.length = length,
			.uptr = (uintptr_t)uptr,
		},
	};

	return emu_test_cmd(fd, &cmd);
}

/*
 * An in-kernel user of the IOAS; returns its fd.  With @pins it may pin
 * pages (and then needs page-aligned IOVA), without it can only copy.
 */
static inline int emu_test_create_access_flags(int fd, __u32 ioas_id,
					       bool pins, int *access_fd)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_CREATE_ACCESS,
		.id = ioas_id,
		.create_access = {
			.flags = pins ?
				 MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES : 0,
		},
	};
	int rc;

	rc = emu_test_cmd(fd, &cmd);
	if (!rc)
		*access_fd = cmd.create_access.out_access_fd;
	return rc;
}

static inline int emu_test_create_access(int fd, __u32 ioas_id,
					 int *access_fd)
{
	return emu_test_create_access_flags(fd, ioas_id, true, access_fd);
}

/*
 * Pin [iova, iova + length) through an access.  When @uptr is given the
 * kernel also checks that the pinned pages are the ones mapped at @uptr.
 */
static inline int emu_test_access_pin(int fd, int access_fd, __u64 iova,
				      __u64 length, const void *uptr,
				      bool write, __u32 *pin_id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ACCESS_PAGES,
		.id = access_fd,
		.access_pages = {
			.flags = write ? MOCK_FLAGS_ACCESS_WRITE : 0,
			.iova = iova,
			.length = length,
			.uptr = (uintptr_t)uptr,
		},
	};
	int rc;

	rc = emu_test_cmd(fd, &cmd);
	if (!rc && pin_id)
		*pin_id = cmd.access_pages.out_access_pages_id;
	return rc;
}

static inline int emu_test_access_unpin(int fd, int access_fd, __u32 pin_id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_DESTROY_ACCESS_PAGES,
		.id = access_fd,
		.destroy_access_pages = { .access_pages_id = pin_id },
	};

	return emu_test_cmd(fd, &cmd);
}

/* CPU copy between @buf and the memory behind [iova, iova + length). */
static inline int emu_test_access_rw(int fd, int access_fd, __u64 iova,
				     void *buf, __u64 length, bool write)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ACCESS_RW,
		.id = access_fd,
		.access_rw = {
			.iova = iova,
			.length = length,
			.uptr = (uintptr_t)buf,
			.flags = write ? MOCK_ACCESS_RW_WRITE : 0,
		},
	};

	return emu_test_cmd(fd, &cmd);
}

/*
 * The reason given by tests skipped for lack of IOMMU_TEST_CMD.  They check
 * at the top of the test body: SKIP() from a fixture setup would still run
 * the test with the kselftest harness of Linux 6.1.
 */
#define NO_TEST_CMD "IOMMU_TEST_CMD is not available"

/* An access on @ioas_id, asserting success; returns its file descriptor. */
#define test_create_access(_ioas_id, _access_fd_p)			\
	ASSERT_OK(emu_test_create_access(self->fd, _ioas_id, _access_fd_p))
#define test_access_pin(_access_fd, _iova, _len, _uptr, _write, _id_p)	\
	ASSERT_OK(emu_test_access_pin(self->fd, _access_fd, _iova, _len,	\
				      _uptr, _write, _id_p))
#define test_err_access_pin(_errno, _access_fd, _iova, _len, _uptr, _write) \
	ASSERT_ERR(_errno, emu_test_access_pin(self->fd, _access_fd, _iova, \
					       _len, _uptr, _write, NULL))
#define test_access_unpin(_access_fd, _id)				\
	ASSERT_OK(emu_test_access_unpin(self->fd, _access_fd, _id))
#define test_check_refs(_uptr, _len, _refs)				\
	ASSERT_OK(emu_test_check_refs(self->fd, _uptr, _len, _refs))

/* Assert-style wrappers on the fixture's self->fd. */
#define test_ioctl_destroy(_id)	ASSERT_OK(emu_destroy(self->fd, _id))
#define test_err_destroy(_errno, _id)	\
	ASSERT_ERR(_errno, emu_destroy(self->fd, _id))

#define test_ioctl_ioas_alloc(_id_p)	ASSERT_OK(emu_ioas_alloc(self->fd, _id_p))
#define test_err_ioas_alloc(_errno, _id_p)	\
	ASSERT_ERR(_errno, emu_ioas_alloc(self->fd, _id_p))

#define test_ioctl_ioas_map(_ioas, _flags, _va, _len, _iova_p)		\
	ASSERT_OK(emu_ioas_map(self->fd, _ioas, _flags, _va, _len, _iova_p))
#define test_err_ioas_map(_errno, _ioas, _flags, _va, _len, _iova_p)	\
	ASSERT_ERR(_errno, emu_ioas_map(self->fd, _ioas, _flags, _va, _len, \
					_iova_p))

#define test_ioctl_ioas_map_file(_ioas, _flags, _mfd, _start, _len, _iova_p) \
	ASSERT_OK(emu_ioas_map_file(self->fd, _ioas, _flags, _mfd, _start, \
				    _len, _iova_p))
#define test_err_ioas_map_file(_errno, _ioas, _flags, _mfd, _start, _len, \
			       _iova_p)					\
	ASSERT_ERR(_errno, emu_ioas_map_file(self->fd, _ioas, _flags, _mfd, \
					     _start, _len, _iova_p))

#define test_ioctl_ioas_copy(_flags, _dst, _dst_iova_p, _src, _src_iova, _len) \
	ASSERT_OK(emu_ioas_copy(self->fd, _flags, _dst, _dst_iova_p, _src, \
				_src_iova, _len))
#define test_err_ioas_copy(_errno, _flags, _dst, _dst_iova_p, _src,	\
			   _src_iova, _len)				\
	ASSERT_ERR(_errno, emu_ioas_copy(self->fd, _flags, _dst,	\
					 _dst_iova_p, _src, _src_iova, _len))

/* Unmap and check that exactly _expect bytes were reported as unmapped. */
#define test_ioctl_ioas_unmap(_ioas, _iova, _len, _expect) do {	\
	__u64 __unmapped = 0;						\
									\
	ASSERT_OK(emu_ioas_unmap(self->fd, _ioas, _iova, _len,		\
				 &__unmapped));				\
	ASSERT_EQ((__u64)(_expect), __unmapped);			\
} while (0)
#define test_err_ioas_unmap(_errno, _ioas, _iova, _len)		\
	ASSERT_ERR(_errno, emu_ioas_unmap(self->fd, _ioas, _iova, _len, NULL))

#define test_ioctl_allow_iovas(_ioas, _ranges, _num)			\
	ASSERT_OK(emu_ioas_allow_iovas(self->fd, _ioas, _ranges, _num))
#define test_err_allow_iovas(_errno, _ioas, _ranges, _num)		\
	ASSERT_ERR(_errno, emu_ioas_allow_iovas(self->fd, _ioas, _ranges, _num))

#define test_ioctl_option(_opt, _op, _obj, _val_p)			\
	ASSERT_OK(emu_option(self->fd, _opt, _op, _obj, _val_p))
#define test_err_option(_errno, _opt, _op, _obj, _val_p)		\
	ASSERT_ERR(_errno, emu_option(self->fd, _opt, _op, _obj, _val_p))

/*
 * One "Key:  value kB" line of /proc/<pid>/status, in kB; -1 if the file or
 * the key is missing.
 */
static inline long emu_proc_status_kb(pid_t pid, const char *key)
{
	size_t key_len = strlen(key);
	char path[64];
	char line[256];
	long value = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, key_len) || line[key_len] != ':')
			continue;
		if (sscanf(line + key_len + 1, "%ld", &value) != 1)
			value = -1;
		break;
	}
	fclose(f);
	return value;
}

/* Pinned (VmPin) and locked (VmLck) memory of a process, in pages. */
static inline long emu_pinned_pages(pid_t pid)
{
	long kb = emu_proc_status_kb(pid, "VmPin");

	return kb < 0 ? kb : kb / (long)PAGE_KB;
}

static inline long emu_locked_pages(pid_t pid)
{
	long kb = emu_proc_status_kb(pid, "VmLck");

	return kb < 0 ? kb : kb / (long)PAGE_KB;
}

#define my_pinned()	emu_pinned_pages(getpid())
#define my_locked()	emu_locked_pages(getpid())

/* Capabilities: only the effective set matters to capable() checks. */
static inline bool emu_has_cap(cap_value_t cap)
{
	cap_flag_value_t value = CAP_CLEAR;
	cap_t caps = cap_get_proc();

	if (!caps)
		return false;
	if (cap_get_flag(caps, cap, CAP_EFFECTIVE, &value))
		value = CAP_CLEAR;
	cap_free(caps);
	return value == CAP_SET;
}

static inline int emu_drop_effective_cap(cap_value_t cap)
{
	cap_t caps = cap_get_proc();
	int rc;

	if (!caps)
		return -1;
	rc = cap_set_flag(caps, CAP_EFFECTIVE, 1, &cap, CAP_CLEAR);
	if (!rc)
		rc = cap_set_proc(caps);
	cap_free(caps);
	return rc;
}

/*
 * Anonymous memory aligned to @align (a power of two, at least a page),
 * filled with a pattern so every page is present.  Freed with
 * emu_free_buffer(); returns NULL on failure.
 */
static inline void *emu_alloc_buffer(size_t length, size_t align)
{
	size_t total = length + align;
	uintptr_t start, aligned;
	void *p;

	p = mmap(NULL, total, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	start = (uintptr_t)p;
	aligned = (start + align - 1) & ~(uintptr_t)(align - 1);
	if (aligned > start)
		munmap(p, aligned - start);
	munmap((void *)(aligned + length), start + total - aligned - length);
	memset((void *)aligned, 0xa5, length);
	return (void *)aligned;
}

static inline void emu_free_buffer(void *p, size_t length)
{
	if (p)
		munmap(p, length);
}

/* A memfd of @length bytes with every page allocated; -1 on failure. */
static inline int emu_memfd(size_t length)
{
	char chunk[256];
	size_t off;
	int fd;

	fd = memfd_create("iommufd-emu-test", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, length))
		goto err;
	memset(chunk, 0x5a, sizeof(chunk));
	for (off = 0; off < length; off += PAGE_SIZE)
		if (pwrite(fd, chunk, sizeof(chunk), off) != sizeof(chunk))
			goto err;
	return fd;
err:
	close(fd);
	return -1;
}

/*
 * Run @fn in a forked child and return its exit status (0 means the child
 * was happy), or -1 if it could not be started or did not exit normally.
 * Harness assertions must not be used inside @fn: it reports failures with
 * CHILD_CHECK() instead.
 */
static inline int emu_run_child(int (*fn)(void *arg), void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (!WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* For code running in a forked child: report and exit with status 1. */
#define CHILD_CHECK(_cond) do {						\
	if (!(_cond)) {							\
		fprintf(stderr, "# child %s:%d: check failed: %s\n",	\
			__FILE__, __LINE__, #_cond);			\
		fflush(stderr);						\
		_exit(1);						\
	}								\
} while (0)

#endif /* __IOMMUFD_EMU_UTILS_H */
