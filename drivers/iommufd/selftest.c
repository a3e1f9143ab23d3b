// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU_TEST_CMD: hooks the kselftests use to look inside the object layer.
 *
 * Implemented: reserved IOVA, in-kernel accesses (pinning and CPU copies
 * through an IOAS), page pin-count checks, mock devices of the mock IOMMU
 * (create, attach, replace, check a domain's translations), the IOTLB of
 * nested mock domains, page requests of mock devices, PASID attach, replace
 * and detach of mock devices, dirty pages in a mock domain, and a dma-buf
 * exporter. The remaining operations answer EOPNOTSUPP until the layers
 * they need exist.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/iommufd.h>
#include <linux/iommufd_test.h>

#include "iommufd_private.h"
#include "../iommu/emu_iommu.h"
#include "../iommu-hw/mock/mock.h"

/* Largest range one ACCESS_PAGES / ACCESS_RW may cover */
#define TEST_ACCESS_MAX_LENGTH	SZ_16M

/*
 * A test access is an fd that owns an iommufd_access. Pins taken through it
 * are kept as items, each with an id, until destroyed by the test or
 * dropped because their IOVA range was unmapped.
 */
struct test_access {
	struct iommufd_access *access;
	struct file *ictx_file;
	struct mutex lock;	/* protects items and next_id */
	struct list_head items;
	unsigned int next_id;
	bool pins_pages;
};

struct test_access_item {
	struct list_head node;
	unsigned long iova;
	unsigned long length;
	unsigned int id;
};

static const struct file_operations test_access_fops;

static struct test_access *test_access_get(int fd, struct file **filep)
{
	struct file *file = fget(fd);

	if (!file)
		return ERR_PTR(-EBADF);
	if (file->f_op != &test_access_fops) {
		fput(file);
		return ERR_PTR(-EBADFD);
	}
	*filep = file;
	return file->private_data;
}

static void test_access_drop_item(struct test_access *taccess,
				  struct test_access_item *item)
{
	iommufd_access_unpin_pages(taccess->access, item->iova, item->length);
	list_del(&item->node);
	kfree(item);
}

/* The IOAS is unmapping [iova, iova + length): let go of pins there. */
static void test_access_unmap(void *data, unsigned long iova,
			      unsigned long length)
{
	unsigned long last = iova + length - 1;
	struct test_access *taccess = data;
	struct test_access_item *item, *tmp;

	mutex_lock(&taccess->lock);
	list_for_each_entry_safe(item, tmp, &taccess->items, node) {
		if (item->iova > last || item->iova + item->length - 1 < iova)
			continue;
		test_access_drop_item(taccess, item);
	}
	mutex_unlock(&taccess->lock);
}

/* Accesses created with MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES */
static const struct iommufd_access_ops test_access_ops_pin = {
	.unmap = test_access_unmap,
};

/* Accesses that only copy: they never pin beyond one call */
static const struct iommufd_access_ops test_access_ops_copy = {};

static int test_access_release(struct inode *inode, struct file *file)
{
	struct test_access *taccess = file->private_data;
	struct test_access_item *item, *tmp;

	if (taccess->access) {
		/* An unmap of the IOAS may be calling test_access_unmap() */
		mutex_lock(&taccess->lock);
		list_for_each_entry_safe(item, tmp, &taccess->items, node)
			test_access_drop_item(taccess, item);
		mutex_unlock(&taccess->lock);
		iommufd_access_destroy(taccess->access);
	}
	if (taccess->ictx_file)
		fput(taccess->ictx_file);
	mutex_destroy(&taccess->lock);
	kfree(taccess);
	return 0;
}

static const struct file_operations test_access_fops = {
	.owner = THIS_MODULE,
	.release = test_access_release,
};

static int test_create_access(struct iommufd_ucmd *ucmd, u32 ioas_id,
			      u32 flags)
{
	struct iommu_test_cmd *cmd = ucmd->cmd;
	struct test_access *taccess;
	struct file *file;
	int fd;
	int rc;

	if (flags & ~MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES)
		return -EOPNOTSUPP;

	taccess = kzalloc(sizeof(*taccess), GFP_KERNEL_ACCOUNT);
	if (!taccess)
		return -ENOMEM;
	mutex_init(&taccess->lock);
	INIT_LIST_HEAD(&taccess->items);
	taccess->pins_pages = flags & MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES;

	/* From here on the file's release undoes whatever was set up. */
	file = anon_inode_getfile("[iommufd_test_access]", &test_access_fops,
				  taccess, O_RDWR);
	if (IS_ERR(file)) {
		mutex_destroy(&taccess->lock);
		kfree(taccess);
		return PTR_ERR(file);
	}

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		rc = fd;
		goto out_fput;
	}

	taccess->access = iommufd_access_create(ucmd->ictx, ioas_id,
						taccess->pins_pages ?
							&test_access_ops_pin :
							&test_access_ops_copy,
						taccess);
	if (IS_ERR(taccess->access)) {
		rc = PTR_ERR(taccess->access);
		taccess->access = NULL;
		goto out_put_fd;
	}
	/* The context must outlive the access that points into it */
	taccess->ictx_file = get_file(ucmd->ictx->file);

	cmd->create_access.out_access_fd = fd;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_put_fd;
	fd_install(fd, file);
	return 0;

out_put_fd:
	put_unused_fd(fd);
out_fput:
	fput(file);
	return rc;
}

