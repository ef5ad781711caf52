/*
 * Configuration: feeds.conf, vendors.conf and regimes.conf, all in
 * git-config syntax, read with libgit2's config API.
 *
 * Each file is read in two passes. The first walks every entry once and
 * checks that its section and key are known, collecting the names of the
 * named sections ([source "NAME"], [vendor "ID"] ...) in file order. The
 * second fetches every known key of every section by name, with git's
 * semantics: the last value of a single-valued key wins, a multi-valued key
 * keeps all its values in order. Validation follows; every message names
 * the file (as given), the section and the key.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <git2.h>

#include "regwatch/config.h"
#include "regwatch/dates.h"

#define CONF_MAX_FILE (1L << 20) /* bytes in one configuration file */
#define CONF_MAX_VALUE 4096      /* bytes in one value */
#define CONF_MAX_NAME 64         /* bytes in a section's name */
#define CONF_MAX_SECTIONS 8      /* section kinds per file */

#define DEFAULT_USER_AGENT "regwatch/" REGWATCH_VERSION " (+https://github.com/regwatch/regwatch)"
#define DEFAULT_MAX_BYTES ((size_t)8 << 20)

enum key_type {
	KT_STR,      /* char *, one value */
	KT_MULTI,    /* rw_strvec, every value */
	KT_BOOL,     /* int */
	KT_LONG,     /* long in [min, max] */
	KT_SIZE,     /* size_t in [min, max] */
	KT_FRACTION  /* double in [0, 1], written like 0.5 */
};

struct key_def {
	const char *name; /* as documented; matched without regard to case */
	enum key_type type;
	size_t off;       /* the field in the section's struct */
	long long min;
	long long max;
};

struct section_def {
	const char *name;            /* lower case, as libgit2 reports it */
	int named;                   /* 1: [name "SUB"] */
	const struct key_def *keys;  /* ends with a NULL name */
};

/* One open configuration file. */
struct conf {
	rw_ctx *ctx;
	const char *path;
	git_config *cfg;
	const struct section_def *defs;     /* ends with a NULL name */
	rw_strvec subs[CONF_MAX_SECTIONS];  /* names of each named section kind, in file order */
	int git_inited;
};

#define KEY(st, name, type, field) {name, type, offsetof(st, field), 0, 0}
#define KEY_RANGE(st, name, type, field, lo, hi) {name, type, offsetof(st, field), lo, hi}
#define KEY_END {NULL, KT_STR, 0, 0, 0}

static const struct key_def regwatch_keys[] = {
	KEY(rw_feeds, "dataDir", KT_STR, data_dir),
	KEY(rw_feeds, "vendors", KT_STR, vendors_path),
	KEY(rw_feeds, "regimes", KT_STR, regimes_path),
	KEY_END
};

static const struct key_def fetch_keys[] = {
	KEY(rw_feeds, "userAgent", KT_STR, user_agent),
	KEY_RANGE(rw_feeds, "connectTimeout", KT_LONG, connect_timeout_ms, 1, 600000),
	KEY_RANGE(rw_feeds, "lowSpeedLimit", KT_LONG, low_speed_limit, 0, 1000000000),
	KEY_RANGE(rw_feeds, "lowSpeedTime", KT_LONG, low_speed_time, 0, 3600),
	KEY_RANGE(rw_feeds, "maxAttempts", KT_LONG, max_attempts, 1, 20),
	KEY_RANGE(rw_feeds, "retryDelay", KT_LONG, retry_delay_ms, 0, 3600000),
	KEY_RANGE(rw_feeds, "maxRetryDelay", KT_LONG, max_retry_delay_ms, 0, 86400000),
	KEY_RANGE(rw_feeds, "maxParallel", KT_LONG, max_parallel, 1, 256),
	KEY_END
};

static const struct key_def source_keys[] = {
	KEY(rw_source, "url", KT_STR, url),
	KEY(rw_source, "format", KT_STR, format),
	KEY(rw_source, "regime", KT_STR, regime),
	KEY(rw_source, "tableHeader", KT_STR, table_header),
	KEY(rw_source, "listRegime", KT_MULTI, list_regimes),
	KEY(rw_source, "status", KT_STR, status),
	KEY(rw_source, "enabled", KT_BOOL, enabled),
	KEY_RANGE(rw_source, "maxBytes", KT_SIZE, max_bytes, 1, 1LL << 30),
	KEY(rw_source, "maxDrop", KT_FRACTION, max_drop),
	KEY_RANGE(rw_source, "removeAfter", KT_LONG, remove_after, 1, 365),
	KEY_RANGE(rw_source, "maxAge", KT_LONG, max_age_days, 1, 3650),
	KEY_RANGE(rw_source, "timeout", KT_LONG, timeout_ms, 1, 3600000),
	KEY_END
};

static const struct key_def smtp_keys[] = {
	KEY(rw_feeds, "url", KT_STR, smtp.url),
	KEY(rw_feeds, "from", KT_STR, smtp.from),
	KEY(rw_feeds, "username", KT_STR, smtp.username),
	KEY(rw_feeds, "passwordFile", KT_STR, smtp.password_file),
	KEY(rw_feeds, "password", KT_STR, smtp.password),
	KEY_RANGE(rw_feeds, "timeout", KT_LONG, smtp.timeout_ms, 1, 3600000),
	KEY_END
};

static const struct key_def notify_keys[] = {
	KEY_RANGE(rw_feeds, "maxAttempts", KT_LONG, notify.max_attempts, 1, 100),
	KEY_RANGE(rw_feeds, "retryDelay", KT_LONG, notify.retry_delay_s, 0, 30L * 86400),
	KEY_RANGE(rw_feeds, "maxRetryDelay", KT_LONG, notify.max_retry_delay_s, 0, 30L * 86400),
	KEY(rw_feeds, "caFile", KT_STR, notify.ca_file),
	KEY(rw_feeds, "webhookSecretFile", KT_STR, notify.webhook_secret_file),
	KEY_RANGE(rw_feeds, "webhookTimeout", KT_LONG, notify.webhook_timeout_ms, 1, 3600000),
	KEY_END
};

