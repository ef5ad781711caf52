/* What changed between two points of the record, and what it does to an inventory. */
#include <stdlib.h>
#include <string.h>

#include "regwatch/diff.h"

int rw_diff_when(rw_ctx *ctx, const char *when, long *run, time_t *t)
{
	*run = -1;
	*t = (time_t)-1;
	if (when[0] == '#') {
		if (rw_parse_long(when + 1, 0, 999999999L, run) < 0 || when[1] < '0' || when[1] > '9')
			return rw_error(ctx, RW_EUSAGE, "'%s' is not a run number (#N)", when);
		return 0;
	}
	if (rw_when_parse(when, t) < 0)
		return rw_error(ctx, RW_EUSAGE,
				"'%s' is not a run (#N), a date (YYYY-MM-DD) or an instant (YYYY-MM-DDTHH:MM:SSZ)", when);
	return 0;
}

/* The point a WHEN argument names. */
static int resolve(rw_ctx *ctx, rw_db *db, const char *opt, const char *when, rw_point *out)
{
	long run;
	time_t t;
	int rc;

	rc = rw_diff_when(ctx, when, &run, &t);
	if (rc == 0)
		rc = run >= 0 ? rw_db_run_point(ctx, db, run, out) : rw_db_point_at(ctx, db, t, out);
	if (rc < 0)
		rw_error_prefix(ctx, rc, "%s", opt);
	return rc;
}

int rw_diff_points(rw_ctx *ctx, rw_db *db, const char *since_arg, const char *until_arg, rw_point *since,
		   rw_point *until)
{
	int rc;

	rc = until_arg ? resolve(ctx, db, "--until", until_arg, until) : rw_db_last_point(ctx, db, until);
	if (rc == 0 && since_arg)
		rc = resolve(ctx, db, "--since", since_arg, since);
	else if (rc == 0)
		rc = rw_db_run_point(ctx, db, until->run > 0 ? until->run - 1 : 0, since);
	if (rc == 0 && since->run > until->run)
		rc = rw_error(ctx, RW_EUSAGE, "--since (run #%ld) is after --until (run #%ld)", since->run, until->run);
	return rc;
}

int rw_diff_is_status_change(const rw_row *c)
{
	const char *k = c->f[RW_C_KIND];

	return c->f[RW_C_VENDOR][0] && (strcmp(k, "added") == 0 || strcmp(k, "ended") == 0 ||
					 strcmp(k, "changed") == 0 || strcmp(k, "removed") == 0);
}

/* " from SINCE until UNTIL" of an interval ("" parts left out). */
static int put_dates(rw_buf *out, const char *since, const char *until)
{
	int rc = 0;

	if (since[0])
		rc = rw_buf_printf(out, " from %s", since);
	if (rc == 0 && until[0])
		rc = rw_buf_printf(out, " until %s", until);
	return rc;
}

