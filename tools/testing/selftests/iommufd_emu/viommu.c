// SPDX-License-Identifier: GPL-2.0
/*
 * The vIOMMU object family on the mock IOMMU: IOMMU_VIOMMU_ALLOC, mmap() of
 * the pages a vIOMMU exposes, IOMMU_VDEVICE_ALLOC (and the tombstone left
 * when a device goes before its vDEVICE) and IOMMU_HW_QUEUE_ALLOC, with the
 * order in which objects may be destroyed.
 *
 * Every test starts from one IOAS with a mock device attached, a nesting
 * parent HWPT on it and a mock vIOMMU over that parent. Tests skip when the
 * module does not offer IOMMU_TEST_CMD.
 */
#include <stddef.h>

#include "iommufd_emu_utils.h"

#define BUF_PAGES	8
#define BUF_SIZE	(BUF_PAGES * PAGE_SIZE)
/* An id no object of these tests reaches */
#define NO_SUCH_ID	0xfffffff0U
/* A vIOMMU, HW queue or data type no driver has */
#define UNKNOWN_TYPE	0x1234U

static int vi_mock_domain(int fd, __u32 pt_id, __u32 *stdev_id,
			  __u32 *idev_id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MOCK_DOMAIN,
		.id = pt_id,
	};
	int rc;

	rc = emu_test_cmd(fd, &cmd);
	if (rc)
		return rc;
	if (stdev_id)
		*stdev_id = cmd.mock_domain.out_stdev_id;
	if (idev_id)
		*idev_id = cmd.mock_domain.out_idev_id;
	return 0;
}

static int vi_hwpt_alloc(int fd, __u32 dev_id, __u32 pt_id, __u32 flags,
			 __u32 *hwpt_id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev_id,
		.pt_id = pt_id,
	};
	int rc;

	rc = emu_ioctl(fd, IOMMU_HWPT_ALLOC, &cmd);
	if (!rc && hwpt_id)
		*hwpt_id = cmd.out_hwpt_id;
	return rc;
}

static int vi_viommu_alloc_cmd(int fd, struct iommu_viommu_alloc *cmd,
			       __u32 *viommu_id)
{
	int rc;

	cmd->size = sizeof(*cmd);
	rc = emu_ioctl(fd, IOMMU_VIOMMU_ALLOC, cmd);
	if (!rc && viommu_id)
		*viommu_id = cmd->out_viommu_id;
	return rc;
}

static int vi_viommu_alloc(int fd, __u32 dev_id, __u32 hwpt_id, __u32 type,
			   void *data, __u32 data_len, __u32 *viommu_id)
{
	struct iommu_viommu_alloc cmd = {
		.type = type,
		.dev_id = dev_id,
		.hwpt_id = hwpt_id,
		.data_len = data_len,
		.data_uptr = (uintptr_t)data,
	};

	return vi_viommu_alloc_cmd(fd, &cmd, viommu_id);
}

static int vi_vdevice_alloc(int fd, __u32 viommu_id, __u32 dev_id,
			    __u64 virt_id, __u32 *vdev_id)
{
	struct iommu_vdevice_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.dev_id = dev_id,
		.virt_id = virt_id,
	};
	int rc;

	rc = emu_ioctl(fd, IOMMU_VDEVICE_ALLOC, &cmd);
	if (!rc && vdev_id)
		*vdev_id = cmd.out_vdevice_id;
	return rc;
}

static int vi_hw_queue_alloc_flags(int fd, __u32 flags, __u32 viommu_id,
				   __u32 type, __u32 index, __u64 iova,
				   __u64 length, __u32 *queue_id)
{
	struct iommu_hw_queue_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.viommu_id = viommu_id,
		.type = type,
		.index = index,
		.nesting_parent_iova = iova,
		.length = length,
	};
	int rc;

	rc = emu_ioctl(fd, IOMMU_HW_QUEUE_ALLOC, &cmd);
	if (!rc && queue_id)
		*queue_id = cmd.out_hw_queue_id;
	return rc;
}

