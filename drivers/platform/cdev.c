// SPDX-License-Identifier: GPL-2.0
/*
 * The character device of every enabled emulated device,
 * /dev/iommufd-emu/<name>: VFIO's device-cdev ioctls (bind to an iommufd
 * context, attach, detach) and IOMMUFD_EMU_DMA, which makes the device
 * perform a DMA through its IOMMU.
 *
 * Each open() is one device fd. At most one device fd of a device is bound
 * at a time; it alone may attach, detach and do DMA. Closing it detaches
 * what it attached, unbinds and releases the context.
 *
 * Hot-unplug (disable or rmdir of the configfs item) revokes the binding
 * while device fds may still be open: every ioctl runs under
 * emu_plat_cdev::rwsem held for read and first checks @gone; the revoke
 * takes it for write, so it waits for the ioctls in flight (a long DMA
 * drops it between chunks and stops), undoes the binding and sets @gone.
 * From then on every ioctl answers ENODEV and closing the fd has nothing
 * to undo. The state is reference counted (the misc device holds one,
 * each open fd one) and freed on the last put.
 *
 * Lock order: emu_plat_lock -> rwsem -> bind_lock -> iommufd's locks
 * (ioas->mutex, its group lock) -> the IOMMU core's. misc_mtx is taken
 * with emu_plat_lock held (register, deregister) and, by misc_open(),
 * before our open(), which therefore takes neither emu_plat_lock nor
 * rwsem. User memory is only touched with none of these held.
 */
#define pr_fmt(fmt) "iommufd_emu: " fmt

#include <linux/fs.h>
#include <linux/iommufd_emu.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "emu_platform.h"
#include "../iommufd/iommufd_kapi.h"

/* Bounce buffer of IOMMUFD_EMU_DMA: the most copied per lock hold */
#define EMU_PLAT_DMA_CHUNK	SZ_64K

/**
 * struct emu_plat_cdev - the character device of one enabled device
 * @kref: one for the registered misc device, one per open fd
 * @rwsem: read by every ioctl and by release, write by the revoke
 * @gone: the device was unplugged; set under @rwsem held for write
 * @edev: the device, valid while !@gone
 * @bind_lock: serialises bind, attach, detach and unbind
 * @owner: the bound device fd (its struct file), or NULL
 * @ictx: context of the binding
 * @idev: the device object in @ictx
 * @pasids: attached PASID slots (EMU_NO_PASID included) -> xa_mk_value(1)
 * @misc: the misc device
 * @name: misc device name, "iommufd-emu-<name>"
 * @nodename: path under /dev, "iommufd-emu/<name>"
 */
struct emu_plat_cdev {
	struct kref kref;
	struct rw_semaphore rwsem;
	bool gone;
	struct emu_dev *edev;
	struct mutex bind_lock;	/* see above */
	struct file *owner;
	struct iommufd_ctx *ictx;
	struct iommufd_device *idev;
	struct xarray pasids;
	struct miscdevice misc;
	char name[EMU_PLAT_NAME_MAX + 16];
	char nodename[EMU_PLAT_NAME_MAX + 16];
};

static void emu_plat_cdev_free(struct kref *kref)
{
	struct emu_plat_cdev *cdev =
		container_of(kref, struct emu_plat_cdev, kref);

	WARN_ON(cdev->owner || !xa_empty(&cdev->pasids));
	xa_destroy(&cdev->pasids);
	mutex_destroy(&cdev->bind_lock);
	kfree(cdev);
}

static void emu_plat_cdev_put(struct emu_plat_cdev *cdev)
{
	kref_put(&cdev->kref, emu_plat_cdev_free);
}

/* Undo the binding: detach every PASID, unbind, drop the context */
static void emu_plat_cdev_unbind(struct emu_plat_cdev *cdev)
{
	unsigned long pasid;
	void *entry;

	lockdep_assert_held(&cdev->bind_lock);
	xa_for_each(&cdev->pasids, pasid, entry) {
		iommufd_device_detach(cdev->idev, pasid);
		xa_erase(&cdev->pasids, pasid);
	}
	iommufd_device_unbind(cdev->idev);
	iommufd_ctx_put(cdev->ictx);
	cdev->idev = NULL;
	cdev->ictx = NULL;
	cdev->owner = NULL;
}

/* Is @file the bound device fd? */
static bool emu_plat_cdev_is_owner(struct emu_plat_cdev *cdev,
				   struct file *file)
{
	bool ret;

