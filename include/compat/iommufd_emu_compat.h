/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where differences between kernel versions are handled.
 *
 * Every decision below is taken on a HAVE_* macro produced by
 * scripts/compat-probe, which compiles a small test against the target
 * kernel; nothing tests version numbers. Helpers that newer kernels provide
 * are re-implemented here under their upstream names so that the rest of
 * the module reads like code for a current kernel.
 */
#ifndef IOMMUFD_EMU_COMPAT_H
#define IOMMUFD_EMU_COMPAT_H

#include <linux/hugetlb.h>
#include <linux/interval_tree.h>
#include <linux/minmax.h>
#include <linux/mm.h>

#include "generated/probes.h"

/* Per-user memlock accounting needs user_struct::locked_vm */
#ifndef HAVE_USER_STRUCT_LOCKED_VM
#error "kernel lacks user_struct::locked_vm: enable CONFIG_NET, IO_URING or SECRETMEM"
#endif

#ifndef HAVE_INTERVAL_TREE_SPAN_ITER
/*
 * Linux 6.2 added an iterator that walks [first, last] of an interval tree
 * as alternating "hole" and "used" spans, merging overlapping nodes. 6.1
 * lacks it; this is our own implementation with the same interface.
 */
struct interval_tree_span_iter {
	/* private */
	struct interval_tree_node *next_node;
	unsigned long next_index;
	unsigned long first_index;
	unsigned long last_index;
	/* public */
	union {
		unsigned long start_hole;
		unsigned long start_used;
	};
	union {
		unsigned long last_hole;
		unsigned long last_used;
	};
	/* 1 for a hole, 0 for a used span, -1 once the walk is over */
	int is_hole;
};

static inline void interval_tree_span_iter_next(struct interval_tree_span_iter *iter)
{
	struct interval_tree_node *node = iter->next_node;
	unsigned long end;

	/* The previous span ended at last_index: nothing is left. */
	if (iter->is_hole != -1 && iter->last_hole == iter->last_index) {
		iter->is_hole = -1;
		return;
	}
	if (iter->is_hole != -1)
		iter->next_index = iter->last_hole + 1;

	if (!node || node->start > iter->next_index) {
		iter->is_hole = 1;
		iter->start_hole = iter->next_index;
		iter->last_hole = node ? node->start - 1 : iter->last_index;
		return;
	}

	/* Merge every node that overlaps or touches the span being built. */
	end = node->last;
	while ((node = interval_tree_iter_next(node, iter->first_index,
					       iter->last_index))) {
		if (end != ULONG_MAX && node->start > end + 1)
			break;
		end = max(end, node->last);
	}
	iter->next_node = node;
	iter->is_hole = 0;
	iter->start_used = iter->next_index;
	iter->last_used = min(end, iter->last_index);
}

static inline void
interval_tree_span_iter_first(struct interval_tree_span_iter *iter,
			      struct rb_root_cached *itree,
			      unsigned long first_index,
			      unsigned long last_index)
{
	iter->first_index = first_index;
	iter->last_index = last_index;
	iter->next_index = first_index;
	iter->next_node = interval_tree_iter_first(itree, first_index,
						   last_index);
	iter->is_hole = -1;
	interval_tree_span_iter_next(iter);
}

static inline bool
interval_tree_span_iter_done(struct interval_tree_span_iter *iter)
{
	return iter->is_hole == -1;
}

static inline struct interval_tree_span_iter *
interval_tree_span_iter_start(struct interval_tree_span_iter *iter,
			      struct rb_root_cached *itree,
			      unsigned long first_index,
			      unsigned long last_index)
{
	interval_tree_span_iter_first(iter, itree, first_index, last_index);
	return iter;
}

#define interval_tree_for_each_span(span, itree, first_index, last_index)     \
	for (struct interval_tree_span_iter *_span_it =                        \
		     interval_tree_span_iter_start(span, itree, first_index,   \
						   last_index);                \
	     !interval_tree_span_iter_done(_span_it);                          \
	     interval_tree_span_iter_next(_span_it))
#endif /* HAVE_INTERVAL_TREE_SPAN_ITER */

/*
 * Upstream pins memfd pages with memfd_pin_folios() (Linux 6.11): FOLL_PIN
 * pins, which page_maybe_dma_pinned() reports, so writeback, migration and
 * fork know the device holds them. Older kernels give modules no way to
 * FOLL_PIN a page-cache page, so turn the lookup reference we hold into one
 * the way GUP accounts it; unpin_user_page() then releases it as usual.
 * Where the pin count's layout is unknown, the plain reference stays.
 */
