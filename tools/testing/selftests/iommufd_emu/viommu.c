// SPDX-License-Identifier: GPL-2.0
/*
 * The vIOMMU object family on the mock IOMMU: IOMMU_VIOMMU_ALLOC, mmap() of
 * the pages a vIOMMU exposes, IOMMU_VDEVICE_ALLOC (and the tombstone left
 * when a device goes before its vDEVICE), IOMMU_HW_QUEUE_ALLOC, nested
 * HWPTs allocated on a vIOMMU, IOMMU_HWPT_INVALIDATE of a vIOMMU's device
 * caches and IOMMU_VEVENTQ_ALLOC with the events the mock reports, with
 * the order in which objects may be destroyed.
 *
 * Every test starts from one IOAS with a mock device attached, a nesting
 * parent HWPT on it and a mock vIOMMU over that parent. Tests skip when the
 * module does not offer IOMMU_TEST_CMD.
 */
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/syscall.h>

#include <linux/userfaultfd.h>

#include "mock_ops.h"

#define BUF_PAGES	8
#define BUF_SIZE	(BUF_PAGES * PAGE_SIZE)
#define NO_SUCH_ID	MOCK_NO_SUCH_ID
/* A vIOMMU, HW queue or data type no driver has */
#define UNKNOWN_TYPE	0x1234U

static int vi_viommu_alloc_cmd(int fd, struct iommu_viommu_alloc *cmd,
			       __u32 *viommu_id)
{
	int rc;

	cmd->size = sizeof(*cmd);
	rc = emu_ioctl(fd, IOMMU_VIOMMU_ALLOC, cmd);
	if (!rc && viommu_id)
		*viommu_id = cmd->out_viommu_id;
	return rc;
}

static int vi_viommu_alloc(int fd, __u32 dev_id, __u32 hwpt_id, __u32 type,
			   void *data, __u32 data_len, __u32 *viommu_id)
{
	struct iommu_viommu_alloc cmd = {
		.type = type,
		.dev_id = dev_id,
		.hwpt_id = hwpt_id,
		.data_len = data_len,
		.data_uptr = (uintptr_t)data,
	};

	return vi_viommu_alloc_cmd(fd, &cmd, viommu_id);
}

static int vi_vdevice_alloc(int fd, __u32 viommu_id, __u32 dev_id,
			    __u64 virt_id, __u32 *vdev_id)
{
	struct iommu_vdevice_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.dev_id = dev_id,
		.virt_id = virt_id,
	};
	int rc;

	rc = emu_ioctl(fd, IOMMU_VDEVICE_ALLOC, &cmd);
	if (!rc && vdev_id)
		*vdev_id = cmd.out_vdevice_id;
	return rc;
}

static int vi_hw_queue_alloc_flags(int fd, __u32 flags, __u32 viommu_id,
				   __u32 type, __u32 index, __u64 iova,
				   __u64 length, __u32 *queue_id)
{
	struct iommu_hw_queue_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.viommu_id = viommu_id,
		.type = type,
		.index = index,
		.nesting_parent_iova = iova,
		.length = length,
	};
	int rc;

	rc = emu_ioctl(fd, IOMMU_HW_QUEUE_ALLOC, &cmd);
	if (!rc && queue_id)
		*queue_id = cmd.out_hw_queue_id;
	return rc;
}

static int vi_hw_queue_alloc(int fd, __u32 viommu_id, __u32 index, __u64 iova,
			     __u64 length, __u32 *queue_id)
{
	return vi_hw_queue_alloc_flags(fd, 0, viommu_id,
				       IOMMU_HW_QUEUE_TYPE_SELFTEST, index,
				       iova, length, queue_id);
}

static int vi_nested_alloc(int fd, __u32 dev_id, __u32 pt_id, __u32 flags,
			   __u32 data_type, __u32 data_len, __u32 *hwpt_id)
{
	struct iommu_hwpt_selftest data = { .iotlb = IOMMU_TEST_IOTLB_DEFAULT };

	return mock_hwpt_alloc_full(fd, dev_id, pt_id, flags, 0, data_type,
				    &data, data_len, hwpt_id);
}

#define vi_nested(_fd, _dev, _pt, _id_p)				\
	vi_nested_alloc(_fd, _dev, _pt, 0, IOMMU_HWPT_DATA_SELFTEST,	\
			sizeof(struct iommu_hwpt_selftest), _id_p)

static int vi_trigger(int fd, __u32 idev_id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_TRIGGER_VEVENT,
		.trigger_vevent = { .dev_id = idev_id },
	};

	return emu_test_cmd(fd, &cmd);
}

static int vi_check_cache(int fd, __u32 idev_id, __u32 slot, __u32 value)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_DEV_CHECK_CACHE,
		.id = idev_id,
		.check_dev_cache = { .id = slot, .cache = value },
	};

	return emu_test_cmd(fd, &cmd);
}

/* *@num: entries to send; on return (also on failure) how many were done */
static int vi_invalidate(int fd, __u32 id, __u32 data_type, const void *reqs,
			 __u32 entry_len, __u32 *num)
{
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = id,
		.data_uptr = (uintptr_t)reqs,
		.data_type = data_type,
		.entry_len = entry_len,
		.entry_num = *num,
	};
	int rc;

	rc = emu_ioctl(fd, IOMMU_HWPT_INVALIDATE, &cmd);
	*num = cmd.entry_num;
	return rc;
}

static int vi_veventq_alloc_cmd(int fd, struct iommu_veventq_alloc *cmd,
				__u32 *id, int *qfd)
{
	int rc;

	cmd->size = sizeof(*cmd);
	rc = emu_ioctl(fd, IOMMU_VEVENTQ_ALLOC, cmd);
	if (rc)
		return rc;
	if (id)
		*id = cmd->out_veventq_id;
	if (qfd)
		*qfd = cmd->out_veventq_fd;
	else
		close(cmd->out_veventq_fd);
	return 0;
}

static int vi_veventq_alloc(int fd, __u32 viommu_id, __u32 type, __u32 depth,
			    __u32 *id, int *qfd)
{
	struct iommu_veventq_alloc cmd = {
		.viommu_id = viommu_id,
		.type = type,
		.veventq_depth = depth,
	};

	return vi_veventq_alloc_cmd(fd, &cmd, id, qfd);
}

/* One mock event as read() hands it out */
struct vi_event {
	struct iommufd_vevent_header hdr;
	struct iommu_viommu_event_selftest data;
};

