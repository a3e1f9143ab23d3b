// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated SMMUv3: vIOMMUs (a VMM's virtual SMMU), the guest's STEs as
 * nested domains, the guest's invalidation commands and its events.
 *
 * A vIOMMU sits on a stage-2 nest parent and uses that domain's VMID for
 * every TLB entry and invalidation of its guest. A device joins a nested
 * domain of a vIOMMU only when the vIOMMU presents it (has its vDEVICE);
 * its virtual StreamID is looked up when the attach is prepared and
 * published with the STE, under the master's lock, which the event path
 * holds while it reports. Any other attach, and the vDEVICE's removal,
 * clear it under the same lock: an event carries the virtual StreamID that
 * is valid while it is reported, or is not forwarded at all.
 */
#include <linux/iommufd.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "smmuv3.h"

static struct smmuv3_vsmmu *to_vsmmu(struct emu_viommu *viommu)
{
	return container_of(viommu, struct smmuv3_vsmmu, core);
}

static struct smmuv3_nested *to_nested(struct emu_domain *domain)
{
	return container_of(domain, struct smmuv3_nested, domain);
}

/**
 * smmuv3_report_event() - forward an event record about a stream
 * @master: the stream
 * @evt: the record, CPU-endian, with the physical StreamID
 *
 * The record goes to the vIOMMU the stream is reachable through at this
 * moment, with its virtual StreamID; with none, it is dropped (the host
 * would only log it). Never sleeps.
 */
void smmuv3_report_event(struct smmuv3_master *master, u64 *evt)
{
	struct iommu_vevent_arm_smmuv3 vevt;
	unsigned int i;

	spin_lock(&master->lock);
	if (master->vsmmu) {
		evt[0] &= ~EVT0_SID;
		evt[0] |= FIELD_PREP(EVT0_SID, master->vsid);
		for (i = 0; i < ARRAY_SIZE(vevt.evt); i++)
			vevt.evt[i] = cpu_to_le64(evt[i]);
		emu_viommu_report_event(&master->vsmmu->core,
					IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, &vevt,
					sizeof(vevt));
	}
	spin_unlock(&master->lock);
}

/**
 * struct smmuv3_attach - what a nested attach resolved in prepare
 * @vsmmu: where the stream's events will go, or NULL
 * @vsid: the stream's virtual StreamID there
 */
struct smmuv3_attach {
	struct smmuv3_vsmmu *vsmmu;
	u32 vsid;
};

/*
 * The RID only, with no PASID in use (they live in the host's CD table).
 * A stage-1 STE needs the device's vDEVICE: the guest's CD invalidations
 * and events name it by its virtual StreamID. Abort and bypass STEs do
 * not (a VMM uses them before the guest has set anything up).
 *
 * A nested domain has no PASID attach at all (EOPNOTSUPP, as a domain
 * without set_dev_pasid upstream); the HWPT layer refuses it earlier with
 * EINVAL, since such a HWPT is never allocated PASID-compatible.
 */
static int smmuv3_nested_prepare(struct emu_domain *domain,
				 struct emu_dev *dev, u32 pasid, void **cookie)
{
	struct smmuv3_nested *nested = to_nested(domain);
	struct smmuv3_attach *attach;
	unsigned long vsid;
	bool have_vsid;

	if (pasid != EMU_NO_PASID)
		return -EOPNOTSUPP;
	if (!smmuv3_master(dev))
		return -EINVAL;
	if (emu_hw_dev_pasids_in_use(dev))
		return -EBUSY;
	have_vsid = !emu_viommu_dev_virt_id(&nested->vsmmu->core, dev, &vsid);
	if (!have_vsid && (nested->ste0 & STE0_V) &&
	    FIELD_GET(STE0_CFG, nested->ste0) == STE0_CFG_S1)
		return -ENOENT;
	attach = kzalloc(sizeof(*attach), GFP_KERNEL);
	if (!attach)
		return -ENOMEM;
	/* The group's lock keeps the vDEVICE until commit or abort */
	if (have_vsid) {
		attach->vsmmu = nested->vsmmu;
		attach->vsid = vsid;
	}
	*cookie = attach;
	return 0;
}

static void smmuv3_nested_commit(struct emu_domain *domain,
				 struct emu_dev *dev, u32 pasid, void *cookie)
{
	struct smmuv3_attach *attach = cookie;

	emu_hw_dev_forget(dev, pasid);
	smmuv3_master_switch(smmuv3_master(dev), domain, to_nested(domain),
			     attach->vsmmu, attach->vsid);
	kfree(attach);
}

static void smmuv3_nested_abort(struct emu_domain *domain,
				struct emu_dev *dev, u32 pasid, void *cookie)
{
	kfree(cookie);
}

static void smmuv3_nested_free(struct emu_domain *domain)
{
	kfree(to_nested(domain));
}