/* Do the pinned pages match what the user sees at @uptr? */
static int test_check_pages(void __user *uptr, struct page **pages,
			    unsigned long npages)
{
	unsigned long i;

	for (i = 0; i != npages; i++) {
		struct page *page;
		long got;

		got = get_user_pages_fast((unsigned long)uptr + i * PAGE_SIZE,
					  1, 0, &page);
		if (got < 0)
			return got;
		if (got != 1)
			return -EFAULT;
		put_page(page);
		if (page != pages[i])
			return -EINVAL;
	}
	return 0;
}

static int test_access_pages(struct iommufd_ucmd *ucmd, int fd)
{
	struct iommu_test_cmd *cmd = ucmd->cmd;
	unsigned long iova = cmd->access_pages.iova;
	unsigned long length = cmd->access_pages.length;
	u32 flags = cmd->access_pages.flags;
	void __user *uptr = u64_to_user_ptr(cmd->access_pages.uptr);
	struct test_access_item *item;
	struct test_access *taccess;
	struct page **pages;
	unsigned long npages;
	struct file *file;
	int rc;

	if (length > TEST_ACCESS_MAX_LENGTH)
		return -ENOMEM;
	if (flags & ~MOCK_FLAGS_ACCESS_WRITE)
		return -EOPNOTSUPP;
	if (!length)
		return -EINVAL;
	if (iova + length < iova)
		return -EOVERFLOW;

	taccess = test_access_get(fd, &file);
	if (IS_ERR(taccess))
		return PTR_ERR(taccess);
	if (!taccess->pins_pages) {
		rc = -EOPNOTSUPP;
		goto out_fput;
	}

	npages = (PAGE_ALIGN(iova + length) - PAGE_ALIGN_DOWN(iova)) / PAGE_SIZE;
	pages = kvcalloc(npages, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	item = kzalloc(sizeof(*item), GFP_KERNEL_ACCOUNT);
	if (!pages || !item) {
		rc = -ENOMEM;
		goto out_free;
	}

	/* Pin and record under one lock, so unmap sees either both or none */
	mutex_lock(&taccess->lock);
	rc = iommufd_access_pin_pages(taccess->access, iova, length, pages,
				      flags & MOCK_FLAGS_ACCESS_WRITE);
	if (rc)
		goto out_unlock;
	if (uptr) {
		rc = test_check_pages(uptr - offset_in_page(iova), pages,
				      npages);
		if (rc)
			goto out_unpin;
	}

	item->iova = iova;
	item->length = length;
	item->id = taccess->next_id++;
	cmd->access_pages.out_access_pages_id = item->id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_unpin;
	list_add_tail(&item->node, &taccess->items);
	item = NULL;
	goto out_unlock;

out_unpin:
	iommufd_access_unpin_pages(taccess->access, iova, length);
out_unlock:
	mutex_unlock(&taccess->lock);
out_free:
	kfree(item);
	kvfree(pages);
out_fput:
	fput(file);
	return rc;
}

static int test_destroy_access_pages(struct iommufd_ucmd *ucmd, int fd)
{
	struct iommu_test_cmd *cmd = ucmd->cmd;
	struct test_access_item *item;
	struct test_access *taccess;
	struct file *file;
	int rc = -ENOENT;

	taccess = test_access_get(fd, &file);
	if (IS_ERR(taccess))
		return PTR_ERR(taccess);

	mutex_lock(&taccess->lock);
	list_for_each_entry(item, &taccess->items, node) {
		if (item->id == cmd->destroy_access_pages.access_pages_id) {
			test_access_drop_item(taccess, item);
			rc = 0;
			break;
		}
	}
	mutex_unlock(&taccess->lock);
	fput(file);
	return rc;
}

static int test_access_rw(struct iommufd_ucmd *ucmd, int fd)
{
	struct iommu_test_cmd *cmd = ucmd->cmd;
	unsigned long length = cmd->access_rw.length;
	void __user *uptr = u64_to_user_ptr(cmd->access_rw.uptr);
	u32 flags = cmd->access_rw.flags;
	bool write = flags & MOCK_ACCESS_RW_WRITE;
	struct test_access *taccess;
	struct file *file;
	void *buf;
	int rc;

	if (length > TEST_ACCESS_MAX_LENGTH)
		return -ENOMEM;
	if (flags & ~(MOCK_ACCESS_RW_WRITE | MOCK_ACCESS_RW_SLOW_PATH))
		return -EOPNOTSUPP;

	taccess = test_access_get(fd, &file);
	if (IS_ERR(taccess))
		return PTR_ERR(taccess);

	buf = kvzalloc(length ? length : 1, GFP_KERNEL_ACCOUNT);
	if (!buf) {
		rc = -ENOMEM;
		goto out_fput;
	}
	if (write && copy_from_user(buf, uptr, length)) {
		rc = -EFAULT;
		goto out_free;
	}
	/* The slow path is the one a kernel thread without our mm takes */
	rc = iommufd_access_rw(taccess->access, cmd->access_rw.iova, buf,
			       length,
			       (write ? IOMMUFD_ACCESS_RW_WRITE : 0) |
			       (flags & MOCK_ACCESS_RW_SLOW_PATH ?
					IOMMUFD_ACCESS_RW_KTHREAD : 0));
	if (!rc && !write && copy_to_user(uptr, buf, length))
		rc = -EFAULT;
out_free:
	kvfree(buf);
out_fput:
	fput(file);
	return rc;
}

/* Is every page of [uptr, uptr + length) pinned exactly @refs times? */
static int test_check_refs(void __user *uptr, unsigned long length,
			   unsigned int refs)
{
	unsigned long addr = (unsigned long)uptr;
	unsigned long end;

	if (length % PAGE_SIZE || addr % PAGE_SIZE ||
	    check_add_overflow(addr, length, &end))
		return -EINVAL;

	for (; addr != end; addr += PAGE_SIZE) {
		struct page *page;
		long got;
		int rc = 0;

		got = get_user_pages_fast(addr, 1, 0, &page);
		if (got < 0)
			return got;
		if (got != 1)
			return -EFAULT;
		/* Compound pages share one count: only small pages can tell */
		if (!PageCompound(page) &&
		    page_ref_count(page) / GUP_PIN_COUNTING_BIAS != refs)
			rc = -EIO;
		put_page(page);
		if (rc)
			return rc;
	}
	return 0;
}

static int test_add_reserved(struct iommufd_ucmd *ucmd, u32 ioas_id, u64 start,
			     u64 length)
{
	struct iommufd_ioas *ioas;
	unsigned long last;
	int rc;

	if (!length)
		return -EINVAL;
	if (check_add_overflow(start, length - 1, &last))
		return -EOVERFLOW;

	ioas = iommufd_get_ioas(ucmd->ictx, ioas_id);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);
	rc = iopt_reserve_iova(&ioas->iopt, start, last, NULL);
	iommufd_put_object(ucmd->ictx, &ioas->obj);
	return rc;
}

