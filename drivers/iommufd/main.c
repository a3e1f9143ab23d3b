// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/iommu: the per-open context, the object table and ioctl dispatch.
 *
 * Every object lives in the context's xarray under a non-zero id. Creation
 * is two-phase: the id is reserved with XA_ZERO_ENTRY (invisible to
 * lookups), the object is built, and only when nothing can fail any more
 * is the pointer published. Destroy never fails once it starts.
 */
#define pr_fmt(fmt) "iommufd_emu: " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/iommufd.h>
#include <linux/iommufd_test.h>

#include "iommufd_private.h"
#include "../iommu-hw/mock/mock.h"
#include "../platform/emu_platform.h"

static char *devname = "iommu";
module_param(devname, charp, 0444);
MODULE_PARM_DESC(devname,
		 "name of the device node under /dev (default: iommu); change it to run beside an in-kernel iommufd");

/*
 * Upstream builds its test hooks only with CONFIG_IOMMUFD_TEST; ours wait
 * for this. Root may flip it at run time: objects made meanwhile stay valid.
 */
static bool selftest;
module_param(selftest, bool, 0644);
MODULE_PARM_DESC(selftest,
		 "serve IOMMU_TEST_CMD and the mock IOMMU for kselftests (default: off)");

/*
 * destroy releases everything an object holds and cannot fail; abort, where
 * present, undoes an object that was never published (it may expect locks
 * its creator holds).
 */
/* Open contexts, for the debugfs dump */
static DEFINE_MUTEX(iommufd_ctx_list_lock);
static LIST_HEAD(iommufd_ctx_list);
static DEFINE_IDA(iommufd_ctx_ida);
static struct dentry *iommufd_debugfs_contexts;

struct iommufd_object_ops {
	void (*destroy)(struct iommufd_object *obj);
	void (*abort)(struct iommufd_object *obj);
};

static const struct iommufd_object_ops iommufd_object_ops[] = {
	[IOMMUFD_OBJ_DEVICE] = {
		.destroy = iommufd_device_destroy,
	},
	[IOMMUFD_OBJ_FAULT] = {
		.destroy = iommufd_fault_destroy,
	},
	[IOMMUFD_OBJ_HWPT_NESTED] = {
		.destroy = iommufd_hwpt_nested_destroy,
	},
	[IOMMUFD_OBJ_HWPT_PAGING] = {
		.destroy = iommufd_hwpt_paging_destroy,
		.abort = iommufd_hwpt_paging_abort,
	},
	[IOMMUFD_OBJ_IOAS] = {
		.destroy = iommufd_ioas_destroy,
	},
	[IOMMUFD_OBJ_SELFTEST] = {
		.destroy = iommufd_selftest_destroy,
	},
	[IOMMUFD_OBJ_VIOMMU] = {
		.destroy = iommufd_viommu_destroy,
	},
	[IOMMUFD_OBJ_VDEVICE] = {
		.destroy = iommufd_vdevice_destroy,
		.abort = iommufd_vdevice_abort,
	},
	[IOMMUFD_OBJ_HW_QUEUE] = {
		.destroy = iommufd_hw_queue_destroy,
	},
	[IOMMUFD_OBJ_VEVENTQ] = {
		.destroy = iommufd_veventq_destroy,
	},
};

/**
 * _iommufd_object_alloc() - allocate an object and reserve its id
 * @ictx: the context
 * @size: size of the containing struct; use iommufd_object_alloc()
 * @type: the object type
 *
 * The id stays invisible until iommufd_object_finalize(); undo with
 * iommufd_object_abort() or iommufd_object_abort_and_destroy().
 *
 * Return: the header, or an ERR_PTR (-ENOMEM, or -EBUSY when out of ids).
 */
struct iommufd_object *_iommufd_object_alloc(struct iommufd_ctx *ictx,
					     size_t size,
					     enum iommufd_object_type type)
{
	struct iommufd_object *obj;
	int rc;

	obj = kzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!obj)
		return ERR_PTR(-ENOMEM);
	obj->type = type;
	refcount_set(&obj->users, 1);
	refcount_set(&obj->lookups, 1);

	/* Reserve the id; lookups see nothing until finalize. */
	rc = xa_alloc(&ictx->objects, &obj->id, XA_ZERO_ENTRY, xa_limit_31b,
		      GFP_KERNEL_ACCOUNT);
	if (rc) {
		kfree(obj);
		return ERR_PTR(rc);
	}
	return obj;
}

