/* Recording an archive commit: the run, its intervals, announcements and changes. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "regwatch/dates.h"
#include "history/history_int.h"
#include "regwatch/history.h"

int rw_db_has_commit(rw_ctx *ctx, rw_db *db, const char *oid, int *has)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = rw_sql_prepare(ctx, db, &st, "SELECT 1 FROM runs WHERE commit_oid = ?1");
	if (rc == 0) {
		rw_sql_bind_text(st, 1, oid);
		rc = sqlite3_step(st);
		*has = rc == SQLITE_ROW;
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : rw_sql_fail(ctx, db, "query");
	}
	sqlite3_finalize(st);
	return rc;
}

/* The current (not superseded) intervals, sorted like the state, with the row id last. */
static int current_intervals(rw_ctx *ctx, rw_db *db, rw_table *out)
{
	static const char sql[] =
		"SELECT source, regime, ref, coalesce(vendor, ''), entity, status, coalesce(since, ''),"
		" coalesce(until, ''), coalesce(evidence, ''), coalesce(note, ''), id FROM intervals"
		" WHERE superseded_run IS NULL";
	sqlite3_stmt *st = NULL;
	int rc = rw_sql_prepare(ctx, db, &st, sql);

	if (rc == 0)
		rc = rw_sql_rows(ctx, db, st, out);
	sqlite3_finalize(st);
	if (rc == 0)
		rw_table_sort(out);
	return rc;
}

static int add_change(rw_ctx *ctx, rw_db *db, sqlite3_stmt *st, long run, const char *kind, const rw_row *from,
		      const rw_row *to)
{
	const rw_row *r = to ? to : from;
	const char *effective;

	if (strcmp(kind, "ended") == 0)
		effective = to->f[RW_L_UNTIL];
	else if (to)
		effective = to->f[RW_L_SINCE];
	else
		effective = NULL;
	sqlite3_bind_int64(st, 1, run);
	rw_sql_bind_text(st, 2, kind);
	rw_sql_bind_text(st, 3, r->f[RW_L_VENDOR]);
	rw_sql_bind_text(st, 4, r->f[RW_L_ENTITY]);
	rw_sql_bind_text(st, 5, r->f[RW_L_REGIME]);
	rw_sql_bind_text(st, 6, from ? from->f[RW_L_STATUS] : NULL);
	rw_sql_bind_text(st, 7, to && strcmp(kind, "ended") != 0 ? to->f[RW_L_STATUS] : NULL);
	rw_sql_bind_text(st, 8, effective);
	rw_sql_bind_text(st, 9, r->f[RW_L_SOURCE]);
	rw_sql_bind_text(st, 10, r->f[RW_L_EVIDENCE]);
	rw_sql_bind_text(st, 11, r->f[RW_L_NOTE]);
	rw_sql_bind_text(st, 12, r->f[RW_L_REF]);
	return rw_sql_step_done(ctx, db, st);
}

static int key_cmp(const rw_row *a, const rw_row *b)
{
	int c = strcmp(a->f[RW_L_SOURCE], b->f[RW_L_SOURCE]);

	if (c == 0)
		c = strcmp(a->f[RW_L_REGIME], b->f[RW_L_REGIME]);
	if (c == 0)
		c = strcmp(a->f[RW_L_REF], b->f[RW_L_REF]);
	return c;
}

