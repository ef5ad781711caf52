/* Statuses reaching assets: each matched vendor's statuses on a day, as recorded at an instant
   (cached per vendor, day and instant), limited by the asset's purpose. */
#include <stdlib.h>
#include <string.h>

#include "regwatch/array.h"
#include "regwatch/history.h"
#include "regwatch/inventory.h"
#include "regwatch/normalise.h"

typedef struct vendor_statuses {
	const char *vendor;   /* owned by the dictionary */
	char on[RW_DATE_LEN];
	time_t known;
	rw_table t;           /* RW_Q_NCOLS, most severe first, then by regime, since and source */
	unsigned char *limited;
	int *rank;
} vendor_statuses;

struct rw_reach {
	rw_db *db;
	const rw_dict *dict;
	rw_asset_matcher *matcher;
	rw_table notes;       /* RW_BN_NCOLS */
	vendor_statuses *v;   /* few: vendors matched x days x clocks asked */
	size_t n, cap;
	rw_strvec unknown;    /* vendors the database does not know (warned once) */
};

int rw_reach_new(rw_ctx *ctx, rw_reach **out, rw_db *db, const rw_dict *dict)
{
	rw_reach *r = calloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	if (r == NULL)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	r->db = db;
	r->dict = dict;
	rw_table_init(&r->notes, RW_BN_NCOLS);
	rc = rw_asset_matcher_new(ctx, &r->matcher, dict);
	if (rc == 0)
		rc = rw_db_baseline_notes(ctx, db, &r->notes);
	if (rc < 0) {
		rw_reach_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void rw_reach_free(rw_reach *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		rw_table_release(&r->v[i].t);
		free(r->v[i].limited);
		free(r->v[i].rank);
	}
	free(r->v);
	rw_table_release(&r->notes);
	rw_strvec_release(&r->unknown);
	rw_asset_matcher_free(r->matcher);
	free(r);
}

/* Whether a status is limited to uses: its own note says so, or (a live list's row, whose
   text regwatch does not keep) every curated baseline entry of the same vendor, regime and
   status says so. */
static int status_limited(const rw_reach *r, const rw_row *s)
{
	size_t i, seen = 0, limited = 0;

	if (rw_scope_is_limited(s->f[RW_Q_NOTE]))
		return 1;
	if (strcmp(s->f[RW_Q_SOURCE], RW_BASELINE_SOURCE) == 0)
		return 0;
	for (i = 0; i < r->notes.n; i++) {
		char *const *f = r->notes.v[i].f;

		if (strcmp(f[RW_BN_VENDOR], s->f[RW_Q_VENDOR]) != 0 || strcmp(f[RW_BN_REGIME], s->f[RW_Q_REGIME]) != 0 ||
		    strcmp(f[RW_BN_STATUS], s->f[RW_Q_STATUS]) != 0)
			continue;
		seen++;
		limited += (size_t)rw_scope_is_limited(f[RW_BN_NOTE]);
	}
	return seen > 0 && limited == seen;
}

static int rank_of(const rw_row *r)
{
	int k = rw_status_rank(r->f[RW_Q_STATUS]);

	return k < 0 ? 99 : k;
}

/* The order of statuses reaching an asset: most severe first, then regime, since, source. */
static int status_order(const void *pa, const void *pb)
{
	const rw_row *a = pa, *b = pb;
	int c = rank_of(a) - rank_of(b);

	if (c == 0)
		c = strcmp(a->f[RW_Q_REGIME], b->f[RW_Q_REGIME]);
	if (c == 0)
		c = strcmp(a->f[RW_Q_SINCE], b->f[RW_Q_SINCE]);
	if (c == 0)
		c = strcmp(a->f[RW_Q_SOURCE], b->f[RW_Q_SOURCE]);
	if (c == 0)
		c = strcmp(a->f[RW_Q_ENTITY], b->f[RW_Q_ENTITY]);
	return c;
}

static int vendor_statuses_get(rw_ctx *ctx, rw_reach *r, const char *vendor, const char *on, time_t known,
			       const vendor_statuses **out)
{
	vendor_statuses *vs;
	size_t i;
	int rc;

	/* Vendor ids are the dictionary's strings: compared by address first. */
	for (i = r->n; i-- > 0;) {
		vs = &r->v[i];
		if ((vs->vendor == vendor || strcmp(vs->vendor, vendor) == 0) && vs->known == known &&
		    strcmp(vs->on, on) == 0) {
			*out = vs;
			return 0;
		}
	}
	rc = rw_array_grow((void **)&r->v, &r->cap, r->n + 1, sizeof(*r->v));
	if (rc < 0)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	vs = &r->v[r->n];
	memset(vs, 0, sizeof(*vs));
	vs->vendor = vendor;
	snprintf(vs->on, sizeof(vs->on), "%s", on);
	vs->known = known;
	rw_table_init(&vs->t, RW_Q_NCOLS);
	rc = rw_db_status(ctx, r->db, vendor, on, known, &vs->t);
	if (rc == RW_ENOTFOUND) {
		/* A vendor of the dictionary that no run has recorded yet. */
		if (!rw_strvec_contains(&r->unknown, vendor)) {
			rw_log(ctx, RW_LOG_WARN, "vendor '%s' is not in the database yet: run 'regwatch update'", vendor);
			rc = rw_strvec_push(&r->unknown, vendor);
		} else {
			rc = 0;
		}
		rw_clear_error(ctx);
	}
	if (rc == 0 && vs->t.n > 1)
		qsort(vs->t.v, vs->t.n, sizeof(vs->t.v[0]), status_order);
	if (rc == 0 && vs->t.n &&
	    ((vs->limited = calloc(vs->t.n, 1)) == NULL || (vs->rank = calloc(vs->t.n, sizeof(int))) == NULL))
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
	for (i = 0; rc == 0 && i < vs->t.n; i++) {
		vs->limited[i] = (unsigned char)status_limited(r, &vs->t.v[i]);
		vs->rank[i] = rank_of(&vs->t.v[i]);
	}
	if (rc < 0) {
		rw_table_release(&vs->t);
		free(vs->limited);
		free(vs->rank);
		return rc;
	}
	r->n++;
	*out = vs;
	return 0;
}

void rw_asset_reach_release(rw_asset_reach *ar)
{
	rw_asset_matches_release(&ar->matches);
	free(ar->v);
	memset(ar, 0, sizeof(*ar));
}

/* The same interval reaching through two vendors (a parent's status inherited by a matched child). */
static int same_interval(const rw_row *a, const rw_row *b)
{
	static const int cols[] = {RW_Q_REGIME, RW_Q_STATUS, RW_Q_SOURCE, RW_Q_ENTITY, RW_Q_SINCE, RW_Q_VENDOR};
	size_t i;

	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		if (strcmp(a->f[cols[i]], b->f[cols[i]]) != 0)
			return 0;
	return 1;
}

static int reached_cmp(const rw_reached *a, const rw_reached *b, const rw_asset_reach *ar)
{
	int c = a->excluded - b->excluded;

	if (c == 0)
		c = ar->matches.v[a->match].possible - ar->matches.v[b->match].possible;
	if (c == 0)
		c = a->rank - b->rank;
	if (c == 0)
		c = strcmp(a->status->f[RW_Q_REGIME], b->status->f[RW_Q_REGIME]);
	if (c == 0)
		c = strcmp(a->status->f[RW_Q_SINCE], b->status->f[RW_Q_SINCE]);
	if (c == 0)
		c = strcmp(a->status->f[RW_Q_SOURCE], b->status->f[RW_Q_SOURCE]);
	if (c == 0)
		c = (int)a->match - (int)b->match;
	return c;
}

int rw_reach_asset(rw_ctx *ctx, rw_reach *r, const rw_asset *a, const char *on, time_t known, rw_asset_reach *out)
{
	const vendor_statuses *vs[RW_ASSET_MAX_MATCHES];
	size_t i, k, j, total = 0, nm;
	int rc, scope = -2;

	memset(out, 0, sizeof(*out));
	rc = rw_asset_match_vendors(ctx, r->matcher, a, on, &out->matches);
	nm = out->matches.n < RW_ASSET_MAX_MATCHES ? out->matches.n : RW_ASSET_MAX_MATCHES;
	for (i = 0; i < nm && rc == 0; i++) {
		vs[i] = NULL;
		rc = vendor_statuses_get(ctx, r, out->matches.v[i].vendor, on, known, &vs[i]);
		total += vs[i] ? vs[i]->t.n : 0;
	}
	/* Room for every status of every vendor matched, at once: no asset has many. */
	if (rc == 0 && total && (out->v = calloc(total, sizeof(*out->v))) == NULL)
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
	if (rc == 0)
		out->cap = total;
	for (i = 0; i < nm && rc == 0; i++) {
		size_t before = out->n;

		for (k = 0; vs[i] && k < vs[i]->t.n; k++) {
			const rw_row *s = &vs[i]->t.v[k];
			rw_reached *x;

			/* Only statuses of other vendors can be the same interval. */
			for (j = 0; j < before && !same_interval(out->v[j].status, s); j++)
				;
			if (j < before)
				continue;
			/* The purpose counts only for a status limited to some uses: read it once, then. */
			if (vs[i]->limited[k] && scope == -2)
				scope = rw_purpose_in_scope(a->purpose);
			x = &out->v[out->n++];
			x->status = s;
			x->match = i;
			x->rank = vs[i]->rank[k];
			x->conditional = vs[i]->limited[k] && scope < 0;
			x->excluded = vs[i]->limited[k] && scope == 0;
		}
	}
	/* Most severe first (insertion sort: a few dozen at most). */
	for (i = 1; rc == 0 && i < out->n; i++) {
		rw_reached x = out->v[i];

		for (j = i; j > 0 && reached_cmp(&x, &out->v[j - 1], out) < 0; j--)
			out->v[j] = out->v[j - 1];
		out->v[j] = x;
	}
	if (rc < 0)
		rw_asset_reach_release(out);
	return rc;
}

size_t rw_asset_reach_count(const rw_asset_reach *ar, int certain_only)
{
	size_t i, n = 0;

	for (i = 0; i < ar->n; i++)
		if (!ar->v[i].excluded && !(certain_only && ar->matches.v[ar->v[i].match].possible))
			n++;
	return n;
}

int rw_asset_reach_worst(const rw_asset_reach *ar, int certain_only)
{
	size_t i;
	int worst = -1;

	for (i = 0; i < ar->n; i++) {
		int k = ar->v[i].rank;

		if (ar->v[i].excluded || (certain_only && ar->matches.v[ar->v[i].match].possible) || k > 4)
			continue;
		if (worst < 0 || k < worst)
			worst = k;
	}
	return worst;
}

int rw_asset_reach_possible_only(const rw_asset_reach *ar)
{
	return rw_asset_reach_count(ar, 1) == 0 && rw_asset_reach_count(ar, 0) > 0;
}

/* The next applying status of match mi at or after i, or ar->n. */
static size_t next_of(const rw_asset_reach *ar, size_t mi, size_t i)
{
	while (i < ar->n && (ar->v[i].excluded || ar->v[i].match != mi))
		i++;
	return i;
}

/* Appends a, b and c (a summary is written for every asset reached: no formatting). */
static int put3(rw_buf *out, const char *a, const char *b, const char *c)
{
	int rc = rw_buf_puts(out, a);

	if (rc == 0)
		rc = rw_buf_puts(out, b);
	if (rc == 0)
		rc = rw_buf_puts(out, c);
	return rc;
}

int rw_reach_summary(const rw_asset_reach *ar, rw_buf *out)
{
	size_t mi, i, j, vendors = 0;
	int rc = 0, first_vendor = 1;

	for (mi = 0; mi < ar->matches.n; mi++)
		vendors += next_of(ar, mi, 0) < ar->n;
	/* Per vendor reached: "status: regime, regime; status: regime". A match's applying statuses
	   are in (rank, regime) order, so each regime of a status word is one run of entries. */
	for (mi = 0; mi < ar->matches.n && rc == 0; mi++) {
		int last_rank = -1;

		for (i = next_of(ar, mi, 0); i < ar->n && rc == 0; i = j) {
			const rw_reached *x = &ar->v[i];
			int conditional = 1;

			for (j = i; j < ar->n && ar->v[j].rank == x->rank &&
				    strcmp(ar->v[j].status->f[RW_Q_REGIME], x->status->f[RW_Q_REGIME]) == 0;
			     j = next_of(ar, mi, j + 1))
				conditional &= ar->v[j].conditional;
			if (last_rank < 0 && vendors > 1)
				rc = put3(out, first_vendor ? "" : " | ", ar->matches.v[mi].vendor,
					  ar->matches.v[mi].possible ? " (possible): " : ": ");
			if (rc == 0 && x->rank != last_rank)
				rc = put3(out, last_rank < 0 ? "" : "; ", x->status->f[RW_Q_STATUS], ": ");
			else if (rc == 0)
				rc = rw_buf_puts(out, ", ");
			if (rc == 0)
				rc = put3(out, x->status->f[RW_Q_REGIME],
					  conditional ? " (if used for the listed purposes)" : "", "");
			last_rank = x->rank;
			first_vendor = 0;
		}
	}
	return rc;
}

