// SPDX-License-Identifier: GPL-2.0
/*
 * The IO page table of an IOAS: which IOVA ranges map which memory.
 *
 * Areas live in an interval tree keyed by IOVA. Creating a mapping is done
 * in two steps so the iova_rwsem is never held while memory is touched:
 * the area is first inserted with pages == NULL, which claims its IOVA
 * range, and is completed (pages set) once everything that can fail has
 * succeeded. An area without pages is busy: unmap refuses it with EBUSY.
 *
 * IOMMU domains attached through HWPTs mirror every area: an area's pages
 * are pinned (one claim per area) and mapped into each domain before the
 * area is published, and unmapped and unpinned when it goes.
 *
 * Memory of a dma-buf is not pinned page by page: its areas are mapped
 * straight from the buffer's physical address, under iopt_pages::mutex so
 * that a revoke by the exporter sees each (area, domain) mapping either
 * before it exists or on the list of the pages.
 *
 * Lock order: domains_rwsem -> iova_rwsem -> iopt_pages::mutex, and
 * dma_resv -> iopt_pages::mutex for dma-bufs.
 */
#include <linux/dma-buf.h>
#include <linux/file.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/iommu.h>

#include "iommufd_private.h"
#include "../iommu/emu_iommu.h"

struct iopt_area *iopt_area_iter_first(struct io_pagetable *iopt,
				       unsigned long start, unsigned long last)
{
	struct interval_tree_node *node;

	node = interval_tree_iter_first(&iopt->area_itree, start, last);
	return node ? container_of(node, struct iopt_area, node) : NULL;
}

struct iopt_area *iopt_area_iter_next(struct iopt_area *area,
				      unsigned long start, unsigned long last)
{
	struct interval_tree_node *node;

	node = interval_tree_iter_next(&area->node, start, last);
	return node ? container_of(node, struct iopt_area, node) : NULL;
}

void iopt_init_table(struct io_pagetable *iopt)
{
	init_rwsem(&iopt->domains_rwsem);
	xa_init_flags(&iopt->domains, XA_FLAGS_ALLOC);
	init_rwsem(&iopt->iova_rwsem);
	iopt->area_itree = RB_ROOT_CACHED;
	iopt->allowed_itree = RB_ROOT_CACHED;
	iopt->reserved_itree = RB_ROOT_CACHED;
	/* With nothing attached any byte-granular IOVA is acceptable. */
	iopt->iova_alignment = 1;
	INIT_LIST_HEAD(&iopt->access_list);
	mutex_init(&iopt->access_lock);
}

static void iopt_free_tree(struct rb_root_cached *itree)
{
	struct interval_tree_node *node;

	while ((node = interval_tree_iter_first(itree, 0, ULONG_MAX))) {
		interval_tree_remove(node, itree);
		/* Both allowed and reserved nodes embed the node first */
		kfree(node);
	}
}

void iopt_destroy_table(struct io_pagetable *iopt)
{
	BUILD_BUG_ON(offsetof(struct iopt_allowed, node) != 0);
	BUILD_BUG_ON(offsetof(struct iopt_reserved, node) != 0);

	iopt_free_tree(&iopt->allowed_itree);
	iopt_free_tree(&iopt->reserved_itree);
	WARN_ON(!RB_EMPTY_ROOT(&iopt->area_itree.rb_root));
	WARN_ON(!list_empty(&iopt->access_list));
	WARN_ON(!xa_empty(&iopt->domains));
	xa_destroy(&iopt->domains);
	mutex_destroy(&iopt->access_lock);
}

/*
 * Is [*start, last] able to hold @length bytes at an IOVA that is aligned
 * to @align and keeps the sub-page offset @page_offset? Moves *start to
 * the candidate when it is.
 */
static bool iova_fits(unsigned long *start, unsigned long last,
		      unsigned long length, unsigned long align,
		      unsigned long page_offset)
{
	unsigned long candidate;

	if (check_add_overflow(*start, align - 1, &candidate))
		return false;
	candidate &= ~(align - 1);
	candidate |= page_offset;
	if (candidate > last || last - candidate < length - 1)
		return false;
	*start = candidate;
	return true;
}

/* First free IOVA in [first, last] that is neither reserved nor mapped */
static bool iopt_find_hole(struct io_pagetable *iopt, unsigned long first,
			   unsigned long last, unsigned long length,
			   unsigned long align, unsigned long page_offset,
			   unsigned long *iova)
{
	struct interval_tree_span_iter reserved;

	interval_tree_for_each_span(&reserved, &iopt->reserved_itree, first,
				    last) {
		struct interval_tree_span_iter mapped;

		if (!reserved.is_hole)
			continue;
		interval_tree_for_each_span(&mapped, &iopt->area_itree,
					    reserved.start_hole,
					    reserved.last_hole) {
			unsigned long start = mapped.start_hole;

			if (!mapped.is_hole)
				continue;
			if (iova_fits(&start, mapped.last_hole, length, align,
				      page_offset)) {
				*iova = start;
				return true;
			}
		}
	}
	return false;
}

/*
 * Choose an IOVA for a new mapping of @length bytes whose memory starts at
 * @addr. Keeping the alignment of @addr (up to a huge page) lets a later
 * IOMMU use large pages for it. Page 0 and the last page are never handed
 * out, so that an IOVA of 0 can stay "no address" for userspace.
 */
