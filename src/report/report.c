/*
 * The status report. The HTML page is also well-formed XML (every element
 * closed, only the five predefined character references), carries its own
 * style sheet and a Content-Security-Policy that forbids every load, and
 * draws the timeline as inline SVG. The Markdown page has the same sections
 * and draws the timeline as a text chart, one column per quarter.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "regwatch/config.h"
#include "regwatch/dates.h"
#include "regwatch/report.h"
#include "regwatch/url.h"

/* Timeline geometry, in pixels. */
#define TL_LABEL_W 300L
#define TL_CHART_W 720L
#define TL_RIGHT 30L
#define TL_TOP 28L
#define TL_LANE_H 12L
#define TL_ROW_PAD 4L
#define TL_MAX_LANES 16
#define MD_LABEL_MAX 48

/* Status words, most severe first, with their colour and chart letter. */
typedef struct status_style {
	const char *word;
	const char *colour;
	char letter;
} status_style;

static const status_style styles[] = {
	{"prohibited", "#b2182b", 'P'}, {"restricted", "#e66101", 'R'}, {"listed", "#2166ac", 'L'},
	{"under-review", "#d8a200", 'U'}, {"announced", "#808080", 'A'},
};
#define NSTYLES (sizeof(styles) / sizeof(styles[0]))
static const status_style other_style = {"other", "#5e3c99", '?'};

static const status_style *style_of(const char *status)
{
	size_t i;

	for (i = 0; i < NSTYLES; i++)
		if (strcmp(styles[i].word, status) == 0)
			return &styles[i];
	return &other_style;
}

/* ---- the report's data ---- */

static void vendor_release(rw_report_vendor *v)
{
	free(v->id);
	free(v->name);
	free(v->parent);
	rw_table_release(&v->statuses);
	rw_table_release(&v->intervals);
	rw_table_release(&v->anns);
}

void rw_report_init(rw_report *r)
{
	memset(r, 0, sizeof(*r));
	rw_table_init(&r->sources, RW_S_NCOLS);
	rw_table_init(&r->unmatched, RW_U_NCOLS);
	rw_table_init(&r->assets, RW_RA_NCOLS);
}

void rw_report_release(rw_report *r)
{
	size_t i;

	for (i = 0; i < r->nvendors; i++)
		vendor_release(&r->vendors[i]);
	free(r->vendors);
	free(r->inventory);
	rw_table_release(&r->sources);
	rw_table_release(&r->unmatched);
	rw_table_release(&r->assets);
	rw_report_init(r);
}

/* The row of vendors (sorted by id) whose id is id, or NULL. */
static const rw_row *find_vendor_row(const rw_table *vendors, const char *id)
{
	size_t lo = 0, hi = vendors->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(vendors->v[mid].f[RW_V_ID], id);

		if (c == 0)
			return &vendors->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Every vendor id the dictionary, the intervals or the announcements name, sorted, unique. */
static int collect_ids(const rw_table *vendors, const rw_table *intervals, const rw_table *anns, rw_strvec *ids)
{
	size_t i, k;
	int rc = 0;

	for (i = 0; i < vendors->n && rc == 0; i++)
		rc = rw_strvec_push(ids, vendors->v[i].f[RW_V_ID]);
	for (i = 0; i < intervals->n && rc == 0; i++)
		if (find_vendor_row(vendors, intervals->v[i].f[RW_Q_VENDOR]) == NULL)
			rc = rw_strvec_push(ids, intervals->v[i].f[RW_Q_VENDOR]);
	for (i = 0; i < anns->n && rc == 0; i++)
		if (find_vendor_row(vendors, anns->v[i].f[RW_A_VENDOR]) == NULL)
			rc = rw_strvec_push(ids, anns->v[i].f[RW_A_VENDOR]);
	if (rc < 0)
		return rc;
	rw_strvec_sort(ids);
	for (i = 0, k = 0; i < ids->n; i++) {
		if (k > 0 && strcmp(ids->v[k - 1], ids->v[i]) == 0) {
			free(ids->v[i]);
			continue;
		}
		ids->v[k++] = ids->v[i];
	}
	ids->n = k;
	return 0;
}

int rw_report_load(rw_ctx *ctx, rw_report *r, rw_db *db)
{
	rw_table vendors, intervals, anns;
	rw_strvec ids = RW_STRVEC_INIT;
	size_t i, k;
	int rc;

	rw_table_init(&vendors, RW_V_NCOLS);
	rw_table_init(&intervals, RW_Q_NCOLS);
	rw_table_init(&anns, RW_A_NCOLS);
	rw_date_from_time(ctx->now, r->today);
	rw_instant_format(ctx->now, r->generated);
	rc = rw_db_vendors(ctx, db, &vendors, &r->unmatched);
	if (rc == 0)
		rc = rw_db_report_intervals(ctx, db, &intervals);
	if (rc == 0)
		rc = rw_db_report_announcements(ctx, db, RW_REPORT_FROM, r->today, &anns);
	if (rc == 0)
		rc = rw_db_sources(ctx, db, ctx->now, &r->sources);
	if (rc == 0 && collect_ids(&vendors, &intervals, &anns, &ids) < 0)
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
	if (rc == 0 && ids.n > 0) {
		r->vendors = calloc(ids.n, sizeof(*r->vendors));
		if (r->vendors == NULL)
			rc = rw_error(ctx, RW_ENOMEM, "out of memory");
	}
	for (i = 0; rc == 0 && i < ids.n; i++) {
		rw_report_vendor *v = &r->vendors[i];
		const rw_row *vr = find_vendor_row(&vendors, ids.v[i]);

		r->nvendors++;
		rw_table_init(&v->statuses, RW_Q_NCOLS);
		rw_table_init(&v->intervals, RW_Q_NCOLS);
		rw_table_init(&v->anns, RW_A_NCOLS);
		v->id = rw_strdup(ids.v[i]);
		v->name = rw_strdup(vr ? vr->f[RW_V_NAME] : ids.v[i]);
		v->parent = rw_strdup(vr ? vr->f[RW_V_PARENT] : "");
		if (v->id == NULL || v->name == NULL || v->parent == NULL) {
			rc = rw_error(ctx, RW_ENOMEM, "out of memory");
			break;
		}
		/* A vendor the dictionary no longer defines keeps its history but has no status query. */
		if (vr)
			rc = rw_db_status(ctx, db, v->id, r->today, (time_t)-1, &v->statuses);
		for (k = 0; rc == 0 && k < intervals.n; k++)
			if (strcmp(intervals.v[k].f[RW_Q_VENDOR], v->id) == 0 &&
			    rw_table_add_row(&v->intervals, &intervals.v[k]) < 0)
				rc = rw_error(ctx, RW_ENOMEM, "out of memory");
		for (k = 0; rc == 0 && k < anns.n; k++)
			if (strcmp(anns.v[k].f[RW_A_VENDOR], v->id) == 0 && rw_table_add_row(&v->anns, &anns.v[k]) < 0)
				rc = rw_error(ctx, RW_ENOMEM, "out of memory");
	}
	rw_strvec_release(&ids);
	rw_table_release(&vendors);
	rw_table_release(&intervals);
	rw_table_release(&anns);
	return rc;
}

int rw_report_set_inventory(rw_ctx *ctx, rw_report *r, const char *name, long assets)
{
	rw_str_replace(&r->inventory, rw_strdup(name ? name : ""));
	if (r->inventory == NULL)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	r->with_assets = 1;
	r->inventory_assets = assets;
	return 0;
}

int rw_report_add_asset(rw_ctx *ctx, rw_report *r, const char *const *fields)
{
	if (rw_table_add(&r->assets, fields) < 0)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	return 0;
}

int rw_report_format_parse(const char *name)
{
	if (strcmp(name, "html") == 0)
		return RW_REPORT_HTML;
	if (strcmp(name, "md") == 0 || strcmp(name, "markdown") == 0)
		return RW_REPORT_MD;
	return -1;
}

/* ---- escaping ---- */

/*
 * Decodes one UTF-8 sequence at *p (advancing it). Returns the code point, or -1
 * for a byte that does not start a valid, shortest-form sequence (one byte consumed).
 */
static long utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	long cp;
	int n, i;

	if (s[0] < 0x80) {
		*p = s + 1;
		return s[0];
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 1;
		cp = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 2;
		cp = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 3;
		cp = s[0] & 0x07;
	} else {
		*p = s + 1;
		return -1;
	}
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*p = s + 1;
			return -1;
		}
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF)) {
		*p = s + 1;
		return -1;
	}
	*p = s + n + 1;
	return cp;
}

