/*
 * The normalised state: what regwatch believes every source says, as
 * tables of text rows. It is serialised into the archive as sorted TSV
 * (state/statuses.tsv, state/entities.tsv, state/announcements.tsv) and
 * applied to the database from there.
 */
#ifndef REGWATCH_STATE_H
#define REGWATCH_STATE_H

#include <stddef.h>
#include "regwatch/core.h"

/* Columns of an interval row (statuses.tsv and entities.tsv). */
enum rw_line_col {
	RW_L_SOURCE, RW_L_REGIME, RW_L_REF, RW_L_VENDOR, RW_L_ENTITY, RW_L_STATUS,
	RW_L_SINCE, RW_L_UNTIL, RW_L_EVIDENCE, RW_L_NOTE, RW_L_NCOLS
};

/* Columns of an absence row (absences.tsv): an open interval of a live list that healthy
   snapshots no longer list, counted until the removal is confirmed (removeAfter). */
enum rw_absent_col { RW_X_SOURCE, RW_X_REGIME, RW_X_REF, RW_X_FIRST, RW_X_LAST, RW_X_COUNT, RW_X_NCOLS };

/* Columns of an announcement row (announcements.tsv). */
enum rw_ann_col { RW_A_SOURCE, RW_A_VENDOR, RW_A_DATE, RW_A_TITLE, RW_A_URL, RW_A_NCOLS };

#define RW_ROW_MAXCOLS 24

/* A row: ncols owned strings, never NULL ("" for empty). */
typedef struct rw_row {
	char *f[RW_ROW_MAXCOLS];
} rw_row;

typedef struct rw_table {
	size_t ncols;
	rw_row *v;
	size_t n;
	size_t cap;
} rw_table;

void rw_table_init(rw_table *t, size_t ncols);
void rw_table_release(rw_table *t);
/* Appends a row; fields[i] NULL is stored as "". Tabs and line breaks become spaces. */
int rw_table_add(rw_table *t, const char *const *fields);
/* Appends a copy of row r of another table with the same columns. */
int rw_table_add_row(rw_table *t, const rw_row *r);
void rw_table_sort(rw_table *t);
/* Finds a row whose first k columns equal key[0..k-1]; returns its index or -1. */
long rw_table_find(const rw_table *t, const char *const *key, size_t k);
int rw_row_equal(const rw_row *a, const rw_row *b, size_t ncols);
int rw_table_to_tsv(const rw_table *t, rw_buf *out);
int rw_row_to_tsv(const rw_row *r, size_t ncols, rw_buf *out); /* one line, with its newline */
/* Parses TSV text (name is used in messages); every line must have ncols fields. */
int rw_table_from_tsv(rw_ctx *ctx, rw_table *t, const char *text, size_t len, const char *name);

/* The whole state. */
typedef struct rw_state {
	rw_table lines;  /* RW_L_NCOLS: statuses (vendor set) and entities (vendor "") */
	rw_table anns;   /* RW_A_NCOLS */
	rw_table absent; /* RW_X_NCOLS: removals not confirmed yet */
} rw_state;

void rw_state_init(rw_state *s);
void rw_state_release(rw_state *s);

#endif
