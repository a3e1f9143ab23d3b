/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Layer 2: the small IOMMU core of iommufd-emu, the part of Linux's iommu
 * core that 6.1 lacks: device-centric DMA ownership, replace, PASID attach,
 * blocking domains and domains allocated for userspace.
 *
 * Emulated IOMMU drivers (layer 3) register instances with one ops table
 * and implement domains. Endpoints (layer 4) belong to exactly one group;
 * the group is the unit the hardware switches: every device of a group
 * translates through the same domain for a given PASID. The uAPI layer
 * (layer 1) reaches hardware only through the functions declared here.
 */
#ifndef EMU_IOMMU_H
#define EMU_IOMMU_H

#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>

struct emu_dev;
struct emu_domain;
struct emu_group;
struct emu_hw_queue;
struct emu_iommu;
struct emu_viommu;

/* The PASID slot that stands for requests without a PASID */
#define EMU_NO_PASID	0

enum emu_domain_type {
	EMU_DOMAIN_BLOCKED,	/* every DMA faults */
	EMU_DOMAIN_PAGING,	/* kernel-managed IO page table */
	EMU_DOMAIN_NESTED,	/* user-managed stage 1 over a paging parent */
};

/**
 * struct emu_user_data - driver-specific data userspace passed in
 * @type: the uAPI's data type number, which the driver checks
 * @uptr: where it is
 * @len: its length in bytes
 */
struct emu_user_data {
	u32 type;
	const void __user *uptr;
	size_t len;
};

/**
 * struct emu_user_array - an array of driver-specific entries in userspace
 * @type: the uAPI's data type number of every entry, which the driver checks
 * @uptr: the first entry
 * @entry_len: bytes from one entry to the next, as userspace laid them out
 * @entry_num: number of entries; a driver handling the array sets it to how
 *	       many entries it carried out, also when it fails part-way
 */
struct emu_user_array {
	u32 type;
	const void __user *uptr;
	u32 entry_len;
	u32 entry_num;
};

int emu_user_data_copy(const struct emu_user_data *data, u32 type, void *dst,
		       size_t size, size_t min_size);
int emu_user_array_copy(const struct emu_user_array *array, u32 index,
			u32 type, void *dst, size_t size, size_t min_size);

/* Flags of struct emu_page_request */
#define EMU_PRQ_PASID_VALID	BIT(0)	/* @pasid is meaningful */
#define EMU_PRQ_LAST_PAGE	BIT(1)	/* closes its group: answer it now */

/* Access rights a page request asks for */
#define EMU_PRQ_PERM_READ	BIT(0)
#define EMU_PRQ_PERM_WRITE	BIT(1)
#define EMU_PRQ_PERM_EXEC	BIT(2)
#define EMU_PRQ_PERM_PRIV	BIT(3)

/**
 * struct emu_page_request - one page request a device sent to its IOMMU
 * @flags: EMU_PRQ_PASID_VALID, EMU_PRQ_LAST_PAGE
 * @pasid: the PASID the request carries, with EMU_PRQ_PASID_VALID
 * @grpid: the page request group it belongs to
 * @perm: EMU_PRQ_PERM_* wanted
 * @addr: the faulting address
 */
struct emu_page_request {
	u32 flags;
	u32 pasid;
	u32 grpid;
	u32 perm;
	u64 addr;
};

/* What a page request group is finally answered with */
enum emu_page_response {
	EMU_PAGE_RESP_SUCCESS,	/* mapped now: the device retries */
	EMU_PAGE_RESP_INVALID,	/* cannot be resolved: do not retry */
	EMU_PAGE_RESP_FAILURE,	/* the IOMMU could not handle it at all */
};

/**
 * struct emu_iopf_request - one request inside a struct emu_iopf_group
 * @req: the request
 * @node: entry in emu_iopf_group::requests, or in the device's list of
 *	  requests waiting for the last one of their group
 */
struct emu_iopf_request {
	struct emu_page_request req;
	struct list_head node;
};

/**
 * struct emu_iopf_group - a complete page request group, handed to the
 *			   fault handler of the domain it was routed to
 * @dev: the device that sent it
 * @attach_group: @dev's group when it was reported
 * @attach_pasid: the attachment (PASID slot of @attach_group) that routed it
 * @domain: the domain attached there, whose iopf_handler got the group
 * @requests: every request of the group in arrival order, the last one last
 * @nr_requests: how many
 * @last: the request that closed the group (in @requests)
 * @node: for the handler's own bookkeeping, free to use until it answers
 * @cookie: for the handler's own bookkeeping
 * @user_dev_id: for the handler's own bookkeeping
 *
 * The handler owns the group until it calls emu_iopf_group_respond().
 */
