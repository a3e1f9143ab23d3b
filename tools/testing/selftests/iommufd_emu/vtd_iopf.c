// SPDX-License-Identifier: GPL-2.0
/*
 * I/O page faults of the emulated VT-d, end to end: a device DMA hits a
 * first-stage entry the guest left non-present in a nested HWPT that has
 * a fault queue. IOMMUFD_EMU_DMA waits while the request sits in the
 * queue; the "VMM" thread reads it from the fault fd, lets the guest fix
 * its table and answers. SUCCESS retries the page, INVALID fails the DMA
 * with EIO, and a signal interrupts the wait (EINTR). Holes in a row of
 * one transfer come as one page request group, answered once, as long as
 * they lie in one 64 KiB chunk of the transfer (the platform runs a DMA
 * chunk by chunk) and number at most 16; a present page between holes
 * ends the group too, and the next hole starts another one.
 */
#include <pthread.h>
#include <signal.h>

#include "vtd_guest.h"

#define INST		"vtdf_iommu"
#define DEV		"vtdf_dev"
#define SUB		"vtdf_sub"
#define GRP_A		"vtdf_ga"
#define GRP_B		"vtdf_gb"
#define GRP_TAG		7
#define GUEST_GPA	0x40000000ULL
#define GUEST_SIZE	(2UL << 20)
#define FS_IOVA		0x20000000000ULL
#define NPAGES		8
/* Pages FIRST_HOLE and later start non-present */
#define FIRST_HOLE	4
#define WAIT_MS		10000

FIXTURE(vtd_iopf)
{
	int fd;
	int dfd;
	__u32 dev_id;
	__u32 ioas;
	__u32 parent;
	__u32 fault_id;
	int fault_fd;
	__u32 iopf;	/* nested, PASID-compatible, reports to the queue */
	__u32 plain;	/* the same tables without a queue */
	struct vtd_guest g;
	__u64 data;
	char *host;
};

FIXTURE_SETUP(vtd_iopf)
{
	struct iommu_hwpt_vtd_s1 s1;
	unsigned int i;

	self->fd = -1;
	self->dfd = -1;
	self->fault_fd = -1;
	if (!emu_cfs_ready())
		SKIP(return, "%s missing: module not loaded?", EMU_CFS_ROOT);
	ASSERT_OK(vtd_make_iommu(INST, NULL));
	ASSERT_OK(vtd_make_dev(DEV, INST, 0x50, 0, 8));
	self->fd = emu_open();
	ASSERT_LE(0, self->fd);
	self->dfd = vtd_dev_open_bind(DEV, self->fd, &self->dev_id);
	ASSERT_LE(0, self->dfd);

	ASSERT_OK(vtd_guest_init(&self->g, GUEST_SIZE, GUEST_GPA, 4));
	self->data = vtd_guest_data(&self->g, NPAGES, 0x40, &self->host);
	ASSERT_NE(0, self->data);
	ASSERT_OK(vtd_guest_map(&self->g, FS_IOVA, self->data,
				NPAGES * PAGE_SIZE, FS_LEAF_RW));
	for (i = FIRST_HOLE; i < NPAGES; i++)
		ASSERT_OK(vtd_pte_set(&self->g, FS_IOVA + i * PAGE_SIZE, 1, 0));

	ASSERT_OK(emu_ioas_alloc(self->fd, &self->ioas));
	ASSERT_OK(vtd_guest_map_ioas(self->fd, self->ioas, &self->g));
	ASSERT_OK(vtd_hwpt_paging(self->fd, self->dev_id, self->ioas,
				  IOMMU_HWPT_ALLOC_NEST_PARENT |
				  IOMMU_HWPT_ALLOC_PASID, &self->parent));
	ASSERT_OK(mock_fault_alloc(self->fd, &self->fault_id,
				   &self->fault_fd));
	s1 = vtd_guest_s1(&self->g, 0);
	ASSERT_OK(mock_hwpt_alloc_full(self->fd, self->dev_id, self->parent,
				       IOMMU_HWPT_FAULT_ID_VALID |
				       IOMMU_HWPT_ALLOC_PASID, self->fault_id,
				       IOMMU_HWPT_DATA_VTD_S1, &s1, sizeof(s1),
				       &self->iopf));
	ASSERT_OK(vtd_hwpt_s1(self->fd, self->dev_id, self->parent,
			      IOMMU_HWPT_ALLOC_PASID, &s1, &self->plain));
}

FIXTURE_TEARDOWN(vtd_iopf)
{
	static const char * const devs[] = { SUB, DEV, GRP_A, GRP_B, NULL };
	static const char * const iommus[] = { INST, NULL };
	int *const fds[] = { &self->dfd, &self->fault_fd, &self->fd, NULL };

	vtd_fixture_release(fds, &self->g, devs, iommus);
}

