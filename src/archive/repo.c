/*
 * The archive: a bare git repository written with libgit2. This part opens and
 * creates it, checks paths, clears stale locks and reports the library.
 *
 * Trees are built in memory (an index that is never written to disk), so
 * nothing but objects and the one ref main is ever written: a crash leaves
 * unreachable objects at worst, or a ref lock file that
 * rw_archive_clear_stale_locks removes on the next start.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive/archive_int.h"

/* The message of the last libgit2 failure on this thread; libgit2 leaves some failed
   writes (a full disk) without one, and then errno tells. */
const char *rw_ar_git_msg(void)
{
	const git_error *e = git_error_last();

	if (e && e->message && e->message[0])
		return e->message;
	return errno ? strerror(errno) : "unknown libgit2 error";
}

int rw_ar_git_fail(rw_ctx *ctx, const char *path, const char *what)
{
	return rw_error(ctx, RW_EGIT, "archive '%s': %s: %s", path, what, rw_ar_git_msg());
}

int rw_archive_global_init(rw_ctx *ctx)
{
	static const int levels[] = {GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_GLOBAL,
				     GIT_CONFIG_LEVEL_XDG};
	int major = 0, minor = 0, rev = 0;
	int rc = 0, inited = 0;
	size_t i;

	if (git_libgit2_init() < 0) {
		rc = rw_error(ctx, RW_EGIT, "libgit2: cannot initialise: %s", rw_ar_git_msg());
		goto out;
	}
	inited = 1;
	if (git_libgit2_version(&major, &minor, &rev) < 0) {
		rc = rw_error(ctx, RW_EGIT, "libgit2: cannot read the version: %s", rw_ar_git_msg());
		goto out;
	}
	if (major < 1 || (major == 1 && minor < 5)) {
		rc = rw_error(ctx, RW_EGIT, "libgit2 %d.%d.%d is too old: 1.5 or later is needed",
			      major, minor, rev);
		goto out;
	}
	if (git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1) < 0) {
		rc = rw_error(ctx, RW_EGIT, "libgit2: cannot enable fsync: %s", rw_ar_git_msg());
		goto out;
	}
	/* No system, global or XDG git configuration: the user's settings never apply. */
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		if (git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, levels[i], "") < 0) {
			rc = rw_error(ctx, RW_EGIT,
				      "libgit2: cannot clear the configuration search path: %s",
				      rw_ar_git_msg());
			goto out;
		}
	}
out:
	if (rc < 0 && inited)
		git_libgit2_shutdown();
	return rc;
}

void rw_archive_global_cleanup(void)
{
	git_libgit2_shutdown();
}

/*
 * A path inside the archive: relative, components separated by single
 * slashes, no ".", "..", ".git" (in any case or spelling a file system may
 * fold to it), no control characters or backslashes.
 */
static int component_is_dotgit(const char *c, size_t n)
{
	/* NTFS and HFS+ ignore trailing dots and spaces; git~1 is the NTFS short name. */
	while (n > 0 && (c[n - 1] == '.' || c[n - 1] == ' '))
		n--;
	if (n == 4 && strncasecmp(c, ".git", 4) == 0)
		return 1;
	if (n == 5 && strncasecmp(c, "git~1", 5) == 0)
		return 1;
	return 0;
}

int rw_ar_check_path(rw_ctx *ctx, const char *archive, const char *path, int allow_empty)
{
	const char *p, *c;
	size_t n;

	if (path == NULL || path[0] == '\0') {
		if (allow_empty)
			return 0;
		return rw_error(ctx, RW_EDATA, "archive '%s': empty path", archive);
	}
	if (strlen(path) > ARCHIVE_PATH_MAX)
		return rw_error(ctx, RW_EDATA, "archive '%s': path longer than %d bytes", archive,
				ARCHIVE_PATH_MAX);
	if (path[0] == '/')
		return rw_error(ctx, RW_EDATA, "archive '%s': path '%s' is absolute", archive,
				path);
	for (p = path; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch < 0x20 || ch == 0x7f || ch == '\\')
			return rw_error(
				ctx, RW_EDATA,
				"archive '%s': path '%s' contains a control character or backslash",
				archive, path);
	}
	c = path;
	for (;;) {
		p = strchr(c, '/');
		n = p ? (size_t)(p - c) : strlen(c);
		if (n == 0)
			return rw_error(ctx, RW_EDATA,
					"archive '%s': path '%s' has an empty component", archive,
					path);
		if (n > ARCHIVE_NAME_MAX)
			return rw_error(
				ctx, RW_EDATA,
				"archive '%s': path '%s' has a component longer than %d bytes",
				archive, path, ARCHIVE_NAME_MAX);
		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return rw_error(ctx, RW_EDATA,
					"archive '%s': path '%s' contains '.' or '..'", archive,
					path);
		if (component_is_dotgit(c, n))
			return rw_error(ctx, RW_EDATA, "archive '%s': path '%s' contains '.git'",
					archive, path);
		if (p == NULL)
			break;
		c = p + 1;
	}
	return 0;
}

