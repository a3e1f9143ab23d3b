// SPDX-License-Identifier: GPL-2.0
/*
 * Paging HWPTs and mock devices: IOMMU_HWPT_ALLOC, and the device objects
 * that IOMMU_TEST_CMD creates (MOCK_DOMAIN, MOCK_DOMAIN_FLAGS), moves
 * (MOCK_DOMAIN_REPLACE), inspects (MD_CHECK_MAP) and removes (IOMMU_DESTROY
 * of the mock device id).
 *
 * A mock domain translates in MOCK_PAGE_SIZE (2 KiB) granules and only
 * inside [MOCK_APERTURE_START, MOCK_APERTURE_LAST]. While one is part of an
 * IOAS, the IOVA outside that window is reserved there, the IOAS reports an
 * IOVA alignment of MOCK_PAGE_SIZE and the mapped pages stay pinned.
 *
 * Tests that need mock devices skip, naming the operation, when the module
 * answers one of the mock operations with EOPNOTSUPP.
 */
#include <assert.h>
#include <stddef.h>

#include "iommufd_emu_utils.h"

#define BUF_PAGES	16
#define BUF_SIZE	(BUF_PAGES * PAGE_SIZE)
/* A fixed IOVA inside the mock aperture, and one below it. */
#define IOVA_IN		((__u64)MOCK_APERTURE_START + 0x100000)
#define IOVA_LOW	0x100000ULL
/* The first flag bit IOMMU_HWPT_ALLOC does not define. */
#define HWPT_UNKNOWN_FLAG	0x10U
/* A data type no driver knows. */
#define HWPT_UNKNOWN_DATA	0x4242U
/* An object id no test ever reaches. */
#define NO_SUCH_ID	0xfffffff0U

/* The mandatory part of struct iommu_hwpt_alloc: up to __reserved. */
#define HWPT_ALLOC_MIN_SIZE	24

static_assert(offsetof(struct iommu_hwpt_alloc, __reserved) +
	      sizeof(__u32) == HWPT_ALLOC_MIN_SIZE,
	      "IOMMU_HWPT_ALLOC minimum size");

/*
 * Wrappers for the operations this program exercises. Like the emu_*()
 * helpers they return 0 or the negated errno; output pointers may be NULL.
 */
static int att_mock_domain_op(int fd, __u32 op, __u32 pt_id, __u32 dev_flags,
			      __u32 *stdev_id, __u32 *hwpt_id, __u32 *idev_id)
{
	struct iommu_test_cmd cmd = { .op = op, .id = pt_id };
	int rc;

	if (op == IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS)
		cmd.mock_domain_flags.dev_flags = dev_flags;
	rc = emu_test_cmd(fd, &cmd);
	if (rc)
		return rc;
	if (stdev_id)
		*stdev_id = cmd.mock_domain.out_stdev_id;
	if (hwpt_id)
		*hwpt_id = cmd.mock_domain.out_hwpt_id;
	if (idev_id)
		*idev_id = cmd.mock_domain.out_idev_id;
	return 0;
}

/* A new mock device attached to @pt_id (an IOAS or a HWPT). */
static int att_mock_domain(int fd, __u32 pt_id, __u32 *stdev_id,
			   __u32 *hwpt_id, __u32 *idev_id)
{
	return att_mock_domain_op(fd, IOMMU_TEST_OP_MOCK_DOMAIN, pt_id, 0,
				  stdev_id, hwpt_id, idev_id);
}

static int att_mock_domain_flags(int fd, __u32 pt_id, __u32 dev_flags,
				 __u32 *stdev_id, __u32 *hwpt_id,
				 __u32 *idev_id)
{
	return att_mock_domain_op(fd, IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS, pt_id,
				  dev_flags, stdev_id, hwpt_id, idev_id);
}

/* Move a mock device to *@pt_id; on success *@pt_id is the HWPT used. */
static int att_replace(int fd, __u32 stdev_id, __u32 *pt_id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
		.id = stdev_id,
		.mock_domain_replace = { .pt_id = *pt_id },
	};
	int rc;

	rc = emu_test_cmd(fd, &cmd);
	if (!rc)
		*pt_id = cmd.mock_domain_replace.pt_id;
	return rc;
}

static int att_hwpt_alloc_data(int fd, __u32 dev_id, __u32 pt_id, __u32 flags,
			       __u32 data_type, const void *data, __u32 len,
			       __u32 *hwpt_id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev_id,
		.pt_id = pt_id,
		.data_type = data_type,
		.data_len = len,
		.data_uptr = (uintptr_t)data,
	};
	int rc;

	rc = emu_ioctl(fd, IOMMU_HWPT_ALLOC, &cmd);
	if (!rc && hwpt_id)
		*hwpt_id = cmd.out_hwpt_id;
	return rc;
}

static int att_hwpt_alloc(int fd, __u32 dev_id, __u32 pt_id, __u32 flags,
			  __u32 *hwpt_id)
{
	return att_hwpt_alloc_data(fd, dev_id, pt_id, flags,
				   IOMMU_HWPT_DATA_NONE, NULL, 0, hwpt_id);
}

/*
 * NULL when the module offers every mock operation used here, else the
 * reason to skip. Only EOPNOTSUPP (or no IOMMU_TEST_CMD at all) counts as
 * "not offered": any other failure is left for the tests to report.
 */
static const char *att_mock_missing(int fd, void *buf)
{
	__u32 ioas_id, stdev_id, hwpt_id, pt_id;
	const char *why = NULL;
	int rc;

	if (!emu_test_cmd_available(fd))
		return NO_TEST_CMD;
	if (emu_ioas_alloc(fd, &ioas_id))
		return NULL;

	rc = att_mock_domain(fd, ioas_id, &stdev_id, &hwpt_id, NULL);
	if (rc == -EOPNOTSUPP || rc == -ENOTTY) {
		why = "IOMMU_TEST_OP_MOCK_DOMAIN is not supported";
		goto out_ioas;
	}
	if (rc)
		goto out_ioas;

	pt_id = ioas_id;
	if (att_replace(fd, stdev_id, &pt_id) == -EOPNOTSUPP)
		why = "IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE is not supported";
	else if (emu_test_check_map(fd, hwpt_id, MOCK_APERTURE_START, 0, buf) ==
		 -EOPNOTSUPP)
		why = "IOMMU_TEST_OP_MD_CHECK_MAP is not supported";
	emu_destroy(fd, stdev_id);
	if (why)
		goto out_ioas;

	rc = att_mock_domain_flags(fd, ioas_id, 0, &stdev_id, NULL, NULL);
	if (rc == -EOPNOTSUPP)
		why = "IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS is not supported";
	else if (!rc)
		emu_destroy(fd, stdev_id);
out_ioas:
	emu_destroy(fd, ioas_id);
	return why;
}

/* Assert-style wrappers on self->fd. */
#define test_mock_domain(_pt, _stdev_p, _hwpt_p, _idev_p)		\
	ASSERT_OK(att_mock_domain(self->fd, _pt, _stdev_p, _hwpt_p, _idev_p))
#define test_err_mock_domain(_errno, _pt)				\
	ASSERT_ERR(_errno, att_mock_domain(self->fd, _pt, NULL, NULL, NULL))
#define test_mock_domain_flags(_pt, _fl, _stdev_p, _hwpt_p, _idev_p)	\
	ASSERT_OK(att_mock_domain_flags(self->fd, _pt, _fl, _stdev_p,	\
					_hwpt_p, _idev_p))
#define test_err_mock_domain_flags(_errno, _pt, _fl)			\
	ASSERT_ERR(_errno, att_mock_domain_flags(self->fd, _pt, _fl, NULL, \
						 NULL, NULL))
#define test_hwpt_alloc(_dev, _pt, _flags, _hwpt_p)			\
	ASSERT_OK(att_hwpt_alloc(self->fd, _dev, _pt, _flags, _hwpt_p))
#define test_err_hwpt_alloc(_errno, _dev, _pt, _flags)			\
	ASSERT_ERR(_errno, att_hwpt_alloc(self->fd, _dev, _pt, _flags, NULL))
#define test_check_map(_hwpt, _iova, _len, _uptr)			\
	ASSERT_OK(emu_test_check_map(self->fd, _hwpt, _iova, _len, _uptr))
#define test_err_check_map(_errno, _hwpt, _iova, _len, _uptr)		\
	ASSERT_ERR(_errno, emu_test_check_map(self->fd, _hwpt, _iova, _len, _uptr))

/* Replace and check which HWPT the device ended up on. */
#define test_replace(_stdev, _pt, _want_hwpt) do {			\
	__u32 __pt = (_pt);						\
									\
	ASSERT_OK(att_replace(self->fd, _stdev, &__pt));		\
	ASSERT_EQ((__u32)(_want_hwpt), __pt);				\
} while (0)
#define test_replace_get(_stdev, _pt, _hwpt_p) do {			\
	__u32 *__out = (_hwpt_p);					\
									\
	*__out = (_pt);							\
	ASSERT_OK(att_replace(self->fd, _stdev, __out));		\
} while (0)
#define test_err_replace(_errno, _stdev, _pt) do {			\
	__u32 __pt = (_pt);						\
									\
	ASSERT_ERR(_errno, att_replace(self->fd, _stdev, &__pt));	\
} while (0)

/* The IOVA ranges of an IOAS, which must be exactly one range. */
static void check_one_range(struct __test_metadata *_metadata, int fd,
			    __u32 ioas_id, __u64 start, __u64 last,
			    __u64 alignment)
{
	struct iommu_iova_range ranges[4] = {};
	__u64 got_alignment = 0;
	__u32 num = 4;

	ASSERT_OK(emu_ioas_iova_ranges(fd, ioas_id, ranges, &num,
				       &got_alignment));
	ASSERT_EQ(1, num);
	EXPECT_EQ(start, ranges[0].start);
	EXPECT_EQ(last, ranges[0].last);
	EXPECT_EQ(alignment, got_alignment);
}

#define check_no_domain_ranges(_ioas)					\
	check_one_range(_metadata, self->fd, _ioas, 0, UINT64_MAX, 1)
