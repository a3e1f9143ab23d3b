// SPDX-License-Identifier: GPL-2.0
/*
 * ARM VMSAv8-64 translation tables with the 4KiB granule, stage 1 and
 * stage 2, as the emulated SMMUv3 uses them (Arm ARM, the AArch64 virtual
 * memory system architecture chapter).
 *
 * Every level holds 512 descriptors of 64 bits.  Bits 1:0 give the type:
 * bit 0 clear is invalid; 0b11 points to a next-level table at levels 0..2
 * and maps a 4KiB page at level 3; 0b01 maps a block at levels 1 (1GiB) and
 * 2 (2MiB) and is invalid at levels 0 and 3.  Bits 47:12 hold the address of
 * the next table or of the output (a block uses only its aligned upper
 * bits).  52-bit output addresses (LPA2) are not modelled.
 *
 * Stage-1 leaves: AttrIndx in bits 4:2, NS bit 5, AP[1] bit 6 (unprivileged
 * access allowed), AP[2] bit 7 (read-only), SH bits 9:8, AF bit 10, nG bit 11
 * (ignored here, ASIDs are the TLB's business), PXN/UXN bits 53/54.
 * Stage-1 tables limit what the levels below may grant: APTable bit 61
 * forbids unprivileged access, APTable bit 62 forbids writes.
 *
 * Stage-2 leaves: MemAttr bits 5:2, S2AP bits 7:6 (bit 6 read, bit 7 write),
 * SH bits 9:8, AF bit 10, XN bits 54:53.  Stage-2 tables carry no
 * permission limits.
 *
 * Execute permissions are not modelled: DMA never fetches instructions.
 * Hardware update of the access flag is not modelled either: a leaf with AF
 * clear gives an access-flag fault.
 *
 * Stage 1 starts at the level the input size (64 - T0SZ) needs.  Stage 2
 * starts at the level the configuration gives (S2SL0), where up to 16
 * tables may be concatenated: the start level then resolves up to 4 more
 * input bits, and the concatenated tables are contiguous, so the descriptor
 * index simply runs past 511.
 */
#include "pgtable_fmt.h"

#define ARM_DESC_VALID		BIT_ULL(0)
#define ARM_DESC_TYPE		GENMASK_ULL(1, 0)
#define ARM_DESC_TYPE_BLOCK	BIT_ULL(0)
#define ARM_DESC_TYPE_TABLE	GENMASK_ULL(1, 0)
#define ARM_DESC_TYPE_PAGE	GENMASK_ULL(1, 0)
#define ARM_DESC_ADDR		GENMASK_ULL(47, 12)
/* Shareability: inner shareable (0b11). */
#define ARM_DESC_SH_INNER	GENMASK_ULL(9, 8)
#define ARM_DESC_AF		BIT_ULL(10)

#define ARM_S1_AP_UNPRIV	BIT_ULL(6)
#define ARM_S1_AP_RDONLY	BIT_ULL(7)
#define ARM_S1_NG		BIT_ULL(11)
#define ARM_S1_APTABLE_NO_UNPRIV BIT_ULL(61)
#define ARM_S1_APTABLE_NO_WRITE	BIT_ULL(62)

#define ARM_S2_AP_READ		BIT_ULL(6)
#define ARM_S2_AP_WRITE		BIT_ULL(7)
/* MemAttr 0b1111: normal memory, inner and outer write-back. */
#define ARM_S2_MEMATTR_WB	GENMASK_ULL(5, 2)

#define ARM_MIN_IAS		25
#define ARM_MAX_IAS		48
#define ARM_MIN_OAS		32
#define ARM_MAX_OAS		48
/* Highest stage-2 start level with the 4KiB granule (S2SL0 = 0). */
#define ARM_S2_MAX_START_LEVEL	2
/* At most 16 concatenated tables: 4 more index bits at the start level. */
#define ARM_S2_CONCAT_BITS	4

