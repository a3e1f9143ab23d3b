// SPDX-License-Identifier: GPL-2.0
/*
 * Nested HWPTs and IOMMU_HWPT_INVALIDATE on the mock IOMMU.
 *
 * A nested HWPT is made from a paging HWPT allocated with
 * IOMMU_HWPT_ALLOC_NEST_PARENT and driver data (struct iommu_hwpt_selftest
 * for the mock). A nested mock domain has four IOTLB slots, all starting as
 * the data's iotlb value; IOMMU_HWPT_INVALIDATE clears them one by one or
 * all at once (IOMMU_TEST_INVALIDATE_FLAG_ALL), and
 * IOMMU_TEST_OP_MD_CHECK_IOTLB reads them back.
 */
#include "mock_ops.h"

#define INV_TYPE	IOMMU_HWPT_INVALIDATE_DATA_SELFTEST
#define INV_LEN		sizeof(struct iommu_hwpt_invalidate_selftest)
/* Where the first version of struct iommu_hwpt_selftest ended. */
#define SELFTEST_DATA_MIN						\
	(offsetof(struct iommu_hwpt_selftest, iotlb) +			\
	 sizeof(((struct iommu_hwpt_selftest *)0)->iotlb))

FIXTURE(nested)
{
	int fd;
	const char *skip;
	__u32 ioas_id;
	__u32 stdev_id;
	__u32 idev_id;
	__u32 auto_hwpt_id;
	__u32 parent_id;
};

FIXTURE_SETUP(nested)
{
	self->fd = emu_open();
	ASSERT_LE(0, self->fd);
	self->skip = mock_nesting_missing(self->fd);
	if (self->skip)
		return;
	test_ioctl_ioas_alloc(&self->ioas_id);
	test_mock_dev_add(self->ioas_id, 0, &self->stdev_id,
			  &self->auto_hwpt_id, &self->idev_id);
	test_hwpt_alloc(self->idev_id, self->ioas_id,
			IOMMU_HWPT_ALLOC_NEST_PARENT, &self->parent_id);
}

FIXTURE_TEARDOWN(nested)
{
	close(self->fd);
}

TEST_F(nested, alloc)
{
	__u32 a, b;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_nested_alloc(self->idev_id, self->parent_id, 0,
			  IOMMU_TEST_IOTLB_DEFAULT, &a);
	test_nested_alloc(self->idev_id, self->parent_id, 0, MOCK_OTHER_IOTLB,
			  &b);
	ASSERT_NE(a, b);
	ASSERT_NE(self->parent_id, a);
	test_check_iotlb_all(a, IOMMU_TEST_IOTLB_DEFAULT);
	test_check_iotlb_all(b, MOCK_OTHER_IOTLB);

	/* The parent is held by every nested HWPT on it */
	test_err_destroy(EBUSY, self->parent_id);
	test_ioctl_destroy(a);
	test_err_destroy(EBUSY, self->parent_id);
	test_ioctl_destroy(b);
	test_err_destroy(ENOENT, b);
	test_ioctl_destroy(self->parent_id);
}

/* The first version of the data (up to iotlb) is enough; zeros may follow */
TEST_F(nested, alloc_data_sizes)
{
	struct {
		struct iommu_hwpt_selftest data;
		__u8 tail[8];
	} big = { .data = { .iotlb = MOCK_OTHER_IOTLB } };
	__u32 id;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_OK(mock_hwpt_alloc_full(self->fd, self->idev_id,
				       self->parent_id, 0, 0,
				       IOMMU_HWPT_DATA_SELFTEST, &big.data,
				       SELFTEST_DATA_MIN, &id));
	test_check_iotlb_all(id, MOCK_OTHER_IOTLB);
	test_ioctl_destroy(id);

	/* Longer than the driver's struct: refused, even with a zero tail */
	ASSERT_ERR(EINVAL, mock_hwpt_alloc_full(self->fd, self->idev_id,
						self->parent_id, 0, 0,
						IOMMU_HWPT_DATA_SELFTEST, &big,
						sizeof(big), NULL));
	big.tail[3] = 1;
	ASSERT_ERR(EINVAL, mock_hwpt_alloc_full(self->fd, self->idev_id,
						self->parent_id, 0, 0,
						IOMMU_HWPT_DATA_SELFTEST,
						&big, sizeof(big), NULL));
}

