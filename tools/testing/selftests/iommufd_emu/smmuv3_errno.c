// SPDX-License-Identifier: GPL-2.0
/*
 * Every refusal of the emulated SMMUv3's nesting objects, each next to the
 * success it borders: IOMMU_VIOMMU_ALLOC on the wrong parent or instance,
 * IOMMU_VDEVICE_ALLOC uniqueness, the vSTE fields user space may set,
 * nested attach without a vDEVICE or on a PASID, IOMMU_HWPT_INVALIDATE's
 * command filter and the order in which the objects may be destroyed.
 *
 * Topology: instance "sme_x" with devices "sme_x0" (StreamID 0x200),
 * "sme_x1" (0x201) and "sme_xp" (0x202, 8 PASID bits); instance "sme_y"
 * (nesting, ATS) with "sme_y0" (0x300);
 * instance "sme_n" without nesting with "sme_n0" (0x400). All devices are
 * bound to one iommufd; x0 and y0 sit on a nesting parent of their own
 * instance, and instance x has a vIOMMU over its parent.
 */
#include "smmuv3_guest.h"

enum { X0, X1, Y0, N0, XP, NR_DEVS };

static const char *const dev_names[NR_DEVS] = {
	"sme_x0", "sme_x1", "sme_y0", "sme_n0", "sme_xp"
};

FIXTURE(sme) {
	int fd;
	__u32 ioas;
	int dfd[NR_DEVS];
	__u32 dev_id[NR_DEVS];
	__u32 s2x, s2y;		/* nesting parents of x and y */
	__u32 viommu;		/* on s2x */
};

static void sme_topology_down(void)
{
	unsigned int i;

	emu_cfs_rmdir("devices", "sme_sub");
	for (i = 0; i < NR_DEVS; i++)
		emu_cfs_rmdir("devices", dev_names[i]);
	emu_cfs_rmdir("iommus", "sme_x");
	emu_cfs_rmdir("iommus", "sme_y");
	emu_cfs_rmdir("iommus", "sme_n");
}

FIXTURE_SETUP(sme)
{
	static const char *const y_caps[] = { "ats=1", NULL };
	static const char *const n_caps[] = { "nesting=0", NULL };
	unsigned int i;

	self->fd = -1;
	for (i = 0; i < NR_DEVS; i++)
		self->dfd[i] = -1;
	if (!emu_cfs_ready())
		SKIP(return, "%s missing: module not loaded?", EMU_CFS_ROOT);
	sme_topology_down();
	ASSERT_OK(sm_smmu_make("sme_x", NULL));
	ASSERT_OK(sm_smmu_make("sme_y", y_caps));
	ASSERT_OK(sm_smmu_make("sme_n", n_caps));
	ASSERT_OK(sm_dev_make("sme_x0", "sme_x", 0x200, 0));
	ASSERT_OK(sm_dev_make("sme_x1", "sme_x", 0x201, 0));
	ASSERT_OK(sm_dev_make("sme_y0", "sme_y", 0x300, 0));
	ASSERT_OK(sm_dev_make("sme_n0", "sme_n", 0x400, 0));
	ASSERT_OK(sm_dev_make("sme_xp", "sme_x", 0x202, 8));

	self->fd = emu_open();
	ASSERT_LE(0, self->fd);
	ASSERT_OK(emu_ioas_alloc(self->fd, &self->ioas));
	for (i = 0; i < NR_DEVS; i++) {
		self->dfd[i] = sm_dev_open(dev_names[i]);
		ASSERT_LE(0, self->dfd[i]);
		ASSERT_OK(sm_bind(self->dfd[i], self->fd, &self->dev_id[i]));
	}
	ASSERT_OK(sm_s2_alloc(self->fd, self->dev_id[X0], self->ioas,
			      &self->s2x));
	ASSERT_OK(sm_s2_alloc(self->fd, self->dev_id[Y0], self->ioas,
			      &self->s2y));
	ASSERT_OK(sm_attach(self->dfd[X0], self->s2x));
	ASSERT_OK(sm_attach(self->dfd[Y0], self->s2y));
	ASSERT_OK(sm_viommu_alloc(self->fd, self->dev_id[X0], self->s2x,
				  &self->viommu));
}

