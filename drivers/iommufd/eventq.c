// SPDX-License-Identifier: GPL-2.0
/*
 * Event queues: objects whose records userspace reads from a file
 * descriptor of their own.
 *
 * The first part is common to every kind of queue: the anonymous file, its
 * poll and release, and the list of records not read yet. Each kind brings
 * its record type, its read() and, if it takes answers, its write(). The
 * kinds follow below, each in a section of its own.
 *
 * Lifetime: the open file holds a users reference on the object and a
 * reference on the context's file. So the object outlives every read(),
 * IOMMU_DESTROY of it fails with EBUSY until the fd is closed, and the
 * context is torn down only once every queue fd is closed.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/iommufd.h>

#include "iommufd_private.h"

/* ---- Common to every event queue ---- */

/**
 * iommufd_eventq_init() - set up the common part of a new queue object
 * @eventq: the queue, freshly allocated as an object of @ictx
 * @ictx: the context
 */
void iommufd_eventq_init(struct iommufd_eventq *eventq,
			 struct iommufd_ctx *ictx)
{
	eventq->ictx = ictx;
	spin_lock_init(&eventq->lock);
	INIT_LIST_HEAD(&eventq->deliver);
	init_waitqueue_head(&eventq->wait_queue);
}

/**
 * iommufd_eventq_open_file() - give a queue the file userspace reads
 * @eventq: the queue, set up with iommufd_eventq_init()
 * @name: name of the anonymous inode, as /proc/PID/fd shows it
 * @fops: the queue type's operations, made with IOMMUFD_EVENTQ_FOPS()
 *
 * The file takes a users reference on the object and a reference on the
 * context's file, both dropped when it is released. Its release would run
 * later than an abort of the object could, so this must be the last step
 * of creating the object that can fail: afterwards the caller finalizes
 * the object and installs @eventq->filep into an fd it reserved before.
 *
 * Return: 0 or a negative errno; on failure nothing was taken.
 */
int iommufd_eventq_open_file(struct iommufd_eventq *eventq, const char *name,
			     const struct file_operations *fops)
{
	struct file *filep;

	filep = anon_inode_getfile(name, fops, eventq, O_RDWR);
	if (IS_ERR(filep))
		return PTR_ERR(filep);
	/* Both dropped by iommufd_eventq_fops_release() */
	refcount_inc(&eventq->obj.users);
	get_file(eventq->ictx->file);
	eventq->filep = filep;
	return 0;
}

/**
 * iommufd_eventq_push() - queue a record and wake the readers
 * @eventq: the queue
 * @record: the record's list node; the queue owns the record until a
 *	    reader pops it (or the queue type's destroy frees it)
 *
 * Does not sleep.
 */
void iommufd_eventq_push(struct iommufd_eventq *eventq,
			 struct list_head *record)
{
	spin_lock(&eventq->lock);
	list_add_tail(record, &eventq->deliver);
	spin_unlock(&eventq->lock);
	wake_up_interruptible(&eventq->wait_queue);
}

/**
 * iommufd_eventq_pop() - take the oldest record off the queue
 * @eventq: the queue
 *
 * Return: the record's list node, or NULL when the queue is empty.
 */
struct list_head *iommufd_eventq_pop(struct iommufd_eventq *eventq)
{
	struct list_head *record = NULL;

	spin_lock(&eventq->lock);
	if (!list_empty(&eventq->deliver)) {
		record = eventq->deliver.next;
		list_del_init(record);
	}
	spin_unlock(&eventq->lock);
	return record;
}

/**
 * iommufd_eventq_unpop() - put a record back as the oldest one
 * @eventq: the queue
 * @record: what iommufd_eventq_pop() returned, for a reader that could not
 *	    hand it out after all
 */
void iommufd_eventq_unpop(struct iommufd_eventq *eventq,
			  struct list_head *record)
{
	spin_lock(&eventq->lock);
	list_add(record, &eventq->deliver);
	spin_unlock(&eventq->lock);
}

/**
 * iommufd_eventq_fops_poll() - poll of every queue's fd
 * @filep: the file
 * @wait: the poll table
 *
 * Readable while records wait; always writable for the kinds of queue that
 * take answers.
 *
 * Return: the poll mask.
 */
__poll_t iommufd_eventq_fops_poll(struct file *filep,
				  struct poll_table_struct *wait)
{
	struct iommufd_eventq *eventq = filep->private_data;
	__poll_t mask = 0;

	poll_wait(filep, &eventq->wait_queue, wait);
	if (filep->f_op->write)
		mask |= EPOLLOUT | EPOLLWRNORM;
	spin_lock(&eventq->lock);
	if (!list_empty(&eventq->deliver))
		mask |= EPOLLIN | EPOLLRDNORM;
	spin_unlock(&eventq->lock);
	return mask;
}

/**
 * iommufd_eventq_fops_release() - the last close of a queue's fd
 * @inode: the anonymous inode
 * @filep: the file
 *
 * Records stay queued: the object lives on until it is destroyed.
 *
 * Return: 0.
 */
int iommufd_eventq_fops_release(struct inode *inode, struct file *filep)
{
	struct iommufd_eventq *eventq = filep->private_data;
	/* The object may go as soon as its reference is dropped */
	struct file *ictx_file = eventq->ictx->file;

	refcount_dec(&eventq->obj.users);
	fput(ictx_file);
	return 0;
}
