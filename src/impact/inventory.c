/* Reading inventories: CSV asset registers into rw_inventory, bad rows reported and skipped. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "regwatch/array.h"
#include "regwatch/csvread.h"
#include "regwatch/hmap.h"
#include "regwatch/inventory.h"
#include "regwatch/strutil.h"
#include "regwatch/utf8.h"

enum inv_col {
	IC_ASSET_ID, IC_SITE, IC_MANUFACTURER, IC_BRAND, IC_MODEL, IC_QUANTITY, IC_CHIPSET, IC_INSTALLED,
	IC_PURPOSE, IC_NOTES, IC_N
};

static const char *const inv_columns[IC_N] = {
	"asset_id", "site", "manufacturer", "brand", "model", "quantity", "chipset", "installed", "purpose", "notes",
};

#define MAX_QUANTITY 1000000000L
#define MAX_PROBLEM 400 /* bytes of one problem message */

void rw_inventory_init(rw_inventory *inv)
{
	memset(inv, 0, sizeof(*inv));
}

/* The strings share one allocation, owned through asset_id. */
static void asset_release(rw_asset *a)
{
	free(a->asset_id);
	rw_strvec_release(&a->extra);
}

void rw_inventory_release(rw_inventory *inv)
{
	size_t i;

	for (i = 0; i < inv->n; i++)
		asset_release(&inv->v[i]);
	free(inv->v);
	free(inv->name);
	rw_strvec_release(&inv->extra_names);
	rw_strvec_release(&inv->problems);
	memset(inv, 0, sizeof(*inv));
}

