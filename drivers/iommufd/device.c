// SPDX-License-Identifier: GPL-2.0
/*
 * Devices bound to a context, and the device-centric attach model.
 *
 * Userspace attaches devices, but the hardware switches groups. Each
 * context keeps, per hardware group and PASID, the HWPT the group is
 * attached to and the explicit set of devices that asked for it:
 *  - the first device to attach switches the group's hardware;
 *  - a sibling asking for a different HWPT is refused with EINVAL;
 *  - replace moves the whole group in one step, and is a no-op when the
 *    target is current;
 *  - only when the last device of the set detaches is the group blocked.
 * "Last device" comes from the set, never from comparing domains.
 *
 * Every attached device holds a users reference on its HWPT. Lock order:
 * ioas->mutex -> iommufd_group::lock -> emu_group::lock.
 */
#include <linux/slab.h>
#include <linux/iommufd.h>

#include "iommufd_private.h"
#include "../iommu/emu_iommu.h"

/* Per PASID of a group: the HWPT and the devices that attached to it */
struct iommufd_attach {
	struct iommufd_hw_pagetable *hwpt;
	struct xarray devices;	/* idev id -> idev */
};

static void iommufd_group_release(struct kref *kref)
{
	struct iommufd_group *igroup =
		container_of(kref, struct iommufd_group, kref);

	xa_cmpxchg(&igroup->ictx->groups, igroup->group->id, igroup, NULL,
		   GFP_KERNEL);
	WARN_ON(!xa_empty(&igroup->pasid_attach));
	xa_destroy(&igroup->pasid_attach);
	mutex_destroy(&igroup->lock);
	kfree(igroup);
}

static void iommufd_group_put(struct iommufd_group *igroup)
{
	kref_put(&igroup->kref, iommufd_group_release);
}

/* The context's view of @group, created by its first bound device */
static struct iommufd_group *iommufd_group_get(struct iommufd_ctx *ictx,
					       struct emu_group *group)
{
	struct iommufd_group *igroup, *cur;

	xa_lock(&ictx->groups);
	igroup = xa_load(&ictx->groups, group->id);
	if (igroup && kref_get_unless_zero(&igroup->kref)) {
		xa_unlock(&ictx->groups);
		return igroup;
	}
	xa_unlock(&ictx->groups);

	igroup = kzalloc(sizeof(*igroup), GFP_KERNEL_ACCOUNT);
	if (!igroup)
		return ERR_PTR(-ENOMEM);
	kref_init(&igroup->kref);
	mutex_init(&igroup->lock);
	xa_init(&igroup->pasid_attach);
	igroup->ictx = ictx;
	igroup->group = group;

	/*
	 * Only one context can own a group, so the only race is with the
	 * release of a dying entry of our own: replace that one.
	 */
	xa_lock(&ictx->groups);
	cur = xa_load(&ictx->groups, group->id);
	if (cur && kref_get_unless_zero(&cur->kref)) {
		xa_unlock(&ictx->groups);
		mutex_destroy(&igroup->lock);
		kfree(igroup);
		return cur;
	}
	cur = __xa_store(&ictx->groups, group->id, igroup, GFP_KERNEL);
	xa_unlock(&ictx->groups);
	if (xa_is_err(cur)) {
		mutex_destroy(&igroup->lock);
		kfree(igroup);
		return ERR_PTR(xa_err(cur));
	}
	return igroup;
}

/**
 * iommufd_device_bind() - bind a device to a context
 * @ictx: the context, which becomes the DMA owner of the device's group
 * @dev: the device
 *
 * The caller keeps a reference on the returned object until
 * iommufd_device_unbind(), so IOMMU_DESTROY of it fails with EBUSY.
 *
 * Return: the device object, or an ERR_PTR: -EPERM when another context
 * owns the group, -ENOMEM.
 */
struct iommufd_device *iommufd_device_bind(struct iommufd_ctx *ictx,
					   struct emu_dev *dev)
{
	struct iommufd_group *igroup;
	struct iommufd_device *idev;
	int rc;

	rc = emu_dev_claim_dma_owner(dev, ictx);
	if (rc)
		return ERR_PTR(rc);

