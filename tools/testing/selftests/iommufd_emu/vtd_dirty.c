// SPDX-License-Identifier: GPL-2.0
/*
 * Second-stage dirty tracking of the emulated VT-d (ECAP.SLADS), driven
 * by real DMA through IOMMUFD_EMU_DMA instead of IOMMU_TEST_OP_DIRTY.
 *
 * The instance has dirty_tracking=1. Guest memory is mapped into an IOAS
 * with IOMMU_OPTION_HUGE_PAGES off, so every second-stage leaf is 4 KiB
 * and a write marks exactly the page it wrote: the bitmaps below are
 * compared bit for bit with the pages the DMA touched. Only large_leaf
 * lets the IOAS use 2 MiB leaves, and then a write marks its whole leaf.
 *
 * Nested DMA over a tracking parent marks the output page and the guest
 * page-table pages whose accessed/dirty flags the first-stage walk set:
 * those updates are writes of the IOMMU through the second stage.
 */
#include "vtd_guest.h"

#define INST		"vtdd_iommu"
#define DEV		"vtdd_dev"
#define GUEST_GPA	0x40000000ULL	/* 1 GiB, as the other VT-d tests */
#define GUEST_SIZE	(4UL << 20)
#define GUEST_PAGES	(GUEST_SIZE / PAGE_SIZE)
#define NPAGES		8
#define FS_IOVA		0x7f1234200000ULL
#define NO_SUCH_ID	MOCK_NO_SUCH_ID

FIXTURE(vtd_dirty)
{
	int fd;
	int dfd;
	__u32 dev_id;
	__u32 ioas;		/* guest memory, 4 KiB leaves only */
	__u32 ss;		/* DIRTY_TRACKING second stage; the RID's */
	struct vtd_guest g;
	__u64 data;		/* GPA of NPAGES data pages */
	char *host;
	__u8 map[GUEST_PAGES / 8];	/* one bit per guest page */
};

FIXTURE_SETUP(vtd_dirty)
{
	static const char * const caps[] = { "dirty_tracking", "1", NULL };

	self->fd = -1;
	self->dfd = -1;
	if (!emu_cfs_ready())
		SKIP(return, "%s missing: module not loaded?", EMU_CFS_ROOT);
	ASSERT_OK(vtd_make_iommu(INST, caps));
	ASSERT_OK(vtd_make_dev(DEV, INST, 0x100, 0, 8));
	self->fd = emu_open();
	ASSERT_LE(0, self->fd);
	self->dfd = vtd_dev_open_bind(DEV, self->fd, &self->dev_id);
	ASSERT_LE(0, self->dfd);

	ASSERT_OK(vtd_guest_init(&self->g, GUEST_SIZE, GUEST_GPA, 4));
	self->data = vtd_guest_data(&self->g, NPAGES, 0x10, &self->host);
	ASSERT_NE(0, self->data);

	ASSERT_OK(emu_ioas_alloc(self->fd, &self->ioas));
	ASSERT_OK(emu_set_huge_pages(self->fd, self->ioas, 0));
	ASSERT_OK(vtd_guest_map_ioas(self->fd, self->ioas, &self->g));
	ASSERT_OK(vtd_hwpt_paging(self->fd, self->dev_id, self->ioas,
				  IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &self->ss));
	ASSERT_OK(vtd_dev_attach(self->dfd, 0, self->ss));
}

FIXTURE_TEARDOWN(vtd_dirty)
{
	static const char * const devs[] = { DEV, NULL };
	static const char * const iommus[] = { INST, NULL };
	int *const fds[] = { &self->dfd, &self->fd, NULL };

	vtd_fixture_release(fds, &self->g, devs, iommus);
}

/* IOMMU_GET_HW_INFO: VT-d ecap_reg and the generic capabilities */
static int hw_info_caps(int fd, __u32 dev_id, __u64 *ecap, __u64 *caps)
{
	struct iommu_hw_info_vtd info = {};
	struct iommu_hw_info cmd = {
		.size = sizeof(cmd),
		.dev_id = dev_id,
		.data_len = sizeof(info),
		.data_uptr = (uintptr_t)&info,
	};
	int rc = emu_ioctl(fd, IOMMU_GET_HW_INFO, &cmd);

	if (rc)
		return rc;
	if (cmd.out_data_type != IOMMU_HW_INFO_TYPE_INTEL_VTD)
		return -EPROTO;
	*ecap = info.ecap_reg;
	*caps = cmd.out_capabilities;
	return 0;
}

