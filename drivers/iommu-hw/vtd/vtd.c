// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated Intel VT-d: instance creation, paging domains, the interrupt
 * address range and the capability registers user space sees.
 *
 * Paging domains use the shared second-stage layout, 4- or 5-level from the
 * instance's input width (the first-stage layout on an instance without a
 * second stage). Context and PASID table entries, nesting and fault
 * recording arrive with the VT-d issue; until then a device's context and
 * PASID entries are its record in hw.c, and faults are not reported.
 */
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/err.h>
#include <linux/iommufd.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "../hw.h"

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

static struct emu_domain *vtd_domain_alloc_paging(struct emu_dev *dev,
						  u32 flags)
{
	const struct emu_hw_caps *caps = emu_hw_dev_caps(dev);
	struct emu_pgtable_cfg cfg = {
		.fmt = caps->stage2 ? EMU_PT_VTD_SS : EMU_PT_X86_FS,
		.ias = caps->ias,
		.oas = caps->oas,
	};

	/* Dirty tracking (second-stage A/D, SLADS) is not modelled yet */
	if ((flags & ~VTD_DOMAIN_FLAGS) ||
	    (flags & EMU_DOMAIN_DIRTY_TRACKING))
		return ERR_PTR(-EOPNOTSUPP);
	if ((flags & EMU_DOMAIN_NEST_PARENT) &&
	    (!caps->stage2 || !caps->nesting))
		return ERR_PTR(-EOPNOTSUPP);
	/* PASIDs need scalable mode, which an instance has with PASID bits */
	if ((flags & EMU_DOMAIN_PASID) && !caps->pasid_bits)
		return ERR_PTR(-EOPNOTSUPP);
	if (flags & EMU_DOMAIN_NO_LARGE_PAGES)
		cfg.flags |= EMU_PGTABLE_NO_LARGE_PAGES;

	return emu_hw_domain_alloc_paging(&cfg);
}

static int vtd_msi_window(struct emu_dev *dev, u64 *start, u64 *last)
{
	*start = VTD_MSI_START;
	*last = VTD_MSI_LAST;
	return 0;
}

/*
 * CAP_REG and ECAP_REG consistent with the caps: scalable mode, the stages
 * and address widths of the instance, caching mode (as emulated IOMMUs
 * set it), queued invalidation, coherent walks; no dirty tracking, PRI,
 * ATS, interrupt remapping or pass-through. The VT-d issue refines them
 * with its hardware model (fault-recording and IOTLB register offsets
 * included).
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
	}
	if (caps->stage1) {
		cap |= VTD_CAP_FL1GP;
		if (caps->ias == 57)
			cap |= VTD_CAP_FL5LP;
		ecap |= VTD_ECAP_FLTS;
	}
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

static const struct emu_iommu_ops vtd_iommu_ops = {
	.domain_alloc_paging = vtd_domain_alloc_paging,
	.hw_info = vtd_hw_info,
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
	},
	.ias_widths = BIT_ULL(48) | BIT_ULL(57),
	.oas_widths = GENMASK_ULL(52, 32),
	.max_pasid_bits = 20,
	.max_dev_id = U16_MAX,
	.ias_help = "vtd supports ias 48 (4-level) or 57 (5-level)",
	.oas_help = "vtd supports oas 32 to 52",
	.pasid_help = "vtd supports pasid_bits 0 to 20",
	.dev_id_help = "vtd requester IDs are 16-bit (0 to 0xffff)",
	.ops = &vtd_iommu_ops,
};
