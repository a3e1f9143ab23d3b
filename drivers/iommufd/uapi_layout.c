// SPDX-License-Identifier: GPL-2.0
/*
 * Build-time guard for the layout of include/uapi/linux/iommufd.h.
 *
 * Userspace built against the mainline Linux iommufd header must work with
 * this module unchanged, so every command number, ioctl request value,
 * enum value, structure size and member offset, type and alignment of our
 * header is pinned here. The numbers were not worked out by hand: they were
 * printed by a small program compiled against the Linux 7.3 header
 * (include/uapi/linux/iommufd.h of linux-source-7.3) on x86_64, where the
 * 32-bit (-m32) layout was found to be identical. If an assertion fires,
 * the header has drifted from the upstream ABI: fix the header, not the
 * number.
 *
 * Nothing here generates code or data.
 */
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/iommufd.h>

/* Request encoding: _IO(IOMMUFD_TYPE, nr), no size or direction bits */
static_assert(IOMMUFD_TYPE == 0x3b);
static_assert(IOMMU_DESTROY == 0x3b80);
static_assert(IOMMU_IOAS_ALLOC == 0x3b81);
static_assert(IOMMU_IOAS_ALLOW_IOVAS == 0x3b82);
static_assert(IOMMU_IOAS_COPY == 0x3b83);
static_assert(IOMMU_IOAS_IOVA_RANGES == 0x3b84);
static_assert(IOMMU_IOAS_MAP == 0x3b85);
static_assert(IOMMU_IOAS_UNMAP == 0x3b86);
static_assert(IOMMU_OPTION == 0x3b87);
static_assert(IOMMU_VFIO_IOAS == 0x3b88);
static_assert(IOMMU_HWPT_ALLOC == 0x3b89);
static_assert(IOMMU_GET_HW_INFO == 0x3b8a);
static_assert(IOMMU_HWPT_SET_DIRTY_TRACKING == 0x3b8b);
static_assert(IOMMU_HWPT_GET_DIRTY_BITMAP == 0x3b8c);
static_assert(IOMMU_HWPT_INVALIDATE == 0x3b8d);
static_assert(IOMMU_FAULT_QUEUE_ALLOC == 0x3b8e);
static_assert(IOMMU_IOAS_MAP_FILE == 0x3b8f);
static_assert(IOMMU_VIOMMU_ALLOC == 0x3b90);
static_assert(IOMMU_VDEVICE_ALLOC == 0x3b91);
static_assert(IOMMU_IOAS_CHANGE_PROCESS == 0x3b92);
static_assert(IOMMU_VEVENTQ_ALLOC == 0x3b93);
static_assert(IOMMU_HW_QUEUE_ALLOC == 0x3b94);
static_assert(IOMMU_IOAS_NOIOMMU_GET_PA == 0x3b95);

/* Command numbers */
static_assert(IOMMUFD_CMD_BASE == 0x80);
static_assert(IOMMUFD_CMD_DESTROY == 0x80);
static_assert(IOMMUFD_CMD_IOAS_ALLOC == 0x81);
static_assert(IOMMUFD_CMD_IOAS_ALLOW_IOVAS == 0x82);
static_assert(IOMMUFD_CMD_IOAS_COPY == 0x83);
static_assert(IOMMUFD_CMD_IOAS_IOVA_RANGES == 0x84);
static_assert(IOMMUFD_CMD_IOAS_MAP == 0x85);
static_assert(IOMMUFD_CMD_IOAS_UNMAP == 0x86);
static_assert(IOMMUFD_CMD_OPTION == 0x87);
static_assert(IOMMUFD_CMD_VFIO_IOAS == 0x88);
static_assert(IOMMUFD_CMD_HWPT_ALLOC == 0x89);
static_assert(IOMMUFD_CMD_GET_HW_INFO == 0x8a);
static_assert(IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING == 0x8b);
static_assert(IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP == 0x8c);
static_assert(IOMMUFD_CMD_HWPT_INVALIDATE == 0x8d);
static_assert(IOMMUFD_CMD_FAULT_QUEUE_ALLOC == 0x8e);
static_assert(IOMMUFD_CMD_IOAS_MAP_FILE == 0x8f);
static_assert(IOMMUFD_CMD_VIOMMU_ALLOC == 0x90);
static_assert(IOMMUFD_CMD_VDEVICE_ALLOC == 0x91);
static_assert(IOMMUFD_CMD_IOAS_CHANGE_PROCESS == 0x92);
static_assert(IOMMUFD_CMD_VEVENTQ_ALLOC == 0x93);
static_assert(IOMMUFD_CMD_HW_QUEUE_ALLOC == 0x94);
static_assert(IOMMUFD_CMD_IOAS_NOIOMMU_GET_PA == 0x95);

/* enum iommufd_ioas_map_flags */
static_assert(sizeof(enum iommufd_ioas_map_flags) == 4);
static_assert(IOMMU_IOAS_MAP_FIXED_IOVA == 1);
static_assert(IOMMU_IOAS_MAP_WRITEABLE == 2);
static_assert(IOMMU_IOAS_MAP_READABLE == 4);

/* enum iommufd_option */
static_assert(sizeof(enum iommufd_option) == 4);
static_assert(IOMMU_OPTION_RLIMIT_MODE == 0);
static_assert(IOMMU_OPTION_HUGE_PAGES == 1);

/* enum iommufd_option_ops */
static_assert(sizeof(enum iommufd_option_ops) == 4);
static_assert(IOMMU_OPTION_OP_SET == 0);
static_assert(IOMMU_OPTION_OP_GET == 1);

/* enum iommufd_vfio_ioas_op */
static_assert(sizeof(enum iommufd_vfio_ioas_op) == 4);
static_assert(IOMMU_VFIO_IOAS_GET == 0);
static_assert(IOMMU_VFIO_IOAS_SET == 1);
static_assert(IOMMU_VFIO_IOAS_CLEAR == 2);

/* enum iommufd_hwpt_alloc_flags */
static_assert(sizeof(enum iommufd_hwpt_alloc_flags) == 4);
static_assert(IOMMU_HWPT_ALLOC_NEST_PARENT == 1);
static_assert(IOMMU_HWPT_ALLOC_DIRTY_TRACKING == 2);
static_assert(IOMMU_HWPT_FAULT_ID_VALID == 4);
static_assert(IOMMU_HWPT_ALLOC_PASID == 8);

/* enum iommu_hwpt_vtd_s1_flags */
static_assert(sizeof(enum iommu_hwpt_vtd_s1_flags) == 4);
static_assert(IOMMU_VTD_S1_SRE == 1);
static_assert(IOMMU_VTD_S1_EAFE == 2);
static_assert(IOMMU_VTD_S1_WPE == 4);

/* enum iommu_hwpt_data_type */
static_assert(sizeof(enum iommu_hwpt_data_type) == 4);
static_assert(IOMMU_HWPT_DATA_NONE == 0);
static_assert(IOMMU_HWPT_DATA_VTD_S1 == 1);
static_assert(IOMMU_HWPT_DATA_ARM_SMMUV3 == 2);
static_assert(IOMMU_HWPT_DATA_AMD_GUEST == 3);

/* enum iommu_hw_info_vtd_flags */
static_assert(sizeof(enum iommu_hw_info_vtd_flags) == 4);
static_assert(IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17 == 1);

