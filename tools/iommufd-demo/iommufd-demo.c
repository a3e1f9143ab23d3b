// SPDX-License-Identifier: GPL-2.0
/*
 * iommufd-demo: a narrated walk through the /dev/iommu interface provided by
 * iommufd_emu.
 *
 * Each step issues one or a few ioctls and prints what it asked for and what
 * came back (object ids, IOVAs, lengths, errno names).  Some steps show an
 * error on purpose; those are marked "as expected".  Any other failure makes
 * the program exit with status 1.
 *
 * The walk is a table of steps sharing one struct demo: later features
 * (devices, attaching them to an IOAS, ...) add steps and fields there.
 *
 * Usage: iommufd-demo [-d DEVICE]   (default /dev/iommu, or $IOMMUFD_EMU_DEV)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/iommufd_emu.h>
#include <linux/types.h>

/* The guest-side SMMUv3 driver of the selftests, without their harness */
#define IOMMUFD_EMU_NO_HARNESS
#include "../testing/selftests/iommufd_emu/smmuv3_guest.h"

#define DEMO_PAGE_SIZE	4096UL
#define BUF_PAGES	16
#define BUF_SIZE	(BUF_PAGES * DEMO_PAGE_SIZE)
#define FIXED_IOVA	0x100000ULL
#define MAX_RANGES	8
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define CFS_ROOT	"/sys/kernel/config/iommufd_emu"
#define DBG_ROOT	"/sys/kernel/debug/iommufd_emu"

/* The demo topology: a and b share a group on an SMMUv3, c sits on a VT-d */
enum { DEV_A, DEV_B, DEV_C, NR_DEVS };
static const char *const dev_names[NR_DEVS] = { "demo_a", "demo_b", "demo_c" };

/**
 * struct demo_vsmmu - the nested SMMUv3 part: one guest with a vSMMU
 * @dfd: the device fd of demo_gpu (0 while not open)
 * @qfd: the vEVENTQ fd (0 while not open)
 * @dev_id: demo_gpu's device id
 * @ioas: guest RAM's IOAS
 * @s2: the stage-2 nesting parent HWPT
 * @viommu: the vSMMU
 * @abort_hwpt: HWPT of an aborting vSTE
 * @bypass_hwpt: HWPT of a bypassing vSTE
 * @veventq: the vEVENTQ
 * @vdev: demo_gpu's vDEVICE
 * @s1_hwpt: HWPT of the guest's stage-1 vSTE
 * @g: guest RAM
 * @s1: the guest's stage-1 address space
 * @page: two data pages the guest maps at DEMO_VA, in turn
 */
struct demo_vsmmu {
	int dfd, qfd;
	__u32 dev_id, ioas, s2, viommu, abort_hwpt, bypass_hwpt, veventq;
	__u32 vdev, s1_hwpt;
	struct sm_guest g;
	struct sm_s1 s1;
	__u64 page[2];
};

struct demo {
	const char *dev_path;
	int fd;
	__u32 ioas;		/* the IOAS the buffers are mapped into */
	__u32 ioas2;		/* the IOAS receiving a copy */
	__u8 *buf;		/* BUF_SIZE bytes of our memory */
	__u64 fixed_iova;	/* first half of buf, at an IOVA we chose */
	__u64 auto_iova;	/* second half of buf, IOVA chosen by the kernel */
	__u64 copy_iova;	/* the copy in ioas2 */
	int dev_fd[NR_DEVS];	/* /dev/iommufd-emu/<name> */
	__u32 dev_id[NR_DEVS];	/* their ids in the iommufd */
	bool topology;		/* the configfs items exist */
	int unexpected;		/* failures that were not part of the plan */
	struct demo_vsmmu vs;	/* the nested SMMUv3 steps */
};

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("    ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

static const char *errno_name(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "unknown errno";
}

/* Issue an ioctl; returns 0 or the errno it failed with. */
static int do_ioctl(struct demo *d, unsigned long cmd, void *arg)
{
	return ioctl(d->fd, cmd, arg) ? errno : 0;
}

/* Report the outcome of something that should work. */
static bool check_ok(struct demo *d, const char *what, int err)
{
	if (!err)
		return true;
	say("%s FAILED: %s (%s)", what, errno_name(err), strerror(err));
	d->unexpected++;
	return false;
}

/* Report the outcome of something that should fail with @want. */
static bool check_err(struct demo *d, const char *what, int err, int want)
{
	if (err == want) {
		say("%s -> %s, as expected", what, errno_name(err));
		return true;
	}
	if (!err)
		say("%s succeeded, but %s was expected", what,
		    errno_name(want));
	else
		say("%s -> %s, but %s was expected", what, errno_name(err),
		    errno_name(want));
	d->unexpected++;
	return false;
}

/* Pinned memory of this process, from /proc/self/status, in kB. */
static long vm_pinned_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f;

	f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int ioas_alloc(struct demo *d, __u32 *id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	int err;

	err = do_ioctl(d, IOMMU_IOAS_ALLOC, &cmd);
	if (!err)
		*id = cmd.out_ioas_id;
	return err;
}

static int ioas_unmap(struct demo *d, __u32 ioas, __u64 iova, __u64 length,
		      __u64 *unmapped)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas,
		.iova = iova,
		.length = length,
	};
	int err;

	err = do_ioctl(d, IOMMU_IOAS_UNMAP, &cmd);
	if (!err)
		*unmapped = cmd.length;
	return err;
}

static int destroy(struct demo *d, __u32 id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return do_ioctl(d, IOMMU_DESTROY, &cmd);
}

/* ---- the steps ---------------------------------------------------------- */

static int step_open(struct demo *d)
{
	say("open(\"%s\", O_RDWR)", d->dev_path);
	d->fd = open(d->dev_path, O_RDWR | O_CLOEXEC);
	if (d->fd < 0) {
		check_ok(d, "open", errno);
		return -1;
	}
	say("-> fd %d: a fresh context with no objects", d->fd);
	return 0;
}

static int step_ioas_alloc(struct demo *d)
{
	say("IOMMU_IOAS_ALLOC: an I/O address space to map memory into");
	if (!check_ok(d, "IOMMU_IOAS_ALLOC", ioas_alloc(d, &d->ioas)))
		return -1;
	say("-> IOAS id %u", d->ioas);
	return 0;
}