#define IOVA(_page)	(FS_IOVA + (_page) * PAGE_SIZE)
#define DATA_GPA(_page)	(self->data + (_page) * PAGE_SIZE)
#define HOST(_page, _off) (self->host[(_page) * PAGE_SIZE + (_off)])

/* One DMA run by a thread of its own, which may block on a fault */
struct dma_job {
	pthread_t thread;
	int dfd;
	__u32 flags;
	__u32 pasid;
	__u64 iova;
	char *buf;
	__u64 len;
	int rc;
	bool done;
};

static void *dma_job_fn(void *arg)
{
	struct dma_job *job = arg;

	job->rc = vtd_dma_full(job->dfd, job->flags, job->pasid, job->iova,
			       job->buf, job->len);
	__atomic_store_n(&job->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static int dma_job_start(struct dma_job *job, int dfd, __u32 flags,
			 __u32 pasid, __u64 iova, char *buf, __u64 len)
{
	*job = (struct dma_job){
		.dfd = dfd, .flags = flags, .pasid = pasid, .iova = iova,
		.buf = buf, .len = len, .rc = 1,
	};
	return -pthread_create(&job->thread, NULL, dma_job_fn, job);
}

/* Wait for the job; its result, or -ETIMEDOUT after WAIT_MS */
static int dma_job_finish(struct dma_job *job)
{
	int ms;

	for (ms = 0; !__atomic_load_n(&job->done, __ATOMIC_ACQUIRE) && ms < WAIT_MS; ms += 10)
		usleep(10000);
	if (!__atomic_load_n(&job->done, __ATOMIC_ACQUIRE))
		return -ETIMEDOUT;
	pthread_join(job->thread, NULL);
	return job->rc;
}

/* The job is still waiting a while after its request was read */
static bool dma_job_waiting(struct dma_job *job)
{
	usleep(100000);
	return !__atomic_load_n(&job->done, __ATOMIC_ACQUIRE);
}

static void nop_handler(int sig)
{
}

/* Check the one-request group of page @page with @perm and @pasid */
#define expect_request(_rec, _page, _perm, _pasid) do {		\
	const struct iommu_hwpt_pgfault *__rec = (_rec);		\
	__u32 __pasid = (_pasid);					\
									\
	EXPECT_EQ(self->dev_id, __rec->dev_id);				\
	EXPECT_EQ(IOVA(_page), __rec->addr);				\
	EXPECT_EQ((__u32)(_perm), __rec->perm);				\
	EXPECT_EQ(0, __rec->__reserved);				\
	EXPECT_EQ(__pasid, __rec->pasid);				\
	EXPECT_EQ(IOMMU_PGFAULT_FLAGS_LAST_PAGE |			\
		  (__pasid ? IOMMU_PGFAULT_FLAGS_PASID_VALID : 0),	\
		  __rec->flags);					\
} while (0)

/* Let the guest map page @page and tell the IOMMU, as with CM=1 */
#define guest_fix(_page, _leaf) do {					\
	__u64 __page = (_page);						\
									\
	ASSERT_OK(vtd_guest_map(&self->g, IOVA(__page), DATA_GPA(__page), \
				PAGE_SIZE, _leaf));			\
	ASSERT_OK(vtd_invalidate(self->fd, self->iopf, IOVA(__page), 1, \
				 IOMMU_VTD_INV_FLAGS_LEAF));		\
} while (0)

/*
 * Attach the RID to the HWPT with the queue, start a one-byte read of the
 * first hole into *@_c and read its request into *@_rec.
 */
#define start_faulting_read(_job, _rec, _c) do {			\
	ASSERT_OK(vtd_dev_attach(self->dfd, 0, self->iopf));		\
	ASSERT_OK(dma_job_start(_job, self->dfd, 0, 0, IOVA(FIRST_HOLE), \
				_c, 1));				\
	ASSERT_OK(vtd_fault_wait(self->fault_fd, _rec, WAIT_MS));	\
} while (0)

/*
 * The end of a DMA whose request the kernel answered for us: the device
 * was unplugged (ENODEV), or its HWPT was detached or replaced (EIO).
 */
#define expect_dma_unplugged(_job) EXPECT_ERR(ENODEV, dma_job_finish(_job))
#define expect_dma_detached(_job) EXPECT_ERR(EIO, dma_job_finish(_job))

