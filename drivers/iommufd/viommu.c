// SPDX-License-Identifier: GPL-2.0
/*
 * vIOMMU objects and what hangs off them: vDEVICEs and HW queues.
 *
 * A vIOMMU wraps the IOMMU core's struct emu_viommu, which holds the
 * driver's state; this layer adds the object graph and the services the
 * core's drivers reach through struct emu_viommu_host_ops (event queues,
 * mmap() regions, queue ordering; the vEVENTQs are in eventq.c).
 * References: a vIOMMU holds its nesting parent HWPT; vDEVICEs, HW queues,
 * vEVENTQs and nested HWPTs hold the vIOMMU; so each of them must go
 * before what it holds (EBUSY).
 *
 * A vDEVICE also holds its device. When the device is unbound first, its
 * vDEVICE is destroyed with it and leaves a tombstone: the id stays
 * reserved and IOMMU_DESTROY of it answers ENOENT.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/iommufd.h>

#include "iommufd_private.h"
#include "../iommu/emu_iommu.h"

static int iommufd_viommu_mmap_add(struct emu_viommu *core, phys_addr_t pa,
				   size_t length, unsigned long *offset)
{
	struct iommufd_viommu *viommu = core->host_priv;

	return iommufd_mmap_add(viommu->ictx, &viommu->obj, pa, length,
				offset);
}

static void iommufd_viommu_mmap_remove(struct emu_viommu *core,
				       unsigned long offset)
{
	struct iommufd_viommu *viommu = core->host_priv;

	iommufd_mmap_remove(viommu->ictx, &viommu->obj, offset);
}

/* One queue keeps another from being destroyed: a users reference */
static int iommufd_hw_queue_depend(struct emu_hw_queue *queue,
				   struct emu_hw_queue *on)
{
	struct iommufd_hw_queue *on_obj = on->host_priv;

	refcount_inc(&on_obj->obj.users);
	return 0;
}

static void iommufd_hw_queue_undepend(struct emu_hw_queue *queue,
				      struct emu_hw_queue *on)
{
	struct iommufd_hw_queue *on_obj = on->host_priv;

	refcount_dec(&on_obj->obj.users);
}

static int iommufd_viommu_host_report(struct emu_viommu *core, u32 type,
				      const void *data, size_t len)
{
	return iommufd_viommu_report_event(core->host_priv, type, data, len);
}

static const struct emu_viommu_host_ops iommufd_viommu_host_ops = {
	.report_event = iommufd_viommu_host_report,
	.mmap_add = iommufd_viommu_mmap_add,
	.mmap_remove = iommufd_viommu_mmap_remove,
	.hw_queue_depend = iommufd_hw_queue_depend,
	.hw_queue_undepend = iommufd_hw_queue_undepend,
};

void iommufd_viommu_destroy(struct iommufd_object *obj)
{
	struct iommufd_viommu *viommu =
		container_of(obj, struct iommufd_viommu, obj);

	if (viommu->core)
		emu_viommu_free(viommu->core);
	refcount_dec(&viommu->hwpt->common.obj.users);
}

