// SPDX-License-Identifier: GPL-2.0
/*
 * The emulated VT-d driven the way QEMU drives a host VT-d for an
 * intel-iommu with x-flts=on: a NEST_PARENT second stage mapping guest
 * memory (GPA = IOVA), GET_HW_INFO, first-stage HWPTs built from the
 * guest's own x86-64 tables, replace-attach, pass-through (PGTT=PT) to the
 * parent, the first-stage walk (permissions, accessed and dirty bits),
 * IOMMU_HWPT_INVALIDATE and detach.
 *
 * Each test runs on a 4-level (ias 48) and on a 5-level (ias 57)
 * instance; the 5-level one uses IOVAs above 2^48 so that the fifth level
 * is really walked.
 */
#include "vtd_guest.h"

#define INST		"vtdn_iommu"
#define DEV		"vtdn_dev"
#define GUEST_GPA	0x40000000ULL	/* 1 GiB: 1 GiB-aligned, below MSIs */
#define GUEST_SIZE	(4UL << 20)
#define NPAGES		8

FIXTURE(vtd_nested)
{
	int fd;
	int dfd;
	__u32 dev_id;
	__u32 ioas;
	__u32 parent;		/* NEST_PARENT second stage on ioas */
	struct vtd_guest g;
	__u64 iova;		/* first-stage IOVA of the data pages */
	__u64 data;		/* GPA of NPAGES data pages */
	char *host;		/* host view of the data pages */
};

FIXTURE_VARIANT(vtd_nested)
{
	const char *ias;
	unsigned int levels;
	__u64 iova;
};

FIXTURE_VARIANT_ADD(vtd_nested, four_level)
{
	.ias = "48",
	.levels = 4,
	.iova = 0x7f1234200000ULL,
};

FIXTURE_VARIANT_ADD(vtd_nested, five_level)
{
	.ias = "57",
	.levels = 5,
	.iova = 0xa5000012200000ULL,	/* canonical: bit 56 clear */
};

FIXTURE_SETUP(vtd_nested)
{
	const char * const caps[] = { "ias", variant->ias, NULL };

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

	ASSERT_OK(vtd_guest_init(&self->g, GUEST_SIZE, GUEST_GPA,
				 variant->levels));
	self->data = vtd_guest_data(&self->g, NPAGES, 0x10, &self->host);
	ASSERT_NE(0, self->data);
	self->iova = variant->iova;

	/* QEMU: the device starts on a nest-parent HWPT of guest memory */
	ASSERT_OK(emu_ioas_alloc(self->fd, &self->ioas));
	ASSERT_OK(vtd_guest_map_ioas(self->fd, self->ioas, &self->g));
	ASSERT_OK(vtd_hwpt_paging(self->fd, self->dev_id, self->ioas,
				  IOMMU_HWPT_ALLOC_NEST_PARENT,
				  &self->parent));
	ASSERT_OK(vtd_dev_attach(self->dfd, 0, self->parent));
}

FIXTURE_TEARDOWN(vtd_nested)
{
	static const char * const devs[] = { DEV, NULL };
	static const char * const iommus[] = { INST, NULL };
	int *const fds[] = { &self->dfd, &self->fd, NULL };

	vtd_fixture_release(fds, &self->g, devs, iommus);
}

/* Byte @off of data page @page as the host sees it */
#define HOST(_page, _off)	(self->host[(_page) * PAGE_SIZE + (_off)])
#define DATA_GPA(_page)		(self->data + (_page) * PAGE_SIZE)
#define IOVA(_page)		(self->iova + (_page) * PAGE_SIZE)

/* A first-stage HWPT over the guest's current tables, asserting success */
#define new_s1(_flags, _id_p) do {					\
	struct iommu_hwpt_vtd_s1 __s1 = vtd_guest_s1(&self->g, 0);	\
									\
	ASSERT_OK(vtd_hwpt_s1(self->fd, self->dev_id, self->parent,	\
			      _flags, &__s1, _id_p));			\
} while (0)