/* Classifies what left (gone) and what came (came), both sorted, into changes. */
static int record_interval_changes(rw_ctx *ctx, rw_db *db, long run, const rw_table *gone, const rw_table *came)
{
	static const char sql[] =
		"INSERT INTO changes(run, kind, vendor, entity, regime, from_status, to_status, effective,"
		" source, evidence, title, ref, provision, confidence, evidence_kind, citation)"
		" SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, e.provision, e.confidence, e.evidence_kind,"
		" e.citation FROM (SELECT 1) LEFT JOIN baseline_events e ON ?9 = 'baseline' AND e.id = ?12";
	sqlite3_stmt *st = NULL;
	size_t i = 0, j = 0;
	int rc = rw_sql_prepare(ctx, db, &st, sql);

	while (rc == 0 && (i < gone->n || j < came->n)) {
		const rw_row *g = i < gone->n ? &gone->v[i] : NULL;
		const rw_row *c = j < came->n ? &came->v[j] : NULL;
		int cmp = g && c ? key_cmp(g, c) : 0;

		if (g && (c == NULL || cmp < 0)) {
			rc = add_change(ctx, db, st, run, "removed", g, NULL);
			i++;
		} else if (c && (g == NULL || cmp > 0)) {
			rc = add_change(ctx, db, st, run, c->f[RW_L_VENDOR][0] ? "added" : "new-entity", NULL, c);
			j++;
		} else if (g && c) {
			int ended = g->f[RW_L_UNTIL][0] == '\0' && c->f[RW_L_UNTIL][0] != '\0';
			/* Only evidence, citation or note differ: the status is as it was. */
			int evidence = rw_row_equal(g, c, RW_L_SINCE + 1) &&
				       strcmp(g->f[RW_L_UNTIL], c->f[RW_L_UNTIL]) == 0;

			rc = add_change(ctx, db, st, run, ended ? "ended" : evidence ? "evidence" : "changed", g, c);
			i++;
			j++;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

static int apply_intervals(rw_ctx *ctx, rw_db *db, long run, const rw_table *lines)
{
	static const char ins_sql[] =
		"INSERT INTO intervals(source, regime, ref, vendor, entity, status, since, until, evidence, note,"
		" recorded_run) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
	sqlite3_stmt *ins = NULL, *sup = NULL;
	rw_table cur, gone, came;
	size_t i = 0, j = 0, k;
	int rc;

	rw_table_init(&cur, RW_L_NCOLS + 1);
	rw_table_init(&gone, RW_L_NCOLS);
	rw_table_init(&came, RW_L_NCOLS);
	rc = current_intervals(ctx, db, &cur);
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &ins, ins_sql);
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &sup, "UPDATE intervals SET superseded_run = ?1 WHERE id = ?2");
	/* Both tables are sorted on all columns: walk them together. */
	while (rc == 0 && (i < cur.n || j < lines->n)) {
		const rw_row *c = i < cur.n ? &cur.v[i] : NULL;
		const rw_row *l = j < lines->n ? &lines->v[j] : NULL;
		int cmp = 0;

		for (k = 0; c && l && k < RW_L_NCOLS && cmp == 0; k++)
			cmp = strcmp(c->f[k], l->f[k]);
		if (c == NULL)
			cmp = 1;
		else if (l == NULL)
			cmp = -1;
		if (cmp == 0) {
			i++;
			j++;
		} else if (cmp < 0) {
			sqlite3_bind_int64(sup, 1, run);
			sqlite3_bind_int64(sup, 2, strtol(c->f[RW_L_NCOLS], NULL, 10));
			rc = rw_sql_step_done(ctx, db, sup);
			if (rc == 0 && rw_table_add_row(&gone, c) < 0)
				rc = rw_error(ctx, RW_ENOMEM, "out of memory");
			i++;
		} else {
			for (k = 0; k < RW_L_NCOLS; k++)
				rw_sql_bind_text(ins, (int)k + 1, l->f[k]);
			sqlite3_bind_int64(ins, RW_L_NCOLS + 1, run);
			rc = rw_sql_step_done(ctx, db, ins);
			if (rc == 0 && rw_table_add_row(&came, l) < 0)
				rc = rw_error(ctx, RW_ENOMEM, "out of memory");
			j++;
		}
	}
	if (rc == 0)
		rc = record_interval_changes(ctx, db, run, &gone, &came);
	sqlite3_finalize(ins);
	sqlite3_finalize(sup);
	rw_table_release(&cur);
	rw_table_release(&gone);
	rw_table_release(&came);
	return rc;
}

/* The open interval of state lines that absence row x is about, or NULL. */
static const rw_row *absent_interval(const rw_table *lines, const rw_row *x)
{
	size_t i;

	for (i = 0; i < lines->n; i++) {
		const rw_row *l = &lines->v[i];

		if (l->f[RW_L_UNTIL][0] == '\0' && strcmp(l->f[RW_L_SOURCE], x->f[RW_X_SOURCE]) == 0 &&
		    strcmp(l->f[RW_L_REGIME], x->f[RW_X_REGIME]) == 0 && strcmp(l->f[RW_L_REF], x->f[RW_X_REF]) == 0)
			return l;
	}
	return NULL;
}

/*
 * Absences (entries a live list dropped, removal not confirmed): a new one is recorded with
 * a change of kind unconfirmed-removal dated from its first absence; one more day absent
 * replaces the row without a change; one that went (the entry is back, or its removal was
 * confirmed and the interval ended) is superseded, the interval's own change saying the rest.
 */
static int apply_absences(rw_ctx *ctx, rw_db *db, long run, const rw_state *state)
{
	static const char cur_sql[] =
		"SELECT source, regime, ref, first_absent, days, id FROM absences WHERE superseded_run IS NULL"
		" ORDER BY source, regime, ref";
	static const char ins_sql[] =
		"INSERT INTO absences(source, regime, ref, first_absent, days, recorded_run)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	static const char chg_sql[] =
		"INSERT INTO changes(run, kind, vendor, entity, regime, from_status, to_status, effective,"
		" source, evidence, title) VALUES (?1, 'unconfirmed-removal', ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8, ?9)";
	sqlite3_stmt *st = NULL, *ins = NULL, *sup = NULL, *chg = NULL;
	const rw_table *want = &state->absent;
	rw_table cur;
	size_t i = 0, j = 0;
	int rc;

	rw_table_init(&cur, 6);
	rc = rw_sql_prepare(ctx, db, &st, cur_sql);
	if (rc == 0)
		rc = rw_sql_rows(ctx, db, st, &cur);
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &ins, ins_sql);
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &sup, "UPDATE absences SET superseded_run = ?1 WHERE id = ?2");
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &chg, chg_sql);
	while (rc == 0 && (i < cur.n || j < want->n)) {
		const rw_row *c = i < cur.n ? &cur.v[i] : NULL;
		const rw_row *w = j < want->n ? &want->v[j] : NULL;
		int cmp = c && w ? 0 : c ? -1 : 1, same;
		size_t k;

		for (k = 0; c && w && k < 3 && cmp == 0; k++)
			cmp = strcmp(c->f[k], w->f[k]);
		same = cmp == 0 && strcmp(c->f[3], w->f[RW_X_FIRST]) == 0 && strcmp(c->f[4], w->f[RW_X_COUNT]) == 0;
		if (c && cmp <= 0 && !same) {
			sqlite3_bind_int64(sup, 1, run);
			sqlite3_bind_int64(sup, 2, strtol(c->f[5], NULL, 10));
			rc = rw_sql_step_done(ctx, db, sup);
		}
		if (rc == 0 && w && cmp >= 0 && !same) {
			for (k = 0; k < 4; k++)
				rw_sql_bind_text(ins, (int)k + 1, w->f[k]);
			sqlite3_bind_int64(ins, 5, strtol(w->f[RW_X_COUNT], NULL, 10));
			sqlite3_bind_int64(ins, 6, run);
			rc = rw_sql_step_done(ctx, db, ins);
		}
		if (rc == 0 && w && cmp > 0) {
			const rw_row *l = absent_interval(&state->lines, w);

			if (l) {
				sqlite3_bind_int64(chg, 1, run);
				rw_sql_bind_text(chg, 2, l->f[RW_L_VENDOR]);
				rw_sql_bind_text(chg, 3, l->f[RW_L_ENTITY]);
				rw_sql_bind_text(chg, 4, l->f[RW_L_REGIME]);
				rw_sql_bind_text(chg, 5, l->f[RW_L_STATUS]);
				rw_sql_bind_text(chg, 6, w->f[RW_X_FIRST]);
				rw_sql_bind_text(chg, 7, l->f[RW_L_SOURCE]);
				rw_sql_bind_text(chg, 8, l->f[RW_L_EVIDENCE]);
				rw_sql_bind_text(chg, 9, l->f[RW_L_NOTE]);
				rc = rw_sql_step_done(ctx, db, chg);
			}
		}
		if (cmp <= 0)
			i++;
		if (cmp >= 0)
			j++;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	sqlite3_finalize(sup);
	sqlite3_finalize(chg);
	rw_table_release(&cur);
	return rc;
}

