/*
 * Secrets (the SMTP password, the webhook signing key) and the hashing that
 * signs and names notifications.
 *
 * A secret file must be a regular file (not a symbolic link: it is opened
 * with O_NOFOLLOW), owned by the effective user, with no permission for
 * group or others (0600 or 0400), at most RW_SECRET_MAX bytes, and not
 * empty. One trailing line end is removed; the secret may not contain NUL,
 * CR or LF bytes otherwise. Messages name the file, never its content.
 */
#ifndef REGWATCH_SECRET_H
#define REGWATCH_SECRET_H

#include <stddef.h>
#include "regwatch/core.h"

#define RW_SECRET_MAX 4096

/* Reads the secret file path; what names it in messages ("smtp: password file").
   RW_ECONFIG for a file that breaks a rule above, RW_EIO when it cannot be read.
   *out is freed with rw_secret_free. */
int rw_secret_read(rw_ctx *ctx, const char *what, const char *path, char **out);
/* The same checks on text from the environment (non-empty, no line ends). */
int rw_secret_from_env(rw_ctx *ctx, const char *name, char **out);
/* Overwrites the secret with zeros and frees it; NULL is fine. */
void rw_secret_free(char *s);

#define RW_SHA256_LEN 32

void rw_sha256(const void *data, size_t len, unsigned char out[RW_SHA256_LEN]);
/* HMAC-SHA256 (RFC 2104) of msg under key. */
void rw_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
		    unsigned char out[RW_SHA256_LEN]);
/* Appends the standard base64 encoding (RFC 4648, with padding) of data to out. */
int rw_base64_append(rw_buf *out, const void *data, size_t len);
/* Writes 2 * n lower-case hex digits and a NUL into out. */
void rw_hex(char *out, const unsigned char *in, size_t n);

#endif
