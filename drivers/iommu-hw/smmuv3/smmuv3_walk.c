// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated SMMUv3: what the hardware does for one DMA of a stream whose
 * STE nests the guest's stage 1 over the host's stage 2.
 *
 * STE -> (SubstreamID) -> context descriptor, fetched from guest memory at
 * an IPA that stage 2 translates -> stage-1 walk of the guest's tables,
 * every descriptor fetched through stage 2 as well -> stage 2 of the
 * output -> the pinned page. Results are cached in the instance's TLB
 * (VMID, ASID, page) and CDs in the stream's configuration cache, and both
 * are used until the guest invalidates them.
 *
 * Stage-1 and configuration faults become event records for the guest;
 * stage-2 faults belong to the host and are not forwarded. Either way the
 * DMA fails with -EIO.
 *
 * Called by the core with the nested domain's dma_lock held for read; the
 * walk holds the parent's dma_lock for read too, and a successful one
 * hands it to the core (emu_translation::held) until the data is copied,
 * so no page it reaches through stage 2 is unpinned under it (an unmap of
 * the parent holds that lock for write and flushes the VMID before the
 * pages go).
 */
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/iommufd.h>
#include <linux/sizes.h>

#include "smmuv3.h"

/* TLB entries keep the stage-1 permissions low and stage 2's above them */
#define SMMUV3_TLB_S2_PERM_SHIFT	4

/**
 * struct smmuv3_xlate - one translation in progress
 * @master: the stream
 * @vsmmu: the vIOMMU of the nested domain
 * @pasid: the SubstreamID the DMA carries, or EMU_NO_PASID
 * @iova: the input address
 * @pt_access: EMU_PT_ACCESS_* of the DMA
 * @s2_fault: a descriptor fetch faulted at stage 2
 * @ssid: the SubstreamID whose CD the DMA uses if its STE has CDs: the
 *	  PASID, else 0 (no SubstreamIDs, or S1DSS SSID0)
 * @cd_cached: @cd is the CD of @ssid from the configuration cache
 * @cd_gen: the configuration cache's generation when it was looked up
 * @cd: the CD of @ssid, once known (its first doublewords)
 */
struct smmuv3_xlate {
	struct smmuv3_master *master;
	struct smmuv3_vsmmu *vsmmu;
	u32 pasid;
	u64 iova;
	unsigned int pt_access;
	bool s2_fault;
	u32 ssid;
	bool cd_cached;
	u32 cd_gen;
	u64 cd[SMMUV3_CD_QWORDS];
};

/* Raise event @id about @x; @addr: the record carries the access details */
static int smmuv3_fault(struct smmuv3_xlate *x, u8 id, bool addr)
{
	u64 evt[4] = {};

	evt[0] = FIELD_PREP(EVT0_ID, id) |
		 FIELD_PREP(EVT0_SID, x->master->dev->id);
	if (x->pasid != EMU_NO_PASID)
		evt[0] |= EVT0_SSV | FIELD_PREP(EVT0_SSID, x->pasid);
	if (addr) {
		if (!(x->pt_access & EMU_PT_ACCESS_WRITE))
			evt[1] |= EVT1_RNW;
		evt[2] = x->iova;
	}
	smmuv3_report_event(x->master, evt);
	return -EIO;
}

/*
 * @n doublewords of guest memory at @ipa, read as the SMMU reads its
 * tables: one stage-2 walk, so they must not cross a 4KiB page (naturally
 * aligned structures of up to 4KiB never do).
 */
static int smmuv3_read_ipa(struct smmuv3_xlate *x, u64 ipa, u64 *val,
			   unsigned int n)
{
	struct emu_pt_walk_result res;
	const __le64 *p;
	unsigned int i;
	void *va;

	if (WARN_ON_ONCE((ipa & (SZ_4K - 1)) + n * sizeof(*val) > SZ_4K))
		return -EFAULT;
	if (emu_hw_domain_walk(x->vsmmu->s2, ipa, EMU_PT_ACCESS_READ, &res)) {
		x->s2_fault = true;
		return -EFAULT;
	}
	va = kmap_local_page(pfn_to_page(PHYS_PFN(res.oa)));
	p = va + offset_in_page(res.oa);
	for (i = 0; i < n; i++)
		val[i] = le64_to_cpu(p[i]);
	kunmap_local(va);
	return 0;
}

