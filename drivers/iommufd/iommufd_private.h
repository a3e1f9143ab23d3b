/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private definitions of the uAPI/object layer: the per-open context, the
 * common object header, the IOAS and its io_pagetable, and the shared page
 * pinning engine. Nothing here knows about any particular IOMMU driver.
 */
#ifndef IOMMUFD_PRIVATE_H
#define IOMMUFD_PRIVATE_H

#include <linux/file.h>
#include <linux/interval_tree.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include <compat/iommufd_emu_compat.h>

#include "iommufd_kapi.h"

struct dma_buf;
struct dma_buf_attachment;
struct emu_dev;
struct emu_dirty_bitmap;
struct emu_domain;
struct emu_group;
struct emu_user_data;
struct emu_iopf_group;
struct iommu_option;
struct iommufd_ctx;

/* How pinned pages are charged, selected by IOMMU_OPTION_RLIMIT_MODE. */
enum iopt_account_mode {
	IOPT_PAGES_ACCOUNT_NONE,	/* caller had CAP_IPC_LOCK */
	IOPT_PAGES_ACCOUNT_USER,	/* user_struct::locked_vm */
	IOPT_PAGES_ACCOUNT_MM,		/* mm_struct::locked_vm, like VFIO */
	IOPT_PAGES_ACCOUNT_MODE_NUM,
};

enum iommufd_object_type {
	IOMMUFD_OBJ_NONE,
	IOMMUFD_OBJ_ANY = IOMMUFD_OBJ_NONE,
	IOMMUFD_OBJ_DEVICE,
	IOMMUFD_OBJ_FAULT,
	IOMMUFD_OBJ_HWPT_NESTED,
	IOMMUFD_OBJ_HWPT_PAGING,
	IOMMUFD_OBJ_IOAS,
	IOMMUFD_OBJ_SELFTEST,
	IOMMUFD_OBJ_VIOMMU,
	IOMMUFD_OBJ_VDEVICE,
	IOMMUFD_OBJ_HW_QUEUE,
	IOMMUFD_OBJ_VEVENTQ,
	IOMMUFD_OBJ_MAX,
};

/**
 * struct iommufd_object - header embedded first in every object
 * @users: long-lived references; the object table holds one, so an object
 *	   nobody else points at has exactly one and may be destroyed
 * @lookups: references held by ioctls currently using the object (the table
 *	     also holds one); destroy waits for them to drain
 * @type: what the object is
 * @id: its handle in the context's object table, never 0
 */
struct iommufd_object {
	refcount_t users;
	refcount_t lookups;
	enum iommufd_object_type type;
	unsigned int id;
};

/**
 * struct iommufd_ctx - state of one open of /dev/iommu
 * @file: the file it belongs to
 * @objects: id -> object; a reserved id holds XA_ZERO_ENTRY until finalized
 * @destroy_wait: woken when an object's lookup count drops to zero
 * @ioas_creation_lock: keeps new IOAS objects from appearing while
 *			IOMMU_IOAS_CHANGE_PROCESS holds every IOAS locked
 * @account_mode: accounting for pages pinned from now on
 * @groups: emu_group -> struct iommufd_group, for the groups with devices
 *	    bound to this context
 * @mmap_lock: protects @mmaps and @mmap_next_pgoff; a mutex of its own,
 *	       since mmap() takes the object table's lock inside it
 * @mmaps: first page offset -> struct iommufd_mmap, the regions objects
 *	   let userspace mmap() from the file (mmap.c)
 * @mmap_next_pgoff: where the next region's offsets start; offsets are
 *		     never reused, so a stale one cannot reach a new region
 * @id: number shown by the debugfs dump
 * @owner_pid: thread group that opened it, for the dump
 * @node: entry in the list of open contexts (main.c)
 * @vfio_ioas: the IOAS that VFIO's container ioctls act on, or NULL; no
 *	       reference: destroying the IOAS clears it. Protected by the
 *	       lock of @objects.
 */
struct iommufd_ctx {
	struct file *file;
	struct xarray objects;
	struct xarray groups;
	struct mutex mmap_lock;	/* protects mmaps, mmap_next_pgoff */
	struct xarray mmaps;
	unsigned long mmap_next_pgoff;
	wait_queue_head_t destroy_wait;
	struct rw_semaphore ioas_creation_lock;
	u8 account_mode;
	unsigned int id;
	pid_t owner_pid;
	struct list_head node;
	struct iommufd_ioas *vfio_ioas;
};

