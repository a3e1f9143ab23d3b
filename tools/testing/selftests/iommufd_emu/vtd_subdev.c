// SPDX-License-Identifier: GPL-2.0
/*
 * Sub-devices (the old aux-domain use case) on the emulated VT-d: a
 * configfs device with "parent" set has no requester ID of its own; its
 * DMA is its parent's, tagged with a PASID of the parent that the
 * platform assigns ("pasid" attribute). Binding and attaching it like any
 * device attaches that PASID of the parent.
 *
 * Topology: parents "p1" and "p2" (8-bit PASIDs, groups of their own) and
 * their sub-devices "s1" and "s2", which share group tag 9 although their
 * parents differ. The sub-devices' DMA is told apart by translation, as in
 * vtd_pasid.c: a first-stage HWPT maps IOVA(n) to data page n, second
 * stage HWPTs map guest memory at GPA = IOVA.
 */
#include <pthread.h>

#include "vtd_guest.h"

#define INST		"vtds_iommu"
#define P1		"vtds_p1"
#define P2		"vtds_p2"
#define S1		"vtds_s1"
#define S2		"vtds_s2"
#define GUEST_GPA	0x40000000ULL
#define GUEST_SIZE	(2UL << 20)
#define FS_IOVA		0x10000000000ULL
#define NPAGES		4
#define FILL		0x30	/* data page n holds FILL + n */
#define DEBUGFS_TOPOLOGY "/sys/kernel/debug/iommufd_emu/topology"

/* Every item a test may create, for the teardown; sub-devices first */
static const char * const all_devs[] = {
	"vtds_s3", "vtds_s4", "vtds_s5", "vtds_x", S1, S2,
	"vtds_p0", "vtds_p3", P1, P2, NULL,
};

static const char * const all_iommus[] = { INST, "vtds_other", NULL };

FIXTURE(vtd_subdev)
{
	int fd;
	int s1, s2, p1, p2;
	__u32 id_s1, id_s2, id_p1, id_p2;
	struct vtd_hwpts h;
	struct vtd_guest g;
	__u64 data;
	char *host;
};

FIXTURE_SETUP(vtd_subdev)
{
	self->fd = -1;
	self->s1 = -1;
	self->s2 = -1;
	self->p1 = -1;
	self->p2 = -1;
	if (!emu_cfs_ready())
		SKIP(return, "%s missing: module not loaded?", EMU_CFS_ROOT);
	emu_cfs_cleanup(all_devs, all_iommus);
	ASSERT_OK(vtd_make_iommu(INST, NULL));
	ASSERT_OK(vtd_make_dev(P1, INST, 0x20, 0, 8));
	ASSERT_OK(vtd_make_dev(P2, INST, 0x21, 0, 8));
	ASSERT_OK(vtd_make_subdev(S1, P1, 9, 0));
	ASSERT_OK(vtd_make_subdev(S2, P2, 9, 0));
	self->fd = emu_open();
	ASSERT_LE(0, self->fd);
	self->s1 = vtd_dev_open_bind(S1, self->fd, &self->id_s1);
	self->s2 = vtd_dev_open_bind(S2, self->fd, &self->id_s2);
	self->p1 = vtd_dev_open_bind(P1, self->fd, &self->id_p1);
	self->p2 = vtd_dev_open_bind(P2, self->fd, &self->id_p2);
	ASSERT_LE(0, self->s1);
	ASSERT_LE(0, self->s2);
	ASSERT_LE(0, self->p1);
	ASSERT_LE(0, self->p2);

	ASSERT_OK(vtd_guest_init(&self->g, GUEST_SIZE, GUEST_GPA, 4));
	self->data = vtd_guest_data(&self->g, NPAGES, FILL, &self->host);
	ASSERT_NE(0, self->data);
	ASSERT_OK(vtd_guest_map(&self->g, FS_IOVA, self->data,
				NPAGES * PAGE_SIZE, FS_LEAF_RW));
	ASSERT_OK(vtd_hwpts_make(self->fd, self->id_p1, &self->g, &self->h));
}

FIXTURE_TEARDOWN(vtd_subdev)
{
	int *const fds[] = { &self->s1, &self->s2, &self->p1, &self->p2,
			      &self->fd, NULL };

	vtd_fixture_release(fds, &self->g, all_devs, all_iommus);
}

