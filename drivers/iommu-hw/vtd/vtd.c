// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated Intel VT-d: instance creation, paging domains, the interrupt
 * address range and the capability registers user space sees.
 *
 * Paging domains use the shared second-stage layout, 4- or 5-level from the
 * instance's input width (the first-stage layout on an instance without a
 * second stage). Nested domains and the IOTLB are in vtd_nested.c; the
 * PASID-table model is described in vtd.h. Fault recording registers are
 * not modelled: a fault fails the DMA, or becomes a page request when the
 * domain has a fault handler.
 */
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/err.h>
#include <linux/iommufd.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vtd.h"

/* Capability register fields (VT-d architecture, CAP_REG) */
#define VTD_CAP_ND		GENMASK_ULL(2, 0)
#define VTD_CAP_ND_64K		6	/* 2^(4 + 2 * 6) domain IDs */
#define VTD_CAP_CM		BIT_ULL(7)
#define VTD_CAP_SAGAW		GENMASK_ULL(12, 8)
#define VTD_CAP_SAGAW_4LVL	BIT(2)
#define VTD_CAP_SAGAW_5LVL	BIT(3)
#define VTD_CAP_MGAW		GENMASK_ULL(21, 16)
#define VTD_CAP_SLLPS		GENMASK_ULL(37, 34)
#define VTD_CAP_SLLPS_2M_1G	3
#define VTD_CAP_PSI		BIT_ULL(39)
#define VTD_CAP_MAMV		GENMASK_ULL(53, 48)
#define VTD_CAP_MAMV_1G		18	/* 2^18 4KiB pages */
#define VTD_CAP_FL1GP		BIT_ULL(56)
#define VTD_CAP_FL5LP		BIT_ULL(60)

/* Extended capability register fields (ECAP_REG) */
#define VTD_ECAP_C		BIT_ULL(0)
#define VTD_ECAP_QI		BIT_ULL(1)
#define VTD_ECAP_NEST		BIT_ULL(26)
#define VTD_ECAP_PRS		BIT_ULL(29)
#define VTD_ECAP_SRS		BIT_ULL(31)
#define VTD_ECAP_EAFS		BIT_ULL(34)
#define VTD_ECAP_SLADS		BIT_ULL(45)
#define VTD_ECAP_PSS		GENMASK_ULL(39, 35)
#define VTD_ECAP_PASID		BIT_ULL(40)
#define VTD_ECAP_SMTS		BIT_ULL(43)
#define VTD_ECAP_SLTS		BIT_ULL(46)
#define VTD_ECAP_FLTS		BIT_ULL(47)
#define VTD_ECAP_SMPWC		BIT_ULL(48)

/* The x86 interrupt address range, where DMA writes are interrupt requests */
#define VTD_MSI_START		0xfee00000ULL
#define VTD_MSI_LAST		0xfeefffffULL

#define VTD_DOMAIN_FLAGS \
	(EMU_DOMAIN_NEST_PARENT | EMU_DOMAIN_DIRTY_TRACKING | \
	 EMU_DOMAIN_PASID | EMU_DOMAIN_NO_LARGE_PAGES)

static u32 vtd_dev_caps(struct emu_dev *dev)
{
	const struct emu_hw_caps *caps = emu_hw_dev_caps(dev);

	return caps->stage2 && caps->dirty_tracking ?
		EMU_DEV_CAP_DIRTY_TRACKING : 0;
}

static struct emu_domain *vtd_domain_alloc_paging(struct emu_dev *dev,
						  u32 flags)
{
	const struct emu_hw_caps *caps = emu_hw_dev_caps(dev);
	struct emu_pgtable_cfg cfg = {
		.fmt = caps->stage2 ? EMU_PT_VTD_SS : EMU_PT_X86_FS,
		.ias = caps->ias,
		.oas = caps->oas,
	};
	struct emu_domain *domain;

	if (flags & ~VTD_DOMAIN_FLAGS)
		return ERR_PTR(-EOPNOTSUPP);
	/* Dirty flags are those of second-stage leaves (SLADS) */
	if ((flags & EMU_DOMAIN_DIRTY_TRACKING) &&
	    !(vtd_dev_caps(dev) & EMU_DEV_CAP_DIRTY_TRACKING))
		return ERR_PTR(-EOPNOTSUPP);
	if ((flags & EMU_DOMAIN_NEST_PARENT) &&
	    (!caps->stage2 || !caps->nesting))
		return ERR_PTR(-EOPNOTSUPP);
	/* PASIDs need scalable mode, which an instance has with PASID bits */
	if ((flags & EMU_DOMAIN_PASID) && !caps->pasid_bits)
		return ERR_PTR(-EOPNOTSUPP);
	if (flags & EMU_DOMAIN_NO_LARGE_PAGES)
		cfg.flags |= EMU_PGTABLE_NO_LARGE_PAGES;

	domain = emu_hw_domain_alloc_paging(&cfg);
	/* Nested translations cached in the IOTLB lead to its pages */
	if (!IS_ERR(domain) && (flags & EMU_DOMAIN_NEST_PARENT))
		to_emu_hw_domain(domain)->unmap_notify = vtd_parent_unmapped;
	return domain;
}

static int vtd_msi_window(struct emu_dev *dev, u64 *start, u64 *last)
{
	*start = VTD_MSI_START;
	*last = VTD_MSI_LAST;
	return 0;
}