static const struct emu_domain_ops smmuv3_nested_ops = {
	.attach_prepare = smmuv3_nested_prepare,
	.attach_commit = smmuv3_nested_commit,
	.attach_abort = smmuv3_nested_abort,
	.translate = smmuv3_nested_translate,
	.free = smmuv3_nested_free,
};

/*
 * What the guest may put in an STE: the stage-1 configuration only. V=0
 * means abort; the Config must be abort, bypass or stage 1; EATS is taken
 * out (ATS is the host's).
 */
static int smmuv3_check_vste(u64 *ste)
{
	u32 cfg;

	if (!(ste[0] & STE0_V)) {
		ste[0] = 0;
		ste[1] = 0;
		return 0;
	}
	if ((ste[0] & ~STE0_USER_ALLOWED) || (ste[1] & ~STE1_USER_ALLOWED))
		return -EIO;
	cfg = FIELD_GET(STE0_CFG, ste[0]);
	if (cfg != STE0_CFG_ABORT && cfg != STE0_CFG_BYPASS &&
	    cfg != STE0_CFG_S1)
		return -EIO;
	switch (FIELD_GET(STE1_EATS, ste[1])) {
	case STE1_EATS_ABT:
	case STE1_EATS_TRANS:
		break;
	default:
		return -EIO;
	}
	ste[1] &= ~STE1_EATS;
	return 0;
}

static struct emu_domain *
smmuv3_vsmmu_alloc_nested(struct emu_viommu *viommu, struct emu_dev *dev,
			  u32 flags, const struct emu_user_data *data)
{
	struct iommu_hwpt_arm_smmuv3 arg;
	struct smmuv3_nested *nested;
	u64 ste[2];
	int rc;

	if (flags)
		return ERR_PTR(-EOPNOTSUPP);
	rc = emu_user_data_copy(data, IOMMU_HWPT_DATA_ARM_SMMUV3, &arg,
				sizeof(arg), sizeof(arg));
	if (rc)
		return ERR_PTR(rc);
	ste[0] = le64_to_cpu(arg.ste[0]);
	ste[1] = le64_to_cpu(arg.ste[1]);
	rc = smmuv3_check_vste(ste);
	if (rc)
		return ERR_PTR(rc);

	nested = kzalloc(sizeof(*nested), GFP_KERNEL_ACCOUNT);
	if (!nested)
		return ERR_PTR(-ENOMEM);
	nested->domain.ops = &smmuv3_nested_ops;
	nested->domain.min_pgsize = SZ_4K;
	nested->vsmmu = to_vsmmu(viommu);
	nested->ste0 = ste[0];
	nested->ste1 = ste[1];
	return &nested->domain;
}

/* The master the guest calls @vsid; the caller holds the vdevs xa_lock */
static struct smmuv3_master *smmuv3_vsid_master(struct smmuv3_vsmmu *vsmmu,
						u32 vsid)
{
	struct emu_dev *dev = emu_viommu_find_dev(&vsmmu->core, vsid);

	return dev ? smmuv3_master(dev) : NULL;
}

/* CFGI_CD / CFGI_CD_ALL on the stream the guest names */
static int smmuv3_vsmmu_cfgi(struct smmuv3_vsmmu *vsmmu, const u64 *cmd,
			     bool all)
{
	struct smmuv3_master *master;
	int rc = 0;

	xa_lock(&vsmmu->core.vdevs);
	master = smmuv3_vsid_master(vsmmu, FIELD_GET(CMD0_SID, cmd[0]));
	if (master) {
		spin_lock(&master->lock);
		smmuv3_cd_cache_drop(master, all, FIELD_GET(CMD0_SSID, cmd[0]));
		spin_unlock(&master->lock);
	} else {
		rc = -EIO;
	}
	xa_unlock(&vsmmu->core.vdevs);
	return rc;
}

/*
 * The range fields of TLBI_NH_VA(A), valid only with RIL: with TG 0 none
 * may be set; a 16KiB TTL of 1 needs 52-bit support the model lacks; a
 * single entry (NUM=SCALE=0) needs a TTL.
 */
static int smmuv3_check_range(const u64 *cmd)
{
	bool range = cmd[0] & (CMD0_TLBI_NUM | CMD0_TLBI_SCALE);
	u32 ttl = FIELD_GET(CMD1_TLBI_TTL, cmd[1]);
	u32 tg = FIELD_GET(CMD1_TLBI_TG, cmd[1]);

	if (!tg)
		return range || ttl ? -EIO : 0;
	if (tg == 2 && ttl == 1)
		return -EIO;
	return !range && !ttl ? -EIO : 0;
}

