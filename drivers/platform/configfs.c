// SPDX-License-Identifier: GPL-2.0
/*
 * The platform's topology, built by user space through configfs:
 *
 *   /sys/kernel/config/iommufd_emu/iommus/<name>/   an IOMMU instance
 *   /sys/kernel/config/iommufd_emu/devices/<name>/  an endpoint
 *
 * Attributes may only be written while the item is disabled. Enabling an
 * instance creates the emulated hardware; enabling a device puts it behind
 * an enabled instance and takes a configfs dependency on that instance's
 * item, so that configfs itself refuses to remove the instance (EBUSY).
 * Every refusal logs one line naming the item and the reason.
 *
 * The dependency is taken with configfs_depend_item_unlocked(): the caller
 * is an attribute store of the same subsystem, which cannot race with the
 * subsystem's unregistration (the open attribute file pins the module), so
 * the root inode lock that configfs_depend_item() takes is not needed, and
 * not taking it keeps configfs' inode locks out of emu_plat_lock's way.
 *
 * A device whose "parent" names another device is a sub-device: its DMA is
 * the parent's, tagged with a PASID of the parent ("pasid", 0 for the
 * lowest free one). It sits behind the parent's instance, holds a configfs
 * dependency on the parent's item as well, and the parent cannot be
 * disabled while it is enabled.
 * See Documentation/platform.rst for the user-visible reference.
 */
#define pr_fmt(fmt) "iommufd_emu: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/ratelimit.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "emu_platform.h"

/* Guards both lists and every item's state; see emu_platform.h */
DEFINE_MUTEX(emu_plat_lock);
LIST_HEAD(emu_plat_iommus);
LIST_HEAD(emu_plat_devs);

static struct configfs_subsystem emu_plat_subsys;

/* Log why a write or an enable was refused, and return @err */
static __printf(4, 5) int emu_plat_refuse(struct config_item *item,
					  const char *dir, int err,
					  const char *fmt, ...)
{
	static DEFINE_RATELIMIT_STATE(rs, DEFAULT_RATELIMIT_INTERVAL,
				      DEFAULT_RATELIMIT_BURST);
	struct va_format vaf;
	va_list args;

	if (__ratelimit(&rs)) {
		va_start(args, fmt);
		vaf.fmt = fmt;
		vaf.va = &args;
		pr_info("%s/%s: %pV\n", dir, config_item_name(item), &vaf);
		va_end(args);
	}
	return err;
}

/* Copy a name written by user space, without the trailing newline */
static int emu_plat_parse_name(char *dst, const char *page, size_t len)
{
	if (len && page[len - 1] == '\n')
		len--;
	if (len > EMU_PLAT_NAME_MAX || memchr(page, '/', len) ||
	    memchr(page, '\0', len))
		return -EINVAL;
	memcpy(dst, page, len);
	dst[len] = '\0';
	return 0;
}

static struct emu_plat_iommu *emu_plat_find_iommu(const char *name)
{
	struct emu_plat_iommu *iommu;

	list_for_each_entry(iommu, &emu_plat_iommus, node) {
		if (!strcmp(config_item_name(&iommu->item), name))
			return iommu;
	}
	return NULL;
}

static struct emu_plat_dev *emu_plat_find_dev(const char *name)
{
	struct emu_plat_dev *dev;

	list_for_each_entry(dev, &emu_plat_devs, node) {
		if (!strcmp(config_item_name(&dev->item), name))
			return dev;
	}
	return NULL;
}

/* ---- iommus/<name> ---- */

static struct emu_plat_iommu *to_plat_iommu(struct config_item *item)
{
	return container_of(item, struct emu_plat_iommu, item);
}

