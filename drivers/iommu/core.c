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

#include <linux/completion.h>
#include <linux/highmem.h>
#include <linux/idr.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

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
	init_rwsem(&iommu->blocked_domain->dma_lock);
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

/*
 * Only devices that issue PASIDs take part in a PASID attachment of their
 * group; the others keep just their RID translation.
 */
static bool emu_dev_uses_pasid(struct emu_dev *dev, u32 pasid)
{
	return pasid == EMU_NO_PASID || dev->pasid_bits;
}

/*
 * Where the requests of @dev on @pasid travel on the wire: a sub-device's
 * RID requests are its parent's, tagged with the PASID it holds there.
 * Drivers only ever see this route; groups and the uAPI only the device.
 */
static struct emu_dev *emu_dev_route(struct emu_dev *dev, u32 *pasid)
{
	if (dev->parent && *pasid == EMU_NO_PASID) {
		*pasid = dev->parent_pasid;
		return dev->parent;
	}
	return dev;
}

static int emu_dev_prepare(struct emu_domain *domain, struct emu_dev *dev,
			   u32 pasid, void **cookie)
{
	dev = emu_dev_route(dev, &pasid);
	return domain->ops->attach_prepare(domain, dev, pasid, cookie);
}

static void emu_dev_commit(struct emu_domain *domain, struct emu_dev *dev,
			   u32 pasid, void *cookie)
{
	dev = emu_dev_route(dev, &pasid);
	domain->ops->attach_commit(domain, dev, pasid, cookie);
}

static void emu_dev_abort(struct emu_domain *domain, struct emu_dev *dev,
			  u32 pasid, void *cookie)
{
	dev = emu_dev_route(dev, &pasid);
	domain->ops->attach_abort(domain, dev, pasid, cookie);
}

/* Point one device at @domain for @pasid; only for domains that can't fail */
static void emu_dev_switch_nofail(struct emu_dev *dev, u32 pasid,
				  struct emu_domain *domain)
{
	void *cookie = NULL;

	if (!emu_dev_uses_pasid(dev, pasid))
		return;
	if (WARN_ON(emu_dev_prepare(domain, dev, pasid, &cookie)))
		return;
	emu_dev_commit(domain, dev, pasid, cookie);
}

/**
 * emu_dev_pasid_is_sub() - is @pasid of @dev the route of a sub-device?
 * @dev: a device
 * @pasid: one of its PASIDs
 *
 * For drivers: such a PASID is attached through the sub-device's group,
 * independently of what @dev's own user attaches.
 *
 * Return: true when a sub-device holds it.
 */
bool emu_dev_pasid_is_sub(struct emu_dev *dev, u32 pasid)
{
	return pasid != EMU_NO_PASID && xa_load(&dev->sub_pasids, pasid);
}

/* Is @pasid of @parent free for a sub-device? Under the parent's group lock */
static bool emu_dev_route_free(struct emu_dev *parent, u32 pasid)
{
	lockdep_assert_held(&parent->group->lock);
	return !xa_load(&parent->group->domains, pasid) &&
	       !xa_load(&parent->sub_pasids, pasid);
}

/*
 * A sub-device takes its PASID on the parent: the one it asks for, unless
 * the parent's own user has attached it already, or with parent_pasid 0
 * the lowest one neither attached nor another sub-device's. The parent's
 * group lock is what a PASID attach of the parent holds too, so the pick
 * and the claim are one step against it.
 */
