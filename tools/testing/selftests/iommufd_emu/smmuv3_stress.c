// SPDX-License-Identifier: GPL-2.0
/*
 * Races around the emulated SMMUv3's event path: devices raise stage-1
 * faults by DMA while other threads attach, replace and detach them,
 * destroy and recreate their vDEVICEs under other virtual StreamIDs and
 * unplug and replug a device, and one thread drains the vEVENTQ. Each
 * operation may only fail with the errnos its race explains, and every
 * record read must name a virtual StreamID that the faulting device held
 * at some point (the device is known from the faulting address): never a
 * stale, freed or foreign one. Bounded in time for a debug kernel under
 * TCG; run it there to catch lockdep, KASAN and kmemleak reports.
 *
 * Topology: instance "sms_smmu" with "sms_a" (StreamID 0x100), "sms_b"
 * (0x101) and "sms_c" (0x102).
 */
#include <pthread.h>
#include <time.h>

#include "smmuv3_guest.h"

#define INST		"sms_smmu"
#define RUN_SECONDS	4
#define NR_SDEVS	3
/* Each device faults in a VA window of its own: the address tells whose */
#define FAULT_VA(dev)	(0x0000600000000000ULL + ((__u64)(dev) << 32))
#define FAULT_PAGES	64
#define ASID		9

/* The vSIDs each device may ever hold */
static const __u32 vsids[NR_SDEVS][3] = {
	{ 0x08, 0x18, 0x28 },	/* A: recreated under a new one over and over */
	{ 0x10, 0x10, 0x10 },	/* B: stable */
	{ 0x20, 0x30, 0x40 },	/* C: new one on every replug */
};

static const char *const sdev_names[NR_SDEVS] = {
	"sms_a", "sms_b", "sms_c"
};

struct sms_shared {
	struct sm_vm *vm;
	struct sm_vdev *dev;
	__u32 s1_hwpt;		/* shared stage-1 HWPT */
	time_t deadline;
	bool stop;
	pthread_mutex_t lock;	/* protects the fields below and dev[C] */
	int errors;
	char first_error[256];
	unsigned long faults, events, lost, ops;
};

static void sms_error(struct sms_shared *sh, const char *what, int rc)
{
	pthread_mutex_lock(&sh->lock);
	if (!sh->errors++)
		snprintf(sh->first_error, sizeof(sh->first_error), "%s: %s",
			 what, emu_rc_name(rc));
	pthread_mutex_unlock(&sh->lock);
	__atomic_store_n(&sh->stop, true, __ATOMIC_RELAXED);
}

static bool sms_running(struct sms_shared *sh)
{
	return !__atomic_load_n(&sh->stop, __ATOMIC_RELAXED) &&
	       time(NULL) < sh->deadline;
}

/* @rc must be 0 or one of the errnos in @ok (0-terminated) */
static void sms_check(struct sms_shared *sh, const char *what, int rc,
		      const int *ok)
{
	for (; rc && *ok; ok++)
		if (rc == -*ok)
			return;
	if (rc)
		sms_error(sh, what, rc);
	else
		__atomic_add_fetch(&sh->ops, 1, __ATOMIC_RELAXED);
}

#define SMS_OK(...)	((const int[]){ __VA_ARGS__, 0 })

/* Faults by DMA at never-mapped addresses, from devices A and B */
struct sms_faulter {
	struct sms_shared *sh;
	int idx;
};

