/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Layer 3 entry point: build an emulated IOMMU instance of a given hardware
 * type from a set of capabilities, and check such a set before trying.
 *
 * The platform (layer 4) only uses the emu_hw_*() functions; the
 * struct emu_hw_driver part below is the contract between hw.c and the
 * individual drivers (smmuv3/, vtd/).
 */
#ifndef EMU_HW_H
#define EMU_HW_H

#include <linux/container_of.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "../iommu/emu_iommu.h"
#include "pgtable/emu_pgtable.h"

/* Longest hardware type name ("smmuv3", "vtd"), without the NUL */
#define EMU_HW_TYPE_MAX		15
/* Widest PASID any type supports */
#define EMU_HW_MAX_PASID_BITS	20

/**
 * struct emu_hw_caps - what an emulated IOMMU instance can do
 * @ias: input address width in bits (IOVA size of the instance's tables)
 * @oas: output address width in bits (physical address size)
 * @stage1: first-stage (SMMUv3 stage 1, VT-d first-stage) translation
 * @stage2: second-stage (SMMUv3 stage 2, VT-d second-stage) translation
 * @nesting: both stages combined for one device; needs @stage1 and @stage2
 * @pasid_bits: PASID width (SMMUv3: SubstreamID bits); 0 for none
 * @asid_bits: SMMUv3: ASID width, 8 or 16; 0 on types without ASIDs
 * @vmid_bits: SMMUv3: VMID width, 8 or 16; 0 on types without VMIDs
 * @ats: SMMUv3: the instance supports ATS (and so ATC invalidations)
 * @ril: SMMUv3: range invalidations (SMMUv3.2 RIL)
 * @fs_1g: VT-d: first-stage tables may map 1GiB pages (CAP.FL1GP)
 * @sre: VT-d: first-stage supervisor requests (ECAP.SRS), which nested
 *	 domains may enable with their SRE and WPE flags
 * @eafe: VT-d: the first-stage extended-accessed flag (ECAP.EAFS)
 * @prs: VT-d: page requests (ECAP.PRS); reported only, faults of the
 *	 emulated DMA become page requests either way
 * @dirty_tracking: VT-d: second-stage accessed/dirty flags (ECAP.SLADS),
 *		    so paging domains can track dirty pages
 *
 * A type that lacks one of the type-specific capabilities only accepts 0
 * for it.
 */
struct emu_hw_caps {
	u32 ias;
	u32 oas;
	bool stage1;
	bool stage2;
	bool nesting;
	u32 pasid_bits;
	u32 asid_bits;
	u32 vmid_bits;
	bool ats;
	bool ril;
	bool fs_1g;
	bool sre;
	bool eafe;
	bool prs;
	bool dirty_tracking;
};

/**
 * enum emu_hw_cap - one field of struct emu_hw_caps, for emu_hw_check_cap()
 * @EMU_HW_CAP_IAS: &emu_hw_caps.ias
 * @EMU_HW_CAP_OAS: &emu_hw_caps.oas
 * @EMU_HW_CAP_STAGE1: &emu_hw_caps.stage1
 * @EMU_HW_CAP_STAGE2: &emu_hw_caps.stage2
 * @EMU_HW_CAP_NESTING: &emu_hw_caps.nesting
 * @EMU_HW_CAP_PASID_BITS: &emu_hw_caps.pasid_bits
 * @EMU_HW_CAP_ASID_BITS: &emu_hw_caps.asid_bits
 * @EMU_HW_CAP_VMID_BITS: &emu_hw_caps.vmid_bits
 * @EMU_HW_CAP_ATS: &emu_hw_caps.ats
 * @EMU_HW_CAP_RIL: &emu_hw_caps.ril
 * @EMU_HW_CAP_FS_1G: &emu_hw_caps.fs_1g
 * @EMU_HW_CAP_SRE: &emu_hw_caps.sre
 * @EMU_HW_CAP_EAFE: &emu_hw_caps.eafe
 * @EMU_HW_CAP_PRS: &emu_hw_caps.prs
 * @EMU_HW_CAP_DIRTY_TRACKING: &emu_hw_caps.dirty_tracking
 */
