// SPDX-License-Identifier: GPL-2.0
/*
 * The emulated SMMUv3 with nesting, driven the way QEMU's accelerated
 * vSMMU drives it: the bring-up order, what GET_HW_INFO reports, stage-1
 * translation over stage 2 from tables a guest-style driver builds in
 * IOAS memory (smmuv3_guest.h), abort and bypass vSTEs, SubstreamIDs, and
 * the caches: a guest's table or CD edit stays invisible to DMA until the
 * matching invalidation, and other invalidations leave it cached.
 *
 * Topology: instance "smn_smmu" (defaults: 48-bit IAS/OAS, 20 SSID bits,
 * range invalidation) with devices "smn_a" (StreamID 0x100, 8 PASID bits)
 * and "smn_b" (0x101), known to the guest as virtual StreamIDs 0x8 and
 * 0x10.
 */
#include "smmuv3_guest.h"

#define INST		"smn_smmu"
#define VSID_A		0x8
#define VSID_B		0x10
/* A stage-1 VA whose four table indices all differ from 0 */
#define VA		0x00007f1234561000ULL
#define ASID		0x2a
#define OTHER_ASID	0x2b
/* 64 pages above VA: outside every single-page or range TLBI used here */
#define FAR_VA		(VA + 64 * PAGE_SIZE)

/* The same members in every fixture of this file */
#define SMN_MEMBERS							\
	struct sm_vm vm;						\
	struct sm_vdev dev[2];						\
	struct sm_s1 s1;						\
	__u64 cdtab

static void smn_topology_down(void)
{
	emu_cfs_rmdir("devices", "smn_a");
	emu_cfs_rmdir("devices", "smn_b");
	emu_cfs_rmdir("iommus", INST);
	emu_cfs_rmdir("iommus", "smn_other");
}

/* Returns false when the module is not there (the test then skips) */
static bool smn_prepare(struct __test_metadata *_metadata, struct sm_vm *vm,
			struct sm_vdev *dev)
{
	static const char *const names[] = { "smn_a", "smn_b" };
	static const __u32 vsids[] = { VSID_A, VSID_B };

	sm_vm_init(vm, dev, names, vsids, 2);
	if (!emu_cfs_ready())
		return false;
	smn_topology_down();
	ASSERT_OK(sm_smmu_make(INST, NULL));
	ASSERT_OK(sm_dev_make("smn_a", INST, 0x100, 8));
	ASSERT_OK(sm_dev_make("smn_b", INST, 0x101, 0));
	return true;
}

FIXTURE(smn) {
	SMN_MEMBERS;
};

FIXTURE_SETUP(smn)
{
	if (!smn_prepare(_metadata, &self->vm, self->dev))
		SKIP(return, "%s missing: module not loaded?", EMU_CFS_ROOT);
}

FIXTURE_TEARDOWN(smn)
{
	sm_vm_close(&self->vm, self->dev, 2);
	smn_topology_down();
}

/* Bring the vSMMU up with device A and give A one S1 address space */
#define smn_up_s1() do {						\
	sm_vm_bringup(_metadata, &self->vm, &self->dev[0], true);	\
	sm_vm_s1_setup(_metadata, &self->vm, &self->dev[0], &self->s1,	\
		       48, ASID, &self->cdtab);				\
} while (0)

#define A		(&self->dev[0])
#define G		(&self->vm.g)
#define FD		(self->vm.fd)
#define VIOMMU		(self->vm.viommu)

/* The device reads the word at @va and it must be @want */
#define expect_read(_va, _want) do {					\
	__u64 __v = 0;							\
									\
	ASSERT_OK(sm_dma_peek(A->dfd, _va, &__v));			\
	ASSERT_EQ((__u64)(_want), __v);					\
} while (0)

/* ---- bring-up ---- */

