// SPDX-License-Identifier: GPL-2.0
/*
 * Pinned-memory accounting (VmPin, VmLck, RLIMIT_MEMLOCK) in each
 * IOMMU_OPTION_RLIMIT_MODE, cleanup on close, the IOMMU_OPTION command and
 * IOMMU_IOAS_CHANGE_PROCESS.
 *
 * Pages are pinned when something needs them; with no device yet, that is
 * an in-kernel access created through IOMMU_TEST_CMD.
 */
#include "iommufd_emu_utils.h"

#define BUF_PAGES	256
#define BUF_SIZE	(BUF_PAGES * PAGE_SIZE)
#define IOVA_BASE	0x10000000ULL

enum account_variant {
	/* CAP_IPC_LOCK kept: pins are counted in VmPin, no limit applies */
	ACCOUNT_NONE,
	/* default mode: charged to the user, limited by RLIMIT_MEMLOCK */
	ACCOUNT_USER,
	/* RLIMIT_MODE 1: charged to the mm (VmLck too), limited likewise */
	ACCOUNT_MM,
};

/* Leave CAP_IPC_LOCK in place or drop it, and pick the RLIMIT mode. */
static const char *set_up_accounting(int fd, enum account_variant mode)
{
	if (mode == ACCOUNT_NONE) {
		if (!emu_has_cap(CAP_IPC_LOCK))
			return "needs CAP_IPC_LOCK";
		return NULL;
	}
	if (emu_has_cap(CAP_IPC_LOCK) &&
	    emu_drop_effective_cap(CAP_IPC_LOCK))
		return "cannot drop CAP_IPC_LOCK";
	if (mode == ACCOUNT_MM) {
		if (!emu_has_cap(CAP_SYS_RESOURCE))
			return "RLIMIT_MODE needs CAP_SYS_RESOURCE";
		if (emu_set_rlimit_mode(fd, RLIMIT_MODE_MM))
			return "cannot set RLIMIT_MODE 1";
	}
	return NULL;
}

FIXTURE(accounting)
{
	int fd;
	__u32 ioas_id;
	__u8 *buf;
	long pinned_base;
	long locked_base;
	const char *skip;
};

FIXTURE_VARIANT(accounting)
{
	enum account_variant mode;
};

FIXTURE_VARIANT_ADD(accounting, none)
{
	.mode = ACCOUNT_NONE,
};

FIXTURE_VARIANT_ADD(accounting, user)
{
	.mode = ACCOUNT_USER,
};

FIXTURE_VARIANT_ADD(accounting, mm)
{
	.mode = ACCOUNT_MM,
};

FIXTURE_SETUP(accounting)
{
	self->fd = emu_open();
	ASSERT_LE(0, self->fd)
		TH_LOG("cannot open %s: %s", emu_dev_path(), strerror(errno));
	self->skip = set_up_accounting(self->fd, variant->mode);
	if (!self->skip && !emu_test_cmd_available(self->fd))
		self->skip = NO_TEST_CMD;

	test_ioctl_ioas_alloc(&self->ioas_id);
	self->buf = emu_alloc_buffer(BUF_SIZE, PAGE_SIZE);
	ASSERT_NE(NULL, self->buf);
	self->pinned_base = my_pinned();
	self->locked_base = my_locked();
	ASSERT_LE(0, self->pinned_base);
	ASSERT_LE(0, self->locked_base);
}

FIXTURE_TEARDOWN(accounting)
{
	close(self->fd);
	EXPECT_EQ(self->pinned_base, my_pinned());
	EXPECT_EQ(self->locked_base, my_locked());
	emu_free_buffer(self->buf, BUF_SIZE);
}

/* VmPin always follows the pins; VmLck only in the per-mm mode. */
#define ASSERT_ACCOUNTED(_pages) do {					\
	long __pages = (_pages);					\
									\
	ASSERT_EQ(self->pinned_base + __pages, my_pinned());		\
	ASSERT_EQ(self->locked_base +					\
		  (variant->mode == ACCOUNT_MM ? __pages : 0),		\
		  my_locked());						\
} while (0)

static int map_buffer(int fd, __u32 ioas_id, void *buf, size_t len,
		      __u64 iova)
{
	return emu_ioas_map(fd, ioas_id, MAP_FIXED_RW, buf, len, &iova);
}

