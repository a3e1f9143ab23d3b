// SPDX-License-Identifier: GPL-2.0
/*
 * PASID attach, replace and detach on the emulated VT-d through the device
 * nodes' VFIO PASID flags, and DMA tagged with a PASID.
 *
 * Topology: one VT-d instance (20-bit PASIDs); devices "a" and "b" share a
 * group and issue 8-bit PASIDs, "c" has a group of its own and no PASIDs.
 * Guest memory is mapped at GPA = IOVA in one IOAS; the HWPTs are a
 * PASID-compatible nest parent on it, a PASID-compatible plain second
 * stage, and a PASID-compatible first stage nested on the parent whose
 * tables map IOVA(n) to data page n (struct vtd_hwpts).
 *
 * So a DMA at DATA_GPA(n) works through a second stage only, a DMA at
 * IOVA(n) through the first stage only, which tells which translation a
 * request used.
 */
#include "vtd_guest.h"

#define INST		"vtdp_iommu"
#define DEV_A		"vtdp_a"
#define DEV_B		"vtdp_b"
#define DEV_C		"vtdp_c"
#define GUEST_GPA	0x40000000ULL
#define GUEST_SIZE	(2UL << 20)
#define FS_IOVA		0x10000000000ULL
#define NPAGES		4
#define FILL		0x20	/* data page n holds FILL + n */

FIXTURE(vtd_pasid)
{
	int fd;
	int a, b, c;
	__u32 id_a, id_b, id_c;
	struct vtd_hwpts h;
	struct vtd_guest g;
	__u64 data;
	char *host;
};

FIXTURE_SETUP(vtd_pasid)
{
	self->fd = -1;
	self->a = -1;
	self->b = -1;
	self->c = -1;
	if (!emu_cfs_ready())
		SKIP(return, "%s missing: module not loaded?", EMU_CFS_ROOT);
	ASSERT_OK(vtd_make_iommu(INST, NULL));
	ASSERT_OK(vtd_make_dev(DEV_A, INST, 0x10, 3, 8));
	ASSERT_OK(vtd_make_dev(DEV_B, INST, 0x11, 3, 8));
	ASSERT_OK(vtd_make_dev(DEV_C, INST, 0x12, 0, 0));
	self->fd = emu_open();
	ASSERT_LE(0, self->fd);
	self->a = vtd_dev_open_bind(DEV_A, self->fd, &self->id_a);
	self->b = vtd_dev_open_bind(DEV_B, self->fd, &self->id_b);
	self->c = vtd_dev_open_bind(DEV_C, self->fd, &self->id_c);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);
	ASSERT_LE(0, self->c);

	ASSERT_OK(vtd_guest_init(&self->g, GUEST_SIZE, GUEST_GPA, 4));
	self->data = vtd_guest_data(&self->g, NPAGES, FILL, &self->host);
	ASSERT_NE(0, self->data);
	ASSERT_OK(vtd_guest_map(&self->g, FS_IOVA, self->data,
				NPAGES * PAGE_SIZE, FS_LEAF_RW));
	ASSERT_OK(vtd_hwpts_make(self->fd, self->id_a, &self->g, &self->h));
}

FIXTURE_TEARDOWN(vtd_pasid)
{
	static const char * const devs[] = { DEV_A, DEV_B, DEV_C, NULL };
	static const char * const iommus[] = { INST, NULL };
	int *const fds[] = { &self->a, &self->b, &self->c, &self->fd, NULL };

	vtd_fixture_release(fds, &self->g, devs, iommus);
}

#define DATA_GPA(_page)	(self->data + (_page) * PAGE_SIZE)
#define IOVA(_page)	(FS_IOVA + (_page) * PAGE_SIZE)

#define route(_dfd, _pasid)					\
	vtd_route(_dfd, _pasid, FS_IOVA, self->data, FILL)
#define ROUTE_NONE	VTD_ROUTE_NONE
#define ROUTE_FS	VTD_ROUTE_FS
#define ROUTE_SS	VTD_ROUTE_SS

