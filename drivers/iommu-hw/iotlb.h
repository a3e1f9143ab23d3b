/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A software IOTLB shared by the emulated IOMMUs.
 *
 * Real IOMMUs cache the result of a table walk and keep using it after the
 * tables change, until software invalidates it. The emulated ones do the
 * same with this cache, so that a VMM which forgets to forward an
 * invalidation sees stale translations, as it would on hardware.
 *
 * An entry is tagged the way hardware tags it: a translation regime (@tag:
 * the SMMUv3 VMID, the VT-d domain ID) and an address space inside it
 * (@space: the SMMUv3 ASID, the VT-d PASID), plus the input page or block it
 * covers. What an entry holds is the final output (host physical) address,
 * both stages combined, and the permissions the walk granted.
 *
 * Entries point at pinned pages. Whoever unpins a page must first drop every
 * entry that can lead to it (a stage-2 unmap flushes the whole @tag), as a
 * hardware driver flushes the IOTLB before freeing memory.
 *
 * The cache never sleeps and never fails: its entries are all allocated
 * when it is set up, and an insertion takes a free one or, when none is
 * left, the least recently inserted. The DMA path never allocates.
 *
 * A walk runs without the cache's lock, so an invalidation may complete
 * between a miss and the insertion of the walk's (by then stale) result.
 * Every flush therefore advances a generation; a miss reports it and an
 * insertion made under an older one is dropped.
 */
#ifndef EMU_IOTLB_H
#define EMU_IOTLB_H

#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct emu_iotlb_entry;

/* Matches every @space of a tag in emu_iotlb_flush() */
#define EMU_IOTLB_ANY_SPACE	U32_MAX

/* Number of hash buckets, log2 */
#define EMU_IOTLB_HASH_BITS	8

/**
 * struct emu_iotlb - one instance's translation cache
 * @lock: guards everything below; taken from DMA paths, never sleeps
 * @hash: entries in use by (tag, space, input page)
 * @lru: entries in use, oldest first, for eviction
 * @free: entries not in use
 * @entries: every entry, allocated with the cache
 * @max: number of @entries
 * @sizes: the page and block sizes entries may have (bit N: 2^N bytes)
 * @gen: flush generation, advanced by every flush
 */
struct emu_iotlb {
	spinlock_t lock;	/* see above */
	DECLARE_HASHTABLE(hash, EMU_IOTLB_HASH_BITS);
	struct list_head lru;
	struct list_head free;
	struct emu_iotlb_entry *entries;
	unsigned int max;
	u64 sizes;
	u64 gen;
};

/**
 * struct emu_iotlb_hit - what a lookup found
 * @pa: the output address of the looked-up input address (offset included)
 * @size: size of the cached page or block
 * @perm: the permission bits cached with it (the caller's encoding)
 * @gen: on a miss, the flush generation to pass to emu_iotlb_insert()
 */
struct emu_iotlb_hit {
	phys_addr_t pa;
	u64 size;
	u32 perm;
	u64 gen;
};

int emu_iotlb_init(struct emu_iotlb *tlb, unsigned int max, u64 sizes);
void emu_iotlb_destroy(struct emu_iotlb *tlb);
bool emu_iotlb_lookup(struct emu_iotlb *tlb, u32 tag, u32 space, u64 iova,
		      struct emu_iotlb_hit *hit);
void emu_iotlb_insert(struct emu_iotlb *tlb, u32 tag, u32 space, u64 iova,
		      u64 size, phys_addr_t pa, u32 perm, u64 gen);
void emu_iotlb_flush(struct emu_iotlb *tlb, u32 tag, u32 space, u64 first,
		     u64 last);
void emu_iotlb_flush_tag(struct emu_iotlb *tlb, u32 tag);

#endif /* EMU_IOTLB_H */
