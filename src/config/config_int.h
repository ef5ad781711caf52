/*
 * Inside the configuration reader (src/config/): the table-driven libgit2
 * reader that feeds.c, dict.c and regimes.c describe their files to, and the
 * checks they share. Only src/config/ includes this header.
 */
#ifndef REGWATCH_CONFIG_INT_H
#define REGWATCH_CONFIG_INT_H

#include <stddef.h>

#include <git2.h>

#include "regwatch/config.h"

#define CONF_MAX_FILE (1L << 20) /* bytes in one configuration file */
#define CONF_MAX_VALUE 4096      /* bytes in one value */
#define CONF_MAX_NAME 64         /* bytes in a section's name */
#define CONF_MAX_SECTIONS 8      /* section kinds per file */

enum key_type {
	KT_STR,      /* char *, one value */
	KT_MULTI,    /* rw_strvec, every value */
	KT_BOOL,     /* int */
	KT_LONG,     /* long in [min, max] */
	KT_SIZE,     /* size_t in [min, max] */
	KT_FRACTION  /* double in [0, 1], written like 0.5 */
};

struct key_def {
	const char *name; /* as documented; matched without regard to case */
	enum key_type type;
	size_t off;       /* the field in the section's struct */
	long long min;
	long long max;
};

struct section_def {
	const char *name;            /* lower case, as libgit2 reports it */
	int named;                   /* 1: [name "SUB"] */
	const struct key_def *keys;  /* ends with a NULL name */
};

/* One open configuration file. */
struct conf {
	rw_ctx *ctx;
	const char *path;
	git_config *cfg;
	const struct section_def *defs;     /* ends with a NULL name */
	rw_strvec subs[CONF_MAX_SECTIONS];  /* names of each named section kind, in file order */
	int git_inited;
};

#define KEY(st, name, type, field) {name, type, offsetof(st, field), 0, 0}
#define KEY_RANGE(st, name, type, field, lo, hi) {name, type, offsetof(st, field), lo, hi}
#define KEY_END {NULL, KT_STR, 0, 0, 0}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Sets "PATH: WHERE: MESSAGE" (WHERE omitted when d is NULL) and returns RW_ECONFIG. */
int rw_conf_error(struct conf *c, const struct section_def *d, const char *sub, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Sets "out of memory" and returns RW_ENOMEM. */
int rw_conf_out_of_memory(rw_ctx *ctx);

/* 1 when s is one of the n words. */
int rw_conf_word_in(const char *s, const char *const *words, size_t n);

/* Lower case letters, digits and '-' (extra: further characters allowed after the first). */
int rw_conf_id_ok(const char *s, const char *extra);

/* A source name: letters (either case), digits, '-', '_', '.'; it becomes a path component. */
int rw_conf_source_name_ok(const char *s);

/* rw_url_check on a key's value; a refusal is a configuration error naming the key. */
int rw_conf_url_key_ok(struct conf *c, const struct section_def *d, const char *sub, const char *key,
		       const char *url, const char *schemes, unsigned flags);

/* YYYY-MM-DD (a real date), YYYY-MM or YYYY. */
int rw_conf_partial_date_ok(const char *s);

/* until must be later than since; a partial date that contains the other is not. */
int rw_conf_partial_after(const char *until, const char *since);

/* Frees what rw_conf_open allocated; c may be half-open. */
void rw_conf_close(struct conf *c);

/* First pass: opens path and checks every entry against defs, collecting the names of
   named sections in file order. 0 or RW_ECONFIG/RW_ELIMIT/RW_ENOMEM; rw_conf_close after. */
int rw_conf_open(rw_ctx *ctx, struct conf *c, const char *path, const struct section_def *defs);

/* Second pass: every known key of one section into obj. */
int rw_conf_read(struct conf *c, const struct section_def *d, const char *sub, void *obj);

#endif
