/*
 * The configuration reader: feeds.conf, vendors.conf and regimes.conf, all in
 * git-config syntax, read with libgit2's config API.
 *
 * Each file is read in two passes. The first walks every entry once and
 * checks that its section and key are known, collecting the names of the
 * named sections ([source "NAME"], [vendor "ID"] ...) in file order. The
 * second fetches every known key of every section by name, with git's
 * semantics: the last value of a single-valued key wins, a multi-valued key
 * keeps all its values in order. Validation follows (feeds.c, dict.c,
 * regimes.c); every message names the file (as given), the section and the key.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "config/config_int.h"
#include "regwatch/dates.h"
#include "regwatch/url.h"
#include "regwatch/utf8.h"

/* ---- messages ---- */

static void where_text(char *buf, size_t n, const struct section_def *d, const char *sub)
{
	if (d->named)
		snprintf(buf, n, "%s '%.*s'", d->name, CONF_MAX_NAME * 2, sub);
	else
		snprintf(buf, n, "section '%s'", d->name);
}

int rw_conf_error(struct conf *c, const struct section_def *d, const char *sub, const char *fmt, ...)
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

int rw_conf_out_of_memory(rw_ctx *ctx)
{
	return rw_error(ctx, RW_ENOMEM, "out of memory");
}

/* ---- small checks ---- */

int rw_conf_word_in(const char *s, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, words[i]) == 0)
			return 1;
	return 0;
}

static int is_lower_or_digit(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

/* Lower case letters, digits and '-' (extra: further characters allowed after the first). */
int rw_conf_id_ok(const char *s, const char *extra)
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
int rw_conf_source_name_ok(const char *s)
{
	const char *p;

	if (s[0] == '\0' || s[0] == '.' || strlen(s) > CONF_MAX_NAME)
		return 0;
	for (p = s; *p; p++)
		if (!is_lower_or_digit(*p) && !(*p >= 'A' && *p <= 'Z') && *p != '-' && *p != '_' && *p != '.')
			return 0;
	return 1;
}

/* rw_url_check on a key's value; a refusal is a configuration error naming the key. */
int rw_conf_url_key_ok(struct conf *c, const struct section_def *d, const char *sub, const char *key,
		       const char *url, const char *schemes, unsigned flags)
{
	int rc = rw_url_check(c->ctx, url, schemes, flags);

	if (rc == RW_ENOMEM)
		return rw_conf_out_of_memory(c->ctx);
	if (rc < 0)
		return rw_conf_error(c, d, sub, "key '%s': %s", key, rw_errmsg(c->ctx));
	return 0;
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
int rw_conf_partial_date_ok(const char *s)
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
int rw_conf_partial_after(const char *until, const char *since)
{
	return strcmp(until, since) > 0 && strncmp(until, since, strlen(since)) != 0;
}

/* ---- reading ---- */

void rw_conf_close(struct conf *c)
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
		return rw_conf_error(c, NULL, NULL, "malformed key '%s'", name);
	slen = (size_t)(dot1 - name);
	for (i = 0; c->defs[i].name; i++)
		if (strlen(c->defs[i].name) == slen && strncmp(c->defs[i].name, name, slen) == 0)
			break;
	d = &c->defs[i];
	if (d->name == NULL)
		return rw_conf_error(c, NULL, NULL, "unknown section '%.*s'", (int)slen, name);
	sub[0] = '\0';
	if (dot2 != dot1) {
		sublen = (size_t)(dot2 - dot1 - 1);
		if (sublen > CONF_MAX_NAME)
			return rw_conf_error(c, NULL, NULL, "section '%s': name '%.*s...' longer than %d bytes",
					  d->name, CONF_MAX_NAME, dot1 + 1, CONF_MAX_NAME);
		memcpy(sub, dot1 + 1, sublen);
		sub[sublen] = '\0';
	}
	if (d->named && dot2 == dot1)
		return rw_conf_error(c, NULL, NULL, "section '%s' needs a name: [%s \"NAME\"]", d->name, d->name);
	if (!d->named && dot2 != dot1)
		return rw_conf_error(c, NULL, NULL, "section '%s' takes no name ('%s')", d->name, sub);
	if (d->named && sub[0] == '\0')
		return rw_conf_error(c, NULL, NULL, "section '%s' has an empty name", d->name);
	for (k = d->keys; k->name; k++)
		if (strcasecmp(k->name, dot2 + 1) == 0)
			break;
	if (k->name == NULL)
		return rw_conf_error(c, d, sub, "unknown key '%s'", dot2 + 1);
	if (d->named && !rw_strvec_contains(&c->subs[i], sub)) {
		rc = rw_strvec_push(&c->subs[i], sub);
		if (rc < 0)
			return rw_conf_out_of_memory(c->ctx);
	}
	return 0;
}

int rw_conf_open(rw_ctx *ctx, struct conf *c, const char *path, const struct section_def *defs)
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
		return rw_conf_error(c, d, sub, "key '%s': missing value", k->name);
	if (value[0] == '\0')
		return rw_conf_error(c, d, sub, "key '%s': empty value", k->name);
	if (strlen(value) > CONF_MAX_VALUE)
		return rw_conf_error(c, d, sub, "key '%s': longer than %d bytes", k->name, CONF_MAX_VALUE);
	for (p = (const unsigned char *)value; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return rw_conf_error(c, d, sub, "key '%s': contains control characters", k->name);
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
		/* text is valid UTF-8 from here on: each malformed sequence is U+FFFD */
		s = rw_utf8_repaired(value, strlen(value));
		if (s == NULL)
			return rw_conf_out_of_memory(c->ctx);
		if (k->type == KT_MULTI)
			return rw_strvec_push_owned((rw_strvec *)field, s) < 0 ? rw_conf_out_of_memory(c->ctx) : 0;
		rw_str_replace((char **)field, s);
		return 0;
	case KT_BOOL:
		if (git_config_parse_bool(&b, value) < 0)
			return rw_conf_error(c, d, sub, "key '%s': not a boolean", k->name);
		*(int *)field = b;
		return 0;
	case KT_LONG:
	case KT_SIZE:
		if (value == NULL || git_config_parse_int64(&v, value) < 0 || v < k->min || v > k->max)
			return rw_conf_error(c, d, sub, "key '%s': not an integer between %lld and %lld", k->name,
					  k->min, k->max);
		if (k->type == KT_LONG)
			*(long *)field = (long)v;
		else
			*(size_t *)field = (size_t)v;
		return 0;
	case KT_FRACTION:
		if (value == NULL || parse_fraction(value, &f) < 0)
			return rw_conf_error(c, d, sub, "key '%s': not a number between 0 and 1", k->name);
		*(double *)field = f;
		return 0;
	}
	return rw_conf_error(c, d, sub, "key '%s': unsupported type", k->name);
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
int rw_conf_read(struct conf *c, const struct section_def *d, const char *sub, void *obj)
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
