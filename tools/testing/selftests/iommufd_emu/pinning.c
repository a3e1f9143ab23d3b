// SPDX-License-Identifier: GPL-2.0
/*
 * How pages are pinned, seen from user space, where Linux 6.1's GUP differs
 * from the kernels upstream iommufd runs on: read-only pins of private file
 * mappings, memfd pins counted as DMA pins, pins taken from the memory of
 * another (still running) process, and moving an in-kernel access from one
 * IOAS to another (IOMMU_TEST_OP_ACCESS_REPLACE_IOAS).
 */
#include <sys/wait.h>

#include "mock_ops.h"

#define NPAGES 4
#define LEN (NPAGES * PAGE_SIZE)

FIXTURE(pinning)
{
	int fd;
	__u32 ioas_id;
};

FIXTURE_SETUP(pinning)
{
	self->fd = emu_open();
	ASSERT_LE(0, self->fd);
	ASSERT_TRUE(emu_test_cmd_available(self->fd));
	test_ioctl_ioas_alloc(&self->ioas_id);
}

FIXTURE_TEARDOWN(pinning)
{
	close(self->fd);
}

static int pin_replace_ioas(int fd, int access_fd, __u32 ioas_id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ACCESS_REPLACE_IOAS,
		.id = access_fd,
		.access_replace_ioas = { .ioas_id = ioas_id },
	};

	return emu_test_cmd(fd, &cmd);
}

/*
 * A read-only mapping of a private file page must pin the page the process
 * keeps seeing: writing to it afterwards must not move it away from the
 * device (the pin breaks copy-on-write up front).
 */
TEST_F(pinning, ro_private_file_mapping_stays_coherent)
{
	__u64 iova = 0;
	__u32 hwpt_id;
	char *buf;
	int exe;

	ASSERT_OK(mock_dev_add(self->fd, self->ioas_id, 0, NULL, &hwpt_id, NULL));
	exe = open("/proc/self/exe", O_RDONLY);
	ASSERT_LE(0, exe);
	buf = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, exe, 0);
	ASSERT_NE(MAP_FAILED, buf);
	close(exe);

	test_ioctl_ioas_map(self->ioas_id, IOMMU_IOAS_MAP_READABLE, buf,
			    PAGE_SIZE, &iova);
	EXPECT_OK(emu_test_check_map(self->fd, hwpt_id, iova, PAGE_SIZE, buf));
	memset(buf, 0x3c, PAGE_SIZE);
	EXPECT_OK(emu_test_check_map(self->fd, hwpt_id, iova, PAGE_SIZE, buf));
	test_ioctl_ioas_unmap(self->ioas_id, iova, PAGE_SIZE, PAGE_SIZE);
	ASSERT_EQ(0, munmap(buf, PAGE_SIZE));
}

/*
 * The same when the private file page is not the first page of the range:
 * one read-only map over an anonymous page and then the file page. Each
 * VMA is looked at on its own, not only the one the range starts in.
 */
TEST_F(pinning, ro_private_file_page_after_anonymous_one)
{
	__u64 iova = 0;
	__u32 hwpt_id;
	char *buf;
	int exe;

	ASSERT_OK(mock_dev_add(self->fd, self->ioas_id, 0, NULL, &hwpt_id, NULL));
	buf = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	memset(buf, 0xa5, PAGE_SIZE);
	exe = open("/proc/self/exe", O_RDONLY);
	ASSERT_LE(0, exe);
	ASSERT_EQ(buf + PAGE_SIZE,
		  mmap(buf + PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_FIXED, exe, 0));
	close(exe);

	test_ioctl_ioas_map(self->ioas_id, IOMMU_IOAS_MAP_READABLE, buf,
			    2 * PAGE_SIZE, &iova);
	EXPECT_OK(emu_test_check_map(self->fd, hwpt_id, iova, 2 * PAGE_SIZE,
				     buf));
	memset(buf + PAGE_SIZE, 0x3c, PAGE_SIZE);
	EXPECT_OK(emu_test_check_map(self->fd, hwpt_id, iova, 2 * PAGE_SIZE,
				     buf));
	test_ioctl_ioas_unmap(self->ioas_id, iova, 2 * PAGE_SIZE,
			      2 * PAGE_SIZE);
	ASSERT_EQ(0, munmap(buf, 2 * PAGE_SIZE));
}

