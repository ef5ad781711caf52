/*
 * trade.gov Consolidated Screening List, CSV form. Columns are found by their
 * header names, never by position (the file gained an "_id" column in front
 * of "source" at some point; both layouts are read). Each row becomes one
 * RW_REC_ENTITY record; Entity List rows that name "Affiliated Entity:" parts
 * (Huawei's) give one more record per affiliate. A broken row is logged with
 * its line number and skipped; the rest of the file is still read.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/parsers.h"
#include "regwatch/csvread.h"
#include "regwatch/dates.h"
#include "regwatch/utf8.h"

#define CSL_MAX_RECORDS 1000000
#define AFFILIATE_MARK "Affiliated Entity:"

enum csl_col { C_ID, C_SOURCE, C_ENTNUM, C_NAME, C_START, C_LISTURL, C_INFOURL, C_ALT, C_IDS, C_COUNT };

static const char *const csl_names[C_COUNT] = {
	"_id", "source", "entity_number", "name", "start_date", "source_list_url",
	"source_information_url", "alt_names", "ids"
};

struct csl {
	rw_ctx *ctx;
	const char *source;   /* the source's name, for messages */
	const rw_strvec *header;
	int col[C_COUNT];
	rw_records *recs;
	size_t first;         /* recs->n before this document */
	long line;            /* first line of the current row */
	rw_buf scratch;       /* reused for every cell and text */
};

static int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * The UTF-8 text for a C1 control character (U+0080..U+009F) that stands for
 * Windows-1252 punctuation decoded as Latin-1 (the CSL spells "Gui'an" with
 * U+0092 for the apostrophe) into out (at least 8 bytes): "" to drop it (the
 * five bytes Windows-1252 leaves undefined, or no converter). RW_ENOMEM.
 */
static int c1_text(unsigned char c, char out[8])
{
	rw_buf b = RW_BUF_INIT;
	char byte = (char)c;
	int rc = rw_utf8_from_cp1252(&b, &byte, 1);

	out[0] = '\0';
	if (rc == RW_ENOMEM) {
		rw_buf_release(&b);
		return rc;
	}
	if (rc == 0 && b.len > 0 && b.len < 8 && strcmp(b.data, RW_UTF8_REPLACEMENT) != 0)
		memcpy(out, b.data, b.len + 1);
	rw_buf_release(&b);
	return 0;
}

/*
 * A field that is not well-formed UTF-8, replaced in place by valid text: read as
 * Windows-1252 (what spreadsheets export) when it holds no multi-byte UTF-8
 * sequence at all, else with each malformed sequence as U+FFFD. RW_ENOMEM.
 */
static int mend_field(char **field)
{
	const unsigned char *p = (const unsigned char *)*field;
	size_t len = strlen(*field), i, used;
	rw_buf b = RW_BUF_INIT;
	int utf8_seen = 0, rc;

	if (rw_utf8_valid(*field, len))
		return 0;
	for (i = 0; i < len; i += used) {
		used = 1;
		if (p[i] >= 0x80 && rw_utf8_decode(p + i, len - i, &used) >= 0)
			utf8_seen = 1;
	}
	rc = utf8_seen ? RW_ERR : rw_utf8_from_cp1252(&b, *field, len);
	if (rc < 0 && rc != RW_ENOMEM) {
		rw_buf_clear(&b);
		rc = rw_utf8_repair(&b, *field, len, NULL);
	}
	if (rc == 0)
		rc = rw_buf_append(&b, "", 0);
	if (rc < 0) {
		rw_buf_release(&b);
		return rc;
	}
	free(*field);
	*field = rw_buf_detach(&b, NULL);
	return 0;
}

static int mend_row(rw_strvec *row)
{
	size_t i;
	int rc;

	for (i = 0; i < row->n; i++)
		if ((rc = mend_field(&row->v[i])) < 0)
			return rc;
	return 0;
}

/* Does s[i] (i < n) start white space, a control character, U+00A0 or a C1 control? */
static int special_at(const unsigned char *s, size_t i, size_t n)
{
	return s[i] <= 0x20 || s[i] == 0x7F || (s[i] == 0xC2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0xA0);
}

