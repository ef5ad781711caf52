/*
 * A small RFC 4180 CSV reader over a memory buffer: quoted fields, doubled
 * quotes, line breaks inside quotes, CRLF or LF (or a lone CR) line ends, an
 * optional UTF-8 byte order mark, and a last line without a line end.
 * Blank lines are skipped. A quote inside an unquoted field is kept as it is.
 *
 * Usage:
 *     rw_csv_reader r;
 *     rw_strvec row = RW_STRVEC_INIT;
 *     long line;
 *     rw_csv_init(&r, data, len);
 *     while ((rc = rw_csv_next(ctx, &r, &row, &line)) != 0) {
 *             if (rc < 0) { ...report rw_errmsg(ctx), skip or stop... continue; }
 *             ...row.v[0 .. row.n-1]...
 *     }
 *     rw_strvec_release(&row);
 *     rw_csv_release(&r);
 *
 * The reader does not copy the data: it must outlive the reader.
 */
#ifndef REGWATCH_CSVREAD_H
#define REGWATCH_CSVREAD_H

#include <stddef.h>
#include "regwatch/core.h"

#define RW_CSV_MAX_FIELD_DEFAULT ((size_t)1 << 20) /* bytes in one field */
#define RW_CSV_MAX_FIELDS_DEFAULT ((size_t)1024)   /* fields in one row */

typedef struct rw_csv_reader {
	const char *p;     /* next unread byte */
	const char *end;
	long line;         /* physical line of p, 1-based */
	size_t max_field;  /* longest accepted field, in bytes */
	size_t max_fields; /* most fields accepted in one row */
	rw_buf field;      /* scratch for the field being read */
} rw_csv_reader;

/* Reads data[0..len) (a leading UTF-8 byte order mark is skipped), with the default limits. */
void rw_csv_init(rw_csv_reader *r, const char *data, size_t len);
/* Changes the limits; 0 keeps the current value. */
void rw_csv_set_limits(rw_csv_reader *r, size_t max_field, size_t max_fields);
void rw_csv_release(rw_csv_reader *r);

/*
 * Reads the next row into fields (its previous strings are freed first; each
 * field is an owned, NUL-terminated copy) and its first physical line into
 * *line. Returns 1 for a row, 0 at the end of the data, or a negative code
 * with "line N: ..." in the context: RW_EDATA for a syntax error (unterminated
 * quoted field, a character after a closing quote, a NUL byte), RW_ELIMIT for
 * a field or a row over the limits, RW_ENOMEM. After RW_EDATA or RW_ELIMIT the
 * reader has skipped to the line after the bad row's first line, so the
 * caller may report the row and go on reading; fields is then empty.
 */
int rw_csv_next(rw_ctx *ctx, rw_csv_reader *r, rw_strvec *fields, long *line);

/* Index of the header column called name (ASCII case-insensitive, surrounding
   blanks ignored), or -1. */
int rw_csv_column(const rw_strvec *header, const char *name);

/* Field col of row, or "" when col is negative or past the end of the row. */
const char *rw_csv_get(const rw_strvec *row, int col);

#endif