static int set_tracking(int fd, __u32 hwpt, __u32 flags)
{
	struct iommu_hwpt_set_dirty_tracking cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.hwpt_id = hwpt,
	};

	return emu_ioctl(fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &cmd);
}

#define TRACK_ON	IOMMU_HWPT_DIRTY_TRACKING_ENABLE
#define TRACK_OFF	0
#define NO_CLEAR	IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR

static int get_bitmap(int fd, __u32 hwpt, __u32 flags, __u64 iova,
		      __u64 length, __u64 page_size, void *map)
{
	struct iommu_hwpt_get_dirty_bitmap cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt,
		.flags = flags,
		.iova = iova,
		.length = length,
		.page_size = page_size,
		.data = (uintptr_t)map,
	};

	return emu_ioctl(fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd);
}

/* All of guest memory, one bit per 4 KiB page, into a zeroed self->map */
#define read_guest(_hwpt, _flags) do {					\
	memset(self->map, 0, sizeof(self->map));			\
	ASSERT_OK(get_bitmap(self->fd, _hwpt, _flags, GUEST_GPA,	\
			     GUEST_SIZE, PAGE_SIZE, self->map));	\
} while (0)

static bool map_bit(const __u8 *map, __u64 bit)
{
	return map[bit / 8] & (1U << (bit % 8));
}

/* Exactly the guest pages holding the @n GPAs in @gpas are marked */
static void check_pages(struct __test_metadata *_metadata, const __u8 *map,
			const __u64 *gpas, unsigned int n)
{
	unsigned long page;
	unsigned int i;

	for (page = 0; page < GUEST_PAGES; page++) {
		bool want = false;

		for (i = 0; i < n; i++)
			want |= (gpas[i] - GUEST_GPA) / PAGE_SIZE == page;
		ASSERT_EQ(want, map_bit(map, page))
			TH_LOG("guest page %lu (GPA 0x%llx)", page,
			       GUEST_GPA + page * PAGE_SIZE);
	}
}

#define expect_pages(...) do {						\
	const __u64 __gpas[] = { __VA_ARGS__ };				\
									\
	check_pages(_metadata, self->map, __gpas, ARRAY_SIZE(__gpas));	\
} while (0)
#define expect_clean()	check_pages(_metadata, self->map, NULL, 0)

#define DATA_GPA(_page)	(self->data + (_page) * PAGE_SIZE)
#define IOVA(_page)	(FS_IOVA + (_page) * PAGE_SIZE)

/* GPA of the guest table page holding the level-@lvl entry of @iova */
static __u64 table_gpa(struct vtd_guest *g, __u64 iova, unsigned int lvl)
{
	char *pte = (char *)vtd_guest_pte(g, iova, lvl);

	if (!pte)
		return 0;
	return g->gpa_base + ((pte - g->mem) & ~(PAGE_SIZE - 1));
}

/*
 * GET_HW_INFO and HWPT_ALLOC follow the cap: SLADS and
 * IOMMU_HW_CAP_DIRTY_TRACKING exactly with dirty_tracking=1 and a second
 * stage; DIRTY_TRACKING HWPTs (nest parents included) only then.
 */
