// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_IOAS_MAP_FILE: mapping memfd, tmpfs and hugetlbfs files into an
 * IOAS.  Like IOMMU_IOAS_MAP, the file pages are only pinned when something
 * needs them, so problems with the file (not shmem, range past its end)
 * show up at that point; an in-kernel access (IOMMU_TEST_CMD) plays that
 * part here.
 */
#include <linux/magic.h>
#include <sys/vfs.h>

#include "iommufd_emu_utils.h"

#define MFD_PAGES	32
#define MFD_SIZE	(MFD_PAGES * PAGE_SIZE)
#define IOVA_BASE	0x10000000ULL

/* The byte the test files hold at @offset. */
static __u8 pattern_at(__u64 offset)
{
	return (__u8)(offset / PAGE_SIZE * 7 + offset % 251);
}

/* Fill @len bytes of @fd with the pattern; 0 on success. */
static int fill_file(int fd, size_t len)
{
	__u8 page[PAGE_SIZE];
	size_t off, i;

	if (ftruncate(fd, len))
		return -1;
	for (off = 0; off < len; off += PAGE_SIZE) {
		for (i = 0; i < PAGE_SIZE; i++)
			page[i] = pattern_at(off + i);
		if (pwrite(fd, page, PAGE_SIZE, off) != PAGE_SIZE)
			return -1;
	}
	return 0;
}

FIXTURE(map_file)
{
	int fd;
	__u32 ioas_id;
	int mfd;
	long pinned_base;
	bool test_cmd;
};

FIXTURE_SETUP(map_file)
{
	self->pinned_base = my_pinned();
	ASSERT_LE(0, self->pinned_base);
	self->fd = emu_open();
	ASSERT_LE(0, self->fd)
		TH_LOG("cannot open %s: %s", emu_dev_path(), strerror(errno));
	test_ioctl_ioas_alloc(&self->ioas_id);
	self->test_cmd = emu_test_cmd_available(self->fd);

	self->mfd = memfd_create("iommufd-emu-map-file", MFD_CLOEXEC);
	ASSERT_LE(0, self->mfd);
	ASSERT_EQ(0, fill_file(self->mfd, MFD_SIZE));
}

FIXTURE_TEARDOWN(map_file)
{
	close(self->fd);
	if (self->mfd >= 0)
		close(self->mfd);
	EXPECT_EQ(self->pinned_base, my_pinned());
}

#define ASSERT_PINNED(_pages) \
	ASSERT_EQ(self->pinned_base + (long)(_pages), my_pinned())

/* Read @len bytes at @iova through an access and compare to the file. */
static void check_contents(struct __test_metadata *_metadata, int fd,
			   int access_fd, __u64 iova, __u64 file_offset,
			   size_t len)
{
	__u8 got[512];
	size_t i;

	ASSERT_GE(sizeof(got), len);
	memset(got, 0, sizeof(got));
	ASSERT_OK(emu_test_access_rw(fd, access_fd, iova, got, len, false));
	for (i = 0; i < len; i++)
		ASSERT_EQ(pattern_at(file_offset + i), got[i])
			TH_LOG("byte %zu of iova %#llx", i,
			       (unsigned long long)iova);
}

TEST_F(map_file, fixed)
{
	__u64 iova = IOVA_BASE;

	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, self->mfd, 0,
				 MFD_SIZE, &iova);
	ASSERT_EQ(IOVA_BASE, iova);
	/* a second, read-only one from the middle of the file */
	iova = 2 * IOVA_BASE;
	test_ioctl_ioas_map_file(self->ioas_id,
				 IOMMU_IOAS_MAP_FIXED_IOVA |
				 IOMMU_IOAS_MAP_READABLE,
				 self->mfd, 8 * PAGE_SIZE, 4 * PAGE_SIZE,
				 &iova);
	iova = 3 * IOVA_BASE;
	test_ioctl_ioas_map_file(self->ioas_id,
				 IOMMU_IOAS_MAP_FIXED_IOVA |
				 IOMMU_IOAS_MAP_WRITEABLE,
				 self->mfd, 8 * PAGE_SIZE, 4 * PAGE_SIZE,
				 &iova);
	/* mapping does not pin */
	ASSERT_PINNED(0);
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE, MFD_SIZE, MFD_SIZE);
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, 8 * PAGE_SIZE);
}