/*
 * CAP_REG and ECAP_REG consistent with the caps: scalable mode, the stages
 * and address widths of the instance (first-stage 5-level paging exactly
 * when the input width is 57 bits), caching mode (as emulated IOMMUs set
 * it), queued invalidation, coherent walks, and the first-stage options
 * (1GiB pages, supervisor requests, extended-accessed flag) and page
 * requests and second-stage dirty tracking as configured; no ATS,
 * interrupt remapping, pass-through or register offsets (no register file
 * is emulated).
 */
static int vtd_hw_info(struct emu_dev *dev, void *data, u32 len, u32 *type)
{
	const struct emu_hw_caps *caps = emu_hw_dev_caps(dev);
	struct iommu_hw_info_vtd info = {};
	u64 cap, ecap;

	cap = FIELD_PREP(VTD_CAP_ND, VTD_CAP_ND_64K) | VTD_CAP_CM |
	      FIELD_PREP(VTD_CAP_MGAW, caps->ias - 1) | VTD_CAP_PSI |
	      FIELD_PREP(VTD_CAP_MAMV, VTD_CAP_MAMV_1G);
	ecap = VTD_ECAP_C | VTD_ECAP_QI | VTD_ECAP_SMTS | VTD_ECAP_SMPWC;
	if (caps->stage2) {
		cap |= FIELD_PREP(VTD_CAP_SAGAW, caps->ias == 57 ?
				  VTD_CAP_SAGAW_5LVL : VTD_CAP_SAGAW_4LVL) |
		       FIELD_PREP(VTD_CAP_SLLPS, VTD_CAP_SLLPS_2M_1G);
		ecap |= VTD_ECAP_SLTS;
		if (caps->dirty_tracking)
			ecap |= VTD_ECAP_SLADS;
	}
	if (caps->stage1) {
		if (caps->fs_1g)
			cap |= VTD_CAP_FL1GP;
		if (caps->ias == 57)
			cap |= VTD_CAP_FL5LP;
		ecap |= VTD_ECAP_FLTS;
		if (caps->sre)
			ecap |= VTD_ECAP_SRS;
		if (caps->eafe)
			ecap |= VTD_ECAP_EAFS;
	}
	if (caps->prs)
		ecap |= VTD_ECAP_PRS;
	if (caps->nesting)
		ecap |= VTD_ECAP_NEST;
	if (caps->pasid_bits)
		ecap |= VTD_ECAP_PASID |
			FIELD_PREP(VTD_ECAP_PSS, caps->pasid_bits - 1);
	info.cap_reg = cap;
	info.ecap_reg = ecap;

	memcpy(data, &info, min_t(u32, len, sizeof(info)));
	*type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
	return sizeof(info);
}

static struct emu_hw_iommu *vtd_alloc(const struct emu_hw_caps *caps)
{
	struct vtd_iommu *vtd = kzalloc(sizeof(*vtd), GFP_KERNEL);

	if (!vtd)
		return NULL;
	if (emu_iotlb_init(&vtd->iotlb, VTD_IOTLB_ENTRIES, VTD_IOTLB_SIZES)) {
		kfree(vtd);
		return NULL;
	}
	ida_init(&vtd->dids);
	kref_init(&vtd->ref);
	return &vtd->hw;
}

static void vtd_release(struct kref *ref)
{
	struct vtd_iommu *vtd = container_of(ref, struct vtd_iommu, ref);

	emu_iotlb_destroy(&vtd->iotlb);
	ida_destroy(&vtd->dids);
	kfree(vtd);
}

/**
 * vtd_iommu_put() - drop a reference to an instance
 * @vtd: the instance
 */
void vtd_iommu_put(struct vtd_iommu *vtd)
{
	kref_put(&vtd->ref, vtd_release);
}

/* Unregistered; what remains lives on until its last nested domain goes */
static void vtd_free(struct emu_hw_iommu *hw)
{
	vtd_iommu_put(container_of(hw, struct vtd_iommu, hw));
}

static const struct emu_iommu_ops vtd_iommu_ops = {
	.domain_alloc_paging = vtd_domain_alloc_paging,
	.domain_alloc_nested = vtd_domain_alloc_nested,
	.hw_info = vtd_hw_info,
	.dev_caps = vtd_dev_caps,
	.msi_window = vtd_msi_window,
};

/*
 * Input widths are those of the page-table levels the shared x86-64 code
 * models: 48 bits (4-level) and 57 bits (5-level); the 3-level 39-bit
 * format is not offered. The output width is the host address width, 32
 * to 52 bits. PASIDs are at most 20 bits wide (ECAP.PSS); device IDs are
 * 16-bit PCI requester IDs (bus, device, function).
 */
const struct emu_hw_driver emu_vtd_driver = {
	.type = "vtd",
	.defaults = {
		.ias = 48,
		.oas = 48,
		.stage1 = true,
		.stage2 = true,
		.nesting = true,
		.pasid_bits = 20,
		.fs_1g = true,
		.sre = true,
		.eafe = true,
		.prs = true,
	},
	.ias_widths = BIT_ULL(48) | BIT_ULL(57),
	.oas_widths = GENMASK_ULL(52, 32),
	.max_pasid_bits = 20,
	.vtd_features = true,
	.max_dev_id = U16_MAX,
	.ias_help = "vtd supports ias 48 (4-level) or 57 (5-level)",
	.oas_help = "vtd supports oas 32 to 52",
	.pasid_help = "vtd supports pasid_bits 0 to 20",
	.dev_id_help = "vtd requester IDs are 16-bit (0 to 0xffff)",
	.ops = &vtd_iommu_ops,
	.alloc = vtd_alloc,
	.free = vtd_free,
};