TEST_F(vtd_pasid, attach_replace_detach)
{
	__u32 used = 0;

	ASSERT_OK(vtd_dev_attach(self->a, 0, self->h.parent));
	EXPECT_EQ(ROUTE_SS, route(self->a, 0));
	EXPECT_EQ(ROUTE_NONE, route(self->a, 5));

	ASSERT_OK(vtd_dev_attach_flags(self->a, VFIO_DEVICE_ATTACH_PASID, 5,
				       self->h.fs, &used));
	EXPECT_EQ(self->h.fs, used);
	EXPECT_EQ(ROUTE_FS, route(self->a, 5));
	/* Untagged requests and other PASIDs are unaffected */
	EXPECT_EQ(ROUTE_SS, route(self->a, 0));
	EXPECT_EQ(ROUTE_NONE, route(self->a, 6));
	/* Writes go where the PASID's first stage says */
	ASSERT_OK(vtd_dma_poke(self->a, 5, IOVA(3) + 9, 0x99));
	EXPECT_EQ((char)0x99, self->host[3 * PAGE_SIZE + 9]);

	/* Attaching the attached PASID again replaces, as VFIO does */
	ASSERT_OK(vtd_dev_attach(self->a, 5, self->h.ss));
	EXPECT_EQ(ROUTE_SS, route(self->a, 5));
	/* the old HWPT is free, the new one busy */
	EXPECT_ERR(EBUSY, emu_destroy(self->fd, self->h.ss));
	ASSERT_OK(vtd_dev_attach(self->a, 5, self->h.fs));
	EXPECT_EQ(ROUTE_FS, route(self->a, 5));
	EXPECT_ERR(EBUSY, emu_destroy(self->fd, self->h.fs));
	/* to the same HWPT: nothing changes */
	ASSERT_OK(vtd_dev_attach(self->a, 5, self->h.fs));
	EXPECT_EQ(ROUTE_FS, route(self->a, 5));

	ASSERT_OK(vtd_dev_detach(self->a, 5));
	EXPECT_EQ(ROUTE_NONE, route(self->a, 5));
	EXPECT_EQ(ROUTE_SS, route(self->a, 0));
	/* Detaching what is not attached is a no-op */
	EXPECT_OK(vtd_dev_detach(self->a, 5));
	EXPECT_OK(vtd_dev_detach(self->a, 200));
	EXPECT_EQ(ROUTE_SS, route(self->a, 0));
	ASSERT_OK(emu_destroy(self->fd, self->h.fs));
}

/* The RID and the PASIDs move independently */
TEST_F(vtd_pasid, rid_and_pasid_independent)
{
	/* A PASID may be attached while the RID is not */
	ASSERT_OK(vtd_dev_attach(self->a, 7, self->h.ss));
	EXPECT_EQ(ROUTE_SS, route(self->a, 7));
	EXPECT_EQ(ROUTE_NONE, route(self->a, 0));

	ASSERT_OK(vtd_dev_attach(self->a, 0, self->h.fs));
	EXPECT_EQ(ROUTE_FS, route(self->a, 0));
	EXPECT_EQ(ROUTE_SS, route(self->a, 7));

	ASSERT_OK(vtd_dev_attach(self->a, 7, self->h.fs));
	ASSERT_OK(vtd_dev_attach(self->a, 0, self->h.parent));
	EXPECT_EQ(ROUTE_SS, route(self->a, 0));
	EXPECT_EQ(ROUTE_FS, route(self->a, 7));

	ASSERT_OK(vtd_dev_detach(self->a, 0));
	EXPECT_EQ(ROUTE_NONE, route(self->a, 0));
	EXPECT_EQ(ROUTE_FS, route(self->a, 7));
	ASSERT_OK(vtd_dev_attach(self->a, 0, self->h.ss));
	ASSERT_OK(vtd_dev_detach(self->a, 7));
	EXPECT_EQ(ROUTE_NONE, route(self->a, 7));
	EXPECT_EQ(ROUTE_SS, route(self->a, 0));
}