static int step_iova_ranges(struct demo *d)
{
	struct iommu_iova_range ranges[MAX_RANGES];
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = d->ioas,
		.num_iovas = 0,
	};
	__u32 i;
	int err;

	say("IOMMU_IOAS_IOVA_RANGES with room for 0 ranges, to learn the count");
	err = do_ioctl(d, IOMMU_IOAS_IOVA_RANGES, &cmd);
	check_err(d, "IOMMU_IOAS_IOVA_RANGES", err, EMSGSIZE);
	say("-> the IOAS has %u usable range(s)", cmd.num_iovas);
	if (cmd.num_iovas > MAX_RANGES) {
		say("more ranges than this demo shows, listing %d", MAX_RANGES);
		cmd.num_iovas = MAX_RANGES;
	}

	cmd.allowed_iovas = (uintptr_t)ranges;
	err = do_ioctl(d, IOMMU_IOAS_IOVA_RANGES, &cmd);
	if (!check_ok(d, "IOMMU_IOAS_IOVA_RANGES", err))
		return -1;
	for (i = 0; i < cmd.num_iovas; i++)
		say("   range %u: [%#llx, %#llx]", i,
		    (unsigned long long)ranges[i].start,
		    (unsigned long long)ranges[i].last);
	say("-> IOVA alignment %llu byte(s) (no device attached yet)",
	    (unsigned long long)cmd.out_iova_alignment);
	return 0;
}

static int step_map_fixed(struct demo *d)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = d->ioas,
		.length = BUF_SIZE / 2,
		.iova = FIXED_IOVA,
	};

	d->buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (d->buf == MAP_FAILED) {
		d->buf = NULL;
		check_ok(d, "mmap", errno);
		return -1;
	}
	memset(d->buf, 0x5a, BUF_SIZE);
	cmd.user_va = (uintptr_t)d->buf;

	say("IOMMU_IOAS_MAP: %lu KiB of our memory at %p, FIXED_IOVA %#llx, read/write",
	    BUF_SIZE / 2 / 1024, d->buf, (unsigned long long)FIXED_IOVA);
	if (!check_ok(d, "IOMMU_IOAS_MAP", do_ioctl(d, IOMMU_IOAS_MAP, &cmd)))
		return -1;
	d->fixed_iova = cmd.iova;
	say("-> mapped at IOVA %#llx, length %#llx",
	    (unsigned long long)cmd.iova, (unsigned long long)cmd.length);
	say("   VmPin: %ld kB (pages get pinned once a device needs them)",
	    vm_pinned_kb());
	return 0;
}

static int step_map_auto(struct demo *d)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_READABLE,
		.ioas_id = d->ioas,
		.user_va = (uintptr_t)(d->buf + BUF_SIZE / 2),
		.length = BUF_SIZE / 2,
	};

	say("IOMMU_IOAS_MAP: the other %lu KiB, read-only, kernel picks the IOVA",
	    BUF_SIZE / 2 / 1024);
	if (!check_ok(d, "IOMMU_IOAS_MAP", do_ioctl(d, IOMMU_IOAS_MAP, &cmd)))
		return -1;
	d->auto_iova = cmd.iova;
	say("-> mapped at IOVA %#llx", (unsigned long long)cmd.iova);

	/* the same IOVA again is refused: mappings never replace others */
	cmd.flags |= IOMMU_IOAS_MAP_FIXED_IOVA;
	say("IOMMU_IOAS_MAP again at FIXED_IOVA %#llx (already in use)",
	    (unsigned long long)cmd.iova);
	check_err(d, "IOMMU_IOAS_MAP", do_ioctl(d, IOMMU_IOAS_MAP, &cmd),
		  EEXIST);
	return 0;
}

static int step_copy(struct demo *d)
{
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
		.length = BUF_SIZE / 2,
		.src_iova = d->fixed_iova,
	};

	say("IOMMU_IOAS_ALLOC: a second IOAS");
	if (!check_ok(d, "IOMMU_IOAS_ALLOC", ioas_alloc(d, &d->ioas2)))
		return -1;
	say("-> IOAS id %u", d->ioas2);

	cmd.dst_ioas_id = d->ioas2;
	cmd.src_ioas_id = d->ioas;
	say("IOMMU_IOAS_COPY: IOAS %u [%#llx, +%#lx) into IOAS %u, kernel picks the IOVA",
	    d->ioas, (unsigned long long)d->fixed_iova, BUF_SIZE / 2,
	    d->ioas2);
	if (!check_ok(d, "IOMMU_IOAS_COPY", do_ioctl(d, IOMMU_IOAS_COPY, &cmd)))
		return -1;
	d->copy_iova = cmd.dst_iova;
	say("-> copied to IOVA %#llx of IOAS %u, sharing the same pages",
	    (unsigned long long)cmd.dst_iova, d->ioas2);
	return 0;
}

/* Write one configfs attribute; returns 0 or an errno. */
static int cfs_set(const char *dir, const char *attr, const char *val)
{
	char path[256];
	int fd, err = 0;

	snprintf(path, sizeof(path), CFS_ROOT "/%s/%s", dir, attr);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	if (write(fd, val, strlen(val)) < 0)
		err = errno;
	close(fd);
	return err;
}

static int cfs_item(const char *dir, const char *const *attrs)
{
	char path[256];
	int err;

	snprintf(path, sizeof(path), CFS_ROOT "/%s", dir);
	if (mkdir(path, 0755))
		return errno;
	for (; *attrs; attrs += 2) {
		err = cfs_set(dir, attrs[0], attrs[1]);
		if (err)
			return err;
	}
	return 0;
}