/**
 * struct iommufd_ucmd - one ioctl in flight
 * @ictx: the context
 * @ubuffer: the user's struct
 * @user_size: the size the user declared
 * @cmd: the kernel copy, zero-extended to the full known size
 */
struct iommufd_ucmd {
	struct iommufd_ctx *ictx;
	void __user *ubuffer;
	u32 user_size;
	void *cmd;
};

int iommufd_ucmd_respond(struct iommufd_ucmd *ucmd, size_t cmd_len);
struct device *iommufd_global_device(void);

/* Object lifetime (main.c) */
struct iommufd_object *_iommufd_object_alloc(struct iommufd_ctx *ictx,
					     size_t size,
					     enum iommufd_object_type type);
/* @type is the object's struct, whose first member must be the header */
#define iommufd_object_alloc(ictx, type, obj_type)                             \
	container_of(_iommufd_object_alloc(ictx,                               \
					   sizeof(type) +                      \
					   BUILD_BUG_ON_ZERO(offsetof(type,    \
								      obj)),   \
					   obj_type),                          \
		     type, obj)
/*
 * The same for a struct whose header is @member of an embedded struct (such
 * as common.obj); it must still be at offset 0, so the cast is exact.
 */
#define __iommufd_object_alloc(ictx, type, member, obj_type)                   \
	((type *)_iommufd_object_alloc(ictx,                                   \
				       sizeof(type) +                          \
				       BUILD_BUG_ON_ZERO(offsetof(type,        \
								  member)),    \
				       obj_type))
void iommufd_object_finalize(struct iommufd_ctx *ictx,
			     struct iommufd_object *obj);
void iommufd_object_abort(struct iommufd_ctx *ictx,
			  struct iommufd_object *obj);
void iommufd_object_abort_and_destroy(struct iommufd_ctx *ictx,
				      struct iommufd_object *obj);
bool iommufd_lock_obj(struct iommufd_object *obj);
struct iommufd_object *iommufd_get_object(struct iommufd_ctx *ictx, u32 id,
					  enum iommufd_object_type type);
void iommufd_put_object(struct iommufd_ctx *ictx, struct iommufd_object *obj);
int iommufd_object_remove(struct iommufd_ctx *ictx, u32 id, bool kernel);
bool iommufd_object_try_get(struct iommufd_ctx *ictx,
			    struct iommufd_object *obj);
void iommufd_object_tombstone(struct iommufd_ctx *ictx,
			      struct iommufd_object *obj);
void iommufd_object_put_user(struct iommufd_ctx *ictx,
			     struct iommufd_object *obj);

/* Regions of memory objects let userspace mmap() (mmap.c) */
int iommufd_mmap_add(struct iommufd_ctx *ictx, struct iommufd_object *owner,
		     phys_addr_t pa, size_t length, unsigned long *offset);
void iommufd_mmap_remove(struct iommufd_ctx *ictx,
			 struct iommufd_object *owner, unsigned long offset);
int iommufd_fops_mmap(struct file *filp, struct vm_area_struct *vma);

/* The IO page table behind an IOAS (io_pagetable.c) */

/**
 * struct io_pagetable - IOVA space of one IOAS
 * @domains_rwsem: protects @domains; held for read while areas are filled
 *		   into or removed from the domains
 * @domains: the IOMMU domains that mirror every area (struct emu_domain)
 * @iova_rwsem: protects the three trees and @iova_alignment
 * @area_itree: mapped ranges (struct iopt_area)
 * @allowed_itree: IOVA ranges userspace asked to keep usable; when non-empty
 *		   automatic IOVA allocation only picks from them
 * @reserved_itree: ranges no mapping may use (struct iopt_reserved)
 * @iova_alignment: every IOVA and length must be a multiple of it
 * @disable_large_pages: IOMMU_OPTION_HUGE_PAGES was set to 0
 * @pinning_accesses: accesses that pin pages; they need PAGE_SIZE alignment
 * @access_list: in-kernel users of the IOAS (struct iommufd_access)
 * @access_lock: protects @access_list
 */
struct io_pagetable {
	struct rw_semaphore domains_rwsem;
	struct xarray domains;
	struct rw_semaphore iova_rwsem;
	struct rb_root_cached area_itree;
	struct rb_root_cached allowed_itree;
	struct rb_root_cached reserved_itree;
	unsigned long iova_alignment;
	bool disable_large_pages;
	unsigned int pinning_accesses;
	struct list_head access_list;
	struct mutex access_lock;	/* protects @access_list */
};