/* 1: an empty directory, 0: not empty, < 0: cannot read it (errno set). */
static int dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int empty = 1;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	}
	closedir(d);
	return empty;
}

/* Creates the bare repository beside path and renames it into place, so a job killed while
   creating it leaves no half-made archive behind (only a stray PATH.new-PID). */
static int archive_create(rw_ctx *ctx, git_repository **repo, const char *path)
{
	git_repository_init_options opts;
	git_repository *made = NULL;
	char *tmp = rw_asprintf("%s.new-%ld", path, (long)getpid());
	int rc = 0;

	if (tmp == NULL)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	if (git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION) < 0) {
		rc = rw_ar_git_fail(ctx, path, "cannot create");
		goto out;
	}
	opts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	opts.mode = 0700;
	opts.initial_head = ARCHIVE_BRANCH;
	if (git_repository_init_ext(&made, tmp, &opts) < 0) {
		rc = rw_ar_git_fail(ctx, path, "cannot create");
		goto out;
	}
	git_repository_free(made);
	if (rename(tmp, path) < 0) {
		rc = rw_error(ctx, RW_EIO, "archive '%s': %s", path, strerror(errno));
		goto out;
	}
	if (git_repository_open_ext(repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		rc = rw_ar_git_fail(ctx, path, "cannot open");
out:
	free(tmp);
	return rc;
}

int rw_archive_open(rw_ctx *ctx, rw_archive **out, const char *path)
{
	rw_archive *ar = NULL;
	git_repository *repo = NULL;
	struct stat st;
	int rc = 0, err, empty;

	*out = NULL;
	if (path == NULL || path[0] == '\0') {
		rc = rw_error(ctx, RW_EUSAGE, "archive: no path given");
		goto out;
	}
	if (stat(path, &st) < 0) {
		if (errno != ENOENT) {
			rc = rw_error(ctx, RW_EIO, "archive '%s': %s", path, strerror(errno));
			goto out;
		}
		rc = archive_create(ctx, &repo, path);
		if (rc < 0)
			goto out;
	} else if (!S_ISDIR(st.st_mode)) {
		rc = rw_error(ctx, RW_EGIT, "archive '%s': exists and is not a directory", path);
		goto out;
	} else if ((err = git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
						  NULL)) == 0) {
		if (!git_repository_is_bare(repo)) {
			rc = rw_error(
				ctx, RW_EGIT,
				"archive '%s': is a git repository with a work tree, not a bare repository",
				path);
			goto out;
		}
	} else if (err != GIT_ENOTFOUND) {
		rc = rw_ar_git_fail(ctx, path, "cannot open");
		goto out;
	} else {
		/* Not a repository: an empty directory becomes one, anything else is refused. */
		empty = dir_is_empty(path);
		if (empty < 0) {
			rc = rw_error(ctx, RW_EIO, "archive '%s': %s", path, strerror(errno));
			goto out;
		}
		if (!empty) {
			rc = rw_error(
				ctx, RW_EGIT,
				"archive '%s': exists, is not empty and is not a bare git repository",
				path);
			goto out;
		}
		rc = archive_create(ctx, &repo, path);
		if (rc < 0)
			goto out;
	}
	ar = calloc(1, sizeof(*ar));
	if (ar == NULL || (ar->path = rw_strdup(path)) == NULL) {
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
		goto out;
	}
	ar->repo = repo;
	repo = NULL;
	*out = ar;
	ar = NULL;
out:
	git_repository_free(repo);
	rw_archive_free(ar);
	return rc;
}

void rw_archive_free(rw_archive *ar)
{
	if (ar == NULL)
		return;
	git_repository_free(ar->repo);
	free(ar->path);
	free(ar);
}

static int remove_lock(rw_ctx *ctx, const char *path, const char *rel)
{
	char *full = rw_asprintf("%s/%s", path, rel);
	struct stat st;
	int rc = 0;

	if (full == NULL)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	if (lstat(full, &st) < 0) {
		if (errno != ENOENT)
			rc = rw_error(ctx, RW_EIO, "archive '%s': '%s': %s", path, rel,
				      strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode))
		goto out;
	if (unlink(full) < 0) {
		if (errno != ENOENT)
			rc = rw_error(ctx, RW_EIO, "archive '%s': cannot remove '%s': %s", path,
				      rel, strerror(errno));
		goto out;
	}
	rw_log(ctx, RW_LOG_WARN, "archive '%s': removed stale lock '%s'", path, rel);
	rc = 1;
out:
	free(full);
	return rc;
}