/* A write straddling a hole: fault, fix, SUCCESS, the write completes */
TEST_F(vtd_iopf, rid_write_success)
{
	struct iommu_hwpt_pgfault rec;
	struct dma_job job;
	char buf[64];

	ASSERT_OK(vtd_dev_attach(self->dfd, 0, self->iopf));
	EXPECT_EQ(0x40, vtd_dma_peek(self->dfd, 0, IOVA(0)));
	memset(buf, 0xd7, sizeof(buf));
	ASSERT_OK(dma_job_start(&job, self->dfd, IOMMUFD_EMU_DMA_WRITE, 0,
				IOVA(FIRST_HOLE) - 32, buf, sizeof(buf)));
	ASSERT_OK(vtd_fault_wait(self->fault_fd, &rec, WAIT_MS));
	expect_request(&rec, FIRST_HOLE, IOMMU_PGFAULT_PERM_WRITE, 0);
	EXPECT_TRUE(dma_job_waiting(&job));

	guest_fix(FIRST_HOLE, FS_LEAF_RW);
	ASSERT_OK(mock_respond(self->fault_fd, rec.cookie,
			       IOMMUFD_PAGE_RESP_SUCCESS));
	ASSERT_OK(dma_job_finish(&job));
	EXPECT_EQ((char)0xd7, HOST(FIRST_HOLE - 1, PAGE_SIZE - 32));
	EXPECT_EQ((char)0xd7, HOST(FIRST_HOLE, 0));
	EXPECT_EQ((char)0xd7, HOST(FIRST_HOLE, 31));
	EXPECT_EQ(0x40 + FIRST_HOLE, HOST(FIRST_HOLE, 32));
	/* The retried walk set A and D in the fixed entry */
	EXPECT_EQ(FS_A | FS_D, vtd_pte_get(&self->g, IOVA(FIRST_HOLE), 1) &
		  (FS_A | FS_D));
	/* Nothing more in the queue */
	EXPECT_ERR(ETIMEDOUT, vtd_fault_wait(self->fault_fd, &rec, 0));
}

/* A PASID-tagged read answered INVALID fails with EIO */
TEST_F(vtd_iopf, pasid_read_invalid)
{
	struct iommu_hwpt_pgfault rec;
	struct dma_job job;
	char buf[16];

	ASSERT_OK(vtd_dev_attach(self->dfd, 0, self->parent));
	ASSERT_OK(vtd_dev_attach(self->dfd, 7, self->iopf));
	ASSERT_OK(dma_job_start(&job, self->dfd, IOMMUFD_EMU_DMA_PASID, 7,
				IOVA(FIRST_HOLE + 1) + 8, buf, sizeof(buf)));
	ASSERT_OK(vtd_fault_wait(self->fault_fd, &rec, WAIT_MS));
	expect_request(&rec, FIRST_HOLE + 1, IOMMU_PGFAULT_PERM_READ, 7);
	EXPECT_TRUE(dma_job_waiting(&job));
	ASSERT_OK(mock_respond(self->fault_fd, rec.cookie,
			       IOMMUFD_PAGE_RESP_INVALID));
	EXPECT_ERR(EIO, dma_job_finish(&job));
	EXPECT_ERR(ETIMEDOUT, vtd_fault_wait(self->fault_fd, &rec, 0));

	/* Fixed now, the same read works at once: no request */
	guest_fix(FIRST_HOLE + 1, FS_LEAF_RO);
	EXPECT_EQ(0x41 + FIRST_HOLE, vtd_dma_peek(self->dfd, 7,
						  IOVA(FIRST_HOLE + 1)));
	EXPECT_ERR(ETIMEDOUT, vtd_fault_wait(self->fault_fd, &rec, 0));
	/* The RID is on the parent, where the page does not exist */
	EXPECT_ERR(EIO, vtd_dma_peek(self->dfd, 0, IOVA(FIRST_HOLE + 1)));
}

/* SUCCESS without a fix: the retry faults again and the DMA fails */
TEST_F(vtd_iopf, success_unfixed)
{
	struct iommu_hwpt_pgfault rec;
	struct dma_job job;
	char buf[8];

	ASSERT_OK(vtd_dev_attach(self->dfd, 0, self->iopf));
	ASSERT_OK(dma_job_start(&job, self->dfd, 0, 0, IOVA(FIRST_HOLE + 2),
				buf, sizeof(buf)));
	ASSERT_OK(vtd_fault_wait(self->fault_fd, &rec, WAIT_MS));
	ASSERT_OK(mock_respond(self->fault_fd, rec.cookie,
			       IOMMUFD_PAGE_RESP_SUCCESS));
	EXPECT_ERR(EIO, dma_job_finish(&job));
	/* One request per page per DMA */
	EXPECT_ERR(ETIMEDOUT, vtd_fault_wait(self->fault_fd, &rec, 200));
}

