// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the page-table formats shared by the emulated IOMMUs
 * (drivers/iommu-hw/pgtable/), compiled in user space on top of
 * pgtable_shim.h.  Needs no kernel module.
 *
 * - host: every format builds its own tables (map/unmap of runs of mixed
 *   sizes and alignments, block usage, the configuration flags, table
 *   memory, errors, faults of the walker on host tables);
 * - guest tables: the test lays descriptors out in a fake guest memory with
 *   its own encoders, written from the architecture manuals independently of
 *   the code under test, and walks them through a callback: every fault
 *   kind, ARM start levels and concatenated stage-2 tables, x86 canonical
 *   addresses, 5 levels, accessed/dirty updates;
 * - nested: stage-1 walks whose table reads are translated by a stage-2
 *   table built with the host API.
 */
#include "pgtable_shim.h"

#include "../../../../drivers/iommu-hw/pgtable/pgtable.c"
#include "../../../../drivers/iommu-hw/pgtable/arm_lpae.c"
#include "../../../../drivers/iommu-hw/pgtable/x86_64.c"

#include <pthread.h>

#include "kselftest_harness.h"

#define SZ_4K		0x1000ULL
#define SZ_2M		0x200000ULL
#define SZ_1G		0x40000000ULL
#define PROT_RW		(IOMMU_READ | IOMMU_WRITE)

#define ACC_R		EMU_PT_ACCESS_READ
#define ACC_W		EMU_PT_ACCESS_WRITE
#define ACC_RW		(EMU_PT_ACCESS_READ | EMU_PT_ACCESS_WRITE)
#define ACC_PRIV	EMU_PT_ACCESS_PRIV

/* ARM VMSAv8-64 descriptor bits, 4KiB granule. */
#define A_TABLE		0x3ULL
#define A_PAGE		0x3ULL
#define A_BLOCK		0x1ULL
#define A_AP_EL0	BIT_ULL(6)
#define A_AP_RO		BIT_ULL(7)
#define A_AF		BIT_ULL(10)
#define A_NG		BIT_ULL(11)
#define A_DBM		BIT_ULL(51)
#define A_XN		(BIT_ULL(53) | BIT_ULL(54))
#define A_APT_NOEL0	BIT_ULL(61)
#define A_APT_NOWR	BIT_ULL(62)
#define A_S2_R		BIT_ULL(6)
#define A_S2_W		BIT_ULL(7)

/* VT-d second-stage descriptor bits. */
#define S_R		BIT_ULL(0)
#define S_W		BIT_ULL(1)
#define S_X		BIT_ULL(2)
#define S_PS		BIT_ULL(7)
#define S_A		BIT_ULL(8)
#define S_D		BIT_ULL(9)

/* x86-64 / VT-d first-stage descriptor bits. */
#define F_P		BIT_ULL(0)
#define F_RW		BIT_ULL(1)
#define F_US		BIT_ULL(2)
#define F_A		BIT_ULL(5)
#define F_D		BIT_ULL(6)
#define F_PS		BIT_ULL(7)
#define F_EA		BIT_ULL(10)
#define F_IGN		BIT_ULL(52)
#define F_XD		BIT_ULL(63)
#define F_TBL		(F_P | F_RW | F_US)

/* Input address with these table indexes, top (4- or 5-level) first. */
static u64 va4(u64 i0, u64 i1, u64 i2, u64 i3)
{
	return i0 << 39 | i1 << 30 | i2 << 21 | i3 << 12;
}

static bool is_arm(enum emu_pt_fmt fmt)
{
	return fmt == EMU_PT_ARM_S1 || fmt == EMU_PT_ARM_S2;
}

/* Architecture level of the entries of @size. */
static int level_of(enum emu_pt_fmt fmt, u64 size)
{
	int lvl = size == SZ_4K ? 0 : size == SZ_2M ? 1 : 2;

	return is_arm(fmt) ? 3 - lvl : lvl + 1;
}

/* --------------------------------------------------------------------- */
/* Host-owned tables, every format                                        */
/* --------------------------------------------------------------------- */

/* A run to map and the leaves it must use with large pages allowed. */
struct run {
	u64 iova;
	u64 pa;
	u64 size;
	unsigned int n4k, n2m, n1g;
};

/* All below 4GiB, so that a 32-bit input size holds them. */
static const struct run runs[] = {
	/* Three pages. */
	{ 0x1000, 0x1000003000, 3 * SZ_4K, 3, 0, 0 },
	/* 2MiB-aligned 4MiB: two blocks. */
	{ 0x400000, 0x1000600000, 2 * SZ_2M, 0, 2, 0 },
	/* 1GiB + 2MiB + 8KiB, all aligned: one of each size. */
	{ 0x40000000, 0x2040000000, SZ_1G + SZ_2M + 2 * SZ_4K, 2, 1, 1 },
	/* Starts 4KiB past 2MiB, same offset both sides: 511 + 1 + 1. */
	{ 0x1201000, 0x1008201000, 2 * SZ_2M, 512, 1, 0 },
	/* Output not 2MiB-aligned: pages only. */
	{ 0x2000000, 0x100a001000, SZ_2M, 512, 0, 0 },
	/* 1GiB-aligned input, output only 2MiB-aligned: 2MiB blocks. */
	{ 0xc0000000, 0x2000200000, SZ_1G, 0, 512, 0 },
};

FIXTURE(host) {
	struct emu_pgtable *pt;
	struct emu_pt_walk_result res;
};

FIXTURE_VARIANT(host) {
	struct emu_pgtable_cfg cfg;
	unsigned int levels;
};

FIXTURE_VARIANT_ADD(host, arm_s1_48) {
	.cfg = { .fmt = EMU_PT_ARM_S1, .ias = 48, .oas = 48 },
	.levels = 4,
};

FIXTURE_VARIANT_ADD(host, arm_s1_39) {
	.cfg = { .fmt = EMU_PT_ARM_S1, .ias = 39, .oas = 40 },
	.levels = 3,
};

FIXTURE_VARIANT_ADD(host, arm_s1_32) {
	.cfg = { .fmt = EMU_PT_ARM_S1, .ias = 32, .oas = 40 },
	.levels = 3,
};

FIXTURE_VARIANT_ADD(host, arm_s2_48) {
	.cfg = { .fmt = EMU_PT_ARM_S2, .ias = 48, .oas = 48 },
	.levels = 4,
};

FIXTURE_VARIANT_ADD(host, arm_s2_40) {
	.cfg = { .fmt = EMU_PT_ARM_S2, .ias = 40, .oas = 44 },
	.levels = 4,
};

FIXTURE_VARIANT_ADD(host, vtd_ss_39) {
	.cfg = { .fmt = EMU_PT_VTD_SS, .ias = 39, .oas = 46 },
	.levels = 3,
};

FIXTURE_VARIANT_ADD(host, vtd_ss_48) {
	.cfg = { .fmt = EMU_PT_VTD_SS, .ias = 48, .oas = 46 },
	.levels = 4,
};

FIXTURE_VARIANT_ADD(host, vtd_ss_57) {
	.cfg = { .fmt = EMU_PT_VTD_SS, .ias = 57, .oas = 52 },
	.levels = 5,
};

FIXTURE_VARIANT_ADD(host, x86_fs_48) {
	.cfg = { .fmt = EMU_PT_X86_FS, .ias = 48, .oas = 46 },
	.levels = 4,
};

FIXTURE_VARIANT_ADD(host, x86_fs_57) {
	.cfg = { .fmt = EMU_PT_X86_FS, .ias = 57, .oas = 52 },
	.levels = 5,
};

/* A table of the variant's shape with @flags. */
static struct emu_pgtable *host_alloc(const struct emu_pgtable_cfg *shape,
				      unsigned int flags)
{
	struct emu_pgtable_cfg cfg = *shape;

	cfg.flags = flags;
	return emu_pgtable_alloc(&cfg);
}

FIXTURE_SETUP(host)
{
	self->pt = host_alloc(&variant->cfg, 0);
	ASSERT_FALSE(IS_ERR(self->pt));
	ASSERT_EQ(1, shim_pages);
}

FIXTURE_TEARDOWN(host)
{
	emu_pgtable_free(self->pt);
	EXPECT_EQ(0, shim_pages);
	EXPECT_EQ(0, shim_warnings);
}

static int host_walk(struct emu_pgtable *pt, u64 iova, unsigned int access,
		     struct emu_pt_walk_result *res)
{
	struct emu_pt_walk_cfg wcfg;

	emu_pgtable_walk_cfg(pt, &wcfg);
	return emu_pt_walk(&wcfg, iova, access, &emu_pt_host_ops, NULL, res);
}

static void map_ok(struct __test_metadata *_metadata, struct emu_pgtable *pt,
		   u64 iova, u64 pa, u64 size, int prot)
{
	size_t mapped = 1;

	ASSERT_EQ(0, emu_pgtable_map(pt, iova, pa, size, prot,
				     GFP_KERNEL_ACCOUNT, &mapped));
	ASSERT_EQ(size, mapped);
}

/*
 * Check the leaves mapping @r: their sizes add up to the expected counts
 * (@flags forbidding large pages changes them) and every page translates.
 */
static void check_run(struct __test_metadata *_metadata,
		      struct emu_pgtable *pt, const struct run *r,
		      unsigned int flags)
{
	unsigned int n4k = 0, n2m = 0, n1g = 0;
	unsigned int e4k = r->n4k, e2m = r->n2m, e1g = r->n1g;
	struct emu_pt_walk_result res;
	u64 off, step;

	if (flags & EMU_PGTABLE_NO_LARGE_PAGES) {
		e4k = r->size / SZ_4K;
		e2m = 0;
		e1g = 0;
	} else if (flags & EMU_PGTABLE_NO_1G) {
		e2m += e1g * 512;
		e1g = 0;
	}

	for (off = 0; off < r->size; off += res.size) {
		ASSERT_EQ(0, host_walk(pt, r->iova + off, ACC_R, &res));
		ASSERT_EQ(0, (r->iova + off) & (res.size - 1));
		ASSERT_EQ(r->pa + off, res.oa);
		ASSERT_EQ(level_of(pt->cfg.fmt, res.size), res.level);
		if (res.size == SZ_4K)
			n4k++;
		else if (res.size == SZ_2M)
			n2m++;
		else if (res.size == SZ_1G)
			n1g++;
	}
	ASSERT_EQ(r->size, off);
	ASSERT_EQ(e4k, n4k);
	ASSERT_EQ(e2m, n2m);
	ASSERT_EQ(e1g, n1g);

	/* Every page of small runs; a few per 2MiB of large ones. */
	step = r->size > 2 * SZ_2M ? SZ_2M : SZ_4K;
	for (off = 0; off < r->size; off += step) {
		ASSERT_EQ(r->pa + off, emu_pgtable_iova_to_phys(pt, r->iova + off));
		ASSERT_EQ(r->pa + off + 0x123,
			  emu_pgtable_iova_to_phys(pt, r->iova + off + 0x123));
		if (step == SZ_2M && off + 0x1ff008 < r->size)
			ASSERT_EQ(r->pa + off + 0x1ff008,
				  emu_pgtable_iova_to_phys(pt, r->iova + off +
							   0x1ff008));
	}
	ASSERT_EQ(0, emu_pgtable_iova_to_phys(pt, r->iova - SZ_4K));
	if (r->iova + r->size <= emu_pgtable_last_iova(pt))
		ASSERT_EQ(0, emu_pgtable_iova_to_phys(pt, r->iova + r->size));
}

