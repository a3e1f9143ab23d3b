/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's view of an emulated SMMUv3, for the smmuv3_*.c selftests and
 * nothing else: the platform plumbing (configfs items, device fds, DMA),
 * thin wrappers of the vIOMMU ioctls, and a small guest driver that builds
 * what a guest OS would build for a nested SMMUv3:
 *
 *  - stream table entries (the vSTE handed to IOMMU_HWPT_ALLOC),
 *  - a linear table of 64-byte context descriptors,
 *  - VMSAv8-64 stage-1 translation tables with the 4 KiB granule,
 *  - 16-byte command-queue entries for IOMMU_HWPT_INVALIDATE,
 *
 * and decodes the 32-byte event records read from a vEVENTQ.
 *
 * Guest memory is one user buffer mapped into the IOAS at GUEST_RAM_IPA:
 * a guest physical address is an IOAS IOVA is an IPA, and the test reads
 * and writes the guest's tables and data through the buffer. Field
 * positions follow the Arm SMMUv3 and VMSAv8-64 architecture; every
 * multi-byte structure is little-endian, like the host (x86-64).
 */
#ifndef __IOMMUFD_EMU_SMMUV3_GUEST_H
#define __IOMMUFD_EMU_SMMUV3_GUEST_H

#include <endian.h>
#include <poll.h>
#include <stddef.h>

#include <linux/iommufd_emu.h>

#include "mock_ops.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define SM_BIT(n)		(1ULL << (n))
/* Bits @hi down to @lo set */
#define SM_MASK(hi, lo)		((~0ULL >> (63 - (hi))) & ~(SM_BIT(lo) - 1))
/* @val placed at bit @lo */
#define SM_FIELD(lo, val)	((__u64)(val) << (lo))

/* Bits @hi down to @lo of @v */
static inline __u64 sm_get(__u64 v, unsigned int hi, unsigned int lo)
{
	return (v & SM_MASK(hi, lo)) >> lo;
}

#define SM_GET(v, hi, lo)	sm_get(v, hi, lo)

/* ==== the emulated platform ============================================ */

#define SM_NODE_DIR	"/dev/iommufd-emu"

/*
 * Make and enable an SMMUv3 instance. @attrs lists extra "name=value"
 * capabilities, NULL-terminated (may be NULL itself).
 */
static inline int sm_smmu_make(const char *name, const char *const *attrs)
{
	char key[64];
	int rc;

	rc = emu_cfs_mkdir("iommus", name);
	if (!rc)
		rc = emu_cfs_write("iommus", name, "type", "smmuv3");
	for (; !rc && attrs && *attrs; attrs++) {
		const char *eq = strchr(*attrs, '=');

		if (!eq || eq - *attrs >= (long)sizeof(key))
			return -EINVAL;
		snprintf(key, sizeof(key), "%.*s", (int)(eq - *attrs), *attrs);
		rc = emu_cfs_write("iommus", name, key, eq + 1);
	}
	if (!rc)
		rc = emu_cfs_write("iommus", name, "enable", "1");
	return rc;
}

/* Make and enable a device with StreamID @sid behind instance @smmu */
static inline int sm_dev_make(const char *name, const char *smmu, __u32 sid,
			      unsigned int pasid_bits)
{
	char sid_s[24], bits_s[24];
	const char *const kv[] = {
		"iommu", smmu, "id", sid_s, "pasid_bits", bits_s, NULL,
	};

	snprintf(sid_s, sizeof(sid_s), "0x%x", sid);
	snprintf(bits_s, sizeof(bits_s), "%u", pasid_bits);
	return emu_cfs_make("devices", name, kv, true);
}

/* Hot-unplug (@on false) or replug a device */
static inline int sm_dev_plug(const char *name, bool on)
{
	return emu_cfs_write("devices", name, "enable", on ? "1" : "0");
}

/* The device's fd, or -1 */
static inline int sm_dev_open(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", SM_NODE_DIR, name);
	return open(path, O_RDWR | O_CLOEXEC);
}

/* Bind device fd @dfd to the iommufd @iommufd; its dev_id in *@dev_id */
static inline int sm_bind(int dfd, int iommufd, __u32 *dev_id)
{
	return emu_dev_bind(dfd, iommufd, dev_id);
}

