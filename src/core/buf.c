/* Bounded buffers, string vectors and small string helpers. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "regwatch/array.h"
#include "regwatch/core.h"

char *rw_strdup(const char *s)
{
	return s ? rw_strndup(s, strlen(s)) : NULL;
}

char *rw_strndup(const char *s, size_t n)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = malloc(n + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *rw_asprintf(const char *fmt, ...)
{
	rw_buf b = RW_BUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = rw_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		rw_buf_release(&b);
		return NULL;
	}
	if (b.data == NULL)
		return rw_strdup("");
	return rw_buf_detach(&b, NULL);
}

void rw_str_replace(char **p, char *s)
{
	free(*p);
	*p = s;
}

void rw_buf_init(rw_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

static int buf_grow(rw_buf *b, size_t extra)
{
	size_t limit = b->max ? b->max : SIZE_MAX / 2;
	size_t need, cap;
	char *p;

	if (extra > limit || b->len > limit - extra)
		return RW_ELIMIT;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 4 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (p == NULL)
		return RW_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int rw_buf_append(rw_buf *b, const void *data, size_t len)
{
	int rc = buf_grow(b, len);

	if (rc < 0)
		return rc;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int rw_buf_puts(rw_buf *b, const char *s)
{
	return rw_buf_append(b, s, strlen(s));
}

int rw_buf_putc(rw_buf *b, char c)
{
	return rw_buf_append(b, &c, 1);
}

int rw_buf_vprintf(rw_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n, rc;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return RW_ERR;
	rc = buf_grow(b, (size_t)n);
	if (rc < 0)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int rw_buf_printf(rw_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = rw_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void rw_buf_clear(rw_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void rw_buf_release(rw_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

char *rw_buf_detach(rw_buf *b, size_t *len)
{
	char *p = b->data;

	if (p == NULL)
		p = calloc(1, 1);
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

const char *rw_buf_cstr(const rw_buf *b)
{
	return b->data ? b->data : "";
}

int rw_strvec_push_owned(rw_strvec *sv, char *s)
{
	if (s == NULL)
		return RW_ENOMEM;
	int rc = rw_array_grow((void **)&sv->v, &sv->cap, sv->n + 1, sizeof(*sv->v));

	if (rc < 0) {
		free(s);
		return rc;
	}
	sv->v[sv->n++] = s;
	return 0;
}

int rw_strvec_push(rw_strvec *sv, const char *s)
{
	return rw_strvec_push_owned(sv, rw_strdup(s));
}

int rw_strvec_contains(const rw_strvec *sv, const char *s)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return 1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void rw_strvec_sort(rw_strvec *sv)
{
	if (sv->n > 1)
		qsort(sv->v, sv->n, sizeof(*sv->v), cmp_str);
}

void rw_strvec_release(rw_strvec *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
	sv->cap = 0;
}

int rw_read_file(rw_ctx *ctx, rw_buf *out, const char *path, size_t max)
{
	char chunk[65536];
	int fd, rc = 0;
	ssize_t got;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rw_error(ctx, RW_EIO, "'%s': %s", path, strerror(errno));
	rw_buf_clear(out);
	out->max = max;
	for (;;) {
		got = read(fd, chunk, sizeof(chunk));
		if (got < 0) {
			if (errno == EINTR)
				continue;
			rc = rw_error(ctx, RW_EIO, "'%s': %s", path, strerror(errno));
			break;
		}
		if (got == 0)
			break;
		if ((rc = rw_buf_append(out, chunk, (size_t)got)) < 0) {
			if (rc == RW_ELIMIT)
				rc = rw_error(ctx, rc, "'%s': larger than %zu bytes", path, max);
			else
				rc = rw_error(ctx, rc, "'%s': out of memory", path);
			break;
		}
	}
	close(fd);
	if (rc == 0 && out->data == NULL)
		rc = rw_buf_append(out, "", 0);
	return rc;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int rw_write_file_atomic(rw_ctx *ctx, const char *path, const void *data, size_t len)
{
	char *tmp = NULL, *dir = NULL, *slash;
	int fd = -1, dfd = -1, rc = 0;

	tmp = rw_asprintf("%s.XXXXXX", path);
	dir = rw_strdup(path);
	if (tmp == NULL || dir == NULL) {
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
		goto out;
	}
	slash = strrchr(dir, '/');
	if (slash == NULL)
		memcpy(dir, ".", 2);
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = rw_error(ctx, RW_EIO, "'%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		rc = rw_error(ctx, RW_EIO, "'%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		rc = rw_error(ctx, RW_EIO, "'%s': %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		rc = rw_error(ctx, RW_EIO, "'%s': %s", path, strerror(errno));
		goto out;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0)
		fsync(dfd);
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (rc < 0 && tmp)
		unlink(tmp);
	free(tmp);
	free(dir);
	return rc;
}

int rw_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return RW_EDATA;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return RW_EDATA;
	*out = v;
	return 0;
}