/* An unknown response code is refused; the request stays to be answered */
TEST_F(vtd_iopf, bad_response)
{
	struct iommu_hwpt_pgfault rec;
	struct dma_job job;
	char c = 1;

	ASSERT_OK(vtd_dev_attach(self->dfd, 0, self->iopf));
	ASSERT_OK(dma_job_start(&job, self->dfd, IOMMUFD_EMU_DMA_WRITE, 0,
				IOVA(FIRST_HOLE), &c, 1));
	ASSERT_OK(vtd_fault_wait(self->fault_fd, &rec, WAIT_MS));
	EXPECT_ERR(EINVAL, mock_respond(self->fault_fd, rec.cookie,
					IOMMUFD_PAGE_RESP_INVALID + 1));
	EXPECT_TRUE(dma_job_waiting(&job));
	ASSERT_OK(mock_respond(self->fault_fd, rec.cookie,
			       IOMMUFD_PAGE_RESP_INVALID));
	EXPECT_ERR(EIO, dma_job_finish(&job));
	EXPECT_EQ(0x40 + FIRST_HOLE, HOST(FIRST_HOLE, 0));
}

/*
 * Read one whole page request group into @recs (room for @max records);
 * the number of records, or -errno (-ETIMEDOUT after @ms)
 */
static int fault_wait_group(int fault_fd, struct iommu_hwpt_pgfault *recs,
			    unsigned int max, int ms)
{
	struct pollfd pfd = { .fd = fault_fd, .events = POLLIN };
	ssize_t got;

	if (poll(&pfd, 1, ms) != 1)
		return -ETIMEDOUT;
	got = read(fault_fd, recs, max * sizeof(*recs));
	if (got < 0)
		return -errno;
	if (got % sizeof(*recs))
		return -EPROTO;
	return got / sizeof(*recs);
}

/*
 * Check that @_n records in @_recs are one group asking for pages
 * @_first and on with @_perm, the RID's: one grpid and one cookie, only
 * the last one closing the group
 */
#define expect_group(_recs, _n, _first, _perm) do {			\
	const struct iommu_hwpt_pgfault *__recs = (_recs);		\
	unsigned int __i, __n = (_n);					\
									\
	for (__i = 0; __i < __n; __i++) {				\
		const struct iommu_hwpt_pgfault *__r = &__recs[__i];	\
									\
		EXPECT_EQ(self->dev_id, __r->dev_id);			\
		EXPECT_EQ(IOVA((_first) + __i), __r->addr);		\
		EXPECT_EQ((__u32)(_perm), __r->perm);			\
		EXPECT_EQ(0, __r->pasid);				\
		EXPECT_EQ(__recs[0].grpid, __r->grpid);			\
		EXPECT_EQ(__recs[0].cookie, __r->cookie);		\
		EXPECT_EQ(__i + 1 == __n ?				\
			  IOMMU_PGFAULT_FLAGS_LAST_PAGE : 0, __r->flags); \
	}								\
} while (0)

/* The holes of the fixture: pages FIRST_HOLE to NPAGES - 1 */
#define NHOLES		(NPAGES - FIRST_HOLE)

/*
 * Start a read from 100 bytes before the first hole to 100 bytes into the
 * last one, into @_buf: it faults on every hole, which the device asks
 * for in one group, read into @_recs
 */
#define start_group_read(_job, _recs, _buf) do {			\
	struct iommu_hwpt_pgfault *__grp = (_recs);			\
	struct dma_job *__job = (_job);					\
									\
	ASSERT_OK(vtd_dev_attach(self->dfd, 0, self->iopf));		\
	ASSERT_OK(dma_job_start(__job, self->dfd, 0, 0,			\
				IOVA(FIRST_HOLE) - 100, _buf,		\
				(NHOLES - 1) * PAGE_SIZE + 200));	\
	ASSERT_EQ(NHOLES, fault_wait_group(self->fault_fd, __grp,	\
					   2 * NHOLES, WAIT_MS));	\
	expect_group(__grp, NHOLES, FIRST_HOLE, IOMMU_PGFAULT_PERM_READ); \
	EXPECT_TRUE(dma_job_waiting(__job));				\
} while (0)

/* Several holes in one transfer: one group, one answer, one retry */
TEST_F(vtd_iopf, group_success)
{
	static char buf[(NHOLES - 1) * PAGE_SIZE + 200];
	struct iommu_hwpt_pgfault recs[2 * NHOLES];
	struct dma_job job;
	unsigned int i;

	start_group_read(&job, recs, buf);
	for (i = FIRST_HOLE; i < NPAGES; i++)
		guest_fix(i, FS_LEAF_RO);
	ASSERT_OK(mock_respond(self->fault_fd, recs[0].cookie,
			       IOMMUFD_PAGE_RESP_SUCCESS));
	ASSERT_OK(dma_job_finish(&job));
	EXPECT_EQ(0x40 + FIRST_HOLE - 1, buf[0]);
	for (i = 0; i < NHOLES; i++)
		EXPECT_EQ(0x40 + FIRST_HOLE + i, buf[100 + i * PAGE_SIZE]);
	/* The group was answered whole: nothing else comes */
	EXPECT_ERR(ETIMEDOUT, vtd_fault_wait(self->fault_fd, recs, 200));
}