/* 1 for code points no page should carry: controls, non-characters. */
static int unwanted(long cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0xFDD0 && cp <= 0xFDEF) ||
	       (cp & 0xFFFE) == 0xFFFE;
}

typedef int (*ascii_escape_fn)(rw_buf *out, char c);

/* Walks s: valid wanted non-ASCII sequences are copied, ASCII goes through esc. */
static int escape_with(rw_buf *out, const char *s, ascii_escape_fn esc)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	int rc = 0;

	while (*p && rc == 0) {
		const unsigned char *start = p;
		long cp = utf8_next(&p);

		if (cp == '\t' || cp == '\n' || cp == '\r')
			rc = rw_buf_putc(out, ' ');
		else if (cp < 0 || unwanted(cp))
			rc = rw_buf_puts(out, "\xEF\xBF\xBD");
		else if (cp < 0x80)
			rc = esc(out, (char)cp);
		else
			rc = rw_buf_append(out, start, (size_t)(p - start));
	}
	return rc;
}

static int html_char(rw_buf *out, char c)
{
	switch (c) {
	case '&':
		return rw_buf_puts(out, "&amp;");
	case '<':
		return rw_buf_puts(out, "&lt;");
	case '>':
		return rw_buf_puts(out, "&gt;");
	case '"':
		return rw_buf_puts(out, "&quot;");
	case '\'':
		return rw_buf_puts(out, "&#39;");
	default:
		return rw_buf_putc(out, c);
	}
}

static int md_char(rw_buf *out, char c)
{
	switch (c) {
	case '&':
		return rw_buf_puts(out, "&amp;");
	case '<':
		return rw_buf_puts(out, "&lt;");
	case '>':
		return rw_buf_puts(out, "&gt;");
	default:
		if (strchr("\\`*_[]|!~#", c)) {
			int rc = rw_buf_putc(out, '\\');

			return rc ? rc : rw_buf_putc(out, c);
		}
		return rw_buf_putc(out, c);
	}
}

int rw_html_escape(rw_buf *out, const char *s)
{
	return escape_with(out, s, html_char);
}

int rw_md_escape(rw_buf *out, const char *s)
{
	return escape_with(out, s, md_char);
}

int rw_report_url_ok(const char *url)
{
	const unsigned char *p;
	rw_ctx scratch;

	rw_ctx_init(&scratch, 0);
	if (url == NULL || rw_url_check(&scratch, url, "https http", RW_URL_NO_SPACES | RW_URL_NO_CREDENTIALS) < 0)
		return 0;
	for (p = (const unsigned char *)url; *p; p++)
		if (strchr("\"<>\\`", *p))
			return 0;
	return 1;
}

/* ---- the writer: sticky errors, format-aware text ---- */

typedef struct writer {
	rw_buf *b;
	int fmt;
	int rc;
} writer;

static void raw(writer *w, const char *s)
{
	if (w->rc == 0)
		w->rc = rw_buf_puts(w->b, s);
}

static void fmt(writer *w, const char *f, ...) __attribute__((format(printf, 2, 3)));
static void fmt(writer *w, const char *f, ...)
{
	va_list ap;

	if (w->rc != 0)
		return;
	va_start(ap, f);
	w->rc = rw_buf_vprintf(w->b, f, ap);
	va_end(ap);
}

/* Text from a source (or any text not written here). */
static void text(writer *w, const char *s)
{
	if (w->rc == 0)
		w->rc = w->fmt == RW_REPORT_HTML ? rw_html_escape(w->b, s) : rw_md_escape(w->b, s);
}

/* Text, or a dash for empty. */
static void cell(writer *w, const char *s)
{
	if (s == NULL || s[0] == '\0')
		raw(w, w->fmt == RW_REPORT_HTML ? "&#8212;" : "\xE2\x80\x94");
	else
		text(w, s);
}

/* A date as it is when it is a real ISO date, else as escaped text. */
static void date(writer *w, const char *d)
{
	if (d && rw_date_valid(d))
		raw(w, d);
	else
		cell(w, d);
}

/* A class name fragment for a status word: its own when known, else "other". */
static const char *status_class(const char *status)
{
	return style_of(status)->word;
}

