// SPDX-License-Identifier: GPL-2.0
/*
 * Groups of emulated devices on real (emulated) hardware: three devices in
 * one SMMUv3 group through every attach and detach order, replace by any
 * member, replace while a device does DMA, the per-device MSI windows
 * reserved in the IOAS, and IOMMU_GET_HW_INFO for SMMUv3 and VT-d devices.
 *
 * Every test starts from one SMMUv3 instance (devices a, b and c sharing
 * group tag 7, d alone) and one VT-d instance (v and w sharing tag 3), all
 * bound to one context, and two IOASes: IOAS 0 maps buffer A and IOAS 1
 * buffer B at the same IOVA. Every configfs item is named "grp_*" and is
 * removed in teardown, including the ones a test creates itself.
 */
#include <pthread.h>
#include <sched.h>

#include <linux/iommufd_emu.h>

#include "iommufd_emu_utils.h"

#define SMMU		"grp_smmu"
#define VTD		"grp_vtd"

#define IOVA		0x40000000ULL	/* clear of both MSI windows */
#define NPG		16
#define BUF_LEN		(NPG * PAGE_SIZE)
#define SZ_2M		0x200000ULL
#define APERTURE_LAST	((1ULL << 48) - 1)	/* ias 48 on both instances */

/* Bytes the three buffers hold unless a test says otherwise */
#define PAT_A		0xa1
#define PAT_B		0xb2
#define PAT_C		0xc3

enum { DA, DB, DC, DD, DV, DW, NDEV };

struct grp_dev {
	const char *name;
	const char *iommu;
	const char *id;
	const char *group;
	const char *pasid_bits;
};

static const struct grp_dev fixed_devs[NDEV] = {
	[DA] = { "grp_a", SMMU, "0x1", "7", "6" },
	[DB] = { "grp_b", SMMU, "0x2", "7", "0" },
	[DC] = { "grp_c", SMMU, "0x3", "7", "0" },
	[DD] = { "grp_d", SMMU, "0x4", "0", "0" },
	[DV] = { "grp_v", VTD, "0x10", "3", "9" },
	[DW] = { "grp_w", VTD, "0x11", "3", "0" },
};

/* Everything any test may create, removed devices first */
static const char *const all_devs[] = {
	"grp_a", "grp_b", "grp_c", "grp_d", "grp_v", "grp_w", "grp_s44d",
	"grp_s32d", "grp_v57d", "grp_vnpd", NULL,
};

static const char *const all_iommus[] = {
	SMMU, VTD, "grp_s44", "grp_s32", "grp_v57", "grp_vnp", NULL,
};

/* ---- the device fd ---- */

static int vdev_bind(int dfd, int fd, __u32 *devid)
{
	return emu_dev_bind(dfd, fd, devid);
}

/* Attach or replace; *@pt is an IOAS or HWPT, and then the HWPT used */
static int vdev_attach(int dfd, __u32 *pt)
{
	return emu_dev_attach(dfd, 0, 0, pt);
}

static int vdev_detach(int dfd)
{
	return emu_dev_detach(dfd, 0, 0);
}

static int vdev_dma(int dfd, bool write, __u64 iova, void *p, __u64 len)
{
	return emu_dev_dma(dfd, write ? IOMMUFD_EMU_DMA_WRITE : 0, 0, iova, p,
			   len);
}

/* The byte the device reads at @iova, or -errno */
static int dma_byte(int dfd, __u64 iova)
{
	unsigned char byte;

	return vdev_dma(dfd, false, iova, &byte, 1) ?: byte;
}

/* Create and enable device @d */
static int dev_create(const struct grp_dev *d)
{
	const char *const kv[] = {
		"iommu", d->iommu, "id", d->id, "group", d->group,
		"pasid_bits", d->pasid_bits, NULL,
	};

	return emu_cfs_make("devices", d->name, kv, true);
}

/* Open the node of device @name and bind it to @fd; the fd in *@dfd */
static int dev_open_bind(const char *name, int fd, int *dfd, __u32 *devid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/dev/iommufd-emu/%s", name);
	*dfd = open(path, O_RDWR | O_CLOEXEC);
	if (*dfd < 0)
		return -errno;
	return vdev_bind(*dfd, fd, devid);
}

static int hwpt_new(int fd, __u32 flags, __u32 devid, __u32 ioas,
		    __u32 *hwpt)
{
	struct iommu_hwpt_alloc h = {
		.size = sizeof(h),
		.flags = flags,
		.dev_id = devid,
		.pt_id = ioas,
	};
	int rc = emu_ioctl(fd, IOMMU_HWPT_ALLOC, &h);

	*hwpt = h.out_hwpt_id;
	return rc;
}

/* ---- fixture ---- */

FIXTURE(groups) {
	int fd;
	int dfd[NDEV];
	__u32 devid[NDEV];
	int xfd[3];		/* devices a test plugs itself */
	__u32 ioas[2];
	unsigned char *buf[3];	/* A, B, C */
};

static void groups_release(FIXTURE_DATA(groups) * self)
{
	unsigned int i;

	for (i = 0; i < NDEV; i++)
		if (self->dfd[i] >= 0)
			close(self->dfd[i]);
	for (i = 0; i < ARRAY_SIZE(self->xfd); i++)
		if (self->xfd[i] >= 0)
			close(self->xfd[i]);
	if (self->fd >= 0)
		close(self->fd);
	emu_cfs_cleanup(all_devs, all_iommus);
	for (i = 0; i < 3; i++)
		emu_free_buffer(self->buf[i], BUF_LEN);
}

