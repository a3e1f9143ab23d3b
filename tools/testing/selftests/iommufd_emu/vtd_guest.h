/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest-side VT-d driver for the emulated VT-d selftests.
 *
 * The tests play a VMM and its guest at once. Guest memory is one buffer
 * mapped into an IOAS at a fixed IOVA, so that a guest physical address
 * (GPA) is that IOAS's IOVA: the guest builds x86-64 first-stage page
 * tables inside it, hands the root's GPA to IOMMU_HWPT_ALLOC as
 * struct iommu_hwpt_vtd_s1, and reads back the accessed and dirty bits
 * the emulated hardware sets while walking them.
 *
 * Next to the guest: the configfs topology (instances, devices and
 * sub-devices), the device nodes' VFIO-style ioctls and IOMMUFD_EMU_DMA,
 * and the /dev/iommu calls the VT-d tests share. Every call returns 0 or
 * the negated errno, like the emu_*() wrappers of iommufd_emu_utils.h.
 */
#ifndef __IOMMUFD_EMU_VTD_GUEST_H
#define __IOMMUFD_EMU_VTD_GUEST_H

#include <linux/iommufd_emu.h>

#include "mock_ops.h"

#ifndef BIT_ULL
#define BIT_ULL(_n)	(1ULL << (_n))
#endif

/* ---- x86-64 first-stage entries (the guest's page-table format) ---- */

#define FS_P		BIT_ULL(0)	/* present */
#define FS_RW		BIT_ULL(1)	/* writable */
#define FS_US		BIT_ULL(2)	/* user requests allowed */
#define FS_PWT		BIT_ULL(3)
#define FS_PCD		BIT_ULL(4)
#define FS_A		BIT_ULL(5)	/* accessed: set by the walk */
#define FS_D		BIT_ULL(6)	/* dirty: set on leaf writes */
#define FS_PS		BIT_ULL(7)	/* leaf at the PD (2M) or PDPT (1G) */
#define FS_EA		BIT_ULL(10)	/* extended accessed, with EAFE */
#define FS_XD		BIT_ULL(63)
#define FS_ADDR_MASK	0x000ffffffffff000ULL

/* What a guest puts in every entry it wants usable by user requests */
#define FS_TABLE	(FS_P | FS_RW | FS_US)
#define FS_LEAF_RW	(FS_P | FS_RW | FS_US)
#define FS_LEAF_RO	(FS_P | FS_US)

#define FS_LEVEL_SHIFT(_lvl)	(12 + 9 * ((_lvl) - 1))
#define FS_INDEX(_iova, _lvl)	(((_iova) >> FS_LEVEL_SHIFT(_lvl)) & 511)
#define SZ_2M			(2ULL << 20)

/* ---- VT-d capability registers (cap_reg / ecap_reg of hw_info) ---- */

#define VTD_CAP_CM		BIT_ULL(7)
#define VTD_CAP_SAGAW(_c)	(((_c) >> 8) & 0x1f)
#define VTD_CAP_MGAW(_c)	((((_c) >> 16) & 0x3f) + 1)
#define VTD_CAP_FL1GP		BIT_ULL(56)
#define VTD_CAP_FL5LP		BIT_ULL(60)
#define VTD_ECAP_NEST		BIT_ULL(26)
#define VTD_ECAP_PRS		BIT_ULL(29)
#define VTD_ECAP_SRS		BIT_ULL(31)
#define VTD_ECAP_EAFS		BIT_ULL(34)
#define VTD_ECAP_PSS(_e)	(((_e) >> 35) & 0x1f)
#define VTD_ECAP_PASID		BIT_ULL(40)
#define VTD_ECAP_SMTS		BIT_ULL(43)
#define VTD_ECAP_SLADS		BIT_ULL(45)
#define VTD_ECAP_SLTS		BIT_ULL(46)
#define VTD_ECAP_FLTS		BIT_ULL(47)

/* ---- the guest ---- */

