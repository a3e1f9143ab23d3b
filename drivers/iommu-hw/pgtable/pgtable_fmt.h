/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to drivers/iommu-hw/pgtable/: what the common code needs from
 * each format family, and helpers both families share.
 *
 * Inside these files a level is counted from the bottom ("lvl"): lvl 0
 * holds the 4KiB entries, lvl 1 the 2MiB ones, lvl 2 the 1GiB ones, up to
 * lvl 4 for the PML5 of x86 5-level paging.  Each format converts to its
 * architecture's numbering when it reports a level.
 */
#ifndef __EMU_PGTABLE_FMT_H
#define __EMU_PGTABLE_FMT_H

#ifdef __KERNEL__
#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/bug.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/types.h>
#include <asm/barrier.h>
#endif

#include "emu_pgtable.h"

#define EMU_PT_GRANULE_SHIFT	12
#define EMU_PT_GRANULE		BIT_ULL(EMU_PT_GRANULE_SHIFT)
#define EMU_PT_LVL_BITS		9
#define EMU_PT_ENTRIES		BIT(EMU_PT_LVL_BITS)
/* Highest lvl any format uses (x86 5-level) and highest lvl with leaves. */
#define EMU_PT_MAX_LVL		4
#define EMU_PT_MAX_LEAF_LVL	2
/* The ARM level of 4KiB pages. */
#define EMU_PT_ARM_LAST_LEVEL	3

/* A walk that keeps hitting changed descriptors while it updates them. */
#define EMU_PT_UPDATE_RETRIES	8

/**
 * struct emu_pt_fmt_ops - one format, as the common code sees it
 * @ias_valid: whether a host table may have this input size
 * @max_oas: largest output address size in bits
 * @addr_mask: the address bits of a table descriptor
 * @canonical: input addresses are sign-extended (x86 first stage); host
 *	tables then map only the lower half
 * @mk_table: the descriptor pointing to a next-level table at @pa
 * @mk_leaf: the leaf descriptor mapping @pa at @lvl with IOMMU_* @prot
 * @is_leaf: whether the non-zero host-table descriptor @desc at @lvl is a
 *	leaf (else it points to a table)
 * @dirty: the flag a walk with EMU_PT_WALK_SET_AD sets in a leaf that is
 *	written, 0 when the format has none
 * @walk: the walker of this format, see emu_pt_walk()
 */
struct emu_pt_fmt_ops {
	bool (*ias_valid)(unsigned int ias);
	unsigned int max_oas;
	u64 addr_mask;
	bool canonical;
	u64 (*mk_table)(u64 pa);
	u64 (*mk_leaf)(u64 pa, unsigned int lvl, int prot);
	bool (*is_leaf)(u64 desc, unsigned int lvl);
	u64 dirty;
	int (*walk)(const struct emu_pt_walk_cfg *cfg, u64 iova,
		    unsigned int access, const struct emu_pt_walk_ops *ops,
		    void *ctx, struct emu_pt_walk_result *res);
};

extern const struct emu_pt_fmt_ops emu_pt_fmt_arm_s1;
extern const struct emu_pt_fmt_ops emu_pt_fmt_arm_s2;
extern const struct emu_pt_fmt_ops emu_pt_fmt_vtd_ss;
extern const struct emu_pt_fmt_ops emu_pt_fmt_x86_fs;

/* Number of the lowest input-address bit that indexes a table at @lvl. */
static inline unsigned int emu_pt_shift(unsigned int lvl)
{
	return EMU_PT_GRANULE_SHIFT + EMU_PT_LVL_BITS * lvl;
}

/* Bytes covered by one entry at @lvl. */
static inline u64 emu_pt_span(unsigned int lvl)
{
	return BIT_ULL(emu_pt_shift(lvl));
}

/* The lvl of the top table that resolves an @ias-bit input address. */
static inline unsigned int emu_pt_top_lvl(unsigned int ias)
{
	return DIV_ROUND_UP(ias - EMU_PT_GRANULE_SHIFT, EMU_PT_LVL_BITS) - 1;
}

/* The ARM level (0..3, 3 holding pages) of @lvl. */
static inline int emu_pt_arm_level(unsigned int lvl)
{
	return EMU_PT_ARM_LAST_LEVEL - (int)lvl;
}

/* The x86 level (1..5, 1 holding PTEs) of @lvl. */
static inline int emu_pt_x86_level(unsigned int lvl)
{
	return lvl + 1;
}

/* Index of @iova in a (non-concatenated) table at @lvl. */
static inline unsigned int emu_pt_index(u64 iova, unsigned int lvl)
{
	return (iova >> emu_pt_shift(lvl)) & (EMU_PT_ENTRIES - 1);
}

/* Record a fault in @res; returns the walk's error code. */
static inline int emu_pt_fail(struct emu_pt_walk_result *res,
			      enum emu_pt_fault fault, int level)
{
	res->fault = fault;
	res->level = level;
	return -EFAULT;
}

/* Record a failed callback in @res; returns the walk's error code. */
static inline int emu_pt_abort(struct emu_pt_walk_result *res, int level,
			       int err)
{
	res->err = err;
	return emu_pt_fail(res, EMU_PT_FAULT_EXT_ABORT, level);
}

/* Check @access against the IOMMU_* permissions @prot. */
static inline bool emu_pt_access_ok(unsigned int access, int prot)
{
	if ((access & EMU_PT_ACCESS_READ) && !(prot & IOMMU_READ))
		return false;
	if ((access & EMU_PT_ACCESS_WRITE) && !(prot & IOMMU_WRITE))
		return false;
	return true;
}

#endif /* __EMU_PGTABLE_FMT_H */
