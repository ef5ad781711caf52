/* The report's timeline: inline SVG in HTML (a bar per status interval, a dot per
   announcement), a text chart of quarters in Markdown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regwatch/dates.h"
#include "report/report_int.h"

/* Timeline geometry, in pixels. */
#define TL_LABEL_W 300L
#define TL_CHART_W 720L
#define TL_RIGHT 30L
#define TL_TOP 28L
#define TL_LANE_H 12L
#define TL_ROW_PAD 4L
#define TL_MAX_LANES 16
#define MD_LABEL_MAX 48

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
	rw_w_raw(w, "<text class=\"label\" x=\"6\"");
	rw_w_attr_px(w, "y", y10);
	rw_w_raw(w, ">");
	rw_w_text(w, vendor);
	rw_w_raw(w, " \xC2\xB7 ");
	rw_w_text(w, what);
	rw_w_raw(w, "</text>\n");
}

static void svg_bar(writer *w, const axis *a, const rw_report_vendor *v, const rw_row *r, long y10)
{
	const status_style *st = rw_w_style_of(r->f[RW_Q_STATUS]);
	long x0 = axis_x(a, iv_start(a, r)), x1 = axis_x(a, iv_end(a, r));

	if (x1 - x0 < 20)
		x1 = x0 + 20; /* every interval stays visible, however short or early */
	rw_w_fmt(w, "<rect class=\"bar st-%s\" fill=\"%s\"", st->word, st->colour);
	rw_w_attr_px(w, "x", x0);
	rw_w_attr_px(w, "y", y10 + 10);
	rw_w_attr_px(w, "width", x1 - x0);
	rw_w_fmt(w, " height=\"%ld\" rx=\"2\"", TL_LANE_H - 2);
	rw_w_attr(w, "data-vendor", v->id);
	rw_w_attr(w, "data-regime", r->f[RW_Q_REGIME]);
	rw_w_attr(w, "data-status", r->f[RW_Q_STATUS]);
	rw_w_attr(w, "data-since", r->f[RW_Q_SINCE]);
	rw_w_attr(w, "data-until", r->f[RW_Q_UNTIL]);
	rw_w_attr(w, "data-source", r->f[RW_Q_SOURCE]);
	rw_w_raw(w, "><title>");
	rw_w_text(w, r->f[RW_Q_REGIME]);
	rw_w_raw(w, ": ");
	rw_w_text(w, r->f[RW_Q_STATUS]);
	rw_w_raw(w, " from ");
	rw_w_cell(w, r->f[RW_Q_SINCE]);
	rw_w_raw(w, r->f[RW_Q_UNTIL][0] ? " until " : " (open)");
	rw_w_text(w, r->f[RW_Q_UNTIL]);
	rw_w_raw(w, ", source ");
	rw_w_text(w, r->f[RW_Q_SOURCE]);
	rw_w_raw(w, "</title></rect>\n");
}

static void svg_marker(writer *w, const axis *a, const rw_report_vendor *v, const rw_row *an, long y10)
{
	long d = rw_date_days(an->f[RW_A_DATE]);

	if (d < a->from || d > a->today)
		return;
	rw_w_raw(w, "<circle class=\"ann\" fill=\"#222222\" r=\"4\"");
	rw_w_attr_px(w, "cx", axis_x(a, d));
	rw_w_attr_px(w, "cy", y10 + 10 * TL_LANE_H / 2 + 10);
	rw_w_attr(w, "data-vendor", v->id);
	rw_w_attr(w, "data-date", an->f[RW_A_DATE]);
	rw_w_raw(w, "><title>");
	rw_w_text(w, an->f[RW_A_DATE]);
	rw_w_raw(w, ": ");
	rw_w_text(w, an->f[RW_A_TITLE]);
	rw_w_raw(w, " (");
	rw_w_text(w, an->f[RW_A_SOURCE]);
	rw_w_raw(w, ")</title></circle>\n");
}

