/* The report's sections in both formats: summary, vendors, affected assets, source health,
   unmatched list entries and recent changes. */
#include <stdlib.h>
#include <string.h>

#include "regwatch/dates.h"
#include "regwatch/diff.h"
#include "report/report_int.h"

static const char *const interval_headers[] = {
	"Regime", "Jurisdiction", "Status", "Since", "Until", "Via", "Source", "Evidence", "Note", "Provision",
	"Regime title", "Confidence",
};

static void interval_row(writer *w, const rw_row *r)
{
	char *const *f = r->f;

	rw_w_row_start(w);
	rw_w_td_text(w, f[RW_Q_REGIME]);
	rw_w_td_text(w, f[RW_Q_JURISDICTION]);
	rw_w_td_start(w);
	rw_w_status_word(w, f[RW_Q_STATUS]);
	if (f[RW_Q_DROPPED_FROM][0]) {
		rw_w_text(w, " (dropped from ");
		rw_w_text(w, f[RW_Q_DROPPED_FROM]);
		rw_w_text(w, " on ");
		rw_w_text(w, f[RW_Q_FIRST_ABSENT]);
		rw_w_text(w, ", removal not confirmed)");
	}
	rw_w_td_end(w);
	rw_w_td_date(w, f[RW_Q_SINCE]);
	rw_w_td_date(w, f[RW_Q_UNTIL]);
	rw_w_td_text(w, f[RW_Q_VIA]);
	rw_w_td_text(w, f[RW_Q_SOURCE]);
	rw_w_td_start(w);
	rw_w_link(w, f[RW_Q_EVIDENCE], NULL);
	if (strcmp(f[RW_Q_EVIDENCE_KIND], "secondary") == 0)
		rw_w_text(w, " (secondary: a report, not the regulator's own document)");
	rw_w_td_end(w);
	rw_w_td_text(w, f[RW_Q_NOTE]);
	rw_w_td_text(w, f[RW_Q_PROVISION]);
	rw_w_td_text(w, f[RW_Q_REGIME_TITLE]);
	rw_w_td_text(w, f[RW_Q_CONFIDENCE]);
	rw_w_row_end(w);
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

void rw_report_section_summary(writer *w, const rw_report *r)
{
	static const char *const headers[] = {"Vendor", "Most severe status", "Statuses in force",
					      "Announcements (90 days)"};
	size_t i, quiet = 0;

	rw_w_heading(w, 2, "summary", "Summary");
	rw_w_para_start(w);
	rw_w_fmt(w, "Statuses in force on %s, as recorded at %s. ", r->today, r->generated);
	rw_w_raw(w, "Every status names its source and links to its evidence; ");
	rw_w_raw(w, "the timeline shows every interval regwatch knows of since " RW_REPORT_FROM ".");
	rw_w_para_end(w);
	rw_w_table_start(w, headers, 4);
	for (i = 0; i < r->nvendors; i++) {
		const rw_report_vendor *v = &r->vendors[i];

		if (!vendor_has_content(v)) {
			quiet++;
			continue;
		}
		rw_w_row_start(w);
		rw_w_td_start(w);
		if (w->fmt == RW_REPORT_HTML) {
			rw_w_raw(w, "<a href=\"#");
			rw_w_anchor(w, "v-", v->id);
			rw_w_raw(w, "\">");
			rw_w_text(w, v->id);
			rw_w_raw(w, "</a>");
		} else {
			rw_w_text(w, v->id);
		}
		rw_w_td_end(w);
		rw_w_td_start(w);
		if (v->statuses.n)
			rw_w_status_word(w, v->statuses.v[0].f[RW_Q_STATUS]);
		else
			rw_w_cell(w, NULL);
		rw_w_td_end(w);
		rw_w_td_start(w);
		rw_w_fmt(w, "%zu", v->statuses.n);
		rw_w_td_end(w);
		rw_w_td_start(w);
		rw_w_fmt(w, "%zu", recent_count(r, v));
		rw_w_td_end(w);
		rw_w_row_end(w);
	}
	rw_w_table_end(w);
	if (quiet) {
		rw_w_para_start(w);
		rw_w_raw(w, "No status or announcement recorded for: ");
		for (i = 0; i < r->nvendors; i++)
			if (!vendor_has_content(&r->vendors[i])) {
				rw_w_text(w, r->vendors[i].id);
				if (--quiet)
					rw_w_raw(w, ", ");
			}
		rw_w_raw(w, ".");
		rw_w_para_end(w);
	}
}

void rw_report_section_vendors(writer *w, const rw_report *r)
{
	static const char *const ann_headers[] = {"Date", "Title", "Source"};
	size_t i, k;

	rw_w_heading(w, 2, "vendors", "Vendors");
	for (i = 0; i < r->nvendors; i++) {
		const rw_report_vendor *v = &r->vendors[i];
		long today = rw_date_days(r->today);
		size_t recent = recent_count(r, v);

		if (!vendor_has_content(v))
			continue;
		if (w->fmt == RW_REPORT_HTML) {
			rw_w_raw(w, "<section class=\"vendor\" id=\"");
			rw_w_anchor(w, "v-", v->id);
			rw_w_raw(w, "\">\n<h3>");
			rw_w_text(w, v->name);
			rw_w_raw(w, " <span class=\"id\">(");
			rw_w_text(w, v->id);
			rw_w_raw(w, ")</span></h3>\n");
		} else {
			rw_w_raw(w, "\n### ");
			rw_w_text(w, v->name);
			rw_w_raw(w, " (");
			rw_w_text(w, v->id);
			rw_w_raw(w, ")\n\n");
		}
		if (v->parent[0]) {
			rw_w_para_start(w);
			rw_w_raw(w, "Part of ");
			rw_w_text(w, v->parent);
			rw_w_raw(w, "; statuses under regimes that cover subsidiaries and affiliates are inherited (column Via).");
			rw_w_para_end(w);
		}
		rw_w_para_start(w);
		rw_w_fmt(w, "%s on %s:", v->statuses.n ? "Statuses in force" : "No status in force", r->today);
		rw_w_para_end(w);
		if (v->statuses.n) {
			rw_w_table_start(w, interval_headers, sizeof(interval_headers) / sizeof(interval_headers[0]));
			for (k = 0; k < v->statuses.n; k++)
				interval_row(w, &v->statuses.v[k]);
			rw_w_table_end(w);
		}
		rw_w_para_start(w);
		rw_w_fmt(w, "%s in the last %d days:", recent ? "Announcements" : "No announcement", RW_REPORT_RECENT_DAYS);
		rw_w_para_end(w);
		if (recent) {
			rw_w_table_start(w, ann_headers, 3);
			for (k = 0; k < v->anns.n; k++) {
				const rw_row *an = &v->anns.v[k];
				long d = rw_date_days(an->f[RW_A_DATE]);

				if (d < 0 || d > today || today - d > RW_REPORT_RECENT_DAYS)
					continue;
				rw_w_row_start(w);
				rw_w_td_date(w, an->f[RW_A_DATE]);
				rw_w_td_start(w);
				rw_w_link(w, an->f[RW_A_URL], an->f[RW_A_TITLE]);
				rw_w_td_end(w);
				rw_w_td_text(w, an->f[RW_A_SOURCE]);
				rw_w_row_end(w);
			}
			rw_w_table_end(w);
		}
		if (v->intervals.n) {
			if (w->fmt == RW_REPORT_HTML)
				rw_w_fmt(w, "<details class=\"intervals\"><summary>Every interval (%zu)</summary>\n",
					 v->intervals.n);
			else
				rw_w_fmt(w, "Every interval (%zu):\n", v->intervals.n);
			rw_w_table_start(w, interval_headers, sizeof(interval_headers) / sizeof(interval_headers[0]));
			for (k = 0; k < v->intervals.n; k++)
				interval_row(w, &v->intervals.v[k]);
			rw_w_table_end(w);
			if (w->fmt == RW_REPORT_HTML)
				rw_w_raw(w, "</details>\n");
		}
		if (w->fmt == RW_REPORT_HTML)
			rw_w_raw(w, "</section>\n");
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

void rw_report_section_assets(writer *w, const rw_report *r)
{
	static const char *const headers[] = {"Asset", "Manufacturer", "Model", "Quantity", "Vendor",
					      "Matched by", "Statuses", "Note"};
	const rw_row **order = NULL;
	long units = 0;
	size_t i, start;

	rw_w_heading(w, 2, "assets", "Affected assets by site");
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
	rw_w_para_start(w);
	rw_w_raw(w, "Inventory ");
	rw_w_text(w, r->inventory);
	rw_w_fmt(w, ": %zu of %ld asset%s affected on %s (%ld unit%s).", r->assets.n, r->inventory_assets,
		 r->inventory_assets == 1 ? "" : "s", r->today, units, units == 1 ? "" : "s");
	rw_w_para_end(w);
	for (start = 0; start < r->assets.n; ) {
		size_t end = start;
		long site_units = 0;

		while (end < r->assets.n && strcmp(order[end]->f[RW_RA_SITE], order[start]->f[RW_RA_SITE]) == 0)
			site_units += units_of(order[end++]);
		if (w->fmt == RW_REPORT_HTML)
			rw_w_raw(w, "<h3>");
		else
			rw_w_raw(w, "\n### ");
		rw_w_cell(w, order[start]->f[RW_RA_SITE]);
		rw_w_fmt(w, " (%zu asset%s, %ld unit%s)", end - start, end - start == 1 ? "" : "s", site_units,
			 site_units == 1 ? "" : "s");
		rw_w_raw(w, w->fmt == RW_REPORT_HTML ? "</h3>\n" : "\n");
		rw_w_table_start(w, headers, sizeof(headers) / sizeof(headers[0]));
		for (i = start; i < end; i++) {
			char *const *f = order[i]->f;

			rw_w_row_start(w);
			rw_w_td_text(w, f[RW_RA_ASSET]);
			rw_w_td_text(w, f[RW_RA_MANUFACTURER]);
			rw_w_td_text(w, f[RW_RA_MODEL]);
			rw_w_td_text(w, f[RW_RA_QUANTITY]);
			rw_w_td_text(w, f[RW_RA_VENDOR]);
			rw_w_td_text(w, f[RW_RA_MATCHED_BY]);
			rw_w_td_text(w, f[RW_RA_STATUSES]);
			rw_w_td_text(w, f[RW_RA_NOTE]);
			rw_w_row_end(w);
		}
		rw_w_table_end(w);
		start = end;
	}
	free(order);
}

void rw_report_section_sources(writer *w, const rw_report *r)
{
	static const char *const headers[] = {"Source", "Health", "Reason", "Last attempt", "Last success",
					      "Last change", "HTTP", "Records", "Failures"};
	size_t i;

	rw_w_heading(w, 2, "sources", "Source health");
	if (r->sources.n == 0) {
		rw_w_para_start(w);
		rw_w_raw(w, "No source has been fetched yet.");
		rw_w_para_end(w);
		return;
	}
	rw_w_table_start(w, headers, sizeof(headers) / sizeof(headers[0]));
	for (i = 0; i < r->sources.n; i++) {
		char *const *f = r->sources.v[i].f;

		rw_w_row_start(w);
		rw_w_td_start(w);
		rw_w_link(w, f[RW_S_URL], f[RW_S_NAME]);
		rw_w_td_end(w);
		rw_w_td_start(w);
		if (w->fmt == RW_REPORT_HTML) {
			rw_w_raw(w, "<span class=\"health h-");
			rw_w_raw(w, strcmp(f[RW_S_HEALTH], "ok") == 0 ? "ok" : "bad");
			rw_w_raw(w, "\">");
			rw_w_text(w, f[RW_S_HEALTH]);
			rw_w_raw(w, "</span>");
		} else {
			rw_w_text(w, f[RW_S_HEALTH]);
		}
		rw_w_td_end(w);
		rw_w_td_text(w, f[RW_S_REASON]);
		rw_w_td_text(w, f[RW_S_LAST_ATTEMPT]);
		rw_w_td_text(w, f[RW_S_LAST_SUCCESS]);
		rw_w_td_text(w, f[RW_S_LAST_CHANGE]);
		rw_w_td_text(w, f[RW_S_HTTP_STATUS]);
		rw_w_td_text(w, f[RW_S_RECORDS]);
		rw_w_td_text(w, f[RW_S_FAILURES]);
		rw_w_row_end(w);
	}
	rw_w_table_end(w);
}

/* The newest list entries naming no known vendor (a whole list of them belongs to 'regwatch vendors'). */
void rw_report_section_unmatched(writer *w, const rw_report *r)
{
	static const char *const headers[] = {"Entity", "Source", "Regime", "Since"};
	size_t i, shown = r->unmatched.n < RW_REPORT_UNMATCHED_MAX ? r->unmatched.n : RW_REPORT_UNMATCHED_MAX;

	if (r->unmatched.n == 0)
		return;
	rw_w_heading(w, 2, "unmatched", "List entries naming no known vendor");
	rw_w_para_start(w);
	if (shown < r->unmatched.n)
		rw_w_fmt(w, "The %zu newest of %zu entries, newest first; 'regwatch vendors' lists them all.", shown,
			 r->unmatched.n);
	else
		rw_w_fmt(w, "%zu entr%s, newest first.", shown, shown == 1 ? "y" : "ies");
	rw_w_para_end(w);
	rw_w_table_start(w, headers, 4);
	for (i = 0; i < shown; i++) {
		/* rw_db_vendors gives them oldest first. */
		char *const *f = r->unmatched.v[r->unmatched.n - 1 - i].f;

		rw_w_row_start(w);
		rw_w_td_text(w, f[RW_U_NAME]);
		rw_w_td_text(w, f[RW_U_SOURCE]);
		rw_w_td_text(w, f[RW_U_REGIME]);
		rw_w_td_date(w, f[RW_U_SINCE]);
		rw_w_row_end(w);
	}
	rw_w_table_end(w);
}

/* The changes of the recent runs, newest run first, each worded by rw_diff_describe. */
void rw_report_section_changes(writer *w, const rw_report *r)
{
	static const char *const headers[] = {"Run", "Kind", "Effective", "Status", "Change"};
	rw_buf line = RW_BUF_INIT;
	size_t i;

	rw_w_heading(w, 2, "changes", "Recent changes");
	rw_w_para_start(w);
	rw_w_fmt(w, "The changes the runs of the last %d days recorded, as regwatch diff words them.",
		 RW_REPORT_RECENT_DAYS);
	rw_w_para_end(w);
	if (r->changes.n == 0) {
		rw_w_para_start(w);
		rw_w_raw(w, "No change recorded in that time.");
		rw_w_para_end(w);
		return;
	}
	rw_w_table_start(w, headers, 5);
	for (i = r->changes.n; i-- > 0 && w->rc == 0;) {
		const rw_change *c = &r->changes.v[i];

		rw_buf_clear(&line);
		w->rc = rw_diff_describe(&line, c);
		if (w->rc < 0)
			break;
		rw_w_row_start(w);
		rw_w_td_start(w);
		rw_w_fmt(w, "%ld", c->run);
		rw_w_td_end(w);
		rw_w_td_text(w, c->kind);
		rw_w_td_date(w, c->effective);
		rw_w_td_start(w);
		if (c->event.status[0])
			rw_w_status_word(w, c->event.status);
		else
			rw_w_cell(w, NULL);
		rw_w_td_end(w);
		rw_w_td_text(w, rw_buf_cstr(&line));
		rw_w_row_end(w);
	}
	rw_w_table_end(w);
	rw_buf_release(&line);
}
