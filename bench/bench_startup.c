/*
 * What starting a regwatch process costs before any command runs: this program
 * is linked exactly like regwatch (the same shared libraries are loaded) and
 * does only the set-up named by its argument, then exits.
 *
 * usage: bench_startup link|fetch|archive|parse|all
 *   link     nothing: the cost of loading and relocating the libraries
 *   fetch    rw_fetch_global_init (libcurl and its TLS library)
 *   archive  rw_archive_global_init (libgit2)
 *   parse    rw_parse_global_init (libxml2)
 *   all      all three, as regwatch's main does for every command
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "regwatch/archive.h"
#include "regwatch/fetch.h"
#include "regwatch/parse.h"

int main(int argc, char **argv)
{
	rw_ctx ctx;
	const char *mode = argc == 2 ? argv[1] : "";
	int all = strcmp(mode, "all") == 0, rc = 0;

	if (strcmp(mode, "link") != 0 && strcmp(mode, "fetch") != 0 && strcmp(mode, "archive") != 0 &&
	    strcmp(mode, "parse") != 0 && !all) {
		fprintf(stderr, "usage: bench_startup link|fetch|archive|parse|all\n");
		return 2;
	}
	rw_ctx_init(&ctx, time(NULL));
	if (all || strcmp(mode, "fetch") == 0)
		rc = rw_fetch_global_init(&ctx);
	if (rc == 0 && (all || strcmp(mode, "archive") == 0))
		rc = rw_archive_global_init(&ctx);
	if (rc == 0 && (all || strcmp(mode, "parse") == 0))
		rw_parse_global_init();
	if (rc < 0) {
		fprintf(stderr, "bench_startup: %s\n", rw_errmsg(&ctx));
		return 1;
	}
	if (all || strcmp(mode, "parse") == 0)
		rw_parse_global_cleanup();
	if (all || strcmp(mode, "archive") == 0)
		rw_archive_global_cleanup();
	if (all || strcmp(mode, "fetch") == 0)
		rw_fetch_global_cleanup();
	return 0;
}
