// SPDX-License-Identifier: GPL-2.0
/*
 * The emulated SMMUv3's vEVENTQ: stage-1 faults raised by a device's DMA
 * on a nested attachment arrive as 32-byte SMMUv3 event records carrying
 * the virtual StreamID, with the event type, SubstreamID, direction and
 * address of the faulting access; the queue fd polls readable, numbers
 * its records and marks overflow. Stage-2 faults and faults outside a
 * nested attachment belong to the host and are not forwarded.
 *
 * Topology: instance "smev_smmu" with "smev_a" (StreamID 0x100, 8 PASID
 * bits) and "smev_b" (0x101), virtual StreamIDs 0x8 and 0x10.
 */
#include "smmuv3_guest.h"

#define INST		"smev_smmu"
#define VSID_A		0x8
#define VSID_B		0x10
#define VA		0x00007f0000200000ULL
#define ASID		7

FIXTURE(smev) {
	struct sm_vm vm;
	struct sm_vdev dev[2];
	struct sm_s1 s1;
	__u64 cdtab;
	__u64 page;		/* a RW page mapped at VA */
};

static void smev_topology_down(void)
{
	emu_cfs_rmdir("devices", "smev_a");
	emu_cfs_rmdir("devices", "smev_b");
	emu_cfs_rmdir("iommus", INST);
}

FIXTURE_SETUP(smev)
{
	static const char *const names[] = { "smev_a", "smev_b" };
	static const __u32 vsids[] = { VSID_A, VSID_B };

	sm_vm_init(&self->vm, self->dev, names, vsids, 2);
	if (!emu_cfs_ready())
		SKIP(return, "%s missing: module not loaded?", EMU_CFS_ROOT);
	smev_topology_down();
	ASSERT_OK(sm_smmu_make(INST, NULL));
	ASSERT_OK(sm_dev_make("smev_a", INST, 0x100, 8));
	ASSERT_OK(sm_dev_make("smev_b", INST, 0x101, 0));

	sm_vm_bringup(_metadata, &self->vm, &self->dev[0], true);
	sm_vm_s1_setup(_metadata, &self->vm, &self->dev[0], &self->s1, 48,
		       ASID, &self->cdtab);
	self->page = sm_page_alloc(&self->vm.g);
	ASSERT_TRUE(sm_s1_map(&self->vm.g, &self->s1, VA, self->page,
			      SM_READ | SM_WRITE));
}

FIXTURE_TEARDOWN(smev)
{
	sm_vm_close(&self->vm, self->dev, 2);
	smev_topology_down();
}

#define A	(&self->dev[0])
#define G	(&self->vm.g)
#define FD	(self->vm.fd)

/* Read exactly one event, which must not be a lost-events marker */
#define read_one(_ev, _seq) do {					\
	bool __lost;							\
									\
	ASSERT_TRUE(sm_veventq_pollin(self->vm.qfd, 1000));		\
	ASSERT_EQ(1, sm_vm_events(&self->vm, _ev, _seq, 1, &__lost));	\
	ASSERT_FALSE(__lost);						\
} while (0)

/* Nothing is queued */
#define expect_empty() do {						\
	struct sm_event __ev;						\
									\
	EXPECT_FALSE(sm_veventq_pollin(self->vm.qfd, 0));		\
	EXPECT_EQ(0, sm_vm_events(&self->vm, &__ev, NULL, 1, NULL));	\
} while (0)

