// SPDX-License-Identifier: GPL-2.0
/*
 * The page pinning engine.
 *
 * An iopt_pages describes a run of user virtual memory or of a shmem file.
 * Areas in one or more IOAS point at slices of it; IOAS_COPY makes a second
 * area point at the same iopt_pages, so memory is never pinned twice.
 *
 * Pages are pinned lazily: only when somebody needs the physical pages (an
 * in-kernel access, or the IOMMU domains mirroring an IOAS) does a range get
 * pinned. Each such need is recorded as an iopt_pin in holders_itree; the
 * invariant is that an index is pinned, and present in pinned_pfns, exactly
 * when at least one holder covers it. Pinning fills the uncovered holes in
 * large batches; unpinning releases what no other holder still covers and
 * never allocates, so it cannot fail.
 *
 * dma-buf memory is different: the exporter keeps it in place for as long
 * as iommufd's attachment holds its pin, so nothing is pinned page by page
 * and nothing is charged. Domains map it straight from its physical
 * address; the exporter may revoke it at any time, which unmaps it from
 * every domain at once (see iopt_dmabuf_move_notify()). Locking: the
 * dma-buf's reservation lock is taken outside iopt_pages::mutex, and never
 * inside the io_pagetable locks other than while the last reference of an
 * iopt_pages is dropped, which holds no iopt_pages::mutex.
 */
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/highmem.h>
#include <linux/magic.h>
#include <linux/sched/mm.h>
#include <linux/sched/user.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "iommufd_private.h"
#include "../iommu/emu_iommu.h"

/* Upper bound of one pinning call; a page worth of pointers is plenty. */
#define PIN_BATCH_MAX	(PAGE_SIZE / sizeof(struct page *))
/* Release batch kept on the stack so that unpinning needs no memory */
#define UNPIN_BATCH	32