/* Attach (or replace) the device's RID to @pt_id */
static inline int sm_attach(int dfd, __u32 pt_id)
{
	struct vfio_device_attach_iommufd_pt at = {
		.argsz = offsetof(struct vfio_device_attach_iommufd_pt, pasid),
		.pt_id = pt_id,
	};

	return emu_ioctl(dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
}

static inline int sm_detach(int dfd)
{
	struct vfio_device_detach_iommufd_pt de = {
		.argsz = offsetof(struct vfio_device_detach_iommufd_pt, pasid),
	};

	return emu_ioctl(dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &de);
}

/*
 * The device transfers @len bytes at @addr (a VA of the guest's stage 1, or
 * an IPA when stage 1 is bypassed): @write moves @buf to memory, otherwise
 * memory to @buf. @ssid >= 0 tags the requests with that SubstreamID.
 */
static inline int sm_dma(int dfd, bool write, int ssid, __u64 addr, void *buf,
			 __u64 len)
{
	return emu_dev_dma(dfd, (write ? IOMMUFD_EMU_DMA_WRITE : 0) |
				(ssid >= 0 ? IOMMUFD_EMU_DMA_PASID : 0),
			   ssid >= 0 ? (__u32)ssid : 0, addr, buf, len);
}

/* One 64-bit word read by the device at @addr; 0 or -errno */
static inline int sm_dma_peek(int dfd, __u64 addr, __u64 *val)
{
	return sm_dma(dfd, false, -1, addr, val, sizeof(*val));
}

static inline int sm_dma_poke(int dfd, __u64 addr, __u64 val)
{
	return sm_dma(dfd, true, -1, addr, &val, sizeof(val));
}

/* ==== vIOMMU ioctls ===================================================== */

static inline int sm_hw_info(int fd, __u32 dev_id,
			     struct iommu_hw_info_arm_smmuv3 *info,
			     __u32 *type, __u8 *max_pasid_log2)
{
	struct iommu_hw_info cmd = {
		.size = sizeof(cmd),
		.dev_id = dev_id,
		.data_len = sizeof(*info),
		.data_uptr = (uintptr_t)info,
	};
	int rc = emu_ioctl(fd, IOMMU_GET_HW_INFO, &cmd);

	if (!rc && type)
		*type = cmd.out_data_type;
	if (!rc && max_pasid_log2)
		*max_pasid_log2 = cmd.out_max_pasid_log2;
	return rc;
}

/* IOMMU_HWPT_ALLOC with every field but the fault queue chosen */
static inline int sm_hwpt_alloc(int fd, __u32 dev_id, __u32 pt_id,
				__u32 flags, __u32 data_type, const void *data,
				__u32 data_len, __u32 *id)
{
	return mock_hwpt_alloc_full(fd, dev_id, pt_id, flags, 0, data_type,
				    data, data_len, id);
}

/* A stage-2 nesting parent HWPT over @ioas */
static inline int sm_s2_alloc(int fd, __u32 dev_id, __u32 ioas, __u32 *id)
{
	return sm_hwpt_alloc(fd, dev_id, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT,
			     IOMMU_HWPT_DATA_NONE, NULL, 0, id);
}

/* A nested HWPT on vIOMMU @viommu from the vSTE @ste, with HWPT @flags */
static inline int sm_nested_alloc_flags(int fd, __u32 dev_id, __u32 viommu,
					__u32 flags, const __u64 ste[2],
					__u32 *id)
{
	struct iommu_hwpt_arm_smmuv3 data = {
		.ste = { htole64(ste[0]), htole64(ste[1]) },
	};

	return sm_hwpt_alloc(fd, dev_id, viommu, flags,
			     IOMMU_HWPT_DATA_ARM_SMMUV3, &data, sizeof(data),
			     id);
}

static inline int sm_nested_alloc(int fd, __u32 dev_id, __u32 viommu,
				  __u64 ste0, __u64 ste1, __u32 *id)
{
	const __u64 ste[2] = { ste0, ste1 };

	return sm_nested_alloc_flags(fd, dev_id, viommu, 0, ste, id);
}

/* IOMMU_VIOMMU_ALLOC with every field chosen by the caller */
static inline int sm_viommu_alloc_full(int fd, __u32 flags, __u32 type,
				       __u32 dev_id, __u32 s2, __u32 *id)
{
	struct iommu_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.type = type,
		.dev_id = dev_id,
		.hwpt_id = s2,
	};
	int rc = emu_ioctl(fd, IOMMU_VIOMMU_ALLOC, &cmd);

	if (!rc && id)
		*id = cmd.out_viommu_id;
	return rc;
}

static inline int sm_viommu_alloc(int fd, __u32 dev_id, __u32 s2, __u32 *id)
{
	return sm_viommu_alloc_full(fd, 0, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, dev_id,
				    s2, id);
}

/* Tell vIOMMU @viommu that device @dev_id is its virtual stream @vsid */
static inline int sm_vdev_alloc(int fd, __u32 viommu, __u32 dev_id,
				__u64 vsid, __u32 *id)
{
	struct iommu_vdevice_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu,
		.dev_id = dev_id,
		.virt_id = vsid,
	};
	int rc = emu_ioctl(fd, IOMMU_VDEVICE_ALLOC, &cmd);

	if (!rc && id)
		*id = cmd.out_vdevice_id;
	return rc;
}

/* An SMMUv3 vEVENTQ of @depth records; its fd (non-blocking) in *@qfd */
static inline int sm_veventq_alloc(int fd, __u32 viommu, __u32 depth,
				   __u32 *id, int *qfd)
{
	struct iommu_veventq_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu,
		.type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3,
		.veventq_depth = depth,
	};
	int rc = emu_ioctl(fd, IOMMU_VEVENTQ_ALLOC, &cmd);

	if (rc)
		return rc;
	fcntl(cmd.out_veventq_fd, F_SETFL, O_NONBLOCK);
	if (id)
		*id = cmd.out_veventq_id;
	if (qfd)
		*qfd = cmd.out_veventq_fd;
	else
		close(cmd.out_veventq_fd);
	return 0;
}

/* One 16-byte SMMUv3 command, in CPU order (converted when sent) */
struct sm_cmd {
	__u64 w[2];
};

/*
 * IOMMU_HWPT_INVALIDATE of *@num entries of @entry_len bytes at @data;
 * *@num becomes the number the kernel handled.
 */
static inline int sm_invalidate_raw(int fd, __u32 id, __u32 type,
				    __u32 entry_len, const void *data,
				    __u32 *num)
{
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = id,
		.data_uptr = (uintptr_t)data,
		.data_type = type,
		.entry_len = entry_len,
		.entry_num = *num,
	};
	int rc = emu_ioctl(fd, IOMMU_HWPT_INVALIDATE, &cmd);

	*num = cmd.entry_num;
	return rc;
}

/* Forward *@num SMMUv3 commands to the vIOMMU */
static inline int sm_invalidate(int fd, __u32 viommu, const struct sm_cmd *cmds,
				__u32 *num)
{
	struct iommu_viommu_arm_smmuv3_invalidate wire[64];
	__u32 i;

	if (*num > ARRAY_SIZE(wire))
		return -E2BIG;
	for (i = 0; i < *num; i++) {
		wire[i].cmd[0] = htole64(cmds[i].w[0]);
		wire[i].cmd[1] = htole64(cmds[i].w[1]);
	}
	return sm_invalidate_raw(fd, viommu,
				 IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
				 sizeof(wire[0]), wire, num);
}

/* One command; fails with -ERANGE if the kernel reports a short count */
static inline int sm_invalidate1(int fd, __u32 viommu, struct sm_cmd c)
{
	__u32 num = 1;
	int rc = sm_invalidate(fd, viommu, &c, &num);

	return rc ? rc : (num == 1 ? 0 : -ERANGE);
}

