// SPDX-License-Identifier: GPL-2.0
/*
 * The IOAS object and its ioctls: argument checking and the uAPI rules.
 * The IOVA bookkeeping itself is in io_pagetable.c.
 */
#include <linux/iommu.h>
#include <linux/slab.h>
#include <linux/sched/user.h>
#include <linux/iommufd.h>

#include "iommufd_private.h"

void iommufd_ioas_destroy(struct iommufd_object *obj)
{
	struct iommufd_ioas *ioas = container_of(obj, struct iommufd_ioas, obj);
	int rc;

	rc = iopt_unmap_all(&ioas->iopt, NULL);
	WARN_ON(rc && rc != -ENOENT);
	iopt_destroy_table(&ioas->iopt);
	mutex_destroy(&ioas->mutex);
}

struct iommufd_ioas *iommufd_ioas_alloc(struct iommufd_ctx *ictx)
{
	struct iommufd_ioas *ioas;

	ioas = iommufd_object_alloc(ictx, struct iommufd_ioas, IOMMUFD_OBJ_IOAS);
	if (IS_ERR(ioas))
		return ioas;
	iopt_init_table(&ioas->iopt);
	mutex_init(&ioas->mutex);
	INIT_LIST_HEAD(&ioas->hwpt_list);
	return ioas;
}

int iommufd_ioas_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_alloc *cmd = ucmd->cmd;
	struct iommufd_ioas *ioas;
	int rc;

	if (cmd->flags)
		return -EOPNOTSUPP;

	ioas = iommufd_ioas_alloc(ucmd->ictx);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);

	cmd->out_ioas_id = ioas->obj.id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_abort;

	/* CHANGE_PROCESS must see either all of this IOAS or none of it. */
	down_read(&ucmd->ictx->ioas_creation_lock);
	iommufd_object_finalize(ucmd->ictx, &ioas->obj);
	up_read(&ucmd->ictx->ioas_creation_lock);
	return 0;

out_abort:
	iommufd_object_abort_and_destroy(ucmd->ictx, &ioas->obj);
	return rc;
}

int iommufd_ioas_iova_ranges(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_iova_ranges *cmd = ucmd->cmd;
	struct iommu_iova_range __user *ranges;
	struct interval_tree_span_iter span;
	struct iommufd_ioas *ioas;
	u32 room;
	int rc;

	if (cmd->__reserved)
		return -EOPNOTSUPP;

	ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);

	room = cmd->num_iovas;
	ranges = u64_to_user_ptr(cmd->allowed_iovas);
	cmd->num_iovas = 0;

	down_read(&ioas->iopt.iova_rwsem);
	cmd->out_iova_alignment = ioas->iopt.iova_alignment;
	/* Usable IOVA is everything that is not reserved. */
	interval_tree_for_each_span(&span, &ioas->iopt.reserved_itree, 0,
				    ULONG_MAX) {
		if (!span.is_hole)
			continue;
		if (cmd->num_iovas < room) {
			struct iommu_iova_range range = {
				.start = span.start_hole,
				.last = span.last_hole,
			};

			if (copy_to_user(&ranges[cmd->num_iovas], &range,
					 sizeof(range))) {
				rc = -EFAULT;
				goto out_unlock;
			}
		}
		cmd->num_iovas++;
	}
	/* The count is reported even when the array was too small. */
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (!rc && cmd->num_iovas > room)
		rc = -EMSGSIZE;
out_unlock:
	up_read(&ioas->iopt.iova_rwsem);
	iommufd_put_object(ucmd->ictx, &ioas->obj);
	return rc;
}

static void free_allowed_tree(struct rb_root_cached *itree)
{
	struct interval_tree_node *node;

	while ((node = interval_tree_iter_first(itree, 0, ULONG_MAX))) {
		interval_tree_remove(node, itree);
		kfree(container_of(node, struct iopt_allowed, node));
	}
}

static int load_allowed_tree(struct rb_root_cached *itree,
			     struct iommu_iova_range __user *ranges, u32 num)
{
	u32 i;

