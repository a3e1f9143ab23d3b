// SPDX-License-Identifier: GPL-2.0
/*
 * HW page tables: IOMMU domains as objects of the context.
 *
 * A paging HWPT wraps a domain of the device's IOMMU instance that mirrors
 * one IOAS: it is filled with the IOAS's areas when created and kept in
 * step by every map and unmap afterwards.
 *
 * A nested HWPT wraps a domain whose first stage userspace owns, described
 * by driver data, over the stage 2 of a paging HWPT allocated as a nesting
 * parent. The parent cannot be destroyed while nested HWPTs use it, and
 * userspace flushes the nested domain's caches with IOMMU_HWPT_INVALIDATE
 * after changing its stage 1.
 *
 * Either kind may be connected to a fault queue at allocation: page
 * requests routed to its domain are then read from the queue's fd.
 */
#include <linux/slab.h>
#include <linux/iommufd.h>

#include "iommufd_private.h"
#include "../iommu/emu_iommu.h"

/* What every HWPT holds apart from its kind's own references */
static void iommufd_hwpt_release(struct iommufd_hw_pagetable *hwpt)
{
	if (hwpt->domain)
		emu_domain_free(hwpt->domain);
	if (hwpt->fault)
		refcount_dec(&hwpt->fault->common.obj.users);
}

void iommufd_hwpt_paging_destroy(struct iommufd_object *obj)
{
	struct iommufd_hwpt_paging *hwpt =
		container_of(obj, struct iommufd_hwpt_paging, common.obj);

	if (!list_empty(&hwpt->ioas_node)) {
		mutex_lock(&hwpt->ioas->mutex);
		list_del(&hwpt->ioas_node);
		mutex_unlock(&hwpt->ioas->mutex);
	}
	if (hwpt->common.domain)
		iopt_table_remove_domain(&hwpt->ioas->iopt,
					 hwpt->common.domain);
	iommufd_hwpt_release(&hwpt->common);
	refcount_dec(&hwpt->ioas->obj.users);
}

/* Undo an unpublished HWPT while its IOAS's mutex is held */
void iommufd_hwpt_paging_abort(struct iommufd_object *obj)
{
	struct iommufd_hwpt_paging *hwpt =
		container_of(obj, struct iommufd_hwpt_paging, common.obj);

	lockdep_assert_held(&hwpt->ioas->mutex);
	list_del_init(&hwpt->ioas_node);
	iommufd_hwpt_paging_destroy(obj);
}

/**
 * iommufd_hwpt_paging_alloc() - a paging HWPT mirroring @ioas
 * @ictx: the context
 * @ioas: the IOAS; the caller holds @ioas->mutex
 * @idev: a device of the IOMMU instance the domain is for
 * @flags: IOMMU_HWPT_ALLOC_* flags
 * @auto_domain: created by attaching to the IOAS rather than by HWPT_ALLOC
 * @data: driver-specific description of the domain, or NULL
 *
 * The object is returned unpublished: finalize it or abort it.
 *
 * Return: the HWPT or an ERR_PTR: -EOPNOTSUPP for flags the instance or
 * device cannot honour, -EADDRINUSE when existing mappings do not fit the
 * domain, -ENOMEM, pinning errors, the driver's verdict on @data.
 */
