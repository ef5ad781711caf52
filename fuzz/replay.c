/*
 * Runs a fuzz target over files without libFuzzer, so the ordinary build
 * (gcc, and the sanitizer build) checks every corpus and regression input
 * on each test run:
 *
 *     replay_NAME PATH...    (a PATH that is a directory: each file in it, sorted)
 *
 * Exits 0 when every input ran (a crash or sanitizer report ends the
 * process), 1 on an unreadable path or when no input was found.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "regwatch/core.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT ((size_t)16 << 20)

static int run_file(const char *path)
{
	rw_ctx ctx;
	rw_buf b = RW_BUF_INIT;
	char *copy;
	size_t len;
	int rc;

	rw_ctx_init(&ctx, 0);
	rc = rw_read_file(&ctx, &b, path, REPLAY_MAX_INPUT);
	if (rc < 0) {
		fprintf(stderr, "replay: %s\n", rw_errmsg(&ctx));
		return -1;
	}
	/* An exact copy, as libFuzzer passes it: a read past the end is a sanitizer error. */
	copy = malloc(b.len ? b.len : 1);
	if (copy == NULL) {
		rw_buf_release(&b);
		fprintf(stderr, "replay: %s: out of memory\n", path);
		return -1;
	}
	len = b.len;
	if (len)
		memcpy(copy, b.data, len);
	rw_buf_release(&b);
	LLVMFuzzerTestOneInput((const uint8_t *)copy, len);
	free(copy);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file in dir (not recursive), in name order; returns the count or -1. */
static long run_dir(const char *dir)
{
	rw_strvec names = RW_STRVEC_INIT;
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(dir);
	long count = 0;
	size_t i;

	if (d == NULL) {
		perror(dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		char *p;

		if (e->d_name[0] == '.')
			continue;
		p = rw_asprintf("%s/%s", dir, e->d_name);
		if (p == NULL || stat(p, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		if (rw_strvec_push_owned(&names, p) < 0) {
			count = -1;
			break;
		}
	}
	closedir(d);
	if (names.n > 1)
		qsort(names.v, names.n, sizeof(names.v[0]), cmp_names);
	for (i = 0; count >= 0 && i < names.n; i++) {
		if (run_file(names.v[i]) < 0)
			count = -1;
		else
			count++;
	}
	rw_strvec_release(&names);
	return count;
}

int main(int argc, char **argv)
{
	struct stat st;
	long total = 0, n;
	int i;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) < 0) {
			perror(argv[i]);
			return 1;
		}
		n = S_ISDIR(st.st_mode) ? run_dir(argv[i]) : (run_file(argv[i]) < 0 ? -1 : 1);
		if (n < 0)
			return 1;
		total += n;
	}
	if (total == 0) {
		fprintf(stderr, "replay: no inputs\n");
		return 1;
	}
	printf("replay: %ld inputs ran\n", total);
	return 0;
}
