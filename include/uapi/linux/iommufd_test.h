/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iommufd-emu: the test-only command interface of /dev/iommu.
 *
 * IOMMU_TEST_CMD reaches the mock IOMMU driver and a handful of hooks into
 * the object core that only exist for testing. The numbers, names and
 * structure layouts in this file are the ones the upstream iommufd kselftest
 * programs are built against, so those programs compile unchanged when their
 * test header include is pointed here. drivers/iommufd/selftest_layout.c
 * pins every size, offset and value at build time.
 *
 * Besides the command itself, this file carries the driver-specific payload
 * types of the mock driver: what it reports through IOMMU_GET_HW_INFO,
 * accepts for IOMMU_HWPT_ALLOC, IOMMU_HWPT_INVALIDATE, IOMMU_VIOMMU_ALLOC and
 * IOMMU_HW_QUEUE_ALLOC, and delivers through a vEVENT queue.
 */
#ifndef _UAPI_LINUX_IOMMUFD_TEST_H
#define _UAPI_LINUX_IOMMUFD_TEST_H

#include <linux/iommufd.h>
#include <linux/types.h>

/**
 * enum iommu_test_op - Operations selected by &iommu_test_cmd.op
 * @IOMMU_TEST_OP_ADD_RESERVED: Mark an IOVA range of the IOAS in
 *	&iommu_test_cmd.id as reserved, the way a device's reserved region
 *	would; uses @add_reserved.
 * @IOMMU_TEST_OP_MOCK_DOMAIN: Create a mock device, bind it to the context
 *	and attach it to the IOAS or HWPT in &iommu_test_cmd.id; uses
 *	@mock_domain.
 * @IOMMU_TEST_OP_MD_CHECK_MAP: Verify that the mock page table of the paging
 *	HWPT in &iommu_test_cmd.id translates a range to the pages behind a
 *	user buffer; uses @check_map.
 * @IOMMU_TEST_OP_MD_CHECK_REFS: Verify the pin count of every page of a user
 *	buffer; uses @check_refs.
 * @IOMMU_TEST_OP_CREATE_ACCESS: Create an in-kernel access on the IOAS in
 *	&iommu_test_cmd.id and hand back a file descriptor that owns it; uses
 *	@create_access.
 * @IOMMU_TEST_OP_DESTROY_ACCESS_PAGES: Release pages pinned earlier through
 *	the access whose fd is &iommu_test_cmd.id; uses @destroy_access_pages.
 * @IOMMU_TEST_OP_ACCESS_PAGES: Pin a range through the access whose fd is
 *	&iommu_test_cmd.id and check it against a user buffer; uses
 *	@access_pages.
 * @IOMMU_TEST_OP_ACCESS_RW: Copy data between a user buffer and an IOVA range
 *	through the access whose fd is &iommu_test_cmd.id; uses @access_rw.
 * @IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT: Change the batch memory limit used
 *	while pinning, so small tests reach the multi-batch paths; uses
 *	@memory_limit.
 * @IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE: Move the mock device in
 *	&iommu_test_cmd.id to another IOAS or HWPT; uses @mock_domain_replace.
 * @IOMMU_TEST_OP_ACCESS_REPLACE_IOAS: Switch the access whose fd is
 *	&iommu_test_cmd.id to another IOAS; uses @access_replace_ioas.
 * @IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS: As @IOMMU_TEST_OP_MOCK_DOMAIN, with
 *	properties for the new device; uses @mock_domain_flags.
 * @IOMMU_TEST_OP_DIRTY: Set the dirty bit of chosen pages in the mock page
 *	table of the HWPT in &iommu_test_cmd.id; uses @dirty.
 * @IOMMU_TEST_OP_MD_CHECK_IOTLB: Compare one IOTLB slot of the nested mock
 *	HWPT in &iommu_test_cmd.id with an expected value; uses @check_iotlb.
 * @IOMMU_TEST_OP_TRIGGER_IOPF: Raise an I/O page fault from a mock device;
 *	uses @trigger_iopf.
 * @IOMMU_TEST_OP_DEV_CHECK_CACHE: Compare one cache slot of the mock device
 *	whose iommufd device id is &iommu_test_cmd.id with an expected value;
 *	uses @check_dev_cache.
 * @IOMMU_TEST_OP_TRIGGER_VEVENT: Make the mock vIOMMU report an event for a
 *	device; uses @trigger_vevent.
 * @IOMMU_TEST_OP_PASID_ATTACH: Attach a PASID of the mock device in
 *	&iommu_test_cmd.id to a page table; uses @pasid_attach.
 * @IOMMU_TEST_OP_PASID_REPLACE: Move an attached PASID of the mock device in
 *	&iommu_test_cmd.id to another page table; uses @pasid_replace.
 * @IOMMU_TEST_OP_PASID_DETACH: Detach a PASID of the mock device in
 *	&iommu_test_cmd.id; uses @pasid_detach.
 * @IOMMU_TEST_OP_PASID_CHECK_HWPT: Verify which HWPT a PASID of the mock
 *	device in &iommu_test_cmd.id is attached to; uses @pasid_check.
 * @IOMMU_TEST_OP_DMABUF_GET: Export a test dma-buf backed by kernel memory;
 *	the ioctl's return value is its new fd; uses @dmabuf_get.
 * @IOMMU_TEST_OP_DMABUF_REVOKE: Revoke a test dma-buf or make it usable
 *	again; uses @dmabuf_revoke.
 *
 * The @-names in the descriptions above refer to members of
 * &iommu_test_cmd.
 */
