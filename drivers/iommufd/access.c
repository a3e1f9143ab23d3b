// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel users of an IOAS ("accesses"): code that needs the memory
 * behind IOVAs without an IOMMU in between, either by pinning the pages or
 * by copying through the CPU.
 *
 * A pin taken through an area is counted in area->num_accesses. Unmapping
 * such an area first asks every access of the IOAS, through its unmap
 * callback, to drop the pins it holds there, and waits until it has.
 */
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/slab.h>

#include "iommufd_private.h"

/**
 * iommufd_access_create() - become an in-kernel user of an IOAS
 * @ictx: the context the IOAS belongs to
 * @ioas_id: the IOAS
 * @ops: callbacks; @ops->unmap is required to pin pages
 * @data: passed to the callbacks
 *
 * The access holds a reference on the IOAS, so IOMMU_DESTROY of it fails
 * with EBUSY until iommufd_access_destroy().
 *
 * Return: the access, or ERR_PTR(-ENOENT) for a bad id, -EADDRINUSE when
 * a pinning access meets a mapping that is not page aligned, -ENOMEM.
 */
struct iommufd_access *iommufd_access_create(struct iommufd_ctx *ictx,
					     u32 ioas_id,
					     const struct iommufd_access_ops *ops,
					     void *data)
{
	struct iommufd_access *access;
	struct iommufd_ioas *ioas;
	int rc;

	access = kzalloc(sizeof(*access), GFP_KERNEL_ACCOUNT);
	if (!access)
		return ERR_PTR(-ENOMEM);

	ioas = iommufd_get_ioas(ictx, ioas_id);
	if (IS_ERR(ioas)) {
		rc = PTR_ERR(ioas);
		goto out_free;
	}
	if (ops->unmap) {
		rc = iopt_add_pinning_access(&ioas->iopt);
		if (rc)
			goto out_put;
	}
	/* Turn the lookup into a long-lived reference */
	refcount_inc(&ioas->obj.users);
	iommufd_put_object(ictx, &ioas->obj);

	access->ictx = ictx;
	access->ioas = ioas;
	access->ops = ops;
	access->data = data;
	mutex_lock(&ioas->iopt.access_lock);
	list_add_tail(&access->node, &ioas->iopt.access_list);
	mutex_unlock(&ioas->iopt.access_lock);
	return access;

out_put:
	iommufd_put_object(ictx, &ioas->obj);
out_free:
	kfree(access);
	return ERR_PTR(rc);
}

/*
 * Accesses that pin: those that give pins back on request, and internal
 * ones that lock their areas instead. Both need PAGE_SIZE aligned IOVA.
 */
static bool iommufd_access_pins(struct iommufd_access *access)
{
	return access->ops->unmap || access->locks_areas;
}

/* Internal accesses have no callbacks */
static const struct iommufd_access_ops iommufd_access_locking_ops = {};

/**
 * iommufd_access_create_locking() - an internal access that locks areas
 * @ioas: the IOAS; the caller holds a reference on it
 *
 * For state the kernel hands to hardware by physical address (a vIOMMU's
 * queue in guest memory): its pins cannot be revoked, so unmapping an area
 * that holds some fails with EBUSY instead of asking for them back.
 *
 * Return: the access, or ERR_PTR(-EADDRINUSE) when an existing mapping is
 * not page aligned, -ENOMEM.
 */
struct iommufd_access *iommufd_access_create_locking(struct iommufd_ioas *ioas)
{
	struct iommufd_access *access;
	int rc;

	access = kzalloc(sizeof(*access), GFP_KERNEL_ACCOUNT);
	if (!access)
		return ERR_PTR(-ENOMEM);
	rc = iopt_add_pinning_access(&ioas->iopt);
	if (rc) {
		kfree(access);
		return ERR_PTR(rc);
	}
	refcount_inc(&ioas->obj.users);
	access->ioas = ioas;
	access->ops = &iommufd_access_locking_ops;
	access->locks_areas = true;
	mutex_lock(&ioas->iopt.access_lock);
	list_add_tail(&access->node, &ioas->iopt.access_list);
	mutex_unlock(&ioas->iopt.access_lock);
	return access;
}

/**
 * iommufd_access_destroy() - stop using the IOAS
 * @access: the access; it must hold no pins any more
 */
