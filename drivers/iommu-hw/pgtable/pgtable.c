// SPDX-License-Identifier: GPL-2.0
/*
 * Host-owned page tables of the emulated IOMMUs, and the entry point of the
 * walker.  The descriptor layouts and the walks themselves live in
 * arm_lpae.c and x86_64.c; this file only builds and tears down trees of
 * tables through their struct emu_pt_fmt_ops.
 *
 * Concurrency.  The caller serialises emu_pgtable_map(), emu_pgtable_unmap(),
 * emu_pgtable_reclaim() and emu_pgtable_free() on one table.  Walks
 * (emu_pt_walk() with emu_pt_host_ops, emu_pgtable_iova_to_phys()) may run
 * at the same time as a map or an unmap of other IOVA ranges: descriptors
 * are read and written with READ_ONCE()/WRITE_ONCE(), and a new table is
 * zeroed before a release store publishes it (the walker's READ_ONCE() of
 * the pointer orders its reads of the table after it).
 *
 * A walk of an IOVA that stays mapped never meets a freed table: tables are
 * freed only when empty.  But an unmap may free a table that also covers
 * unmapped IOVAs outside its range, and a walk probing such an IOVA at that
 * moment would read a freed page.  Callers that let such walks race with
 * unmaps use EMU_PGTABLE_DEFER_FREE and call emu_pgtable_reclaim() once no
 * walk can still be inside the parked tables (after an RCU grace period,
 * or under a lock that excludes walks).
 */
#include "pgtable_fmt.h"

#define EMU_PGTABLE_FLAGS \
	(EMU_PGTABLE_NO_LARGE_PAGES | EMU_PGTABLE_NO_1G | EMU_PGTABLE_DEFER_FREE)

/**
 * struct emu_pgtable - a host-owned page table
 * @fmt: the format's operations
 * @cfg: the configuration the table was allocated with
 * @root: the top table
 * @top: lvl of @root
 * @max_leaf_lvl: the highest lvl where emu_pgtable_map() puts leaves
 * @nr_tables: table pages allocated, parked ones included
 * @parked: physical address of the first table parked by an unmap with
 *	%EMU_PGTABLE_DEFER_FREE, 0 if none
 */
struct emu_pgtable {
	const struct emu_pt_fmt_ops *fmt;
	struct emu_pgtable_cfg cfg;
	u64 *root;
	unsigned int top;
	unsigned int max_leaf_lvl;
	size_t nr_tables;
	u64 parked;
};

static const struct emu_pt_fmt_ops *const emu_pt_fmts[EMU_PT_NR_FMTS] = {
	[EMU_PT_ARM_S1] = &emu_pt_fmt_arm_s1,
	[EMU_PT_ARM_S2] = &emu_pt_fmt_arm_s2,
	[EMU_PT_VTD_SS] = &emu_pt_fmt_vtd_ss,
	[EMU_PT_X86_FS] = &emu_pt_fmt_x86_fs,
};

static const struct emu_pt_fmt_ops *emu_pt_fmt_get(enum emu_pt_fmt fmt)
{
	if ((unsigned int)fmt >= EMU_PT_NR_FMTS)
		return NULL;
	return emu_pt_fmts[fmt];
}

/**
 * emu_pt_walk() - translate one address through a page table
 * @cfg: the table and its format
 * @iova: the input address
 * @access: EMU_PT_ACCESS_* flags of the request; 0 looks the address up
 *	without checking permissions or updating accessed/dirty flags
 * @ops: how descriptors are read (and updated); &emu_pt_host_ops for host
 *	tables
 * @ctx: passed to the callbacks of @ops
 * @res: the outcome; filled in whatever the return value
 *
 * Walks the table the way the hardware of @cfg->fmt would: descriptor
 * types, address-size checks, access flag and permissions (the intersection
 * over every level where the format has hierarchical permissions).
 *
 * Context: may sleep only if the callbacks do.
 * Return: 0 when @iova translates, with @res->oa, @res->size, @res->prot
 * and @res->leaf set; -EFAULT on a fault, described by @res->fault,
 * @res->level and @res->err; -EINVAL when @cfg is not a valid configuration
 * of its format (which the hardware would reject as a bad context).
 */
