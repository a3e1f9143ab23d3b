// SPDX-License-Identifier: GPL-2.0
/*
 * The emulated devices' character devices, /dev/iommufd-emu/<name>: the
 * VFIO device-cdev ioctls (bind, attach, detach) with every errno, the
 * emulated DMA through the attached translation, the group rules seen from
 * the devices, and hot-unplug of bound, attached and busy devices.
 *
 * Topology built by each test: one SMMUv3 instance with three devices,
 * "a" and "b" sharing a group (tag 5; both issue 8-bit PASIDs) and "c" in
 * a group of its own, without PASIDs. Tests that need DMA to translate need paging
 * domains on the instance; they fail (not skip) when there are none.
 */
#include <pthread.h>
#include <sys/sysmacros.h>

#include <linux/iommufd_emu.h>

#include "iommufd_emu_utils.h"

#define NODE_DIR	"/dev/iommufd-emu"

#define INST		"dvt_smmu"
#define DEV_A		"dvt_a"
#define DEV_B		"dvt_b"
#define DEV_C		"dvt_c"

/* Clear of the SMMUv3 MSI window (0x8000000, 1 MiB) */
#define IOVA		0x40000000ULL
#define BUF_SIZE	(64 * PAGE_SIZE)

/* The minimal argsz of each ioctl: up to the optional last field */
#define BIND_MIN	offsetof(struct vfio_device_bind_iommufd, token_uuid_ptr)
#define ATTACH_MIN	offsetof(struct vfio_device_attach_iommufd_pt, pasid)
#define DETACH_MIN	offsetof(struct vfio_device_detach_iommufd_pt, pasid)

/* ---- configfs ---- */

static int dev_enable(const char *name, bool on)
{
	return emu_cfs_write("devices", name, "enable", on ? "1" : "0");
}

/* Make and enable device @name behind INST */
static int dev_make(const char *name, const char *id, const char *group,
		    const char *pasid_bits)
{
	const char *const kv[] = {
		"iommu", INST, "id", id, "group", group,
		"pasid_bits", pasid_bits, NULL,
	};

	return emu_cfs_make("devices", name, kv, true);
}

static int dev_open(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), NODE_DIR "/%s", name);
	return open(path, O_RDWR | O_CLOEXEC);
}

/* ---- the device fd's ioctls; 0 or -errno ---- */

static int dev_attach(int dfd, __u32 *pt_id)
{
	return emu_dev_attach(dfd, 0, 0, pt_id);
}

static int dev_detach(int dfd)
{
	return emu_dev_detach(dfd, 0, 0);
}

/* The device writes memory at @iova from @buf */
static int dma_write(int dfd, __u64 iova, const void *buf, __u64 len)
{
	return emu_dev_dma(dfd, IOMMUFD_EMU_DMA_WRITE, 0, iova, (void *)buf,
			   len);
}

/* The device reads memory at @iova into @buf */
static int dma_read(int dfd, __u64 iova, void *buf, __u64 len)
{
	return emu_dev_dma(dfd, 0, 0, iova, buf, len);
}

/* A manual HWPT that PASIDs may use too */
static int hwpt_alloc(int fd, __u32 dev_id, __u32 pt_id, __u32 *hwpt_id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_HWPT_ALLOC_PASID,
		.dev_id = dev_id,
		.pt_id = pt_id,
	};
	int rc;

	rc = emu_ioctl(fd, IOMMU_HWPT_ALLOC, &cmd);
	if (!rc)
		*hwpt_id = cmd.out_hwpt_id;
	return rc;
}

/* ---- fixture ---- */

FIXTURE(devices) {
	int fd;			/* /dev/iommu */
	int fd2;		/* a second, independent context */
	int a, b, c;		/* device fds */
	__u32 ioas;
	char *buf;		/* BUF_SIZE bytes mapped read/write at IOVA */
	char *scratch;		/* BUF_SIZE bytes for the DMA side */
};

FIXTURE_SETUP(devices)
{
	self->fd = -1;
	self->fd2 = -1;
	self->a = -1;
	self->b = -1;
	self->c = -1;
	if (!emu_cfs_ready())
		SKIP(return, "%s missing: module not loaded?", EMU_CFS_ROOT);
	ASSERT_OK(emu_cfs_mkdir("iommus", INST));
	ASSERT_OK(emu_cfs_write("iommus", INST, "type", "smmuv3"));
	ASSERT_OK(emu_cfs_write("iommus", INST, "enable", "1"));
	ASSERT_OK(dev_make(DEV_A, "0x10", "5", "8"));
	ASSERT_OK(dev_make(DEV_B, "0x11", "5", "8"));
	ASSERT_OK(dev_make(DEV_C, "0x12", "0", "0"));

	self->fd = emu_open();
	ASSERT_LE(0, self->fd);
	self->fd2 = emu_open();
	ASSERT_LE(0, self->fd2);
	self->a = dev_open(DEV_A);
	ASSERT_LE(0, self->a);
	self->b = dev_open(DEV_B);
	ASSERT_LE(0, self->b);
	self->c = dev_open(DEV_C);
	ASSERT_LE(0, self->c);

	self->buf = emu_alloc_buffer(BUF_SIZE, PAGE_SIZE);
	self->scratch = emu_alloc_buffer(BUF_SIZE, PAGE_SIZE);
	ASSERT_NE(NULL, self->buf);
	ASSERT_NE(NULL, self->scratch);
	ASSERT_OK(emu_ioas_alloc(self->fd, &self->ioas));
}