#define IOVA(_page)	(FS_IOVA + (_page) * PAGE_SIZE)
#define ROUTE_NONE	VTD_ROUTE_NONE
#define ROUTE_FS	VTD_ROUTE_FS
#define ROUTE_SS	VTD_ROUTE_SS
#define route(_dfd, _pasid)					\
	vtd_route(_dfd, _pasid, FS_IOVA, self->data, FILL)

static unsigned long pasid_of(const char *dev)
{
	unsigned long long val;

	if (emu_cfs_readu("devices", dev, "pasid", &val))
		return ~0UL;
	return val;
}

/* The sub-device's and the parent's line of the debugfs topology */
static bool topology_has(const char *dev, const char *a, const char *b)
{
	char line[512], head[80];
	bool found = false;
	FILE *f = fopen(DEBUGFS_TOPOLOGY, "r");

	if (!f)
		return false;
	snprintf(head, sizeof(head), "  %s ", dev);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, head, strlen(head)))
			continue;
		found = strstr(line, a) && strstr(line, b);
		break;
	}
	fclose(f);
	return found;
}

TEST_F(vtd_subdev, pasid_assignment)
{
	char want[64];

	/* The lowest free PASID >= 1 of each parent */
	EXPECT_EQ(1, pasid_of(S1));
	EXPECT_EQ(1, pasid_of(S2));
	ASSERT_OK(vtd_make_subdev("vtds_s3", P1, 0, 0));
	EXPECT_EQ(2, pasid_of("vtds_s3"));
	/* A chosen one, taken already or not */
	EXPECT_ERR(EEXIST, vtd_make_subdev("vtds_s4", P1, 0, 2));
	EXPECT_ERR(EEXIST, emu_cfs_write("devices", "vtds_s4", "enable", "1"));
	ASSERT_OK(emu_cfs_write("devices", "vtds_s4", "pasid", "200"));
	ASSERT_OK(emu_cfs_write("devices", "vtds_s4", "enable", "1"));
	EXPECT_EQ(200, pasid_of("vtds_s4"));
	ASSERT_OK(vtd_make_subdev("vtds_s5", P1, 0, 0));
	EXPECT_EQ(3, pasid_of("vtds_s5"));
	/* Read-only while enabled, like every attribute */
	EXPECT_ERR(EBUSY, emu_cfs_write("devices", "vtds_s5", "pasid", "7"));

	/* Disabled: what was written; an automatic one is free again */
	ASSERT_OK(emu_cfs_write("devices", "vtds_s3", "enable", "0"));
	EXPECT_EQ(0, pasid_of("vtds_s3"));
	ASSERT_OK(emu_cfs_write("devices", "vtds_s4", "enable", "0"));
	EXPECT_EQ(200, pasid_of("vtds_s4"));
	ASSERT_OK(emu_cfs_write("devices", "vtds_s3", "enable", "1"));
	EXPECT_EQ(2, pasid_of("vtds_s3"));

	/* Shown in the topology with its parent */
	snprintf(want, sizeof(want), "parent=%s", P1);
	EXPECT_TRUE(topology_has(S1, want, "pasid=1"));
	EXPECT_TRUE(topology_has("vtds_s5", want, "pasid=3"));
}

/*
 * The automatic PASID skips the ones the parent's own user has attached,
 * not only those of other sub-devices; and the parent's user cannot
 * attach a PASID once a sub-device took it
 */