/**
 * struct vtd_guest - guest memory and one first-stage address space in it
 * @mem: host view of guest memory
 * @size: its size in bytes
 * @gpa_base: the GPA (= IOAS IOVA) of @mem[0]
 * @next: offset of the next free page of the bump allocator
 * @levels: 4 (48-bit) or 5 (57-bit) first-stage levels
 * @root: GPA of the top-level table
 */
struct vtd_guest {
	char *mem;
	size_t size;
	__u64 gpa_base;
	size_t next;
	unsigned int levels;
	__u64 root;
};

static inline void *vtd_guest_va(struct vtd_guest *g, __u64 gpa)
{
	if (gpa < g->gpa_base || gpa - g->gpa_base >= g->size)
		return NULL;
	return g->mem + (gpa - g->gpa_base);
}

/* A zeroed guest page; its GPA, or 0 when guest memory is used up. */
static inline __u64 vtd_guest_page(struct vtd_guest *g)
{
	__u64 gpa;

	if (g->next + PAGE_SIZE > g->size)
		return 0;
	gpa = g->gpa_base + g->next;
	memset(g->mem + g->next, 0, PAGE_SIZE);
	g->next += PAGE_SIZE;
	return gpa;
}

/*
 * A new, empty address space of @levels levels in the same guest memory;
 * returns the root's GPA (0 when memory is exhausted).
 */
static inline __u64 vtd_guest_new_root(struct vtd_guest *g,
				       unsigned int levels)
{
	g->levels = levels;
	g->root = vtd_guest_page(g);
	return g->root;
}

/**
 * vtd_guest_init() - allocate guest memory and an empty address space
 * @g: the guest
 * @size: bytes of guest memory (a multiple of the page size)
 * @gpa_base: where the guest memory sits in guest physical space
 * @levels: 4 or 5
 *
 * Return: 0, or -ENOMEM.
 */
static inline int vtd_guest_init(struct vtd_guest *g, size_t size,
				 __u64 gpa_base, unsigned int levels)
{
	memset(g, 0, sizeof(*g));
	g->mem = emu_alloc_buffer(size, SZ_2M);
	if (!g->mem)
		return -ENOMEM;
	memset(g->mem, 0, size);
	g->size = size;
	g->gpa_base = gpa_base;
	if (!vtd_guest_new_root(g, levels))
		return -ENOMEM;
	return 0;
}

static inline void vtd_guest_free(struct vtd_guest *g)
{
	emu_free_buffer(g->mem, g->size);
	g->mem = NULL;
}

/*
 * @npages consecutive guest pages, page n filled with @fill + n; the GPA
 * of the first (0 when memory is used up) and its host view in *@host.
 */
static inline __u64 vtd_guest_data(struct vtd_guest *g, unsigned int npages,
				   int fill, char **host)
{
	__u64 first = 0, gpa;
	unsigned int i;

	for (i = 0; i < npages; i++) {
		gpa = vtd_guest_page(g);
		if (!gpa)
			return 0;
		if (!first)
			first = gpa;
		memset(vtd_guest_va(g, gpa), fill + i, PAGE_SIZE);
	}
	*host = vtd_guest_va(g, first);
	return first;
}

/* Map the guest memory into @ioas so that GPA = IOVA, read/write. */
static inline int vtd_guest_map_ioas(int fd, __u32 ioas, struct vtd_guest *g)
{
	__u64 iova = g->gpa_base;

	return emu_ioas_map(fd, ioas, MAP_FIXED_RW, g->mem, g->size, &iova);
}

/*
 * Entries are read and written atomically: the emulated IOMMU sets A and D
 * in them concurrently, with atomic updates of its own.
 */
static inline __u64 vtd_pte_read(const __u64 *pte)
{
	return __atomic_load_n(pte, __ATOMIC_ACQUIRE);
}

static inline void vtd_pte_write(__u64 *pte, __u64 val)
{
	__atomic_store_n(pte, val, __ATOMIC_RELEASE);
}

/*
 * The entry of level @lvl (1 = the 4 KiB leaf table, g->levels = root)
 * translating @iova in the address space rooted at @root, or NULL. With
 * @alloc, missing tables on the way are created with FS_TABLE entries.
 */
