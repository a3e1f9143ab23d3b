// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency on the emulated VT-d: threads attach, replace and detach
 * PASIDs of a device (and the RID, and a sub-device riding on one of its
 * PASIDs) while other threads DMA through exactly those PASIDs and the
 * guest invalidates its first-stage HWPT. Every call may only end in the
 * outcomes the rules allow: attach/replace/detach and invalidations
 * succeed; a DMA either reads what the translation it used maps, or
 * faults (EIO) when the PASID is detached at that moment.
 *
 * The run lasts VTD_STRESS_SECONDS seconds (default 3), then the sub-device
 * is unplugged under a DMA loop. Meant for the debug kernel too, where
 * KASAN and lockdep watch.
 */
#include <pthread.h>

#include "vtd_guest.h"

#define INST		"vtdx_iommu"
#define DEV		"vtdx_dev"
#define SUB		"vtdx_sub"
#define GUEST_GPA	0x40000000ULL
#define GUEST_SIZE	(2UL << 20)
#define FS_IOVA		0x30000000000ULL
#define NPAGES		4
#define FILL		0x50
#define IOVA(_page)	(FS_IOVA + (_page) * PAGE_SIZE)
/* The device's own PASIDs used by the threads; the sub-device has 1 */
#define FIRST_PASID	2
#define NR_PASIDS	4

/**
 * struct stress - what every thread shares
 * @dev: bound device fd
 * @sub: bound sub-device fd
 * @fd: the iommufd
 * @h: the HWPTs
 * @data: GPA of the data pages
 * @stop: set when the threads should finish
 */
struct stress {
	int dev;
	int sub;
	int fd;
	struct vtd_hwpts h;
	__u64 data;
	int stop;
};

/**
 * struct worker - one thread and what it found
 * @thread: the thread
 * @st: shared state
 * @step: one iteration; 0, or an unexpected result (saved in @bad)
 * @seed: rand_r() state
 * @ops: iterations done
 * @bad: the first unexpected result, as "what: rc/value"
 */
struct worker {
	pthread_t thread;
	struct stress *st;
	int (*step)(struct worker *w);
	unsigned int seed;
	unsigned long ops;
	char bad[96];
};

static int pick(struct worker *w, int n)
{
	return rand_r(&w->seed) % n;
}

static int report(struct worker *w, const char *what, int rc)
{
	snprintf(w->bad, sizeof(w->bad), "%s: %d (%s)", what, rc,
		 rc < 0 ? emu_rc_name(rc) : "value");
	return -1;
}

/* A HWPT a PASID or RID may use: first stage, second stage, nest parent */
static __u32 some_hwpt(struct worker *w)
{
	const __u32 ids[] = { w->st->h.fs, w->st->h.ss, w->st->h.parent };

	return ids[pick(w, 3)];
}

/* attach (= replace when attached) or detach one of the device's PASIDs */
static int step_pasid(struct worker *w)
{
	__u32 pasid = FIRST_PASID + pick(w, NR_PASIDS);
	int rc;

	if (pick(w, 3))
		rc = vtd_dev_attach(w->st->dev, pasid, some_hwpt(w));
	else
		rc = vtd_dev_detach(w->st->dev, pasid);
	return rc ? report(w, "pasid attach/detach", rc) : 0;
}

static int step_rid(struct worker *w)
{
	int rc;

	if (pick(w, 4))
		rc = vtd_dev_attach(w->st->dev, 0, some_hwpt(w));
	else
		rc = vtd_dev_detach(w->st->dev, 0);
	return rc ? report(w, "rid attach/detach", rc) : 0;
}

static int step_sub(struct worker *w)
{
	int rc;

	if (pick(w, 3))
		rc = vtd_dev_attach(w->st->sub, 0, some_hwpt(w));
	else
		rc = vtd_dev_detach(w->st->sub, 0);
	return rc ? report(w, "sub-device attach/detach", rc) : 0;
}

/*
 * One read through whatever @dfd's request with @pasid meets: the first
 * stage maps IOVA page 1 to data page 1, second stages map GPAs 1:1.
 */
