// SPDX-License-Identifier: GPL-2.0
/*
 * One entry point for every emulated IOMMU type: look the type up by name,
 * check a capability set against what that type of hardware can have, and
 * create or destroy an instance registered with the IOMMU core.
 *
 * Also the parts the emulated SMMUv3 and VT-d share: the blocking domain,
 * paging domains on the shared page-table formats, and the per-device
 * record of which domain each PASID of a device uses (what the stream table
 * or context / PASID tables of the hardware would hold).
 *
 * Page-table memory and DMA. An emulated DMA walks a domain's tables under
 * the domain's dma_lock held for read; the IOMMU core holds it for write
 * around ops->unmap, so tables that an unmap frees can be freed at once.
 * Two other paths could free a table under a walk: a map that fails after
 * creating a table (the page-table code drops the empty table) and the
 * undo of a partial map, which the core does without dma_lock. So tables
 * are created with EMU_PGTABLE_DEFER_FREE: dropped tables are parked, and
 * emu_pgtable_reclaim() frees them only with dma_lock held for write (in
 * unmap, in the map failure path below, which undoes the partial map itself
 * and reports nothing mapped, and at free).
 *
 * Lock order: emu_domain::dma_lock -> emu_hw_domain::pt_lock.
 */
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "hw.h"

static const struct emu_hw_driver *const emu_hw_drivers[] = {
	&emu_smmuv3_driver,
	&emu_vtd_driver,
};

static const struct emu_hw_driver *emu_hw_find(const char *type)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(emu_hw_drivers); i++) {
		if (!strcmp(emu_hw_drivers[i]->type, type))
			return emu_hw_drivers[i];
	}
	return NULL;
}

/**
 * emu_hw_default_caps() - the capabilities a new instance of @type starts with
 * @type: hardware type name ("smmuv3", "vtd")
 * @caps: filled in
 *
 * Return: 0, or -EINVAL for an unknown @type (@caps is left alone).
 */
int emu_hw_default_caps(const char *type, struct emu_hw_caps *caps)
{
	const struct emu_hw_driver *drv = emu_hw_find(type);

	if (!drv)
		return -EINVAL;
	*caps = drv->defaults;
	return 0;
}

static bool emu_hw_width_ok(u64 widths, u32 value)
{
	return value < 64 && (widths & BIT_ULL(value));
}

/**
 * emu_hw_check_cap() - can hardware of @type have @value for one capability?
 * @type: hardware type name
 * @cap: which capability
 * @value: the value (0 or 1 for the booleans)
 * @reason: on failure, one line saying what is supported
 *
 * Only the range of the one value is checked; rules that tie several
 * capabilities together are emu_hw_check_caps()'s.
 *
 * Return: 0, or -EINVAL with *@reason set.
 */
int emu_hw_check_cap(const char *type, enum emu_hw_cap cap, u32 value,
		     const char **reason)
{
	const struct emu_hw_driver *drv = emu_hw_find(type);

	if (!drv) {
		*reason = "unknown hardware type";
		return -EINVAL;
	}
	switch (cap) {
	case EMU_HW_CAP_IAS:
		if (!emu_hw_width_ok(drv->ias_widths, value)) {
			*reason = drv->ias_help;
			return -EINVAL;
		}
		return 0;
	case EMU_HW_CAP_OAS:
		if (!emu_hw_width_ok(drv->oas_widths, value)) {
			*reason = drv->oas_help;
			return -EINVAL;
		}
		return 0;
	case EMU_HW_CAP_PASID_BITS:
		if (value > drv->max_pasid_bits) {
			*reason = drv->pasid_help;
			return -EINVAL;
		}
		return 0;
	case EMU_HW_CAP_ASID_BITS:
	case EMU_HW_CAP_VMID_BITS:
		if (drv->id_widths ? !emu_hw_width_ok(drv->id_widths, value) :
				     value != 0) {
			*reason = drv->id_help ?:
				  "only smmuv3 has ASIDs and VMIDs";
			return -EINVAL;
		}
		return 0;
	case EMU_HW_CAP_ATS:
	case EMU_HW_CAP_RIL:
		if (!drv->smmu_features && value) {
			*reason = "only smmuv3 has this capability";
			return -EINVAL;
		}
		fallthrough;
	case EMU_HW_CAP_STAGE1:
	case EMU_HW_CAP_STAGE2:
	case EMU_HW_CAP_NESTING:
		if (value > 1) {
			*reason = "must be 0 or 1";
			return -EINVAL;
		}
		return 0;
	case EMU_HW_CAP_FS_1G:
	case EMU_HW_CAP_SRE:
	case EMU_HW_CAP_EAFE:
	case EMU_HW_CAP_PRS:
	case EMU_HW_CAP_DIRTY_TRACKING:
		if (!drv->vtd_features && value) {
			*reason = "only vtd has this capability";
			return -EINVAL;
		}
		if (value > 1) {
			*reason = "must be 0 or 1";
			return -EINVAL;
		}
		return 0;
	}
	*reason = "unknown capability";
	return -EINVAL;
}