/* enum iommu_hw_info_arm_smmuv3_flags */
static_assert(sizeof(enum iommu_hw_info_arm_smmuv3_flags) == 4);
static_assert(IOMMU_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI == 1);

/* enum iommu_hw_info_type */
static_assert(sizeof(enum iommu_hw_info_type) == 4);
static_assert(IOMMU_HW_INFO_TYPE_NONE == 0);
static_assert(IOMMU_HW_INFO_TYPE_DEFAULT == 0);
static_assert(IOMMU_HW_INFO_TYPE_INTEL_VTD == 1);
static_assert(IOMMU_HW_INFO_TYPE_ARM_SMMUV3 == 2);
static_assert(IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV == 3);
static_assert(IOMMU_HW_INFO_TYPE_AMD == 4);

/* enum iommufd_hw_capabilities */
static_assert(sizeof(enum iommufd_hw_capabilities) == 4);
static_assert(IOMMU_HW_CAP_DIRTY_TRACKING == 1);
static_assert(IOMMU_HW_CAP_PCI_PASID_EXEC == 2);
static_assert(IOMMU_HW_CAP_PCI_PASID_PRIV == 4);
static_assert(IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED == 8);

/* enum iommufd_hw_info_flags */
static_assert(sizeof(enum iommufd_hw_info_flags) == 4);
static_assert(IOMMU_HW_INFO_FLAG_INPUT_TYPE == 1);

/* enum iommufd_hwpt_set_dirty_tracking_flags */
static_assert(sizeof(enum iommufd_hwpt_set_dirty_tracking_flags) == 4);
static_assert(IOMMU_HWPT_DIRTY_TRACKING_ENABLE == 1);

/* enum iommufd_hwpt_get_dirty_bitmap_flags */
static_assert(sizeof(enum iommufd_hwpt_get_dirty_bitmap_flags) == 4);
static_assert(IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR == 1);

/* enum iommu_hwpt_invalidate_data_type */
static_assert(sizeof(enum iommu_hwpt_invalidate_data_type) == 4);
static_assert(IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 == 0);
static_assert(IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 == 1);

/* enum iommu_hwpt_vtd_s1_invalidate_flags */
static_assert(sizeof(enum iommu_hwpt_vtd_s1_invalidate_flags) == 4);
static_assert(IOMMU_VTD_INV_FLAGS_LEAF == 1);

/* enum iommu_hwpt_pgfault_flags */
static_assert(sizeof(enum iommu_hwpt_pgfault_flags) == 4);
static_assert(IOMMU_PGFAULT_FLAGS_PASID_VALID == 1);
static_assert(IOMMU_PGFAULT_FLAGS_LAST_PAGE == 2);

/* enum iommu_hwpt_pgfault_perm */
static_assert(sizeof(enum iommu_hwpt_pgfault_perm) == 4);
static_assert(IOMMU_PGFAULT_PERM_READ == 1);
static_assert(IOMMU_PGFAULT_PERM_WRITE == 2);
static_assert(IOMMU_PGFAULT_PERM_EXEC == 4);
static_assert(IOMMU_PGFAULT_PERM_PRIV == 8);

/* enum iommufd_page_response_code */
static_assert(sizeof(enum iommufd_page_response_code) == 4);
static_assert(IOMMUFD_PAGE_RESP_SUCCESS == 0);
static_assert(IOMMUFD_PAGE_RESP_INVALID == 1);

/* enum iommu_viommu_type */
static_assert(sizeof(enum iommu_viommu_type) == 4);
static_assert(IOMMU_VIOMMU_TYPE_DEFAULT == 0);
static_assert(IOMMU_VIOMMU_TYPE_ARM_SMMUV3 == 1);
static_assert(IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV == 2);

/* enum iommu_veventq_flag */
static_assert(sizeof(enum iommu_veventq_flag) == 4);
static_assert(IOMMU_VEVENTQ_FLAG_LOST_EVENTS == 1);

/* enum iommu_veventq_type */
static_assert(sizeof(enum iommu_veventq_type) == 4);
static_assert(IOMMU_VEVENTQ_TYPE_DEFAULT == 0);
static_assert(IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 == 1);
static_assert(IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV == 2);

/* enum iommu_hw_queue_type */
static_assert(sizeof(enum iommu_hw_queue_type) == 4);
static_assert(IOMMU_HW_QUEUE_TYPE_DEFAULT == 0);
static_assert(IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV == 1);

/* struct iommu_destroy */
static_assert(sizeof(struct iommu_destroy) == 8);
static_assert(__alignof__(struct iommu_destroy) == 4);
static_assert(offsetof(struct iommu_destroy, size) == 0);
static_assert(__same_type(((struct iommu_destroy *)0)->size, __u32));
static_assert(offsetof(struct iommu_destroy, id) == 4);
static_assert(__same_type(((struct iommu_destroy *)0)->id, __u32));

/* struct iommu_ioas_alloc */
static_assert(sizeof(struct iommu_ioas_alloc) == 12);
static_assert(__alignof__(struct iommu_ioas_alloc) == 4);
static_assert(offsetof(struct iommu_ioas_alloc, size) == 0);
static_assert(__same_type(((struct iommu_ioas_alloc *)0)->size, __u32));
static_assert(offsetof(struct iommu_ioas_alloc, flags) == 4);
static_assert(__same_type(((struct iommu_ioas_alloc *)0)->flags, __u32));
static_assert(offsetof(struct iommu_ioas_alloc, out_ioas_id) == 8);
static_assert(__same_type(((struct iommu_ioas_alloc *)0)->out_ioas_id, __u32));

/* struct iommu_iova_range */
static_assert(sizeof(struct iommu_iova_range) == 16);
static_assert(__alignof__(struct iommu_iova_range) == 8);
static_assert(offsetof(struct iommu_iova_range, start) == 0);
static_assert(__same_type(((struct iommu_iova_range *)0)->start, __u64));
static_assert(__alignof__(((struct iommu_iova_range *)0)->start) == 8);
static_assert(offsetof(struct iommu_iova_range, last) == 8);
static_assert(__same_type(((struct iommu_iova_range *)0)->last, __u64));
static_assert(__alignof__(((struct iommu_iova_range *)0)->last) == 8);

/* struct iommu_ioas_iova_ranges */
static_assert(sizeof(struct iommu_ioas_iova_ranges) == 32);
static_assert(__alignof__(struct iommu_ioas_iova_ranges) == 8);
static_assert(offsetof(struct iommu_ioas_iova_ranges, size) == 0);
static_assert(__same_type(((struct iommu_ioas_iova_ranges *)0)->size, __u32));
static_assert(offsetof(struct iommu_ioas_iova_ranges, ioas_id) == 4);
static_assert(__same_type(((struct iommu_ioas_iova_ranges *)0)->ioas_id, __u32));
static_assert(offsetof(struct iommu_ioas_iova_ranges, num_iovas) == 8);
static_assert(__same_type(((struct iommu_ioas_iova_ranges *)0)->num_iovas, __u32));
static_assert(offsetof(struct iommu_ioas_iova_ranges, __reserved) == 12);
static_assert(__same_type(((struct iommu_ioas_iova_ranges *)0)->__reserved, __u32));
static_assert(offsetof(struct iommu_ioas_iova_ranges, allowed_iovas) == 16);
static_assert(__same_type(((struct iommu_ioas_iova_ranges *)0)->allowed_iovas, __u64));
static_assert(__alignof__(((struct iommu_ioas_iova_ranges *)0)->allowed_iovas) == 8);
static_assert(offsetof(struct iommu_ioas_iova_ranges, out_iova_alignment) == 24);
static_assert(__same_type(((struct iommu_ioas_iova_ranges *)0)->out_iova_alignment, __u64));
static_assert(__alignof__(((struct iommu_ioas_iova_ranges *)0)->out_iova_alignment) == 8);