struct emu_iopf_group {
	struct emu_dev *dev;
	struct emu_group *attach_group;
	u32 attach_pasid;
	struct emu_domain *domain;
	struct list_head requests;
	unsigned int nr_requests;
	struct emu_iopf_request last;
	struct list_head node;
	u32 cookie;
	u32 user_dev_id;
};

/* Access kinds of a DMA, for emu_domain_ops::translate */
#define EMU_DMA_READ	BIT(0)
#define EMU_DMA_WRITE	BIT(1)

/**
 * struct emu_translation - where one DMA address goes
 * @pa: physical address @iova translates to
 * @len: bytes from @pa on that stay contiguous (to the end of the page or
 *	 block that maps it)
 * @held: a lock the driver took for read so that @pa stays valid beyond
 *	  the domain's own dma_lock (a nested domain: its parent's), or
 *	  NULL; the core releases it once the data is copied
 */
struct emu_translation {
	phys_addr_t pa;
	u64 len;
	struct rw_semaphore *held;
};

/* What a device's IOMMU can do for it, from emu_iommu_ops::dev_caps */
#define EMU_DEV_CAP_DIRTY_TRACKING	BIT(0)

/* Flags of emu_domain_alloc_paging() */
#define EMU_DOMAIN_NEST_PARENT		BIT(0)
#define EMU_DOMAIN_DIRTY_TRACKING	BIT(1)
#define EMU_DOMAIN_PASID		BIT(2)
#define EMU_DOMAIN_NO_LARGE_PAGES	BIT(3)

/**
 * struct emu_dirty_bitmap - where a driver reports written IOVA
 * @record: called for each dirty run [@iova, @iova + @len); may sleep;
 *	    returns 0 or an error that ends the walk (the user's bitmap
 *	    cannot be written)
 *
 * The caller embeds it in its own state; drivers only pass it to
 * emu_dirty_record().
 */
struct emu_dirty_bitmap {
	int (*record)(struct emu_dirty_bitmap *dirty, unsigned long iova,
		      unsigned long len);
};

/**
 * emu_dirty_record() - a driver reports that DMA wrote a run of IOVA
 * @dirty: from emu_domain_ops::read_and_clear_dirty, or NULL (nobody asks)
 * @iova: first IOVA of the page or block
 * @len: its size in bytes
 *
 * Return: 0, or the error that must end the walk.
 */
static inline int emu_dirty_record(struct emu_dirty_bitmap *dirty,
				   unsigned long iova, unsigned long len)
{
	return dirty ? dirty->record(dirty, iova, len) : 0;
}

/**
 * struct emu_domain_ops - what a driver does with one of its domains
 * @attach_prepare: check that @dev may use the domain on @pasid and
 *		    allocate whatever the switch needs; nothing visible may
 *		    change yet. The cookie goes to @attach_commit or
 *		    @attach_abort. A blocking domain's prepare must not fail.
 * @attach_commit: make @dev translate through the domain on @pasid; cannot
 *		   fail. The old translation is replaced in one step, so a
 *		   DMA sees the old domain or the new one, never neither.
 * @attach_abort: release what @attach_prepare allocated
 * @map: map [iova, iova + size) to the physically contiguous @paddr, in
 *	 one call; *@mapped tells how much was mapped, also on failure
 * @unmap: unmap [iova, iova + size); returns the bytes unmapped
 * @iova_to_phys: physical address @iova translates to, 0 if none
 * @cache_invalidate_user: carry out the invalidation requests of @array
 *			   (a nested domain's caches) in order, stopping at
 *			   the first that fails, and set @array->entry_num to
 *			   the number carried out. With no entries it only
 *			   checks @array->type.
 * @set_dirty_tracking: start or stop recording DMA writes; only called for
 *		       domains allocated with EMU_DOMAIN_DIRTY_TRACKING
 * @read_and_clear_dirty: report every mapping of [iova, iova + size) that
 *			  DMA wrote since it was last cleared, whole (one
 *			  emu_dirty_record() per page or block, which may
 *			  reach outside the range), and clear it unless
 *			  !@clear. @dirty may be NULL: only clear. May sleep
 *			  and must not hold spinlocks across
 *			  emu_dirty_record(); when that fails, leave the
 *			  page dirty and return its error.
 * @translate: what the hardware does for a DMA of @dev on @pasid at @iova
 *	       with the EMU_DMA_* @access: fill *@out and return 0, or return
 *	       -EIO for a translation or permission fault (the driver reports
 *	       it as its hardware would), or -EAGAIN for a fault a page
 *	       request may resolve (only when the domain has an
 *	       @iopf_handler): the core then sends one and retries once
 *	       answered. @dev and @pasid are where the request comes from on
 *	       the wire: for a sub-device, its parent and the PASID it holds
 *	       there. Must not sleep.
 * @free: release the domain; no device uses it any more
 */