/**
 * emu_hw_check_caps() - can hardware of @type have all of @caps together?
 * @type: hardware type name
 * @caps: the complete set
 * @reason: on failure, one line saying what is wrong
 *
 * Return: 0, or -EINVAL with *@reason set.
 */
int emu_hw_check_caps(const char *type, const struct emu_hw_caps *caps,
		      const char **reason)
{
	int rc;

	rc = emu_hw_check_cap(type, EMU_HW_CAP_IAS, caps->ias, reason);
	if (!rc)
		rc = emu_hw_check_cap(type, EMU_HW_CAP_OAS, caps->oas, reason);
	if (!rc)
		rc = emu_hw_check_cap(type, EMU_HW_CAP_PASID_BITS,
				      caps->pasid_bits, reason);
	if (!rc)
		rc = emu_hw_check_cap(type, EMU_HW_CAP_ASID_BITS,
				      caps->asid_bits, reason);
	if (!rc)
		rc = emu_hw_check_cap(type, EMU_HW_CAP_VMID_BITS,
				      caps->vmid_bits, reason);
	if (!rc)
		rc = emu_hw_check_cap(type, EMU_HW_CAP_ATS, caps->ats, reason);
	if (!rc)
		rc = emu_hw_check_cap(type, EMU_HW_CAP_RIL, caps->ril, reason);
	if (!rc)
		rc = emu_hw_check_cap(type, EMU_HW_CAP_FS_1G, caps->fs_1g, reason);
	if (!rc)
		rc = emu_hw_check_cap(type, EMU_HW_CAP_SRE, caps->sre, reason);
	if (!rc)
		rc = emu_hw_check_cap(type, EMU_HW_CAP_EAFE, caps->eafe, reason);
	if (!rc)
		rc = emu_hw_check_cap(type, EMU_HW_CAP_PRS, caps->prs, reason);
	if (!rc)
		rc = emu_hw_check_cap(type, EMU_HW_CAP_DIRTY_TRACKING,
				      caps->dirty_tracking, reason);
	if (rc)
		return rc;
	if (!caps->stage1 && !caps->stage2) {
		*reason = "needs stage1 or stage2";
		return -EINVAL;
	}
	if (caps->nesting && !(caps->stage1 && caps->stage2)) {
		*reason = "nesting needs both stage1 and stage2";
		return -EINVAL;
	}
	return 0;
}

/**
 * emu_hw_check_dev_id() - can a device on hardware of @type have ID @id?
 * @type: hardware type name
 * @id: StreamID (SMMUv3) or requester ID (VT-d)
 * @reason: on failure, one line saying what is supported
 *
 * Return: 0, or -EINVAL with *@reason set.
 */
