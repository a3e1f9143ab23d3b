// SPDX-License-Identifier: GPL-2.0
/*
 * A dma-buf exporter for the test command: IOMMU_TEST_OP_DMABUF_GET hands
 * out a buffer of ordinary kernel RAM, IOMMU_TEST_OP_DMABUF_REVOKE takes it
 * away from (and gives it back to) importers.
 *
 * The exporter is dynamic (it has pin/unpin callbacks) so that the dma-buf
 * core never builds a cached sg_table for iommufd's dynamic attachment: the
 * IOAS code asks for the physical range through iommufd_test_dmabuf_phys()
 * instead, the only dma-buf memory it understands. The buffer can also be
 * mmap()ed, which lets tests compare the IOMMU's translation with the CPU's.
 */
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/fcntl.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/iommufd.h>
#include <linux/iommufd_test.h>

#include "iommufd_private.h"

/* The dma-buf core's API lives in its own symbol namespace */
MODULE_IMPORT_NS(DMA_BUF);

/* Largest test buffer, in pages; keeps the allocation one buddy block */
#define TEST_DMABUF_MAX_PAGES	512

/**
 * struct test_dmabuf - private data of one exported test buffer
 * @memory: page-aligned, physically contiguous, zeroed RAM
 * @length: its size, a multiple of PAGE_SIZE
 * @revoked: importers may not use the memory; protected by the dma-buf's
 *	     reservation lock
 */
struct test_dmabuf {
	void *memory;
	size_t length;
	bool revoked;
};

/* The memory never moves: pinning it has nothing to do */
static int test_dmabuf_pin(struct dma_buf_attachment *attach)
{
	return 0;
}

static void test_dmabuf_unpin(struct dma_buf_attachment *attach)
{
}

/* No DMA API mapping is offered: iommufd reads the physical range itself */
static struct sg_table *test_dmabuf_map(struct dma_buf_attachment *attach,
					enum dma_data_direction dir)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static void test_dmabuf_unmap(struct dma_buf_attachment *attach,
			      struct sg_table *sgt,
			      enum dma_data_direction dir)
{
}

/* Insert the buffer's own pages so that GUP on the mapping finds them */
static int test_dmabuf_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct test_dmabuf *tbuf = dmabuf->priv;
	unsigned long offset = vma->vm_pgoff << PAGE_SHIFT;
	unsigned long addr;
	int rc;

	/* The dma-buf core has already checked the range against the size */
	for (addr = vma->vm_start; addr != vma->vm_end; addr += PAGE_SIZE) {
		rc = vm_insert_page(vma, addr,
				    virt_to_page(tbuf->memory + offset));
		if (rc)
			return rc;
		offset += PAGE_SIZE;
	}
	return 0;
}

static void test_dmabuf_release(struct dma_buf *dmabuf)
{
	struct test_dmabuf *tbuf = dmabuf->priv;

	free_pages_exact(tbuf->memory, tbuf->length);
	kfree(tbuf);
}

static const struct dma_buf_ops test_dmabuf_ops = {
	.pin = test_dmabuf_pin,
	.unpin = test_dmabuf_unpin,
	.map_dma_buf = test_dmabuf_map,
	.unmap_dma_buf = test_dmabuf_unmap,
	.mmap = test_dmabuf_mmap,
	.release = test_dmabuf_release,
};

/**
 * iommufd_test_dmabuf_phys() - physical memory behind a dma-buf
 * @dmabuf: the buffer; its reservation lock must be held
 * @phys: receives the physical address of its first byte
 * @len: receives its length in bytes
 *
 * Only buffers of the test exporter are understood: their memory is RAM
 * and physically contiguous.
 *
 * Return: 0; -EOPNOTSUPP for any other exporter; -ENODEV while the buffer
 * is revoked.
 */
int iommufd_test_dmabuf_phys(struct dma_buf *dmabuf, phys_addr_t *phys,
			     size_t *len)
{
	struct test_dmabuf *tbuf = dmabuf->priv;

	dma_resv_assert_held(dmabuf->resv);

	if (dmabuf->ops != &test_dmabuf_ops)
		return -EOPNOTSUPP;
	if (tbuf->revoked)
		return -ENODEV;
	*phys = virt_to_phys(tbuf->memory);
	*len = tbuf->length;
	return 0;
}

/**
 * iommufd_test_dmabuf_get() - IOMMU_TEST_OP_DMABUF_GET
 * @length: requested size, rounded up to whole pages
 * @open_flags: O_CLOEXEC, O_NONBLOCK and an access mode for the new fd
 *
 * Return: the new dma-buf fd; -EINVAL for a size of zero or above 512
 * pages or for other flags; -ENOMEM; errors of fd allocation.
 */
int iommufd_test_dmabuf_get(u32 length, u32 open_flags)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct test_dmabuf *tbuf;
	struct dma_buf *dmabuf;
	size_t size;
	int rc;

	size = PAGE_ALIGN((size_t)length);
	if (!size || size > TEST_DMABUF_MAX_PAGES * PAGE_SIZE)
		return -EINVAL;
	if (open_flags & ~(O_CLOEXEC | O_NONBLOCK | O_ACCMODE))
		return -EINVAL;

	tbuf = kzalloc(sizeof(*tbuf), GFP_KERNEL_ACCOUNT);
	if (!tbuf)
		return -ENOMEM;
	tbuf->length = size;
	/* Split, individually refcounted pages, as vm_insert_page() wants */
	tbuf->memory = alloc_pages_exact(size, GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!tbuf->memory) {
		rc = -ENOMEM;
		goto err_free_tbuf;
	}

	exp_info.ops = &test_dmabuf_ops;
	exp_info.size = size;
	exp_info.flags = open_flags;
	exp_info.priv = tbuf;
	dmabuf = dma_buf_export(&exp_info);
	if (IS_ERR(dmabuf)) {
		rc = PTR_ERR(dmabuf);
		goto err_free_memory;
	}

	rc = dma_buf_fd(dmabuf, open_flags);
	/* From here on the release callback frees tbuf */
	if (rc < 0)
		dma_buf_put(dmabuf);
	return rc;

err_free_memory:
	free_pages_exact(tbuf->memory, size);
err_free_tbuf:
	kfree(tbuf);
	return rc;
}

/**
 * iommufd_test_dmabuf_revoke() - IOMMU_TEST_OP_DMABUF_REVOKE
 * @fd: a dma-buf fd from iommufd_test_dmabuf_get()
 * @revoked: take the memory away when true, give it back when false
 *
 * Either way importers are told that the memory moved, so every existing
 * importer loses it for good; only new imports see a restored buffer.
 *
 * Return: 0; -EBADF or -EINVAL for an fd that is not a dma-buf;
 * -EOPNOTSUPP for a dma-buf of another exporter.
 */
int iommufd_test_dmabuf_revoke(int fd, bool revoked)
{
	struct test_dmabuf *tbuf;
	struct dma_buf *dmabuf;
	int rc = 0;

	dmabuf = dma_buf_get(fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	if (dmabuf->ops != &test_dmabuf_ops) {
		rc = -EOPNOTSUPP;
		goto out_put;
	}

	tbuf = dmabuf->priv;
	dma_resv_lock(dmabuf->resv, NULL);
	tbuf->revoked = revoked;
	dma_buf_move_notify(dmabuf);
	dma_resv_unlock(dmabuf->resv);
out_put:
	dma_buf_put(dmabuf);
	return rc;
}