/* The stage-1 walker's descriptor fetches: table addresses are IPAs */
static int smmuv3_s1_read_desc(void *ctx, u64 table, unsigned int index,
			       u64 *desc)
{
	return smmuv3_read_ipa(ctx, table + 8ULL * index, desc, 1);
}

static const struct emu_pt_walk_ops smmuv3_s1_walk_ops = {
	.read_desc = smmuv3_s1_read_desc,
};

/* Stage 2 only (stage 1 bypassed): the input address is the IPA */
static int smmuv3_s2_only(struct smmuv3_xlate *x, struct emu_translation *out)
{
	struct emu_pt_walk_result res;

	if (emu_hw_domain_walk(x->vsmmu->s2, x->iova, x->pt_access, &res))
		return -EIO;
	out->pa = res.oa;
	out->len = res.size - (x->iova & (res.size - 1));
	return 0;
}

/* Fetch the CD of @ssid from the guest's table(s) the STE points at */
static int smmuv3_fetch_cd(struct smmuv3_xlate *x, const u64 *ste, u32 ssid,
			   u64 *cd)
{
	u64 base = ste[0] & STE0_S1CTXPTR;
	u64 l1;

	if (FIELD_GET(STE0_S1CDMAX, ste[0]) &&
	    FIELD_GET(STE0_S1FMT, ste[0]) == STE0_S1FMT_64K_L2) {
		if (smmuv3_read_ipa(x, base + 8ULL * (ssid >> SMMUV3_CD_L2_BITS),
				    &l1, 1))
			return -EIO;
		if (!(l1 & CD_L1_V))
			return smmuv3_fault(x, EVT_ID_BAD_SUBSTREAMID, false);
		base = l1 & CD_L1_L2PTR;
		ssid &= BIT(SMMUV3_CD_L2_BITS) - 1;
	}
	/* A CD slot is 64 bytes, 64-byte aligned: never across a page */
	if (smmuv3_read_ipa(x, base + (u64)ssid * SMMUV3_CD_SIZE, cd,
			    SMMUV3_CD_QWORDS))
		return -EIO;
	return 0;
}

/* Only what the model walks: AArch64 tables, 4KiB granule, T0SZ 16..39 */
static bool smmuv3_cd_ok(u64 cd0)
{
	u64 t0sz = FIELD_GET(CD0_T0SZ, cd0);

	return (cd0 & CD0_V) && (cd0 & CD0_AA64) &&
	       FIELD_GET(CD0_TG0, cd0) == CD0_TG0_4K &&
	       t0sz >= 16 && t0sz <= 39 &&
	       smmuv3_pa_size_bits(FIELD_GET(CD0_IPS, cd0));
}

/*
 * The event a stage-1 walk fault raises. An input address beyond the
 * range T0SZ gives (refused before any table is read) is a translation
 * fault; an address-size fault is an output or table address wider than
 * IPS.
 */
static u8 smmuv3_s1_fault_id(const struct emu_pt_walk_result *res)
{
	switch (res->fault) {
	case EMU_PT_FAULT_PERMISSION:
		return EVT_ID_PERMISSION;
	case EMU_PT_FAULT_ACCESS:
		return EVT_ID_ACCESS;
	case EMU_PT_FAULT_ADDR_SIZE:
		return res->level < 0 ? EVT_ID_TRANSLATION : EVT_ID_ADDR_SIZE;
	default:
		return EVT_ID_TRANSLATION;
	}
}

static bool smmuv3_perm_ok(unsigned int pt_access, int prot)
{
	if ((pt_access & EMU_PT_ACCESS_READ) && !(prot & IOMMU_READ))
		return false;
	return !(pt_access & EMU_PT_ACCESS_WRITE) || (prot & IOMMU_WRITE);
}