int emu_pt_walk(const struct emu_pt_walk_cfg *cfg, u64 iova,
		unsigned int access, const struct emu_pt_walk_ops *ops,
		void *ctx, struct emu_pt_walk_result *res)
{
	const struct emu_pt_fmt_ops *fmt = emu_pt_fmt_get(cfg->fmt);

	*res = (struct emu_pt_walk_result){ .level = -1 };
	if (!fmt)
		return -EINVAL;
	return fmt->walk(cfg, iova, access, ops, ctx, res);
}

/**
 * emu_pt_read_host() - read_desc() callback for tables in host memory
 * @ctx: unused
 * @table: physical address of the table
 * @index: index of the descriptor in the table
 * @desc: where to put the descriptor
 *
 * Return: 0.
 */
int emu_pt_read_host(void *ctx, u64 table, unsigned int index, u64 *desc)
{
	const u64 *ptes = phys_to_virt(table);

	*desc = READ_ONCE(ptes[index]);
	return 0;
}

/**
 * emu_pt_update_host() - update_desc() callback for tables in host memory
 * @ctx: unused
 * @table: physical address of the table
 * @index: index of the descriptor in the table
 * @old: the value the descriptor must still hold
 * @new: its new value
 *
 * Return: 0, or -EAGAIN if the descriptor no longer holds @old.
 */
int emu_pt_update_host(void *ctx, u64 table, unsigned int index, u64 old,
		       u64 new)
{
	u64 *ptes = phys_to_virt(table);

	return cmpxchg64(&ptes[index], old, new) == old ? 0 : -EAGAIN;
}

/* The callbacks for walking tables in host memory. */
const struct emu_pt_walk_ops emu_pt_host_ops = {
	.read_desc = emu_pt_read_host,
	.update_desc = emu_pt_update_host,
};

static u64 *emu_pt_alloc_table(struct emu_pgtable *pt, gfp_t gfp)
{
	u64 *table = (u64 *)get_zeroed_page(gfp);

	if (table)
		WRITE_ONCE(pt->nr_tables, pt->nr_tables + 1);
	return table;
}

static void emu_pt_free_table(struct emu_pgtable *pt, u64 *table)
{
	free_page((unsigned long)table);
	WRITE_ONCE(pt->nr_tables, pt->nr_tables - 1);
}

/*
 * Get rid of a table that was just unhooked from its parent: free it, or
 * park it for emu_pgtable_reclaim().  A parked table is linked through its
 * first descriptor.  The link is a page-aligned physical address, so bits
 * 11:0 are clear, which every format reads as an invalid / non-present
 * descriptor: a walker still inside the table sees nothing mapped.
 */
static void emu_pt_drop_table(struct emu_pgtable *pt, u64 *table)
{
	if (!(pt->cfg.flags & EMU_PGTABLE_DEFER_FREE)) {
		emu_pt_free_table(pt, table);
		return;
	}
	WRITE_ONCE(table[0], pt->parked);
	pt->parked = virt_to_phys(table);
}

static bool emu_pt_table_empty(const u64 *table)
{
	unsigned int i;

	for (i = 0; i < EMU_PT_ENTRIES; i++)
		if (table[i])
			return false;
	return true;
}

/* The table a non-leaf host descriptor points to. */
static u64 *emu_pt_child(const struct emu_pgtable *pt, u64 desc)
{
	return phys_to_virt(desc & pt->fmt->addr_mask);
}

/* Free @table at @lvl and every table below it. */
static void emu_pt_free_tree(struct emu_pgtable *pt, u64 *table,
			     unsigned int lvl)
{
	unsigned int i;

	for (i = 0; lvl && i < EMU_PT_ENTRIES; i++) {
		if (table[i] && !pt->fmt->is_leaf(table[i], lvl))
			emu_pt_free_tree(pt, emu_pt_child(pt, table[i]),
					 lvl - 1);
	}
	emu_pt_free_table(pt, table);
}

/**
 * emu_pgtable_alloc() - allocate a host-owned page table
 * @cfg: its format, address sizes and flags
 *
 * The top table is allocated at once (its address goes into the emulated
 * stream-table or context entry); the others as mappings need them.  Host
 * ARM stage-2 tables start at the level the input size puts them at and
 * are never concatenated (for a 48-bit IPA: level 0).
 *
 * Context: may sleep.
 * Return: the table, ERR_PTR(-EINVAL) for an invalid @cfg, or
 * ERR_PTR(-ENOMEM).
 */