TEST_F(nested, alloc_errors)
{
	struct iommu_hwpt_selftest data = { .iotlb = MOCK_OTHER_IOTLB };
	__u32 plain_id, nested_id, next_id;

#define expect_nested(_errno, _what, _dev, _pt, _flags, _type, _data, _len) \
	EXPECT_RC_FOR(_what, -(_errno),					\
		      mock_hwpt_alloc_full(self->fd, _dev, _pt, _flags, 0, \
					   _type, _data, _len, NULL))

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_hwpt_alloc(self->idev_id, self->ioas_id, 0, &plain_id);
	test_nested_alloc(self->idev_id, self->parent_id, 0,
			  IOMMU_TEST_IOTLB_DEFAULT, &nested_id);

	/* The data description itself */
	expect_nested(EINVAL, "data_len with DATA_NONE", self->idev_id,
		      self->parent_id, 0, IOMMU_HWPT_DATA_NONE, &data,
		      sizeof(data));
	expect_nested(EOPNOTSUPP, "no data at all", self->idev_id,
		      self->parent_id, 0, IOMMU_HWPT_DATA_NONE, NULL, 0);
	expect_nested(EOPNOTSUPP, "a type the mock does not know",
		      self->idev_id, self->parent_id, 0,
		      IOMMU_HWPT_DATA_SELFTEST + 1, &data, sizeof(data));
	expect_nested(EOPNOTSUPP, "SMMUv3 data for the mock", self->idev_id,
		      self->parent_id, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, &data,
		      sizeof(data));
	expect_nested(EINVAL, "shorter than the first version", self->idev_id,
		      self->parent_id, 0, IOMMU_HWPT_DATA_SELFTEST, &data,
		      SELFTEST_DATA_MIN - 1);
	expect_nested(EFAULT, "data at NULL", self->idev_id, self->parent_id,
		      0, IOMMU_HWPT_DATA_SELFTEST, NULL, sizeof(data));

	/* Flags a nested HWPT cannot have */
	expect_nested(EOPNOTSUPP, "NEST_PARENT", self->idev_id,
		      self->parent_id, IOMMU_HWPT_ALLOC_NEST_PARENT,
		      IOMMU_HWPT_DATA_SELFTEST, &data, sizeof(data));
	expect_nested(EOPNOTSUPP, "DIRTY_TRACKING", self->idev_id,
		      self->parent_id, IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
		      IOMMU_HWPT_DATA_SELFTEST, &data, sizeof(data));
	expect_nested(EOPNOTSUPP, "unknown flag", self->idev_id,
		      self->parent_id, 1U << 30, IOMMU_HWPT_DATA_SELFTEST,
		      &data, sizeof(data));

	/* What it is nested on */
	expect_nested(EINVAL, "parent without NEST_PARENT", self->idev_id,
		      plain_id, 0, IOMMU_HWPT_DATA_SELFTEST, &data,
		      sizeof(data));
	expect_nested(EINVAL, "automatic HWPT as parent", self->idev_id,
		      self->auto_hwpt_id, 0, IOMMU_HWPT_DATA_SELFTEST, &data,
		      sizeof(data));
	expect_nested(EINVAL, "nested HWPT as parent", self->idev_id,
		      nested_id, 0, IOMMU_HWPT_DATA_SELFTEST, &data,
		      sizeof(data));
	expect_nested(EINVAL, "unknown parent", self->idev_id,
		      MOCK_NO_SUCH_ID, 0, IOMMU_HWPT_DATA_SELFTEST, &data,
		      sizeof(data));
	expect_nested(EINVAL, "device as parent", self->idev_id,
		      self->idev_id, 0, IOMMU_HWPT_DATA_SELFTEST, &data,
		      sizeof(data));
	expect_nested(ENOENT, "unknown device", MOCK_NO_SUCH_ID,
		      self->parent_id, 0, IOMMU_HWPT_DATA_SELFTEST, &data,
		      sizeof(data));

	/* None of it left an object behind: the ids go on where they were */
	test_nested_alloc(self->idev_id, self->parent_id, 0,
			  IOMMU_TEST_IOTLB_DEFAULT, &next_id);
	ASSERT_EQ(nested_id + 1, next_id);
	test_ioctl_destroy(next_id);
	test_ioctl_destroy(nested_id);
	test_ioctl_destroy(plain_id);
#undef expect_nested
}

