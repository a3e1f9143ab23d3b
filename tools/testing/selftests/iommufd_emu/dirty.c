// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty tracking: IOMMU_HWPT_SET_DIRTY_TRACKING, IOMMU_HWPT_GET_DIRTY_BITMAP
 * and IOMMU_TEST_OP_DIRTY, which plays a device writing to pages of a mock
 * domain.
 *
 * The mock keeps dirty state per page-table entry: marking one 2 KiB
 * granule dirty makes the whole entry (PTE) it belongs to dirty, and
 * reading it reports and clears the whole entry. The fixture's IOAS has
 * IOMMU_OPTION_HUGE_PAGES off, so its mock domains use 4 KiB entries; the
 * "huge" mock page table (IOMMU_HWPT_DATA_SELFTEST, MOCK_IOMMUPT_HUGE) uses
 * 1 MiB entries where the memory allows.
 *
 * Bit n of a user bitmap is bit n % 8 of byte n / 8, counted from the
 * bitmap's address whatever its alignment; bits are only ever set.
 */
#include <stddef.h>

#include "mock_ops.h"

#define G		((__u64)MOCK_PAGE_SIZE)	/* one mock granule */
#define BUF_PAGES	64
#define BUF_SIZE	(BUF_PAGES * PAGE_SIZE)
#define BUF_BITS	(BUF_SIZE / G)		/* bits at granule size */
#define IOVA_BASE	((__u64)MOCK_APERTURE_START)
/* A page near the top of the mock aperture, far from IOVA_BASE */
#define IOVA_FAR	((__u64)MOCK_APERTURE_LAST + 1 - 0x100000)
#define BITMAP_PAGES	40
#define NO_SUCH_ID	MOCK_NO_SUCH_ID
#define TEST_PASID	100

static int dt_tracking(int fd, __u32 hwpt_id, __u32 flags, __u32 reserved)
{
	struct iommu_hwpt_set_dirty_tracking cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.hwpt_id = hwpt_id,
		.__reserved = reserved,
	};

	return emu_ioctl(fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &cmd);
}

struct dt_get {
	__u32 flags;
	__u32 reserved;
	__u64 iova;
	__u64 length;
	__u64 page_size;
	const void *data;
};

static int dt_get_bitmap(int fd, __u32 hwpt_id, const struct dt_get *g)
{
	struct iommu_hwpt_get_dirty_bitmap cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt_id,
		.flags = g->flags,
		.__reserved = g->reserved,
		.iova = g->iova,
		.length = g->length,
		.page_size = g->page_size,
		.data = (uintptr_t)g->data,
	};

	return emu_ioctl(fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd);
}

static int dt_mark(int fd, __u32 hwpt_id, __u64 iova, __u64 length,
		   __u64 page_size, const void *bitmap, __u64 *nr_dirty)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_DIRTY,
		.id = hwpt_id,
		.dirty = {
			.iova = iova,
			.length = length,
			.page_size = page_size,
			.uptr = (uintptr_t)bitmap,
		},
	};
	int rc;

	rc = emu_test_cmd(fd, &cmd);
	if (!rc && nr_dirty)
		*nr_dirty = cmd.dirty.out_nr_dirty;
	return rc;
}

static void set_bit8(__u8 *map, __u64 bit)
{
	map[bit / 8] |= 1U << (bit % 8);
}

static bool test_bit8(const __u8 *map, __u64 bit)
{
	return map[bit / 8] & (1U << (bit % 8));
}

/*
 * Mark the @n granules listed in @granules (numbered from @iova) dirty with
 * one IOMMU_TEST_OP_DIRTY, and check that each of them was counted.
 */
static int dt_mark_granules(int fd, __u32 hwpt_id, __u64 iova,
			    const unsigned int *granules, unsigned int n)
{
	__u8 map[BUF_BITS / 8] = {};
	__u64 nr = 0;
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++)
		set_bit8(map, granules[i]);
	rc = dt_mark(fd, hwpt_id, iova, BUF_SIZE, G, map, &nr);
	if (!rc && nr != n)
		return -EIO;
	return rc;
}

