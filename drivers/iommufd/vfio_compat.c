// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO type1 container compatibility on /dev/iommu.
 *
 * A program written for VFIO's legacy container (/dev/vfio/vfio) can use an
 * open /dev/iommu in its place: the container ioctls arrive here because
 * VFIO numbers them below iommufd's. None of them names an address space,
 * so all act on one IOAS of the context, the "compat IOAS", which
 * IOMMU_VFIO_IOAS selects, reports and forgets.
 *
 * Type1 and type1v2 differ in one thing: type1 may unmap part of an earlier
 * mapping. Here TYPE1 turns the IOAS's large pages off, after which every
 * page sits in the IOMMU on its own, and unmap first cuts the areas at the
 * ends of the range. TYPE1v2 keeps the IOAS as it is, so unmapping part of
 * a mapping fails with ENOENT like IOMMU_IOAS_UNMAP does.
 */
#include <linux/interval_tree.h>
#include <linux/iommu.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/iommufd.h>
#include <uapi/linux/vfio.h>

#include "iommufd_private.h"
#include "../iommu/emu_iommu.h"

/*
 * VFIO limits the number of mappings (65535 by default) and reports what is
 * left. Mappings here are only limited by the memory they pin, which is
 * accounted elsewhere, so the report is the largest value the field holds.
 */
#define VFIO_COMPAT_DMA_AVAIL	U32_MAX

/* The compat IOAS with a lookup reference, or ERR_PTR(-ENODEV) */
static struct iommufd_ioas *vfio_compat_get_ioas(struct iommufd_ctx *ictx)
{
	struct iommufd_ioas *ioas = ERR_PTR(-ENODEV);

	/* The object lock keeps a destroy from clearing the pointer meanwhile */
	xa_lock(&ictx->objects);
	if (ictx->vfio_ioas && iommufd_lock_obj(&ictx->vfio_ioas->obj))
		ioas = ictx->vfio_ioas;
	xa_unlock(&ictx->objects);
	return ioas;
}

/**
 * iommufd_vfio_ioas() - IOMMU_VFIO_IOAS
 * @ucmd: the ioctl
 *
 * The compat IOAS holds no reference on its IOAS: destroying the IOAS
 * leaves the context without one.
 *
 * Return: 0; -EOPNOTSUPP for an unknown op or a non-zero reserved field;
 * -ENODEV for GET without a compat IOAS; -ENOENT for SET of an id that is
 * not an IOAS; -EFAULT.
 */
int iommufd_vfio_ioas(struct iommufd_ucmd *ucmd)
{
	struct iommu_vfio_ioas *cmd = ucmd->cmd;
	struct iommufd_ctx *ictx = ucmd->ictx;
	struct iommufd_ioas *ioas;

	if (cmd->__reserved)
		return -EOPNOTSUPP;

	switch (cmd->op) {
	case IOMMU_VFIO_IOAS_GET:
		ioas = vfio_compat_get_ioas(ictx);
		if (IS_ERR(ioas))
			return PTR_ERR(ioas);
		cmd->ioas_id = ioas->obj.id;
		iommufd_put_object(ictx, &ioas->obj);
		return iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	case IOMMU_VFIO_IOAS_SET:
		ioas = iommufd_get_ioas(ictx, cmd->ioas_id);
		if (IS_ERR(ioas))
			return PTR_ERR(ioas);
		/*
		 * Still published: only IOMMU_DESTROY removes an IOAS, and it
		 * fails with EBUSY while our lookup holds a reference.
		 */
		xa_lock(&ictx->objects);
		ictx->vfio_ioas = ioas;
		xa_unlock(&ictx->objects);
		iommufd_put_object(ictx, &ioas->obj);
		return 0;
	case IOMMU_VFIO_IOAS_CLEAR:
		xa_lock(&ictx->objects);
		ictx->vfio_ioas = NULL;
		xa_unlock(&ictx->objects);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

/*
 * VFIO_IOMMU_MAP_DMA: always at the caller's IOVA. Pinned memory is charged
 * like IOMMU_IOAS_MAP's, following the context's IOMMU_OPTION_RLIMIT_MODE.
 */
static int vfio_compat_map_dma(struct iommufd_ctx *ictx, void __user *arg)
{
	const size_t minsz = offsetofend(struct vfio_iommu_type1_dma_map, size);
	const u32 rw = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	struct vfio_iommu_type1_dma_map map;
	int prot = IOMMU_CACHE;
	struct iommufd_ioas *ioas;
	unsigned long iova;
	int rc;

	if (copy_from_user(&map, arg, minsz))
		return -EFAULT;
	/* A mapping the device can neither read nor write is refused, too */
	if (map.argsz < minsz || map.flags & ~rw || !(map.flags & rw))
		return -EINVAL;
	if (map.flags & VFIO_DMA_MAP_FLAG_READ)
		prot |= IOMMU_READ;
	if (map.flags & VFIO_DMA_MAP_FLAG_WRITE)
		prot |= IOMMU_WRITE;

	ioas = vfio_compat_get_ioas(ictx);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);
	iova = map.iova;
	rc = iopt_map_user_pages(ictx, &ioas->iopt, &iova,
				 u64_to_user_ptr(map.vaddr), map.size, prot,
				 false);
	iommufd_put_object(ictx, &ioas->obj);
	return rc;
}

/*
 * VFIO_IOMMU_UNMAP_DMA: the unmapped length is written back to size. Unlike
 * IOMMU_IOAS_UNMAP, a range with nothing mapped in it is not an error.
 */
static int vfio_compat_unmap_dma(struct iommufd_ctx *ictx, void __user *arg)
{
	const size_t minsz = offsetofend(struct vfio_iommu_type1_dma_unmap,
					 size);
	struct vfio_iommu_type1_dma_unmap unmap;
	unsigned long unmapped = 0;
	struct iommufd_ioas *ioas;
	u64 last;
	int rc;

	if (copy_from_user(&unmap, arg, minsz))
		return -EFAULT;
	/* The dirty bitmap and vaddr flags of VFIO are not offered */
	if (unmap.argsz < minsz || unmap.flags & ~VFIO_DMA_UNMAP_FLAG_ALL)
		return -EINVAL;

	ioas = vfio_compat_get_ioas(ictx);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);

	if (unmap.flags & VFIO_DMA_UNMAP_FLAG_ALL) {
		rc = -EINVAL;
		if (unmap.iova || unmap.size)
			goto out_put;
		rc = iopt_unmap_all(&ioas->iopt, &unmapped);
		goto out_respond;
	}

	rc = -EINVAL;
	if (!unmap.size)
		goto out_put;
	rc = -EOVERFLOW;
	if (check_add_overflow(unmap.iova, unmap.size - 1, &last))
		goto out_put;
	/*
	 * Large pages are off only after VFIO_SET_IOMMU(TYPE1) or the
	 * matching IOMMU_OPTION: then the range may cut through mappings.
	 * Cut after its last byte and before its first (not below 0).
	 */
	if (READ_ONCE(ioas->iopt.disable_large_pages)) {
		const unsigned long cuts[] = { last, unmap.iova - 1 };

		rc = iopt_cut_iova(&ioas->iopt, cuts, unmap.iova ? 2 : 1);
		if (rc)
			goto out_put;
	}
	rc = iopt_unmap_iova(&ioas->iopt, unmap.iova, unmap.size, &unmapped);

out_respond:
	/* Also after a failure part way: what did go is reported */
	unmap.size = unmapped;
	if (copy_to_user(arg, &unmap, minsz))
		rc = -EFAULT;
out_put:
	iommufd_put_object(ictx, &ioas->obj);
	return rc;
}