FIXTURE_TEARDOWN(devices)
{
	int *fds[] = { &self->a, &self->b, &self->c, &self->fd2, &self->fd };
	/* Including what a failed test may have left behind */
	static const char * const devs[] = { DEV_A, DEV_B, DEV_C, "dvt_d",
					     "dvt_e" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fds); i++)
		if (*fds[i] >= 0)
			close(*fds[i]);
	for (i = 0; i < ARRAY_SIZE(devs); i++)
		emu_cfs_rmdir("devices", devs[i]);
	emu_cfs_rmdir("iommus", INST);
	emu_free_buffer(self->buf, BUF_SIZE);
	emu_free_buffer(self->scratch, BUF_SIZE);
}

/* Bind @dfd to self->fd and attach it to self->ioas; the HWPT id */
#define bind_attach(_dfd, _hwpt_p) do {					\
	__u32 *__hwpt = (_hwpt_p);					\
	int __dfd = (_dfd);						\
									\
	*__hwpt = self->ioas;						\
	ASSERT_OK(emu_dev_bind(__dfd, self->fd, NULL));			\
	ASSERT_OK(dev_attach(__dfd, __hwpt));				\
} while (0)

#define map_buf(_ioas, _flags) do {					\
	__u64 __iova = IOVA;						\
	ASSERT_OK(emu_ioas_map(self->fd, _ioas,				\
			       IOMMU_IOAS_MAP_FIXED_IOVA | (_flags),	\
			       self->buf, BUF_SIZE, &__iova));		\
} while (0)

/* ---- the nodes ---- */

TEST_F(devices, node_per_enabled_device)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), NODE_DIR "/%s", DEV_A);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 0777);

	ASSERT_OK(dev_enable(DEV_C, false));
	snprintf(path, sizeof(path), NODE_DIR "/%s", DEV_C);
	EXPECT_NE(0, stat(path, &st));
	EXPECT_EQ(ENOENT, errno);
	/* The fd opened before stays usable, answering ENODEV */
	EXPECT_ERR(ENODEV, emu_dev_bind(self->c, self->fd, NULL));

	ASSERT_OK(dev_enable(DEV_C, true));
	EXPECT_EQ(0, stat(path, &st));
	EXPECT_ERR(ENODEV, emu_dev_bind(self->c, self->fd, NULL));
	close(self->c);
	self->c = dev_open(DEV_C);
	ASSERT_LE(0, self->c);
	EXPECT_OK(emu_dev_bind(self->c, self->fd, NULL));

	ASSERT_OK(emu_cfs_rmdir("devices", DEV_C));
	EXPECT_NE(0, stat(path, &st));
}

/* As in VFIO, an unbound fd refuses them before looking at them */
TEST_F(devices, unknown_ioctl)
{
	int arg = 0;

	EXPECT_ERR(EINVAL, emu_ioctl(self->a, _IO(';', 100 + 21), &arg));
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, IOMMU_IOAS_ALLOC, &arg));
	ASSERT_OK(emu_dev_bind(self->a, self->fd, NULL));
	EXPECT_ERR(ENOTTY, emu_ioctl(self->a, _IO(';', 100 + 21), &arg));
	EXPECT_ERR(ENOTTY, emu_ioctl(self->a, IOMMU_IOAS_ALLOC, &arg));
}

/* ---- bind ---- */

TEST_F(devices, bind)
{
	__u32 devid = 0, devid2 = 0;
	int other;

	ASSERT_OK(emu_dev_bind(self->a, self->fd, &devid));
	EXPECT_NE(0, devid);
	/* The id is a device object of the context: not destroyable */
	EXPECT_ERR(EBUSY, emu_destroy(self->fd, devid));

	/* A second bind, on the same fd or on another fd of the device */
	EXPECT_ERR(EINVAL, emu_dev_bind(self->a, self->fd, NULL));
	other = dev_open(DEV_A);
	ASSERT_LE(0, other);
	EXPECT_ERR(EINVAL, emu_dev_bind(other, self->fd, NULL));

	/* Once the bound fd is closed, another fd may bind */
	close(self->a);
	self->a = -1;
	EXPECT_ERR(ENOENT, emu_destroy(self->fd, devid));
	EXPECT_OK(emu_dev_bind(other, self->fd, &devid2));
	EXPECT_NE(0, devid2);
	close(other);
}

