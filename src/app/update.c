/*
 * The nightly job, as its steps: open, recover, fetch, process, commit, record,
 * queue, deliver. Order of writes (crash safety): the archive commit first, then
 * the database transaction that records it, then a transaction of its own that
 * queues the run's notifications and marks it queued. On start, archived commits
 * the database has not recorded are applied and unqueued runs queued, so a job
 * killed at any instant loses nothing and duplicates nothing.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "regwatch/archive.h"
#include "regwatch/dates.h"
#include "regwatch/fetch.h"
#include "regwatch/history.h"
#include "regwatch/normalise.h"
#include "regwatch/parse.h"
#include "regwatch/queue.h"
#include "regwatch/state.h"
#include "regwatch/update.h"

#define STATE_STATUSES "state/statuses.tsv"
#define STATE_ENTITIES "state/entities.tsv"
#define STATE_ANNOUNCEMENTS "state/announcements.tsv"
#define STATE_ABSENCES "state/absences.tsv"
#define DICTIONARY_PATH "dictionary/vendors.conf"

/* Reads the state files of a commit (NULL: main). Missing files are empty tables. */
static int state_load(rw_ctx *ctx, rw_archive *ar, const char *commit, rw_state *st)
{
	static const char *const files[] = {STATE_STATUSES, STATE_ENTITIES, STATE_ANNOUNCEMENTS, STATE_ABSENCES};
	rw_table *const tables[] = {&st->lines, &st->lines, &st->anns, &st->absent};
	rw_buf b = RW_BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < 4 && rc == 0; i++) {
		rc = rw_archive_read(ctx, ar, commit, files[i], &b);
		if (rc == RW_ENOTFOUND) {
			rw_clear_error(ctx);
			rc = 0;
			continue;
		}
		if (rc == 0)
			rc = rw_table_from_tsv(ctx, tables[i], rw_buf_cstr(&b), b.len, files[i]);
		rw_buf_clear(&b);
	}
	rw_buf_release(&b);
	rw_table_sort(&st->lines);
	rw_table_sort(&st->anns);
	rw_table_sort(&st->absent);
	return rc;
}

/* The state files: statuses (vendor known), entities (vendor unknown), announcements, and
   the absences of live-list entries whose removal is not confirmed yet. */
static int state_serialise(rw_ctx *ctx, const rw_state *st, rw_buf out[4])
{
	size_t i;
	int rc = 0;

	for (i = 0; i < st->lines.n && rc == 0; i++) {
		const rw_row *r = &st->lines.v[i];

		rc = rw_row_to_tsv(r, RW_L_NCOLS, &out[r->f[RW_L_VENDOR][0] ? 0 : 1]);
	}
	if (rc == 0)
		rc = rw_table_to_tsv(&st->anns, &out[2]);
	if (rc == 0)
		rc = rw_table_to_tsv(&st->absent, &out[3]);
	if (rc == RW_ENOMEM)
		return rw_error(ctx, rc, "out of memory");
	if (rc < 0)
		return rw_error(ctx, rc, "state files: %zu lines and %zu announcements are more than a state file holds",
				st->lines.n, st->anns.n);
	return 0;
}

/* Applies every archived commit the database has not recorded, oldest first. */
typedef struct recover_walk {
	rw_ctx *ctx;
	rw_archive *ar;
	rw_db *db;
	const rw_update_opts *opts;
	size_t applied;
} recover_walk;

static int recover_one(void *arg, const char *oid, time_t when, const char *message)
{
	recover_walk *w = arg;
	rw_state st;
	rw_apply a;
	long run = 0;
	int rc, has = 0;

	rc = rw_db_has_commit(w->ctx, w->db, oid, &has);
	if (rc < 0 || has)
		return rc;
	rw_state_init(&st);
	rc = state_load(w->ctx, w->ar, oid, &st);
	if (rc == 0) {
		memset(&a, 0, sizeof(a));
		a.oid = oid;
		a.recorded_at = when;
		a.message = message;
		a.state = &st;
		a.dict = w->opts->dict;
		a.regimes = w->opts->regimes;
		rc = rw_db_apply(w->ctx, w->db, &a, &run);
	}
	if (rc == 0) {
		w->applied++;
		rw_log(w->ctx, RW_LOG_WARN, "recorded archived run %.12s that an earlier update left unrecorded", oid);
	}
	rw_state_release(&st);
	return rc;
}