static int iopt_alloc_iova(struct io_pagetable *iopt, unsigned long *iova,
			   unsigned long addr, unsigned long length)
{
	unsigned long page_offset = offset_in_page(addr);
	struct interval_tree_span_iter allowed;
	unsigned long align;

	lockdep_assert_held(&iopt->iova_rwsem);

	if (length == 0 || length >= ULONG_MAX / 2)
		return -EOVERFLOW;

	align = roundup_pow_of_two(length);
	if (addr)
		align = min_t(unsigned long, align, 1UL << __ffs(addr));
	align = min_t(unsigned long, align, HPAGE_PMD_SIZE);
	if (align < iopt->iova_alignment)
		return -EINVAL;

	if (RB_EMPTY_ROOT(&iopt->allowed_itree.rb_root))
		return iopt_find_hole(iopt, PAGE_SIZE, ULONG_MAX - PAGE_SIZE,
				      length, align, page_offset, iova) ?
			       0 : -ENOSPC;

	interval_tree_for_each_span(&allowed, &iopt->allowed_itree, PAGE_SIZE,
				    ULONG_MAX - PAGE_SIZE) {
		if (allowed.is_hole)
			continue;
		if (iopt_find_hole(iopt, allowed.start_used, allowed.last_used,
				   length, align, page_offset, iova))
			return 0;
	}
	return -ENOSPC;
}

/* Can a mapping be placed at the caller's fixed IOVA? */
static int iopt_check_iova(struct io_pagetable *iopt, unsigned long iova,
			   unsigned long length)
{
	unsigned long last;

	lockdep_assert_held(&iopt->iova_rwsem);

	if (iova & (iopt->iova_alignment - 1))
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	if (interval_tree_iter_first(&iopt->reserved_itree, iova, last))
		return -EINVAL;
	if (interval_tree_iter_first(&iopt->area_itree, iova, last))
		return -EEXIST;
	return 0;
}

/* Physical address of page @index of @pages, which the caller keeps valid */
static phys_addr_t iopt_pages_index_phys(struct iopt_pages *pages,
					 unsigned long index)
{
	if (iopt_pages_is_dmabuf(pages))
		return pages->dmabuf_phys + index * PAGE_SIZE;
	return page_to_phys(iopt_pages_page(pages, index));
}

/*
 * Map an area into one domain, coalescing physically contiguous pages into
 * runs. The area's pages are pinned by the caller. Without large pages each
 * page is mapped on its own: the driver then never builds a large entry,
 * and a part of the area can later be unmapped alone (iopt_cut_iova()).
 */
static int iopt_area_map_domain(struct iopt_area *area,
				struct iopt_pages *pages,
				struct emu_domain *domain)
{
	bool page_by_page = area->iopt->disable_large_pages;
	unsigned long index = area->pages_node.start;
	unsigned long remaining = iopt_area_length(area);
	unsigned long iova = iopt_area_iova(area);
	unsigned long offset = area->page_offset;
	unsigned long run_iova = iova, run_len = 0;
	phys_addr_t run_pa = 0;
	int rc;

	while (remaining) {
		unsigned long len = min(PAGE_SIZE - offset, remaining);
		phys_addr_t pa = iopt_pages_index_phys(pages, index) + offset;

		if (run_len && (page_by_page || pa != run_pa + run_len)) {
			rc = emu_domain_map(domain, run_iova, run_pa, run_len,
					    area->iommu_prot, GFP_KERNEL_ACCOUNT);
			if (rc)
				goto err_unmap;
			run_len = 0;
		}
		if (!run_len) {
			run_iova = iova;
			run_pa = pa;
		}
		run_len += len;
		iova += len;
		remaining -= len;
		offset = 0;
		index++;
	}
	rc = emu_domain_map(domain, run_iova, run_pa, run_len, area->iommu_prot,
			    GFP_KERNEL_ACCOUNT);
	if (rc)
		goto err_unmap;
	return 0;

err_unmap:
	if (run_iova != iopt_area_iova(area))
		emu_domain_unmap(domain, iopt_area_iova(area),
				 run_iova - iopt_area_iova(area));
	return rc;
}

/*
 * Map a dma-buf area into one domain and record that on the pages, unless
 * the buffer was revoked: then there is nothing to map and that is fine,
 * the area just stays without translation.
 */
static int iopt_dmabuf_map_domain(struct iopt_area *area,
				  struct iopt_pages *pages,
				  struct emu_domain *domain)
{
	struct iopt_dmabuf_map *map;
	int rc = 0;

	map = kzalloc(sizeof(*map), GFP_KERNEL_ACCOUNT);
	if (!map)
		return -ENOMEM;
	mutex_lock(&pages->mutex);
	if (!pages->dmabuf_revoked) {
		rc = iopt_area_map_domain(area, pages, domain);
		if (!rc) {
			map->area = area;
			map->domain = domain;
			list_add_tail(&map->node, &pages->dmabuf_maps);
			map = NULL;
		}
	}
	mutex_unlock(&pages->mutex);
	kfree(map);
	return rc;
}

/* Undo iopt_dmabuf_map_domain(); a revoke may have done it already. */
static void iopt_dmabuf_unmap_domain(struct iopt_area *area,
				     struct iopt_pages *pages,
				     struct emu_domain *domain)
{
	struct iopt_dmabuf_map *map;

	mutex_lock(&pages->mutex);
	list_for_each_entry(map, &pages->dmabuf_maps, node) {
		if (map->area == area && map->domain == domain) {
			emu_domain_unmap(domain, iopt_area_iova(area),
					 iopt_area_length(area));
			list_del(&map->node);
			kfree(map);
			break;
		}
	}
	mutex_unlock(&pages->mutex);
}

/* Map an area into one domain; user and file pages must be pinned */
static int iopt_area_fill_one(struct iopt_area *area, struct iopt_pages *pages,
			      struct emu_domain *domain)
{
	if (iopt_pages_is_dmabuf(pages))
		return iopt_dmabuf_map_domain(area, pages, domain);
	return iopt_area_map_domain(area, pages, domain);
}

static void iopt_area_unfill_one(struct iopt_area *area,
				 struct iopt_pages *pages,
				 struct emu_domain *domain)
{
	if (iopt_pages_is_dmabuf(pages))
		iopt_dmabuf_unmap_domain(area, pages, domain);
	else
		emu_domain_unmap(domain, iopt_area_iova(area),
				 iopt_area_length(area));
}