enum iommu_test_op {
	IOMMU_TEST_OP_ADD_RESERVED = 1,
	IOMMU_TEST_OP_MOCK_DOMAIN = 2,
	IOMMU_TEST_OP_MD_CHECK_MAP = 3,
	IOMMU_TEST_OP_MD_CHECK_REFS = 4,
	IOMMU_TEST_OP_CREATE_ACCESS = 5,
	IOMMU_TEST_OP_DESTROY_ACCESS_PAGES = 6,
	IOMMU_TEST_OP_ACCESS_PAGES = 7,
	IOMMU_TEST_OP_ACCESS_RW = 8,
	IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT = 9,
	IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE = 10,
	IOMMU_TEST_OP_ACCESS_REPLACE_IOAS = 11,
	IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS = 12,
	IOMMU_TEST_OP_DIRTY = 13,
	IOMMU_TEST_OP_MD_CHECK_IOTLB = 14,
	IOMMU_TEST_OP_TRIGGER_IOPF = 15,
	IOMMU_TEST_OP_DEV_CHECK_CACHE = 16,
	IOMMU_TEST_OP_TRIGGER_VEVENT = 17,
	IOMMU_TEST_OP_PASID_ATTACH = 18,
	IOMMU_TEST_OP_PASID_REPLACE = 19,
	IOMMU_TEST_OP_PASID_DETACH = 20,
	IOMMU_TEST_OP_PASID_CHECK_HWPT = 21,
	IOMMU_TEST_OP_DMABUF_GET = 22,
	IOMMU_TEST_OP_DMABUF_REVOKE = 23,
};

/**
 * enum iommu_test_mock_pt_format - Page table flavours of the mock driver
 * @MOCK_IOMMUPT_DEFAULT: Small (MOCK_PAGE_SIZE) pages, with the aperture
 *	narrowed to MOCK_APERTURE_START..MOCK_APERTURE_LAST.
 * @MOCK_IOMMUPT_HUGE: Only MOCK_HUGE_PAGE_SIZE pages (plus the CPU page size,
 *	which iommufd insists on) and no narrowed aperture.
 *
 * Chosen through &iommu_hwpt_selftest.pagetable_type.
 */
enum iommu_test_mock_pt_format {
	MOCK_IOMMUPT_DEFAULT = 0,
	MOCK_IOMMUPT_HUGE = 1,
};

