/* The history database over SQLite: schema, migrations, applying commits, queries. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "regwatch/dates.h"
#include "history/history_int.h"
#include "regwatch/history.h"
#include "regwatch/notify.h"

#define RW_APPLICATION_ID 0x52575443 /* "RWTC" */

extern const char *const rw_migrations[];
extern const size_t rw_migrations_count;


int rw_sql_fail(rw_ctx *ctx, rw_db *db, const char *what)
{
	return rw_error(ctx, RW_EDB, "database '%s': %s: %s", db->path, what, sqlite3_errmsg(db->h));
}

int rw_sql_exec(rw_ctx *ctx, rw_db *db, const char *sql)
{
	char *err = NULL;
	int rc;

	rc = sqlite3_exec(db->h, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		rw_error(ctx, RW_EDB, "database '%s': %s", db->path, err ? err : sqlite3_errstr(rc));
		sqlite3_free(err);
		return RW_EDB;
	}
	return 0;
}

int rw_sql_prepare(rw_ctx *ctx, rw_db *db, sqlite3_stmt **st, const char *sql)
{
	if (sqlite3_prepare_v2(db->h, sql, -1, st, NULL) != SQLITE_OK)
		return rw_sql_fail(ctx, db, "prepare");
	return 0;
}

/* Binds text, or NULL for NULL and "". */
void rw_sql_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL || s[0] == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

const char *rw_sql_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? (const char *)t : "";
}

int rw_sql_step_done(rw_ctx *ctx, rw_db *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return rw_sql_fail(ctx, db, "write");
	return 0;
}

/* Runs a query and appends each result row (ncols columns, as text) to out. */
int rw_sql_rows(rw_ctx *ctx, rw_db *db, sqlite3_stmt *st, rw_table *out)
{
	const char *f[RW_ROW_MAXCOLS];
	size_t i;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < out->ncols; i++)
			f[i] = rw_sql_text(st, (int)i);
		if (rw_table_add(out, f) < 0)
			return rw_error(ctx, RW_ENOMEM, "out of memory");
	}
	if (rc != SQLITE_DONE)
		return rw_sql_fail(ctx, db, "query");
	return 0;
}

