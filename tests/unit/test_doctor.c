/*
 * doctor: each check against a real data directory, a real archive written
 * with libgit2 and a real SQLite database, intact and then damaged.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "regwatch/archive.h"
#include "regwatch/doctor.h"
#include "regwatch/history.h"
#include "regwatch/parse.h"
#include "regwatch/update.h"

#define T1 ((time_t)1615507200) /* 2021-03-12T00:00:00Z */

static rw_ctx ctx;
static char *tmp, *data;

/* What the checks reported: one "RESULT check: detail" line each. */
struct seen {
	rw_buf lines;
	int counts[4];
};

static void collect(void *arg, int result, const char *check, const char *detail)
{
	static const char *const words[] = {"ok", "skip", "warn", "FAIL"};
	struct seen *s = arg;

	ck_assert_int_ge(result, RW_CHECK_OK);
	ck_assert_int_le(result, RW_CHECK_FAIL);
	s->counts[result]++;
	rw_buf_printf(&s->lines, "%s %s: %s\n", words[result], check, detail);
}

/* The line of check, or "" when it was not reported. */
static const char *line_of(const struct seen *s, const char *check)
{
	static char found[2048];
	const char *p = rw_buf_cstr(&s->lines), *nl;
	size_t n = strlen(check);

	found[0] = '\0';
	for (; *p; p = nl + 1) {
		const char *sp = strchr(p, ' ');

		nl = strchr(p, '\n');
		if (sp && strncmp(sp + 1, check, n) == 0 && sp[1 + n] == ':') {
			snprintf(found, sizeof(found), "%.*s", (int)(nl - p), p);
			break;
		}
	}
	return found;
}

static int run_doctor(rw_doctor_opts *o, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	o->data_dir = data;
	o->report = collect;
	o->arg = s;
	return rw_doctor(&ctx, o);
}

static void setup(void)
{
	tmp = rw_test_tmpdir();
	data = rw_asprintf("%s/data", tmp);
	rw_ctx_init(&ctx, T1);
	ck_assert_msg(rw_archive_global_init(&ctx) == 0, "%s", rw_errmsg(&ctx));
	rw_parse_global_init();
}

static void teardown(void)
{
	rw_parse_global_cleanup();
	rw_archive_global_cleanup();
	rw_test_rmtree(tmp);
	free(data);
	free(tmp);
}