struct iommufd_hwpt_paging *
iommufd_hwpt_paging_alloc(struct iommufd_ctx *ictx, struct iommufd_ioas *ioas,
			  struct iommufd_device *idev, u32 flags,
			  bool auto_domain, const struct emu_user_data *data)
{
	const u32 valid_flags = IOMMU_HWPT_ALLOC_NEST_PARENT |
				IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
				IOMMU_HWPT_FAULT_ID_VALID |
				IOMMU_HWPT_ALLOC_PASID;
	struct iommufd_hwpt_paging *hwpt;
	struct emu_domain *domain;
	u32 emu_flags = 0;
	int rc;

	lockdep_assert_held(&ioas->mutex);

	if (flags & ~valid_flags)
		return ERR_PTR(-EOPNOTSUPP);
	if ((flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) &&
	    !(emu_dev_caps(idev->dev) & EMU_DEV_CAP_DIRTY_TRACKING))
		return ERR_PTR(-EOPNOTSUPP);
	/* Page requests are served by the stage 1 nested on a parent */
	if ((flags & IOMMU_HWPT_FAULT_ID_VALID) &&
	    (flags & IOMMU_HWPT_ALLOC_NEST_PARENT))
		return ERR_PTR(-EOPNOTSUPP);
	if (flags & IOMMU_HWPT_ALLOC_NEST_PARENT)
		emu_flags |= EMU_DOMAIN_NEST_PARENT;
	if (flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING)
		emu_flags |= EMU_DOMAIN_DIRTY_TRACKING;
	if (flags & IOMMU_HWPT_ALLOC_PASID)
		emu_flags |= EMU_DOMAIN_PASID;
	if (READ_ONCE(ioas->iopt.disable_large_pages))
		emu_flags |= EMU_DOMAIN_NO_LARGE_PAGES;

	hwpt = __iommufd_object_alloc(ictx, struct iommufd_hwpt_paging,
				      common.obj, IOMMUFD_OBJ_HWPT_PAGING);
	if (IS_ERR(hwpt))
		return hwpt;
	hwpt->common.pasid_compat = flags & IOMMU_HWPT_ALLOC_PASID;
	INIT_LIST_HEAD(&hwpt->ioas_node);
	/* Pairs with the put in iommufd_hwpt_paging_destroy() */
	refcount_inc(&ioas->obj.users);
	hwpt->ioas = ioas;
	hwpt->auto_domain = auto_domain;
	hwpt->nest_parent = flags & IOMMU_HWPT_ALLOC_NEST_PARENT;

	domain = emu_domain_alloc_paging_user(idev->dev, emu_flags, data);
	if (IS_ERR(domain)) {
		rc = PTR_ERR(domain);
		goto out_abort;
	}
	rc = iopt_table_add_domain(&ioas->iopt, domain);
	if (rc) {
		emu_domain_free(domain);
		goto out_abort;
	}
	hwpt->common.domain = domain;
	list_add_tail(&hwpt->ioas_node, &ioas->hwpt_list);
	return hwpt;

out_abort:
	iommufd_object_abort_and_destroy(ictx, &hwpt->common.obj);
	return ERR_PTR(rc);
}

void iommufd_hwpt_nested_destroy(struct iommufd_object *obj)
{
	struct iommufd_hwpt_nested *hwpt =
		container_of(obj, struct iommufd_hwpt_nested, common.obj);

	iommufd_hwpt_release(&hwpt->common);
	refcount_dec(&hwpt->holder->users);
}

/**
 * iommufd_hwpt_nested_flags_ok() - can a nested HWPT be made with these?
 * @flags: IOMMU_HWPT_ALLOC_* flags; a fault queue is the caller's business
 * @data: the driver data userspace passed
 *
 * Return: 0, or -EOPNOTSUPP for other flags or no driver data.
 */
int iommufd_hwpt_nested_flags_ok(u32 flags, const struct emu_user_data *data)
{
	if ((flags & ~(IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID)) ||
	    !data->len)
		return -EOPNOTSUPP;
	return 0;
}

/**
 * iommufd_hwpt_nested_create() - the object of a new nested HWPT
 * @ictx: the context
 * @parent: the nesting parent it translates through
 * @holder: the object that keeps @parent alive and that the nested HWPT
 *	    holds a users reference on: @parent's own object, or a vIOMMU
 *	    built on @parent
 * @flags: IOMMU_HWPT_ALLOC_* flags, already checked
 * @domain: its nested domain, from whatever @holder is; the HWPT owns it
 *	    from here on, also when this fails
 *
 * Returned unpublished: the caller finalizes the object, or aborts it with
 * iommufd_object_abort_and_destroy().
 *
 * Return: the HWPT or an ERR_PTR.
 */
struct iommufd_hwpt_nested *
iommufd_hwpt_nested_create(struct iommufd_ctx *ictx,
			   struct iommufd_hwpt_paging *parent,
			   struct iommufd_object *holder, u32 flags,
			   struct emu_domain *domain)
{
	struct iommufd_hwpt_nested *hwpt;