TEST_F(smev, translation_fault)
{
	struct sm_event ev;
	__u32 seq, seq2;
	__u64 val;

	expect_empty();
	ASSERT_OK(sm_dma_peek(A->dfd, VA, &val));
	expect_empty();

	/* A read of the unmapped page after the mapped one */
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA + PAGE_SIZE + 0x40, &val));
	read_one(&ev, &seq);
	EXPECT_EQ(EVT_F_TRANSLATION, ev.id);
	EXPECT_EQ(VSID_A, ev.sid);
	EXPECT_FALSE(ev.ssv);
	EXPECT_TRUE(ev.rnw);
	EXPECT_FALSE(ev.s2);
	EXPECT_FALSE(ev.stall);
	EXPECT_EQ(VA + PAGE_SIZE + 0x40, ev.addr);
	expect_empty();

	/* A write, then the next sequence number */
	EXPECT_ERR(EIO, sm_dma_poke(A->dfd, VA - PAGE_SIZE, 1));
	read_one(&ev, &seq2);
	EXPECT_EQ(seq + 1, seq2);
	EXPECT_EQ(EVT_F_TRANSLATION, ev.id);
	EXPECT_FALSE(ev.rnw);
	EXPECT_EQ(VA - PAGE_SIZE, ev.addr);
}

TEST_F(smev, sequence_numbers)
{
	struct sm_event ev[4];
	__u32 seq[4];
	__u64 val;
	int i;

	for (i = 0; i < 4; i++)
		EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA + (i + 1) * PAGE_SIZE,
					    &val));
	ASSERT_TRUE(sm_veventq_pollin(self->vm.qfd, 1000));
	ASSERT_EQ(4, sm_vm_events(&self->vm, ev, seq, 4, NULL));
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(EVT_F_TRANSLATION, ev[i].id);
		EXPECT_EQ(VA + (i + 1) * PAGE_SIZE, ev[i].addr);
		if (i)
			EXPECT_EQ(seq[i - 1] + 1, seq[i]);
	}
}

TEST_F(smev, permission_and_access_faults)
{
	struct sm_event ev;
	__u64 val;

	ASSERT_TRUE(sm_s1_map(G, &self->s1, VA + PAGE_SIZE, self->page,
			      SM_READ));
	ASSERT_TRUE(sm_s1_map(G, &self->s1, VA + 2 * PAGE_SIZE, self->page,
			      SM_READ | SM_WRITE | SM_NO_AF));

	ASSERT_OK(sm_dma_peek(A->dfd, VA + PAGE_SIZE, &val));
	EXPECT_ERR(EIO, sm_dma_poke(A->dfd, VA + PAGE_SIZE + 8, 0xbad));
	read_one(&ev, NULL);
	EXPECT_EQ(EVT_F_PERMISSION, ev.id);
	EXPECT_EQ(VSID_A, ev.sid);
	EXPECT_FALSE(ev.rnw);
	EXPECT_FALSE(ev.s2);
	EXPECT_EQ(VA + PAGE_SIZE + 8, ev.addr);

	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA + 2 * PAGE_SIZE, &val));
	read_one(&ev, NULL);
	EXPECT_EQ(EVT_F_ACCESS, ev.id);
	EXPECT_EQ(VSID_A, ev.sid);
	EXPECT_TRUE(ev.rnw);
	EXPECT_EQ(VA + 2 * PAGE_SIZE, ev.addr);
	expect_empty();
}

TEST_F(smev, bad_cd)
{
	struct sm_event ev;
	__u64 val;

	sm_cd_clear(G, self->cdtab, 0);
	ASSERT_OK(sm_invalidate1(FD, self->vm.viommu, sm_cfgi_cd(VSID_A, 0)));
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA, &val));
	read_one(&ev, NULL);
	EXPECT_EQ(EVT_C_BAD_CD, ev.id);
	EXPECT_EQ(VSID_A, ev.sid);

	/* A CD for 64 KiB granule tables is not one the model walks */
	sm_cd_write(G, self->cdtab, 0, &self->s1);
	sm_cd(G, self->cdtab, 0)[0] |= CD0_TG0(1);
	ASSERT_OK(sm_invalidate1(FD, self->vm.viommu, sm_cfgi_cd_all(VSID_A)));
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA, &val));
	read_one(&ev, NULL);
	EXPECT_EQ(EVT_C_BAD_CD, ev.id);

	/* Repaired */
	sm_cd_write(G, self->cdtab, 0, &self->s1);
	ASSERT_OK(sm_invalidate1(FD, self->vm.viommu, sm_cfgi_cd_all(VSID_A)));
	ASSERT_OK(sm_dma_peek(A->dfd, VA, &val));
	expect_empty();
}