struct emu_pgtable *emu_pgtable_alloc(const struct emu_pgtable_cfg *cfg)
{
	const struct emu_pt_fmt_ops *fmt = emu_pt_fmt_get(cfg->fmt);
	struct emu_pgtable *pt;
	int rc;

	if (!fmt || !fmt->ias_valid(cfg->ias) || cfg->oas < 32 ||
	    cfg->oas > fmt->max_oas || (cfg->flags & ~EMU_PGTABLE_FLAGS))
		return ERR_PTR(-EINVAL);

	pt = kzalloc(sizeof(*pt), GFP_KERNEL_ACCOUNT);
	if (!pt)
		return ERR_PTR(-ENOMEM);
	pt->fmt = fmt;
	pt->cfg = *cfg;
	pt->top = emu_pt_top_lvl(cfg->ias);
	if (cfg->flags & EMU_PGTABLE_NO_LARGE_PAGES)
		pt->max_leaf_lvl = 0;
	else if (cfg->flags & EMU_PGTABLE_NO_1G)
		pt->max_leaf_lvl = 1;
	else
		pt->max_leaf_lvl = EMU_PT_MAX_LEAF_LVL;

	pt->root = emu_pt_alloc_table(pt, GFP_KERNEL_ACCOUNT);
	if (!pt->root) {
		rc = -ENOMEM;
		goto err_free_pt;
	}
	return pt;

err_free_pt:
	kfree(pt);
	return ERR_PTR(rc);
}

/**
 * emu_pgtable_free() - free a host-owned page table and all its tables
 * @pt: the table, or NULL
 *
 * No walk may be in progress on @pt, and the hardware must no longer point
 * at it.  Parked tables are freed too.
 */
void emu_pgtable_free(struct emu_pgtable *pt)
{
	if (!pt)
		return;
	emu_pgtable_reclaim(pt);
	emu_pt_free_tree(pt, pt->root, pt->top);
	WARN_ON(pt->nr_tables);
	kfree(pt);
}

/**
 * emu_pgtable_root() - physical address of the top table
 * @pt: the table
 *
 * Return: the address to put in the emulated STE (S2TTB), context
 * descriptor (TTB0) or PASID-table entry.
 */
phys_addr_t emu_pgtable_root(const struct emu_pgtable *pt)
{
	return virt_to_phys(pt->root);
}

/**
 * emu_pgtable_last_iova() - the highest IOVA @pt can map
 * @pt: the table
 *
 * Return: 2^ias - 1, or 2^(ias - 1) - 1 for the x86 first stage, whose
 * upper half holds the non-canonical and the sign-extended addresses.
 */
u64 emu_pgtable_last_iova(const struct emu_pgtable *pt)
{
	unsigned int bits = pt->cfg.ias - pt->fmt->canonical;

	return BIT_ULL(bits) - 1;
}

/* Whether a leaf at @lvl can map the start of the run. */
static bool emu_pt_leaf_fits(const struct emu_pgtable *pt, unsigned int lvl,
			     u64 iova, phys_addr_t paddr, size_t size)
{
	u64 span = emu_pt_span(lvl);

	if (!lvl)
		return true;
	return lvl <= pt->max_leaf_lvl && !((iova | paddr) & (span - 1)) &&
	       size >= span;
}