static inline __u64 *vtd_guest_pte_in(struct vtd_guest *g, __u64 root,
				      __u64 iova, unsigned int lvl, bool alloc)
{
	__u64 table = root;
	unsigned int cur;

	for (cur = g->levels;; cur--) {
		__u64 *entry = vtd_guest_va(g, table);

		if (!entry)
			return NULL;
		entry += FS_INDEX(iova, cur);
		if (cur == lvl)
			return entry;
		if (!(vtd_pte_read(entry) & FS_P)) {
			__u64 next;

			if (!alloc)
				return NULL;
			next = vtd_guest_page(g);
			if (!next)
				return NULL;
			vtd_pte_write(entry, next | FS_TABLE);
		}
		if (vtd_pte_read(entry) & FS_PS)
			return NULL;
		table = vtd_pte_read(entry) & FS_ADDR_MASK;
	}
}

static inline __u64 *vtd_guest_pte(struct vtd_guest *g, __u64 iova,
				   unsigned int lvl)
{
	return vtd_guest_pte_in(g, g->root, iova, lvl, false);
}

/* The value of that entry; 0 (not present) when the walk has none */
static inline __u64 vtd_pte_get(struct vtd_guest *g, __u64 iova,
				unsigned int lvl)
{
	__u64 *pte = vtd_guest_pte(g, iova, lvl);

	return pte ? vtd_pte_read(pte) : 0;
}

/* Rewrite an existing entry; -ENOENT when the walk does not reach it */
static inline int vtd_pte_set(struct vtd_guest *g, __u64 iova,
			      unsigned int lvl, __u64 val)
{
	__u64 *pte = vtd_guest_pte(g, iova, lvl);

	if (!pte)
		return -ENOENT;
	vtd_pte_write(pte, val);
	return 0;
}

/* Clear @clear and set @set in an existing entry */
static inline int vtd_pte_update(struct vtd_guest *g, __u64 iova,
				 unsigned int lvl, __u64 clear, __u64 set)
{
	__u64 *pte = vtd_guest_pte(g, iova, lvl);

	if (!pte)
		return -ENOENT;
	vtd_pte_write(pte, (vtd_pte_read(pte) & ~clear) | set);
	return 0;
}

/*
 * Map [iova, iova + len) to [gpa, gpa + len) with 4 KiB leaves carrying
 * @leaf (FS_LEAF_RW, FS_LEAF_RO, or anything else to test with).
 */
static inline int vtd_guest_map(struct vtd_guest *g, __u64 iova, __u64 gpa,
				__u64 len, __u64 leaf)
{
	__u64 off;

	for (off = 0; off < len; off += PAGE_SIZE) {
		__u64 *pte = vtd_guest_pte_in(g, g->root, iova + off, 1, true);

		if (!pte)
			return -ENOMEM;
		vtd_pte_write(pte, ((gpa + off) & FS_ADDR_MASK) | leaf);
	}
	return 0;
}

/* One large leaf at level @lvl (2: 2 MiB, 3: 1 GiB) with FS_PS set. */
static inline int vtd_guest_map_large(struct vtd_guest *g, __u64 iova,
				      __u64 gpa, unsigned int lvl, __u64 leaf)
{
	__u64 *pte = vtd_guest_pte_in(g, g->root, iova, lvl, true);

	if (!pte)
		return -ENOMEM;
	vtd_pte_write(pte, (gpa & FS_ADDR_MASK) | leaf | FS_PS);
	return 0;
}

/* The VTD_S1 data describing the guest's current address space. */
static inline struct iommu_hwpt_vtd_s1 vtd_guest_s1(struct vtd_guest *g,
						    __u64 flags)
{
	struct iommu_hwpt_vtd_s1 s1 = {
		.flags = flags,
		.pgtbl_addr = g->root,
		.addr_width = g->levels == 5 ? 57 : 48,
	};

	return s1;
}

/* ---- /dev/iommu (the generic wrappers are mock_ops.h's) ---- */