TEST_F(vtd_subdev, pasid_assignment_skips_attached)
{
	__u32 id_p3;
	int p3;

	ASSERT_OK(vtd_dev_attach(self->p1, 0, self->h.parent));
	ASSERT_OK(vtd_dev_attach(self->p1, 2, self->h.ss));
	ASSERT_OK(vtd_make_subdev("vtds_s3", P1, 0, 0));
	EXPECT_EQ(3, pasid_of("vtds_s3"));
	EXPECT_EQ(ROUTE_SS, route(self->p1, 2));

	/* Detached, PASID 2 is the lowest free one again */
	ASSERT_OK(vtd_dev_detach(self->p1, 2));
	ASSERT_OK(vtd_make_subdev("vtds_s4", P1, 0, 0));
	EXPECT_EQ(2, pasid_of("vtds_s4"));
	EXPECT_ERR(EBUSY, vtd_dev_attach(self->p1, 2, self->h.ss));
	EXPECT_ERR(EBUSY, vtd_dev_attach(self->p1, 3, self->h.ss));
	EXPECT_EQ(ROUTE_NONE, route(self->p1, 2));

	/* A 1-bit parent whose only PASID its user attached has none left */
	ASSERT_OK(vtd_make_dev("vtds_p3", INST, 0x31, 0, 1));
	p3 = vtd_dev_open_bind("vtds_p3", self->fd, &id_p3);
	ASSERT_LE(0, p3);
	ASSERT_OK(vtd_dev_attach(p3, 0, self->h.parent));
	ASSERT_OK(vtd_dev_attach(p3, 1, self->h.ss));
	EXPECT_ERR(ENOSPC, vtd_make_subdev("vtds_s5", "vtds_p3", 0, 0));
	ASSERT_OK(vtd_dev_detach(p3, 1));
	ASSERT_OK(emu_cfs_write("devices", "vtds_s5", "enable", "1"));
	EXPECT_EQ(1, pasid_of("vtds_s5"));
	ASSERT_OK(emu_cfs_rmdir("devices", "vtds_s5"));
	close(p3);
}

/* One group, two parents: each member goes through its own parent */
TEST_F(vtd_subdev, group_of_two_parents)
{
	__u32 used = 0;

	ASSERT_OK(vtd_dev_attach_flags(self->s1, 0, 0, self->h.ss, &used));
	EXPECT_EQ(self->h.ss, used);
	/* The whole group moved: s2 too, on p2's PASID 1 */
	EXPECT_EQ(ROUTE_SS, route(self->s1, 0));
	EXPECT_EQ(ROUTE_SS, route(self->s2, 0));
	/* Their DMA is the parents' DMA tagged with the PASID */
	EXPECT_EQ(ROUTE_SS, route(self->p1, 1));
	EXPECT_EQ(ROUTE_SS, route(self->p2, 1));
	EXPECT_EQ(ROUTE_NONE, route(self->p1, 0));
	EXPECT_EQ(ROUTE_NONE, route(self->p1, 2));
	/* Writes land */
	ASSERT_OK(vtd_dma_poke(self->s2, 0, self->data + 3 * PAGE_SIZE + 1,
			       0x44));
	EXPECT_EQ(0x44, self->host[3 * PAGE_SIZE + 1]);

	/* The group rules: a sibling joins, or moves everybody */
	EXPECT_ERR(EINVAL, vtd_dev_attach(self->s2, 0, self->h.fs));
	ASSERT_OK(vtd_dev_attach(self->s2, 0, self->h.ss));
	ASSERT_OK(vtd_dev_attach(self->s2, 0, self->h.fs));
	EXPECT_EQ(ROUTE_FS, route(self->s1, 0));
	EXPECT_EQ(ROUTE_FS, route(self->s2, 0));
	EXPECT_EQ(ROUTE_FS, route(self->p1, 1));
	EXPECT_EQ(ROUTE_FS, route(self->p2, 1));
	/* the first stage's A bits were set by those walks */
	EXPECT_TRUE(vtd_pte_get(&self->g, IOVA(1), 1) & FS_A);

	/* Only the last detach blocks */
	ASSERT_OK(vtd_dev_detach(self->s1, 0));
	EXPECT_EQ(ROUTE_FS, route(self->s1, 0));
	EXPECT_EQ(ROUTE_FS, route(self->p1, 1));
	ASSERT_OK(vtd_dev_detach(self->s2, 0));
	EXPECT_EQ(ROUTE_NONE, route(self->s1, 0));
	EXPECT_EQ(ROUTE_NONE, route(self->s2, 0));
	EXPECT_EQ(ROUTE_NONE, route(self->p1, 1));
	EXPECT_EQ(ROUTE_NONE, route(self->p2, 1));
	EXPECT_OK(emu_destroy(self->fd, self->h.fs));
}