static void map_runs(struct __test_metadata *_metadata,
		     struct emu_pgtable *pt, unsigned int flags)
{
	long pages = shim_pages;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(runs); i++)
		map_ok(_metadata, pt, runs[i].iova, runs[i].pa, runs[i].size,
		       PROT_RW);
	for (i = 0; i < ARRAY_SIZE(runs); i++)
		check_run(_metadata, pt, &runs[i], flags);
	for (i = 0; i < ARRAY_SIZE(runs); i++)
		ASSERT_EQ(runs[i].size,
			  emu_pgtable_unmap(pt, runs[i].iova, runs[i].size));
	for (i = 0; i < ARRAY_SIZE(runs); i++)
		ASSERT_EQ(0, emu_pgtable_iova_to_phys(pt, runs[i].iova));
	/* Every table emptied was freed: only the top one is left. */
	ASSERT_EQ(SZ_4K, emu_pgtable_mem_bytes(pt));
	ASSERT_EQ(pages, shim_pages);
}

TEST_F(host, map_runs)
{
	map_runs(_metadata, self->pt, 0);
}

TEST_F(host, map_runs_no_large_pages)
{
	struct emu_pgtable *pt = host_alloc(&variant->cfg,
					    EMU_PGTABLE_NO_LARGE_PAGES);

	ASSERT_FALSE(IS_ERR(pt));
	map_runs(_metadata, pt, EMU_PGTABLE_NO_LARGE_PAGES);
	emu_pgtable_free(pt);
}

TEST_F(host, map_runs_no_1g)
{
	struct emu_pgtable *pt = host_alloc(&variant->cfg, EMU_PGTABLE_NO_1G);

	ASSERT_FALSE(IS_ERR(pt));
	map_runs(_metadata, pt, EMU_PGTABLE_NO_1G);
	emu_pgtable_free(pt);
}

/* Unmapping in pieces, in another order than the mapping. */
TEST_F(host, unmap_pieces)
{
	const struct run *r = &runs[3];
	u64 iova;

	/* 0x1201000: 511 pages, a block at 0x1400000, a page at 0x1600000. */
	map_ok(_metadata, self->pt, r->iova, r->pa, r->size, PROT_RW);
	/* The block in the middle first, then the pages, backwards. */
	ASSERT_EQ(SZ_2M, emu_pgtable_unmap(self->pt, 0x1400000, SZ_2M));
	ASSERT_EQ(0, emu_pgtable_iova_to_phys(self->pt, 0x1400000));
	ASSERT_EQ(r->pa + 0x3ff000,
		  emu_pgtable_iova_to_phys(self->pt, 0x1600000));
	ASSERT_EQ(SZ_4K, emu_pgtable_unmap(self->pt, 0x1600000, SZ_4K));
	for (iova = 0x13ff000; iova >= r->iova; iova -= SZ_4K) {
		ASSERT_EQ(r->pa + iova - r->iova,
			  emu_pgtable_iova_to_phys(self->pt, iova));
		ASSERT_EQ(SZ_4K, emu_pgtable_unmap(self->pt, iova, SZ_4K));
	}
	ASSERT_EQ(SZ_4K, emu_pgtable_mem_bytes(self->pt));
}

/* Table pages used: one per level above the leaves' level. */
TEST_F(host, table_memory)
{
	struct emu_pgtable *pt;

	map_ok(_metadata, self->pt, 0x400000, 0x1000600000, 2 * SZ_2M,
	       PROT_RW);
	ASSERT_EQ((variant->levels - 1) * SZ_4K,
		  emu_pgtable_mem_bytes(self->pt));
	map_ok(_metadata, self->pt, 0x40000000, 0x2040000000, SZ_1G, PROT_RW);
	ASSERT_EQ((variant->levels - 1) * SZ_4K,
		  emu_pgtable_mem_bytes(self->pt));
	ASSERT_EQ(SZ_1G + 2 * SZ_2M,
		  emu_pgtable_unmap(self->pt, 0, 2 * SZ_1G));
	ASSERT_EQ(SZ_4K, emu_pgtable_mem_bytes(self->pt));

	/* Without large pages: two leaf tables for 4MiB. */
	pt = host_alloc(&variant->cfg, EMU_PGTABLE_NO_LARGE_PAGES);
	ASSERT_FALSE(IS_ERR(pt));
	map_ok(_metadata, pt, 0x400000, 0x1000600000, 2 * SZ_2M, PROT_RW);
	ASSERT_EQ((variant->levels + 1) * SZ_4K, emu_pgtable_mem_bytes(pt));
	ASSERT_EQ(variant->levels + 2, shim_pages);
	ASSERT_EQ(2 * SZ_2M, emu_pgtable_unmap(pt, 0x400000, 2 * SZ_2M));
	ASSERT_EQ(SZ_4K, emu_pgtable_mem_bytes(pt));
	emu_pgtable_free(pt);
}

TEST_F(host, unmap_holes_and_partial_blocks)
{
	struct emu_pt_walk_result res;

	map_ok(_metadata, self->pt, 0x400000, 0x1000600000, 2 * SZ_2M,
	       PROT_RW);
	map_ok(_metadata, self->pt, 0x1000, 0x3000, SZ_4K, IOMMU_READ);

	/* Part of a block: not split, a warning, nothing unmapped. */
	ASSERT_EQ(0, emu_pgtable_unmap(self->pt, 0x401000, SZ_4K));
	ASSERT_EQ(1, shim_warnings);
	ASSERT_EQ(0, emu_pgtable_unmap(self->pt, 0x500000, SZ_2M));
	ASSERT_EQ(3, shim_warnings);
	ASSERT_EQ(0, host_walk(self->pt, 0x401000, ACC_R, &res));
	ASSERT_EQ(SZ_2M, res.size);
	ASSERT_EQ(0x1000601000, res.oa);
	shim_warnings = 0;

	/* Misaligned: refused with a warning. */
	ASSERT_EQ(0, emu_pgtable_unmap(self->pt, 0x1800, SZ_4K));
	ASSERT_EQ(1, shim_warnings);
	shim_warnings = 0;

	/* Nothing mapped, beyond the range: nothing unmapped. */
	ASSERT_EQ(0, emu_pgtable_unmap(self->pt, 0x10000000, SZ_2M));
	ASSERT_EQ(0, emu_pgtable_unmap(self->pt,
				       emu_pgtable_last_iova(self->pt) + 1,
				       SZ_4K));

	/* A range with holes: only what is mapped counts. */
	ASSERT_EQ(2 * SZ_2M + SZ_4K,
		  emu_pgtable_unmap(self->pt, 0, 0x10000000));
	ASSERT_EQ(SZ_4K, emu_pgtable_mem_bytes(self->pt));
}

TEST_F(host, map_errors)
{
	u64 last = emu_pgtable_last_iova(self->pt);
	size_t mapped = 1;

	/* Alignment, size, permissions. */
	ASSERT_EQ(-EINVAL, emu_pgtable_map(self->pt, 0x800, 0x1000, SZ_4K,
					   PROT_RW, GFP_KERNEL, &mapped));
	ASSERT_EQ(0, mapped);
	ASSERT_EQ(-EINVAL, emu_pgtable_map(self->pt, 0x1000, 0x1800, SZ_4K,
					   PROT_RW, GFP_KERNEL, &mapped));
	ASSERT_EQ(-EINVAL, emu_pgtable_map(self->pt, 0x1000, 0x1000, 0x800,
					   PROT_RW, GFP_KERNEL, &mapped));
	ASSERT_EQ(-EINVAL, emu_pgtable_map(self->pt, 0x1000, 0x1000, 0,
					   PROT_RW, GFP_KERNEL, &mapped));
	ASSERT_EQ(-EINVAL, emu_pgtable_map(self->pt, 0x1000, 0x1000, SZ_4K,
					   0, GFP_KERNEL, &mapped));

	/* Input and output ranges. */
	ASSERT_EQ(-ERANGE, emu_pgtable_map(self->pt, last + 1, 0x1000, SZ_4K,
					   PROT_RW, GFP_KERNEL, &mapped));
	ASSERT_EQ(-ERANGE, emu_pgtable_map(self->pt, last + 1 - SZ_4K, 0x1000,
					   2 * SZ_4K, PROT_RW, GFP_KERNEL,
					   &mapped));
	ASSERT_EQ(-ERANGE, emu_pgtable_map(self->pt, 0x1000,
					   BIT_ULL(variant->cfg.oas), SZ_4K,
					   PROT_RW, GFP_KERNEL, &mapped));
	ASSERT_EQ(-ERANGE, emu_pgtable_map(self->pt, 0x1000,
					   BIT_ULL(variant->cfg.oas) - SZ_4K,
					   2 * SZ_4K, PROT_RW, GFP_KERNEL,
					   &mapped));
	ASSERT_EQ(SZ_4K, emu_pgtable_mem_bytes(self->pt));

	/* The last page of each range is fine. */
	map_ok(_metadata, self->pt, last + 1 - SZ_4K,
	       BIT_ULL(variant->cfg.oas) - SZ_4K, SZ_4K, IOMMU_READ);
	ASSERT_EQ(BIT_ULL(variant->cfg.oas) - SZ_4K + 0xfff,
		  emu_pgtable_iova_to_phys(self->pt, last));
	ASSERT_EQ(SZ_4K, emu_pgtable_unmap(self->pt, last + 1 - SZ_4K,
					   SZ_4K));

	/* Overlaps: inside a block, over a table, half-way through a run. */
	map_ok(_metadata, self->pt, 0x400000, 0x1000600000, 2 * SZ_2M,
	       PROT_RW);
	map_ok(_metadata, self->pt, 0x1000, 0x1000, SZ_4K, PROT_RW);
	ASSERT_EQ(-EEXIST, emu_pgtable_map(self->pt, 0x401000, 0x1000, SZ_4K,
					   PROT_RW, GFP_KERNEL, &mapped));
	ASSERT_EQ(0, mapped);
	ASSERT_EQ(-EEXIST, emu_pgtable_map(self->pt, 0, 0x20000000, SZ_2M,
					   PROT_RW, GFP_KERNEL, &mapped));
	ASSERT_EQ(0, mapped);
	ASSERT_EQ(-EEXIST, emu_pgtable_map(self->pt, 0x200000, 0x20000000,
					   2 * SZ_2M, PROT_RW, GFP_KERNEL,
					   &mapped));
	ASSERT_EQ(SZ_2M, mapped);
	ASSERT_EQ(0x20000000, emu_pgtable_iova_to_phys(self->pt, 0x200000));
	ASSERT_EQ(SZ_2M, emu_pgtable_unmap(self->pt, 0x200000, SZ_2M));
	ASSERT_EQ(-EEXIST, emu_pgtable_map(self->pt, 0x3ff000, 0x20000000,
					   2 * SZ_4K, PROT_RW, GFP_KERNEL,
					   &mapped));
	ASSERT_EQ(SZ_4K, mapped);
	ASSERT_EQ(SZ_4K, emu_pgtable_unmap(self->pt, 0x3ff000, SZ_4K));
	ASSERT_EQ(2 * SZ_2M + SZ_4K, emu_pgtable_unmap(self->pt, 0, SZ_1G));
	ASSERT_EQ(SZ_4K, emu_pgtable_mem_bytes(self->pt));
}

