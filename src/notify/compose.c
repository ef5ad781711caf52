/* The words of member messages: the change message (each change worded by the diff's one
   describer and encoded by its one JSON encoder), the heartbeat, and their message keys. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regwatch/dates.h"
#include "regwatch/diff.h"
#include "regwatch/json.h"
#include "regwatch/members.h"
#include "regwatch/notify.h"
#include "regwatch/secret.h"
#include "regwatch/utf8.h"

#define WRAP 72           /* text width of message bodies */
#define SUBJECT_VENDORS 3 /* vendor ids named in a subject */

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

static const char *plural(long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* The characters of s[0..len) (each malformed sequence counts as one). */
static size_t chars(const char *s, size_t len)
{
	size_t n = 0, i = 0, used;

	while (i < len) {
		rw_utf8_decode((const unsigned char *)s + i, len - i, &used);
		i += used;
		n++;
	}
	return n;
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
		size_t len, width, i;

		while (*w == ' ')
			w++;
		if (*w == '\0')
			break;
		for (len = 0; w[len] && w[len] != ' '; len++)
			;
		width = chars(w, len);
		if (col > indent && col + 1 + width > WRAP) {
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
		col += width;
		p = w + len;
	}
	return rc == 0 ? rw_buf_putc(b, '\n') : rc;
}

/* "hikvision, dahua and 2 more" (vendor ids in order of appearance). */
static int subject_vendors(rw_buf *s, const rw_notice *n)
{
	rw_strvec seen = RW_STRVEC_INIT;
	size_t i;
	int rc = 0, entities = 0;

	for (i = 0; i < n->nchanges && rc == 0; i++) {
		const char *v = n->changes[i]->event.vendor;

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
	const rw_asset_hits *a = n->assets;
	const char *site = NULL;
	long units = 0;
	size_t i;
	int rc = 0;

	for (i = 0; i < a->n; i++)
		units += a->v[i].quantity > 0 ? a->v[i].quantity : 0;
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
		const rw_asset_hit *h = &a->v[i];
		char *line;

		if (site == NULL || strcmp(site, h->site) != 0) {
			site = h->site;
			rc = rw_buf_printf(b, "\n%s\n", site[0] ? site : "(no site given)");
		}
		if (rc < 0)
			break;
		line = rw_asprintf("%s: %s%s%s, quantity %ld (%s, matched by %s%s)", h->asset,
				   h->manufacturer[0] ? h->manufacturer : "unknown maker", h->model[0] ? " " : "",
				   h->model, h->quantity, h->vendor, h->matched_by,
				   h->possible ? "; possible, the link is only claimed" : "");
		rc = line ? rw_buf_puts(b, "  - ") : RW_ENOMEM;
		if (rc == 0)
			rc = wrap(b, 4, 4, line);
		free(line);
	}
	return rc == 0 ? rw_buf_putc(b, '\n') : rc;
}

/* One numbered change: the line rw_diff_describe gives (wrapped), then whom and which regime
   it names in full. */
static int change_text(rw_buf *text, size_t number, const rw_change *c)
{
	rw_buf line = RW_BUF_INIT;
	char num[32];
	int rc, indent;

	snprintf(num, sizeof(num), "%zu. ", number);
	indent = (int)strlen(num);
	rc = rw_diff_describe(&line, c);
	if (rc == 0)
		rc = rw_buf_puts(text, num);
	if (rc == 0)
		rc = wrap(text, strlen(num), strlen(num), rw_buf_cstr(&line));
	if (rc == 0 && c->event.vendor[0] && c->vendor_name[0])
		rc = rw_buf_printf(text, "%*sVendor: %s (%s)\n", indent, "", c->vendor_name, c->event.vendor);
	if (rc == 0 && c->event.regime[0])
		rc = rw_buf_printf(text, "%*sRegime: %s [%s%s%s]\n", indent, "",
				   c->regime_title[0] ? c->regime_title : c->event.regime, c->event.regime,
				   c->jurisdiction[0] ? ", " : "", c->jurisdiction);
	if (rc == 0)
		rc = rw_buf_putc(text, '\n');
	rw_buf_release(&line);
	return rc;
}

int rw_notify_compose(rw_ctx *ctx, const rw_notice *n, rw_buf *subject, rw_buf *text, rw_buf *json)
{
	char day[RW_DATE_LEN];
	rw_json j;
	size_t i;
	int rc;

	snprintf(day, sizeof(day), "%.10s", n->recorded_at);
	rc = rw_buf_printf(subject, "regwatch: %zu %s for ", n->nchanges,
			   plural((long)n->nchanges, "change", "changes"));
	if (rc == 0)
		rc = subject_vendors(subject, n);
	if (rc == 0)
		rc = rw_buf_printf(subject, " (run %ld)", n->run);

	if (rc == 0) {
		char *intro = rw_asprintf("regwatch recorded %zu %s on %s (run %ld) that %s the vendors and "
					  "jurisdictions you follow.", n->nchanges,
					  plural((long)n->nchanges, "change", "changes"), day, n->run,
					  n->nchanges == 1 ? "concerns" : "concern");

		rc = intro ? wrap(text, 0, 0, intro) : RW_ENOMEM;
		if (rc == 0)
			rc = rw_buf_putc(text, '\n');
		free(intro);
	}
	for (i = 0; i < n->nchanges && rc == 0; i++)
		rc = change_text(text, i + 1, n->changes[i]);
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
	for (i = 0; i < n->nchanges; i++)
		rw_diff_json_change(&j, n->changes[i]);
	rw_json_end(&j);
	rw_json_raw(&j, "affected_assets", n->assets_json && n->assets_json[0] ? n->assets_json : "[]");
	rw_json_end(&j);
	if (rc == 0)
		rc = rw_json_finish(&j);
	if (rc == RW_ENOMEM)
		return rw_error(ctx, rc, "notification for '%s': out of memory", n->member->email);
	if (rc < 0)
		return rw_error(ctx, rc, "notification for '%s': message larger than its limit", n->member->email);
	return 0;
}

/* A change of a heartbeat's period: "  - " and the line rw_diff_describe gives, wrapped. */
static int digest_change(rw_buf *text, const rw_change *c)
{
	rw_buf line = RW_BUF_INIT;
	int rc = rw_diff_describe(&line, c);

	if (rc == 0)
		rc = rw_buf_puts(text, "  - ");
	if (rc == 0)
		rc = wrap(text, 4, 4, rw_buf_cstr(&line));
	rw_buf_release(&line);
	return rc;
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
	if (rc == 0 && d->nlist > 0)
		rc = rw_buf_puts(text, "\nChanges:\n");
	for (i = 0; i < d->nlist && rc == 0; i++)
		rc = digest_change(text, d->list[i]);
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
	rw_json_array(&j, "change_list");
	for (i = 0; i < d->nlist; i++)
		rw_diff_json_change(&j, d->list[i]);
	rw_json_end(&j);
	rw_json_end(&j);
	if (rc == 0)
		rc = rw_json_finish(&j);
	rw_buf_release(&headline);
	if (rc == RW_ENOMEM)
		return rw_error(ctx, rc, "heartbeat for '%s': out of memory", d->member->email);
	if (rc < 0)
		return rw_error(ctx, rc, "heartbeat for '%s': message larger than its limit", d->member->email);
	return 0;
}
