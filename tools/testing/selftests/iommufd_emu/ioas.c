// SPDX-License-Identifier: GPL-2.0
/*
 * The IOAS: IOMMU_IOAS_IOVA_RANGES, IOMMU_IOAS_ALLOW_IOVAS, IOMMU_IOAS_MAP,
 * IOMMU_IOAS_COPY and IOMMU_IOAS_UNMAP, with no device attached (so no
 * reserved IOVA and an IOVA alignment of 1 unless huge pages are disabled).
 */
#include "iommufd_emu_utils.h"

#define BUF_PAGES	64
#define BUF_SIZE	(BUF_PAGES * PAGE_SIZE)
/* An IOVA well away from 0 and from automatically chosen ones. */
#define IOVA_BASE	0x10000000ULL

FIXTURE(ioas)
{
	int fd;
	__u32 ioas_id;
	__u8 *buf;
	long pinned_base;
};

FIXTURE_SETUP(ioas)
{
	self->pinned_base = my_pinned();
	ASSERT_LE(0, self->pinned_base);

	self->fd = emu_open();
	ASSERT_LE(0, self->fd)
		TH_LOG("cannot open %s: %s", emu_dev_path(), strerror(errno));
	test_ioctl_ioas_alloc(&self->ioas_id);

	/* huge-page aligned so automatic IOVA alignment is predictable */
	self->buf = emu_alloc_buffer(BUF_SIZE, HUGE_PAGE_SIZE);
	ASSERT_NE(NULL, self->buf);
}

FIXTURE_TEARDOWN(ioas)
{
	close(self->fd);
	/* closing the context releases every pin the test left behind */
	EXPECT_EQ(self->pinned_base, my_pinned());
	emu_free_buffer(self->buf, BUF_SIZE);
}

#define ASSERT_PINNED(_pages) \
	ASSERT_EQ(self->pinned_base + (long)(_pages), my_pinned())

/* The one IOVA range of an IOAS without devices, and its alignment. */
static void check_full_range(struct __test_metadata *_metadata, int fd,
			     __u32 ioas_id, __u64 want_alignment)
{
	struct iommu_iova_range ranges[2] = {
		{ .start = 1, .last = 2 }, { .start = 3, .last = 4 },
	};
	__u64 alignment = 0;
	__u32 num = 2;

	ASSERT_OK(emu_ioas_iova_ranges(fd, ioas_id, ranges, &num,
				       &alignment));
	ASSERT_EQ(1, num);
	ASSERT_EQ(0, ranges[0].start);
	ASSERT_EQ(UINT64_MAX, ranges[0].last);
	ASSERT_EQ(want_alignment, alignment);
	/* entries past the reported count are not written */
	ASSERT_EQ(3, ranges[1].start);
	ASSERT_EQ(4, ranges[1].last);
}

TEST_F(ioas, iova_ranges_default)
{
	check_full_range(_metadata, self->fd, self->ioas_id, 1);
}

TEST_F(ioas, iova_ranges_emsgsize)
{
	struct iommu_iova_range range = { .start = 7, .last = 9 };
	__u64 alignment = 0;
	__u32 num = 0;

	ASSERT_ERR(EMSGSIZE, emu_ioas_iova_ranges(self->fd, self->ioas_id,
						  NULL, &num, &alignment));
	ASSERT_EQ(1, num);
	ASSERT_EQ(1, alignment);

	/* a valid array with a zero count is not touched either */
	num = 0;
	alignment = 0;
	ASSERT_ERR(EMSGSIZE, emu_ioas_iova_ranges(self->fd, self->ioas_id,
						  &range, &num, &alignment));
	ASSERT_EQ(1, num);
	ASSERT_EQ(1, alignment);
	ASSERT_EQ(7, range.start);
	ASSERT_EQ(9, range.last);

	/* exactly the needed count works */
	ASSERT_OK(emu_ioas_iova_ranges(self->fd, self->ioas_id, &range, &num,
				       &alignment));
	ASSERT_EQ(1, num);
	ASSERT_EQ(0, range.start);
	ASSERT_EQ(UINT64_MAX, range.last);
}

TEST_F(ioas, iova_ranges_errors)
{
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = self->ioas_id,
	};
	__u8 *guard;
	__u32 num;

	cmd.__reserved = 1;
	ASSERT_ERR(EOPNOTSUPP, emu_ioctl(self->fd, IOMMU_IOAS_IOVA_RANGES,
					 &cmd));
	/* the reserved field is checked before the object */
	cmd.ioas_id = 0;
	ASSERT_ERR(EOPNOTSUPP, emu_ioctl(self->fd, IOMMU_IOAS_IOVA_RANGES,
					 &cmd));
	cmd.__reserved = 0;
	ASSERT_ERR(ENOENT, emu_ioctl(self->fd, IOMMU_IOAS_IOVA_RANGES, &cmd));
	cmd.ioas_id = self->ioas_id + 1;
	ASSERT_ERR(ENOENT, emu_ioctl(self->fd, IOMMU_IOAS_IOVA_RANGES, &cmd));

	/* the output array cannot be written */
	num = 1;
	ASSERT_ERR(EFAULT, emu_ioas_iova_ranges(self->fd, self->ioas_id,
						(void *)8, &num, NULL));
	guard = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		     -1, 0);
	ASSERT_NE(MAP_FAILED, guard);
	num = 1;
	ASSERT_ERR(EFAULT, emu_ioas_iova_ranges(self->fd, self->ioas_id,
						(void *)guard, &num, NULL));
	munmap(guard, PAGE_SIZE);
}

/* Neither mappings nor allowed ranges change the usable IOVA ranges. */
TEST_F(ioas, iova_ranges_unchanged_by_use)
{
	struct iommu_iova_range allowed = {
		.start = IOVA_BASE, .last = IOVA_BASE + BUF_SIZE - 1,
	};
	__u64 iova = IOVA_BASE;

	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, BUF_SIZE,
			    &iova);
	check_full_range(_metadata, self->fd, self->ioas_id, 1);
	test_ioctl_allow_iovas(self->ioas_id, &allowed, 1);
	check_full_range(_metadata, self->fd, self->ioas_id, 1);
}

TEST_F(ioas, iova_ranges_alignment_follows_huge_pages)
{
	__u32 other;

	ASSERT_OK(emu_set_huge_pages(self->fd, self->ioas_id, 0));
	check_full_range(_metadata, self->fd, self->ioas_id, PAGE_SIZE);

	/* per IOAS: a second one is unaffected */
	test_ioctl_ioas_alloc(&other);
	check_full_range(_metadata, self->fd, other, 1);

	ASSERT_OK(emu_set_huge_pages(self->fd, self->ioas_id, 1));
	check_full_range(_metadata, self->fd, self->ioas_id, 1);
}

TEST_F(ioas, allow_iovas_steers_auto_iova)
{
	struct iommu_iova_range allowed = {
		.start = IOVA_BASE, .last = IOVA_BASE + 4 * PAGE_SIZE - 1,
	};
	__u64 iovas[4] = {};
	__u64 iova = 0;
	int i, j;

	test_ioctl_allow_iovas(self->ioas_id, &allowed, 1);
	for (i = 0; i < 4; i++) {
		test_ioctl_ioas_map(self->ioas_id, MAP_RW,
				    self->buf + i * PAGE_SIZE, PAGE_SIZE,
				    &iovas[i]);
		ASSERT_LE(allowed.start, iovas[i]);
		ASSERT_GE(allowed.last, iovas[i] + PAGE_SIZE - 1);
		ASSERT_EQ(0, iovas[i] % PAGE_SIZE);
		for (j = 0; j < i; j++)
			ASSERT_NE(iovas[j], iovas[i]);
	}
	/* the allowed space is full */
	test_err_ioas_map(ENOSPC, self->ioas_id, MAP_RW, self->buf, PAGE_SIZE,
			  &iova);
	/* fixed IOVAs are not limited by the allowed list */
	iova = PAGE_SIZE;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &iova);
	ASSERT_EQ(PAGE_SIZE, iova);

	/* freeing one page of the allowed space makes room again */
	test_ioctl_ioas_unmap(self->ioas_id, iovas[2], PAGE_SIZE, PAGE_SIZE);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, PAGE_SIZE,
			    &iova);
	ASSERT_EQ(iovas[2], iova);
}

