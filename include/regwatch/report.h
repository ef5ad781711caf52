/*
 * The status report: one self-contained page (HTML or Markdown) with, per
 * vendor, the statuses in force today and their evidence, the announcements
 * of the last 90 days, the changes the runs of the last 90 days recorded
 * (each worded as diff words it), the health of every source, and a timeline picture
 * (inline SVG in HTML, a text chart in Markdown) of every status interval
 * from 2016 to today, one row per vendor and regime.
 *
 * Loading reads the database (never the network); rendering is pure. Every
 * text that came from a source is escaped for the output format; links are
 * made only from http and https URLs.
 *
 * Usage:
 *     rw_report r;
 *     rw_report_init(&r);
 *     rc = rw_report_load(ctx, &r, db);            (today is ctx->now's UTC date)
 *     ...optionally rw_report_add_asset(...) for each affected asset...
 *     rc = rw_report_render(ctx, &r, RW_REPORT_HTML, &out);
 *     rw_report_release(&r);
 */
#ifndef REGWATCH_REPORT_H
#define REGWATCH_REPORT_H

#include <stddef.h>
#include "regwatch/core.h"
#include "regwatch/dates.h"
#include "regwatch/history.h"
#include "regwatch/state.h"

#define RW_REPORT_FROM "2016-01-01" /* the timeline's first day */
#define RW_REPORT_RECENT_DAYS 90    /* announcements listed per vendor, runs whose changes are listed */
#define RW_REPORT_UNMATCHED_MAX 50  /* newest list entries naming no known vendor shown */

enum rw_report_format { RW_REPORT_HTML = 0, RW_REPORT_MD = 1 };

/* One vendor of the dictionary and what the database holds about it. */
typedef struct rw_report_vendor {
	char *id;
	char *name;
	char *parent;        /* parent vendor id, or "" */
	rw_table statuses;   /* RW_Q_NCOLS: in force today (rw_db_status), most severe first */
	rw_table intervals;  /* RW_Q_NCOLS: its own intervals as known now, by regime, then since */
	rw_table anns;       /* RW_A_NCOLS: its announcements from RW_REPORT_FROM to today, newest first */
} rw_report_vendor;

/* Columns of an affected asset (the inventory section). */
enum rw_report_asset_col {
	RW_RA_SITE, RW_RA_ASSET, RW_RA_MANUFACTURER, RW_RA_MODEL, RW_RA_QUANTITY, RW_RA_VENDOR,
	RW_RA_MATCHED_BY, RW_RA_STATUSES, RW_RA_NOTE, RW_RA_NCOLS
};

typedef struct rw_report {
	char today[RW_DATE_LEN];
	char generated[RW_INSTANT_LEN];
	rw_report_vendor *vendors;  /* sorted by id */
	size_t nvendors;
	rw_table sources;    /* RW_S_NCOLS: source health at generation time */
	rw_table unmatched;  /* RW_U_NCOLS: list entries naming no known vendor, oldest first */
	int with_assets;     /* 1: an inventory was given (the section is shown, even when empty) */
	char *inventory;     /* its name, as given */
	long inventory_assets; /* assets the inventory holds */
	rw_table assets;     /* RW_RA_NCOLS: affected assets, in the order added */
	rw_changes changes;  /* recorded by the runs of the last RW_REPORT_RECENT_DAYS days, oldest first */
} rw_report;

void rw_report_init(rw_report *r);
/* Frees everything the report holds and leaves it initialised. */
void rw_report_release(rw_report *r);

/* Fills r from the database as it stands now; today is ctx->now's UTC date. */
int rw_report_load(rw_ctx *ctx, rw_report *r, rw_db *db);

/* Declares the inventory section: name shown, total assets it holds. */
int rw_report_set_inventory(rw_ctx *ctx, rw_report *r, const char *name, long assets);
/* Adds an affected asset; fields has RW_RA_NCOLS strings (NULL: empty). */
int rw_report_add_asset(rw_ctx *ctx, rw_report *r, const char *const *fields);

/* Appends the page to out. */
int rw_report_render(rw_ctx *ctx, const rw_report *r, int format, rw_buf *out);

/* "html" or "md" to RW_REPORT_*; -1 for anything else. */
int rw_report_format_parse(const char *name);

/*
 * Escaping, exposed for tests. Both replace invalid UTF-8, control characters
 * and non-characters with U+FFFD (tab and line breaks become spaces).
 * rw_html_escape: & < > " ' as character references (text and attribute values).
 * rw_md_escape: Markdown punctuation with backslashes, < > & as character
 * references, so no text from a source can start markup, a link or raw HTML.
 */
int rw_html_escape(rw_buf *out, const char *s);
int rw_md_escape(rw_buf *out, const char *s);
/* 1 when url is an absolute http:// or https:// URL without spaces or control characters. */
int rw_report_url_ok(const char *url);


#endif