#define check_mock_ranges(_ioas)					\
	check_one_range(_metadata, self->fd, _ioas, MOCK_APERTURE_START, \
			MOCK_APERTURE_LAST, MOCK_PAGE_SIZE)

#define ASSERT_PINNED(_pages)						\
	ASSERT_EQ(self->pinned_base + (long)(_pages), my_pinned())

/*
 * The "mock" fixture: one IOAS with zero, one or two mock domains in it.
 * With two, the first device sits on the automatic HWPT of the IOAS and the
 * second on a HWPT allocated by hand on the same IOAS, so two distinct
 * domains mirror the IOAS (two devices attached to the IOAS itself would
 * share one automatic domain).
 */
FIXTURE(mock)
{
	int fd;
	__u32 ioas_id;
	__u32 stdev_id[2];
	__u32 hwpt_id[2];
	__u32 idev_id[2];
	__u8 *buf;
	long pinned_base;
	const char *skip;
};

FIXTURE_VARIANT(mock)
{
	unsigned int domains;
};

FIXTURE_VARIANT_ADD(mock, no_domain)
{
	.domains = 0,
};

FIXTURE_VARIANT_ADD(mock, mock_domain)
{
	.domains = 1,
};

FIXTURE_VARIANT_ADD(mock, two_mock_domains)
{
	.domains = 2,
};

FIXTURE_SETUP(mock)
{
	self->pinned_base = my_pinned();
	ASSERT_LE(0, self->pinned_base);
	self->fd = emu_open();
	ASSERT_LE(0, self->fd)
		TH_LOG("cannot open %s: %s", emu_dev_path(), strerror(errno));
	/* huge-page aligned, so automatic IOVA keeps any granule alignment */
	self->buf = emu_alloc_buffer(BUF_SIZE, HUGE_PAGE_SIZE);
	ASSERT_NE(NULL, self->buf);
	test_ioctl_ioas_alloc(&self->ioas_id);

	if (!variant->domains)
		return;
	self->skip = att_mock_missing(self->fd, self->buf);
	if (self->skip)
		return;

	test_mock_domain(self->ioas_id, &self->stdev_id[0], &self->hwpt_id[0],
			 &self->idev_id[0]);
	if (variant->domains < 2)
		return;
	test_hwpt_alloc(self->idev_id[0], self->ioas_id, 0, &self->hwpt_id[1]);
	ASSERT_NE(self->hwpt_id[0], self->hwpt_id[1]);
	test_mock_domain(self->hwpt_id[1], &self->stdev_id[1], NULL,
			 &self->idev_id[1]);
}

FIXTURE_TEARDOWN(mock)
{
	if (self->fd >= 0)
		close(self->fd);
	/* closing the context drops devices, domains and their pins */
	EXPECT_EQ(self->pinned_base, my_pinned());
	emu_free_buffer(self->buf, BUF_SIZE);
}

/* Each domain of the fixture translates [iova, iova + len) to @uptr. */
#define check_domains(_iova, _len, _uptr) do {				\
	unsigned int __i;						\
									\
	for (__i = 0; __i < variant->domains; __i++)			\
		test_check_map(self->hwpt_id[__i], _iova, _len, _uptr);	\
} while (0)
#define check_domains_err(_errno, _iova, _len, _uptr) do {		\
	unsigned int __i;						\
									\
	for (__i = 0; __i < variant->domains; __i++)			\
		test_err_check_map(_errno, self->hwpt_id[__i], _iova,	\
				   _len, _uptr);			\
} while (0)

TEST_F(mock, iova_ranges)
{
	unsigned int i;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	if (!variant->domains) {
		check_no_domain_ranges(self->ioas_id);
		return;
	}
	check_mock_ranges(self->ioas_id);

	/* the window stays while any mock domain is left in the IOAS */
	for (i = variant->domains; i-- > 0;) {
		test_ioctl_destroy(self->stdev_id[i]);
		if (i)
			check_mock_ranges(self->ioas_id);
	}
	/* the hand-made HWPT is still a domain of the IOAS */
	if (variant->domains == 2) {
		check_mock_ranges(self->ioas_id);
		test_ioctl_destroy(self->hwpt_id[1]);
	}
	check_no_domain_ranges(self->ioas_id);
}

TEST_F(mock, map_check_unmap)
{
	long pinned = variant->domains ? BUF_PAGES : 0;
	__u64 iova = 0;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, BUF_SIZE, &iova);
	if (variant->domains) {
		/* automatic IOVA stays inside the aperture */
		ASSERT_LE(MOCK_APERTURE_START, iova);
		ASSERT_LE(iova + BUF_SIZE - 1, MOCK_APERTURE_LAST);
		ASSERT_EQ(0, iova % MOCK_PAGE_SIZE);
	}
	/* pages are pinned at MAP time exactly when a domain exists */
	ASSERT_PINNED(pinned);
	test_check_refs(self->buf, BUF_SIZE, variant->domains ? 1 : 0);

	check_domains(iova, BUF_SIZE, self->buf);
	/* each 2 KiB granule is checked, half pages included */
	check_domains(iova + MOCK_PAGE_SIZE, BUF_SIZE - 2 * MOCK_PAGE_SIZE,
		      self->buf + MOCK_PAGE_SIZE);
	/* and a translation to the wrong page is noticed */
	check_domains_err(EINVAL, iova, PAGE_SIZE, self->buf + PAGE_SIZE);
	check_domains_err(EINVAL, iova, MOCK_PAGE_SIZE,
			  self->buf + MOCK_PAGE_SIZE);

	test_ioctl_ioas_unmap(self->ioas_id, iova, BUF_SIZE, BUF_SIZE);
	ASSERT_PINNED(0);
	test_check_refs(self->buf, BUF_SIZE, 0);
	/* nothing translates any more */
	check_domains_err(EINVAL, iova, PAGE_SIZE, self->buf);
	check_domains_err(EINVAL, iova + BUF_SIZE - MOCK_PAGE_SIZE,
			  MOCK_PAGE_SIZE, self->buf + BUF_SIZE - MOCK_PAGE_SIZE);
}

/*
 * IOMMU_OPTION_HUGE_PAGES cannot be turned off while a domain holds
 * mappings that may use large pages; without a domain, or once nothing is
 * mapped, it can.
 */
TEST_F(mock, huge_pages_off_needs_unmapped_domains)
{
	__u64 iova = IOVA_IN;
	__u64 val = 7;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, BUF_SIZE,
			    &iova);
	if (variant->domains) {
		ASSERT_ERR(EINVAL, emu_set_huge_pages(self->fd, self->ioas_id,
						      0));
		/* the refusal changed nothing */
		test_ioctl_option(IOMMU_OPTION_HUGE_PAGES,
				  IOMMU_OPTION_OP_GET, self->ioas_id, &val);
		ASSERT_EQ(1, val);
		check_domains(iova, BUF_SIZE, self->buf);
		test_ioctl_ioas_unmap(self->ioas_id, iova, BUF_SIZE, BUF_SIZE);
	}
	ASSERT_OK(emu_set_huge_pages(self->fd, self->ioas_id, 0));
	test_ioctl_option(IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET,
			  self->ioas_id, &val);
	ASSERT_EQ(0, val);
}

TEST_F(mock, partial_unmap)
{
	__u64 half = BUF_SIZE / 2;
	__u64 iova1 = IOVA_IN;
	__u64 iova2 = IOVA_IN + half;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	/* two areas side by side, each half of the buffer */
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, half,
			    &iova1);
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf + half, half,
			    &iova2);
	ASSERT_PINNED(variant->domains ? BUF_PAGES : 0);
	check_domains(IOVA_IN, BUF_SIZE, self->buf);

	test_ioctl_ioas_unmap(self->ioas_id, iova1, half, half);
	ASSERT_PINNED(variant->domains ? BUF_PAGES / 2 : 0);
	check_domains_err(EINVAL, iova1, half, self->buf);
	check_domains(iova2, half, self->buf + half);
	test_check_refs(self->buf, half, 0);
	test_check_refs(self->buf + half, half, variant->domains ? 1 : 0);

	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX, half);
	ASSERT_PINNED(0);
	check_domains_err(EINVAL, iova2, half, self->buf + half);
}

TEST_F(mock, copy_check)
{
	__u64 src_iova = IOVA_IN;
	__u64 dst_iova = IOVA_IN + 2 * BUF_SIZE;
	__u64 auto_iova = 0;
	__u32 src_ioas;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	/* a source IOAS without any domain: MAP there pins nothing */
	test_ioctl_ioas_alloc(&src_ioas);
	test_ioctl_ioas_map(src_ioas, MAP_FIXED_RW, self->buf, BUF_SIZE,
			    &src_iova);
	ASSERT_PINNED(0);

	/* copied into the fixture IOAS, the pages reach every domain */
	test_ioctl_ioas_copy(IOMMU_IOAS_MAP_FIXED_IOVA | MAP_RW, self->ioas_id,
			     &dst_iova, src_ioas, src_iova, BUF_SIZE);
	ASSERT_PINNED(variant->domains ? BUF_PAGES : 0);
	check_domains(dst_iova, BUF_SIZE, self->buf);

	/* a second copy, at an automatic IOVA, shares the same pins */
	test_ioctl_ioas_copy(MAP_RW, self->ioas_id, &auto_iova, self->ioas_id,
			     dst_iova + PAGE_SIZE, BUF_SIZE - PAGE_SIZE);
	if (variant->domains) {
		ASSERT_LE(MOCK_APERTURE_START, auto_iova);
		ASSERT_LE(auto_iova + BUF_SIZE - PAGE_SIZE - 1,
			  MOCK_APERTURE_LAST);
	}
	ASSERT_PINNED(variant->domains ? BUF_PAGES : 0);
	test_check_refs(self->buf, BUF_SIZE, variant->domains ? 1 : 0);
	check_domains(auto_iova, BUF_SIZE - PAGE_SIZE, self->buf + PAGE_SIZE);

	/* the source going away changes nothing for the copies */
	test_ioctl_destroy(src_ioas);
	check_domains(dst_iova, BUF_SIZE, self->buf);

	test_ioctl_ioas_unmap(self->ioas_id, dst_iova, BUF_SIZE, BUF_SIZE);
	check_domains_err(EINVAL, dst_iova, PAGE_SIZE, self->buf);
	check_domains(auto_iova, BUF_SIZE - PAGE_SIZE, self->buf + PAGE_SIZE);
	/* the first page is no longer mapped anywhere */
	ASSERT_PINNED(variant->domains ? BUF_PAGES - 1 : 0);

	test_ioctl_ioas_unmap(self->ioas_id, auto_iova, BUF_SIZE - PAGE_SIZE,
			      BUF_SIZE - PAGE_SIZE);
	check_domains_err(EINVAL, auto_iova, PAGE_SIZE, self->buf + PAGE_SIZE);
	ASSERT_PINNED(0);
}

