/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * iommufd-emu: the userspace interface of /dev/iommu.
 *
 * This header describes the same binary interface as the iommufd uAPI of
 * mainline Linux: every command number, structure layout, flag bit and enum
 * value is meant to be interchangeable with it, so that programs built for
 * the mainline interface work unchanged. drivers/iommufd/uapi_layout.c
 * checks the layouts at build time.
 */
#ifndef _UAPI_IOMMUFD_H
#define _UAPI_IOMMUFD_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define IOMMUFD_TYPE (';')

/**
 * DOC: Conventions shared by every iommufd command
 *
 * Each command is issued as ioctl(fd, IOMMU_xxx, &arg) on an open /dev/iommu
 * file. The request number is _IO(IOMMUFD_TYPE, nr): it encodes neither a
 * transfer direction nor a length. The length travels inside the argument
 * instead: the first __u32 of every command structure, @size, holds the number
 * of bytes userspace is passing, normally sizeof() of the structure as that
 * program was compiled. This lets the structures grow at the end over time
 * without new request numbers:
 *
 *  - A @size below the smallest length the kernel has ever accepted for the
 *    command fails with EINVAL.
 *  - A @size larger than the kernel's own structure is accepted only when all
 *    of the extra bytes are zero; the command then behaves as if @size had
 *    been exactly the kernel's length. Any non-zero extra byte gives E2BIG.
 *  - Output fields are written back only within the first @size bytes.
 *
 * Object IDs are __u32 values local to one open file and never 0. Addresses
 * of user memory are carried in __aligned_u64 fields so that the layout is
 * the same for 32-bit and 64-bit callers. Fields named __reserved must be
 * zero.
 *
 * The common error codes mean:
 *
 *  - ENOTTY: the request number is not an iommufd command at all.
 *  - E2BIG: the structure is larger than the kernel understands and the
 *    unknown tail is not zero.
 *  - EOPNOTSUPP: the structure was understood, but a flag, type, operation
 *    or reserved field holds a value this kernel does not support.
 *  - EINVAL: everything was understood, but a value is not valid here.
 *  - ENOENT: an object ID or an IOVA given by the caller does not exist.
 *  - ENOMEM: an allocation failed.
 *  - EOVERFLOW: an address or length calculation would wrap around.
 *
 * Individual commands document further error codes where they use them.
 */
enum {
	IOMMUFD_CMD_BASE = 0x80,
	IOMMUFD_CMD_DESTROY = IOMMUFD_CMD_BASE,
	IOMMUFD_CMD_IOAS_ALLOC = 0x81,
	IOMMUFD_CMD_IOAS_ALLOW_IOVAS = 0x82,
	IOMMUFD_CMD_IOAS_COPY = 0x83,
	IOMMUFD_CMD_IOAS_IOVA_RANGES = 0x84,
	IOMMUFD_CMD_IOAS_MAP = 0x85,
	IOMMUFD_CMD_IOAS_UNMAP = 0x86,
	IOMMUFD_CMD_OPTION = 0x87,
	IOMMUFD_CMD_VFIO_IOAS = 0x88,
	IOMMUFD_CMD_HWPT_ALLOC = 0x89,
	IOMMUFD_CMD_GET_HW_INFO = 0x8a,
	IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING = 0x8b,
	IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP = 0x8c,
	IOMMUFD_CMD_HWPT_INVALIDATE = 0x8d,
	IOMMUFD_CMD_FAULT_QUEUE_ALLOC = 0x8e,
	IOMMUFD_CMD_IOAS_MAP_FILE = 0x8f,
	IOMMUFD_CMD_VIOMMU_ALLOC = 0x90,
	IOMMUFD_CMD_VDEVICE_ALLOC = 0x91,
	IOMMUFD_CMD_IOAS_CHANGE_PROCESS = 0x92,
	IOMMUFD_CMD_VEVENTQ_ALLOC = 0x93,
	IOMMUFD_CMD_HW_QUEUE_ALLOC = 0x94,
	IOMMUFD_CMD_IOAS_NOIOMMU_GET_PA = 0x95,
};

/**
 * struct iommu_destroy - argument of IOMMU_DESTROY
 * @size: length of this structure in bytes
 * @id: the object to tear down; any object type that userspace may destroy
 *
 * Releases an object created by one of the allocation commands. It fails with
 * EBUSY while another object still refers to it.
 */
struct iommu_destroy {
	__u32 size;
	__u32 id;
};

#define IOMMU_DESTROY _IO(IOMMUFD_TYPE, IOMMUFD_CMD_DESTROY)

/**
 * struct iommu_ioas_alloc - argument of IOMMU_IOAS_ALLOC
 * @size: length of this structure in bytes
 * @flags: no flags are defined; must be 0
 * @out_ioas_id: returns the ID of the new IOAS
 *
 * Creates an empty I/O address space (IOAS): a table that translates I/O
 * virtual addresses (IOVAs) to the memory userspace maps into it.
 */
struct iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};

#define IOMMU_IOAS_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOC)

/**
 * struct iommu_iova_range - one closed interval of IOVA space
 * @start: lowest IOVA in the interval
 * @last: highest IOVA in the interval (included, not one past the end)
 *
 * Element type of the arrays used by IOMMU_IOAS_IOVA_RANGES and
 * IOMMU_IOAS_ALLOW_IOVAS.
 */
struct iommu_iova_range {
	__aligned_u64 start;
	__aligned_u64 last;
};

/**
 * struct iommu_ioas_iova_ranges - argument of IOMMU_IOAS_IOVA_RANGES
 * @size: length of this structure in bytes
 * @ioas_id: the IOAS to query
 * @num_iovas: in: capacity of the @allowed_iovas array, in elements;
 *             out: how many ranges the IOAS has
 * @__reserved: must be 0
 * @allowed_iovas: user address of an array of struct iommu_iova_range that
 *                 receives the ranges, lowest first
 * @out_iova_alignment: returns the alignment that IOVAs and lengths given to
 *                      IOMMU_IOAS_MAP and IOMMU_IOAS_COPY must respect
 *
 * Reports which IOVAs may currently be mapped in the IOAS. A new IOAS offers
 * the whole address space; attaching devices removes whatever their
 * translation hardware cannot reach or reserves, and detaching them can give
 * it back, so the answer is only valid until the next attach or detach.
 *
 * If the array is too short for all ranges, the command fails with EMSGSIZE
 * and still sets @num_iovas to the count needed, so the caller can retry
 * with a larger array.
 *
 * A mapping must start and end on a multiple of @out_iova_alignment, which
 * is at least 1 and never more than the CPU page size.
 */
struct iommu_ioas_iova_ranges {
	__u32 size;
	__u32 ioas_id;
	__u32 num_iovas;
	__u32 __reserved;
	__aligned_u64 allowed_iovas;
	__aligned_u64 out_iova_alignment;
};