struct emu_domain_ops {
	int (*attach_prepare)(struct emu_domain *domain, struct emu_dev *dev,
			      u32 pasid, void **cookie);
	void (*attach_commit)(struct emu_domain *domain, struct emu_dev *dev,
			      u32 pasid, void *cookie);
	void (*attach_abort)(struct emu_domain *domain, struct emu_dev *dev,
			     u32 pasid, void *cookie);
	int (*map)(struct emu_domain *domain, unsigned long iova,
		   phys_addr_t paddr, size_t size, int prot, gfp_t gfp,
		   size_t *mapped);
	size_t (*unmap)(struct emu_domain *domain, unsigned long iova,
			size_t size);
	phys_addr_t (*iova_to_phys)(struct emu_domain *domain,
				    unsigned long iova);
	int (*cache_invalidate_user)(struct emu_domain *domain,
				     struct emu_user_array *array);
	int (*set_dirty_tracking)(struct emu_domain *domain, bool enable);
	int (*read_and_clear_dirty)(struct emu_domain *domain,
				    unsigned long iova, size_t size, bool clear,
				    struct emu_dirty_bitmap *dirty);
	int (*translate)(struct emu_domain *domain, struct emu_dev *dev,
			 u32 pasid, u64 iova, unsigned int access,
			 struct emu_translation *out);
	void (*free)(struct emu_domain *domain);
};

/**
 * struct emu_domain - a translation the hardware can be pointed at
 * @type: blocking or paging
 * @ops: the owning driver's operations
 * @iommu: the instance it belongs to; it is only usable there
 * @min_pgsize: the smallest page it maps; IOVAs must be aligned to it
 * @aperture_start: first IOVA it translates
 * @aperture_end: last IOVA it translates
 * @flags: EMU_DOMAIN_* it was allocated with
 * @dma_lock: held for read by DMA while it uses a translation, for write
 *	      by unmap, so that pages are never released under a DMA (the
 *	      emulated IOTLB flush)
 * @iopf_handler: takes the page request groups routed to the domain; set
 *		  by its owner before the domain is first attached. It runs
 *		  under the group's lock and must not sleep on anything an
 *		  attach can hold. Returns 0 when it took the group (and will
 *		  answer it), else an errno and the core answers FAILURE.
 *		  NULL: page requests to the domain are answered INVALID.
 * @iopf_data: for @iopf_handler
 */
struct emu_domain {
	enum emu_domain_type type;
	const struct emu_domain_ops *ops;
	struct emu_iommu *iommu;
	unsigned long min_pgsize;
	u64 aperture_start;
	u64 aperture_end;
	u32 flags;
	struct rw_semaphore dma_lock;
	int (*iopf_handler)(struct emu_iopf_group *group);
	void *iopf_data;
};

