// SPDX-License-Identifier: GPL-2.0
/*
 * One entry point for every emulated IOMMU type: look the type up by name,
 * check a capability set against what that type of hardware can have, and
 * create or destroy an instance registered with the IOMMU core.
 */
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "hw.h"

static const struct emu_hw_driver *const emu_hw_drivers[] = {
	&emu_smmuv3_driver,
	&emu_vtd_driver,
};

static const struct emu_hw_driver *emu_hw_find(const char *type)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(emu_hw_drivers); i++) {
		if (!strcmp(emu_hw_drivers[i]->type, type))
			return emu_hw_drivers[i];
	}
	return NULL;
}

/**
 * emu_hw_default_caps() - the capabilities a new instance of @type starts with
 * @type: hardware type name ("smmuv3", "vtd")
 * @caps: filled in
 *
 * Return: 0, or -EINVAL for an unknown @type (@caps is left alone).
 */
int emu_hw_default_caps(const char *type, struct emu_hw_caps *caps)
{
	const struct emu_hw_driver *drv = emu_hw_find(type);

	if (!drv)
		return -EINVAL;
	*caps = drv->defaults;
	return 0;
}

static bool emu_hw_width_ok(u64 widths, u32 value)
{
	return value < 64 && (widths & BIT_ULL(value));
}

/**
 * emu_hw_check_cap() - can hardware of @type have @value for one capability?
 * @type: hardware type name
 * @cap: which capability
 * @value: the value (0 or 1 for the booleans)
 * @reason: on failure, one line saying what is supported
 *
 * Only the range of the one value is checked; rules that tie several
 * capabilities together are emu_hw_check_caps()'s.
 *
 * Return: 0, or -EINVAL with *@reason set.
 */
int emu_hw_check_cap(const char *type, enum emu_hw_cap cap, u32 value,
		     const char **reason)
{
	const struct emu_hw_driver *drv = emu_hw_find(type);

	if (!drv) {
		*reason = "unknown hardware type";
		return -EINVAL;
	}
	switch (cap) {
	case EMU_HW_CAP_IAS:
		if (!emu_hw_width_ok(drv->ias_widths, value)) {
			*reason = drv->ias_help;
			return -EINVAL;
		}
		return 0;
	case EMU_HW_CAP_OAS:
		if (!emu_hw_width_ok(drv->oas_widths, value)) {
			*reason = drv->oas_help;
			return -EINVAL;
		}
		return 0;
	case EMU_HW_CAP_PASID_BITS:
		if (value > drv->max_pasid_bits) {
			*reason = drv->pasid_help;
			return -EINVAL;
		}
		return 0;
	case EMU_HW_CAP_STAGE1:
	case EMU_HW_CAP_STAGE2:
	case EMU_HW_CAP_NESTING:
		if (value > 1) {
			*reason = "must be 0 or 1";
			return -EINVAL;
		}
		return 0;
	}
	*reason = "unknown capability";
	return -EINVAL;
}

/**
 * emu_hw_check_caps() - can hardware of @type have all of @caps together?
 * @type: hardware type name
 * @caps: the complete set
 * @reason: on failure, one line saying what is wrong
 *
 * Return: 0, or -EINVAL with *@reason set.
 */
int emu_hw_check_caps(const char *type, const struct emu_hw_caps *caps,
		      const char **reason)
{
	int rc;

	rc = emu_hw_check_cap(type, EMU_HW_CAP_IAS, caps->ias, reason);
	if (!rc)
		rc = emu_hw_check_cap(type, EMU_HW_CAP_OAS, caps->oas, reason);
	if (!rc)
		rc = emu_hw_check_cap(type, EMU_HW_CAP_PASID_BITS,
				      caps->pasid_bits, reason);
	if (rc)
		return rc;
	if (!caps->stage1 && !caps->stage2) {
		*reason = "needs stage1 or stage2";
		return -EINVAL;
	}
	if (caps->nesting && !(caps->stage1 && caps->stage2)) {
		*reason = "nesting needs both stage1 and stage2";
		return -EINVAL;
	}
	return 0;
}

/**
 * emu_hw_check_dev_id() - can a device on hardware of @type have ID @id?
 * @type: hardware type name
 * @id: StreamID (SMMUv3) or requester ID (VT-d)
 * @reason: on failure, one line saying what is supported
 *
 * Return: 0, or -EINVAL with *@reason set.
 */
