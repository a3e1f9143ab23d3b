// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 style page tables in the two layouts the emulated VT-d uses (Intel
 * VT-d specification, translation structure formats; Intel SDM, paging).
 *
 * Every level holds 512 descriptors of 64 bits.  Bits 51:12 hold the address
 * of the next table or of the output; an output address must fit the host
 * address width.  Bit 7 (PS) makes an entry of the 2MiB or 1GiB level a
 * leaf, which then uses only the aligned upper address bits; PS is reserved
 * in the levels above, and bit 7 of a 4KiB entry is not PS.  4 levels
 * resolve 48 input bits, 5 levels 57; the second stage also has a 3-level
 * form for 39 bits.
 *
 * Second-stage layout: R bit 0, W bit 1, X bit 2 (ignored, DMA never
 * executes), A bit 8 and D bit 9 (with second-stage A/D enabled).  An entry
 * with R and W clear is not present.  A read needs R, a write W, in every
 * entry of the walk.
 *
 * First-stage layout: P bit 0, R/W bit 1, U/S bit 2, A bit 5, D bit 6 (leaf
 * only), EA bit 10 (extended accessed), XD bit 63 (ignored).  A write needs
 * R/W in every entry, except a supervisor write without write protection
 * (WPE); a user request needs U/S in every entry.  Input addresses are
 * canonical: the bits above the top one resolved are copies of it.
 *
 * With EMU_PT_WALK_SET_AD a successful walk sets A in every entry it used,
 * top down, and D in the leaf of a write, each with an atomic update of the
 * descriptor; the walk starts again if a descriptor changed under it.
 */
#include "pgtable_fmt.h"

#define X86_ADDR		GENMASK_ULL(51, 12)
#define X86_PS			BIT_ULL(7)

#define SS_R			BIT_ULL(0)
#define SS_W			BIT_ULL(1)
#define SS_A			BIT_ULL(8)
#define SS_D			BIT_ULL(9)

#define FS_P			BIT_ULL(0)
#define FS_RW			BIT_ULL(1)
#define FS_US			BIT_ULL(2)
#define FS_A			BIT_ULL(5)
#define FS_D			BIT_ULL(6)
#define FS_EA			BIT_ULL(10)

#define X86_MIN_OAS		32
#define X86_MAX_OAS		52

/* One step of a walk, kept to update accessed/dirty flags afterwards. */
struct x86_step {
	u64 table;
	unsigned int index;
	u64 desc;
};

static bool vtd_ss_ias_valid(unsigned int ias)
{
	return ias == 39 || ias == 48 || ias == 57;
}

static bool x86_fs_ias_valid(unsigned int ias)
{
	return ias == 48 || ias == 57;
}

static u64 vtd_ss_mk_table(u64 pa)
{
	return pa | SS_R | SS_W;
}

static u64 vtd_ss_mk_leaf(u64 pa, unsigned int lvl, int prot)
{
	u64 desc = pa;

	if (lvl)
		desc |= X86_PS;
	if (prot & IOMMU_READ)
		desc |= SS_R;
	if (prot & IOMMU_WRITE)
		desc |= SS_W;
	return desc;
}

/* Host tables come with A (and D if writable) set: no updates needed. */
static u64 x86_fs_mk_table(u64 pa)
{
	return pa | FS_P | FS_RW | FS_US | FS_A;
}

static u64 x86_fs_mk_leaf(u64 pa, unsigned int lvl, int prot)
{
	u64 desc = pa | FS_P | FS_US | FS_A;

	if (lvl)
		desc |= X86_PS;
	if (prot & IOMMU_WRITE)
		desc |= FS_RW | FS_D;
	return desc;
}

static bool x86_is_leaf(u64 desc, unsigned int lvl)
{
	return !lvl || (desc & X86_PS);
}

/* Whether @iova is outside the input range of @cfg. */
static bool x86_input_bad(const struct emu_pt_walk_cfg *cfg, u64 iova)
{
	s64 upper;

	if (cfg->fmt == EMU_PT_VTD_SS)
		return iova >> cfg->ias;
	/* Canonical: bits 63..ias-1 all clear or all set. */
	upper = (s64)iova >> (cfg->ias - 1);
	return upper != 0 && upper != -1;
}

/*
 * Set the accessed flags of the @nr_steps entries of a walk, top down, and
 * the dirty flag of the leaf for a write.  On failure *@fail is the index in
 * @steps of the entry that could not be updated.
 */
static int x86_set_ad(const struct emu_pt_walk_cfg *cfg, unsigned int access,
		      const struct emu_pt_walk_ops *ops, void *ctx,
		      struct x86_step *steps, unsigned int nr_steps,
		      unsigned int *fail)
{
	bool fs = cfg->fmt == EMU_PT_X86_FS;
	u64 a = fs ? FS_A : SS_A;
	unsigned int i;
	u64 new;
	int rc;

	if (fs && (cfg->flags & EMU_PT_WALK_SET_EA))
		a |= FS_EA;
	for (i = 0; i < nr_steps; i++) {
		new = steps[i].desc | a;
		if (i == nr_steps - 1 && (access & EMU_PT_ACCESS_WRITE))
			new |= fs ? FS_D : SS_D;
		if (new == steps[i].desc)
			continue;
		rc = ops->update_desc(ctx, steps[i].table, steps[i].index,
				      steps[i].desc, new);
		if (rc) {
			*fail = i;
			return rc;
		}
		steps[i].desc = new;
	}
	return 0;
}

