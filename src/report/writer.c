/* The report's writer: text for the page's format with a sticky error, its tables, and the
   status colours. */
#include <stdarg.h>
#include <string.h>

#include "regwatch/dates.h"
#include "report/report_int.h"

const status_style rw_report_styles[] = {
	{"prohibited", "#b2182b", 'P'}, {"restricted", "#e66101", 'R'}, {"listed", "#2166ac", 'L'},
	{"under-review", "#d8a200", 'U'}, {"announced", "#808080", 'A'},
};
const size_t rw_report_nstyles = sizeof(rw_report_styles) / sizeof(rw_report_styles[0]);
const status_style rw_report_other_style = {"other", "#5e3c99", '?'};

const status_style *rw_w_style_of(const char *status)
{
	size_t i;

	for (i = 0; i < rw_report_nstyles; i++)
		if (strcmp(rw_report_styles[i].word, status) == 0)
			return &rw_report_styles[i];
	return &rw_report_other_style;
}


void rw_w_raw(writer *w, const char *s)
{
	if (w->rc == 0)
		w->rc = rw_buf_puts(w->b, s);
}

void rw_w_fmt(writer *w, const char *f, ...)
{
	va_list ap;

	if (w->rc != 0)
		return;
	va_start(ap, f);
	w->rc = rw_buf_vprintf(w->b, f, ap);
	va_end(ap);
}

/* Text from a source (or any text not written here). */
void rw_w_text(writer *w, const char *s)
{
	if (w->rc == 0)
		w->rc = w->fmt == RW_REPORT_HTML ? rw_html_escape(w->b, s) : rw_md_escape(w->b, s);
}

/* Text, or a dash for empty. */
void rw_w_cell(writer *w, const char *s)
{
	if (s == NULL || s[0] == '\0')
		rw_w_raw(w, w->fmt == RW_REPORT_HTML ? "&#8212;" : "\xE2\x80\x94");
	else
		rw_w_text(w, s);
}

/* A date as it is when it is a real ISO date, else as escaped text. */
void rw_w_date(writer *w, const char *d)
{
	if (d && rw_date_valid(d))
		rw_w_raw(w, d);
	else
		rw_w_cell(w, d);
}

/* A class name fragment for a status word: its own when known, else "other". */
const char *rw_w_status_class(const char *status)
{
	return rw_w_style_of(status)->word;
}

void rw_w_status_word(writer *w, const char *status)
{
	if (w->fmt == RW_REPORT_HTML) {
		rw_w_fmt(w, "<span class=\"st st-%s\">", rw_w_status_class(status));
		rw_w_text(w, status);
		rw_w_raw(w, "</span>");
	} else {
		rw_w_raw(w, "**");
		rw_w_text(w, status);
		rw_w_raw(w, "**");
	}
}

/* A link to url with label (label NULL: the URL itself); plain text when url is not http(s). */
void rw_w_link(writer *w, const char *url, const char *label)
{
	const char *shown = label && label[0] ? label : url;
	const unsigned char *p;

	if (!rw_report_url_ok(url)) {
		rw_w_cell(w, shown);
		return;
	}
	if (w->fmt == RW_REPORT_HTML) {
		rw_w_raw(w, "<a href=\"");
		rw_w_text(w, url);
		rw_w_raw(w, "\" rel=\"noreferrer\">");
		rw_w_text(w, shown);
		rw_w_raw(w, "</a>");
		return;
	}
	rw_w_raw(w, "[");
	rw_w_text(w, shown);
	rw_w_raw(w, "](");
	/* The destination: everything outside a plain URL alphabet percent-encoded. */
	for (p = (const unsigned char *)url; *p && w->rc == 0; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~:/?#@!$&*+,;=%", *p))
			w->rc = rw_buf_putc(w->b, (char)*p);
		else
			rw_w_fmt(w, "%%%02X", *p);
	}
	rw_w_raw(w, ")");
}

