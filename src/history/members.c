/*
 * Members of the user group in the history database: who they are, what they
 * follow, and the inventory each registered.
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

/* ---- members ---- */

void rw_member_release(rw_member *m)
{
	if (m == NULL)
		return;
	free(m->email);
	rw_strvec_release(&m->vendors);
	rw_strvec_release(&m->jurisdictions);
	free(m->webhook);
	free(m->inventory_name);
	free(m->inventory);
	memset(m, 0, sizeof(*m));
}

void rw_members_release(rw_members *ms)
{
	size_t i;

	if (ms == NULL)
		return;
	for (i = 0; i < ms->n; i++)
		rw_member_release(&ms->v[i]);
	free(ms->v);
	ms->v = NULL;
	ms->n = 0;
}

int rw_db_members(rw_ctx *ctx, rw_db *db, rw_members *out)
{
	static const char members_sql[] =
		"SELECT id, email, webhook, inventory_name, inventory, added_at, updated_at FROM members"
		" ORDER BY email COLLATE NOCASE";
	static const char vendors_sql[] = "SELECT vendor FROM member_vendors WHERE member = ?1 ORDER BY vendor";
	static const char jur_sql[] =
		"SELECT jurisdiction FROM member_jurisdictions WHERE member = ?1 ORDER BY jurisdiction";
	sqlite3_stmt *st = NULL, *vs = NULL, *js = NULL;
	long *ids = NULL;
	size_t cap = 0, i;
	int rc, step = SQLITE_DONE;

	memset(out, 0, sizeof(*out));
	rc = rw_sql_prepare(ctx, db, &st, members_sql);
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &vs, vendors_sql);
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &js, jur_sql);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		rw_member *m;

		if (out->n == cap) {
			size_t ncap = cap ? 2 * cap : 8;
			rw_member *v = realloc(out->v, ncap * sizeof(*v));
			long *nids = realloc(ids, ncap * sizeof(*nids));

			if (v)
				out->v = v;
			if (nids)
				ids = nids;
			if (v == NULL || nids == NULL) {
				rc = no_memory(ctx);
				break;
			}
			cap = ncap;
		}
		m = &out->v[out->n];
		memset(m, 0, sizeof(*m));
		ids[out->n] = sqlite3_column_int64(st, 0);
		out->n++;
		m->email = rw_strdup(rw_sql_text(st, 1));
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			m->webhook = rw_strdup(rw_sql_text(st, 2));
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			m->inventory_name = rw_strdup(rw_sql_text(st, 3));
		if (sqlite3_column_type(st, 4) != SQLITE_NULL)
			m->inventory = rw_strdup(rw_sql_text(st, 4));
		copy_instant(m->added_at, rw_sql_text(st, 5));
		copy_instant(m->updated_at, rw_sql_text(st, 6));
		if (m->email == NULL || (sqlite3_column_type(st, 2) != SQLITE_NULL && m->webhook == NULL) ||
		    (sqlite3_column_type(st, 3) != SQLITE_NULL && m->inventory_name == NULL) ||
		    (sqlite3_column_type(st, 4) != SQLITE_NULL && m->inventory == NULL))
			rc = no_memory(ctx);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = rw_sql_fail(ctx, db, "query");
	for (i = 0; i < out->n && rc == 0; i++) {
		sqlite3_bind_int64(vs, 1, ids[i]);
		while (rc == 0 && sqlite3_step(vs) == SQLITE_ROW)
			rc = rw_strvec_push(&out->v[i].vendors, rw_sql_text(vs, 0)) < 0 ? no_memory(ctx) : 0;
		sqlite3_reset(vs);
		sqlite3_bind_int64(js, 1, ids[i]);
		while (rc == 0 && sqlite3_step(js) == SQLITE_ROW)
			rc = rw_strvec_push(&out->v[i].jurisdictions, rw_sql_text(js, 0)) < 0 ? no_memory(ctx) : 0;
		sqlite3_reset(js);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(vs);
	sqlite3_finalize(js);
	free(ids);
	if (rc < 0)
		rw_members_release(out);
	return rc;
}

/* A member registered again (or removed) starts with no reported queueing problems. */
static int forget_problems(rw_ctx *ctx, rw_db *db, const char *email)
{
	sqlite3_stmt *st = NULL;
	int rc = rw_sql_prepare(ctx, db, &st, "DELETE FROM queue_problems WHERE member = ?1");

	if (rc == 0) {
		rw_sql_bind_text(st, 1, email);
		rc = rw_sql_step_done(ctx, db, st);
	}
	sqlite3_finalize(st);
	return rc;
}