/* A second-stage (paging) HWPT on an IOAS */
#define vtd_hwpt_paging		mock_hwpt_alloc

/* A first-stage HWPT nested on the NEST_PARENT HWPT @parent */
static inline int vtd_hwpt_s1(int fd, __u32 dev_id, __u32 parent,
			      __u32 flags, const struct iommu_hwpt_vtd_s1 *s1,
			      __u32 *out)
{
	return mock_hwpt_alloc_full(fd, dev_id, parent, flags, 0,
				    IOMMU_HWPT_DATA_VTD_S1, s1, sizeof(*s1),
				    out);
}

/* One entry: @npages pages from @addr (U64_MAX with 0: everything). */
static inline int vtd_invalidate(int fd, __u32 hwpt, __u64 addr,
				 __u64 npages, __u32 flags)
{
	struct iommu_hwpt_vtd_s1_invalidate inv = {
		.addr = addr,
		.npages = npages,
		.flags = flags,
	};
	__u32 done = 0;
	int rc;

	rc = mock_invalidate(fd, hwpt, IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
			     &inv, sizeof(inv), 1, &done);
	if (!rc && done != 1)
		return -EPROTO;
	return rc;
}

static inline int vtd_invalidate_all(int fd, __u32 hwpt)
{
	return vtd_invalidate(fd, hwpt, 0, UINT64_MAX, 0);
}

/* IOMMU_GET_HW_INFO in the VT-d format; @max_pasid_log2 may be NULL. */
static inline int vtd_hw_info(int fd, __u32 dev_id,
			      struct iommu_hw_info_vtd *info,
			      __u32 *data_type, __u8 *max_pasid_log2)
{
	struct iommu_hw_info cmd = {
		.size = sizeof(cmd),
		.dev_id = dev_id,
		.data_len = sizeof(*info),
		.data_uptr = (uintptr_t)info,
	};
	int rc;

	memset(info, 0, sizeof(*info));
	rc = emu_ioctl(fd, IOMMU_GET_HW_INFO, &cmd);
	if (rc)
		return rc;
	if (data_type)
		*data_type = cmd.out_data_type;
	if (max_pasid_log2)
		*max_pasid_log2 = cmd.out_max_pasid_log2;
	return 0;
}

/**
 * struct vtd_hwpts - the HWPTs most VT-d tests need, on one IOAS
 * @ioas: holds guest memory at GPA = IOVA
 * @parent: NEST_PARENT | PASID second stage
 * @ss: PASID second stage
 * @plain: NEST_PARENT second stage, not for PASIDs
 * @fs: PASID first stage on @parent over the guest's current tables
 */
struct vtd_hwpts {
	__u32 ioas;
	__u32 parent;
	__u32 ss;
	__u32 plain;
	__u32 fs;
};

static inline int vtd_hwpts_make(int fd, __u32 dev_id, struct vtd_guest *g,
				 struct vtd_hwpts *h)
{
	struct iommu_hwpt_vtd_s1 s1 = vtd_guest_s1(g, 0);
	int rc;

	rc = emu_ioas_alloc(fd, &h->ioas);
	if (!rc)
		rc = vtd_guest_map_ioas(fd, h->ioas, g);
	if (!rc)
		rc = vtd_hwpt_paging(fd, dev_id, h->ioas,
				     IOMMU_HWPT_ALLOC_NEST_PARENT |
				     IOMMU_HWPT_ALLOC_PASID, &h->parent);
	if (!rc)
		rc = vtd_hwpt_paging(fd, dev_id, h->ioas,
				     IOMMU_HWPT_ALLOC_PASID, &h->ss);
	if (!rc)
		rc = vtd_hwpt_paging(fd, dev_id, h->ioas,
				     IOMMU_HWPT_ALLOC_NEST_PARENT, &h->plain);
	if (!rc)
		rc = vtd_hwpt_s1(fd, dev_id, h->parent, IOMMU_HWPT_ALLOC_PASID,
				 &s1, &h->fs);
	return rc;
}