/*
 * A mock device created by IOMMU_TEST_OP_MOCK_DOMAIN: the selftest object
 * owns the device and its binding; destroying it detaches and unplugs.
 */
struct selftest_obj {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	struct emu_dev *dev;
	struct iommufd_device *idev;
	struct mutex pasid_lock;	/* protects pasids */
	struct xarray pasids;		/* PASIDs attached by PASID_ATTACH */
};

void iommufd_selftest_destroy(struct iommufd_object *obj)
{
	struct selftest_obj *sobj = container_of(obj, struct selftest_obj, obj);
	unsigned long pasid;
	void *entry;

	if (sobj->idev) {
		/* A test may end with PASIDs still attached */
		xa_for_each(&sobj->pasids, pasid, entry)
			iommufd_device_detach(sobj->idev, pasid);
		iommufd_device_detach(sobj->idev, EMU_NO_PASID);
		iommufd_device_unbind(sobj->idev);
	}
	if (sobj->dev)
		emu_mock_dev_destroy(sobj->dev);
	xa_destroy(&sobj->pasids);
	mutex_destroy(&sobj->pasid_lock);
}

static int test_mock_domain(struct iommufd_ucmd *ucmd, u32 pt_id,
			    u32 dev_flags, u32 *out_stdev_id,
			    u32 *out_hwpt_id, u32 *out_idev_id)
{
	struct selftest_obj *sobj;
	u32 flags = 0;
	int rc;

	if (dev_flags & ~(MOCK_FLAGS_DEVICE_NO_DIRTY | MOCK_FLAGS_DEVICE_PASID))
		return -EINVAL;
	if (dev_flags & MOCK_FLAGS_DEVICE_NO_DIRTY)
		flags |= EMU_MOCK_DEV_NO_DIRTY;
	if (dev_flags & MOCK_FLAGS_DEVICE_PASID)
		flags |= EMU_MOCK_DEV_PASID;

	sobj = iommufd_object_alloc(ucmd->ictx, struct selftest_obj,
				    IOMMUFD_OBJ_SELFTEST);
	if (IS_ERR(sobj))
		return PTR_ERR(sobj);
	sobj->ictx = ucmd->ictx;
	mutex_init(&sobj->pasid_lock);
	xa_init(&sobj->pasids);

	sobj->dev = emu_mock_dev_create(flags);
	if (IS_ERR(sobj->dev)) {
		rc = PTR_ERR(sobj->dev);
		sobj->dev = NULL;
		goto out_abort;
	}
	sobj->idev = iommufd_device_bind(ucmd->ictx, sobj->dev);
	if (IS_ERR(sobj->idev)) {
		rc = PTR_ERR(sobj->idev);
		sobj->idev = NULL;
		goto out_abort;
	}
	rc = iommufd_device_attach(sobj->idev, EMU_NO_PASID, &pt_id);
	if (rc)
		goto out_abort;

	*out_stdev_id = sobj->obj.id;
	*out_hwpt_id = pt_id;
	*out_idev_id = sobj->idev->obj.id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(struct iommu_test_cmd));
	if (rc)
		goto out_abort;
	iommufd_object_finalize(ucmd->ictx, &sobj->obj);
	return 0;