/* put_collapsed for text with C1 controls, whose mended form can be longer. */
static int put_collapsed_c1(rw_buf *b, const unsigned char *s, size_t n)
{
	size_t i = 0, j, start = b->len;
	int space = 0, rc = 0;

	while (i < n && rc == 0) {
		char mend[8];
		int mended = 0;

		if (is_blank(s[i]) || (s[i] == 0xC2 && i + 1 < n && s[i + 1] == 0xA0)) {
			space = 1;
			i += s[i] == 0xC2 ? 2 : 1;
			continue;
		}
		if (s[i] < 0x20 || s[i] == 0x7F) {
			i++;
			continue;
		}
		if (s[i] == 0xC2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F) {
			if ((rc = c1_text(s[i + 1], mend)) < 0)
				break;
			i += 2;
			if (*mend == '\0')
				continue;
			mended = 1;
		}
		if (space && b->len > start)
			rc = rw_buf_putc(b, ' ');
		space = 0;
		if (rc < 0)
			break;
		if (mended) {
			rc = rw_buf_puts(b, mend);
			continue;
		}
		for (j = i + 1; j < n && !special_at(s, j, n); j++)
			;
		rc = rw_buf_append(b, s + i, j - i);
		i = j;
	}
	return rc;
}

/* Appends s[0..n) to b with runs of white space (and U+00A0) turned into one
   space, the ends trimmed, and control characters dropped or mended. */
static int put_collapsed(rw_buf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t start = b->len, i, w;
	int space = 0, rc;
	unsigned char *d;

	/* Copy, then collapse in place: the result is never longer, but for C1 controls. */
	rc = rw_buf_append(b, str, n);
	if (rc < 0)
		return rc;
	d = (unsigned char *)b->data + start;
	for (i = 0, w = 0; i < n;) {
		unsigned char c = d[i];
		size_t j;

		if (c == 0xC2 && i + 1 < n && d[i + 1] >= 0x80 && d[i + 1] <= 0x9F) {
			b->len = start;
			b->data[start] = '\0';
			return put_collapsed_c1(b, s, n);
		}
		if (is_blank(c) || (c == 0xC2 && i + 1 < n && d[i + 1] == 0xA0)) {
			space = 1;
			i += c == 0xC2 ? 2 : 1;
			continue;
		}
		if (c < 0x20 || c == 0x7F) {
			i++;
			continue;
		}
		if (space && w > 0)
			d[w++] = ' ';
		space = 0;
		/* a run of ordinary bytes, moved down only when something was dropped before it */
		for (j = i + 1; j < n && d[j] > 0x20 && d[j] != 0x7F && d[j] != 0xC2; j++)
			;
		if (w != i)
			memmove(d + w, d + i, j - i);
		w += j - i;
		i = j;
	}
	b->len = start + w;
	b->data[b->len] = '\0';
	return 0;
}

/* A malloc'd collapsed copy of s[0..n), or NULL on ENOMEM. */
static char *dup_collapsed(const char *s, size_t n)
{
	rw_buf b = RW_BUF_INIT;

	if (put_collapsed(&b, s, n) < 0) {
		rw_buf_release(&b);
		return NULL;
	}
	return rw_buf_detach(&b, NULL);
}

/* The collapsed cell for column c of row ("" when the column is absent), malloc'd. */
static char *cell(struct csl *st, const rw_strvec *row, enum csl_col c)
{
	const char *s = rw_csv_get(row, st->col[c]);

	rw_buf_clear(&st->scratch);
	if (put_collapsed(&st->scratch, s, strlen(s)) < 0)
		return NULL;
	return rw_strndup(rw_buf_cstr(&st->scratch), st->scratch.len);
}

/* Case-insensitive search for the ASCII string needle in s. */
static const char *find_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle), i;

	for (; *s; s++) {
		for (i = 0; i < n; i++) {
			unsigned char a = (unsigned char)s[i], b = (unsigned char)needle[i];

			if (a >= 'A' && a <= 'Z')
				a = (unsigned char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (unsigned char)(b - 'A' + 'a');
			if (a != b)
				break;
		}
		if (i == n)
			return s;
	}
	return NULL;
}

/* Length of s[0..n) without trailing blanks and separators; with strip_dot a
   final "." right after ")" goes too ("... (Huawei).  Affiliated Entity: ..."). */
static size_t trim_part(const char *s, size_t n, int strip_dot)
{
	while (n > 0 && (is_blank((unsigned char)s[n - 1]) || s[n - 1] == ';' || s[n - 1] == ','))
		n--;
	if (strip_dot && n > 1 && s[n - 1] == '.' && s[n - 2] == ')')
		n--;
	return n;
}

static const char *skip_blank(const char *s)
{
	while (*s && is_blank((unsigned char)*s))
		s++;
	return s;
}