/*
 * A group only goes out whole: a buffer without room for all of it gets
 * nothing. An INVALID answer fails the DMA.
 */
TEST_F(vtd_iopf, group_invalid)
{
	static char buf[(NHOLES - 1) * PAGE_SIZE + 200];
	struct iommu_hwpt_pgfault recs[2 * NHOLES];
	struct dma_job job;

	ASSERT_OK(vtd_dev_attach(self->dfd, 0, self->iopf));
	ASSERT_OK(dma_job_start(&job, self->dfd, 0, 0, IOVA(FIRST_HOLE) - 100,
				buf, sizeof(buf)));
	EXPECT_ERR(EINVAL, vtd_fault_wait(self->fault_fd, recs, WAIT_MS));
	ASSERT_EQ(NHOLES, fault_wait_group(self->fault_fd, recs,
					   2 * NHOLES, WAIT_MS));
	expect_group(recs, NHOLES, FIRST_HOLE, IOMMU_PGFAULT_PERM_READ);
	ASSERT_OK(mock_respond(self->fault_fd, recs[0].cookie,
			       IOMMUFD_PAGE_RESP_INVALID));
	EXPECT_ERR(EIO, dma_job_finish(&job));
	EXPECT_ERR(ETIMEDOUT, vtd_fault_wait(self->fault_fd, recs, 0));
}

/*
 * SUCCESS with one page of the group left unfixed: the retry faults on a
 * page the group asked for, which is final (EIO, no other request); the
 * pages before it were written
 */
TEST_F(vtd_iopf, group_success_partly_fixed)
{
	static char buf[NHOLES * PAGE_SIZE];
	struct iommu_hwpt_pgfault recs[2 * NHOLES];
	struct dma_job job;

	memset(buf, 0x5a, sizeof(buf));
	ASSERT_OK(vtd_dev_attach(self->dfd, 0, self->iopf));
	ASSERT_OK(dma_job_start(&job, self->dfd, IOMMUFD_EMU_DMA_WRITE, 0,
				IOVA(FIRST_HOLE), buf, sizeof(buf)));
	ASSERT_EQ(NHOLES, fault_wait_group(self->fault_fd, recs,
					   2 * NHOLES, WAIT_MS));
	expect_group(recs, NHOLES, FIRST_HOLE, IOMMU_PGFAULT_PERM_WRITE);
	guest_fix(FIRST_HOLE, FS_LEAF_RW);
	guest_fix(FIRST_HOLE + 1, FS_LEAF_RW);
	guest_fix(FIRST_HOLE + 3, FS_LEAF_RW);
	ASSERT_OK(mock_respond(self->fault_fd, recs[0].cookie,
			       IOMMUFD_PAGE_RESP_SUCCESS));
	EXPECT_ERR(EIO, dma_job_finish(&job));
	EXPECT_EQ(0x5a, HOST(FIRST_HOLE, 0));
	EXPECT_EQ(0x5a, HOST(FIRST_HOLE + 1, PAGE_SIZE - 1));
	EXPECT_EQ(0x40 + FIRST_HOLE + 3, HOST(FIRST_HOLE + 3, 0));
	EXPECT_ERR(ETIMEDOUT, vtd_fault_wait(self->fault_fd, recs, 200));
}

/*
 * Hole, present page, hole in one read: the look-ahead stops at the
 * present page, so the holes come as two groups in sequence
 */
