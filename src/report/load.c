/* The report's data: what the database holds about every vendor, the sources, the list
   entries naming no vendor, the recent changes and the affected assets added by the caller. */
#include <stdlib.h>
#include <string.h>

#include "regwatch/dates.h"
#include "report/report_int.h"

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
	rw_changes_release(&r->changes);
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

/* The changes of the runs recorded within RW_REPORT_RECENT_DAYS days before now. */
static int recent_changes(rw_ctx *ctx, rw_report *r, rw_db *db)
{
	rw_point since, until;
	int rc;

	rc = rw_db_point_at(ctx, db, ctx->now - (time_t)RW_REPORT_RECENT_DAYS * 86400, &since);
	if (rc == 0)
		rc = rw_db_last_point(ctx, db, &until);
	if (rc == 0 && until.run > since.run)
		rc = rw_db_changes(ctx, db, since.run, until.run, &r->changes);
	return rc;
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
	if (rc == 0)
		rc = recent_changes(ctx, r, db);
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