/*
 * Devices are all enabled before any is bound: a bound group takes no new
 * members. Returns the first failure.
 */
static int groups_build(FIXTURE_DATA(groups) * self)
{
	static const char *const smmu_kv[] = { "type", "smmuv3", NULL };
	static const char *const vtd_kv[] = { "type", "vtd", NULL };
	static const unsigned char pat[3] = { PAT_A, PAT_B, PAT_C };
	unsigned int i;
	__u64 iova;
	int rc;

	rc = emu_cfs_make("iommus", SMMU, smmu_kv, true) ?:
	     emu_cfs_make("iommus", VTD, vtd_kv, true);
	for (i = 0; !rc && i < NDEV; i++)
		rc = dev_create(&fixed_devs[i]);
	self->fd = emu_open();
	if (!rc && self->fd < 0)
		rc = -errno;
	for (i = 0; !rc && i < NDEV; i++)
		rc = dev_open_bind(fixed_devs[i].name, self->fd,
				   &self->dfd[i], &self->devid[i]);
	for (i = 0; !rc && i < 3; i++) {
		self->buf[i] = emu_alloc_buffer(BUF_LEN, PAGE_SIZE);
		if (!self->buf[i])
			return -ENOMEM;
		memset(self->buf[i], pat[i], BUF_LEN);
	}
	for (i = 0; !rc && i < 2; i++) {
		iova = IOVA;
		rc = emu_ioas_alloc(self->fd, &self->ioas[i]) ?:
		     emu_ioas_map(self->fd, self->ioas[i], MAP_FIXED_RW,
				  self->buf[i], BUF_LEN, &iova);
	}
	return rc;
}

FIXTURE_SETUP(groups)
{
	int rc;

	self->fd = -1;
	memset(self->dfd, -1, sizeof(self->dfd));
	memset(self->xfd, -1, sizeof(self->xfd));
	if (!emu_cfs_ready())
		SKIP(return, "%s missing: module not loaded?", EMU_CFS_ROOT);
	/* What a killed run may have left */
	emu_cfs_cleanup(all_devs, all_iommus);
	/* The harness skips teardown when setup fails: clean up here */
	rc = groups_build(self);
	if (rc)
		groups_release(self);
	ASSERT_OK(rc);
}

FIXTURE_TEARDOWN(groups)
{
	groups_release(self);
}

/* Every member of the a/b/c group reads @want (a byte or -errno) */
static void expect_group(struct __test_metadata *_metadata, const int *dfd,
			 int want, const char *when)
{
	int i, got;

	for (i = DA; i <= DC; i++) {
		got = dma_byte(dfd[i], IOVA + i);
		if (got != want)
			TH_LOG("%s: member %d read %d, expected %d", when, i,
			       got, want);
		ASSERT_EQ(want, got);
	}
}

/* ---- three devices in one group ---- */

static const unsigned char perms[6][3] = {
	{ DA, DB, DC }, { DA, DC, DB }, { DB, DA, DC },
	{ DB, DC, DA }, { DC, DA, DB }, { DC, DB, DA },
};

/*
 * Every attach order and every detach order, to an IOAS (automatic HWPT)
 * and to a manual HWPT: the group translates from the first attach until
 * the last detach, and the HWPT is held until then.
 */
TEST_F(groups, three_attach_detach_orders)
{
	unsigned int round, i;
	char when[64];
	__u32 hwpt, pt;

	for (round = 0; round < 12; round++) {
		const unsigned char *up = perms[5 - round % 6];
		const unsigned char *down = perms[round % 6];
		bool manual = round >= 6;

		hwpt = 0;
		if (manual)
			ASSERT_OK(hwpt_new(self->fd, 0, self->devid[up[0]],
					   self->ioas[0], &hwpt));
		for (i = 0; i < 3; i++) {
			pt = manual ? hwpt : self->ioas[0];
			ASSERT_OK(vdev_attach(self->dfd[up[i]], &pt));
			if (!hwpt)
				hwpt = pt;
			ASSERT_EQ(hwpt, pt);
			snprintf(when, sizeof(when), "round %u, attach %u",
				 round, i);
			expect_group(_metadata, self->dfd, PAT_A, when);
		}
		for (i = 0; i < 3; i++) {
			ASSERT_ERR(EBUSY, emu_destroy(self->fd, hwpt));
			ASSERT_OK(vdev_detach(self->dfd[down[i]]));
			snprintf(when, sizeof(when), "round %u, detach %u",
				 round, i);
			expect_group(_metadata, self->dfd,
				     i < 2 ? PAT_A : -EIO, when);
		}
		if (manual)
			ASSERT_OK(emu_destroy(self->fd, hwpt));
		else
			ASSERT_ERR(ENOENT, emu_destroy(self->fd, hwpt));
	}
}

