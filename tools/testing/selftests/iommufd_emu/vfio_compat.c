// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO type1 container compatibility on /dev/iommu: IOMMU_VFIO_IOAS, which
 * picks the IOAS that the container ioctls act on, and those ioctls
 * themselves (VFIO_GET_API_VERSION, VFIO_CHECK_EXTENSION, VFIO_SET_IOMMU,
 * VFIO_IOMMU_GET_INFO, VFIO_IOMMU_MAP_DMA, VFIO_IOMMU_UNMAP_DMA).
 *
 * The "vfio" fixture is a context with one IOAS and no device, where the
 * IOAS may be installed as the compat IOAS by the test. The "vfio_mock"
 * fixture attaches a mock device to the IOAS first, installs it and selects
 * type1 or type1v2, the way a VFIO user with one group would; those tests
 * skip without IOMMU_TEST_CMD.
 */
#include <stddef.h>
#include <linux/vfio.h>

#include "iommufd_emu_utils.h"

#define BUF_PAGES	16
#define BUF_SIZE	(BUF_PAGES * PAGE_SIZE)
/* Fixed IOVAs: inside the mock aperture, and far from anything else */
#define IOVA_A		((__u64)MOCK_APERTURE_START + 0x200000)
#define NO_SUCH_ID	0xfffffff0U
/* Enough for the info struct and its capability chain */
#define INFO_BUF_SIZE	4096
#define FILL_BYTE	0xa7

/* Raw ioctl for commands whose positive return value matters */
static int vc_ioctl_val(int fd, unsigned long cmd, unsigned long arg)
{
	int rc = ioctl(fd, cmd, arg);

	return rc < 0 ? -errno : rc;
}

static int vc_vfio_ioas(int fd, __u16 op, __u32 *ioas_id)
{
	struct iommu_vfio_ioas cmd = {
		.size = sizeof(cmd),
		.op = op,
		.ioas_id = ioas_id ? *ioas_id : 0,
	};
	int rc;

	rc = emu_ioctl(fd, IOMMU_VFIO_IOAS, &cmd);
	if (!rc && ioas_id)
		*ioas_id = cmd.ioas_id;
	return rc;
}

static int vc_map(int fd, __u32 flags, const void *va, __u64 iova, __u64 size)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = flags,
		.vaddr = (uintptr_t)va,
		.iova = iova,
		.size = size,
	};

	return emu_ioctl(fd, VFIO_IOMMU_MAP_DMA, &map);
}

/* *@size is the length to unmap and comes back as the length unmapped */
static int vc_unmap(int fd, __u32 flags, __u64 iova, __u64 *size)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.flags = flags,
		.iova = iova,
		.size = *size,
	};
	int rc;

	rc = emu_ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &unmap);
	*size = unmap.size;
	return rc;
}

static int vc_huge_pages(int fd, __u32 ioas_id, __u64 *val)
{
	return emu_option(fd, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET,
			  ioas_id, val);
}

#define VC_RW	(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)

#define test_compat_set(_id) do {					\
	__u32 __id = (_id);						\
									\
	ASSERT_OK(vc_vfio_ioas(self->fd, IOMMU_VFIO_IOAS_SET, &__id));	\
} while (0)
#define test_map(_va, _iova, _size)					\
	ASSERT_OK(vc_map(self->fd, VC_RW, _va, _iova, _size))
#define test_err_map(_errno, _va, _iova, _size)				\
	ASSERT_ERR(_errno, vc_map(self->fd, VC_RW, _va, _iova, _size))
/* Unmap and check how much the kernel says went */
#define test_unmap(_iova, _size, _expect) do {				\
	__u64 __size = (_size);						\
									\
	ASSERT_OK(vc_unmap(self->fd, 0, _iova, &__size));		\
	ASSERT_EQ((__u64)(_expect), __size);				\
} while (0)
#define test_err_unmap(_errno, _iova, _size) do {			\
	__u64 __size = (_size);						\
									\
	ASSERT_ERR(_errno, vc_unmap(self->fd, 0, _iova, &__size));	\
} while (0)
#define test_set_iommu(_type)						\
	ASSERT_EQ(0, vc_ioctl_val(self->fd, VFIO_SET_IOMMU, _type))
#define test_err_set_iommu(_errno, _type)				\
	ASSERT_EQ(-(_errno), vc_ioctl_val(self->fd, VFIO_SET_IOMMU, _type))
#define ASSERT_HUGE_PAGES(_want) do {					\
	__u64 __val = 7;						\
									\
	ASSERT_OK(vc_huge_pages(self->fd, self->ioas_id, &__val));	\
	ASSERT_EQ((__u64)(_want), __val);				\
} while (0)

/*
 * VFIO_IOMMU_GET_INFO into a buffer filled with FILL_BYTE past the zeroed
 * info struct, asserting that nothing from @argsz on was changed.
 */
static int vc_get_info(struct __test_metadata *_metadata, int fd, __u8 *buf,
		       __u32 argsz)
{
	struct vfio_iommu_type1_info *info = (void *)buf;
	static __u8 before[INFO_BUF_SIZE];
	size_t i;
	int rc;

	memset(buf, FILL_BYTE, INFO_BUF_SIZE);
	memset(buf, 0, sizeof(*info));
	info->argsz = argsz;
	memcpy(before, buf, INFO_BUF_SIZE);
	rc = emu_ioctl(fd, VFIO_IOMMU_GET_INFO, buf);
	for (i = argsz; i < INFO_BUF_SIZE; i++) {
		if (buf[i] != before[i]) {
			TH_LOG("byte %zu past argsz %u was written", i, argsz);
			EXPECT_EQ(before[i], buf[i]);
			break;
		}
	}
	return rc;
}