/* The one claim of an area whose domains map it; none for a dma-buf */
static int iopt_area_pin(struct iopt_area *area, struct iopt_pages *pages)
{
	if (iopt_pages_is_dmabuf(pages))
		return 0;
	return iopt_pages_pin(pages, area->pages_node.start,
			      area->pages_node.last);
}

static void iopt_area_unpin(struct iopt_area *area, struct iopt_pages *pages)
{
	if (!iopt_pages_is_dmabuf(pages))
		iopt_pages_unpin(pages, area->pages_node.start,
				 area->pages_node.last);
}

/* Pin the area's pages once for all domains, then map it into each. */
static int iopt_area_fill_domains(struct io_pagetable *iopt,
				  struct iopt_area *area,
				  struct iopt_pages *pages)
{
	struct emu_domain *domain, *failed;
	unsigned long index;
	int rc;

	lockdep_assert_held(&iopt->domains_rwsem);

	if (xa_empty(&iopt->domains))
		return 0;
	rc = iopt_area_pin(area, pages);
	if (rc)
		return rc;
	xa_for_each(&iopt->domains, index, domain) {
		rc = iopt_area_fill_one(area, pages, domain);
		if (rc)
			goto err_unmap;
	}
	area->domain_pinned = true;
	return 0;

err_unmap:
	failed = domain;
	xa_for_each(&iopt->domains, index, domain) {
		if (domain == failed)
			break;
		iopt_area_unfill_one(area, pages, domain);
	}
	iopt_area_unpin(area, pages);
	return rc;
}

/* Undo iopt_area_fill_domains(); cannot fail. */
static void iopt_area_unfill_domains(struct io_pagetable *iopt,
				     struct iopt_area *area,
				     struct iopt_pages *pages)
{
	struct emu_domain *domain;
	unsigned long index;

	lockdep_assert_held(&iopt->domains_rwsem);

	if (!area->domain_pinned)
		return;
	xa_for_each(&iopt->domains, index, domain)
		iopt_area_unfill_one(area, pages, domain);
	iopt_area_unpin(area, pages);
	area->domain_pinned = false;
}

/*
 * One slice of memory to be mapped: @length bytes of @pages starting at
 * byte @start_byte (counted from the first page of @pages).
 */
struct iopt_slice {
	struct list_head next;
	struct iopt_pages *pages;
	struct iopt_area *area;
	unsigned long start_byte;
	unsigned long length;
};

static void iopt_free_slices(struct list_head *slices)
{
	struct iopt_slice *slice, *tmp;

	list_for_each_entry_safe(slice, tmp, slices, next) {
		if (slice->pages)
			iopt_put_pages(slice->pages);
		kfree(slice->area);
		list_del(&slice->next);
		kfree(slice);
	}
}

static unsigned long iopt_slice_addr(struct iopt_slice *slice)
{
	struct iopt_pages *pages = slice->pages;

	if (pages->type == IOPT_ADDRESS_USER)
		return (unsigned long)pages->uptr + slice->start_byte;
	return pages->start + slice->start_byte;
}

static int iopt_insert_area(struct io_pagetable *iopt, struct iopt_slice *slice,
			    unsigned long iova, int iommu_prot)
{
	struct iopt_area *area = slice->area;
	unsigned long last_byte;

	if ((iommu_prot & IOMMU_WRITE) && !slice->pages->writable)
		return -EPERM;

	area->iommu_prot = iommu_prot;
	area->page_offset = offset_in_page(slice->start_byte);
	if (area->page_offset & (iopt->iova_alignment - 1))
		return -EINVAL;

	area->node.start = iova;
	if (check_add_overflow(iova, slice->length - 1, &area->node.last))
		return -EOVERFLOW;
	area->pages_node.start = slice->start_byte / PAGE_SIZE;
	if (check_add_overflow(slice->start_byte, slice->length - 1,
			       &last_byte))
		return -EOVERFLOW;
	area->pages_node.last = last_byte / PAGE_SIZE;
	if (WARN_ON(area->pages_node.last >= slice->pages->npages))
		return -EOVERFLOW;

	area->iopt = iopt;
	interval_tree_insert(&area->node, &iopt->area_itree);
	return 0;
}

/*
 * Map the slices back to back at *iova (or at an IOVA chosen here). On
 * success the slices' pages and areas now belong to the io_pagetable.
 */
static int iopt_map_slices(struct io_pagetable *iopt, struct list_head *slices,
			   unsigned long length, unsigned long *iova,
			   int iommu_prot, bool alloc_iova)
{
	struct iopt_slice *slice;
	unsigned long cur;
	int rc;

	list_for_each_entry(slice, slices, next) {
		slice->area = kzalloc(sizeof(*slice->area), GFP_KERNEL_ACCOUNT);
		if (!slice->area)
			return -ENOMEM;
	}

	/* Keeps the set of domains stable until the areas are published */
	down_read(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);
	if (!length || (length & (iopt->iova_alignment - 1))) {
		rc = -EINVAL;
		goto out_unlock_iova;
	}

	if (alloc_iova) {
		slice = list_first_entry(slices, struct iopt_slice, next);
		rc = iopt_alloc_iova(iopt, iova, iopt_slice_addr(slice),
				     length);
	} else {
		rc = iopt_check_iova(iopt, *iova, length);
	}
	if (rc)
		goto out_unlock_iova;

	/* Claim the IOVA with areas that have no pages yet: they are busy */
	cur = *iova;
	list_for_each_entry(slice, slices, next) {
		rc = iopt_insert_area(iopt, slice, cur, iommu_prot);
		if (rc)
			goto out_remove;
		cur += slice->length;
	}
	up_write(&iopt->iova_rwsem);

	list_for_each_entry(slice, slices, next) {
		rc = iopt_area_fill_domains(iopt, slice->area, slice->pages);
		if (rc)
			goto out_unfill;
	}

	/* Nothing left can fail: publish the areas. */
	down_write(&iopt->iova_rwsem);
	list_for_each_entry(slice, slices, next) {
		slice->area->pages = slice->pages;
		slice->pages = NULL;
		slice->area = NULL;
	}
	up_write(&iopt->iova_rwsem);
	up_read(&iopt->domains_rwsem);
	return 0;

out_unfill:
	list_for_each_entry(slice, slices, next)
		iopt_area_unfill_domains(iopt, slice->area, slice->pages);
	down_write(&iopt->iova_rwsem);
out_remove:
	list_for_each_entry(slice, slices, next) {
		if (!slice->area->iopt)
			break;
		interval_tree_remove(&slice->area->node, &iopt->area_itree);
	}
out_unlock_iova:
	up_write(&iopt->iova_rwsem);
	up_read(&iopt->domains_rwsem);
	return rc;
}