/**
 * enum iommu_test_mock_geometry - Address space shape of a default mock domain
 * @MOCK_APERTURE_START: Lowest IOVA the domain translates (16 MiB).
 * @MOCK_APERTURE_LAST: Highest IOVA the domain translates (2 GiB - 1).
 * @MOCK_PAGE_SIZE: Translation granule of the mock page table, 2 KiB, which
 *	is deliberately smaller than any CPU page size.
 * @MOCK_HUGE_PAGE_SIZE: Size of one large mock page, 512 granules (1 MiB).
 *
 * The aperture values only hold for %MOCK_IOMMUPT_DEFAULT domains.
 */
enum iommu_test_mock_geometry {
	MOCK_APERTURE_START = 0x1000000,
	MOCK_APERTURE_LAST = 0x7fffffff,
	MOCK_PAGE_SIZE = 0x800,
	MOCK_HUGE_PAGE_SIZE = 0x100000,
};

/**
 * enum iommu_test_access_pages_flags - Bits of &iommu_test_cmd.access_pages.flags
 * @MOCK_FLAGS_ACCESS_WRITE: Pin the pages for writing.
 * @MOCK_FLAGS_ACCESS_SYZ: The IOVA is not an address but a pair of 32-bit
 *	values, the index of a mapped area (low half) and an offset into it
 *	(high half), so that a fuzzer can produce valid IOVAs. Also accepted
 *	in &iommu_test_cmd.access_rw.flags.
 */
enum iommu_test_access_pages_flags {
	MOCK_FLAGS_ACCESS_WRITE = 1 << 0,
	MOCK_FLAGS_ACCESS_SYZ = 1 << 16,
};

/**
 * enum iommu_test_access_rw_flags - Bits of &iommu_test_cmd.access_rw.flags
 * @MOCK_ACCESS_RW_WRITE: Copy from the user buffer into the IOVA range;
 *	without it the copy goes the other way.
 * @MOCK_ACCESS_RW_SLOW_PATH: Copy as if the caller were not the process that
 *	owns the mapped memory, so the path that borrows the owner's address
 *	space gets exercised.
 */
enum iommu_test_access_rw_flags {
	MOCK_ACCESS_RW_WRITE = 1 << 0,
	MOCK_ACCESS_RW_SLOW_PATH = 1 << 2,
};

/**
 * enum iommu_test_access_create_flags - Bits of &iommu_test_cmd.create_access.flags
 * @MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES: The new access pins pages, so
 *	it must be told to drop them before an overlapping unmap can finish.
 */
enum iommu_test_access_create_flags {
	MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES = 1 << 0,
};

/**
 * enum iommu_test_mock_dev_flags - Bits of &iommu_test_cmd.mock_domain_flags.dev_flags
 * @MOCK_FLAGS_DEVICE_NO_DIRTY: The device cannot be attached to a domain that
 *	tracks dirty pages.
 * @MOCK_FLAGS_DEVICE_PASID: The device supports PASIDs, MOCK_PASID_WIDTH bits
 *	wide.
 */
enum iommu_test_mock_dev_flags {
	MOCK_FLAGS_DEVICE_NO_DIRTY = 1 << 0,
	MOCK_FLAGS_DEVICE_PASID = 1 << 2,
};

/**
 * enum iommu_test_mock_iotlb - IOTLB model of a nested mock domain
 * @MOCK_NESTED_DOMAIN_IOTLB_ID_MAX: Highest valid IOTLB slot index.
 * @MOCK_NESTED_DOMAIN_IOTLB_NUM: Number of IOTLB slots.
 */
enum iommu_test_mock_iotlb {
	MOCK_NESTED_DOMAIN_IOTLB_ID_MAX = 3,
	MOCK_NESTED_DOMAIN_IOTLB_NUM = 4,
};

/**
 * enum iommu_test_mock_dev_cache - Per-device cache model of the mock vIOMMU
 * @MOCK_DEV_CACHE_ID_MAX: Highest valid cache slot index.
 * @MOCK_DEV_CACHE_NUM: Number of cache slots.
 */
enum iommu_test_mock_dev_cache {
	MOCK_DEV_CACHE_ID_MAX = 3,
	MOCK_DEV_CACHE_NUM = 4,
};

/*
 * A PASID the mock driver refuses to move in a replace, for testing the
 * failure path of IOMMU_TEST_OP_PASID_REPLACE.
 */
