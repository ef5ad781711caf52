/*
 * Inside the history module (the .c files of src/history, the only ones that use SQLite):
 * the connection and the small helpers every query file shares.
 */
#ifndef REGWATCH_HISTORY_DB_H
#define REGWATCH_HISTORY_DB_H

#include <sqlite3.h>
#include "regwatch/core.h"
#include "regwatch/state.h"

struct rw_db {
	sqlite3 *h;
	char *path;
};

/* Sets "database 'PATH': WHAT: sqlite's message" and returns RW_EDB. */
int rw_sql_fail(rw_ctx *ctx, struct rw_db *db, const char *what);
int rw_sql_prepare(rw_ctx *ctx, struct rw_db *db, sqlite3_stmt **st, const char *sql);
int rw_sql_exec(rw_ctx *ctx, struct rw_db *db, const char *sql);
/* Rolls back an open transaction (if SQLite has not already) and returns rc. */
int rw_sql_rollback(struct rw_db *db, int rc);
/* Binds text, or NULL for NULL and "". */
void rw_sql_bind_text(sqlite3_stmt *st, int i, const char *s);
/* A column as text, "" for NULL. */
const char *rw_sql_text(sqlite3_stmt *st, int i);
/* Steps a statement that returns no rows, then resets it. */
int rw_sql_step_done(rw_ctx *ctx, struct rw_db *db, sqlite3_stmt *st);
/* Runs a query and appends each row (out->ncols columns, as text) to out. */
int rw_sql_rows(rw_ctx *ctx, struct rw_db *db, sqlite3_stmt *st, rw_table *out);
/* Prepares sql (no parameters), appends its rows to out as rw_sql_rows does, finalizes. */
int rw_sql_select(rw_ctx *ctx, struct rw_db *db, const char *sql, rw_table *out);

/* Of every interval known (RW_Q_NCOLS columns), appends to out those in force on date d,
   where the curated baseline and a live list agree on a status under one regime taking
   the start from the baseline and the end from the live list (resolve.c). */
int rw_resolve_on(rw_ctx *ctx, const rw_table *all, const char *d, rw_table *out);

#endif