static int iopt_map_one(struct io_pagetable *iopt, struct iopt_pages *pages,
			unsigned long start_byte, unsigned long length,
			unsigned long *iova, int iommu_prot, bool alloc_iova)
{
	struct iopt_slice *slice;
	LIST_HEAD(slices);
	int rc;

	slice = kzalloc(sizeof(*slice), GFP_KERNEL_ACCOUNT);
	if (!slice) {
		iopt_put_pages(pages);
		return -ENOMEM;
	}
	slice->pages = pages;
	slice->start_byte = start_byte;
	slice->length = length;
	list_add(&slice->next, &slices);

	rc = iopt_map_slices(iopt, &slices, length, iova, iommu_prot,
			     alloc_iova);
	iopt_free_slices(&slices);
	return rc;
}

int iopt_map_user_pages(struct iommufd_ctx *ictx, struct io_pagetable *iopt,
			unsigned long *iova, void __user *uptr,
			unsigned long length, int iommu_prot, bool alloc_iova)
{
	struct iopt_pages *pages;

	pages = iopt_alloc_user_pages(ictx, uptr, length,
				      iommu_prot & IOMMU_WRITE);
	if (IS_ERR(pages))
		return PTR_ERR(pages);
	return iopt_map_one(iopt, pages, offset_in_page(uptr), length, iova,
			    iommu_prot, alloc_iova);
}

int iopt_map_file_pages(struct iommufd_ctx *ictx, struct io_pagetable *iopt,
			unsigned long *iova, int fd, unsigned long start,
			unsigned long length, int iommu_prot, bool alloc_iova)
{
	struct iopt_pages *pages;
	struct dma_buf *dmabuf;
	unsigned long last;
	struct file *file;

	if (!length)
		return -EINVAL;
	if (check_add_overflow(start, length - 1, &last))
		return -EOVERFLOW;

	/* A dma-buf fd maps the exporter's memory, not the file's pages */
	dmabuf = dma_buf_get(fd);
	if (!IS_ERR(dmabuf)) {
		pages = iopt_alloc_dmabuf_pages(ictx, dmabuf, start, length,
						iommu_prot & IOMMU_WRITE);
		if (IS_ERR(pages)) {
			dma_buf_put(dmabuf);
			return PTR_ERR(pages);
		}
		return iopt_map_one(iopt, pages, offset_in_page(start), length,
				    iova, iommu_prot, alloc_iova);
	}

	file = fget(fd);
	if (!file)
		return -EBADF;
	pages = iopt_alloc_file_pages(ictx, file, start, length,
				      iommu_prot & IOMMU_WRITE);
	fput(file);
	if (IS_ERR(pages))
		return PTR_ERR(pages);
	return iopt_map_one(iopt, pages, offset_in_page(start), length, iova,
			    iommu_prot, alloc_iova);
}

/*
 * Collect the memory behind [iova, iova + length) of @src as slices. The
 * range must be covered by areas without gaps; it may start and end
 * inside areas.
 */
static int iopt_get_slices(struct io_pagetable *src, unsigned long iova,
			   unsigned long length, struct list_head *slices)
{
	unsigned long last, cur = iova;
	struct iopt_area *area;
	bool covered = false;
	int rc = 0;

	if (!length)
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;

	down_read(&src->iova_rwsem);
	for (area = iopt_area_iter_first(src, iova, last); area;
	     area = iopt_area_iter_next(area, iova, last)) {
		unsigned long slice_last = min(last, iopt_area_last_iova(area));
		struct iopt_slice *slice;

		if (iopt_area_iova(area) > cur || !area->pages) {
			rc = -ENOENT;
			break;
		}
		slice = kzalloc(sizeof(*slice), GFP_KERNEL_ACCOUNT);
		if (!slice) {
			rc = -ENOMEM;
			break;
		}
		slice->pages = area->pages;
		kref_get(&slice->pages->kref);
		slice->start_byte = cur - iopt_area_iova(area) +
				    area->page_offset +
				    area->pages_node.start * PAGE_SIZE;
		slice->length = slice_last - cur + 1;
		list_add_tail(&slice->next, slices);
		if (slice_last == last) {
			covered = true;
			break;
		}
		cur = slice_last + 1;
	}
	if (!rc && !covered)
		rc = -ENOENT;
	up_read(&src->iova_rwsem);
	if (rc)
		iopt_free_slices(slices);
	return rc;
}

/**
 * iopt_copy_range() - map memory already mapped in one IOAS into another
 * @dst: destination
 * @src: source
 * @src_iova: start of the source range
 * @length: its length; it must be fully mapped in @src
 * @dst_iova: fixed destination IOVA, or where the chosen one is returned
 * @iommu_prot: permissions of the new mapping
 * @alloc_iova: choose the destination IOVA
 *
 * The new areas share the source's iopt_pages, so nothing is pinned twice.
 *
 * Return: 0 or a negative errno.
 */