TEST_F(smn, qemu_bringup_order)
{
	__u32 ids[8], nids = 0, i, j, old, cur_ids[2];
	struct sm_s1 s1b;
	__u64 data, cdtab2, ste[2], buf[PAGE_SIZE / 8];

	sm_vm_bringup(_metadata, &self->vm, A, true);
	ids[nids++] = self->vm.ioas;
	ids[nids++] = self->vm.s2;
	ids[nids++] = VIOMMU;
	ids[nids++] = self->vm.abort_hwpt;
	ids[nids++] = self->vm.bypass_hwpt;
	ids[nids++] = self->vm.veventq;
	ids[nids++] = A->vdev;
	ids[nids++] = A->dev_id;
	for (i = 0; i < nids; i++) {
		EXPECT_NE(0, ids[i]);
		for (j = 0; j < i; j++)
			EXPECT_NE(ids[i], ids[j]);
	}

	/* The guest's driver: CD table, stage-1 tables and a data page */
	ASSERT_TRUE(sm_s1_init(G, &self->s1, 48, ASID));
	self->cdtab = sm_cdtab_alloc(G, 0);
	data = sm_page_alloc(G);
	ASSERT_NE(0, data);
	ASSERT_TRUE(sm_s1_map(G, &self->s1, VA, data, SM_READ | SM_WRITE));
	sm_cd_write(G, self->cdtab, 0, &self->s1);
	sm_ste_s1(ste, self->cdtab, 0, STE_S1DSS_SSID0);
	sm_vm_set_ste(_metadata, &self->vm, A, ste);
	cur_ids[0] = A->hwpt;

	/* The device writes a page through S1 over S2: it lands in RAM */
	for (i = 0; i < ARRAY_SIZE(buf); i++)
		buf[i] = 0x5eed000000000000ULL + i;
	ASSERT_OK(sm_dma(A->dfd, true, -1, VA, buf, PAGE_SIZE));
	ASSERT_EQ(0, memcmp(sm_gpa(G, data), buf, PAGE_SIZE));
	/* ... and reads back what the CPU puts there */
	sm_page_fill(G, data, 0xfeed0000);
	memset(buf, 0, sizeof(buf));
	ASSERT_OK(sm_dma(A->dfd, false, -1, VA, buf, PAGE_SIZE));
	ASSERT_EQ(0, memcmp(sm_gpa(G, data), buf, PAGE_SIZE));
	/* Next to the mapped page nothing is mapped */
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA + PAGE_SIZE, &data));

	/*
	 * The guest moves the device to a new CD table and address space
	 * (CFGI_STE): new nested HWPT, replace without detach, destroy old.
	 */
	ASSERT_TRUE(sm_s1_init(G, &s1b, 48, OTHER_ASID));
	cdtab2 = sm_cdtab_alloc(G, 0);
	data = sm_page_alloc(G);
	sm_page_fill(G, data, 0xb0b0000);
	ASSERT_TRUE(sm_s1_map(G, &s1b, VA, data, SM_READ));
	sm_cd_write(G, cdtab2, 0, &s1b);
	sm_ste_s1(ste, cdtab2, 0, STE_S1DSS_SSID0);
	old = A->hwpt;
	sm_vm_set_ste(_metadata, &self->vm, A, ste);
	cur_ids[1] = A->hwpt;
	EXPECT_NE(cur_ids[0], cur_ids[1]);
	EXPECT_ERR(ENOENT, emu_destroy(FD, old));
	expect_read(VA, 0xb0b0000);
	/* Read-only in the new address space */
	EXPECT_ERR(EIO, sm_dma_poke(A->dfd, VA, 1));
	expect_read(VA, 0xb0b0000);
}

/* GET_HW_INFO against the configfs capabilities of a few instances */
TEST_F(smn, hw_info_follows_configfs)
{
	static const struct {
		const char *attrs[8];
		bool s1, s2;
		unsigned int ssid, oas;
		bool asid16, vmid16, ats, ril;
	} cases[] = {
		{ { NULL }, true, true, 20, 48, true, true, false, true },
		{ { "pasid_bits=5", "oas=40", "asid_bits=8", "vmid_bits=8",
		    "ats=1", "ril=0", NULL },
		  true, true, 5, 40, false, false, true, false },
		{ { "pasid_bits=0", "oas=44", "nesting=0", "stage1=0",
		    NULL },
		  false, true, 0, 44, true, true, false, true },
		{ { "oas=32", "nesting=0", "stage2=0", NULL },
		  true, false, 20, 32, true, true, false, true },
	};
	struct iommu_hw_info_arm_smmuv3 info;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		__u32 type = 0, dev_id = 0;
		int dfd, fd = emu_open();

		TH_LOG("case %u", i);
		ASSERT_LE(0, fd);
		ASSERT_OK(sm_smmu_make("smn_other", cases[i].attrs));
		/* Device B moves to the instance under test */
		emu_cfs_rmdir("devices", "smn_b");
		ASSERT_OK(sm_dev_make("smn_b", "smn_other", 0x7, 0));
		dfd = sm_dev_open("smn_b");
		ASSERT_LE(0, dfd);
		ASSERT_OK(sm_bind(dfd, fd, &dev_id));
		memset(&info, 0xcc, sizeof(info));
		ASSERT_OK(sm_hw_info(fd, dev_id, &info, &type, NULL));
		EXPECT_EQ(IOMMU_HW_INFO_TYPE_ARM_SMMUV3, type);
		EXPECT_EQ(0, info.__reserved);
		EXPECT_EQ(cases[i].s1, !!(info.idr[0] & IDR0_S1P));
		EXPECT_EQ(cases[i].s2, !!(info.idr[0] & IDR0_S2P));
		EXPECT_EQ(IDR0_TTF_AARCH64, IDR0_TTF(info.idr[0]));
		EXPECT_EQ(cases[i].asid16, !!(info.idr[0] & IDR0_ASID16));
		EXPECT_EQ(cases[i].vmid16, !!(info.idr[0] & IDR0_VMID16));
		EXPECT_EQ(cases[i].ats, !!(info.idr[0] & IDR0_ATS));
		/* No HTTU: it is not supported with nesting */
		EXPECT_EQ(0, IDR0_HTTU(info.idr[0]));
		EXPECT_EQ(cases[i].ssid, IDR1_SSIDSIZE(info.idr[1]));
		EXPECT_LE(16, IDR1_SIDSIZE(info.idr[1]));
		EXPECT_EQ(cases[i].ril, !!(info.idr[3] & IDR3_RIL));
		EXPECT_EQ(sm_oas_code(cases[i].oas), (int)IDR5_OAS(info.idr[5]));
		EXPECT_TRUE(info.idr[5] & IDR5_GRAN4K);
		close(dfd);
		close(fd);
		ASSERT_OK(emu_cfs_rmdir("devices", "smn_b"));
		ASSERT_OK(emu_cfs_rmdir("iommus", "smn_other"));
	}
}

