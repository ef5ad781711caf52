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
#include "regwatch/model.h"

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

/* Loads vendors.conf (same ownership rules as rw_feeds_load). */
int rw_dict_load(rw_ctx *ctx, rw_dict *out, const char *path);

/* Loads regimes.conf; when dict is not NULL every event's vendor must be in it.
   Same ownership rules as rw_feeds_load. */
int rw_regimes_load(rw_ctx *ctx, rw_regimes *out, const char *path, const rw_dict *dict);

/* Every source's regime must be defined in r:
   "feeds.conf: source 'x': key 'regime': unknown regime 'y'". */
int rw_feeds_check_regimes(rw_ctx *ctx, const rw_feeds *f, const rw_regimes *r);

#endif
