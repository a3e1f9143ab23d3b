// SPDX-License-Identifier: GPL-2.0
/*
 * Build-time guard for include/uapi/linux/iommufd_test.h.
 *
 * The upstream iommufd kselftests are compiled against that header and talk
 * to this module through IOMMU_TEST_CMD, so its binary layout must stay
 * exactly what those programs expect. Every number below was measured by
 * compiling against the upstream Linux 7.3 definition (x86_64); a change to
 * a size, an offset, an alignment, the command number or any constant breaks
 * the build here. Nothing in this file generates code.
 */
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/iommufd_test.h>

/* struct iommu_test_cmd */
static_assert(sizeof(struct iommu_test_cmd) == 72);
static_assert(__alignof__(struct iommu_test_cmd) == 8);
static_assert(offsetof(struct iommu_test_cmd, size) == 0);
static_assert(sizeof_field(struct iommu_test_cmd, size) == 4);
static_assert(offsetof(struct iommu_test_cmd, op) == 4);
static_assert(sizeof_field(struct iommu_test_cmd, op) == 4);
static_assert(offsetof(struct iommu_test_cmd, id) == 8);
static_assert(sizeof_field(struct iommu_test_cmd, id) == 4);
static_assert(offsetof(struct iommu_test_cmd, __reserved) == 12);
static_assert(sizeof_field(struct iommu_test_cmd, __reserved) == 4);
static_assert(offsetof(struct iommu_test_cmd, add_reserved) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, add_reserved) == 16);
static_assert(offsetof(struct iommu_test_cmd, add_reserved.start) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, add_reserved.start) == 8);
static_assert(offsetof(struct iommu_test_cmd, add_reserved.length) == 24);
static_assert(sizeof_field(struct iommu_test_cmd, add_reserved.length) == 8);
static_assert(offsetof(struct iommu_test_cmd, mock_domain) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, mock_domain) == 12);
static_assert(offsetof(struct iommu_test_cmd, mock_domain.out_stdev_id) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, mock_domain.out_stdev_id) == 4);
static_assert(offsetof(struct iommu_test_cmd, mock_domain.out_hwpt_id) == 20);
static_assert(sizeof_field(struct iommu_test_cmd, mock_domain.out_hwpt_id) == 4);
static_assert(offsetof(struct iommu_test_cmd, mock_domain.out_idev_id) == 24);
static_assert(sizeof_field(struct iommu_test_cmd, mock_domain.out_idev_id) == 4);
static_assert(offsetof(struct iommu_test_cmd, mock_domain_flags) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, mock_domain_flags) == 16);
static_assert(offsetof(struct iommu_test_cmd, mock_domain_flags.out_stdev_id) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, mock_domain_flags.out_stdev_id) == 4);
static_assert(offsetof(struct iommu_test_cmd, mock_domain_flags.out_hwpt_id) == 20);
static_assert(sizeof_field(struct iommu_test_cmd, mock_domain_flags.out_hwpt_id) == 4);
static_assert(offsetof(struct iommu_test_cmd, mock_domain_flags.out_idev_id) == 24);
static_assert(sizeof_field(struct iommu_test_cmd, mock_domain_flags.out_idev_id) == 4);
static_assert(offsetof(struct iommu_test_cmd, mock_domain_flags.dev_flags) == 28);
static_assert(sizeof_field(struct iommu_test_cmd, mock_domain_flags.dev_flags) == 4);
static_assert(offsetof(struct iommu_test_cmd, mock_domain_replace) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, mock_domain_replace) == 4);
static_assert(offsetof(struct iommu_test_cmd, mock_domain_replace.pt_id) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, mock_domain_replace.pt_id) == 4);
static_assert(offsetof(struct iommu_test_cmd, check_map) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, check_map) == 24);
static_assert(offsetof(struct iommu_test_cmd, check_map.iova) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, check_map.iova) == 8);
static_assert(offsetof(struct iommu_test_cmd, check_map.length) == 24);
static_assert(sizeof_field(struct iommu_test_cmd, check_map.length) == 8);
static_assert(offsetof(struct iommu_test_cmd, check_map.uptr) == 32);
static_assert(sizeof_field(struct iommu_test_cmd, check_map.uptr) == 8);
static_assert(offsetof(struct iommu_test_cmd, check_refs) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, check_refs) == 24);
static_assert(offsetof(struct iommu_test_cmd, check_refs.length) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, check_refs.length) == 8);
static_assert(offsetof(struct iommu_test_cmd, check_refs.uptr) == 24);
static_assert(sizeof_field(struct iommu_test_cmd, check_refs.uptr) == 8);
static_assert(offsetof(struct iommu_test_cmd, check_refs.refs) == 32);
static_assert(sizeof_field(struct iommu_test_cmd, check_refs.refs) == 4);
static_assert(offsetof(struct iommu_test_cmd, create_access) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, create_access) == 8);
static_assert(offsetof(struct iommu_test_cmd, create_access.out_access_fd) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, create_access.out_access_fd) == 4);
static_assert(offsetof(struct iommu_test_cmd, create_access.flags) == 20);
static_assert(sizeof_field(struct iommu_test_cmd, create_access.flags) == 4);
static_assert(offsetof(struct iommu_test_cmd, destroy_access_pages) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, destroy_access_pages) == 4);
static_assert(offsetof(struct iommu_test_cmd, destroy_access_pages.access_pages_id) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, destroy_access_pages.access_pages_id) == 4);
static_assert(offsetof(struct iommu_test_cmd, access_pages) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, access_pages) == 32);
static_assert(offsetof(struct iommu_test_cmd, access_pages.flags) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, access_pages.flags) == 4);
static_assert(offsetof(struct iommu_test_cmd, access_pages.out_access_pages_id) == 20);
static_assert(sizeof_field(struct iommu_test_cmd, access_pages.out_access_pages_id) == 4);
static_assert(offsetof(struct iommu_test_cmd, access_pages.iova) == 24);
static_assert(sizeof_field(struct iommu_test_cmd, access_pages.iova) == 8);
static_assert(offsetof(struct iommu_test_cmd, access_pages.length) == 32);
static_assert(sizeof_field(struct iommu_test_cmd, access_pages.length) == 8);
static_assert(offsetof(struct iommu_test_cmd, access_pages.uptr) == 40);
static_assert(sizeof_field(struct iommu_test_cmd, access_pages.uptr) == 8);
static_assert(offsetof(struct iommu_test_cmd, access_rw) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, access_rw) == 32);
static_assert(offsetof(struct iommu_test_cmd, access_rw.iova) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, access_rw.iova) == 8);
static_assert(offsetof(struct iommu_test_cmd, access_rw.length) == 24);
static_assert(sizeof_field(struct iommu_test_cmd, access_rw.length) == 8);
static_assert(offsetof(struct iommu_test_cmd, access_rw.uptr) == 32);
static_assert(sizeof_field(struct iommu_test_cmd, access_rw.uptr) == 8);
static_assert(offsetof(struct iommu_test_cmd, access_rw.flags) == 40);
static_assert(sizeof_field(struct iommu_test_cmd, access_rw.flags) == 4);
static_assert(offsetof(struct iommu_test_cmd, memory_limit) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, memory_limit) == 4);
static_assert(offsetof(struct iommu_test_cmd, memory_limit.limit) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, memory_limit.limit) == 4);
static_assert(offsetof(struct iommu_test_cmd, access_replace_ioas) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, access_replace_ioas) == 4);
static_assert(offsetof(struct iommu_test_cmd, access_replace_ioas.ioas_id) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, access_replace_ioas.ioas_id) == 4);
static_assert(offsetof(struct iommu_test_cmd, dirty) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, dirty) == 48);
static_assert(offsetof(struct iommu_test_cmd, dirty.flags) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, dirty.flags) == 4);
static_assert(offsetof(struct iommu_test_cmd, dirty.iova) == 24);
static_assert(sizeof_field(struct iommu_test_cmd, dirty.iova) == 8);
static_assert(offsetof(struct iommu_test_cmd, dirty.length) == 32);
static_assert(sizeof_field(struct iommu_test_cmd, dirty.length) == 8);
static_assert(offsetof(struct iommu_test_cmd, dirty.page_size) == 40);
static_assert(sizeof_field(struct iommu_test_cmd, dirty.page_size) == 8);
static_assert(offsetof(struct iommu_test_cmd, dirty.uptr) == 48);
static_assert(sizeof_field(struct iommu_test_cmd, dirty.uptr) == 8);
static_assert(offsetof(struct iommu_test_cmd, dirty.out_nr_dirty) == 56);
static_assert(sizeof_field(struct iommu_test_cmd, dirty.out_nr_dirty) == 8);
static_assert(offsetof(struct iommu_test_cmd, check_iotlb) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, check_iotlb) == 8);
static_assert(offsetof(struct iommu_test_cmd, check_iotlb.id) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, check_iotlb.id) == 4);
static_assert(offsetof(struct iommu_test_cmd, check_iotlb.iotlb) == 20);
static_assert(sizeof_field(struct iommu_test_cmd, check_iotlb.iotlb) == 4);
static_assert(offsetof(struct iommu_test_cmd, trigger_iopf) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, trigger_iopf) == 24);
static_assert(offsetof(struct iommu_test_cmd, trigger_iopf.dev_id) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, trigger_iopf.dev_id) == 4);
static_assert(offsetof(struct iommu_test_cmd, trigger_iopf.pasid) == 20);
static_assert(sizeof_field(struct iommu_test_cmd, trigger_iopf.pasid) == 4);
static_assert(offsetof(struct iommu_test_cmd, trigger_iopf.grpid) == 24);
static_assert(sizeof_field(struct iommu_test_cmd, trigger_iopf.grpid) == 4);
static_assert(offsetof(struct iommu_test_cmd, trigger_iopf.perm) == 28);
static_assert(sizeof_field(struct iommu_test_cmd, trigger_iopf.perm) == 4);
static_assert(offsetof(struct iommu_test_cmd, trigger_iopf.addr) == 32);
static_assert(sizeof_field(struct iommu_test_cmd, trigger_iopf.addr) == 8);
static_assert(offsetof(struct iommu_test_cmd, check_dev_cache) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, check_dev_cache) == 8);
static_assert(offsetof(struct iommu_test_cmd, check_dev_cache.id) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, check_dev_cache.id) == 4);
static_assert(offsetof(struct iommu_test_cmd, check_dev_cache.cache) == 20);
static_assert(sizeof_field(struct iommu_test_cmd, check_dev_cache.cache) == 4);
static_assert(offsetof(struct iommu_test_cmd, trigger_vevent) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, trigger_vevent) == 4);
static_assert(offsetof(struct iommu_test_cmd, trigger_vevent.dev_id) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, trigger_vevent.dev_id) == 4);
static_assert(offsetof(struct iommu_test_cmd, pasid_attach) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, pasid_attach) == 8);
static_assert(offsetof(struct iommu_test_cmd, pasid_attach.pasid) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, pasid_attach.pasid) == 4);
static_assert(offsetof(struct iommu_test_cmd, pasid_attach.pt_id) == 20);
static_assert(sizeof_field(struct iommu_test_cmd, pasid_attach.pt_id) == 4);
static_assert(offsetof(struct iommu_test_cmd, pasid_replace) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, pasid_replace) == 8);
static_assert(offsetof(struct iommu_test_cmd, pasid_replace.pasid) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, pasid_replace.pasid) == 4);
static_assert(offsetof(struct iommu_test_cmd, pasid_replace.pt_id) == 20);
static_assert(sizeof_field(struct iommu_test_cmd, pasid_replace.pt_id) == 4);
static_assert(offsetof(struct iommu_test_cmd, pasid_detach) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, pasid_detach) == 4);
static_assert(offsetof(struct iommu_test_cmd, pasid_detach.pasid) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, pasid_detach.pasid) == 4);
static_assert(offsetof(struct iommu_test_cmd, pasid_check) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, pasid_check) == 8);
static_assert(offsetof(struct iommu_test_cmd, pasid_check.pasid) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, pasid_check.pasid) == 4);
static_assert(offsetof(struct iommu_test_cmd, pasid_check.hwpt_id) == 20);
static_assert(sizeof_field(struct iommu_test_cmd, pasid_check.hwpt_id) == 4);
static_assert(offsetof(struct iommu_test_cmd, dmabuf_get) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, dmabuf_get) == 8);
static_assert(offsetof(struct iommu_test_cmd, dmabuf_get.length) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, dmabuf_get.length) == 4);
static_assert(offsetof(struct iommu_test_cmd, dmabuf_get.open_flags) == 20);
static_assert(sizeof_field(struct iommu_test_cmd, dmabuf_get.open_flags) == 4);
static_assert(offsetof(struct iommu_test_cmd, dmabuf_revoke) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, dmabuf_revoke) == 8);
static_assert(offsetof(struct iommu_test_cmd, dmabuf_revoke.dmabuf_fd) == 16);
static_assert(sizeof_field(struct iommu_test_cmd, dmabuf_revoke.dmabuf_fd) == 4);
static_assert(offsetof(struct iommu_test_cmd, dmabuf_revoke.revoked) == 20);
static_assert(sizeof_field(struct iommu_test_cmd, dmabuf_revoke.revoked) == 4);
static_assert(offsetof(struct iommu_test_cmd, last) == 64);
static_assert(sizeof_field(struct iommu_test_cmd, last) == 4);
/* The smallest size the kernel accepts ends with @last */
static_assert(offsetofend(struct iommu_test_cmd, last) == 68);

