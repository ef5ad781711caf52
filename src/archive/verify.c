/* Verifying the archive: every object of main's history is read back and checked. */
#include <stdlib.h>
#include <string.h>

#include "archive/archive_int.h"

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
		v->rc = rw_error(v->ctx, RW_EGIT, "archive '%s': object %s is damaged: %s", v->path, hex, rw_ar_git_msg());
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
		rc = rw_ar_git_fail(ctx, path, "cannot open");
		goto out;
	}
	err = git_odb_foreach(v.odb, verify_object, &v);
	if (v.rc < 0 || err < 0) {
		rc = v.rc < 0 ? v.rc : rw_ar_git_fail(ctx, path, "cannot list the objects");
		goto out;
	}
	*objects = v.objects;
	err = git_reference_name_to_id(&id, repo, ARCHIVE_REF);
	if (err == GIT_ENOTFOUND)
		goto out; /* no run recorded yet */
	if (err < 0 || git_revwalk_new(&walk, repo) < 0 || git_revwalk_push(walk, &id) < 0) {
		rc = rw_ar_git_fail(ctx, path, "cannot read '" ARCHIVE_BRANCH "'");
		goto out;
	}
	while ((err = git_revwalk_next(&id, walk)) == 0) {
		git_oid_tostr(v.commit, sizeof(v.commit), &id);
		if (git_commit_lookup(&commit, repo, &id) < 0 || git_commit_tree(&tree, commit) < 0) {
			rc = rw_error(ctx, RW_EGIT, "archive '%s': commit %.12s cannot be read: %s", path, v.commit,
				      rw_ar_git_msg());
			goto out;
		}
		err = git_tree_walk(tree, GIT_TREEWALK_PRE, verify_entry, &v);
		if (v.rc < 0 || err < 0) {
			rc = v.rc < 0 ? v.rc
				      : rw_error(ctx, RW_EGIT, "archive '%s': commit %.12s: a tree cannot be read: %s",
						 path, v.commit, rw_ar_git_msg());
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
			      path, rw_ar_git_msg());
out:
	git_tree_free(tree);
	git_commit_free(commit);
	git_revwalk_free(walk);
	git_odb_free(v.odb);
	git_repository_free(repo);
	return rc;
}