static const struct section_def feeds_defs[] = {
	{"regwatch", 0, regwatch_keys},
	{"fetch", 0, fetch_keys},
	{"source", 1, source_keys},
	{"smtp", 0, smtp_keys},
	{"notify", 0, notify_keys},
	{NULL, 0, NULL}
};
enum { FEEDS_REGWATCH, FEEDS_FETCH, FEEDS_SOURCE, FEEDS_SMTP, FEEDS_NOTIFY };

static const struct key_def vendor_keys[] = {
	KEY(rw_vendor, "name", KT_STR, name),
	KEY(rw_vendor, "parent", KT_STR, parent),
	KEY(rw_vendor, "legalName", KT_MULTI, names),
	KEY(rw_vendor, "alias", KT_MULTI, aliases),
	KEY(rw_vendor, "brand", KT_MULTI, brands),
	KEY(rw_vendor, "claimedBrand", KT_MULTI, claimed_brands),
	KEY(rw_vendor, "affiliate", KT_MULTI, affiliates),
	KEY(rw_vendor, "chipset", KT_MULTI, chipsets),
	KEY(rw_vendor, "claimedChipset", KT_MULTI, claimed_chipsets),
	KEY(rw_vendor, "modelPrefix", KT_MULTI, models),
	KEY(rw_vendor, "claimedModelPrefix", KT_MULTI, claimed_models),
	KEY_END
};

static const struct key_def link_keys[] = {
	KEY(rw_link, "vendor", KT_STR, vendor),
	KEY(rw_link, "name", KT_MULTI, names),
	KEY(rw_link, "kind", KT_STR, kind),
	KEY(rw_link, "since", KT_STR, since),
	KEY(rw_link, "until", KT_STR, until),
	KEY(rw_link, "confidence", KT_STR, confidence),
	KEY(rw_link, "evidence", KT_STR, evidence),
	KEY(rw_link, "note", KT_STR, note),
	KEY_END
};

static const struct section_def dict_defs[] = {
	{"vendor", 1, vendor_keys},
	{"link", 1, link_keys},
	{NULL, 0, NULL}
};
enum { DICT_VENDOR, DICT_LINK };

static const struct key_def regime_keys[] = {
	KEY(rw_regime, "jurisdiction", KT_STR, jurisdiction),
	KEY(rw_regime, "title", KT_STR, title),
	KEY(rw_regime, "instrument", KT_STR, instrument),
	KEY(rw_regime, "evidence", KT_STR, evidence),
	KEY(rw_regime, "coversAffiliates", KT_BOOL, covers_affiliates),
	KEY_END
};

static const struct key_def event_keys[] = {
	KEY(rw_event, "vendor", KT_STR, vendor),
	KEY(rw_event, "regime", KT_STR, regime),
	KEY(rw_event, "status", KT_STR, status),
	KEY(rw_event, "since", KT_STR, since),
	KEY(rw_event, "until", KT_STR, until),
	KEY(rw_event, "citation", KT_STR, citation),
	KEY(rw_event, "evidence", KT_STR, evidence),
	KEY(rw_event, "confidence", KT_STR, confidence),
	KEY(rw_event, "note", KT_STR, note),
	KEY_END
};

static const struct section_def regimes_defs[] = {
	{"regime", 1, regime_keys},
	{"event", 1, event_keys},
	{NULL, 0, NULL}
};
enum { REGIMES_REGIME, REGIMES_EVENT };


static const char *const link_kinds[] = {
	"subsidiary", "affiliate", "brand", "oem", "white-label", "successor"
};

static const char *const link_confidences[] = {"verified", "corroborated", "claimed"};

/* ---- messages ---- */

static void where_text(char *buf, size_t n, const struct section_def *d, const char *sub)
{
	if (d->named)
		snprintf(buf, n, "%s '%.*s'", d->name, CONF_MAX_NAME * 2, sub);
	else
		snprintf(buf, n, "section '%s'", d->name);
}

/* "PATH: WHERE: MESSAGE" (WHERE omitted when d is NULL). */
static int conf_error(struct conf *c, const struct section_def *d, const char *sub, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int conf_error(struct conf *c, const struct section_def *d, const char *sub, const char *fmt, ...)
{
	char where[CONF_MAX_NAME * 2 + 64];
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (d == NULL)
		return rw_error(c->ctx, RW_ECONFIG, "%s: %s", c->path, msg);
	where_text(where, sizeof(where), d, sub);
	return rw_error(c->ctx, RW_ECONFIG, "%s: %s: %s", c->path, where, msg);
}

static int git_failure(struct conf *c)
{
	const git_error *e = git_error_last();

	return rw_error(c->ctx, RW_ECONFIG, "%s: %s", c->path,
			e && e->message ? e->message : "cannot be read");
}

static int out_of_memory(rw_ctx *ctx)
{
	return rw_error(ctx, RW_ENOMEM, "out of memory");
}

/* ---- small checks ---- */

static int word_in(const char *s, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, words[i]) == 0)
			return 1;
	return 0;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int is_lower_or_digit(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

/* Lower case letters, digits and '-' (extra: further characters allowed after the first). */
static int id_ok(const char *s, const char *extra)
{
	const char *p;

	if (s == NULL || !is_lower_or_digit(s[0]) || strlen(s) > CONF_MAX_NAME)
		return 0;
	for (p = s; *p; p++)
		if (!is_lower_or_digit(*p) && *p != '-' && (extra == NULL || strchr(extra, *p) == NULL))
			return 0;
	return 1;
}

/* A source name: letters (either case), digits, '-', '_', '.'; it becomes a path component. */
static int source_name_ok(const char *s)
{
	const char *p;

	if (s[0] == '\0' || s[0] == '.' || strlen(s) > CONF_MAX_NAME)
		return 0;
	for (p = s; *p; p++)
		if (!is_lower_or_digit(*p) && !(*p >= 'A' && *p <= 'Z') && *p != '-' && *p != '_' && *p != '.')
			return 0;
	return 1;
}

static int has_prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static int web_url_ok(const char *s)
{
	return (strncmp(s, "https://", 8) == 0 && s[8] != '\0') ||
	       (strncmp(s, "http://", 7) == 0 && s[7] != '\0');
}

/* A fraction written as digits with an optional decimal part: 0, 1, 0.5, .25 */
static int parse_fraction(const char *s, double *out)
{
	const char *p = s;
	double v = 0.0, scale = 1.0;
	int int_digits = 0, frac_digits = 0;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (++int_digits > 3)
			return -1;
		v = v * 10.0 + (double)(*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (++frac_digits > 9)
				return -1;
			scale /= 10.0;
			v += (double)(*p - '0') * scale;
		}
		if (frac_digits == 0)
			return -1;
	}
	if (*p != '\0' || int_digits + frac_digits == 0 || v > 1.0)
		return -1;
	*out = v;
	return 0;
}

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* YYYY-MM-DD (a real date), YYYY-MM or YYYY. */
static int partial_date_ok(const char *s)
{
	size_t n = strlen(s);
	int month;

	if (n == 10)
		return rw_date_valid(s);
	if (n == 4)
		return all_digits(s, 4);
	if (n != 7 || !all_digits(s, 4) || s[4] != '-' || !all_digits(s + 5, 2))
		return 0;
	month = (s[5] - '0') * 10 + (s[6] - '0');
	return month >= 1 && month <= 12;
}

