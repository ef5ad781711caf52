/*
 * The history database (regwatch.db): runs, bitemporal status intervals,
 * announcements, the changes of every run and per-source health. It is
 * derived from the archive: rw_db_apply records one archive commit.
 */
#ifndef REGWATCH_HISTORY_H
#define REGWATCH_HISTORY_H

#include <stddef.h>
#include <time.h>
#include "regwatch/model.h"
#include "regwatch/core.h"
#include "regwatch/dates.h"
#include "regwatch/state.h"

typedef struct rw_db rw_db;

enum rw_db_mode { RW_DB_READ = 0, RW_DB_WRITE = 1 };

/* RW_DB_WRITE creates the file (mode 0600 through the umask) and runs the migrations;
   RW_DB_READ needs an existing database and never writes. Free with rw_db_close. */
int rw_db_open(rw_ctx *ctx, rw_db **out, const char *path, int mode);
void rw_db_close(rw_db *db);

/* A write transaction for several calls (each of which otherwise commits on its own):
   rw_db_end commits when rc is 0 and rolls back otherwise, returning rc. */
int rw_db_begin(rw_ctx *ctx, rw_db *db);
int rw_db_end(rw_ctx *ctx, rw_db *db, int rc);

/* 1 when the archive commit oid has been applied. */
int rw_db_has_commit(rw_ctx *ctx, rw_db *db, const char *oid, int *has);

/* What one fetch attempt of a source came to. */
typedef struct rw_attempt {
	const char *name;
	const char *url;
	const char *format;
	const char *outcome;       /* "new", "unchanged", "failed", "quarantined" */
	long http_status;          /* 0: none */
	long records;              /* -1: not parsed this time */
	const char *reason;        /* failure or quarantine reason, or NULL */
	const char *etag;          /* validators to use next time, received from url (both NULL:
				      keep the stored ones; either set: replace both) */
	const char *last_modified;
	int changed;               /* the body changed this run */
	long max_age_days;
} rw_attempt;

/* Records the attempts of one run in one transaction (last attempt, last success,
   consecutive failures, health). */
int rw_db_record_attempts(rw_ctx *ctx, rw_db *db, const rw_attempt *a, size_t n, time_t now);

/* Stored validators of a source (caller frees; NULL when none), only when they were
   received from url: a source whose URL changed is fetched unconditionally. */
int rw_db_validators(rw_ctx *ctx, rw_db *db, const char *name, const char *url, char **etag,
		     char **last_modified);

/* One archive commit to record. */
typedef struct rw_apply {
	const char *oid;
	time_t recorded_at;        /* the commit's time: transaction time of everything in it */
	const char *message;
	const rw_state *state;     /* the commit's state files */
	const rw_dict *dict;       /* for the vendors table */
	const rw_regimes *regimes; /* for the regimes table */
	long run_id;               /* the run number to give it (rebuild), 0: the next one */
} rw_apply;

/* Records a commit in one transaction: the run, superseded and new intervals, new
   announcements and the run's changes; nothing else (the run's notifications are queued
   afterwards, queue.h; until then the run is "not queued"). A commit already recorded is
   left alone. *run gets the run number. */
int rw_db_apply(rw_ctx *ctx, rw_db *db, const rw_apply *a, long *run);

/* Rebuild: one transaction that empties the regulatory tables (runs, intervals,
   announcements, changes) for rw_db_apply to fill again; _end commits when rc is 0
   and rolls back otherwise (returning rc), marking every run it recorded as queued:
   rebuilding never notifies. Members and the outbox are left alone. */
int rw_db_rebuild_begin(rw_ctx *ctx, rw_db *db);
int rw_db_rebuild_end(rw_ctx *ctx, rw_db *db, int rc);

/* Columns of an interval in query results. */
enum rw_q_col {
	RW_Q_REGIME, RW_Q_JURISDICTION, RW_Q_STATUS, RW_Q_SINCE, RW_Q_UNTIL, RW_Q_VIA, RW_Q_SOURCE,
	RW_Q_EVIDENCE, RW_Q_RECORDED_AT, RW_Q_ENTITY, RW_Q_NOTE, RW_Q_VENDOR,
	RW_Q_DROPPED_FROM,   /* a live list that no longer lists it, removal not confirmed ("": none) */
	RW_Q_FIRST_ABSENT,   /* the first day that list went without it ("": none) */
	RW_Q_PROVISION,      /* the regime's provision the curated event names ("": none or a live list) */
	RW_Q_REGIME_TITLE,
	RW_Q_CONFIDENCE,     /* H, M, L for curated events; "" for live lists */
	RW_Q_EVIDENCE_KIND,  /* primary or secondary */
	RW_Q_NCOLS
};

