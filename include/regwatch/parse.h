/*
 * Parsers: a fetched document in, records out. One parser per format,
 * chosen through the registry in parse.c.
 */
#ifndef REGWATCH_PARSE_H
#define REGWATCH_PARSE_H

#include <stddef.h>
#include "regwatch/core.h"
#include "regwatch/model.h"

enum rw_record_kind {
	RW_REC_ENTITY = 0,   /* a list row naming an entity */
	RW_REC_CATEGORY = 1, /* a list row naming no entity (FCC: UAS, routers ...) */
	RW_REC_DOCUMENT = 2  /* a dated document, notice or news item */
};

typedef struct rw_record {
	int kind;
	char *entity;       /* entity name (RW_REC_ENTITY) or NULL */
	char *date;         /* first date, YYYY-MM-DD, or NULL */
	rw_strvec updates;  /* later dates ("Updated:"), YYYY-MM-DD */
	char *title;        /* category text, document title */
	char *link;         /* absolute URL where known */
	char *text;         /* the row's or item's whole normalised text */
	char *list;         /* list or program this row belongs to (CSV source column, OFAC program), or NULL */
	char *effective;    /* a separate effective date where the document gives one (OFAC CMIC), or NULL */
	char *uid;          /* the document's own id for the row (OFAC uid, CSL _id/entity number), or NULL */
	rw_strvec aliases;  /* other names of the entity given by the document */
} rw_record;

typedef struct rw_records {
	rw_record *v;
	size_t n;
	size_t cap;
	int degraded;       /* parsed in recover mode with errors */
} rw_records;

/* A bound on the records of one document: far above any real list, far below memory exhaustion. */
#define RW_RECORDS_MAX 2000000u

/* Appends a zeroed record to rs and points *out at it (owned by rs). RW_ELIMIT with
   "source 'SOURCE': more than 2000000 records" past RW_RECORDS_MAX, RW_ENOMEM with
   "source 'SOURCE': out of memory" when memory runs out; *out is then NULL. */
int rw_records_add(rw_ctx *ctx, rw_records *rs, const char *source, rw_record **out);
void rw_records_release(rw_records *rs);
/* Drops the records from index `from` on (what a failed parse appended). */
void rw_records_truncate(rw_records *rs, size_t from);

/* Parses body as src->format. On failure: RW_EPARSE with
   "source 'NAME': ..." in the context. */
int rw_parse(rw_ctx *ctx, const rw_source *src, const char *body, size_t len, rw_records *out);

/* libxml2 process set-up (deny-all entity loader, no catalogs): once from main. */
void rw_parse_global_init(void);
void rw_parse_global_cleanup(void);

/* "libxml2/2.9.14": the library loaded at run time. */
void rw_parse_library_version(char *buf, size_t size);
/* The library is at least min_version (20914 for 2.9.14) and at least the version of the
   headers regwatch was built with. */
int rw_parse_check_runtime(rw_ctx *ctx, long min_version);

#endif