/**
 * struct emu_iommu_ops - what a driver offers for one IOMMU instance
 * @domain_alloc_paging: a new paging domain usable by @dev; EMU_DOMAIN_*
 *			 @flags it cannot honour fail with -EOPNOTSUPP
 * @domain_alloc_paging_user: the same, shaped by driver-specific @data
 *			      from userspace (optional)
 * @hw_info: the hardware description userspace gets from
 *	     IOMMU_GET_HW_INFO: write up to @len bytes of the driver's own
 *	     info struct to @data, its IOMMU_HW_INFO_TYPE_* to *@type, and
 *	     return the struct's full size (or a negative errno)
 * @domain_alloc_nested: a user-managed domain described by @data, nested
 *			 on the paging domain @parent of the same instance
 * @viommu_size: bytes of the driver's vIOMMU struct (struct emu_viommu
 *		 first, see EMU_VIOMMU_STRUCT_SIZE()) for a vIOMMU of the
 *		 uAPI's @type usable by @dev; 0 when the driver has no such
 *		 type
 * @viommu_init: set up the driver's part of @viommu, whose core fields
 *		 are filled in; @data is the type's user data, or NULL when
 *		 userspace gave none. On failure the core frees @viommu
 *		 without calling its destroy op.
 * @dev_caps: EMU_DEV_CAP_* the instance offers @dev
 * @msi_window: the device's MSI doorbell window [*@start, *@last], which
 *		DMA can never use as memory; placed as the architecture
 *		places it. Return 0, or -ENOENT when there is none.
 * @probe_dev: optional: set up the driver's per-device state before @dev
 *	       joins its group (so before its first attach); may sleep
 * @release_dev: optional: undo @probe_dev once @dev left its group, every
 *		 PASID blocked
 */
struct emu_iommu_ops {
	struct emu_domain *(*domain_alloc_paging)(struct emu_dev *dev,
						  u32 flags);
	struct emu_domain *(*domain_alloc_paging_user)(struct emu_dev *dev,
						       u32 flags,
						       const struct emu_user_data *data);
	struct emu_domain *(*domain_alloc_nested)(struct emu_dev *dev,
						  struct emu_domain *parent,
						  u32 flags,
						  const struct emu_user_data *data);
	size_t (*viommu_size)(struct emu_dev *dev, u32 type);
	int (*viommu_init)(struct emu_viommu *viommu, struct emu_dev *dev,
			   const struct emu_user_data *data);
	int (*hw_info)(struct emu_dev *dev, void *data, u32 len, u32 *type);
	u32 (*dev_caps)(struct emu_dev *dev);
	int (*msi_window)(struct emu_dev *dev, u64 *start, u64 *last);
	int (*probe_dev)(struct emu_dev *dev);
	void (*release_dev)(struct emu_dev *dev);
};

/**
 * struct emu_iommu - one emulated IOMMU instance
 * @name: for logs and debugfs
 * @ops: the driver's operations
 * @blocked_domain: the instance's blocking domain, provided by the driver
 * @max_pasid_log2: PASID width the instance supports (0: none)
 * @user_pasid_table: the PASID table belongs to the nested domain on the
 *		      RID: a page request or a DMA with a PASID that has no
 *		      attachment of its own goes to a nested domain there
 * @hold: optional, set by whoever created the instance (the platform):
 *	  keep the instance from being removed until @release; may sleep,
 *	  returns 0 or an errno (the instance is going away). Objects that
 *	  outlive the devices behind the instance (vIOMMUs) use it.
 * @release: undo one @hold; never sleeps
 * @holder_priv: for @hold and @release
 * @node: entry in the list of instances (core.c)
 */
struct emu_iommu {
	const char *name;
	const struct emu_iommu_ops *ops;
	struct emu_domain *blocked_domain;
	unsigned int max_pasid_log2;
	bool user_pasid_table;
	int (*hold)(struct emu_iommu *iommu);
	void (*release)(struct emu_iommu *iommu);
	void *holder_priv;
	struct list_head node;
};

/**
 * struct emu_group - devices that the hardware cannot tell apart
 * @lock: serialises every attach, replace, detach and ownership change
 * @devices: the member devices (struct emu_dev::group_node)
 * @ndevices: how many
 * @domains: PASID -> current domain; EMU_NO_PASID is always present
 * @owner: who claimed DMA ownership (an iommufd context), or NULL
 * @owner_cnt: claims by @owner
 * @dma_lock: held for read by DMA, for write while the group switches
 *	      domains, so a DMA sees either the old domain or the new one
 * @tag: devices with the same non-zero tag on an instance share the group
 * @id: unique number of the group
 * @iommu: the instance
 * @node: entry in the list of groups (core.c)
 */
struct emu_group {
	struct mutex lock;	/* see above */
	struct list_head devices;
	unsigned int ndevices;
	struct xarray domains;
	void *owner;
	unsigned int owner_cnt;
	struct rw_semaphore dma_lock;
	u32 tag;
	unsigned int id;
	struct emu_iommu *iommu;
	struct list_head node;
};