TEST_F(accounting, pins_counted_per_page)
{
	__u32 ids[4];
	int access_fd;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_OK(map_buffer(self->fd, self->ioas_id, self->buf, 64 * PAGE_SIZE,
			     IOVA_BASE));
	ASSERT_ACCOUNTED(0);
	test_create_access(self->ioas_id, &access_fd);

	test_access_pin(access_fd, IOVA_BASE, PAGE_SIZE, self->buf, true,
			&ids[0]);
	ASSERT_ACCOUNTED(1);
	test_access_pin(access_fd, IOVA_BASE + PAGE_SIZE, 3 * PAGE_SIZE,
			self->buf + PAGE_SIZE, true, &ids[1]);
	ASSERT_ACCOUNTED(4);
	test_access_pin(access_fd, IOVA_BASE + 4 * PAGE_SIZE, 60 * PAGE_SIZE,
			self->buf + 4 * PAGE_SIZE, false, &ids[2]);
	ASSERT_ACCOUNTED(64);
	/* overlapping an already pinned range adds nothing */
	test_access_pin(access_fd, IOVA_BASE, 64 * PAGE_SIZE, self->buf, true,
			&ids[3]);
	ASSERT_ACCOUNTED(64);

	test_access_unpin(access_fd, ids[2]);
	ASSERT_ACCOUNTED(64);
	test_access_unpin(access_fd, ids[3]);
	ASSERT_ACCOUNTED(4);
	test_access_unpin(access_fd, ids[0]);
	ASSERT_ACCOUNTED(3);
	test_access_unpin(access_fd, ids[1]);
	ASSERT_ACCOUNTED(0);
	close(access_fd);
}

TEST_F(accounting, file_pins_counted)
{
	int mfd = emu_memfd(32 * PAGE_SIZE);
	__u64 iova = IOVA_BASE;
	int access_fd;
	__u32 id;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_LE(0, mfd);
	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, mfd, 0,
				 32 * PAGE_SIZE, &iova);
	test_create_access(self->ioas_id, &access_fd);
	test_access_pin(access_fd, IOVA_BASE + 8 * PAGE_SIZE, 16 * PAGE_SIZE,
			NULL, true, &id);
	ASSERT_ACCOUNTED(16);
	test_access_unpin(access_fd, id);
	ASSERT_ACCOUNTED(0);
	close(access_fd);
	close(mfd);
}

/* Copies share the pages: pinning through every copy counts them once. */
TEST_F(accounting, copies_counted_once)
{
	__u32 copies[2];
	int access_fds[3];
	__u64 iova;
	int i;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_OK(map_buffer(self->fd, self->ioas_id, self->buf, 32 * PAGE_SIZE,
			     IOVA_BASE));
	for (i = 0; i < 2; i++) {
		test_ioctl_ioas_alloc(&copies[i]);
		iova = IOVA_BASE;
		test_ioctl_ioas_copy(MAP_FIXED_RW, copies[i], &iova,
				     self->ioas_id, IOVA_BASE, 32 * PAGE_SIZE);
	}
	test_create_access(self->ioas_id, &access_fds[0]);
	test_create_access(copies[0], &access_fds[1]);
	test_create_access(copies[1], &access_fds[2]);
	for (i = 0; i < 3; i++)
		test_access_pin(access_fds[i], IOVA_BASE, 32 * PAGE_SIZE,
				self->buf, true, NULL);
	ASSERT_ACCOUNTED(32);
	test_check_refs(self->buf, 32 * PAGE_SIZE, 1);

	for (i = 0; i < 3; i++) {
		ASSERT_ACCOUNTED(32);
		close(access_fds[i]);
	}
	ASSERT_ACCOUNTED(0);
	test_check_refs(self->buf, 32 * PAGE_SIZE, 0);
}

/*
 * RLIMIT_MEMLOCK bounds what can be pinned unless CAP_IPC_LOCK is held:
 * ENOMEM past it, and unpinning gives the room back.
 */
TEST_F(accounting, memlock_limit)
{
	struct rlimit limit = {
		.rlim_cur = 64 * PAGE_SIZE, .rlim_max = 64 * PAGE_SIZE,
	};
	bool limited = variant->mode != ACCOUNT_NONE;
	int access_fd;
	__u32 id1, id2;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &limit));
	ASSERT_OK(map_buffer(self->fd, self->ioas_id, self->buf, BUF_SIZE,
			     IOVA_BASE));
	test_create_access(self->ioas_id, &access_fd);

	/* more than the limit in one go */
	if (limited) {
		test_err_access_pin(ENOMEM, access_fd, IOVA_BASE,
				    80 * PAGE_SIZE, NULL, true);
		ASSERT_ACCOUNTED(0);
		test_check_refs(self->buf, 80 * PAGE_SIZE, 0);
	}

	test_access_pin(access_fd, IOVA_BASE, 48 * PAGE_SIZE, self->buf, true,
			&id1);
	ASSERT_ACCOUNTED(48);
	/* 48 more pages do not fit next to the first 48 */
	if (limited) {
		test_err_access_pin(ENOMEM, access_fd,
				    IOVA_BASE + 64 * PAGE_SIZE, 48 * PAGE_SIZE,
				    NULL, true);
		ASSERT_ACCOUNTED(48);
		test_access_unpin(access_fd, id1);
		ASSERT_ACCOUNTED(0);
	}
	test_access_pin(access_fd, IOVA_BASE + 64 * PAGE_SIZE, 48 * PAGE_SIZE,
			self->buf + 64 * PAGE_SIZE, true, &id2);
	ASSERT_ACCOUNTED(limited ? 48 : 96);
	close(access_fd);
	ASSERT_ACCOUNTED(0);
}

