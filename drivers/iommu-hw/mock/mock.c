// SPDX-License-Identifier: GPL-2.0
/*
 * The selftest mock IOMMU.
 *
 * One instance, created at module load. Each mock device is a group of its
 * own. Paging domains keep their translations in an xarray with one entry
 * per MOCK_PAGE_SIZE granule: simple and obviously correct, which is what
 * a test double needs; the emulated SMMUv3 and VT-d use real page tables.
 *
 * A map still behaves as page-table hardware with several page sizes: each
 * run is cut into naturally aligned pages (PTEs) of the sizes the domain
 * offers, and every granule remembers the size of the PTE it belongs to.
 * Dirty state is one xarray mark per granule; a PTE is dirty when any of
 * its granules is, and reading it reports and clears the whole PTE, as
 * hardware with one dirty bit per PTE does.
 */
#include <linux/bitfield.h>
#include <linux/gfp.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/string.h>
#include <linux/xarray.h>
#include <linux/iommufd.h>
#include <linux/iommufd_test.h>

#include "../../iommu/emu_iommu.h"
#include "mock.h"

/*
 * An entry holds the permissions, log2 of the number of granules in its
 * PTE, and the physical granule number.
 */
#define MOCK_ENTRY_READ		BIT(0)
#define MOCK_ENTRY_WRITE	BIT(1)
#define MOCK_ENTRY_ORDER	GENMASK(6, 2)
#define MOCK_ENTRY_SHIFT	7

/* Set on a granule that DMA wrote while dirty tracking was on */
#define MOCK_MARK_DIRTY		XA_MARK_0

/* PTE sizes of a default mock domain: every power of two up to 1 GiB */
#define MOCK_PGSIZES_DEFAULT	GENMASK(30, ilog2(MOCK_PAGE_SIZE))
/* A huge mock domain: huge pages, and PAGE_SIZE so that iommufd can use it */
#define MOCK_PGSIZES_HUGE	(MOCK_HUGE_PAGE_SIZE | PAGE_SIZE)
/* Its address space: upstream's is the page-table format's, 56 bits */
#define MOCK_HUGE_APERTURE_END	(BIT_ULL(56) - 1)

/*
 * @pgsizes: the PTE sizes map may use
 * @dirty_tracking: DMA writes are being recorded
 */
struct mock_domain {
	struct emu_domain domain;
	struct xarray granules;
	unsigned long pgsizes;
	bool dirty_tracking;
};

/*
 * A nested mock domain has no stage-1 table: it stands for one, and its
 * IOTLB is a handful of slots that userspace's invalidations clear and the
 * selftest reads back.
 */
struct mock_nested {
	struct emu_domain domain;
	struct emu_domain *parent;
	struct mock_viommu *viommu;	/* allocated on one, or NULL */
	u32 iotlb[MOCK_NESTED_DOMAIN_IOTLB_NUM];
};

/*
 * The mock vIOMMU. With user data it exposes two pages of "registers" that
 * userspace maps through the iommufd, the first word holding what userspace
 * passed in; it runs up to IOMMU_TEST_HW_QUEUE_MAX queues, which must be
 * created in index order and destroyed in reverse.
 */
struct mock_viommu {
	struct emu_viommu core;
	u32 *page;
	unsigned long mmap_offset;
	struct mutex queue_lock;	/* protects queues[] */
	struct mock_hw_queue *queues[IOMMU_TEST_HW_QUEUE_MAX];
};

struct mock_hw_queue {
	struct emu_hw_queue core;
	struct mock_hw_queue *prev;
};

/*
 * @cache stands for a device-side translation cache (an ATC) that a vIOMMU
 * invalidates entry by entry; the selftest reads it back.
 * @fail_reserved_pasid: the next switch of IOMMU_TEST_PASID_RESERVED to a
 * translating domain fails (see mock_attach_prepare()).
 * @viommu: the vIOMMU whose nested domain its RID uses, if any: the one
 * that reports its events. The nested domain holds the vIOMMU, so it
 * stays while the device points at it.
 */
struct mock_dev {
	struct emu_dev dev;
	u32 flags;
	struct emu_domain *rid_domain;	/* what its DMA would use */
	u32 cache[MOCK_DEV_CACHE_NUM];
	atomic_t fail_reserved_pasid;
	spinlock_t viommu_lock;		/* protects viommu */
	struct mock_viommu *viommu;
};

static struct emu_iommu mock_iommu;
static const struct emu_domain_ops mock_nested_ops;
static atomic_t mock_next_id = ATOMIC_INIT(0);

static struct mock_domain *to_mock_domain(struct emu_domain *domain)
{
	return container_of(domain, struct mock_domain, domain);
}

static struct mock_dev *to_mock_dev(struct emu_dev *dev)
{
	return container_of(dev, struct mock_dev, dev);
}