TEST_F(vtd_pasid, attach_errors)
{
	ASSERT_OK(vtd_dev_attach(self->a, 0, self->h.parent));
	ASSERT_OK(vtd_dev_attach(self->a, 9, self->h.fs));

	/* PASID 0 is the RID's; 2^8 and beyond are not the device's */
	EXPECT_ERR(EINVAL, vtd_dev_attach_flags(self->a,
						VFIO_DEVICE_ATTACH_PASID, 0,
						self->h.ss, NULL));
	EXPECT_ERR(EINVAL, vtd_dev_attach(self->a, 256, self->h.ss));
	EXPECT_ERR(EINVAL, vtd_dev_attach(self->a, 1U << 20, self->h.ss));
	EXPECT_ERR(EINVAL, vtd_dev_attach(self->a, UINT32_MAX, self->h.ss));
	/* Detaching them is detaching nothing, as in VFIO */
	EXPECT_OK(vtd_dev_detach_flags(self->a, VFIO_DEVICE_DETACH_PASID, 0));
	EXPECT_OK(vtd_dev_detach(self->a, 256));
	/* and none of those did anything to the RID */
	EXPECT_EQ(ROUTE_SS, route(self->a, 0));

	/* Only HWPTs allocated for PASID use */
	EXPECT_ERR(EINVAL, vtd_dev_attach(self->a, 10, self->h.plain));
	EXPECT_ERR(EINVAL, vtd_dev_attach(self->a, 10, self->h.ioas));
	EXPECT_ERR(EINVAL, vtd_dev_attach(self->a, 9, self->h.plain));
	EXPECT_EQ(ROUTE_NONE, route(self->a, 10));
	EXPECT_EQ(ROUTE_FS, route(self->a, 9));
	EXPECT_ERR(ENOENT, vtd_dev_attach(self->a, 10, 0xfffff0));

	/* DMA tagged with a PASID the device cannot issue */
	EXPECT_ERR(EINVAL, vtd_dma_peek(self->a, 256, IOVA(0)));
	EXPECT_ERR(EINVAL, vtd_dma_full(self->a, 0, 9, IOVA(0),
					self->host, 1));

	/* A device without PASIDs */
	EXPECT_ERR(EOPNOTSUPP, vtd_dev_attach(self->c, 1, self->h.ss));
	EXPECT_ERR(EINVAL, vtd_dma_peek(self->c, 1, IOVA(0)));
}

/* Upstream's compatibility rule between the RID and its PASIDs */
TEST_F(vtd_pasid, rid_compat)
{
	/* RID on a HWPT not made for PASIDs: no PASID may attach */
	ASSERT_OK(vtd_dev_attach(self->a, 0, self->h.plain));
	EXPECT_ERR(EINVAL, vtd_dev_attach(self->a, 11, self->h.ss));
	EXPECT_EQ(ROUTE_NONE, route(self->a, 11));
	ASSERT_OK(vtd_dev_attach(self->a, 0, self->h.ioas));
	EXPECT_ERR(EINVAL, vtd_dev_attach(self->a, 11, self->h.ss));

	/* With a PASID attached the RID stays on PASID-compatible HWPTs */
	ASSERT_OK(vtd_dev_attach(self->a, 0, self->h.ss));
	ASSERT_OK(vtd_dev_attach(self->a, 11, self->h.fs));
	EXPECT_ERR(EINVAL, vtd_dev_attach(self->a, 0, self->h.plain));
	EXPECT_ERR(EINVAL, vtd_dev_attach(self->a, 0, self->h.ioas));
	EXPECT_EQ(ROUTE_SS, route(self->a, 0));
	ASSERT_OK(vtd_dev_attach(self->a, 0, self->h.fs));
	EXPECT_EQ(ROUTE_FS, route(self->a, 0));

	ASSERT_OK(vtd_dev_detach(self->a, 11));
	ASSERT_OK(vtd_dev_attach(self->a, 0, self->h.plain));
	EXPECT_EQ(ROUTE_SS, route(self->a, 0));
}

