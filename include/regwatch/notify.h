/*
 * Notifications: a transactional outbox and its delivery.
 *
 * Queueing (queue.h). Once a run is recorded, a transaction of its own writes,
 * for every member with changes relevant to it, one outbox row holding the
 * finished message: subject, plain-language text, and the JSON document that
 * webhooks get ({"run", "member", "changes", "affected_assets"}), and marks the
 * run queued. A row is keyed by run and member, so it is never queued twice.
 * `notify --digest` queues a heartbeat per member and day the same way.
 *
 * Delivery (rw_notify_deliver: after `update` unless --no-notify, and by
 * `notify`) sends every due row once, claiming it first in its own committed
 * transaction (state 'sending' with a lease), so two deliveries never send the
 * same row at once and a delivery killed mid-way is retried when the lease
 * ends. Email goes over SMTP with libcurl: plain smtp:// only to a loopback
 * address (STARTTLS used where offered), STARTTLS required to any other host,
 * or implicit TLS with smtps://. A webhook gets an HTTP POST with the headers
 * Idempotency-Key and webhook-id (the same on every retry), webhook-timestamp
 * and, with a signing key, webhook-signature (HMAC-SHA256, "v1,BASE64").
 * Delivery is at least once: the Message-ID and the webhook-id are derived from
 * run and member and stay the same on every attempt, so a receiver recognises a
 * repeat. A delivered row is never sent again. A failed attempt is retried by a
 * later delivery after retryDelay * 2^(attempts - 1) seconds (at most
 * maxRetryDelay); after maxAttempts, or at once on a permanent refusal (an SMTP
 * 5xx other than an authentication problem, an HTTP 4xx other than 408/429),
 * the row is dead, and `notify` and `sources` report it.
 */
#ifndef REGWATCH_NOTIFY_H
#define REGWATCH_NOTIFY_H

#include <stddef.h>
#include <time.h>
#include "regwatch/config.h"
#include "regwatch/core.h"
#include "regwatch/history.h"
#include "regwatch/members.h"
#include "regwatch/state.h"

#define RW_NOTIFY_LEASE_S 900 /* a claimed row is another delivery's for this long */
#define RW_NOTIFY_PASSWORD_ENV "REGWATCH_SMTP_PASSWORD"

/* Checks an email address: one '@', a local part of letters, digits and
   !#$%&'*+-/=?^_`{|}~ with single dots inside, a domain of at least two labels of
   letters, digits and '-'. RW_EUSAGE with "'TEXT' is not an email address (...)". */
int rw_member_email_check(rw_ctx *ctx, const char *email);
/* Checks a webhook URL: https://, or http:// only to a loopback address (127.0.0.0/8, ::1);
   no credentials in it. RW_EUSAGE with a message naming the URL without its query. */
int rw_member_webhook_check(rw_ctx *ctx, const char *url);
/* The URL for messages: without user information, query and fragment (caller frees). */
char *rw_url_for_messages(const char *url);

/* The outbox rows themselves (rw_outbox_msg, rw_outbox_due ...) are the history
   layer's: members.h. Queueing a run's messages and heartbeats: queue.h. */

/* ---- Composing (audience.c, compose.c; no I/O) ---- */

/* The vendor ids and their parents (columns id, parent; parent "" for none). */
typedef struct rw_vendor_tree {
	rw_table t;
} rw_vendor_tree;

/* 1 when the change concerns member m: its jurisdiction (rw_change.jurisdiction) is followed (or m follows every
   jurisdiction), and its vendor is followed (or m follows every vendor), or is a
   subsidiary of a followed vendor, or is the parent of a followed vendor under a regime
   that covers affiliates. */
int rw_notify_relevant(const rw_member *m, const rw_vendor_tree *tree, const rw_change *change);

/* 1 when a change of vendor `changed` under a regime (affiliates: it covers affiliates)
   concerns an asset matched to vendor `asset_vendor`. */
int rw_notify_reaches(const rw_vendor_tree *tree, const char *changed, int affiliates, const char *asset_vendor);

