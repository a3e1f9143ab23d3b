/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wrappers around mock devices, nested HWPTs, fault queues and PASID
 * attachments, shared by nested.c, fault.c and pasid_ops.c.
 *
 * Like the emu_*() helpers of iommufd_emu_utils.h, each returns 0 or the
 * negated errno; output pointers may be NULL. The test_*() macros assert
 * success on "self->fd".
 */
#ifndef __IOMMUFD_EMU_MOCK_OPS_H
#define __IOMMUFD_EMU_MOCK_OPS_H

#include <poll.h>
#include <stddef.h>

#include "iommufd_emu_utils.h"

/* An object id no test ever reaches. */
#define MOCK_NO_SUCH_ID		0xfffffff0U
/* A value for nested IOTLBs that differs from the selftest's default. */
#define MOCK_OTHER_IOTLB	0x1234abcdU

/* A new mock device (MOCK_FLAGS_DEVICE_* in @dev_flags) attached to @pt_id. */
static inline int mock_dev_add(int fd, __u32 pt_id, __u32 dev_flags,
			       __u32 *stdev_id, __u32 *hwpt_id, __u32 *idev_id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS,
		.id = pt_id,
		.mock_domain_flags = { .dev_flags = dev_flags },
	};
	int rc;

	rc = emu_test_cmd(fd, &cmd);
	if (rc)
		return rc;
	if (stdev_id)
		*stdev_id = cmd.mock_domain_flags.out_stdev_id;
	if (hwpt_id)
		*hwpt_id = cmd.mock_domain_flags.out_hwpt_id;
	if (idev_id)
		*idev_id = cmd.mock_domain_flags.out_idev_id;
	return 0;
}

/* Move a mock device's RID to @pt_id; *@out gets the HWPT used. */
static inline int mock_replace(int fd, __u32 stdev_id, __u32 pt_id, __u32 *out)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
		.id = stdev_id,
		.mock_domain_replace = { .pt_id = pt_id },
	};
	int rc;

	rc = emu_test_cmd(fd, &cmd);
	if (!rc && out)
		*out = cmd.mock_domain_replace.pt_id;
	return rc;
}

/* IOMMU_HWPT_ALLOC with every field under the caller's control. */
static inline int mock_hwpt_alloc_full(int fd, __u32 dev_id, __u32 pt_id,
				       __u32 flags, __u32 fault_id,
				       __u32 data_type, const void *data,
				       __u32 data_len, __u32 *hwpt_id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev_id,
		.pt_id = pt_id,
		.data_type = data_type,
		.data_len = data_len,
		.data_uptr = (uintptr_t)data,
		.fault_id = fault_id,
	};
	int rc;

	rc = emu_ioctl(fd, IOMMU_HWPT_ALLOC, &cmd);
	if (!rc && hwpt_id)
		*hwpt_id = cmd.out_hwpt_id;
	return rc;
}

static inline int mock_hwpt_alloc(int fd, __u32 dev_id, __u32 pt_id,
				  __u32 flags, __u32 *hwpt_id)
{
	return mock_hwpt_alloc_full(fd, dev_id, pt_id, flags, 0,
				    IOMMU_HWPT_DATA_NONE, NULL, 0, hwpt_id);
}

/* A nested mock HWPT on @parent_id whose IOTLB slots start as @iotlb. */
static inline int mock_nested_alloc(int fd, __u32 dev_id, __u32 parent_id,
				    __u32 flags, __u32 iotlb, __u32 *hwpt_id)
{
	struct iommu_hwpt_selftest data = { .iotlb = iotlb };

	return mock_hwpt_alloc_full(fd, dev_id, parent_id, flags, 0,
				    IOMMU_HWPT_DATA_SELFTEST, &data,
				    sizeof(data), hwpt_id);
}

/* The same, connected to the fault queue @fault_id. */
static inline int mock_nested_alloc_fault(int fd, __u32 dev_id,
					  __u32 parent_id, __u32 flags,
					  __u32 fault_id, __u32 *hwpt_id)
{
	struct iommu_hwpt_selftest data = {
		.iotlb = IOMMU_TEST_IOTLB_DEFAULT,
	};

	return mock_hwpt_alloc_full(fd, dev_id, parent_id,
				    flags | IOMMU_HWPT_FAULT_ID_VALID,
				    fault_id, IOMMU_HWPT_DATA_SELFTEST, &data,
				    sizeof(data), hwpt_id);
}