static int mock_attach_prepare(struct emu_domain *domain, struct emu_dev *dev,
			       u32 pasid, void **cookie)
{
	struct mock_dev *mdev = to_mock_dev(dev);

	if (pasid != EMU_NO_PASID && !dev->pasid_bits &&
	    domain->type != EMU_DOMAIN_BLOCKED)
		return -EINVAL;
	/* A device that cannot report dirty pages must not join such a domain */
	if ((domain->flags & EMU_DOMAIN_DIRTY_TRACKING) &&
	    (mdev->flags & EMU_MOCK_DEV_NO_DIRTY))
		return -EINVAL;
	/*
	 * The selftest's way to reach the core's failure path of a PASID
	 * replace: once IOMMU_TEST_PASID_RESERVED translates, the next switch
	 * to another translating domain fails once, as an allocation failure
	 * would. The failure consumes the trap, so a retry succeeds.
	 */
	if (pasid == IOMMU_TEST_PASID_RESERVED &&
	    domain->type != EMU_DOMAIN_BLOCKED &&
	    atomic_xchg(&mdev->fail_reserved_pasid, 0))
		return -ENOMEM;
	/* A vIOMMU's stage 1 serves only devices it presents to the guest */
	if (pasid == EMU_NO_PASID && domain->ops == &mock_nested_ops) {
		struct mock_viommu *mviommu =
			container_of(domain, struct mock_nested, domain)->viommu;
		unsigned long virt_id;

		if (mviommu &&
		    emu_viommu_dev_virt_id(&mviommu->core, dev, &virt_id))
			return -ENOENT;
	}
	*cookie = NULL;
	return 0;
}

static void mock_attach_commit(struct emu_domain *domain, struct emu_dev *dev,
			       u32 pasid, void *cookie)
{
	struct mock_dev *mdev = to_mock_dev(dev);

	if (pasid == EMU_NO_PASID) {
		WRITE_ONCE(mdev->rid_domain, domain);
		spin_lock(&mdev->viommu_lock);
		mdev->viommu = domain->ops == &mock_nested_ops ?
			container_of(domain, struct mock_nested,
				     domain)->viommu : NULL;
		spin_unlock(&mdev->viommu_lock);
	}
	if (pasid == IOMMU_TEST_PASID_RESERVED)
		atomic_set(&mdev->fail_reserved_pasid,
			   domain->type != EMU_DOMAIN_BLOCKED);
}

static void mock_attach_abort(struct emu_domain *domain, struct emu_dev *dev,
			      u32 pasid, void *cookie)
{
}

/* The largest PTE the domain offers for [iova, iova + size) at @paddr */
static unsigned long mock_pte_size(struct mock_domain *mdomain,
				   unsigned long iova, phys_addr_t paddr,
				   size_t size)
{
	unsigned long sizes = mdomain->pgsizes;
	unsigned long align = iova | paddr;

	/* Sizes the addresses are aligned to, and that fit */
	if (align)
		sizes &= GENMASK(__ffs(align), 0);
	sizes &= GENMASK(__fls(size), 0);
	return sizes ? BIT(__fls(sizes)) : 0;
}

static unsigned int mock_entry_order(void *entry)
{
	return FIELD_GET(MOCK_ENTRY_ORDER, xa_to_value(entry));
}

static int mock_map(struct emu_domain *domain, unsigned long iova,
		    phys_addr_t paddr, size_t size, int prot, gfp_t gfp,
		    size_t *mapped)
{
	struct mock_domain *mdomain = to_mock_domain(domain);
	unsigned long perm = 0;
	size_t done = 0;

	if (prot & IOMMU_READ)
		perm |= MOCK_ENTRY_READ;
	if (prot & IOMMU_WRITE)
		perm |= MOCK_ENTRY_WRITE;

	while (done < size) {
		unsigned long pte = mock_pte_size(mdomain, iova + done,
						  paddr + done, size - done);
		unsigned long order, i;

		if (!pte) {
			*mapped = done;
			return -EINVAL;
		}
		order = ilog2(pte / MOCK_PAGE_SIZE);
		for (i = 0; i < pte; i += MOCK_PAGE_SIZE) {
			unsigned long entry =
				((paddr + done + i) / MOCK_PAGE_SIZE)
					<< MOCK_ENTRY_SHIFT |
				FIELD_PREP(MOCK_ENTRY_ORDER, order) | perm;
			void *old;

			old = xa_cmpxchg(&mdomain->granules,
					 (iova + done + i) / MOCK_PAGE_SIZE,
					 NULL, xa_mk_value(entry), gfp);
			if (xa_is_err(old) || old) {
				*mapped = done + i;
				return old && !xa_is_err(old) ? -EEXIST :
								xa_err(old);
			}
		}
		done += pte;
	}
	*mapped = done;
	return 0;
}

