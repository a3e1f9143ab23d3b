// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated Intel VT-d: nested translation (a guest's first-stage tables
 * over a nest-parent second stage), the IOTLB that caches it, and the
 * first-stage invalidations userspace forwards.
 *
 * A nested domain stands for a scalable-mode PASID-table entry in nested
 * mode: the guest's first-stage table pointer, address width and flags,
 * with its own domain ID. Translation walks the guest's x86 tables, each
 * table address translated through the parent's second stage, checks the
 * present, write and user bits of every level, sets accessed (and
 * extended-accessed) and dirty bits in guest memory as the hardware does,
 * then translates the output through the second stage. DMA requests are
 * user (not supervisor) requests: the emulated DMA has no way to ask for
 * supervisor privilege, so SRE and WPE are accepted but never exercised.
 *
 * The result goes into the instance's IOTLB, tagged with the domain ID and
 * the PASID of the request, and is used until the guest invalidates it:
 * a guest editing a present entry without invalidating keeps the old
 * translation, as on hardware. An unmap of the parent flushes every entry
 * of its nested domains before the pages are released.
 *
 * Lock order: a nested domain's dma_lock (the core holds it for read
 * around a DMA, this file for write around an invalidation) -> its
 * parent's dma_lock (read, for the walk and the copy; the core's unmap
 * holds it for write) -> vtd_nest_lock -> the IOTLB's lock.
 */
#include <linux/err.h>
#include <linux/iommu.h>
#include <linux/iommufd.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "vtd.h"

/* Permissions of an IOTLB entry: write only once the dirty bit is set */
#define VTD_TLB_READ		BIT(0)
#define VTD_TLB_WRITE		BIT(1)

/* Widest address a first-stage entry holds */
#define VTD_FS_MAX_OAS		52U

#define VTD_S1_FLAGS \
	(IOMMU_VTD_S1_SRE | IOMMU_VTD_S1_EAFE | IOMMU_VTD_S1_WPE)

/**
 * struct vtd_nested - a nested domain (PASID-table entry in nested mode)
 * @domain: what the IOMMU core sees
 * @vtd: the instance (a reference)
 * @parent: the second stage, kept alive by the HWPT layer
 * @s1: the guest's first-stage walk: its table pointer (a guest physical
 *	address), width and walk flags
 * @did: its domain ID, the IOTLB tag of its translations
 * @node: entry in the parent's struct vtd_children
 */
struct vtd_nested {
	struct emu_domain domain;
	struct vtd_iommu *vtd;
	struct emu_hw_domain *parent;
	struct emu_pt_walk_cfg s1;
	u32 did;
	struct list_head node;
};

/**
 * struct vtd_children - the nested domains of one parent
 * @list: struct vtd_nested::node
 *
 * Hangs off the parent's drv_priv while it has nested domains.
 */
struct vtd_children {
	struct list_head list;
};

/* Guards every parent's drv_priv and struct vtd_children */
static DEFINE_MUTEX(vtd_nest_lock);

static const struct emu_domain_ops vtd_nested_ops;

static struct vtd_nested *to_vtd_nested(struct emu_domain *domain)
{
	return container_of(domain, struct vtd_nested, domain);
}

/*
 * Where a guest physical address of a first-stage table lives: the walk
 * of the second stage, which needs read permission, or write permission
 * to update accessed and dirty bits.
 */
static u64 *vtd_s2_desc(struct emu_hw_domain *parent, u64 table,
			unsigned int index, unsigned int access)
{
	struct emu_pt_walk_result res;

	if (emu_hw_domain_walk(parent, table + 8ULL * index, access, &res))
		return NULL;
	return phys_to_virt(res.oa);
}

static int vtd_s2_read_desc(void *ctx, u64 table, unsigned int index,
			    u64 *desc)
{
	u64 *p = vtd_s2_desc(ctx, table, index, EMU_PT_ACCESS_READ);

	if (!p)
		return -EFAULT;
	*desc = READ_ONCE(*p);
	return 0;
}

static int vtd_s2_update_desc(void *ctx, u64 table, unsigned int index,
			      u64 old, u64 new)
{
	u64 *p = vtd_s2_desc(ctx, table, index, EMU_PT_ACCESS_WRITE);

	if (!p)
		return -EFAULT;
	return cmpxchg64(p, old, new) == old ? 0 : -EAGAIN;
}