/* A pin that fails half way leaves no accounting behind. */
TEST_F(accounting, failed_pin_unaccounted)
{
	__u8 *hole;
	int access_fd;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	hole = mmap(NULL, 16 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	memset(hole, 3, 8 * PAGE_SIZE);
	ASSERT_EQ(0, munmap(hole + 8 * PAGE_SIZE, 8 * PAGE_SIZE));

	ASSERT_OK(map_buffer(self->fd, self->ioas_id, hole, 16 * PAGE_SIZE,
			     IOVA_BASE));
	test_create_access(self->ioas_id, &access_fd);
	test_err_access_pin(EFAULT, access_fd, IOVA_BASE, 16 * PAGE_SIZE, NULL,
			    true);
	ASSERT_ACCOUNTED(0);
	test_check_refs(hole, 8 * PAGE_SIZE, 0);
	close(access_fd);
	munmap(hole, 8 * PAGE_SIZE);
}

TEST_F(accounting, unmap_unaccounts)
{
	int access_fd;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_OK(map_buffer(self->fd, self->ioas_id, self->buf, 16 * PAGE_SIZE,
			     IOVA_BASE));
	test_create_access(self->ioas_id, &access_fd);
	test_access_pin(access_fd, IOVA_BASE, 16 * PAGE_SIZE, self->buf, true,
			NULL);
	ASSERT_ACCOUNTED(16);
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE, 16 * PAGE_SIZE,
			      16 * PAGE_SIZE);
	ASSERT_ACCOUNTED(0);
	test_check_refs(self->buf, 16 * PAGE_SIZE, 0);
	close(access_fd);
}

/*
 * Closing everything releases every pin and all accounting, whichever of
 * the context and its accesses goes first.
 */
static void pin_a_lot(struct __test_metadata *_metadata, int fd,
		      __u32 ioas_id, __u8 *buf, int mfd, int access_fds[2])
{
	__u64 iova;
	__u32 copy;
	int i;

	/* user memory in 8 mappings of 32 pages */
	for (i = 0; i < 8; i++)
		ASSERT_OK(map_buffer(fd, ioas_id, buf + i * 32 * PAGE_SIZE,
				     32 * PAGE_SIZE,
				     IOVA_BASE + i * 32 * PAGE_SIZE));
	/* a file mapping */
	iova = 2 * IOVA_BASE;
	ASSERT_OK(emu_ioas_map_file(fd, ioas_id, MAP_FIXED_RW, mfd, 0,
				    64 * PAGE_SIZE, &iova));
	/* and a copy of everything in a second IOAS */
	ASSERT_OK(emu_ioas_alloc(fd, &copy));
	iova = IOVA_BASE;
	ASSERT_OK(emu_ioas_copy(fd, MAP_FIXED_RW, copy, &iova, ioas_id,
				IOVA_BASE, BUF_SIZE));
	iova = 2 * IOVA_BASE;
	ASSERT_OK(emu_ioas_copy(fd, MAP_FIXED_RW, copy, &iova, ioas_id,
				2 * IOVA_BASE, 64 * PAGE_SIZE));

	ASSERT_OK(emu_test_create_access(fd, ioas_id, &access_fds[0]));
	ASSERT_OK(emu_test_create_access(fd, copy, &access_fds[1]));
	for (i = 0; i < 2; i++) {
		ASSERT_OK(emu_test_access_pin(fd, access_fds[i], IOVA_BASE,
					      BUF_SIZE, buf, true, NULL));
		ASSERT_OK(emu_test_access_pin(fd, access_fds[i],
					      2 * IOVA_BASE, 64 * PAGE_SIZE,
					      NULL, true, NULL));
	}
}

TEST_F(accounting, close_releases_all)
{
	int mfd = emu_memfd(64 * PAGE_SIZE);
	int access_fds[2];
	int fd;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_LE(0, mfd);
	pin_a_lot(_metadata, self->fd, self->ioas_id, self->buf, mfd,
		  access_fds);
	ASSERT_ACCOUNTED(BUF_PAGES + 64);
	test_check_refs(self->buf, BUF_SIZE, 1);

	/* the context first: the accesses keep it alive until they go */
	close(self->fd);
	self->fd = -1;
	ASSERT_ACCOUNTED(BUF_PAGES + 64);
	close(access_fds[0]);
	close(access_fds[1]);
	ASSERT_ACCOUNTED(0);

	fd = emu_open();
	ASSERT_LE(0, fd);
	ASSERT_OK(emu_test_check_refs(fd, self->buf, BUF_SIZE, 0));
	close(fd);
	close(mfd);
}