TEST_F(map_file, automatic_iova)
{
	__u64 iova1 = 0, iova2 = 0, iova3 = 0;

	/* offset 0: aligned to the length rounded up to a power of two */
	test_ioctl_ioas_map_file(self->ioas_id, MAP_RW, self->mfd, 0,
				 16 * PAGE_SIZE, &iova1);
	ASSERT_EQ(16 * PAGE_SIZE, iova1);
	/* otherwise no more aligned than the file offset */
	test_ioctl_ioas_map_file(self->ioas_id, MAP_RW, self->mfd, PAGE_SIZE,
				 2 * PAGE_SIZE, &iova2);
	ASSERT_EQ(PAGE_SIZE, iova2);
	/* the offset within a page is kept */
	test_ioctl_ioas_map_file(self->ioas_id, MAP_RW, self->mfd,
				 2 * PAGE_SIZE + 100, 200, &iova3);
	ASSERT_EQ(100, iova3 % PAGE_SIZE);
	ASSERT_LE(PAGE_SIZE, iova3);

	test_ioctl_ioas_unmap(self->ioas_id, iova1, 16 * PAGE_SIZE,
			      16 * PAGE_SIZE);
	test_ioctl_ioas_unmap(self->ioas_id, iova2, 2 * PAGE_SIZE,
			      2 * PAGE_SIZE);
	test_ioctl_ioas_unmap(self->ioas_id, iova3, 200, 200);
}

TEST_F(map_file, flags)
{
	__u64 iova = IOVA_BASE;

	test_err_ioas_map_file(EINVAL, self->ioas_id,
			       IOMMU_IOAS_MAP_FIXED_IOVA, self->mfd, 0,
			       PAGE_SIZE, &iova);
	test_err_ioas_map_file(EINVAL, self->ioas_id, 0, self->mfd, 0,
			       PAGE_SIZE, &iova);
	test_err_ioas_map_file(EOPNOTSUPP, self->ioas_id,
			       MAP_FIXED_RW | MAP_UNKNOWN_FLAG, self->mfd, 0,
			       PAGE_SIZE, &iova);
	test_err_ioas_map_file(EOPNOTSUPP, self->ioas_id,
			       MAP_FIXED_RW | (1U << 31), self->mfd, 0,
			       PAGE_SIZE, &iova);
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, 0);
}

/* Automatic IOVAs for files follow the allowed ranges too. */
TEST_F(map_file, allowed_iovas)
{
	struct iommu_iova_range allowed = {
		.start = IOVA_BASE, .last = IOVA_BASE + 2 * PAGE_SIZE - 1,
	};
	__u64 iova = 0;

	test_ioctl_allow_iovas(self->ioas_id, &allowed, 1);
	test_err_ioas_map_file(ENOSPC, self->ioas_id, MAP_RW, self->mfd, 0,
			       4 * PAGE_SIZE, &iova);
	test_ioctl_ioas_map_file(self->ioas_id, MAP_RW, self->mfd, 0,
				 2 * PAGE_SIZE, &iova);
	ASSERT_EQ(IOVA_BASE, iova);
	test_err_ioas_map_file(ENOSPC, self->ioas_id, MAP_RW, self->mfd, 0,
			       PAGE_SIZE, &iova);
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, 2 * PAGE_SIZE);
}

TEST_F(map_file, bad_ioas)
{
	__u64 iova = IOVA_BASE;
	__u32 dead;

	test_err_ioas_map_file(ENOENT, 0, MAP_FIXED_RW, self->mfd, 0,
			       PAGE_SIZE, &iova);
	test_ioctl_ioas_alloc(&dead);
	test_ioctl_destroy(dead);
	test_err_ioas_map_file(ENOENT, dead, MAP_FIXED_RW, self->mfd, 0,
			       PAGE_SIZE, &iova);
	/* argument checks come first */
	test_err_ioas_map_file(EOPNOTSUPP, dead,
			       MAP_FIXED_RW | MAP_UNKNOWN_FLAG, self->mfd, 0,
			       PAGE_SIZE, &iova);
	test_err_ioas_map_file(EINVAL, dead, IOMMU_IOAS_MAP_FIXED_IOVA,
			       self->mfd, 0, PAGE_SIZE, &iova);
	test_err_ioas_map_file(EOVERFLOW, dead, MAP_FIXED_RW, self->mfd, 0,
			       UINT64_MAX, &iova);
}