static int migrate(rw_ctx *ctx, rw_db *db)
{
	sqlite3_stmt *st = NULL;
	long version = 0;
	size_t i;
	int rc;

	rc = rw_sql_exec(ctx, db, "BEGIN IMMEDIATE");
	if (rc < 0)
		return rc;
	rc = rw_sql_prepare(ctx, db, &st, "PRAGMA user_version");
	if (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == 0 && version > (long)rw_migrations_count)
		rc = rw_error(ctx, RW_EDB, "database '%s': schema version %ld is newer than this regwatch (%zu)",
			      db->path, version, rw_migrations_count);
	for (i = (size_t)version; rc == 0 && i < rw_migrations_count; i++) {
		rc = rw_sql_exec(ctx, db, rw_migrations[i]);
		if (rc < 0)
			rw_error_prefix(ctx, rc, "migration %zu", i + 1);
	}
	if (rc == 0 && (size_t)version < rw_migrations_count) {
		char sql[64];

		snprintf(sql, sizeof(sql), "PRAGMA user_version = %zu", rw_migrations_count);
		rc = rw_sql_exec(ctx, db, sql);
		if (rc == 0) {
			snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", RW_APPLICATION_ID);
			rc = rw_sql_exec(ctx, db, sql);
		}
	}
	if (rc == 0)
		return rw_sql_exec(ctx, db, "COMMIT");
	sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int rw_db_open(rw_ctx *ctx, rw_db **out, const char *path, int mode)
{
	rw_db *db = calloc(1, sizeof(*db));
	int flags = SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE;
	int rc = 0;

	if (db == NULL || (db->path = rw_strdup(path)) == NULL) {
		free(db);
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	}
	flags |= mode == RW_DB_WRITE ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
	if (sqlite3_open_v2(path, &db->h, flags, NULL) != SQLITE_OK) {
		if (mode == RW_DB_READ && sqlite3_extended_errcode(db->h) == SQLITE_CANTOPEN)
			rc = rw_error(ctx, RW_ENOTFOUND, "no database at '%s': run 'regwatch update' first", path);
		else
			rc = rw_sql_fail(ctx, db, "open");
		goto out;
	}
	sqlite3_busy_timeout(db->h, 5000);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	if (mode == RW_DB_WRITE) {
		rc = rw_sql_exec(ctx, db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON");
		if (rc == 0)
			rc = migrate(ctx, db);
	} else {
		rc = rw_sql_exec(ctx, db, "PRAGMA query_only=1");
		if (rc == 0) {
			sqlite3_stmt *st = NULL;
			long version = -1;

			rc = rw_sql_prepare(ctx, db, &st, "PRAGMA user_version");
			if (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
				version = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
			if (rc == 0 && version != (long)rw_migrations_count)
				rc = rw_error(ctx, RW_EDB,
					      "database '%s': schema version %ld, expected %zu: run 'regwatch update'",
					      path, version, rw_migrations_count);
		}
	}
out:
	if (rc < 0) {
		rw_db_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

void rw_db_close(rw_db *db)
{
	if (db == NULL)
		return;
	sqlite3_close(db->h);
	free(db->path);
	free(db);
}

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

int rw_db_validators(rw_ctx *ctx, rw_db *db, const char *name, char **etag, char **last_modified)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*etag = NULL;
	*last_modified = NULL;
	rc = rw_sql_prepare(ctx, db, &st, "SELECT etag, last_modified FROM sources WHERE name = ?1");
	if (rc == 0) {
		rw_sql_bind_text(st, 1, name);
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

int rw_sql_rollback(rw_db *db, int rc)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int rw_db_record_attempts(rw_ctx *ctx, rw_db *db, const rw_attempt *a, size_t n, time_t now)
{
	static const char sql[] =
		"INSERT INTO sources(name, url, format, etag, last_modified, last_attempt, last_success,"
		" last_change, http_status, records, consecutive_failures, health, reason, max_age_days)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?7 THEN ?6 END, CASE WHEN ?8 THEN ?6 END, ?9, ?10,"
		"         CASE WHEN ?7 THEN 0 ELSE 1 END, ?11, ?12, ?13)"
		" ON CONFLICT(name) DO UPDATE SET url = ?2, format = ?3,"
		"  etag = coalesce(?4, etag), last_modified = coalesce(?5, last_modified), last_attempt = ?6,"
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
		rc = rw_sql_step_done(ctx, db, st);
		sqlite3_clear_bindings(st);
	}
	sqlite3_finalize(st);
	if (rc == 0)
		rc = rw_sql_exec(ctx, db, "COMMIT");
	return rc < 0 ? rw_sql_rollback(db, rc) : 0;
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
		" source, evidence, title) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
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

			rc = add_change(ctx, db, st, run, ended ? "ended" : "changed", g, c);
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
	if (rc == 0)
		rc = apply_intervals(ctx, db, *run, &a->state->lines);
	if (rc == 0)
		rc = apply_announcements(ctx, db, *run, &a->state->anns);
	if (rc == 0 && (a->dict || a->regimes))
		rc = apply_dictionary(ctx, db, a->dict, a->regimes);
	if (rc == 0)
		rc = rw_outbox_enqueue_run(ctx, db, *run, a); /* the run's notifications, same transaction */
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
				   " DELETE FROM intervals; DELETE FROM runs");
	return rc < 0 ? rw_sql_rollback(db, rc) : 0;
}

int rw_db_rebuild_end(rw_ctx *ctx, rw_db *db, int rc)
{
	if (rc == 0)
		rc = rw_sql_exec(ctx, db, "COMMIT");
	return rc < 0 ? rw_sql_rollback(db, rc) : 0;
}

/* Levenshtein distance, bounded to short ids. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[64 + 1];

	if (la > 64 || lb > 64)
		return 64;
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		size_t prev = d[0];

		d[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t tmp = d[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = prev + cost;

			if (d[j] + 1 < best)
				best = d[j] + 1;
			if (d[j - 1] + 1 < best)
				best = d[j - 1] + 1;
			d[j] = best;
			prev = tmp;
		}
	}
	return d[lb];
}

static int unknown_vendor(rw_ctx *ctx, rw_db *db, const char *id)
{
	sqlite3_stmt *st = NULL;
	rw_buf near = RW_BUF_INIT;
	size_t best = 4;
	int rc;

	rc = rw_sql_prepare(ctx, db, &st, "SELECT id FROM vendors ORDER BY id");
	/* Two passes over the few ids: find the best distance, then list every id at it. */
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		size_t d = edit_distance(id, rw_sql_text(st, 0));

		if (d < best)
			best = d;
	}
	sqlite3_reset(st);
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *cand = rw_sql_text(st, 0);

		if (edit_distance(id, cand) == best || (strlen(id) >= 3 && strncmp(cand, id, strlen(id)) == 0))
			rw_buf_printf(&near, "%s'%s'", near.len ? ", " : "", cand);
	}
	sqlite3_finalize(st);
	if (rc == 0) {
		if (near.len)
			rc = rw_error(ctx, RW_ENOTFOUND, "unknown vendor '%s' (closest: %s)", id, near.data);
		else
			rc = rw_error(ctx, RW_ENOTFOUND, "unknown vendor '%s' (see 'regwatch vendors')", id);
	}
	rw_buf_release(&near);
	return rc;
}

int rw_db_vendor(rw_ctx *ctx, rw_db *db, const char *id, char **name, char **parent)
{
	sqlite3_stmt *st = NULL;
	int rc, found = 0;

	rc = rw_sql_prepare(ctx, db, &st, "SELECT name, parent FROM vendors WHERE id = ?1");
	if (rc == 0) {
		rw_sql_bind_text(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			found = 1;
			if (name)
				*name = rw_strdup(rw_sql_text(st, 0));
			if (parent)
				*parent = sqlite3_column_type(st, 1) == SQLITE_NULL ? NULL : rw_strdup(rw_sql_text(st, 1));
		}
	}
	sqlite3_finalize(st);
	if (rc == 0 && !found)
		rc = unknown_vendor(ctx, db, id);
	return rc;
}

#define INTERVAL_COLUMNS                                                                              \
	"i.regime, coalesce(g.jurisdiction, upper(substr(i.regime, 1, instr(i.regime, '.') - 1))),"   \
	" i.status, coalesce(i.since, ''), coalesce(i.until, ''), ?2, i.source, coalesce(i.evidence, ''),"\
	" r.recorded_at, i.entity, coalesce(i.note, ''), coalesce(i.vendor, '')"

/* 1 when interval r is in force on date d (since <= d < until). */
static int in_force(const rw_row *r, const char *d)
{
	return r->f[RW_Q_SINCE][0] && strcmp(r->f[RW_Q_SINCE], d) <= 0 &&
	       (!r->f[RW_Q_UNTIL][0] || strcmp(r->f[RW_Q_UNTIL], d) > 0);
}

static int is_baseline(const rw_row *r)
{
	return strcmp(r->f[RW_Q_SOURCE], "baseline") == 0;
}

static int same_regime_status(const rw_row *a, const rw_row *b)
{
	return strcmp(a->f[RW_Q_REGIME], b->f[RW_Q_REGIME]) == 0 && strcmp(a->f[RW_Q_VIA], b->f[RW_Q_VIA]) == 0 &&
	       strcmp(a->f[RW_Q_STATUS], b->f[RW_Q_STATUS]) == 0;
}

/*
 * Where the curated baseline and a live list give the same status under the same regime:
 * the start date is the baseline's (a legal effective date beats a list's publication
 * date), and the end is the live list's (a vendor a healthy list dropped is no longer
 * listed, whatever the baseline said). all: every interval known; out: those in force on d.
 */
static int resolve_on(rw_ctx *ctx, const rw_table *all, const char *d, rw_table *out)
{
	size_t i, k;

	for (i = 0; i < all->n; i++) {
		const rw_row *r = &all->v[i];
		int keep = in_force(r, d);

		if (!keep)
			continue;
		if (is_baseline(r)) {
			/* Superseded by a live row of the same status: in force (merged below) or ended. */
			for (k = 0; k < all->n && keep; k++) {
				const rw_row *l = &all->v[k];

				if (is_baseline(l) || !same_regime_status(r, l))
					continue;
				if (in_force(l, d) || (l->f[RW_Q_UNTIL][0] && strcmp(l->f[RW_Q_UNTIL], d) <= 0 &&
						       strcmp(l->f[RW_Q_SINCE], r->f[RW_Q_SINCE]) >= 0))
					keep = 0;
			}
			if (keep && rw_table_add_row(out, r) < 0)
				return rw_error(ctx, RW_ENOMEM, "out of memory");
			continue;
		}
		if (rw_table_add_row(out, r) < 0)
			return rw_error(ctx, RW_ENOMEM, "out of memory");
		/* The earliest baseline start of the same status that reaches this interval. */
		for (k = 0; k < all->n; k++) {
			const rw_row *b = &all->v[k];
			rw_row *o = &out->v[out->n - 1];

			if (!is_baseline(b) || !same_regime_status(b, r) || !b->f[RW_Q_SINCE][0] ||
			    strcmp(b->f[RW_Q_SINCE], o->f[RW_Q_SINCE]) >= 0 ||
			    (b->f[RW_Q_UNTIL][0] && strcmp(b->f[RW_Q_UNTIL], r->f[RW_Q_SINCE]) < 0))
				continue;
			rw_str_replace(&o->f[RW_Q_SINCE], rw_strdup(b->f[RW_Q_SINCE]));
			rw_str_replace(&o->f[RW_Q_NOTE], rw_asprintf("start date from the curated baseline: %s (%s)",
								     b->f[RW_Q_NOTE], b->f[RW_Q_EVIDENCE]));
			if (o->f[RW_Q_SINCE] == NULL || o->f[RW_Q_NOTE] == NULL)
				return rw_error(ctx, RW_ENOMEM, "out of memory");
		}
	}
	return 0;
}

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
		rc = resolve_on(ctx, &all, on, out);
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

int rw_db_vendors(rw_ctx *ctx, rw_db *db, rw_table *vendors, rw_table *unmatched)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = rw_sql_prepare(ctx, db, &st, "SELECT id, name, coalesce(parent, ''), aliases, brands FROM vendors ORDER BY id");
	if (rc == 0)
		rc = rw_sql_rows(ctx, db, st, vendors);
	sqlite3_finalize(st);
	st = NULL;
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &st,
			     "SELECT entity, source, regime, coalesce(since, '') FROM intervals"
			     " WHERE vendor IS NULL AND superseded_run IS NULL AND until IS NULL"
			     " ORDER BY since, entity");
	if (rc == 0)
		rc = rw_sql_rows(ctx, db, st, unmatched);
	sqlite3_finalize(st);
	return rc;
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

/* ---- diagnostics (regwatch --version, regwatch doctor) ---- */

void rw_db_library_version(char *buf, size_t size)
{
	snprintf(buf, size, "SQLite/%s", sqlite3_libversion());
}

int rw_db_check_runtime(rw_ctx *ctx, int min_number)
{
	int v = sqlite3_libversion_number();

	if (v < min_number)
		return rw_error(ctx, RW_EDB, "SQLite %s is too old: %d.%d.%d or later is needed", sqlite3_libversion(),
				min_number / 1000000, min_number / 1000 % 1000, min_number % 1000);
	return 0;
}

int rw_db_quick_check(rw_ctx *ctx, rw_db *db)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	rc = rw_sql_prepare(ctx, db, &st, "PRAGMA quick_check(1)");
	if (rc == 0) {
		step = sqlite3_step(st);
		if (step != SQLITE_ROW)
			rc = rw_sql_fail(ctx, db, "quick_check");
		else if (strcmp(rw_sql_text(st, 0), "ok") != 0)
			rc = rw_error(ctx, RW_EDB, "database '%s': quick_check: %s", db->path, rw_sql_text(st, 0));
	}
	sqlite3_finalize(st);
	return rc;
}