/* read() of a vEVENTQ: the byte count, or the negated errno */
static ssize_t vi_read(int qfd, void *buf, size_t len)
{
	ssize_t got = read(qfd, buf, len);

	return got < 0 ? -errno : got;
}

static bool vi_readable(int qfd)
{
	struct pollfd pfd = { .fd = qfd, .events = POLLIN | POLLOUT };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN) &&
	       !(pfd.revents & POLLOUT);
}

/* A read() of a vEVENTQ running in a thread of its own */
struct vi_reader {
	pthread_t thread;
	int qfd;
	void *buf;
	size_t len;
	ssize_t got;
};

static void *vi_reader_fn(void *arg)
{
	struct vi_reader *r = arg;

	r->got = vi_read(r->qfd, r->buf, r->len);
	return NULL;
}

/*
 * Make the first touch of @page, by the kernel too, wait until @uffd lets
 * it go: 0 or the negated errno.
 */
static int vi_uffd_arm(int uffd, void *page)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)page, .len = PAGE_SIZE },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};

	if (ioctl(uffd, UFFDIO_API, &api) ||
	    ioctl(uffd, UFFDIO_REGISTER, &reg))
		return -errno;
	return 0;
}

/* Wait (up to 10 s) until some thread is stuck on the armed @page */
static bool vi_uffd_wait_fault(int uffd, void *page)
{
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&pfd, 1, 10000) != 1 ||
	    read(uffd, &msg, sizeof(msg)) != sizeof(msg))
		return false;
	return msg.event == UFFD_EVENT_PAGEFAULT &&
	       (msg.arg.pagefault.address & ~(PAGE_SIZE - 1)) ==
	       (uintptr_t)page;
}

/* mmap() of the iommufd: 0 or the negated errno, the mapping in *@out */
static int vi_mmap(int fd, size_t length, int prot, int flags, __u64 offset,
		   void **out)
{
	void *p = mmap(NULL, length, prot, flags, fd, offset);

	if (p == MAP_FAILED)
		return -errno;
	if (out)
		*out = p;
	else
		munmap(p, length);
	return 0;
}

#define MAP_RW_SHARED(_len, _off, _out)					\
	vi_mmap(self->fd, _len, PROT_READ | PROT_WRITE, MAP_SHARED, _off, _out)

FIXTURE(viommu)
{
	int fd;
	__u32 ioas_id;
	__u32 stdev_id;
	__u32 idev_id;
	__u32 parent_id;
	__u32 viommu_id;
	void *buf;
	long pinned_base;
	const char *skip;
};

FIXTURE_SETUP(viommu)
{
	self->pinned_base = my_pinned();
	self->fd = emu_open();
	ASSERT_LE(0, self->fd)
		TH_LOG("cannot open %s: %s", emu_dev_path(), strerror(errno));
	self->buf = emu_alloc_buffer(BUF_SIZE, PAGE_SIZE);
	ASSERT_NE(NULL, self->buf);
	if (!emu_test_cmd_available(self->fd)) {
		self->skip = NO_TEST_CMD;
		return;
	}
	test_ioctl_ioas_alloc(&self->ioas_id);
	ASSERT_OK(mock_dev_add(self->fd, self->ioas_id, 0, &self->stdev_id,
			       NULL, &self->idev_id));
	ASSERT_OK(mock_hwpt_alloc(self->fd, self->idev_id, self->ioas_id,
				  IOMMU_HWPT_ALLOC_NEST_PARENT,
				  &self->parent_id));
	ASSERT_OK(vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				  IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0,
				  &self->viommu_id));
}

FIXTURE_TEARDOWN(viommu)
{
	/* Closing the context takes everything down in dependency order */
	close(self->fd);
	EXPECT_EQ(self->pinned_base, my_pinned());
	emu_free_buffer(self->buf, BUF_SIZE);
}

TEST_F(viommu, alloc_errors)
{
	struct iommu_viommu_selftest data = {};
	struct iommu_viommu_alloc cmd = {
		.type = IOMMU_VIOMMU_TYPE_SELFTEST,
		.dev_id = self->idev_id,
		.hwpt_id = self->parent_id,
	};
	__u32 plain_id;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	/* The struct may end after out_viommu_id, not before */
	cmd.size = offsetof(struct iommu_viommu_alloc, out_viommu_id);
	EXPECT_ERR(EINVAL, emu_ioctl(self->fd, IOMMU_VIOMMU_ALLOC, &cmd));
	cmd.size = offsetof(struct iommu_viommu_alloc, data_len);
	ASSERT_OK(emu_ioctl(self->fd, IOMMU_VIOMMU_ALLOC, &cmd));
	test_ioctl_destroy(cmd.out_viommu_id);

	/* Unknown flags, the reserved field, the default and unknown types */
	cmd.flags = 1;
	EXPECT_ERR(EOPNOTSUPP, vi_viommu_alloc_cmd(self->fd, &cmd, NULL));
	cmd.flags = 0;
	cmd.__reserved = 1;
	EXPECT_ERR(EOPNOTSUPP, vi_viommu_alloc_cmd(self->fd, &cmd, NULL));
	EXPECT_ERR(EOPNOTSUPP,
		   vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				   IOMMU_VIOMMU_TYPE_DEFAULT, NULL, 0, NULL));
	EXPECT_ERR(EOPNOTSUPP,
		   vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				   UNKNOWN_TYPE, NULL, 0, NULL));

	/* The device and the parent must exist and be what they should */
	EXPECT_ERR(ENOENT,
		   vi_viommu_alloc(self->fd, NO_SUCH_ID, self->parent_id,
				   IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, NULL));
	EXPECT_ERR(ENOENT,
		   vi_viommu_alloc(self->fd, self->ioas_id, self->parent_id,
				   IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, NULL));
	EXPECT_ERR(ENOENT,
		   vi_viommu_alloc(self->fd, self->idev_id, NO_SUCH_ID,
				   IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, NULL));
	EXPECT_ERR(ENOENT,
		   vi_viommu_alloc(self->fd, self->idev_id, self->ioas_id,
				   IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, NULL));
	EXPECT_ERR(ENOENT,
		   vi_viommu_alloc(self->fd, self->idev_id, self->viommu_id,
				   IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, NULL));

	/* A paging HWPT that is not a nesting parent */
	ASSERT_OK(mock_hwpt_alloc(self->fd, self->idev_id, self->ioas_id, 0,
				  &plain_id));
	EXPECT_ERR(EINVAL,
		   vi_viommu_alloc(self->fd, self->idev_id, plain_id,
				   IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, NULL));
	test_ioctl_destroy(plain_id);

	/* The mock's data must reach at least out_data */
	EXPECT_ERR(EINVAL,
		   vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				   IOMMU_VIOMMU_TYPE_SELFTEST, &data,
				   offsetof(struct iommu_viommu_selftest,
					    out_data), NULL));
	/* Unreadable data */
	EXPECT_ERR(EFAULT,
		   vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				   IOMMU_VIOMMU_TYPE_SELFTEST, (void *)8,
				   sizeof(data), NULL));
}

