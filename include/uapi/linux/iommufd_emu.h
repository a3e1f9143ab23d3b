/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * iommufd-emu: the ioctls of an emulated device's character device,
 * /dev/iommufd-emu/<name>.
 *
 * The first three are the device-cdev half of VFIO's iommufd interface,
 * with the numbers and layouts of upstream <linux/vfio.h>, so that code
 * written for a VFIO device fd works unchanged. Each is guarded so that
 * this header can be included next to a <linux/vfio.h> that already has
 * them (Linux 6.6 and later); Debian 12's 6.1 headers do not.
 *
 * The last one, IOMMUFD_EMU_DMA, is ours: it makes the emulated device
 * perform a DMA through its IOMMU.
 */
#ifndef _UAPI_LINUX_IOMMUFD_EMU_H
#define _UAPI_LINUX_IOMMUFD_EMU_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* VFIO's ioctl type and first number */
#ifndef VFIO_TYPE
#define VFIO_TYPE	(';')
#endif
#ifndef VFIO_BASE
#define VFIO_BASE	100
#endif

#ifndef VFIO_DEVICE_BIND_IOMMUFD
/**
 * struct vfio_device_bind_iommufd - VFIO_DEVICE_BIND_IOMMUFD
 * @argsz: size of the struct as user space knows it; at least up to and
 *	   including @out_devid (16), or up to @token_uuid_ptr (24) when
 *	   VFIO_DEVICE_BIND_FLAG_TOKEN is set
 * @flags: VFIO_DEVICE_BIND_FLAG_TOKEN or 0
 * @iommufd: an open /dev/iommu whose context the device joins
 * @out_devid: set to the id of the device object in that context, which
 *	       the /dev/iommu ioctls taking a dev_id accept
 * @token_uuid_ptr: user pointer to a 16-byte VF token; only read with
 *		    VFIO_DEVICE_BIND_FLAG_TOKEN
 *
 * Binds the device fd to an iommufd context, which becomes the owner of
 * the DMA of the device's whole group: while one device of a group is
 * bound to a context, binding a sibling to another context fails. The
 * binding lasts until the device fd is closed or the device is unplugged.
 */
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
#define VFIO_DEVICE_BIND_FLAG_TOKEN	(1 << 0)
	__s32 iommufd;
	__u32 out_devid;
	__aligned_u64 token_uuid_ptr;
};

#define VFIO_DEVICE_BIND_IOMMUFD	_IO(VFIO_TYPE, VFIO_BASE + 18)
#endif

#ifndef VFIO_DEVICE_ATTACH_IOMMUFD_PT
/**
 * struct vfio_device_attach_iommufd_pt - VFIO_DEVICE_ATTACH_IOMMUFD_PT
 * @argsz: size of the struct as user space knows it; at least up to and
 *	   including @pt_id (12), or @pasid (16) with VFIO_DEVICE_ATTACH_PASID
 * @flags: VFIO_DEVICE_ATTACH_PASID or 0
 * @pt_id: in: an IOAS or HWPT id of the bound context; out: the HWPT the
 *	   device now translates through (an automatic one for an IOAS)
 * @pasid: the PASID to attach, with VFIO_DEVICE_ATTACH_PASID
 *
 * Attaches the bound device (or one of its PASIDs) to a page table.
 * Attaching again without detaching first replaces the translation in
 * one step, moving the whole group.
 */
struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
#define VFIO_DEVICE_ATTACH_PASID	(1 << 0)
	__u32 pt_id;
	__u32 pasid;
};

#define VFIO_DEVICE_ATTACH_IOMMUFD_PT	_IO(VFIO_TYPE, VFIO_BASE + 19)
#endif

