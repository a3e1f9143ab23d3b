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
			       struct emu_group *group, u32 pasid,
			       struct emu_dev *dev)
{
	return iopf->domain == hwpt->domain && iopf->attach_group == group &&
	       iopf->attach_pasid == pasid && (!dev || iopf->dev == dev);
}

/**
 * iommufd_fault_auto_respond() - answer what an attachment left unanswered
 * @hwpt: the HWPT that was attached
 * @group: the hardware group it was attached to
 * @pasid: the PASID slot
 * @dev: only the groups this device sent, or NULL for all of them
 *
 * Called once the hardware no longer routes page requests of (@group,
 * @pasid) to @hwpt's domain, or, with @dev, once @dev left an attachment
 * other devices of its group keep (it may be going away): every group
 * still queued or read but not answered is answered INVALID.
 */
void iommufd_fault_auto_respond(struct iommufd_hw_pagetable *hwpt,
				struct emu_group *group, u32 pasid,
				struct emu_dev *dev)
{
	struct iommufd_fault *fault = hwpt->fault;
	struct emu_iopf_group *iopf, *next, *read;
	unsigned long cookie;
	LIST_HEAD(unread);

	if (!fault)
		return;

	mutex_lock(&fault->mutex);
	spin_lock(&fault->common.lock);
	list_for_each_entry_safe(iopf, next, &fault->common.deliver, node) {
		if (iommufd_fault_from(iopf, hwpt, group, pasid, dev))
			list_move_tail(&iopf->node, &unread);
	}
	spin_unlock(&fault->common.lock);
	list_for_each_entry_safe(iopf, next, &unread, node) {
		list_del(&iopf->node);
		emu_iopf_group_respond(iopf, EMU_PAGE_RESP_INVALID);
	}

