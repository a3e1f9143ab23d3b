// SPDX-License-Identifier: GPL-2.0
/*
 * Every refusal of IOMMU_HWPT_ALLOC with IOMMU_HWPT_DATA_VTD_S1 and of
 * IOMMU_HWPT_INVALIDATE with IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 on the
 * emulated VT-d, and that a refused call changes nothing.
 *
 * Two instances: "full" with every optional capability (SRS, EAFS, ...)
 * and "bare" with sre=0, eafe=0 and fs_1g=0; both 4-level (ias 48, no
 * FL5LP).
 * Where upstream checks the address width and the SRE/EAFE flags when the
 * domain is attached, this model refuses them at allocation already.
 */
#include "vtd_guest.h"

#define FULL		"vtde_full"
#define BARE		"vtde_bare"
#define DEV_FULL	"vtde_f"
#define DEV_BARE	"vtde_b"
#define GUEST_GPA	0x40000000ULL
#define GUEST_SIZE	(256 * PAGE_SIZE)
#define NO_SUCH_ID	0xfffff0U

#define INV_TYPE	IOMMU_HWPT_INVALIDATE_DATA_VTD_S1
#define INV_LEN		sizeof(struct iommu_hwpt_vtd_s1_invalidate)

FIXTURE(vtd_errno)
{
	int fd;
	int df, db;
	__u32 id_f, id_b;
	__u32 ioas;
	__u32 parent_f;		/* NEST_PARENT on FULL */
	__u32 parent_b;		/* NEST_PARENT on BARE */
	__u32 paging_f;		/* plain paging on FULL */
	__u32 nested;		/* a good nested HWPT on parent_f */
	struct vtd_guest g;
};

FIXTURE_SETUP(vtd_errno)
{
	static const char * const bare[] = {
		"sre", "0", "eafe", "0", "fs_1g", "0", NULL,
	};
	struct iommu_hwpt_vtd_s1 s1;

	self->fd = -1;
	self->df = -1;
	self->db = -1;
	if (!emu_cfs_ready())
		SKIP(return, "%s missing: module not loaded?", EMU_CFS_ROOT);
	ASSERT_OK(vtd_make_iommu(FULL, NULL));
	ASSERT_OK(vtd_make_iommu(BARE, bare));
	ASSERT_OK(vtd_make_dev(DEV_FULL, FULL, 0x8, 0, 8));
	ASSERT_OK(vtd_make_dev(DEV_BARE, BARE, 0x8, 0, 8));
	self->fd = emu_open();
	ASSERT_LE(0, self->fd);
	self->df = vtd_dev_open_bind(DEV_FULL, self->fd, &self->id_f);
	self->db = vtd_dev_open_bind(DEV_BARE, self->fd, &self->id_b);
	ASSERT_LE(0, self->df);
	ASSERT_LE(0, self->db);

	ASSERT_OK(vtd_guest_init(&self->g, GUEST_SIZE, GUEST_GPA, 4));
	ASSERT_OK(emu_ioas_alloc(self->fd, &self->ioas));
	ASSERT_OK(vtd_guest_map_ioas(self->fd, self->ioas, &self->g));
	ASSERT_OK(vtd_hwpt_paging(self->fd, self->id_f, self->ioas,
				  IOMMU_HWPT_ALLOC_NEST_PARENT,
				  &self->parent_f));
	ASSERT_OK(vtd_hwpt_paging(self->fd, self->id_b, self->ioas,
				  IOMMU_HWPT_ALLOC_NEST_PARENT,
				  &self->parent_b));
	ASSERT_OK(vtd_hwpt_paging(self->fd, self->id_f, self->ioas, 0,
				  &self->paging_f));
	s1 = vtd_guest_s1(&self->g, 0);
	ASSERT_OK(vtd_hwpt_s1(self->fd, self->id_f, self->parent_f, 0, &s1,
			      &self->nested));
}

FIXTURE_TEARDOWN(vtd_errno)
{
	static const char * const devs[] = { DEV_FULL, DEV_BARE, NULL };
	static const char * const iommus[] = { FULL, BARE, NULL };
	int *const fds[] = { &self->df, &self->db, &self->fd, NULL };

	vtd_fixture_release(fds, &self->g, devs, iommus);
}

/* One nested allocation expected to fail with @_errno */
#define expect_s1(_errno, _what, _dev, _parent, _flags, _s1)		\
	EXPECT_RC_FOR(_what, -(_errno),					\
		      vtd_hwpt_s1(self->fd, _dev, _parent, _flags, _s1,	\
				  NULL))

/* The next object id: shows that refused calls created nothing */
static __u32 next_id(int fd)
{
	__u32 ioas = 0;

	if (emu_ioas_alloc(fd, &ioas))
		return 0;
	emu_destroy(fd, ioas);
	return ioas;
}