/* A replace through any attached member moves the group and the refs */
TEST_F(groups, three_replace_by_each)
{
	__u32 h[2], pt, auto_hwpt;
	unsigned int i, to;
	int who;

	ASSERT_OK(hwpt_new(self->fd, 0, self->devid[DA], self->ioas[0], &h[0]));
	ASSERT_OK(hwpt_new(self->fd, 0, self->devid[DA], self->ioas[1], &h[1]));
	for (i = DA; i <= DC; i++) {
		pt = h[0];
		ASSERT_OK(vdev_attach(self->dfd[i], &pt));
	}
	for (i = 0; i < 6; i++) {
		who = DA + i % 3;
		to = (i + 1) % 2;
		pt = h[to];
		ASSERT_OK(vdev_attach(self->dfd[who], &pt));
		ASSERT_EQ(h[to], pt);
		expect_group(_metadata, self->dfd, to ? PAT_B : PAT_A,
			     "after replace");
		/* All three references moved: the old HWPT is free */
		ASSERT_ERR(EBUSY, emu_destroy(self->fd, h[to]));
		ASSERT_OK(emu_destroy(self->fd, h[!to]));
		ASSERT_OK(hwpt_new(self->fd, 0, self->devid[who],
				   self->ioas[!to], &h[!to]));
	}

	/* The current HWPT again: nothing changes */
	pt = h[0];
	ASSERT_OK(vdev_attach(self->dfd[DB], &pt));
	expect_group(_metadata, self->dfd, PAT_A, "same HWPT");

	/* Through an IOAS id: a new automatic HWPT, never the manual one */
	pt = self->ioas[1];
	ASSERT_OK(vdev_attach(self->dfd[DC], &pt));
	auto_hwpt = pt;
	ASSERT_NE(h[1], auto_hwpt);
	expect_group(_metadata, self->dfd, PAT_B, "to IOAS 1");
	ASSERT_OK(emu_destroy(self->fd, h[0]));
	ASSERT_OK(emu_destroy(self->fd, h[1]));
	for (i = DA; i <= DC; i++) {
		ASSERT_ERR(EBUSY, emu_destroy(self->fd, auto_hwpt));
		ASSERT_OK(vdev_detach(self->dfd[i]));
	}
	ASSERT_ERR(ENOENT, emu_destroy(self->fd, auto_hwpt));
	expect_group(_metadata, self->dfd, -EIO, "all detached");
}

/* A member that is not attached can neither join elsewhere nor replace */
TEST_F(groups, three_unattached_member)
{
	__u32 h0, h1, pt;

	ASSERT_OK(hwpt_new(self->fd, 0, self->devid[DA], self->ioas[0], &h0));
	ASSERT_OK(hwpt_new(self->fd, 0, self->devid[DA], self->ioas[1], &h1));
	pt = h0;
	ASSERT_OK(vdev_attach(self->dfd[DA], &pt));
	pt = h0;
	ASSERT_OK(vdev_attach(self->dfd[DB], &pt));

	pt = h1;
	ASSERT_ERR(EINVAL, vdev_attach(self->dfd[DC], &pt));
	pt = self->ioas[1];
	ASSERT_ERR(EINVAL, vdev_attach(self->dfd[DC], &pt));
	expect_group(_metadata, self->dfd, PAT_A, "after EINVAL");
	/* The failures took no reference on h1 */
	ASSERT_OK(emu_destroy(self->fd, h1));
	ASSERT_OK(hwpt_new(self->fd, 0, self->devid[DC], self->ioas[1], &h1));

	/* b moves a with it, and c's hardware too */
	pt = h1;
	ASSERT_OK(vdev_attach(self->dfd[DB], &pt));
	expect_group(_metadata, self->dfd, PAT_B, "replace by b");
	ASSERT_OK(emu_destroy(self->fd, h0));

	/* Once detached, b is an unattached member: EINVAL */
	ASSERT_OK(vdev_detach(self->dfd[DB]));
	ASSERT_OK(hwpt_new(self->fd, 0, self->devid[DB], self->ioas[0], &h0));
	pt = h0;
	ASSERT_ERR(EINVAL, vdev_attach(self->dfd[DB], &pt));
	expect_group(_metadata, self->dfd, PAT_B, "b detached");
	ASSERT_ERR(EBUSY, emu_destroy(self->fd, h1));
	ASSERT_OK(vdev_detach(self->dfd[DA]));
	expect_group(_metadata, self->dfd, -EIO, "a detached");
	ASSERT_OK(emu_destroy(self->fd, h1));
	ASSERT_OK(emu_destroy(self->fd, h0));
}

/* ---- replace while the device does DMA ---- */

/* The byte filling page @p of buffer A (@b 0) or B (@b 1) */
#define PAGE_PAT(_b, _p)	(0x10 + (_p) + ((_b) ? 0x70 : 0))
/* A write: marker bit, sequence number, page number */
#define WVAL(_seq, _p)		((1ULL << 63) | ((__u64)(_seq) << 8) | (_p))
#define WSEQ(_val)		(((_val) & ~(1ULL << 63)) >> 8)

struct racer {
	int dfd;
	bool write;
	int stop;		/* set by the main thread */
	int done;		/* set by the racer when it stops */
	unsigned long ops;	/* DMAs completed */
	int rc;			/* the first failed DMA */
	unsigned long bad;	/* pages read that were neither A nor B */
	unsigned long seen[2];	/* pages read whole from A, from B */
	__u64 last[NPG];	/* per page the last value written, or 0 */
};

static bool uniform(const unsigned char *p, size_t len)
{
	return !memcmp(p, p + 1, len - 1);
}