static size_t mock_unmap(struct emu_domain *domain, unsigned long iova,
			 size_t size)
{
	struct mock_domain *mdomain = to_mock_domain(domain);
	size_t done, unmapped = 0;

	for (done = 0; done < size; done += MOCK_PAGE_SIZE) {
		if (xa_erase(&mdomain->granules, (iova + done) / MOCK_PAGE_SIZE))
			unmapped += MOCK_PAGE_SIZE;
	}
	return unmapped;
}

static phys_addr_t mock_iova_to_phys(struct emu_domain *domain,
				     unsigned long iova)
{
	struct mock_domain *mdomain = to_mock_domain(domain);
	void *entry = xa_load(&mdomain->granules, iova / MOCK_PAGE_SIZE);

	if (!entry)
		return 0;
	return (xa_to_value(entry) >> MOCK_ENTRY_SHIFT) * MOCK_PAGE_SIZE +
	       iova % MOCK_PAGE_SIZE;
}

static int mock_set_dirty_tracking(struct emu_domain *domain, bool enable)
{
	WRITE_ONCE(to_mock_domain(domain)->dirty_tracking, enable);
	return 0;
}

/* Make the PTE of granules [first, first + n) clean; xarray locked */
static void mock_pte_clear_dirty(struct mock_domain *mdomain,
				 unsigned long first, unsigned long n)
{
	XA_STATE(xas, &mdomain->granules, first);
	void *entry;

	xas_for_each_marked(&xas, entry, first + n - 1, MOCK_MARK_DIRTY)
		xas_clear_mark(&xas, MOCK_MARK_DIRTY);
}

/* The granule range of the PTE that holds granule @index, if mapped */
static bool mock_pte_of(struct mock_domain *mdomain, unsigned long index,
			unsigned long *first, unsigned long *n)
{
	void *entry = xa_load(&mdomain->granules, index);

	if (!entry)
		return false;
	*n = 1UL << mock_entry_order(entry);
	*first = index & ~(*n - 1);
	return true;
}

static int mock_read_and_clear_dirty(struct emu_domain *domain,
				     unsigned long iova, size_t size,
				     bool clear, struct emu_dirty_bitmap *dirty)
{
	struct mock_domain *mdomain = to_mock_domain(domain);
	unsigned long index = iova / MOCK_PAGE_SIZE;
	unsigned long last = (iova + size - 1) / MOCK_PAGE_SIZE;
	unsigned long first, n;
	int rc;

	/* A PTE reaching into the range counts as a whole */
	if (mock_pte_of(mdomain, index, &first, &n))
		index = first;
	if (mock_pte_of(mdomain, last, &first, &n))
		last = first + n - 1;

	for (;;) {
		XA_STATE(xas, &mdomain->granules, index);
		void *entry;

		/*
		 * One PTE at a time under the lock: reporting may sleep (it
		 * pins the user's bitmap).
		 */
		xas_lock(&xas);
		entry = xas_find_marked(&xas, last, MOCK_MARK_DIRTY);
		if (!entry) {
			xas_unlock(&xas);
			return 0;
		}
		n = 1UL << mock_entry_order(entry);
		first = xas.xa_index & ~(n - 1);
		if (clear)
			mock_pte_clear_dirty(mdomain, first, n);
		xas_unlock(&xas);

		rc = emu_dirty_record(dirty, first * MOCK_PAGE_SIZE,
				      n * MOCK_PAGE_SIZE);
		if (rc) {
			/* Not reported: it stays dirty */
			if (clear)
				xa_set_mark(&mdomain->granules, first,
					    MOCK_MARK_DIRTY);
			return rc;
		}
		if (first + n - 1 >= last)
			return 0;
		index = first + n;
		cond_resched();
	}
}

static void mock_domain_free(struct emu_domain *domain)
{
	struct mock_domain *mdomain = to_mock_domain(domain);

	WARN_ON(!xa_empty(&mdomain->granules));
	xa_destroy(&mdomain->granules);
	kfree(mdomain);
}

static const struct emu_domain_ops mock_paging_ops = {
	.attach_prepare = mock_attach_prepare,
	.attach_commit = mock_attach_commit,
	.attach_abort = mock_attach_abort,
	.map = mock_map,
	.unmap = mock_unmap,
	.iova_to_phys = mock_iova_to_phys,
	.set_dirty_tracking = mock_set_dirty_tracking,
	.read_and_clear_dirty = mock_read_and_clear_dirty,
	.free = mock_domain_free,
};

static struct mock_nested *to_mock_nested(struct emu_domain *domain)
{
	return container_of(domain, struct mock_nested, domain);
}

/* Clears IOTLB slots; the request format is iommufd_test.h's */
static int mock_nested_cache_invalidate(struct emu_domain *domain,
					struct emu_user_array *array)
{
	struct mock_nested *nested = to_mock_nested(domain);
	struct iommu_hwpt_invalidate_selftest inv;
	u32 done = 0;
	unsigned int i;
	int rc = 0;