/* ==== stream table entry (words 0 and 1) ================================ */

#define STE0_V			SM_BIT(0)
#define STE0_CFG(c)		SM_FIELD(1, c)		/* bits 3:1 */
#define STE_CFG_ABORT		0
#define STE_CFG_BYPASS		4
#define STE_CFG_S1		5
#define STE_CFG_S2		6
#define STE_CFG_NESTED		7
#define STE0_S1FMT(f)		SM_FIELD(4, f)		/* bits 5:4 */
#define STE0_S1CTXPTR(ipa)	((ipa) & SM_MASK(51, 6))
#define STE0_S1CDMAX(l)		SM_FIELD(59, l)		/* bits 63:59 */
#define STE1_S1DSS(d)		SM_FIELD(0, d)		/* bits 1:0 */
#define STE_S1DSS_TERMINATE	0
#define STE_S1DSS_BYPASS	1
#define STE_S1DSS_SSID0		2
#define STE1_S1CIR(c)		SM_FIELD(2, c)
#define STE1_S1COR(c)		SM_FIELD(4, c)
#define STE1_S1CSH(s)		SM_FIELD(6, s)
#define STE1_S1STALLD		SM_BIT(27)
#define STE1_EATS(e)		SM_FIELD(28, e)		/* bits 29:28 */

/* The two vSTEs QEMU allocates for every vSMMU, as it writes them */
#define VSTE_ABORT0		STE0_V
#define VSTE_BYPASS0		(STE0_V | STE0_CFG(STE_CFG_BYPASS))

/*
 * A stage-1 vSTE: CDs from the linear table at @cdtab_ipa holding 2^@cdmax
 * descriptors; @s1dss says what requests without a SubstreamID use when
 * SubstreamIDs are enabled. Written as a guest Linux writes it: write-back
 * cacheable, inner shareable table walks, no stalls.
 */
static inline void sm_ste_s1(__u64 ste[2], __u64 cdtab_ipa, unsigned int cdmax,
			     unsigned int s1dss)
{
	ste[0] = STE0_V | STE0_CFG(STE_CFG_S1) | STE0_S1FMT(0) |
		 STE0_S1CTXPTR(cdtab_ipa) | STE0_S1CDMAX(cdmax);
	ste[1] = STE1_S1DSS(s1dss) | STE1_S1CIR(1) | STE1_S1COR(1) |
		 STE1_S1CSH(3) | STE1_S1STALLD;
}

/* ==== guest memory ====================================================== */

/* IPA of guest RAM: clear of the emulated SMMUv3's MSI window */
#define GUEST_RAM_IPA		0x40000000ULL
/* 4 MiB: room for tables, data pages and a 2 MiB block */
#define GUEST_RAM_SIZE		(4UL << 20)
/* An IPA the IOAS never maps: stage 2 faults on it */
#define GUEST_HOLE_IPA		0x7ff00000ULL

/**
 * struct sm_guest - guest RAM and its page allocator
 * @ram: the user buffer backing guest RAM, GUEST_RAM_SIZE bytes, 2 MiB
 *	 aligned, mapped into the IOAS at GUEST_RAM_IPA
 * @next: offset of the next free page; pages are never freed
 */
struct sm_guest {
	__u8 *ram;
	size_t next;
};

static inline bool sm_guest_init(struct sm_guest *g)
{
	g->ram = emu_alloc_buffer(GUEST_RAM_SIZE, 2UL << 20);
	g->next = 0;
	if (g->ram)
		memset(g->ram, 0, GUEST_RAM_SIZE);
	return !!g->ram;
}

static inline void sm_guest_fini(struct sm_guest *g)
{
	emu_free_buffer(g->ram, GUEST_RAM_SIZE);
	g->ram = NULL;
}

/* The user address of guest IPA @ipa (which must lie in guest RAM) */
static inline void *sm_gpa(struct sm_guest *g, __u64 ipa)
{
	if (ipa < GUEST_RAM_IPA || ipa >= GUEST_RAM_IPA + GUEST_RAM_SIZE)
		return NULL;
	return g->ram + (ipa - GUEST_RAM_IPA);
}

/* A zeroed guest page; its IPA, or 0 when guest RAM is exhausted */
static inline __u64 sm_page_alloc(struct sm_guest *g)
{
	__u64 ipa;

	if (g->next + PAGE_SIZE > GUEST_RAM_SIZE)
		return 0;
	ipa = GUEST_RAM_IPA + g->next;
	g->next += PAGE_SIZE;
	memset(sm_gpa(g, ipa), 0, PAGE_SIZE);
	return ipa;
}

/* Fill guest page @ipa with 64-bit words @tag, @tag + 1, ... */
static inline void sm_page_fill(struct sm_guest *g, __u64 ipa, __u64 tag)
{
	__u64 *p = sm_gpa(g, ipa);
	size_t i;

	for (i = 0; i < PAGE_SIZE / sizeof(*p); i++)
		p[i] = tag + i;
}

static inline __u64 sm_page_word(struct sm_guest *g, __u64 ipa, size_t idx)
{
	return ((__u64 *)sm_gpa(g, ipa))[idx];
}

/* Map guest RAM into the IOAS at its IPA, read and write */
static inline int sm_guest_map(int fd, __u32 ioas, struct sm_guest *g)
{
	__u64 iova = GUEST_RAM_IPA;

	return emu_ioas_map(fd, ioas, MAP_FIXED_RW, g->ram, GUEST_RAM_SIZE,
			    &iova);
}

/* ==== context descriptors ============================================== */