/* First-stage tables are guest memory, reached through the second stage */
static const struct emu_pt_walk_ops vtd_s2_ops = {
	.read_desc = vtd_s2_read_desc,
	.update_desc = vtd_s2_update_desc,
};

/*
 * Both stages for one address: the host physical address, the size of
 * the page or block the two leaves have in common and the IOTLB
 * permissions; -EAGAIN for a first-stage fault that a page request may
 * fix (an entry not present, or without the write or user permission the
 * request needs) when the domain has a fault handler, else -EIO.
 * Second-stage faults are the host's business: always -EIO.
 */
static int vtd_nested_walk(struct vtd_nested *nd, u64 iova,
			   unsigned int access, phys_addr_t *pa, u64 *size,
			   u32 *perm)
{
	struct emu_pt_walk_result s1, s2;

	if (emu_pt_walk(&nd->s1, iova, access, &vtd_s2_ops, nd->parent, &s1) ||
	    s1.fault != EMU_PT_FAULT_NONE) {
		if ((s1.fault == EMU_PT_FAULT_TRANSLATION ||
		     s1.fault == EMU_PT_FAULT_PERMISSION) &&
		    nd->domain.iopf_handler)
			return -EAGAIN;
		return -EIO;
	}
	if (emu_hw_domain_walk(nd->parent, s1.oa, access, &s2))
		return -EIO;
	*pa = s2.oa;
	*size = min(s1.size, s2.size);
	*perm = 0;
	if ((s1.prot & IOMMU_READ) && (s2.prot & IOMMU_READ))
		*perm |= VTD_TLB_READ;
	if ((access & EMU_PT_ACCESS_WRITE) && (s1.prot & IOMMU_WRITE) &&
	    (s2.prot & IOMMU_WRITE))
		*perm |= VTD_TLB_WRITE;
	return 0;
}

/*
 * The IOTLB first, the tables on a miss (or on a write through an entry
 * cached by a read: the dirty bit must be set first). The parent's
 * dma_lock stays held for read until the core has copied the data.
 */
static int vtd_nested_translate(struct emu_domain *domain, struct emu_dev *dev,
				u32 pasid, u64 iova, unsigned int access,
				struct emu_translation *out)
{
	struct vtd_nested *nd = to_vtd_nested(domain);
	struct emu_iotlb *tlb = &nd->vtd->iotlb;
	struct rw_semaphore *s2_lock = &nd->parent->domain.dma_lock;
	unsigned int pt_access = 0;
	struct emu_iotlb_hit hit;
	u32 need = 0;
	u64 gen;
	int rc;

	if (access & EMU_DMA_READ) {
		pt_access |= EMU_PT_ACCESS_READ;
		need |= VTD_TLB_READ;
	}
	if (access & EMU_DMA_WRITE) {
		pt_access |= EMU_PT_ACCESS_WRITE;
		need |= VTD_TLB_WRITE;
	}

	down_read(s2_lock);
	if (emu_iotlb_lookup(tlb, nd->did, pasid, iova, &hit) &&
	    (hit.perm & need) == need) {
		out->pa = hit.pa;
		out->len = hit.size - (iova & (hit.size - 1));
		out->held = s2_lock;
		return 0;
	}
	gen = hit.gen;
	rc = vtd_nested_walk(nd, iova, pt_access, &hit.pa, &hit.size,
			     &hit.perm);
	if (rc) {
		up_read(s2_lock);
		return rc;
	}
	emu_iotlb_insert(tlb, nd->did, pasid, iova, hit.size, hit.pa,
			 hit.perm, gen);
	out->pa = hit.pa;
	out->len = hit.size - (iova & (hit.size - 1));
	out->held = s2_lock;
	return 0;
}

/**
 * vtd_parent_unmapped() - unmap_notify of a nest-parent paging domain
 * @parent: the parent, whose dma_lock is held for write
 * @iova: first unmapped guest physical address
 * @size: bytes
 *
 * Cached translations of its nested domains may lead to the unmapped
 * pages, and those store final addresses only: drop all of them, as a
 * second-stage invalidation by domain does on hardware.
 */
void vtd_parent_unmapped(struct emu_hw_domain *parent, unsigned long iova,
			 size_t size)
{
	struct vtd_children *children;
	struct vtd_nested *nd;

	mutex_lock(&vtd_nest_lock);
	children = parent->drv_priv;
	if (children) {
		list_for_each_entry(nd, &children->list, node)
			emu_iotlb_flush_tag(&nd->vtd->iotlb, nd->did);
	}
	mutex_unlock(&vtd_nest_lock);
}