TEST_F(mock, aperture)
{
	__u64 below = MOCK_APERTURE_START - PAGE_SIZE;
	__u64 above = (__u64)MOCK_APERTURE_LAST + 1;
	__u64 across = above - PAGE_SIZE;
	int want = variant->domains ? -EINVAL : 0;
	__u64 iova;
	int i;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	/* fixed IOVA outside the window is reserved while a domain is in */
	iova = IOVA_LOW;
	EXPECT_RC_FOR("map below the aperture", want,
		      emu_ioas_map(self->fd, self->ioas_id, MAP_FIXED_RW,
				   self->buf, PAGE_SIZE, &iova));
	iova = below;
	EXPECT_RC_FOR("map across the aperture start", want,
		      emu_ioas_map(self->fd, self->ioas_id, MAP_FIXED_RW,
				   self->buf, 2 * PAGE_SIZE, &iova));
	iova = above + 16 * PAGE_SIZE;
	EXPECT_RC_FOR("map above the aperture", want,
		      emu_ioas_map(self->fd, self->ioas_id, MAP_FIXED_RW,
				   self->buf, PAGE_SIZE, &iova));
	iova = across;
	EXPECT_RC_FOR("map across the aperture end", want,
		      emu_ioas_map(self->fd, self->ioas_id, MAP_FIXED_RW,
				   self->buf + 2 * PAGE_SIZE, 2 * PAGE_SIZE,
				   &iova));
	if (!variant->domains) {
		test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX,
				      6 * PAGE_SIZE);
		return;
	}
	ASSERT_PINNED(0);

	/* the edges themselves are usable */
	iova = MOCK_APERTURE_START;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, PAGE_SIZE,
			    &iova);
	iova = above - PAGE_SIZE;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf + PAGE_SIZE,
			    PAGE_SIZE, &iova);
	check_domains(MOCK_APERTURE_START, PAGE_SIZE, self->buf);
	check_domains(above - PAGE_SIZE, PAGE_SIZE, self->buf + PAGE_SIZE);
	ASSERT_PINNED(2);

	/* automatic IOVA always lands inside; every MAP pins on its own */
	for (i = 0; i < 4; i++) {
		iova = 0;
		test_ioctl_ioas_map(self->ioas_id, MAP_RW,
				    self->buf + 2 * PAGE_SIZE,
				    BUF_SIZE - 2 * PAGE_SIZE, &iova);
		ASSERT_LE(MOCK_APERTURE_START, iova);
		ASSERT_LE(iova + BUF_SIZE - 2 * PAGE_SIZE - 1,
			  MOCK_APERTURE_LAST);
		check_domains(iova, BUF_SIZE - 2 * PAGE_SIZE,
			      self->buf + 2 * PAGE_SIZE);
	}
	ASSERT_PINNED(2 + 4 * (BUF_PAGES - 2));
	test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX,
			      2 * PAGE_SIZE + 4 * (BUF_SIZE - 2 * PAGE_SIZE));
	ASSERT_PINNED(0);
}

TEST_F(mock, alignment)
{
	int want = variant->domains ? -EINVAL : 0;
	__u64 iova;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	/* a length that is not a whole granule */
	iova = IOVA_IN;
	EXPECT_RC_FOR("map 1 KiB", want,
		      emu_ioas_map(self->fd, self->ioas_id, MAP_FIXED_RW,
				   self->buf, MOCK_PAGE_SIZE / 2, &iova));
	/* an IOVA that is not granule aligned */
	iova = IOVA_IN + PAGE_SIZE + MOCK_PAGE_SIZE / 2;
	EXPECT_RC_FOR("map at a half-granule IOVA", want,
		      emu_ioas_map(self->fd, self->ioas_id, MAP_FIXED_RW,
				   self->buf, MOCK_PAGE_SIZE, &iova));
	/* memory that starts in the middle of a granule */
	iova = IOVA_IN + 2 * PAGE_SIZE;
	EXPECT_RC_FOR("map from a half-granule address", want,
		      emu_ioas_map(self->fd, self->ioas_id, MAP_FIXED_RW,
				   self->buf + PAGE_SIZE + MOCK_PAGE_SIZE / 2,
				   MOCK_PAGE_SIZE, &iova));
	iova = 0;
	EXPECT_RC_FOR("automatic map from a half-granule address", want,
		      emu_ioas_map(self->fd, self->ioas_id, MAP_RW,
				   self->buf + 3 * PAGE_SIZE +
				   MOCK_PAGE_SIZE / 2, MOCK_PAGE_SIZE, &iova));
	if (!variant->domains) {
		test_ioctl_ioas_unmap(self->ioas_id, 0, UINT64_MAX,
				      MOCK_PAGE_SIZE / 2 + 3 * MOCK_PAGE_SIZE);
		return;
	}
	ASSERT_PINNED(0);

	/* one granule in the second half of a CPU page is fine */
	iova = IOVA_IN + MOCK_PAGE_SIZE;
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW,
			    self->buf + MOCK_PAGE_SIZE, MOCK_PAGE_SIZE, &iova);
	check_domains(IOVA_IN + MOCK_PAGE_SIZE, MOCK_PAGE_SIZE,
		      self->buf + MOCK_PAGE_SIZE);
	test_err_check_map(EINVAL, self->hwpt_id[0], IOVA_IN, MOCK_PAGE_SIZE,
			   self->buf);
	ASSERT_PINNED(1);
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_IN + MOCK_PAGE_SIZE,
			      MOCK_PAGE_SIZE, MOCK_PAGE_SIZE);
	ASSERT_PINNED(0);
}

TEST_F(mock, check_map_errors)
{
	__u64 iova = IOVA_IN;
	int rc;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	/* all but the last page of the buffer */
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf,
			    BUF_SIZE - PAGE_SIZE, &iova);
	if (!variant->domains) {
		/* no HWPT to look at, and an IOAS is not one */
		rc = emu_test_check_map(self->fd, self->ioas_id, IOVA_IN,
					PAGE_SIZE, self->buf);
		if (rc == -EOPNOTSUPP || rc == -ENOTTY)
			SKIP(return, "IOMMU_TEST_OP_MD_CHECK_MAP is not supported");
		ASSERT_ERR(ENOENT, rc);
		return;
	}
	test_check_map(self->hwpt_id[0], IOVA_IN, BUF_SIZE - PAGE_SIZE,
		       self->buf);
	/* everything must be in whole granules */
	test_err_check_map(EINVAL, self->hwpt_id[0], IOVA_IN + 1, PAGE_SIZE,
			   self->buf + 1);
	test_err_check_map(EINVAL, self->hwpt_id[0], IOVA_IN, PAGE_SIZE + 1,
			   self->buf);
	test_err_check_map(EINVAL, self->hwpt_id[0], IOVA_IN, PAGE_SIZE,
			   self->buf + 8);
	/* an IOAS, a device or nothing at all is not a HWPT */
	test_err_check_map(ENOENT, self->ioas_id, IOVA_IN, PAGE_SIZE,
			   self->buf);
	test_err_check_map(ENOENT, self->idev_id[0], IOVA_IN, PAGE_SIZE,
			   self->buf);
	test_err_check_map(ENOENT, self->stdev_id[0], IOVA_IN, PAGE_SIZE,
			   self->buf);
	test_err_check_map(ENOENT, NO_SUCH_ID, IOVA_IN, PAGE_SIZE, self->buf);
	/* IOVA past the mapping, with memory behind the address */
	test_err_check_map(EINVAL, self->hwpt_id[0], IOVA_IN, BUF_SIZE,
			   self->buf);
	test_err_check_map(EINVAL, self->hwpt_id[0], IOVA_IN - PAGE_SIZE,
			   PAGE_SIZE, self->buf);
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_IN, BUF_SIZE - PAGE_SIZE,
			      BUF_SIZE - PAGE_SIZE);
}

TEST_F(mock, destroy_busy)
{
	unsigned int i;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	if (!variant->domains) {
		test_ioctl_destroy(self->ioas_id);
		test_err_destroy(ENOENT, self->ioas_id);
		return;
	}
	/* a HWPT keeps its IOAS, a device its HWPT */
	test_err_destroy(EBUSY, self->ioas_id);
	for (i = 0; i < variant->domains; i++) {
		test_err_destroy(EBUSY, self->hwpt_id[i]);
		/* device objects belong to their driver, never to DESTROY */
		test_err_destroy(EBUSY, self->idev_id[i]);
	}

	for (i = variant->domains; i-- > 0;) {
		test_ioctl_destroy(self->stdev_id[i]);
		test_err_destroy(ENOENT, self->stdev_id[i]);
		test_err_destroy(ENOENT, self->idev_id[i]);
	}
	/* the automatic HWPT went with its last device... */
	test_err_destroy(ENOENT, self->hwpt_id[0]);
	test_err_check_map(ENOENT, self->hwpt_id[0], IOVA_IN, 0, self->buf);
	if (variant->domains == 2) {
		/* ...the one made by hand stays until destroyed */
		test_err_destroy(EBUSY, self->ioas_id);
		test_check_map(self->hwpt_id[1], IOVA_IN, 0, self->buf);
		test_ioctl_destroy(self->hwpt_id[1]);
		test_err_destroy(ENOENT, self->hwpt_id[1]);
	}
	test_ioctl_destroy(self->ioas_id);
}