enum emu_hw_cap {
	EMU_HW_CAP_IAS,
	EMU_HW_CAP_OAS,
	EMU_HW_CAP_STAGE1,
	EMU_HW_CAP_STAGE2,
	EMU_HW_CAP_NESTING,
	EMU_HW_CAP_PASID_BITS,
	EMU_HW_CAP_ASID_BITS,
	EMU_HW_CAP_VMID_BITS,
	EMU_HW_CAP_ATS,
	EMU_HW_CAP_RIL,
	EMU_HW_CAP_FS_1G,
	EMU_HW_CAP_SRE,
	EMU_HW_CAP_EAFE,
	EMU_HW_CAP_PRS,
	EMU_HW_CAP_DIRTY_TRACKING,
};

int emu_hw_default_caps(const char *type, struct emu_hw_caps *caps);
int emu_hw_check_cap(const char *type, enum emu_hw_cap cap, u32 value,
		     const char **reason);
int emu_hw_check_caps(const char *type, const struct emu_hw_caps *caps,
		      const char **reason);
int emu_hw_check_dev_id(const char *type, u32 id, const char **reason);
struct emu_iommu *emu_hw_create(const char *type, const char *name,
				const struct emu_hw_caps *caps);
void emu_hw_destroy(struct emu_iommu *iommu);

/* ---- Between hw.c and the drivers ---- */

struct emu_hw_driver;

/**
 * struct emu_hw_iommu - the part of a driver's instance that hw.c manages
 * @iommu: what the IOMMU core sees; its name is owned by hw.c
 * @drv: the driver that created it
 * @caps: the capabilities it was created with
 * @blocked: the blocking domain (a device on it has no record in its
 *	     struct emu_hw_dev)
 *
 * Drivers embed this in their own instance struct.
 */
struct emu_hw_iommu {
	struct emu_iommu iommu;
	const struct emu_hw_driver *drv;
	struct emu_hw_caps caps;
	struct emu_domain blocked;
};

/**
 * struct emu_hw_driver - one emulated hardware type
 * @type: the name user space writes to select it
 * @defaults: capabilities of a new instance until user space changes them
 * @ias_widths: bit N set: an input address width of N bits is supported
 * @oas_widths: bit N set: an output address width of N bits is supported
 * @max_pasid_bits: widest PASID (SubstreamID) the type can have
 * @id_widths: bit N set: ASIDs and VMIDs of N bits are supported; 0 for a
 *	       type without them (only 0 is accepted then)
 * @smmu_features: the type has the SMMUv3 ats and ril capabilities (else
 *		   only 0 is accepted for them)
 * @vtd_features: the type has the VT-d fs_1g, sre, eafe, prs and
 *		  dirty_tracking capabilities (else only 0 is accepted)
 * @max_dev_id: largest device ID (StreamID, requester ID) on an instance
 * @ias_help: one line naming the supported input widths, for refusals
 * @oas_help: one line naming the supported output widths, for refusals
 * @pasid_help: one line naming the supported PASID widths, for refusals
 * @dev_id_help: one line naming the supported device IDs, for refusals
 * @id_help: one line naming the supported ASID/VMID widths, for refusals
 * @ops: the instance operations given to the IOMMU core
 * @alloc: optional; a new instance embedding struct emu_hw_iommu, or NULL
 *	   when out of memory. Without it hw.c allocates a bare
 *	   struct emu_hw_iommu. hw.c fills in the rest (ops, blocking
 *	   domain, caps) and registers it.
 * @free: release what @alloc returned, after it was unregistered; required
 *	  with @alloc
 * @dev_attached: optional: the shared blocking or paging @domain is now
 *		  what @dev uses on @pasid (called from their attach_commit,
 *		  group lock held, DMA excluded); must not fail
 */
