// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/iommufd_emu/topology: the platform as built through
 * configfs, and the groups the IOMMU core made of the enabled devices.
 * The format is described in Documentation/platform.rst.
 *
 * Groups are named by numbers the platform hands out (struct
 * emu_plat_dev::hwgroup). Domains have no names yet; until the IOMMU core
 * gives them one they are shown as a hash of their address, which stays
 * the same for as long as the domain lives. (%p is not usable for this: it
 * prints a placeholder until the kernel's random pool is ready, which can
 * be long after boot in a VM.)
 */
#include <linux/debugfs.h>
#include <linux/hash.h>
#include <linux/seq_file.h>

#include "emu_platform.h"

static struct dentry *emu_plat_debugfs_dir;

static const char *emu_plat_domain_type(const struct emu_domain *domain)
{
	switch (domain->type) {
	case EMU_DOMAIN_BLOCKED:
		return "blocked";
	case EMU_DOMAIN_PAGING:
		return "paging";
	case EMU_DOMAIN_NESTED:
		return "nested";
	}
	return "unknown";
}

static void emu_plat_show_iommus(struct seq_file *s)
{
	struct emu_plat_iommu *iommu;

	seq_puts(s, "iommus:\n");
	list_for_each_entry(iommu, &emu_plat_iommus, node) {
		const struct emu_hw_caps *caps = &iommu->caps;

		seq_printf(s,
			   "  %s type=%s ias=%u oas=%u stage1=%d stage2=%d nesting=%d pasid_bits=%u enabled=%d devices=%u viommus=%d\n",
			   config_item_name(&iommu->item),
			   iommu->type[0] ? iommu->type : "-", caps->ias,
			   caps->oas, caps->stage1, caps->stage2, caps->nesting,
			   caps->pasid_bits, !!iommu->hw, iommu->ndevs,
			   atomic_read(&iommu->nholds));
	}
}

static void emu_plat_show_devs(struct seq_file *s)
{
	struct emu_plat_dev *dev;

	seq_puts(s, "devices:\n");
	list_for_each_entry(dev, &emu_plat_devs, node) {
		seq_printf(s,
			   "  %s iommu=%s id=0x%x group=%u pasid_bits=%u parent=%s pasid=%u enabled=%d",
			   config_item_name(&dev->item),
			   dev->iommu_name[0] ? dev->iommu_name : "-", dev->id,
			   dev->group, dev->pasid_bits,
			   dev->parent[0] ? dev->parent : "-",
			   dev->parent_dev ? dev->edev.parent_pasid : dev->pasid,
			   !!dev->iommu);
		if (dev->iommu)
			seq_printf(s, " hwgroup=%u", dev->hwgroup);
		else
			seq_puts(s, " hwgroup=-");
		/* The iommufd device id of its bound device fd */
		if (dev->iommu && emu_plat_cdev_bound(dev))
			seq_printf(s, " bound=%u\n", emu_plat_cdev_bound(dev));
		else
			seq_puts(s, " bound=-\n");
	}
}

/* Has an enabled device listed before @dev already shown its group? */
static bool emu_plat_group_shown(struct emu_plat_dev *dev)
{
	struct emu_plat_dev *prev = dev;

	list_for_each_entry_continue_reverse(prev, &emu_plat_devs, node) {
		if (prev->iommu && prev->edev.group == dev->edev.group)
			return true;
	}
	return false;
}

static void emu_plat_show_group(struct seq_file *s, struct emu_plat_dev *first)
{
	struct emu_group *group = first->edev.group;
	struct emu_plat_dev *dev = first;
	struct emu_domain *domain;
	char sep = '=';

	mutex_lock(&group->lock);
	/* The instance itself: a sub-device may leave its iommu empty */
	seq_printf(s, "  %u iommu=%s tag=%u owner=%s devices", first->hwgroup,
		   config_item_name(&first->iommu->item), group->tag,
		   group->owner ? "yes" : "no");
	list_for_each_entry_from(dev, &emu_plat_devs, node) {
		if (dev->iommu && dev->edev.group == group) {
			seq_printf(s, "%c%s", sep, config_item_name(&dev->item));
			sep = ',';
		}
	}
	seq_putc(s, '\n');
	/*
	 * Only the no-PASID slot for now: listing the attached PASIDs needs
	 * an iterator over the group's domains from the IOMMU core.
	 */
	domain = emu_group_domain(group, EMU_NO_PASID);
	if (domain)
		seq_printf(s, "    pasid %u: %s %08x\n", EMU_NO_PASID,
			   emu_plat_domain_type(domain), hash_ptr(domain, 32));
	mutex_unlock(&group->lock);
}

static int emu_plat_topology_show(struct seq_file *s, void *unused)
{
	struct emu_plat_dev *dev;

	mutex_lock(&emu_plat_lock);
	emu_plat_show_iommus(s);
	emu_plat_show_devs(s);
	seq_puts(s, "groups:\n");
	list_for_each_entry(dev, &emu_plat_devs, node) {
		if (dev->iommu && !emu_plat_group_shown(dev))
			emu_plat_show_group(s, dev);
	}
	mutex_unlock(&emu_plat_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(emu_plat_topology);

/**
 * emu_plat_debugfs_init() - create /sys/kernel/debug/iommufd_emu/topology
 *
 * Return: 0; a kernel without debugfs is not an error, the dump is just
 * missing then.
 */
int emu_plat_debugfs_init(void)
{
	emu_plat_debugfs_dir = debugfs_create_dir("iommufd_emu", NULL);
	debugfs_create_file("topology", 0444, emu_plat_debugfs_dir, NULL,
			    &emu_plat_topology_fops);
	return 0;
}

/**
 * emu_plat_debugfs_exit() - remove what emu_plat_debugfs_init() created
 */
void emu_plat_debugfs_exit(void)
{
	debugfs_remove_recursive(emu_plat_debugfs_dir);
	emu_plat_debugfs_dir = NULL;
}
