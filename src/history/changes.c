/* Queries of the history database for diff and check: runs as points, recorded changes,
   the baseline's notes. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "history/history_int.h"
#include "regwatch/history.h"


/* Runs a query of one row (id, recorded_at) into out; *found tells whether there was one. */
static int point_query(rw_ctx *ctx, rw_db *db, sqlite3_stmt *st, rw_point *out, int *found)
{
	int rc = sqlite3_step(st);

	*found = 0;
	if (rc == SQLITE_ROW) {
		const unsigned char *at = sqlite3_column_text(st, 1);

		out->run = (long)sqlite3_column_int64(st, 0);
		snprintf(out->at, sizeof(out->at), "%s", at ? (const char *)at : "");
		*found = 1;
		return 0;
	}
	if (rc != SQLITE_DONE)
		return rw_sql_fail(ctx, db, "query");
	return 0;
}

static void point_zero(rw_point *p)
{
	p->run = 0;
	p->at[0] = '\0';
}

int rw_db_run_point(rw_ctx *ctx, rw_db *db, long run, rw_point *out)
{
	sqlite3_stmt *st = NULL;
	int rc, found = 0;

	point_zero(out);
	if (run == 0)
		return 0;
	rc = rw_sql_prepare(ctx, db, &st, "SELECT id, recorded_at FROM runs WHERE id = ?1");
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, run);
		rc = point_query(ctx, db, st, out, &found);
	}
	sqlite3_finalize(st);
	if (rc == 0 && !found) {
		rw_point last;

		rc = rw_db_last_point(ctx, db, &last);
		if (rc == 0)
			rc = rw_error(ctx, RW_ENOTFOUND, "no run #%ld in the record (runs #1 to #%ld)", run, last.run);
	}
	return rc;
}

int rw_db_point_at(rw_ctx *ctx, rw_db *db, time_t t, rw_point *out)
{
	char when[RW_INSTANT_LEN];
	sqlite3_stmt *st = NULL;
	int rc, found = 0;

	point_zero(out);
	rw_instant_format(t, when);
	rc = rw_sql_prepare(ctx, db, &st, "SELECT id, recorded_at FROM runs WHERE recorded_at <= ?1 ORDER BY id DESC LIMIT 1");
	if (rc == 0) {
		sqlite3_bind_text(st, 1, when, -1, SQLITE_TRANSIENT);
		rc = point_query(ctx, db, st, out, &found);
	}
	sqlite3_finalize(st);
	return rc;
}

int rw_db_last_point(rw_ctx *ctx, rw_db *db, rw_point *out)
{
	sqlite3_stmt *st = NULL;
	int rc, found = 0;

	point_zero(out);
	rc = rw_sql_prepare(ctx, db, &st, "SELECT id, recorded_at FROM runs ORDER BY id DESC LIMIT 1");
	if (rc == 0)
		rc = point_query(ctx, db, st, out, &found);
	sqlite3_finalize(st);
	return rc;
}

int rw_db_changes(rw_ctx *ctx, rw_db *db, long since, long until, rw_table *out)
{
	/* The intervals a change is about: the one the run recorded and the one it superseded,
	   found by source, regime, entity and vendor. */
	static const char sql[] =
		"SELECT c.run, r.recorded_at, c.kind, c.vendor, c.entity, c.regime, c.from_status, c.to_status,"
		" c.effective, c.source, c.evidence, c.title, n.since, n.until, o.since, o.until"
		" FROM changes c JOIN runs r ON r.id = c.run"
		" LEFT JOIN intervals n ON c.kind NOT IN ('announcement', 'removed') AND n.id = ("
		"   SELECT id FROM intervals WHERE recorded_run = c.run AND source = c.source AND regime = c.regime"
		"   AND entity = c.entity AND vendor IS c.vendor ORDER BY id LIMIT 1)"
		" LEFT JOIN intervals o ON c.kind IN ('changed', 'ended', 'removed', 'evidence') AND o.id = ("
		"   SELECT id FROM intervals WHERE superseded_run = c.run AND source = c.source AND regime = c.regime"
		"   AND entity = c.entity AND vendor IS c.vendor ORDER BY id LIMIT 1)"
		" WHERE c.run > ?1 AND c.run <= ?2 ORDER BY c.run, c.id";
	sqlite3_stmt *st = NULL;
	int rc;

	if (out->ncols != RW_C_NCOLS)
		return rw_error(ctx, RW_ERR, "changes: table of %zu columns, expected %d", out->ncols, RW_C_NCOLS);
	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, since);
		sqlite3_bind_int64(st, 2, until);
		rc = rw_sql_rows(ctx, db, st, out);
	}
	sqlite3_finalize(st);
	return rc;
}

int rw_db_baseline_notes(rw_ctx *ctx, rw_db *db, rw_table *out)
{
	static const char sql[] =
		"SELECT vendor, regime, status, note FROM intervals"
		" WHERE source = 'baseline' AND superseded_run IS NULL AND vendor IS NOT NULL"
		" ORDER BY vendor, regime, status, id";
	sqlite3_stmt *st = NULL;
	int rc;

	if (out->ncols != RW_BN_NCOLS)
		return rw_error(ctx, RW_ERR, "baseline notes: table of %zu columns, expected %d", out->ncols,
				RW_BN_NCOLS);
	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0)
		rc = rw_sql_rows(ctx, db, st, out);
	sqlite3_finalize(st);
	return rc;
}