/* Stage 1 through the CD, then stage 2; cached in the TLB */
static int smmuv3_s1_s2(struct smmuv3_xlate *x, const u64 *cd,
			struct emu_translation *out)
{
	struct smmuv3 *smmu = x->vsmmu->smmu;
	struct emu_pt_walk_result r1, r2;
	struct emu_pt_walk_cfg wcfg = {
		.fmt = EMU_PT_ARM_S1,
		.root = cd[1] & CD1_TTB0,
		.ias = 64 - FIELD_GET(CD0_T0SZ, cd[0]),
		.oas = smmuv3_pa_size_bits(FIELD_GET(CD0_IPS, cd[0])),
	};
	bool record = cd[0] & CD0_R;
	u32 vmid = x->vsmmu->vmid;
	struct emu_iotlb_hit hit;
	u32 asid;
	u64 size;

	asid = FIELD_GET(CD0_ASID, cd[0]) & (BIT(smmu->hw.caps.asid_bits) - 1);
	if (emu_iotlb_lookup(&smmu->iotlb, vmid, asid, x->iova, &hit)) {
		if (!smmuv3_perm_ok(x->pt_access, hit.perm))
			return record ? smmuv3_fault(x, EVT_ID_PERMISSION, true) :
					-EIO;
		if (!smmuv3_perm_ok(x->pt_access,
				    hit.perm >> SMMUV3_TLB_S2_PERM_SHIFT))
			return -EIO;
		out->pa = hit.pa;
		out->len = hit.size - (x->iova & (hit.size - 1));
		return 0;
	}

	if (cd[0] & CD0_EPD0)
		return record ? smmuv3_fault(x, EVT_ID_TRANSLATION, true) : -EIO;
	if (emu_pt_walk(&wcfg, x->iova, x->pt_access, &smmuv3_s1_walk_ops, x,
			&r1)) {
		/* A fetch that faulted at stage 2 is the host's business */
		if (x->s2_fault || r1.fault == EMU_PT_FAULT_EXT_ABORT)
			return -EIO;
		return record ? smmuv3_fault(x, smmuv3_s1_fault_id(&r1),
					     true) : -EIO;
	}
	if (emu_hw_domain_walk(x->vsmmu->s2, r1.oa, x->pt_access, &r2))
		return -EIO;

	/* One entry for the part both stages map alike */
	size = min(r1.size, r2.size);
	emu_iotlb_insert(&smmu->iotlb, vmid, asid, x->iova, size, r2.oa,
			 r1.prot | (r2.prot << SMMUV3_TLB_S2_PERM_SHIFT),
			 hit.gen);
	out->pa = r2.oa;
	out->len = size - (x->iova & (size - 1));
	return 0;
}

/*
 * The CD of @x->ssid into @x->cd: looked up in the configuration cache
 * with the STE already, fetched (and cached) on a miss; -EIO when it
 * faulted (reported already).
 */
static int smmuv3_get_cd(struct smmuv3_xlate *x, const u64 *ste)
{
	int rc;

	if (x->cd_cached)
		return 0;
	rc = smmuv3_fetch_cd(x, ste, x->ssid, x->cd);
	if (rc)
		return rc;
	/* Invalid structures are never cached */
	if (!smmuv3_cd_ok(x->cd[0]))
		return smmuv3_fault(x, EVT_ID_BAD_CD, false);
	spin_lock(&x->master->lock);
	smmuv3_cd_cache_insert(x->master, x->ssid, x->cd, x->cd_gen);
	spin_unlock(&x->master->lock);
	return 0;
}

static int smmuv3_translate_ste(struct smmuv3_xlate *x, const u64 *ste,
				struct emu_translation *out)
{
	u32 pasid_bits = x->vsmmu->smmu->hw.caps.pasid_bits;
	u32 cdmax = FIELD_GET(STE0_S1CDMAX, ste[0]);
	u32 fmt = FIELD_GET(STE0_S1FMT, ste[0]);
	int rc;

