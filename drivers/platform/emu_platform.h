/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Layer 4: the emulated platform. User space describes IOMMU instances and
 * endpoints through configfs (/sys/kernel/config/iommufd_emu); enabling an
 * item creates the hardware (layer 3) or adds the endpoint to the IOMMU core
 * (layer 2). debugfs (/sys/kernel/debug/iommufd_emu/topology) shows the
 * result.
 *
 * Lock order: emu_plat_lock -> a device node's locks (cdev.c: its rwsem,
 * then its bind_lock; also misc_mtx) -> iommufd's locks -> the IOMMU core's
 * locks (emu_core_lock -> emu_group::lock). configfs' own locks (su_mutex,
 * the directory inode locks, the attribute fragment semaphores) are only
 * ever taken before emu_plat_lock, by configfs itself.
 */
#ifndef EMU_PLATFORM_H
#define EMU_PLATFORM_H

#include <linux/atomic.h>
#include <linux/configfs.h>
#include <linux/list.h>
#include <linux/mutex.h>

#include "../iommu-hw/hw.h"
#include "../iommu/emu_iommu.h"

/* Longest item name (and name written to "iommu" or "parent") */
#define EMU_PLAT_NAME_MAX	63

struct emu_plat_cdev;

/**
 * struct emu_plat_iommu - iommus/<name>: one IOMMU instance
 * @item: its configfs item
 * @node: entry in emu_plat_iommus
 * @type: hardware type; empty until user space writes one
 * @caps: capabilities to create the instance with
 * @hw: the instance while enabled, NULL while disabled
 * @ndevs: enabled devices behind it; each holds a configfs dependency
 * @nholds: holds taken through emu_iommu::hold (vIOMMUs); each holds a
 *	    configfs dependency too
 */
struct emu_plat_iommu {
	struct config_item item;
	struct list_head node;
	char type[EMU_HW_TYPE_MAX + 1];
	struct emu_hw_caps caps;
	struct emu_iommu *hw;
	unsigned int ndevs;
	atomic_t nholds;
};

/**
 * struct emu_plat_dev - devices/<name>: one endpoint
 * @item: its configfs item
 * @node: entry in emu_plat_devs
 * @iommu_name: name of the instance it sits behind
 * @parent: name of the device it is a sub-device of, or empty
 * @id: stream ID (SMMUv3) or requester ID (VT-d)
 * @group: group tag; 0 for a group of its own
 * @pasid_bits: PASID width the device issues
 * @pasid: a sub-device's PASID on its parent as written: 0 picks the
 *	   lowest free one at enable (the one in use is @edev.parent_pasid)
 * @parent_dev: while enabled, the parent of a sub-device (a configfs
 *		dependency on it is held), else NULL
 * @nsubs: enabled sub-devices of this device
 * @iommu: the instance while enabled, NULL while disabled
 * @edev: what the IOMMU core sees while enabled
 * @hwgroup: while enabled, a number naming @edev.group in debugfs; shared
 *	     by the group's members, never reused for another group
 * @cdev: while enabled, its character device /dev/iommufd-emu/<name>
 */
struct emu_plat_dev {
	struct config_item item;
	struct list_head node;
	char iommu_name[EMU_PLAT_NAME_MAX + 1];
	char parent[EMU_PLAT_NAME_MAX + 1];
	u32 id;
	u32 group;
	u32 pasid_bits;
	u32 pasid;
	struct emu_plat_dev *parent_dev;
	unsigned int nsubs;
	struct emu_plat_iommu *iommu;
	struct emu_dev edev;
	u32 hwgroup;
	struct emu_plat_cdev *cdev;
};

/* Guards everything above, in every item */
extern struct mutex emu_plat_lock;
extern struct list_head emu_plat_iommus;
extern struct list_head emu_plat_devs;

int emu_platform_init(void);
void emu_platform_exit(void);

int emu_plat_cdev_create(struct emu_plat_dev *dev);
void emu_plat_cdev_remove(struct emu_plat_dev *dev);
u32 emu_plat_cdev_bound(struct emu_plat_dev *dev);

int emu_plat_debugfs_init(void);
void emu_plat_debugfs_exit(void);

#endif /* EMU_PLATFORM_H */
