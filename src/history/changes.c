/* Queries of the history database for diff and check: runs as points, recorded changes,
   the baseline's notes. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* 1 when host is suffix or ends in "." suffix, ignoring case. */
static int host_ends_with(const char *host, size_t h, const char *suffix)
{
	size_t s = strlen(suffix);

	if (h == s)
		return strncasecmp(host, suffix, s) == 0;
	return h > s && host[h - s - 1] == '.' && strncasecmp(host + h - s, suffix, s) == 0;
}

/* The jurisdiction an evidence URL's host names: .gov.uk and .parliament.uk: UK;
   europa.eu: EU; .gov and .mil: US; "" otherwise. */
static const char *jurisdiction_of_url(const char *url)
{
	const char *p = strstr(url, "://"), *host, *end, *at;
	size_t h;

	if (p == NULL)
		return "";
	host = p + 3;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	if (at)
		host = at + 1;
	if (*host == '[')
		return "";
	for (h = 0; host + h < end && host[h] != ':'; h++)
		;
	if (h && host[h - 1] == '.')
		h--;
	if (host_ends_with(host, h, "gov.uk") || host_ends_with(host, h, "parliament.uk"))
		return "UK";
	if (host_ends_with(host, h, "europa.eu"))
		return "EU";
	if (host_ends_with(host, h, "gov") || host_ends_with(host, h, "mil"))
		return "US";
	return "";
}

/* Columns of the changes query. */
enum {
	CQ_RUN, CQ_RECORDED_AT, CQ_KIND, CQ_VENDOR, CQ_ENTITY, CQ_REGIME, CQ_FROM, CQ_TO, CQ_EFFECTIVE, CQ_SOURCE,
	CQ_EVIDENCE, CQ_TITLE, CQ_SINCE, CQ_UNTIL, CQ_FROM_SINCE, CQ_FROM_UNTIL, CQ_VENDOR_NAME, CQ_REGIME_TITLE,
	CQ_JURISDICTION, CQ_AFFILIATES, CQ_EVENT_ID, CQ_PROVISION, CQ_CONFIDENCE, CQ_EVIDENCE_KIND, CQ_CITATION
};

static char *col(sqlite3_stmt *st, int i)
{
	return rw_strdup(rw_sql_text(st, i));
}

/* One row of the changes query as a change; RW_ENOMEM when an allocation failed. */
static int change_of_row(sqlite3_stmt *st, rw_change *c)
{
	rw_event *e = &c->event;
	const char *kind = rw_sql_text(st, CQ_KIND);
	int removed = strcmp(kind, "removed") == 0, ended = strcmp(kind, "ended") == 0;
	int ann = strcmp(kind, "announcement") == 0;

	c->run = (long)sqlite3_column_int64(st, CQ_RUN);
	c->recorded_at = col(st, CQ_RECORDED_AT);
	c->kind = col(st, CQ_KIND);
	c->from = col(st, CQ_FROM);
	c->to = col(st, CQ_TO);
	c->effective = col(st, CQ_EFFECTIVE);
	c->from_since = col(st, CQ_FROM_SINCE);
	c->from_until = col(st, CQ_FROM_UNTIL);
	c->title = col(st, CQ_TITLE);
	c->vendor_name = col(st, CQ_VENDOR_NAME);
	c->regime_title = col(st, CQ_REGIME_TITLE);
	c->affiliates = sqlite3_column_int(st, CQ_AFFILIATES) != 0;
	/* An announcement's jurisdiction is the one its evidence names. */
	if (ann && rw_sql_text(st, CQ_JURISDICTION)[0] == '\0')
		c->jurisdiction = rw_strdup(jurisdiction_of_url(rw_sql_text(st, CQ_EVIDENCE)));
	else
		c->jurisdiction = col(st, CQ_JURISDICTION);
	e->id = col(st, CQ_EVENT_ID);
	e->vendor = col(st, CQ_VENDOR);
	e->entity = col(st, CQ_ENTITY);
	e->regime = col(st, CQ_REGIME);
	e->provision = col(st, CQ_PROVISION);
	e->status = col(st, removed || ended ? CQ_FROM : CQ_TO);
	if (ann)
		e->since = col(st, CQ_EFFECTIVE);
	else
		e->since = col(st, removed ? CQ_FROM_SINCE : CQ_SINCE);
	e->until = col(st, removed ? CQ_FROM_UNTIL : ended ? CQ_EFFECTIVE : CQ_UNTIL);
	e->citation = col(st, CQ_CITATION);
	e->evidence = col(st, CQ_EVIDENCE);
	e->confidence = col(st, CQ_CONFIDENCE);
	/* A curated event says how good its evidence is; elsewhere, evidence on a regulator's own
	   host is primary and any other page reports on it. */
	if (rw_sql_text(st, CQ_EVIDENCE_KIND)[0])
		e->evidence_kind = col(st, CQ_EVIDENCE_KIND);
	else
		e->evidence_kind = rw_strdup(e->evidence == NULL || e->evidence[0] == '\0'     ? ""
					     : jurisdiction_of_url(e->evidence)[0] ? "primary"
										    : "secondary");
	e->source = col(st, CQ_SOURCE);
	e->note = col(st, CQ_TITLE);
	if (!c->recorded_at || !c->kind || !c->from || !c->to || !c->effective || !c->from_since ||
	    !c->from_until || !c->title || !c->vendor_name || !c->regime_title || !c->jurisdiction || !e->id ||
	    !e->vendor || !e->entity || !e->regime || !e->provision || !e->status || !e->since || !e->until ||
	    !e->citation || !e->evidence || !e->confidence || !e->evidence_kind || !e->source || !e->note)
		return RW_ENOMEM;
	return 0;
}

