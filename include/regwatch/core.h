/*
 * regwatch core: the context every call receives, the error convention,
 * bounded buffers and string vectors.
 *
 * Error convention: a function returns 0 (RW_OK) or a negative RW_E* code
 * and leaves a one-line message in the context (rw_errmsg). Messages are
 * lower case, subject first, names quoted, no full stop.
 */
#ifndef REGWATCH_CORE_H
#define REGWATCH_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#define REGWATCH_VERSION "0.1.0"

enum rw_err {
	RW_OK = 0,
	RW_ERR = -1,        /* generic failure */
	RW_ENOMEM = -2,     /* allocation failed or buffer limit reached */
	RW_EUSAGE = -3,     /* bad command-line arguments */
	RW_ECONFIG = -4,    /* configuration file error */
	RW_EIO = -5,        /* file system error */
	RW_EFETCH = -6,     /* network transfer failed */
	RW_EPARSE = -7,     /* document could not be parsed */
	RW_EDB = -8,        /* SQLite error */
	RW_EGIT = -9,       /* libgit2 error */
	RW_ELOCKED = -10,   /* another update holds the lock */
	RW_ENOTFOUND = -11, /* unknown vendor, regime, run ... */
	RW_EDATA = -12,     /* bad input data (date, CSV row ...) */
	RW_ELIMIT = -13     /* a size or count limit was exceeded */
};

enum rw_level { RW_LOG_ERROR = 0, RW_LOG_WARN = 1, RW_LOG_INFO = 2, RW_LOG_DEBUG = 3 };

typedef void (*rw_log_fn)(void *arg, int level, const char *msg);

/* The context: all mutable state of one invocation. Not shared between threads. */
typedef struct rw_ctx {
	char errmsg[1024];
	int errcode;
	int verbosity;     /* messages with level <= verbosity are logged */
	rw_log_fn log_fn;  /* NULL: messages are dropped */
	void *log_arg;
	time_t now;        /* the invocation's clock (REGWATCH_NOW in tests) */
	const char *fault; /* crash tests: the named point at which to die (REGWATCH_FAULT) */
} rw_ctx;

void rw_ctx_init(rw_ctx *ctx, time_t now);

/* Sets the context's message and returns code (so callers can `return rw_error(...)`). */
int rw_error(rw_ctx *ctx, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prefixes the current message with "PREFIX: " and returns code. */
int rw_error_prefix(rw_ctx *ctx, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *rw_errmsg(const rw_ctx *ctx);
void rw_clear_error(rw_ctx *ctx);

/* Crash tests: kills the process with SIGKILL when ctx->fault names this point. */
void rw_fault_point(const rw_ctx *ctx, const char *point);

void rw_log(rw_ctx *ctx, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Allocation helpers: return NULL on failure (callers map it to RW_ENOMEM). */
char *rw_strdup(const char *s);              /* rw_strdup(NULL) == NULL */
char *rw_strndup(const char *s, size_t n);
char *rw_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Frees *p and sets it to s (s is owned by the caller afterwards only through *p). */
void rw_str_replace(char **p, char *s);

/*
 * Growable byte buffer with a hard maximum. data is always NUL-terminated
 * when non-NULL. rw_buf_release frees the contents; rw_buf_detach hands the
 * bytes to the caller (who frees them) and leaves the buffer empty.
 */
typedef struct rw_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* 0: no limit below SIZE_MAX/2 */
} rw_buf;

#define RW_BUF_INIT {NULL, 0, 0, 0}

void rw_buf_init(rw_buf *b, size_t max);
int rw_buf_append(rw_buf *b, const void *data, size_t len);  /* RW_ENOMEM / RW_ELIMIT */
int rw_buf_puts(rw_buf *b, const char *s);
int rw_buf_putc(rw_buf *b, char c);
int rw_buf_printf(rw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int rw_buf_vprintf(rw_buf *b, const char *fmt, va_list ap);
void rw_buf_clear(rw_buf *b);
void rw_buf_release(rw_buf *b);
char *rw_buf_detach(rw_buf *b, size_t *len);
const char *rw_buf_cstr(const rw_buf *b); /* "" when empty */

/* Vector of owned strings. */
typedef struct rw_strvec {
	char **v;
	size_t n;
	size_t cap;
} rw_strvec;

#define RW_STRVEC_INIT {NULL, 0, 0}

int rw_strvec_push(rw_strvec *sv, const char *s);      /* copies s */
int rw_strvec_push_owned(rw_strvec *sv, char *s);      /* takes s (frees it on failure) */
int rw_strvec_contains(const rw_strvec *sv, const char *s);
void rw_strvec_sort(rw_strvec *sv);
void rw_strvec_release(rw_strvec *sv);

/* Reads a whole file into out (bounded by max bytes). */
int rw_read_file(rw_ctx *ctx, rw_buf *out, const char *path, size_t max);

/* Writes data to path atomically: temporary file, fsync, rename, fsync of the directory. */
int rw_write_file_atomic(rw_ctx *ctx, const char *path, const void *data, size_t len);

/* Parses a decimal long in [min, max]; the whole string must be consumed. */
int rw_parse_long(const char *s, long min, long max, long *out);

#endif