void iommufd_access_destroy(struct iommufd_access *access)
{
	struct io_pagetable *iopt = &access->ioas->iopt;

	mutex_lock(&iopt->access_lock);
	list_del(&access->node);
	mutex_unlock(&iopt->access_lock);
	if (iommufd_access_pins(access))
		iopt_remove_pinning_access(iopt);
	refcount_dec(&access->ioas->obj.users);
	kfree(access);
}

void iommufd_access_notify_unmap(struct io_pagetable *iopt, unsigned long iova,
				 unsigned long length)
{
	struct iommufd_access *access;

	mutex_lock(&iopt->access_lock);
	list_for_each_entry(access, &iopt->access_list, node) {
		if (access->ops->unmap)
			access->ops->unmap(access->data, iova, length);
	}
	mutex_unlock(&iopt->access_lock);
}

/*
 * Walks the areas covering [iova, last] of an IOAS in IOVA order, stopping
 * with -ENOENT at a gap. Callers hold iova_rwsem.
 */
struct area_walk {
	struct io_pagetable *iopt;
	unsigned long iova;
	unsigned long last;
	unsigned long cur;	/* first IOVA of the current piece */
	unsigned long piece_last;
	struct iopt_area *area;
	bool done;		/* the last piece ended at @last */
};

static struct iopt_area *area_walk_check(struct area_walk *walk)
{
	struct iopt_area *area = walk->area;

	if (!area || iopt_area_iova(area) > walk->cur || !area->pages)
		return NULL;
	walk->piece_last = min(walk->last, iopt_area_last_iova(area));
	return area;
}

static struct iopt_area *area_walk_first(struct area_walk *walk,
					 struct io_pagetable *iopt,
					 unsigned long iova, unsigned long last)
{
	walk->iopt = iopt;
	walk->iova = iova;
	walk->last = last;
	walk->cur = iova;
	walk->done = false;
	walk->area = iopt_area_iter_first(iopt, iova, last);
	return area_walk_check(walk);
}

static struct iopt_area *area_walk_next(struct area_walk *walk)
{
	if (walk->piece_last == walk->last) {
		walk->done = true;
		return NULL;
	}
	walk->cur = walk->piece_last + 1;
	walk->area = iopt_area_iter_next(walk->area, walk->iova, walk->last);
	return area_walk_check(walk);
}

/* Did the walk reach the end of the range without a gap? */
static bool area_walk_done(struct area_walk *walk)
{
	return walk->done;
}

static bool area_allows(struct iopt_area *area, bool write)
{
	return area->iommu_prot & (write ? IOMMU_WRITE : IOMMU_READ);
}

static void unpin_walked(struct io_pagetable *iopt, unsigned long iova,
			 unsigned long last, bool locked)
{
	struct area_walk walk;
	struct iopt_area *area;

	for (area = area_walk_first(&walk, iopt, iova, last); area;
	     area = area_walk_next(&walk)) {
		iopt_pages_unpin(area->pages,
				 iopt_area_iova_to_index(area, walk.cur),
				 iopt_area_iova_to_index(area, walk.piece_last));
		if (locked)
			atomic_dec(&area->num_locks);
		atomic_dec(&area->num_accesses);
	}
}

/**
 * iommufd_access_pin_pages() - pin the memory behind an IOVA range
 * @access: the access
 * @iova: first IOVA
 * @length: bytes
 * @out_pages: receives one page pointer per page touched by the range
 * @write: the pages will be written
 *
 * The pins last until iommufd_access_unpin_pages() with the same range, at
 * the latest when the access's unmap callback is told about the range.
 *
 * Return: 0; -EINVAL for a zero length, an area being unmapped, or areas
 * that do not meet at page boundaries; -EOVERFLOW; -ENOENT where nothing
 * is mapped; -EPERM when an area lacks the needed permission; pinning errors.
 */