int rw_archive_clear_stale_locks(rw_ctx *ctx, const char *path)
{
	static const char *const fixed[] = {"packed-refs.lock", "HEAD.lock", "config.lock",
					    "index.lock"};
	rw_strvec names = RW_STRVEC_INIT;
	char *heads = NULL;
	DIR *d = NULL;
	struct dirent *e;
	size_t i, n;
	int rc = 0, count = 0;

	heads = rw_asprintf("%s/refs/heads", path);
	if (heads == NULL) {
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
		goto out;
	}
	d = opendir(heads);
	if (d == NULL && errno != ENOENT) {
		rc = rw_error(ctx, RW_EIO, "archive '%s': 'refs/heads': %s", path, strerror(errno));
		goto out;
	}
	while (d && (e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		if (n > 5 && strcmp(e->d_name + n - 5, ".lock") == 0 &&
		    rw_strvec_push_owned(&names, rw_asprintf("refs/heads/%s", e->d_name)) < 0) {
			rc = rw_error(ctx, RW_ENOMEM, "out of memory");
			goto out;
		}
	}
	rw_strvec_sort(&names);
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (rw_strvec_push(&names, fixed[i]) < 0) {
			rc = rw_error(ctx, RW_ENOMEM, "out of memory");
			goto out;
		}
	}
	for (i = 0; i < names.n; i++) {
		rc = remove_lock(ctx, path, names.v[i]);
		if (rc < 0)
			goto out;
		count += rc;
	}
	rc = count;
out:
	if (d)
		closedir(d);
	free(heads);
	rw_strvec_release(&names);
	return rc;
}

/* The commit main points at; *out stays NULL for an empty archive. */
int rw_ar_main_commit(rw_ctx *ctx, rw_archive *ar, git_commit **out)
{
	git_oid id;
	int err;

	*out = NULL;
	err = git_reference_name_to_id(&id, ar->repo, ARCHIVE_REF);
	if (err == GIT_ENOTFOUND)
		return 0;
	if (err < 0)
		return rw_ar_git_fail(ctx, ar->path, "cannot resolve '" ARCHIVE_REF "'");
	if (git_commit_lookup(out, ar->repo, &id) < 0)
		return rw_ar_git_fail(ctx, ar->path, "cannot read the commit on '" ARCHIVE_BRANCH "'");
	return 0;
}

int rw_archive_head(rw_ctx *ctx, rw_archive *ar, char oid[RW_OID_LEN])
{
	git_oid id;
	int err;

	oid[0] = '\0';
	err = git_reference_name_to_id(&id, ar->repo, ARCHIVE_REF);
	if (err == GIT_ENOTFOUND)
		return 0;
	if (err < 0)
		return rw_ar_git_fail(ctx, ar->path, "cannot resolve '" ARCHIVE_REF "'");
	git_oid_tostr(oid, RW_OID_LEN, &id);
	return 0;
}

/* ---- diagnostics (regwatch --version, regwatch doctor) ---- */

void rw_archive_library_version(char *buf, size_t size)
{
	int major = 0, minor = 0, rev = 0, features = git_libgit2_features();

	git_libgit2_version(&major, &minor, &rev);
	snprintf(buf, size, "libgit2/%d.%d.%d%s%s%s", major, minor, rev,
		 features & GIT_FEATURE_THREADS ? " threads" : "", features & GIT_FEATURE_HTTPS ? " https" : "",
		 features & GIT_FEATURE_SSH ? " ssh" : "");
}

int rw_archive_check_runtime(rw_ctx *ctx, int min_major, int min_minor)
{
	int major = 0, minor = 0, rev = 0, features = git_libgit2_features();

	if (git_libgit2_version(&major, &minor, &rev) < 0)
		return rw_error(ctx, RW_EGIT, "libgit2: cannot read the version: %s", rw_ar_git_msg());
	if (major < min_major || (major == min_major && minor < min_minor))
		return rw_error(ctx, RW_EGIT, "libgit2 %d.%d.%d is too old: %d.%d or later is needed", major, minor,
				rev, min_major, min_minor);
	if (!(features & GIT_FEATURE_THREADS))
		return rw_error(ctx, RW_EGIT, "libgit2 %d.%d.%d is built without thread support", major, minor, rev);
	if (!(features & GIT_FEATURE_HTTPS))
		return rw_error(ctx, RW_EGIT, "libgit2 %d.%d.%d is built without HTTPS support", major, minor, rev);
	return 0;
}
