// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated Intel VT-d: instance creation and the blocking domain.
 *
 * This is the minimal driver the platform needs to build a topology. Paging
 * domains, context and PASID table entries, and fault reporting arrive with
 * the VT-d issue; until then every device behind a VT-d instance sits on
 * the blocking domain (a context entry that is not present).
 */
#include <linux/err.h>
#include <linux/slab.h>

#include "../hw.h"

/**
 * struct emu_vtd - one emulated VT-d remapping unit
 * @hw: the generic part (registered with the IOMMU core)
 * @blocked: its blocking domain: a non-present context entry
 */
struct emu_vtd {
	struct emu_hw_iommu hw;
	struct emu_domain blocked;
};

/* A non-present context entry needs nothing prepared or recorded */
static int emu_vtd_blocked_prepare(struct emu_domain *domain,
				   struct emu_dev *dev, u32 pasid,
				   void **cookie)
{
	*cookie = NULL;
	return 0;
}

static void emu_vtd_blocked_commit(struct emu_domain *domain,
				   struct emu_dev *dev, u32 pasid, void *cookie)
{
}

static void emu_vtd_blocked_abort(struct emu_domain *domain,
				  struct emu_dev *dev, u32 pasid, void *cookie)
{
}

static const struct emu_domain_ops emu_vtd_blocked_ops = {
	.attach_prepare = emu_vtd_blocked_prepare,
	.attach_commit = emu_vtd_blocked_commit,
	.attach_abort = emu_vtd_blocked_abort,
};

/* Paging (first- and second-stage x86-64 tables) comes with the VT-d issue */
static struct emu_domain *emu_vtd_domain_alloc_paging(struct emu_dev *dev,
						      u32 flags)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static const struct emu_iommu_ops emu_vtd_ops = {
	.domain_alloc_paging = emu_vtd_domain_alloc_paging,
};

static struct emu_hw_iommu *emu_vtd_alloc(const struct emu_hw_caps *caps)
{
	struct emu_vtd *vtd;

	vtd = kzalloc(sizeof(*vtd), GFP_KERNEL);
	if (!vtd)
		return NULL;
	vtd->blocked.type = EMU_DOMAIN_BLOCKED;
	vtd->blocked.ops = &emu_vtd_blocked_ops;
	vtd->hw.iommu.ops = &emu_vtd_ops;
	vtd->hw.iommu.blocked_domain = &vtd->blocked;
	return &vtd->hw;
}

static void emu_vtd_free(struct emu_hw_iommu *hw)
{
	kfree(container_of(hw, struct emu_vtd, hw));
}

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
	.alloc = emu_vtd_alloc,
	.free = emu_vtd_free,
};