#define CD_SIZE			64
#define CD0_T0SZ(t)		SM_FIELD(0, t)		/* bits 5:0 */
#define CD0_TG0(g)		SM_FIELD(6, g)		/* 0: 4 KiB */
#define CD0_IRGN0(c)		SM_FIELD(8, c)
#define CD0_ORGN0(c)		SM_FIELD(10, c)
#define CD0_SH0(s)		SM_FIELD(12, s)
#define CD0_EPD0		SM_BIT(14)
#define CD0_ENDI		SM_BIT(15)
#define CD0_EPD1		SM_BIT(30)
#define CD0_V			SM_BIT(31)
#define CD0_IPS(p)		SM_FIELD(32, p)		/* bits 34:32 */
#define CD0_AFFD		SM_BIT(35)
#define CD0_AA64		SM_BIT(41)
#define CD0_S			SM_BIT(44)
#define CD0_R			SM_BIT(45)
#define CD0_A			SM_BIT(46)
#define CD0_ASET		SM_BIT(47)
#define CD0_ASID(a)		SM_FIELD(48, a)		/* bits 63:48 */
#define CD1_TTB0(ipa)		((ipa) & SM_MASK(51, 4))
/* MAIR attribute 0: normal memory, write-back read/write-allocate */
#define CD3_MAIR_WB		0xffULL
#define IPS_48			5

/**
 * struct sm_s1 - one stage-1 address space of the guest (TTB0 and ASID)
 * @ias: input (VA) size in bits, 25 to 48; the walk starts at level
 *	 4 - ceil((ias - 12) / 9)
 * @asid: the ASID its CDs carry
 * @root: IPA of the level-0 (or first) table
 */
struct sm_s1 {
	unsigned int ias;
	__u16 asid;
	__u64 root;
};

/* A linear CD table for 2^@cdmax descriptors (one page holds 64 of them) */
static inline __u64 sm_cdtab_alloc(struct sm_guest *g, unsigned int cdmax)
{
	return (1U << cdmax) <= PAGE_SIZE / CD_SIZE ? sm_page_alloc(g) : 0;
}

/* The four words of the CD at @ssid in the table at @cdtab */
static inline __u64 *sm_cd(struct sm_guest *g, __u64 cdtab, unsigned int ssid)
{
	return sm_gpa(g, cdtab + (__u64)ssid * CD_SIZE);
}

/*
 * Write a valid CD for address space @s1 at @ssid, the way a guest Linux
 * does: 4 KiB granule, TTB1 walks disabled, AArch64 tables, faults
 * recorded and the transaction aborted (no stall). The valid bit is
 * written last.
 */
static inline void sm_cd_write(struct sm_guest *g, __u64 cdtab,
			       unsigned int ssid, const struct sm_s1 *s1)
{
	__u64 *cd = sm_cd(g, cdtab, ssid);

	cd[0] = 0;
	cd[1] = CD1_TTB0(s1->root);
	cd[2] = 0;
	cd[3] = CD3_MAIR_WB;
	__atomic_store_n(&cd[0],
			 CD0_T0SZ(64 - s1->ias) | CD0_TG0(0) | CD0_IRGN0(1) |
			 CD0_ORGN0(1) | CD0_SH0(3) | CD0_EPD1 | CD0_V |
			 CD0_IPS(IPS_48) | CD0_AA64 | CD0_R | CD0_A |
			 CD0_ASET | CD0_ASID(s1->asid), __ATOMIC_RELEASE);
}

/* Mark the CD at @ssid not valid */
static inline void sm_cd_clear(struct sm_guest *g, __u64 cdtab,
			       unsigned int ssid)
{
	__atomic_store_n(&sm_cd(g, cdtab, ssid)[0], 0, __ATOMIC_RELEASE);
}

/* ==== stage-1 translation tables (VMSAv8-64, 4 KiB granule) ============= */

#define PTE_VALID		SM_BIT(0)
#define PTE_TABLE		(SM_BIT(0) | SM_BIT(1))	/* levels 0-2 */
#define PTE_PAGE		(SM_BIT(0) | SM_BIT(1))	/* level 3 */
#define PTE_BLOCK		SM_BIT(0)		/* levels 1-2 */
#define PTE_ATTRIDX(i)		SM_FIELD(2, i)
#define PTE_AP_UNPRIV		SM_BIT(6)
#define PTE_AP_RDONLY		SM_BIT(7)
#define PTE_SH_IS		SM_FIELD(8, 3)
#define PTE_AF			SM_BIT(10)
#define PTE_NG			SM_BIT(11)
#define PTE_ADDR(pte)		((pte) & SM_MASK(47, 12))
#define PTE_XN			(SM_BIT(53) | SM_BIT(54))

/* Leaf permissions the tests ask for */
#define SM_READ			0x1
#define SM_WRITE		0x2
/* Leave the access flag clear: the first access faults (no HTTU) */
#define SM_NO_AF		0x4

static inline unsigned int sm_s1_start_level(const struct sm_s1 *s1)
{
	return 4 - (s1->ias - 12 + 8) / 9;
}

static inline unsigned int sm_s1_index(__u64 va, unsigned int level)
{
	return (va >> (12 + 9 * (3 - level))) & 0x1ff;
}

/* A new, empty address space */
static inline bool sm_s1_init(struct sm_guest *g, struct sm_s1 *s1,
			      unsigned int ias, __u16 asid)
{
	s1->ias = ias;
	s1->asid = asid;
	s1->root = sm_page_alloc(g);
	return s1->root != 0;
}

/* The leaf bits (everything but the output address) for @prot */
static inline __u64 sm_leaf_attrs(unsigned int prot)
{
	__u64 pte = PTE_ATTRIDX(0) | PTE_AP_UNPRIV | PTE_SH_IS | PTE_NG |
		    PTE_XN;

	if (!(prot & SM_NO_AF))
		pte |= PTE_AF;
	if (!(prot & SM_WRITE))
		pte |= PTE_AP_RDONLY;
	return pte;
}

/*
 * The descriptor slot for @va at @leaf_level, allocating the tables above
 * it; NULL when guest RAM is exhausted or a block is in the way.
 */
static inline __u64 *sm_s1_slot(struct sm_guest *g, const struct sm_s1 *s1,
				__u64 va, unsigned int leaf_level)
{
	unsigned int level = sm_s1_start_level(s1);
	__u64 table = s1->root;

	for (;; level++) {
		__u64 *slot = (__u64 *)sm_gpa(g, table) +
			      sm_s1_index(va, level);

		if (level == leaf_level)
			return slot;
		if (!*slot) {
			__u64 next = sm_page_alloc(g);

			if (!next)
				return NULL;
			*slot = next | PTE_TABLE;
		} else if ((*slot & 3) != 3) {
			return NULL;
		}
		table = PTE_ADDR(*slot);
	}
}