TEST_F(viommu, alloc_many_and_destroy_order)
{
	__u32 second_id;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	/* One parent may carry several vIOMMUs */
	ASSERT_OK(vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				  IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0,
				  &second_id));
	EXPECT_NE(self->viommu_id, second_id);

	/* The parent and its IOAS stay while a vIOMMU uses them */
	test_err_destroy(EBUSY, self->parent_id);
	test_err_destroy(EBUSY, self->ioas_id);
	test_ioctl_destroy(second_id);
	test_err_destroy(EBUSY, self->parent_id);
	test_ioctl_destroy(self->viommu_id);
	test_err_destroy(ENOENT, self->viommu_id);
	test_ioctl_destroy(self->parent_id);
}

TEST_F(viommu, mmap_region)
{
	struct iommu_viommu_selftest data = { .in_data = 0x5eed };
	__u32 *map = NULL, *map2 = NULL;
	__u32 viommu_id;
	__u64 off, len;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	ASSERT_OK(vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				  IOMMU_VIOMMU_TYPE_SELFTEST, &data,
				  sizeof(data), &viommu_id));
	ASSERT_EQ(data.in_data, data.out_data);
	off = data.out_mmap_offset;
	len = data.out_mmap_length;
	ASSERT_NE(0, off);
	ASSERT_EQ(0, off % PAGE_SIZE);
	ASSERT_EQ(2 * PAGE_SIZE, len);

	/* Only exactly the region: not inside it, not part or more of it */
	EXPECT_ERR(ENXIO, MAP_RW_SHARED(len, 0, NULL));
	EXPECT_ERR(ENXIO, MAP_RW_SHARED(len, off + PAGE_SIZE, NULL));
	EXPECT_ERR(ENXIO, MAP_RW_SHARED(PAGE_SIZE, off + PAGE_SIZE, NULL));
	EXPECT_ERR(ENXIO, MAP_RW_SHARED(PAGE_SIZE, off, NULL));
	EXPECT_ERR(ENXIO, MAP_RW_SHARED(3 * PAGE_SIZE, off, NULL));
	EXPECT_ERR(ENXIO, MAP_RW_SHARED(len, off + 16 * PAGE_SIZE, NULL));
	/* Shared, and never executable */
	EXPECT_ERR(EINVAL, vi_mmap(self->fd, len, PROT_READ, MAP_PRIVATE, off,
				   NULL));
	EXPECT_ERR(EPERM, vi_mmap(self->fd, len, PROT_READ | PROT_EXEC,
				  MAP_SHARED, off, NULL));

	/* The first word is what went in; the memory is shared */
	ASSERT_OK(MAP_RW_SHARED(len, off, (void **)&map));
	ASSERT_OK(MAP_RW_SHARED(len, off, (void **)&map2));
	EXPECT_EQ(data.in_data, map[0]);
	map[1] = 0xabcd;
	map[PAGE_SIZE / sizeof(*map)] = 0x1234;
	EXPECT_EQ(0xabcd, map2[1]);
	EXPECT_EQ(0x1234, map2[PAGE_SIZE / sizeof(*map)]);

	/* Every mapping keeps the vIOMMU, however it was split */
	test_err_destroy(EBUSY, viommu_id);
	ASSERT_EQ(0, munmap(map, PAGE_SIZE));
	test_err_destroy(EBUSY, viommu_id);
	ASSERT_EQ(0, munmap((char *)map + PAGE_SIZE, PAGE_SIZE));
	test_err_destroy(EBUSY, viommu_id);
	ASSERT_EQ(0, munmap(map2, len));
	test_ioctl_destroy(viommu_id);

	/* The offset dies with its vIOMMU */
	EXPECT_ERR(ENXIO, MAP_RW_SHARED(len, off, NULL));
}

TEST_F(viommu, mmap_offsets_are_not_reused)
{
	struct iommu_viommu_selftest data = { .in_data = 1 };
	__u32 first_id, second_id;
	__u64 first_off;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	/* A vIOMMU without data exposes nothing */
	EXPECT_ERR(ENXIO, MAP_RW_SHARED(2 * PAGE_SIZE, PAGE_SIZE, NULL));

	ASSERT_OK(vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				  IOMMU_VIOMMU_TYPE_SELFTEST, &data,
				  sizeof(data), &first_id));
	first_off = data.out_mmap_offset;
	test_ioctl_destroy(first_id);

	data.in_data = 2;
	ASSERT_OK(vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				  IOMMU_VIOMMU_TYPE_SELFTEST, &data,
				  sizeof(data), &second_id));
	EXPECT_NE(first_off, data.out_mmap_offset);
	EXPECT_ERR(ENXIO, MAP_RW_SHARED(2 * PAGE_SIZE, first_off, NULL));
	EXPECT_OK(MAP_RW_SHARED(2 * PAGE_SIZE, data.out_mmap_offset, NULL));
	test_ioctl_destroy(second_id);
}

TEST_F(viommu, mmap_fork_keeps_owner)
{
	struct iommu_viommu_selftest data = { .in_data = 0x77 };
	__u32 viommu_id;
	__u32 *map = NULL;
	int status;
	pid_t pid;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	ASSERT_OK(vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				  IOMMU_VIOMMU_TYPE_SELFTEST, &data,
				  sizeof(data), &viommu_id));
	ASSERT_OK(MAP_RW_SHARED(data.out_mmap_length, data.out_mmap_offset,
				(void **)&map));

	/* The child's copy of the mapping is one more user until it exits */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(map[0] == data.in_data ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));

	test_err_destroy(EBUSY, viommu_id);
	ASSERT_EQ(0, munmap(map, data.out_mmap_length));
	test_ioctl_destroy(viommu_id);
}