/**
 * iommufd_object_finalize() - publish a fully built object
 * @ictx: the context
 * @obj: the object; nothing may fail after this
 */
void iommufd_object_finalize(struct iommufd_ctx *ictx,
			     struct iommufd_object *obj)
{
	void *old;

	/*
	 * Replacing the reserved entry never allocates. The xarray reports a
	 * reserved entry as NULL, so NULL means the swap happened.
	 */
	old = xa_cmpxchg(&ictx->objects, obj->id, XA_ZERO_ENTRY, obj, 0);
	WARN_ON(old);
}

/**
 * iommufd_object_abort() - free an unpublished object that holds nothing
 * @ictx: the context
 * @obj: the object
 */
void iommufd_object_abort(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	void *old;

	old = xa_erase(&ictx->objects, obj->id);
	WARN_ON(old);
	kfree(obj);
}

/**
 * iommufd_object_abort_and_destroy() - undo an unpublished object
 * @ictx: the context
 * @obj: the object; its type's destroy releases what it holds
 */
void iommufd_object_abort_and_destroy(struct iommufd_ctx *ictx,
				      struct iommufd_object *obj)
{
	const struct iommufd_object_ops *ops = &iommufd_object_ops[obj->type];

	if (ops->abort)
		ops->abort(obj);
	else
		ops->destroy(obj);
	iommufd_object_abort(ictx, obj);
}

/**
 * iommufd_lock_obj() - take the references of iommufd_get_object()
 * @obj: a published object, found under the xarray's lock, which the
 *	 caller still holds
 *
 * For callers that reach an object through another pointer than its id.
 * Pair with iommufd_put_object().
 *
 * Return: true, or false when the object is being destroyed.
 */
bool iommufd_lock_obj(struct iommufd_object *obj)
{
	if (!refcount_inc_not_zero(&obj->users))
		return false;
	if (!refcount_inc_not_zero(&obj->lookups)) {
		refcount_dec(&obj->users);
		return false;
	}
	return true;
}

/**
 * iommufd_get_object() - look up a published object for the current ioctl
 * @ictx: the context
 * @id: the id from userspace
 * @type: the expected type, or IOMMUFD_OBJ_ANY
 *
 * Pair with iommufd_put_object().
 *
 * Return: the object, or ERR_PTR(-ENOENT) for a missing id, an id of another
 * type, or an object being destroyed.
 */
struct iommufd_object *iommufd_get_object(struct iommufd_ctx *ictx, u32 id,
					  enum iommufd_object_type type)
{
	struct iommufd_object *obj;

	xa_lock(&ictx->objects);
	obj = xa_load(&ictx->objects, id);
	if (!obj || (type != IOMMUFD_OBJ_ANY && obj->type != type) ||
	    !iommufd_lock_obj(obj))
		obj = ERR_PTR(-ENOENT);
	xa_unlock(&ictx->objects);
	return obj;
}

/**
 * iommufd_put_object() - end the use started by iommufd_get_object()
 * @ictx: the context
 * @obj: the object
 */
void iommufd_put_object(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	refcount_dec(&obj->users);
	refcount_dec(&obj->lookups);
	/*
	 * A kernel-initiated remove may be waiting for these to drain. Only
	 * then is there anyone to wake: skip the wait queue's lock on the
	 * ordinary path (the barrier pairs with wait_event()'s).
	 */
	if (wq_has_sleeper(&ictx->destroy_wait))
		wake_up_all(&ictx->destroy_wait);
}

/* An unpublished IOAS stops being the VFIO compatibility IOAS */
static void iommufd_object_unpublished(struct iommufd_ctx *ictx,
				       struct iommufd_object *obj)
{
	lockdep_assert_held(&ictx->objects.xa_lock);

	if (ictx->vfio_ioas && &ictx->vfio_ioas->obj == obj)
		ictx->vfio_ioas = NULL;
}

static void iommufd_object_free(struct iommufd_ctx *ictx,
				struct iommufd_object *obj)
{
	/* Drop the table's lookup reference and let running ioctls finish. */
	if (!refcount_dec_and_test(&obj->lookups))
		wait_event(ictx->destroy_wait,
			   !refcount_read(&obj->lookups));
	iommufd_object_ops[obj->type].destroy(obj);
	kfree(obj);
}

