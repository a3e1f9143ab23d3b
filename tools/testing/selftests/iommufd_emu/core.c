// SPDX-License-Identifier: GPL-2.0
/*
 * Object core and ioctl ABI rules of /dev/iommu: the device node, object
 * ids, IOMMU_DESTROY, IOMMU_IOAS_ALLOC, the size/trailing-bytes rules that
 * every command shares, unknown commands and commands not implemented yet.
 */
#include <stddef.h>

#include "iommufd_emu_utils.h"

/* A command and the size of its struct. */
struct cmd_desc {
	const char *name;
	unsigned long cmd;
	size_t size;
};

#define CMD_DESC(_cmd, _type) \
	{ .name = #_cmd, .cmd = _cmd, .size = sizeof(_type) }

/*
 * The commands implemented by the foundation.  Each needs its whole struct:
 * every member is part of the smallest accepted size.
 */
static const struct cmd_desc implemented_cmds[] = {
	CMD_DESC(IOMMU_DESTROY, struct iommu_destroy),
	CMD_DESC(IOMMU_IOAS_ALLOC, struct iommu_ioas_alloc),
	CMD_DESC(IOMMU_IOAS_ALLOW_IOVAS, struct iommu_ioas_allow_iovas),
	CMD_DESC(IOMMU_IOAS_COPY, struct iommu_ioas_copy),
	CMD_DESC(IOMMU_IOAS_IOVA_RANGES, struct iommu_ioas_iova_ranges),
	CMD_DESC(IOMMU_IOAS_MAP, struct iommu_ioas_map),
	CMD_DESC(IOMMU_IOAS_UNMAP, struct iommu_ioas_unmap),
	CMD_DESC(IOMMU_OPTION, struct iommu_option),
	CMD_DESC(IOMMU_IOAS_MAP_FILE, struct iommu_ioas_map_file),
	CMD_DESC(IOMMU_IOAS_CHANGE_PROCESS, struct iommu_ioas_change_process),
	CMD_DESC(IOMMU_VFIO_IOAS, struct iommu_vfio_ioas),
	CMD_DESC(IOMMU_HWPT_SET_DIRTY_TRACKING,
		 struct iommu_hwpt_set_dirty_tracking),
	CMD_DESC(IOMMU_HWPT_GET_DIRTY_BITMAP,
		 struct iommu_hwpt_get_dirty_bitmap),
	CMD_DESC(IOMMU_HWPT_INVALIDATE, struct iommu_hwpt_invalidate),
	CMD_DESC(IOMMU_FAULT_QUEUE_ALLOC, struct iommu_fault_alloc),
	CMD_DESC(IOMMU_VDEVICE_ALLOC, struct iommu_vdevice_alloc),
	CMD_DESC(IOMMU_HW_QUEUE_ALLOC, struct iommu_hw_queue_alloc),
};

/*
 * Commands of the uAPI that later issues implement: EOPNOTSUPP for now.
 * IOMMU_HWPT_ALLOC's and IOMMU_GET_HW_INFO's rules are tested in attach.c,
 * IOMMU_HWPT_SET_DIRTY_TRACKING's and IOMMU_HWPT_GET_DIRTY_BITMAP's in
 * dirty.c, IOMMU_VIOMMU_ALLOC's in viommu.c.
 */
static const struct cmd_desc pending_cmds[] = {
	CMD_DESC(IOMMU_VEVENTQ_ALLOC, struct iommu_veventq_alloc),
#ifdef IOMMU_IOAS_NOIOMMU_GET_PA
	CMD_DESC(IOMMU_IOAS_NOIOMMU_GET_PA, struct iommu_ioas_noiommu_get_pa),
#endif
};

/*
 * What an all-zero command (apart from its size) returns on a fresh file
 * descriptor, used to show that zero trailing bytes change nothing.
 */
static int zero_cmd_result(unsigned long cmd)
{
	switch (cmd) {
	case IOMMU_IOAS_ALLOC:
	case IOMMU_IOAS_CHANGE_PROCESS:
	/* a fault queue needs no arguments (its fd goes with the context) */
	case IOMMU_FAULT_QUEUE_ALLOC:
		return 0;
	case IOMMU_OPTION:
		/* RLIMIT_MODE, OP_SET, value 0 on an empty context */
		return emu_has_cap(CAP_SYS_RESOURCE) ? 0 : -EPERM;
	case IOMMU_IOAS_MAP:
	case IOMMU_IOAS_MAP_FILE:
	case IOMMU_IOAS_COPY:
		/* neither READABLE nor WRITEABLE */
		return -EINVAL;
	case IOMMU_VFIO_IOAS:
		/* GET, and no compat IOAS was installed */
		return -ENODEV;
	case IOMMU_HW_QUEUE_ALLOC:
		/* type 0 is the default type, which no driver has */
		return -EOPNOTSUPP;
	default:
		/* object id 0 never exists */
		return -ENOENT;
	}
}

#define BUF_PAGES 4

FIXTURE(core)
{
	int fd;
	/* BUF_PAGES read/write pages followed by one PROT_NONE page */
	__u8 *buf;
};

FIXTURE_SETUP(core)
{
	self->fd = emu_open();
	ASSERT_LE(0, self->fd)
		TH_LOG("cannot open %s: %s", emu_dev_path(), strerror(errno));

	self->buf = mmap(NULL, (BUF_PAGES + 1) * PAGE_SIZE,
			 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	ASSERT_EQ(0, mprotect(self->buf + BUF_PAGES * PAGE_SIZE, PAGE_SIZE,
			      PROT_NONE));
}

FIXTURE_TEARDOWN(core)
{
	if (self->buf && self->buf != MAP_FAILED)
		munmap(self->buf, (BUF_PAGES + 1) * PAGE_SIZE);
	close(self->fd);
}

/* A zeroed command of @len bytes whose last byte is the last readable one. */
static void *cmd_at_guard(__u8 *buf, size_t len)
{
	__u8 *p = buf + BUF_PAGES * PAGE_SIZE - len;

	memset(buf, 0, BUF_PAGES * PAGE_SIZE);
	return p;
}

static void set_size(void *cmd, __u32 size)
{
	memcpy(cmd, &size, sizeof(size));
}

TEST_F(core, dev_node)
{
	struct stat st;

	ASSERT_EQ(0, stat(emu_dev_path(), &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	ASSERT_EQ(0660, st.st_mode & 07777);
}

TEST_F(core, ids_start_at_one)
{
	__u32 id1, id2, id3;

	test_ioctl_ioas_alloc(&id1);
	test_ioctl_ioas_alloc(&id2);
	test_ioctl_ioas_alloc(&id3);
	ASSERT_EQ(1, id1);
	ASSERT_EQ(2, id2);
	ASSERT_EQ(3, id3);
}

/* Each open file is its own context with its own id space. */
TEST_F(core, contexts_are_per_open)
{
	int fds[8];
	__u32 id;
	int i;

	test_ioctl_ioas_alloc(&id);
	ASSERT_EQ(1, id);

	for (i = 0; i < 8; i++) {
		fds[i] = emu_open();
		ASSERT_LE(0, fds[i]);
		ASSERT_OK(emu_ioas_alloc(fds[i], &id));
		ASSERT_EQ(1, id);
	}
	/* id 2 exists only in fds[0] */
	ASSERT_OK(emu_ioas_alloc(fds[0], &id));
	ASSERT_EQ(2, id);
	test_err_destroy(ENOENT, 2);
	ASSERT_ERR(ENOENT, emu_destroy(fds[1], 2));
	ASSERT_OK(emu_destroy(fds[0], 2));

	/* destroying id 1 in one context leaves the others alone */
	ASSERT_OK(emu_destroy(fds[3], 1));
	ASSERT_ERR(ENOENT, emu_destroy(fds[3], 1));
	for (i = 0; i < 8; i++) {
		if (i != 3)
			ASSERT_OK(emu_destroy(fds[i], 1));
		close(fds[i]);
	}
	test_ioctl_destroy(1);
}

TEST_F(core, destroy)
{
	__u32 id;

	test_ioctl_ioas_alloc(&id);
	test_ioctl_destroy(id);
	/* gone: a second destroy and any use of the id fail */
	test_err_destroy(ENOENT, id);
	ASSERT_ERR(ENOENT, emu_ioas_unmap(self->fd, id, 0, UINT64_MAX, NULL));
}

TEST_F(core, destroy_unknown_id)
{
	__u32 id;

	test_err_destroy(ENOENT, 0);
	test_err_destroy(ENOENT, 1);
	test_err_destroy(ENOENT, 12345);
	test_err_destroy(ENOENT, UINT32_MAX);
	test_err_destroy(ENOENT, 1U << 31);

	test_ioctl_ioas_alloc(&id);
	test_err_destroy(ENOENT, 0);
	test_err_destroy(ENOENT, id + 1);
	test_ioctl_destroy(id);
}

/* The lowest free id is handed out again after a destroy. */
TEST_F(core, destroy_frees_id)
{
	__u32 a, b, c;

	test_ioctl_ioas_alloc(&a);
	test_ioctl_ioas_alloc(&b);
	test_ioctl_destroy(a);
	test_ioctl_ioas_alloc(&c);
	ASSERT_EQ(a, c);
	test_ioctl_destroy(b);
	test_ioctl_destroy(c);
	test_err_destroy(ENOENT, a);
	test_err_destroy(ENOENT, b);
}

TEST_F(core, ioas_alloc_flags)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	__u32 id;

	cmd.flags = 1;
	ASSERT_ERR(EOPNOTSUPP, emu_ioctl(self->fd, IOMMU_IOAS_ALLOC, &cmd));
	cmd.flags = 1U << 31;
	ASSERT_ERR(EOPNOTSUPP, emu_ioctl(self->fd, IOMMU_IOAS_ALLOC, &cmd));
	cmd.flags = UINT32_MAX;
	ASSERT_ERR(EOPNOTSUPP, emu_ioctl(self->fd, IOMMU_IOAS_ALLOC, &cmd));

	/* nothing was created */
	test_err_destroy(ENOENT, 1);
	test_ioctl_ioas_alloc(&id);
	ASSERT_EQ(1, id);
}

/*
 * The result cannot be written back: the command fails with EFAULT and the
 * half-made object is gone without trace.
 */
TEST_F(core, ioas_alloc_readonly_arg)
{
	struct iommu_ioas_alloc *cmd;
	__u32 id;

	cmd = (struct iommu_ioas_alloc *)self->buf;
	memset(cmd, 0, sizeof(*cmd));
	cmd->size = sizeof(*cmd);
	ASSERT_EQ(0, mprotect(self->buf, PAGE_SIZE, PROT_READ));
	ASSERT_ERR(EFAULT, emu_ioctl(self->fd, IOMMU_IOAS_ALLOC, cmd));
	ASSERT_ERR(EFAULT, emu_ioctl(self->fd, IOMMU_IOAS_ALLOC, cmd));
	ASSERT_EQ(0, mprotect(self->buf, PAGE_SIZE, PROT_READ | PROT_WRITE));

	test_err_destroy(ENOENT, 1);
	test_err_destroy(ENOENT, 2);
	test_ioctl_ioas_alloc(&id);
	ASSERT_EQ(1, id);
}

TEST_F(core, null_arg)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(implemented_cmds); i++)
		ASSERT_RC_FOR(implemented_cmds[i].name, -EFAULT,
			      emu_ioctl(self->fd, implemented_cmds[i].cmd,
					NULL));
	for (i = 0; i < ARRAY_SIZE(pending_cmds); i++)
		ASSERT_RC_FOR(pending_cmds[i].name, -EFAULT,
			      emu_ioctl(self->fd, pending_cmds[i].cmd, NULL));
}

/* The size field cannot be read: EFAULT, whatever the command. */
TEST_F(core, unreadable_arg)
{
	void *bad = self->buf + BUF_PAGES * PAGE_SIZE;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(implemented_cmds); i++)
		ASSERT_RC_FOR(implemented_cmds[i].name, -EFAULT,
			      emu_ioctl(self->fd, implemented_cmds[i].cmd,
					bad));
}

