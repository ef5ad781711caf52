/*
 * Inventories (asset registers, SPEC.md "Inventory CSV") and what reaches each
 * asset: the vendors an asset is matched to (by manufacturer, brand/OEM, model
 * prefix or chipset, through the dictionary db/vendors.conf), and the statuses
 * in force for those vendors, limited by the asset's purpose where a regime
 * applies only to some uses (the FCC wording on public safety and critical
 * infrastructure).
 *
 * src/impact/: inventory.c reads, match.c matches, scope.c knows the use-limited
 * regimes, reach.c finds the statuses, check.c checks a whole inventory, json.c
 * writes assets as JSON. What changes do to an inventory, and the rows people
 * see for an affected asset, are in regwatch/impact.h.
 *
 * Usage (what `regwatch check` does):
 *     rw_inventory inv;
 *     rw_reach *reach = NULL;
 *     rw_check chk;
 *     rw_inventory_init(&inv);
 *     rc = rw_inventory_load(ctx, &inv, "assets.csv");     (bad rows: inv.problems)
 *     rc = rw_reach_new(ctx, &reach, db, &dict);
 *     rc = rw_check_run(ctx, reach, &inv, "2026-11-29", (time_t)-1, &chk);
 *     ...chk.v[i]: an asset something reaches, rw_asset_json() / rw_reach_summary()...
 *     rw_check_release(&chk);
 *     rw_reach_free(reach);          (after every rw_check and rw_asset_reach using it)
 *     rw_inventory_release(&inv);
 */
#ifndef REGWATCH_INVENTORY_H
#define REGWATCH_INVENTORY_H

#include <stddef.h>
#include <time.h>
#include "regwatch/config.h"
#include "regwatch/core.h"
#include "regwatch/dates.h"
#include "regwatch/history.h"
#include "regwatch/json.h"
#include "regwatch/state.h"

#define RW_INVENTORY_MAX_BYTES ((size_t)256 << 20) /* largest inventory file read */

/* One asset (one row). Strings are never NULL ("" when empty); read by rw_inventory_parse,
   they share one allocation owned by the inventory. */
typedef struct rw_asset {
	long line;           /* first physical line of the row in the file */
	char *asset_id;
	char *site;
	char *manufacturer;
	char *brand;
	char *model;
	char *chipset;
	char *installed;     /* YYYY-MM-DD or "" */
	char *purpose;
	char *notes;
	long quantity;       /* default 1 */
	rw_strvec extra;     /* values of the columns regwatch does not know, as inv->extra_names */
} rw_asset;

typedef struct rw_inventory {
	char *name;          /* the file name used in messages */
	rw_asset *v;
	size_t n;
	size_t cap;
	rw_strvec extra_names; /* header names of the other columns, in file order */
	rw_strvec problems;  /* "NAME:LINE: reason", one per skipped row or warning, in file order */
	size_t skipped;      /* rows skipped as bad */
} rw_inventory;

void rw_inventory_init(rw_inventory *inv);
void rw_inventory_release(rw_inventory *inv);

/*
 * Reads an inventory from memory (name is used in messages). A bad row (CSV syntax, no
 * asset_id, a duplicate asset_id, a bad quantity or installed date, a wrong number of
 * fields) is recorded in inv->problems and skipped; the other rows are still read. Every
 * string of the inventory is valid UTF-8: a file that is UTF-8 is taken as it is, any other
 * is read as Windows-1252, a spreadsheet's legacy export (with one warning in problems, at
 * the line of the first byte that is not UTF-8). Fails only for a file that is not an
 * inventory at all: no header, or no asset_id column (RW_EDATA, "NAME:1: ...").
 */
int rw_inventory_parse(rw_ctx *ctx, rw_inventory *inv, const char *name, const char *data, size_t len);
/* Reads the file at path (RW_EIO when it cannot be read). */
int rw_inventory_load(rw_ctx *ctx, rw_inventory *inv, const char *path);

/* ---- Matching assets to vendors ---- */

