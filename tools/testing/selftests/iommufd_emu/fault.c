// SPDX-License-Identifier: GPL-2.0
/*
 * Fault queues (IOMMU_FAULT_QUEUE_ALLOC) and page requests of mock devices.
 *
 * A HWPT allocated with IOMMU_HWPT_FAULT_ID_VALID sends the page requests
 * that reach its domain to the fault queue. IOMMU_TEST_OP_TRIGGER_IOPF makes
 * a mock device send one request that closes its group; userspace reads it
 * from the queue's fd as a struct iommu_hwpt_pgfault and answers it by
 * cookie with a struct iommu_hwpt_page_response. A group still unanswered
 * when its HWPT is detached or replaced is answered by the kernel and
 * withdrawn from the queue.
 */
#include <fcntl.h>

#include "mock_ops.h"

#define REC_SIZE	sizeof(struct iommu_hwpt_pgfault)
#define RESP_SIZE	sizeof(struct iommu_hwpt_page_response)
#define PERM_RW		(IOMMU_PGFAULT_PERM_READ | IOMMU_PGFAULT_PERM_WRITE)
#define FAULT_ADDR	0x123456789000ULL

/*
 * One mock device with PASIDs, attached to a nested HWPT connected to the
 * fault queue; a second nested HWPT, a PASID-compatible paging HWPT with
 * the same queue, and one without a queue are ready for replacing.
 */
FIXTURE(fault)
{
	int fd;
	const char *skip;
	__u32 ioas_id;
	__u32 stdev_id;
	__u32 idev_id;
	__u32 parent_id;
	__u32 fault_id;
	int fault_fd;
	__u32 iopf_id;		/* nested, with the queue: the device is here */
	__u32 iopf2_id;		/* nested, with the queue */
	__u32 paging_iopf_id;	/* paging, with the queue */
	__u32 plain_id;		/* nested, no queue */
};

FIXTURE_SETUP(fault)
{
	self->fd = emu_open();
	ASSERT_LE(0, self->fd);
	self->fault_fd = -1;
	self->skip = mock_nesting_missing(self->fd);
	if (self->skip)
		return;
	test_ioctl_ioas_alloc(&self->ioas_id);
	test_mock_dev_add(self->ioas_id, MOCK_FLAGS_DEVICE_PASID,
			  &self->stdev_id, NULL, &self->idev_id);
	test_hwpt_alloc(self->idev_id, self->ioas_id,
			IOMMU_HWPT_ALLOC_NEST_PARENT, &self->parent_id);
	test_fault_alloc(&self->fault_id, &self->fault_fd);
	ASSERT_OK(mock_nested_alloc_fault(self->fd, self->idev_id,
					  self->parent_id,
					  IOMMU_HWPT_ALLOC_PASID,
					  self->fault_id, &self->iopf_id));
	ASSERT_OK(mock_nested_alloc_fault(self->fd, self->idev_id,
					  self->parent_id,
					  IOMMU_HWPT_ALLOC_PASID,
					  self->fault_id, &self->iopf2_id));
	ASSERT_OK(mock_hwpt_alloc_full(self->fd, self->idev_id, self->ioas_id,
				       IOMMU_HWPT_FAULT_ID_VALID |
				       IOMMU_HWPT_ALLOC_PASID,
				       self->fault_id, IOMMU_HWPT_DATA_NONE,
				       NULL, 0, &self->paging_iopf_id));
	test_nested_alloc(self->idev_id, self->parent_id,
			  IOMMU_HWPT_ALLOC_PASID, IOMMU_TEST_IOTLB_DEFAULT,
			  &self->plain_id);
	test_mock_replace(self->stdev_id, self->iopf_id);
}

FIXTURE_TEARDOWN(fault)
{
	if (self->fault_fd >= 0)
		close(self->fault_fd);
	close(self->fd);
}