/* An STE asking for more SubstreamIDs than the SMMU has is a bad STE */
TEST_F(smev, bad_ste)
{
	struct sm_event ev;
	__u64 ste[2], val;

	/* The instance has 20 SSID bits; 2^21 CDs cannot be */
	sm_ste_s1(ste, self->cdtab, 21, STE_S1DSS_SSID0);
	sm_vm_set_ste(_metadata, &self->vm, A, ste);
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA, &val));
	read_one(&ev, NULL);
	EXPECT_EQ(EVT_C_BAD_STE, ev.id);
	EXPECT_EQ(VSID_A, ev.sid);

	/* The guest fixes its STE: a new HWPT, and DMA works again */
	sm_ste_s1(ste, self->cdtab, 0, STE_S1DSS_SSID0);
	sm_vm_set_ste(_metadata, &self->vm, A, ste);
	ASSERT_OK(sm_dma_peek(A->dfd, VA, &val));
	expect_empty();
}

TEST_F(smev, substream_faults)
{
	struct sm_s1 s1b;
	struct sm_event ev;
	__u64 cdtab, ste[2], val;

	cdtab = sm_cdtab_alloc(G, 1);
	ASSERT_TRUE(sm_s1_init(G, &s1b, 48, ASID + 1));
	sm_cd_write(G, cdtab, 0, &self->s1);
	sm_cd_write(G, cdtab, 1, &s1b);
	sm_ste_s1(ste, cdtab, 1, STE_S1DSS_TERMINATE);
	sm_vm_set_ste(_metadata, &self->vm, A, ste);

	/* SSID 1's address space maps nothing */
	EXPECT_ERR(EIO, sm_dma(A->dfd, false, 1, VA, &val, sizeof(val)));
	read_one(&ev, NULL);
	EXPECT_EQ(EVT_F_TRANSLATION, ev.id);
	EXPECT_EQ(VSID_A, ev.sid);
	EXPECT_TRUE(ev.ssv);
	EXPECT_EQ(1, ev.ssid);
	EXPECT_EQ(VA, ev.addr);

	/* Beyond the two CDs of the table */
	EXPECT_ERR(EIO, sm_dma(A->dfd, false, 2, VA, &val, sizeof(val)));
	read_one(&ev, NULL);
	EXPECT_EQ(EVT_C_BAD_SUBSTREAMID, ev.id);
	EXPECT_EQ(VSID_A, ev.sid);

	/* No SSID while the STE says terminate */
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA, &val));
	read_one(&ev, NULL);
	EXPECT_EQ(EVT_F_STREAM_DISABLED, ev.id);
	EXPECT_EQ(VSID_A, ev.sid);

	/* Once SSID 1 maps the page, it works */
	ASSERT_TRUE(sm_s1_map(G, &s1b, VA, self->page, SM_READ));
	ASSERT_OK(sm_dma(A->dfd, false, 1, VA, &val, sizeof(val)));
	expect_empty();
}

/*
 * Addresses outside what the CD allows: an input above 2^(64 - T0SZ) is a
 * translation fault, an output above the IPS size an address-size fault.
 */