TEST_F(devices, bind_errors)
{
	struct vfio_device_bind_iommufd cmd = {
		.argsz = sizeof(cmd),
		.iommufd = self->fd,
	};
	struct {
		struct vfio_device_bind_iommufd bind;
		__u64 extra;
	} big = { .bind = cmd };
	int null_fd;

	cmd.argsz = offsetof(struct vfio_device_bind_iommufd, out_devid) + 3;
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, VFIO_DEVICE_BIND_IOMMUFD, &cmd));
	cmd.argsz = sizeof(cmd);
	cmd.flags = 1U << 1;
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, VFIO_DEVICE_BIND_IOMMUFD, &cmd));
	/* No VF tokens: refused whatever the size */
	cmd.flags = VFIO_DEVICE_BIND_FLAG_TOKEN;
	cmd.argsz = BIND_MIN;
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, VFIO_DEVICE_BIND_IOMMUFD, &cmd));
	cmd.argsz = sizeof(cmd);
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, VFIO_DEVICE_BIND_IOMMUFD, &cmd));
	cmd.flags = 0;

	/* Bytes past the known struct must be zero, as VFIO reads them */
	big.bind.argsz = sizeof(big);
	big.extra = 1;
	EXPECT_ERR(E2BIG, emu_ioctl(self->a, VFIO_DEVICE_BIND_IOMMUFD, &big));
	/* A negative fd number is a bad argument, before it is looked up */
	big.extra = 0;
	big.bind.iommufd = -1;
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, VFIO_DEVICE_BIND_IOMMUFD, &big));

	/* The minimal size is enough */
	cmd.argsz = BIND_MIN;
	cmd.iommufd = INT32_MAX;
	EXPECT_ERR(EBADF, emu_ioctl(self->a, VFIO_DEVICE_BIND_IOMMUFD, &cmd));
	null_fd = open("/dev/null", O_RDWR);
	ASSERT_LE(0, null_fd);
	cmd.iommufd = null_fd;
	EXPECT_ERR(EBADF, emu_ioctl(self->a, VFIO_DEVICE_BIND_IOMMUFD, &cmd));
	close(null_fd);
	cmd.iommufd = self->fd;
	EXPECT_OK(emu_ioctl(self->a, VFIO_DEVICE_BIND_IOMMUFD, &cmd));
	EXPECT_NE(0, cmd.out_devid);

	EXPECT_ERR(EFAULT, emu_ioctl(self->b, VFIO_DEVICE_BIND_IOMMUFD, NULL));
}

/* All bound devices of a group belong to one context */
TEST_F(devices, bind_group_owner)
{
	ASSERT_OK(emu_dev_bind(self->a, self->fd, NULL));
	EXPECT_ERR(EPERM, emu_dev_bind(self->b, self->fd2, NULL));
	/* A device of another group is free to choose */
	EXPECT_OK(emu_dev_bind(self->c, self->fd2, NULL));
	EXPECT_OK(emu_dev_bind(self->b, self->fd, NULL));

	/* The group is free again once both are unbound */
	close(self->a);
	self->a = -1;
	EXPECT_ERR(EINVAL, emu_dev_bind(self->b, self->fd2, NULL));
	close(self->b);
	self->b = dev_open(DEV_B);
	ASSERT_LE(0, self->b);
	EXPECT_OK(emu_dev_bind(self->b, self->fd2, NULL));
}

/* The context outlives its fd while a device is bound to it */
TEST_F(devices, bind_keeps_context)
{
	__u32 devid;

	ASSERT_OK(emu_dev_bind(self->c, self->fd2, &devid));
	close(self->fd2);
	self->fd2 = -1;
	EXPECT_OK(dev_detach(self->c));
	close(self->c);
	self->c = -1;
}

/* ---- ioctls of an unbound fd ---- */

TEST_F(devices, unbound)
{
	struct iommufd_emu_dma bad_dma = {
		.argsz = sizeof(bad_dma),
		.flags = 1U << 2,
	};
	__u32 pt_id = self->ioas;
	char byte;
	int other;

	EXPECT_ERR(EINVAL, dev_attach(self->a, &pt_id));
	EXPECT_ERR(EINVAL, dev_detach(self->a));
	EXPECT_ERR(EINVAL, dma_read(self->a, IOVA, &byte, 1));
	/* Before its argument is even read, as VFIO checks */
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, VFIO_DEVICE_ATTACH_IOMMUFD_PT,
				     NULL));
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, VFIO_DEVICE_DETACH_IOMMUFD_PT,
				     NULL));
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, IOMMUFD_EMU_DMA, NULL));
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, IOMMUFD_EMU_DMA, &bad_dma));
	EXPECT_ERR(EINVAL, emu_dev_attach(self->c, VFIO_DEVICE_ATTACH_PASID,
					  1, &pt_id));

	/* Another fd of a bound device is not bound */
	ASSERT_OK(emu_dev_bind(self->b, self->fd, NULL));
	other = dev_open(DEV_B);
	ASSERT_LE(0, other);
	EXPECT_ERR(EINVAL, dev_attach(other, &pt_id));
	EXPECT_ERR(EINVAL, dev_detach(other));
	EXPECT_ERR(EINVAL, dma_read(other, IOVA, &byte, 1));
	close(other);
}

/* ---- attach and detach: sizes and flags ---- */