static int emu_dev_claim_route(struct emu_dev *dev)
{
	struct emu_dev *parent = dev->parent;
	u32 pasid = dev->parent_pasid;
	int rc = 0;

	if (parent->iommu != dev->iommu || parent->parent || !parent->group ||
	    dev->pasid_bits || !parent->pasid_bits ||
	    pasid >= BIT(parent->pasid_bits))
		return -EINVAL;
	mutex_lock(&parent->group->lock);
	if (!pasid) {
		for (pasid = 1; pasid < BIT(parent->pasid_bits); pasid++) {
			if (emu_dev_route_free(parent, pasid))
				break;
		}
		if (pasid >= BIT(parent->pasid_bits))
			rc = -ENOSPC;
	} else if (xa_load(&parent->group->domains, pasid)) {
		rc = -EBUSY;
	}
	if (!rc)
		rc = xa_insert(&parent->sub_pasids, pasid, dev, GFP_KERNEL);
	if (!rc)
		dev->parent_pasid = pasid;
	mutex_unlock(&parent->group->lock);
	return rc;
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
	init_rwsem(&group->dma_lock);
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
 * member would escape that owner), -ENOMEM. For a sub-device also:
 * -EINVAL for a parent or PASID it cannot use, -EBUSY when its PASID is
 * attached on the parent or another sub-device's, -ENOSPC when no PASID
 * of the parent is left to pick.
 */
int emu_dev_add(struct emu_dev *dev, u32 group_tag)
{
	struct emu_group *group = NULL, *iter;
	struct emu_domain *domain;
	unsigned long pasid;
	int rc = 0;

	INIT_LIST_HEAD(&dev->iopf_partial);
	atomic_set(&dev->iopf_pending, 0);
	xa_init(&dev->sub_pasids);
	INIT_LIST_HEAD(&dev->dma_waits);
	spin_lock_init(&dev->dma_wait_lock);
	dev->dma_waits_closed = false;

	if (dev->iommu->ops->probe_dev) {
		rc = dev->iommu->ops->probe_dev(dev);
		if (rc)
			return rc;
	}

	mutex_lock(&emu_core_lock);
	if (dev->parent) {
		rc = emu_dev_claim_route(dev);
		if (rc)
			goto out_release;
	}
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
		/* A parent's DMA may look a sub-device up meanwhile */
		WRITE_ONCE(dev->group, group);
		xa_for_each(&group->domains, pasid, domain)
			emu_dev_switch_nofail(dev, pasid, domain);
		list_add_tail(&dev->group_node, &group->devices);
		group->ndevices++;
	}
	mutex_unlock(&group->lock);
	if (rc && !group->ndevices)
		emu_group_free(group);
out_unlock:
	if (rc && dev->parent) {
		/* Under the lock a parent's DMA looks sub-devices up with */
		mutex_lock(&dev->parent->group->lock);
		xa_cmpxchg(&dev->parent->sub_pasids, dev->parent_pasid, dev,
			   NULL, 0);
		mutex_unlock(&dev->parent->group->lock);
	}
out_release:
	mutex_unlock(&emu_core_lock);
	if (rc && dev->iommu->ops->release_dev)
		dev->iommu->ops->release_dev(dev);
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
	emu_iopf_drop_partial(dev);
	/* Detaching answered every group a handler took */
	WARN_ON(atomic_read(&dev->iopf_pending));
	list_del(&dev->group_node);
	group->ndevices--;
	mutex_unlock(&group->lock);
	/*
	 * Its PASID on the parent is blocked now: give it back, under the
	 * parent's group lock, which a DMA of the parent on that PASID holds
	 * while it uses this device's group
	 */
	if (dev->parent) {
		mutex_lock(&dev->parent->group->lock);
		xa_erase(&dev->parent->sub_pasids, dev->parent_pasid);
		mutex_unlock(&dev->parent->group->lock);
	}
	if (!group->ndevices)
		emu_group_free(group);
	dev->group = NULL;
	/* The platform removes sub-devices before their parent */
	WARN_ON(!xa_empty(&dev->sub_pasids));
	xa_destroy(&dev->sub_pasids);
	mutex_unlock(&emu_core_lock);
	if (dev->iommu->ops->release_dev)
		dev->iommu->ops->release_dev(dev);
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
	return emu_domain_alloc_paging_user(dev, flags, NULL);
}

/**
 * emu_domain_alloc_paging_user() - a paging domain shaped by user data
 * @dev: a device that will use it
 * @flags: EMU_DOMAIN_*
 * @data: the driver's description of the domain, or NULL for its default
 *
 * Return: the domain, or an ERR_PTR: -EOPNOTSUPP for unsupported @flags or
 * a driver that takes no data; the driver's verdict on @data.
 */