static int vi_hw_queue_alloc(int fd, __u32 viommu_id, __u32 index, __u64 iova,
			     __u64 length, __u32 *queue_id)
{
	return vi_hw_queue_alloc_flags(fd, 0, viommu_id,
				       IOMMU_HW_QUEUE_TYPE_SELFTEST, index,
				       iova, length, queue_id);
}

/* mmap() of the iommufd: 0 or the negated errno, the mapping in *@out */
static int vi_mmap(int fd, size_t length, int prot, int flags, __u64 offset,
		   void **out)
{
	void *p = mmap(NULL, length, prot, flags, fd, offset);

	if (p == MAP_FAILED)
		return -errno;
	if (out)
		*out = p;
	else
		munmap(p, length);
	return 0;
}

#define MAP_RW_SHARED(_len, _off, _out)					\
	vi_mmap(self->fd, _len, PROT_READ | PROT_WRITE, MAP_SHARED, _off, _out)

FIXTURE(viommu)
{
	int fd;
	__u32 ioas_id;
	__u32 stdev_id;
	__u32 idev_id;
	__u32 parent_id;
	__u32 viommu_id;
	void *buf;
	long pinned_base;
	const char *skip;
};

FIXTURE_SETUP(viommu)
{
	self->pinned_base = my_pinned();
	self->fd = emu_open();
	ASSERT_LE(0, self->fd)
		TH_LOG("cannot open %s: %s", emu_dev_path(), strerror(errno));
	self->buf = emu_alloc_buffer(BUF_SIZE, PAGE_SIZE);
	ASSERT_NE(NULL, self->buf);
	if (!emu_test_cmd_available(self->fd)) {
		self->skip = NO_TEST_CMD;
		return;
	}
	test_ioctl_ioas_alloc(&self->ioas_id);
	ASSERT_OK(vi_mock_domain(self->fd, self->ioas_id, &self->stdev_id,
				 &self->idev_id));
	ASSERT_OK(vi_hwpt_alloc(self->fd, self->idev_id, self->ioas_id,
				IOMMU_HWPT_ALLOC_NEST_PARENT,
				&self->parent_id));
	ASSERT_OK(vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				  IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0,
				  &self->viommu_id));
}

FIXTURE_TEARDOWN(viommu)
{
	/* Closing the context takes everything down in dependency order */
	close(self->fd);
	EXPECT_EQ(self->pinned_base, my_pinned());
	emu_free_buffer(self->buf, BUF_SIZE);
}

TEST_F(viommu, alloc_errors)
{
	struct iommu_viommu_selftest data = {};
	struct iommu_viommu_alloc cmd = {
		.type = IOMMU_VIOMMU_TYPE_SELFTEST,
		.dev_id = self->idev_id,
		.hwpt_id = self->parent_id,
	};
	__u32 plain_id;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	/* The struct may end after out_viommu_id, not before */
	cmd.size = offsetof(struct iommu_viommu_alloc, out_viommu_id);
	EXPECT_ERR(EINVAL, emu_ioctl(self->fd, IOMMU_VIOMMU_ALLOC, &cmd));
	cmd.size = offsetof(struct iommu_viommu_alloc, data_len);
	ASSERT_OK(emu_ioctl(self->fd, IOMMU_VIOMMU_ALLOC, &cmd));
	test_ioctl_destroy(cmd.out_viommu_id);

	/* Unknown flags, the reserved field, the default and unknown types */
	cmd.flags = 1;
	EXPECT_ERR(EOPNOTSUPP, vi_viommu_alloc_cmd(self->fd, &cmd, NULL));
	cmd.flags = 0;
	cmd.__reserved = 1;
	EXPECT_ERR(EOPNOTSUPP, vi_viommu_alloc_cmd(self->fd, &cmd, NULL));
	EXPECT_ERR(EOPNOTSUPP,
		   vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				   IOMMU_VIOMMU_TYPE_DEFAULT, NULL, 0, NULL));
	EXPECT_ERR(EOPNOTSUPP,
		   vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				   UNKNOWN_TYPE, NULL, 0, NULL));

	/* The device and the parent must exist and be what they should */
	EXPECT_ERR(ENOENT,
		   vi_viommu_alloc(self->fd, NO_SUCH_ID, self->parent_id,
				   IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, NULL));
	EXPECT_ERR(ENOENT,
		   vi_viommu_alloc(self->fd, self->ioas_id, self->parent_id,
				   IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, NULL));
	EXPECT_ERR(ENOENT,
		   vi_viommu_alloc(self->fd, self->idev_id, NO_SUCH_ID,
				   IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, NULL));
	EXPECT_ERR(ENOENT,
		   vi_viommu_alloc(self->fd, self->idev_id, self->ioas_id,
				   IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, NULL));
	EXPECT_ERR(ENOENT,
		   vi_viommu_alloc(self->fd, self->idev_id, self->viommu_id,
				   IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, NULL));

	/* A paging HWPT that is not a nesting parent */
	ASSERT_OK(vi_hwpt_alloc(self->fd, self->idev_id, self->ioas_id, 0,
				&plain_id));
	EXPECT_ERR(EINVAL,
		   vi_viommu_alloc(self->fd, self->idev_id, plain_id,
				   IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, NULL));
	test_ioctl_destroy(plain_id);

	/* The mock's data must reach at least out_data */
	EXPECT_ERR(EINVAL,
		   vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				   IOMMU_VIOMMU_TYPE_SELFTEST, &data,
				   offsetof(struct iommu_viommu_selftest,
					    out_data), NULL));
	/* Unreadable data */
	EXPECT_ERR(EFAULT,
		   vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				   IOMMU_VIOMMU_TYPE_SELFTEST, (void *)8,
				   sizeof(data), NULL));
}

