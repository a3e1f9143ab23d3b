// SPDX-License-Identifier: GPL-2.0
/*
 * HW page tables: IOMMU domains as objects of the context.
 *
 * A paging HWPT wraps a domain of the device's IOMMU instance that mirrors
 * one IOAS: it is filled with the IOAS's areas when created and kept in
 * step by every map and unmap afterwards.
 */
#include <linux/slab.h>
#include <linux/iommufd.h>

#include "iommufd_private.h"
#include "../iommu/emu_iommu.h"

void iommufd_hwpt_paging_destroy(struct iommufd_object *obj)
{
	struct iommufd_hwpt_paging *hwpt =
		container_of(obj, struct iommufd_hwpt_paging, obj);

	if (!list_empty(&hwpt->ioas_node)) {
		mutex_lock(&hwpt->ioas->mutex);
		list_del(&hwpt->ioas_node);
		mutex_unlock(&hwpt->ioas->mutex);
	}
	if (hwpt->domain) {
		iopt_table_remove_domain(&hwpt->ioas->iopt, hwpt->domain);
		emu_domain_free(hwpt->domain);
	}
	refcount_dec(&hwpt->ioas->obj.users);
}

/* Undo an unpublished HWPT while its IOAS's mutex is held */
void iommufd_hwpt_paging_abort(struct iommufd_object *obj)
{
	struct iommufd_hwpt_paging *hwpt =
		container_of(obj, struct iommufd_hwpt_paging, obj);

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
				IOMMU_HWPT_ALLOC_PASID;
	struct iommufd_hwpt_paging *hwpt;
	struct emu_domain *domain;
	u32 emu_flags = 0;
	int rc;

	lockdep_assert_held(&ioas->mutex);

	/* Fault reporting needs fault queues, which come with a later issue */
	if (flags & ~valid_flags)
		return ERR_PTR(-EOPNOTSUPP);
	if ((flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) &&
	    !(emu_dev_caps(idev->dev) & EMU_DEV_CAP_DIRTY_TRACKING))
		return ERR_PTR(-EOPNOTSUPP);
	if (flags & IOMMU_HWPT_ALLOC_NEST_PARENT)
		emu_flags |= EMU_DOMAIN_NEST_PARENT;
	if (flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING)
		emu_flags |= EMU_DOMAIN_DIRTY_TRACKING;
	if (flags & IOMMU_HWPT_ALLOC_PASID)
		emu_flags |= EMU_DOMAIN_PASID;
	if (READ_ONCE(ioas->iopt.disable_large_pages))
		emu_flags |= EMU_DOMAIN_NO_LARGE_PAGES;

	hwpt = iommufd_object_alloc(ictx, struct iommufd_hwpt_paging,
				    IOMMUFD_OBJ_HWPT_PAGING);
	if (IS_ERR(hwpt))
		return hwpt;
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
	hwpt->domain = domain;
	list_add_tail(&hwpt->ioas_node, &ioas->hwpt_list);
	return hwpt;

out_abort:
	iommufd_object_abort_and_destroy(ictx, &hwpt->obj);
	return ERR_PTR(rc);
}

/*
 * A user-managed HWPT nested on @parent. The checks are upstream's, in its
 * order; the drivers' nested domains, and so the HWPT objects holding
 * them, arrive with the SMMUv3 and VT-d issues: until then the IOMMU core
 * answers EOPNOTSUPP for every instance.
 */
static int iommufd_hwpt_nested_alloc(struct iommufd_ucmd *ucmd,
				     struct iommufd_hwpt_paging *parent,
				     struct iommufd_device *idev)
{
	struct iommu_hwpt_alloc *cmd = ucmd->cmd;
	const struct emu_user_data data = {
		.type = cmd->data_type,
		.uptr = u64_to_user_ptr(cmd->data_uptr),
		.len = cmd->data_len,
	};
	struct emu_domain *domain;

	if ((cmd->flags & ~(IOMMU_HWPT_FAULT_ID_VALID |
			    IOMMU_HWPT_ALLOC_PASID)) || !data.len)
		return -EOPNOTSUPP;
	/*
	 * The core checks, after whether the driver nests at all, that the
	 * parent is a nest parent of the device's instance (automatic
	 * domains never are): EINVAL otherwise.
	 */
	domain = emu_domain_alloc_nested(idev->dev, parent->domain,
					 cmd->flags & IOMMU_HWPT_ALLOC_PASID ?
						 EMU_DOMAIN_PASID : 0,
					 &data);
	if (IS_ERR(domain))
		return PTR_ERR(domain);
	/* No driver offers nesting yet, so nothing can get here */
	emu_domain_free(domain);
	return -EOPNOTSUPP;
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
	hwpt = container_of(obj, struct iommufd_hwpt_paging, obj);
	rc = iopt_set_dirty_tracking(&hwpt->ioas->iopt, hwpt->domain,
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
	hwpt = container_of(obj, struct iommufd_hwpt_paging, obj);
	rc = iopt_read_and_clear_dirty(&hwpt->ioas->iopt, hwpt->domain,
				       cmd->iova, cmd->length, cmd->page_size,
				       cmd->data,
				       !(cmd->flags &
					 IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR));
	iommufd_put_object(ucmd->ictx, obj);
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
	struct iommufd_hwpt_paging *hwpt;
	struct iommufd_object *dev_obj;
	struct iommufd_object *pt_obj;
	struct iommufd_ioas *ioas;
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

	/* As upstream: a pt_id that names nothing usable is EINVAL */
	pt_obj = iommufd_get_object(ucmd->ictx, cmd->pt_id, IOMMUFD_OBJ_ANY);
	if (IS_ERR(pt_obj)) {
		rc = -EINVAL;
		goto out_put_dev;
	}
	if (pt_obj->type == IOMMUFD_OBJ_HWPT_PAGING) {
		rc = iommufd_hwpt_nested_alloc(ucmd,
					       container_of(pt_obj,
							    struct iommufd_hwpt_paging,
							    obj),
					       container_of(dev_obj,
							    struct iommufd_device,
							    obj));
		goto out_put_pt;
	}
	if (pt_obj->type != IOMMUFD_OBJ_IOAS) {
		rc = -EINVAL;
		goto out_put_pt;
	}

	ioas = container_of(pt_obj, struct iommufd_ioas, obj);
	mutex_lock(&ioas->mutex);
	/* Typed data on an IOAS shapes the paging domain; the driver checks it */
	hwpt = iommufd_hwpt_paging_alloc(ucmd->ictx, ioas,
					 container_of(dev_obj,
						      struct iommufd_device,
						      obj),
					 cmd->flags, false,
					 data.len ? &data : NULL);
	if (IS_ERR(hwpt)) {
		rc = PTR_ERR(hwpt);
		goto out_unlock;
	}
	cmd->out_hwpt_id = hwpt->obj.id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		iommufd_object_abort_and_destroy(ucmd->ictx, &hwpt->obj);
	else
		iommufd_object_finalize(ucmd->ictx, &hwpt->obj);
out_unlock:
	mutex_unlock(&ioas->mutex);
out_put_pt:
	iommufd_put_object(ucmd->ictx, pt_obj);
out_put_dev:
	iommufd_put_object(ucmd->ictx, dev_obj);
	return rc;
}