/* Header name in comparable form: lower case, blanks and hyphens as underscores. */
static char *header_key(const char *s)
{
	char *k = rw_trimmed(s), *p;

	if (k)
		for (p = k; *p; p++)
			*p = *p == ' ' || *p == '-' ? '_' : (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
	return k;
}

static int problem(rw_inventory *inv, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int problem(rw_inventory *inv, long line, const char *fmt, ...)
{
	rw_buf b = RW_BUF_INIT;
	va_list ap;
	int rc;

	rc = rw_buf_printf(&b, "%s:%ld: ", inv->name, line);
	if (rc == 0) {
		va_start(ap, fmt);
		rc = rw_buf_vprintf(&b, fmt, ap);
		va_end(ap);
	}
	/* One line of reasonable length, whatever the row held (a quoted value may span lines
	   or run to a megabyte). */
	for (size_t i = 0; rc == 0 && i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7f)
			b.data[i] = ' ';
	if (rc == 0 && b.len > MAX_PROBLEM) {
		size_t n = MAX_PROBLEM;

		while (n > 0 && ((unsigned char)b.data[n] & 0xC0) == 0x80)
			n--;
		b.len = n;
		b.data[n] = '\0';
		rc = rw_buf_puts(&b, "...");
	}
	if (rc == 0)
		rc = rw_strvec_push_owned(&inv->problems, rw_buf_detach(&b, NULL));
	rw_buf_release(&b);
	return rc;
}

/* The message of a CSV error without its "line N: " prefix. */
static const char *csv_reason(const rw_ctx *ctx)
{
	const char *m = rw_errmsg(ctx), *colon;

	if (strncmp(m, "line ", 5) == 0 && (colon = strstr(m, ": ")) != NULL)
		return colon + 2;
	return m;
}

/* What reading one file needs besides the inventory. */
typedef struct reading {
	int cols[IC_N];       /* index of each known column, -1: absent */
	size_t *extra;        /* indexes of the other columns, in file order */
	size_t nextra, capextra;
	size_t nheader;       /* fields of the header */
	rw_hmap ids;          /* asset_id -> index in the inventory */
} reading;

/* Reads the header: the index of every known column (-1: absent) and the other names. */
static int read_header(rw_ctx *ctx, rw_inventory *inv, const rw_strvec *row, long line, reading *rd)
{
	size_t i, k;
	int rc = 0;

	for (k = 0; k < IC_N; k++)
		rd->cols[k] = -1;
	for (i = 0; i < row->n && rc == 0; i++) {
		char *key = header_key(row->v[i]);
		int known = -1;

		if (key == NULL)
			return rw_error(ctx, RW_ENOMEM, "out of memory");
		for (k = 0; k < IC_N; k++)
			if (strcmp(key, inv_columns[k]) == 0)
				known = (int)k;
		if (known >= 0 && rd->cols[known] >= 0)
			rc = rw_error(ctx, RW_EDATA, "%s:%ld: column '%s' appears twice", inv->name, line,
				      inv_columns[known]);
		else if (known >= 0)
			rd->cols[known] = (int)i;
		else if (key[0] == '\0')
			rc = rw_error(ctx, RW_EDATA, "%s:%ld: column %zu has no name", inv->name, line, i + 1);
		else if (rw_array_grow((void **)&rd->extra, &rd->capextra, rd->nextra + 1, sizeof(*rd->extra)) < 0 ||
			 rw_strvec_push_owned(&inv->extra_names, rw_trimmed(row->v[i])) < 0)
			rc = rw_error(ctx, RW_ENOMEM, "out of memory");
		else
			rd->extra[rd->nextra++] = i;
		free(key);
	}
	if (rc == 0 && rd->cols[IC_ASSET_ID] < 0)
		rc = rw_error(ctx, RW_EDATA, "%s:%ld: no 'asset_id' column (the header has: %s%s)", inv->name, line,
			      row->n ? row->v[0] : "", row->n > 1 ? ", ..." : "");
	rd->nheader = row->n;
	return rc;
}

/* A date of an inventory: YYYY-MM-DD (or another full date regwatch reads, written as
   YYYY-MM-DD in out), YYYY-MM or YYYY (kept as they are). RW_EDATA for anything else. */
static int installed_date(const char *s, char out[RW_DATE_LEN])
{
	char buf[RW_DATE_LEN];
	size_t n = strlen(s);

	if (rw_date_parse_any(s, out) == 0)
		return 0;
	if ((n == 4 || n == 7) && strspn(s, "0123456789-") == n) {
		snprintf(buf, sizeof(buf), "%s%s", s, n == 4 ? "-01-01" : "-01");
		if (rw_date_valid(buf) && (n == 4 || s[4] == '-')) {
			snprintf(out, RW_DATE_LEN, "%s", s);
			return 0;
		}
	}
	return RW_EDATA;
}

/* The asset's strings, trimmed, copied into one allocation (owned through a->asset_id, which
   comes first); installed gets room for a full date, which a shorter spelling may become. */
static int asset_strings(rw_asset *a, const char *const *f)
{
	static const int order[] = {IC_ASSET_ID, IC_SITE, IC_MANUFACTURER, IC_BRAND, IC_MODEL, IC_CHIPSET,
				    IC_INSTALLED, IC_PURPOSE, IC_NOTES};
	char **dst[] = {&a->asset_id, &a->site, &a->manufacturer, &a->brand, &a->model, &a->chipset,
			&a->installed, &a->purpose, &a->notes};
	const char *start[sizeof(order) / sizeof(order[0])];
	size_t len[sizeof(order) / sizeof(order[0])], total = 0, k;
	char *block, *p;

	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		start[k] = rw_trim_span(f[order[k]], &len[k]);
		/* Each field is at most a CSV field (bounded by the reader): no sum can wrap. */
		total += (order[k] == IC_INSTALLED && len[k] < RW_DATE_LEN ? RW_DATE_LEN : len[k]) + 1;
	}
	block = malloc(total);
	if (block == NULL)
		return RW_ENOMEM;
	for (p = block, k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		memcpy(p, start[k], len[k]);
		p[len[k]] = '\0';
		*dst[k] = p;
		p += (order[k] == IC_INSTALLED && len[k] < RW_DATE_LEN ? RW_DATE_LEN : len[k]) + 1;
	}
	return 0;
}

/* Turns one data row into an asset; a bad row is recorded as a problem and *ok set to 0. */
static int read_asset(rw_inventory *inv, const rw_strvec *row, long line, reading *rd, int *ok)
{
	const char *f[IC_N];
	rw_asset a;
	const rw_hmap_entry *dup;
	size_t i, k;
	int rc = 0;

	*ok = 0;
	memset(&a, 0, sizeof(a));
	if (row->n != rd->nheader)
		return problem(inv, line, "%zu field%s, the header has %zu", row->n, row->n == 1 ? "" : "s",
			       rd->nheader);
	for (k = 0; k < IC_N; k++)
		f[k] = rd->cols[k] >= 0 ? row->v[rd->cols[k]] : "";
	a.line = line;
	a.quantity = 1;
	rc = asset_strings(&a, f);
	if (rc < 0)
		goto out;
	if (a.asset_id[0] == '\0') {
		rc = problem(inv, line, "no asset_id");
		goto out;
	}
	dup = rw_hmap_find(&rd->ids, a.asset_id);
	if (dup) {
		rc = problem(inv, line, "asset_id '%s' is already on line %ld", a.asset_id, inv->v[dup->value].line);
		goto out;
	}
	if (!rw_blank(f[IC_QUANTITY])) {
		char *q = rw_trimmed(f[IC_QUANTITY]);

		if (q == NULL) {
			rc = RW_ENOMEM;
			goto out;
		}
		if (rw_parse_long(q, 0, MAX_QUANTITY, &a.quantity) < 0 || q[0] < '0' || q[0] > '9') {
			rc = problem(inv, line, "quantity '%s' is not a whole number from 0 to %ld", q, MAX_QUANTITY);
			free(q);
			goto out;
		}
		free(q);
	}
	if (a.installed[0]) {
		char iso[RW_DATE_LEN];

		if (installed_date(a.installed, iso) < 0) {
			rc = problem(inv, line, "installed '%s' is not a date (YYYY-MM-DD)", a.installed);
			goto out;
		}
		/* The block has room for a full date in installed. */
		memcpy(a.installed, iso, strlen(iso) + 1);
	}
	for (i = 0; i < rd->nextra && rc == 0; i++)
		rc = rw_strvec_push(&a.extra, row->v[rd->extra[i]]);
	if (rc == 0)
		rc = rw_array_grow((void **)&inv->v, &inv->cap, inv->n + 1, sizeof(*inv->v));
	if (rc == 0)
		rc = rw_hmap_put(&rd->ids, a.asset_id, inv->n);
	if (rc == 0) {
		inv->v[inv->n++] = a;
		memset(&a, 0, sizeof(a));
		*ok = 1;
	}
out:
	asset_release(&a);
	return rc;
}

/* The physical line of the first byte of data[0..len) that is not well-formed UTF-8 (1-based). */
static long first_bad_line(const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t i = 0, used;
	long line = 1;

	while (i < len) {
		if (p[i] < 0x80) {
			line += p[i] == '\n';
			i++;
			continue;
		}
		if (rw_utf8_decode(p + i, len - i, &used) < 0)
			break;
		i += used;
	}
	return line;
}

/*
 * Text that enters is valid UTF-8: a file that is UTF-8 is read as it is; anything else is a
 * spreadsheet's legacy export, read as Windows-1252 into text (Excel's 0x92 is ’, 0x96 is –).
 * *bad_line gets the line of the first byte that was not UTF-8, 0 when the file is UTF-8.
 */
static int as_utf8(rw_ctx *ctx, const char *name, const char **data, size_t *len, rw_buf *text, long *bad_line)
{
	const char *p = *data;
	size_t n = *len;
	int rc;

	*bad_line = 0;
	if (rw_utf8_valid(p, n))
		return 0;
	*bad_line = first_bad_line(p, n);
	/* A byte order mark says UTF-8, but the rest is not: it is not a character of the text. */
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3, n -= 3;
	rc = rw_utf8_from_cp1252(text, p, n);
	if (rc == RW_ERR)
		return rw_error(ctx, RW_ERR, "%s: text is not UTF-8, and the C library has no Windows-1252 converter",
				name);
	if (rc == RW_ELIMIT)
		return rw_error(ctx, RW_ELIMIT, "%s: too large once converted from Windows-1252 to UTF-8", name);
	if (rc < 0)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	*data = rw_buf_cstr(text);
	*len = text->len;
	return 0;
}

int rw_inventory_parse(rw_ctx *ctx, rw_inventory *inv, const char *name, const char *data, size_t len)
{
	rw_csv_reader r;
	rw_strvec row = RW_STRVEC_INIT;
	rw_buf text = RW_BUF_INIT;
	reading rd;
	long line = 0, bad_line = 0;
	int rc, have_header = 0;

	memset(&rd, 0, sizeof(rd));
	inv->name = rw_strdup(name);
	if (inv->name == NULL)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	rc = as_utf8(ctx, name, &data, &len, &text, &bad_line);
	if (rc < 0) {
		rw_buf_release(&text);
		return rc;
	}
	rw_csv_init(&r, data, len);
	while ((rc = rw_csv_next(ctx, &r, &row, &line)) != 0) {
		int ok;

		if (rc == RW_ENOMEM)
			break;
		/* The warning comes before the problems of the row that holds the first legacy byte,
		   so the problems stay in file order. */
		if (bad_line > 0 && bad_line < r.line) {
			int wrc = problem(inv, bad_line, "warning: text is not UTF-8, read as Windows-1252");

			bad_line = 0;
			if (wrc < 0) {
				rc = wrc;
				break;
			}
		}
		if (rc < 0 && !have_header) {
			rc = rw_error(ctx, RW_EDATA, "%s:%ld: header: %s", name, line, csv_reason(ctx));
			break;
		}
		if (rc < 0) {
			rc = problem(inv, line, "%s", csv_reason(ctx));
			inv->skipped++;
			rw_clear_error(ctx);
			if (rc < 0)
				break;
			continue;
		}
		if (!have_header) {
			rc = read_header(ctx, inv, &row, line, &rd);
			if (rc < 0)
				break;
			have_header = 1;
			continue;
		}
		rc = read_asset(inv, &row, line, &rd, &ok);
		if (rc < 0)
			break;
		if (!ok)
			inv->skipped++;
	}
	if (rc == 0 && bad_line > 0)
		rc = problem(inv, bad_line, "warning: text is not UTF-8, read as Windows-1252");
	if (rc == RW_ENOMEM)
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
	else if (rc == 0 && !have_header)
		rc = rw_error(ctx, RW_EDATA, "%s: empty: an inventory needs a header row with 'asset_id'", name);
	rw_strvec_release(&row);
	rw_csv_release(&r);
	rw_hmap_release(&rd.ids);
	free(rd.extra);
	rw_buf_release(&text);
	return rc;
}

int rw_inventory_load(rw_ctx *ctx, rw_inventory *inv, const char *path)
{
	rw_buf b = RW_BUF_INIT;
	int rc;

	rc = rw_read_file(ctx, &b, path, RW_INVENTORY_MAX_BYTES);
	if (rc == 0)
		rc = rw_inventory_parse(ctx, inv, path, rw_buf_cstr(&b), b.len);
	rw_buf_release(&b);
	return rc;
}
