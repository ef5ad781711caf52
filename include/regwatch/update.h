/*
 * The nightly job: fetch every source, parse, normalise, archive, record.
 */
#ifndef REGWATCH_UPDATE_H
#define REGWATCH_UPDATE_H

#include <stddef.h>
#include "regwatch/config.h"
#include "regwatch/core.h"

typedef struct rw_update_opts {
	const char *data_dir;        /* holds regwatch.db, archive.git and update.lock */
	const rw_feeds *feeds;
	const rw_dict *dict;
	const rw_regimes *regimes;
	const char *regimes_text;    /* regimes.conf as read: archived as the baseline's body */
	size_t regimes_len;
	const char *dict_text;       /* vendors.conf as read: archived with the state */
	size_t dict_len;
	const char *const *only;     /* --source names, or NULL for every enabled source */
	size_t nonly;
} rw_update_opts;

typedef struct rw_update_result {
	long run;             /* run number recorded, 0 when nothing changed */
	char commit[41];      /* archive commit of the run, "" when none */
	size_t sources;       /* sources attempted */
	size_t failed;        /* fetch failures */
	size_t quarantined;   /* snapshots archived but not applied */
	size_t recovered;     /* archived runs applied on start that an earlier update left unrecorded */
} rw_update_result;

int rw_update(rw_ctx *ctx, const rw_update_opts *opts, rw_update_result *res);

/* Takes the exclusive update lock (DIR/update.lock) without waiting: RW_ELOCKED when
   another update or rebuild holds it. Close *fd to release it. */
int rw_update_lock(rw_ctx *ctx, const char *dir, int *fd);

typedef struct rw_rebuild_result {
	size_t runs;          /* archived runs replayed */
	size_t parsed;        /* source documents parsed again */
	size_t skipped;       /* documents of sources no longer configured, or no longer accepted */
} rw_rebuild_result;

/* Re-derives the regulatory history from the archive, commit by commit, through today's
   parsers, dictionary and source settings, in one database transaction. */
int rw_rebuild(rw_ctx *ctx, const rw_update_opts *opts, rw_rebuild_result *res);

/* Creates the data directory (mode 0700) when missing. */
int rw_data_dir_prepare(rw_ctx *ctx, const char *dir);

/* Paths inside the data directory (caller frees). */
char *rw_data_path(const char *dir, const char *name);

#endif
