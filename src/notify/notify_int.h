/*
 * Inside the notify module: what its files share and nothing outside uses.
 */
#ifndef REGWATCH_NOTIFY_INT_H
#define REGWATCH_NOTIFY_INT_H

#include <curl/curl.h>
#include "regwatch/core.h"
#include "regwatch/notify.h"

/* address.c. Parses url into *u (the caller frees it with curl_url_cleanup): 0, RW_ENOMEM,
   or RW_EDATA for text that is not a URL. */
int rw_notify_url_parse(const char *url, CURLU **u);
/* The value of a part of u (the caller frees it with curl_free), or NULL when absent. */
char *rw_notify_url_part(CURLU *u, CURLUPart part);

/* mime.c. The address inside a "Name <addr>" value, or the value itself (caller frees;
   NULL when out of memory). */
char *rw_notify_bare_address(const char *from);
/* The header block of m's email, lines ended by eol, without the blank line after it. */
int rw_notify_email_headers(const rw_outbox_msg *m, const char *from, const char *eol, rw_buf *out);

#endif