/**
 * struct iopt_area - one mapping in an IOAS
 * @node: the IOVA range [start, last]
 * @pages_node: the page indexes of @pages it covers
 * @iopt: the io_pagetable it lives in
 * @pages: the backing memory; NULL while the area is being set up or torn
 *	   down, which makes unmap of it fail with EBUSY
 * @page_offset: byte offset of the first IOVA inside the first page
 * @iommu_prot: IOMMU_READ / IOMMU_WRITE
 * @num_accesses: pins taken through this area by in-kernel accesses
 * @num_locks: those of @num_accesses that the access will not give back
 *	       on request (a HW queue's pages): unmap fails with EBUSY
 * @prevent_access: unmap is waiting for the accesses to let go
 * @domain_pinned: the area's pages are pinned because domains map them
 */
struct iopt_area {
	struct interval_tree_node node;
	struct interval_tree_node pages_node;
	struct io_pagetable *iopt;
	struct iopt_pages *pages;
	unsigned int page_offset;
	int iommu_prot;
	atomic_t num_accesses;
	atomic_t num_locks;
	bool prevent_access;
	bool domain_pinned;
};

struct iopt_reserved {
	struct interval_tree_node node;
	void *owner;
};

struct iopt_allowed {
	struct interval_tree_node node;
};

static inline unsigned long iopt_area_iova(struct iopt_area *area)
{
	return area->node.start;
}

static inline unsigned long iopt_area_last_iova(struct iopt_area *area)
{
	return area->node.last;
}

static inline unsigned long iopt_area_length(struct iopt_area *area)
{
	return area->node.last - area->node.start + 1;
}

/* Page index inside area->pages that backs @iova */
static inline unsigned long iopt_area_iova_to_index(struct iopt_area *area,
						    unsigned long iova)
{
	return (iova - iopt_area_iova(area) + area->page_offset) / PAGE_SIZE +
	       area->pages_node.start;
}

struct iopt_area *iopt_area_iter_first(struct io_pagetable *iopt,
				       unsigned long start, unsigned long last);
struct iopt_area *iopt_area_iter_next(struct iopt_area *area,
				      unsigned long start, unsigned long last);

void iopt_init_table(struct io_pagetable *iopt);
void iopt_destroy_table(struct io_pagetable *iopt);
int iopt_map_user_pages(struct iommufd_ctx *ictx, struct io_pagetable *iopt,
			unsigned long *iova, void __user *uptr,
			unsigned long length, int iommu_prot, bool alloc_iova);
int iopt_map_file_pages(struct iommufd_ctx *ictx, struct io_pagetable *iopt,
			unsigned long *iova, int fd, unsigned long start,
			unsigned long length, int iommu_prot, bool alloc_iova);
int iopt_copy_range(struct io_pagetable *dst, struct io_pagetable *src,
		    unsigned long src_iova, unsigned long length,
		    unsigned long *dst_iova, int iommu_prot, bool alloc_iova);
int iopt_unmap_iova(struct io_pagetable *iopt, unsigned long iova,
		    unsigned long length, unsigned long *unmapped);
int iopt_unmap_all(struct io_pagetable *iopt, unsigned long *unmapped);
int iopt_set_allow_iova(struct io_pagetable *iopt,
			struct rb_root_cached *allowed_iova);
int iopt_reserve_iova(struct io_pagetable *iopt, unsigned long start,
		      unsigned long last, void *owner);
void iopt_remove_reserved_iova(struct io_pagetable *iopt, void *owner);
int iopt_set_large_pages(struct io_pagetable *iopt, bool enable);
int iopt_cut_iova(struct io_pagetable *iopt, const unsigned long *iovas,
		  unsigned int num_iovas);
int iopt_add_pinning_access(struct io_pagetable *iopt);
int iopt_table_add_domain(struct io_pagetable *iopt, struct emu_domain *domain);
void iopt_table_remove_domain(struct io_pagetable *iopt,
			      struct emu_domain *domain);
void iopt_remove_pinning_access(struct io_pagetable *iopt);
int iopt_set_dirty_tracking(struct io_pagetable *iopt,
			    struct emu_domain *domain, bool enable);
int iopt_read_and_clear_dirty(struct io_pagetable *iopt,
			      struct emu_domain *domain, u64 iova, u64 length,
			      u64 page_size, u64 data, bool clear);

/* The user bitmap of IOMMU_HWPT_GET_DIRTY_BITMAP (dirty_bitmap.c) */

struct iommufd_dirty_bitmap;

