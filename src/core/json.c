/* The JSON writer. */
#include <stdio.h>
#include <string.h>

#include "regwatch/json.h"
#include "regwatch/utf8.h"

void rw_json_init(rw_json *j, rw_buf *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

static void put(rw_json *j, const char *s)
{
	if (j->rc == 0)
		j->rc = rw_buf_puts(j->out, s);
}

/* The string quoted and escaped; bytes that need no escape are copied in runs, and
   every malformed UTF-8 sequence becomes U+FFFD, so the document is always valid. */
static void put_string(rw_json *j, const char *s)
{
	const unsigned char *p, *run, *end;
	const char *rep;
	char esc[8];
	size_t used;

	put(j, "\"");
	p = run = (const unsigned char *)s;
	end = p + strlen(s);
	while (p < end && j->rc == 0) {
		used = 1;
		switch (*p) {
		case '"':
			rep = "\\\"";
			break;
		case '\\':
			rep = "\\\\";
			break;
		case '\n':
			rep = "\\n";
			break;
		case '\r':
			rep = "\\r";
			break;
		case '\t':
			rep = "\\t";
			break;
		default:
			if (*p >= 0x80) {
				if (rw_utf8_decode(p, (size_t)(end - p), &used) >= 0) {
					p += used;
					continue;
				}
				rep = RW_UTF8_REPLACEMENT;
				break;
			}
			if (*p >= 0x20) {
				p++;
				continue;
			}
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			rep = esc;
		}
		if (p > run)
			j->rc = rw_buf_append(j->out, run, (size_t)(p - run));
		put(j, rep);
		p += used;
		run = p;
	}
	if (j->rc == 0 && p > run)
		j->rc = rw_buf_append(j->out, run, (size_t)(p - run));
	put(j, "\"");
}

/* Comma and key before a value. */
static void member(rw_json *j, const char *key)
{
	if (j->count[j->depth]++ > 0)
		put(j, ", ");
	if (key) {
		put_string(j, key);
		put(j, ": ");
	}
}

static void open_level(rw_json *j, const char *key, const char *bracket)
{
	member(j, key);
	put(j, bracket);
	if (j->depth + 1 >= RW_JSON_MAXDEPTH) {
		j->rc = RW_ELIMIT;
		return;
	}
	j->depth++;
	j->count[j->depth] = 0;
	j->closer[j->depth] = bracket[0] == '{' ? '}' : ']';
}

void rw_json_object(rw_json *j, const char *key)
{
	open_level(j, key, "{");
}

void rw_json_array(rw_json *j, const char *key)
{
	open_level(j, key, "[");
}

void rw_json_end(rw_json *j)
{
	if (j->depth == 0) {
		if (j->rc == 0)
			j->rc = RW_ERR; /* more ends than opens; an earlier error stays the one reported */
		return;
	}
	if (j->rc == 0)
		j->rc = rw_buf_putc(j->out, j->closer[j->depth]);
	j->depth--;
}

void rw_json_str(rw_json *j, const char *key, const char *s)
{
	member(j, key);
	if (s == NULL)
		put(j, "null");
	else
		put_string(j, s);
}

void rw_json_str_or_null(rw_json *j, const char *key, const char *s)
{
	rw_json_str(j, key, s && s[0] ? s : NULL);
}

void rw_json_int(rw_json *j, const char *key, long v)
{
	char num[32];

	snprintf(num, sizeof(num), "%ld", v);
	member(j, key);
	put(j, num);
}

void rw_json_null(rw_json *j, const char *key)
{
	member(j, key);
	put(j, "null");
}

void rw_json_raw(rw_json *j, const char *key, const char *json)
{
	member(j, key);
	put(j, json);
}

int rw_json_finish(rw_json *j)
{
	if (j->rc == 0 && j->depth != 0)
		j->rc = RW_ERR;
	put(j, "\n");
	return j->rc;
}
