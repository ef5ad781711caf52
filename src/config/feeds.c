/* feeds.conf: the sources, fetching, [smtp] and [notify]. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_int.h"
#include "regwatch/url.h"


#define DEFAULT_USER_AGENT "regwatch/" REGWATCH_VERSION " (+https://github.com/regwatch/regwatch)"
#define DEFAULT_MAX_BYTES ((size_t)8 << 20)

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
	return strlen(id) >= 4 && id[2] == '.' && rw_conf_id_ok(id, ".");
}

static int source_validate(struct conf *c, const rw_source *s)
{
	const struct section_def *d = &feeds_defs[FEEDS_SOURCE];
	int rc;

	if (s->url == NULL)
		return rw_conf_error(c, d, s->name, "missing key 'url'");
	if ((rc = rw_conf_url_key_ok(c, d, s->name, "url", s->url, "http https file", RW_URL_NO_SPACES)) < 0)
		return rc;
	if (s->format == NULL)
		return rw_conf_error(c, d, s->name, "missing key 'format'");
	if (!rw_format_known(s->format))
		return rw_conf_error(c, d, s->name, "key 'format': unknown format '%s'", s->format);
	if (strcmp(s->format, "html-table") == 0 && s->table_header == NULL)
		return rw_conf_error(c, d, s->name, "missing key 'tableHeader' (format 'html-table' finds its table by header text)");
	if (rw_status_rank(s->status) < 0)
		return rw_conf_error(c, d, s->name, "key 'status': unknown status '%s'", s->status);
	if (s->regime && !regime_id_ok(s->regime))
		return rw_conf_error(c, d, s->name, "key 'regime': not a regime id like 'us.fcc-covered-list'");
	for (size_t i = 0; i < s->list_regimes.n; i++) {
		const char *eq = strrchr(s->list_regimes.v[i], '=');

		if (eq == NULL || eq == s->list_regimes.v[i] || !regime_id_ok(eq + 1))
			return rw_conf_error(c, d, s->name, "key 'listRegime': '%s' is not 'LIST NAME=REGIME ID'",
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
	int rc;

	if (s->password)
		return rw_conf_error(c, d, NULL, "key 'password': a password is never read from feeds.conf; "
			       "give passwordFile (a file of mode 0600) or set REGWATCH_SMTP_PASSWORD");
	if (s->url == NULL && (s->from || s->username || s->password_file))
		return rw_conf_error(c, d, NULL, "missing key 'url' (smtp://HOST:PORT or smtps://HOST:PORT)");
	if (s->url) {
		rc = rw_conf_url_key_ok(c, d, NULL, "url", s->url, "smtp smtps",
					RW_URL_NO_SPACES | RW_URL_NO_CREDENTIALS);
		if (rc < 0 && strstr(rw_errmsg(c->ctx), "credentials") != NULL)
			rc = rw_conf_error(c, d, NULL, "key 'url': credentials do not belong in the url; "
					"give username and passwordFile");
		if (rc < 0)
			return rc;
		if (s->from == NULL)
			return rw_conf_error(c, d, NULL, "missing key 'from' (the sender address)");
		if (!mail_address_ok(s->from))
			return rw_conf_error(c, d, NULL, "key 'from': '%s' is not an address like "
				       "'regwatch <alerts@example.org>'", s->from);
	}
	if (s->password_file && s->username == NULL)
		return rw_conf_error(c, d, NULL, "key 'passwordFile': needs key 'username'");
	if (f->notify.max_retry_delay_s < f->notify.retry_delay_s)
		return rw_conf_error(c, n, NULL, "key 'maxRetryDelay': less than retryDelay");
	if (conf_path(&f->smtp.password_file, f->dir) < 0 || conf_path(&f->notify.ca_file, f->dir) < 0 ||
	    conf_path(&f->notify.webhook_secret_file, f->dir) < 0)
		return rw_conf_out_of_memory(c->ctx);
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
		return rw_conf_out_of_memory(c->ctx);
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
			return rw_conf_out_of_memory(c->ctx);
		if (!rw_conf_source_name_ok(s->name))
			return rw_conf_error(c, d, s->name, "name must be letters, digits, '-', '_' or '.'");
		rc = rw_conf_read(c, d, s->name, s);
		if (rc == 0 && s->status == NULL && (s->status = rw_strdup("listed")) == NULL)
			rc = rw_conf_out_of_memory(c->ctx);
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
	rc = rw_conf_open(ctx, &c, path, feeds_defs);
	if (rc < 0)
		goto out;
	if (feeds_defaults(&f, path) < 0) {
		rc = rw_conf_out_of_memory(ctx);
		goto out;
	}
	rc = rw_conf_read(&c, &feeds_defs[FEEDS_REGWATCH], NULL, &f);
	if (rc == 0)
		rc = rw_conf_read(&c, fetch, NULL, &f);
	if (rc == 0 && f.max_retry_delay_ms < f.retry_delay_ms)
		rc = rw_conf_error(&c, fetch, NULL, "key 'maxRetryDelay': less than retryDelay");
	if (rc == 0)
		rc = rw_conf_read(&c, &feeds_defs[FEEDS_SMTP], NULL, &f);
	if (rc == 0)
		rc = rw_conf_read(&c, &feeds_defs[FEEDS_NOTIFY], NULL, &f);
	if (rc == 0)
		rc = notify_validate(&c, &f);
	if (rc == 0 && f.data_dir) {
		char *p = resolve_path(f.dir, f.data_dir);

		if (p == NULL)
			rc = rw_conf_out_of_memory(ctx);
		else
			rw_str_replace(&f.data_dir, p);
	}
	if (rc == 0 && (feeds_path(&f, &f.vendors_path, "vendors.conf") < 0 ||
			feeds_path(&f, &f.regimes_path, "regimes.conf") < 0))
		rc = rw_conf_out_of_memory(ctx);
	if (rc == 0)
		rc = feeds_sources(&c, &f);
out:
	rw_conf_close(&c);
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