struct emu_domain *
emu_domain_alloc_paging_user(struct emu_dev *dev, u32 flags,
			     const struct emu_user_data *data)
{
	const struct emu_iommu_ops *ops = dev->iommu->ops;
	struct emu_domain *domain;

	if (!data)
		domain = ops->domain_alloc_paging(dev, flags);
	else if (ops->domain_alloc_paging_user)
		domain = ops->domain_alloc_paging_user(dev, flags, data);
	else
		domain = ERR_PTR(-EOPNOTSUPP);
	if (IS_ERR(domain))
		return domain;
	domain->type = EMU_DOMAIN_PAGING;
	domain->iommu = dev->iommu;
	domain->flags = flags;
	init_rwsem(&domain->dma_lock);
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
 * instance does not support; -EBUSY for a PASID a sub-device of a member
 * holds; -ENOMEM; a driver's refusal.
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
	list_for_each_entry(dev, &group->devices, group_node) {
		if (emu_dev_uses_pasid(dev, pasid) &&
		    emu_dev_pasid_is_sub(dev, pasid))
			return -EBUSY;
	}

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
		if (emu_dev_uses_pasid(dev, pasid)) {
			rc = emu_dev_prepare(domain, dev, pasid, &cookies[i]);
			if (rc)
				goto out_abort;
		}
		i++;
	}

	/* DMA in flight finishes on the old domain, later DMA uses the new */
	down_write(&group->dma_lock);
	xa_store(&group->domains, pasid, domain, GFP_KERNEL);
	i = 0;
	list_for_each_entry(dev, &group->devices, group_node) {
		if (emu_dev_uses_pasid(dev, pasid))
			emu_dev_commit(domain, dev, pasid, cookies[i]);
		i++;
	}
	up_write(&group->dma_lock);
	kfree(cookies);
	return 0;

