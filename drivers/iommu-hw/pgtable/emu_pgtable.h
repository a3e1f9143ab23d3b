/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page-table formats shared by the emulated IOMMUs.
 *
 * Four formats, all with 4KiB tables of 512 64-bit descriptors:
 *
 * - ARM VMSAv8-64 (LPAE) with the 4KiB granule, stage 1 and stage 2, as the
 *   emulated SMMUv3 uses them;
 * - x86-64 4-level and 5-level paging in two layouts: the VT-d second-stage
 *   layout and the x86-64 / VT-d first-stage layout.
 *
 * Two services are offered:
 *
 * - Host-owned tables (emu_pgtable_*()): the page tables of the paging
 *   domains the kernel builds, mapped and unmapped in whole runs with
 *   block/huge entries where alignment and size allow.
 * - A walker (emu_pt_walk()) that translates one address the way the
 *   hardware would, for host tables and for tables that live in guest
 *   memory; every descriptor is fetched through a callback, so a stage-1 walk
 *   can translate its own table addresses through stage 2.
 *
 * Permissions are the IOMMU_READ / IOMMU_WRITE flags of <linux/iommu.h>,
 * which users of this header include themselves.
 *
 * Levels are reported with each architecture's own numbering: ARM levels
 * 0..3 with 3 the 4KiB page level, x86 levels 1..5 with 1 the 4KiB page
 * level (PTE) and 5 the PML5.
 *
 * Descriptors are handled as CPU-endian u64 values.  Guest tables are
 * little-endian; on x86, the only target of this module, the two are the
 * same, and a read_desc() callback for guest memory on a big-endian host
 * would have to convert.
 */
#ifndef __EMU_PGTABLE_H
#define __EMU_PGTABLE_H

/*
 * The userspace unit test of these files provides the same definitions from
 * tools/testing/selftests/iommufd_emu/pgtable_shim.h instead.
 */
#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/types.h>
#endif

/**
 * enum emu_pt_fmt - page-table formats
 * @EMU_PT_ARM_S1: ARM VMSAv8-64 stage 1, 4KiB granule; input size 25..48
 *	bits (T0SZ 16..39), the start level follows from the input size; the
 *	output (an IPA when nested) is at most 48 bits
 * @EMU_PT_ARM_S2: ARM VMSAv8-64 stage 2, 4KiB granule; input size 25..48
 *	bits, explicit start level 0..2 with up to 16 concatenated tables at
 *	the start level for walks, host tables start where the input size puts
 *	them and are never concatenated; output at most 48 bits
 * @EMU_PT_VTD_SS: Intel VT-d second-stage layout, 3, 4 or 5 levels (input
 *	size 39, 48 or 57 bits); output up to 52 bits
 * @EMU_PT_X86_FS: x86-64 paging as used by the VT-d first stage, 4 or 5
 *	levels (input size 48 or 57 bits, addresses are canonical); output up to
 *	52 bits
 * @EMU_PT_NR_FMTS: number of formats
 */
enum emu_pt_fmt {
	EMU_PT_ARM_S1,
	EMU_PT_ARM_S2,
	EMU_PT_VTD_SS,
	EMU_PT_X86_FS,
	EMU_PT_NR_FMTS,
};

/* Host tables: never use 2MiB or 1GiB entries, only 4KiB pages. */
#define EMU_PGTABLE_NO_LARGE_PAGES	BIT(0)
/* Host tables: never use 1GiB entries (x86 hardware without 1GiB pages). */
#define EMU_PGTABLE_NO_1G		BIT(1)
/*
 * Host tables: tables emptied by emu_pgtable_unmap() are parked instead of
 * freed, until emu_pgtable_reclaim(); see emu_pgtable_unmap().
 */
#define EMU_PGTABLE_DEFER_FREE		BIT(2)

/**
 * struct emu_pgtable_cfg - shape of a host-owned page table
 * @fmt: the format
 * @ias: input address size in bits, valid for @fmt (see &enum emu_pt_fmt)
 * @oas: output address size in bits, 32 up to the format's maximum; every
 *	physical address mapped must fit
 * @flags: EMU_PGTABLE_* flags
 */
struct emu_pgtable_cfg {
	enum emu_pt_fmt fmt;
	unsigned int ias;
	unsigned int oas;
	unsigned int flags;
};

struct emu_pgtable;

/* The request is a read. */
#define EMU_PT_ACCESS_READ	BIT(0)
/* The request is a write. */
#define EMU_PT_ACCESS_WRITE	BIT(1)
/* The request is privileged (ARM EL1) or supervisor (x86); else user. */
#define EMU_PT_ACCESS_PRIV	BIT(2)

/*
 * Walk flags.  HOST_TABLES: the tables are host memory, so their addresses
 * are not checked against the output size (leaf addresses still are).
 */
#define EMU_PT_WALK_HOST_TABLES	BIT(0)
/* x86: set the accessed flags, and the dirty flag on writes (update_desc). */
#define EMU_PT_WALK_SET_AD	BIT(1)
/* x86 first stage: with EMU_PT_WALK_SET_AD, also set extended-accessed. */
#define EMU_PT_WALK_SET_EA	BIT(2)
/* x86 first stage: supervisor writes honour R/W (write-protect enable). */
#define EMU_PT_WALK_WPE		BIT(3)
/* x86: a huge entry at the 1GiB level is a reserved-bit fault. */
#define EMU_PT_WALK_NO_1G	BIT(4)

