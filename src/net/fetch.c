/*
 * Fetching sources with the libcurl multi interface.
 *
 * Every request becomes one easy handle, reused for its retries. An
 * application-level queue starts at most opts->max_parallel transfers at
 * once and at most FETCH_HOST_CONNECTIONS per host, so a transfer's timeout
 * measures the transfer and never time spent waiting in a queue. Retries
 * are scheduled in the same loop: a source waiting for its next attempt
 * never holds up the others.
 *
 * Safe defaults on every handle: http and https only (file only when the
 * request's own url is file://, never through a redirect), at most
 * FETCH_MAX_REDIRS redirects, TLS verification on with TLS 1.2 at least,
 * connect/total/low-speed timeouts, no signals, no cookies, a body cap
 * enforced on the decoded bytes and a cap on the response header bytes.
 * Proxies come only from opts->proxy: the http_proxy/https_proxy
 * environment variables are ignored, so a run does not change with the
 * environment it happens to start in.
 */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "regwatch/core.h"
#include "regwatch/fetch.h"

#define FETCH_MIN_CURL RW_FETCH_MIN_CURL /* 7.85.0: CURLOPT_PROTOCOLS_STR */
#define FETCH_MAX_REDIRS ((long)RW_FETCH_MAX_REDIRS)
#define FETCH_MAX_HEADER_BYTES ((size_t)RW_FETCH_MAX_HEADER_BYTES)
#define FETCH_HOST_CONNECTIONS 2
#define FETCH_MAX_VALUE 1024 /* longest ETag, Last-Modified or Content-Type kept */
#define FETCH_POLL_MS 1000
#define FETCH_DEFAULT_MAX_BYTES RW_FETCH_DEFAULT_MAX_BYTES
#define FETCH_DEFAULT_RETRY_CAP_MS 60000L
#define FETCH_HARD_MAX_BYTES ((size_t)INT_MAX - 1)
#define FETCH_DEFAULT_TIMEOUT_MS 60000L
#define FETCH_DEFAULT_CONNECT_MS 10000L

enum xfer_state { XFER_WAITING, XFER_RUNNING, XFER_DONE };

/* One source's transfer, across its attempts. */
struct xfer {
	const rw_fetch_req *req;
	rw_fetch_res *res;
	const char *name;          /* for messages */
	CURL *h;
	struct curl_slist *headers;
	char *host_key;            /* "host:port" for the per-host limit; NULL: none */
	int is_file;
	int state;
	long long due_ms;          /* XFER_WAITING: when the next attempt may start */
	long long started_ms;      /* start of the current attempt */
	size_t max_bytes;
	long timeout_ms;
	/* state of the current attempt */
	size_t header_bytes;
	int over_cap;
	int headers_over;
	int no_memory;
	int saw_retry_after;
	char status_text[64];      /* reason phrase of the last status line */
	char *location;            /* Location of the last response */
	char errbuf[CURL_ERROR_SIZE];
	size_t reported_bytes;     /* body bytes last passed to on_bytes */
	long long reported_ms;
};

/* The run's settings with defaults applied. */
struct fetch_run {
	rw_ctx *ctx;
	const char *user_agent;
	const char *proxy;
	const char *ca_file;
	long connect_timeout_ms;
	long low_speed_limit;
	long low_speed_time;
	long max_attempts;
	long retry_delay_ms;
	long max_retry_delay_ms;
	long max_parallel;
	CURLM *multi;
	struct xfer *x;
	size_t n;
	size_t running;
	size_t pending;            /* transfers not yet done */
	void (*on_bytes)(void *arg, size_t index, size_t bytes);
	void *on_bytes_arg;
};

