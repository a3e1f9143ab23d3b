// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated SMMUv3: the stream table and the configuration cache.
 *
 * Each device behind the instance has a struct smmuv3_master from probe to
 * release, found by StreamID in the instance's stream table. Whenever the
 * device's RID switches domains the driver writes its STE in the
 * architecture's layout: abort for the blocking domain, stage 1 or stage 2
 * for paging domains, and for a nested domain the guest's stage-1 fields
 * over the parent's stage-2 fields. Writing an STE drops the context
 * descriptors cached for the stream, as the CFGI_STE a driver issues after
 * changing an STE would; the guest's own CD edits are only seen after its
 * CFGI_CD or CFGI_CD_ALL.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "smmuv3.h"

/* The stage-2 half of an STE: VMID, VTCR and the table of @hdom */
static void smmuv3_ste_s2(u64 *ste, struct emu_hw_domain *hdom)
{
	const struct emu_pt_walk_cfg *wcfg = &hdom->wcfg;

	ste[2] = FIELD_PREP(STE2_S2VMID, hdom->hw_id) |
		 FIELD_PREP(STE2_VTCR_T0SZ, 64 - wcfg->ias) |
		 /* SL0 counts down from level 2 with the 4KiB granule */
		 FIELD_PREP(STE2_VTCR_SL0, 2 - wcfg->start_level) |
		 FIELD_PREP(STE2_VTCR_PS, smmuv3_pa_size_enc(wcfg->oas)) |
		 STE2_S2AA64 | STE2_S2R;
	ste[3] = wcfg->root & STE3_S2TTB;
}

/* The STE the hardware needs for @domain, or for the guest's @nested */
static void smmuv3_ste_build(u64 *ste, struct emu_domain *domain,
			     struct smmuv3_nested *nested)
{
	struct emu_hw_domain *hdom;
	u32 cfg;

	memset(ste, 0, SMMUV3_STE_QWORDS * sizeof(*ste));
	ste[0] = STE0_V | FIELD_PREP(STE0_CFG, STE0_CFG_ABORT);
	if (nested) {
		cfg = FIELD_GET(STE0_CFG, nested->ste0);
		if (!(nested->ste0 & STE0_V) || cfg == STE0_CFG_ABORT)
			return;
		smmuv3_ste_s2(ste, nested->vsmmu->s2);
		if (cfg == STE0_CFG_BYPASS) {
			ste[0] = STE0_V | FIELD_PREP(STE0_CFG, STE0_CFG_S2);
			return;
		}
		ste[0] = (nested->ste0 & ~STE0_CFG) |
			 FIELD_PREP(STE0_CFG, STE0_CFG_NESTED);
		ste[1] = nested->ste1;
		return;
	}
	if (!domain || !emu_hw_is_paging_domain(domain))
		return;
	hdom = to_emu_hw_domain(domain);
	if (hdom->wcfg.fmt == EMU_PT_ARM_S2) {
		ste[0] = STE0_V | FIELD_PREP(STE0_CFG, STE0_CFG_S2);
		smmuv3_ste_s2(ste, hdom);
	} else {
		/* The host's CD table is not modelled: only the Config says S1 */
		ste[0] = STE0_V | FIELD_PREP(STE0_CFG, STE0_CFG_S1);
	}
}

/**
 * smmuv3_cd_cache_drop() - CFGI_CD / CFGI_CD_ALL for one stream
 * @master: the stream; the caller holds its lock
 * @all: drop every cached CD
 * @ssid: else only the CD of this SubstreamID
 */
void smmuv3_cd_cache_drop(struct smmuv3_master *master, bool all, u32 ssid)
{
	unsigned int i;

	lockdep_assert_held(&master->lock);
	master->cd_gen++;
	for (i = 0; i < SMMUV3_CD_CACHE_SLOTS; i++) {
		if (all || master->cds[i].ssid == ssid)
			master->cds[i].valid = false;
	}
}

/**
 * smmuv3_cd_cache_find() - a cached CD of a stream
 * @master: the stream; the caller holds its lock
 * @ssid: the SubstreamID
 * @cd: receives the CD's first doublewords
 * @gen: receives the cache's generation, for smmuv3_cd_cache_insert()
 *
 * Return: true on a hit.
 */
