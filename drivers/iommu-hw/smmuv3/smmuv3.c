// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated Arm SMMUv3: instance creation and the blocking domain.
 *
 * This is the minimal driver the platform needs to build a topology. Paging
 * domains, stream table entries, context descriptors and the event queue
 * arrive with the SMMUv3 issue; until then every device behind an SMMUv3
 * instance sits on the blocking domain (an STE that aborts every request).
 */
#include <linux/err.h>
#include <linux/slab.h>

#include "../hw.h"

/**
 * struct emu_smmuv3 - one emulated SMMUv3
 * @hw: the generic part (registered with the IOMMU core)
 * @blocked: its blocking domain: an aborting STE
 */
struct emu_smmuv3 {
	struct emu_hw_iommu hw;
	struct emu_domain blocked;
};

/* The abort STE needs no per-device state: nothing to prepare or record */
static int emu_smmuv3_blocked_prepare(struct emu_domain *domain,
				      struct emu_dev *dev, u32 pasid,
				      void **cookie)
{
	*cookie = NULL;
	return 0;
}

static void emu_smmuv3_blocked_commit(struct emu_domain *domain,
				      struct emu_dev *dev, u32 pasid,
				      void *cookie)
{
}

static void emu_smmuv3_blocked_abort(struct emu_domain *domain,
				     struct emu_dev *dev, u32 pasid,
				     void *cookie)
{
}

static const struct emu_domain_ops emu_smmuv3_blocked_ops = {
	.attach_prepare = emu_smmuv3_blocked_prepare,
	.attach_commit = emu_smmuv3_blocked_commit,
	.attach_abort = emu_smmuv3_blocked_abort,
};

/* Paging (stage 1 and stage 2 LPAE tables) comes with the SMMUv3 issue */
static struct emu_domain *emu_smmuv3_domain_alloc_paging(struct emu_dev *dev,
							 u32 flags)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static const struct emu_iommu_ops emu_smmuv3_ops = {
	.domain_alloc_paging = emu_smmuv3_domain_alloc_paging,
};

static struct emu_hw_iommu *emu_smmuv3_alloc(const struct emu_hw_caps *caps)
{
	struct emu_smmuv3 *smmu;

	smmu = kzalloc(sizeof(*smmu), GFP_KERNEL);
	if (!smmu)
		return NULL;
	smmu->blocked.type = EMU_DOMAIN_BLOCKED;
	smmu->blocked.ops = &emu_smmuv3_blocked_ops;
	smmu->hw.iommu.ops = &emu_smmuv3_ops;
	smmu->hw.iommu.blocked_domain = &smmu->blocked;
	return &smmu->hw;
}

static void emu_smmuv3_free(struct emu_hw_iommu *hw)
{
	kfree(container_of(hw, struct emu_smmuv3, hw));
}

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
	.alloc = emu_smmuv3_alloc,
	.free = emu_smmuv3_free,
};
