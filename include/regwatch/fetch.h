/*
 * Fetching sources over HTTP(S) (and file:// where the source says so),
 * all concurrently, with conditional GET, limits and retries.
 */
#ifndef REGWATCH_FETCH_H
#define REGWATCH_FETCH_H

#include <stddef.h>
#include "regwatch/core.h"

typedef struct rw_fetch_opts {
	const char *user_agent;
	long connect_timeout_ms;
	long low_speed_limit;   /* bytes per second */
	long low_speed_time;    /* seconds */
	long max_attempts;      /* per source, >= 1 */
	long retry_delay_ms;    /* first backoff; doubles each attempt */
	long max_retry_delay_ms; /* cap for backoff and Retry-After */
	long max_parallel;      /* transfers at once */
} rw_fetch_opts;

typedef struct rw_fetch_req {
	const char *name;          /* source name, for messages */
	const char *url;
	const char *etag;          /* stored validators, or NULL */
	const char *last_modified;
	size_t max_bytes;          /* body cap */
	long timeout_ms;           /* total per attempt */
} rw_fetch_req;

enum rw_fetch_outcome {
	RW_FETCH_NEW = 0,       /* 2xx with a body */
	RW_FETCH_UNCHANGED = 1, /* 304, or file:// whose validators match */
	RW_FETCH_FAILED = 2
};

typedef struct rw_fetch_res {
	int outcome;
	long http_status;       /* 0 when no HTTP response */
	rw_buf body;            /* RW_FETCH_NEW: the decoded body */
	char *etag;             /* validators of the final response (NULL if absent) */
	char *last_modified;
	char *content_type;
	char *effective_url;
	int attempts;
	char error[512];        /* RW_FETCH_FAILED: one line, names the source */
} rw_fetch_res;

/* Fetches n requests concurrently; res[i] belongs to reqs[i]. Returns 0 even when
   some sources failed (see res[i].outcome); a negative code only when fetching
   could not start at all. Release each result with rw_fetch_res_release. */
int rw_fetch_all(rw_ctx *ctx, const rw_fetch_opts *opts, const rw_fetch_req *reqs,
		 rw_fetch_res *res, size_t n);
void rw_fetch_res_release(rw_fetch_res *r);

/* libcurl process set-up: call once from main before anything else. */
int rw_fetch_global_init(rw_ctx *ctx);
void rw_fetch_global_cleanup(void);

#endif