#define IOMMU_IOAS_IOVA_RANGES _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_IOVA_RANGES)

/**
 * struct iommu_ioas_allow_iovas - argument of IOMMU_IOAS_ALLOW_IOVAS
 * @size: length of this structure in bytes
 * @ioas_id: the IOAS to constrain
 * @num_iovas: number of elements in @allowed_iovas (0 clears the list)
 * @__reserved: must be 0
 * @allowed_iovas: user address of an array of struct iommu_iova_range
 *
 * Promises that the listed ranges stay usable in the IOAS. The list given
 * here replaces any earlier one. It is refused if some of it is already
 * unusable, and once set, attaching a device whose hardware would take away
 * part of it fails instead of shrinking the IOAS.
 *
 * While a list is set, kernel-chosen IOVAs for new mappings are taken from
 * inside it.
 */
struct iommu_ioas_allow_iovas {
	__u32 size;
	__u32 ioas_id;
	__u32 num_iovas;
	__u32 __reserved;
	__aligned_u64 allowed_iovas;
};

#define IOMMU_IOAS_ALLOW_IOVAS _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOW_IOVAS)

/**
 * enum iommufd_ioas_map_flags - flags of IOMMU_IOAS_MAP, _MAP_FILE and _COPY
 * @IOMMU_IOAS_MAP_FIXED_IOVA: the caller chose the IOVA; without this flag
 *                             the kernel picks a free one and returns it
 * @IOMMU_IOAS_MAP_WRITEABLE: devices may write to the mapped memory
 * @IOMMU_IOAS_MAP_READABLE: devices may read the mapped memory
 */
enum iommufd_ioas_map_flags {
	IOMMU_IOAS_MAP_FIXED_IOVA = 1 << 0,
	IOMMU_IOAS_MAP_WRITEABLE = 1 << 1,
	IOMMU_IOAS_MAP_READABLE = 1 << 2,
};

/**
 * struct iommu_ioas_map - argument of IOMMU_IOAS_MAP
 * @size: length of this structure in bytes
 * @flags: any combination of enum iommufd_ioas_map_flags
 * @ioas_id: the IOAS that receives the mapping
 * @__reserved: must be 0
 * @user_va: start of the process memory to map
 * @length: number of bytes to map
 * @iova: with IOMMU_IOAS_MAP_FIXED_IOVA, the IOVA to map at (input);
 *        otherwise returns the IOVA the kernel chose
 *
 * Pins the process memory [@user_va, @user_va + @length) and makes it
 * reachable at [@iova, @iova + @length) through the IOAS. A fixed IOVA range
 * must be entirely free: existing mappings are never replaced. A
 * kernel-chosen IOVA respects the reserved ranges and, if one was set, the
 * list given to IOMMU_IOAS_ALLOW_IOVAS.
 */
struct iommu_ioas_map {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	__aligned_u64 user_va;
	__aligned_u64 length;
	__aligned_u64 iova;
};

#define IOMMU_IOAS_MAP _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_MAP)

/**
 * struct iommu_ioas_noiommu_get_pa - argument of IOMMU_IOAS_NOIOMMU_GET_PA
 * @size: length of this structure in bytes
 * @flags: no flags are defined; must be 0
 * @ioas_id: the IOAS to look the address up in
 * @__reserved: must be 0
 * @iova: the IOVA to translate; it must lie inside a mapping
 * @length: in: the most bytes the caller is interested in, not 0;
 *          out: how many bytes starting at @out_phys are physically
 *          contiguous, never more than the input value
 * @out_phys: returns the physical address that @iova translates to
 *
 * Translates an IOVA into a physical address. Only meant for devices that
 * have no IOMMU in front of them and therefore must be given physical
 * addresses, which is inherently unsafe.
 */
struct iommu_ioas_noiommu_get_pa {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	__aligned_u64 iova;
	__aligned_u64 length;
	__aligned_u64 out_phys;
};

#define IOMMU_IOAS_NOIOMMU_GET_PA \
	_IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_NOIOMMU_GET_PA)

/**
 * struct iommu_ioas_map_file - argument of IOMMU_IOAS_MAP_FILE
 * @size: length of this structure in bytes
 * @flags: any combination of enum iommufd_ioas_map_flags
 * @ioas_id: the IOAS that receives the mapping
 * @fd: file descriptor of the file to map: a memfd or another shmem-backed
 *      file, or a dma-buf of a kind the kernel knows how to map
 * @start: offset into the file, in bytes, of the first byte to map
 * @length: number of bytes to map
 * @iova: with IOMMU_IOAS_MAP_FIXED_IOVA, the IOVA to map at (input);
 *        otherwise returns the IOVA the kernel chose
 *
 * Like IOMMU_IOAS_MAP, except that the memory is named by a file range
 * instead of a process address, so the mapping does not depend on the
 * caller's address space. Mappings made this way are the only ones that
 * IOMMU_IOAS_CHANGE_PROCESS can move to another process.
 */
struct iommu_ioas_map_file {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__s32 fd;
	__aligned_u64 start;
	__aligned_u64 length;
	__aligned_u64 iova;
};

#define IOMMU_IOAS_MAP_FILE _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_MAP_FILE)

/**
 * struct iommu_ioas_copy - argument of IOMMU_IOAS_COPY
 * @size: length of this structure in bytes
 * @flags: any combination of enum iommufd_ioas_map_flags, applied to the new
 *         mapping
 * @dst_ioas_id: the IOAS that receives the new mapping
 * @src_ioas_id: the IOAS that already maps the memory
 * @length: number of bytes to copy
 * @dst_iova: with IOMMU_IOAS_MAP_FIXED_IOVA, where to place the copy in the
 *            destination (input); otherwise returns the IOVA the kernel chose
 * @src_iova: where the memory is mapped in the source IOAS
 *
 * Maps memory that is already mapped in one IOAS into another one (or at a
 * second IOVA of the same one). The source range must be covered by existing
 * mappings. The pages pinned for the source are shared by the copy instead of
 * being pinned and accounted a second time, which makes this much cheaper
 * than repeating the original map.
 */
struct iommu_ioas_copy {
	__u32 size;
	__u32 flags;
	__u32 dst_ioas_id;
	__u32 src_ioas_id;
	__aligned_u64 length;
	__aligned_u64 dst_iova;
	__aligned_u64 src_iova;
};

#define IOMMU_IOAS_COPY _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_COPY)

/**
 * struct iommu_ioas_unmap - argument of IOMMU_IOAS_UNMAP
 * @size: length of this structure in bytes
 * @ioas_id: the IOAS to remove mappings from
 * @iova: first IOVA of the range to clear
 * @length: in: length of the range to clear;
 *          out: total number of bytes that were unmapped
 *
 * Removes every mapping that lies within [@iova, @iova + @length). Mappings
 * are removed whole: a range that would cut one of them fails with ENOENT,
 * as does a range that holds no mapping at all. The special form @iova 0,
 * @length U64_MAX clears the whole IOAS and also succeeds when it is empty.
 */