TEST_F(host, map_enomem)
{
	unsigned int fail_after;
	size_t mapped;

	/* A page deep down needs levels - 1 tables: fail each in turn. */
	for (fail_after = 0; fail_after < variant->levels - 1; fail_after++) {
		shim_pages_until_fail = fail_after;
		ASSERT_EQ(-ENOMEM, emu_pgtable_map(self->pt, 0x12345000,
						   0x5000, SZ_4K, PROT_RW,
						   GFP_KERNEL, &mapped));
		ASSERT_EQ(0, mapped);
		/* No empty table left behind. */
		ASSERT_EQ(SZ_4K, emu_pgtable_mem_bytes(self->pt));
		ASSERT_EQ(1, shim_pages);
	}

	/* A run over two leaf tables, the second one cannot be had. */
	shim_pages_until_fail = variant->levels - 1;
	ASSERT_EQ(-ENOMEM, emu_pgtable_map(self->pt, SZ_2M - SZ_4K, 0x5000,
					   2 * SZ_4K, PROT_RW, GFP_KERNEL,
					   &mapped));
	ASSERT_EQ(SZ_4K, mapped);
	shim_pages_until_fail = -1;
	ASSERT_EQ(0x5000, emu_pgtable_iova_to_phys(self->pt, SZ_2M - SZ_4K));
	ASSERT_EQ(SZ_4K, emu_pgtable_unmap(self->pt, SZ_2M - SZ_4K, mapped));
	ASSERT_EQ(SZ_4K, emu_pgtable_mem_bytes(self->pt));

	/* The top table itself. */
	shim_pages_until_fail = 0;
	ASSERT_EQ(-ENOMEM, PTR_ERR(host_alloc(&variant->cfg, 0)));
	shim_pages_until_fail = -1;
}

TEST_F(host, walk_results_and_faults)
{
	int top = is_arm(variant->cfg.fmt) ? 4 - variant->levels : variant->levels;
	bool write_only = variant->cfg.fmt == EMU_PT_ARM_S2 ||
			  variant->cfg.fmt == EMU_PT_VTD_SS;
	u64 last = emu_pgtable_last_iova(self->pt);
	struct emu_pt_walk_result res;

	/* Empty: a translation fault at the top level. */
	ASSERT_EQ(-EFAULT, host_walk(self->pt, 0x5000, ACC_R, &res));
	ASSERT_EQ(EMU_PT_FAULT_TRANSLATION, res.fault);
	ASSERT_EQ(top, res.level);

	map_ok(_metadata, self->pt, 0x4000, 0x77000, SZ_4K, IOMMU_READ);
	map_ok(_metadata, self->pt, 0x6000, 0x79000, SZ_4K, IOMMU_WRITE);
	map_ok(_metadata, self->pt, 0x200000, 0x600000, SZ_2M, PROT_RW);

	ASSERT_EQ(0, host_walk(self->pt, 0x4abc, ACC_R, &res));
	ASSERT_EQ(EMU_PT_FAULT_NONE, res.fault);
	ASSERT_EQ(0x77abc, res.oa);
	ASSERT_EQ(SZ_4K, res.size);
	ASSERT_EQ(IOMMU_READ, res.prot);
	ASSERT_EQ(level_of(variant->cfg.fmt, SZ_4K), res.level);

	ASSERT_EQ(0, host_walk(self->pt, 0x212345, ACC_RW, &res));
	ASSERT_EQ(0x612345, res.oa);
	ASSERT_EQ(SZ_2M, res.size);
	ASSERT_EQ(PROT_RW, res.prot);
	ASSERT_EQ(level_of(variant->cfg.fmt, SZ_2M), res.level);
	/* Host leaves allow both privileges. */
	ASSERT_EQ(0, host_walk(self->pt, 0x212345, ACC_RW | ACC_PRIV, &res));

	/* A hole next to a page: a fault at the leaf level. */
	ASSERT_EQ(-EFAULT, host_walk(self->pt, 0x5000, ACC_R, &res));
	ASSERT_EQ(EMU_PT_FAULT_TRANSLATION, res.fault);
	ASSERT_EQ(level_of(variant->cfg.fmt, SZ_4K), res.level);

	/* Writing a read-only page. */
	ASSERT_EQ(-EFAULT, host_walk(self->pt, 0x4000, ACC_W, &res));
	ASSERT_EQ(EMU_PT_FAULT_PERMISSION, res.fault);
	ASSERT_EQ(level_of(variant->cfg.fmt, SZ_4K), res.level);

	/* Write-only: where the layout cannot say it, read-write. */
	if (write_only) {
		ASSERT_EQ(-EFAULT, host_walk(self->pt, 0x6000, ACC_R, &res));
		ASSERT_EQ(EMU_PT_FAULT_PERMISSION, res.fault);
		ASSERT_EQ(0, host_walk(self->pt, 0x6000, ACC_W, &res));
		ASSERT_EQ(IOMMU_WRITE, res.prot);
	} else {
		ASSERT_EQ(0, host_walk(self->pt, 0x6000, ACC_RW, &res));
		ASSERT_EQ(PROT_RW, res.prot);
	}

	/* Beyond the input range, no table read. */
	ASSERT_EQ(-EFAULT, host_walk(self->pt, BIT_ULL(variant->cfg.ias), ACC_R,
				     &res));
	ASSERT_EQ(EMU_PT_FAULT_ADDR_SIZE, res.fault);
	ASSERT_EQ(-1, res.level);
	ASSERT_EQ(-EFAULT, host_walk(self->pt, last + 1, ACC_R, &res));
	if (variant->cfg.fmt == EMU_PT_X86_FS) {
		ASSERT_EQ(EMU_PT_FAULT_ADDR_SIZE, res.fault);
		/* The sign-extended upper half is a valid input. */
		ASSERT_EQ(-EFAULT, host_walk(self->pt, ~0ULL << (variant->cfg.ias - 1),
					     ACC_R, &res));
		ASSERT_EQ(EMU_PT_FAULT_TRANSLATION, res.fault);
		ASSERT_EQ(top, res.level);
	}

	ASSERT_EQ(2 * SZ_4K + SZ_2M, emu_pgtable_unmap(self->pt, 0, SZ_1G));
}

static int read_fails(void *ctx, u64 table, unsigned int index, u64 *desc)
{
	return -EIO;
}

TEST_F(host, walk_ext_abort_and_bad_cfg)
{
	const struct emu_pt_walk_ops ops = { .read_desc = read_fails };
	int top = is_arm(variant->cfg.fmt) ? 4 - variant->levels : variant->levels;
	struct emu_pt_walk_result res;
	struct emu_pt_walk_cfg wcfg;

	emu_pgtable_walk_cfg(self->pt, &wcfg);
	ASSERT_EQ(-EFAULT, emu_pt_walk(&wcfg, 0x1000, ACC_R, &ops, NULL, &res));
	ASSERT_EQ(EMU_PT_FAULT_EXT_ABORT, res.fault);
	ASSERT_EQ(-EIO, res.err);
	ASSERT_EQ(top, res.level);

	wcfg.fmt = EMU_PT_NR_FMTS;
	ASSERT_EQ(-EINVAL, emu_pt_walk(&wcfg, 0, ACC_R, &ops, NULL, &res));
	emu_pgtable_walk_cfg(self->pt, &wcfg);
	wcfg.oas = 60;
	ASSERT_EQ(-EINVAL, emu_pt_walk(&wcfg, 0, ACC_R, &ops, NULL, &res));
	emu_pgtable_walk_cfg(self->pt, &wcfg);
	wcfg.ias = 24;
	ASSERT_EQ(-EINVAL, emu_pt_walk(&wcfg, 0, ACC_R, &ops, NULL, &res));
	/* Accessed/dirty updates need the update callback. */
	if (!is_arm(variant->cfg.fmt)) {
		emu_pgtable_walk_cfg(self->pt, &wcfg);
		wcfg.flags |= EMU_PT_WALK_SET_AD;
		ASSERT_EQ(-EINVAL, emu_pt_walk(&wcfg, 0, ACC_R, &ops, NULL,
					       &res));
	}
}

TEST_F(host, walk_cfg)
{
	struct emu_pt_walk_cfg wcfg;

	emu_pgtable_walk_cfg(self->pt, &wcfg);
	ASSERT_EQ(variant->cfg.fmt, wcfg.fmt);
	ASSERT_EQ(emu_pgtable_root(self->pt), wcfg.root);
	ASSERT_EQ(virt_to_phys(self->pt->root), wcfg.root);
	ASSERT_EQ(variant->cfg.ias, wcfg.ias);
	ASSERT_EQ(variant->cfg.oas, wcfg.oas);
	ASSERT_EQ(EMU_PT_WALK_HOST_TABLES, wcfg.flags);
	if (is_arm(variant->cfg.fmt))
		ASSERT_EQ(4 - variant->levels, wcfg.start_level);
	ASSERT_EQ(BIT_ULL(variant->cfg.ias - (variant->cfg.fmt == EMU_PT_X86_FS)) - 1,
		  emu_pgtable_last_iova(self->pt));
}

TEST_F(host, deferred_free)
{
	struct emu_pgtable *pt = host_alloc(&variant->cfg, EMU_PGTABLE_DEFER_FREE);
	int top = is_arm(variant->cfg.fmt) ? 4 - variant->levels : variant->levels;
	struct emu_pt_walk_result res;

	ASSERT_FALSE(IS_ERR(pt));
	map_ok(_metadata, pt, 0x12345000, 0x5000, SZ_4K, PROT_RW);
	map_ok(_metadata, pt, 0x12346000, 0x6000, SZ_4K, PROT_RW);
	ASSERT_EQ(variant->levels * SZ_4K, emu_pgtable_mem_bytes(pt));
	ASSERT_EQ(0, host_walk(pt, 0x12345000, ACC_R, &res));

	ASSERT_EQ(2 * SZ_4K, emu_pgtable_unmap(pt, 0x12345000, 2 * SZ_4K));
	/* Parked, still counted, unreachable (+1: the fixture's table). */
	ASSERT_EQ(variant->levels * SZ_4K, emu_pgtable_mem_bytes(pt));
	ASSERT_EQ(variant->levels + 1, shim_pages);
	ASSERT_EQ(-EFAULT, host_walk(pt, 0x12345000, ACC_R, &res));
	ASSERT_EQ(EMU_PT_FAULT_TRANSLATION, res.fault);
	ASSERT_EQ(top, res.level);

	/* Mapping again builds new tables; the parked ones stay parked. */
	map_ok(_metadata, pt, 0x12345000, 0x5000, SZ_4K, PROT_RW);
	ASSERT_EQ((2 * variant->levels - 1) * SZ_4K,
		  emu_pgtable_mem_bytes(pt));
	emu_pgtable_reclaim(pt);
	ASSERT_EQ(variant->levels * SZ_4K, emu_pgtable_mem_bytes(pt));
	ASSERT_EQ(0x5000, emu_pgtable_iova_to_phys(pt, 0x12345000));
	ASSERT_EQ(SZ_4K, emu_pgtable_unmap(pt, 0x12345000, SZ_4K));
	emu_pgtable_reclaim(pt);
	ASSERT_EQ(SZ_4K, emu_pgtable_mem_bytes(pt));
	ASSERT_EQ(1 + 1, shim_pages);

	/* Freeing with parked tables frees them too. */
	map_ok(_metadata, pt, 0x12345000, 0x5000, SZ_4K, PROT_RW);
	ASSERT_EQ(SZ_4K, emu_pgtable_unmap(pt, 0x12345000, SZ_4K));
	emu_pgtable_free(pt);
	ASSERT_EQ(1, shim_pages);
}