int emu_hw_check_dev_id(const char *type, u32 id, const char **reason)
{
	const struct emu_hw_driver *drv = emu_hw_find(type);

	if (!drv) {
		*reason = "unknown hardware type";
		return -EINVAL;
	}
	if (id > drv->max_dev_id) {
		*reason = drv->dev_id_help;
		return -EINVAL;
	}
	return 0;
}

/**
 * struct emu_hw_dev - what the emulated hardware holds for one device
 * @domains: PASID (EMU_NO_PASID for requests without one) -> the paging
 *	     domain it translates through; no entry means blocked
 *
 * Hung off emu_dev::iommu_priv while at least one PASID uses a paging
 * domain, freed when the last one goes back to blocking. Only touched by
 * attach_prepare/commit/abort, which the IOMMU core calls with the lock of
 * a group held: the device's own, or that of a sub-device routed through
 * one of its PASIDs. Creating and freeing the record, and reading it
 * outside commit, is therefore also serialised by emu_hw_dev_lock.
 */
struct emu_hw_dev {
	struct xarray domains;
};

static DEFINE_MUTEX(emu_hw_dev_lock);

static void emu_hw_dev_put_if_empty(struct emu_dev *dev)
{
	struct emu_hw_dev *hdev = dev->iommu_priv;

	lockdep_assert_held(&emu_hw_dev_lock);
	if (hdev && xa_empty(&hdev->domains)) {
		xa_destroy(&hdev->domains);
		kfree(hdev);
		dev->iommu_priv = NULL;
	}
}

/**
 * emu_hw_dev_domain() - the paging domain a device uses on a PASID
 * @dev: the device
 * @pasid: the PASID, or EMU_NO_PASID
 *
 * Context: the caller holds the lock of @dev's group, and emu_hw_dev_lock
 * when @dev may have sub-devices.
 * Return: the domain recorded for @dev and @pasid, or NULL when blocked
 * (or not attached, for a PASID).
 */
struct emu_domain *emu_hw_dev_domain(struct emu_dev *dev, u32 pasid)
{
	struct emu_hw_dev *hdev = dev->iommu_priv;

	return hdev ? xa_load(&hdev->domains, pasid) : NULL;
}

/**
 * emu_hw_dev_pasids_in_use() - does @dev translate any PASID?
 * @dev: the device
 *
 * Context: the caller holds the lock of @dev's group.
 * Return: true when a PASID other than EMU_NO_PASID uses a paging domain.
 */
bool emu_hw_dev_pasids_in_use(struct emu_dev *dev)
{
	unsigned long index = EMU_NO_PASID;
	struct emu_hw_dev *hdev;
	bool in_use;

	mutex_lock(&emu_hw_dev_lock);
	hdev = dev->iommu_priv;
	in_use = hdev && xa_find_after(&hdev->domains, &index, ULONG_MAX,
				       XA_PRESENT);
	mutex_unlock(&emu_hw_dev_lock);
	return in_use;
}

/**
 * emu_hw_dev_forget() - drop the record of @dev's paging domain on @pasid
 * @dev: the device
 * @pasid: the PASID, or EMU_NO_PASID
 *
 * For a driver's own domain's attach_commit: @dev no longer uses the
 * shared paging domain it had there. Never fails.
 *
 * Context: the caller holds the lock of @dev's group.
 */
void emu_hw_dev_forget(struct emu_dev *dev, u32 pasid)
{
	struct emu_hw_dev *hdev;

	mutex_lock(&emu_hw_dev_lock);
	hdev = dev->iommu_priv;
	if (hdev) {
		xa_erase(&hdev->domains, pasid);
		emu_hw_dev_put_if_empty(dev);
	}
	mutex_unlock(&emu_hw_dev_lock);
}

static void emu_hw_dev_attached(struct emu_dev *dev, u32 pasid,
				struct emu_domain *domain)
{
	const struct emu_hw_driver *drv = to_emu_hw_iommu(dev->iommu)->drv;

	if (drv->dev_attached)
		drv->dev_attached(dev, pasid, domain);
}

