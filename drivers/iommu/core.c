// SPDX-License-Identifier: GPL-2.0
/*
 * The IOMMU core: instances, groups, DMA ownership and the switching of a
 * group's hardware from one domain to another.
 *
 * A switch prepares every device of the group first and commits only when
 * all preparations succeeded, so a failed attach or replace leaves the
 * group exactly as it was. Replace is the same operation as attach: the
 * group goes straight from one domain to the other without passing through
 * the blocking domain.
 *
 * Lock order: emu_core_lock -> emu_group::lock.
 */
#define pr_fmt(fmt) "iommufd_emu: " fmt

#include <linux/idr.h>
#include <linux/slab.h>

#include "emu_iommu.h"

static DEFINE_MUTEX(emu_core_lock);
static DEFINE_IDA(emu_group_ida);
static LIST_HEAD(emu_iommus);
static LIST_HEAD(emu_groups);

/**
 * emu_iommu_register() - make an instance available to devices
 * @iommu: the instance, with @ops and @blocked_domain filled in
 *
 * Return: 0, or -EINVAL when the driver left out what every instance needs.
 */
int emu_iommu_register(struct emu_iommu *iommu)
{
	if (WARN_ON(!iommu->ops || !iommu->blocked_domain ||
		    iommu->blocked_domain->type != EMU_DOMAIN_BLOCKED))
		return -EINVAL;
	iommu->blocked_domain->iommu = iommu;
	mutex_lock(&emu_core_lock);
	list_add_tail(&iommu->node, &emu_iommus);
	mutex_unlock(&emu_core_lock);
	return 0;
}

/**
 * emu_iommu_unregister() - withdraw an instance
 * @iommu: the instance; no device may still use it
 */
void emu_iommu_unregister(struct emu_iommu *iommu)
{
	mutex_lock(&emu_core_lock);
	list_del(&iommu->node);
	mutex_unlock(&emu_core_lock);
}

/* Point one device at @domain for @pasid; only for domains that can't fail */
static void emu_dev_switch_nofail(struct emu_dev *dev, u32 pasid,
				  struct emu_domain *domain)
{
	void *cookie = NULL;

	if (WARN_ON(domain->ops->attach_prepare(domain, dev, pasid, &cookie)))
		return;
	domain->ops->attach_commit(domain, dev, pasid, cookie);
}

static struct emu_group *emu_group_alloc(struct emu_iommu *iommu, u32 tag)
{
	struct emu_group *group;
	int rc;

	group = kzalloc(sizeof(*group), GFP_KERNEL);
	if (!group)
		return ERR_PTR(-ENOMEM);
	rc = ida_alloc(&emu_group_ida, GFP_KERNEL);
	if (rc < 0) {
		kfree(group);
		return ERR_PTR(rc);
	}
	group->id = rc;
	mutex_init(&group->lock);
	INIT_LIST_HEAD(&group->devices);
	xa_init(&group->domains);
	group->iommu = iommu;
	group->tag = tag;
	/* A new group starts blocked: emulated devices have no kernel DMA */
	rc = xa_err(xa_store(&group->domains, EMU_NO_PASID,
			     iommu->blocked_domain, GFP_KERNEL));
	if (rc) {
		ida_free(&emu_group_ida, group->id);
		kfree(group);
		return ERR_PTR(rc);
	}
	list_add_tail(&group->node, &emu_groups);
	return group;
}

static void emu_group_free(struct emu_group *group)
{
	list_del(&group->node);
	xa_destroy(&group->domains);
	mutex_destroy(&group->lock);
	ida_free(&emu_group_ida, group->id);
	kfree(group);
}

/**
 * emu_dev_add() - put a device behind its IOMMU
 * @dev: the device, with @iommu, @id and @pasid_bits set
 * @group_tag: 0 for a group of its own; devices of one instance with the
 *	       same non-zero tag share a group
 *
 * The device joins the group's current translation on every PASID.
 *
 * Return: 0, -EBUSY when the group is owned for userspace DMA (a new
 * member would escape that owner), -ENOMEM.
 */