/* How an asset was matched, strongest first. */
enum rw_match_by { RW_BY_MANUFACTURER = 0, RW_BY_BRAND, RW_BY_OEM, RW_BY_MODEL, RW_BY_CHIPSET };
/* "manufacturer", "brand", "oem", "model", "chipset". */
const char *rw_match_by_name(int by);

typedef struct rw_asset_match {
	const char *vendor;   /* vendor id (owned by the dictionary) */
	int by;               /* RW_BY_* */
	const char *column;   /* the asset's column that matched: manufacturer, brand, model, chipset */
	const char *name;     /* the dictionary's name, brand, prefix or chipset (owned by the dictionary) */
	int possible;         /* 1: the only evidence is claimed: possible, never certain */
	const char *evidence; /* link evidence URL (owned by the dictionary), or NULL */
	char *note;           /* owned: how the link holds ("brand of hikvision", dates of a link) */
} rw_asset_match;

#define RW_ASSET_MAX_MATCHES 64 /* vendors one asset is matched to, at most */

typedef struct rw_asset_matches {
	rw_asset_match *v;    /* one per vendor, strongest first */
	size_t n;
	size_t cap;
} rw_asset_matches;

void rw_asset_matches_release(rw_asset_matches *ms);

typedef struct rw_asset_matcher rw_asset_matcher;

/* Prepares the dictionary for matching; dict must outlive the matcher. */
int rw_asset_matcher_new(rw_ctx *ctx, rw_asset_matcher **out, const rw_dict *dict);
void rw_asset_matcher_free(rw_asset_matcher *m);

/*
 * The vendors asset a is matched to. Names (manufacturer and brand columns) are compared
 * after normalisation (case, punctuation, accents, company suffixes), as whole words:
 * a vendor's names, aliases, affiliates and brands anywhere in the text, claimed brands
 * and links only as the whole text. Model prefixes count only when the asset names no
 * manufacturer or brand. Chipsets are compared as part numbers ("HiSilicon Hi3516 EV300"
 * is 3516EV300). A time-bounded link ([link] in vendors.conf) holds when the asset's
 * installed date, or `on` for an asset without one, is inside its window.
 * out is appended to (release it before reuse). The matcher caches results: not thread-safe.
 */
int rw_asset_match_vendors(rw_ctx *ctx, rw_asset_matcher *m, const rw_asset *a, const char *on,
			   rw_asset_matches *out);

/* ---- Use-limited regimes ---- */

/* The uses the FCC's use-limited entries name. */
#define RW_LIMITED_USES                                                                              \
	"public safety, security of government facilities, physical security surveillance of critical " \
	"infrastructure or other national security purposes"

/* 1 when a status note limits it to uses ("to the extent used for ...", "for the listed purposes only"). */
int rw_scope_is_limited(const char *note);
/* Whether an asset's purpose is one of those uses: 1 yes, 0 no, -1 not stated ("", "unknown"). */
int rw_purpose_in_scope(const char *purpose);

/* ---- Statuses reaching assets ---- */

/* A status that reaches an asset. */
typedef struct rw_reached {
	const rw_row *status; /* RW_Q_* columns (rw_db_status), owned by the rw_reach */
	size_t match;         /* index in the asset's matches of the vendor it came through */
	int rank;             /* rw_status_rank of its status (99 for an unknown word) */
	int conditional;      /* the regime applies only to some uses and the asset states no purpose */
	int excluded;         /* the regime applies only to some uses and the asset's purpose is not one */
} rw_reached;

typedef struct rw_asset_reach {
	rw_asset_matches matches;
	rw_reached *v;        /* most severe first; statuses reaching through several vendors once */
	size_t n;
	size_t cap;
} rw_asset_reach;

void rw_asset_reach_release(rw_asset_reach *ar);
/* Statuses that apply (not excluded), counting possible matches or not. */
size_t rw_asset_reach_count(const rw_asset_reach *ar, int certain_only);
/* Rank (rw_status_rank) of the most severe applying status, -1 when none. */
int rw_asset_reach_worst(const rw_asset_reach *ar, int certain_only);
/* 1 when applying statuses reach the asset only through possible matches. */
int rw_asset_reach_possible_only(const rw_asset_reach *ar);
/* People's summary of the statuses that apply: "prohibited: us.ndaa-889; listed:
   us.fcc-covered-list (if used for the listed purposes)", each vendor's prefixed with
   "VENDOR: " (and separated by " | ") when several vendors reach the asset. */
