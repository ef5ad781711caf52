/*
 * What the record does to an inventory, after the diff: the effect of each
 * status change on each asset (effects.c), and an affected asset as the one
 * row people see in a terminal, a report or a member's email (rows.c).
 *
 * Usage (what `regwatch diff --inventory` does):
 *     rw_effects fx;
 *     rc = rw_effects_run(ctx, reach, &inv, &changes, &since, &until, &fx);
 *     ...fx.v[i]: an asset some change affects, rw_effects_json_asset() / rw_effects_describe_asset()...
 *     rw_effects_release(&fx);        (before rw_reach_free)
 *
 * and for the rows of `check`, `report --inventory` and member messages:
 *     rw_asset_row h;
 *     rc = rw_asset_row_init(ctx, &h, &inv.v[chk.v[i].asset], &chk.v[i].reach, 0);
 *     ...h.site, h.asset_id, h.maker, h.vendor, h.matched_by, h.worst, h.statuses, h.note...
 *     rw_asset_row_release(&h);
 */
#ifndef REGWATCH_IMPACT_H
#define REGWATCH_IMPACT_H

#include <stddef.h>
#include "regwatch/core.h"
#include "regwatch/history.h"
#include "regwatch/inventory.h"
#include "regwatch/json.h"
#include "regwatch/state.h"

/* ---- What the changes do to an inventory ---- */

enum rw_effect_kind {
	RW_EFFECT_AFFECTS = 0, /* the change brings a status to the asset */
	RW_EFFECT_STOPS = 1,   /* the change takes a status away from it */
	RW_EFFECT_CHANGES = 2  /* a status still reaches it, with another word or other dates */
};
/* "affects", "stops-affecting", "changes". */
const char *rw_effect_name(int effect);

typedef struct rw_effect {
	size_t change;        /* index in the changes table */
	int kind;             /* RW_EFFECT_* */
	int possible;         /* the asset is matched to the change's vendor only possibly */
} rw_effect;

typedef struct rw_effects_asset {
	size_t asset;         /* index in the inventory */
	rw_asset_reach reach; /* what reaches it at the `until` point, on that day */
	rw_effect *v;         /* in the order of the changes table */
	size_t n;
	size_t cap;
} rw_effects_asset;

typedef struct rw_effects {
	rw_effects_asset *v;  /* assets some change affects, stops affecting or changes, inventory order */
	size_t n;
	size_t cap;
} rw_effects;

/*
 * For each status change (added, ended, changed, removed) in changes (as
 * rw_db_changes gives them): the assets whose statuses under that regime differ, on the
 * change's effective date, between the database as recorded at `since` and at `until`.
 * Inheritance (a parent's status reaching a subsidiary's chips) and use-limited regimes (the
 * asset's purpose) count as in `check`. A change whose interval was already over at `until`
 * affects nothing. out is initialised here; release it before rw_reach_free(r).
 */
int rw_effects_run(rw_ctx *ctx, rw_reach *r, const rw_inventory *inv, const rw_changes *changes,
		   const rw_point *since, const rw_point *until, rw_effects *out);
void rw_effects_release(rw_effects *fx);

/* One asset as a JSON object (SPEC.md "diff --json"): the fields of rw_asset_json_fields,
   plus "changes": the changes with their effect on it. */
void rw_effects_json_asset(rw_json *j, const rw_inventory *inv, const rw_changes *changes, const rw_effects_asset *ea);
/* Lines for people, one per effect, each starting with indent and ending in a newline:
   "CAM-1 (Depot, 4 units): affects: hikvision us.fcc-covered-list listed (run 2)". */
int rw_effects_describe_asset(rw_buf *out, const char *indent, const rw_inventory *inv, const rw_changes *changes,
			      const rw_effects_asset *ea);

/* ---- An affected asset as a row ---- */

/* An asset a status reaches, in the words every output shows. The const strings point into
   the asset and the reach (which must outlive the hit); the char * ones are owned. */
typedef struct rw_asset_row {
	const char *site;         /* "" when the asset has none */
	const char *asset_id;
	const char *maker;        /* the manufacturer, or the brand when no manufacturer is given */
	char *maker_brand;        /* "MANUFACTURER / BRAND", or whichever of the two is given */
	const char *model;
	long quantity;
	char quantity_text[24];   /* quantity in decimal */
	const char *vendor;       /* the vendor of the match shown */
	const char *matched_by;   /* rw_match_by_name of that match: "brand" */
	char matched_by_text[32]; /* the same, with " (possible)" when the match is only possible */
	int possible;             /* the match shown is only possible */
	int possible_only;        /* the applying statuses reach the asset only through possible matches */
	int worst;                /* rank of the most severe applying status (certain ones first), -1: none */
	char worst_text[32];      /* "prohibited", "possibly listed", or "" */
	char *statuses;           /* rw_reach_summary of the applying statuses */
	char *note;               /* the match's note, and "possible: the link is only claimed" */
} rw_asset_row;

/* The hit of asset a, showing its match `match` (0: the strongest; an index in ar->matches).
   0, or RW_ENOMEM (h is then empty); RW_ENOTFOUND when the asset has no such match. */
int rw_asset_row_init(rw_ctx *ctx, rw_asset_row *h, const rw_asset *a, const rw_asset_reach *ar, size_t match);
void rw_asset_row_release(rw_asset_row *h);

#endif