static int emu_hw_blocked_prepare(struct emu_domain *domain,
				  struct emu_dev *dev, u32 pasid, void **cookie)
{
	*cookie = NULL;
	return 0;
}

/* Blocking a PASID drops its record; nothing to allocate, so no failure */
static void emu_hw_blocked_commit(struct emu_domain *domain,
				  struct emu_dev *dev, u32 pasid, void *cookie)
{
	emu_hw_dev_forget(dev, pasid);
	emu_hw_dev_attached(dev, pasid, domain);
}

static void emu_hw_blocked_abort(struct emu_domain *domain,
				 struct emu_dev *dev, u32 pasid, void *cookie)
{
}

static const struct emu_domain_ops emu_hw_blocked_ops = {
	.attach_prepare = emu_hw_blocked_prepare,
	.attach_commit = emu_hw_blocked_commit,
	.attach_abort = emu_hw_blocked_abort,
};

static void emu_hw_free(struct emu_hw_iommu *hw)
{
	if (hw->drv->alloc)
		hw->drv->free(hw);
	else
		kfree(hw);
}

/**
 * emu_hw_create() - create and register an emulated IOMMU instance
 * @type: hardware type name
 * @name: instance name, for logs and debugfs (copied)
 * @caps: its capabilities; must pass emu_hw_check_caps()
 *
 * Return: the registered instance, or an ERR_PTR: -EINVAL for an unknown
 * type or capabilities the type cannot have, -ENOMEM.
 */
struct emu_iommu *emu_hw_create(const char *type, const char *name,
				const struct emu_hw_caps *caps)
{
	const struct emu_hw_driver *drv = emu_hw_find(type);
	struct emu_hw_iommu *hw;
	const char *reason;
	int rc;

	if (!drv || emu_hw_check_caps(type, caps, &reason))
		return ERR_PTR(-EINVAL);

	if (drv->alloc)
		hw = drv->alloc(caps);
	else
		hw = kzalloc(sizeof(*hw), GFP_KERNEL);
	if (!hw)
		return ERR_PTR(-ENOMEM);
	hw->drv = drv;
	hw->caps = *caps;
	hw->blocked.type = EMU_DOMAIN_BLOCKED;
	hw->blocked.ops = &emu_hw_blocked_ops;
	hw->iommu.ops = drv->ops;
	hw->iommu.blocked_domain = &hw->blocked;
	hw->iommu.max_pasid_log2 = caps->pasid_bits;
	hw->iommu.name = kstrdup(name, GFP_KERNEL);
	if (!hw->iommu.name) {
		rc = -ENOMEM;
		goto err_free;
	}
	rc = emu_iommu_register(&hw->iommu);
	if (rc)
		goto err_free_name;
	return &hw->iommu;

err_free_name:
	kfree(hw->iommu.name);
err_free:
	emu_hw_free(hw);
	return ERR_PTR(rc);
}

/**
 * emu_hw_destroy() - unregister and free an instance from emu_hw_create()
 * @iommu: the instance; no device may still be behind it
 */
void emu_hw_destroy(struct emu_iommu *iommu)
{
	struct emu_hw_iommu *hw = container_of(iommu, struct emu_hw_iommu,
					       iommu);
	const char *name = iommu->name;

	emu_iommu_unregister(iommu);
	emu_hw_free(hw);
	kfree(name);
}

/*
 * The PASID rules, as upstream's iommufd applies them to HWPTs: a PASID
 * needs a device that can issue it and a domain allocated for PASID use,
 * and the device's RID must then be blocked or on such a domain too;
 * conversely the RID cannot move to a domain without PASID support while a
 * PASID is attached.
 *
 * The PASID of a sub-device is the sub-device's RID as far as its user is
 * concerned: any domain may go there, and it does not count as a PASID
 * attachment of the parent.
 */