/*
 * The end of an object the kernel destroys: unpublish @obj, found in the
 * table under its lock (which this drops), either freeing its id or, for a
 * @tombstone, keeping the id reserved so that it names nothing from now on.
 * Then wait until only the table's users reference is left (running ioctls
 * and kernel users let go) and free the object.
 */
static void iommufd_object_kernel_destroy(struct iommufd_ctx *ictx,
					  struct iommufd_object *obj,
					  bool tombstone)
	__releases(&ictx->objects.xa_lock)
{
	/* Replacing an entry never allocates */
	if (tombstone)
		__xa_store(&ictx->objects, obj->id, XA_ZERO_ENTRY, 0);
	else
		__xa_erase(&ictx->objects, obj->id);
	iommufd_object_unpublished(ictx, obj);
	xa_unlock(&ictx->objects);
	wait_event(ictx->destroy_wait, refcount_read(&obj->users) == 1);
	refcount_set(&obj->users, 0);
	iommufd_object_free(ictx, obj);
}

/**
 * iommufd_object_remove() - destroy an object nobody else references
 * @ictx: the context
 * @id: the object's id
 * @kernel: the kernel removes it (a device being unbound): instead of
 *	    failing with EBUSY, wait for running ioctls to let go of it
 *
 * Return: 0; -ENOENT for an unknown id; -EBUSY while another object or an
 * ioctl in progress holds a reference (never when @kernel).
 */
int iommufd_object_remove(struct iommufd_ctx *ictx, u32 id, bool kernel)
{
	struct iommufd_object *obj;

	xa_lock(&ictx->objects);
	obj = xa_load(&ictx->objects, id);
	if (!obj) {
		xa_unlock(&ictx->objects);
		return -ENOENT;
	}
	if (kernel) {
		iommufd_object_kernel_destroy(ictx, obj, false);
		return 0;
	}
	/* Only the table's own reference may remain. */
	if (!refcount_dec_if_one(&obj->users)) {
		xa_unlock(&ictx->objects);
		return -EBUSY;
	}
	__xa_erase(&ictx->objects, id);
	iommufd_object_unpublished(ictx, obj);
	xa_unlock(&ictx->objects);

	iommufd_object_free(ictx, obj);
	return 0;
}

/**
 * iommufd_object_try_get() - take a users reference on a published object
 * @ictx: the context
 * @obj: an object the caller knows is not freed yet (a lock of its own
 *	 keeps it), but which may be unpublished or not yet published
 *
 * Pair with iommufd_object_put_user().
 *
 * Return: true when @obj is in the table and the reference was taken.
 */
bool iommufd_object_try_get(struct iommufd_ctx *ictx,
			    struct iommufd_object *obj)
{
	bool published;

	xa_lock(&ictx->objects);
	/* A published object has at least the table's reference */
	published = xa_load(&ictx->objects, obj->id) == obj;
	if (published)
		refcount_inc(&obj->users);
	xa_unlock(&ictx->objects);
	return published;
}

/**
 * iommufd_object_put_user() - drop a users reference
 * @ictx: the context
 * @obj: the object, which keeps the table's reference
 *
 * For references taken without a lookup, e.g. with iommufd_object_try_get():
 * a kernel-initiated remove may be waiting for them.
 */
void iommufd_object_put_user(struct iommufd_ctx *ictx,
			     struct iommufd_object *obj)
{
	refcount_dec(&obj->users);
	if (wq_has_sleeper(&ictx->destroy_wait))
		wake_up_all(&ictx->destroy_wait);
}

/**
 * iommufd_object_tombstone() - destroy an object, keeping its id dead
 * @ictx: the context
 * @obj: a published object on which the caller holds a users reference
 *	 (from iommufd_object_try_get()), which this consumes
 *
 * For objects the kernel destroys because what they describe went away (a
 * vDEVICE whose device was unbound). Userspace still holds the id, so it
 * stays reserved: IOMMU_DESTROY of it fails with ENOENT instead of
 * reaching a newer object. Waits for running ioctls to let go; cannot fail.
 */
void iommufd_object_tombstone(struct iommufd_ctx *ictx,
			      struct iommufd_object *obj)
{
	xa_lock(&ictx->objects);
	/* Never write over the slot of another object */
	if (WARN_ON(xa_load(&ictx->objects, obj->id) != obj)) {
		xa_unlock(&ictx->objects);
		refcount_dec(&obj->users);
		return;
	}
	refcount_dec(&obj->users);
	iommufd_object_kernel_destroy(ictx, obj, true);
}