/* struct iommu_test_hw_info */
static_assert(sizeof(struct iommu_test_hw_info) == 8);
static_assert(__alignof__(struct iommu_test_hw_info) == 4);
static_assert(offsetof(struct iommu_test_hw_info, flags) == 0);
static_assert(sizeof_field(struct iommu_test_hw_info, flags) == 4);
static_assert(offsetof(struct iommu_test_hw_info, test_reg) == 4);
static_assert(sizeof_field(struct iommu_test_hw_info, test_reg) == 4);

/* struct iommu_hwpt_selftest */
static_assert(sizeof(struct iommu_hwpt_selftest) == 8);
static_assert(__alignof__(struct iommu_hwpt_selftest) == 4);
static_assert(offsetof(struct iommu_hwpt_selftest, iotlb) == 0);
static_assert(sizeof_field(struct iommu_hwpt_selftest, iotlb) == 4);
static_assert(offsetof(struct iommu_hwpt_selftest, pagetable_type) == 4);
static_assert(sizeof_field(struct iommu_hwpt_selftest, pagetable_type) == 4);

/* struct iommu_hwpt_invalidate_selftest */
static_assert(sizeof(struct iommu_hwpt_invalidate_selftest) == 8);
static_assert(__alignof__(struct iommu_hwpt_invalidate_selftest) == 4);
static_assert(offsetof(struct iommu_hwpt_invalidate_selftest, flags) == 0);
static_assert(sizeof_field(struct iommu_hwpt_invalidate_selftest, flags) == 4);
static_assert(offsetof(struct iommu_hwpt_invalidate_selftest, iotlb_id) == 4);
static_assert(sizeof_field(struct iommu_hwpt_invalidate_selftest, iotlb_id) == 4);

