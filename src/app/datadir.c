/* The data directory: where it is made, the paths inside it, and the single-update lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "regwatch/datadir.h"

char *rw_data_path(const char *dir, const char *name)
{
	return rw_asprintf("%s/%s", dir, name);
}

/* Creates the missing parents of dir with mode 0700, as XDG base directories are made
   (a fresh account has no ~/.local/share). 0, or -1 with errno set. */
static int make_parents(const char *dir)
{
	char *p = rw_strdup(dir), *slash;
	int rc = 0;

	if (p == NULL) {
		errno = ENOMEM;
		return -1;
	}
	for (slash = strchr(p + 1, '/'); slash != NULL && rc == 0; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			rc = -1;
		*slash = '/';
	}
	free(p);
	return rc;
}

int rw_data_dir_prepare(rw_ctx *ctx, const char *dir)
{
	struct stat st;
	int made = mkdir(dir, 0700);

	if (made < 0 && errno == ENOENT && make_parents(dir) == 0)
		made = mkdir(dir, 0700);
	if (made < 0 && errno != EEXIST)
		return rw_error(ctx, RW_EIO, "data directory '%s': %s", dir, strerror(errno));
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return rw_error(ctx, RW_EIO, "data directory '%s': not a directory", dir);
	return 0;
}

/* The single-update lock: flock on DIR/update.lock, released by the kernel when we exit. */
int rw_update_lock(rw_ctx *ctx, const char *dir, int *fd_out)
{
	char *path = rw_data_path(dir, "update.lock");
	char pid[32];
	int fd;

	if (path == NULL)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		rw_error(ctx, RW_EIO, "lock '%s': %s", path, strerror(errno));
		free(path);
		return RW_EIO;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		ssize_t n = read(fd, pid, sizeof(pid) - 1);

		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		rw_error(ctx, RW_ELOCKED, "another 'regwatch update' is running (lock '%s' held%s%s)", path,
			 pid[0] ? " by pid " : "", pid);
		close(fd);
		free(path);
		return RW_ELOCKED;
	}
	free(path);
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && write(fd, pid, strlen(pid)) < 0)
		rw_log(ctx, RW_LOG_DEBUG, "could not write pid into the lock file");
	*fd_out = fd;
	return 0;
}
