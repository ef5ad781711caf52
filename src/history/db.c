/* The history database's connection: opening, migrations and the SQL helpers every query file shares. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "history/history_int.h"
#include "regwatch/history.h"

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
int rw_sql_select(rw_ctx *ctx, rw_db *db, const char *sql, rw_table *out)
{
	sqlite3_stmt *st = NULL;
	int rc = rw_sql_prepare(ctx, db, &st, sql);

	if (rc == 0)
		rc = rw_sql_rows(ctx, db, st, out);
	sqlite3_finalize(st);
	return rc;
}

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

int rw_sql_rollback(rw_db *db, int rc)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int rw_db_begin(rw_ctx *ctx, rw_db *db)
{
	return rw_sql_exec(ctx, db, "BEGIN IMMEDIATE");
}

int rw_db_end(rw_ctx *ctx, rw_db *db, int rc)
{
	if (rc == 0)
		rc = rw_sql_exec(ctx, db, "COMMIT");
	return rc < 0 ? rw_sql_rollback(db, rc) : 0;
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