static void *sms_fault_fn(void *arg)
{
	struct sms_faulter *f = arg;
	struct sms_shared *sh = f->sh;
	unsigned int n = 0;
	__u64 val;
	int rc;

	while (sms_running(sh)) {
		rc = sm_dma_peek(sh->dev[f->idx].dfd,
				 FAULT_VA(f->idx) + (n++ % FAULT_PAGES) *
				 PAGE_SIZE, &val);
		if (rc != -EIO)
			sms_error(sh, "fault DMA", rc);
		__atomic_add_fetch(&sh->faults, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Device A cycles through every kind of attachment */
static void *sms_attach_fn(void *arg)
{
	struct sms_shared *sh = arg;
	struct sm_vdev *a = &sh->dev[0];
	unsigned int n = 0;

	while (sms_running(sh)) {
		__u32 targets[] = {
			sh->s1_hwpt, sh->vm->bypass_hwpt, sh->s1_hwpt,
			sh->vm->abort_hwpt, sh->vm->s2, 0,
		};
		__u32 pt = targets[n++ % ARRAY_SIZE(targets)];

		if (pt)
			/* ENOENT: the vDEVICE is being recreated */
			sms_check(sh, "attach A", sm_attach(a->dfd, pt),
				  SMS_OK(ENOENT));
		else
			sms_check(sh, "detach A", sm_detach(a->dfd),
				  SMS_OK(0));
	}
	return NULL;
}

/* Device A's vDEVICE is destroyed and recreated under another vSID */
static void *sms_vdev_fn(void *arg)
{
	struct sms_shared *sh = arg;
	struct sm_vdev *a = &sh->dev[0];
	unsigned int n = 0;
	__u32 id = a->vdev;
	int rc;

	while (sms_running(sh)) {
		/* EBUSY: refused while attached, if the model says so */
		rc = emu_destroy(sh->vm->fd, id);
		sms_check(sh, "destroy vDEVICE A", rc, SMS_OK(EBUSY));
		if (rc)
			continue;
		rc = sm_vdev_alloc(sh->vm->fd, sh->vm->viommu, a->dev_id,
				   vsids[0][++n % 3], &id);
		sms_check(sh, "vDEVICE A", rc, SMS_OK(0));
		if (rc)
			break;
	}
	a->vdev = id;
	return NULL;
}

/*
 * Device C: plugged, bound, given a vDEVICE and the stage-1 HWPT, made to
 * fault, then unplugged under its attachment, over and over.
 */
static void *sms_plug_fn(void *arg)
{
	struct sms_shared *sh = arg;
	struct sm_vdev *c = &sh->dev[2];
	unsigned int n = 0, i;
	__u32 dev_id = 0, vd = 0;
	__u64 val;
	int dfd, rc;

	while (sms_running(sh)) {
		rc = sm_dev_plug("sms_c", true);
		sms_check(sh, "plug C", rc, SMS_OK(0));
		dfd = sm_dev_open("sms_c");
		if (dfd < 0) {
			sms_error(sh, "open C", -errno);
			break;
		}
		sms_check(sh, "bind C", sm_bind(dfd, sh->vm->fd, &dev_id),
			  SMS_OK(0));
		sms_check(sh, "attach C to S2", sm_attach(dfd, sh->vm->s2),
			  SMS_OK(0));
		sms_check(sh, "vDEVICE C",
			  sm_vdev_alloc(sh->vm->fd, sh->vm->viommu, dev_id,
					vsids[2][n++ % 3], &vd), SMS_OK(0));
		sms_check(sh, "attach C", sm_attach(dfd, sh->s1_hwpt),
			  SMS_OK(0));
		pthread_mutex_lock(&sh->lock);
		c->dfd = dfd;
		pthread_mutex_unlock(&sh->lock);
		for (i = 0; i < 8; i++) {
			rc = sm_dma_peek(dfd, FAULT_VA(2) + i * PAGE_SIZE,
					 &val);
			if (rc != -EIO)
				sms_error(sh, "fault DMA C", rc);
		}
		/* Unplug while attached and (maybe) faulting */
		sms_check(sh, "unplug C", sm_dev_plug("sms_c", false),
			  SMS_OK(0));
		rc = sm_dma_peek(dfd, FAULT_VA(2), &val);
		if (rc != -ENODEV)
			sms_error(sh, "DMA after unplug", rc);
		/* The vDEVICE went with the device */
		rc = emu_destroy(sh->vm->fd, vd);
		if (rc != -ENOENT)
			sms_error(sh, "tombstone C", rc);
		pthread_mutex_lock(&sh->lock);
		c->dfd = -1;
		pthread_mutex_unlock(&sh->lock);
		close(dfd);
	}
	return NULL;
}

/* Which device faulted at @addr; -1 if none of them */
static int sms_dev_of(__u64 addr)
{
	int i;

	for (i = 0; i < NR_SDEVS; i++)
		if (addr >= FAULT_VA(i) &&
		    addr < FAULT_VA(i) + FAULT_PAGES * PAGE_SIZE)
			return i;
	return -1;
}

/* Drains the vEVENTQ and checks every record */
static void *sms_reader_fn(void *arg)
{
	static __u8 buf[SM_RECORD_LEN * 32];
	struct sms_shared *sh = arg;
	struct iommufd_vevent_header hdr;
	struct sm_event ev;
	char what[128];
	ssize_t len;
	size_t off;
	int d;

	while (sms_running(sh)) {
		if (!sm_veventq_pollin(sh->vm->qfd, 50))
			continue;
		len = sm_veventq_read(sh->vm->qfd, buf, sizeof(buf));
		if (len < 0) {
			sms_error(sh, "read vEVENTQ", len);
			break;
		}
		off = 0;
		while (sm_next_record(buf, len, &off, &hdr, &ev)) {
			if (hdr.flags & IOMMU_VEVENTQ_FLAG_LOST_EVENTS) {
				__atomic_add_fetch(&sh->lost, 1,
						   __ATOMIC_RELAXED);
				continue;
			}
			__atomic_add_fetch(&sh->events, 1, __ATOMIC_RELAXED);
			d = sms_dev_of(ev.addr);
			if (ev.id != EVT_F_TRANSLATION || d < 0 ||
			    (ev.sid != vsids[d][0] && ev.sid != vsids[d][1] &&
			     ev.sid != vsids[d][2])) {
				snprintf(what, sizeof(what),
					 "event id 0x%x sid 0x%x addr 0x%llx",
					 ev.id, ev.sid,
					 (unsigned long long)ev.addr);
				sms_error(sh, what, -EPROTO);
			}
		}
		if (off != (size_t)len)
			sms_error(sh, "partial vEVENTQ record", -EPROTO);
	}
	return NULL;
}

FIXTURE(sms) {
	struct sm_vm vm;
	struct sm_vdev dev[NR_SDEVS];
	struct sm_s1 s1;
	__u64 cdtab;
};

static void sms_topology_down(void)
{
	unsigned int i;

	for (i = 0; i < NR_SDEVS; i++)
		emu_cfs_rmdir("devices", sdev_names[i]);
	emu_cfs_rmdir("iommus", INST);
}

FIXTURE_SETUP(sms)
{
	const __u32 first_vsids[] = { vsids[0][0], vsids[1][0], vsids[2][0] };
	unsigned int i;

	sm_vm_init(&self->vm, self->dev, sdev_names, first_vsids, NR_SDEVS);
	if (!emu_cfs_ready())
		SKIP(return, "%s missing: module not loaded?", EMU_CFS_ROOT);
	sms_topology_down();
	ASSERT_OK(sm_smmu_make(INST, NULL));
	for (i = 0; i < NR_SDEVS; i++)
		ASSERT_OK(sm_dev_make(sdev_names[i], INST, 0x100 + i, 0));
	/* C starts unplugged: its thread plugs it */
	ASSERT_OK(sm_dev_plug("sms_c", false));
}

FIXTURE_TEARDOWN(sms)
{
	sm_vm_close(&self->vm, self->dev, NR_SDEVS);
	sms_topology_down();
}

TEST_F(sms, faults_while_attach_vdevice_and_unplug_race)
{
	struct sms_faulter faulters[2];
	struct sms_shared sh = {
		.vm = &self->vm,
		.dev = self->dev,
		.lock = PTHREAD_MUTEX_INITIALIZER,
	};
	pthread_t threads[6];
	unsigned int nthreads = 0, i;
	__u64 val, page;

	sm_vm_bringup_pair(_metadata, &self->vm, self->dev, &self->s1, ASID,
			   &self->cdtab);
	sh.s1_hwpt = self->dev[0].hwpt;
	/* One good page: the translation works before the storm */
	page = sm_page_alloc(&self->vm.g);
	sm_page_fill(&self->vm.g, page, 0x600d00);
	ASSERT_TRUE(sm_s1_map(&self->vm.g, &self->s1, 0x1000, page, SM_READ));
	ASSERT_OK(sm_dma_peek(self->dev[0].dfd, 0x1000, &val));
	ASSERT_EQ(0x600d00, val);

	sh.deadline = time(NULL) + RUN_SECONDS;
	for (i = 0; i < 2; i++) {
		faulters[i] = (struct sms_faulter){ .sh = &sh, .idx = i };
		ASSERT_EQ(0, pthread_create(&threads[nthreads++], NULL,
					    sms_fault_fn, &faulters[i]));
	}
	ASSERT_EQ(0, pthread_create(&threads[nthreads++], NULL, sms_attach_fn,
				    &sh));
	ASSERT_EQ(0, pthread_create(&threads[nthreads++], NULL, sms_vdev_fn,
				    &sh));
	ASSERT_EQ(0, pthread_create(&threads[nthreads++], NULL, sms_plug_fn,
				    &sh));
	ASSERT_EQ(0, pthread_create(&threads[nthreads++], NULL, sms_reader_fn,
				    &sh));
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);

	TH_LOG("%lu faults, %lu events, %lu lost markers, %lu operations",
	       sh.faults, sh.events, sh.lost, sh.ops);
	if (sh.errors)
		TH_LOG("%d errors, first: %s", sh.errors, sh.first_error);
	EXPECT_EQ(0, sh.errors);
	EXPECT_LT(0, sh.events);
	EXPECT_LT(0, sh.ops);

	/* Afterwards the vSMMU still works and tears down cleanly */
	ASSERT_OK(sm_attach(self->dev[0].dfd, self->vm.s2));
	ASSERT_OK(emu_destroy(self->vm.fd, self->dev[0].vdev));
	ASSERT_OK(sm_vdev_alloc(self->vm.fd, self->vm.viommu,
				self->dev[0].dev_id, 0x8, &self->dev[0].vdev));
	ASSERT_OK(sm_attach(self->dev[0].dfd, sh.s1_hwpt));
	ASSERT_OK(sm_dma_peek(self->dev[0].dfd, 0x1000, &val));
	EXPECT_EQ(0x600d00, val);
	ASSERT_OK(sm_attach(self->dev[0].dfd, self->vm.s2));
	ASSERT_OK(sm_attach(self->dev[1].dfd, self->vm.s2));
	EXPECT_OK(emu_destroy(self->vm.fd, self->dev[1].hwpt));
	EXPECT_OK(emu_destroy(self->vm.fd, sh.s1_hwpt));
	EXPECT_OK(emu_destroy(self->vm.fd, self->dev[0].vdev));
	EXPECT_OK(emu_destroy(self->vm.fd, self->dev[1].vdev));
	sm_vm_drop_shared(_metadata, &self->vm);
	EXPECT_OK(emu_destroy(self->vm.fd, self->vm.viommu));
}

TEST_HARNESS_MAIN