TEST_F(vtd_dirty, hw_info_and_alloc)
{
	static const char * const off[] = { "dirty_tracking", "0", NULL };
	static const char * const no_s2[] = {
		"stage2", "0", "nesting", "0", "dirty_tracking", "1", NULL,
	};
	static const char * const devs[] = {
		"vtdd_dflt_dev", "vtdd_off_dev", "vtdd_s1_dev", NULL,
	};
	static const char * const iommus[] = {
		"vtdd_dflt", "vtdd_off", "vtdd_s1", NULL,
	};
	static const __u32 dirty_flags[] = {
		IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
		IOMMU_HWPT_ALLOC_DIRTY_TRACKING | IOMMU_HWPT_ALLOC_NEST_PARENT,
		IOMMU_HWPT_ALLOC_DIRTY_TRACKING | IOMMU_HWPT_ALLOC_PASID,
	};
	unsigned long long val = 2;
	__u64 ecap, caps;
	__u32 id = 0, hwpt;
	unsigned int i, j;
	int dfd;

	ASSERT_OK(emu_cfs_readu("iommus", INST, "dirty_tracking", &val));
	ASSERT_EQ(1, val);
	ASSERT_OK(hw_info_caps(self->fd, self->dev_id, &ecap, &caps));
	EXPECT_TRUE(ecap & VTD_ECAP_SLADS);
	EXPECT_TRUE(caps & IOMMU_HW_CAP_DIRTY_TRACKING);
	for (i = 0; i < ARRAY_SIZE(dirty_flags); i++) {
		ASSERT_OK(vtd_hwpt_paging(self->fd, self->dev_id, self->ioas,
					  dirty_flags[i], &hwpt));
		ASSERT_OK(set_tracking(self->fd, hwpt, TRACK_ON));
		ASSERT_OK(emu_destroy(self->fd, hwpt));
	}

	/* The default, an explicit 0, and 1 without a second stage */
	ASSERT_OK(vtd_make_iommu("vtdd_dflt", NULL));
	ASSERT_OK(vtd_make_iommu("vtdd_off", off));
	ASSERT_OK(vtd_make_iommu("vtdd_s1", no_s2));
	ASSERT_OK(emu_cfs_readu("iommus", "vtdd_dflt", "dirty_tracking", &val));
	EXPECT_EQ(0, val);
	ASSERT_OK(emu_cfs_readu("iommus", "vtdd_s1", "dirty_tracking", &val));
	EXPECT_EQ(1, val);
	for (i = 0; devs[i]; i++) {
		ASSERT_OK(vtd_make_dev(devs[i], iommus[i], 0x100, 0, 8));
		dfd = vtd_dev_open_bind(devs[i], self->fd, &id);
		ASSERT_LE(0, dfd);
		ASSERT_OK(hw_info_caps(self->fd, id, &ecap, &caps));
		EXPECT_FALSE(ecap & VTD_ECAP_SLADS) TH_LOG("%s", iommus[i]);
		EXPECT_FALSE(caps & IOMMU_HW_CAP_DIRTY_TRACKING)
			TH_LOG("%s", iommus[i]);
		for (j = 0; j < ARRAY_SIZE(dirty_flags); j++)
			EXPECT_RC_FOR(iommus[i], -EOPNOTSUPP,
				      vtd_hwpt_paging(self->fd, id, self->ioas,
						      dirty_flags[j], &hwpt));
		/* without the flag the same device is fine */
		ASSERT_OK(vtd_hwpt_paging(self->fd, id, self->ioas, 0, &hwpt));
		ASSERT_OK(emu_destroy(self->fd, hwpt));
		close(dfd);
	}
	emu_cfs_cleanup(devs, iommus);

	/* A boolean, written before the instance is enabled */
	EXPECT_ERR(EBUSY, emu_cfs_write("iommus", INST, "dirty_tracking", "0"));
	ASSERT_OK(emu_cfs_mkdir("iommus", "vtdd_new"));
	ASSERT_OK(emu_cfs_write("iommus", "vtdd_new", "type", "vtd"));
	EXPECT_ERR(EINVAL, emu_cfs_write("iommus", "vtdd_new",
					 "dirty_tracking", "2"));
	ASSERT_OK(emu_cfs_rmdir("iommus", "vtdd_new"));
}