/* until must be later than since; a partial date that contains the other is not. */
static int partial_after(const char *until, const char *since)
{
	return strcmp(until, since) > 0 && strncmp(until, since, strlen(since)) != 0;
}

/* ---- reading ---- */

static void conf_close(struct conf *c)
{
	size_t i;

	for (i = 0; i < CONF_MAX_SECTIONS; i++)
		rw_strvec_release(&c->subs[i]);
	git_config_free(c->cfg);
	c->cfg = NULL;
	if (c->git_inited)
		git_libgit2_shutdown();
	c->git_inited = 0;
}

/* First pass, one entry: "section.key" or "section.sub.key". */
static int conf_check_entry(struct conf *c, const char *name)
{
	const char *dot1 = strchr(name, '.'), *dot2 = strrchr(name, '.');
	const struct section_def *d;
	const struct key_def *k;
	char sub[CONF_MAX_NAME * 2 + 1];
	size_t slen, sublen, i;
	int rc;

	if (dot1 == NULL)
		return conf_error(c, NULL, NULL, "malformed key '%s'", name);
	slen = (size_t)(dot1 - name);
	for (i = 0; c->defs[i].name; i++)
		if (strlen(c->defs[i].name) == slen && strncmp(c->defs[i].name, name, slen) == 0)
			break;
	d = &c->defs[i];
	if (d->name == NULL)
		return conf_error(c, NULL, NULL, "unknown section '%.*s'", (int)slen, name);
	sub[0] = '\0';
	if (dot2 != dot1) {
		sublen = (size_t)(dot2 - dot1 - 1);
		if (sublen > CONF_MAX_NAME)
			return conf_error(c, NULL, NULL, "section '%s': name '%.*s...' longer than %d bytes",
					  d->name, CONF_MAX_NAME, dot1 + 1, CONF_MAX_NAME);
		memcpy(sub, dot1 + 1, sublen);
		sub[sublen] = '\0';
	}
	if (d->named && dot2 == dot1)
		return conf_error(c, NULL, NULL, "section '%s' needs a name: [%s \"NAME\"]", d->name, d->name);
	if (!d->named && dot2 != dot1)
		return conf_error(c, NULL, NULL, "section '%s' takes no name ('%s')", d->name, sub);
	if (d->named && sub[0] == '\0')
		return conf_error(c, NULL, NULL, "section '%s' has an empty name", d->name);
	for (k = d->keys; k->name; k++)
		if (strcasecmp(k->name, dot2 + 1) == 0)
			break;
	if (k->name == NULL)
		return conf_error(c, d, sub, "unknown key '%s'", dot2 + 1);
	if (d->named && !rw_strvec_contains(&c->subs[i], sub)) {
		rc = rw_strvec_push(&c->subs[i], sub);
		if (rc < 0)
			return out_of_memory(c->ctx);
	}
	return 0;
}

static int conf_open(rw_ctx *ctx, struct conf *c, const char *path, const struct section_def *defs)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	struct stat st;
	int rc = 0, grc;

	memset(c, 0, sizeof(*c));
	c->ctx = ctx;
	c->path = path;
	c->defs = defs;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return rw_error(ctx, RW_ECONFIG, "'%s': no such file", path);
		return rw_error(ctx, RW_ECONFIG, "'%s': %s", path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return rw_error(ctx, RW_ECONFIG, "'%s': not a regular file", path);
	if (st.st_size > CONF_MAX_FILE)
		return rw_error(ctx, RW_ELIMIT, "'%s': larger than %ld bytes", path, CONF_MAX_FILE);
	if (git_libgit2_init() < 0)
		return git_failure(c);
	c->git_inited = 1;
	if (git_config_open_ondisk(&c->cfg, path) < 0 || git_config_iterator_new(&it, c->cfg) < 0) {
		rc = git_failure(c);
		goto out;
	}
	while ((grc = git_config_next(&e, it)) == 0) {
		rc = conf_check_entry(c, e->name);
		if (rc < 0)
			goto out;
	}
	if (grc != GIT_ITEROVER)
		rc = git_failure(c);
out:
	if (it)
		git_config_iterator_free(it);
	return rc;
}