/* 1 page at a time, or all NPG at once; each page must be A or B whole */
static int race_read(struct racer *r, unsigned char *tmp)
{
	unsigned int npg = r->ops % 2 ? NPG : 1;
	unsigned int first = npg == 1 ? r->ops / 2 % NPG : 0;
	unsigned int i, p;
	unsigned char *pg;
	int rc;

	rc = vdev_dma(r->dfd, false, IOVA + first * PAGE_SIZE, tmp,
		      npg * PAGE_SIZE);
	for (i = 0; !rc && i < npg; i++) {
		pg = tmp + i * PAGE_SIZE;
		p = first + i;
		if (uniform(pg, PAGE_SIZE) && pg[0] == PAGE_PAT(0, p))
			r->seen[0]++;
		else if (uniform(pg, PAGE_SIZE) && pg[0] == PAGE_PAT(1, p))
			r->seen[1]++;
		else
			r->bad++;
	}
	return rc;
}

static int race_write(struct racer *r, unsigned char *tmp)
{
	unsigned int p = r->ops % NPG, i;
	__u64 val = WVAL(r->ops + 1, p);
	int rc;

	for (i = 0; i < PAGE_SIZE / 8; i++)
		((__u64 *)tmp)[i] = val;
	rc = vdev_dma(r->dfd, true, IOVA + p * PAGE_SIZE, tmp, PAGE_SIZE);
	if (!rc)
		r->last[p] = val;
	return rc;
}

static void *racer_fn(void *arg)
{
	unsigned char *tmp = malloc(BUF_LEN);
	struct racer *r = arg;
	int rc = -ENOMEM;

	while (tmp && !__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		rc = r->write ? race_write(r, tmp) : race_read(r, tmp);
		if (rc)
			break;
		__atomic_store_n(&r->ops, r->ops + 1, __ATOMIC_RELEASE);
	}
	r->rc = rc;
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	free(tmp);
	return NULL;
}

/*
 * With the racer running, replace between @pt[0] and @pt[1] @rounds times
 * (the device starts on @pt[0]), each time letting one DMA start and end
 * on the new translation. Returns the first failed replace.
 */
static int race_replaces(struct racer *r, const __u32 *pt, int rounds)
{
	unsigned long start;
	pthread_t thread;
	int i, rc = 0;
	__u32 id;

	if (pthread_create(&thread, NULL, racer_fn, r))
		return -EAGAIN;
	for (i = 0; i < rounds && !rc; i++) {
		start = __atomic_load_n(&r->ops, __ATOMIC_ACQUIRE);
		id = pt[(i + 1) % 2];
		rc = vdev_attach(r->dfd, &id);
		while (__atomic_load_n(&r->ops, __ATOMIC_ACQUIRE) < start + 2 &&
		       !__atomic_load_n(&r->done, __ATOMIC_ACQUIRE))
			sched_yield();
	}
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
	pthread_join(thread, NULL);
	return rc;
}

TEST_F_TIMEOUT(groups, replace_during_dma_read, 120)
{
	struct racer r = { .dfd = self->dfd[DD] };
	unsigned int p, b;
	__u32 h[2], pt;

	for (b = 0; b < 2; b++)
		for (p = 0; p < NPG; p++)
			memset(self->buf[b] + p * PAGE_SIZE, PAGE_PAT(b, p),
			       PAGE_SIZE);
	ASSERT_OK(hwpt_new(self->fd, 0, self->devid[DD], self->ioas[0], &h[0]));
	ASSERT_OK(hwpt_new(self->fd, 0, self->devid[DD], self->ioas[1], &h[1]));
	pt = h[0];
	ASSERT_OK(vdev_attach(r.dfd, &pt));

	ASSERT_OK(race_replaces(&r, h, 200));
	TH_LOG("%lu DMAs, %lu pages from A, %lu from B, %lu bad", r.ops,
	       r.seen[0], r.seen[1], r.bad);
	ASSERT_OK(r.rc);
	ASSERT_EQ(0, r.bad);
	ASSERT_LT(0, r.seen[0]);
	ASSERT_LT(0, r.seen[1]);
	ASSERT_OK(vdev_detach(r.dfd));
	ASSERT_OK(emu_destroy(self->fd, h[0]));
	ASSERT_OK(emu_destroy(self->fd, h[1]));
}

/* 0: page @p untouched, 1: one whole write to page @p, -1: other bytes */
static int page_state(const unsigned char *pg, unsigned char init,
		      unsigned int p, __u64 *val)
{
	memcpy(val, pg, sizeof(*val));
	if (pg[0] == init && uniform(pg, PAGE_SIZE))
		return 0;
	if (!(*val >> 63) || (*val & 0xff) != p)
		return -1;
	/* uniform in 8-byte words */
	return memcmp(pg, pg + 8, PAGE_SIZE - 8) ? -1 : 1;
}

