/*
 * rebuild: the database re-derived from the archive. Every archived commit is
 * replayed oldest first: the source documents it changed are parsed again with
 * today's parsers and normalised with today's dictionary and source settings,
 * the baseline as it was archived then, and the result is recorded as the same
 * run (same number, same commit, same transaction time). All in one database
 * transaction, so an interrupted rebuild leaves the old history in place.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "regwatch/archive.h"
#include "regwatch/dates.h"
#include "regwatch/history.h"
#include "regwatch/normalise.h"
#include "regwatch/parse.h"
#include "regwatch/state.h"
#include "regwatch/update.h"

typedef struct commit_info {
	char oid[RW_OID_LEN];
	time_t when;
	char *message;
} commit_info;

typedef struct commit_list {
	commit_info *v;
	size_t n;
	size_t cap;
} commit_list;

static int collect(void *arg, const char *oid, time_t when, const char *message)
{
	commit_list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		commit_info *v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return RW_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	memcpy(l->v[l->n].oid, oid, RW_OID_LEN);
	l->v[l->n].when = when;
	l->v[l->n].message = rw_strdup(message ? message : "");
	if (l->v[l->n].message == NULL)
		return RW_ENOMEM;
	l->n++;
	return 0;
}

/* The body each source had at the previous commit, to see what a commit changed. */
typedef struct last_body {
	char *name;
	rw_buf body;
} last_body;

typedef struct replay {
	rw_ctx *ctx;
	const rw_update_opts *opts;
	rw_archive *ar;
	rw_db *db;
	rw_matcher *m;
	rw_state state;
	last_body *last;
	size_t nlast;
	rw_buf last_baseline;   /* the baseline body last read: unchanged ones are not read again */
	const char *data_dir;
	rw_rebuild_result *res;
} replay;

static last_body *last_for(replay *r, const char *name)
{
	last_body *v;
	size_t i;

	for (i = 0; i < r->nlast; i++)
		if (strcmp(r->last[i].name, name) == 0)
			return &r->last[i];
	v = realloc(r->last, (r->nlast + 1) * sizeof(*v));
	if (v == NULL)
		return NULL;
	r->last = v;
	v = &r->last[r->nlast];
	v->name = rw_strdup(name);
	rw_buf_init(&v->body, 0);
	if (v->name == NULL)
		return NULL;
	r->nlast++;
	return v;
}

/* 1 when the run's message says the source was fetched and found unchanged. */
static int said_unchanged(const char *message, const char *name)
{
	size_t n = strlen(name);
	const char *p = message;

	while ((p = strstr(p, "Source: ")) != NULL) {
		p += 8;
		if (strncmp(p, name, n) == 0 && strncmp(p + n, " unchanged", 10) == 0 &&
		    (p[n + 10] == ' ' || p[n + 10] == '\n' || p[n + 10] == '\0'))
			return 1;
	}
	return 0;
}

/* Re-reads one source's document at a commit when the commit changed it; a run that found
   it unchanged counts one more day for the entries it no longer lists, as the update did. */
static int replay_source(replay *r, const commit_info *c, const char *name, const char *today)
{
	const rw_source *src = rw_feeds_find(r->opts->feeds, name);
	char *path = rw_asprintf("sources/%s/body", name);
	rw_buf body = RW_BUF_INIT;
	rw_records recs = {0};
	rw_norm_result nr;
	last_body *last = last_for(r, name);
	int rc;

	if (path == NULL || last == NULL) {
		free(path);
		return rw_error(r->ctx, RW_ENOMEM, "out of memory");
	}
	rc = rw_archive_read(r->ctx, r->ar, c->oid, path, &body);
	free(path);
	if (rc == RW_ENOTFOUND) {
		rw_clear_error(r->ctx);
		rc = 0;
		goto out;
	}
	if (rc < 0)
		goto out;
	if (last->body.len == body.len && body.len > 0 && memcmp(last->body.data, body.data, body.len) == 0) {
		if (src != NULL && said_unchanged(c->message, name))
			rc = rw_normalise_unchanged(r->ctx, src, today, &r->state, &nr);
		goto out;
	}
	rw_buf_release(&last->body);
	last->body = body;
	rw_buf_init(&body, 0);
	if (src == NULL) {
		rw_log(r->ctx, RW_LOG_WARN, "rebuild: run of %.12s: source '%s' is no longer configured; its document is kept but not read",
		       c->oid, name);
		r->res->skipped++;
		goto out;
	}
	if (rw_parse(r->ctx, src, rw_buf_cstr(&last->body), last->body.len, &recs) < 0 ||
	    rw_normalise_list(r->ctx, r->m, src, &recs, today, &r->state, &nr) < 0) {
		rw_log(r->ctx, RW_LOG_WARN, "rebuild: run of %.12s: %s", c->oid, rw_errmsg(r->ctx));
		rw_clear_error(r->ctx);
		r->res->skipped++;
		goto out;
	}
	if (nr.quarantine) {
		rw_log(r->ctx, RW_LOG_WARN, "rebuild: run of %.12s: source '%s': %s", c->oid, name, nr.reason);
		r->res->skipped++;
	} else {
		r->res->parsed++;
	}
out:
	rw_buf_release(&body);
	rw_records_release(&recs);
	return rc;
}

