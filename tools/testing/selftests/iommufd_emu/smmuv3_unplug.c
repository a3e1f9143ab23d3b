// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetimes around the emulated SMMUv3's vIOMMU: teardown in QEMU's order
 * (device_del), in the reverse order and by closing /dev/iommu with
 * everything alive; hot-unplug of the device a vIOMMU was allocated with
 * (the vIOMMU keeps working for the others and its vDEVICE becomes a
 * tombstone); and the instance, which cannot be disabled or removed while
 * a vIOMMU depends on it.
 *
 * Topology: instance "smu_smmu" with "smu_a" (StreamID 0x100) and "smu_b"
 * (0x101), virtual StreamIDs 0x8 and 0x10, both on a stage-1 address space
 * that maps one page at VA.
 */
#include <pthread.h>

#include "smmuv3_guest.h"

#define INST		"smu_smmu"
#define VSID_A		0x8
#define VSID_B		0x10
#define VA		0x0000123400000000ULL
#define ASID		3

FIXTURE(smu) {
	struct sm_vm vm;
	struct sm_vdev dev[2];
	struct sm_s1 s1;
	__u64 cdtab;
	__u64 page;
};

static void smu_topology_down(void)
{
	emu_cfs_rmdir("devices", "smu_a");
	emu_cfs_rmdir("devices", "smu_b");
	emu_cfs_rmdir("iommus", INST);
}

FIXTURE_SETUP(smu)
{
	__u64 val;

	static const char *const names[] = { "smu_a", "smu_b" };
	static const __u32 vsids[] = { VSID_A, VSID_B };

	sm_vm_init(&self->vm, self->dev, names, vsids, 2);
	if (!emu_cfs_ready())
		SKIP(return, "%s missing: module not loaded?", EMU_CFS_ROOT);
	smu_topology_down();
	ASSERT_OK(sm_smmu_make(INST, NULL));
	ASSERT_OK(sm_dev_make("smu_a", INST, 0x100, 0));
	ASSERT_OK(sm_dev_make("smu_b", INST, 0x101, 0));

	sm_vm_bringup_pair(_metadata, &self->vm, self->dev, &self->s1, ASID,
			   &self->cdtab);
	self->page = sm_page_alloc(&self->vm.g);
	sm_page_fill(&self->vm.g, self->page, 0x5a5a00);
	ASSERT_TRUE(sm_s1_map(&self->vm.g, &self->s1, VA, self->page,
			      SM_READ | SM_WRITE));
	ASSERT_OK(sm_dma_peek(self->dev[0].dfd, VA, &val));
	ASSERT_EQ(0x5a5a00, val);
	ASSERT_OK(sm_dma_peek(self->dev[1].dfd, VA + 8, &val));
	ASSERT_EQ(0x5a5a01, val);
}

FIXTURE_TEARDOWN(smu)
{
	sm_vm_close(&self->vm, self->dev, 2);
	smu_topology_down();
}

#define A	(&self->dev[0])
#define B	(&self->dev[1])
#define G	(&self->vm.g)
#define FD	(self->vm.fd)
#define VM	(&self->vm)

/* The instance can be neither disabled nor removed */
#define expect_instance_held() do {					\
	EXPECT_ERR(EBUSY, emu_cfs_write("iommus", INST, "enable", "0"));\
	EXPECT_ERR(EBUSY, emu_cfs_rmdir("iommus", INST));		\
} while (0)

/* Remove both devices, then the instance */
#define expect_topology_removable() do {				\
	EXPECT_OK(emu_cfs_rmdir("devices", "smu_a"));			\
	EXPECT_OK(emu_cfs_rmdir("devices", "smu_b"));			\
	EXPECT_OK(emu_cfs_rmdir("iommus", INST));			\
} while (0)

/* QEMU's device_del of one device of the vSMMU, @last of them or not */
static void smu_qemu_unplug(struct __test_metadata *_metadata,
			    struct sm_vm *vm, struct sm_vdev *d, bool last)
{
	ASSERT_OK(sm_attach(d->dfd, vm->s2));
	ASSERT_OK(emu_destroy(vm->fd, d->hwpt));
	d->hwpt = 0;
	ASSERT_OK(emu_destroy(vm->fd, d->vdev));
	d->vdev = 0;
	if (last) {
		sm_vm_drop_shared(_metadata, vm);
		ASSERT_OK(emu_destroy(vm->fd, vm->viommu));
	}
	/* vfio's detach: back to blocking */
	ASSERT_OK(sm_detach(d->dfd));
}