int emu_dev_add(struct emu_dev *dev, u32 group_tag)
{
	struct emu_group *group = NULL, *iter;
	struct emu_domain *domain;
	unsigned long pasid;
	int rc = 0;

	mutex_lock(&emu_core_lock);
	if (group_tag) {
		list_for_each_entry(iter, &emu_groups, node) {
			if (iter->iommu == dev->iommu && iter->tag == group_tag) {
				group = iter;
				break;
			}
		}
	}
	if (!group) {
		group = emu_group_alloc(dev->iommu, group_tag);
		if (IS_ERR(group)) {
			rc = PTR_ERR(group);
			goto out_unlock;
		}
	}

	mutex_lock(&group->lock);
	if (group->owner) {
		rc = -EBUSY;
	} else {
		dev->group = group;
		xa_for_each(&group->domains, pasid, domain)
			emu_dev_switch_nofail(dev, pasid, domain);
		list_add_tail(&dev->group_node, &group->devices);
		group->ndevices++;
	}
	mutex_unlock(&group->lock);
	if (rc && !group->ndevices)
		emu_group_free(group);
out_unlock:
	mutex_unlock(&emu_core_lock);
	return rc;
}

/**
 * emu_dev_remove() - take a device away from its IOMMU
 * @dev: the device; its owner must have released it
 */
void emu_dev_remove(struct emu_dev *dev)
{
	struct emu_group *group = dev->group;
	struct emu_domain *domain;
	unsigned long pasid;

	mutex_lock(&emu_core_lock);
	mutex_lock(&group->lock);
	xa_for_each(&group->domains, pasid, domain)
		emu_dev_switch_nofail(dev, pasid, group->iommu->blocked_domain);
	list_del(&dev->group_node);
	group->ndevices--;
	mutex_unlock(&group->lock);
	if (!group->ndevices)
		emu_group_free(group);
	dev->group = NULL;
	mutex_unlock(&emu_core_lock);
}

/**
 * emu_dev_claim_dma_owner() - hand a device's DMA over to userspace
 * @dev: the device
 * @owner: who takes it (an iommufd context)
 *
 * All claimed devices of a group must have the same owner.
 *
 * Return: 0, or -EPERM when another owner holds the group.
 */
int emu_dev_claim_dma_owner(struct emu_dev *dev, void *owner)
{
	struct emu_group *group = dev->group;
	int rc = 0;

	mutex_lock(&group->lock);
	if (group->owner && group->owner != owner) {
		rc = -EPERM;
	} else {
		group->owner = owner;
		group->owner_cnt++;
	}
	mutex_unlock(&group->lock);
	return rc;
}

/**
 * emu_dev_release_dma_owner() - undo emu_dev_claim_dma_owner()
 * @dev: the device
 *
 * When the last claim goes, the group is blocked on every PASID.
 */
void emu_dev_release_dma_owner(struct emu_dev *dev)
{
	struct emu_group *group = dev->group;
	struct emu_domain *domain;
	unsigned long pasid;

	mutex_lock(&group->lock);
	if (!WARN_ON(!group->owner_cnt) && !--group->owner_cnt) {
		group->owner = NULL;
		/* The owner must have detached everything it attached */
		xa_for_each(&group->domains, pasid, domain)
			WARN_ON(domain->type != EMU_DOMAIN_BLOCKED);
	}
	mutex_unlock(&group->lock);
}

/**
 * emu_domain_alloc_paging() - a new paging domain for @dev's instance
 * @dev: a device that will use it
 * @flags: EMU_DOMAIN_*
 *
 * Return: the domain, or an ERR_PTR (-EOPNOTSUPP for unsupported @flags).
 */
struct emu_domain *emu_domain_alloc_paging(struct emu_dev *dev, u32 flags)
{
	struct emu_domain *domain;

	domain = dev->iommu->ops->domain_alloc_paging(dev, flags);
	if (IS_ERR(domain))
		return domain;
	domain->type = EMU_DOMAIN_PAGING;
	domain->iommu = dev->iommu;
	domain->flags = flags;
	return domain;
}

/**
 * emu_domain_free() - release a domain no group uses any more
 * @domain: the domain
 */
void emu_domain_free(struct emu_domain *domain)
{
	domain->ops->free(domain);
}

/**
 * emu_group_domain() - what the group translates through on @pasid
 * @group: the group
 * @pasid: the PASID, or EMU_NO_PASID
 *
 * Return: the domain, or NULL when @pasid is not attached. The caller holds
 * @group->lock or accepts that the answer may be stale.
 */
struct emu_domain *emu_group_domain(struct emu_group *group, u32 pasid)
{
	return xa_load(&group->domains, pasid);
}

/**
 * emu_group_set_domain() - switch the whole group to @domain on @pasid
 * @group: the group, whose lock the caller holds
 * @pasid: the PASID, or EMU_NO_PASID
 * @domain: the new domain, from the group's instance
 *
 * Works from any current state: blocked, detached (a PASID) or another
 * domain (replace). Either every device of the group switches, or none.
 *
 * Return: 0; -EINVAL for a domain of another instance or a PASID the
 * instance does not support; -ENOMEM; a driver's refusal.
 */