static void status_word(writer *w, const char *status)
{
	if (w->fmt == RW_REPORT_HTML) {
		fmt(w, "<span class=\"st st-%s\">", status_class(status));
		text(w, status);
		raw(w, "</span>");
	} else {
		raw(w, "**");
		text(w, status);
		raw(w, "**");
	}
}

/* A link to url with label (label NULL: the URL itself); plain text when url is not http(s). */
static void link(writer *w, const char *url, const char *label)
{
	const char *shown = label && label[0] ? label : url;
	const unsigned char *p;

	if (!rw_report_url_ok(url)) {
		cell(w, shown);
		return;
	}
	if (w->fmt == RW_REPORT_HTML) {
		raw(w, "<a href=\"");
		text(w, url);
		raw(w, "\" rel=\"noreferrer\">");
		text(w, shown);
		raw(w, "</a>");
		return;
	}
	raw(w, "[");
	text(w, shown);
	raw(w, "](");
	/* The destination: everything outside a plain URL alphabet percent-encoded. */
	for (p = (const unsigned char *)url; *p && w->rc == 0; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~:/?#@!$&*+,;=%", *p))
			w->rc = rw_buf_putc(w->b, (char)*p);
		else
			fmt(w, "%%%02X", *p);
	}
	raw(w, ")");
}

/* An id fit for an HTML id attribute and a fragment: [a-z0-9-], others as '-'. */
static void anchor(writer *w, const char *prefix, const char *id)
{
	const char *p;

	raw(w, prefix);
	for (p = id; *p && w->rc == 0; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '-';
		w->rc = rw_buf_putc(w->b, c);
	}
}

/* Tenths of a pixel as a decimal. */
static void px(writer *w, long tenths)
{
	if (tenths < 0)
		fmt(w, "-%ld.%ld", -tenths / 10, -tenths % 10);
	else
		fmt(w, "%ld.%ld", tenths / 10, tenths % 10);
}

/* ---- tables (both formats) ---- */

static void table_start(writer *w, const char *const *headers, size_t n)
{
	size_t i;

	if (w->fmt == RW_REPORT_HTML) {
		raw(w, "<table>\n<thead><tr>");
		for (i = 0; i < n; i++)
			fmt(w, "<th>%s</th>", headers[i]);
		raw(w, "</tr></thead>\n<tbody>\n");
		return;
	}
	raw(w, "\n|");
	for (i = 0; i < n; i++)
		fmt(w, " %s |", headers[i]);
	raw(w, "\n|");
	for (i = 0; i < n; i++)
		raw(w, " --- |");
	raw(w, "\n");
}

static void row_start(writer *w)
{
	raw(w, w->fmt == RW_REPORT_HTML ? "<tr>" : "|");
}

static void td_start(writer *w)
{
	raw(w, w->fmt == RW_REPORT_HTML ? "<td>" : " ");
}

static void td_end(writer *w)
{
	raw(w, w->fmt == RW_REPORT_HTML ? "</td>" : " |");
}

static void row_end(writer *w)
{
	raw(w, w->fmt == RW_REPORT_HTML ? "</tr>\n" : "\n");
}

static void table_end(writer *w)
{
	raw(w, w->fmt == RW_REPORT_HTML ? "</tbody>\n</table>\n" : "\n");
}

static void td_text(writer *w, const char *s)
{
	td_start(w);
	cell(w, s);
	td_end(w);
}

static void td_date(writer *w, const char *d)
{
	raw(w, w->fmt == RW_REPORT_HTML ? "<td class=\"d\">" : " ");
	date(w, d);
	td_end(w);
}

static void heading(writer *w, int level, const char *id, const char *title)
{
	if (w->fmt == RW_REPORT_HTML) {
		fmt(w, "<h%d id=\"%s\">%s</h%d>\n", level, id, title, level);
		return;
	}
	fmt(w, "\n%.*s %s\n\n", level, "######", title);
}

static void para_start(writer *w)
{
	raw(w, w->fmt == RW_REPORT_HTML ? "<p>" : "");
}

static void para_end(writer *w)
{
	raw(w, w->fmt == RW_REPORT_HTML ? "</p>\n" : "\n\n");
}

/* ---- sections ---- */

static const char *const interval_headers[] = {
	"Regime", "Jurisdiction", "Status", "Since", "Until", "Via", "Source", "Evidence", "Note",
};

static void interval_row(writer *w, const rw_row *r)
{
	char *const *f = r->f;

	row_start(w);
	td_text(w, f[RW_Q_REGIME]);
	td_text(w, f[RW_Q_JURISDICTION]);
	td_start(w);
	status_word(w, f[RW_Q_STATUS]);
	td_end(w);
	td_date(w, f[RW_Q_SINCE]);
	td_date(w, f[RW_Q_UNTIL]);
	td_text(w, f[RW_Q_VIA]);
	td_text(w, f[RW_Q_SOURCE]);
	td_start(w);
	link(w, f[RW_Q_EVIDENCE], NULL);
	td_end(w);
	td_text(w, f[RW_Q_NOTE]);
	row_end(w);
}

/* Announcements of a vendor within the last RW_REPORT_RECENT_DAYS days before today. */
static size_t recent_count(const rw_report *r, const rw_report_vendor *v)
{
	long today = rw_date_days(r->today);
	size_t i, n = 0;

	for (i = 0; i < v->anns.n; i++) {
		long d = rw_date_days(v->anns.v[i].f[RW_A_DATE]);

		if (d >= 0 && d <= today && today - d <= RW_REPORT_RECENT_DAYS)
			n++;
	}
	return n;
}

static int vendor_has_content(const rw_report_vendor *v)
{
	return v->statuses.n || v->intervals.n || v->anns.n;
}

