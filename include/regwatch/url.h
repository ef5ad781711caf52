/*
 * URLs as libcurl reads them: one check for every URL regwatch is given
 * (sources, evidence links, the SMTP server, webhooks, report links) and one
 * way to show a URL in a message. Both parse with curl_url(), the parser the
 * transfers themselves use, so what is checked is what is fetched.
 */
#ifndef REGWATCH_URL_H
#define REGWATCH_URL_H

#include "regwatch/core.h"

enum rw_url_flags {
	RW_URL_NO_CREDENTIALS = 1 << 0, /* refuse a user name or password in the URL */
	RW_URL_LOOPBACK_PLAIN = 1 << 1, /* http and smtp (unencrypted) only to a loopback host */
	RW_URL_NO_SPACES = 1 << 2       /* refuse blanks and control characters anywhere */
};

/*
 * 0 when url is an absolute URL whose scheme (case-insensitive, so HTTPS://x is
 * https) is one of `schemes`, written lower case and separated by spaces in the
 * order a message should name them ("https http"), that has a host (file URLs
 * excepted) and obeys flags. Otherwise RW_EDATA with the reason alone in the
 * context ("scheme must be https or http", "credentials do not belong in the
 * url", ...), for the caller to prefix with its subject; RW_ENOMEM.
 */
int rw_url_check(rw_ctx *ctx, const char *url, const char *schemes, unsigned flags);

/* 1 for 127.0.0.0/8 as a dotted quad and ::1 (bracketed or not); never for a name such as
   localhost, whose address the resolver decides. */
int rw_url_host_is_loopback(const char *host);

/* url for a message: without user name, password, query and fragment (which may hold
   secrets), or "(unreadable url)" when it cannot be parsed. malloc'd; NULL on ENOMEM. */
char *rw_url_redacted(const char *url);

#endif