int rw_diff_describe(rw_buf *out, const rw_row *c)
{
	char *const *f = c->f;
	const char *kind = f[RW_C_KIND];
	int rc;

	if (f[RW_C_VENDOR][0])
		rc = rw_buf_printf(out, "%s: ", f[RW_C_VENDOR]);
	else
		rc = rw_buf_printf(out, "new entity '%s': ", f[RW_C_ENTITY]);
	if (rc < 0)
		return rc;
	if (strcmp(kind, "announcement") == 0) {
		rc = rw_buf_printf(out, "announcement%s%s: \"%s\" (%s, %s)", f[RW_C_EFFECTIVE][0] ? " of " : "",
				   f[RW_C_EFFECTIVE], f[RW_C_TITLE], f[RW_C_SOURCE], f[RW_C_EVIDENCE]);
		return rc;
	}
	rc = rw_buf_printf(out, "%s ", f[RW_C_REGIME]);
	if (rc == 0 && (strcmp(kind, "added") == 0 || strcmp(kind, "new-entity") == 0)) {
		rc = rw_buf_puts(out, f[RW_C_TO]);
		if (rc == 0)
			rc = put_dates(out, f[RW_C_SINCE][0] ? f[RW_C_SINCE] : f[RW_C_EFFECTIVE], f[RW_C_UNTIL]);
	} else if (rc == 0 && strcmp(kind, "ended") == 0) {
		rc = rw_buf_printf(out, "%s", f[RW_C_FROM]);
		if (rc == 0)
			rc = put_dates(out, f[RW_C_FROM_SINCE], "");
		if (rc == 0)
			rc = rw_buf_printf(out, " ended on %s", f[RW_C_EFFECTIVE]);
	} else if (rc == 0 && strcmp(kind, "unconfirmed-removal") == 0) {
		rc = rw_buf_printf(out, "%s still in force: dropped from '%s' on %s, removal not confirmed", f[RW_C_FROM],
				   f[RW_C_SOURCE], f[RW_C_EFFECTIVE]);
	} else if (rc == 0 && strcmp(kind, "evidence") == 0) {
		rc = rw_buf_printf(out, "%s unchanged, evidence changed", f[RW_C_TO]);
		if (rc == 0 && strcmp(f[RW_C_TITLE], "") != 0)
			rc = rw_buf_printf(out, ": %s", f[RW_C_TITLE]);
	} else if (rc == 0 && strcmp(kind, "removed") == 0) {
		rc = rw_buf_printf(out, "%s", f[RW_C_FROM]);
		if (rc == 0)
			rc = put_dates(out, f[RW_C_FROM_SINCE], f[RW_C_FROM_UNTIL]);
		if (rc == 0)
			rc = rw_buf_printf(out, " no longer given by '%s'", f[RW_C_SOURCE]);
	} else if (rc == 0) {
		int status = strcmp(f[RW_C_FROM], f[RW_C_TO]) != 0;
		int dates = strcmp(f[RW_C_FROM_SINCE], f[RW_C_SINCE]) != 0 || strcmp(f[RW_C_FROM_UNTIL], f[RW_C_UNTIL]) != 0;

		if (status)
			rc = rw_buf_printf(out, "%s -> %s", f[RW_C_FROM], f[RW_C_TO]);
		else
			rc = rw_buf_puts(out, f[RW_C_TO]);
		if (rc == 0 && dates) {
			rc = put_dates(out, f[RW_C_FROM_SINCE], f[RW_C_FROM_UNTIL]);
			if (rc == 0)
				rc = rw_buf_puts(out, " ->");
		}
		if (rc == 0)
			rc = put_dates(out, f[RW_C_SINCE], f[RW_C_UNTIL]);
		if (rc == 0 && !status && !dates)
			rc = rw_buf_printf(out, ", details changed%s%s", f[RW_C_TITLE][0] ? ": " : "", f[RW_C_TITLE]);
	}
	if (rc == 0)
		rc = rw_buf_printf(out, " (%s; %s%s%s)", kind, f[RW_C_SOURCE], f[RW_C_EVIDENCE][0] ? ", " : "",
				   f[RW_C_EVIDENCE]);
	return rc;
}

void rw_diff_json_change(rw_json *j, const rw_row *c)
{
	char *const *f = c->f;

	rw_json_object(j, NULL);
	rw_json_str(j, "kind", f[RW_C_KIND]);
	rw_json_str_or_null(j, "vendor", f[RW_C_VENDOR]);
	rw_json_str_or_null(j, "entity", f[RW_C_ENTITY]);
	rw_json_str_or_null(j, "regime", f[RW_C_REGIME]);
	rw_json_str_or_null(j, "from", f[RW_C_FROM]);
	rw_json_str_or_null(j, "to", f[RW_C_TO]);
	rw_json_str_or_null(j, "effective", f[RW_C_EFFECTIVE]);
	rw_json_str(j, "source", f[RW_C_SOURCE]);
	rw_json_str_or_null(j, "evidence", f[RW_C_EVIDENCE]);
	rw_json_str_or_null(j, "title", f[RW_C_TITLE]);
	rw_json_int(j, "run", strtol(f[RW_C_RUN], NULL, 10));
	rw_json_str(j, "recorded_at", f[RW_C_RECORDED_AT]);
	rw_json_str_or_null(j, "since", f[RW_C_SINCE]);
	rw_json_str_or_null(j, "until", f[RW_C_UNTIL]);
	rw_json_str_or_null(j, "from_since", f[RW_C_FROM_SINCE]);
	rw_json_str_or_null(j, "from_until", f[RW_C_FROM_UNTIL]);
	rw_json_end(j);
}