#define IOMMU_TEST_PASID_RESERVED 1024

/**
 * struct iommu_test_cmd - Argument of IOMMU_TEST_CMD
 * @size: Number of bytes the caller passes, normally sizeof(struct
 *	iommu_test_cmd); the kernel needs at least everything up to and
 *	including @last.
 * @op: The operation to run, from enum iommu_test_op.
 * @id: Object the operation acts on. What kind of object it must be depends
 *	on @op; see enum iommu_test_op.
 * @__reserved: Must be zero.
 * @add_reserved: Arguments of IOMMU_TEST_OP_ADD_RESERVED.
 * @add_reserved.start: First IOVA of the range.
 * @add_reserved.length: Length of the range in bytes.
 * @mock_domain: Results of IOMMU_TEST_OP_MOCK_DOMAIN.
 * @mock_domain.out_stdev_id: Id of the new mock device object; destroying it
 *	with IOMMU_DESTROY removes the device again.
 * @mock_domain.out_hwpt_id: Id of the HWPT the device ended up attached to.
 * @mock_domain.out_idev_id: Id of the iommufd device object of the mock
 *	device, the same kind of id a VFIO cdev bind returns.
 * @mock_domain_flags: IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS: the three results of
 *	@mock_domain followed by one input.
 * @mock_domain_flags.out_stdev_id: As @mock_domain.out_stdev_id.
 * @mock_domain_flags.out_hwpt_id: As @mock_domain.out_hwpt_id.
 * @mock_domain_flags.out_idev_id: As @mock_domain.out_idev_id.
 * @mock_domain_flags.dev_flags: Properties of the new device, from enum
 *	iommu_test_mock_dev_flags.
 * @mock_domain_replace: Arguments of IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE.
 * @mock_domain_replace.pt_id: In: the IOAS or HWPT to attach to. Out: the
 *	HWPT actually used.
 * @check_map: Arguments of IOMMU_TEST_OP_MD_CHECK_MAP.
 * @check_map.iova: First IOVA to look up.
 * @check_map.length: Number of bytes to check.
 * @check_map.uptr: User address whose backing pages the IOVAs must reach.
 * @check_refs: Arguments of IOMMU_TEST_OP_MD_CHECK_REFS.
 * @check_refs.length: Length of the buffer in bytes, a multiple of the CPU
 *	page size.
 * @check_refs.uptr: Page-aligned start of the user buffer.
 * @check_refs.refs: Expected number of long-term pins on each page.
 * @create_access: Arguments of IOMMU_TEST_OP_CREATE_ACCESS.
 * @create_access.out_access_fd: The fd that represents the new access.
 * @create_access.flags: Bits from enum iommu_test_access_create_flags.
 * @destroy_access_pages: Arguments of IOMMU_TEST_OP_DESTROY_ACCESS_PAGES.
 * @destroy_access_pages.access_pages_id: Id returned earlier in
 *	@access_pages.out_access_pages_id.
 * @access_pages: Arguments of IOMMU_TEST_OP_ACCESS_PAGES.
 * @access_pages.flags: Bits from enum iommu_test_access_pages_flags.
 * @access_pages.out_access_pages_id: Handle of the pinned range, for a later
 *	IOMMU_TEST_OP_DESTROY_ACCESS_PAGES.
 * @access_pages.iova: First IOVA to pin.
 * @access_pages.length: Number of bytes to pin.
 * @access_pages.uptr: User address expected to back the pinned pages.
 * @access_rw: Arguments of IOMMU_TEST_OP_ACCESS_RW.
 * @access_rw.iova: First IOVA to read or write.
 * @access_rw.length: Number of bytes to copy.
 * @access_rw.uptr: User buffer on the other side of the copy.
 * @access_rw.flags: Bits from enum iommu_test_access_rw_flags, plus
 *	%MOCK_FLAGS_ACCESS_SYZ.
 * @memory_limit: Arguments of IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT.
 * @memory_limit.limit: New limit in bytes.
 * @access_replace_ioas: Arguments of IOMMU_TEST_OP_ACCESS_REPLACE_IOAS.
 * @access_replace_ioas.ioas_id: The IOAS the access moves to.
 * @dirty: Arguments of IOMMU_TEST_OP_DIRTY.
 * @dirty.flags: Not used; pass zero.
 * @dirty.iova: IOVA that bit 0 of the bitmap stands for.
 * @dirty.length: Length of the covered range in bytes.
 * @dirty.page_size: Bytes each bitmap bit stands for.
 * @dirty.uptr: User address of the bitmap; each set bit marks its page dirty.
 * @dirty.out_nr_dirty: Number of pages that were marked.
 * @check_iotlb: Arguments of IOMMU_TEST_OP_MD_CHECK_IOTLB.
 * @check_iotlb.id: IOTLB slot, at most %MOCK_NESTED_DOMAIN_IOTLB_ID_MAX.
 * @check_iotlb.iotlb: Value the slot is expected to hold.
 * @trigger_iopf: Arguments of IOMMU_TEST_OP_TRIGGER_IOPF.
 * @trigger_iopf.dev_id: iommufd device id of the faulting mock device.
 * @trigger_iopf.pasid: PASID of the faulting request.
 * @trigger_iopf.grpid: Page request group index.
 * @trigger_iopf.perm: Access permissions requested (IOMMU_PGFAULT_PERM_*).
 * @trigger_iopf.addr: Faulting address.
 * @check_dev_cache: Arguments of IOMMU_TEST_OP_DEV_CHECK_CACHE.
 * @check_dev_cache.id: Cache slot, at most %MOCK_DEV_CACHE_ID_MAX.
 * @check_dev_cache.cache: Value the slot is expected to hold.
 * @trigger_vevent: Arguments of IOMMU_TEST_OP_TRIGGER_VEVENT.
 * @trigger_vevent.dev_id: iommufd device id of a mock device that has a
 *	virtual device on a mock vIOMMU.
 * @pasid_attach: Arguments of IOMMU_TEST_OP_PASID_ATTACH.
 * @pasid_attach.pasid: PASID to attach.
 * @pasid_attach.pt_id: In: the IOAS or HWPT to attach to. Out: the HWPT
 *	actually used.
 * @pasid_replace: Arguments of IOMMU_TEST_OP_PASID_REPLACE.
 * @pasid_replace.pasid: PASID to move.
 * @pasid_replace.pt_id: In: the new IOAS or HWPT. Out: the HWPT actually
 *	used.
 * @pasid_detach: Arguments of IOMMU_TEST_OP_PASID_DETACH.
 * @pasid_detach.pasid: PASID to detach.
 * @pasid_check: Arguments of IOMMU_TEST_OP_PASID_CHECK_HWPT.
 * @pasid_check.pasid: PASID to look at.
 * @pasid_check.hwpt_id: HWPT the PASID must be attached to, or 0 to require
 *	that it is not attached at all.
 * @dmabuf_get: Arguments of IOMMU_TEST_OP_DMABUF_GET.
 * @dmabuf_get.length: Size of the buffer in bytes, rounded up to whole CPU
 *	pages.
 * @dmabuf_get.open_flags: File flags (O_*) of the new dma-buf fd.
 * @dmabuf_revoke: Arguments of IOMMU_TEST_OP_DMABUF_REVOKE.
 * @dmabuf_revoke.dmabuf_fd: A dma-buf fd from IOMMU_TEST_OP_DMABUF_GET.
 * @dmabuf_revoke.revoked: Non-zero to revoke the buffer, zero to restore it.
 * @last: Marks the end of the mandatory part of the structure; its offset
 *	plus its size is the smallest @size accepted.
 *
 * Ids named in the results are object ids in the same iommufd context. In
 * the PASID operations @id is the mock device object (out_stdev_id).
 */
