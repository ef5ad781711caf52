/* The normalised state as tables of text rows, and their TSV form. */
#include <stdlib.h>
#include <string.h>

#include "regwatch/array.h"
#include "regwatch/state.h"

void rw_table_init(rw_table *t, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
}

static void row_release(rw_row *r, size_t ncols)
{
	size_t i;

	for (i = 0; i < ncols; i++)
		free(r->f[i]);
}

void rw_table_release(rw_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		row_release(&t->v[i], t->ncols);
	free(t->v);
	t->v = NULL;
	t->n = 0;
	t->cap = 0;
}

/* A copy of s fit for one TSV field: tabs and line breaks become spaces. */
static char *field_copy(const char *s)
{
	char *c = rw_strdup(s ? s : ""), *p;

	if (c)
		for (p = c; *p; p++)
			if (*p == '\t' || *p == '\n' || *p == '\r')
				*p = ' ';
	return c;
}

int rw_table_add(rw_table *t, const char *const *fields)
{
	rw_row r;
	size_t i;

	int rc;

	if (t->ncols > RW_ROW_MAXCOLS)
		return RW_ELIMIT; /* rw_row holds at most RW_ROW_MAXCOLS fields */
	if ((rc = rw_array_grow((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v))) < 0)
		return rc;
	memset(&r, 0, sizeof(r));
	for (i = 0; i < t->ncols; i++) {
		r.f[i] = field_copy(fields[i]);
		if (r.f[i] == NULL) {
			row_release(&r, i);
			return RW_ENOMEM;
		}
	}
	t->v[t->n++] = r;
	return 0;
}

int rw_table_add_row(rw_table *t, const rw_row *r)
{
	return rw_table_add(t, (const char *const *)r->f);
}

static int row_cmp_n(const rw_row *a, const rw_row *b, size_t n)
{
	size_t i;
	int c;

	for (i = 0; i < n; i++) {
		/* Columns past a table's ncols are NULL and compare as "". */
		c = strcmp(a->f[i] ? a->f[i] : "", b->f[i] ? b->f[i] : "");
		if (c)
			return c;
	}
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	return row_cmp_n(a, b, RW_ROW_MAXCOLS);
}

void rw_table_sort(rw_table *t)
{
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), row_cmp);
}

long rw_table_find(const rw_table *t, const char *const *key, size_t k)
{
	size_t i, j;

	for (i = 0; i < t->n; i++) {
		for (j = 0; j < k; j++)
			if (strcmp(t->v[i].f[j], key[j]) != 0)
				break;
		if (j == k)
			return (long)i;
	}
	return -1;
}

int rw_row_equal(const rw_row *a, const rw_row *b, size_t ncols)
{
	return row_cmp_n(a, b, ncols) == 0;
}

int rw_row_to_tsv(const rw_row *r, size_t ncols, rw_buf *out)
{
	size_t j;
	int rc = 0;

	for (j = 0; j < ncols && rc == 0; j++) {
		if (j)
			rc = rw_buf_putc(out, '\t');
		if (rc == 0)
			rc = rw_buf_puts(out, r->f[j]);
	}
	return rc == 0 ? rw_buf_putc(out, '\n') : rc;
}

int rw_table_to_tsv(const rw_table *t, rw_buf *out)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < t->n && rc == 0; i++)
		rc = rw_row_to_tsv(&t->v[i], t->ncols, out);
	return rc;
}

int rw_table_from_tsv(rw_ctx *ctx, rw_table *t, const char *text, size_t len, const char *name)
{
	const char *p = text, *end = text + len;
	const char *fields[RW_ROW_MAXCOLS];
	char *line = NULL;
	long lineno = 0;
	int rc = 0;

	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t k = 0;
		char *q;

		lineno++;
		line = rw_strndup(p, n);
		if (line == NULL) {
			rc = rw_error(ctx, RW_ENOMEM, "out of memory");
			break;
		}
		p += n + (nl ? 1 : 0);
		if (n == 0) {
			free(line);
			line = NULL;
			continue;
		}
		fields[k++] = line;
		for (q = line; *q; q++) {
			if (*q != '\t')
				continue;
			*q = '\0';
			if (k == t->ncols) {
				k++;
				break;
			}
			fields[k++] = q + 1;
		}
		if (k != t->ncols)
			rc = rw_error(ctx, RW_EDATA, "'%s' line %ld: %zu fields, expected %zu", name, lineno,
				      k, t->ncols);
		else if (rw_table_add(t, fields) < 0)
			rc = rw_error(ctx, RW_ENOMEM, "out of memory");
		free(line);
		line = NULL;
	}
	return rc;
}

void rw_state_init(rw_state *s)
{
	rw_table_init(&s->lines, RW_L_NCOLS);
	rw_table_init(&s->anns, RW_A_NCOLS);
	rw_table_init(&s->absent, RW_X_NCOLS);
}

void rw_state_release(rw_state *s)
{
	rw_table_release(&s->lines);
	rw_table_release(&s->anns);
	rw_table_release(&s->absent);
}
