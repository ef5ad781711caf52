/* The context: error messages and logging. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "regwatch/core.h"

void rw_ctx_init(rw_ctx *ctx, time_t now)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->verbosity = RW_LOG_WARN;
	ctx->now = now;
}

static void set_message(rw_ctx *ctx, const char *fmt, va_list ap)
{
	char *p;

	vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, ap);
	/* A message is one line, whatever the input said. */
	for (p = ctx->errmsg; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
}

int rw_error(rw_ctx *ctx, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_message(ctx, fmt, ap);
	va_end(ap);
	ctx->errcode = code;
	return code;
}

int rw_error_prefix(rw_ctx *ctx, int code, const char *fmt, ...)
{
	char prefix[512];
	char joined[sizeof(prefix) + sizeof(ctx->errmsg) + 2];
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	snprintf(joined, sizeof(joined), "%s: %s", prefix, ctx->errmsg);
	n = strlen(joined);
	if (n >= sizeof(ctx->errmsg))
		n = sizeof(ctx->errmsg) - 1;
	memcpy(ctx->errmsg, joined, n);
	ctx->errmsg[n] = '\0';
	ctx->errcode = code;
	return code;
}

const char *rw_errmsg(const rw_ctx *ctx)
{
	return ctx->errmsg[0] ? ctx->errmsg : "unknown error";
}

void rw_clear_error(rw_ctx *ctx)
{
	ctx->errmsg[0] = '\0';
	ctx->errcode = 0;
}

void rw_log(rw_ctx *ctx, int level, const char *fmt, ...)
{
	char msg[2048];
	char *p;
	va_list ap;

	if (ctx->log_fn == NULL || level > ctx->verbosity)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	ctx->log_fn(ctx->log_arg, level, msg);
}

void rw_fault_point(const rw_ctx *ctx, const char *point)
{
	if (ctx->fault != NULL && strcmp(ctx->fault, point) == 0)
		raise(SIGKILL);
}