/* Second stage only: DMA writes mark exactly the pages they wrote, once */
TEST_F(vtd_dirty, ss_writes)
{
	static const char bytes[2] = { 0x61, 0x62 };

	ASSERT_OK(set_tracking(self->fd, self->ss, TRACK_ON));
	read_guest(self->ss, 0);
	expect_clean();

	ASSERT_OK(vtd_dma_poke(self->dfd, 0, DATA_GPA(1) + 7, 0x5a));
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, DATA_GPA(5), 0x5b));
	/* Two bytes across the boundary of pages 6 and 7 */
	ASSERT_OK(vtd_dma_write(self->dfd, 0, DATA_GPA(7) - 1, bytes, 2));
	ASSERT_EQ(0x5a, self->host[PAGE_SIZE + 7]);
	ASSERT_EQ(0x5b, self->host[5 * PAGE_SIZE]);
	ASSERT_EQ(0x62, self->host[7 * PAGE_SIZE]);

	read_guest(self->ss, 0);
	expect_pages(DATA_GPA(1), DATA_GPA(5), DATA_GPA(6), DATA_GPA(7));
	/* Reported and cleared: a second read finds nothing */
	read_guest(self->ss, 0);
	expect_clean();
	/* ... until the page is written again */
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, DATA_GPA(5) + 1, 0x5c));
	read_guest(self->ss, 0);
	expect_pages(DATA_GPA(5));
}

TEST_F(vtd_dirty, ss_no_clear)
{
	ASSERT_OK(set_tracking(self->fd, self->ss, TRACK_ON));
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, DATA_GPA(2), 1));
	read_guest(self->ss, NO_CLEAR);
	expect_pages(DATA_GPA(2));
	read_guest(self->ss, NO_CLEAR);
	expect_pages(DATA_GPA(2));
	read_guest(self->ss, 0);
	expect_pages(DATA_GPA(2));
	read_guest(self->ss, 0);
	expect_clean();
}

/* Reads set accessed flags only; a later write to the page still marks */
TEST_F(vtd_dirty, ss_reads)
{
	char buf[NPAGES * PAGE_SIZE];
	unsigned int i;

	ASSERT_OK(set_tracking(self->fd, self->ss, TRACK_ON));
	ASSERT_OK(vtd_dma_read(self->dfd, 0, self->data, buf, sizeof(buf)));
	for (i = 0; i < NPAGES; i++)
		ASSERT_EQ(0x10 + i, buf[i * PAGE_SIZE + 9]);
	ASSERT_EQ(0x13, vtd_dma_peek(self->dfd, 0, DATA_GPA(3)));
	read_guest(self->ss, NO_CLEAR);
	expect_clean();
	read_guest(self->ss, 0);
	expect_clean();

	ASSERT_OK(vtd_dma_poke(self->dfd, 0, DATA_GPA(3), 0x33));
	read_guest(self->ss, 0);
	expect_pages(DATA_GPA(3));
}

/*
 * Writes mark nothing on a HWPT that never tracked or stopped; stopping
 * keeps what was recorded, starting again forgets it.
 */
TEST_F(vtd_dirty, ss_tracking_off)
{
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, DATA_GPA(0), 1));
	read_guest(self->ss, 0);
	expect_clean();

	ASSERT_OK(set_tracking(self->fd, self->ss, TRACK_ON));
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, DATA_GPA(1), 1));
	ASSERT_OK(set_tracking(self->fd, self->ss, TRACK_OFF));
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, DATA_GPA(2), 1));
	read_guest(self->ss, NO_CLEAR);
	expect_pages(DATA_GPA(1));

	ASSERT_OK(set_tracking(self->fd, self->ss, TRACK_ON));
	read_guest(self->ss, 0);
	expect_clean();
	ASSERT_OK(set_tracking(self->fd, self->ss, TRACK_OFF));
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, DATA_GPA(3), 1));
	read_guest(self->ss, 0);
	expect_clean();
	ASSERT_EQ(1, self->host[3 * PAGE_SIZE]);
}

/* A sub-range reports and clears only itself; coarser bits */
TEST_F(vtd_dirty, ss_ranges)
{
	__u64 first = (self->data - GUEST_GPA) / PAGE_SIZE;
	__u8 small[1] = { 0 };
	__u8 coarse[1] = { 0 };

	ASSERT_OK(set_tracking(self->fd, self->ss, TRACK_ON));
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, DATA_GPA(1), 1));
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, DATA_GPA(4), 1));

	/* Pages 3..5 of the data: bit 1 is page 4 */
	ASSERT_OK(get_bitmap(self->fd, self->ss, 0, DATA_GPA(3),
			     3 * PAGE_SIZE, PAGE_SIZE, small));
	ASSERT_EQ(0x02, small[0]);
	read_guest(self->ss, NO_CLEAR);
	expect_pages(DATA_GPA(1));

	/* 2 MiB per bit: the data pages are in the first block of two */
	ASSERT_OK(get_bitmap(self->fd, self->ss, 0, GUEST_GPA, GUEST_SIZE,
			     SZ_2M, coarse));
	ASSERT_EQ(0x01, coarse[0]);
	ASSERT_GT(SZ_2M / PAGE_SIZE, first + NPAGES);
	read_guest(self->ss, 0);
	expect_clean();
}