TEST_F(map_file, bad_fd)
{
	__u64 iova = IOVA_BASE;
	int closed;

	test_err_ioas_map_file(EBADF, self->ioas_id, MAP_FIXED_RW, -1, 0,
			       PAGE_SIZE, &iova);
	test_err_ioas_map_file(EBADF, self->ioas_id, MAP_FIXED_RW, INT_MAX, 0,
			       PAGE_SIZE, &iova);
	closed = dup(self->mfd);
	ASSERT_LE(0, closed);
	close(closed);
	test_err_ioas_map_file(EBADF, self->ioas_id, MAP_FIXED_RW, closed, 0,
			       PAGE_SIZE, &iova);
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, 0);
}

TEST_F(map_file, length_and_overflow)
{
	__u64 iova = IOVA_BASE;

	test_err_ioas_map_file(EINVAL, self->ioas_id, MAP_FIXED_RW, self->mfd,
			       0, 0, &iova);
	test_err_ioas_map_file(EINVAL, self->ioas_id, MAP_RW, self->mfd, 0, 0,
			       &iova);
	test_err_ioas_map_file(EOVERFLOW, self->ioas_id, MAP_FIXED_RW,
			       self->mfd, 0, UINT64_MAX, &iova);
	/* start + length wraps */
	test_err_ioas_map_file(EOVERFLOW, self->ioas_id, MAP_FIXED_RW,
			       self->mfd, UINT64_MAX - PAGE_SIZE + 2, PAGE_SIZE,
			       &iova);
	/* iova + length wraps */
	iova = UINT64_MAX - PAGE_SIZE + 2;
	test_err_ioas_map_file(EOVERFLOW, self->ioas_id, MAP_FIXED_RW,
			       self->mfd, 0, PAGE_SIZE, &iova);
	iova = UINT64_MAX;
	test_err_ioas_map_file(EOVERFLOW, self->ioas_id, MAP_FIXED_RW,
			       self->mfd, 0, PAGE_SIZE, &iova);
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, 0);
}

TEST_F(map_file, overlap)
{
	__u8 *buf = emu_alloc_buffer(PAGE_SIZE, PAGE_SIZE);
	__u64 iova = IOVA_BASE;

	ASSERT_NE(NULL, buf);
	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, self->mfd, 0,
				 4 * PAGE_SIZE, &iova);
	iova = IOVA_BASE + 3 * PAGE_SIZE;
	test_err_ioas_map_file(EEXIST, self->ioas_id, MAP_FIXED_RW, self->mfd,
			       0, 2 * PAGE_SIZE, &iova);
	test_err_ioas_map(EEXIST, self->ioas_id, MAP_FIXED_RW, buf, PAGE_SIZE,
			  &iova);
	/* user and file mappings side by side */
	iova = IOVA_BASE + 4 * PAGE_SIZE;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, buf, PAGE_SIZE, &iova);
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE, 5 * PAGE_SIZE,
			      5 * PAGE_SIZE);
	emu_free_buffer(buf, PAGE_SIZE);
}

/* What is read through the IOAS is what the file holds, and vice versa. */
TEST_F(map_file, contents)
{
	__u64 iova = IOVA_BASE;
	char msg[] = "into the file";
	char back[sizeof(msg)];
	int access_fd;

	if (!self->test_cmd)
		SKIP(return, NO_TEST_CMD);
	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, self->mfd,
				 4 * PAGE_SIZE, 8 * PAGE_SIZE, &iova);
	test_create_access(self->ioas_id, &access_fd);
	check_contents(_metadata, self->fd, access_fd, IOVA_BASE,
		       4 * PAGE_SIZE, 256);
	check_contents(_metadata, self->fd, access_fd,
		       IOVA_BASE + PAGE_SIZE + 10, 5 * PAGE_SIZE + 10, 100);
	/* across a page boundary */
	check_contents(_metadata, self->fd, access_fd,
		       IOVA_BASE + 2 * PAGE_SIZE - 50, 6 * PAGE_SIZE - 50,
		       100);

	ASSERT_OK(emu_test_access_rw(self->fd, access_fd,
				     IOVA_BASE + 3 * PAGE_SIZE + 5, msg,
				     sizeof(msg), true));
	ASSERT_EQ(sizeof(back), pread(self->mfd, back, sizeof(back),
				      7 * PAGE_SIZE + 5));
	ASSERT_EQ(0, memcmp(msg, back, sizeof(msg)));
	close(access_fd);
}