/* ---- translation ---- */

TEST_F(smn, abort_and_bypass)
{
	const __u64 invalid_ste[2] = { STE0_CFG(STE_CFG_BYPASS), 0 };
	__u64 ipa, val = 0;

	sm_vm_bringup(_metadata, &self->vm, A, false);
	ipa = sm_page_alloc(G);
	sm_page_fill(G, ipa, 0x1234000);

	/* Bypass: the address is an IPA, translated by stage 2 only */
	ASSERT_OK(sm_dma_peek(A->dfd, ipa + 8, &val));
	EXPECT_EQ(0x1234001, val);
	ASSERT_OK(sm_dma_poke(A->dfd, ipa, 0xabcdef));
	EXPECT_EQ(0xabcdef, sm_page_word(G, ipa, 0));
	/* Stage 2 still applies: outside guest RAM nothing is mapped */
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, GUEST_HOLE_IPA, &val));

	/* Abort: nothing gets through, in either direction */
	ASSERT_OK(sm_attach(A->dfd, self->vm.abort_hwpt));
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, ipa, &val));
	EXPECT_ERR(EIO, sm_dma_poke(A->dfd, ipa, 0x5555));
	EXPECT_EQ(0xabcdef, sm_page_word(G, ipa, 0));

	/* An invalid vSTE (V=0) is accepted and aborts too */
	sm_vm_set_ste(_metadata, &self->vm, A, invalid_ste);
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, ipa, &val));

	/* Back to the plain S2 parent: the IPA translates again */
	ASSERT_OK(sm_attach(A->dfd, self->vm.s2));
	ASSERT_OK(sm_dma_peek(A->dfd, ipa + 16, &val));
	EXPECT_EQ(0x1234002, val);
}

TEST_F(smn, s1_pages_blocks_permissions)
{
	__u64 rw, ro, noaf, blk_ipa, val, buf[3];
	const __u64 blk_va = 0x0000004000000000ULL;

	smn_up_s1();
	rw = sm_page_alloc(G);
	ro = sm_page_alloc(G);
	noaf = sm_page_alloc(G);
	sm_page_fill(G, ro, 0x7700);
	sm_page_fill(G, noaf, 0x8800);
	ASSERT_TRUE(sm_s1_map(G, &self->s1, VA, rw, SM_READ | SM_WRITE));
	ASSERT_TRUE(sm_s1_map(G, &self->s1, VA + PAGE_SIZE, ro, SM_READ));
	ASSERT_TRUE(sm_s1_map(G, &self->s1, VA + 2 * PAGE_SIZE, noaf,
			      SM_READ | SM_WRITE | SM_NO_AF));
	/* The second 2 MiB of guest RAM as one level-2 block */
	blk_ipa = GUEST_RAM_IPA + (2UL << 20);
	ASSERT_TRUE(sm_s1_map_block(G, &self->s1, blk_va, blk_ipa,
				    SM_READ | SM_WRITE));

	/* A write through the RW page lands at the right offset */
	ASSERT_OK(sm_dma_poke(A->dfd, VA + 0x18, 0x600d));
	EXPECT_EQ(0x600d, sm_page_word(G, rw, 3));
	/* Read-only page: reads work, writes fault and change nothing */
	expect_read(VA + PAGE_SIZE + 8, 0x7701);
	EXPECT_ERR(EIO, sm_dma_poke(A->dfd, VA + PAGE_SIZE, 0xbad));
	EXPECT_EQ(0x7700, sm_page_word(G, ro, 0));
	/* Access flag clear and no HTTU: an access fault, AF stays clear */
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA + 2 * PAGE_SIZE, &val));
	EXPECT_EQ(0, *sm_s1_pte(G, &self->s1, VA + 2 * PAGE_SIZE) & PTE_AF);

	/* A transfer crossing from the RW page into the RO one reads fine */
	ASSERT_OK(sm_dma(A->dfd, false, -1, VA + PAGE_SIZE - 8, buf,
			 sizeof(buf)));
	EXPECT_EQ(0x600d, sm_page_word(G, rw, 3));
	EXPECT_EQ(0x7700, buf[1]);
	EXPECT_EQ(0x7701, buf[2]);

	/* The block: offsets inside it reach the matching guest pages */
	ASSERT_OK(sm_dma_poke(A->dfd, blk_va + 0x123458, 0xb10c));
	EXPECT_EQ(0xb10c, *(__u64 *)sm_gpa(G, blk_ipa + 0x123458));
	ASSERT_OK(sm_dma_peek(A->dfd, blk_va + 0x123458, &val));
	EXPECT_EQ(0xb10c, val);
}