FIXTURE_TEARDOWN(sme)
{
	unsigned int i;

	for (i = 0; i < NR_DEVS; i++)
		if (self->dfd[i] >= 0)
			close(self->dfd[i]);
	if (self->fd >= 0)
		close(self->fd);
	sme_topology_down();
}

#define FD	(self->fd)
#define DEV(i)	(self->dev_id[i])

TEST_F(sme, viommu_alloc)
{
	__u32 plain, id;

	/* Another instance's nesting parent */
	EXPECT_ERR(EINVAL, sm_viommu_alloc(FD, DEV(X0), self->s2y, NULL));
	EXPECT_ERR(EINVAL, sm_viommu_alloc(FD, DEV(Y0), self->s2x, NULL));
	/* A paging HWPT that is not a nesting parent */
	ASSERT_OK(sm_hwpt_alloc(FD, DEV(X0), self->ioas, 0,
				IOMMU_HWPT_DATA_NONE, NULL, 0, &plain));
	EXPECT_ERR(EINVAL, sm_viommu_alloc(FD, DEV(X0), plain, NULL));
	/* The IOAS itself is not a HWPT */
	EXPECT_ERR(ENOENT, sm_viommu_alloc(FD, DEV(X0), self->ioas, NULL));
	EXPECT_ERR(ENOENT, sm_viommu_alloc(FD, 0xfffff0, self->s2x, NULL));

	/* An instance without nesting has neither parents nor vIOMMUs */
	EXPECT_ERR(EOPNOTSUPP, sm_s2_alloc(FD, DEV(N0), self->ioas, NULL));
	EXPECT_ERR(EOPNOTSUPP, sm_viommu_alloc(FD, DEV(N0), self->s2x, NULL));

	/* Unknown type and flags */
	EXPECT_ERR(EOPNOTSUPP, sm_viommu_alloc_full(FD, 0,
						    IOMMU_VIOMMU_TYPE_DEFAULT,
						    DEV(X0), self->s2x, NULL));
	EXPECT_ERR(EOPNOTSUPP, sm_viommu_alloc_full(FD, 1,
						    IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
						    DEV(X0), self->s2x, NULL));

	/* More than one vIOMMU on one parent is fine (one per guest SMMU) */
	ASSERT_OK(sm_viommu_alloc(FD, DEV(X1), self->s2x, &id));
	EXPECT_NE(self->viommu, id);
	ASSERT_OK(sm_viommu_alloc(FD, DEV(Y0), self->s2y, NULL));
	/* The parent is busy while a vIOMMU holds it */
	EXPECT_ERR(EBUSY, emu_destroy(FD, self->s2x));
	EXPECT_OK(emu_destroy(FD, id));
	EXPECT_OK(emu_destroy(FD, plain));
}

TEST_F(sme, vdevice_alloc)
{
	__u32 vd0, vd1, viommu2;

	ASSERT_OK(sm_vdev_alloc(FD, self->viommu, DEV(X0), 0x8, &vd0));
	/* The same virtual StreamID twice */
	EXPECT_ERR(EEXIST, sm_vdev_alloc(FD, self->viommu, DEV(X1), 0x8, NULL));
	/* The same device twice, under another ID */
	EXPECT_ERR(EEXIST, sm_vdev_alloc(FD, self->viommu, DEV(X0), 0x9, NULL));
	/* A virtual StreamID is 32 bits */
	EXPECT_ERR(EINVAL, sm_vdev_alloc(FD, self->viommu, DEV(X1),
					 0x100000000ULL, NULL));
	/* A device of another instance */
	EXPECT_ERR(EINVAL, sm_vdev_alloc(FD, self->viommu, DEV(Y0), 0xa,
					 NULL));
	EXPECT_ERR(ENOENT, sm_vdev_alloc(FD, self->s2x, DEV(X1), 0xa, NULL));

	ASSERT_OK(sm_vdev_alloc(FD, self->viommu, DEV(X1), 0xffffffff, &vd1));
	EXPECT_NE(vd0, vd1);

	/* Destroyed, its ID and its device are free again */
	ASSERT_OK(emu_destroy(FD, vd0));
	ASSERT_OK(sm_vdev_alloc(FD, self->viommu, DEV(X0), 0x8, &vd0));

	/* vSIDs are per vIOMMU: another one may reuse 0x8 */
	ASSERT_OK(sm_viommu_alloc(FD, DEV(X1), self->s2x, &viommu2));
	EXPECT_ERR(EEXIST, sm_vdev_alloc(FD, viommu2, DEV(X0), 0x8, NULL));
	EXPECT_OK(emu_destroy(FD, vd0));
	ASSERT_OK(sm_vdev_alloc(FD, viommu2, DEV(X0), 0x8, &vd0));
	/* A vIOMMU with vDEVICEs cannot go */
	EXPECT_ERR(EBUSY, emu_destroy(FD, viommu2));
	EXPECT_OK(emu_destroy(FD, vd0));
	EXPECT_OK(emu_destroy(FD, viommu2));
}