TEST_F(vtd_iopf, group_split_by_present_page)
{
	static char buf[2 * PAGE_SIZE + 200];
	struct iommu_hwpt_pgfault recs[4];
	struct dma_job job;
	unsigned int i;

	ASSERT_OK(vtd_dev_attach(self->dfd, 0, self->iopf));
	guest_fix(FIRST_HOLE + 1, FS_LEAF_RO);
	ASSERT_OK(dma_job_start(&job, self->dfd, 0, 0, IOVA(FIRST_HOLE) - 100,
				buf, sizeof(buf)));
	ASSERT_EQ(1, fault_wait_group(self->fault_fd, recs, 4, WAIT_MS));
	expect_group(recs, 1, FIRST_HOLE, IOMMU_PGFAULT_PERM_READ);
	EXPECT_TRUE(dma_job_waiting(&job));
	guest_fix(FIRST_HOLE, FS_LEAF_RO);
	ASSERT_OK(mock_respond(self->fault_fd, recs[0].cookie,
			       IOMMUFD_PAGE_RESP_SUCCESS));

	ASSERT_EQ(1, fault_wait_group(self->fault_fd, recs, 4, WAIT_MS));
	expect_group(recs, 1, FIRST_HOLE + 2, IOMMU_PGFAULT_PERM_READ);
	EXPECT_TRUE(dma_job_waiting(&job));
	guest_fix(FIRST_HOLE + 2, FS_LEAF_RO);
	ASSERT_OK(mock_respond(self->fault_fd, recs[0].cookie,
			       IOMMUFD_PAGE_RESP_SUCCESS));
	ASSERT_OK(dma_job_finish(&job));
	EXPECT_EQ(0x40 + FIRST_HOLE - 1, buf[0]);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0x40 + FIRST_HOLE + i, buf[100 + i * PAGE_SIZE]);
	EXPECT_ERR(ETIMEDOUT, vtd_fault_wait(self->fault_fd, recs, 200));
}

/*
 * 17 holes in a row in a transfer that starts inside a page: a group asks
 * for at most 16 pages, so the 17th comes in a group of its own
 */
TEST_F(vtd_iopf, group_at_most_sixteen)
{
	static char buf[16 * PAGE_SIZE];
	struct iommu_hwpt_pgfault recs[32];
	struct dma_job job;
	unsigned int i;

	ASSERT_OK(vtd_dev_attach(self->dfd, 0, self->iopf));
	ASSERT_OK(dma_job_start(&job, self->dfd, 0, 0, IOVA(FIRST_HOLE) + 100,
				buf, sizeof(buf)));
	ASSERT_EQ(16, fault_wait_group(self->fault_fd, recs, 32, WAIT_MS));
	expect_group(recs, 16, FIRST_HOLE, IOMMU_PGFAULT_PERM_READ);
	EXPECT_TRUE(dma_job_waiting(&job));
	/* Past the fixture's data, the pages reuse it */
	for (i = FIRST_HOLE; i < FIRST_HOLE + 16; i++)
		ASSERT_OK(vtd_guest_map(&self->g, IOVA(i), DATA_GPA(i % NPAGES),
					PAGE_SIZE, FS_LEAF_RO));
	ASSERT_OK(vtd_invalidate_all(self->fd, self->iopf));
	ASSERT_OK(mock_respond(self->fault_fd, recs[0].cookie,
			       IOMMUFD_PAGE_RESP_SUCCESS));

	ASSERT_EQ(1, fault_wait_group(self->fault_fd, recs, 32, WAIT_MS));
	expect_group(recs, 1, FIRST_HOLE + 16, IOMMU_PGFAULT_PERM_READ);
	EXPECT_TRUE(dma_job_waiting(&job));
	ASSERT_OK(vtd_guest_map(&self->g, IOVA(FIRST_HOLE + 16),
				DATA_GPA((FIRST_HOLE + 16) % NPAGES), PAGE_SIZE,
				FS_LEAF_RO));
	ASSERT_OK(vtd_invalidate_all(self->fd, self->iopf));
	ASSERT_OK(mock_respond(self->fault_fd, recs[0].cookie,
			       IOMMUFD_PAGE_RESP_SUCCESS));
	ASSERT_OK(dma_job_finish(&job));
	EXPECT_EQ(0x40 + FIRST_HOLE, buf[0]);
	for (i = 1; i <= 16; i++)
		EXPECT_EQ(0x40 + (FIRST_HOLE + i) % NPAGES,
			  buf[i * PAGE_SIZE - 100]);
	EXPECT_ERR(ETIMEDOUT, vtd_fault_wait(self->fault_fd, recs, 200));
}

/*
 * A write over a hole and a present page: the look-ahead probes the
 * present page for reading only, so when the group is refused that page,
 * never written, is accessed but not dirty
 */
TEST_F(vtd_iopf, lookahead_sets_no_dirty_bit)
{
	static char buf[PAGE_SIZE + 100];
	struct iommu_hwpt_pgfault recs[4];
	struct dma_job job;

	ASSERT_OK(vtd_dev_attach(self->dfd, 0, self->iopf));
	guest_fix(FIRST_HOLE + 1, FS_LEAF_RW);
	memset(buf, 0x33, sizeof(buf));
	ASSERT_OK(dma_job_start(&job, self->dfd, IOMMUFD_EMU_DMA_WRITE, 0,
				IOVA(FIRST_HOLE), buf, sizeof(buf)));
	ASSERT_EQ(1, fault_wait_group(self->fault_fd, recs, 4, WAIT_MS));
	expect_group(recs, 1, FIRST_HOLE, IOMMU_PGFAULT_PERM_WRITE);
	ASSERT_OK(mock_respond(self->fault_fd, recs[0].cookie,
			       IOMMUFD_PAGE_RESP_INVALID));
	EXPECT_ERR(EIO, dma_job_finish(&job));
	EXPECT_EQ(FS_A, vtd_pte_get(&self->g, IOVA(FIRST_HOLE + 1), 1) &
		  (FS_A | FS_D));
	EXPECT_EQ(0x40 + FIRST_HOLE + 1, HOST(FIRST_HOLE + 1, 0));
}