static int emu_hw_pasid_compat(struct emu_domain *domain, struct emu_dev *dev,
			       u32 pasid)
{
	struct emu_domain *rid_domain = emu_hw_dev_domain(dev, EMU_NO_PASID);
	struct emu_hw_dev *hdev = dev->iommu_priv;
	unsigned long index = EMU_NO_PASID;
	void *entry;

	if (emu_dev_pasid_is_sub(dev, pasid))
		return 0;
	if (pasid == EMU_NO_PASID) {
		if (domain->flags & EMU_DOMAIN_PASID || !hdev)
			return 0;
		xa_for_each_start(&hdev->domains, index, entry, 1) {
			if (!emu_dev_pasid_is_sub(dev, index))
				return -EINVAL;
		}
		return 0;
	}
	if (!dev->pasid_bits || pasid >= BIT(dev->pasid_bits) ||
	    !(domain->flags & EMU_DOMAIN_PASID))
		return -EINVAL;
	if (rid_domain && !(rid_domain->flags & EMU_DOMAIN_PASID))
		return -EINVAL;
	return 0;
}

/**
 * emu_hw_attach_prepare() - attach_prepare for a driver's translating domain
 * @domain: a paging or nested domain of the driver
 * @dev: the device
 * @pasid: the PASID, or EMU_NO_PASID
 * @cookie: set to NULL
 *
 * Checks the PASID rules and allocates what commit needs (the device's
 * record and its slot), so that commit cannot fail. Drivers whose nested
 * domains need nothing more use these three as their attach ops.
 *
 * Return: 0, -EINVAL when the PASID rules forbid it, -ENOMEM.
 */
int emu_hw_attach_prepare(struct emu_domain *domain, struct emu_dev *dev,
			  u32 pasid, void **cookie)
{
	struct emu_hw_dev *hdev;
	int rc;

	*cookie = NULL;
	mutex_lock(&emu_hw_dev_lock);
	rc = emu_hw_pasid_compat(domain, dev, pasid);
	if (rc)
		goto out_unlock;
	hdev = dev->iommu_priv;
	if (!hdev) {
		hdev = kzalloc(sizeof(*hdev), GFP_KERNEL_ACCOUNT);
		if (!hdev) {
			rc = -ENOMEM;
			goto out_unlock;
		}
		xa_init(&hdev->domains);
		dev->iommu_priv = hdev;
	}
	/* Reserving keeps a slot that is in use as it is */
	rc = xa_reserve(&hdev->domains, pasid, GFP_KERNEL_ACCOUNT);
	if (rc)
		emu_hw_dev_put_if_empty(dev);
out_unlock:
	mutex_unlock(&emu_hw_dev_lock);
	return rc;
}

/**
 * emu_hw_attach_commit() - attach_commit matching emu_hw_attach_prepare()
 * @domain: the domain
 * @dev: the device
 * @pasid: the PASID, or EMU_NO_PASID
 * @cookie: unused
 */
void emu_hw_attach_commit(struct emu_domain *domain, struct emu_dev *dev,
			  u32 pasid, void *cookie)
{
	struct emu_hw_dev *hdev = dev->iommu_priv;

	/* The slot exists (reserved or in use): the store allocates nothing */
	WARN_ON(xa_is_err(xa_store(&hdev->domains, pasid, domain,
				   GFP_NOWAIT)));
	emu_hw_dev_attached(dev, pasid, domain);
}

/**
 * emu_hw_attach_abort() - attach_abort matching emu_hw_attach_prepare()
 * @domain: the domain
 * @dev: the device
 * @pasid: the PASID, or EMU_NO_PASID
 * @cookie: unused
 */
void emu_hw_attach_abort(struct emu_domain *domain, struct emu_dev *dev,
			 u32 pasid, void *cookie)
{
	struct emu_hw_dev *hdev;

	mutex_lock(&emu_hw_dev_lock);
	hdev = dev->iommu_priv;
	/* Drops the slot only if prepare reserved it, not if it is in use */
	xa_release(&hdev->domains, pasid);
	emu_hw_dev_put_if_empty(dev);
	mutex_unlock(&emu_hw_dev_lock);
}