/* Devices attach to and move between nested HWPTs like any other */
TEST_F(nested, attach_replace)
{
	__u32 a, b, stdev2, hwpt2;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_nested_alloc(self->idev_id, self->parent_id, 0,
			  IOMMU_TEST_IOTLB_DEFAULT, &a);
	test_nested_alloc(self->idev_id, self->parent_id, 0,
			  IOMMU_TEST_IOTLB_DEFAULT, &b);

	test_mock_replace(self->stdev_id, a);
	test_err_destroy(EBUSY, a);
	/* The automatic HWPT went with its last device */
	test_err_destroy(ENOENT, self->auto_hwpt_id);

	test_mock_replace(self->stdev_id, b);
	test_err_destroy(EBUSY, b);
	test_ioctl_destroy(a);

	/* A new device straight onto a nested HWPT */
	test_mock_dev_add(b, 0, &stdev2, &hwpt2, NULL);
	ASSERT_EQ(b, hwpt2);
	test_ioctl_destroy(stdev2);

	/* Back to the parent, then to the IOAS */
	test_mock_replace(self->stdev_id, self->parent_id);
	test_ioctl_destroy(b);
	test_err_destroy(EBUSY, self->parent_id);
	test_mock_replace(self->stdev_id, self->ioas_id);
	test_ioctl_destroy(self->parent_id);
}

/* A nested HWPT holds its parent, which holds the IOAS */
TEST_F(nested, ioas_held)
{
	__u32 a;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_nested_alloc(self->idev_id, self->parent_id, 0,
			  IOMMU_TEST_IOTLB_DEFAULT, &a);
	test_mock_replace(self->stdev_id, a);
	test_ioctl_destroy(self->stdev_id);
	test_err_destroy(EBUSY, self->ioas_id);
	test_err_destroy(EBUSY, self->parent_id);
	test_ioctl_destroy(a);
	test_ioctl_destroy(self->parent_id);
	test_ioctl_destroy(self->ioas_id);
}

TEST_F(nested, check_iotlb_errors)
{
	__u32 a;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_nested_alloc(self->idev_id, self->parent_id, 0,
			  IOMMU_TEST_IOTLB_DEFAULT, &a);
	ASSERT_ERR(EINVAL, mock_check_iotlb(self->fd, a, 0, 0));
	ASSERT_ERR(EINVAL,
		   mock_check_iotlb(self->fd, a,
				    MOCK_NESTED_DOMAIN_IOTLB_ID_MAX + 1,
				    IOMMU_TEST_IOTLB_DEFAULT));
	ASSERT_ERR(ENOENT, mock_check_iotlb(self->fd, self->parent_id, 0,
					    IOMMU_TEST_IOTLB_DEFAULT));
	ASSERT_ERR(ENOENT, mock_check_iotlb(self->fd, MOCK_NO_SUCH_ID, 0,
					    IOMMU_TEST_IOTLB_DEFAULT));
}