/* Wait up to @ms for one fault record and read it; 0 or -errno. */
static inline int vtd_fault_wait(int fault_fd, struct iommu_hwpt_pgfault *rec,
				 int ms)
{
	struct pollfd pfd = { .fd = fault_fd, .events = POLLIN };
	ssize_t got;

	if (poll(&pfd, 1, ms) != 1)
		return -ETIMEDOUT;
	got = read(fault_fd, rec, sizeof(*rec));
	if (got < 0)
		return -errno;
	return got == sizeof(*rec) ? 0 : -EPROTO;
}

/* ---- configfs topology ---- */

#define VTD_NODE_DIR	"/dev/iommufd-emu"

/* A VT-d instance with default caps except those in @attrs, enabled. */
static inline int vtd_make_iommu(const char *name, const char * const *attrs)
{
	int rc = emu_cfs_mkdir("iommus", name);

	if (!rc)
		rc = emu_cfs_write("iommus", name, "type", "vtd");
	for (; !rc && attrs && attrs[0]; attrs += 2)
		rc = emu_cfs_write("iommus", name, attrs[0], attrs[1]);
	if (!rc)
		rc = emu_cfs_write("iommus", name, "enable", "1");
	return rc;
}

/* An enabled device behind @iommu: requester ID, group tag, PASID width */
static inline int vtd_make_dev(const char *name, const char *iommu,
			       unsigned int rid, unsigned int group,
			       unsigned int pasid_bits)
{
	char rid_s[16], group_s[16], bits_s[16];
	const char * const attrs[] = {
		"iommu", iommu, "id", rid_s, "group", group_s,
		"pasid_bits", bits_s, NULL,
	};

	snprintf(rid_s, sizeof(rid_s), "%u", rid);
	snprintf(group_s, sizeof(group_s), "%u", group);
	snprintf(bits_s, sizeof(bits_s), "%u", pasid_bits);
	return emu_cfs_make("devices", name, attrs, true);
}

/* An enabled sub-device of @parent; @pasid 0 lets the kernel choose. */
static inline int vtd_make_subdev(const char *name, const char *parent,
				  unsigned int group, unsigned int pasid)
{
	char group_s[16], pasid_s[16];
	const char * const attrs[] = {
		"parent", parent, "group", group_s, "pasid", pasid_s, NULL,
	};

	snprintf(group_s, sizeof(group_s), "%u", group);
	snprintf(pasid_s, sizeof(pasid_s), "%u", pasid);
	return emu_cfs_make("devices", name, attrs, true);
}

/*
 * A fixture teardown: close the fds in the NULL-ended @fds that are open,
 * free the guest, then remove @devs and @iommus as emu_cfs_cleanup() does.
 */
static inline void vtd_fixture_release(int *const *fds, struct vtd_guest *g,
				       const char * const *devs,
				       const char * const *iommus)
{
	for (; *fds; fds++)
		if (**fds >= 0)
			close(**fds);
	vtd_guest_free(g);
	emu_cfs_cleanup(devs, iommus);
}

/* ---- the device nodes ---- */

static inline int vtd_dev_open(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), VTD_NODE_DIR "/%s", name);
	return open(path, O_RDWR | O_CLOEXEC);
}

static inline int vtd_dev_bind(int dfd, int iommufd, __u32 *dev_id);

/* Open device @name's node and bind it to @iommufd: the fd, or -errno */
static inline int vtd_dev_open_bind(const char *name, int iommufd,
				    __u32 *dev_id)
{
	int dfd = vtd_dev_open(name);
	int rc;

	if (dfd < 0)
		return -errno;
	rc = vtd_dev_bind(dfd, iommufd, dev_id);
	if (rc) {
		close(dfd);
		return rc;
	}
	return dfd;
}

static inline int vtd_dev_bind(int dfd, int iommufd, __u32 *dev_id)
{
	return emu_dev_bind(dfd, iommufd, dev_id);
}

/*
 * Attach (or replace) the RID, or with @pasid != 0 that PASID (the flag is
 * set for any non-zero @pasid; vtd_dev_attach_flags() sends raw flags).
 * *@pt_id is updated to the HWPT the kernel used when @pt_id is given.
 */