	for (i = 0; i != num; i++) {
		struct iommu_iova_range range;
		struct iopt_allowed *allowed;

		if (copy_from_user(&range, ranges + i, sizeof(range)))
			return -EFAULT;
		/* Ranges must be non-empty and must not overlap each other */
		if (range.start >= range.last ||
		    interval_tree_iter_first(itree, range.start, range.last))
			return -EINVAL;

		allowed = kzalloc(sizeof(*allowed), GFP_KERNEL_ACCOUNT);
		if (!allowed)
			return -ENOMEM;
		allowed->node.start = range.start;
		allowed->node.last = range.last;
		interval_tree_insert(&allowed->node, itree);
	}
	return 0;
}

int iommufd_ioas_allow_iovas(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_allow_iovas *cmd = ucmd->cmd;
	struct rb_root_cached allowed = RB_ROOT_CACHED;
	struct iommufd_ioas *ioas;
	int rc;

	if (cmd->__reserved)
		return -EOPNOTSUPP;

	ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);

	/* Build the new set aside so the switch is all or nothing. */
	rc = load_allowed_tree(&allowed, u64_to_user_ptr(cmd->allowed_iovas),
			       cmd->num_iovas);
	if (!rc)
		rc = iopt_set_allow_iova(&ioas->iopt, &allowed);
	/* Frees the old set on success, the new one on failure */
	free_allowed_tree(&allowed);
	iommufd_put_object(ucmd->ictx, &ioas->obj);
	return rc;
}

#define IOAS_MAP_FLAGS                                                         \
	(IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE |                \
	 IOMMU_IOAS_MAP_READABLE)

/*
 * Shared checks of MAP, MAP_FILE and COPY, in upstream's order: unknown
 * flags, then values the kernel cannot represent, then no access at all.
 */
static int check_map_args(u32 flags, u64 iova, u64 length)
{
	if (flags & ~IOAS_MAP_FLAGS)
		return -EOPNOTSUPP;
	if (iova >= ULONG_MAX || length >= ULONG_MAX)
		return -EOVERFLOW;
	if (!(flags & (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)))
		return -EINVAL;
	return 0;
}

static int map_flags_to_prot(u32 flags)
{
	/* Only cache-coherent IOMMUs are offered, so IOMMU_CACHE always */
	int prot = IOMMU_CACHE;

	if (flags & IOMMU_IOAS_MAP_WRITEABLE)
		prot |= IOMMU_WRITE;
	if (flags & IOMMU_IOAS_MAP_READABLE)
		prot |= IOMMU_READ;
	return prot;
}

int iommufd_ioas_map(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_map *cmd = ucmd->cmd;
	unsigned long iova = cmd->iova;
	struct iommufd_ioas *ioas;
	int rc;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	rc = check_map_args(cmd->flags, cmd->iova, cmd->length);
	if (rc)
		return rc;

	ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);

	rc = iopt_map_user_pages(ucmd->ictx, &ioas->iopt, &iova,
				 u64_to_user_ptr(cmd->user_va), cmd->length,
				 map_flags_to_prot(cmd->flags),
				 !(cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA));
	if (!rc) {
		cmd->iova = iova;
		rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	}
	iommufd_put_object(ucmd->ictx, &ioas->obj);
	return rc;
}

int iommufd_ioas_map_file(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_map_file *cmd = ucmd->cmd;
	unsigned long iova = cmd->iova;
	struct iommufd_ioas *ioas;
	int rc;

	rc = check_map_args(cmd->flags, cmd->iova, cmd->length);
	if (rc)
		return rc;

	ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);

	rc = iopt_map_file_pages(ucmd->ictx, &ioas->iopt, &iova, cmd->fd,
				 cmd->start, cmd->length,
				 map_flags_to_prot(cmd->flags),
				 !(cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA));
	if (!rc) {
		cmd->iova = iova;
		rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	}
	iommufd_put_object(ucmd->ictx, &ioas->obj);
	return rc;
}

int iommufd_ioas_copy(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_copy *cmd = ucmd->cmd;
	struct iommufd_ioas *src_ioas;
	struct iommufd_ioas *dst_ioas;
	unsigned long iova;
	int rc;

	rc = check_map_args(cmd->flags, cmd->dst_iova, cmd->length);
	if (rc)
		return rc;
	if (cmd->src_iova >= ULONG_MAX)
		return -EOVERFLOW;

	src_ioas = iommufd_get_ioas(ucmd->ictx, cmd->src_ioas_id);
	if (IS_ERR(src_ioas))
		return PTR_ERR(src_ioas);
	dst_ioas = iommufd_get_ioas(ucmd->ictx, cmd->dst_ioas_id);
	if (IS_ERR(dst_ioas)) {
		rc = PTR_ERR(dst_ioas);
		goto out_put_src;
	}

	iova = cmd->dst_iova;
	rc = iopt_copy_range(&dst_ioas->iopt, &src_ioas->iopt, cmd->src_iova,
			     cmd->length, &iova, map_flags_to_prot(cmd->flags),
			     !(cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA));
	if (!rc) {
		cmd->dst_iova = iova;
		rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	}

	iommufd_put_object(ucmd->ictx, &dst_ioas->obj);
out_put_src:
	iommufd_put_object(ucmd->ictx, &src_ioas->obj);
	return rc;
}