int iopt_copy_range(struct io_pagetable *dst, struct io_pagetable *src,
		    unsigned long src_iova, unsigned long length,
		    unsigned long *dst_iova, int iommu_prot, bool alloc_iova)
{
	LIST_HEAD(slices);
	int rc;

	rc = iopt_get_slices(src, src_iova, length, &slices);
	if (rc)
		return rc;
	rc = iopt_map_slices(dst, &slices, length, dst_iova, iommu_prot,
			     alloc_iova);
	iopt_free_slices(&slices);
	return rc;
}

static int iopt_unmap_range(struct io_pagetable *iopt, unsigned long start,
			    unsigned long last, unsigned long *unmapped)
{
	unsigned long unmapped_bytes = 0;
	unsigned int tries = 0;
	struct iopt_area *area;
	int rc = 0;

again:
	down_read(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);
	while ((area = iopt_area_iter_first(iopt, start, last))) {
		unsigned long area_first = iopt_area_iova(area);
		unsigned long area_last = iopt_area_last_iova(area);
		struct iopt_pages *pages;

		/* Another thread is still creating or removing it */
		if (!area->pages) {
			rc = -EBUSY;
			break;
		}
		/* Hardware uses its pages by physical address: not now */
		if (atomic_read(&area->num_locks)) {
			rc = -EBUSY;
			break;
		}
		/* Unmap never splits an area */
		if (area_first < start || area_last > last) {
			rc = -ENOENT;
			break;
		}
		if (area_first != start)
			tries = 0;

		if (atomic_read(&area->num_accesses)) {
			/* Ask in-kernel users to let go, then look again. */
			start = area_first;
			area->prevent_access = true;
			up_write(&iopt->iova_rwsem);
			up_read(&iopt->domains_rwsem);
			iommufd_access_notify_unmap(iopt, area_first,
						    iopt_area_length(area));
			if (WARN_ON(++tries > 100)) {
				rc = -EDEADLOCK;
				goto out_unmapped;
			}
			goto again;
		}

		pages = area->pages;
		area->pages = NULL;
		interval_tree_remove(&area->node, &iopt->area_itree);
		up_write(&iopt->iova_rwsem);

		iopt_area_unfill_domains(iopt, area, pages);
		kfree(area);
		iopt_put_pages(pages);
		unmapped_bytes += area_last - area_first + 1;

		down_write(&iopt->iova_rwsem);
		if (area_last >= last)
			break;
		start = area_last + 1;
	}
	up_write(&iopt->iova_rwsem);
	up_read(&iopt->domains_rwsem);
out_unmapped:
	if (unmapped)
		*unmapped = unmapped_bytes;
	return rc;
}

int iopt_unmap_iova(struct io_pagetable *iopt, unsigned long iova,
		    unsigned long length, unsigned long *unmapped)
{
	unsigned long last;

	if (!length)
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	return iopt_unmap_range(iopt, iova, last, unmapped);
}

int iopt_unmap_all(struct io_pagetable *iopt, unsigned long *unmapped)
{
	return iopt_unmap_range(iopt, 0, ULONG_MAX, unmapped);
}

/*
 * Cut @area after @iova: it keeps [start, iova] and a new area takes
 * [iova + 1, last], sharing the pages and the domains' mappings.
 */
static int iopt_area_split(struct iopt_area *area, unsigned long iova)
{
	unsigned long first = iopt_area_iova(area);
	unsigned long last = iopt_area_last_iova(area);
	struct io_pagetable *iopt = area->iopt;
	struct iopt_pages *pages = area->pages;
	unsigned long lhs_last_index, rhs_byte;
	struct iopt_area *rhs;
	int rc;

	lockdep_assert_held_write(&iopt->iova_rwsem);

	if (iova == last)
		return 0;
	/* Being created, or being unmapped while accesses let go */
	if (!pages || area->prevent_access)
		return -EBUSY;
	/* Revoke tracks dma-buf mappings per area: they stay whole */
	if (iopt_pages_is_dmabuf(pages))
		return -EOPNOTSUPP;
	/* Accesses pin through the area as a whole */
	if (atomic_read(&area->num_accesses))
		return -EINVAL;
	/* A domain may hold a large entry across the cut */
	if (area->domain_pinned && !iopt->disable_large_pages)
		return -EINVAL;

	/* Byte offset of the new area's start, from the first page of pages */
	rhs_byte = area->pages_node.start * PAGE_SIZE + area->page_offset +
		   (iova + 1 - first);
	if ((iova + 1) & (iopt->iova_alignment - 1) ||
	    rhs_byte & (iopt->iova_alignment - 1))
		return -EINVAL;
	lhs_last_index = (rhs_byte - 1) / PAGE_SIZE;

	rhs = kzalloc(sizeof(*rhs), GFP_KERNEL_ACCOUNT);
	if (!rhs)
		return -ENOMEM;
	/* Each half will drop its own claim on the pages when unmapped */
	if (area->domain_pinned) {
		rc = iopt_pages_split_pin(pages, area->pages_node.start,
					  area->pages_node.last,
					  lhs_last_index, rhs_byte / PAGE_SIZE);
		if (rc) {
			kfree(rhs);
			return rc;
		}
	}

	rhs->node.start = iova + 1;
	rhs->node.last = last;
	rhs->pages_node.start = rhs_byte / PAGE_SIZE;
	rhs->pages_node.last = area->pages_node.last;
	rhs->iopt = iopt;
	rhs->page_offset = offset_in_page(rhs_byte);
	rhs->iommu_prot = area->iommu_prot;
	rhs->domain_pinned = area->domain_pinned;
	kref_get(&pages->kref);
	rhs->pages = pages;

	/* Interval tree nodes cannot change their range in place */
	interval_tree_remove(&area->node, &iopt->area_itree);
	area->node.last = iova;
	area->pages_node.last = lhs_last_index;
	interval_tree_insert(&area->node, &iopt->area_itree);
	interval_tree_insert(&rhs->node, &iopt->area_itree);
	return 0;
}