static inline int vtd_dev_attach_flags(int dfd, __u32 flags, __u32 pasid,
				       __u32 pt, __u32 *out)
{
	int rc = emu_dev_attach(dfd, flags, pasid, &pt);

	if (!rc && out)
		*out = pt;
	return rc;
}

static inline int vtd_dev_attach(int dfd, __u32 pasid, __u32 pt)
{
	return vtd_dev_attach_flags(dfd, pasid ? VFIO_DEVICE_ATTACH_PASID : 0,
				    pasid, pt, NULL);
}

static inline int vtd_dev_detach_flags(int dfd, __u32 flags, __u32 pasid)
{
	return emu_dev_detach(dfd, flags, pasid);
}

static inline int vtd_dev_detach(int dfd, __u32 pasid)
{
	return vtd_dev_detach_flags(dfd, pasid ? VFIO_DEVICE_DETACH_PASID : 0,
				    pasid);
}

/* Raw IOMMUFD_EMU_DMA */
static inline int vtd_dma_full(int dfd, __u32 flags, __u32 pasid, __u64 iova,
			       void *buf, __u64 len)
{
	return emu_dev_dma(dfd, flags, pasid, iova, buf, len);
}

/* The device reads @len bytes at @iova, tagged with @pasid when non-zero */
static inline int vtd_dma_read(int dfd, __u32 pasid, __u64 iova, void *buf,
			       __u64 len)
{
	return vtd_dma_full(dfd, pasid ? IOMMUFD_EMU_DMA_PASID : 0, pasid,
			    iova, buf, len);
}

/* The device writes @len bytes from @buf at @iova */
static inline int vtd_dma_write(int dfd, __u32 pasid, __u64 iova,
				const void *buf, __u64 len)
{
	return vtd_dma_full(dfd, IOMMUFD_EMU_DMA_WRITE |
			    (pasid ? IOMMUFD_EMU_DMA_PASID : 0), pasid, iova,
			    (void *)buf, len);
}

/* Read one byte at @iova; the byte, or -errno. */
static inline int vtd_dma_peek(int dfd, __u32 pasid, __u64 iova)
{
	unsigned char byte;
	int rc = vtd_dma_read(dfd, pasid, iova, &byte, 1);

	return rc ? rc : byte;
}

/* Write one byte at @iova */
static inline int vtd_dma_poke(int dfd, __u32 pasid, __u64 iova,
			       unsigned char byte)
{
	return vtd_dma_write(dfd, pasid, iova, &byte, 1);
}

#define VTD_ROUTE_NONE	0
#define VTD_ROUTE_FS	1
#define VTD_ROUTE_SS	2

/**
 * vtd_route() - which translation a request of @dfd uses
 * @dfd: the device
 * @pasid: the PASID it is tagged with, 0 for none
 * @fs_iova: where first-stage tables map the data pages
 * @data_gpa: the data pages' GPA, which second stages map 1:1
 * @fill: data page n is filled with @fill + n
 *
 * Return: VTD_ROUTE_FS when IOVA @fs_iova + 1 page reads data page 1 and
 * the GPA of data page 2 faults, VTD_ROUTE_SS for the opposite,
 * VTD_ROUTE_NONE when both fault, -1 for anything else.
 */
static inline int vtd_route(int dfd, __u32 pasid, __u64 fs_iova,
			    __u64 data_gpa, int fill)
{
	int fs = vtd_dma_peek(dfd, pasid, fs_iova + PAGE_SIZE);
	int ss = vtd_dma_peek(dfd, pasid, data_gpa + 2 * PAGE_SIZE);

	if (fs == fill + 1 && ss == -EIO)
		return VTD_ROUTE_FS;
	if (fs == -EIO && ss == fill + 2)
		return VTD_ROUTE_SS;
	if (fs == -EIO && ss == -EIO)
		return VTD_ROUTE_NONE;
	return -1;
}

#endif /* __IOMMUFD_EMU_VTD_GUEST_H */
