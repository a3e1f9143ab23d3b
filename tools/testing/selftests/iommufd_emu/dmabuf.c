// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_IOAS_MAP_FILE on a dma-buf, with the test exporter of
 * IOMMU_TEST_CMD: IOMMU_TEST_OP_DMABUF_GET makes a buffer of kernel RAM,
 * IOMMU_TEST_OP_DMABUF_REVOKE takes it away from importers or restores it.
 *
 * The buffer is mmap()ed so that MD_CHECK_MAP can compare what a mock
 * domain translates an IOVA to with the buffer's pages.
 */
#include <sys/mman.h>

#include "mock_ops.h"

#define BUF_PAGES	4
#define BUF_SIZE	(BUF_PAGES * PAGE_SIZE)
#define MAX_PAGES	512
#define IOVA_BASE	0x20000000ULL

/* A new test dma-buf; returns its fd or the negated errno. */
static int dmabuf_get(int fd, __u32 length, __u32 open_flags)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_DMABUF_GET,
		.dmabuf_get = { .length = length, .open_flags = open_flags },
	};
	int rc;

	/* Success returns the new fd itself, not 0 */
	rc = ioctl(fd, IOMMU_TEST_CMD, &cmd);
	return rc < 0 ? -errno : rc;
}

static int dmabuf_revoke(int fd, int dfd, bool revoked)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_DMABUF_REVOKE,
		.dmabuf_revoke = { .dmabuf_fd = dfd, .revoked = revoked },
	};

	return emu_test_cmd(fd, &cmd);
}

FIXTURE(dmabuf)
{
	int fd;
	__u32 ioas_id;
	int dfd;
	void *cpu;
};

FIXTURE_SETUP(dmabuf)
{
	self->dfd = -1;
	self->cpu = MAP_FAILED;
	self->fd = emu_open();
	ASSERT_LE(0, self->fd)
		TH_LOG("cannot open %s: %s", emu_dev_path(), strerror(errno));
	test_ioctl_ioas_alloc(&self->ioas_id);
	if (!emu_test_cmd_available(self->fd))
		return;
	self->dfd = dmabuf_get(self->fd, BUF_SIZE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dfd);
	self->cpu = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->dfd, 0);
	ASSERT_NE(MAP_FAILED, self->cpu);
}

FIXTURE_TEARDOWN(dmabuf)
{
	if (self->cpu != MAP_FAILED)
		munmap(self->cpu, BUF_SIZE);
	if (self->dfd >= 0)
		close(self->dfd);
	close(self->fd);
}

/* Map [start, start + len) of the fixture's buffer at a fixed IOVA */
#define map_buf(_ioas, _start, _len, _iova) do {			\
	__u64 __iova = (_iova);						\
									\
	test_ioctl_ioas_map_file(_ioas, MAP_FIXED_RW, self->dfd, _start,	\
				 _len, &__iova);			\
} while (0)

TEST_F(dmabuf, get_sizes_and_flags)
{
	int dfd;

	if (self->dfd < 0)
		SKIP(return, NO_TEST_CMD);
	/* Sizes round up to whole pages, up to 512 of them */
	dfd = dmabuf_get(self->fd, 1, O_CLOEXEC);
	ASSERT_LE(0, dfd);
	ASSERT_EQ((off_t)PAGE_SIZE, lseek(dfd, 0, SEEK_END));
	close(dfd);
	dfd = dmabuf_get(self->fd, MAX_PAGES * PAGE_SIZE, O_CLOEXEC);
	ASSERT_LE(0, dfd);
	ASSERT_EQ((off_t)(MAX_PAGES * PAGE_SIZE), lseek(dfd, 0, SEEK_END));
	close(dfd);

	/* The new fd carries the requested close-on-exec flag */
	dfd = dmabuf_get(self->fd, PAGE_SIZE, O_CLOEXEC);
	ASSERT_LE(0, dfd);
	ASSERT_EQ(FD_CLOEXEC, fcntl(dfd, F_GETFD));
	close(dfd);
	dfd = dmabuf_get(self->fd, PAGE_SIZE, 0);
	ASSERT_LE(0, dfd);
	ASSERT_EQ(0, fcntl(dfd, F_GETFD));
	close(dfd);
}