out_abort:
	iommufd_object_abort_and_destroy(ucmd->ictx, &sobj->obj);
	return rc;
}

static int test_mock_domain_replace(struct iommufd_ucmd *ucmd, u32 stdev_id,
				    u32 *pt_id)
{
	struct iommufd_object *obj;
	struct selftest_obj *sobj;
	int rc;

	obj = iommufd_get_object(ucmd->ictx, stdev_id, IOMMUFD_OBJ_SELFTEST);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	sobj = container_of(obj, struct selftest_obj, obj);
	rc = iommufd_device_replace(sobj->idev, EMU_NO_PASID, pt_id);
	if (!rc)
		rc = iommufd_ucmd_respond(ucmd, sizeof(struct iommu_test_cmd));
	iommufd_put_object(ucmd->ictx, obj);
	return rc;
}

/* Does every granule of [iova, iova + length) map to the page at @uptr? */
static int test_check_map(struct iommufd_ucmd *ucmd, u32 hwpt_id,
			  unsigned long iova, unsigned long length,
			  void __user *uptr)
{
	struct iommufd_hwpt_paging *hwpt;
	struct iommufd_object *obj;
	struct emu_domain *domain;
	unsigned long granule, end;
	int rc = 0;

	obj = iommufd_get_object(ucmd->ictx, hwpt_id, IOMMUFD_OBJ_HWPT_PAGING);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	hwpt = container_of(obj, struct iommufd_hwpt_paging, common.obj);
	domain = hwpt->common.domain;
	granule = domain->min_pgsize;

	if (iova % granule || length % granule ||
	    (unsigned long)uptr % granule ||
	    check_add_overflow((unsigned long)uptr, length, &end)) {
		rc = -EINVAL;
		goto out_put;
	}
	for (; length; length -= granule, iova += granule, uptr += granule) {
		unsigned long addr = (unsigned long)uptr;
		struct page *page;
		phys_addr_t want;
		long got;

		got = get_user_pages_fast(addr & PAGE_MASK, 1, 0, &page);
		if (got < 0) {
			rc = got;
			break;
		}
		if (got != 1) {
			rc = -EFAULT;
			break;
		}
		want = page_to_phys(page) + offset_in_page(addr);
		put_page(page);
		if (emu_domain_iova_to_phys(domain, iova) != want) {
			rc = -EINVAL;
			break;
		}
	}
out_put:
	iommufd_put_object(ucmd->ictx, obj);
	return rc;
}