/* The level-3 descriptor of @va (allocating its tables) */
static inline __u64 *sm_s1_pte(struct sm_guest *g, const struct sm_s1 *s1,
			       __u64 va)
{
	return sm_s1_slot(g, s1, va, 3);
}

/* Map the 4 KiB page @va to @ipa with @prot; false when out of memory */
static inline bool sm_s1_map(struct sm_guest *g, const struct sm_s1 *s1,
			     __u64 va, __u64 ipa, unsigned int prot)
{
	__u64 *pte = sm_s1_pte(g, s1, va);

	if (!pte)
		return false;
	__atomic_store_n(pte, (ipa & SM_MASK(47, 12)) | sm_leaf_attrs(prot) |
			 PTE_PAGE, __ATOMIC_RELEASE);
	return true;
}

/* Map the 2 MiB block @va to @ipa (both 2 MiB aligned) at level 2 */
static inline bool sm_s1_map_block(struct sm_guest *g, const struct sm_s1 *s1,
				   __u64 va, __u64 ipa, unsigned int prot)
{
	__u64 *slot = sm_s1_slot(g, s1, va, 2);

	if (!slot)
		return false;
	*slot = (ipa & SM_MASK(47, 21)) | sm_leaf_attrs(prot) | PTE_BLOCK;
	return true;
}

/* Point the existing leaf of @va somewhere else, keeping its attributes */
static inline void sm_s1_retarget(struct sm_guest *g, const struct sm_s1 *s1,
				  __u64 va, __u64 ipa)
{
	__u64 *pte = sm_s1_pte(g, s1, va);

	__atomic_store_n(pte, (*pte & ~SM_MASK(47, 12)) |
			 (ipa & SM_MASK(47, 12)), __ATOMIC_RELEASE);
}

static inline void sm_s1_unmap(struct sm_guest *g, const struct sm_s1 *s1,
			       __u64 va)
{
	__atomic_store_n(sm_s1_pte(g, s1, va), 0, __ATOMIC_RELEASE);
}

/* ==== commands ========================================================== */

#define CMD_PREFETCH_CFG	0x01
#define CMD_CFGI_STE		0x03
#define CMD_CFGI_ALL		0x04
#define CMD_CFGI_CD		0x05
#define CMD_CFGI_CD_ALL		0x06
#define CMD_TLBI_NH_ALL		0x10
#define CMD_TLBI_NH_ASID	0x11
#define CMD_TLBI_NH_VA		0x12
#define CMD_TLBI_NH_VAA		0x13
#define CMD_TLBI_EL2_ALL	0x20
#define CMD_TLBI_S12_VMALL	0x28
#define CMD_TLBI_S2_IPA		0x2a
#define CMD_TLBI_NSNH_ALL	0x30
#define CMD_ATC_INV		0x40
#define CMD_PRI_RESP		0x41
#define CMD_CMD_SYNC		0x46

/*
 * The VMID a guest writes into its TLBIs is meaningless to the host, which
 * must replace it with the vIOMMU's: the encoders put this one there.
 */
#define SM_GUEST_VMID		0xbeef

#define CMD0_OP(op)		SM_FIELD(0, op)
#define CMD0_SSV		SM_BIT(11)
#define CMD0_SSID(s)		SM_FIELD(12, s)		/* bits 31:12 */
#define CMD0_SID(s)		SM_FIELD(32, s)		/* bits 63:32 */
#define CMD0_VMID(v)		SM_FIELD(32, v)		/* bits 47:32 */
#define CMD0_ASID(a)		SM_FIELD(48, a)		/* bits 63:48 */
#define CMD0_NUM(n)		SM_FIELD(12, n)		/* bits 16:12 */
#define CMD0_SCALE(s)		SM_FIELD(20, s)		/* bits 24:20 */
#define CMD0_ATC_GLOBAL		SM_BIT(9)
#define CMD1_LEAF		SM_BIT(0)
#define CMD1_TG(t)		SM_FIELD(10, t)		/* bits 11:10 */
#define CMD1_ADDR(a)		((a) & SM_MASK(63, 12))

static inline struct sm_cmd sm_cmd_raw(__u64 w0, __u64 w1)
{
	return (struct sm_cmd){ .w = { w0, w1 } };
}

static inline struct sm_cmd sm_tlbi_nh_all(void)
{
	return sm_cmd_raw(CMD0_OP(CMD_TLBI_NH_ALL) | CMD0_VMID(SM_GUEST_VMID),
			  0);
}

static inline struct sm_cmd sm_tlbi_nsnh_all(void)
{
	return sm_cmd_raw(CMD0_OP(CMD_TLBI_NSNH_ALL), 0);
}

static inline struct sm_cmd sm_tlbi_nh_asid(__u16 asid)
{
	return sm_cmd_raw(CMD0_OP(CMD_TLBI_NH_ASID) | CMD0_VMID(SM_GUEST_VMID) |
			  CMD0_ASID(asid), 0);
}

/* One page at @va in @asid (no range: NUM, SCALE and TG are 0) */
static inline struct sm_cmd sm_tlbi_nh_va(__u16 asid, __u64 va, bool leaf)
{
	return sm_cmd_raw(CMD0_OP(CMD_TLBI_NH_VA) | CMD0_VMID(SM_GUEST_VMID) |
			  CMD0_ASID(asid),
			  CMD1_ADDR(va) | (leaf ? CMD1_LEAF : 0));
}

/*
 * A range of (@num + 1) << @scale pages of 4 KiB from @va in @asid
 * (IDR3.RIL); TG 1 names the 4 KiB granule.
 */
