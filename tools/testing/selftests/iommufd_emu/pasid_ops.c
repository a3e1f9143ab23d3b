// SPDX-License-Identifier: GPL-2.0
/*
 * PASID attach, replace and detach of mock devices (IOMMU_TEST_OP_PASID_*),
 * which go through the same device attach code as VFIO device PASIDs.
 *
 * Rules: a PASID can only be attached to a HWPT allocated with
 * IOMMU_HWPT_ALLOC_PASID, and only while the RID's HWPT is such a HWPT
 * too; while PASIDs are attached the RID cannot move to any other kind.
 * IOMMU_TEST_PASID_RESERVED is a PASID on which the mock fails the next
 * switch to another translation once, to show that a failed replace leaves
 * the old HWPT in place.
 */
#include "mock_ops.h"

FIXTURE(pasid)
{
	int fd;
	const char *skip;
	__u32 ioas_id;
	__u32 stdev_id;		/* a device with PASIDs, RID on s2_id */
	__u32 idev_id;
	__u32 auto_id;		/* its first, automatic HWPT */
	__u32 s2_id;		/* paging, PASID-compatible */
	__u32 s2b_id;		/* paging, PASID-compatible */
	__u32 parent_id;	/* paging, nest parent, not PASID-compatible */
	__u32 nested_id;	/* nested, PASID-compatible */
};

FIXTURE_SETUP(pasid)
{
	self->fd = emu_open();
	ASSERT_LE(0, self->fd);
	self->skip = mock_nesting_missing(self->fd);
	if (self->skip)
		return;
	test_ioctl_ioas_alloc(&self->ioas_id);
	test_mock_dev_add(self->ioas_id, MOCK_FLAGS_DEVICE_PASID,
			  &self->stdev_id, &self->auto_id, &self->idev_id);
	test_hwpt_alloc(self->idev_id, self->ioas_id, IOMMU_HWPT_ALLOC_PASID,
			&self->s2_id);
	test_hwpt_alloc(self->idev_id, self->ioas_id, IOMMU_HWPT_ALLOC_PASID,
			&self->s2b_id);
	test_hwpt_alloc(self->idev_id, self->ioas_id,
			IOMMU_HWPT_ALLOC_NEST_PARENT, &self->parent_id);
	test_nested_alloc(self->idev_id, self->parent_id,
			  IOMMU_HWPT_ALLOC_PASID, IOMMU_TEST_IOTLB_DEFAULT,
			  &self->nested_id);
	test_mock_replace(self->stdev_id, self->s2_id);
}

FIXTURE_TEARDOWN(pasid)
{
	close(self->fd);
}

TEST_F(pasid, attach_detach)
{
	__u32 out;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_pasid_on(self->stdev_id, 10, 0);
	ASSERT_OK(mock_pasid_change(self->fd, self->stdev_id, 10, self->s2b_id,
				    false, &out));
	ASSERT_EQ(self->s2b_id, out);
	test_pasid_on(self->stdev_id, 10, self->s2b_id);
	/* Other PASIDs are untouched */
	test_pasid_on(self->stdev_id, 11, 0);
	test_pasid_attach(self->stdev_id, 11, self->nested_id);
	test_pasid_on(self->stdev_id, 11, self->nested_id);
	test_pasid_on(self->stdev_id, 10, self->s2b_id);
	/* The RID's HWPT may serve a PASID too */
	test_pasid_attach(self->stdev_id, 12, self->s2_id);
	test_pasid_on(self->stdev_id, 12, self->s2_id);

	/* An attached HWPT cannot go */
	test_err_destroy(EBUSY, self->s2b_id);
	test_err_destroy(EBUSY, self->nested_id);

	test_pasid_detach(self->stdev_id, 10);
	test_pasid_on(self->stdev_id, 10, 0);
	test_ioctl_destroy(self->s2b_id);
	test_pasid_detach(self->stdev_id, 11);
	test_pasid_detach(self->stdev_id, 12);
	test_pasid_on(self->stdev_id, 11, 0);
	test_pasid_on(self->stdev_id, 12, 0);
	/* Detaching what is not attached is no error */
	test_pasid_detach(self->stdev_id, 11);
	test_pasid_detach(self->stdev_id, 999);
	test_ioctl_destroy(self->nested_id);
}