/**
 * iopt_cut_iova() - split the areas that cross given IOVAs
 * @iopt: the table
 * @iovas: each is the last IOVA of one piece; the area containing it, if
 *	   any, is split after it
 * @num_iovas: the number of entries in @iovas
 *
 * Afterwards a range ending at one cut and starting after another can be
 * unmapped even if it was part of a larger mapping (VFIO type1 semantics).
 * Nothing is unmapped or remapped: the pieces share the pages and the
 * domains' entries, which is only safe when the domains hold no large
 * entries, so areas mapped into domains are only split while large pages
 * are off.
 *
 * Return: 0; -EINVAL for a cut that is not at the IOVA alignment, inside an
 * area pinned by an access, or inside an area domains may map with large
 * pages; -EBUSY for an area being created or unmapped; -ENOMEM. The cuts
 * before a failing one stay.
 */
int iopt_cut_iova(struct io_pagetable *iopt, const unsigned long *iovas,
		  unsigned int num_iovas)
{
	unsigned int i;
	int rc = 0;

	down_write(&iopt->iova_rwsem);
	for (i = 0; i != num_iovas; i++) {
		struct iopt_area *area;

		area = iopt_area_iter_first(iopt, iovas[i], iovas[i]);
		if (!area)
			continue;
		rc = iopt_area_split(area, iovas[i]);
		if (rc)
			break;
	}
	up_write(&iopt->iova_rwsem);
	return rc;
}

/**
 * iopt_set_allow_iova() - replace the allowed IOVA ranges
 * @iopt: the table
 * @allowed_iova: the new ranges; receives the old ones, for the caller to
 *		  free, on success, and keeps the new ones on failure
 *
 * Return: 0, or -EADDRINUSE when a new range covers reserved IOVA.
 */
int iopt_set_allow_iova(struct io_pagetable *iopt,
			struct rb_root_cached *allowed_iova)
{
	struct interval_tree_node *node;

	down_write(&iopt->iova_rwsem);
	for (node = interval_tree_iter_first(allowed_iova, 0, ULONG_MAX); node;
	     node = interval_tree_iter_next(node, 0, ULONG_MAX)) {
		if (interval_tree_iter_first(&iopt->reserved_itree, node->start,
					     node->last)) {
			up_write(&iopt->iova_rwsem);
			return -EADDRINUSE;
		}
	}
	swap(*allowed_iova, iopt->allowed_itree);
	up_write(&iopt->iova_rwsem);
	return 0;
}

static int iopt_reserve_iova_locked(struct io_pagetable *iopt,
				    unsigned long start, unsigned long last,
				    void *owner)
{
	struct iopt_reserved *reserved;

	lockdep_assert_held_write(&iopt->iova_rwsem);

	if (start > last)
		return -EINVAL;
	if (interval_tree_iter_first(&iopt->area_itree, start, last) ||
	    interval_tree_iter_first(&iopt->allowed_itree, start, last))
		return -EADDRINUSE;

	reserved = kzalloc(sizeof(*reserved), GFP_KERNEL_ACCOUNT);
	if (!reserved)
		return -ENOMEM;
	reserved->node.start = start;
	reserved->node.last = last;
	reserved->owner = owner;
	interval_tree_insert(&reserved->node, &iopt->reserved_itree);
	return 0;
}

/**
 * iopt_reserve_iova() - keep [start, last] out of every mapping
 * @iopt: the table
 * @start: first reserved IOVA
 * @last: last reserved IOVA, inclusive
 * @owner: tag used to remove the range again
 *
 * Return: 0; -EADDRINUSE if the range is mapped or allowed; -ENOMEM.
 */
int iopt_reserve_iova(struct io_pagetable *iopt, unsigned long start,
		      unsigned long last, void *owner)
{
	int rc;

	down_write(&iopt->iova_rwsem);
	rc = iopt_reserve_iova_locked(iopt, start, last, owner);
	up_write(&iopt->iova_rwsem);
	return rc;
}

static void iopt_remove_reserved_iova_locked(struct io_pagetable *iopt,
					     void *owner)
{
	struct interval_tree_node *node, *next;

	lockdep_assert_held_write(&iopt->iova_rwsem);

	node = interval_tree_iter_first(&iopt->reserved_itree, 0, ULONG_MAX);
	while (node) {
		struct iopt_reserved *reserved =
			container_of(node, struct iopt_reserved, node);

		next = interval_tree_iter_next(node, 0, ULONG_MAX);
		if (reserved->owner == owner) {
			interval_tree_remove(node, &iopt->reserved_itree);
			kfree(reserved);
		}
		node = next;
	}
}

/* Drop every reserved range tagged with @owner. */
void iopt_remove_reserved_iova(struct io_pagetable *iopt, void *owner)
{
	down_write(&iopt->iova_rwsem);
	iopt_remove_reserved_iova_locked(iopt, owner);
	up_write(&iopt->iova_rwsem);
}

/* Every area must start, end and sit in its first page at @align */
static int iopt_check_alignment(struct io_pagetable *iopt, unsigned long align)
{
	struct iopt_area *area;

	for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX)) {
		if ((iopt_area_iova(area) | iopt_area_length(area) |
		     area->page_offset) & (align - 1))
			return -EADDRINUSE;
	}
	return 0;
}

/*
 * The alignment every mapping needs: PAGE_SIZE when IOMMU mappings are
 * limited to single pages or something pins pages, at least every domain's
 * smallest page, 1 otherwise. Raising
 * it fails with EADDRINUSE if an existing area does not comply.
 */