TEST_F(nested, invalidate)
{
	struct iommu_hwpt_invalidate_selftest inv[4] = {};
	__u32 a, b, done;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_nested_alloc(self->idev_id, self->parent_id, 0,
			  IOMMU_TEST_IOTLB_DEFAULT, &a);
	test_nested_alloc(self->idev_id, self->parent_id, 0,
			  IOMMU_TEST_IOTLB_DEFAULT, &b);

	/* An empty array asks whether the type is known, and flushes nothing */
	ASSERT_OK(mock_invalidate(self->fd, a, INV_TYPE, NULL, 0, 0, &done));
	ASSERT_EQ(0, done);
	ASSERT_ERR(EINVAL,
		   mock_invalidate(self->fd, a,
				   IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID,
				   NULL, 0, 0, &done));
	test_check_iotlb_all(a, IOMMU_TEST_IOTLB_DEFAULT);

	/* One slot */
	inv[0].iotlb_id = 2;
	ASSERT_OK(mock_invalidate(self->fd, a, INV_TYPE, inv, INV_LEN, 1,
				  &done));
	ASSERT_EQ(1, done);
	test_check_iotlb(a, 0, IOMMU_TEST_IOTLB_DEFAULT);
	test_check_iotlb(a, 1, IOMMU_TEST_IOTLB_DEFAULT);
	test_check_iotlb(a, 2, 0);
	test_check_iotlb(a, 3, IOMMU_TEST_IOTLB_DEFAULT);
	/* The other nested HWPT's IOTLB is its own */
	test_check_iotlb_all(b, IOMMU_TEST_IOTLB_DEFAULT);

	/* Several in one call, one of them twice */
	inv[0].iotlb_id = 0;
	inv[1].iotlb_id = 3;
	inv[2].iotlb_id = 0;
	ASSERT_OK(mock_invalidate(self->fd, a, INV_TYPE, inv, INV_LEN, 3,
				  &done));
	ASSERT_EQ(3, done);
	test_check_iotlb(a, 0, 0);
	test_check_iotlb(a, 1, IOMMU_TEST_IOTLB_DEFAULT);
	test_check_iotlb(a, 3, 0);

	/* Everything at once; the slot index is not looked at */
	memset(inv, 0, sizeof(inv));
	inv[0].flags = IOMMU_TEST_INVALIDATE_FLAG_ALL;
	inv[0].iotlb_id = 0xffff;
	ASSERT_OK(mock_invalidate(self->fd, b, INV_TYPE, inv, INV_LEN, 1,
				  &done));
	ASSERT_EQ(1, done);
	test_check_iotlb_all(b, 0);
}

/* Entries are carried out in order up to the first bad one */
TEST_F(nested, invalidate_partial)
{
	struct iommu_hwpt_invalidate_selftest inv[3] = {};
	__u32 a, done;
	void *buf;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_nested_alloc(self->idev_id, self->parent_id, 0,
			  IOMMU_TEST_IOTLB_DEFAULT, &a);

	inv[0].iotlb_id = 0;
	inv[1].flags = 1U << 7;
	inv[1].iotlb_id = 1;
	inv[2].iotlb_id = 2;
	ASSERT_ERR(EOPNOTSUPP, mock_invalidate(self->fd, a, INV_TYPE, inv,
					       INV_LEN, 3, &done));
	ASSERT_EQ(1, done);
	test_check_iotlb(a, 0, 0);
	test_check_iotlb(a, 1, IOMMU_TEST_IOTLB_DEFAULT);
	test_check_iotlb(a, 2, IOMMU_TEST_IOTLB_DEFAULT);

	inv[1].flags = 0;
	inv[1].iotlb_id = MOCK_NESTED_DOMAIN_IOTLB_ID_MAX + 1;
	ASSERT_ERR(EINVAL, mock_invalidate(self->fd, a, INV_TYPE, inv, INV_LEN,
					   3, &done));
	ASSERT_EQ(1, done);
	test_check_iotlb(a, 2, IOMMU_TEST_IOTLB_DEFAULT);

	/* The second entry lies on an unreadable page */
	buf = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, mprotect(buf + PAGE_SIZE, PAGE_SIZE, PROT_NONE));
	inv[0].iotlb_id = 3;
	memcpy(buf + PAGE_SIZE - INV_LEN, &inv[0], INV_LEN);
	ASSERT_ERR(EFAULT, mock_invalidate(self->fd, a, INV_TYPE,
					   buf + PAGE_SIZE - INV_LEN, INV_LEN,
					   2, &done));
	ASSERT_EQ(1, done);
	test_check_iotlb(a, 3, 0);
	munmap(buf, 2 * PAGE_SIZE);
}