/* Stage-1 output addresses, table and CD fetches all go through stage 2 */
TEST_F(smn, s1_walk_goes_through_s2)
{
	__u64 val, data;
	__u64 *pte;

	smn_up_s1();
	data = sm_page_alloc(G);
	sm_page_fill(G, data, 0x4400);
	ASSERT_TRUE(sm_s1_map(G, &self->s1, VA, data, SM_READ));
	expect_read(VA, 0x4400);

	/* An output IPA stage 2 does not map: the DMA faults */
	ASSERT_TRUE(sm_s1_map(G, &self->s1, VA + PAGE_SIZE, GUEST_HOLE_IPA,
			      SM_READ));
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA + PAGE_SIZE, &val));

	/* A level-2 table pointer to an IPA outside guest RAM faults too */
	pte = sm_s1_slot(G, &self->s1, VA + (1ULL << 30), 2);
	ASSERT_NE(NULL, pte);
	*pte = GUEST_HOLE_IPA | PTE_TABLE;
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA + (1ULL << 30), &val));

	/*
	 * Unmapping the guest page from the IOAS (stage 2) is seen at once:
	 * the host's own unmap invalidates whatever the IOTLB holds.
	 */
	ASSERT_OK(emu_ioas_unmap(FD, self->vm.ioas, GUEST_RAM_IPA,
				 GUEST_RAM_SIZE, NULL));
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA, &val));
	ASSERT_OK(sm_guest_map(FD, self->vm.ioas, G));
	expect_read(VA, 0x4400);
}

/* A 39-bit stage 1 starts its walk at level 1 */
TEST_F(smn, s1_three_levels)
{
	__u64 data;
	const __u64 va = 0x0000004567890000ULL & ((1ULL << 39) - 1);

	sm_vm_bringup(_metadata, &self->vm, A, false);
	sm_vm_s1_setup(_metadata, &self->vm, A, &self->s1, 39, ASID,
		       &self->cdtab);
	EXPECT_EQ(1, sm_s1_start_level(&self->s1));
	data = sm_page_alloc(G);
	sm_page_fill(G, data, 0x3900);
	ASSERT_TRUE(sm_s1_map(G, &self->s1, va, data, SM_READ));
	expect_read(va + 8, 0x3901);
}

TEST_F(smn, ssid_selects_cd)
{
	struct sm_s1 s1[3];
	__u64 page[3], ste[2], cdtab, val;
	unsigned int i;

	sm_vm_bringup(_metadata, &self->vm, A, false);
	/* Four CDs (S1CDMax 2); CD 0 also serves requests without SSID */
	cdtab = sm_cdtab_alloc(G, 2);
	for (i = 0; i < 3; i++) {
		ASSERT_TRUE(sm_s1_init(G, &s1[i], 48, 0x100 + i));
		page[i] = sm_page_alloc(G);
		sm_page_fill(G, page[i], 0x1000 * (i + 1));
		ASSERT_TRUE(sm_s1_map(G, &s1[i], VA, page[i], SM_READ));
		sm_cd_write(G, cdtab, i, &s1[i]);
	}
	sm_ste_s1(ste, cdtab, 2, STE_S1DSS_SSID0);
	sm_vm_set_ste(_metadata, &self->vm, A, ste);

	ASSERT_OK(sm_dma(A->dfd, false, -1, VA, &val, sizeof(val)));
	EXPECT_EQ(0x1000, val);
	/* SubstreamID 0 is DMA without a PASID in this platform's terms */
	for (i = 1; i < 3; i++) {
		ASSERT_OK(sm_dma(A->dfd, false, i, VA, &val, sizeof(val)));
		EXPECT_EQ(0x1000 * (i + 1), val);
	}
	/* CD 3 is not valid; SSID 4 is beyond the table */
	EXPECT_ERR(EIO, sm_dma(A->dfd, false, 3, VA, &val, sizeof(val)));
	EXPECT_ERR(EIO, sm_dma(A->dfd, false, 4, VA, &val, sizeof(val)));

	/* S1DSS bypass: requests without SSID skip stage 1 */
	sm_ste_s1(ste, cdtab, 2, STE_S1DSS_BYPASS);
	sm_vm_set_ste(_metadata, &self->vm, A, ste);
	ASSERT_OK(sm_dma_peek(A->dfd, page[2] + 8, &val));
	EXPECT_EQ(0x3001, val);
	ASSERT_OK(sm_dma(A->dfd, false, 1, VA, &val, sizeof(val)));
	EXPECT_EQ(0x2000, val);

	/* S1DSS terminate: requests without SSID fault */
	sm_ste_s1(ste, cdtab, 2, STE_S1DSS_TERMINATE);
	sm_vm_set_ste(_metadata, &self->vm, A, ste);
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, page[2], &val));
	ASSERT_OK(sm_dma(A->dfd, false, 2, VA, &val, sizeof(val)));
	EXPECT_EQ(0x3000, val);
}