/* struct iommu_ioas_allow_iovas */
static_assert(sizeof(struct iommu_ioas_allow_iovas) == 24);
static_assert(__alignof__(struct iommu_ioas_allow_iovas) == 8);
static_assert(offsetof(struct iommu_ioas_allow_iovas, size) == 0);
static_assert(__same_type(((struct iommu_ioas_allow_iovas *)0)->size, __u32));
static_assert(offsetof(struct iommu_ioas_allow_iovas, ioas_id) == 4);
static_assert(__same_type(((struct iommu_ioas_allow_iovas *)0)->ioas_id, __u32));
static_assert(offsetof(struct iommu_ioas_allow_iovas, num_iovas) == 8);
static_assert(__same_type(((struct iommu_ioas_allow_iovas *)0)->num_iovas, __u32));
static_assert(offsetof(struct iommu_ioas_allow_iovas, __reserved) == 12);
static_assert(__same_type(((struct iommu_ioas_allow_iovas *)0)->__reserved, __u32));
static_assert(offsetof(struct iommu_ioas_allow_iovas, allowed_iovas) == 16);
static_assert(__same_type(((struct iommu_ioas_allow_iovas *)0)->allowed_iovas, __u64));
static_assert(__alignof__(((struct iommu_ioas_allow_iovas *)0)->allowed_iovas) == 8);

/* struct iommu_ioas_map */
static_assert(sizeof(struct iommu_ioas_map) == 40);
static_assert(__alignof__(struct iommu_ioas_map) == 8);
static_assert(offsetof(struct iommu_ioas_map, size) == 0);
static_assert(__same_type(((struct iommu_ioas_map *)0)->size, __u32));
static_assert(offsetof(struct iommu_ioas_map, flags) == 4);
static_assert(__same_type(((struct iommu_ioas_map *)0)->flags, __u32));
static_assert(offsetof(struct iommu_ioas_map, ioas_id) == 8);
static_assert(__same_type(((struct iommu_ioas_map *)0)->ioas_id, __u32));
static_assert(offsetof(struct iommu_ioas_map, __reserved) == 12);
static_assert(__same_type(((struct iommu_ioas_map *)0)->__reserved, __u32));
static_assert(offsetof(struct iommu_ioas_map, user_va) == 16);
static_assert(__same_type(((struct iommu_ioas_map *)0)->user_va, __u64));
static_assert(__alignof__(((struct iommu_ioas_map *)0)->user_va) == 8);
static_assert(offsetof(struct iommu_ioas_map, length) == 24);
static_assert(__same_type(((struct iommu_ioas_map *)0)->length, __u64));
static_assert(__alignof__(((struct iommu_ioas_map *)0)->length) == 8);
static_assert(offsetof(struct iommu_ioas_map, iova) == 32);
static_assert(__same_type(((struct iommu_ioas_map *)0)->iova, __u64));
static_assert(__alignof__(((struct iommu_ioas_map *)0)->iova) == 8);

/* struct iommu_ioas_noiommu_get_pa */
static_assert(sizeof(struct iommu_ioas_noiommu_get_pa) == 40);
static_assert(__alignof__(struct iommu_ioas_noiommu_get_pa) == 8);
static_assert(offsetof(struct iommu_ioas_noiommu_get_pa, size) == 0);
static_assert(__same_type(((struct iommu_ioas_noiommu_get_pa *)0)->size, __u32));
static_assert(offsetof(struct iommu_ioas_noiommu_get_pa, flags) == 4);
static_assert(__same_type(((struct iommu_ioas_noiommu_get_pa *)0)->flags, __u32));
static_assert(offsetof(struct iommu_ioas_noiommu_get_pa, ioas_id) == 8);
static_assert(__same_type(((struct iommu_ioas_noiommu_get_pa *)0)->ioas_id, __u32));
static_assert(offsetof(struct iommu_ioas_noiommu_get_pa, __reserved) == 12);
static_assert(__same_type(((struct iommu_ioas_noiommu_get_pa *)0)->__reserved, __u32));
static_assert(offsetof(struct iommu_ioas_noiommu_get_pa, iova) == 16);
static_assert(__same_type(((struct iommu_ioas_noiommu_get_pa *)0)->iova, __u64));
static_assert(__alignof__(((struct iommu_ioas_noiommu_get_pa *)0)->iova) == 8);
static_assert(offsetof(struct iommu_ioas_noiommu_get_pa, length) == 24);
static_assert(__same_type(((struct iommu_ioas_noiommu_get_pa *)0)->length, __u64));
static_assert(__alignof__(((struct iommu_ioas_noiommu_get_pa *)0)->length) == 8);
static_assert(offsetof(struct iommu_ioas_noiommu_get_pa, out_phys) == 32);
static_assert(__same_type(((struct iommu_ioas_noiommu_get_pa *)0)->out_phys, __u64));
static_assert(__alignof__(((struct iommu_ioas_noiommu_get_pa *)0)->out_phys) == 8);

/* struct iommu_ioas_map_file */
static_assert(sizeof(struct iommu_ioas_map_file) == 40);
static_assert(__alignof__(struct iommu_ioas_map_file) == 8);
static_assert(offsetof(struct iommu_ioas_map_file, size) == 0);
static_assert(__same_type(((struct iommu_ioas_map_file *)0)->size, __u32));
static_assert(offsetof(struct iommu_ioas_map_file, flags) == 4);
static_assert(__same_type(((struct iommu_ioas_map_file *)0)->flags, __u32));
static_assert(offsetof(struct iommu_ioas_map_file, ioas_id) == 8);
static_assert(__same_type(((struct iommu_ioas_map_file *)0)->ioas_id, __u32));
static_assert(offsetof(struct iommu_ioas_map_file, fd) == 12);
static_assert(__same_type(((struct iommu_ioas_map_file *)0)->fd, __s32));
static_assert(offsetof(struct iommu_ioas_map_file, start) == 16);
static_assert(__same_type(((struct iommu_ioas_map_file *)0)->start, __u64));
static_assert(__alignof__(((struct iommu_ioas_map_file *)0)->start) == 8);
static_assert(offsetof(struct iommu_ioas_map_file, length) == 24);
static_assert(__same_type(((struct iommu_ioas_map_file *)0)->length, __u64));
static_assert(__alignof__(((struct iommu_ioas_map_file *)0)->length) == 8);
static_assert(offsetof(struct iommu_ioas_map_file, iova) == 32);
static_assert(__same_type(((struct iommu_ioas_map_file *)0)->iova, __u64));
static_assert(__alignof__(((struct iommu_ioas_map_file *)0)->iova) == 8);

