/*
 * Normalisation: names to vendors, and a source's records to state rows
 * (status intervals, unmatched entities, announcements).
 */
#ifndef REGWATCH_NORMALISE_H
#define REGWATCH_NORMALISE_H

#include <stddef.h>
#include "regwatch/config.h"
#include "regwatch/core.h"
#include "regwatch/names.h"
#include "regwatch/parse.h"
#include "regwatch/state.h"

/* The dictionary prepared for matching. */
typedef struct rw_matcher rw_matcher;

int rw_matcher_new(rw_ctx *ctx, rw_matcher **out, const rw_dict *dict);
void rw_matcher_free(rw_matcher *m);
/* The vendor a list entry's name denotes (legal names, aliases, affiliates), or NULL. */
const char *rw_match_entity(const rw_matcher *m, const char *name);
/* Adds to ids (sorted, unique) every vendor that text names by legal name or alias. */
int rw_match_mentions(const rw_matcher *m, const char *text, rw_strvec *ids);

typedef struct rw_norm_result {
	size_t records;     /* records the snapshot yielded for this source */
	size_t added;       /* intervals new in this snapshot */
	size_t ended;       /* open intervals whose removal this snapshot confirmed */
	size_t absent;      /* open intervals absent, removal not confirmed yet */
	size_t prev_open;   /* open intervals before */
	size_t announcements; /* new announcements */
	int quarantine;     /* 1: the snapshot looks wrong; state left unchanged */
	char reason[256];
} rw_norm_result;

/*
 * Applies one healthy snapshot of src to state (in place). Rows of other sources are
 * untouched. An interval the previous state had open and the snapshot no longer lists
 * stays open, with a row in state->absent (first and last day absent, how many days);
 * when src->remove_after (below 1: 1) healthy snapshots on different days have gone
 * without it, it ends on the first absence and its absence row goes. An entry listed
 * again before that loses its absence row and keeps its interval unbroken. A snapshot
 * with no list rows, or one newly losing more than src->max_drop of the open intervals
 * at once, is quarantined: state is left as it was and res->quarantine set.
 */
int rw_normalise_list(rw_ctx *ctx, const rw_matcher *m, const rw_source *src, const rw_records *recs,
		      const char *today, rw_state *state, rw_norm_result *res);

/* A healthy fetch of src whose document did not change: counts one more day of absence
   for each of its pending absences, ending those it confirms (res->ended, res->absent). */
int rw_normalise_unchanged(rw_ctx *ctx, const rw_source *src, const char *today, rw_state *state,
			   rw_norm_result *res);

/* Replaces the rows of source "baseline" with the curated events of regimes.conf. */
int rw_normalise_baseline(rw_ctx *ctx, const rw_dict *dict, const rw_regimes *regimes, rw_state *state);

#define RW_BASELINE_SOURCE "baseline"

#endif