/* ---- the TLB: a PTE edit is invisible until the right TLBI ---- */

/* A command built from the test's VA and ASID */
typedef struct sm_cmd (*smn_cmd_fn)(void);

#define SMN_MISSES	4

static struct sm_cmd c_va(void)
{
	return sm_tlbi_nh_va(ASID, VA, true);
}

static struct sm_cmd c_va_nonleaf(void)
{
	return sm_tlbi_nh_va(ASID, VA, false);
}

static struct sm_cmd c_va_range(void)
{
	/* (1 + 1) << 2 = 8 pages from 4 pages below VA */
	return sm_tlbi_nh_va_range(ASID, VA - 4 * PAGE_SIZE, 1, 2);
}

static struct sm_cmd c_asid(void)
{
	return sm_tlbi_nh_asid(ASID);
}

static struct sm_cmd c_all(void)
{
	return sm_tlbi_nh_all();
}

static struct sm_cmd c_nsnh(void)
{
	return sm_tlbi_nsnh_all();
}

static struct sm_cmd c_vaa(void)
{
	return sm_tlbi_nh_vaa(VA);
}

static struct sm_cmd c_va_other_asid(void)
{
	return sm_tlbi_nh_va(OTHER_ASID, VA, true);
}

static struct sm_cmd c_va_other_va(void)
{
	return sm_tlbi_nh_va(ASID, VA + PAGE_SIZE, true);
}

static struct sm_cmd c_range_below(void)
{
	/* 4 pages ending just below VA */
	return sm_tlbi_nh_va_range(ASID, VA - 4 * PAGE_SIZE, 3, 0);
}

static struct sm_cmd c_asid_other(void)
{
	return sm_tlbi_nh_asid(OTHER_ASID);
}

static struct sm_cmd c_vaa_other(void)
{
	return sm_tlbi_nh_vaa(VA + PAGE_SIZE);
}

static struct sm_cmd c_cfgi_cd(void)
{
	return sm_cfgi_cd(VSID_A, 0);
}

static struct sm_cmd c_cfgi_cd_all(void)
{
	return sm_cfgi_cd_all(VSID_A);
}

FIXTURE(smn_tlb) {
	SMN_MEMBERS;
};

FIXTURE_SETUP(smn_tlb)
{
	if (!smn_prepare(_metadata, &self->vm, self->dev))
		SKIP(return, "%s missing: module not loaded?", EMU_CFS_ROOT);
}

FIXTURE_TEARDOWN(smn_tlb)
{
	sm_vm_close(&self->vm, self->dev, 2);
	smn_topology_down();
}

FIXTURE_VARIANT(smn_tlb) {
	const char *what;
	smn_cmd_fn hit;
	/* commands that must leave the cached translation alone */
	smn_cmd_fn miss[SMN_MISSES];
	/* the hit names one page: a far page's stale entry must survive it */
	bool one_page;
};

FIXTURE_VARIANT_ADD(smn_tlb, nh_va) {
	.what = "TLBI_NH_VA",
	.hit = c_va,
	.miss = { c_va_other_asid, c_va_other_va, c_cfgi_cd, c_cfgi_cd_all },
	.one_page = true,
};

FIXTURE_VARIANT_ADD(smn_tlb, nh_va_nonleaf) {
	.what = "TLBI_NH_VA (walk caches too)",
	.hit = c_va_nonleaf,
	.miss = { c_va_other_asid, c_asid_other },
	.one_page = true,
};

FIXTURE_VARIANT_ADD(smn_tlb, nh_va_range) {
	.what = "TLBI_NH_VA with a range",
	.hit = c_va_range,
	.miss = { c_range_below, c_va_other_asid },
	.one_page = true,
};

FIXTURE_VARIANT_ADD(smn_tlb, nh_asid) {
	.what = "TLBI_NH_ASID",
	.hit = c_asid,
	.miss = { c_asid_other, c_vaa_other },
};

FIXTURE_VARIANT_ADD(smn_tlb, nh_vaa) {
	.what = "TLBI_NH_VAA",
	.hit = c_vaa,
	.miss = { c_vaa_other, c_asid_other },
	.one_page = true,
};

FIXTURE_VARIANT_ADD(smn_tlb, nh_all) {
	.what = "TLBI_NH_ALL",
	.hit = c_all,
	.miss = { c_cfgi_cd_all },
};

