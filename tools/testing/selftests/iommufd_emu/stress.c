// SPDX-License-Identifier: GPL-2.0
/*
 * Multi-threaded smoke tests: several threads mapping, copying, pinning and
 * unmapping on one /dev/iommu context at the same time.  Each test is
 * bounded in iterations and in time; afterwards every IOAS must be empty and
 * nothing may stay pinned.
 */
#include <pthread.h>
#include <time.h>

#include "iommufd_emu_utils.h"

#define THREAD_BUF_PAGES	16
#define THREAD_BUF_SIZE		(THREAD_BUF_PAGES * PAGE_SIZE)
#define IOVA_BASE		0x10000000ULL
/* Stop early when a slow (emulated, debug) machine takes this long. */
#define TIME_BUDGET_SEC		8

struct stress_shared {
	int fd;
	__u32 shared_ioas;
	bool use_access;
	int iterations;
	time_t deadline;
	/* the first failure seen by any thread, for the report */
	pthread_mutex_t lock;
	int errors;
	char first_error[256];
	/* set when one thread should stop the others (atomic accesses) */
	bool stop;
};

struct stress_thread {
	struct stress_shared *sh;
	pthread_t thread;
	int index;
	__u8 *buf;
	__u32 own_ioas;
	int access_fd;
	int done;
};

static void record_error(struct stress_shared *sh, const char *what, int rc)
{
	pthread_mutex_lock(&sh->lock);
	if (!sh->errors++)
		snprintf(sh->first_error, sizeof(sh->first_error), "%s: %s",
			 what, emu_rc_name(rc));
	pthread_mutex_unlock(&sh->lock);
}

static void stop_all(struct stress_shared *sh)
{
	__atomic_store_n(&sh->stop, true, __ATOMIC_RELAXED);
}

static bool past_deadline(struct stress_shared *sh)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_RELAXED) ||
	       time(NULL) >= sh->deadline;
}

#define CHECK_RC(_sh, _want, _expr) ({					\
	int __want = (_want);						\
	int __rc = (_expr);						\
									\
	if (__rc != __want)						\
		record_error(_sh, #_expr, __rc);			\
	__rc == __want;							\
})

/*
 * One round: map into the shared IOAS (automatic IOVA) and into our own
 * (fixed IOVA), copy our own mapping into the shared IOAS, optionally pin
 * it, look at the ranges, then undo it all, checking every length.
 */
static bool one_round(struct stress_thread *t, int round)
{
	struct stress_shared *sh = t->sh;
	__u64 len = (1 + round % 4) * PAGE_SIZE;
	__u8 *va = t->buf + (round % 8) * PAGE_SIZE;
	__u64 own_iova = IOVA_BASE + t->index * THREAD_BUF_SIZE;
	__u64 shared_iova = 0, copy_iova = 0, unmapped = 0;
	struct iommu_iova_range range;
	__u32 num = 1, pin_id = 0;
	int fd = sh->fd;

	if (!CHECK_RC(sh, 0, emu_ioas_map(fd, sh->shared_ioas, MAP_RW, va, len,
					  &shared_iova)))
		return false;
	if (!CHECK_RC(sh, 0, emu_ioas_map(fd, t->own_ioas, MAP_FIXED_RW, va,
					  len, &own_iova)))
		return false;
	if (!CHECK_RC(sh, 0, emu_ioas_copy(fd, MAP_RW, sh->shared_ioas,
					   &copy_iova, t->own_ioas, own_iova,
					   len)))
		return false;
	if (shared_iova + len > copy_iova && copy_iova + len > shared_iova) {
		record_error(sh, "overlapping automatic IOVAs", 0);
		return false;
	}
	if (sh->use_access &&
	    !CHECK_RC(sh, 0, emu_test_access_pin(fd, t->access_fd, own_iova,
						 len, va, true, &pin_id)))
		return false;
	if (!CHECK_RC(sh, 0, emu_ioas_iova_ranges(fd, sh->shared_ioas, &range,
						  &num, NULL)))
		return false;
	/* every other round the unmap has to release the pin itself */
	if (sh->use_access && round % 2 &&
	    !CHECK_RC(sh, 0, emu_test_access_unpin(fd, t->access_fd, pin_id)))
		return false;

	if (!CHECK_RC(sh, 0, emu_ioas_unmap(fd, sh->shared_ioas, shared_iova,
					    len, &unmapped)) ||
	    !CHECK_RC(sh, (int)len, (int)unmapped))
		return false;
	if (!CHECK_RC(sh, 0, emu_ioas_unmap(fd, sh->shared_ioas, copy_iova, len,
					    &unmapped)) ||
	    !CHECK_RC(sh, (int)len, (int)unmapped))
		return false;
	if (!CHECK_RC(sh, 0, emu_ioas_unmap(fd, t->own_ioas, own_iova, len,
					    &unmapped)) ||
	    !CHECK_RC(sh, (int)len, (int)unmapped))
		return false;
	return true;
}

