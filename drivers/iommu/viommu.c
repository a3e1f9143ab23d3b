// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual IOMMUs: the part of a vIOMMU that is the same for every driver.
 *
 * The core allocates the driver's vIOMMU struct (the driver says how big it
 * is, struct emu_viommu first), fills in the common fields and lets the
 * driver initialise the rest. It keeps the table of devices the vIOMMU
 * presents to its guest, keyed by the guest's virtual ID, which is what a
 * driver needs to turn a guest's request naming a virtual ID into a device
 * and an event about a device into a record naming its virtual ID.
 *
 * What only the vIOMMU's owner can do (queue events for userspace, make
 * memory mappable, keep one queue from being destroyed before another) is
 * reached through the owner's emu_viommu_host_ops, so drivers stay
 * ignorant of the uAPI layer.
 */
#include <linux/slab.h>

#include "emu_iommu.h"

/* The driver's vIOMMU struct size for @type, 0 when it has no such type */
static size_t emu_viommu_size(struct emu_dev *dev, u32 type)
{
	const struct emu_iommu_ops *ops = dev->iommu->ops;

	if (!ops->viommu_size || !ops->viommu_init)
		return 0;
	return ops->viommu_size(dev, type);
}

/**
 * emu_viommu_supported() - can @dev's instance make a vIOMMU of @type?
 * @dev: a device of the instance
 * @type: the uAPI's vIOMMU type
 *
 * Return: true when emu_viommu_alloc() would not refuse @type.
 */
bool emu_viommu_supported(struct emu_dev *dev, u32 type)
{
	return emu_viommu_size(dev, type) != 0;
}

/**
 * emu_viommu_alloc() - a new vIOMMU on @dev's instance
 * @dev: a device of the instance; the driver may look at it
 * @parent: the nesting parent domain, of the same instance
 * @type: the uAPI's vIOMMU type
 * @data: the type's user data (its length may be zero)
 * @host: the owner's services
 * @host_priv: the owner's cookie, for @host
 *
 * The vIOMMU holds the instance (emu_iommu::hold) until emu_viommu_free(),
 * so it outlives @dev.
 *
 * Return: the vIOMMU, or an ERR_PTR: -EOPNOTSUPP when the driver has no
 * vIOMMU of @type, -EINVAL when @parent is not a nesting parent of the
 * instance, -ENOMEM, the holder's refusal, or the driver's refusal.
 */
struct emu_viommu *emu_viommu_alloc(struct emu_dev *dev,
				    struct emu_domain *parent, u32 type,
				    const struct emu_user_data *data,
				    const struct emu_viommu_host_ops *host,
				    void *host_priv)
{
	struct emu_viommu *viommu;
	size_t size;
	int rc;

	size = emu_viommu_size(dev, type);
	if (!size)
		return ERR_PTR(-EOPNOTSUPP);
	/* A driver whose struct does not hold the core's is broken */
	if (WARN_ON(size < sizeof(*viommu)))
		return ERR_PTR(-EOPNOTSUPP);
	if (parent->iommu != dev->iommu ||
	    !(parent->flags & EMU_DOMAIN_NEST_PARENT))
		return ERR_PTR(-EINVAL);

	/* The vIOMMU, not the device it was allocated with, keeps the instance */
	if (dev->iommu->hold) {
		rc = dev->iommu->hold(dev->iommu);
		if (rc)
			return ERR_PTR(rc);
	}
	viommu = kzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!viommu) {
		rc = -ENOMEM;
		goto out_release;
	}
	viommu->iommu = dev->iommu;
	viommu->parent = parent;
	viommu->type = type;
	xa_init(&viommu->vdevs);
	viommu->host = host;
	viommu->host_priv = host_priv;

	rc = dev->iommu->ops->viommu_init(viommu, dev,
					  data && data->len ? data : NULL);
	if (rc)
		goto out_free;
	/* Without ops the vIOMMU could not even be destroyed */
	if (WARN_ON(!viommu->ops)) {
		rc = -EOPNOTSUPP;
		goto out_free;
	}
	return viommu;

