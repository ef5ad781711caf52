/* The email of an outbox row: RFC 5322 headers, RFC 2047 encoded words for a subject that is
   not ASCII, and the UTF-8 text as quoted-printable (RFC 2045). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "notify/notify_int.h"
#include "regwatch/dates.h"
#include "regwatch/notify.h"
#include "regwatch/secret.h"
#include "regwatch/utf8.h"

#define QP_LINE 76 /* longest quoted-printable line */

/* The address inside a "Name <addr>" value, or the value itself (caller frees). */
char *rw_notify_bare_address(const char *from)
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

/* A header value that starts at column col: ASCII as it is; anything else as RFC 2047
   encoded words ("=?UTF-8?B?...?="), each at most RW_MIME_WORD_MAX characters and each
   line at most RW_MIME_LINE_MAX, folded with eol and a space between words. A word holds
   whole characters only (one decoded by rw_utf8_decode at a time). */
static int header_value(rw_buf *b, const char *v, size_t col, const char *eol)
{
	static const char open[] = "=?UTF-8?B?", close[] = "?=";
	const unsigned char *p = (const unsigned char *)v;
	size_t left = strlen(v), over = sizeof(open) - 1 + sizeof(close) - 1;
	int rc = 0;

	if (all_ascii(v))
		return rw_buf_puts(b, v);
	while (left > 0 && rc == 0) {
		size_t room = RW_MIME_LINE_MAX - col < RW_MIME_WORD_MAX ? RW_MIME_LINE_MAX - col : RW_MIME_WORD_MAX;
		size_t raw = room > over ? (room - over) / 4 * 3 : 0, take = 0, used;

		/* Whole characters that fit in raw bytes (a malformed byte counts alone). */
		while (take < left) {
			rw_utf8_decode(p + take, left - take, &used);
			if (take + used > raw)
				break;
			take += used;
		}
		if (take == 0 && col > 1) {
			rc = rw_buf_printf(b, "%s ", eol);
			col = 1;
			continue;
		}
		if (take == 0)
			take = 1;
		rc = rw_buf_puts(b, open);
		if (rc == 0)
			rc = rw_base64_append(b, p, take);
		if (rc == 0)
			rc = rw_buf_puts(b, close);
		p += take;
		left -= take;
		if (rc == 0 && left > 0) {
			rc = rw_buf_printf(b, "%s ", eol);
			col = 1;
		}
	}
	return rc;
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
int rw_notify_email_headers(const rw_outbox_msg *m, const char *from, const char *eol, rw_buf *out)
{
	char date[40];
	char *addr = rw_notify_bare_address(from ? from : "regwatch@localhost");
	const char *domain = addr ? strrchr(addr, '@') : NULL;
	int rc;

	if (addr == NULL)
		return RW_ENOMEM;
	mail_date(m->created_at, date);
	rc = rw_buf_printf(out, "Date: %s%sFrom: %s%sTo: %s%sSubject: ", date, eol,
			   from ? from : "regwatch <regwatch@localhost>", eol, m->destination, eol);
	if (rc == 0)
		rc = header_value(out, m->subject, strlen("Subject: "), eol);
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
	int rc = rw_notify_email_headers(m, from, "\r\n", out);

	if (rc == 0)
		rc = rw_buf_puts(out, "\r\n");
	if (rc == 0)
		rc = quoted_printable(out, m->body);
	if (rc == RW_ENOMEM)
		return rw_error(ctx, rc, "message for '%s': out of memory", m->member);
	if (rc < 0)
		return rw_error(ctx, rc, "message for '%s': larger than its limit", m->member);
	return 0;
}