bool smmuv3_cd_cache_find(struct smmuv3_master *master, u32 ssid, u64 *cd,
			  u32 *gen)
{
	unsigned int i;

	lockdep_assert_held(&master->lock);
	*gen = master->cd_gen;
	for (i = 0; i < SMMUV3_CD_CACHE_SLOTS; i++) {
		if (master->cds[i].valid && master->cds[i].ssid == ssid) {
			memcpy(cd, master->cds[i].cd, sizeof(master->cds[i].cd));
			return true;
		}
	}
	return false;
}

/**
 * smmuv3_cd_cache_insert() - cache a CD the walker fetched
 * @master: the stream; the caller holds its lock
 * @ssid: the SubstreamID
 * @cd: the CD's first doublewords
 * @gen: what smmuv3_cd_cache_find() reported before the fetch; a drop
 *	 since then means the fetched CD may be stale, and it is not cached
 *
 * The oldest slot goes when all are taken.
 */
void smmuv3_cd_cache_insert(struct smmuv3_master *master, u32 ssid,
			    const u64 *cd, u32 gen)
{
	struct smmuv3_cd_slot *slot;

	lockdep_assert_held(&master->lock);
	if (gen != master->cd_gen)
		return;
	slot = &master->cds[master->cd_next];
	master->cd_next = (master->cd_next + 1) % SMMUV3_CD_CACHE_SLOTS;
	slot->valid = true;
	slot->ssid = ssid;
	memcpy(slot->cd, cd, sizeof(slot->cd));
}

/**
 * smmuv3_master_switch() - write a stream's STE for a new RID domain
 * @master: the stream
 * @domain: the domain (blocking, paging or nested)
 * @nested: @domain as a nested domain, or NULL
 * @vsmmu: the vIOMMU events about the stream now go to, or NULL
 * @vsid: the stream's virtual StreamID there
 *
 * The STE, the event routing and the configuration cache change together
 * under the master's lock, which the event path takes to report.
 */
void smmuv3_master_switch(struct smmuv3_master *master,
			  struct emu_domain *domain,
			  struct smmuv3_nested *nested,
			  struct smmuv3_vsmmu *vsmmu, u32 vsid)
{
	u64 ste[SMMUV3_STE_QWORDS];

	smmuv3_ste_build(ste, domain, nested);
	spin_lock(&master->lock);
	memcpy(master->ste, ste, sizeof(ste));
	master->nested = nested;
	master->vsmmu = vsmmu;
	master->vsid = vsid;
	smmuv3_cd_cache_drop(master, true, 0);
	spin_unlock(&master->lock);
}

/* hw.c's blocking and paging domains: the RID's STE follows them */
void smmuv3_dev_attached(struct emu_dev *dev, u32 pasid,
			 struct emu_domain *domain)
{
	struct smmuv3_master *master = smmuv3_master(dev);

	/* A PASID's domain lives in the (unmodelled) host CD table */
	if (pasid != EMU_NO_PASID || WARN_ON(!master))
		return;
	smmuv3_master_switch(master, domain, NULL, NULL, 0);
}

/*
 * A stream table entry for the device: abort until its first attach. A
 * sub-device on a parent's PASID has no stream of its own (its requests
 * carry the parent's StreamID), and this SMMU has no per-PASID entry it
 * could program for one: refused.
 */
int smmuv3_probe_dev(struct emu_dev *dev)
{
	struct smmuv3 *smmu = to_smmuv3(dev->iommu);
	struct smmuv3_master *master;
	int rc;

	if (dev->parent)
		return -EOPNOTSUPP;
	master = kzalloc(sizeof(*master), GFP_KERNEL);
	if (!master)
		return -ENOMEM;
	master->dev = dev;
	spin_lock_init(&master->lock);
	smmuv3_ste_build(master->ste, NULL, NULL);
	rc = xa_insert(&smmu->strtab, dev->id, master, GFP_KERNEL);
	if (rc) {
		kfree(master);
		return rc == -EBUSY ? -EEXIST : rc;
	}
	return 0;
}

/*
 * Every PASID is blocked and the device left its group, so no DMA or
 * attach can reach the master; invalidations find it only through a
 * vDEVICE, and the device has none left either.
 */
void smmuv3_release_dev(struct emu_dev *dev)
{
	struct smmuv3 *smmu = to_smmuv3(dev->iommu);

	kfree(xa_erase(&smmu->strtab, dev->id));
}