/* struct iommu_ioas_copy */
static_assert(sizeof(struct iommu_ioas_copy) == 40);
static_assert(__alignof__(struct iommu_ioas_copy) == 8);
static_assert(offsetof(struct iommu_ioas_copy, size) == 0);
static_assert(__same_type(((struct iommu_ioas_copy *)0)->size, __u32));
static_assert(offsetof(struct iommu_ioas_copy, flags) == 4);
static_assert(__same_type(((struct iommu_ioas_copy *)0)->flags, __u32));
static_assert(offsetof(struct iommu_ioas_copy, dst_ioas_id) == 8);
static_assert(__same_type(((struct iommu_ioas_copy *)0)->dst_ioas_id, __u32));
static_assert(offsetof(struct iommu_ioas_copy, src_ioas_id) == 12);
static_assert(__same_type(((struct iommu_ioas_copy *)0)->src_ioas_id, __u32));
static_assert(offsetof(struct iommu_ioas_copy, length) == 16);
static_assert(__same_type(((struct iommu_ioas_copy *)0)->length, __u64));
static_assert(__alignof__(((struct iommu_ioas_copy *)0)->length) == 8);
static_assert(offsetof(struct iommu_ioas_copy, dst_iova) == 24);
static_assert(__same_type(((struct iommu_ioas_copy *)0)->dst_iova, __u64));
static_assert(__alignof__(((struct iommu_ioas_copy *)0)->dst_iova) == 8);
static_assert(offsetof(struct iommu_ioas_copy, src_iova) == 32);
static_assert(__same_type(((struct iommu_ioas_copy *)0)->src_iova, __u64));
static_assert(__alignof__(((struct iommu_ioas_copy *)0)->src_iova) == 8);

/* struct iommu_ioas_unmap */
static_assert(sizeof(struct iommu_ioas_unmap) == 24);
static_assert(__alignof__(struct iommu_ioas_unmap) == 8);
static_assert(offsetof(struct iommu_ioas_unmap, size) == 0);
static_assert(__same_type(((struct iommu_ioas_unmap *)0)->size, __u32));
static_assert(offsetof(struct iommu_ioas_unmap, ioas_id) == 4);
static_assert(__same_type(((struct iommu_ioas_unmap *)0)->ioas_id, __u32));
static_assert(offsetof(struct iommu_ioas_unmap, iova) == 8);
static_assert(__same_type(((struct iommu_ioas_unmap *)0)->iova, __u64));
static_assert(__alignof__(((struct iommu_ioas_unmap *)0)->iova) == 8);
static_assert(offsetof(struct iommu_ioas_unmap, length) == 16);
static_assert(__same_type(((struct iommu_ioas_unmap *)0)->length, __u64));
static_assert(__alignof__(((struct iommu_ioas_unmap *)0)->length) == 8);

/* struct iommu_option */
static_assert(sizeof(struct iommu_option) == 24);
static_assert(__alignof__(struct iommu_option) == 8);
static_assert(offsetof(struct iommu_option, size) == 0);
static_assert(__same_type(((struct iommu_option *)0)->size, __u32));
static_assert(offsetof(struct iommu_option, option_id) == 4);
static_assert(__same_type(((struct iommu_option *)0)->option_id, __u32));
static_assert(offsetof(struct iommu_option, op) == 8);
static_assert(__same_type(((struct iommu_option *)0)->op, __u16));
static_assert(offsetof(struct iommu_option, __reserved) == 10);
static_assert(__same_type(((struct iommu_option *)0)->__reserved, __u16));
static_assert(offsetof(struct iommu_option, object_id) == 12);
static_assert(__same_type(((struct iommu_option *)0)->object_id, __u32));
static_assert(offsetof(struct iommu_option, val64) == 16);
static_assert(__same_type(((struct iommu_option *)0)->val64, __u64));
static_assert(__alignof__(((struct iommu_option *)0)->val64) == 8);

/* struct iommu_vfio_ioas */
static_assert(sizeof(struct iommu_vfio_ioas) == 12);
static_assert(__alignof__(struct iommu_vfio_ioas) == 4);
static_assert(offsetof(struct iommu_vfio_ioas, size) == 0);
static_assert(__same_type(((struct iommu_vfio_ioas *)0)->size, __u32));
static_assert(offsetof(struct iommu_vfio_ioas, ioas_id) == 4);
static_assert(__same_type(((struct iommu_vfio_ioas *)0)->ioas_id, __u32));
static_assert(offsetof(struct iommu_vfio_ioas, op) == 8);
static_assert(__same_type(((struct iommu_vfio_ioas *)0)->op, __u16));
static_assert(offsetof(struct iommu_vfio_ioas, __reserved) == 10);
static_assert(__same_type(((struct iommu_vfio_ioas *)0)->__reserved, __u16));

/* struct iommu_hwpt_vtd_s1 */
static_assert(sizeof(struct iommu_hwpt_vtd_s1) == 24);
static_assert(__alignof__(struct iommu_hwpt_vtd_s1) == 8);
static_assert(offsetof(struct iommu_hwpt_vtd_s1, flags) == 0);
static_assert(__same_type(((struct iommu_hwpt_vtd_s1 *)0)->flags, __u64));
static_assert(__alignof__(((struct iommu_hwpt_vtd_s1 *)0)->flags) == 8);
static_assert(offsetof(struct iommu_hwpt_vtd_s1, pgtbl_addr) == 8);
static_assert(__same_type(((struct iommu_hwpt_vtd_s1 *)0)->pgtbl_addr, __u64));
static_assert(__alignof__(((struct iommu_hwpt_vtd_s1 *)0)->pgtbl_addr) == 8);
static_assert(offsetof(struct iommu_hwpt_vtd_s1, addr_width) == 16);
static_assert(__same_type(((struct iommu_hwpt_vtd_s1 *)0)->addr_width, __u32));
static_assert(offsetof(struct iommu_hwpt_vtd_s1, __reserved) == 20);
static_assert(__same_type(((struct iommu_hwpt_vtd_s1 *)0)->__reserved, __u32));

/* struct iommu_hwpt_arm_smmuv3 */
static_assert(sizeof(struct iommu_hwpt_arm_smmuv3) == 16);
static_assert(__alignof__(struct iommu_hwpt_arm_smmuv3) == 8);
static_assert(offsetof(struct iommu_hwpt_arm_smmuv3, ste) == 0);
static_assert(__same_type(((struct iommu_hwpt_arm_smmuv3 *)0)->ste, __le64[2]));
static_assert(__alignof__(((struct iommu_hwpt_arm_smmuv3 *)0)->ste) == 8);

/* struct iommu_hwpt_amd_guest */
static_assert(sizeof(struct iommu_hwpt_amd_guest) == 32);
static_assert(__alignof__(struct iommu_hwpt_amd_guest) == 8);
static_assert(offsetof(struct iommu_hwpt_amd_guest, dte) == 0);
static_assert(__same_type(((struct iommu_hwpt_amd_guest *)0)->dte, __u64[4]));
static_assert(__alignof__(((struct iommu_hwpt_amd_guest *)0)->dte) == 8);