TEST_F(devices, attach_errors)
{
	struct vfio_device_attach_iommufd_pt cmd = {
		.argsz = sizeof(cmd),
		.pt_id = self->ioas,
	};
	__u32 devid, pt_id;

	ASSERT_OK(emu_dev_bind(self->a, self->fd, &devid));

	cmd.argsz = ATTACH_MIN - 1;
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, VFIO_DEVICE_ATTACH_IOMMUFD_PT,
				     &cmd));
	cmd.argsz = sizeof(cmd);
	cmd.flags = 1U << 1;
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, VFIO_DEVICE_ATTACH_IOMMUFD_PT,
				     &cmd));
	cmd.flags = VFIO_DEVICE_ATTACH_PASID;
	cmd.pasid = 1;
	cmd.argsz = ATTACH_MIN;
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, VFIO_DEVICE_ATTACH_IOMMUFD_PT,
				     &cmd));

	/*
	 * PASIDs the device cannot issue: none at all (EOPNOTSUPP, as VFIO
	 * answers before it checks that argsz covers the PASID), 0, beyond
	 * 8 bits
	 */
	pt_id = self->ioas;
	ASSERT_OK(emu_dev_bind(self->c, self->fd, NULL));
	EXPECT_ERR(EOPNOTSUPP, emu_dev_attach(self->c,
					      VFIO_DEVICE_ATTACH_PASID, 1,
					      &pt_id));
	EXPECT_ERR(EOPNOTSUPP, emu_ioctl(self->c,
					 VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd));
	EXPECT_ERR(EINVAL, emu_dev_attach(self->a, VFIO_DEVICE_ATTACH_PASID,
					  0, &pt_id));
	EXPECT_ERR(EINVAL, emu_dev_attach(self->a, VFIO_DEVICE_ATTACH_PASID,
					  256, &pt_id));

	/* Ids that are neither an IOAS nor a HWPT */
	pt_id = 0xfffff;
	EXPECT_ERR(ENOENT, dev_attach(self->a, &pt_id));
	pt_id = devid;
	EXPECT_ERR(EINVAL, dev_attach(self->a, &pt_id));
	EXPECT_ERR(EFAULT, emu_ioctl(self->a, VFIO_DEVICE_ATTACH_IOMMUFD_PT,
				     NULL));
}

TEST_F(devices, detach_errors)
{
	struct vfio_device_detach_iommufd_pt cmd = {
		.argsz = DETACH_MIN,
	};
	__u32 pt_id;

	ASSERT_OK(emu_dev_bind(self->a, self->fd, NULL));
	ASSERT_OK(emu_dev_bind(self->c, self->fd, NULL));

	/* The minimal size is enough; nothing attached is fine */
	EXPECT_OK(emu_ioctl(self->a, VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd));
	cmd.argsz--;
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, VFIO_DEVICE_DETACH_IOMMUFD_PT,
				     &cmd));
	cmd.argsz = sizeof(cmd);
	cmd.flags = 1U << 2;
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, VFIO_DEVICE_DETACH_IOMMUFD_PT,
				     &cmd));
	cmd.flags = VFIO_DEVICE_DETACH_PASID;
	cmd.pasid = 3;
	cmd.argsz = DETACH_MIN;
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, VFIO_DEVICE_DETACH_IOMMUFD_PT,
				     &cmd));
	cmd.argsz = sizeof(cmd);
	EXPECT_OK(emu_ioctl(self->a, VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd));
	/* No PASIDs: refused before argsz is checked for the PASID */
	EXPECT_ERR(EOPNOTSUPP, emu_dev_detach(self->c,
					      VFIO_DEVICE_DETACH_PASID, 3));
	cmd.argsz = DETACH_MIN;
	EXPECT_ERR(EOPNOTSUPP, emu_ioctl(self->c, VFIO_DEVICE_DETACH_IOMMUFD_PT,
					 &cmd));
	/*
	 * As VFIO, a PASID that is not attached is detached quietly, also
	 * one the device cannot issue; PASID 0 leaves the RID attached
	 */
	pt_id = self->ioas;
	ASSERT_OK(dev_attach(self->a, &pt_id));
	EXPECT_OK(emu_dev_detach(self->a, VFIO_DEVICE_DETACH_PASID, 256));
	EXPECT_OK(emu_dev_detach(self->a, VFIO_DEVICE_DETACH_PASID, 0));
	EXPECT_ERR(EBUSY, emu_destroy(self->fd, self->ioas));
	EXPECT_OK(dev_detach(self->a));
	EXPECT_OK(emu_destroy(self->fd, self->ioas));
	EXPECT_OK(dev_detach(self->c));
}

/* ---- DMA: argument checks (no translation needed) ---- */