static int vfio_compat_check_extension(struct iommufd_ctx *ictx,
				       unsigned long ext)
{
	struct iommufd_ioas *ioas;

	switch (ext) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
	case VFIO_UNMAP_ALL:
		return 1;
	case VFIO_DMA_CC_IOMMU:
		/*
		 * About the domains of the compat IOAS, which must exist. Every
		 * emulated IOMMU snoops CPU caches, so the answer is always yes.
		 */
		ioas = vfio_compat_get_ioas(ictx);
		if (IS_ERR(ioas))
			return PTR_ERR(ioas);
		iommufd_put_object(ictx, &ioas->obj);
		return 1;
	default:
		/*
		 * Nesting, the no-IOMMU mode, SPAPR, EEH and vaddr updates
		 * (VFIO_UPDATE_VADDR) are not offered.
		 */
		return 0;
	}
}

static int vfio_compat_set_iommu(struct iommufd_ctx *ictx, unsigned long type)
{
	struct iommufd_ioas *ioas;
	int rc = 0;

	if (type != VFIO_TYPE1_IOMMU && type != VFIO_TYPE1v2_IOMMU)
		return -EINVAL;

	/* VFIO needs a group in the container first: here, a compat IOAS */
	ioas = vfio_compat_get_ioas(ictx);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);
	/*
	 * Type1 may unmap inside a mapping, which needs every page mapped on
	 * its own. Fails when domains already hold mappings that may be
	 * large. Type1v2 leaves the IOAS's choice alone.
	 */
	if (type == VFIO_TYPE1_IOMMU)
		rc = iopt_set_large_pages(&ioas->iopt, false);
	iommufd_put_object(ictx, &ioas->obj);
	return rc;
}

/*
 * The page sizes usable for mappings. Our domains map every power of two
 * from their smallest page up, so the IOAS supports the sizes that all its
 * domains do. As VFIO reports them, sizes below the CPU page are folded into
 * the CPU page; the IOVA alignment never exceeds the CPU page, so it takes
 * nothing away.
 */
static u64 vfio_compat_pgsizes(struct iommufd_ioas *ioas)
{
	struct io_pagetable *iopt = &ioas->iopt;
	unsigned long sizes = ULONG_MAX;
	struct emu_domain *domain;
	unsigned long index;

	down_read(&iopt->domains_rwsem);
	xa_for_each(&iopt->domains, index, domain)
		sizes &= ~(domain->min_pgsize - 1);
	up_read(&iopt->domains_rwsem);

	if (sizes & ~PAGE_MASK)
		sizes = (sizes & PAGE_MASK) | PAGE_SIZE;
	return sizes;
}