/*
 * With dma_lock held for write: parked tables can be freed now, and no
 * cached translation may outlive the pages the caller unpins next.
 */
static size_t emu_hw_paging_unmap(struct emu_domain *domain,
				  unsigned long iova, size_t size)
{
	struct emu_hw_domain *hdom = to_emu_hw_domain(domain);
	size_t unmapped = 0;

	lockdep_assert_held_write(&domain->dma_lock);
	mutex_lock(&hdom->pt_lock);
	if (size)
		unmapped = emu_pgtable_unmap(hdom->pt, iova, size);
	emu_pgtable_reclaim(hdom->pt);
	mutex_unlock(&hdom->pt_lock);
	if (unmapped && hdom->unmap_notify)
		hdom->unmap_notify(hdom, iova, unmapped);
	return unmapped;
}

/*
 * Maps the run in one call. On failure the partial mapping is undone here,
 * with DMA excluded so that tables can be freed, and *@mapped says 0.
 */
static int emu_hw_paging_map(struct emu_domain *domain, unsigned long iova,
			     phys_addr_t paddr, size_t size, int prot,
			     gfp_t gfp, size_t *mapped)
{
	struct emu_hw_domain *hdom = to_emu_hw_domain(domain);
	int rc;

	mutex_lock(&hdom->pt_lock);
	rc = emu_pgtable_map(hdom->pt, iova, paddr, size, prot, gfp, mapped);
	mutex_unlock(&hdom->pt_lock);
	if (!rc)
		return 0;

	/* A DMA may have walked, and a driver cached, the partial mapping */
	down_write(&domain->dma_lock);
	emu_hw_paging_unmap(domain, iova, *mapped);
	up_write(&domain->dma_lock);
	*mapped = 0;
	return rc;
}

/* A walk like a DMA's, so it takes dma_lock for read like a DMA does */
static phys_addr_t emu_hw_paging_iova_to_phys(struct emu_domain *domain,
					      unsigned long iova)
{
	struct emu_hw_domain *hdom = to_emu_hw_domain(domain);
	phys_addr_t pa;

	down_read(&domain->dma_lock);
	pa = emu_pgtable_iova_to_phys(hdom->pt, iova);
	up_read(&domain->dma_lock);
	return pa;
}

/**
 * emu_hw_domain_walk() - the emulated hardware's walk of a paging domain
 * @hdom: the domain
 * @iova: the input address: an IOVA, or the IPA / GPA a nested walk hands
 *	  to its second stage
 * @pt_access: EMU_PT_ACCESS_* of the request
 * @res: the outcome, filled in whatever the return value
 *
 * The one place every driver walks a domain of hw.c the way its hardware
 * would: for a DMA straight through the domain, for the second stage of a
 * nested translation and for a descriptor fetch through it. While the
 * domain tracks dirty pages the walk sets the accessed flags, and the
 * dirty flag on a write. Reporting a fault is the caller's business.
 *
 * Context: the caller holds @hdom's dma_lock for read, so that no table
 * it reaches is freed under it; does not sleep.
 * Return: 0, or -EFAULT (@res->fault says which fault).
 */
int emu_hw_domain_walk(struct emu_hw_domain *hdom, u64 iova,
		       unsigned int pt_access, struct emu_pt_walk_result *res)
{
	struct emu_pt_walk_cfg wcfg = hdom->wcfg;

	if (READ_ONCE(hdom->dirty_tracking))
		wcfg.flags |= EMU_PT_WALK_SET_AD;
	if (emu_pt_walk(&wcfg, iova, pt_access, &emu_pt_host_ops, NULL, res))
		return -EFAULT;
	return 0;
}

/*
 * The hardware's walk of the domain's tables for an untranslated request
 * (unprivileged, no PASID-specific tables). Faults of paging domains are
 * not reported.
 */
static int emu_hw_paging_translate(struct emu_domain *domain,
				   struct emu_dev *dev, u32 pasid, u64 iova,
				   unsigned int access,
				   struct emu_translation *out)
{
	struct emu_pt_walk_result res;
	unsigned int pt_access = 0;