struct iommu_ioas_unmap {
	__u32 size;
	__u32 ioas_id;
	__aligned_u64 iova;
	__aligned_u64 length;
};

#define IOMMU_IOAS_UNMAP _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_UNMAP)

/**
 * enum iommufd_option - option selectors of IOMMU_OPTION
 * @IOMMU_OPTION_RLIMIT_MODE: how pinned memory is charged against
 *                            RLIMIT_MEMLOCK: 0 (the default) charges the
 *                            owning user, 1 charges the process. Applies to
 *                            the whole file, so @object_id must be 0;
 *                            changing it requires CAP_SYS_RESOURCE.
 * @IOMMU_OPTION_HUGE_PAGES: per IOAS (@object_id is the IOAS ID). 1 (the
 *                           default) lets physically contiguous memory be
 *                           mapped with large IOMMU pages; 0 forces every
 *                           mapping down to PAGE_SIZE entries, which is
 *                           mostly of interest for testing and benchmarks.
 */
enum iommufd_option {
	IOMMU_OPTION_RLIMIT_MODE = 0,
	IOMMU_OPTION_HUGE_PAGES = 1,
};

/**
 * enum iommufd_option_ops - operations of IOMMU_OPTION
 * @IOMMU_OPTION_OP_SET: store @val64 as the new value of the option
 * @IOMMU_OPTION_OP_GET: return the current value of the option in @val64
 */
enum iommufd_option_ops {
	IOMMU_OPTION_OP_SET = 0,
	IOMMU_OPTION_OP_GET = 1,
};

/**
 * struct iommu_option - argument of IOMMU_OPTION
 * @size: length of this structure in bytes
 * @option_id: which option, one of enum iommufd_option
 * @op: read or write it, one of enum iommufd_option_ops
 * @__reserved: must be 0
 * @object_id: the object the option belongs to, or 0 for options of the
 *             whole file
 * @val64: the value to store, or the value read back
 *
 * One command to read and change the small tunables of the file and of the
 * objects in it.
 */
struct iommu_option {
	__u32 size;
	__u32 option_id;
	__u16 op;
	__u16 __reserved;
	__u32 object_id;
	__aligned_u64 val64;
};

#define IOMMU_OPTION _IO(IOMMUFD_TYPE, IOMMUFD_CMD_OPTION)

/**
 * enum iommufd_vfio_ioas_op - operations of IOMMU_VFIO_IOAS
 * @IOMMU_VFIO_IOAS_GET: return the IOAS used by the VFIO container emulation
 * @IOMMU_VFIO_IOAS_SET: make @ioas_id the IOAS used by the emulation
 * @IOMMU_VFIO_IOAS_CLEAR: forget the emulation's IOAS
 */
enum iommufd_vfio_ioas_op {
	IOMMU_VFIO_IOAS_GET = 0,
	IOMMU_VFIO_IOAS_SET = 1,
	IOMMU_VFIO_IOAS_CLEAR = 2,
};

/**
 * struct iommu_vfio_ioas - argument of IOMMU_VFIO_IOAS
 * @size: length of this structure in bytes
 * @ioas_id: the IOAS to install (SET) or the one installed (GET)
 * @op: one of enum iommufd_vfio_ioas_op
 * @__reserved: must be 0
 *
 * The legacy VFIO type1 container interface has no way to name an address
 * space, so when it is used on an iommufd file all of its requests go to a
 * single IOAS. This command installs that IOAS (SET), reports it (GET) or
 * forgets it (CLEAR). Nothing installs one on its own, as there are no VFIO
 * groups to join a container here: until a SET, GET and the container
 * requests that need the IOAS fail with ENODEV. The IOAS is not held by
 * being installed: destroying it leaves none installed, and CLEAR never
 * destroys it.
 */
struct iommu_vfio_ioas {
	__u32 size;
	__u32 ioas_id;
	__u16 op;
	__u16 __reserved;
};

#define IOMMU_VFIO_IOAS _IO(IOMMUFD_TYPE, IOMMUFD_CMD_VFIO_IOAS)

/**
 * enum iommufd_hwpt_alloc_flags - flags of IOMMU_HWPT_ALLOC
 * @IOMMU_HWPT_ALLOC_NEST_PARENT: the page table may later serve as the
 *                                second (parent) stage under nested page
 *                                tables or a vIOMMU
 * @IOMMU_HWPT_ALLOC_DIRTY_TRACKING: the page table must be able to record
 *                                   DMA writes; attaching it to a device
 *                                   whose IOMMU cannot do that fails
 * @IOMMU_HWPT_FAULT_ID_VALID: @fault_id names a FAULT object that receives
 *                             the I/O page faults of this page table
 * @IOMMU_HWPT_ALLOC_PASID: the page table may be attached to PASIDs of the
 *                          device. Once a device uses PASIDs, whatever is
 *                          attached to the device itself must carry this flag
 *                          too. An IOMMU without PASID support rejects the
 *                          flag with EOPNOTSUPP.
 */
enum iommufd_hwpt_alloc_flags {
	IOMMU_HWPT_ALLOC_NEST_PARENT = 1 << 0,
	IOMMU_HWPT_ALLOC_DIRTY_TRACKING = 1 << 1,
	IOMMU_HWPT_FAULT_ID_VALID = 1 << 2,
	IOMMU_HWPT_ALLOC_PASID = 1 << 3,
};

/**
 * enum iommu_hwpt_vtd_s1_flags - attributes of a VT-d first-stage table
 * @IOMMU_VTD_S1_SRE: supervisor-mode requests are allowed
 * @IOMMU_VTD_S1_EAFE: extended accessed flag is enabled
 * @IOMMU_VTD_S1_WPE: write protection is enforced for supervisor requests
 */
enum iommu_hwpt_vtd_s1_flags {
	IOMMU_VTD_S1_SRE = 1 << 0,
	IOMMU_VTD_S1_EAFE = 1 << 1,
	IOMMU_VTD_S1_WPE = 1 << 2,
};

/**
 * struct iommu_hwpt_vtd_s1 - data for IOMMU_HWPT_DATA_VTD_S1
 * @flags: any combination of enum iommu_hwpt_vtd_s1_flags
 * @pgtbl_addr: guest physical address of the root of the first-stage table
 * @addr_width: input address width of that table, in bits
 * @__reserved: must be 0
 *
 * Describes a guest-owned Intel VT-d first-stage page table that is nested
 * on top of a parent page table.
 */
struct iommu_hwpt_vtd_s1 {
	__aligned_u64 flags;
	__aligned_u64 pgtbl_addr;
	__u32 addr_width;
	__u32 __reserved;
};