/*
 * Walk the capability chain of a complete answer: exactly one IOVA-range
 * capability, with the single range [@start, @last], and one DMA-avail
 * capability; every capability inside argsz and 8-byte aligned.
 */
static void check_caps(struct __test_metadata *_metadata, __u8 *buf,
		       __u64 start, __u64 last)
{
	struct vfio_iommu_type1_info *info = (void *)buf;
	bool seen_iova = false, seen_dma = false;
	__u32 off = info->cap_offset;

	ASSERT_EQ(sizeof(*info), off);
	while (off) {
		struct vfio_info_cap_header *hdr = (void *)(buf + off);

		ASSERT_EQ(0, off % 8);
		ASSERT_LE(off + sizeof(*hdr), info->argsz);
		ASSERT_EQ(1, hdr->version);
		switch (hdr->id) {
		case VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE: {
			struct vfio_iommu_type1_info_cap_iova_range *cap =
				(void *)hdr;

			ASSERT_FALSE(seen_iova);
			seen_iova = true;
			ASSERT_LE(off + sizeof(*cap) + sizeof(cap->iova_ranges[0]),
				  info->argsz);
			ASSERT_EQ(1, cap->nr_iovas);
			EXPECT_EQ(start, cap->iova_ranges[0].start);
			EXPECT_EQ(last, cap->iova_ranges[0].end);
			break;
		}
		case VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL: {
			struct vfio_iommu_type1_info_dma_avail *cap =
				(void *)hdr;

			ASSERT_FALSE(seen_dma);
			seen_dma = true;
			ASSERT_LE(off + sizeof(*cap), info->argsz);
			EXPECT_EQ(UINT32_MAX, cap->avail);
			break;
		}
		default:
			TH_LOG("unexpected capability %u", hdr->id);
			ASSERT_TRUE(false);
		}
		/* The chain only moves forward */
		if (hdr->next)
			ASSERT_LT(off, hdr->next);
		off = hdr->next;
	}
	ASSERT_TRUE(seen_iova);
	ASSERT_TRUE(seen_dma);
}

FIXTURE(vfio)
{
	int fd;
	__u32 ioas_id;
	__u8 *buf;
	__u8 *info;
};

FIXTURE_SETUP(vfio)
{
	self->fd = emu_open();
	ASSERT_LE(0, self->fd)
		TH_LOG("cannot open %s: %s", emu_dev_path(), strerror(errno));
	self->buf = emu_alloc_buffer(BUF_SIZE, HUGE_PAGE_SIZE);
	ASSERT_NE(NULL, self->buf);
	self->info = malloc(INFO_BUF_SIZE);
	ASSERT_NE(NULL, self->info);
	test_ioctl_ioas_alloc(&self->ioas_id);
}

FIXTURE_TEARDOWN(vfio)
{
	close(self->fd);
	free(self->info);
	emu_free_buffer(self->buf, BUF_SIZE);
}

TEST_F(vfio, api_version)
{
	ASSERT_EQ(VFIO_API_VERSION,
		  vc_ioctl_val(self->fd, VFIO_GET_API_VERSION, 0));
}

/* Answers that do not depend on the compat IOAS */
TEST_F(vfio, check_extension)
{
	static const struct {
		unsigned long ext;
		int want;
	} exts[] = {
		{ VFIO_TYPE1_IOMMU, 1 },
		{ VFIO_TYPE1v2_IOMMU, 1 },
		{ VFIO_UNMAP_ALL, 1 },
		{ VFIO_SPAPR_TCE_IOMMU, 0 },
		{ VFIO_EEH, 0 },
		{ VFIO_TYPE1_NESTING_IOMMU, 0 },
		{ VFIO_SPAPR_TCE_v2_IOMMU, 0 },
		{ VFIO_NOIOMMU_IOMMU, 0 },
		{ VFIO_UPDATE_VADDR, 0 },
		{ 0, 0 },
		{ 4242, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(exts); i++) {
		char what[32];

		snprintf(what, sizeof(what), "extension %lu", exts[i].ext);
		EXPECT_RC_FOR(what, exts[i].want,
			      vc_ioctl_val(self->fd, VFIO_CHECK_EXTENSION,
					   exts[i].ext));
	}
	/* The same with a compat IOAS installed */
	test_compat_set(self->ioas_id);
	EXPECT_EQ(1, vc_ioctl_val(self->fd, VFIO_CHECK_EXTENSION,
				  VFIO_TYPE1v2_IOMMU));
	EXPECT_EQ(0, vc_ioctl_val(self->fd, VFIO_CHECK_EXTENSION,
				  VFIO_NOIOMMU_IOMMU));
}

/* Coherency is a property of the compat IOAS's domains: it needs one */
TEST_F(vfio, check_extension_cc)
{
	ASSERT_EQ(-ENODEV, vc_ioctl_val(self->fd, VFIO_CHECK_EXTENSION,
					VFIO_DMA_CC_IOMMU));
	test_compat_set(self->ioas_id);
	ASSERT_EQ(1, vc_ioctl_val(self->fd, VFIO_CHECK_EXTENSION,
				  VFIO_DMA_CC_IOMMU));
}

TEST_F(vfio, unknown_ioctls)
{
	unsigned long cmds[] = {
		VFIO_IOMMU_ENABLE,
		VFIO_IOMMU_DISABLE,
		VFIO_IOMMU_DIRTY_PAGES,
		/* a group's and a device's ioctl, not the container's */
		VFIO_GROUP_GET_STATUS,
		VFIO_DEVICE_GET_INFO,
		_IO(VFIO_TYPE, 0),
		_IO(VFIO_TYPE, VFIO_BASE - 1),
		/* the container numbers with direction bits */
		_IOR(VFIO_TYPE, VFIO_BASE + 0, __u32),
		_IOWR(VFIO_TYPE, VFIO_BASE + 13,
		      struct vfio_iommu_type1_dma_map),
	};
	size_t i;

	test_compat_set(self->ioas_id);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		char what[32];

		snprintf(what, sizeof(what), "cmd %#lx", cmds[i]);
		EXPECT_RC_FOR(what, -ENOTTY,
			      emu_ioctl(self->fd, cmds[i], self->info));
	}
}