/* Several ranges: the first one with room, in IOVA order, is used. */
TEST_F(ioas, allow_iovas_several_ranges)
{
	struct iommu_iova_range allowed[] = {
		/* deliberately not sorted */
		{ .start = 2 * IOVA_BASE, .last = 2 * IOVA_BASE + 2 * PAGE_SIZE - 1 },
		{ .start = IOVA_BASE, .last = IOVA_BASE + PAGE_SIZE - 1 },
	};
	__u64 iova = 0;

	test_ioctl_allow_iovas(self->ioas_id, allowed, 2);
	/* two pages only fit in the higher range */
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, 2 * PAGE_SIZE,
			    &iova);
	ASSERT_EQ(2 * IOVA_BASE, iova);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, PAGE_SIZE,
			    &iova);
	ASSERT_EQ(IOVA_BASE, iova);
	test_err_ioas_map(ENOSPC, self->ioas_id, MAP_RW, self->buf, PAGE_SIZE,
			  &iova);
}

TEST_F(ioas, allow_iovas_replace_and_clear)
{
	struct iommu_iova_range first = {
		.start = IOVA_BASE, .last = IOVA_BASE + PAGE_SIZE - 1,
	};
	struct iommu_iova_range second = {
		.start = 4 * IOVA_BASE, .last = 4 * IOVA_BASE + PAGE_SIZE - 1,
	};
	__u64 iova = 0;

	test_ioctl_allow_iovas(self->ioas_id, &first, 1);
	/* the new list replaces the old one entirely */
	test_ioctl_allow_iovas(self->ioas_id, &second, 1);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, PAGE_SIZE,
			    &iova);
	ASSERT_EQ(second.start, iova);
	test_err_ioas_map(ENOSPC, self->ioas_id, MAP_RW, self->buf, PAGE_SIZE,
			  &iova);

	/* an empty list lifts the restriction */
	test_ioctl_allow_iovas(self->ioas_id, NULL, 0);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, PAGE_SIZE,
			    &iova);
	ASSERT_NE(second.start, iova);
	ASSERT_LE(PAGE_SIZE, iova);
}

TEST_F(ioas, allow_iovas_invalid_ranges)
{
	struct iommu_iova_range good = {
		.start = IOVA_BASE, .last = IOVA_BASE + PAGE_SIZE - 1,
	};
	struct iommu_iova_range bad[2];
	__u64 iova = 0;

	test_ioctl_allow_iovas(self->ioas_id, &good, 1);

	/* a range must hold more than one byte */
	bad[0] = (struct iommu_iova_range){ .start = 5 * PAGE_SIZE,
					    .last = 5 * PAGE_SIZE };
	test_err_allow_iovas(EINVAL, self->ioas_id, bad, 1);
	/* last before start */
	bad[0] = (struct iommu_iova_range){ .start = 5 * PAGE_SIZE,
					    .last = 4 * PAGE_SIZE };
	test_err_allow_iovas(EINVAL, self->ioas_id, bad, 1);
	/* overlapping ranges */
	bad[0] = (struct iommu_iova_range){ .start = 0,
					    .last = 4 * PAGE_SIZE - 1 };
	bad[1] = (struct iommu_iova_range){ .start = 4 * PAGE_SIZE - 1,
					    .last = 8 * PAGE_SIZE - 1 };
	test_err_allow_iovas(EINVAL, self->ioas_id, bad, 2);
	bad[1] = bad[0];
	test_err_allow_iovas(EINVAL, self->ioas_id, bad, 2);
	/* a bad second entry fails the whole list */
	bad[1] = (struct iommu_iova_range){ .start = 9, .last = 1 };
	test_err_allow_iovas(EINVAL, self->ioas_id, bad, 2);

	/* the failed calls left the previous list in place */
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, PAGE_SIZE,
			    &iova);
	ASSERT_EQ(good.start, iova);
	test_err_ioas_map(ENOSPC, self->ioas_id, MAP_RW, self->buf, PAGE_SIZE,
			  &iova);

	/* touching ranges and the whole space are fine */
	bad[0] = (struct iommu_iova_range){ .start = 0,
					    .last = 4 * PAGE_SIZE - 1 };
	bad[1] = (struct iommu_iova_range){ .start = 4 * PAGE_SIZE,
					    .last = UINT64_MAX };
	test_ioctl_allow_iovas(self->ioas_id, bad, 2);
}

TEST_F(ioas, allow_iovas_errors)
{
	struct iommu_iova_range good = {
		.start = IOVA_BASE, .last = IOVA_BASE + PAGE_SIZE - 1,
	};
	struct iommu_ioas_allow_iovas cmd = {
		.size = sizeof(cmd),
		.ioas_id = self->ioas_id,
		.num_iovas = 1,
		.allowed_iovas = (uintptr_t)&good,
	};
	struct iommu_iova_range *tail;
	__u8 *two;
	__u64 iova = 0;

	cmd.__reserved = 1;
	ASSERT_ERR(EOPNOTSUPP, emu_ioctl(self->fd, IOMMU_IOAS_ALLOW_IOVAS,
					 &cmd));
	cmd.__reserved = 0;
	cmd.ioas_id = self->ioas_id + 1;
	ASSERT_ERR(ENOENT, emu_ioctl(self->fd, IOMMU_IOAS_ALLOW_IOVAS, &cmd));
	cmd.ioas_id = 0;
	ASSERT_ERR(ENOENT, emu_ioctl(self->fd, IOMMU_IOAS_ALLOW_IOVAS, &cmd));

	test_ioctl_allow_iovas(self->ioas_id, &good, 1);

	/* the array cannot be read */
	test_err_allow_iovas(EFAULT, self->ioas_id, NULL, 1);
	two = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, two);
	ASSERT_EQ(0, mprotect(two + PAGE_SIZE, PAGE_SIZE, PROT_NONE));
	tail = (struct iommu_iova_range *)(two + PAGE_SIZE) - 1;
	*tail = (struct iommu_iova_range){ .start = 0, .last = PAGE_SIZE - 1 };
	/* the first entry is readable, the count runs past the guard */
	test_err_allow_iovas(EFAULT, self->ioas_id, tail, 2);

	/* the failures left the previous list in force */
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, PAGE_SIZE,
			    &iova);
	ASSERT_EQ(good.start, iova);
	test_ioctl_ioas_unmap(self->ioas_id, iova, PAGE_SIZE, PAGE_SIZE);

	/*
	 * Only the page at IOVA 0 allowed: automatic IOVAs are never 0, so
	 * nothing can be placed any more.
	 */
	test_ioctl_allow_iovas(self->ioas_id, tail, 1);
	munmap(two, 2 * PAGE_SIZE);
	test_err_ioas_map(ENOSPC, self->ioas_id, MAP_RW, self->buf, PAGE_SIZE,
			  &iova);
}

TEST_F(ioas, map_fixed)
{
	__u64 iova = IOVA_BASE;

	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf,
			    4 * PAGE_SIZE, &iova);
	ASSERT_EQ(IOVA_BASE, iova);

	iova = IOVA_BASE + 4 * PAGE_SIZE;
	test_ioctl_ioas_map(self->ioas_id,
			    IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE,
			    self->buf + 8 * PAGE_SIZE, PAGE_SIZE, &iova);
	iova = IOVA_BASE + 5 * PAGE_SIZE;
	test_ioctl_ioas_map(self->ioas_id,
			    IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE,
			    self->buf + 9 * PAGE_SIZE, PAGE_SIZE, &iova);

	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE, 4 * PAGE_SIZE,
			      4 * PAGE_SIZE);
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE + 4 * PAGE_SIZE,
			      2 * PAGE_SIZE, 2 * PAGE_SIZE);
}

TEST_F(ioas, map_fixed_edges_of_space)
{
	__u64 top = UINT64_MAX - PAGE_SIZE + 1;
	__u64 iova = 0;

	/* IOVA 0 is usable with a fixed mapping */
	iova = 0;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &iova);
	ASSERT_EQ(0, iova);
	/* so is the very last page */
	iova = top;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &iova);
	ASSERT_EQ(top, iova);

	test_ioctl_ioas_unmap(self->ioas_id, 0, PAGE_SIZE, PAGE_SIZE);
	test_ioctl_ioas_unmap(self->ioas_id, top, PAGE_SIZE, PAGE_SIZE);
}

