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

/*
 * Accesses that pin: those that give pins back on request, and internal
 * ones that lock their areas instead. Both need PAGE_SIZE aligned IOVA.
 */
static bool iommufd_access_pins(struct iommufd_access *access)
{
	return access->ops->unmap || access->locks_areas;
}

/*
 * Pinning accesses force PAGE_SIZE alignment on their IOAS, and every access
 * keeps its IOAS from being destroyed.
 */
static int access_hold_ioas(struct iommufd_access *access,
			    struct iommufd_ioas *ioas)
{
	int rc;

	if (iommufd_access_pins(access)) {
		rc = iopt_add_pinning_access(&ioas->iopt);
		if (rc)
			return rc;
	}
	refcount_inc(&ioas->obj.users);
	return 0;
}

static void access_release_ioas(struct iommufd_access *access,
				struct iommufd_ioas *ioas)
{
	if (iommufd_access_pins(access))
		iopt_remove_pinning_access(&ioas->iopt);
	refcount_dec(&ioas->obj.users);
}

/* Unmaps of @ioas reach the access's callback while it is listed there */
static void access_list_on(struct iommufd_access *access,
			   struct iommufd_ioas *ioas)
{
	mutex_lock(&ioas->iopt.access_lock);
	list_add_tail(&access->node, &ioas->iopt.access_list);
	mutex_unlock(&ioas->iopt.access_lock);
}

static void access_list_off(struct iommufd_access *access,
			    struct iommufd_ioas *ioas)
{
	mutex_lock(&ioas->iopt.access_lock);
	list_del(&access->node);
	mutex_unlock(&ioas->iopt.access_lock);
}

/*
 * What every way of creating an access shares: it starts out on @ioas, on
 * which the caller holds a reference for the duration of the call.
 */
static struct iommufd_access *
access_create(struct iommufd_ctx *ictx, struct iommufd_ioas *ioas,
	      const struct iommufd_access_ops *ops, void *data,
	      bool locks_areas)
{
	struct iommufd_access *access;
	int rc;

	access = kzalloc(sizeof(*access), GFP_KERNEL_ACCOUNT);
	if (!access)
		return ERR_PTR(-ENOMEM);
	access->ictx = ictx;
	access->ops = ops;
	access->data = data;
	access->locks_areas = locks_areas;
	/* Turns the caller's reference into one of the access's own */
	rc = access_hold_ioas(access, ioas);
	if (rc) {
		kfree(access);
		return ERR_PTR(rc);
	}
	mutex_init(&access->ioas_lock);
	access->ioas = ioas;
	access->ioas_unpin = ioas;
	access_list_on(access, ioas);
	return access;
}

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

	ioas = iommufd_get_ioas(ictx, ioas_id);
	if (IS_ERR(ioas))
		return ERR_CAST(ioas);
	access = access_create(ictx, ioas, ops, data, false);
	iommufd_put_object(ictx, &ioas->obj);
	return access;
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
	return access_create(NULL, ioas, &iommufd_access_locking_ops, NULL,
			     true);
}

/**
 * iommufd_access_destroy() - stop using the IOAS
 * @access: the access; it must hold no pins any more
 */
void iommufd_access_destroy(struct iommufd_access *access)
{
	access_list_off(access, access->ioas_unpin);
	access_release_ioas(access, access->ioas_unpin);
	mutex_destroy(&access->ioas_lock);
	kfree(access);
}

/**
 * iommufd_access_replace() - move an access to another IOAS
 * @access: the access
 * @ioas_id: the IOAS it uses from now on
 *
 * Pins the access holds belong to the old IOAS: its unmap callback is told
 * to drop them all first. Meanwhile new pins and copies fail with -ENOENT.
 *
 * Return: 0; -ENOENT for a bad id; -EBUSY while another move is running;
 * -EADDRINUSE when a pinning access meets a mapping of the new IOAS that is
 * not page aligned.
 */
int iommufd_access_replace(struct iommufd_access *access, u32 ioas_id)
{
	struct iommufd_ioas *cur, *new;
	int rc = 0;

	new = iommufd_get_ioas(access->ictx, ioas_id);
	if (IS_ERR(new))
		return PTR_ERR(new);

	/*
	 * Clearing @ioas claims the move and blocks new pins. ioas_lock is
	 * not held across the rest: unmap callbacks run under the IOAS's
	 * access_lock and take ioas_lock when they unpin.
	 */
	mutex_lock(&access->ioas_lock);
	cur = access->ioas;
	if (!cur || cur != access->ioas_unpin)
		rc = -EBUSY;
	else if (cur != new)
		access->ioas = NULL;
	mutex_unlock(&access->ioas_lock);
	if (rc || cur == new)
		goto out_put;

	rc = access_hold_ioas(access, new);
	if (rc) {
		mutex_lock(&access->ioas_lock);
		access->ioas = cur;
		mutex_unlock(&access->ioas_lock);
		goto out_put;
	}
	if (access->ops->unmap)
		access->ops->unmap(access->data, 0, ULONG_MAX);
	access_list_off(access, cur);
	access_list_on(access, new);
	access_release_ioas(access, cur);

	mutex_lock(&access->ioas_lock);
	access->ioas = new;
	access->ioas_unpin = new;
	mutex_unlock(&access->ioas_lock);
out_put:
	iommufd_put_object(access->ictx, &new->obj);
	return rc;
}