/* Every third guest page, from page @from on: GPA of the @i-th, or 0 */
static __u64 third_page(unsigned long from, unsigned long i)
{
	unsigned long page = from + 3 * i;

	return page < GUEST_PAGES ? GUEST_GPA + page * PAGE_SIZE : 0;
}

/* The device writes the last byte of every third guest page from @from */
static int write_thirds(int dfd, unsigned long from)
{
	unsigned long i;
	int rc = 0;

	for (i = 0; !rc && third_page(from, i); i++)
		rc = vtd_dma_poke(dfd, 0, third_page(from, i) + PAGE_SIZE - 1,
				  0x77);
	return rc;
}

/* Exactly every third page of [@from, @to) is marked in @map */
static void check_thirds(struct __test_metadata *_metadata, const __u8 *map,
			 unsigned long from, unsigned long to)
{
	unsigned long page;

	/* Braces: the handler after ASSERT_EQ() is a statement of its own */
	for (page = 0; page < GUEST_PAGES; page++) {
		ASSERT_EQ(page >= from && page < to && (page - from) % 3 == 0,
			  map_bit(map, page))
			TH_LOG("guest page %lu", page);
	}
}

/*
 * Many more dirty leaves than the driver takes from its tables at a time:
 * all of them are reported, once.
 */
TEST_F(vtd_dirty, ss_many_leaves)
{
	ASSERT_OK(set_tracking(self->fd, self->ss, TRACK_ON));
	ASSERT_OK(write_thirds(self->dfd, 0));
	read_guest(self->ss, NO_CLEAR);
	check_thirds(_metadata, self->map, 0, GUEST_PAGES);
	read_guest(self->ss, 0);
	check_thirds(_metadata, self->map, 0, GUEST_PAGES);
	read_guest(self->ss, 0);
	expect_clean();
}

/*
 * The second half of the bitmap cannot be written: EFAULT. What was
 * reported before (the first half) is cleared, and every leaf after the
 * failure, also those cleared with it in one go, is still dirty.
 */
TEST_F(vtd_dirty, ss_report_fails_keeps_dirty)
{
	/* Bytes of bitmap for half of guest memory, and its pages */
	const size_t half = GUEST_PAGES / 8 / 2;
	const unsigned long half_pages = half * 8;
	/* The first written page of the second half */
	const unsigned long second = (half_pages + 2) / 3 * 3;
	__u8 *buf, *map;

	buf = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_OK(mprotect(buf + PAGE_SIZE, PAGE_SIZE, PROT_NONE));
	map = buf + PAGE_SIZE - half;
	memset(map, 0, half);

	ASSERT_OK(set_tracking(self->fd, self->ss, TRACK_ON));
	ASSERT_OK(write_thirds(self->dfd, 0));
	EXPECT_ERR(EFAULT, get_bitmap(self->fd, self->ss, 0, GUEST_GPA,
				      GUEST_SIZE, PAGE_SIZE, map));
	/* The pages of the first half were reported */
	memset(self->map, 0, sizeof(self->map));
	memcpy(self->map, map, half);
	check_thirds(_metadata, self->map, 0, half_pages);

	/* ... and only those were cleared */
	read_guest(self->ss, 0);
	check_thirds(_metadata, self->map, second, GUEST_PAGES);
	read_guest(self->ss, 0);
	expect_clean();
	ASSERT_OK(munmap(buf, 2 * PAGE_SIZE));
}

/*
 * With large pages allowed, 2 MiB of physically contiguous memory may be
 * one leaf; a write then marks all its 512 pages. Whichever leaf the
 * kernel built, the report is the whole leaf: one page or the 2 MiB block.
 */