int iommufd_access_pin_pages(struct iommufd_access *access, unsigned long iova,
			     unsigned long length, struct page **out_pages,
			     bool write)
{
	struct io_pagetable *iopt = &access->ioas->iopt;
	struct area_walk walk;
	struct iopt_area *area;
	unsigned long last;
	int rc = 0;

	/*
	 * Pins must be given back on unmap, or lock their areas; any other
	 * access could never let go of them.
	 */
	if (WARN_ON(!iommufd_access_pins(access)))
		return -EINVAL;
	if (!length)
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;

	down_read(&iopt->iova_rwsem);
	for (area = area_walk_first(&walk, iopt, iova, last); area;
	     area = area_walk_next(&walk)) {
		unsigned long index = iopt_area_iova_to_index(area, walk.cur);
		unsigned long last_index =
			iopt_area_iova_to_index(area, walk.piece_last);
		unsigned long i;

		/* Pages of two areas must not share a struct page slot */
		if (area->prevent_access ||
		    (walk.cur != iova &&
		     offset_in_page(walk.cur - iopt_area_iova(area) +
				    area->page_offset)) ||
		    (walk.piece_last != last &&
		     offset_in_page(walk.piece_last + 1 -
				    iopt_area_iova(area) + area->page_offset))) {
			rc = -EINVAL;
			break;
		}
		if (!area_allows(area, write)) {
			rc = -EPERM;
			break;
		}
		rc = iopt_pages_pin(area->pages, index, last_index);
		if (rc)
			break;
		atomic_inc(&area->num_accesses);
		if (access->locks_areas)
			atomic_inc(&area->num_locks);
		for (i = index; i <= last_index; i++)
			*out_pages++ = iopt_pages_page(area->pages, i);
	}
	if (!rc && !area_walk_done(&walk))
		rc = -ENOENT;
	if (rc && walk.cur != iova)
		unpin_walked(iopt, iova, walk.cur - 1, access->locks_areas);
	up_read(&iopt->iova_rwsem);
	return rc;
}

/**
 * iommufd_access_unpin_pages() - undo iommufd_access_pin_pages()
 * @access: the access
 * @iova: the IOVA given when pinning
 * @length: the length given when pinning
 */
void iommufd_access_unpin_pages(struct iommufd_access *access,
				unsigned long iova, unsigned long length)
{
	struct io_pagetable *iopt = &access->ioas->iopt;
	unsigned long last;

	if (WARN_ON(!length || check_add_overflow(iova, length - 1, &last)))
		return;

	down_read(&iopt->iova_rwsem);
	unpin_walked(iopt, iova, last, access->locks_areas);
	up_read(&iopt->iova_rwsem);
}

/* Copy between @data and bytes [start_byte, +length) of one area's pages */
static int copy_area_bytes(struct iopt_pages *pages, unsigned long start_byte,
			   void *data, unsigned long length, bool write)
{
	unsigned long first = start_byte / PAGE_SIZE;
	unsigned long last = (start_byte + length - 1) / PAGE_SIZE;
	unsigned long index;
	int rc;

	rc = iopt_pages_pin(pages, first, last);
	if (rc)
		return rc;
	for (index = first; index <= last; index++) {
		unsigned long offset = index == first ?
					       offset_in_page(start_byte) : 0;
		unsigned long n = min(length, PAGE_SIZE - offset);
		struct page *page = iopt_pages_page(pages, index);

		if (write)
			memcpy_to_page(page, offset, data, n);
		else
			memcpy_from_page(data, page, offset, n);
		data += n;
		length -= n;
	}
	iopt_pages_unpin(pages, first, last);
	return 0;
}

/**
 * iommufd_access_rw() - CPU copy to or from an IOVA range
 * @access: the access
 * @iova: first IOVA
 * @data: kernel buffer
 * @length: bytes
 * @write: copy @data into the IOVA range instead of out of it
 *
 * Return: 0 or the errors of iommufd_access_pin_pages().
 */
int iommufd_access_rw(struct iommufd_access *access, unsigned long iova,
		      void *data, size_t length, bool write)
{
	struct io_pagetable *iopt = &access->ioas->iopt;
	struct area_walk walk;
	struct iopt_area *area;
	unsigned long last;
	int rc = 0;

	if (!length)
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;

	down_read(&iopt->iova_rwsem);
	for (area = area_walk_first(&walk, iopt, iova, last); area;
	     area = area_walk_next(&walk)) {
		unsigned long bytes = walk.piece_last - walk.cur + 1;
		unsigned long start_byte = walk.cur - iopt_area_iova(area) +
					   area->page_offset +
					   area->pages_node.start * PAGE_SIZE;

		if (area->prevent_access) {
			rc = -EINVAL;
			break;
		}
		if (!area_allows(area, write)) {
			rc = -EPERM;
			break;
		}
		rc = copy_area_bytes(area->pages, start_byte, data, bytes,
				     write);
		if (rc)
			break;
		data += bytes;
	}
	if (!rc && !area_walk_done(&walk))
		rc = -ENOENT;
	up_read(&iopt->iova_rwsem);
	return rc;
}