FIXTURE_VARIANT_ADD(smn_tlb, nsnh_all) {
	.what = "TLBI_NSNH_ALL",
	.hit = c_nsnh,
	.miss = { c_va_other_va },
};

static void smn_send_misses(struct __test_metadata *_metadata, int fd,
			    __u32 viommu, const smn_cmd_fn *miss)
{
	unsigned int i;

	for (i = 0; i < SMN_MISSES && miss[i]; i++)
		ASSERT_OK(sm_invalidate1(fd, viommu, miss[i]()));
}

TEST_F(smn_tlb, stale_pte_until_tlbi)
{
	__u64 old, new;

	TH_LOG("%s", variant->what);
	smn_up_s1();
	old = sm_page_alloc(G);
	new = sm_page_alloc(G);
	sm_page_fill(G, old, 0x0d0d00);
	sm_page_fill(G, new, 0x0e0e00);
	ASSERT_TRUE(sm_s1_map(G, &self->s1, VA, old, SM_READ | SM_WRITE));
	ASSERT_TRUE(sm_s1_map(G, &self->s1, FAR_VA, old, SM_READ));
	expect_read(VA, 0x0d0d00);
	expect_read(FAR_VA, 0x0d0d00);

	/* The guest points the PTE elsewhere: DMA still uses the old page */
	sm_s1_retarget(G, &self->s1, VA, new);
	sm_s1_retarget(G, &self->s1, FAR_VA, new);
	expect_read(VA, 0x0d0d00);
	ASSERT_OK(sm_dma_poke(A->dfd, VA + 8, 0x01d));
	EXPECT_EQ(0x01d, sm_page_word(G, old, 1));
	EXPECT_EQ(0x0e0e01, sm_page_word(G, new, 1));
	smn_send_misses(_metadata, FD, VIOMMU, variant->miss);
	expect_read(VA, 0x0d0d00);

	ASSERT_OK(sm_invalidate1(FD, VIOMMU, variant->hit()));
	expect_read(VA, 0x0e0e00);
	/* A TLBI for one page drops that page, not a far one */
	expect_read(FAR_VA, variant->one_page ? 0x0d0d00 : 0x0e0e00);
	ASSERT_OK(sm_dma_poke(A->dfd, VA + 8, 0x2e3));
	EXPECT_EQ(0x2e3, sm_page_word(G, new, 1));
	EXPECT_EQ(0x01d, sm_page_word(G, old, 1));

	/* The guest unmaps the page: still cached until the TLBI */
	sm_s1_unmap(G, &self->s1, VA);
	expect_read(VA, 0x0e0e00);
	smn_send_misses(_metadata, FD, VIOMMU, variant->miss);
	expect_read(VA, 0x0e0e00);
	ASSERT_OK(sm_invalidate1(FD, VIOMMU, variant->hit()));
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA, &old));
}

/* Entries of the instance's TLB (Documentation/smmuv3.rst) */
#define SMN_TLB_ENTRIES	4096

/*
 * A full TLB reuses its least recently filled entry: with one more page
 * read than it holds, only the first page's translation was dropped, and
 * walking that page again drops the second's. Every other stale entry
 * stays until a TLBI.
 */
TEST_F(smn, tlb_full_reuses_oldest_entry)
{
	const __u64 last = VA + (__u64)SMN_TLB_ENTRIES * PAGE_SIZE;
	__u64 old, new, va;

	smn_up_s1();
	old = sm_page_alloc(G);
	new = sm_page_alloc(G);
	sm_page_fill(G, old, 0x01d000);
	sm_page_fill(G, new, 0x2e3000);
	for (va = VA; va <= last; va += PAGE_SIZE)
		ASSERT_TRUE(sm_s1_map(G, &self->s1, va, old, SM_READ));
	for (va = VA; va <= last; va += PAGE_SIZE)
		expect_read(va, 0x01d000);

	/* The guest moves every page without a TLBI */
	for (va = VA; va <= last; va += PAGE_SIZE)
		sm_s1_retarget(G, &self->s1, va, new);
	expect_read(last, 0x01d000);
	expect_read(last - PAGE_SIZE, 0x01d000);
	expect_read(VA + PAGE_SIZE, 0x01d000);
	/* Only the first page was evicted: it is walked anew ... */
	expect_read(VA, 0x2e3000);
	/* ... and its new entry took the place of the second page's */
	expect_read(VA + 2 * PAGE_SIZE, 0x01d000);
	expect_read(VA + PAGE_SIZE, 0x2e3000);
	expect_read(last, 0x01d000);

	ASSERT_OK(sm_invalidate1(FD, VIOMMU, sm_tlbi_nh_all()));
	expect_read(VA + 3 * PAGE_SIZE, 0x2e3000);
	expect_read(last, 0x2e3000);
}

/* ---- the configuration cache: a CD edit waits for CFGI_CD ---- */

FIXTURE(smn_cd) {
	SMN_MEMBERS;
};