static int iopt_update_alignment(struct io_pagetable *iopt)
{
	struct emu_domain *domain;
	unsigned long align = 1;
	unsigned long index;
	int rc;

	lockdep_assert_held_write(&iopt->iova_rwsem);

	if (iopt->disable_large_pages || iopt->pinning_accesses)
		align = PAGE_SIZE;
	xa_for_each(&iopt->domains, index, domain)
		align = max(align, domain->min_pgsize);
	if (align > iopt->iova_alignment) {
		rc = iopt_check_alignment(iopt, align);
		if (rc)
			return rc;
	}
	iopt->iova_alignment = align;
	return 0;
}

/**
 * iopt_set_large_pages() - IOMMU_OPTION_HUGE_PAGES
 * @iopt: the table
 * @enable: allow IOMMU mappings larger than PAGE_SIZE
 *
 * Turning large pages off makes PAGE_SIZE the IOVA alignment. With no IOMMU
 * domain attached yet this only records the choice; domains created later
 * honour it.
 *
 * Return: 0; -EADDRINUSE when an existing mapping is not page aligned;
 * -EINVAL when domains already map the IOAS's areas.
 */
int iopt_set_large_pages(struct io_pagetable *iopt, bool enable)
{
	int rc = 0;

	down_write(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);
	/* Domains already hold their mappings: they cannot change size */
	if (!enable && !iopt->disable_large_pages &&
	    !xa_empty(&iopt->domains) &&
	    !RB_EMPTY_ROOT(&iopt->area_itree.rb_root)) {
		rc = -EINVAL;
		goto out_unlock;
	}
	WRITE_ONCE(iopt->disable_large_pages, !enable);
	rc = iopt_update_alignment(iopt);
	if (rc)
		WRITE_ONCE(iopt->disable_large_pages, enable);
out_unlock:
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
	return rc;
}

/**
 * iopt_add_pinning_access() - an access that pins pages starts using @iopt
 * @iopt: the table
 *
 * Return: 0, or -EADDRINUSE when an existing mapping is not page aligned.
 */
int iopt_add_pinning_access(struct io_pagetable *iopt)
{
	int rc;

	down_write(&iopt->iova_rwsem);
	iopt->pinning_accesses++;
	rc = iopt_update_alignment(iopt);
	if (rc)
		iopt->pinning_accesses--;
	up_write(&iopt->iova_rwsem);
	return rc;
}

/* Lowering the alignment cannot fail. */
void iopt_remove_pinning_access(struct io_pagetable *iopt)
{
	down_write(&iopt->iova_rwsem);
	iopt->pinning_accesses--;
	WARN_ON(iopt_update_alignment(iopt));
	up_write(&iopt->iova_rwsem);
}

/* Reserve what lies outside the domain's aperture, tagged with the domain */
static int iopt_reserve_aperture(struct io_pagetable *iopt,
				 struct emu_domain *domain)
{
	int rc;

	if (domain->aperture_start) {
		rc = iopt_reserve_iova_locked(iopt, 0, domain->aperture_start - 1,
					      domain);
		if (rc)
			return rc;
	}
	if (domain->aperture_end != ULONG_MAX) {
		rc = iopt_reserve_iova_locked(iopt, domain->aperture_end + 1,
					      ULONG_MAX, domain);
		if (rc)
			return rc;
	}
	return 0;
}

/**
 * iopt_table_add_domain() - make a domain mirror the IOAS
 * @iopt: the table
 * @domain: a paging domain nobody uses yet
 *
 * Every existing area is pinned and mapped into @domain; IOVA outside the
 * domain's aperture becomes reserved; the IOVA alignment grows to the
 * domain's smallest page.
 *
 * Return: 0; -EINVAL for a domain whose smallest page exceeds PAGE_SIZE;
 * -EADDRINUSE when existing areas are misaligned or outside the aperture;
 * pinning and mapping errors. On failure nothing changed.
 */
int iopt_table_add_domain(struct io_pagetable *iopt, struct emu_domain *domain)
{
	struct iopt_area *area, *failed = NULL;
	bool first;
	u32 index;
	int rc;

	down_write(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);
	first = xa_empty(&iopt->domains);
	if (domain->min_pgsize > PAGE_SIZE) {
		rc = -EINVAL;
		goto out_unlock;
	}
	if (domain->min_pgsize > iopt->iova_alignment) {
		rc = iopt_check_alignment(iopt, domain->min_pgsize);
		if (rc)
			goto out_unlock;
	}
	rc = iopt_reserve_aperture(iopt, domain);
	if (rc)
		goto out_reserved;
	rc = xa_alloc(&iopt->domains, &index, XA_ZERO_ENTRY, xa_limit_32b,
		      GFP_KERNEL_ACCOUNT);
	if (rc)
		goto out_reserved;

	for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX)) {
		/* Areas still being created are filled by their creator */
		if (!area->pages)
			continue;
		if (!area->domain_pinned) {
			rc = iopt_area_pin(area, area->pages);
			if (rc) {
				failed = area;
				goto out_unfill;
			}
		}
		rc = iopt_area_fill_one(area, area->pages, domain);
		if (rc) {
			if (!area->domain_pinned)
				iopt_area_unpin(area, area->pages);
			failed = area;
			goto out_unfill;
		}
		area->domain_pinned = true;
	}

	xa_store(&iopt->domains, index, domain, GFP_KERNEL);
	WARN_ON(iopt_update_alignment(iopt));
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
	return 0;

out_unfill:
	for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area != failed;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX)) {
		if (!area->pages)
			continue;
		iopt_area_unfill_one(area, area->pages, domain);
		/* Pinned only for this domain if no other domain exists */
		if (first) {
			iopt_area_unpin(area, area->pages);
			area->domain_pinned = false;
		}
	}
	xa_release(&iopt->domains, index);