/*
 * Closing the fault fd leaves a group read but unanswered waiting, as
 * upstream does; detaching answers it, and the queue goes with its HWPT
 */
TEST_F(vtd_iopf, group_fault_fd_closed)
{
	static char buf[(NHOLES - 1) * PAGE_SIZE + 200];
	struct iommu_hwpt_pgfault recs[2 * NHOLES];
	struct dma_job job;

	start_group_read(&job, recs, buf);
	close(self->fault_fd);
	self->fault_fd = -1;
	EXPECT_TRUE(dma_job_waiting(&job));
	ASSERT_OK(vtd_dev_detach(self->dfd, 0));
	EXPECT_ERR(EIO, dma_job_finish(&job));
	EXPECT_OK(emu_destroy(self->fd, self->iopf));
	EXPECT_OK(emu_destroy(self->fd, self->fault_id));
}

/* Unplugging the device while its DMA waits for a group */
TEST_F(vtd_iopf, group_unplugged)
{
	static char buf[(NHOLES - 1) * PAGE_SIZE + 200];
	struct iommu_hwpt_pgfault recs[2 * NHOLES];
	struct dma_job job;

	start_group_read(&job, recs, buf);
	ASSERT_OK(emu_cfs_write("devices", DEV, "enable", "0"));
	expect_dma_unplugged(&job);
	EXPECT_ERR(EINVAL, mock_respond(self->fault_fd, recs[0].cookie,
					IOMMUFD_PAGE_RESP_SUCCESS));
	EXPECT_OK(emu_destroy(self->fd, self->iopf));
}

/* A write to a read-only page is a permission fault: a request as well */
TEST_F(vtd_iopf, write_to_readonly)
{
	struct iommu_hwpt_pgfault rec;
	struct dma_job job;
	char c = 0x6b;

	ASSERT_OK(vtd_guest_map(&self->g, IOVA(2), DATA_GPA(2), PAGE_SIZE,
				FS_LEAF_RO));
	ASSERT_OK(vtd_dev_attach(self->dfd, 0, self->iopf));
	ASSERT_OK(dma_job_start(&job, self->dfd, IOMMUFD_EMU_DMA_WRITE, 0,
				IOVA(2) + 5, &c, 1));
	ASSERT_OK(vtd_fault_wait(self->fault_fd, &rec, WAIT_MS));
	expect_request(&rec, 2, IOMMU_PGFAULT_PERM_WRITE, 0);
	guest_fix(2, FS_LEAF_RW);
	ASSERT_OK(mock_respond(self->fault_fd, rec.cookie,
			       IOMMUFD_PAGE_RESP_SUCCESS));
	ASSERT_OK(dma_job_finish(&job));
	EXPECT_EQ(0x6b, HOST(2, 5));
}

/* Without a fault queue a hole is a plain fault */
TEST_F(vtd_iopf, no_queue)
{
	struct iommu_hwpt_pgfault rec;

	ASSERT_OK(vtd_dev_attach(self->dfd, 0, self->plain));
	EXPECT_ERR(EIO, vtd_dma_peek(self->dfd, 0, IOVA(FIRST_HOLE)));
	EXPECT_ERR(ETIMEDOUT, vtd_fault_wait(self->fault_fd, &rec, 100));
}

/* A signal ends the wait with EINTR */
TEST_F(vtd_iopf, interrupted)
{
	struct sigaction sa = { .sa_handler = nop_handler };
	struct iommu_hwpt_pgfault rec;
	struct dma_job job;
	char c;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	start_faulting_read(&job, &rec, &c);
	EXPECT_TRUE(dma_job_waiting(&job));
	ASSERT_EQ(0, pthread_kill(job.thread, SIGUSR1));
	EXPECT_ERR(EINTR, dma_job_finish(&job));
	/* A late answer harms nobody; the device works on */
	mock_respond(self->fault_fd, rec.cookie, IOMMUFD_PAGE_RESP_INVALID);
	EXPECT_EQ(0x40, vtd_dma_peek(self->dfd, 0, IOVA(0)));
}