TEST_F(ioas, map_auto)
{
	__u64 iova1 = 0, iova2 = 0, iova3 = 0, iova4 = 0;

	/* automatic IOVAs are never 0: the first free page-aligned slot */
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, PAGE_SIZE,
			    &iova1);
	ASSERT_EQ(PAGE_SIZE, iova1);

	/* aligned like the buffer, up to the length rounded to a power of 2 */
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, 16 * PAGE_SIZE,
			    &iova2);
	ASSERT_EQ(16 * PAGE_SIZE, iova2);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, 3 * PAGE_SIZE,
			    &iova3);
	ASSERT_EQ(4 * PAGE_SIZE, iova3);

	/* a buffer only page aligned gets a page-aligned IOVA */
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf + PAGE_SIZE,
			    PAGE_SIZE, &iova4);
	ASSERT_EQ(2 * PAGE_SIZE, iova4);

	test_ioctl_ioas_unmap(self->ioas_id, iova1, PAGE_SIZE, PAGE_SIZE);
	test_ioctl_ioas_unmap(self->ioas_id, iova2, 16 * PAGE_SIZE,
			      16 * PAGE_SIZE);
	test_ioctl_ioas_unmap(self->ioas_id, iova3, 3 * PAGE_SIZE,
			      3 * PAGE_SIZE);
	test_ioctl_ioas_unmap(self->ioas_id, iova4, PAGE_SIZE, PAGE_SIZE);
}

TEST_F(ioas, map_auto_keeps_page_offset)
{
	__u64 iova = 0;

	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf + 100,
			    2 * PAGE_SIZE, &iova);
	ASSERT_EQ(100, iova % PAGE_SIZE);
	ASSERT_LE(PAGE_SIZE, iova);
	test_ioctl_ioas_unmap(self->ioas_id, iova, 2 * PAGE_SIZE,
			      2 * PAGE_SIZE);
}

TEST_F(ioas, map_auto_avoids_used_iova)
{
	__u64 iova = PAGE_SIZE;
	__u64 got[16] = {};
	int i, j;

	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &iova);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, PAGE_SIZE,
			    &iova);
	ASSERT_EQ(2 * PAGE_SIZE, iova);

	for (i = 0; i < 16; i++) {
		test_ioctl_ioas_map(self->ioas_id, MAP_RW,
				    self->buf + i * PAGE_SIZE, PAGE_SIZE,
				    &got[i]);
		ASSERT_LT(2 * PAGE_SIZE, got[i]);
		for (j = 0; j < i; j++)
			ASSERT_NE(got[j], got[i]);
	}
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, 18 * PAGE_SIZE);
}

TEST_F(ioas, map_auto_too_long)
{
	__u64 iova = 0;

	test_err_ioas_map(EOVERFLOW, self->ioas_id, MAP_RW, self->buf,
			  1ULL << 63, &iova);
}

TEST_F(ioas, map_flags)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.ioas_id = self->ioas_id,
		.user_va = (uintptr_t)self->buf,
		.length = PAGE_SIZE,
		.iova = IOVA_BASE,
	};
	__u64 iova = IOVA_BASE;

	/* a mapping needs at least one of READABLE and WRITEABLE */
	test_err_ioas_map(EINVAL, self->ioas_id, 0, self->buf, PAGE_SIZE,
			  &iova);
	test_err_ioas_map(EINVAL, self->ioas_id, IOMMU_IOAS_MAP_FIXED_IOVA,
			  self->buf, PAGE_SIZE, &iova);
	test_err_ioas_map(EOPNOTSUPP, self->ioas_id,
			  MAP_FIXED_RW | MAP_UNKNOWN_FLAG, self->buf, PAGE_SIZE,
			  &iova);
	test_err_ioas_map(EOPNOTSUPP, self->ioas_id, MAP_FIXED_RW | (1U << 31),
			  self->buf, PAGE_SIZE, &iova);

	cmd.flags = MAP_FIXED_RW;
	cmd.__reserved = 1;
	ASSERT_ERR(EOPNOTSUPP, emu_ioctl(self->fd, IOMMU_IOAS_MAP, &cmd));
	cmd.__reserved = 0;
	ASSERT_OK(emu_ioctl(self->fd, IOMMU_IOAS_MAP, &cmd));
}

TEST_F(ioas, map_bad_ioas)
{
	__u32 dead;
	__u64 iova = IOVA_BASE;

	test_err_ioas_map(ENOENT, 0, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			  &iova);
	test_err_ioas_map(ENOENT, self->ioas_id + 1, MAP_FIXED_RW, self->buf,
			  PAGE_SIZE, &iova);
	test_ioctl_ioas_alloc(&dead);
	test_ioctl_destroy(dead);
	test_err_ioas_map(ENOENT, dead, MAP_RW, self->buf, PAGE_SIZE, &iova);

	/* argument checks come before the object lookup */
	test_err_ioas_map(EOPNOTSUPP, dead, MAP_FIXED_RW | MAP_UNKNOWN_FLAG,
			  self->buf, PAGE_SIZE, &iova);
	iova = UINT64_MAX;
	test_err_ioas_map(EOVERFLOW, dead, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			  &iova);
	iova = IOVA_BASE;
	test_err_ioas_map(EINVAL, dead, IOMMU_IOAS_MAP_FIXED_IOVA, self->buf,
			  PAGE_SIZE, &iova);
}

TEST_F(ioas, map_overlap)
{
	__u64 x = IOVA_BASE;
	__u64 iova = x;

	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf,
			    4 * PAGE_SIZE, &iova);

	/* same range, inside, straddling either end, around */
	iova = x;
	test_err_ioas_map(EEXIST, self->ioas_id, MAP_FIXED_RW, self->buf,
			  4 * PAGE_SIZE, &iova);
	iova = x + PAGE_SIZE;
	test_err_ioas_map(EEXIST, self->ioas_id, MAP_FIXED_RW, self->buf,
			  PAGE_SIZE, &iova);
	iova = x + 3 * PAGE_SIZE + PAGE_SIZE - 1;
	test_err_ioas_map(EEXIST, self->ioas_id, MAP_FIXED_RW, self->buf,
			  1, &iova);
	iova = x - PAGE_SIZE;
	test_err_ioas_map(EEXIST, self->ioas_id, MAP_FIXED_RW, self->buf,
			  PAGE_SIZE + 1, &iova);
	iova = x + 3 * PAGE_SIZE;
	test_err_ioas_map(EEXIST, self->ioas_id, MAP_FIXED_RW, self->buf,
			  2 * PAGE_SIZE, &iova);
	iova = x - PAGE_SIZE;
	test_err_ioas_map(EEXIST, self->ioas_id, MAP_FIXED_RW, self->buf,
			  6 * PAGE_SIZE, &iova);

	/* right next to it on both sides is fine */
	iova = x - PAGE_SIZE;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &iova);
	iova = x + 4 * PAGE_SIZE;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &iova);
	test_ioctl_ioas_unmap(self->ioas_id, x - PAGE_SIZE, 6 * PAGE_SIZE,
			      6 * PAGE_SIZE);
}

TEST_F(ioas, map_length_zero)
{
	__u64 iova = IOVA_BASE;

	test_err_ioas_map(EINVAL, self->ioas_id, MAP_FIXED_RW, self->buf, 0,
			  &iova);
	test_err_ioas_map(EINVAL, self->ioas_id, MAP_RW, self->buf, 0, &iova);
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, 0);
}

TEST_F(ioas, map_overflow)
{
	__u64 iova = 0;

	/* IOVA or length at the top of the u64 range */
	iova = UINT64_MAX;
	test_err_ioas_map(EOVERFLOW, self->ioas_id, MAP_FIXED_RW, self->buf,
			  PAGE_SIZE, &iova);
	iova = IOVA_BASE;
	test_err_ioas_map(EOVERFLOW, self->ioas_id, MAP_FIXED_RW, self->buf,
			  UINT64_MAX, &iova);
	test_err_ioas_map(EOVERFLOW, self->ioas_id, MAP_RW, self->buf,
			  UINT64_MAX, &iova);
	/* iova + length wraps */
	iova = UINT64_MAX - PAGE_SIZE + 2;
	test_err_ioas_map(EOVERFLOW, self->ioas_id, MAP_FIXED_RW, self->buf,
			  PAGE_SIZE, &iova);
	iova = PAGE_SIZE;
	test_err_ioas_map(EOVERFLOW, self->ioas_id, MAP_FIXED_RW, self->buf,
			  UINT64_MAX - 1, &iova);
	/* user address + length wraps */
	iova = IOVA_BASE;
	test_err_ioas_map(EOVERFLOW, self->ioas_id, MAP_FIXED_RW,
			  (void *)(uintptr_t)(UINT64_MAX - PAGE_SIZE + 1),
			  2 * PAGE_SIZE, &iova);
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, 0);
}

