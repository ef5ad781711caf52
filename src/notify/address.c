/* Checks of members' addresses and webhook URLs, and URLs as messages may show them. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "notify/notify_int.h"
#include "regwatch/members.h"
#include "regwatch/notify.h"
#include "regwatch/url.h"

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
	return rw_url_host_is_loopback(host);
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
	return rw_url_redacted(url);
}

int rw_member_webhook_check(rw_ctx *ctx, const char *url)
{
	char *shown = rw_url_redacted(url);
	int rc;

	if (shown == NULL)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	rc = rw_url_check(ctx, url, "https http", RW_URL_NO_CREDENTIALS | RW_URL_NO_SPACES | RW_URL_LOOPBACK_PLAIN);
	if (rc == RW_EDATA)
		rc = rw_error_prefix(ctx, RW_EUSAGE, "webhook '%s'", shown);
	free(shown);
	return rc;
}