static inline void compat_file_page_pin(struct page *page)
{
#ifdef HAVE_FOLIO_PINCOUNT_PTR
	struct folio *folio = page_folio(page);

	/* The lookup reference is the one GUP adds beside the pin count */
	if (folio_test_large(folio))
		atomic_inc(folio_pincount_ptr(folio));
	else
		folio_ref_add(folio, GUP_PIN_COUNTING_BIAS - 1);
	node_stat_mod_folio(folio, NR_FOLL_PIN_ACQUIRED, 1);
#endif
}

static inline void compat_file_page_unpin(struct page *page, bool dirty)
{
#ifdef HAVE_FOLIO_PINCOUNT_PTR
	unpin_user_pages_dirty_lock(&page, 1, dirty);
#else
	if (dirty)
		set_page_dirty_lock(page);
	put_page(page);
#endif
}

/*
 * A long-term read-only pin of a file page in a private writable ("COW")
 * mapping must not keep the page cache page: the process's next write
 * would COW it away and the device would go on reading stale data. Linux
 * 6.2 on breaks COW at pin time; older GUP only does that for anonymous
 * pages. There, pin such a range for write with FOLL_FORCE (PROT_READ
 * mappings too), which breaks COW the same way.
 *
 * compat_pin_checks_vma() says whether a pin with @gup_flags needs that:
 * such a pin looks at the VMA and pins under one hold of mmap_lock, so
 * that the VMA it looked at is the one it pins from.
 */
static inline bool compat_pin_checks_vma(unsigned int gup_flags)
{
#ifdef HAVE_GUP_UNSHARE_ANON_ONLY
	return !(gup_flags & FOLL_WRITE);
#else
	return false;
#endif
}

/*
 * Adjusts *@gup_flags for the VMA at @addr and returns how many of the
 * @npages pages from @addr they cover: never past that VMA, so that the
 * next batch starts at the next VMA and gets its own look.
 */
static inline unsigned long
compat_ro_longterm_pin_flags_locked(struct mm_struct *mm, unsigned long addr,
				    unsigned long npages,
				    unsigned int *gup_flags)
{
#ifdef HAVE_GUP_UNSHARE_ANON_ONLY
	struct vm_area_struct *vma;

	/* mmap_assert_locked() needs dump_mm(), which 6.1 does not export */
	lockdep_assert_held(&mm->mmap_lock);
	if (*gup_flags & FOLL_WRITE)
		return npages;
	vma = vma_lookup(mm, addr);
	if (!vma)
		return npages;	/* GUP fails on the hole */
	if (vma->vm_file && is_cow_mapping(vma->vm_flags))
		*gup_flags |= FOLL_WRITE | FOLL_FORCE;
	npages = min(npages, (vma->vm_end - addr) >> PAGE_SHIFT);
#endif
	return npages;
}

/*
 * Linux 6.5 removed the vmas argument of pin_user_pages_remote(). Kernels
 * that still have it also refuse FOLL_LONGTERM together with a "locked"
 * pointer (6.1 warns and fails): there the mmap lock simply stays held.
 */
static inline long compat_pin_user_pages_remote(struct mm_struct *mm,
						unsigned long start,
						unsigned long nr_pages,
						unsigned int gup_flags,
						struct page **pages,
						int *locked)
{
#ifdef HAVE_PIN_USER_PAGES_REMOTE_NO_VMAS
	return pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     locked);
#else
	if (gup_flags & FOLL_LONGTERM)
		locked = NULL;
	return pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL, locked);
#endif
}

/*
 * The page-cache index under which hugetlbfs keeps the page holding file
 * page @pgoff: huge-page units until Linux 6.7, base pages since.
 */
static inline pgoff_t compat_hugetlb_cache_index(struct inode *inode,
						 pgoff_t pgoff)
{
#ifdef HAVE_HUGETLB_BASEPAGE_INDEX
	return pgoff >> huge_page_order(hstate_inode(inode));
#else
	return pgoff;
#endif
}

/* Linux 6.3 made a page-cache miss an ERR_PTR instead of NULL. */
static inline struct folio *compat_filemap_get_folio(struct address_space *mapping,
						     pgoff_t index)
{
	struct folio *folio = filemap_get_folio(mapping, index);

	return IS_ERR(folio) ? NULL : folio;
}

#endif /* IOMMUFD_EMU_COMPAT_H */
