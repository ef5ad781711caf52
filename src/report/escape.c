/* Escaping for the report's formats: HTML character references, Markdown backslashes, and
   the URLs links may be made from. */
#include <stdlib.h>
#include <string.h>

#include "regwatch/report.h"
#include "regwatch/url.h"
#include "regwatch/utf8.h"

/* 1 for code points no page should carry: controls, non-characters. */
static int unwanted(long cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0xFDD0 && cp <= 0xFDEF) ||
	       (cp & 0xFFFE) == 0xFFFE;
}

typedef int (*ascii_escape_fn)(rw_buf *out, char c);

/* Walks s: valid wanted non-ASCII sequences are copied, ASCII goes through esc, and each
   malformed sequence (rw_utf8_decode) becomes one U+FFFD. */
static int escape_with(rw_buf *out, const char *s, ascii_escape_fn esc)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t left = strlen((const char *)p);
	int rc = 0;

	while (left > 0 && rc == 0) {
		const unsigned char *start = p;
		size_t used;
		long cp = rw_utf8_decode(p, left, &used);

		p += used;
		left -= used;
		if (cp == '\t' || cp == '\n' || cp == '\r')
			rc = rw_buf_putc(out, ' ');
		else if (cp < 0 || unwanted(cp))
			rc = rw_buf_puts(out, RW_UTF8_REPLACEMENT);
		else if (cp < 0x80)
			rc = esc(out, (char)cp);
		else
			rc = rw_buf_append(out, start, (size_t)(p - start));
	}
	return rc;
}

static int html_char(rw_buf *out, char c)
{
	switch (c) {
	case '&':
		return rw_buf_puts(out, "&amp;");
	case '<':
		return rw_buf_puts(out, "&lt;");
	case '>':
		return rw_buf_puts(out, "&gt;");
	case '"':
		return rw_buf_puts(out, "&quot;");
	case '\'':
		return rw_buf_puts(out, "&#39;");
	default:
		return rw_buf_putc(out, c);
	}
}

static int md_char(rw_buf *out, char c)
{
	switch (c) {
	case '&':
		return rw_buf_puts(out, "&amp;");
	case '<':
		return rw_buf_puts(out, "&lt;");
	case '>':
		return rw_buf_puts(out, "&gt;");
	default:
		if (strchr("\\`*_[]|!~#", c)) {
			int rc = rw_buf_putc(out, '\\');

			return rc ? rc : rw_buf_putc(out, c);
		}
		return rw_buf_putc(out, c);
	}
}

int rw_html_escape(rw_buf *out, const char *s)
{
	return escape_with(out, s, html_char);
}

int rw_md_escape(rw_buf *out, const char *s)
{
	return escape_with(out, s, md_char);
}

int rw_report_url_ok(const char *url)
{
	const unsigned char *p;
	rw_ctx scratch;

	rw_ctx_init(&scratch, 0);
	if (url == NULL || rw_url_check(&scratch, url, "https http", RW_URL_NO_SPACES | RW_URL_NO_CREDENTIALS) < 0)
		return 0;
	for (p = (const unsigned char *)url; *p; p++)
		if (strchr("\"<>\\`", *p))
			return 0;
	return 1;
}
