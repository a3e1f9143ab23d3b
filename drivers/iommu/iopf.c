// SPDX-License-Identifier: GPL-2.0
/*
 * Page requests (PCIe PRI): a device asks its IOMMU to make an address
 * present and waits for the answer.
 *
 * Requests arrive in groups; only the last request of a group (the one
 * flagged EMU_PRQ_LAST_PAGE) asks for an answer, so the earlier ones wait
 * on the device until it comes. The complete group is then routed like a
 * DMA of the device would be -- through the attachment of its PASID, or of
 * the RID -- to that domain's fault handler, which owns the group until it
 * answers. The whole routing runs under the group's lock, so it cannot
 * race with an attach, replace or detach: a handler only ever gets groups
 * for a domain that is attached at that moment, and whoever detaches the
 * domain afterwards knows that no new group can arrive for it.
 */
#define pr_fmt(fmt) "iommufd_emu: " fmt

#include <linux/slab.h>

#include "emu_iommu.h"

/*
 * The domain a page request goes to and the attachment (PASID slot) that
 * chose it, or NULL. With an IOMMU whose PASID table is owned by the nested
 * domain on the RID, a PASID without an attachment of its own is served
 * there.
 */
static struct emu_domain *emu_iopf_route(struct emu_dev *dev,
					 const struct emu_page_request *req,
					 u32 *slot)
{
	struct emu_group *group = dev->group;
	struct emu_domain *domain;

	lockdep_assert_held(&group->lock);

	if (req->flags & EMU_PRQ_PASID_VALID) {
		domain = xa_load(&group->domains, req->pasid);
		if (domain) {
			*slot = req->pasid;
			return domain;
		}
		if (!dev->iommu->user_pasid_table)
			return NULL;
		domain = xa_load(&group->domains, EMU_NO_PASID);
		if (!domain || domain->type != EMU_DOMAIN_NESTED)
			return NULL;
	} else {
		domain = xa_load(&group->domains, EMU_NO_PASID);
	}
	*slot = EMU_NO_PASID;
	return domain;
}

/* Move the device's waiting requests of @grpid into @group, oldest first */
static void emu_iopf_collect(struct emu_dev *dev, struct emu_iopf_group *group,
			     u32 grpid)
{
	struct emu_iopf_request *iter, *next;

	list_for_each_entry_safe(iter, next, &dev->iopf_partial, node) {
		if (iter->req.grpid != grpid)
			continue;
		list_move_tail(&iter->node, &group->requests);
		group->nr_requests++;
	}
}

/**
 * emu_dev_report_page_request() - a device sent a page request
 * @dev: the device
 * @req: the request
 *
 * For drivers, acting as their hardware's page request queue. A request
 * that does not close its group is kept until the one that does arrives.
 * A request nobody can handle is answered INVALID at once, and a group the
 * handler refuses is answered FAILURE.
 *
 * Return: 0 when the request was queued or handed over; -ENODEV when no
 * fault handler is attached for it; -ENOMEM.
 */
int emu_dev_report_page_request(struct emu_dev *dev,
				const struct emu_page_request *req)
{
	struct emu_group *group = dev->group;
	struct emu_iopf_request *partial;
	struct emu_iopf_group *iopf;
	struct emu_domain *domain;
	u32 slot;
	int rc;

	mutex_lock(&group->lock);
	domain = emu_iopf_route(dev, req, &slot);
	if (!domain || !domain->iopf_handler) {
		rc = -ENODEV;
		goto out_refuse;
	}

	if (!(req->flags & EMU_PRQ_LAST_PAGE)) {
		/* The device expects no answer to this one */
		partial = kzalloc(sizeof(*partial), GFP_KERNEL);
		if (!partial) {
			rc = -ENOMEM;
			goto out_unlock;
		}
		partial->req = *req;
		list_add_tail(&partial->node, &dev->iopf_partial);
		rc = 0;
		goto out_unlock;
	}

	iopf = kzalloc(sizeof(*iopf), GFP_KERNEL);
	if (!iopf) {
		rc = -ENOMEM;
		goto out_refuse;
	}
	iopf->dev = dev;
	iopf->attach_group = group;
	iopf->attach_pasid = slot;
	iopf->domain = domain;
	INIT_LIST_HEAD(&iopf->requests);
	INIT_LIST_HEAD(&iopf->node);
	emu_iopf_collect(dev, iopf, req->grpid);
	iopf->last.req = *req;
	list_add_tail(&iopf->last.node, &iopf->requests);
	iopf->nr_requests++;

	atomic_inc(&dev->iopf_pending);
	rc = domain->iopf_handler(iopf);
	if (rc) {
		pr_warn_ratelimited("%s: page request group %u of PASID %u refused: %d\n",
				    dev->name, req->grpid, req->pasid, rc);
		emu_iopf_group_respond(iopf, EMU_PAGE_RESP_FAILURE);
		rc = 0;
	}
	mutex_unlock(&group->lock);
	return rc;

out_refuse:
	/* Waiting requests of the group will never be answered either */
	if (req->flags & EMU_PRQ_LAST_PAGE) {
		struct emu_iopf_request *iter, *next;

		list_for_each_entry_safe(iter, next, &dev->iopf_partial, node) {
			if (iter->req.grpid != req->grpid)
				continue;
			list_del(&iter->node);
			kfree(iter);
		}
	}
	emu_dev_dma_page_response(dev, req, EMU_PAGE_RESP_INVALID);
out_unlock:
	mutex_unlock(&group->lock);
	return rc;
}

/**
 * emu_iopf_group_respond() - answer a page request group and free it
 * @group: the group a fault handler took
 * @code: the answer
 *
 * The device's waiting DMA learns the answer (emulated devices are the
 * only ones that send page requests); the group is gone afterwards. Any
 * context that may sleep.
 */
void emu_iopf_group_respond(struct emu_iopf_group *group,
			    enum emu_page_response code)
{
	struct emu_iopf_request *iter, *next;
	struct emu_dev *dev = group->dev;

	emu_dev_dma_page_response(dev, &group->last.req, code);
	list_for_each_entry_safe(iter, next, &group->requests, node) {
		list_del(&iter->node);
		if (iter != &group->last)
			kfree(iter);
	}
	WARN_ON(atomic_dec_return(&dev->iopf_pending) < 0);
	kfree(group);
}

/* The device goes away: forget requests still waiting for their group */
void emu_iopf_drop_partial(struct emu_dev *dev)
{
	struct emu_iopf_request *iter, *next;

	lockdep_assert_held(&dev->group->lock);
	list_for_each_entry_safe(iter, next, &dev->iopf_partial, node) {
		list_del(&iter->node);
		kfree(iter);
	}
}