TEST_F(devices, dma_errors)
{
	struct iommufd_emu_dma cmd = {
		.argsz = sizeof(cmd),
		.iova = IOVA,
		.length = 16,
		.uptr = (uintptr_t)self->scratch,
	};
	struct {
		struct iommufd_emu_dma dma;
		__u64 extra;
	} big = { .dma = cmd };

	ASSERT_OK(emu_dev_bind(self->a, self->fd, NULL));

	cmd.argsz = sizeof(cmd) - 1;
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, IOMMUFD_EMU_DMA, &cmd));
	cmd.argsz = sizeof(cmd);
	cmd.flags = 1U << 2;
	EXPECT_ERR(EOPNOTSUPP, emu_ioctl(self->a, IOMMUFD_EMU_DMA, &cmd));
	cmd.flags = 0;
	cmd.__reserved = 1;
	EXPECT_ERR(EOPNOTSUPP, emu_ioctl(self->a, IOMMUFD_EMU_DMA, &cmd));
	cmd.__reserved = 0;
	cmd.length = 0;
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, IOMMUFD_EMU_DMA, &cmd));
	cmd.length = 16;
	cmd.iova = ~0ULL - 7;
	EXPECT_ERR(EOVERFLOW, emu_ioctl(self->a, IOMMUFD_EMU_DMA, &cmd));
	cmd.iova = IOVA;
	/* A PASID without the flag, or one the device cannot issue */
	cmd.pasid = 1;
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, IOMMUFD_EMU_DMA, &cmd));
	cmd.flags = IOMMUFD_EMU_DMA_PASID;
	cmd.pasid = 256;
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, IOMMUFD_EMU_DMA, &cmd));
	cmd.pasid = 0;
	EXPECT_ERR(EINVAL, emu_ioctl(self->a, IOMMUFD_EMU_DMA, &cmd));
	ASSERT_OK(emu_dev_bind(self->c, self->fd, NULL));
	cmd.pasid = 1;
	EXPECT_ERR(EINVAL, emu_ioctl(self->c, IOMMUFD_EMU_DMA, &cmd));

	/* Bytes past the known struct must be zero */
	big.dma.argsz = sizeof(big);
	big.extra = 1;
	EXPECT_ERR(E2BIG, emu_ioctl(self->a, IOMMUFD_EMU_DMA, &big));
	/* Bound, not attached: the group blocks, a translation fault */
	big.extra = 0;
	EXPECT_ERR(EIO, emu_ioctl(self->a, IOMMUFD_EMU_DMA, &big));
	EXPECT_ERR(EIO, dma_write(self->a, IOVA, self->scratch, 16));
	EXPECT_ERR(EIO, emu_dev_dma(self->a, IOMMUFD_EMU_DMA_PASID, 5, IOVA,
				    self->scratch, 16));
	EXPECT_ERR(EFAULT, emu_ioctl(self->a, IOMMUFD_EMU_DMA, NULL));
}

/* ---- DMA through a translation (needs paging domains) ---- */

TEST_F(devices, dma_lands_where_mapped)
{
	__u32 hwpt;
	size_t i;

	map_buf(self->ioas, MAP_RW);
	bind_attach(self->c, &hwpt);
	EXPECT_NE(self->ioas, hwpt);

	/* Device writes: memory changes at exactly the mapped offset */
	memset(self->buf, 0, BUF_SIZE);
	for (i = 0; i < 3 * PAGE_SIZE; i++)
		self->scratch[i] = (char)(i * 7 + 1);
	ASSERT_OK(dma_write(self->c, IOVA + PAGE_SIZE + 100, self->scratch,
			    3 * PAGE_SIZE));
	EXPECT_EQ(0, self->buf[PAGE_SIZE + 99]);
	EXPECT_EQ(0, memcmp(self->buf + PAGE_SIZE + 100, self->scratch,
			    3 * PAGE_SIZE));
	EXPECT_EQ(0, self->buf[4 * PAGE_SIZE + 100]);

	/* Device reads: what the CPU wrote, the whole buffer at once */
	for (i = 0; i < BUF_SIZE; i++)
		self->buf[i] = (char)(i ^ (i >> 8));
	memset(self->scratch, 0, BUF_SIZE);
	ASSERT_OK(dma_read(self->c, IOVA, self->scratch, BUF_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, self->scratch, BUF_SIZE));

	/* Off either end of the mapping: translation fault */
	EXPECT_ERR(EIO, dma_read(self->c, IOVA - 1, self->scratch, 2));
	EXPECT_ERR(EIO, dma_read(self->c, IOVA + BUF_SIZE - 1, self->scratch,
				 2));
	EXPECT_ERR(EIO, dma_read(self->c, 0x100000000ULL, self->scratch, 8));
	/* A bad user buffer is not a translation fault */
	EXPECT_ERR(EFAULT, dma_read(self->c, IOVA, NULL, 8));
	EXPECT_ERR(EFAULT, dma_write(self->c, IOVA, NULL, 8));

	/* Unmapped afterwards: the device faults again */
	test_ioctl_ioas_unmap(self->ioas, IOVA, BUF_SIZE, BUF_SIZE);
	EXPECT_ERR(EIO, dma_read(self->c, IOVA, self->scratch, 8));
}

TEST_F(devices, dma_readonly_mapping)
{
	__u32 hwpt;

	map_buf(self->ioas, IOMMU_IOAS_MAP_READABLE);
	bind_attach(self->c, &hwpt);
	self->buf[0] = 0x42;
	self->scratch[0] = 0;
	EXPECT_OK(dma_read(self->c, IOVA, self->scratch, 1));
	EXPECT_EQ(0x42, self->scratch[0]);
	EXPECT_ERR(EIO, dma_write(self->c, IOVA, self->scratch, 1));
	EXPECT_EQ(0x42, self->buf[0]);
}