static void show_file(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f) {
		say("(%s: %s)", path, errno_name(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		say("| %s", line);
	}
	fclose(f);
}

static int step_topology(struct demo *d)
{
	static const char *const smmu[] = { "type", "smmuv3", "enable", "1",
					    NULL };
	static const char *const vtd[] = { "type", "vtd", "enable", "1", NULL };
	static const char *const a[] = { "iommu", "demo_smmu", "id", "0x100",
					 "group", "1", "enable", "1", NULL };
	static const char *const b[] = { "iommu", "demo_smmu", "id", "0x101",
					 "group", "1", "enable", "1", NULL };
	static const char *const c[] = { "iommu", "demo_vtd", "id", "0x8",
					 "enable", "1", NULL };

	/* configfs may not be mounted yet */
	if (access(CFS_ROOT, F_OK))
		mount("none", "/sys/kernel/config", "configfs", 0, NULL);
	say("mkdir under %s: an SMMUv3 with devices a and b in one group", CFS_ROOT);
	say("(group tag 1, as behind a PCIe-to-PCI bridge), and a VT-d with c");
	d->topology = true;
	if (!check_ok(d, "iommus/demo_smmu", cfs_item("iommus/demo_smmu", smmu)) ||
	    !check_ok(d, "iommus/demo_vtd", cfs_item("iommus/demo_vtd", vtd)) ||
	    !check_ok(d, "devices/demo_a", cfs_item("devices/demo_a", a)) ||
	    !check_ok(d, "devices/demo_b", cfs_item("devices/demo_b", b)) ||
	    !check_ok(d, "devices/demo_c", cfs_item("devices/demo_c", c)))
		return -1;
	say("-> /dev/iommufd-emu/demo_a, demo_b and demo_c exist");
	return 0;
}

static int step_bind(struct demo *d)
{
	int i;

	for (i = 0; i < NR_DEVS; i++) {
		struct vfio_device_bind_iommufd bind = {
			.argsz = sizeof(bind),
			.iommufd = d->fd,
		};
		char path[64];

		snprintf(path, sizeof(path), "/dev/iommufd-emu/%s",
			 dev_names[i]);
		d->dev_fd[i] = open(path, O_RDWR);
		if (!check_ok(d, path, d->dev_fd[i] < 0 ? errno : 0))
			return -1;
		if (!check_ok(d, "VFIO_DEVICE_BIND_IOMMUFD",
			      ioctl(d->dev_fd[i], VFIO_DEVICE_BIND_IOMMUFD,
				    &bind) ? errno : 0))
			return -1;
		d->dev_id[i] = bind.out_devid;
		say("%s bound: device id %u", dev_names[i], bind.out_devid);
	}
	return 0;
}

/* Attach (or, when attached, replace) a device to an IOAS or HWPT */
static int dev_attach(struct demo *d, int dev, __u32 *pt_id)
{
	struct vfio_device_attach_iommufd_pt at = {
		.argsz = sizeof(at),
		.pt_id = *pt_id,
	};

	if (ioctl(d->dev_fd[dev], VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at))
		return errno;
	*pt_id = at.pt_id;
	return 0;
}

static int dev_detach(struct demo *d, int dev)
{
	struct vfio_device_detach_iommufd_pt de = { .argsz = sizeof(de) };

	return ioctl(d->dev_fd[dev], VFIO_DEVICE_DETACH_IOMMUFD_PT, &de) ?
		       errno : 0;
}

/* The device reads 4 bytes at @iova; returns 0 or an errno. */
static int dev_dma_read(struct demo *d, int dev, __u64 iova, __u32 *val)
{
	struct iommufd_emu_dma dma = {
		.argsz = sizeof(dma),
		.iova = iova,
		.length = sizeof(*val),
		.uptr = (uintptr_t)val,
	};

	return ioctl(d->dev_fd[dev], IOMMUFD_EMU_DMA, &dma) ? errno : 0;
}

static void show_dma(struct demo *d, int dev, __u64 iova, int want_err)
{
	__u32 val = 0;
	int err = dev_dma_read(d, dev, iova, &val);

	if (want_err) {
		check_err(d, "IOMMUFD_EMU_DMA", err, want_err);
		return;
	}
	if (check_ok(d, "IOMMUFD_EMU_DMA", err))
		say("%s reads IOVA %#llx -> %#x", dev_names[dev],
		    (unsigned long long)iova, val);
}

static int step_attach(struct demo *d)
{
	__u32 pt = d->ioas, other = d->ioas2;

	/* Recognisable words at the start of each mapping */
	*(__u32 *)d->buf = 0xa11ce;
	*(__u32 *)(d->buf + BUF_SIZE / 2) = 0xc0ffee;

	say("ATTACH demo_a to IOAS %u: the kernel makes an automatic HWPT", pt);
	if (!check_ok(d, "VFIO_DEVICE_ATTACH_IOMMUFD_PT", dev_attach(d, DEV_A, &pt)))
		return -1;
	say("-> HWPT %u; the whole group (a and b) now translates through it", pt);
	show_dma(d, DEV_A, d->fixed_iova, 0);
	say("demo_b has not attached itself, but the hardware switched its group:");
	show_dma(d, DEV_B, d->fixed_iova, 0);
	say("ATTACH demo_b to IOAS %u (another IOAS than its sibling's)", other);
	check_err(d, "VFIO_DEVICE_ATTACH_IOMMUFD_PT", dev_attach(d, DEV_B, &other),
		  EINVAL);
	say("ATTACH demo_b to HWPT %u, its sibling's", pt);
	if (!check_ok(d, "VFIO_DEVICE_ATTACH_IOMMUFD_PT", dev_attach(d, DEV_B, &pt)))
		return -1;
	show_dma(d, DEV_B, d->fixed_iova, 0);
	pt = d->ioas;
	say("ATTACH demo_c (VT-d) to IOAS %u: a HWPT of its own instance", pt);
	if (!check_ok(d, "VFIO_DEVICE_ATTACH_IOMMUFD_PT", dev_attach(d, DEV_C, &pt)))
		return -1;
	say("-> HWPT %u", pt);
	show_dma(d, DEV_C, d->auto_iova, 0);
	return 0;
}

static int step_replace(struct demo *d)
{
	__u32 pt = d->ioas2;

	say("ATTACH again demo_a, now to IOAS %u: a replace, and the group moves",
	    pt);
	if (!check_ok(d, "VFIO_DEVICE_ATTACH_IOMMUFD_PT", dev_attach(d, DEV_A, &pt)))
		return -1;
	say("-> HWPT %u; the copy in IOAS %u sits at IOVA %#llx", pt, d->ioas2,
	    (unsigned long long)d->copy_iova);
	show_dma(d, DEV_A, d->copy_iova, 0);
	say("demo_b moved with its sibling:");
	show_dma(d, DEV_B, d->copy_iova, 0);
	show_dma(d, DEV_B, d->fixed_iova, EIO);
	return 0;
}

static int step_detach(struct demo *d)
{
	say("DETACH demo_a: demo_b is still attached, so the group keeps its HWPT");
	if (!check_ok(d, "VFIO_DEVICE_DETACH_IOMMUFD_PT", dev_detach(d, DEV_A)))
		return -1;
	show_dma(d, DEV_B, d->copy_iova, 0);
	say("DETACH demo_b: the last one, the group is blocked");
	if (!check_ok(d, "VFIO_DEVICE_DETACH_IOMMUFD_PT", dev_detach(d, DEV_B)))
		return -1;
	show_dma(d, DEV_B, d->copy_iova, EIO);
	return 0;
}

/* ---- PASIDs and sub-devices on the VT-d ---------------------------------- */

/*
 * demo_vp: a VT-d device issuing 8-bit PASIDs; demo_vs: a sub-device of it
 * (think of a mediated or SIOV device), whose DMA is demo_vp's DMA tagged
 * with a PASID the platform assigns.
 */
#define VTD_PARENT	"demo_vp"
#define VTD_SUB		"demo_vs"
#define DEMO_PASID	5

static int vtd_parent_fd = -1;
static int vtd_sub_fd = -1;
static __u32 vtd_pasid_hwpt;

static int vtd_open_bind(struct demo *d, const char *name, __u32 *dev_id)
{
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = d->fd,
	};
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/iommufd-emu/%s", name);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (!check_ok(d, path, fd < 0 ? errno : 0))
		return -1;
	if (!check_ok(d, "VFIO_DEVICE_BIND_IOMMUFD",
		      ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind) ? errno : 0)) {
		close(fd);
		return -1;
	}
	*dev_id = bind.out_devid;
	say("%s bound: device id %u", name, bind.out_devid);
	return fd;
}

