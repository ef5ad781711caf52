/* Resolving the curated baseline against live lists: which intervals are in force on a date. */
#include <string.h>

#include "history/history_int.h"
#include "regwatch/history.h"

static int in_force(const rw_row *r, const char *d)
{
	return r->f[RW_Q_SINCE][0] && strcmp(r->f[RW_Q_SINCE], d) <= 0 &&
	       (!r->f[RW_Q_UNTIL][0] || strcmp(r->f[RW_Q_UNTIL], d) > 0);
}

static int is_baseline(const rw_row *r)
{
	return strcmp(r->f[RW_Q_SOURCE], "baseline") == 0;
}

static int same_regime_status(const rw_row *a, const rw_row *b)
{
	return strcmp(a->f[RW_Q_REGIME], b->f[RW_Q_REGIME]) == 0 && strcmp(a->f[RW_Q_VIA], b->f[RW_Q_VIA]) == 0 &&
	       strcmp(a->f[RW_Q_STATUS], b->f[RW_Q_STATUS]) == 0;
}

/* A live interval a healthy list dropped (removal not confirmed) whose status a dated
   baseline event of the same regime ended by d: the removal needs no more confirmation. */
static int removal_dated(const rw_table *all, const rw_row *l, const char *d)
{
	size_t k;

	if (!l->f[RW_Q_DROPPED_FROM][0])
		return 0;
	for (k = 0; k < all->n; k++) {
		const rw_row *b = &all->v[k];

		if (is_baseline(b) && same_regime_status(b, l) && b->f[RW_Q_UNTIL][0] &&
		    strcmp(b->f[RW_Q_UNTIL], d) <= 0 && strcmp(b->f[RW_Q_UNTIL], l->f[RW_Q_SINCE]) > 0)
			return 1;
	}
	return 0;
}

/*
 * Where the curated baseline and a live list give the same status under the same regime:
 * the start date is the baseline's (a legal effective date beats a list's publication
 * date), and the end is the live list's (a vendor a healthy list dropped is no longer
 * listed, whatever the baseline said). A live interval the list dropped without the
 * removal being confirmed stays in force, unless a dated baseline event ended the status.
 * all: every interval known; out: those in force on d.
 */
int rw_resolve_on(rw_ctx *ctx, const rw_table *all, const char *d, rw_table *out)
{
	size_t i, k;

	for (i = 0; i < all->n; i++) {
		const rw_row *r = &all->v[i];
		int keep = in_force(r, d);

		if (!keep || (!is_baseline(r) && removal_dated(all, r, d)))
			continue;
		if (is_baseline(r)) {
			/* Superseded by a live row of the same status: in force (merged below) or ended. */
			for (k = 0; k < all->n && keep; k++) {
				const rw_row *l = &all->v[k];

				if (is_baseline(l) || !same_regime_status(r, l))
					continue;
				if (in_force(l, d) || (l->f[RW_Q_UNTIL][0] && strcmp(l->f[RW_Q_UNTIL], d) <= 0 &&
						       strcmp(l->f[RW_Q_SINCE], r->f[RW_Q_SINCE]) >= 0))
					keep = 0;
			}
			if (keep && rw_table_add_row(out, r) < 0)
				return rw_error(ctx, RW_ENOMEM, "out of memory");
			continue;
		}
		if (rw_table_add_row(out, r) < 0)
			return rw_error(ctx, RW_ENOMEM, "out of memory");
		/* The earliest baseline start of the same status that reaches this interval. */
		for (k = 0; k < all->n; k++) {
			const rw_row *b = &all->v[k];
			rw_row *o = &out->v[out->n - 1];

			if (!is_baseline(b) || !same_regime_status(b, r) || !b->f[RW_Q_SINCE][0] ||
			    strcmp(b->f[RW_Q_SINCE], o->f[RW_Q_SINCE]) >= 0 ||
			    (b->f[RW_Q_UNTIL][0] && strcmp(b->f[RW_Q_UNTIL], r->f[RW_Q_SINCE]) < 0))
				continue;
			rw_str_replace(&o->f[RW_Q_SINCE], rw_strdup(b->f[RW_Q_SINCE]));
			rw_str_replace(&o->f[RW_Q_NOTE], rw_asprintf("start date from the curated baseline: %s (%s)",
								     b->f[RW_Q_NOTE], b->f[RW_Q_EVIDENCE]));
			if (o->f[RW_Q_SINCE] == NULL || o->f[RW_Q_NOTE] == NULL)
				return rw_error(ctx, RW_ENOMEM, "out of memory");
		}
	}
	return 0;
}