int emu_group_set_domain(struct emu_group *group, u32 pasid,
			 struct emu_domain *domain)
{
	unsigned int i = 0, prepared;
	struct emu_domain *old;
	struct emu_dev *dev;
	void **cookies;
	int rc;

	lockdep_assert_held(&group->lock);

	if (domain->iommu != group->iommu)
		return -EINVAL;
	if (pasid != EMU_NO_PASID &&
	    (!group->iommu->max_pasid_log2 ||
	     pasid >= BIT(group->iommu->max_pasid_log2)))
		return -EINVAL;
	old = xa_load(&group->domains, pasid);
	if (old == domain)
		return 0;

	cookies = kcalloc(group->ndevices, sizeof(*cookies), GFP_KERNEL);
	if (!cookies && group->ndevices)
		return -ENOMEM;
	/* Claim the slot now so that publishing it below cannot fail */
	if (!old) {
		rc = xa_reserve(&group->domains, pasid, GFP_KERNEL);
		if (rc)
			goto out_free;
	}

	list_for_each_entry(dev, &group->devices, group_node) {
		rc = domain->ops->attach_prepare(domain, dev, pasid,
						 &cookies[i]);
		if (rc)
			goto out_abort;
		i++;
	}

	xa_store(&group->domains, pasid, domain, GFP_KERNEL);
	i = 0;
	list_for_each_entry(dev, &group->devices, group_node)
		domain->ops->attach_commit(domain, dev, pasid, cookies[i++]);
	kfree(cookies);
	return 0;

out_abort:
	prepared = i;
	i = 0;
	list_for_each_entry(dev, &group->devices, group_node) {
		if (i == prepared)
			break;
		domain->ops->attach_abort(domain, dev, pasid, cookies[i++]);
	}
	if (!old)
		xa_release(&group->domains, pasid);
out_free:
	kfree(cookies);
	return rc;
}

/**
 * emu_group_block() - stop the group's translation on @pasid
 * @group: the group, whose lock the caller holds
 * @pasid: the PASID, or EMU_NO_PASID for the blocking domain
 *
 * Cannot fail. Afterwards DMA without a PASID hits the blocking domain; a
 * PASID is no longer attached at all.
 */
void emu_group_block(struct emu_group *group, u32 pasid)
{
	struct emu_domain *blocked = group->iommu->blocked_domain;
	struct emu_dev *dev;

	lockdep_assert_held(&group->lock);

	if (!xa_load(&group->domains, pasid))
		return;
	list_for_each_entry(dev, &group->devices, group_node)
		emu_dev_switch_nofail(dev, pasid, blocked);
	if (pasid == EMU_NO_PASID)
		xa_store(&group->domains, pasid, blocked, GFP_KERNEL);
	else
		xa_erase(&group->domains, pasid);
}

/**
 * emu_domain_map() - map a physically contiguous run
 * @domain: a paging domain
 * @iova: first IOVA, aligned to @domain->min_pgsize
 * @paddr: first physical address, equally aligned
 * @size: bytes, a multiple of @domain->min_pgsize
 * @prot: IOMMU_READ / IOMMU_WRITE
 * @gfp: for page-table memory
 *
 * Return: 0, or an error after undoing any partial mapping.
 */
int emu_domain_map(struct emu_domain *domain, unsigned long iova,
		   phys_addr_t paddr, size_t size, int prot, gfp_t gfp)
{
	size_t mapped = 0;
	int rc;

	if (WARN_ON((iova | paddr | size) & (domain->min_pgsize - 1)))
		return -EINVAL;
	rc = domain->ops->map(domain, iova, paddr, size, prot, gfp, &mapped);
	if (rc && mapped)
		domain->ops->unmap(domain, iova, mapped);
	return rc;
}

/**
 * emu_domain_unmap() - unmap a range
 * @domain: a paging domain
 * @iova: first IOVA
 * @size: bytes
 *
 * Return: the bytes unmapped.
 */
size_t emu_domain_unmap(struct emu_domain *domain, unsigned long iova,
			size_t size)
{
	return domain->ops->unmap(domain, iova, size);
}

/**
 * emu_domain_iova_to_phys() - look up one IOVA
 * @domain: a paging domain
 * @iova: the IOVA
 *
 * Return: the physical address, or 0 when nothing is mapped there.
 */
phys_addr_t emu_domain_iova_to_phys(struct emu_domain *domain,
				    unsigned long iova)
{
	return domain->ops->iova_to_phys(domain, iova);
}
