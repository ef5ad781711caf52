/*
 * sync: mirroring the archive of a data directory to or from another git
 * repository, under the same lock as update (one writer at a time).
 */
#ifndef REGWATCH_SYNC_H
#define REGWATCH_SYNC_H

#include "regwatch/archive.h"
#include "regwatch/core.h"

enum rw_sync_dir { RW_SYNC_PUSH = 0, RW_SYNC_PULL = 1 };

/*
 * Pushes DIR/archive.git's main to remote, or pulls the remote's main into it
 * (creating the data directory and the archive for a first pull), fast-forward
 * only (see rw_archive_push and rw_archive_pull). A pull records nothing in the
 * database: the next update (which records archived commits the database lacks)
 * or rebuild does. RW_ELOCKED while an update holds the lock.
 */
int rw_sync(rw_ctx *ctx, const char *data_dir, const char *remote, int direction, rw_archive_sync *res);

#endif