static int emu_pt_map_lvl(struct emu_pgtable *pt, u64 *table,
			  unsigned int lvl, u64 iova, phys_addr_t paddr,
			  size_t size, int prot, gfp_t gfp, size_t *mapped)
{
	const struct emu_pt_fmt_ops *fmt = pt->fmt;
	u64 span = emu_pt_span(lvl);
	u64 *ptep, *child;
	int rc;

	while (size) {
		u64 chunk = min_t(u64, size, span - (iova & (span - 1)));
		u64 desc;

		ptep = &table[emu_pt_index(iova, lvl)];
		desc = READ_ONCE(*ptep);
		if (emu_pt_leaf_fits(pt, lvl, iova, paddr, size)) {
			if (desc)
				return -EEXIST;
			WRITE_ONCE(*ptep, fmt->mk_leaf(paddr, lvl, prot));
			*mapped += span;
		} else if (desc) {
			if (fmt->is_leaf(desc, lvl))
				return -EEXIST;
			rc = emu_pt_map_lvl(pt, emu_pt_child(pt, desc), lvl - 1,
					    iova, paddr, chunk, prot, gfp,
					    mapped);
			if (rc)
				return rc;
		} else {
			child = emu_pt_alloc_table(pt, gfp);
			if (!child)
				return -ENOMEM;
			/* The zeroed table is visible before the pointer. */
			smp_store_release(ptep, fmt->mk_table(virt_to_phys(child)));
			rc = emu_pt_map_lvl(pt, child, lvl - 1, iova, paddr,
					    chunk, prot, gfp, mapped);
			if (rc)
				goto err_drop_child;
		}
		iova += chunk;
		paddr += chunk;
		size -= chunk;
	}
	return 0;

err_drop_child:
	/* Nothing else can be in the table yet: keep no empty tables. */
	if (emu_pt_table_empty(child)) {
		WRITE_ONCE(*ptep, 0);
		emu_pt_drop_table(pt, child);
	}
	return rc;
}

/**
 * emu_pgtable_map() - map a physically contiguous run
 * @pt: the table
 * @iova: first IOVA of the run, 4KiB aligned
 * @paddr: its physical address, 4KiB aligned
 * @size: length of the run, a non-zero multiple of 4KiB
 * @prot: IOMMU_READ and/or IOMMU_WRITE (other IOMMU_* flags are ignored).
 *	The ARM stage-1 and x86 first-stage layouts cannot express write-only:
 *	IOMMU_WRITE alone maps read-write there.
 * @gfp: allocation flags for new tables, normally GFP_KERNEL_ACCOUNT
 * @mapped: set to the number of bytes mapped from @iova on, also on failure
 *
 * Uses a 1GiB or 2MiB leaf wherever @iova and @paddr are aligned to it and
 * the rest of the run covers it, unless the configuration forbids it, and
 * 4KiB pages elsewhere.  On failure the first @mapped bytes stay mapped and
 * the caller unmaps them; no empty table is left behind.  The caller
 * serialises map and unmap calls on @pt.
 *
 * Context: may sleep if @gfp allows.
 * Return: 0; -EINVAL for misaligned arguments or no permission; -ERANGE if
 * the run leaves the input range or the output size; -EEXIST if part of the
 * run is already mapped; -ENOMEM.
 */
int emu_pgtable_map(struct emu_pgtable *pt, u64 iova, phys_addr_t paddr,
		    size_t size, int prot, gfp_t gfp, size_t *mapped)
{
	u64 last = emu_pgtable_last_iova(pt);
	u64 oa_limit = BIT_ULL(pt->cfg.oas);

	*mapped = 0;
	if (!(prot & (IOMMU_READ | IOMMU_WRITE)) || !size ||
	    ((iova | paddr | size) & (EMU_PT_GRANULE - 1)))
		return -EINVAL;
	if (iova > last || size - 1 > last - iova || paddr >= oa_limit ||
	    size > oa_limit - paddr)
		return -ERANGE;
	return emu_pt_map_lvl(pt, pt->root, pt->top, iova, paddr, size, prot,
			      gfp, mapped);
}

static size_t emu_pt_unmap_lvl(struct emu_pgtable *pt, u64 *table,
			       unsigned int lvl, u64 iova, u64 size)
{
	u64 span = emu_pt_span(lvl);
	size_t unmapped = 0;

	while (size) {
		u64 *ptep = &table[emu_pt_index(iova, lvl)];
		u64 chunk = min_t(u64, size, span - (iova & (span - 1)));
		u64 desc = READ_ONCE(*ptep);
		u64 *child;

		if (!desc) {
			/* A hole: nothing to do. */
		} else if (pt->fmt->is_leaf(desc, lvl)) {
			/* Splitting a block is not supported: keep it whole. */
			if (!WARN_ON_ONCE(chunk != span)) {
				WRITE_ONCE(*ptep, 0);
				unmapped += span;
			}
		} else {
			child = emu_pt_child(pt, desc);
			unmapped += emu_pt_unmap_lvl(pt, child, lvl - 1, iova,
						     chunk);
			if (emu_pt_table_empty(child)) {
				WRITE_ONCE(*ptep, 0);
				emu_pt_drop_table(pt, child);
			}
		}
		iova += chunk;
		size -= chunk;
	}
	return unmapped;
}