/* Per-source work of one run. */
typedef struct source_run {
	const rw_source *src;
	rw_fetch_req req;
	rw_fetch_res res;
	char *etag;          /* stored validators */
	char *last_modified;
	rw_attempt attempt;
	char *reason;
	char *meta;
} source_run;

static char *meta_text(const rw_source *src, const rw_fetch_res *res, time_t now)
{
	char when[RW_INSTANT_LEN];

	rw_instant_format(now, when);
	return rw_asprintf("url: %s\nfinal-url: %s\netag: %s\nlast-modified: %s\ncontent-type: %s\nfirst-seen: %s\n",
			   src->url, res->effective_url ? res->effective_url : src->url,
			   res->etag ? res->etag : "", res->last_modified ? res->last_modified : "",
			   res->content_type ? res->content_type : "", when);
}

static int add_file(rw_ctx *ctx, rw_archive_file *files, size_t *n, size_t max, const char *path,
		    const char *data, size_t len)
{
	if (*n >= max)
		return rw_error(ctx, RW_ELIMIT, "archive commit: more than %zu files ('%s')", max, path);
	files[*n].path = path;
	files[*n].data = data;
	files[*n].len = len;
	(*n)++;
	return 0;
}

/* Handles one fetched source: compare with the archive, parse, normalise. */
static int process_source(rw_ctx *ctx, rw_archive *ar, const rw_matcher *m, source_run *s, const char *today,
			  rw_state *state, char **paths, rw_archive_file *files, size_t *nfiles, size_t maxfiles)
{
	rw_buf old = RW_BUF_INIT;
	rw_records recs = {0};
	rw_norm_result nr;
	char *body_path = NULL, *meta_path = NULL;
	const char *area = "sources";
	int rc = 0, prc;

	s->attempt.records = -1;
	if (s->res.outcome == RW_FETCH_FAILED) {
		s->attempt.outcome = "failed";
		s->reason = rw_strdup(s->res.error);
		goto out;
	}
	if (s->res.outcome == RW_FETCH_UNCHANGED) {
		s->attempt.outcome = "unchanged";
		rc = rw_normalise_unchanged(ctx, s->src, today, state, &nr);
		goto out;
	}
	body_path = rw_asprintf("sources/%s/body", s->src->name);
	if (body_path == NULL) {
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
		goto out;
	}
	prc = rw_archive_read(ctx, ar, NULL, body_path, &old);
	if (prc < 0 && prc != RW_ENOTFOUND) {
		rc = prc;
		goto out;
	}
	s->attempt.etag = s->res.etag;
	s->attempt.last_modified = s->res.last_modified;
	if (prc == 0 && old.len == s->res.body.len && memcmp(old.data, rw_buf_cstr(&s->res.body), old.len) == 0) {
		s->attempt.outcome = "unchanged";
		rc = rw_normalise_unchanged(ctx, s->src, today, state, &nr);
		goto out;
	}
	prc = rw_parse(ctx, s->src, rw_buf_cstr(&s->res.body), s->res.body.len, &recs);
	if (prc == 0)
		prc = rw_normalise_list(ctx, m, s->src, &recs, today, state, &nr);
	if (prc < 0) {
		s->reason = rw_strdup(rw_errmsg(ctx));
		area = "quarantine";
	} else if (nr.quarantine) {
		s->reason = rw_asprintf("source '%s': %s", s->src->name, nr.reason);
		area = "quarantine";
		s->attempt.records = (long)nr.records;
	} else {
		s->attempt.outcome = "new";
		s->attempt.changed = 1;
		s->attempt.records = (long)nr.records;
	}
	if (s->reason) {
		s->attempt.outcome = "quarantined";
		s->attempt.etag = NULL;
		s->attempt.last_modified = NULL;
		rw_clear_error(ctx);
	}
	if (strcmp(area, "sources") != 0) {
		free(body_path);
		body_path = rw_asprintf("%s/%s/body", area, s->src->name);
	}
	meta_path = rw_asprintf("%s/%s/meta", area, s->src->name);
	s->meta = meta_text(s->src, &s->res, ctx->now);
	if (body_path == NULL || meta_path == NULL || s->meta == NULL) {
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
		goto out;
	}
	rc = add_file(ctx, files, nfiles, maxfiles, body_path, rw_buf_cstr(&s->res.body), s->res.body.len);
	if (rc == 0)
		rc = add_file(ctx, files, nfiles, maxfiles, meta_path, s->meta, strlen(s->meta));
	if (rc == 0) {
		paths[0] = body_path;
		paths[1] = meta_path;
		body_path = meta_path = NULL;
	}
out:
	free(body_path);
	free(meta_path);
	rw_buf_release(&old);
	rw_records_release(&recs);
	return rc;
}