int emu_hw_check_dev_id(const char *type, u32 id, const char **reason)
{
	const struct emu_hw_driver *drv = emu_hw_find(type);

	if (!drv) {
		*reason = "unknown hardware type";
		return -EINVAL;
	}
	if (id > drv->max_dev_id) {
		*reason = drv->dev_id_help;
		return -EINVAL;
	}
	return 0;
}

/**
 * emu_hw_create() - create and register an emulated IOMMU instance
 * @type: hardware type name
 * @name: instance name, for logs and debugfs (copied)
 * @caps: its capabilities; must pass emu_hw_check_caps()
 *
 * Return: the registered instance, or an ERR_PTR: -EINVAL for an unknown
 * type or capabilities the type cannot have, -ENOMEM.
 */
struct emu_iommu *emu_hw_create(const char *type, const char *name,
				const struct emu_hw_caps *caps)
{
	const struct emu_hw_driver *drv = emu_hw_find(type);
	struct emu_hw_iommu *hw;
	const char *reason;
	int rc;

	if (!drv || emu_hw_check_caps(type, caps, &reason))
		return ERR_PTR(-EINVAL);

	hw = drv->alloc(caps);
	if (!hw)
		return ERR_PTR(-ENOMEM);
	hw->drv = drv;
	hw->caps = *caps;
	hw->iommu.max_pasid_log2 = caps->pasid_bits;
	hw->iommu.name = kstrdup(name, GFP_KERNEL);
	if (!hw->iommu.name) {
		rc = -ENOMEM;
		goto err_free;
	}
	rc = emu_iommu_register(&hw->iommu);
	if (rc)
		goto err_free_name;
	return &hw->iommu;

err_free_name:
	kfree(hw->iommu.name);
err_free:
	drv->free(hw);
	return ERR_PTR(rc);
}

/**
 * emu_hw_destroy() - unregister and free an instance from emu_hw_create()
 * @iommu: the instance; no device may still be behind it
 */
void emu_hw_destroy(struct emu_iommu *iommu)
{
	struct emu_hw_iommu *hw = container_of(iommu, struct emu_hw_iommu,
					       iommu);
	const char *name = iommu->name;

	emu_iommu_unregister(iommu);
	hw->drv->free(hw);
	kfree(name);
}

static int emu_hw_blocked_prepare(struct emu_domain *domain,
				  struct emu_dev *dev, u32 pasid, void **cookie)
{
	*cookie = NULL;
	return 0;
}

static void emu_hw_blocked_commit(struct emu_domain *domain,
				  struct emu_dev *dev, u32 pasid, void *cookie)
{
}

static void emu_hw_blocked_abort(struct emu_domain *domain,
				 struct emu_dev *dev, u32 pasid, void *cookie)
{
}

static const struct emu_domain_ops emu_hw_stateless_blocked_ops = {
	.attach_prepare = emu_hw_blocked_prepare,
	.attach_commit = emu_hw_blocked_commit,
	.attach_abort = emu_hw_blocked_abort,
};

static struct emu_domain *emu_hw_no_paging(struct emu_dev *dev, u32 flags)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static const struct emu_iommu_ops emu_hw_blocking_only_ops = {
	.domain_alloc_paging = emu_hw_no_paging,
};

struct emu_hw_blocking_only {
	struct emu_hw_iommu hw;
	struct emu_domain blocked;
};

/**
 * emu_hw_alloc_blocking_only() - an instance that can only block DMA
 * @caps: its capabilities (recorded by hw.c)
 *
 * Return: the instance, or NULL when out of memory.
 */
struct emu_hw_iommu *emu_hw_alloc_blocking_only(const struct emu_hw_caps *caps)
{
	struct emu_hw_blocking_only *inst;

	inst = kzalloc(sizeof(*inst), GFP_KERNEL);
	if (!inst)
		return NULL;
	inst->blocked.type = EMU_DOMAIN_BLOCKED;
	inst->blocked.ops = &emu_hw_stateless_blocked_ops;
	inst->hw.iommu.ops = &emu_hw_blocking_only_ops;
	inst->hw.iommu.blocked_domain = &inst->blocked;
	return &inst->hw;
}

/**
 * emu_hw_free_blocking_only() - free an emu_hw_alloc_blocking_only() instance
 * @hw: the instance, unregistered
 */
void emu_hw_free_blocking_only(struct emu_hw_iommu *hw)
{
	kfree(container_of(hw, struct emu_hw_blocking_only, hw));
}