/* A mapping that starts inside a page. */
TEST_F(map_file, sub_page_start)
{
	__u64 iova = IOVA_BASE + 100;
	int access_fd;

	if (!self->test_cmd)
		SKIP(return, NO_TEST_CMD);
	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, self->mfd,
				 3 * PAGE_SIZE + 100, 300, &iova);
	/* an access that only copies does not need page alignment */
	ASSERT_OK(emu_test_create_access_flags(self->fd, self->ioas_id, false,
					       &access_fd));
	check_contents(_metadata, self->fd, access_fd, IOVA_BASE + 100,
		       3 * PAGE_SIZE + 100, 300);
	close(access_fd);
}

TEST_F(map_file, pins_on_demand)
{
	__u64 iova = IOVA_BASE;
	int access_fd;
	__u8 *view;
	__u32 id;

	if (!self->test_cmd)
		SKIP(return, NO_TEST_CMD);
	view = mmap(NULL, MFD_SIZE, PROT_READ, MAP_SHARED | MAP_POPULATE,
		    self->mfd, 0);
	ASSERT_NE(MAP_FAILED, view);

	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, self->mfd, 0,
				 MFD_SIZE, &iova);
	ASSERT_PINNED(0);
	test_create_access(self->ioas_id, &access_fd);
	/* the kernel checks the pinned pages are the file's */
	test_access_pin(access_fd, IOVA_BASE + 8 * PAGE_SIZE, 8 * PAGE_SIZE,
			view + 8 * PAGE_SIZE, true, &id);
	ASSERT_PINNED(8);
	test_access_unpin(access_fd, id);
	ASSERT_PINNED(0);

	test_access_pin(access_fd, IOVA_BASE, MFD_SIZE, view, true, NULL);
	ASSERT_PINNED(MFD_PAGES);
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE, MFD_SIZE, MFD_SIZE);
	ASSERT_PINNED(0);
	close(access_fd);
	munmap(view, MFD_SIZE);
}

/* The mapping keeps the file: closing the fd changes nothing. */
TEST_F(map_file, outlives_fd)
{
	__u64 iova = IOVA_BASE;
	int access_fd;

	if (!self->test_cmd)
		SKIP(return, NO_TEST_CMD);
	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, self->mfd, 0,
				 MFD_SIZE, &iova);
	close(self->mfd);
	self->mfd = -1;
	test_create_access(self->ioas_id, &access_fd);
	check_contents(_metadata, self->fd, access_fd, IOVA_BASE + PAGE_SIZE,
		       PAGE_SIZE, 64);
	test_access_pin(access_fd, IOVA_BASE, MFD_SIZE, NULL, true, NULL);
	ASSERT_PINNED(MFD_PAGES);
	close(access_fd);
	ASSERT_PINNED(0);
}

TEST_F(map_file, copy)
{
	__u64 iova = IOVA_BASE, copy_iova = 0;
	int access_fds[2];
	__u32 other;

	if (!self->test_cmd)
		SKIP(return, NO_TEST_CMD);
	test_ioctl_ioas_alloc(&other);
	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, self->mfd, 0,
				 MFD_SIZE, &iova);
	test_ioctl_ioas_copy(MAP_RW, other, &copy_iova, self->ioas_id,
			     IOVA_BASE + 4 * PAGE_SIZE, 4 * PAGE_SIZE);
	test_create_access(self->ioas_id, &access_fds[0]);
	test_create_access(other, &access_fds[1]);
	check_contents(_metadata, self->fd, access_fds[1], copy_iova + 8,
		       4 * PAGE_SIZE + 8, 64);
	test_access_pin(access_fds[0], IOVA_BASE, MFD_SIZE, NULL, true, NULL);
	test_access_pin(access_fds[1], copy_iova, 4 * PAGE_SIZE, NULL, true,
			NULL);
	ASSERT_PINNED(MFD_PAGES);
	close(access_fds[0]);
	ASSERT_PINNED(4);
	close(access_fds[1]);
	ASSERT_PINNED(0);
}

