/*
 * The nightly job. Order of writes (crash safety): the archive commit first,
 * then the database transaction that records it. On start, archived commits the
 * database has not recorded are applied first, so a job killed at any instant
 * loses nothing and duplicates nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "regwatch/archive.h"
#include "regwatch/dates.h"
#include "regwatch/fetch.h"
#include "regwatch/history.h"
#include "regwatch/normalise.h"
#include "regwatch/parse.h"
#include "regwatch/state.h"
#include "regwatch/update.h"

#define STATE_STATUSES "state/statuses.tsv"
#define STATE_ENTITIES "state/entities.tsv"
#define STATE_ANNOUNCEMENTS "state/announcements.tsv"
#define DICTIONARY_PATH "dictionary/vendors.conf"

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

/* Reads the state files of a commit (NULL: main). Missing files are empty tables. */
static int state_load(rw_ctx *ctx, rw_archive *ar, const char *commit, rw_state *st)
{
	static const char *const files[] = {STATE_STATUSES, STATE_ENTITIES, STATE_ANNOUNCEMENTS};
	rw_buf b = RW_BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < 3 && rc == 0; i++) {
		rc = rw_archive_read(ctx, ar, commit, files[i], &b);
		if (rc == RW_ENOTFOUND) {
			rc = 0;
			continue;
		}
		if (rc == 0)
			rc = rw_table_from_tsv(ctx, i < 2 ? &st->lines : &st->anns, rw_buf_cstr(&b), b.len, files[i]);
		rw_buf_clear(&b);
	}
	rw_buf_release(&b);
	rw_table_sort(&st->lines);
	rw_table_sort(&st->anns);
	return rc;
}

