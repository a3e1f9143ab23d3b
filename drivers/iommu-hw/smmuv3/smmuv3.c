// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated Arm SMMUv3: instance creation, paging domains, the MSI window
 * and the ID registers user space sees.
 *
 * Paging domains use the shared VMSAv8-64 formats with the 4KiB granule:
 * stage 1 when the instance has it, stage 2 for nest parents (or when
 * stage 1 is absent). Stream table entries, context descriptors, nesting
 * and the event queue arrive with the SMMUv3 issue; until then a device's
 * "STE" is its record in hw.c, and faults are not reported.
 */
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/err.h>
#include <linux/iommufd.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "../hw.h"

/* ID register fields (SMMUv3 architecture, SMMU_IDR0..5) */
#define SMMU_IDR0_S2P			BIT(0)
#define SMMU_IDR0_S1P			BIT(1)
#define SMMU_IDR0_TTF			GENMASK(3, 2)
#define SMMU_IDR0_TTF_AARCH64		2
#define SMMU_IDR0_COHACC		BIT(4)
#define SMMU_IDR0_ASID16		BIT(12)
#define SMMU_IDR0_VMID16		BIT(18)
#define SMMU_IDR0_CD2L			BIT(19)
#define SMMU_IDR0_TTENDIAN		GENMASK(22, 21)
#define SMMU_IDR0_TTENDIAN_LE		2
#define SMMU_IDR0_STALL_MODEL		GENMASK(25, 24)
#define SMMU_IDR0_STALL_MODEL_NONE	1
#define SMMU_IDR0_ST_LEVEL		GENMASK(28, 27)
#define SMMU_IDR0_ST_LEVEL_2LVL		1

#define SMMU_IDR1_SIDSIZE		GENMASK(5, 0)
#define SMMU_IDR1_SSIDSIZE		GENMASK(10, 6)
#define SMMU_IDR1_EVENTQS		GENMASK(20, 16)
#define SMMU_IDR1_CMDQS			GENMASK(25, 21)

#define SMMU_IDR5_OAS			GENMASK(2, 0)
#define SMMU_IDR5_GRAN4K		BIT(4)

/* Queue sizes advertised, log2 of entries; the SMMUv3 issue models them */
#define SMMUV3_QUEUE_LOG2		8

/* Where Linux places the software MSI window on Arm (MSI_IOVA_BASE) */
#define SMMUV3_MSI_IOVA_BASE		0x8000000ULL
#define SMMUV3_MSI_IOVA_LENGTH		0x100000ULL

#define SMMUV3_DOMAIN_FLAGS \
	(EMU_DOMAIN_NEST_PARENT | EMU_DOMAIN_DIRTY_TRACKING | \
	 EMU_DOMAIN_PASID | EMU_DOMAIN_NO_LARGE_PAGES)

static struct emu_domain *smmuv3_domain_alloc_paging(struct emu_dev *dev,
						     u32 flags)
{
	const struct emu_hw_caps *caps = emu_hw_dev_caps(dev);
	struct emu_pgtable_cfg cfg = {
		.ias = caps->ias,
		.oas = caps->oas,
	};

	/* Dirty tracking (HTTU) is not modelled yet */
	if ((flags & ~SMMUV3_DOMAIN_FLAGS) ||
	    (flags & EMU_DOMAIN_DIRTY_TRACKING))
		return ERR_PTR(-EOPNOTSUPP);

	if (flags & EMU_DOMAIN_NEST_PARENT) {
		if (!caps->stage2 || !caps->nesting)
			return ERR_PTR(-EOPNOTSUPP);
		cfg.fmt = EMU_PT_ARM_S2;
	} else {
		cfg.fmt = caps->stage1 ? EMU_PT_ARM_S1 : EMU_PT_ARM_S2;
	}
	/* SubstreamIDs select context descriptors: stage-1 domains only */
	if ((flags & EMU_DOMAIN_PASID) &&
	    (!caps->pasid_bits || cfg.fmt != EMU_PT_ARM_S1))
		return ERR_PTR(-EOPNOTSUPP);
	if (flags & EMU_DOMAIN_NO_LARGE_PAGES)
		cfg.flags |= EMU_PGTABLE_NO_LARGE_PAGES;

	return emu_hw_domain_alloc_paging(&cfg);
}

static int smmuv3_msi_window(struct emu_dev *dev, u64 *start, u64 *last)
{
	*start = SMMUV3_MSI_IOVA_BASE;
	*last = SMMUV3_MSI_IOVA_BASE + SMMUV3_MSI_IOVA_LENGTH - 1;
	return 0;
}