	igroup = iommufd_group_get(ictx, dev->group);
	if (IS_ERR(igroup)) {
		rc = PTR_ERR(igroup);
		goto out_release_owner;
	}

	idev = iommufd_object_alloc(ictx, struct iommufd_device,
				    IOMMUFD_OBJ_DEVICE);
	if (IS_ERR(idev)) {
		rc = PTR_ERR(idev);
		goto out_group_put;
	}
	idev->ictx = ictx;
	idev->dev = dev;
	idev->igroup = igroup;
	/* The binder's reference */
	refcount_inc(&idev->obj.users);
	iommufd_object_finalize(ictx, &idev->obj);
	return idev;

out_group_put:
	iommufd_group_put(igroup);
out_release_owner:
	emu_dev_release_dma_owner(dev);
	return ERR_PTR(rc);
}

/**
 * iommufd_device_id() - the id userspace uses for a bound device
 * @idev: the device
 *
 * Return: the object id.
 */
u32 iommufd_device_id(struct iommufd_device *idev)
{
	return idev->obj.id;
}

void iommufd_device_destroy(struct iommufd_object *obj)
{
	struct iommufd_device *idev =
		container_of(obj, struct iommufd_device, obj);

	iommufd_group_put(idev->igroup);
	emu_dev_release_dma_owner(idev->dev);
}

/**
 * iommufd_device_unbind() - undo iommufd_device_bind()
 * @idev: the device, detached from everything
 */
void iommufd_device_unbind(struct iommufd_device *idev)
{
	struct iommufd_ctx *ictx = idev->ictx;

	/* Its vDEVICE goes first, leaving a tombstone; it holds the device */
	iommufd_device_remove_vdev(idev);
	/* Drop the binder's reference; wait out running ioctls */
	refcount_dec(&idev->obj.users);
	iommufd_object_remove(ictx, idev->obj.id, true);
}

/* Drop a device's reference on a HWPT; an unused auto domain goes too. */
static void iommufd_hwpt_put(struct iommufd_ctx *ictx,
			     struct iommufd_hw_pagetable *hwpt)
{
	bool auto_domain = hwpt->obj.type == IOMMUFD_OBJ_HWPT_PAGING &&
			   to_hwpt_paging(hwpt)->auto_domain;
	u32 id = hwpt->obj.id;

	refcount_dec(&hwpt->obj.users);
	/* Fails harmlessly with EBUSY while somebody else uses it */
	if (auto_domain)
		iommufd_object_remove(ictx, id, false);
}

/*
 * Keep the device's MSI doorbell window out of @ioas while it is attached
 * there; tagged with the device so that detach removes exactly it.
 */
static int iommufd_device_reserve_msi(struct iommufd_device *idev,
				      struct iommufd_ioas *ioas)
{
	u64 start, last;

	if (emu_dev_msi_window(idev->dev, &start, &last))
		return 0;
	return iopt_reserve_iova(&ioas->iopt, start, last, idev);
}

/*
 * A HWPT allocated with IOMMU_HWPT_ALLOC_PASID may serve PASIDs, and only
 * such a HWPT may serve the RID while PASIDs of the group are attached:
 * the hardware may tag the RID's translation differently otherwise.
 */
static int iommufd_hwpt_pasid_compat(struct iommufd_hw_pagetable *hwpt,
				     struct iommufd_group *igroup, u32 pasid)
{
	struct iommufd_attach *rid_attach;
	unsigned long index = EMU_NO_PASID;

	lockdep_assert_held(&igroup->lock);

	if (pasid == EMU_NO_PASID) {
		if (!hwpt->pasid_compat &&
		    xa_find_after(&igroup->pasid_attach, &index, ULONG_MAX,
				  XA_PRESENT))
			return -EINVAL;
		return 0;
	}
	if (!hwpt->pasid_compat)
		return -EINVAL;
	rid_attach = xa_load(&igroup->pasid_attach, EMU_NO_PASID);
	if (rid_attach && rid_attach->hwpt &&
	    !rid_attach->hwpt->pasid_compat)
		return -EINVAL;
	return 0;
}

