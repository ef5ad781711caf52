/* Mirroring the archive: push main to a remote, pull a remote's main (fast-forward only). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/archive_int.h"

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
				rw_ar_git_msg());
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
			return rw_ar_git_fail(ctx, ar->path, "cannot compare commits");
		*n = ahead;
		return 0;
	}
	if (git_revwalk_new(&walk, ar->repo) < 0 || git_revwalk_push(walk, to) < 0) {
		rc = rw_ar_git_fail(ctx, ar->path, "cannot walk commits");
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
		rc = rw_ar_git_fail(ctx, ar->path, "cannot resolve '" ARCHIVE_REF "'");
		goto out;
	}
	oid_hex(res->after, &local);
	if (remote_open(&remote, ar, url) < 0) {
		rc = rw_error(ctx, RW_EGIT, "archive '%s': remote '%s': %s", ar->path, url, rw_ar_git_msg());
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
		rc = rw_error(ctx, RW_EGIT, "archive '%s': remote '%s': %s", ar->path, url, rw_ar_git_msg());
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
			      rw_ar_git_msg());
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
		rc = rw_ar_git_fail(ctx, ar->path, "cannot resolve '" ARCHIVE_REF "'");
		goto out;
	}
	have_local = err == 0;
	if (have_local)
		oid_hex(res->before, &local);
	if (remote_open(&remote, ar, url) < 0) {
		rc = rw_error(ctx, RW_EGIT, "archive '%s': remote '%s': %s", ar->path, url, rw_ar_git_msg());
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
			      rw_ar_git_msg());
		goto out;
	}
	git_remote_disconnect(remote);
	if (git_commit_lookup(&commit, ar->repo, &tip.oid) < 0) {
		rc = rw_error(ctx, RW_EGIT, "archive '%s': remote '%s': its '" ARCHIVE_BRANCH
			      "' is not a commit that could be fetched: %s", ar->path, url, rw_ar_git_msg());
		goto out;
	}
	if (have_local) {
		err = git_graph_descendant_of(ar->repo, &tip.oid, &local);
		if (err < 0) {
			rc = rw_ar_git_fail(ctx, ar->path, "cannot compare commits");
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
			rc = rw_ar_git_fail(ctx, ar->path, "cannot move '" ARCHIVE_BRANCH "'");
	} else {
		rc = count_between(ctx, ar, NULL, &tip.oid, &res->commits);
		if (rc == 0 && git_reference_create(&ref, ar->repo, ARCHIVE_REF, &tip.oid, 0,
						    "regwatch: pull") < 0)
			rc = rw_ar_git_fail(ctx, ar->path, "cannot create '" ARCHIVE_BRANCH "'");
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
