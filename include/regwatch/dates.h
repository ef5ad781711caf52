/*
 * Dates (YYYY-MM-DD, valid time) and instants (RFC 3339 UTC, transaction time).
 * Every parser writes a canonical ISO date into out[11] and returns 0, or
 * returns RW_EDATA for text that is not a real calendar date.
 */
#ifndef REGWATCH_DATES_H
#define REGWATCH_DATES_H

#include <stddef.h>
#include <time.h>

#define RW_DATE_LEN 11    /* "YYYY-MM-DD" + NUL */
#define RW_INSTANT_LEN 21 /* "YYYY-MM-DDTHH:MM:SSZ" + NUL */

int rw_date_valid(const char *iso);                        /* 1 if a real YYYY-MM-DD */
int rw_date_parse_iso(const char *s, char out[RW_DATE_LEN]);
int rw_date_parse_long(const char *s, char out[RW_DATE_LEN]);   /* "March 12, 2021" */
int rw_date_parse_dmy(const char *s, char out[RW_DATE_LEN]);    /* "03 Jun 2021", "3 June 2021" */
int rw_date_parse_any(const char *s, char out[RW_DATE_LEN]);    /* any of the above, or an RFC 822 / 3339 instant's UTC date */
/* Finds the first date written as "Month D, YYYY" inside free text; *end gets the offset after it. */
int rw_date_find_long(const char *text, char out[RW_DATE_LEN], size_t *end);

int rw_instant_parse(const char *s, time_t *out);          /* RFC 3339 (any offset) or RFC 822 */
void rw_instant_format(time_t t, char out[RW_INSTANT_LEN]);
void rw_date_from_time(time_t t, char out[RW_DATE_LEN]);    /* UTC date of t */
/* A WHEN argument: YYYY-MM-DD means the end of that UTC day (23:59:59), or an RFC 3339 instant. */
int rw_when_parse(const char *s, time_t *out);
/* Days from 1970-01-01 for an ISO date (for comparisons and arithmetic). */
long rw_date_days(const char *iso);

#endif