/* With an IOVA alignment of 1, byte-granular mappings are accepted. */
TEST_F(ioas, map_unaligned_when_alignment_is_1)
{
	__u64 iova = 0;

	iova = IOVA_BASE + 1;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf + 1,
			    PAGE_SIZE - 1, &iova);
	ASSERT_EQ(IOVA_BASE + 1, iova);
	/* the page offsets of IOVA and user address may differ */
	iova = IOVA_BASE + 2 * PAGE_SIZE + 7;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf + 1, 100,
			    &iova);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf + 100, 1000,
			    &iova);
	ASSERT_EQ(100, iova % PAGE_SIZE);

	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE + 1, PAGE_SIZE - 1,
			      PAGE_SIZE - 1);
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE + 2 * PAGE_SIZE + 7, 100,
			      100);
	test_ioctl_ioas_unmap(self->ioas_id, iova, 1000, 1000);
}

/* Disabling huge pages raises the IOVA alignment to PAGE_SIZE. */
TEST_F(ioas, map_unaligned_when_alignment_is_page)
{
	__u64 iova = 0;

	ASSERT_OK(emu_set_huge_pages(self->fd, self->ioas_id, 0));

	iova = IOVA_BASE + 1;
	test_err_ioas_map(EINVAL, self->ioas_id, MAP_FIXED_RW, self->buf,
			  PAGE_SIZE, &iova);
	iova = IOVA_BASE;
	test_err_ioas_map(EINVAL, self->ioas_id, MAP_FIXED_RW, self->buf,
			  PAGE_SIZE + 1, &iova);
	test_err_ioas_map(EINVAL, self->ioas_id, MAP_FIXED_RW, self->buf + 1,
			  PAGE_SIZE, &iova);
	test_err_ioas_map(EINVAL, self->ioas_id, MAP_RW, self->buf + 1,
			  PAGE_SIZE, &iova);
	test_err_ioas_map(EINVAL, self->ioas_id, MAP_RW, self->buf,
			  PAGE_SIZE - 1, &iova);

	iova = IOVA_BASE;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &iova);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf + PAGE_SIZE,
			    2 * PAGE_SIZE, &iova);
	ASSERT_EQ(0, iova % PAGE_SIZE);
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, 3 * PAGE_SIZE);
}

TEST_F(ioas, unmap_all_empty)
{
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, 0);
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, 0);
}

TEST_F(ioas, unmap_all)
{
	__u64 iova = 0;
	__u32 other;

	iova = 0;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &iova);
	iova = IOVA_BASE;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf,
			    2 * PAGE_SIZE, &iova);
	iova = UINT64_MAX - PAGE_SIZE + 1;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &iova);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, 8 * PAGE_SIZE,
			    &iova);
	/* a second IOAS must not be touched */
	test_ioctl_ioas_alloc(&other);
	test_ioctl_ioas_map(other, MAP_RW, self->buf, PAGE_SIZE, &iova);

	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, 12 * PAGE_SIZE);
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, 0);
	test_ioctl_ioas_unmap(other, iova, PAGE_SIZE, PAGE_SIZE);
}

TEST_F(ioas, unmap_nothing_mapped)
{
	__u64 iova = IOVA_BASE;

	test_err_ioas_unmap(ENOENT, self->ioas_id, IOVA_BASE, PAGE_SIZE);
	test_err_ioas_unmap(ENOENT, self->ioas_id, 0, PAGE_SIZE);

	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf,
			    2 * PAGE_SIZE, &iova);
	/* just before and just after the mapping */
	test_err_ioas_unmap(ENOENT, self->ioas_id, IOVA_BASE - PAGE_SIZE,
			    PAGE_SIZE);
	test_err_ioas_unmap(ENOENT, self->ioas_id, IOVA_BASE + 2 * PAGE_SIZE,
			    PAGE_SIZE);
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE, 2 * PAGE_SIZE,
			      2 * PAGE_SIZE);
	/* twice */
	test_err_ioas_unmap(ENOENT, self->ioas_id, IOVA_BASE, 2 * PAGE_SIZE);
}

/* A range that cuts through a mapping unmaps nothing of it: ENOENT. */
TEST_F(ioas, unmap_cuts_area)
{
	__u64 x = IOVA_BASE;
	__u64 iova = x;

	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf,
			    4 * PAGE_SIZE, &iova);

	test_err_ioas_unmap(ENOENT, self->ioas_id, x, PAGE_SIZE);
	test_err_ioas_unmap(ENOENT, self->ioas_id, x, 4 * PAGE_SIZE - 1);
	test_err_ioas_unmap(ENOENT, self->ioas_id, x + PAGE_SIZE,
			    3 * PAGE_SIZE);
	test_err_ioas_unmap(ENOENT, self->ioas_id, x + PAGE_SIZE, PAGE_SIZE);
	test_err_ioas_unmap(ENOENT, self->ioas_id, x - PAGE_SIZE,
			    2 * PAGE_SIZE);
	test_err_ioas_unmap(ENOENT, self->ioas_id, x + 3 * PAGE_SIZE,
			    2 * PAGE_SIZE);

	/* still whole */
	test_ioctl_ioas_unmap(self->ioas_id, x, 4 * PAGE_SIZE, 4 * PAGE_SIZE);
}

/*
 * Mappings wholly inside the range are removed in IOVA order until one is
 * cut: that one fails the call with ENOENT and stays, the earlier ones are
 * gone.
 */
TEST_F(ioas, unmap_cut_after_contained)
{
	__u64 x = IOVA_BASE;
	__u64 iova = 0;

	iova = x;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &iova);
	iova = x + PAGE_SIZE;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW,
			    self->buf + PAGE_SIZE, 2 * PAGE_SIZE, &iova);

	test_err_ioas_unmap(ENOENT, self->ioas_id, x, 2 * PAGE_SIZE);
	test_err_ioas_unmap(ENOENT, self->ioas_id, x, PAGE_SIZE);
	test_ioctl_ioas_unmap(self->ioas_id, x + PAGE_SIZE, 2 * PAGE_SIZE,
			      2 * PAGE_SIZE);
}

TEST_F(ioas, unmap_superset)
{
	__u64 x = IOVA_BASE;
	__u64 iova = x;

	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf,
			    2 * PAGE_SIZE, &iova);
	/* the unmapped length is what was mapped, not the range asked for */
	test_ioctl_ioas_unmap(self->ioas_id, x - PAGE_SIZE, 4 * PAGE_SIZE,
			      2 * PAGE_SIZE);

	iova = x;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf,
			    2 * PAGE_SIZE, &iova);
	/* iova 0 with less than the whole space is an ordinary range */
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX - 1,
			      2 * PAGE_SIZE);
}

TEST_F(ioas, unmap_several_contained)
{
	__u64 x = IOVA_BASE;
	__u64 iova = 0;

	iova = x;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &iova);
	iova = x + 2 * PAGE_SIZE;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf,
			    2 * PAGE_SIZE, &iova);
	iova = x + 8 * PAGE_SIZE;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &iova);
	/* outside the range */
	iova = x + 20 * PAGE_SIZE;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &iova);

	test_ioctl_ioas_unmap(self->ioas_id, x, 10 * PAGE_SIZE, 4 * PAGE_SIZE);
	test_err_ioas_unmap(ENOENT, self->ioas_id, x, 10 * PAGE_SIZE);
	test_ioctl_ioas_unmap(self->ioas_id, x + 20 * PAGE_SIZE, PAGE_SIZE,
			      PAGE_SIZE);
}

TEST_F(ioas, unmap_errors)
{
	__u64 iova = IOVA_BASE;
	__u32 dead;

	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &iova);

	test_err_ioas_unmap(EINVAL, self->ioas_id, IOVA_BASE, 0);
	test_err_ioas_unmap(EOVERFLOW, self->ioas_id, UINT64_MAX, 1);
	test_err_ioas_unmap(EOVERFLOW, self->ioas_id, PAGE_SIZE, UINT64_MAX);
	/* one byte more than fits up to the top of the space */
	test_err_ioas_unmap(EOVERFLOW, self->ioas_id, PAGE_SIZE,
			    UINT64_MAX - PAGE_SIZE + 2);
	test_err_ioas_unmap(EOVERFLOW, self->ioas_id, UINT64_MAX - 1, 3);

	test_err_ioas_unmap(ENOENT, 0, IOVA_BASE, PAGE_SIZE);
	test_err_ioas_unmap(ENOENT, self->ioas_id + 1, 0, UINT64_MAX);
	test_ioctl_ioas_alloc(&dead);
	test_ioctl_destroy(dead);
	test_err_ioas_unmap(ENOENT, dead, 0, UINT64_MAX);
	/* the object is looked up before the range is checked */
	test_err_ioas_unmap(ENOENT, dead, UINT64_MAX, 1);
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE, PAGE_SIZE, PAGE_SIZE);
}