static int iommufd_hwpt_attach(struct iommufd_hw_pagetable *hwpt,
			       struct iommufd_device *idev, u32 pasid)
{
	struct iommufd_ioas *ioas = iommufd_hwpt_backing(hwpt)->ioas;
	struct iommufd_group *igroup = idev->igroup;
	struct iommufd_attach *attach;
	bool new_attach = false;
	int rc;

	mutex_lock(&igroup->lock);
	attach = xa_load(&igroup->pasid_attach, pasid);
	if (!attach) {
		attach = kzalloc(sizeof(*attach), GFP_KERNEL_ACCOUNT);
		if (!attach) {
			rc = -ENOMEM;
			goto out_unlock;
		}
		xa_init(&attach->devices);
		rc = xa_err(xa_store(&igroup->pasid_attach, pasid, attach,
				     GFP_KERNEL_ACCOUNT));
		if (rc) {
			kfree(attach);
			goto out_unlock;
		}
		new_attach = true;
	}

	if (xa_load(&attach->devices, idev->obj.id)) {
		rc = -EBUSY;
		goto out_free;
	}
	/* Every device of a group uses the same HWPT */
	if (attach->hwpt && attach->hwpt != hwpt) {
		rc = -EINVAL;
		goto out_free;
	}
	if (!attach->hwpt) {
		rc = iommufd_hwpt_pasid_compat(hwpt, igroup, pasid);
		if (rc)
			goto out_free;
	}
	/* Each device's own reserved window, even when it only joins */
	if (pasid == EMU_NO_PASID) {
		rc = iommufd_device_reserve_msi(idev, ioas);
		if (rc)
			goto out_free;
	}
	rc = xa_err(xa_store(&attach->devices, idev->obj.id, idev,
			     GFP_KERNEL_ACCOUNT));
	if (rc)
		goto out_unreserve;

	/* The first device switches the group's hardware */
	if (!attach->hwpt) {
		mutex_lock(&igroup->group->lock);
		rc = emu_group_set_domain(igroup->group, pasid, hwpt->domain);
		mutex_unlock(&igroup->group->lock);
		if (rc) {
			xa_erase(&attach->devices, idev->obj.id);
			goto out_unreserve;
		}
		attach->hwpt = hwpt;
	}
	refcount_inc(&hwpt->obj.users);
	mutex_unlock(&igroup->lock);
	return 0;

out_unreserve:
	if (pasid == EMU_NO_PASID)
		iopt_remove_reserved_iova(&ioas->iopt, idev);
out_free:
	if (new_attach) {
		xa_erase(&igroup->pasid_attach, pasid);
		xa_destroy(&attach->devices);
		kfree(attach);
	}
out_unlock:
	mutex_unlock(&igroup->lock);
	return rc;
}

/* Returns the HWPT the device was attached to, or NULL */
static struct iommufd_hw_pagetable *
iommufd_hwpt_detach(struct iommufd_device *idev, u32 pasid)
{
	struct iommufd_group *igroup = idev->igroup;
	struct iommufd_hw_pagetable *hwpt = NULL;
	struct iommufd_attach *attach;

	mutex_lock(&igroup->lock);
	attach = xa_load(&igroup->pasid_attach, pasid);
	if (!attach || !xa_erase(&attach->devices, idev->obj.id))
		goto out_unlock;
	hwpt = attach->hwpt;
	if (pasid == EMU_NO_PASID)
		iopt_remove_reserved_iova(&iommufd_hwpt_backing(hwpt)->ioas->iopt,
					  idev);
	/* The last device of the set releases the group's hardware */
	if (xa_empty(&attach->devices)) {
		mutex_lock(&igroup->group->lock);
		emu_group_block(igroup->group, pasid);
		mutex_unlock(&igroup->group->lock);
		/* No new page request reaches the domain through here now */
		iommufd_fault_auto_respond(hwpt, igroup->group, pasid, NULL);
		xa_erase(&igroup->pasid_attach, pasid);
		xa_destroy(&attach->devices);
		kfree(attach);
	} else {
		/* The others keep it; the device's own requests end here */
		iommufd_fault_auto_respond(hwpt, igroup->group, pasid,
					   idev->dev);
	}
out_unlock:
	mutex_unlock(&igroup->lock);
	return hwpt;
}