	if (IS_ERR(domain))
		return ERR_CAST(domain);
	hwpt = __iommufd_object_alloc(ictx, struct iommufd_hwpt_nested,
				      common.obj, IOMMUFD_OBJ_HWPT_NESTED);
	if (IS_ERR(hwpt)) {
		emu_domain_free(domain);
		return hwpt;
	}
	hwpt->common.domain = domain;
	hwpt->common.pasid_compat = flags & IOMMU_HWPT_ALLOC_PASID;
	hwpt->parent = parent;
	/* Pairs with the put in iommufd_hwpt_nested_destroy() */
	refcount_inc(&holder->users);
	hwpt->holder = holder;
	return hwpt;
}

/*
 * A nested HWPT on the nesting parent @parent. A parent made by attaching
 * to an IOAS is never one: those are allocated without the flag.
 */
static struct iommufd_hwpt_nested *
iommufd_hwpt_nested_alloc(struct iommufd_ctx *ictx,
			  struct iommufd_hwpt_paging *parent,
			  struct iommufd_device *idev, u32 flags,
			  const struct emu_user_data *data)
{
	struct emu_domain *domain;
	int rc;

	rc = iommufd_hwpt_nested_flags_ok(flags, data);
	if (rc)
		return ERR_PTR(rc);
	/*
	 * The core checks, after whether the driver nests at all, that the
	 * parent is a nest parent of the device's instance: EINVAL otherwise.
	 */
	domain = emu_domain_alloc_nested(idev->dev, parent->common.domain,
					 flags & IOMMU_HWPT_ALLOC_PASID ?
						 EMU_DOMAIN_PASID : 0,
					 data);
	return iommufd_hwpt_nested_create(ictx, parent, &parent->common.obj,
					  flags, domain);
}

/**
 * iommufd_get_hwpt() - look up a HWPT of either kind for the current ioctl
 * @ictx: the context
 * @id: the id from userspace
 *
 * Pair with iommufd_put_object() on the returned HWPT's object.
 *
 * Return: the HWPT, or an ERR_PTR: -ENOENT for an unknown id, -EINVAL for
 * an object that is not a HWPT.
 */
struct iommufd_hw_pagetable *iommufd_get_hwpt(struct iommufd_ctx *ictx,
					      u32 id)
{
	struct iommufd_object *obj;

	obj = iommufd_get_object(ictx, id, IOMMUFD_OBJ_ANY);
	if (IS_ERR(obj))
		return ERR_CAST(obj);
	if (obj->type != IOMMUFD_OBJ_HWPT_PAGING &&
	    obj->type != IOMMUFD_OBJ_HWPT_NESTED) {
		iommufd_put_object(ictx, obj);
		return ERR_PTR(-EINVAL);
	}
	return container_of(obj, struct iommufd_hw_pagetable, obj);
}

/* Send the page requests that reach @hwpt's domain to a fault queue */
static int iommufd_hwpt_connect_fault(struct iommufd_ctx *ictx,
				      struct iommufd_hw_pagetable *hwpt,
				      u32 fault_id)
{
	struct iommufd_fault *fault;

	fault = iommufd_get_fault(ictx, fault_id);
	if (IS_ERR(fault))
		return PTR_ERR(fault);
	/* Pairs with the put in iommufd_hwpt_release() */
	refcount_inc(&fault->common.obj.users);
	hwpt->fault = fault;
	/* Not attached anywhere yet, so no page request can race with this */
	hwpt->domain->iopf_data = hwpt;
	hwpt->domain->iopf_handler = iommufd_fault_iopf_handler;
	iommufd_put_object(ictx, &fault->common.obj);
	return 0;
}

/*
 * Upstream checks only the flags here and ignores __reserved; so do we, so
 * that a program that works on upstream works on us.
 */
int iommufd_hwpt_set_dirty_tracking(struct iommufd_ucmd *ucmd)
{
	struct iommu_hwpt_set_dirty_tracking *cmd = ucmd->cmd;
	struct iommufd_hwpt_paging *hwpt;
	struct iommufd_object *obj;
	int rc;

	if (cmd->flags & ~IOMMU_HWPT_DIRTY_TRACKING_ENABLE)
		return -EOPNOTSUPP;

	obj = iommufd_get_object(ucmd->ictx, cmd->hwpt_id,
				 IOMMUFD_OBJ_HWPT_PAGING);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	hwpt = container_of(obj, struct iommufd_hwpt_paging, common.obj);
	rc = iopt_set_dirty_tracking(&hwpt->ioas->iopt, hwpt->common.domain,
				     cmd->flags &
				     IOMMU_HWPT_DIRTY_TRACKING_ENABLE);
	iommufd_put_object(ucmd->ictx, obj);
	return rc;
}