/* Tells the caller how far running transfers have got, at most every 250 ms each. */
static void report_bytes(struct fetch_run *run, long long now)
{
	size_t i;

	for (i = 0; run->on_bytes != NULL && i < run->n; i++) {
		struct xfer *x = &run->x[i];

		if (x->state != XFER_RUNNING || x->res->body.len == x->reported_bytes || now - x->reported_ms < 250)
			continue;
		x->reported_bytes = x->res->body.len;
		x->reported_ms = now;
		run->on_bytes(run->on_bytes_arg, i, x->reported_bytes);
	}
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Copies src into dst (size > 0) as one printable line. */
static void copy_line(char *dst, size_t size, const char *src, size_t len)
{
	size_t i, j = 0;

	for (i = 0; i < len && j + 1 < size; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[j++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	dst[j] = '\0';
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return 1;
	return 0;
}

static void xfer_reset_captured(struct xfer *x)
{
	rw_str_replace(&x->res->etag, NULL);
	rw_str_replace(&x->res->last_modified, NULL);
	rw_str_replace(&x->res->content_type, NULL);
	rw_str_replace(&x->location, NULL);
	x->status_text[0] = '\0';
	x->saw_retry_after = 0;
}

/* Sets the result to FAILED with "source 'NAME': REASON" and the attempt count. */
static void xfer_fail(struct xfer *x, int http, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void xfer_fail(struct xfer *x, int http, const char *fmt, ...)
{
	char reason[400];
	char line[sizeof(x->res->error)];
	rw_fetch_res *r = x->res;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (r->attempts > 1)
		snprintf(line, sizeof(line), "source '%s': %s%s%d attempts", x->name, reason,
			 http ? " after " : ", ", r->attempts);
	else
		snprintf(line, sizeof(line), "source '%s': %s", x->name, reason);
	copy_line(r->error, sizeof(r->error), line, strlen(line));
	r->outcome = RW_FETCH_FAILED;
	rw_buf_release(&r->body);
	rw_str_replace(&r->etag, NULL);
	rw_str_replace(&r->last_modified, NULL);
	rw_str_replace(&r->content_type, NULL);
	x->state = XFER_DONE;
}

/* ---- callbacks ------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * nmemb;
	long code = 0;
	int rc;

	if (!x->is_file) {
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &code);
		if (code < 200 || code > 299)
			return len; /* the body of an error answer is not kept */
	}
	if (len > x->max_bytes - x->res->body.len) {
		x->over_cap = 1;
		return 0;
	}
	rc = rw_buf_append(&x->res->body, data, len);
	if (rc < 0) {
		if (rc == RW_ELIMIT)
			x->over_cap = 1;
		else
			x->no_memory = 1;
		return 0;
	}
	return len;
}

static int header_is(const char *line, size_t namelen, const char *name)
{
	return strlen(name) == namelen && strncasecmp(line, name, namelen) == 0;
}

/* Keeps a header value (without surrounding blanks) in *dst, or drops an oversized one. */
static int keep_value(struct xfer *x, char **dst, const char *v, size_t len)
{
	char *s;

	if (len > FETCH_MAX_VALUE) {
		rw_str_replace(dst, NULL);
		return 0;
	}
	s = rw_strndup(v, len);
	if (s == NULL) {
		x->no_memory = 1;
		return -1;
	}
	rw_str_replace(dst, s);
	return 0;
}

static size_t on_header(char *data, size_t size, size_t nitems, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * nitems;
	size_t namelen, vlen;
	const char *colon, *v;

	if (len > FETCH_MAX_HEADER_BYTES - x->header_bytes) {
		x->headers_over = 1;
		return 0;
	}
	x->header_bytes += len;
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		/* A new response (redirect hop, 1xx): forget the previous one's headers. */
		const char *p = memchr(data, ' ', len);

		xfer_reset_captured(x);
		if (p != NULL) {
			const char *end = data + len;

			while (p < end && *p == ' ')
				p++;
			while (p < end && isdigit((unsigned char)*p))
				p++;
			while (p < end && *p == ' ')
				p++;
			copy_line(x->status_text, sizeof(x->status_text), p, (size_t)(end - p));
		}
		return size * nitems;
	}
	colon = memchr(data, ':', len);
	if (colon == NULL)
		return size * nitems;
	namelen = (size_t)(colon - data);
	v = colon + 1;
	vlen = len - namelen - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	if (header_is(data, namelen, "ETag")) {
		if (keep_value(x, &x->res->etag, v, vlen) < 0)
			return 0;
	} else if (header_is(data, namelen, "Last-Modified")) {
		if (keep_value(x, &x->res->last_modified, v, vlen) < 0)
			return 0;
	} else if (header_is(data, namelen, "Content-Type")) {
		if (keep_value(x, &x->res->content_type, v, vlen) < 0)
			return 0;
	} else if (header_is(data, namelen, "Location")) {
		if (keep_value(x, &x->location, v, vlen) < 0)
			return 0;
	} else if (header_is(data, namelen, "Retry-After")) {
		x->saw_retry_after = 1;
	}
	return size * nitems;
}

/* ---- set-up ---------------------------------------------------------- */

/* Checks the url's scheme and finds the host key; 0, or fails the transfer. */
static int xfer_check_url(struct xfer *x)
{
	CURLU *u = NULL;
	CURLUcode uc;
	char *scheme = NULL, *host = NULL, *port = NULL;
	int rc = -1;

	if (x->req->url == NULL || x->req->url[0] == '\0') {
		xfer_fail(x, 0, "no url");
		goto out;
	}
	u = curl_url();
	if (u == NULL) {
		xfer_fail(x, 0, "out of memory");
		goto out;
	}
	uc = curl_url_set(u, CURLUPART_URL, x->req->url, CURLU_NON_SUPPORT_SCHEME);
	if (uc == CURLUE_OK)
		uc = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	if (uc != CURLUE_OK) {
		xfer_fail(x, 0, "invalid url '%s' (%s)", x->req->url, curl_url_strerror(uc));
		goto out;
	}
	if (strcasecmp(scheme, "file") == 0) {
		x->is_file = 1;
		rc = 0;
		goto out;
	}
	if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0) {
		xfer_fail(x, 0, "url scheme '%s' not allowed (%s)", scheme, x->req->url);
		goto out;
	}
	uc = curl_url_get(u, CURLUPART_HOST, &host, 0);
	if (uc == CURLUE_OK)
		uc = curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
	if (uc != CURLUE_OK) {
		xfer_fail(x, 0, "invalid url '%s' (%s)", x->req->url, curl_url_strerror(uc));
		goto out;
	}
	x->host_key = rw_asprintf("%s:%s", host, port);
	if (x->host_key == NULL) {
		xfer_fail(x, 0, "out of memory");
		goto out;
	}
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

/* Adds "Name: value" to the request headers, unless the value could inject a header. */
static int add_validator(struct fetch_run *run, struct xfer *x, const char *name, const char *value)
{
	struct curl_slist *l;
	char *line;

	if (value == NULL || value[0] == '\0')
		return 0;
	if (has_control(value) || strlen(value) > FETCH_MAX_VALUE) {
		rw_log(run->ctx, RW_LOG_WARN, "source '%s': stored %s value is not usable, not sent",
		       x->name, name);
		return 0;
	}
	line = rw_asprintf("%s: %s", name, value);
	if (line == NULL)
		return RW_ENOMEM;
	l = curl_slist_append(x->headers, line);
	free(line);
	if (l == NULL)
		return RW_ENOMEM;
	x->headers = l;
	return 0;
}

#define SETOPT(opt, val)                                         \
	do {                                                     \
		if ((cc = curl_easy_setopt(h, opt, val)) != CURLE_OK) \
			goto out;                                \
	} while (0)

/* Creates the easy handle with the safe defaults; 0, or fails the transfer. */
static int xfer_setup(struct fetch_run *run, struct xfer *x)
{
	CURL *h = NULL;
	CURLcode cc = CURLE_OK;
	rw_curl_safety safety;
	int rc = -1;

	h = curl_easy_init();
	if (h == NULL) {
		xfer_fail(x, 0, "out of memory");
		return -1;
	}
	x->h = h;
	if (!x->is_file) {
		if (add_validator(run, x, "If-None-Match", x->req->etag) < 0 ||
		    add_validator(run, x, "If-Modified-Since", x->req->last_modified) < 0) {
			xfer_fail(x, 0, "out of memory");
			return -1;
		}
	}
	SETOPT(CURLOPT_URL, x->req->url);
	SETOPT(CURLOPT_PRIVATE, (void *)x);
	SETOPT(CURLOPT_ERRORBUFFER, x->errbuf);
	safety.protocols = x->is_file ? "file" : "http,https";
	safety.redir_protocols = x->is_file ? NULL : "http,https";
	safety.max_redirs = FETCH_MAX_REDIRS;
	safety.ca_file = run->ca_file;
	safety.proxy = run->proxy;
	safety.max_body = (long long)x->max_bytes;
	if ((cc = (CURLcode)rw_curl_harden(h, &safety)) != CURLE_OK)
		goto out;
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS, run->connect_timeout_ms);
	SETOPT(CURLOPT_TIMEOUT_MS, x->timeout_ms);
	if (run->low_speed_limit > 0 && run->low_speed_time > 0) {
		SETOPT(CURLOPT_LOW_SPEED_LIMIT, run->low_speed_limit);
		SETOPT(CURLOPT_LOW_SPEED_TIME, run->low_speed_time);
	}
	SETOPT(CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(CURLOPT_WRITEDATA, (void *)x);
	SETOPT(CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(CURLOPT_HEADERDATA, (void *)x);
	SETOPT(CURLOPT_ACCEPT_ENCODING, "");
	SETOPT(CURLOPT_USERAGENT, run->user_agent);
	if (x->headers != NULL)
		SETOPT(CURLOPT_HTTPHEADER, x->headers);
	rc = 0;
out:
	if (rc < 0)
		xfer_fail(x, 0, "transfer set-up failed (%s)", curl_easy_strerror(cc));
	return rc;
}

#undef SETOPT

/* ---- the loop -------------------------------------------------------- */

static size_t host_running(const struct fetch_run *run, const char *key)
{
	size_t i, k = 0;

	for (i = 0; i < run->n; i++)
		if (run->x[i].state == XFER_RUNNING && run->x[i].host_key != NULL &&
		    strcmp(run->x[i].host_key, key) == 0)
			k++;
	return k;
}

static int xfer_startable(const struct fetch_run *run, const struct xfer *x)
{
	return x->state == XFER_WAITING && run->running < (size_t)run->max_parallel &&
	       (x->host_key == NULL || host_running(run, x->host_key) < FETCH_HOST_CONNECTIONS);
}

static void xfer_start(struct fetch_run *run, struct xfer *x, long long now)
{
	CURLMcode mc;

	xfer_reset_captured(x);
	rw_buf_clear(&x->res->body);
	x->header_bytes = 0;
	x->over_cap = 0;
	x->headers_over = 0;
	x->no_memory = 0;
	x->errbuf[0] = '\0';
	x->started_ms = now;
	x->res->attempts++;
	mc = curl_multi_add_handle(run->multi, x->h);
	if (mc != CURLM_OK) {
		xfer_fail(x, 0, "transfer could not start (%s)", curl_multi_strerror(mc));
		run->pending--;
		return;
	}
	x->state = XFER_RUNNING;
	run->running++;
}

static void start_due(struct fetch_run *run, long long now)
{
	size_t i;

	for (i = 0; i < run->n && run->running < (size_t)run->max_parallel; i++) {
		struct xfer *x = &run->x[i];

		if (x->due_ms <= now && xfer_startable(run, x))
			xfer_start(run, x, now);
	}
}

/* Milliseconds the loop may sleep before a waiting transfer can start. */
static long poll_timeout(const struct fetch_run *run, long long now)
{
	long long t = FETCH_POLL_MS;
	size_t i;

	for (i = 0; i < run->n; i++) {
		const struct xfer *x = &run->x[i];

		if (!xfer_startable(run, x))
			continue;
		if (x->due_ms - now < t)
			t = x->due_ms - now;
	}
	return t < 0 ? 0 : (long)t;
}

static int transient_curl(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_PARTIAL_FILE:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		return 1;
	default:
		return 0;
	}
}

static int transient_http(long code)
{
	return code == 408 || code == 429 || code == 500 || code == 502 || code == 503 || code == 504;
}

static const char *status_phrase(long code)
{
	switch (code) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 408: return "Request Timeout";
	case 410: return "Gone";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

/* Delay before the next attempt, after res->attempts attempts. */
static long long retry_delay(const struct fetch_run *run, struct xfer *x)
{
	long long cap = run->max_retry_delay_ms;
	long long d = run->retry_delay_ms;
	curl_off_t after = 0;
	int i;

	if (x->saw_retry_after && curl_easy_getinfo(x->h, CURLINFO_RETRY_AFTER, &after) == CURLE_OK &&
	    after > 0)
		return after > cap / 1000 ? cap : (long long)after * 1000;
	for (i = 1; i < x->res->attempts && d < cap; i++)
		d *= 2;
	return d > cap ? cap : d;
}

/* Lower-cases the first letter of curl's messages ("Failed to ..."). */
static void curl_reason(const struct xfer *x, CURLcode cc, char *out, size_t size)
{
	const char *m = x->errbuf[0] ? x->errbuf : curl_easy_strerror(cc);

	copy_line(out, size, m, strlen(m));
	if (isupper((unsigned char)out[0]) && islower((unsigned char)out[1]))
		out[0] = (char)tolower((unsigned char)out[0]);
}

static void xfer_fail_curl(struct fetch_run *run, struct xfer *x, CURLcode cc, long long now)
{
	char reason[CURL_ERROR_SIZE];
	char *target = NULL;
	curl_off_t connect_us = 0;

	switch (cc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
		if (curl_easy_getinfo(x->h, CURLINFO_REDIRECT_URL, &target) != CURLE_OK || target == NULL)
			target = x->location;
		if (x->res->http_status >= 300 && x->res->http_status < 400 && target != NULL)
			xfer_fail(x, 0, "redirect to a disallowed scheme (%s)", target);
		else
			xfer_fail(x, 0, "url scheme not allowed (%s)", x->req->url);
		return;
	case CURLE_TOO_MANY_REDIRECTS:
		xfer_fail(x, 0, "too many redirects (more than %ld)", FETCH_MAX_REDIRS);
		return;
	case CURLE_PARTIAL_FILE:
		xfer_fail(x, 0, "transfer truncated (partial file)");
		return;
	case CURLE_GOT_NOTHING:
		xfer_fail(x, 0, "empty reply from server");
		return;
	case CURLE_OPERATION_TIMEDOUT:
		curl_easy_getinfo(x->h, CURLINFO_CONNECT_TIME_T, &connect_us);
		if (now - x->started_ms >= x->timeout_ms)
			xfer_fail(x, 0, "timed out after %ld ms", x->timeout_ms);
		else if (connect_us == 0 && x->header_bytes == 0 && !x->is_file) /* 0 on a reused one too */
			xfer_fail(x, 0, "connection timed out after %ld ms", run->connect_timeout_ms);
		else
			xfer_fail(x, 0, "transfer too slow (less than %ld bytes/s for %ld s)",
				  run->low_speed_limit, run->low_speed_time);
		return;
	default:
		curl_reason(x, cc, reason, sizeof(reason));
		xfer_fail(x, 0, "%s (curl error %d)", reason, (int)cc);
		return;
	}
}

/* A transfer's attempt ended with curl's result cc. */
static void xfer_done(struct fetch_run *run, struct xfer *x, CURLcode cc, long long now)
{
	rw_fetch_res *r = x->res;
	char *url = NULL;
	long code = 0;
	int retry = 0;

	curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &code);
	r->http_status = code;
	if (curl_easy_getinfo(x->h, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK && url != NULL)
		rw_str_replace(&r->effective_url, rw_strdup(url));

	if (x->over_cap || cc == CURLE_FILESIZE_EXCEEDED) {
		xfer_fail(x, 0, "body larger than %zu bytes", x->max_bytes);
	} else if (x->headers_over) {
		xfer_fail(x, 0, "response headers larger than %zu bytes", FETCH_MAX_HEADER_BYTES);
	} else if (x->no_memory) {
		xfer_fail(x, 0, "out of memory");
	} else if (cc != CURLE_OK) {
		if (transient_curl(cc) && r->attempts < run->max_attempts)
			retry = 1;
		else
			xfer_fail_curl(run, x, cc, now);
	} else if (x->is_file || (code >= 200 && code <= 299)) {
		r->outcome = RW_FETCH_NEW;
		x->state = XFER_DONE;
	} else if (code == 304) {
		r->outcome = RW_FETCH_UNCHANGED;
		rw_buf_release(&r->body);
		if (r->etag == NULL && x->req->etag != NULL)
			r->etag = rw_strdup(x->req->etag);
		if (r->last_modified == NULL && x->req->last_modified != NULL)
			r->last_modified = rw_strdup(x->req->last_modified);
		x->state = XFER_DONE;
	} else if (transient_http(code) && r->attempts < run->max_attempts) {
		retry = 1;
	} else {
		const char *phrase = x->status_text[0] ? x->status_text : status_phrase(code);

		xfer_fail(x, 1, "HTTP %ld%s%s", code, phrase[0] ? " " : "", phrase);
	}

	if (retry) {
		long long d = retry_delay(run, x);

		if (cc != CURLE_OK)
			rw_log(run->ctx, RW_LOG_INFO, "source '%s': %s, retrying in %lld ms (attempt %d of %ld)",
			       x->name, curl_easy_strerror(cc), d, r->attempts + 1, run->max_attempts);
		else
			rw_log(run->ctx, RW_LOG_INFO, "source '%s': HTTP %ld, retrying in %lld ms (attempt %d of %ld)",
			       x->name, code, d, r->attempts + 1, run->max_attempts);
		x->state = XFER_WAITING;
		x->due_ms = now + d;
		return;
	}
	run->pending--;
	if (r->outcome == RW_FETCH_FAILED)
		rw_log(run->ctx, RW_LOG_INFO, "%s", r->error);
	else
		rw_log(run->ctx, RW_LOG_DEBUG, "source '%s': %s (HTTP %ld, %zu bytes, %d attempts)", x->name,
		       r->outcome == RW_FETCH_NEW ? "new" : "unchanged", code, r->body.len, r->attempts);
	/* The handle is not needed any more: give its connection back now. */
	curl_easy_cleanup(x->h);
	x->h = NULL;
}

static void run_defaults(struct fetch_run *run, rw_ctx *ctx, const rw_fetch_opts *o)
{
	memset(run, 0, sizeof(*run));
	run->ctx = ctx;
	run->user_agent = o->user_agent ? o->user_agent : "regwatch/" REGWATCH_VERSION;
	run->proxy = o->proxy ? o->proxy : "";
	run->ca_file = o->ca_file;
	run->connect_timeout_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms : FETCH_DEFAULT_CONNECT_MS;
	run->low_speed_limit = o->low_speed_limit > 0 ? o->low_speed_limit : 0;
	run->low_speed_time = o->low_speed_time > 0 ? o->low_speed_time : 0;
	run->max_attempts = o->max_attempts > 0 ? o->max_attempts : 1;
	if (run->max_attempts > 100)
		run->max_attempts = 100;
	run->retry_delay_ms = o->retry_delay_ms > 0 ? o->retry_delay_ms : 0;
	run->max_retry_delay_ms = o->max_retry_delay_ms > 0 ? o->max_retry_delay_ms : FETCH_DEFAULT_RETRY_CAP_MS;
	run->max_parallel = o->max_parallel > 0 ? o->max_parallel : 1;
	if (run->max_parallel > 1000)
		run->max_parallel = 1000;
	run->on_bytes = o->on_bytes;
	run->on_bytes_arg = o->on_bytes_arg;
}

int rw_fetch_all(rw_ctx *ctx, const rw_fetch_opts *opts, const rw_fetch_req *reqs,
		 rw_fetch_res *res, size_t n)
{
	struct fetch_run run;
	CURLMsg *msg;
	CURLMcode mc;
	size_t i;
	int left, rc = 0;

	if (res != NULL)
		for (i = 0; i < n; i++)
			memset(&res[i], 0, sizeof(res[i]));
	if (n == 0)
		return 0;
	if (opts == NULL || reqs == NULL || res == NULL)
		return rw_error(ctx, RW_ERR, "fetch: no options, requests or results");
	run_defaults(&run, ctx, opts);

	run.x = calloc(n, sizeof(*run.x));
	run.multi = curl_multi_init();
	if (run.x == NULL || run.multi == NULL) {
		rc = rw_error(ctx, RW_ENOMEM, "fetch: out of memory");
		goto out;
	}
	curl_multi_setopt(run.multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)FETCH_HOST_CONNECTIONS);
	curl_multi_setopt(run.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, run.max_parallel);

	run.n = n;
	for (i = 0; i < n; i++) {
		struct xfer *x = &run.x[i];

		x->req = &reqs[i];
		x->res = &res[i];
		x->name = reqs[i].name ? reqs[i].name : (reqs[i].url ? reqs[i].url : "?");
		x->max_bytes = reqs[i].max_bytes ? reqs[i].max_bytes : FETCH_DEFAULT_MAX_BYTES;
		if (x->max_bytes > FETCH_HARD_MAX_BYTES)
			x->max_bytes = FETCH_HARD_MAX_BYTES;
		x->timeout_ms = reqs[i].timeout_ms > 0 ? reqs[i].timeout_ms : FETCH_DEFAULT_TIMEOUT_MS;
		rw_buf_init(&res[i].body, x->max_bytes);
		res[i].outcome = RW_FETCH_FAILED;
		x->state = XFER_WAITING;
		if (xfer_check_url(x) < 0 || xfer_setup(&run, x) < 0)
			continue;
		run.pending++;
	}

	while (run.pending > 0) {
		long long now = mono_ms();
		int still;

		start_due(&run, now);
		if (run.pending == 0)
			break;
		mc = curl_multi_perform(run.multi, &still);
		if (mc != CURLM_OK) {
			rc = rw_error(ctx, RW_EFETCH, "fetch: %s", curl_multi_strerror(mc));
			goto out;
		}
		now = mono_ms();
		report_bytes(&run, now);
		while ((msg = curl_multi_info_read(run.multi, &left)) != NULL) {
			struct xfer *x;
			char *priv = NULL;
			CURL *h = msg->easy_handle;
			CURLcode cc = msg->data.result;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(h, CURLINFO_PRIVATE, &priv);
			curl_multi_remove_handle(run.multi, h);
			x = (struct xfer *)(void *)priv;
			if (x == NULL)
				continue;
			run.running--;
			xfer_done(&run, x, cc, now);
		}
		if (run.pending == 0)
			break;
		mc = curl_multi_poll(run.multi, NULL, 0, (int)poll_timeout(&run, mono_ms()), NULL);
		if (mc != CURLM_OK) {
			rc = rw_error(ctx, RW_EFETCH, "fetch: %s", curl_multi_strerror(mc));
			goto out;
		}
	}
out:
	if (run.x != NULL) {
		for (i = 0; i < n; i++) {
			struct xfer *x = &run.x[i];

			if (x->state != XFER_DONE)
				xfer_fail(x, 0, "transfer aborted (%s)", rw_errmsg(ctx));
			if (x->h != NULL) {
				if (run.multi != NULL)
					curl_multi_remove_handle(run.multi, x->h);
				curl_easy_cleanup(x->h);
			}
			curl_slist_free_all(x->headers);
			free(x->host_key);
			free(x->location);
		}
	}
	if (run.multi != NULL)
		curl_multi_cleanup(run.multi);
	free(run.x);
	return rc;
}

void rw_fetch_res_release(rw_fetch_res *r)
{
	if (r == NULL)
		return;
	rw_buf_release(&r->body);
	rw_str_replace(&r->etag, NULL);
	rw_str_replace(&r->last_modified, NULL);
	rw_str_replace(&r->content_type, NULL);
	rw_str_replace(&r->effective_url, NULL);
}

/* ---- process set-up -------------------------------------------------- */

static int has_protocol(const curl_version_info_data *v, const char *name)
{
	const char *const *p;

	for (p = v->protocols; p != NULL && *p != NULL; p++)
		if (strcmp(*p, name) == 0)
			return 1;
	return 0;
}

int rw_fetch_check_runtime(rw_ctx *ctx, unsigned int min_version)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	if (v == NULL)
		return rw_error(ctx, RW_EFETCH, "libcurl: no version information");
	if (v->version_num < min_version)
		return rw_error(ctx, RW_EFETCH, "libcurl %s is too old (%u.%u.%u or newer is needed)",
				v->version, (min_version >> 16) & 0xff, (min_version >> 8) & 0xff,
				min_version & 0xff);
	if (!(v->features & CURL_VERSION_SSL) || !has_protocol(v, "https"))
		return rw_error(ctx, RW_EFETCH, "libcurl %s has no TLS support", v->version);
	if (!(v->features & CURL_VERSION_LIBZ))
		return rw_error(ctx, RW_EFETCH, "libcurl %s has no zlib support (gzip decoding)", v->version);
	if (!(v->features & CURL_VERSION_ASYNCHDNS))
		return rw_error(ctx, RW_EFETCH, "libcurl %s has no asynchronous name resolver", v->version);
	if (!(v->features & CURL_VERSION_THREADSAFE))
		return rw_error(ctx, RW_EFETCH, "libcurl %s is not built thread-safe", v->version);
	if (!has_protocol(v, "http") || !has_protocol(v, "file"))
		return rw_error(ctx, RW_EFETCH, "libcurl %s lacks the http or file protocol", v->version);
	return 0;
}

const char *rw_fetch_library_version(void)
{
	return curl_version();
}

int rw_fetch_global_init(rw_ctx *ctx)
{
	CURLcode cc;
	int rc = rw_fetch_check_runtime(ctx, FETCH_MIN_CURL);

	if (rc < 0)
		return rc;
	cc = curl_global_init(CURL_GLOBAL_DEFAULT);
	if (cc != CURLE_OK)
		return rw_error(ctx, RW_EFETCH, "libcurl: global initialisation failed (%s)",
				curl_easy_strerror(cc));
	return 0;
}

void rw_fetch_global_cleanup(void)
{
	curl_global_cleanup();
}