TEST_F(devices, dma_after_detach)
{
	__u32 hwpt;

	map_buf(self->ioas, MAP_RW);
	bind_attach(self->c, &hwpt);
	ASSERT_OK(dma_read(self->c, IOVA, self->scratch, 64));
	ASSERT_OK(dev_detach(self->c));
	EXPECT_ERR(EIO, dma_read(self->c, IOVA, self->scratch, 64));
	/* Detached twice is fine; the automatic HWPT went with the detach */
	EXPECT_OK(dev_detach(self->c));
	EXPECT_ERR(ENOENT, emu_destroy(self->fd, hwpt));
}

/* Attaching an attached device replaces its translation */
TEST_F(devices, reattach_replaces)
{
	__u32 hwpt1, hwpt2, ioas2, pt_id;
	__u64 iova = IOVA;

	map_buf(self->ioas, MAP_RW);
	ASSERT_OK(emu_ioas_alloc(self->fd, &ioas2));
	ASSERT_OK(emu_ioas_map(self->fd, ioas2, MAP_FIXED_RW, self->scratch,
			       BUF_SIZE, &iova));
	bind_attach(self->c, &hwpt1);

	memset(self->buf, 1, PAGE_SIZE);
	memset(self->scratch, 2, PAGE_SIZE);
	pt_id = ioas2;
	ASSERT_OK(dev_attach(self->c, &pt_id));
	hwpt2 = pt_id;
	EXPECT_NE(hwpt1, hwpt2);
	/* The old automatic HWPT was released by the replace */
	EXPECT_ERR(ENOENT, emu_destroy(self->fd, hwpt1));
	ASSERT_OK(dma_write(self->c, IOVA, "x", 1));
	EXPECT_EQ(1, self->buf[0]);
	EXPECT_EQ('x', self->scratch[0]);

	/* Replacing with the current HWPT is a no-op */
	pt_id = hwpt2;
	EXPECT_OK(dev_attach(self->c, &pt_id));
	EXPECT_EQ(hwpt2, pt_id);
	EXPECT_ERR(EBUSY, emu_destroy(self->fd, hwpt2));
	EXPECT_OK(dev_detach(self->c));
}

/* PASID attachments are independent of the RID's */
TEST_F(devices, pasid_attach)
{
	__u32 hwpt, pt_id = 0, devid;

	map_buf(self->ioas, MAP_RW);
	ASSERT_OK(emu_dev_bind(self->a, self->fd, &devid));
	ASSERT_OK(hwpt_alloc(self->fd, devid, self->ioas, &hwpt));
	pt_id = hwpt;
	ASSERT_OK(emu_dev_attach(self->a, VFIO_DEVICE_ATTACH_PASID, 7,
				 &pt_id));
	EXPECT_EQ(hwpt, pt_id);
	self->buf[5] = 9;
	EXPECT_OK(emu_dev_dma(self->a, IOMMUFD_EMU_DMA_PASID, 7, IOVA + 5,
			      self->scratch, 1));
	EXPECT_EQ(9, self->scratch[0]);
	EXPECT_ERR(EIO, dma_read(self->a, IOVA, self->scratch, 1));
	EXPECT_ERR(EIO, emu_dev_dma(self->a, IOMMUFD_EMU_DMA_PASID, 6, IOVA,
				    self->scratch, 1));
	EXPECT_OK(emu_dev_detach(self->a, VFIO_DEVICE_DETACH_PASID, 7));
	EXPECT_ERR(EIO, emu_dev_dma(self->a, IOMMUFD_EMU_DMA_PASID, 7, IOVA,
				    self->scratch, 1));
	EXPECT_OK(emu_destroy(self->fd, hwpt));
}

/*
 * Regression: in a group where only one device issues PASIDs, a PASID
 * attachment concerns that device alone; its sibling without PASIDs must
 * not make the attach fail, and keeps its own RID translation.
 */
TEST_F(devices, pasid_in_mixed_group)
{
	__u32 hwpt, pt_id, devid, devid_e;
	int d, e;

	ASSERT_OK(dev_make("dvt_d", "0x20", "6", "8"));
	ASSERT_OK(dev_make("dvt_e", "0x21", "6", "0"));
	d = dev_open("dvt_d");
	ASSERT_LE(0, d);
	e = dev_open("dvt_e");
	ASSERT_LE(0, e);

	map_buf(self->ioas, MAP_RW);
	ASSERT_OK(emu_dev_bind(d, self->fd, &devid));
	ASSERT_OK(emu_dev_bind(e, self->fd, &devid_e));
	ASSERT_OK(hwpt_alloc(self->fd, devid, self->ioas, &hwpt));
	pt_id = hwpt;
	ASSERT_OK(emu_dev_attach(d, VFIO_DEVICE_ATTACH_PASID, 3, &pt_id));
	self->buf[1] = 0x5a;
	EXPECT_OK(emu_dev_dma(d, IOMMUFD_EMU_DMA_PASID, 3, IOVA + 1,
			      self->scratch, 1));
	EXPECT_EQ(0x5a, self->scratch[0]);
	/* The sibling has no PASIDs and no RID attachment yet */
	EXPECT_ERR(EIO, dma_read(e, IOVA, self->scratch, 1));
	pt_id = hwpt;
	ASSERT_OK(dev_attach(e, &pt_id));
	EXPECT_OK(dma_read(e, IOVA + 1, self->scratch, 1));
	EXPECT_OK(dev_detach(e));
	EXPECT_OK(emu_dev_detach(d, VFIO_DEVICE_DETACH_PASID, 3));
	close(d);
	close(e);
	EXPECT_OK(emu_destroy(self->fd, hwpt));
	emu_cfs_rmdir("devices", "dvt_d");
	emu_cfs_rmdir("devices", "dvt_e");
}