/**
 * struct emu_pt_walk_cfg - what a walk needs to know about a table
 * @fmt: the format
 * @root: address of the top table (or of the first of the concatenated
 *	start tables), in the address space of the read_desc() callback
 * @ias: input address size in bits (ARM: 64 - T0SZ; x86: 39, 48 or 57)
 * @oas: output address size in bits (ARM: IPS/PS; x86: the host address
 *	width); larger leaf addresses, and table addresses unless
 *	EMU_PT_WALK_HOST_TABLES, give an address-size fault
 * @start_level: %EMU_PT_ARM_S2 only: the start level, 0..2 (from S2SL0);
 *	ignored for the other formats, whose start follows from @ias
 * @flags: EMU_PT_WALK_* flags
 */
struct emu_pt_walk_cfg {
	enum emu_pt_fmt fmt;
	u64 root;
	unsigned int ias;
	unsigned int oas;
	unsigned int start_level;
	unsigned int flags;
};

/**
 * struct emu_pt_walk_ops - how a walk reaches the tables
 * @read_desc: read descriptor @index of the table at @table into @desc.
 *	@index may exceed 511 at the start level of a concatenated stage-2
 *	table: the descriptor is at @table + 8 * @index either way.  Returns 0
 *	or a negative errno, reported as an external abort; a nested walk
 *	translates @table + 8 * @index through stage 2 and keeps the details
 *	of a stage-2 fault in its context.
 * @update_desc: optional; atomically replace descriptor @index of @table by
 *	@new if it still holds @old.  Returns 0, -EAGAIN when the descriptor
 *	changed (the walk starts again), or another negative errno, reported
 *	as an external abort.  Used only with EMU_PT_WALK_SET_AD.
 */
struct emu_pt_walk_ops {
	int (*read_desc)(void *ctx, u64 table, unsigned int index, u64 *desc);
	int (*update_desc)(void *ctx, u64 table, unsigned int index, u64 old,
			   u64 new);
};

/**
 * enum emu_pt_fault - why a walk failed
 * @EMU_PT_FAULT_NONE: no fault, the address translated
 * @EMU_PT_FAULT_TRANSLATION: an invalid or non-present descriptor
 * @EMU_PT_FAULT_PERMISSION: the request is not allowed by the permissions
 * @EMU_PT_FAULT_ACCESS: ARM: the leaf has its access flag clear (hardware
 *	update of the flag is not modelled)
 * @EMU_PT_FAULT_ADDR_SIZE: the input address is beyond the input size or
 *	not canonical (level -1), or an output or table address is beyond the
 *	output size
 * @EMU_PT_FAULT_RESERVED: x86: a huge-page flag where the format or the
 *	configuration has none
 * @EMU_PT_FAULT_EXT_ABORT: a callback failed, see &emu_pt_walk_result.err
 */
enum emu_pt_fault {
	EMU_PT_FAULT_NONE,
	EMU_PT_FAULT_TRANSLATION,
	EMU_PT_FAULT_PERMISSION,
	EMU_PT_FAULT_ACCESS,
	EMU_PT_FAULT_ADDR_SIZE,
	EMU_PT_FAULT_RESERVED,
	EMU_PT_FAULT_EXT_ABORT,
};

/**
 * struct emu_pt_walk_result - outcome of a walk
 * @oa: the output address of the input address (offset included)
 * @size: size of the leaf mapping found: 4KiB, 2MiB or 1GiB
 * @prot: IOMMU_READ and/or IOMMU_WRITE: what the mapping allows for the
 *	privilege of this request, all levels included (for a software TLB)
 * @leaf: the leaf descriptor, after any accessed/dirty update
 * @fault: %EMU_PT_FAULT_NONE, or why the walk failed
 * @level: the level of the descriptor that faulted, or of the leaf; -1 when
 *	the input address was refused before any table was read
 * @err: for %EMU_PT_FAULT_EXT_ABORT, the callback's error
 */
struct emu_pt_walk_result {
	u64 oa;
	u64 size;
	int prot;
	u64 leaf;
	enum emu_pt_fault fault;
	int level;
	int err;
};

struct emu_pgtable *emu_pgtable_alloc(const struct emu_pgtable_cfg *cfg);
void emu_pgtable_free(struct emu_pgtable *pt);
phys_addr_t emu_pgtable_root(const struct emu_pgtable *pt);
u64 emu_pgtable_last_iova(const struct emu_pgtable *pt);
int emu_pgtable_map(struct emu_pgtable *pt, u64 iova, phys_addr_t paddr,
		    size_t size, int prot, gfp_t gfp, size_t *mapped);
size_t emu_pgtable_unmap(struct emu_pgtable *pt, u64 iova, size_t size);
void emu_pgtable_reclaim(struct emu_pgtable *pt);
int emu_pgtable_read_and_clear_dirty(struct emu_pgtable *pt, u64 iova,
				     size_t size, bool clear,
				     int (*record)(void *ctx, u64 iova,
						   u64 size),
				     void *ctx);
void emu_pgtable_mark_dirty(struct emu_pgtable *pt, u64 iova);
phys_addr_t emu_pgtable_iova_to_phys(const struct emu_pgtable *pt, u64 iova);
size_t emu_pgtable_mem_bytes(const struct emu_pgtable *pt);
void emu_pgtable_walk_cfg(const struct emu_pgtable *pt,
			  struct emu_pt_walk_cfg *wcfg);

int emu_pt_walk(const struct emu_pt_walk_cfg *cfg, u64 iova,
		unsigned int access, const struct emu_pt_walk_ops *ops,
		void *ctx, struct emu_pt_walk_result *res);
int emu_pt_read_host(void *ctx, u64 table, unsigned int index, u64 *desc);
int emu_pt_update_host(void *ctx, u64 table, unsigned int index, u64 old,
		       u64 new);

extern const struct emu_pt_walk_ops emu_pt_host_ops;

#endif /* __EMU_PGTABLE_H */