int iommufd_hwpt_get_dirty_bitmap(struct iommufd_ucmd *ucmd)
{
	struct iommu_hwpt_get_dirty_bitmap *cmd = ucmd->cmd;
	struct iommufd_hwpt_paging *hwpt;
	struct iommufd_object *obj;
	int rc;

	if ((cmd->flags & ~IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) ||
	    cmd->__reserved)
		return -EOPNOTSUPP;

	obj = iommufd_get_object(ucmd->ictx, cmd->hwpt_id,
				 IOMMUFD_OBJ_HWPT_PAGING);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	hwpt = container_of(obj, struct iommufd_hwpt_paging, common.obj);
	rc = iopt_read_and_clear_dirty(&hwpt->ioas->iopt, hwpt->common.domain,
				       cmd->iova, cmd->length, cmd->page_size,
				       cmd->data,
				       !(cmd->flags &
					 IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR));
	iommufd_put_object(ucmd->ictx, obj);
	return rc;
}

/*
 * The last steps of IOMMU_HWPT_ALLOC for either kind: connect the fault
 * queue, answer, and publish the new HWPT -- or undo it.
 */
static int iommufd_hwpt_alloc_finish(struct iommufd_ucmd *ucmd,
				     struct iommufd_hw_pagetable *hwpt)
{
	struct iommu_hwpt_alloc *cmd = ucmd->cmd;
	int rc;

	if (cmd->flags & IOMMU_HWPT_FAULT_ID_VALID) {
		rc = iommufd_hwpt_connect_fault(ucmd->ictx, hwpt,
						cmd->fault_id);
		if (rc)
			goto out_abort;
	}
	cmd->out_hwpt_id = hwpt->obj.id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_abort;
	iommufd_object_finalize(ucmd->ictx, &hwpt->obj);
	return 0;

out_abort:
	iommufd_object_abort_and_destroy(ucmd->ictx, &hwpt->obj);
	return rc;
}

/* A paging HWPT on @ioas; its mutex is held until it is published */
static int iommufd_hwpt_alloc_paging(struct iommufd_ucmd *ucmd,
				     struct iommufd_ioas *ioas,
				     struct iommufd_device *idev)
{
	struct iommu_hwpt_alloc *cmd = ucmd->cmd;
	const struct emu_user_data data = {
		.type = cmd->data_type,
		.uptr = u64_to_user_ptr(cmd->data_uptr),
		.len = cmd->data_len,
	};
	struct iommufd_hwpt_paging *hwpt;
	int rc;

	mutex_lock(&ioas->mutex);
	/* Typed data on an IOAS shapes the paging domain; the driver checks it */
	hwpt = iommufd_hwpt_paging_alloc(ucmd->ictx, ioas, idev, cmd->flags,
					 false, data.len ? &data : NULL);
	if (IS_ERR(hwpt))
		rc = PTR_ERR(hwpt);
	else
		rc = iommufd_hwpt_alloc_finish(ucmd, &hwpt->common);
	mutex_unlock(&ioas->mutex);
	return rc;
}