/* Replace between automatic HWPTs of IOAS 0 and 1 while writing */
TEST_F_TIMEOUT(groups, replace_during_dma_write, 120)
{
	struct racer r = { .dfd = self->dfd[DD], .write = true };
	static const unsigned char init[2] = { PAT_A, PAT_B };
	unsigned int p, b, hits[2] = { 0, 0 };
	__u64 iova, val;
	bool found;
	__u32 pt;
	int st;

	/* Buffer C sits right after the written range, in both IOASes */
	for (b = 0; b < 2; b++) {
		iova = IOVA + BUF_LEN;
		ASSERT_OK(emu_ioas_map(self->fd, self->ioas[b], MAP_FIXED_RW,
				       self->buf[2], BUF_LEN, &iova));
	}
	pt = self->ioas[0];
	ASSERT_OK(vdev_attach(r.dfd, &pt));

	ASSERT_OK(race_replaces(&r, self->ioas, 100));
	TH_LOG("%lu DMA writes", r.ops);
	ASSERT_OK(r.rc);
	ASSERT_OK(vdev_detach(r.dfd));

	for (p = 0; p < NPG; p++) {
		found = !r.last[p];
		for (b = 0; b < 2; b++) {
			st = page_state(self->buf[b] + p * PAGE_SIZE, init[b],
					p, &val);
			if (st < 0)
				TH_LOG("page %u of %c: foreign bytes %llx", p,
				       'A' + b, (unsigned long long)val);
			ASSERT_LE(0, st);
			/* a value some write of this run used */
			if (st)
				ASSERT_GE(r.ops + 1, WSEQ(val));
			hits[b] += st;
			found |= st && val == r.last[p];
		}
		if (!found)
			TH_LOG("page %u: the last write is in neither buffer",
			       p);
		ASSERT_TRUE(found);
	}
	ASSERT_LT(0, hits[0]);
	ASSERT_LT(0, hits[1]);
	ASSERT_EQ(PAT_C, self->buf[2][0]);
	ASSERT_TRUE(uniform(self->buf[2], BUF_LEN));
}

/* ---- MSI windows ---- */

struct msi_case {
	int dev, sib;		/* a device and a sibling of its group */
	__u64 start, last;	/* their window */
};

static const struct msi_case msi_cases[] = {
	{ DA, DB, 0x8000000ULL, 0x80fffffULL },
	{ DV, DW, 0xfee00000ULL, 0xfeefffffULL },
};

/* IOMMU_IOAS_IOVA_RANGES of @ioas is exactly the @n ranges of @want */
static void check_ranges(struct __test_metadata *_metadata, int fd,
			 __u32 ioas, const struct iommu_iova_range *want,
			 __u32 n)
{
	struct iommu_iova_range got[8];
	__u32 num = ARRAY_SIZE(got), i;
	bool same;

	ASSERT_OK(emu_ioas_iova_ranges(fd, ioas, got, &num, NULL));
	same = num == n;
	for (i = 0; same && i < n; i++)
		same = got[i].start == want[i].start &&
		       got[i].last == want[i].last;
	for (i = 0; !same && i < num; i++)
		TH_LOG("IOAS %u range %u: %#llx..%#llx", ioas, i,
		       (unsigned long long)got[i].start,
		       (unsigned long long)got[i].last);
	ASSERT_TRUE(same);
}

static int map_at(int fd, __u32 ioas, void *va, __u64 iova, __u64 len)
{
	return emu_ioas_map(fd, ioas, MAP_FIXED_RW, va, len, &iova);
}

static void msi_window(struct __test_metadata *_metadata,
		       FIXTURE_DATA(groups) * self, const struct msi_case *mc)
{
	const struct iommu_iova_range full = { 0, UINT64_MAX };
	const struct iommu_iova_range holed[2] = {
		{ 0, mc->start - 1 }, { mc->last + 1, APERTURE_LAST },
	};
	int dfd = self->dfd[mc->dev], sib = self->dfd[mc->sib];
	__u64 tail = mc->last + 1 - PAGE_SIZE;
	__u32 ioas = self->ioas[0], pt;
	void *c = self->buf[2];

	/* A mapping over the window's last page: the attach fails whole */
	ASSERT_OK(map_at(self->fd, ioas, c, tail, 2 * PAGE_SIZE));
	pt = ioas;
	ASSERT_ERR(EADDRINUSE, vdev_attach(dfd, &pt));
	ASSERT_EQ(-EIO, dma_byte(dfd, IOVA));
	check_ranges(_metadata, self->fd, ioas, &full, 1);
	/* Nothing holds the group: the sibling takes it elsewhere */
	pt = self->ioas[1];
	ASSERT_OK(vdev_attach(sib, &pt));
	ASSERT_EQ(PAT_B, dma_byte(dfd, IOVA));
	ASSERT_OK(vdev_detach(sib));
	ASSERT_OK(emu_ioas_unmap(self->fd, ioas, tail, 2 * PAGE_SIZE, NULL));

	pt = ioas;
	ASSERT_OK(vdev_attach(dfd, &pt));
	ASSERT_EQ(PAT_A, dma_byte(dfd, IOVA));
	check_ranges(_metadata, self->fd, ioas, holed, 2);
	ASSERT_ERR(EINVAL, map_at(self->fd, ioas, c, mc->start, PAGE_SIZE));
	ASSERT_ERR(EINVAL, map_at(self->fd, ioas, c, tail, PAGE_SIZE));
	ASSERT_ERR(EINVAL, map_at(self->fd, ioas, c, mc->start - PAGE_SIZE,
				  2 * PAGE_SIZE));
	/* Right next to it is fine */
	ASSERT_OK(map_at(self->fd, ioas, c, mc->start - PAGE_SIZE, PAGE_SIZE));
	ASSERT_OK(map_at(self->fd, ioas, c, mc->last + 1, PAGE_SIZE));
	ASSERT_OK(emu_ioas_unmap(self->fd, ioas, mc->start - PAGE_SIZE,
				 PAGE_SIZE, NULL));
	ASSERT_OK(emu_ioas_unmap(self->fd, ioas, mc->last + 1, PAGE_SIZE,
				 NULL));

	/* Two siblings bring the same window; it stays until the last goes */
	pt = ioas;
	ASSERT_OK(vdev_attach(sib, &pt));
	check_ranges(_metadata, self->fd, ioas, holed, 2);
	ASSERT_OK(vdev_detach(dfd));
	check_ranges(_metadata, self->fd, ioas, holed, 2);
	ASSERT_ERR(EINVAL, map_at(self->fd, ioas, c, mc->start, PAGE_SIZE));
	ASSERT_EQ(PAT_A, dma_byte(sib, IOVA));
	ASSERT_OK(vdev_detach(sib));
	check_ranges(_metadata, self->fd, ioas, &full, 1);
	ASSERT_OK(map_at(self->fd, ioas, c, mc->start, PAGE_SIZE));
	ASSERT_OK(emu_ioas_unmap(self->fd, ioas, mc->start, PAGE_SIZE, NULL));
}