TEST_F(mock, destroy_devices_unpins)
{
	unsigned int i;
	__u64 iova = 0;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, BUF_SIZE, &iova);
	ASSERT_PINNED(variant->domains ? BUF_PAGES : 0);

	for (i = variant->domains; i-- > 0;)
		test_ioctl_destroy(self->stdev_id[i]);
	/* a hand-made HWPT is still a domain and keeps the pages pinned */
	ASSERT_PINNED(variant->domains == 2 ? BUF_PAGES : 0);
	if (variant->domains == 2) {
		test_check_map(self->hwpt_id[1], iova, BUF_SIZE, self->buf);
		test_ioctl_destroy(self->hwpt_id[1]);
		ASSERT_PINNED(0);
	}
	test_check_refs(self->buf, BUF_SIZE, 0);
	check_no_domain_ranges(self->ioas_id);

	/* the mapping itself is untouched */
	test_ioctl_ioas_unmap(self->ioas_id, iova, BUF_SIZE, BUF_SIZE);
}

TEST_F(mock, close_with_devices)
{
	__u64 iova = 0;
	int fd2;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, BUF_SIZE, &iova);
	ASSERT_PINNED(variant->domains ? BUF_PAGES : 0);
	check_domains(iova, BUF_SIZE, self->buf);

	/* a second context on the same pages, with its own device */
	fd2 = emu_open();
	ASSERT_LE(0, fd2);
	if (variant->domains) {
		__u32 ioas2, stdev2;

		/* inside the aperture, which the domain is going to need */
		iova = IOVA_IN;
		ASSERT_OK(emu_ioas_alloc(fd2, &ioas2));
		ASSERT_OK(emu_ioas_map(fd2, ioas2, MAP_FIXED_RW, self->buf,
				       BUF_SIZE, &iova));
		ASSERT_OK(att_mock_domain(fd2, ioas2, &stdev2, NULL, NULL));
		/* pinned once per context */
		ASSERT_PINNED(2 * BUF_PAGES);
		test_check_refs(self->buf, BUF_SIZE, 2);
	}

	/* closing with devices attached releases everything */
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	ASSERT_PINNED(variant->domains ? BUF_PAGES : 0);
	ASSERT_EQ(0, close(fd2));
	ASSERT_PINNED(0);

	/* and the device node is usable again at once */
	self->fd = emu_open();
	ASSERT_LE(0, self->fd);
	test_ioctl_ioas_alloc(&self->ioas_id);
	test_check_refs(self->buf, BUF_SIZE, 0);
}

/*
 * The "hwpt" fixture: an IOAS with one mock device on its automatic HWPT,
 * for the tests of HWPT_ALLOC, attach and replace.
 */
FIXTURE(hwpt)
{
	int fd;
	__u32 ioas_id;
	__u32 stdev_id;
	__u32 hwpt_id;
	__u32 idev_id;
	__u8 *buf;
	long pinned_base;
	const char *skip;
};

FIXTURE_SETUP(hwpt)
{
	self->pinned_base = my_pinned();
	ASSERT_LE(0, self->pinned_base);
	self->fd = emu_open();
	ASSERT_LE(0, self->fd)
		TH_LOG("cannot open %s: %s", emu_dev_path(), strerror(errno));
	self->buf = emu_alloc_buffer(BUF_SIZE, HUGE_PAGE_SIZE);
	ASSERT_NE(NULL, self->buf);
	test_ioctl_ioas_alloc(&self->ioas_id);

	self->skip = att_mock_missing(self->fd, self->buf);
	if (self->skip)
		return;
	test_mock_domain(self->ioas_id, &self->stdev_id, &self->hwpt_id,
			 &self->idev_id);
	ASSERT_NE(0, self->stdev_id);
	ASSERT_NE(0, self->hwpt_id);
	ASSERT_NE(0, self->idev_id);
	ASSERT_NE(self->stdev_id, self->hwpt_id);
	ASSERT_NE(self->stdev_id, self->idev_id);
	ASSERT_NE(self->hwpt_id, self->idev_id);
}

FIXTURE_TEARDOWN(hwpt)
{
	if (self->fd >= 0)
		close(self->fd);
	EXPECT_EQ(self->pinned_base, my_pinned());
	emu_free_buffer(self->buf, BUF_SIZE);
}

static int att_hw_info(int fd, __u32 dev_id, __u32 flags, __u32 in_type,
		       void *data, __u32 *data_len, struct iommu_hw_info *out)
{
	struct iommu_hw_info cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev_id,
		.data_len = *data_len,
		.data_uptr = (uintptr_t)data,
		.in_data_type = in_type,
	};
	int rc;

	rc = emu_ioctl(fd, IOMMU_GET_HW_INFO, &cmd);
	*data_len = cmd.data_len;
	if (out)
		*out = cmd;
	return rc;
}

/* A mock device describes itself with the selftest type, like upstream's. */
TEST_F(hwpt, get_hw_info)
{
	struct iommu_test_hw_info *info = (void *)self->buf;
	struct iommu_hw_info out;
	__u32 len;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	/* Exact size */
	memset(self->buf, 0xff, PAGE_SIZE);
	len = sizeof(*info);
	ASSERT_OK(att_hw_info(self->fd, self->idev_id, 0, 0, info, &len, &out));
	ASSERT_EQ(sizeof(*info), len);
	ASSERT_EQ(IOMMU_HW_INFO_TYPE_SELFTEST, out.out_data_type);
	ASSERT_EQ(0, info->flags);
	ASSERT_EQ(IOMMU_HW_INFO_SELFTEST_REGVAL, info->test_reg);
	ASSERT_EQ(0, out.out_max_pasid_log2);
	ASSERT_EQ(IOMMU_HW_CAP_DIRTY_TRACKING,
		  out.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING);

	/* A bigger buffer is zero-filled past the data */
	memset(self->buf, 0xff, PAGE_SIZE);
	len = 64;
	ASSERT_OK(att_hw_info(self->fd, self->idev_id, 0, 0, info, &len, NULL));
	ASSERT_EQ(sizeof(*info), len);
	ASSERT_EQ(IOMMU_HW_INFO_SELFTEST_REGVAL, info->test_reg);
	ASSERT_EQ(0, self->buf[sizeof(*info)]);
	ASSERT_EQ(0, self->buf[63]);
	ASSERT_EQ(0xff, self->buf[64]);

	/* A smaller one gets the prefix and learns the full size */
	memset(self->buf, 0xff, PAGE_SIZE);
	len = 4;
	ASSERT_OK(att_hw_info(self->fd, self->idev_id, 0, 0, info, &len, NULL));
	ASSERT_EQ(sizeof(*info), len);
	ASSERT_EQ(0, info->flags);
	ASSERT_EQ(0xffffffff, info->test_reg);

	/* Asking for the device's own type, or the default, works */
	len = sizeof(*info);
	ASSERT_OK(att_hw_info(self->fd, self->idev_id,
			      IOMMU_HW_INFO_FLAG_INPUT_TYPE,
			      IOMMU_HW_INFO_TYPE_SELFTEST, info, &len, NULL));
	ASSERT_OK(att_hw_info(self->fd, self->idev_id,
			      IOMMU_HW_INFO_FLAG_INPUT_TYPE,
			      IOMMU_HW_INFO_TYPE_DEFAULT, info, &len, NULL));
	/* Another type, unknown flags or reserved bytes do not */
	ASSERT_ERR(EOPNOTSUPP, att_hw_info(self->fd, self->idev_id,
					   IOMMU_HW_INFO_FLAG_INPUT_TYPE,
					   IOMMU_HW_INFO_TYPE_INTEL_VTD, info,
					   &len, NULL));
	ASSERT_ERR(EOPNOTSUPP, att_hw_info(self->fd, self->idev_id, 1U << 1,
					   0, info, &len, NULL));
	{
		struct iommu_hw_info cmd = {
			.size = sizeof(cmd),
			.dev_id = self->idev_id,
		};

		cmd.__reserved[1] = 1;
		ASSERT_ERR(EOPNOTSUPP,
			   emu_ioctl(self->fd, IOMMU_GET_HW_INFO, &cmd));
	}
	/* Only device ids */
	ASSERT_ERR(ENOENT, att_hw_info(self->fd, self->ioas_id, 0, 0, info,
				       &len, NULL));
	ASSERT_ERR(ENOENT, att_hw_info(self->fd, self->hwpt_id, 0, 0, info,
				       &len, NULL));
	ASSERT_ERR(ENOENT, att_hw_info(self->fd, NO_SUCH_ID, 0, 0, info, &len,
				       NULL));
	/* An unwritable buffer */
	len = sizeof(*info);
	ASSERT_ERR(EFAULT, att_hw_info(self->fd, self->idev_id, 0, 0, NULL,
				       &len, NULL));
}

/* The PASID width and the dirty-tracking capability follow the device. */
TEST_F(hwpt, get_hw_info_capabilities)
{
	struct iommu_hw_info out;
	__u32 stdev, hwpt, idev;
	__u32 len = 0;

	if (self->skip)
		SKIP(return, "%s", self->skip);

	test_mock_domain_flags(self->ioas_id, MOCK_FLAGS_DEVICE_PASID, &stdev,
			       &hwpt, &idev);
	ASSERT_OK(att_hw_info(self->fd, idev, 0, 0, NULL, &len, &out));
	ASSERT_EQ(MOCK_PASID_WIDTH, out.out_max_pasid_log2);
	ASSERT_EQ(sizeof(struct iommu_test_hw_info), len);
	test_ioctl_destroy(stdev);

	test_mock_domain_flags(self->ioas_id, MOCK_FLAGS_DEVICE_NO_DIRTY,
			       &stdev, &hwpt, &idev);
	len = 0;
	ASSERT_OK(att_hw_info(self->fd, idev, 0, 0, NULL, &len, &out));
	ASSERT_EQ(0, out.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING);
	ASSERT_EQ(0, out.out_max_pasid_log2);
	test_ioctl_destroy(stdev);
}