/* Any HWPT of the instance serves a sub-device, PASID flag or not */
TEST_F(vtd_subdev, any_hwpt)
{
	ASSERT_OK(vtd_dev_attach(self->s1, 0, self->h.plain));
	EXPECT_EQ(ROUTE_SS, route(self->s1, 0));
	EXPECT_EQ(ROUTE_SS, route(self->p1, 1));
	ASSERT_OK(vtd_dev_attach(self->s1, 0, self->h.ioas));
	EXPECT_EQ(ROUTE_SS, route(self->s1, 0));
	ASSERT_OK(vtd_dev_attach(self->s1, 0, self->h.parent));
	EXPECT_EQ(ROUTE_SS, route(self->p2, 1));
	/* The parent's RID meanwhile is its own business */
	ASSERT_OK(vtd_dev_attach(self->p1, 0, self->h.fs));
	EXPECT_EQ(ROUTE_FS, route(self->p1, 0));
	EXPECT_EQ(ROUTE_SS, route(self->p1, 1));
	EXPECT_EQ(ROUTE_SS, route(self->s1, 0));
}

/*
 * A sub-device is a whole device to its user: no PASIDs of its own, so
 * the PASID flags are refused as VFIO refuses them for a device without
 * PASID ops (EOPNOTSUPP); its DMA cannot carry one (EINVAL)
 */
TEST_F(vtd_subdev, no_pasid_flags)
{
	ASSERT_OK(vtd_dev_attach(self->s1, 0, self->h.ss));
	EXPECT_ERR(EOPNOTSUPP, vtd_dev_attach(self->s1, 1, self->h.ss));
	EXPECT_ERR(EOPNOTSUPP, vtd_dev_attach(self->s1, 2, self->h.ss));
	EXPECT_ERR(EOPNOTSUPP, vtd_dev_detach(self->s1, 1));
	EXPECT_ERR(EINVAL, vtd_dma_peek(self->s1, 1, self->data));
	EXPECT_ERR(EINVAL, vtd_dma_peek(self->s1, 2, self->data));
	EXPECT_EQ(ROUTE_SS, route(self->s1, 0));
	EXPECT_EQ(ROUTE_NONE, route(self->p1, 2));
}

/* The PASID a sub-device holds is not the parent user's to attach */
TEST_F(vtd_subdev, parent_pasid_taken)
{
	ASSERT_OK(vtd_dev_attach(self->p1, 0, self->h.parent));
	EXPECT_ERR(EBUSY, vtd_dev_attach(self->p1, 1, self->h.ss));
	ASSERT_OK(vtd_dev_attach(self->s1, 0, self->h.fs));
	EXPECT_ERR(EBUSY, vtd_dev_attach(self->p1, 1, self->h.ss));
	EXPECT_EQ(ROUTE_FS, route(self->s1, 0));
	EXPECT_EQ(ROUTE_FS, route(self->p1, 1));
	/* Detaching it from the parent's side touches nothing */
	EXPECT_OK(vtd_dev_detach(self->p1, 1));
	EXPECT_EQ(ROUTE_FS, route(self->s1, 0));
	/* Other PASIDs are the parent's */
	ASSERT_OK(vtd_dev_attach(self->p1, 2, self->h.ss));
	EXPECT_EQ(ROUTE_SS, route(self->p1, 2));
	EXPECT_EQ(ROUTE_FS, route(self->s1, 0));
	/* p2's PASID 1 is s2's, not s1's */
	EXPECT_ERR(EBUSY, vtd_dev_attach(self->p2, 1, self->h.ss));
}

/* A parent with enabled sub-devices stays */
TEST_F(vtd_subdev, parent_removal_busy)
{
	EXPECT_ERR(EBUSY, emu_cfs_write("devices", P1, "enable", "0"));
	EXPECT_ERR(EBUSY, emu_cfs_rmdir("devices", P1));
	ASSERT_OK(vtd_dev_attach(self->p1, 0, self->h.ss));
	EXPECT_EQ(ROUTE_SS, route(self->p1, 0));

	/* Once its last sub-device is gone, it may go */
	ASSERT_OK(emu_cfs_write("devices", S1, "enable", "0"));
	EXPECT_ERR(ENODEV, vtd_dma_peek(self->s1, 0, self->data));
	ASSERT_OK(emu_cfs_write("devices", P1, "enable", "0"));
	EXPECT_ERR(ENODEV, vtd_dma_peek(self->p1, 0, self->data));
	/* and the sub-device cannot come back without it */
	EXPECT_ERR(ENODEV, emu_cfs_write("devices", S1, "enable", "1"));
	ASSERT_OK(emu_cfs_write("devices", P1, "enable", "1"));
	/* (nor into group 9 while s2 is bound: the group has an owner) */
	EXPECT_ERR(EBUSY, emu_cfs_write("devices", S1, "enable", "1"));
	close(self->s2);
	self->s2 = -1;
	ASSERT_OK(emu_cfs_write("devices", S1, "enable", "1"));
	ASSERT_OK(emu_cfs_rmdir("devices", S1));
	EXPECT_ERR(EBUSY, emu_cfs_rmdir("devices", P2));
	ASSERT_OK(emu_cfs_rmdir("devices", S2));
	EXPECT_OK(emu_cfs_rmdir("devices", P2));
}