TEST_F(ioas, unmap_then_remap)
{
	__u64 iova = 0;
	int i;

	for (i = 0; i < 8; i++) {
		iova = IOVA_BASE;
		test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW,
				    self->buf + i * PAGE_SIZE, 4 * PAGE_SIZE,
				    &iova);
		test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE, 4 * PAGE_SIZE,
				      4 * PAGE_SIZE);
	}
}

TEST_F(ioas, many_small_maps)
{
	__u64 iova = 0;
	int i;

	for (i = 0; i < BUF_PAGES; i++)
		test_ioctl_ioas_map(self->ioas_id, MAP_RW,
				    self->buf + i * PAGE_SIZE, PAGE_SIZE,
				    &iova);
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, BUF_SIZE);
}

TEST_F(ioas, destroy_with_mappings)
{
	__u64 iova = 0;
	__u32 other;

	test_ioctl_ioas_alloc(&other);
	test_ioctl_ioas_map(other, MAP_RW, self->buf, 16 * PAGE_SIZE, &iova);
	test_ioctl_ioas_map(other, MAP_RW, self->buf, PAGE_SIZE, &iova);
	test_ioctl_destroy(other);
	test_err_ioas_unmap(ENOENT, other, 0, UINT64_MAX);
}

/*
 * Without a device or an in-kernel user nothing needs the pages, so MAP
 * only records the user range: no pin, and memory that is not there (or
 * not writeable) is not noticed yet.
 */
TEST_F(ioas, map_does_not_pin)
{
	__u8 *none, *ro;
	__u64 iova = 0;

	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, BUF_SIZE, &iova);
	ASSERT_PINNED(0);

	none = mmap(NULL, PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	ASSERT_NE(MAP_FAILED, none);
	ro = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		  0);
	ASSERT_NE(MAP_FAILED, ro);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, NULL, PAGE_SIZE, &iova);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, none, PAGE_SIZE, &iova);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, ro, PAGE_SIZE, &iova);
	ASSERT_PINNED(0);
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX,
			      BUF_SIZE + 3 * PAGE_SIZE);
	munmap(none, PAGE_SIZE);
	munmap(ro, PAGE_SIZE);
}

/* Setting huge pages off needs every mapping to be page aligned. */
TEST_F(ioas, huge_pages_off_with_unaligned_mapping)
{
	__u64 iova = IOVA_BASE;
	__u64 val = 0;

	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, 100, &iova);
	test_err_option(EADDRINUSE, IOMMU_OPTION_HUGE_PAGES,
			IOMMU_OPTION_OP_SET, self->ioas_id, &val);
	test_ioctl_option(IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET,
			  self->ioas_id, &val);
	ASSERT_EQ(1, val);
	check_full_range(_metadata, self->fd, self->ioas_id, 1);

	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE, 100, 100);
	/* page-aligned mappings do not stand in the way */
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &iova);
	ASSERT_OK(emu_set_huge_pages(self->fd, self->ioas_id, 0));
	check_full_range(_metadata, self->fd, self->ioas_id, PAGE_SIZE);
}

/* Reserved IOVA (what a device brings along) splits the usable ranges. */
TEST_F(ioas, reserved_splits_ranges)
{
	struct iommu_iova_range ranges[3] = {};
	__u64 alignment = 0;
	__u32 num;

	if (!emu_test_cmd_available(self->fd))
		SKIP(return, NO_TEST_CMD);
	ASSERT_OK(emu_test_add_reserved(self->fd, self->ioas_id, IOVA_BASE,
					16 * PAGE_SIZE));

	/* too small an array: the first entry is filled, the count is 2 */
	num = 1;
	ASSERT_ERR(EMSGSIZE, emu_ioas_iova_ranges(self->fd, self->ioas_id,
						  ranges, &num, &alignment));
	ASSERT_EQ(2, num);
	ASSERT_EQ(0, ranges[0].start);
	ASSERT_EQ(IOVA_BASE - 1, ranges[0].last);
	ASSERT_EQ(0, ranges[1].start);
	ASSERT_EQ(0, ranges[1].last);
	ASSERT_EQ(1, alignment);

	num = 3;
	ASSERT_OK(emu_ioas_iova_ranges(self->fd, self->ioas_id, ranges, &num,
				       &alignment));
	ASSERT_EQ(2, num);
	ASSERT_EQ(0, ranges[0].start);
	ASSERT_EQ(IOVA_BASE - 1, ranges[0].last);
	ASSERT_EQ(IOVA_BASE + 16 * PAGE_SIZE, ranges[1].start);
	ASSERT_EQ(UINT64_MAX, ranges[1].last);

	/* a second reserved range right at 0 removes the first range */
	ASSERT_OK(emu_test_add_reserved(self->fd, self->ioas_id, 0,
					PAGE_SIZE));
	num = 3;
	ASSERT_OK(emu_ioas_iova_ranges(self->fd, self->ioas_id, ranges, &num,
				       &alignment));
	ASSERT_EQ(2, num);
	ASSERT_EQ(PAGE_SIZE, ranges[0].start);
	ASSERT_EQ(IOVA_BASE - 1, ranges[0].last);
}

TEST_F(ioas, reserved_refuses_and_steers_maps)
{
	__u64 iova = 0;

	if (!emu_test_cmd_available(self->fd))
		SKIP(return, NO_TEST_CMD);
	ASSERT_OK(emu_test_add_reserved(self->fd, self->ioas_id, PAGE_SIZE,
					15 * PAGE_SIZE));
	ASSERT_OK(emu_test_add_reserved(self->fd, self->ioas_id, IOVA_BASE,
					PAGE_SIZE));

	/* a fixed mapping touching reserved IOVA is refused */
	iova = IOVA_BASE;
	test_err_ioas_map(EINVAL, self->ioas_id, MAP_FIXED_RW, self->buf,
			  PAGE_SIZE, &iova);
	iova = IOVA_BASE - PAGE_SIZE;
	test_err_ioas_map(EINVAL, self->ioas_id, MAP_FIXED_RW, self->buf,
			  2 * PAGE_SIZE, &iova);
	iova = IOVA_BASE - PAGE_SIZE;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &iova);

	/* automatic IOVA goes past the reserved range */
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, PAGE_SIZE, &iova);
	ASSERT_EQ(16 * PAGE_SIZE, iova);

	/* reserving over a mapping fails */
	ASSERT_ERR(EADDRINUSE, emu_test_add_reserved(self->fd, self->ioas_id,
						     16 * PAGE_SIZE,
						     PAGE_SIZE));
}

TEST_F(ioas, reserved_and_allowed_exclude_each_other)
{
	struct iommu_iova_range allowed = {
		.start = 2 * IOVA_BASE, .last = 2 * IOVA_BASE + PAGE_SIZE - 1,
	};
	struct iommu_iova_range over_reserved = {
		.start = IOVA_BASE - PAGE_SIZE, .last = IOVA_BASE,
	};
	__u64 iova = 0;

	if (!emu_test_cmd_available(self->fd))
		SKIP(return, NO_TEST_CMD);
	ASSERT_OK(emu_test_add_reserved(self->fd, self->ioas_id, IOVA_BASE,
					PAGE_SIZE));
	test_err_allow_iovas(EADDRINUSE, self->ioas_id, &over_reserved, 1);

	test_ioctl_allow_iovas(self->ioas_id, &allowed, 1);
	ASSERT_ERR(EADDRINUSE, emu_test_add_reserved(self->fd, self->ioas_id,
						     2 * IOVA_BASE,
						     2 * PAGE_SIZE));
	/* the failed call did not replace the allowed list */
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, PAGE_SIZE, &iova);
	ASSERT_EQ(allowed.start, iova);
}