/**
 * emu_pgtable_unmap() - unmap every mapping in a range
 * @pt: the table
 * @iova: first IOVA of the range, 4KiB aligned
 * @size: length of the range, a non-zero multiple of 4KiB
 *
 * Clears the leaves inside the range, skipping holes, and frees every
 * table left empty (or parks it, with %EMU_PGTABLE_DEFER_FREE).  A 2MiB or
 * 1GiB leaf that the range covers only in part is not split: it stays
 * mapped, with a warning.  Needs no memory, so it cannot fail.  The caller
 * serialises map and unmap calls on @pt.
 *
 * Return: the number of bytes unmapped.
 */
size_t emu_pgtable_unmap(struct emu_pgtable *pt, u64 iova, size_t size)
{
	u64 last = emu_pgtable_last_iova(pt);

	if (WARN_ON((iova | size) & (EMU_PT_GRANULE - 1)) || !size ||
	    iova > last)
		return 0;
	size = min_t(u64, size, last - iova + 1);
	return emu_pt_unmap_lvl(pt, pt->root, pt->top, iova, size);
}

/* Set @flag in a leaf that DMA walks may update concurrently */
static void emu_pt_set_flag(u64 *ptep, u64 flag)
{
	u64 desc = READ_ONCE(*ptep), old;

	while (!(desc & flag)) {
		old = cmpxchg64(ptep, desc, desc | flag);
		if (old == desc)
			break;
		desc = old;
	}
}

static int emu_pt_dirty_lvl(const struct emu_pgtable *pt, u64 *table,
			    unsigned int lvl, u64 iova, u64 size, bool clear,
			    int (*record)(void *ctx, u64 iova, u64 size),
			    void *ctx)
{
	u64 span = emu_pt_span(lvl), dirty = pt->fmt->dirty;
	int rc;

	while (size) {
		u64 *ptep = &table[emu_pt_index(iova, lvl)];
		u64 chunk = min_t(u64, size, span - (iova & (span - 1)));
		u64 desc = READ_ONCE(*ptep), old;

		if (desc && !pt->fmt->is_leaf(desc, lvl)) {
			rc = emu_pt_dirty_lvl(pt, emu_pt_child(pt, desc),
					      lvl - 1, iova, chunk, clear,
					      record, ctx);
			if (rc)
				return rc;
		} else if (desc & dirty) {
			/*
			 * Clear before reporting: a DMA write that comes after
			 * the report sets the flag again. A walk may set the
			 * accessed flag meanwhile, hence the loop.
			 */
			while (clear && (desc & dirty)) {
				old = cmpxchg64(ptep, desc, desc & ~dirty);
				if (old == desc)
					break;
				desc = old;
			}
			rc = record(ctx, iova & ~(span - 1), span);
			if (rc)
				return rc;
		}
		iova += chunk;
		size -= chunk;
	}
	return 0;
}

/**
 * emu_pgtable_read_and_clear_dirty() - report the leaves DMA wrote
 * @pt: the table, of a format with a dirty flag
 * @iova: first IOVA of the range
 * @size: length of the range
 * @clear: clear the dirty flag of every leaf reported (before @record is
 *	   called for it)
 * @record: called with each dirty leaf, whole (it may reach outside the
 *	    range); may sleep; a non-zero value ends the walk, the leaf
 *	    counting as reported (emu_pgtable_mark_dirty() gives its flag
 *	    back)
 * @ctx: for @record
 *
 * Walks with EMU_PT_WALK_SET_AD set the flag. The caller serialises this
 * with map and unmap.
 *
 * Return: 0, -EOPNOTSUPP for a format without a dirty flag, or what
 * @record returned to end the walk.
 */
int emu_pgtable_read_and_clear_dirty(struct emu_pgtable *pt, u64 iova,
				     size_t size, bool clear,
				     int (*record)(void *ctx, u64 iova,
						   u64 size),
				     void *ctx)
{
	u64 last = emu_pgtable_last_iova(pt);

	if (!pt->fmt->dirty)
		return -EOPNOTSUPP;
	if (!size || iova > last)
		return 0;
	size = min_t(u64, size, last - iova + 1);
	return emu_pt_dirty_lvl(pt, pt->root, pt->top, iova, size, clear,
				record, ctx);
}