/* struct iommu_hwpt_alloc */
static_assert(sizeof(struct iommu_hwpt_alloc) == 48);
static_assert(__alignof__(struct iommu_hwpt_alloc) == 8);
static_assert(offsetof(struct iommu_hwpt_alloc, size) == 0);
static_assert(__same_type(((struct iommu_hwpt_alloc *)0)->size, __u32));
static_assert(offsetof(struct iommu_hwpt_alloc, flags) == 4);
static_assert(__same_type(((struct iommu_hwpt_alloc *)0)->flags, __u32));
static_assert(offsetof(struct iommu_hwpt_alloc, dev_id) == 8);
static_assert(__same_type(((struct iommu_hwpt_alloc *)0)->dev_id, __u32));
static_assert(offsetof(struct iommu_hwpt_alloc, pt_id) == 12);
static_assert(__same_type(((struct iommu_hwpt_alloc *)0)->pt_id, __u32));
static_assert(offsetof(struct iommu_hwpt_alloc, out_hwpt_id) == 16);
static_assert(__same_type(((struct iommu_hwpt_alloc *)0)->out_hwpt_id, __u32));
static_assert(offsetof(struct iommu_hwpt_alloc, __reserved) == 20);
static_assert(__same_type(((struct iommu_hwpt_alloc *)0)->__reserved, __u32));
static_assert(offsetof(struct iommu_hwpt_alloc, data_type) == 24);
static_assert(__same_type(((struct iommu_hwpt_alloc *)0)->data_type, __u32));
static_assert(offsetof(struct iommu_hwpt_alloc, data_len) == 28);
static_assert(__same_type(((struct iommu_hwpt_alloc *)0)->data_len, __u32));
static_assert(offsetof(struct iommu_hwpt_alloc, data_uptr) == 32);
static_assert(__same_type(((struct iommu_hwpt_alloc *)0)->data_uptr, __u64));
static_assert(__alignof__(((struct iommu_hwpt_alloc *)0)->data_uptr) == 8);
static_assert(offsetof(struct iommu_hwpt_alloc, fault_id) == 40);
static_assert(__same_type(((struct iommu_hwpt_alloc *)0)->fault_id, __u32));
static_assert(offsetof(struct iommu_hwpt_alloc, __reserved2) == 44);
static_assert(__same_type(((struct iommu_hwpt_alloc *)0)->__reserved2, __u32));

/* struct iommu_hw_info_vtd */
static_assert(sizeof(struct iommu_hw_info_vtd) == 24);
static_assert(__alignof__(struct iommu_hw_info_vtd) == 8);
static_assert(offsetof(struct iommu_hw_info_vtd, flags) == 0);
static_assert(__same_type(((struct iommu_hw_info_vtd *)0)->flags, __u32));
static_assert(offsetof(struct iommu_hw_info_vtd, __reserved) == 4);
static_assert(__same_type(((struct iommu_hw_info_vtd *)0)->__reserved, __u32));
static_assert(offsetof(struct iommu_hw_info_vtd, cap_reg) == 8);
static_assert(__same_type(((struct iommu_hw_info_vtd *)0)->cap_reg, __u64));
static_assert(__alignof__(((struct iommu_hw_info_vtd *)0)->cap_reg) == 8);
static_assert(offsetof(struct iommu_hw_info_vtd, ecap_reg) == 16);
static_assert(__same_type(((struct iommu_hw_info_vtd *)0)->ecap_reg, __u64));
static_assert(__alignof__(((struct iommu_hw_info_vtd *)0)->ecap_reg) == 8);

/* struct iommu_hw_info_arm_smmuv3 */
static_assert(sizeof(struct iommu_hw_info_arm_smmuv3) == 40);
static_assert(__alignof__(struct iommu_hw_info_arm_smmuv3) == 4);
static_assert(offsetof(struct iommu_hw_info_arm_smmuv3, flags) == 0);
static_assert(__same_type(((struct iommu_hw_info_arm_smmuv3 *)0)->flags, __u32));
static_assert(offsetof(struct iommu_hw_info_arm_smmuv3, __reserved) == 4);
static_assert(__same_type(((struct iommu_hw_info_arm_smmuv3 *)0)->__reserved, __u32));
static_assert(offsetof(struct iommu_hw_info_arm_smmuv3, idr) == 8);
static_assert(__same_type(((struct iommu_hw_info_arm_smmuv3 *)0)->idr, __u32[6]));
static_assert(offsetof(struct iommu_hw_info_arm_smmuv3, iidr) == 32);
static_assert(__same_type(((struct iommu_hw_info_arm_smmuv3 *)0)->iidr, __u32));
static_assert(offsetof(struct iommu_hw_info_arm_smmuv3, aidr) == 36);
static_assert(__same_type(((struct iommu_hw_info_arm_smmuv3 *)0)->aidr, __u32));

/* struct iommu_hw_info_tegra241_cmdqv */
static_assert(sizeof(struct iommu_hw_info_tegra241_cmdqv) == 8);
static_assert(__alignof__(struct iommu_hw_info_tegra241_cmdqv) == 4);
static_assert(offsetof(struct iommu_hw_info_tegra241_cmdqv, flags) == 0);
static_assert(__same_type(((struct iommu_hw_info_tegra241_cmdqv *)0)->flags, __u32));
static_assert(offsetof(struct iommu_hw_info_tegra241_cmdqv, version) == 4);
static_assert(__same_type(((struct iommu_hw_info_tegra241_cmdqv *)0)->version, __u8));
static_assert(offsetof(struct iommu_hw_info_tegra241_cmdqv, log2vcmdqs) == 5);
static_assert(__same_type(((struct iommu_hw_info_tegra241_cmdqv *)0)->log2vcmdqs, __u8));
static_assert(offsetof(struct iommu_hw_info_tegra241_cmdqv, log2vsids) == 6);
static_assert(__same_type(((struct iommu_hw_info_tegra241_cmdqv *)0)->log2vsids, __u8));
static_assert(offsetof(struct iommu_hw_info_tegra241_cmdqv, __reserved) == 7);
static_assert(__same_type(((struct iommu_hw_info_tegra241_cmdqv *)0)->__reserved, __u8));

/* struct iommu_hw_info_amd */
static_assert(sizeof(struct iommu_hw_info_amd) == 16);
static_assert(__alignof__(struct iommu_hw_info_amd) == 8);
static_assert(offsetof(struct iommu_hw_info_amd, efr) == 0);
static_assert(__same_type(((struct iommu_hw_info_amd *)0)->efr, __u64));
static_assert(__alignof__(((struct iommu_hw_info_amd *)0)->efr) == 8);
static_assert(offsetof(struct iommu_hw_info_amd, efr2) == 8);
static_assert(__same_type(((struct iommu_hw_info_amd *)0)->efr2, __u64));
static_assert(__alignof__(((struct iommu_hw_info_amd *)0)->efr2) == 8);