/* Attach @pt to the RID (@pasid 0) or to a PASID of device fd @fd */
static int vtd_attach(int fd, __u32 flags, __u32 pasid, __u32 *pt)
{
	struct vfio_device_attach_iommufd_pt at = {
		.argsz = sizeof(at),
		.flags = flags,
		.pt_id = *pt,
		.pasid = pasid,
	};

	if (ioctl(fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at))
		return errno;
	*pt = at.pt_id;
	return 0;
}

/* A 4-byte read by device fd @fd, tagged with @pasid unless it is 0 */
static void vtd_show_dma(struct demo *d, int fd, const char *name,
			 __u32 pasid, __u64 iova, int want_err)
{
	__u32 val = 0;
	struct iommufd_emu_dma dma = {
		.argsz = sizeof(dma),
		.flags = pasid ? IOMMUFD_EMU_DMA_PASID : 0,
		.pasid = pasid,
		.iova = iova,
		.length = sizeof(val),
		.uptr = (uintptr_t)&val,
	};
	int err = ioctl(fd, IOMMUFD_EMU_DMA, &dma) ? errno : 0;
	char what[96];

	snprintf(what, sizeof(what), "%s DMA%s%.0u at IOVA %#llx", name,
		 pasid ? " with PASID " : " without PASID", pasid,
		 (unsigned long long)iova);
	if (want_err)
		check_err(d, what, err, want_err);
	else if (check_ok(d, what, err))
		say("%s -> %#x", what, val);
}

static int vtd_hwpt_alloc(struct demo *d, __u32 dev_id, __u32 flags,
			  __u32 *id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev_id,
		.pt_id = d->ioas,
	};
	int err = do_ioctl(d, IOMMU_HWPT_ALLOC, &cmd);

	if (!err)
		*id = cmd.out_hwpt_id;
	return err;
}

static int step_pasid(struct demo *d)
{
	static const char *const vp[] = { "iommu", "demo_vtd", "id", "0x10",
					  "pasid_bits", "8", "enable", "1",
					  NULL };
	static const char *const vs[] = { "parent", VTD_PARENT, "enable", "1",
					  NULL };
	__u32 dev_id, pt, plain;

	say("mkdir devices/%s on demo_vtd with 8-bit PASIDs, and %s, a", VTD_PARENT,
	    VTD_SUB);
	say("sub-device of it (parent=%s); the platform gives it a PASID", VTD_PARENT);
	if (!check_ok(d, "devices/" VTD_PARENT,
		      cfs_item("devices/" VTD_PARENT, vp)) ||
	    !check_ok(d, "devices/" VTD_SUB, cfs_item("devices/" VTD_SUB, vs)))
		return -1;
	say("devices/%s/pasid:", VTD_SUB);
	show_file(CFS_ROOT "/devices/" VTD_SUB "/pasid");
	vtd_parent_fd = vtd_open_bind(d, VTD_PARENT, &dev_id);
	if (vtd_parent_fd < 0)
		return -1;

	say("IOMMU_HWPT_ALLOC with IOMMU_HWPT_ALLOC_PASID on IOAS %u", d->ioas);
	if (!check_ok(d, "IOMMU_HWPT_ALLOC",
		      vtd_hwpt_alloc(d, dev_id, IOMMU_HWPT_ALLOC_PASID,
				     &vtd_pasid_hwpt)))
		return -1;
	pt = vtd_pasid_hwpt;
	say("ATTACH %s PASID %u (VFIO_DEVICE_ATTACH_PASID) to HWPT %u",
	    VTD_PARENT, DEMO_PASID, pt);
	if (!check_ok(d, "VFIO_DEVICE_ATTACH_IOMMUFD_PT",
		      vtd_attach(vtd_parent_fd, VFIO_DEVICE_ATTACH_PASID,
				 DEMO_PASID, &pt)))
		return -1;
	vtd_show_dma(d, vtd_parent_fd, VTD_PARENT, DEMO_PASID, d->fixed_iova,
		     0);
	say("the RID and the other PASIDs are not attached:");
	vtd_show_dma(d, vtd_parent_fd, VTD_PARENT, 0, d->fixed_iova, EIO);
	vtd_show_dma(d, vtd_parent_fd, VTD_PARENT, DEMO_PASID + 1,
		     d->fixed_iova, EIO);

	say("PASID 0 stands for the RID: ATTACH with the PASID flag and PASID 0");
	check_err(d, "VFIO_DEVICE_ATTACH_IOMMUFD_PT",
		  vtd_attach(vtd_parent_fd, VFIO_DEVICE_ATTACH_PASID, 0, &pt),
		  EINVAL);
	say("PASID 1 belongs to the sub-device %s", VTD_SUB);
	check_err(d, "VFIO_DEVICE_ATTACH_IOMMUFD_PT",
		  vtd_attach(vtd_parent_fd, VFIO_DEVICE_ATTACH_PASID, 1, &pt),
		  EBUSY);
	say("a HWPT allocated without IOMMU_HWPT_ALLOC_PASID cannot serve a PASID");
	if (!check_ok(d, "IOMMU_HWPT_ALLOC", vtd_hwpt_alloc(d, dev_id, 0, &plain)))
		return -1;
	pt = plain;
	check_err(d, "VFIO_DEVICE_ATTACH_IOMMUFD_PT",
		  vtd_attach(vtd_parent_fd, VFIO_DEVICE_ATTACH_PASID, 7, &pt),
		  EINVAL);
	check_ok(d, "IOMMU_DESTROY", destroy(d, plain));
	return 0;
}

