/*
 * The archive: a bare git repository (archive.git) holding what every
 * source published and the normalised state, one commit per run that
 * changed anything, on branch main.
 */
#ifndef REGWATCH_ARCHIVE_H
#define REGWATCH_ARCHIVE_H

#include <stddef.h>
#include <time.h>
#include "regwatch/core.h"

#define RW_OID_LEN 41 /* 40 hex digits + NUL */

typedef struct rw_archive rw_archive;

/* A file to write into the next commit's tree; data == NULL removes path. */
typedef struct rw_archive_file {
	const char *path;   /* "sources/fcc-covered-list/body" */
	const char *data;
	size_t len;
} rw_archive_file;

/* libgit2 process set-up (fsync on, no user/system git config): once from main. */
int rw_archive_global_init(rw_ctx *ctx);
void rw_archive_global_cleanup(void);

/* Opens the bare repository at path, creating it (branch main) when missing.
   The caller frees it with rw_archive_free. */
int rw_archive_open(rw_ctx *ctx, rw_archive **out, const char *path);
void rw_archive_free(rw_archive *ar);

/* Removes git lock files left by a killed process (refs/heads/main.lock ...).
   Call only while holding the update lock. Returns the number removed or < 0. */
int rw_archive_clear_stale_locks(rw_ctx *ctx, const char *path);

/* The commit id main points at, or "" for an empty archive. */
int rw_archive_head(rw_ctx *ctx, rw_archive *ar, char oid[RW_OID_LEN]);

/* Commits main's tree with files applied on top. Author and committer are
   "regwatch" at time `when`, so the same inputs give the same commit id.
   When the tree would not change, no commit is made and oid is "". */
int rw_archive_commit(rw_ctx *ctx, rw_archive *ar, const rw_archive_file *files, size_t n,
		      const char *message, time_t when, char oid[RW_OID_LEN]);

/* Reads path from a commit (commit == NULL: main). RW_ENOTFOUND when absent. */
int rw_archive_read(rw_ctx *ctx, rw_archive *ar, const char *commit, const char *path, rw_buf *out);

/* Names of the entries of directory dir in a commit (commit == NULL: main), sorted. */
int rw_archive_list(rw_ctx *ctx, rw_archive *ar, const char *commit, const char *dir, rw_strvec *names);

/* Calls fn for each commit on main's first-parent chain, oldest first.
   fn returns 0 to go on, anything else stops the walk and is returned. */
typedef int (*rw_archive_walk_fn)(void *arg, const char *oid, time_t when, const char *message);
int rw_archive_walk(rw_ctx *ctx, rw_archive *ar, rw_archive_walk_fn fn, void *arg);

/*
 * Mirroring main to and from another git repository: a path to a bare
 * repository, or a URL libgit2 understands (file://, https://, ssh://).
 * main only ever moves forward: never a forced update.
 */
typedef struct rw_archive_sync {
	char before[RW_OID_LEN]; /* push: the remote's main before; pull: ours before ("" when none) */
	char after[RW_OID_LEN];  /* the same main afterwards */
	size_t commits;          /* commits it moved forward by (0: already up to date) */
} rw_archive_sync;

/* Pushes main to the remote's main when that is an ancestor of ours (or absent).
   A remote that has diverged, or that rejects the update, is RW_EGIT naming the
   remote; nothing is pushed. An empty archive is RW_ENOTFOUND. */
int rw_archive_push(rw_ctx *ctx, rw_archive *ar, const char *remote, rw_archive_sync *res);

/* Fetches the remote's main and fast-forwards ours to it when ours is an ancestor
   (or the archive is empty). Diverged histories are RW_EGIT and main stays; when
   ours is ahead nothing changes. A remote without main is RW_ENOTFOUND. */
int rw_archive_pull(rw_ctx *ctx, rw_archive *ar, const char *remote, rw_archive_sync *res);

/* "libgit2/1.5.1 threads https ssh": the library loaded at run time. */
void rw_archive_library_version(char *buf, size_t size);
/* The library is at least min_major.min_minor and has threads and HTTPS. */
int rw_archive_check_runtime(rw_ctx *ctx, int min_major, int min_minor);
/* Integrity of the repository at path, which is opened, never created: every object is
   read back and checked against its id, and every commit reachable from main must have
   its whole tree. RW_ENOTFOUND when there is no repository; counts on success. */
int rw_archive_verify(rw_ctx *ctx, const char *path, size_t *commits, size_t *objects);

#endif