/* struct iommu_viommu_selftest */
static_assert(sizeof(struct iommu_viommu_selftest) == 24);
static_assert(__alignof__(struct iommu_viommu_selftest) == 8);
static_assert(offsetof(struct iommu_viommu_selftest, in_data) == 0);
static_assert(sizeof_field(struct iommu_viommu_selftest, in_data) == 4);
static_assert(offsetof(struct iommu_viommu_selftest, out_data) == 4);
static_assert(sizeof_field(struct iommu_viommu_selftest, out_data) == 4);
static_assert(offsetof(struct iommu_viommu_selftest, out_mmap_offset) == 8);
static_assert(sizeof_field(struct iommu_viommu_selftest, out_mmap_offset) == 8);
static_assert(offsetof(struct iommu_viommu_selftest, out_mmap_length) == 16);
static_assert(sizeof_field(struct iommu_viommu_selftest, out_mmap_length) == 8);

/* struct iommu_viommu_invalidate_selftest */
static_assert(sizeof(struct iommu_viommu_invalidate_selftest) == 12);
static_assert(__alignof__(struct iommu_viommu_invalidate_selftest) == 4);
static_assert(offsetof(struct iommu_viommu_invalidate_selftest, flags) == 0);
static_assert(sizeof_field(struct iommu_viommu_invalidate_selftest, flags) == 4);
static_assert(offsetof(struct iommu_viommu_invalidate_selftest, vdev_id) == 4);
static_assert(sizeof_field(struct iommu_viommu_invalidate_selftest, vdev_id) == 4);
static_assert(offsetof(struct iommu_viommu_invalidate_selftest, cache_id) == 8);
static_assert(sizeof_field(struct iommu_viommu_invalidate_selftest, cache_id) == 4);