TEST_F(fault, alloc)
{
	struct iommu_fault_alloc cmd = { .size = sizeof(cmd) };
	__u32 id;
	int qfd;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_fault_alloc(&id, &qfd);
	ASSERT_NE(0, id);
	ASSERT_LE(0, qfd);
	ASSERT_EQ(FD_CLOEXEC, fcntl(qfd, F_GETFD) & FD_CLOEXEC);
	/* An empty queue reads nothing and is writable only */
	ASSERT_EQ(0, mock_read_faults(qfd, NULL, 0));
	ASSERT_FALSE(mock_fault_pending(qfd));

	/* The open fd keeps the object */
	test_err_destroy(EBUSY, id);
	close(qfd);
	test_ioctl_destroy(id);
	test_err_destroy(ENOENT, id);

	cmd.flags = 1;
	ASSERT_ERR(EOPNOTSUPP, emu_ioctl(self->fd, IOMMU_FAULT_QUEUE_ALLOC,
					 &cmd));
}

/* The queue outlives its fd, and an fd keeps the context alive */
TEST_F(fault, fd_lifetimes)
{
	struct pollfd pfd;
	__u32 id;
	int qfd;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_fault_alloc(&id, &qfd);
	pfd.fd = qfd;
	pfd.events = POLLIN | POLLOUT;
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	ASSERT_EQ(POLLOUT, pfd.revents);

	/* Close the context first: the queue fd still works */
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, mock_read_faults(qfd, NULL, 0));
	close(qfd);
}

TEST_F(fault, hwpt_alloc_fault_id)
{
	struct iommu_hwpt_selftest data = { .iotlb = 1 };
	__u32 id;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	/* FAULT_ID_VALID needs a fault queue */
	ASSERT_ERR(ENOENT, mock_nested_alloc_fault(self->fd, self->idev_id,
						   self->parent_id, 0,
						   MOCK_NO_SUCH_ID, NULL));
	ASSERT_ERR(ENOENT, mock_nested_alloc_fault(self->fd, self->idev_id,
						   self->parent_id, 0,
						   self->ioas_id, NULL));
	/* A nesting parent never takes page requests itself */
	ASSERT_ERR(EOPNOTSUPP,
		   mock_hwpt_alloc_full(self->fd, self->idev_id, self->ioas_id,
					IOMMU_HWPT_FAULT_ID_VALID |
					IOMMU_HWPT_ALLOC_NEST_PARENT,
					self->fault_id, IOMMU_HWPT_DATA_NONE,
					NULL, 0, NULL));
	/* Without the flag, fault_id is not looked at */
	ASSERT_OK(mock_hwpt_alloc_full(self->fd, self->idev_id,
				       self->parent_id, 0, MOCK_NO_SUCH_ID,
				       IOMMU_HWPT_DATA_SELFTEST, &data,
				       sizeof(data), &id));
	test_ioctl_destroy(id);

	/* HWPTs hold their queue */
	close(self->fault_fd);
	self->fault_fd = -1;
	test_err_destroy(EBUSY, self->fault_id);
	test_mock_replace(self->stdev_id, self->ioas_id);
	test_ioctl_destroy(self->iopf_id);
	test_ioctl_destroy(self->iopf2_id);
	test_err_destroy(EBUSY, self->fault_id);
	test_ioctl_destroy(self->paging_iopf_id);
	test_ioctl_destroy(self->fault_id);
}