static void section_summary(writer *w, const rw_report *r)
{
	static const char *const headers[] = {"Vendor", "Most severe status", "Statuses in force",
					      "Announcements (90 days)"};
	size_t i, quiet = 0;

	heading(w, 2, "summary", "Summary");
	para_start(w);
	fmt(w, "Statuses in force on %s, as recorded at %s. ", r->today, r->generated);
	raw(w, "Every status names its source and links to its evidence; ");
	raw(w, "the timeline shows every interval regwatch knows of since " RW_REPORT_FROM ".");
	para_end(w);
	table_start(w, headers, 4);
	for (i = 0; i < r->nvendors; i++) {
		const rw_report_vendor *v = &r->vendors[i];

		if (!vendor_has_content(v)) {
			quiet++;
			continue;
		}
		row_start(w);
		td_start(w);
		if (w->fmt == RW_REPORT_HTML) {
			raw(w, "<a href=\"#");
			anchor(w, "v-", v->id);
			raw(w, "\">");
			text(w, v->id);
			raw(w, "</a>");
		} else {
			text(w, v->id);
		}
		td_end(w);
		td_start(w);
		if (v->statuses.n)
			status_word(w, v->statuses.v[0].f[RW_Q_STATUS]);
		else
			cell(w, NULL);
		td_end(w);
		td_start(w);
		fmt(w, "%zu", v->statuses.n);
		td_end(w);
		td_start(w);
		fmt(w, "%zu", recent_count(r, v));
		td_end(w);
		row_end(w);
	}
	table_end(w);
	if (quiet) {
		para_start(w);
		raw(w, "No status or announcement recorded for: ");
		for (i = 0; i < r->nvendors; i++)
			if (!vendor_has_content(&r->vendors[i])) {
				text(w, r->vendors[i].id);
				if (--quiet)
					raw(w, ", ");
			}
		raw(w, ".");
		para_end(w);
	}
}

/* ---- the timeline ---- */

typedef struct axis {
	long from;   /* days of RW_REPORT_FROM */
	long today;  /* days of today */
	long span;   /* days drawn, > 0 */
} axis;

static long axis_x(const axis *a, long day)
{
	if (day < a->from)
		day = a->from;
	if (day > a->today)
		day = a->today;
	return TL_LABEL_W * 10 + (day - a->from) * TL_CHART_W * 10 / a->span;
}

/* The first day of an interval (no since: the axis start) and the day after its last (open: tomorrow). */
static long iv_start(const axis *a, const rw_row *r)
{
	long d = rw_date_days(r->f[RW_Q_SINCE]);

	return d < 0 ? a->from : d;
}

static long iv_end(const axis *a, const rw_row *r)
{
	long d = rw_date_days(r->f[RW_Q_UNTIL]);

	return d < 0 ? a->today + 1 : d;
}

/* Rows of the timeline: [first, last) of v->intervals sharing one regime. */
static size_t regime_run_end(const rw_report_vendor *v, size_t first)
{
	size_t k = first + 1;

	while (k < v->intervals.n && strcmp(v->intervals.v[k].f[RW_Q_REGIME], v->intervals.v[first].f[RW_Q_REGIME]) == 0)
		k++;
	return k;
}

/* Greedy lanes: lane[i - first] for each interval, so that overlapping bars do not hide each other. */
static int assign_lanes(const axis *a, const rw_report_vendor *v, size_t first, size_t last, int *lane)
{
	long lane_end[TL_MAX_LANES];
	int nlanes = 0, l;
	size_t i;

	for (i = first; i < last; i++) {
		long s = iv_start(a, &v->intervals.v[i]);

		for (l = 0; l < nlanes && lane_end[l] > s; l++)
			;
		if (l == nlanes) {
			if (nlanes < TL_MAX_LANES)
				nlanes++;
			else
				l = TL_MAX_LANES - 1;
		}
		lane_end[l] = iv_end(a, &v->intervals.v[i]);
		lane[i - first] = l;
	}
	return nlanes ? nlanes : 1;
}

static void svg_label(writer *w, long y10, const char *vendor, const char *what)
{
	raw(w, "<text class=\"label\" x=\"6\" y=\"");
	px(w, y10);
	raw(w, "\">");
	text(w, vendor);
	raw(w, " \xC2\xB7 ");
	text(w, what);
	raw(w, "</text>\n");
}

static void svg_bar(writer *w, const axis *a, const rw_report_vendor *v, const rw_row *r, long y10)
{
	const status_style *st = style_of(r->f[RW_Q_STATUS]);
	long x0 = axis_x(a, iv_start(a, r)), x1 = axis_x(a, iv_end(a, r));

	if (x1 - x0 < 20)
		x1 = x0 + 20; /* every interval stays visible, however short or early */
	fmt(w, "<rect class=\"bar st-%s\" fill=\"%s\" x=\"", st->word, st->colour);
	px(w, x0);
	raw(w, "\" y=\"");
	px(w, y10 + 10);
	raw(w, "\" width=\"");
	px(w, x1 - x0);
	fmt(w, "\" height=\"%ld\" rx=\"2\" data-vendor=\"", TL_LANE_H - 2);
	text(w, v->id);
	raw(w, "\" data-regime=\"");
	text(w, r->f[RW_Q_REGIME]);
	raw(w, "\" data-status=\"");
	text(w, r->f[RW_Q_STATUS]);
	raw(w, "\" data-since=\"");
	text(w, r->f[RW_Q_SINCE]);
	raw(w, "\" data-until=\"");
	text(w, r->f[RW_Q_UNTIL]);
	raw(w, "\" data-source=\"");
	text(w, r->f[RW_Q_SOURCE]);
	raw(w, "\"><title>");
	text(w, r->f[RW_Q_REGIME]);
	raw(w, ": ");
	text(w, r->f[RW_Q_STATUS]);
	raw(w, " from ");
	cell(w, r->f[RW_Q_SINCE]);
	raw(w, r->f[RW_Q_UNTIL][0] ? " until " : " (open)");
	text(w, r->f[RW_Q_UNTIL]);
	raw(w, ", source ");
	text(w, r->f[RW_Q_SOURCE]);
	raw(w, "</title></rect>\n");
}

static void svg_marker(writer *w, const axis *a, const rw_report_vendor *v, const rw_row *an, long y10)
{
	long d = rw_date_days(an->f[RW_A_DATE]);

	if (d < a->from || d > a->today)
		return;
	raw(w, "<circle class=\"ann\" fill=\"#222222\" r=\"4\" cx=\"");
	px(w, axis_x(a, d));
	raw(w, "\" cy=\"");
	px(w, y10 + 10 * TL_LANE_H / 2 + 10);
	raw(w, "\" data-vendor=\"");
	text(w, v->id);
	raw(w, "\" data-date=\"");
	text(w, an->f[RW_A_DATE]);
	raw(w, "\"><title>");
	text(w, an->f[RW_A_DATE]);
	raw(w, ": ");
	text(w, an->f[RW_A_TITLE]);
	raw(w, " (");
	text(w, an->f[RW_A_SOURCE]);
	raw(w, ")</title></circle>\n");
}