TEST_F(viommu, alloc_many_and_destroy_order)
{
	__u32 second_id;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	/* One parent may carry several vIOMMUs */
	ASSERT_OK(vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				  IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0,
				  &second_id));
	EXPECT_NE(self->viommu_id, second_id);

	/* The parent and its IOAS stay while a vIOMMU uses them */
	test_err_destroy(EBUSY, self->parent_id);
	test_err_destroy(EBUSY, self->ioas_id);
	test_ioctl_destroy(second_id);
	test_err_destroy(EBUSY, self->parent_id);
	test_ioctl_destroy(self->viommu_id);
	test_err_destroy(ENOENT, self->viommu_id);
	test_ioctl_destroy(self->parent_id);
}

TEST_F(viommu, mmap_region)
{
	struct iommu_viommu_selftest data = { .in_data = 0x5eed };
	__u32 *map = NULL, *map2 = NULL;
	__u32 viommu_id;
	__u64 off, len;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	ASSERT_OK(vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				  IOMMU_VIOMMU_TYPE_SELFTEST, &data,
				  sizeof(data), &viommu_id));
	ASSERT_EQ(data.in_data, data.out_data);
	off = data.out_mmap_offset;
	len = data.out_mmap_length;
	ASSERT_NE(0, off);
	ASSERT_EQ(0, off % PAGE_SIZE);
	ASSERT_EQ(2 * PAGE_SIZE, len);

	/* Only exactly the region: not inside it, not part or more of it */
	EXPECT_ERR(ENXIO, MAP_RW_SHARED(len, 0, NULL));
	EXPECT_ERR(ENXIO, MAP_RW_SHARED(len, off + PAGE_SIZE, NULL));
	EXPECT_ERR(ENXIO, MAP_RW_SHARED(PAGE_SIZE, off + PAGE_SIZE, NULL));
	EXPECT_ERR(ENXIO, MAP_RW_SHARED(PAGE_SIZE, off, NULL));
	EXPECT_ERR(ENXIO, MAP_RW_SHARED(3 * PAGE_SIZE, off, NULL));
	EXPECT_ERR(ENXIO, MAP_RW_SHARED(len, off + 16 * PAGE_SIZE, NULL));
	/* Shared, and never executable */
	EXPECT_ERR(EINVAL, vi_mmap(self->fd, len, PROT_READ, MAP_PRIVATE, off,
				   NULL));
	EXPECT_ERR(EPERM, vi_mmap(self->fd, len, PROT_READ | PROT_EXEC,
				  MAP_SHARED, off, NULL));

	/* The first word is what went in; the memory is shared */
	ASSERT_OK(MAP_RW_SHARED(len, off, (void **)&map));
	ASSERT_OK(MAP_RW_SHARED(len, off, (void **)&map2));
	EXPECT_EQ(data.in_data, map[0]);
	map[1] = 0xabcd;
	map[PAGE_SIZE / sizeof(*map)] = 0x1234;
	EXPECT_EQ(0xabcd, map2[1]);
	EXPECT_EQ(0x1234, map2[PAGE_SIZE / sizeof(*map)]);

	/* Every mapping keeps the vIOMMU, however it was split */
	test_err_destroy(EBUSY, viommu_id);
	ASSERT_EQ(0, munmap(map, PAGE_SIZE));
	test_err_destroy(EBUSY, viommu_id);
	ASSERT_EQ(0, munmap((char *)map + PAGE_SIZE, PAGE_SIZE));
	test_err_destroy(EBUSY, viommu_id);
	ASSERT_EQ(0, munmap(map2, len));
	test_ioctl_destroy(viommu_id);

	/* The offset dies with its vIOMMU */
	EXPECT_ERR(ENXIO, MAP_RW_SHARED(len, off, NULL));
}