struct iommu_test_cmd {
	__u32 size;
	__u32 op;
	__u32 id;
	__u32 __reserved;
	union {
		struct {
			__aligned_u64 start;
			__aligned_u64 length;
		} add_reserved;
		struct {
			__u32 out_stdev_id;
			__u32 out_hwpt_id;
			__u32 out_idev_id;
		} mock_domain;
		struct {
			__u32 out_stdev_id;
			__u32 out_hwpt_id;
			__u32 out_idev_id;
			__u32 dev_flags;
		} mock_domain_flags;
		struct {
			__u32 pt_id;
		} mock_domain_replace;
		struct {
			__aligned_u64 iova;
			__aligned_u64 length;
			__aligned_u64 uptr;
		} check_map;
		struct {
			__aligned_u64 length;
			__aligned_u64 uptr;
			__u32 refs;
		} check_refs;
		struct {
			__u32 out_access_fd;
			__u32 flags;
		} create_access;
		struct {
			__u32 access_pages_id;
		} destroy_access_pages;
		struct {
			__u32 flags;
			__u32 out_access_pages_id;
			__aligned_u64 iova;
			__aligned_u64 length;
			__aligned_u64 uptr;
		} access_pages;
		struct {
			__aligned_u64 iova;
			__aligned_u64 length;
			__aligned_u64 uptr;
			__u32 flags;
		} access_rw;
		struct {
			__u32 limit;
		} memory_limit;
		struct {
			__u32 ioas_id;
		} access_replace_ioas;
		struct {
			__u32 flags;
			__aligned_u64 iova;
			__aligned_u64 length;
			__aligned_u64 page_size;
			__aligned_u64 uptr;
			__aligned_u64 out_nr_dirty;
		} dirty;
		struct {
			__u32 id;
			__u32 iotlb;
		} check_iotlb;
		struct {
			__u32 dev_id;
			__u32 pasid;
			__u32 grpid;
			__u32 perm;
			__u64 addr;
		} trigger_iopf;
		struct {
			__u32 id;
			__u32 cache;
		} check_dev_cache;
		struct {
			__u32 dev_id;
		} trigger_vevent;
		struct {
			__u32 pasid;
			__u32 pt_id;
		} pasid_attach;
		struct {
			__u32 pasid;
			__u32 pt_id;
		} pasid_replace;
		struct {
			__u32 pasid;
		} pasid_detach;
		struct {
			__u32 pasid;
			__u32 hwpt_id;
		} pasid_check;
		struct {
			__u32 length;
			__u32 open_flags;
		} dmabuf_get;
		struct {
			__s32 dmabuf_fd;
			__u32 revoked;
		} dmabuf_revoke;
	};
	__u32 last;
};