/* Every container request but the version and extensions needs the IOAS */
TEST_F(vfio, no_compat_ioas)
{
	struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };
	__u64 size = PAGE_SIZE;

	ASSERT_ERR(ENODEV, vc_vfio_ioas(self->fd, IOMMU_VFIO_IOAS_GET, NULL));
	test_err_set_iommu(ENODEV, VFIO_TYPE1v2_IOMMU);
	test_err_set_iommu(ENODEV, VFIO_TYPE1_IOMMU);
	ASSERT_ERR(ENODEV, emu_ioctl(self->fd, VFIO_IOMMU_GET_INFO, &info));
	test_err_map(ENODEV, self->buf, IOVA_A, PAGE_SIZE);
	ASSERT_ERR(ENODEV, vc_unmap(self->fd, 0, IOVA_A, &size));
	size = 0;
	ASSERT_ERR(ENODEV, vc_unmap(self->fd, VFIO_DMA_UNMAP_FLAG_ALL, 0,
				    &size));
	/* and none of them created one */
	ASSERT_ERR(ENODEV, vc_vfio_ioas(self->fd, IOMMU_VFIO_IOAS_GET, NULL));
}

TEST_F(vfio, vfio_ioas_set_get_clear)
{
	__u32 other, id = 0;

	test_compat_set(self->ioas_id);
	ASSERT_OK(vc_vfio_ioas(self->fd, IOMMU_VFIO_IOAS_GET, &id));
	ASSERT_EQ(self->ioas_id, id);

	/* SET replaces */
	test_ioctl_ioas_alloc(&other);
	test_compat_set(other);
	ASSERT_OK(vc_vfio_ioas(self->fd, IOMMU_VFIO_IOAS_GET, &id));
	ASSERT_EQ(other, id);

	ASSERT_OK(vc_vfio_ioas(self->fd, IOMMU_VFIO_IOAS_CLEAR, NULL));
	ASSERT_ERR(ENODEV, vc_vfio_ioas(self->fd, IOMMU_VFIO_IOAS_GET, NULL));
	/* CLEAR without a compat IOAS is fine, and destroys nothing */
	ASSERT_OK(vc_vfio_ioas(self->fd, IOMMU_VFIO_IOAS_CLEAR, NULL));
	test_ioctl_destroy(other);
}

/* GET only writes ioas_id; the rest of the struct is what came in */
TEST_F(vfio, vfio_ioas_get_output)
{
	struct {
		struct iommu_vfio_ioas cmd;
		__u32 tail;
	} get = {
		.cmd = { .size = sizeof(get), .op = IOMMU_VFIO_IOAS_GET,
			 .ioas_id = NO_SUCH_ID },
	};

	test_compat_set(self->ioas_id);
	ASSERT_OK(emu_ioctl(self->fd, IOMMU_VFIO_IOAS, &get));
	ASSERT_EQ(self->ioas_id, get.cmd.ioas_id);
	ASSERT_EQ(sizeof(get), get.cmd.size);
	ASSERT_EQ(IOMMU_VFIO_IOAS_GET, get.cmd.op);
	ASSERT_EQ(0, get.tail);
}

TEST_F(vfio, vfio_ioas_errors)
{
	struct iommu_vfio_ioas cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_VFIO_IOAS_SET,
		.ioas_id = self->ioas_id,
	};
	__u32 id;

	/* Unknown ops and reserved bits, with or without a compat IOAS */
	cmd.op = 3;
	ASSERT_ERR(EOPNOTSUPP, emu_ioctl(self->fd, IOMMU_VFIO_IOAS, &cmd));
	cmd.op = 0xffff;
	ASSERT_ERR(EOPNOTSUPP, emu_ioctl(self->fd, IOMMU_VFIO_IOAS, &cmd));
	cmd.op = IOMMU_VFIO_IOAS_SET;
	cmd.__reserved = 1;
	ASSERT_ERR(EOPNOTSUPP, emu_ioctl(self->fd, IOMMU_VFIO_IOAS, &cmd));
	cmd.op = IOMMU_VFIO_IOAS_GET;
	ASSERT_ERR(EOPNOTSUPP, emu_ioctl(self->fd, IOMMU_VFIO_IOAS, &cmd));
	/* and the rejected SET installed nothing */
	ASSERT_ERR(ENODEV, vc_vfio_ioas(self->fd, IOMMU_VFIO_IOAS_GET, NULL));

	/* SET of an id that is not an IOAS */
	id = 0;
	ASSERT_ERR(ENOENT, vc_vfio_ioas(self->fd, IOMMU_VFIO_IOAS_SET, &id));
	id = NO_SUCH_ID;
	ASSERT_ERR(ENOENT, vc_vfio_ioas(self->fd, IOMMU_VFIO_IOAS_SET, &id));

	/* A failed SET leaves the installed IOAS alone */
	test_compat_set(self->ioas_id);
	ASSERT_ERR(ENOENT, vc_vfio_ioas(self->fd, IOMMU_VFIO_IOAS_SET, &id));
	ASSERT_OK(vc_vfio_ioas(self->fd, IOMMU_VFIO_IOAS_GET, &id));
	ASSERT_EQ(self->ioas_id, id);
}