/* ---- the vSTE ---- */

TEST_F(sme, vste_fields)
{
	static const __u64 good_cfg[] = {
		STE_CFG_ABORT, STE_CFG_BYPASS, STE_CFG_S1,
	};
	/* Every bit user space may not set, by word */
	const __u64 allowed0 = STE0_V | SM_MASK(3, 1) | SM_MASK(5, 4) |
			       SM_MASK(51, 6) | SM_MASK(63, 59);
	const __u64 allowed1 = SM_MASK(7, 0) | STE1_S1STALLD | SM_MASK(29, 28);
	const __u64 s1 = STE0_V | STE0_CFG(STE_CFG_S1) |
			 STE0_S1CTXPTR(GUEST_RAM_IPA);
	unsigned int bit, cfg, i;
	__u64 ste[2];
	__u32 id;

	for (i = 0; i < ARRAY_SIZE(good_cfg); i++) {
		ASSERT_OK(sm_nested_alloc(FD, DEV(X0), self->viommu,
					  STE0_V | STE0_CFG(good_cfg[i]), 0,
					  &id));
		EXPECT_OK(emu_destroy(FD, id));
	}
	/* Stage-2, nested and the reserved encodings are the host's */
	for (cfg = 0; cfg < 8; cfg++) {
		if (cfg == STE_CFG_ABORT || cfg == STE_CFG_BYPASS ||
		    cfg == STE_CFG_S1)
			continue;
		TH_LOG("config %u", cfg);
		EXPECT_ERR(EIO, sm_nested_alloc(FD, DEV(X0), self->viommu,
						STE0_V | STE0_CFG(cfg), 0,
						NULL));
	}
	for (bit = 0; bit < 64; bit++) {
		if (!(allowed0 & SM_BIT(bit))) {
			TH_LOG("word 0 bit %u", bit);
			EXPECT_ERR(EIO, sm_nested_alloc(FD, DEV(X0),
							self->viommu,
							s1 | SM_BIT(bit), 0,
							NULL));
		}
		if (!(allowed1 & SM_BIT(bit))) {
			TH_LOG("word 1 bit %u", bit);
			EXPECT_ERR(EIO, sm_nested_alloc(FD, DEV(X0),
							self->viommu, s1,
							SM_BIT(bit), NULL));
		}
	}
	/* Every allowed field at its maximum */
	ASSERT_OK(sm_nested_alloc(FD, DEV(X0), self->viommu,
				  (allowed0 & ~SM_MASK(5, 1)) |
				  STE0_CFG(STE_CFG_S1) | STE0_S1FMT(2),
				  STE1_S1DSS(2) | STE1_S1CIR(3) | STE1_S1COR(3) |
				  STE1_S1CSH(3) | STE1_S1STALLD | STE1_EATS(1),
				  &id));
	EXPECT_OK(emu_destroy(FD, id));
	/* EATS: only "abort" and "translate" */
	EXPECT_ERR(EIO, sm_nested_alloc(FD, DEV(X0), self->viommu, s1,
					STE1_EATS(2), NULL));
	EXPECT_ERR(EIO, sm_nested_alloc(FD, DEV(X0), self->viommu, s1,
					STE1_EATS(3), NULL));

	/* V=0: whatever else is there, an aborting STE */
	ASSERT_OK(sm_nested_alloc(FD, DEV(X0), self->viommu,
				  ~STE0_V, ~0ULL, &id));
	EXPECT_OK(emu_destroy(FD, id));

	/* HWPT flags mean nothing for a vSTE */
	ste[0] = VSTE_BYPASS0;
	ste[1] = 0;
	EXPECT_ERR(EOPNOTSUPP, sm_nested_alloc_flags(FD, DEV(X0), self->viommu,
						     IOMMU_HWPT_ALLOC_NEST_PARENT,
						     ste, NULL));
	EXPECT_ERR(EOPNOTSUPP, sm_nested_alloc_flags(FD, DEV(X0), self->viommu,
						     IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
						     ste, NULL));
}