/**
 * struct iommu_hwpt_arm_smmuv3 - data for IOMMU_HWPT_DATA_ARM_SMMUV3
 * @ste: the guest's view of the first two 64-bit words of an SMMUv3 stream
 *       table entry, little-endian. Only the fields that select the
 *       configuration (valid, config, and the stage-1 context-descriptor
 *       table pointer, format and size) and the stage-1 attributes (EATS,
 *       S1DSS, cacheability, shareability, STALLD) may be set.
 *
 * Describes a nested SMMUv3 configuration: translate through a guest
 * context descriptor table, bypass to the parent, or abort. A malformed
 * entry, or one using a field outside the list, fails with EIO. When the
 * entry translates, a vDEVICE must exist for the device before attaching,
 * since invalidations and events are keyed by its virtual stream ID.
 */
struct iommu_hwpt_arm_smmuv3 {
	__aligned_le64 ste[2];
};

/**
 * struct iommu_hwpt_amd_guest - data for IOMMU_HWPT_DATA_AMD_GUEST
 * @dte: the guest's 256-bit AMD IOMMU device table entry
 *
 * Describes a guest I/O page table, as the guest programmed it into its
 * device table entry, nested on top of a parent page table.
 */
struct iommu_hwpt_amd_guest {
	__aligned_u64 dte[4];
};

/**
 * enum iommu_hwpt_data_type - format of the driver data of IOMMU_HWPT_ALLOC
 * @IOMMU_HWPT_DATA_NONE: no data; a kernel-managed page table
 * @IOMMU_HWPT_DATA_VTD_S1: struct iommu_hwpt_vtd_s1
 * @IOMMU_HWPT_DATA_ARM_SMMUV3: struct iommu_hwpt_arm_smmuv3
 * @IOMMU_HWPT_DATA_AMD_GUEST: struct iommu_hwpt_amd_guest
 */
enum iommu_hwpt_data_type {
	IOMMU_HWPT_DATA_NONE = 0,
	IOMMU_HWPT_DATA_VTD_S1 = 1,
	IOMMU_HWPT_DATA_ARM_SMMUV3 = 2,
	IOMMU_HWPT_DATA_AMD_GUEST = 3,
};

/**
 * struct iommu_hwpt_alloc - argument of IOMMU_HWPT_ALLOC
 * @size: length of this structure in bytes
 * @flags: any combination of enum iommufd_hwpt_alloc_flags
 * @dev_id: a bound device whose IOMMU the page table is made for
 * @pt_id: what the page table is built on: an IOAS, a nesting parent
 *         page table, or a vIOMMU
 * @out_hwpt_id: returns the ID of the new page table
 * @__reserved: must be 0
 * @data_type: format of the data at @data_uptr, one of
 *             enum iommu_hwpt_data_type
 * @data_len: length of the data at @data_uptr, in bytes
 * @data_uptr: user address of the driver data
 * @fault_id: a FAULT object; only read when @flags has
 *            IOMMU_HWPT_FAULT_ID_VALID
 * @__reserved2: keeps the structure a multiple of 8 bytes; must be 0
 *
 * Creates a hardware page table (HWPT), the object a device is attached to.
 *
 * With an IOAS in @pt_id and @data_type IOMMU_HWPT_DATA_NONE, the result is a
 * paging HWPT whose entries the kernel keeps in step with the IOAS mappings.
 * @data_len and @data_uptr must then be 0.
 *
 * With a nesting parent HWPT or a vIOMMU in @pt_id, the result is a nested
 * HWPT whose first stage is owned by userspace and described by the driver
 * data (@data_type, @data_len and @data_uptr must all be given). The device
 * and the vIOMMU must sit behind the same physical IOMMU.
 */
struct iommu_hwpt_alloc {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 pt_id;
	__u32 out_hwpt_id;
	__u32 __reserved;
	__u32 data_type;
	__u32 data_len;
	__aligned_u64 data_uptr;
	__u32 fault_id;
	__u32 __reserved2;
};

#define IOMMU_HWPT_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_HWPT_ALLOC)

/**
 * enum iommu_hw_info_vtd_flags - flags of struct iommu_hw_info_vtd
 * @IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17: Intel erratum 772415 applies:
 *                                         a nesting parent page table must
 *                                         not contain read-only mappings
 */
enum iommu_hw_info_vtd_flags {
	IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17 = 1 << 0,
};

/**
 * struct iommu_hw_info_vtd - data for IOMMU_HW_INFO_TYPE_INTEL_VTD
 * @flags: any combination of enum iommu_hw_info_vtd_flags
 * @__reserved: must be 0
 * @cap_reg: raw value of the VT-d Capability Register
 * @ecap_reg: raw value of the VT-d Extended Capability Register
 *
 * The register values are passed through unchanged; the VT-d specification
 * defines their bits.
 */
struct iommu_hw_info_vtd {
	__u32 flags;
	__u32 __reserved;
	__aligned_u64 cap_reg;
	__aligned_u64 ecap_reg;
};

/**
 * enum iommu_hw_info_arm_smmuv3_flags - flags of struct iommu_hw_info_arm_smmuv3
 * @IOMMU_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI: the hardware needs every
 *	TLB and configuration invalidation command, with its CMD_SYNC, to be
 *	issued twice (NVIDIA erratum T264-SMMU-3)
 */
enum iommu_hw_info_arm_smmuv3_flags {
	IOMMU_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI = 1 << 0,
};

/**
 * struct iommu_hw_info_arm_smmuv3 - data for IOMMU_HW_INFO_TYPE_ARM_SMMUV3
 * @flags: any combination of enum iommu_hw_info_arm_smmuv3_flags
 * @__reserved: must be 0
 * @idr: raw values of the SMMU_IDR0 to SMMU_IDR5 identification registers
 * @iidr: raw value of SMMU_IIDR (implementer and revision)
 * @aidr: raw value of SMMU_AIDR (architecture version)
 *
 * The registers are reported as read from the hardware. A VMM building a
 * virtual SMMU should take only these fields from them and treat every other
 * bit as unknown, because later kernels may start to support more:
 * IDR0 ST_LEVEL, TERM_MODEL, STALL_MODEL, TTENDIAN, CD2L, ASID16 and TTF;
 * IDR1 SIDSIZE and SSIDSIZE; IDR3 BBML and RIL; IDR5 VAX, GRAN64K, GRAN16K,
 * GRAN4K and DS. Stage-1 support can be assumed when a nested HWPT can be
 * created, coherent access is always present, and ATS is a property of each
 * device rather than of the SMMU.
 */
struct iommu_hw_info_arm_smmuv3 {
	__u32 flags;
	__u32 __reserved;
	__u32 idr[6];
	__u32 iidr;
	__u32 aidr;
};