/*
 * Too small for any command: 0, 1, just the size field; for the commands
 * implemented here also one byte short of the struct.
 */
static void check_short_sizes(struct __test_metadata *_metadata, int fd,
			      __u8 *buf, const struct cmd_desc *d,
			      bool whole_struct)
{
	__u32 sizes[] = { 0, 1, sizeof(__u32), d->size - 1 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes) - !whole_struct; i++) {
		void *cmd = cmd_at_guard(buf, d->size);

		set_size(cmd, sizes[i]);
		ASSERT_RC_FOR(d->name, -EINVAL, emu_ioctl(fd, d->cmd, cmd));
	}
}

TEST_F(core, size_too_small)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(implemented_cmds); i++)
		check_short_sizes(_metadata, self->fd, self->buf,
				  &implemented_cmds[i], true);
	for (i = 0; i < ARRAY_SIZE(pending_cmds); i++)
		check_short_sizes(_metadata, self->fd, self->buf,
				  &pending_cmds[i], false);
}

static void check_nonzero_tail(struct __test_metadata *_metadata, int fd,
			       __u8 *buf, const struct cmd_desc *d)
{
	size_t tails[] = { 1, 8, 64, PAGE_SIZE };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tails); i++) {
		__u8 *cmd = cmd_at_guard(buf, d->size + tails[i]);

		set_size(cmd, d->size + tails[i]);
		/* only the very last byte is set */
		cmd[d->size + tails[i] - 1] = 1;
		ASSERT_RC_FOR(d->name, -E2BIG, emu_ioctl(fd, d->cmd, cmd));
		/* and only the first one */
		cmd[d->size + tails[i] - 1] = 0;
		cmd[d->size] = 0x80;
		ASSERT_RC_FOR(d->name, -E2BIG, emu_ioctl(fd, d->cmd, cmd));
	}
}