FIXTURE(dirty)
{
	int fd;
	__u32 ioas_id;
	__u32 stdev_id;
	__u32 hwpt_id;		/* the automatic one: no dirty tracking */
	__u32 idev_id;
	__u32 dirty_hwpt;
	__u8 *buf;
	__u8 *bitmap;		/* BITMAP_PAGES pages */
	const char *skip;
};

FIXTURE_SETUP(dirty)
{
	self->fd = emu_open();
	ASSERT_LE(0, self->fd);
	self->buf = emu_alloc_buffer(BUF_SIZE, HUGE_PAGE_SIZE);
	ASSERT_NE(NULL, self->buf);
	self->bitmap = emu_alloc_buffer(BITMAP_PAGES * PAGE_SIZE, PAGE_SIZE);
	ASSERT_NE(NULL, self->bitmap);
	memset(self->bitmap, 0, BITMAP_PAGES * PAGE_SIZE);
	if (!emu_test_cmd_available(self->fd)) {
		self->skip = NO_TEST_CMD;
		return;
	}
	test_ioctl_ioas_alloc(&self->ioas_id);
	/* Single pages only: the mock's entries are then exactly 4 KiB */
	ASSERT_OK(emu_set_huge_pages(self->fd, self->ioas_id, 0));
	ASSERT_OK(emu_ioas_map(self->fd, self->ioas_id, MAP_FIXED_RW, self->buf,
			       BUF_SIZE, &(__u64){ IOVA_BASE }));
	ASSERT_OK(mock_dev_add(self->fd, self->ioas_id, 0, &self->stdev_id,
			       &self->hwpt_id, &self->idev_id));
	ASSERT_OK(mock_hwpt_alloc_full(self->fd, self->idev_id, self->ioas_id,
				       IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0,
				       IOMMU_HWPT_DATA_NONE, NULL, 0,
				       &self->dirty_hwpt));
}

FIXTURE_TEARDOWN(dirty)
{
	close(self->fd);
	emu_free_buffer(self->buf, BUF_SIZE);
	emu_free_buffer(self->bitmap, BITMAP_PAGES * PAGE_SIZE);
}

/* Read the whole buffer's range at granule size into self->bitmap. */
#define get_buf_bitmap(_flags) do {					\
	struct dt_get __g = {						\
		.flags = (_flags), .iova = IOVA_BASE,			\
		.length = BUF_SIZE, .page_size = G,			\
		.data = self->bitmap,					\
	};								\
									\
	memset(self->bitmap, 0, BUF_BITS / 8);				\
	ASSERT_OK(dt_get_bitmap(self->fd, self->dirty_hwpt, &__g));	\
} while (0)

/* Exactly the bits of the 4 KiB entries holding @granules are set. */
static void check_entries(struct __test_metadata *_metadata,
			  const __u8 *map, const unsigned int *granules,
			  unsigned int n)
{
	__u8 want[BUF_BITS / 8] = {};
	unsigned int i;

	for (i = 0; i < n; i++) {
		set_bit8(want, granules[i] & ~1U);
		set_bit8(want, granules[i] | 1U);
	}
	for (i = 0; i < BUF_BITS; i++)
		ASSERT_EQ(test_bit8(want, i), test_bit8(map, i))
			TH_LOG("bit %u", i);
}