TEST_F(accounting, close_accesses_first)
{
	int mfd = emu_memfd(64 * PAGE_SIZE);
	int access_fds[2];

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_LE(0, mfd);
	pin_a_lot(_metadata, self->fd, self->ioas_id, self->buf, mfd,
		  access_fds);
	ASSERT_ACCOUNTED(BUF_PAGES + 64);
	close(access_fds[1]);
	ASSERT_ACCOUNTED(BUF_PAGES + 64);
	close(access_fds[0]);
	ASSERT_ACCOUNTED(0);
	/* the mappings themselves hold no pins; closing the fd is clean */
	close(self->fd);
	self->fd = -1;
	ASSERT_ACCOUNTED(0);
	close(mfd);
}

FIXTURE(option)
{
	int fd;
	__u32 ioas_id;
};

FIXTURE_SETUP(option)
{
	self->fd = emu_open();
	ASSERT_LE(0, self->fd)
		TH_LOG("cannot open %s: %s", emu_dev_path(), strerror(errno));
}

FIXTURE_TEARDOWN(option)
{
	close(self->fd);
}

static int get_rlimit_mode(int fd, __u64 *val)
{
	return emu_option(fd, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_GET, 0,
			  val);
}

TEST_F(option, rlimit_mode_default)
{
	__u64 val = 12345;

	ASSERT_OK(get_rlimit_mode(self->fd, &val));
	ASSERT_EQ(0, val);
}

TEST_F(option, rlimit_mode_set)
{
	__u64 val = 0;
	int other;

	if (!emu_has_cap(CAP_SYS_RESOURCE))
		SKIP(return, "needs CAP_SYS_RESOURCE");
	ASSERT_OK(emu_set_rlimit_mode(self->fd, RLIMIT_MODE_MM));
	ASSERT_OK(get_rlimit_mode(self->fd, &val));
	ASSERT_EQ(1, val);

	/* the mode belongs to the context */
	other = emu_open();
	ASSERT_LE(0, other);
	ASSERT_OK(get_rlimit_mode(other, &val));
	ASSERT_EQ(0, val);
	close(other);

	ASSERT_OK(emu_set_rlimit_mode(self->fd, RLIMIT_MODE_USER));
	ASSERT_OK(get_rlimit_mode(self->fd, &val));
	ASSERT_EQ(0, val);
	/* setting the current value again is fine */
	ASSERT_OK(emu_set_rlimit_mode(self->fd, RLIMIT_MODE_USER));
}

TEST_F(option, rlimit_mode_bad_value)
{
	__u64 val = 0;

	if (!emu_has_cap(CAP_SYS_RESOURCE))
		SKIP(return, "needs CAP_SYS_RESOURCE");
	ASSERT_OK(emu_set_rlimit_mode(self->fd, RLIMIT_MODE_MM));
	ASSERT_ERR(EINVAL, emu_set_rlimit_mode(self->fd, 2));
	ASSERT_ERR(EINVAL, emu_set_rlimit_mode(self->fd, 1ULL << 32));
	ASSERT_ERR(EINVAL, emu_set_rlimit_mode(self->fd, UINT64_MAX));
	ASSERT_OK(get_rlimit_mode(self->fd, &val));
	ASSERT_EQ(1, val);
}

/* The mode can only change while the context holds no object. */
TEST_F(option, rlimit_mode_busy)
{
	__u64 val = 0;
	__u32 id;

	if (!emu_has_cap(CAP_SYS_RESOURCE))
		SKIP(return, "needs CAP_SYS_RESOURCE");
	test_ioctl_ioas_alloc(&id);
	ASSERT_ERR(EBUSY, emu_set_rlimit_mode(self->fd, RLIMIT_MODE_MM));
	ASSERT_ERR(EBUSY, emu_set_rlimit_mode(self->fd, RLIMIT_MODE_USER));
	/* busy is reported before the value is looked at */
	ASSERT_ERR(EBUSY, emu_set_rlimit_mode(self->fd, 2));
	/* reading is always fine */
	ASSERT_OK(get_rlimit_mode(self->fd, &val));
	ASSERT_EQ(0, val);

	test_ioctl_destroy(id);
	ASSERT_OK(emu_set_rlimit_mode(self->fd, RLIMIT_MODE_MM));
	ASSERT_OK(get_rlimit_mode(self->fd, &val));
	ASSERT_EQ(1, val);
}

struct option_child {
	int fd;
	bool with_object;
};

/* In a child without CAP_SYS_RESOURCE: reading works, setting does not. */
static int rlimit_mode_without_cap(void *arg)
{
	struct option_child *c = arg;
	__u64 val = 7;

	CHILD_CHECK(emu_drop_effective_cap(CAP_SYS_RESOURCE) == 0);
	CHILD_CHECK(!emu_has_cap(CAP_SYS_RESOURCE));
	CHILD_CHECK(get_rlimit_mode(c->fd, &val) == 0);
	CHILD_CHECK(val == 0);
	CHILD_CHECK(emu_set_rlimit_mode(c->fd, RLIMIT_MODE_MM) == -EPERM);
	CHILD_CHECK(emu_set_rlimit_mode(c->fd, RLIMIT_MODE_USER) == -EPERM);
	/* the permission check comes before the value and busy checks */
	CHILD_CHECK(emu_set_rlimit_mode(c->fd, 2) == -EPERM);
	CHILD_CHECK(get_rlimit_mode(c->fd, &val) == 0);
	CHILD_CHECK(val == 0);
	return 0;
}