/*
 * The capability chain of VFIO_IOMMU_GET_INFO as it follows the info struct
 * in the caller's buffer: the usable IOVA ranges, then the DMA mapping
 * limit, each padded to 8 bytes as VFIO does. @len gets its length.
 */
static void *vfio_compat_build_caps(struct iommufd_ioas *ioas, size_t *len)
{
	const size_t info_len = sizeof(struct vfio_iommu_type1_info);
	struct vfio_iommu_type1_info_cap_iova_range *iova_cap;
	struct vfio_iommu_type1_info_dma_avail *dma_cap;
	struct io_pagetable *iopt = &ioas->iopt;
	struct interval_tree_span_iter span;
	size_t dma_off;
	u32 nr = 0;
	void *caps;

	down_read(&iopt->iova_rwsem);
	/* Usable is what is not reserved, as in IOMMU_IOAS_IOVA_RANGES */
	interval_tree_for_each_span(&span, &iopt->reserved_itree, 0, ULONG_MAX)
		nr += span.is_hole;

	dma_off = ALIGN(struct_size(iova_cap, iova_ranges, nr), sizeof(u64));
	*len = dma_off + ALIGN(sizeof(*dma_cap), sizeof(u64));
	caps = kzalloc(*len, GFP_KERNEL);
	if (!caps) {
		up_read(&iopt->iova_rwsem);
		return ERR_PTR(-ENOMEM);
	}

	iova_cap = caps;
	iova_cap->header.id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE;
	iova_cap->header.version = 1;
	/* Offsets count from the start of the info struct */
	iova_cap->header.next = info_len + dma_off;
	iova_cap->nr_iovas = nr;
	nr = 0;
	interval_tree_for_each_span(&span, &iopt->reserved_itree, 0,
				    ULONG_MAX) {
		if (!span.is_hole)
			continue;
		iova_cap->iova_ranges[nr].start = span.start_hole;
		iova_cap->iova_ranges[nr].end = span.last_hole;
		nr++;
	}
	up_read(&iopt->iova_rwsem);

	dma_cap = caps + dma_off;
	dma_cap->header.id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL;
	dma_cap->header.version = 1;
	dma_cap->avail = VFIO_COMPAT_DMA_AVAIL;
	return caps;
}

/*
 * VFIO_IOMMU_GET_INFO. argsz first says how much the caller provides and
 * comes back as how much the whole answer needs. The chain is written, and
 * cap_offset set, only when all of it fits, as VFIO does; otherwise nothing
 * past the struct is touched. The struct is written up to argsz.
 */
static int vfio_compat_get_info(struct iommufd_ctx *ictx, void __user *arg)
{
	const size_t minsz = offsetofend(struct vfio_iommu_type1_info,
					 iova_pgsizes);
	struct vfio_iommu_type1_info info = {};
	struct iommufd_ioas *ioas;
	size_t caps_len;
	size_t out_len;
	void *caps;
	int rc = 0;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	out_len = min_t(size_t, info.argsz, sizeof(info));

	ioas = vfio_compat_get_ioas(ictx);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);
	info.flags = VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS;
	info.iova_pgsizes = vfio_compat_pgsizes(ioas);
	caps = vfio_compat_build_caps(ioas, &caps_len);
	iommufd_put_object(ictx, &ioas->obj);
	if (IS_ERR(caps))
		return PTR_ERR(caps);

	if (info.argsz >= sizeof(info) + caps_len) {
		if (copy_to_user(arg + sizeof(info), caps, caps_len)) {
			rc = -EFAULT;
			goto out_free;
		}
		info.cap_offset = sizeof(info);
	}
	info.argsz = sizeof(info) + caps_len;
	if (copy_to_user(arg, &info, out_len))
		rc = -EFAULT;
out_free:
	kfree(caps);
	return rc;
}

/**
 * iommufd_vfio_ioctl() - a VFIO container ioctl on /dev/iommu
 * @ictx: the context
 * @cmd: the ioctl number, one of VFIO's (type ';', below iommufd's numbers)
 * @arg: its argument: a value or a user pointer, depending on @cmd
 *
 * Return: what VFIO's type1 container would return, or -ENOIOCTLCMD for
 * ioctls that are not offered (ENOTTY for userspace).
 */
long iommufd_vfio_ioctl(struct iommufd_ctx *ictx, unsigned int cmd,
			unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		return vfio_compat_check_extension(ictx, arg);
	case VFIO_SET_IOMMU:
		return vfio_compat_set_iommu(ictx, arg);
	case VFIO_IOMMU_GET_INFO:
		return vfio_compat_get_info(ictx, uarg);
	case VFIO_IOMMU_MAP_DMA:
		return vfio_compat_map_dma(ictx, uarg);
	case VFIO_IOMMU_UNMAP_DMA:
		return vfio_compat_unmap_dma(ictx, uarg);
	default:
		/* VFIO_IOMMU_DIRTY_PAGES among them: use the HWPT ioctls */
		return -ENOIOCTLCMD;
	}
}