static int check_text(struct conf *c, const struct section_def *d, const char *sub, const struct key_def *k,
		      const char *value)
{
	const unsigned char *p;

	if (value == NULL)
		return conf_error(c, d, sub, "key '%s': missing value", k->name);
	if (value[0] == '\0')
		return conf_error(c, d, sub, "key '%s': empty value", k->name);
	if (strlen(value) > CONF_MAX_VALUE)
		return conf_error(c, d, sub, "key '%s': longer than %d bytes", k->name, CONF_MAX_VALUE);
	for (p = (const unsigned char *)value; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return conf_error(c, d, sub, "key '%s': contains control characters", k->name);
	return 0;
}

static int store_value(struct conf *c, const struct section_def *d, const char *sub, const struct key_def *k,
		       const char *value, void *field)
{
	int64_t v;
	int b, rc;
	double f;
	char *s;

	switch (k->type) {
	case KT_STR:
	case KT_MULTI:
		rc = check_text(c, d, sub, k, value);
		if (rc < 0)
			return rc;
		if (k->type == KT_MULTI)
			return rw_strvec_push((rw_strvec *)field, value) < 0 ? out_of_memory(c->ctx) : 0;
		s = rw_strdup(value);
		if (s == NULL)
			return out_of_memory(c->ctx);
		rw_str_replace((char **)field, s);
		return 0;
	case KT_BOOL:
		if (git_config_parse_bool(&b, value) < 0)
			return conf_error(c, d, sub, "key '%s': not a boolean", k->name);
		*(int *)field = b;
		return 0;
	case KT_LONG:
	case KT_SIZE:
		if (value == NULL || git_config_parse_int64(&v, value) < 0 || v < k->min || v > k->max)
			return conf_error(c, d, sub, "key '%s': not an integer between %lld and %lld", k->name,
					  k->min, k->max);
		if (k->type == KT_LONG)
			*(long *)field = (long)v;
		else
			*(size_t *)field = (size_t)v;
		return 0;
	case KT_FRACTION:
		if (value == NULL || parse_fraction(value, &f) < 0)
			return conf_error(c, d, sub, "key '%s': not a number between 0 and 1", k->name);
		*(double *)field = f;
		return 0;
	}
	return conf_error(c, d, sub, "key '%s': unsupported type", k->name);
}

struct multi_arg {
	struct conf *c;
	const struct section_def *d;
	const char *sub;
	const struct key_def *k;
	void *field;
	int rc;
};

static int multi_cb(const git_config_entry *e, void *payload)
{
	struct multi_arg *a = payload;

	a->rc = store_value(a->c, a->d, a->sub, a->k, e->value, a->field);
	return a->rc < 0 ? 1 : 0;
}

/* Second pass: every known key of one section into obj. */
static int conf_read(struct conf *c, const struct section_def *d, const char *sub, void *obj)
{
	const struct key_def *k;
	git_config_entry *e;
	char full[CONF_MAX_NAME * 2 + 64];
	int rc = 0, grc;

	for (k = d->keys; k->name && rc == 0; k++) {
		void *field = (char *)obj + k->off;

		if (d->named)
			snprintf(full, sizeof(full), "%s.%s.%s", d->name, sub, k->name);
		else
			snprintf(full, sizeof(full), "%s.%s", d->name, k->name);
		if (k->type == KT_MULTI) {
			struct multi_arg a = {c, d, sub, k, field, 0};

			grc = git_config_get_multivar_foreach(c->cfg, full, NULL, multi_cb, &a);
			if (a.rc < 0)
				rc = a.rc;
			else if (grc < 0 && grc != GIT_ENOTFOUND)
				rc = git_failure(c);
			continue;
		}
		e = NULL;
		grc = git_config_get_entry(&e, c->cfg, full);
		if (grc == GIT_ENOTFOUND)
			continue;
		if (grc < 0)
			rc = git_failure(c);
		else
			rc = store_value(c, d, sub, k, e->value, field);
		git_config_entry_free(e);
	}
	return rc;
}

/* ---- feeds.conf ---- */

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return rw_strdup(".");
	if (slash == path)
		return rw_strdup("/");
	return rw_strndup(path, (size_t)(slash - path));
}

/* p relative to dir (unchanged when absolute or when dir is "."). */
static char *resolve_path(const char *dir, const char *p)
{
	size_t n = strlen(dir);

	if (p[0] == '/' || strcmp(dir, ".") == 0)
		return rw_strdup(p);
	return rw_asprintf("%s%s%s", dir, n > 0 && dir[n - 1] == '/' ? "" : "/", p);
}

static int file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Resolves *field (set from the file) or picks the default DIR/db/NAME. */
static int feeds_path(const rw_feeds *f, char **field, const char *name)
{
	char *p, *rel;

	if (*field) {
		p = resolve_path(f->dir, *field);
		if (p == NULL)
			return RW_ENOMEM;
		rw_str_replace(field, p);
		return 0;
	}
	rel = rw_asprintf("db/%s", name);
	p = rel ? resolve_path(f->dir, rel) : NULL;
	free(rel);
	if (p == NULL)
		return RW_ENOMEM;
#ifdef REGWATCH_SHAREDIR
	if (!file_exists(p)) {
		char *shared = rw_asprintf("%s/db/%s", REGWATCH_SHAREDIR, name);

		if (shared && file_exists(shared)) {
			free(p);
			p = shared;
		} else {
			free(shared);
		}
	}
#else
	(void)file_exists;
#endif
	*field = p;
	return 0;
}

static int feeds_defaults(rw_feeds *f, const char *path)
{
	f->path = rw_strdup(path);
	f->dir = dir_of(path);
	f->user_agent = rw_strdup(DEFAULT_USER_AGENT);
	f->connect_timeout_ms = 10000;
	f->low_speed_limit = 100;
	f->low_speed_time = 30;
	f->max_attempts = 3;
	f->retry_delay_ms = 1000;
	f->max_retry_delay_ms = 60000;
	f->max_parallel = 8;
	f->smtp.timeout_ms = 60000;
	f->notify.max_attempts = 8;
	f->notify.retry_delay_s = 600;
	f->notify.max_retry_delay_s = 86400;
	f->notify.webhook_timeout_ms = 15000;
	return f->path && f->dir && f->user_agent ? 0 : RW_ENOMEM;
}

static int regime_id_ok(const char *id)
{
	return strlen(id) >= 4 && id[2] == '.' && id_ok(id, ".");
}

