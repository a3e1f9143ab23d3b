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
		"iommus/demo_smmu", "iommus/demo_vtd",
	};
	char path[256];
	size_t i;

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
	if (d.unexpected) {
		printf("\niommufd-demo: %d unexpected result(s)\n",
		       d.unexpected);
		return 1;
	}
	printf("\niommufd-demo: done, everything behaved as expected\n");
	return 0;
}
