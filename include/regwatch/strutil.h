/* Small string helpers shared by several stages. No allocation unless said. */
#ifndef REGWATCH_STRUTIL_H
#define REGWATCH_STRUTIL_H

#include <stddef.h>

/* The Levenshtein distance between a and b, compared without regard to ASCII case;
   (size_t)-1 when either is longer than 256 bytes (too long to be a misspelt id). */
size_t rw_edit_distance(const char *a, const char *b);

/* A copy of s without leading and trailing blanks (space, tab, CR, LF); caller frees. */
char *rw_trimmed(const char *s);

/* s without leading and trailing blanks, without copying: a pointer into s, *len its length. */
const char *rw_trim_span(const char *s, size_t *len);

/* 1 when s is NULL or holds only blanks. */
int rw_blank(const char *s);

#endif