/* Does IOTLB slot @slot of a nested mock HWPT hold @value? */
static inline int mock_check_iotlb(int fd, __u32 hwpt_id, __u32 slot,
				   __u32 value)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MD_CHECK_IOTLB,
		.id = hwpt_id,
		.check_iotlb = { .id = slot, .iotlb = value },
	};

	return emu_test_cmd(fd, &cmd);
}

/*
 * IOMMU_HWPT_INVALIDATE of @num entries of @len bytes at @reqs; *@done gets
 * the entry_num the kernel wrote back.
 */
static inline int mock_invalidate(int fd, __u32 id, __u32 data_type,
				  const void *reqs, __u32 len, __u32 num,
				  __u32 *done)
{
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = id,
		.data_uptr = (uintptr_t)reqs,
		.data_type = data_type,
		.entry_len = len,
		.entry_num = num,
	};
	int rc;

	rc = emu_ioctl(fd, IOMMU_HWPT_INVALIDATE, &cmd);
	if (done)
		*done = cmd.entry_num;
	return rc;
}

static inline int mock_fault_alloc(int fd, __u32 *fault_id, int *fault_fd)
{
	struct iommu_fault_alloc cmd = { .size = sizeof(cmd) };
	int rc;

	rc = emu_ioctl(fd, IOMMU_FAULT_QUEUE_ALLOC, &cmd);
	if (rc)
		return rc;
	if (fault_id)
		*fault_id = cmd.out_fault_id;
	if (fault_fd)
		*fault_fd = cmd.out_fault_fd;
	return 0;
}

/* A page request of the mock device @dev_id, closing group @grpid. */
static inline int mock_trigger_iopf(int fd, __u32 dev_id, __u32 pasid,
				    __u32 grpid, __u32 perm, __u64 addr)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_TRIGGER_IOPF,
		.trigger_iopf = {
			.dev_id = dev_id,
			.pasid = pasid,
			.grpid = grpid,
			.perm = perm,
			.addr = addr,
		},
	};

	return emu_test_cmd(fd, &cmd);
}

/* Read up to @max records; returns how many, or the negated errno. */
static inline int mock_read_faults(int fault_fd, struct iommu_hwpt_pgfault *out,
				   unsigned int max)
{
	ssize_t got = read(fault_fd, out, max * sizeof(*out));

	if (got < 0)
		return -errno;
	return got / sizeof(*out);
}

/* Answer one group; 0 when the whole response was taken. */
static inline int mock_respond(int fault_fd, __u32 cookie, __u32 code)
{
	struct iommu_hwpt_page_response resp = {
		.cookie = cookie,
		.code = code,
	};
	ssize_t done = write(fault_fd, &resp, sizeof(resp));

	if (done < 0)
		return -errno;
	return done == sizeof(resp) ? 0 : -EIO;
}

/* Is the fault fd readable right now? */
static inline bool mock_fault_pending(int fault_fd)
{
	struct pollfd pfd = { .fd = fault_fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

/* PASID attach (@replace false) or replace of a mock device. */
static inline int mock_pasid_change(int fd, __u32 stdev_id, __u32 pasid,
				    __u32 pt_id, bool replace, __u32 *out)
{
	struct iommu_test_cmd cmd = {
		.op = replace ? IOMMU_TEST_OP_PASID_REPLACE :
				IOMMU_TEST_OP_PASID_ATTACH,
		.id = stdev_id,
		.pasid_attach = { .pasid = pasid, .pt_id = pt_id },
	};
	int rc;

	rc = emu_test_cmd(fd, &cmd);
	if (!rc && out)
		*out = cmd.pasid_attach.pt_id;
	return rc;
}

static inline int mock_pasid_attach(int fd, __u32 stdev_id, __u32 pasid,
				    __u32 pt_id)
{
	return mock_pasid_change(fd, stdev_id, pasid, pt_id, false, NULL);
}

static inline int mock_pasid_replace(int fd, __u32 stdev_id, __u32 pasid,
				     __u32 pt_id)
{
	return mock_pasid_change(fd, stdev_id, pasid, pt_id, true, NULL);
}

static inline int mock_pasid_detach(int fd, __u32 stdev_id, __u32 pasid)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_PASID_DETACH,
		.id = stdev_id,
		.pasid_detach = { .pasid = pasid },
	};

	return emu_test_cmd(fd, &cmd);
}

/* Is @pasid attached to @hwpt_id (0: not attached at all)? */
static inline int mock_pasid_check(int fd, __u32 stdev_id, __u32 pasid,
				   __u32 hwpt_id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_PASID_CHECK_HWPT,
		.id = stdev_id,
		.pasid_check = { .pasid = pasid, .hwpt_id = hwpt_id },
	};

	return emu_test_cmd(fd, &cmd);
}

