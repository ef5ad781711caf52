/*
 * The archive: a bare git repository written with libgit2.
 *
 * Trees are built in memory (an index that is never written to disk), so
 * nothing but objects and the one ref main is ever written: a crash leaves
 * unreachable objects at worst, or a ref lock file that
 * rw_archive_clear_stale_locks removes on the next start.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "regwatch/archive.h"
#include "regwatch/array.h"

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

/* The message of the last libgit2 failure on this thread; libgit2 leaves some failed
   writes (a full disk) without one, and then errno tells. */
static const char *git_msg(void)
{
	const git_error *e = git_error_last();

	if (e && e->message && e->message[0])
		return e->message;
	return errno ? strerror(errno) : "unknown libgit2 error";
}

static int git_fail(rw_ctx *ctx, const char *path, const char *what)
{
	return rw_error(ctx, RW_EGIT, "archive '%s': %s: %s", path, what, git_msg());
}

int rw_archive_global_init(rw_ctx *ctx)
{
	static const int levels[] = {GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_GLOBAL,
				     GIT_CONFIG_LEVEL_XDG};
	int major = 0, minor = 0, rev = 0;
	int rc = 0, inited = 0;
	size_t i;

	if (git_libgit2_init() < 0) {
		rc = rw_error(ctx, RW_EGIT, "libgit2: cannot initialise: %s", git_msg());
		goto out;
	}
	inited = 1;
	if (git_libgit2_version(&major, &minor, &rev) < 0) {
		rc = rw_error(ctx, RW_EGIT, "libgit2: cannot read the version: %s", git_msg());
		goto out;
	}
	if (major < 1 || (major == 1 && minor < 5)) {
		rc = rw_error(ctx, RW_EGIT, "libgit2 %d.%d.%d is too old: 1.5 or later is needed",
			      major, minor, rev);
		goto out;
	}
	if (git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1) < 0) {
		rc = rw_error(ctx, RW_EGIT, "libgit2: cannot enable fsync: %s", git_msg());
		goto out;
	}
	/* No system, global or XDG git configuration: the user's settings never apply. */
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		if (git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, levels[i], "") < 0) {
			rc = rw_error(ctx, RW_EGIT,
				      "libgit2: cannot clear the configuration search path: %s",
				      git_msg());
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

static int check_path(rw_ctx *ctx, const char *archive, const char *path, int allow_empty)
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
		rc = git_fail(ctx, path, "cannot create");
		goto out;
	}
	opts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	opts.mode = 0700;
	opts.initial_head = ARCHIVE_BRANCH;
	if (git_repository_init_ext(&made, tmp, &opts) < 0) {
		rc = git_fail(ctx, path, "cannot create");
		goto out;
	}
	git_repository_free(made);
	if (rename(tmp, path) < 0) {
		rc = rw_error(ctx, RW_EIO, "archive '%s': %s", path, strerror(errno));
		goto out;
	}
	if (git_repository_open_ext(repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		rc = git_fail(ctx, path, "cannot open");
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
		rc = git_fail(ctx, path, "cannot open");
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
static int main_commit(rw_ctx *ctx, rw_archive *ar, git_commit **out)
{
	git_oid id;
	int err;

	*out = NULL;
	err = git_reference_name_to_id(&id, ar->repo, ARCHIVE_REF);
	if (err == GIT_ENOTFOUND)
		return 0;
	if (err < 0)
		return git_fail(ctx, ar->path, "cannot resolve '" ARCHIVE_REF "'");
	if (git_commit_lookup(out, ar->repo, &id) < 0)
		return git_fail(ctx, ar->path, "cannot read the commit on '" ARCHIVE_BRANCH "'");
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
		return git_fail(ctx, ar->path, "cannot resolve '" ARCHIVE_REF "'");
	git_oid_tostr(oid, RW_OID_LEN, &id);
	return 0;
}

static int file_fail(rw_ctx *ctx, rw_archive *ar, const char *path, const char *what)
{
	return rw_error(ctx, RW_EGIT, "archive '%s': '%s': %s: %s", ar->path, path, what,
			git_msg());
}

/* 1 when writing path would silently turn a file into a directory or back. */
static int clashes(git_index *idx, const char *path)
{
	rw_buf prefix = RW_BUF_INIT;
	const char *slash;
	size_t pos;
	int found = 0;

	for (slash = strchr(path, '/'); slash && !found; slash = strchr(slash + 1, '/')) {
		rw_buf_clear(&prefix);
		if (rw_buf_append(&prefix, path, (size_t)(slash - path)) < 0)
			break;
		found = git_index_get_bypath(idx, prefix.data, 0) != NULL;
	}
	rw_buf_clear(&prefix);
	if (!found && rw_buf_printf(&prefix, "%s/", path) == 0)
		found = git_index_find_prefix(&pos, idx, prefix.data) == 0;
	rw_buf_release(&prefix);
	return found;
}

static int apply_file(rw_ctx *ctx, rw_archive *ar, git_index *idx, const rw_archive_file *f)
{
	git_index_entry entry;
	git_oid blob;
	int err;

	if (f->data == NULL) {
		/* A file or a whole directory. */
		err = git_index_remove(idx, f->path, 0);
		if (err < 0 && err != GIT_ENOTFOUND)
			return file_fail(ctx, ar, f->path, "cannot remove");
		if (git_index_remove_directory(idx, f->path, 0) < 0)
			return file_fail(ctx, ar, f->path, "cannot remove");
		return 0;
	}
	if (clashes(idx, f->path))
		return rw_error(
			ctx, RW_EDATA,
			"archive '%s': '%s': a file and a directory would have the same name",
			ar->path, f->path);
	/* No stale message from an earlier call may stand for this one's failure. */
	git_error_clear();
	errno = 0;
	if (git_blob_create_from_buffer(&blob, ar->repo, f->data, f->len) < 0)
		return file_fail(ctx, ar, f->path, "cannot write");
	memset(&entry, 0, sizeof(entry));
	entry.path = f->path;
	entry.mode = GIT_FILEMODE_BLOB;
	git_oid_cpy(&entry.id, &blob);
	if (git_index_add(idx, &entry) < 0)
		return file_fail(ctx, ar, f->path, "cannot add");
	return 0;
}

int rw_archive_commit(rw_ctx *ctx, rw_archive *ar, const rw_archive_file *files, size_t n,
		      const char *message, time_t when, char oid[RW_OID_LEN])
{
	git_commit *parent = NULL;
	git_tree *parent_tree = NULL, *tree = NULL;
	git_index *idx = NULL;
	git_signature *sig = NULL;
	git_reference *ref = NULL;
	const git_commit *parents[1];
	git_oid tree_id, commit_id;
	size_t i;
	int rc = 0, err;

	oid[0] = '\0';
	if (message == NULL) {
		rc = rw_error(ctx, RW_EUSAGE, "archive '%s': no commit message", ar->path);
		goto out;
	}
	for (i = 0; i < n; i++) {
		rc = check_path(ctx, ar->path, files[i].path, 0);
		if (rc < 0)
			goto out;
	}
	rc = main_commit(ctx, ar, &parent);
	if (rc < 0)
		goto out;
	if (git_index_new(&idx) < 0) {
		rc = git_fail(ctx, ar->path, "cannot create an index");
		goto out;
	}
	if (parent) {
		if (git_commit_tree(&parent_tree, parent) < 0) {
			rc = git_fail(ctx, ar->path,
				      "cannot read the tree on '" ARCHIVE_BRANCH "'");
			goto out;
		}
		if (git_index_read_tree(idx, parent_tree) < 0) {
			rc = git_fail(ctx, ar->path,
				      "cannot read the tree on '" ARCHIVE_BRANCH "'");
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		rc = apply_file(ctx, ar, idx, &files[i]);
		if (rc < 0)
			goto out;
	}
	if (git_index_write_tree_to(&tree_id, idx, ar->repo) < 0) {
		rc = git_fail(ctx, ar->path, "cannot write the tree");
		goto out;
	}
	/* Nothing changed (an empty tree on an empty archive included): no commit. */
	if (parent ? git_oid_equal(&tree_id, git_commit_tree_id(parent))
		   : git_index_entrycount(idx) == 0)
		goto out;
	if (git_tree_lookup(&tree, ar->repo, &tree_id) < 0) {
		rc = git_fail(ctx, ar->path, "cannot read the new tree");
		goto out;
	}
	if (git_signature_new(&sig, ARCHIVE_NAME, ARCHIVE_EMAIL, (git_time_t)when, 0) < 0) {
		rc = git_fail(ctx, ar->path, "cannot make the signature");
		goto out;
	}
	/* The commit object first, then the ref: a crash in between leaves an unreachable object. */
	parents[0] = parent;
	if (git_commit_create(&commit_id, ar->repo, NULL, sig, sig, NULL, message, tree,
			      parent ? 1 : 0, parents) < 0) {
		rc = git_fail(ctx, ar->path, "cannot commit to '" ARCHIVE_BRANCH "'");
		goto out;
	}
	rw_fault_point(ctx, "mid_archive");
	/* Compare and swap: main moves only from the tip the commit was built on. */
	if (parent)
		err = git_reference_create_matching(&ref, ar->repo, ARCHIVE_REF, &commit_id, 1,
						    git_commit_id(parent), "regwatch: commit");
	else
		err = git_reference_create(&ref, ar->repo, ARCHIVE_REF, &commit_id, 0,
					   "regwatch: first commit");
	if (err < 0) {
		rc = git_fail(ctx, ar->path, "cannot move '" ARCHIVE_BRANCH "' to the new commit");
		goto out;
	}
	git_oid_tostr(oid, RW_OID_LEN, &commit_id);
out:
	git_reference_free(ref);
	git_signature_free(sig);
	git_tree_free(tree);
	git_tree_free(parent_tree);
	git_index_free(idx);
	git_commit_free(parent);
	return rc;
}

/* The tree of commit (NULL: main); *out stays NULL for an empty archive. */
static int resolve_tree(rw_ctx *ctx, rw_archive *ar, const char *commit, git_tree **out)
{
	git_object *obj = NULL, *peeled = NULL;
	git_commit *c = NULL;
	int rc = 0, err;

	*out = NULL;
	if (commit == NULL) {
		rc = main_commit(ctx, ar, &c);
		if (rc < 0 || c == NULL)
			goto out;
	} else {
		err = git_revparse_single(&obj, ar->repo, commit);
		if (err == GIT_ENOTFOUND || err == GIT_EAMBIGUOUS || err == GIT_EINVALIDSPEC) {
			rc = rw_error(ctx, RW_ENOTFOUND, "archive '%s': no commit '%s'", ar->path,
				      commit);
			goto out;
		}
		if (err < 0) {
			rc = git_fail(ctx, ar->path, "cannot resolve a commit");
			goto out;
		}
		if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
			rc = rw_error(ctx, RW_ENOTFOUND, "archive '%s': '%s' is not a commit",
				      ar->path, commit);
			goto out;
		}
		if (git_commit_lookup(&c, ar->repo, git_object_id(peeled)) < 0) {
			rc = git_fail(ctx, ar->path, "cannot read a commit");
			goto out;
		}
	}
	if (git_commit_tree(out, c) < 0)
		rc = git_fail(ctx, ar->path, "cannot read a tree");
out:
	git_commit_free(c);
	git_object_free(peeled);
	git_object_free(obj);
	return rc;
}

int rw_archive_read(rw_ctx *ctx, rw_archive *ar, const char *commit, const char *path, rw_buf *out)
{
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	const char *where = commit ? commit : ARCHIVE_BRANCH;
	int rc, err;

	rc = check_path(ctx, ar->path, path, 0);
	if (rc < 0)
		goto out;
	rc = resolve_tree(ctx, ar, commit, &tree);
	if (rc < 0)
		goto out;
	if (tree == NULL) {
		rc = rw_error(ctx, RW_ENOTFOUND, "archive '%s': no '%s': the archive is empty",
			      ar->path, path);
		goto out;
	}
	err = git_tree_entry_bypath(&entry, tree, path);
	if (err == GIT_ENOTFOUND) {
		rc = rw_error(ctx, RW_ENOTFOUND, "archive '%s': no '%s' in '%s'", ar->path, path,
			      where);
		goto out;
	}
	if (err < 0) {
		rc = git_fail(ctx, ar->path, "cannot look up a path");
		goto out;
	}
	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
		rc = rw_error(ctx, RW_ENOTFOUND, "archive '%s': '%s' in '%s' is not a file",
			      ar->path, path, where);
		goto out;
	}
	if (git_blob_lookup(&blob, ar->repo, git_tree_entry_id(entry)) < 0) {
		rc = git_fail(ctx, ar->path, "cannot read a file");
		goto out;
	}
	rw_buf_clear(out);
	rc = rw_buf_append(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	if (rc == RW_ELIMIT)
		rc = rw_error(ctx, rc, "archive '%s': '%s' is larger than %zu bytes", ar->path,
			      path, out->max);
	else if (rc < 0)
		rc = rw_error(ctx, rc, "out of memory");
out:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	return rc;
}

int rw_archive_list(rw_ctx *ctx, rw_archive *ar, const char *commit, const char *dir,
		    rw_strvec *names)
{
	rw_strvec list = RW_STRVEC_INIT;
	git_tree *root = NULL, *sub = NULL;
	git_tree_entry *entry = NULL;
	const git_tree *tree;
	const char *where = commit ? commit : ARCHIVE_BRANCH;
	size_t i, count;
	int rc, err;

	rc = check_path(ctx, ar->path, dir, 1);
	if (rc < 0)
		goto out;
	rc = resolve_tree(ctx, ar, commit, &root);
	if (rc < 0)
		goto out;
	tree = root;
	if (dir && dir[0]) {
		if (root == NULL) {
			rc = rw_error(ctx, RW_ENOTFOUND,
				      "archive '%s': no '%s': the archive is empty", ar->path, dir);
			goto out;
		}
		err = git_tree_entry_bypath(&entry, root, dir);
		if (err == GIT_ENOTFOUND ||
		    (err == 0 && git_tree_entry_type(entry) != GIT_OBJECT_TREE)) {
			rc = rw_error(ctx, RW_ENOTFOUND, "archive '%s': no directory '%s' in '%s'",
				      ar->path, dir, where);
			goto out;
		}
		if (err < 0) {
			rc = git_fail(ctx, ar->path, "cannot look up a path");
			goto out;
		}
		if (git_tree_lookup(&sub, ar->repo, git_tree_entry_id(entry)) < 0) {
			rc = git_fail(ctx, ar->path, "cannot read a directory");
			goto out;
		}
		tree = sub;
	}
	count = tree ? git_tree_entrycount(tree) : 0;
	for (i = 0; i < count; i++) {
		if (rw_strvec_push(&list, git_tree_entry_name(git_tree_entry_byindex(tree, i))) <
		    0) {
			rc = rw_error(ctx, RW_ENOMEM, "out of memory");
			goto out;
		}
	}
	rw_strvec_sort(&list);
	rw_strvec_release(names);
	*names = list;
	list.v = NULL;
	list.n = list.cap = 0;
out:
	rw_strvec_release(&list);
	git_tree_entry_free(entry);
	git_tree_free(sub);
	git_tree_free(root);
	return rc;
}

int rw_archive_walk(rw_ctx *ctx, rw_archive *ar, rw_archive_walk_fn fn, void *arg)
{
	git_commit *c = NULL, *next = NULL;
	git_oid *ids = NULL;
	size_t n = 0, cap = 0, i;
	char hex[RW_OID_LEN];
	int rc;

	rc = main_commit(ctx, ar, &c);
	if (rc < 0)
		goto out;
	/* Collect the first-parent chain newest first, then call fn oldest first. */
	while (c) {
		if ((rc = rw_array_grow((void **)&ids, &cap, n + 1, sizeof(*ids))) < 0) {
			rc = rw_error(ctx, rc, "archive '%s': %s", ar->path,
				      rc == RW_ENOMEM ? "out of memory" : "too many commits");
			goto out;
		}
		git_oid_cpy(&ids[n++], git_commit_id(c));
		if (git_commit_parentcount(c) == 0)
			break;
		if (git_commit_parent(&next, c, 0) < 0) {
			rc = git_fail(ctx, ar->path, "cannot read a parent commit");
			goto out;
		}
		git_commit_free(c);
		c = next;
		next = NULL;
	}
	git_commit_free(c);
	c = NULL;
	for (i = n; i-- > 0;) {
		if (git_commit_lookup(&c, ar->repo, &ids[i]) < 0) {
			rc = git_fail(ctx, ar->path, "cannot read a commit");
			goto out;
		}
		git_oid_tostr(hex, sizeof(hex), &ids[i]);
		rc = fn(arg, hex, (time_t)git_commit_time(c),
			git_commit_message(c) ? git_commit_message(c) : "");
		git_commit_free(c);
		c = NULL;
		if (rc != 0)
			goto out;
	}
out:
	git_commit_free(next);
	git_commit_free(c);
	free(ids);
	return rc;
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
		return rw_error(ctx, RW_EGIT, "libgit2: cannot read the version: %s", git_msg());
	if (major < min_major || (major == min_major && minor < min_minor))
		return rw_error(ctx, RW_EGIT, "libgit2 %d.%d.%d is too old: %d.%d or later is needed", major, minor,
				rev, min_major, min_minor);
	if (!(features & GIT_FEATURE_THREADS))
		return rw_error(ctx, RW_EGIT, "libgit2 %d.%d.%d is built without thread support", major, minor, rev);
	if (!(features & GIT_FEATURE_HTTPS))
		return rw_error(ctx, RW_EGIT, "libgit2 %d.%d.%d is built without HTTPS support", major, minor, rev);
	return 0;
}

struct verify_run {
	rw_ctx *ctx;
	const char *path;
	git_odb *odb;
	char commit[RW_OID_LEN];
	size_t objects;
	int rc;
};

/* Reads an object back in full: libgit2 inflates it and checks its id against its bytes. */
static int verify_object(const git_oid *id, void *arg)
{
	struct verify_run *v = arg;
	git_odb_object *obj = NULL;
	char hex[RW_OID_LEN];

	if (git_odb_read(&obj, v->odb, id) < 0) {
		git_oid_tostr(hex, sizeof(hex), id);
		v->rc = rw_error(v->ctx, RW_EGIT, "archive '%s': object %s is damaged: %s", v->path, hex, git_msg());
		return 1;
	}
	git_odb_object_free(obj);
	v->objects++;
	return 0;
}

static int verify_entry(const char *root, const git_tree_entry *entry, void *arg)
{
	struct verify_run *v = arg;

	if (git_tree_entry_type(entry) == GIT_OBJECT_TREE || git_odb_exists(v->odb, git_tree_entry_id(entry)))
		return 0;
	v->rc = rw_error(v->ctx, RW_EGIT, "archive '%s': commit %.12s: '%s%s' is missing", v->path, v->commit, root,
			 git_tree_entry_name(entry));
	return -1;
}

int rw_archive_verify(rw_ctx *ctx, const char *path, size_t *commits, size_t *objects)
{
	git_repository *repo = NULL;
	git_revwalk *walk = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	struct verify_run v;
	git_oid id;
	int rc = 0, err;

	*commits = *objects = 0;
	memset(&v, 0, sizeof(v));
	v.ctx = ctx;
	v.path = path;
	err = git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH | GIT_REPOSITORY_OPEN_BARE, NULL);
	if (err == GIT_ENOTFOUND) {
		rc = rw_error(ctx, RW_ENOTFOUND, "archive '%s': no repository there", path);
		goto out;
	}
	if (err < 0 || git_repository_odb(&v.odb, repo) < 0) {
		rc = git_fail(ctx, path, "cannot open");
		goto out;
	}
	err = git_odb_foreach(v.odb, verify_object, &v);
	if (v.rc < 0 || err < 0) {
		rc = v.rc < 0 ? v.rc : git_fail(ctx, path, "cannot list the objects");
		goto out;
	}
	*objects = v.objects;
	err = git_reference_name_to_id(&id, repo, ARCHIVE_REF);
	if (err == GIT_ENOTFOUND)
		goto out; /* no run recorded yet */
	if (err < 0 || git_revwalk_new(&walk, repo) < 0 || git_revwalk_push(walk, &id) < 0) {
		rc = git_fail(ctx, path, "cannot read '" ARCHIVE_BRANCH "'");
		goto out;
	}
	while ((err = git_revwalk_next(&id, walk)) == 0) {
		git_oid_tostr(v.commit, sizeof(v.commit), &id);
		if (git_commit_lookup(&commit, repo, &id) < 0 || git_commit_tree(&tree, commit) < 0) {
			rc = rw_error(ctx, RW_EGIT, "archive '%s': commit %.12s cannot be read: %s", path, v.commit,
				      git_msg());
			goto out;
		}
		err = git_tree_walk(tree, GIT_TREEWALK_PRE, verify_entry, &v);
		if (v.rc < 0 || err < 0) {
			rc = v.rc < 0 ? v.rc
				      : rw_error(ctx, RW_EGIT, "archive '%s': commit %.12s: a tree cannot be read: %s",
						 path, v.commit, git_msg());
			goto out;
		}
		git_tree_free(tree);
		tree = NULL;
		git_commit_free(commit);
		commit = NULL;
		(*commits)++;
	}
	if (err != GIT_ITEROVER)
		rc = rw_error(ctx, RW_EGIT, "archive '%s': the history of '" ARCHIVE_BRANCH "' cannot be read: %s",
			      path, git_msg());
out:
	git_tree_free(tree);
	git_commit_free(commit);
	git_revwalk_free(walk);
	git_odb_free(v.odb);
	git_repository_free(repo);
	return rc;
}

/* ---- mirroring: push and pull of main ----------------------------------- */

struct remote_tip {
	int found;   /* the remote has main */
	git_oid oid;
};

/* Connects to remote and finds its main. */
static int remote_main(rw_ctx *ctx, rw_archive *ar, git_remote *remote, const char *url, int direction,
		       const git_remote_callbacks *cb, struct remote_tip *tip)
{
	const git_remote_head **heads = NULL;
	size_t n = 0, i;

	memset(tip, 0, sizeof(*tip));
	if (git_remote_connect(remote, direction, cb, NULL, NULL) < 0 ||
	    git_remote_ls(&heads, &n, remote) < 0)
		return rw_error(ctx, RW_EGIT, "archive '%s': remote '%s': cannot connect: %s", ar->path, url,
				git_msg());
	for (i = 0; i < n; i++) {
		if (strcmp(heads[i]->name, ARCHIVE_REF) == 0) {
			tip->found = 1;
			git_oid_cpy(&tip->oid, &heads[i]->oid);
		}
	}
	return 0;
}

/* A remote for url alone: no configured remotes, no url.*.insteadOf rewriting. */
static int remote_open(git_remote **out, rw_archive *ar, const char *url)
{
	git_remote_create_options o;

	if (git_remote_create_options_init(&o, GIT_REMOTE_CREATE_OPTIONS_VERSION) < 0)
		return -1;
	o.repository = ar->repo;
	o.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	return git_remote_create_with_opts(out, url, &o);
}

static void oid_hex(char out[RW_OID_LEN], const git_oid *id)
{
	if (id == NULL)
		out[0] = '\0';
	else
		git_oid_tostr(out, RW_OID_LEN, id);
}

/* Commits in from..to (from NULL: all of to). */
static int count_between(rw_ctx *ctx, rw_archive *ar, const git_oid *from, const git_oid *to, size_t *n)
{
	size_t ahead = 0, behind = 0;
	git_revwalk *walk = NULL;
	git_oid id;
	int rc = 0;

	*n = 0;
	if (from) {
		if (git_graph_ahead_behind(&ahead, &behind, ar->repo, to, from) < 0)
			return git_fail(ctx, ar->path, "cannot compare commits");
		*n = ahead;
		return 0;
	}
	if (git_revwalk_new(&walk, ar->repo) < 0 || git_revwalk_push(walk, to) < 0) {
		rc = git_fail(ctx, ar->path, "cannot walk commits");
		goto out;
	}
	while (git_revwalk_next(&id, walk) == 0)
		(*n)++;
out:
	git_revwalk_free(walk);
	return rc;
}

struct push_state {
	int rejected;
	char status[256];
};

/* The remote's verdict on each ref: a non-NULL status is a rejection, whatever push returned. */
static int on_push_update_reference(const char *refname, const char *status, void *data)
{
	struct push_state *ps = data;

	if (status != NULL) {
		ps->rejected = 1;
		snprintf(ps->status, sizeof(ps->status), "%s: %s", refname, status);
	}
	return 0;
}

int rw_archive_push(rw_ctx *ctx, rw_archive *ar, const char *url, rw_archive_sync *res)
{
	git_remote *remote = NULL;
	git_push_options opts;
	git_remote_callbacks cb;
	struct remote_tip tip;
	struct push_state ps;
	git_oid local;
	git_strarray specs;
	char refspec[] = ARCHIVE_REF ":" ARCHIVE_REF; /* no '+': never a forced update */
	char *spec = refspec;
	int rc = 0, err;

	memset(res, 0, sizeof(*res));
	memset(&ps, 0, sizeof(ps));
	err = git_reference_name_to_id(&local, ar->repo, ARCHIVE_REF);
	if (err == GIT_ENOTFOUND) {
		rc = rw_error(ctx, RW_ENOTFOUND, "archive '%s': empty: nothing to push", ar->path);
		goto out;
	}
	if (err < 0) {
		rc = git_fail(ctx, ar->path, "cannot resolve '" ARCHIVE_REF "'");
		goto out;
	}
	oid_hex(res->after, &local);
	if (remote_open(&remote, ar, url) < 0) {
		rc = rw_error(ctx, RW_EGIT, "archive '%s': remote '%s': %s", ar->path, url, git_msg());
		goto out;
	}
	git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION);
	rc = remote_main(ctx, ar, remote, url, GIT_DIRECTION_PUSH, &cb, &tip);
	git_remote_disconnect(remote);
	if (rc < 0)
		goto out;
	if (tip.found) {
		oid_hex(res->before, &tip.oid);
		if (git_oid_equal(&tip.oid, &local))
			goto out; /* up to date */
		/* Fast-forward only: the remote's main must be an ancestor of ours. */
		err = git_graph_descendant_of(ar->repo, &local, &tip.oid);
		if (err < 0)
			git_error_clear();
		if (err != 1) {
			rc = rw_error(ctx, RW_EGIT,
				      "archive '%s': remote '%s': its '" ARCHIVE_BRANCH "' (%.12s) is not an "
				      "ancestor of ours (%.12s): the histories have diverged; nothing was pushed",
				      ar->path, url, res->before, res->after);
			goto out;
		}
		rc = count_between(ctx, ar, &tip.oid, &local, &res->commits);
	} else {
		rc = count_between(ctx, ar, NULL, &local, &res->commits);
	}
	if (rc < 0)
		goto out;
	git_remote_free(remote);
	remote = NULL;
	if (remote_open(&remote, ar, url) < 0) {
		rc = rw_error(ctx, RW_EGIT, "archive '%s': remote '%s': %s", ar->path, url, git_msg());
		goto out;
	}
	git_push_options_init(&opts, GIT_PUSH_OPTIONS_VERSION);
	opts.callbacks.push_update_reference = on_push_update_reference;
	opts.callbacks.payload = &ps;
	specs.strings = &spec;
	specs.count = 1;
	err = git_remote_push(remote, &specs, &opts);
	if (err == GIT_ENONFASTFORWARD) {
		rc = rw_error(ctx, RW_EGIT,
			      "archive '%s': remote '%s': not a fast-forward: the histories have diverged; "
			      "nothing was pushed", ar->path, url);
		goto out;
	}
	if (err < 0) {
		rc = rw_error(ctx, RW_EGIT, "archive '%s': remote '%s': push failed: %s", ar->path, url,
			      git_msg());
		goto out;
	}
	if (ps.rejected) {
		rc = rw_error(ctx, RW_EGIT, "archive '%s': remote '%s': rejected the push (%s)", ar->path,
			      url, ps.status);
		goto out;
	}
out:
	if (rc < 0)
		res->commits = 0;
	git_remote_free(remote);
	return rc;
}