/* ---- the group of "a" and "b" seen through DMA ---- */

TEST_F(devices, group_rules)
{
	__u32 hwpt_a, hwpt_other, pt_id, devid_b, ioas2;
	__u64 iova = IOVA;

	map_buf(self->ioas, MAP_RW);
	ASSERT_OK(emu_ioas_alloc(self->fd, &ioas2));
	ASSERT_OK(emu_ioas_map(self->fd, ioas2, MAP_FIXED_RW, self->scratch,
			       BUF_SIZE, &iova));
	ASSERT_OK(emu_dev_bind(self->b, self->fd, &devid_b));
	bind_attach(self->a, &hwpt_a);

	/* The first attach switched the whole group: "b" translates too */
	self->buf[0] = 0x11;
	EXPECT_OK(dma_read(self->b, IOVA, self->buf + PAGE_SIZE, 1));
	EXPECT_EQ(0x11, self->buf[PAGE_SIZE]);

	/* A sibling may not go elsewhere */
	ASSERT_OK(hwpt_alloc(self->fd, devid_b, ioas2, &hwpt_other));
	pt_id = hwpt_other;
	EXPECT_ERR(EINVAL, dev_attach(self->b, &pt_id));
	pt_id = self->ioas;
	ASSERT_OK(dev_attach(self->b, &pt_id));
	EXPECT_EQ(hwpt_a, pt_id);

	/* Replace through "b" moves both */
	pt_id = hwpt_other;
	ASSERT_OK(dev_attach(self->b, &pt_id));
	ASSERT_OK(dma_write(self->a, IOVA + 8, "A", 1));
	ASSERT_OK(dma_write(self->b, IOVA + 9, "B", 1));
	EXPECT_EQ('A', self->scratch[8]);
	EXPECT_EQ('B', self->scratch[9]);
	EXPECT_NE('A', self->buf[8]);

	/* Detaching the first keeps the second translating */
	ASSERT_OK(dev_detach(self->a));
	EXPECT_OK(dma_write(self->b, IOVA + 10, "b", 1));
	EXPECT_EQ('b', self->scratch[10]);
	EXPECT_OK(dma_write(self->a, IOVA + 11, "a", 1));
	EXPECT_EQ('a', self->scratch[11]);
	/* Only the last detach blocks the group */
	ASSERT_OK(dev_detach(self->b));
	EXPECT_ERR(EIO, dma_write(self->b, IOVA, "b", 1));
	EXPECT_ERR(EIO, dma_write(self->a, IOVA, "a", 1));
	EXPECT_OK(emu_destroy(self->fd, hwpt_other));
}

/* Closing device fds detaches them and releases their HWPTs */
TEST_F(devices, close_attached)
{
	__u32 hwpt_a, hwpt_c, pt_id, devid_a;

	map_buf(self->ioas, MAP_RW);
	ASSERT_OK(emu_dev_bind(self->a, self->fd, &devid_a));
	ASSERT_OK(hwpt_alloc(self->fd, devid_a, self->ioas, &hwpt_a));
	pt_id = hwpt_a;
	ASSERT_OK(dev_attach(self->a, &pt_id));
	ASSERT_OK(emu_dev_attach(self->a, VFIO_DEVICE_ATTACH_PASID, 3,
				 &pt_id));
	ASSERT_OK(emu_dev_bind(self->b, self->fd, NULL));
	bind_attach(self->c, &hwpt_c);
	EXPECT_ERR(EBUSY, emu_destroy(self->fd, hwpt_a));
	EXPECT_ERR(EBUSY, emu_destroy(self->fd, self->ioas));

	/* "b" still holds the group for the context */
	close(self->a);
	self->a = -1;
	EXPECT_ERR(EIO, dma_read(self->b, IOVA, self->scratch, 1));
	close(self->c);
	self->c = -1;
	EXPECT_OK(emu_destroy(self->fd, hwpt_a));
	EXPECT_OK(emu_destroy(self->fd, self->ioas));
	self->a = dev_open(DEV_A);
	ASSERT_LE(0, self->a);
	EXPECT_ERR(EPERM, emu_dev_bind(self->a, self->fd2, NULL));
	EXPECT_OK(emu_dev_bind(self->a, self->fd, NULL));
}

/* ---- hot-unplug ---- */

TEST_F(devices, unplug_bound)
{
	__u32 devid, pt_id = self->ioas, ioas;
	char byte = 0;

	ASSERT_OK(emu_dev_bind(self->b, self->fd, &devid));
	ASSERT_OK(dev_enable(DEV_B, false));
	EXPECT_ERR(ENODEV, emu_dev_bind(self->b, self->fd, NULL));
	EXPECT_ERR(ENODEV, dev_attach(self->b, &pt_id));
	EXPECT_ERR(ENODEV, dev_detach(self->b));
	EXPECT_ERR(ENODEV, dma_read(self->b, IOVA, &byte, 1));
	/* Even malformed requests */
	EXPECT_ERR(ENODEV, emu_ioctl(self->b, VFIO_DEVICE_DETACH_IOMMUFD_PT,
				     &byte));
	/* The device object is gone; the context keeps working */
	EXPECT_ERR(ENOENT, emu_destroy(self->fd, devid));
	EXPECT_OK(emu_ioas_alloc(self->fd, &ioas));
	/* "a", in the group "b" left, may now go to another context */
	EXPECT_OK(emu_dev_bind(self->a, self->fd2, NULL));
	close(self->b);
	self->b = -1;
}