static int test_access_replace_ioas(struct iommufd_ucmd *ucmd, int fd,
				    u32 ioas_id)
{
	struct test_access *taccess;
	struct file *file;
	int rc;

	taccess = test_access_get(fd, &file);
	if (IS_ERR(taccess))
		return PTR_ERR(taccess);
	rc = iommufd_access_replace(taccess->access, ioas_id);
	fput(file);
	return rc;
}

/* Does entry @index of the mock device's cache hold @expect? */
static int test_dev_check_cache(struct iommufd_ucmd *ucmd, u32 idev_id,
				u32 index, u32 expect)
{
	struct iommufd_device *idev;
	struct iommufd_object *obj;
	u32 value;
	int rc;

	obj = iommufd_get_object(ucmd->ictx, idev_id, IOMMUFD_OBJ_DEVICE);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	idev = container_of(obj, struct iommufd_device, obj);
	rc = emu_mock_dev_cache(idev->dev, index, &value);
	if (!rc && value != expect)
		rc = -EINVAL;
	iommufd_put_object(ucmd->ictx, obj);
	return rc;
}

/* Largest bitmap IOMMU_TEST_OP_DIRTY takes: 16 MiB, as upstream */
#define TEST_DIRTY_MAX_BITS	(SZ_16M * BITS_PER_BYTE)

/*
 * Play a device writing to the pages of a mock HWPT's domain whose bits
 * are set in the user's bitmap; the domain must be tracking dirty pages.
 * Every set bit counts, mapped or not, as upstream.
 */