	mutex_lock(&cdev->bind_lock);
	ret = cdev->owner == file;
	mutex_unlock(&cdev->bind_lock);
	return ret;
}

/*
 * Does the device attach PASIDs of its own? A sub-device's requests carry
 * the PASID it was given and no other: like a VFIO device without PASID
 * attach ops, it has none to attach.
 */
static bool emu_plat_cdev_has_pasids(struct emu_plat_cdev *cdev)
{
	return !cdev->edev->parent && cdev->edev->pasid_bits;
}

/*
 * Can the device issue @pasid? PASID 0 is the slot of requests without
 * one, so it cannot be named explicitly.
 */
static bool emu_plat_cdev_pasid_valid(struct emu_plat_cdev *cdev, u32 pasid)
{
	return emu_plat_cdev_has_pasids(cdev) && pasid != EMU_NO_PASID &&
	       pasid < BIT(cdev->edev->pasid_bits);
}

/*
 * The PASID an attach or detach names, in VFIO's order of checks: a device
 * without PASIDs refuses the flag, then argsz must cover the field.
 */
static int emu_plat_cdev_get_pasid(struct emu_plat_cdev *cdev, u32 argsz,
				   bool has_pasid, const u32 __user *upasid,
				   size_t pasid_end, u32 *pasid)
{
	*pasid = EMU_NO_PASID;
	if (!has_pasid)
		return 0;
	if (!emu_plat_cdev_has_pasids(cdev))
		return -EOPNOTSUPP;
	if (argsz < pasid_end)
		return -EINVAL;
	return get_user(*pasid, upasid);
}

static int emu_plat_cdev_bind(struct emu_plat_cdev *cdev, struct file *file,
			      struct vfio_device_bind_iommufd __user *arg)
{
	const u32 minsz = offsetofend(struct vfio_device_bind_iommufd,
				      out_devid);
	struct vfio_device_bind_iommufd bind;
	struct iommufd_device *idev;
	struct iommufd_ctx *ictx;
	u32 argsz;
	int rc;

	/* VFIO's order: size, unknown non-zero bytes, then the fields */
	if (get_user(argsz, &arg->argsz))
		return -EFAULT;
	if (argsz < minsz)
		return -EINVAL;
	rc = copy_struct_from_user(&bind, sizeof(bind), arg, argsz);
	if (rc)
		return rc;
	if (bind.iommufd < 0 || bind.flags & ~VFIO_DEVICE_BIND_FLAG_TOKEN)
		return -EINVAL;
	/*
	 * Emulated devices are neither SR-IOV PFs nor VFs: like vfio-pci for
	 * such a device, a VF token is refused.
	 */
	if (bind.flags & VFIO_DEVICE_BIND_FLAG_TOKEN)
		return -EINVAL;

	mutex_lock(&cdev->bind_lock);
	/* One binding at a time, whether from this fd or another one */
	if (cdev->owner) {
		rc = -EINVAL;
		goto out_unlock;
	}
	ictx = iommufd_ctx_from_fd(bind.iommufd);
	if (IS_ERR(ictx)) {
		rc = PTR_ERR(ictx);
		goto out_unlock;
	}
	idev = iommufd_device_bind(ictx, cdev->edev);
	if (IS_ERR(idev)) {
		rc = PTR_ERR(idev);
		goto out_put_ctx;
	}
	bind.out_devid = iommufd_device_id(idev);
	if (put_user(bind.out_devid, &arg->out_devid)) {
		rc = -EFAULT;
		goto out_unbind;
	}
	cdev->ictx = ictx;
	cdev->idev = idev;
	cdev->owner = file;
	mutex_unlock(&cdev->bind_lock);
	return 0;

out_unbind:
	iommufd_device_unbind(idev);
out_put_ctx:
	iommufd_ctx_put(ictx);
out_unlock:
	mutex_unlock(&cdev->bind_lock);
	return rc;
}

static int emu_plat_cdev_attach(struct emu_plat_cdev *cdev,
				struct vfio_device_attach_iommufd_pt __user *arg)
{
	const u32 minsz = offsetofend(struct vfio_device_attach_iommufd_pt,
				      pt_id);
	struct vfio_device_attach_iommufd_pt attach;
	bool replace, has_pasid;
	u32 pasid;
	int rc;