/* The three state files: statuses (vendor known), entities (vendor unknown), announcements. */
static int state_serialise(const rw_state *st, rw_buf out[3])
{
	size_t i;
	int rc = 0;

	for (i = 0; i < st->lines.n && rc == 0; i++) {
		const rw_row *r = &st->lines.v[i];

		rc = rw_row_to_tsv(r, RW_L_NCOLS, &out[r->f[RW_L_VENDOR][0] ? 0 : 1]);
	}
	if (rc == 0)
		rc = rw_table_to_tsv(&st->anns, &out[2]);
	return rc;
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

static int add_file(rw_archive_file *files, size_t *n, size_t max, const char *path, const char *data,
		    size_t len)
{
	if (*n >= max)
		return RW_ELIMIT;
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
	rc = add_file(files, nfiles, maxfiles, body_path, rw_buf_cstr(&s->res.body), s->res.body.len);
	if (rc == 0)
		rc = add_file(files, nfiles, maxfiles, meta_path, s->meta, strlen(s->meta));
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

static int build_message(rw_buf *msg, const source_run *runs, size_t n, time_t now)
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
	return rc;
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

int rw_update(rw_ctx *ctx, const rw_update_opts *opts, rw_update_result *res)
{
	const rw_feeds *feeds = opts->feeds;
	char *db_path = NULL, *ar_path = NULL;
	rw_archive *ar = NULL;
	rw_db *db = NULL;
	rw_matcher *m = NULL;
	source_run *runs = NULL;
	rw_fetch_req *reqs = NULL;
	rw_fetch_res *results = NULL;
	rw_archive_file *files = NULL;
	char **paths = NULL;
	rw_buf ser[3] = {RW_BUF_INIT, RW_BUF_INIT, RW_BUF_INIT}, msg = RW_BUF_INIT;
	rw_state state;
	rw_fetch_opts fo;
	fetch_watch watch;
	recover_walk walk;
	char head[RW_OID_LEN];
	int head_recorded = 0;
	char today[RW_DATE_LEN];
	size_t i, n = 0, nfiles = 0, maxfiles;
	int rc, lock_fd = -1;

	memset(res, 0, sizeof(*res));
	rw_state_init(&state);
	rw_date_from_time(ctx->now, today);
	rc = rw_data_dir_prepare(ctx, opts->data_dir);
	if (rc == 0)
		rc = rw_update_lock(ctx, opts->data_dir, &lock_fd);
	if (rc < 0)
		goto out;
	db_path = rw_data_path(opts->data_dir, "regwatch.db");
	ar_path = rw_data_path(opts->data_dir, "archive.git");
	if (db_path == NULL || ar_path == NULL) {
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
		goto out;
	}
	rc = rw_archive_clear_stale_locks(ctx, ar_path);
	if (rc == RW_EIO || rc == RW_ENOTFOUND)
		rc = 0; /* no archive yet */
	if (rc >= 0)
		rc = rw_archive_open(ctx, &ar, ar_path);
	if (rc == 0)
		rc = rw_db_open(ctx, &db, db_path, RW_DB_WRITE);
	if (rc < 0)
		goto out;

	/* Roll forward: record archived runs a killed update left unrecorded. */
	memset(&walk, 0, sizeof(walk));
	walk.ctx = ctx;
	walk.ar = ar;
	walk.db = db;
	walk.opts = opts;
	/* Runs are recorded in commit order, so when main's head is recorded every commit
	   before it is too: walk the whole archive only when it is not (a nightly job would
	   otherwise read every commit ever made, each night). */
	rc = rw_archive_head(ctx, ar, head);
	if (rc == 0 && head[0])
		rc = rw_db_has_commit(ctx, db, head, &head_recorded);
	if (rc == 0 && head[0] && !head_recorded)
		rc = rw_archive_walk(ctx, ar, recover_one, &walk);
	res->recovered = walk.applied;
	if (rc == 0)
		rc = state_load(ctx, ar, NULL, &state);
	if (rc == 0)
		rc = rw_matcher_new(ctx, &m, opts->dict);
	if (rc < 0)
		goto out;

	runs = calloc(feeds->nsources + 1, sizeof(*runs));
	reqs = calloc(feeds->nsources + 1, sizeof(*reqs));
	results = calloc(feeds->nsources + 1, sizeof(*results));
	maxfiles = 2 * feeds->nsources + 8;
	files = calloc(maxfiles, sizeof(*files));
	paths = calloc(maxfiles, sizeof(*paths));
	if (!runs || !reqs || !results || !files || !paths) {
		rc = rw_error(ctx, RW_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < feeds->nsources && rc == 0; i++) {
		const rw_source *src = &feeds->sources[i];
		source_run *s = &runs[n];

		if (!selected(opts, src))
			continue;
		s->src = src;
		rc = rw_db_validators(ctx, db, src->name, &s->etag, &s->last_modified);
		reqs[n].name = src->name;
		reqs[n].url = src->url;
		reqs[n].etag = s->etag;
		reqs[n].last_modified = s->last_modified;
		reqs[n].max_bytes = src->max_bytes;
		reqs[n].timeout_ms = src->timeout_ms;
		n++;
	}
	res->sources = n;
	fetch_opts_from(feeds, &fo);
	watch.opts = opts;
	watch.runs = runs;
	watch.n = n;
	fo.on_bytes = fetch_bytes;
	fo.on_bytes_arg = &watch;
	for (i = 0; i < n && rc == 0; i++)
		progress(opts, &runs[i], i, n, RW_PROGRESS_WAITING);
	for (i = 0; i < n && rc == 0; i++)
		progress(opts, &runs[i], i, n, RW_PROGRESS_FETCHING);
	if (rc == 0 && n > 0)
		rc = rw_fetch_all(ctx, &fo, reqs, results, n);
	if (rc < 0)
		goto out;
	rw_fault_point(ctx, "after_fetch");

	for (i = 0; i < n && rc == 0; i++) {
		source_run *s = &runs[i];

		s->res = results[i];
		memset(&results[i], 0, sizeof(results[i]));
		s->attempt.name = s->src->name;
		s->attempt.url = s->src->url;
		s->attempt.format = s->src->format;
		s->attempt.http_status = s->res.http_status;
		s->attempt.max_age_days = s->src->max_age_days;
		rc = process_source(ctx, ar, m, s, today, &state, &paths[nfiles], files, &nfiles, maxfiles);
		s->attempt.reason = s->reason;
		if (rc == 0)
			progress(opts, s, i, n, -1);
		if (rc == 0 && strcmp(s->attempt.outcome, "failed") == 0)
			res->failed++;
		else if (rc == 0 && strcmp(s->attempt.outcome, "quarantined") == 0)
			res->quarantined++;
		if (s->reason)
			rw_log(ctx, RW_LOG_ERROR, "%s", s->reason);
	}
	if (rc == 0 && opts->regimes)
		rc = rw_normalise_baseline(ctx, opts->dict, opts->regimes, &state);
	if (rc < 0)
		goto out;

	/* The new state, the baseline and the dictionary as archived evidence. */
	rc = state_serialise(&state, ser);
	if (rc == 0)
		rc = add_file(files, &nfiles, maxfiles, STATE_STATUSES, rw_buf_cstr(&ser[0]), ser[0].len);
	if (rc == 0)
		rc = add_file(files, &nfiles, maxfiles, STATE_ENTITIES, rw_buf_cstr(&ser[1]), ser[1].len);
	if (rc == 0)
		rc = add_file(files, &nfiles, maxfiles, STATE_ANNOUNCEMENTS, rw_buf_cstr(&ser[2]), ser[2].len);
	if (rc == 0 && opts->regimes_text)
		rc = add_file(files, &nfiles, maxfiles, "sources/" RW_BASELINE_SOURCE "/body", opts->regimes_text,
			      opts->regimes_len);
	if (rc == 0 && opts->dict_text)
		rc = add_file(files, &nfiles, maxfiles, DICTIONARY_PATH, opts->dict_text, opts->dict_len);
	if (rc == 0)
		rc = build_message(&msg, runs, n, ctx->now);
	if (rc < 0) {
		rc = rw_error(ctx, rc, "out of memory");
		goto out;
	}
	rc = rw_archive_commit(ctx, ar, files, nfiles, rw_buf_cstr(&msg), ctx->now, res->commit);
	if (rc == 0 && res->commit[0]) {
		rw_apply a;

		rw_fault_point(ctx, "after_archive_commit");
		memset(&a, 0, sizeof(a));
		a.oid = res->commit;
		a.recorded_at = ctx->now;
		a.message = rw_buf_cstr(&msg);
		a.state = &state;
		a.dict = opts->dict;
		a.regimes = opts->regimes;
		rc = rw_db_apply(ctx, db, &a, &res->run);
		rw_fault_point(ctx, "after_db_apply");
	}
	if (rc == 0 && n > 0) {
		rw_attempt *att = calloc(n, sizeof(*att));

		if (att == NULL) {
			rc = rw_error(ctx, RW_ENOMEM, "out of memory");
			goto out;
		}
		for (i = 0; i < n; i++)
			att[i] = runs[i].attempt;
		rc = rw_db_record_attempts(ctx, db, att, n, ctx->now);
		free(att);
	}
	/* The outbox rows are committed with the run; delivering them never undoes it. */
	if (rc == 0 && opts->notify) {
		rw_fault_point(ctx, "after_outbox_commit");
		if (rw_notify_deliver(ctx, db, opts->notify, &res->notify) < 0) {
			rw_log(ctx, RW_LOG_ERROR, "notifications not delivered: %s", rw_errmsg(ctx));
			rw_clear_error(ctx);
			res->notify_failed = 1;
		}
	}
out:
	for (i = 0; runs && i < n; i++) {
		rw_fetch_res_release(&runs[i].res);
		free(runs[i].etag);
		free(runs[i].last_modified);
		free(runs[i].reason);
		free(runs[i].meta);
	}
	for (i = 0; paths && i < nfiles; i++)
		free(paths[i]);
	free(paths);
	free(files);
	free(runs);
	free(reqs);
	free(results);
	for (i = 0; i < 3; i++)
		rw_buf_release(&ser[i]);
	rw_buf_release(&msg);
	rw_state_release(&state);
	rw_matcher_free(m);
	rw_db_close(db);
	rw_archive_free(ar);
	free(db_path);
	free(ar_path);
	if (lock_fd >= 0)
		close(lock_fd);
	return rc;
}