static void *mapper(void *arg)
{
	struct stress_thread *t = arg;
	int i;

	for (i = 0; i < t->sh->iterations && !past_deadline(t->sh); i++) {
		if (!one_round(t, i)) {
			stop_all(t->sh);
			break;
		}
		t->done++;
	}
	return NULL;
}

/* Object churn on the same context while the mappers run. */
static void *churner(void *arg)
{
	struct stress_thread *t = arg;
	struct stress_shared *sh = t->sh;
	__u64 val = 0;
	__u32 id;

	while (!past_deadline(sh) && t->done < sh->iterations) {
		if (!CHECK_RC(sh, 0, emu_ioas_alloc(sh->fd, &id)))
			break;
		if (id == sh->shared_ioas) {
			record_error(sh, "object id handed out twice", 0);
			break;
		}
		if (!CHECK_RC(sh, 0, emu_option(sh->fd, IOMMU_OPTION_HUGE_PAGES,
						IOMMU_OPTION_OP_GET,
						sh->shared_ioas, &val)) ||
		    !CHECK_RC(sh, 0, emu_destroy(sh->fd, id)) ||
		    !CHECK_RC(sh, -ENOENT, emu_destroy(sh->fd, id)))
			break;
		t->done++;
	}
	return NULL;
}

FIXTURE(stress)
{
	struct stress_shared sh;
	struct stress_thread threads[8];
	struct stress_thread churn;
	long pinned_base;
	bool test_cmd;
};

FIXTURE_VARIANT(stress)
{
	int nthreads;
	int iterations;
	bool use_access;
};

FIXTURE_VARIANT_ADD(stress, map_copy_unmap)
{
	.nthreads = 4,
	.iterations = 300,
};

FIXTURE_VARIANT_ADD(stress, with_pins)
{
	.nthreads = 4,
	.iterations = 200,
	.use_access = true,
};

FIXTURE_SETUP(stress)
{
	int i;

	self->pinned_base = my_pinned();
	self->sh.fd = emu_open();
	ASSERT_LE(0, self->sh.fd)
		TH_LOG("cannot open %s: %s", emu_dev_path(), strerror(errno));
	self->test_cmd = emu_test_cmd_available(self->sh.fd);
	ASSERT_EQ(0, pthread_mutex_init(&self->sh.lock, NULL));
	self->sh.iterations = variant->iterations;
	self->sh.use_access = variant->use_access;
	ASSERT_OK(emu_ioas_alloc(self->sh.fd, &self->sh.shared_ioas));

	ASSERT_GE(ARRAY_SIZE(self->threads), variant->nthreads);
	for (i = 0; i < variant->nthreads; i++) {
		struct stress_thread *t = &self->threads[i];

		t->sh = &self->sh;
		t->index = i;
		t->access_fd = -1;
		t->buf = emu_alloc_buffer(THREAD_BUF_SIZE, PAGE_SIZE);
		ASSERT_NE(NULL, t->buf);
		ASSERT_OK(emu_ioas_alloc(self->sh.fd, &t->own_ioas));
		if (variant->use_access && self->test_cmd)
			ASSERT_OK(emu_test_create_access(self->sh.fd,
							 t->own_ioas,
							 &t->access_fd));
	}
	self->churn.sh = &self->sh;
}