TEST_F(smu, teardown_qemu_order)
{
	__u64 val;

	smu_qemu_unplug(_metadata, VM, A, false);
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA, &val));
	/* B still translates through the vIOMMU */
	ASSERT_OK(sm_dma_peek(B->dfd, VA, &val));
	EXPECT_EQ(0x5a5a00, val);
	expect_instance_held();

	smu_qemu_unplug(_metadata, VM, B, true);
	ASSERT_OK(emu_destroy(FD, self->vm.s2));
	ASSERT_OK(emu_ioas_unmap(FD, self->vm.ioas, GUEST_RAM_IPA,
				 GUEST_RAM_SIZE, NULL));
	ASSERT_OK(emu_destroy(FD, self->vm.ioas));
	close(A->dfd);
	A->dfd = -1;
	close(B->dfd);
	B->dfd = -1;
	close(FD);
	self->vm.fd = -1;
	expect_topology_removable();
}

/* Everything destroyed in the reverse order of creation */
TEST_F(smu, teardown_reverse_order)
{
	__u64 val;

	/* Closing a device fd detaches and unbinds it, mid-translation */
	close(B->dfd);
	B->dfd = -1;
	/* Its vDEVICE went with it: a tombstone, its vSID free again */
	EXPECT_ERR(ENOENT, emu_destroy(FD, B->vdev));
	EXPECT_ERR(EIO, sm_invalidate1(FD, self->vm.viommu,
				       sm_cfgi_cd_all(VSID_B)));
	/* Its nested HWPT is free now */
	ASSERT_OK(emu_destroy(FD, B->hwpt));
	ASSERT_OK(sm_dma_peek(A->dfd, VA, &val));

	close(A->dfd);
	A->dfd = -1;
	EXPECT_ERR(ENOENT, emu_destroy(FD, A->vdev));
	ASSERT_OK(emu_destroy(FD, A->hwpt));
	sm_vm_drop_shared(_metadata, VM);
	expect_instance_held();
	ASSERT_OK(emu_destroy(FD, self->vm.viommu));
	ASSERT_OK(emu_destroy(FD, self->vm.s2));
	ASSERT_OK(emu_destroy(FD, self->vm.ioas));
	close(FD);
	self->vm.fd = -1;
	expect_topology_removable();
}

/* A VMM killed: /dev/iommu closed first, with everything alive */
TEST_F(smu, teardown_close_iommufd_first)
{
	__u64 val;

	close(self->vm.qfd);
	self->vm.qfd = -1;
	close(FD);
	self->vm.fd = -1;
	/* The bound devices keep the context (and their translation) */
	ASSERT_OK(sm_dma_peek(A->dfd, VA, &val));
	EXPECT_EQ(0x5a5a00, val);
	expect_instance_held();
	close(A->dfd);
	A->dfd = -1;
	close(B->dfd);
	B->dfd = -1;
	expect_topology_removable();
}

