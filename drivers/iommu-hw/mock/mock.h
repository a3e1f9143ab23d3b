/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The selftest mock IOMMU: the driver behind IOMMU_TEST_OP_MOCK_DOMAIN.
 * Its paging domains translate in MOCK_PAGE_SIZE granules inside the
 * upstream selftest's aperture, so the upstream kselftest's expectations
 * hold.
 */
#ifndef EMU_MOCK_H
#define EMU_MOCK_H

#include <linux/types.h>

struct emu_dev;
struct emu_domain;

/* Device flags, as in IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS */
#define EMU_MOCK_DEV_NO_DIRTY	BIT(0)
#define EMU_MOCK_DEV_PASID	BIT(2)

int emu_mock_init(void);
void emu_mock_exit(void);
struct emu_dev *emu_mock_dev_create(u32 flags);
void emu_mock_dev_destroy(struct emu_dev *dev);
int emu_mock_dev_cache(struct emu_dev *dev, u32 index, u32 *value);
int emu_mock_domain_dirty_tracking(struct emu_domain *domain);
unsigned long emu_mock_domain_set_dirty(struct emu_domain *domain,
					unsigned long iova,
					unsigned long page_size,
					const unsigned long *bitmap,
					unsigned long nbits);
int emu_mock_trigger_vevent(struct emu_dev *dev);
int emu_mock_domain_iotlb(struct emu_domain *domain, u32 index, u32 *value);
int emu_mock_dev_page_request(struct emu_dev *dev, u32 pasid, u32 grpid,
			      u32 perm, u64 addr);

#endif /* EMU_MOCK_H */
