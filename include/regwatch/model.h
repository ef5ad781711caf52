/*
 * The record's vocabulary, shared by every stage: what a source is, the vendor
 * dictionary, the regimes and their curated events, the status words and the
 * document formats. config/ fills these from the configuration files; every
 * other stage reads them. Nothing here does I/O.
 */
#ifndef REGWATCH_MODEL_H
#define REGWATCH_MODEL_H

#include <stddef.h>
#include "regwatch/core.h"

typedef struct rw_source {
	char *name;          /* [source "NAME"] */
	char *url;           /* http://, https:// or file:// */
	char *format;        /* html-table, rss, atom, xml, csv */
	char *regime;        /* regime whose statuses this source yields, or NULL */
	char *table_header;  /* html-table: header text that identifies the table */
	rw_strvec list_regimes; /* "LIST=REGIME": rows whose list starts with LIST yield REGIME (listRegime) */
	char *status;        /* status word recorded for list rows (default "listed") */
	int enabled;         /* default 1 */
	size_t max_bytes;    /* body cap, default 8 MiB (maxBytes) */
	double max_drop;     /* share of records that may vanish at once, default 0.5 (maxDrop) */
	long remove_after;   /* healthy snapshots without an entry before it ends, default 3 (removeAfter) */
	long max_age_days;   /* no success within this many days: stale, default 7 (maxAge) */
	long timeout_ms;     /* total transfer timeout, default 60000 (timeout) */
} rw_source;

/* A vendor of the dictionary ([vendor "ID"]). */
typedef struct rw_vendor {
	char *id;            /* lower case id: hikvision */
	char *name;          /* display (legal) name */
	char *parent;        /* parent vendor id or NULL */
	rw_strvec names;     /* legal names as the lists spell them (legalName, multi-valued) */
	rw_strvec aliases;   /* other names and short forms (alias) */
	rw_strvec brands;    /* own brands and OEM relabellers (brand) */
	rw_strvec affiliates; /* subsidiaries/affiliates that are not vendors of their own (affiliate) */
	rw_strvec chipsets;  /* chipset part-number prefixes (chipset) */
	rw_strvec models;    /* model-number prefixes (modelPrefix) */
	/* Links whose only evidence is "claimed" (forum posts, code comments, shop
	   listings, inference): a match on them is possible, never certain. */
	rw_strvec claimed_brands;   /* claimedBrand */
	rw_strvec claimed_chipsets; /* claimedChipset */
	rw_strvec claimed_models;   /* claimedModelPrefix */
} rw_vendor;

/*
 * A time-bounded relationship between a vendor and a company or brand
 * ([link "SLUG"]): a former subsidiary, a brand sold on, a relabeller that
 * stopped. Dates are YYYY-MM-DD, YYYY-MM or YYYY; until is exclusive and
 * either may be NULL (open or unknown).
 */
typedef struct rw_link {
	char *id;            /* the section's subsection: lorex */
	char *vendor;        /* vendor id (a vendor of the same file) */
	rw_strvec names;     /* names of the company or brand (name, multi-valued) */
	char *kind;          /* subsidiary, affiliate, brand, oem, white-label, successor */
	char *since;
	char *until;
	char *confidence;    /* verified, corroborated, claimed */
	char *evidence;      /* URL */
	char *note;
} rw_link;

typedef struct rw_dict {
	char *path;
	rw_vendor *vendors;
	size_t n;
	rw_link *links;
	size_t nlinks;
} rw_dict;

void rw_dict_release(rw_dict *d);
const rw_vendor *rw_dict_find(const rw_dict *d, const char *id);

typedef struct rw_regime {
	char *id;            /* us.ndaa-889 */
	char *jurisdiction;  /* US, UK, EU */
	char *title;
	char *instrument;
	char *evidence;
	int covers_affiliates;
} rw_regime;

/*
 * An event: a status of a vendor (or of an entity the dictionary does not
 * know) under a regime, from a date. The curated baseline ([event "SLUG"],
 * config/) and the record (a change's subject, history/) both speak of events
 * this way. Strings are owned; a field that does not apply is NULL in the
 * baseline and "" in the record.
 */
