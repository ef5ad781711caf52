/* RFC 4180 CSV reader over a memory buffer. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "regwatch/csvread.h"

void rw_csv_init(rw_csv_reader *r, const char *data, size_t len)
{
	r->p = data ? data : "";
	r->end = r->p + (data ? len : 0);
	if (r->end - r->p >= 3 && memcmp(r->p, "\xEF\xBB\xBF", 3) == 0)
		r->p += 3;
	r->line = 1;
	r->max_field = RW_CSV_MAX_FIELD_DEFAULT;
	r->max_fields = RW_CSV_MAX_FIELDS_DEFAULT;
	rw_buf_init(&r->field, r->max_field);
}

void rw_csv_set_limits(rw_csv_reader *r, size_t max_field, size_t max_fields)
{
	if (max_field)
		r->max_field = max_field;
	if (max_fields)
		r->max_fields = max_fields;
	r->field.max = r->max_field;
}

void rw_csv_release(rw_csv_reader *r)
{
	rw_buf_release(&r->field);
}

/* Frees the strings of sv but keeps its array for the next row. */
static void fields_clear(rw_strvec *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	sv->n = 0;
}

/* Is p (< end) at a line end? */
static int at_eol(const char *p)
{
	return *p == '\n' || *p == '\r';
}

/* Consumes one line end at *pp (CRLF, LF or a lone CR). */
static void skip_eol(const char **pp, const char *end)
{
	if (**pp == '\r') {
		(*pp)++;
		if (*pp < end && **pp == '\n')
			(*pp)++;
	} else {
		(*pp)++;
	}
}

/* Moves the reader to the line after the one starting at row (the first line of a bad row). */
static void resync(rw_csv_reader *r, const char *row, long row_line)
{
	const char *p = row;

	while (p < r->end && !at_eol(p))
		p++;
	if (p < r->end)
		skip_eol(&p, r->end);
	r->p = p;
	r->line = row_line + 1;
}

static int field_append(rw_ctx *ctx, rw_csv_reader *r, const char *s, size_t n, long row_line)
{
	int rc = rw_buf_append(&r->field, s, n);

	if (rc == RW_ELIMIT)
		return rw_error(ctx, RW_ELIMIT, "line %ld: field longer than %zu bytes", row_line,
				r->max_field);
	if (rc < 0)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	return 0;
}

/* Reads a quoted field; r->p is just after the opening quote. */
static int read_quoted(rw_ctx *ctx, rw_csv_reader *r, long row_line)
{
	const char *p = r->p, *q;
	int rc;

	for (;;) {
		q = p;
		while (q < r->end && *q != '"' && *q != '\0') {
			if (*q == '\n' || (*q == '\r' && (q + 1 >= r->end || q[1] != '\n')))
				r->line++;
			q++;
		}
		rc = field_append(ctx, r, p, (size_t)(q - p), row_line);
		if (rc < 0)
			return rc;
		if (q >= r->end)
			return rw_error(ctx, RW_EDATA, "line %ld: unterminated quoted field", row_line);
		if (*q == '\0')
			return rw_error(ctx, RW_EDATA, "line %ld: NUL byte in field", row_line);
		/* *q is a quote: doubled (a literal quote) or the closing one. */
		if (q + 1 < r->end && q[1] == '"') {
			rc = field_append(ctx, r, "\"", 1, row_line);
			if (rc < 0)
				return rc;
			p = q + 2;
			continue;
		}
		p = q + 1;
		break;
	}
	if (p < r->end && *p != ',' && !at_eol(p))
		return rw_error(ctx, RW_EDATA, "line %ld: unexpected character after closing quote",
				row_line);
	r->p = p;
	return 0;
}

static int read_plain(rw_ctx *ctx, rw_csv_reader *r, long row_line)
{
	const char *q = r->p;
	int rc;

	while (q < r->end && *q != ',' && !at_eol(q) && *q != '\0')
		q++;
	if (q < r->end && *q == '\0')
		return rw_error(ctx, RW_EDATA, "line %ld: NUL byte in field", row_line);
	rc = field_append(ctx, r, r->p, (size_t)(q - r->p), row_line);
	r->p = q;
	return rc;
}

int rw_csv_next(rw_ctx *ctx, rw_csv_reader *r, rw_strvec *fields, long *line)
{
	const char *row;
	long row_line;
	int rc = 0;

	fields_clear(fields);
	while (r->p < r->end && at_eol(r->p)) {
		skip_eol(&r->p, r->end);
		r->line++;
	}
	if (line)
		*line = r->line;
	if (r->p >= r->end)
		return 0;
	row = r->p;
	row_line = r->line;
	for (;;) {
		rw_buf_clear(&r->field);
		if (r->p < r->end && *r->p == '"') {
			r->p++;
			rc = read_quoted(ctx, r, row_line);
		} else {
			rc = read_plain(ctx, r, row_line);
		}
		if (rc < 0)
			goto out;
		if (fields->n >= r->max_fields) {
			rc = rw_error(ctx, RW_ELIMIT, "line %ld: more than %zu fields", row_line,
				      r->max_fields);
			goto out;
		}
		rc = rw_strvec_push_owned(fields, rw_strndup(rw_buf_cstr(&r->field), r->field.len));
		if (rc < 0) {
			rc = rw_error(ctx, RW_ENOMEM, "out of memory");
			goto out;
		}
		if (r->p >= r->end)
			break;
		if (*r->p == ',') {
			r->p++;
			continue;
		}
		skip_eol(&r->p, r->end);
		r->line++;
		break;
	}
	rc = 1;
out:
	if (rc < 0) {
		fields_clear(fields);
		if (rc != RW_ENOMEM)
			resync(r, row, row_line);
	}
	return rc;
}

/* Compares s (surrounding blanks ignored) with name, ASCII case-insensitively. */
static int header_eq(const char *s, const char *name)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n != strlen(name))
		return 0;
	for (; n > 0; n--, s++, name++) {
		unsigned char a = (unsigned char)*s, b = (unsigned char)*name;

		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (unsigned char)(b - 'A' + 'a');
		if (a != b)
			return 0;
	}
	return 1;
}

int rw_csv_column(const rw_strvec *header, const char *name)
{
	size_t i;

	for (i = 0; i < header->n && i < (size_t)INT_MAX; i++)
		if (header_eq(header->v[i], name))
			return (int)i;
	return -1;
}

const char *rw_csv_get(const rw_strvec *row, int col)
{
	if (col < 0 || (size_t)col >= row->n)
		return "";
	return row->v[col];
}