TEST_F(vtd_errno, s1_data)
{
	struct iommu_hwpt_vtd_s1 good = vtd_guest_s1(&self->g, 0);
	struct iommu_hwpt_vtd_s1 s1;
	static const __u32 widths[] = { 0, 32, 39, 47, 49, 56, 64, 57 };
	__u32 before = next_id(self->fd), id;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(widths); i++) {
		s1 = good;
		s1.addr_width = widths[i];
		/* 57 needs FL5LP, which an ias-48 instance lacks */
		expect_s1(EINVAL, "addr_width", self->id_f, self->parent_f, 0,
			  &s1);
	}
	s1 = good;
	s1.flags = 1ULL << 3;
	expect_s1(EINVAL, "unknown S1 flag", self->id_f, self->parent_f, 0,
		  &s1);
	s1.flags = 1ULL << 63;
	expect_s1(EINVAL, "S1 flag 63", self->id_f, self->parent_f, 0, &s1);
	s1 = good;
	s1.__reserved = 1;
	expect_s1(EINVAL, "__reserved", self->id_f, self->parent_f, 0, &s1);
	s1 = good;
	s1.pgtbl_addr |= 0x800;
	expect_s1(EINVAL, "unaligned table", self->id_f, self->parent_f, 0,
		  &s1);
	EXPECT_EQ(before, next_id(self->fd));

	/* With the capabilities, each flag is fine */
	s1 = good;
	for (s1.flags = 1; s1.flags < 8; s1.flags++) {
		ASSERT_OK(vtd_hwpt_s1(self->fd, self->id_f, self->parent_f, 0,
				      &s1, &id));
		ASSERT_OK(emu_destroy(self->fd, id));
	}
}

/* SRE, WPE (which only means something with SRE) and EAFE need the caps */
TEST_F(vtd_errno, s1_flags_without_caps)
{
	struct iommu_hwpt_vtd_s1 s1 = vtd_guest_s1(&self->g, 0);
	__u32 before = next_id(self->fd), id;

	s1.flags = IOMMU_VTD_S1_SRE;
	expect_s1(EINVAL, "SRE", self->id_b, self->parent_b, 0, &s1);
	s1.flags = IOMMU_VTD_S1_WPE;
	expect_s1(EINVAL, "WPE", self->id_b, self->parent_b, 0, &s1);
	s1.flags = IOMMU_VTD_S1_SRE | IOMMU_VTD_S1_WPE;
	expect_s1(EINVAL, "SRE|WPE", self->id_b, self->parent_b, 0, &s1);
	s1.flags = IOMMU_VTD_S1_EAFE;
	expect_s1(EINVAL, "EAFE", self->id_b, self->parent_b, 0, &s1);
	EXPECT_EQ(before, next_id(self->fd));
	s1.flags = 0;
	ASSERT_OK(vtd_hwpt_s1(self->fd, self->id_b, self->parent_b, 0, &s1,
			      &id));
	EXPECT_OK(emu_destroy(self->fd, id));
}

