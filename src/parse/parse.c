/* The parser registry (format name -> function) and libxml2 process set-up. */
#include <stdlib.h>
#include <string.h>

#include <libxml/catalog.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "parse/parsers.h"

/* One row per format; the name is what feeds.conf writes in `format`. */
static const struct parser_row {
	const char *format;
	rw_parser_fn fn;
} parsers[] = {
	{"html-table", rw_parse_html_table},
	{"rss", rw_parse_rss},
	{"atom", rw_parse_atom},
	{"xml", rw_parse_sdnlist},
	{"csv", rw_parse_csv},
};

static const struct parser_row *find_parser(const char *format)
{
	size_t i;

	if (format == NULL)
		return NULL;
	for (i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++)
		if (strcmp(parsers[i].format, format) == 0)
			return &parsers[i];
	return NULL;
}


static int blank(const char *body, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (body[i] != ' ' && body[i] != '\t' && body[i] != '\n' && body[i] != '\r' && body[i] != '\f')
			return 0;
	return 1;
}

int rw_parse(rw_ctx *ctx, const rw_source *src, const char *body, size_t len, rw_records *out)
{
	const struct parser_row *p = find_parser(src->format);
	const char *name = src->name ? src->name : "?";
	size_t before = out->n;
	int rc;

	if (p == NULL)
		return rw_error(ctx, RW_ECONFIG, "source '%s': unknown format '%s'", name,
				src->format ? src->format : "");
	if (body == NULL || blank(body, len))
		return rw_error(ctx, RW_EPARSE, "source '%s': empty document", name);
	rc = p->fn(ctx, src, body, len, out);
	if (rc < 0)
		rw_records_truncate(out, before); /* a failed parse yields nothing, not a partial list */
	return rc;
}

/* External entities, external DTDs and XIncludes are never read: every request is refused. */
static xmlParserInputPtr deny_all_loader(const char *url, const char *id, xmlParserCtxtPtr context)
{
	(void)url;
	(void)id;
	(void)context;
	return NULL;
}

static void quiet_generic(void *data, const char *msg, ...)
{
	(void)data;
	(void)msg;
}

void rw_parse_global_init(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(deny_all_loader);
	xmlCatalogSetDefaults(XML_CATA_ALLOW_NONE);
	/* Diagnostics are captured per document; nothing goes to stderr. */
	xmlSetGenericErrorFunc(NULL, quiet_generic);
}

void rw_parse_global_cleanup(void)
{
	xmlCleanupParser();
}

/* The libxml2 loaded at run time, as a number: 20914 for 2.9.14 (0 when unreadable). */
static long runtime_version(void)
{
	long v = 0;

	if (xmlParserVersion == NULL || rw_parse_long(xmlParserVersion, 0, 99999999, &v) < 0)
		return 0;
	return v;
}

void rw_parse_library_version(char *buf, size_t size)
{
	long v = runtime_version();

	snprintf(buf, size, "libxml2/%ld.%ld.%ld", v / 10000, v / 100 % 100, v % 100);
}

int rw_parse_check_runtime(rw_ctx *ctx, long min_version)
{
	long v = runtime_version();

	if (min_version < LIBXML_VERSION)
		min_version = LIBXML_VERSION; /* never older than the headers regwatch was built with */
	if (v < min_version)
		return rw_error(ctx, RW_EPARSE, "libxml2 %ld.%ld.%ld is too old: %ld.%ld.%ld or later is needed",
				v / 10000, v / 100 % 100, v % 100, min_version / 10000, min_version / 100 % 100,
				min_version % 100);
	return 0;
}