/* struct iommu_hw_info */
static_assert(sizeof(struct iommu_hw_info) == 40);
static_assert(__alignof__(struct iommu_hw_info) == 8);
static_assert(offsetof(struct iommu_hw_info, size) == 0);
static_assert(__same_type(((struct iommu_hw_info *)0)->size, __u32));
static_assert(offsetof(struct iommu_hw_info, flags) == 4);
static_assert(__same_type(((struct iommu_hw_info *)0)->flags, __u32));
static_assert(offsetof(struct iommu_hw_info, dev_id) == 8);
static_assert(__same_type(((struct iommu_hw_info *)0)->dev_id, __u32));
static_assert(offsetof(struct iommu_hw_info, data_len) == 12);
static_assert(__same_type(((struct iommu_hw_info *)0)->data_len, __u32));
static_assert(offsetof(struct iommu_hw_info, data_uptr) == 16);
static_assert(__same_type(((struct iommu_hw_info *)0)->data_uptr, __u64));
static_assert(__alignof__(((struct iommu_hw_info *)0)->data_uptr) == 8);
static_assert(offsetof(struct iommu_hw_info, in_data_type) == 24);
static_assert(__same_type(((struct iommu_hw_info *)0)->in_data_type, __u32));
static_assert(offsetof(struct iommu_hw_info, out_data_type) == 24);
static_assert(__same_type(((struct iommu_hw_info *)0)->out_data_type, __u32));
static_assert(offsetof(struct iommu_hw_info, out_max_pasid_log2) == 28);
static_assert(__same_type(((struct iommu_hw_info *)0)->out_max_pasid_log2, __u8));
static_assert(offsetof(struct iommu_hw_info, __reserved) == 29);
static_assert(__same_type(((struct iommu_hw_info *)0)->__reserved, __u8[3]));
static_assert(offsetof(struct iommu_hw_info, out_capabilities) == 32);
static_assert(__same_type(((struct iommu_hw_info *)0)->out_capabilities, __u64));
static_assert(__alignof__(((struct iommu_hw_info *)0)->out_capabilities) == 8);

/* struct iommu_hwpt_set_dirty_tracking */
static_assert(sizeof(struct iommu_hwpt_set_dirty_tracking) == 16);
static_assert(__alignof__(struct iommu_hwpt_set_dirty_tracking) == 4);
static_assert(offsetof(struct iommu_hwpt_set_dirty_tracking, size) == 0);
static_assert(__same_type(((struct iommu_hwpt_set_dirty_tracking *)0)->size, __u32));
static_assert(offsetof(struct iommu_hwpt_set_dirty_tracking, flags) == 4);
static_assert(__same_type(((struct iommu_hwpt_set_dirty_tracking *)0)->flags, __u32));
static_assert(offsetof(struct iommu_hwpt_set_dirty_tracking, hwpt_id) == 8);
static_assert(__same_type(((struct iommu_hwpt_set_dirty_tracking *)0)->hwpt_id, __u32));
static_assert(offsetof(struct iommu_hwpt_set_dirty_tracking, __reserved) == 12);
static_assert(__same_type(((struct iommu_hwpt_set_dirty_tracking *)0)->__reserved, __u32));

/* struct iommu_hwpt_get_dirty_bitmap */
static_assert(sizeof(struct iommu_hwpt_get_dirty_bitmap) == 48);
static_assert(__alignof__(struct iommu_hwpt_get_dirty_bitmap) == 8);
static_assert(offsetof(struct iommu_hwpt_get_dirty_bitmap, size) == 0);
static_assert(__same_type(((struct iommu_hwpt_get_dirty_bitmap *)0)->size, __u32));
static_assert(offsetof(struct iommu_hwpt_get_dirty_bitmap, hwpt_id) == 4);
static_assert(__same_type(((struct iommu_hwpt_get_dirty_bitmap *)0)->hwpt_id, __u32));
static_assert(offsetof(struct iommu_hwpt_get_dirty_bitmap, flags) == 8);
static_assert(__same_type(((struct iommu_hwpt_get_dirty_bitmap *)0)->flags, __u32));
static_assert(offsetof(struct iommu_hwpt_get_dirty_bitmap, __reserved) == 12);
static_assert(__same_type(((struct iommu_hwpt_get_dirty_bitmap *)0)->__reserved, __u32));
static_assert(offsetof(struct iommu_hwpt_get_dirty_bitmap, iova) == 16);
static_assert(__same_type(((struct iommu_hwpt_get_dirty_bitmap *)0)->iova, __u64));
static_assert(__alignof__(((struct iommu_hwpt_get_dirty_bitmap *)0)->iova) == 8);
static_assert(offsetof(struct iommu_hwpt_get_dirty_bitmap, length) == 24);
static_assert(__same_type(((struct iommu_hwpt_get_dirty_bitmap *)0)->length, __u64));
static_assert(__alignof__(((struct iommu_hwpt_get_dirty_bitmap *)0)->length) == 8);
static_assert(offsetof(struct iommu_hwpt_get_dirty_bitmap, page_size) == 32);
static_assert(__same_type(((struct iommu_hwpt_get_dirty_bitmap *)0)->page_size, __u64));
static_assert(__alignof__(((struct iommu_hwpt_get_dirty_bitmap *)0)->page_size) == 8);
static_assert(offsetof(struct iommu_hwpt_get_dirty_bitmap, data) == 40);
static_assert(__same_type(((struct iommu_hwpt_get_dirty_bitmap *)0)->data, __u64));
static_assert(__alignof__(((struct iommu_hwpt_get_dirty_bitmap *)0)->data) == 8);

/* struct iommu_hwpt_vtd_s1_invalidate */
static_assert(sizeof(struct iommu_hwpt_vtd_s1_invalidate) == 24);
static_assert(__alignof__(struct iommu_hwpt_vtd_s1_invalidate) == 8);
static_assert(offsetof(struct iommu_hwpt_vtd_s1_invalidate, addr) == 0);
static_assert(__same_type(((struct iommu_hwpt_vtd_s1_invalidate *)0)->addr, __u64));
static_assert(__alignof__(((struct iommu_hwpt_vtd_s1_invalidate *)0)->addr) == 8);
static_assert(offsetof(struct iommu_hwpt_vtd_s1_invalidate, npages) == 8);
static_assert(__same_type(((struct iommu_hwpt_vtd_s1_invalidate *)0)->npages, __u64));
static_assert(__alignof__(((struct iommu_hwpt_vtd_s1_invalidate *)0)->npages) == 8);
static_assert(offsetof(struct iommu_hwpt_vtd_s1_invalidate, flags) == 16);
static_assert(__same_type(((struct iommu_hwpt_vtd_s1_invalidate *)0)->flags, __u32));
static_assert(offsetof(struct iommu_hwpt_vtd_s1_invalidate, __reserved) == 20);
static_assert(__same_type(((struct iommu_hwpt_vtd_s1_invalidate *)0)->__reserved, __u32));

/* struct iommu_viommu_arm_smmuv3_invalidate */
static_assert(sizeof(struct iommu_viommu_arm_smmuv3_invalidate) == 16);
static_assert(__alignof__(struct iommu_viommu_arm_smmuv3_invalidate) == 8);
static_assert(offsetof(struct iommu_viommu_arm_smmuv3_invalidate, cmd) == 0);
static_assert(__same_type(((struct iommu_viommu_arm_smmuv3_invalidate *)0)->cmd, __le64[2]));
static_assert(__alignof__(((struct iommu_viommu_arm_smmuv3_invalidate *)0)->cmd) == 8);