/*
 * A parked table reads as "nothing mapped" in every format: walk a table
 * whose first descriptor holds the link to another parked table.
 */
TEST_F(host, parked_table_link_is_invalid)
{
	u64 *table = (u64 *)get_zeroed_page(GFP_KERNEL);
	struct emu_pt_walk_result res;
	struct emu_pt_walk_cfg wcfg;

	ASSERT_NE(NULL, table);
	table[0] = virt_to_phys(self->pt->root);
	emu_pgtable_walk_cfg(self->pt, &wcfg);
	wcfg.root = virt_to_phys(table);
	ASSERT_EQ(-EFAULT, emu_pt_walk(&wcfg, 0, ACC_R, &emu_pt_host_ops, NULL,
				       &res));
	ASSERT_EQ(EMU_PT_FAULT_TRANSLATION, res.fault);
	free_page((unsigned long)table);
}

/* Above 2^48 with 5 levels; refused with 4. */
TEST_F(host, five_level_high_iova)
{
	u64 iova = (0xabULL << 48) | (3ULL << 30);
	struct emu_pt_walk_result res;
	size_t mapped;

	if (variant->levels != 5) {
		ASSERT_EQ(-ERANGE, emu_pgtable_map(self->pt, BIT_ULL(48),
						   0x1000, SZ_4K, PROT_RW,
						   GFP_KERNEL, &mapped));
		return;
	}
	map_ok(_metadata, self->pt, iova, 0x80000000, SZ_1G + SZ_2M + SZ_4K,
	       PROT_RW);
	ASSERT_EQ(0, host_walk(self->pt, iova + 0x1234, ACC_R, &res));
	ASSERT_EQ(SZ_1G, res.size);
	ASSERT_EQ(0x80001234, res.oa);
	ASSERT_EQ(0, host_walk(self->pt, iova + SZ_1G + 0x1234, ACC_R, &res));
	ASSERT_EQ(SZ_2M, res.size);
	ASSERT_EQ(0xc0001234, res.oa);
	ASSERT_EQ(0, host_walk(self->pt, iova + SZ_1G + SZ_2M, ACC_R, &res));
	ASSERT_EQ(SZ_4K, res.size);
	ASSERT_EQ(0xc0200000, emu_pgtable_iova_to_phys(self->pt, iova + SZ_1G +
							SZ_2M));
	/* The same low 48 bits in the first 2^48: nothing (empty PML5 slot). */
	ASSERT_EQ(-EFAULT, host_walk(self->pt, iova & (BIT_ULL(48) - 1), ACC_R,
				     &res));
	ASSERT_EQ(EMU_PT_FAULT_TRANSLATION, res.fault);
	ASSERT_EQ(5, res.level);
	ASSERT_EQ(SZ_1G + SZ_2M + SZ_4K,
		  emu_pgtable_unmap(self->pt, iova, SZ_1G + SZ_2M + SZ_4K));
	ASSERT_EQ(SZ_4K, emu_pgtable_mem_bytes(self->pt));
}

/*
 * Accessed/dirty updates on host x86 tables.  ARM has none (hardware
 * access-flag update is not modelled): the flag changes nothing there.
 */
TEST_F(host, accessed_dirty)
{
	bool fs = variant->cfg.fmt == EMU_PT_X86_FS;
	u64 a = fs ? F_A : S_A, d = fs ? F_D : S_D;
	struct emu_pt_walk_result res;
	struct emu_pt_walk_cfg wcfg;
	u64 top;

	map_ok(_metadata, self->pt, 0x4000, 0x7000, SZ_4K, PROT_RW);
	map_ok(_metadata, self->pt, 0x5000, 0x8000, SZ_4K, IOMMU_READ);
	emu_pgtable_walk_cfg(self->pt, &wcfg);
	wcfg.flags |= EMU_PT_WALK_SET_AD;

	if (is_arm(variant->cfg.fmt)) {
		top = self->pt->root[0];
		ASSERT_EQ(0, host_walk(self->pt, 0x4000, 0, &res));
		ASSERT_EQ(0, emu_pt_walk(&wcfg, 0x4000, ACC_W,
					 &emu_pt_host_ops, NULL, &self->res));
		ASSERT_EQ(res.leaf, self->res.leaf);
		ASSERT_EQ(top, self->pt->root[0]);
		ASSERT_EQ(2 * SZ_4K, emu_pgtable_unmap(self->pt, 0x4000,
						       2 * SZ_4K));
		return;
	}

	ASSERT_EQ(0, emu_pt_walk(&wcfg, 0x4000, ACC_R, &emu_pt_host_ops, NULL,
				 &res));
	ASSERT_EQ(fs ? a | d : a, res.leaf & (a | d));
	/* The host first stage presets A, and D where writable. */
	ASSERT_EQ(0, emu_pt_walk(&wcfg, 0x5000, 0, &emu_pt_host_ops, NULL,
				 &res));
	ASSERT_EQ(fs ? a : 0, res.leaf & (a | d));
	ASSERT_EQ(0, emu_pt_walk(&wcfg, 0x4000, ACC_W, &emu_pt_host_ops, NULL,
				 &res));
	ASSERT_EQ(a | d, res.leaf & (a | d));
	ASSERT_EQ(0x7000, emu_pgtable_iova_to_phys(self->pt, 0x4000));
	/* A set in every level of the walk, in the table itself. */
	ASSERT_EQ(a, self->pt->root[0] & a);
	ASSERT_EQ(2 * SZ_4K, emu_pgtable_unmap(self->pt, 0x4000, 2 * SZ_4K));
}

TEST(host_cfg_errors)
{
	static const struct emu_pgtable_cfg bad[] = {
		{ EMU_PT_NR_FMTS, 48, 48, 0 },
		{ EMU_PT_ARM_S1, 24, 48, 0 },
		{ EMU_PT_ARM_S1, 49, 48, 0 },
		{ EMU_PT_ARM_S2, 48, 49, 0 },
		{ EMU_PT_ARM_S2, 48, 31, 0 },
		{ EMU_PT_VTD_SS, 40, 48, 0 },
		{ EMU_PT_VTD_SS, 48, 53, 0 },
		{ EMU_PT_X86_FS, 39, 48, 0 },
		{ EMU_PT_X86_FS, 48, 48, BIT(3) },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ASSERT_EQ(-EINVAL, PTR_ERR(emu_pgtable_alloc(&bad[i])));
	ASSERT_EQ(0, shim_pages);
	emu_pgtable_free(NULL);
}

/* --------------------------------------------------------------------- */
/* Walks racing with map/unmap of other ranges                            */
/* --------------------------------------------------------------------- */

struct race {
	struct emu_pgtable *pt;
	bool stop;
	unsigned long walks;
	bool bad;
};

static void *race_walker(void *arg)
{
	struct race *race = arg;
	struct emu_pt_walk_result res;
	u64 off;

	while (!READ_ONCE(race->stop)) {
		for (off = 0; off < 2 * SZ_2M; off += 0x3000) {
			if (host_walk(race->pt, 0x40000000 + off, ACC_RW, &res) ||
			    res.oa != 0x90000000 + off)
				race->bad = true;
			race->walks++;
		}
	}
	return NULL;
}

TEST(walk_races_map_unmap)
{
	static const enum emu_pt_fmt fmts[] = { EMU_PT_ARM_S1, EMU_PT_VTD_SS };
	struct emu_pgtable_cfg cfg = { .ias = 48, .oas = 48 };
	struct race race = {};
	pthread_t thread;
	unsigned int f, i;
	size_t mapped;

	for (f = 0; f < ARRAY_SIZE(fmts); f++) {
		cfg.fmt = fmts[f];
		race.pt = emu_pgtable_alloc(&cfg);
		ASSERT_FALSE(IS_ERR(race.pt));
		/* 2MiB of 4KiB pages, then a 2MiB block. */
		ASSERT_EQ(0, emu_pgtable_map(race.pt, 0x40000000, 0x90000000,
					     SZ_4K, PROT_RW, GFP_KERNEL,
					     &mapped));
		ASSERT_EQ(0, emu_pgtable_map(race.pt, 0x40001000, 0x90001000,
					     SZ_2M - SZ_4K, PROT_RW,
					     GFP_KERNEL, &mapped));
		ASSERT_EQ(0, emu_pgtable_map(race.pt, 0x40200000, 0x90200000,
					     SZ_2M, PROT_RW, GFP_KERNEL,
					     &mapped));
		WRITE_ONCE(race.stop, false);
		ASSERT_EQ(0, pthread_create(&thread, NULL, race_walker, &race));
		/* Other ranges sharing the upper tables, built and torn down. */
		for (i = 0; i < 3000; i++) {
			u64 iova = 0x40400000 + (i % 8) * SZ_2M + SZ_4K;

			ASSERT_EQ(0, emu_pgtable_map(race.pt, iova, 0x1000,
						     2 * SZ_2M, PROT_RW,
						     GFP_KERNEL, &mapped));
			ASSERT_EQ(2 * SZ_2M,
				  emu_pgtable_unmap(race.pt, iova, 2 * SZ_2M));
		}
		WRITE_ONCE(race.stop, true);
		ASSERT_EQ(0, pthread_join(thread, NULL));
		ASSERT_FALSE(race.bad);
		ASSERT_LT(0, race.walks);
		emu_pgtable_free(race.pt);
	}
	ASSERT_EQ(0, shim_pages);
}

/* --------------------------------------------------------------------- */
/* Tables in a fake guest memory                                          */
/* --------------------------------------------------------------------- */

#define GPA_BASE	0x80000000ULL
#define GMEM_PAGES	256
#define GMEM_SIZE	(GMEM_PAGES * SZ_4K)

/* Guest memory: GMEM_SIZE bytes at guest physical address GPA_BASE. */
struct gmem {
	u8 *buf;
	u64 next;		/* bump allocator, a GPA */
	unsigned int reads;
	unsigned int races;	/* updates to disturb with a concurrent edit */
	int update_err;		/* error every update returns, if not 0 */
};

static u64 *gmem_ptr(struct gmem *g, u64 gpa)
{
	if (gpa < GPA_BASE || gpa + 8 > GPA_BASE + GMEM_SIZE)
		return NULL;
	return (u64 *)(g->buf + (gpa - GPA_BASE));
}

/* A zeroed table of @pages pages aligned to its size; returns its GPA. */
static u64 gmem_table(struct gmem *g, unsigned int pages)
{
	u64 size = pages * SZ_4K;
	u64 gpa = (g->next + size - 1) & ~(size - 1);

	g->next = gpa + size;
	memset(gmem_ptr(g, gpa), 0, size);
	return gpa;
}

static void gset(struct gmem *g, u64 table, unsigned int index, u64 desc)
{
	*gmem_ptr(g, table + 8ULL * index) = desc;
}

static u64 gget(struct gmem *g, u64 table, unsigned int index)
{
	return *gmem_ptr(g, table + 8ULL * index);
}

static int gmem_read(void *ctx, u64 table, unsigned int index, u64 *desc)
{
	struct gmem *g = ctx;
	u64 *p = gmem_ptr(g, table + 8ULL * index);

	if (!p)
		return -EFAULT;
	*desc = *p;
	g->reads++;
	return 0;
}

static int gmem_update(void *ctx, u64 table, unsigned int index, u64 old,
		       u64 new)
{
	struct gmem *g = ctx;
	u64 *p = gmem_ptr(g, table + 8ULL * index);

	if (!p)
		return -EFAULT;
	if (g->update_err)
		return g->update_err;
	if (g->races) {
		/* The guest edits the entry between our read and update. */
		g->races--;
		*p ^= F_IGN;
	}
	return __sync_val_compare_and_swap(p, old, new) == old ? 0 : -EAGAIN;
}

static const struct emu_pt_walk_ops gmem_ops = {
	.read_desc = gmem_read,
	.update_desc = gmem_update,
};

FIXTURE(guest) {
	struct gmem g;
	struct emu_pt_walk_result res;
	struct emu_pt_walk_cfg cfg;
};

FIXTURE_SETUP(guest)
{
	self->g.buf = aligned_alloc(SZ_4K, GMEM_SIZE);
	ASSERT_NE(NULL, self->g.buf);
	memset(self->g.buf, 0x5a, GMEM_SIZE);
	self->g.next = GPA_BASE;
}

FIXTURE_TEARDOWN(guest)
{
	free(self->g.buf);
}

/* Walk self->cfg through guest memory; the number of reads it took. */
#define gwalk(iova, access) ({						\
	self->g.reads = 0;						\
	emu_pt_walk(&self->cfg, iova, access, &gmem_ops, &self->g,	\
		    &self->res);					\
})

