/*
 * Configuration: feeds.conf (sources and global options), db/vendors.conf
 * (the vendor dictionary) and db/regimes.conf (regimes and the curated
 * baseline), all in git-config syntax. Errors name the file, the section
 * and the key: "feeds.conf: source 'x': key 'format': unknown format 'foo'".
 */
#ifndef REGWATCH_CONFIG_H
#define REGWATCH_CONFIG_H

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
	long max_age_days;   /* no success within this many days: stale, default 7 (maxAge) */
	long timeout_ms;     /* total transfer timeout, default 60000 (timeout) */
} rw_source;

/* [smtp]: how email notifications leave. Configured when url is set. */
typedef struct rw_smtp_conf {
	char *url;           /* smtp://HOST[:PORT] or smtps://HOST[:PORT] (no credentials in it) */
	char *from;          /* sender: "Name <addr@domain>" or addr@domain */
	char *username;      /* SMTP AUTH user, or NULL */
	char *password_file; /* passwordFile: the password (mode 0600); else $REGWATCH_SMTP_PASSWORD */
	char *password;      /* only to refuse it: a password is never read from feeds.conf */
	long timeout_ms;     /* timeout, default 60000 */
} rw_smtp_conf;

/* [notify]: delivery of queued notifications (email and webhooks). */
typedef struct rw_notify_conf {
	long max_attempts;        /* maxAttempts, default 8: then the message is dead */
	long retry_delay_s;       /* retryDelay seconds before the second attempt, doubling; default 600 */
	long max_retry_delay_s;   /* maxRetryDelay cap, default 86400 */
	char *ca_file;            /* caFile: CA bundle for SMTP and webhook TLS; NULL: the system's */
	char *webhook_secret_file; /* webhookSecretFile: key that signs webhooks (mode 0600), or NULL */
	long webhook_timeout_ms;  /* webhookTimeout, default 15000 */
} rw_notify_conf;

typedef struct rw_feeds {
	char *path;             /* the file read */
	char *dir;              /* its directory, for relative paths */
	char *data_dir;         /* regwatch.dataDir or NULL */
	char *vendors_path;     /* regwatch.vendors, default DIR/db/vendors.conf */
	char *regimes_path;     /* regwatch.regimes, default DIR/db/regimes.conf */
	char *user_agent;       /* fetch.userAgent, default "regwatch/VERSION (+contact)" */
	long connect_timeout_ms; /* fetch.connectTimeout, default 10000 */
	long low_speed_limit;   /* fetch.lowSpeedLimit bytes/s, default 100 */
	long low_speed_time;    /* fetch.lowSpeedTime seconds, default 30 */
	long max_attempts;      /* fetch.maxAttempts, default 3 */
	long retry_delay_ms;    /* fetch.retryDelay first backoff, default 1000 */
	long max_retry_delay_ms; /* fetch.maxRetryDelay cap for backoff and Retry-After, default 60000 */
	long max_parallel;      /* fetch.maxParallel, default 8 */
	rw_smtp_conf smtp;      /* [smtp] */
	rw_notify_conf notify;  /* [notify] */
	rw_source *sources;
	size_t nsources;
} rw_feeds;

/*
 * Loads and validates feeds.conf. On success *out owns everything (free with
 * rw_feeds_release); on failure *out is left empty. Relative paths in
 * [regwatch] are taken relative to the file's directory; when vendors or
 * regimes is unset and DIR/db/NAME.conf does not exist, the installed copy
 * under the package data directory is used.
 */
int rw_feeds_load(rw_ctx *ctx, rw_feeds *out, const char *path);
void rw_feeds_release(rw_feeds *f);
const rw_source *rw_feeds_find(const rw_feeds *f, const char *name);

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

/* Loads vendors.conf (same ownership rules as rw_feeds_load). */
int rw_dict_load(rw_ctx *ctx, rw_dict *out, const char *path);
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

/* Loads regimes.conf; when dict is not NULL every event's vendor must be in it.
   Same ownership rules as rw_feeds_load. */
int rw_regimes_load(rw_ctx *ctx, rw_regimes *out, const char *path, const rw_dict *dict);
void rw_regimes_release(rw_regimes *r);
const rw_regime *rw_regimes_find(const rw_regimes *r, const char *id);

/* Every source's regime must be defined in r:
   "feeds.conf: source 'x': key 'regime': unknown regime 'y'". */
int rw_feeds_check_regimes(rw_ctx *ctx, const rw_feeds *f, const rw_regimes *r);

/* Status words, most severe first; returns the rank (0 = most severe) or -1. */
int rw_status_rank(const char *status);

#endif