/* struct iommu_hwpt_invalidate */
static_assert(sizeof(struct iommu_hwpt_invalidate) == 32);
static_assert(__alignof__(struct iommu_hwpt_invalidate) == 8);
static_assert(offsetof(struct iommu_hwpt_invalidate, size) == 0);
static_assert(__same_type(((struct iommu_hwpt_invalidate *)0)->size, __u32));
static_assert(offsetof(struct iommu_hwpt_invalidate, hwpt_id) == 4);
static_assert(__same_type(((struct iommu_hwpt_invalidate *)0)->hwpt_id, __u32));
static_assert(offsetof(struct iommu_hwpt_invalidate, data_uptr) == 8);
static_assert(__same_type(((struct iommu_hwpt_invalidate *)0)->data_uptr, __u64));
static_assert(__alignof__(((struct iommu_hwpt_invalidate *)0)->data_uptr) == 8);
static_assert(offsetof(struct iommu_hwpt_invalidate, data_type) == 16);
static_assert(__same_type(((struct iommu_hwpt_invalidate *)0)->data_type, __u32));
static_assert(offsetof(struct iommu_hwpt_invalidate, entry_len) == 20);
static_assert(__same_type(((struct iommu_hwpt_invalidate *)0)->entry_len, __u32));
static_assert(offsetof(struct iommu_hwpt_invalidate, entry_num) == 24);
static_assert(__same_type(((struct iommu_hwpt_invalidate *)0)->entry_num, __u32));
static_assert(offsetof(struct iommu_hwpt_invalidate, __reserved) == 28);
static_assert(__same_type(((struct iommu_hwpt_invalidate *)0)->__reserved, __u32));

/* struct iommu_hwpt_pgfault */
static_assert(sizeof(struct iommu_hwpt_pgfault) == 40);
static_assert(__alignof__(struct iommu_hwpt_pgfault) == 8);
static_assert(offsetof(struct iommu_hwpt_pgfault, flags) == 0);
static_assert(__same_type(((struct iommu_hwpt_pgfault *)0)->flags, __u32));
static_assert(offsetof(struct iommu_hwpt_pgfault, dev_id) == 4);
static_assert(__same_type(((struct iommu_hwpt_pgfault *)0)->dev_id, __u32));
static_assert(offsetof(struct iommu_hwpt_pgfault, pasid) == 8);
static_assert(__same_type(((struct iommu_hwpt_pgfault *)0)->pasid, __u32));
static_assert(offsetof(struct iommu_hwpt_pgfault, grpid) == 12);
static_assert(__same_type(((struct iommu_hwpt_pgfault *)0)->grpid, __u32));
static_assert(offsetof(struct iommu_hwpt_pgfault, perm) == 16);
static_assert(__same_type(((struct iommu_hwpt_pgfault *)0)->perm, __u32));
static_assert(offsetof(struct iommu_hwpt_pgfault, __reserved) == 20);
static_assert(__same_type(((struct iommu_hwpt_pgfault *)0)->__reserved, __u32));
static_assert(offsetof(struct iommu_hwpt_pgfault, addr) == 24);
static_assert(__same_type(((struct iommu_hwpt_pgfault *)0)->addr, __u64));
static_assert(__alignof__(((struct iommu_hwpt_pgfault *)0)->addr) == 8);
static_assert(offsetof(struct iommu_hwpt_pgfault, length) == 32);
static_assert(__same_type(((struct iommu_hwpt_pgfault *)0)->length, __u32));
static_assert(offsetof(struct iommu_hwpt_pgfault, cookie) == 36);
static_assert(__same_type(((struct iommu_hwpt_pgfault *)0)->cookie, __u32));

/* struct iommu_hwpt_page_response */
static_assert(sizeof(struct iommu_hwpt_page_response) == 8);
static_assert(__alignof__(struct iommu_hwpt_page_response) == 4);
static_assert(offsetof(struct iommu_hwpt_page_response, cookie) == 0);
static_assert(__same_type(((struct iommu_hwpt_page_response *)0)->cookie, __u32));
static_assert(offsetof(struct iommu_hwpt_page_response, code) == 4);
static_assert(__same_type(((struct iommu_hwpt_page_response *)0)->code, __u32));

/* struct iommu_fault_alloc */
static_assert(sizeof(struct iommu_fault_alloc) == 16);
static_assert(__alignof__(struct iommu_fault_alloc) == 4);
static_assert(offsetof(struct iommu_fault_alloc, size) == 0);
static_assert(__same_type(((struct iommu_fault_alloc *)0)->size, __u32));
static_assert(offsetof(struct iommu_fault_alloc, flags) == 4);
static_assert(__same_type(((struct iommu_fault_alloc *)0)->flags, __u32));
static_assert(offsetof(struct iommu_fault_alloc, out_fault_id) == 8);
static_assert(__same_type(((struct iommu_fault_alloc *)0)->out_fault_id, __u32));
static_assert(offsetof(struct iommu_fault_alloc, out_fault_fd) == 12);
static_assert(__same_type(((struct iommu_fault_alloc *)0)->out_fault_fd, __u32));

/* struct iommu_viommu_tegra241_cmdqv */
static_assert(sizeof(struct iommu_viommu_tegra241_cmdqv) == 16);
static_assert(__alignof__(struct iommu_viommu_tegra241_cmdqv) == 8);
static_assert(offsetof(struct iommu_viommu_tegra241_cmdqv, out_vintf_mmap_offset) == 0);
static_assert(__same_type(((struct iommu_viommu_tegra241_cmdqv *)0)->out_vintf_mmap_offset, __u64));
static_assert(__alignof__(((struct iommu_viommu_tegra241_cmdqv *)0)->out_vintf_mmap_offset) == 8);
static_assert(offsetof(struct iommu_viommu_tegra241_cmdqv, out_vintf_mmap_length) == 8);
static_assert(__same_type(((struct iommu_viommu_tegra241_cmdqv *)0)->out_vintf_mmap_length, __u64));
static_assert(__alignof__(((struct iommu_viommu_tegra241_cmdqv *)0)->out_vintf_mmap_length) == 8);

/* struct iommu_viommu_alloc */
static_assert(sizeof(struct iommu_viommu_alloc) == 40);
static_assert(__alignof__(struct iommu_viommu_alloc) == 8);
static_assert(offsetof(struct iommu_viommu_alloc, size) == 0);
static_assert(__same_type(((struct iommu_viommu_alloc *)0)->size, __u32));
static_assert(offsetof(struct iommu_viommu_alloc, flags) == 4);
static_assert(__same_type(((struct iommu_viommu_alloc *)0)->flags, __u32));
static_assert(offsetof(struct iommu_viommu_alloc, type) == 8);
static_assert(__same_type(((struct iommu_viommu_alloc *)0)->type, __u32));
static_assert(offsetof(struct iommu_viommu_alloc, dev_id) == 12);
static_assert(__same_type(((struct iommu_viommu_alloc *)0)->dev_id, __u32));
static_assert(offsetof(struct iommu_viommu_alloc, hwpt_id) == 16);
static_assert(__same_type(((struct iommu_viommu_alloc *)0)->hwpt_id, __u32));
static_assert(offsetof(struct iommu_viommu_alloc, out_viommu_id) == 20);
static_assert(__same_type(((struct iommu_viommu_alloc *)0)->out_viommu_id, __u32));
static_assert(offsetof(struct iommu_viommu_alloc, data_len) == 24);
static_assert(__same_type(((struct iommu_viommu_alloc *)0)->data_len, __u32));
static_assert(offsetof(struct iommu_viommu_alloc, __reserved) == 28);
static_assert(__same_type(((struct iommu_viommu_alloc *)0)->__reserved, __u32));
static_assert(offsetof(struct iommu_viommu_alloc, data_uptr) == 32);
static_assert(__same_type(((struct iommu_viommu_alloc *)0)->data_uptr, __u64));
static_assert(__alignof__(((struct iommu_viommu_alloc *)0)->data_uptr) == 8);