static int apply_announcements(rw_ctx *ctx, rw_db *db, long run, const rw_table *anns)
{
	static const char ins_sql[] =
		"INSERT INTO announcements(source, vendor, date, title, url, recorded_run)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING";
	static const char chg_sql[] =
		"INSERT INTO changes(run, kind, vendor, regime, effective, source, evidence, title)"
		" VALUES (?1, 'announcement', ?2, NULL, ?3, ?4, ?5, ?6)";
	sqlite3_stmt *ins = NULL, *chg = NULL;
	size_t i;
	int rc;

	rc = rw_sql_prepare(ctx, db, &ins, ins_sql);
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &chg, chg_sql);
	for (i = 0; i < anns->n && rc == 0; i++) {
		char *const *f = anns->v[i].f;

		rw_sql_bind_text(ins, 1, f[RW_A_SOURCE]);
		rw_sql_bind_text(ins, 2, f[RW_A_VENDOR]);
		rw_sql_bind_text(ins, 3, f[RW_A_DATE]);
		rw_sql_bind_text(ins, 4, f[RW_A_TITLE]);
		rw_sql_bind_text(ins, 5, f[RW_A_URL]);
		sqlite3_bind_int64(ins, 6, run);
		rc = rw_sql_step_done(ctx, db, ins);
		if (rc < 0 || sqlite3_changes(db->h) == 0)
			continue;
		sqlite3_bind_int64(chg, 1, run);
		rw_sql_bind_text(chg, 2, f[RW_A_VENDOR]);
		rw_sql_bind_text(chg, 3, f[RW_A_DATE]);
		rw_sql_bind_text(chg, 4, f[RW_A_SOURCE]);
		rw_sql_bind_text(chg, 5, f[RW_A_URL]);
		rw_sql_bind_text(chg, 6, f[RW_A_TITLE]);
		rc = rw_sql_step_done(ctx, db, chg);
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(chg);
	return rc;
}