static int step_subdev(struct demo *d)
{
	__u32 dev_id, pt = d->ioas2;

	vtd_sub_fd = vtd_open_bind(d, VTD_SUB, &dev_id);
	if (vtd_sub_fd < 0)
		return -1;
	say("ATTACH %s to IOAS %u like any device (no PASID flag)", VTD_SUB, pt);
	if (!check_ok(d, "VFIO_DEVICE_ATTACH_IOMMUFD_PT",
		      vtd_attach(vtd_sub_fd, 0, 0, &pt)))
		return -1;
	say("-> HWPT %u, installed on PASID 1 of %s", pt, VTD_PARENT);
	vtd_show_dma(d, vtd_sub_fd, VTD_SUB, 0, d->copy_iova, 0);
	say("the same request seen from the parent: its DMA tagged with PASID 1");
	vtd_show_dma(d, vtd_parent_fd, VTD_PARENT, 1, d->copy_iova, 0);
	say("PASID %u of the parent keeps its own HWPT %u, on IOAS %u:",
	    DEMO_PASID, vtd_pasid_hwpt, d->ioas);
	vtd_show_dma(d, vtd_parent_fd, VTD_PARENT, DEMO_PASID, d->fixed_iova,
		     0);
	say("rmdir devices/%s while it has a sub-device", VTD_PARENT);
	check_err(d, "rmdir",
		  rmdir(CFS_ROOT "/devices/" VTD_PARENT) ? errno : 0, EBUSY);
	return 0;
}

static int step_subdev_unplug(struct demo *d)
{
	say("rmdir devices/%s while attached: revoked like any hot-unplug", VTD_SUB);
	if (!check_ok(d, "rmdir",
		      rmdir(CFS_ROOT "/devices/" VTD_SUB) ? errno : 0))
		return -1;
	vtd_show_dma(d, vtd_sub_fd, VTD_SUB, 0, d->copy_iova, ENODEV);
	say("PASID 1 of %s is blocked again:", VTD_PARENT);
	vtd_show_dma(d, vtd_parent_fd, VTD_PARENT, 1, d->copy_iova, EIO);
	say("now the parent can go; its PASID %u goes with it", DEMO_PASID);
	close(vtd_sub_fd);
	close(vtd_parent_fd);
	vtd_sub_fd = -1;
	vtd_parent_fd = -1;
	if (!check_ok(d, "rmdir",
		      rmdir(CFS_ROOT "/devices/" VTD_PARENT) ? errno : 0) ||
	    !check_ok(d, "IOMMU_DESTROY", destroy(d, vtd_pasid_hwpt)))
		return -1;
	say("-> HWPT %u destroyed", vtd_pasid_hwpt);
	return 0;
}

static int step_debugfs(struct demo *d)
{
	say("%s/topology:", DBG_ROOT);
	show_file(DBG_ROOT "/topology");
	say("%s/contexts:", DBG_ROOT);
	show_file(DBG_ROOT "/contexts");
	return 0;
}

/* Close the device fds and remove the topology (devices first) */
static void remove_topology(struct demo *d)
{
	static const char *const items[] = {
		"devices/" VTD_SUB, "devices/" VTD_PARENT,
		"devices/demo_a", "devices/demo_b", "devices/demo_c",
		"devices/demo_gpu", "iommus/demo_smmu", "iommus/demo_vtd",
		"iommus/demo_vsmmu",
	};
	char path[256];
	size_t i;

	if (d->vs.qfd > 0)
		close(d->vs.qfd);
	if (d->vs.dfd > 0)
		close(d->vs.dfd);
	d->vs.qfd = 0;
	d->vs.dfd = 0;
	for (i = 0; i < NR_DEVS; i++) {
		if (d->dev_fd[i] >= 0)
			close(d->dev_fd[i]);
		d->dev_fd[i] = -1;
	}
	for (i = 0; d->topology && i < ARRAY_SIZE(items); i++) {
		snprintf(path, sizeof(path), CFS_ROOT "/%s", items[i]);
		rmdir(path);
	}
	d->topology = false;
}

static int step_unplug(struct demo *d)
{
	say("rmdir devices/demo_c while it is bound and attached: hot-unplug");
	if (!check_ok(d, "rmdir", rmdir(CFS_ROOT "/devices/demo_c") ? errno : 0))
		return -1;
	show_dma(d, DEV_C, d->auto_iova, ENODEV);
	say("close the device fds and remove the rest of the topology");
	remove_topology(d);
	return 0;
}

/* ---- nested SMMUv3: a guest's vSMMU, as QEMU's accel=on drives it ----- */

#define DEMO_VSID	0x8		/* the guest's StreamID: BDF 00:01.0 */
#define DEMO_VA		0x0000007fdead0000ULL
#define DEMO_ASID	1

static void show_idrs(const struct iommu_hw_info_arm_smmuv3 *info)
{
	say("   IDR0 %#010x: S1P %d S2P %d TTF %llu (AArch64) ASID16 %d VMID16 %d",
	    info->idr[0], !!(info->idr[0] & IDR0_S1P),
	    !!(info->idr[0] & IDR0_S2P),
	    (unsigned long long)IDR0_TTF(info->idr[0]),
	    !!(info->idr[0] & IDR0_ASID16), !!(info->idr[0] & IDR0_VMID16));
	say("   IDR1 %#010x: SIDSIZE %llu SSIDSIZE %llu", info->idr[1],
	    (unsigned long long)IDR1_SIDSIZE(info->idr[1]),
	    (unsigned long long)IDR1_SSIDSIZE(info->idr[1]));
	say("   IDR5 %#010x: OAS code %llu, 4K granule %d", info->idr[5],
	    (unsigned long long)IDR5_OAS(info->idr[5]),
	    !!(info->idr[5] & IDR5_GRAN4K));
}

/* Report a call that must work and returned 0 or -errno */
static bool vs_ok(struct demo *d, const char *what, int rc)
{
	return check_ok(d, what, -rc);
}