static int test_dirty(struct iommufd_ucmd *ucmd, u32 hwpt_id, u64 iova,
		      u64 length, u64 page_size, void __user *uptr)
{
	struct iommu_test_cmd *cmd = ucmd->cmd;
	struct iommufd_hwpt_paging *hwpt;
	struct iommufd_object *obj;
	unsigned long *bitmap;
	unsigned long nbits;
	int rc;

	if (!page_size || !length || iova % page_size ||
	    length % page_size || !uptr)
		return -EINVAL;
	nbits = length / page_size;
	if (nbits > TEST_DIRTY_MAX_BITS)
		return -EOVERFLOW;

	obj = iommufd_get_object(ucmd->ictx, hwpt_id, IOMMUFD_OBJ_HWPT_PAGING);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	hwpt = container_of(obj, struct iommufd_hwpt_paging, common.obj);
	rc = emu_mock_domain_dirty_tracking(hwpt->common.domain);
	if (rc)
		goto out_put;

	bitmap = kvcalloc(BITS_TO_LONGS(nbits), sizeof(*bitmap),
			  GFP_KERNEL_ACCOUNT);
	if (!bitmap) {
		rc = -ENOMEM;
		goto out_put;
	}
	/* Whole bytes: bits past nbits in the last one are ignored */
	if (copy_from_user(bitmap, uptr, DIV_ROUND_UP(nbits, BITS_PER_BYTE))) {
		rc = -EFAULT;
		goto out_free;
	}
	cmd->dirty.out_nr_dirty =
		emu_mock_domain_set_dirty(hwpt->common.domain, iova, page_size,
					  bitmap, nbits);
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
out_free:
	kvfree(bitmap);
out_put:
	iommufd_put_object(ucmd->ictx, obj);
	return rc;
}

/* Does IOTLB slot @index of a nested mock HWPT hold @expect? */
static int test_check_iotlb(struct iommufd_ucmd *ucmd, u32 hwpt_id,
			    u32 index, u32 expect)
{
	struct iommufd_hw_pagetable *hwpt;
	struct iommufd_object *obj;
	u32 value;
	int rc;

	obj = iommufd_get_object(ucmd->ictx, hwpt_id, IOMMUFD_OBJ_HWPT_NESTED);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	hwpt = container_of(obj, struct iommufd_hw_pagetable, obj);
	rc = emu_mock_domain_iotlb(hwpt->domain, index, &value);
	if (!rc && value != expect)
		rc = -EINVAL;
	iommufd_put_object(ucmd->ictx, obj);
	return rc;
}

/* A mock device sends a page request, as if its DMA had faulted */
static int test_trigger_iopf(struct iommufd_ucmd *ucmd)
{
	struct iommu_test_cmd *cmd = ucmd->cmd;
	struct iommufd_device *idev;
	struct iommufd_object *obj;
	int rc;

	obj = iommufd_get_object(ucmd->ictx, cmd->trigger_iopf.dev_id,
				 IOMMUFD_OBJ_DEVICE);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	idev = container_of(obj, struct iommufd_device, obj);
	rc = emu_mock_dev_page_request(idev->dev, cmd->trigger_iopf.pasid,
				       cmd->trigger_iopf.grpid,
				       cmd->trigger_iopf.perm,
				       cmd->trigger_iopf.addr);
	iommufd_put_object(ucmd->ictx, obj);
	return rc;
}

static struct selftest_obj *test_get_sobj(struct iommufd_ucmd *ucmd, u32 id)
{
	struct iommufd_object *obj;

	obj = iommufd_get_object(ucmd->ictx, id, IOMMUFD_OBJ_SELFTEST);
	if (IS_ERR(obj))
		return ERR_CAST(obj);
	return container_of(obj, struct selftest_obj, obj);
}

/*
 * PASID attach, replace and detach of a mock device, through the same
 * device attach code as its RID (and as a VFIO device's PASIDs).
 */