struct iommufd_dirty_bitmap *
iommufd_dirty_bitmap_alloc(u64 data, unsigned long iova, unsigned long last,
			   unsigned int pgshift);
struct emu_dirty_bitmap *
iommufd_dirty_bitmap_report(struct iommufd_dirty_bitmap *db);
void iommufd_dirty_bitmap_free(struct iommufd_dirty_bitmap *db);

/* Pinned memory shared by areas (pages.c) */

enum iopt_address_type {
	IOPT_ADDRESS_USER,
	IOPT_ADDRESS_FILE,
	IOPT_ADDRESS_DMABUF,
};

/**
 * struct iopt_pages - a run of user, file or dma-buf memory, pinned on demand
 * @kref: one per area (in any IOAS) that maps part of it
 * @mutex: protects everything below that changes after creation
 * @type: user virtual memory, a file or a dma-buf
 * @uptr: page-aligned start, for IOPT_ADDRESS_USER
 * @file: the file, for IOPT_ADDRESS_FILE
 * @start: page-aligned file offset, for IOPT_ADDRESS_FILE, or offset
 *	   into the buffer, for IOPT_ADDRESS_DMABUF
 * @attach: dynamic attachment to the dma-buf, for IOPT_ADDRESS_DMABUF; holds
 *	    the dma-buf reference and the exporter's pin
 * @dmabuf_phys: physical address of page index 0, for IOPT_ADDRESS_DMABUF
 * @dmabuf_revoked: the exporter took the memory away; never cleared
 * @dmabuf_maps: the (area, domain) pairs that map this memory (struct
 *		 iopt_dmabuf_map), so that a revoke can unmap them all
 * @npages: number of pages covered
 * @writable: the memory may be written through the IOMMU
 * @account_mode: how @npinned is charged
 * @source_mm: the address space @uptr belongs to and that is charged
 * @source_task: task whose RLIMIT_MEMLOCK applies
 * @source_user: user charged in IOPT_PAGES_ACCOUNT_USER mode
 * @npinned: pages currently pinned
 * @last_npinned: pages currently charged (equal to @npinned except inside
 *		  IOMMU_IOAS_CHANGE_PROCESS)
 * @pinned_pfns: index -> PFN for every pinned page
 * @holders_itree: index ranges somebody needs pinned (struct iopt_pin)
 */
struct iopt_pages {
	struct kref kref;
	struct mutex mutex;	/* guards the pinning state below */
	enum iopt_address_type type;
	void __user *uptr;
	struct file *file;
	unsigned long start;
	struct dma_buf_attachment *attach;
	phys_addr_t dmabuf_phys;
	bool dmabuf_revoked;
	struct list_head dmabuf_maps;
	unsigned long npages;
	bool writable;
	u8 account_mode;
	struct mm_struct *source_mm;
	struct task_struct *source_task;
	struct user_struct *source_user;
	unsigned long npinned;
	unsigned long last_npinned;
	struct xarray pinned_pfns;
	struct rb_root_cached holders_itree;
};

/**
 * struct iopt_dmabuf_map - an area of dma-buf memory mapped in a domain
 * @node: entry in iopt_pages::dmabuf_maps, under iopt_pages::mutex
 * @area: the area
 * @domain: one domain of the area's IOAS that holds its mapping
 */
struct iopt_dmabuf_map {
	struct list_head node;
	struct iopt_area *area;
	struct emu_domain *domain;
};

static inline bool iopt_pages_is_dmabuf(struct iopt_pages *pages)
{
	return pages->type == IOPT_ADDRESS_DMABUF;
}

/* A claim on a range of page indexes of one iopt_pages */
struct iopt_pin {
	struct interval_tree_node node;
};

struct iopt_pages *iopt_alloc_user_pages(struct iommufd_ctx *ictx,
					 void __user *uptr,
					 unsigned long length, bool writable);
struct iopt_pages *iopt_alloc_file_pages(struct iommufd_ctx *ictx,
					 struct file *file, unsigned long start,
					 unsigned long length, bool writable);
struct iopt_pages *iopt_alloc_dmabuf_pages(struct iommufd_ctx *ictx,
					   struct dma_buf *dmabuf,
					   unsigned long start,
					   unsigned long length, bool writable);
void iopt_put_pages(struct iopt_pages *pages);
int iopt_pages_pin(struct iopt_pages *pages, unsigned long first,
		   unsigned long last);
void iopt_pages_unpin(struct iopt_pages *pages, unsigned long first,
		      unsigned long last);