TEST_F(devices, unplug_by_rmdir)
{
	__u32 pt_id = self->ioas;

	ASSERT_OK(emu_dev_bind(self->c, self->fd, NULL));
	ASSERT_OK(emu_cfs_rmdir("devices", DEV_C));
	EXPECT_ERR(ENODEV, dev_attach(self->c, &pt_id));
	EXPECT_ERR(ENODEV, dma_read(self->c, IOVA, self->scratch, 1));
	close(self->c);
	self->c = -1;
}

TEST_F(devices, unplug_attached)
{
	__u32 hwpt, pt_id, devid_a;

	map_buf(self->ioas, MAP_RW);
	ASSERT_OK(emu_dev_bind(self->a, self->fd, &devid_a));
	ASSERT_OK(emu_dev_bind(self->b, self->fd, NULL));
	ASSERT_OK(hwpt_alloc(self->fd, devid_a, self->ioas, &hwpt));
	pt_id = hwpt;
	ASSERT_OK(dev_attach(self->a, &pt_id));
	ASSERT_OK(emu_dev_attach(self->a, VFIO_DEVICE_ATTACH_PASID, 2,
				 &pt_id));
	ASSERT_OK(dev_attach(self->b, &pt_id));

	ASSERT_OK(dev_enable(DEV_A, false));
	EXPECT_ERR(ENODEV, dma_read(self->a, IOVA, self->scratch, 1));
	/* The sibling still translates through the shared HWPT */
	self->buf[0] = 0x5c;
	EXPECT_OK(dma_read(self->b, IOVA, self->scratch, 1));
	EXPECT_EQ(0x5c, self->scratch[0]);
	EXPECT_ERR(EBUSY, emu_destroy(self->fd, hwpt));
	ASSERT_OK(dev_detach(self->b));
	EXPECT_OK(emu_destroy(self->fd, hwpt));
	EXPECT_OK(emu_destroy(self->fd, self->ioas));
	close(self->a);
	self->a = -1;
}

struct dma_loop {
	int dfd;
	void *buf;
	bool started;		/* atomic: the loop has done one DMA */
	unsigned long count;
	int rc;
};

/* DMA until the device answers ENODEV (or something unexpected) */
static void *dma_loop_fn(void *arg)
{
	struct dma_loop *loop = arg;
	int rc;

	for (;;) {
		rc = dma_read(loop->dfd, IOVA, loop->buf, BUF_SIZE);
		loop->count++;
		__atomic_store_n(&loop->started, true, __ATOMIC_RELEASE);
		if (rc && rc != -EIO)
			break;
	}
	loop->rc = rc;
	return NULL;
}

/*
 * Unplug DEV_C (disable, or rmdir) while a thread does DMA on @dfd in a
 * loop. Returns the unplug's result; the loop's last one is in @loop.
 */
static int unplug_during_dma(struct dma_loop *loop, bool rmdir)
{
	pthread_t thread;
	int rc;

	if (pthread_create(&thread, NULL, dma_loop_fn, loop))
		return -EAGAIN;
	while (!__atomic_load_n(&loop->started, __ATOMIC_ACQUIRE))
		usleep(1000);
	usleep(50000);
	rc = rmdir ? emu_cfs_rmdir("devices", DEV_C) : dev_enable(DEV_C, false);
	/* If the unplug failed the loop never ends: the harness times out */
	pthread_join(thread, NULL);
	return rc;
}

#define check_unplug_during_dma(_rmdir) do {				\
	struct dma_loop __loop = { .dfd = self->c, .buf = self->scratch }; \
									\
	ASSERT_OK(unplug_during_dma(&__loop, _rmdir));			\
	EXPECT_ERR(ENODEV, __loop.rc);					\
	TH_LOG("%lu DMAs of %lu KiB before the unplug", __loop.count,	\
	       BUF_SIZE / 1024);					\
} while (0)

TEST_F_TIMEOUT(devices, unplug_during_dma, 120)
{
	__u32 hwpt;

	map_buf(self->ioas, MAP_RW);
	bind_attach(self->c, &hwpt);
	ASSERT_OK(dma_read(self->c, IOVA, self->scratch, BUF_SIZE));
	check_unplug_during_dma(false);
	/* Nothing holds the IOAS any more */
	EXPECT_OK(emu_destroy(self->fd, self->ioas));
}

/* The same race without a translation: every DMA faults until the unplug */
TEST_F_TIMEOUT(devices, unplug_during_faulting_dma, 120)
{
	ASSERT_OK(emu_dev_bind(self->c, self->fd, NULL));
	check_unplug_during_dma(true);
}

TEST_HARNESS_MAIN