/* A vSTE on the vIOMMU of another instance, or straight on the parent */
TEST_F(sme, nested_alloc_wrong_place)
{
	struct iommu_hwpt_arm_smmuv3 data = {
		.ste = { htole64(VSTE_BYPASS0), 0 },
	};
	__u32 id;
	int rc;

	/*
	 * A device of another instance: refused when allocating, or at the
	 * latest when attaching.
	 */
	ASSERT_OK(sm_vdev_alloc(FD, self->viommu, DEV(X0), 0x8, NULL));
	rc = sm_nested_alloc(FD, DEV(Y0), self->viommu, VSTE_BYPASS0, 0, &id);
	if (rc)
		EXPECT_ERR(EINVAL, rc);
	else
		EXPECT_NE(0, sm_attach(self->dfd[Y0], id));
	/* SMMUv3 nests only through a vIOMMU (a cloud-hypervisor RFC bug) */
	EXPECT_ERR(EOPNOTSUPP, sm_nested_alloc(FD, DEV(X0), self->s2x,
					       VSTE_BYPASS0, 0, NULL));
	/* The wrong data type, or too little of it */
	EXPECT_ERR(EINVAL, sm_hwpt_alloc(FD, DEV(X0), self->viommu, 0,
					 IOMMU_HWPT_DATA_VTD_S1, &data,
					 sizeof(data), NULL));
	EXPECT_ERR(EINVAL, sm_hwpt_alloc(FD, DEV(X0), self->viommu, 0,
					 IOMMU_HWPT_DATA_ARM_SMMUV3, &data, 8,
					 NULL));
}

/* ---- attach ---- */

TEST_F(sme, nested_attach_needs_vdevice)
{
	const __u64 s1 = STE0_V | STE0_CFG(STE_CFG_S1) |
			 STE0_S1CTXPTR(GUEST_RAM_IPA);
	__u32 hwpt, vd, viommu2, hwpt2, vd1, bypass, abort;

	ASSERT_OK(sm_nested_alloc(FD, DEV(X0), self->viommu, s1, 0, &hwpt));
	/* Neither device has a vDEVICE yet */
	EXPECT_ERR(ENOENT, sm_attach(self->dfd[X0], hwpt));
	EXPECT_ERR(ENOENT, sm_attach(self->dfd[X1], hwpt));
	/*
	 * Abort and bypass vSTEs need none: QEMU attaches them (GBPA)
	 * before the guest ever names the device's StreamID.
	 */
	ASSERT_OK(sm_nested_alloc(FD, DEV(X0), self->viommu, VSTE_BYPASS0, 0,
				  &bypass));
	ASSERT_OK(sm_nested_alloc(FD, DEV(X0), self->viommu, VSTE_ABORT0, 0,
				  &abort));
	EXPECT_OK(sm_attach(self->dfd[X0], bypass));
	EXPECT_OK(sm_attach(self->dfd[X1], bypass));
	EXPECT_OK(sm_attach(self->dfd[X0], abort));
	EXPECT_OK(sm_attach(self->dfd[X1], abort));

	ASSERT_OK(sm_vdev_alloc(FD, self->viommu, DEV(X0), 0x8, &vd));
	ASSERT_OK(sm_attach(self->dfd[X0], hwpt));
	EXPECT_ERR(ENOENT, sm_attach(self->dfd[X1], hwpt));

	/* A vDEVICE in another vIOMMU does not count */
	ASSERT_OK(sm_viommu_alloc(FD, DEV(X1), self->s2x, &viommu2));
	ASSERT_OK(sm_vdev_alloc(FD, viommu2, DEV(X1), 0x9, &vd1));
	EXPECT_ERR(ENOENT, sm_attach(self->dfd[X1], hwpt));
	ASSERT_OK(sm_nested_alloc(FD, DEV(X1), viommu2, s1, 0, &hwpt2));
	EXPECT_OK(sm_attach(self->dfd[X1], hwpt2));
	/* Replace across vIOMMUs needs the vDEVICE in the new one */
	EXPECT_ERR(ENOENT, sm_attach(self->dfd[X0], hwpt2));
	EXPECT_OK(sm_attach(self->dfd[X0], hwpt));

	/* Busy while attached; free after the device moves away */
	EXPECT_ERR(EBUSY, emu_destroy(FD, hwpt));
	ASSERT_OK(sm_attach(self->dfd[X0], self->s2x));
	ASSERT_OK(sm_detach(self->dfd[X1]));
	EXPECT_OK(emu_destroy(FD, hwpt));
	EXPECT_OK(emu_destroy(FD, hwpt2));
	EXPECT_OK(emu_destroy(FD, vd1));
	EXPECT_OK(emu_destroy(FD, viommu2));

	/* Gone with its vDEVICE: attaching again is ENOENT */
	ASSERT_OK(sm_nested_alloc(FD, DEV(X0), self->viommu, s1, 0, &hwpt));
	EXPECT_OK(emu_destroy(FD, vd));
	EXPECT_ERR(ENOENT, sm_attach(self->dfd[X0], hwpt));
}

