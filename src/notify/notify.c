/*
 * Notifications: checks of addresses and URLs, which changes concern whom,
 * the words of every message, and delivery over SMTP and HTTP with libcurl.
 *
 * Safe defaults on every transfer: only the protocols of the channel (smtp and
 * smtps; http and https), no redirects, TLS verification on with TLS 1.2 at
 * least, connect and total timeouts, no signals, no proxy from the
 * environment, never CURLOPT_VERBOSE (it would log the SMTP AUTH exchange).
 * Credentials go only through CURLOPT_USERNAME / CURLOPT_PASSWORD; no message
 * ever names them.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "regwatch/dates.h"
#include "regwatch/json.h"
#include "regwatch/members.h"
#include "regwatch/notify.h"
#include "regwatch/secret.h"

#define WRAP 72                      /* text width of message bodies */
#define QP_LINE 76                   /* longest quoted-printable line */
#define CONNECT_TIMEOUT_MS 10000L
#define RESPONSE_MAX ((size_t)64 << 10) /* webhook answer bytes read (and dropped) */
#define SUBJECT_VENDORS 3            /* vendor ids named in a subject */

/* ---- addresses, URLs, hosts ---- */

static int atext(int c)
{
	return isalnum(c) || (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

int rw_member_email_check(rw_ctx *ctx, const char *email)
{
	const char *at = strchr(email, '@'), *p, *label;
	size_t n = strlen(email);

	if (n == 0)
		return rw_error(ctx, RW_EUSAGE, "an email address is needed");
	if (n > RW_EMAIL_MAX)
		return rw_error(ctx, RW_EUSAGE, "email address longer than %d characters", RW_EMAIL_MAX);
	if (at == NULL || strchr(at + 1, '@') != NULL)
		return rw_error(ctx, RW_EUSAGE, "'%s' is not an email address (one '@' is needed)", email);
	if (at == email || at - email > 64)
		return rw_error(ctx, RW_EUSAGE, "'%s' is not an email address (the part before '@' must be 1 to 64 "
				"characters)", email);
	for (p = email; p < at; p++) {
		if (*p == '.' && (p == email || p + 1 == at || p[1] == '.'))
			return rw_error(ctx, RW_EUSAGE, "'%s' is not an email address (misplaced '.')", email);
		if (*p != '.' && !atext((unsigned char)*p))
			return rw_error(ctx, RW_EUSAGE, "'%s' is not an email address (character '%c' before '@')",
					email, isprint((unsigned char)*p) ? *p : '?');
	}
	label = at + 1;
	if (strchr(label, '.') == NULL)
		return rw_error(ctx, RW_EUSAGE, "'%s' is not an email address (the domain needs a dot, as in "
				"example.org)", email);
	for (p = label;; p++) {
		if (*p == '.' || *p == '\0') {
			size_t len = (size_t)(p - label);

			if (len == 0 || len > 63 || label[0] == '-' || p[-1] == '-')
				return rw_error(ctx, RW_EUSAGE, "'%s' is not an email address (bad domain)", email);
			if (*p == '\0')
				break;
			label = p + 1;
		} else if (!isalnum((unsigned char)*p) && *p != '-') {
			return rw_error(ctx, RW_EUSAGE, "'%s' is not an email address (character '%c' in the domain)",
					email, isprint((unsigned char)*p) ? *p : '?');
		}
	}
	return 0;
}

int rw_host_is_loopback(const char *host)
{
	const char *p = host;
	int parts = 0;

	if (strcmp(host, "[::1]") == 0 || strcmp(host, "::1") == 0)
		return 1;
	if (strncmp(host, "127.", 4) != 0)
		return 0;
	/* A dotted quad: four numbers up to 255. */
	while (*p) {
		long v = 0;
		int digits = 0;

		while (isdigit((unsigned char)*p) && digits < 4) {
			v = v * 10 + (*p - '0');
			p++;
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return 0;
		parts++;
		if (*p == '.' && parts < 4)
			p++;
		else if (*p != '\0')
			return 0;
	}
	return parts == 4;
}

/* Parses url; *u is freed by the caller with curl_url_cleanup. */
static int url_parse(const char *url, CURLU **u)
{
	*u = curl_url();
	if (*u == NULL)
		return RW_ENOMEM;
	if (curl_url_set(*u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
		return RW_EDATA;
	return 0;
}

/* The value of a part of u (caller frees with curl_free), or NULL when absent. */
static char *url_part(CURLU *u, CURLUPart part)
{
	char *v = NULL;

	if (curl_url_get(u, part, &v, 0) != CURLUE_OK)
		return NULL;
	return v;
}

char *rw_url_for_messages(const char *url)
{
	CURLU *u = NULL;
	char *v = NULL, *out = NULL;

	if (url_parse(url, &u) == 0) {
		curl_url_set(u, CURLUPART_USER, NULL, 0);
		curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
		curl_url_set(u, CURLUPART_QUERY, NULL, 0);
		curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
		v = url_part(u, CURLUPART_URL);
	}
	out = v ? rw_strdup(v) : rw_strdup("(unreadable url)");
	curl_free(v);
	curl_url_cleanup(u);
	return out;
}

int rw_member_webhook_check(rw_ctx *ctx, const char *url)
{
	CURLU *u = NULL;
	char *scheme = NULL, *host = NULL, *user = NULL, *shown = NULL;
	int rc;

	shown = rw_url_for_messages(url);
	if (shown == NULL)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	rc = url_parse(url, &u);
	if (rc == RW_ENOMEM) {
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
		goto out;
	}
	if (rc < 0 || (scheme = url_part(u, CURLUPART_SCHEME)) == NULL ||
	    (host = url_part(u, CURLUPART_HOST)) == NULL) {
		rc = rw_error(ctx, RW_EUSAGE, "webhook '%s': not a URL", shown);
		goto out;
	}
	if (strcasecmp(scheme, "https") != 0 && strcasecmp(scheme, "http") != 0) {
		rc = rw_error(ctx, RW_EUSAGE, "webhook '%s': scheme must be https (or http to a loopback address)",
			      shown);
		goto out;
	}
	if (strcasecmp(scheme, "http") == 0 && !rw_host_is_loopback(host)) {
		rc = rw_error(ctx, RW_EUSAGE, "webhook '%s': plain http only to a loopback address; use https",
			      shown);
		goto out;
	}
	user = url_part(u, CURLUPART_USER);
	if (user != NULL) {
		rc = rw_error(ctx, RW_EUSAGE, "webhook '%s': credentials do not belong in the URL", shown);
		goto out;
	}
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_url_cleanup(u);
	free(shown);
	return rc;
}

/* ---- who is concerned ---- */

static const char *parent_of(const rw_vendor_tree *tree, const char *id)
{
	size_t i;

	for (i = 0; i < tree->t.n; i++)
		if (strcmp(tree->t.v[i].f[0], id) == 0)
			return tree->t.v[i].f[1][0] ? tree->t.v[i].f[1] : NULL;
	return NULL;
}

/* 1 when `ancestor` is a parent, grandparent ... of id. */
static int descends_from(const rw_vendor_tree *tree, const char *id, const char *ancestor)
{
	const char *p = id;
	int depth;

	for (depth = 0; depth < 16 && (p = parent_of(tree, p)) != NULL; depth++)
		if (strcmp(p, ancestor) == 0)
			return 1;
	return 0;
}

static int host_ends_with(const char *host, const char *suffix)
{
	size_t h = strlen(host), s = strlen(suffix);

	if (h == s)
		return strcasecmp(host, suffix) == 0;
	return h > s && host[h - s - 1] == '.' && strcasecmp(host + h - s, suffix) == 0;
}

const char *rw_notify_jurisdiction(const rw_row *change)
{
	const char *j = change->f[RW_N_JURISDICTION];
	CURLU *u = NULL;
	char *host = NULL;

	if (j[0] || change->f[RW_N_EVIDENCE][0] == '\0')
		return j;
	if (url_parse(change->f[RW_N_EVIDENCE], &u) == 0)
		host = url_part(u, CURLUPART_HOST);
	j = "";
	if (host && (host_ends_with(host, "gov.uk") || host_ends_with(host, "parliament.uk")))
		j = "UK";
	else if (host && host_ends_with(host, "europa.eu"))
		j = "EU";
	else if (host && (host_ends_with(host, "gov") || host_ends_with(host, "mil")))
		j = "US";
	curl_free(host);
	curl_url_cleanup(u);
	return j;
}

int rw_notify_relevant(const rw_member *m, const rw_vendor_tree *tree, const rw_row *change)
{
	const char *vendor = change->f[RW_N_VENDOR];
	int affiliates = change->f[RW_N_AFFILIATES][0] == '1';
	size_t i;

	if (m->jurisdictions.n > 0) {
		const char *j = rw_notify_jurisdiction(change);

		if (j[0] == '\0' || !rw_strvec_contains(&m->jurisdictions, j))
			return 0;
	}
	if (m->vendors.n == 0)
		return 1;
	if (vendor[0] == '\0')
		return 0;
	for (i = 0; i < m->vendors.n; i++) {
		const char *f = m->vendors.v[i];

		if (strcmp(f, vendor) == 0 || descends_from(tree, vendor, f) ||
		    (affiliates && descends_from(tree, f, vendor)))
			return 1;
	}
	return 0;
}

int rw_notify_reaches(const rw_vendor_tree *tree, const char *changed, int affiliates, const char *asset_vendor)
{
	if (changed[0] == '\0' || asset_vendor == NULL)
		return 0;
	return strcmp(changed, asset_vendor) == 0 || (affiliates && descends_from(tree, asset_vendor, changed));
}

void rw_notify_msg_key(char out[RW_MSG_KEY_LEN], long run, const char *day, const char *email)
{
	unsigned char digest[RW_SHA256_LEN];
	char hex[2 * RW_SHA256_LEN + 1];
	char lower[RW_EMAIL_MAX + 1];
	size_t i;

	for (i = 0; email[i] && i < RW_EMAIL_MAX; i++)
		lower[i] = (char)tolower((unsigned char)email[i]);
	lower[i] = '\0';
	rw_sha256(lower, i, digest);
	rw_hex(hex, digest, 8);
	if (run > 0)
		snprintf(out, RW_MSG_KEY_LEN, "run-%ld.%s", run, hex);
	else
		snprintf(out, RW_MSG_KEY_LEN, "digest-%s.%s", day ? day : "", hex);
}

/* ---- the words ---- */

static const char *plural(long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* Appends text wrapped at WRAP columns: first line after `first` (already written, of
   width `col`), following lines indented by `indent` spaces. Words longer than a line
   (URLs) stand on a line of their own. */
static int wrap(rw_buf *b, size_t col, size_t indent, const char *text)
{
	const char *p = text;
	int rc = 0;

	while (*p && rc == 0) {
		const char *w = p;
		size_t len, i;

		while (*w == ' ')
			w++;
		if (*w == '\0')
			break;
		for (len = 0; w[len] && w[len] != ' '; len++)
			;
		if (col > indent && col + 1 + len > WRAP) {
			rc = rw_buf_putc(b, '\n');
			for (i = 0; i < indent && rc == 0; i++)
				rc = rw_buf_putc(b, ' ');
			col = indent;
		} else if (col > indent) {
			rc = rw_buf_putc(b, ' ');
			col++;
		}
		if (rc == 0)
			rc = rw_buf_append(b, w, len);
		col += len;
		p = w + len;
	}
	return rc == 0 ? rw_buf_putc(b, '\n') : rc;
}

/* "Hangzhou Hikvision Digital Technology Co., Ltd. (hikvision)", or the entity's name. */
static char *who(const rw_row *c)
{
	if (c->f[RW_N_VENDOR][0] && c->f[RW_N_VENDOR_NAME][0])
		return rw_asprintf("%s (%s)", c->f[RW_N_VENDOR_NAME], c->f[RW_N_VENDOR]);
	if (c->f[RW_N_VENDOR][0])
		return rw_strdup(c->f[RW_N_VENDOR]);
	return rw_asprintf("\"%s\"", c->f[RW_N_ENTITY][0] ? c->f[RW_N_ENTITY] : "an entry");
}

/* "FCC Covered List (Secure Networks Act section 2) [us.fcc-covered-list, US]" */
static char *regime_words(const rw_row *c)
{
	const char *j = rw_notify_jurisdiction(c);

	if (c->f[RW_N_REGIME_TITLE][0])
		return rw_asprintf("%s [%s%s%s]", c->f[RW_N_REGIME_TITLE], c->f[RW_N_REGIME], j[0] ? ", " : "", j);
	return rw_asprintf("%s%s%s%s", c->f[RW_N_REGIME], j[0] ? " [" : "", j, j[0] ? "]" : "");
}

/* One change in plain language. */
static char *describe(const rw_row *c)
{
	const char *kind = c->f[RW_N_KIND], *eff = c->f[RW_N_EFFECTIVE];
	char *name = who(c), *regime = regime_words(c), *s = NULL;

	if (name == NULL || regime == NULL)
		goto out;
	if (strcmp(kind, "added") == 0)
		s = rw_asprintf("%s is now %s under %s, in force since %s.", name, c->f[RW_N_TO], regime,
				eff[0] ? eff : "a date the source does not give");
	else if (strcmp(kind, "new-entity") == 0)
		s = rw_asprintf("%s is now %s under %s, in force since %s. The name matches no vendor of "
				"the dictionary: check whether it is one you buy from under another name.",
				name, c->f[RW_N_TO], regime, eff[0] ? eff : "a date the source does not give");
	else if (strcmp(kind, "ended") == 0)
		s = rw_asprintf("%s is no longer %s under %s: the status ended on %s.", name, c->f[RW_N_FROM],
				regime, eff[0] ? eff : "a date the source does not give");
	else if (strcmp(kind, "changed") == 0)
		s = rw_asprintf("%s: the status under %s changed from %s to %s, effective %s.", name, regime,
				c->f[RW_N_FROM][0] ? c->f[RW_N_FROM] : "none", c->f[RW_N_TO][0] ? c->f[RW_N_TO] : "none",
				eff[0] ? eff : "on a date the source does not give");
	else if (strcmp(kind, "removed") == 0)
		s = rw_asprintf("%s: the source no longer reports its %s entry under %s.", name, c->f[RW_N_FROM],
				regime);
	else if (strcmp(kind, "announcement") == 0)
		s = rw_asprintf("%s is named in an announcement%s%s: \"%s\".", name, eff[0] ? " of " : "", eff,
				c->f[RW_N_TITLE]);
	else
		s = rw_asprintf("%s: %s under %s (%s).", name, kind, regime, eff);
out:
	free(name);
	free(regime);
	return s;
}

static void json_change(rw_json *j, const rw_row *c, long run)
{
	rw_json_object(j, NULL);
	rw_json_str(j, "kind", c->f[RW_N_KIND]);
	rw_json_str_or_null(j, "vendor", c->f[RW_N_VENDOR]);
	rw_json_str_or_null(j, "entity", c->f[RW_N_ENTITY]);
	rw_json_str_or_null(j, "regime", c->f[RW_N_REGIME]);
	rw_json_str_or_null(j, "jurisdiction", rw_notify_jurisdiction(c));
	rw_json_str_or_null(j, "from", c->f[RW_N_FROM]);
	rw_json_str_or_null(j, "to", c->f[RW_N_TO]);
	rw_json_str_or_null(j, "effective", c->f[RW_N_EFFECTIVE]);
	rw_json_str(j, "source", c->f[RW_N_SOURCE]);
	rw_json_str_or_null(j, "evidence", c->f[RW_N_EVIDENCE]);
	rw_json_str_or_null(j, "title", c->f[RW_N_TITLE]);
	rw_json_int(j, "run", run);
	rw_json_end(j);
}

/* "hikvision, dahua and 2 more" (vendor ids in order of appearance). */
static int subject_vendors(rw_buf *s, const rw_table *changes)
{
	rw_strvec seen = RW_STRVEC_INIT;
	size_t i;
	int rc = 0, entities = 0;

	for (i = 0; i < changes->n && rc == 0; i++) {
		const char *v = changes->v[i].f[RW_N_VENDOR];

		if (v[0] == '\0')
			entities = 1;
		else if (!rw_strvec_contains(&seen, v))
			rc = rw_strvec_push(&seen, v);
	}
	for (i = 0; i < seen.n && i < SUBJECT_VENDORS && rc == 0; i++)
		rc = rw_buf_printf(s, "%s%s", i ? ", " : "", seen.v[i]);
	if (rc == 0 && seen.n > SUBJECT_VENDORS)
		rc = rw_buf_printf(s, " and %zu more", seen.n - SUBJECT_VENDORS);
	if (rc == 0 && entities)
		rc = rw_buf_printf(s, "%snew list entries", seen.n ? ", " : "");
	rw_strvec_release(&seen);
	return rc;
}

static int following(rw_buf *b, const rw_member *m)
{
	rw_buf line = RW_BUF_INIT;
	size_t i;
	int rc;

	rc = rw_buf_printf(&line, "You receive this because %s follows %s: ", m->email,
			   m->vendors.n == 1 ? "the vendor" : "the vendors");
	if (rc == 0 && m->vendors.n == 0)
		rc = rw_buf_puts(&line, "all");
	for (i = 0; i < m->vendors.n && rc == 0; i++)
		rc = rw_buf_printf(&line, "%s%s", i == 0 ? "" : ", ", m->vendors.v[i]);
	if (rc == 0)
		rc = rw_buf_printf(&line, "; %s: ", m->jurisdictions.n == 1 ? "jurisdiction" : "jurisdictions");
	if (rc == 0 && m->jurisdictions.n == 0)
		rc = rw_buf_puts(&line, "all");
	for (i = 0; i < m->jurisdictions.n && rc == 0; i++)
		rc = rw_buf_printf(&line, "%s%s", i == 0 ? "" : ", ", m->jurisdictions.v[i]);
	if (rc == 0)
		rc = rw_buf_puts(&line, ". Sent by regwatch, the user group's register of where surveillance and "
				 "telecoms vendors stand with regulators.");
	if (rc == 0)
		rc = rw_buf_puts(b, "-- \n");
	if (rc == 0)
		rc = wrap(b, 0, 0, rw_buf_cstr(&line));
	rw_buf_release(&line);
	return rc;
}

static int assets_text(rw_buf *b, const rw_notice *n)
{
	const rw_table *a = n->assets;
	const char *site = NULL;
	long units = 0;
	size_t i;
	int rc = 0;

	for (i = 0; i < a->n; i++) {
		long q = strtol(a->v[i].f[RW_NA_QUANTITY], NULL, 10);

		units += q > 0 ? q : 0;
	}
	if (a->n == 0) {
		char *none = rw_asprintf("Your inventory: none of its %zu %s is from the vendors these changes "
					 "concern.", n->assets_checked, n->assets_checked == 1 ? "asset" : "assets");

		rc = none ? wrap(b, 0, 0, none) : RW_ENOMEM;
		free(none);
		return rc == 0 ? rw_buf_putc(b, '\n') : rc;
	}
	{
		char *head = rw_asprintf("Your affected assets: %zu of the %zu %s in your inventory (%ld %s), by "
					 "site.", a->n, n->assets_checked, n->assets_checked == 1 ? "asset" : "assets",
					 units, plural(units, "unit", "units"));

		rc = head ? wrap(b, 0, 0, head) : RW_ENOMEM;
		free(head);
	}
	for (i = 0; i < a->n && rc == 0; i++) {
		char *const *f = a->v[i].f;
		char *line;

		if (site == NULL || strcmp(site, f[RW_NA_SITE]) != 0) {
			site = f[RW_NA_SITE];
			rc = rw_buf_printf(b, "\n%s\n", site[0] ? site : "(no site given)");
		}
		if (rc < 0)
			break;
		line = rw_asprintf("%s: %s%s%s, quantity %s (%s, matched by %s%s)", f[RW_NA_ASSET],
				   f[RW_NA_MANUFACTURER][0] ? f[RW_NA_MANUFACTURER] : "unknown maker",
				   f[RW_NA_MODEL][0] ? " " : "", f[RW_NA_MODEL], f[RW_NA_QUANTITY], f[RW_NA_VENDOR],
				   f[RW_NA_MATCHED_BY], f[RW_NA_POSSIBLE][0] ? "; possible, the link is only claimed" : "");
		rc = line ? rw_buf_puts(b, "  - ") : RW_ENOMEM;
		if (rc == 0)
			rc = wrap(b, 4, 4, line);
		free(line);
	}
	return rc == 0 ? rw_buf_putc(b, '\n') : rc;
}

int rw_notify_compose(rw_ctx *ctx, const rw_notice *n, rw_buf *subject, rw_buf *text, rw_buf *json)
{
	char day[RW_DATE_LEN];
	rw_json j;
	size_t i;
	int rc;

	snprintf(day, sizeof(day), "%.10s", n->recorded_at);
	rc = rw_buf_printf(subject, "regwatch: %zu %s for ", n->changes->n, plural((long)n->changes->n, "change", "changes"));
	if (rc == 0)
		rc = subject_vendors(subject, n->changes);
	if (rc == 0)
		rc = rw_buf_printf(subject, " (run %ld)", n->run);

	if (rc == 0) {
		char *intro = rw_asprintf("regwatch recorded %zu %s on %s (run %ld) that %s the vendors and "
					  "jurisdictions you follow.", n->changes->n,
					  plural((long)n->changes->n, "change", "changes"), day, n->run,
					  n->changes->n == 1 ? "concerns" : "concern");

		rc = intro ? wrap(text, 0, 0, intro) : RW_ENOMEM;
		if (rc == 0)
			rc = rw_buf_putc(text, '\n');
		free(intro);
	}
	for (i = 0; i < n->changes->n && rc == 0; i++) {
		const rw_row *c = &n->changes->v[i];
		char *line = describe(c);
		char num[32];

		if (line == NULL) {
			rc = RW_ENOMEM;
			break;
		}
		snprintf(num, sizeof(num), "%zu. ", i + 1);
		rc = rw_buf_puts(text, num);
		if (rc == 0)
			rc = wrap(text, strlen(num), strlen(num), line);
		if (rc == 0)
			rc = rw_buf_printf(text, "%*sSource: %s\n", (int)strlen(num), "", c->f[RW_N_SOURCE]);
		if (rc == 0 && c->f[RW_N_EVIDENCE][0])
			rc = rw_buf_printf(text, "%*sEvidence: %s\n", (int)strlen(num), "", c->f[RW_N_EVIDENCE]);
		if (rc == 0)
			rc = rw_buf_putc(text, '\n');
		free(line);
	}
	if (rc == 0 && n->assets)
		rc = assets_text(text, n);
	if (rc == 0)
		rc = following(text, n->member);

	rw_json_init(&j, json);
	rw_json_object(&j, NULL);
	rw_json_int(&j, "run", n->run);
	rw_json_str(&j, "member", n->member->email);
	rw_json_str(&j, "recorded_at", n->recorded_at);
	rw_json_array(&j, "changes");
	for (i = 0; i < n->changes->n; i++)
		json_change(&j, &n->changes->v[i], n->run);
	rw_json_end(&j);
	rw_json_raw(&j, "affected_assets", n->assets_json && n->assets_json[0] ? n->assets_json : "[]");
	rw_json_end(&j);
	if (rc == 0)
		rc = rw_json_finish(&j);
	if (rc < 0)
		return rw_error(ctx, rc, "notification for '%s': message too large or out of memory", n->member->email);
	return 0;
}

static const char *const healths[] = {"ok", "stale", "failing", "quarantined"};

int rw_notify_compose_digest(rw_ctx *ctx, const rw_digest *d, rw_buf *subject, rw_buf *text, rw_buf *json)
{
	long count[4] = {0, 0, 0, 0};
	rw_buf headline = RW_BUF_INIT;
	size_t i, k, width = 6;
	rw_json j;
	int rc;

	for (i = 0; i < d->sources->n; i++) {
		const char *h = d->sources->v[i].f[RW_S_HEALTH];

		for (k = 0; k < 4; k++)
			if (strcmp(h, healths[k]) == 0)
				count[k]++;
		if (strlen(d->sources->v[i].f[RW_S_NAME]) > width)
			width = strlen(d->sources->v[i].f[RW_S_NAME]);
	}
	rc = rw_buf_printf(&headline, "%zu %s checked, %ld %s", d->sources->n,
			   plural((long)d->sources->n, "source", "sources"), d->changes,
			   plural(d->changes, "change", "changes"));
	for (k = 1; k < 4 && rc == 0; k++)
		if (count[k] > 0)
			rc = rw_buf_printf(&headline, ", %ld %s %s", count[k], plural(count[k], "source", "sources"),
					   healths[k]);
	if (rc == 0)
		rc = rw_buf_printf(subject, "regwatch heartbeat %.10s: %s", d->until, rw_buf_cstr(&headline));
	if (rc == 0)
		rc = rw_buf_printf(text, "regwatch heartbeat, %.10s\n\n%s.\n\n", d->until, rw_buf_cstr(&headline));
	if (rc == 0) {
		char *period = rw_asprintf("From %s to %s regwatch recorded %ld %s; %ld %s the vendors and "
					   "jurisdictions you follow.", d->since, d->until, d->runs,
					   plural(d->runs, "run", "runs"), d->changes,
					   d->changes == 1 ? "change concerns" : "changes concern");

		rc = period ? wrap(text, 0, 0, period) : RW_ENOMEM;
		free(period);
	}
	if (rc == 0 && d->dead > 0)
		rc = rw_buf_printf(text, "%ld %s could not be delivered (see 'regwatch notify').\n", d->dead,
				   plural(d->dead, "notification", "notifications"));
	if (rc == 0)
		rc = rw_buf_puts(text, "\nSources:\n");
	for (i = 0; i < d->sources->n && rc == 0; i++) {
		char *const *f = d->sources->v[i].f;

		rc = rw_buf_printf(text, "  %-*s  %-11s  last success %s%s%s\n", (int)width, f[RW_S_NAME],
				   f[RW_S_HEALTH], f[RW_S_LAST_SUCCESS][0] ? f[RW_S_LAST_SUCCESS] : "never",
				   f[RW_S_REASON][0] ? "; " : "", f[RW_S_REASON]);
	}
	if (rc == 0)
		rc = rw_buf_putc(text, '\n');
	if (rc == 0)
		rc = following(text, d->member);

	rw_json_init(&j, json);
	rw_json_object(&j, NULL);
	rw_json_raw(&j, "digest", "true");
	rw_json_str(&j, "member", d->member->email);
	rw_json_str(&j, "since", d->since);
	rw_json_str(&j, "until", d->until);
	rw_json_int(&j, "runs", d->runs);
	rw_json_int(&j, "changes", d->changes);
	rw_json_int(&j, "dead_notifications", d->dead);
	rw_json_object(&j, "sources");
	rw_json_int(&j, "checked", (long)d->sources->n);
	for (k = 0; k < 4; k++)
		rw_json_int(&j, healths[k], count[k]);
	rw_json_end(&j);
	rw_json_array(&j, "source_health");
	for (i = 0; i < d->sources->n; i++) {
		char *const *f = d->sources->v[i].f;

		rw_json_object(&j, NULL);
		rw_json_str(&j, "name", f[RW_S_NAME]);
		rw_json_str(&j, "health", f[RW_S_HEALTH]);
		rw_json_str_or_null(&j, "reason", f[RW_S_REASON]);
		rw_json_str_or_null(&j, "last_success", f[RW_S_LAST_SUCCESS]);
		rw_json_end(&j);
	}
	rw_json_end(&j);
	rw_json_end(&j);
	if (rc == 0)
		rc = rw_json_finish(&j);
	rw_buf_release(&headline);
	if (rc < 0)
		return rw_error(ctx, rc, "heartbeat for '%s': message too large or out of memory", d->member->email);
	return 0;
}

/* ---- the email ---- */

/* The address inside a "Name <addr>" value, or the value itself (caller frees). */
static char *bare_address(const char *from)
{
	const char *lt = strchr(from, '<'), *gt;

	if (lt == NULL)
		return rw_strdup(from);
	gt = strchr(lt, '>');
	return gt ? rw_strndup(lt + 1, (size_t)(gt - lt - 1)) : rw_strdup(lt + 1);
}

/* RFC 5322 date: "Sun, 29 Nov 2026 02:00:00 +0000". */
static void mail_date(const char *instant, char out[40])
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	time_t t;

	if (rw_instant_parse(instant, &t) < 0)
		t = 0;
	gmtime_r(&t, &tm);
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7], tm.tm_mday,
		 months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int all_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80 || (unsigned char)*s < 0x20)
			return 0;
	return 1;
}

/* A header value: ASCII as it is, anything else as an RFC 2047 encoded word. */
static int header_value(rw_buf *b, const char *v)
{
	int rc;

	if (all_ascii(v))
		return rw_buf_puts(b, v);
	rc = rw_buf_puts(b, "=?UTF-8?B?");
	if (rc == 0)
		rc = rw_base64_append(b, v, strlen(v));
	return rc == 0 ? rw_buf_puts(b, "?=") : rc;
}

/* Quoted-printable (RFC 2045) of UTF-8 text with LF line ends; CRLF in the output. */
static int quoted_printable(rw_buf *b, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)text;
	size_t col = 0;
	int rc = 0;

	while (*p && rc == 0) {
		char tok[4];
		size_t n;

		if (*p == '\n') {
			rc = rw_buf_puts(b, "\r\n");
			col = 0;
			p++;
			continue;
		}
		if ((*p >= 33 && *p <= 126 && *p != '=') ||
		    ((*p == ' ' || *p == '\t') && p[1] != '\n' && p[1] != '\0')) {
			tok[0] = (char)*p;
			n = 1;
		} else {
			tok[0] = '=';
			tok[1] = hex[*p >> 4];
			tok[2] = hex[*p & 15];
			n = 3;
		}
		if (col + n > QP_LINE - 1) {
			rc = rw_buf_puts(b, "=\r\n");
			col = 0;
		}
		if (rc == 0)
			rc = rw_buf_append(b, tok, n);
		col += n;
		p++;
	}
	if (rc == 0 && col > 0)
		rc = rw_buf_puts(b, "\r\n");
	return rc;
}

/* The header block of m's email, lines ended by eol, without the blank line after it. */
static int email_headers(const rw_outbox_msg *m, const char *from, const char *eol, rw_buf *out)
{
	char date[40];
	char *addr = bare_address(from ? from : "regwatch@localhost");
	const char *domain = addr ? strrchr(addr, '@') : NULL;
	int rc;

	if (addr == NULL)
		return RW_ENOMEM;
	mail_date(m->created_at, date);
	rc = rw_buf_printf(out, "Date: %s%sFrom: %s%sTo: %s%sSubject: ", date, eol,
			   from ? from : "regwatch <regwatch@localhost>", eol, m->destination, eol);
	if (rc == 0)
		rc = header_value(out, m->subject);
	if (rc == 0)
		rc = rw_buf_printf(out, "%sMessage-ID: <regwatch.%s@%s>%s", eol, m->msg_key,
				   domain && domain[1] ? domain + 1 : "localhost", eol);
	if (rc == 0)
		rc = rw_buf_printf(out, "MIME-Version: 1.0%sContent-Type: text/plain; charset=UTF-8%s"
				   "Content-Transfer-Encoding: quoted-printable%sAuto-Submitted: auto-generated%s",
				   eol, eol, eol, eol);
	if (rc == 0 && m->run > 0)
		rc = rw_buf_printf(out, "X-Regwatch-Run: %ld%s", m->run, eol);
	free(addr);
	return rc;
}

int rw_notify_email(rw_ctx *ctx, const rw_outbox_msg *m, const char *from, rw_buf *out)
{
	int rc = email_headers(m, from, "\r\n", out);

	if (rc == 0)
		rc = rw_buf_puts(out, "\r\n");
	if (rc == 0)
		rc = quoted_printable(out, m->body);
	if (rc < 0)
		return rw_error(ctx, rc, "message for '%s': too large or out of memory", m->member);
	return 0;
}

/* ---- delivery ---- */

int rw_notify_opts_init(rw_ctx *ctx, rw_notify_opts *o, const rw_feeds *f)
{
	char what[1200];
	int rc = 0;

	memset(o, 0, sizeof(*o));
	o->smtp = &f->smtp;
	o->conf = &f->notify;
	o->user_agent = f->user_agent;
	o->lease_s = RW_NOTIFY_LEASE_S;
	if (f->smtp.url && f->smtp.username) {
		if (f->smtp.password_file) {
			snprintf(what, sizeof(what), "%s: smtp: passwordFile", f->path ? f->path : "feeds.conf");
			rc = rw_secret_read(ctx, what, f->smtp.password_file, &o->smtp_password);
		} else {
			rc = rw_secret_from_env(ctx, RW_NOTIFY_PASSWORD_ENV, &o->smtp_password);
			if (rc == RW_ENOTFOUND)
				rc = rw_error(ctx, RW_ECONFIG, "%s: smtp: username '%s' needs a password: give passwordFile "
					      "(a file of mode 0600) or set %s", f->path ? f->path : "feeds.conf",
					      f->smtp.username, RW_NOTIFY_PASSWORD_ENV);
		}
	}
	if (rc == 0 && f->notify.webhook_secret_file) {
		snprintf(what, sizeof(what), "%s: notify: webhookSecretFile", f->path ? f->path : "feeds.conf");
		rc = rw_secret_read(ctx, what, f->notify.webhook_secret_file, &o->webhook_secret);
	}
	if (rc < 0) {
		rw_notify_opts_release(o);
		return rc == RW_EIO ? rw_error_prefix(ctx, RW_ECONFIG, "secret") : rc;
	}
	return 0;
}

void rw_notify_opts_release(rw_notify_opts *o)
{
	rw_secret_free(o->smtp_password);
	rw_secret_free(o->webhook_secret);
	o->smtp_password = NULL;
	o->webhook_secret = NULL;
}

/* What one attempt came to. */
struct attempt {
	int ok;
	int permanent;   /* no point in trying again */
	long code;       /* last SMTP reply or HTTP status, 0: none */
	char error[512]; /* one line, no secrets */
};

static void attempt_error(struct attempt *at, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void attempt_error(struct attempt *at, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	vsnprintf(at->error, sizeof(at->error), fmt, ap);
	va_end(ap);
	for (p = at->error; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
}

struct reader {
	const char *data;
	size_t len;
	size_t pos;
};

static size_t on_read(char *dst, size_t size, size_t nitems, void *arg)
{
	struct reader *r = arg;
	size_t n = size * nitems;

	if (n > r->len - r->pos)
		n = r->len - r->pos;
	memcpy(dst, r->data + r->pos, n);
	r->pos += n;
	return n;
}

static size_t on_response(char *data, size_t size, size_t nmemb, void *arg)
{
	size_t *seen = arg, n = size * nmemb;

	(void)data;
	if (n > RESPONSE_MAX - *seen)
		return 0;
	*seen += n;
	return n;
}

#define SETOPT(opt, val)                                                 \
	do {                                                             \
		if (cc == CURLE_OK)                                      \
			cc = curl_easy_setopt(h, opt, val);              \
	} while (0)

/* Options every notification transfer has. */
static CURLcode common_options(CURL *h, const rw_notify_opts *o, long timeout_ms, char *errbuf)
{
	CURLcode cc = CURLE_OK;

	SETOPT(CURLOPT_ERRORBUFFER, errbuf);
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < CONNECT_TIMEOUT_MS ? timeout_ms : CONNECT_TIMEOUT_MS);
	SETOPT(CURLOPT_TIMEOUT_MS, timeout_ms);
	SETOPT(CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(CURLOPT_SSL_VERIFYHOST, 2L);
	SETOPT(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (o->conf && o->conf->ca_file)
		SETOPT(CURLOPT_CAINFO, o->conf->ca_file);
	SETOPT(CURLOPT_PROXY, "");
	return cc;
}

/* Authentication problems are the configuration's, not the message's: worth retrying. */
static int smtp_permanent(long code)
{
	return code >= 500 && code <= 599 && code != 530 && code != 534 && code != 535 && code != 538;
}

static void smtp_send(rw_ctx *ctx, const rw_notify_opts *o, const rw_outbox_msg *m, struct attempt *at)
{
	char errbuf[CURL_ERROR_SIZE];
	rw_buf mail = RW_BUF_INIT;
	struct curl_slist *rcpt = NULL;
	struct reader rd;
	CURLU *u = NULL;
	CURL *h = NULL;
	CURLcode cc = CURLE_OK;
	char *scheme = NULL, *host = NULL, *from = NULL, *to = NULL, *sender = NULL;
	long use_ssl = (long)CURLUSESSL_ALL;

	errbuf[0] = '\0';
	if (rw_notify_email(ctx, m, o->smtp->from, &mail) < 0) {
		attempt_error(at, "%s", rw_errmsg(ctx));
		rw_clear_error(ctx);
		goto out;
	}
	if (url_parse(o->smtp->url, &u) < 0 || (scheme = url_part(u, CURLUPART_SCHEME)) == NULL ||
	    (host = url_part(u, CURLUPART_HOST)) == NULL) {
		attempt_error(at, "smtp '%s': not a URL", o->smtp->url);
		goto out;
	}
	if (strcasecmp(scheme, "smtps") == 0)
		use_ssl = (long)CURLUSESSL_ALL; /* implicit TLS */
	else if (rw_host_is_loopback(host))
		use_ssl = (long)CURLUSESSL_TRY; /* plain allowed on loopback; STARTTLS where offered */
	sender = bare_address(o->smtp->from);
	from = sender ? rw_asprintf("<%s>", sender) : NULL;
	to = rw_asprintf("<%s>", m->destination);
	rcpt = to ? curl_slist_append(NULL, to) : NULL;
	h = curl_easy_init();
	if (from == NULL || rcpt == NULL || h == NULL) {
		attempt_error(at, "out of memory");
		goto out;
	}
	rd.data = rw_buf_cstr(&mail);
	rd.len = mail.len;
	rd.pos = 0;
	cc = common_options(h, o, o->smtp->timeout_ms, errbuf);
	SETOPT(CURLOPT_URL, o->smtp->url);
	SETOPT(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	SETOPT(CURLOPT_USE_SSL, use_ssl);
	if (o->smtp->username) {
		SETOPT(CURLOPT_USERNAME, o->smtp->username);
		SETOPT(CURLOPT_PASSWORD, o->smtp_password ? o->smtp_password : "");
	}
	SETOPT(CURLOPT_MAIL_FROM, from);
	SETOPT(CURLOPT_MAIL_RCPT, rcpt);
	SETOPT(CURLOPT_READFUNCTION, on_read);
	SETOPT(CURLOPT_READDATA, (void *)&rd);
	SETOPT(CURLOPT_UPLOAD, 1L);
	SETOPT(CURLOPT_INFILESIZE_LARGE, (curl_off_t)mail.len);
	if (cc != CURLE_OK) {
		attempt_error(at, "smtp '%s': set-up failed (%s)", o->smtp->url, curl_easy_strerror(cc));
		goto out;
	}
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &at->code);
	if (cc == CURLE_OK) {
		at->ok = 1;
		goto out;
	}
	at->permanent = smtp_permanent(at->code);
	if (at->code > 0)
		attempt_error(at, "smtp '%s': server answered %ld (%s)", o->smtp->url, at->code,
			      errbuf[0] ? errbuf : curl_easy_strerror(cc));
	else
		attempt_error(at, "smtp '%s': %s", o->smtp->url, errbuf[0] ? errbuf : curl_easy_strerror(cc));
out:
	curl_easy_cleanup(h);
	curl_slist_free_all(rcpt);
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	free(sender);
	free(from);
	free(to);
	rw_buf_release(&mail);
}

/* Appends one header line to *l; 0 or RW_ENOMEM. */
static int add_header(struct curl_slist **l, const char *line)
{
	struct curl_slist *n = line ? curl_slist_append(*l, line) : NULL;

	if (n == NULL)
		return RW_ENOMEM;
	*l = n;
	return 0;
}

/* The webhook's request headers (curl_slist_free_all them), or NULL when out of memory.
   The signature is Standard Webhooks' v1: HMAC-SHA256 over "ID.TIMESTAMP.BODY". */
static struct curl_slist *webhook_headers(const rw_notify_opts *o, const rw_outbox_msg *m, time_t now)
{
	struct curl_slist *l = NULL;
	rw_buf line = RW_BUF_INIT, signed_text = RW_BUF_INIT;
	unsigned char mac[RW_SHA256_LEN];
	int rc;

	rc = rw_buf_printf(&line, "webhook-id: regwatch.%s", m->msg_key);
	if (rc == 0)
		rc = add_header(&l, rw_buf_cstr(&line));
	rw_buf_clear(&line);
	if (rc == 0)
		rc = rw_buf_printf(&line, "Idempotency-Key: regwatch.%s", m->msg_key);
	if (rc == 0)
		rc = add_header(&l, rw_buf_cstr(&line));
	rw_buf_clear(&line);
	if (rc == 0)
		rc = rw_buf_printf(&line, "webhook-timestamp: %lld", (long long)now);
	if (rc == 0)
		rc = add_header(&l, rw_buf_cstr(&line));
	if (rc == 0 && o->webhook_secret) {
		rc = rw_buf_printf(&signed_text, "regwatch.%s.%lld.%s", m->msg_key, (long long)now, m->payload);
		if (rc == 0) {
			rw_hmac_sha256(o->webhook_secret, strlen(o->webhook_secret), signed_text.data, signed_text.len,
				       mac);
			rw_buf_clear(&line);
			rc = rw_buf_puts(&line, "webhook-signature: v1,");
		}
		if (rc == 0)
			rc = rw_base64_append(&line, mac, sizeof(mac));
		if (rc == 0)
			rc = add_header(&l, rw_buf_cstr(&line));
		explicit_bzero(mac, sizeof(mac));
	}
	if (rc == 0)
		rc = add_header(&l, "Content-Type: application/json");
	if (rc == 0)
		rc = add_header(&l, "Expect:"); /* no 100-continue round trip */
	rw_buf_release(&line);
	rw_buf_release(&signed_text);
	if (rc < 0) {
		curl_slist_free_all(l);
		return NULL;
	}
	return l;
}

static void webhook_send(rw_ctx *ctx, const rw_notify_opts *o, const rw_outbox_msg *m, struct attempt *at)
{
	char errbuf[CURL_ERROR_SIZE];
	struct curl_slist *headers = NULL;
	char *shown = rw_url_for_messages(m->destination);
	size_t seen = 0;
	CURL *h = NULL;
	CURLcode cc = CURLE_OK;
	long timeout = o->conf ? o->conf->webhook_timeout_ms : 15000;

	errbuf[0] = '\0';
	if (rw_member_webhook_check(ctx, m->destination) < 0) {
		attempt_error(at, "%s", rw_errmsg(ctx));
		rw_clear_error(ctx);
		at->permanent = 1;
		goto out;
	}
	headers = webhook_headers(o, m, ctx->now);
	h = curl_easy_init();
	if (headers == NULL || h == NULL || shown == NULL) {
		attempt_error(at, "out of memory");
		goto out;
	}
	cc = common_options(h, o, timeout, errbuf);
	SETOPT(CURLOPT_URL, m->destination);
	SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(CURLOPT_HTTPHEADER, headers);
	SETOPT(CURLOPT_POSTFIELDS, m->payload);
	SETOPT(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(m->payload));
	SETOPT(CURLOPT_USERAGENT, o->user_agent ? o->user_agent : "regwatch/" REGWATCH_VERSION);
	SETOPT(CURLOPT_WRITEFUNCTION, on_response);
	SETOPT(CURLOPT_WRITEDATA, (void *)&seen);
	if (cc != CURLE_OK) {
		attempt_error(at, "webhook '%s': set-up failed (%s)", shown, curl_easy_strerror(cc));
		goto out;
	}
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &at->code);
	if (at->code >= 200 && at->code <= 299) {
		at->ok = 1; /* an answer body cut short by our cap still means it arrived */
		goto out;
	}
	if (cc != CURLE_OK && at->code == 0) {
		attempt_error(at, "webhook '%s': %s", shown, errbuf[0] ? errbuf : curl_easy_strerror(cc));
		goto out;
	}
	at->permanent = (at->code >= 300 && at->code <= 499 && at->code != 408 && at->code != 429);
	attempt_error(at, "webhook '%s': HTTP status %ld%s", shown, at->code,
		      at->code >= 300 && at->code <= 399 ? " (redirects are not followed: fix the URL)" : "");
out:
	curl_easy_cleanup(h);
	curl_slist_free_all(headers);
	free(shown);
}

#undef SETOPT

/* Seconds before attempt n + 1 after n failed attempts: retryDelay doubling, capped. */
static long backoff(const rw_notify_conf *c, long attempts)
{
	long d = c ? c->retry_delay_s : 600, cap = c ? c->max_retry_delay_s : 86400, i;

	for (i = 1; i < attempts && d < cap; i++)
		d = d > cap / 2 ? cap : d * 2;
	return d < cap ? d : cap;
}

int rw_notify_deliver(rw_ctx *ctx, rw_db *db, const rw_notify_opts *o, rw_notify_result *res)
{
	rw_outbox due = {0};
	rw_outbox_counts counts;
	long max_attempts = o->conf ? o->conf->max_attempts : 8;
	int have_smtp = o->smtp != NULL && o->smtp->url != NULL;
	size_t i;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = rw_outbox_due(ctx, db, ctx->now, &due);
	for (i = 0; i < due.n && rc == 0; i++) {
		const rw_outbox_msg *m = &due.v[i];
		int webhook = strcmp(m->channel, "webhook") == 0, claimed = 0;
		struct attempt at;
		long attempts = m->attempts + 1;

		if (!webhook && !have_smtp) {
			res->waiting++;
			continue;
		}
		rc = rw_outbox_claim(ctx, db, m->id, ctx->now, o->lease_s > 0 ? o->lease_s : RW_NOTIFY_LEASE_S,
				     &claimed);
		if (rc < 0)
			break;
		if (!claimed) {
			res->busy++;
			continue;
		}
		memset(&at, 0, sizeof(at));
		if (webhook)
			webhook_send(ctx, o, m, &at);
		else
			smtp_send(ctx, o, m, &at);
		if (at.ok) {
			rw_fault_point(ctx, webhook ? "after_webhook_2xx" : "after_smtp_accept");
			rc = rw_outbox_sent(ctx, db, m->id, ctx->now, at.code);
			res->sent++;
			rw_log(ctx, RW_LOG_INFO, "notification %s to '%s' delivered", m->msg_key, m->member);
			continue;
		}
		if (at.permanent || attempts >= max_attempts) {
			rc = rw_outbox_failed(ctx, db, m->id, (time_t)-1, at.error, at.code);
			res->dead++;
			rw_log(ctx, RW_LOG_ERROR, "notification %s to '%s' failed for good after %ld %s: %s",
			       m->msg_key, m->member, attempts, attempts == 1 ? "attempt" : "attempts", at.error);
		} else {
			time_t next = ctx->now + backoff(o->conf, attempts);
			char when[RW_INSTANT_LEN];

			rw_instant_format(next, when);
			rc = rw_outbox_failed(ctx, db, m->id, next, at.error, at.code);
			res->retry++;
			rw_log(ctx, RW_LOG_WARN, "notification %s to '%s' failed (attempt %ld of %ld): %s; "
			       "next attempt after %s", m->msg_key, m->member, attempts, max_attempts, at.error, when);
		}
	}
	if (rc == 0)
		rc = rw_outbox_count(ctx, db, ctx->now, &counts);
	if (rc == 0)
		res->later = (size_t)counts.later;
	if (rc == 0 && res->waiting > 0)
		rw_log(ctx, RW_LOG_WARN, "%zu email notification(s) wait for an [smtp] section in feeds.conf",
		       res->waiting);
	rw_outbox_release(&due);
	return rc;
}

int rw_notify_preview(rw_ctx *ctx, const rw_notify_opts *o, const rw_outbox_msg *m, rw_buf *out)
{
	long max_attempts = o->conf ? o->conf->max_attempts : 8;
	char *shown = NULL;
	int rc;

	if (strcmp(m->channel, "webhook") == 0) {
		shown = rw_url_for_messages(m->destination);
		rc = shown ? rw_buf_printf(out, "=== webhook POST %s (member %s, %s, attempt %ld of %ld)\n"
					   "Content-Type: application/json\nwebhook-id: regwatch.%s\n"
					   "Idempotency-Key: regwatch.%s\n%s\n%s", shown, m->member,
					   m->run > 0 ? "changes" : "heartbeat", m->attempts + 1, max_attempts,
					   m->msg_key, m->msg_key,
					   o->webhook_secret || (o->conf && o->conf->webhook_secret_file)
						   ? "webhook-signature: v1,... (signed with webhookSecretFile)\n" : "",
					   m->payload)
			   : RW_ENOMEM;
		free(shown);
		if (rc < 0)
			return rw_error(ctx, RW_ENOMEM, "out of memory");
		return 0;
	}
	/* The headers as sent; the text as people read it (it is sent quoted-printable). */
	rc = rw_buf_printf(out, "=== email to %s (%s, attempt %ld of %ld%s)\n", m->destination,
			   m->run > 0 ? "changes" : "heartbeat", m->attempts + 1, max_attempts,
			   o->smtp && o->smtp->url ? "" : "; waits for an [smtp] section in feeds.conf");
	if (rc == 0)
		rc = email_headers(m, o->smtp ? o->smtp->from : NULL, "\n", out);
	if (rc == 0)
		rc = rw_buf_printf(out, "\n%s\n", m->body);
	if (rc < 0)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	return 0;
}