static int source_validate(struct conf *c, const rw_source *s)
{
	const struct section_def *d = &feeds_defs[FEEDS_SOURCE];
	const char *p;

	if (s->url == NULL)
		return conf_error(c, d, s->name, "missing key 'url'");
	if (!(has_prefix_ci(s->url, "https://") || has_prefix_ci(s->url, "http://") ||
	      has_prefix_ci(s->url, "file://")))
		return conf_error(c, d, s->name, "key 'url': scheme must be http, https or file");
	if (strstr(s->url, "://")[3] == '\0')
		return conf_error(c, d, s->name, "key 'url': nothing after the scheme");
	for (p = s->url; *p; p++)
		if (*p == ' ')
			return conf_error(c, d, s->name, "key 'url': contains spaces");
	if (s->format == NULL)
		return conf_error(c, d, s->name, "missing key 'format'");
	if (!rw_format_known(s->format))
		return conf_error(c, d, s->name, "key 'format': unknown format '%s'", s->format);
	if (strcmp(s->format, "html-table") == 0 && s->table_header == NULL)
		return conf_error(c, d, s->name, "missing key 'tableHeader' (format 'html-table' finds its table by header text)");
	if (rw_status_rank(s->status) < 0)
		return conf_error(c, d, s->name, "key 'status': unknown status '%s'", s->status);
	if (s->regime && !regime_id_ok(s->regime))
		return conf_error(c, d, s->name, "key 'regime': not a regime id like 'us.fcc-covered-list'");
	for (size_t i = 0; i < s->list_regimes.n; i++) {
		const char *eq = strrchr(s->list_regimes.v[i], '=');

		if (eq == NULL || eq == s->list_regimes.v[i] || !regime_id_ok(eq + 1))
			return conf_error(c, d, s->name, "key 'listRegime': '%s' is not 'LIST NAME=REGIME ID'",
					  s->list_regimes.v[i]);
	}
	return 0;
}

/* An address in a "from" value: the text between < and >, or the whole value. */
static int mail_address_ok(const char *from)
{
	const char *lt = strchr(from, '<'), *at;
	size_t n;

	if (lt != NULL) {
		const char *gt = strchr(lt, '>');

		if (gt == NULL || gt[1] != '\0')
			return 0;
		from = lt + 1;
		n = (size_t)(gt - from);
	} else {
		n = strlen(from);
	}
	at = memchr(from, '@', n);
	if (at == NULL || at == from || at == from + n - 1 || memchr(at + 1, '@', n - (size_t)(at - from) - 1))
		return 0;
	return memchr(from, ' ', n) == NULL && memchr(from, '<', n) == NULL;
}

/* Resolves a path key relative to the file's directory. */
static int conf_path(char **field, const char *dir)
{
	char *p;

	if (*field == NULL)
		return 0;
	p = resolve_path(dir, *field);
	if (p == NULL)
		return RW_ENOMEM;
	rw_str_replace(field, p);
	return 0;
}

/* [smtp] and [notify]. */
static int notify_validate(struct conf *c, rw_feeds *f)
{
	const struct section_def *d = &feeds_defs[FEEDS_SMTP], *n = &feeds_defs[FEEDS_NOTIFY];
	const rw_smtp_conf *s = &f->smtp;
	const char *host;

	if (s->password)
		return conf_error(c, d, NULL, "key 'password': a password is never read from feeds.conf; "
			       "give passwordFile (a file of mode 0600) or set REGWATCH_SMTP_PASSWORD");
	if (s->url == NULL && (s->from || s->username || s->password_file))
		return conf_error(c, d, NULL, "missing key 'url' (smtp://HOST:PORT or smtps://HOST:PORT)");
	if (s->url) {
		if (has_prefix_ci(s->url, "smtp://"))
			host = s->url + 7;
		else if (has_prefix_ci(s->url, "smtps://"))
			host = s->url + 8;
		else
			return conf_error(c, d, NULL, "key 'url': scheme must be smtp or smtps");
		if (host[0] == '\0' || host[0] == '/' || host[0] == ':')
			return conf_error(c, d, NULL, "key 'url': no host after the scheme");
		if (strchr(s->url, ' '))
			return conf_error(c, d, NULL, "key 'url': contains spaces");
		if (strchr(host, '@'))
			return conf_error(c, d, NULL, "key 'url': credentials do not belong in the url; "
				       "give username and passwordFile");
		if (s->from == NULL)
			return conf_error(c, d, NULL, "missing key 'from' (the sender address)");
		if (!mail_address_ok(s->from))
			return conf_error(c, d, NULL, "key 'from': '%s' is not an address like "
				       "'regwatch <alerts@example.org>'", s->from);
	}
	if (s->password_file && s->username == NULL)
		return conf_error(c, d, NULL, "key 'passwordFile': needs key 'username'");
	if (f->notify.max_retry_delay_s < f->notify.retry_delay_s)
		return conf_error(c, n, NULL, "key 'maxRetryDelay': less than retryDelay");
	if (conf_path(&f->smtp.password_file, f->dir) < 0 || conf_path(&f->notify.ca_file, f->dir) < 0 ||
	    conf_path(&f->notify.webhook_secret_file, f->dir) < 0)
		return out_of_memory(c->ctx);
	return 0;
}

static int feeds_sources(struct conf *c, rw_feeds *f)
{
	const struct section_def *d = &feeds_defs[FEEDS_SOURCE];
	const rw_strvec *names = &c->subs[FEEDS_SOURCE];
	size_t i;
	int rc = 0;

	if (names->n == 0)
		return 0;
	f->sources = calloc(names->n, sizeof(*f->sources));
	if (f->sources == NULL)
		return out_of_memory(c->ctx);
	f->nsources = names->n;
	for (i = 0; i < names->n && rc == 0; i++) {
		rw_source *s = &f->sources[i];

		s->name = rw_strdup(names->v[i]);
		s->enabled = 1;
		s->max_bytes = DEFAULT_MAX_BYTES;
		s->max_drop = 0.5;
		s->remove_after = 3;
		s->max_age_days = 7;
		s->timeout_ms = 60000;
		if (s->name == NULL)
			return out_of_memory(c->ctx);
		if (!source_name_ok(s->name))
			return conf_error(c, d, s->name, "name must be letters, digits, '-', '_' or '.'");
		rc = conf_read(c, d, s->name, s);
		if (rc == 0 && s->status == NULL && (s->status = rw_strdup("listed")) == NULL)
			rc = out_of_memory(c->ctx);
		if (rc == 0)
			rc = source_validate(c, s);
	}
	return rc;
}