TEST_F(viommu, vdevice)
{
	__u32 stdev2_id, idev2_id, viommu2_id;
	__u32 vdev_id, vdev2_id;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	ASSERT_OK(mock_dev_add(self->fd, self->ioas_id, 0, &stdev2_id, NULL,
			       &idev2_id));

	EXPECT_ERR(ENOENT, vi_vdevice_alloc(self->fd, NO_SUCH_ID,
					    self->idev_id, 1, NULL));
	EXPECT_ERR(ENOENT, vi_vdevice_alloc(self->fd, self->parent_id,
					    self->idev_id, 1, NULL));
	EXPECT_ERR(ENOENT, vi_vdevice_alloc(self->fd, self->viommu_id,
					    NO_SUCH_ID, 1, NULL));
	EXPECT_ERR(ENOENT, vi_vdevice_alloc(self->fd, self->viommu_id,
					    self->stdev_id, 1, NULL));

	ASSERT_OK(vi_vdevice_alloc(self->fd, self->viommu_id, self->idev_id,
				   0x42, &vdev_id));
	/* A virtual ID names one device per vIOMMU */
	EXPECT_ERR(EEXIST, vi_vdevice_alloc(self->fd, self->viommu_id,
					    idev2_id, 0x42, NULL));
	/* A device has one virtual identity, on any vIOMMU */
	EXPECT_ERR(EEXIST, vi_vdevice_alloc(self->fd, self->viommu_id,
					    self->idev_id, 0x43, NULL));
	ASSERT_OK(vi_viommu_alloc(self->fd, self->idev_id, self->parent_id,
				  IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0,
				  &viommu2_id));
	EXPECT_ERR(EEXIST, vi_vdevice_alloc(self->fd, viommu2_id,
					    self->idev_id, 0x42, NULL));
	/* The same virtual ID on another vIOMMU is another namespace */
	ASSERT_OK(vi_vdevice_alloc(self->fd, viommu2_id, idev2_id, 0x42,
				   &vdev2_id));

	/* A 64-bit virtual ID */
	test_ioctl_destroy(vdev2_id);
	ASSERT_OK(vi_vdevice_alloc(self->fd, viommu2_id, idev2_id,
				   0x1234567890ULL, &vdev2_id));

	/* The vIOMMU and the device stay while a vDEVICE uses them */
	test_err_destroy(EBUSY, self->viommu_id);
	test_err_destroy(EBUSY, self->idev_id);
	test_ioctl_destroy(vdev_id);
	test_err_destroy(ENOENT, vdev_id);
	test_ioctl_destroy(self->viommu_id);

	/* The freed virtual ID and device can be used again */
	ASSERT_OK(vi_vdevice_alloc(self->fd, viommu2_id, self->idev_id, 0x42,
				   &vdev_id));
	test_ioctl_destroy(vdev_id);
	test_ioctl_destroy(vdev2_id);
	test_ioctl_destroy(viommu2_id);
	test_ioctl_destroy(stdev2_id);
}

TEST_F(viommu, vdevice_tombstone)
{
	__u32 vdev_id, ioas2_id;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	ASSERT_OK(vi_vdevice_alloc(self->fd, self->viommu_id, self->idev_id,
				   7, &vdev_id));
	/* Unplugging the device takes its vDEVICE along */
	test_ioctl_destroy(self->stdev_id);
	test_err_destroy(ENOENT, vdev_id);
	/* ... which no longer holds the vIOMMU */
	test_ioctl_destroy(self->viommu_id);

	/* The dead id is not handed out again */
	test_ioctl_ioas_alloc(&ioas2_id);
	EXPECT_NE(vdev_id, ioas2_id);
	EXPECT_ERR(ENOENT, vi_vdevice_alloc(self->fd, self->viommu_id,
					    self->idev_id, 7, NULL));
}

TEST_F(viommu, close_with_vdevice)
{
	if (self->skip)
		SKIP(return, "%s", self->skip);

	/* Teardown closes the file with the vDEVICE alive */
	ASSERT_OK(vi_vdevice_alloc(self->fd, self->viommu_id, self->idev_id,
				   7, NULL));
}

TEST_F(viommu, hw_queue_errors)
{
	__u64 iova = MOCK_APERTURE_START;
	__u64 next;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	/* Flags, the default and unknown types */
	EXPECT_ERR(EOPNOTSUPP,
		   vi_hw_queue_alloc_flags(self->fd, 1, self->viommu_id,
					   IOMMU_HW_QUEUE_TYPE_SELFTEST, 0,
					   iova, PAGE_SIZE, NULL));
	EXPECT_ERR(EOPNOTSUPP,
		   vi_hw_queue_alloc_flags(self->fd, 0, self->viommu_id,
					   IOMMU_HW_QUEUE_TYPE_DEFAULT, 0,
					   iova, PAGE_SIZE, NULL));
	EXPECT_ERR(EOPNOTSUPP,
		   vi_hw_queue_alloc_flags(self->fd, 0, self->viommu_id,
					   UNKNOWN_TYPE, 0, iova, PAGE_SIZE,
					   NULL));
	/* Empty or wrapping ranges */
	EXPECT_ERR(EINVAL, vi_hw_queue_alloc(self->fd, self->viommu_id, 0,
					     iova, 0, NULL));
	EXPECT_ERR(EOVERFLOW, vi_hw_queue_alloc(self->fd, self->viommu_id, 0,
						UINT64_MAX, PAGE_SIZE, NULL));
	/* Not a vIOMMU */
	EXPECT_ERR(ENOENT, vi_hw_queue_alloc(self->fd, self->parent_id, 0,
					     iova, PAGE_SIZE, NULL));
	/* Nothing mapped there */
	EXPECT_ERR(ENOENT, vi_hw_queue_alloc(self->fd, self->viommu_id, 0,
					     iova, PAGE_SIZE, NULL));

	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, PAGE_SIZE,
			    &iova);
	next = iova + PAGE_SIZE;
	/* The mock has IOMMU_TEST_HW_QUEUE_MAX queues, started in order */
	EXPECT_ERR(EINVAL, vi_hw_queue_alloc(self->fd, self->viommu_id,
					     IOMMU_TEST_HW_QUEUE_MAX, iova,
					     PAGE_SIZE, NULL));
	EXPECT_ERR(EIO, vi_hw_queue_alloc(self->fd, self->viommu_id, 1,
					  iova, PAGE_SIZE, NULL));
	/* Partly mapped */
	EXPECT_ERR(ENOENT, vi_hw_queue_alloc(self->fd, self->viommu_id, 0,
					     iova, 2 * PAGE_SIZE, NULL));
	/* Not physically contiguous: the same page twice in a row */
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &next);
	EXPECT_ERR(EFAULT, vi_hw_queue_alloc(self->fd, self->viommu_id, 0,
					     iova, 2 * PAGE_SIZE, NULL));
	test_ioctl_ioas_unmap(self->ioas_id, next, PAGE_SIZE, PAGE_SIZE);
	/* Every failure left the page unlocked */
	test_ioctl_ioas_unmap(self->ioas_id, iova, PAGE_SIZE, PAGE_SIZE);
}

