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
	long max_attempts;      /* per source, >= 1 (transient errors only are retried) */
	long retry_delay_ms;    /* first backoff; doubles each attempt */
	long max_retry_delay_ms; /* cap for backoff and Retry-After; 0: 60000 */
	long max_parallel;      /* transfers at once */
	const char *proxy;      /* CURLOPT_PROXY; NULL or "": no proxy (http_proxy etc. are ignored) */
	const char *ca_file;    /* CA bundle for TLS verification; NULL: the system's */
	/* Called now and then while bodies arrive (at most every 250 ms per transfer): request
	   `index` has `bytes` of its body so far. NULL: no reports. */
	void (*on_bytes)(void *arg, size_t index, size_t bytes);
	void *on_bytes_arg;
} rw_fetch_opts;

/* Limits every transfer has. At most 2 connections per host at once. */
#define RW_FETCH_MAX_REDIRS 5
#define RW_FETCH_MAX_HEADER_BYTES (64 * 1024)   /* all response headers of one transfer */
#define RW_FETCH_DEFAULT_MAX_BYTES ((size_t)8 * 1024 * 1024) /* when max_bytes is 0 */
#define RW_FETCH_MIN_CURL 0x075500u             /* libcurl 7.85.0 */

typedef struct rw_fetch_req {
	const char *name;          /* source name, for messages */
	const char *url;
	const char *etag;          /* stored validators, or NULL */
	const char *last_modified;
	size_t max_bytes;          /* body cap (decoded bytes); 0: RW_FETCH_DEFAULT_MAX_BYTES */
	long timeout_ms;           /* total per attempt; 0: 60000 */
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

/* libcurl process set-up: call once from main before anything else. Fails
   (with a message) when libcurl is older than RW_FETCH_MIN_CURL or lacks TLS,
   zlib, the asynchronous resolver or thread safety. */
int rw_fetch_global_init(rw_ctx *ctx);
void rw_fetch_global_cleanup(void);

/* The check rw_fetch_global_init makes, against a given minimum version in libcurl's own
   form (0x075500 is 7.85.0); usable before rw_fetch_global_init, e.g. by --self-check. */
int rw_fetch_check_runtime(rw_ctx *ctx, unsigned int min_version);
/* "libcurl/7.88.1 OpenSSL/3.0.x zlib/..." for the run log; static storage. */
const char *rw_fetch_library_version(void);

/*
 * The one set of libcurl safe defaults, for every easy handle regwatch creates
 * (fetching here, mail and webhooks in notify): only the given protocols, for
 * redirects too, peer and host verified at TLS 1.2 or later, no proxy unless
 * one is given (the environment's http_proxy and the like are never read), no
 * signals, and a cap on the body.
 */
typedef struct rw_curl_safety {
	const char *protocols;       /* CURLOPT_PROTOCOLS_STR: "http,https", "smtp,smtps", "file" */
	const char *redir_protocols; /* NULL: redirects are not followed */
	long max_redirs;             /* when redirects are followed */
	const char *ca_file;         /* NULL: the system's CA store */
	const char *proxy;           /* NULL or "": no proxy */
	long long max_body;          /* refuse bodies announced larger; 0: no cap */
} rw_curl_safety;

/* Applies s to the libcurl easy handle `easy` (a CURL *). 0, or the CURLcode of the first
   option libcurl refused (a positive number, for curl_easy_strerror). */
int rw_curl_harden(void *easy, const rw_curl_safety *s);

#endif