#define IOMMU_REFUSE(iommu, err, fmt, ...) \
	emu_plat_refuse(&(iommu)->item, "iommus", err, fmt, ##__VA_ARGS__)

static ssize_t emu_plat_iommu_type_show(struct config_item *item, char *page)
{
	struct emu_plat_iommu *iommu = to_plat_iommu(item);
	ssize_t ret;

	mutex_lock(&emu_plat_lock);
	ret = sysfs_emit(page, "%s\n", iommu->type);
	mutex_unlock(&emu_plat_lock);
	return ret;
}

static ssize_t emu_plat_iommu_type_store(struct config_item *item,
					 const char *page, size_t len)
{
	struct emu_plat_iommu *iommu = to_plat_iommu(item);
	char type[EMU_HW_TYPE_MAX + 1];
	struct emu_hw_caps caps;
	size_t n = len;
	int rc = 0;

	mutex_lock(&emu_plat_lock);
	if (iommu->hw) {
		rc = IOMMU_REFUSE(iommu, -EBUSY, "type: instance is enabled");
		goto out;
	}
	if (n && page[n - 1] == '\n')
		n--;
	if (n > EMU_HW_TYPE_MAX) {
		rc = IOMMU_REFUSE(iommu, -EINVAL,
				  "type: unknown (smmuv3 or vtd)");
		goto out;
	}
	memcpy(type, page, n);
	type[n] = '\0';
	if (emu_hw_default_caps(type, &caps)) {
		rc = IOMMU_REFUSE(iommu, -EINVAL,
				  "type: unknown '%s' (smmuv3 or vtd)", type);
		goto out;
	}
	strscpy(iommu->type, type, sizeof(iommu->type));
	iommu->caps = caps;
out:
	mutex_unlock(&emu_plat_lock);
	return rc ?: len;
}

/* The capability attributes of an instance and how they are written */
static const struct emu_plat_cap_attr {
	const char *name;
	enum emu_hw_cap cap;
	bool boolean;
} emu_plat_cap_attrs[] = {
	{ "ias", EMU_HW_CAP_IAS, false },
	{ "oas", EMU_HW_CAP_OAS, false },
	{ "stage1", EMU_HW_CAP_STAGE1, true },
	{ "stage2", EMU_HW_CAP_STAGE2, true },
	{ "nesting", EMU_HW_CAP_NESTING, true },
	{ "pasid_bits", EMU_HW_CAP_PASID_BITS, false },
	{ "asid_bits", EMU_HW_CAP_ASID_BITS, false },
	{ "vmid_bits", EMU_HW_CAP_VMID_BITS, false },
	{ "ats", EMU_HW_CAP_ATS, true },
	{ "ril", EMU_HW_CAP_RIL, true },
	{ "fs_1g", EMU_HW_CAP_FS_1G, true },
	{ "sre", EMU_HW_CAP_SRE, true },
	{ "eafe", EMU_HW_CAP_EAFE, true },
	{ "prs", EMU_HW_CAP_PRS, true },
	{ "dirty_tracking", EMU_HW_CAP_DIRTY_TRACKING, true },
};

static const struct emu_plat_cap_attr *emu_plat_cap_attr(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(emu_plat_cap_attrs); i++) {
		if (!strcmp(emu_plat_cap_attrs[i].name, name))
			return &emu_plat_cap_attrs[i];
	}
	WARN_ON(1);
	return &emu_plat_cap_attrs[0];
}

static u32 emu_plat_cap_get(const struct emu_hw_caps *caps,
			    enum emu_hw_cap cap)
{
	switch (cap) {
	case EMU_HW_CAP_IAS:
		return caps->ias;
	case EMU_HW_CAP_OAS:
		return caps->oas;
	case EMU_HW_CAP_STAGE1:
		return caps->stage1;
	case EMU_HW_CAP_STAGE2:
		return caps->stage2;
	case EMU_HW_CAP_NESTING:
		return caps->nesting;
	case EMU_HW_CAP_PASID_BITS:
		return caps->pasid_bits;
	case EMU_HW_CAP_ASID_BITS:
		return caps->asid_bits;
	case EMU_HW_CAP_VMID_BITS:
		return caps->vmid_bits;
	case EMU_HW_CAP_ATS:
		return caps->ats;
	case EMU_HW_CAP_RIL:
		return caps->ril;
	case EMU_HW_CAP_FS_1G:
		return caps->fs_1g;
	case EMU_HW_CAP_SRE:
		return caps->sre;
	case EMU_HW_CAP_EAFE:
		return caps->eafe;
	case EMU_HW_CAP_PRS:
		return caps->prs;
	case EMU_HW_CAP_DIRTY_TRACKING:
		return caps->dirty_tracking;
	}
	return 0;
}

static void emu_plat_cap_set(struct emu_hw_caps *caps, enum emu_hw_cap cap,
			     u32 value)
{
	switch (cap) {
	case EMU_HW_CAP_IAS:
		caps->ias = value;
		break;
	case EMU_HW_CAP_OAS:
		caps->oas = value;
		break;
	case EMU_HW_CAP_STAGE1:
		caps->stage1 = value;
		break;
	case EMU_HW_CAP_STAGE2:
		caps->stage2 = value;
		break;
	case EMU_HW_CAP_NESTING:
		caps->nesting = value;
		break;
	case EMU_HW_CAP_PASID_BITS:
		caps->pasid_bits = value;
		break;
	case EMU_HW_CAP_ASID_BITS:
		caps->asid_bits = value;
		break;
	case EMU_HW_CAP_VMID_BITS:
		caps->vmid_bits = value;
		break;
	case EMU_HW_CAP_ATS:
		caps->ats = value;
		break;
	case EMU_HW_CAP_RIL:
		caps->ril = value;
		break;
	case EMU_HW_CAP_FS_1G:
		caps->fs_1g = value;
		break;
	case EMU_HW_CAP_SRE:
		caps->sre = value;
		break;
	case EMU_HW_CAP_EAFE:
		caps->eafe = value;
		break;
	case EMU_HW_CAP_PRS:
		caps->prs = value;
		break;
	case EMU_HW_CAP_DIRTY_TRACKING:
		caps->dirty_tracking = value;
		break;
	}
}