int rw_reach_summary(const rw_asset_reach *ar, rw_buf *out);

/* Statuses of the vendors in the database, cached, plus the dictionary's matcher. */
typedef struct rw_reach rw_reach;

/* db and dict must outlive the rw_reach. */
int rw_reach_new(rw_ctx *ctx, rw_reach **out, rw_db *db, const rw_dict *dict);
void rw_reach_free(rw_reach *r);

/* What reaches asset a on date `on` as recorded by `known` ((time_t)-1: now). A vendor of
   the dictionary that the database does not know yet has no statuses. out is initialised
   here; release it with rw_asset_reach_release (before rw_reach_free). */
int rw_reach_asset(rw_ctx *ctx, rw_reach *r, const rw_asset *a, const char *on, time_t known,
		   rw_asset_reach *out);

/* ---- Checking an inventory ---- */

typedef struct rw_check_item {
	size_t asset;         /* index in the inventory */
	rw_asset_reach reach;
} rw_check_item;

typedef struct rw_check_site {
	char *site;           /* "" for assets without a site */
	size_t assets;
	size_t affected;
	long units;
	long units_affected;
} rw_check_site;

typedef struct rw_check {
	char on[RW_DATE_LEN];
	rw_check_item *v;     /* assets a status reaches (certainly or possibly), inventory order */
	size_t n;
	size_t assets;        /* assets checked */
	size_t affected;      /* assets a status reaches through a certain match */
	size_t possible;      /* assets statuses reach only through possible matches */
	long units;
	long units_affected;
	rw_check_site *sites; /* sorted by site */
	size_t nsites;
} rw_check;

/* Checks every asset of inv on date `on` as recorded by `known`. */
int rw_check_run(rw_ctx *ctx, rw_reach *r, const rw_inventory *inv, const char *on, time_t known, rw_check *out);
void rw_check_release(rw_check *c);
/* 1 when an asset is reached, through a certain match, by a status at rank `rank` or more severe. */
int rw_check_fails(const rw_check *c, int rank);

/* ---- Assets as JSON (SPEC.md "check --json") ---- */

/* One asset as a JSON object: its columns, vendor and matched_by of the strongest match,
   every match, the statuses that apply and those its purpose excludes, its other columns. */
void rw_asset_json(rw_json *j, const rw_inventory *inv, const rw_asset *a, const rw_asset_reach *ar);
/* The fields of one asset object, for callers that add members before closing it. */
void rw_asset_json_fields(rw_json *j, const rw_inventory *inv, const rw_asset *a, const rw_asset_reach *ar);
/* One reached status as a JSON object: the status fields of SPEC.md (regime, jurisdiction,
   status, since, until, via, source, evidence, recorded_at) plus the matched vendor it came
   through, matched_by, possible, and condition ("applies if used for ..." or null). */
void rw_asset_json_reached(rw_json *j, const rw_asset_reach *ar, const rw_reached *s);
/* Takes the document written so far (len bytes at data) to its destination; 0, or a negative
   RW_E* code that stops the document. */
typedef int (*rw_asset_json_sink)(void *arg, const char *data, size_t len);

#define RW_ASSET_JSON_CHUNK ((size_t)1 << 20) /* bytes handed to a sink at a time, about */

/* The document of `check --json`: on, inventory (the name given), the assets a status
   reaches, the summary with totals by site, and the inventory's problems. With a sink, the
   document is handed to it (and j's buffer emptied) each time the buffer passes
   RW_ASSET_JSON_CHUNK bytes, so memory does not grow with the inventory; what is left is
   in the buffer at the end. A sink's failure is j->rc. sink may be NULL. */
void rw_asset_json_check(rw_json *j, const char *inventory, const rw_inventory *inv, const rw_check *chk,
			 rw_asset_json_sink sink, void *arg);

#endif