static bool arm_ias_valid(unsigned int ias)
{
	return ias >= ARM_MIN_IAS && ias <= ARM_MAX_IAS;
}

static u64 arm_mk_table(u64 pa)
{
	return pa | ARM_DESC_TYPE_TABLE;
}

static u64 arm_leaf_type(unsigned int lvl)
{
	return lvl ? ARM_DESC_TYPE_BLOCK : ARM_DESC_TYPE_PAGE;
}

/*
 * Host stage-1 leaves: attribute index 0 (the MAIR the driver programs must
 * make it normal write-back memory), accessible at both privileges,
 * read-only without IOMMU_WRITE.
 */
static u64 arm_s1_mk_leaf(u64 pa, unsigned int lvl, int prot)
{
	u64 desc = pa | arm_leaf_type(lvl) | ARM_DESC_AF | ARM_DESC_SH_INNER |
		   ARM_S1_NG | ARM_S1_AP_UNPRIV;

	if (!(prot & IOMMU_WRITE))
		desc |= ARM_S1_AP_RDONLY;
	return desc;
}

static u64 arm_s2_mk_leaf(u64 pa, unsigned int lvl, int prot)
{
	u64 desc = pa | arm_leaf_type(lvl) | ARM_DESC_AF | ARM_DESC_SH_INNER |
		   ARM_S2_MEMATTR_WB;

	if (prot & IOMMU_READ)
		desc |= ARM_S2_AP_READ;
	if (prot & IOMMU_WRITE)
		desc |= ARM_S2_AP_WRITE;
	return desc;
}

static bool arm_is_leaf(u64 desc, unsigned int lvl)
{
	return !lvl || (desc & ARM_DESC_TYPE) == ARM_DESC_TYPE_BLOCK;
}

/*
 * The lvl of the start table and the number of input bits it resolves, or
 * -EINVAL for a configuration the hardware would not accept.
 */
static int arm_geometry(const struct emu_pt_walk_cfg *cfg, unsigned int *top,
			unsigned int *top_bits)
{
	unsigned int lvl, max_bits = EMU_PT_LVL_BITS;

	if (!arm_ias_valid(cfg->ias) || cfg->oas < ARM_MIN_OAS ||
	    cfg->oas > ARM_MAX_OAS)
		return -EINVAL;

	if (cfg->fmt == EMU_PT_ARM_S1) {
		lvl = emu_pt_top_lvl(cfg->ias);
	} else {
		if (cfg->start_level > ARM_S2_MAX_START_LEVEL)
			return -EINVAL;
		lvl = EMU_PT_ARM_LAST_LEVEL - cfg->start_level;
		max_bits += ARM_S2_CONCAT_BITS;
	}
	/* The start level resolves at least one bit, at most max_bits. */
	if (cfg->ias <= emu_pt_shift(lvl) ||
	    cfg->ias > emu_pt_shift(lvl) + max_bits)
		return -EINVAL;
	*top = lvl;
	*top_bits = cfg->ias - emu_pt_shift(lvl);
	return 0;
}

/* What a stage-1 leaf grants a request of @access's privilege. */
static int arm_s1_prot(u64 desc, unsigned int access, bool no_unpriv,
		       bool no_write)
{
	if (!(access & EMU_PT_ACCESS_PRIV) &&
	    (no_unpriv || !(desc & ARM_S1_AP_UNPRIV)))
		return 0;
	if (no_write || (desc & ARM_S1_AP_RDONLY))
		return IOMMU_READ;
	return IOMMU_READ | IOMMU_WRITE;
}

static int arm_s2_prot(u64 desc)
{
	int prot = 0;

	if (desc & ARM_S2_AP_READ)
		prot |= IOMMU_READ;
	if (desc & ARM_S2_AP_WRITE)
		prot |= IOMMU_WRITE;
	return prot;
}

