/* sync: push or pull the archive under the update lock. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "regwatch/sync.h"
#include "regwatch/update.h"

int rw_sync(rw_ctx *ctx, const char *data_dir, const char *remote, int direction, rw_archive_sync *res)
{
	rw_archive *ar = NULL;
	char *ar_path = NULL;
	struct stat st;
	int rc = 0, lock_fd = -1;

	memset(res, 0, sizeof(*res));
	if (remote == NULL || remote[0] == '\0') {
		rc = rw_error(ctx, RW_EUSAGE, "sync: no remote given");
		goto out;
	}
	ar_path = rw_data_path(data_dir, "archive.git");
	if (ar_path == NULL) {
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
		goto out;
	}
	if (direction == RW_SYNC_PUSH) {
		/* A push never creates anything here. */
		if (stat(ar_path, &st) < 0) {
			rc = rw_error(ctx, RW_ENOTFOUND, "no archive at '%s': run 'regwatch update' first",
				      ar_path);
			goto out;
		}
	} else {
		rc = rw_data_dir_prepare(ctx, data_dir);
		if (rc < 0)
			goto out;
	}
	rc = rw_update_lock(ctx, data_dir, &lock_fd);
	if (rc < 0)
		goto out;
	/* Under the lock nobody else writes the archive: lock files are left over from a kill. */
	rc = rw_archive_clear_stale_locks(ctx, ar_path);
	if (rc == RW_EIO && direction == RW_SYNC_PULL && stat(ar_path, &st) < 0 && errno == ENOENT)
		rc = 0; /* no archive yet: the pull creates it */
	if (rc >= 0)
		rc = rw_archive_open(ctx, &ar, ar_path);
	if (rc < 0)
		goto out;
	if (direction == RW_SYNC_PUSH)
		rc = rw_archive_push(ctx, ar, remote, res);
	else
		rc = rw_archive_pull(ctx, ar, remote, res);
out:
	rw_archive_free(ar);
	free(ar_path);
	if (lock_fd >= 0)
		close(lock_fd);
	return rc;
}