static int test_pasid_change(struct iommufd_ucmd *ucmd, bool replace)
{
	struct iommu_test_cmd *cmd = ucmd->cmd;
	/* pasid_replace has the layout of pasid_attach */
	u32 pasid = cmd->pasid_attach.pasid;
	struct selftest_obj *sobj;
	int rc;

	sobj = test_get_sobj(ucmd, cmd->id);
	if (IS_ERR(sobj))
		return PTR_ERR(sobj);
	mutex_lock(&sobj->pasid_lock);
	if (replace) {
		rc = iommufd_device_replace(sobj->idev, pasid,
					    &cmd->pasid_attach.pt_id);
		if (!rc)
			rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
		goto out_unlock;
	}

	rc = iommufd_device_attach(sobj->idev, pasid,
				   &cmd->pasid_attach.pt_id);
	if (rc)
		goto out_unlock;
	/* Remembered so that destroying the device detaches it too */
	rc = xa_err(xa_store(&sobj->pasids, pasid, xa_mk_value(1),
			     GFP_KERNEL));
	if (!rc)
		rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc) {
		/* A failed attach leaves nothing behind */
		iommufd_device_detach(sobj->idev, pasid);
		xa_erase(&sobj->pasids, pasid);
	}
out_unlock:
	mutex_unlock(&sobj->pasid_lock);
	iommufd_put_object(ucmd->ictx, &sobj->obj);
	return rc;
}

static int test_pasid_detach(struct iommufd_ucmd *ucmd)
{
	struct iommu_test_cmd *cmd = ucmd->cmd;
	struct selftest_obj *sobj;

	sobj = test_get_sobj(ucmd, cmd->id);
	if (IS_ERR(sobj))
		return PTR_ERR(sobj);
	/* Detaching a PASID that is not attached is not an error */
	mutex_lock(&sobj->pasid_lock);
	iommufd_device_detach(sobj->idev, cmd->pasid_detach.pasid);
	xa_erase(&sobj->pasids, cmd->pasid_detach.pasid);
	mutex_unlock(&sobj->pasid_lock);
	iommufd_put_object(ucmd->ictx, &sobj->obj);
	return 0;
}

/* Is the PASID attached to the HWPT @hwpt_id, or (0) not at all? */
static int test_pasid_check_hwpt(struct iommufd_ucmd *ucmd)
{
	struct iommu_test_cmd *cmd = ucmd->cmd;
	struct iommufd_hw_pagetable *hwpt;
	struct emu_domain *current_domain;
	struct selftest_obj *sobj;
	struct emu_group *group;
	int rc = 0;

	sobj = test_get_sobj(ucmd, cmd->id);
	if (IS_ERR(sobj))
		return PTR_ERR(sobj);
	group = sobj->dev->group;
	mutex_lock(&group->lock);
	current_domain = emu_group_domain(group, cmd->pasid_check.pasid);
	mutex_unlock(&group->lock);

	if (!cmd->pasid_check.hwpt_id) {
		if (current_domain)
			rc = -EINVAL;
		goto out_put;
	}
	hwpt = iommufd_get_hwpt(ucmd->ictx, cmd->pasid_check.hwpt_id);
	if (IS_ERR(hwpt)) {
		rc = PTR_ERR(hwpt);
		goto out_put;
	}
	if (current_domain != hwpt->domain)
		rc = -EINVAL;
	iommufd_put_object(ucmd->ictx, &hwpt->obj);
out_put:
	iommufd_put_object(ucmd->ictx, &sobj->obj);
	return rc;
}

/* The mock vIOMMU presenting the device reports an event about it */
static int test_trigger_vevent(struct iommufd_ucmd *ucmd, u32 idev_id)
{
	struct iommufd_object *obj;
	int rc;

	obj = iommufd_get_object(ucmd->ictx, idev_id, IOMMUFD_OBJ_DEVICE);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	rc = emu_mock_trigger_vevent(container_of(obj, struct iommufd_device,
						  obj)->dev);
	iommufd_put_object(ucmd->ictx, obj);
	return rc;
}