	if (array->type != IOMMU_HWPT_INVALIDATE_DATA_SELFTEST) {
		rc = -EINVAL;
		goto out;
	}
	for (; done < array->entry_num; done++) {
		rc = emu_user_array_copy(array, done,
					 IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
					 &inv, sizeof(inv),
					 offsetofend(typeof(inv), iotlb_id));
		if (rc)
			break;
		if (inv.flags & ~IOMMU_TEST_INVALIDATE_FLAG_ALL) {
			rc = -EOPNOTSUPP;
			break;
		}
		if (inv.flags & IOMMU_TEST_INVALIDATE_FLAG_ALL) {
			for (i = 0; i != MOCK_NESTED_DOMAIN_IOTLB_NUM; i++)
				WRITE_ONCE(nested->iotlb[i], 0);
			continue;
		}
		if (inv.iotlb_id > MOCK_NESTED_DOMAIN_IOTLB_ID_MAX) {
			rc = -EINVAL;
			break;
		}
		WRITE_ONCE(nested->iotlb[inv.iotlb_id], 0);
	}
out:
	array->entry_num = done;
	return rc;
}

static void mock_nested_free(struct emu_domain *domain)
{
	kfree(to_mock_nested(domain));
}

static const struct emu_domain_ops mock_nested_ops = {
	.attach_prepare = mock_attach_prepare,
	.attach_commit = mock_attach_commit,
	.attach_abort = mock_attach_abort,
	.cache_invalidate_user = mock_nested_cache_invalidate,
	.free = mock_nested_free,
};

static const struct emu_domain_ops mock_blocked_ops = {
	.attach_prepare = mock_attach_prepare,
	.attach_commit = mock_attach_commit,
	.attach_abort = mock_attach_abort,
};

static struct emu_domain mock_blocked_domain = {
	.type = EMU_DOMAIN_BLOCKED,
	.ops = &mock_blocked_ops,
};

static struct emu_domain *mock_domain_alloc(u32 flags, u32 pagetable_type)
{
	struct mock_domain *mdomain;

	if (flags & ~(EMU_DOMAIN_NEST_PARENT | EMU_DOMAIN_DIRTY_TRACKING |
		      EMU_DOMAIN_PASID | EMU_DOMAIN_NO_LARGE_PAGES))
		return ERR_PTR(-EOPNOTSUPP);
	if (pagetable_type != MOCK_IOMMUPT_DEFAULT &&
	    pagetable_type != MOCK_IOMMUPT_HUGE)
		return ERR_PTR(-EOPNOTSUPP);
	mdomain = kzalloc(sizeof(*mdomain), GFP_KERNEL_ACCOUNT);
	if (!mdomain)
		return ERR_PTR(-ENOMEM);
	xa_init(&mdomain->granules);
	mdomain->domain.ops = &mock_paging_ops;
	if (pagetable_type == MOCK_IOMMUPT_HUGE) {
		mdomain->pgsizes = MOCK_PGSIZES_HUGE;
		mdomain->domain.aperture_end = MOCK_HUGE_APERTURE_END;
	} else {
		mdomain->pgsizes = MOCK_PGSIZES_DEFAULT;
		mdomain->domain.aperture_start = MOCK_APERTURE_START;
		mdomain->domain.aperture_end = MOCK_APERTURE_LAST;
	}
	/*
	 * Upstream's iommufd then maps one page at a time, so its page table
	 * never holds larger entries; neither does ours.
	 */
	if (flags & EMU_DOMAIN_NO_LARGE_PAGES)
		mdomain->pgsizes &= GENMASK(PAGE_SHIFT, 0);
	mdomain->domain.min_pgsize = BIT(__ffs(mdomain->pgsizes));
	return &mdomain->domain;
}

static struct emu_domain *mock_domain_alloc_paging(struct emu_dev *dev,
						   u32 flags)
{
	return mock_domain_alloc(flags, MOCK_IOMMUPT_DEFAULT);
}

/* IOMMU_HWPT_DATA_SELFTEST on a paging HWPT picks the page-table flavour */
static struct emu_domain *
mock_domain_alloc_paging_user(struct emu_dev *dev, u32 flags,
			      const struct emu_user_data *data)
{
	struct iommu_hwpt_selftest cfg = {};
	int rc;

	if (data->type != IOMMU_HWPT_DATA_SELFTEST)
		return ERR_PTR(-EOPNOTSUPP);
	rc = emu_user_data_copy(data, IOMMU_HWPT_DATA_SELFTEST, &cfg,
				sizeof(cfg),
				offsetofend(struct iommu_hwpt_selftest, iotlb));
	if (rc)
		return ERR_PTR(rc);
	return mock_domain_alloc(flags, cfg.pagetable_type);
}