#define ASSERT_FAULT(_fault, _level) do {				\
	ASSERT_EQ(_fault, self->res.fault);				\
	ASSERT_EQ(_level, self->res.level);				\
} while (0)

TEST_F(guest, arm_s1)
{
	struct gmem *g = &self->g;
	u64 t0 = gmem_table(g, 1), t1 = gmem_table(g, 1);
	u64 t2 = gmem_table(g, 1), t3 = gmem_table(g, 1);
	u64 t2b = gmem_table(g, 1), t2c = gmem_table(g, 1);
	u64 page = 0x12345000, blk2m = 0x4600000, blk1g = 0x80000000;
	u64 va = va4(1, 2, 3, 4);

	self->cfg = (struct emu_pt_walk_cfg){
		.fmt = EMU_PT_ARM_S1, .root = t0, .ias = 48, .oas = 40,
	};
	gset(g, t0, 1, t1 | A_TABLE);
	gset(g, t1, 2, t2 | A_TABLE);
	gset(g, t2, 3, t3 | A_TABLE);
	gset(g, t3, 4, page | A_PAGE | A_AF | A_AP_EL0 | A_NG);

	/* A 4KiB page: 4 reads, read-write for both privileges. */
	ASSERT_EQ(0, gwalk(va + 0x123, ACC_RW));
	ASSERT_EQ(4, g->reads);
	ASSERT_EQ(page + 0x123, self->res.oa);
	ASSERT_EQ(SZ_4K, self->res.size);
	ASSERT_EQ(PROT_RW, self->res.prot);
	ASSERT_EQ(3, self->res.level);
	ASSERT_EQ(gget(g, t3, 4), self->res.leaf);
	ASSERT_EQ(0, gwalk(va, ACC_RW | ACC_PRIV));

	/* A read-only 2MiB block, with upper attributes that change nothing. */
	gset(g, t2, 5, blk2m | 0x1000 | A_BLOCK | A_AF | A_AP_EL0 | A_AP_RO |
		       A_DBM | A_XN);
	ASSERT_EQ(0, gwalk(va4(1, 2, 5, 0) + 0x12345, ACC_R));
	ASSERT_EQ(blk2m + 0x12345, self->res.oa);
	ASSERT_EQ(SZ_2M, self->res.size);
	ASSERT_EQ(IOMMU_READ, self->res.prot);
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 2, 5, 0), ACC_W));
	ASSERT_FAULT(EMU_PT_FAULT_PERMISSION, 2);

	/* A 1GiB block. */
	gset(g, t1, 3, blk1g | A_BLOCK | A_AF | A_AP_EL0);
	ASSERT_EQ(0, gwalk(va4(1, 3, 7, 9) + 5, ACC_W));
	ASSERT_EQ(blk1g + (7ULL << 21) + (9ULL << 12) + 5, self->res.oa);
	ASSERT_EQ(SZ_1G, self->res.size);
	ASSERT_EQ(1, self->res.level);

	/* Access flag clear. */
	gset(g, t3, 5, page | A_PAGE | A_AP_EL0);
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 2, 3, 5), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_ACCESS, 3);

	/* Invalid descriptors at each level. */
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 2, 3, 6), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_TRANSLATION, 3);
	gset(g, t2, 6, ~1ULL);
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 2, 6, 0), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_TRANSLATION, 2);
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 9, 0, 0), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_TRANSLATION, 1);
	ASSERT_EQ(-EFAULT, gwalk(va4(2, 0, 0, 0), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_TRANSLATION, 0);
	ASSERT_EQ(1, g->reads);
	/* No blocks at level 0; the block encoding is invalid at level 3. */
	gset(g, t0, 3, A_BLOCK | A_AF | A_AP_EL0);
	ASSERT_EQ(-EFAULT, gwalk(va4(3, 0, 0, 0), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_TRANSLATION, 0);
	gset(g, t3, 7, page | A_BLOCK | A_AF | A_AP_EL0);
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 2, 3, 7), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_TRANSLATION, 3);

	/* Privileged only (AP[1] clear). */
	gset(g, t3, 8, page | A_PAGE | A_AF);
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 2, 3, 8), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_PERMISSION, 3);
	ASSERT_EQ(0, self->res.prot);
	ASSERT_EQ(0, gwalk(va4(1, 2, 3, 8), ACC_RW | ACC_PRIV));
	ASSERT_EQ(PROT_RW, self->res.prot);

	/* APTable limits: no write below, no unprivileged access below. */
	gset(g, t1, 4, t2b | A_TABLE | A_APT_NOWR);
	gset(g, t2b, 0, blk2m | A_BLOCK | A_AF | A_AP_EL0);
	ASSERT_EQ(0, gwalk(va4(1, 4, 0, 0), ACC_R));
	ASSERT_EQ(IOMMU_READ, self->res.prot);
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 4, 0, 0), ACC_W | ACC_PRIV));
	ASSERT_FAULT(EMU_PT_FAULT_PERMISSION, 2);
	gset(g, t1, 5, t2c | A_TABLE | A_APT_NOEL0);
	gset(g, t2c, 0, blk2m | A_BLOCK | A_AF | A_AP_EL0);
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 5, 0, 0), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_PERMISSION, 2);
	ASSERT_EQ(0, gwalk(va4(1, 5, 0, 0), ACC_W | ACC_PRIV));

	/* Output addresses beyond the 40-bit output size. */
	gset(g, t3, 9, BIT_ULL(40) | A_PAGE | A_AF | A_AP_EL0);
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 2, 3, 9), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_ADDR_SIZE, 3);
	gset(g, t0, 4, BIT_ULL(41) | A_TABLE);
	ASSERT_EQ(-EFAULT, gwalk(va4(4, 0, 0, 0), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_ADDR_SIZE, 0);
	ASSERT_EQ(1, g->reads);

	/* Input beyond 48 bits (TTB1's half is not modelled): no read. */
	ASSERT_EQ(-EFAULT, gwalk(BIT_ULL(48) | va, ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_ADDR_SIZE, -1);
	ASSERT_EQ(0, g->reads);

	/* A table outside guest memory: the read fails. */
	gset(g, t0, 5, (GPA_BASE + GMEM_SIZE + 0x10000) | A_TABLE);
	ASSERT_EQ(-EFAULT, gwalk(va4(5, 0, 0, 0), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_EXT_ABORT, 1);
	ASSERT_EQ(-EFAULT, self->res.err);

	/* A lookup (no access) ignores permissions. */
	ASSERT_EQ(0, gwalk(va4(1, 2, 3, 8), 0));
	ASSERT_EQ(page, self->res.oa);
}

TEST_F(guest, arm_s1_start_levels)
{
	struct gmem *g = &self->g;
	u64 root = gmem_table(g, 1), t = gmem_table(g, 1);

	/* T0SZ 25: 39 bits, start at level 1 with 512 entries. */
	self->cfg = (struct emu_pt_walk_cfg){
		.fmt = EMU_PT_ARM_S1, .root = root, .ias = 39, .oas = 48,
	};
	gset(g, root, 300, t | A_TABLE);
	gset(g, t, 7, 0x3ff000000 | A_BLOCK | A_AF | A_AP_EL0);
	ASSERT_EQ(0, gwalk((300ULL << 30) | (7ULL << 21) | 0xabcde, ACC_R));
	ASSERT_EQ(2, g->reads);
	ASSERT_EQ(0x3ff000000 + 0xabcde, self->res.oa);
	ASSERT_EQ(-EFAULT, gwalk(BIT_ULL(39), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_ADDR_SIZE, -1);

	/* T0SZ 39: 25 bits, start at level 2 with 16 entries. */
	self->cfg.ias = 25;
	gset(g, root, 15, t | A_TABLE);
	gset(g, t, 3, 0x5000 | A_PAGE | A_AF | A_AP_EL0);
	ASSERT_EQ(0, gwalk((15ULL << 21) | (3ULL << 12) | 0x10, ACC_R));
	ASSERT_EQ(2, g->reads);
	ASSERT_EQ(0x5010, self->res.oa);
	ASSERT_EQ(-EFAULT, gwalk(BIT_ULL(25), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_ADDR_SIZE, -1);

	/* T0SZ 24 (40 bits): level 0 with 2 entries. */
	self->cfg.ias = 40;
	gset(g, root, 1, t | A_TABLE);
	ASSERT_EQ(-EFAULT, gwalk(BIT_ULL(39), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_TRANSLATION, 1);

	/* Out of range T0SZ, output size. */
	self->cfg.ias = 24;
	ASSERT_EQ(-EINVAL, gwalk(0, ACC_R));
	self->cfg.ias = 49;
	ASSERT_EQ(-EINVAL, gwalk(0, ACC_R));
	self->cfg.ias = 48;
	self->cfg.oas = 52;
	ASSERT_EQ(-EINVAL, gwalk(0, ACC_R));
}

TEST_F(guest, arm_s2_concatenated)
{
	struct gmem *g = &self->g;
	u64 root2 = gmem_table(g, 2), root8 = gmem_table(g, 8);
	u64 t = gmem_table(g, 1);
	u64 ipa;

	/* 40-bit IPA from level 1: two concatenated tables. */
	self->cfg = (struct emu_pt_walk_cfg){
		.fmt = EMU_PT_ARM_S2, .root = root2, .ias = 40, .oas = 48,
		.start_level = 1,
	};
	ipa = BIT_ULL(39) | (7ULL << 30) | (2ULL << 21) | 0x4321;
	gset(g, root2, 512 + 7, t | A_TABLE);
	gset(g, t, 2, 0x7c00000 | A_BLOCK | A_AF | A_S2_R | A_S2_W | A_XN);
	ASSERT_EQ(0, gwalk(ipa, ACC_RW));
	ASSERT_EQ(2, g->reads);
	ASSERT_EQ(0x7c04321, self->res.oa);
	ASSERT_EQ(SZ_2M, self->res.size);
	ASSERT_EQ(2, self->res.level);
	ASSERT_EQ(PROT_RW, self->res.prot);
	/* The first table's entry 7 is another address. */
	ASSERT_EQ(-EFAULT, gwalk(ipa & ~BIT_ULL(39), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_TRANSLATION, 1);

	/* 42-bit IPA from level 1: 8 tables, the 6th one. */
	self->cfg.root = root8;
	self->cfg.ias = 42;
	gset(g, root8, 5 * 512 + 3, 0x40000000 | A_BLOCK | A_AF | A_S2_R);
	ASSERT_EQ(0, gwalk((5ULL * 512 + 3) << 30 | 0x55, ACC_R));
	ASSERT_EQ(1, g->reads);
	ASSERT_EQ(0x40000055, self->res.oa);
	ASSERT_EQ(SZ_1G, self->res.size);
	ASSERT_EQ(IOMMU_READ, self->res.prot);
	ASSERT_EQ(-EFAULT, gwalk((5ULL * 512 + 3) << 30, ACC_W));
	ASSERT_FAULT(EMU_PT_FAULT_PERMISSION, 1);

	/* Write-only, no access at all, access flag clear. */
	gset(g, root8, 1, 0x80000000 | A_BLOCK | A_AF | A_S2_W);
	ASSERT_EQ(-EFAULT, gwalk(1ULL << 30, ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_PERMISSION, 1);
	ASSERT_EQ(0, gwalk(1ULL << 30, ACC_W));
	ASSERT_EQ(IOMMU_WRITE, self->res.prot);
	gset(g, root8, 2, 0x80000000 | A_BLOCK | A_AF);
	ASSERT_EQ(-EFAULT, gwalk(2ULL << 30, ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_PERMISSION, 1);
	gset(g, root8, 3, 0x80000000 | A_BLOCK | A_S2_R);
	ASSERT_EQ(-EFAULT, gwalk(3ULL << 30, ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_ACCESS, 1);
	/* The privilege of the request does not matter at stage 2. */
	ASSERT_EQ(0, gwalk(1ULL << 30, ACC_W | ACC_PRIV));

	/* 40-bit IPA from level 0: 2 entries. */
	self->cfg.root = root2;
	self->cfg.ias = 40;
	self->cfg.start_level = 0;
	gset(g, root2, 1, t | A_TABLE);
	gset(g, t, 7, 0x2000000000 | A_BLOCK | A_AF | A_S2_R);
	ASSERT_EQ(0, gwalk(BIT_ULL(39) | (7ULL << 30), ACC_R));
	ASSERT_EQ(2, g->reads);
	ASSERT_EQ(0x2000000000, self->res.oa);

	/* Level 2 start: 34 bits is 16 tables, 35 would be 32. */
	self->cfg.start_level = 2;
	self->cfg.ias = 34;
	self->cfg.root = gmem_table(g, 16);
	gset(g, self->cfg.root, 8191, 0x600000 | A_BLOCK | A_AF | A_S2_R);
	ASSERT_EQ(0, gwalk(BIT_ULL(34) - 1, ACC_R));
	ASSERT_EQ(1, g->reads);
	ASSERT_EQ(0x7fffff, self->res.oa);
	self->cfg.ias = 35;
	ASSERT_EQ(-EINVAL, gwalk(0, ACC_R));
	/* 44 bits from level 1 would be 32 tables; 30 from level 1 nothing. */
	self->cfg.start_level = 1;
	self->cfg.ias = 44;
	ASSERT_EQ(-EINVAL, gwalk(0, ACC_R));
	self->cfg.ias = 30;
	ASSERT_EQ(-EINVAL, gwalk(0, ACC_R));
	self->cfg.start_level = 3;
	self->cfg.ias = 25;
	ASSERT_EQ(-EINVAL, gwalk(0, ACC_R));
}

TEST_F(guest, vtd_ss)
{
	struct gmem *g = &self->g;
	u64 t4 = gmem_table(g, 1), t3 = gmem_table(g, 1);
	u64 t2 = gmem_table(g, 1), t1 = gmem_table(g, 1);
	u64 t3b = gmem_table(g, 1), t2b = gmem_table(g, 1);
	u64 t1b = gmem_table(g, 1), t5 = gmem_table(g, 1);

	self->cfg = (struct emu_pt_walk_cfg){
		.fmt = EMU_PT_VTD_SS, .root = t4, .ias = 48, .oas = 46,
	};
	gset(g, t4, 1, t3 | S_R | S_W);
	gset(g, t3, 2, t2 | S_R | S_W);
	gset(g, t2, 3, t1 | S_R | S_W);
	gset(g, t1, 4, 0x1234000 | S_R | S_W);
	ASSERT_EQ(0, gwalk(va4(1, 2, 3, 4) + 0x10, ACC_RW));
	ASSERT_EQ(4, g->reads);
	ASSERT_EQ(0x1234010, self->res.oa);
	ASSERT_EQ(PROT_RW, self->res.prot);
	ASSERT_EQ(1, self->res.level);

	/* Permissions add up over the levels: W clear in a table entry. */
	gset(g, t4, 2, t3b | S_R);
	gset(g, t3b, 0, t2b | S_R | S_W);
	gset(g, t2b, 0, t1b | S_R | S_W);
	gset(g, t1b, 0, 0x5000 | S_R | S_W);
	ASSERT_EQ(0, gwalk(va4(2, 0, 0, 0), ACC_R));
	ASSERT_EQ(IOMMU_READ, self->res.prot);
	ASSERT_EQ(-EFAULT, gwalk(va4(2, 0, 0, 0), ACC_W));
	ASSERT_FAULT(EMU_PT_FAULT_PERMISSION, 1);
	/* Write-only leaf. */
	gset(g, t1, 5, 0x6000 | S_W);
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 2, 3, 5), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_PERMISSION, 1);
	ASSERT_EQ(0, gwalk(va4(1, 2, 3, 5), ACC_W));

	/* Not present: R and W clear, X alone does not count. */
	gset(g, t1, 6, 0x6000 | S_X);
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 2, 3, 6), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_TRANSLATION, 1);
	ASSERT_EQ(-EFAULT, gwalk(va4(3, 0, 0, 0), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_TRANSLATION, 4);

	/* Huge pages at levels 2 and 3, reserved at level 4. */
	gset(g, t2, 7, 0x40000000 | 0x1000 | S_PS | S_R);
	ASSERT_EQ(0, gwalk(va4(1, 2, 7, 0x1ff) + 0xfff, ACC_R));
	ASSERT_EQ(0x40000000 + SZ_2M - 1, self->res.oa);
	ASSERT_EQ(SZ_2M, self->res.size);
	ASSERT_EQ(2, self->res.level);
	gset(g, t3, 8, 0x80000000 | S_PS | S_R | S_W);
	ASSERT_EQ(0, gwalk(va4(1, 8, 5, 6), ACC_W));
	ASSERT_EQ(0x80000000 + (5ULL << 21) + (6ULL << 12), self->res.oa);
	ASSERT_EQ(SZ_1G, self->res.size);
	ASSERT_EQ(3, self->res.level);
	self->cfg.flags = EMU_PT_WALK_NO_1G;
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 8, 5, 6), ACC_W));
	ASSERT_FAULT(EMU_PT_FAULT_RESERVED, 3);
	self->cfg.flags = 0;
	gset(g, t4, 4, S_PS | S_R | S_W);
	ASSERT_EQ(-EFAULT, gwalk(va4(4, 0, 0, 0), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_RESERVED, 4);
	/* Bit 7 of a 4KiB entry is not a size. */
	gset(g, t1, 7, 0x7000 | S_PS | S_R);
	ASSERT_EQ(0, gwalk(va4(1, 2, 3, 7), ACC_R));
	ASSERT_EQ(0x7000, self->res.oa);

	/* Addresses beyond the 46-bit host address width. */
	gset(g, t1, 8, BIT_ULL(46) | S_R);
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 2, 3, 8), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_ADDR_SIZE, 1);
	gset(g, t4, 5, BIT_ULL(50) | S_R | S_W);
	ASSERT_EQ(-EFAULT, gwalk(va4(5, 0, 0, 0), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_ADDR_SIZE, 4);
	ASSERT_EQ(-EFAULT, gwalk(BIT_ULL(48), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_ADDR_SIZE, -1);

	/* 3 levels (39 bits): the same tables from the level-3 one. */
	self->cfg.ias = 39;
	self->cfg.root = t3;
	ASSERT_EQ(0, gwalk(va4(0, 2, 3, 4), ACC_R));
	ASSERT_EQ(3, g->reads);
	ASSERT_EQ(0x1234000, self->res.oa);
	ASSERT_EQ(-EFAULT, gwalk(BIT_ULL(39), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_ADDR_SIZE, -1);

	/* 5 levels (57 bits): a PML5 above the 4-level tables. */
	self->cfg.ias = 57;
	self->cfg.oas = 52;
	self->cfg.root = t5;
	gset(g, t5, 0x1ab, t4 | S_R | S_W);
	ASSERT_EQ(0, gwalk((0x1abULL << 48) | va4(1, 2, 3, 4), ACC_RW));
	ASSERT_EQ(5, g->reads);
	ASSERT_EQ(0x1234000, self->res.oa);
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 2, 3, 4), ACC_RW));
	ASSERT_FAULT(EMU_PT_FAULT_TRANSLATION, 5);
	ASSERT_EQ(-EFAULT, gwalk(BIT_ULL(57), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_ADDR_SIZE, -1);

	/* Accessed and dirty flags. */
	self->cfg.flags = EMU_PT_WALK_SET_AD;
	ASSERT_EQ(0, gwalk((0x1abULL << 48) | va4(1, 2, 3, 4), ACC_R));
	ASSERT_EQ(S_A, gget(g, t5, 0x1ab) & (S_A | S_D));
	ASSERT_EQ(S_A, gget(g, t4, 1) & (S_A | S_D));
	ASSERT_EQ(S_A, gget(g, t1, 4) & (S_A | S_D));
	ASSERT_EQ(S_A, self->res.leaf & (S_A | S_D));
	ASSERT_EQ(0, gwalk((0x1abULL << 48) | va4(1, 2, 3, 4), ACC_W));
	ASSERT_EQ(S_A, gget(g, t2, 3) & (S_A | S_D));
	ASSERT_EQ(S_A | S_D, gget(g, t1, 4) & (S_A | S_D));
	/* A faulting walk updates nothing. */
	ASSERT_EQ(-EFAULT, gwalk((0x1abULL << 48) | va4(2, 0, 0, 0), ACC_W));
	ASSERT_EQ(0, gget(g, t3b, 0) & S_A);
}

TEST_F(guest, x86_fs)
{
	struct gmem *g = &self->g;
	u64 t4 = gmem_table(g, 1), t3 = gmem_table(g, 1);
	u64 t2 = gmem_table(g, 1), t1 = gmem_table(g, 1);
	u64 t3u = gmem_table(g, 1), t2w = gmem_table(g, 1);
	u64 t5 = gmem_table(g, 1);
	u64 va = va4(1, 2, 3, 4);

	self->cfg = (struct emu_pt_walk_cfg){
		.fmt = EMU_PT_X86_FS, .root = t4, .ias = 48, .oas = 46,
	};
	gset(g, t4, 1, t3 | F_TBL);
	gset(g, t3, 2, t2 | F_TBL);
	gset(g, t2, 3, t1 | F_TBL);
	gset(g, t1, 4, 0xabc000 | F_P | F_RW | F_US | F_XD);
	ASSERT_EQ(0, gwalk(va + 0x7, ACC_RW));
	ASSERT_EQ(4, g->reads);
	ASSERT_EQ(0xabc007, self->res.oa);
	ASSERT_EQ(PROT_RW, self->res.prot);
	ASSERT_EQ(1, self->res.level);

	/* U/S clear in a table entry: supervisor only. */
	gset(g, t4, 2, t3u | F_P | F_RW);
	gset(g, t3u, 0, 0x40000000 | F_PS | F_P | F_RW | F_US);
	ASSERT_EQ(-EFAULT, gwalk(va4(2, 0, 0, 0), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_PERMISSION, 3);
	ASSERT_EQ(0, gwalk(va4(2, 0, 0, 0), ACC_RW | ACC_PRIV));
	ASSERT_EQ(SZ_1G, self->res.size);

	/* R/W clear in a table entry: user writes fault; supervisor writes
	 * only with write protection enabled.
	 */
	gset(g, t3, 3, t2w | F_P | F_US);
	gset(g, t2w, 0, 0x600000 | F_PS | F_P | F_RW | F_US);
	ASSERT_EQ(0, gwalk(va4(1, 3, 0, 0), ACC_R));
	ASSERT_EQ(IOMMU_READ, self->res.prot);
	ASSERT_EQ(SZ_2M, self->res.size);
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 3, 0, 0), ACC_W));
	ASSERT_FAULT(EMU_PT_FAULT_PERMISSION, 2);
	ASSERT_EQ(0, gwalk(va4(1, 3, 0, 0), ACC_W | ACC_PRIV));
	self->cfg.flags = EMU_PT_WALK_WPE;
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 3, 0, 0), ACC_W | ACC_PRIV));
	ASSERT_FAULT(EMU_PT_FAULT_PERMISSION, 2);
	self->cfg.flags = 0;

	/* Not present; PS where it is reserved or disabled. */
	gset(g, t3, 4, 0x40000000 | F_RW | F_US | F_PS);
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 4, 0, 0), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_TRANSLATION, 3);
	gset(g, t4, 3, F_P | F_PS | F_RW | F_US);
	ASSERT_EQ(-EFAULT, gwalk(va4(3, 0, 0, 0), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_RESERVED, 4);
	self->cfg.flags = EMU_PT_WALK_NO_1G;
	ASSERT_EQ(-EFAULT, gwalk(va4(2, 0, 0, 0), ACC_R | ACC_PRIV));
	ASSERT_FAULT(EMU_PT_FAULT_RESERVED, 3);
	self->cfg.flags = 0;

	/* Addresses beyond the host address width. */
	gset(g, t1, 5, BIT_ULL(46) | F_P | F_US);
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 2, 3, 5), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_ADDR_SIZE, 1);

	/* Canonical addresses: the upper half uses the top entries. */
	gset(g, t4, 256, t3 | F_TBL);
	ASSERT_EQ(0, gwalk(0xffff800000000000ULL | va4(0, 2, 3, 4), ACC_R));
	ASSERT_EQ(0xabc000, self->res.oa);
	ASSERT_EQ(-EFAULT, gwalk(0x0000800000000000ULL, ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_ADDR_SIZE, -1);
	ASSERT_EQ(0, g->reads);
	ASSERT_EQ(-EFAULT, gwalk(0xfff0000000000000ULL, ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_ADDR_SIZE, -1);

	/* 5 levels: 57-bit canonical addresses, both halves. */
	self->cfg.ias = 57;
	self->cfg.root = t5;
	gset(g, t5, 0xab, t4 | F_TBL);
	gset(g, t5, 0x100, t4 | F_TBL);
	ASSERT_EQ(0, gwalk((0xabULL << 48) | va, ACC_RW));
	ASSERT_EQ(5, g->reads);
	ASSERT_EQ(0xabc000, self->res.oa);
	ASSERT_EQ(0, gwalk(0xff00000000000000ULL | va, ACC_RW));
	ASSERT_EQ(0xabc000, self->res.oa);
	ASSERT_EQ(-EFAULT, gwalk(0x0100000000000000ULL | va, ACC_RW));
	ASSERT_FAULT(EMU_PT_FAULT_ADDR_SIZE, -1);
	ASSERT_EQ(-EFAULT, gwalk(va, ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_TRANSLATION, 5);
	self->cfg.ias = 39;
	ASSERT_EQ(-EINVAL, gwalk(0, ACC_R));
}

TEST_F(guest, x86_fs_accessed_dirty)
{
	struct gmem *g = &self->g;
	u64 t4 = gmem_table(g, 1), t3 = gmem_table(g, 1);
	u64 t2 = gmem_table(g, 1), t1 = gmem_table(g, 1);
	u64 va = va4(1, 2, 3, 4);

	self->cfg = (struct emu_pt_walk_cfg){
		.fmt = EMU_PT_X86_FS, .root = t4, .ias = 48, .oas = 46,
		.flags = EMU_PT_WALK_SET_AD,
	};
	gset(g, t4, 1, t3 | F_TBL);
	gset(g, t3, 2, t2 | F_TBL);
	gset(g, t2, 3, t1 | F_TBL);
	gset(g, t1, 4, 0xabc000 | F_P | F_RW | F_US);
	gset(g, t1, 5, 0xabd000 | F_P | F_US);

	/* A lookup updates nothing; a read sets A everywhere, not D. */
	ASSERT_EQ(0, gwalk(va, 0));
	ASSERT_EQ(0, gget(g, t4, 1) & (F_A | F_D));
	ASSERT_EQ(0, gwalk(va, ACC_R));
	ASSERT_EQ(F_A, gget(g, t4, 1) & (F_A | F_D | F_EA));
	ASSERT_EQ(F_A, gget(g, t3, 2) & (F_A | F_D | F_EA));
	ASSERT_EQ(F_A, gget(g, t2, 3) & (F_A | F_D | F_EA));
	ASSERT_EQ(F_A, gget(g, t1, 4) & (F_A | F_D | F_EA));
	ASSERT_EQ(gget(g, t1, 4), self->res.leaf);
	/* A write sets D in the leaf only; a refused write sets nothing. */
	ASSERT_EQ(0, gwalk(va, ACC_W));
	ASSERT_EQ(F_A | F_D, gget(g, t1, 4) & (F_A | F_D));
	ASSERT_EQ(F_A, gget(g, t2, 3) & (F_A | F_D));
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 2, 3, 5), ACC_W));
	ASSERT_EQ(0, gget(g, t1, 5) & (F_A | F_D));

	/* Extended accessed, when enabled. */
	self->cfg.flags |= EMU_PT_WALK_SET_EA;
	ASSERT_EQ(0, gwalk(va4(1, 2, 3, 5), ACC_R));
	ASSERT_EQ(F_A | F_EA, gget(g, t1, 5) & (F_A | F_D | F_EA));
	ASSERT_EQ(F_A | F_EA, gget(g, t4, 1) & (F_A | F_D | F_EA));

	/* The guest edits an entry under the update: the walk starts over. */
	gset(g, t1, 6, 0xabe000 | F_P | F_US);
	g->races = 1;
	ASSERT_EQ(0, gwalk(va4(1, 2, 3, 6), ACC_R));
	ASSERT_EQ(0, g->races);
	ASSERT_EQ(F_A | F_EA | F_IGN,
		  gget(g, t1, 6) & (F_A | F_D | F_EA | F_IGN));
	ASSERT_EQ(0xabe000, self->res.oa);
	/* ... but not forever. */
	gset(g, t1, 7, 0xabf000 | F_P | F_US);
	g->races = 1000;
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 2, 3, 7), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_EXT_ABORT, 1);
	ASSERT_EQ(-EAGAIN, self->res.err);
	g->races = 0;
	/* An update that cannot be done is an external abort at its level. */
	gset(g, t1, 8, 0xac0000 | F_P | F_US);
	g->update_err = -EPERM;
	ASSERT_EQ(-EFAULT, gwalk(va4(1, 2, 3, 8), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_EXT_ABORT, 1);
	ASSERT_EQ(-EPERM, self->res.err);
	gset(g, t4, 2, t3 | F_TBL);
	ASSERT_EQ(-EFAULT, gwalk(va4(2, 2, 3, 4), ACC_R));
	ASSERT_FAULT(EMU_PT_FAULT_EXT_ABORT, 4);
}

