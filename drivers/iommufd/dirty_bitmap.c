// SPDX-License-Identifier: GPL-2.0
/*
 * Writing dirty IOVA into the bitmap of IOMMU_HWPT_GET_DIRTY_BITMAP.
 *
 * Linux 6.1 has no IOVA bitmap helper a module can use, so this is our own,
 * small one. Bit n of the user's bitmap stands for the n-th page_size block
 * of the range and lives in byte n / 8, bit n % 8 (the first element of a
 * little-endian __u64 array, also when the user's pointer is unaligned).
 * Bits are only ever set, never cleared: userspace zeroes the bitmap.
 *
 * Drivers report dirty runs while they walk their page tables, in IOVA
 * order but in any size, so the bitmap is pinned lazily in windows of a few
 * pages: the window moves when a run falls outside it. Pinning (rather than
 * copy_to_user() of a kernel copy) lets a driver learn that the bitmap
 * cannot be written before it clears the state it is reporting.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "iommufd_private.h"
#include "../iommu/emu_iommu.h"

/* Bitmap pages pinned at a time: 16 pages cover 2 GiB of 4 KiB pages */
#define IOMMUFD_DIRTY_WINDOW_PAGES	16

/**
 * struct iommufd_dirty_bitmap - a user bitmap that dirty IOVA goes to
 * @report: what drivers report runs to
 * @data: user address of the bitmap's first byte
 * @ulast: user address of its last byte
 * @iova: the IOVA bit 0 stands for
 * @last: the last IOVA the bitmap covers; runs are clipped to it
 * @pgshift: log2 of the bytes each bit stands for
 * @win_start: user address of the first pinned page
 * @npages: pages pinned in @pages (0: none)
 * @pages: the pinned window of the bitmap
 */
struct iommufd_dirty_bitmap {
	struct emu_dirty_bitmap report;
	unsigned long data;
	unsigned long ulast;
	unsigned long iova;
	unsigned long last;
	unsigned int pgshift;
	unsigned long win_start;
	unsigned long npages;
	struct page *pages[IOMMUFD_DIRTY_WINDOW_PAGES];
};

/* Set @n bits from bit @start of the byte array @p */
static void iommufd_dirty_set_bits(u8 *p, unsigned long start,
				   unsigned long n)
{
	while (n && start % BITS_PER_BYTE) {
		p[start / BITS_PER_BYTE] |= BIT(start % BITS_PER_BYTE);
		start++;
		n--;
	}
	if (n >= BITS_PER_BYTE) {
		memset(p + start / BITS_PER_BYTE, 0xff, n / BITS_PER_BYTE);
		start += round_down(n, BITS_PER_BYTE);
		n %= BITS_PER_BYTE;
	}
	while (n) {
		p[start / BITS_PER_BYTE] |= BIT(start % BITS_PER_BYTE);
		start++;
		n--;
	}
}

static void iommufd_dirty_unpin(struct iommufd_dirty_bitmap *db)
{
	if (!db->npages)
		return;
	/* Written through the kernel mapping: the pages are dirty */
	unpin_user_pages_dirty_lock(db->pages, db->npages, true);
	db->npages = 0;
}

/* Move the window so that it starts with the page holding @uaddr */
static int iommufd_dirty_pin(struct iommufd_dirty_bitmap *db,
			     unsigned long uaddr)
{
	unsigned long start = uaddr & PAGE_MASK;
	unsigned long npages;
	long got;

	iommufd_dirty_unpin(db);
	npages = min_t(unsigned long, IOMMUFD_DIRTY_WINDOW_PAGES,
		       ((db->ulast & PAGE_MASK) - start) / PAGE_SIZE + 1);
	got = pin_user_pages_fast(start, npages, FOLL_WRITE, db->pages);
	if (got <= 0)
		return got ? got : -EFAULT;
	db->npages = got;
	db->win_start = start;
	return 0;
}

