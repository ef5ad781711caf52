/* What changes do to an inventory: for each status change, the assets it brings a status to,
   takes one from, or changes one of. */
#include <stdlib.h>
#include <string.h>

#include "regwatch/array.h"
#include "regwatch/dates.h"
#include "regwatch/diff.h"
#include "regwatch/impact.h"

/* The changes are read only through these accessors. */
typedef rw_change change_t;

static const change_t *change_at(const rw_changes *changes, size_t i)
{
	return &changes->v[i];
}

static const char *ch_kind(const change_t *c)
{
	return c->kind;
}

static const char *ch_vendor(const change_t *c)
{
	return c->event.vendor;
}

static const char *ch_regime(const change_t *c)
{
	return c->event.regime;
}

static const char *ch_from(const change_t *c)
{
	return c->from;
}

static const char *ch_to(const change_t *c)
{
	return c->to;
}

static const char *ch_effective(const change_t *c)
{
	return c->effective;
}

/* The end of the interval the change recorded ("" when open), or of the one it replaced. */
static const char *ch_until(const change_t *c)
{
	return c->event.until ? c->event.until : "";
}

static const char *ch_from_until(const change_t *c)
{
	return c->from_until;
}

/* The run that recorded it. */
static long ch_run(const change_t *c)
{
	return c->run;
}

static int ch_is_status_change(const change_t *c)
{
	return rw_change_is_status(c);
}

const char *rw_effect_name(int effect)
{
	return effect == RW_EFFECT_AFFECTS ? "affects" : effect == RW_EFFECT_STOPS ? "stops-affecting" : "changes";
}

void rw_effects_release(rw_effects *fx)
{
	size_t i;

	for (i = 0; i < fx->n; i++) {
		rw_asset_reach_release(&fx->v[i].reach);
		free(fx->v[i].v);
	}
	free(fx->v);
	memset(fx, 0, sizeof(*fx));
}

/* Whether reached status x is one change c is about: its regime and vendor, applying. */
static int relevant(const rw_reached *x, const change_t *c)
{
	char *const *s = x->status->f;

	return !x->excluded && strcmp(s[RW_Q_REGIME], ch_regime(c)) == 0 && strcmp(s[RW_Q_VENDOR], ch_vendor(c)) == 0;
}

/* The next status of ar at or after *i that change c is about, or NULL. */
static const rw_reached *next_relevant(const rw_asset_reach *ar, size_t *i, const change_t *c)
{
	for (; *i < ar->n; (*i)++)
		if (relevant(&ar->v[*i], c))
			return &ar->v[(*i)++];
	return NULL;
}

/* Effect of change c on an asset, from what reached it before and after: -1 for none. Both
   lists are in the same order, so the statuses the change is about compare in step. */
static int effect_of(const rw_asset_reach *before, const rw_asset_reach *after, const change_t *c, int *possible)
{
	size_t i = 0, j = 0, nb = 0, na = 0;
	const rw_reached *b, *a;
	int pb = 1, pa = 1, same = 1;

	for (;;) {
		b = next_relevant(before, &i, c);
		a = next_relevant(after, &j, c);
		if (b == NULL && a == NULL)
			break;
		if (b) {
			nb++;
			pb &= before->matches.v[b->match].possible;
		}
		if (a) {
			na++;
			pa &= after->matches.v[a->match].possible;
		}
		if (a == NULL || b == NULL || strcmp(a->status->f[RW_Q_STATUS], b->status->f[RW_Q_STATUS]) != 0 ||
		    strcmp(a->status->f[RW_Q_SINCE], b->status->f[RW_Q_SINCE]) != 0 ||
		    strcmp(a->status->f[RW_Q_UNTIL], b->status->f[RW_Q_UNTIL]) != 0)
			same = 0;
	}
	if (na && !nb) {
		*possible = pa;
		return RW_EFFECT_AFFECTS;
	}
	if (nb && !na) {
		*possible = pb;
		return RW_EFFECT_STOPS;
	}
	if (na && !same) {
		*possible = pa;
		return RW_EFFECT_CHANGES;
	}
	return -1;
}

