/*
 * libFuzzer target for the configuration reader: the input is written to a
 * file and read as feeds.conf, as vendors.conf and as regimes.conf (with and
 * without the shipped dictionary), the three files regwatch reads with the
 * libgit2 config parser.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "regwatch/archive.h"
#include "regwatch/config.h"

#define FUZZ_MAX_INPUT (256u * 1024)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	char dir[64];
	char path[96];
	rw_dict dict;
} fz;

static void fuzz_teardown(void)
{
	unlink(fz.path);
	rmdir(fz.dir);
	rw_dict_release(&fz.dict);
	rw_archive_global_cleanup();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	rw_ctx ctx;

	(void)argc;
	(void)argv;
	rw_ctx_init(&ctx, 0);
	snprintf(fz.dir, sizeof(fz.dir), "/tmp/regwatch-fuzz-config-XXXXXX");
	if (mkdtemp(fz.dir) == NULL)
		abort();
	snprintf(fz.path, sizeof(fz.path), "%s/feeds.conf", fz.dir);
	/* No user or system git configuration, as in the program. */
	if (rw_archive_global_init(&ctx) < 0 ||
	    rw_dict_load(&ctx, &fz.dict, RW_SOURCE_DIR "/db/vendors.conf") < 0)
		abort();
	atexit(fuzz_teardown);
	return 0;
}

static void write_input(const uint8_t *data, size_t size)
{
	int fd = open(fz.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t off = 0;
	ssize_t n;

	if (fd < 0)
		abort();
	while (off < size) {
		n = write(fd, data + off, size - off);
		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	if (close(fd) < 0)
		abort();
}

static void check_message(const rw_ctx *ctx)
{
	if (memchr(ctx->errmsg, '\0', sizeof(ctx->errmsg)) == NULL || strchr(ctx->errmsg, '\n') != NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rw_ctx ctx;
	rw_feeds feeds;
	rw_dict dict;
	rw_regimes regimes;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	write_input(data, size);
	rw_ctx_init(&ctx, 0);
	if (rw_feeds_load(&ctx, &feeds, fz.path) == 0)
		rw_feeds_release(&feeds);
	check_message(&ctx);
	if (rw_dict_load(&ctx, &dict, fz.path) == 0)
		rw_dict_release(&dict);
	check_message(&ctx);
	if (rw_regimes_load(&ctx, &regimes, fz.path, NULL) == 0)
		rw_regimes_release(&regimes);
	check_message(&ctx);
	if (rw_regimes_load(&ctx, &regimes, fz.path, &fz.dict) == 0)
		rw_regimes_release(&regimes);
	check_message(&ctx);
	return 0;
}
