/*
 * The data directory (regwatch.db, archive.git, update.lock): making it, the
 * paths inside it, and the lock that lets one update or rebuild run at a time.
 */
#ifndef REGWATCH_DATADIR_H
#define REGWATCH_DATADIR_H

#include "regwatch/core.h"

/* Creates the data directory (mode 0700, and its missing parents) when missing. */
int rw_data_dir_prepare(rw_ctx *ctx, const char *dir);

/* Paths inside the data directory (caller frees; NULL when out of memory). */
char *rw_data_path(const char *dir, const char *name);

/* Takes the exclusive update lock (DIR/update.lock) without waiting: RW_ELOCKED when
   another update or rebuild holds it. Close *fd to release it. */
int rw_update_lock(rw_ctx *ctx, const char *dir, int *fd);

#endif