/* Attach (or replace) PASID @pasid of the device behind @dfd to @pt_id */
static int sme_pasid_attach(int dfd, __u32 pasid, __u32 pt_id)
{
	return emu_dev_attach(dfd, VFIO_DEVICE_ATTACH_PASID, pasid, &pt_id);
}

/*
 * A sub-device's requests carry its parent's StreamID and a PASID; this
 * SMMU has no per-PASID entry it could own, so enabling one is refused
 * (it used to fail with EEXIST, the parent's stream table slot), and the
 * parent is left as it was.
 */
TEST_F(sme, sub_device_refused)
{
	const char *const kv[] = { "parent", "sme_xp", "pasid", "1", NULL };
	unsigned long long enabled = 1;

	ASSERT_OK(emu_cfs_make("devices", "sme_sub", kv, false));
	EXPECT_ERR(EOPNOTSUPP, emu_cfs_write("devices", "sme_sub", "enable",
					     "1"));
	ASSERT_OK(emu_cfs_readu("devices", "sme_sub", "enable", &enabled));
	EXPECT_EQ(0, enabled);
	EXPECT_OK(emu_cfs_rmdir("devices", "sme_sub"));
	/* The parent still works */
	EXPECT_OK(sm_attach(self->dfd[XP], self->ioas));
}

/*
 * A nested HWPT is the guest's whole STE, PASIDs included (they are its
 * CDs), so it never serves a PASID of its own. As upstream, where the
 * SMMUv3 nested domain has no set_dev_pasid: IOMMU_HWPT_ALLOC_PASID is
 * EOPNOTSUPP; without it the HWPT is not PASID-compatible, so attaching
 * it to a PASID, replacing a PASID's HWPT by it, and putting it on the
 * RID while a PASID is attached are EINVAL, as is attaching a PASID
 * while it is on the RID.
 */
