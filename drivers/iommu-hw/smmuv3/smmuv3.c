// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated Arm SMMUv3: instance creation and the blocking domain.
 *
 * This is the minimal driver the platform needs to build a topology. Paging
 * domains, stream table entries, context descriptors and the event queue
 * arrive with the SMMUv3 issue; until then every device behind an SMMUv3
 * instance sits on the blocking domain (an STE that aborts every request).
 */
#include <linux/bits.h>
#include <linux/limits.h>

#include "../hw.h"

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
	/* No hardware model yet: the generic blocking-only instance */
	.alloc = emu_hw_alloc_blocking_only,
	.free = emu_hw_free_blocking_only,
};