static void section_timeline_svg(writer *w, const rw_report *r)
{
	rw_buf rowbuf = RW_BUF_INIT;
	writer rows;
	axis a;
	long width = TL_LABEL_W + TL_CHART_W + TL_RIGHT, rows_h, legend_y, height, y10, year;
	int *lane = NULL;
	size_t i, k, first, last, nrows = 0;

	a.from = rw_date_days(RW_REPORT_FROM);
	a.today = rw_date_days(r->today);
	a.span = a.today - a.from > 0 ? a.today - a.from : 1;
	rw_buf_init(&rowbuf, w->b->max);
	rows.b = &rowbuf;
	rows.fmt = RW_REPORT_HTML;
	rows.rc = 0;

	/* The rows first, into their own buffer: the picture's height depends on them. */
	y10 = TL_TOP * 10;
	for (i = 0; i < r->nvendors && rows.rc == 0; i++) {
		const rw_report_vendor *v = &r->vendors[i];

		if (v->intervals.n || v->anns.n) {
			fmt(&rows, "<line class=\"sep\" stroke=\"#999999\" x1=\"0\" x2=\"%ld\" y1=\"", width);
			px(&rows, y10);
			raw(&rows, "\" y2=\"");
			px(&rows, y10);
			raw(&rows, "\"/>\n");
		}
		for (first = 0; first < v->intervals.n; first = last) {
			int n;

			last = regime_run_end(v, first);
			free(lane);
			lane = calloc(last - first, sizeof(*lane));
			if (lane == NULL) {
				w->rc = RW_ENOMEM;
				goto out;
			}
			n = assign_lanes(&a, v, first, last, lane);
			fmt(&rows, "<g class=\"row\" data-row=\"%zu\">\n", nrows++);
			svg_label(&rows, y10 + 5 * n * TL_LANE_H + 40, v->id, v->intervals.v[first].f[RW_Q_REGIME]);
			for (k = first; k < last; k++)
				svg_bar(&rows, &a, v, &v->intervals.v[k], y10 + lane[k - first] * TL_LANE_H * 10);
			raw(&rows, "</g>\n");
			y10 += (n * TL_LANE_H + TL_ROW_PAD) * 10;
		}
		if (v->anns.n) {
			fmt(&rows, "<g class=\"row\" data-row=\"%zu\">\n", nrows++);
			svg_label(&rows, y10 + 5 * TL_LANE_H + 40, v->id, "announcements");
			for (k = 0; k < v->anns.n; k++)
				svg_marker(&rows, &a, v, &v->anns.v[k], y10);
			raw(&rows, "</g>\n");
			y10 += (TL_LANE_H + TL_ROW_PAD) * 10;
		}
	}
	if (nrows == 0) {
		raw(&rows, "<text x=\"6\" y=\"");
		px(&rows, y10 + 140);
		raw(&rows, "\">No status interval recorded.</text>\n");
		y10 += 200;
	}
	if (rows.rc != 0) {
		w->rc = rows.rc;
		goto out;
	}
	rows_h = y10 - TL_TOP * 10;
	legend_y = y10 + 120;
	height = legend_y / 10 + 40;

	heading(w, 2, "timeline", "Timeline");
	raw(w, "<p class=\"note\">One row per vendor and regime, a bar per status interval (overlapping "
	       "intervals from different sources are stacked) and a dot per announcement, from " RW_REPORT_FROM
	       " to today. Point at a bar or a dot for its dates and source.</p>\n");
	fmt(w, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"timeline-svg\" role=\"img\" "
	       "aria-labelledby=\"timeline-title\" width=\"%ld\" height=\"%ld\" viewBox=\"0 0 %ld %ld\" "
	       "font-family=\"sans-serif\" font-size=\"11\">\n",
	    width, height, width, height);
	fmt(w, "<title id=\"timeline-title\">Status intervals per vendor and regime, %s to %s</title>\n",
	    RW_REPORT_FROM, r->today);
	fmt(w, "<rect x=\"0\" y=\"0\" width=\"%ld\" height=\"%ld\" fill=\"#ffffff\"/>\n", width, height);
	for (year = 2016; year < 10000; year++) {
		char iso[RW_DATE_LEN];
		long d, x;

		snprintf(iso, sizeof(iso), "%04ld-01-01", year);
		d = rw_date_days(iso);
		if (d < 0 || d > a.today)
			break;
		x = axis_x(&a, d);
		raw(w, "<line class=\"grid\" stroke=\"#dddddd\" x1=\"");
		px(w, x);
		fmt(w, "\" y1=\"%ld\" x2=\"", TL_TOP - 6);
		px(w, x);
		raw(w, "\" y2=\"");
		px(w, TL_TOP * 10 + rows_h);
		raw(w, "\"/>\n<text class=\"year\" x=\"");
		px(w, x + 20);
		fmt(w, "\" y=\"%ld\">%ld</text>\n", TL_TOP - 10, year);
	}
	if (w->rc == 0)
		w->rc = rw_buf_append(w->b, rowbuf.data ? rowbuf.data : "", rowbuf.len);
	raw(w, "<line class=\"today\" stroke=\"#000000\" stroke-dasharray=\"3 2\" x1=\"");
	px(w, axis_x(&a, a.today));
	fmt(w, "\" y1=\"%ld\" x2=\"", TL_TOP - 6);
	px(w, axis_x(&a, a.today));
	raw(w, "\" y2=\"");
	px(w, TL_TOP * 10 + rows_h);
	raw(w, "\"/>\n");
	/* The legend. */
	fmt(w, "<g class=\"legend\" transform=\"translate(6 %ld)\">\n", legend_y / 10);
	for (k = 0; k < NSTYLES; k++)
		fmt(w, "<rect class=\"swatch st-%s\" fill=\"%s\" x=\"%zu\" y=\"0\" width=\"14\" height=\"10\" "
		       "rx=\"2\"/><text x=\"%zu\" y=\"9\">%s</text>\n",
		    styles[k].word, styles[k].colour, k * 110, k * 110 + 18, styles[k].word);
	fmt(w, "<rect class=\"swatch st-other\" fill=\"%s\" x=\"%zu\" y=\"0\" width=\"14\" height=\"10\" "
	       "rx=\"2\"/><text x=\"%zu\" y=\"9\">other status</text>\n",
	    other_style.colour, NSTYLES * 110, NSTYLES * 110 + 18);
	fmt(w, "<circle class=\"ann\" fill=\"#222222\" r=\"4\" cx=\"7\" cy=\"25\"/>"
	       "<text x=\"18\" y=\"29\">announcement</text>\n"
	       "<line stroke=\"#000000\" stroke-dasharray=\"3 2\" x1=\"117\" y1=\"19\" x2=\"117\" y2=\"31\"/>"
	       "<text x=\"128\" y=\"29\">today (%s)</text>\n</g>\n</svg>\n",
	    r->today);
out:
	free(lane);
	rw_buf_release(&rowbuf);
}