/* The compat IOAS holds no reference: destroying the IOAS uninstalls it */
TEST_F(vfio, destroy_compat_ioas)
{
	test_compat_set(self->ioas_id);
	test_map(self->buf, IOVA_A, PAGE_SIZE);
	test_ioctl_destroy(self->ioas_id);

	ASSERT_ERR(ENODEV, vc_vfio_ioas(self->fd, IOMMU_VFIO_IOAS_GET, NULL));
	test_err_map(ENODEV, self->buf, IOVA_A, PAGE_SIZE);
	test_err_set_iommu(ENODEV, VFIO_TYPE1v2_IOMMU);
	/* a new IOAS may get the same id: it is not the compat IOAS */
	test_ioctl_ioas_alloc(&self->ioas_id);
	ASSERT_ERR(ENODEV, vc_vfio_ioas(self->fd, IOMMU_VFIO_IOAS_GET, NULL));
}

TEST_F(vfio, set_iommu_type_checked_first)
{
	unsigned long bad[] = {
		0, VFIO_SPAPR_TCE_IOMMU, VFIO_TYPE1_NESTING_IOMMU,
		VFIO_NOIOMMU_IOMMU, VFIO_UNMAP_ALL, 4242,
	};
	size_t i;

	/* EINVAL for a bad type even before the missing IOAS counts */
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		test_err_set_iommu(EINVAL, bad[i]);
	test_compat_set(self->ioas_id);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		test_err_set_iommu(EINVAL, bad[i]);
	ASSERT_HUGE_PAGES(1);
}

/* TYPE1 turns large pages off; TYPE1v2 leaves the option as it is */
TEST_F(vfio, set_iommu_huge_pages)
{
	test_compat_set(self->ioas_id);
	ASSERT_HUGE_PAGES(1);
	test_set_iommu(VFIO_TYPE1v2_IOMMU);
	ASSERT_HUGE_PAGES(1);
	test_set_iommu(VFIO_TYPE1_IOMMU);
	ASSERT_HUGE_PAGES(0);
	test_set_iommu(VFIO_TYPE1_IOMMU);
	ASSERT_HUGE_PAGES(0);
	test_set_iommu(VFIO_TYPE1v2_IOMMU);
	ASSERT_HUGE_PAGES(0);
	/* the option itself can turn them back on */
	ASSERT_OK(emu_set_huge_pages(self->fd, self->ioas_id, 1));
	ASSERT_HUGE_PAGES(1);
}

/* TYPE1 needs page alignment: a mapping that lacks it is in the way */
TEST_F(vfio, set_iommu_type1_misaligned)
{
	__u64 iova = IOVA_A + 512;

	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &iova);
	test_compat_set(self->ioas_id);
	test_err_set_iommu(EADDRINUSE, VFIO_TYPE1_IOMMU);
	ASSERT_HUGE_PAGES(1);
	test_set_iommu(VFIO_TYPE1v2_IOMMU);

	test_ioctl_ioas_unmap(self->ioas_id, iova, PAGE_SIZE, PAGE_SIZE);
	test_set_iommu(VFIO_TYPE1_IOMMU);
	ASSERT_HUGE_PAGES(0);
}

TEST_F(vfio, get_info_errors)
{
	struct vfio_iommu_type1_info *info = (void *)self->info;
	__u32 sizes[] = { 0, 1, 8, offsetof(typeof(*info), iova_pgsizes) + 7 };
	size_t i;

	test_compat_set(self->ioas_id);
	/* argsz must cover at least flags and iova_pgsizes */
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		EXPECT_ERR(EINVAL, vc_get_info(_metadata, self->fd, self->info,
					       sizes[i]));
	ASSERT_ERR(EFAULT, emu_ioctl(self->fd, VFIO_IOMMU_GET_INFO, NULL));

	ASSERT_OK(vc_vfio_ioas(self->fd, IOMMU_VFIO_IOAS_CLEAR, NULL));
	ASSERT_ERR(ENODEV, vc_get_info(_metadata, self->fd, self->info,
				       sizeof(*info)));
	/* argsz is checked before the IOAS is looked for */
	ASSERT_ERR(EINVAL, vc_get_info(_metadata, self->fd, self->info, 1));
}

/*
 * argsz from the smallest accepted up to more than enough: the struct is
 * written up to argsz; argsz comes back as the full length; the chain is
 * there exactly when it fits whole.
 */
