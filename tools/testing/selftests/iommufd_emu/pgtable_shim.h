/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-ins for the few kernel facilities that the page-table
 * code in drivers/iommu-hw/pgtable/ uses, so that pgtable.c can compile
 * those files unchanged and test them as an ordinary program.
 *
 * "Physical" addresses are plain virtual addresses: a table page's
 * physical address is its pointer value.  Page allocations are counted and
 * can be made to fail; warnings are counted instead of tainting anything.
 */
#ifndef __PGTABLE_SHIM_H
#define __PGTABLE_SHIM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
#define phys_addr_t u64
#define gfp_t unsigned int

#define GFP_KERNEL		0x1u
#define GFP_KERNEL_ACCOUNT	0x3u

#define BIT(n)			(1UL << (n))
#define BIT_ULL(n)		(1ULL << (n))
#define GENMASK(h, l)		((~0UL << (l)) & (~0UL >> (63 - (h))))
#define GENMASK_ULL(h, l)	((~0ULL << (l)) & (~0ULL >> (63 - (h))))
#define DIV_ROUND_UP(n, d) \
	({ typeof(d) __d = (d); ((n) + __d - 1) / __d; })

#define IOMMU_READ		BIT(0)
#define IOMMU_WRITE		BIT(1)

#define min_t(type, a, b) \
	({ type __a = (a); type __b = (b); __a < __b ? __a : __b; })
#define max_t(type, a, b) \
	({ type __a = (a); type __b = (b); __a > __b ? __a : __b; })

/* Single, untorn accesses. */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), val, __ATOMIC_RELAXED)
#define cmpxchg64(p, old, new)	__sync_val_compare_and_swap(p, old, new)
/* A store that earlier stores cannot be reordered after. */
#define smp_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)

#define virt_to_phys(p)		((u64)(uintptr_t)(p))
#define phys_to_virt(pa)	((void *)(uintptr_t)(pa))

#define MAX_ERRNO		4095
#define ERR_PTR(err)		((void *)(intptr_t)(err))
#define PTR_ERR(p)		((long)(intptr_t)(p))
#define IS_ERR(p)		((uintptr_t)(p) >= (uintptr_t)-MAX_ERRNO)

/* Warnings seen so far. */
static unsigned int shim_warnings;

#define WARN_ON(cond) ({						\
	bool __c = !!(cond);						\
	if (__c) {							\
		shim_warnings++;					\
		fprintf(stderr, "# WARNING at %s:%d: %s\n", __FILE__,	\
			__LINE__, #cond);				\
	}								\
	__c;								\
})
/* Every occurrence counts, so that tests see each one. */
#define WARN_ON_ONCE(cond)	WARN_ON(cond)

/* Table pages currently allocated. */
static long shim_pages;
/* Page allocations that succeed before they start failing; < 0: never. */
static long shim_pages_until_fail = -1;

static inline unsigned long get_zeroed_page(gfp_t gfp)
{
	void *page;

	if (!shim_pages_until_fail)
		return 0;
	if (shim_pages_until_fail > 0)
		shim_pages_until_fail--;
	page = aligned_alloc(4096, 4096);
	if (!page)
		return 0;
	memset(page, 0, 4096);
	shim_pages++;
	return (unsigned long)page;
}

static inline void free_page(unsigned long addr)
{
	if (!addr)
		return;
	/* Poison, so that a use after free reads garbage, not zeroes. */
	memset((void *)addr, 0xa5, 4096);
	free((void *)addr);
	shim_pages--;
}

static inline void *kzalloc(size_t size, gfp_t gfp)
{
	return calloc(1, size);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

#endif /* __PGTABLE_SHIM_H */