/* An in-kernel user pins the pages behind a mapping when it needs them. */
TEST_F(ioas, access_pins_on_demand)
{
	__u64 iova = IOVA_BASE;
	int access_fd;
	__u32 id1, id2;

	if (!emu_test_cmd_available(self->fd))
		SKIP(return, NO_TEST_CMD);
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf,
			    8 * PAGE_SIZE, &iova);
	test_create_access(self->ioas_id, &access_fd);
	ASSERT_PINNED(0);

	/* the kernel checks the pinned pages are those behind the buffer */
	test_access_pin(access_fd, IOVA_BASE, 8 * PAGE_SIZE, self->buf, true,
			&id1);
	ASSERT_PINNED(8);
	test_check_refs(self->buf, 8 * PAGE_SIZE, 1);
	/* a second pin of part of the range pins nothing new */
	test_access_pin(access_fd, IOVA_BASE + 2 * PAGE_SIZE, 2 * PAGE_SIZE,
			self->buf + 2 * PAGE_SIZE, false, &id2);
	ASSERT_PINNED(8);
	test_check_refs(self->buf, 8 * PAGE_SIZE, 1);

	test_access_unpin(access_fd, id1);
	ASSERT_PINNED(2);
	test_check_refs(self->buf + 2 * PAGE_SIZE, 2 * PAGE_SIZE, 1);
	test_check_refs(self->buf + 4 * PAGE_SIZE, 4 * PAGE_SIZE, 0);
	test_access_unpin(access_fd, id2);
	ASSERT_PINNED(0);
	test_check_refs(self->buf, 8 * PAGE_SIZE, 0);
	ASSERT_ERR(ENOENT, emu_test_access_unpin(self->fd, access_fd, id2));
	close(access_fd);
}

/* Data written through the IOAS lands in the mapped user memory. */
TEST_F(ioas, access_sees_mapped_memory)
{
	__u64 iova = IOVA_BASE;
	__u8 data[64], back[64];
	int access_fd;

	if (!emu_test_cmd_available(self->fd))
		SKIP(return, NO_TEST_CMD);
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW,
			    self->buf + 4 * PAGE_SIZE, 2 * PAGE_SIZE, &iova);
	test_create_access(self->ioas_id, &access_fd);

	memset(data, 0x42, sizeof(data));
	/* straddle the page boundary inside the mapping */
	ASSERT_OK(emu_test_access_rw(self->fd, access_fd,
				     IOVA_BASE + PAGE_SIZE - 32, data,
				     sizeof(data), true));
	ASSERT_EQ(0, memcmp(self->buf + 5 * PAGE_SIZE - 32, data,
			    sizeof(data)));
	self->buf[4 * PAGE_SIZE + 10] = 0x17;
	ASSERT_OK(emu_test_access_rw(self->fd, access_fd, IOVA_BASE + 10, back,
				     1, false));
	ASSERT_EQ(0x17, back[0]);
	/* past the end of the mapping */
	ASSERT_ERR(ENOENT, emu_test_access_rw(self->fd, access_fd,
					      IOVA_BASE + 2 * PAGE_SIZE - 8,
					      back, 16, false));
	ASSERT_PINNED(0);
	close(access_fd);
}

/* Missing or read-only memory is reported when the pages are needed. */
TEST_F(ioas, access_bad_user_memory)
{
	__u8 *hole, *none, *ro;
	__u8 byte = 0;
	int access_fd;
	__u64 iova = 0;

	if (!emu_test_cmd_available(self->fd))
		SKIP(return, NO_TEST_CMD);
	hole = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	memset(hole, 1, PAGE_SIZE);
	ASSERT_EQ(0, munmap(hole + PAGE_SIZE, PAGE_SIZE));
	none = mmap(NULL, PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	ASSERT_NE(MAP_FAILED, none);
	ro = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	memset(ro, 2, PAGE_SIZE);
	ASSERT_EQ(0, mprotect(ro, PAGE_SIZE, PROT_READ));

	test_create_access(self->ioas_id, &access_fd);
	iova = IOVA_BASE;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, NULL, PAGE_SIZE,
			    &iova);
	iova = IOVA_BASE + PAGE_SIZE;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, none, PAGE_SIZE,
			    &iova);
	/* first page present, second one not */
	iova = IOVA_BASE + 2 * PAGE_SIZE;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, hole, 2 * PAGE_SIZE,
			    &iova);
	iova = IOVA_BASE + 4 * PAGE_SIZE;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, ro, PAGE_SIZE, &iova);

	test_err_access_pin(EFAULT, access_fd, IOVA_BASE, PAGE_SIZE, NULL,
			    false);
	test_err_access_pin(EFAULT, access_fd, IOVA_BASE + PAGE_SIZE,
			    PAGE_SIZE, NULL, false);
	test_err_access_pin(EFAULT, access_fd, IOVA_BASE + 2 * PAGE_SIZE,
			    2 * PAGE_SIZE, NULL, false);
	ASSERT_ERR(EFAULT, emu_test_access_rw(self->fd, access_fd, IOVA_BASE,
					      &byte, 1, false));
	/* a failed pin leaves nothing pinned behind */
	ASSERT_PINNED(0);
	test_check_refs(hole, PAGE_SIZE, 0);

	/*
	 * Read-only memory behind a writeable mapping cannot be pinned at
	 * all (the mapping pins for writing); behind a READABLE-only mapping
	 * it can.
	 */
	test_err_access_pin(EFAULT, access_fd, IOVA_BASE + 4 * PAGE_SIZE,
			    PAGE_SIZE, NULL, true);
	test_err_access_pin(EFAULT, access_fd, IOVA_BASE + 4 * PAGE_SIZE,
			    PAGE_SIZE, NULL, false);
	ASSERT_PINNED(0);
	iova = IOVA_BASE + 5 * PAGE_SIZE;
	test_ioctl_ioas_map(self->ioas_id,
			    IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE,
			    ro, PAGE_SIZE, &iova);
	test_access_pin(access_fd, IOVA_BASE + 5 * PAGE_SIZE, PAGE_SIZE, ro,
			false, NULL);
	ASSERT_PINNED(1);

	close(access_fd);
	ASSERT_PINNED(0);
	munmap(hole, PAGE_SIZE);
	munmap(none, PAGE_SIZE);
	munmap(ro, PAGE_SIZE);
}

/* A READABLE-only mapping cannot be pinned for writing. */
TEST_F(ioas, access_respects_map_flags)
{
	__u64 iova = IOVA_BASE;
	int access_fd;

	if (!emu_test_cmd_available(self->fd))
		SKIP(return, NO_TEST_CMD);
	test_ioctl_ioas_map(self->ioas_id,
			    IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE,
			    self->buf, PAGE_SIZE, &iova);
	test_create_access(self->ioas_id, &access_fd);
	test_err_access_pin(EPERM, access_fd, IOVA_BASE, PAGE_SIZE, NULL,
			    true);
	ASSERT_PINNED(0);
	test_access_pin(access_fd, IOVA_BASE, PAGE_SIZE, self->buf, false,
			NULL);
	ASSERT_PINNED(1);
	close(access_fd);
}

/* Unmapping tells the access to let go of its pins in the range. */
TEST_F(ioas, unmap_releases_access_pins)
{
	__u64 iova = IOVA_BASE;
	int access_fd;
	__u32 id;

	if (!emu_test_cmd_available(self->fd))
		SKIP(return, NO_TEST_CMD);
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf,
			    16 * PAGE_SIZE, &iova);
	test_create_access(self->ioas_id, &access_fd);
	test_access_pin(access_fd, IOVA_BASE + PAGE_SIZE, 4 * PAGE_SIZE,
			self->buf + PAGE_SIZE, true, &id);
	ASSERT_PINNED(4);

	/* a cut is still refused, and keeps the pins */
	test_err_ioas_unmap(ENOENT, self->ioas_id, IOVA_BASE, PAGE_SIZE);
	ASSERT_PINNED(4);

	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, 16 * PAGE_SIZE);
	ASSERT_PINNED(0);
	test_check_refs(self->buf, 16 * PAGE_SIZE, 0);
	ASSERT_ERR(ENOENT, emu_test_access_unpin(self->fd, access_fd, id));
	close(access_fd);
}

/* An IOAS with an in-kernel user cannot be destroyed. */
TEST_F(ioas, destroy_busy)
{
	__u64 iova = 0;
	int access_fd;

	if (!emu_test_cmd_available(self->fd))
		SKIP(return, NO_TEST_CMD);
	test_create_access(self->ioas_id, &access_fd);
	test_err_destroy(EBUSY, self->ioas_id);
	/* still there and usable */
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, PAGE_SIZE, &iova);
	test_ioctl_ioas_unmap(self->ioas_id, iova, PAGE_SIZE, PAGE_SIZE);
	close(access_fd);
	test_ioctl_destroy(self->ioas_id);
	test_err_destroy(ENOENT, self->ioas_id);
}

/*
 * A user that pins pages needs page-aligned IOVA: the IOAS alignment goes
 * up while it exists, and it cannot attach over byte-granular mappings.
 */