	if (access & EMU_DMA_READ)
		pt_access |= EMU_PT_ACCESS_READ;
	if (access & EMU_DMA_WRITE)
		pt_access |= EMU_PT_ACCESS_WRITE;
	if (emu_hw_domain_walk(to_emu_hw_domain(domain), iova, pt_access, &res))
		return -EIO;
	out->pa = res.oa;
	out->len = res.size - (iova & (res.size - 1));
	return 0;
}

/*
 * Turning tracking on drops cached translations (unmap_notify), as
 * hardware flushes its IOTLB when the dirty-tracking bit of its entries
 * changes: a writable translation cached before would let DMA write
 * without walking, so without setting the dirty flag.
 */
static int emu_hw_paging_set_dirty_tracking(struct emu_domain *domain,
					    bool enable)
{
	struct emu_hw_domain *hdom = to_emu_hw_domain(domain);

	if (READ_ONCE(hdom->dirty_tracking) == enable)
		return 0;
	down_write(&domain->dma_lock);
	WRITE_ONCE(hdom->dirty_tracking, enable);
	if (hdom->unmap_notify)
		hdom->unmap_notify(hdom, 0, SIZE_MAX);
	up_write(&domain->dma_lock);
	return 0;
}

/* Dirty leaves taken from the tables in one hold of pt_lock */
#define EMU_HW_DIRTY_BATCH	32

/**
 * struct emu_hw_dirty_batch - dirty leaves waiting to be reported
 * @nr: how many of @iova and @size are filled
 * @iova: first IOVA of each leaf
 * @size: size of each leaf
 */
struct emu_hw_dirty_batch {
	unsigned int nr;
	u64 iova[EMU_HW_DIRTY_BATCH];
	u64 size[EMU_HW_DIRTY_BATCH];
};

/* Takes a dirty leaf (already cleared when asked); stops when full */
static int emu_hw_dirty_take(void *ctx, u64 iova, u64 size)
{
	struct emu_hw_dirty_batch *batch = ctx;

	batch->iova[batch->nr] = iova;
	batch->size[batch->nr] = size;
	return ++batch->nr == EMU_HW_DIRTY_BATCH;
}

/*
 * The dirty flags are in the leaves the emulated walks update. Up to
 * EMU_HW_DIRTY_BATCH leaves at a time are taken (and cleared) under
 * pt_lock, then reported without it: reporting may fault in the user's
 * bitmap, and mmap_lock must not nest inside pt_lock (an unmap takes
 * pt_lock under locks that are themselves taken under mmap_lock). The
 * leaves of a batch that could not be reported are marked dirty again.
 * Clearing is followed by dropping cached translations (unmap_notify),
 * with DMA excluded, so that a cached writable entry cannot skip setting
 * the flag again.
 */
static int emu_hw_paging_read_and_clear_dirty(struct emu_domain *domain,
					      unsigned long iova, size_t size,
					      bool clear,
					      struct emu_dirty_bitmap *dirty)
{
	struct emu_hw_domain *hdom = to_emu_hw_domain(domain);
	u64 last = (u64)iova + size - 1, next = iova;
	struct emu_hw_dirty_batch batch;
	unsigned int i;
	int rc;