int iopt_pages_split_pin(struct iopt_pages *pages, unsigned long first,
			 unsigned long last, unsigned long lhs_last,
			 unsigned long rhs_first);
struct page *iopt_pages_page(struct iopt_pages *pages, unsigned long index);
int iopt_pages_update_pinned(struct iopt_pages *pages, unsigned long npages,
			     bool inc);
void iopt_pages_change_owner(struct iopt_pages *pages);

/* The IOAS object (ioas.c) */

/**
 * struct iommufd_ioas - an IO address space
 * @obj: common header
 * @iopt: its IOVA space and mappings
 * @mutex: protects @hwpt_list
 * @hwpt_list: the paging HWPTs built on it (iommufd_hwpt_paging::ioas_node)
 */
struct iommufd_ioas {
	struct iommufd_object obj;
	struct io_pagetable iopt;
	struct mutex mutex;	/* protects hwpt_list */
	struct list_head hwpt_list;
};

static inline struct iommufd_ioas *iommufd_get_ioas(struct iommufd_ctx *ictx,
						    u32 id)
{
	struct iommufd_object *obj = iommufd_get_object(ictx, id,
							IOMMUFD_OBJ_IOAS);

	if (IS_ERR(obj))
		return ERR_CAST(obj);
	return container_of(obj, struct iommufd_ioas, obj);
}

struct iommufd_ioas *iommufd_ioas_alloc(struct iommufd_ctx *ictx);
void iommufd_ioas_destroy(struct iommufd_object *obj);
int iommufd_ioas_alloc_ioctl(struct iommufd_ucmd *ucmd);
int iommufd_ioas_iova_ranges(struct iommufd_ucmd *ucmd);
int iommufd_ioas_allow_iovas(struct iommufd_ucmd *ucmd);
int iommufd_ioas_map(struct iommufd_ucmd *ucmd);
int iommufd_ioas_map_file(struct iommufd_ucmd *ucmd);
int iommufd_ioas_copy(struct iommufd_ucmd *ucmd);
int iommufd_ioas_unmap(struct iommufd_ucmd *ucmd);
int iommufd_ioas_change_process(struct iommufd_ucmd *ucmd);
int iommufd_ioas_option(struct iommufd_ucmd *ucmd);
int iommufd_option_rlimit_mode(struct iommu_option *cmd,
			       struct iommufd_ctx *ictx);

/* HW page tables (hw_pagetable.c) */

struct iommufd_fault;

/**
 * struct iommufd_hw_pagetable - what every HWPT object has: something a
 *				 device (PASID) can be attached to
 * @obj: common header
 * @domain: the IOMMU domain devices are attached to
 * @fault: the fault queue that page requests routed to @domain go to, or
 *	   NULL; holds a users reference on it
 * @pasid_compat: allocated with IOMMU_HWPT_ALLOC_PASID: it may serve a
 *		  PASID, and the RID while PASIDs of the group are attached
 */
struct iommufd_hw_pagetable {
	struct iommufd_object obj;
	struct emu_domain *domain;
	struct iommufd_fault *fault;
	bool pasid_compat;
};

/**
 * struct iommufd_hwpt_paging - a kernel-managed IO page table of an IOAS
 * @common: the HWPT part
 * @ioas: the IOAS; holds a users reference on it
 * @ioas_node: entry in @ioas's hwpt_list
 * @auto_domain: created by attaching to the IOAS; destroyed with its last
 *		 device, and the only kind attach-to-IOAS reuses
 * @nest_parent: allocated with IOMMU_HWPT_ALLOC_NEST_PARENT
 */
struct iommufd_hwpt_paging {
	struct iommufd_hw_pagetable common;
	struct iommufd_ioas *ioas;
	struct list_head ioas_node;
	bool auto_domain;
	bool nest_parent;
};

/**
 * struct iommufd_hwpt_nested - a stage-1 page table userspace owns, nested
 *				on the stage 2 of a nesting parent
 * @common: the HWPT part
 * @parent: the nesting parent, whose IOAS the stage-1 output addresses are
 * @holder: what it holds a users reference on so that @parent stays: the
 *	    parent itself, or the vIOMMU it was allocated on
 */
struct iommufd_hwpt_nested {
	struct iommufd_hw_pagetable common;
	struct iommufd_hwpt_paging *parent;
	struct iommufd_object *holder;
};

static inline struct iommufd_hwpt_paging *
to_hwpt_paging(struct iommufd_hw_pagetable *hwpt)
{
	return container_of(hwpt, struct iommufd_hwpt_paging, common);
}

