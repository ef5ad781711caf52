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