/* "a" and "b" share a group: the group rules hold per PASID */
TEST_F(vtd_pasid, group_per_pasid)
{
	ASSERT_OK(vtd_dev_attach(self->a, 0, self->h.parent));
	ASSERT_OK(vtd_dev_attach(self->a, 12, self->h.fs));
	/* The group switched: "b"'s PASID 12 translates too */
	EXPECT_EQ(ROUTE_FS, route(self->b, 12));
	/* but PASID 12 of "a" says nothing about "b"'s RID */
	EXPECT_EQ(ROUTE_SS, route(self->b, 0));

	/* A sibling may only join the same HWPT on that PASID */
	EXPECT_ERR(EINVAL, vtd_dev_attach(self->b, 12, self->h.ss));
	EXPECT_EQ(ROUTE_FS, route(self->a, 12));
	ASSERT_OK(vtd_dev_attach(self->b, 12, self->h.fs));
	/* while another PASID of the sibling is free to go elsewhere */
	ASSERT_OK(vtd_dev_attach(self->b, 13, self->h.ss));
	EXPECT_EQ(ROUTE_SS, route(self->a, 13));

	/* Replace through "b" moves the group's PASID 12 */
	ASSERT_OK(vtd_dev_attach(self->b, 12, self->h.ss));
	EXPECT_EQ(ROUTE_SS, route(self->a, 12));
	EXPECT_EQ(ROUTE_SS, route(self->b, 12));

	/* Only the last detach blocks it */
	ASSERT_OK(vtd_dev_detach(self->a, 12));
	EXPECT_EQ(ROUTE_SS, route(self->a, 12));
	EXPECT_EQ(ROUTE_SS, route(self->b, 12));
	ASSERT_OK(vtd_dev_detach(self->b, 12));
	EXPECT_EQ(ROUTE_NONE, route(self->a, 12));
	EXPECT_EQ(ROUTE_NONE, route(self->b, 12));
	EXPECT_EQ(ROUTE_SS, route(self->b, 13));
	ASSERT_OK(vtd_dev_detach(self->b, 13));
}

/* A guest edit seen by a PASID after invalidating the nested HWPT */
TEST_F(vtd_pasid, nested_invalidation)
{
	ASSERT_OK(vtd_dev_attach(self->a, 0, self->h.parent));
	ASSERT_OK(vtd_dev_attach(self->a, 14, self->h.fs));
	ASSERT_OK(vtd_dev_attach(self->a, 15, self->h.fs));
	EXPECT_EQ(0x21, vtd_dma_peek(self->a, 14, IOVA(1)));
	EXPECT_EQ(0x21, vtd_dma_peek(self->a, 15, IOVA(1)));
	ASSERT_OK(vtd_pte_set(&self->g, IOVA(1), 1, DATA_GPA(3) | FS_LEAF_RW));
	EXPECT_EQ(0x21, vtd_dma_peek(self->a, 14, IOVA(1)));
	/* One invalidation of the HWPT covers every PASID it serves */
	ASSERT_OK(vtd_invalidate(self->fd, self->h.fs, IOVA(1), 1,
				 IOMMU_VTD_INV_FLAGS_LEAF));
	EXPECT_EQ(0x23, vtd_dma_peek(self->a, 14, IOVA(1)));
	EXPECT_EQ(0x23, vtd_dma_peek(self->a, 15, IOVA(1)));
	/* and the A bit shows the PASID's walk */
	EXPECT_TRUE(vtd_pte_get(&self->g, IOVA(1), 1) & FS_A);
}

/* Closing the device fd detaches every PASID it attached */
TEST_F(vtd_pasid, close_with_pasids)
{
	ASSERT_OK(vtd_dev_attach(self->a, 0, self->h.parent));
	ASSERT_OK(vtd_dev_attach(self->a, 16, self->h.fs));
	ASSERT_OK(vtd_dev_attach(self->a, 17, self->h.ss));
	EXPECT_ERR(EBUSY, emu_destroy(self->fd, self->h.fs));
	close(self->a);
	self->a = -1;
	EXPECT_OK(emu_destroy(self->fd, self->h.fs));
	EXPECT_OK(emu_destroy(self->fd, self->h.ss));
	EXPECT_OK(emu_destroy(self->fd, self->h.parent));
	/* and the sibling saw the group's PASIDs blocked again */
	EXPECT_EQ(ROUTE_NONE, route(self->b, 16));
	EXPECT_EQ(ROUTE_NONE, route(self->b, 0));
}

TEST_HARNESS_MAIN