/* A data directory as update leaves it: an archive with one commit and a database. */
static void make_data(void)
{
	static const char body[] = "hikvision\tus.fcc-covered-list\tlisted\t2021-03-12\t\n";
	rw_archive_file f = {"state/statuses.tsv", body, sizeof(body) - 1};
	rw_archive *ar = NULL;
	rw_db *db = NULL;
	char oid[RW_OID_LEN], *path;

	ck_assert_int_eq(rw_data_dir_prepare(&ctx, data), 0);
	path = rw_data_path(data, "archive.git");
	ck_assert_msg(rw_archive_open(&ctx, &ar, path) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_msg(rw_archive_commit(&ctx, ar, &f, 1, "run\n", T1, oid) == 0, "%s", rw_errmsg(&ctx));
	rw_archive_free(ar);
	free(path);
	path = rw_data_path(data, "regwatch.db");
	ck_assert_msg(rw_db_open(&ctx, &db, path, RW_DB_WRITE) == 0, "%s", rw_errmsg(&ctx));
	rw_db_close(db);
	free(path);
}

START_TEST(nothing_yet_is_not_a_failure)
{
	rw_doctor_opts o;
	struct seen s;

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(run_doctor(&o, &s), 0);
	ck_assert_int_eq(s.counts[RW_CHECK_FAIL], 0);
	ck_assert_msg(strncmp(line_of(&s, "data directory"), "skip ", 5) == 0, "%s", rw_buf_cstr(&s.lines));
	ck_assert_msg(strncmp(line_of(&s, "archive"), "skip ", 5) == 0, "%s", rw_buf_cstr(&s.lines));
	ck_assert_msg(strncmp(line_of(&s, "database"), "skip ", 5) == 0, "%s", rw_buf_cstr(&s.lines));
	ck_assert_msg(strncmp(line_of(&s, "libcurl"), "ok ", 3) == 0, "%s", rw_buf_cstr(&s.lines));
	ck_assert_msg(strncmp(line_of(&s, "libxml2"), "ok ", 3) == 0, "%s", rw_buf_cstr(&s.lines));
	ck_assert_msg(strncmp(line_of(&s, "libgit2"), "ok ", 3) == 0, "%s", rw_buf_cstr(&s.lines));
	ck_assert_msg(strncmp(line_of(&s, "sqlite"), "ok ", 3) == 0, "%s", rw_buf_cstr(&s.lines));
	/* Nothing was created. */
	ck_assert_int_ne(access(data, F_OK), 0);
	rw_buf_release(&s.lines);
}
END_TEST

START_TEST(libraries_below_a_minimum_fail)
{
	rw_doctor_opts o;
	struct seen s;

	memset(&o, 0, sizeof(o));
	o.min_curl = 0x630000u;  /* 99.0.0 */
	o.min_git_major = 99;
	o.min_sqlite = 99000000; /* 99.0.0 */
	o.min_xml = 990000L;     /* 99.0.0 */
	ck_assert_int_eq(run_doctor(&o, &s), 4);
	ck_assert_msg(strstr(line_of(&s, "libcurl"), "FAIL libcurl: libcurl 7.") != NULL, "%s", rw_buf_cstr(&s.lines));
	ck_assert_msg(strstr(line_of(&s, "libcurl"), "too old (99.0.0 or newer is needed)") != NULL, "%s",
		      rw_buf_cstr(&s.lines));
	ck_assert_msg(strstr(line_of(&s, "libgit2"), "too old: 99.0 or later is needed") != NULL, "%s",
		      rw_buf_cstr(&s.lines));
	ck_assert_msg(strstr(line_of(&s, "sqlite"), "too old: 99.0.0 or later is needed") != NULL, "%s",
		      rw_buf_cstr(&s.lines));
	ck_assert_msg(strstr(line_of(&s, "libxml2"), "too old: 99.0.0 or later is needed") != NULL, "%s",
		      rw_buf_cstr(&s.lines));
	rw_buf_release(&s.lines);
	/* The module checks on their own. */
	ck_assert_int_eq(rw_archive_check_runtime(&ctx, 1, 5), 0);
	ck_assert_int_eq(rw_archive_check_runtime(&ctx, 1, 99), RW_EGIT);
	ck_assert_int_eq(rw_db_check_runtime(&ctx, 3037000), 0);
	ck_assert_int_eq(rw_db_check_runtime(&ctx, 4000000), RW_EDB);
	ck_assert_int_eq(rw_parse_check_runtime(&ctx, 20914), 0);
	ck_assert_int_eq(rw_parse_check_runtime(&ctx, 30000), RW_EPARSE);
}
END_TEST

START_TEST(sound_data_passes)
{
	rw_doctor_opts o;
	struct seen s;

	make_data();
	memset(&o, 0, sizeof(o));
	ck_assert_msg(run_doctor(&o, &s) == 0, "%s", rw_buf_cstr(&s.lines));
	ck_assert_msg(strstr(line_of(&s, "data directory"), "ok data directory: ") == line_of(&s, "data directory"),
		      "%s", rw_buf_cstr(&s.lines));
	ck_assert_msg(strstr(line_of(&s, "data directory"), "mode 0700") != NULL, "%s", rw_buf_cstr(&s.lines));
	/* The commit, two trees and the blob. */
	ck_assert_msg(strstr(line_of(&s, "archive"), "1 commit on main, 4 objects read back and verified") != NULL,
		      "%s", rw_buf_cstr(&s.lines));
	/* The commit was made without recording it, as by an update killed in between. */
	ck_assert_msg(strstr(line_of(&s, "database"), "warn database: ") != NULL, "%s", rw_buf_cstr(&s.lines));
	ck_assert_msg(strstr(line_of(&s, "database"), "quick_check ok, but 1 of the archive's 1 runs are not recorded") !=
			      NULL,
		      "%s", rw_buf_cstr(&s.lines));
	ck_assert_int_eq(s.counts[RW_CHECK_WARN], 1);
	rw_buf_release(&s.lines);
}
END_TEST

START_TEST(permissions_of_the_data_directory)
{
	rw_doctor_opts o;
	struct seen s;

	make_data();
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(chmod(data, 0777), 0);
	ck_assert_int_eq(run_doctor(&o, &s), 1);
	ck_assert_msg(strstr(line_of(&s, "data directory"), "FAIL data directory: ") != NULL, "%s",
		      rw_buf_cstr(&s.lines));
	ck_assert_msg(strstr(line_of(&s, "data directory"), "writable by everyone (mode 0777)") != NULL, "%s",
		      rw_buf_cstr(&s.lines));
	rw_buf_release(&s.lines);
	ck_assert_int_eq(chmod(data, 0750), 0);
	ck_assert_int_eq(run_doctor(&o, &s), 0);
	ck_assert_msg(strstr(line_of(&s, "data directory"), "warn data directory: ") != NULL, "%s",
		      rw_buf_cstr(&s.lines));
	ck_assert_msg(strstr(line_of(&s, "data directory"), "readable by others (mode 0750)") != NULL, "%s",
		      rw_buf_cstr(&s.lines));
	rw_buf_release(&s.lines);
	ck_assert_int_eq(chmod(data, 0700), 0);
	/* A file inside that another user owns: the nightly job could not write it. */
	if (geteuid() == 0) {
		char *shm = rw_data_path(data, "regwatch.db-shm");
		int fd = open(shm, O_CREAT | O_WRONLY, 0600);

		ck_assert_int_ge(fd, 0);
		close(fd);
		ck_assert_int_eq(chown(shm, 65534, 65534), 0);
		ck_assert_int_eq(run_doctor(&o, &s), 1);
		ck_assert_msg(strstr(line_of(&s, "data directory"), "'regwatch.db-shm' is owned by ") != NULL, "%s",
			      rw_buf_cstr(&s.lines));
		rw_buf_release(&s.lines);
		unlink(shm);
		free(shm);
	}
	/* Not a directory at all. */
	rw_test_rmtree(data);
	free(rw_test_write(tmp, "data", "not a directory\n"));
	ck_assert_int_eq(run_doctor(&o, &s), 1);
	ck_assert_msg(strstr(line_of(&s, "data directory"), "not a directory") != NULL, "%s", rw_buf_cstr(&s.lines));
	ck_assert_msg(strncmp(line_of(&s, "archive"), "skip ", 5) == 0, "%s", rw_buf_cstr(&s.lines));
	rw_buf_release(&s.lines);
}
END_TEST

/* Overwrites the middle of a file (objects are read-only). */
static void damage(const char *path)
{
	int fd;

	ck_assert_int_eq(chmod(path, 0600), 0);
	fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(lseek(fd, 4, SEEK_SET), 4);
	ck_assert_int_eq(write(fd, "\x01\x02\x03\x04\x05\x06\x07\x08", 8), 8);
	close(fd);
}

START_TEST(a_damaged_archive_object_fails)
{
	rw_doctor_opts o;
	struct seen s;
	rw_buf out = RW_BUF_INIT;
	char *cmd, line[128];
	FILE *p;

	make_data();
	memset(&o, 0, sizeof(o));
	/* The blob of state/statuses.tsv, as a loose object. */
	cmd = rw_asprintf("git --git-dir '%s/archive.git' rev-parse main:state/statuses.tsv", data);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), p));
	pclose(p);
	free(cmd);
	line[strcspn(line, "\n")] = '\0';
	ck_assert_int_eq(strlen(line), 40);
	rw_buf_printf(&out, "%s/archive.git/objects/%.2s/%s", data, line, line + 2);
	damage(rw_buf_cstr(&out));
	ck_assert_int_eq(run_doctor(&o, &s), 1);
	ck_assert_msg(strstr(line_of(&s, "archive"), "FAIL archive: ") != NULL, "%s", rw_buf_cstr(&s.lines));
	ck_assert_msg(strstr(line_of(&s, "archive"), line) != NULL, "%s", rw_buf_cstr(&s.lines));
	rw_buf_release(&s.lines);
	/* Gone altogether: the commit's tree is incomplete. */
	ck_assert_int_eq(unlink(rw_buf_cstr(&out)), 0);
	ck_assert_int_eq(run_doctor(&o, &s), 1);
	ck_assert_msg(strstr(line_of(&s, "archive"), "'state/statuses.tsv' is missing") != NULL, "%s",
		      rw_buf_cstr(&s.lines));
	rw_buf_release(&s.lines);
	rw_buf_release(&out);
}
END_TEST

