/* Vendor lookups: one vendor (with suggestions for a misspelt id), the dictionary, unmatched entries. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "history/history_int.h"
#include "regwatch/history.h"
#include "regwatch/strutil.h"

static int unknown_vendor(rw_ctx *ctx, rw_db *db, const char *id)
{
	sqlite3_stmt *st = NULL;
	rw_buf near = RW_BUF_INIT;
	size_t best = 4;
	int rc;

	rc = rw_sql_prepare(ctx, db, &st, "SELECT id FROM vendors ORDER BY id");
	/* Two passes over the few ids: find the best distance, then list every id at it. */
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		size_t d = rw_edit_distance(id, rw_sql_text(st, 0));

		if (d < best)
			best = d;
	}
	sqlite3_reset(st);
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *cand = rw_sql_text(st, 0);

		if (rw_edit_distance(id, cand) == best || (strlen(id) >= 3 && strncmp(cand, id, strlen(id)) == 0))
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