TEST_F(core, size_bigger_nonzero_tail)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(implemented_cmds); i++)
		check_nonzero_tail(_metadata, self->fd, self->buf,
				   &implemented_cmds[i]);
	for (i = 0; i < ARRAY_SIZE(pending_cmds); i++)
		check_nonzero_tail(_metadata, self->fd, self->buf,
				   &pending_cmds[i]);
}

/* E2BIG is decided before the command looks at its arguments. */
TEST_F(core, size_check_before_arguments)
{
	struct {
		struct iommu_destroy cmd;
		__u64 future;
	} destroy = { .cmd = { .size = sizeof(destroy), .id = 0 } };
	struct {
		struct iommu_ioas_alloc cmd;
		__u32 future;
	} alloc = { .cmd = { .size = sizeof(alloc), .flags = 1 } };

	ASSERT_ERR(ENOENT, emu_ioctl(self->fd, IOMMU_DESTROY, &destroy));
	destroy.future = 1ULL << 63;
	ASSERT_ERR(E2BIG, emu_ioctl(self->fd, IOMMU_DESTROY, &destroy));
	destroy.cmd.size = sizeof(destroy.cmd);
	ASSERT_ERR(ENOENT, emu_ioctl(self->fd, IOMMU_DESTROY, &destroy));
	destroy.cmd.size = sizeof(destroy.cmd) - 1;
	ASSERT_ERR(EINVAL, emu_ioctl(self->fd, IOMMU_DESTROY, &destroy));

	ASSERT_ERR(EOPNOTSUPP, emu_ioctl(self->fd, IOMMU_IOAS_ALLOC, &alloc));
	alloc.future = 2;
	ASSERT_ERR(E2BIG, emu_ioctl(self->fd, IOMMU_IOAS_ALLOC, &alloc));
	test_err_destroy(ENOENT, 1);
}