static int iommufd_hwpt_replace(struct iommufd_hw_pagetable *hwpt,
				struct iommufd_device *idev, u32 pasid,
				struct iommufd_hw_pagetable **old_out)
{
	struct iommufd_ioas *ioas = iommufd_hwpt_backing(hwpt)->ioas;
	struct iommufd_group *igroup = idev->igroup;
	struct iommufd_hw_pagetable *old;
	struct iommufd_attach *attach;
	unsigned long ndevices = 0;
	struct iommufd_device *iter;
	struct iommufd_ioas *old_ioas;
	unsigned long index;
	bool move_msi;
	int rc;

	*old_out = NULL;
	mutex_lock(&igroup->lock);
	attach = xa_load(&igroup->pasid_attach, pasid);
	/* Replace needs this very device attached, not just a sibling */
	if (!attach || !xa_load(&attach->devices, idev->obj.id)) {
		rc = -EINVAL;
		goto out_unlock;
	}
	old = attach->hwpt;
	if (old == hwpt) {
		rc = 0;
		goto out_unlock;
	}
	rc = iommufd_hwpt_pasid_compat(hwpt, igroup, pasid);
	if (rc)
		goto out_unlock;

	/* Moving IOAS: every attached device's window must fit the new one */
	old_ioas = iommufd_hwpt_backing(old)->ioas;
	move_msi = pasid == EMU_NO_PASID && ioas != old_ioas;
	if (move_msi) {
		xa_for_each(&attach->devices, index, iter) {
			rc = iommufd_device_reserve_msi(iter, ioas);
			if (rc)
				goto out_unreserve;
		}
	}

	mutex_lock(&igroup->group->lock);
	rc = emu_group_set_domain(igroup->group, pasid, hwpt->domain);
	mutex_unlock(&igroup->group->lock);
	if (rc)
		goto out_unreserve;
	attach->hwpt = hwpt;
	/* Groups the old domain took are answered: it is gone from here */
	iommufd_fault_auto_respond(old, igroup->group, pasid, NULL);
	if (move_msi) {
		xa_for_each(&attach->devices, index, iter)
			iopt_remove_reserved_iova(&old_ioas->iopt, iter);
	}

	/* Move one reference per attached device */
	xa_for_each(&attach->devices, index, iter)
		ndevices++;
	refcount_add(ndevices, &hwpt->obj.users);
	/* The last one is dropped by the caller, outside the locks */
	if (ndevices > 1)
		WARN_ON(refcount_sub_and_test(ndevices - 1, &old->obj.users));
	*old_out = old;
	mutex_unlock(&igroup->lock);
	return 0;

out_unreserve:
	if (move_msi) {
		xa_for_each(&attach->devices, index, iter)
			iopt_remove_reserved_iova(&ioas->iopt, iter);
	}
out_unlock:
	mutex_unlock(&igroup->lock);
	return rc;
}

/* Attach to, or replace with, an automatic HWPT of @ioas */
static int iommufd_device_auto_domain(struct iommufd_device *idev, u32 pasid,
				      struct iommufd_ioas *ioas, u32 *pt_id,
				      bool replace,
				      struct iommufd_hw_pagetable **old)
{
	struct iommufd_hwpt_paging *paging;
	struct iommufd_hw_pagetable *hwpt;
	int rc;

	/* Held throughout so that two attaches never create two domains */
	mutex_lock(&ioas->mutex);
	list_for_each_entry(paging, &ioas->hwpt_list, ioas_node) {
		hwpt = &paging->common;
		if (!paging->auto_domain ||
		    !refcount_inc_not_zero(&hwpt->obj.users))
			continue;
		rc = replace ? iommufd_hwpt_replace(hwpt, idev, pasid, old) :
			       iommufd_hwpt_attach(hwpt, idev, pasid);
		refcount_dec(&hwpt->obj.users);
		/* EINVAL means "not for this device": try the next one */
		if (rc == -EINVAL)
			continue;
		if (!rc)
			*pt_id = hwpt->obj.id;
		goto out_unlock;
	}

