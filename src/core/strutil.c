/* Array growth, edit distance and trimming: the one copy of each. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "regwatch/array.h"
#include "regwatch/core.h"
#include "regwatch/strutil.h"

int rw_array_grow(void **items, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 16;
	void *v;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return RW_ELIMIT;
		ncap *= 2;
	}
	if (size == 0 || ncap > SIZE_MAX / size)
		return RW_ELIMIT;
	v = realloc(*items, ncap * size);
	if (v == NULL)
		return RW_ENOMEM;
	memset((char *)v + *cap * size, 0, (ncap - *cap) * size);
	*items = v;
	*cap = ncap;
	return 0;
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

size_t rw_edit_distance(const char *a, const char *b)
{
	size_t row[257];
	size_t la = strlen(a), lb = strlen(b), i, j;

	if (la > 256 || lb > 256)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (lower((unsigned char)a[i - 1]) != lower((unsigned char)b[j - 1]));

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *rw_trimmed(const char *s)
{
	size_t n;

	while (is_blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	return rw_strndup(s, n);
}

int rw_blank(const char *s)
{
	if (s == NULL)
		return 1;
	while (is_blank(*s))
		s++;
	return *s == '\0';
}

const char *rw_trim_span(const char *s, size_t *len)
{
	size_t n;

	while (is_blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	*len = n;
	return s;
}