static ssize_t emu_plat_iommu_cap_show(struct config_item *item, char *page,
				       const char *attr)
{
	const struct emu_plat_cap_attr *ca = emu_plat_cap_attr(attr);
	struct emu_plat_iommu *iommu = to_plat_iommu(item);
	ssize_t ret;

	mutex_lock(&emu_plat_lock);
	ret = sysfs_emit(page, "%u\n", emu_plat_cap_get(&iommu->caps, ca->cap));
	mutex_unlock(&emu_plat_lock);
	return ret;
}

static ssize_t emu_plat_iommu_cap_store(struct config_item *item,
					const char *page, size_t len,
					const char *attr)
{
	const struct emu_plat_cap_attr *ca = emu_plat_cap_attr(attr);
	struct emu_plat_iommu *iommu = to_plat_iommu(item);
	const char *reason;
	u32 value;
	bool bval;
	int rc;

	mutex_lock(&emu_plat_lock);
	if (iommu->hw) {
		rc = IOMMU_REFUSE(iommu, -EBUSY, "%s: instance is enabled",
				  attr);
		goto out;
	}
	if (!iommu->type[0]) {
		rc = IOMMU_REFUSE(iommu, -EINVAL, "%s: write type first", attr);
		goto out;
	}
	if (ca->boolean) {
		rc = kstrtobool(page, &bval);
		value = bval;
	} else {
		rc = kstrtou32(page, 0, &value);
	}
	if (rc) {
		rc = IOMMU_REFUSE(iommu, -EINVAL, "%s: not a %s", attr,
				  ca->boolean ? "boolean" : "number");
		goto out;
	}
	rc = emu_hw_check_cap(iommu->type, ca->cap, value, &reason);
	if (rc) {
		rc = IOMMU_REFUSE(iommu, rc, "%s: %u out of range: %s", attr,
				  value, reason);
		goto out;
	}
	emu_plat_cap_set(&iommu->caps, ca->cap, value);
out:
	mutex_unlock(&emu_plat_lock);
	return rc ?: len;
}