/*
 * The IOAS to pin or copy through (or, @for_unpin, the one the pins so far
 * belong to), with a users reference for the caller to drop with
 * refcount_dec(); ERR_PTR(-ENOENT) while the access is being moved.
 */
static struct iommufd_ioas *access_get_ioas(struct iommufd_access *access,
					    bool for_unpin)
{
	struct iommufd_ioas *ioas;

	mutex_lock(&access->ioas_lock);
	ioas = for_unpin ? access->ioas_unpin : access->ioas;
	if (ioas)
		refcount_inc(&ioas->obj.users);
	mutex_unlock(&access->ioas_lock);
	return ioas ?: ERR_PTR(-ENOENT);
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
	struct io_pagetable *iopt;
	struct iommufd_ioas *ioas;
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
	ioas = access_get_ioas(access, false);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);
	iopt = &ioas->iopt;

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
		/* dma-buf memory is for DMA only, like upstream */
		if (iopt_pages_is_dmabuf(area->pages)) {
			rc = -EINVAL;
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
	refcount_dec(&ioas->obj.users);
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
	struct iommufd_ioas *ioas;
	unsigned long last;

	if (WARN_ON(!length || check_add_overflow(iova, length - 1, &last)))
		return;
	ioas = access_get_ioas(access, true);
	if (WARN_ON(IS_ERR(ioas)))
		return;

	down_read(&ioas->iopt.iova_rwsem);
	unpin_walked(&ioas->iopt, iova, last, access->locks_areas);
	up_read(&ioas->iopt.iova_rwsem);
	refcount_dec(&ioas->obj.users);
}

/*
 * The caller's own user memory needs neither pins nor a kernel mapping:
 * copy through its user addresses, as a device model running in the
 * process's context would.
 */
static int copy_user_bytes(struct iopt_pages *pages, unsigned long start_byte,
			   void *data, unsigned long length, bool write)
{
	void __user *uva = pages->uptr + start_byte;
	unsigned long left;

	if (write)
		left = copy_to_user(uva, data, length);
	else
		left = copy_from_user(data, uva, length);
	return left ? -EFAULT : 0;
}

/* Copy between @data and bytes [start_byte, +length) of one area's pages */
static int copy_area_bytes(struct iopt_pages *pages, unsigned long start_byte,
			   void *data, unsigned long length, unsigned int flags)
{
	unsigned long first = start_byte / PAGE_SIZE;
	unsigned long last = (start_byte + length - 1) / PAGE_SIZE;
	bool write = flags & IOMMUFD_ACCESS_RW_WRITE;
	unsigned long index;
	int rc;

	if (pages->type == IOPT_ADDRESS_USER &&
	    !(flags & IOMMUFD_ACCESS_RW_KTHREAD) &&
	    pages->source_mm == current->mm)
		return copy_user_bytes(pages, start_byte, data, length, write);

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
 * @flags: IOMMUFD_ACCESS_RW_WRITE copies @data into the IOVA range instead
 *	   of out of it; IOMMUFD_ACCESS_RW_KTHREAD always goes through pinned
 *	   pages, even for the calling process's own memory
 *
 * Return: 0 or the errors of iommufd_access_pin_pages().
 */
int iommufd_access_rw(struct iommufd_access *access, unsigned long iova,
		      void *data, size_t length, unsigned int flags)
{
	bool write = flags & IOMMUFD_ACCESS_RW_WRITE;
	struct io_pagetable *iopt;
	struct iommufd_ioas *ioas;
	struct area_walk walk;
	struct iopt_area *area;
	unsigned long last;
	int rc = 0;

	if (!length)
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	ioas = access_get_ioas(access, false);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);
	iopt = &ioas->iopt;

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
		if (iopt_pages_is_dmabuf(area->pages)) {
			rc = -EINVAL;
			break;
		}
		rc = copy_area_bytes(area->pages, start_byte, data, bytes,
				     flags);
		if (rc)
			break;
		data += bytes;
	}
	if (!rc && !area_walk_done(&walk))
		rc = -ENOENT;
	up_read(&iopt->iova_rwsem);
	refcount_dec(&ioas->obj.users);
	return rc;
}