TEST_F(vfio, get_info_sizes)
{
	struct vfio_iommu_type1_info *info = (void *)self->info;
	const __u32 min = offsetof(typeof(*info), cap_offset);
	__u32 full, argsz;

	test_compat_set(self->ioas_id);
	ASSERT_OK(vc_get_info(_metadata, self->fd, self->info,
			      sizeof(*info)));
	full = info->argsz;
	/* the struct, the IOVA range capability with one range, DMA avail */
	ASSERT_EQ(sizeof(*info) + 32 + 16, full);
	ASSERT_EQ(0, info->cap_offset);

	for (argsz = min; argsz <= full + 16; argsz++) {
		ASSERT_OK(vc_get_info(_metadata, self->fd, self->info, argsz));
		ASSERT_EQ(full, info->argsz);
		ASSERT_EQ(VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS,
			  info->flags);
		ASSERT_NE(0, info->iova_pgsizes);
		if (argsz < full) {
			/* nothing of the chain was written */
			if (argsz >= sizeof(*info))
				ASSERT_EQ(0, info->cap_offset);
			ASSERT_EQ(FILL_BYTE, self->info[sizeof(*info)]);
			continue;
		}
		/* without a domain all of the IOVA space is usable */
		check_caps(_metadata, self->info, 0, UINT64_MAX);
	}
}

/* Without domains every page size from the CPU page up is usable */
TEST_F(vfio, get_info_pgsizes)
{
	struct vfio_iommu_type1_info *info = (void *)self->info;

	test_compat_set(self->ioas_id);
	ASSERT_OK(vc_get_info(_metadata, self->fd, self->info,
			      sizeof(*info)));
	ASSERT_EQ(~(__u64)(PAGE_SIZE - 1), info->iova_pgsizes);
}

/* Reserved IOVA splits the usable space into several ranges */
TEST_F(vfio, get_info_reserved)
{
	struct vfio_iommu_type1_info *info = (void *)self->info;
	struct vfio_iommu_type1_info_cap_iova_range *cap;

	if (!emu_test_cmd_available(self->fd))
		SKIP(return, NO_TEST_CMD);
	ASSERT_OK(emu_test_add_reserved(self->fd, self->ioas_id, IOVA_A,
					PAGE_SIZE));
	test_compat_set(self->ioas_id);
	ASSERT_OK(vc_get_info(_metadata, self->fd, self->info, INFO_BUF_SIZE));
	ASSERT_EQ(sizeof(*info) + 16 + 2 * 16 + 16, info->argsz);
	ASSERT_EQ(sizeof(*info), info->cap_offset);
	cap = (void *)(self->info + info->cap_offset);
	ASSERT_EQ(VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, cap->header.id);
	ASSERT_EQ(2, cap->nr_iovas);
	EXPECT_EQ(0, cap->iova_ranges[0].start);
	EXPECT_EQ(IOVA_A - 1, cap->iova_ranges[0].end);
	EXPECT_EQ(IOVA_A + PAGE_SIZE, cap->iova_ranges[1].start);
	EXPECT_EQ(UINT64_MAX, cap->iova_ranges[1].end);
}

TEST_F(vfio, map_errors)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VC_RW,
		.vaddr = (uintptr_t)self->buf,
		.iova = IOVA_A,
		.size = PAGE_SIZE,
	};

	test_compat_set(self->ioas_id);
	map.argsz = sizeof(map) - 1;
	EXPECT_ERR(EINVAL, emu_ioctl(self->fd, VFIO_IOMMU_MAP_DMA, &map));
	map.argsz = sizeof(map);
	/* the vaddr-update flag and unknown flags */
	map.flags = VC_RW | VFIO_DMA_MAP_FLAG_VADDR;
	EXPECT_ERR(EINVAL, emu_ioctl(self->fd, VFIO_IOMMU_MAP_DMA, &map));
	map.flags = VC_RW | (1U << 31);
	EXPECT_ERR(EINVAL, emu_ioctl(self->fd, VFIO_IOMMU_MAP_DMA, &map));
	/* a mapping without any access */
	map.flags = 0;
	EXPECT_ERR(EINVAL, emu_ioctl(self->fd, VFIO_IOMMU_MAP_DMA, &map));
	EXPECT_ERR(EFAULT, emu_ioctl(self->fd, VFIO_IOMMU_MAP_DMA, NULL));
	/* nothing may be empty or wrap around */
	test_err_map(EINVAL, self->buf, IOVA_A, 0);
	test_err_map(EOVERFLOW, self->buf, UINT64_MAX - PAGE_SIZE + 1,
		     2 * PAGE_SIZE);

	/* nothing was mapped by any of them */
	test_err_ioas_unmap(ENOENT, self->ioas_id, 0, UINT64_MAX - 1);
}

/* Fixed IOVAs, as for IOMMU_IOAS_MAP with FIXED_IOVA */
TEST_F(vfio, map_fixed_iova)
{
	test_compat_set(self->ioas_id);
	test_map(self->buf, IOVA_A, BUF_SIZE);
	/* the mapping is in the IOAS, where the caller said */
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_A, BUF_SIZE, BUF_SIZE);

	test_map(self->buf, IOVA_A, BUF_SIZE);
	test_err_map(EEXIST, self->buf, IOVA_A, PAGE_SIZE);
	test_err_map(EEXIST, self->buf, IOVA_A - PAGE_SIZE, 2 * PAGE_SIZE);
	test_err_map(EEXIST, self->buf, IOVA_A + BUF_SIZE - PAGE_SIZE,
		     2 * PAGE_SIZE);
	/* READ or WRITE alone will do; neighbours are fine */
	ASSERT_OK(vc_map(self->fd, VFIO_DMA_MAP_FLAG_READ, self->buf,
			 IOVA_A + BUF_SIZE, PAGE_SIZE));
	ASSERT_OK(vc_map(self->fd, VFIO_DMA_MAP_FLAG_WRITE, self->buf,
			 IOVA_A - PAGE_SIZE, PAGE_SIZE));
	test_unmap(IOVA_A - PAGE_SIZE, BUF_SIZE + 2 * PAGE_SIZE,
		   BUF_SIZE + 2 * PAGE_SIZE);
}