	for (;;) {
		batch.nr = 0;
		mutex_lock(&hdom->pt_lock);
		rc = emu_pgtable_read_and_clear_dirty(hdom->pt, next,
						      last - next + 1, clear,
						      emu_hw_dirty_take, &batch);
		mutex_unlock(&hdom->pt_lock);
		if (rc < 0)
			break;
		for (i = 0; i < batch.nr; i++) {
			rc = emu_dirty_record(dirty, batch.iova[i],
					      batch.size[i]);
			if (rc)
				break;
		}
		if (rc) {
			if (clear) {
				mutex_lock(&hdom->pt_lock);
				for (; i < batch.nr; i++)
					emu_pgtable_mark_dirty(hdom->pt,
							       batch.iova[i]);
				mutex_unlock(&hdom->pt_lock);
			}
			break;
		}
		/* A batch that is not full ended the walk */
		if (batch.nr < EMU_HW_DIRTY_BATCH)
			break;
		i = batch.nr - 1;
		if (batch.iova[i] + batch.size[i] - 1 >= last)
			break;
		next = batch.iova[i] + batch.size[i];
	}
	if (clear && hdom->unmap_notify) {
		down_write(&domain->dma_lock);
		hdom->unmap_notify(hdom, iova, size);
		up_write(&domain->dma_lock);
	}
	return rc;
}

static void emu_hw_paging_free(struct emu_domain *domain)
{
	struct emu_hw_domain *hdom = to_emu_hw_domain(domain);

	if (hdom->release)
		hdom->release(hdom);
	emu_pgtable_free(hdom->pt);
	mutex_destroy(&hdom->pt_lock);
	kfree(hdom);
}

static const struct emu_domain_ops emu_hw_paging_ops;

/**
 * emu_hw_is_paging_domain() - is @domain one of emu_hw_domain_alloc_paging()'s?
 * @domain: any domain
 *
 * Return: true when to_emu_hw_domain() may be used on it.
 */
bool emu_hw_is_paging_domain(struct emu_domain *domain)
{
	return domain->ops == &emu_hw_paging_ops;
}

static const struct emu_domain_ops emu_hw_paging_ops = {
	.attach_prepare = emu_hw_attach_prepare,
	.attach_commit = emu_hw_attach_commit,
	.attach_abort = emu_hw_attach_abort,
	.map = emu_hw_paging_map,
	.unmap = emu_hw_paging_unmap,
	.iova_to_phys = emu_hw_paging_iova_to_phys,
	.translate = emu_hw_paging_translate,
	.set_dirty_tracking = emu_hw_paging_set_dirty_tracking,
	.read_and_clear_dirty = emu_hw_paging_read_and_clear_dirty,
	.free = emu_hw_paging_free,
};

/**
 * emu_hw_domain_alloc_paging() - a paging domain on a shared table format
 * @cfg: format, input and output sizes and EMU_PGTABLE_* flags of its page
 *	 table; the driver chose them from the instance's capabilities and
 *	 the EMU_DOMAIN_* flags it was asked for
 *
 * The domain maps 4KiB pages from IOVA 0 up to what the format can reach
 * (capped at ULONG_MAX); EMU_PGTABLE_DEFER_FREE is added, see the top of
 * this file. The IOMMU core fills in the generic fields.
 *
 * Context: may sleep.
 * Return: the domain, or an ERR_PTR (-EINVAL for a @cfg the format cannot
 * have, -ENOMEM).
 */
struct emu_domain *emu_hw_domain_alloc_paging(const struct emu_pgtable_cfg *cfg)
{
	struct emu_pgtable_cfg pt_cfg = *cfg;
	struct emu_hw_domain *hdom;
	struct emu_pgtable *pt;

	hdom = kzalloc(sizeof(*hdom), GFP_KERNEL_ACCOUNT);
	if (!hdom)
		return ERR_PTR(-ENOMEM);
	pt_cfg.flags |= EMU_PGTABLE_DEFER_FREE;
	pt = emu_pgtable_alloc(&pt_cfg);
	if (IS_ERR(pt)) {
		kfree(hdom);
		return ERR_CAST(pt);
	}
	hdom->pt = pt;
	emu_pgtable_walk_cfg(pt, &hdom->wcfg);
	mutex_init(&hdom->pt_lock);
	hdom->domain.ops = &emu_hw_paging_ops;
	hdom->domain.min_pgsize = SZ_4K;
	hdom->domain.aperture_start = 0;
	hdom->domain.aperture_end = min_t(u64, emu_pgtable_last_iova(pt),
					  ULONG_MAX);
	return &hdom->domain;
}