/*
 * NULL when the module has the mock operations these tests need, else the
 * reason to skip (no IOMMU_TEST_CMD, or no nesting in the mock).
 */
static inline const char *mock_nesting_missing(int fd)
{
	__u32 ioas_id, stdev_id, idev_id, parent_id, nested_id;
	const char *why = NULL;
	int rc;

	if (!emu_test_cmd_available(fd))
		return NO_TEST_CMD;
	if (emu_ioas_alloc(fd, &ioas_id))
		return NULL;
	rc = mock_dev_add(fd, ioas_id, 0, &stdev_id, NULL, &idev_id);
	if (rc == -EOPNOTSUPP) {
		why = "mock devices are not supported";
		goto out_ioas;
	}
	if (rc)
		goto out_ioas;
	if (!mock_hwpt_alloc(fd, idev_id, ioas_id,
			     IOMMU_HWPT_ALLOC_NEST_PARENT, &parent_id)) {
		rc = mock_nested_alloc(fd, idev_id, parent_id, 0,
				       IOMMU_TEST_IOTLB_DEFAULT, &nested_id);
		if (rc == -EOPNOTSUPP)
			why = "nested mock HWPTs are not supported";
		else if (!rc)
			emu_destroy(fd, nested_id);
		emu_destroy(fd, parent_id);
	}
	emu_destroy(fd, stdev_id);
out_ioas:
	emu_destroy(fd, ioas_id);
	return why;
}

#define test_mock_dev_add(_pt, _flags, _stdev_p, _hwpt_p, _idev_p)	\
	ASSERT_OK(mock_dev_add(self->fd, _pt, _flags, _stdev_p, _hwpt_p, \
			       _idev_p))
#define test_mock_replace(_stdev, _pt)					\
	ASSERT_OK(mock_replace(self->fd, _stdev, _pt, NULL))
#define test_err_mock_replace(_errno, _stdev, _pt)			\
	ASSERT_ERR(_errno, mock_replace(self->fd, _stdev, _pt, NULL))
#define test_hwpt_alloc(_dev, _pt, _flags, _hwpt_p)			\
	ASSERT_OK(mock_hwpt_alloc(self->fd, _dev, _pt, _flags, _hwpt_p))
#define test_nested_alloc(_dev, _parent, _flags, _iotlb, _hwpt_p)	\
	ASSERT_OK(mock_nested_alloc(self->fd, _dev, _parent, _flags,	\
				    _iotlb, _hwpt_p))
#define test_check_iotlb(_hwpt, _slot, _value)				\
	ASSERT_OK(mock_check_iotlb(self->fd, _hwpt, _slot, _value))
#define test_check_iotlb_all(_hwpt, _value) do {			\
	__u32 __slot;							\
									\
	for (__slot = 0; __slot < MOCK_NESTED_DOMAIN_IOTLB_NUM; __slot++) \
		test_check_iotlb(_hwpt, __slot, _value);		\
} while (0)
#define test_fault_alloc(_id_p, _fd_p)					\
	ASSERT_OK(mock_fault_alloc(self->fd, _id_p, _fd_p))
#define test_trigger_iopf(_dev, _pasid, _grpid, _perm, _addr)		\
	ASSERT_OK(mock_trigger_iopf(self->fd, _dev, _pasid, _grpid,	\
				    _perm, _addr))
#define test_pasid_attach(_stdev, _pasid, _pt)				\
	ASSERT_OK(mock_pasid_attach(self->fd, _stdev, _pasid, _pt))
#define test_err_pasid_attach(_errno, _stdev, _pasid, _pt)		\
	ASSERT_ERR(_errno, mock_pasid_attach(self->fd, _stdev, _pasid, _pt))
#define test_pasid_replace(_stdev, _pasid, _pt)				\
	ASSERT_OK(mock_pasid_replace(self->fd, _stdev, _pasid, _pt))
#define test_err_pasid_replace(_errno, _stdev, _pasid, _pt)		\
	ASSERT_ERR(_errno, mock_pasid_replace(self->fd, _stdev, _pasid, _pt))
#define test_pasid_detach(_stdev, _pasid)				\
	ASSERT_OK(mock_pasid_detach(self->fd, _stdev, _pasid))
/* Attached to @hwpt, or with @hwpt 0 not attached at all */
#define test_pasid_on(_stdev, _pasid, _hwpt)				\
	ASSERT_OK(mock_pasid_check(self->fd, _stdev, _pasid, _hwpt))

#endif /* __IOMMUFD_EMU_MOCK_OPS_H */