TEST_F(pasid, attach_errors)
{
	__u32 plain_stdev, plain_idev;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_pasid_attach(self->stdev_id, 20, self->s2b_id);
	/* Attached already: replace is the way to move it */
	test_err_pasid_attach(EBUSY, self->stdev_id, 20, self->s2b_id);
	test_err_pasid_attach(EBUSY, self->stdev_id, 20, self->nested_id);
	test_pasid_on(self->stdev_id, 20, self->s2b_id);

	/* Only PASID-compatible HWPTs, never an automatic one */
	test_err_pasid_attach(EINVAL, self->stdev_id, 21, self->parent_id);
	test_err_pasid_attach(EINVAL, self->stdev_id, 21, self->ioas_id);
	test_pasid_on(self->stdev_id, 21, 0);

	/* Objects that are not what they should be */
	test_err_pasid_attach(ENOENT, self->stdev_id, 21, MOCK_NO_SUCH_ID);
	test_err_pasid_attach(EINVAL, self->stdev_id, 21, self->idev_id);
	test_err_pasid_attach(ENOENT, MOCK_NO_SUCH_ID, 21, self->s2_id);
	test_err_pasid_attach(ENOENT, self->ioas_id, 21, self->s2_id);
	ASSERT_ERR(ENOENT, mock_pasid_detach(self->fd, self->ioas_id, 21));

	/* Beyond the mock's PASID width */
	test_err_pasid_attach(EINVAL, self->stdev_id, 1U << MOCK_PASID_WIDTH,
			      self->s2_id);

	/* A device without PASIDs takes none, whatever the HWPT */
	test_mock_dev_add(self->ioas_id, 0, &plain_stdev, NULL, &plain_idev);
	test_err_pasid_attach(EINVAL, plain_stdev, 21, self->parent_id);
	test_err_pasid_attach(EINVAL, plain_stdev, 21, self->s2_id);
	test_pasid_on(plain_stdev, 21, 0);
	/* though its RID may use a PASID-compatible HWPT */
	test_mock_replace(plain_stdev, self->nested_id);
	test_ioctl_destroy(plain_stdev);
}

/* The RID and the PASIDs must agree on PASID compatibility */
TEST_F(pasid, rid_compat)
{
	if (self->skip)
		SKIP(return, "%s", self->skip);
	/* RID on a HWPT that is not PASID-compatible: no PASID attaches */
	test_mock_replace(self->stdev_id, self->parent_id);
	test_err_pasid_attach(EINVAL, self->stdev_id, 30, self->s2b_id);
	test_pasid_on(self->stdev_id, 30, 0);
	test_mock_replace(self->stdev_id, self->ioas_id);
	test_err_pasid_attach(EINVAL, self->stdev_id, 30, self->s2b_id);

	/* PASIDs attached: the RID only moves between compatible HWPTs */
	test_mock_replace(self->stdev_id, self->s2_id);
	test_pasid_attach(self->stdev_id, 30, self->s2b_id);
	test_err_mock_replace(EINVAL, self->stdev_id, self->parent_id);
	test_err_mock_replace(EINVAL, self->stdev_id, self->ioas_id);
	test_mock_replace(self->stdev_id, self->nested_id);
	/* PASID 0 stands for the RID */
	test_pasid_on(self->stdev_id, 0, self->nested_id);
	test_pasid_on(self->stdev_id, 30, self->s2b_id);

	/* Once they are gone, anything goes again */
	test_pasid_detach(self->stdev_id, 30);
	test_mock_replace(self->stdev_id, self->parent_id);
}

