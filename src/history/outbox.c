/*
 * The notification outbox in the history database: finished messages and their
 * delivery state, which runs have had their messages queued, the members
 * skipped when they were, and what composing a message reads.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "regwatch/dates.h"
#include "history/history_int.h"
#include "regwatch/history.h"
#include "regwatch/members.h"

static void copy_instant(char dst[RW_INSTANT_LEN], const char *src)
{
	snprintf(dst, RW_INSTANT_LEN, "%s", src);
}

static int no_memory(rw_ctx *ctx)
{
	return rw_error(ctx, RW_ENOMEM, "out of memory");
}

/* ---- the outbox ---- */

static void msg_release(rw_outbox_msg *m)
{
	free(m->kind);
	free(m->member);
	free(m->channel);
	free(m->destination);
	free(m->msg_key);
	free(m->subject);
	free(m->body);
	free(m->payload);
	free(m->state);
	free(m->last_error);
	memset(m, 0, sizeof(*m));
}

void rw_outbox_release(rw_outbox *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->n; i++)
		msg_release(&o->v[i]);
	free(o->v);
	memset(o, 0, sizeof(*o));
}

rw_outbox_msg *rw_outbox_push(rw_outbox *o)
{
	rw_outbox_msg *m;

	if (o->n == o->cap) {
		size_t ncap = o->cap ? 2 * o->cap : 8;
		rw_outbox_msg *v = realloc(o->v, ncap * sizeof(*v));

		if (v == NULL)
			return NULL;
		o->v = v;
		o->cap = ncap;
	}
	m = &o->v[o->n++];
	memset(m, 0, sizeof(*m));
	return m;
}

static int msg_complete(const rw_outbox_msg *m)
{
	return m->kind && m->member && m->channel && m->destination && m->msg_key && m->subject && m->body &&
	       m->payload && m->state && m->last_error;
}

#define OUTBOX_COLUMNS                                                                                \
	"id, kind, coalesce(run, 0), member, channel, destination, msg_key, subject, body, payload,"  \
	" created_at, state, attempts, next_attempt_at, coalesce(last_error, ''), coalesce(last_code, 0)," \
	" coalesce(sent_at, '')"

static int outbox_rows(rw_ctx *ctx, rw_db *db, sqlite3_stmt *st, rw_outbox *out)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rw_outbox_msg *m = rw_outbox_push(out);

		if (m == NULL)
			return no_memory(ctx);
		m->id = sqlite3_column_int64(st, 0);
		m->kind = rw_strdup(rw_sql_text(st, 1));
		m->run = sqlite3_column_int64(st, 2);
		m->member = rw_strdup(rw_sql_text(st, 3));
		m->channel = rw_strdup(rw_sql_text(st, 4));
		m->destination = rw_strdup(rw_sql_text(st, 5));
		m->msg_key = rw_strdup(rw_sql_text(st, 6));
		m->subject = rw_strdup(rw_sql_text(st, 7));
		m->body = rw_strdup(rw_sql_text(st, 8));
		m->payload = rw_strdup(rw_sql_text(st, 9));
		copy_instant(m->created_at, rw_sql_text(st, 10));
		m->state = rw_strdup(rw_sql_text(st, 11));
		m->attempts = sqlite3_column_int64(st, 12);
		copy_instant(m->next_attempt_at, rw_sql_text(st, 13));
		m->last_error = rw_strdup(rw_sql_text(st, 14));
		m->last_code = sqlite3_column_int64(st, 15);
		copy_instant(m->sent_at, rw_sql_text(st, 16));
		if (!msg_complete(m))
			return no_memory(ctx);
	}
	if (rc != SQLITE_DONE)
		return rw_sql_fail(ctx, db, "query");
	return 0;
}

int rw_outbox_due(rw_ctx *ctx, rw_db *db, time_t now, rw_outbox *out)
{
	static const char sql[] =
		"SELECT " OUTBOX_COLUMNS " FROM outbox"
		" WHERE (state = 'pending' AND next_attempt_at <= ?1)"
		"    OR (state = 'sending' AND (lease_until IS NULL OR lease_until < ?1))"
		" ORDER BY id";
	char when[RW_INSTANT_LEN];
	sqlite3_stmt *st = NULL;
	int rc;

	rw_instant_format(now, when);
	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0) {
		rw_sql_bind_text(st, 1, when);
		rc = outbox_rows(ctx, db, st, out);
	}
	sqlite3_finalize(st);
	return rc;
}

int rw_outbox_list(rw_ctx *ctx, rw_db *db, const char *state, rw_outbox *out)
{
	static const char sql[] = "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE ?1 IS NULL OR state = ?1 ORDER BY id";
	sqlite3_stmt *st = NULL;
	int rc;

	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0) {
		rw_sql_bind_text(st, 1, state);
		rc = outbox_rows(ctx, db, st, out);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Runs one UPDATE of a row in autocommit mode (its own transaction). */
static int update_row(rw_ctx *ctx, rw_db *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE)
		return rw_sql_fail(ctx, db, "outbox");
	return 0;
}