/* --------------------------------------------------------------------- */
/* Nested: stage-1 table reads translated through a host stage 2          */
/* --------------------------------------------------------------------- */

/* Context of a nested walk: stage 2 and what it said last. */
struct nested {
	struct emu_pt_walk_cfg s2;
	struct emu_pt_walk_result s2_res;
	bool s2_fault;
	unsigned int s1_reads;
	unsigned int s2_reads;
};

static int counted_host_read(void *ctx, u64 table, unsigned int index,
			     u64 *desc)
{
	struct nested *n = ctx;

	n->s2_reads++;
	return emu_pt_read_host(NULL, table, index, desc);
}

static const struct emu_pt_walk_ops counted_host_ops = {
	.read_desc = counted_host_read,
};

/* Translate an IPA through stage 2, keeping the details of a fault. */
static int nested_s2(struct nested *n, u64 ipa, unsigned int access,
		     u64 *pa)
{
	if (emu_pt_walk(&n->s2, ipa, access, &counted_host_ops, n,
			&n->s2_res)) {
		n->s2_fault = true;
		return -EFAULT;
	}
	*pa = n->s2_res.oa;
	return 0;
}

static int nested_read(void *ctx, u64 table, unsigned int index, u64 *desc)
{
	struct nested *n = ctx;
	u64 pa;

	if (nested_s2(n, table + 8ULL * index, EMU_PT_ACCESS_READ, &pa))
		return -EFAULT;
	*desc = READ_ONCE(*(u64 *)phys_to_virt(pa));
	n->s1_reads++;
	return 0;
}