/* Devices unplugged under the VMM's feet, the vIOMMU's first */
TEST_F(smu, viommu_outlives_its_device)
{
	struct sm_event ev;
	__u32 hwpt, vd;
	__u64 ste[2], val, page2;

	/* Unplugging A, which allocated the vIOMMU, while it translates */
	ASSERT_OK(sm_dev_plug("smu_a", false));
	EXPECT_ERR(ENODEV, sm_dma_peek(A->dfd, VA, &val));
	EXPECT_ERR(ENODEV, sm_attach(A->dfd, self->vm.s2));
	/* Its vDEVICE is a tombstone and its vSID is free */
	EXPECT_ERR(ENOENT, emu_destroy(FD, A->vdev));
	EXPECT_ERR(EIO, sm_invalidate1(FD, self->vm.viommu,
				       sm_cfgi_cd_all(VSID_A)));
	ASSERT_OK(emu_destroy(FD, A->hwpt));
	A->hwpt = 0;

	/* The vIOMMU serves B fully: vDEVICE, nested HWPT, invalidation */
	ASSERT_OK(sm_attach(B->dfd, self->vm.s2));
	ASSERT_OK(emu_destroy(FD, B->vdev));
	ASSERT_OK(sm_vdev_alloc(FD, self->vm.viommu, B->dev_id, VSID_A, &vd));
	B->vdev = vd;
	B->vsid = VSID_A;
	sm_ste_s1(ste, self->cdtab, 0, STE_S1DSS_SSID0);
	ASSERT_OK(sm_nested_alloc(FD, B->dev_id, self->vm.viommu, ste[0],
				  ste[1], &hwpt));
	ASSERT_OK(sm_attach(B->dfd, hwpt));
	ASSERT_OK(emu_destroy(FD, B->hwpt));
	B->hwpt = hwpt;
	ASSERT_OK(sm_dma_peek(B->dfd, VA + 16, &val));
	EXPECT_EQ(0x5a5a02, val);

	page2 = sm_page_alloc(G);
	sm_page_fill(G, page2, 0x77700);
	sm_s1_retarget(G, &self->s1, VA, page2);
	ASSERT_OK(sm_invalidate1(FD, self->vm.viommu,
				 sm_tlbi_nh_va(ASID, VA, true)));
	ASSERT_OK(sm_invalidate1(FD, self->vm.viommu, sm_cfgi_cd(VSID_A, 0)));
	ASSERT_OK(sm_dma_peek(B->dfd, VA, &val));
	EXPECT_EQ(0x77700, val);
	/* Its faults carry the vSID it has now */
	EXPECT_ERR(EIO, sm_dma_peek(B->dfd, VA + PAGE_SIZE, &val));
	ASSERT_TRUE(sm_veventq_pollin(self->vm.qfd, 1000));
	ASSERT_EQ(1, sm_vm_events(VM, &ev, NULL, 1, NULL));
	EXPECT_EQ(VSID_A, ev.sid);

	/* Replugged, A comes back as a new device: bind and join again */
	ASSERT_OK(sm_dev_plug("smu_a", true));
	close(A->dfd);
	sm_vm_plug_dev(_metadata, VM, A);
	EXPECT_ERR(EEXIST, sm_vdev_alloc(FD, self->vm.viommu, A->dev_id,
					 VSID_A, NULL));
	ASSERT_OK(sm_vdev_alloc(FD, self->vm.viommu, A->dev_id, VSID_B,
				&A->vdev));
	ASSERT_OK(sm_attach(A->dfd, hwpt));
	ASSERT_OK(sm_dma_peek(A->dfd, VA, &val));
	EXPECT_EQ(0x77700, val);

	/* With every device gone the vIOMMU still holds the instance */
	close(A->dfd);
	A->dfd = -1;
	close(B->dfd);
	B->dfd = -1;
	EXPECT_OK(emu_cfs_rmdir("devices", "smu_a"));
	EXPECT_OK(emu_cfs_rmdir("devices", "smu_b"));
	expect_instance_held();
	/* Invalidation still works; there is no vSID to name any more */
	EXPECT_OK(sm_invalidate1(FD, self->vm.viommu, sm_tlbi_nh_all()));
	EXPECT_ERR(EIO, sm_invalidate1(FD, self->vm.viommu,
				       sm_cfgi_cd_all(VSID_A)));

	/* Everything hanging off the vIOMMU, then the vIOMMU itself */
	ASSERT_OK(emu_destroy(FD, hwpt));
	sm_vm_drop_shared(_metadata, VM);
	expect_instance_held();
	ASSERT_OK(emu_destroy(FD, self->vm.viommu));
	/* The stage-2 HWPT does not hold the instance, and outlives it */
	EXPECT_OK(emu_cfs_write("iommus", INST, "enable", "0"));
	EXPECT_OK(emu_cfs_rmdir("iommus", INST));
	EXPECT_OK(emu_destroy(FD, self->vm.s2));
}