/* A row label of the text chart, padded to width: ids only, and only plain characters,
   so that nothing can close the code block. */
static void md_label(writer *w, size_t width, const char *a, const char *b)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyz0123456789.-_";
	char label[MD_LABEL_MAX + 1];
	const char *p;
	size_t n = 0;

	for (p = a; *p && n < width && n < MD_LABEL_MAX; p++)
		label[n++] = strchr(plain, *p) ? *p : '?';
	if (n < width && n < MD_LABEL_MAX)
		label[n++] = ' ';
	for (p = b; *p && n < width && n < MD_LABEL_MAX; p++)
		label[n++] = strchr(plain, *p) ? *p : '?';
	label[n] = '\0';
	fmt(w, "%-*s ", (int)width, label);
}

/* The Markdown picture: one column per quarter, the most severe status in force during it. */
static void section_timeline_md(writer *w, const rw_report *r)
{
	axis a;
	long qstart[4 * 100 + 1];
	size_t nq = 0, i, first, last, k, q, label_w = 0;

	a.from = rw_date_days(RW_REPORT_FROM);
	a.today = rw_date_days(r->today);
	a.span = a.today - a.from > 0 ? a.today - a.from : 1;
	/* Quarter starts from 2016-01-01 up to today, bounded to a century. */
	for (q = 0; q + 1 < sizeof(qstart) / sizeof(qstart[0]); q++) {
		char iso[RW_DATE_LEN];
		long d;

		snprintf(iso, sizeof(iso), "%04ld-%02d-01", 2016 + (long)q / 4, 1 + 3 * (int)(q % 4));
		d = rw_date_days(iso);
		if (d < 0 || d > a.today)
			break;
		qstart[nq++] = d;
	}
	qstart[nq] = a.today + 1;
	for (i = 0; i < r->nvendors; i++)
		for (k = 0; k < r->vendors[i].intervals.n; k++) {
			size_t l = strlen(r->vendors[i].id) + 1 + strlen(r->vendors[i].intervals.v[k].f[RW_Q_REGIME]);

			if (l > label_w)
				label_w = l;
		}
	for (i = 0; i < r->nvendors; i++)
		if (r->vendors[i].anns.n && strlen(r->vendors[i].id) + 14 > label_w)
			label_w = strlen(r->vendors[i].id) + 14;
	if (label_w > MD_LABEL_MAX)
		label_w = MD_LABEL_MAX;

	heading(w, 2, "timeline", "Timeline");
	raw(w, "One row per vendor and regime, one column per quarter from " RW_REPORT_FROM
	       " to today: the most severe status in force at any time in the quarter.\n\n```text\n");
	/* Every other year named, every year ticked. */
	fmt(w, "%-*s ", (int)label_w, "");
	for (q = 0; q < nq; q += 8)
		fmt(w, "%-8ld", 2016 + (long)q / 4);
	fmt(w, "\n%-*s ", (int)label_w, "");
	for (q = 0; q < nq; q += 4)
		raw(w, "|   ");
	raw(w, "\n");
	for (i = 0; i < r->nvendors; i++) {
		const rw_report_vendor *v = &r->vendors[i];

		for (first = 0; first < v->intervals.n; first = last) {
			last = regime_run_end(v, first);
			md_label(w, label_w, v->id, v->intervals.v[first].f[RW_Q_REGIME]);
			for (q = 0; q < nq; q++) {
				const status_style *best = NULL;
				int best_rank = 1000;

				for (k = first; k < last; k++) {
					const rw_row *iv = &v->intervals.v[k];
					int rank = rw_status_rank(iv->f[RW_Q_STATUS]);

					if (iv_start(&a, iv) >= qstart[q + 1] || iv_end(&a, iv) <= qstart[q])
						continue;
					if (rank < 0)
						rank = (int)NSTYLES;
					if (rank < best_rank) {
						best_rank = rank;
						best = style_of(iv->f[RW_Q_STATUS]);
					}
				}
				fmt(w, "%c", best ? best->letter : '.');
			}
			raw(w, "\n");
		}
		if (v->anns.n) {
			md_label(w, label_w, v->id, "announcements");
			for (q = 0; q < nq; q++) {
				char mark = '.';

				for (k = 0; k < v->anns.n; k++) {
					long d = rw_date_days(v->anns.v[k].f[RW_A_DATE]);

					if (d >= qstart[q] && d < qstart[q + 1])
						mark = '*';
				}
				fmt(w, "%c", mark);
			}
			raw(w, "\n");
		}
	}
	raw(w, "```\n\nLegend: ");
	for (k = 0; k < NSTYLES; k++)
		fmt(w, "`%c` %s, ", styles[k].letter, styles[k].word);
	fmt(w, "`%c` another status, `.` none; `*` on a vendor's announcements row: an announcement.\n",
	    other_style.letter);
}