/* Unplugging an attached sub-device revokes it like any device */
TEST_F(vtd_subdev, unplug_attached)
{
	__u32 pt = self->h.ss;

	ASSERT_OK(vtd_dev_attach(self->s1, 0, self->h.ss));
	ASSERT_OK(vtd_dev_attach(self->s2, 0, self->h.ss));
	EXPECT_EQ(ROUTE_SS, route(self->p1, 1));

	ASSERT_OK(emu_cfs_write("devices", S1, "enable", "0"));
	EXPECT_ERR(ENODEV, vtd_dma_peek(self->s1, 0, self->data));
	EXPECT_ERR(ENODEV, vtd_dev_attach(self->s1, 0, pt));
	EXPECT_ERR(ENODEV, vtd_dev_detach(self->s1, 0));
	/* Its PASID on the parent is blocked again, and free */
	EXPECT_EQ(ROUTE_NONE, route(self->p1, 1));
	/* The sibling keeps translating through its own parent */
	EXPECT_EQ(ROUTE_SS, route(self->s2, 0));
	EXPECT_EQ(ROUTE_SS, route(self->p2, 1));
	ASSERT_OK(vtd_dev_attach(self->p1, 0, self->h.parent));
	ASSERT_OK(vtd_dev_attach(self->p1, 1, self->h.fs));
	EXPECT_EQ(ROUTE_FS, route(self->p1, 1));
	ASSERT_OK(vtd_dev_detach(self->p1, 1));

	/* rmdir of the other one, attached too */
	ASSERT_OK(emu_cfs_rmdir("devices", S2));
	EXPECT_ERR(ENODEV, vtd_dma_peek(self->s2, 0, self->data));
	EXPECT_EQ(ROUTE_NONE, route(self->p2, 1));
	/* Nothing holds the HWPT any more */
	EXPECT_OK(emu_destroy(self->fd, self->h.ss));
}

/* The parent's DMA on a PASID, run by a thread until told to stop */
struct parent_dma {
	pthread_t thread;
	int dfd;
	__u32 pasid;
	__u64 iova;
	bool stop;
	unsigned int ok, eio;
	int bad;	/* any other result */
};

static void *parent_dma_fn(void *arg)
{
	static char buf[NPAGES * PAGE_SIZE];
	struct parent_dma *d = arg;

	while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		int rc = vtd_dma_full(d->dfd, IOMMUFD_EMU_DMA_PASID, d->pasid,
				      d->iova, buf, sizeof(buf));

		if (!rc)
			d->ok++;
		else if (rc == -EIO)
			d->eio++;
		else
			d->bad = rc;
	}
	return NULL;
}

/*
 * The parent's transfers on a sub-device's PASID resolve the route once
 * per run of pages: unplugging the sub-device meanwhile must wait for the
 * run (the debug kernel checks the lifetimes), and every transfer ends in
 * success or EIO
 */
TEST_F(vtd_subdev, parent_dma_while_sub_unplugged)
{
	struct parent_dma d = {
		.dfd = self->p1, .pasid = 2, .iova = IOVA(0),
	};
	unsigned int i;

	ASSERT_OK(emu_cfs_make("devices", "vtds_s3",
			       (const char * const[]){ "parent", P1, "pasid",
						       "2", NULL }, false));
	ASSERT_EQ(0, pthread_create(&d.thread, NULL, parent_dma_fn, &d));
	for (i = 0; i < 20; i++) {
		__u32 id;
		int s3;

		ASSERT_OK(emu_cfs_write("devices", "vtds_s3", "enable", "1"));
		s3 = vtd_dev_open_bind("vtds_s3", self->fd, &id);
		ASSERT_LE(0, s3);
		ASSERT_OK(vtd_dev_attach(s3, 0, self->h.fs));
		usleep(5000);
		ASSERT_OK(emu_cfs_write("devices", "vtds_s3", "enable", "0"));
		close(s3);
	}
	__atomic_store_n(&d.stop, true, __ATOMIC_RELEASE);
	pthread_join(d.thread, NULL);
	TH_LOG("%u transfers went through, %u faulted", d.ok, d.eio);
	EXPECT_EQ(0, d.bad);
	EXPECT_NE(0, d.ok + d.eio);
	/* Without the sub-device the PASID is the parent's, unattached */
	EXPECT_EQ(ROUTE_NONE, route(self->p1, 2));
}