FIXTURE_TEARDOWN(stress)
{
	int i;

	for (i = 0; i < variant->nthreads; i++) {
		if (self->threads[i].access_fd >= 0)
			close(self->threads[i].access_fd);
		emu_free_buffer(self->threads[i].buf, THREAD_BUF_SIZE);
	}
	close(self->sh.fd);
	EXPECT_EQ(self->pinned_base, my_pinned());
}

TEST_F_TIMEOUT(stress, smoke, 90)
{
	__u64 unmapped = 1;
	int i, total = 0;

	if (variant->use_access && !self->test_cmd)
		SKIP(return, NO_TEST_CMD);

	self->sh.deadline = time(NULL) + TIME_BUDGET_SEC;
	for (i = 0; i < variant->nthreads; i++)
		ASSERT_EQ(0, pthread_create(&self->threads[i].thread, NULL,
					    mapper, &self->threads[i]));
	ASSERT_EQ(0, pthread_create(&self->churn.thread, NULL, churner,
				    &self->churn));
	for (i = 0; i < variant->nthreads; i++) {
		ASSERT_EQ(0, pthread_join(self->threads[i].thread, NULL));
		total += self->threads[i].done;
	}
	stop_all(&self->sh);
	ASSERT_EQ(0, pthread_join(self->churn.thread, NULL));

	if (self->sh.errors)
		TH_LOG("%d errors, first: %s", self->sh.errors,
		       self->sh.first_error);
	ASSERT_EQ(0, self->sh.errors);
	TH_LOG("%d rounds by %d threads, %d object cycles", total,
	       variant->nthreads, self->churn.done);
	/* at least some real work happened in the time budget */
	ASSERT_LE(variant->nthreads * 10, total);

	/* everything was unmapped: every IOAS is empty, nothing pinned */
	ASSERT_OK(emu_ioas_unmap(self->sh.fd, self->sh.shared_ioas, 0,
				 UINT64_MAX, &unmapped));
	ASSERT_EQ(0, unmapped);
	for (i = 0; i < variant->nthreads; i++) {
		ASSERT_OK(emu_ioas_unmap(self->sh.fd, self->threads[i].own_ioas,
					 0, UINT64_MAX, &unmapped));
		ASSERT_EQ(0, unmapped);
	}
	ASSERT_EQ(self->pinned_base, my_pinned());
}

/*
 * Unmap-all racing automatic maps.  A mapper's own unmap may find its
 * mapping already gone (ENOENT) or being torn down by the unmap-all
 * (EBUSY), and the unmap-all may meet a mapping still being set up (EBUSY);
 * nothing else may go wrong.
 */
struct racer {
	struct stress_shared *sh;
	pthread_t thread;
	pthread_barrier_t *start;
	__u8 *buf;
	int rounds;
};

static void *race_mapper(void *arg)
{
	struct racer *r = arg;
	struct stress_shared *sh = r->sh;
	__u64 iova, unmapped;
	int rc;

	pthread_barrier_wait(r->start);
	while (!past_deadline(sh) && r->rounds < sh->iterations) {
		iova = 0;
		if (!CHECK_RC(sh, 0, emu_ioas_map(sh->fd, sh->shared_ioas,
						  MAP_RW, r->buf, PAGE_SIZE,
						  &iova)))
			break;
		rc = emu_ioas_unmap(sh->fd, sh->shared_ioas, iova, PAGE_SIZE,
				    &unmapped);
		if (rc && rc != -ENOENT && rc != -EBUSY) {
			record_error(sh, "racing unmap", rc);
			break;
		}
		if (!rc && unmapped != PAGE_SIZE) {
			record_error(sh, "racing unmap length", 0);
			break;
		}
		r->rounds++;
	}
	return NULL;
}