/* Accessed/dirty updates write guest memory: stage 2 must allow it. */
static int nested_update(void *ctx, u64 table, unsigned int index, u64 old,
			 u64 new)
{
	struct nested *n = ctx;
	u64 pa;

	if (nested_s2(n, table + 8ULL * index, EMU_PT_ACCESS_WRITE, &pa))
		return -EFAULT;
	return emu_pt_update_host(NULL, pa, 0, old, new);
}

static const struct emu_pt_walk_ops nested_ops = {
	.read_desc = nested_read,
	.update_desc = nested_update,
};

/* The whole translation: stage 1 through stage 2, then the output IPA. */
static int nested_walk(struct nested *n, const struct emu_pt_walk_cfg *s1,
		       u64 iova, unsigned int access,
		       struct emu_pt_walk_result *res, u64 *pa)
{
	int rc;

	n->s2_fault = false;
	n->s1_reads = 0;
	n->s2_reads = 0;
	rc = emu_pt_walk(s1, iova, access, &nested_ops, n, res);
	if (rc)
		return rc;
	return nested_s2(n, res->oa, access & ~EMU_PT_ACCESS_PRIV, pa);
}

FIXTURE(nested) {
	struct gmem g;
	struct emu_pgtable *s2;
	struct nested n;
	struct emu_pt_walk_result res;
};

