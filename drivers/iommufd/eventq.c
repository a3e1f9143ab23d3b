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
#include "../iommu/emu_iommu.h"

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

/*
 * ---- Fault queues (IOMMU_FAULT_QUEUE_ALLOC) ----
 *
 * A fault queue takes the page request groups the IOMMU core routes to the
 * domain of a HWPT connected to it. read() hands out every request of a
 * group, each as a struct iommu_hwpt_pgfault carrying the group's cookie;
 * the group then waits in @response until write() answers it by cookie
 * with a struct iommu_hwpt_page_response. Groups still unanswered when the
 * HWPT leaves their attachment (last detach, or replace) are answered
 * INVALID automatically: the device must not wait for a domain that is
 * gone.
 */

static struct iommufd_fault *to_fault(struct iommufd_eventq *eventq)
{
	return container_of(eventq, struct iommufd_fault, common);
}

struct iommufd_fault *iommufd_get_fault(struct iommufd_ctx *ictx, u32 id)
{
	struct iommufd_object *obj;

	obj = iommufd_get_object(ictx, id, IOMMUFD_OBJ_FAULT);
	if (IS_ERR(obj))
		return ERR_CAST(obj);
	return container_of(obj, struct iommufd_fault, common.obj);
}

/* Called by the IOMMU core, under the hardware group's lock */
int iommufd_fault_iopf_handler(struct emu_iopf_group *iopf)
{
	struct iommufd_hw_pagetable *hwpt = iopf->domain->iopf_data;
	struct iommufd_fault *fault = hwpt->fault;

	iopf->user_dev_id = iommufd_group_fault_dev_id(fault->common.ictx,
						       iopf);
	iommufd_eventq_push(&fault->common, &iopf->node);
	return 0;
}

/* Did @iopf come in through @hwpt's attachment at (@group, @pasid)? */
static bool iommufd_fault_from(struct emu_iopf_group *iopf,
			       struct iommufd_hw_pagetable *hwpt,
			       struct emu_group *group, u32 pasid)
{
	return iopf->domain == hwpt->domain && iopf->attach_group == group &&
	       iopf->attach_pasid == pasid;
}

/**
 * iommufd_fault_auto_respond() - answer what an attachment left unanswered
 * @hwpt: the HWPT that was attached
 * @group: the hardware group it was attached to
 * @pasid: the PASID slot
 *
 * Called once the hardware no longer routes page requests of (@group,
 * @pasid) to @hwpt's domain: every group still queued or read but not
 * answered is answered INVALID.
 */
void iommufd_fault_auto_respond(struct iommufd_hw_pagetable *hwpt,
				struct emu_group *group, u32 pasid)
{
	struct iommufd_fault *fault = hwpt->fault;
	struct emu_iopf_group *iopf, *next;
	unsigned long cookie;
	LIST_HEAD(unread);

	if (!fault)
		return;

	mutex_lock(&fault->mutex);
	spin_lock(&fault->common.lock);
	list_for_each_entry_safe(iopf, next, &fault->common.deliver, node) {
		if (iommufd_fault_from(iopf, hwpt, group, pasid))
			list_move_tail(&iopf->node, &unread);
	}
	spin_unlock(&fault->common.lock);
	list_for_each_entry_safe(iopf, next, &unread, node) {
		list_del(&iopf->node);
		emu_iopf_group_respond(iopf, EMU_PAGE_RESP_INVALID);
	}

	xa_for_each(&fault->response, cookie, iopf) {
		if (!iommufd_fault_from(iopf, hwpt, group, pasid))
			continue;
		xa_erase(&fault->response, cookie);
		emu_iopf_group_respond(iopf, EMU_PAGE_RESP_INVALID);
	}
	mutex_unlock(&fault->mutex);
}

void iommufd_fault_destroy(struct iommufd_object *obj)
{
	struct iommufd_fault *fault =
		container_of(obj, struct iommufd_fault, common.obj);
	struct list_head *record;
	struct emu_iopf_group *iopf;
	unsigned long cookie;

	/*
	 * Every HWPT connected to the queue is gone, and their detaches
	 * answered their groups; nothing should be left, but a group must
	 * never stay unanswered.
	 */
	while ((record = iommufd_eventq_pop(&fault->common)))
		emu_iopf_group_respond(list_entry(record, struct emu_iopf_group,
						  node),
				       EMU_PAGE_RESP_INVALID);
	xa_for_each(&fault->response, cookie, iopf) {
		xa_erase(&fault->response, cookie);
		emu_iopf_group_respond(iopf, EMU_PAGE_RESP_INVALID);
	}
	xa_destroy(&fault->response);
	mutex_destroy(&fault->mutex);
}

/* One request of @iopf as userspace reads it */
static void iommufd_fault_record(const struct emu_iopf_group *iopf,
				 const struct emu_page_request *req,
				 struct iommu_hwpt_pgfault *out)
{
	memset(out, 0, sizeof(*out));
	if (req->flags & EMU_PRQ_PASID_VALID)
		out->flags |= IOMMU_PGFAULT_FLAGS_PASID_VALID;
	if (req->flags & EMU_PRQ_LAST_PAGE)
		out->flags |= IOMMU_PGFAULT_FLAGS_LAST_PAGE;
	if (req->perm & EMU_PRQ_PERM_READ)
		out->perm |= IOMMU_PGFAULT_PERM_READ;
	if (req->perm & EMU_PRQ_PERM_WRITE)
		out->perm |= IOMMU_PGFAULT_PERM_WRITE;
	if (req->perm & EMU_PRQ_PERM_EXEC)
		out->perm |= IOMMU_PGFAULT_PERM_EXEC;
	if (req->perm & EMU_PRQ_PERM_PRIV)
		out->perm |= IOMMU_PGFAULT_PERM_PRIV;
	out->dev_id = iopf->user_dev_id;
	out->pasid = req->pasid;
	out->grpid = req->grpid;
	out->addr = req->addr;
	/* A page request names an address, not a range */
	out->length = 0;
	out->cookie = iopf->cookie;
}