int iommufd_ioas_unmap(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_unmap *cmd = ucmd->cmd;
	unsigned long unmapped = 0;
	struct iommufd_ioas *ioas;
	int rc;

	ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);

	if (cmd->iova == 0 && cmd->length == U64_MAX) {
		/* Unmapping everything succeeds even when nothing is mapped */
		rc = iopt_unmap_all(&ioas->iopt, &unmapped);
	} else if (cmd->iova >= ULONG_MAX || cmd->length >= ULONG_MAX) {
		rc = -EOVERFLOW;
	} else {
		rc = iopt_unmap_iova(&ioas->iopt, cmd->iova, cmd->length,
				     &unmapped);
		if (!rc && !unmapped)
			rc = -ENOENT;
	}
	if (!rc) {
		cmd->length = unmapped;
		rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	}
	iommufd_put_object(ucmd->ictx, &ioas->obj);
	return rc;
}

/*
 * IOMMU_IOAS_CHANGE_PROCESS: charge every page pinned by this context to
 * the calling process, and have later pins come from its address space.
 * Only file-backed mappings can move: user-VA mappings name addresses of
 * the old process.
 */

/* Every IOAS of the context, write-locked in id order, with a reference */
static int lock_all_ioas(struct iommufd_ctx *ictx, struct xarray *locked)
{
	struct iommufd_object *obj;
	unsigned long index;
	int rc;

	down_write(&ictx->ioas_creation_lock);
	xa_lock(&ictx->objects);
	xa_for_each(&ictx->objects, index, obj) {
		struct iommufd_ioas *ioas;

		if (obj->type != IOMMUFD_OBJ_IOAS ||
		    !refcount_inc_not_zero(&obj->users))
			continue;
		xa_unlock(&ictx->objects);

		ioas = container_of(obj, struct iommufd_ioas, obj);
		down_write_nest_lock(&ioas->iopt.iova_rwsem,
				     &ictx->ioas_creation_lock);
		rc = xa_err(xa_store(locked, index, ioas, GFP_KERNEL));
		if (rc) {
			up_write(&ioas->iopt.iova_rwsem);
			refcount_dec(&obj->users);
			return rc;
		}
		xa_lock(&ictx->objects);
	}
	xa_unlock(&ictx->objects);
	return 0;
}

static void unlock_all_ioas(struct iommufd_ctx *ictx, struct xarray *locked)
{
	struct iommufd_ioas *ioas;
	unsigned long index;

	xa_for_each(locked, index, ioas) {
		up_write(&ioas->iopt.iova_rwsem);
		refcount_dec(&ioas->obj.users);
	}
	xa_destroy(locked);
	up_write(&ictx->ioas_creation_lock);
}

static bool charged_elsewhere(struct iopt_pages *pages)
{
	switch (pages->account_mode) {
	case IOPT_PAGES_ACCOUNT_NONE:
		return false;
	case IOPT_PAGES_ACCOUNT_MM:
		return pages->source_mm != current->mm;
	default:
		/* USER mode also counts VmPin of the mm */
		return pages->source_user != current_user() ||
		       pages->source_mm != current->mm;
	}
}