TEST_F(option, rlimit_mode_needs_cap_sys_resource)
{
	struct option_child c = { .fd = self->fd };
	__u64 val = 0;
	__u32 id;

	if (!emu_has_cap(CAP_SYS_RESOURCE))
		SKIP(return, "needs CAP_SYS_RESOURCE");
	ASSERT_EQ(0, emu_run_child(rlimit_mode_without_cap, &c));
	test_ioctl_ioas_alloc(&id);
	ASSERT_EQ(0, emu_run_child(rlimit_mode_without_cap, &c));
	test_ioctl_destroy(id);

	/* the parent kept its capability, and the mode is unchanged */
	ASSERT_OK(get_rlimit_mode(self->fd, &val));
	ASSERT_EQ(0, val);
	ASSERT_OK(emu_set_rlimit_mode(self->fd, RLIMIT_MODE_MM));
}

TEST_F(option, rlimit_mode_is_global)
{
	__u64 val = 1;
	__u32 id;

	/* the option has no object: any object id is refused */
	test_err_option(EOPNOTSUPP, IOMMU_OPTION_RLIMIT_MODE,
			IOMMU_OPTION_OP_GET, 1, &val);
	test_ioctl_ioas_alloc(&id);
	test_err_option(EOPNOTSUPP, IOMMU_OPTION_RLIMIT_MODE,
			IOMMU_OPTION_OP_GET, id, &val);
	test_err_option(EOPNOTSUPP, IOMMU_OPTION_RLIMIT_MODE,
			IOMMU_OPTION_OP_SET, id, &val);
}

TEST_F(option, bad_op)
{
	__u64 val = 0;
	__u32 id;

	test_err_option(EOPNOTSUPP, IOMMU_OPTION_RLIMIT_MODE, 2, 0, &val);
	test_err_option(EOPNOTSUPP, IOMMU_OPTION_RLIMIT_MODE, 0xffff, 0, &val);
	test_ioctl_ioas_alloc(&id);
	test_err_option(EOPNOTSUPP, IOMMU_OPTION_HUGE_PAGES, 2, id, &val);
	test_err_option(EOPNOTSUPP, IOMMU_OPTION_HUGE_PAGES, 0xffff, id, &val);
	/* for a per-IOAS option the object is looked up first */
	test_err_option(ENOENT, IOMMU_OPTION_HUGE_PAGES, 2, id + 1, &val);
}

TEST_F(option, bad_option_id)
{
	__u64 val = 0;
	__u32 id;

	test_ioctl_ioas_alloc(&id);
	test_err_option(EOPNOTSUPP, 2, IOMMU_OPTION_OP_GET, 0, &val);
	test_err_option(EOPNOTSUPP, 2, IOMMU_OPTION_OP_GET, id, &val);
	test_err_option(EOPNOTSUPP, UINT32_MAX, IOMMU_OPTION_OP_SET, id, &val);
}

TEST_F(option, reserved_field)
{
	struct iommu_option cmd = {
		.size = sizeof(cmd),
		.option_id = IOMMU_OPTION_RLIMIT_MODE,
		.op = IOMMU_OPTION_OP_GET,
		.__reserved = 1,
	};
	__u32 id;

	ASSERT_ERR(EOPNOTSUPP, emu_ioctl(self->fd, IOMMU_OPTION, &cmd));
	test_ioctl_ioas_alloc(&id);
	cmd.option_id = IOMMU_OPTION_HUGE_PAGES;
	cmd.object_id = id;
	ASSERT_ERR(EOPNOTSUPP, emu_ioctl(self->fd, IOMMU_OPTION, &cmd));
	cmd.__reserved = 0;
	ASSERT_OK(emu_ioctl(self->fd, IOMMU_OPTION, &cmd));
	ASSERT_EQ(1, cmd.val64);
}

/* GET writes the value back into the caller's struct, nothing else. */
TEST_F(option, get_writes_val64)
{
	struct iommu_option cmd = {
		.size = sizeof(cmd),
		.option_id = IOMMU_OPTION_HUGE_PAGES,
		.op = IOMMU_OPTION_OP_GET,
		.val64 = 0xdead,
	};

	test_ioctl_ioas_alloc(&cmd.object_id);
	ASSERT_OK(emu_ioctl(self->fd, IOMMU_OPTION, &cmd));
	ASSERT_EQ(1, cmd.val64);
	ASSERT_EQ(sizeof(cmd), cmd.size);
	ASSERT_EQ(IOMMU_OPTION_HUGE_PAGES, cmd.option_id);
	ASSERT_EQ(IOMMU_OPTION_OP_GET, cmd.op);
}