#define IOMMU_TEST_CMD _IO(IOMMUFD_TYPE, IOMMUFD_CMD_BASE + 32)

/* Number of PASID bits a mock device created with MOCK_FLAGS_DEVICE_PASID has */
#define MOCK_PASID_WIDTH 20

/* IOMMU_GET_HW_INFO: out_data_type of a mock device, and its register value */
#define IOMMU_HW_INFO_TYPE_SELFTEST	0xfeedbeef
#define IOMMU_HW_INFO_SELFTEST_REGVAL	0xdeadbeef

/**
 * struct iommu_test_hw_info - IOMMU_GET_HW_INFO data of a mock device
 * @flags: Always zero.
 * @test_reg: Always %IOMMU_HW_INFO_SELFTEST_REGVAL, so the caller can tell
 *	the data was really filled in.
 */
struct iommu_test_hw_info {
	__u32 flags;
	__u32 test_reg;
};

/* IOMMU_HWPT_ALLOC data_type of the mock driver; outside the real range */
#define IOMMU_HWPT_DATA_SELFTEST 0xdead
/* Value every IOTLB slot of a new nested mock domain starts out with */
#define IOMMU_TEST_IOTLB_DEFAULT 0xbadbeef
/* Value every cache slot of a mock device starts out with */
#define IOMMU_TEST_DEV_CACHE_DEFAULT 0xbaddad

/**
 * struct iommu_hwpt_selftest - IOMMU_HWPT_ALLOC data for the mock driver
 * @iotlb: For a nested HWPT, the value its IOTLB slots are filled with;
 *	the tests use %IOMMU_TEST_IOTLB_DEFAULT.
 * @pagetable_type: For a paging HWPT, the flavour of mock page table, from
 *	enum iommu_test_mock_pt_format.
 *
 * Passed with data_type %IOMMU_HWPT_DATA_SELFTEST.
 */