int rw_feeds_load(rw_ctx *ctx, rw_feeds *out, const char *path)
{
	const struct section_def *fetch = &feeds_defs[FEEDS_FETCH];
	struct conf c;
	rw_feeds f;
	int rc;

	memset(&f, 0, sizeof(f));
	memset(out, 0, sizeof(*out));
	rc = conf_open(ctx, &c, path, feeds_defs);
	if (rc < 0)
		goto out;
	if (feeds_defaults(&f, path) < 0) {
		rc = out_of_memory(ctx);
		goto out;
	}
	rc = conf_read(&c, &feeds_defs[FEEDS_REGWATCH], NULL, &f);
	if (rc == 0)
		rc = conf_read(&c, fetch, NULL, &f);
	if (rc == 0 && f.max_retry_delay_ms < f.retry_delay_ms)
		rc = conf_error(&c, fetch, NULL, "key 'maxRetryDelay': less than retryDelay");
	if (rc == 0)
		rc = conf_read(&c, &feeds_defs[FEEDS_SMTP], NULL, &f);
	if (rc == 0)
		rc = conf_read(&c, &feeds_defs[FEEDS_NOTIFY], NULL, &f);
	if (rc == 0)
		rc = notify_validate(&c, &f);
	if (rc == 0 && f.data_dir) {
		char *p = resolve_path(f.dir, f.data_dir);

		if (p == NULL)
			rc = out_of_memory(ctx);
		else
			rw_str_replace(&f.data_dir, p);
	}
	if (rc == 0 && (feeds_path(&f, &f.vendors_path, "vendors.conf") < 0 ||
			feeds_path(&f, &f.regimes_path, "regimes.conf") < 0))
		rc = out_of_memory(ctx);
	if (rc == 0)
		rc = feeds_sources(&c, &f);
out:
	conf_close(&c);
	if (rc < 0) {
		rw_feeds_release(&f);
		return rc;
	}
	*out = f;
	return 0;
}

static void source_release(rw_source *s)
{
	free(s->name);
	free(s->url);
	free(s->format);
	free(s->regime);
	free(s->table_header);
	free(s->status);
	rw_strvec_release(&s->list_regimes);
}

void rw_feeds_release(rw_feeds *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nsources; i++)
		source_release(&f->sources[i]);
	free(f->sources);
	free(f->path);
	free(f->dir);
	free(f->data_dir);
	free(f->vendors_path);
	free(f->regimes_path);
	free(f->user_agent);
	free(f->smtp.url);
	free(f->smtp.from);
	free(f->smtp.username);
	free(f->smtp.password_file);
	if (f->smtp.password)
		explicit_bzero(f->smtp.password, strlen(f->smtp.password));
	free(f->smtp.password);
	free(f->notify.ca_file);
	free(f->notify.webhook_secret_file);
	memset(f, 0, sizeof(*f));
}

const rw_source *rw_feeds_find(const rw_feeds *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->nsources; i++)
		if (strcmp(f->sources[i].name, name) == 0)
			return &f->sources[i];
	return NULL;
}

int rw_feeds_check_regimes(rw_ctx *ctx, const rw_feeds *f, const rw_regimes *r)
{
	size_t i;

	for (i = 0; i < f->nsources; i++) {
		const rw_source *s = &f->sources[i];

		if (s->regime && rw_regimes_find(r, s->regime) == NULL)
			return rw_error(ctx, RW_ECONFIG, "%s: source '%s': key 'regime': unknown regime '%s'",
					f->path, s->name, s->regime);
		for (size_t k = 0; k < s->list_regimes.n; k++) {
			const char *id = strrchr(s->list_regimes.v[k], '=') + 1;

			if (rw_regimes_find(r, id) == NULL)
				return rw_error(ctx, RW_ECONFIG, "%s: source '%s': key 'listRegime': unknown regime '%s'",
						f->path, s->name, id);
		}
	}
	return 0;
}

/* ---- vendors.conf ---- */

