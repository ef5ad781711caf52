/* Queries for people: a vendor's statuses on a date, its history, and counts. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "regwatch/dates.h"
#include "history/history_int.h"
#include "regwatch/history.h"

#define INTERVAL_COLUMNS                                                                              \
	"i.regime, coalesce(g.jurisdiction, upper(substr(i.regime, 1, instr(i.regime, '.') - 1))),"   \
	" i.status, coalesce(i.since, ''), coalesce(i.until, ''), ?2, i.source, coalesce(i.evidence, ''),"\
	" r.recorded_at, i.entity, coalesce(i.note, ''), coalesce(i.vendor, ''),"                         \
	" coalesce(x.source, ''), coalesce(x.first_absent, ''), coalesce(e.provision, ''),"               \
	" coalesce(g.title, ''), coalesce(e.confidence, ''),"                                               \
	" CASE WHEN e.id IS NOT NULL THEN e.evidence_kind ELSE 'primary' END"

/* The absence of an interval as known at ?4 (an instant). */
#define ABSENCE_AS_KNOWN                                                                              \
	" LEFT JOIN absences x ON x.id = (SELECT a.id FROM absences a JOIN runs ar ON ar.id = a.recorded_run"\
	"   LEFT JOIN runs asr ON asr.id = a.superseded_run WHERE a.source = i.source"                     \
	"   AND a.regime = i.regime AND a.ref = i.ref AND ar.recorded_at <= ?4"                            \
	"   AND (asr.id IS NULL OR asr.recorded_at > ?4) ORDER BY a.id DESC LIMIT 1)"

static int status_rank_of(const rw_row *r)
{
	int rank = rw_status_rank(r->f[RW_Q_STATUS]);

	return rank < 0 ? 99 : rank;
}

static int status_cmp(const void *pa, const void *pb)
{
	const rw_row *a = pa, *b = pb;
	int c = status_rank_of(a) - status_rank_of(b);

	if (c == 0)
		c = strcmp(a->f[RW_Q_SINCE], b->f[RW_Q_SINCE]);
	if (c == 0)
		c = strcmp(a->f[RW_Q_REGIME], b->f[RW_Q_REGIME]);
	if (c == 0)
		c = strcmp(a->f[RW_Q_SOURCE], b->f[RW_Q_SOURCE]);
	return c;
}

int rw_db_status(rw_ctx *ctx, rw_db *db, const char *vendor, const char *on, time_t known, rw_table *out)
{
	static const char sql[] =
		"SELECT " INTERVAL_COLUMNS " FROM intervals i JOIN runs r ON r.id = i.recorded_run"
		" LEFT JOIN runs s ON s.id = i.superseded_run LEFT JOIN regimes g ON g.id = i.regime"
		ABSENCE_AS_KNOWN
		" LEFT JOIN baseline_events e ON i.source = 'baseline' AND e.id = i.ref"
		" WHERE i.vendor = ?1 AND (?2 IS NULL OR g.covers_affiliates = 1)"
		"   AND r.recorded_at <= ?4 AND (s.id IS NULL OR s.recorded_at > ?4)"
		"   AND i.since IS NOT NULL AND i.since <= ?3";
	char known_s[RW_INSTANT_LEN];
	char *cur = NULL, *parent = NULL;
	sqlite3_stmt *st = NULL;
	rw_table all;
	int rc, depth = 0;

	rw_table_init(&all, RW_Q_NCOLS);
	rw_instant_format(known == (time_t)-1 ? (time_t)253402300799 : known, known_s);
	rc = rw_db_vendor(ctx, db, vendor, NULL, &parent);
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &st, sql);
	cur = rc == 0 ? rw_strdup(vendor) : NULL;
	/* The vendor itself, then each ancestor for regimes that cover affiliates. */
	while (rc == 0 && cur != NULL && depth < 16) {
		rw_sql_bind_text(st, 1, cur);
		rw_sql_bind_text(st, 2, depth ? cur : NULL);
		rw_sql_bind_text(st, 3, on);
		rw_sql_bind_text(st, 4, known_s);
		rc = rw_sql_rows(ctx, db, st, &all);
		sqlite3_reset(st);
		rw_str_replace(&cur, parent);
		parent = NULL;
		if (cur && rc == 0)
			rc = rw_db_vendor(ctx, db, cur, NULL, &parent);
		depth++;
	}
	if (rc == 0)
		rc = rw_resolve_on(ctx, &all, on, out);
	if (rc == 0 && out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), status_cmp);
	sqlite3_finalize(st);
	rw_table_release(&all);
	free(cur);
	free(parent);
	return rc;
}

int rw_db_history(rw_ctx *ctx, rw_db *db, const char *vendor, const char *regime, rw_table *intervals,
		  rw_table *anns)
{
	static const char sql[] =
		"SELECT " INTERVAL_COLUMNS " FROM intervals i JOIN runs r ON r.id = i.recorded_run"
		" LEFT JOIN regimes g ON g.id = i.regime"
		" LEFT JOIN absences x ON x.source = i.source AND x.regime = i.regime AND x.ref = i.ref"
		"   AND x.superseded_run IS NULL AND i.until IS NULL"
		" LEFT JOIN baseline_events e ON i.source = 'baseline' AND e.id = i.ref"
		" WHERE i.vendor = ?1 AND i.superseded_run IS NULL AND (?3 IS NULL OR i.regime = ?3)"
		" ORDER BY i.since IS NULL, i.since, i.regime, i.source";
	static const char ann_sql[] =
		"SELECT source, vendor, coalesce(date, ''), title, url FROM announcements WHERE vendor = ?1"
		" ORDER BY date IS NULL, date, title";
	sqlite3_stmt *st = NULL;
	int rc;

	rc = rw_db_vendor(ctx, db, vendor, NULL, NULL);
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0) {
		rw_sql_bind_text(st, 1, vendor);
		rw_sql_bind_text(st, 2, NULL);
		rw_sql_bind_text(st, 3, regime);
		rc = rw_sql_rows(ctx, db, st, intervals);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &st, ann_sql);
	if (rc == 0) {
		rw_sql_bind_text(st, 1, vendor);
		rc = rw_sql_rows(ctx, db, st, anns);
	}
	sqlite3_finalize(st);
	return rc;
}

int rw_db_counts(rw_ctx *ctx, rw_db *db, long counts[4])
{
	static const char sql[] =
		"SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM intervals),"
		" (SELECT count(*) FROM announcements), (SELECT count(*) FROM changes)";
	sqlite3_stmt *st = NULL;
	int rc, i;

	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
		for (i = 0; i < 4; i++)
			counts[i] = sqlite3_column_int64(st, i);
	sqlite3_finalize(st);
	return rc;
}