/* Splits a name cell into the main name (*main, malloc'd, possibly "") and the
   names that follow each "Affiliated Entity:" mark (pushed to affiliates). */
static int split_affiliates(const char *name, char **main, rw_strvec *affiliates)
{
	const char *mark = find_ci(name, AFFILIATE_MARK), *part, *next;
	size_t n;
	int rc;

	if (mark == NULL) {
		*main = rw_strdup(name);
		return *main ? 0 : RW_ENOMEM;
	}
	*main = rw_strndup(name, trim_part(name, (size_t)(mark - name), 1));
	if (*main == NULL)
		return RW_ENOMEM;
	part = mark + strlen(AFFILIATE_MARK);
	for (;;) {
		part = skip_blank(part);
		mark = find_ci(part, AFFILIATE_MARK);
		next = mark ? mark : part + strlen(part);
		n = trim_part(part, (size_t)(next - part), 1);
		if (n > 0) {
			char *aff = rw_strndup(part, n);

			if (aff == NULL)
				return RW_ENOMEM;
			if (rw_strvec_contains(affiliates, aff)) {
				free(aff);
			} else {
				rc = rw_strvec_push_owned(affiliates, aff);
				if (rc < 0)
					return rc;
			}
		}
		if (mark == NULL)
			break;
		part = mark + strlen(AFFILIATE_MARK);
	}
	return 0;
}

/* Pushes the "; "-separated items of list to out (trimmed, no empties, no repeats). */
static int split_list(const char *list, rw_strvec *out)
{
	const char *p = list, *sep;
	char *item;
	int rc;

	while (*p) {
		sep = strstr(p, "; ");
		item = dup_collapsed(p, sep ? (size_t)(sep - p) : strlen(p));
		if (item == NULL)
			return RW_ENOMEM;
		/* "A; B; and C": the last item's "and" belongs to the list, not the name */
		if (strncmp(item, "and ", 4) == 0)
			memmove(item, item + 4, strlen(item + 4) + 1);
		if (*item == '\0' || rw_strvec_contains(out, item)) {
			free(item);
		} else {
			rc = rw_strvec_push_owned(out, item);
			if (rc < 0)
				return rc;
		}
		if (sep == NULL)
			break;
		p = sep + 2;
	}
	return 0;
}

/* In an "ids" cell ("value, type; value, type"), the ISO date of the item whose type is `type`. */
static int ids_date(const char *ids, const char *type, char out[RW_DATE_LEN])
{
	const char *p = ids, *sep, *comma, *q;
	size_t tlen = strlen(type), n;
	char value[64];

	while (*p) {
		sep = strstr(p, "; ");
		n = sep ? (size_t)(sep - p) : strlen(p);
		comma = NULL;
		for (q = p; q + 1 < p + n; q++)
			if (q[0] == ',' && q[1] == ' ')
				comma = q;
		if (comma && (size_t)(p + n - (comma + 2)) == tlen && memcmp(comma + 2, type, tlen) == 0 &&
		    (size_t)(comma - p) < sizeof(value)) {
			memcpy(value, p, (size_t)(comma - p));
			value[comma - p] = '\0';
			if (rw_date_parse_dmy(value, out) == 0)
				return 0;
		}
		if (sep == NULL)
			break;
		p = sep + 2;
	}
	return RW_EDATA;
}

/* "column: value | column: value" over the row's non-empty cells, after note if any. */
static char *row_text(struct csl *st, const rw_strvec *row, const char *note)
{
	rw_buf *b = &st->scratch;
	size_t i, mark, before;
	int rc = 0;

	rw_buf_clear(b);
	if (note)
		rc = rw_buf_puts(b, note);
	for (i = 0; i < row->n && i < st->header->n && rc == 0; i++) {
		mark = b->len;
		if (b->len > 0)
			rc = rw_buf_puts(b, " | ");
		if (rc == 0)
			rc = put_collapsed(b, st->header->v[i], strlen(st->header->v[i]));
		if (rc == 0)
			rc = rw_buf_puts(b, ": ");
		before = b->len;
		if (rc == 0)
			rc = put_collapsed(b, row->v[i], strlen(row->v[i]));
		if (rc == 0 && b->len == before) { /* empty cell: leave it out */
			b->len = mark;
			b->data[mark] = '\0';
		}
	}
	if (rc < 0)
		return NULL;
	return rw_strndup(rw_buf_cstr(b), b->len);
}