TEST_F(viommu, hw_queue_lifetime)
{
	__u64 iova = 0, iova2 = 0;
	__u32 queue_id[2];

	if (self->skip)
		SKIP(return, "%s", self->skip);

	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, PAGE_SIZE,
			    &iova);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW,
			    (char *)self->buf + PAGE_SIZE, PAGE_SIZE, &iova2);

	ASSERT_OK(vi_hw_queue_alloc(self->fd, self->viommu_id, 0, iova,
				    PAGE_SIZE, &queue_id[0]));
	EXPECT_ERR(EEXIST, vi_hw_queue_alloc(self->fd, self->viommu_id, 0,
					     iova2, PAGE_SIZE, NULL));
	/* The queue's page is locked; its neighbour is not */
	test_err_ioas_unmap(EBUSY, self->ioas_id, iova, PAGE_SIZE);
	test_err_ioas_unmap(EBUSY, self->ioas_id, 0, UINT64_MAX);
	test_ioctl_ioas_unmap(self->ioas_id, iova2, PAGE_SIZE, PAGE_SIZE);

	/* A queue may start inside a page and be shorter than one */
	ASSERT_OK(vi_hw_queue_alloc(self->fd, self->viommu_id, 1,
				    iova + PAGE_SIZE / 4, PAGE_SIZE / 4,
				    &queue_id[1]));

	/* Queues go in reverse order, and before their vIOMMU */
	test_err_destroy(EBUSY, queue_id[0]);
	test_err_destroy(EBUSY, self->viommu_id);
	test_ioctl_destroy(queue_id[1]);
	test_err_ioas_unmap(EBUSY, self->ioas_id, iova, PAGE_SIZE);
	test_ioctl_destroy(queue_id[0]);
	test_ioctl_ioas_unmap(self->ioas_id, iova, PAGE_SIZE, PAGE_SIZE);
	test_ioctl_destroy(self->viommu_id);
}

TEST_F(viommu, hw_queue_close)
{
	__u64 iova = 0;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	/* Teardown closes the file with two chained queues alive */
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, 2 * PAGE_SIZE,
			    &iova);
	ASSERT_OK(vi_hw_queue_alloc(self->fd, self->viommu_id, 0, iova,
				    PAGE_SIZE, NULL));
	ASSERT_OK(vi_hw_queue_alloc(self->fd, self->viommu_id, 1,
				    iova + PAGE_SIZE, PAGE_SIZE, NULL));
}

TEST_F(viommu, nested_on_viommu)
{
	__u32 nested_id, vdev_id, plain_nested_id;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	/* Flags a nested HWPT cannot have, no data, another data type */
	EXPECT_ERR(EOPNOTSUPP,
		   vi_nested_alloc(self->fd, self->idev_id, self->viommu_id,
				   IOMMU_HWPT_ALLOC_NEST_PARENT,
				   IOMMU_HWPT_DATA_SELFTEST,
				   sizeof(struct iommu_hwpt_selftest), NULL));
	EXPECT_ERR(EOPNOTSUPP,
		   vi_nested_alloc(self->fd, self->idev_id, self->viommu_id, 0,
				   IOMMU_HWPT_DATA_NONE, 0, NULL));
	EXPECT_ERR(EOPNOTSUPP,
		   vi_nested_alloc(self->fd, self->idev_id, self->viommu_id, 0,
				   UNKNOWN_TYPE,
				   sizeof(struct iommu_hwpt_selftest), NULL));

	ASSERT_OK(vi_nested(self->fd, self->idev_id, self->viommu_id,
			    &nested_id));
	/* On the parent itself: a nested HWPT outside any vIOMMU */
	ASSERT_OK(vi_nested(self->fd, self->idev_id, self->parent_id,
			    &plain_nested_id));

	/* The vIOMMU's stage 1 only takes devices it presents */
	EXPECT_ERR(ENOENT, mock_replace(self->fd, self->stdev_id, nested_id, NULL));
	EXPECT_OK(mock_replace(self->fd, self->stdev_id, plain_nested_id, NULL));
	ASSERT_OK(vi_vdevice_alloc(self->fd, self->viommu_id, self->idev_id,
				   3, &vdev_id));
	ASSERT_OK(mock_replace(self->fd, self->stdev_id, nested_id, NULL));

	/* In use, the nested HWPT keeps the vIOMMU, the vIOMMU its parent */
	test_err_destroy(EBUSY, nested_id);
	test_err_destroy(EBUSY, self->viommu_id);
	ASSERT_OK(mock_replace(self->fd, self->stdev_id, self->ioas_id, NULL));
	test_ioctl_destroy(nested_id);
	test_ioctl_destroy(plain_nested_id);
	test_ioctl_destroy(vdev_id);
	test_ioctl_destroy(self->viommu_id);
	test_ioctl_destroy(self->parent_id);
}