/* emu_dirty_bitmap::record: set the bits of [iova, iova + len) */
static int iommufd_dirty_record(struct emu_dirty_bitmap *report,
				unsigned long iova, unsigned long len)
{
	struct iommufd_dirty_bitmap *db =
		container_of(report, struct iommufd_dirty_bitmap, report);
	unsigned long first, last, bit, last_bit;
	int rc;

	if (!len)
		return 0;
	/* A driver's page may reach outside the range asked for */
	if (check_add_overflow(iova, len - 1, &last))
		last = ULONG_MAX;
	first = max(iova, db->iova);
	last = min(last, db->last);
	if (first > last)
		return 0;

	bit = (first - db->iova) >> db->pgshift;
	last_bit = (last - db->iova) >> db->pgshift;
	for (;;) {
		unsigned long uaddr = db->data + bit / BITS_PER_BYTE;
		unsigned long offset, room, n;
		void *kaddr;

		if (!db->npages || uaddr < db->win_start ||
		    uaddr - db->win_start >= db->npages * PAGE_SIZE) {
			rc = iommufd_dirty_pin(db, uaddr);
			if (rc)
				return rc;
		}
		/* Up to the end of the page that holds this bit */
		offset = offset_in_page(uaddr) * BITS_PER_BYTE +
			 bit % BITS_PER_BYTE;
		room = PAGE_SIZE * BITS_PER_BYTE - offset;
		n = min(last_bit - bit, room - 1) + 1;
		kaddr = kmap_local_page(db->pages[(uaddr - db->win_start) >>
						  PAGE_SHIFT]);
		iommufd_dirty_set_bits(kaddr, offset, n);
		kunmap_local(kaddr);
		if (last_bit - bit == n - 1)
			return 0;
		bit += n;
	}
}

/**
 * iommufd_dirty_bitmap_alloc() - prepare to fill a user's dirty bitmap
 * @data: user address of the bitmap
 * @iova: the IOVA bit 0 stands for
 * @last: the last IOVA the bitmap covers
 * @pgshift: log2 of the bytes each bit stands for
 *
 * Pass iommufd_dirty_bitmap_report() to emu_domain_read_and_clear_dirty(),
 * then free it with iommufd_dirty_bitmap_free().
 *
 * Return: the state, or an ERR_PTR: -ENOMEM; -EFAULT when the bitmap
 * would wrap around the address space.
 */
struct iommufd_dirty_bitmap *
iommufd_dirty_bitmap_alloc(u64 data, unsigned long iova, unsigned long last,
			   unsigned int pgshift)
{
	unsigned long last_byte = ((last - iova) >> pgshift) / BITS_PER_BYTE;
	struct iommufd_dirty_bitmap *db;

	db = kzalloc(sizeof(*db), GFP_KERNEL_ACCOUNT);
	if (!db)
		return ERR_PTR(-ENOMEM);
	if (check_add_overflow((unsigned long)data, last_byte, &db->ulast)) {
		kfree(db);
		return ERR_PTR(-EFAULT);
	}
	db->report.record = iommufd_dirty_record;
	db->data = data;
	db->iova = iova;
	db->last = last;
	db->pgshift = pgshift;
	return db;
}

/**
 * iommufd_dirty_bitmap_report() - what drivers report dirty runs to
 * @db: from iommufd_dirty_bitmap_alloc()
 *
 * Return: the IOMMU core's view of @db.
 */
struct emu_dirty_bitmap *
iommufd_dirty_bitmap_report(struct iommufd_dirty_bitmap *db)
{
	return &db->report;
}

/**
 * iommufd_dirty_bitmap_free() - release the bitmap's pages and the state
 * @db: from iommufd_dirty_bitmap_alloc()
 */
void iommufd_dirty_bitmap_free(struct iommufd_dirty_bitmap *db)
{
	iommufd_dirty_unpin(db);
	kfree(db);
}