/* ------------------------------------------------------------------------------------- */
/* Effects on an inventory. */

const char *rw_effect_name(int effect)
{
	return effect == RW_EFFECT_AFFECTS ? "affects" : effect == RW_EFFECT_STOPS ? "stops-affecting" : "changes";
}

void rw_diff_assets_release(rw_diff_assets *da)
{
	size_t i;

	for (i = 0; i < da->n; i++) {
		rw_asset_reach_release(&da->v[i].reach);
		free(da->v[i].v);
	}
	free(da->v);
	memset(da, 0, sizeof(*da));
}

/* Whether reached status x is one change c is about: its regime and vendor, applying. */
static int relevant(const rw_reached *x, const rw_row *c)
{
	char *const *s = x->status->f;

	return !x->excluded && strcmp(s[RW_Q_REGIME], c->f[RW_C_REGIME]) == 0 &&
	       strcmp(s[RW_Q_VENDOR], c->f[RW_C_VENDOR]) == 0;
}

/* The next status of ar at or after *i that change c is about, or NULL. */
static const rw_reached *next_relevant(const rw_asset_reach *ar, size_t *i, const rw_row *c)
{
	for (; *i < ar->n; (*i)++)
		if (relevant(&ar->v[*i], c))
			return &ar->v[(*i)++];
	return NULL;
}

/* Effect of change c on an asset, from what reached it before and after: -1 for none. Both
   lists are in the same order, so the statuses the change is about compare in step. */
static int effect_of(const rw_asset_reach *before, const rw_asset_reach *after, const rw_row *c, int *possible)
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
static int affects_now(const rw_row *c, const char *until_day)
{
	const char *end = strcmp(c->f[RW_C_KIND], "removed") == 0 ? c->f[RW_C_FROM_UNTIL]
			  : strcmp(c->f[RW_C_KIND], "ended") == 0 ? ""
								   : c->f[RW_C_UNTIL];

	return rw_diff_is_status_change(c) && !(end[0] && strcmp(end, until_day) <= 0);
}

/* The change's date: its effective date, else the day of the `until` point. */
static const char *change_day(const rw_row *c, const char *fallback)
{
	return rw_date_valid(c->f[RW_C_EFFECTIVE]) ? c->f[RW_C_EFFECTIVE] : fallback;
}

static int add_effect(rw_diff_assets *out, size_t *slot, size_t asset, size_t change, int effect, int possible)
{
	rw_diff_asset *da;
	rw_diff_effect *e;

	if (slot[asset] == (size_t)-1) {
		if (out->n == out->cap) {
			size_t cap = out->cap ? out->cap * 2 : 16;
			rw_diff_asset *v = realloc(out->v, cap * sizeof(*v));

			if (v == NULL)
				return RW_ENOMEM;
			out->v = v;
			out->cap = cap;
		}
		memset(&out->v[out->n], 0, sizeof(out->v[0]));
		out->v[out->n].asset = asset;
		slot[asset] = out->n++;
	}
	da = &out->v[slot[asset]];
	if (da->n == da->cap) {
		size_t cap = da->cap ? da->cap * 2 : 4;
		rw_diff_effect *v = realloc(da->v, cap * sizeof(*v));

		if (v == NULL)
			return RW_ENOMEM;
		da->v = v;
		da->cap = cap;
	}
	e = &da->v[da->n++];
	e->change = change;
	e->effect = effect;
	e->possible = possible;
	return 0;
}

static int diff_asset_cmp(const void *pa, const void *pb)
{
	const rw_diff_asset *a = pa, *b = pb;

	return a->asset < b->asset ? -1 : a->asset > b->asset;
}

static int effect_cmp(const void *pa, const void *pb)
{
	const rw_diff_effect *a = pa, *b = pb;

	return a->change < b->change ? -1 : a->change > b->change;
}