out_free:
	xa_destroy(&viommu->vdevs);
	kfree(viommu);
out_release:
	if (dev->iommu->release)
		dev->iommu->release(dev->iommu);
	return ERR_PTR(rc);
}

/**
 * emu_viommu_free() - destroy a vIOMMU
 * @viommu: the vIOMMU; it presents no device, and no domain, queue or
 *	    mapping of it is left
 */
void emu_viommu_free(struct emu_viommu *viommu)
{
	struct emu_iommu *iommu = viommu->iommu;

	if (viommu->ops->destroy)
		viommu->ops->destroy(viommu);
	WARN_ON(!xa_empty(&viommu->vdevs));
	xa_destroy(&viommu->vdevs);
	kfree(viommu);
	/* Last: the instance may go away now */
	if (iommu->release)
		iommu->release(iommu);
}

/**
 * emu_viommu_vdev_add() - present @dev to the guest as @virt_id
 * @viommu: the vIOMMU
 * @dev: a device of the vIOMMU's instance
 * @virt_id: the guest's ID for it (a virtual stream or requester ID)
 *
 * Return: 0; -EINVAL for a device of another instance; -EEXIST when
 * @virt_id is taken; -ENOMEM; the driver's refusal.
 */
int emu_viommu_vdev_add(struct emu_viommu *viommu, struct emu_dev *dev,
			unsigned long virt_id)
{
	int rc;

	if (dev->iommu != viommu->iommu)
		return -EINVAL;

	/* Claim the ID first; lookups see nothing there until the end */
	rc = xa_insert(&viommu->vdevs, virt_id, NULL, GFP_KERNEL_ACCOUNT);
	if (rc == -EBUSY)
		return -EEXIST;
	if (rc)
		return rc;
	if (viommu->ops->vdev_init) {
		rc = viommu->ops->vdev_init(viommu, dev, virt_id);
		if (rc) {
			xa_release(&viommu->vdevs, virt_id);
			return rc;
		}
	}
	/* The slot exists, so filling it cannot fail */
	xa_store(&viommu->vdevs, virt_id, dev, GFP_KERNEL_ACCOUNT);
	return 0;
}

/**
 * emu_viommu_vdev_remove() - stop presenting the device at @virt_id
 * @viommu: the vIOMMU
 * @virt_id: an ID emu_viommu_vdev_add() gave a device
 */
void emu_viommu_vdev_remove(struct emu_viommu *viommu, unsigned long virt_id)
{
	struct emu_dev *dev;

	/* Once erased no driver lookup can return the device any more */
	dev = xa_erase(&viommu->vdevs, virt_id);
	if (WARN_ON(!dev))
		return;
	if (viommu->ops->vdev_destroy)
		viommu->ops->vdev_destroy(viommu, dev, virt_id);
}

/**
 * emu_viommu_find_dev() - the device the guest calls @virt_id
 * @viommu: the vIOMMU; the caller holds xa_lock(&viommu->vdevs), which
 *	    keeps the device presented while it uses it
 * @virt_id: the guest's ID
 *
 * Return: the device, or NULL.
 */
struct emu_dev *emu_viommu_find_dev(struct emu_viommu *viommu,
				    unsigned long virt_id)
{
	lockdep_assert_held(&viommu->vdevs.xa_lock);
	return xa_load(&viommu->vdevs, virt_id);
}

/**
 * emu_viommu_dev_virt_id() - the guest's ID of @dev
 * @viommu: the vIOMMU
 * @dev: a device
 * @virt_id: receives the ID
 *
 * Never sleeps.
 *
 * Return: 0, or -ENOENT when the vIOMMU does not present @dev.
 */
int emu_viommu_dev_virt_id(struct emu_viommu *viommu, struct emu_dev *dev,
			   unsigned long *virt_id)
{
	struct emu_dev *cur;
	unsigned long index;
	int rc = -ENOENT;

	xa_lock(&viommu->vdevs);
	xa_for_each(&viommu->vdevs, index, cur) {
		if (cur == dev) {
			*virt_id = index;
			rc = 0;
			break;
		}
	}
	xa_unlock(&viommu->vdevs);
	return rc;
}