TEST_F(viommu, invalidate_device_cache)
{
	struct iommu_viommu_invalidate_selftest reqs[3] = {};
	__u32 vdev_id, num, slot;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	ASSERT_OK(vi_vdevice_alloc(self->fd, self->viommu_id, self->idev_id,
				   0x10, &vdev_id));
	for (slot = 0; slot <= MOCK_DEV_CACHE_ID_MAX; slot++)
		ASSERT_OK(vi_check_cache(self->fd, self->idev_id, slot,
					 IOMMU_TEST_DEV_CACHE_DEFAULT));

	/* An empty array only checks the type */
	num = 0;
	EXPECT_OK(vi_invalidate(self->fd, self->viommu_id,
				IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, NULL,
				0, &num));
	EXPECT_EQ(0, num);
	num = 0;
	EXPECT_ERR(EINVAL, vi_invalidate(self->fd, self->viommu_id,
					 IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID,
					 reqs, sizeof(reqs[0]), &num));

	/* Array checks of the ioctl, and the entry size the mock takes */
	reqs[0].vdev_id = 0x10;
	num = 1;
	EXPECT_ERR(EINVAL, vi_invalidate(self->fd, self->viommu_id,
					 IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
					 NULL, sizeof(reqs[0]), &num));
	num = 1;
	EXPECT_ERR(EINVAL, vi_invalidate(self->fd, self->viommu_id,
					 IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
					 reqs, 0, &num));
	num = 1;
	EXPECT_ERR(EINVAL, vi_invalidate(self->fd, self->viommu_id,
					 IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
					 reqs, sizeof(reqs[0]) - 4, &num));
	num = 1;
	EXPECT_ERR(EINVAL, vi_invalidate(self->fd, self->viommu_id,
					 IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
					 reqs, sizeof(reqs[0]) + 4, &num));
	EXPECT_EQ(0, num);
	/* Not a vIOMMU or HWPT, and a paging HWPT */
	num = 1;
	EXPECT_ERR(ENOENT, vi_invalidate(self->fd, NO_SUCH_ID,
					 IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
					 reqs, sizeof(reqs[0]), &num));
	num = 1;
	EXPECT_ERR(EINVAL, vi_invalidate(self->fd, self->parent_id,
					 IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
					 reqs, sizeof(reqs[0]), &num));

	/* Bad requests: flags, slot, unknown virtual ID; nothing done */
	reqs[0].flags = 0x80;
	num = 1;
	EXPECT_ERR(EOPNOTSUPP, vi_invalidate(self->fd, self->viommu_id,
					     IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
					     reqs, sizeof(reqs[0]), &num));
	EXPECT_EQ(0, num);
	reqs[0].flags = 0;
	reqs[0].cache_id = MOCK_DEV_CACHE_ID_MAX + 1;
	num = 1;
	EXPECT_ERR(EINVAL, vi_invalidate(self->fd, self->viommu_id,
					 IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
					 reqs, sizeof(reqs[0]), &num));
	reqs[0].cache_id = 0;
	reqs[0].vdev_id = 0x11;
	num = 1;
	EXPECT_ERR(EINVAL, vi_invalidate(self->fd, self->viommu_id,
					 IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
					 reqs, sizeof(reqs[0]), &num));
	for (slot = 0; slot <= MOCK_DEV_CACHE_ID_MAX; slot++)
		ASSERT_OK(vi_check_cache(self->fd, self->idev_id, slot,
					 IOMMU_TEST_DEV_CACHE_DEFAULT));

	/* Requests run in order up to the first bad one, which is reported */
	reqs[0] = (struct iommu_viommu_invalidate_selftest){
		.vdev_id = 0x10, .cache_id = 2 };
	reqs[1] = (struct iommu_viommu_invalidate_selftest){
		.vdev_id = 0x10, .cache_id = 0 };
	reqs[2] = (struct iommu_viommu_invalidate_selftest){
		.vdev_id = 0x77, .cache_id = 1 };
	num = 3;
	EXPECT_ERR(EINVAL, vi_invalidate(self->fd, self->viommu_id,
					 IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
					 reqs, sizeof(reqs[0]), &num));
	EXPECT_EQ(2, num);
	EXPECT_OK(vi_check_cache(self->fd, self->idev_id, 0, 0));
	EXPECT_OK(vi_check_cache(self->fd, self->idev_id, 1,
				 IOMMU_TEST_DEV_CACHE_DEFAULT));
	EXPECT_OK(vi_check_cache(self->fd, self->idev_id, 2, 0));

	/* FLAG_ALL clears every slot */
	reqs[0] = (struct iommu_viommu_invalidate_selftest){
		.flags = IOMMU_TEST_INVALIDATE_FLAG_ALL, .vdev_id = 0x10 };
	num = 1;
	EXPECT_OK(vi_invalidate(self->fd, self->viommu_id,
				IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, reqs,
				sizeof(reqs[0]), &num));
	EXPECT_EQ(1, num);
	for (slot = 0; slot <= MOCK_DEV_CACHE_ID_MAX; slot++)
		EXPECT_OK(vi_check_cache(self->fd, self->idev_id, slot, 0));

	/* Once its vDEVICE is gone, the virtual ID names nothing */
	test_ioctl_destroy(vdev_id);
	num = 1;
	EXPECT_ERR(EINVAL, vi_invalidate(self->fd, self->viommu_id,
					 IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
					 reqs, sizeof(reqs[0]), &num));
}

TEST_F(viommu, veventq_alloc_errors)
{
	struct iommu_veventq_alloc cmd = {
		.viommu_id = self->viommu_id,
		.type = IOMMU_VEVENTQ_TYPE_SELFTEST,
		.veventq_depth = 4,
	};
	__u32 id, other_id;
	int qfd = -1;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	cmd.flags = 1;
	EXPECT_ERR(EOPNOTSUPP, vi_veventq_alloc_cmd(self->fd, &cmd, NULL,
						    NULL));
	cmd.flags = 0;
	cmd.__reserved = 1;
	EXPECT_ERR(EOPNOTSUPP, vi_veventq_alloc_cmd(self->fd, &cmd, NULL,
						    NULL));
	EXPECT_ERR(EOPNOTSUPP,
		   vi_veventq_alloc(self->fd, self->viommu_id,
				    IOMMU_VEVENTQ_TYPE_DEFAULT, 4, NULL, NULL));
	/* Depth from 1 to 2^19 */
	EXPECT_ERR(EINVAL,
		   vi_veventq_alloc(self->fd, self->viommu_id,
				    IOMMU_VEVENTQ_TYPE_SELFTEST, 0, NULL, NULL));
	EXPECT_ERR(EINVAL,
		   vi_veventq_alloc(self->fd, self->viommu_id,
				    IOMMU_VEVENTQ_TYPE_SELFTEST, (1U << 19) + 1,
				    NULL, NULL));
	EXPECT_ERR(ENOENT,
		   vi_veventq_alloc(self->fd, self->parent_id,
				    IOMMU_VEVENTQ_TYPE_SELFTEST, 4, NULL, NULL));

	ASSERT_OK(vi_veventq_alloc(self->fd, self->viommu_id,
				   IOMMU_VEVENTQ_TYPE_SELFTEST, 1U << 19, &id,
				   &qfd));
	/* One queue per type and vIOMMU */
	EXPECT_ERR(EEXIST,
		   vi_veventq_alloc(self->fd, self->viommu_id,
				    IOMMU_VEVENTQ_TYPE_SELFTEST, 1, NULL, NULL));
	ASSERT_OK(vi_veventq_alloc(self->fd, self->viommu_id,
				   IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 1, &other_id,
				   NULL));

	/* The fd keeps the queue, the queue keeps the vIOMMU */
	test_err_destroy(EBUSY, id);
	test_err_destroy(EBUSY, self->viommu_id);
	close(qfd);
	test_ioctl_destroy(id);
	test_ioctl_destroy(other_id);
	test_ioctl_destroy(self->viommu_id);
}