/* Map all data pages read/write and put the RID on a first-stage HWPT */
#define attach_s1(_id_p) do {						\
	__u32 *__id = (_id_p);						\
									\
	ASSERT_OK(vtd_guest_map(&self->g, self->iova, self->data,	\
				NPAGES * PAGE_SIZE, FS_LEAF_RW));	\
	new_s1(0, __id);						\
	ASSERT_OK(vtd_dev_attach(self->dfd, 0, *__id));			\
} while (0)

TEST_F(vtd_nested, hw_info)
{
	struct iommu_hw_info_vtd info;
	__u32 type = 0;
	__u8 pasid_log2 = 0;

	ASSERT_OK(vtd_hw_info(self->fd, self->dev_id, &info, &type,
			      &pasid_log2));
	EXPECT_EQ(IOMMU_HW_INFO_TYPE_INTEL_VTD, type);
	EXPECT_EQ(0, info.__reserved);
	/* The device issues 8-bit PASIDs, the instance 20-bit ones */
	EXPECT_EQ(8, pasid_log2);
	EXPECT_EQ(19, VTD_ECAP_PSS(info.ecap_reg));
	EXPECT_TRUE(info.ecap_reg & VTD_ECAP_PASID);
	/* What QEMU insists on for x-flts: scalable mode, nesting, CM */
	EXPECT_TRUE(info.ecap_reg & VTD_ECAP_SMTS);
	EXPECT_TRUE(info.ecap_reg & VTD_ECAP_NEST);
	EXPECT_TRUE(info.ecap_reg & VTD_ECAP_FLTS);
	EXPECT_TRUE(info.ecap_reg & VTD_ECAP_SLTS);
	EXPECT_TRUE(info.cap_reg & VTD_CAP_CM);
	/* Defaults of the optional caps: all on */
	EXPECT_TRUE(info.ecap_reg & VTD_ECAP_SRS);
	EXPECT_TRUE(info.ecap_reg & VTD_ECAP_EAFS);
	EXPECT_TRUE(info.ecap_reg & VTD_ECAP_PRS);
	EXPECT_TRUE(info.cap_reg & VTD_CAP_FL1GP);
	/* No dirty tracking in the model */
	EXPECT_FALSE(info.ecap_reg & VTD_ECAP_SLADS);
	/* Widths follow ias: 5-level first stage only with ias 57 */
	EXPECT_EQ(variant->levels == 5 ? 57 : 48, VTD_CAP_MGAW(info.cap_reg));
	EXPECT_EQ(variant->levels == 5, !!(info.cap_reg & VTD_CAP_FL5LP));
	EXPECT_EQ(variant->levels == 5 ? 1U << 3 : 1U << 2,
		  VTD_CAP_SAGAW(info.cap_reg));
}

/* The same registers with every optional capability turned off */
TEST_F(vtd_nested, hw_info_caps_off)
{
	static const char * const caps[] = {
		"sre", "0", "eafe", "0", "prs", "0", "fs_1g", "0",
		"nesting", "0", "pasid_bits", "0", "stage1", "0", NULL,
	};
	static const char * const devs[] = { "vtdn_plain", NULL };
	static const char * const iommus[] = { "vtdn_bare", NULL };
	struct iommu_hw_info_vtd info;
	__u32 dev_id, type = 0, id;
	__u8 pasid_log2 = 0xff;
	int dfd;

	ASSERT_OK(vtd_make_iommu("vtdn_bare", caps));
	ASSERT_OK(vtd_make_dev("vtdn_plain", "vtdn_bare", 0x100, 0, 0));
	dfd = vtd_dev_open_bind("vtdn_plain", self->fd, &dev_id);
	ASSERT_LE(0, dfd);
	ASSERT_OK(vtd_hw_info(self->fd, dev_id, &info, &type, &pasid_log2));
	EXPECT_EQ(IOMMU_HW_INFO_TYPE_INTEL_VTD, type);
	EXPECT_EQ(0, pasid_log2);
	EXPECT_TRUE(info.ecap_reg & VTD_ECAP_SMTS);
	EXPECT_FALSE(info.ecap_reg & VTD_ECAP_NEST);
	EXPECT_FALSE(info.ecap_reg & VTD_ECAP_SRS);
	EXPECT_FALSE(info.ecap_reg & VTD_ECAP_EAFS);
	EXPECT_FALSE(info.ecap_reg & VTD_ECAP_PRS);
	EXPECT_FALSE(info.ecap_reg & VTD_ECAP_PASID);
	EXPECT_FALSE(info.cap_reg & VTD_CAP_FL1GP);
	/* Second stage only */
	EXPECT_FALSE(info.ecap_reg & VTD_ECAP_FLTS);
	EXPECT_TRUE(info.ecap_reg & VTD_ECAP_SLTS);
	/* Without nesting there is no nest parent to build on */
	EXPECT_ERR(EOPNOTSUPP, vtd_hwpt_paging(self->fd, dev_id, self->ioas,
					       IOMMU_HWPT_ALLOC_NEST_PARENT,
					       &id));
	close(dfd);
	emu_cfs_cleanup(devs, iommus);
}