TEST_F(vtd_errno, alloc_flags_and_parents)
{
	struct iommu_hwpt_vtd_s1 s1 = vtd_guest_s1(&self->g, 0);
	struct {
		struct iommu_hwpt_vtd_s1 s1;
		__u64 tail;
	} big = { .s1 = s1 };
	__u32 before = next_id(self->fd), id;

	/* HWPT flags a first stage cannot have */
	expect_s1(EOPNOTSUPP, "DIRTY_TRACKING", self->id_f, self->parent_f,
		  IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &s1);
	expect_s1(EOPNOTSUPP, "NEST_PARENT", self->id_f, self->parent_f,
		  IOMMU_HWPT_ALLOC_NEST_PARENT, &s1);
	expect_s1(EOPNOTSUPP, "unknown flag", self->id_f, self->parent_f,
		  1U << 30, &s1);

	/* What it is nested on */
	expect_s1(EINVAL, "plain paging parent", self->id_f, self->paging_f,
		  0, &s1);
	expect_s1(EINVAL, "nested parent", self->id_f, self->nested, 0, &s1);
	expect_s1(EINVAL, "parent of the other instance", self->id_f,
		  self->parent_b, 0, &s1);
	expect_s1(EOPNOTSUPP, "an IOAS", self->id_f, self->ioas, 0, &s1);
	expect_s1(ENOENT, "no such device", NO_SUCH_ID, self->parent_f, 0,
		  &s1);

	/* The data's type and size */
	EXPECT_ERR(EOPNOTSUPP, mock_hwpt_alloc_full(self->fd, self->id_f,
						    self->parent_f, 0, 0,
						    IOMMU_HWPT_DATA_ARM_SMMUV3,
						    &s1, sizeof(s1), NULL));
	EXPECT_ERR(EOPNOTSUPP, mock_hwpt_alloc_full(self->fd, self->id_f,
						    self->parent_f, 0, 0,
						    IOMMU_HWPT_DATA_NONE,
						    NULL, 0, NULL));
	EXPECT_ERR(EINVAL, mock_hwpt_alloc_full(self->fd, self->id_f,
						self->parent_f, 0, 0,
						IOMMU_HWPT_DATA_VTD_S1, &s1,
						sizeof(s1) - 8, NULL));
	EXPECT_ERR(EFAULT, mock_hwpt_alloc_full(self->fd, self->id_f,
						self->parent_f, 0, 0,
						IOMMU_HWPT_DATA_VTD_S1, NULL,
						sizeof(s1), NULL));
	big.tail = 1;
	EXPECT_ERR(EINVAL, mock_hwpt_alloc_full(self->fd, self->id_f,
						self->parent_f, 0, 0,
						IOMMU_HWPT_DATA_VTD_S1, &big,
						sizeof(big), NULL));
	/* A fault queue that is not one */
	EXPECT_ERR(ENOENT, mock_hwpt_alloc_full(self->fd, self->id_f,
						self->parent_f,
						IOMMU_HWPT_FAULT_ID_VALID,
						NO_SUCH_ID,
						IOMMU_HWPT_DATA_VTD_S1, &s1,
						sizeof(s1), NULL));
	EXPECT_EQ(before, next_id(self->fd));

	/* A longer struct is refused even with a zero tail, as upstream */
	big.tail = 0;
	EXPECT_ERR(EINVAL, mock_hwpt_alloc_full(self->fd, self->id_f,
						self->parent_f, 0, 0,
						IOMMU_HWPT_DATA_VTD_S1, &big,
						sizeof(big), NULL));
	ASSERT_OK(mock_hwpt_alloc_full(self->fd, self->id_f, self->parent_f,
				       0, 0, IOMMU_HWPT_DATA_VTD_S1, &big.s1,
				       sizeof(big.s1), &id));
	EXPECT_OK(emu_destroy(self->fd, id));
	/* The parent is held by its nested HWPTs */
	EXPECT_ERR(EBUSY, emu_destroy(self->fd, self->parent_f));
}

/* A 1 GiB first-stage leaf translates only where FL1GP is reported */
TEST_F(vtd_errno, fs_1g_leaf)
{
	const __u64 iova = 1ULL << 39;
	struct iommu_hwpt_vtd_s1 s1;
	struct iommu_hw_info_vtd info;
	char *host;
	__u64 gpa;
	__u32 f, b;

	gpa = vtd_guest_data(&self->g, 1, 0x61, &host);
	ASSERT_NE(0, gpa);
	/* the guest's GiB starts at its memory: GUEST_GPA is 1 GiB-aligned */
	ASSERT_OK(vtd_guest_map_large(&self->g, iova, GUEST_GPA, 3,
				      FS_LEAF_RW));
	s1 = vtd_guest_s1(&self->g, 0);
	ASSERT_OK(vtd_hwpt_s1(self->fd, self->id_f, self->parent_f, 0, &s1,
			      &f));
	ASSERT_OK(vtd_hwpt_s1(self->fd, self->id_b, self->parent_b, 0, &s1,
			      &b));
	ASSERT_OK(vtd_dev_attach(self->df, 0, f));
	ASSERT_OK(vtd_dev_attach(self->db, 0, b));

	ASSERT_OK(vtd_hw_info(self->fd, self->id_f, &info, NULL, NULL));
	EXPECT_TRUE(info.cap_reg & VTD_CAP_FL1GP);
	EXPECT_EQ(0x61, vtd_dma_peek(self->df, 0, iova + gpa - GUEST_GPA));
	ASSERT_OK(vtd_hw_info(self->fd, self->id_b, &info, NULL, NULL));
	EXPECT_FALSE(info.cap_reg & VTD_CAP_FL1GP);
	EXPECT_ERR(EIO, vtd_dma_peek(self->db, 0, iova + gpa - GUEST_GPA));
	EXPECT_EQ(0x61, host[0]);
}

/* A nested HWPT belongs to its instance's devices */
TEST_F(vtd_errno, attach_across_instances)
{
	EXPECT_ERR(EINVAL, vtd_dev_attach(self->db, 0, self->nested));
	EXPECT_ERR(EINVAL, vtd_dev_attach(self->db, 0, self->parent_f));
	/* A nested HWPT without IOMMU_HWPT_ALLOC_PASID on a PASID */
	EXPECT_ERR(EINVAL, vtd_dev_attach(self->df, 3, self->nested));
	EXPECT_OK(vtd_dev_attach(self->df, 0, self->nested));
}

