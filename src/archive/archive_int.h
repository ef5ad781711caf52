/*
 * Inside the archive (src/archive/): the handle, the names every part uses
 * and the helpers they share. Only src/archive/ includes this header.
 */
#ifndef REGWATCH_ARCHIVE_INT_H
#define REGWATCH_ARCHIVE_INT_H

#include <git2.h>

#include "regwatch/archive.h"

#define ARCHIVE_BRANCH "main"
#define ARCHIVE_REF "refs/heads/main"
#define ARCHIVE_NAME "regwatch"
#define ARCHIVE_EMAIL "regwatch@localhost"
#define ARCHIVE_PATH_MAX 4096
#define ARCHIVE_NAME_MAX 255

struct rw_archive {
	git_repository *repo;
	char *path;
};

/* The message of the last libgit2 failure on this thread, or errno's when libgit2 left
   none (some failed writes, a full disk). Never NULL. */
const char *rw_ar_git_msg(void);

/* Sets "archive 'PATH': WHAT: libgit2's message" and returns RW_EGIT. */
int rw_ar_git_fail(rw_ctx *ctx, const char *path, const char *what);

/* A path inside the archive: relative, no empty, "." or ".." component, no ".git"
   component in any spelling, bounded lengths (empty allowed when allow_empty, for the
   root). 0 or RW_EDATA with "archive 'ARCHIVE': ..." in the context. */
int rw_ar_check_path(rw_ctx *ctx, const char *archive, const char *path, int allow_empty);

/* The commit main points at; *out stays NULL for an empty archive. */
int rw_ar_main_commit(rw_ctx *ctx, rw_archive *ar, git_commit **out);

#endif