/* One request: its record, and its answer */
TEST_F(fault, deliver_and_respond)
{
	struct iommu_hwpt_pgfault rec[2] = {};

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_trigger_iopf(self->idev_id, 0, 7, PERM_RW, FAULT_ADDR);
	ASSERT_TRUE(mock_fault_pending(self->fault_fd));
	ASSERT_EQ(1, mock_read_faults(self->fault_fd, rec, 2));
	EXPECT_EQ(IOMMU_PGFAULT_FLAGS_LAST_PAGE, rec[0].flags);
	EXPECT_EQ(self->idev_id, rec[0].dev_id);
	EXPECT_EQ(0, rec[0].pasid);
	EXPECT_EQ(7, rec[0].grpid);
	EXPECT_EQ(PERM_RW, rec[0].perm);
	EXPECT_EQ(FAULT_ADDR, rec[0].addr);
	EXPECT_EQ(0, rec[0].length);
	EXPECT_NE(0, rec[0].cookie);
	ASSERT_FALSE(mock_fault_pending(self->fault_fd));
	ASSERT_EQ(0, mock_read_faults(self->fault_fd, rec, 2));

	ASSERT_OK(mock_respond(self->fault_fd, rec[0].cookie,
			       IOMMUFD_PAGE_RESP_SUCCESS));
	/* Answered once only */
	ASSERT_ERR(EINVAL, mock_respond(self->fault_fd, rec[0].cookie,
					IOMMUFD_PAGE_RESP_SUCCESS));

	/* Every permission bit makes it through */
	test_trigger_iopf(self->idev_id, 0, 1,
			  IOMMU_PGFAULT_PERM_EXEC | IOMMU_PGFAULT_PERM_PRIV,
			  0);
	ASSERT_EQ(1, mock_read_faults(self->fault_fd, rec, 1));
	EXPECT_EQ(IOMMU_PGFAULT_PERM_EXEC | IOMMU_PGFAULT_PERM_PRIV,
		  rec[0].perm);
	ASSERT_OK(mock_respond(self->fault_fd, rec[0].cookie,
			       IOMMUFD_PAGE_RESP_INVALID));
}

/* Several groups read and answered in one call each */
TEST_F(fault, batches)
{
	struct iommu_hwpt_pgfault rec[4] = {};
	struct iommu_hwpt_page_response resp[3] = {};
	int i;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	for (i = 0; i < 3; i++)
		test_trigger_iopf(self->idev_id, 0, i, PERM_RW,
				  FAULT_ADDR + i * PAGE_SIZE);
	ASSERT_EQ(3, mock_read_faults(self->fault_fd, rec, 4));
	for (i = 0; i < 3; i++) {
		/* In the order they came, each with a cookie of its own */
		EXPECT_EQ(i, rec[i].grpid);
		EXPECT_EQ(FAULT_ADDR + i * PAGE_SIZE, rec[i].addr);
		if (i)
			EXPECT_NE(rec[i - 1].cookie, rec[i].cookie);
		resp[i].cookie = rec[i].cookie;
		resp[i].code = IOMMUFD_PAGE_RESP_SUCCESS;
	}
	ASSERT_EQ(sizeof(resp), write(self->fault_fd, resp, sizeof(resp)));

	/* A read takes as many whole groups as fit */
	for (i = 0; i < 3; i++)
		test_trigger_iopf(self->idev_id, 0, i, PERM_RW, FAULT_ADDR);
	ASSERT_EQ(2, mock_read_faults(self->fault_fd, rec, 2));
	ASSERT_EQ(1, mock_read_faults(self->fault_fd, rec + 2, 2));
	/* A write stops at the first bad answer, reporting what it did */
	resp[0].cookie = rec[0].cookie;
	resp[1].cookie = 0;
	resp[2].cookie = rec[2].cookie;
	ASSERT_EQ(RESP_SIZE, write(self->fault_fd, resp, sizeof(resp)));
	ASSERT_OK(mock_respond(self->fault_fd, rec[1].cookie,
			       IOMMUFD_PAGE_RESP_SUCCESS));
	ASSERT_OK(mock_respond(self->fault_fd, rec[2].cookie,
			       IOMMUFD_PAGE_RESP_SUCCESS));
}