	xa_for_each(&fault->response, cookie, read) {
		if (!iommufd_fault_from(read, hwpt, group, pasid, dev))
			continue;
		xa_erase(&fault->response, cookie);
		emu_iopf_group_respond(read, EMU_PAGE_RESP_INVALID);
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

/*
 * ---- vEVENTQs (IOMMU_VEVENTQ_ALLOC) ----
 *
 * A vEVENTQ takes the events of one type that a vIOMMU's driver reports,
 * up to the depth userspace chose. read() hands out whole events, each a
 * struct iommufd_vevent_header with the type's data behind it; records
 * carry consecutive sequence numbers (wrapping after INT_MAX), so a jump
 * tells the reader that events were dropped in between. Events dropped
 * when nothing newer follows (the queue was full, or the record could not
 * be allocated) are marked by the queue's own "lost events" header: it
 * takes the next sequence number and sits last in the queue. A newer event
 * replaces it, since the jump in the numbers then tells the same.
 *
 * Reports come from drivers, possibly where they cannot sleep: the lists
 * are under spinlocks and records are allocated without sleeping.
 */

/* The most events one queue may hold */
#define IOMMUFD_VEVENTQ_MAX_DEPTH	BIT(19)

/**
 * struct iommufd_vevent - one event in a vEVENTQ
 * @header: what read() hands out first
 * @node: entry in the queue's deliver list
 * @data_len: bytes of @data; 0 for the lost-events header
 * @data: the event in its type's layout
 */
struct iommufd_vevent {
	struct iommufd_vevent_header header;
	struct list_head node;
	size_t data_len;
	u8 data[];
};

/**
 * struct iommufd_veventq - a queue of a vIOMMU's events of one type
 * @common: the event queue; its records are struct iommufd_vevent
 * @viommu: the vIOMMU; holds a users reference
 * @node: entry in the vIOMMU's veventqs list
 * @type: the uAPI's event queue type
 * @depth: the most events it holds
 * @num_events: events queued, not counting @lost (under common.lock)
 * @sequence: the next event's sequence number (under common.lock)
 * @lost: the lost-events header, queued at most once, always last
 */
struct iommufd_veventq {
	struct iommufd_eventq common;
	struct iommufd_viommu *viommu;
	struct list_head node;
	u32 type;
	u32 depth;
	u32 num_events;
	u32 sequence;
	struct iommufd_vevent lost;
};

void iommufd_veventq_destroy(struct iommufd_object *obj)
{
	struct iommufd_veventq *veventq =
		container_of(obj, struct iommufd_veventq, common.obj);
	struct iommufd_viommu *viommu = veventq->viommu;
	struct list_head *record;

	/* After this no report can reach the queue */
	spin_lock(&viommu->veventqs_lock);
	list_del_init(&veventq->node);
	spin_unlock(&viommu->veventqs_lock);

	while ((record = iommufd_eventq_pop(&veventq->common))) {
		if (record != &veventq->lost.node)
			kfree(list_entry(record, struct iommufd_vevent, node));
	}
	refcount_dec(&viommu->obj.users);
}

/* Queue @vevent (possibly the lost-events header) under common.lock */
static void iommufd_veventq_add(struct iommufd_veventq *veventq,
				struct iommufd_vevent *vevent)
{
	struct list_head *deliver = &veventq->common.deliver;

	lockdep_assert_held(&veventq->common.lock);

	/* A newer record makes the loss visible by its sequence number */
	if (!list_empty(&veventq->lost.node) &&
	    list_is_last(&veventq->lost.node, deliver))
		list_del_init(&veventq->lost.node);
	list_add_tail(&vevent->node, deliver);
	vevent->header.sequence = veventq->sequence;
	veventq->sequence = (veventq->sequence + 1) & INT_MAX;
}

/* A driver's event of the queue's type; see emu_viommu_report_event() */
static int iommufd_veventq_report(struct iommufd_veventq *veventq,
				  const void *data, size_t len)
{
	struct iommufd_vevent *vevent;
	int rc = 0;

	vevent = kzalloc(struct_size(vevent, data, len),
			 GFP_NOWAIT | __GFP_ACCOUNT | __GFP_NOWARN);
	if (vevent) {
		vevent->data_len = len;
		memcpy(vevent->data, data, len);
	} else {
		rc = -ENOMEM;
	}

	spin_lock(&veventq->common.lock);
	/*
	 * At or over: an event a reader took while this one arrived, then
	 * failed to copy, is put back and may take the count past the depth
	 */
	if (vevent && veventq->num_events >= veventq->depth) {
		kfree(vevent);
		vevent = NULL;
	}
	if (vevent) {
		veventq->num_events++;
		iommufd_veventq_add(veventq, vevent);
	} else {
		iommufd_veventq_add(veventq, &veventq->lost);
	}
	spin_unlock(&veventq->common.lock);
	wake_up_interruptible(&veventq->common.wait_queue);
	return rc;
}

/**
 * iommufd_viommu_report_event() - deliver a driver's event to userspace
 * @viommu: the vIOMMU
 * @type: the uAPI's event queue type
 * @data: the event
 * @len: its size
 *
 * Never sleeps.
 *
 * Return: 0; -EOPNOTSUPP without a vEVENTQ of @type; -ENOMEM when the event
 * was dropped for lack of memory (a full queue drops it silently: the loss
 * is marked in the queue either way).
 */
int iommufd_viommu_report_event(struct iommufd_viommu *viommu, u32 type,
				const void *data, size_t len)
{
	struct iommufd_veventq *veventq;
	int rc = -EOPNOTSUPP;

	spin_lock(&viommu->veventqs_lock);
	list_for_each_entry(veventq, &viommu->veventqs, node) {
		if (veventq->type == type) {
			rc = iommufd_veventq_report(veventq, data, len);
			break;
		}
	}
	spin_unlock(&viommu->veventqs_lock);
	return rc;
}

/*
 * Take the oldest event off the queue if its whole record fits in @room
 * bytes; the lost-events header is copied to *@lost_hdr while the lock
 * holds it still.
 */
static struct iommufd_vevent *
iommufd_veventq_take(struct iommufd_veventq *veventq, size_t room,
		     struct iommufd_vevent_header *lost_hdr, size_t *len)
{
	struct iommufd_eventq *eventq = &veventq->common;
	struct iommufd_vevent *vevent;

	spin_lock(&eventq->lock);
	if (list_empty(&eventq->deliver)) {
		vevent = NULL;
		goto out_unlock;
	}
	vevent = list_first_entry(&eventq->deliver, struct iommufd_vevent,
				  node);
	*len = sizeof(vevent->header) + vevent->data_len;
	if (*len > room) {
		vevent = ERR_PTR(-EINVAL);
		goto out_unlock;
	}
	list_del_init(&vevent->node);
	if (vevent == &veventq->lost)
		*lost_hdr = vevent->header;
	else
		veventq->num_events--;
out_unlock:
	spin_unlock(&eventq->lock);
	return vevent;
}

/* Put back an event a reader could not hand out, as the oldest one */
static void iommufd_veventq_untake(struct iommufd_veventq *veventq,
				   struct iommufd_vevent *vevent)
{
	struct iommufd_eventq *eventq = &veventq->common;

	spin_lock(&eventq->lock);
	if (vevent != &veventq->lost) {
		list_add(&vevent->node, &eventq->deliver);
		veventq->num_events++;
	} else if (list_empty(&eventq->deliver)) {
		/* Only at the end does the header tell something */
		list_add(&vevent->node, &eventq->deliver);
	}
	spin_unlock(&eventq->lock);
}

static ssize_t iommufd_veventq_fops_read(struct file *filep, char __user *buf,
					 size_t count, loff_t *ppos)
{
	struct iommufd_veventq *veventq =
		container_of(filep->private_data, struct iommufd_veventq,
			     common);
	struct iommufd_vevent_header hdr;
	struct iommufd_vevent *vevent;
	size_t done = 0;
	size_t len;
	int rc = 0;

	if (*ppos)
		return -ESPIPE;
	/* Every record starts with a header */
	if (count < sizeof(hdr))
		return -EINVAL;

	while (done < count) {
		vevent = iommufd_veventq_take(veventq, count - done, &hdr,
					      &len);
		if (!vevent)
			break;
		if (IS_ERR(vevent)) {
			/* Only when not even the first record fits */
			if (!done)
				rc = PTR_ERR(vevent);
			break;
		}
		if (vevent != &veventq->lost)
			hdr = vevent->header;
		if (copy_to_user(buf + done, &hdr, sizeof(hdr)) ||
		    copy_to_user(buf + done + sizeof(hdr), vevent->data,
				 vevent->data_len)) {
			iommufd_veventq_untake(veventq, vevent);
			rc = -EFAULT;
			break;
		}
		if (vevent != &veventq->lost)
			kfree(vevent);
		done += len;
	}
	return done ? done : rc;
}

static const struct file_operations iommufd_veventq_fops =
	IOMMUFD_EVENTQ_FOPS(iommufd_veventq_fops_read, NULL);

int iommufd_veventq_alloc(struct iommufd_ucmd *ucmd)
{
	struct iommu_veventq_alloc *cmd = ucmd->cmd;
	struct iommufd_veventq *veventq, *cur;
	struct iommufd_object *viommu_obj;
	struct iommufd_viommu *viommu;
	int fdno;
	int rc;

	if (cmd->flags || cmd->__reserved ||
	    cmd->type == IOMMU_VEVENTQ_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	if (!cmd->veventq_depth ||
	    cmd->veventq_depth > IOMMUFD_VEVENTQ_MAX_DEPTH)
		return -EINVAL;

	viommu_obj = iommufd_get_object(ucmd->ictx, cmd->viommu_id,
					IOMMUFD_OBJ_VIOMMU);
	if (IS_ERR(viommu_obj))
		return PTR_ERR(viommu_obj);
	viommu = container_of(viommu_obj, struct iommufd_viommu, obj);

	veventq = __iommufd_object_alloc(ucmd->ictx, struct iommufd_veventq,
					 common.obj, IOMMUFD_OBJ_VEVENTQ);
	if (IS_ERR(veventq)) {
		rc = PTR_ERR(veventq);
		goto out_put_viommu;
	}
	iommufd_eventq_init(&veventq->common, ucmd->ictx);
	INIT_LIST_HEAD(&veventq->node);
	INIT_LIST_HEAD(&veventq->lost.node);
	veventq->lost.header.flags = IOMMU_VEVENTQ_FLAG_LOST_EVENTS;
	veventq->type = cmd->type;
	veventq->depth = cmd->veventq_depth;
	veventq->viommu = viommu;
	/* Pairs with the put in iommufd_veventq_destroy() */
	refcount_inc(&viommu->obj.users);

	/* One queue per type; linked now so that no twin can slip in */
	spin_lock(&viommu->veventqs_lock);
	list_for_each_entry(cur, &viommu->veventqs, node) {
		if (cur->type == cmd->type) {
			spin_unlock(&viommu->veventqs_lock);
			rc = -EEXIST;
			goto out_abort;
		}
	}
	list_add_tail(&veventq->node, &viommu->veventqs);
	spin_unlock(&viommu->veventqs_lock);

	fdno = get_unused_fd_flags(O_CLOEXEC);
	if (fdno < 0) {
		rc = fdno;
		goto out_abort;
	}
	cmd->out_veventq_id = veventq->common.obj.id;
	cmd->out_veventq_fd = fdno;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_put_fdno;
	/* The last step that can fail: see iommufd_eventq_open_file() */
	rc = iommufd_eventq_open_file(&veventq->common,
				      "[iommufd-viommu-event]",
				      &iommufd_veventq_fops);
	if (rc)
		goto out_put_fdno;

	iommufd_object_finalize(ucmd->ictx, &veventq->common.obj);
	fd_install(fdno, veventq->common.filep);
	iommufd_put_object(ucmd->ictx, viommu_obj);
	return 0;

out_put_fdno:
	put_unused_fd(fdno);
out_abort:
	iommufd_object_abort_and_destroy(ucmd->ictx, &veventq->common.obj);
out_put_viommu:
	iommufd_put_object(ucmd->ictx, viommu_obj);
	return rc;
}