/* struct iommu_viommu_event_selftest */
static_assert(sizeof(struct iommu_viommu_event_selftest) == 4);
static_assert(__alignof__(struct iommu_viommu_event_selftest) == 4);
static_assert(offsetof(struct iommu_viommu_event_selftest, virt_id) == 0);
static_assert(sizeof_field(struct iommu_viommu_event_selftest, virt_id) == 4);

/* The command number, _IO(IOMMUFD_TYPE, 0xa0) */
static_assert(IOMMU_TEST_CMD == 0x3ba0);

/* Operation codes */
static_assert(IOMMU_TEST_OP_ADD_RESERVED == 1);
static_assert(IOMMU_TEST_OP_MOCK_DOMAIN == 2);
static_assert(IOMMU_TEST_OP_MD_CHECK_MAP == 3);
static_assert(IOMMU_TEST_OP_MD_CHECK_REFS == 4);
static_assert(IOMMU_TEST_OP_CREATE_ACCESS == 5);
static_assert(IOMMU_TEST_OP_DESTROY_ACCESS_PAGES == 6);
static_assert(IOMMU_TEST_OP_ACCESS_PAGES == 7);
static_assert(IOMMU_TEST_OP_ACCESS_RW == 8);
static_assert(IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT == 9);
static_assert(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE == 10);
static_assert(IOMMU_TEST_OP_ACCESS_REPLACE_IOAS == 11);
static_assert(IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS == 12);
static_assert(IOMMU_TEST_OP_DIRTY == 13);
static_assert(IOMMU_TEST_OP_MD_CHECK_IOTLB == 14);
static_assert(IOMMU_TEST_OP_TRIGGER_IOPF == 15);
static_assert(IOMMU_TEST_OP_DEV_CHECK_CACHE == 16);
static_assert(IOMMU_TEST_OP_TRIGGER_VEVENT == 17);
static_assert(IOMMU_TEST_OP_PASID_ATTACH == 18);
static_assert(IOMMU_TEST_OP_PASID_REPLACE == 19);
static_assert(IOMMU_TEST_OP_PASID_DETACH == 20);
static_assert(IOMMU_TEST_OP_PASID_CHECK_HWPT == 21);
static_assert(IOMMU_TEST_OP_DMABUF_GET == 22);
static_assert(IOMMU_TEST_OP_DMABUF_REVOKE == 23);