FIXTURE_VARIANT(nested) {
	enum emu_pt_fmt s1_fmt;
	enum emu_pt_fmt s2_fmt;
};

FIXTURE_VARIANT_ADD(nested, smmuv3) {
	.s1_fmt = EMU_PT_ARM_S1, .s2_fmt = EMU_PT_ARM_S2,
};

FIXTURE_VARIANT_ADD(nested, vtd) {
	.s1_fmt = EMU_PT_X86_FS, .s2_fmt = EMU_PT_VTD_SS,
};

/* Stage 2 maps guest memory (IPA GPA_BASE...) with 4KiB pages. */
FIXTURE_SETUP(nested)
{
	struct emu_pgtable_cfg cfg = {
		.fmt = variant->s2_fmt, .ias = 48, .oas = 48,
		.flags = EMU_PGTABLE_NO_LARGE_PAGES,
	};
	size_t mapped;

	self->g.buf = aligned_alloc(SZ_4K, GMEM_SIZE);
	ASSERT_NE(NULL, self->g.buf);
	memset(self->g.buf, 0, GMEM_SIZE);
	self->g.next = GPA_BASE;
	self->s2 = emu_pgtable_alloc(&cfg);
	ASSERT_FALSE(IS_ERR(self->s2));
	ASSERT_EQ(0, emu_pgtable_map(self->s2, GPA_BASE,
				     virt_to_phys(self->g.buf), GMEM_SIZE,
				     PROT_RW, GFP_KERNEL, &mapped));
	emu_pgtable_walk_cfg(self->s2, &self->n.s2);
}

FIXTURE_TEARDOWN(nested)
{
	emu_pgtable_free(self->s2);
	free(self->g.buf);
	EXPECT_EQ(0, shim_pages);
}

/* Descriptor encodings of the stage-1 format of the variant. */
static u64 s1_table(enum emu_pt_fmt fmt, u64 gpa)
{
	return gpa | (fmt == EMU_PT_ARM_S1 ? A_TABLE : F_TBL);
}

static u64 s1_page(enum emu_pt_fmt fmt, u64 gpa)
{
	if (fmt == EMU_PT_ARM_S1)
		return gpa | A_PAGE | A_AF | A_AP_EL0;
	return gpa | F_P | F_RW | F_US;
}

TEST_F(nested, walk_through_stage2)
{
	struct gmem *g = &self->g;
	u64 t0 = gmem_table(g, 1), t1 = gmem_table(g, 1);
	u64 t2 = gmem_table(g, 1), t3 = gmem_table(g, 1);
	u64 data = gmem_table(g, 1);
	struct emu_pt_walk_cfg s1 = {
		.fmt = variant->s1_fmt, .root = t0, .ias = 48, .oas = 48,
	};
	u64 va = va4(1, 2, 3, 4);
	size_t mapped;
	u64 pa = 0;

	gset(g, t0, 1, s1_table(variant->s1_fmt, t1));
	gset(g, t1, 2, s1_table(variant->s1_fmt, t2));
	gset(g, t2, 3, s1_table(variant->s1_fmt, t3));
	gset(g, t3, 4, s1_page(variant->s1_fmt, data));

	/* 4 stage-1 reads, each behind a 4-level stage-2 walk, and the
	 * output IPA's own stage-2 walk: 24 reads.
	 */
	ASSERT_EQ(0, nested_walk(&self->n, &s1, va + 0x18, ACC_RW, &self->res,
				 &pa));
	ASSERT_EQ(4, self->n.s1_reads);
	ASSERT_EQ(20, self->n.s2_reads);
	ASSERT_EQ(data + 0x18, self->res.oa);
	ASSERT_EQ(virt_to_phys(g->buf) + (data - GPA_BASE) + 0x18, pa);

	/* The page holding the level-2 table is gone from stage 2. */
	ASSERT_EQ(SZ_4K, emu_pgtable_unmap(self->s2, t2, SZ_4K));
	ASSERT_EQ(-EFAULT, nested_walk(&self->n, &s1, va, ACC_R, &self->res,
				       &pa));
	ASSERT_EQ(EMU_PT_FAULT_EXT_ABORT, self->res.fault);
	ASSERT_EQ(2, self->res.level);
	ASSERT_TRUE(self->n.s2_fault);
	ASSERT_EQ(EMU_PT_FAULT_TRANSLATION, self->n.s2_res.fault);
	ASSERT_EQ(variant->s2_fmt == EMU_PT_ARM_S2 ? 3 : 1,
		  self->n.s2_res.level);
	ASSERT_EQ(0, emu_pgtable_map(self->s2, t2,
				     virt_to_phys(g->buf) + (t2 - GPA_BASE),
				     SZ_4K, IOMMU_READ, GFP_KERNEL, &mapped));

	/* Stage 1 fine, the output IPA read-only at stage 2. */
	ASSERT_EQ(SZ_4K, emu_pgtable_unmap(self->s2, data, SZ_4K));
	ASSERT_EQ(0, emu_pgtable_map(self->s2, data,
				     virt_to_phys(g->buf) + (data - GPA_BASE),
				     SZ_4K, IOMMU_READ, GFP_KERNEL, &mapped));
	ASSERT_EQ(0, nested_walk(&self->n, &s1, va, ACC_R, &self->res, &pa));
	ASSERT_EQ(-EFAULT, nested_walk(&self->n, &s1, va, ACC_W, &self->res,
				       &pa));
	ASSERT_EQ(EMU_PT_FAULT_NONE, self->res.fault);
	ASSERT_TRUE(self->n.s2_fault);
	ASSERT_EQ(EMU_PT_FAULT_PERMISSION, self->n.s2_res.fault);

	/* A stage-1 fault of its own: no stage-2 fault. */
	ASSERT_EQ(-EFAULT, nested_walk(&self->n, &s1, va4(1, 2, 3, 5), ACC_R,
				       &self->res, &pa));
	ASSERT_EQ(EMU_PT_FAULT_TRANSLATION, self->res.fault);
	ASSERT_FALSE(self->n.s2_fault);
	ASSERT_EQ(4, self->n.s1_reads);
}

/* First-stage A/D updates go through stage 2, which must allow writes. */
TEST_F(nested, accessed_dirty_through_stage2)
{
	struct gmem *g = &self->g;
	u64 t0 = gmem_table(g, 1), t1 = gmem_table(g, 1);
	u64 t2 = gmem_table(g, 1), t3 = gmem_table(g, 1);
	u64 data = gmem_table(g, 1);
	struct emu_pt_walk_cfg s1 = {
		.fmt = variant->s1_fmt, .root = t0, .ias = 48, .oas = 48,
		.flags = EMU_PT_WALK_SET_AD,
	};
	u64 va = va4(1, 2, 3, 4);
	size_t mapped;
	u64 pa;

	gset(g, t0, 1, s1_table(variant->s1_fmt, t1));
	gset(g, t1, 2, s1_table(variant->s1_fmt, t2));
	gset(g, t2, 3, s1_table(variant->s1_fmt, t3));
	gset(g, t3, 4, s1_page(variant->s1_fmt, data));

	if (variant->s1_fmt == EMU_PT_ARM_S1) {
		/* No hardware access-flag update: AF clear faults, unchanged. */
		gset(g, t3, 4, s1_page(variant->s1_fmt, data) & ~A_AF);
		ASSERT_EQ(-EFAULT, nested_walk(&self->n, &s1, va, ACC_R,
					       &self->res, &pa));
		ASSERT_EQ(EMU_PT_FAULT_ACCESS, self->res.fault);
		ASSERT_EQ(3, self->res.level);
		ASSERT_FALSE(self->n.s2_fault);
		ASSERT_EQ(s1_page(variant->s1_fmt, data) & ~A_AF,
			  gget(g, t3, 4));
		return;
	}

	ASSERT_EQ(0, nested_walk(&self->n, &s1, va, ACC_W, &self->res, &pa));
	ASSERT_EQ(F_A, gget(g, t0, 1) & (F_A | F_D));
	ASSERT_EQ(F_A, gget(g, t2, 3) & (F_A | F_D));
	ASSERT_EQ(F_A | F_D, gget(g, t3, 4) & (F_A | F_D));

	/* The level-3 table read-only at stage 2: reads work, A cannot be
	 * set on a fresh entry there.
	 */
	gset(g, t1, 5, s1_table(variant->s1_fmt, t2));
	ASSERT_EQ(SZ_4K, emu_pgtable_unmap(self->s2, t1, SZ_4K));
	ASSERT_EQ(0, emu_pgtable_map(self->s2, t1,
				     virt_to_phys(g->buf) + (t1 - GPA_BASE),
				     SZ_4K, IOMMU_READ, GFP_KERNEL, &mapped));
	ASSERT_EQ(-EFAULT, nested_walk(&self->n, &s1, va4(1, 5, 3, 4), ACC_R,
				       &self->res, &pa));
	ASSERT_EQ(EMU_PT_FAULT_EXT_ABORT, self->res.fault);
	ASSERT_EQ(3, self->res.level);
	ASSERT_TRUE(self->n.s2_fault);
	ASSERT_EQ(EMU_PT_FAULT_PERMISSION, self->n.s2_res.fault);
	ASSERT_EQ(0, gget(g, t1, 5) & F_A);
	/* Entries already accessed need no write. */
	ASSERT_EQ(0, nested_walk(&self->n, &s1, va, ACC_R, &self->res, &pa));
}

TEST_HARNESS_MAIN