int rw_archive_pull(rw_ctx *ctx, rw_archive *ar, const char *url, rw_archive_sync *res)
{
	git_remote *remote = NULL;
	git_reference *ref = NULL;
	git_commit *commit = NULL;
	git_fetch_options opts;
	struct remote_tip tip;
	git_strarray specs;
	git_oid local;
	char refspec[] = ARCHIVE_REF; /* fetched into no local ref: main moves below, by hand */
	char *spec = refspec;
	int rc = 0, err, have_local;

	memset(res, 0, sizeof(*res));
	err = git_reference_name_to_id(&local, ar->repo, ARCHIVE_REF);
	if (err < 0 && err != GIT_ENOTFOUND) {
		rc = git_fail(ctx, ar->path, "cannot resolve '" ARCHIVE_REF "'");
		goto out;
	}
	have_local = err == 0;
	if (have_local)
		oid_hex(res->before, &local);
	if (remote_open(&remote, ar, url) < 0) {
		rc = rw_error(ctx, RW_EGIT, "archive '%s': remote '%s': %s", ar->path, url, git_msg());
		goto out;
	}
	git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
	opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	opts.update_fetchhead = 0;
	opts.prune = GIT_FETCH_NO_PRUNE;
	rc = remote_main(ctx, ar, remote, url, GIT_DIRECTION_FETCH, &opts.callbacks, &tip);
	if (rc < 0)
		goto out;
	if (!tip.found) {
		rc = rw_error(ctx, RW_ENOTFOUND, "archive '%s': remote '%s': has no '" ARCHIVE_BRANCH
			      "': nothing to pull", ar->path, url);
		goto out;
	}
	oid_hex(res->after, &tip.oid);
	if (have_local && git_oid_equal(&local, &tip.oid))
		goto out; /* up to date */
	specs.strings = &spec;
	specs.count = 1;
	if (git_remote_download(remote, &specs, &opts) < 0) {
		rc = rw_error(ctx, RW_EGIT, "archive '%s': remote '%s': fetch failed: %s", ar->path, url,
			      git_msg());
		goto out;
	}
	git_remote_disconnect(remote);
	if (git_commit_lookup(&commit, ar->repo, &tip.oid) < 0) {
		rc = rw_error(ctx, RW_EGIT, "archive '%s': remote '%s': its '" ARCHIVE_BRANCH
			      "' is not a commit that could be fetched: %s", ar->path, url, git_msg());
		goto out;
	}
	if (have_local) {
		err = git_graph_descendant_of(ar->repo, &tip.oid, &local);
		if (err < 0) {
			rc = git_fail(ctx, ar->path, "cannot compare commits");
			goto out;
		}
		if (err == 0) {
			err = git_graph_descendant_of(ar->repo, &local, &tip.oid);
			if (err == 1) {
				/* We are ahead: nothing to take. */
				memcpy(res->after, res->before, RW_OID_LEN);
				goto out;
			}
			rc = rw_error(ctx, RW_EGIT,
				      "archive '%s': remote '%s': its '" ARCHIVE_BRANCH "' (%.12s) does not "
				      "descend from ours (%.12s): the histories have diverged; nothing was "
				      "pulled", ar->path, url, res->after, res->before);
			goto out;
		}
		rc = count_between(ctx, ar, &local, &tip.oid, &res->commits);
		/* Compare and swap: main moves only from the tip we compared with. */
		if (rc == 0 && git_reference_create_matching(&ref, ar->repo, ARCHIVE_REF, &tip.oid, 1,
							     &local, "regwatch: pull") < 0)
			rc = git_fail(ctx, ar->path, "cannot move '" ARCHIVE_BRANCH "'");
	} else {
		rc = count_between(ctx, ar, NULL, &tip.oid, &res->commits);
		if (rc == 0 && git_reference_create(&ref, ar->repo, ARCHIVE_REF, &tip.oid, 0,
						    "regwatch: pull") < 0)
			rc = git_fail(ctx, ar->path, "cannot create '" ARCHIVE_BRANCH "'");
	}
out:
	if (rc < 0) {
		res->commits = 0;
		memcpy(res->after, res->before, RW_OID_LEN);
	}
	git_reference_free(ref);
	git_commit_free(commit);
	git_remote_free(remote);
	return rc;
}