static int step_vsmmu_bringup(struct demo *d)
{
	static const char *const smmu[] = { "type", "smmuv3", "pasid_bits",
					    "8", "enable", "1", NULL };
	static const char *const gpu[] = { "iommu", "demo_vsmmu", "id",
					   "0x200", "enable", "1", NULL };
	struct iommu_hw_info_arm_smmuv3 info = {};
	struct demo_vsmmu *vs = &d->vs;
	__u32 type = 0;
	int rc;

	d->topology = true;
	say("mkdir iommus/demo_vsmmu (smmuv3, nesting) and devices/demo_gpu");
	say("(StreamID 0x200); the guest will call it StreamID %#x", DEMO_VSID);
	if (!check_ok(d, "iommus/demo_vsmmu",
		      cfs_item("iommus/demo_vsmmu", smmu)) ||
	    !check_ok(d, "devices/demo_gpu", cfs_item("devices/demo_gpu", gpu)))
		return -1;
	if (!sm_guest_init(&vs->g)) {
		check_ok(d, "guest RAM", ENOMEM);
		return -1;
	}
	rc = emu_ioas_alloc(d->fd, &vs->ioas);
	if (!vs_ok(d, "IOMMU_IOAS_ALLOC", rc))
		return -1;
	rc = sm_guest_map(d->fd, vs->ioas, &vs->g);
	if (!vs_ok(d, "IOMMU_IOAS_MAP", rc))
		return -1;
	say("guest RAM: %lu MiB mapped in IOAS %u at IPA %#llx",
	    GUEST_RAM_SIZE >> 20, vs->ioas, GUEST_RAM_IPA);
	vs->dfd = sm_dev_open("demo_gpu");
	rc = vs->dfd < 0 ? -errno : 0;
	if (!vs_ok(d, "open demo_gpu", rc))
		return -1;
	rc = sm_bind(vs->dfd, d->fd, &vs->dev_id);
	if (!vs_ok(d, "VFIO_DEVICE_BIND_IOMMUFD", rc))
		return -1;
	say("1. IOMMU_HWPT_ALLOC(NEST_PARENT) over IOAS %u: the stage 2", vs->ioas);
	rc = sm_s2_alloc(d->fd, vs->dev_id, vs->ioas, &vs->s2);
	if (!vs_ok(d, "IOMMU_HWPT_ALLOC", rc))
		return -1;
	rc = sm_attach(vs->dfd, vs->s2);
	if (!vs_ok(d, "VFIO_DEVICE_ATTACH_IOMMUFD_PT", rc))
		return -1;
	say("   -> HWPT %u, demo_gpu attached: guest physical = IOVA", vs->s2);
	say("2. IOMMU_GET_HW_INFO: the SMMU's ID registers, for QEMU to compare");
	rc = sm_hw_info(d->fd, vs->dev_id, &info, &type, NULL);
	if (!vs_ok(d, "IOMMU_GET_HW_INFO", rc))
		return -1;
	say("   -> type %u (ARM SMMUv3)", type);
	show_idrs(&info);
	say("3. IOMMU_VIOMMU_ALLOC(ARM_SMMUV3) on HWPT %u", vs->s2);
	rc = sm_viommu_alloc(d->fd, vs->dev_id, vs->s2, &vs->viommu);
	if (!vs_ok(d, "IOMMU_VIOMMU_ALLOC", rc))
		return -1;
	say("4. nested HWPTs on vIOMMU %u from the vSTEs {0x1, 0} (abort)",
	    vs->viommu);
	say("   and {0x9, 0} (bypass)");
	rc = sm_nested_alloc(d->fd, vs->dev_id, vs->viommu, VSTE_ABORT0, 0,
			     &vs->abort_hwpt);
	if (!vs_ok(d, "IOMMU_HWPT_ALLOC", rc))
		return -1;
	rc = sm_nested_alloc(d->fd, vs->dev_id, vs->viommu, VSTE_BYPASS0, 0,
			     &vs->bypass_hwpt);
	if (!vs_ok(d, "IOMMU_HWPT_ALLOC", rc))
		return -1;
	rc = sm_attach(vs->dfd, vs->bypass_hwpt);
	if (!vs_ok(d, "VFIO_DEVICE_ATTACH_IOMMUFD_PT", rc))
		return -1;
	say("   -> HWPTs %u and %u; demo_gpu on bypass (the SMMU's reset state)",
	    vs->abort_hwpt, vs->bypass_hwpt);
	say("5. IOMMU_VEVENTQ_ALLOC(ARM_SMMUV3, depth 64): the guest enabled");
	say("   its event queue");
	rc = sm_veventq_alloc(d->fd, vs->viommu, 64, &vs->veventq, &vs->qfd);
	if (!vs_ok(d, "IOMMU_VEVENTQ_ALLOC", rc))
		return -1;
	say("6. IOMMU_VDEVICE_ALLOC: virtual StreamID %#x is demo_gpu", DEMO_VSID);
	rc = sm_vdev_alloc(d->fd, vs->viommu, vs->dev_id, DEMO_VSID, &vs->vdev);
	if (!vs_ok(d, "IOMMU_VDEVICE_ALLOC", rc))
		return -1;
	say("   -> vEVENTQ %u (fd %d), vDEVICE %u", vs->veventq, vs->qfd, vs->vdev);
	return 0;
}

/* The device reads one word at @addr and it must be @want */
static int vs_read(struct demo *d, __u64 addr, __u64 want)
{
	__u64 val = 0;
	int rc = sm_dma_peek(d->vs.dfd, addr, &val);

	if (!check_ok(d, "IOMMUFD_EMU_DMA", -rc))
		return -1;
	say("demo_gpu reads %#llx -> %#llx", (unsigned long long)addr,
	    (unsigned long long)val);
	if (val == want)
		return 0;
	say("   but %#llx was expected", (unsigned long long)want);
	d->unexpected++;
	return -1;
}

static int step_vsmmu_s1(struct demo *d)
{
	struct demo_vsmmu *vs = &d->vs;
	__u64 cdtab, ste[2];
	__u32 old = vs->bypass_hwpt;
	int rc;

	vs->page[0] = sm_page_alloc(&vs->g);
	vs->page[1] = sm_page_alloc(&vs->g);
	sm_page_fill(&vs->g, vs->page[0], 0xa000);
	sm_page_fill(&vs->g, vs->page[1], 0xb000);
	say("bypass: the device's address is an IPA, only stage 2 translates");
	if (vs_read(d, vs->page[0], 0xa000))
		return -1;
	say("the guest driver builds, in guest RAM: a 4-level stage-1 table");
	say("mapping VA %#llx to IPA %#llx,", DEMO_VA,
	    (unsigned long long)vs->page[0]);
	say("a CD (ASID %u, TTB0 = that table) and an STE pointing at it",
	    DEMO_ASID);
	cdtab = sm_cdtab_alloc(&vs->g, 0);
	if (!sm_s1_init(&vs->g, &vs->s1, 48, DEMO_ASID) ||
	    !sm_s1_map(&vs->g, &vs->s1, DEMO_VA, vs->page[0],
		       SM_READ | SM_WRITE)) {
		check_ok(d, "guest page tables", ENOMEM);
		return -1;
	}
	sm_cd_write(&vs->g, cdtab, 0, &vs->s1);
	sm_ste_s1(ste, cdtab, 0, STE_S1DSS_SSID0);
	say("the guest's CFGI_STE: a HWPT from the vSTE {%#llx, %#llx},",
	    (unsigned long long)ste[0], (unsigned long long)ste[1]);
	say("attached over the bypass one (a replace, never a detach)");
	rc = sm_nested_alloc(d->fd, vs->dev_id, vs->viommu, ste[0], ste[1],
			     &vs->s1_hwpt);
	if (!vs_ok(d, "IOMMU_HWPT_ALLOC", rc))
		return -1;
	rc = sm_attach(vs->dfd, vs->s1_hwpt);
	if (!vs_ok(d, "VFIO_DEVICE_ATTACH_IOMMUFD_PT", rc))
		return -1;
	say("   -> HWPT %u replaced HWPT %u, which QEMU keeps for later",
	    vs->s1_hwpt, old);
	say("every CD and table fetch is an IPA, itself translated by stage 2:");
	if (vs_read(d, DEMO_VA + 8, 0xa001))
		return -1;
	rc = sm_dma_poke(vs->dfd, DEMO_VA + 16, 0x5ca1ab1e);
	if (!vs_ok(d, "IOMMUFD_EMU_DMA", rc))
		return -1;
	say("demo_gpu writes 0x5ca1ab1e at %#llx:", DEMO_VA + 16);
	say("   word 2 of the guest page is now %#llx",
	    (unsigned long long)sm_page_word(&vs->g, vs->page[0], 2));
	return 0;
}