TEST_F(option, huge_pages_get_set)
{
	__u32 a, b;
	__u64 val = 0;

	test_ioctl_ioas_alloc(&a);
	test_ioctl_ioas_alloc(&b);
	test_ioctl_option(IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, a, &val);
	ASSERT_EQ(1, val);

	ASSERT_OK(emu_set_huge_pages(self->fd, a, 0));
	test_ioctl_option(IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, a, &val);
	ASSERT_EQ(0, val);
	/* per IOAS */
	test_ioctl_option(IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, b, &val);
	ASSERT_EQ(1, val);
	/* again, and back */
	ASSERT_OK(emu_set_huge_pages(self->fd, a, 0));
	ASSERT_OK(emu_set_huge_pages(self->fd, a, 1));
	test_ioctl_option(IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, a, &val);
	ASSERT_EQ(1, val);
}

TEST_F(option, huge_pages_bad_value)
{
	__u64 val = 0;
	__u32 id;

	test_ioctl_ioas_alloc(&id);
	ASSERT_ERR(EINVAL, emu_set_huge_pages(self->fd, id, 2));
	ASSERT_ERR(EINVAL, emu_set_huge_pages(self->fd, id, UINT64_MAX));
	test_ioctl_option(IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, id,
			  &val);
	ASSERT_EQ(1, val);
}

TEST_F(option, huge_pages_bad_object)
{
	__u64 val = 1;
	__u32 id;

	test_err_option(ENOENT, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, 0,
			&val);
	test_err_option(ENOENT, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, 0,
			&val);
	test_ioctl_ioas_alloc(&id);
	test_ioctl_destroy(id);
	test_err_option(ENOENT, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET,
			id, &val);
	test_err_option(ENOENT, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET,
			id, &val);
	/* a bad value does not matter when the object is missing */
	val = 2;
	test_err_option(ENOENT, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET,
			id, &val);
}

FIXTURE(change_process)
{
	int fd;
	__u32 ioas_id;
	int mfd;
	long pinned_base;
	long locked_base;
	const char *skip;
};

FIXTURE_VARIANT(change_process)
{
	enum account_variant mode;
};

FIXTURE_VARIANT_ADD(change_process, user)
{
	.mode = ACCOUNT_USER,
};

FIXTURE_VARIANT_ADD(change_process, mm)
{
	.mode = ACCOUNT_MM,
};

#define MFD_PAGES 16

FIXTURE_SETUP(change_process)
{
	self->fd = emu_open();
	ASSERT_LE(0, self->fd)
		TH_LOG("cannot open %s: %s", emu_dev_path(), strerror(errno));
	self->skip = set_up_accounting(self->fd, variant->mode);
	if (!self->skip && !emu_test_cmd_available(self->fd))
		self->skip = NO_TEST_CMD;
	test_ioctl_ioas_alloc(&self->ioas_id);
	self->mfd = emu_memfd(MFD_PAGES * PAGE_SIZE);
	ASSERT_LE(0, self->mfd);
	self->pinned_base = my_pinned();
	self->locked_base = my_locked();
}

FIXTURE_TEARDOWN(change_process)
{
	close(self->fd);
	close(self->mfd);
	EXPECT_EQ(self->pinned_base, my_pinned());
	EXPECT_EQ(self->locked_base, my_locked());
}

/* Accounting of another process, relative to nothing pinned there. */
static bool accounted_to(pid_t pid, long pinned_base, long locked_base,
			 enum account_variant mode, long pages)
{
	return emu_pinned_pages(pid) == pinned_base + pages &&
	       emu_locked_pages(pid) ==
			locked_base + (mode == ACCOUNT_MM ? pages : 0);
}

/* Assert the accounting of this process, logging what it found. */
#define ASSERT_MINE(_pages) do {					\
	long __want = (_pages);						\
									\
	if (!accounted_to(getpid(), self->pinned_base,			\
			  self->locked_base, variant->mode, __want))	\
		TH_LOG("want %ld pages: VmPin %ld (base %ld), VmLck %ld (base %ld)", \
		       __want, my_pinned(), self->pinned_base,		\
		       my_locked(), self->locked_base);			\
	ASSERT_TRUE(accounted_to(getpid(), self->pinned_base,		\
				 self->locked_base, variant->mode,	\
				 __want));				\
} while (0)

TEST_F(change_process, reserved_field)
{
	struct iommu_ioas_change_process cmd = {
		.size = sizeof(cmd),
		.__reserved = 1,
	};

	ASSERT_ERR(EOPNOTSUPP, emu_ioctl(self->fd, IOMMU_IOAS_CHANGE_PROCESS,
					 &cmd));
	cmd.__reserved = 0;
	ASSERT_OK(emu_ioctl(self->fd, IOMMU_IOAS_CHANGE_PROCESS, &cmd));
}

