/* The one URL check and redaction, both on curl_url(). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "regwatch/url.h"

int rw_url_host_is_loopback(const char *host)
{
	const char *p = host;
	int parts = 0;

	if (host == NULL)
		return 0;
	/* A name is not a loopback address: what it resolves to is the resolver's to say. */
	if (strcmp(host, "[::1]") == 0 || strcmp(host, "::1") == 0)
		return 1;
	if (strncmp(host, "127.", 4) != 0)
		return 0;
	while (parts < 4) { /* four numbers up to 255, dot-separated */
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
		else
			break;
	}
	return parts == 4 && *p == '\0';
}

/* 1 when scheme is one of the space-separated words of list. */
static int scheme_listed(const char *list, const char *scheme)
{
	size_t n = strlen(scheme);
	const char *p = list;

	while (*p) {
		size_t w = strcspn(p, " ");

		if (w == n && strncasecmp(p, scheme, n) == 0)
			return 1;
		p += w;
		p += strspn(p, " ");
	}
	return 0;
}

/* 1 when url opens with a scheme (RFC 3986: a letter, then letters, digits, '+', '-', '.',
   then ':') that is one of the words of list; judged on the text itself, so that a URL
   libcurl cannot read still gets the message about its scheme. */
static int raw_scheme_listed(const char *list, const char *url)
{
	char scheme[32];
	size_t n = 0;

	if (!isalpha((unsigned char)url[0]))
		return 0;
	while (n < sizeof(scheme) - 1 && (isalnum((unsigned char)url[n]) || url[n] == '+' || url[n] == '-' ||
					  url[n] == '.')) {
		scheme[n] = url[n];
		n++;
	}
	scheme[n] = '\0';
	return url[n] == ':' && scheme_listed(list, scheme);
}

/* "scheme must be a, b or c" for the space-separated list. */
static int scheme_error(rw_ctx *ctx, const char *list)
{
	char words[128];
	size_t len = 0, count = 0, i, w;
	const char *p;

	for (p = list; *p; p += strspn(p, " "), count++)
		p += strcspn(p, " ");
	for (p = list, i = 0; *p && len < sizeof(words); i++) {
		w = strcspn(p, " ");
		len += (size_t)snprintf(words + len, sizeof(words) - len, "%s%.*s",
					i == 0 ? "" : i + 1 == count ? " or " : ", ", (int)w, p);
		p += w;
		p += strspn(p, " ");
	}
	return rw_error(ctx, RW_EDATA, "scheme must be %s", words);
}

/* The value of a part of u (curl_free), or NULL when absent. */
static char *part(CURLU *u, CURLUPart which)
{
	char *v = NULL;

	if (curl_url_get(u, which, &v, 0) != CURLUE_OK)
		return NULL;
	return v;
}

int rw_url_check(rw_ctx *ctx, const char *url, const char *schemes, unsigned flags)
{
	CURLU *u = NULL;
	char *scheme = NULL, *host = NULL, *user = NULL, *password = NULL;
	const unsigned char *p;
	const char *sep;
	CURLUcode uc;
	int rc = 0, plain;

	if (url == NULL || url[0] == '\0')
		return rw_error(ctx, RW_EDATA, "empty url");
	if (flags & RW_URL_NO_SPACES)
		for (p = (const unsigned char *)url; *p; p++)
			if (*p <= 0x20 || *p == 0x7F)
				return rw_error(ctx, RW_EDATA, "contains spaces or control characters");
	if (!raw_scheme_listed(schemes, url))
		return scheme_error(ctx, schemes);
	u = curl_url();
	if (u == NULL)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	uc = curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
	if (uc == CURLUE_OUT_OF_MEMORY) {
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
		goto out;
	}
	if (uc == CURLUE_BAD_SCHEME || uc == CURLUE_UNSUPPORTED_SCHEME) {
		rc = scheme_error(ctx, schemes);
		goto out;
	}
	if (uc == CURLUE_NO_HOST || uc == CURLUE_BAD_HOSTNAME) {
		rc = rw_error(ctx, RW_EDATA, "no host after the scheme");
		goto out;
	}
	if (uc != CURLUE_OK || (scheme = part(u, CURLUPART_SCHEME)) == NULL) {
		rc = rw_error(ctx, RW_EDATA, "not a url (%s)", curl_url_strerror(uc));
		goto out;
	}
	if (!scheme_listed(schemes, scheme)) {
		rc = scheme_error(ctx, schemes);
		goto out;
	}
	host = part(u, CURLUPART_HOST);
	/* libcurl forgives "https:/x" and "https:///x"; a browser reading the same text
	   would not find that host, so the authority must follow "://" at once */
	sep = url + strlen(scheme);
	if (strcasecmp(scheme, "file") != 0 &&
	    (host == NULL || host[0] == '\0' || strncmp(sep, "://", 3) != 0 || sep[3] == '/' || sep[3] == '\\')) {
		rc = rw_error(ctx, RW_EDATA, "no host after the scheme");
		goto out;
	}
	user = part(u, CURLUPART_USER);
	password = part(u, CURLUPART_PASSWORD);
	if ((flags & RW_URL_NO_CREDENTIALS) && (user != NULL || password != NULL)) {
		rc = rw_error(ctx, RW_EDATA, "credentials do not belong in the url");
		goto out;
	}
	plain = strcasecmp(scheme, "http") == 0 || strcasecmp(scheme, "smtp") == 0;
	if ((flags & RW_URL_LOOPBACK_PLAIN) && plain && !rw_url_host_is_loopback(host)) {
		rc = rw_error(ctx, RW_EDATA, "plain %s only to a loopback address; use %ss", scheme, scheme);
		goto out;
	}
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(password);
	curl_url_cleanup(u);
	return rc;
}

char *rw_url_redacted(const char *url)
{
	CURLU *u = curl_url();
	char *v = NULL, *out;

	if (u != NULL && url != NULL &&
	    curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_USER, NULL, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_OPTIONS, NULL, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_QUERY, NULL, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) == CURLUE_OK)
		v = part(u, CURLUPART_URL);
	out = rw_strdup(v ? v : "(unreadable url)");
	curl_free(v);
	curl_url_cleanup(u);
	return out;
}