TEST_F(dmabuf, get_einval)
{
	if (self->dfd < 0)
		SKIP(return, NO_TEST_CMD);
	EXPECT_ERR(EINVAL, dmabuf_get(self->fd, 0, O_CLOEXEC));
	EXPECT_ERR(EINVAL, dmabuf_get(self->fd, MAX_PAGES * PAGE_SIZE + 1,
				      O_CLOEXEC));
	/* Only close-on-exec, non-blocking and the access mode are accepted */
	EXPECT_ERR(EINVAL, dmabuf_get(self->fd, PAGE_SIZE,
				      O_CLOEXEC | O_TRUNC));
}

TEST_F(dmabuf, map_whole_and_slices)
{
	__u64 iova = 0;

	if (self->dfd < 0)
		SKIP(return, NO_TEST_CMD);
	/* IOVA chosen by the kernel */
	test_ioctl_ioas_map_file(self->ioas_id, MAP_RW, self->dfd, 0, BUF_SIZE,
				 &iova);
	ASSERT_NE(0, iova);
	test_ioctl_ioas_unmap(self->ioas_id, iova, BUF_SIZE, BUF_SIZE);

	/* A slice in the middle, and one ending exactly at the end */
	map_buf(self->ioas_id, PAGE_SIZE, 2 * PAGE_SIZE, IOVA_BASE);
	map_buf(self->ioas_id, BUF_SIZE - 100, 100, IOVA_BASE + BUF_SIZE);
	/* The same memory twice, read-only this time */
	iova = IOVA_BASE + 2 * BUF_SIZE;
	test_ioctl_ioas_map_file(self->ioas_id,
				 IOMMU_IOAS_MAP_FIXED_IOVA |
				 IOMMU_IOAS_MAP_READABLE,
				 self->dfd, 0, BUF_SIZE, &iova);
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX,
			      6 * PAGE_SIZE + 100);
}

TEST_F(dmabuf, map_range_errors)
{
	__u64 iova = IOVA_BASE;

	if (self->dfd < 0)
		SKIP(return, NO_TEST_CMD);
	test_err_ioas_map_file(EINVAL, self->ioas_id, MAP_FIXED_RW, self->dfd,
			       0, 0, &iova);
	/* Starting at the end, or running past it by one byte */
	test_err_ioas_map_file(EINVAL, self->ioas_id, MAP_FIXED_RW, self->dfd,
			       BUF_SIZE, PAGE_SIZE, &iova);
	test_err_ioas_map_file(EINVAL, self->ioas_id, MAP_FIXED_RW, self->dfd,
			       0, BUF_SIZE + 1, &iova);
	test_err_ioas_map_file(EINVAL, self->ioas_id, MAP_FIXED_RW, self->dfd,
			       PAGE_SIZE, BUF_SIZE, &iova);
	/* start + length wraps around */
	test_err_ioas_map_file(EOVERFLOW, self->ioas_id, MAP_FIXED_RW,
			       self->dfd, UINT64_MAX - 10, PAGE_SIZE, &iova);
	/* Nothing was left behind */
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, 0);
}

TEST_F(dmabuf, revoke_fd_errors)
{
	int mfd;

	if (self->dfd < 0)
		SKIP(return, NO_TEST_CMD);
	EXPECT_ERR(EBADF, dmabuf_revoke(self->fd, -1, true));
	/* A file that is not a dma-buf */
	mfd = memfd_create("iommufd-emu-dmabuf", MFD_CLOEXEC);
	ASSERT_LE(0, mfd);
	EXPECT_ERR(EINVAL, dmabuf_revoke(self->fd, mfd, true));
	close(mfd);
}

TEST_F(dmabuf, map_while_revoked)
{
	__u64 iova = IOVA_BASE;

	if (self->dfd < 0)
		SKIP(return, NO_TEST_CMD);
	ASSERT_OK(dmabuf_revoke(self->fd, self->dfd, true));
	test_err_ioas_map_file(ENODEV, self->ioas_id, MAP_FIXED_RW, self->dfd,
			       0, BUF_SIZE, &iova);
	/* Revoking twice is harmless */
	ASSERT_OK(dmabuf_revoke(self->fd, self->dfd, true));
	test_err_ioas_map_file(ENODEV, self->ioas_id, MAP_FIXED_RW, self->dfd,
			       0, BUF_SIZE, &iova);
	/* Restored: new mappings work again */
	ASSERT_OK(dmabuf_revoke(self->fd, self->dfd, false));
	map_buf(self->ioas_id, 0, BUF_SIZE, IOVA_BASE);
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE, BUF_SIZE, BUF_SIZE);
}