/* struct iommu_vdevice_alloc */
static_assert(sizeof(struct iommu_vdevice_alloc) == 24);
static_assert(__alignof__(struct iommu_vdevice_alloc) == 8);
static_assert(offsetof(struct iommu_vdevice_alloc, size) == 0);
static_assert(__same_type(((struct iommu_vdevice_alloc *)0)->size, __u32));
static_assert(offsetof(struct iommu_vdevice_alloc, viommu_id) == 4);
static_assert(__same_type(((struct iommu_vdevice_alloc *)0)->viommu_id, __u32));
static_assert(offsetof(struct iommu_vdevice_alloc, dev_id) == 8);
static_assert(__same_type(((struct iommu_vdevice_alloc *)0)->dev_id, __u32));
static_assert(offsetof(struct iommu_vdevice_alloc, out_vdevice_id) == 12);
static_assert(__same_type(((struct iommu_vdevice_alloc *)0)->out_vdevice_id, __u32));
static_assert(offsetof(struct iommu_vdevice_alloc, virt_id) == 16);
static_assert(__same_type(((struct iommu_vdevice_alloc *)0)->virt_id, __u64));
static_assert(__alignof__(((struct iommu_vdevice_alloc *)0)->virt_id) == 8);

/* struct iommu_ioas_change_process */
static_assert(sizeof(struct iommu_ioas_change_process) == 8);
static_assert(__alignof__(struct iommu_ioas_change_process) == 4);
static_assert(offsetof(struct iommu_ioas_change_process, size) == 0);
static_assert(__same_type(((struct iommu_ioas_change_process *)0)->size, __u32));
static_assert(offsetof(struct iommu_ioas_change_process, __reserved) == 4);
static_assert(__same_type(((struct iommu_ioas_change_process *)0)->__reserved, __u32));

/* struct iommufd_vevent_header */
static_assert(sizeof(struct iommufd_vevent_header) == 8);
static_assert(__alignof__(struct iommufd_vevent_header) == 4);
static_assert(offsetof(struct iommufd_vevent_header, flags) == 0);
static_assert(__same_type(((struct iommufd_vevent_header *)0)->flags, __u32));
static_assert(offsetof(struct iommufd_vevent_header, sequence) == 4);
static_assert(__same_type(((struct iommufd_vevent_header *)0)->sequence, __u32));

/* struct iommu_vevent_arm_smmuv3 */
static_assert(sizeof(struct iommu_vevent_arm_smmuv3) == 32);
static_assert(__alignof__(struct iommu_vevent_arm_smmuv3) == 8);
static_assert(offsetof(struct iommu_vevent_arm_smmuv3, evt) == 0);
static_assert(__same_type(((struct iommu_vevent_arm_smmuv3 *)0)->evt, __le64[4]));
static_assert(__alignof__(((struct iommu_vevent_arm_smmuv3 *)0)->evt) == 8);

/* struct iommu_vevent_tegra241_cmdqv */
static_assert(sizeof(struct iommu_vevent_tegra241_cmdqv) == 16);
static_assert(__alignof__(struct iommu_vevent_tegra241_cmdqv) == 8);
static_assert(offsetof(struct iommu_vevent_tegra241_cmdqv, lvcmdq_err_map) == 0);
static_assert(__same_type(((struct iommu_vevent_tegra241_cmdqv *)0)->lvcmdq_err_map, __le64[2]));
static_assert(__alignof__(((struct iommu_vevent_tegra241_cmdqv *)0)->lvcmdq_err_map) == 8);

/* struct iommu_veventq_alloc */
static_assert(sizeof(struct iommu_veventq_alloc) == 32);
static_assert(__alignof__(struct iommu_veventq_alloc) == 4);
static_assert(offsetof(struct iommu_veventq_alloc, size) == 0);
static_assert(__same_type(((struct iommu_veventq_alloc *)0)->size, __u32));
static_assert(offsetof(struct iommu_veventq_alloc, flags) == 4);
static_assert(__same_type(((struct iommu_veventq_alloc *)0)->flags, __u32));
static_assert(offsetof(struct iommu_veventq_alloc, viommu_id) == 8);
static_assert(__same_type(((struct iommu_veventq_alloc *)0)->viommu_id, __u32));
static_assert(offsetof(struct iommu_veventq_alloc, type) == 12);
static_assert(__same_type(((struct iommu_veventq_alloc *)0)->type, __u32));
static_assert(offsetof(struct iommu_veventq_alloc, veventq_depth) == 16);
static_assert(__same_type(((struct iommu_veventq_alloc *)0)->veventq_depth, __u32));
static_assert(offsetof(struct iommu_veventq_alloc, out_veventq_id) == 20);
static_assert(__same_type(((struct iommu_veventq_alloc *)0)->out_veventq_id, __u32));
static_assert(offsetof(struct iommu_veventq_alloc, out_veventq_fd) == 24);
static_assert(__same_type(((struct iommu_veventq_alloc *)0)->out_veventq_fd, __u32));
static_assert(offsetof(struct iommu_veventq_alloc, __reserved) == 28);
static_assert(__same_type(((struct iommu_veventq_alloc *)0)->__reserved, __u32));

/* struct iommu_hw_queue_alloc */
static_assert(sizeof(struct iommu_hw_queue_alloc) == 40);
static_assert(__alignof__(struct iommu_hw_queue_alloc) == 8);
static_assert(offsetof(struct iommu_hw_queue_alloc, size) == 0);
static_assert(__same_type(((struct iommu_hw_queue_alloc *)0)->size, __u32));
static_assert(offsetof(struct iommu_hw_queue_alloc, flags) == 4);
static_assert(__same_type(((struct iommu_hw_queue_alloc *)0)->flags, __u32));
static_assert(offsetof(struct iommu_hw_queue_alloc, viommu_id) == 8);
static_assert(__same_type(((struct iommu_hw_queue_alloc *)0)->viommu_id, __u32));
static_assert(offsetof(struct iommu_hw_queue_alloc, type) == 12);
static_assert(__same_type(((struct iommu_hw_queue_alloc *)0)->type, __u32));
static_assert(offsetof(struct iommu_hw_queue_alloc, index) == 16);
static_assert(__same_type(((struct iommu_hw_queue_alloc *)0)->index, __u32));
static_assert(offsetof(struct iommu_hw_queue_alloc, out_hw_queue_id) == 20);
static_assert(__same_type(((struct iommu_hw_queue_alloc *)0)->out_hw_queue_id, __u32));
static_assert(offsetof(struct iommu_hw_queue_alloc, nesting_parent_iova) == 24);
static_assert(__same_type(((struct iommu_hw_queue_alloc *)0)->nesting_parent_iova, __u64));
static_assert(__alignof__(((struct iommu_hw_queue_alloc *)0)->nesting_parent_iova) == 8);
static_assert(offsetof(struct iommu_hw_queue_alloc, length) == 32);
static_assert(__same_type(((struct iommu_hw_queue_alloc *)0)->length, __u64));
static_assert(__alignof__(((struct iommu_hw_queue_alloc *)0)->length) == 8);
