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

/* A dated event of the curated baseline ([event "SLUG"]). */
typedef struct rw_event {
	char *id;            /* the section's subsection: ndaa-889a-hikvision */
	char *vendor;
	char *regime;
	char *status;
	char *since;         /* YYYY-MM-DD */
	char *until;         /* YYYY-MM-DD or NULL */
	char *citation;      /* instrument and document numbers */
	char *evidence;      /* URL */
	char *confidence;    /* H, M, L */
	char *note;
} rw_event;

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

#endif