/* One invalidation entry, checked as upstream checks it */
static int vtd_nested_inv_one(struct vtd_nested *nd,
			      const struct iommu_hwpt_vtd_s1_invalidate *inv)
{
	u64 last;

	if ((inv->flags & ~IOMMU_VTD_INV_FLAGS_LEAF) || inv->__reserved)
		return -EOPNOTSUPP;
	if (!IS_ALIGNED(inv->addr, SZ_4K) ||
	    (inv->npages == U64_MAX && inv->addr))
		return -EINVAL;
	if (!inv->npages)
		return 0;
	/* The leaf hint only narrows what must go: everything cached is leaf */
	if (inv->npages == U64_MAX || inv->npages > (U64_MAX >> 12) ||
	    check_add_overflow(inv->addr, (inv->npages << 12) - 1, &last))
		last = U64_MAX;
	emu_iotlb_flush(&nd->vtd->iotlb, nd->did, EMU_IOTLB_ANY_SPACE,
			inv->addr, last);
	return 0;
}

/*
 * Each entry flushes the domain's translations of its range on every
 * PASID. A DMA that walked the old tables cannot cache its result after
 * the flush: the flush advances the IOTLB's generation.
 */
static int vtd_nested_cache_invalidate_user(struct emu_domain *domain,
					    struct emu_user_array *array)
{
	struct vtd_nested *nd = to_vtd_nested(domain);
	struct iommu_hwpt_vtd_s1_invalidate inv;
	u32 done = 0;
	int rc = 0;

	if (array->type != IOMMU_HWPT_INVALIDATE_DATA_VTD_S1) {
		array->entry_num = 0;
		return -EINVAL;
	}
	for (done = 0; done < array->entry_num; done++) {
		rc = emu_user_array_copy(array, done,
					 IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
					 &inv, sizeof(inv),
					 offsetofend(typeof(inv), __reserved));
		if (!rc)
			rc = vtd_nested_inv_one(nd, &inv);
		if (rc)
			break;
	}
	array->entry_num = done;
	return rc;
}

static void vtd_nested_free(struct emu_domain *domain)
{
	struct vtd_nested *nd = to_vtd_nested(domain);
	struct emu_hw_domain *parent = nd->parent;

	mutex_lock(&vtd_nest_lock);
	list_del(&nd->node);
	if (list_empty(&((struct vtd_children *)parent->drv_priv)->list)) {
		kfree(parent->drv_priv);
		parent->drv_priv = NULL;
	}
	mutex_unlock(&vtd_nest_lock);
	emu_iotlb_flush_tag(&nd->vtd->iotlb, nd->did);
	ida_free(&nd->vtd->dids, nd->did);
	vtd_iommu_put(nd->vtd);
	kfree(nd);
}

static const struct emu_domain_ops vtd_nested_ops = {
	.attach_prepare = emu_hw_attach_prepare,
	.attach_commit = emu_hw_attach_commit,
	.attach_abort = emu_hw_attach_abort,
	.translate = vtd_nested_translate,
	.cache_invalidate_user = vtd_nested_cache_invalidate_user,
	.free = vtd_nested_free,
};

/*
 * The first-stage configuration the instance can honour. Upstream checks
 * width and flags when the domain is first attached; here they are checked
 * at allocation, with the same errno, so that an attach cannot fail for
 * them.
 */
static int vtd_s1_check(const struct emu_hw_caps *caps,
			const struct iommu_hwpt_vtd_s1 *s1)
{
	if (s1->flags & ~VTD_S1_FLAGS || s1->__reserved ||
	    !IS_ALIGNED(s1->pgtbl_addr, SZ_4K))
		return -EINVAL;
	if (s1->addr_width != 48 && s1->addr_width != 57)
		return -EINVAL;
	/* 5-level first-stage paging (CAP.FL5LP) comes with a 57-bit input */
	if (s1->addr_width == 57 && caps->ias != 57)
		return -EINVAL;
	if ((s1->flags & (IOMMU_VTD_S1_SRE | IOMMU_VTD_S1_WPE)) && !caps->sre)
		return -EINVAL;
	if ((s1->flags & IOMMU_VTD_S1_EAFE) && !caps->eafe)
		return -EINVAL;
	return 0;
}