/* Which bits of a command of this opcode the guest may set */
static int smmuv3_cmd_allowed(struct smmuv3 *smmu, const u64 *cmd, u64 *mask)
{
	const struct emu_hw_caps *caps = &smmu->hw.caps;
	u64 asid = FIELD_PREP(CMD0_TLBI_ASID, BIT(caps->asid_bits) - 1);

	mask[0] = CMD0_OP;
	mask[1] = 0;
	switch (FIELD_GET(CMD0_OP, cmd[0])) {
	case CMD_OP_TLBI_NSNH_ALL:
		return 0;
	case CMD_OP_TLBI_NH_VA:
		mask[0] |= asid;
		fallthrough;
	case CMD_OP_TLBI_NH_VAA:
		if (caps->ril) {
			if (smmuv3_check_range(cmd))
				return -EIO;
			mask[0] |= CMD0_TLBI_NUM | CMD0_TLBI_SCALE;
			mask[1] |= CMD1_TLBI_TG | CMD1_TLBI_TTL;
		}
		mask[0] |= CMD0_TLBI_VMID;
		mask[1] |= CMD1_TLBI_LEAF | CMD1_TLBI_VA;
		return 0;
	case CMD_OP_TLBI_NH_ASID:
		mask[0] |= asid;
		fallthrough;
	case CMD_OP_TLBI_NH_ALL:
		mask[0] |= CMD0_TLBI_VMID;
		return 0;
	case CMD_OP_ATC_INV:
		if (!caps->ats || FIELD_GET(CMD1_ATC_SIZE, cmd[1]) >
				  CMD_ATC_SIZE_MAX)
			return -EIO;
		if (caps->pasid_bits)
			mask[0] |= CMD0_SSV | CMD0_SSID | CMD0_ATC_GLOBAL;
		mask[0] |= CMD0_SID;
		mask[1] |= CMD1_ATC_SIZE | CMD1_ATC_ADDR;
		return 0;
	case CMD_OP_CFGI_CD:
		if (caps->pasid_bits)
			mask[0] |= CMD0_SSID;
		mask[1] |= CMD1_CFGI_LEAF;
		fallthrough;
	case CMD_OP_CFGI_CD_ALL:
		mask[0] |= CMD0_SID;
		return 0;
	}
	return -EIO;
}

/*
 * The input range a TLBI_NH_VA(A) names: one 4KiB page without a TG; with
 * one (RIL), (NUM + 1) * 2^SCALE granules of TG (4, 16 or 64KiB).
 */
static void smmuv3_tlbi_range(const u64 *cmd, u64 *first, u64 *last)
{
	u32 tg = FIELD_GET(CMD1_TLBI_TG, cmd[1]);
	u64 va = cmd[1] & CMD1_TLBI_VA;
	u64 len = SZ_4K;

	if (tg)
		len = (FIELD_GET(CMD0_TLBI_NUM, cmd[0]) + 1) <<
		      (FIELD_GET(CMD0_TLBI_SCALE, cmd[0]) + 12 + 2 * (tg - 1));
	*first = va;
	*last = va + len - 1 < va ? U64_MAX : va + len - 1;
}

/* Carry out one guest command, confined to the vIOMMU's VMID and streams */
static int smmuv3_vsmmu_cmd(struct smmuv3_vsmmu *vsmmu, const u64 *cmd)
{
	struct emu_iotlb *tlb = &vsmmu->smmu->iotlb;
	u64 mask[2], first, last;
	struct smmuv3_master *master;
	u32 asid;

	if (smmuv3_cmd_allowed(vsmmu->smmu, cmd, mask) ||
	    (cmd[0] & ~mask[0]) || (cmd[1] & ~mask[1]))
		return -EIO;
	/* Whatever VMID the guest wrote, its own is the one invalidated */
	asid = FIELD_GET(CMD0_TLBI_ASID, cmd[0]);
	switch (FIELD_GET(CMD0_OP, cmd[0])) {
	case CMD_OP_TLBI_NSNH_ALL:
	case CMD_OP_TLBI_NH_ALL:
		emu_iotlb_flush_tag(tlb, vsmmu->vmid);
		return 0;
	case CMD_OP_TLBI_NH_ASID:
		emu_iotlb_flush(tlb, vsmmu->vmid, asid, 0, U64_MAX);
		return 0;
	case CMD_OP_TLBI_NH_VA:
		smmuv3_tlbi_range(cmd, &first, &last);
		emu_iotlb_flush(tlb, vsmmu->vmid, asid, first, last);
		return 0;
	case CMD_OP_TLBI_NH_VAA:
		smmuv3_tlbi_range(cmd, &first, &last);
		emu_iotlb_flush(tlb, vsmmu->vmid, EMU_IOTLB_ANY_SPACE, first,
				last);
		return 0;
	case CMD_OP_ATC_INV:
		/* No ATC is modelled: only the stream must be the guest's */
		xa_lock(&vsmmu->core.vdevs);
		master = smmuv3_vsid_master(vsmmu, FIELD_GET(CMD0_SID, cmd[0]));
		xa_unlock(&vsmmu->core.vdevs);
		return master ? 0 : -EIO;
	case CMD_OP_CFGI_CD:
		return smmuv3_vsmmu_cfgi(vsmmu, cmd, false);
	case CMD_OP_CFGI_CD_ALL:
		return smmuv3_vsmmu_cfgi(vsmmu, cmd, true);
	}
	return -EIO;
}