int iommufd_hwpt_alloc(struct iommufd_ucmd *ucmd)
{
	struct iommu_hwpt_alloc *cmd = ucmd->cmd;
	const struct emu_user_data data = {
		.type = cmd->data_type,
		.uptr = u64_to_user_ptr(cmd->data_uptr),
		.len = cmd->data_len,
	};
	struct iommufd_hwpt_nested *nested;
	struct iommufd_object *dev_obj;
	struct iommufd_object *pt_obj;
	struct iommufd_device *idev;
	int rc;

	if (cmd->__reserved || cmd->__reserved2)
		return -EOPNOTSUPP;
	if ((cmd->data_type == IOMMU_HWPT_DATA_NONE && cmd->data_len) ||
	    (cmd->data_type != IOMMU_HWPT_DATA_NONE && !cmd->data_len))
		return -EINVAL;

	dev_obj = iommufd_get_object(ucmd->ictx, cmd->dev_id,
				     IOMMUFD_OBJ_DEVICE);
	if (IS_ERR(dev_obj))
		return PTR_ERR(dev_obj);
	idev = container_of(dev_obj, struct iommufd_device, obj);

	/* As upstream: a pt_id that names nothing usable is EINVAL */
	pt_obj = iommufd_get_object(ucmd->ictx, cmd->pt_id, IOMMUFD_OBJ_ANY);
	if (IS_ERR(pt_obj)) {
		rc = -EINVAL;
		goto out_put_dev;
	}

	switch (pt_obj->type) {
	case IOMMUFD_OBJ_IOAS:
		rc = iommufd_hwpt_alloc_paging(ucmd,
					       container_of(pt_obj,
							    struct iommufd_ioas,
							    obj),
					       idev);
		break;
	case IOMMUFD_OBJ_HWPT_PAGING:
		nested = iommufd_hwpt_nested_alloc(ucmd->ictx,
						   container_of(pt_obj,
								struct iommufd_hwpt_paging,
								common.obj),
						   idev, cmd->flags, &data);
		if (IS_ERR(nested))
			rc = PTR_ERR(nested);
		else
			rc = iommufd_hwpt_alloc_finish(ucmd, &nested->common);
		break;
	case IOMMUFD_OBJ_VIOMMU:
		nested = iommufd_viommu_alloc_hwpt_nested(ucmd->ictx,
							  container_of(pt_obj,
								       struct iommufd_viommu,
								       obj),
							  idev, cmd->flags,
							  &data);
		if (IS_ERR(nested))
			rc = PTR_ERR(nested);
		else
			rc = iommufd_hwpt_alloc_finish(ucmd, &nested->common);
		break;
	default:
		rc = -EINVAL;
		break;
	}

	iommufd_put_object(ucmd->ictx, pt_obj);
out_put_dev:
	iommufd_put_object(ucmd->ictx, dev_obj);
	return rc;
}

/* Bounds that keep one IOMMU_HWPT_INVALIDATE from hogging the CPU */
#define IOMMUFD_INVALIDATE_ENTRY_LEN_MAX	PAGE_SIZE
#define IOMMUFD_INVALIDATE_ENTRY_NUM_MAX	BIT(19)

int iommufd_hwpt_invalidate(struct iommufd_ucmd *ucmd)
{
	struct iommu_hwpt_invalidate *cmd = ucmd->cmd;
	struct emu_user_array array = {
		.type = cmd->data_type,
		.uptr = u64_to_user_ptr(cmd->data_uptr),
		.entry_len = cmd->entry_len,
		.entry_num = cmd->entry_num,
	};
	struct iommufd_object *obj;
	u32 done = 0;
	int rc;

	if (cmd->__reserved) {
		rc = -EOPNOTSUPP;
		goto out_respond;
	}
	/* An empty array only asks whether data_type is supported */
	if (cmd->entry_num &&
	    (!cmd->data_uptr || !cmd->entry_len ||
	     cmd->entry_len > IOMMUFD_INVALIDATE_ENTRY_LEN_MAX ||
	     cmd->entry_num > IOMMUFD_INVALIDATE_ENTRY_NUM_MAX)) {
		rc = -EINVAL;
		goto out_respond;
	}

	obj = iommufd_get_object(ucmd->ictx, cmd->hwpt_id, IOMMUFD_OBJ_ANY);
	if (IS_ERR(obj)) {
		rc = PTR_ERR(obj);
		goto out_respond;
	}
	switch (obj->type) {
	case IOMMUFD_OBJ_HWPT_NESTED: {
		struct iommufd_hw_pagetable *hwpt =
			container_of(obj, struct iommufd_hw_pagetable, obj);

		rc = emu_domain_cache_invalidate_user(hwpt->domain, &array);
		done = array.entry_num;
		break;
	}
	case IOMMUFD_OBJ_VIOMMU:
		/* Caches of the vIOMMU itself, e.g. those of its devices */
		rc = emu_viommu_cache_invalidate(container_of(obj,
							      struct iommufd_viommu,
							      obj)->core,
						 &array);
		done = array.entry_num;
		break;
	default:
		/* A paging HWPT's caches are the kernel's business */
		rc = -EINVAL;
		break;
	}
	iommufd_put_object(ucmd->ictx, obj);

out_respond:
	/* Whatever happened, entry_num tells how many entries were handled */
	cmd->entry_num = done;
	if (iommufd_ucmd_respond(ucmd, sizeof(*cmd)))
		return -EFAULT;
	return rc;
}