#ifndef VFIO_DEVICE_DETACH_IOMMUFD_PT
/**
 * struct vfio_device_detach_iommufd_pt - VFIO_DEVICE_DETACH_IOMMUFD_PT
 * @argsz: size of the struct as user space knows it; at least up to and
 *	   including @flags (8), or @pasid (12) with VFIO_DEVICE_DETACH_PASID
 * @flags: VFIO_DEVICE_DETACH_PASID or 0
 * @pasid: the PASID to detach, with VFIO_DEVICE_DETACH_PASID
 *
 * Detaches the bound device (or one of its PASIDs). Detaching what is not
 * attached succeeds and does nothing.
 */
struct vfio_device_detach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
#define VFIO_DEVICE_DETACH_PASID	(1 << 0)
	__u32 pasid;
};

#define VFIO_DEVICE_DETACH_IOMMUFD_PT	_IO(VFIO_TYPE, VFIO_BASE + 20)
#endif

/**
 * struct iommufd_emu_dma - IOMMUFD_EMU_DMA
 * @argsz: size of the struct as user space knows it; at least 40. Bytes
 *	   past the ones this kernel knows must be zero.
 * @flags: IOMMUFD_EMU_DMA_* below
 * @pasid: the PASID the requests carry, with IOMMUFD_EMU_DMA_PASID;
 *	   otherwise must be 0
 * @__reserved: must be 0
 * @iova: the address the device uses
 * @length: bytes to transfer; any non-zero length
 * @uptr: the user buffer the data comes from or goes to
 *
 * The bound device reads @length bytes at @iova into @uptr, or with
 * IOMMUFD_EMU_DMA_WRITE writes them from @uptr to @iova. Every page is
 * translated by the IOMMU as the device's (PASID's) current attachment
 * says, with its read/write permissions; a transfer that changes
 * translation midway sees, page by page, the old one or the new one.
 *
 * A sub-device's requests are its parent's, tagged with the PASID the
 * sub-device holds there; it cannot name a PASID itself.
 *
 * Page faults: when the translation of a page faults in a way a page
 * request can fix (the emulated VT-d: a first-stage entry not present or
 * without the permission needed) and the attached HWPT has a fault queue,
 * the device sends a page request group: one request per page for that
 * page and the pages right after it in the transfer that fault the same
 * way (at most 16, within one 64 KiB chunk of the transfer), each with
 * the page address, read or write permission and the PASID when the DMA
 * carries one, the last one closing the group. The ioctl waits for the
 * group's response written to the fault fd. Success translates those
 * pages again (a second fault on one of them is EIO, without another
 * request); invalid or failure is EIO.
 *
 * Errors: EIO is a translation fault (not attached, unmapped, blocked, or
 * no permission for the access, or a page request not answered with
 * success); the pages before the faulting one may have been transferred.
 * EFAULT is a fault on @uptr. EINVAL: @argsz too small, @length 0, the fd
 * is not bound, or a PASID the device cannot issue (any PASID on a
 * sub-device). EOVERFLOW: @iova + @length wraps. EOPNOTSUPP: unknown
 * @flags or non-zero @__reserved. ENODEV: the device was unplugged (also
 * while waiting for a page response). EINTR: a signal ended the wait for
 * a page response; detaching or replacing the HWPT meanwhile answers the
 * request (EIO).
 */
struct iommufd_emu_dma {
	__u32 argsz;
	__u32 flags;
#define IOMMUFD_EMU_DMA_WRITE	(1 << 0)	/* device writes memory */
#define IOMMUFD_EMU_DMA_PASID	(1 << 1)	/* requests carry @pasid */
	__u32 pasid;
	__u32 __reserved;
	__aligned_u64 iova;
	__aligned_u64 length;
	__aligned_u64 uptr;
};

/*
 * 0xc0 of type ';': above VFIO's numbers (VFIO_BASE, 100, onwards, all
 * below 0x80) and iommufd's (0x80 to 0xa0), so that no VFIO or iommufd
 * ioctl can ever be mistaken for it.
 */
#define IOMMUFD_EMU_DMA		_IO(';', 0xc0)

#endif /* _UAPI_LINUX_IOMMUFD_EMU_H */
