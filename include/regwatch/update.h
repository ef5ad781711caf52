/*
 * The nightly job: fetch every source, parse, normalise, archive, record, queue
 * the run's notifications and deliver them.
 */
#ifndef REGWATCH_UPDATE_H
#define REGWATCH_UPDATE_H

#include <stddef.h>
#include "regwatch/config.h"
#include "regwatch/core.h"
#include "regwatch/datadir.h"
#include "regwatch/notify.h"
#include "regwatch/queue.h"

/* What one source of a run is doing, for a live display (rw_update_opts.progress). */
enum rw_progress_state {
	RW_PROGRESS_WAITING = 0,     /* queued */
	RW_PROGRESS_FETCHING = 1,    /* transfer under way; bytes so far when known */
	RW_PROGRESS_UNCHANGED = 2,   /* 304, or the same bytes as archived */
	RW_PROGRESS_PARSED = 3,      /* a new document: records */
	RW_PROGRESS_QUARANTINED = 4, /* archived, not applied: reason */
	RW_PROGRESS_FAILED = 5       /* reason */
};

typedef struct rw_progress {
	size_t index;          /* the source's position among the run's sources */
	size_t total;          /* sources in the run */
	const char *source;
	int state;             /* enum rw_progress_state */
	size_t bytes;          /* body bytes (0: not known) */
	long records;          /* RW_PROGRESS_PARSED: records parsed */
	const char *reason;    /* RW_PROGRESS_FAILED / _QUARANTINED, else NULL */
} rw_progress;

/* Called on every change of a source's state; the strings live only during the call. */
typedef void (*rw_progress_fn)(void *arg, const rw_progress *p);

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
	rw_progress_fn progress;     /* NULL: no progress reports */
	void *progress_arg;
	const rw_notify_opts *notify; /* deliver the outbox after the run; NULL: --no-notify (the
	                                 run's messages are queued all the same) */
} rw_update_opts;

typedef struct rw_update_result {
	long run;             /* run number recorded, 0 when nothing changed */
	char commit[41];      /* archive commit of the run, "" when none */
	size_t sources;       /* sources attempted */
	size_t failed;        /* fetch failures */
	size_t quarantined;   /* snapshots archived but not applied */
	size_t recovered;     /* archived runs applied on start that an earlier update left unrecorded */
	rw_queue_result queue;   /* what queueing the runs' notifications did */
	rw_notify_result notify; /* what delivering the outbox did */
	int notify_failed;    /* notifications could not be queued or the outbox worked through (logged) */
} rw_update_result;

int rw_update(rw_ctx *ctx, const rw_update_opts *opts, rw_update_result *res);

typedef struct rw_rebuild_result {
	size_t runs;          /* archived runs replayed */
	size_t parsed;        /* source documents parsed again */
	size_t skipped;       /* documents of sources no longer configured, or no longer accepted */
} rw_rebuild_result;

/* Re-derives the regulatory history from the archive, commit by commit, through today's
   parsers, dictionary and source settings, in one database transaction. */
int rw_rebuild(rw_ctx *ctx, const rw_update_opts *opts, rw_rebuild_result *res);

#endif