	if (copy_from_user(&attach, arg, minsz))
		return -EFAULT;
	if (attach.argsz < minsz || attach.flags & ~VFIO_DEVICE_ATTACH_PASID)
		return -EINVAL;
	has_pasid = attach.flags & VFIO_DEVICE_ATTACH_PASID;
	rc = emu_plat_cdev_get_pasid(cdev, attach.argsz, has_pasid,
				     &arg->pasid,
				     offsetofend(typeof(attach), pasid), &pasid);
	if (rc)
		return rc;
	if (has_pasid && !emu_plat_cdev_pasid_valid(cdev, pasid))
		return -EINVAL;

	mutex_lock(&cdev->bind_lock);
	/* As VFIO does, attaching an attached device (PASID) replaces */
	replace = xa_load(&cdev->pasids, pasid);
	if (replace) {
		rc = iommufd_device_replace(cdev->idev, pasid, &attach.pt_id);
	} else {
		rc = xa_err(xa_store(&cdev->pasids, pasid, xa_mk_value(1),
				     GFP_KERNEL));
		if (rc)
			goto out_unlock;
		rc = iommufd_device_attach(cdev->idev, pasid, &attach.pt_id);
		if (rc)
			xa_erase(&cdev->pasids, pasid);
	}
	if (rc)
		goto out_unlock;
	/* Still attached if this fails, as VFIO leaves it */
	if (put_user(attach.pt_id, &arg->pt_id))
		rc = -EFAULT;
out_unlock:
	mutex_unlock(&cdev->bind_lock);
	return rc;
}

static int emu_plat_cdev_detach(struct emu_plat_cdev *cdev,
				struct vfio_device_detach_iommufd_pt __user *arg)
{
	const u32 minsz = offsetofend(struct vfio_device_detach_iommufd_pt,
				      flags);
	struct vfio_device_detach_iommufd_pt detach;
	bool has_pasid;
	u32 pasid;
	int rc;

	if (copy_from_user(&detach, arg, minsz))
		return -EFAULT;
	if (detach.argsz < minsz || detach.flags & ~VFIO_DEVICE_DETACH_PASID)
		return -EINVAL;
	has_pasid = detach.flags & VFIO_DEVICE_DETACH_PASID;
	rc = emu_plat_cdev_get_pasid(cdev, detach.argsz, has_pasid,
				     &arg->pasid,
				     offsetofend(typeof(detach), pasid), &pasid);
	if (rc)
		return rc;
	/*
	 * Detaching what is not attached is not an error, as in VFIO, also
	 * for a PASID the device cannot issue (PASID 0 names nothing here,
	 * it must not reach the RID's slot)
	 */
	if (has_pasid && !emu_plat_cdev_pasid_valid(cdev, pasid))
		return 0;

	mutex_lock(&cdev->bind_lock);
	if (xa_erase(&cdev->pasids, pasid))
		iommufd_device_detach(cdev->idev, pasid);
	mutex_unlock(&cdev->bind_lock);
	return 0;
}

/*
 * May @file use the device: -ENODEV once it is unplugged, -EINVAL when
 * @file is not the bound fd. The caller holds the rwsem.
 */
static int emu_plat_cdev_check_user(struct emu_plat_cdev *cdev,
				    struct file *file)
{
	lockdep_assert_held(&cdev->rwsem);
	if (cdev->gone)
		return -ENODEV;
	if (!emu_plat_cdev_is_owner(cdev, file))
		return -EINVAL;
	return 0;
}

/*
 * One chunk of a DMA, between the device and @buf, under the rwsem held
 * for read: the device may have been unplugged, or the fd unbound by the
 * unplug, since the previous chunk.
 */
static int emu_plat_cdev_dma_chunk(struct emu_plat_cdev *cdev,
				   struct file *file, u32 pasid, u64 iova,
				   void *buf, size_t len, bool write)
{
	int rc;

	down_read(&cdev->rwsem);
	rc = emu_plat_cdev_check_user(cdev, file);
	if (!rc)
		rc = emu_dev_dma(cdev->edev, pasid, iova, buf, len, write);
	up_read(&cdev->rwsem);
	return rc;
}

static int emu_plat_cdev_dma(struct emu_plat_cdev *cdev, struct file *file,
			     struct iommufd_emu_dma __user *arg)
{
	const u32 minsz = offsetofend(struct iommufd_emu_dma, uptr);
	struct iommufd_emu_dma cmd;
	u32 pasid = EMU_NO_PASID;
	u8 __user *uptr;
	u64 done = 0;
	bool write;
	void *buf;
	u32 argsz;
	int rc;

