/*
 * Member organisations of the user group: who is told about what.
 *
 * A member is known by its email address. It follows vendors (none: every
 * vendor) and jurisdictions (none: every jurisdiction), may register an
 * inventory (the CSV text is stored with the member, so later changes to the
 * file do not matter until it is registered again), and is notified by email
 * or, when it gave a webhook, by an HTTP POST to that URL instead.
 *
 * The database side: members.c (members), outbox.c (the outbox, and which
 * runs have had their messages queued). The checks of addresses and URLs are
 * the notify layer's (notify.h).
 */
#ifndef REGWATCH_MEMBERS_H
#define REGWATCH_MEMBERS_H

#include <stddef.h>
#include <time.h>
#include "regwatch/core.h"
#include "regwatch/dates.h"
#include "regwatch/history.h"

#define RW_EMAIL_MAX 254                    /* longest address accepted */
#define RW_MEMBER_INVENTORY_MAX ((size_t)16 << 20) /* largest inventory stored with a member */

typedef struct rw_member {
	char *email;
	rw_strvec vendors;        /* vendor ids, sorted; empty: every vendor */
	rw_strvec jurisdictions;  /* US, UK, EU ..., sorted; empty: every jurisdiction */
	char *webhook;            /* URL, or NULL: email */
	char *inventory_name;     /* the file the inventory was read from, or NULL */
	char *inventory;          /* the inventory's CSV text, or NULL */
	char added_at[RW_INSTANT_LEN];
	char updated_at[RW_INSTANT_LEN];
} rw_member;

typedef struct rw_members {
	rw_member *v;             /* sorted by address */
	size_t n;
} rw_members;

void rw_member_release(rw_member *m);
void rw_members_release(rw_members *ms);

/* Stores member m at ctx->now: a new member, or (*replaced = 1) a new subscription for the
   member with the same address (compared without regard to case). */
int rw_db_member_put(rw_ctx *ctx, rw_db *db, const rw_member *m, int *replaced);
/* Removes the member with this address and the messages still queued for it (*cancelled
   gets their number). RW_ENOTFOUND when there is no such member. */
int rw_db_member_remove(rw_ctx *ctx, rw_db *db, const char *email, long *cancelled);
/* Every member (out is filled; release it with rw_members_release). */
int rw_db_members(rw_ctx *ctx, rw_db *db, rw_members *out);

/* ---- The outbox (outbox.c) ---- */

/* One outbox row. Strings are owned and never NULL ("" when empty). */
typedef struct rw_outbox_msg {
	long id;
	char *kind;          /* "changes" or "digest" */
	long run;            /* 0 for a digest */
	char *member;        /* the member's address */
	char *channel;       /* "smtp" or "webhook" */
	char *destination;   /* address or URL */
	char *msg_key;       /* "run-7.0123456789abcdef": Message-ID and webhook-id */
	char *subject;
	char *body;          /* UTF-8 text, LF line ends */
	char *payload;       /* JSON */
	char created_at[RW_INSTANT_LEN];
	char *state;         /* pending, sending, sent, dead */
	long attempts;
	char next_attempt_at[RW_INSTANT_LEN];
	char *last_error;
	long last_code;
	char sent_at[RW_INSTANT_LEN];
} rw_outbox_msg;

typedef struct rw_outbox {
	rw_outbox_msg *v;
	size_t n;
	size_t cap;
} rw_outbox;

void rw_outbox_release(rw_outbox *o);
/* A zeroed row appended to o for the caller to fill (NULL when out of memory). */
rw_outbox_msg *rw_outbox_push(rw_outbox *o);

/* A finished message to store. */
typedef struct rw_outbox_new {
	const char *dedupe_key;  /* "run:7:EMAIL" or "digest:DATE:EMAIL" (lower case) */
	const char *msg_key;
	const char *kind;        /* "changes" or "digest" */
	long run;                /* 0 for a digest */
	const rw_member *member; /* address and channel */
	const char *created_at;  /* the message's Date, also its first due instant */
	const char *subject;
	const char *body;
	const char *payload;
} rw_outbox_new;