TEST_F(sme, nested_and_pasids)
{
	const __u64 s1 = STE0_V | STE0_CFG(STE_CFG_S1) |
			 STE0_S1CTXPTR(GUEST_RAM_IPA);
	const __u64 ste[2] = { s1, 0 };
	int dfd = self->dfd[XP];
	__u32 nested, pasid_s1;

	ASSERT_OK(sm_vdev_alloc(FD, self->viommu, DEV(XP), 0x20, NULL));
	EXPECT_ERR(EOPNOTSUPP,
		   sm_nested_alloc_flags(FD, DEV(XP), self->viommu,
					 IOMMU_HWPT_ALLOC_PASID, ste, NULL));
	ASSERT_OK(sm_nested_alloc(FD, DEV(XP), self->viommu, s1, 0, &nested));
	ASSERT_OK(sm_hwpt_alloc(FD, DEV(XP), self->ioas,
				IOMMU_HWPT_ALLOC_PASID, IOMMU_HWPT_DATA_NONE,
				NULL, 0, &pasid_s1));

	/* The RID blocked: only the PASID-compatible HWPT goes on PASID 1 */
	EXPECT_ERR(EINVAL, sme_pasid_attach(dfd, 1, nested));
	ASSERT_OK(sme_pasid_attach(dfd, 1, pasid_s1));
	EXPECT_ERR(EINVAL, sme_pasid_attach(dfd, 1, nested));
	EXPECT_ERR(EINVAL, sme_pasid_attach(dfd, 2, nested));
	/* Nor on the RID while PASID 1 is attached, first or as a replace */
	EXPECT_ERR(EINVAL, sm_attach(dfd, nested));
	ASSERT_OK(sm_attach(dfd, pasid_s1));
	EXPECT_ERR(EINVAL, sm_attach(dfd, nested));

	/* Without PASIDs the RID takes it, and then no PASID attaches */
	ASSERT_OK(emu_dev_detach(dfd, VFIO_DEVICE_DETACH_PASID, 1));
	ASSERT_OK(sm_attach(dfd, nested));
	EXPECT_ERR(EINVAL, sme_pasid_attach(dfd, 1, pasid_s1));
	EXPECT_ERR(EINVAL, sme_pasid_attach(dfd, 1, nested));
	ASSERT_OK(sm_attach(dfd, pasid_s1));
	ASSERT_OK(sme_pasid_attach(dfd, 1, pasid_s1));
}

/* ---- invalidation ---- */

TEST_F(sme, invalidate)
{
	struct sm_cmd c = sm_tlbi_nh_all();
	__u32 num, vy, nested;
	int rc;
	__u64 wire[4] = { CMD_TLBI_NH_ALL, 0, 0, 0 };

	ASSERT_OK(sm_vdev_alloc(FD, self->viommu, DEV(X0), 0x8, NULL));
	ASSERT_OK(sm_invalidate1(FD, self->viommu, c));

	/* The vIOMMU's data type only */
	num = 1;
	rc = sm_invalidate_raw(FD, self->viommu,
			       IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, 16, wire, &num);
	EXPECT_ERR(EINVAL, rc);
	EXPECT_EQ(0, num);
	/* Longer entries are fine when the extra bytes are zero */
	num = 1;
	rc = sm_invalidate_raw(FD, self->viommu,
			       IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
			       sizeof(wire), wire, &num);
	EXPECT_OK(rc);
	EXPECT_EQ(1, num);
	wire[3] = 1;
	num = 1;
	rc = sm_invalidate_raw(FD, self->viommu,
			       IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
			       sizeof(wire), wire, &num);
	EXPECT_ERR(E2BIG, rc);
	EXPECT_EQ(0, num);

	/* CFGI and ATC_INV name a virtual StreamID the vIOMMU must know */
	EXPECT_OK(sm_invalidate1(FD, self->viommu, sm_cfgi_cd(0x8, 0)));
	EXPECT_OK(sm_invalidate1(FD, self->viommu, sm_cfgi_cd_all(0x8)));
	EXPECT_ERR(EIO, sm_invalidate1(FD, self->viommu, sm_cfgi_cd(0x9, 0)));
	EXPECT_ERR(EIO, sm_invalidate1(FD, self->viommu, sm_cfgi_cd_all(0x9)));
	/* Not the physical one either */
	EXPECT_ERR(EIO, sm_invalidate1(FD, self->viommu,
				       sm_cfgi_cd_all(0x200)));
	/* Instance x has no ATS: an ATC_INV is illegal there */
	EXPECT_ERR(EIO, sm_invalidate1(FD, self->viommu, sm_atc_inv(0x8)));

	/* Instance y has ATS */
	ASSERT_OK(sm_viommu_alloc(FD, DEV(Y0), self->s2y, &vy));
	ASSERT_OK(sm_vdev_alloc(FD, vy, DEV(Y0), 0x8, NULL));
	EXPECT_OK(sm_invalidate1(FD, vy, sm_atc_inv(0x8)));
	EXPECT_ERR(EIO, sm_invalidate1(FD, vy, sm_atc_inv(0x10)));

	/* Commands go to the vIOMMU, not to a nested HWPT or the parent */
	ASSERT_OK(sm_nested_alloc(FD, DEV(X0), self->viommu, VSTE_BYPASS0, 0,
				  &nested));
	EXPECT_ERR(EOPNOTSUPP, sm_invalidate1(FD, nested, c));
	EXPECT_ERR(EINVAL, sm_invalidate1(FD, self->s2x, c));
	EXPECT_ERR(ENOENT, sm_invalidate1(FD, 0xfffff0, c));
}