/* The baseline as archived at this commit, read with today's dictionary. */
static int replay_baseline(replay *r, const commit_info *c)
{
	rw_buf body = RW_BUF_INIT;
	rw_regimes regimes = {0};
	const rw_regimes *use = r->opts->regimes;
	char *tmp = NULL;
	int rc, loaded = 0;

	rc = rw_archive_read(r->ctx, r->ar, c->oid, "sources/" RW_BASELINE_SOURCE "/body", &body);
	if (rc == RW_ENOTFOUND) {
		rw_clear_error(r->ctx);
		rc = 0;
		goto out;
	}
	if (rc < 0)
		goto out;
	if (r->last_baseline.data && r->last_baseline.len == body.len &&
	    memcmp(r->last_baseline.data, body.data, body.len) == 0)
		goto out; /* the state already holds this baseline's rows */
	rw_buf_release(&r->last_baseline);
	r->last_baseline = body;
	rw_buf_init(&body, 0);
	tmp = rw_asprintf("%s/rebuild-regimes.conf", r->data_dir);
	if (tmp == NULL) {
		rc = rw_error(r->ctx, RW_ENOMEM, "out of memory");
		goto out;
	}
	rc = rw_write_file_atomic(r->ctx, tmp, rw_buf_cstr(&r->last_baseline), r->last_baseline.len);
	if (rc == 0 && rw_regimes_load(r->ctx, &regimes, tmp, r->opts->dict) == 0) {
		use = &regimes;
		loaded = 1;
	} else if (rc == 0) {
		rw_log(r->ctx, RW_LOG_WARN, "rebuild: run of %.12s: archived baseline not readable with today's dictionary (%s); using today's",
		       c->oid, rw_errmsg(r->ctx));
		rw_clear_error(r->ctx);
	}
	unlink(tmp);
	if (rc == 0 && use)
		rc = rw_normalise_baseline(r->ctx, r->opts->dict, use, &r->state);
out:
	if (loaded)
		rw_regimes_release(&regimes);
	free(tmp);
	rw_buf_release(&body);
	return rc;
}

static int replay_commit(replay *r, const commit_info *c, long run_id)
{
	rw_strvec names = RW_STRVEC_INIT;
	char today[RW_DATE_LEN];
	rw_apply a;
	long run = 0;
	size_t i;
	int rc;

	rw_date_from_time(c->when, today);
	rc = rw_archive_list(r->ctx, r->ar, c->oid, "sources", &names);
	if (rc == RW_ENOTFOUND) {
		rw_clear_error(r->ctx);
		rc = 0;
	}
	for (i = 0; i < names.n && rc == 0; i++)
		if (strcmp(names.v[i], RW_BASELINE_SOURCE) != 0)
			rc = replay_source(r, c, names.v[i], today);
	if (rc == 0)
		rc = replay_baseline(r, c);
	if (rc == 0) {
		memset(&a, 0, sizeof(a));
		a.oid = c->oid;
		a.recorded_at = c->when;
		a.message = c->message;
		a.state = &r->state;
		a.dict = r->opts->dict;
		a.regimes = r->opts->regimes;
		a.run_id = run_id;
		rc = rw_db_apply(r->ctx, r->db, &a, &run);
	}
	rw_strvec_release(&names);
	return rc;
}

int rw_rebuild(rw_ctx *ctx, const rw_update_opts *opts, rw_rebuild_result *res)
{
	char *db_path = NULL, *ar_path = NULL;
	commit_list commits = {0};
	replay r;
	size_t i;
	int rc, lock_fd = -1;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	r.opts = opts;
	r.res = res;
	r.data_dir = opts->data_dir;
	rw_state_init(&r.state);
	db_path = rw_data_path(opts->data_dir, "regwatch.db");
	ar_path = rw_data_path(opts->data_dir, "archive.git");
	if (db_path == NULL || ar_path == NULL) {
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
		goto out;
	}
	if (access(ar_path, F_OK) != 0) {
		rc = rw_error(ctx, RW_ENOTFOUND, "no archive at '%s': nothing to rebuild from", ar_path);
		goto out;
	}
	rc = rw_update_lock(ctx, opts->data_dir, &lock_fd);
	if (rc == 0)
		rc = rw_archive_clear_stale_locks(ctx, ar_path);
	if (rc >= 0)
		rc = rw_archive_open(ctx, &r.ar, ar_path);
	if (rc == 0)
		rc = rw_db_open(ctx, &r.db, db_path, RW_DB_WRITE);
	if (rc == 0)
		rc = rw_matcher_new(ctx, &r.m, opts->dict);
	if (rc == 0)
		rc = rw_archive_walk(ctx, r.ar, collect, &commits);
	if (rc == RW_ENOMEM)
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
	if (rc < 0)
		goto out;
	rc = rw_db_rebuild_begin(ctx, r.db);
	if (rc < 0)
		goto out;
	for (i = 0; i < commits.n && rc == 0; i++) {
		rc = replay_commit(&r, &commits.v[i], (long)i + 1);
		res->runs += rc == 0;
	}
	rc = rw_db_rebuild_end(ctx, r.db, rc);
out:
	for (i = 0; i < commits.n; i++)
		free(commits.v[i].message);
	free(commits.v);
	for (i = 0; i < r.nlast; i++) {
		free(r.last[i].name);
		rw_buf_release(&r.last[i].body);
	}
	free(r.last);
	rw_buf_release(&r.last_baseline);
	rw_state_release(&r.state);
	rw_matcher_free(r.m);
	rw_db_close(r.db);
	rw_archive_free(r.ar);
	free(db_path);
	free(ar_path);
	if (lock_fd >= 0)
		close(lock_fd);
	return rc;
}