/**
 * emu_pgtable_mark_dirty() - set the dirty flag of the leaf that maps @iova
 * @pt: the table, of a format with a dirty flag
 * @iova: an IOVA inside the leaf
 *
 * Gives back a flag emu_pgtable_read_and_clear_dirty() cleared for a leaf
 * that could not be reported after all. Nothing happens when @iova is not
 * mapped any more. Serialised with map and unmap like the walk.
 */
void emu_pgtable_mark_dirty(struct emu_pgtable *pt, u64 iova)
{
	u64 *table = pt->root;
	unsigned int lvl;

	if (!pt->fmt->dirty || iova > emu_pgtable_last_iova(pt))
		return;
	for (lvl = pt->top;; lvl--) {
		u64 *ptep = &table[emu_pt_index(iova, lvl)];
		u64 desc = READ_ONCE(*ptep);

		if (!desc)
			return;
		if (pt->fmt->is_leaf(desc, lvl)) {
			emu_pt_set_flag(ptep, pt->fmt->dirty);
			return;
		}
		table = emu_pt_child(pt, desc);
	}
}

/**
 * emu_pgtable_reclaim() - free the tables parked by unmaps
 * @pt: the table
 *
 * For %EMU_PGTABLE_DEFER_FREE: call once no walk can still be using a table
 * that an earlier emu_pgtable_unmap() emptied.  Serialised with map and
 * unmap like them.
 */
void emu_pgtable_reclaim(struct emu_pgtable *pt)
{
	while (pt->parked) {
		u64 *table = phys_to_virt(pt->parked);

		pt->parked = table[0];
		emu_pt_free_table(pt, table);
	}
}

/**
 * emu_pgtable_iova_to_phys() - look an IOVA up
 * @pt: the table
 * @iova: the IOVA
 *
 * Return: the physical address @iova maps to, or 0 if it is not mapped.
 */
phys_addr_t emu_pgtable_iova_to_phys(const struct emu_pgtable *pt, u64 iova)
{
	struct emu_pt_walk_result res;
	struct emu_pt_walk_cfg wcfg;

	emu_pgtable_walk_cfg(pt, &wcfg);
	if (emu_pt_walk(&wcfg, iova, 0, &emu_pt_host_ops, NULL, &res))
		return 0;
	return res.oa;
}

/**
 * emu_pgtable_mem_bytes() - memory used by the tables of @pt
 * @pt: the table
 *
 * Return: bytes of table pages allocated, the top table and parked tables
 * included (the structure itself is not counted).
 */
size_t emu_pgtable_mem_bytes(const struct emu_pgtable *pt)
{
	return READ_ONCE(pt->nr_tables) * EMU_PT_GRANULE;
}

/**
 * emu_pgtable_walk_cfg() - describe a host-owned table for emu_pt_walk()
 * @pt: the table
 * @wcfg: filled in with its format, root, sizes and start level, and
 *	%EMU_PT_WALK_HOST_TABLES
 *
 * For the ARM formats, @wcfg->start_level is the level to program (STE
 * S2SL0 for stage 2).  The caller adds the EMU_PT_WALK_* flags the
 * emulated hardware's configuration asks for.
 */
void emu_pgtable_walk_cfg(const struct emu_pgtable *pt,
			  struct emu_pt_walk_cfg *wcfg)
{
	*wcfg = (struct emu_pt_walk_cfg){
		.fmt = pt->cfg.fmt,
		.root = virt_to_phys(pt->root),
		.ias = pt->cfg.ias,
		.oas = pt->cfg.oas,
		.flags = EMU_PT_WALK_HOST_TABLES,
	};
	if (pt->cfg.fmt == EMU_PT_ARM_S1 || pt->cfg.fmt == EMU_PT_ARM_S2)
		wcfg->start_level = emu_pt_arm_level(pt->top);
	if (pt->cfg.flags & EMU_PGTABLE_NO_1G)
		wcfg->flags |= EMU_PT_WALK_NO_1G;
}