/* The fixture's device on a nested HWPT of the vIOMMU, as @_virt_id */
#define vi_present(_virt_id, _vdev_id_p, _nested_id_p) do {		\
	__u32 *__nested_p = (_nested_id_p);				\
									\
	ASSERT_OK(vi_vdevice_alloc(self->fd, self->viommu_id,		\
				   self->idev_id, _virt_id, _vdev_id_p)); \
	ASSERT_OK(vi_nested(self->fd, self->idev_id, self->viommu_id,	\
			    __nested_p));				\
	ASSERT_OK(mock_replace(self->fd, self->stdev_id, *__nested_p, NULL));	\
} while (0)

TEST_F(viommu, veventq_read)
{
	struct vi_event ev[4];
	__u32 vdev_id, nested_id, q_id;
	int qfd;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	/* No vIOMMU presents the device yet, then nobody listens */
	EXPECT_ERR(ENOENT, vi_trigger(self->fd, self->idev_id));
	vi_present(0x55, &vdev_id, &nested_id);
	EXPECT_ERR(EOPNOTSUPP, vi_trigger(self->fd, self->idev_id));
	EXPECT_ERR(ENOENT, vi_trigger(self->fd, NO_SUCH_ID));

	ASSERT_OK(vi_veventq_alloc(self->fd, self->viommu_id,
				   IOMMU_VEVENTQ_TYPE_SELFTEST, 4, &q_id,
				   &qfd));
	/* Reads must have room for a header; an empty queue reads nothing */
	EXPECT_EQ(-EINVAL, vi_read(qfd, ev, 0));
	EXPECT_EQ(-EINVAL, vi_read(qfd, ev, sizeof(ev[0].hdr) - 1));
	EXPECT_EQ(0, vi_read(qfd, ev, sizeof(ev)));
	EXPECT_FALSE(vi_readable(qfd));

	ASSERT_OK(vi_trigger(self->fd, self->idev_id));
	ASSERT_OK(vi_trigger(self->fd, self->idev_id));
	EXPECT_TRUE(vi_readable(qfd));
	/* A record is read whole or not at all */
	EXPECT_EQ(-EINVAL, vi_read(qfd, ev, sizeof(ev[0].hdr)));
	EXPECT_EQ(sizeof(ev[0]), vi_read(qfd, ev, sizeof(ev[0]) + 4));
	EXPECT_EQ(0, ev[0].hdr.flags);
	EXPECT_EQ(0, ev[0].hdr.sequence);
	EXPECT_EQ(0x55, ev[0].data.virt_id);
	EXPECT_EQ(sizeof(ev[0]), vi_read(qfd, ev, sizeof(ev)));
	EXPECT_EQ(1, ev[0].hdr.sequence);
	EXPECT_FALSE(vi_readable(qfd));

	/* Another virtual ID after the device is presented anew */
	ASSERT_OK(mock_replace(self->fd, self->stdev_id, self->ioas_id, NULL));
	test_ioctl_destroy(vdev_id);
	ASSERT_OK(vi_vdevice_alloc(self->fd, self->viommu_id, self->idev_id,
				   0x66, &vdev_id));
	ASSERT_OK(mock_replace(self->fd, self->stdev_id, nested_id, NULL));
	ASSERT_OK(vi_trigger(self->fd, self->idev_id));
	EXPECT_EQ(sizeof(ev[0]), vi_read(qfd, ev, sizeof(ev)));
	EXPECT_EQ(2, ev[0].hdr.sequence);
	EXPECT_EQ(0x66, ev[0].data.virt_id);

	close(qfd);
	ASSERT_OK(mock_replace(self->fd, self->stdev_id, self->ioas_id, NULL));
	test_ioctl_destroy(q_id);
}

/*
 * A read whose buffer faults takes nothing away: with nothing copied it
 * fails with EFAULT, otherwise it returns what was copied, and the rest,
 * the lost-events header included, stays for the next read.
 */
TEST_F(viommu, veventq_read_fault)
{
	struct vi_event ev[2], *last;
	__u32 vdev_id, nested_id;
	char *region, *p;
	int qfd;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	vi_present(0x44, &vdev_id, &nested_id);
	ASSERT_OK(vi_veventq_alloc(self->fd, self->viommu_id,
				   IOMMU_VEVENTQ_TYPE_SELFTEST, 1, NULL, &qfd));
	/* One event, then the marker of a second one */
	ASSERT_OK(vi_trigger(self->fd, self->idev_id));
	ASSERT_OK(vi_trigger(self->fd, self->idev_id));

	region = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, region);
	ASSERT_EQ(0, mprotect(region + PAGE_SIZE, PAGE_SIZE, PROT_NONE));
	EXPECT_EQ(-EFAULT, vi_read(qfd, region + PAGE_SIZE, sizeof(ev)));
	EXPECT_TRUE(vi_readable(qfd));

	/* The event fits before the inaccessible page; the marker does not */
	last = (struct vi_event *)(region + PAGE_SIZE - sizeof(*last));
	ASSERT_EQ(sizeof(*last), vi_read(qfd, last, sizeof(ev)));
	EXPECT_EQ(0, last->hdr.flags);
	EXPECT_EQ(0, last->hdr.sequence);
	EXPECT_EQ(0x44, last->data.virt_id);
	munmap(region, 2 * PAGE_SIZE);

	memset(ev, 0, sizeof(ev));
	ASSERT_EQ(sizeof(ev[0].hdr), vi_read(qfd, ev, sizeof(ev)));
	p = (char *)&ev[0];
	EXPECT_EQ(IOMMU_VEVENTQ_FLAG_LOST_EVENTS,
		  ((struct iommufd_vevent_header *)p)->flags);
	EXPECT_EQ(1, ((struct iommufd_vevent_header *)p)->sequence);
	EXPECT_FALSE(vi_readable(qfd));

	close(qfd);
	ASSERT_OK(mock_replace(self->fd, self->stdev_id, self->ioas_id, NULL));
}