TEST_F(change_process, nothing_mapped)
{
	__u32 other;

	ASSERT_OK(emu_change_process(self->fd));
	test_ioctl_ioas_alloc(&other);
	ASSERT_OK(emu_change_process(self->fd));
	test_ioctl_destroy(self->ioas_id);
	test_ioctl_destroy(other);
	ASSERT_OK(emu_change_process(self->fd));
}

/* Only file mappings can move; any user-memory mapping fails it all. */
TEST_F(change_process, user_mapping_refused)
{
	__u8 *buf = emu_alloc_buffer(PAGE_SIZE, PAGE_SIZE);
	__u64 iova = IOVA_BASE;
	__u32 other;

	ASSERT_NE(NULL, buf);
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, buf, PAGE_SIZE,
			    &iova);
	ASSERT_ERR(EINVAL, emu_change_process(self->fd));
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_BASE, PAGE_SIZE, PAGE_SIZE);
	ASSERT_OK(emu_change_process(self->fd));

	/* in any IOAS of the context */
	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, self->mfd, 0,
				 PAGE_SIZE, &iova);
	test_ioctl_ioas_alloc(&other);
	test_ioctl_ioas_map(other, MAP_RW, buf, PAGE_SIZE, &iova);
	ASSERT_ERR(EINVAL, emu_change_process(self->fd));
	test_ioctl_destroy(other);
	ASSERT_OK(emu_change_process(self->fd));
	emu_free_buffer(buf, PAGE_SIZE);
}

TEST_F(change_process, same_process)
{
	__u64 iova = IOVA_BASE;
	int access_fd;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, self->mfd, 0,
				 MFD_PAGES * PAGE_SIZE, &iova);
	test_create_access(self->ioas_id, &access_fd);
	test_access_pin(access_fd, IOVA_BASE, MFD_PAGES * PAGE_SIZE, NULL,
			true, NULL);
	ASSERT_MINE(MFD_PAGES);
	ASSERT_OK(emu_change_process(self->fd));
	ASSERT_MINE(MFD_PAGES);
	close(access_fd);
	ASSERT_MINE(0);
}

/*
 * Ping-pong between the test and a forked child, over two pipes: the child
 * takes the accounting over, then the parent takes it back while the child
 * is still alive.
 */
struct pingpong {
	int fd;
	int to_child[2];
	int to_parent[2];
	pid_t parent;
	enum account_variant mode;
	long pages;
	/* expected result of the child's CHANGE_PROCESS */
	int want_rc;
	/* if set, the child's RLIMIT_MEMLOCK, in pages */
	long limit_pages;
};

static int pingpong_child(void *arg)
{
	struct pingpong *pp = arg;
	char token = 0;
	long base_pin, base_lck;

	base_pin = emu_pinned_pages(getpid());
	base_lck = emu_locked_pages(getpid());
	CHILD_CHECK(base_pin == 0);
	if (pp->limit_pages) {
		struct rlimit limit = {
			.rlim_cur = pp->limit_pages * PAGE_SIZE,
			.rlim_max = pp->limit_pages * PAGE_SIZE,
		};

		CHILD_CHECK(setrlimit(RLIMIT_MEMLOCK, &limit) == 0);
	}

	CHILD_CHECK(emu_change_process(pp->fd) == pp->want_rc);
	if (pp->want_rc == 0) {
		CHILD_CHECK(accounted_to(getpid(), base_pin, base_lck, pp->mode,
					 pp->pages));
	} else {
		/* a failure changes nothing */
		CHILD_CHECK(accounted_to(getpid(), base_pin, base_lck, pp->mode,
					 0));
	}
	CHILD_CHECK(write(pp->to_parent[1], &token, 1) == 1);
	/* the parent takes it back, then lets us go */
	CHILD_CHECK(read(pp->to_child[0], &token, 1) == 1);
	CHILD_CHECK(accounted_to(getpid(), base_pin, base_lck, pp->mode, 0));
	return 0;
}

static void run_pingpong(struct __test_metadata *_metadata, int fd,
			 enum account_variant mode, long pages, int want_rc,
			 long limit_pages, long pinned_base, long locked_base)
{
	struct pingpong pp = {
		.fd = fd, .parent = getpid(), .mode = mode, .pages = pages,
		.want_rc = want_rc, .limit_pages = limit_pages,
	};
	char token = 0;
	int status;
	pid_t child;

	ASSERT_EQ(0, pipe(pp.to_child));
	ASSERT_EQ(0, pipe(pp.to_parent));
	fflush(stdout);
	fflush(stderr);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0)
		_exit(pingpong_child(&pp));

	close(pp.to_child[0]);
	close(pp.to_parent[1]);
	ASSERT_EQ(1, read(pp.to_parent[0], &token, 1));
	if (want_rc == 0) {
		/* all of it moved to the child */
		ASSERT_TRUE(accounted_to(getpid(), pinned_base, locked_base,
					 mode, 0));
		ASSERT_OK(emu_change_process(fd));
	}
	ASSERT_TRUE(accounted_to(getpid(), pinned_base, locked_base, mode,
				 pages));
	ASSERT_EQ(1, write(pp.to_child[1], &token, 1));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	close(pp.to_child[1]);
	close(pp.to_parent[0]);
}