static int build_message(rw_ctx *ctx, rw_buf *msg, const source_run *runs, size_t n, time_t now)
{
	char when[RW_INSTANT_LEN];
	size_t i;
	int rc;

	rw_instant_format(now, when);
	rc = rw_buf_printf(msg, "regwatch run at %s\n\n", when);
	for (i = 0; i < n && rc == 0; i++) {
		const rw_attempt *a = &runs[i].attempt;

		rc = rw_buf_printf(msg, "Source: %s %s", a->name, a->outcome);
		if (rc == 0 && a->http_status > 0)
			rc = rw_buf_printf(msg, " http=%ld", a->http_status);
		if (rc == 0 && a->records >= 0)
			rc = rw_buf_printf(msg, " records=%ld", a->records);
		if (rc == 0 && a->reason)
			rc = rw_buf_printf(msg, " reason=%s", a->reason);
		if (rc == 0)
			rc = rw_buf_putc(msg, '\n');
	}
	if (rc == RW_ENOMEM)
		return rw_error(ctx, rc, "out of memory");
	if (rc < 0)
		return rw_error(ctx, rc, "archive commit message: longer than %zu bytes", msg->max);
	return 0;
}

/* Reports source i of n to the progress callback: the given state, or (state < 0) its outcome. */
static void progress(const rw_update_opts *o, const source_run *s, size_t i, size_t n, int state)
{
	const char *outcome = s->attempt.outcome;
	rw_progress p;

	if (o->progress == NULL)
		return;
	memset(&p, 0, sizeof(p));
	p.index = i;
	p.total = n;
	p.source = s->src->name;
	p.state = state;
	if (state < 0) {
		p.bytes = s->res.body.len;
		p.records = s->attempt.records;
		p.reason = s->reason;
		if (outcome == NULL || strcmp(outcome, "failed") == 0)
			p.state = RW_PROGRESS_FAILED;
		else if (strcmp(outcome, "quarantined") == 0)
			p.state = RW_PROGRESS_QUARANTINED;
		else if (strcmp(outcome, "unchanged") == 0)
			p.state = RW_PROGRESS_UNCHANGED;
		else
			p.state = RW_PROGRESS_PARSED;
	}
	o->progress(o->progress_arg, &p);
}

/* The fetch module's byte counts, passed on as "fetching N kB". */
typedef struct fetch_watch {
	const rw_update_opts *opts;
	const source_run *runs;
	size_t n;
} fetch_watch;

static void fetch_bytes(void *arg, size_t index, size_t bytes)
{
	const fetch_watch *w = arg;
	rw_progress p;

	if (w->opts->progress == NULL || index >= w->n)
		return;
	memset(&p, 0, sizeof(p));
	p.index = index;
	p.total = w->n;
	p.source = w->runs[index].src->name;
	p.state = RW_PROGRESS_FETCHING;
	p.bytes = bytes;
	w->opts->progress(w->opts->progress_arg, &p);
}

static int selected(const rw_update_opts *o, const rw_source *src)
{
	size_t i;

	if (o->only == NULL)
		return src->enabled;
	for (i = 0; i < o->nonly; i++)
		if (strcmp(o->only[i], src->name) == 0)
			return 1;
	return 0;
}

static void fetch_opts_from(const rw_feeds *f, rw_fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->user_agent = f->user_agent;
	o->connect_timeout_ms = f->connect_timeout_ms;
	o->low_speed_limit = f->low_speed_limit;
	o->low_speed_time = f->low_speed_time;
	o->max_attempts = f->max_attempts;
	o->retry_delay_ms = f->retry_delay_ms;
	o->max_retry_delay_ms = f->max_retry_delay_ms;
	o->max_parallel = f->max_parallel;
}

/* One update in progress: what the steps share. */
typedef struct update_run {
	rw_ctx *ctx;
	const rw_update_opts *opts;
	rw_update_result *res;
	int lock_fd;
	char *db_path, *ar_path;
	rw_archive *ar;
	rw_db *db;
	rw_matcher *m;
	rw_state state;
	char today[RW_DATE_LEN];
	source_run *runs;          /* the selected sources */
	size_t n;
	rw_fetch_req *reqs;
	rw_fetch_res *results;
	rw_archive_file *files;    /* what the archive commit holds */
	char **paths;              /* owned paths of files */
	size_t nfiles, maxfiles;
	rw_buf ser[4];             /* the state files */
	rw_buf msg;                /* the commit message */
} update_run;