static inline struct iommufd_hwpt_nested *
to_hwpt_nested(struct iommufd_hw_pagetable *hwpt)
{
	return container_of(hwpt, struct iommufd_hwpt_nested, common);
}

/* The paging HWPT whose IOAS backs @hwpt: itself, or a nested one's parent */
static inline struct iommufd_hwpt_paging *
iommufd_hwpt_backing(struct iommufd_hw_pagetable *hwpt)
{
	if (hwpt->obj.type == IOMMUFD_OBJ_HWPT_NESTED)
		return to_hwpt_nested(hwpt)->parent;
	return to_hwpt_paging(hwpt);
}

struct iommufd_device;

struct iommufd_hwpt_paging *
iommufd_hwpt_paging_alloc(struct iommufd_ctx *ictx, struct iommufd_ioas *ioas,
			  struct iommufd_device *idev, u32 flags,
			  bool auto_domain, const struct emu_user_data *data);
void iommufd_hwpt_paging_destroy(struct iommufd_object *obj);
void iommufd_hwpt_paging_abort(struct iommufd_object *obj);
int iommufd_hwpt_nested_flags_ok(u32 flags, const struct emu_user_data *data);
struct iommufd_hwpt_nested *
iommufd_hwpt_nested_create(struct iommufd_ctx *ictx,
			   struct iommufd_hwpt_paging *parent,
			   struct iommufd_object *holder, u32 flags,
			   struct emu_domain *domain);
void iommufd_hwpt_nested_destroy(struct iommufd_object *obj);
struct iommufd_hw_pagetable *iommufd_get_hwpt(struct iommufd_ctx *ictx,
					      u32 id);
int iommufd_hwpt_alloc(struct iommufd_ucmd *ucmd);
int iommufd_hwpt_invalidate(struct iommufd_ucmd *ucmd);
int iommufd_hwpt_set_dirty_tracking(struct iommufd_ucmd *ucmd);
int iommufd_hwpt_get_dirty_bitmap(struct iommufd_ucmd *ucmd);

/* Devices and their groups (device.c) */

/**
 * struct iommufd_group - a hardware group as one context sees it
 *
 * Holds which HWPT each PASID of the group is attached to and which
 * devices asked for that: the group's hardware is switched by the first
 * device to attach and released by the last to detach, counted here and
 * never guessed from domain pointers.
 *
 * @kref: one per bound device of the group
 * @lock: serialises attach, replace and detach of the group's devices
 * @ictx: the context
 * @group: the hardware group
 * @pasid_attach: PASID -> struct iommufd_attach
 */
struct iommufd_group {
	struct kref kref;
	struct mutex lock;	/* serialises attach/replace/detach */
	struct iommufd_ctx *ictx;
	struct emu_group *group;
	struct xarray pasid_attach;
};

/**
 * struct iommufd_device - a device bound to a context
 * @obj: common header; the binding driver holds a users reference, so
 *	 IOMMU_DESTROY of a device always fails with EBUSY
 * @ictx: the context
 * @dev: the device
 * @igroup: its group in this context
 * @vdev: its vDEVICE, if any (under @igroup's lock)
 * @destroying: being unbound: no new vDEVICE (under @igroup's lock)
 */
struct iommufd_device {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	struct emu_dev *dev;
	struct iommufd_group *igroup;
	struct iommufd_vdevice *vdev;
	bool destroying;
};

void iommufd_device_destroy(struct iommufd_object *obj);
u32 iommufd_group_fault_dev_id(struct iommufd_ctx *ictx,
			       struct emu_iopf_group *iopf);
int iommufd_get_hw_info(struct iommufd_ucmd *ucmd);

/* Virtual IOMMUs, their devices and queues (viommu.c) */

struct emu_hw_queue;
struct emu_user_data;
struct emu_viommu;

/**
 * struct iommufd_viommu - a virtual IOMMU presented to a guest
 * @obj: common header
 * @ictx: the context
 * @hwpt: the nesting parent it translates through; holds a users reference
 * @core: the IOMMU core's vIOMMU, with the driver's state
 * @veventqs_lock: protects @veventqs; a spinlock, since drivers report
 *		   events where they cannot sleep
 * @veventqs: its vEVENTQs, at most one per type
 */
struct iommufd_viommu {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	struct iommufd_hwpt_paging *hwpt;
	struct emu_viommu *core;
	spinlock_t veventqs_lock;	/* protects veventqs */
	struct list_head veventqs;
};