static inline struct sm_cmd sm_tlbi_nh_va_range(__u16 asid, __u64 va,
						unsigned int num,
						unsigned int scale)
{
	return sm_cmd_raw(CMD0_OP(CMD_TLBI_NH_VA) | CMD0_VMID(SM_GUEST_VMID) |
			  CMD0_ASID(asid) | CMD0_NUM(num) | CMD0_SCALE(scale),
			  CMD1_ADDR(va) | CMD1_TG(1));
}

/* One page at @va in every ASID */
static inline struct sm_cmd sm_tlbi_nh_vaa(__u64 va)
{
	return sm_cmd_raw(CMD0_OP(CMD_TLBI_NH_VAA) | CMD0_VMID(SM_GUEST_VMID),
			  CMD1_ADDR(va));
}

static inline struct sm_cmd sm_cfgi_cd(__u32 vsid, __u32 ssid)
{
	return sm_cmd_raw(CMD0_OP(CMD_CFGI_CD) | CMD0_SSID(ssid) |
			  CMD0_SID(vsid), CMD1_LEAF);
}

static inline struct sm_cmd sm_cfgi_cd_all(__u32 vsid)
{
	return sm_cmd_raw(CMD0_OP(CMD_CFGI_CD_ALL) | CMD0_SID(vsid), 0);
}

/* Invalidate the device's whole ATC (SIZE 52: every address) */
static inline struct sm_cmd sm_atc_inv(__u32 vsid)
{
	return sm_cmd_raw(CMD0_OP(CMD_ATC_INV) | CMD0_SID(vsid), 52);
}

static inline struct sm_cmd sm_cmd_sync(void)
{
	return sm_cmd_raw(CMD0_OP(CMD_CMD_SYNC), 0);
}

/* ==== events ============================================================ */

#define EVT_C_BAD_STREAMID	0x02
#define EVT_C_BAD_STE		0x04
#define EVT_F_STREAM_DISABLED	0x06
#define EVT_C_BAD_SUBSTREAMID	0x08
#define EVT_C_BAD_CD		0x0a
#define EVT_F_TRANSLATION	0x10
#define EVT_F_ADDR_SIZE		0x11
#define EVT_F_ACCESS		0x12
#define EVT_F_PERMISSION	0x13

/* CLASS of a fault: what the access that faulted was for */
#define EVT_CLASS_CD		0
#define EVT_CLASS_TT		1
#define EVT_CLASS_IN		2

/**
 * struct sm_event - a decoded 32-byte SMMUv3 event record
 * @id: event type (EVT_*)
 * @ssv: @ssid is valid
 * @ssid: SubstreamID of the transaction
 * @sid: StreamID; virtual in records read from a vEVENTQ
 * @stall: the transaction is stalled
 * @pnu: privileged transaction
 * @ind: instruction fetch
 * @rnw: a read (1) or a write (0)
 * @s2: the fault comes from stage 2
 * @class: EVT_CLASS_* of the faulting access
 * @addr: input address of the transaction
 * @ipa: the intermediate address, for stage-2 faults
 * @raw: the record as read
 */
struct sm_event {
	unsigned int id;
	bool ssv;
	__u32 ssid;
	__u32 sid;
	bool stall, pnu, ind, rnw, s2;
	unsigned int class;
	__u64 addr;
	__u64 ipa;
	__u64 raw[4];
};

static inline void sm_event_decode(const struct iommu_vevent_arm_smmuv3 *rec,
				   struct sm_event *ev)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		ev->raw[i] = le64toh(rec->evt[i]);
	ev->id = SM_GET(ev->raw[0], 7, 0);
	ev->ssv = SM_GET(ev->raw[0], 11, 11);
	ev->ssid = SM_GET(ev->raw[0], 31, 12);
	ev->sid = SM_GET(ev->raw[0], 63, 32);
	ev->stall = SM_GET(ev->raw[1], 31, 31);
	ev->pnu = SM_GET(ev->raw[1], 33, 33);
	ev->ind = SM_GET(ev->raw[1], 34, 34);
	ev->rnw = SM_GET(ev->raw[1], 35, 35);
	ev->s2 = SM_GET(ev->raw[1], 39, 39);
	ev->class = SM_GET(ev->raw[1], 41, 40);
	ev->addr = ev->raw[2];
	ev->ipa = ev->raw[3] & SM_MASK(51, 12);
}

/* One record as read() returns it: header and, unless lost, the event */
struct sm_record {
	struct iommufd_vevent_header hdr;
	struct iommu_vevent_arm_smmuv3 evt;
};

#define SM_RECORD_LEN	sizeof(struct sm_record)
#define SM_LOST_LEN	sizeof(struct iommufd_vevent_header)

/*
 * Read whatever records are queued into @buf (@len bytes). Returns the
 * byte count, 0 when the queue is empty, or -errno.
 */
static inline ssize_t sm_veventq_read(int qfd, void *buf, size_t len)
{
	ssize_t got = read(qfd, buf, len);

	if (got < 0)
		return errno == EAGAIN ? 0 : -errno;
	return got;
}

/*
 * Split what sm_veventq_read() returned into records: the next one starts
 * at @buf + *@off; false when none is left (or the rest is malformed).
 */
static inline bool sm_next_record(const void *buf, size_t len, size_t *off,
				  struct iommufd_vevent_header *hdr,
				  struct sm_event *ev)
{
	const __u8 *p = (const __u8 *)buf + *off;

	if (*off + SM_LOST_LEN > len)
		return false;
	memcpy(hdr, p, sizeof(*hdr));
	if (hdr->flags & IOMMU_VEVENTQ_FLAG_LOST_EVENTS) {
		*off += SM_LOST_LEN;
		memset(ev, 0, sizeof(*ev));
		return true;
	}
	if (*off + SM_RECORD_LEN > len)
		return false;
	sm_event_decode((const void *)(p + SM_LOST_LEN), ev);
	*off += SM_RECORD_LEN;
	return true;
}

/* Does the vEVENTQ signal POLLIN within @ms milliseconds? */
static inline bool sm_veventq_pollin(int qfd, int ms)
{
	struct pollfd pfd = { .fd = qfd, .events = POLLIN };

	return poll(&pfd, 1, ms) == 1 && (pfd.revents & POLLIN);
}