static void section_vendors(writer *w, const rw_report *r)
{
	static const char *const ann_headers[] = {"Date", "Title", "Source"};
	size_t i, k;

	heading(w, 2, "vendors", "Vendors");
	for (i = 0; i < r->nvendors; i++) {
		const rw_report_vendor *v = &r->vendors[i];
		long today = rw_date_days(r->today);
		size_t recent = recent_count(r, v);

		if (!vendor_has_content(v))
			continue;
		if (w->fmt == RW_REPORT_HTML) {
			raw(w, "<section class=\"vendor\" id=\"");
			anchor(w, "v-", v->id);
			raw(w, "\">\n<h3>");
			text(w, v->name);
			raw(w, " <span class=\"id\">(");
			text(w, v->id);
			raw(w, ")</span></h3>\n");
		} else {
			raw(w, "\n### ");
			text(w, v->name);
			raw(w, " (");
			text(w, v->id);
			raw(w, ")\n\n");
		}
		if (v->parent[0]) {
			para_start(w);
			raw(w, "Part of ");
			text(w, v->parent);
			raw(w, "; statuses under regimes that cover subsidiaries and affiliates are inherited (column Via).");
			para_end(w);
		}
		para_start(w);
		fmt(w, "%s on %s:", v->statuses.n ? "Statuses in force" : "No status in force", r->today);
		para_end(w);
		if (v->statuses.n) {
			table_start(w, interval_headers, sizeof(interval_headers) / sizeof(interval_headers[0]));
			for (k = 0; k < v->statuses.n; k++)
				interval_row(w, &v->statuses.v[k]);
			table_end(w);
		}
		para_start(w);
		fmt(w, "%s in the last %d days:", recent ? "Announcements" : "No announcement", RW_REPORT_RECENT_DAYS);
		para_end(w);
		if (recent) {
			table_start(w, ann_headers, 3);
			for (k = 0; k < v->anns.n; k++) {
				const rw_row *an = &v->anns.v[k];
				long d = rw_date_days(an->f[RW_A_DATE]);

				if (d < 0 || d > today || today - d > RW_REPORT_RECENT_DAYS)
					continue;
				row_start(w);
				td_date(w, an->f[RW_A_DATE]);
				td_start(w);
				link(w, an->f[RW_A_URL], an->f[RW_A_TITLE]);
				td_end(w);
				td_text(w, an->f[RW_A_SOURCE]);
				row_end(w);
			}
			table_end(w);
		}
		if (v->intervals.n) {
			if (w->fmt == RW_REPORT_HTML)
				fmt(w, "<details class=\"intervals\"><summary>Every interval (%zu)</summary>\n",
				    v->intervals.n);
			else
				fmt(w, "Every interval (%zu):\n", v->intervals.n);
			table_start(w, interval_headers, sizeof(interval_headers) / sizeof(interval_headers[0]));
			for (k = 0; k < v->intervals.n; k++)
				interval_row(w, &v->intervals.v[k]);
			table_end(w);
			if (w->fmt == RW_REPORT_HTML)
				raw(w, "</details>\n");
		}
		if (w->fmt == RW_REPORT_HTML)
			raw(w, "</section>\n");
	}
}

static int asset_site_cmp(const void *pa, const void *pb)
{
	const rw_row *a = *(const rw_row *const *)pa, *b = *(const rw_row *const *)pb;
	int c = strcmp(a->f[RW_RA_SITE], b->f[RW_RA_SITE]);

	return c ? c : strcmp(a->f[RW_RA_ASSET], b->f[RW_RA_ASSET]);
}

static long units_of(const rw_row *a)
{
	long q;

	return rw_parse_long(a->f[RW_RA_QUANTITY], 0, 100000000L, &q) == 0 ? q : 1;
}

static void section_assets(writer *w, const rw_report *r)
{
	static const char *const headers[] = {"Asset", "Manufacturer", "Model", "Quantity", "Vendor",
					      "Matched by", "Statuses", "Note"};
	const rw_row **order = NULL;
	long units = 0;
	size_t i, start;

	heading(w, 2, "assets", "Affected assets by site");
	if (r->assets.n) {
		order = calloc(r->assets.n, sizeof(*order));
		if (order == NULL) {
			w->rc = RW_ENOMEM;
			return;
		}
	}
	for (i = 0; i < r->assets.n; i++) {
		order[i] = &r->assets.v[i];
		units += units_of(order[i]);
	}
	if (r->assets.n > 1)
		qsort(order, r->assets.n, sizeof(*order), asset_site_cmp);
	para_start(w);
	raw(w, "Inventory ");
	text(w, r->inventory);
	fmt(w, ": %zu of %ld asset%s affected on %s (%ld unit%s).", r->assets.n, r->inventory_assets,
	    r->inventory_assets == 1 ? "" : "s", r->today, units, units == 1 ? "" : "s");
	para_end(w);
	for (start = 0; start < r->assets.n; ) {
		size_t end = start;
		long site_units = 0;

		while (end < r->assets.n && strcmp(order[end]->f[RW_RA_SITE], order[start]->f[RW_RA_SITE]) == 0)
			site_units += units_of(order[end++]);
		if (w->fmt == RW_REPORT_HTML)
			raw(w, "<h3>");
		else
			raw(w, "\n### ");
		cell(w, order[start]->f[RW_RA_SITE]);
		fmt(w, " (%zu asset%s, %ld unit%s)", end - start, end - start == 1 ? "" : "s", site_units,
		    site_units == 1 ? "" : "s");
		raw(w, w->fmt == RW_REPORT_HTML ? "</h3>\n" : "\n");
		table_start(w, headers, sizeof(headers) / sizeof(headers[0]));
		for (i = start; i < end; i++) {
			char *const *f = order[i]->f;

			row_start(w);
			td_text(w, f[RW_RA_ASSET]);
			td_text(w, f[RW_RA_MANUFACTURER]);
			td_text(w, f[RW_RA_MODEL]);
			td_text(w, f[RW_RA_QUANTITY]);
			td_text(w, f[RW_RA_VENDOR]);
			td_text(w, f[RW_RA_MATCHED_BY]);
			td_text(w, f[RW_RA_STATUSES]);
			td_text(w, f[RW_RA_NOTE]);
			row_end(w);
		}
		table_end(w);
		start = end;
	}
	free(order);
}

static void section_sources(writer *w, const rw_report *r)
{
	static const char *const headers[] = {"Source", "Health", "Reason", "Last attempt", "Last success",
					      "Last change", "HTTP", "Records", "Failures"};
	size_t i;

	heading(w, 2, "sources", "Source health");
	if (r->sources.n == 0) {
		para_start(w);
		raw(w, "No source has been fetched yet.");
		para_end(w);
		return;
	}
	table_start(w, headers, sizeof(headers) / sizeof(headers[0]));
	for (i = 0; i < r->sources.n; i++) {
		char *const *f = r->sources.v[i].f;

		row_start(w);
		td_start(w);
		link(w, f[RW_S_URL], f[RW_S_NAME]);
		td_end(w);
		td_start(w);
		if (w->fmt == RW_REPORT_HTML) {
			raw(w, "<span class=\"health h-");
			raw(w, strcmp(f[RW_S_HEALTH], "ok") == 0 ? "ok" : "bad");
			raw(w, "\">");
			text(w, f[RW_S_HEALTH]);
			raw(w, "</span>");
		} else {
			text(w, f[RW_S_HEALTH]);
		}
		td_end(w);
		td_text(w, f[RW_S_REASON]);
		td_text(w, f[RW_S_LAST_ATTEMPT]);
		td_text(w, f[RW_S_LAST_SUCCESS]);
		td_text(w, f[RW_S_LAST_CHANGE]);
		td_text(w, f[RW_S_HTTP_STATUS]);
		td_text(w, f[RW_S_RECORDS]);
		td_text(w, f[RW_S_FAILURES]);
		row_end(w);
	}
	table_end(w);
}