int rw_diff_assets_run(rw_ctx *ctx, rw_reach *r, const rw_inventory *inv, const rw_table *changes,
		       const rw_point *since, const rw_point *until, rw_diff_assets *out)
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
		const char *d = change_day(&changes->v[i], until_day);

		if (!affects_now(&changes->v[i], until_day))
			continue;
		if (!rw_strvec_contains(&days, d))
			rc = rw_strvec_push(&days, d);
	}
	if (rc == 0 && days.n && inv->n && (slot = malloc(inv->n * sizeof(*slot))) == NULL)
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
		const char *d = change_day(&changes->v[i], until_day);

		for (k = 0; affects_now(&changes->v[i], until_day) && k < days.n; k++)
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
			for (i = 0; i < changes->n && rc == 0; i++) {
				int effect, possible = 0;

				if (day_of[i] != days.v[k])
					continue;
				effect = effect_of(&before, &after, &changes->v[i], &possible);
				if (effect >= 0 && add_effect(out, slot, a, i, effect, possible) < 0)
					rc = rw_error(ctx, RW_ENOMEM, "out of memory");
			}
			rw_asset_reach_release(&before);
			rw_asset_reach_release(&after);
		}
	}
	/* Inventory order, changes in record order, and what reaches each asset at the end. */
	if (rc == 0 && out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), diff_asset_cmp);
	for (i = 0; i < out->n && rc == 0; i++) {
		qsort(out->v[i].v, out->v[i].n, sizeof(*out->v[i].v), effect_cmp);
		rc = rw_reach_asset(ctx, r, &inv->v[out->v[i].asset], until_day, known_after, &out->v[i].reach);
	}
	free(slot);
	free(day_of);
	rw_strvec_release(&days);
	if (rc < 0)
		rw_diff_assets_release(out);
	return rc;
}

void rw_diff_json_asset(rw_json *j, const rw_inventory *inv, const rw_table *changes, const rw_diff_asset *da)
{
	size_t i;

	rw_json_object(j, NULL);
	rw_json_asset_fields(j, inv, &inv->v[da->asset], &da->reach);
	rw_json_array(j, "changes");
	for (i = 0; i < da->n; i++) {
		char *const *f = changes->v[da->v[i].change].f;

		rw_json_object(j, NULL);
		rw_json_str(j, "effect", rw_effect_name(da->v[i].effect));
		rw_json_raw(j, "possible", da->v[i].possible ? "true" : "false");
		rw_json_int(j, "run", strtol(f[RW_C_RUN], NULL, 10));
		rw_json_str(j, "kind", f[RW_C_KIND]);
		rw_json_str(j, "vendor", f[RW_C_VENDOR]);
		rw_json_str(j, "regime", f[RW_C_REGIME]);
		rw_json_str_or_null(j, "from", f[RW_C_FROM]);
		rw_json_str_or_null(j, "to", f[RW_C_TO]);
		rw_json_str_or_null(j, "effective", f[RW_C_EFFECTIVE]);
		rw_json_end(j);
	}
	rw_json_end(j);
	rw_json_end(j);
}

int rw_diff_describe_asset(rw_buf *out, const char *indent, const rw_inventory *inv, const rw_table *changes,
			   const rw_diff_asset *da)
{
	const rw_asset *a = &inv->v[da->asset];
	size_t i;
	int rc = 0;

	for (i = 0; i < da->n && rc == 0; i++) {
		const rw_diff_effect *e = &da->v[i];
		char *const *f = changes->v[e->change].f;
		const char *status = e->effect == RW_EFFECT_STOPS ? f[RW_C_FROM] : f[RW_C_TO];

		rc = rw_buf_printf(out, "%s%s (%s%s%ld unit%s): %s%s: %s %s %s (run %s)\n", indent, a->asset_id, a->site,
				   a->site[0] ? ", " : "", a->quantity, a->quantity == 1 ? "" : "s",
				   rw_effect_name(e->effect), e->possible ? " (possibly)" : "", f[RW_C_VENDOR],
				   f[RW_C_REGIME], status[0] ? status : f[RW_C_FROM], f[RW_C_RUN]);
	}
	return rc;
}