/* A device unplugged while attached to the stage-1 HWPT and faulting */
TEST_F(smu, unplug_then_events)
{
	struct sm_event ev;
	__u64 val;

	EXPECT_ERR(EIO, sm_dma_peek(B->dfd, VA + PAGE_SIZE, &val));
	ASSERT_OK(sm_dev_plug("smu_b", false));
	EXPECT_ERR(ENODEV, sm_dma_peek(B->dfd, VA + PAGE_SIZE, &val));
	/* The record raised before the unplug is still there, intact */
	ASSERT_EQ(1, sm_vm_events(VM, &ev, NULL, 1, NULL));
	EXPECT_EQ(VSID_B, ev.sid);
	EXPECT_EQ(VA + PAGE_SIZE, ev.addr);
	/* A's faults still arrive */
	EXPECT_ERR(EIO, sm_dma_peek(A->dfd, VA + PAGE_SIZE, &val));
	ASSERT_EQ(1, sm_vm_events(VM, &ev, NULL, 1, NULL));
	EXPECT_EQ(VSID_A, ev.sid);
	/* B's HWPT and the vSID are free */
	EXPECT_OK(emu_destroy(FD, B->hwpt));
	B->hwpt = 0;
	EXPECT_ERR(EIO, sm_invalidate1(FD, self->vm.viommu,
				       sm_cfgi_cd_all(VSID_B)));
}

/*
 * rmdir of a bound device racing with vIOMMU allocations through it: the
 * unbind waits for running ioctls while an allocation takes a configfs
 * dependency on the instance. Each allocation either succeeds (and its
 * vIOMMU is destroyed again) or finds the device gone; nothing hangs (the
 * harness would time the test out), and once the last vIOMMU is gone the
 * instance can be removed.
 */
struct smr_race {
	int fd;
	__u32 dev_id;
	__u32 s2;
	bool stop;
	unsigned int allocated;
	int unexpected;
};

static void *smr_alloc_fn(void *arg)
{
	struct smr_race *r = arg;
	__u32 id;
	int rc;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		rc = sm_viommu_alloc(r->fd, r->dev_id, r->s2, &id);
		if (!rc) {
			r->allocated++;
			rc = emu_destroy(r->fd, id);
		} else if (rc == -ENOENT || rc == -ENODEV) {
			rc = 0;
		}
		if (rc)
			r->unexpected = rc;
	}
	return NULL;
}

TEST(viommu_alloc_races_device_rmdir)
{
	unsigned int round, allocated = 0;
	pthread_t thread;
	__u32 ioas;
	int dfd;

	if (!emu_cfs_ready())
		SKIP(return, "%s missing: module not loaded?", EMU_CFS_ROOT);
	emu_cfs_rmdir("devices", "smr_dev");
	emu_cfs_rmdir("iommus", "smr_smmu");
	ASSERT_OK(sm_smmu_make("smr_smmu", NULL));
	for (round = 0; round < 40; round++) {
		struct smr_race r = { .fd = emu_open() };

		ASSERT_LE(0, r.fd);
		ASSERT_OK(emu_ioas_alloc(r.fd, &ioas));
		ASSERT_OK(sm_dev_make("smr_dev", "smr_smmu", 0x200, 0));
		dfd = sm_dev_open("smr_dev");
		ASSERT_LE(0, dfd);
		ASSERT_OK(sm_bind(dfd, r.fd, &r.dev_id));
		ASSERT_OK(sm_s2_alloc(r.fd, r.dev_id, ioas, &r.s2));
		ASSERT_EQ(0, pthread_create(&thread, NULL, smr_alloc_fn, &r));
		usleep(round * 97 % 3000);
		/* The device goes while vIOMMUs come and go through it */
		EXPECT_OK(emu_cfs_rmdir("devices", "smr_dev"));
		__atomic_store_n(&r.stop, true, __ATOMIC_RELEASE);
		ASSERT_EQ(0, pthread_join(thread, NULL));
		EXPECT_EQ(0, r.unexpected);
		allocated += r.allocated;
		/* Every vIOMMU was destroyed, so the S2 HWPT and IOAS go */
		EXPECT_OK(emu_destroy(r.fd, r.s2));
		EXPECT_OK(emu_destroy(r.fd, ioas));
		close(dfd);
		close(r.fd);
	}
	/* The race was run: allocations did succeed through the device */
	EXPECT_LT(0, allocated);
	EXPECT_OK(emu_cfs_rmdir("iommus", "smr_smmu"));
}

TEST_HARNESS_MAIN