/* Described by struct iommu_hwpt_selftest: the IOTLB's initial value */
static struct mock_nested *mock_nested_create(struct emu_domain *parent,
					      u32 flags,
					      const struct emu_user_data *data)
{
	struct iommu_hwpt_selftest cfg;
	struct mock_nested *nested;
	unsigned int i;
	int rc;

	if (flags & ~EMU_DOMAIN_PASID)
		return ERR_PTR(-EOPNOTSUPP);
	if (parent->ops != &mock_paging_ops)
		return ERR_PTR(-EINVAL);
	if (data->type != IOMMU_HWPT_DATA_SELFTEST)
		return ERR_PTR(-EOPNOTSUPP);
	rc = emu_user_data_copy(data, IOMMU_HWPT_DATA_SELFTEST, &cfg,
				sizeof(cfg), offsetofend(typeof(cfg), iotlb));
	if (rc)
		return ERR_PTR(rc);

	nested = kzalloc(sizeof(*nested), GFP_KERNEL_ACCOUNT);
	if (!nested)
		return ERR_PTR(-ENOMEM);
	nested->domain.ops = &mock_nested_ops;
	nested->domain.min_pgsize = MOCK_PAGE_SIZE;
	nested->parent = parent;
	for (i = 0; i != MOCK_NESTED_DOMAIN_IOTLB_NUM; i++)
		nested->iotlb[i] = cfg.iotlb;
	return nested;
}

static struct emu_domain *
mock_domain_alloc_nested(struct emu_dev *dev, struct emu_domain *parent,
			 u32 flags, const struct emu_user_data *data)
{
	struct mock_nested *nested = mock_nested_create(parent, flags, data);

	return IS_ERR(nested) ? ERR_CAST(nested) : &nested->domain;
}

static int mock_hw_info(struct emu_dev *dev, void *data, u32 len, u32 *type)
{
	struct iommu_test_hw_info info = {
		.test_reg = IOMMU_HW_INFO_SELFTEST_REGVAL,
	};

	memcpy(data, &info, min_t(u32, len, sizeof(info)));
	*type = IOMMU_HW_INFO_TYPE_SELFTEST;
	return sizeof(info);
}

static struct mock_viommu *to_mock_viommu(struct emu_viommu *viommu)
{
	return container_of(viommu, struct mock_viommu, core);
}

static struct mock_hw_queue *to_mock_hw_queue(struct emu_hw_queue *queue)
{
	return container_of(queue, struct mock_hw_queue, core);
}

static size_t mock_hw_queue_size(struct emu_viommu *viommu, u32 type)
{
	if (type != IOMMU_HW_QUEUE_TYPE_SELFTEST)
		return 0;
	return EMU_HW_QUEUE_STRUCT_SIZE(struct mock_hw_queue, core);
}

static int mock_hw_queue_init(struct emu_hw_queue *queue)
{
	struct mock_viommu *mviommu = to_mock_viommu(queue->viommu);
	struct mock_hw_queue *mqueue = to_mock_hw_queue(queue);
	struct mock_hw_queue *prev = NULL;
	int rc = 0;

	if (queue->index >= IOMMU_TEST_HW_QUEUE_MAX)
		return -EINVAL;

	mutex_lock(&mviommu->queue_lock);
	if (mviommu->queues[queue->index]) {
		rc = -EEXIST;
		goto out_unlock;
	}
	/* Queue n needs queue n - 1: the hardware chains them */
	if (queue->index) {
		prev = mviommu->queues[queue->index - 1];
		if (!prev) {
			rc = -EIO;
			goto out_unlock;
		}
	}
	/* The address the core worked out must be what stage 2 says */
	if (queue->base_pa != emu_domain_iova_to_phys(queue->viommu->parent,
						      queue->base_iova)) {
		rc = -EFAULT;
		goto out_unlock;
	}
	if (prev) {
		rc = emu_hw_queue_depend(queue, &prev->core);
		if (rc)
			goto out_unlock;
	}
	mqueue->prev = prev;
	mviommu->queues[queue->index] = mqueue;
out_unlock:
	mutex_unlock(&mviommu->queue_lock);
	return rc;
}

static void mock_hw_queue_destroy(struct emu_hw_queue *queue)
{
	struct mock_viommu *mviommu = to_mock_viommu(queue->viommu);
	struct mock_hw_queue *mqueue = to_mock_hw_queue(queue);

	mutex_lock(&mviommu->queue_lock);
	mviommu->queues[queue->index] = NULL;
	if (mqueue->prev)
		emu_hw_queue_undepend(queue, &mqueue->prev->core);
	mutex_unlock(&mviommu->queue_lock);
}

/* The same stage 1 as on a nesting parent, tied to the vIOMMU */
static struct emu_domain *
mock_viommu_alloc_domain_nested(struct emu_viommu *viommu, struct emu_dev *dev,
				u32 flags, const struct emu_user_data *data)
{
	struct mock_nested *nested;

	nested = mock_nested_create(viommu->parent, flags, data);
	if (IS_ERR(nested))
		return ERR_CAST(nested);
	nested->viommu = to_mock_viommu(viommu);
	return &nested->domain;
}

