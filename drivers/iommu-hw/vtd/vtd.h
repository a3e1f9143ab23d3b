/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Emulated Intel VT-d: what vtd.c (the instance, paging domains, the
 * capability registers) and vtd_nested.c (first-stage nesting, the IOTLB)
 * share.
 *
 * The scalable-mode context and PASID tables of a device are its record in
 * hw.c: PASID -> the domain whose PASID-table entry the hardware would hold
 * (no entry: blocked). The entry's contents follow from that domain: a
 * paging domain is second-stage translation with its page table as the
 * second-stage pointer; a nested domain is nested translation with the
 * guest's first-stage pointer, address width and SRE/EAFE/WPE flags over
 * its parent's second stage, tagged with the nested domain's own domain ID.
 */
#ifndef EMU_VTD_H
#define EMU_VTD_H

#include <linux/idr.h>
#include <linux/kref.h>

#include "../hw.h"
#include "../iotlb.h"

/**
 * struct vtd_iommu - one emulated VT-d instance
 * @hw: the part hw.c manages
 * @iotlb: the IOTLB, tagged by domain ID and PASID; holds nested (first-
 *	   and second-stage combined) translations only, second-stage-only
 *	   DMA walks every time
 * @dids: domain IDs of nested domains
 * @ref: the instance itself and each nested domain; a nested HWPT may
 *	 outlive the instance's devices and so the instance
 */
struct vtd_iommu {
	struct emu_hw_iommu hw;
	struct emu_iotlb iotlb;
	struct ida dids;
	struct kref ref;
};

static inline struct vtd_iommu *to_vtd_iommu(struct emu_iommu *iommu)
{
	return container_of(to_emu_hw_iommu(iommu), struct vtd_iommu, hw);
}

/* Domain IDs are 16 bits (CAP.ND = 64Ki); 0 stays unused */
#define VTD_DID_MAX		0xffff

/* IOTLB entries: 4KiB pages, 2MiB and 1GiB blocks */
#define VTD_IOTLB_SIZES		(BIT_ULL(12) | BIT_ULL(21) | BIT_ULL(30))
#define VTD_IOTLB_ENTRIES	1024

struct emu_domain *vtd_domain_alloc_nested(struct emu_dev *dev,
					   struct emu_domain *parent,
					   u32 flags,
					   const struct emu_user_data *data);
void vtd_iommu_put(struct vtd_iommu *vtd);
void vtd_parent_unmapped(struct emu_hw_domain *parent, unsigned long iova,
			 size_t size);

#endif /* EMU_VTD_H */