START_TEST(a_damaged_database_fails)
{
	rw_doctor_opts o;
	struct seen s;
	struct stat st;
	char *path, junk[64];
	off_t page;
	int fd;

	make_data();
	memset(&o, 0, sizeof(o));
	path = rw_data_path(data, "regwatch.db");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_ge(st.st_size, 3 * 4096);
	/* Scribble over the b-tree header of every page after the first. */
	memset(junk, 0xa5, sizeof(junk));
	fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	for (page = 4096; page < st.st_size; page += 4096)
		ck_assert_int_eq(pwrite(fd, junk, sizeof(junk), page), (ssize_t)sizeof(junk));
	close(fd);
	ck_assert_int_eq(run_doctor(&o, &s), 1);
	ck_assert_msg(strstr(line_of(&s, "database"), "FAIL database: database '") != NULL, "%s",
		      rw_buf_cstr(&s.lines));
	rw_buf_release(&s.lines);
	free(path);
}
END_TEST

START_TEST(secrets_must_be_private)
{
	rw_doctor_opts o;
	struct seen s;
	rw_feeds f;
	char *conf, *secret;

	secret = rw_test_write(tmp, "smtp-password", "hunter2\n");
	ck_assert_int_eq(chmod(secret, 0644), 0);
	conf = rw_test_write(tmp, "feeds.conf",
			     "[smtp]\n\turl = smtps://mail.example.org:465\n\tfrom = regwatch <cctv@example.org>\n"
			     "\tusername = cctv\n\tpasswordFile = smtp-password\n"
			     "[source \"a\"]\n\turl = https://example.org/a.rss\n\tformat = rss\n");
	memset(&f, 0, sizeof(f));
	ck_assert_msg(rw_feeds_load(&ctx, &f, conf) == 0, "%s", rw_errmsg(&ctx));
	memset(&o, 0, sizeof(o));
	o.feeds = &f;
	ck_assert_int_ge(run_doctor(&o, &s), 1);
	ck_assert_msg(strstr(line_of(&s, "smtp"), "FAIL smtp: passwordFile '") != NULL, "%s", rw_buf_cstr(&s.lines));
	ck_assert_msg(strstr(line_of(&s, "smtp"), "mode 0644 lets others read it") != NULL, "%s",
		      rw_buf_cstr(&s.lines));
	rw_buf_release(&s.lines);
	ck_assert_int_eq(chmod(secret, 0600), 0);
	run_doctor(&o, &s);
	ck_assert_msg(strstr(line_of(&s, "smtp"), "ok smtp: smtps://mail.example.org:465 from ") != NULL, "%s",
		      rw_buf_cstr(&s.lines));
	ck_assert_msg(strstr(rw_buf_cstr(&s.lines), "hunter2") == NULL, "%s", rw_buf_cstr(&s.lines));
	rw_buf_release(&s.lines);
	rw_feeds_release(&f);
	free(conf);
	free(secret);
}
END_TEST

static Suite *doctor_suite(void)
{
	Suite *s = suite_create("doctor");
	TCase *tc = tcase_create("doctor");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, nothing_yet_is_not_a_failure);
	tcase_add_test(tc, libraries_below_a_minimum_fail);
	tcase_add_test(tc, sound_data_passes);
	tcase_add_test(tc, permissions_of_the_data_directory);
	tcase_add_test(tc, a_damaged_archive_object_fails);
	tcase_add_test(tc, a_damaged_database_fails);
	tcase_add_test(tc, secrets_must_be_private);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rw_test_run(doctor_suite());
}