TEST_F(groups, msi_window_smmuv3)
{
	msi_window(_metadata, self, &msi_cases[0]);
}

TEST_F(groups, msi_window_vtd)
{
	msi_window(_metadata, self, &msi_cases[1]);
}

/*
 * Automatic IOVA around the window: with everything but 2 MiB on each side
 * of it reserved, 64 KiB maps fill both sides and never the window.
 */
TEST_F_TIMEOUT(groups, msi_window_auto_iova, 120)
{
	const __u64 chunk = 0x10000;
	unsigned char *mem;
	unsigned int i, n, below, above;
	__u64 lo, hi, iova;
	__u32 ioas, pt;
	int dfd, rc;

	if (!emu_test_cmd_available(self->fd))
		SKIP(return, NO_TEST_CMD);
	/* 64 KiB aligned, not 128 KiB: automatic IOVA aligns to 64 KiB */
	mem = emu_alloc_buffer(3 * chunk, 2 * chunk);
	ASSERT_NE(NULL, mem);
	for (i = 0; i < ARRAY_SIZE(msi_cases); i++) {
		dfd = self->dfd[msi_cases[i].dev];
		lo = msi_cases[i].start - SZ_2M;
		hi = msi_cases[i].last + SZ_2M;
		ASSERT_OK(emu_ioas_alloc(self->fd, &ioas));
		pt = ioas;
		ASSERT_OK(vdev_attach(dfd, &pt));
		ASSERT_OK(emu_test_add_reserved(self->fd, ioas, 0, lo));
		ASSERT_OK(emu_test_add_reserved(self->fd, ioas, hi + 1,
						APERTURE_LAST - hi));
		below = 0;
		above = 0;
		for (n = 0; n < 100; n++) {
			rc = emu_ioas_map(self->fd, ioas, MAP_RW, mem + chunk,
					  chunk, &iova);
			if (rc)
				break;
			if (iova < lo || iova + chunk - 1 > hi ||
			    (iova <= msi_cases[i].last &&
			     iova + chunk > msi_cases[i].start))
				TH_LOG("automatic IOVA %#llx", iova);
			ASSERT_LE(lo, iova);
			ASSERT_GE(hi, iova + chunk - 1);
			if (iova < msi_cases[i].start)
				below++;
			else
				above++;
			ASSERT_TRUE(iova + chunk - 1 < msi_cases[i].start ||
				    iova > msi_cases[i].last);
		}
		TH_LOG("case %u: %u maps below the window, %u above", i, below,
		       above);
		ASSERT_ERR(ENOSPC, rc);
		ASSERT_LT(0, below);
		ASSERT_LT(0, above);
		ASSERT_OK(vdev_detach(dfd));
		ASSERT_OK(emu_ioas_unmap(self->fd, ioas, 0, UINT64_MAX, NULL));
		ASSERT_OK(emu_destroy(self->fd, ioas));
	}
	emu_free_buffer(mem, 3 * chunk);
}

/* Replace into an IOAS that maps inside the window: nothing moves */
TEST_F(groups, msi_window_replace)
{
	const struct iommu_iova_range full = { 0, UINT64_MAX };
	const struct iommu_iova_range aperture = { 0, APERTURE_LAST };
	struct iommu_iova_range holed[2];
	const struct msi_case *mc;
	__u32 ioas2, hwpt2, pt;
	int dfd, sib;
	__u64 iova;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(msi_cases); i++) {
		mc = &msi_cases[i];
		dfd = self->dfd[mc->dev];
		sib = self->dfd[mc->sib];
		holed[0] = (struct iommu_iova_range){ 0, mc->start - 1 };
		holed[1] = (struct iommu_iova_range){ mc->last + 1,
						      APERTURE_LAST };
		ASSERT_OK(emu_ioas_alloc(self->fd, &ioas2));
		iova = IOVA;
		ASSERT_OK(emu_ioas_map(self->fd, ioas2, MAP_FIXED_RW,
				       self->buf[1], BUF_LEN, &iova));
		ASSERT_OK(map_at(self->fd, ioas2, self->buf[2],
				 mc->start + PAGE_SIZE, PAGE_SIZE));
		ASSERT_OK(hwpt_new(self->fd, 0, self->devid[mc->dev], ioas2,
				   &hwpt2));
		pt = self->ioas[0];
		ASSERT_OK(vdev_attach(dfd, &pt));
		pt = self->ioas[0];
		ASSERT_OK(vdev_attach(sib, &pt));

		pt = ioas2;
		ASSERT_ERR(EADDRINUSE, vdev_attach(dfd, &pt));
		pt = hwpt2;
		ASSERT_ERR(EADDRINUSE, vdev_attach(sib, &pt));
		ASSERT_EQ(PAT_A, dma_byte(dfd, IOVA));
		ASSERT_EQ(PAT_A, dma_byte(sib, IOVA));
		check_ranges(_metadata, self->fd, self->ioas[0], holed, 2);
		/* hwpt2's domain limits ioas2 to its aperture, no window */
		check_ranges(_metadata, self->fd, ioas2, &aperture, 1);
		ASSERT_OK(emu_destroy(self->fd, hwpt2));
		check_ranges(_metadata, self->fd, ioas2, &full, 1);

		/* Without the mapping the windows move with the devices */
		ASSERT_OK(emu_ioas_unmap(self->fd, ioas2, mc->start + PAGE_SIZE,
					 PAGE_SIZE, NULL));
		pt = ioas2;
		ASSERT_OK(vdev_attach(dfd, &pt));
		ASSERT_EQ(PAT_B, dma_byte(dfd, IOVA));
		ASSERT_EQ(PAT_B, dma_byte(sib, IOVA));
		check_ranges(_metadata, self->fd, ioas2, holed, 2);
		check_ranges(_metadata, self->fd, self->ioas[0], &full, 1);
		ASSERT_OK(vdev_detach(dfd));
		ASSERT_OK(vdev_detach(sib));
		check_ranges(_metadata, self->fd, ioas2, &full, 1);
		ASSERT_OK(emu_destroy(self->fd, ioas2));
	}
}