/* An id fit for an HTML id attribute and a fragment: [a-z0-9-], others as '-'. */
void rw_w_anchor(writer *w, const char *prefix, const char *id)
{
	const char *p;

	rw_w_raw(w, prefix);
	for (p = id; *p && w->rc == 0; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '-';
		w->rc = rw_buf_putc(w->b, c);
	}
}

/* Tenths of a pixel as a decimal. */
void rw_w_px(writer *w, long tenths)
{
	if (tenths < 0)
		rw_w_fmt(w, "-%ld.%ld", -tenths / 10, -tenths % 10);
	else
		rw_w_fmt(w, "%ld.%ld", tenths / 10, tenths % 10);
}

/* ---- tables (both formats) ---- */

void rw_w_table_start(writer *w, const char *const *headers, size_t n)
{
	size_t i;

	if (w->fmt == RW_REPORT_HTML) {
		rw_w_raw(w, "<table>\n<thead><tr>");
		for (i = 0; i < n; i++)
			rw_w_fmt(w, "<th>%s</th>", headers[i]);
		rw_w_raw(w, "</tr></thead>\n<tbody>\n");
		return;
	}
	rw_w_raw(w, "\n|");
	for (i = 0; i < n; i++)
		rw_w_fmt(w, " %s |", headers[i]);
	rw_w_raw(w, "\n|");
	for (i = 0; i < n; i++)
		rw_w_raw(w, " --- |");
	rw_w_raw(w, "\n");
}

void rw_w_row_start(writer *w)
{
	rw_w_raw(w, w->fmt == RW_REPORT_HTML ? "<tr>" : "|");
}

void rw_w_td_start(writer *w)
{
	rw_w_raw(w, w->fmt == RW_REPORT_HTML ? "<td>" : " ");
}

void rw_w_td_end(writer *w)
{
	rw_w_raw(w, w->fmt == RW_REPORT_HTML ? "</td>" : " |");
}

void rw_w_row_end(writer *w)
{
	rw_w_raw(w, w->fmt == RW_REPORT_HTML ? "</tr>\n" : "\n");
}

void rw_w_table_end(writer *w)
{
	rw_w_raw(w, w->fmt == RW_REPORT_HTML ? "</tbody>\n</table>\n" : "\n");
}

void rw_w_td_text(writer *w, const char *s)
{
	rw_w_td_start(w);
	rw_w_cell(w, s);
	rw_w_td_end(w);
}

void rw_w_td_date(writer *w, const char *d)
{
	rw_w_raw(w, w->fmt == RW_REPORT_HTML ? "<td class=\"d\">" : " ");
	rw_w_date(w, d);
	rw_w_td_end(w);
}

void rw_w_heading(writer *w, int level, const char *id, const char *title)
{
	if (w->fmt == RW_REPORT_HTML) {
		rw_w_fmt(w, "<h%d id=\"%s\">%s</h%d>\n", level, id, title, level);
		return;
	}
	rw_w_fmt(w, "\n%.*s %s\n\n", level, "######", title);
}

void rw_w_para_start(writer *w)
{
	rw_w_raw(w, w->fmt == RW_REPORT_HTML ? "<p>" : "");
}

void rw_w_para_end(writer *w)
{
	rw_w_raw(w, w->fmt == RW_REPORT_HTML ? "</p>\n" : "\n\n");
}

/* An attribute: ' name="value"', the value escaped as text. */
void rw_w_attr(writer *w, const char *name, const char *value)
{
	rw_w_fmt(w, " %s=\"", name);
	rw_w_text(w, value);
	rw_w_raw(w, "\"");
}

/* An attribute of tenths of a pixel: ' name="12.5"'. */
void rw_w_attr_px(writer *w, const char *name, long tenths)
{
	rw_w_fmt(w, " %s=\"", name);
	rw_w_px(w, tenths);
	rw_w_raw(w, "\"");
}