TEST_F(vtd_dirty, large_leaf)
{
	size_t len = 2 * SZ_2M;
	__u64 iova = GUEST_GPA, target = GUEST_GPA + SZ_2M + 5 * PAGE_SIZE;
	unsigned long page, marked = 0, tpage;
	__u32 ioas, hwpt;
	char *raw, *buf;

	raw = mmap(NULL, len + SZ_2M, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, raw);
	buf = (char *)(((uintptr_t)raw + SZ_2M - 1) & ~(uintptr_t)(SZ_2M - 1));
	madvise(buf, len, MADV_HUGEPAGE);
	memset(buf, 0x77, len);

	ASSERT_OK(emu_ioas_alloc(self->fd, &ioas));
	ASSERT_OK(emu_ioas_map(self->fd, ioas, MAP_FIXED_RW, buf, len, &iova));
	ASSERT_OK(vtd_hwpt_paging(self->fd, self->dev_id, ioas,
				  IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &hwpt));
	ASSERT_OK(vtd_dev_attach(self->dfd, 0, hwpt));
	ASSERT_OK(set_tracking(self->fd, hwpt, TRACK_ON));
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, target, 0x42));
	ASSERT_EQ(0x42, buf[target - GUEST_GPA]);

	read_guest(hwpt, 0);
	tpage = (target - GUEST_GPA) / PAGE_SIZE;
	for (page = 0; page < GUEST_PAGES; page++)
		marked += map_bit(self->map, page);
	TH_LOG("the write marked %lu page(s)", marked);
	ASSERT_TRUE(marked == 1 || marked == SZ_2M / PAGE_SIZE);
	for (page = 0; page < GUEST_PAGES; page++) {
		bool want = marked == 1 ? page == tpage :
			    page / 512 == tpage / 512;

		ASSERT_EQ(want, map_bit(self->map, page)) TH_LOG("page %lu",
								 page);
	}
	read_guest(hwpt, 0);
	expect_clean();

	ASSERT_OK(vtd_dev_attach(self->dfd, 0, self->ss));
	ASSERT_OK(emu_destroy(self->fd, hwpt));
	ASSERT_OK(emu_destroy(self->fd, ioas));
	munmap(raw, len + SZ_2M);
}

/*
 * The guest maps the data pages at FS_IOVA; the RID goes on a first-stage
 * HWPT over a new DIRTY_TRACKING nest parent, which starts tracking.
 * @_tables[n] is the GPA of the level n + 1 table of FS_IOVA.
 */
#define nested_setup(_parent_p, _s1_p, _tables) do {			\
	__u32 *__parent = (_parent_p), *__s1 = (_s1_p);			\
	__u64 *__tables = (_tables);					\
	struct iommu_hwpt_vtd_s1 __data;				\
	unsigned int __lvl;						\
									\
	ASSERT_OK(vtd_hwpt_paging(self->fd, self->dev_id, self->ioas,	\
				  IOMMU_HWPT_ALLOC_NEST_PARENT |	\
				  IOMMU_HWPT_ALLOC_DIRTY_TRACKING,	\
				  __parent));				\
	ASSERT_OK(vtd_guest_map(&self->g, FS_IOVA, self->data,		\
				NPAGES * PAGE_SIZE, FS_LEAF_RW));	\
	__data = vtd_guest_s1(&self->g, 0);				\
	ASSERT_OK(vtd_hwpt_s1(self->fd, self->dev_id, *__parent, 0,	\
			      &__data, __s1));				\
	ASSERT_OK(vtd_dev_attach(self->dfd, 0, *__s1));			\
	for (__lvl = 1; __lvl <= 4; __lvl++) {				\
		__tables[__lvl - 1] = table_gpa(&self->g, FS_IOVA, __lvl); \
		ASSERT_NE(0, __tables[__lvl - 1]);			\
	}								\
	ASSERT_EQ(self->g.root, __tables[3]);				\
	ASSERT_OK(set_tracking(self->fd, *__parent, TRACK_ON));		\
} while (0)