int iommufd_viommu_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
	struct iommu_viommu_alloc *cmd = ucmd->cmd;
	const struct emu_user_data data = {
		.type = cmd->type,
		.uptr = u64_to_user_ptr(cmd->data_uptr),
		.len = cmd->data_len,
	};
	struct iommufd_hwpt_paging *hwpt;
	struct iommufd_object *dev_obj;
	struct iommufd_object *hwpt_obj;
	struct iommufd_viommu *viommu;
	struct iommufd_device *idev;
	struct emu_viommu *core;
	int rc;

	/*
	 * The default type names no hardware: every vIOMMU is a driver's.
	 * Unlike upstream, the reserved field is checked like everywhere else.
	 */
	if (cmd->flags || cmd->__reserved ||
	    cmd->type == IOMMU_VIOMMU_TYPE_DEFAULT)
		return -EOPNOTSUPP;

	dev_obj = iommufd_get_object(ucmd->ictx, cmd->dev_id,
				     IOMMUFD_OBJ_DEVICE);
	if (IS_ERR(dev_obj))
		return PTR_ERR(dev_obj);
	idev = container_of(dev_obj, struct iommufd_device, obj);
	if (!emu_viommu_supported(idev->dev, cmd->type)) {
		rc = -EOPNOTSUPP;
		goto out_put_dev;
	}

	hwpt_obj = iommufd_get_object(ucmd->ictx, cmd->hwpt_id,
				      IOMMUFD_OBJ_HWPT_PAGING);
	if (IS_ERR(hwpt_obj)) {
		rc = PTR_ERR(hwpt_obj);
		goto out_put_dev;
	}
	hwpt = container_of(hwpt_obj, struct iommufd_hwpt_paging, common.obj);
	if (!hwpt->nest_parent) {
		rc = -EINVAL;
		goto out_put_hwpt;
	}

	viommu = iommufd_object_alloc(ucmd->ictx, struct iommufd_viommu,
				      IOMMUFD_OBJ_VIOMMU);
	if (IS_ERR(viommu)) {
		rc = PTR_ERR(viommu);
		goto out_put_hwpt;
	}
	viommu->ictx = ucmd->ictx;
	viommu->hwpt = hwpt;
	spin_lock_init(&viommu->veventqs_lock);
	INIT_LIST_HEAD(&viommu->veventqs);
	/* Pairs with the put in iommufd_viommu_destroy() */
	refcount_inc(&hwpt->common.obj.users);

	core = emu_viommu_alloc(idev->dev, hwpt->common.domain, cmd->type, &data,
				&iommufd_viommu_host_ops, viommu);
	if (IS_ERR(core)) {
		rc = PTR_ERR(core);
		goto out_abort;
	}
	viommu->core = core;

	cmd->out_viommu_id = viommu->obj.id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_abort;
	iommufd_object_finalize(ucmd->ictx, &viommu->obj);
	goto out_put_hwpt;

out_abort:
	iommufd_object_abort_and_destroy(ucmd->ictx, &viommu->obj);
out_put_hwpt:
	iommufd_put_object(ucmd->ictx, hwpt_obj);
out_put_dev:
	iommufd_put_object(ucmd->ictx, dev_obj);
	return rc;
}

/**
 * iommufd_viommu_alloc_hwpt_nested() - a nested HWPT on a vIOMMU
 * @ictx: the context
 * @viommu: the vIOMMU; the HWPT holds it, and through it its parent
 * @idev: a device that will use the HWPT
 * @flags: IOMMU_HWPT_ALLOC_* flags; a fault queue is the caller's business
 * @data: the driver's description of the stage-1 configuration
 *
 * The object is returned unpublished: finalize it or abort it.
 *
 * Return: the HWPT or an ERR_PTR: -EINVAL for a device behind another
 * instance; -EOPNOTSUPP for unknown flags, no data or a vIOMMU without
 * nested domains; the driver's refusal.
 */
struct iommufd_hwpt_nested *
iommufd_viommu_alloc_hwpt_nested(struct iommufd_ctx *ictx,
				 struct iommufd_viommu *viommu,
				 struct iommufd_device *idev, u32 flags,
				 const struct emu_user_data *data)
{
	struct emu_domain *domain;
	int rc;

	if (idev->dev->iommu != viommu->core->iommu)
		return ERR_PTR(-EINVAL);
	rc = iommufd_hwpt_nested_flags_ok(flags, data);
	if (rc)
		return ERR_PTR(rc);
	domain = emu_viommu_alloc_domain_nested(viommu->core, idev->dev,
						flags & IOMMU_HWPT_ALLOC_PASID ?
							EMU_DOMAIN_PASID : 0,
						data);
	return iommufd_hwpt_nested_create(ictx, viommu->hwpt, &viommu->obj,
					  flags, domain);
}

/* Undo a vDEVICE while its device's group lock is held */
void iommufd_vdevice_abort(struct iommufd_object *obj)
{
	struct iommufd_vdevice *vdev =
		container_of(obj, struct iommufd_vdevice, obj);
	struct iommufd_device *idev = vdev->idev;

	lockdep_assert_held(&idev->igroup->lock);

	if (vdev->added)
		emu_viommu_vdev_remove(vdev->viommu->core, vdev->virt_id);
	if (idev->vdev == vdev)
		idev->vdev = NULL;
	refcount_dec(&vdev->viommu->obj.users);
	/* An unbind of the device may wait for this reference */
	iommufd_object_put_user(idev->ictx, &idev->obj);
}

void iommufd_vdevice_destroy(struct iommufd_object *obj)
{
	struct iommufd_vdevice *vdev =
		container_of(obj, struct iommufd_vdevice, obj);
	struct iommufd_group *igroup = vdev->idev->igroup;

	mutex_lock(&igroup->lock);
	iommufd_vdevice_abort(obj);
	mutex_unlock(&igroup->lock);
}

