// SPDX-License-Identifier: GPL-2.0
/*
 * The software IOTLB of the emulated IOMMUs; see iotlb.h.
 *
 * Lookups hash (tag, space, base of the page or block); a lookup tries each
 * size the instance can cache, smallest first. Flushes are rare next to
 * lookups and the cache is small, so they scan the LRU list. An entry is
 * always on exactly one of the LRU list (and then hashed) and the free
 * list.
 */
#include <linux/bits.h>
#include <linux/hash.h>
#include <linux/slab.h>

#include "iotlb.h"

struct emu_iotlb_entry {
	struct hlist_node hnode;
	struct list_head lru;
	u32 tag;
	u32 space;
	u64 iova;
	u64 size;
	phys_addr_t pa;
	u32 perm;
};

static u32 emu_iotlb_hash(u32 tag, u32 space, u64 base)
{
	return hash_64(base ^ ((u64)tag << 32) ^ space, EMU_IOTLB_HASH_BITS);
}

/**
 * emu_iotlb_init() - set up an empty cache and allocate its entries
 * @tlb: the cache
 * @max: how many entries it may hold (0: it caches nothing)
 * @sizes: bit N set when pages or blocks of 2^N bytes can be cached
 *
 * Context: may sleep.
 * Return: 0, or -ENOMEM (emu_iotlb_destroy() may still be called).
 */
int emu_iotlb_init(struct emu_iotlb *tlb, unsigned int max, u64 sizes)
{
	unsigned int i;

	spin_lock_init(&tlb->lock);
	hash_init(tlb->hash);
	INIT_LIST_HEAD(&tlb->lru);
	INIT_LIST_HEAD(&tlb->free);
	tlb->max = 0;
	tlb->sizes = sizes;
	tlb->gen = 0;
	tlb->entries = kvcalloc(max, sizeof(*tlb->entries), GFP_KERNEL);
	if (max && !tlb->entries)
		return -ENOMEM;
	tlb->max = max;
	for (i = 0; i < max; i++)
		list_add_tail(&tlb->entries[i].lru, &tlb->free);
	return 0;
}

static void emu_iotlb_drop(struct emu_iotlb *tlb, struct emu_iotlb_entry *e)
{
	hash_del(&e->hnode);
	list_move(&e->lru, &tlb->free);
}

static struct emu_iotlb_entry *emu_iotlb_find(struct emu_iotlb *tlb, u32 tag,
					      u32 space, u64 base, u64 size)
{
	struct emu_iotlb_entry *e;

	hash_for_each_possible(tlb->hash, e, hnode,
			       emu_iotlb_hash(tag, space, base)) {
		if (e->tag == tag && e->space == space && e->iova == base &&
		    e->size == size)
			return e;
	}
	return NULL;
}

/**
 * emu_iotlb_destroy() - free the entries
 * @tlb: the cache; nobody uses it any more
 */
void emu_iotlb_destroy(struct emu_iotlb *tlb)
{
	kvfree(tlb->entries);
}

/**
 * emu_iotlb_lookup() - a cached translation of one input address
 * @tlb: the cache
 * @tag: translation regime (VMID, domain ID)
 * @space: address space in it (ASID, PASID)
 * @iova: the input address
 * @hit: filled in on a hit; on a miss only its @gen
 *
 * Context: any; does not sleep.
 * Return: true on a hit.
 */
bool emu_iotlb_lookup(struct emu_iotlb *tlb, u32 tag, u32 space, u64 iova,
		      struct emu_iotlb_hit *hit)
{
	struct emu_iotlb_entry *e = NULL;
	unsigned long flags;
	unsigned int shift;

	spin_lock_irqsave(&tlb->lock, flags);
	for_each_set_bit(shift, (unsigned long *)&tlb->sizes, 64) {
		u64 size = BIT_ULL(shift);

		e = emu_iotlb_find(tlb, tag, space, iova & ~(size - 1), size);
		if (e)
			break;
	}
	if (e) {
		hit->pa = e->pa + (iova - e->iova);
		hit->size = e->size;
		hit->perm = e->perm;
	}
	hit->gen = tlb->gen;
	spin_unlock_irqrestore(&tlb->lock, flags);
	return e;
}

/**
 * emu_iotlb_insert() - cache the result of a walk
 * @tlb: the cache
 * @tag: translation regime
 * @space: address space in it
 * @iova: any input address inside the page or block
 * @size: size of the page or block; must be one of the cache's sizes
 * @pa: the output address of @iova
 * @perm: permission bits to cache with it
 * @gen: the generation the miss that started the walk reported
 *
 * When every entry is in use, the least recently inserted one is reused.
 *
 * Context: any; does not sleep or allocate. Silently caches nothing when
 * @size is not cacheable or a flush came after the miss (the walk may have
 * read what that flush invalidated).
 */
void emu_iotlb_insert(struct emu_iotlb *tlb, u32 tag, u32 space, u64 iova,
		      u64 size, phys_addr_t pa, u32 perm, u64 gen)
{
	u64 base = iova & ~(size - 1);
	struct emu_iotlb_entry *e;
	unsigned long flags;

	if (!size || (size & (size - 1)) || !(tlb->sizes & size) || !tlb->max)
		return;
	spin_lock_irqsave(&tlb->lock, flags);
	if (gen != tlb->gen)
		goto out_unlock;
	e = emu_iotlb_find(tlb, tag, space, base, size);
	if (!e) {
		if (list_empty(&tlb->free))
			emu_iotlb_drop(tlb, list_first_entry(&tlb->lru,
							     struct emu_iotlb_entry,
							     lru));
		e = list_first_entry(&tlb->free, struct emu_iotlb_entry, lru);
		e->tag = tag;
		e->space = space;
		e->iova = base;
		e->size = size;
		hash_add(tlb->hash, &e->hnode, emu_iotlb_hash(tag, space, base));
	}
	list_move_tail(&e->lru, &tlb->lru);
	e->pa = pa - (iova - base);
	e->perm = perm;
out_unlock:
	spin_unlock_irqrestore(&tlb->lock, flags);
}

/**
 * emu_iotlb_flush() - drop the entries of a tag that overlap a range
 * @tlb: the cache
 * @tag: translation regime
 * @space: address space, or EMU_IOTLB_ANY_SPACE for all of @tag's
 * @first: first input address of the range
 * @last: last input address of the range (inclusive)
 *
 * An entry for a block is dropped whole when any part of it overlaps.
 */
void emu_iotlb_flush(struct emu_iotlb *tlb, u32 tag, u32 space, u64 first,
		     u64 last)
{
	struct emu_iotlb_entry *e, *next;
	unsigned long flags;

	spin_lock_irqsave(&tlb->lock, flags);
	tlb->gen++;
	list_for_each_entry_safe(e, next, &tlb->lru, lru) {
		if (e->tag != tag ||
		    (space != EMU_IOTLB_ANY_SPACE && e->space != space))
			continue;
		if (e->iova > last || e->iova + (e->size - 1) < first)
			continue;
		emu_iotlb_drop(tlb, e);
	}
	spin_unlock_irqrestore(&tlb->lock, flags);
}

/**
 * emu_iotlb_flush_tag() - drop every entry of a translation regime
 * @tlb: the cache
 * @tag: the regime (e.g. the VMID whose stage 2 changed)
 */
void emu_iotlb_flush_tag(struct emu_iotlb *tlb, u32 tag)
{
	emu_iotlb_flush(tlb, tag, EMU_IOTLB_ANY_SPACE, 0, U64_MAX);
}
