/* Secret files and environment variables; SHA-256, HMAC-SHA256 and base64 through nettle. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/base64.h>
#include <nettle/hmac.h>
#include <nettle/sha2.h>

#include "regwatch/secret.h"

/* Checks the secret's bytes and strips one trailing line end; 0 or RW_ECONFIG. */
static int secret_text(rw_ctx *ctx, const char *what, const char *where, char *s, size_t *len)
{
	size_t n = *len, i;

	if (n > 0 && s[n - 1] == '\n')
		n--;
	if (n > 0 && s[n - 1] == '\r')
		n--;
	s[n] = '\0';
	if (n == 0)
		return rw_error(ctx, RW_ECONFIG, "%s '%s': empty", what, where);
	for (i = 0; i < n; i++)
		if (s[i] == '\0' || s[i] == '\n' || s[i] == '\r')
			return rw_error(ctx, RW_ECONFIG, "%s '%s': holds more than one line", what, where);
	*len = n;
	return 0;
}

int rw_secret_read(rw_ctx *ctx, const char *what, const char *path, char **out)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t got;
	int fd, rc = 0;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ELOOP)
			return rw_error(ctx, RW_ECONFIG, "%s '%s': is a symbolic link (give the file itself)", what,
					path);
		return rw_error(ctx, errno == ENOENT ? RW_ECONFIG : RW_EIO, "%s '%s': %s", what, path,
				strerror(errno));
	}
	if (fstat(fd, &st) < 0) {
		rc = rw_error(ctx, RW_EIO, "%s '%s': %s", what, path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = rw_error(ctx, RW_ECONFIG, "%s '%s': not a regular file", what, path);
		goto out;
	}
	if (st.st_uid != geteuid()) {
		rc = rw_error(ctx, RW_ECONFIG, "%s '%s': owned by uid %ld, not by the user running regwatch (%ld)",
			      what, path, (long)st.st_uid, (long)geteuid());
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		rc = rw_error(ctx, RW_ECONFIG, "%s '%s': mode %04o lets group or others read it; it must be 0600 "
			      "(chmod 600 '%s')", what, path, (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	if (st.st_size > RW_SECRET_MAX) {
		rc = rw_error(ctx, RW_ECONFIG, "%s '%s': larger than %d bytes", what, path, RW_SECRET_MAX);
		goto out;
	}
	buf = malloc(RW_SECRET_MAX + 2);
	if (buf == NULL) {
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
		goto out;
	}
	while (len < RW_SECRET_MAX + 1) {
		got = read(fd, buf + len, RW_SECRET_MAX + 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = rw_error(ctx, RW_EIO, "%s '%s': %s", what, path, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	if (len > RW_SECRET_MAX) {
		rc = rw_error(ctx, RW_ECONFIG, "%s '%s': larger than %d bytes", what, path, RW_SECRET_MAX);
		goto out;
	}
	buf[len] = '\0';
	rc = secret_text(ctx, what, path, buf, &len);
out:
	close(fd);
	if (rc < 0) {
		if (buf)
			explicit_bzero(buf, RW_SECRET_MAX + 2);
		free(buf);
		return rc;
	}
	*out = buf;
	return 0;
}

int rw_secret_from_env(rw_ctx *ctx, const char *name, char **out)
{
	const char *v = getenv(name);
	size_t len;
	char *s;
	int rc;

	*out = NULL;
	if (v == NULL)
		return rw_error(ctx, RW_ENOTFOUND, "$%s is not set", name);
	len = strlen(v);
	if (len > RW_SECRET_MAX)
		return rw_error(ctx, RW_ECONFIG, "$%s: longer than %d bytes", name, RW_SECRET_MAX);
	s = malloc(len + 1);
	if (s == NULL)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	memcpy(s, v, len + 1);
	rc = secret_text(ctx, "environment variable", name, s, &len);
	if (rc < 0) {
		rw_secret_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void rw_secret_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

/* ---- digests and base64, from nettle ---- */

void rw_sha256(const void *data, size_t len, unsigned char out[RW_SHA256_LEN])
{
	struct sha256_ctx s;

	sha256_init(&s);
	sha256_update(&s, len, data);
	sha256_digest(&s, RW_SHA256_LEN, out);
}

void rw_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
		    unsigned char out[RW_SHA256_LEN])
{
	struct hmac_sha256_ctx h;

	hmac_sha256_set_key(&h, keylen, key);
	hmac_sha256_update(&h, len, msg);
	hmac_sha256_digest(&h, RW_SHA256_LEN, out);
	explicit_bzero(&h, sizeof(h)); /* the key's pads */
}

int rw_base64_append(rw_buf *out, const void *data, size_t len)
{
	struct base64_encode_ctx e;
	char chunk[BASE64_ENCODE_LENGTH(3 * 256) + BASE64_ENCODE_FINAL_LENGTH];
	const uint8_t *p = data;
	size_t n, step;
	int rc = 0;

	base64_encode_init(&e);
	while (len > 0 && rc == 0) {
		step = len < 3 * 256 ? len : 3 * 256;
		n = base64_encode_update(&e, chunk, step, p);
		rc = rw_buf_append(out, chunk, n);
		p += step;
		len -= step;
	}
	if (rc == 0) {
		n = base64_encode_final(&e, chunk);
		rc = rw_buf_append(out, chunk, n);
	}
	return rc;
}

void rw_hex(char *out, const unsigned char *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}