/**
 * iommufd_device_remove_vdev() - destroy a device's vDEVICE on unbind
 * @idev: the device being unbound
 *
 * Afterwards no vDEVICE of @idev exists or can be created. One that
 * userspace had not destroyed leaves a tombstone; one that an
 * IOMMU_DESTROY is destroying right now is left to it, and the caller's
 * wait for the device's references covers its end.
 */
void iommufd_device_remove_vdev(struct iommufd_device *idev)
{
	struct iommufd_vdevice *vdev;

	mutex_lock(&idev->igroup->lock);
	idev->destroying = true;
	vdev = idev->vdev;
	/* Its destroy clears idev->vdev under this lock: vdev is alive */
	if (vdev && !iommufd_object_try_get(idev->ictx, &vdev->obj))
		vdev = NULL;
	mutex_unlock(&idev->igroup->lock);

	if (vdev)
		iommufd_object_tombstone(idev->ictx, &vdev->obj);
}

int iommufd_vdevice_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
	struct iommu_vdevice_alloc *cmd = ucmd->cmd;
	struct iommufd_object *viommu_obj;
	struct iommufd_object *dev_obj;
	struct iommufd_viommu *viommu;
	struct iommufd_vdevice *vdev;
	struct iommufd_device *idev;
	int rc;

	/* The core keys virtual IDs in an xarray */
	if (cmd->virt_id > ULONG_MAX)
		return -EINVAL;

	viommu_obj = iommufd_get_object(ucmd->ictx, cmd->viommu_id,
					IOMMUFD_OBJ_VIOMMU);
	if (IS_ERR(viommu_obj))
		return PTR_ERR(viommu_obj);
	viommu = container_of(viommu_obj, struct iommufd_viommu, obj);

	dev_obj = iommufd_get_object(ucmd->ictx, cmd->dev_id,
				     IOMMUFD_OBJ_DEVICE);
	if (IS_ERR(dev_obj)) {
		rc = PTR_ERR(dev_obj);
		goto out_put_viommu;
	}
	idev = container_of(dev_obj, struct iommufd_device, obj);
	/* A vIOMMU only presents devices behind the instance it slices */
	if (idev->dev->iommu != viommu->core->iommu) {
		rc = -EINVAL;
		goto out_put_dev;
	}

	mutex_lock(&idev->igroup->lock);
	if (idev->destroying) {
		rc = -ENOENT;
		goto out_unlock;
	}
	/* A device has one virtual identity, whichever vIOMMU gives it */
	if (idev->vdev) {
		rc = -EEXIST;
		goto out_unlock;
	}

	vdev = iommufd_object_alloc(ucmd->ictx, struct iommufd_vdevice,
				    IOMMUFD_OBJ_VDEVICE);
	if (IS_ERR(vdev)) {
		rc = PTR_ERR(vdev);
		goto out_unlock;
	}
	vdev->viommu = viommu;
	refcount_inc(&viommu->obj.users);
	vdev->idev = idev;
	refcount_inc(&idev->obj.users);
	vdev->virt_id = cmd->virt_id;
	idev->vdev = vdev;

	rc = emu_viommu_vdev_add(viommu->core, idev->dev, cmd->virt_id);
	if (rc)
		goto out_abort;
	vdev->added = true;

	cmd->out_vdevice_id = vdev->obj.id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_abort;
	iommufd_object_finalize(ucmd->ictx, &vdev->obj);
	goto out_unlock;

out_abort:
	iommufd_object_abort_and_destroy(ucmd->ictx, &vdev->obj);
out_unlock:
	mutex_unlock(&idev->igroup->lock);
out_put_dev:
	iommufd_put_object(ucmd->ictx, dev_obj);
out_put_viommu:
	iommufd_put_object(ucmd->ictx, viommu_obj);
	return rc;
}

void iommufd_hw_queue_destroy(struct iommufd_object *obj)
{
	struct iommufd_hw_queue *hw_queue =
		container_of(obj, struct iommufd_hw_queue, obj);

	if (hw_queue->core)
		emu_hw_queue_free(hw_queue->core);
	if (hw_queue->access) {
		iommufd_access_unpin_pages(hw_queue->access, hw_queue->pin_iova,
					   hw_queue->pin_length);
		iommufd_access_destroy(hw_queue->access);
	}
	refcount_dec(&hw_queue->viommu->obj.users);
}

