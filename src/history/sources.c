/* Per-source health: the outcome of every fetch attempt and the validators for the next one. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "regwatch/dates.h"
#include "history/history_int.h"
#include "regwatch/history.h"

int rw_db_validators(rw_ctx *ctx, rw_db *db, const char *name, const char *url, char **etag, char **last_modified)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*etag = NULL;
	*last_modified = NULL;
	rc = rw_sql_prepare(ctx, db, &st,
			    "SELECT etag, last_modified FROM sources WHERE name = ?1 AND validators_url = ?2");
	if (rc == 0) {
		rw_sql_bind_text(st, 1, name);
		rw_sql_bind_text(st, 2, url);
		if (sqlite3_step(st) == SQLITE_ROW) {
			if (sqlite3_column_type(st, 0) != SQLITE_NULL)
				*etag = rw_strdup(rw_sql_text(st, 0));
			if (sqlite3_column_type(st, 1) != SQLITE_NULL)
				*last_modified = rw_strdup(rw_sql_text(st, 1));
		}
	}
	sqlite3_finalize(st);
	return rc;
}

int rw_db_record_attempts(rw_ctx *ctx, rw_db *db, const rw_attempt *a, size_t n, time_t now)
{
	static const char sql[] =
		"INSERT INTO sources(name, url, format, etag, last_modified, last_attempt, last_success,"
		" last_change, http_status, records, consecutive_failures, health, reason, max_age_days,"
		" validators_url)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?7 THEN ?6 END, CASE WHEN ?8 THEN ?6 END, ?9, ?10,"
		"         CASE WHEN ?7 THEN 0 ELSE 1 END, ?11, ?12, ?13, CASE WHEN ?14 THEN ?2 END)"
		" ON CONFLICT(name) DO UPDATE SET url = ?2, format = ?3,"
		/* A response's validators replace both stored ones, and belong to its URL. */
		"  etag = CASE WHEN ?14 THEN ?4 ELSE etag END,"
		"  last_modified = CASE WHEN ?14 THEN ?5 ELSE last_modified END,"
		"  validators_url = CASE WHEN ?14 THEN ?2 ELSE validators_url END, last_attempt = ?6,"
		"  last_success = CASE WHEN ?7 THEN ?6 ELSE last_success END,"
		"  last_change = CASE WHEN ?8 THEN ?6 ELSE last_change END, http_status = ?9,"
		"  records = coalesce(?10, records),"
		"  consecutive_failures = CASE WHEN ?7 THEN 0 ELSE consecutive_failures + 1 END,"
		"  health = ?11, reason = ?12, max_age_days = ?13";
	char when[RW_INSTANT_LEN];
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	rw_instant_format(now, when);
	rc = rw_sql_exec(ctx, db, "BEGIN IMMEDIATE");
	if (rc < 0)
		return rc;
	rc = rw_sql_prepare(ctx, db, &st, sql);
	for (i = 0; i < n && rc == 0; i++) {
		int ok = strcmp(a[i].outcome, "new") == 0 || strcmp(a[i].outcome, "unchanged") == 0;
		const char *health = ok ? "ok" : strcmp(a[i].outcome, "quarantined") == 0 ? "quarantined" : "failing";

		rw_sql_bind_text(st, 1, a[i].name);
		rw_sql_bind_text(st, 2, a[i].url);
		rw_sql_bind_text(st, 3, a[i].format);
		rw_sql_bind_text(st, 4, a[i].etag);
		rw_sql_bind_text(st, 5, a[i].last_modified);
		rw_sql_bind_text(st, 6, when);
		sqlite3_bind_int(st, 7, ok);
		sqlite3_bind_int(st, 8, a[i].changed);
		if (a[i].http_status > 0)
			sqlite3_bind_int64(st, 9, a[i].http_status);
		else
			sqlite3_bind_null(st, 9);
		if (a[i].records >= 0)
			sqlite3_bind_int64(st, 10, a[i].records);
		else
			sqlite3_bind_null(st, 10);
		rw_sql_bind_text(st, 11, health);
		rw_sql_bind_text(st, 12, a[i].reason);
		sqlite3_bind_int64(st, 13, a[i].max_age_days);
		sqlite3_bind_int(st, 14, a[i].etag != NULL || a[i].last_modified != NULL);
		rc = rw_sql_step_done(ctx, db, st);
		sqlite3_clear_bindings(st);
	}
	sqlite3_finalize(st);
	if (rc == 0)
		rc = rw_sql_exec(ctx, db, "COMMIT");
	return rc < 0 ? rw_sql_rollback(db, rc) : 0;
}


int rw_db_sources(rw_ctx *ctx, rw_db *db, time_t now, rw_table *out)
{
	static const char sql[] =
		"SELECT name, url, format,"
		" CASE WHEN health = 'ok' AND (last_success IS NULL OR"
		"   julianday(?1) - julianday(last_success) > max_age_days) THEN 'stale' ELSE health END,"
		" coalesce(reason, CASE WHEN health = 'ok' AND (last_success IS NULL OR"
		"   julianday(?1) - julianday(last_success) > max_age_days)"
		"   THEN 'no success within ' || max_age_days || ' days' END, ''),"
		" coalesce(last_attempt, ''), coalesce(last_success, ''), coalesce(last_change, ''),"
		" coalesce(http_status, ''), coalesce(records, ''), consecutive_failures FROM sources ORDER BY name";
	char when[RW_INSTANT_LEN];
	sqlite3_stmt *st = NULL;
	int rc;

	rw_instant_format(now, when);
	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0) {
		rw_sql_bind_text(st, 1, when);
		rc = rw_sql_rows(ctx, db, st, out);
	}
	sqlite3_finalize(st);
	return rc;
}