int iommufd_test(struct iommufd_ucmd *ucmd)
{
	struct iommu_test_cmd *cmd = ucmd->cmd;

	switch (cmd->op) {
	case IOMMU_TEST_OP_ADD_RESERVED:
		return test_add_reserved(ucmd, cmd->id,
					 cmd->add_reserved.start,
					 cmd->add_reserved.length);
	case IOMMU_TEST_OP_MD_CHECK_REFS:
		return test_check_refs(u64_to_user_ptr(cmd->check_refs.uptr),
				       cmd->check_refs.length,
				       cmd->check_refs.refs);
	case IOMMU_TEST_OP_CREATE_ACCESS:
		return test_create_access(ucmd, cmd->id,
					  cmd->create_access.flags);
	case IOMMU_TEST_OP_ACCESS_PAGES:
		return test_access_pages(ucmd, cmd->id);
	case IOMMU_TEST_OP_DESTROY_ACCESS_PAGES:
		return test_destroy_access_pages(ucmd, cmd->id);
	case IOMMU_TEST_OP_ACCESS_RW:
		return test_access_rw(ucmd, cmd->id);
	case IOMMU_TEST_OP_MOCK_DOMAIN:
		return test_mock_domain(ucmd, cmd->id, 0,
					&cmd->mock_domain.out_stdev_id,
					&cmd->mock_domain.out_hwpt_id,
					&cmd->mock_domain.out_idev_id);
	case IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS:
		return test_mock_domain(ucmd, cmd->id,
					cmd->mock_domain_flags.dev_flags,
					&cmd->mock_domain_flags.out_stdev_id,
					&cmd->mock_domain_flags.out_hwpt_id,
					&cmd->mock_domain_flags.out_idev_id);
	case IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE:
		return test_mock_domain_replace(ucmd, cmd->id,
						&cmd->mock_domain_replace.pt_id);
	case IOMMU_TEST_OP_MD_CHECK_MAP:
		return test_check_map(ucmd, cmd->id, cmd->check_map.iova,
				      cmd->check_map.length,
				      u64_to_user_ptr(cmd->check_map.uptr));
	case IOMMU_TEST_OP_ACCESS_REPLACE_IOAS:
		return test_access_replace_ioas(ucmd, cmd->id,
						cmd->access_replace_ioas.ioas_id);
	case IOMMU_TEST_OP_TRIGGER_VEVENT:
		return test_trigger_vevent(ucmd, cmd->trigger_vevent.dev_id);
	case IOMMU_TEST_OP_DEV_CHECK_CACHE:
		return test_dev_check_cache(ucmd, cmd->id, cmd->check_dev_cache.id,
					    cmd->check_dev_cache.cache);
	case IOMMU_TEST_OP_DMABUF_GET:
		return iommufd_test_dmabuf_get(cmd->dmabuf_get.length,
					       cmd->dmabuf_get.open_flags);
	case IOMMU_TEST_OP_DMABUF_REVOKE:
		return iommufd_test_dmabuf_revoke(cmd->dmabuf_revoke.dmabuf_fd,
						  cmd->dmabuf_revoke.revoked);
	case IOMMU_TEST_OP_DIRTY:
		return test_dirty(ucmd, cmd->id, cmd->dirty.iova,
				  cmd->dirty.length, cmd->dirty.page_size,
				  u64_to_user_ptr(cmd->dirty.uptr));
	case IOMMU_TEST_OP_MD_CHECK_IOTLB:
		return test_check_iotlb(ucmd, cmd->id, cmd->check_iotlb.id,
					cmd->check_iotlb.iotlb);
	case IOMMU_TEST_OP_TRIGGER_IOPF:
		return test_trigger_iopf(ucmd);
	case IOMMU_TEST_OP_PASID_ATTACH:
		return test_pasid_change(ucmd, false);
	case IOMMU_TEST_OP_PASID_REPLACE:
		return test_pasid_change(ucmd, true);
	case IOMMU_TEST_OP_PASID_DETACH:
		return test_pasid_detach(ucmd);
	case IOMMU_TEST_OP_PASID_CHECK_HWPT:
		return test_pasid_check_hwpt(ucmd);
	case IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT:
		/*
		 * Upstream shrinks its temporary batch memory with this to
		 * reach rarely used paths; ours are bounded already.
		 */
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}