int rw_outbox_claim(rw_ctx *ctx, rw_db *db, long id, time_t now, long lease_s, int *claimed)
{
	static const char sql[] =
		"UPDATE outbox SET state = 'sending', attempts = attempts + 1, lease_until = ?3"
		" WHERE id = ?1 AND ((state = 'pending' AND next_attempt_at <= ?2)"
		"   OR (state = 'sending' AND (lease_until IS NULL OR lease_until < ?2)))";
	char when[RW_INSTANT_LEN], lease[RW_INSTANT_LEN];
	sqlite3_stmt *st = NULL;
	int rc;

	*claimed = 0;
	rw_instant_format(now, when);
	rw_instant_format(now + lease_s, lease);
	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, id);
		rw_sql_bind_text(st, 2, when);
		rw_sql_bind_text(st, 3, lease);
		rc = update_row(ctx, db, st);
		*claimed = rc == 0 && sqlite3_changes(db->h) == 1;
	}
	sqlite3_finalize(st);
	return rc;
}

int rw_outbox_sent(rw_ctx *ctx, rw_db *db, long id, time_t now, long code)
{
	static const char sql[] =
		"UPDATE outbox SET state = 'sent', sent_at = ?2, lease_until = NULL, last_error = NULL, last_code = ?3"
		" WHERE id = ?1";
	char when[RW_INSTANT_LEN];
	sqlite3_stmt *st = NULL;
	int rc;

	rw_instant_format(now, when);
	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, id);
		rw_sql_bind_text(st, 2, when);
		if (code > 0)
			sqlite3_bind_int64(st, 3, code);
		rc = update_row(ctx, db, st);
	}
	sqlite3_finalize(st);
	return rc;
}

int rw_outbox_failed(rw_ctx *ctx, rw_db *db, long id, time_t next, const char *error, long code)
{
	static const char sql[] =
		"UPDATE outbox SET state = CASE WHEN ?2 IS NULL THEN 'dead' ELSE 'pending' END,"
		" next_attempt_at = coalesce(?2, next_attempt_at), lease_until = NULL, last_error = ?3,"
		" last_code = ?4 WHERE id = ?1";
	char when[RW_INSTANT_LEN];
	sqlite3_stmt *st = NULL;
	int rc;

	rw_instant_format(next, when);
	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, id);
		rw_sql_bind_text(st, 2, next == (time_t)-1 ? NULL : when);
		rw_sql_bind_text(st, 3, error);
		if (code > 0)
			sqlite3_bind_int64(st, 4, code);
		rc = update_row(ctx, db, st);
	}
	sqlite3_finalize(st);
	return rc;
}

int rw_outbox_count(rw_ctx *ctx, rw_db *db, time_t now, rw_outbox_counts *out)
{
	static const char sql[] =
		"SELECT coalesce(sum(state = 'pending' AND next_attempt_at <= ?1), 0),"
		" coalesce(sum(state = 'pending' AND next_attempt_at > ?1), 0),"
		" coalesce(sum(state = 'sending'), 0), coalesce(sum(state = 'sent'), 0),"
		" coalesce(sum(state = 'dead'), 0) FROM outbox";
	char when[RW_INSTANT_LEN];
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rw_instant_format(now, when);
	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0) {
		rw_sql_bind_text(st, 1, when);
		if (sqlite3_step(st) == SQLITE_ROW) {
			out->due = sqlite3_column_int64(st, 0);
			out->later = sqlite3_column_int64(st, 1);
			out->sending = sqlite3_column_int64(st, 2);
			out->sent = sqlite3_column_int64(st, 3);
			out->dead = sqlite3_column_int64(st, 4);
		} else {
			rc = rw_sql_fail(ctx, db, "query");
		}
	}
	sqlite3_finalize(st);
	return rc;
}

int rw_outbox_insert(rw_ctx *ctx, rw_db *db, const rw_outbox_new *m, int *inserted)
{
	static const char sql[] =
		"INSERT INTO outbox(dedupe_key, msg_key, kind, run, member, channel, destination, subject, body,"
		" payload, created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)"
		" ON CONFLICT(dedupe_key) DO NOTHING";
	const rw_member *who = m->member;
	sqlite3_stmt *st = NULL;
	int rc;

	*inserted = 0;
	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0) {
		rw_sql_bind_text(st, 1, m->dedupe_key);
		rw_sql_bind_text(st, 2, m->msg_key);
		rw_sql_bind_text(st, 3, m->kind);
		if (m->run > 0)
			sqlite3_bind_int64(st, 4, m->run);
		rw_sql_bind_text(st, 5, who->email);
		rw_sql_bind_text(st, 6, who->webhook ? "webhook" : "smtp");
		rw_sql_bind_text(st, 7, who->webhook ? who->webhook : who->email);
		sqlite3_bind_text(st, 8, m->subject, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, m->body, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, m->payload, -1, SQLITE_STATIC);
		rw_sql_bind_text(st, 11, m->created_at);
		rc = rw_sql_step_done(ctx, db, st);
		*inserted = rc == 0 && sqlite3_changes(db->h) > 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* ---- which runs are queued ---- */

int rw_db_next_unqueued(rw_ctx *ctx, rw_db *db, long after, long *run, char recorded_at[RW_INSTANT_LEN])
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	*run = 0;
	recorded_at[0] = '\0';
	rc = rw_sql_prepare(ctx, db, &st,
		     "SELECT id, recorded_at FROM runs WHERE queued_at IS NULL AND id > ?1 ORDER BY id LIMIT 1");
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, after);
		step = sqlite3_step(st);
		if (step == SQLITE_ROW) {
			*run = sqlite3_column_int64(st, 0);
			copy_instant(recorded_at, rw_sql_text(st, 1));
		} else if (step != SQLITE_DONE) {
			rc = rw_sql_fail(ctx, db, "query");
		}
	}
	sqlite3_finalize(st);
	return rc;
}