/*
 * Clears cache slots of devices named by virtual ID; the request format is
 * iommufd_test.h's. Stops at the first bad request.
 */
static int mock_viommu_cache_invalidate(struct emu_viommu *viommu,
					struct emu_user_array *array)
{
	struct iommu_viommu_invalidate_selftest inv;
	struct mock_dev *mdev;
	struct emu_dev *dev;
	u32 done = 0;
	unsigned int i;
	int rc = 0;

	if (array->type != IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST) {
		rc = -EINVAL;
		goto out;
	}
	for (; done < array->entry_num; done++) {
		rc = emu_user_array_copy(array, done,
					 IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
					 &inv, sizeof(inv),
					 offsetofend(typeof(inv), cache_id));
		if (rc)
			break;
		if (inv.flags & ~IOMMU_TEST_INVALIDATE_FLAG_ALL) {
			rc = -EOPNOTSUPP;
			break;
		}
		if (inv.cache_id > MOCK_DEV_CACHE_ID_MAX) {
			rc = -EINVAL;
			break;
		}
		/* The lock keeps the device presented while we touch it */
		xa_lock(&viommu->vdevs);
		dev = emu_viommu_find_dev(viommu, inv.vdev_id);
		if (!dev) {
			xa_unlock(&viommu->vdevs);
			rc = -EINVAL;
			break;
		}
		mdev = to_mock_dev(dev);
		if (inv.flags & IOMMU_TEST_INVALIDATE_FLAG_ALL) {
			for (i = 0; i != MOCK_DEV_CACHE_NUM; i++)
				WRITE_ONCE(mdev->cache[i], 0);
		} else {
			WRITE_ONCE(mdev->cache[inv.cache_id], 0);
		}
		xa_unlock(&viommu->vdevs);
	}
out:
	array->entry_num = done;
	return rc;
}

static void mock_viommu_destroy(struct emu_viommu *viommu)
{
	struct mock_viommu *mviommu = to_mock_viommu(viommu);

	if (mviommu->page) {
		emu_viommu_mmap_remove(viommu, mviommu->mmap_offset);
		free_pages((unsigned long)mviommu->page, 1);
	}
	mutex_destroy(&mviommu->queue_lock);
}

static const struct emu_viommu_ops mock_viommu_ops = {
	.domain_alloc_nested = mock_viommu_alloc_domain_nested,
	.cache_invalidate = mock_viommu_cache_invalidate,
	.hw_queue_size = mock_hw_queue_size,
	.hw_queue_init = mock_hw_queue_init,
	.hw_queue_destroy = mock_hw_queue_destroy,
	.destroy = mock_viommu_destroy,
};

static size_t mock_viommu_size(struct emu_dev *dev, u32 type)
{
	if (type != IOMMU_VIOMMU_TYPE_SELFTEST)
		return 0;
	return EMU_VIOMMU_STRUCT_SIZE(struct mock_viommu, core);
}

/* The selftest's data: in_data comes in, the rest goes back out */
static int mock_viommu_setup_page(struct mock_viommu *mviommu,
				  const struct emu_user_data *data)
{
	struct iommu_viommu_selftest info;
	int rc;

	rc = emu_user_data_copy(data, IOMMU_VIOMMU_TYPE_SELFTEST, &info,
				sizeof(info),
				offsetofend(struct iommu_viommu_selftest,
					    out_data));
	if (rc)
		return rc;

	mviommu->page = (u32 *)__get_free_pages(GFP_KERNEL_ACCOUNT |
						__GFP_ZERO, 1);
	if (!mviommu->page)
		return -ENOMEM;
	rc = emu_viommu_mmap_add(&mviommu->core, virt_to_phys(mviommu->page),
				 2 * PAGE_SIZE, &mviommu->mmap_offset);
	if (rc)
		goto out_free;

	/* Userspace reads it back through the mapping and through the data */
	*mviommu->page = info.in_data;
	info.out_data = info.in_data;
	info.out_mmap_offset = mviommu->mmap_offset;
	info.out_mmap_length = 2 * PAGE_SIZE;
	if (copy_to_user((void __user *)data->uptr, &info,
			 min_t(size_t, data->len, sizeof(info)))) {
		rc = -EFAULT;
		goto out_remove;
	}
	return 0;

out_remove:
	emu_viommu_mmap_remove(&mviommu->core, mviommu->mmap_offset);
out_free:
	free_pages((unsigned long)mviommu->page, 1);
	mviommu->page = NULL;
	return rc;
}

