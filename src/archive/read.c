/* Reading the archive: a file at a commit, a directory listing, main's history. */
#include <stdlib.h>
#include <string.h>

#include "archive/archive_int.h"
#include "regwatch/array.h"

static int resolve_tree(rw_ctx *ctx, rw_archive *ar, const char *commit, git_tree **out)
{
	git_object *obj = NULL, *peeled = NULL;
	git_commit *c = NULL;
	int rc = 0, err;

	*out = NULL;
	if (commit == NULL) {
		rc = rw_ar_main_commit(ctx, ar, &c);
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
			rc = rw_ar_git_fail(ctx, ar->path, "cannot resolve a commit");
			goto out;
		}
		if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
			rc = rw_error(ctx, RW_ENOTFOUND, "archive '%s': '%s' is not a commit",
				      ar->path, commit);
			goto out;
		}
		if (git_commit_lookup(&c, ar->repo, git_object_id(peeled)) < 0) {
			rc = rw_ar_git_fail(ctx, ar->path, "cannot read a commit");
			goto out;
		}
	}
	if (git_commit_tree(out, c) < 0)
		rc = rw_ar_git_fail(ctx, ar->path, "cannot read a tree");
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

	rc = rw_ar_check_path(ctx, ar->path, path, 0);
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
		rc = rw_ar_git_fail(ctx, ar->path, "cannot look up a path");
		goto out;
	}
	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
		rc = rw_error(ctx, RW_ENOTFOUND, "archive '%s': '%s' in '%s' is not a file",
			      ar->path, path, where);
		goto out;
	}
	if (git_blob_lookup(&blob, ar->repo, git_tree_entry_id(entry)) < 0) {
		rc = rw_ar_git_fail(ctx, ar->path, "cannot read a file");
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

	rc = rw_ar_check_path(ctx, ar->path, dir, 1);
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
			rc = rw_ar_git_fail(ctx, ar->path, "cannot look up a path");
			goto out;
		}
		if (git_tree_lookup(&sub, ar->repo, git_tree_entry_id(entry)) < 0) {
			rc = rw_ar_git_fail(ctx, ar->path, "cannot read a directory");
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

	rc = rw_ar_main_commit(ctx, ar, &c);
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
			rc = rw_ar_git_fail(ctx, ar->path, "cannot read a parent commit");
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
			rc = rw_ar_git_fail(ctx, ar->path, "cannot read a commit");
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