static const rw_vendor *find_vendor(const rw_vendor *v, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

/* A parent chain that comes back to v: "a -> b -> a". */
static int check_cycle(struct conf *c, const rw_dict *d, const rw_vendor *v)
{
	const struct section_def *def = &dict_defs[DICT_VENDOR];
	const rw_vendor *p = v;
	rw_buf chain = RW_BUF_INIT;
	size_t steps;
	int rc = 0, cycle = 0;

	/* Parents are known to exist; a chain longer than the dictionary loops elsewhere. */
	for (steps = 0; p != NULL && p->parent != NULL && steps < d->n && !cycle; steps++) {
		p = find_vendor(d->vendors, d->n, p->parent);
		cycle = p == v;
	}
	if (!cycle)
		return 0;
	rc = rw_buf_puts(&chain, v->id);
	while (rc == 0) {
		p = find_vendor(d->vendors, d->n, p->parent);
		if (p == NULL)
			break;
		rc = rw_buf_printf(&chain, " -> %s", p->id);
		if (p == v)
			break;
	}
	if (rc < 0)
		rc = out_of_memory(c->ctx);
	else
		rc = conf_error(c, def, v->id, "key 'parent': cycle %s", rw_buf_cstr(&chain));
	rw_buf_release(&chain);
	return rc;
}

/* A legal name, alias or affiliate may denote one vendor only. */
static int check_names_unique(struct conf *c, const rw_dict *d)
{
	static const char *const keys[] = {"legalName", "alias", "affiliate"};
	size_t i, j, a, b, x, y;

	for (j = 0; j < d->n; j++) {
		const rw_vendor *vj = &d->vendors[j];
		const rw_strvec *sj[3] = {&vj->names, &vj->aliases, &vj->affiliates};

		for (a = 0; a < 3; a++)
			for (x = 0; x < sj[a]->n; x++)
				for (i = 0; i < j; i++) {
					const rw_vendor *vi = &d->vendors[i];
					const rw_strvec *si[3] = {&vi->names, &vi->aliases, &vi->affiliates};

					for (b = 0; b < 3; b++)
						for (y = 0; y < si[b]->n; y++)
							if (strcasecmp(sj[a]->v[x], si[b]->v[y]) == 0)
								return conf_error(c, &dict_defs[DICT_VENDOR], vj->id,
										  "key '%s': '%s' is already a name of vendor '%s'",
										  keys[a], sj[a]->v[x], vi->id);
				}
	}
	return 0;
}

static int dict_vendors(struct conf *c, rw_dict *d)
{
	const struct section_def *def = &dict_defs[DICT_VENDOR];
	const rw_strvec *ids = &c->subs[DICT_VENDOR];
	size_t i;
	int rc = 0;

	if (ids->n == 0)
		return 0;
	d->vendors = calloc(ids->n, sizeof(*d->vendors));
	if (d->vendors == NULL)
		return out_of_memory(c->ctx);
	d->n = ids->n;
	for (i = 0; i < ids->n && rc == 0; i++) {
		rw_vendor *v = &d->vendors[i];

		v->id = rw_strdup(ids->v[i]);
		if (v->id == NULL)
			return out_of_memory(c->ctx);
		if (!id_ok(v->id, NULL))
			return conf_error(c, def, v->id, "id must be lower case letters, digits and '-'");
		rc = conf_read(c, def, v->id, v);
		if (rc == 0 && v->name == NULL)
			rc = conf_error(c, def, v->id, "missing key 'name'");
	}
	for (i = 0; i < d->n && rc == 0; i++) {
		const rw_vendor *v = &d->vendors[i];

		if (v->parent && find_vendor(d->vendors, d->n, v->parent) == NULL)
			rc = conf_error(c, def, v->id, "key 'parent': unknown vendor '%s'", v->parent);
	}
	for (i = 0; i < d->n && rc == 0; i++)
		rc = check_cycle(c, d, &d->vendors[i]);
	if (rc == 0)
		rc = check_names_unique(c, d);
	return rc;
}

static int link_validate(struct conf *c, const rw_dict *d, const rw_link *l)
{
	const struct section_def *def = &dict_defs[DICT_LINK];

	if (l->vendor == NULL)
		return conf_error(c, def, l->id, "missing key 'vendor'");
	if (find_vendor(d->vendors, d->n, l->vendor) == NULL)
		return conf_error(c, def, l->id, "key 'vendor': unknown vendor '%s'", l->vendor);
	if (l->names.n == 0)
		return conf_error(c, def, l->id, "missing key 'name'");
	if (l->kind == NULL)
		return conf_error(c, def, l->id, "missing key 'kind'");
	if (!word_in(l->kind, link_kinds, NELEM(link_kinds)))
		return conf_error(c, def, l->id,
				  "key 'kind': unknown kind '%s' (subsidiary, affiliate, brand, oem, white-label, successor)",
				  l->kind);
	if (l->since && !partial_date_ok(l->since))
		return conf_error(c, def, l->id, "key 'since': not a date (YYYY-MM-DD, YYYY-MM or YYYY): '%s'", l->since);
	if (l->until && !partial_date_ok(l->until))
		return conf_error(c, def, l->id, "key 'until': not a date (YYYY-MM-DD, YYYY-MM or YYYY): '%s'", l->until);
	if (l->since && l->until && !partial_after(l->until, l->since))
		return conf_error(c, def, l->id, "key 'until': '%s' is not after since '%s'", l->until, l->since);
	if (l->confidence == NULL)
		return conf_error(c, def, l->id, "missing key 'confidence'");
	if (!word_in(l->confidence, link_confidences, NELEM(link_confidences)))
		return conf_error(c, def, l->id, "key 'confidence': must be verified, corroborated or claimed");
	if (l->evidence == NULL)
		return conf_error(c, def, l->id, "missing key 'evidence'");
	if (!web_url_ok(l->evidence))
		return conf_error(c, def, l->id, "key 'evidence': must start with https:// or http://");
	return 0;
}

static int dict_links(struct conf *c, rw_dict *d)
{
	const struct section_def *def = &dict_defs[DICT_LINK];
	const rw_strvec *ids = &c->subs[DICT_LINK];
	size_t i;
	int rc = 0;

	if (ids->n == 0)
		return 0;
	d->links = calloc(ids->n, sizeof(*d->links));
	if (d->links == NULL)
		return out_of_memory(c->ctx);
	d->nlinks = ids->n;
	for (i = 0; i < ids->n && rc == 0; i++) {
		rw_link *l = &d->links[i];

		l->id = rw_strdup(ids->v[i]);
		if (l->id == NULL)
			return out_of_memory(c->ctx);
		if (!id_ok(l->id, NULL))
			return conf_error(c, def, l->id, "id must be lower case letters, digits and '-'");
		rc = conf_read(c, def, l->id, l);
		if (rc == 0)
			rc = link_validate(c, d, l);
	}
	return rc;
}

int rw_dict_load(rw_ctx *ctx, rw_dict *out, const char *path)
{
	struct conf c;
	rw_dict d;
	int rc;

	memset(&d, 0, sizeof(d));
	memset(out, 0, sizeof(*out));
	rc = conf_open(ctx, &c, path, dict_defs);
	if (rc == 0 && (d.path = rw_strdup(path)) == NULL)
		rc = out_of_memory(ctx);
	if (rc == 0)
		rc = dict_vendors(&c, &d);
	if (rc == 0)
		rc = dict_links(&c, &d);
	conf_close(&c);
	if (rc < 0) {
		rw_dict_release(&d);
		return rc;
	}
	*out = d;
	return 0;
}





/* ---- regimes.conf ---- */

static int regime_validate(struct conf *c, const rw_regime *g)
{
	const struct section_def *def = &regimes_defs[REGIMES_REGIME];
	const char *j = g->jurisdiction;

	if (j == NULL)
		return conf_error(c, def, g->id, "missing key 'jurisdiction'");
	if (strlen(j) != 2 || j[0] < 'A' || j[0] > 'Z' || j[1] < 'A' || j[1] > 'Z')
		return conf_error(c, def, g->id, "key 'jurisdiction': not a two-letter upper case code");
	if (strncasecmp(j, g->id, 2) != 0)
		return conf_error(c, def, g->id, "key 'jurisdiction': '%s' does not match the id's prefix '%.2s'", j,
				  g->id);
	if (g->title == NULL)
		return conf_error(c, def, g->id, "missing key 'title'");
	if (g->instrument == NULL)
		return conf_error(c, def, g->id, "missing key 'instrument'");
	if (g->evidence == NULL)
		return conf_error(c, def, g->id, "missing key 'evidence'");
	if (!web_url_ok(g->evidence))
		return conf_error(c, def, g->id, "key 'evidence': must start with https:// or http://");
	return 0;
}

static int event_validate(struct conf *c, const rw_regimes *r, const rw_dict *dict, const rw_event *e)
{
	const struct section_def *def = &regimes_defs[REGIMES_EVENT];
	static const char *const required[] = {"vendor", "regime", "status", "since", "citation", "evidence",
					       "confidence"};
	const char *values[NELEM(required)];
	size_t i;

	values[0] = e->vendor;
	values[1] = e->regime;
	values[2] = e->status;
	values[3] = e->since;
	values[4] = e->citation;
	values[5] = e->evidence;
	values[6] = e->confidence;
	for (i = 0; i < NELEM(required); i++)
		if (values[i] == NULL)
			return conf_error(c, def, e->id, "missing key '%s'", required[i]);
	if (dict ? rw_dict_find(dict, e->vendor) == NULL : !id_ok(e->vendor, NULL))
		return conf_error(c, def, e->id, "key 'vendor': unknown vendor '%s'", e->vendor);
	if (rw_regimes_find(r, e->regime) == NULL)
		return conf_error(c, def, e->id, "key 'regime': unknown regime '%s'", e->regime);
	if (rw_status_rank(e->status) < 0)
		return conf_error(c, def, e->id, "key 'status': unknown status '%s'", e->status);
	if (!rw_date_valid(e->since))
		return conf_error(c, def, e->id, "key 'since': not a real date (YYYY-MM-DD): '%s'", e->since);
	if (e->until && !rw_date_valid(e->until))
		return conf_error(c, def, e->id, "key 'until': not a real date (YYYY-MM-DD): '%s'", e->until);
	if (e->until && strcmp(e->until, e->since) <= 0)
		return conf_error(c, def, e->id, "key 'until': '%s' is not after since '%s'", e->until, e->since);
	if (!web_url_ok(e->evidence))
		return conf_error(c, def, e->id, "key 'evidence': must start with https:// or http://");
	if (strcmp(e->confidence, "H") != 0 && strcmp(e->confidence, "M") != 0 && strcmp(e->confidence, "L") != 0)
		return conf_error(c, def, e->id, "key 'confidence': must be H, M or L");
	return 0;
}

static int load_regimes(struct conf *c, rw_regimes *r)
{
	const struct section_def *def = &regimes_defs[REGIMES_REGIME];
	const rw_strvec *ids = &c->subs[REGIMES_REGIME];
	size_t i;
	int rc = 0;

	if (ids->n == 0)
		return 0;
	r->regimes = calloc(ids->n, sizeof(*r->regimes));
	if (r->regimes == NULL)
		return out_of_memory(c->ctx);
	r->nregimes = ids->n;
	for (i = 0; i < ids->n && rc == 0; i++) {
		rw_regime *g = &r->regimes[i];

		g->id = rw_strdup(ids->v[i]);
		if (g->id == NULL)
			return out_of_memory(c->ctx);
		if (strlen(g->id) < 4 || g->id[2] != '.' || !id_ok(g->id, "."))
			return conf_error(c, def, g->id, "id must be a jurisdiction prefix and a slug, like 'us.ndaa-889'");
		rc = conf_read(c, def, g->id, g);
		if (rc == 0)
			rc = regime_validate(c, g);
	}
	return rc;
}

static int load_events(struct conf *c, rw_regimes *r, const rw_dict *dict)
{
	const struct section_def *def = &regimes_defs[REGIMES_EVENT];
	const rw_strvec *ids = &c->subs[REGIMES_EVENT];
	size_t i;
	int rc = 0;

	if (ids->n == 0)
		return 0;
	r->events = calloc(ids->n, sizeof(*r->events));
	if (r->events == NULL)
		return out_of_memory(c->ctx);
	r->nevents = ids->n;
	for (i = 0; i < ids->n && rc == 0; i++) {
		rw_event *e = &r->events[i];

		e->id = rw_strdup(ids->v[i]);
		if (e->id == NULL)
			return out_of_memory(c->ctx);
		if (!id_ok(e->id, "._"))
			return conf_error(c, def, e->id, "id must be lower case letters, digits, '-', '_' or '.'");
		rc = conf_read(c, def, e->id, e);
		if (rc == 0)
			rc = event_validate(c, r, dict, e);
	}
	return rc;
}

int rw_regimes_load(rw_ctx *ctx, rw_regimes *out, const char *path, const rw_dict *dict)
{
	struct conf c;
	rw_regimes r;
	int rc;

	memset(&r, 0, sizeof(r));
	memset(out, 0, sizeof(*out));
	rc = conf_open(ctx, &c, path, regimes_defs);
	if (rc == 0 && (r.path = rw_strdup(path)) == NULL)
		rc = out_of_memory(ctx);
	if (rc == 0)
		rc = load_regimes(&c, &r);
	if (rc == 0)
		rc = load_events(&c, &r, dict);
	conf_close(&c);
	if (rc < 0) {
		rw_regimes_release(&r);
		return rc;
	}
	*out = r;
	return 0;
}



