/*
 * A small JSON writer into an rw_buf: it escapes strings and places the
 * commas. Keys are given for members of objects and NULL inside arrays.
 * Strings are written as valid UTF-8 whatever they hold: each malformed
 * sequence becomes U+FFFD, so every document parses as JSON.
 */
#ifndef REGWATCH_JSON_H
#define REGWATCH_JSON_H

#include "regwatch/core.h"

#define RW_JSON_MAXDEPTH 32

typedef struct rw_json {
	rw_buf *out;
	int depth;
	int count[RW_JSON_MAXDEPTH]; /* members written at each level */
	char closer[RW_JSON_MAXDEPTH]; /* '}' or ']' for each open level */
	int rc;                      /* first error, sticky */
} rw_json;

void rw_json_init(rw_json *j, rw_buf *out);
void rw_json_object(rw_json *j, const char *key);
void rw_json_array(rw_json *j, const char *key);
void rw_json_end(rw_json *j);                 /* closes the innermost object or array */
void rw_json_str(rw_json *j, const char *key, const char *s);      /* NULL -> null */
void rw_json_str_or_null(rw_json *j, const char *key, const char *s); /* "" -> null */
void rw_json_int(rw_json *j, const char *key, long v);
void rw_json_null(rw_json *j, const char *key);
void rw_json_raw(rw_json *j, const char *key, const char *json); /* already valid JSON */
/* 0, or the first error; the document ends with a newline. */
int rw_json_finish(rw_json *j);

#endif