/* TLBI_NH_VA's range fields (RIL is on): the architecture's rules */
#define SME_TTL(t)	SM_FIELD(8, t)		/* CMD1 bits 9:8 */

TEST_F(sme, invalidate_tlbi_ranges)
{
	const __u64 op = CMD0_OP(CMD_TLBI_NH_VA) | CMD0_VMID(SM_GUEST_VMID) |
			 CMD0_ASID(1);
	const __u64 va = CMD1_ADDR(0x1000000);

#define sme_tlbi(_w0, _w1) sm_invalidate1(FD, self->viommu, sm_cmd_raw(_w0, _w1))
	/* One page without range fields; a range; one entry with its TTL */
	EXPECT_OK(sme_tlbi(op, va));
	EXPECT_OK(sme_tlbi(op | CMD0_NUM(3), va | CMD1_TG(1)));
	EXPECT_OK(sme_tlbi(op, va | CMD1_TG(1) | SME_TTL(3)));
	/* No granule, yet a range or a TTL */
	EXPECT_ERR(EIO, sme_tlbi(op | CMD0_NUM(1), va));
	EXPECT_ERR(EIO, sme_tlbi(op | CMD0_SCALE(1), va));
	EXPECT_ERR(EIO, sme_tlbi(op, va | SME_TTL(2)));
	/* A 16KiB granule with TTL 1 (a level only 52-bit tables have) */
	EXPECT_ERR(EIO, sme_tlbi(op, va | CMD1_TG(2) | SME_TTL(1)));
	/* A granule with neither a range nor a TTL */
	EXPECT_ERR(EIO, sme_tlbi(op, va | CMD1_TG(1)));
	/* Bits the command does not have */
	EXPECT_ERR(EIO, sme_tlbi(CMD0_OP(CMD_TLBI_NH_ALL) | SM_BIT(8), 0));
#undef sme_tlbi
}

/* ---- vEVENTQ and destroy order ---- */

TEST_F(sme, veventq_and_destroy_order)
{
	__u32 q, vd, hwpt;
	int qfd;

	EXPECT_ERR(EINVAL, sm_veventq_alloc(FD, self->viommu, 0, NULL, NULL));
	ASSERT_OK(sm_veventq_alloc(FD, self->viommu, 8, &q, &qfd));
	EXPECT_ERR(EEXIST, sm_veventq_alloc(FD, self->viommu, 8, NULL, NULL));
	ASSERT_OK(sm_vdev_alloc(FD, self->viommu, DEV(X0), 0x8, &vd));
	ASSERT_OK(sm_nested_alloc(FD, DEV(X0), self->viommu, VSTE_BYPASS0, 0,
				  &hwpt));
	ASSERT_OK(sm_attach(self->dfd[X0], hwpt));

	/* Everything that hangs off the vIOMMU keeps it */
	EXPECT_ERR(EBUSY, emu_destroy(FD, self->viommu));
	EXPECT_ERR(EBUSY, emu_destroy(FD, self->s2x));
	/* The queue is busy while its fd is open */
	EXPECT_ERR(EBUSY, emu_destroy(FD, q));
	close(qfd);
	EXPECT_OK(emu_destroy(FD, q));
	EXPECT_ERR(EBUSY, emu_destroy(FD, self->viommu));
	ASSERT_OK(sm_attach(self->dfd[X0], self->s2x));
	EXPECT_OK(emu_destroy(FD, hwpt));
	EXPECT_ERR(EBUSY, emu_destroy(FD, self->viommu));
	EXPECT_OK(emu_destroy(FD, vd));
	EXPECT_OK(emu_destroy(FD, self->viommu));
	EXPECT_ERR(EBUSY, emu_destroy(FD, self->s2x));
	ASSERT_OK(sm_detach(self->dfd[X0]));
	EXPECT_OK(emu_destroy(FD, self->s2x));
}

TEST_HARNESS_MAIN
