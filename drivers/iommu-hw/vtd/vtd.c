// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated Intel VT-d: instance creation and the blocking domain.
 *
 * This is the minimal driver the platform needs to build a topology. Paging
 * domains, context and PASID table entries, and fault reporting arrive with
 * the VT-d issue; until then every device behind a VT-d instance sits on
 * the blocking domain (a context entry that is not present).
 */
#include <linux/bits.h>
#include <linux/limits.h>

#include "../hw.h"

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
	/* No hardware model yet: the generic blocking-only instance */
	.alloc = emu_hw_alloc_blocking_only,
	.free = emu_hw_free_blocking_only,
};
