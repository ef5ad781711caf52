/* Delivery of the outbox over SMTP and HTTP with libcurl, with retry and backoff. */

/*
 * Each due row is claimed, sent once, and recorded as sent, to retry after a
 * backoff, or dead.
 *
 * Safe defaults on every transfer: only the protocols of the channel (smtp and
 * smtps; http and https), no redirects, TLS verification on with TLS 1.2 at
 * least, connect and total timeouts, no signals, no proxy from the
 * environment, never CURLOPT_VERBOSE (it would log the SMTP AUTH exchange).
 * Credentials go only through CURLOPT_USERNAME / CURLOPT_PASSWORD; no message
 * ever names them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "notify/notify_int.h"
#include "regwatch/dates.h"
#include "regwatch/fetch.h"
#include "regwatch/members.h"
#include "regwatch/notify.h"
#include "regwatch/secret.h"

#define CONNECT_TIMEOUT_MS 10000L
#define RESPONSE_MAX ((size_t)64 << 10) /* webhook answer bytes read (and dropped) */

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

/* The one set of libcurl safe defaults (net/curlopts.c) for the given protocols, with no
   redirects, plus the error buffer and timeouts. */
static CURLcode common_options(CURL *h, const rw_notify_opts *o, const char *protocols, long timeout_ms,
			       char *errbuf)
{
	rw_curl_safety s;
	CURLcode cc = CURLE_OK;

	memset(&s, 0, sizeof(s));
	s.protocols = protocols;
	s.ca_file = o->conf ? o->conf->ca_file : NULL;
	if ((cc = (CURLcode)rw_curl_harden(h, &s)) != CURLE_OK)
		return cc;
	SETOPT(CURLOPT_ERRORBUFFER, errbuf);
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < CONNECT_TIMEOUT_MS ? timeout_ms : CONNECT_TIMEOUT_MS);
	SETOPT(CURLOPT_TIMEOUT_MS, timeout_ms);
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
	if (rw_notify_url_parse(o->smtp->url, &u) < 0 || (scheme = rw_notify_url_part(u, CURLUPART_SCHEME)) == NULL ||
	    (host = rw_notify_url_part(u, CURLUPART_HOST)) == NULL) {
		attempt_error(at, "smtp '%s': not a URL", o->smtp->url);
		goto out;
	}
	if (strcasecmp(scheme, "smtps") == 0)
		use_ssl = (long)CURLUSESSL_ALL; /* implicit TLS */
	else if (rw_host_is_loopback(host))
		use_ssl = (long)CURLUSESSL_TRY; /* plain allowed on loopback; STARTTLS where offered */
	sender = rw_notify_bare_address(o->smtp->from);
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
	cc = common_options(h, o, "smtp,smtps", o->smtp->timeout_ms, errbuf);
	SETOPT(CURLOPT_URL, o->smtp->url);
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
	cc = common_options(h, o, "http,https", timeout, errbuf);
	SETOPT(CURLOPT_URL, m->destination);
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

/* The error of a preview that could not be written: memory, or the output's limit. */
static int preview_fail(rw_ctx *ctx, int rc, const rw_outbox_msg *m)
{
	if (rc == RW_ENOMEM)
		return rw_error(ctx, rc, "preview of %s: out of memory", m->msg_key);
	return rw_error(ctx, rc, "preview of %s: larger than the output limit", m->msg_key);
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
		return rc < 0 ? preview_fail(ctx, rc, m) : 0;
	}
	/* The headers as sent; the text as people read it (it is sent quoted-printable). */
	rc = rw_buf_printf(out, "=== email to %s (%s, attempt %ld of %ld%s)\n", m->destination,
			   m->run > 0 ? "changes" : "heartbeat", m->attempts + 1, max_attempts,
			   o->smtp && o->smtp->url ? "" : "; waits for an [smtp] section in feeds.conf");
	if (rc == 0)
		rc = rw_notify_email_headers(m, o->smtp ? o->smtp->from : NULL, "\n", out);
	if (rc == 0)
		rc = rw_buf_printf(out, "\n%s\n", m->body);
	return rc < 0 ? preview_fail(ctx, rc, m) : 0;
}