/* The data directory, the lock, the archive and the database. */
static int step_open(update_run *u)
{
	rw_ctx *ctx = u->ctx;
	int rc;

	rc = rw_data_dir_prepare(ctx, u->opts->data_dir);
	if (rc == 0)
		rc = rw_update_lock(ctx, u->opts->data_dir, &u->lock_fd);
	if (rc < 0)
		return rc;
	u->db_path = rw_data_path(u->opts->data_dir, "regwatch.db");
	u->ar_path = rw_data_path(u->opts->data_dir, "archive.git");
	if (u->db_path == NULL || u->ar_path == NULL)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	rc = rw_archive_clear_stale_locks(ctx, u->ar_path); /* > 0: locks removed */
	if (rc > 0 || rc == RW_EIO || rc == RW_ENOTFOUND)
		rc = 0; /* RW_EIO, RW_ENOTFOUND: no archive yet */
	if (rc == 0)
		rc = rw_archive_open(ctx, &u->ar, u->ar_path);
	if (rc == 0)
		rc = rw_db_open(ctx, &u->db, u->db_path, RW_DB_WRITE);
	return rc;
}

/* Rolls forward: records archived runs a killed update left unrecorded, then loads the
   state the new run starts from. */
static int step_recover(update_run *u)
{
	rw_ctx *ctx = u->ctx;
	recover_walk walk;
	char head[RW_OID_LEN];
	int rc, head_recorded = 0;

	memset(&walk, 0, sizeof(walk));
	walk.ctx = ctx;
	walk.ar = u->ar;
	walk.db = u->db;
	walk.opts = u->opts;
	/* Runs are recorded in commit order, so when main's head is recorded every commit
	   before it is too: walk the whole archive only when it is not (a nightly job would
	   otherwise read every commit ever made, each night). */
	rc = rw_archive_head(ctx, u->ar, head);
	if (rc == 0 && head[0])
		rc = rw_db_has_commit(ctx, u->db, head, &head_recorded);
	if (rc == 0 && head[0] && !head_recorded)
		rc = rw_archive_walk(ctx, u->ar, recover_one, &walk);
	u->res->recovered = walk.applied;
	if (rc == 0)
		rc = state_load(ctx, u->ar, NULL, &u->state);
	if (rc == 0)
		rc = rw_matcher_new(ctx, &u->m, u->opts->dict);
	return rc;
}

/* Fetches every selected source at once (conditional requests with stored validators). */
static int step_fetch(update_run *u)
{
	rw_ctx *ctx = u->ctx;
	const rw_feeds *feeds = u->opts->feeds;
	rw_fetch_opts fo;
	fetch_watch watch;
	size_t i;
	int rc = 0;

	u->runs = calloc(feeds->nsources + 1, sizeof(*u->runs));
	u->reqs = calloc(feeds->nsources + 1, sizeof(*u->reqs));
	u->results = calloc(feeds->nsources + 1, sizeof(*u->results));
	u->maxfiles = 2 * feeds->nsources + 8;
	u->files = calloc(u->maxfiles, sizeof(*u->files));
	u->paths = calloc(u->maxfiles, sizeof(*u->paths));
	if (!u->runs || !u->reqs || !u->results || !u->files || !u->paths)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	for (i = 0; i < feeds->nsources && rc == 0; i++) {
		const rw_source *src = &feeds->sources[i];
		source_run *s = &u->runs[u->n];

		if (!selected(u->opts, src))
			continue;
		s->src = src;
		rc = rw_db_validators(ctx, u->db, src->name, src->url, &s->etag, &s->last_modified);
		u->reqs[u->n].name = src->name;
		u->reqs[u->n].url = src->url;
		u->reqs[u->n].etag = s->etag;
		u->reqs[u->n].last_modified = s->last_modified;
		u->reqs[u->n].max_bytes = src->max_bytes;
		u->reqs[u->n].timeout_ms = src->timeout_ms;
		u->n++;
	}
	u->res->sources = u->n;
	fetch_opts_from(feeds, &fo);
	watch.opts = u->opts;
	watch.runs = u->runs;
	watch.n = u->n;
	fo.on_bytes = fetch_bytes;
	fo.on_bytes_arg = &watch;
	for (i = 0; i < u->n && rc == 0; i++)
		progress(u->opts, &u->runs[i], i, u->n, RW_PROGRESS_WAITING);
	for (i = 0; i < u->n && rc == 0; i++)
		progress(u->opts, &u->runs[i], i, u->n, RW_PROGRESS_FETCHING);
	if (rc == 0 && u->n > 0)
		rc = rw_fetch_all(ctx, &fo, u->reqs, u->results, u->n);
	if (rc == 0)
		rw_fault_point(ctx, "after_fetch");
	return rc;
}