	if (!(ste[0] & STE0_V))
		return smmuv3_fault(x, EVT_ID_BAD_STE, false);
	switch (FIELD_GET(STE0_CFG, ste[0])) {
	case STE0_CFG_ABORT:
		return -EIO;
	case STE0_CFG_S2:
		return smmuv3_s2_only(x, out);
	case STE0_CFG_NESTED:
		break;
	default:
		return smmuv3_fault(x, EVT_ID_BAD_STE, false);
	}
	/* More SubstreamIDs than IDR1.SSIDSIZE, or a format IDR0 lacks */
	if (cdmax > pasid_bits ||
	    (cdmax && fmt != STE0_S1FMT_LINEAR &&
	     (fmt != STE0_S1FMT_64K_L2 || !pasid_bits)))
		return smmuv3_fault(x, EVT_ID_BAD_STE, false);

	if (x->pasid != EMU_NO_PASID) {
		if (!cdmax || x->pasid >= BIT(cdmax))
			return smmuv3_fault(x, EVT_ID_BAD_SUBSTREAMID, false);
	} else if (cdmax) {
		switch (FIELD_GET(STE1_S1DSS, ste[1])) {
		case STE1_S1DSS_TERMINATE:
			return smmuv3_fault(x, EVT_ID_STREAM_DISABLED, false);
		case STE1_S1DSS_BYPASS:
			return smmuv3_s2_only(x, out);
		case STE1_S1DSS_SSID0:
			break;
		default:
			return smmuv3_fault(x, EVT_ID_BAD_STE, false);
		}
	}

	/* Here the CD is that of x->ssid: the PASID, or SSID 0 */
	rc = smmuv3_get_cd(x, ste);
	if (rc)
		return rc;
	return smmuv3_s1_s2(x, x->cd, out);
}

/**
 * smmuv3_nested_translate() - emu_domain_ops::translate of nested domains
 * @domain: the nested domain the stream is attached to
 * @dev: the device
 * @pasid: the SubstreamID, or EMU_NO_PASID
 * @iova: the input address
 * @access: EMU_DMA_* of the DMA
 * @out: the result
 *
 * Return: 0, or -EIO for a fault (reported when the guest's).
 */
int smmuv3_nested_translate(struct emu_domain *domain, struct emu_dev *dev,
			    u32 pasid, u64 iova, unsigned int access,
			    struct emu_translation *out)
{
	struct smmuv3_nested *nested =
		container_of(domain, struct smmuv3_nested, domain);
	struct smmuv3_xlate x = {
		.master = smmuv3_master(dev),
		.vsmmu = nested->vsmmu,
		.pasid = pasid,
		.iova = iova,
		.ssid = pasid == EMU_NO_PASID ? 0 : pasid,
	};
	u64 ste[SMMUV3_STE_QWORDS];
	int rc;

	if (WARN_ON(!x.master))
		return -EIO;
	if (access & EMU_DMA_READ)
		x.pt_access |= EMU_PT_ACCESS_READ;
	if (access & EMU_DMA_WRITE)
		x.pt_access |= EMU_PT_ACCESS_WRITE;

	/*
	 * One hold of the stream's lock per page: the STE and the cached CD
	 * the DMA would use are read together, and they agree, since an STE
	 * write drops the cached CDs in the same hold.
	 */
	spin_lock(&x.master->lock);
	memcpy(ste, x.master->ste, sizeof(ste));
	x.cd_cached = smmuv3_cd_cache_find(x.master, x.ssid, x.cd, &x.cd_gen);
	spin_unlock(&x.master->lock);

	down_read(&x.vsmmu->s2->domain.dma_lock);
	rc = smmuv3_translate_ste(&x, ste, out);
	if (rc)
		up_read(&x.vsmmu->s2->domain.dma_lock);
	else
		out->held = &x.vsmmu->s2->domain.dma_lock;
	return rc;
}
