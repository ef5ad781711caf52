/* The one UTF-8 decoder and repair, and Windows-1252 through iconv(3). */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "regwatch/utf8.h"

long rw_utf8_decode(const unsigned char *s, size_t len, size_t *used)
{
	unsigned c = s[0];
	size_t n, i;
	long cp;

	*used = 1;
	if (c < 0x80)
		return (long)c;
	if (c >= 0xC2 && c <= 0xDF)
		n = 1, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 2, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 3, cp = c & 0x07;
	else
		return -1;
	for (i = 1; i <= n; i++) {
		if (i >= len || (s[i] & 0xC0) != 0x80) {
			*used = i; /* a truncated sequence is one error */
			return -1;
		}
		cp = (cp << 6) | (s[i] & 0x3F);
		/* Reject overlong forms and surrogates at the second byte, as the standard's
		   "maximal subpart" rule does, so the next byte starts afresh. */
		if (i == 1 && ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) ||
			       (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))) {
			*used = 1;
			return -1;
		}
	}
	*used = n + 1;
	return cp;
}

int rw_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t used;

	while (len > 0) {
		if (*p < 0x80) {
			p++, len--;
			continue;
		}
		if (rw_utf8_decode(p, len, &used) < 0)
			return 0;
		p += used, len -= used;
	}
	return 1;
}

int rw_utf8_repair(rw_buf *out, const char *s, size_t len, size_t *replaced)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start = 0, used, count = 0;
	int rc;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (rw_utf8_decode(p + i, len - i, &used) >= 0) {
			i += used;
			continue;
		}
		if ((rc = rw_buf_append(out, p + start, i - start)) < 0 ||
		    (rc = rw_buf_append(out, RW_UTF8_REPLACEMENT, 3)) < 0)
			return rc;
		count++;
		i += used;
		start = i;
	}
	if ((rc = rw_buf_append(out, p + start, len - start)) < 0)
		return rc;
	if (replaced)
		*replaced = count;
	return 0;
}

char *rw_utf8_repaired(const char *s, size_t len)
{
	rw_buf b = RW_BUF_INIT;

	if (rw_utf8_repair(&b, s, len, NULL) < 0 || rw_buf_append(&b, "", 0) < 0) {
		rw_buf_release(&b);
		return NULL;
	}
	if (b.data == NULL)
		return rw_strdup("");
	return rw_buf_detach(&b, NULL);
}

/* 1 for the bytes Windows-1252 leaves undefined, which glibc's converter refuses. */
static int cp1252_undefined(unsigned char c)
{
	return c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 || c == 0x9D;
}

int rw_utf8_from_cp1252(rw_buf *out, const char *s, size_t len)
{
	iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
	char chunk[1024];
	size_t start = 0, i;
	int rc = 0;

	if (cd == (iconv_t)-1)
		return RW_ERR;
	for (i = 0; i <= len && rc == 0; i++) {
		char *in;
		size_t inleft;

		if (i < len && !cp1252_undefined((unsigned char)s[i]))
			continue;
		in = (char *)(uintptr_t)(s + start);
		inleft = i - start;
		while (inleft > 0 && rc == 0) {
			char *o = chunk;
			size_t oleft = sizeof(chunk);

			if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1 && errno != E2BIG)
				rc = RW_ERR; /* every defined byte converts: only a broken converter */
			if (rc == 0)
				rc = rw_buf_append(out, chunk, sizeof(chunk) - oleft);
		}
		if (rc == 0 && i < len)
			rc = rw_buf_append(out, RW_UTF8_REPLACEMENT, 3);
		start = i + 1;
	}
	iconv_close(cd);
	return rc;
}