out_abort:
	prepared = i;
	i = 0;
	list_for_each_entry(dev, &group->devices, group_node) {
		if (i == prepared)
			break;
		if (emu_dev_uses_pasid(dev, pasid))
			emu_dev_abort(domain, dev, pasid, cookies[i]);
		i++;
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
	down_write(&group->dma_lock);
	list_for_each_entry(dev, &group->devices, group_node)
		emu_dev_switch_nofail(dev, pasid, blocked);
	if (pasid == EMU_NO_PASID)
		xa_store(&group->domains, pasid, blocked, GFP_KERNEL);
	else
		xa_erase(&group->domains, pasid);
	up_write(&group->dma_lock);
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
	/* Undone like any unmap: a DMA may be walking the new tables */
	if (rc && mapped)
		emu_domain_unmap(domain, iova, mapped);
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
	size_t unmapped;

	/* Once this returns no DMA uses the old translation any more */
	down_write(&domain->dma_lock);
	unmapped = domain->ops->unmap(domain, iova, size);
	up_write(&domain->dma_lock);
	return unmapped;
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

/* Copy one piece that lies within a single physical page */
static void emu_dma_copy(phys_addr_t pa, void *buf, size_t len, bool write)
{
	struct page *page = pfn_to_page(PHYS_PFN(pa));

	if (write)
		memcpy_to_page(page, offset_in_page(pa), buf, len);
	else
		memcpy_from_page(buf, page, offset_in_page(pa), len);
}

/*
 * Where a DMA on @pasid goes: its own attachment, or with a user-owned
 * PASID table the nested domain on the RID, whose tables hold the PASIDs.
 */
static struct emu_domain *emu_dma_domain(struct emu_group *group, u32 pasid)
{
	struct emu_domain *domain = xa_load(&group->domains, pasid);

	if (domain || pasid == EMU_NO_PASID || !group->iommu->user_pasid_table)
		return domain;
	domain = xa_load(&group->domains, EMU_NO_PASID);
	return domain && domain->type == EMU_DOMAIN_NESTED ? domain : NULL;
}

/* Page request group indexes are 9 bits wide on the wire (PCIe PRI) */
#define EMU_DMA_PRGI_MASK	0x1ff
/* Most pages one transfer asks for in one page request group */
#define EMU_DMA_PRG_MAX		16

/**
 * struct emu_dma_wait - an emulated DMA waiting for its page request
 * @node: entry in emu_dev::dma_waits while unanswered
 * @req: the request it sent
 * @done: completed with the answer, or when the device goes away
 * @code: the answer
 * @gone: the device went away instead
 */
struct emu_dma_wait {
	struct list_head node;
	struct emu_page_request req;
	struct completion done;
	enum emu_page_response code;
	bool gone;
};

/*
 * Called for every answer to a page request of @dev (iopf.c): complete the
 * DMA that sent it, if one waits. Any context but hard IRQ.
 */
void emu_dev_dma_page_response(struct emu_dev *dev,
			       const struct emu_page_request *req,
			       enum emu_page_response code)
{
	struct emu_dma_wait *wait;

	spin_lock(&dev->dma_wait_lock);
	list_for_each_entry(wait, &dev->dma_waits, node) {
		if (wait->req.grpid != req->grpid ||
		    (wait->req.flags & EMU_PRQ_PASID_VALID) !=
			    (req->flags & EMU_PRQ_PASID_VALID) ||
		    wait->req.pasid != req->pasid)
			continue;
		list_del_init(&wait->node);
		wait->code = code;
		complete(&wait->done);
		break;
	}
	spin_unlock(&dev->dma_wait_lock);
}

/**
 * emu_dev_stop_dma_waits() - the device is going away: stop waiting
 * @dev: the device
 *
 * DMAs waiting for the answer to a page request return -ENODEV at once,
 * and later faults do not wait, until the device is added again. The
 * platform calls it before it revokes the device's users, which may be
 * waiting for those DMAs.
 */
void emu_dev_stop_dma_waits(struct emu_dev *dev)
{
	struct emu_dma_wait *wait, *next;

	spin_lock(&dev->dma_wait_lock);
	dev->dma_waits_closed = true;
	list_for_each_entry_safe(wait, next, &dev->dma_waits, node) {
		list_del_init(&wait->node);
		wait->gone = true;
		complete(&wait->done);
	}
	spin_unlock(&dev->dma_wait_lock);
}

/*
 * Send one page request group for the *@npages pages from the page of
 * @iova, as a PRI device batching the faults of one transfer would: one
 * request per page, the last one closing the group. Then wait
 * (interruptibly) for the group's answer. No lock of the group or of a
 * domain is held: the answer comes from userspace, which may attach or
 * detach first.
 *
 * A request that cannot be queued ends the group early: the request for
 * its page closes it, so that no request is left waiting for a group that
 * never closes, and *@npages is set to the pages asked for. Once the
 * device is going away nothing more is sent; emu_dev_remove() drops the
 * requests already queued.
 */
static int emu_dev_dma_page_request(struct emu_dev *dev, u32 pasid, u64 iova,
				    unsigned int *npages, bool write)
{
	struct emu_page_request req = {
		.pasid = pasid,
		.perm = write ? EMU_PRQ_PERM_WRITE : EMU_PRQ_PERM_READ,
		.addr = iova & PAGE_MASK,
	};
	struct emu_dma_wait wait = {};
	unsigned int i;
	int rc;

	if (pasid != EMU_NO_PASID)
		req.flags |= EMU_PRQ_PASID_VALID;
	init_completion(&wait.done);
	spin_lock(&dev->dma_wait_lock);
	if (dev->dma_waits_closed) {
		spin_unlock(&dev->dma_wait_lock);
		return -ENODEV;
	}
	req.grpid = dev->next_prgi++ & EMU_DMA_PRGI_MASK;
	/* Answers are matched by group, PASID and flags, not by address */
	wait.req = req;
	wait.req.flags |= EMU_PRQ_LAST_PAGE;
	list_add_tail(&wait.node, &dev->dma_waits);
	spin_unlock(&dev->dma_wait_lock);

	/*
	 * The group may be answered before its last request is sent (a
	 * request nobody handles is answered at once); it is closed anyway,
	 * which also drops the requests it queued.
	 */
	for (i = 0; i + 1 < *npages; i++, req.addr += PAGE_SIZE) {
		if (READ_ONCE(dev->dma_waits_closed))
			goto wait_answer;
		if (emu_dev_report_page_request(dev, &req))
			break;
	}
	*npages = i + 1;
	if (!READ_ONCE(dev->dma_waits_closed)) {
		req.flags |= EMU_PRQ_LAST_PAGE;
		emu_dev_report_page_request(dev, &req);
	}
wait_answer:
	rc = wait_for_completion_interruptible(&wait.done);

	spin_lock(&dev->dma_wait_lock);
	list_del(&wait.node);
	spin_unlock(&dev->dma_wait_lock);
	if (wait.gone)
		return -ENODEV;
	if (rc)
		return -EINTR;
	return wait.code == EMU_PAGE_RESP_SUCCESS ? 0 : -EIO;
}

/*
 * Translate the page of @iova through what @group has attached on @slot,
 * for a request of @wire_dev on @wire_pasid, and copy up to the end of
 * that page; *@chunk is set to the bytes copied. A NULL @buf only
 * translates, for the look-ahead of emu_dma_fault_run().
 */
static int emu_dma_page(struct emu_group *group, u32 slot,
			struct emu_dev *wire_dev, u32 wire_pasid, u64 iova,
			unsigned int access, void *buf, size_t len,
			size_t *chunk)
{
	struct emu_translation tr = {};
	struct emu_domain *domain;
	int rc = -EIO;

	down_read(&group->dma_lock);
	domain = emu_dma_domain(group, slot);
	if (domain && domain->ops->translate) {
		down_read(&domain->dma_lock);
		rc = domain->ops->translate(domain, wire_dev, wire_pasid, iova,
					    access, &tr);
		if (!rc && buf) {
			*chunk = min3((u64)len, tr.len,
				      (u64)(PAGE_SIZE - offset_in_page(tr.pa)));
			emu_dma_copy(tr.pa, buf, *chunk,
				     access & EMU_DMA_WRITE);
		}
		if (!rc && tr.held)
			up_read(tr.held);
		up_read(&domain->dma_lock);
	}
	up_read(&group->dma_lock);
	return rc;
}

/*
 * Copy page by page through what @group has attached on @slot, for
 * requests of @wire_dev on @wire_pasid, until the transfer is done or a
 * page faults; *@done is set to the bytes copied.
 */
static int emu_dma_run(struct emu_group *group, u32 slot,
		       struct emu_dev *wire_dev, u32 wire_pasid, u64 iova,
		       unsigned int access, void *buf, size_t len,
		       size_t *done)
{
	size_t chunk;
	int rc;

	for (*done = 0; *done < len; *done += chunk) {
		rc = emu_dma_page(group, slot, wire_dev, wire_pasid,
				  iova + *done, access, buf + *done,
				  len - *done, &chunk);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * How many pages from the faulting page of @iova, within the @len bytes
 * left of the transfer, fault in a row in a way a page request may
 * resolve: those the device asks for in one group (at most
 * EMU_DMA_PRG_MAX, at least the first one).
 *
 * The pages after the first are probed for reading whatever the transfer
 * does, as a prefetching IOTLB would: a probe may set accessed bits and
 * fill the IOTLB, but must not set a dirty bit or mark a page dirty that
 * the transfer may never write (its group can be refused). So a page that
 * only lacks write permission does not join the group; it faults, and is
 * asked for, when the transfer reaches it.
 */
static unsigned int emu_dma_fault_run(struct emu_group *group, u32 slot,
				      struct emu_dev *wire_dev,
				      u32 wire_pasid, u64 iova, size_t len)
{
	u64 pages = DIV_ROUND_UP(offset_in_page(iova) + (u64)len, PAGE_SIZE);
	u64 page = iova & PAGE_MASK;
	unsigned int n;

	for (n = 1; n < min_t(u64, pages, EMU_DMA_PRG_MAX); n++) {
		page += PAGE_SIZE;
		if (emu_dma_page(group, slot, wire_dev, wire_pasid, page,
				 EMU_DMA_READ, NULL, 0, NULL) != -EAGAIN)
			break;
	}
	return n;
}

/*
 * A device's own requests on a PASID a sub-device holds: on the wire they
 * are the sub-device's, so they go through the sub-device's attachment.
 * The route is resolved once for the whole run, under the device's group
 * lock, which keeps the sub-device (and its group) from going away until
 * the run ends. Page requests are left to the sub-device's own DMA.
 */
static int emu_dma_run_of_sub(struct emu_dev *dev, u32 pasid, u64 iova,
			      unsigned int access, void *buf, size_t len,
			      size_t *done)
{
	struct emu_group *sub_group;
	struct emu_dev *sub;
	int rc = -EIO;

	*done = 0;
	mutex_lock(&dev->group->lock);
	sub = xa_load(&dev->sub_pasids, pasid);
	/* A sub-device still being added has no group yet: blocked */
	sub_group = sub ? READ_ONCE(sub->group) : NULL;
	if (sub_group)
		rc = emu_dma_run(sub_group, EMU_NO_PASID, dev, pasid, iova,
				 access, buf, len, done);
	else if (!sub)
		rc = emu_dma_run(dev->group, pasid, dev, pasid, iova, access,
				 buf, len, done);
	mutex_unlock(&dev->group->lock);
	return rc == -EAGAIN ? -EIO : rc;
}

/**
 * emu_dev_dma() - a DMA of @dev, translated as the hardware would
 * @dev: the device
 * @pasid: EMU_NO_PASID or the PASID the request carries
 * @iova: the address the device uses
 * @buf: kernel buffer to write from or read into
 * @len: bytes
 * @write: the device writes memory (else it reads)
 *
 * Each page is translated through the group's current domain for @pasid;
 * the driver sees the request as it travels (a sub-device's on its
 * parent's PASID). A switch of domain waits for a page in flight, so every
 * page lands in the old or in the new translation. The route of a
 * device's own DMA on a PASID a sub-device holds is looked up once per
 * run of pages, not per page.
 *
 * A fault the domain's fault handler may resolve becomes a page request,
 * together with the pages right after it in the transfer that a read
 * would fault on the same way (up to EMU_DMA_PRG_MAX): one page request
 * group, the last request closing it. The DMA waits for the group's answer and, on
 * success, goes on from the first of those pages.
 *
 * Context: may sleep for as long as userspace takes to answer.
 * Return: 0; -EIO when translation fails (blocked, unmapped, no permission,
 * a page request answered otherwise than success, or a second fault on
 * a page its group asked for); -EINVAL for a PASID the device cannot issue or a
 * zero length; -EINTR when a signal ends the wait; -ENODEV when the
 * device goes away during it.
 */
int emu_dev_dma(struct emu_dev *dev, u32 pasid, u64 iova, void *buf,
		size_t len, bool write)
{
	unsigned int access = write ? EMU_DMA_WRITE : EMU_DMA_READ;
	/* Pages the last page request group asked for */
	u64 requested = U64_MAX;
	unsigned int nr_requested = 0;
	u32 wire_pasid = pasid;
	struct emu_dev *wire_dev;

	if (!len || (pasid != EMU_NO_PASID &&
		     (!dev->pasid_bits || pasid >= BIT(dev->pasid_bits))))
		return -EINVAL;
	wire_dev = emu_dev_route(dev, &wire_pasid);

	while (len) {
		size_t done;
		int rc;

		if (emu_dev_pasid_is_sub(dev, pasid))
			rc = emu_dma_run_of_sub(dev, pasid, iova, access, buf,
						len, &done);
		else
			rc = emu_dma_run(dev->group, pasid, wire_dev,
					 wire_pasid, iova, access, buf, len,
					 &done);
		iova += done;
		buf += done;
		len -= done;
		if (rc != -EAGAIN)
			return rc;
		/* One request per page: a second fault is final */
		if ((iova & PAGE_MASK) - requested <
		    (u64)nr_requested * PAGE_SIZE)
			return -EIO;
		requested = iova & PAGE_MASK;
		nr_requested = emu_dma_fault_run(dev->group, pasid, wire_dev,
						 wire_pasid, iova, len);
		rc = emu_dev_dma_page_request(dev, pasid, iova, &nr_requested,
					      write);
		if (rc)
			return rc;
	}
	return 0;
}

/**
 * emu_dev_hw_info() - the hardware description of @dev's IOMMU
 * @dev: the device
 * @data: where the driver's info struct goes
 * @len: room at @data
 * @type: receives the IOMMU_HW_INFO_TYPE_* of the struct
 *
 * Return: the full size of the driver's struct, -EOPNOTSUPP when the
 * driver has none.
 */
int emu_dev_hw_info(struct emu_dev *dev, void *data, u32 len, u32 *type)
{
	if (!dev->iommu->ops->hw_info)
		return -EOPNOTSUPP;
	return dev->iommu->ops->hw_info(dev, data, len, type);
}

/**
 * emu_dev_msi_window() - IOVA the device's DMA can never use
 * @dev: the device
 * @start: first IOVA of its MSI doorbell window
 * @last: last IOVA of it
 *
 * Return: 0, or -ENOENT when the device has no such window.
 */
int emu_dev_msi_window(struct emu_dev *dev, u64 *start, u64 *last)
{
	if (!dev->iommu->ops->msi_window)
		return -ENOENT;
	return dev->iommu->ops->msi_window(dev, start, last);
}

/**
 * emu_dev_caps() - what @dev's IOMMU can do for it
 * @dev: the device
 *
 * Return: EMU_DEV_CAP_* bits.
 */
u32 emu_dev_caps(struct emu_dev *dev)
{
	if (!dev->iommu->ops->dev_caps)
		return 0;
	return dev->iommu->ops->dev_caps(dev);
}

/*
 * What drivers add with the issues that need them: nested domains, user
 * cache invalidation and dirty tracking (vIOMMUs are in viommu.c). A
 * driver fills only what it supports; for the rest the core answers
 * EOPNOTSUPP.
 */

/**
 * emu_domain_alloc_nested() - a user-managed domain nested on @parent
 * @dev: a device that will use it
 * @parent: a paging domain of @dev's instance, allocated as a nest parent
 * @flags: EMU_DOMAIN_* flags
 * @data: the driver's description of the stage-1 configuration
 *
 * Return: the domain, or an ERR_PTR: -EOPNOTSUPP when the driver has no
 * nesting, -EINVAL for a parent it cannot nest on.
 */
struct emu_domain *emu_domain_alloc_nested(struct emu_dev *dev,
					   struct emu_domain *parent, u32 flags,
					   const struct emu_user_data *data)
{
	struct emu_domain *domain;

	if (!dev->iommu->ops->domain_alloc_nested)
		return ERR_PTR(-EOPNOTSUPP);
	if (parent->iommu != dev->iommu ||
	    !(parent->flags & EMU_DOMAIN_NEST_PARENT))
		return ERR_PTR(-EINVAL);
	domain = dev->iommu->ops->domain_alloc_nested(dev, parent, flags, data);
	if (IS_ERR(domain))
		return domain;
	domain->type = EMU_DOMAIN_NESTED;
	domain->iommu = dev->iommu;
	domain->flags = flags;
	init_rwsem(&domain->dma_lock);
	return domain;
}

/**
 * emu_domain_cache_invalidate_user() - forward userspace's invalidations
 * @domain: a nested domain
 * @array: the requests; @array->entry_num is set to how many were handled
 *
 * Return: 0 or an errno from the driver; -EOPNOTSUPP without support.
 */
int emu_domain_cache_invalidate_user(struct emu_domain *domain,
				     struct emu_user_array *array)
{
	if (!domain->ops->cache_invalidate_user) {
		array->entry_num = 0;
		return -EOPNOTSUPP;
	}
	return domain->ops->cache_invalidate_user(domain, array);
}

/**
 * emu_domain_can_track_dirty() - can @domain record DMA writes?
 * @domain: any domain
 *
 * Only paging domains allocated with EMU_DOMAIN_DIRTY_TRACKING by a driver
 * that implements both dirty-tracking operations can; a device that cannot
 * report dirty pages never gets such a domain.
 *
 * Return: true when it can.
 */
bool emu_domain_can_track_dirty(struct emu_domain *domain)
{
	return domain->type == EMU_DOMAIN_PAGING &&
	       (domain->flags & EMU_DOMAIN_DIRTY_TRACKING) &&
	       domain->ops->set_dirty_tracking &&
	       domain->ops->read_and_clear_dirty;
}

/**
 * emu_domain_set_dirty_tracking() - start or stop recording DMA writes
 * @domain: a paging domain
 * @enable: start (true) or stop
 *
 * Return: 0, or -EOPNOTSUPP when the domain cannot track dirty pages.
 */
int emu_domain_set_dirty_tracking(struct emu_domain *domain, bool enable)
{
	if (!emu_domain_can_track_dirty(domain))
		return -EOPNOTSUPP;
	return domain->ops->set_dirty_tracking(domain, enable);
}

/**
 * emu_domain_read_and_clear_dirty() - which mappings DMA wrote
 * @domain: a paging domain
 * @iova: first IOVA
 * @size: bytes
 * @clear: forget what is reported
 * @dirty: receives each dirty page or block through emu_dirty_record(),
 *	   whole, even where it reaches outside the range; NULL to only
 *	   clear
 *
 * May sleep. The caller keeps the mappings of the range from changing.
 *
 * Return: 0; -EOPNOTSUPP when the domain cannot track dirty pages; the
 * error @dirty's record returned.
 */
int emu_domain_read_and_clear_dirty(struct emu_domain *domain,
				    unsigned long iova, size_t size,
				    bool clear, struct emu_dirty_bitmap *dirty)
{
	if (!emu_domain_can_track_dirty(domain))
		return -EOPNOTSUPP;
	if (!size)
		return 0;
	return domain->ops->read_and_clear_dirty(domain, iova, size, clear,
						 dirty);
}

/**
 * emu_user_data_copy() - fetch a driver's data struct from userspace
 * @data: where userspace put it, its type and its length
 * @type: the data type the driver expects
 * @dst: the driver's struct
 * @size: sizeof(*@dst)
 * @min_size: where the first version of the struct ended
 *
 * A shorter struct than @size (down to @min_size) is zero-extended. A
 * longer one is refused, even with a zero tail: unlike an ioctl's own
 * struct, driver data of a newer layout is refused by upstream too.
 *
 * Return: 0; -EINVAL for another type or a length below @min_size or above
 * @size; -EFAULT.
 */
int emu_user_data_copy(const struct emu_user_data *data, u32 type, void *dst,
		       size_t size, size_t min_size)
{
	if (data->type != type)
		return -EINVAL;
	if (data->len < min_size || data->len > size)
		return -EINVAL;
	return copy_struct_from_user(dst, size, data->uptr, data->len);
}

/**
 * emu_user_array_copy() - fetch one entry of a userspace array
 * @array: the array
 * @index: the entry, below @array->entry_num
 * @type: the data type the driver expects
 * @dst: the driver's struct for one entry
 * @size: sizeof(*@dst)
 * @min_size: where the first version of the entry struct ended
 *
 * The entry is @array->entry_len bytes long, with the rules of
 * emu_user_data_copy().
 *
 * Return: as emu_user_data_copy().
 */
int emu_user_array_copy(const struct emu_user_array *array, u32 index,
			u32 type, void *dst, size_t size, size_t min_size)
{
	const struct emu_user_data entry = {
		.type = array->type,
		.uptr = array->uptr + (size_t)array->entry_len * index,
		.len = array->entry_len,
	};

	if (WARN_ON(index >= array->entry_num))
		return -EINVAL;
	return emu_user_data_copy(&entry, type, dst, size, min_size);
}