/* 1 when change c can affect assets at the `until` point: a status change whose interval was
   not already over by then (ZTE's Entity List listing of 2016-2017, recorded today, affects no
   asset now). */
static int affects_now(const change_t *c, const char *until_day)
{
	const char *end = strcmp(ch_kind(c), "removed") == 0 ? ch_from_until(c)
			  : strcmp(ch_kind(c), "ended") == 0  ? ""
							       : ch_until(c);

	return ch_is_status_change(c) && !(end[0] && strcmp(end, until_day) <= 0);
}

/* The change's date: its effective date, else the day of the `until` point. */
static const char *change_day(const change_t *c, const char *fallback)
{
	return rw_date_valid(ch_effective(c)) ? ch_effective(c) : fallback;
}

static int add_effect(rw_effects *out, size_t *slot, size_t asset, size_t change, int kind, int possible)
{
	rw_effects_asset *ea;
	rw_effect *e;

	if (slot[asset] == (size_t)-1) {
		if (rw_array_grow((void **)&out->v, &out->cap, out->n + 1, sizeof(*out->v)) < 0)
			return RW_ENOMEM;
		memset(&out->v[out->n], 0, sizeof(out->v[0]));
		out->v[out->n].asset = asset;
		slot[asset] = out->n++;
	}
	ea = &out->v[slot[asset]];
	if (rw_array_grow((void **)&ea->v, &ea->cap, ea->n + 1, sizeof(*ea->v)) < 0)
		return RW_ENOMEM;
	e = &ea->v[ea->n++];
	e->change = change;
	e->kind = kind;
	e->possible = possible;
	return 0;
}

static int effects_asset_cmp(const void *pa, const void *pb)
{
	const rw_effects_asset *a = pa, *b = pb;

	return a->asset < b->asset ? -1 : a->asset > b->asset;
}

static int effect_cmp(const void *pa, const void *pb)
{
	const rw_effect *a = pa, *b = pb;

	return a->change < b->change ? -1 : a->change > b->change;
}

int rw_effects_run(rw_ctx *ctx, rw_reach *r, const rw_inventory *inv, const rw_changes *changes,
		   const rw_point *since, const rw_point *until, rw_effects *out)
{
	char until_day[RW_DATE_LEN];
	time_t known_before = 0, known_after = ctx->now;
	size_t *slot = NULL, i, k, a;
	rw_strvec days = RW_STRVEC_INIT;
	const char **day_of = NULL; /* each change's day, or NULL when it affects no asset now */
	int rc = 0;

	memset(out, 0, sizeof(*out));
	/* Before the first run nothing was known: the epoch precedes every recorded run. */
	if (since->run > 0 && rw_instant_parse(since->at, &known_before) < 0)
		return rw_error(ctx, RW_EDATA, "run #%ld: bad instant '%s'", since->run, since->at);
	if (until->run > 0 && rw_instant_parse(until->at, &known_after) < 0)
		return rw_error(ctx, RW_EDATA, "run #%ld: bad instant '%s'", until->run, until->at);
	rw_date_from_time(known_after, until_day);
	if (changes->n && (day_of = calloc(changes->n, sizeof(*day_of))) == NULL)
		rc = RW_ENOMEM;
	for (i = 0; i < changes->n && rc == 0; i++) {
		const change_t *c = change_at(changes, i);
		const char *d = change_day(c, until_day);

		if (affects_now(c, until_day) && !rw_strvec_contains(&days, d))
			rc = rw_strvec_push(&days, d);
	}
	if (rc == 0 && days.n && inv->n && (slot = calloc(inv->n, sizeof(*slot))) == NULL)
		rc = RW_ENOMEM;
	if (rc < 0) {
		rw_strvec_release(&days);
		free(day_of);
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	}
	for (a = 0; slot && a < inv->n; a++)
		slot[a] = (size_t)-1;
	rw_strvec_sort(&days);
	/* Each change's day, as one of the strings of days (compared by address below). */
	for (i = 0; i < changes->n; i++) {
		const change_t *c = change_at(changes, i);
		const char *d = change_day(c, until_day);

		for (k = 0; affects_now(c, until_day) && k < days.n; k++)
			if (strcmp(days.v[k], d) == 0)
				day_of[i] = days.v[k];
	}
	/* One pass over the inventory per day a change takes effect. */
	for (k = 0; k < days.n && rc == 0; k++) {
		for (a = 0; a < inv->n && rc == 0; a++) {
			rw_asset_reach before, after;

			rc = rw_reach_asset(ctx, r, &inv->v[a], days.v[k], known_after, &after);
			if (rc < 0)
				break;
			if (after.matches.n == 0) {
				rw_asset_reach_release(&after);
				continue;
			}
			rc = rw_reach_asset(ctx, r, &inv->v[a], days.v[k], known_before, &before);
			if (rc < 0) {
				rw_asset_reach_release(&after);
				break;
			}
			for (i = 0; i < changes->n && rc == 0; i++) {
				int kind, possible = 0;

				if (day_of[i] != days.v[k])
					continue;
				kind = effect_of(&before, &after, change_at(changes, i), &possible);
				if (kind >= 0 && add_effect(out, slot, a, i, kind, possible) < 0)
					rc = rw_error(ctx, RW_ENOMEM, "out of memory");
			}
			rw_asset_reach_release(&before);
			rw_asset_reach_release(&after);
		}
	}
	/* Inventory order, changes in record order, and what reaches each asset at the end. */
	if (rc == 0 && out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), effects_asset_cmp);
	for (i = 0; i < out->n && rc == 0; i++) {
		qsort(out->v[i].v, out->v[i].n, sizeof(*out->v[i].v), effect_cmp);
		rc = rw_reach_asset(ctx, r, &inv->v[out->v[i].asset], until_day, known_after, &out->v[i].reach);
	}
	free(slot);
	free(day_of);
	rw_strvec_release(&days);
	if (rc < 0)
		rw_effects_release(out);
	return rc;
}