TEST_F(dmabuf, revoke_unmaps_domains)
{
	__u32 stdev_id, hwpt_id, stdev2_id, hwpt2_id;

	if (self->dfd < 0)
		SKIP(return, NO_TEST_CMD);
	memset(self->cpu, 0x5a, BUF_SIZE);
	ASSERT_OK(mock_dev_add(self->fd, self->ioas_id, 0, &stdev_id,
			       &hwpt_id, NULL));
	map_buf(self->ioas_id, 0, BUF_SIZE, IOVA_BASE);
	/* A second domain filled from the existing area */
	ASSERT_OK(mock_dev_add(self->fd, self->ioas_id, 0, &stdev2_id,
			       &hwpt2_id, NULL));
	ASSERT_OK(emu_test_check_map(self->fd, hwpt_id, IOVA_BASE, BUF_SIZE,
				     self->cpu));
	ASSERT_OK(emu_test_check_map(self->fd, hwpt2_id, IOVA_BASE, BUF_SIZE,
				     self->cpu));

	ASSERT_OK(dmabuf_revoke(self->fd, self->dfd, true));
	/* Gone from both domains, but the area is still there */
	EXPECT_ERR(EINVAL, emu_test_check_map(self->fd, hwpt_id, IOVA_BASE,
					      PAGE_SIZE, self->cpu));
	EXPECT_ERR(EINVAL, emu_test_check_map(self->fd, hwpt2_id, IOVA_BASE,
					      PAGE_SIZE, self->cpu));

	/* Restoring does not bring the old mapping back ... */
	ASSERT_OK(dmabuf_revoke(self->fd, self->dfd, false));
	EXPECT_ERR(EINVAL, emu_test_check_map(self->fd, hwpt_id, IOVA_BASE,
					      PAGE_SIZE, self->cpu));
	/* ... but the revoked area can still be unmapped */
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE, BUF_SIZE, BUF_SIZE);
	/* and a new mapping of the restored buffer is translated again */
	map_buf(self->ioas_id, 0, BUF_SIZE, IOVA_BASE);
	ASSERT_OK(emu_test_check_map(self->fd, hwpt_id, IOVA_BASE, BUF_SIZE,
				     self->cpu));
	ASSERT_OK(emu_test_check_map(self->fd, hwpt2_id, IOVA_BASE, BUF_SIZE,
				     self->cpu));

	test_ioctl_destroy(stdev2_id);
	test_ioctl_destroy(stdev_id);
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE, BUF_SIZE, BUF_SIZE);
}

TEST_F(dmabuf, domain_after_revoke)
{
	__u32 stdev_id, hwpt_id;

	if (self->dfd < 0)
		SKIP(return, NO_TEST_CMD);
	map_buf(self->ioas_id, 0, BUF_SIZE, IOVA_BASE);
	map_buf(self->ioas_id, 0, BUF_SIZE, IOVA_BASE + BUF_SIZE);
	ASSERT_OK(dmabuf_revoke(self->fd, self->dfd, true));
	/* Attaching skips the revoked areas without failing */
	ASSERT_OK(mock_dev_add(self->fd, self->ioas_id, 0, &stdev_id,
			       &hwpt_id, NULL));
	EXPECT_ERR(EINVAL, emu_test_check_map(self->fd, hwpt_id, IOVA_BASE,
					      PAGE_SIZE, self->cpu));
	/* Detaching with revoked areas still mapped in the IOAS */
	test_ioctl_destroy(stdev_id);
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, 2 * BUF_SIZE);
}

TEST_F(dmabuf, copy_shares_revoke)
{
	__u32 stdev_id, hwpt_id, ioas2_id;
	__u64 dst_iova = IOVA_BASE;

	if (self->dfd < 0)
		SKIP(return, NO_TEST_CMD);
	test_ioctl_ioas_alloc(&ioas2_id);
	ASSERT_OK(mock_dev_add(self->fd, ioas2_id, 0, &stdev_id,
			       &hwpt_id, NULL));
	map_buf(self->ioas_id, 0, BUF_SIZE, IOVA_BASE);
	test_ioctl_ioas_copy(MAP_FIXED_RW, ioas2_id, &dst_iova, self->ioas_id,
			     IOVA_BASE, BUF_SIZE);
	ASSERT_OK(emu_test_check_map(self->fd, hwpt_id, IOVA_BASE, BUF_SIZE,
				     self->cpu));
	/* Revoking the source memory unmaps the copy in the other IOAS too */
	ASSERT_OK(dmabuf_revoke(self->fd, self->dfd, true));
	EXPECT_ERR(EINVAL, emu_test_check_map(self->fd, hwpt_id, IOVA_BASE,
					      PAGE_SIZE, self->cpu));
	/* A copy of a revoked area is allowed and translates nothing */
	dst_iova = IOVA_BASE + BUF_SIZE;
	test_ioctl_ioas_copy(MAP_FIXED_RW, ioas2_id, &dst_iova, self->ioas_id,
			     IOVA_BASE, BUF_SIZE);
	EXPECT_ERR(EINVAL, emu_test_check_map(self->fd, hwpt_id, dst_iova,
					      PAGE_SIZE, self->cpu));
	test_ioctl_ioas_unmap(ioas2_id, 0, UINT64_MAX, 2 * BUF_SIZE);
	test_ioctl_destroy(stdev_id);
	test_ioctl_destroy(ioas2_id);
}