/**
 * struct emu_dev - an endpoint as the IOMMU core sees it
 * @name: for logs and debugfs
 * @iommu: the instance translating its DMA
 * @group: its group
 * @id: stream ID or requester ID, unique on the instance
 * @pasid_bits: PASID width the device can issue (0: none)
 * @iommu_priv: the driver's per-device state
 * @group_node: entry in @group's device list
 * @iopf_partial: page requests waiting for the last request of their group
 *		  (struct emu_iopf_request), under @group's lock
 * @iopf_pending: page request groups handed to a fault handler and not
 *		  answered yet
 * @parent: set before emu_dev_add() for a sub-device: the device whose
 *	    requests carry its DMA (same instance), else NULL
 * @parent_pasid: for a sub-device, the PASID of @parent its DMA is tagged
 *		  with (its route); attaching the sub-device's RID attaches
 *		  that PASID of @parent. Set before emu_dev_add(); 0 lets it
 *		  pick the lowest free one and set it here
 * @sub_pasids: PASIDs of this device held by sub-devices (PASID -> the
 *		sub-device); its own user cannot attach them
 * @dma_waits: emulated DMAs waiting for the answer to a page request they
 *	       sent (core.c), under @dma_wait_lock
 * @dma_wait_lock: guards @dma_waits, @dma_waits_closed and @next_prgi
 * @dma_waits_closed: the device is going away: no DMA may wait any more
 * @next_prgi: page request group index of the next DMA that faults
 */
struct emu_dev {
	const char *name;
	struct emu_iommu *iommu;
	struct emu_group *group;
	u32 id;
	unsigned int pasid_bits;
	void *iommu_priv;
	struct list_head group_node;
	struct list_head iopf_partial;
	atomic_t iopf_pending;
	struct emu_dev *parent;
	u32 parent_pasid;
	struct xarray sub_pasids;
	struct list_head dma_waits;
	spinlock_t dma_wait_lock;	/* see above */
	bool dma_waits_closed;
	u32 next_prgi;
};

int emu_iommu_register(struct emu_iommu *iommu);
void emu_iommu_unregister(struct emu_iommu *iommu);

int emu_dev_add(struct emu_dev *dev, u32 group_tag);
void emu_dev_remove(struct emu_dev *dev);

int emu_dev_claim_dma_owner(struct emu_dev *dev, void *owner);
void emu_dev_release_dma_owner(struct emu_dev *dev);

struct emu_domain *emu_domain_alloc_paging(struct emu_dev *dev, u32 flags);
struct emu_domain *
emu_domain_alloc_paging_user(struct emu_dev *dev, u32 flags,
			     const struct emu_user_data *data);
struct emu_domain *emu_domain_alloc_nested(struct emu_dev *dev,
					   struct emu_domain *parent, u32 flags,
					   const struct emu_user_data *data);
int emu_domain_cache_invalidate_user(struct emu_domain *domain,
				     struct emu_user_array *array);
bool emu_domain_can_track_dirty(struct emu_domain *domain);
int emu_domain_set_dirty_tracking(struct emu_domain *domain, bool enable);
int emu_domain_read_and_clear_dirty(struct emu_domain *domain,
				    unsigned long iova, size_t size,
				    bool clear, struct emu_dirty_bitmap *dirty);
void emu_domain_free(struct emu_domain *domain);

int emu_group_set_domain(struct emu_group *group, u32 pasid,
			 struct emu_domain *domain);
void emu_group_block(struct emu_group *group, u32 pasid);
struct emu_domain *emu_group_domain(struct emu_group *group, u32 pasid);

int emu_domain_map(struct emu_domain *domain, unsigned long iova,
		   phys_addr_t paddr, size_t size, int prot, gfp_t gfp);
size_t emu_domain_unmap(struct emu_domain *domain, unsigned long iova,
			size_t size);
phys_addr_t emu_domain_iova_to_phys(struct emu_domain *domain,
				    unsigned long iova);

int emu_dev_dma(struct emu_dev *dev, u32 pasid, u64 iova, void *buf,
		size_t len, bool write);
void emu_dev_stop_dma_waits(struct emu_dev *dev);
bool emu_dev_pasid_is_sub(struct emu_dev *dev, u32 pasid);
int emu_dev_hw_info(struct emu_dev *dev, void *data, u32 len, u32 *type);
int emu_dev_msi_window(struct emu_dev *dev, u64 *start, u64 *last);
u32 emu_dev_caps(struct emu_dev *dev);

int emu_dev_report_page_request(struct emu_dev *dev,
				const struct emu_page_request *req);