void rw_effects_json_asset(rw_json *j, const rw_inventory *inv, const rw_changes *changes, const rw_effects_asset *ea)
{
	size_t i;

	rw_json_object(j, NULL);
	rw_asset_json_fields(j, inv, &inv->v[ea->asset], &ea->reach);
	rw_json_array(j, "changes");
	for (i = 0; i < ea->n; i++) {
		const change_t *c = change_at(changes, ea->v[i].change);

		rw_json_object(j, NULL);
		rw_json_str(j, "effect", rw_effect_name(ea->v[i].kind));
		rw_json_raw(j, "possible", ea->v[i].possible ? "true" : "false");
		rw_json_int(j, "run", ch_run(c));
		rw_json_str(j, "kind", ch_kind(c));
		rw_json_str(j, "vendor", ch_vendor(c));
		rw_json_str(j, "regime", ch_regime(c));
		rw_json_str_or_null(j, "from", ch_from(c));
		rw_json_str_or_null(j, "to", ch_to(c));
		rw_json_str_or_null(j, "effective", ch_effective(c));
		rw_json_end(j);
	}
	rw_json_end(j);
	rw_json_end(j);
}

int rw_effects_describe_asset(rw_buf *out, const char *indent, const rw_inventory *inv, const rw_changes *changes,
			      const rw_effects_asset *ea)
{
	const rw_asset *a = &inv->v[ea->asset];
	size_t i;
	int rc = 0;

	for (i = 0; i < ea->n && rc == 0; i++) {
		const rw_effect *e = &ea->v[i];
		const change_t *c = change_at(changes, e->change);
		const char *status = e->kind == RW_EFFECT_STOPS ? ch_from(c) : ch_to(c);

		rc = rw_buf_printf(out, "%s%s (%s%s%ld unit%s): %s%s: %s %s %s (run %ld)\n", indent, a->asset_id, a->site,
				   a->site[0] ? ", " : "", a->quantity, a->quantity == 1 ? "" : "s",
				   rw_effect_name(e->kind), e->possible ? " (possibly)" : "", ch_vendor(c), ch_regime(c),
				   status[0] ? status : ch_from(c), ch_run(c));
	}
	return rc;
}