/* A vendor's id, display name and parent; RW_ENOTFOUND names the closest known ids. */
int rw_db_vendor(rw_ctx *ctx, rw_db *db, const char *id, char **name, char **parent);

/* Statuses in force for vendor on date `on` (YYYY-MM-DD) as recorded by `known`
   (transaction time; (time_t)-1: now), including those inherited from a parent under a
   regime that covers affiliates (RW_Q_VIA names the parent). Most severe first. */
int rw_db_status(rw_ctx *ctx, rw_db *db, const char *vendor, const char *on, time_t known, rw_table *out);

/* Every interval (as currently known) of vendor, oldest first, and its announcements
   (columns RW_A_*). regime may be NULL. */
int rw_db_history(rw_ctx *ctx, rw_db *db, const char *vendor, const char *regime, rw_table *intervals,
		  rw_table *anns);

enum rw_v_col { RW_V_ID, RW_V_NAME, RW_V_PARENT, RW_V_ALIASES, RW_V_BRANDS, RW_V_NCOLS };
enum rw_u_col { RW_U_NAME, RW_U_SOURCE, RW_U_REGIME, RW_U_SINCE, RW_U_NCOLS };
/* The dictionary (aliases and brands as JSON arrays) and the list entries naming no vendor. */
int rw_db_vendors(rw_ctx *ctx, rw_db *db, rw_table *vendors, rw_table *unmatched);

enum rw_s_col {
	RW_S_NAME, RW_S_URL, RW_S_FORMAT, RW_S_HEALTH, RW_S_REASON, RW_S_LAST_ATTEMPT, RW_S_LAST_SUCCESS,
	RW_S_LAST_CHANGE, RW_S_HTTP_STATUS, RW_S_RECORDS, RW_S_FAILURES, RW_S_NCOLS
};
/* Per source health; "stale" when the last success is older than the source's maxAge at `now`. */
int rw_db_sources(rw_ctx *ctx, rw_db *db, time_t now, rw_table *out);

/* Counts for tests and diagnostics: runs, intervals, announcements, changes. */
int rw_db_counts(rw_ctx *ctx, rw_db *db, long counts[4]);

/* "SQLite/3.40.1": the library loaded at run time. */
void rw_db_library_version(char *buf, size_t size);
/* The library is at least min_number (sqlite3_libversion_number form: 3037000). */
int rw_db_check_runtime(rw_ctx *ctx, int min_number);
/* PRAGMA quick_check: 0 when the file is sound, else RW_EDB naming the first problem. */
int rw_db_quick_check(rw_ctx *ctx, rw_db *db);

typedef struct rw_point {
	long run;                /* every run up to and including this one; 0: none */
	char at[RW_INSTANT_LEN]; /* the run's instant, "" for run 0 */
} rw_point;

/* ---- Points of the record and the changes between them (changes.c) ---- */


/* The point after run `run` (RW_ENOTFOUND when there is no such run; 0 always exists). */
int rw_db_run_point(rw_ctx *ctx, rw_db *db, long run, rw_point *out);
/* The point after the last run recorded at or before t (run 0 when none). */
int rw_db_point_at(rw_ctx *ctx, rw_db *db, time_t t, rw_point *out);
/* The point after the last run. */
int rw_db_last_point(rw_ctx *ctx, rw_db *db, rw_point *out);

/* Appends the changes recorded by runs since < run <= until to out, in the order they were
   recorded, every field filled (vendor name, regime title, jurisdiction, the intervals'
   other ends). The caller frees out with rw_changes_release. */
int rw_db_changes(rw_ctx *ctx, rw_db *db, long since, long until, rw_changes *out);

/* Columns of rw_db_baseline_notes. */
enum rw_bn_col { RW_BN_VENDOR, RW_BN_REGIME, RW_BN_STATUS, RW_BN_NOTE, RW_BN_NCOLS };
/* The curated baseline's current intervals that name a vendor: vendor, regime, status and
   note (the wording that says, for instance, that a regime applies only to some uses). */
int rw_db_baseline_notes(rw_ctx *ctx, rw_db *db, rw_table *out);

/*
 * Queries over the database for the report (report_q.c).
 * rw_db_report_intervals: every current interval that names a vendor, RW_Q_NCOLS
 * columns (RW_Q_VIA empty), ordered by vendor, regime, since.
 * rw_db_report_announcements: announcements dated from..to inclusive, RW_A_NCOLS
 * columns, ordered by vendor, newest first.
 */
int rw_db_report_intervals(rw_ctx *ctx, rw_db *db, rw_table *out);
int rw_db_report_announcements(rw_ctx *ctx, rw_db *db, const char *from, const char *to, rw_table *out);

#endif