TEST_F(pasid, replace)
{
	__u32 out;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	/* Only an attached PASID can be replaced */
	test_err_pasid_replace(EINVAL, self->stdev_id, 40, self->s2b_id);
	test_pasid_on(self->stdev_id, 40, 0);

	test_pasid_attach(self->stdev_id, 40, self->s2b_id);
	ASSERT_OK(mock_pasid_change(self->fd, self->stdev_id, 40,
				    self->nested_id, true, &out));
	ASSERT_EQ(self->nested_id, out);
	test_pasid_on(self->stdev_id, 40, self->nested_id);
	/* The old HWPT is free again, the new one busy */
	test_ioctl_destroy(self->s2b_id);
	test_err_destroy(EBUSY, self->nested_id);

	/* To the current HWPT: nothing happens */
	test_pasid_replace(self->stdev_id, 40, self->nested_id);
	test_pasid_on(self->stdev_id, 40, self->nested_id);

	/* Failed replaces leave the PASID where it was */
	test_err_pasid_replace(EINVAL, self->stdev_id, 40, self->parent_id);
	test_err_pasid_replace(EINVAL, self->stdev_id, 40, self->ioas_id);
	test_err_pasid_replace(ENOENT, self->stdev_id, 40, MOCK_NO_SUCH_ID);
	test_pasid_on(self->stdev_id, 40, self->nested_id);

	test_pasid_replace(self->stdev_id, 40, self->s2_id);
	test_pasid_on(self->stdev_id, 40, self->s2_id);
	test_pasid_detach(self->stdev_id, 40);
	test_pasid_on(self->stdev_id, 40, 0);
	test_ioctl_destroy(self->nested_id);
}

/* The mock's reserved PASID fails one switch after it was attached */
TEST_F(pasid, reserved_pasid)
{
	const __u32 p = IOMMU_TEST_PASID_RESERVED;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_pasid_attach(self->stdev_id, p, self->s2b_id);
	test_err_pasid_replace(ENOMEM, self->stdev_id, p, self->nested_id);
	test_pasid_on(self->stdev_id, p, self->s2b_id);
	/* The trap is spent: the retry works */
	test_pasid_replace(self->stdev_id, p, self->nested_id);
	test_pasid_on(self->stdev_id, p, self->nested_id);

	/* Detaching resets it; a fresh attach arms it again */
	test_pasid_detach(self->stdev_id, p);
	test_pasid_attach(self->stdev_id, p, self->s2b_id);
	test_err_pasid_replace(ENOMEM, self->stdev_id, p, self->nested_id);
	test_pasid_on(self->stdev_id, p, self->s2b_id);
	test_pasid_detach(self->stdev_id, p);

	/* Other PASIDs never fail */
	test_pasid_attach(self->stdev_id, p + 1, self->s2b_id);
	test_pasid_replace(self->stdev_id, p + 1, self->nested_id);
	test_pasid_detach(self->stdev_id, p + 1);
}

TEST_F(pasid, check_hwpt_errors)
{
	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_pasid_attach(self->stdev_id, 50, self->s2b_id);
	ASSERT_ERR(EINVAL, mock_pasid_check(self->fd, self->stdev_id, 50, 0));
	ASSERT_ERR(EINVAL, mock_pasid_check(self->fd, self->stdev_id, 50,
					    self->nested_id));
	ASSERT_ERR(EINVAL, mock_pasid_check(self->fd, self->stdev_id, 51,
					    self->s2b_id));
	ASSERT_ERR(EINVAL, mock_pasid_check(self->fd, self->stdev_id, 50,
					    self->ioas_id));
	ASSERT_ERR(ENOENT, mock_pasid_check(self->fd, self->stdev_id, 50,
					    MOCK_NO_SUCH_ID));
	ASSERT_ERR(ENOENT, mock_pasid_check(self->fd, MOCK_NO_SUCH_ID, 50,
					    self->s2b_id));
	ASSERT_ERR(ENOENT, mock_pasid_check(self->fd, self->idev_id, 50,
					    self->s2b_id));
}

/* Destroying a device, or closing, with PASIDs attached cleans up */
TEST_F(pasid, destroy_attached)
{
	__u32 stdev2;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_mock_dev_add(self->s2_id, MOCK_FLAGS_DEVICE_PASID, &stdev2, NULL,
			  NULL);
	test_pasid_attach(stdev2, 60, self->s2b_id);
	test_pasid_attach(stdev2, 61, self->nested_id);
	test_ioctl_destroy(stdev2);
	test_ioctl_destroy(self->s2b_id);
	test_ioctl_destroy(self->nested_id);

	test_pasid_attach(self->stdev_id, 62, self->s2_id);
	/* the teardown closes the context with PASID 62 attached */
}

TEST_HARNESS_MAIN