static int arm_walk(const struct emu_pt_walk_cfg *cfg, u64 iova,
		    unsigned int access, const struct emu_pt_walk_ops *ops,
		    void *ctx, struct emu_pt_walk_result *res)
{
	bool s2 = cfg->fmt == EMU_PT_ARM_S2;
	bool no_unpriv = false, no_write = false;
	unsigned int lvl, top, top_bits, index;
	u64 table = cfg->root, desc, oa, span;
	int level, rc;

	rc = arm_geometry(cfg, &top, &top_bits);
	if (rc)
		return rc;
	if (iova >> cfg->ias)
		return emu_pt_fail(res, EMU_PT_FAULT_ADDR_SIZE, -1);

	for (lvl = top;; lvl--) {
		level = emu_pt_arm_level(lvl);
		index = (iova >> emu_pt_shift(lvl)) &
			(BIT(lvl == top ? top_bits : EMU_PT_LVL_BITS) - 1);
		rc = ops->read_desc(ctx, table, index, &desc);
		if (rc)
			return emu_pt_abort(res, level, rc);
		if (!(desc & ARM_DESC_VALID))
			return emu_pt_fail(res, EMU_PT_FAULT_TRANSLATION, level);
		if (arm_is_leaf(desc, lvl))
			break;

		table = desc & ARM_DESC_ADDR;
		if (!(cfg->flags & EMU_PT_WALK_HOST_TABLES) &&
		    (table >> cfg->oas))
			return emu_pt_fail(res, EMU_PT_FAULT_ADDR_SIZE, level);
		if (!s2) {
			no_unpriv |= !!(desc & ARM_S1_APTABLE_NO_UNPRIV);
			no_write |= !!(desc & ARM_S1_APTABLE_NO_WRITE);
		}
	}

	/* A block at level 0, or the block encoding at level 3. */
	if (lvl > EMU_PT_MAX_LEAF_LVL ||
	    (!lvl && (desc & ARM_DESC_TYPE) != ARM_DESC_TYPE_PAGE))
		return emu_pt_fail(res, EMU_PT_FAULT_TRANSLATION, level);

	span = emu_pt_span(lvl);
	oa = desc & ARM_DESC_ADDR & ~(span - 1);
	if (oa >> cfg->oas)
		return emu_pt_fail(res, EMU_PT_FAULT_ADDR_SIZE, level);
	if (!(desc & ARM_DESC_AF))
		return emu_pt_fail(res, EMU_PT_FAULT_ACCESS, level);

	res->prot = s2 ? arm_s2_prot(desc) :
			 arm_s1_prot(desc, access, no_unpriv, no_write);
	if (!emu_pt_access_ok(access, res->prot))
		return emu_pt_fail(res, EMU_PT_FAULT_PERMISSION, level);

	res->oa = oa | (iova & (span - 1));
	res->size = span;
	res->leaf = desc;
	res->level = level;
	return 0;
}

/* ARM VMSAv8-64 stage 1, 4KiB granule. */
const struct emu_pt_fmt_ops emu_pt_fmt_arm_s1 = {
	.ias_valid = arm_ias_valid,
	.max_oas = ARM_MAX_OAS,
	.addr_mask = ARM_DESC_ADDR,
	.mk_table = arm_mk_table,
	.mk_leaf = arm_s1_mk_leaf,
	.is_leaf = arm_is_leaf,
	.walk = arm_walk,
};

/* ARM VMSAv8-64 stage 2, 4KiB granule. */
const struct emu_pt_fmt_ops emu_pt_fmt_arm_s2 = {
	.ias_valid = arm_ias_valid,
	.max_oas = ARM_MAX_OAS,
	.addr_mask = ARM_DESC_ADDR,
	.mk_table = arm_mk_table,
	.mk_leaf = arm_s2_mk_leaf,
	.is_leaf = arm_is_leaf,
	.walk = arm_walk,
};