/* Replace and detach while a DMA waits answer its request */
TEST_F(vtd_iopf, detach_while_waiting)
{
	struct iommu_hwpt_pgfault rec;
	struct dma_job job;
	char c;

	start_faulting_read(&job, &rec, &c);
	ASSERT_OK(vtd_dev_attach(self->dfd, 0, self->plain));
	expect_dma_detached(&job);
	start_faulting_read(&job, &rec, &c);
	ASSERT_OK(vtd_dev_detach(self->dfd, 0));
	expect_dma_detached(&job);
	/* Nothing waits any more: the HWPT can go */
	EXPECT_OK(emu_destroy(self->fd, self->iopf));
}

/*
 * A sub-device's request names the sub-device and carries no PASID: its
 * PASID is the platform's business, not its user's
 */
TEST_F(vtd_iopf, subdev_request)
{
	struct iommu_hwpt_pgfault rec;
	struct dma_job job;
	__u32 sub_id;
	char c = 0x3c;
	int sub;

	ASSERT_OK(vtd_make_subdev(SUB, DEV, 0, 0));
	sub = vtd_dev_open_bind(SUB, self->fd, &sub_id);
	ASSERT_LE(0, sub);
	ASSERT_OK(vtd_dev_attach(sub, 0, self->iopf));
	ASSERT_OK(dma_job_start(&job, sub, IOMMUFD_EMU_DMA_WRITE, 0,
				IOVA(FIRST_HOLE + 3) + 7, &c, 1));
	ASSERT_OK(vtd_fault_wait(self->fault_fd, &rec, WAIT_MS));
	EXPECT_EQ(sub_id, rec.dev_id);
	EXPECT_EQ(IOMMU_PGFAULT_FLAGS_LAST_PAGE, rec.flags);
	EXPECT_EQ(0, rec.pasid);
	EXPECT_EQ(IOVA(FIRST_HOLE + 3), rec.addr);
	EXPECT_EQ(IOMMU_PGFAULT_PERM_WRITE, rec.perm);
	guest_fix(FIRST_HOLE + 3, FS_LEAF_RW);
	ASSERT_OK(mock_respond(self->fault_fd, rec.cookie,
			       IOMMUFD_PAGE_RESP_SUCCESS));
	ASSERT_OK(dma_job_finish(&job));
	EXPECT_EQ(0x3c, HOST(FIRST_HOLE + 3, 7));
	close(sub);
}

/* Unplugging the device while its DMA waits */
TEST_F(vtd_iopf, unplug_while_waiting)
{
	struct iommu_hwpt_pgfault rec;
	struct dma_job job;
	char c;

	start_faulting_read(&job, &rec, &c);
	ASSERT_OK(emu_cfs_write("devices", DEV, "enable", "0"));
	expect_dma_unplugged(&job);
	EXPECT_ERR(ENODEV, vtd_dma_peek(self->dfd, 0, IOVA(0)));
	EXPECT_OK(emu_destroy(self->fd, self->iopf));
}

/*
 * Unplugging one device of a group while its DMA waits, with the other
 * still attached to the same HWPT: the attachment stays, but the request
 * of the device that left is answered (its cookie is dead), so nothing is
 * left pointing at the removed device.
 */
TEST_F(vtd_iopf, unplug_one_of_a_group_while_waiting)
{
	struct iommu_hwpt_pgfault rec;
	__u32 a_id, b_id;
	struct dma_job job;
	int a, b;
	char c;

	ASSERT_OK(vtd_make_dev(GRP_A, INST, 0x60, GRP_TAG, 0));
	ASSERT_OK(vtd_make_dev(GRP_B, INST, 0x61, GRP_TAG, 0));
	a = vtd_dev_open_bind(GRP_A, self->fd, &a_id);
	ASSERT_LE(0, a);
	b = vtd_dev_open_bind(GRP_B, self->fd, &b_id);
	ASSERT_LE(0, b);
	ASSERT_OK(vtd_dev_attach(a, 0, self->iopf));
	ASSERT_OK(vtd_dev_attach(b, 0, self->iopf));
	ASSERT_OK(dma_job_start(&job, a, 0, 0, IOVA(FIRST_HOLE), &c, 1));
	ASSERT_OK(vtd_fault_wait(self->fault_fd, &rec, WAIT_MS));
	EXPECT_EQ(a_id, rec.dev_id);

	ASSERT_OK(emu_cfs_write("devices", GRP_A, "enable", "0"));
	expect_dma_unplugged(&job);
	EXPECT_ERR(EINVAL, mock_respond(self->fault_fd, rec.cookie,
					IOMMUFD_PAGE_RESP_SUCCESS));
	/* The other member still translates through the HWPT */
	EXPECT_EQ(0x40, vtd_dma_peek(b, 0, IOVA(0)));
	close(a);
	close(b);
}

TEST_HARNESS_MAIN