/*
 * The whole batch is read first, as the hardware driver copies it into its
 * command queue: a malformed entry (non-zero bytes beyond a command)
 * stops everything before any command runs. Then the commands run in
 * order up to the first the guest may not issue.
 */
static int smmuv3_vsmmu_invalidate(struct emu_viommu *viommu,
				   struct emu_user_array *array)
{
	struct smmuv3_vsmmu *vsmmu = to_vsmmu(viommu);
	struct iommu_viommu_arm_smmuv3_invalidate *ucmds;
	u32 done = 0;
	u64 cmd[2];
	int rc = 0;

	if (array->type != IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3) {
		rc = -EINVAL;
		goto out;
	}
	if (!array->entry_num)
		goto out;
	ucmds = kvcalloc(array->entry_num, sizeof(*ucmds), GFP_KERNEL);
	if (!ucmds) {
		rc = -ENOMEM;
		goto out;
	}
	for (; done < array->entry_num; done++) {
		rc = copy_struct_from_user(&ucmds[done], sizeof(*ucmds),
					   array->uptr +
						(size_t)array->entry_len * done,
					   array->entry_len);
		if (rc)
			break;
	}
	done = 0;
	for (; !rc && done < array->entry_num; done++) {
		cmd[0] = le64_to_cpu(ucmds[done].cmd[0]);
		cmd[1] = le64_to_cpu(ucmds[done].cmd[1]);
		rc = smmuv3_vsmmu_cmd(vsmmu, cmd);
		if (rc)
			break;
	}
	kvfree(ucmds);
out:
	array->entry_num = done;
	return rc;
}

/* Virtual StreamIDs are 32-bit; a presented device that is nested here
 * starts reporting through the vIOMMU at once.
 */
static int smmuv3_vsmmu_vdev_init(struct emu_viommu *viommu,
				  struct emu_dev *dev, unsigned long virt_id)
{
	struct smmuv3_vsmmu *vsmmu = to_vsmmu(viommu);
	struct smmuv3_master *master = smmuv3_master(dev);

	if (virt_id > U32_MAX || !master)
		return -EINVAL;
	spin_lock(&master->lock);
	if (master->nested && master->nested->vsmmu == vsmmu) {
		master->vsmmu = vsmmu;
		master->vsid = virt_id;
	}
	spin_unlock(&master->lock);
	return 0;
}

static void smmuv3_vsmmu_vdev_destroy(struct emu_viommu *viommu,
				      struct emu_dev *dev,
				      unsigned long virt_id)
{
	struct smmuv3_master *master = smmuv3_master(dev);

	if (WARN_ON(!master))
		return;
	spin_lock(&master->lock);
	if (master->vsmmu == to_vsmmu(viommu) && master->vsid == virt_id)
		master->vsmmu = NULL;
	spin_unlock(&master->lock);
}

static const struct emu_viommu_ops smmuv3_vsmmu_ops = {
	.domain_alloc_nested = smmuv3_vsmmu_alloc_nested,
	.cache_invalidate = smmuv3_vsmmu_invalidate,
	.vdev_init = smmuv3_vsmmu_vdev_init,
	.vdev_destroy = smmuv3_vsmmu_vdev_destroy,
};

/* vIOMMUs need nesting; the core refuses a type that has size 0 */
size_t smmuv3_viommu_size(struct emu_dev *dev, u32 type)
{
	if (type != IOMMU_VIOMMU_TYPE_ARM_SMMUV3 || !emu_hw_dev_caps(dev)->nesting)
		return 0;
	return EMU_VIOMMU_STRUCT_SIZE(struct smmuv3_vsmmu, core);
}

/* The core checked that the parent is a nest parent of this instance */
int smmuv3_viommu_init(struct emu_viommu *viommu, struct emu_dev *dev,
		       const struct emu_user_data *data)
{
	struct smmuv3_vsmmu *vsmmu = to_vsmmu(viommu);

	if (!emu_hw_is_paging_domain(viommu->parent))
		return -EINVAL;
	vsmmu->smmu = to_smmuv3(viommu->iommu);
	vsmmu->s2 = to_emu_hw_domain(viommu->parent);
	if (vsmmu->s2->wcfg.fmt != EMU_PT_ARM_S2)
		return -EINVAL;
	vsmmu->vmid = vsmmu->s2->hw_id;
	viommu->ops = &smmuv3_vsmmu_ops;
	return 0;
}