/* Stores m as a pending row unless a row with the same dedupe key exists (*inserted = 0):
   a message is never queued twice. In the caller's transaction, if any. */
int rw_outbox_insert(rw_ctx *ctx, rw_db *db, const rw_outbox_new *m, int *inserted);

/* Rows that are due at now: pending with next_attempt_at <= now, or sending with an
   expired lease; oldest first. */
int rw_outbox_due(rw_ctx *ctx, rw_db *db, time_t now, rw_outbox *out);
/* Every row in state `state` (NULL: every row), oldest first. */
int rw_outbox_list(rw_ctx *ctx, rw_db *db, const char *state, rw_outbox *out);
/* Claims a due row for delivery in a committed transaction: state 'sending', one more
   attempt, lease until now + lease_s. *claimed is 0 when another delivery has it. */
int rw_outbox_claim(rw_ctx *ctx, rw_db *db, long id, time_t now, long lease_s, int *claimed);
/* The outcome of an attempt: sent; failed with a retry at `next`; or dead (next == -1). */
int rw_outbox_sent(rw_ctx *ctx, rw_db *db, long id, time_t now, long code);
int rw_outbox_failed(rw_ctx *ctx, rw_db *db, long id, time_t next, const char *error, long code);

/* Counts of rows: queued and due at now, queued for later, sending, sent, dead. */
typedef struct rw_outbox_counts {
	long due, later, sending, sent, dead;
} rw_outbox_counts;
int rw_outbox_count(rw_ctx *ctx, rw_db *db, time_t now, rw_outbox_counts *out);

/* ---- Queueing a run's messages after it is recorded (outbox.c) ---- */

/* The oldest run numbered above `after` whose messages are not queued yet, and its
   instant; *run = 0 when there is none. */
int rw_db_next_unqueued(rw_ctx *ctx, rw_db *db, long after, long *run, char recorded_at[RW_INSTANT_LEN]);
/* Opens the transaction that queues run `run`'s messages. *pending is 0 when the run has
   been queued meanwhile (the transaction is open all the same; end it with
   rw_db_queue_end). */
int rw_db_queue_begin(rw_ctx *ctx, rw_db *db, long run, int *pending);
/* rc 0: marks run `run` queued at ctx->now and commits, so its messages and the mark are
   written together. Otherwise rolls back and returns rc. */
int rw_db_queue_end(rw_ctx *ctx, rw_db *db, long run, int rc);

/* Records that member `email`'s message for run `run` was not built, and why (one row per
   run and member; a later reason replaces an earlier one). */
int rw_db_queue_problem(rw_ctx *ctx, rw_db *db, long run, const char *email, const char *reason);
/* Columns of rw_db_queue_problems. */
enum rw_qp_col { RW_QP_RUN, RW_QP_MEMBER, RW_QP_REASON, RW_QP_CREATED_AT, RW_QP_NCOLS };
/* Members skipped when runs were queued, oldest first: kept until the member is
   registered again or removed. */
int rw_db_queue_problems(rw_ctx *ctx, rw_db *db, rw_table *out);

/* Every vendor id and its parent ("" for none), by id: 2 columns. */
int rw_db_vendor_parents(rw_ctx *ctx, rw_db *db, rw_table *out);

/* The start of a member's heartbeat period: its last heartbeat's instant, or when it
   subscribed. */
int rw_outbox_digest_since(rw_ctx *ctx, rw_db *db, const rw_member *m, char since[RW_INSTANT_LEN]);
/* The runs recorded in (since, until]: how many, and the first and last run number. */
int rw_db_runs_between(rw_ctx *ctx, rw_db *db, const char *since, const char *until, long *count, long *first,
		       long *last);

#endif