/* memfd pages mapped with MAP_FILE carry one DMA pin each, none after */
TEST_F(pinning, memfd_pages_get_dma_pins)
{
	int mfd = emu_memfd(LEN);
	__u64 iova = 0;
	void *buf;

	ASSERT_LE(0, mfd);
	buf = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_OK(mock_dev_add(self->fd, self->ioas_id, 0, NULL, NULL, NULL));

	test_check_refs(buf, LEN, 0);
	test_ioctl_ioas_map_file(self->ioas_id, MAP_RW, mfd, 0, LEN, &iova);
	test_check_refs(buf, LEN, 1);
	test_ioctl_ioas_unmap(self->ioas_id, iova, LEN, LEN);
	test_check_refs(buf, LEN, 0);
	munmap(buf, LEN);
	close(mfd);
}

/*
 * Memory mapped by another process that is still alive is pinned from that
 * process's address space when a domain needs it later.
 */
TEST_F(pinning, pins_from_a_live_child)
{
	int to_child[2], to_parent[2];
	__u8 want[LEN], got[LEN];
	int status, access_fd;
	__u64 iova = 1UL << 24;
	pid_t child;
	char c = 0;

	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(to_parent));
	memset(want, 0x6e, sizeof(want));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		void *mem = emu_alloc_buffer(LEN, PAGE_SIZE);

		if (!mem)
			_exit(1);
		memcpy(mem, want, LEN);
		if (emu_ioas_map(self->fd, self->ioas_id, MAP_FIXED_RW, mem,
				 LEN, &iova))
			_exit(2);
		/* Stay alive, memory mapped, until the parent is done */
		if (write(to_parent[1], &c, 1) != 1 ||
		    read(to_child[0], &c, 1) != 1)
			_exit(3);
		_exit(0);
	}
	ASSERT_EQ(1, read(to_parent[0], &c, 1));

	/* The domain fill pins the child's pages, from the parent */
	EXPECT_OK(mock_dev_add(self->fd, self->ioas_id, 0, NULL, NULL, NULL));
	ASSERT_OK(emu_test_create_access(self->fd, self->ioas_id, &access_fd));
	EXPECT_OK(emu_test_access_rw(self->fd, access_fd, iova, got, LEN,
				     false));
	EXPECT_EQ(0, memcmp(want, got, LEN));
	close(access_fd);

	ASSERT_EQ(1, write(to_child[1], &c, 1));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

/*
 * The read-only private file mapping again, this time pinned from the
 * parent while the process that mapped it lives on: the remote pin must
 * break copy-on-write just the same, so that the device sees what the
 * child writes there afterwards.
 */
TEST_F(pinning, ro_private_file_mapping_pinned_remotely)
{
	int to_child[2], to_parent[2];
	__u64 iova = 1UL << 24;
	int status, exe;
	__u32 hwpt_id;
	pid_t child;
	char c = 0;

	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(to_parent));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		char *buf;

		exe = open("/proc/self/exe", O_RDONLY);
		if (exe < 0)
			_exit(1);
		buf = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE, exe, 0);
		if (buf == MAP_FAILED)
			_exit(2);
		if (emu_ioas_map(self->fd, self->ioas_id,
				 IOMMU_IOAS_MAP_FIXED_IOVA |
				 IOMMU_IOAS_MAP_READABLE, buf, PAGE_SIZE,
				 &iova))
			_exit(3);
		if (write(to_parent[1], &c, 1) != 1 ||
		    read(to_child[0], &hwpt_id, sizeof(hwpt_id)) !=
		    sizeof(hwpt_id))
			_exit(4);
		/* The parent pinned the page: now write, and compare */
		memset(buf, 0x5a, PAGE_SIZE);
		if (emu_test_check_map(self->fd, hwpt_id, iova, PAGE_SIZE, buf))
			_exit(5);
		_exit(0);
	}
	ASSERT_EQ(1, read(to_parent[0], &c, 1));

	/* The domain fill pins the child's page, from the parent */
	ASSERT_OK(mock_dev_add(self->fd, self->ioas_id, 0, NULL, &hwpt_id,
			       NULL));
	ASSERT_EQ(sizeof(hwpt_id), write(to_child[1], &hwpt_id,
					 sizeof(hwpt_id)));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/*
 * Replacing the IOAS of a pinning access first revokes its pins (through
 * its unmap callback), then moves it: copies go to the new IOAS and the
 * old one is free to go.
 */
