/* Secret files and environment variables; SHA-256, HMAC-SHA256 and base64. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* ---- SHA-256 (FIPS 180-4) ---- */

typedef struct sha256 {
	uint32_t h[8];
	unsigned char block[64];
	size_t used;       /* bytes in block */
	uint64_t total;    /* bytes hashed */
} sha256;

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_init(sha256 *s)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, h0, sizeof(h0));
	s->used = 0;
	s->total = 0;
}

static void sha256_block(sha256 *s, const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
		       (uint32_t)p[4 * i + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3];
	e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + sha256_k[i] + w[i];
		t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d;
	s->h[4] += e, s->h[5] += f, s->h[6] += g, s->h[7] += h;
}

static void sha256_update(sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	s->total += len;
	while (len > 0) {
		size_t take = 64 - s->used;

		if (take > len)
			take = len;
		memcpy(s->block + s->used, p, take);
		s->used += take;
		p += take;
		len -= take;
		if (s->used == 64) {
			sha256_block(s, s->block);
			s->used = 0;
		}
	}
}

static void sha256_final(sha256 *s, unsigned char out[RW_SHA256_LEN])
{
	uint64_t bits = s->total * 8;
	unsigned char pad = 0x80, zero = 0, len[8];
	int i;

	sha256_update(s, &pad, 1);
	while (s->used != 56)
		sha256_update(s, &zero, 1);
	for (i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(s, len, 8);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(s->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)s->h[i];
	}
	explicit_bzero(s, sizeof(*s));
}

void rw_sha256(const void *data, size_t len, unsigned char out[RW_SHA256_LEN])
{
	sha256 s;

	sha256_init(&s);
	sha256_update(&s, data, len);
	sha256_final(&s, out);
}

void rw_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
		    unsigned char out[RW_SHA256_LEN])
{
	unsigned char k[64], pad[64], inner[RW_SHA256_LEN];
	sha256 s;
	size_t i;

	memset(k, 0, sizeof(k));
	if (keylen > sizeof(k))
		rw_sha256(key, keylen, k);
	else if (keylen > 0)
		memcpy(k, key, keylen);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	sha256_init(&s);
	sha256_update(&s, pad, 64);
	sha256_update(&s, msg, len);
	sha256_final(&s, inner);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	sha256_init(&s);
	sha256_update(&s, pad, 64);
	sha256_update(&s, inner, sizeof(inner));
	sha256_final(&s, out);
	explicit_bzero(k, sizeof(k));
	explicit_bzero(pad, sizeof(pad));
}

int rw_base64_append(rw_buf *out, const void *data, size_t len)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	char quad[4];
	size_t i;
	int rc = 0;

	for (i = 0; i < len && rc == 0; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		size_t left = len - i;

		if (left > 1)
			v |= (uint32_t)p[i + 1] << 8;
		if (left > 2)
			v |= p[i + 2];
		quad[0] = alphabet[(v >> 18) & 63];
		quad[1] = alphabet[(v >> 12) & 63];
		quad[2] = left > 1 ? alphabet[(v >> 6) & 63] : '=';
		quad[3] = left > 2 ? alphabet[v & 63] : '=';
		rc = rw_buf_append(out, quad, 4);
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