/* QEMU's order: parent, GET_HW_INFO, S1 alloc, replace, DMA, detach */
TEST_F(vtd_nested, qemu_flow)
{
	char buf[3 * PAGE_SIZE];
	__u32 s1, s1b, used = 0;

	ASSERT_OK(vtd_guest_map(&self->g, self->iova, self->data,
				NPAGES * PAGE_SIZE, FS_LEAF_RW));
	new_s1(0, &s1);
	/* Attaching the attached RID again replaces parent by S1 */
	ASSERT_OK(vtd_dev_attach_flags(self->dfd, 0, 0, s1, &used));
	EXPECT_EQ(s1, used);

	/* Reads and writes across pages land on the mapped guest pages */
	ASSERT_OK(vtd_dma_read(self->dfd, 0, IOVA(1) + 100, buf,
			       2 * PAGE_SIZE));
	EXPECT_EQ(0x11, buf[0]);
	EXPECT_EQ(0x11, buf[PAGE_SIZE - 101]);
	EXPECT_EQ(0x12, buf[PAGE_SIZE - 100]);
	EXPECT_EQ(0x13, buf[2 * PAGE_SIZE - 1]);
	memset(buf, 0xc3, sizeof(buf));
	ASSERT_OK(vtd_dma_write(self->dfd, 0, IOVA(4) + 8, buf,
				PAGE_SIZE));
	EXPECT_EQ(0x14, HOST(4, 7));
	EXPECT_EQ((char)0xc3, HOST(4, 8));
	EXPECT_EQ((char)0xc3, HOST(5, 7));
	EXPECT_EQ(0x15, HOST(5, 8));
	/* The first stage translates: the GPA itself is not mapped in it */
	EXPECT_ERR(EIO, vtd_dma_peek(self->dfd, 0, DATA_GPA(0)));

	/* Guest reprograms the entry: new S1 HWPT, replace, destroy old */
	ASSERT_NE(0, vtd_guest_new_root(&self->g, self->g.levels));
	ASSERT_OK(vtd_guest_map(&self->g, self->iova, DATA_GPA(6), PAGE_SIZE,
				FS_LEAF_RW));
	new_s1(0, &s1b);
	ASSERT_OK(vtd_dev_attach(self->dfd, 0, s1b));
	ASSERT_OK(emu_destroy(self->fd, s1));
	EXPECT_EQ(0x16, vtd_dma_peek(self->dfd, 0, IOVA(0)));
	EXPECT_ERR(EIO, vtd_dma_peek(self->dfd, 0, IOVA(1)));
	EXPECT_ERR(EBUSY, emu_destroy(self->fd, s1b));

	/* PGTT=PT: back on the parent, the device uses GPAs directly */
	ASSERT_OK(vtd_dev_attach(self->dfd, 0, self->parent));
	EXPECT_EQ(0x12, vtd_dma_peek(self->dfd, 0, DATA_GPA(2)));
	EXPECT_ERR(EIO, vtd_dma_peek(self->dfd, 0, IOVA(0)));
	ASSERT_OK(emu_destroy(self->fd, s1b));

	/* Entry cleared: detach blocks all DMA */
	ASSERT_OK(vtd_dev_detach(self->dfd, 0));
	EXPECT_ERR(EIO, vtd_dma_peek(self->dfd, 0, DATA_GPA(2)));
	EXPECT_ERR(EIO, vtd_dma_poke(self->dfd, 0, DATA_GPA(2), 1));
	EXPECT_EQ(0x12, HOST(2, 0));
	/* The parent outlives its nested HWPTs and is free now */
	ASSERT_OK(emu_destroy(self->fd, self->parent));
}