TEST_F(fault, read_write_errors)
{
	struct iommu_hwpt_pgfault rec[2] = {};
	struct iommu_hwpt_page_response resp = {};
	__u8 raw[2 * REC_SIZE];
	void *bad;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	bad = mmap(NULL, PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	ASSERT_NE(MAP_FAILED, bad);
	test_trigger_iopf(self->idev_id, 0, 3, PERM_RW, FAULT_ADDR);

	/* Whole records only, from offset 0 */
	ASSERT_EQ(-1, read(self->fault_fd, raw, REC_SIZE - 1));
	ASSERT_EQ(ESPIPE, errno);
	ASSERT_EQ(-1, read(self->fault_fd, raw, REC_SIZE + 1));
	ASSERT_EQ(ESPIPE, errno);
	ASSERT_EQ(-1, pread(self->fault_fd, raw, REC_SIZE, REC_SIZE));
	ASSERT_EQ(ESPIPE, errno);
	/* No room for the waiting group */
	ASSERT_EQ(-1, read(self->fault_fd, raw, 0));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, read(self->fault_fd, bad, REC_SIZE));
	ASSERT_EQ(EFAULT, errno);
	/* None of it lost the group */
	ASSERT_TRUE(mock_fault_pending(self->fault_fd));
	ASSERT_EQ(1, mock_read_faults(self->fault_fd, rec, 2));

	ASSERT_EQ(-1, write(self->fault_fd, &resp, RESP_SIZE - 1));
	ASSERT_EQ(ESPIPE, errno);
	ASSERT_EQ(-1, pwrite(self->fault_fd, &resp, RESP_SIZE, RESP_SIZE));
	ASSERT_EQ(ESPIPE, errno);
	ASSERT_EQ(-1, write(self->fault_fd, bad, RESP_SIZE));
	ASSERT_EQ(EFAULT, errno);
	resp.cookie = rec[0].cookie;
	resp.code = IOMMUFD_PAGE_RESP_INVALID + 1;
	ASSERT_ERR(EINVAL, mock_respond(self->fault_fd, resp.cookie,
					resp.code));
	ASSERT_ERR(EINVAL, mock_respond(self->fault_fd, rec[0].cookie + 100,
					IOMMUFD_PAGE_RESP_SUCCESS));
	/* The group still waits for its answer */
	ASSERT_OK(mock_respond(self->fault_fd, rec[0].cookie,
			       IOMMUFD_PAGE_RESP_SUCCESS));

	/* Unknown devices, and devices that are not mock devices */
	ASSERT_ERR(ENOENT, mock_trigger_iopf(self->fd, MOCK_NO_SUCH_ID, 0, 0,
					     PERM_RW, 0));
	ASSERT_ERR(ENOENT, mock_trigger_iopf(self->fd, self->stdev_id, 0, 0,
					     PERM_RW, 0));
	munmap(bad, PAGE_SIZE);
}

/*
 * PASIDs: an attached PASID's HWPT takes its requests; without one, the
 * mock's user-owned PASID table sends them to the nested HWPT on the RID.
 */
TEST_F(fault, pasid_routing)
{
	struct iommu_hwpt_pgfault rec[2] = {};

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_trigger_iopf(self->idev_id, 5, 0, PERM_RW, FAULT_ADDR);
	ASSERT_EQ(1, mock_read_faults(self->fault_fd, rec, 2));
	EXPECT_EQ(IOMMU_PGFAULT_FLAGS_LAST_PAGE |
		  IOMMU_PGFAULT_FLAGS_PASID_VALID, rec[0].flags);
	EXPECT_EQ(5, rec[0].pasid);
	ASSERT_OK(mock_respond(self->fault_fd, rec[0].cookie,
			       IOMMUFD_PAGE_RESP_SUCCESS));

	/* PASID 5 on a HWPT without a queue: nothing reaches the queue */
	test_pasid_attach(self->stdev_id, 5, self->plain_id);
	test_trigger_iopf(self->idev_id, 5, 0, PERM_RW, FAULT_ADDR);
	ASSERT_FALSE(mock_fault_pending(self->fault_fd));
	/* and PASID 6 still goes to the RID's */
	test_trigger_iopf(self->idev_id, 6, 0, PERM_RW, FAULT_ADDR);
	ASSERT_EQ(1, mock_read_faults(self->fault_fd, rec, 2));
	EXPECT_EQ(6, rec[0].pasid);
	ASSERT_OK(mock_respond(self->fault_fd, rec[0].cookie,
			       IOMMUFD_PAGE_RESP_SUCCESS));

	/* A PASID on a HWPT with a queue */
	test_pasid_replace(self->stdev_id, 5, self->paging_iopf_id);
	test_trigger_iopf(self->idev_id, 5, 9, PERM_RW, FAULT_ADDR);
	ASSERT_EQ(1, mock_read_faults(self->fault_fd, rec, 2));
	EXPECT_EQ(5, rec[0].pasid);
	EXPECT_EQ(9, rec[0].grpid);
	EXPECT_EQ(self->idev_id, rec[0].dev_id);
	ASSERT_OK(mock_respond(self->fault_fd, rec[0].cookie,
			       IOMMUFD_PAGE_RESP_SUCCESS));
	test_pasid_detach(self->stdev_id, 5);

	/*
	 * A paging HWPT on the RID is no PASID table: requests with a PASID
	 * that has no attachment are refused, those without still arrive.
	 */
	test_mock_replace(self->stdev_id, self->paging_iopf_id);
	test_trigger_iopf(self->idev_id, 5, 0, PERM_RW, FAULT_ADDR);
	ASSERT_FALSE(mock_fault_pending(self->fault_fd));
	test_trigger_iopf(self->idev_id, 0, 0, PERM_RW, FAULT_ADDR);
	ASSERT_EQ(1, mock_read_faults(self->fault_fd, rec, 2));
	ASSERT_OK(mock_respond(self->fault_fd, rec[0].cookie,
			       IOMMUFD_PAGE_RESP_SUCCESS));

	/* No queue on the RID: nothing at all */
	test_mock_replace(self->stdev_id, self->plain_id);
	test_trigger_iopf(self->idev_id, 0, 0, PERM_RW, FAULT_ADDR);
	test_trigger_iopf(self->idev_id, 5, 0, PERM_RW, FAULT_ADDR);
	ASSERT_FALSE(mock_fault_pending(self->fault_fd));
}