/* A mapping made through the IOAS is visible to the container, too */
TEST_F(vfio, unmap_ioas_mapping)
{
	__u64 iova = IOVA_A;

	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, BUF_SIZE,
			    &iova);
	test_compat_set(self->ioas_id);
	test_unmap(IOVA_A, BUF_SIZE, BUF_SIZE);
}

TEST_F(vfio, unmap_errors)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = IOVA_A,
		.size = PAGE_SIZE,
	};
	__u64 size;

	test_compat_set(self->ioas_id);
	test_map(self->buf, IOVA_A, PAGE_SIZE);

	unmap.argsz = offsetof(typeof(unmap), size) + 7;
	EXPECT_ERR(EINVAL, emu_ioctl(self->fd, VFIO_IOMMU_UNMAP_DMA, &unmap));
	unmap.argsz = sizeof(unmap);
	/* dirty bitmaps, vaddr invalidation and unknown flags */
	unmap.flags = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP;
	EXPECT_ERR(EINVAL, emu_ioctl(self->fd, VFIO_IOMMU_UNMAP_DMA, &unmap));
	unmap.flags = VFIO_DMA_UNMAP_FLAG_VADDR;
	EXPECT_ERR(EINVAL, emu_ioctl(self->fd, VFIO_IOMMU_UNMAP_DMA, &unmap));
	unmap.flags = VFIO_DMA_UNMAP_FLAG_ALL | (1U << 31);
	EXPECT_ERR(EINVAL, emu_ioctl(self->fd, VFIO_IOMMU_UNMAP_DMA, &unmap));
	EXPECT_ERR(EFAULT, emu_ioctl(self->fd, VFIO_IOMMU_UNMAP_DMA, NULL));

	/* ALL takes no range */
	size = PAGE_SIZE;
	EXPECT_ERR(EINVAL, vc_unmap(self->fd, VFIO_DMA_UNMAP_FLAG_ALL, 0,
				    &size));
	size = 0;
	EXPECT_ERR(EINVAL, vc_unmap(self->fd, VFIO_DMA_UNMAP_FLAG_ALL,
				    IOVA_A, &size));

	test_err_unmap(EINVAL, IOVA_A, 0);
	test_err_unmap(EOVERFLOW, UINT64_MAX - PAGE_SIZE + 1, 2 * PAGE_SIZE);

	/* type1v2 never splits a mapping */
	test_err_unmap(ENOENT, IOVA_A, PAGE_SIZE / 2);
	test_err_unmap(ENOENT, IOVA_A - PAGE_SIZE, PAGE_SIZE + 1);

	/* the page survived all of it */
	test_unmap(IOVA_A, PAGE_SIZE, PAGE_SIZE);
}

/* Unlike IOMMU_IOAS_UNMAP, nothing to unmap is a success */
TEST_F(vfio, unmap_nothing)
{
	__u64 size = 0;

	test_compat_set(self->ioas_id);
	test_unmap(IOVA_A, BUF_SIZE, 0);
	ASSERT_OK(vc_unmap(self->fd, VFIO_DMA_UNMAP_FLAG_ALL, 0, &size));
	ASSERT_EQ(0, size);

	/* also for a range in between two mappings */
	test_map(self->buf, IOVA_A, PAGE_SIZE);
	test_map(self->buf, IOVA_A + 4 * PAGE_SIZE, PAGE_SIZE);
	test_unmap(IOVA_A + PAGE_SIZE, 3 * PAGE_SIZE, 0);
	/* and a range over both takes both */
	test_unmap(IOVA_A, 5 * PAGE_SIZE, 2 * PAGE_SIZE);
}

TEST_F(vfio, unmap_all)
{
	__u64 size = 0;
	unsigned int i;

	test_compat_set(self->ioas_id);
	for (i = 0; i < 4; i++)
		test_map(self->buf + i * PAGE_SIZE, IOVA_A + i * 2 * PAGE_SIZE,
			 PAGE_SIZE);
	test_map(self->buf, PAGE_SIZE, PAGE_SIZE);
	ASSERT_OK(vc_unmap(self->fd, VFIO_DMA_UNMAP_FLAG_ALL, 0, &size));
	ASSERT_EQ(5 * PAGE_SIZE, size);
	test_unmap(0, UINT64_MAX, 0);
}

/* Type1 unmaps inside a mapping: the rest stays, in pieces */
TEST_F(vfio, type1_partial_unmap)
{
	test_compat_set(self->ioas_id);
	test_set_iommu(VFIO_TYPE1_IOMMU);
	test_map(self->buf, IOVA_A, BUF_SIZE);

	/* from the middle, from the start, from the end */
	test_unmap(IOVA_A + 4 * PAGE_SIZE, 2 * PAGE_SIZE, 2 * PAGE_SIZE);
	test_unmap(IOVA_A, PAGE_SIZE, PAGE_SIZE);
	test_unmap(IOVA_A + BUF_SIZE - PAGE_SIZE, PAGE_SIZE, PAGE_SIZE);
	/* a range over a hole takes what is mapped around it */
	test_unmap(IOVA_A + 3 * PAGE_SIZE, 4 * PAGE_SIZE, 2 * PAGE_SIZE);

	/* the pieces are areas of their own: pages 1-2 and 7-14 */
	test_err_map(EEXIST, self->buf, IOVA_A + PAGE_SIZE, PAGE_SIZE);
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_A + PAGE_SIZE,
			      2 * PAGE_SIZE, 2 * PAGE_SIZE);
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_A + 7 * PAGE_SIZE,
			      8 * PAGE_SIZE, 8 * PAGE_SIZE);
	test_unmap(0, UINT64_MAX, 0);
}

