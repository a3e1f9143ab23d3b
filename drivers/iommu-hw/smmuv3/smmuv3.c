// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated Arm SMMUv3: instance creation, paging domains and their VMIDs,
 * the MSI window and the ID registers user space sees.
 *
 * Paging domains use the shared VMSAv8-64 formats with the 4KiB granule:
 * stage 1 when the instance has it, stage 2 for nest parents (or when
 * stage 1 is absent). Every stage-2 domain owns a VMID, the tag of its
 * translations in the instance's TLB. The stream table and the
 * configuration cache are in smmuv3_ste.c, nested translation in
 * smmuv3_walk.c, vIOMMUs in smmuv3_viommu.c; see smmuv3.h for the model.
 * Faults of paging (non-nested) attachments are not reported.
 */
#include <linux/err.h>
#include <linux/iommufd.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "smmuv3.h"

/* Queue sizes advertised, log2 of entries (the queues are not modelled) */
#define SMMUV3_QUEUE_LOG2		8

/* Where Linux places the software MSI window on Arm (MSI_IOVA_BASE) */
#define SMMUV3_MSI_IOVA_BASE		0x8000000ULL
#define SMMUV3_MSI_IOVA_LENGTH		0x100000ULL

#define SMMUV3_DOMAIN_FLAGS \
	(EMU_DOMAIN_NEST_PARENT | EMU_DOMAIN_DIRTY_TRACKING | \
	 EMU_DOMAIN_PASID | EMU_DOMAIN_NO_LARGE_PAGES)

/*
 * Before the pages of an unmapped range are unpinned, no cached nested
 * translation may lead to them; a stage-2 change can affect any ASID of
 * the VMID, so the whole VMID goes, as a TLBI_S12_VMALL would.
 */
static void smmuv3_s2_unmap_notify(struct emu_hw_domain *hdom,
				   unsigned long iova, size_t size)
{
	struct smmuv3 *smmu = hdom->drv_priv;

	emu_iotlb_flush_tag(&smmu->iotlb, hdom->hw_id);
}

static void smmuv3_put(struct smmuv3 *smmu)
{
	if (!refcount_dec_and_test(&smmu->users))
		return;
	WARN_ON(!xa_empty(&smmu->strtab));
	xa_destroy(&smmu->strtab);
	ida_destroy(&smmu->vmids);
	emu_iotlb_destroy(&smmu->iotlb);
	kfree(smmu);
}

static void smmuv3_s2_release(struct emu_hw_domain *hdom)
{
	struct smmuv3 *smmu = hdom->drv_priv;

	emu_iotlb_flush_tag(&smmu->iotlb, hdom->hw_id);
	ida_free(&smmu->vmids, hdom->hw_id);
	smmuv3_put(smmu);
}

/* A stage-2 domain gets a VMID; 0 is left unused, as Linux does */
static int smmuv3_s2_setup(struct smmuv3 *smmu, struct emu_hw_domain *hdom)
{
	int vmid;

	vmid = ida_alloc_range(&smmu->vmids, 1,
			       BIT(smmu->hw.caps.vmid_bits) - 1, GFP_KERNEL);
	if (vmid < 0)
		return vmid;
	refcount_inc(&smmu->users);
	hdom->hw_id = vmid;
	hdom->drv_priv = smmu;
	hdom->unmap_notify = smmuv3_s2_unmap_notify;
	hdom->release = smmuv3_s2_release;
	return 0;
}

static struct emu_domain *smmuv3_domain_alloc_paging(struct emu_dev *dev,
						     u32 flags)
{
	const struct emu_hw_caps *caps = emu_hw_dev_caps(dev);
	struct emu_pgtable_cfg cfg = {
		.ias = caps->ias,
		.oas = caps->oas,
	};
	struct emu_domain *domain;
	int rc;

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

	domain = emu_hw_domain_alloc_paging(&cfg);
	if (IS_ERR(domain) || cfg.fmt != EMU_PT_ARM_S2)
		return domain;
	rc = smmuv3_s2_setup(to_smmuv3(dev->iommu), to_emu_hw_domain(domain));
	if (rc) {
		emu_domain_free(domain);
		return ERR_PTR(rc);
	}
	return domain;
}

static int smmuv3_msi_window(struct emu_dev *dev, u64 *start, u64 *last)
{
	*start = SMMUV3_MSI_IOVA_BASE;
	*last = SMMUV3_MSI_IOVA_BASE + SMMUV3_MSI_IOVA_LENGTH - 1;
	return 0;
}

/*
 * ID registers consistent with the caps and the model: AArch64 tables,
 * 4KiB granule only, little-endian, coherent, no stalls, no PRI or HTTU;
 * stages, ASID/VMID sizes, SubstreamIDs, ATS and RIL as configured.
 */