/* ---- IOMMU_GET_HW_INFO ---- */

static __u64 field(__u64 reg, unsigned int hi, unsigned int lo)
{
	return (reg >> lo) & (~0ULL >> (63 - hi + lo));
}

static int hw_info(int fd, __u32 devid, __u32 in_type, void *data,
		   __u32 len, struct iommu_hw_info *out)
{
	*out = (struct iommu_hw_info){
		.size = sizeof(*out),
		.flags = in_type ? IOMMU_HW_INFO_FLAG_INPUT_TYPE : 0,
		.dev_id = devid,
		.data_len = len,
		.data_uptr = (uintptr_t)data,
		.in_data_type = in_type,
	};
	return emu_ioctl(fd, IOMMU_GET_HW_INFO, out);
}

/*
 * The rules every device's answer follows; fills @data with the driver's
 * struct of @size bytes. @other is the type of the other vendor.
 */
static void hw_info_common(struct __test_metadata *_metadata, int fd,
			   __u32 devid, __u32 type, __u32 other, __u32 size,
			   unsigned int dev_pasid, void *data)
{
	unsigned char big[256], small[sizeof(big)];
	struct iommu_hw_info out;
	__u32 hwpt, ioas;
	int rc;

	memset(big, 0xff, sizeof(big));
	ASSERT_OK(hw_info(fd, devid, 0, big, sizeof(big), &out));
	ASSERT_EQ(type, out.out_data_type);
	ASSERT_EQ(size, out.data_len);
	ASSERT_EQ(dev_pasid, out.out_max_pasid_log2);
	ASSERT_TRUE(out.out_capabilities & IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED);
	/* The rest of the user's buffer is zeroed */
	ASSERT_EQ(0, big[size]);
	ASSERT_TRUE(uniform(big + size, sizeof(big) - size));
	memcpy(data, big, size);

	/* A short buffer gets the start, the rest stays; the full size */
	memset(small, 0xff, sizeof(small));
	ASSERT_OK(hw_info(fd, devid, 0, small, 4, &out));
	ASSERT_EQ(size, out.data_len);
	ASSERT_EQ(0, memcmp(small, big, 4));
	ASSERT_EQ(0xff, small[4]);
	ASSERT_TRUE(uniform(small + 4, sizeof(small) - 4));

	ASSERT_OK(hw_info(fd, devid, type, big, sizeof(big), &out));
	ASSERT_EQ(type, out.out_data_type);
	ASSERT_ERR(EOPNOTSUPP, hw_info(fd, devid, other, big, sizeof(big),
				       &out));

	/* Dirty tracking is advertised exactly when a HWPT can have it */
	ASSERT_OK(emu_ioas_alloc(fd, &ioas));
	rc = hwpt_new(fd, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, devid, ioas, &hwpt);
	if (out.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING) {
		ASSERT_OK(rc);
		ASSERT_OK(emu_destroy(fd, hwpt));
	} else {
		ASSERT_ERR(EOPNOTSUPP, rc);
	}
	ASSERT_OK(emu_destroy(fd, ioas));
}

/* A device to ask: behind a new instance (@inst, made with @kv) or not */
struct hw_dev {
	const char *inst;	/* NULL: a device of the fixture */
	const char *const *kv;
	const char *dev, *dev_pasid;
};

struct smmu_want {
	struct hw_dev d;	/* the fixture's: device a */
	unsigned int oas_enc, ssid, s1, s2;
};

static const char *const s44_kv[] = {
	"type", "smmuv3", "oas", "44", "pasid_bits", "12", "nesting", "0",
	"stage2", "0", NULL,
};

static const char *const s32_kv[] = {
	"type", "smmuv3", "ias", "32", "oas", "32", "pasid_bits", "0",
	"nesting", "0", "stage1", "0", NULL,
};