/* Does our context's section of the debugfs dump hold @want? */
static bool contexts_dump_has(const char *want)
{
	char line[256], mine[64];
	bool in_mine = false, found = false;
	FILE *f;

	f = fopen("/sys/kernel/debug/iommufd_emu/contexts", "r");
	if (!f)
		return false;
	snprintf(mine, sizeof(mine), " pid %d ", getpid());
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "context ", 8))
			in_mine = strstr(line, mine);
		else if (in_mine && strstr(line, want))
			found = true;
	}
	fclose(f);
	return found;
}

/* The debugfs dump lists each object with its type and references. */
TEST_F(hwpt, debugfs_contexts)
{
	char want[64];

	if (self->skip)
		SKIP(return, "%s", self->skip);
	if (access("/sys/kernel/debug/iommufd_emu/contexts", R_OK))
		SKIP(return, "debugfs is not mounted");

	/* The IOAS is held by the HWPT, the HWPT by the device, the device
	 * by its binder; the mock device's own object by nobody.
	 */
	snprintf(want, sizeof(want), "  id %u ioas users 2 lookups 1\n",
		 self->ioas_id);
	ASSERT_TRUE(contexts_dump_has(want)) TH_LOG("missing: %s", want);
	snprintf(want, sizeof(want), "  id %u hwpt_paging users 2 lookups 1\n",
		 self->hwpt_id);
	ASSERT_TRUE(contexts_dump_has(want)) TH_LOG("missing: %s", want);
	snprintf(want, sizeof(want), "  id %u device users 2 lookups 1\n",
		 self->idev_id);
	ASSERT_TRUE(contexts_dump_has(want)) TH_LOG("missing: %s", want);
	snprintf(want, sizeof(want), "  id %u selftest users 1 lookups 1\n",
		 self->stdev_id);
	ASSERT_TRUE(contexts_dump_has(want)) TH_LOG("missing: %s", want);

	/* Gone objects are gone from the dump */
	test_ioctl_destroy(self->stdev_id);
	snprintf(want, sizeof(want), "  id %u hwpt_paging ", self->hwpt_id);
	ASSERT_FALSE(contexts_dump_has(want));
	snprintf(want, sizeof(want), "  id %u ioas users 1 lookups 1\n",
		 self->ioas_id);
	ASSERT_TRUE(contexts_dump_has(want)) TH_LOG("missing: %s", want);
}

TEST_F(hwpt, alloc_paging)
{
	static const __u32 flag_sets[] = {
		0,
		IOMMU_HWPT_ALLOC_NEST_PARENT,
		IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
		IOMMU_HWPT_ALLOC_PASID,
		IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
		IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
			IOMMU_HWPT_ALLOC_PASID,
	};
	__u32 ids[ARRAY_SIZE(flag_sets)];
	__u64 iova = IOVA_IN;
	unsigned int i, j;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, BUF_SIZE,
			    &iova);
	for (i = 0; i < ARRAY_SIZE(flag_sets); i++) {
		test_hwpt_alloc(self->idev_id, self->ioas_id, flag_sets[i],
				&ids[i]);
		ASSERT_NE(self->hwpt_id, ids[i]);
		for (j = 0; j < i; j++)
			ASSERT_NE(ids[j], ids[i]);
		/* a new paging HWPT already mirrors the IOAS */
		test_check_map(ids[i], IOVA_IN, BUF_SIZE, self->buf);
	}
	/* one pin per page, however many domains */
	ASSERT_PINNED(BUF_PAGES);
	test_check_refs(self->buf, BUF_SIZE, 1);

	/* every one of them can take a device */
	for (i = 0; i < ARRAY_SIZE(flag_sets); i++) {
		__u32 stdev_id, hwpt_id;

		test_mock_domain(ids[i], &stdev_id, &hwpt_id, NULL);
		ASSERT_EQ(ids[i], hwpt_id);
		test_err_destroy(EBUSY, ids[i]);
		test_ioctl_destroy(stdev_id);
		/* a hand-made HWPT outlives its last device */
		test_check_map(ids[i], IOVA_IN, BUF_SIZE, self->buf);
	}
	for (i = 0; i < ARRAY_SIZE(flag_sets); i++) {
		test_ioctl_destroy(ids[i]);
		test_err_destroy(ENOENT, ids[i]);
		test_err_check_map(ENOENT, ids[i], IOVA_IN, PAGE_SIZE,
				   self->buf);
	}
	test_check_map(self->hwpt_id, IOVA_IN, BUF_SIZE, self->buf);
	ASSERT_PINNED(BUF_PAGES);
	test_ioctl_ioas_unmap(self->ioas_id, IOVA_IN, BUF_SIZE, BUF_SIZE);
	ASSERT_PINNED(0);
}

TEST_F(hwpt, alloc_errors)
{
	struct iommu_hwpt_alloc cmd;
	__u64 data[4] = {};
	__u32 parent_id;

#define reset_cmd() do {						\
	memset(&cmd, 0, sizeof(cmd));					\
	cmd.size = sizeof(cmd);						\
	cmd.dev_id = self->idev_id;					\
	cmd.pt_id = self->ioas_id;					\
} while (0)
#define expect_alloc(_errno, _what) EXPECT_RC_FOR(_what, -(_errno),	\
		emu_ioctl(self->fd, IOMMU_HWPT_ALLOC, &cmd))

	if (self->skip)
		SKIP(return, "%s", self->skip);
	reset_cmd();
	cmd.flags = HWPT_UNKNOWN_FLAG;
	expect_alloc(EOPNOTSUPP, "unknown flag");
	cmd.flags = 1U << 31;
	expect_alloc(EOPNOTSUPP, "flag bit 31");
	cmd.flags = IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_FAULT_ID_VALID;
	expect_alloc(EOPNOTSUPP, "NEST_PARENT with FAULT_ID_VALID");

	reset_cmd();
	cmd.__reserved = 1;
	expect_alloc(EOPNOTSUPP, "__reserved set");
	/* __reserved is checked before anything else */
	cmd.dev_id = NO_SUCH_ID;
	cmd.data_len = 8;
	expect_alloc(EOPNOTSUPP, "__reserved set, bad dev_id, data_len");

	reset_cmd();
	cmd.data_len = sizeof(data);
	cmd.data_uptr = (uintptr_t)data;
	expect_alloc(EINVAL, "data_len with DATA_NONE");
	/* the data checks come before the objects are looked up */
	cmd.dev_id = NO_SUCH_ID;
	expect_alloc(EINVAL, "data_len with DATA_NONE, bad dev_id");

	reset_cmd();
	cmd.data_type = HWPT_UNKNOWN_DATA;
	expect_alloc(EINVAL, "data type without data_len");
	cmd.data_len = sizeof(data);
	cmd.data_uptr = (uintptr_t)data;
	expect_alloc(EOPNOTSUPP, "unknown data type");
	cmd.data_type = IOMMU_HWPT_DATA_VTD_S1;
	cmd.data_len = sizeof(struct iommu_hwpt_vtd_s1);
	expect_alloc(EOPNOTSUPP, "VT-d data for a mock device");
	cmd.data_type = IOMMU_HWPT_DATA_ARM_SMMUV3;
	cmd.data_len = sizeof(struct iommu_hwpt_arm_smmuv3);
	expect_alloc(EOPNOTSUPP, "SMMUv3 data for a mock device");

	/* dev_id must name a bound device */
	reset_cmd();
	cmd.dev_id = 0;
	expect_alloc(ENOENT, "dev_id 0");
	cmd.dev_id = NO_SUCH_ID;
	expect_alloc(ENOENT, "unused dev_id");
	cmd.dev_id = self->ioas_id;
	expect_alloc(ENOENT, "IOAS as dev_id");
	cmd.dev_id = self->hwpt_id;
	expect_alloc(ENOENT, "HWPT as dev_id");
	cmd.dev_id = self->stdev_id;
	expect_alloc(ENOENT, "mock device object as dev_id");
	/* the device is looked up before pt_id */
	cmd.pt_id = NO_SUCH_ID;
	expect_alloc(ENOENT, "bad dev_id and bad pt_id");

	/* pt_id must be an IOAS (or a parent for nesting) */
	reset_cmd();
	cmd.pt_id = 0;
	expect_alloc(EINVAL, "pt_id 0");
	cmd.pt_id = NO_SUCH_ID;
	expect_alloc(EINVAL, "unused pt_id");
	cmd.pt_id = self->idev_id;
	expect_alloc(EINVAL, "device as pt_id");
	cmd.pt_id = self->stdev_id;
	expect_alloc(EINVAL, "mock device object as pt_id");
	/* pt_id is looked up before the flags are checked */
	cmd.pt_id = NO_SUCH_ID;
	cmd.flags = HWPT_UNKNOWN_FLAG;
	expect_alloc(EINVAL, "bad pt_id and unknown flag");

	/* a paging HWPT as pt_id means nesting, which needs data */
	test_hwpt_alloc(self->idev_id, self->ioas_id,
			IOMMU_HWPT_ALLOC_NEST_PARENT, &parent_id);
	reset_cmd();
	cmd.pt_id = parent_id;
	expect_alloc(EOPNOTSUPP, "nested without data");
	cmd.data_len = sizeof(data);
	cmd.data_uptr = (uintptr_t)data;
	expect_alloc(EINVAL, "nested with data_len and DATA_NONE");
	reset_cmd();
	cmd.pt_id = self->hwpt_id;
	expect_alloc(EOPNOTSUPP, "automatic HWPT as pt_id without data");
	test_ioctl_destroy(parent_id);

	/* none of the failures left an object behind */
	test_ioctl_destroy(self->stdev_id);
	test_ioctl_destroy(self->ioas_id);
	ASSERT_PINNED(0);
#undef expect_alloc
#undef reset_cmd
}