/**
 * struct iommu_hw_info_tegra241_cmdqv - data for
 *	IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV
 * @flags: no flags are defined; 0
 * @version: CMDQ-V hardware version (bits 3:0 of its PARAM register)
 * @log2vcmdqs: log2 of the number of virtual command queues (PARAM 7:4)
 * @log2vsids: log2 of the number of stream ID replacements (PARAM 15:12)
 * @__reserved: must be 0
 *
 * Values a VMM can copy into the PARAM register of its emulated CMDQ-V. A VM
 * is given a single virtual interface, so the VINTF count field (PARAM 11:8)
 * should read as 0.
 */
struct iommu_hw_info_tegra241_cmdqv {
	__u32 flags;
	__u8 version;
	__u8 log2vcmdqs;
	__u8 log2vsids;
	__u8 __reserved;
};

/**
 * struct iommu_hw_info_amd - data for IOMMU_HW_INFO_TYPE_AMD
 * @efr: raw value of the AMD IOMMU Extended Feature Register
 * @efr2: raw value of the AMD IOMMU Extended Feature 2 Register
 *
 * The registers are reported as read from the hardware; the VMM decides
 * which features to offer to its guest. Of EFR, only GTSup, GASup, GioSup,
 * PPRSup, EPHSup, GATS, GLX and PASmax are meant to be passed on.
 */
struct iommu_hw_info_amd {
	__aligned_u64 efr;
	__aligned_u64 efr2;
};

/**
 * enum iommu_hw_info_type - formats of the data returned by IOMMU_GET_HW_INFO
 * @IOMMU_HW_INFO_TYPE_NONE: returned when the driver has nothing to report
 * @IOMMU_HW_INFO_TYPE_DEFAULT: requested to get the driver's preferred format
 *                              (same value as NONE)
 * @IOMMU_HW_INFO_TYPE_INTEL_VTD: struct iommu_hw_info_vtd
 * @IOMMU_HW_INFO_TYPE_ARM_SMMUV3: struct iommu_hw_info_arm_smmuv3
 * @IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV: struct iommu_hw_info_tegra241_cmdqv
 * @IOMMU_HW_INFO_TYPE_AMD: struct iommu_hw_info_amd
 */
enum iommu_hw_info_type {
	IOMMU_HW_INFO_TYPE_NONE = 0,
	IOMMU_HW_INFO_TYPE_DEFAULT = 0,
	IOMMU_HW_INFO_TYPE_INTEL_VTD = 1,
	IOMMU_HW_INFO_TYPE_ARM_SMMUV3 = 2,
	IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV = 3,
	IOMMU_HW_INFO_TYPE_AMD = 4,
};

/**
 * enum iommufd_hw_capabilities - generic capability bits of IOMMU_GET_HW_INFO
 * @IOMMU_HW_CAP_DIRTY_TRACKING: the IOMMU can record DMA writes, so
 *                               IOMMU_HWPT_SET_DIRTY_TRACKING and
 *                               IOMMU_HWPT_GET_DIRTY_BITMAP can be used
 * @IOMMU_HW_CAP_PCI_PASID_EXEC: the device may request execute permission
 *                               on PASID transactions; meaningless when
 *                               @out_max_pasid_log2 is 0
 * @IOMMU_HW_CAP_PCI_PASID_PRIV: the device may request privileged mode on
 *                               PASID transactions; meaningless when
 *                               @out_max_pasid_log2 is 0
 * @IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED: the device cannot use ATS; when the bit
 *                                      is clear, ATS may be enabled
 */
enum iommufd_hw_capabilities {
	IOMMU_HW_CAP_DIRTY_TRACKING = 1 << 0,
	IOMMU_HW_CAP_PCI_PASID_EXEC = 1 << 1,
	IOMMU_HW_CAP_PCI_PASID_PRIV = 1 << 2,
	IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED = 1 << 3,
};

/**
 * enum iommufd_hw_info_flags - flags of IOMMU_GET_HW_INFO
 * @IOMMU_HW_INFO_FLAG_INPUT_TYPE: @in_data_type names the format the caller
 *                                 wants, instead of the driver's default
 */
enum iommufd_hw_info_flags {
	IOMMU_HW_INFO_FLAG_INPUT_TYPE = 1 << 0,
};

/**
 * struct iommu_hw_info - argument of IOMMU_GET_HW_INFO
 * @size: length of this structure in bytes
 * @flags: any combination of enum iommufd_hw_info_flags
 * @dev_id: a device bound to this iommufd
 * @data_len: in: size of the buffer at @data_uptr, in bytes (0 is allowed);
 *            out: full length of the data the driver has
 * @data_uptr: user address of the buffer that receives the driver data
 * @in_data_type: with IOMMU_HW_INFO_FLAG_INPUT_TYPE, the requested format, one
 *                of enum iommu_hw_info_type; ignored otherwise. Shares its
 *                storage with @out_data_type.
 * @out_data_type: returns the format of the data written, one of
 *                 enum iommu_hw_info_type
 * @out_max_pasid_log2: returns the number of PASID bits the device supports,
 *                      0 when it supports none
 * @__reserved: must be 0
 * @out_capabilities: returns a combination of enum iommufd_hw_capabilities
 *
 * Describes the IOMMU behind a device, for example so that a VMM can give a
 * guest a virtual IOMMU that the real one is able to back. The buffer is
 * filled with at most @data_len bytes of driver data; if it is longer than
 * the data, the remainder is cleared to zero.
 */
struct iommu_hw_info {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 data_len;
	__aligned_u64 data_uptr;
	union {
		__u32 in_data_type;
		__u32 out_data_type;
	};
	__u8 out_max_pasid_log2;
	__u8 __reserved[3];
	__aligned_u64 out_capabilities;
};

#define IOMMU_GET_HW_INFO _IO(IOMMUFD_TYPE, IOMMUFD_CMD_GET_HW_INFO)

/**
 * enum iommufd_hwpt_set_dirty_tracking_flags - flags of
 *	IOMMU_HWPT_SET_DIRTY_TRACKING
 * @IOMMU_HWPT_DIRTY_TRACKING_ENABLE: switch recording on; without it, off
 */
enum iommufd_hwpt_set_dirty_tracking_flags {
	IOMMU_HWPT_DIRTY_TRACKING_ENABLE = 1,
};

/**
 * struct iommu_hwpt_set_dirty_tracking - argument of
 *	IOMMU_HWPT_SET_DIRTY_TRACKING
 * @size: length of this structure in bytes
 * @flags: any combination of enum iommufd_hwpt_set_dirty_tracking_flags
 * @hwpt_id: the paging HWPT to change
 * @__reserved: must be 0
 *
 * Starts or stops the recording of DMA writes in a paging HWPT.
 */
struct iommu_hwpt_set_dirty_tracking {
	__u32 size;
	__u32 flags;
	__u32 hwpt_id;
	__u32 __reserved;
};

