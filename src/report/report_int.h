/*
 * Inside the report module: the writer every section writes through and what
 * the section files share. A writer holds the first error; once set, every
 * later call does nothing, so a section checks w->rc only where it must.
 */
#ifndef REGWATCH_REPORT_INT_H
#define REGWATCH_REPORT_INT_H

#include <stddef.h>
#include "regwatch/core.h"
#include "regwatch/report.h"

typedef struct writer {
	rw_buf *b;
	int fmt;   /* RW_REPORT_HTML or RW_REPORT_MD */
	int rc;    /* the first error, 0 while none */
} writer;

/* Status words, most severe first, with their colour and chart letter (writer.c). */
typedef struct status_style {
	const char *word;
	const char *colour;
	char letter;
} status_style;

extern const status_style rw_report_styles[];
extern const size_t rw_report_nstyles;
extern const status_style rw_report_other_style; /* any status word not in the list */
const status_style *rw_w_style_of(const char *status);
/* A class name fragment for a status word: its own when known, else "other". */
const char *rw_w_status_class(const char *status);

/* Markup or text written here, as it is. */
void rw_w_raw(writer *w, const char *s);
void rw_w_fmt(writer *w, const char *f, ...) __attribute__((format(printf, 2, 3)));
/* Text from a source (or any text not written here), escaped for the format. */
void rw_w_text(writer *w, const char *s);
/* Text, or a dash for empty. */
void rw_w_cell(writer *w, const char *s);
/* A date as it is when it is a real ISO date, else as escaped text. */
void rw_w_date(writer *w, const char *d);
void rw_w_status_word(writer *w, const char *status);
/* A link to url with label (label NULL: the URL itself); plain text when url is not http(s). */
void rw_w_link(writer *w, const char *url, const char *label);
/* An id fit for an HTML id attribute and a fragment: prefix, then [a-z0-9-], others as '-'. */
void rw_w_anchor(writer *w, const char *prefix, const char *id);
/* Tenths of a pixel as a decimal. */
void rw_w_px(writer *w, long tenths);
/* ' name="value"' with the value escaped; ' name="12.5"' for tenths of a pixel. */
void rw_w_attr(writer *w, const char *name, const char *value);
void rw_w_attr_px(writer *w, const char *name, long tenths);

/* Tables and blocks, in both formats. */
void rw_w_table_start(writer *w, const char *const *headers, size_t n);
void rw_w_row_start(writer *w);
void rw_w_td_start(writer *w);
void rw_w_td_end(writer *w);
void rw_w_row_end(writer *w);
void rw_w_table_end(writer *w);
void rw_w_td_text(writer *w, const char *s);
void rw_w_td_date(writer *w, const char *d);
void rw_w_heading(writer *w, int level, const char *id, const char *title);
void rw_w_para_start(writer *w);
void rw_w_para_end(writer *w);

/* The sections (sections.c, timeline.c). */
void rw_report_section_summary(writer *w, const rw_report *r);
void rw_report_section_timeline_svg(writer *w, const rw_report *r);
void rw_report_section_timeline_md(writer *w, const rw_report *r);
void rw_report_section_changes(writer *w, const rw_report *r);
void rw_report_section_vendors(writer *w, const rw_report *r);
void rw_report_section_assets(writer *w, const rw_report *r);
void rw_report_section_sources(writer *w, const rw_report *r);
void rw_report_section_unmatched(writer *w, const rw_report *r);

#endif