static int x86_walk(const struct emu_pt_walk_cfg *cfg, u64 iova,
		    unsigned int access, const struct emu_pt_walk_ops *ops,
		    void *ctx, struct emu_pt_walk_result *res)
{
	bool fs = cfg->fmt == EMU_PT_X86_FS;
	bool priv = access & EMU_PT_ACCESS_PRIV;
	struct x86_step steps[EMU_PT_MAX_LVL + 1];
	bool may_read, may_write, may_user;
	unsigned int lvl, top, nr, fail, tries = 0;
	u64 table, desc, oa, span;
	int level, rc;

	if (!(fs ? x86_fs_ias_valid(cfg->ias) : vtd_ss_ias_valid(cfg->ias)) ||
	    cfg->oas < X86_MIN_OAS || cfg->oas > X86_MAX_OAS ||
	    ((cfg->flags & EMU_PT_WALK_SET_AD) && !ops->update_desc))
		return -EINVAL;
	if (x86_input_bad(cfg, iova))
		return emu_pt_fail(res, EMU_PT_FAULT_ADDR_SIZE, -1);
	top = emu_pt_top_lvl(cfg->ias);

retry:
	table = cfg->root;
	may_read = true;
	may_write = true;
	may_user = true;
	for (lvl = top, nr = 0;; lvl--) {
		level = emu_pt_x86_level(lvl);
		steps[nr].table = table;
		steps[nr].index = emu_pt_index(iova, lvl);
		rc = ops->read_desc(ctx, table, steps[nr].index, &desc);
		if (rc)
			return emu_pt_abort(res, level, rc);
		if (!(desc & (fs ? FS_P : SS_R | SS_W)))
			return emu_pt_fail(res, EMU_PT_FAULT_TRANSLATION, level);
		steps[nr++].desc = desc;

		if (fs) {
			may_write &= !!(desc & FS_RW);
			may_user &= !!(desc & FS_US);
		} else {
			may_read &= !!(desc & SS_R);
			may_write &= !!(desc & SS_W);
		}
		if (x86_is_leaf(desc, lvl))
			break;

		table = desc & X86_ADDR;
		if (!(cfg->flags & EMU_PT_WALK_HOST_TABLES) &&
		    (table >> cfg->oas))
			return emu_pt_fail(res, EMU_PT_FAULT_ADDR_SIZE, level);
	}

	if (lvl > EMU_PT_MAX_LEAF_LVL ||
	    (lvl == EMU_PT_MAX_LEAF_LVL && (cfg->flags & EMU_PT_WALK_NO_1G)))
		return emu_pt_fail(res, EMU_PT_FAULT_RESERVED, level);

	span = emu_pt_span(lvl);
	oa = desc & X86_ADDR & ~(span - 1);
	if (oa >> cfg->oas)
		return emu_pt_fail(res, EMU_PT_FAULT_ADDR_SIZE, level);

	if (!fs) {
		res->prot = (may_read ? IOMMU_READ : 0) |
			    (may_write ? IOMMU_WRITE : 0);
	} else if (!priv && !may_user) {
		res->prot = 0;
	} else {
		res->prot = IOMMU_READ;
		if (may_write || (priv && !(cfg->flags & EMU_PT_WALK_WPE)))
			res->prot |= IOMMU_WRITE;
	}
	if (!emu_pt_access_ok(access, res->prot))
		return emu_pt_fail(res, EMU_PT_FAULT_PERMISSION, level);

	if (access && (cfg->flags & EMU_PT_WALK_SET_AD)) {
		rc = x86_set_ad(cfg, access, ops, ctx, steps, nr, &fail);
		if (rc == -EAGAIN && ++tries < EMU_PT_UPDATE_RETRIES)
			goto retry;
		if (rc)
			return emu_pt_abort(res, emu_pt_x86_level(top - fail),
					    rc);
		desc = steps[nr - 1].desc;
	}

	res->oa = oa | (iova & (span - 1));
	res->size = span;
	res->leaf = desc;
	res->level = level;
	return 0;
}

/* Intel VT-d second-stage layout. */
const struct emu_pt_fmt_ops emu_pt_fmt_vtd_ss = {
	.ias_valid = vtd_ss_ias_valid,
	.max_oas = X86_MAX_OAS,
	.addr_mask = X86_ADDR,
	.mk_table = vtd_ss_mk_table,
	.mk_leaf = vtd_ss_mk_leaf,
	.is_leaf = x86_is_leaf,
	.dirty = SS_D,
	.walk = x86_walk,
};

/* x86-64 paging, the Intel VT-d first-stage layout. */
const struct emu_pt_fmt_ops emu_pt_fmt_x86_fs = {
	.ias_valid = x86_fs_ias_valid,
	.max_oas = X86_MAX_OAS,
	.addr_mask = X86_ADDR,
	.canonical = true,
	.mk_table = x86_fs_mk_table,
	.mk_leaf = x86_fs_mk_leaf,
	.is_leaf = x86_is_leaf,
	.dirty = FS_D,
	.walk = x86_walk,
};