static bool all_zero(const __u8 *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

TEST_F(dirty, tracking_on_off)
{
	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_OK(dt_tracking(self->fd, self->dirty_hwpt,
			      IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 0));
	/* Asking for the current state again is fine */
	ASSERT_OK(dt_tracking(self->fd, self->dirty_hwpt,
			      IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 0));
	ASSERT_OK(dt_tracking(self->fd, self->dirty_hwpt, 0, 0));
	ASSERT_OK(dt_tracking(self->fd, self->dirty_hwpt, 0, 0));
	/* __reserved is not looked at, as upstream */
	ASSERT_OK(dt_tracking(self->fd, self->dirty_hwpt,
			      IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 7));
}

TEST_F(dirty, tracking_errors)
{
	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_ERR(EOPNOTSUPP, dt_tracking(self->fd, self->dirty_hwpt,
					   1U << 1, 0));
	/* flags are checked before the id */
	ASSERT_ERR(EOPNOTSUPP, dt_tracking(self->fd, NO_SUCH_ID, 1U << 1, 0));
	/* only paging HWPTs */
	ASSERT_ERR(ENOENT, dt_tracking(self->fd, NO_SUCH_ID, 0, 0));
	ASSERT_ERR(ENOENT, dt_tracking(self->fd, self->ioas_id, 0, 0));
	ASSERT_ERR(ENOENT, dt_tracking(self->fd, self->idev_id, 0, 0));
	ASSERT_ERR(ENOENT, dt_tracking(self->fd, self->stdev_id, 0, 0));
	/* a HWPT allocated without DIRTY_TRACKING cannot, either way */
	ASSERT_ERR(EOPNOTSUPP, dt_tracking(self->fd, self->hwpt_id,
					   IOMMU_HWPT_DIRTY_TRACKING_ENABLE,
					   0));
	ASSERT_ERR(EOPNOTSUPP, dt_tracking(self->fd, self->hwpt_id, 0, 0));
}

/* Dirty entries are reported whole, then forgotten. */
TEST_F(dirty, report_and_clear)
{
	static const unsigned int granules[] = { 0, 5, 9, BUF_BITS - 1 };

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_OK(dt_tracking(self->fd, self->dirty_hwpt,
			      IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 0));
	get_buf_bitmap(0);
	ASSERT_TRUE(all_zero(self->bitmap, BUF_BITS / 8));

	ASSERT_OK(dt_mark_granules(self->fd, self->dirty_hwpt, IOVA_BASE,
				   granules, 4));
	get_buf_bitmap(0);
	check_entries(_metadata, self->bitmap, granules, 4);
	get_buf_bitmap(0);
	ASSERT_TRUE(all_zero(self->bitmap, BUF_BITS / 8));
}

TEST_F(dirty, no_clear)
{
	static const unsigned int granules[] = { 2, 63, 64 };

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_OK(dt_tracking(self->fd, self->dirty_hwpt,
			      IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 0));
	ASSERT_OK(dt_mark_granules(self->fd, self->dirty_hwpt, IOVA_BASE,
				   granules, 3));
	get_buf_bitmap(IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	check_entries(_metadata, self->bitmap, granules, 3);
	get_buf_bitmap(IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	check_entries(_metadata, self->bitmap, granules, 3);
	get_buf_bitmap(0);
	check_entries(_metadata, self->bitmap, granules, 3);
	get_buf_bitmap(0);
	ASSERT_TRUE(all_zero(self->bitmap, BUF_BITS / 8));
}

/* Stopping keeps what was recorded; starting again forgets it. */
TEST_F(dirty, restart_forgets)
{
	static const unsigned int granules[] = { 6 };

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_OK(dt_tracking(self->fd, self->dirty_hwpt,
			      IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 0));
	ASSERT_OK(dt_mark_granules(self->fd, self->dirty_hwpt, IOVA_BASE,
				   granules, 1));
	ASSERT_OK(dt_tracking(self->fd, self->dirty_hwpt, 0, 0));
	get_buf_bitmap(IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	check_entries(_metadata, self->bitmap, granules, 1);
	ASSERT_OK(dt_tracking(self->fd, self->dirty_hwpt,
			      IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 0));
	get_buf_bitmap(0);
	ASSERT_TRUE(all_zero(self->bitmap, BUF_BITS / 8));
}

/* Bits coarser and finer than the entries. */
TEST_F(dirty, page_sizes)
{
	static const unsigned int granules[] = { 3, 17 };
	struct dt_get g = {
		.iova = IOVA_BASE, .length = BUF_SIZE,
		.data = self->bitmap,
	};

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_OK(dt_tracking(self->fd, self->dirty_hwpt,
			      IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 0));

	/* 16 KiB per bit: entries at 4 KiB and 32 KiB are in blocks 0 and 2 */
	ASSERT_OK(dt_mark_granules(self->fd, self->dirty_hwpt, IOVA_BASE,
				   granules, 2));
	g.page_size = 16384;
	ASSERT_OK(dt_get_bitmap(self->fd, self->dirty_hwpt, &g));
	ASSERT_EQ(0x05, self->bitmap[0]);
	ASSERT_TRUE(all_zero(self->bitmap + 1, BUF_SIZE / 16384 / 8 - 1));

	/* 256 bytes per bit: one 4 KiB entry is 16 bits, two whole bytes */
	ASSERT_OK(dt_mark_granules(self->fd, self->dirty_hwpt, IOVA_BASE,
				   granules, 2));
	memset(self->bitmap, 0, PAGE_SIZE);
	g.page_size = 256;
	ASSERT_OK(dt_get_bitmap(self->fd, self->dirty_hwpt, &g));
	ASSERT_EQ(0xff, self->bitmap[2]);
	ASSERT_EQ(0xff, self->bitmap[3]);
	ASSERT_EQ(0xff, self->bitmap[16]);
	ASSERT_EQ(0xff, self->bitmap[17]);
	memset(self->bitmap + 2, 0, 2);
	memset(self->bitmap + 16, 0, 2);
	ASSERT_TRUE(all_zero(self->bitmap, BUF_SIZE / 256 / 8));
}

/*
 * An unaligned bitmap that crosses a page: bits are counted from its first
 * byte, bits already set stay set, and nothing outside it is written.
 */
TEST_F(dirty, unaligned_bitmap)
{
	static const unsigned int granules[] = { 0, BUF_BITS - 8 };
	__u8 *data = self->bitmap + PAGE_SIZE - 11;
	struct dt_get g = {
		.iova = IOVA_BASE, .length = BUF_SIZE, .page_size = G,
		.data = data,
	};
	unsigned int i;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_OK(dt_tracking(self->fd, self->dirty_hwpt,
			      IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 0));
	ASSERT_OK(dt_mark_granules(self->fd, self->dirty_hwpt, IOVA_BASE,
				   granules, 2));
	data[-1] = 0x5a;
	data[BUF_BITS / 8] = 0xa5;
	set_bit8(data, 40);
	ASSERT_OK(dt_get_bitmap(self->fd, self->dirty_hwpt, &g));
	ASSERT_EQ(0x5a, data[-1]);
	ASSERT_EQ(0xa5, data[BUF_BITS / 8]);
	for (i = 0; i < BUF_BITS; i++) {
		bool want = i == 0 || i == 1 || i == 40 ||
			    i == BUF_BITS - 8 || i == BUF_BITS - 7;

		ASSERT_EQ(want, test_bit8(data, i)) TH_LOG("bit %u", i);
	}

	/* One entry's 16 bits split over the last byte of a page and the next */
	data = self->bitmap + 2 * PAGE_SIZE - 1;
	ASSERT_OK(dt_mark_granules(self->fd, self->dirty_hwpt, IOVA_BASE,
				   granules, 1));
	g.data = data;
	g.page_size = 256;
	ASSERT_OK(dt_get_bitmap(self->fd, self->dirty_hwpt, &g));
	ASSERT_EQ(0xff, data[0]);
	ASSERT_EQ(0xff, data[1]);
	ASSERT_EQ(0, data[2]);
	ASSERT_EQ(0, data[-1]);
}

/* Part of the mapping: only it is reported and cleared. */
TEST_F(dirty, sub_range)
{
	static const unsigned int granules[] = { 0, 2 };
	struct dt_get g = {
		.iova = IOVA_BASE + PAGE_SIZE, .length = PAGE_SIZE,
		.page_size = G, .data = self->bitmap,
	};

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_OK(dt_tracking(self->fd, self->dirty_hwpt,
			      IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 0));
	ASSERT_OK(dt_mark_granules(self->fd, self->dirty_hwpt, IOVA_BASE,
				   granules, 2));
	ASSERT_OK(dt_get_bitmap(self->fd, self->dirty_hwpt, &g));
	ASSERT_EQ(0x03, self->bitmap[0]);
	get_buf_bitmap(0);
	check_entries(_metadata, self->bitmap, granules, 1);
}

/*
 * A range with a hole, wider than one window of pinned bitmap pages: both
 * mappings are reported (upstream stops at the first hole).
 */
TEST_F(dirty, far_apart)
{
	static const unsigned int granules[] = { 1 };
	__u64 nbits = (IOVA_FAR + PAGE_SIZE - IOVA_BASE) / G;
	struct dt_get g = {
		.iova = IOVA_BASE, .length = IOVA_FAR + PAGE_SIZE - IOVA_BASE,
		.page_size = G, .data = self->bitmap,
	};
	__u64 i;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_GE(BITMAP_PAGES * PAGE_SIZE * 8, nbits);
	ASSERT_OK(emu_ioas_map(self->fd, self->ioas_id, MAP_FIXED_RW,
			       self->buf, PAGE_SIZE, &(__u64){ IOVA_FAR }));
	ASSERT_OK(dt_tracking(self->fd, self->dirty_hwpt,
			      IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 0));
	ASSERT_OK(dt_mark_granules(self->fd, self->dirty_hwpt, IOVA_BASE,
				   granules, 1));
	ASSERT_OK(dt_mark_granules(self->fd, self->dirty_hwpt, IOVA_FAR,
				   granules, 1));
	ASSERT_OK(dt_get_bitmap(self->fd, self->dirty_hwpt, &g));
	for (i = 0; i < nbits; i++) {
		bool want = i < 2 || i >= nbits - 2;

		ASSERT_EQ(want, test_bit8(self->bitmap, i))
			TH_LOG("bit %llu", (unsigned long long)i);
	}
}

TEST_F(dirty, get_errors)
{
	struct dt_get ok = {
		.iova = IOVA_BASE, .length = BUF_SIZE, .page_size = G,
		.data = self->bitmap,
	};
	struct dt_get g;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_OK(dt_get_bitmap(self->fd, self->dirty_hwpt, &ok));

	g = ok;
	g.flags = 1U << 1;
	ASSERT_ERR(EOPNOTSUPP, dt_get_bitmap(self->fd, self->dirty_hwpt, &g));
	ASSERT_ERR(EOPNOTSUPP, dt_get_bitmap(self->fd, NO_SUCH_ID, &g));
	g = ok;
	g.reserved = 1;
	ASSERT_ERR(EOPNOTSUPP, dt_get_bitmap(self->fd, self->dirty_hwpt, &g));

	/* the id comes before the range */
	g = ok;
	g.length = 0;
	ASSERT_ERR(ENOENT, dt_get_bitmap(self->fd, NO_SUCH_ID, &g));
	ASSERT_ERR(ENOENT, dt_get_bitmap(self->fd, self->ioas_id, &g));
	ASSERT_ERR(ENOENT, dt_get_bitmap(self->fd, self->idev_id, &g));
	ASSERT_ERR(EINVAL, dt_get_bitmap(self->fd, self->dirty_hwpt, &g));

	/* wrapping wins over misalignment */
	g = ok;
	g.iova = UINT64_MAX - PAGE_SIZE + 1 + G;
	g.length = 2 * PAGE_SIZE;
	ASSERT_ERR(EOVERFLOW, dt_get_bitmap(self->fd, self->dirty_hwpt, &g));

	/* the IOAS has 4 KiB alignment (huge pages are off) */
	g = ok;
	g.iova += G;
	ASSERT_ERR(EINVAL, dt_get_bitmap(self->fd, self->dirty_hwpt, &g));
	g = ok;
	g.length -= G;
	ASSERT_ERR(EINVAL, dt_get_bitmap(self->fd, self->dirty_hwpt, &g));

	/* and page_size alignment at both ends */
	g = ok;
	g.page_size = 0;
	ASSERT_ERR(EINVAL, dt_get_bitmap(self->fd, self->dirty_hwpt, &g));
	g = ok;
	g.iova += PAGE_SIZE;
	g.length -= PAGE_SIZE;
	g.page_size = 2 * PAGE_SIZE;
	ASSERT_ERR(EINVAL, dt_get_bitmap(self->fd, self->dirty_hwpt, &g));
	g = ok;
	g.length = 3 * PAGE_SIZE;
	g.page_size = 2 * PAGE_SIZE;
	ASSERT_ERR(EINVAL, dt_get_bitmap(self->fd, self->dirty_hwpt, &g));

	/* a valid request to a HWPT that cannot track */
	ASSERT_ERR(EOPNOTSUPP, dt_get_bitmap(self->fd, self->hwpt_id, &ok));
}

/*
 * A bitmap that cannot be written: EFAULT, and what was not reported stays
 * dirty. With nothing to report the bitmap is never touched.
 */
TEST_F(dirty, get_efault)
{
	static const unsigned int granules[] = { 4 };
	struct dt_get g = {
		.iova = IOVA_BASE, .length = BUF_SIZE, .page_size = G,
	};
	void *ro;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ro = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	ASSERT_OK(dt_tracking(self->fd, self->dirty_hwpt,
			      IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 0));

	ASSERT_OK(dt_get_bitmap(self->fd, self->dirty_hwpt, &g));
	g.data = ro;
	ASSERT_OK(dt_get_bitmap(self->fd, self->dirty_hwpt, &g));

	ASSERT_OK(dt_mark_granules(self->fd, self->dirty_hwpt, IOVA_BASE,
				   granules, 1));
	g.data = NULL;
	ASSERT_ERR(EFAULT, dt_get_bitmap(self->fd, self->dirty_hwpt, &g));
	g.data = ro;
	ASSERT_ERR(EFAULT, dt_get_bitmap(self->fd, self->dirty_hwpt, &g));
	/* a bitmap that would wrap around the address space */
	g.data = (void *)(uintptr_t)(UINT64_MAX - 2);
	ASSERT_ERR(EFAULT, dt_get_bitmap(self->fd, self->dirty_hwpt, &g));

	get_buf_bitmap(0);
	check_entries(_metadata, self->bitmap, granules, 1);
	munmap(ro, PAGE_SIZE);
}

/* IOMMU_TEST_OP_DIRTY counts every set bit, mapped or not. */
TEST_F(dirty, mark_counts)
{
	__u8 map[8];
	__u64 nr = 0;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_OK(dt_tracking(self->fd, self->dirty_hwpt,
			      IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 0));
	memset(map, 0xff, sizeof(map));
	/* 60 bits; the 4 spare bits of the last byte are not looked at */
	ASSERT_OK(dt_mark(self->fd, self->dirty_hwpt, IOVA_BASE + BUF_SIZE,
			  60 * G, G, map, &nr));
	ASSERT_EQ(60, nr);
	get_buf_bitmap(0);
	ASSERT_TRUE(all_zero(self->bitmap, BUF_BITS / 8));
}

TEST_F(dirty, mark_errors)
{
	__u8 map[8] = { 1 };
	void *gone;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	gone = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	ASSERT_NE(MAP_FAILED, gone);
	munmap(gone, PAGE_SIZE);

	/* tracking is off */
	ASSERT_ERR(EINVAL, dt_mark(self->fd, self->dirty_hwpt, IOVA_BASE,
				   8 * G, G, map, NULL));
	ASSERT_ERR(EINVAL, dt_mark(self->fd, self->hwpt_id, IOVA_BASE,
				   8 * G, G, map, NULL));
	ASSERT_OK(dt_tracking(self->fd, self->dirty_hwpt,
			      IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 0));
	ASSERT_OK(dt_mark(self->fd, self->dirty_hwpt, IOVA_BASE, 8 * G, G,
			  map, NULL));

	/* the arguments, before the id */
	ASSERT_ERR(EINVAL, dt_mark(self->fd, NO_SUCH_ID, IOVA_BASE, 8 * G, 0,
				   map, NULL));
	ASSERT_ERR(EINVAL, dt_mark(self->fd, NO_SUCH_ID, IOVA_BASE, 0, G,
				   map, NULL));
	ASSERT_ERR(EINVAL, dt_mark(self->fd, NO_SUCH_ID, IOVA_BASE + 1,
				   8 * G, G, map, NULL));
	ASSERT_ERR(EINVAL, dt_mark(self->fd, NO_SUCH_ID, IOVA_BASE,
				   8 * G + 1, G, map, NULL));
	ASSERT_ERR(EINVAL, dt_mark(self->fd, NO_SUCH_ID, IOVA_BASE, 8 * G, G,
				   NULL, NULL));
	/* more than 16 MiB of bitmap */
	ASSERT_ERR(EOVERFLOW, dt_mark(self->fd, NO_SUCH_ID, 0,
				      (16ULL << 20) * 8 * G + G, G, map,
				      NULL));

	ASSERT_ERR(ENOENT, dt_mark(self->fd, NO_SUCH_ID, IOVA_BASE, 8 * G, G,
				   map, NULL));
	ASSERT_ERR(ENOENT, dt_mark(self->fd, self->ioas_id, IOVA_BASE, 8 * G,
				   G, map, NULL));
	ASSERT_ERR(EFAULT, dt_mark(self->fd, self->dirty_hwpt, IOVA_BASE,
				   8 * G, G, gone, NULL));
}

/* Tracking on a HWPT that a device uses through a PASID. */
TEST_F(dirty, pasid)
{
	static const unsigned int granules[] = { 8 };
	__u32 pasid_hwpt, plain_hwpt, stdev_id;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_OK(mock_hwpt_alloc_full(self->fd, self->idev_id, self->ioas_id,
				       IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
					       IOMMU_HWPT_ALLOC_PASID,
				       0, IOMMU_HWPT_DATA_NONE, NULL, 0,
				       &pasid_hwpt));
	/* A PASID attach needs a PASID-capable HWPT on the RID, too */
	ASSERT_OK(mock_dev_add(self->fd, pasid_hwpt, MOCK_FLAGS_DEVICE_PASID,
			       &stdev_id, NULL, NULL));
	ASSERT_OK(mock_pasid_attach(self->fd, stdev_id, TEST_PASID,
				    pasid_hwpt));
	ASSERT_OK(dt_tracking(self->fd, pasid_hwpt,
			      IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 0));
	ASSERT_OK(dt_mark_granules(self->fd, pasid_hwpt, IOVA_BASE, granules,
				   1));
	self->dirty_hwpt = pasid_hwpt;
	get_buf_bitmap(0);
	check_entries(_metadata, self->bitmap, granules, 1);
	ASSERT_OK(dt_tracking(self->fd, pasid_hwpt, 0, 0));
	ASSERT_OK(mock_pasid_detach(self->fd, stdev_id, TEST_PASID));
	test_ioctl_destroy(stdev_id);

	/*
	 * A device that cannot report dirty pages stays out. Its RID is on a
	 * PASID-capable HWPT, so that is the only reason to refuse it, and
	 * the same PASID may go to a HWPT that does not track.
	 */
	ASSERT_OK(mock_hwpt_alloc(self->fd, self->idev_id, self->ioas_id,
				  IOMMU_HWPT_ALLOC_PASID, &plain_hwpt));
	ASSERT_OK(mock_dev_add(self->fd, plain_hwpt,
			       MOCK_FLAGS_DEVICE_PASID |
				       MOCK_FLAGS_DEVICE_NO_DIRTY,
			       &stdev_id, NULL, NULL));
	ASSERT_ERR(EINVAL, mock_pasid_attach(self->fd, stdev_id, TEST_PASID,
					     pasid_hwpt));
	ASSERT_OK(mock_pasid_attach(self->fd, stdev_id, TEST_PASID,
				    plain_hwpt));
	ASSERT_OK(mock_pasid_detach(self->fd, stdev_id, TEST_PASID));
	test_ioctl_destroy(stdev_id);
	test_ioctl_destroy(plain_hwpt);
	test_ioctl_destroy(pasid_hwpt);
}

/* IOMMU_HWPT_DATA_SELFTEST on an IOAS picks the mock page table. */
TEST_F(dirty, alloc_selftest_data)
{
	struct {
		struct iommu_hwpt_selftest cfg;
		__u32 tail[2];
	} data = {};
	__u32 hwpt;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	data.cfg.pagetable_type = MOCK_IOMMUPT_DEFAULT;
	ASSERT_OK(mock_hwpt_alloc_full(self->fd, self->idev_id, self->ioas_id,
				       0, 0, IOMMU_HWPT_DATA_SELFTEST, &data,
				       sizeof(data.cfg), &hwpt));
	test_ioctl_destroy(hwpt);
	/* the first version had only iotlb: the default page table */
	ASSERT_OK(mock_hwpt_alloc_full(self->fd, self->idev_id, self->ioas_id,
				       0, 0, IOMMU_HWPT_DATA_SELFTEST, &data,
				       sizeof(__u32), &hwpt));
	test_ioctl_destroy(hwpt);
	data.cfg.pagetable_type = MOCK_IOMMUPT_HUGE;
	ASSERT_OK(mock_hwpt_alloc_full(self->fd, self->idev_id, self->ioas_id,
				       IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0,
				       IOMMU_HWPT_DATA_SELFTEST, &data,
				       sizeof(data.cfg), &hwpt));
	test_ioctl_destroy(hwpt);

	/* Driver data longer than the driver's struct: refused, as upstream */
	ASSERT_ERR(EINVAL, mock_hwpt_alloc_full(self->fd, self->idev_id,
						self->ioas_id, 0, 0,
						IOMMU_HWPT_DATA_SELFTEST, &data,
						sizeof(data), NULL));
	data.tail[1] = 1;
	ASSERT_ERR(EINVAL, mock_hwpt_alloc_full(self->fd, self->idev_id,
						self->ioas_id, 0, 0,
						IOMMU_HWPT_DATA_SELFTEST, &data,
						sizeof(data), NULL));
	ASSERT_ERR(EINVAL, mock_hwpt_alloc_full(self->fd, self->idev_id,
						self->ioas_id, 0, 0,
						IOMMU_HWPT_DATA_SELFTEST, &data,
						2, NULL));
	ASSERT_ERR(EFAULT, mock_hwpt_alloc_full(self->fd, self->idev_id,
						self->ioas_id, 0, 0,
						IOMMU_HWPT_DATA_SELFTEST, NULL,
						sizeof(data.cfg), NULL));
	data.cfg.pagetable_type = 7;
	ASSERT_ERR(EOPNOTSUPP, mock_hwpt_alloc_full(self->fd, self->idev_id,
						    self->ioas_id, 0, 0,
						    IOMMU_HWPT_DATA_SELFTEST,
						    &data.cfg, sizeof(data.cfg),
						    NULL));
}

/*
 * The huge mock page table maps a 2 MiB huge page with two 1 MiB entries;
 * an entry is reported and cleared whole, also when the range asked for
 * covers only part of it.
 */
TEST_F(dirty, huge_entries)
{
	struct iommu_hwpt_selftest cfg = {
		.pagetable_type = MOCK_IOMMUPT_HUGE,
	};
	static const unsigned int granules[] = { 3 };
	struct dt_get g = {
		.iova = IOVA_BASE, .length = HUGE_PAGE_SIZE, .page_size = G,
		.data = self->bitmap,
	};
	__u32 ioas_id, hwpt;
	unsigned int i;
	void *huge;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	huge = mmap(NULL, HUGE_PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE,
		    -1, 0);
	if (huge == MAP_FAILED)
		SKIP(return, "no hugetlb page: %s", strerror(errno));

	test_ioctl_ioas_alloc(&ioas_id);
	ASSERT_OK(emu_ioas_map(self->fd, ioas_id, MAP_FIXED_RW, huge,
			       HUGE_PAGE_SIZE, &(__u64){ IOVA_BASE }));
	ASSERT_OK(mock_hwpt_alloc_full(self->fd, self->idev_id, ioas_id,
				       IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0,
				       IOMMU_HWPT_DATA_SELFTEST, &cfg,
				       sizeof(cfg), &hwpt));
	ASSERT_OK(dt_tracking(self->fd, hwpt,
			      IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 0));

	ASSERT_OK(dt_mark_granules(self->fd, hwpt, IOVA_BASE, granules, 1));
	ASSERT_OK(dt_get_bitmap(self->fd, hwpt, &g));
	for (i = 0; i < HUGE_PAGE_SIZE / G; i++)
		ASSERT_EQ(i < 512, test_bit8(self->bitmap, i))
			TH_LOG("bit %u", i);

	/* 4 KiB of the first entry: two bits, and the whole entry is clean */
	ASSERT_OK(dt_mark_granules(self->fd, hwpt, IOVA_BASE, granules, 1));
	memset(self->bitmap, 0, PAGE_SIZE);
	g.iova = IOVA_BASE + 8 * PAGE_SIZE;
	g.length = PAGE_SIZE;
	ASSERT_OK(dt_get_bitmap(self->fd, hwpt, &g));
	ASSERT_EQ(0x03, self->bitmap[0]);
	ASSERT_TRUE(all_zero(self->bitmap + 1, PAGE_SIZE - 1));
	g.iova = IOVA_BASE;
	g.length = HUGE_PAGE_SIZE;
	self->bitmap[0] = 0;
	ASSERT_OK(dt_get_bitmap(self->fd, hwpt, &g));
	ASSERT_TRUE(all_zero(self->bitmap, PAGE_SIZE));

	test_ioctl_destroy(hwpt);
	test_ioctl_destroy(ioas_id);
	munmap(huge, HUGE_PAGE_SIZE);
}

TEST_HARNESS_MAIN