/* The walk sets A on every level it uses, D on leaves it writes through */
TEST_F(vtd_nested, accessed_dirty)
{
	unsigned int lvl;
	__u32 s1;
	char c;

	attach_s1(&s1);
	for (lvl = self->g.levels; lvl >= 1; lvl--)
		ASSERT_EQ(0, vtd_pte_get(&self->g, IOVA(0), lvl) &
			  (FS_A | FS_D));

	ASSERT_OK(vtd_dma_read(self->dfd, 0, IOVA(0), &c, 1));
	for (lvl = self->g.levels; lvl >= 1; lvl--) {
		__u64 pte = vtd_pte_get(&self->g, IOVA(0), lvl);

		EXPECT_TRUE(pte & FS_A);
		/* Reads never dirty; tables never get D; EA needs EAFE */
		EXPECT_FALSE(pte & FS_D);
		EXPECT_FALSE(pte & FS_EA);
	}
	/* Another page of the same table is untouched */
	EXPECT_FALSE(vtd_pte_get(&self->g, IOVA(1), 1) & FS_A);

	/* A write through a translation cached as clean still sets D */
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, IOVA(0), 0x77));
	EXPECT_EQ(0x77, HOST(0, 0));
	EXPECT_TRUE(vtd_pte_get(&self->g, IOVA(0), 1) & FS_D);
	for (lvl = self->g.levels; lvl >= 2; lvl--)
		EXPECT_FALSE(vtd_pte_get(&self->g, IOVA(0), lvl) & FS_D);

	/* A first write sets both on a fresh page */
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, IOVA(3), 0x78));
	EXPECT_EQ((FS_A | FS_D), vtd_pte_get(&self->g, IOVA(3), 1) &
		  (FS_A | FS_D));
	/* and the rest of the entry is left as the guest wrote it */
	EXPECT_EQ(DATA_GPA(3) | FS_LEAF_RW | FS_A | FS_D,
		  vtd_pte_get(&self->g, IOVA(3), 1));
}

/* With EAFE the walk sets the extended-accessed flag next to A */
TEST_F(vtd_nested, extended_accessed)
{
	struct iommu_hwpt_vtd_s1 s1d;
	unsigned int lvl;
	__u32 s1;

	ASSERT_OK(vtd_guest_map(&self->g, self->iova, self->data,
				NPAGES * PAGE_SIZE, FS_LEAF_RW));
	s1d = vtd_guest_s1(&self->g, IOMMU_VTD_S1_EAFE);
	ASSERT_OK(vtd_hwpt_s1(self->fd, self->dev_id, self->parent, 0, &s1d,
			      &s1));
	ASSERT_OK(vtd_dev_attach(self->dfd, 0, s1));
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, IOVA(2), 0x42));
	for (lvl = self->g.levels; lvl >= 1; lvl--)
		EXPECT_EQ(FS_A | FS_EA, vtd_pte_get(&self->g, IOVA(2), lvl) &
			  (FS_A | FS_EA));
	EXPECT_TRUE(vtd_pte_get(&self->g, IOVA(2), 1) & FS_D);
	EXPECT_EQ(0, vtd_pte_get(&self->g, IOVA(3), 1) & (FS_A | FS_EA));
}

