/*
 * regwatch doctor: checks of an installation and its data, one result per
 * check, without changing anything (nothing is created, fetched or sent).
 */
#ifndef REGWATCH_DOCTOR_H
#define REGWATCH_DOCTOR_H

#include "regwatch/config.h"
#include "regwatch/core.h"

/* A check's result, least severe first. */
enum rw_check_result {
	RW_CHECK_OK = 0,
	RW_CHECK_SKIP = 1, /* nothing to check yet (no data directory, no [smtp] ...) */
	RW_CHECK_WARN = 2, /* works, but deserves a look */
	RW_CHECK_FAIL = 3  /* broken: the nightly job or a notification would fail */
};

/* One check's outcome: check names what was checked ("archive", "source 'fcc-headlines'"),
   detail says what was found, in one line. Both live only during the call. */
typedef void (*rw_doctor_fn)(void *arg, int result, const char *check, const char *detail);

/* The minimum library versions of the hardening baseline (HARDENING §0 B-1). */
#define RW_DOCTOR_MIN_CURL 0x075500u  /* 7.85.0 */
#define RW_DOCTOR_MIN_GIT_MAJOR 1
#define RW_DOCTOR_MIN_GIT_MINOR 5
#define RW_DOCTOR_MIN_SQLITE 3037000  /* 3.37.0 */
#define RW_DOCTOR_MIN_XML 20914L      /* 2.9.14 */

typedef struct rw_doctor_opts {
	const rw_feeds *feeds;   /* NULL: feeds.conf did not load (the caller reports why) */
	const char *data_dir;
	rw_doctor_fn report;
	void *arg;
	/* Library minimums; 0 means the RW_DOCTOR_MIN_* default. */
	unsigned int min_curl;
	int min_git_major;
	int min_git_minor;
	int min_sqlite;
	long min_xml;
} rw_doctor_opts;

/*
 * Runs every check in order — the dictionary and baseline, SMTP and notification
 * settings, the libraries, the data directory (owner and permissions), the archive
 * (every object read back), the database (quick_check) and each source's last
 * success — and reports each through o->report. Returns the number of checks that
 * failed (0 or more), or a negative RW_E* code when the checks could not go on.
 */
int rw_doctor(rw_ctx *ctx, const rw_doctor_opts *o);

#endif