/* ==== hardware information ============================================== */

#define IDR0_S2P		SM_BIT(0)
#define IDR0_S1P		SM_BIT(1)
#define IDR0_TTF(v)		SM_GET(v, 3, 2)
#define IDR0_TTF_AARCH64	2
#define IDR0_COHACC		SM_BIT(4)
#define IDR0_HTTU(v)		SM_GET(v, 7, 6)
#define IDR0_ATS		SM_BIT(10)
#define IDR0_ASID16		SM_BIT(12)
#define IDR0_VMID16		SM_BIT(18)
#define IDR0_CD2L		SM_BIT(19)
#define IDR0_TTENDIAN(v)	SM_GET(v, 22, 21)
#define IDR0_STALL_MODEL(v)	SM_GET(v, 25, 24)
#define IDR0_ST_LEVEL(v)	SM_GET(v, 28, 27)
#define IDR1_SIDSIZE(v)		SM_GET(v, 5, 0)
#define IDR1_SSIDSIZE(v)	SM_GET(v, 10, 6)
#define IDR3_RIL		SM_BIT(10)
#define IDR5_OAS(v)		SM_GET(v, 2, 0)
#define IDR5_GRAN4K		SM_BIT(4)
#define IDR5_GRAN16K		SM_BIT(5)
#define IDR5_GRAN64K		SM_BIT(6)
#define IDR5_VAX(v)		SM_GET(v, 11, 10)

