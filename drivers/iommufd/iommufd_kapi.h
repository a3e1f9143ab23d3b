/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What drivers outside the uAPI layer use of it, the way VFIO uses
 * iommufd's kernel API upstream: the emulated platform's device nodes
 * bind their devices to a context and attach them through these.
 */
#ifndef IOMMUFD_KAPI_H
#define IOMMUFD_KAPI_H

#include <linux/types.h>

struct emu_dev;
struct iommufd_ctx;
struct iommufd_device;

struct iommufd_ctx *iommufd_ctx_from_fd(int fd);
void iommufd_ctx_put(struct iommufd_ctx *ictx);
u32 iommufd_device_id(struct iommufd_device *idev);

struct iommufd_device *iommufd_device_bind(struct iommufd_ctx *ictx,
					   struct emu_dev *dev);
void iommufd_device_unbind(struct iommufd_device *idev);
int iommufd_device_attach(struct iommufd_device *idev, u32 pasid, u32 *pt_id);
int iommufd_device_replace(struct iommufd_device *idev, u32 pasid,
			   u32 *pt_id);
void iommufd_device_detach(struct iommufd_device *idev, u32 pasid);

#endif /* IOMMUFD_KAPI_H */