TEST_F(viommu, mmap_offsets_are_not_reused)
{
	struct iommu_viommu_selftest data = { .in_data = 1 };
	__u32 first_id, second_id;
	__u64 first_off;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	/* A vIOMMU without data exposes nothing */
	EXPECT_ERR(ENXIO, MAP_RW_SHARED(2 * PAGE_SIZE, PAGE_SIZE, NULL));

	ASSERT_OK(vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				  IOMMU_VIOMMU_TYPE_SELFTEST, &data,
				  sizeof(data), &first_id));
	first_off = data.out_mmap_offset;
	test_ioctl_destroy(first_id);

	data.in_data = 2;
	ASSERT_OK(vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				  IOMMU_VIOMMU_TYPE_SELFTEST, &data,
				  sizeof(data), &second_id));
	EXPECT_NE(first_off, data.out_mmap_offset);
	EXPECT_ERR(ENXIO, MAP_RW_SHARED(2 * PAGE_SIZE, first_off, NULL));
	EXPECT_OK(MAP_RW_SHARED(2 * PAGE_SIZE, data.out_mmap_offset, NULL));
	test_ioctl_destroy(second_id);
}

TEST_F(viommu, mmap_fork_keeps_owner)
{
	struct iommu_viommu_selftest data = { .in_data = 0x77 };
	__u32 viommu_id;
	__u32 *map = NULL;
	int status;
	pid_t pid;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	ASSERT_OK(vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				  IOMMU_VIOMMU_TYPE_SELFTEST, &data,
				  sizeof(data), &viommu_id));
	ASSERT_OK(MAP_RW_SHARED(data.out_mmap_length, data.out_mmap_offset,
				(void **)&map));

	/* The child's copy of the mapping is one more user until it exits */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(map[0] == data.in_data ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));

	test_err_destroy(EBUSY, viommu_id);
	ASSERT_EQ(0, munmap(map, data.out_mmap_length));
	test_ioctl_destroy(viommu_id);
}