/*
 * Pin the pages under the queue for as long as it exists, locking them
 * against unmap: the hardware reads them by physical address, and a guest
 * must not be able to pull them away underneath it. They must also be
 * physically contiguous, as for a real queue base register.
 */
static int iommufd_hw_queue_pin(struct iommufd_hw_queue *hw_queue,
				u64 iova, u64 length, phys_addr_t *base_pa)
{
	struct iommufd_ioas *ioas = hw_queue->viommu->hwpt->ioas;
	unsigned long first = PAGE_ALIGN_DOWN(iova);
	struct iommufd_access *access;
	unsigned long npages, i;
	struct page **pages;
	unsigned long end;
	int rc;

	if (check_add_overflow(iova, length, &end) || end > ULONG_MAX - PAGE_SIZE)
		return -EOVERFLOW;
	npages = (PAGE_ALIGN(end) - first) >> PAGE_SHIFT;
	pages = kvcalloc(npages, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		return -ENOMEM;

	access = iommufd_access_create_locking(ioas);
	if (IS_ERR(access)) {
		rc = PTR_ERR(access);
		goto out_free;
	}
	rc = iommufd_access_pin_pages(access, first, npages << PAGE_SHIFT,
				      pages, false);
	if (rc)
		goto out_destroy;
	for (i = 1; i < npages; i++) {
		if (page_to_pfn(pages[i]) != page_to_pfn(pages[i - 1]) + 1) {
			rc = -EFAULT;
			goto out_unpin;
		}
	}

	*base_pa = page_to_phys(pages[0]) + offset_in_page(iova);
	hw_queue->access = access;
	hw_queue->pin_iova = first;
	hw_queue->pin_length = npages << PAGE_SHIFT;
	kvfree(pages);
	return 0;

out_unpin:
	iommufd_access_unpin_pages(access, first, npages << PAGE_SHIFT);
out_destroy:
	iommufd_access_destroy(access);
out_free:
	kvfree(pages);
	return rc;
}

int iommufd_hw_queue_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
	struct iommu_hw_queue_alloc *cmd = ucmd->cmd;
	struct iommufd_hw_queue *hw_queue;
	struct iommufd_object *viommu_obj;
	struct iommufd_viommu *viommu;
	struct emu_hw_queue *core;
	phys_addr_t base_pa;
	u64 last;
	int rc;

	if (cmd->flags || cmd->type == IOMMU_HW_QUEUE_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	if (!cmd->length)
		return -EINVAL;
	if (check_add_overflow(cmd->nesting_parent_iova, cmd->length - 1,
			       &last))
		return -EOVERFLOW;

	viommu_obj = iommufd_get_object(ucmd->ictx, cmd->viommu_id,
					IOMMUFD_OBJ_VIOMMU);
	if (IS_ERR(viommu_obj))
		return PTR_ERR(viommu_obj);
	viommu = container_of(viommu_obj, struct iommufd_viommu, obj);
	if (!emu_hw_queue_supported(viommu->core, cmd->type)) {
		rc = -EOPNOTSUPP;
		goto out_put_viommu;
	}

	hw_queue = iommufd_object_alloc(ucmd->ictx, struct iommufd_hw_queue,
					IOMMUFD_OBJ_HW_QUEUE);
	if (IS_ERR(hw_queue)) {
		rc = PTR_ERR(hw_queue);
		goto out_put_viommu;
	}
	hw_queue->viommu = viommu;
	refcount_inc(&viommu->obj.users);

	rc = iommufd_hw_queue_pin(hw_queue, cmd->nesting_parent_iova,
				  cmd->length, &base_pa);
	if (rc)
		goto out_abort;

	core = emu_hw_queue_alloc(viommu->core, cmd->type, cmd->index,
				  cmd->nesting_parent_iova, base_pa,
				  cmd->length, hw_queue);
	if (IS_ERR(core)) {
		rc = PTR_ERR(core);
		goto out_abort;
	}
	hw_queue->core = core;

	cmd->out_hw_queue_id = hw_queue->obj.id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_abort;
	iommufd_object_finalize(ucmd->ictx, &hw_queue->obj);
	goto out_put_viommu;

out_abort:
	iommufd_object_abort_and_destroy(ucmd->ictx, &hw_queue->obj);
out_put_viommu:
	iommufd_put_object(ucmd->ictx, viommu_obj);
	return rc;
}