#define EMU_PLAT_IOMMU_CAP(_name)					\
static ssize_t emu_plat_iommu_##_name##_show(struct config_item *item,	\
					     char *page)		\
{									\
	return emu_plat_iommu_cap_show(item, page, #_name);		\
}									\
static ssize_t emu_plat_iommu_##_name##_store(struct config_item *item,	\
					      const char *page,		\
					      size_t len)		\
{									\
	return emu_plat_iommu_cap_store(item, page, len, #_name);	\
}									\
CONFIGFS_ATTR(emu_plat_iommu_, _name)

EMU_PLAT_IOMMU_CAP(ias);
EMU_PLAT_IOMMU_CAP(oas);
EMU_PLAT_IOMMU_CAP(stage1);
EMU_PLAT_IOMMU_CAP(stage2);
EMU_PLAT_IOMMU_CAP(nesting);
EMU_PLAT_IOMMU_CAP(pasid_bits);
EMU_PLAT_IOMMU_CAP(asid_bits);
EMU_PLAT_IOMMU_CAP(vmid_bits);
EMU_PLAT_IOMMU_CAP(ats);
EMU_PLAT_IOMMU_CAP(ril);
EMU_PLAT_IOMMU_CAP(fs_1g);
EMU_PLAT_IOMMU_CAP(sre);
EMU_PLAT_IOMMU_CAP(eafe);
EMU_PLAT_IOMMU_CAP(prs);
EMU_PLAT_IOMMU_CAP(dirty_tracking);

/*
 * A vIOMMU holds the instance for as long as it exists, whatever happens to
 * the devices: a configfs dependency makes rmdir fail (EBUSY) and the count
 * makes disabling fail. Called from iommufd ioctls and object destruction,
 * without emu_plat_lock: an unbind may hold that lock while it waits for
 * the very ioctl that takes a hold. A hold is only taken through a device
 * bound to iommufd, so the instance is enabled and cannot be disabled
 * meanwhile (its devices depend on it).
 */
static int emu_plat_iommu_hold(struct emu_iommu *hw)
{
	struct emu_plat_iommu *iommu = hw->holder_priv;
	int rc;

	rc = configfs_depend_item(&emu_plat_subsys, &iommu->item);
	if (rc)
		return rc;
	atomic_inc(&iommu->nholds);
	return 0;
}

static void emu_plat_iommu_release_hold(struct emu_iommu *hw)
{
	struct emu_plat_iommu *iommu = hw->holder_priv;

	atomic_dec(&iommu->nholds);
	configfs_undepend_item(&iommu->item);
}

static int emu_plat_iommu_enable(struct emu_plat_iommu *iommu)
{
	const char *name = config_item_name(&iommu->item);
	struct emu_iommu *hw;
	const char *reason;
	int rc;

	if (!iommu->type[0])
		return IOMMU_REFUSE(iommu, -EINVAL, "enable: no type set");
	rc = emu_hw_check_caps(iommu->type, &iommu->caps, &reason);
	if (rc)
		return IOMMU_REFUSE(iommu, rc, "enable: %s", reason);
	hw = emu_hw_create(iommu->type, name, &iommu->caps);
	if (IS_ERR(hw))
		return IOMMU_REFUSE(iommu, PTR_ERR(hw),
				    "enable: cannot create the instance (%pe)",
				    hw);
	hw->hold = emu_plat_iommu_hold;
	hw->release = emu_plat_iommu_release_hold;
	hw->holder_priv = iommu;
	iommu->hw = hw;
	return 0;
}

static void emu_plat_iommu_disable(struct emu_plat_iommu *iommu)
{
	emu_hw_destroy(iommu->hw);
	iommu->hw = NULL;
}

static ssize_t emu_plat_iommu_enable_show(struct config_item *item,
					  char *page)
{
	struct emu_plat_iommu *iommu = to_plat_iommu(item);
	ssize_t ret;

	mutex_lock(&emu_plat_lock);
	ret = sysfs_emit(page, "%d\n", !!iommu->hw);
	mutex_unlock(&emu_plat_lock);
	return ret;
}

static ssize_t emu_plat_iommu_enable_store(struct config_item *item,
					   const char *page, size_t len)
{
	struct emu_plat_iommu *iommu = to_plat_iommu(item);
	bool enable;
	int rc;

	mutex_lock(&emu_plat_lock);
	rc = kstrtobool(page, &enable);
	if (rc) {
		rc = IOMMU_REFUSE(iommu, -EINVAL, "enable: not a boolean");
	} else if (enable == !!iommu->hw) {
		/* Nothing to do */
	} else if (enable) {
		rc = emu_plat_iommu_enable(iommu);
	} else if (iommu->ndevs) {
		rc = IOMMU_REFUSE(iommu, -EBUSY,
				  "disable: %u enabled devices depend on it",
				  iommu->ndevs);
	} else if (atomic_read(&iommu->nholds)) {
		rc = IOMMU_REFUSE(iommu, -EBUSY,
				  "disable: %d vIOMMUs depend on it",
				  atomic_read(&iommu->nholds));
	} else {
		emu_plat_iommu_disable(iommu);
	}
	mutex_unlock(&emu_plat_lock);
	return rc ?: len;
}

CONFIGFS_ATTR(emu_plat_iommu_, type);
CONFIGFS_ATTR(emu_plat_iommu_, enable);

static struct configfs_attribute *emu_plat_iommu_attrs[] = {
	&emu_plat_iommu_attr_type,
	&emu_plat_iommu_attr_ias,
	&emu_plat_iommu_attr_oas,
	&emu_plat_iommu_attr_stage1,
	&emu_plat_iommu_attr_stage2,
	&emu_plat_iommu_attr_nesting,
	&emu_plat_iommu_attr_pasid_bits,
	&emu_plat_iommu_attr_asid_bits,
	&emu_plat_iommu_attr_vmid_bits,
	&emu_plat_iommu_attr_ats,
	&emu_plat_iommu_attr_ril,
	&emu_plat_iommu_attr_fs_1g,
	&emu_plat_iommu_attr_sre,
	&emu_plat_iommu_attr_eafe,
	&emu_plat_iommu_attr_prs,
	&emu_plat_iommu_attr_dirty_tracking,
	&emu_plat_iommu_attr_enable,
	NULL,
};

static void emu_plat_iommu_release(struct config_item *item)
{
	kfree(to_plat_iommu(item));
}

static struct configfs_item_operations emu_plat_iommu_item_ops = {
	.release = emu_plat_iommu_release,
};

static const struct config_item_type emu_plat_iommu_type = {
	.ct_item_ops = &emu_plat_iommu_item_ops,
	.ct_attrs = emu_plat_iommu_attrs,
	.ct_owner = THIS_MODULE,
};

static struct config_item *emu_plat_iommu_make(struct config_group *group,
					       const char *name)
{
	struct emu_plat_iommu *iommu;

	if (strlen(name) > EMU_PLAT_NAME_MAX) {
		pr_info_ratelimited("iommus/%.*s...: name longer than %d characters\n",
				    EMU_PLAT_NAME_MAX, name, EMU_PLAT_NAME_MAX);
		return ERR_PTR(-ENAMETOOLONG);
	}
	iommu = kzalloc(sizeof(*iommu), GFP_KERNEL);
	if (!iommu)
		return ERR_PTR(-ENOMEM);
	config_item_init_type_name(&iommu->item, name, &emu_plat_iommu_type);
	mutex_lock(&emu_plat_lock);
	list_add_tail(&iommu->node, &emu_plat_iommus);
	mutex_unlock(&emu_plat_lock);
	return &iommu->item;
}

/*
 * configfs refuses rmdir (EBUSY) while an enabled device depends on the
 * item, so an instance reaching here has no devices; if it is still
 * enabled, removing it disables it first.
 */
static void emu_plat_iommu_drop(struct config_group *group,
				struct config_item *item)
{
	struct emu_plat_iommu *iommu = to_plat_iommu(item);

	mutex_lock(&emu_plat_lock);
	if (iommu->hw && !WARN_ON(iommu->ndevs) &&
	    !WARN_ON(atomic_read(&iommu->nholds)))
		emu_plat_iommu_disable(iommu);
	list_del(&iommu->node);
	mutex_unlock(&emu_plat_lock);
	config_item_put(item);
}

static struct configfs_group_operations emu_plat_iommus_group_ops = {
	.make_item = emu_plat_iommu_make,
	.drop_item = emu_plat_iommu_drop,
};

static const struct config_item_type emu_plat_iommus_type = {
	.ct_group_ops = &emu_plat_iommus_group_ops,
	.ct_owner = THIS_MODULE,
};

/* ---- devices/<name> ---- */

static struct emu_plat_dev *to_plat_dev(struct config_item *item)
{
	return container_of(item, struct emu_plat_dev, item);
}

#define DEV_REFUSE(dev, err, fmt, ...) \
	emu_plat_refuse(&(dev)->item, "devices", err, fmt, ##__VA_ARGS__)

/* The attributes of a device other than "enable", and where they live */
static const struct emu_plat_dev_field {
	const char *name;
	size_t offset;
	bool is_name;
	u32 max;
} emu_plat_dev_fields[] = {
	{ "iommu", offsetof(struct emu_plat_dev, iommu_name), true, 0 },
	{ "parent", offsetof(struct emu_plat_dev, parent), true, 0 },
	{ "id", offsetof(struct emu_plat_dev, id), false, U32_MAX },
	{ "group", offsetof(struct emu_plat_dev, group), false, U32_MAX },
	{ "pasid_bits", offsetof(struct emu_plat_dev, pasid_bits), false,
	  EMU_HW_MAX_PASID_BITS },
	{ "pasid", offsetof(struct emu_plat_dev, pasid), false,
	  BIT(EMU_HW_MAX_PASID_BITS) - 1 },
};

static const struct emu_plat_dev_field *emu_plat_dev_field(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(emu_plat_dev_fields); i++) {
		if (!strcmp(emu_plat_dev_fields[i].name, name))
			return &emu_plat_dev_fields[i];
	}
	WARN_ON(1);
	return &emu_plat_dev_fields[0];
}

static ssize_t emu_plat_dev_field_show(struct config_item *item, char *page,
				       const char *attr)
{
	const struct emu_plat_dev_field *da = emu_plat_dev_field(attr);
	void *field = (char *)to_plat_dev(item) + da->offset;
	ssize_t ret;

	mutex_lock(&emu_plat_lock);
	if (da->is_name)
		ret = sysfs_emit(page, "%s\n", (char *)field);
	else if (field == &to_plat_dev(item)->pasid &&
		 to_plat_dev(item)->parent_dev)
		ret = sysfs_emit(page, "%u\n",
				 to_plat_dev(item)->edev.parent_pasid);
	else
		ret = sysfs_emit(page, "%u\n", *(u32 *)field);
	mutex_unlock(&emu_plat_lock);
	return ret;
}

static ssize_t emu_plat_dev_field_store(struct config_item *item,
					const char *page, size_t len,
					const char *attr)
{
	const struct emu_plat_dev_field *da = emu_plat_dev_field(attr);
	struct emu_plat_dev *dev = to_plat_dev(item);
	void *field = (char *)dev + da->offset;
	u32 value;
	int rc;

	mutex_lock(&emu_plat_lock);
	if (dev->iommu) {
		rc = DEV_REFUSE(dev, -EBUSY, "%s: device is enabled", attr);
		goto out;
	}
	if (da->is_name) {
		rc = emu_plat_parse_name(field, page, len);
		if (rc)
			rc = DEV_REFUSE(dev, rc,
					"%s: not a name of at most %d characters",
					attr, EMU_PLAT_NAME_MAX);
		goto out;
	}
	rc = kstrtou32(page, 0, &value);
	if (rc) {
		rc = DEV_REFUSE(dev, -EINVAL, "%s: not a 32-bit number", attr);
		goto out;
	}
	if (value > da->max) {
		rc = DEV_REFUSE(dev, -EINVAL, "%s: %u out of range (0 to %u)",
				attr, value, da->max);
		goto out;
	}
	*(u32 *)field = value;
out:
	mutex_unlock(&emu_plat_lock);
	return rc ?: len;
}

#define EMU_PLAT_DEV_ATTR(_name)					\
static ssize_t emu_plat_dev_##_name##_show(struct config_item *item,	\
					   char *page)			\
{									\
	return emu_plat_dev_field_show(item, page, #_name);		\
}									\
static ssize_t emu_plat_dev_##_name##_store(struct config_item *item,	\
					    const char *page,		\
					    size_t len)			\
{									\
	return emu_plat_dev_field_store(item, page, len, #_name);	\
}									\
CONFIGFS_ATTR(emu_plat_dev_, _name)

EMU_PLAT_DEV_ATTR(iommu);
EMU_PLAT_DEV_ATTR(parent);
EMU_PLAT_DEV_ATTR(id);
EMU_PLAT_DEV_ATTR(group);
EMU_PLAT_DEV_ATTR(pasid_bits);
EMU_PLAT_DEV_ATTR(pasid);

/*
 * The debugfs name of a newly enabled device's group: that of a member
 * already enabled, or a new one. Groups live exactly as long as they have
 * enabled members, and only this file adds and removes members.
 */
static u32 emu_plat_hwgroup_id(struct emu_plat_dev *dev)
{
	static u32 last_id;
	struct emu_plat_dev *other;

	list_for_each_entry(other, &emu_plat_devs, node) {
		if (other != dev && other->iommu &&
		    other->edev.group == dev->edev.group)
			return other->hwgroup;
	}
	return ++last_id;
}

/* Is @pasid of @parent held by an enabled sub-device? */
static bool emu_plat_sub_pasid_used(struct emu_plat_dev *parent, u32 pasid)
{
	struct emu_plat_dev *other;

	list_for_each_entry(other, &emu_plat_devs, node) {
		if (other->parent_dev == parent &&
		    other->edev.parent_pasid == pasid)
			return true;
	}
	return false;
}

/*
 * The checks of a device with a parent (a sub-device, see the top of this
 * file); with @dev's own checks done by emu_plat_dev_enable() against the
 * parent's instance. The IOMMU core picks an automatic PASID: only it
 * knows which ones the parent's user has attached.
 */
static int emu_plat_sub_check(struct emu_plat_dev *dev,
			      struct emu_plat_dev **parentp)
{
	struct emu_plat_dev *parent = emu_plat_find_dev(dev->parent);

	if (!parent || parent == dev)
		return DEV_REFUSE(dev, -ENODEV,
				  "enable: parent '%s' is not another device",
				  dev->parent);
	if (!parent->iommu)
		return DEV_REFUSE(dev, -ENODEV,
				  "enable: parent '%s' is not enabled",
				  dev->parent);
	if (parent->parent_dev || !parent->pasid_bits)
		return DEV_REFUSE(dev, -EINVAL,
				  "enable: parent '%s' issues no PASIDs of its own",
				  dev->parent);
	if (dev->iommu_name[0] && strcmp(dev->iommu_name, parent->iommu_name))
		return DEV_REFUSE(dev, -EINVAL,
				  "enable: iommu '%s' is not the parent's '%s'",
				  dev->iommu_name, parent->iommu_name);
	if (dev->pasid_bits)
		return DEV_REFUSE(dev, -EINVAL,
				  "enable: a sub-device issues no PASIDs (pasid_bits must be 0)");
	if (dev->pasid >= BIT(parent->pasid_bits))
		return DEV_REFUSE(dev, -EINVAL,
				  "enable: pasid %u beyond the %u bits of '%s'",
				  dev->pasid, parent->pasid_bits, dev->parent);
	if (dev->pasid && emu_plat_sub_pasid_used(parent, dev->pasid))
		return DEV_REFUSE(dev, -EEXIST,
				  "enable: pasid %u of '%s' is another sub-device's",
				  dev->pasid, dev->parent);
	*parentp = parent;
	return 0;
}

static int emu_plat_dev_enable(struct emu_plat_dev *dev)
{
	struct emu_plat_dev *other, *parent = NULL;
	struct emu_plat_iommu *iommu;
	const char *iommu_name;
	const char *reason;
	int rc;

	if (dev->parent[0]) {
		rc = emu_plat_sub_check(dev, &parent);
		if (rc)
			return rc;
		iommu = parent->iommu;
		iommu_name = parent->iommu_name;
		goto checked;
	}
	if (dev->pasid)
		return DEV_REFUSE(dev, -EINVAL,
				  "enable: pasid is for sub-devices (no parent set)");
	if (!dev->iommu_name[0])
		return DEV_REFUSE(dev, -ENODEV, "enable: no iommu set");
	iommu = emu_plat_find_iommu(dev->iommu_name);
	if (!iommu)
		return DEV_REFUSE(dev, -ENODEV, "enable: no iommu named '%s'",
				  dev->iommu_name);
	if (!iommu->hw)
		return DEV_REFUSE(dev, -ENODEV,
				  "enable: iommu '%s' is not enabled",
				  dev->iommu_name);
	if (dev->pasid_bits > iommu->caps.pasid_bits)
		return DEV_REFUSE(dev, -EINVAL,
				  "enable: pasid_bits %u exceeds the %u of iommu '%s'",
				  dev->pasid_bits, iommu->caps.pasid_bits,
				  dev->iommu_name);
	if (emu_hw_check_dev_id(iommu->type, dev->id, &reason))
		return DEV_REFUSE(dev, -EINVAL, "enable: id 0x%x: %s", dev->id,
				  reason);
	list_for_each_entry(other, &emu_plat_devs, node) {
		if (other->iommu == iommu && !other->parent_dev &&
		    other->id == dev->id)
			return DEV_REFUSE(dev, -EEXIST,
					  "enable: id 0x%x already used by '%s' on iommu '%s'",
					  dev->id,
					  config_item_name(&other->item),
					  dev->iommu_name);
	}
	iommu_name = dev->iommu_name;

checked:
	/* Fails only when the instance's rmdir has already begun */
	rc = configfs_depend_item_unlocked(&emu_plat_subsys, &iommu->item);
	if (rc)
		return DEV_REFUSE(dev, -ENODEV,
				  "enable: iommu '%s' is being removed",
				  iommu_name);
	/* The parent cannot go while its sub-devices exist */
	if (parent) {
		rc = configfs_depend_item_unlocked(&emu_plat_subsys,
						   &parent->item);
		if (rc) {
			rc = DEV_REFUSE(dev, -ENODEV,
					"enable: parent '%s' is being removed",
					dev->parent);
			goto err_undepend_iommu;
		}
	}

	dev->edev.name = config_item_name(&dev->item);
	dev->edev.iommu = iommu->hw;
	/* A sub-device's requests carry its parent's requester ID */
	dev->edev.id = parent ? parent->id : dev->id;
	dev->edev.pasid_bits = dev->pasid_bits;
	dev->edev.parent = parent ? &parent->edev : NULL;
	dev->edev.parent_pasid = parent ? dev->pasid : 0;
	rc = emu_dev_add(&dev->edev, dev->group);
	if (rc == -ENOSPC) {
		rc = DEV_REFUSE(dev, rc, "enable: no PASID of '%s' left",
				dev->parent);
		goto err_undepend_parent;
	}
	if (rc) {
		rc = DEV_REFUSE(dev, rc,
				"enable: cannot join group %u of iommu '%s' (%pe)",
				dev->group, iommu_name, ERR_PTR(rc));
		goto err_undepend_parent;
	}
	rc = emu_plat_cdev_create(dev);
	if (rc) {
		rc = DEV_REFUSE(dev, rc,
				"enable: cannot create /dev/iommufd-emu/%s (%pe)",
				config_item_name(&dev->item), ERR_PTR(rc));
		goto err_remove;
	}
	dev->iommu = iommu;
	iommu->ndevs++;
	dev->parent_dev = parent;
	if (parent)
		parent->nsubs++;
	dev->hwgroup = emu_plat_hwgroup_id(dev);
	return 0;

err_remove:
	emu_dev_remove(&dev->edev);
err_undepend_parent:
	if (parent)
		configfs_undepend_item(&parent->item);
err_undepend_iommu:
	configfs_undepend_item(&iommu->item);
	return rc;
}

/*
 * Hot-unplug: revoke the binding of the device node first (detach, unbind;
 * its open fds answer ENODEV from now on), then take the device away from
 * the IOMMU core, which needs it unowned.
 */
static void emu_plat_dev_disable(struct emu_plat_dev *dev)
{
	struct emu_plat_dev *parent = dev->parent_dev;
	struct emu_plat_iommu *iommu = dev->iommu;

	emu_plat_cdev_remove(dev);
	emu_dev_remove(&dev->edev);
	dev->iommu = NULL;
	dev->hwgroup = 0;
	iommu->ndevs--;
	if (parent) {
		dev->parent_dev = NULL;
		dev->edev.parent = NULL;
		parent->nsubs--;
		configfs_undepend_item(&parent->item);
	}
	configfs_undepend_item(&iommu->item);
}

static ssize_t emu_plat_dev_enable_show(struct config_item *item, char *page)
{
	struct emu_plat_dev *dev = to_plat_dev(item);
	ssize_t ret;

	mutex_lock(&emu_plat_lock);
	ret = sysfs_emit(page, "%d\n", !!dev->iommu);
	mutex_unlock(&emu_plat_lock);
	return ret;
}

static ssize_t emu_plat_dev_enable_store(struct config_item *item,
					 const char *page, size_t len)
{
	struct emu_plat_dev *dev = to_plat_dev(item);
	bool enable;
	int rc;

	mutex_lock(&emu_plat_lock);
	rc = kstrtobool(page, &enable);
	if (rc)
		rc = DEV_REFUSE(dev, -EINVAL, "enable: not a boolean");
	else if (enable == !!dev->iommu)
		; /* Nothing to do */
	else if (enable)
		rc = emu_plat_dev_enable(dev);
	else if (dev->nsubs)
		rc = DEV_REFUSE(dev, -EBUSY,
				"disable: %u enabled sub-devices depend on it",
				dev->nsubs);
	else
		emu_plat_dev_disable(dev);
	mutex_unlock(&emu_plat_lock);
	return rc ?: len;
}

CONFIGFS_ATTR(emu_plat_dev_, enable);

static struct configfs_attribute *emu_plat_dev_attrs[] = {
	&emu_plat_dev_attr_iommu,
	&emu_plat_dev_attr_id,
	&emu_plat_dev_attr_group,
	&emu_plat_dev_attr_pasid_bits,
	&emu_plat_dev_attr_parent,
	&emu_plat_dev_attr_pasid,
	&emu_plat_dev_attr_enable,
	NULL,
};

static void emu_plat_dev_release(struct config_item *item)
{
	kfree(to_plat_dev(item));
}

static struct configfs_item_operations emu_plat_dev_item_ops = {
	.release = emu_plat_dev_release,
};

static const struct config_item_type emu_plat_dev_type = {
	.ct_item_ops = &emu_plat_dev_item_ops,
	.ct_attrs = emu_plat_dev_attrs,
	.ct_owner = THIS_MODULE,
};

static struct config_item *emu_plat_dev_make(struct config_group *group,
					     const char *name)
{
	struct emu_plat_dev *dev;

	if (strlen(name) > EMU_PLAT_NAME_MAX) {
		pr_info_ratelimited("devices/%.*s...: name longer than %d characters\n",
				    EMU_PLAT_NAME_MAX, name, EMU_PLAT_NAME_MAX);
		return ERR_PTR(-ENAMETOOLONG);
	}
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	config_item_init_type_name(&dev->item, name, &emu_plat_dev_type);
	mutex_lock(&emu_plat_lock);
	list_add_tail(&dev->node, &emu_plat_devs);
	mutex_unlock(&emu_plat_lock);
	return &dev->item;
}

/* Removing an enabled device disables it first */
static void emu_plat_dev_drop(struct config_group *group,
			      struct config_item *item)
{
	struct emu_plat_dev *dev = to_plat_dev(item);

	mutex_lock(&emu_plat_lock);
	if (dev->iommu)
		emu_plat_dev_disable(dev);
	list_del(&dev->node);
	mutex_unlock(&emu_plat_lock);
	config_item_put(item);
}

static struct configfs_group_operations emu_plat_devs_group_ops = {
	.make_item = emu_plat_dev_make,
	.drop_item = emu_plat_dev_drop,
};

static const struct config_item_type emu_plat_devs_type = {
	.ct_group_ops = &emu_plat_devs_group_ops,
	.ct_owner = THIS_MODULE,
};

/* ---- the subsystem ---- */

static const struct config_item_type emu_plat_subsys_type = {
	.ct_owner = THIS_MODULE,
};

static struct configfs_subsystem emu_plat_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = "iommufd_emu",
			.ci_type = &emu_plat_subsys_type,
		},
	},
};