TEST_F(vtd_errno, invalidate_entries)
{
	struct iommu_hwpt_vtd_s1_invalidate inv[4] = {
		{ .addr = 0, .npages = 1 },
		{ .addr = 0x10000, .npages = 16,
		  .flags = IOMMU_VTD_INV_FLAGS_LEAF },
		{ .addr = 0, .npages = UINT64_MAX },
		{ .addr = 0x7fff0000, .npages = 2 },
	};
	__u32 done = 99;

	ASSERT_OK(mock_invalidate(self->fd, self->nested, INV_TYPE, inv,
				  INV_LEN, 4, &done));
	EXPECT_EQ(4, done);

#define expect_inv(_errno, _what, _bad_index, _field, _value) do {	\
	struct iommu_hwpt_vtd_s1_invalidate __e[4];			\
	__u32 __bad = (_bad_index);					\
									\
	memcpy(__e, inv, sizeof(__e));					\
	__e[__bad]._field = (_value);					\
	done = 99;							\
	EXPECT_RC_FOR(_what, -(_errno),					\
		      mock_invalidate(self->fd, self->nested,	\
				      INV_TYPE, __e, INV_LEN, 4,	\
				      &done));			\
	EXPECT_EQ(__bad, done);						\
} while (0)

	/* entry_num says how many entries were done before the bad one */
	expect_inv(EOPNOTSUPP, "unknown flag", 0, flags, 1U << 1);
	expect_inv(EOPNOTSUPP, "flag 31", 2, flags, 1U << 31);
	expect_inv(EOPNOTSUPP, "__reserved", 1, __reserved, 1);
	expect_inv(EINVAL, "unaligned addr", 3, addr, 0x7fff0800);
	expect_inv(EINVAL, "addr 1", 2, addr, 1);
	/* "everything" only from address 0 */
	expect_inv(EINVAL, "U64_MAX pages from a non-zero addr", 3, npages,
		   UINT64_MAX);
#undef expect_inv
}

TEST_F(vtd_errno, invalidate_array)
{
	struct {
		struct iommu_hwpt_vtd_s1_invalidate inv;
		__u64 tail;
	} wide[2] = { { .inv = { .npages = 1 } },
		      { .inv = { .addr = 0x2000, .npages = 1 } } };
	struct iommu_hwpt_vtd_s1_invalidate inv = { .npages = 1 };
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = self->nested,
		.data_uptr = (uintptr_t)&inv,
		.data_type = INV_TYPE,
		.entry_len = INV_LEN,
		.entry_num = 1,
		.__reserved = 1,
	};
	__u32 done = 99;

	EXPECT_ERR(EOPNOTSUPP, emu_ioctl(self->fd, IOMMU_HWPT_INVALIDATE,
					 &cmd));
	/* Entries of another type */
	EXPECT_ERR(EINVAL, mock_invalidate(self->fd, self->nested, 0x5a,
					   &inv, INV_LEN, 1, &done));
	EXPECT_EQ(0, done);
	/*
	 * Entries of another size than the kernel's struct: too short, or
	 * longer even with a zero tail (a newer layout it cannot honour)
	 */
	EXPECT_ERR(EINVAL, mock_invalidate(self->fd, self->nested,
					   INV_TYPE, &inv, INV_LEN - 8, 1,
					   &done));
	EXPECT_EQ(0, done);
	EXPECT_ERR(EINVAL, mock_invalidate(self->fd, self->nested, INV_TYPE,
					   wide, sizeof(wide[0]), 2, &done));
	EXPECT_EQ(0, done);
	/* Entries that are not there */
	EXPECT_ERR(EINVAL, mock_invalidate(self->fd, self->nested,
					   INV_TYPE, NULL, INV_LEN, 1,
					   &done));
	EXPECT_ERR(EFAULT, mock_invalidate(self->fd, self->nested,
					   INV_TYPE, (void *)8, INV_LEN, 1,
					   &done));
	/* No entries: nothing to do */
	EXPECT_OK(mock_invalidate(self->fd, self->nested, INV_TYPE, NULL,
				  INV_LEN, 0, &done));
	EXPECT_EQ(0, done);

	/* Only nested HWPTs take first-stage invalidations */
	EXPECT_ERR(EINVAL, mock_invalidate(self->fd, self->parent_f,
					   INV_TYPE, &inv, INV_LEN, 1,
					   &done));
	EXPECT_ERR(EINVAL, mock_invalidate(self->fd, self->ioas, INV_TYPE,
					   &inv, INV_LEN, 1, &done));
	EXPECT_ERR(ENOENT, mock_invalidate(self->fd, NO_SUCH_ID, INV_TYPE,
					   &inv, INV_LEN, 1, &done));
}

TEST_HARNESS_MAIN