/**
 * emu_viommu_report_event() - tell the guest about something that happened
 * @viommu: the vIOMMU
 * @type: the uAPI's event queue type whose record @data is
 * @data: the record, in the layout the type defines
 * @len: its size, not zero
 *
 * Never sleeps. A full queue keeps the record out and marks the loss.
 *
 * Return: 0; -EOPNOTSUPP when nobody listens for @type; -ENOMEM when the
 * record could not be stored (the loss is marked too).
 */
int emu_viommu_report_event(struct emu_viommu *viommu, u32 type,
			    const void *data, size_t len)
{
	if (WARN_ON(!data || !len))
		return -EINVAL;
	if (!viommu->host || !viommu->host->report_event)
		return -EOPNOTSUPP;
	return viommu->host->report_event(viommu, type, data, len);
}

/**
 * emu_viommu_mmap_add() - let userspace map a region of the vIOMMU
 * @viommu: the vIOMMU; a mapping of the region keeps it alive
 * @pa: physical address of the region, page aligned
 * @length: bytes, a multiple of PAGE_SIZE
 * @offset: receives the offset userspace passes to mmap()
 *
 * Return: 0; -EINVAL for an unaligned region; -EOPNOTSUPP when the owner
 * cannot map; -ENOMEM or -ENOSPC.
 */
int emu_viommu_mmap_add(struct emu_viommu *viommu, phys_addr_t pa,
			size_t length, unsigned long *offset)
{
	if (!PAGE_ALIGNED(pa) || !length || !PAGE_ALIGNED(length))
		return -EINVAL;
	if (!viommu->host || !viommu->host->mmap_add)
		return -EOPNOTSUPP;
	return viommu->host->mmap_add(viommu, pa, length, offset);
}

/**
 * emu_viommu_mmap_remove() - withdraw a region from emu_viommu_mmap_add()
 * @viommu: the vIOMMU
 * @offset: the region's offset
 */
void emu_viommu_mmap_remove(struct emu_viommu *viommu, unsigned long offset)
{
	viommu->host->mmap_remove(viommu, offset);
}

/**
 * emu_viommu_alloc_domain_nested() - a stage-1 domain of a vIOMMU
 * @viommu: the vIOMMU
 * @dev: a device that will use it, of the vIOMMU's instance
 * @flags: EMU_DOMAIN_* flags
 * @data: the driver's description of the stage-1 configuration
 *
 * Return: the domain, or an ERR_PTR: -EOPNOTSUPP when the vIOMMU has no
 * nested domains, -EINVAL for a device of another instance.
 */
struct emu_domain *
emu_viommu_alloc_domain_nested(struct emu_viommu *viommu, struct emu_dev *dev,
			       u32 flags, const struct emu_user_data *data)
{
	struct emu_domain *domain;

	if (!viommu->ops->domain_alloc_nested)
		return ERR_PTR(-EOPNOTSUPP);
	if (dev->iommu != viommu->iommu)
		return ERR_PTR(-EINVAL);
	domain = viommu->ops->domain_alloc_nested(viommu, dev, flags, data);
	if (IS_ERR(domain))
		return domain;
	domain->type = EMU_DOMAIN_NESTED;
	domain->iommu = viommu->iommu;
	domain->flags = flags;
	init_rwsem(&domain->dma_lock);
	return domain;
}

/**
 * emu_viommu_cache_invalidate() - forward the guest's invalidations
 * @viommu: the vIOMMU
 * @array: the requests; entry_num is set to how many were carried out
 *
 * Return: 0, the driver's errno for the first request it refused, or
 * -EOPNOTSUPP when the vIOMMU has no caches to invalidate.
 */
int emu_viommu_cache_invalidate(struct emu_viommu *viommu,
				struct emu_user_array *array)
{
	if (!viommu->ops->cache_invalidate) {
		array->entry_num = 0;
		return -EOPNOTSUPP;
	}
	return viommu->ops->cache_invalidate(viommu, array);
}

