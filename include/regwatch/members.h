/*
 * Member organisations of the user group: who is told about what.
 *
 * A member is known by its email address. It follows vendors (none: every
 * vendor) and jurisdictions (none: every jurisdiction), may register an
 * inventory (the CSV text is stored with the member, so later changes to the
 * file do not matter until it is registered again), and is notified by email
 * or, when it gave a webhook, by an HTTP POST to that URL instead.
 *
 * The database side lives in history_outbox.c, the checks of addresses and
 * URLs in notify.c.
 */
#ifndef REGWATCH_MEMBERS_H
#define REGWATCH_MEMBERS_H

#include <stddef.h>
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

/* Checks an email address: one '@', a local part of letters, digits and
   !#$%&'*+-/=?^_`{|}~ with single dots inside, a domain of at least two labels of
   letters, digits and '-'. RW_EUSAGE with "'TEXT' is not an email address (...)". */
int rw_member_email_check(rw_ctx *ctx, const char *email);
/* Checks a webhook URL: https://, or http:// only to a loopback address (127.0.0.0/8, ::1);
   no credentials in it. RW_EUSAGE with a message naming the URL without its query. */
int rw_member_webhook_check(rw_ctx *ctx, const char *url);
/* The URL for messages: without user information, query and fragment (caller frees). */
char *rw_url_for_messages(const char *url);

#endif