/*
 * Bigger than the kernel's struct with zero trailing bytes: exactly the
 * result of the plain size, on a fresh context each time.
 */
TEST_F(core, size_bigger_zero_tail)
{
	size_t tails[] = { 0, 4, 8, 3 * PAGE_SIZE - 64 };
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(implemented_cmds); i++) {
		const struct cmd_desc *d = &implemented_cmds[i];
		int want = zero_cmd_result(d->cmd);

		for (j = 0; j < ARRAY_SIZE(tails); j++) {
			void *cmd = cmd_at_guard(self->buf,
						 d->size + tails[j]);
			int fd = emu_open();

			ASSERT_LE(0, fd);
			set_size(cmd, d->size + tails[j]);
			EXPECT_RC_FOR(d->name, want, emu_ioctl(fd, d->cmd, cmd));
			close(fd);
		}
	}
}

/* Output goes to the caller's struct; its zero tail stays untouched. */
TEST_F(core, size_bigger_output)
{
	struct {
		struct iommu_ioas_alloc cmd;
		__u8 tail[20];
	} alloc;
	__u8 zeros[20] = {};

	memset(&alloc, 0, sizeof(alloc));
	alloc.cmd.size = sizeof(alloc);
	ASSERT_OK(emu_ioctl(self->fd, IOMMU_IOAS_ALLOC, &alloc));
	ASSERT_EQ(1, alloc.cmd.out_ioas_id);
	ASSERT_EQ(sizeof(alloc), alloc.cmd.size);
	ASSERT_EQ(0, memcmp(alloc.tail, zeros, sizeof(zeros)));
	test_ioctl_destroy(1);
}