int rw_db_queue_begin(rw_ctx *ctx, rw_db *db, long run, int *pending)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	*pending = 0;
	rc = rw_sql_exec(ctx, db, "BEGIN IMMEDIATE");
	if (rc < 0)
		return rc;
	rc = rw_sql_prepare(ctx, db, &st, "SELECT 1 FROM runs WHERE id = ?1 AND queued_at IS NULL");
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, run);
		step = sqlite3_step(st);
		*pending = step == SQLITE_ROW;
		if (step != SQLITE_ROW && step != SQLITE_DONE)
			rc = rw_sql_fail(ctx, db, "query");
	}
	sqlite3_finalize(st);
	return rc < 0 ? rw_sql_rollback(db, rc) : 0;
}

int rw_db_queue_end(rw_ctx *ctx, rw_db *db, long run, int rc)
{
	char now[RW_INSTANT_LEN];
	sqlite3_stmt *st = NULL;

	rw_instant_format(ctx->now, now);
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &st, "UPDATE runs SET queued_at = ?2 WHERE id = ?1 AND queued_at IS NULL");
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, run);
		rw_sql_bind_text(st, 2, now);
		rc = rw_sql_step_done(ctx, db, st);
	}
	sqlite3_finalize(st);
	if (rc == 0)
		rw_fault_point(ctx, "in_queue_transaction");
	if (rc == 0)
		rc = rw_sql_exec(ctx, db, "COMMIT");
	return rc < 0 ? rw_sql_rollback(db, rc) : 0;
}

int rw_db_queue_problem(rw_ctx *ctx, rw_db *db, long run, const char *email, const char *reason)
{
	static const char sql[] =
		"INSERT INTO queue_problems(run, member, reason, created_at) VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT(run, member) DO UPDATE SET reason = ?3, created_at = ?4";
	char now[RW_INSTANT_LEN];
	sqlite3_stmt *st = NULL;
	int rc;

	rw_instant_format(ctx->now, now);
	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, run);
		rw_sql_bind_text(st, 2, email);
		rw_sql_bind_text(st, 3, reason);
		rw_sql_bind_text(st, 4, now);
		rc = rw_sql_step_done(ctx, db, st);
	}
	sqlite3_finalize(st);
	return rc;
}

int rw_db_queue_problems(rw_ctx *ctx, rw_db *db, rw_table *out)
{
	return rw_sql_select(ctx, db, "SELECT run, member, reason, created_at FROM queue_problems ORDER BY run, member, id", out);
}

/* ---- what composing reads ---- */

int rw_db_vendor_parents(rw_ctx *ctx, rw_db *db, rw_table *out)
{
	return rw_sql_select(ctx, db, "SELECT id, coalesce(parent, '') FROM vendors ORDER BY id", out);
}

/* ---- heartbeats ---- */

int rw_outbox_digest_since(rw_ctx *ctx, rw_db *db, const rw_member *m, char since[RW_INSTANT_LEN])
{
	sqlite3_stmt *st = NULL;
	int rc;

	copy_instant(since, m->added_at);
	rc = rw_sql_prepare(ctx, db, &st,
		     "SELECT max(created_at) FROM outbox WHERE kind = 'digest' AND member = ?1 COLLATE NOCASE");
	if (rc == 0) {
		rw_sql_bind_text(st, 1, m->email);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
			copy_instant(since, rw_sql_text(st, 0));
	}
	sqlite3_finalize(st);
	return rc;
}

int rw_db_runs_between(rw_ctx *ctx, rw_db *db, const char *since, const char *until, long *count, long *first,
		       long *last)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*count = 0;
	*first = 0;
	*last = 0;
	rc = rw_sql_prepare(ctx, db, &st,
		     "SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM runs"
		     " WHERE recorded_at > ?1 AND recorded_at <= ?2");
	if (rc == 0) {
		rw_sql_bind_text(st, 1, since);
		rw_sql_bind_text(st, 2, until);
		if (sqlite3_step(st) == SQLITE_ROW) {
			*count = sqlite3_column_int64(st, 0);
			*first = sqlite3_column_int64(st, 1);
			*last = sqlite3_column_int64(st, 2);
		}
	}
	sqlite3_finalize(st);
	return rc;
}
