// SPDX-License-Identifier: GPL-2.0
/*
 * Memory an object lets userspace mmap() from the iommufd file.
 *
 * An object (a vIOMMU whose hardware exposes a page, say) registers a
 * region and hands userspace the offset to pass to mmap(). Each region gets
 * its own range of page offsets, handed out upwards and never reused, so an
 * offset from a destroyed object cannot reach a newer one. Only the exact
 * region may be mapped, whole and shared. Every mapping holds a users
 * reference on the owner, so the owner cannot be destroyed (EBUSY) and the
 * memory cannot go away while userspace still sees it.
 *
 * Emulated "hardware" is ordinary kernel memory that the emulation reads
 * with the CPU, so regions are mapped cacheable, unlike real MMIO.
 */
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "iommufd_private.h"

/**
 * struct iommufd_mmap - one region userspace may map
 * @owner: the object that registered it
 * @pa: physical address of its first byte
 * @length: bytes, a multiple of PAGE_SIZE
 * @pgoff: page offset userspace names it by
 */
struct iommufd_mmap {
	struct iommufd_object *owner;
	phys_addr_t pa;
	size_t length;
	unsigned long pgoff;
};

/**
 * iommufd_mmap_add() - let userspace map memory of an object
 * @ictx: the context
 * @owner: the object; the region must be removed before it is destroyed
 * @pa: physical address, page aligned
 * @length: bytes, a non-zero multiple of PAGE_SIZE
 * @offset: receives the offset to pass to mmap()
 *
 * Return: 0; -EINVAL for an unaligned region; -ENOSPC when the context ran
 * out of offsets; -ENOMEM.
 */
int iommufd_mmap_add(struct iommufd_ctx *ictx, struct iommufd_object *owner,
		     phys_addr_t pa, size_t length, unsigned long *offset)
{
	unsigned long npages = length >> PAGE_SHIFT;
	struct iommufd_mmap *immap;
	unsigned long pgoff;
	int rc;

	if (!PAGE_ALIGNED(pa) || !length || !PAGE_ALIGNED(length))
		return -EINVAL;

	immap = kzalloc(sizeof(*immap), GFP_KERNEL_ACCOUNT);
	if (!immap)
		return -ENOMEM;
	immap->owner = owner;
	immap->pa = pa;
	immap->length = length;

	mutex_lock(&ictx->mmap_lock);
	/* Offset 0 names nothing, so a forgotten offset cannot map anything */
	pgoff = max(ictx->mmap_next_pgoff, 1UL);
	/* The byte offset userspace gets must fit an unsigned long too */
	if (pgoff > (ULONG_MAX >> PAGE_SHIFT) - npages) {
		rc = -ENOSPC;
		goto out_unlock;
	}
	immap->pgoff = pgoff;
	rc = xa_insert(&ictx->mmaps, pgoff, immap, GFP_KERNEL_ACCOUNT);
	if (rc)
		goto out_unlock;
	ictx->mmap_next_pgoff = pgoff + npages;
	*offset = pgoff << PAGE_SHIFT;
out_unlock:
	mutex_unlock(&ictx->mmap_lock);
	if (rc)
		kfree(immap);
	return rc;
}

/**
 * iommufd_mmap_remove() - withdraw a region from iommufd_mmap_add()
 * @ictx: the context
 * @owner: the object that added it
 * @offset: the offset iommufd_mmap_add() returned
 *
 * No mapping of the region is left: each would hold a reference on @owner.
 */
void iommufd_mmap_remove(struct iommufd_ctx *ictx,
			 struct iommufd_object *owner, unsigned long offset)
{
	struct iommufd_mmap *immap;

	mutex_lock(&ictx->mmap_lock);
	immap = xa_erase(&ictx->mmaps, offset >> PAGE_SHIFT);
	mutex_unlock(&ictx->mmap_lock);
	WARN_ON(!immap || immap->owner != owner);
	kfree(immap);
}

/* A mapping is copied (fork) or split: the new piece holds its own ref */
static void iommufd_vma_open(struct vm_area_struct *vma)
{
	struct iommufd_mmap *immap = vma->vm_private_data;

	refcount_inc(&immap->owner->users);
}

static void iommufd_vma_close(struct vm_area_struct *vma)
{
	struct iommufd_ctx *ictx = vma->vm_file->private_data;
	struct iommufd_mmap *immap = vma->vm_private_data;

	iommufd_object_put_user(ictx, immap->owner);
}

static const struct vm_operations_struct iommufd_vm_ops = {
	.open = iommufd_vma_open,
	.close = iommufd_vma_close,
};

/**
 * iommufd_fops_mmap() - map a region an object registered
 * @filp: the iommufd file
 * @vma: the new mapping; its page offset names the region
 *
 * Return: 0; -EINVAL for a private mapping; -EPERM for an executable one;
 * -ENXIO when the offset and length are not exactly those of a region of a
 * live object; errors of remap_pfn_range().
 */
int iommufd_fops_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct iommufd_ctx *ictx = filp->private_data;
	unsigned long length = vma->vm_end - vma->vm_start;
	struct iommufd_mmap *immap;
	int rc;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;

	/* The lock keeps the region, and so its owner, from going away */
	mutex_lock(&ictx->mmap_lock);
	immap = xa_load(&ictx->mmaps, vma->vm_pgoff);
	if (!immap || immap->length != length ||
	    !iommufd_object_try_get(ictx, immap->owner)) {
		mutex_unlock(&ictx->mmap_lock);
		return -ENXIO;
	}
	mutex_unlock(&ictx->mmap_lock);

	rc = remap_pfn_range(vma, vma->vm_start, PHYS_PFN(immap->pa), length,
			     vma->vm_page_prot);
	if (rc) {
		/* A failed mmap() never calls close: drop the reference here */
		iommufd_object_put_user(ictx, immap->owner);
		return rc;
	}
	vma->vm_private_data = immap;
	vma->vm_ops = &iommufd_vm_ops;
	return 0;
}