/* A JSON array of strings, built by SQLite's JSON functions. */
static int json_array(rw_ctx *ctx, rw_db *db, const rw_strvec *sv, char **out)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	*out = rw_strdup("[]");
	if (*out == NULL)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	rc = rw_sql_prepare(ctx, db, &st, "SELECT json_insert(?1, '$[#]', ?2)");
	for (i = 0; i < sv->n && rc == 0; i++) {
		rw_sql_bind_text(st, 1, *out);
		sqlite3_bind_text(st, 2, sv->v[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW)
			rc = rw_sql_fail(ctx, db, "json");
		else
			rw_str_replace(out, rw_strdup(rw_sql_text(st, 0)));
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

/* What the baseline says of each event beyond its interval: provision, confidence, evidence. */
static int apply_events(rw_ctx *ctx, rw_db *db, const rw_regimes *regimes)
{
	sqlite3_stmt *e = NULL;
	size_t i;
	int rc;

	rc = rw_sql_exec(ctx, db, "DELETE FROM baseline_events");
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &e,
				    "INSERT INTO baseline_events(id, regime, vendor, provision, confidence, evidence_kind, citation)"
				    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	for (i = 0; regimes && i < regimes->nevents && rc == 0; i++) {
		const rw_event *ev = &regimes->events[i];

		rw_sql_bind_text(e, 1, ev->id);
		rw_sql_bind_text(e, 2, ev->regime);
		rw_sql_bind_text(e, 3, ev->vendor);
		rw_sql_bind_text(e, 4, ev->provision);
		rw_sql_bind_text(e, 5, ev->confidence ? ev->confidence : "M");
		rw_sql_bind_text(e, 6, ev->evidence_kind ? ev->evidence_kind : "primary");
		rw_sql_bind_text(e, 7, ev->citation ? ev->citation : "");
		rc = rw_sql_step_done(ctx, db, e);
	}
	sqlite3_finalize(e);
	return rc;
}

static int apply_dictionary(rw_ctx *ctx, rw_db *db, const rw_dict *dict, const rw_regimes *regimes)
{
	sqlite3_stmt *v = NULL, *r = NULL;
	size_t i;
	int rc;

	rc = rw_sql_exec(ctx, db, "DELETE FROM vendors; DELETE FROM regimes");
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &v, "INSERT INTO vendors(id, name, parent, aliases, brands) VALUES (?1, ?2, ?3, ?4, ?5)");
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &r,
			     "INSERT INTO regimes(id, jurisdiction, title, instrument, evidence, covers_affiliates)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	for (i = 0; dict && i < dict->n && rc == 0; i++) {
		const rw_vendor *d = &dict->vendors[i];
		char *aliases = NULL, *brands = NULL;
		rw_strvec all = RW_STRVEC_INIT;
		size_t k;

		for (k = 0; k < d->names.n && rc == 0; k++)
			rc = rw_strvec_push(&all, d->names.v[k]);
		for (k = 0; k < d->aliases.n && rc == 0; k++)
			rc = rw_strvec_push(&all, d->aliases.v[k]);
		if (rc == 0)
			rc = json_array(ctx, db, &all, &aliases);
		if (rc == 0)
			rc = json_array(ctx, db, &d->brands, &brands);
		if (rc == 0) {
			rw_sql_bind_text(v, 1, d->id);
			rw_sql_bind_text(v, 2, d->name);
			rw_sql_bind_text(v, 3, d->parent);
			rw_sql_bind_text(v, 4, aliases);
			rw_sql_bind_text(v, 5, brands);
			rc = rw_sql_step_done(ctx, db, v);
		}
		free(aliases);
		free(brands);
		rw_strvec_release(&all);
	}
	for (i = 0; regimes && i < regimes->nregimes && rc == 0; i++) {
		const rw_regime *g = &regimes->regimes[i];

		rw_sql_bind_text(r, 1, g->id);
		rw_sql_bind_text(r, 2, g->jurisdiction);
		rw_sql_bind_text(r, 3, g->title);
		rw_sql_bind_text(r, 4, g->instrument);
		rw_sql_bind_text(r, 5, g->evidence);
		sqlite3_bind_int(r, 6, g->covers_affiliates);
		rc = rw_sql_step_done(ctx, db, r);
	}
	sqlite3_finalize(v);
	sqlite3_finalize(r);
	if (rc == 0)
		rc = apply_events(ctx, db, regimes);
	return rc;
}