/* Present, writable and user bits are checked on every level */
TEST_F(vtd_nested, permissions)
{
	__u64 ro_table = self->iova + (1ULL << 30);	/* own PD and PT */
	__u64 sup_table = self->iova + (2ULL << 30);
	__u32 s1;

	ASSERT_OK(vtd_guest_map(&self->g, self->iova, self->data,
				NPAGES * PAGE_SIZE, FS_LEAF_RW));
	/* page 1: read-only leaf; page 2: supervisor-only leaf */
	ASSERT_OK(vtd_guest_map(&self->g, IOVA(1), DATA_GPA(1), PAGE_SIZE,
				FS_LEAF_RO));
	ASSERT_OK(vtd_guest_map(&self->g, IOVA(2), DATA_GPA(2), PAGE_SIZE,
				FS_P | FS_RW));
	/* page 3: not present */
	ASSERT_OK(vtd_pte_set(&self->g, IOVA(3), 1, 0));
	/* a writable leaf under a read-only directory entry */
	ASSERT_OK(vtd_guest_map(&self->g, ro_table, DATA_GPA(4), PAGE_SIZE,
				FS_LEAF_RW));
	ASSERT_OK(vtd_pte_update(&self->g, ro_table, 2, FS_RW, 0));
	/* a user leaf under a supervisor-only directory entry */
	ASSERT_OK(vtd_guest_map(&self->g, sup_table, DATA_GPA(5), PAGE_SIZE,
				FS_LEAF_RW));
	ASSERT_OK(vtd_pte_update(&self->g, sup_table, 2, FS_US, 0));
	new_s1(0, &s1);
	ASSERT_OK(vtd_dev_attach(self->dfd, 0, s1));

	EXPECT_EQ(0x11, vtd_dma_peek(self->dfd, 0, IOVA(1)));
	EXPECT_ERR(EIO, vtd_dma_poke(self->dfd, 0, IOVA(1), 0xee));
	EXPECT_EQ(0x11, HOST(1, 0));
	/* a refused write does not dirty the entry */
	EXPECT_FALSE(vtd_pte_get(&self->g, IOVA(1), 1) & FS_D);

	EXPECT_EQ(0x14, vtd_dma_peek(self->dfd, 0, ro_table));
	EXPECT_ERR(EIO, vtd_dma_poke(self->dfd, 0, ro_table, 0xee));
	EXPECT_EQ(0x14, HOST(4, 0));

	/* Device DMA is a user request: U/S=0 anywhere on the walk faults */
	EXPECT_ERR(EIO, vtd_dma_peek(self->dfd, 0, IOVA(2)));
	EXPECT_ERR(EIO, vtd_dma_poke(self->dfd, 0, IOVA(2), 0xee));
	EXPECT_ERR(EIO, vtd_dma_peek(self->dfd, 0, sup_table));
	EXPECT_EQ(0x12, HOST(2, 0));
	EXPECT_EQ(0x15, HOST(5, 0));

	EXPECT_ERR(EIO, vtd_dma_peek(self->dfd, 0, IOVA(3)));
	/* A mapped IOVA made non-canonical (above the table's width) */
	EXPECT_ERR(EIO, vtd_dma_peek(self->dfd, 0, IOVA(0) |
				     BIT_ULL(variant->levels == 5 ? 57 : 48)));
	/* A transfer stops at the fault; the pages before it went through */
	{
		char buf[2 * PAGE_SIZE];

		memset(buf, 0xab, sizeof(buf));
		EXPECT_ERR(EIO, vtd_dma_write(self->dfd, 0, IOVA(0), buf,
					      sizeof(buf)));
		EXPECT_EQ((char)0xab, HOST(0, PAGE_SIZE - 1));
		EXPECT_EQ(0x11, HOST(1, 0));
	}
	/* Neighbours are fine */
	EXPECT_OK(vtd_dma_poke(self->dfd, 0, IOVA(6), 0x66));
	EXPECT_EQ(0x66, HOST(6, 0));
}

/* A first-stage table page outside guest memory: the second stage faults */
TEST_F(vtd_nested, table_outside_guest_memory)
{
	__u32 s1;

	ASSERT_OK(vtd_guest_map(&self->g, self->iova, self->data,
				NPAGES * PAGE_SIZE, FS_LEAF_RW));
	ASSERT_OK(vtd_pte_update(&self->g, IOVA(0), 2, FS_ADDR_MASK,
				 GUEST_GPA + GUEST_SIZE + SZ_2M));
	new_s1(0, &s1);
	ASSERT_OK(vtd_dev_attach(self->dfd, 0, s1));
	EXPECT_ERR(EIO, vtd_dma_peek(self->dfd, 0, IOVA(0)));
	/* and a root outside it */
	{
		struct iommu_hwpt_vtd_s1 s1d = vtd_guest_s1(&self->g, 0);
		__u32 bad;

		s1d.pgtbl_addr = GUEST_GPA + GUEST_SIZE;
		ASSERT_OK(vtd_hwpt_s1(self->fd, self->dev_id, self->parent, 0,
				      &s1d, &bad));
		ASSERT_OK(vtd_dev_attach(self->dfd, 0, bad));
		EXPECT_ERR(EIO, vtd_dma_peek(self->dfd, 0, IOVA(0)));
	}
}