static int step_vsmmu_tlbi(struct demo *d)
{
	struct demo_vsmmu *vs = &d->vs;
	int rc;

	say("the guest points its PTE at the other page, but sends no TLBI yet:");
	sm_s1_retarget(&vs->g, &vs->s1, DEMO_VA, vs->page[1]);
	if (vs_read(d, DEMO_VA, 0xa000))
		return -1;
	say("   (the IOTLB still holds the old translation)");
	say("a TLBI_NH_VA for another ASID changes nothing:");
	rc = sm_invalidate1(d->fd, vs->viommu,
			    sm_tlbi_nh_va(DEMO_ASID + 1, DEMO_VA, true));
	if (!vs_ok(d, "IOMMU_HWPT_INVALIDATE", rc))
		return -1;
	if (vs_read(d, DEMO_VA, 0xa000))
		return -1;
	say("IOMMU_HWPT_INVALIDATE on vIOMMU %u: TLBI_NH_VA(ASID %u, VA)",
	    vs->viommu, DEMO_ASID);
	rc = sm_invalidate1(d->fd, vs->viommu,
			    sm_tlbi_nh_va(DEMO_ASID, DEMO_VA, true));
	if (!vs_ok(d, "IOMMU_HWPT_INVALIDATE", rc))
		return -1;
	if (vs_read(d, DEMO_VA, 0xb000))
		return -1;
	say("a command the guest may not forward (CMD_SYNC) after a good one:");
	{
		struct sm_cmd cmds[2] = { sm_tlbi_nh_asid(DEMO_ASID),
					  sm_cmd_sync() };
		__u32 num = 2;

		check_err(d, "IOMMU_HWPT_INVALIDATE",
			  -sm_invalidate(d->fd, vs->viommu, cmds, &num), EIO);
		say("   entry_num = %u: the first one was done", num);
	}
	return 0;
}

static int step_vsmmu_event(struct demo *d)
{
	struct demo_vsmmu *vs = &d->vs;
	struct sm_record rec;
	struct sm_event ev;
	__u64 val;
	ssize_t len;
	int rc;

	say("demo_gpu reads %#llx, which the guest never mapped:",
	    DEMO_VA + DEMO_PAGE_SIZE);
	check_err(d, "IOMMUFD_EMU_DMA",
		  -sm_dma_peek(vs->dfd, DEMO_VA + DEMO_PAGE_SIZE, &val), EIO);
	if (!sm_veventq_pollin(vs->qfd, 1000)) {
		check_ok(d, "poll(vEVENTQ fd)", ETIMEDOUT);
		return -1;
	}
	len = read(vs->qfd, &rec, sizeof(rec));
	rc = len == sizeof(rec) ? 0 : -EIO;
	if (!vs_ok(d, "read(vEVENTQ fd)", rc))
		return -1;
	sm_event_decode(&rec.evt, &ev);
	say("the vEVENTQ fd polls readable; read() -> %zd bytes: sequence %u,", len,
	    rec.hdr.sequence);
	say("   event %#x (F_TRANSLATION) StreamID %#x (virtual) %s of %#llx",
	    ev.id, ev.sid, ev.rnw ? "read" : "write",
	    (unsigned long long)ev.addr);
	if (ev.id != EVT_F_TRANSLATION || ev.sid != DEMO_VSID) {
		say("   but F_TRANSLATION from StreamID %#x was expected", DEMO_VSID);
		d->unexpected++;
		return -1;
	}
	say("QEMU copies it into the guest's event queue as it is");
	return 0;
}

static int step_vsmmu_teardown(struct demo *d)
{
	struct demo_vsmmu *vs = &d->vs;
	int rc;

	say("QEMU's device_del: back to the stage 2, then destroy what hangs");
	say("off the vIOMMU, the vIOMMU, and last the stage 2 and the IOAS");
	rc = sm_attach(vs->dfd, vs->s2);
	if (!vs_ok(d, "VFIO_DEVICE_ATTACH_IOMMUFD_PT", rc))
		return -1;
	rc = emu_destroy(d->fd, vs->s1_hwpt);
	if (!vs_ok(d, "IOMMU_DESTROY(stage-1 HWPT)", rc))
		return -1;
	rc = emu_destroy(d->fd, vs->vdev);
	if (!vs_ok(d, "IOMMU_DESTROY(vDEVICE)", rc))
		return -1;
	close(vs->qfd);
	vs->qfd = 0;
	rc = emu_destroy(d->fd, vs->veventq);
	if (!vs_ok(d, "IOMMU_DESTROY(vEVENTQ)", rc))
		return -1;
	rc = emu_destroy(d->fd, vs->bypass_hwpt);
	if (!vs_ok(d, "IOMMU_DESTROY(bypass HWPT)", rc))
		return -1;
	rc = emu_destroy(d->fd, vs->abort_hwpt);
	if (!vs_ok(d, "IOMMU_DESTROY(abort HWPT)", rc))
		return -1;
	say("while the vIOMMU lives, its instance cannot be disabled:");
	check_err(d, "echo 0 > iommus/demo_vsmmu/enable",
		  -emu_cfs_write("iommus", "demo_vsmmu", "enable", "0"), EBUSY);
	rc = emu_destroy(d->fd, vs->viommu);
	if (!vs_ok(d, "IOMMU_DESTROY(vIOMMU)", rc))
		return -1;
	rc = sm_detach(vs->dfd);
	if (!vs_ok(d, "VFIO_DEVICE_DETACH_IOMMUFD_PT", rc))
		return -1;
	rc = emu_destroy(d->fd, vs->s2);
	if (!vs_ok(d, "IOMMU_DESTROY(stage 2)", rc))
		return -1;
	rc = emu_destroy(d->fd, vs->ioas);
	if (!vs_ok(d, "IOMMU_DESTROY(IOAS)", rc))
		return -1;
	close(vs->dfd);
	vs->dfd = 0;
	rc = emu_cfs_rmdir("devices", "demo_gpu");
	if (!vs_ok(d, "rmdir devices/demo_gpu", rc))
		return -1;
	rc = emu_cfs_rmdir("iommus", "demo_vsmmu");
	if (!vs_ok(d, "rmdir iommus/demo_vsmmu", rc))
		return -1;
	sm_guest_fini(&vs->g);
	say("-> all gone");
	return 0;
}