FIXTURE_SETUP(smn_cd)
{
	if (!smn_prepare(_metadata, &self->vm, self->dev))
		SKIP(return, "%s missing: module not loaded?", EMU_CFS_ROOT);
}

FIXTURE_TEARDOWN(smn_cd)
{
	sm_vm_close(&self->vm, self->dev, 2);
	smn_topology_down();
}

FIXTURE_VARIANT(smn_cd) {
	bool all;	/* CFGI_CD_ALL rather than CFGI_CD */
};

FIXTURE_VARIANT_ADD(smn_cd, cfgi_cd) {
	.all = false,
};

FIXTURE_VARIANT_ADD(smn_cd, cfgi_cd_all) {
	.all = true,
};

TEST_F(smn_cd, stale_cd_until_cfgi)
{
	struct sm_s1 s1b;
	__u64 pa, pb;
	bool all = variant->all;

	sm_vm_bringup(_metadata, &self->vm, A, false);
	sm_vm_add_dev(_metadata, &self->vm, &self->dev[1]);
	sm_vm_s1_setup(_metadata, &self->vm, A, &self->s1, 48, ASID,
		       &self->cdtab);
	pa = sm_page_alloc(G);
	pb = sm_page_alloc(G);
	sm_page_fill(G, pa, 0xaa00);
	sm_page_fill(G, pb, 0xbb00);
	ASSERT_TRUE(sm_s1_map(G, &self->s1, VA, pa, SM_READ));
	expect_read(VA, 0xaa00);

	/* A new address space (new ASID, new tables) in the same CD */
	ASSERT_TRUE(sm_s1_init(G, &s1b, 48, OTHER_ASID));
	ASSERT_TRUE(sm_s1_map(G, &s1b, VA, pb, SM_READ));
	sm_cd_write(G, self->cdtab, 0, &s1b);
	expect_read(VA, 0xaa00);
	/* Other devices' and other SSIDs' CFGIs, and TLBIs, do not count */
	ASSERT_OK(sm_invalidate1(FD, VIOMMU, sm_cfgi_cd_all(VSID_B)));
	ASSERT_OK(sm_invalidate1(FD, VIOMMU, sm_cfgi_cd(VSID_B, 0)));
	ASSERT_OK(sm_invalidate1(FD, VIOMMU, sm_cfgi_cd(VSID_A, 1)));
	ASSERT_OK(sm_invalidate1(FD, VIOMMU, sm_tlbi_nh_all()));
	expect_read(VA, 0xaa00);

	ASSERT_OK(sm_invalidate1(FD, VIOMMU, all ? sm_cfgi_cd_all(VSID_A) :
					     sm_cfgi_cd(VSID_A, 0)));
	expect_read(VA, 0xbb00);

	/* The guest invalidates the CD: faults once the CFGI arrives */
	sm_cd_clear(G, self->cdtab, 0);
	expect_read(VA, 0xbb00);
	ASSERT_OK(sm_invalidate1(FD, VIOMMU, all ? sm_cfgi_cd_all(VSID_A) :
					     sm_cfgi_cd(VSID_A, 0)));
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA, &pa));
}

/* ---- batches ---- */

TEST_F(smn, invalidate_batch_stops_at_bad_entry)
{
	static const __u8 bad[] = {
		CMD_PREFETCH_CFG, CMD_CFGI_STE, CMD_CFGI_ALL, CMD_TLBI_EL2_ALL,
		CMD_TLBI_S12_VMALL, CMD_TLBI_S2_IPA, CMD_PRI_RESP, CMD_CMD_SYNC,
		0x00, 0xff,
	};
	struct sm_cmd cmds[6];
	unsigned int i;
	__u64 old, new;
	__u32 num;

	smn_up_s1();
	old = sm_page_alloc(G);
	new = sm_page_alloc(G);
	sm_page_fill(G, old, 0x01d0);
	sm_page_fill(G, new, 0x0e50);
	ASSERT_TRUE(sm_s1_map(G, &self->s1, VA, old, SM_READ));
	expect_read(VA, 0x01d0);
	sm_s1_retarget(G, &self->s1, VA, new);

	/* Nothing to do: fine */
	num = 0;
	EXPECT_OK(sm_invalidate(FD, VIOMMU, cmds, &num));
	EXPECT_EQ(0, num);

	/* Entries before an unsupported opcode are carried out */
	cmds[0] = sm_cfgi_cd(VSID_A, 0);
	cmds[1] = sm_tlbi_nh_va(ASID, VA, true);
	cmds[2] = sm_cmd_sync();
	cmds[3] = sm_tlbi_nh_all();
	num = 4;
	EXPECT_ERR(EIO, sm_invalidate(FD, VIOMMU, cmds, &num));
	EXPECT_EQ(2, num);
	expect_read(VA, 0x0e50);

	/* An unknown virtual StreamID at index 1 */
	cmds[0] = sm_tlbi_nh_asid(ASID);
	cmds[1] = sm_cfgi_cd(0x777, 0);
	cmds[2] = sm_tlbi_nh_all();
	num = 3;
	EXPECT_ERR(EIO, sm_invalidate(FD, VIOMMU, cmds, &num));
	EXPECT_EQ(1, num);

	/* Each command QEMU never forwards, alone at index 0 */
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		cmds[0] = sm_cmd_raw(CMD0_OP(bad[i]), 0);
		num = 1;
		TH_LOG("opcode 0x%02x", bad[i]);
		EXPECT_ERR(EIO, sm_invalidate(FD, VIOMMU, cmds, &num));
		EXPECT_EQ(0, num);
	}

	/* A full batch of good ones */
	cmds[0] = sm_tlbi_nh_va(ASID, VA, true);
	cmds[1] = sm_tlbi_nh_vaa(VA);
	cmds[2] = sm_tlbi_nh_asid(ASID);
	cmds[3] = sm_tlbi_nh_all();
	cmds[4] = sm_cfgi_cd_all(VSID_A);
	cmds[5] = sm_tlbi_nsnh_all();
	num = 6;
	EXPECT_OK(sm_invalidate(FD, VIOMMU, cmds, &num));
	EXPECT_EQ(6, num);
}