static void *race_unmapper(void *arg)
{
	struct racer *r = arg;
	struct stress_shared *sh = r->sh;
	__u64 unmapped;
	int rc;

	pthread_barrier_wait(r->start);
	/* at least one round, however quickly the mappers are done */
	do {
		unmapped = 0;
		rc = emu_ioas_unmap(sh->fd, sh->shared_ioas, 0, UINT64_MAX,
				    &unmapped);
		if (rc == -EBUSY)
			continue;
		if (rc) {
			record_error(sh, "unmap-all", rc);
			break;
		}
		if (unmapped % PAGE_SIZE) {
			record_error(sh, "unmap-all length", 0);
			break;
		}
		r->rounds++;
	} while (!past_deadline(sh));
	return NULL;
}

TEST_F_TIMEOUT(stress, unmap_all_races_map, 90)
{
	struct racer racers[4] = {}, killer = { .sh = &self->sh };
	pthread_barrier_t start;
	__u64 unmapped = 1;
	int i;

	ASSERT_EQ(0, pthread_barrier_init(&start, NULL, 5));
	killer.start = &start;
	self->sh.deadline = time(NULL) + TIME_BUDGET_SEC;
	for (i = 0; i < 4; i++) {
		racers[i].sh = &self->sh;
		racers[i].start = &start;
		racers[i].buf = self->threads[i % variant->nthreads].buf;
		ASSERT_EQ(0, pthread_create(&racers[i].thread, NULL,
					    race_mapper, &racers[i]));
	}
	ASSERT_EQ(0, pthread_create(&killer.thread, NULL, race_unmapper,
				    &killer));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, pthread_join(racers[i].thread, NULL));
	stop_all(&self->sh);
	ASSERT_EQ(0, pthread_join(killer.thread, NULL));

	if (self->sh.errors)
		TH_LOG("%d errors, first: %s", self->sh.errors,
		       self->sh.first_error);
	ASSERT_EQ(0, self->sh.errors);
	ASSERT_LT(0, killer.rounds);
	ASSERT_LT(0, racers[0].rounds);
	pthread_barrier_destroy(&start);
	ASSERT_OK(emu_ioas_unmap(self->sh.fd, self->sh.shared_ioas, 0,
				 UINT64_MAX, &unmapped));
	ASSERT_EQ(0, unmapped);
	ASSERT_EQ(self->pinned_base, my_pinned());
}

/* Threads each with their own context, opened and closed in a loop. */
static void *context_cycler(void *arg)
{
	struct racer *r = arg;
	struct stress_shared *sh = r->sh;
	__u64 iova;
	__u32 id;
	int fd;

	while (!past_deadline(sh) && r->rounds < sh->iterations / 4) {
		fd = emu_open();
		if (fd < 0) {
			record_error(sh, "open", -errno);
			break;
		}
		iova = 0;
		if (!CHECK_RC(sh, 0, emu_ioas_alloc(fd, &id)) ||
		    !CHECK_RC(sh, 1, (int)id) ||
		    !CHECK_RC(sh, 0, emu_ioas_map(fd, id, MAP_RW, r->buf,
						  THREAD_BUF_SIZE, &iova))) {
			close(fd);
			break;
		}
		/* closing with the mapping in place cleans it up */
		close(fd);
		r->rounds++;
	}
	return NULL;
}

TEST_F_TIMEOUT(stress, contexts_in_parallel, 90)
{
	struct racer racers[4] = {};
	int i;

	self->sh.deadline = time(NULL) + TIME_BUDGET_SEC;
	for (i = 0; i < 4; i++) {
		racers[i].sh = &self->sh;
		racers[i].buf = self->threads[i % variant->nthreads].buf;
		ASSERT_EQ(0, pthread_create(&racers[i].thread, NULL,
					    context_cycler, &racers[i]));
	}
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, pthread_join(racers[i].thread, NULL));
	if (self->sh.errors)
		TH_LOG("%d errors, first: %s", self->sh.errors,
		       self->sh.first_error);
	ASSERT_EQ(0, self->sh.errors);
	ASSERT_LT(0, racers[0].rounds);
	ASSERT_EQ(self->pinned_base, my_pinned());
}

TEST_HARNESS_MAIN
