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

int emu_user_data_copy(const struct emu_user_data *data, u32 type, void *dst,
		       size_t size, size_t min_size);

/* Access kinds of a DMA, for emu_domain_ops::translate */
#define EMU_DMA_READ	BIT(0)
#define EMU_DMA_WRITE	BIT(1)

/**
 * struct emu_translation - where one DMA address goes
 * @pa: physical address @iova translates to
 * @len: bytes from @pa on that stay contiguous (to the end of the page or
 *	 block that maps it)
 */
struct emu_translation {
	phys_addr_t pa;
	u64 len;
};

/* What a device's IOMMU can do for it, from emu_iommu_ops::dev_caps */
#define EMU_DEV_CAP_DIRTY_TRACKING	BIT(0)

/* Flags of emu_domain_alloc_paging() */
#define EMU_DOMAIN_NEST_PARENT		BIT(0)
#define EMU_DOMAIN_DIRTY_TRACKING	BIT(1)
#define EMU_DOMAIN_PASID		BIT(2)
#define EMU_DOMAIN_NO_LARGE_PAGES	BIT(3)

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
 * @cache_invalidate_user: carry out @*entry_num invalidation requests of
 *			   @entry_len bytes each at @data (a nested domain's
 *			   or vIOMMU's caches); set *@entry_num to the number
 *			   handled
 * @set_dirty_tracking: start or stop recording DMA writes
 * @read_and_clear_dirty: report the pages of [iova, iova + size) written
 *			  since the last call into @bitmap, one bit per
 *			  2^@pgshift bytes, and forget them unless !@clear
 * @translate: what the hardware does for a DMA of @dev on @pasid at @iova
 *	       with the EMU_DMA_* @access: fill *@out and return 0, or return
 *	       -EIO for a translation or permission fault (the driver reports
 *	       it as its hardware would). Must not sleep.
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
				     const struct emu_user_data *data,
				     u32 entry_len, u32 *entry_num);
	int (*set_dirty_tracking)(struct emu_domain *domain, bool enable);
	int (*read_and_clear_dirty)(struct emu_domain *domain,
				    unsigned long iova, size_t size, bool clear,
				    unsigned long *bitmap,
				    unsigned int pgshift);
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
};

/**
 * struct emu_iommu_ops - what a driver offers for one IOMMU instance
 * @domain_alloc_paging: a new paging domain usable by @dev; EMU_DOMAIN_*
 *			 @flags it cannot honour fail with -EOPNOTSUPP
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
 */
struct emu_iommu_ops {
	struct emu_domain *(*domain_alloc_paging)(struct emu_dev *dev,
						  u32 flags);
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
};

/**
 * struct emu_iommu - one emulated IOMMU instance
 * @name: for logs and debugfs
 * @ops: the driver's operations
 * @blocked_domain: the instance's blocking domain, provided by the driver
 * @max_pasid_log2: PASID width the instance supports (0: none)
 * @node: entry in the list of instances (core.c)
 */
struct emu_iommu {
	const char *name;
	const struct emu_iommu_ops *ops;
	struct emu_domain *blocked_domain;
	unsigned int max_pasid_log2;
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
 */
struct emu_dev {
	const char *name;
	struct emu_iommu *iommu;
	struct emu_group *group;
	u32 id;
	unsigned int pasid_bits;
	void *iommu_priv;
	struct list_head group_node;
};

int emu_iommu_register(struct emu_iommu *iommu);
void emu_iommu_unregister(struct emu_iommu *iommu);

int emu_dev_add(struct emu_dev *dev, u32 group_tag);
void emu_dev_remove(struct emu_dev *dev);

int emu_dev_claim_dma_owner(struct emu_dev *dev, void *owner);
void emu_dev_release_dma_owner(struct emu_dev *dev);

struct emu_domain *emu_domain_alloc_paging(struct emu_dev *dev, u32 flags);
struct emu_domain *emu_domain_alloc_nested(struct emu_dev *dev,
					   struct emu_domain *parent, u32 flags,
					   const struct emu_user_data *data);
int emu_domain_cache_invalidate_user(struct emu_domain *domain,
				     const struct emu_user_data *data,
				     u32 entry_len, u32 *entry_num);
int emu_domain_set_dirty_tracking(struct emu_domain *domain, bool enable);
int emu_domain_read_and_clear_dirty(struct emu_domain *domain,
				    unsigned long iova, size_t size,
				    bool clear, unsigned long *bitmap,
				    unsigned int pgshift);
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
int emu_dev_hw_info(struct emu_dev *dev, void *data, u32 len, u32 *type);
int emu_dev_msi_window(struct emu_dev *dev, u64 *start, u64 *last);
u32 emu_dev_caps(struct emu_dev *dev);

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
 * @cache_invalidate: carry out *@entry_num invalidation requests of
 *		      @entry_len bytes each at @data, for caches the vIOMMU
 *		      owns (e.g. device caches named by virtual ID); set
 *		      *@entry_num to the number handled, also on failure
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
				const struct emu_user_data *data,
				u32 entry_len, u32 *entry_num);
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
				const struct emu_user_data *data,
				u32 entry_len, u32 *entry_num);
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