static struct iopt_pages *iopt_alloc_pages(struct iommufd_ctx *ictx,
					   unsigned long start_byte,
					   unsigned long length, bool writable)
{
	struct iopt_pages *pages;

	/* DIV_ROUND_UP below and the IOMMU's size_t lengths must not wrap */
	if (length == 0 || length > SIZE_MAX - PAGE_SIZE)
		return ERR_PTR(-EINVAL);

	pages = kzalloc(sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		return ERR_PTR(-ENOMEM);

	kref_init(&pages->kref);
	mutex_init(&pages->mutex);
	xa_init_flags(&pages->pinned_pfns, XA_FLAGS_ACCOUNT);
	pages->holders_itree = RB_ROOT_CACHED;
	INIT_LIST_HEAD(&pages->dmabuf_maps);
	pages->npages = DIV_ROUND_UP(length + start_byte, PAGE_SIZE);
	pages->writable = writable;

	if (capable(CAP_IPC_LOCK))
		pages->account_mode = IOPT_PAGES_ACCOUNT_NONE;
	else if (ictx->account_mode == IOPT_PAGES_ACCOUNT_MM)
		pages->account_mode = IOPT_PAGES_ACCOUNT_MM;
	else
		pages->account_mode = IOPT_PAGES_ACCOUNT_USER;

	pages->source_mm = current->mm;
	mmgrab(pages->source_mm);
	pages->source_task = current->group_leader;
	get_task_struct(pages->source_task);
	pages->source_user = get_uid(current_user());
	return pages;
}

struct iopt_pages *iopt_alloc_user_pages(struct iommufd_ctx *ictx,
					 void __user *uptr,
					 unsigned long length, bool writable)
{
	unsigned long addr = (unsigned long)uptr;
	struct iopt_pages *pages;
	unsigned long end;

	if (check_add_overflow(addr, length, &end))
		return ERR_PTR(-EOVERFLOW);

	pages = iopt_alloc_pages(ictx, offset_in_page(addr), length, writable);
	if (IS_ERR(pages))
		return pages;
	pages->type = IOPT_ADDRESS_USER;
	pages->uptr = (void __user *)PAGE_ALIGN_DOWN(addr);
	return pages;
}

struct iopt_pages *iopt_alloc_file_pages(struct iommufd_ctx *ictx,
					 struct file *file, unsigned long start,
					 unsigned long length, bool writable)
{
	struct iopt_pages *pages;
	unsigned long last;

	if (!length)
		return ERR_PTR(-EINVAL);
	if (check_add_overflow(start, length - 1, &last))
		return ERR_PTR(-EOVERFLOW);

	/*
	 * Like upstream, the kind of file and the range are only checked
	 * when pages are first pinned. Writing through the IOMMU into a file
	 * opened read-only is refused right away.
	 */
	if (writable && !(file->f_mode & FMODE_WRITE))
		return ERR_PTR(-EPERM);

	pages = iopt_alloc_pages(ictx, offset_in_page(start), length, writable);
	if (IS_ERR(pages))
		return pages;
	pages->type = IOPT_ADDRESS_FILE;
	pages->file = get_file(file);
	pages->start = PAGE_ALIGN_DOWN(start);
	return pages;
}

/*
 * The exporter moves or revokes the memory, with the reservation lock held.
 * iommufd cannot follow a move, so any notification is a revoke for good:
 * every domain mapping goes now, the areas stay until userspace unmaps them,
 * and domains attached later skip them.
 */
static void iopt_dmabuf_move_notify(struct dma_buf_attachment *attach)
{
	struct iopt_pages *pages = attach->importer_priv;
	struct iopt_dmabuf_map *map, *tmp;

	mutex_lock(&pages->mutex);
	list_for_each_entry_safe(map, tmp, &pages->dmabuf_maps, node) {
		emu_domain_unmap(map->domain, iopt_area_iova(map->area),
				 iopt_area_length(map->area));
		list_del(&map->node);
		kfree(map);
	}
	pages->dmabuf_revoked = true;
	mutex_unlock(&pages->mutex);
}

static const struct dma_buf_attach_ops iopt_dmabuf_importer_ops = {
	.move_notify = iopt_dmabuf_move_notify,
};

/* Attach, pin and learn where the memory is; on failure nothing is held */
static int iopt_dmabuf_attach(struct iopt_pages *pages, struct dma_buf *dmabuf,
			      unsigned long start, unsigned long length)
{
	struct dma_buf_attachment *attach;
	phys_addr_t phys;
	size_t len;
	int rc;

	attach = dma_buf_dynamic_attach(dmabuf, iommufd_global_device(),
					&iopt_dmabuf_importer_ops, pages);
	if (IS_ERR(attach))
		return PTR_ERR(attach);

	dma_resv_lock(dmabuf->resv, NULL);
	rc = dma_buf_pin(attach);
	if (rc)
		goto err_unlock;
	rc = iommufd_test_dmabuf_phys(dmabuf, &phys, &len);
	if (rc)
		goto err_unpin;
	/* The exporter's idea of the size must agree with the dma-buf's */
	if (WARN_ON(len < start + length)) {
		rc = -EINVAL;
		goto err_unpin;
	}
	pages->dmabuf_phys = phys + pages->start;
	dma_resv_unlock(dmabuf->resv);
	pages->attach = attach;
	return 0;

err_unpin:
	dma_buf_unpin(attach);
err_unlock:
	dma_resv_unlock(dmabuf->resv);
	dma_buf_detach(dmabuf, attach);
	return rc;
}

/**
 * iopt_alloc_dmabuf_pages() - describe a slice of a dma-buf
 * @ictx: the context
 * @dmabuf: the buffer; on success the new iopt_pages owns this reference
 * @start: byte offset of the slice in the buffer
 * @length: bytes, non-zero
 * @writable: the memory may be written through the IOMMU
 *
 * Return: the pages; -EINVAL for a slice that does not fit in the buffer;
 * -EOPNOTSUPP for a dma-buf of an exporter iommufd cannot map; -ENODEV
 * while the buffer is revoked; -ENOMEM.
 */
struct iopt_pages *iopt_alloc_dmabuf_pages(struct iommufd_ctx *ictx,
					   struct dma_buf *dmabuf,
					   unsigned long start,
					   unsigned long length, bool writable)
{
	/* Taken inside the reservation lock: keep it apart from mmap_lock */
	static struct lock_class_key dmabuf_mutex_key;
	struct iopt_pages *pages;
	int rc;

	if (!length || start >= dmabuf->size || length > dmabuf->size - start)
		return ERR_PTR(-EINVAL);

	pages = iopt_alloc_pages(ictx, offset_in_page(start), length, writable);
	if (IS_ERR(pages))
		return pages;
	lockdep_set_class(&pages->mutex, &dmabuf_mutex_key);
	/* The exporter owns and pins the memory: nothing to charge */
	pages->account_mode = IOPT_PAGES_ACCOUNT_NONE;
	pages->type = IOPT_ADDRESS_DMABUF;
	pages->start = PAGE_ALIGN_DOWN(start);

	rc = iopt_dmabuf_attach(pages, dmabuf, start, length);
	if (rc) {
		iopt_put_pages(pages);
		return ERR_PTR(rc);
	}
	return pages;
}

static void iopt_release_pages(struct kref *kref)
{
	struct iopt_pages *pages = container_of(kref, struct iopt_pages, kref);

	WARN_ON(pages->npinned);
	WARN_ON(!RB_EMPTY_ROOT(&pages->holders_itree.rb_root));
	if (pages->attach) {
		struct dma_buf *dmabuf = pages->attach->dmabuf;

		WARN_ON(!list_empty(&pages->dmabuf_maps));
		dma_resv_lock(dmabuf->resv, NULL);
		dma_buf_unpin(pages->attach);
		dma_resv_unlock(dmabuf->resv);
		dma_buf_detach(dmabuf, pages->attach);
		dma_buf_put(dmabuf);
	}
	if (pages->file)
		fput(pages->file);
	mmdrop(pages->source_mm);
	put_task_struct(pages->source_task);
	free_uid(pages->source_user);
	xa_destroy(&pages->pinned_pfns);
	mutex_destroy(&pages->mutex);
	kfree(pages);
}

void iopt_put_pages(struct iopt_pages *pages)
{
	kref_put(&pages->kref, iopt_release_pages);
}

/* Per-user accounting, as io_uring does it */
static int incr_user_locked_vm(struct iopt_pages *pages, unsigned long npages)
{
	unsigned long limit = task_rlimit(pages->source_task, RLIMIT_MEMLOCK) >>
			      PAGE_SHIFT;
	unsigned long cur = atomic_long_read(&pages->source_user->locked_vm);

	do {
		if (cur + npages > limit || cur + npages < cur)
			return -ENOMEM;
	} while (!atomic_long_try_cmpxchg(&pages->source_user->locked_vm, &cur,
					  cur + npages));
	return 0;
}

static void decr_user_locked_vm(struct iopt_pages *pages, unsigned long npages)
{
	if (WARN_ON(atomic_long_read(&pages->source_user->locked_vm) < npages))
		return;
	atomic_long_sub(npages, &pages->source_user->locked_vm);
}

/* Per-mm accounting, as VFIO type1 does it */
static int update_mm_locked_vm(struct iopt_pages *pages, unsigned long npages,
			       bool inc)
{
	int rc;

	/* Nothing to charge to an address space that is gone */
	if (!mmget_not_zero(pages->source_mm))
		return inc ? -EFAULT : 0;

	mmap_write_lock(pages->source_mm);
	rc = __account_locked_vm(pages->source_mm, npages, inc,
				 pages->source_task, false);
	mmap_write_unlock(pages->source_mm);
	mmput(pages->source_mm);
	return rc;
}

/**
 * iopt_pages_update_pinned() - charge or uncharge pinned pages
 * @pages: whose owner is charged
 * @npages: number of pages
 * @inc: charge when true, uncharge when false
 *
 * Uses the accounting mode of @pages and always keeps the owner's
 * mm->pinned_vm (VmPin) in step.
 *
 * Return: 0, or -ENOMEM when RLIMIT_MEMLOCK would be exceeded.
 */
int iopt_pages_update_pinned(struct iopt_pages *pages, unsigned long npages,
			     bool inc)
{
	int rc = 0;

	switch (pages->account_mode) {
	case IOPT_PAGES_ACCOUNT_NONE:
		break;
	case IOPT_PAGES_ACCOUNT_USER:
		if (inc)
			rc = incr_user_locked_vm(pages, npages);
		else
			decr_user_locked_vm(pages, npages);
		break;
	case IOPT_PAGES_ACCOUNT_MM:
		rc = update_mm_locked_vm(pages, npages, inc);
		break;
	}
	if (rc)
		return rc;

	if (inc)
		atomic64_add(npages, &pages->source_mm->pinned_vm);
	else
		atomic64_sub(npages, &pages->source_mm->pinned_vm);
	return 0;
}

/* Move ownership of the memory to the calling process (CHANGE_PROCESS). */
void iopt_pages_change_owner(struct iopt_pages *pages)
{
	struct task_struct *old_task = pages->source_task;
	struct user_struct *old_user = pages->source_user;
	struct mm_struct *old_mm = pages->source_mm;

	pages->source_mm = current->mm;
	mmgrab(pages->source_mm);
	mmdrop(old_mm);

	pages->source_task = current->group_leader;
	get_task_struct(pages->source_task);
	put_task_struct(old_task);

	pages->source_user = get_uid(current_user());
	free_uid(old_user);
}

static long pin_user_batch(struct iopt_pages *pages, unsigned long index,
			   unsigned long npages, struct page **out)
{
	unsigned long addr = (unsigned long)pages->uptr + index * PAGE_SIZE;
	unsigned int flags = FOLL_LONGTERM;
	int locked = 1;
	long rc;

	if (pages->writable)
		flags |= FOLL_WRITE;

	if (current->mm == pages->source_mm && !compat_pin_checks_vma(flags))
		return pin_user_pages_fast(addr, npages, flags, out);

	/* The mapping process may have exited: its memory is gone */
	if (!mmget_not_zero(pages->source_mm))
		return -EFAULT;
	mmap_read_lock(pages->source_mm);
	npages = compat_ro_longterm_pin_flags_locked(pages->source_mm, addr,
						     npages, &flags);
	rc = compat_pin_user_pages_remote(pages->source_mm, addr, npages, flags,
					  out, &locked);
	if (locked)
		mmap_read_unlock(pages->source_mm);
	mmput(pages->source_mm);
	return rc;
}

/* hugetlbfs: only pages that exist already (fallocate()d or faulted in) */
static long pin_hugetlb_batch(struct iopt_pages *pages, pgoff_t first,
			      unsigned long npages, struct page **out)
{
	struct address_space *mapping = pages->file->f_mapping;
	unsigned long i;

	for (i = 0; i != npages; i++) {
		pgoff_t pgoff = first + i;
		pgoff_t index = compat_hugetlb_cache_index(mapping->host, pgoff);
		struct folio *folio;

		folio = compat_filemap_get_folio(mapping, index);
		if (!folio) {
			if (i)
				break;
			return -EFAULT;
		}
		/* The lookup's folio reference becomes the pin */
		out[i] = folio_page(folio, pgoff & (folio_nr_pages(folio) - 1));
		compat_file_page_pin(out[i]);
	}
	return i;
}

static long pin_file_batch(struct iopt_pages *pages, unsigned long index,
			   unsigned long npages, struct page **out)
{
	struct address_space *mapping = pages->file->f_mapping;
	pgoff_t first = (pages->start >> PAGE_SHIFT) + index;
	unsigned long i;

	/*
	 * Only shmem and hugetlbfs pages stay put while referenced (what
	 * upstream's memfd_pin_folios() accepts); other files fail here.
	 */
	if (mapping->host->i_sb->s_magic == HUGETLBFS_MAGIC)
		return pin_hugetlb_batch(pages, first, npages, out);
	if (!shmem_mapping(mapping))
		return -EINVAL;

	for (i = 0; i != npages; i++) {
		struct page *page;

		/* Allocates missing pages; fails past the end of the file */
		page = shmem_read_mapping_page(mapping, first + i);
		if (IS_ERR(page)) {
			if (i)
				break;
			return PTR_ERR(page);
		}
		compat_file_page_pin(page);
		out[i] = page;
	}
	return i;
}

static void release_batch(struct iopt_pages *pages, struct page **batch,
			  unsigned long npages)
{
	unsigned long i;

	if (pages->type == IOPT_ADDRESS_USER) {
		unpin_user_pages_dirty_lock(batch, npages, pages->writable);
		return;
	}
	for (i = 0; i != npages; i++)
		compat_file_page_unpin(batch[i], pages->writable);
}

/* Release every pinned index in [first, last]; never fails. */
static void unpin_range(struct iopt_pages *pages, unsigned long first,
			unsigned long last)
{
	struct page *batch[UNPIN_BATCH];
	unsigned long index;
	unsigned long n = 0;
	unsigned long total = 0;

	for (index = first; index <= last; index++) {
		batch[n++] = xa_erase(&pages->pinned_pfns, index);
		if (WARN_ON(!batch[n - 1])) {
			n--;
		} else if (n == UNPIN_BATCH) {
			release_batch(pages, batch, n);
			total += n;
			n = 0;
		}
		if (index == ULONG_MAX)
			break;
	}
	release_batch(pages, batch, n);
	total += n;

	pages->npinned -= total;
	iopt_pages_update_pinned(pages, total, false);
	pages->last_npinned = pages->npinned;
}

/*
 * Pin [first, last], none of which is pinned yet. On failure whatever was
 * pinned here is released again and the error returned.
 */
static int pin_range(struct iopt_pages *pages, unsigned long first,
		     unsigned long last, struct page **batch,
		     unsigned long batch_len)
{
	unsigned long index = first;
	int rc = 0;

	while (index <= last) {
		unsigned long want = min(last - index + 1, batch_len);
		unsigned long i;
		long got;

		if (pages->type == IOPT_ADDRESS_USER)
			got = pin_user_batch(pages, index, want, batch);
		else
			got = pin_file_batch(pages, index, want, batch);
		if (got <= 0) {
			rc = got ? got : -EFAULT;
			break;
		}

		rc = iopt_pages_update_pinned(pages, got, true);
		if (rc) {
			release_batch(pages, batch, got);
			break;
		}
		pages->npinned += got;
		pages->last_npinned = pages->npinned;

		for (i = 0; i != got; i++) {
			rc = xa_err(xa_store(&pages->pinned_pfns, index + i,
					     batch[i], GFP_KERNEL_ACCOUNT));
			if (rc)
				break;
		}
		if (rc) {
			/* Give back the tail that did not make it into the xarray */
			release_batch(pages, batch + i, got - i);
			pages->npinned -= got - i;
			iopt_pages_update_pinned(pages, got - i, false);
			pages->last_npinned = pages->npinned;
			index += i;
			break;
		}
		index += got;
	}

	if (rc && index != first)
		unpin_range(pages, first, index - 1);
	return rc;
}

/* Release the indexes of [first, last] that no holder covers any more. */
static void unpin_uncovered(struct iopt_pages *pages, unsigned long first,
			    unsigned long last)
{
	struct interval_tree_span_iter span;

	interval_tree_for_each_span(&span, &pages->holders_itree, first, last) {
		if (span.is_hole)
			unpin_range(pages, span.start_hole, span.last_hole);
	}
}

/**
 * iopt_pages_pin() - make sure page indexes [first, last] stay pinned
 * @pages: the memory
 * @first: first page index
 * @last: last page index, inclusive
 *
 * Each successful call must be paired with iopt_pages_unpin() of the same
 * range. Pages already pinned for somebody else are shared.
 *
 * Return: 0, -EFAULT if the memory is not there, -ENOMEM past RLIMIT_MEMLOCK
 * or when out of memory, or an error from the page cache.
 */
int iopt_pages_pin(struct iopt_pages *pages, unsigned long first,
		   unsigned long last)
{
	struct page *small_batch[UNPIN_BATCH];
	struct interval_tree_span_iter span;
	unsigned long batch_len = UNPIN_BATCH;
	struct page **batch = small_batch;
	struct iopt_pin *pin;
	int rc = 0;

	/* dma-buf memory has no struct pages to hand out */
	if (WARN_ON(first > last || last >= pages->npages) ||
	    iopt_pages_is_dmabuf(pages))
		return -EINVAL;

	pin = kzalloc(sizeof(*pin), GFP_KERNEL_ACCOUNT);
	if (!pin)
		return -ENOMEM;
	pin->node.start = first;
	pin->node.last = last;

	if (last - first + 1 > UNPIN_BATCH) {
		batch_len = min(last - first + 1, PIN_BATCH_MAX);
		batch = kmalloc_array(batch_len, sizeof(*batch), GFP_KERNEL);
		if (!batch) {
			batch = small_batch;
			batch_len = UNPIN_BATCH;
		}
	}

	mutex_lock(&pages->mutex);
	interval_tree_for_each_span(&span, &pages->holders_itree, first, last) {
		if (!span.is_hole)
			continue;
		rc = pin_range(pages, span.start_hole, span.last_hole, batch,
			       batch_len);
		if (rc) {
			/* Undo the holes filled before this one */
			if (span.start_hole != first)
				unpin_uncovered(pages, first,
						span.start_hole - 1);
			break;
		}
	}
	if (!rc)
		interval_tree_insert(&pin->node, &pages->holders_itree);
	mutex_unlock(&pages->mutex);

	if (batch != small_batch)
		kfree(batch);
	if (rc)
		kfree(pin);
	return rc;
}

/**
 * iopt_pages_unpin() - drop a claim taken by iopt_pages_pin()
 * @pages: the memory
 * @first: first page index, as given to iopt_pages_pin()
 * @last: last page index, as given to iopt_pages_pin()
 *
 * Pages no other claim covers are unpinned and uncharged.
 */
void iopt_pages_unpin(struct iopt_pages *pages, unsigned long first,
		      unsigned long last)
{
	struct interval_tree_node *node;

	mutex_lock(&pages->mutex);
	for (node = interval_tree_iter_first(&pages->holders_itree, first, last);
	     node; node = interval_tree_iter_next(node, first, last)) {
		if (node->start == first && node->last == last)
			break;
	}
	if (WARN_ON(!node)) {
		mutex_unlock(&pages->mutex);
		return;
	}
	interval_tree_remove(node, &pages->holders_itree);
	unpin_uncovered(pages, first, last);
	mutex_unlock(&pages->mutex);
	kfree(container_of(node, struct iopt_pin, node));
}

/**
 * iopt_pages_split_pin() - turn one claim into two that cover the same pages
 * @pages: the memory
 * @first: first page index of a claim taken by iopt_pages_pin()
 * @last: its last page index
 * @lhs_last: last index of the first new claim, [@first, @lhs_last]
 * @rhs_first: first index of the second, [@rhs_first, @last]
 *
 * For an area that is cut in two: each half later drops its own claim.
 * The halves share a page when the cut is inside one, and never leave a
 * gap, so nothing is pinned or unpinned here.
 *
 * Return: 0, -ENOMEM, or -EINVAL for ranges that do not fit the claim.
 */
int iopt_pages_split_pin(struct iopt_pages *pages, unsigned long first,
			 unsigned long last, unsigned long lhs_last,
			 unsigned long rhs_first)
{
	struct interval_tree_node *node;
	struct iopt_pin *rhs;

	if (WARN_ON(lhs_last < first || rhs_first > last ||
		    rhs_first < lhs_last || rhs_first > lhs_last + 1))
		return -EINVAL;

	rhs = kzalloc(sizeof(*rhs), GFP_KERNEL_ACCOUNT);
	if (!rhs)
		return -ENOMEM;
	rhs->node.start = rhs_first;
	rhs->node.last = last;

	mutex_lock(&pages->mutex);
	for (node = interval_tree_iter_first(&pages->holders_itree, first, last);
	     node; node = interval_tree_iter_next(node, first, last)) {
		if (node->start == first && node->last == last)
			break;
	}
	if (WARN_ON(!node)) {
		mutex_unlock(&pages->mutex);
		kfree(rhs);
		return -EINVAL;
	}
	/* The tree is keyed on the range: take the node out to shrink it */
	interval_tree_remove(node, &pages->holders_itree);
	node->last = lhs_last;
	interval_tree_insert(node, &pages->holders_itree);
	interval_tree_insert(&rhs->node, &pages->holders_itree);
	mutex_unlock(&pages->mutex);
	return 0;
}

/**
 * iopt_pages_page() - the page at a pinned index
 * @pages: the memory
 * @index: a page index the caller holds pinned
 *
 * Return: the page; NULL if @index is not pinned (a caller bug).
 */
struct page *iopt_pages_page(struct iopt_pages *pages, unsigned long index)
{
	return xa_load(&pages->pinned_pfns, index);
}