static int mock_viommu_init(struct emu_viommu *viommu, struct emu_dev *dev,
			    const struct emu_user_data *data)
{
	struct mock_viommu *mviommu = to_mock_viommu(viommu);
	int rc;

	if (data) {
		rc = mock_viommu_setup_page(mviommu, data);
		if (rc)
			return rc;
	}
	mutex_init(&mviommu->queue_lock);
	viommu->ops = &mock_viommu_ops;
	return 0;
}

static u32 mock_dev_caps(struct emu_dev *dev)
{
	if (to_mock_dev(dev)->flags & EMU_MOCK_DEV_NO_DIRTY)
		return 0;
	return EMU_DEV_CAP_DIRTY_TRACKING;
}

static const struct emu_iommu_ops mock_iommu_ops = {
	.domain_alloc_paging = mock_domain_alloc_paging,
	.domain_alloc_paging_user = mock_domain_alloc_paging_user,
	.domain_alloc_nested = mock_domain_alloc_nested,
	.hw_info = mock_hw_info,
	.dev_caps = mock_dev_caps,
	.viommu_size = mock_viommu_size,
	.viommu_init = mock_viommu_init,
};

static struct emu_iommu mock_iommu = {
	.name = "mock",
	.ops = &mock_iommu_ops,
	.blocked_domain = &mock_blocked_domain,
	.max_pasid_log2 = MOCK_PASID_WIDTH,
	/* As upstream's mock: page requests of any PASID reach the RID's stage 1 */
	.user_pasid_table = true,
};

/**
 * emu_mock_dev_create() - a new mock device in a group of its own
 * @flags: EMU_MOCK_DEV_*
 *
 * Return: the device, or an ERR_PTR.
 */
struct emu_dev *emu_mock_dev_create(u32 flags)
{
	struct mock_dev *mdev;
	unsigned int i;
	int rc;

	mdev = kzalloc(sizeof(*mdev), GFP_KERNEL_ACCOUNT);
	if (!mdev)
		return ERR_PTR(-ENOMEM);
	mdev->flags = flags;
	spin_lock_init(&mdev->viommu_lock);
	for (i = 0; i != MOCK_DEV_CACHE_NUM; i++)
		mdev->cache[i] = IOMMU_TEST_DEV_CACHE_DEFAULT;
	mdev->dev.name = "mock";
	mdev->dev.iommu = &mock_iommu;
	mdev->dev.id = atomic_inc_return(&mock_next_id);
	if (flags & EMU_MOCK_DEV_PASID)
		mdev->dev.pasid_bits = MOCK_PASID_WIDTH;
	rc = emu_dev_add(&mdev->dev, 0);
	if (rc) {
		kfree(mdev);
		return ERR_PTR(rc);
	}
	return &mdev->dev;
}

/**
 * emu_mock_dev_destroy() - remove a mock device
 * @dev: from emu_mock_dev_create(), released by its owner
 */
void emu_mock_dev_destroy(struct emu_dev *dev)
{
	emu_dev_remove(dev);
	kfree(to_mock_dev(dev));
}

/**
 * emu_mock_dev_cache() - read one entry of a mock device's cache
 * @dev: any emulated device
 * @index: the entry, below MOCK_DEV_CACHE_NUM
 * @value: where the entry's value goes
 *
 * Return: 0, -EINVAL when @dev is not a mock device or @index is too big.
 */
int emu_mock_dev_cache(struct emu_dev *dev, u32 index, u32 *value)
{
	if (dev->iommu != &mock_iommu || index >= MOCK_DEV_CACHE_NUM)
		return -EINVAL;
	*value = READ_ONCE(to_mock_dev(dev)->cache[index]);
	return 0;
}

static struct mock_domain *mock_dirty_domain(struct emu_domain *domain)
{
	if (domain->ops != &mock_paging_ops)
		return NULL;
	return to_mock_domain(domain);
}

/**
 * emu_mock_domain_dirty_tracking() - is @domain a mock domain recording
 *	DMA writes?
 * @domain: any domain
 *
 * Return: 0 when it is, -EINVAL otherwise.
 */
int emu_mock_domain_dirty_tracking(struct emu_domain *domain)
{
	struct mock_domain *mdomain = mock_dirty_domain(domain);

	if (!mdomain || !READ_ONCE(mdomain->dirty_tracking))
		return -EINVAL;
	return 0;
}

/**
 * emu_mock_domain_set_dirty() - pretend that DMA wrote some pages
 * @domain: a mock paging domain
 * @iova: the IOVA bit 0 of @bitmap stands for
 * @page_size: bytes each bit stands for
 * @bitmap: which pages to mark
 * @nbits: bits in @bitmap
 *
 * For each set bit the granule at the start of its page is marked dirty
 * when it is mapped, which makes its whole PTE dirty; unmapped ones are
 * passed over.
 *
 * Return: the number of set bits in @bitmap.
 */