#define IOMMU_HWPT_SET_DIRTY_TRACKING \
	_IO(IOMMUFD_TYPE, IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING)

/**
 * enum iommufd_hwpt_get_dirty_bitmap_flags - flags of
 *	IOMMU_HWPT_GET_DIRTY_BITMAP
 * @IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR: report the dirty state but leave it
 *	set, e.g. when the range is about to be unmapped anyway
 */
enum iommufd_hwpt_get_dirty_bitmap_flags {
	IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR = 1,
};

/**
 * struct iommu_hwpt_get_dirty_bitmap - argument of IOMMU_HWPT_GET_DIRTY_BITMAP
 * @size: length of this structure in bytes
 * @hwpt_id: the paging HWPT to read
 * @flags: any combination of enum iommufd_hwpt_get_dirty_bitmap_flags
 * @__reserved: must be 0
 * @iova: first IOVA of the range to report; bit 0 of the bitmap stands for
 *        the page at this address
 * @length: length of the range to report, in bytes
 * @page_size: how many bytes of IOVA each bit stands for
 * @data: user address of the bitmap, an array of __u64
 *
 * Sets a bit in the user bitmap for every @page_size block of
 * [@iova, @iova + @length) that a device wrote to since the last report, and,
 * unless asked not to, clears the recorded state. Block n of the range is
 * bit (n % 64) of element n / 64 of the bitmap.
 */
struct iommu_hwpt_get_dirty_bitmap {
	__u32 size;
	__u32 hwpt_id;
	__u32 flags;
	__u32 __reserved;
	__aligned_u64 iova;
	__aligned_u64 length;
	__aligned_u64 page_size;
	__aligned_u64 data;
};

#define IOMMU_HWPT_GET_DIRTY_BITMAP \
	_IO(IOMMUFD_TYPE, IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP)

/**
 * enum iommu_hwpt_invalidate_data_type - formats of the entries of
 *	IOMMU_HWPT_INVALIDATE
 * @IOMMU_HWPT_INVALIDATE_DATA_VTD_S1: struct iommu_hwpt_vtd_s1_invalidate,
 *                                     given with a nested VT-d HWPT
 * @IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3: struct
 *	iommu_viommu_arm_smmuv3_invalidate, given with an SMMUv3 vIOMMU
 */
enum iommu_hwpt_invalidate_data_type {
	IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 = 0,
	IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 = 1,
};

/**
 * enum iommu_hwpt_vtd_s1_invalidate_flags - flags of
 *	struct iommu_hwpt_vtd_s1_invalidate
 * @IOMMU_VTD_INV_FLAGS_LEAF: only last-level entries changed, so the
 *                            paging-structure caches may be kept
 */
enum iommu_hwpt_vtd_s1_invalidate_flags {
	IOMMU_VTD_INV_FLAGS_LEAF = 1 << 0,
};

/**
 * struct iommu_hwpt_vtd_s1_invalidate - one entry of type
 *	IOMMU_HWPT_INVALIDATE_DATA_VTD_S1
 * @addr: first address to flush, a multiple of 4 KiB
 * @npages: number of 4 KiB pages to flush
 * @flags: any combination of enum iommu_hwpt_vtd_s1_invalidate_flags
 * @__reserved: must be 0
 *
 * Tells the kernel which part of a guest first-stage table changed, so the
 * matching IOTLB (and, with ATS, device TLB) entries are dropped. @addr 0
 * with @npages U64_MAX flushes everything cached for the table.
 */
struct iommu_hwpt_vtd_s1_invalidate {
	__aligned_u64 addr;
	__aligned_u64 npages;
	__u32 flags;
	__u32 __reserved;
};

/**
 * struct iommu_viommu_arm_smmuv3_invalidate - one entry of type
 *	IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3
 * @cmd: one 128-bit SMMUv3 command-queue entry, little-endian
 *
 * Forwards a guest invalidation command to the vIOMMU. The accepted opcodes
 * are TLBI_NSNH_ALL, TLBI_NH_VA, TLBI_NH_VAA, TLBI_NH_ALL, TLBI_NH_ASID,
 * ATC_INV, CFGI_CD and CFGI_CD_ALL. A command with any other opcode, with a
 * field the kernel does not handle, or with a value the hardware does not
 * implement is refused with EIO.
 */
struct iommu_viommu_arm_smmuv3_invalidate {
	__aligned_le64 cmd[2];
};

/**
 * struct iommu_hwpt_invalidate - argument of IOMMU_HWPT_INVALIDATE
 * @size: length of this structure in bytes
 * @hwpt_id: a nested HWPT or a vIOMMU whose caches are to be flushed
 * @data_uptr: user address of an array of invalidation entries
 * @data_type: format of every entry, one of
 *             enum iommu_hwpt_invalidate_data_type
 * @entry_len: size of one entry in bytes
 * @entry_num: in: number of entries in the array;
 *             out: number of entries the kernel carried out
 * @__reserved: must be 0
 *
 * Processes a batch of invalidation requests in order and stops at the first
 * one that fails, reporting how far it got in @entry_num. Userspace issues
 * this after changing a page table it owns (nested HWPT), or to forward
 * guest invalidations of device or descriptor caches (vIOMMU).
 *
 * With @entry_num 0 nothing is flushed and @entry_len and @data_uptr are not
 * looked at; this checks whether @data_type is supported.
 */
struct iommu_hwpt_invalidate {
	__u32 size;
	__u32 hwpt_id;
	__aligned_u64 data_uptr;
	__u32 data_type;
	__u32 entry_len;
	__u32 entry_num;
	__u32 __reserved;
};

#define IOMMU_HWPT_INVALIDATE _IO(IOMMUFD_TYPE, IOMMUFD_CMD_HWPT_INVALIDATE)

/**
 * enum iommu_hwpt_pgfault_flags - flags of struct iommu_hwpt_pgfault
 * @IOMMU_PGFAULT_FLAGS_PASID_VALID: @pasid holds the PASID of the request
 * @IOMMU_PGFAULT_FLAGS_LAST_PAGE: this is the final fault of its group; the
 *                                 group is answered with this one's @cookie
 */
enum iommu_hwpt_pgfault_flags {
	IOMMU_PGFAULT_FLAGS_PASID_VALID = 1 << 0,
	IOMMU_PGFAULT_FLAGS_LAST_PAGE = 1 << 1,
};

/**
 * enum iommu_hwpt_pgfault_perm - access rights asked for by a page fault
 * @IOMMU_PGFAULT_PERM_READ: the device wants to read
 * @IOMMU_PGFAULT_PERM_WRITE: the device wants to write
 * @IOMMU_PGFAULT_PERM_EXEC: the request carried a PASID prefix with the
 *                           Execute Requested bit (PCIe 10.4.1)
 * @IOMMU_PGFAULT_PERM_PRIV: the request carried a PASID prefix with the
 *                           Privileged Mode Requested bit (PCIe 10.4.1)
 */