TEST_F(hwpt, alloc_size)
{
	struct {
		struct iommu_hwpt_alloc cmd;
		__u8 extra[8];
	} big;
	struct iommu_hwpt_alloc *cmd = &big.cmd;
	__u32 id_min, id_full, id_big;
	__u8 *raw = (__u8 *)&big;
	size_t i;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	memset(&big, 0, sizeof(big));
	cmd->dev_id = self->idev_id;
	cmd->pt_id = self->ioas_id;

	cmd->size = 0;
	ASSERT_ERR(EINVAL, emu_ioctl(self->fd, IOMMU_HWPT_ALLOC, cmd));
	cmd->size = HWPT_ALLOC_MIN_SIZE - 1;
	ASSERT_ERR(EINVAL, emu_ioctl(self->fd, IOMMU_HWPT_ALLOC, cmd));

	/* the minimum: the kernel reads and writes only those bytes */
	memset(raw + HWPT_ALLOC_MIN_SIZE, 0x5a, sizeof(big) -
	       HWPT_ALLOC_MIN_SIZE);
	cmd->size = HWPT_ALLOC_MIN_SIZE;
	ASSERT_OK(emu_ioctl(self->fd, IOMMU_HWPT_ALLOC, cmd));
	id_min = cmd->out_hwpt_id;
	ASSERT_NE(0, id_min);
	ASSERT_NE(self->hwpt_id, id_min);
	for (i = HWPT_ALLOC_MIN_SIZE; i < sizeof(big); i++)
		ASSERT_EQ(0x5a, raw[i]);

	/* non-zero bytes past the known structure */
	memset(raw + HWPT_ALLOC_MIN_SIZE, 0, sizeof(big) -
	       HWPT_ALLOC_MIN_SIZE);
	cmd->out_hwpt_id = 0;
	cmd->size = sizeof(big);
	big.extra[7] = 1;
	ASSERT_ERR(E2BIG, emu_ioctl(self->fd, IOMMU_HWPT_ALLOC, cmd));
	cmd->size = sizeof(*cmd) + 1;
	big.extra[7] = 0;
	big.extra[0] = 0xff;
	ASSERT_ERR(E2BIG, emu_ioctl(self->fd, IOMMU_HWPT_ALLOC, cmd));
	ASSERT_EQ(0, cmd->out_hwpt_id);

	/* zero bytes past it are fine, and are not written */
	big.extra[0] = 0;
	cmd->size = sizeof(*cmd);
	ASSERT_OK(emu_ioctl(self->fd, IOMMU_HWPT_ALLOC, cmd));
	id_full = cmd->out_hwpt_id;
	cmd->size = sizeof(big);
	ASSERT_OK(emu_ioctl(self->fd, IOMMU_HWPT_ALLOC, cmd));
	id_big = cmd->out_hwpt_id;
	for (i = 0; i < sizeof(big.extra); i++)
		ASSERT_EQ(0, big.extra[i]);
	ASSERT_NE(id_min, id_full);
	ASSERT_NE(id_full, id_big);
	ASSERT_NE(id_min, id_big);

	/* the E2BIG attempts created nothing: three HWPTs to destroy */
	test_ioctl_destroy(id_min);
	test_ioctl_destroy(id_full);
	test_ioctl_destroy(id_big);
	test_ioctl_destroy(self->stdev_id);
	test_ioctl_destroy(self->ioas_id);
}

TEST_F(hwpt, alloc_fills_and_pins)
{
	__u64 iova = IOVA_IN;
	__u32 ioas2, hwpt2, hwpt3;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	/* a second IOAS, no domain yet: MAP pins nothing */
	test_ioctl_ioas_alloc(&ioas2);
	test_ioctl_ioas_map(ioas2, MAP_FIXED_RW, self->buf, BUF_SIZE, &iova);
	ASSERT_PINNED(0);
	test_check_refs(self->buf, BUF_SIZE, 0);
	check_no_domain_ranges(ioas2);

	/* the HWPT is a domain of the IOAS from the start, device or not */
	test_hwpt_alloc(self->idev_id, ioas2, 0, &hwpt2);
	ASSERT_PINNED(BUF_PAGES);
	test_check_refs(self->buf, BUF_SIZE, 1);
	test_check_map(hwpt2, IOVA_IN, BUF_SIZE, self->buf);
	check_mock_ranges(ioas2);
	test_err_destroy(EBUSY, ioas2);

	/* a second domain shares the pins */
	test_hwpt_alloc(self->idev_id, ioas2, IOMMU_HWPT_ALLOC_NEST_PARENT,
			&hwpt3);
	ASSERT_PINNED(BUF_PAGES);
	test_check_refs(self->buf, BUF_SIZE, 1);
	test_check_map(hwpt3, IOVA_IN, BUF_SIZE, self->buf);

	/* later MAPs reach both; a second MAP of the memory pins it again */
	iova = IOVA_IN + 4 * BUF_SIZE;
	test_ioctl_ioas_map(ioas2, MAP_FIXED_RW, self->buf, BUF_SIZE, &iova);
	test_check_map(hwpt2, iova, BUF_SIZE, self->buf);
	test_check_map(hwpt3, iova, BUF_SIZE, self->buf);
	ASSERT_PINNED(2 * BUF_PAGES);
	test_check_refs(self->buf, BUF_SIZE, 2);

	test_ioctl_destroy(hwpt2);
	ASSERT_PINNED(2 * BUF_PAGES);
	test_ioctl_destroy(hwpt3);
	ASSERT_PINNED(0);
	test_check_refs(self->buf, BUF_SIZE, 0);
	check_no_domain_ranges(ioas2);
	/* the areas are still there */
	test_ioctl_ioas_unmap(ioas2, 0, UINT64_MAX, 2 * BUF_SIZE);
	test_ioctl_destroy(ioas2);
}

TEST_F(hwpt, domain_vs_existing_areas)
{
	__u64 iova;
	__u32 ioas2, stdev_id;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_ioctl_ioas_alloc(&ioas2);

	/* an area below the aperture keeps a mock domain out */
	iova = IOVA_LOW;
	test_ioctl_ioas_map(ioas2, MAP_FIXED_RW, self->buf, PAGE_SIZE, &iova);
	test_err_hwpt_alloc(EADDRINUSE, self->idev_id, ioas2, 0);
	test_err_mock_domain(EADDRINUSE, ioas2);
	test_ioctl_ioas_unmap(ioas2, IOVA_LOW, PAGE_SIZE, PAGE_SIZE);

	/* so does one above it */
	iova = (__u64)MOCK_APERTURE_LAST + 1;
	test_ioctl_ioas_map(ioas2, MAP_FIXED_RW, self->buf, PAGE_SIZE, &iova);
	test_err_hwpt_alloc(EADDRINUSE, self->idev_id, ioas2, 0);
	test_err_mock_domain(EADDRINUSE, ioas2);
	test_ioctl_ioas_unmap(ioas2, iova, PAGE_SIZE, PAGE_SIZE);

	/* and one that is not in whole granules */
	iova = IOVA_IN + MOCK_PAGE_SIZE / 2;
	test_ioctl_ioas_map(ioas2, MAP_FIXED_RW, self->buf, MOCK_PAGE_SIZE,
			    &iova);
	test_err_hwpt_alloc(EADDRINUSE, self->idev_id, ioas2, 0);
	test_err_mock_domain(EADDRINUSE, ioas2);
	test_ioctl_ioas_unmap(ioas2, iova, MOCK_PAGE_SIZE, MOCK_PAGE_SIZE);

	/* nothing of the failed attempts is left */
	ASSERT_PINNED(0);
	check_no_domain_ranges(ioas2);

	/* an area inside, in whole granules, is fine */
	iova = IOVA_IN + MOCK_PAGE_SIZE;
	test_ioctl_ioas_map(ioas2, MAP_FIXED_RW, self->buf + MOCK_PAGE_SIZE,
			    3 * MOCK_PAGE_SIZE, &iova);
	test_mock_domain(ioas2, &stdev_id, NULL, NULL);
	check_mock_ranges(ioas2);
	ASSERT_PINNED(2);
	test_ioctl_destroy(stdev_id);
	ASSERT_PINNED(0);
	test_ioctl_destroy(ioas2);
}