unsigned long emu_mock_domain_set_dirty(struct emu_domain *domain,
					unsigned long iova,
					unsigned long page_size,
					const unsigned long *bitmap,
					unsigned long nbits)
{
	struct mock_domain *mdomain = mock_dirty_domain(domain);
	unsigned long bit, count = 0;

	if (WARN_ON(!mdomain))
		return 0;
	for_each_set_bit(bit, bitmap, nbits) {
		unsigned long index = (iova + bit * page_size) / MOCK_PAGE_SIZE;

		xa_lock(&mdomain->granules);
		if (xa_load(&mdomain->granules, index))
			__xa_set_mark(&mdomain->granules, index,
				      MOCK_MARK_DIRTY);
		xa_unlock(&mdomain->granules);
		count++;
		if (!(count % 1024))
			cond_resched();
	}
	return count;
}

/**
 * emu_mock_trigger_vevent() - make the mock vIOMMU report an event
 * @dev: a mock device
 *
 * The vIOMMU whose nested domain the device's RID uses reports a
 * struct iommu_viommu_event_selftest naming the device's virtual ID.
 *
 * Return: 0; -EINVAL for a device that is not a mock device; -ENOENT when
 * no vIOMMU presents the device; -EOPNOTSUPP when nobody listens for the
 * event; -ENOMEM.
 */
int emu_mock_trigger_vevent(struct emu_dev *dev)
{
	struct iommu_viommu_event_selftest event = {};
	struct mock_dev *mdev;
	unsigned long virt_id;
	int rc = -ENOENT;

	if (dev->iommu != &mock_iommu)
		return -EINVAL;
	mdev = to_mock_dev(dev);

	/* Reporting never sleeps, so the device cannot switch under it */
	spin_lock(&mdev->viommu_lock);
	if (mdev->viommu &&
	    !emu_viommu_dev_virt_id(&mdev->viommu->core, dev, &virt_id)) {
		event.virt_id = virt_id;
		rc = emu_viommu_report_event(&mdev->viommu->core,
					     IOMMU_VEVENTQ_TYPE_SELFTEST,
					     &event, sizeof(event));
	}
	spin_unlock(&mdev->viommu_lock);
	return rc;
}

/**
 * emu_mock_init() - register the mock IOMMU instance
 *
 * Return: 0 or a negative errno.
 */
int emu_mock_init(void)
{
	return emu_iommu_register(&mock_iommu);
}

/**
 * emu_mock_exit() - withdraw the mock IOMMU instance
 */
void emu_mock_exit(void)
{
	emu_iommu_unregister(&mock_iommu);
}

/**
 * emu_mock_domain_iotlb() - read one IOTLB slot of a nested mock domain
 * @domain: any domain
 * @index: the slot, at most MOCK_NESTED_DOMAIN_IOTLB_ID_MAX
 * @value: where the slot's value goes
 *
 * Return: 0, -EINVAL when @domain is not a nested mock domain or @index is
 * too big.
 */
int emu_mock_domain_iotlb(struct emu_domain *domain, u32 index, u32 *value)
{
	if (domain->ops != &mock_nested_ops ||
	    index > MOCK_NESTED_DOMAIN_IOTLB_ID_MAX)
		return -EINVAL;
	*value = READ_ONCE(to_mock_nested(domain)->iotlb[index]);
	return 0;
}

/**
 * emu_mock_dev_page_request() - a mock device sends a page request
 * @dev: any emulated device
 * @pasid: its PASID, EMU_NO_PASID for none
 * @grpid: the page request group; the request is the group's last
 * @perm: IOMMU_PGFAULT_PERM_* wanted
 * @addr: the faulting address
 *
 * The mock's page request queue hands the request to the IOMMU core as it
 * arrives. Whether anybody handles it is the device's business, answered
 * through the core.
 *
 * Return: 0, -EINVAL when @dev is not a mock device.
 */
int emu_mock_dev_page_request(struct emu_dev *dev, u32 pasid, u32 grpid,
			      u32 perm, u64 addr)
{
	struct emu_page_request req = {
		.flags = EMU_PRQ_LAST_PAGE,
		.pasid = pasid,
		.grpid = grpid,
		.addr = addr,
	};

	if (dev->iommu != &mock_iommu)
		return -EINVAL;
	if (pasid != EMU_NO_PASID)
		req.flags |= EMU_PRQ_PASID_VALID;
	if (perm & IOMMU_PGFAULT_PERM_READ)
		req.perm |= EMU_PRQ_PERM_READ;
	if (perm & IOMMU_PGFAULT_PERM_WRITE)
		req.perm |= EMU_PRQ_PERM_WRITE;
	if (perm & IOMMU_PGFAULT_PERM_EXEC)
		req.perm |= EMU_PRQ_PERM_EXEC;
	if (perm & IOMMU_PGFAULT_PERM_PRIV)
		req.perm |= EMU_PRQ_PERM_PRIV;
	emu_dev_report_page_request(dev, &req);
	return 0;
}