/* Compares, parses and normalises each fetched document into the new state, then the
   curated baseline. */
static int step_process(update_run *u)
{
	rw_ctx *ctx = u->ctx;
	size_t i;
	int rc = 0;

	for (i = 0; i < u->n && rc == 0; i++) {
		source_run *s = &u->runs[i];

		s->res = u->results[i];
		memset(&u->results[i], 0, sizeof(u->results[i]));
		s->attempt.name = s->src->name;
		s->attempt.url = s->src->url;
		s->attempt.format = s->src->format;
		s->attempt.http_status = s->res.http_status;
		s->attempt.max_age_days = s->src->max_age_days;
		rc = process_source(ctx, u->ar, u->m, s, u->today, &u->state, &u->paths[u->nfiles], u->files,
				    &u->nfiles, u->maxfiles);
		s->attempt.reason = s->reason;
		if (rc == 0)
			progress(u->opts, s, i, u->n, -1);
		if (rc == 0 && strcmp(s->attempt.outcome, "failed") == 0)
			u->res->failed++;
		else if (rc == 0 && strcmp(s->attempt.outcome, "quarantined") == 0)
			u->res->quarantined++;
		if (s->reason)
			rw_log(ctx, RW_LOG_ERROR, "%s", s->reason);
	}
	if (rc == 0 && u->opts->regimes)
		rc = rw_normalise_baseline(ctx, u->opts->dict, u->opts->regimes, &u->state);
	return rc;
}

/* The archive commit: the documents, the new state, the baseline and the dictionary as
   evidence. res->commit stays "" when nothing changed. */
static int step_commit(update_run *u)
{
	rw_ctx *ctx = u->ctx;
	const rw_update_opts *o = u->opts;
	int rc;

	rc = state_serialise(ctx, &u->state, u->ser);
	if (rc == 0)
		rc = add_file(ctx, u->files, &u->nfiles, u->maxfiles, STATE_STATUSES, rw_buf_cstr(&u->ser[0]),
			      u->ser[0].len);
	if (rc == 0)
		rc = add_file(ctx, u->files, &u->nfiles, u->maxfiles, STATE_ENTITIES, rw_buf_cstr(&u->ser[1]),
			      u->ser[1].len);
	if (rc == 0)
		rc = add_file(ctx, u->files, &u->nfiles, u->maxfiles, STATE_ANNOUNCEMENTS, rw_buf_cstr(&u->ser[2]),
			      u->ser[2].len);
	if (rc == 0 && u->state.absent.n == 0) {
		/* An empty absences file is written only to empty one the archive holds. */
		rw_buf old = RW_BUF_INIT;
		int prc = rw_archive_read(ctx, u->ar, NULL, STATE_ABSENCES, &old);

		rw_buf_release(&old);
		if (prc == RW_ENOTFOUND)
			rw_clear_error(ctx);
		else if (prc < 0)
			rc = prc;
		else
			rc = 1;
	} else if (rc == 0) {
		rc = 1;
	}
	if (rc == 1)
		rc = add_file(ctx, u->files, &u->nfiles, u->maxfiles, STATE_ABSENCES, rw_buf_cstr(&u->ser[3]),
			      u->ser[3].len);
	if (rc == 0 && o->regimes_text)
		rc = add_file(ctx, u->files, &u->nfiles, u->maxfiles, "sources/" RW_BASELINE_SOURCE "/body",
			      o->regimes_text, o->regimes_len);
	if (rc == 0 && o->dict_text)
		rc = add_file(ctx, u->files, &u->nfiles, u->maxfiles, DICTIONARY_PATH, o->dict_text, o->dict_len);
	if (rc == 0)
		rc = build_message(ctx, &u->msg, u->runs, u->n, ctx->now);
	if (rc == 0)
		rc = rw_archive_commit(ctx, u->ar, u->files, u->nfiles, rw_buf_cstr(&u->msg), ctx->now, u->res->commit);
	if (rc == 0 && u->res->commit[0])
		rw_fault_point(ctx, "after_archive_commit");
	return rc;
}