/* The driver's queue struct size for @type, 0 when it has no such queue */
static size_t emu_hw_queue_size(struct emu_viommu *viommu, u32 type)
{
	if (!viommu->ops->hw_queue_size || !viommu->ops->hw_queue_init)
		return 0;
	return viommu->ops->hw_queue_size(viommu, type);
}

/**
 * emu_hw_queue_supported() - does @viommu run queues of @type?
 * @viommu: the vIOMMU
 * @type: the uAPI's queue type
 *
 * Return: true when emu_hw_queue_alloc() would not refuse @type.
 */
bool emu_hw_queue_supported(struct emu_viommu *viommu, u32 type)
{
	return emu_hw_queue_size(viommu, type) != 0;
}

/**
 * emu_hw_queue_alloc() - start a queue of @viommu in guest memory
 * @viommu: the vIOMMU
 * @type: the uAPI's queue type
 * @index: the queue's number on the vIOMMU
 * @base_iova: where it starts, as an IOVA of the nesting parent
 * @base_pa: where that is: the owner pinned the queue's pages and checked
 *	     that they are physically contiguous
 * @length: bytes
 * @host_priv: the owner's cookie, set before the driver sees the queue
 *
 * Return: the queue, or an ERR_PTR: -EOPNOTSUPP when the vIOMMU has no
 * queue of @type, -ENOMEM, or the driver's refusal.
 */
struct emu_hw_queue *emu_hw_queue_alloc(struct emu_viommu *viommu, u32 type,
					u32 index, u64 base_iova,
					phys_addr_t base_pa, u64 length,
					void *host_priv)
{
	struct emu_hw_queue *queue;
	size_t size;
	int rc;

	size = emu_hw_queue_size(viommu, type);
	if (!size)
		return ERR_PTR(-EOPNOTSUPP);
	if (WARN_ON(size < sizeof(*queue)))
		return ERR_PTR(-EOPNOTSUPP);

	queue = kzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!queue)
		return ERR_PTR(-ENOMEM);
	queue->viommu = viommu;
	queue->type = type;
	queue->index = index;
	queue->base_iova = base_iova;
	queue->base_pa = base_pa;
	queue->length = length;
	queue->host_priv = host_priv;
	rc = viommu->ops->hw_queue_init(queue);
	if (rc) {
		kfree(queue);
		return ERR_PTR(rc);
	}
	return queue;
}

/**
 * emu_hw_queue_free() - stop and free a queue
 * @queue: from emu_hw_queue_alloc(); no queue depends on it any more
 */
void emu_hw_queue_free(struct emu_hw_queue *queue)
{
	if (queue->viommu->ops->hw_queue_destroy)
		queue->viommu->ops->hw_queue_destroy(queue);
	kfree(queue);
}

/**
 * emu_hw_queue_depend() - keep @on from going away before @queue
 * @queue: a queue being initialised, or running
 * @on: another queue of the same vIOMMU
 *
 * The owner then refuses to destroy @on until emu_hw_queue_undepend().
 *
 * Return: 0, or -EINVAL for a queue depending on itself or on a queue of
 * another vIOMMU.
 */
int emu_hw_queue_depend(struct emu_hw_queue *queue, struct emu_hw_queue *on)
{
	struct emu_viommu *viommu = queue->viommu;

	if (queue == on || on->viommu != viommu)
		return -EINVAL;
	if (!viommu->host || !viommu->host->hw_queue_depend)
		return 0;
	return viommu->host->hw_queue_depend(queue, on);
}

/**
 * emu_hw_queue_undepend() - undo emu_hw_queue_depend()
 * @queue: the dependent queue
 * @on: the queue it depended on
 */
void emu_hw_queue_undepend(struct emu_hw_queue *queue, struct emu_hw_queue *on)
{
	struct emu_viommu *viommu = queue->viommu;

	if (WARN_ON(queue == on || on->viommu != viommu))
		return;
	if (viommu->host && viommu->host->hw_queue_undepend)
		viommu->host->hw_queue_undepend(queue, on);
}