typedef struct rw_event {
	char *id;            /* the baseline section's subsection: ndaa-889a-hikvision */
	char *vendor;        /* vendor id */
	char *entity;        /* the name as the source spells it (record only) */
	char *regime;
	char *provision;     /* the regime's provision, e.g. 889(a)(1)(B) */
	char *status;
	char *since;         /* YYYY-MM-DD: when the status takes effect */
	char *until;         /* YYYY-MM-DD or NULL (exclusive) */
	char *citation;      /* instrument and document numbers */
	char *evidence;      /* URL */
	char *confidence;    /* H, M, L */
	char *evidence_kind; /* primary (a regulator's own page) or secondary (record only) */
	char *source;        /* the source that gave it (record only) */
	char *note;
} rw_event;

/* Frees every string of e and zeroes it. */
void rw_event_release(rw_event *e);

typedef struct rw_regimes {
	char *path;
	rw_regime *regimes;
	size_t nregimes;
	rw_event *events;
	size_t nevents;
} rw_regimes;

void rw_regimes_release(rw_regimes *r);
const rw_regime *rw_regimes_find(const rw_regimes *r, const char *id);

/* Status words, most severe first; returns the rank (0 = most severe) or -1. */
int rw_status_rank(const char *status);
/* The status word of rank `rank`, or NULL. */
const char *rw_status_word(int rank);

/* 1 for the document formats regwatch can parse: html-table, rss, atom, xml, csv. */
int rw_format_known(const char *format);

/*
 * An interval of the record: what one source said of one row under one regime,
 * valid from since to until (exclusive), known from the run that recorded it
 * until the run that superseded it. Strings are owned, "" when absent.
 */
typedef struct rw_interval {
	rw_event event;       /* vendor, entity, regime, status, since, until, evidence, source, note */
	char *ref;            /* the row's identity within its source and regime */
	long recorded_run;
	long superseded_run;  /* 0: still current */
} rw_interval;

/*
 * A change the record holds: what one run found different. `event` is what the
 * change is about: for added, changed and new-entity the interval the run
 * recorded; for ended the interval with its new end; for removed the interval
 * that went away; for an announcement its vendor, date (since), title (note),
 * URL (evidence) and source. `effective` is the change's own date, read from
 * the change itself: added, changed, new-entity: the new interval's since;
 * ended: its until; announcement: its date; removed: "". Strings are owned and
 * never NULL ("" when absent).
 */
typedef struct rw_change {
	long run;             /* the run that recorded it */
	char *recorded_at;    /* that run's instant */
	char *kind;           /* added, ended, changed, removed, announcement, new-entity */
	rw_event event;
	char *from;           /* status before ("" for added, new-entity, announcement) */
	char *to;             /* status after ("" for ended, removed, announcement) */
	char *effective;
	char *from_since;     /* the interval it replaced (changed, ended, removed) */
	char *from_until;
	char *title;          /* announcement title, or the interval's note */
	char *vendor_name;    /* the dictionary's display name, "" when unknown */
	char *regime_title;
	char *jurisdiction;   /* the regime's, or for an announcement the evidence host's */
	int affiliates;       /* the regime covers affiliates */
} rw_change;

typedef struct rw_changes {
	rw_change *v;
	size_t n;
	size_t cap;
} rw_changes;

void rw_change_release(rw_change *c);
void rw_changes_release(rw_changes *cs);
/* A new zeroed change at the end of cs (its strings still NULL), or NULL when out of memory. */
rw_change *rw_changes_push(rw_changes *cs);
/* 1 for the kinds that change a vendor's statuses (added, ended, changed, removed). */
int rw_change_is_status(const rw_change *c);

/*
 * An asset that changes reach: one row of a member's inventory and the vendor
 * it was matched to. Strings are owned, "" when absent.
 */
typedef struct rw_asset_hit {
	char *site;
	char *asset;          /* asset id */
	char *manufacturer;   /* manufacturer, else brand */
	char *model;
	long quantity;
	char *vendor;         /* the vendor it was matched to */
	char *matched_by;     /* manufacturer, brand, oem, chipset, ... */
	int possible;         /* the link is only claimed */
} rw_asset_hit;

typedef struct rw_asset_hits {
	rw_asset_hit *v;
	size_t n;
	size_t cap;
} rw_asset_hits;

void rw_asset_hits_release(rw_asset_hits *h);
/* Appends a hit with copies of the strings (NULL: ""); RW_ENOMEM when an allocation failed. */
int rw_asset_hits_add(rw_asset_hits *h, const char *site, const char *asset, const char *manufacturer,
		      const char *model, long quantity, const char *vendor, const char *matched_by, int possible);
/* Sorts by site, then asset id. */
void rw_asset_hits_sort(rw_asset_hits *h);

#endif