/* Mock driver geometry, limits, defaults and flag bits */
static_assert(MOCK_IOMMUPT_DEFAULT == 0);
static_assert(MOCK_IOMMUPT_HUGE == 1);
static_assert(MOCK_APERTURE_START == 0x1000000);
static_assert(MOCK_APERTURE_LAST == 0x7fffffff);
static_assert(MOCK_PAGE_SIZE == 2048);
static_assert(MOCK_HUGE_PAGE_SIZE == 0x100000);
static_assert(MOCK_FLAGS_ACCESS_WRITE == 1);
static_assert(MOCK_FLAGS_ACCESS_SYZ == 0x10000);
static_assert(MOCK_ACCESS_RW_WRITE == 1);
static_assert(MOCK_ACCESS_RW_SLOW_PATH == 4);
static_assert(MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES == 1);
static_assert(MOCK_FLAGS_DEVICE_NO_DIRTY == 1);
static_assert(MOCK_FLAGS_DEVICE_PASID == 4);
static_assert(MOCK_NESTED_DOMAIN_IOTLB_ID_MAX == 3);
static_assert(MOCK_NESTED_DOMAIN_IOTLB_NUM == 4);
static_assert(MOCK_DEV_CACHE_ID_MAX == 3);
static_assert(MOCK_DEV_CACHE_NUM == 4);
static_assert(MOCK_PASID_WIDTH == 20);
static_assert(IOMMU_TEST_PASID_RESERVED == 1024);
static_assert(IOMMU_TEST_HW_QUEUE_MAX == 2);
static_assert(IOMMU_TEST_INVALIDATE_FLAG_ALL == 1);
static_assert(IOMMU_TEST_IOTLB_DEFAULT == 0xbadbeef);
static_assert(IOMMU_TEST_DEV_CACHE_DEFAULT == 0xbaddad);
static_assert(IOMMU_HW_INFO_SELFTEST_REGVAL == 0xdeadbeef);

/* Type codes of the mock driver's payloads */
static_assert(IOMMU_HW_INFO_TYPE_SELFTEST == 0xfeedbeef);
static_assert(IOMMU_HWPT_DATA_SELFTEST == 0xdead);
static_assert(IOMMU_HWPT_INVALIDATE_DATA_SELFTEST == 0xdeadbeef);
static_assert(IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID == 0xdadbeef);
static_assert(IOMMU_VIOMMU_TYPE_SELFTEST == 0xdeadbeef);
static_assert(IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST == 0xdeadbeef);
static_assert(IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID == 0xdadbeef);
static_assert(IOMMU_VEVENTQ_TYPE_SELFTEST == 0xbeefbeef);
static_assert(IOMMU_HW_QUEUE_TYPE_SELFTEST == 0xdeadbeef);