/*
 * Hands out whole groups only, as many as fit. A buffer too small for the
 * first group is EINVAL; its size must be a multiple of the record.
 */
static ssize_t iommufd_fault_fops_read(struct file *filep, char __user *buf,
				       size_t count, loff_t *ppos)
{
	const size_t record_size = sizeof(struct iommu_hwpt_pgfault);
	struct iommufd_fault *fault = to_fault(filep->private_data);
	struct iommu_hwpt_pgfault record;
	struct emu_iopf_request *req;
	struct emu_iopf_group *iopf;
	struct list_head *node;
	size_t done = 0;
	int rc = 0;

	if (*ppos || count % record_size)
		return -ESPIPE;

	mutex_lock(&fault->mutex);
	while ((node = iommufd_eventq_pop(&fault->common))) {
		size_t group_done = done;

		iopf = list_entry(node, struct emu_iopf_group, node);
		if (iopf->nr_requests * record_size > count - done) {
			iommufd_eventq_unpop(&fault->common, node);
			if (!done)
				rc = -EINVAL;
			break;
		}
		/* The cookie stays valid until the group is answered */
		rc = xa_alloc(&fault->response, &iopf->cookie, iopf,
			      xa_limit_32b, GFP_KERNEL_ACCOUNT);
		if (rc) {
			iommufd_eventq_unpop(&fault->common, node);
			break;
		}
		list_for_each_entry(req, &iopf->requests, node) {
			iommufd_fault_record(iopf, &req->req, &record);
			if (copy_to_user(buf + group_done, &record,
					 record_size)) {
				rc = -EFAULT;
				break;
			}
			group_done += record_size;
		}
		if (rc) {
			xa_erase(&fault->response, iopf->cookie);
			iommufd_eventq_unpop(&fault->common, node);
			break;
		}
		done = group_done;
	}
	mutex_unlock(&fault->mutex);
	return done ? done : rc;
}

/* Answers by cookie, in order; stops at the first bad one */
static ssize_t iommufd_fault_fops_write(struct file *filep,
					const char __user *buf, size_t count,
					loff_t *ppos)
{
	const size_t response_size = sizeof(struct iommu_hwpt_page_response);
	struct iommufd_fault *fault = to_fault(filep->private_data);
	struct iommu_hwpt_page_response response;
	struct emu_iopf_group *iopf;
	enum emu_page_response code;
	size_t done = 0;
	int rc = 0;

	if (*ppos || count % response_size)
		return -ESPIPE;

	mutex_lock(&fault->mutex);
	while (done < count) {
		if (copy_from_user(&response, buf + done, response_size)) {
			rc = -EFAULT;
			break;
		}
		switch (response.code) {
		case IOMMUFD_PAGE_RESP_SUCCESS:
			code = EMU_PAGE_RESP_SUCCESS;
			break;
		case IOMMUFD_PAGE_RESP_INVALID:
			code = EMU_PAGE_RESP_INVALID;
			break;
		default:
			rc = -EINVAL;
			break;
		}
		if (rc)
			break;
		iopf = xa_erase(&fault->response, response.cookie);
		if (!iopf) {
			rc = -EINVAL;
			break;
		}
		emu_iopf_group_respond(iopf, code);
		done += response_size;
	}
	mutex_unlock(&fault->mutex);
	return done ? done : rc;
}

static const struct file_operations iommufd_fault_fops =
	IOMMUFD_EVENTQ_FOPS(iommufd_fault_fops_read, iommufd_fault_fops_write);

int iommufd_fault_alloc(struct iommufd_ucmd *ucmd)
{
	struct iommu_fault_alloc *cmd = ucmd->cmd;
	struct iommufd_fault *fault;
	int fdno;
	int rc;

	if (cmd->flags)
		return -EOPNOTSUPP;

	fault = __iommufd_object_alloc(ucmd->ictx, struct iommufd_fault,
				       common.obj, IOMMUFD_OBJ_FAULT);
	if (IS_ERR(fault))
		return PTR_ERR(fault);
	iommufd_eventq_init(&fault->common, ucmd->ictx);
	mutex_init(&fault->mutex);
	xa_init_flags(&fault->response, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);

	fdno = get_unused_fd_flags(O_CLOEXEC);
	if (fdno < 0) {
		rc = fdno;
		goto out_abort;
	}
	cmd->out_fault_id = fault->common.obj.id;
	cmd->out_fault_fd = fdno;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_put_fdno;
	/* The last step that can fail: see iommufd_eventq_open_file() */
	rc = iommufd_eventq_open_file(&fault->common, "[iommufd-pgfault]",
				      &iommufd_fault_fops);
	if (rc)
		goto out_put_fdno;

	iommufd_object_finalize(ucmd->ictx, &fault->common.obj);
	fd_install(fdno, fault->common.filep);
	return 0;

out_put_fdno:
	put_unused_fd(fdno);
out_abort:
	iommufd_object_abort_and_destroy(ucmd->ictx, &fault->common.obj);
	return rc;
}