/* A transaction of its own, or a savepoint inside the caller's (rebuild). */
static int tx_begin(rw_ctx *ctx, rw_db *db, int *nested)
{
	*nested = !sqlite3_get_autocommit(db->h);
	return rw_sql_exec(ctx, db, *nested ? "SAVEPOINT rw_apply" : "BEGIN IMMEDIATE");
}

static int tx_end(rw_ctx *ctx, rw_db *db, int nested, int rc)
{
	if (rc == 0)
		rc = rw_sql_exec(ctx, db, nested ? "RELEASE rw_apply" : "COMMIT");
	if (rc < 0 && nested) {
		sqlite3_exec(db->h, "ROLLBACK TO rw_apply; RELEASE rw_apply", NULL, NULL, NULL);
		return rc;
	}
	return rc < 0 ? rw_sql_rollback(db, rc) : 0;
}

int rw_db_apply(rw_ctx *ctx, rw_db *db, const rw_apply *a, long *run)
{
	char recorded[RW_INSTANT_LEN], applied[RW_INSTANT_LEN];
	sqlite3_stmt *st = NULL;
	int rc, has = 0, nested;

	rw_instant_format(a->recorded_at, recorded);
	rw_instant_format(ctx->now, applied);
	rc = tx_begin(ctx, db, &nested);
	if (rc < 0)
		return rc;
	rc = rw_db_has_commit(ctx, db, a->oid, &has);
	if (rc == 0 && has) {
		rc = rw_sql_prepare(ctx, db, &st, "SELECT id FROM runs WHERE commit_oid = ?1");
		rw_sql_bind_text(st, 1, a->oid);
		if (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
			*run = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		return tx_end(ctx, db, nested, rc);
	}
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &st,
			     "INSERT INTO runs(id, commit_oid, recorded_at, applied_at, message) VALUES (?5, ?1, ?2, ?3, ?4)");
	if (rc == 0) {
		rw_sql_bind_text(st, 1, a->oid);
		rw_sql_bind_text(st, 2, recorded);
		rw_sql_bind_text(st, 3, applied);
		sqlite3_bind_text(st, 4, a->message ? a->message : "", -1, SQLITE_TRANSIENT);
		if (a->run_id > 0)
			sqlite3_bind_int64(st, 5, a->run_id);
		else
			sqlite3_bind_null(st, 5);
		rc = rw_sql_step_done(ctx, db, st);
		*run = sqlite3_last_insert_rowid(db->h);
	}
	sqlite3_finalize(st);
	/* The dictionary and the baseline's events first: the changes keep what their event says. */
	if (rc == 0 && (a->dict || a->regimes))
		rc = apply_dictionary(ctx, db, a->dict, a->regimes);
	if (rc == 0)
		rc = apply_intervals(ctx, db, *run, &a->state->lines);
	if (rc == 0)
		rc = apply_absences(ctx, db, *run, a->state);
	if (rc == 0)
		rc = apply_announcements(ctx, db, *run, &a->state->anns);
	if (rc == 0)
		rw_fault_point(ctx, "in_db_transaction");
	return tx_end(ctx, db, nested, rc);
}

int rw_db_rebuild_begin(rw_ctx *ctx, rw_db *db)
{
	int rc = rw_sql_exec(ctx, db, "BEGIN IMMEDIATE");

	/* Runs keep their numbers, so rows elsewhere that name a run stay valid at COMMIT. */
	if (rc == 0)
		rc = rw_sql_exec(ctx, db, "PRAGMA defer_foreign_keys = ON; DELETE FROM changes; DELETE FROM announcements;"
				   " DELETE FROM absences; DELETE FROM intervals; DELETE FROM runs");
	return rc < 0 ? rw_sql_rollback(db, rc) : 0;
}

int rw_db_rebuild_end(rw_ctx *ctx, rw_db *db, int rc)
{
	/* Re-deriving history is not news: every rebuilt run counts as queued. */
	if (rc == 0)
		rc = rw_sql_exec(ctx, db, "UPDATE runs SET queued_at = applied_at WHERE queued_at IS NULL");
	if (rc == 0)
		rc = rw_sql_exec(ctx, db, "COMMIT");
	return rc < 0 ? rw_sql_rollback(db, rc) : 0;
}