/* The IDR5.OAS encoding of an output size in bits; -1 if none */
static inline int sm_oas_code(unsigned int bits)
{
	static const unsigned int sizes[] = { 32, 36, 40, 42, 44, 48, 52 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		if (sizes[i] == bits)
			return i;
	return -1;
}

/* ==== a guest with its vSMMU, brought up in QEMU's order ================ */

#ifndef IOMMUFD_EMU_NO_HARNESS

/**
 * struct sm_vdev - one assigned device as the VMM tracks it
 * @name: configfs name of the device
 * @dfd: its device fd (-1 when closed)
 * @dev_id: its iommufd device id
 * @vsid: the virtual StreamID the guest knows it by
 * @vdev: its vDEVICE (0 when none)
 * @hwpt: the nested HWPT it is attached to (0 when on another one)
 */
struct sm_vdev {
	const char *name;
	int dfd;
	__u32 dev_id;
	__u32 vsid;
	__u32 vdev;
	__u32 hwpt;
};

/**
 * struct sm_vm - a VM with one accelerated vSMMU
 * @fd: the /dev/iommu fd
 * @ioas: guest RAM's IOAS
 * @g: guest RAM
 * @s2: the stage-2 nesting parent HWPT
 * @viommu: the vSMMU
 * @abort_hwpt: nested HWPT of an aborting vSTE
 * @bypass_hwpt: nested HWPT of a bypassing vSTE
 * @veventq: the vEVENTQ (0 when none)
 * @qfd: its fd (-1 when none)
 */
struct sm_vm {
	int fd;
	__u32 ioas;
	struct sm_guest g;
	__u32 s2;
	__u32 viommu;
	__u32 abort_hwpt;
	__u32 bypass_hwpt;
	__u32 veventq;
	int qfd;
};

#define SM_EVENTQ_DEPTH		64

/*
 * A VMM's plain device bring-up: open and bind the device, attach it to
 * the stage-2 parent (allocated on the first device).
 */
static inline void sm_vm_plug_dev(struct __test_metadata *_metadata,
				  struct sm_vm *vm, struct sm_vdev *d)
{
	d->dfd = sm_dev_open(d->name);
	ASSERT_LE(0, d->dfd);
	ASSERT_OK(sm_bind(d->dfd, vm->fd, &d->dev_id));
	if (!vm->s2)
		ASSERT_OK(sm_s2_alloc(vm->fd, d->dev_id, vm->ioas, &vm->s2));
	ASSERT_OK(sm_attach(d->dfd, vm->s2));
	d->vdev = 0;
	d->hwpt = 0;
}

/*
 * QEMU's accelerated-SMMUv3 bring-up with @first as the first device: S2
 * parent, attach, hardware info, vIOMMU, abort and bypass HWPTs, attach to
 * bypass (reset GBPA), a vEVENTQ when @eventq, and the device's vDEVICE.
 */
static inline void sm_vm_bringup(struct __test_metadata *_metadata,
				 struct sm_vm *vm, struct sm_vdev *first,
				 bool eventq)
{
	struct iommu_hw_info_arm_smmuv3 info = {};
	__u32 type = 0;

	vm->qfd = -1;
	vm->fd = emu_open();
	ASSERT_LE(0, vm->fd);
	ASSERT_TRUE(sm_guest_init(&vm->g));
	ASSERT_OK(emu_ioas_alloc(vm->fd, &vm->ioas));
	ASSERT_OK(sm_guest_map(vm->fd, vm->ioas, &vm->g));
	sm_vm_plug_dev(_metadata, vm, first);

	ASSERT_OK(sm_hw_info(vm->fd, first->dev_id, &info, &type, NULL));
	ASSERT_EQ(IOMMU_HW_INFO_TYPE_ARM_SMMUV3, type);
	ASSERT_EQ(IDR0_TTF_AARCH64, IDR0_TTF(info.idr[0]));

	ASSERT_OK(sm_viommu_alloc(vm->fd, first->dev_id, vm->s2, &vm->viommu));
	ASSERT_OK(sm_nested_alloc(vm->fd, first->dev_id, vm->viommu,
				  VSTE_ABORT0, 0, &vm->abort_hwpt));
	ASSERT_OK(sm_nested_alloc(vm->fd, first->dev_id, vm->viommu,
				  VSTE_BYPASS0, 0, &vm->bypass_hwpt));
	ASSERT_OK(sm_attach(first->dfd, vm->bypass_hwpt));
	if (eventq)
		ASSERT_OK(sm_veventq_alloc(vm->fd, vm->viommu, SM_EVENTQ_DEPTH,
					   &vm->veventq, &vm->qfd));
	ASSERT_OK(sm_vdev_alloc(vm->fd, vm->viommu, first->dev_id, first->vsid,
				&first->vdev));
}

/* A later device joining the vSMMU: plug, vDEVICE, bypass */
static inline void sm_vm_add_dev(struct __test_metadata *_metadata,
				 struct sm_vm *vm, struct sm_vdev *d)
{
	sm_vm_plug_dev(_metadata, vm, d);
	ASSERT_OK(sm_attach(d->dfd, vm->bypass_hwpt));
	ASSERT_OK(sm_vdev_alloc(vm->fd, vm->viommu, d->dev_id, d->vsid,
				&d->vdev));
}

/*
 * The guest wrote an STE and issued CFGI_STE: allocate a nested HWPT from
 * it, replace-attach, destroy the nested HWPT used before.
 */
static inline void sm_vm_set_ste(struct __test_metadata *_metadata,
				 struct sm_vm *vm, struct sm_vdev *d,
				 const __u64 ste[2])
{
	__u32 hwpt;

	ASSERT_OK(sm_nested_alloc(vm->fd, d->dev_id, vm->viommu, ste[0],
				  ste[1], &hwpt));
	ASSERT_OK(sm_attach(d->dfd, hwpt));
	if (d->hwpt)
		ASSERT_OK(emu_destroy(vm->fd, d->hwpt));
	d->hwpt = hwpt;
}

/*
 * The guest gives device @d one address space @s1 (ASID @asid, @ias-bit
 * VAs) through CD 0 of a new CD table; the table's IPA in *@cdtab.
 */
static inline void sm_vm_s1_setup(struct __test_metadata *_metadata,
				  struct sm_vm *vm, struct sm_vdev *d,
				  struct sm_s1 *s1, unsigned int ias,
				  __u16 asid, __u64 *cdtab)
{
	__u64 ste[2];

	ASSERT_TRUE(sm_s1_init(&vm->g, s1, ias, asid));
	*cdtab = sm_cdtab_alloc(&vm->g, 0);
	ASSERT_NE(0, *cdtab);
	sm_cd_write(&vm->g, *cdtab, 0, s1);
	sm_ste_s1(ste, *cdtab, 0, STE_S1DSS_SSID0);
	sm_vm_set_ste(_metadata, vm, d, ste);
}

/*
 * Two devices on one vSMMU sharing one stage-1 address space: the first
 * brings the vSMMU up (with a vEVENTQ), both get their own nested HWPT
 * from STEs naming the same CD table.
 */
static inline void sm_vm_bringup_pair(struct __test_metadata *_metadata,
				      struct sm_vm *vm, struct sm_vdev *devs,
				      struct sm_s1 *s1, __u16 asid,
				      __u64 *cdtab)
{
	__u64 ste[2];

	sm_vm_bringup(_metadata, vm, &devs[0], true);
	sm_vm_add_dev(_metadata, vm, &devs[1]);
	sm_vm_s1_setup(_metadata, vm, &devs[0], s1, 48, asid, cdtab);
	sm_ste_s1(ste, *cdtab, 0, STE_S1DSS_SSID0);
	sm_vm_set_ste(_metadata, vm, &devs[1], ste);
}

/* Fixture setup: nothing open yet, device @i is @names[i] with @vsids[i] */
static inline void sm_vm_init(struct sm_vm *vm, struct sm_vdev *devs,
			      const char *const *names, const __u32 *vsids,
			      unsigned int n)
{
	unsigned int i;

	memset(vm, 0, sizeof(*vm));
	vm->fd = -1;
	vm->qfd = -1;
	for (i = 0; i < n; i++)
		devs[i] = (struct sm_vdev){ .name = names[i], .dfd = -1,
					    .vsid = vsids[i] };
}

/*
 * What QEMU destroys after the last device of a vSMMU: the vEVENTQ (its
 * fd first) and the abort and bypass HWPTs; the vIOMMU is left.
 */
static inline void sm_vm_drop_shared(struct __test_metadata *_metadata,
				     struct sm_vm *vm)
{
	close(vm->qfd);
	vm->qfd = -1;
	ASSERT_OK(emu_destroy(vm->fd, vm->veventq));
	ASSERT_OK(emu_destroy(vm->fd, vm->bypass_hwpt));
	ASSERT_OK(emu_destroy(vm->fd, vm->abort_hwpt));
}

/* Close everything a test may have left; never fails */
static inline void sm_vm_close(struct sm_vm *vm, struct sm_vdev *devs,
			       unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (devs[i].dfd >= 0)
			close(devs[i].dfd);
		devs[i].dfd = -1;
	}
	if (vm->qfd >= 0)
		close(vm->qfd);
	vm->qfd = -1;
	if (vm->fd >= 0)
		close(vm->fd);
	vm->fd = -1;
	sm_guest_fini(&vm->g);
}

/*
 * Read every record now queued (at most @max) into @evs; returns how many
 * events (not counting lost-event headers, which set *@lost).
 */
static inline int sm_vm_events(struct sm_vm *vm, struct sm_event *evs,
			       __u32 *seqs, int max, bool *lost)
{
	static __u8 buf[SM_RECORD_LEN * (SM_EVENTQ_DEPTH + 1)];
	struct iommufd_vevent_header hdr;
	struct sm_event ev;
	ssize_t len;
	size_t off = 0;
	int n = 0;

	if (lost)
		*lost = false;
	len = sm_veventq_read(vm->qfd, buf, sizeof(buf));
	if (len <= 0)
		return len < 0 ? (int)len : 0;
	while (sm_next_record(buf, len, &off, &hdr, &ev)) {
		if (hdr.flags & IOMMU_VEVENTQ_FLAG_LOST_EVENTS) {
			if (lost)
				*lost = true;
			continue;
		}
		if (n < max) {
			evs[n] = ev;
			if (seqs)
				seqs[n] = hdr.sequence;
		}
		n++;
	}
	return n;
}

#endif /* IOMMUFD_EMU_NO_HARNESS */

#endif /* __IOMMUFD_EMU_SMMUV3_GUEST_H */