/* What a change message says. */
typedef struct rw_notice {
	const rw_member *member;
	long run;
	const char *recorded_at;    /* the run's instant */
	const rw_change *const *changes; /* the changes relevant to the member, in record order */
	size_t nchanges;
	const rw_asset_hits *assets; /* the member's affected assets by site, or NULL: no inventory */
	const char *assets_json;    /* the affected_assets JSON array, or NULL: built from assets */
	size_t assets_checked;      /* assets in the member's inventory */
} rw_notice;

/* Subject (one line), text and JSON document of a change message. Each change is worded
   by rw_diff_describe and encoded by rw_diff_json_change, as diff shows it. */
int rw_notify_compose(rw_ctx *ctx, const rw_notice *n, rw_buf *subject, rw_buf *text, rw_buf *json);

/* What a heartbeat says. */
typedef struct rw_digest {
	const rw_member *member;
	const char *since;          /* start of the period (instant) */
	const char *until;          /* ctx->now */
	long runs;                  /* runs recorded in the period */
	long changes;               /* changes relevant to the member in the period */
	const rw_change *const *list; /* those changes, worded and encoded as diff does (may be NULL) */
	size_t nlist;
	const rw_table *sources;    /* RW_S_NCOLS (rw_db_sources) */
	long dead;                  /* dead messages in the outbox */
} rw_digest;

int rw_notify_compose_digest(rw_ctx *ctx, const rw_digest *d, rw_buf *subject, rw_buf *text, rw_buf *json);

/* The message key of a run (or, run 0, of a digest on `day`) for an address:
   "run-7.0123456789abcdef" (16 hex digits of the SHA-256 of the lower-case address). */
#define RW_MSG_KEY_LEN 96
void rw_notify_msg_key(char out[RW_MSG_KEY_LEN], long run, const char *day, const char *email);

/* ---- Delivery (deliver.c; the email itself: mime.c; addresses: address.c) ---- */

typedef struct rw_notify_opts {
	const rw_smtp_conf *smtp;     /* NULL, or url NULL: email waits for an [smtp] section */
	const rw_notify_conf *conf;
	const char *user_agent;
	char *smtp_password;          /* owned (rw_notify_opts_release wipes it), or NULL */
	char *webhook_secret;         /* owned, or NULL: webhooks are not signed */
	long lease_s;
} rw_notify_opts;

/* Fills o from feeds.conf and reads the secrets: the SMTP password from passwordFile
   (mode 0600) or $REGWATCH_SMTP_PASSWORD, the webhook key from webhookSecretFile.
   RW_ECONFIG for a refused secret file. f must outlive o. */
int rw_notify_opts_init(rw_ctx *ctx, rw_notify_opts *o, const rw_feeds *f);
void rw_notify_opts_release(rw_notify_opts *o);

/* What one delivery did. */
typedef struct rw_notify_result {
	size_t sent;     /* delivered */
	size_t retry;    /* failed, queued again */
	size_t dead;     /* failed for good now */
	size_t waiting;  /* email that waits for an [smtp] section */
	size_t later;    /* queued, not due yet */
	size_t busy;     /* claimed by another delivery */
} rw_notify_result;

/* Sends every due row. Returns 0 when the outbox could be worked through (failed
   deliveries are counted, logged and recorded, not errors); a negative code for a
   database error. */
int rw_notify_deliver(rw_ctx *ctx, rw_db *db, const rw_notify_opts *o, rw_notify_result *res);

#define RW_MIME_WORD_MAX 75 /* longest RFC 2047 encoded word */
#define RW_MIME_LINE_MAX 76 /* longest header line holding encoded words */

/* The whole email of row m (CRLF line ends, quoted-printable UTF-8 text; a subject that is
   not ASCII as RFC 2047 encoded words of at most RW_MIME_WORD_MAX characters, folded). */
int rw_notify_email(rw_ctx *ctx, const rw_outbox_msg *m, const char *from, rw_buf *out);
/* Appends, for people, what delivering m would send: the email, or the webhook request. */
int rw_notify_preview(rw_ctx *ctx, const rw_notify_opts *o, const rw_outbox_msg *m, rw_buf *out);

/* 1 when host (as in a URL: "127.0.0.1", "[::1]") is a loopback address. */
int rw_host_is_loopback(const char *host);

#endif
