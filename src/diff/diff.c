/* What changed between two points of the record: the points, and each change for people and as JSON. */
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

int rw_diff_is_status_change(const rw_change *c)
{
	return rw_change_is_status(c);
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

/* The words of a status change after "REGIME ". Every date it names is the change's own
   (effective) or an end of the interval it is about. */
static int describe_status(rw_buf *out, const rw_change *c)
{
	const char *kind = c->kind;
	int rc;

	if (strcmp(kind, "added") == 0 || strcmp(kind, "new-entity") == 0) {
		rc = rw_buf_puts(out, c->to);
		if (rc == 0)
			rc = put_dates(out, c->effective, c->event.until);
	} else if (strcmp(kind, "ended") == 0) {
		rc = rw_buf_puts(out, c->from);
		if (rc == 0)
			rc = put_dates(out, c->from_since[0] ? c->from_since : c->event.since, "");
		if (rc == 0)
			rc = rw_buf_printf(out, " ended on %s", c->effective[0] ? c->effective : "a date not given");
	} else if (strcmp(kind, "unconfirmed-removal") == 0) {
		rc = rw_buf_printf(out, "%s still in force: dropped from '%s' on %s, removal not confirmed", c->from,
				   c->event.source, c->effective);
	} else if (strcmp(kind, "evidence") == 0) {
		rc = rw_buf_printf(out, "%s unchanged, evidence changed", c->to);
		if (rc == 0 && c->title[0])
			rc = rw_buf_printf(out, ": %s", c->title);
	} else if (strcmp(kind, "removed") == 0) {
		rc = rw_buf_puts(out, c->from);
		if (rc == 0)
			rc = put_dates(out, c->from_since, c->from_until);
		if (rc == 0)
			rc = rw_buf_printf(out, " no longer given by '%s'", c->event.source);
	} else {
		int status = strcmp(c->from, c->to) != 0;
		int dates = strcmp(c->from_since, c->effective) != 0 || strcmp(c->from_until, c->event.until) != 0;

		rc = status ? rw_buf_printf(out, "%s -> %s", c->from, c->to) : rw_buf_puts(out, c->to);
		if (rc == 0 && dates) {
			rc = put_dates(out, c->from_since, c->from_until);
			if (rc == 0)
				rc = rw_buf_puts(out, " ->");
		}
		if (rc == 0)
			rc = put_dates(out, c->effective, c->event.until);
		if (rc == 0 && !status && !dates)
			rc = rw_buf_printf(out, ", details changed%s%s", c->title[0] ? ": " : "", c->title);
	}
	return rc;
}

int rw_diff_describe(rw_buf *out, const rw_change *c)
{
	const rw_event *e = &c->event;
	int rc;

	if (e->vendor[0])
		rc = rw_buf_printf(out, "%s: ", e->vendor);
	else
		rc = rw_buf_printf(out, "new entity '%s': ", e->entity);
	if (rc < 0)
		return rc;
	if (strcmp(c->kind, "announcement") == 0)
		return rw_buf_printf(out, "announcement%s%s: \"%s\" (%s%s%s)", c->effective[0] ? " of " : "",
				     c->effective, c->title, e->source, e->evidence[0] ? ", " : "", e->evidence);
	rc = rw_buf_printf(out, "%s%s%s ", e->regime, e->provision[0] ? " " : "", e->provision);
	if (rc == 0)
		rc = describe_status(out, c);
	if (rc == 0)
		rc = rw_buf_printf(out, " (%s; %s%s%s)", c->kind, e->source, e->evidence[0] ? ", " : "", e->evidence);
	return rc;
}

void rw_diff_json_change(rw_json *j, const rw_change *c)
{
	const rw_event *e = &c->event;

	rw_json_object(j, NULL);
	rw_json_str(j, "kind", c->kind);
	rw_json_str_or_null(j, "vendor", e->vendor);
	rw_json_str_or_null(j, "vendor_name", c->vendor_name);
	rw_json_str_or_null(j, "entity", e->entity);
	rw_json_str_or_null(j, "regime", e->regime);
	rw_json_str_or_null(j, "regime_title", c->regime_title);
	rw_json_str_or_null(j, "jurisdiction", c->jurisdiction);
	rw_json_str_or_null(j, "provision", e->provision);
	rw_json_str_or_null(j, "from", c->from);
	rw_json_str_or_null(j, "to", c->to);
	rw_json_str_or_null(j, "status", e->status);
	rw_json_str_or_null(j, "effective", c->effective);
	rw_json_str(j, "source", e->source);
	rw_json_str_or_null(j, "evidence", e->evidence);
	rw_json_str_or_null(j, "evidence_kind", e->evidence_kind);
	rw_json_str_or_null(j, "confidence", e->confidence);
	rw_json_raw(j, "grounds", "null");
	rw_json_str_or_null(j, "title", c->title);
	rw_json_int(j, "run", c->run);
	rw_json_str(j, "recorded_at", c->recorded_at);
	rw_json_str_or_null(j, "since", e->since);
	rw_json_str_or_null(j, "until", e->until);
	rw_json_str_or_null(j, "from_since", c->from_since);
	rw_json_str_or_null(j, "from_until", c->from_until);
	rw_json_end(j);
}
