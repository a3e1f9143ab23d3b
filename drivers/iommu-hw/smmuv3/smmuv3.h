/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the emulated Arm SMMUv3: the architecture's layouts (ID
 * registers, stream table entries, context descriptors, commands, event
 * records) and the driver's structures.
 *
 * The model, in hardware terms:
 *
 * - a stream table: one 64-byte STE per StreamID of a device behind the
 *   instance (struct smmuv3_master), written by the driver at every attach;
 * - a configuration cache: context descriptors the walker fetched from guest
 *   memory, per master and SubstreamID, served until CFGI_CD / CFGI_CD_ALL
 *   (the STE itself is always current: the driver rewrites it and drops the
 *   master's cached CDs in the same step, as CFGI_STE would);
 * - a TLB (the shared struct emu_iotlb) tagged VMID / ASID holding the
 *   combined stage 1 + stage 2 result of nested walks;
 * - an event queue whose records go, with the virtual StreamID, to the
 *   vIOMMU the master is currently reachable through.
 *
 * Locks: emu_domain::dma_lock of a nested domain (taken by the core for a
 * DMA) -> dma_lock of its stage-2 parent (read) -> the vIOMMU's vdevs
 * xa_lock (CFGI looks the stream up under it) -> smmuv3_master::lock ->
 * event queue locks -> emu_iotlb::lock.
 */
#ifndef EMU_SMMUV3_H
#define EMU_SMMUV3_H

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/idr.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "../hw.h"
#include "../iotlb.h"

/* ---- ID registers (SMMU_IDR0..5, AIDR) ---- */
#define SMMU_IDR0_S2P			BIT(0)
#define SMMU_IDR0_S1P			BIT(1)
#define SMMU_IDR0_TTF			GENMASK(3, 2)
#define SMMU_IDR0_TTF_AARCH64		2
#define SMMU_IDR0_COHACC		BIT(4)
#define SMMU_IDR0_ATS			BIT(10)
#define SMMU_IDR0_ASID16		BIT(12)
#define SMMU_IDR0_VMID16		BIT(18)
#define SMMU_IDR0_CD2L			BIT(19)
#define SMMU_IDR0_TTENDIAN		GENMASK(22, 21)
#define SMMU_IDR0_TTENDIAN_LE		2
#define SMMU_IDR0_STALL_MODEL		GENMASK(25, 24)
#define SMMU_IDR0_STALL_MODEL_NONE	1
#define SMMU_IDR0_ST_LEVEL		GENMASK(28, 27)
#define SMMU_IDR0_ST_LEVEL_2LVL		1

#define SMMU_IDR1_SIDSIZE		GENMASK(5, 0)
#define SMMU_IDR1_SSIDSIZE		GENMASK(10, 6)
#define SMMU_IDR1_EVENTQS		GENMASK(20, 16)
#define SMMU_IDR1_CMDQS			GENMASK(25, 21)

#define SMMU_IDR3_RIL			BIT(10)

#define SMMU_IDR5_OAS			GENMASK(2, 0)
#define SMMU_IDR5_GRAN4K		BIT(4)

/* AIDR minor revision: RIL arrived with SMMUv3.2 */
#define SMMU_AIDR_V3_0			0
#define SMMU_AIDR_V3_2			2

/* ---- Stream table entry (64 bytes) ---- */
#define SMMUV3_STE_QWORDS		8
#define STE0_V				BIT_ULL(0)
#define STE0_CFG			GENMASK_ULL(3, 1)
#define STE0_CFG_ABORT			0
#define STE0_CFG_BYPASS			4
#define STE0_CFG_S1			5
#define STE0_CFG_S2			6
#define STE0_CFG_NESTED			7
#define STE0_S1FMT			GENMASK_ULL(5, 4)
#define STE0_S1FMT_LINEAR		0
#define STE0_S1FMT_64K_L2		2
#define STE0_S1CTXPTR			GENMASK_ULL(51, 6)
#define STE0_S1CDMAX			GENMASK_ULL(63, 59)
#define STE1_S1DSS			GENMASK_ULL(1, 0)
#define STE1_S1DSS_TERMINATE		0
#define STE1_S1DSS_BYPASS		1
#define STE1_S1DSS_SSID0		2
#define STE1_S1CIR			GENMASK_ULL(3, 2)
#define STE1_S1COR			GENMASK_ULL(5, 4)
#define STE1_S1CSH			GENMASK_ULL(7, 6)
#define STE1_S1STALLD			BIT_ULL(27)
#define STE1_EATS			GENMASK_ULL(29, 28)
#define STE1_EATS_ABT			0
#define STE1_EATS_TRANS			1
#define STE2_S2VMID			GENMASK_ULL(15, 0)
#define STE2_VTCR_T0SZ			GENMASK_ULL(37, 32)
#define STE2_VTCR_SL0			GENMASK_ULL(39, 38)
#define STE2_VTCR_PS			GENMASK_ULL(50, 48)
#define STE2_S2AA64			BIT_ULL(51)
#define STE2_S2R			BIT_ULL(58)
#define STE3_S2TTB			GENMASK_ULL(51, 4)

/* What a vSTE from user space may set (anything else: EIO) */
#define STE0_USER_ALLOWED \
	(STE0_V | STE0_CFG | STE0_S1FMT | STE0_S1CTXPTR | STE0_S1CDMAX)
#define STE1_USER_ALLOWED \
	(STE1_S1DSS | STE1_S1CIR | STE1_S1COR | STE1_S1CSH | STE1_S1STALLD | \
	 STE1_EATS)

/* ---- Context descriptor (64 bytes; the model reads the first 32) ---- */
#define SMMUV3_CD_SIZE			64
#define SMMUV3_CD_QWORDS		4
#define CD0_T0SZ			GENMASK_ULL(5, 0)
#define CD0_TG0				GENMASK_ULL(7, 6)
#define CD0_TG0_4K			0
#define CD0_EPD0			BIT_ULL(14)
#define CD0_V				BIT_ULL(31)
#define CD0_IPS				GENMASK_ULL(34, 32)
#define CD0_AA64			BIT_ULL(41)
#define CD0_R				BIT_ULL(45)
#define CD0_ASID			GENMASK_ULL(63, 48)
#define CD1_TTB0			GENMASK_ULL(51, 4)

/* Two-level CD tables with 64KiB leaves: 1024 CDs per leaf table */
#define SMMUV3_CD_L2_BITS		10
#define CD_L1_V				BIT_ULL(0)
#define CD_L1_L2PTR			GENMASK_ULL(51, 12)

/* ---- Commands (16 bytes) ---- */
#define CMD0_OP				GENMASK_ULL(7, 0)
#define CMD_OP_CFGI_CD			0x05
#define CMD_OP_CFGI_CD_ALL		0x06
#define CMD_OP_TLBI_NH_ALL		0x10
#define CMD_OP_TLBI_NH_ASID		0x11
#define CMD_OP_TLBI_NH_VA		0x12
#define CMD_OP_TLBI_NH_VAA		0x13
#define CMD_OP_TLBI_NSNH_ALL		0x30
#define CMD_OP_ATC_INV			0x40
#define CMD0_SSV			BIT_ULL(11)
#define CMD0_SSID			GENMASK_ULL(31, 12)
#define CMD0_SID			GENMASK_ULL(63, 32)
#define CMD1_CFGI_LEAF			BIT_ULL(0)
#define CMD0_TLBI_NUM			GENMASK_ULL(16, 12)
#define CMD0_TLBI_SCALE			GENMASK_ULL(24, 20)
#define CMD0_TLBI_VMID			GENMASK_ULL(47, 32)
#define CMD0_TLBI_ASID			GENMASK_ULL(63, 48)
#define CMD1_TLBI_LEAF			BIT_ULL(0)
#define CMD1_TLBI_TTL			GENMASK_ULL(9, 8)
#define CMD1_TLBI_TG			GENMASK_ULL(11, 10)
#define CMD1_TLBI_VA			GENMASK_ULL(63, 12)
#define CMD0_ATC_GLOBAL			BIT_ULL(9)
#define CMD1_ATC_SIZE			GENMASK_ULL(5, 0)
#define CMD1_ATC_ADDR			GENMASK_ULL(63, 12)
/* ATC_INV sizes above this one are reserved */
#define CMD_ATC_SIZE_MAX		52

/* ---- Event records (32 bytes) ---- */
#define EVT_ID_STREAM_DISABLED		0x06
#define EVT_ID_BAD_STE			0x04
#define EVT_ID_BAD_SUBSTREAMID		0x08
#define EVT_ID_BAD_CD			0x0a
#define EVT_ID_TRANSLATION		0x10
#define EVT_ID_ADDR_SIZE		0x11
#define EVT_ID_ACCESS			0x12
#define EVT_ID_PERMISSION		0x13
#define EVT0_ID				GENMASK_ULL(7, 0)
#define EVT0_SSV			BIT_ULL(11)
#define EVT0_SSID			GENMASK_ULL(31, 12)
#define EVT0_SID			GENMASK_ULL(63, 32)
#define EVT1_RNW			BIT_ULL(35)

/* Configuration-cache slots per master (CDs by SubstreamID) */
#define SMMUV3_CD_CACHE_SLOTS		8
/* IOTLB entries per instance */
#define SMMUV3_IOTLB_ENTRIES		4096

/**
 * struct smmuv3 - one emulated SMMUv3 instance
 * @hw: what hw.c manages (first)
 * @strtab: the stream table: StreamID -> struct smmuv3_master, for the
 *	    devices behind the instance; entries are stable while a device
 *	    is attached (they go in emu_iommu_ops::release_dev)
 * @vmids: VMIDs of stage-2 domains
 * @iotlb: the TLB, tag = VMID, space = ASID
 * @users: the instance, plus one per stage-2 domain: a HWPT may outlive
 *	   the instance's registration (its devices gone, the instance
 *	   removed) and still needs @vmids and @iotlb until it is freed
 */
struct smmuv3 {
	struct emu_hw_iommu hw;
	refcount_t users;
	struct xarray strtab;
	struct ida vmids;
	struct emu_iotlb iotlb;
};

/**
 * struct smmuv3_cd_slot - one cached context descriptor
 * @valid: the slot holds a CD
 * @ssid: its SubstreamID
 * @cd: its first four doublewords
 */
struct smmuv3_cd_slot {
	bool valid;
	u32 ssid;
	u64 cd[SMMUV3_CD_QWORDS];
};

struct smmuv3_vsmmu;
struct smmuv3_nested;

/**
 * struct smmuv3_master - a device behind the instance, i.e. its stream
 * @dev: the device
 * @lock: guards everything below; a DMA takes it once per page to read
 *	  @ste and the cached CD it needs together (again only to cache a
 *	  CD it fetched, or to report an event)
 * @ste: its stream table entry, in the architecture's layout
 * @nested: the nested domain its RID uses, or NULL
 * @vsmmu: the vIOMMU events about it are forwarded to, or NULL: set while
 *	   @nested belongs to a vIOMMU presenting the device, cleared on any
 *	   other attach and when that vDEVICE goes
 * @vsid: the virtual StreamID the device has on @vsmmu
 * @cds: configuration cache of context descriptors
 * @cd_next: the slot the next CD replaces
 * @cd_gen: advanced by every drop from @cds, so that a CD fetched before
 *	    a drop (CFGI_CD, a new STE) is not cached after it
 */
struct smmuv3_master {
	struct emu_dev *dev;
	spinlock_t lock;	/* see above */
	u64 ste[SMMUV3_STE_QWORDS];
	struct smmuv3_nested *nested;
	struct smmuv3_vsmmu *vsmmu;
	u32 vsid;
	struct smmuv3_cd_slot cds[SMMUV3_CD_CACHE_SLOTS];
	unsigned int cd_next;
	u32 cd_gen;
};

/**
 * struct smmuv3_vsmmu - a vIOMMU of the instance
 * @core: the IOMMU core's part (first)
 * @smmu: the instance
 * @s2: the stage-2 parent domain
 * @vmid: @s2's VMID, which every invalidation of the guest is confined to
 */
struct smmuv3_vsmmu {
	struct emu_viommu core;
	struct smmuv3 *smmu;
	struct emu_hw_domain *s2;
	u32 vmid;
};

/**
 * struct smmuv3_nested - a nested domain: the guest's STE over stage 2
 * @domain: what the IOMMU core sees
 * @vsmmu: the vIOMMU it was allocated on
 * @ste0: the guest's STE doubleword 0 (validated; V=0 made abort)
 * @ste1: the guest's STE doubleword 1 (validated, EATS cleared)
 */
struct smmuv3_nested {
	struct emu_domain domain;
	struct smmuv3_vsmmu *vsmmu;
	u64 ste0;
	u64 ste1;
};

/* Address size (bits) of a 3-bit PA size encoding: IDR5.OAS, VTCR.PS, CD.IPS */
static inline unsigned int smmuv3_pa_size_bits(u64 enc)
{
	static const unsigned int bits[] = { 32, 36, 40, 42, 44, 48 };

	return enc < ARRAY_SIZE(bits) ? bits[enc] : 0;
}

/* The encoding of the largest listed size up to @bits (32 at least) */
static inline u32 smmuv3_pa_size_enc(unsigned int bits)
{
	u32 enc = 0;

	while (smmuv3_pa_size_bits(enc + 1) &&
	       smmuv3_pa_size_bits(enc + 1) <= bits)
		enc++;
	return enc;
}

static inline struct smmuv3 *to_smmuv3(struct emu_iommu *iommu)
{
	return container_of(to_emu_hw_iommu(iommu), struct smmuv3, hw);
}

static inline struct smmuv3_master *smmuv3_master(struct emu_dev *dev)
{
	return xa_load(&to_smmuv3(dev->iommu)->strtab, dev->id);
}

/* smmuv3_ste.c */
void smmuv3_master_switch(struct smmuv3_master *master,
			  struct emu_domain *domain,
			  struct smmuv3_nested *nested,
			  struct smmuv3_vsmmu *vsmmu, u32 vsid);
void smmuv3_cd_cache_drop(struct smmuv3_master *master, bool all, u32 ssid);
bool smmuv3_cd_cache_find(struct smmuv3_master *master, u32 ssid, u64 *cd,
			  u32 *gen);
void smmuv3_cd_cache_insert(struct smmuv3_master *master, u32 ssid,
			    const u64 *cd, u32 gen);
int smmuv3_probe_dev(struct emu_dev *dev);
void smmuv3_release_dev(struct emu_dev *dev);
void smmuv3_dev_attached(struct emu_dev *dev, u32 pasid,
			 struct emu_domain *domain);

/* smmuv3_walk.c */
int smmuv3_nested_translate(struct emu_domain *domain, struct emu_dev *dev,
			    u32 pasid, u64 iova, unsigned int access,
			    struct emu_translation *out);

/* smmuv3_viommu.c */
size_t smmuv3_viommu_size(struct emu_dev *dev, u32 type);
int smmuv3_viommu_init(struct emu_viommu *viommu, struct emu_dev *dev,
		       const struct emu_user_data *data);
void smmuv3_report_event(struct smmuv3_master *master, u64 *evt);

#endif /* EMU_SMMUV3_H */