/* A 2 MiB leaf (PS at the directory level) and a 1 GiB one */
TEST_F(vtd_nested, large_leaves)
{
	__u64 gib = self->iova & ~((1ULL << 30) - 1);
	__u64 big = gib + (3ULL << 30);		/* own PD */
	__u64 huge = gib + (1ULL << 39);	/* own PDPT */
	__u64 off = DATA_GPA(2) - GUEST_GPA;
	__u32 s1;

	/* 2 MiB at the guest's first 2 MiB, which holds the data pages */
	ASSERT_OK(vtd_guest_map_large(&self->g, big, GUEST_GPA, 2,
				      FS_LEAF_RW));
	/* 1 GiB at the guest's GiB (guest memory starts it) */
	ASSERT_OK(vtd_guest_map_large(&self->g, huge, GUEST_GPA, 3,
				      FS_LEAF_RW));
	new_s1(0, &s1);
	ASSERT_OK(vtd_dev_attach(self->dfd, 0, s1));

	ASSERT_LT(off + PAGE_SIZE, SZ_2M);
	EXPECT_EQ(0x12, vtd_dma_peek(self->dfd, 0, big + off));
	EXPECT_EQ(FS_A, vtd_pte_get(&self->g, big, 2) & (FS_A | FS_D));
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, big + off + 1, 0x5e));
	EXPECT_EQ(0x5e, HOST(2, 1));
	EXPECT_TRUE(vtd_pte_get(&self->g, big, 2) & FS_D);

	EXPECT_EQ(0x12, vtd_dma_peek(self->dfd, 0, huge + off));
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, huge + off + 2, 0x5f));
	EXPECT_EQ(0x5f, HOST(2, 2));
	EXPECT_TRUE(vtd_pte_get(&self->g, huge, 3) & FS_D);
	/* beyond guest memory inside the same GiB: the second stage faults */
	EXPECT_ERR(EIO, vtd_dma_peek(self->dfd, 0, huge + GUEST_SIZE));
}

/*
 * The IOTLB keeps a translation until the guest invalidates it: an edit
 * stays invisible through an invalidation of another range and shows after
 * a page-selective one, a LEAF one or the full flush.
 */
