/*
 * The parsers behind rw_parse (parse.c holds the registry: format name -> function).
 * Each takes the source (for its name in messages and its options), the body,
 * and appends records to out. Only src/parse/ includes this header.
 */
#ifndef REGWATCH_PARSERS_H
#define REGWATCH_PARSERS_H

#include "regwatch/parse.h"

typedef int (*rw_parser_fn)(rw_ctx *ctx, const rw_source *src, const char *body, size_t len,
			    rw_records *out);

int rw_parse_html_table(rw_ctx *ctx, const rw_source *src, const char *body, size_t len, rw_records *out);
int rw_parse_rss(rw_ctx *ctx, const rw_source *src, const char *body, size_t len, rw_records *out);
int rw_parse_atom(rw_ctx *ctx, const rw_source *src, const char *body, size_t len, rw_records *out);
int rw_parse_sdnlist(rw_ctx *ctx, const rw_source *src, const char *body, size_t len, rw_records *out);
int rw_parse_csv(rw_ctx *ctx, const rw_source *src, const char *body, size_t len, rw_records *out);

#endif
