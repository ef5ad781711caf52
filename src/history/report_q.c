/* Queries of the history database for the status report. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "history/history_int.h"
#include "regwatch/history.h"


int rw_db_report_intervals(rw_ctx *ctx, rw_db *db, rw_table *out)
{
	static const char sql[] =
		"SELECT i.regime, coalesce(g.jurisdiction, upper(substr(i.regime, 1, instr(i.regime, '.') - 1))),"
		" i.status, coalesce(i.since, ''), coalesce(i.until, ''), '', i.source, coalesce(i.evidence, ''),"
		" r.recorded_at, i.entity, coalesce(i.note, ''), i.vendor,"
		" coalesce(x.source, ''), coalesce(x.first_absent, ''), coalesce(e.provision, ''), coalesce(g.title, ''),"
		" coalesce(e.confidence, ''), CASE WHEN e.id IS NOT NULL THEN e.evidence_kind ELSE 'primary' END"
		" FROM intervals i JOIN runs r ON r.id = i.recorded_run LEFT JOIN regimes g ON g.id = i.regime"
		" LEFT JOIN absences x ON x.source = i.source AND x.regime = i.regime AND x.ref = i.ref"
		"   AND x.superseded_run IS NULL AND i.until IS NULL"
		" LEFT JOIN baseline_events e ON i.source = 'baseline' AND e.id = i.ref"
		" WHERE i.vendor IS NOT NULL AND i.superseded_run IS NULL"
		" ORDER BY i.vendor, i.regime, i.since IS NULL, i.since, i.source, i.status, i.id";
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (out->ncols != RW_Q_NCOLS)
		return rw_error(ctx, RW_ERR, "report intervals: table of %zu columns, expected %d", out->ncols,
				RW_Q_NCOLS);
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		rc = rw_sql_fail(ctx, db, "prepare");
	if (rc == 0)
		rc = rw_sql_rows(ctx, db, st, out);
	sqlite3_finalize(st);
	return rc;
}

int rw_db_report_announcements(rw_ctx *ctx, rw_db *db, const char *from, const char *to, rw_table *out)
{
	static const char sql[] =
		"SELECT source, vendor, date, title, url FROM announcements"
		" WHERE date IS NOT NULL AND date >= ?1 AND date <= ?2"
		" ORDER BY vendor, date DESC, title, source, id";
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (out->ncols != RW_A_NCOLS)
		return rw_error(ctx, RW_ERR, "report announcements: table of %zu columns, expected %d", out->ncols,
				RW_A_NCOLS);
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		rc = rw_sql_fail(ctx, db, "prepare");
	if (rc == 0) {
		sqlite3_bind_text(st, 1, from, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, to, -1, SQLITE_TRANSIENT);
		rc = rw_sql_rows(ctx, db, st, out);
	}
	sqlite3_finalize(st);
	return rc;
}