static struct config_group emu_plat_iommus_group;
static struct config_group emu_plat_devs_group;

/**
 * emu_platform_init() - create the platform's configfs and debugfs trees
 *
 * Context: once, from the module's init, after the IOMMU core is usable.
 *
 * Return: 0 or a negative errno (configfs not available, -ENOMEM).
 */
int emu_platform_init(void)
{
	int rc;

	config_group_init(&emu_plat_subsys.su_group);
	mutex_init(&emu_plat_subsys.su_mutex);
	config_group_init_type_name(&emu_plat_iommus_group, "iommus",
				    &emu_plat_iommus_type);
	configfs_add_default_group(&emu_plat_iommus_group,
				   &emu_plat_subsys.su_group);
	config_group_init_type_name(&emu_plat_devs_group, "devices",
				    &emu_plat_devs_type);
	configfs_add_default_group(&emu_plat_devs_group,
				   &emu_plat_subsys.su_group);

	rc = emu_plat_debugfs_init();
	if (rc)
		return rc;
	rc = configfs_register_subsystem(&emu_plat_subsys);
	if (rc) {
		pr_err("cannot register configfs subsystem: %d\n", rc);
		emu_plat_debugfs_exit();
		return rc;
	}
	return 0;
}

/**
 * emu_platform_exit() - remove the platform's configfs and debugfs trees
 *
 * Every item holds a reference on the module, so when this runs user
 * space has already removed them all and nothing is enabled.
 */
void emu_platform_exit(void)
{
	configfs_unregister_subsystem(&emu_plat_subsys);
	emu_plat_debugfs_exit();
	WARN_ON(!list_empty(&emu_plat_iommus) || !list_empty(&emu_plat_devs));
}