	/*
	 * Like every other ioctl of an unbound fd, refused before its
	 * argument is read. The lock is dropped to copy it in, so the
	 * check is made again below.
	 */
	down_read(&cdev->rwsem);
	rc = emu_plat_cdev_check_user(cdev, file);
	up_read(&cdev->rwsem);
	if (rc)
		return rc;

	if (get_user(argsz, &arg->argsz))
		return -EFAULT;
	if (argsz < minsz)
		return -EINVAL;
	rc = copy_struct_from_user(&cmd, sizeof(cmd), arg, argsz);
	if (rc)
		return rc;
	if (cmd.flags & ~(IOMMUFD_EMU_DMA_WRITE | IOMMUFD_EMU_DMA_PASID) ||
	    cmd.__reserved)
		return -EOPNOTSUPP;
	if (!cmd.length)
		return -EINVAL;
	if (cmd.iova + cmd.length - 1 < cmd.iova)
		return -EOVERFLOW;

	down_read(&cdev->rwsem);
	rc = emu_plat_cdev_check_user(cdev, file);
	if (!rc && (cmd.flags & IOMMUFD_EMU_DMA_PASID)) {
		pasid = cmd.pasid;
		if (!emu_plat_cdev_pasid_valid(cdev, pasid))
			rc = -EINVAL;
	} else if (!rc && cmd.pasid) {
		rc = -EINVAL;
	}
	up_read(&cdev->rwsem);
	if (rc)
		return rc;