TEST_F(smev, address_ranges)
{
	struct sm_event ev;
	__u64 *cd, val;

	/* 48-bit VAs: bit 48 set is out of range */
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA | (1ULL << 48), &val));
	read_one(&ev, NULL);
	EXPECT_EQ(EVT_F_TRANSLATION, ev.id);
	EXPECT_EQ(VSID_A, ev.sid);
	EXPECT_EQ(VA | (1ULL << 48), ev.addr);

	/* IPS 32 bits, and a page whose IPA needs 33 */
	cd = sm_cd(G, self->cdtab, 0);
	cd[0] = (cd[0] & ~SM_MASK(34, 32)) | CD0_IPS(0);
	ASSERT_OK(sm_invalidate1(FD, self->vm.viommu, sm_cfgi_cd(VSID_A, 0)));
	ASSERT_OK(sm_invalidate1(FD, self->vm.viommu, sm_tlbi_nh_all()));
	ASSERT_TRUE(sm_s1_map(G, &self->s1, VA + PAGE_SIZE, 1ULL << 32,
			      SM_READ));
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA + PAGE_SIZE, &val));
	read_one(&ev, NULL);
	EXPECT_EQ(EVT_F_ADDR_SIZE, ev.id);
	EXPECT_EQ(VSID_A, ev.sid);
	EXPECT_EQ(VA + PAGE_SIZE, ev.addr);
	/* Guest RAM sits below 4 GiB: still reachable */
	ASSERT_OK(sm_dma_peek(A->dfd, VA, &val));
	expect_empty();
}

/* Stage-2 faults are the host's: DMA fails, nothing is forwarded */
TEST_F(smev, stage2_faults_not_forwarded)
{
	__u64 ste[2], val, *slot;

	/* The output IPA is outside guest RAM */
	ASSERT_TRUE(sm_s1_map(G, &self->s1, VA + PAGE_SIZE, GUEST_HOLE_IPA,
			      SM_READ | SM_WRITE));
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA + PAGE_SIZE, &val));
	EXPECT_ERR(EIO, sm_dma_poke(A->dfd, VA + PAGE_SIZE, 1));
	expect_empty();

	/* A stage-1 table lives outside guest RAM */
	slot = sm_s1_slot(G, &self->s1, VA + (1ULL << 30), 2);
	ASSERT_NE(NULL, slot);
	*slot = GUEST_HOLE_IPA | PTE_TABLE;
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA + (1ULL << 30), &val));
	expect_empty();

	/* The CD table itself is outside guest RAM */
	sm_ste_s1(ste, GUEST_HOLE_IPA, 0, STE_S1DSS_SSID0);
	sm_vm_set_ste(_metadata, &self->vm, A, ste);
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA, &val));
	expect_empty();

	/* Bypass: only stage 2 translates, and its faults stay quiet too */
	ASSERT_OK(sm_attach(A->dfd, self->vm.bypass_hwpt));
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, GUEST_HOLE_IPA, &val));
	expect_empty();
}

/* Faults outside a nested attachment of the vIOMMU are not the guest's */
TEST_F(smev, only_nested_attachments_report)
{
	struct sm_event ev;
	__u64 val;

	ASSERT_OK(sm_attach(A->dfd, self->vm.abort_hwpt));
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA, &val));
	expect_empty();
	ASSERT_OK(sm_attach(A->dfd, self->vm.s2));
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, GUEST_HOLE_IPA, &val));
	expect_empty();
	ASSERT_OK(sm_detach(A->dfd));
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA, &val));
	expect_empty();

	/* Back on the stage-1 HWPT, faults report again */
	ASSERT_OK(sm_attach(A->dfd, A->hwpt));
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA + PAGE_SIZE, &val));
	read_one(&ev, NULL);
	EXPECT_EQ(VSID_A, ev.sid);
}