enum iommu_hwpt_pgfault_perm {
	IOMMU_PGFAULT_PERM_READ = 1 << 0,
	IOMMU_PGFAULT_PERM_WRITE = 1 << 1,
	IOMMU_PGFAULT_PERM_EXEC = 1 << 2,
	IOMMU_PGFAULT_PERM_PRIV = 1 << 3,
};

/**
 * struct iommu_hwpt_pgfault - a page fault as read() from a FAULT fd
 * @flags: any combination of enum iommu_hwpt_pgfault_flags
 * @dev_id: the device that faulted
 * @pasid: the PASID of the request, if @flags says it has one
 * @grpid: the page request group the fault belongs to
 * @perm: any combination of enum iommu_hwpt_pgfault_perm
 * @__reserved: 0
 * @addr: the faulting address
 * @length: how many bytes the device expects to access from @addr, so the
 *          handler may fault in more than one page; 0 when unknown
 * @cookie: kernel-chosen tag of the group; the response for the group must
 *          quote the value from its last fault
 */
struct iommu_hwpt_pgfault {
	__u32 flags;
	__u32 dev_id;
	__u32 pasid;
	__u32 grpid;
	__u32 perm;
	__u32 __reserved;
	__aligned_u64 addr;
	__u32 length;
	__u32 cookie;
};

/**
 * enum iommufd_page_response_code - outcome reported for a fault group
 * @IOMMUFD_PAGE_RESP_SUCCESS: the pages are now mapped; the device should
 *                             retry (PCIe page response "Success")
 * @IOMMUFD_PAGE_RESP_INVALID: the fault could not be resolved; the device must
 *                             not retry (PCIe "Invalid Request")
 */
enum iommufd_page_response_code {
	IOMMUFD_PAGE_RESP_SUCCESS = 0,
	IOMMUFD_PAGE_RESP_INVALID = 1,
};

/**
 * struct iommu_hwpt_page_response - a response as write() to a FAULT fd
 * @cookie: the @cookie of the last fault of the group being answered
 * @code: one of enum iommufd_page_response_code
 */
struct iommu_hwpt_page_response {
	__u32 cookie;
	__u32 code;
};

/**
 * struct iommu_fault_alloc - argument of IOMMU_FAULT_QUEUE_ALLOC
 * @size: length of this structure in bytes
 * @flags: no flags are defined; must be 0
 * @out_fault_id: returns the ID of the new FAULT object
 * @out_fault_fd: returns a new file descriptor for the FAULT object
 *
 * Creates a queue that delivers I/O page faults to userspace. Faults are
 * read() from the returned fd as struct iommu_hwpt_pgfault, and answered by
 * write()ing struct iommu_hwpt_page_response to it. A HWPT is connected to
 * the queue with IOMMU_HWPT_FAULT_ID_VALID.
 */
struct iommu_fault_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_fault_id;
	__u32 out_fault_fd;
};

#define IOMMU_FAULT_QUEUE_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_FAULT_QUEUE_ALLOC)

/**
 * enum iommu_viommu_type - kinds of virtual IOMMU
 * @IOMMU_VIOMMU_TYPE_DEFAULT: not a valid kind; kept free for later use
 * @IOMMU_VIOMMU_TYPE_ARM_SMMUV3: an ARM SMMUv3
 * @IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV: an ARM SMMUv3 with the NVIDIA Tegra241
 *	CMDQ-V extension. The kernel backs it with a virtual interface that is
 *	not owned by the hypervisor, so the VMM must present the HYP_OWN bit of
 *	the guest's VINTF_CONFIG register as 0.
 */
enum iommu_viommu_type {
	IOMMU_VIOMMU_TYPE_DEFAULT = 0,
	IOMMU_VIOMMU_TYPE_ARM_SMMUV3 = 1,
	IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV = 2,
};

/**
 * struct iommu_viommu_tegra241_cmdqv - data for
 *	IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV
 * @out_vintf_mmap_offset: returns the offset to pass to mmap() on the
 *                         iommufd to map page 0 of the virtual interface
 * @out_vintf_mmap_length: returns the length to pass to that mmap()
 *
 * Mapping that page into the guest lets it drive its virtual command queues
 * directly, without trapping to the VMM.
 */
struct iommu_viommu_tegra241_cmdqv {
	__aligned_u64 out_vintf_mmap_offset;
	__aligned_u64 out_vintf_mmap_length;
};

/**
 * struct iommu_viommu_alloc - argument of IOMMU_VIOMMU_ALLOC
 * @size: length of this structure in bytes
 * @flags: no flags are defined; must be 0
 * @type: kind of virtual IOMMU, one of enum iommu_viommu_type
 * @dev_id: a bound device; its physical IOMMU backs the virtual one
 * @hwpt_id: a nesting parent HWPT that the vIOMMU translates through
 * @out_viommu_id: returns the ID of the new vIOMMU
 * @data_len: length of the data at @data_uptr, in bytes
 * @__reserved: must be 0
 * @data_uptr: user address of type-specific data, read and written back
 *
 * Creates a vIOMMU: the share of one physical IOMMU that belongs to one VM.
 * It holds what is global to the guest's IOMMU rather than tied to a single
 * device: the namespace of guest IDs (virtual device IDs, cache tags), events
 * not caused by a device, the nesting parent that can be shared between
 * physical IOMMUs, and hardware queues or interrupts handed to the guest.
 */
struct iommu_viommu_alloc {
	__u32 size;
	__u32 flags;
	__u32 type;
	__u32 dev_id;
	__u32 hwpt_id;
	__u32 out_viommu_id;
	__u32 data_len;
	__u32 __reserved;
	__aligned_u64 data_uptr;
};

#define IOMMU_VIOMMU_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_VIOMMU_ALLOC)

/**
 * struct iommu_vdevice_alloc - argument of IOMMU_VDEVICE_ALLOC
 * @size: length of this structure in bytes
 * @viommu_id: the vIOMMU the device is presented through
 * @dev_id: the bound physical device
 * @out_vdevice_id: returns the ID of the new vDEVICE
 * @virt_id: the ID the guest knows the device by on that vIOMMU (a virtual
 *           stream ID on SMMUv3, device ID on AMD, requester ID on VT-d)
 *
 * Creates a vDEVICE, the guest-side identity of a physical device on a
 * vIOMMU. It should be destroyed before the physical device is unbound. If
 * the device goes first, the vDEVICE is torn down by force and its ID stays
 * occupied, without being usable or destroyable, until the iommufd is closed.
 */
struct iommu_vdevice_alloc {
	__u32 size;
	__u32 viommu_id;
	__u32 dev_id;
	__u32 out_vdevice_id;
	__aligned_u64 virt_id;
};