/* The IDR5.OAS encoding of an output size the driver accepts */
static u32 smmuv3_oas_field(u32 oas)
{
	switch (oas) {
	case 32:
		return 0;
	case 36:
		return 1;
	case 40:
		return 2;
	case 42:
		return 3;
	case 44:
		return 4;
	default:
		return 5;	/* 48 */
	}
}

/*
 * ID registers consistent with the caps: what the emulation does today
 * (AArch64 tables, 4KiB granule, little-endian, coherent, no stalls, no
 * PRI/ATS/HTTU). The SMMUv3 issue refines them with its hardware model.
 */
static int smmuv3_hw_info(struct emu_dev *dev, void *data, u32 len, u32 *type)
{
	const struct emu_hw_caps *caps = emu_hw_dev_caps(dev);
	struct iommu_hw_info_arm_smmuv3 info = {};

	info.idr[0] = FIELD_PREP(SMMU_IDR0_TTF, SMMU_IDR0_TTF_AARCH64) |
		      SMMU_IDR0_COHACC | SMMU_IDR0_ASID16 |
		      FIELD_PREP(SMMU_IDR0_TTENDIAN, SMMU_IDR0_TTENDIAN_LE) |
		      FIELD_PREP(SMMU_IDR0_STALL_MODEL,
				 SMMU_IDR0_STALL_MODEL_NONE) |
		      FIELD_PREP(SMMU_IDR0_ST_LEVEL, SMMU_IDR0_ST_LEVEL_2LVL);
	if (caps->stage1)
		info.idr[0] |= SMMU_IDR0_S1P;
	if (caps->stage2)
		info.idr[0] |= SMMU_IDR0_S2P | SMMU_IDR0_VMID16;
	if (caps->pasid_bits)
		info.idr[0] |= SMMU_IDR0_CD2L;

	info.idr[1] = FIELD_PREP(SMMU_IDR1_SIDSIZE, 32) |
		      FIELD_PREP(SMMU_IDR1_SSIDSIZE, caps->pasid_bits) |
		      FIELD_PREP(SMMU_IDR1_EVENTQS, SMMUV3_QUEUE_LOG2) |
		      FIELD_PREP(SMMU_IDR1_CMDQS, SMMUV3_QUEUE_LOG2);
	info.idr[5] = FIELD_PREP(SMMU_IDR5_OAS, smmuv3_oas_field(caps->oas)) |
		      SMMU_IDR5_GRAN4K;
	/* IIDR 0: no implementer, so no implementation errata apply */
	info.iidr = 0;
	info.aidr = 0;		/* SMMUv3.0 */

	memcpy(data, &info, min_t(u32, len, sizeof(info)));
	*type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3;
	return sizeof(info);
}

static const struct emu_iommu_ops smmuv3_iommu_ops = {
	.domain_alloc_paging = smmuv3_domain_alloc_paging,
	.hw_info = smmuv3_hw_info,
	.msi_window = smmuv3_msi_window,
};

/*
 * Widths follow the architecture, limited to what the shared LPAE code
 * models: stage-1 input sizes from 32 to 48 bits with the 4K granule, and
 * the IDR5.OAS encodings up to 48 bits (no 52-bit output addresses).
 * SubstreamIDs are at most 20 bits wide (IDR1.SSIDSIZE), StreamIDs at
 * most 32 (IDR1.SIDSIZE).
 */
const struct emu_hw_driver emu_smmuv3_driver = {
	.type = "smmuv3",
	.defaults = {
		.ias = 48,
		.oas = 48,
		.stage1 = true,
		.stage2 = true,
		.nesting = true,
		.pasid_bits = 20,
	},
	.ias_widths = GENMASK_ULL(48, 32),
	.oas_widths = BIT_ULL(32) | BIT_ULL(36) | BIT_ULL(40) | BIT_ULL(42) |
		      BIT_ULL(44) | BIT_ULL(48),
	.max_pasid_bits = 20,
	.max_dev_id = U32_MAX,
	.ias_help = "smmuv3 supports ias 32 to 48",
	.oas_help = "smmuv3 supports oas 32, 36, 40, 42, 44 or 48",
	.pasid_help = "smmuv3 supports pasid_bits 0 to 20",
	.dev_id_help = "smmuv3 StreamIDs are 32-bit",
	.ops = &smmuv3_iommu_ops,
};