/* Records the archive commit (one transaction), then every source's attempt. */
static int step_record(update_run *u)
{
	rw_ctx *ctx = u->ctx;
	rw_attempt *att;
	size_t i;
	int rc = 0;

	if (u->res->commit[0]) {
		rw_apply a;

		memset(&a, 0, sizeof(a));
		a.oid = u->res->commit;
		a.recorded_at = ctx->now;
		a.message = rw_buf_cstr(&u->msg);
		a.state = &u->state;
		a.dict = u->opts->dict;
		a.regimes = u->opts->regimes;
		rc = rw_db_apply(ctx, u->db, &a, &u->res->run);
		if (rc == 0)
			rw_fault_point(ctx, "after_db_apply");
	}
	if (rc < 0 || u->n == 0)
		return rc;
	att = calloc(u->n, sizeof(*att));
	if (att == NULL)
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	for (i = 0; i < u->n; i++)
		att[i] = u->runs[i].attempt;
	rc = rw_db_record_attempts(ctx, u->db, att, u->n, ctx->now);
	free(att);
	return rc;
}

/* Queues the notifications of every recorded run not queued yet. The runs stay recorded
   whatever happens here: a failure is logged and the next update queues them. */
static void step_queue(update_run *u)
{
	rw_ctx *ctx = u->ctx;
	rw_queue_result q;

	if (rw_notify_queue_runs(ctx, u->db, u->opts->dict, &q) < 0) {
		rw_log(ctx, RW_LOG_ERROR, "%s", rw_errmsg(ctx));
		rw_clear_error(ctx);
		u->res->notify_failed = 1;
	}
	u->res->queue.runs += q.runs;
	u->res->queue.queued += q.queued;
	u->res->queue.skipped += q.skipped;
}

/* Delivers the outbox (not with --no-notify); delivering never undoes the run. */
static void step_deliver(update_run *u)
{
	rw_ctx *ctx = u->ctx;

	if (u->opts->notify == NULL)
		return;
	rw_fault_point(ctx, "after_outbox_commit");
	if (rw_notify_deliver(ctx, u->db, u->opts->notify, &u->res->notify) < 0) {
		rw_log(ctx, RW_LOG_ERROR, "notifications not delivered: %s", rw_errmsg(ctx));
		rw_clear_error(ctx);
		u->res->notify_failed = 1;
	}
}

static void update_release(update_run *u)
{
	size_t i;

	for (i = 0; u->runs && i < u->n; i++) {
		rw_fetch_res_release(&u->runs[i].res);
		free(u->runs[i].etag);
		free(u->runs[i].last_modified);
		free(u->runs[i].reason);
		free(u->runs[i].meta);
	}
	for (i = 0; u->paths && i < u->nfiles; i++)
		free(u->paths[i]);
	free(u->paths);
	free(u->files);
	free(u->runs);
	free(u->reqs);
	free(u->results);
	for (i = 0; i < 4; i++)
		rw_buf_release(&u->ser[i]);
	rw_buf_release(&u->msg);
	rw_state_release(&u->state);
	rw_matcher_free(u->m);
	rw_db_close(u->db);
	rw_archive_free(u->ar);
	free(u->db_path);
	free(u->ar_path);
	if (u->lock_fd >= 0)
		close(u->lock_fd);
}

int rw_update(rw_ctx *ctx, const rw_update_opts *opts, rw_update_result *res)
{
	update_run u;
	size_t i;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&u, 0, sizeof(u));
	u.ctx = ctx;
	u.opts = opts;
	u.res = res;
	u.lock_fd = -1;
	rw_state_init(&u.state);
	for (i = 0; i < 4; i++)
		rw_buf_init(&u.ser[i], 0);
	rw_buf_init(&u.msg, 0);
	rw_date_from_time(ctx->now, u.today);

	rc = step_open(&u);
	if (rc == 0)
		rc = step_recover(&u);
	if (rc == 0)
		step_queue(&u); /* runs recorded before (recovered, or killed before queueing) */
	if (rc == 0)
		rc = step_fetch(&u);
	if (rc == 0)
		rc = step_process(&u);
	if (rc == 0)
		rc = step_commit(&u);
	if (rc == 0)
		rc = step_record(&u);
	if (rc == 0) {
		rw_fault_point(ctx, "before_queue"); /* recorded, not queued: the next start queues it */
		step_queue(&u);
	}
	if (rc == 0)
		step_deliver(&u);
	update_release(&u);
	return rc;
}