/* A cut only where the IOVA alignment allows one */
TEST_F(vfio, type1_unaligned_cut)
{
	test_compat_set(self->ioas_id);
	test_set_iommu(VFIO_TYPE1_IOMMU);
	test_map(self->buf, IOVA_A, BUF_SIZE);

	test_err_unmap(EINVAL, IOVA_A + 100, PAGE_SIZE);
	test_err_unmap(EINVAL, IOVA_A, PAGE_SIZE + 100);
	test_unmap(IOVA_A, BUF_SIZE, BUF_SIZE);
}

/* Starting at IOVA 0 there is nothing to cut below */
TEST_F(vfio, type1_cut_at_zero)
{
	test_compat_set(self->ioas_id);
	test_set_iommu(VFIO_TYPE1_IOMMU);
	test_map(self->buf, 0, 4 * PAGE_SIZE);
	test_unmap(0, PAGE_SIZE, PAGE_SIZE);
	test_unmap(0, UINT64_MAX, 3 * PAGE_SIZE);
}

/* An in-kernel access pinning part of a mapping prevents cutting it */
TEST_F(vfio, type1_cut_pinned_by_access)
{
	__u32 pin_id;
	int access_fd;

	if (!emu_test_cmd_available(self->fd))
		SKIP(return, NO_TEST_CMD);
	test_compat_set(self->ioas_id);
	test_set_iommu(VFIO_TYPE1_IOMMU);
	test_map(self->buf, IOVA_A, 4 * PAGE_SIZE);
	test_map(self->buf, IOVA_A + 4 * PAGE_SIZE, 4 * PAGE_SIZE);
	test_create_access(self->ioas_id, &access_fd);
	test_access_pin(access_fd, IOVA_A, PAGE_SIZE, self->buf, false,
			&pin_id);

	test_err_unmap(EINVAL, IOVA_A + 2 * PAGE_SIZE, PAGE_SIZE);
	/* the other mapping has no pins */
	test_unmap(IOVA_A + 6 * PAGE_SIZE, PAGE_SIZE, PAGE_SIZE);

	test_access_unpin(access_fd, pin_id);
	test_unmap(IOVA_A + 2 * PAGE_SIZE, PAGE_SIZE, PAGE_SIZE);
	close(access_fd);
	test_unmap(0, UINT64_MAX, 6 * PAGE_SIZE);
}

/* Type1v2 may unmap whole mappings side by side in one go */
TEST_F(vfio, type1v2_unmap_neighbours)
{
	test_compat_set(self->ioas_id);
	test_set_iommu(VFIO_TYPE1v2_IOMMU);
	test_map(self->buf, IOVA_A, 4 * PAGE_SIZE);
	test_map(self->buf, IOVA_A + 4 * PAGE_SIZE, 4 * PAGE_SIZE);
	/* starting inside the first one unmaps nothing */
	test_err_unmap(ENOENT, IOVA_A + 2 * PAGE_SIZE, 4 * PAGE_SIZE);
	test_unmap(IOVA_A, 8 * PAGE_SIZE, 8 * PAGE_SIZE);
}

/*
 * A mock device in the compat IOAS, then type1 or type1v2: what a VFIO
 * user with one group sees.
 */
FIXTURE(vfio_mock)
{
	int fd;
	__u32 ioas_id;
	__u32 stdev_id;
	__u32 hwpt_id;
	__u8 *buf;
	__u8 *info;
	long pinned_base;
	const char *skip;
};

FIXTURE_VARIANT(vfio_mock)
{
	unsigned long type;
};

FIXTURE_VARIANT_ADD(vfio_mock, type1)
{
	.type = VFIO_TYPE1_IOMMU,
};

FIXTURE_VARIANT_ADD(vfio_mock, type1v2)
{
	.type = VFIO_TYPE1v2_IOMMU,
};

FIXTURE_SETUP(vfio_mock)
{
	struct iommu_test_cmd mock = { .op = IOMMU_TEST_OP_MOCK_DOMAIN };

	self->pinned_base = my_pinned();
	ASSERT_LE(0, self->pinned_base);
	self->fd = emu_open();
	ASSERT_LE(0, self->fd)
		TH_LOG("cannot open %s: %s", emu_dev_path(), strerror(errno));
	self->buf = emu_alloc_buffer(BUF_SIZE, HUGE_PAGE_SIZE);
	ASSERT_NE(NULL, self->buf);
	self->info = malloc(INFO_BUF_SIZE);
	ASSERT_NE(NULL, self->info);
	test_ioctl_ioas_alloc(&self->ioas_id);
	if (!emu_test_cmd_available(self->fd)) {
		self->skip = NO_TEST_CMD;
		return;
	}
	mock.id = self->ioas_id;
	ASSERT_OK(emu_test_cmd(self->fd, &mock));
	self->stdev_id = mock.mock_domain.out_stdev_id;
	self->hwpt_id = mock.mock_domain.out_hwpt_id;
	test_compat_set(self->ioas_id);
	test_set_iommu(variant->type);
}

FIXTURE_TEARDOWN(vfio_mock)
{
	close(self->fd);
	/* closing the context drops the device, its domain and the pins */
	EXPECT_EQ(self->pinned_base, my_pinned());
	free(self->info);
	emu_free_buffer(self->buf, BUF_SIZE);
}