/* Leaving an attachment answers what it left unanswered */
TEST_F(fault, auto_response)
{
	struct iommu_hwpt_pgfault rec[4] = {};

	if (self->skip)
		SKIP(return, "%s", self->skip);
	/* Unread: withdrawn from the queue on replace */
	test_trigger_iopf(self->idev_id, 0, 1, PERM_RW, FAULT_ADDR);
	test_mock_replace(self->stdev_id, self->iopf2_id);
	ASSERT_FALSE(mock_fault_pending(self->fault_fd));

	/* Read but not answered: the cookie is dead after the replace */
	test_trigger_iopf(self->idev_id, 0, 2, PERM_RW, FAULT_ADDR);
	ASSERT_EQ(1, mock_read_faults(self->fault_fd, rec, 4));
	test_mock_replace(self->stdev_id, self->paging_iopf_id);
	ASSERT_ERR(EINVAL, mock_respond(self->fault_fd, rec[0].cookie,
					IOMMUFD_PAGE_RESP_SUCCESS));

	/*
	 * Only the attachment that left: a request for the new HWPT on the
	 * same queue stays, with PASID attachments of their own.
	 */
	test_pasid_attach(self->stdev_id, 8, self->iopf_id);
	test_trigger_iopf(self->idev_id, 8, 3, PERM_RW, FAULT_ADDR);
	test_trigger_iopf(self->idev_id, 0, 4, PERM_RW, FAULT_ADDR);
	test_pasid_detach(self->stdev_id, 8);
	ASSERT_EQ(1, mock_read_faults(self->fault_fd, rec, 4));
	EXPECT_EQ(4, rec[0].grpid);
	EXPECT_EQ(0, rec[0].flags & IOMMU_PGFAULT_FLAGS_PASID_VALID);
	ASSERT_OK(mock_respond(self->fault_fd, rec[0].cookie,
			       IOMMUFD_PAGE_RESP_SUCCESS));

	/* Destroying the device detaches it: its groups are answered */
	test_trigger_iopf(self->idev_id, 0, 5, PERM_RW, FAULT_ADDR);
	test_ioctl_destroy(self->stdev_id);
	ASSERT_FALSE(mock_fault_pending(self->fault_fd));
}

/* Groups pending when everything is closed are answered, without a trace */
TEST_F(fault, close_pending)
{
	struct iommu_hwpt_pgfault rec[1];

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_trigger_iopf(self->idev_id, 0, 1, PERM_RW, FAULT_ADDR);
	test_trigger_iopf(self->idev_id, 0, 2, PERM_RW, FAULT_ADDR);
	ASSERT_EQ(1, mock_read_faults(self->fault_fd, rec, 1));
	/* The teardown closes the queue fd, then the context */
}

TEST_HARNESS_MAIN