TEST_F(hwpt, dirty_and_pasid_devices)
{
	__u32 nodirty_stdev, nodirty_idev, nodirty_hwpt;
	__u32 pasid_stdev, pasid_idev, pasid_hwpt;
	__u32 dirty_hwpt, pasid_only_hwpt, stdev_id, hwpt_id;
	int rc;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	/* devices with flags still share the automatic domain */
	test_mock_domain_flags(self->ioas_id, MOCK_FLAGS_DEVICE_NO_DIRTY,
			       &nodirty_stdev, &nodirty_hwpt, &nodirty_idev);
	ASSERT_EQ(self->hwpt_id, nodirty_hwpt);
	test_mock_domain_flags(self->ioas_id, MOCK_FLAGS_DEVICE_PASID,
			       &pasid_stdev, &pasid_hwpt, &pasid_idev);
	ASSERT_EQ(self->hwpt_id, pasid_hwpt);
	test_mock_domain_flags(self->ioas_id, 0, &stdev_id, &hwpt_id, NULL);
	ASSERT_EQ(self->hwpt_id, hwpt_id);
	test_ioctl_destroy(stdev_id);

	/* unknown device flags */
	EXPECT_ERR(EINVAL, att_mock_domain_flags(self->fd, self->ioas_id,
						 1U << 1, NULL, NULL, NULL));
	EXPECT_ERR(EINVAL, att_mock_domain_flags(self->fd, self->ioas_id,
						 1U << 31, NULL, NULL, NULL));
	/* the plain operation does not look at the flags word at all */
	{
		struct iommu_test_cmd cmd = {
			.op = IOMMU_TEST_OP_MOCK_DOMAIN,
			.id = self->ioas_id,
			.mock_domain_flags = { .dev_flags = 0xffffffffU },
		};

		ASSERT_OK(emu_test_cmd(self->fd, &cmd));
		ASSERT_EQ(self->hwpt_id, cmd.mock_domain.out_hwpt_id);
		test_ioctl_destroy(cmd.mock_domain.out_stdev_id);
	}

	/* dirty tracking needs an IOMMU that can do it */
	test_err_hwpt_alloc(EOPNOTSUPP, nodirty_idev, self->ioas_id,
			    IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	test_err_hwpt_alloc(EOPNOTSUPP, nodirty_idev, self->ioas_id,
			    IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
			    IOMMU_HWPT_ALLOC_NEST_PARENT);
	test_hwpt_alloc(nodirty_idev, self->ioas_id,
			IOMMU_HWPT_ALLOC_NEST_PARENT, &hwpt_id);
	test_ioctl_destroy(hwpt_id);

	/*
	 * A dirty-tracking HWPT refuses such a device. Checked without
	 * stopping the test, and undone when the attach wrongly succeeds, so
	 * the rest of the test still runs.
	 */
	test_hwpt_alloc(self->idev_id, self->ioas_id,
			IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &dirty_hwpt);
	rc = att_mock_domain_flags(self->fd, dirty_hwpt,
				   MOCK_FLAGS_DEVICE_NO_DIRTY, &stdev_id, NULL,
				   NULL);
	EXPECT_RC_FOR("NO_DIRTY device onto a dirty-tracking HWPT", -EINVAL,
		      rc);
	if (!rc)
		test_ioctl_destroy(stdev_id);
	hwpt_id = dirty_hwpt;
	rc = att_replace(self->fd, nodirty_stdev, &hwpt_id);
	EXPECT_RC_FOR("NO_DIRTY device replaced onto a dirty-tracking HWPT",
		      -EINVAL, rc);
	/* a failed replace changes nothing: still on the automatic HWPT */
	test_replace(nodirty_stdev, self->ioas_id, self->hwpt_id);
	test_mock_domain(dirty_hwpt, &stdev_id, &hwpt_id, NULL);
	ASSERT_EQ(dirty_hwpt, hwpt_id);
	test_replace(self->stdev_id, dirty_hwpt, dirty_hwpt);

	/* a PASID-capable HWPT, for either kind of device */
	test_hwpt_alloc(pasid_idev, self->ioas_id, IOMMU_HWPT_ALLOC_PASID,
			&pasid_only_hwpt);
	test_replace(pasid_stdev, pasid_only_hwpt, pasid_only_hwpt);
	test_hwpt_alloc(self->idev_id, self->ioas_id, IOMMU_HWPT_ALLOC_PASID,
			&hwpt_id);
	test_replace(nodirty_stdev, hwpt_id, hwpt_id);

	/* the automatic HWPT went with its last device */
	test_err_destroy(ENOENT, self->hwpt_id);
	test_ioctl_destroy(nodirty_stdev);
	test_ioctl_destroy(hwpt_id);
	test_ioctl_destroy(pasid_stdev);
	test_ioctl_destroy(pasid_only_hwpt);
	test_ioctl_destroy(stdev_id);
	test_err_destroy(EBUSY, dirty_hwpt);
	test_ioctl_destroy(self->stdev_id);
	test_ioctl_destroy(dirty_hwpt);
	test_ioctl_destroy(self->ioas_id);
}

TEST_F(hwpt, mock_domain_errors)
{
	__u32 stdev_id, hwpt_id;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_err_mock_domain(ENOENT, 0);
	test_err_mock_domain(ENOENT, NO_SUCH_ID);
	/* only an IOAS or a HWPT can be attached to */
	test_err_mock_domain(EINVAL, self->idev_id);
	test_err_mock_domain(EINVAL, self->stdev_id);
	test_err_mock_domain_flags(EINVAL, self->idev_id, 0);

	/* the failures left no device behind on the HWPT */
	test_ioctl_destroy(self->stdev_id);
	test_err_destroy(ENOENT, self->hwpt_id);
	test_ioctl_destroy(self->ioas_id);

	/* and a fresh IOAS works as before */
	test_ioctl_ioas_alloc(&self->ioas_id);
	test_mock_domain(self->ioas_id, &stdev_id, &hwpt_id, NULL);
	test_ioctl_destroy(stdev_id);
	test_err_destroy(ENOENT, hwpt_id);
}

TEST_F(hwpt, auto_domain_reuse)
{
	__u32 stdev2, hwpt2, idev2, stdev3, hwpt3;
	__u64 iova = 0;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, BUF_SIZE, &iova);

	/* a second device on the same IOAS shares the automatic HWPT */
	test_mock_domain(self->ioas_id, &stdev2, &hwpt2, &idev2);
	ASSERT_EQ(self->hwpt_id, hwpt2);
	ASSERT_NE(self->idev_id, idev2);
	ASSERT_NE(self->stdev_id, stdev2);
	ASSERT_PINNED(BUF_PAGES);
	test_check_refs(self->buf, BUF_SIZE, 1);

	/* it lives as long as one of them is attached */
	test_ioctl_destroy(self->stdev_id);
	test_err_destroy(EBUSY, self->hwpt_id);
	test_check_map(self->hwpt_id, iova, BUF_SIZE, self->buf);
	ASSERT_PINNED(BUF_PAGES);
	test_ioctl_destroy(stdev2);
	test_err_check_map(ENOENT, self->hwpt_id, iova, BUF_SIZE, self->buf);
	test_err_destroy(ENOENT, self->hwpt_id);
	ASSERT_PINNED(0);
	check_no_domain_ranges(self->ioas_id);

	/*
	 * After that, attaching makes a new one, filled from the IOAS (its id
	 * may be the old one again: ids are reused lowest first).
	 */
	test_mock_domain(self->ioas_id, &stdev3, &hwpt3, NULL);
	test_check_map(hwpt3, iova, BUF_SIZE, self->buf);
	ASSERT_PINNED(BUF_PAGES);
	test_ioctl_destroy(stdev3);
	test_err_destroy(ENOENT, hwpt3);
	ASSERT_PINNED(0);
}

TEST_F(hwpt, auto_domain_never_manual)
{
	__u32 ioas2, manual, parent, stdev_a, hwpt_a, stdev_b, hwpt_b;
	__u32 stdev_m, hwpt_m;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_ioctl_ioas_alloc(&ioas2);
	test_hwpt_alloc(self->idev_id, ioas2, 0, &manual);
	test_hwpt_alloc(self->idev_id, ioas2, IOMMU_HWPT_ALLOC_NEST_PARENT,
			&parent);

	/* attaching to the IOAS makes an automatic HWPT of its own */
	test_mock_domain(ioas2, &stdev_a, &hwpt_a, NULL);
	ASSERT_NE(manual, hwpt_a);
	ASSERT_NE(parent, hwpt_a);
	ASSERT_NE(self->hwpt_id, hwpt_a);
	test_mock_domain(ioas2, &stdev_b, &hwpt_b, NULL);
	ASSERT_EQ(hwpt_a, hwpt_b);

	/* the manual one is used only when named */
	test_mock_domain(manual, &stdev_m, &hwpt_m, NULL);
	ASSERT_EQ(manual, hwpt_m);
	test_replace(stdev_b, ioas2, hwpt_a);

	/* even with no automatic HWPT left, the manual ones are skipped */
	test_ioctl_destroy(stdev_a);
	test_ioctl_destroy(stdev_b);
	test_err_destroy(ENOENT, hwpt_a);
	test_replace(stdev_m, parent, parent);
	test_mock_domain(ioas2, &stdev_a, &hwpt_a, NULL);
	ASSERT_NE(manual, hwpt_a);
	ASSERT_NE(parent, hwpt_a);

	/* an automatic HWPT of another IOAS is never picked either */
	ASSERT_NE(self->hwpt_id, hwpt_a);
	test_ioctl_destroy(stdev_a);
	test_ioctl_destroy(stdev_m);
	test_ioctl_destroy(manual);
	test_ioctl_destroy(parent);
	test_ioctl_destroy(ioas2);
}

TEST_F(hwpt, replace_between_ioas)
{
	__u64 iova = IOVA_IN;
	__u32 ioas2, hwpt2, auto1, auto2, stdev2, hwpt_s2;
	__u8 *buf2;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	buf2 = emu_alloc_buffer(BUF_SIZE, HUGE_PAGE_SIZE);
	ASSERT_NE(NULL, buf2);

	/* the same IOVA, backed by different memory in each IOAS */
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, BUF_SIZE,
			    &iova);
	test_ioctl_ioas_alloc(&ioas2);
	test_ioctl_ioas_map(ioas2, MAP_FIXED_RW, buf2, BUF_SIZE, &iova);
	test_hwpt_alloc(self->idev_id, ioas2, 0, &hwpt2);
	test_check_map(self->hwpt_id, IOVA_IN, BUF_SIZE, self->buf);
	test_check_map(hwpt2, IOVA_IN, BUF_SIZE, buf2);
	test_err_check_map(EINVAL, hwpt2, IOVA_IN, BUF_SIZE, self->buf);
	ASSERT_PINNED(2 * BUF_PAGES);

	/* to the HWPT of the other IOAS: the automatic one goes away */
	test_replace(self->stdev_id, hwpt2, hwpt2);
	test_err_check_map(ENOENT, self->hwpt_id, IOVA_IN, BUF_SIZE,
			   self->buf);
	test_err_destroy(ENOENT, self->hwpt_id);
	test_check_map(hwpt2, IOVA_IN, BUF_SIZE, buf2);
	check_no_domain_ranges(self->ioas_id);
	check_mock_ranges(ioas2);
	ASSERT_PINNED(BUF_PAGES);
	test_check_refs(self->buf, BUF_SIZE, 0);
	test_check_refs(buf2, BUF_SIZE, 1);
	test_err_destroy(EBUSY, hwpt2);
	test_err_destroy(EBUSY, ioas2);

	/* and back, through the IOAS: a new automatic HWPT */
	test_replace_get(self->stdev_id, self->ioas_id, &auto1);
	ASSERT_NE(hwpt2, auto1);
	test_check_map(auto1, IOVA_IN, BUF_SIZE, self->buf);
	check_mock_ranges(self->ioas_id);
	ASSERT_PINNED(2 * BUF_PAGES);
	/* the manual HWPT outlives the move */
	test_check_map(hwpt2, IOVA_IN, BUF_SIZE, buf2);

	/* to the other IOAS itself: it gets an automatic HWPT of its own */
	test_replace_get(self->stdev_id, ioas2, &auto2);
	ASSERT_NE(hwpt2, auto2);
	ASSERT_NE(auto1, auto2);
	test_err_check_map(ENOENT, auto1, IOVA_IN, BUF_SIZE, self->buf);
	test_check_map(auto2, IOVA_IN, BUF_SIZE, buf2);
	ASSERT_PINNED(BUF_PAGES);

	/* a second device joining the IOAS finds that one */
	test_mock_domain(ioas2, &stdev2, &hwpt_s2, NULL);
	ASSERT_EQ(auto2, hwpt_s2);
	/* and moving it to the first IOAS makes a new one there */
	test_replace_get(stdev2, self->ioas_id, &auto1);
	ASSERT_NE(auto2, auto1);
	ASSERT_NE(hwpt2, auto1);
	test_check_map(auto1, IOVA_IN, BUF_SIZE, self->buf);

	/* mappings made after the moves follow too */
	iova = IOVA_IN + 2 * BUF_SIZE;
	test_ioctl_ioas_map(ioas2, MAP_FIXED_RW, self->buf, BUF_SIZE, &iova);
	test_check_map(auto2, iova, BUF_SIZE, self->buf);
	test_check_map(hwpt2, iova, BUF_SIZE, self->buf);
	test_err_check_map(EINVAL, auto1, iova, BUF_SIZE, self->buf);
	test_ioctl_ioas_unmap(ioas2, iova, BUF_SIZE, BUF_SIZE);
	test_err_check_map(EINVAL, auto2, iova, PAGE_SIZE, self->buf);
	test_err_check_map(EINVAL, hwpt2, iova, PAGE_SIZE, self->buf);

	test_ioctl_destroy(stdev2);
	test_ioctl_destroy(self->stdev_id);
	test_ioctl_destroy(hwpt2);
	ASSERT_PINNED(0);
	test_ioctl_destroy(ioas2);
	emu_free_buffer(buf2, BUF_SIZE);
}