int rw_db_changes(rw_ctx *ctx, rw_db *db, long since, long until, rw_changes *out)
{
	/* Each change with the intervals it is about: n, the one the run recorded (added,
	   new-entity, changed: the status it brought, from the change's effective date; ended:
	   the interval that now ends on it), and o, the one it superseded (changed, ended,
	   removed: the status it had). The change's own effective date is the one every reader
	   shows; the intervals only add the other ends. */
	static const char sql[] =
		"SELECT c.run, r.recorded_at, c.kind, c.vendor, c.entity, c.regime, c.from_status, c.to_status,"
		" c.effective, c.source, c.evidence, c.title, n.since, n.until, o.since, o.until, v.name, g.title,"
		" coalesce(g.jurisdiction, CASE WHEN c.regime IS NULL OR instr(c.regime, '.') = 0 THEN NULL"
		"   ELSE upper(substr(c.regime, 1, instr(c.regime, '.') - 1)) END),"
		" coalesce(g.covers_affiliates, 0), CASE WHEN c.source = 'baseline' THEN coalesce(c.ref, '') ELSE '' END,"
		" coalesce(c.provision, ''), coalesce(c.confidence, ''), coalesce(c.evidence_kind, ''),"
		" coalesce(c.citation, '')"
		" FROM changes c JOIN runs r ON r.id = c.run"
		" LEFT JOIN vendors v ON v.id = c.vendor"
		" LEFT JOIN regimes g ON g.id = c.regime"
		" LEFT JOIN intervals n ON c.kind IN ('added', 'new-entity', 'changed', 'ended', 'evidence') AND n.id = ("
		"   SELECT id FROM intervals WHERE recorded_run = c.run AND source = c.source AND regime = c.regime"
		"   AND entity = c.entity AND vendor IS c.vendor AND (c.ref IS NULL OR ref = c.ref) AND CASE c.kind"
		"     WHEN 'ended' THEN until IS c.effective"
		"     ELSE status = c.to_status AND since IS c.effective END"
		"   ORDER BY id LIMIT 1)"
		" LEFT JOIN intervals o ON c.kind IN ('changed', 'ended', 'removed', 'evidence') AND o.id = ("
		"   SELECT id FROM intervals WHERE superseded_run = c.run AND source = c.source AND regime = c.regime"
		"   AND entity = c.entity AND vendor IS c.vendor AND (c.ref IS NULL OR ref = c.ref)"
		"   AND status = c.from_status"
		"   AND (c.kind <> 'ended' OR until IS NULL)"
		"   ORDER BY id LIMIT 1)"
		" WHERE c.run > ?1 AND c.run <= ?2 ORDER BY c.run, c.id";
	sqlite3_stmt *st = NULL;
	int rc;

	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, since);
		sqlite3_bind_int64(st, 2, until);
	}
	while (rc == 0) {
		rw_change *c;
		int step = sqlite3_step(st);

		if (step == SQLITE_DONE)
			break;
		if (step != SQLITE_ROW) {
			rc = rw_sql_fail(ctx, db, "changes");
			break;
		}
		c = rw_changes_push(out);
		if (c == NULL || change_of_row(st, c) < 0)
			rc = rw_error(ctx, RW_ENOMEM, "out of memory");
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