void emu_iopf_group_respond(struct emu_iopf_group *group,
			    enum emu_page_response code);

/* Between core.c and iopf.c */
void emu_iopf_drop_partial(struct emu_dev *dev);
void emu_dev_dma_page_response(struct emu_dev *dev,
			       const struct emu_page_request *req,
			       enum emu_page_response code);
/*
 * Virtual IOMMUs (viommu.c).
 *
 * A vIOMMU is the slice of one IOMMU instance that a VMM presents to a
 * guest: it translates through a nesting parent (stage 2) domain, knows the
 * guest's virtual IDs of the devices presented through it, owns caches the
 * guest invalidates, may expose pages of "hardware" userspace maps, reports
 * events, and may run queues in guest memory. The core holds what is the
 * same for every driver; a driver embeds struct emu_viommu first in its own
 * struct and fills in struct emu_viommu_ops.
 *
 * Who allocated the vIOMMU (its owner: the uAPI layer for userspace's
 * vIOMMU objects) provides the services drivers call through the
 * emu_viommu_*() helpers below, so drivers never see the owner itself.
 */

/**
 * struct emu_viommu_host_ops - services the owner of a vIOMMU provides
 * @report_event: hand an event record of the uAPI's queue @type to whoever
 *		  listens for that type; -EOPNOTSUPP when nobody does. Must
 *		  not sleep.
 * @mmap_add: let userspace map the @length bytes of kernel memory at @pa
 *	      (page aligned); *@offset is what it passes to mmap()
 * @mmap_remove: withdraw a region from @mmap_add; existing mappings keep
 *		 the vIOMMU alive, so none is left when this is called
 * @hw_queue_depend: @queue must be destroyed before @on
 * @hw_queue_undepend: undo @hw_queue_depend
 */
struct emu_viommu_host_ops {
	int (*report_event)(struct emu_viommu *viommu, u32 type,
			    const void *data, size_t len);
	int (*mmap_add)(struct emu_viommu *viommu, phys_addr_t pa,
			size_t length, unsigned long *offset);
	void (*mmap_remove)(struct emu_viommu *viommu, unsigned long offset);
	int (*hw_queue_depend)(struct emu_hw_queue *queue,
			       struct emu_hw_queue *on);
	void (*hw_queue_undepend)(struct emu_hw_queue *queue,
				  struct emu_hw_queue *on);
};

/**
 * struct emu_viommu_ops - what a driver does with one of its vIOMMUs
 * @domain_alloc_nested: a stage-1 domain described by @data that
 *			 translates through the vIOMMU (and so its parent),
 *			 usable by @dev; EMU_DOMAIN_* @flags
 * @cache_invalidate: carry out the invalidation requests of @array, for
 *		      caches the vIOMMU owns (e.g. device caches named by
 *		      virtual ID), in order, stopping at the first that fails;
 *		      set @array->entry_num to the number carried out. With
 *		      no entries it only checks @array->type.
 * @vdev_init: optional: @dev is now presented as @virt_id
 * @vdev_destroy: optional: undo @vdev_init
 * @hw_queue_size: bytes of the driver's queue struct (struct emu_hw_queue
 *		   first) for a queue of the uAPI's @type, 0 when the driver
 *		   has no such queue
 * @hw_queue_init: start @queue, whose fields are filled in, as the
 *		   vIOMMU's queue number index; its memory is physically
 *		   contiguous from base_pa. On failure the core frees it.
 * @hw_queue_destroy: stop a queue @hw_queue_init started
 * @destroy: release the driver's part; the core frees the struct
 */
struct emu_viommu_ops {
	struct emu_domain *(*domain_alloc_nested)(struct emu_viommu *viommu,
						  struct emu_dev *dev,
						  u32 flags,
						  const struct emu_user_data *data);
	int (*cache_invalidate)(struct emu_viommu *viommu,
				struct emu_user_array *array);
	int (*vdev_init)(struct emu_viommu *viommu, struct emu_dev *dev,
			 unsigned long virt_id);
	void (*vdev_destroy)(struct emu_viommu *viommu, struct emu_dev *dev,
			     unsigned long virt_id);
	size_t (*hw_queue_size)(struct emu_viommu *viommu, u32 type);
	int (*hw_queue_init)(struct emu_hw_queue *queue);
	void (*hw_queue_destroy)(struct emu_hw_queue *queue);
	void (*destroy)(struct emu_viommu *viommu);
};