/* Back to the fixture's second stage; the nested HWPTs go */
#define nested_teardown(_parent, _s1) do {				\
	ASSERT_OK(vtd_dev_attach(self->dfd, 0, self->ss));		\
	ASSERT_OK(emu_destroy(self->fd, _s1));				\
	ASSERT_OK(emu_destroy(self->fd, _parent));			\
} while (0)

/*
 * A first-stage HWPT over a tracking nest parent: writes mark the output
 * page and the guest table pages whose A/D flags the walk set; after a
 * clearing read the IOTLB is empty, so the next write marks again.
 */
TEST_F(vtd_dirty, nested_writes)
{
	__u64 tables[4];
	__u32 parent, s1;
	unsigned int lvl;

	nested_setup(&parent, &s1, tables);
	read_guest(parent, 0);
	expect_clean();

	/* First write: A on all four levels, D on the leaf, and the data */
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, IOVA(2) + 3, 0xd2));
	ASSERT_EQ((char)0xd2, self->host[2 * PAGE_SIZE + 3]);
	for (lvl = 2; lvl <= 4; lvl++)
		ASSERT_TRUE(vtd_pte_get(&self->g, IOVA(2), lvl) & FS_A);
	ASSERT_EQ(FS_A | FS_D,
		  vtd_pte_get(&self->g, IOVA(2), 1) & (FS_A | FS_D));
	read_guest(parent, 0);
	expect_pages(DATA_GPA(2), tables[0], tables[1], tables[2], tables[3]);
	read_guest(parent, 0);
	expect_clean();

	/* Flags all set: only the data page, walked again after the clear */
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, IOVA(2) + 4, 0xd3));
	read_guest(parent, 0);
	expect_pages(DATA_GPA(2));
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, IOVA(2) + 5, 0xd4));
	read_guest(parent, NO_CLEAR);
	expect_pages(DATA_GPA(2));
	read_guest(parent, 0);
	expect_pages(DATA_GPA(2));
	read_guest(parent, 0);
	expect_clean();

	/* Another page under the same tables: its leaf's table and data */
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, IOVA(6), 0xd6));
	read_guest(parent, 0);
	expect_pages(DATA_GPA(6), tables[0]);

	/* The parent stops: nested writes mark nothing */
	ASSERT_OK(set_tracking(self->fd, parent, TRACK_OFF));
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, IOVA(7), 0xd7));
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, IOVA(2), 0xd8));
	ASSERT_EQ((char)0xd7, self->host[7 * PAGE_SIZE]);
	read_guest(parent, 0);
	expect_clean();

	/*
	 * Tracking again: the translations cached while it was off must not
	 * let the next writes past the dirty flags (live migration starts
	 * while the device writes).
	 */
	ASSERT_OK(set_tracking(self->fd, parent, TRACK_ON));
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, IOVA(7) + 1, 0xd9));
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, IOVA(2) + 1, 0xda));
	read_guest(parent, 0);
	expect_pages(DATA_GPA(2), DATA_GPA(7));

	nested_teardown(parent, s1);
}

/*
 * Nested reads never mark the data page; the accessed flags the walk
 * sets in guest tables are IOMMU writes and mark those table pages.
 */
TEST_F(vtd_dirty, nested_reads)
{
	__u64 tables[4];
	__u32 parent, s1;

	nested_setup(&parent, &s1, tables);

	ASSERT_EQ(0x11, vtd_dma_peek(self->dfd, 0, IOVA(1)));
	ASSERT_EQ(0, vtd_pte_get(&self->g, IOVA(1), 1) & FS_D);
	read_guest(parent, 0);
	expect_pages(tables[0], tables[1], tables[2], tables[3]);

	/* Accessed flags already set: reads write nothing */
	ASSERT_EQ(0x11, vtd_dma_peek(self->dfd, 0, IOVA(1)));
	read_guest(parent, 0);
	expect_clean();
	/* A new leaf of the same table: that table page only */
	ASSERT_EQ(0x14, vtd_dma_peek(self->dfd, 0, IOVA(4)));
	read_guest(parent, 0);
	expect_pages(tables[0]);

	nested_teardown(parent, s1);
}