static char *first_nonempty(struct csl *st, const rw_strvec *row, enum csl_col a, enum csl_col b)
{
	char *v = cell(st, row, a);

	if (v && *v == '\0') {
		free(v);
		v = cell(st, row, b);
	}
	if (v && *v == '\0') {
		free(v);
		return rw_strdup("");
	}
	return v;
}

static char *null_if_empty(char *s)
{
	if (s && *s == '\0') {
		free(s);
		return NULL;
	}
	return s;
}

/* Adds one record for entity with the row's shared values; takes text. */
static int add_record(struct csl *st, const char *entity, const char *list, const char *date,
		      const char *effective, const char *link, const char *uid, char *text,
		      const rw_strvec *aliases)
{
	rw_record *r;
	int rc;
	size_t i;

	if (st->recs->n - st->first >= CSL_MAX_RECORDS) {
		free(text);
		return rw_error(st->ctx, RW_ELIMIT, "source '%s': more than %d records", st->source,
				CSL_MAX_RECORDS);
	}
	if ((rc = rw_records_add(st->ctx, st->recs, st->source, &r)) < 0) {
		free(text);
		return rc;
	}
	r->kind = RW_REC_ENTITY;
	r->text = text;
	r->entity = rw_strdup(entity);
	r->list = rw_strdup(list);
	r->date = rw_strdup(date);
	r->effective = rw_strdup(effective);
	r->link = rw_strdup(link);
	r->uid = rw_strdup(uid);
	if (text == NULL || r->entity == NULL || (list && r->list == NULL) || (date && r->date == NULL) ||
	    (effective && r->effective == NULL) || (link && r->link == NULL) || (uid && r->uid == NULL))
		return rw_error(st->ctx, RW_ENOMEM, "out of memory");
	for (i = 0; aliases && i < aliases->n; i++)
		if (strcmp(aliases->v[i], entity) != 0 && rw_strvec_push(&r->aliases, aliases->v[i]) < 0)
			return rw_error(st->ctx, RW_ENOMEM, "out of memory");
	return 0;
}

static int csl_row(struct csl *st, const rw_strvec *row)
{
	char *name = NULL, *main = NULL, *list = NULL, *start = NULL, *ids = NULL, *link = NULL;
	char *uid = NULL, *alt = NULL, *note = NULL;
	char date[RW_DATE_LEN], effective[RW_DATE_LEN];
	const char *datep = NULL, *effp = NULL;
	rw_strvec aliases = RW_STRVEC_INIT, affiliates = RW_STRVEC_INIT;
	size_t i, kept;
	int rc = 0;

	name = cell(st, row, C_NAME);
	list = cell(st, row, C_SOURCE);
	start = cell(st, row, C_START);
	ids = cell(st, row, C_IDS);
	alt = cell(st, row, C_ALT);
	link = first_nonempty(st, row, C_LISTURL, C_INFOURL);
	uid = first_nonempty(st, row, C_ID, C_ENTNUM);
	if (name == NULL || list == NULL || start == NULL || ids == NULL || alt == NULL || link == NULL ||
	    uid == NULL) {
		rc = rw_error(st->ctx, RW_ENOMEM, "out of memory");
		goto out;
	}
	list = null_if_empty(list);
	link = null_if_empty(link);
	uid = null_if_empty(uid);
	if (*name == '\0') {
		rw_log(st->ctx, RW_LOG_WARN, "source '%s': line %ld: no name: row skipped", st->source,
		       st->line);
		st->recs->degraded = 1;
		goto out;
	}
	if (*start) {
		if (rw_date_parse_iso(start, date) == 0)
			datep = date;
		else
			rw_log(st->ctx, RW_LOG_WARN, "source '%s': line %ld: start_date '%s' is not a date",
			       st->source, st->line, start);
	} else if (ids_date(ids, "Listing Date (CMIC)", date) == 0) {
		datep = date;
	}
	if (ids_date(ids, "Effective Date (CMIC)", effective) == 0)
		effp = effective;

	rc = split_affiliates(name, &main, &affiliates);
	if (rc == 0)
		rc = split_list(alt, &aliases);
	if (rc < 0) {
		rc = rw_error(st->ctx, RW_ENOMEM, "out of memory");
		goto out;
	}
	/* Affiliate marks in the alias list name more affiliates, not aliases. */
	for (i = 0, kept = 0; i < aliases.n; i++) {
		char *ignored = NULL;

		if (find_ci(aliases.v[i], AFFILIATE_MARK) == NULL) {
			aliases.v[kept++] = aliases.v[i];
			continue;
		}
		rc = split_affiliates(aliases.v[i], &ignored, &affiliates);
		free(ignored);
		free(aliases.v[i]);
		aliases.v[i] = NULL;
		if (rc < 0) {
			aliases.n = kept;
			rc = rw_error(st->ctx, RW_ENOMEM, "out of memory");
			goto out;
		}
	}
	aliases.n = kept;
	if (*main == '\0' && affiliates.n == 0) {
		rw_log(st->ctx, RW_LOG_WARN, "source '%s': line %ld: no name: row skipped", st->source,
		       st->line);
		st->recs->degraded = 1;
		goto out;
	}

	/* The row's aliases belong to its one affiliate when it names exactly one. */
	if (*main) {
		rc = add_record(st, main, list, datep, effp, link, uid, row_text(st, row, NULL),
				affiliates.n == 1 ? NULL : &aliases);
		if (rc < 0)
			goto out;
	}
	if (affiliates.n > 0) {
		note = *main ? rw_asprintf("affiliated entity of %s", main) : rw_strdup("affiliated entity");
		if (note == NULL) {
			rc = rw_error(st->ctx, RW_ENOMEM, "out of memory");
			goto out;
		}
	}
	for (i = 0; i < affiliates.n; i++) {
		rc = add_record(st, affiliates.v[i], list, datep, effp, link, uid, row_text(st, row, note),
				affiliates.n == 1 || !*main ? &aliases : NULL);
		if (rc < 0)
			goto out;
	}
out:
	free(name);
	free(main);
	free(list);
	free(start);
	free(ids);
	free(link);
	free(uid);
	free(alt);
	free(note);
	rw_strvec_release(&aliases);
	rw_strvec_release(&affiliates);
	return rc;
}