/*
 * Two vSMMUs on two stage-2 parents have two VMIDs: whatever VMID the
 * guest writes, a TLBI sent to one vIOMMU leaves the other's entries,
 * even for the same ASID and VA.
 */
TEST_F(smn, tlbi_stays_in_its_vmid)
{
	struct sm_vdev *b = &self->dev[1];
	struct sm_s1 s1b;
	__u64 pa[2], pb[2], cdtab_b, ste[2], val;
	__u32 s2b, viommu_b;
	unsigned int i;

	smn_up_s1();
	/* B: its own parent (own VMID), vIOMMU, CD table, same ASID */
	sm_vm_plug_dev(_metadata, &self->vm, b);
	ASSERT_OK(sm_s2_alloc(FD, b->dev_id, self->vm.ioas, &s2b));
	ASSERT_OK(sm_attach(b->dfd, s2b));
	ASSERT_OK(sm_viommu_alloc(FD, b->dev_id, s2b, &viommu_b));
	ASSERT_OK(sm_vdev_alloc(FD, viommu_b, b->dev_id, VSID_B, &b->vdev));
	ASSERT_TRUE(sm_s1_init(G, &s1b, 48, ASID));
	cdtab_b = sm_cdtab_alloc(G, 0);
	sm_cd_write(G, cdtab_b, 0, &s1b);
	sm_ste_s1(ste, cdtab_b, 0, STE_S1DSS_SSID0);
	ASSERT_OK(sm_nested_alloc(FD, b->dev_id, viommu_b, ste[0], ste[1],
				  &b->hwpt));
	ASSERT_OK(sm_attach(b->dfd, b->hwpt));

	for (i = 0; i < 2; i++) {
		pa[i] = sm_page_alloc(G);
		pb[i] = sm_page_alloc(G);
		sm_page_fill(G, pa[i], 0xa000 + 0x100 * i);
		sm_page_fill(G, pb[i], 0xb000 + 0x100 * i);
	}
	ASSERT_TRUE(sm_s1_map(G, &self->s1, VA, pa[0], SM_READ));
	ASSERT_TRUE(sm_s1_map(G, &s1b, VA, pb[0], SM_READ));
	expect_read(VA, 0xa000);
	ASSERT_OK(sm_dma_peek(b->dfd, VA, &val));
	ASSERT_EQ(0xb000, val);
	sm_s1_retarget(G, &self->s1, VA, pa[1]);
	sm_s1_retarget(G, &s1b, VA, pb[1]);

	/* Everything vIOMMU A can say: B stays stale */
	ASSERT_OK(sm_invalidate1(FD, VIOMMU, sm_tlbi_nh_va(ASID, VA, true)));
	ASSERT_OK(sm_invalidate1(FD, VIOMMU, sm_tlbi_nh_asid(ASID)));
	ASSERT_OK(sm_invalidate1(FD, VIOMMU, sm_tlbi_nh_vaa(VA)));
	ASSERT_OK(sm_invalidate1(FD, VIOMMU, sm_tlbi_nh_all()));
	ASSERT_OK(sm_invalidate1(FD, VIOMMU, sm_tlbi_nsnh_all()));
	expect_read(VA, 0xa100);
	ASSERT_OK(sm_dma_peek(b->dfd, VA, &val));
	EXPECT_EQ(0xb000, val);
	/* vSIDs are per vIOMMU too: A's vIOMMU does not know B's */
	EXPECT_ERR(EIO, sm_invalidate1(FD, VIOMMU, sm_cfgi_cd_all(VSID_B)));

	ASSERT_OK(sm_invalidate1(FD, viommu_b, sm_tlbi_nsnh_all()));
	ASSERT_OK(sm_dma_peek(b->dfd, VA, &val));
	EXPECT_EQ(0xb100, val);
}

TEST_HARNESS_MAIN