/* Each device's records carry its own virtual StreamID */
TEST_F(smev, virtual_sid_per_device)
{
	struct sm_vdev *b = &self->dev[1];
	struct sm_event ev;
	__u64 ste[2], val;
	__u32 vd;

	sm_vm_add_dev(_metadata, &self->vm, b);
	sm_ste_s1(ste, self->cdtab, 0, STE_S1DSS_SSID0);
	sm_vm_set_ste(_metadata, &self->vm, b, ste);

	EXPECT_ERR(EIO, sm_dma_peek(b->dfd, VA + PAGE_SIZE, &val));
	read_one(&ev, NULL);
	EXPECT_EQ(VSID_B, ev.sid);
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA + PAGE_SIZE, &val));
	read_one(&ev, NULL);
	EXPECT_EQ(VSID_A, ev.sid);

	/*
	 * The VMM gives B another virtual StreamID (the guest renumbered
	 * the bus): detach from the nested HWPT, new vDEVICE, re-attach.
	 */
	ASSERT_OK(sm_attach(b->dfd, self->vm.s2));
	ASSERT_OK(emu_destroy(FD, b->vdev));
	ASSERT_OK(sm_vdev_alloc(FD, self->vm.viommu, b->dev_id, 0x1234, &vd));
	ASSERT_OK(sm_attach(b->dfd, b->hwpt));
	EXPECT_ERR(EIO, sm_dma_peek(b->dfd, VA + PAGE_SIZE, &val));
	read_one(&ev, NULL);
	EXPECT_EQ(0x1234, ev.sid);
}

TEST_F(smev, overflow_marks_lost_events)
{
	static __u8 buf[SM_RECORD_LEN * 16];
	struct iommufd_vevent_header hdr;
	struct sm_event ev;
	__u32 last = 0, lost_seq = 0;
	unsigned int events = 0, losts = 0;
	size_t off = 0;
	ssize_t len;
	__u64 val;
	int i;

	/* A second queue of the type is refused; replace with a small one */
	EXPECT_ERR(EEXIST, sm_veventq_alloc(FD, self->vm.viommu, 4, NULL,
					    NULL));
	close(self->vm.qfd);
	self->vm.qfd = -1;
	ASSERT_OK(emu_destroy(FD, self->vm.veventq));
	ASSERT_OK(sm_veventq_alloc(FD, self->vm.viommu, 4, &self->vm.veventq,
				   &self->vm.qfd));

	/* Eight faults at distinct addresses into four slots */
	for (i = 0; i < 8; i++)
		EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA + (i + 1) * PAGE_SIZE,
					    &val));
	/* A buffer too small for the first record gets nothing, EINVAL */
	len = read(self->vm.qfd, buf, SM_RECORD_LEN - 1);
	EXPECT_EQ(-1, len);
	EXPECT_EQ(EINVAL, errno);
	len = sm_veventq_read(self->vm.qfd, buf, sizeof(buf));
	ASSERT_LT(0, len);
	while (sm_next_record(buf, len, &off, &hdr, &ev)) {
		if (hdr.flags & IOMMU_VEVENTQ_FLAG_LOST_EVENTS) {
			losts++;
			lost_seq = hdr.sequence;
			continue;
		}
		EXPECT_EQ(VA + (events + 1) * PAGE_SIZE, ev.addr);
		if (events)
			EXPECT_EQ(last + 1, hdr.sequence);
		last = hdr.sequence;
		events++;
	}
	EXPECT_EQ(len, off);
	EXPECT_EQ(4, events);
	EXPECT_EQ(1, losts);
	/* The marker says how far the numbering went: gaps count losses */
	EXPECT_LT(last, lost_seq);
	expect_empty();

	/* The next event continues the numbering past the lost ones */
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA + 20 * PAGE_SIZE, &val));
	read_one(&ev, &last);
	EXPECT_EQ(lost_seq + 1, last);
}

/* Without a vEVENTQ faults are only logged; a new queue starts empty */
TEST_F(smev, no_queue_no_records)
{
	struct sm_event ev;
	__u64 val;

	close(self->vm.qfd);
	self->vm.qfd = -1;
	ASSERT_OK(emu_destroy(FD, self->vm.veventq));
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA + PAGE_SIZE, &val));
	ASSERT_OK(sm_veventq_alloc(FD, self->vm.viommu, 8, &self->vm.veventq,
				   &self->vm.qfd));
	expect_empty();
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA + 2 * PAGE_SIZE, &val));
	read_one(&ev, NULL);
	EXPECT_EQ(VA + 2 * PAGE_SIZE, ev.addr);
}

TEST_HARNESS_MAIN