TEST_F(viommu, vdevice)
{
	__u32 stdev2_id, idev2_id, viommu2_id;
	__u32 vdev_id, vdev2_id;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	ASSERT_OK(vi_mock_domain(self->fd, self->ioas_id, &stdev2_id,
				 &idev2_id));

	EXPECT_ERR(ENOENT, vi_vdevice_alloc(self->fd, NO_SUCH_ID,
					    self->idev_id, 1, NULL));
	EXPECT_ERR(ENOENT, vi_vdevice_alloc(self->fd, self->parent_id,
					    self->idev_id, 1, NULL));
	EXPECT_ERR(ENOENT, vi_vdevice_alloc(self->fd, self->viommu_id,
					    NO_SUCH_ID, 1, NULL));
	EXPECT_ERR(ENOENT, vi_vdevice_alloc(self->fd, self->viommu_id,
					    self->stdev_id, 1, NULL));

	ASSERT_OK(vi_vdevice_alloc(self->fd, self->viommu_id, self->idev_id,
				   0x42, &vdev_id));
	/* A virtual ID names one device per vIOMMU */
	EXPECT_ERR(EEXIST, vi_vdevice_alloc(self->fd, self->viommu_id,
					    idev2_id, 0x42, NULL));
	/* A device has one virtual identity, on any vIOMMU */
	EXPECT_ERR(EEXIST, vi_vdevice_alloc(self->fd, self->viommu_id,
					    self->idev_id, 0x43, NULL));
	ASSERT_OK(vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				  IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0,
				  &viommu2_id));
	EXPECT_ERR(EEXIST, vi_vdevice_alloc(self->fd, viommu2_id,
					    self->idev_id, 0x42, NULL));
	/* The same virtual ID on another vIOMMU is another namespace */
	ASSERT_OK(vi_vdevice_alloc(self->fd, viommu2_id, idev2_id, 0x42,
				   &vdev2_id));

	/* A 64-bit virtual ID */
	test_ioctl_destroy(vdev2_id);
	ASSERT_OK(vi_vdevice_alloc(self->fd, viommu2_id, idev2_id,
				   0x1234567890ULL, &vdev2_id));

	/* The vIOMMU and the device stay while a vDEVICE uses them */
	test_err_destroy(EBUSY, self->viommu_id);
	test_err_destroy(EBUSY, self->idev_id);
	test_ioctl_destroy(vdev_id);
	test_err_destroy(ENOENT, vdev_id);
	test_ioctl_destroy(self->viommu_id);

	/* The freed virtual ID and device can be used again */
	ASSERT_OK(vi_vdevice_alloc(self->fd, viommu2_id, self->idev_id, 0x42,
				   &vdev_id));
	test_ioctl_destroy(vdev_id);
	test_ioctl_destroy(vdev2_id);
	test_ioctl_destroy(viommu2_id);
	test_ioctl_destroy(stdev2_id);
}

TEST_F(viommu, vdevice_tombstone)
{
	__u32 vdev_id, ioas2_id;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	ASSERT_OK(vi_vdevice_alloc(self->fd, self->viommu_id, self->idev_id,
				   7, &vdev_id));
	/* Unplugging the device takes its vDEVICE along */
	test_ioctl_destroy(self->stdev_id);
	test_err_destroy(ENOENT, vdev_id);
	/* ... which no longer holds the vIOMMU */
	test_ioctl_destroy(self->viommu_id);

	/* The dead id is not handed out again */
	test_ioctl_ioas_alloc(&ioas2_id);
	EXPECT_NE(vdev_id, ioas2_id);
	EXPECT_ERR(ENOENT, vi_vdevice_alloc(self->fd, self->viommu_id,
					    self->idev_id, 7, NULL));
}

TEST_F(viommu, close_with_vdevice)
{
	if (self->skip)
		SKIP(return, "%s", self->skip);

	/* Teardown closes the file with the vDEVICE alive */
	ASSERT_OK(vi_vdevice_alloc(self->fd, self->viommu_id, self->idev_id,
				   7, NULL));
}