TEST_F(dmabuf, no_cpu_access)
{
	__u8 byte = 0;
	int access_fd;

	if (self->dfd < 0)
		SKIP(return, NO_TEST_CMD);
	map_buf(self->ioas_id, 0, BUF_SIZE, IOVA_BASE);
	test_create_access(self->ioas_id, &access_fd);
	/* dma-buf memory is reachable by DMA only */
	test_err_access_pin(EINVAL, access_fd, IOVA_BASE, PAGE_SIZE, NULL,
			    false);
	EXPECT_ERR(EINVAL, emu_test_access_rw(self->fd, access_fd, IOVA_BASE,
					      &byte, 1, false));
	close(access_fd);
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE, BUF_SIZE, BUF_SIZE);
}

TEST_F(dmabuf, close_orders)
{
	__u32 stdev_id, hwpt_id, ioas2_id;
	int fd2, dfd2;
	void *cpu2;
	__u64 iova;

	if (self->dfd < 0)
		SKIP(return, NO_TEST_CMD);
	/* The mapping keeps the buffer: closing its fd changes nothing */
	dfd2 = dmabuf_get(self->fd, BUF_SIZE, O_CLOEXEC);
	ASSERT_LE(0, dfd2);
	ASSERT_OK(mock_dev_add(self->fd, self->ioas_id, 0, &stdev_id,
			       &hwpt_id, NULL));
	iova = IOVA_BASE;
	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, dfd2, 0,
				 BUF_SIZE, &iova);
	/* A read-only fd still allows a read-only CPU view */
	cpu2 = mmap(NULL, BUF_SIZE, PROT_READ, MAP_SHARED, dfd2, 0);
	ASSERT_NE(MAP_FAILED, cpu2);
	close(dfd2);
	ASSERT_OK(emu_test_check_map(self->fd, hwpt_id, IOVA_BASE, BUF_SIZE,
				     cpu2));
	munmap(cpu2, BUF_SIZE);
	test_ioctl_destroy(stdev_id);
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE, BUF_SIZE, BUF_SIZE);

	/* Closing the iommufd with the buffer mapped, revoked or not */
	fd2 = emu_open();
	ASSERT_LE(0, fd2);
	ASSERT_OK(emu_ioas_alloc(fd2, &ioas2_id));
	ASSERT_OK(mock_dev_add(fd2, ioas2_id, 0, &stdev_id,
			       &hwpt_id, NULL));
	iova = IOVA_BASE;
	ASSERT_OK(emu_ioas_map_file(fd2, ioas2_id, MAP_FIXED_RW, self->dfd, 0,
				    BUF_SIZE, &iova));
	iova = IOVA_BASE + BUF_SIZE;
	ASSERT_OK(emu_ioas_map_file(fd2, ioas2_id, MAP_FIXED_RW, self->dfd, 0,
				    BUF_SIZE, &iova));
	ASSERT_OK(emu_test_check_map(fd2, hwpt_id, IOVA_BASE, BUF_SIZE,
				     self->cpu));
	close(fd2);
	/* The buffer is still usable after that */
	ASSERT_OK(dmabuf_revoke(self->fd, self->dfd, true));
	ASSERT_OK(dmabuf_revoke(self->fd, self->dfd, false));

	fd2 = emu_open();
	ASSERT_LE(0, fd2);
	ASSERT_OK(emu_ioas_alloc(fd2, &ioas2_id));
	iova = IOVA_BASE;
	ASSERT_OK(emu_ioas_map_file(fd2, ioas2_id, MAP_FIXED_RW, self->dfd, 0,
				    BUF_SIZE, &iova));
	ASSERT_OK(dmabuf_revoke(self->fd, self->dfd, true));
	close(fd2);
}

TEST_HARNESS_MAIN