TEST_F(ioas, access_raises_alignment)
{
	__u64 iova = IOVA_BASE;
	int access_fd;

	if (!emu_test_cmd_available(self->fd))
		SKIP(return, NO_TEST_CMD);
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf + 1, 100,
			    &iova);
	ASSERT_ERR(EADDRINUSE, emu_test_create_access(self->fd, self->ioas_id,
						      &access_fd));
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE, 100, 100);

	test_create_access(self->ioas_id, &access_fd);
	check_full_range(_metadata, self->fd, self->ioas_id, PAGE_SIZE);
	iova = IOVA_BASE + 1;
	test_err_ioas_map(EINVAL, self->ioas_id, MAP_FIXED_RW, self->buf,
			  PAGE_SIZE, &iova);
	close(access_fd);
	check_full_range(_metadata, self->fd, self->ioas_id, 1);
}

FIXTURE(copy)
{
	int fd;
	__u32 src;
	__u32 dst;
	__u8 *buf;
	long pinned_base;
};

FIXTURE_SETUP(copy)
{
	__u64 iova = IOVA_BASE;

	self->pinned_base = my_pinned();
	ASSERT_LE(0, self->pinned_base);
	self->fd = emu_open();
	ASSERT_LE(0, self->fd)
		TH_LOG("cannot open %s: %s", emu_dev_path(), strerror(errno));
	test_ioctl_ioas_alloc(&self->src);
	test_ioctl_ioas_alloc(&self->dst);
	self->buf = emu_alloc_buffer(BUF_SIZE, HUGE_PAGE_SIZE);
	ASSERT_NE(NULL, self->buf);

	/* every test starts with 8 pages at IOVA_BASE in src */
	test_ioctl_ioas_map(self->src, MAP_FIXED_RW, self->buf, 8 * PAGE_SIZE,
			    &iova);
}

FIXTURE_TEARDOWN(copy)
{
	close(self->fd);
	EXPECT_EQ(self->pinned_base, my_pinned());
	emu_free_buffer(self->buf, BUF_SIZE);
}

/*
 * A copy refers to the pages of the source mapping: pinning through both
 * IOASes pins each page once, and the pages stay with the copy after the
 * source is gone.
 */
TEST_F(copy, shares_pages)
{
	__u64 fixed = 2 * IOVA_BASE;
	__u64 automatic = 0;
	int src_access, dst_access;

	if (!emu_test_cmd_available(self->fd))
		SKIP(return, NO_TEST_CMD);
	test_ioctl_ioas_copy(MAP_FIXED_RW, self->dst, &fixed, self->src,
			     IOVA_BASE, 8 * PAGE_SIZE);
	ASSERT_EQ(2 * IOVA_BASE, fixed);
	test_ioctl_ioas_copy(MAP_RW, self->dst, &automatic, self->src,
			     IOVA_BASE, 8 * PAGE_SIZE);
	ASSERT_LE(PAGE_SIZE, automatic);
	ASSERT_TRUE(automatic + 8 * PAGE_SIZE <= fixed ||
		    automatic >= fixed + 8 * PAGE_SIZE);
	ASSERT_PINNED(0);

	test_create_access(self->src, &src_access);
	test_create_access(self->dst, &dst_access);
	test_access_pin(src_access, IOVA_BASE, 8 * PAGE_SIZE, self->buf, true,
			NULL);
	ASSERT_PINNED(8);
	/* the same pages through both copies: no new pins */
	test_access_pin(dst_access, fixed, 8 * PAGE_SIZE, self->buf, true,
			NULL);
	test_access_pin(dst_access, automatic + PAGE_SIZE, 2 * PAGE_SIZE,
			self->buf + PAGE_SIZE, false, NULL);
	ASSERT_PINNED(8);
	test_check_refs(self->buf, 8 * PAGE_SIZE, 1);

	/* unmapping the source keeps what the copies still use */
	test_ioctl_ioas_unmap(self->src, IOVA_BASE, 8 * PAGE_SIZE,
			      8 * PAGE_SIZE);
	ASSERT_PINNED(8);
	test_ioctl_ioas_unmap(self->dst, fixed, 8 * PAGE_SIZE, 8 * PAGE_SIZE);
	ASSERT_PINNED(2);
	test_check_refs(self->buf + PAGE_SIZE, 2 * PAGE_SIZE, 1);
	test_ioctl_ioas_unmap(self->dst, automatic, 8 * PAGE_SIZE,
			      8 * PAGE_SIZE);
	ASSERT_PINNED(0);
	close(src_access);
	close(dst_access);
}

/* Mapping the same memory twice is two mappings: pinned twice. */
TEST_F(copy, separate_maps_pin_twice)
{
	__u64 iova = IOVA_BASE;
	int src_access, dst_access;

	if (!emu_test_cmd_available(self->fd))
		SKIP(return, NO_TEST_CMD);
	test_ioctl_ioas_map(self->dst, MAP_FIXED_RW, self->buf, 8 * PAGE_SIZE,
			    &iova);
	test_create_access(self->src, &src_access);
	test_create_access(self->dst, &dst_access);
	test_access_pin(src_access, IOVA_BASE, 8 * PAGE_SIZE, self->buf, true,
			NULL);
	test_access_pin(dst_access, IOVA_BASE, 8 * PAGE_SIZE, self->buf, true,
			NULL);
	ASSERT_PINNED(16);
	test_check_refs(self->buf, 8 * PAGE_SIZE, 2);
	close(src_access);
	ASSERT_PINNED(8);
	close(dst_access);
	ASSERT_PINNED(0);
}

TEST_F(copy, data_through_copy)
{
	__u64 iova = IOVA_BASE;
	char msg[] = "written through the copy";
	int access_fd;

	if (!emu_test_cmd_available(self->fd))
		SKIP(return, NO_TEST_CMD);
	test_ioctl_ioas_copy(MAP_FIXED_RW, self->dst, &iova, self->src,
			     IOVA_BASE + 2 * PAGE_SIZE, 2 * PAGE_SIZE);
	test_create_access(self->dst, &access_fd);
	ASSERT_OK(emu_test_access_rw(self->fd, access_fd, IOVA_BASE + 100, msg,
				     sizeof(msg), true));
	ASSERT_EQ(0, memcmp(self->buf + 2 * PAGE_SIZE + 100, msg,
			    sizeof(msg)));
	close(access_fd);
}

TEST_F(copy, chain_of_copies)
{
	__u64 iova1 = IOVA_BASE, iova2 = IOVA_BASE;
	int access_fd;
	__u32 third;

	if (!emu_test_cmd_available(self->fd))
		SKIP(return, NO_TEST_CMD);
	test_ioctl_ioas_alloc(&third);
	test_ioctl_ioas_copy(MAP_FIXED_RW, self->dst, &iova1, self->src,
			     IOVA_BASE, 8 * PAGE_SIZE);
	test_ioctl_ioas_copy(MAP_FIXED_RW, third, &iova2, self->dst, IOVA_BASE,
			     8 * PAGE_SIZE);
	test_ioctl_destroy(self->src);
	test_ioctl_destroy(self->dst);

	/* the last copy still reaches the original memory */
	test_create_access(third, &access_fd);
	test_access_pin(access_fd, IOVA_BASE, 8 * PAGE_SIZE, self->buf, true,
			NULL);
	ASSERT_PINNED(8);
	close(access_fd);
	ASSERT_PINNED(0);
	test_ioctl_destroy(third);
}

TEST_F(copy, within_one_ioas)
{
	__u64 iova = 2 * IOVA_BASE;

	test_ioctl_ioas_copy(MAP_FIXED_RW, self->src, &iova, self->src,
			     IOVA_BASE, 8 * PAGE_SIZE);
	/* onto itself */
	iova = IOVA_BASE;
	test_err_ioas_copy(EEXIST, MAP_FIXED_RW, self->src, &iova, self->src,
			   IOVA_BASE, 8 * PAGE_SIZE);
	test_ioctl_ioas_unmap(self->src, 0, UINT64_MAX, 16 * PAGE_SIZE);
}

TEST_F(copy, sub_range)
{
	__u64 iova = IOVA_BASE;

	test_ioctl_ioas_copy(MAP_FIXED_RW, self->dst, &iova, self->src,
			     IOVA_BASE + 2 * PAGE_SIZE, 3 * PAGE_SIZE);
	/* the copy is one mapping of three pages */
	test_err_ioas_unmap(ENOENT, self->dst, IOVA_BASE, PAGE_SIZE);
	test_ioctl_ioas_unmap(self->dst, IOVA_BASE, 3 * PAGE_SIZE,
			      3 * PAGE_SIZE);

	/* byte granular while the alignment is 1 */
	iova = IOVA_BASE + 1;
	test_ioctl_ioas_copy(MAP_FIXED_RW, self->dst, &iova, self->src,
			     IOVA_BASE + 1, 100);
	test_ioctl_ioas_unmap(self->dst, IOVA_BASE + 1, 100, 100);
}