/**
 * struct iommufd_vdevice - a bound device as a vIOMMU presents it
 * @obj: common header
 * @viommu: the vIOMMU; holds a users reference
 * @idev: the device; holds a users reference, given back early when the
 *	  device is unbound first (the vDEVICE then leaves a tombstone)
 * @virt_id: the guest's ID of the device
 * @added: the core presents the device as @virt_id
 */
struct iommufd_vdevice {
	struct iommufd_object obj;
	struct iommufd_viommu *viommu;
	struct iommufd_device *idev;
	u64 virt_id;
	bool added;
};

/**
 * struct iommufd_hw_queue - a queue a vIOMMU runs in guest memory
 * @obj: common header
 * @viommu: the vIOMMU; holds a users reference
 * @access: pins the queue's pages in the parent's IOAS, locking them
 *	    against unmap
 * @pin_iova: first page-aligned IOVA pinned
 * @pin_length: bytes pinned
 * @core: the IOMMU core's queue, with the driver's state
 */
struct iommufd_hw_queue {
	struct iommufd_object obj;
	struct iommufd_viommu *viommu;
	struct iommufd_access *access;
	unsigned long pin_iova;
	unsigned long pin_length;
	struct emu_hw_queue *core;
};

int iommufd_viommu_alloc_ioctl(struct iommufd_ucmd *ucmd);
void iommufd_viommu_destroy(struct iommufd_object *obj);
struct iommufd_hwpt_nested *
iommufd_viommu_alloc_hwpt_nested(struct iommufd_ctx *ictx,
				 struct iommufd_viommu *viommu,
				 struct iommufd_device *idev, u32 flags,
				 const struct emu_user_data *data);
int iommufd_vdevice_alloc_ioctl(struct iommufd_ucmd *ucmd);
void iommufd_vdevice_destroy(struct iommufd_object *obj);
void iommufd_vdevice_abort(struct iommufd_object *obj);
void iommufd_device_remove_vdev(struct iommufd_device *idev);
int iommufd_hw_queue_alloc_ioctl(struct iommufd_ucmd *ucmd);
void iommufd_hw_queue_destroy(struct iommufd_object *obj);

/* In-kernel users of an IOAS: CPU copies and page pins (access.c) */

/**
 * struct iommufd_access_ops - callbacks of an in-kernel IOAS user
 * @unmap: [iova, iova + length) is being unmapped; the user must release
 *	   every pin it holds there before returning. Only accesses with this
 *	   callback may pin pages, and they make the IOAS PAGE_SIZE aligned.
 */
struct iommufd_access_ops {
	void (*unmap)(void *data, unsigned long iova, unsigned long length);
};

/**
 * struct iommufd_access - an in-kernel user of an IOAS
 *
 * Not an object of the table: its owner (a device, or a test fd) keeps the
 * context's file open, so it always goes away before the context does.
 *
 * @ictx: the context
 * @ioas_lock: protects @ioas and @ioas_unpin
 * @ioas: the IOAS new pins and copies use; holds a users reference on it.
 *	  NULL while iommufd_access_replace() moves the access.
 * @ioas_unpin: the IOAS the pins taken so far belong to
 * @ops: callbacks
 * @data: opaque pointer passed to @ops
 * @locks_areas: an internal access whose pins are never given back on
 *		 request: while it holds them, unmapping the area fails with
 *		 EBUSY
 * @node: entry in the IOAS's access list
 */
struct iommufd_access {
	struct iommufd_ctx *ictx;
	struct mutex ioas_lock;		/* protects @ioas, @ioas_unpin */
	struct iommufd_ioas *ioas;
	struct iommufd_ioas *ioas_unpin;
	const struct iommufd_access_ops *ops;
	void *data;
	bool locks_areas;
	struct list_head node;
};

struct iommufd_access *iommufd_access_create(struct iommufd_ctx *ictx,
					     u32 ioas_id,
					     const struct iommufd_access_ops *ops,
					     void *data);
struct iommufd_access *iommufd_access_create_locking(struct iommufd_ioas *ioas);
void iommufd_access_destroy(struct iommufd_access *access);
int iommufd_access_replace(struct iommufd_access *access, u32 ioas_id);
int iommufd_access_pin_pages(struct iommufd_access *access, unsigned long iova,
			     unsigned long length, struct page **out_pages,
			     bool write);
void iommufd_access_unpin_pages(struct iommufd_access *access,
				unsigned long iova, unsigned long length);