out_reserved:
	iopt_remove_reserved_iova_locked(iopt, domain);
out_unlock:
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
	return rc;
}

/**
 * iopt_table_remove_domain() - stop mirroring the IOAS into a domain
 * @iopt: the table
 * @domain: a domain added with iopt_table_add_domain(), no longer attached
 *
 * Cannot fail. When the last domain goes the areas are unpinned.
 */
void iopt_table_remove_domain(struct io_pagetable *iopt,
			      struct emu_domain *domain)
{
	struct emu_domain *iter;
	struct iopt_area *area;
	unsigned long index;
	bool last;

	down_write(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);
	xa_for_each(&iopt->domains, index, iter) {
		if (iter == domain)
			break;
	}
	if (WARN_ON(iter != domain))
		goto out_unlock;
	xa_erase(&iopt->domains, index);
	last = xa_empty(&iopt->domains);

	for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX)) {
		if (!area->pages || !area->domain_pinned)
			continue;
		iopt_area_unfill_one(area, area->pages, domain);
		if (last) {
			iopt_area_unpin(area, area->pages);
			area->domain_pinned = false;
		}
	}
	iopt_remove_reserved_iova_locked(iopt, domain);
	WARN_ON(iopt_update_alignment(iopt));
out_unlock:
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
}

/**
 * iopt_set_dirty_tracking() - start or stop recording DMA writes
 * @iopt: the table @domain mirrors
 * @domain: one of its domains
 * @enable: start (true) or stop
 *
 * Starting forgets whatever the domain recorded before, so the first
 * report only shows writes made while tracking was on.
 *
 * Return: 0; -EOPNOTSUPP when @domain was not allocated for dirty tracking;
 * the driver's error.
 */
int iopt_set_dirty_tracking(struct io_pagetable *iopt,
			    struct emu_domain *domain, bool enable)
{
	struct iopt_area *area;
	int rc = 0;

	if (!emu_domain_can_track_dirty(domain))
		return -EOPNOTSUPP;

	down_read(&iopt->iova_rwsem);
	for (area = iopt_area_iter_first(iopt, 0, ULONG_MAX); area && enable;
	     area = iopt_area_iter_next(area, 0, ULONG_MAX)) {
		if (!area->pages)
			continue;
		rc = emu_domain_read_and_clear_dirty(domain,
						     iopt_area_iova(area),
						     iopt_area_length(area),
						     true, NULL);
		if (rc)
			goto out_unlock;
	}
	rc = emu_domain_set_dirty_tracking(domain, enable);
out_unlock:
	up_read(&iopt->iova_rwsem);
	return rc;
}

/*
 * IOMMU_HWPT_GET_DIRTY_BITMAP's range checks, in upstream's order: the
 * range must be non-empty, must not wrap, and must start and end on both
 * the IOAS's alignment and @page_size.
 */
static int iopt_check_dirty_range(struct io_pagetable *iopt, u64 iova,
				  u64 last, u64 page_size)
{
	lockdep_assert_held(&iopt->iova_rwsem);

	if ((iova | (last + 1)) & (iopt->iova_alignment - 1))
		return -EINVAL;
	if (!page_size || ((iova | (last + 1)) & (page_size - 1)))
		return -EINVAL;
	return 0;
}

/**
 * iopt_read_and_clear_dirty() - report the pages DMA wrote into a bitmap
 * @iopt: the table @domain mirrors
 * @domain: one of its domains
 * @iova: first IOVA of the range
 * @length: bytes in the range
 * @page_size: bytes each bit of the bitmap stands for
 * @data: user address of the bitmap
 * @clear: forget what is reported
 *
 * Walks the mapped areas of the range under the IOVA lock, so mappings
 * cannot come or go meanwhile; holes cannot be dirty and are passed over.
 * Bits are set in the user's bitmap, never cleared.
 *
 * Return: 0; -EINVAL for an empty or misaligned range; -EOVERFLOW for one
 * that wraps; -EOPNOTSUPP when @domain does not track dirty pages;
 * -ENOMEM; -EFAULT when the bitmap cannot be written (what was reported
 * before stays reported, the rest stays recorded).
 */
int iopt_read_and_clear_dirty(struct io_pagetable *iopt,
			      struct emu_domain *domain, u64 iova, u64 length,
			      u64 page_size, u64 data, bool clear)
{
	struct iommufd_dirty_bitmap *db;
	struct iopt_area *area;
	u64 last;
	int rc;

	if (!length)
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;

	down_read(&iopt->iova_rwsem);
	rc = iopt_check_dirty_range(iopt, iova, last, page_size);
	if (rc)
		goto out_unlock;
	if (!emu_domain_can_track_dirty(domain)) {
		rc = -EOPNOTSUPP;
		goto out_unlock;
	}
	/*
	 * As upstream, a page_size that is no power of two passes the checks
	 * above only when aligned to its lowest set bit, which is what each
	 * bit then stands for.
	 */
	db = iommufd_dirty_bitmap_alloc(data, iova, last, __ffs64(page_size));
	if (IS_ERR(db)) {
		rc = PTR_ERR(db);
		goto out_unlock;
	}

	for (area = iopt_area_iter_first(iopt, iova, last); area;
	     area = iopt_area_iter_next(area, iova, last)) {
		unsigned long start = max_t(u64, iova, iopt_area_iova(area));
		unsigned long end = min_t(u64, last,
					  iopt_area_last_iova(area));

		if (!area->pages)
			continue;
		rc = emu_domain_read_and_clear_dirty(domain, start,
						     end - start + 1, clear,
						     iommufd_dirty_bitmap_report(db));
		if (rc)
			break;
	}
	iommufd_dirty_bitmap_free(db);
out_unlock:
	up_read(&iopt->iova_rwsem);
	return rc;
}