/* The trailing bytes cannot be read: EFAULT rather than success. */
TEST_F(core, size_bigger_unreadable_tail)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(implemented_cmds); i++) {
		const struct cmd_desc *d = &implemented_cmds[i];
		void *cmd = cmd_at_guard(self->buf, d->size);

		set_size(cmd, d->size + 8);
		ASSERT_RC_FOR(d->name, -EFAULT, emu_ioctl(self->fd, d->cmd, cmd));
	}
	/* no IOAS was created by the IOAS_ALLOC attempt */
	test_err_destroy(ENOENT, 1);
}

TEST_F(core, unknown_ioctl)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	unsigned long cmds[] = {
		_IO(IOMMUFD_TYPE, 0x00),
		_IO(IOMMUFD_TYPE, 0x7f),
		_IO(IOMMUFD_TYPE, 0x96),
		_IO(IOMMUFD_TYPE, 0xbf),
		_IO(IOMMUFD_TYPE, 0xff),
		/* right number, wrong type */
		_IO('x', IOMMUFD_CMD_IOAS_ALLOC),
		/* right number and type, direction/size bits set */
		_IOWR(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOC,
		      struct iommu_ioas_alloc),
		_IOR(IOMMUFD_TYPE, IOMMUFD_CMD_DESTROY, __u64),
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		char what[32];

		snprintf(what, sizeof(what), "cmd %#lx", cmds[i]);
		ASSERT_RC_FOR(what, -ENOTTY, emu_ioctl(self->fd, cmds[i], &alloc));
	}
	/* none of them created anything */
	test_err_destroy(ENOENT, 1);
}

/* Commands of later issues: EOPNOTSUPP once the generic checks pass. */
TEST_F(core, not_yet_implemented)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pending_cmds); i++) {
		const struct cmd_desc *d = &pending_cmds[i];
		void *cmd = cmd_at_guard(self->buf, d->size);

		set_size(cmd, d->size);
		ASSERT_RC_FOR(d->name, -EOPNOTSUPP,
			      emu_ioctl(self->fd, d->cmd, cmd));
		cmd = cmd_at_guard(self->buf, d->size + 16);
		set_size(cmd, d->size + 16);
		ASSERT_RC_FOR(d->name, -EOPNOTSUPP,
			      emu_ioctl(self->fd, d->cmd, cmd));
	}
}

#define SELFTEST_PARAM "/sys/module/iommufd_emu/parameters/selftest"

static int write_selftest_param(const char *val)
{
	int fd = open(SELFTEST_PARAM, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

/*
 * IOMMU_TEST_CMD exists only while the module's selftest parameter is set,
 * as upstream's exists only with CONFIG_IOMMUFD_TEST; other commands and
 * objects are untouched by the switch.
 */
TEST_F(core, selftest_param_gates_test_cmd)
{
	struct iommu_test_cmd cmd = { .op = IOMMU_TEST_OP_MD_CHECK_REFS };
	__u32 ioas_id;

	ASSERT_OK(emu_ioas_alloc(self->fd, &ioas_id));
	ASSERT_OK(emu_test_cmd(self->fd, &cmd));
	ASSERT_OK(write_selftest_param("0"));
	EXPECT_ERR(ENOTTY, emu_test_cmd(self->fd, &cmd));
	EXPECT_OK(emu_destroy(self->fd, ioas_id));
	ASSERT_OK(write_selftest_param("1"));
	ASSERT_OK(emu_test_cmd(self->fd, &cmd));
}

TEST_F(core, close_with_objects)
{
	int fd = emu_open();
	__u32 id;
	int i;

	ASSERT_LE(0, fd);
	for (i = 0; i < 64; i++) {
		ASSERT_OK(emu_ioas_alloc(fd, &id));
		ASSERT_EQ(i + 1, id);
	}
	for (i = 1; i <= 64; i += 2)
		ASSERT_OK(emu_destroy(fd, i));
	ASSERT_EQ(0, close(fd));

	/* the fixture's context never saw any of them */
	test_err_destroy(ENOENT, 2);
}

TEST_HARNESS_MAIN