TEST_F(nested, invalidate_errors)
{
	struct iommu_hwpt_invalidate_selftest inv[2] = {};
	struct {
		struct iommu_hwpt_invalidate_selftest inv;
		__u32 tail;
	} big[2] = {};
	struct iommu_hwpt_invalidate cmd;
	__u32 a, done;

#define expect_inv(_errno, _what, _id, _type, _reqs, _len, _num)	\
	do {								\
		done = 0xdead;						\
		EXPECT_RC_FOR(_what, -(_errno),				\
			      mock_invalidate(self->fd, _id, _type, _reqs, \
					      _len, _num, &done));	\
		EXPECT_EQ(0, done);					\
	} while (0)

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_nested_alloc(self->idev_id, self->parent_id, 0,
			  IOMMU_TEST_IOTLB_DEFAULT, &a);

	/* The array's shape, checked before the object is looked up */
	expect_inv(EINVAL, "entry_len 0", a, INV_TYPE, inv, 0, 1);
	expect_inv(EINVAL, "entry_len above a page", a, INV_TYPE, inv,
		   PAGE_SIZE + 1, 1);
	expect_inv(EINVAL, "entry_num above the bound", a, INV_TYPE, inv,
		   INV_LEN, (1U << 19) + 1);
	expect_inv(EINVAL, "no array", a, INV_TYPE, NULL, INV_LEN, 1);
	expect_inv(EINVAL, "bad shape, unknown id", MOCK_NO_SUCH_ID, INV_TYPE,
		   NULL, INV_LEN, 1);

	/* What is invalidated */
	expect_inv(ENOENT, "unknown id", MOCK_NO_SUCH_ID, INV_TYPE, inv,
		   INV_LEN, 1);
	expect_inv(EINVAL, "paging HWPT", self->parent_id, INV_TYPE, inv,
		   INV_LEN, 1);
	expect_inv(EINVAL, "IOAS", self->ioas_id, INV_TYPE, inv, INV_LEN, 1);
	expect_inv(EINVAL, "device", self->idev_id, INV_TYPE, inv, INV_LEN, 1);

	/* The entries, as the mock driver reads them */
	expect_inv(EINVAL, "unknown data type", a,
		   IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID, inv, INV_LEN,
		   1);
	expect_inv(EINVAL, "entry shorter than its first version", a,
		   INV_TYPE, inv, INV_LEN - 1, 1);
	expect_inv(EINVAL, "entry longer than the driver's", a, INV_TYPE,
		   big, sizeof(big[0]), 1);
	inv[0].flags = 0xffffffff;
	expect_inv(EOPNOTSUPP, "unknown flags", a, INV_TYPE, inv, INV_LEN, 1);
	inv[0].flags = 0;
	inv[0].iotlb_id = MOCK_NESTED_DOMAIN_IOTLB_ID_MAX + 1;
	expect_inv(EINVAL, "slot out of range", a, INV_TYPE, inv, INV_LEN, 1);

	memset(&cmd, 0, sizeof(cmd));
	cmd.size = sizeof(cmd);
	cmd.hwpt_id = a;
	cmd.data_type = INV_TYPE;
	cmd.__reserved = 1;
	ASSERT_ERR(EOPNOTSUPP, emu_ioctl(self->fd, IOMMU_HWPT_INVALIDATE,
					 &cmd));

	/* Nothing was flushed by any of it */
	test_check_iotlb_all(a, IOMMU_TEST_IOTLB_DEFAULT);
#undef expect_inv
}

/* Closing the context with nested HWPTs in use tears everything down */
TEST_F(nested, close_in_use)
{
	__u32 a, b;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_nested_alloc(self->idev_id, self->parent_id, 0,
			  IOMMU_TEST_IOTLB_DEFAULT, &a);
	test_nested_alloc(self->idev_id, self->parent_id,
			  IOMMU_HWPT_ALLOC_PASID, IOMMU_TEST_IOTLB_DEFAULT,
			  &b);
	test_mock_replace(self->stdev_id, a);
	test_mock_dev_add(b, 0, NULL, NULL, NULL);
	/* the fixture's teardown closes the fd */
}

TEST_HARNESS_MAIN