/* Every refusal of the sub-device attributes at enable */
TEST_F(vtd_subdev, configfs_errors)
{
	static const char * const p3[] = {
		"iommu", INST, "pasid_bits", "8", NULL,
	};
	static const char * const other[] = { "pasid_bits", "20", NULL };
	const char *x = "vtds_x";

#define try_sub(_errno, _what, ...) do {				\
	const char * const __attrs[] = { __VA_ARGS__, NULL };		\
									\
	emu_cfs_rmdir("devices", x);					\
	EXPECT_RC_FOR(_what, -(_errno),					\
		      emu_cfs_make("devices", x, __attrs, true));	\
} while (0)

	/* The parent: must exist, be enabled, and issue PASIDs */
	ASSERT_OK(emu_cfs_make("devices", "vtds_p3", p3, false));
	ASSERT_OK(vtd_make_dev("vtds_p0", INST, 0x30, 0, 0));
	try_sub(ENODEV, "parent disabled", "parent", "vtds_p3");
	try_sub(ENODEV, "no such parent", "parent", "vtds_nope");
	try_sub(ENODEV, "parent is itself", "parent", x);
	try_sub(EINVAL, "parent without PASIDs", "parent", "vtds_p0");

	/* Its own attributes */
	try_sub(EINVAL, "own pasid_bits", "parent", P1, "pasid_bits", "4");
	ASSERT_OK(vtd_make_iommu("vtds_other", other));
	try_sub(EINVAL, "another instance", "parent", P1, "iommu",
		"vtds_other");
	try_sub(EINVAL, "PASID beyond the parent's", "parent", P1, "pasid",
		"256");
	try_sub(EEXIST, "PASID of another sub-device", "parent", P1,
		"pasid", "1");
	try_sub(EINVAL, "a PASID without a parent", "iommu", INST, "id",
		"0x40", "pasid", "3");

	/* A PASID the parent's own user has attached */
	ASSERT_OK(vtd_dev_attach(self->p1, 0, self->h.parent));
	ASSERT_OK(vtd_dev_attach(self->p1, 5, self->h.ss));
	try_sub(EBUSY, "PASID in use by the parent", "parent", P1, "pasid",
		"5");
	/* No PASID left to choose: a 1-bit parent has only PASID 1 */
	ASSERT_OK(emu_cfs_write("devices", "vtds_p3", "pasid_bits", "1"));
	ASSERT_OK(emu_cfs_write("devices", "vtds_p3", "id", "0x31"));
	ASSERT_OK(emu_cfs_write("devices", "vtds_p3", "enable", "1"));
	ASSERT_OK(vtd_make_subdev("vtds_s3", "vtds_p3", 0, 0));
	EXPECT_EQ(1, pasid_of("vtds_s3"));
	try_sub(ENOSPC, "no PASID left", "parent", "vtds_p3");
	ASSERT_OK(emu_cfs_rmdir("devices", "vtds_s3"));

	/* Accepted: the parent's instance named, another parent's PASID 1,
	 * and an id that clashes (a sub-device has none of its own)
	 */
	try_sub(0, "parent's instance", "parent", P1, "iommu", INST);
	try_sub(0, "id of the parent", "parent", P1, "id", "0x20");
	try_sub(0, "the parent's last PASID", "parent", P1, "pasid",
		"255");
	EXPECT_EQ(255, pasid_of(x));
	/* ... which a second sub-device of p2 may not take */
	emu_cfs_rmdir("devices", x);
	try_sub(EEXIST, "s2's PASID", "parent", P2, "pasid", "1");
	emu_cfs_rmdir("devices", x);
	emu_cfs_rmdir("devices", "vtds_p0");
	emu_cfs_rmdir("devices", "vtds_p3");
#undef try_sub
}

TEST_HARNESS_MAIN
