/*
 * What changed: the changes every run recorded (kinds added, ended, changed,
 * removed, announcement, new-entity), read back between two points of the
 * record, described for people and written as JSON (SPEC.md "diff --json").
 * Nothing here fetches: everything comes from the history database. What the
 * changes do to an inventory is the impact layer's (regwatch/impact.h).
 *
 * A point is "after run N" (run 0: before the first run). WHEN arguments name
 * a point: "#N", a date YYYY-MM-DD (the end of that UTC day) or an RFC 3339
 * instant (the last run recorded at or before it).
 *
 * Usage:
 *     rw_point since, until;
 *     rw_changes changes = {0};
 *     rc = rw_diff_points(ctx, db, since_arg, until_arg, &since, &until);
 *     rc = rw_db_changes(ctx, db, since.run, until.run, &changes);
 *     ...rw_diff_describe(&out, &changes.v[i]) or rw_diff_json_change(&j, &changes.v[i])...
 *     rw_changes_release(&changes);
 *
 * rw_diff_describe and rw_diff_json_change are the only wording and the only JSON
 * shape of a change: the terminal, diff, email, webhook and report all use them.
 */
#ifndef REGWATCH_DIFF_H
#define REGWATCH_DIFF_H

#include <stddef.h>
#include <time.h>
#include "regwatch/core.h"
#include "regwatch/dates.h"
#include "regwatch/history.h"
#include "regwatch/json.h"
#include "regwatch/state.h"

/* Parses a WHEN argument: "#N" sets *run (and *t = -1), a date or an instant sets *t
   (and *run = -1). RW_EUSAGE with a message naming the text otherwise. */
int rw_diff_when(rw_ctx *ctx, const char *when, long *run, time_t *t);

/* The points of a diff. until_arg NULL: the last run. since_arg NULL: the run before
   `until` (so the default is the last run's changes). RW_EUSAGE for a bad WHEN or a since
   after until, RW_ENOTFOUND for a run number that was never recorded. */
int rw_diff_points(rw_ctx *ctx, rw_db *db, const char *since_arg, const char *until_arg, rw_point *since,
		   rw_point *until);

/* One line for people (no newline): "hikvision: us.fcc-covered-list listed from 2021-03-12
   (added; fcc-covered-list, https://...)". The date after "from" (or "ended on", or
   "announcement of") is always the change's effective date. */
int rw_diff_describe(rw_buf *out, const rw_change *change);

/* One change as a JSON object (SPEC.md "changes", with the Revision 2 fields): kind, vendor,
   vendor_name, entity, regime, regime_title, jurisdiction, provision, from, to, status,
   effective, source, evidence, evidence_kind, confidence, grounds, title, run (a number),
   recorded_at, since, until, from_since, from_until; null for what does not apply. */
void rw_diff_json_change(rw_json *j, const rw_change *change);

/* 1 for the kinds that change a vendor's statuses (added, ended, changed, removed). */
int rw_diff_is_status_change(const rw_change *change);

#endif