struct iommu_hwpt_selftest {
	__u32 iotlb;
	__u32 pagetable_type;
};

/* IOMMU_HWPT_INVALIDATE data_type of the mock driver, and a rejected one */
#define IOMMU_HWPT_INVALIDATE_DATA_SELFTEST 0xdeadbeef
#define IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID 0xdadbeef

/* Invalidation flag: every slot, ignoring the index in the entry */
#define IOMMU_TEST_INVALIDATE_FLAG_ALL	(1 << 0)

/**
 * struct iommu_hwpt_invalidate_selftest - One IOTLB invalidation request for a
 *	nested mock HWPT
 * @flags: %IOMMU_TEST_INVALIDATE_FLAG_ALL or zero.
 * @iotlb_id: IOTLB slot to clear, at most %MOCK_NESTED_DOMAIN_IOTLB_ID_MAX;
 *	not looked at when @flags has %IOMMU_TEST_INVALIDATE_FLAG_ALL.
 *
 * Array entry type for data_type %IOMMU_HWPT_INVALIDATE_DATA_SELFTEST.
 */
struct iommu_hwpt_invalidate_selftest {
	__u32 flags;
	__u32 iotlb_id;
};

/* IOMMU_VIOMMU_ALLOC type of the mock vIOMMU */
#define IOMMU_VIOMMU_TYPE_SELFTEST 0xdeadbeef

/**
 * struct iommu_viommu_selftest - IOMMU_VIOMMU_ALLOC data for the mock vIOMMU
 * @in_data: Any value; the driver echoes it back and also stores it at the
 *	start of the mmap-able page.
 * @out_data: The value received in @in_data.
 * @out_mmap_offset: Offset to pass to mmap() on the iommufd to map the
 *	vIOMMU's page.
 * @out_mmap_length: Length to pass to that mmap().
 */
struct iommu_viommu_selftest {
	__u32 in_data;
	__u32 out_data;
	__aligned_u64 out_mmap_offset;
	__aligned_u64 out_mmap_length;
};

/* IOMMU_HWPT_INVALIDATE data_type when a mock vIOMMU is the target */
#define IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST 0xdeadbeef
#define IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID 0xdadbeef

/**
 * struct iommu_viommu_invalidate_selftest - One device cache invalidation
 *	request for a mock vIOMMU
 * @flags: %IOMMU_TEST_INVALIDATE_FLAG_ALL or zero.
 * @vdev_id: Virtual id of the device (as given to IOMMU_VDEVICE_ALLOC) whose
 *	cache is meant.
 * @cache_id: Cache slot to clear, at most %MOCK_DEV_CACHE_ID_MAX; not looked
 *	at when @flags has %IOMMU_TEST_INVALIDATE_FLAG_ALL.
 *
 * Array entry type for data_type %IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST.
 */
struct iommu_viommu_invalidate_selftest {
	__u32 flags;
	__u32 vdev_id;
	__u32 cache_id;
};

/* IOMMU_VEVENTQ_ALLOC type for events of the mock vIOMMU */
#define IOMMU_VEVENTQ_TYPE_SELFTEST 0xbeefbeef

/**
 * struct iommu_viommu_event_selftest - Payload of a mock vIOMMU event
 * @virt_id: Virtual id of the device the event is about.
 *
 * Follows the common event header in a read() from a vEVENT queue of type
 * %IOMMU_VEVENTQ_TYPE_SELFTEST.
 */
struct iommu_viommu_event_selftest {
	__u32 virt_id;
};

/* IOMMU_HW_QUEUE_ALLOC type of the mock vIOMMU, and how many it takes */
#define IOMMU_HW_QUEUE_TYPE_SELFTEST 0xdeadbeef
#define IOMMU_TEST_HW_QUEUE_MAX 2

#endif /* _UAPI_LINUX_IOMMUFD_TEST_H */
