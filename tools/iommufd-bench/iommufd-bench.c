// SPDX-License-Identifier: GPL-2.0
/*
 * iommufd-bench: prints how long the IOAS paths take.
 *
 * For each memory backing (4K pages, transparent huge pages) it times:
 *  - IOMMU_IOAS_MAP + IOMMU_IOAS_UNMAP of the whole buffer with nothing
 *    attached (bookkeeping only: pages are pinned on demand);
 *  - pinning the whole buffer through an in-kernel access, and unpinning it
 *    (the cost a device attach or DMA will pay), as GiB/s and ns per page;
 *  - IOMMU_IOAS_COPY of the pinned mapping into a second IOAS.
 * Memory is faulted in before timing so that zeroing is not measured.
 * Numbers, not verdicts: under QEMU TCG they are only comparable with
 * each other.
 *
 * usage: iommufd-bench [-m MIB] [-l LOOPS]
 */
#include <time.h>

#define IOMMUFD_EMU_NO_HARNESS
#include "../testing/selftests/iommufd_emu/iommufd_emu_utils.h"

/* One ACCESS_PAGES call may cover at most this much */
#define PIN_CHUNK	(16UL << 20)

struct bench {
	int fd;
	__u32 ioas;
	__u32 copy_ioas;
	size_t length;
	unsigned int loops;
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "iommufd-bench: %s: %s\n", what, emu_rc_name(rc));
	exit(1);
}

static void report(const char *backing, const char *what, size_t length,
		   double ns)
{
	double gib = (double)length / (1UL << 30);

	printf("%-5s %-28s %8.3f ms  %9.2f GiB/s  %8.1f ns/4K page\n",
	       backing, what, ns / 1e6, gib / (ns / 1e9),
	       ns / (length / PAGE_SIZE));
}

static void bench_map_unmap(struct bench *b, const char *backing, void *buf)
{
	double total = 0;
	unsigned int i;
	int rc;

	for (i = 0; i != b->loops; i++) {
		__u64 iova = 0, unmapped;
		double start = now_ns();

		rc = emu_ioas_map(b->fd, b->ioas, MAP_RW, buf, b->length, &iova);
		if (rc)
			die("IOAS_MAP", rc);
		rc = emu_ioas_unmap(b->fd, b->ioas, iova, b->length, &unmapped);
		if (rc)
			die("IOAS_UNMAP", rc);
		total += now_ns() - start;
	}
	report(backing, "map+unmap, nothing attached", b->length,
	       total / b->loops);
}

static void bench_pin(struct bench *b, const char *backing, void *buf)
{
	size_t nchunks = b->length / PIN_CHUNK;
	double pin = 0, unpin = 0, copy = 0;
	__u32 *ids = calloc(nchunks, sizeof(*ids));
	unsigned int i;
	size_t c;
	int access_fd;
	int rc;

	if (!ids)
		die("calloc", -ENOMEM);
	for (i = 0; i != b->loops; i++) {
		__u64 iova = 0, dst = 0, unmapped;
		double start;

		rc = emu_ioas_map(b->fd, b->ioas, MAP_RW, buf, b->length, &iova);
		if (rc)
			die("IOAS_MAP", rc);
		rc = emu_test_create_access(b->fd, b->ioas, &access_fd);
		if (rc)
			die("CREATE_ACCESS", rc);

		start = now_ns();
		for (c = 0; c != nchunks; c++) {
			rc = emu_test_access_pin(b->fd, access_fd,
						 iova + c * PIN_CHUNK,
						 PIN_CHUNK, NULL, true, &ids[c]);
			if (rc)
				die("ACCESS_PAGES", rc);
		}
		pin += now_ns() - start;

		start = now_ns();
		rc = emu_ioas_copy(b->fd, MAP_RW, b->copy_ioas, &dst, b->ioas,
				   iova, b->length);
		if (rc)
			die("IOAS_COPY", rc);
		copy += now_ns() - start;
		rc = emu_ioas_unmap(b->fd, b->copy_ioas, 0, UINT64_MAX,
				    &unmapped);
		if (rc)
			die("IOAS_UNMAP", rc);

		start = now_ns();
		for (c = 0; c != nchunks; c++) {
			rc = emu_test_access_unpin(b->fd, access_fd, ids[c]);
			if (rc)
				die("DESTROY_ACCESS_PAGES", rc);
		}
		unpin += now_ns() - start;

		close(access_fd);
		rc = emu_ioas_unmap(b->fd, b->ioas, iova, b->length, &unmapped);
		if (rc)
			die("IOAS_UNMAP", rc);
	}
	report(backing, "pin through an access", b->length, pin / b->loops);
	report(backing, "unpin", b->length, unpin / b->loops);
	report(backing, "copy of a pinned mapping", b->length,
	       copy / b->loops);
	free(ids);
}

static void run_backing(struct bench *b, const char *backing, int advice)
{
	size_t total = b->length + HUGE_PAGE_SIZE;
	uintptr_t aligned;
	void *map, *buf;

	/* Huge-page aligned so that THP can back all of it */
	map = mmap(NULL, total, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		die("mmap", -errno);
	aligned = ((uintptr_t)map + HUGE_PAGE_SIZE - 1) & ~(HUGE_PAGE_SIZE - 1);
	buf = (void *)aligned;
	if (madvise(buf, b->length, advice))
		die("madvise", -errno);
	/* Fault everything in first: zeroing pages is not what we measure */
	memset(buf, 0x5a, b->length);

	bench_map_unmap(b, backing, buf);
	bench_pin(b, backing, buf);
	munmap(map, total);
}

int main(int argc, char **argv)
{
	struct bench b = { .length = 256UL << 20, .loops = 5 };
	int opt;
	int rc;

	while ((opt = getopt(argc, argv, "m:l:")) != -1) {
		switch (opt) {
		case 'm':
			b.length = strtoul(optarg, NULL, 0) << 20;
			break;
		case 'l':
			b.loops = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: %s [-m MIB] [-l LOOPS]\n",
				argv[0]);
			return 2;
		}
	}
	if (!b.loops || !b.length || b.length % PIN_CHUNK) {
		fprintf(stderr, "iommufd-bench: size must be a multiple of 16 MiB\n");
		return 2;
	}

	b.fd = emu_open();
	if (b.fd < 0)
		die("open", -errno);
	rc = emu_ioas_alloc(b.fd, &b.ioas);
	if (!rc)
		rc = emu_ioas_alloc(b.fd, &b.copy_ioas);
	if (rc)
		die("IOAS_ALLOC", rc);

	printf("iommufd-bench: %zu MiB, %u loops, times are per loop\n",
	       b.length >> 20, b.loops);
	run_backing(&b, "4K", MADV_NOHUGEPAGE);
	run_backing(&b, "THP", MADV_HUGEPAGE);
	close(b.fd);
	return 0;
}
