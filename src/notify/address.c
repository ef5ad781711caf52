/* Checks of members' addresses and webhook URLs, and URLs as messages may show them. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "notify/notify_int.h"
#include "regwatch/members.h"
#include "regwatch/notify.h"

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
int rw_notify_url_parse(const char *url, CURLU **u)
{
	*u = curl_url();
	if (*u == NULL)
		return RW_ENOMEM;
	if (curl_url_set(*u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
		return RW_EDATA;
	return 0;
}

/* The value of a part of u (caller frees with curl_free), or NULL when absent. */
char *rw_notify_url_part(CURLU *u, CURLUPart part)
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

	if (rw_notify_url_parse(url, &u) == 0) {
		curl_url_set(u, CURLUPART_USER, NULL, 0);
		curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
		curl_url_set(u, CURLUPART_QUERY, NULL, 0);
		curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
		v = rw_notify_url_part(u, CURLUPART_URL);
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
	rc = rw_notify_url_parse(url, &u);
	if (rc == RW_ENOMEM) {
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
		goto out;
	}
	if (rc < 0 || (scheme = rw_notify_url_part(u, CURLUPART_SCHEME)) == NULL ||
	    (host = rw_notify_url_part(u, CURLUPART_HOST)) == NULL) {
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
	user = rw_notify_url_part(u, CURLUPART_USER);
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