TEST_F(hwpt, replace_manual_pair)
{
	__u64 iova = IOVA_IN;
	__u32 ioas2, m1, m2, hwpt_id;
	__u8 *buf2;
	int i;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	buf2 = emu_alloc_buffer(BUF_SIZE, HUGE_PAGE_SIZE);
	ASSERT_NE(NULL, buf2);
	test_ioctl_ioas_map(self->ioas_id, MAP_FIXED_RW, self->buf, BUF_SIZE,
			    &iova);
	test_ioctl_ioas_alloc(&ioas2);
	test_ioctl_ioas_map(ioas2, MAP_FIXED_RW, buf2, BUF_SIZE, &iova);
	test_hwpt_alloc(self->idev_id, self->ioas_id, 0, &m1);
	test_hwpt_alloc(self->idev_id, ioas2, IOMMU_HWPT_ALLOC_NEST_PARENT,
			&m2);

	/* back and forth between two hand-made HWPTs of different IOASes */
	test_replace(self->stdev_id, m1, m1);
	test_err_destroy(ENOENT, self->hwpt_id);
	for (i = 0; i < 3; i++) {
		test_replace(self->stdev_id, m2, m2);
		test_err_destroy(EBUSY, m2);
		test_check_map(m2, IOVA_IN, BUF_SIZE, buf2);
		test_replace(self->stdev_id, m1, m1);
		test_err_destroy(EBUSY, m1);
		test_check_map(m1, IOVA_IN, BUF_SIZE, self->buf);
	}
	ASSERT_PINNED(2 * BUF_PAGES);

	/* the reference moves with the device: the one left behind is idle */
	test_ioctl_destroy(m2);
	check_no_domain_ranges(ioas2);
	ASSERT_PINNED(BUF_PAGES);
	test_replace_get(self->stdev_id, ioas2, &hwpt_id);
	ASSERT_NE(m1, hwpt_id);
	test_check_map(hwpt_id, IOVA_IN, BUF_SIZE, buf2);
	test_ioctl_destroy(m1);
	check_no_domain_ranges(self->ioas_id);
	check_mock_ranges(ioas2);
	ASSERT_PINNED(BUF_PAGES);
	test_check_refs(self->buf, BUF_SIZE, 0);
	test_check_refs(buf2, BUF_SIZE, 1);

	test_ioctl_destroy(self->stdev_id);
	test_err_destroy(ENOENT, hwpt_id);
	ASSERT_PINNED(0);
	test_ioctl_destroy(ioas2);
	emu_free_buffer(buf2, BUF_SIZE);
}

TEST_F(hwpt, replace_noop)
{
	__u32 manual;
	__u64 iova = 0;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, BUF_SIZE, &iova);

	/* to the current HWPT, by id or through its IOAS */
	test_replace(self->stdev_id, self->hwpt_id, self->hwpt_id);
	test_replace(self->stdev_id, self->ioas_id, self->hwpt_id);
	test_check_map(self->hwpt_id, iova, BUF_SIZE, self->buf);
	test_err_destroy(EBUSY, self->hwpt_id);
	ASSERT_PINNED(BUF_PAGES);

	/* the same on a HWPT made by hand */
	test_hwpt_alloc(self->idev_id, self->ioas_id, 0, &manual);
	test_replace(self->stdev_id, manual, manual);
	test_replace(self->stdev_id, manual, manual);
	test_check_map(manual, iova, BUF_SIZE, self->buf);
	test_err_destroy(EBUSY, manual);
	/* through the IOAS a device never lands on a manual HWPT */
	test_replace_get(self->stdev_id, self->ioas_id, &self->hwpt_id);
	ASSERT_NE(manual, self->hwpt_id);
	test_ioctl_destroy(manual);
	test_check_map(self->hwpt_id, iova, BUF_SIZE, self->buf);
}

TEST_F(hwpt, replace_errors)
{
	__u32 gone, ioas2, manual;
	__u64 iova = 0, iova2;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, BUF_SIZE, &iova);
	test_hwpt_alloc(self->idev_id, self->ioas_id, 0, &gone);
	test_ioctl_destroy(gone);

	/* a target that does not exist (any more) */
	test_err_replace(ENOENT, self->stdev_id, gone);
	test_err_replace(ENOENT, self->stdev_id, 0);
	test_err_replace(ENOENT, self->stdev_id, NO_SUCH_ID);
	/* a target that is not an IOAS or a HWPT */
	test_err_replace(EINVAL, self->stdev_id, self->idev_id);
	test_err_replace(EINVAL, self->stdev_id, self->stdev_id);
	/* a device that is not a mock device object */
	test_err_replace(ENOENT, NO_SUCH_ID, self->ioas_id);
	test_err_replace(ENOENT, 0, self->ioas_id);
	test_err_replace(ENOENT, self->ioas_id, self->ioas_id);
	test_err_replace(ENOENT, self->hwpt_id, self->ioas_id);
	test_err_replace(ENOENT, self->idev_id, self->ioas_id);

	/* an area the new domain cannot hold */
	test_ioctl_ioas_alloc(&ioas2);
	iova2 = IOVA_LOW;
	test_ioctl_ioas_map(ioas2, MAP_FIXED_RW, self->buf, PAGE_SIZE, &iova2);
	test_err_replace(EADDRINUSE, self->stdev_id, ioas2);
	check_no_domain_ranges(ioas2);

	/* after all that the device is still where it was */
	test_replace(self->stdev_id, self->ioas_id, self->hwpt_id);
	test_check_map(self->hwpt_id, iova, BUF_SIZE, self->buf);
	test_err_destroy(EBUSY, self->hwpt_id);
	ASSERT_PINNED(BUF_PAGES);

	/* a destroyed device can be neither replaced nor destroyed again */
	test_hwpt_alloc(self->idev_id, self->ioas_id, 0, &manual);
	test_ioctl_destroy(self->stdev_id);
	test_err_replace(ENOENT, self->stdev_id, manual);
	test_err_destroy(ENOENT, self->stdev_id);
	test_err_destroy(ENOENT, self->idev_id);
	test_err_hwpt_alloc(ENOENT, self->idev_id, self->ioas_id, 0);
	test_ioctl_destroy(manual);
	ASSERT_PINNED(0);
	test_ioctl_destroy(ioas2);
}

TEST_F(hwpt, destroy_busy)
{
	__u32 manual, stdev2;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	/* the device object belongs to its driver */
	test_err_destroy(EBUSY, self->idev_id);
	test_err_destroy(EBUSY, self->hwpt_id);
	test_err_destroy(EBUSY, self->ioas_id);

	/* an unattached HWPT still holds its IOAS */
	test_hwpt_alloc(self->idev_id, self->ioas_id, 0, &manual);
	test_ioctl_destroy(self->stdev_id);
	test_err_destroy(EBUSY, self->ioas_id);
	test_err_destroy(ENOENT, self->hwpt_id);

	/* attached to a device, a manual HWPT is busy too */
	test_mock_domain(manual, &stdev2, NULL, NULL);
	test_err_destroy(EBUSY, manual);
	test_err_destroy(EBUSY, self->ioas_id);
	test_ioctl_destroy(stdev2);
	test_ioctl_destroy(manual);
	test_ioctl_destroy(self->ioas_id);
}

TEST_F(hwpt, close_with_devices)
{
	__u32 ioas2, manual, stdev2, stdev3;
	__u64 iova = 0;

	if (self->skip)
		SKIP(return, "%s", self->skip);
	/* devices on automatic and manual HWPTs of two IOASes, and copies */
	test_ioctl_ioas_map(self->ioas_id, MAP_RW, self->buf, BUF_SIZE, &iova);
	test_ioctl_ioas_alloc(&ioas2);
	test_hwpt_alloc(self->idev_id, ioas2, IOMMU_HWPT_ALLOC_NEST_PARENT,
			&manual);
	test_mock_domain(manual, &stdev2, NULL, NULL);
	test_mock_domain(ioas2, &stdev3, NULL, NULL);
	test_ioctl_ioas_copy(MAP_RW, ioas2, &iova, self->ioas_id, iova,
			     BUF_SIZE);
	ASSERT_PINNED(BUF_PAGES);

	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	ASSERT_PINNED(0);

	self->fd = emu_open();
	ASSERT_LE(0, self->fd);
	test_check_refs(self->buf, BUF_SIZE, 0);
}

TEST_HARNESS_MAIN