static int dma_check(struct worker *w, int dfd, __u32 pasid)
{
	bool fs = pick(w, 2);
	__u64 addr = fs ? IOVA(1) : w->st->data + 2 * PAGE_SIZE;
	int want = fs ? FILL + 1 : FILL + 2;
	int got = vtd_dma_peek(dfd, pasid, addr);

	if (got == want || got == -EIO)
		return 0;
	return report(w, fs ? "first-stage read" : "second-stage read", got);
}

/* Untagged, the sub-device's PASID, or one the PASID thread moves */
static int step_dma(struct worker *w)
{
	int which = pick(w, NR_PASIDS + 2);

	if (which == NR_PASIDS + 1)
		return dma_check(w, w->st->sub, 0);
	return dma_check(w, w->st->dev, which ? FIRST_PASID + which - 1 : 0);
}

static int step_invalidate(struct worker *w)
{
	int rc;

	if (pick(w, 2))
		rc = vtd_invalidate_all(w->st->fd, w->st->h.fs);
	else
		rc = vtd_invalidate(w->st->fd, w->st->h.fs, FS_IOVA,
				    1 + pick(w, NPAGES),
				    pick(w, 2) ? IOMMU_VTD_INV_FLAGS_LEAF : 0);
	return rc ? report(w, "invalidate", rc) : 0;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;

	while (!__atomic_load_n(&w->st->stop, __ATOMIC_ACQUIRE)) {
		if (w->step(w))
			break;
		w->ops++;
	}
	return NULL;
}

FIXTURE(vtd_stress)
{
	struct stress st;
	struct vtd_guest g;
	__u32 dev_id;
	char *host;
};

FIXTURE_SETUP(vtd_stress)
{
	self->st.fd = -1;
	self->st.dev = -1;
	self->st.sub = -1;
	if (!emu_cfs_ready())
		SKIP(return, "%s missing: module not loaded?", EMU_CFS_ROOT);
	ASSERT_OK(vtd_make_iommu(INST, NULL));
	ASSERT_OK(vtd_make_dev(DEV, INST, 0x60, 0, 4));
	ASSERT_OK(vtd_make_subdev(SUB, DEV, 0, 1));
	self->st.fd = emu_open();
	ASSERT_LE(0, self->st.fd);
	self->st.dev = vtd_dev_open_bind(DEV, self->st.fd, &self->dev_id);
	ASSERT_LE(0, self->st.dev);
	self->st.sub = vtd_dev_open_bind(SUB, self->st.fd, NULL);
	ASSERT_LE(0, self->st.sub);

	ASSERT_OK(vtd_guest_init(&self->g, GUEST_SIZE, GUEST_GPA, 4));
	self->st.data = vtd_guest_data(&self->g, NPAGES, FILL, &self->host);
	ASSERT_NE(0, self->st.data);
	ASSERT_OK(vtd_guest_map(&self->g, FS_IOVA, self->st.data,
				NPAGES * PAGE_SIZE, FS_LEAF_RW));
	ASSERT_OK(vtd_hwpts_make(self->st.fd, self->dev_id, &self->g,
				 &self->st.h));
}

FIXTURE_TEARDOWN(vtd_stress)
{
	static const char * const devs[] = { SUB, DEV, NULL };
	static const char * const iommus[] = { INST, NULL };
	int *const fds[] = { &self->st.sub, &self->st.dev, &self->st.fd, NULL };

	vtd_fixture_release(fds, &self->g, devs, iommus);
}

static unsigned int stress_seconds(void)
{
	const char *env = getenv("VTD_STRESS_SECONDS");
	unsigned int secs = env ? strtoul(env, NULL, 0) : 0;

	return secs ? secs : 3;
}