	buf = kvmalloc(min_t(u64, cmd.length, EMU_PLAT_DMA_CHUNK),
		       GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	write = cmd.flags & IOMMUFD_EMU_DMA_WRITE;
	uptr = u64_to_user_ptr(cmd.uptr);
	while (done < cmd.length) {
		size_t len = min_t(u64, cmd.length - done,
				   EMU_PLAT_DMA_CHUNK);

		if (write && copy_from_user(buf, uptr + done, len)) {
			rc = -EFAULT;
			break;
		}
		rc = emu_plat_cdev_dma_chunk(cdev, file, pasid,
					     cmd.iova + done, buf, len, write);
		if (rc)
			break;
		if (!write && copy_to_user(uptr + done, buf, len)) {
			rc = -EFAULT;
			break;
		}
		done += len;
		if (fatal_signal_pending(current)) {
			rc = -EINTR;
			break;
		}
		cond_resched();
	}
	kvfree(buf);
	return rc;
}

static long emu_plat_cdev_ioctl(struct file *file, unsigned int cmd,
				unsigned long arg)
{
	struct emu_plat_cdev *cdev = file->private_data;
	void __user *uarg = (void __user *)arg;
	long rc;

	/* Runs without the rwsem held, to copy user memory freely */
	if (cmd == IOMMUFD_EMU_DMA)
		return emu_plat_cdev_dma(cdev, file, uarg);

	down_read(&cdev->rwsem);
	if (cdev->gone) {
		rc = -ENODEV;
		goto out_unlock;
	}
	if (cmd == VFIO_DEVICE_BIND_IOMMUFD) {
		rc = emu_plat_cdev_bind(cdev, file, uarg);
		goto out_unlock;
	}
	/*
	 * As VFIO, an fd that is not bound refuses every other ioctl before
	 * looking at it. Only the revoke (excluded by the rwsem) or closing
	 * this fd can unbind it, so the answer holds for the whole ioctl.
	 */
	if (!emu_plat_cdev_is_owner(cdev, file)) {
		rc = -EINVAL;
		goto out_unlock;
	}
	switch (cmd) {
	case VFIO_DEVICE_ATTACH_IOMMUFD_PT:
		rc = emu_plat_cdev_attach(cdev, uarg);
		break;
	case VFIO_DEVICE_DETACH_IOMMUFD_PT:
		rc = emu_plat_cdev_detach(cdev, uarg);
		break;
	default:
		rc = -ENOTTY;
		break;
	}
out_unlock:
	up_read(&cdev->rwsem);
	return rc;
}

static int emu_plat_cdev_open(struct inode *inode, struct file *file)
{
	/*
	 * misc_open() set private_data to our misc device and holds misc_mtx,
	 * so the device is still registered and its reference still held.
	 */
	struct emu_plat_cdev *cdev = container_of(file->private_data,
						  struct emu_plat_cdev, misc);

	kref_get(&cdev->kref);
	file->private_data = cdev;
	return 0;
}

static int emu_plat_cdev_release(struct inode *inode, struct file *file)
{
	struct emu_plat_cdev *cdev = file->private_data;

	down_read(&cdev->rwsem);
	mutex_lock(&cdev->bind_lock);
	/* After an unplug, the revoke has already unbound */
	if (!cdev->gone && cdev->owner == file)
		emu_plat_cdev_unbind(cdev);
	mutex_unlock(&cdev->bind_lock);
	up_read(&cdev->rwsem);
	emu_plat_cdev_put(cdev);
	return 0;
}

static const struct file_operations emu_plat_cdev_fops = {
	.owner = THIS_MODULE,
	.open = emu_plat_cdev_open,
	.release = emu_plat_cdev_release,
	.unlocked_ioctl = emu_plat_cdev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/**
 * emu_plat_cdev_create() - create /dev/iommufd-emu/<name> for a device
 * @dev: the device, just added to the IOMMU core
 *
 * Context: emu_plat_lock held.
 *
 * Return: 0 or a negative errno (-ENOMEM, -EEXIST for a misc device of
 * the same name).
 */
int emu_plat_cdev_create(struct emu_plat_dev *dev)
{
	const char *name = config_item_name(&dev->item);
	struct emu_plat_cdev *cdev;
	int rc;

	lockdep_assert_held(&emu_plat_lock);
	cdev = kzalloc(sizeof(*cdev), GFP_KERNEL);
	if (!cdev)
		return -ENOMEM;
	kref_init(&cdev->kref);
	init_rwsem(&cdev->rwsem);
	mutex_init(&cdev->bind_lock);
	xa_init(&cdev->pasids);
	cdev->edev = &dev->edev;
	snprintf(cdev->name, sizeof(cdev->name), "iommufd-emu-%s", name);
	snprintf(cdev->nodename, sizeof(cdev->nodename), "iommufd-emu/%s",
		 name);
	cdev->misc.minor = MISC_DYNAMIC_MINOR;
	cdev->misc.name = cdev->name;
	cdev->misc.nodename = cdev->nodename;
	cdev->misc.mode = 0600;
	cdev->misc.fops = &emu_plat_cdev_fops;
	rc = misc_register(&cdev->misc);
	if (rc) {
		emu_plat_cdev_put(cdev);
		return rc;
	}
	dev->cdev = cdev;
	return 0;
}

/**
 * emu_plat_cdev_remove() - hot-unplug: revoke the binding, remove the node
 * @dev: the device, still in the IOMMU core
 *
 * Waits for the ioctls in flight, detaches and unbinds a bound device fd
 * and makes every later ioctl on any fd of the device fail with ENODEV.
 * Open fds keep the state alive until they are closed.
 *
 * Context: emu_plat_lock held; before emu_dev_remove().
 */
void emu_plat_cdev_remove(struct emu_plat_dev *dev)
{
	struct emu_plat_cdev *cdev = dev->cdev;

	lockdep_assert_held(&emu_plat_lock);
	/* DMAs waiting for a page response hold the rwsem: release them */
	emu_dev_stop_dma_waits(cdev->edev);
	down_write(&cdev->rwsem);
	mutex_lock(&cdev->bind_lock);
	if (cdev->owner)
		emu_plat_cdev_unbind(cdev);
	cdev->gone = true;
	cdev->edev = NULL;
	mutex_unlock(&cdev->bind_lock);
	up_write(&cdev->rwsem);

	misc_deregister(&cdev->misc);
	dev->cdev = NULL;
	emu_plat_cdev_put(cdev);
}

/**
 * emu_plat_cdev_bound() - whether a device fd of @dev is bound
 * @dev: an enabled device
 *
 * Context: emu_plat_lock held (for the debugfs dump).
 *
 * Return: the iommufd device id of the binding, or 0 when unbound.
 */
u32 emu_plat_cdev_bound(struct emu_plat_dev *dev)
{
	struct emu_plat_cdev *cdev = dev->cdev;
	u32 id = 0;

	mutex_lock(&cdev->bind_lock);
	if (cdev->idev)
		id = iommufd_device_id(cdev->idev);
	mutex_unlock(&cdev->bind_lock);
	return id;
}