/**
 * iommufd_ucmd_respond() - copy the command struct back to userspace
 * @ucmd: the ioctl
 * @cmd_len: size of the kernel struct
 *
 * Only as many bytes as the user declared are written.
 *
 * Return: 0 or -EFAULT.
 */
int iommufd_ucmd_respond(struct iommufd_ucmd *ucmd, size_t cmd_len)
{
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd,
			 min_t(size_t, ucmd->user_size, cmd_len)))
		return -EFAULT;
	return 0;
}

static int iommufd_destroy(struct iommufd_ucmd *ucmd)
{
	struct iommu_destroy *cmd = ucmd->cmd;

	return iommufd_object_remove(ucmd->ictx, cmd->id, false);
}

static int iommufd_option(struct iommufd_ucmd *ucmd)
{
	struct iommu_option *cmd = ucmd->cmd;
	int rc;

	if (cmd->__reserved)
		return -EOPNOTSUPP;

	switch (cmd->option_id) {
	case IOMMU_OPTION_RLIMIT_MODE:
		rc = iommufd_option_rlimit_mode(cmd, ucmd->ictx);
		break;
	case IOMMU_OPTION_HUGE_PAGES:
		rc = iommufd_ioas_option(ucmd);
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (rc)
		return rc;
	/* Only val64 is an output; the rest of the struct is left alone. */
	if (copy_to_user(&((struct iommu_option __user *)ucmd->ubuffer)->val64,
			 &cmd->val64, sizeof(cmd->val64)))
		return -EFAULT;
	return 0;
}

/* Commands that later issues implement answer this until then. */
static int iommufd_not_supported(struct iommufd_ucmd *ucmd)
{
	return -EOPNOTSUPP;
}

static int iommufd_fops_open(struct inode *inode, struct file *filp)
{
	struct iommufd_ctx *ictx;
	int rc;

	ictx = kzalloc(sizeof(*ictx), GFP_KERNEL_ACCOUNT);
	if (!ictx)
		return -ENOMEM;

	rc = ida_alloc(&iommufd_ctx_ida, GFP_KERNEL);
	if (rc < 0) {
		kfree(ictx);
		return rc;
	}
	ictx->id = rc;
	ictx->owner_pid = task_tgid_vnr(current);
	xa_init_flags(&ictx->objects, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	xa_init(&ictx->groups);
	mutex_init(&ictx->mmap_lock);
	xa_init(&ictx->mmaps);
	init_waitqueue_head(&ictx->destroy_wait);
	init_rwsem(&ictx->ioas_creation_lock);
	ictx->account_mode = IOPT_PAGES_ACCOUNT_USER;
	ictx->file = filp;
	filp->private_data = ictx;
	mutex_lock(&iommufd_ctx_list_lock);
	list_add_tail(&ictx->node, &iommufd_ctx_list);
	mutex_unlock(&iommufd_ctx_list_lock);
	return 0;
}

static int iommufd_fops_release(struct inode *inode, struct file *filp)
{
	struct iommufd_ctx *ictx = filp->private_data;
	struct iommufd_object *obj;
	unsigned long index;
	bool progress;

	mutex_lock(&iommufd_ctx_list_lock);
	list_del(&ictx->node);
	mutex_unlock(&iommufd_ctx_list_lock);

	/*
	 * Nothing else can reach the table now. Destroy leaves first: every
	 * pass frees the objects that nothing references, which releases
	 * their references on others for the next pass.
	 */
	do {
		progress = false;
		xa_for_each(&ictx->objects, index, obj) {
			if (!refcount_dec_if_one(&obj->users))
				continue;
			xa_erase(&ictx->objects, index);
			iommufd_object_free(ictx, obj);
			progress = true;
		}
	} while (progress);

	/*
	 * Tombstones may remain, which xa_for_each() skips. Anything else is a
	 * reference-counting bug: leak it, don't crash.
	 */
	xa_for_each(&ictx->objects, index, obj) {
		WARN_ON(obj);
		break;
	}
	xa_destroy(&ictx->objects);
	/* Every owner removed its regions when it was destroyed */
	WARN_ON(!xa_empty(&ictx->mmaps));
	xa_destroy(&ictx->mmaps);
	mutex_destroy(&ictx->mmap_lock);
	WARN_ON(!xa_empty(&ictx->groups));
	xa_destroy(&ictx->groups);
	ida_free(&iommufd_ctx_ida, ictx->id);
	kfree(ictx);
	return 0;
}

static const char *const iommufd_object_names[IOMMUFD_OBJ_MAX] = {
	[IOMMUFD_OBJ_DEVICE] = "device",
	[IOMMUFD_OBJ_FAULT] = "fault",
	[IOMMUFD_OBJ_HWPT_NESTED] = "hwpt_nested",
	[IOMMUFD_OBJ_HWPT_PAGING] = "hwpt_paging",
	[IOMMUFD_OBJ_IOAS] = "ioas",
	[IOMMUFD_OBJ_SELFTEST] = "selftest",
	[IOMMUFD_OBJ_VIOMMU] = "viommu",
	[IOMMUFD_OBJ_VDEVICE] = "vdevice",
	[IOMMUFD_OBJ_HW_QUEUE] = "hw_queue",
	[IOMMUFD_OBJ_VEVENTQ] = "veventq",
};

/*
 * /sys/kernel/debug/iommufd_emu/contexts: every open context with its
 * objects, their types and reference counts (users includes the table's
 * own reference; lookups counts ioctls using the object, plus the table).
 */
static int iommufd_contexts_show(struct seq_file *m, void *unused)
{
	struct iommufd_ctx *ictx;

	mutex_lock(&iommufd_ctx_list_lock);
	list_for_each_entry(ictx, &iommufd_ctx_list, node) {
		struct iommufd_object *obj;
		unsigned long index;

		seq_printf(m, "context %u pid %d rlimit_mode %s\n", ictx->id,
			   ictx->owner_pid,
			   ictx->account_mode == IOPT_PAGES_ACCOUNT_MM ? "mm" :
									"user");
		xa_lock(&ictx->objects);
		xa_for_each(&ictx->objects, index, obj) {
			seq_printf(m, "  id %lu %s users %u lookups %u\n", index,
				   iommufd_object_names[obj->type],
				   refcount_read(&obj->users),
				   refcount_read(&obj->lookups));
		}
		xa_unlock(&ictx->objects);
	}
	mutex_unlock(&iommufd_ctx_list_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(iommufd_contexts);

union ucmd_buffer {
	struct iommu_destroy destroy;
	struct iommu_fault_alloc fault;
	struct iommu_hw_info info;
	struct iommu_hw_queue_alloc hw_queue;
	struct iommu_hwpt_alloc hwpt;
	struct iommu_hwpt_get_dirty_bitmap get_dirty_bitmap;
	struct iommu_hwpt_invalidate cache;
	struct iommu_hwpt_set_dirty_tracking set_dirty_tracking;
	struct iommu_ioas_alloc alloc;
	struct iommu_ioas_allow_iovas allow_iovas;
	struct iommu_ioas_change_process change_process;
	struct iommu_ioas_copy ioas_copy;
	struct iommu_ioas_iova_ranges iova_ranges;
	struct iommu_ioas_map map;
	struct iommu_ioas_map_file map_file;
	struct iommu_ioas_noiommu_get_pa noiommu_get_pa;
	struct iommu_ioas_unmap unmap;
	struct iommu_option option;
	struct iommu_vdevice_alloc vdev;
	struct iommu_veventq_alloc veventq;
	struct iommu_vfio_ioas vfio_ioas;
	struct iommu_viommu_alloc viommu;
	struct iommu_test_cmd test;
};

/* Indexed by command number; every command is _IO(IOMMUFD_TYPE, nr). */
struct iommufd_ioctl_op {
	unsigned int size;
	unsigned int min_size;
	int (*execute)(struct iommufd_ucmd *ucmd);
	bool selftest_only;
};

/*
 * min_size is where the first version of each struct ended: a caller may
 * pass anything from there up; fields it did not pass read as zero.
 */
#define __IOCTL_OP(_ioctl, _fn, _struct, _last, _test_only)                   \
	[_IOC_NR(_ioctl) - IOMMUFD_CMD_BASE] = {                               \
		.size = sizeof(_struct) +                                      \
			BUILD_BUG_ON_ZERO(sizeof(union ucmd_buffer) <          \
					  sizeof(_struct)),                    \
		.min_size = offsetofend(_struct, _last),                       \
		.execute = _fn,                                                \
		.selftest_only = _test_only,                                   \
	}
#define IOCTL_OP(_ioctl, _fn, _struct, _last)                                  \
	__IOCTL_OP(_ioctl, _fn, _struct, _last, false)
/* A test hook: unknown (ENOTTY) unless the module has selftest=1 */
#define IOCTL_TEST_OP(_ioctl, _fn, _struct, _last)                             \
	__IOCTL_OP(_ioctl, _fn, _struct, _last, true)

static const struct iommufd_ioctl_op iommufd_ioctl_ops[] = {
	IOCTL_OP(IOMMU_DESTROY, iommufd_destroy, struct iommu_destroy, id),
	IOCTL_OP(IOMMU_FAULT_QUEUE_ALLOC, iommufd_fault_alloc,
		 struct iommu_fault_alloc, out_fault_fd),
	IOCTL_OP(IOMMU_GET_HW_INFO, iommufd_get_hw_info,
		 struct iommu_hw_info, __reserved),
	IOCTL_OP(IOMMU_HW_QUEUE_ALLOC, iommufd_hw_queue_alloc_ioctl,
		 struct iommu_hw_queue_alloc, length),
	IOCTL_OP(IOMMU_HWPT_ALLOC, iommufd_hwpt_alloc,
		 struct iommu_hwpt_alloc, __reserved),
	IOCTL_OP(IOMMU_HWPT_GET_DIRTY_BITMAP, iommufd_hwpt_get_dirty_bitmap,
		 struct iommu_hwpt_get_dirty_bitmap, data),
	IOCTL_OP(IOMMU_HWPT_INVALIDATE, iommufd_hwpt_invalidate,
		 struct iommu_hwpt_invalidate, __reserved),
	IOCTL_OP(IOMMU_HWPT_SET_DIRTY_TRACKING, iommufd_hwpt_set_dirty_tracking,
		 struct iommu_hwpt_set_dirty_tracking, __reserved),
	IOCTL_OP(IOMMU_IOAS_ALLOC, iommufd_ioas_alloc_ioctl,
		 struct iommu_ioas_alloc, out_ioas_id),
	IOCTL_OP(IOMMU_IOAS_ALLOW_IOVAS, iommufd_ioas_allow_iovas,
		 struct iommu_ioas_allow_iovas, allowed_iovas),
	IOCTL_OP(IOMMU_IOAS_CHANGE_PROCESS, iommufd_ioas_change_process,
		 struct iommu_ioas_change_process, __reserved),
	IOCTL_OP(IOMMU_IOAS_COPY, iommufd_ioas_copy, struct iommu_ioas_copy,
		 src_iova),
	IOCTL_OP(IOMMU_IOAS_IOVA_RANGES, iommufd_ioas_iova_ranges,
		 struct iommu_ioas_iova_ranges, out_iova_alignment),
	IOCTL_OP(IOMMU_IOAS_MAP, iommufd_ioas_map, struct iommu_ioas_map, iova),
	IOCTL_OP(IOMMU_IOAS_MAP_FILE, iommufd_ioas_map_file,
		 struct iommu_ioas_map_file, iova),
	IOCTL_OP(IOMMU_IOAS_NOIOMMU_GET_PA, iommufd_not_supported,
		 struct iommu_ioas_noiommu_get_pa, out_phys),
	IOCTL_OP(IOMMU_IOAS_UNMAP, iommufd_ioas_unmap, struct iommu_ioas_unmap,
		 length),
	IOCTL_OP(IOMMU_OPTION, iommufd_option, struct iommu_option, val64),
	IOCTL_OP(IOMMU_VDEVICE_ALLOC, iommufd_vdevice_alloc_ioctl,
		 struct iommu_vdevice_alloc, virt_id),
	IOCTL_OP(IOMMU_VEVENTQ_ALLOC, iommufd_veventq_alloc,
		 struct iommu_veventq_alloc, out_veventq_fd),
	IOCTL_OP(IOMMU_VFIO_IOAS, iommufd_vfio_ioas,
		 struct iommu_vfio_ioas, __reserved),
	IOCTL_OP(IOMMU_VIOMMU_ALLOC, iommufd_viommu_alloc_ioctl,
		 struct iommu_viommu_alloc, out_viommu_id),
	IOCTL_TEST_OP(IOMMU_TEST_CMD, iommufd_test, struct iommu_test_cmd, last),
};

static long iommufd_fops_ioctl(struct file *filp, unsigned int cmd,
			       unsigned long arg)
{
	struct iommufd_ctx *ictx = filp->private_data;
	const struct iommufd_ioctl_op *op;
	struct iommufd_ucmd ucmd = {};
	union ucmd_buffer buf;
	unsigned int nr;
	int rc;

	nr = _IOC_NR(cmd);
	/* Below iommufd's numbers: VFIO's container ioctls */
	if (nr < IOMMUFD_CMD_BASE)
		return iommufd_vfio_ioctl(ictx, cmd, arg);
	if (nr - IOMMUFD_CMD_BASE >= ARRAY_SIZE(iommufd_ioctl_ops))
		return -ENOIOCTLCMD;
	op = &iommufd_ioctl_ops[nr - IOMMUFD_CMD_BASE];
	if (!op->execute || cmd != _IO(IOMMUFD_TYPE, nr))
		return -ENOIOCTLCMD;
	if (op->selftest_only && !selftest)
		return -ENOIOCTLCMD;

	ucmd.ictx = ictx;
	ucmd.ubuffer = (void __user *)arg;
	rc = get_user(ucmd.user_size, (u32 __user *)ucmd.ubuffer);
	if (rc)
		return rc;
	if (ucmd.user_size < op->min_size)
		return -EINVAL;

	/* Zero-extends short structs; E2BIG for non-zero unknown tails */
	ucmd.cmd = &buf;
	rc = copy_struct_from_user(ucmd.cmd, op->size, ucmd.ubuffer,
				   ucmd.user_size);
	if (rc)
		return rc;
	return op->execute(&ucmd);
}

static const struct file_operations iommufd_fops;

/**
 * iommufd_ctx_from_fd() - the context behind an open /dev/iommu
 * @fd: a file descriptor of the caller
 *
 * The context stays alive until iommufd_ctx_put().
 *
 * Return: the context, or ERR_PTR(-EBADF) for a bad fd or one that is not
 * an iommufd.
 */
struct iommufd_ctx *iommufd_ctx_from_fd(int fd)
{
	struct file *file = fget(fd);

	if (!file)
		return ERR_PTR(-EBADF);
	if (file->f_op != &iommufd_fops) {
		fput(file);
		return ERR_PTR(-EBADF);
	}
	/* The file reference keeps the context */
	return file->private_data;
}

/**
 * iommufd_ctx_put() - release a context from iommufd_ctx_from_fd()
 * @ictx: the context
 */
void iommufd_ctx_put(struct iommufd_ctx *ictx)
{
	fput(ictx->file);
}

static const struct file_operations iommufd_fops = {
	.owner = THIS_MODULE,
	.open = iommufd_fops_open,
	.release = iommufd_fops_release,
	.unlocked_ioctl = iommufd_fops_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = iommufd_fops_mmap,
	.llseek = noop_llseek,
};

static struct miscdevice iommufd_misc_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.fops = &iommufd_fops,
	.mode = 0660,
};

/**
 * iommufd_global_device() - the device of /dev/iommu
 *
 * Return: a device that lives as long as the module, for kernel APIs that
 * want one (dma-buf attachments), or NULL before the misc device exists.
 */
struct device *iommufd_global_device(void)
{
	return iommufd_misc_dev.this_device;
}

static int __init iommufd_init(void)
{
	struct dentry *dir;
	int rc;

	rc = emu_mock_init();
	if (rc)
		return rc;

	iommufd_misc_dev.name = devname;
	iommufd_misc_dev.nodename = devname;
	rc = misc_register(&iommufd_misc_dev);
	if (rc) {
		pr_err("cannot register /dev/%s: %d\n", devname, rc);
		goto err_mock;
	}
	rc = emu_platform_init();
	if (rc)
		goto err_misc;

	/* Beside the platform's topology dump, in its directory */
	dir = debugfs_lookup("iommufd_emu", NULL);
	iommufd_debugfs_contexts = debugfs_create_file("contexts", 0400, dir,
						       NULL,
						       &iommufd_contexts_fops);
	dput(dir);
	return 0;

err_misc:
	misc_deregister(&iommufd_misc_dev);
err_mock:
	emu_mock_exit();
	return rc;
}

static void __exit iommufd_exit(void)
{
	debugfs_remove(iommufd_debugfs_contexts);
	emu_platform_exit();
	misc_deregister(&iommufd_misc_dev);
	emu_mock_exit();
}

module_init(iommufd_init);
module_exit(iommufd_exit);

MODULE_DESCRIPTION("iommufd userspace ABI with emulated IOMMU hardware, for Linux 6.1");
MODULE_LICENSE("GPL");