TEST_F(change_process, moves_to_child_and_back)
{
	__u64 iova = IOVA_BASE;
	int access_fd;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, self->mfd, 0,
				 MFD_PAGES * PAGE_SIZE, &iova);
	test_create_access(self->ioas_id, &access_fd);
	test_access_pin(access_fd, IOVA_BASE, 8 * PAGE_SIZE, NULL, true, NULL);
	ASSERT_MINE(8);

	run_pingpong(_metadata, self->fd, variant->mode, 8, 0, 0,
		     self->pinned_base, self->locked_base);

	/* the pins and their accounting are intact after the round trip */
	test_access_pin(access_fd, IOVA_BASE, MFD_PAGES * PAGE_SIZE, NULL,
			false, NULL);
	ASSERT_MINE(MFD_PAGES);
	close(access_fd);
	ASSERT_MINE(0);
}

/* Every IOAS of the context moves; shared pages are counted once. */
TEST_F(change_process, moves_every_ioas)
{
	int mfd2 = emu_memfd(4 * PAGE_SIZE);
	int access_fds[2];
	__u64 iova;
	__u32 other;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_LE(0, mfd2);
	test_ioctl_ioas_alloc(&other);
	iova = IOVA_BASE;
	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, self->mfd, 0,
				 MFD_PAGES * PAGE_SIZE, &iova);
	iova = IOVA_BASE;
	test_ioctl_ioas_copy(MAP_FIXED_RW, other, &iova, self->ioas_id,
			     IOVA_BASE, MFD_PAGES * PAGE_SIZE);
	iova = 2 * IOVA_BASE;
	test_ioctl_ioas_map_file(other, MAP_FIXED_RW, mfd2, 0, 4 * PAGE_SIZE,
				 &iova);
	test_create_access(self->ioas_id, &access_fds[0]);
	test_create_access(other, &access_fds[1]);
	test_access_pin(access_fds[0], IOVA_BASE, MFD_PAGES * PAGE_SIZE, NULL,
			true, NULL);
	test_access_pin(access_fds[1], IOVA_BASE, MFD_PAGES * PAGE_SIZE, NULL,
			true, NULL);
	test_access_pin(access_fds[1], 2 * IOVA_BASE, 4 * PAGE_SIZE, NULL,
			true, NULL);
	ASSERT_MINE(MFD_PAGES + 4);

	run_pingpong(_metadata, self->fd, variant->mode, MFD_PAGES + 4, 0, 0,
		     self->pinned_base, self->locked_base);

	close(access_fds[0]);
	close(access_fds[1]);
	ASSERT_MINE(0);
	close(mfd2);
}

/* A refused change leaves the accounting where it was. */
TEST_F(change_process, refused_changes_nothing)
{
	__u8 *buf = emu_alloc_buffer(PAGE_SIZE, PAGE_SIZE);
	__u64 iova = IOVA_BASE;
	int access_fd;
	__u32 other;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_NE(NULL, buf);
	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, self->mfd, 0,
				 MFD_PAGES * PAGE_SIZE, &iova);
	test_create_access(self->ioas_id, &access_fd);
	test_access_pin(access_fd, IOVA_BASE, MFD_PAGES * PAGE_SIZE, NULL,
			true, NULL);
	test_ioctl_ioas_alloc(&other);
	test_ioctl_ioas_map(other, MAP_RW, buf, PAGE_SIZE, &iova);

	run_pingpong(_metadata, self->fd, variant->mode, MFD_PAGES, -EINVAL, 0,
		     self->pinned_base, self->locked_base);
	close(access_fd);
	emu_free_buffer(buf, PAGE_SIZE);
}

/*
 * The new process must be allowed to lock what it takes over: ENOMEM past
 * its RLIMIT_MEMLOCK, and nothing moves.
 */
TEST_F(change_process, over_memlock_limit)
{
	__u64 iova = IOVA_BASE;
	int access_fd;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_ioctl_ioas_map_file(self->ioas_id, MAP_FIXED_RW, self->mfd, 0,
				 MFD_PAGES * PAGE_SIZE, &iova);
	test_create_access(self->ioas_id, &access_fd);
	test_access_pin(access_fd, IOVA_BASE, MFD_PAGES * PAGE_SIZE, NULL,
			true, NULL);
	ASSERT_MINE(MFD_PAGES);

	run_pingpong(_metadata, self->fd, variant->mode, MFD_PAGES, -ENOMEM,
		     MFD_PAGES / 2, self->pinned_base, self->locked_base);
	close(access_fd);
	ASSERT_MINE(0);
}

TEST_HARNESS_MAIN