TEST_F_TIMEOUT(vtd_stress, attach_while_dma, 300)
{
	int (*const steps[])(struct worker *w) = {
		step_pasid, step_pasid, step_rid, step_sub,
		step_dma, step_dma, step_dma, step_invalidate,
	};
	struct worker w[ARRAY_SIZE(steps)] = {};
	unsigned long total = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(w); i++) {
		w[i].st = &self->st;
		w[i].step = steps[i];
		w[i].seed = 0x5eed + i;
		ASSERT_EQ(0, pthread_create(&w[i].thread, NULL, worker_fn,
					    &w[i]));
	}
	sleep(stress_seconds());
	__atomic_store_n(&self->st.stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].bad[0])
			TH_LOG("thread %u: unexpected %s", i, w[i].bad);
		EXPECT_EQ(0, w[i].bad[0]);
		/* every thread got to run */
		EXPECT_LT(0, w[i].ops);
		total += w[i].ops;
	}
	TH_LOG("%lu operations in %u s", total, stress_seconds());

	/* The rules still hold after the storm */
	ASSERT_OK(vtd_dev_attach(self->st.dev, 0, self->st.h.parent));
	ASSERT_OK(vtd_dev_attach(self->st.dev, FIRST_PASID, self->st.h.fs));
	EXPECT_EQ(FILL + 1, vtd_dma_peek(self->st.dev, FIRST_PASID, IOVA(1)));
	EXPECT_ERR(EBUSY, vtd_dev_attach(self->st.dev, 1, self->st.h.ss));
	/* and closing everything leaves no reference behind */
	for (i = 0; i < NR_PASIDS; i++)
		EXPECT_OK(vtd_dev_detach(self->st.dev, FIRST_PASID + i));
	EXPECT_OK(vtd_dev_detach(self->st.dev, 0));
	EXPECT_OK(vtd_dev_detach(self->st.sub, 0));
	EXPECT_OK(emu_destroy(self->st.fd, self->st.h.fs));
	EXPECT_OK(emu_destroy(self->st.fd, self->st.h.ss));
	EXPECT_OK(emu_destroy(self->st.fd, self->st.h.parent));
}

/* The sub-device thread's DMA loop, until its device is gone */
static void *sub_dma_fn(void *arg)
{
	struct worker *w = arg;
	int rc;

	for (;;) {
		rc = vtd_dma_peek(w->st->sub, 0, w->st->data + 2 * PAGE_SIZE);
		w->ops++;
		if (rc == FILL + 2 || rc == -EIO)
			continue;
		if (rc != -ENODEV)
			report(w, "sub-device read", rc);
		break;
	}
	return NULL;
}

/* Unplugging a sub-device in the middle of its DMA and attach traffic */
TEST_F_TIMEOUT(vtd_stress, unplug_sub_under_dma, 120)
{
	struct worker reader = { .st = &self->st, .seed = 1 };
	struct worker pasids = {
		.st = &self->st, .step = step_pasid, .seed = 3,
	};

	ASSERT_OK(vtd_dev_attach(self->st.sub, 0, self->st.h.ss));
	ASSERT_EQ(0, pthread_create(&reader.thread, NULL, sub_dma_fn,
				    &reader));
	ASSERT_EQ(0, pthread_create(&pasids.thread, NULL, worker_fn,
				    &pasids));
	usleep(300000);
	ASSERT_OK(emu_cfs_write("devices", SUB, "enable", "0"));
	pthread_join(reader.thread, NULL);
	EXPECT_EQ(0, reader.bad[0]);
	if (reader.bad[0])
		TH_LOG("reader: unexpected %s", reader.bad);
	EXPECT_LT(0, reader.ops);
	/* Attaching the gone sub-device: ENODEV, nothing else */
	EXPECT_ERR(ENODEV, vtd_dev_attach(self->st.sub, 0, self->st.h.fs));
	__atomic_store_n(&self->st.stop, 1, __ATOMIC_RELEASE);
	pthread_join(pasids.thread, NULL);
	EXPECT_EQ(0, pasids.bad[0]);
	/* Its PASID is the device's again */
	ASSERT_OK(vtd_dev_attach(self->st.dev, 0, self->st.h.parent));
	ASSERT_OK(vtd_dev_attach(self->st.dev, 1, self->st.h.fs));
	EXPECT_EQ(FILL + 1, vtd_dma_peek(self->st.dev, 1, IOVA(1)));
}

TEST_HARNESS_MAIN