TEST_F(pinning, access_replace_ioas)
{
	__u8 *buf = emu_alloc_buffer(LEN, PAGE_SIZE);
	__u8 out[PAGE_SIZE];
	__u32 new_ioas, pin_id;
	__u64 iova = 1UL << 24;
	int access_fd;

	ASSERT_NE(NULL, buf);
	test_ioctl_ioas_alloc(&new_ioas);
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, buf, PAGE_SIZE,
			    &iova);
	/* The same IOVA reaches the second page in the new IOAS */
	test_ioctl_ioas_map(new_ioas, MAP_FIXED_RW, buf + PAGE_SIZE,
			    PAGE_SIZE, &iova);
	buf[0] = 1;
	buf[PAGE_SIZE] = 2;

	test_create_access(self->ioas_id, &access_fd);
	test_access_pin(access_fd, iova, PAGE_SIZE, buf, true, &pin_id);
	ASSERT_OK(pin_replace_ioas(self->fd, access_fd, new_ioas));
	/* The callback dropped the pin of the old IOAS */
	EXPECT_ERR(ENOENT, emu_test_access_unpin(self->fd, access_fd, pin_id));
	ASSERT_OK(emu_test_access_rw(self->fd, access_fd, iova, out, 1, false));
	EXPECT_EQ(2, out[0]);
	test_access_pin(access_fd, iova, PAGE_SIZE, buf + PAGE_SIZE, true,
			&pin_id);

	/* The old IOAS lost its user, the new one gained it */
	test_ioctl_destroy(self->ioas_id);
	test_err_destroy(EBUSY, new_ioas);
	/* Moving to where it is already changes nothing */
	EXPECT_OK(pin_replace_ioas(self->fd, access_fd, new_ioas));
	test_access_unpin(access_fd, pin_id);
	close(access_fd);
	test_ioctl_destroy(new_ioas);
	emu_free_buffer(buf, LEN);
}

TEST_F(pinning, access_replace_ioas_errors)
{
	__u32 other_ioas;
	int access_fd;

	test_ioctl_ioas_alloc(&other_ioas);
	test_create_access(self->ioas_id, &access_fd);
	/* No such IOAS, or an id that is not an IOAS */
	EXPECT_ERR(ENOENT, pin_replace_ioas(self->fd, access_fd, 0));
	EXPECT_ERR(ENOENT, pin_replace_ioas(self->fd, access_fd, 9999));
	/* Not an access file descriptor */
	EXPECT_ERR(EBADFD, pin_replace_ioas(self->fd, self->fd, other_ioas));
	EXPECT_ERR(EBADF, pin_replace_ioas(self->fd, -1, other_ioas));
	/* A failed replace left the access where it was */
	test_err_destroy(EBUSY, self->ioas_id);
	test_ioctl_destroy(other_ioas);
	close(access_fd);
}

/*
 * A pinning access needs page-aligned mappings: moving it to an IOAS that
 * maps memory at an IOVA inside a page is refused, and it stays put.
 */
TEST_F(pinning, access_replace_ioas_unaligned)
{
	__u8 *buf = emu_alloc_buffer(2 * PAGE_SIZE, PAGE_SIZE);
	__u64 iova = (1UL << 24) + PAGE_SIZE / 2;
	__u32 other_ioas;
	__u8 out;
	int access_fd;

	ASSERT_NE(NULL, buf);
	test_ioctl_ioas_alloc(&other_ioas);
	test_ioctl_ioas_map(other_ioas, MAP_FIXED_RW, buf + PAGE_SIZE / 2,
			    PAGE_SIZE, &iova);
	test_create_access(self->ioas_id, &access_fd);
	EXPECT_ERR(EADDRINUSE, pin_replace_ioas(self->fd, access_fd,
						other_ioas));
	/* Still on the first IOAS: nothing is mapped there */
	EXPECT_ERR(ENOENT, emu_test_access_rw(self->fd, access_fd, iova, &out,
					      1, false));
	test_err_destroy(EBUSY, self->ioas_id);
	test_ioctl_destroy(other_ioas);
	close(access_fd);
	emu_free_buffer(buf, 2 * PAGE_SIZE);
}

TEST_HARNESS_MAIN