	paging = iommufd_hwpt_paging_alloc(idev->ictx, ioas, idev, 0, true,
					   NULL);
	if (IS_ERR(paging)) {
		rc = PTR_ERR(paging);
		goto out_unlock;
	}
	hwpt = &paging->common;
	rc = replace ? iommufd_hwpt_replace(hwpt, idev, pasid, old) :
		       iommufd_hwpt_attach(hwpt, idev, pasid);
	if (rc) {
		iommufd_object_abort_and_destroy(idev->ictx, &hwpt->obj);
		goto out_unlock;
	}
	*pt_id = hwpt->obj.id;
	iommufd_object_finalize(idev->ictx, &hwpt->obj);
out_unlock:
	mutex_unlock(&ioas->mutex);
	return rc;
}

static int iommufd_device_change(struct iommufd_device *idev, u32 pasid,
				 u32 *pt_id, bool replace)
{
	struct iommufd_hw_pagetable *old = NULL;
	struct iommufd_object *pt_obj;
	int rc;

	pt_obj = iommufd_get_object(idev->ictx, *pt_id, IOMMUFD_OBJ_ANY);
	if (IS_ERR(pt_obj))
		return PTR_ERR(pt_obj);

	switch (pt_obj->type) {
	case IOMMUFD_OBJ_HWPT_PAGING:
	case IOMMUFD_OBJ_HWPT_NESTED: {
		struct iommufd_hw_pagetable *hwpt =
			container_of(pt_obj, struct iommufd_hw_pagetable, obj);

		rc = replace ? iommufd_hwpt_replace(hwpt, idev, pasid, &old) :
			       iommufd_hwpt_attach(hwpt, idev, pasid);
		break;
	}
	case IOMMUFD_OBJ_IOAS:
		rc = iommufd_device_auto_domain(idev, pasid,
						container_of(pt_obj,
							     struct iommufd_ioas,
							     obj),
						pt_id, replace, &old);
		break;
	default:
		rc = -EINVAL;
		break;
	}
	iommufd_put_object(idev->ictx, pt_obj);
	if (old)
		iommufd_hwpt_put(idev->ictx, old);
	return rc;
}

/**
 * iommufd_device_attach() - attach a device (PASID) to an IOAS or HWPT
 * @idev: the device
 * @pasid: EMU_NO_PASID or a PASID
 * @pt_id: the IOAS or HWPT id; set to the HWPT id used
 *
 * Attaching to an IOAS reuses a compatible automatic HWPT of it or makes
 * one.
 *
 * Return: 0; -EBUSY when already attached; -EINVAL when a sibling of the
 * group is attached elsewhere or @pt_id is neither an IOAS nor a HWPT;
 * -ENOENT for an unknown id; errors of the domain.
 */
int iommufd_device_attach(struct iommufd_device *idev, u32 pasid, u32 *pt_id)
{
	return iommufd_device_change(idev, pasid, pt_id, false);
}

/**
 * iommufd_device_replace() - move an attached device's group elsewhere
 * @idev: the device, which must itself be attached
 * @pasid: EMU_NO_PASID or a PASID
 * @pt_id: the IOAS or HWPT id; set to the HWPT id used
 *
 * The whole group moves without passing through blocking; on failure it
 * stays where it was. Replacing with the current HWPT does nothing.
 *
 * Return: 0; -EINVAL when @idev is not attached; as iommufd_device_attach().
 */
int iommufd_device_replace(struct iommufd_device *idev, u32 pasid, u32 *pt_id)
{
	return iommufd_device_change(idev, pasid, pt_id, true);
}

/**
 * iommufd_device_detach() - detach a device (PASID)
 * @idev: the device
 * @pasid: EMU_NO_PASID or a PASID
 *
 * A device that is not attached is left alone. The group's hardware is
 * blocked only when its last attached device detaches.
 */
void iommufd_device_detach(struct iommufd_device *idev, u32 pasid)
{
	struct iommufd_hw_pagetable *hwpt;

	hwpt = iommufd_hwpt_detach(idev, pasid);
	if (hwpt)
		iommufd_hwpt_put(idev->ictx, hwpt);
}

