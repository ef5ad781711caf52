/* Writing to the archive: one commit of files on main, its tree built in memory. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "archive/archive_int.h"

static int file_fail(rw_ctx *ctx, rw_archive *ar, const char *path, const char *what)
{
	return rw_error(ctx, RW_EGIT, "archive '%s': '%s': %s: %s", ar->path, path, what,
			rw_ar_git_msg());
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
		rc = rw_ar_check_path(ctx, ar->path, files[i].path, 0);
		if (rc < 0)
			goto out;
	}
	rc = rw_ar_main_commit(ctx, ar, &parent);
	if (rc < 0)
		goto out;
	if (git_index_new(&idx) < 0) {
		rc = rw_ar_git_fail(ctx, ar->path, "cannot create an index");
		goto out;
	}
	if (parent) {
		if (git_commit_tree(&parent_tree, parent) < 0) {
			rc = rw_ar_git_fail(ctx, ar->path,
				      "cannot read the tree on '" ARCHIVE_BRANCH "'");
			goto out;
		}
		if (git_index_read_tree(idx, parent_tree) < 0) {
			rc = rw_ar_git_fail(ctx, ar->path,
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
		rc = rw_ar_git_fail(ctx, ar->path, "cannot write the tree");
		goto out;
	}
	/* Nothing changed (an empty tree on an empty archive included): no commit. */
	if (parent ? git_oid_equal(&tree_id, git_commit_tree_id(parent))
		   : git_index_entrycount(idx) == 0)
		goto out;
	if (git_tree_lookup(&tree, ar->repo, &tree_id) < 0) {
		rc = rw_ar_git_fail(ctx, ar->path, "cannot read the new tree");
		goto out;
	}
	if (git_signature_new(&sig, ARCHIVE_NAME, ARCHIVE_EMAIL, (git_time_t)when, 0) < 0) {
		rc = rw_ar_git_fail(ctx, ar->path, "cannot make the signature");
		goto out;
	}
	/* The commit object first, then the ref: a crash in between leaves an unreachable object. */
	parents[0] = parent;
	if (git_commit_create(&commit_id, ar->repo, NULL, sig, sig, NULL, message, tree,
			      parent ? 1 : 0, parents) < 0) {
		rc = rw_ar_git_fail(ctx, ar->path, "cannot commit to '" ARCHIVE_BRANCH "'");
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
		rc = rw_ar_git_fail(ctx, ar->path, "cannot move '" ARCHIVE_BRANCH "' to the new commit");
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