/* A source range over adjacent mappings yields one mapping per piece. */
TEST_F(copy, spans_adjacent_areas)
{
	__u64 iova = IOVA_BASE + 8 * PAGE_SIZE;
	__u64 dst_iova = IOVA_BASE;

	test_ioctl_ioas_map(self->src, MAP_FIXED_RW, self->buf + 32 * PAGE_SIZE,
			    2 * PAGE_SIZE, &iova);
	test_ioctl_ioas_copy(MAP_FIXED_RW, self->dst, &dst_iova, self->src,
			     IOVA_BASE + 7 * PAGE_SIZE, 2 * PAGE_SIZE);
	test_ioctl_ioas_unmap(self->dst, IOVA_BASE, PAGE_SIZE, PAGE_SIZE);
	test_ioctl_ioas_unmap(self->dst, IOVA_BASE + PAGE_SIZE, PAGE_SIZE,
			      PAGE_SIZE);
}

TEST_F(copy, source_not_mapped)
{
	__u64 iova = IOVA_BASE + 9 * PAGE_SIZE;
	__u64 dst_iova = IOVA_BASE;

	/* nothing there */
	test_err_ioas_copy(ENOENT, MAP_FIXED_RW, self->dst, &dst_iova,
			   self->src, 4 * IOVA_BASE, PAGE_SIZE);
	/* runs past the end of the mapping */
	test_err_ioas_copy(ENOENT, MAP_FIXED_RW, self->dst, &dst_iova,
			   self->src, IOVA_BASE + 4 * PAGE_SIZE,
			   8 * PAGE_SIZE);
	/* starts before it */
	test_err_ioas_copy(ENOENT, MAP_FIXED_RW, self->dst, &dst_iova,
			   self->src, IOVA_BASE - PAGE_SIZE, 2 * PAGE_SIZE);
	/* two mappings with a hole in between */
	test_ioctl_ioas_map(self->src, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &iova);
	test_err_ioas_copy(ENOENT, MAP_FIXED_RW, self->dst, &dst_iova,
			   self->src, IOVA_BASE, 10 * PAGE_SIZE);
	/* nothing was created in dst */
	test_ioctl_ioas_unmap(self->dst, 0, UINT64_MAX, 0);
}

TEST_F(copy, argument_errors)
{
	__u64 dst_iova = IOVA_BASE;
	__u32 dead;

	test_err_ioas_copy(EINVAL, MAP_FIXED_RW, self->dst, &dst_iova,
			   self->src, IOVA_BASE, 0);
	test_err_ioas_copy(EOVERFLOW, MAP_FIXED_RW, self->dst, &dst_iova,
			   self->src, IOVA_BASE, UINT64_MAX);
	test_err_ioas_copy(EOVERFLOW, MAP_FIXED_RW, self->dst, &dst_iova,
			   self->src, UINT64_MAX, PAGE_SIZE);
	test_err_ioas_copy(EOVERFLOW, MAP_FIXED_RW, self->dst, &dst_iova,
			   self->src, UINT64_MAX - PAGE_SIZE + 2, PAGE_SIZE);
	dst_iova = UINT64_MAX;
	test_err_ioas_copy(EOVERFLOW, MAP_FIXED_RW, self->dst, &dst_iova,
			   self->src, IOVA_BASE, PAGE_SIZE);
	dst_iova = UINT64_MAX - PAGE_SIZE + 2;
	test_err_ioas_copy(EOVERFLOW, MAP_FIXED_RW, self->dst, &dst_iova,
			   self->src, IOVA_BASE, PAGE_SIZE);

	dst_iova = IOVA_BASE;
	test_err_ioas_copy(EOPNOTSUPP, MAP_FIXED_RW | MAP_UNKNOWN_FLAG,
			   self->dst, &dst_iova, self->src, IOVA_BASE,
			   PAGE_SIZE);
	test_err_ioas_copy(EINVAL, IOMMU_IOAS_MAP_FIXED_IOVA, self->dst,
			   &dst_iova, self->src, IOVA_BASE, PAGE_SIZE);
	test_err_ioas_copy(EINVAL, 0, self->dst, &dst_iova, self->src,
			   IOVA_BASE, PAGE_SIZE);

	test_ioctl_ioas_alloc(&dead);
	test_ioctl_destroy(dead);
	test_err_ioas_copy(ENOENT, MAP_FIXED_RW, self->dst, &dst_iova, dead,
			   IOVA_BASE, PAGE_SIZE);
	test_err_ioas_copy(ENOENT, MAP_FIXED_RW, dead, &dst_iova, self->src,
			   IOVA_BASE, PAGE_SIZE);
	test_err_ioas_copy(ENOENT, MAP_FIXED_RW, 0, &dst_iova, self->src,
			   IOVA_BASE, PAGE_SIZE);

	/* no room for an automatic IOVA in the destination */
	ASSERT_OK(emu_ioas_allow_iovas(self->fd, self->dst,
				       &(struct iommu_iova_range){
					.start = 4 * IOVA_BASE,
					.last = 4 * IOVA_BASE + PAGE_SIZE - 1 },
				       1));
	test_err_ioas_copy(ENOSPC, MAP_RW, self->dst, &dst_iova, self->src,
			   IOVA_BASE, 2 * PAGE_SIZE);

	/* the destination range is in use */
	test_ioctl_ioas_copy(MAP_FIXED_RW, self->dst, &dst_iova, self->src,
			     IOVA_BASE, 4 * PAGE_SIZE);
	dst_iova = IOVA_BASE + 3 * PAGE_SIZE;
	test_err_ioas_copy(EEXIST, MAP_FIXED_RW, self->dst, &dst_iova,
			   self->src, IOVA_BASE, 2 * PAGE_SIZE);
	test_ioctl_ioas_unmap(self->dst, 0, UINT64_MAX, 4 * PAGE_SIZE);
}

/* A copy cannot be writeable when the source pages are read-only. */
TEST_F(copy, protection)
{
	__u64 ro_iova = 4 * IOVA_BASE;
	__u64 dst_iova = IOVA_BASE;

	test_ioctl_ioas_map(self->src,
			    IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE,
			    self->buf + 16 * PAGE_SIZE, 2 * PAGE_SIZE,
			    &ro_iova);
	test_err_ioas_copy(EPERM, MAP_FIXED_RW, self->dst, &dst_iova,
			   self->src, ro_iova, 2 * PAGE_SIZE);
	test_err_ioas_copy(EPERM,
			   IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE,
			   self->dst, &dst_iova, self->src, ro_iova,
			   2 * PAGE_SIZE);
	test_ioctl_ioas_copy(IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE,
			     self->dst, &dst_iova, self->src, ro_iova,
			     2 * PAGE_SIZE);

	/* a writeable source can be copied read-only */
	dst_iova = 2 * IOVA_BASE;
	test_ioctl_ioas_copy(IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE,
			     self->dst, &dst_iova, self->src, IOVA_BASE,
			     8 * PAGE_SIZE);
	test_ioctl_ioas_unmap(self->dst, 0, UINT64_MAX, 10 * PAGE_SIZE);
}

/* With page alignment in dst, sub-page copies are refused. */
TEST_F(copy, destination_alignment)
{
	__u64 dst_iova = IOVA_BASE + 1;

	ASSERT_OK(emu_set_huge_pages(self->fd, self->dst, 0));
	test_err_ioas_copy(EINVAL, MAP_FIXED_RW, self->dst, &dst_iova,
			   self->src, IOVA_BASE, PAGE_SIZE);
	dst_iova = IOVA_BASE;
	test_err_ioas_copy(EINVAL, MAP_FIXED_RW, self->dst, &dst_iova,
			   self->src, IOVA_BASE + 1, PAGE_SIZE);
	test_err_ioas_copy(EINVAL, MAP_FIXED_RW, self->dst, &dst_iova,
			   self->src, IOVA_BASE, PAGE_SIZE - 1);
	test_ioctl_ioas_copy(MAP_FIXED_RW, self->dst, &dst_iova, self->src,
			     IOVA_BASE, PAGE_SIZE);
	test_ioctl_ioas_unmap(self->dst, 0, UINT64_MAX, PAGE_SIZE);
}

TEST_HARNESS_MAIN