TEST_F(vtd_dirty, errnos)
{
	struct iommu_hwpt_vtd_s1 data = vtd_guest_s1(&self->g, 0);
	__u32 plain, parent, s1;
	__u8 big[GUEST_PAGES / 8];

	/* A HWPT allocated without DIRTY_TRACKING cannot, either way */
	ASSERT_OK(vtd_hwpt_paging(self->fd, self->dev_id, self->ioas, 0,
				  &plain));
	EXPECT_ERR(EOPNOTSUPP, set_tracking(self->fd, plain, TRACK_ON));
	EXPECT_ERR(EOPNOTSUPP, set_tracking(self->fd, plain, TRACK_OFF));
	EXPECT_ERR(EOPNOTSUPP, get_bitmap(self->fd, plain, 0, GUEST_GPA,
					  GUEST_SIZE, PAGE_SIZE, big));

	/* Unknown flags, and ids that are no paging HWPT */
	EXPECT_ERR(EOPNOTSUPP, set_tracking(self->fd, self->ss, 1U << 1));
	EXPECT_ERR(EOPNOTSUPP, get_bitmap(self->fd, self->ss, 1U << 1,
					  GUEST_GPA, GUEST_SIZE, PAGE_SIZE,
					  big));
	EXPECT_ERR(ENOENT, set_tracking(self->fd, NO_SUCH_ID, TRACK_ON));
	EXPECT_ERR(ENOENT, set_tracking(self->fd, self->ioas, TRACK_ON));

	/* Ranges: misaligned to the IOAS or to page_size, empty, wrapping */
	ASSERT_OK(set_tracking(self->fd, self->ss, TRACK_ON));
	ASSERT_OK(get_bitmap(self->fd, self->ss, 0, GUEST_GPA, GUEST_SIZE,
			     PAGE_SIZE, big));
	EXPECT_ERR(EINVAL, get_bitmap(self->fd, self->ss, 0, GUEST_GPA + 512,
				      GUEST_SIZE - PAGE_SIZE, PAGE_SIZE, big));
	EXPECT_ERR(EINVAL, get_bitmap(self->fd, self->ss, 0, GUEST_GPA,
				      GUEST_SIZE - 512, PAGE_SIZE, big));
	EXPECT_ERR(EINVAL, get_bitmap(self->fd, self->ss, 0, GUEST_GPA, 0,
				      PAGE_SIZE, big));
	EXPECT_ERR(EINVAL, get_bitmap(self->fd, self->ss, 0, GUEST_GPA,
				      GUEST_SIZE, 0, big));
	EXPECT_ERR(EINVAL, get_bitmap(self->fd, self->ss, 0,
				      GUEST_GPA + PAGE_SIZE, 2 * PAGE_SIZE,
				      2 * PAGE_SIZE, big));
	EXPECT_ERR(EINVAL, get_bitmap(self->fd, self->ss, 0, GUEST_GPA,
				      3 * PAGE_SIZE, 2 * PAGE_SIZE, big));
	EXPECT_ERR(EOVERFLOW, get_bitmap(self->fd, self->ss, 0,
					 UINT64_MAX - PAGE_SIZE + 1,
					 2 * PAGE_SIZE, PAGE_SIZE, big));

	/* Nested HWPTs do not track: the flag is refused, and the id */
	ASSERT_OK(vtd_hwpt_paging(self->fd, self->dev_id, self->ioas,
				  IOMMU_HWPT_ALLOC_NEST_PARENT |
				  IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &parent));
	EXPECT_ERR(EOPNOTSUPP, vtd_hwpt_s1(self->fd, self->dev_id, parent,
					   IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
					   &data, &s1));
	ASSERT_OK(vtd_hwpt_s1(self->fd, self->dev_id, parent, 0, &data, &s1));
	EXPECT_ERR(ENOENT, set_tracking(self->fd, s1, TRACK_ON));
	EXPECT_ERR(ENOENT, get_bitmap(self->fd, s1, 0, GUEST_GPA, GUEST_SIZE,
				      PAGE_SIZE, big));

	ASSERT_OK(emu_destroy(self->fd, s1));
	ASSERT_OK(emu_destroy(self->fd, parent));
	ASSERT_OK(emu_destroy(self->fd, plain));
}

TEST_HARNESS_MAIN