void rw_report_section_timeline_svg(writer *w, const rw_report *r)
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
			rw_w_fmt(&rows, "<line class=\"sep\" stroke=\"#999999\" x1=\"0\" x2=\"%ld\"", width);
			rw_w_attr_px(&rows, "y1", y10);
			rw_w_attr_px(&rows, "y2", y10);
			rw_w_raw(&rows, "/>\n");
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
			rw_w_fmt(&rows, "<g class=\"row\" data-row=\"%zu\">\n", nrows++);
			svg_label(&rows, y10 + 5 * n * TL_LANE_H + 40, v->id, v->intervals.v[first].f[RW_Q_REGIME]);
			for (k = first; k < last; k++)
				svg_bar(&rows, &a, v, &v->intervals.v[k], y10 + lane[k - first] * TL_LANE_H * 10);
			rw_w_raw(&rows, "</g>\n");
			y10 += (n * TL_LANE_H + TL_ROW_PAD) * 10;
		}
		if (v->anns.n) {
			rw_w_fmt(&rows, "<g class=\"row\" data-row=\"%zu\">\n", nrows++);
			svg_label(&rows, y10 + 5 * TL_LANE_H + 40, v->id, "announcements");
			for (k = 0; k < v->anns.n; k++)
				svg_marker(&rows, &a, v, &v->anns.v[k], y10);
			rw_w_raw(&rows, "</g>\n");
			y10 += (TL_LANE_H + TL_ROW_PAD) * 10;
		}
	}
	if (nrows == 0) {
		rw_w_raw(&rows, "<text x=\"6\"");
		rw_w_attr_px(&rows, "y", y10 + 140);
		rw_w_raw(&rows, ">No status interval recorded.</text>\n");
		y10 += 200;
	}
	if (rows.rc != 0) {
		w->rc = rows.rc;
		goto out;
	}
	rows_h = y10 - TL_TOP * 10;
	legend_y = y10 + 120;
	height = legend_y / 10 + 40;

	rw_w_heading(w, 2, "timeline", "Timeline");
	rw_w_raw(w, "<p class=\"note\">One row per vendor and regime, a bar per status interval (overlapping "
		    "intervals from different sources are stacked) and a dot per announcement, from " RW_REPORT_FROM
		    " to today. Point at a bar or a dot for its dates and source.</p>\n");
	rw_w_fmt(w, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"timeline-svg\" role=\"img\" "
		    "aria-labelledby=\"timeline-title\" width=\"%ld\" height=\"%ld\" viewBox=\"0 0 %ld %ld\" "
		    "font-family=\"sans-serif\" font-size=\"11\">\n",
		 width, height, width, height);
	rw_w_fmt(w, "<title id=\"timeline-title\">Status intervals per vendor and regime, %s to %s</title>\n",
		 RW_REPORT_FROM, r->today);
	rw_w_fmt(w, "<rect x=\"0\" y=\"0\" width=\"%ld\" height=\"%ld\" fill=\"#ffffff\"/>\n", width, height);
	for (year = 2016; year < 10000; year++) {
		char iso[RW_DATE_LEN];
		long d, x;

		snprintf(iso, sizeof(iso), "%04ld-01-01", year);
		d = rw_date_days(iso);
		if (d < 0 || d > a.today)
			break;
		x = axis_x(&a, d);
		rw_w_raw(w, "<line class=\"grid\" stroke=\"#dddddd\"");
		rw_w_attr_px(w, "x1", x);
		rw_w_fmt(w, " y1=\"%ld\"", TL_TOP - 6);
		rw_w_attr_px(w, "x2", x);
		rw_w_attr_px(w, "y2", TL_TOP * 10 + rows_h);
		rw_w_raw(w, "/>\n<text class=\"year\"");
		rw_w_attr_px(w, "x", x + 20);
		rw_w_fmt(w, " y=\"%ld\">%ld</text>\n", TL_TOP - 10, year);
	}
	if (w->rc == 0)
		w->rc = rw_buf_append(w->b, rowbuf.data ? rowbuf.data : "", rowbuf.len);
	rw_w_raw(w, "<line class=\"today\" stroke=\"#000000\" stroke-dasharray=\"3 2\"");
	rw_w_attr_px(w, "x1", axis_x(&a, a.today));
	rw_w_fmt(w, " y1=\"%ld\"", TL_TOP - 6);
	rw_w_attr_px(w, "x2", axis_x(&a, a.today));
	rw_w_attr_px(w, "y2", TL_TOP * 10 + rows_h);
	rw_w_raw(w, "/>\n");
	/* The legend. */
	rw_w_fmt(w, "<g class=\"legend\" transform=\"translate(6 %ld)\">\n", legend_y / 10);
	for (k = 0; k < rw_report_nstyles; k++)
		rw_w_fmt(w, "<rect class=\"swatch st-%s\" fill=\"%s\" x=\"%zu\" y=\"0\" width=\"14\" height=\"10\" "
			    "rx=\"2\"/><text x=\"%zu\" y=\"9\">%s</text>\n",
			 rw_report_styles[k].word, rw_report_styles[k].colour, k * 110, k * 110 + 18,
			 rw_report_styles[k].word);
	rw_w_fmt(w, "<rect class=\"swatch st-other\" fill=\"%s\" x=\"%zu\" y=\"0\" width=\"14\" height=\"10\" "
		    "rx=\"2\"/><text x=\"%zu\" y=\"9\">other status</text>\n",
		 rw_report_other_style.colour, rw_report_nstyles * 110, rw_report_nstyles * 110 + 18);
	rw_w_fmt(w, "<circle class=\"ann\" fill=\"#222222\" r=\"4\" cx=\"7\" cy=\"25\"/>"
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
	rw_w_fmt(w, "%-*s ", (int)width, label);
}

/* The Markdown picture: one column per quarter, the most severe status in force during it. */
void rw_report_section_timeline_md(writer *w, const rw_report *r)
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

	rw_w_heading(w, 2, "timeline", "Timeline");
	rw_w_raw(w, "One row per vendor and regime, one column per quarter from " RW_REPORT_FROM
		    " to today: the most severe status in force at any time in the quarter.\n\n```text\n");
	/* Every other year named, every year ticked. */
	rw_w_fmt(w, "%-*s ", (int)label_w, "");
	for (q = 0; q < nq; q += 8)
		rw_w_fmt(w, "%-8ld", 2016 + (long)q / 4);
	rw_w_fmt(w, "\n%-*s ", (int)label_w, "");
	for (q = 0; q < nq; q += 4)
		rw_w_raw(w, "|   ");
	rw_w_raw(w, "\n");
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
						rank = (int)rw_report_nstyles;
					if (rank < best_rank) {
						best_rank = rank;
						best = rw_w_style_of(iv->f[RW_Q_STATUS]);
					}
				}
				rw_w_fmt(w, "%c", best ? best->letter : '.');
			}
			rw_w_raw(w, "\n");
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
				rw_w_fmt(w, "%c", mark);
			}
			rw_w_raw(w, "\n");
		}
	}
	rw_w_raw(w, "```\n\nLegend: ");
	for (k = 0; k < rw_report_nstyles; k++)
		rw_w_fmt(w, "`%c` %s, ", rw_report_styles[k].letter, rw_report_styles[k].word);
	rw_w_fmt(w, "`%c` another status, `.` none; `*` on a vendor's announcements row: an announcement.\n",
		 rw_report_other_style.letter);
}
