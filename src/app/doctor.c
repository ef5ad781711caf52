/*
 * regwatch doctor: checks an installation the way an administrator would,
 * one result per check, and changes nothing. The archive and the database
 * are opened through their modules (never created), every archived object
 * is read back, and the database runs its own quick_check.
 */
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "regwatch/archive.h"
#include "regwatch/doctor.h"
#include "regwatch/fetch.h"
#include "regwatch/history.h"
#include "regwatch/parse.h"
#include "regwatch/update.h"

#define DOCTOR_LINE 1024

struct doctor {
	rw_ctx *ctx;
	const rw_doctor_opts *o;
	int failures;
	int have_dir;         /* the data directory exists */
	size_t commits;       /* commits on the archive's main, when verified */
	int have_commits;
};

static void say(struct doctor *d, int result, const char *check, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void say(struct doctor *d, int result, const char *check, const char *fmt, ...)
{
	char detail[DOCTOR_LINE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (result == RW_CHECK_FAIL)
		d->failures++;
	if (d->o->report)
		d->o->report(d->o->arg, result, check, detail);
}

/* Problems of one check, gathered into one line; the worst decides the result. */
struct findings {
	int result;
	char text[DOCTOR_LINE];
};

static void find(struct findings *f, int result, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void find(struct findings *f, int result, const char *fmt, ...)
{
	size_t len = strlen(f->text);
	va_list ap;

	if (result > f->result)
		f->result = result;
	if (len > 0 && len + 2 < sizeof(f->text)) {
		memcpy(f->text + len, "; ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(f->text + len, sizeof(f->text) - len, fmt, ap);
	va_end(ap);
}

static void user_name(uid_t uid, char *buf, size_t size)
{
	struct passwd pw, *found = NULL;
	char tmp[1024];

	if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &found) == 0 && found != NULL)
		snprintf(buf, size, "%s", pw.pw_name);
	else
		snprintf(buf, size, "uid %ld", (long)uid);
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* ---- configuration ---- */

static void check_dictionary(struct doctor *d)
{
	const rw_feeds *f = d->o->feeds;
	rw_dict dict;
	rw_regimes regimes;
	int rc;

	memset(&dict, 0, sizeof(dict));
	memset(&regimes, 0, sizeof(regimes));
	if (f == NULL) {
		say(d, RW_CHECK_SKIP, "dictionary", "not checked: feeds.conf did not load");
		return;
	}
	rc = rw_dict_load(d->ctx, &dict, f->vendors_path);
	if (rc < 0) {
		say(d, RW_CHECK_FAIL, "dictionary", "%s", rw_errmsg(d->ctx));
		say(d, RW_CHECK_SKIP, "baseline", "not checked: the dictionary did not load");
		goto out;
	}
	say(d, RW_CHECK_OK, "dictionary", "%s: %zu vendors, %zu links", f->vendors_path, dict.n, dict.nlinks);
	rc = rw_regimes_load(d->ctx, &regimes, f->regimes_path, &dict);
	if (rc == 0)
		rc = rw_feeds_check_regimes(d->ctx, f, &regimes);
	if (rc < 0)
		say(d, RW_CHECK_FAIL, "baseline", "%s", rw_errmsg(d->ctx));
	else
		say(d, RW_CHECK_OK, "baseline", "%s: %zu regimes, %zu dated events", f->regimes_path,
		    regimes.nregimes, regimes.nevents);
out:
	rw_dict_release(&dict);
	rw_regimes_release(&regimes);
	rw_clear_error(d->ctx);
}

/* A file holding a secret: regular, readable by us, by nobody but its owner, not empty. */
static void secret_file(struct findings *f, const char *key, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		find(f, RW_CHECK_FAIL, "%s '%s': %s", key, path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		find(f, RW_CHECK_FAIL, "%s '%s': not a regular file", key, path);
	else if (st.st_mode & 077)
		find(f, RW_CHECK_FAIL, "%s '%s': mode %04o lets others read it (chmod 600)", key, path,
		     (unsigned)(st.st_mode & 07777));
	else if (access(path, R_OK) < 0)
		find(f, RW_CHECK_FAIL, "%s '%s': cannot be read: %s", key, path, strerror(errno));
	else if (st.st_size == 0)
		find(f, RW_CHECK_FAIL, "%s '%s': empty", key, path);
}

/* [smtp] and [notify]: what a delivery would need, checked without connecting. */
static void check_notify(struct doctor *d)
{
	const rw_feeds *f = d->o->feeds;
	const char *env = getenv("REGWATCH_SMTP_PASSWORD");
	struct findings smtp, notify;

	memset(&smtp, 0, sizeof(smtp));
	memset(&notify, 0, sizeof(notify));
	if (f == NULL) {
		say(d, RW_CHECK_SKIP, "smtp", "not checked: feeds.conf did not load");
		return;
	}
	if (f->smtp.url == NULL) {
		say(d, RW_CHECK_SKIP, "smtp", "no [smtp] url: no email is sent (webhooks still are)");
	} else {
		if (f->smtp.username && f->smtp.password_file)
			secret_file(&smtp, "passwordFile", f->smtp.password_file);
		else if (f->smtp.username && (env == NULL || env[0] == '\0'))
			find(&smtp, RW_CHECK_FAIL,
			     "username '%s' has no password: give passwordFile or set REGWATCH_SMTP_PASSWORD",
			     f->smtp.username);
		if (smtp.result == RW_CHECK_OK && f->smtp.username)
			find(&smtp, RW_CHECK_OK, "user %s, password from %s", f->smtp.username,
			     f->smtp.password_file ? f->smtp.password_file : "REGWATCH_SMTP_PASSWORD");
		if (smtp.result == RW_CHECK_OK)
			say(d, RW_CHECK_OK, "smtp", "%s from %s%s%s (not contacted)", f->smtp.url, f->smtp.from,
			    smtp.text[0] ? "; " : "", smtp.text);
		else
			say(d, smtp.result, "smtp", "%s", smtp.text);
	}
	if (f->notify.ca_file == NULL && f->notify.webhook_secret_file == NULL)
		return;
	if (f->notify.ca_file && access(f->notify.ca_file, R_OK) < 0)
		find(&notify, RW_CHECK_FAIL, "caFile '%s': %s", f->notify.ca_file, strerror(errno));
	if (f->notify.webhook_secret_file)
		secret_file(&notify, "webhookSecretFile", f->notify.webhook_secret_file);
	if (notify.result == RW_CHECK_OK)
		say(d, RW_CHECK_OK, "notify", "%s%s%s", f->notify.ca_file ? "caFile readable" : "",
		    f->notify.ca_file && f->notify.webhook_secret_file ? ", " : "",
		    f->notify.webhook_secret_file ? "webhookSecretFile private" : "");
	else
		say(d, notify.result, "notify", "%s", notify.text);
}

/* ---- libraries (HARDENING §0 B-1) ---- */

static void check_libraries(struct doctor *d)
{
	const rw_doctor_opts *o = d->o;
	unsigned int curl_min = o->min_curl ? o->min_curl : RW_DOCTOR_MIN_CURL;
	int git_major = o->min_git_major ? o->min_git_major : RW_DOCTOR_MIN_GIT_MAJOR;
	int git_minor = o->min_git_major ? o->min_git_minor : RW_DOCTOR_MIN_GIT_MINOR;
	int sqlite_min = o->min_sqlite ? o->min_sqlite : RW_DOCTOR_MIN_SQLITE;
	long xml_min = o->min_xml ? o->min_xml : RW_DOCTOR_MIN_XML;
	const char *curl = rw_fetch_library_version(), *space;
	char v[256];
	int curl_len;

	/* "libcurl/7.88.1 OpenSSL/3.0.x zlib/... ": the library and its TLS backend. */
	space = strchr(curl, ' ');
	space = space ? strchr(space + 1, ' ') : NULL;
	curl_len = space ? (int)(space - curl) : (int)strlen(curl);
	if (rw_fetch_check_runtime(d->ctx, curl_min) < 0)
		say(d, RW_CHECK_FAIL, "libcurl", "%s", rw_errmsg(d->ctx));
	else
		say(d, RW_CHECK_OK, "libcurl", "%.*s (%u.%u.%u or later with TLS, zlib, asynchronous DNS, threads)",
		    curl_len, curl, curl_min >> 16, (curl_min >> 8) & 0xff, curl_min & 0xff);
	rw_parse_library_version(v, sizeof(v));
	if (rw_parse_check_runtime(d->ctx, xml_min) < 0)
		say(d, RW_CHECK_FAIL, "libxml2", "%s", rw_errmsg(d->ctx));
	else
		say(d, RW_CHECK_OK, "libxml2", "%s (%ld.%ld.%ld or later)", v, xml_min / 10000, xml_min / 100 % 100,
		    xml_min % 100);
	rw_archive_library_version(v, sizeof(v));
	if (rw_archive_check_runtime(d->ctx, git_major, git_minor) < 0)
		say(d, RW_CHECK_FAIL, "libgit2", "%s", rw_errmsg(d->ctx));
	else
		say(d, RW_CHECK_OK, "libgit2", "%s (%d.%d or later with threads and HTTPS)", v, git_major, git_minor);
	rw_db_library_version(v, sizeof(v));
	if (rw_db_check_runtime(d->ctx, sqlite_min) < 0)
		say(d, RW_CHECK_FAIL, "sqlite", "%s", rw_errmsg(d->ctx));
	else
		say(d, RW_CHECK_OK, "sqlite", "%s (%d.%d.%d or later)", v, sqlite_min / 1000000, sqlite_min / 1000 % 1000,
		    sqlite_min % 1000);
	rw_clear_error(d->ctx);
}

/* ---- data directory ---- */

static void check_data_dir(struct doctor *d)
{
	static const char *const inside[] = {"regwatch.db", "regwatch.db-wal", "regwatch.db-shm", "archive.git",
					     "update.lock"};
	const char *dir = d->o->data_dir;
	struct findings f;
	struct stat st, in;
	char owner[128], who[128], *path;
	unsigned int mode;
	uid_t me = geteuid();
	size_t i;

	memset(&f, 0, sizeof(f));
	if (stat(dir, &st) < 0) {
		if (errno == ENOENT)
			say(d, RW_CHECK_SKIP, "data directory", "'%s' does not exist yet: the first update creates it",
			    dir);
		else
			say(d, RW_CHECK_FAIL, "data directory", "'%s': %s", dir, strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		say(d, RW_CHECK_FAIL, "data directory", "'%s': not a directory", dir);
		return;
	}
	d->have_dir = 1;
	mode = (unsigned)(st.st_mode & 07777);
	user_name(st.st_uid, owner, sizeof(owner));
	if (mode & 022)
		find(&f, RW_CHECK_FAIL, "writable by %s (mode %04o): chmod 700 '%s'",
		     mode & 002 ? "everyone" : "its group", mode, dir);
	else if (mode & 077)
		find(&f, RW_CHECK_WARN, "readable by others (mode %04o); it holds members' addresses: chmod 700 '%s'",
		     mode, dir);
	if (st.st_uid != me) {
		user_name(me, who, sizeof(who));
		if (me == 0)
			find(&f, RW_CHECK_WARN, "owned by %s, not by %s: run regwatch as %s (sudo -u %s regwatch ...)",
			     owner, who, owner, owner);
		else
			find(&f, RW_CHECK_FAIL, "owned by %s, not by %s: update cannot write there", owner, who);
	}
	for (i = 0; i < sizeof(inside) / sizeof(inside[0]); i++) {
		path = rw_data_path(dir, inside[i]);
		if (path != NULL && lstat(path, &in) == 0) {
			if (in.st_uid != st.st_uid) {
				user_name(in.st_uid, who, sizeof(who));
				find(&f, RW_CHECK_FAIL, "'%s' is owned by %s, not by %s: the nightly job cannot write it",
				     inside[i], who, owner);
			} else if (!S_ISLNK(in.st_mode) && (in.st_mode & 022)) {
				find(&f, RW_CHECK_FAIL, "'%s' is writable by others (mode %04o)", inside[i],
				     (unsigned)(in.st_mode & 07777));
			}
		}
		free(path);
	}
	if (f.result == RW_CHECK_OK)
		say(d, RW_CHECK_OK, "data directory", "'%s': owner %s, mode %04o", dir, owner, mode);
	else
		say(d, f.result, "data directory", "'%s': %s", dir, f.text);
}

/* ---- archive and database ---- */

static void check_archive(struct doctor *d)
{
	char *path = rw_data_path(d->o->data_dir, "archive.git");
	size_t commits = 0, objects = 0;
	int rc;

	if (path == NULL) {
		say(d, RW_CHECK_FAIL, "archive", "out of memory");
		return;
	}
	if (!d->have_dir || !exists(path)) {
		say(d, RW_CHECK_SKIP, "archive", "'%s' does not exist yet: the first update creates it", path);
		goto out;
	}
	rc = rw_archive_verify(d->ctx, path, &commits, &objects);
	if (rc < 0) {
		say(d, RW_CHECK_FAIL, "archive", "%s", rw_errmsg(d->ctx));
		rw_clear_error(d->ctx);
		goto out;
	}
	d->commits = commits;
	d->have_commits = 1;
	say(d, RW_CHECK_OK, "archive", "'%s': %zu commit%s on main, %zu objects read back and verified", path,
	    commits, commits == 1 ? "" : "s", objects);
out:
	free(path);
}

static const char *or_never(const char *s)
{
	return s[0] ? s : "never";
}

/* One configured source against its row in the database (NULL: never attempted). */
static void check_source(struct doctor *d, const rw_source *src, const rw_row *r)
{
	char check[128];
	const char *const *f;

	snprintf(check, sizeof(check), "source '%s'", src ? src->name : r->f[RW_S_NAME]);
	if (src && !src->enabled) {
		say(d, RW_CHECK_SKIP, check, "disabled in feeds.conf");
		return;
	}
	if (r == NULL) {
		say(d, RW_CHECK_WARN, check, "not fetched yet: the next update will");
		return;
	}
	f = (const char *const *)r->f;
	if (src == NULL)
		say(d, RW_CHECK_SKIP, check, "no longer in feeds.conf (last success %s)", or_never(f[RW_S_LAST_SUCCESS]));
	else if (strcmp(f[RW_S_HEALTH], "ok") == 0)
		say(d, RW_CHECK_OK, check, "last success %s (HTTP %s, %s records)", f[RW_S_LAST_SUCCESS],
		    f[RW_S_HTTP_STATUS][0] ? f[RW_S_HTTP_STATUS] : "-", f[RW_S_RECORDS][0] ? f[RW_S_RECORDS] : "-");
	else
		say(d, RW_CHECK_FAIL, check, "%s: %s; last success %s, %s consecutive failure%s", f[RW_S_HEALTH],
		    f[RW_S_REASON][0] ? f[RW_S_REASON] : "no reason recorded", or_never(f[RW_S_LAST_SUCCESS]),
		    f[RW_S_FAILURES], strcmp(f[RW_S_FAILURES], "1") == 0 ? "" : "s");
}

static void check_sources(struct doctor *d, rw_db *db)
{
	const rw_feeds *feeds = d->o->feeds;
	rw_table t;
	size_t i, k;
	int rc;

	rw_table_init(&t, RW_S_NCOLS);
	rc = rw_db_sources(d->ctx, db, d->ctx->now, &t);
	if (rc < 0) {
		say(d, RW_CHECK_FAIL, "sources", "%s", rw_errmsg(d->ctx));
		rw_clear_error(d->ctx);
		goto out;
	}
	for (i = 0; feeds && i < feeds->nsources; i++) {
		const rw_row *row = NULL;

		for (k = 0; k < t.n && row == NULL; k++)
			if (strcmp(t.v[k].f[RW_S_NAME], feeds->sources[i].name) == 0)
				row = &t.v[k];
		check_source(d, &feeds->sources[i], row);
	}
	for (k = 0; k < t.n; k++)
		if (feeds == NULL || rw_feeds_find(feeds, t.v[k].f[RW_S_NAME]) == NULL)
			check_source(d, NULL, &t.v[k]);
out:
	rw_table_release(&t);
}

static void check_database(struct doctor *d)
{
	char *path = rw_data_path(d->o->data_dir, "regwatch.db");
	rw_db *db = NULL;
	long counts[4] = {0, 0, 0, 0};
	int rc;

	if (path == NULL) {
		say(d, RW_CHECK_FAIL, "database", "out of memory");
		return;
	}
	if (!d->have_dir || !exists(path)) {
		say(d, RW_CHECK_SKIP, "database", "'%s' does not exist yet: the first update creates it", path);
		say(d, RW_CHECK_SKIP, "sources", "no update has run yet");
		goto out;
	}
	rc = rw_db_open(d->ctx, &db, path, RW_DB_READ);
	if (rc == 0)
		rc = rw_db_quick_check(d->ctx, db);
	if (rc == 0)
		rc = rw_db_counts(d->ctx, db, counts);
	if (rc < 0) {
		say(d, RW_CHECK_FAIL, "database", "%s", rw_errmsg(d->ctx));
		rw_clear_error(d->ctx);
		goto out;
	}
	if (d->have_commits && (long)d->commits > counts[0])
		say(d, RW_CHECK_WARN, "database",
		    "'%s': quick_check ok, but %ld of the archive's %zu runs are not recorded yet: the next update "
		    "records them", path, (long)d->commits - counts[0], d->commits);
	else
		say(d, RW_CHECK_OK, "database", "'%s': quick_check ok, %ld runs, %ld status intervals", path, counts[0],
		    counts[1]);
	check_sources(d, db);
out:
	rw_db_close(db);
	free(path);
}

int rw_doctor(rw_ctx *ctx, const rw_doctor_opts *o)
{
	struct doctor d;

	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.o = o;
	check_dictionary(&d);
	check_notify(&d);
	check_libraries(&d);
	if (o->data_dir == NULL) {
		say(&d, RW_CHECK_FAIL, "data directory", "none given and none found");
		return d.failures;
	}
	check_data_dir(&d);
	check_archive(&d);
	check_database(&d);
	return d.failures;
}