/* Link @nd to its parent, for vtd_parent_unmapped() */
static int vtd_nested_link(struct vtd_nested *nd)
{
	struct emu_hw_domain *parent = nd->parent;
	struct vtd_children *children;

	mutex_lock(&vtd_nest_lock);
	children = parent->drv_priv;
	if (!children) {
		children = kzalloc(sizeof(*children), GFP_KERNEL_ACCOUNT);
		if (!children) {
			mutex_unlock(&vtd_nest_lock);
			return -ENOMEM;
		}
		INIT_LIST_HEAD(&children->list);
		parent->drv_priv = children;
	}
	list_add_tail(&nd->node, &children->list);
	mutex_unlock(&vtd_nest_lock);
	return 0;
}

/**
 * vtd_domain_alloc_nested() - domain_alloc_nested of the emulated VT-d
 * @dev: a device that will use it
 * @parent: a nest-parent paging domain of the instance (the core checked)
 * @flags: EMU_DOMAIN_PASID or 0
 * @data: struct iommu_hwpt_vtd_s1
 *
 * Return: the domain or an ERR_PTR: -EOPNOTSUPP for other flags or data
 * types, -EINVAL for a first stage the instance cannot walk (see
 * vtd_s1_check()), -ENOSPC without a free domain ID, -ENOMEM.
 */
struct emu_domain *vtd_domain_alloc_nested(struct emu_dev *dev,
					   struct emu_domain *parent,
					   u32 flags,
					   const struct emu_user_data *data)
{
	struct vtd_iommu *vtd = to_vtd_iommu(dev->iommu);
	const struct emu_hw_caps *caps = &vtd->hw.caps;
	struct iommu_hwpt_vtd_s1 s1;
	struct vtd_nested *nd;
	int rc;

	if (flags & ~EMU_DOMAIN_PASID ||
	    data->type != IOMMU_HWPT_DATA_VTD_S1)
		return ERR_PTR(-EOPNOTSUPP);
	/* A nest parent exists only with nesting, which needs stage 1 */
	if (!emu_hw_is_paging_domain(parent))
		return ERR_PTR(-EINVAL);
	rc = emu_user_data_copy(data, IOMMU_HWPT_DATA_VTD_S1, &s1, sizeof(s1),
				offsetofend(typeof(s1), __reserved));
	if (rc)
		return ERR_PTR(rc);
	rc = vtd_s1_check(caps, &s1);
	if (rc)
		return ERR_PTR(rc);

	nd = kzalloc(sizeof(*nd), GFP_KERNEL_ACCOUNT);
	if (!nd)
		return ERR_PTR(-ENOMEM);
	rc = ida_alloc_range(&vtd->dids, 1, VTD_DID_MAX, GFP_KERNEL);
	if (rc < 0)
		goto err_free;
	nd->did = rc;
	nd->vtd = vtd;
	nd->parent = to_emu_hw_domain(parent);
	nd->s1 = (struct emu_pt_walk_cfg){
		.fmt = EMU_PT_X86_FS,
		.root = s1.pgtbl_addr,
		.ias = s1.addr_width,
		/*
		 * Table and output addresses are guest physical: at most the
		 * second stage's input width, and x86 entries hold 52 bits
		 */
		.oas = min(nd->parent->wcfg.ias, VTD_FS_MAX_OAS),
		.flags = EMU_PT_WALK_SET_AD,
	};
	if (s1.flags & IOMMU_VTD_S1_EAFE)
		nd->s1.flags |= EMU_PT_WALK_SET_EA;
	if (s1.flags & IOMMU_VTD_S1_WPE)
		nd->s1.flags |= EMU_PT_WALK_WPE;
	if (!caps->fs_1g)
		nd->s1.flags |= EMU_PT_WALK_NO_1G;
	rc = vtd_nested_link(nd);
	if (rc)
		goto err_did;
	kref_get(&vtd->ref);
	nd->domain.ops = &vtd_nested_ops;
	nd->domain.min_pgsize = SZ_4K;
	nd->domain.aperture_start = 0;
	nd->domain.aperture_end = BIT_ULL(s1.addr_width) - 1;
	return &nd->domain;

err_did:
	ida_free(&vtd->dids, nd->did);
err_free:
	kfree(nd);
	return ERR_PTR(rc);
}