TEST_F(vtd_nested, invalidation)
{
	__u32 s1;

	attach_s1(&s1);
	ASSERT_EQ(0x12, vtd_dma_peek(self->dfd, 0, IOVA(2)));

	/* IOVA(2) now points at data page 6 */
	ASSERT_OK(vtd_pte_set(&self->g, IOVA(2), 1, DATA_GPA(6) | FS_LEAF_RW));
	EXPECT_EQ(0x12, vtd_dma_peek(self->dfd, 0, IOVA(2)));
	ASSERT_OK(vtd_invalidate(self->fd, s1, IOVA(3), 4, 0));
	ASSERT_OK(vtd_invalidate(self->fd, s1, IOVA(0), 2, 0));
	ASSERT_OK(vtd_invalidate(self->fd, s1, IOVA(2) + (1ULL << 30), 1, 0));
	EXPECT_EQ(0x12, vtd_dma_peek(self->dfd, 0, IOVA(2)));
	ASSERT_OK(vtd_invalidate(self->fd, s1, IOVA(2), 1, 0));
	EXPECT_EQ(0x16, vtd_dma_peek(self->dfd, 0, IOVA(2)));

	/* A range covering it, with the leaf hint */
	ASSERT_OK(vtd_pte_set(&self->g, IOVA(2), 1, DATA_GPA(7) | FS_LEAF_RW));
	EXPECT_EQ(0x16, vtd_dma_peek(self->dfd, 0, IOVA(2)));
	ASSERT_OK(vtd_invalidate(self->fd, s1, IOVA(1), 3,
				 IOMMU_VTD_INV_FLAGS_LEAF));
	EXPECT_EQ(0x17, vtd_dma_peek(self->dfd, 0, IOVA(2)));

	/* Everything */
	ASSERT_OK(vtd_pte_set(&self->g, IOVA(2), 1, DATA_GPA(5) | FS_LEAF_RW));
	EXPECT_EQ(0x17, vtd_dma_peek(self->dfd, 0, IOVA(2)));
	ASSERT_OK(vtd_invalidate_all(self->fd, s1));
	EXPECT_EQ(0x15, vtd_dma_peek(self->dfd, 0, IOVA(2)));

	/* Taking the permission away needs an invalidation too */
	ASSERT_OK(vtd_dma_poke(self->dfd, 0, IOVA(2), 0x25));
	ASSERT_OK(vtd_pte_set(&self->g, IOVA(2), 1, DATA_GPA(5) | FS_LEAF_RO));
	EXPECT_OK(vtd_dma_poke(self->dfd, 0, IOVA(2), 0x26));
	EXPECT_EQ(0x26, HOST(5, 0));
	ASSERT_OK(vtd_invalidate(self->fd, s1, IOVA(2), 1,
				 IOMMU_VTD_INV_FLAGS_LEAF));
	EXPECT_ERR(EIO, vtd_dma_poke(self->dfd, 0, IOVA(2), 0x27));
	EXPECT_EQ(0x26, HOST(5, 0));

	/* Present to not present: DMA works until the invalidation */
	EXPECT_EQ(0x26, vtd_dma_peek(self->dfd, 0, IOVA(2)));
	ASSERT_OK(vtd_pte_set(&self->g, IOVA(2), 1, 0));
	EXPECT_EQ(0x26, vtd_dma_peek(self->dfd, 0, IOVA(2)));
	ASSERT_OK(vtd_invalidate(self->fd, s1, IOVA(2), 1, 0));
	EXPECT_ERR(EIO, vtd_dma_peek(self->dfd, 0, IOVA(2)));

	/* A directory entry edit, flushed without the leaf hint */
	EXPECT_EQ(0x13, vtd_dma_peek(self->dfd, 0, IOVA(3)));
	ASSERT_OK(vtd_pte_update(&self->g, IOVA(3), 2, FS_P, 0));
	ASSERT_OK(vtd_invalidate(self->fd, s1, IOVA(3), 1, 0));
	EXPECT_ERR(EIO, vtd_dma_peek(self->dfd, 0, IOVA(3)));
}

/* Invalidating one nested HWPT does not flush another one's entries */
TEST_F(vtd_nested, invalidation_per_hwpt)
{
	__u32 s1, other;

	attach_s1(&s1);
	new_s1(0, &other);
	ASSERT_EQ(0x10, vtd_dma_peek(self->dfd, 0, IOVA(0)));
	ASSERT_OK(vtd_pte_set(&self->g, IOVA(0), 1, DATA_GPA(4) | FS_LEAF_RW));
	ASSERT_OK(vtd_invalidate_all(self->fd, other));
	EXPECT_EQ(0x10, vtd_dma_peek(self->dfd, 0, IOVA(0)));
	ASSERT_OK(vtd_invalidate_all(self->fd, s1));
	EXPECT_EQ(0x14, vtd_dma_peek(self->dfd, 0, IOVA(0)));
	/* Replace to the other HWPT walks afresh, no flush needed */
	ASSERT_OK(vtd_pte_set(&self->g, IOVA(0), 1, DATA_GPA(5) | FS_LEAF_RW));
	ASSERT_OK(vtd_dev_attach(self->dfd, 0, other));
	EXPECT_EQ(0x15, vtd_dma_peek(self->dfd, 0, IOVA(0)));
}

/* Second-stage changes (IOAS unmap) reach nested translations by themselves */
TEST_F(vtd_nested, parent_unmap)
{
	__u32 s1;

	attach_s1(&s1);
	ASSERT_EQ(0x10, vtd_dma_peek(self->dfd, 0, IOVA(0)));
	ASSERT_OK(emu_ioas_unmap(self->fd, self->ioas, GUEST_GPA,
				 GUEST_SIZE, NULL));
	EXPECT_ERR(EIO, vtd_dma_peek(self->dfd, 0, IOVA(0)));
	ASSERT_OK(vtd_guest_map_ioas(self->fd, self->ioas, &self->g));
	EXPECT_EQ(0x10, vtd_dma_peek(self->dfd, 0, IOVA(0)));
}

TEST_HARNESS_MAIN
