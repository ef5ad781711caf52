/*
 * Queueing notifications: turning recorded runs (and heartbeats) into finished
 * outbox rows, after the run's own transaction has committed.
 *
 * A run is recorded first (rw_db_apply, history stores and never calls up);
 * rw_notify_queue_runs then queues the messages of every run not yet queued,
 * each run in a transaction of its own that also marks it queued, so a job
 * killed at any instant queues each run's messages exactly once: before the
 * mark commits nothing of that run is queued, after it the run is never
 * queued again. Rebuilding marks its runs queued without messages
 * (rw_db_rebuild_end).
 *
 * A member whose message cannot be built (larger than RW_MSG_MAX, a stored
 * inventory that can no longer be read) is skipped with one logged line and a
 * row that `notify` and `sources` show (rw_db_queue_problems); the other
 * members are served and the run stays recorded.
 */
#ifndef REGWATCH_QUEUE_H
#define REGWATCH_QUEUE_H

#include <stddef.h>
#include "regwatch/core.h"
#include "regwatch/history.h"
#include "regwatch/members.h"
#include "regwatch/model.h"

#define RW_MSG_MAX ((size_t)8 << 20) /* largest message text or JSON document queued */

/* What queueing did. */
typedef struct rw_queue_result {
	size_t runs;     /* runs marked queued */
	size_t queued;   /* messages stored */
	size_t skipped;  /* members whose message could not be built (recorded as problems) */
} rw_queue_result;

/* Queues the messages of every run not queued yet, oldest first, each run in its own
   transaction. dict: the dictionary for matching the members' inventories. Returns a
   negative code only for what stops queueing altogether (the database, memory); the run
   that met it stays unqueued for the next call. */
int rw_notify_queue_runs(rw_ctx *ctx, rw_db *db, const rw_dict *dict, rw_queue_result *res);

/* Heartbeats at ctx->now: one per member and UTC day. dry: only compose them into
   *preview (which may be NULL otherwise). *queued gets the number of new rows. */
int rw_outbox_enqueue_digest(rw_ctx *ctx, rw_db *db, int dry, rw_outbox *preview, size_t *queued);

#endif