static const struct smmu_want smmu_wants[] = {
	{ { NULL, NULL, "grp_a", "6" }, 5, 20, 1, 1 },
	{ { "grp_s44", s44_kv, "grp_s44d", "5" }, 4, 12, 1, 0 },
	{ { "grp_s32", s32_kv, "grp_s32d", "0" }, 0, 0, 0, 1 },
};

/*
 * Plug @h (its fd in xfd[@slot]) unless it is the fixture's device @devid,
 * and run hw_info_common() on it. Both driver structs start with a zero
 * flags and reserved word.
 */
static void hw_dev_info(struct __test_metadata *_metadata,
			FIXTURE_DATA(groups) * self, const struct hw_dev *h,
			unsigned int slot, __u32 devid, __u32 type,
			__u32 size, void *data)
{
	const struct grp_dev d = { h->dev, h->inst, "0x8", "0", h->dev_pasid };
	__u32 head[2];

	if (h->inst) {
		ASSERT_OK(emu_cfs_make("iommus", h->inst, h->kv, true));
		ASSERT_OK(dev_create(&d));
		ASSERT_OK(dev_open_bind(h->dev, self->fd, &self->xfd[slot],
					&devid));
	}
	TH_LOG("device %s, %u PASID bits", h->dev, atoi(h->dev_pasid));
	hw_info_common(_metadata, self->fd, devid, type,
		       type ^ IOMMU_HW_INFO_TYPE_ARM_SMMUV3 ^
		       IOMMU_HW_INFO_TYPE_INTEL_VTD, size,
		       atoi(h->dev_pasid), data);
	memcpy(head, data, sizeof(head));
	ASSERT_EQ(0, head[0]);
	ASSERT_EQ(0, head[1]);
}

TEST_F(groups, hw_info_smmuv3)
{
	struct iommu_hw_info_arm_smmuv3 info;
	const struct smmu_want *w = smmu_wants;

	for (; w < smmu_wants + ARRAY_SIZE(smmu_wants); w++) {
		hw_dev_info(_metadata, self, &w->d, w - smmu_wants,
			    self->devid[DA], IOMMU_HW_INFO_TYPE_ARM_SMMUV3,
			    sizeof(info), &info);
		/* IDR0: S2P bit 0, S1P bit 1, TTF[3:2] AArch64 (2) */
		ASSERT_EQ(w->s2, field(info.idr[0], 0, 0));
		ASSERT_EQ(w->s1, field(info.idr[0], 1, 1));
		ASSERT_EQ(2, field(info.idr[0], 3, 2));
		/* IDR1: SIDSIZE[5:0] 32-bit StreamIDs, SSIDSIZE[10:6] */
		ASSERT_EQ(32, field(info.idr[1], 5, 0));
		ASSERT_EQ(w->ssid, field(info.idr[1], 10, 6));
		/* IDR5: OAS[2:0], GRAN4K bit 4 */
		ASSERT_EQ(w->oas_enc, field(info.idr[5], 2, 0));
		ASSERT_EQ(1, field(info.idr[5], 4, 4));
	}
}

struct vtd_want {
	struct hw_dev d;	/* the fixture's: device v */
	unsigned int mgaw, sagaw, pasid, pss, nest, slts, flts, fl5lp;
};

static const char *const v57_kv[] = {
	"type", "vtd", "ias", "57", "pasid_bits", "14", "nesting", "0", NULL,
};

static const char *const vnp_kv[] = {
	"type", "vtd", "pasid_bits", "0", "nesting", "0", "stage1", "0", NULL,
};

static const struct vtd_want vtd_wants[] = {
	{ { NULL, NULL, "grp_v", "9" }, 47, 1 << 2, 1, 19, 1, 1, 1, 0 },
	{ { "grp_v57", v57_kv, "grp_v57d", "4" }, 56, 1 << 3, 1, 13, 0, 1, 1, 1 },
	{ { "grp_vnp", vnp_kv, "grp_vnpd", "0" }, 47, 1 << 2, 0, 0, 0, 1, 0, 0 },
};

TEST_F(groups, hw_info_vtd)
{
	struct iommu_hw_info_vtd info;
	const struct vtd_want *w = vtd_wants;

	for (; w < vtd_wants + ARRAY_SIZE(vtd_wants); w++) {
		hw_dev_info(_metadata, self, &w->d, w - vtd_wants,
			    self->devid[DV], IOMMU_HW_INFO_TYPE_INTEL_VTD,
			    sizeof(info), &info);
		/* CAP: SAGAW[12:8], MGAW[21:16] (width - 1), FL5LP bit 60 */
		ASSERT_EQ(w->sagaw, field(info.cap_reg, 12, 8));
		ASSERT_EQ(w->mgaw, field(info.cap_reg, 21, 16));
		ASSERT_EQ(w->fl5lp, field(info.cap_reg, 60, 60));
		/* ECAP: NEST 26, PSS[39:35] (bits - 1), PASID 40, SLTS 46, FLTS 47 */
		ASSERT_EQ(w->nest, field(info.ecap_reg, 26, 26));
		ASSERT_EQ(w->pss, field(info.ecap_reg, 39, 35));
		ASSERT_EQ(w->pasid, field(info.ecap_reg, 40, 40));
		ASSERT_EQ(w->slts, field(info.ecap_reg, 46, 46));
		ASSERT_EQ(w->flts, field(info.ecap_reg, 47, 47));
	}
}

TEST_HARNESS_MAIN