/**
 * iommufd_group_fault_dev_id() - the device a page request group is
 *				  reported under
 * @ictx: the context owning the domain the group was routed to
 * @iopf: the group, while the IOMMU core hands it to the fault handler
 *
 * Runs under the hardware group's lock, so nothing here may take the
 * context's group lock (an attach holds it while waiting for the hardware
 * group's). What is read stays valid all the same: the attachment that
 * routed the group is freed only after its last detach blocked the
 * hardware, and a device is freed only after it gave up DMA ownership,
 * and both need the hardware group's lock.
 *
 * Return: the id of the faulting device when it is in the attachment,
 * else of another device in it (0 while its last device is leaving).
 */
u32 iommufd_group_fault_dev_id(struct iommufd_ctx *ictx,
			       struct emu_iopf_group *iopf)
{
	struct iommufd_attach *attach;
	struct iommufd_group *igroup;
	struct iommufd_device *idev;
	unsigned long index;
	u32 other = 0;

	lockdep_assert_held(&iopf->attach_group->lock);

	igroup = xa_load(&ictx->groups, iopf->attach_group->id);
	if (WARN_ON(!igroup))
		return 0;
	attach = xa_load(&igroup->pasid_attach, iopf->attach_pasid);
	if (WARN_ON(!attach))
		return 0;
	xa_for_each(&attach->devices, index, idev) {
		if (idev->dev == iopf->dev)
			return index;
		if (!other)
			other = index;
	}
	return other;
}

int iommufd_get_hw_info(struct iommufd_ucmd *ucmd)
{
	struct iommu_hw_info *cmd = ucmd->cmd;
	void __user *udata = u64_to_user_ptr(cmd->data_uptr);
	u32 want = IOMMU_HW_INFO_TYPE_DEFAULT;
	struct iommufd_object *obj;
	struct iommufd_device *idev;
	u32 type = IOMMU_HW_INFO_TYPE_NONE;
	void *data = NULL;
	u32 copy_len;
	int len = 0;
	int rc;

	if (cmd->flags & ~IOMMU_HW_INFO_FLAG_INPUT_TYPE)
		return -EOPNOTSUPP;
	if (cmd->__reserved[0] || cmd->__reserved[1] || cmd->__reserved[2])
		return -EOPNOTSUPP;
	if (cmd->flags & IOMMU_HW_INFO_FLAG_INPUT_TYPE)
		want = cmd->in_data_type;

	obj = iommufd_get_object(ucmd->ictx, cmd->dev_id, IOMMUFD_OBJ_DEVICE);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	idev = container_of(obj, struct iommufd_device, obj);

	data = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!data) {
		rc = -ENOMEM;
		goto out_put;
	}
	len = emu_dev_hw_info(idev->dev, data, PAGE_SIZE, &type);
	if (len == -EOPNOTSUPP) {
		/* A driver without hardware info reports the NONE type */
		len = 0;
		type = IOMMU_HW_INFO_TYPE_NONE;
	} else if (len < 0 || WARN_ON(len > PAGE_SIZE)) {
		rc = len < 0 ? len : -EINVAL;
		goto out_free;
	}
	/* Only the driver's own type can be asked for */
	if (want != IOMMU_HW_INFO_TYPE_DEFAULT && want != type) {
		rc = -EOPNOTSUPP;
		goto out_free;
	}

	copy_len = min_t(u32, cmd->data_len, len);
	if (copy_to_user(udata, data, copy_len) ||
	    (cmd->data_len > copy_len &&
	     clear_user(udata + copy_len, cmd->data_len - copy_len))) {
		rc = -EFAULT;
		goto out_free;
	}
	/* The size the kernel has, which may exceed the user's buffer */
	cmd->data_len = len;
	cmd->out_data_type = type;
	cmd->out_max_pasid_log2 = idev->dev->pasid_bits;
	/* Emulated endpoints never offer ATS */
	cmd->out_capabilities = IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED;
	if (emu_dev_caps(idev->dev) & EMU_DEV_CAP_DIRTY_TRACKING)
		cmd->out_capabilities |= IOMMU_HW_CAP_DIRTY_TRACKING;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
out_free:
	kfree(data);
out_put:
	iommufd_put_object(ucmd->ictx, obj);
	return rc;
}