int rw_parse_csv(rw_ctx *ctx, const rw_source *src, const char *body, size_t len, rw_records *out)
{
	const char *source = src && src->name ? src->name : "?";
	rw_csv_reader reader;
	rw_strvec header = RW_STRVEC_INIT, row = RW_STRVEC_INIT;
	struct csl st;
	size_t before = out->n;
	int degraded = out->degraded;
	long line = 0;
	int rc, i;

	rw_csv_init(&reader, body, len);
	memset(&st, 0, sizeof(st));
	st.ctx = ctx;
	st.source = source;
	st.header = &header;
	st.recs = out;
	st.first = before;

	rc = rw_csv_next(ctx, &reader, &header, &line);
	if (rc < 0) {
		if (rc != RW_ENOMEM)
			rc = rw_error_prefix(ctx, RW_EPARSE, "source '%s'", source);
		goto out;
	}
	if (rc > 0 && mend_row(&header) < 0) {
		rc = rw_error(ctx, RW_ENOMEM, "source '%s': out of memory", source);
		goto out;
	}
	for (i = 0; i < C_COUNT; i++)
		st.col[i] = rw_csv_column(&header, csl_names[i]);
	if (rc == 0 || st.col[C_NAME] < 0 || st.col[C_SOURCE] < 0) {
		rc = rw_error(ctx, RW_EPARSE, "source '%s': no CSV header with columns 'source' and 'name'",
			      source);
		goto out;
	}
	for (;;) {
		rc = rw_csv_next(ctx, &reader, &row, &line);
		if (rc == 0)
			break;
		if (rc == RW_ENOMEM)
			goto out;
		st.line = line;
		if (rc < 0) {
			rw_log(ctx, RW_LOG_WARN, "source '%s': %s: row skipped", source, rw_errmsg(ctx));
			rw_clear_error(ctx);
			out->degraded = 1;
			continue;
		}
		if (row.n != header.n) {
			rw_log(ctx, RW_LOG_WARN, "source '%s': line %ld: %zu fields where the header has %zu: row skipped",
			       source, line, row.n, header.n);
			out->degraded = 1;
			continue;
		}
		if ((rc = mend_row(&row)) < 0) {
			rc = rw_error(ctx, rc, "source '%s': out of memory", source);
			goto out;
		}
		rc = csl_row(&st, &row);
		if (rc < 0)
			goto out;
	}
	rc = 0;
out:
	if (rc < 0) {
		rw_records_truncate(out, before);
		out->degraded = degraded;
	}
	rw_buf_release(&st.scratch);
	rw_strvec_release(&header);
	rw_strvec_release(&row);
	rw_csv_release(&reader);
	return rc;
}