struct emu_hw_driver {
	const char *type;
	struct emu_hw_caps defaults;
	u64 ias_widths;
	u64 oas_widths;
	u32 max_pasid_bits;
	u64 id_widths;
	bool smmu_features;
	bool vtd_features;
	u32 max_dev_id;
	const char *ias_help;
	const char *oas_help;
	const char *pasid_help;
	const char *dev_id_help;
	const char *id_help;
	const struct emu_iommu_ops *ops;
	struct emu_hw_iommu *(*alloc)(const struct emu_hw_caps *caps);
	void (*free)(struct emu_hw_iommu *hw);
	void (*dev_attached)(struct emu_dev *dev, u32 pasid,
			     struct emu_domain *domain);
};

extern const struct emu_hw_driver emu_smmuv3_driver;
extern const struct emu_hw_driver emu_vtd_driver;

static inline struct emu_hw_iommu *to_emu_hw_iommu(struct emu_iommu *iommu)
{
	return container_of(iommu, struct emu_hw_iommu, iommu);
}

/* The capabilities of the instance @dev sits behind */
static inline const struct emu_hw_caps *emu_hw_dev_caps(struct emu_dev *dev)
{
	return &to_emu_hw_iommu(dev->iommu)->caps;
}

/**
 * struct emu_hw_domain - a paging domain on one of the shared formats
 * @domain: what the IOMMU core sees
 * @pt: the page table
 * @wcfg: how the emulated hardware walks @pt (a nested walk uses it for
 *	  the second stage)
 * @pt_lock: serialises map, unmap and reclaim of @pt (walks need no lock)
 * @hw_id: free for the driver: the tag its caches use for the domain (the
 *	   SMMUv3 VMID or ASID, the VT-d domain ID)
 * @unmap_notify: optional, set by the driver: called after each unmap with
 *		  the domain's dma_lock held for write, before the unmapped
 *		  pages are released, so that cached translations leading to
 *		  them can be dropped; also after dirty flags were cleared
 *		  and when dirty tracking is switched, so that cached
 *		  writable translations set them again
 * @release: optional, set by the driver: called when the domain is freed,
 *	     before its tables go, to release @hw_id and @drv_priv
 * @drv_priv: free for the driver
 * @dirty_tracking: DMA writes set the dirty flags of the leaves they use
 *		    (only on a format that has them, for a domain allocated
 *		    with EMU_DOMAIN_DIRTY_TRACKING)
 */
struct emu_hw_domain {
	struct emu_domain domain;
	struct emu_pgtable *pt;
	struct emu_pt_walk_cfg wcfg;
	struct mutex pt_lock;	/* see above */
	u32 hw_id;
	void (*unmap_notify)(struct emu_hw_domain *hdom, unsigned long iova,
			     size_t size);
	void (*release)(struct emu_hw_domain *hdom);
	void *drv_priv;
	bool dirty_tracking;
};

static inline struct emu_hw_domain *to_emu_hw_domain(struct emu_domain *domain)
{
	return container_of(domain, struct emu_hw_domain, domain);
}

struct emu_domain *emu_hw_domain_alloc_paging(const struct emu_pgtable_cfg *cfg);
int emu_hw_domain_walk(struct emu_hw_domain *hdom, u64 iova,
		       unsigned int pt_access, struct emu_pt_walk_result *res);
bool emu_hw_is_paging_domain(struct emu_domain *domain);
struct emu_domain *emu_hw_dev_domain(struct emu_dev *dev, u32 pasid);
bool emu_hw_dev_pasids_in_use(struct emu_dev *dev);
void emu_hw_dev_forget(struct emu_dev *dev, u32 pasid);
int emu_hw_attach_prepare(struct emu_domain *domain, struct emu_dev *dev,
			  u32 pasid, void **cookie);
void emu_hw_attach_commit(struct emu_domain *domain, struct emu_dev *dev,
			  u32 pasid, void *cookie);
void emu_hw_attach_abort(struct emu_domain *domain, struct emu_dev *dev,
			 u32 pasid, void *cookie);

#endif /* EMU_HW_H */