/* Collect each distinct iopt_pages once; pages can be shared by COPY. */
static int collect_pages(struct xarray *locked, struct xarray *all_pages)
{
	struct iommufd_ioas *ioas;
	unsigned long index;

	xa_for_each(locked, index, ioas) {
		struct iopt_area *area;

		for (area = iopt_area_iter_first(&ioas->iopt, 0, ULONG_MAX);
		     area; area = iopt_area_iter_next(area, 0, ULONG_MAX)) {
			int rc;

			if (!area->pages)
				return -EBUSY;
			if (area->pages->type != IOPT_ADDRESS_FILE)
				return -EINVAL;
			rc = xa_err(xa_store(all_pages,
					     (unsigned long)area->pages,
					     area->pages, GFP_KERNEL));
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* Charge the caller for npinned[mode] pages of each mode, all or nothing */
static int charge_current(unsigned long *npinned)
{
	struct iopt_pages tmp = {
		.source_mm = current->mm,
		.source_task = current->group_leader,
		.source_user = current_user(),
	};
	int mode;
	int rc;

	for (mode = 0; mode != IOPT_PAGES_ACCOUNT_MODE_NUM; mode++) {
		if (!npinned[mode])
			continue;
		tmp.account_mode = mode;
		rc = iopt_pages_update_pinned(&tmp, npinned[mode], true);
		if (rc)
			goto err_undo;
	}
	return 0;

err_undo:
	while (mode-- != 0) {
		if (!npinned[mode])
			continue;
		tmp.account_mode = mode;
		iopt_pages_update_pinned(&tmp, npinned[mode], false);
	}
	return rc;
}

int iommufd_ioas_change_process(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_change_process *cmd = ucmd->cmd;
	unsigned long npinned[IOPT_PAGES_ACCOUNT_MODE_NUM] = {};
	struct iommufd_ctx *ictx = ucmd->ictx;
	struct iopt_pages *pages;
	struct xarray all_pages;
	struct xarray locked;
	unsigned long index;
	int rc;

	if (cmd->__reserved)
		return -EOPNOTSUPP;

	xa_init(&locked);
	xa_init(&all_pages);
	/* Holding every iova_rwsem keeps pins and mappings from changing */
	rc = lock_all_ioas(ictx, &locked);
	if (rc)
		goto out_unlock;
	rc = collect_pages(&locked, &all_pages);
	if (rc)
		goto out_unlock;

	xa_for_each(&all_pages, index, pages) {
		if (charged_elsewhere(pages))
			npinned[pages->account_mode] += pages->npinned;
	}
	rc = charge_current(npinned);
	if (rc)
		goto out_unlock;

	/* Nothing can fail from here on. */
	xa_for_each(&all_pages, index, pages) {
		if (charged_elsewhere(pages))
			iopt_pages_update_pinned(pages, pages->npinned, false);
		iopt_pages_change_owner(pages);
	}

out_unlock:
	xa_destroy(&all_pages);
	unlock_all_ioas(ictx, &locked);
	return rc;
}

int iommufd_option_rlimit_mode(struct iommu_option *cmd,
			       struct iommufd_ctx *ictx)
{
	int rc = 0;

	/* A context-wide option: no object */
	if (cmd->object_id)
		return -EOPNOTSUPP;

	switch (cmd->op) {
	case IOMMU_OPTION_OP_GET:
		cmd->val64 = ictx->account_mode == IOPT_PAGES_ACCOUNT_MM;
		return 0;
	case IOMMU_OPTION_OP_SET:
		if (!capable(CAP_SYS_RESOURCE))
			return -EPERM;
		/* Pages already pinned keep their mode: only an empty ctx */
		xa_lock(&ictx->objects);
		if (!xa_empty(&ictx->objects))
			rc = -EBUSY;
		else if (cmd->val64 == 0)
			ictx->account_mode = IOPT_PAGES_ACCOUNT_USER;
		else if (cmd->val64 == 1)
			ictx->account_mode = IOPT_PAGES_ACCOUNT_MM;
		else
			rc = -EINVAL;
		xa_unlock(&ictx->objects);
		return rc;
	default:
		return -EOPNOTSUPP;
	}
}

int iommufd_ioas_option(struct iommufd_ucmd *ucmd)
{
	struct iommu_option *cmd = ucmd->cmd;
	struct iommufd_ioas *ioas;
	int rc = 0;

	ioas = iommufd_get_ioas(ucmd->ictx, cmd->object_id);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);

	switch (cmd->op) {
	case IOMMU_OPTION_OP_GET:
		cmd->val64 = !READ_ONCE(ioas->iopt.disable_large_pages);
		break;
	case IOMMU_OPTION_OP_SET:
		if (cmd->val64 > 1)
			rc = -EINVAL;
		else
			rc = iopt_set_large_pages(&ioas->iopt, cmd->val64);
		break;
	default:
		rc = -EOPNOTSUPP;
	}
	iommufd_put_object(ucmd->ictx, &ioas->obj);
	return rc;
}