/* Flags of iommufd_access_rw() */
#define IOMMUFD_ACCESS_RW_WRITE		BIT(0)
#define IOMMUFD_ACCESS_RW_KTHREAD	BIT(1)
int iommufd_access_rw(struct iommufd_access *access, unsigned long iova,
		      void *data, size_t length, unsigned int flags);
void iommufd_access_notify_unmap(struct io_pagetable *iopt, unsigned long iova,
				 unsigned long length);

/* VFIO type1 container compatibility (vfio_compat.c) */
int iommufd_vfio_ioas(struct iommufd_ucmd *ucmd);
long iommufd_vfio_ioctl(struct iommufd_ctx *ictx, unsigned int cmd,
			unsigned long arg);

/* Event queues: objects that hand records to userspace (eventq.c) */

/**
 * struct iommufd_eventq - common part of an object read through its own fd
 * @obj: common header. The open file holds a users reference, so the
 *	 object cannot be destroyed (EBUSY) while its fd is open.
 * @ictx: the context; the open file also keeps the context's file alive
 * @filep: the anonymous file behind the fd, NULL until it is created
 * @lock: protects @deliver; a spinlock, so that events can be reported from
 *	  wherever a driver detects them
 * @deliver: records not read yet, oldest first; what a record is belongs
 *	     to the queue's type, which embeds a struct list_head in it
 * @wait_queue: readers and pollers waiting for @deliver to fill
 */
struct iommufd_eventq {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	struct file *filep;
	spinlock_t lock;	/* protects deliver */
	struct list_head deliver;
	wait_queue_head_t wait_queue;
};

void iommufd_eventq_init(struct iommufd_eventq *eventq,
			 struct iommufd_ctx *ictx);
int iommufd_eventq_open_file(struct iommufd_eventq *eventq, const char *name,
			     const struct file_operations *fops);
void iommufd_eventq_push(struct iommufd_eventq *eventq,
			 struct list_head *record);
struct list_head *iommufd_eventq_pop(struct iommufd_eventq *eventq);
void iommufd_eventq_unpop(struct iommufd_eventq *eventq,
			  struct list_head *record);
__poll_t iommufd_eventq_fops_poll(struct file *filep,
				  struct poll_table_struct *wait);
int iommufd_eventq_fops_release(struct inode *inode, struct file *filep);

/*
 * The file operations of one type of event queue: its own read and write
 * (NULL when it takes no writes), the shared poll and release.
 */
#define IOMMUFD_EVENTQ_FOPS(_read, _write)                                     \
	{                                                                      \
		.owner = THIS_MODULE,                                          \
		.read = _read,                                                 \
		.write = _write,                                               \
		.poll = iommufd_eventq_fops_poll,                              \
		.release = iommufd_eventq_fops_release,                        \
		.llseek = no_llseek,                                           \
	}

/**
 * struct iommufd_fault - a queue of page request groups for userspace
 * @common: the event queue; its records are struct emu_iopf_group (by
 *	    their node), complete groups not read yet
 * @mutex: serialises reads, answers and automatic answers, so that a
 *	   group is answered exactly once
 * @response: cookie -> struct emu_iopf_group read but not answered yet
 */
struct iommufd_fault {
	struct iommufd_eventq common;
	struct mutex mutex;	/* serialises reads and answers */
	struct xarray response;
};

int iommufd_veventq_alloc(struct iommufd_ucmd *ucmd);
void iommufd_veventq_destroy(struct iommufd_object *obj);
int iommufd_viommu_report_event(struct iommufd_viommu *viommu, u32 type,
				const void *data, size_t len);

int iommufd_fault_alloc(struct iommufd_ucmd *ucmd);
void iommufd_fault_destroy(struct iommufd_object *obj);
struct iommufd_fault *iommufd_get_fault(struct iommufd_ctx *ictx, u32 id);
int iommufd_fault_iopf_handler(struct emu_iopf_group *iopf);
void iommufd_fault_auto_respond(struct iommufd_hw_pagetable *hwpt,
				struct emu_group *group, u32 pasid,
				struct emu_dev *dev);

/* The test command (selftest.c) */
int iommufd_test(struct iommufd_ucmd *ucmd);
void iommufd_selftest_destroy(struct iommufd_object *obj);

/* The test dma-buf exporter (selftest_dmabuf.c) */
int iommufd_test_dmabuf_get(u32 length, u32 open_flags);
int iommufd_test_dmabuf_revoke(int fd, bool revoked);
int iommufd_test_dmabuf_phys(struct dma_buf *dmabuf, phys_addr_t *phys,
			     size_t *len);

#endif /* IOMMUFD_PRIVATE_H */