static int step_unmap(struct demo *d)
{
	__u64 unmapped = 0;

	say("IOMMU_IOAS_UNMAP: only the first page of the fixed mapping");
	check_err(d, "IOMMU_IOAS_UNMAP",
		  ioas_unmap(d, d->ioas, d->fixed_iova, DEMO_PAGE_SIZE,
			     &unmapped),
		  ENOENT);
	say("   (a mapping is removed whole or not at all)");

	say("IOMMU_IOAS_UNMAP: IOAS %u [%#llx, +%#lx)", d->ioas,
	    (unsigned long long)d->fixed_iova, BUF_SIZE / 2);
	if (!check_ok(d, "IOMMU_IOAS_UNMAP",
		      ioas_unmap(d, d->ioas, d->fixed_iova, BUF_SIZE / 2,
				 &unmapped)))
		return -1;
	say("-> %#llx bytes unmapped", (unsigned long long)unmapped);

	say("IOMMU_IOAS_UNMAP: everything left in IOAS %u (iova 0, length ~0)",
	    d->ioas);
	if (!check_ok(d, "IOMMU_IOAS_UNMAP",
		      ioas_unmap(d, d->ioas, 0, UINT64_MAX, &unmapped)))
		return -1;
	say("-> %#llx bytes unmapped (the automatic mapping)",
	    (unsigned long long)unmapped);

	say("IOMMU_IOAS_UNMAP: the copy in IOAS %u", d->ioas2);
	if (!check_ok(d, "IOMMU_IOAS_UNMAP",
		      ioas_unmap(d, d->ioas2, d->copy_iova, BUF_SIZE / 2,
				 &unmapped)))
		return -1;
	say("-> %#llx bytes unmapped", (unsigned long long)unmapped);

	say("IOMMU_IOAS_UNMAP: the copy again");
	check_err(d, "IOMMU_IOAS_UNMAP",
		  ioas_unmap(d, d->ioas2, d->copy_iova, BUF_SIZE / 2,
			     &unmapped),
		  ENOENT);
	return 0;
}

static int step_destroy(struct demo *d)
{
	say("IOMMU_DESTROY: IOAS %u and IOAS %u", d->ioas, d->ioas2);
	if (!check_ok(d, "IOMMU_DESTROY", destroy(d, d->ioas)) ||
	    !check_ok(d, "IOMMU_DESTROY", destroy(d, d->ioas2)))
		return -1;
	say("-> both gone");
	say("IOMMU_DESTROY: IOAS %u again", d->ioas);
	check_err(d, "IOMMU_DESTROY", destroy(d, d->ioas), ENOENT);
	return 0;
}

static int step_close(struct demo *d)
{
	say("close(fd %d): whatever is left is destroyed with the context",
	    d->fd);
	if (!check_ok(d, "close", close(d->fd) ? errno : 0))
		return -1;
	d->fd = -1;
	say("   VmPin: %ld kB", vm_pinned_kb());
	return 0;
}

static const struct {
	const char *title;
	int (*run)(struct demo *d);
} steps[] = {
	{ "Open the iommufd", step_open },
	{ "Allocate an IOAS", step_ioas_alloc },
	{ "Read the usable IOVA ranges", step_iova_ranges },
	{ "Map memory at a chosen IOVA", step_map_fixed },
	{ "Map memory at an IOVA the kernel chooses", step_map_auto },
	{ "Copy a mapping into a second IOAS", step_copy },
	{ "Build a topology of emulated IOMMUs and devices", step_topology },
	{ "Bind the devices to the iommufd", step_bind },
	{ "Attach devices and let them DMA", step_attach },
	{ "Replace: the whole group moves", step_replace },
	{ "Detach: only the last device releases the group", step_detach },
	{ "PASIDs of a VT-d device", step_pasid },
	{ "A sub-device: attached through its parent's PASID", step_subdev },
	{ "What debugfs shows", step_debugfs },
	{ "Unplug the sub-device, then its parent", step_subdev_unplug },
	{ "Hot-unplug a device", step_unplug },
	{ "Nested SMMUv3: a guest's vSMMU, in QEMU's order", step_vsmmu_bringup },
	{ "Nested SMMUv3: the guest's stage 1 over stage 2", step_vsmmu_s1 },
	{ "Nested SMMUv3: a stale TLB until the guest's TLBI", step_vsmmu_tlbi },
	{ "Nested SMMUv3: a fault in the vEVENTQ", step_vsmmu_event },
	{ "Nested SMMUv3: teardown in QEMU's order", step_vsmmu_teardown },
	{ "Unmap", step_unmap },
	{ "Destroy the IOASes", step_destroy },
	{ "Close the iommufd", step_close },
};

static void show_help(FILE *out, const char *prog)
{
	fprintf(out, "usage: %s [-d DEVICE]\n", prog);
	fprintf(out, "Walks through the iommufd interface of DEVICE (default /dev/iommu,\n");
	fprintf(out, "or $IOMMUFD_EMU_DEV) and explains each step.\n");
}

int main(int argc, char **argv)
{
	struct demo d = { .fd = -1, .dev_fd = { -1, -1, -1 } };
	size_t i;
	int opt;

	d.dev_path = getenv("IOMMUFD_EMU_DEV");
	if (!d.dev_path || !*d.dev_path)
		d.dev_path = "/dev/iommu";
	while ((opt = getopt(argc, argv, "d:h")) != -1) {
		switch (opt) {
		case 'd':
			d.dev_path = optarg;
			break;
		case 'h':
			show_help(stdout, argv[0]);
			return 0;
		default:
			show_help(stderr, argv[0]);
			return 2;
		}
	}
	if (optind != argc) {
		show_help(stderr, argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	printf("iommufd-demo: the /dev/iommu flow, step by step\n");
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		printf("\n[%zu] %s\n", i + 1, steps[i].title);
		if (steps[i].run(&d)) {
			printf("\niommufd-demo: step %zu failed, stopping\n",
			       i + 1);
			break;
		}
	}

	remove_topology(&d);
	if (d.fd >= 0)
		close(d.fd);
	if (d.buf)
		munmap(d.buf, BUF_SIZE);
	sm_guest_fini(&d.vs.g);
	if (d.unexpected) {
		printf("\niommufd-demo: %d unexpected result(s)\n",
		       d.unexpected);
		return 1;
	}
	printf("\niommufd-demo: done, everything behaved as expected\n");
	return 0;
}