TEST_F(viommu, veventq_overflow)
{
	struct vi_event ev[4];
	__u32 vdev_id, nested_id;
	char *p;
	int qfd;
	int i;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	vi_present(0x99, &vdev_id, &nested_id);
	ASSERT_OK(vi_veventq_alloc(self->fd, self->viommu_id,
				   IOMMU_VEVENTQ_TYPE_SELFTEST, 2, NULL, &qfd));

	/* Two fit; the third and fourth are lost, marked once at the end */
	for (i = 0; i < 4; i++)
		ASSERT_OK(vi_trigger(self->fd, self->idev_id));
	memset(ev, 0, sizeof(ev));
	ASSERT_EQ(2 * sizeof(ev[0]) + sizeof(ev[0].hdr),
		  vi_read(qfd, ev, sizeof(ev)));
	EXPECT_EQ(0, ev[0].hdr.sequence);
	EXPECT_EQ(1, ev[1].hdr.sequence);
	p = (char *)&ev[2];
	EXPECT_EQ(IOMMU_VEVENTQ_FLAG_LOST_EVENTS,
		  ((struct iommufd_vevent_header *)p)->flags);
	/* It carries the number of the last event lost */
	EXPECT_EQ(3, ((struct iommufd_vevent_header *)p)->sequence);

	/* Read out, the queue takes events again */
	ASSERT_OK(vi_trigger(self->fd, self->idev_id));
	ASSERT_EQ(sizeof(ev[0]), vi_read(qfd, ev, sizeof(ev)));
	EXPECT_EQ(0, ev[0].hdr.flags);
	EXPECT_EQ(4, ev[0].hdr.sequence);

	/* A marker followed by room: the next event replaces it */
	for (i = 0; i < 3; i++)
		ASSERT_OK(vi_trigger(self->fd, self->idev_id));
	ASSERT_EQ(sizeof(ev[0]), vi_read(qfd, ev, sizeof(ev[0])));
	EXPECT_EQ(5, ev[0].hdr.sequence);
	ASSERT_OK(vi_trigger(self->fd, self->idev_id));
	ASSERT_EQ(2 * sizeof(ev[0]), vi_read(qfd, ev, sizeof(ev)));
	EXPECT_EQ(6, ev[0].hdr.sequence);
	EXPECT_EQ(0, ev[1].hdr.flags);
	EXPECT_EQ(8, ev[1].hdr.sequence);
	close(qfd);
	ASSERT_OK(mock_replace(self->fd, self->stdev_id, self->ioas_id, NULL));
}

/*
 * An event that arrives while a reader holds another one, which it then
 * fails to copy out and puts back, leaves the queue one over its depth;
 * from there on every event must still be counted as lost, not queued.
 * The reader is held inside its copy by a userfaultfd on the page its
 * second record goes to, which is then made inaccessible.
 */
TEST_F(viommu, veventq_put_back_stays_bounded)
{
	struct vi_reader reader = { .len = 2 * sizeof(struct vi_event) };
	struct vi_event ev[8], *first;
	__u32 vdev_id, nested_id;
	char *region, *p;
	int qfd, uffd;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	region = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, region);
	region[0] = 1;
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (uffd < 0)
		SKIP(return, "no userfaultfd: %s", strerror(errno));
	ASSERT_OK(vi_uffd_arm(uffd, region + PAGE_SIZE));

	vi_present(0x31, &vdev_id, &nested_id);
	ASSERT_OK(vi_veventq_alloc(self->fd, self->viommu_id,
				   IOMMU_VEVENTQ_TYPE_SELFTEST, 2, NULL, &qfd));
	ASSERT_OK(vi_trigger(self->fd, self->idev_id));
	ASSERT_OK(vi_trigger(self->fd, self->idev_id));

	/* The first record ends where the armed page starts */
	first = (struct vi_event *)(region + PAGE_SIZE - sizeof(*first));
	reader.qfd = qfd;
	reader.buf = first;
	ASSERT_EQ(0, pthread_create(&reader.thread, NULL, vi_reader_fn,
				    &reader));
	ASSERT_TRUE(vi_uffd_wait_fault(uffd, region + PAGE_SIZE));

	/* The reader holds events 0 and 1: two more fill the queue again */
	ASSERT_OK(vi_trigger(self->fd, self->idev_id));
	ASSERT_OK(vi_trigger(self->fd, self->idev_id));
	/* Now its copy of event 1 faults, and event 1 goes back */
	ASSERT_EQ(0, mprotect(region + PAGE_SIZE, PAGE_SIZE, PROT_NONE));
	close(uffd);
	ASSERT_EQ(0, pthread_join(reader.thread, NULL));
	ASSERT_EQ(sizeof(*first), reader.got);
	EXPECT_EQ(0, first->hdr.sequence);

	/* Three queued, one over the depth: both of these are lost */
	ASSERT_OK(vi_trigger(self->fd, self->idev_id));
	ASSERT_OK(vi_trigger(self->fd, self->idev_id));
	memset(ev, 0, sizeof(ev));
	ASSERT_EQ(3 * sizeof(ev[0]) + sizeof(ev[0].hdr),
		  vi_read(qfd, ev, sizeof(ev)));
	EXPECT_EQ(1, ev[0].hdr.sequence);
	EXPECT_EQ(2, ev[1].hdr.sequence);
	EXPECT_EQ(3, ev[2].hdr.sequence);
	EXPECT_EQ(0x31, ev[2].data.virt_id);
	p = (char *)&ev[3];
	EXPECT_EQ(IOMMU_VEVENTQ_FLAG_LOST_EVENTS,
		  ((struct iommufd_vevent_header *)p)->flags);
	EXPECT_EQ(5, ((struct iommufd_vevent_header *)p)->sequence);

	/* Read out, the queue takes events again */
	ASSERT_OK(vi_trigger(self->fd, self->idev_id));
	ASSERT_EQ(sizeof(ev[0]), vi_read(qfd, ev, sizeof(ev)));
	EXPECT_EQ(0, ev[0].hdr.flags);
	EXPECT_EQ(6, ev[0].hdr.sequence);

	close(qfd);
	ASSERT_OK(mock_replace(self->fd, self->stdev_id, self->ioas_id, NULL));
	munmap(region, 2 * PAGE_SIZE);
}

TEST_F(viommu, veventq_outlives_iommufd)
{
	__u32 vdev_id, nested_id;
	struct vi_event ev;
	int qfd;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	vi_present(0x21, &vdev_id, &nested_id);
	ASSERT_OK(vi_veventq_alloc(self->fd, self->viommu_id,
				   IOMMU_VEVENTQ_TYPE_SELFTEST, 8, NULL, &qfd));
	ASSERT_OK(vi_trigger(self->fd, self->idev_id));

	/* The queue's fd keeps the context; events stay readable */
	close(self->fd);
	self->fd = emu_open();
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(sizeof(ev), vi_read(qfd, &ev, sizeof(ev)));
	EXPECT_EQ(0x21, ev.data.virt_id);
	close(qfd);
}

TEST_HARNESS_MAIN