/* Pages of the file that were never written are allocated on demand. */
TEST_F(map_file, sparse_file)
{
	int sparse = memfd_create("iommufd-emu-sparse", MFD_CLOEXEC);
	__u64 iova = IOVA_BASE;
	__u8 zeros[64] = {}, got[64];
	int access_fd;

	if (!self->test_cmd)
		SKIP(return, NO_TEST_CMD);
	ASSERT_LE(0, sparse);
	ASSERT_EQ(0, ftruncate(sparse, 8 * PAGE_SIZE));
	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, sparse, 0,
				 8 * PAGE_SIZE, &iova);
	test_create_access(self->ioas_id, &access_fd);
	test_access_pin(access_fd, IOVA_BASE, 8 * PAGE_SIZE, NULL, true, NULL);
	ASSERT_PINNED(8);
	memset(got, 0xff, sizeof(got));
	ASSERT_OK(emu_test_access_rw(self->fd, access_fd, IOVA_BASE, got,
				     sizeof(got), false));
	ASSERT_EQ(0, memcmp(zeros, got, sizeof(got)));
	close(access_fd);
	close(sparse);
}

/*
 * The file range is only looked at when the pages are needed: a range
 * past the end of the file maps, and fails with EINVAL when pinned.
 */
TEST_F(map_file, past_end_of_file)
{
	__u64 iova;
	int access_fd;

	iova = IOVA_BASE;
	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, self->mfd,
				 MFD_SIZE - 2 * PAGE_SIZE, 4 * PAGE_SIZE, &iova);
	iova = 2 * IOVA_BASE;
	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, self->mfd,
				 4 * MFD_SIZE, PAGE_SIZE, &iova);
	if (!self->test_cmd)
		SKIP(return, NO_TEST_CMD);

	test_create_access(self->ioas_id, &access_fd);
	test_err_access_pin(EINVAL, access_fd, IOVA_BASE, 4 * PAGE_SIZE, NULL,
			    true);
	test_err_access_pin(EINVAL, access_fd, 2 * IOVA_BASE, PAGE_SIZE, NULL,
			    true);
	ASSERT_PINNED(0);
	/* the part inside the file is fine */
	test_access_pin(access_fd, IOVA_BASE, 2 * PAGE_SIZE, NULL, true, NULL);
	ASSERT_PINNED(2);
	close(access_fd);
}

/*
 * Our one stricter rule than upstream: DMA must not write into a file the
 * caller opened read-only, so WRITEABLE needs a writable descriptor.
 */
TEST_F(map_file, readonly_fd_refuses_writeable)
{
	__u64 iova = IOVA_BASE;
	char path[64];
	int ro;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", self->mfd);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	test_err_ioas_map_file(EPERM, self->ioas_id, MAP_FIXED_RW, ro, 0,
			       PAGE_SIZE, &iova);
	iova = 0;
	test_err_ioas_map_file(EPERM, self->ioas_id, MAP_RW, ro, 0, PAGE_SIZE,
			       &iova);
	close(ro);
	/* Nothing was mapped */
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, 0);
}

/* Only shmem and hugetlbfs pages can be pinned: others fail on use. */
TEST_F(map_file, not_shmem)
{
	int fds[3] = { -1, -1, -1 };
	__u64 iova;
	int access_fd = -1;
	int i;

	ASSERT_EQ(0, pipe(fds));
	fds[2] = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fds[2]);
	if (self->test_cmd)
		test_create_access(self->ioas_id, &access_fd);

	for (i = 0; i < 3; i++) {
		static const char * const what[] = {
			"pipe read end", "pipe write end", "procfs file",
		};

		iova = IOVA_BASE + i * PAGE_SIZE;
		ASSERT_RC_FOR(what[i], 0,
			      emu_ioas_map_file(self->fd, self->ioas_id,
						IOMMU_IOAS_MAP_FIXED_IOVA |
						IOMMU_IOAS_MAP_READABLE,
						fds[i], 0, PAGE_SIZE, &iova));
		if (access_fd >= 0)
			ASSERT_RC_FOR(what[i], -EINVAL,
				      emu_test_access_pin(self->fd, access_fd,
							  iova, PAGE_SIZE,
							  NULL, false, NULL));
	}
	ASSERT_PINNED(0);
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, 3 * PAGE_SIZE);
	for (i = 0; i < 3; i++)
		close(fds[i]);
	if (access_fd >= 0)
		close(access_fd);
}