TEST_F(viommu, hw_queue_errors)
{
	__u64 iova = MOCK_APERTURE_START;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	/* Flags, the default and unknown types */
	EXPECT_ERR(EOPNOTSUPP,
		   vi_hw_queue_alloc_flags(self->fd, 1, self->viommu_id,
					   IOMMU_HW_QUEUE_TYPE_SELFTEST, 0,
					   iova, PAGE_SIZE, NULL));
	EXPECT_ERR(EOPNOTSUPP,
		   vi_hw_queue_alloc_flags(self->fd, 0, self->viommu_id,
					   IOMMU_HW_QUEUE_TYPE_DEFAULT, 0,
					   iova, PAGE_SIZE, NULL));
	EXPECT_ERR(EOPNOTSUPP,
		   vi_hw_queue_alloc_flags(self->fd, 0, self->viommu_id,
					   UNKNOWN_TYPE, 0, iova, PAGE_SIZE,
					   NULL));
	/* Empty or wrapping ranges */
	EXPECT_ERR(EINVAL, vi_hw_queue_alloc(self->fd, self->viommu_id, 0,
					     iova, 0, NULL));
	EXPECT_ERR(EOVERFLOW, vi_hw_queue_alloc(self->fd, self->viommu_id, 0,
						UINT64_MAX, PAGE_SIZE, NULL));
	/* Not a vIOMMU */
	EXPECT_ERR(ENOENT, vi_hw_queue_alloc(self->fd, self->parent_id, 0,
					     iova, PAGE_SIZE, NULL));
	/* Nothing mapped there */
	EXPECT_ERR(ENOENT, vi_hw_queue_alloc(self->fd, self->viommu_id, 0,
					     iova, PAGE_SIZE, NULL));

	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, PAGE_SIZE,
			    &iova);
	/* The mock has IOMMU_TEST_HW_QUEUE_MAX queues, started in order */
	EXPECT_ERR(EINVAL, vi_hw_queue_alloc(self->fd, self->viommu_id,
					     IOMMU_TEST_HW_QUEUE_MAX, iova,
					     PAGE_SIZE, NULL));
	EXPECT_ERR(EIO, vi_hw_queue_alloc(self->fd, self->viommu_id, 1,
					  iova, PAGE_SIZE, NULL));
	/* Partly mapped */
	EXPECT_ERR(ENOENT, vi_hw_queue_alloc(self->fd, self->viommu_id, 0,
					     iova, 2 * PAGE_SIZE, NULL));
	/* Every failure left the page unlocked */
	test_ioctl_ioas_unmap(self->ioas_id, iova, PAGE_SIZE, PAGE_SIZE);
}

TEST_F(viommu, hw_queue_lifetime)
{
	__u64 iova = 0, iova2 = 0;
	__u32 queue_id[2];

	if (self->skip)
		SKIP(return, "%s", self->skip);

	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, PAGE_SIZE,
			    &iova);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW,
			    (char *)self->buf + PAGE_SIZE, PAGE_SIZE, &iova2);

	ASSERT_OK(vi_hw_queue_alloc(self->fd, self->viommu_id, 0, iova,
				    PAGE_SIZE, &queue_id[0]));
	EXPECT_ERR(EEXIST, vi_hw_queue_alloc(self->fd, self->viommu_id, 0,
					     iova2, PAGE_SIZE, NULL));
	/* The queue's page is locked; its neighbour is not */
	test_err_ioas_unmap(EBUSY, self->ioas_id, iova, PAGE_SIZE);
	test_err_ioas_unmap(EBUSY, self->ioas_id, 0, UINT64_MAX);
	test_ioctl_ioas_unmap(self->ioas_id, iova2, PAGE_SIZE, PAGE_SIZE);

	/* A queue may start inside a page and be shorter than one */
	ASSERT_OK(vi_hw_queue_alloc(self->fd, self->viommu_id, 1,
				    iova + PAGE_SIZE / 4, PAGE_SIZE / 4,
				    &queue_id[1]));

	/* Queues go in reverse order, and before their vIOMMU */
	test_err_destroy(EBUSY, queue_id[0]);
	test_err_destroy(EBUSY, self->viommu_id);
	test_ioctl_destroy(queue_id[1]);
	test_err_ioas_unmap(EBUSY, self->ioas_id, iova, PAGE_SIZE);
	test_ioctl_destroy(queue_id[0]);
	test_ioctl_ioas_unmap(self->ioas_id, iova, PAGE_SIZE, PAGE_SIZE);
	test_ioctl_destroy(self->viommu_id);
}

TEST_F(viommu, hw_queue_close)
{
	__u64 iova = 0;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	/* Teardown closes the file with two chained queues alive */
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, 2 * PAGE_SIZE,
			    &iova);
	ASSERT_OK(vi_hw_queue_alloc(self->fd, self->viommu_id, 0, iova,
				    PAGE_SIZE, NULL));
	ASSERT_OK(vi_hw_queue_alloc(self->fd, self->viommu_id, 1,
				    iova + PAGE_SIZE, PAGE_SIZE, NULL));
}

TEST_HARNESS_MAIN