#define IOMMU_VDEVICE_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_VDEVICE_ALLOC)

/**
 * struct iommu_ioas_change_process - argument of IOMMU_IOAS_CHANGE_PROCESS
 * @size: length of this structure in bytes
 * @__reserved: must be 0
 *
 * Moves the accounting of all memory pinned by every IOAS of this file to the
 * calling process, for example when another process takes over a device
 * during a live update. Only mappings made with IOMMU_IOAS_MAP_FILE can be
 * moved; if any other mapping exists, the command fails with EINVAL. On any
 * failure nothing is changed.
 */
struct iommu_ioas_change_process {
	__u32 size;
	__u32 __reserved;
};

#define IOMMU_IOAS_CHANGE_PROCESS \
	_IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_CHANGE_PROCESS)

/**
 * enum iommu_veventq_flag - flags of struct iommufd_vevent_header
 * @IOMMU_VEVENTQ_FLAG_LOST_EVENTS: events were dropped because the queue was
 *                                  full; no event data follows this header
 */
enum iommu_veventq_flag {
	IOMMU_VEVENTQ_FLAG_LOST_EVENTS = (1U << 0),
};

/**
 * struct iommufd_vevent_header - header of each record read() from a vEVENTQ
 * @flags: any combination of enum iommu_veventq_flag
 * @sequence: running number of the event, counting from 0 and wrapping from
 *            INT_MAX back to 0
 *
 * Every event is a header followed by the type-specific data of its queue.
 * Consecutive events have consecutive @sequence values, so a jump of n means
 * n - 1 events were lost. When events are lost at the end of the queue, where
 * no later event can show the jump, a header with
 * IOMMU_VEVENTQ_FLAG_LOST_EVENTS and no data is appended, carrying the
 * sequence number of the last event lost (the next event gets the one after).
 */
struct iommufd_vevent_header {
	__u32 flags;
	__u32 sequence;
};

/**
 * enum iommu_veventq_type - kinds of virtual event queue
 * @IOMMU_VEVENTQ_TYPE_DEFAULT: not a valid kind; kept free for later use
 * @IOMMU_VEVENTQ_TYPE_ARM_SMMUV3: SMMUv3 event records,
 *                                 struct iommu_vevent_arm_smmuv3
 * @IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV: Tegra241 CMDQ-V error interrupts,
 *                                     struct iommu_vevent_tegra241_cmdqv
 */
enum iommu_veventq_type {
	IOMMU_VEVENTQ_TYPE_DEFAULT = 0,
	IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 = 1,
	IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV = 2,
};

/**
 * struct iommu_vevent_arm_smmuv3 - data of an IOMMU_VEVENTQ_TYPE_ARM_SMMUV3
 *	event
 * @evt: one 256-bit SMMUv3 event record, little-endian, whose StreamID field
 *       holds the virtual ID of the vDEVICE. The record types passed on are
 *       C_BAD_STE, F_STREAM_DISABLED, C_BAD_SUBSTREAMID, C_BAD_CD,
 *       F_TRANSLATION, F_ADDR_SIZE, F_ACCESS and F_PERMISSION.
 *
 * Events are only reported for devices that have a vDEVICE.
 */
struct iommu_vevent_arm_smmuv3 {
	__aligned_le64 evt[4];
};

/**
 * struct iommu_vevent_tegra241_cmdqv - data of an
 *	IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV event
 * @lvcmdq_err_map: the 128-bit logical VCMDQ error map of the vIOMMU's
 *                  virtual interface, little-endian, as read from the
 *                  hardware's LVCMDQ_ERR_MAP registers
 */
struct iommu_vevent_tegra241_cmdqv {
	__aligned_le64 lvcmdq_err_map[2];
};

/**
 * struct iommu_veventq_alloc - argument of IOMMU_VEVENTQ_ALLOC
 * @size: length of this structure in bytes
 * @flags: no flags are defined; must be 0
 * @viommu_id: the vIOMMU whose events the queue receives
 * @type: kind of queue, one of enum iommu_veventq_type
 * @veventq_depth: how many events the queue holds before it drops new ones
 * @out_veventq_id: returns the ID of the new vEVENTQ
 * @out_veventq_fd: returns a new file descriptor to read() events from; the
 *                  caller owns it and must close it
 * @__reserved: must be 0
 *
 * Creates a queue that passes events of one kind from a vIOMMU to userspace.
 * A vIOMMU can have one queue of each kind. Each record read is a struct
 * iommufd_vevent_header followed by the data belonging to @type.
 */
struct iommu_veventq_alloc {
	__u32 size;
	__u32 flags;
	__u32 viommu_id;
	__u32 type;
	__u32 veventq_depth;
	__u32 out_veventq_id;
	__u32 out_veventq_fd;
	__u32 __reserved;
};

#define IOMMU_VEVENTQ_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_VEVENTQ_ALLOC)

/**
 * enum iommu_hw_queue_type - kinds of hardware queue
 * @IOMMU_HW_QUEUE_TYPE_DEFAULT: not a valid kind; kept free for later use
 * @IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV: a Tegra241 CMDQ-V virtual command
 *	queue. Queues are created from @index 0 upwards and destroyed from the
 *	highest @index down. The queue memory must be mapped in the IOAS and
 *	aligned to its length, which is a power of two from 32 bytes up to
 *	16 << IDR1.CMDQS bytes (see struct iommu_hw_info_arm_smmuv3). Backing
 *	it with physically contiguous memory, such as one huge page, is
 *	recommended.
 */
enum iommu_hw_queue_type {
	IOMMU_HW_QUEUE_TYPE_DEFAULT = 0,
	IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV = 1,
};

/**
 * struct iommu_hw_queue_alloc - argument of IOMMU_HW_QUEUE_ALLOC
 * @size: length of this structure in bytes
 * @flags: no flags are defined; must be 0
 * @viommu_id: the vIOMMU that owns the queue
 * @type: kind of queue, one of enum iommu_hw_queue_type
 * @index: which queue of that kind on the vIOMMU
 * @out_hw_queue_id: returns the ID of the new HW queue
 * @nesting_parent_iova: guest physical address of the queue memory, i.e. an
 *                       IOVA of the vIOMMU's nesting parent
 * @length: size of the queue memory in bytes
 *
 * Lets the hardware consume a queue that lives in guest memory directly. Each
 * queue of one kind on a vIOMMU needs its own @index. While the queue exists
 * its memory stays pinned and cannot be unmapped from the IOAS.
 */
struct iommu_hw_queue_alloc {
	__u32 size;
	__u32 flags;
	__u32 viommu_id;
	__u32 type;
	__u32 index;
	__u32 out_hw_queue_id;
	__aligned_u64 nesting_parent_iova;
	__aligned_u64 length;
};

#define IOMMU_HW_QUEUE_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_HW_QUEUE_ALLOC)
#endif