/* A read-only file descriptor is fine for a READABLE mapping. */
TEST_F(map_file, readonly_fd)
{
	__u64 iova = IOVA_BASE;
	char path[64];
	int ro, access_fd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", self->mfd);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	test_ioctl_ioas_map_file(self->ioas_id,
				 IOMMU_IOAS_MAP_FIXED_IOVA |
				 IOMMU_IOAS_MAP_READABLE,
				 ro, 0, 4 * PAGE_SIZE, &iova);
	close(ro);
	if (!self->test_cmd)
		SKIP(return, NO_TEST_CMD);
	test_create_access(self->ioas_id, &access_fd);
	test_access_pin(access_fd, IOVA_BASE, 4 * PAGE_SIZE, NULL, false, NULL);
	ASSERT_PINNED(4);
	check_contents(_metadata, self->fd, access_fd, IOVA_BASE + 3 * PAGE_SIZE,
		       3 * PAGE_SIZE, 64);
	close(access_fd);
}

/* A regular file on tmpfs is shmem too. */
TEST_F(map_file, tmpfs_file)
{
	static const char * const dirs[] = { "/dev/shm", "/tmp", "/run" };
	__u64 iova = IOVA_BASE;
	char path[128];
	struct statfs sfs;
	int access_fd, tfd = -1;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dirs) && tfd < 0; i++) {
		if (statfs(dirs[i], &sfs) || sfs.f_type != TMPFS_MAGIC)
			continue;
		snprintf(path, sizeof(path), "%s/iommufd-emu-XXXXXX", dirs[i]);
		tfd = mkostemp(path, O_CLOEXEC);
	}
	if (tfd < 0)
		SKIP(return, "no writable tmpfs in /dev/shm, /tmp or /run");
	unlink(path);
	ASSERT_EQ(0, fill_file(tfd, 8 * PAGE_SIZE));

	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, tfd, 0,
				 8 * PAGE_SIZE, &iova);
	if (self->test_cmd) {
		test_create_access(self->ioas_id, &access_fd);
		test_access_pin(access_fd, IOVA_BASE, 8 * PAGE_SIZE, NULL, true,
				NULL);
		ASSERT_PINNED(8);
		check_contents(_metadata, self->fd, access_fd,
			       IOVA_BASE + 5 * PAGE_SIZE + 1,
			       5 * PAGE_SIZE + 1, 200);
		close(access_fd);
	}
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE, 8 * PAGE_SIZE,
			      8 * PAGE_SIZE);
	close(tfd);
}

/* memfd on hugetlbfs (what a VMM uses for huge-page guest memory). */
TEST_F(map_file, hugetlb_memfd)
{
	__u64 iova = IOVA_BASE;
	int hfd, access_fd;

	hfd = memfd_create("iommufd-emu-huge", MFD_CLOEXEC | MFD_HUGETLB);
	if (hfd < 0)
		SKIP(return, "no hugetlb memfd: %s", strerror(errno));
	if (ftruncate(hfd, HUGE_PAGE_SIZE) || fallocate(hfd, 0, 0,
							HUGE_PAGE_SIZE)) {
		close(hfd);
		SKIP(return, "no free huge page");
	}

	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, hfd, 0,
				 HUGE_PAGE_SIZE, &iova);
	if (self->test_cmd) {
		test_create_access(self->ioas_id, &access_fd);
		test_access_pin(access_fd, IOVA_BASE + 4 * PAGE_SIZE,
				4 * PAGE_SIZE, NULL, true, NULL);
		ASSERT_PINNED(4);
		close(access_fd);
		ASSERT_PINNED(0);
	}
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE, HUGE_PAGE_SIZE,
			      HUGE_PAGE_SIZE);
	close(hfd);
}

TEST_HARNESS_MAIN