/**
 * struct emu_viommu - the core part of a virtual IOMMU
 * @ops: the driver's operations; its viommu_init must set them
 * @iommu: the instance it is a slice of
 * @parent: the nesting parent domain every translation goes through
 * @type: the uAPI's vIOMMU type
 * @vdevs: virtual ID -> struct emu_dev presented through the vIOMMU;
 *	   drivers look devices up under its xa_lock (which a DMA path may
 *	   take: it never sleeps)
 * @host: the owner's services
 * @host_priv: the owner's cookie
 */
struct emu_viommu {
	const struct emu_viommu_ops *ops;
	struct emu_iommu *iommu;
	struct emu_domain *parent;
	u32 type;
	struct xarray vdevs;
	const struct emu_viommu_host_ops *host;
	void *host_priv;
};

/* The size a driver's viommu_size returns: the core struct must be first */
#define EMU_VIOMMU_STRUCT_SIZE(drv_struct, member)                             \
	(sizeof(drv_struct) +                                                  \
	 BUILD_BUG_ON_ZERO(offsetof(drv_struct, member) != 0))

/**
 * struct emu_hw_queue - the core part of a queue a vIOMMU runs in guest
 *			 memory (e.g. a command queue the hardware reads
 *			 directly)
 * @viommu: the vIOMMU
 * @type: the uAPI's queue type
 * @index: the queue's number on the vIOMMU
 * @base_iova: where the queue starts, as an IOVA of the nesting parent
 * @base_pa: the physical address @base_iova translates to; the queue's
 *	     pages are pinned and physically contiguous
 * @length: bytes
 * @host_priv: the owner's cookie
 */
struct emu_hw_queue {
	struct emu_viommu *viommu;
	u32 type;
	u32 index;
	u64 base_iova;
	phys_addr_t base_pa;
	u64 length;
	void *host_priv;
};

/* The size a driver's hw_queue_size returns: the core struct must be first */
#define EMU_HW_QUEUE_STRUCT_SIZE(drv_struct, member)                           \
	(sizeof(drv_struct) +                                                  \
	 BUILD_BUG_ON_ZERO(offsetof(drv_struct, member) != 0))

/* For the owner */
bool emu_viommu_supported(struct emu_dev *dev, u32 type);
struct emu_viommu *emu_viommu_alloc(struct emu_dev *dev,
				    struct emu_domain *parent, u32 type,
				    const struct emu_user_data *data,
				    const struct emu_viommu_host_ops *host,
				    void *host_priv);
void emu_viommu_free(struct emu_viommu *viommu);
int emu_viommu_vdev_add(struct emu_viommu *viommu, struct emu_dev *dev,
			unsigned long virt_id);
void emu_viommu_vdev_remove(struct emu_viommu *viommu, unsigned long virt_id);
struct emu_domain *
emu_viommu_alloc_domain_nested(struct emu_viommu *viommu, struct emu_dev *dev,
			       u32 flags, const struct emu_user_data *data);
int emu_viommu_cache_invalidate(struct emu_viommu *viommu,
				struct emu_user_array *array);
bool emu_hw_queue_supported(struct emu_viommu *viommu, u32 type);
struct emu_hw_queue *emu_hw_queue_alloc(struct emu_viommu *viommu, u32 type,
					u32 index, u64 base_iova,
					phys_addr_t base_pa, u64 length,
					void *host_priv);
void emu_hw_queue_free(struct emu_hw_queue *queue);

/* For drivers */
struct emu_dev *emu_viommu_find_dev(struct emu_viommu *viommu,
				    unsigned long virt_id);
int emu_viommu_dev_virt_id(struct emu_viommu *viommu, struct emu_dev *dev,
			   unsigned long *virt_id);
int emu_viommu_report_event(struct emu_viommu *viommu, u32 type,
			    const void *data, size_t len);
int emu_viommu_mmap_add(struct emu_viommu *viommu, phys_addr_t pa,
			size_t length, unsigned long *offset);
void emu_viommu_mmap_remove(struct emu_viommu *viommu, unsigned long offset);
int emu_hw_queue_depend(struct emu_hw_queue *queue, struct emu_hw_queue *on);
void emu_hw_queue_undepend(struct emu_hw_queue *queue,
			   struct emu_hw_queue *on);

#endif /* EMU_IOMMU_H */