#define ASSERT_PINNED(_pages)						\
	ASSERT_EQ(self->pinned_base + (long)(_pages), my_pinned())

TEST_F(vfio_mock, huge_pages_option)
{
	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_HUGE_PAGES(variant->type == VFIO_TYPE1v2_IOMMU);
}

/* The mock aperture is the one usable range; pages of 4 KiB and up */
TEST_F(vfio_mock, get_info)
{
	struct vfio_iommu_type1_info *info = (void *)self->info;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	ASSERT_OK(vc_get_info(_metadata, self->fd, self->info, INFO_BUF_SIZE));
	ASSERT_EQ(sizeof(*info) + 32 + 16, info->argsz);
	check_caps(_metadata, self->info, MOCK_APERTURE_START,
		   MOCK_APERTURE_LAST);
	/* the 2 KiB mock granule is reported as the CPU page */
	ASSERT_EQ(PAGE_SIZE, info->iova_pgsizes & -info->iova_pgsizes);
	ASSERT_EQ(1, vc_ioctl_val(self->fd, VFIO_CHECK_EXTENSION,
				  VFIO_DMA_CC_IOMMU));
}

TEST_F(vfio_mock, map_checks)
{
	if (self->skip)
		SKIP(return, "%s", self->skip);
	/* outside the aperture, unaligned, or memory that is not there */
	test_err_map(EINVAL, self->buf, MOCK_APERTURE_START - PAGE_SIZE,
		     PAGE_SIZE);
	test_err_map(EINVAL, self->buf, (__u64)MOCK_APERTURE_LAST + 1,
		     PAGE_SIZE);
	test_err_map(EINVAL, self->buf, IOVA_A + 1, PAGE_SIZE);
	test_err_map(EFAULT, NULL, IOVA_A, PAGE_SIZE);
	ASSERT_PINNED(0);

	/* with a domain the pages are pinned at once and translate */
	test_map(self->buf, IOVA_A, BUF_SIZE);
	ASSERT_PINNED(BUF_PAGES);
	ASSERT_OK(emu_test_check_map(self->fd, self->hwpt_id, IOVA_A, BUF_SIZE,
				     self->buf));
	test_unmap(IOVA_A, BUF_SIZE, BUF_SIZE);
	ASSERT_PINNED(0);
	ASSERT_ERR(EINVAL, emu_test_check_map(self->fd, self->hwpt_id, IOVA_A,
					      PAGE_SIZE, self->buf));
}

/*
 * Unmapping part of a mapping: type1 cuts it and what is left still
 * translates and stays pinned; type1v2 refuses.
 */
TEST_F(vfio_mock, partial_unmap)
{
	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_map(self->buf, IOVA_A, BUF_SIZE);

	if (variant->type == VFIO_TYPE1v2_IOMMU) {
		test_err_unmap(ENOENT, IOVA_A + PAGE_SIZE, PAGE_SIZE);
		ASSERT_PINNED(BUF_PAGES);
		test_unmap(IOVA_A, BUF_SIZE, BUF_SIZE);
		return;
	}

	test_unmap(IOVA_A + 5 * PAGE_SIZE, PAGE_SIZE, PAGE_SIZE);
	ASSERT_PINNED(BUF_PAGES - 1);
	ASSERT_OK(emu_test_check_map(self->fd, self->hwpt_id, IOVA_A,
				     5 * PAGE_SIZE, self->buf));
	ASSERT_OK(emu_test_check_map(self->fd, self->hwpt_id,
				     IOVA_A + 6 * PAGE_SIZE,
				     BUF_SIZE - 6 * PAGE_SIZE,
				     self->buf + 6 * PAGE_SIZE));
	ASSERT_ERR(EINVAL, emu_test_check_map(self->fd, self->hwpt_id,
					      IOVA_A + 5 * PAGE_SIZE, PAGE_SIZE,
					      self->buf + 5 * PAGE_SIZE));

	/* every remaining page alone, from the end */
	test_unmap(IOVA_A + BUF_SIZE - PAGE_SIZE, PAGE_SIZE, PAGE_SIZE);
	test_unmap(IOVA_A, PAGE_SIZE, PAGE_SIZE);
	ASSERT_PINNED(BUF_PAGES - 3);
	test_unmap(IOVA_A, BUF_SIZE, BUF_SIZE - 3 * PAGE_SIZE);
	ASSERT_PINNED(0);
}

/* Type1 after mappings reached the domain would need to remap them */
TEST_F(vfio_mock, type1_after_map)
{
	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_map(self->buf, IOVA_A, PAGE_SIZE);
	/* with type1 large pages are off already: nothing to change */
	ASSERT_EQ(variant->type == VFIO_TYPE1v2_IOMMU ? -EINVAL : 0,
		  vc_ioctl_val(self->fd, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU));
	test_set_iommu(VFIO_TYPE1v2_IOMMU);
	ASSERT_HUGE_PAGES(variant->type == VFIO_TYPE1v2_IOMMU);
}

/* Destroying the device keeps the compat IOAS and its mappings */
TEST_F(vfio_mock, device_gone)
{
	__u32 id = 0;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_map(self->buf, IOVA_A, BUF_SIZE);
	test_ioctl_destroy(self->stdev_id);
	ASSERT_PINNED(0);
	ASSERT_OK(vc_vfio_ioas(self->fd, IOMMU_VFIO_IOAS_GET, &id));
	ASSERT_EQ(self->ioas_id, id);
	test_unmap(IOVA_A, BUF_SIZE, BUF_SIZE);
}

TEST_HARNESS_MAIN