/* The newest list entries naming no known vendor (a whole list of them belongs to 'regwatch vendors'). */
static void section_unmatched(writer *w, const rw_report *r)
{
	static const char *const headers[] = {"Entity", "Source", "Regime", "Since"};
	size_t i, shown = r->unmatched.n < RW_REPORT_UNMATCHED_MAX ? r->unmatched.n : RW_REPORT_UNMATCHED_MAX;

	if (r->unmatched.n == 0)
		return;
	heading(w, 2, "unmatched", "List entries naming no known vendor");
	para_start(w);
	if (shown < r->unmatched.n)
		fmt(w, "The %zu newest of %zu entries, newest first; 'regwatch vendors' lists them all.", shown,
		    r->unmatched.n);
	else
		fmt(w, "%zu entr%s, newest first.", shown, shown == 1 ? "y" : "ies");
	para_end(w);
	table_start(w, headers, 4);
	for (i = 0; i < shown; i++) {
		/* rw_db_vendors gives them oldest first. */
		char *const *f = r->unmatched.v[r->unmatched.n - 1 - i].f;

		row_start(w);
		td_text(w, f[RW_U_NAME]);
		td_text(w, f[RW_U_SOURCE]);
		td_text(w, f[RW_U_REGIME]);
		td_date(w, f[RW_U_SINCE]);
		row_end(w);
	}
	table_end(w);
}

static void html_head(writer *w, const rw_report *r)
{
	size_t k;

	raw(w, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
	       "<meta charset=\"utf-8\"/>\n"
	       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	       "style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'\"/>\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
	       "<meta name=\"generator\" content=\"regwatch " REGWATCH_VERSION "\"/>\n");
	fmt(w, "<title>regwatch status report, %s</title>\n", r->today);
	raw(w, "<style>\n"
	       "body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;color:#111;"
	       "line-height:1.4}\n"
	       "h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;margin-top:1.6em}h3 .id{color:#666;"
	       "font-weight:normal}\n"
	       "table{border-collapse:collapse;margin:.4em 0 1em;font-size:.9em}\n"
	       "th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}\n"
	       "th{background:#f4f4f4}td a{word-break:break-all}\n"
	       "nav ul{list-style:none;padding:0}nav li{display:inline;margin-right:1em}\n"
	       ".note{color:#444;font-size:.9em}.timeline{overflow-x:auto}\n"
	       "td.d,.st{white-space:nowrap}\n"
	       ".st::before{content:\"\";display:inline-block;width:.8em;height:.8em;margin-right:.3em;"
	       "border-radius:2px;vertical-align:-.05em}\n");
	for (k = 0; k < NSTYLES; k++)
		fmt(w, ".st-%s::before{background:%s}\n", styles[k].word, styles[k].colour);
	fmt(w, ".st-other::before{background:%s}\n", other_style.colour);
	raw(w, ".health{font-weight:bold}.h-ok{color:#1a7f37}.h-bad{color:#b2182b}\n"
	       "svg text.label{fill:#111}svg text.year{fill:#555}\n"
	       "@media print{.timeline{overflow:visible}details{display:block}}\n"
	       "</style>\n</head>\n<body>\n");
}

static int render_html(const rw_report *r, writer *w)
{
	html_head(w, r);
	fmt(w, "<header>\n<h1>Regulatory status report</h1>\n<p class=\"note\">Generated by regwatch %s at %s "
	       "from its own records; nothing on this page loads anything from the network.</p>\n",
	    REGWATCH_VERSION, r->generated);
	raw(w, "<nav><ul><li><a href=\"#summary\">Summary</a></li><li><a href=\"#timeline\">Timeline</a></li>"
	       "<li><a href=\"#vendors\">Vendors</a></li>");
	if (r->with_assets)
		raw(w, "<li><a href=\"#assets\">Affected assets</a></li>");
	raw(w, "<li><a href=\"#sources\">Source health</a></li>");
	if (r->unmatched.n)
		raw(w, "<li><a href=\"#unmatched\">Unmatched entries</a></li>");
	raw(w, "</ul></nav>\n</header>\n<main>\n<section>\n");
	section_summary(w, r);
	raw(w, "</section>\n<section class=\"timeline\">\n");
	section_timeline_svg(w, r);
	raw(w, "</section>\n<section>\n");
	section_vendors(w, r);
	raw(w, "</section>\n");
	if (r->with_assets) {
		raw(w, "<section>\n");
		section_assets(w, r);
		raw(w, "</section>\n");
	}
	raw(w, "<section>\n");
	section_sources(w, r);
	raw(w, "</section>\n");
	if (r->unmatched.n) {
		raw(w, "<section>\n");
		section_unmatched(w, r);
		raw(w, "</section>\n");
	}
	raw(w, "</main>\n</body>\n</html>\n");
	return w->rc;
}

static int render_md(const rw_report *r, writer *w)
{
	fmt(w, "# Regulatory status report, %s\n\nGenerated by regwatch %s at %s from its own records.\n",
	    r->today, REGWATCH_VERSION, r->generated);
	section_summary(w, r);
	section_timeline_md(w, r);
	section_vendors(w, r);
	if (r->with_assets)
		section_assets(w, r);
	section_sources(w, r);
	section_unmatched(w, r);
	return w->rc;
}

int rw_report_render(rw_ctx *ctx, const rw_report *r, int format, rw_buf *out)
{
	writer w;
	int rc;

	if (format != RW_REPORT_HTML && format != RW_REPORT_MD)
		return rw_error(ctx, RW_EUSAGE, "report: unknown format %d", format);
	w.b = out;
	w.fmt = format;
	w.rc = 0;
	rc = format == RW_REPORT_HTML ? render_html(r, &w) : render_md(r, &w);
	if (rc == RW_ELIMIT)
		return rw_error(ctx, rc, "report: larger than the output limit (%zu bytes)", out->max);
	if (rc < 0)
		return rw_error(ctx, RW_ENOMEM, "report: out of memory");
	return 0;
}