int rw_db_member_put(rw_ctx *ctx, rw_db *db, const rw_member *m, int *replaced)
{
	char now[RW_INSTANT_LEN];
	sqlite3_stmt *st = NULL;
	long id = 0;
	size_t i;
	int rc;

	*replaced = 0;
	rw_instant_format(ctx->now, now);
	rc = rw_sql_exec(ctx, db, "BEGIN IMMEDIATE");
	if (rc < 0)
		return rc;
	rc = rw_sql_prepare(ctx, db, &st, "SELECT id FROM members WHERE email = ?1");
	if (rc == 0) {
		rw_sql_bind_text(st, 1, m->email);
		if (sqlite3_step(st) == SQLITE_ROW) {
			id = sqlite3_column_int64(st, 0);
			*replaced = 1;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (rc == 0 && *replaced)
		rc = rw_sql_prepare(ctx, db, &st,
			     "UPDATE members SET email = ?1, webhook = ?2, inventory_name = ?3, inventory = ?4,"
			     " updated_at = ?5 WHERE id = ?6");
	else if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &st,
			     "INSERT INTO members(email, webhook, inventory_name, inventory, added_at, updated_at)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, ?5)");
	if (rc == 0) {
		rw_sql_bind_text(st, 1, m->email);
		rw_sql_bind_text(st, 2, m->webhook);
		rw_sql_bind_text(st, 3, m->inventory_name);
		if (m->inventory)
			sqlite3_bind_text(st, 4, m->inventory, -1, SQLITE_TRANSIENT);
		rw_sql_bind_text(st, 5, now);
		if (*replaced)
			sqlite3_bind_int64(st, 6, id);
		rc = rw_sql_step_done(ctx, db, st);
		if (!*replaced)
			id = sqlite3_last_insert_rowid(db->h);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == 0 && *replaced) {
		rc = rw_sql_prepare(ctx, db, &st, "DELETE FROM member_vendors WHERE member = ?1");
		if (rc == 0) {
			sqlite3_bind_int64(st, 1, id);
			rc = rw_sql_step_done(ctx, db, st);
		}
		sqlite3_finalize(st);
		st = NULL;
		if (rc == 0)
			rc = rw_sql_prepare(ctx, db, &st, "DELETE FROM member_jurisdictions WHERE member = ?1");
		if (rc == 0) {
			sqlite3_bind_int64(st, 1, id);
			rc = rw_sql_step_done(ctx, db, st);
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &st, "INSERT OR IGNORE INTO member_vendors(member, vendor) VALUES (?1, ?2)");
	for (i = 0; rc == 0 && i < m->vendors.n; i++) {
		sqlite3_bind_int64(st, 1, id);
		rw_sql_bind_text(st, 2, m->vendors.v[i]);
		rc = rw_sql_step_done(ctx, db, st);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &st,
			     "INSERT OR IGNORE INTO member_jurisdictions(member, jurisdiction) VALUES (?1, ?2)");
	for (i = 0; rc == 0 && i < m->jurisdictions.n; i++) {
		sqlite3_bind_int64(st, 1, id);
		rw_sql_bind_text(st, 2, m->jurisdictions.v[i]);
		rc = rw_sql_step_done(ctx, db, st);
	}
	sqlite3_finalize(st);
	if (rc == 0 && *replaced)
		rc = forget_problems(ctx, db, m->email);
	if (rc == 0)
		rc = rw_sql_exec(ctx, db, "COMMIT");
	return rc < 0 ? rw_sql_rollback(db, rc) : 0;
}

int rw_db_member_remove(rw_ctx *ctx, rw_db *db, const char *email, long *cancelled)
{
	sqlite3_stmt *st = NULL;
	int rc, found = 0;

	*cancelled = 0;
	rc = rw_sql_exec(ctx, db, "BEGIN IMMEDIATE");
	if (rc < 0)
		return rc;
	rc = rw_sql_prepare(ctx, db, &st,
		     "DELETE FROM outbox WHERE member = ?1 COLLATE NOCASE AND state IN ('pending', 'sending')");
	if (rc == 0) {
		rw_sql_bind_text(st, 1, email);
		rc = rw_sql_step_done(ctx, db, st);
		*cancelled = sqlite3_changes(db->h);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &st, "DELETE FROM members WHERE email = ?1");
	if (rc == 0) {
		rw_sql_bind_text(st, 1, email);
		rc = rw_sql_step_done(ctx, db, st);
		found = sqlite3_changes(db->h) > 0;
	}
	sqlite3_finalize(st);
	if (rc == 0 && !found)
		rc = rw_error(ctx, RW_ENOTFOUND, "no member '%s' (see 'regwatch member list')", email);
	if (rc == 0)
		rc = forget_problems(ctx, db, email);
	if (rc == 0)
		rc = rw_sql_exec(ctx, db, "COMMIT");
	return rc < 0 ? rw_sql_rollback(db, rc) : 0;
}