static int smmuv3_hw_info(struct emu_dev *dev, void *data, u32 len, u32 *type)
{
	const struct emu_hw_caps *caps = emu_hw_dev_caps(dev);
	struct iommu_hw_info_arm_smmuv3 info = {};

	info.idr[0] = FIELD_PREP(SMMU_IDR0_TTF, SMMU_IDR0_TTF_AARCH64) |
		      SMMU_IDR0_COHACC |
		      FIELD_PREP(SMMU_IDR0_TTENDIAN, SMMU_IDR0_TTENDIAN_LE) |
		      FIELD_PREP(SMMU_IDR0_STALL_MODEL,
				 SMMU_IDR0_STALL_MODEL_NONE) |
		      FIELD_PREP(SMMU_IDR0_ST_LEVEL, SMMU_IDR0_ST_LEVEL_2LVL);
	if (caps->stage1)
		info.idr[0] |= SMMU_IDR0_S1P;
	if (caps->stage2)
		info.idr[0] |= SMMU_IDR0_S2P;
	if (caps->asid_bits == 16)
		info.idr[0] |= SMMU_IDR0_ASID16;
	if (caps->vmid_bits == 16)
		info.idr[0] |= SMMU_IDR0_VMID16;
	if (caps->ats)
		info.idr[0] |= SMMU_IDR0_ATS;
	if (caps->pasid_bits)
		info.idr[0] |= SMMU_IDR0_CD2L;

	info.idr[1] = FIELD_PREP(SMMU_IDR1_SIDSIZE, 32) |
		      FIELD_PREP(SMMU_IDR1_SSIDSIZE, caps->pasid_bits) |
		      FIELD_PREP(SMMU_IDR1_EVENTQS, SMMUV3_QUEUE_LOG2) |
		      FIELD_PREP(SMMU_IDR1_CMDQS, SMMUV3_QUEUE_LOG2);
	if (caps->ril)
		info.idr[3] = SMMU_IDR3_RIL;
	info.idr[5] = FIELD_PREP(SMMU_IDR5_OAS, smmuv3_pa_size_enc(caps->oas)) |
		      SMMU_IDR5_GRAN4K;
	/* IIDR 0: no implementer, so no implementation errata apply */
	info.iidr = 0;
	info.aidr = caps->ril ? SMMU_AIDR_V3_2 : SMMU_AIDR_V3_0;

	memcpy(data, &info, min_t(u32, len, sizeof(info)));
	*type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3;
	return sizeof(info);
}

static const struct emu_iommu_ops smmuv3_iommu_ops = {
	.domain_alloc_paging = smmuv3_domain_alloc_paging,
	.hw_info = smmuv3_hw_info,
	.msi_window = smmuv3_msi_window,
	.viommu_size = smmuv3_viommu_size,
	.viommu_init = smmuv3_viommu_init,
	.probe_dev = smmuv3_probe_dev,
	.release_dev = smmuv3_release_dev,
};

static struct emu_hw_iommu *smmuv3_alloc(const struct emu_hw_caps *caps)
{
	struct smmuv3 *smmu = kzalloc(sizeof(*smmu), GFP_KERNEL);

	if (!smmu)
		return NULL;
	if (emu_iotlb_init(&smmu->iotlb, SMMUV3_IOTLB_ENTRIES,
			   SZ_4K | SZ_2M | SZ_1G)) {
		kfree(smmu);
		return NULL;
	}
	refcount_set(&smmu->users, 1);
	xa_init(&smmu->strtab);
	ida_init(&smmu->vmids);
	/* The guest's CD table holds its PASIDs: see emu_iommu */
	smmu->hw.iommu.user_pasid_table = true;
	return &smmu->hw;
}

static void smmuv3_free(struct emu_hw_iommu *hw)
{
	smmuv3_put(container_of(hw, struct smmuv3, hw));
}

/*
 * Widths follow the architecture, limited to what the shared LPAE code
 * models: stage-1 input sizes from 32 to 48 bits with the 4K granule, and
 * the IDR5.OAS encodings up to 48 bits (no 52-bit output addresses).
 * ASIDs and VMIDs are 8 or 16 bits (IDR0.ASID16, IDR0.VMID16).
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
		.asid_bits = 16,
		.vmid_bits = 16,
		.ats = false,
		.ril = true,
	},
	.ias_widths = GENMASK_ULL(48, 32),
	.oas_widths = BIT_ULL(32) | BIT_ULL(36) | BIT_ULL(40) | BIT_ULL(42) |
		      BIT_ULL(44) | BIT_ULL(48),
	.max_pasid_bits = 20,
	.id_widths = BIT_ULL(8) | BIT_ULL(16),
	.smmu_features = true,
	.max_dev_id = U32_MAX,
	.ias_help = "smmuv3 supports ias 32 to 48",
	.oas_help = "smmuv3 supports oas 32, 36, 40, 42, 44 or 48",
	.pasid_help = "smmuv3 supports pasid_bits 0 to 20",
	.dev_id_help = "smmuv3 StreamIDs are 32-bit",
	.id_help = "smmuv3 supports asid_bits and vmid_bits 8 or 16",
	.ops = &smmuv3_iommu_ops,
	.alloc = smmuv3_alloc,
	.free = smmuv3_free,
	.dev_attached = smmuv3_dev_attached,
};
