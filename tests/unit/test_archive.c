/*
 * The archive: commits made through libgit2, checked from outside with the
 * git command-line tool (git show, git log, git fsck --strict).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "regwatch/archive.h"

/* 2021-03-12T00:00:00Z, 2021-03-13T02:00:00Z and 2022-11-25T00:00:00Z. */
#define T1 ((time_t)1615507200)
#define T2 ((time_t)1615600800)
#define T3 ((time_t)1669334400)

static const char BODY1[] =
	"<table><tr><th>Covered Equipment or Services*</th><th>Date of Inclusion on Covered List</th></tr>\n"
	"<tr><td>Video surveillance and telecommunications equipment produced by Hangzhou Hikvision "
	"Digital Technology Company</td><td>March 12, 2021</td></tr>\n</table>\n";
static const char STATUS1[] = "hikvision\tus-fcc-covered-list\tcovered\t2021-03-12\t\n";
static const char STATUS2[] = "dahua\tus-fcc-covered-list\tcovered\t2021-03-12\t\n"
			      "hikvision\tus-fcc-covered-list\tcovered\t2021-03-12\t\n";
static const char STATUS3[] = "dahua\tus-fcc-covered-list\tcovered\t2021-03-12\t\n"
			      "hikvision\tus-fcc-covered-list\tcovered\t2021-03-12\t\n"
			      "huawei\tus-entity-list\tlisted\t2019-05-16\t\n";

static rw_ctx ctx;
static char *tmp;

static void setup(void)
{
	tmp = rw_test_tmpdir();
	rw_ctx_init(&ctx, T1);
	ck_assert_msg(rw_archive_global_init(&ctx) == 0, "%s", rw_errmsg(&ctx));
}

static void teardown(void)
{
	rw_archive_global_cleanup();
	rw_test_rmtree(tmp);
	free(tmp);
}

/* Runs a shell command with git's own configuration files out of the way;
   out gets stdout and stderr with trailing newlines removed. Returns the exit status. */
static int run(rw_buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run(rw_buf *out, const char *fmt, ...)
{
	rw_buf cmd = RW_BUF_INIT;
	char chunk[4096];
	va_list ap;
	FILE *p;
	size_t got;
	int status;

	ck_assert_int_eq(
		rw_buf_puts(&cmd, "env GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null "), 0);
	va_start(ap, fmt);
	ck_assert_int_eq(rw_buf_vprintf(&cmd, fmt, ap), 0);
	va_end(ap);
	ck_assert_int_eq(rw_buf_puts(&cmd, " 2>&1"), 0);
	p = popen(cmd.data, "r");
	ck_assert_ptr_nonnull(p);
	rw_buf_clear(out);
	ck_assert_int_eq(rw_buf_append(out, "", 0), 0);
	while ((got = fread(chunk, 1, sizeof(chunk), p)) > 0)
		ck_assert_int_eq(rw_buf_append(out, chunk, got), 0);
	status = pclose(p);
	while (out->len > 0 && out->data[out->len - 1] == '\n')
		out->data[--out->len] = '\0';
	rw_buf_release(&cmd);
	ck_assert_msg(WIFEXITED(status), "command did not exit");
	return WEXITSTATUS(status);
}

/* Output of a git command on repository dir that must succeed. */
static const char *git(rw_buf *out, const char *dir, const char *args)
{
	int rc = run(out, "git --git-dir '%s' %s", dir, args);

	ck_assert_msg(rc == 0, "git %s: %s", args, rw_buf_cstr(out));
	return rw_buf_cstr(out);
}

static char *repo_path(const char *name)
{
	char *p = rw_asprintf("%s/%s", tmp, name);

	ck_assert_ptr_nonnull(p);
	return p;
}

static rw_archive *open_ok(const char *path)
{
	rw_archive *ar = NULL;

	ck_assert_msg(rw_archive_open(&ctx, &ar, path) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_ptr_nonnull(ar);
	return ar;
}

static void commit_ok(rw_archive *ar, const rw_archive_file *files, size_t n, const char *msg,
		      time_t when, char oid[RW_OID_LEN])
{
	ck_assert_msg(rw_archive_commit(&ctx, ar, files, n, msg, when, oid) == 0, "%s",
		      rw_errmsg(&ctx));
}

static void touch(const char *dir, const char *name)
{
	free(rw_test_write(dir, name, ""));
}

static int exists(const char *dir, const char *name)
{
	char *p = rw_asprintf("%s/%s", dir, name);
	int rc = access(p, F_OK) == 0;

	free(p);
	return rc;
}

START_TEST(two_commits_with_expected_trees)
{
	rw_buf out = RW_BUF_INIT;
	char *path = repo_path("data/archive.git");
	char c1[RW_OID_LEN], c2[RW_OID_LEN], head[RW_OID_LEN];
	rw_archive *ar = open_ok(path);
	rw_archive_file f1[] = {
		{"sources/fcc-covered-list/body", BODY1, strlen(BODY1)},
		{"state/statuses.tsv", STATUS1, strlen(STATUS1)},
	};
	rw_archive_file f2[] = {{"state/statuses.tsv", STATUS2, strlen(STATUS2)}};

	commit_ok(ar, f1, 2, "update: 1 change\n\nRun-Id: 1\n", T1, c1);
	ck_assert_uint_eq(strlen(c1), 40);
	commit_ok(ar, f2, 1, "update: 1 change\n\nRun-Id: 2\n", T2, c2);
	ck_assert_uint_eq(strlen(c2), 40);
	ck_assert_str_ne(c1, c2);
	ck_assert_int_eq(rw_archive_head(&ctx, ar, head), 0);
	ck_assert_str_eq(head, c2);

	ck_assert_str_eq(
		git(&out, path, "show main:state/statuses.tsv"),
		"dahua\tus-fcc-covered-list"
		"\tcovered\t2021-03-12\t\nhikvision\tus-fcc-covered-list\tcovered\t2021-03-12\t");
	ck_assert_str_eq(git(&out, path, "show main~1:state/statuses.tsv"),
			 "hikvision\tus-fcc-covered-list\tcovered\t2021-03-12\t");
	git(&out, path, "show main:sources/fcc-covered-list/body");
	ck_assert_uint_eq(out.len, strlen(BODY1) - 1);
	ck_assert_int_eq(memcmp(out.data, BODY1, out.len), 0);
	ck_assert_str_eq(git(&out, path, "ls-tree -r --name-only main"),
			 "sources/fcc-covered-list/body\nstate/statuses.tsv");
	/* The blob is exactly the bytes given, as git itself hashes them. */
	{
		char *file = rw_test_write(tmp, "statuses1.tsv", STATUS1);
		rw_buf want = RW_BUF_INIT;

		ck_assert_int_eq(run(&want, "git hash-object '%s'", file), 0);
		ck_assert_str_eq(git(&out, path, "rev-parse main~1:state/statuses.tsv"), want.data);
		rw_buf_release(&want);
		free(file);
	}
	ck_assert_str_eq(git(&out, path, "rev-list --count main"), "2");
	{
		char *want = rw_asprintf("%s\n%s", c2, c1);

		ck_assert_str_eq(git(&out, path, "log --format=%H main"), want);
		free(want);
	}
	ck_assert_str_eq(
		git(&out, path, "log -1 --format='%an <%ae> %at %ai|%cn <%ce> %ct %ci' main"),
		"regwatch <regwatch@localhost> 1615600800 2021-03-13 02:00:00 +0000|"
		"regwatch <regwatch@localhost> 1615600800 2021-03-13 02:00:00 +0000");
	ck_assert_str_eq(git(&out, path, "log -1 --format=%B main"),
			 "update: 1 change\n\nRun-Id: 2");
	ck_assert_str_eq(
		git(&out, path, "log -1 --format='%(trailers:key=Run-Id,valueonly)' main~1"), "1");
	/* Well-formed objects and refs, by git's strictest check. */
	ck_assert_int_eq(run(&out, "git --git-dir '%s' fsck --strict --no-dangling", path), 0);
	ck_assert_msg(strstr(out.data, "error") == NULL && strstr(out.data, "warning") == NULL,
		      "%s", out.data);
	rw_buf_release(&out);
	rw_archive_free(ar);
	free(path);
}
END_TEST

/* A commit is exactly what git itself would make of the same tree, signature, time and message. */
START_TEST(commit_matches_git_commit_tree)
{
	rw_buf out = RW_BUF_INIT, tree = RW_BUF_INIT;
	char *path = repo_path("archive.git");
	char *msgfile = rw_test_write(tmp, "message", "update: 1 change\n\nRun-Id: 1\n");
	char c1[RW_OID_LEN];
	rw_archive *ar = open_ok(path);
	rw_archive_file f[] = {{"state/statuses.tsv", STATUS1, strlen(STATUS1)}};

	commit_ok(ar, f, 1, "update: 1 change\n\nRun-Id: 1\n", T1, c1);
	git(&tree, path, "rev-parse 'main^{tree}'");
	ck_assert_int_eq(
		run(&out,
		    "GIT_AUTHOR_NAME=regwatch GIT_AUTHOR_EMAIL=regwatch@localhost "
		    "GIT_AUTHOR_DATE='@1615507200 +0000' GIT_COMMITTER_NAME=regwatch "
		    "GIT_COMMITTER_EMAIL=regwatch@localhost GIT_COMMITTER_DATE='@1615507200 +0000' "
		    "git --git-dir '%s' commit-tree %s -F '%s'",
		    path, tree.data, msgfile),
		0);
	ck_assert_str_eq(out.data, c1);
	rw_buf_release(&out);
	rw_buf_release(&tree);
	rw_archive_free(ar);
	free(msgfile);
	free(path);
}
END_TEST

START_TEST(unchanged_files_make_no_commit)
{
	rw_buf out = RW_BUF_INIT;
	char *path = repo_path("archive.git");
	char c1[RW_OID_LEN], c[RW_OID_LEN], head[RW_OID_LEN];
	rw_archive *ar = open_ok(path);
	rw_archive_file f1[] = {
		{"sources/fcc-covered-list/body", BODY1, strlen(BODY1)},
		{"state/statuses.tsv", STATUS1, strlen(STATUS1)},
	};
	rw_archive_file gone[] = {{"sources/no-such-source/body", NULL, 0}};

	/* Nothing to write on an empty archive: no commit, main is not created. */
	memcpy(c, "x", 2);
	commit_ok(ar, NULL, 0, "empty\n", T1, c);
	ck_assert_str_eq(c, "");
	commit_ok(ar, gone, 1, "empty\n", T1, c);
	ck_assert_str_eq(c, "");
	ck_assert_int_eq(rw_archive_head(&ctx, ar, head), 0);
	ck_assert_str_eq(head, "");
	ck_assert_int_ne(run(&out, "git --git-dir '%s' rev-parse --verify -q main", path), 0);

	commit_ok(ar, f1, 2, "first\n", T1, c1);
	ck_assert_str_ne(c1, "");
	/* The same bytes again, a later time and another message: still nothing changed. */
	memcpy(c, "x", 2);
	commit_ok(ar, f1, 2, "second\n", T2, c);
	ck_assert_str_eq(c, "");
	commit_ok(ar, f1 + 1, 1, "third\n", T3, c);
	ck_assert_str_eq(c, "");
	commit_ok(ar, gone, 1, "fourth\n", T3, c);
	ck_assert_str_eq(c, "");
	commit_ok(ar, NULL, 0, "fifth\n", T3, c);
	ck_assert_str_eq(c, "");
	ck_assert_int_eq(rw_archive_head(&ctx, ar, head), 0);
	ck_assert_str_eq(head, c1);
	ck_assert_str_eq(git(&out, path, "rev-list --count main"), "1");
	ck_assert_str_eq(git(&out, path, "log --format=%B main"), "first");
	rw_buf_release(&out);
	rw_archive_free(ar);
	free(path);
}
END_TEST

static void three_runs(const char *path, char oids[3][RW_OID_LEN])
{
	rw_archive *ar = open_ok(path);
	rw_archive_file f1[] = {
		{"sources/fcc-covered-list/body", BODY1, strlen(BODY1)},
		{"state/statuses.tsv", STATUS1, strlen(STATUS1)},
	};
	rw_archive_file f2[] = {{"state/statuses.tsv", STATUS2, strlen(STATUS2)}};
	rw_archive_file f3[] = {
		{"state/statuses.tsv", STATUS3, strlen(STATUS3)},
		{"sources/fcc-covered-list/body", NULL, 0},
	};

	commit_ok(ar, f1, 2, "update\n\nRun-Id: 1\n", T1, oids[0]);
	commit_ok(ar, f2, 1, "update\n\nRun-Id: 2\n", T2, oids[1]);
	commit_ok(ar, f3, 2, "update\n\nRun-Id: 3\n", T3, oids[2]);
	rw_archive_free(ar);
}

START_TEST(same_inputs_same_ids_in_fresh_repositories)
{
	char *a = repo_path("a.git"), *b = repo_path("b.git"), *c = repo_path("c.git");
	char ia[3][RW_OID_LEN], ib[3][RW_OID_LEN], other[RW_OID_LEN];
	rw_archive_file f1[] = {
		{"sources/fcc-covered-list/body", BODY1, strlen(BODY1)},
		{"state/statuses.tsv", STATUS1, strlen(STATUS1)},
	};
	rw_archive *ar;
	int i;

	three_runs(a, ia);
	three_runs(b, ib);
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(strlen(ia[i]), 40);
		ck_assert_str_eq(ia[i], ib[i]);
	}
	ck_assert_str_ne(ia[0], ia[1]);
	ck_assert_str_ne(ia[1], ia[2]);
	/* The time is part of the id: another time, another commit. */
	ar = open_ok(c);
	commit_ok(ar, f1, 2, "update\n\nRun-Id: 1\n", T1 + 1, other);
	ck_assert_str_ne(other, ia[0]);
	rw_archive_free(ar);
	free(a);
	free(b);
	free(c);
}
END_TEST

START_TEST(remove_paths)
{
	rw_buf out = RW_BUF_INIT, body = RW_BUF_INIT;
	char *path = repo_path("archive.git");
	char c1[RW_OID_LEN], c2[RW_OID_LEN];
	rw_archive *ar = open_ok(path);
	rw_archive_file f1[] = {
		{"sources/fcc-covered-list/body", BODY1, strlen(BODY1)},
		{"sources/fcc-covered-list/meta",
		 "url https://www.fcc.gov/supplychain/coveredlist\n", 48},
		{"sources/bis-entity-list/body", "Huawei Technologies Co., Ltd.\n", 30},
		{"sources/bis-entity-list/meta", "url https://www.ecfr.gov/\n", 26},
		{"state/statuses.tsv", STATUS1, strlen(STATUS1)},
	};
	rw_archive_file f2[] = {
		{"sources/fcc-covered-list/meta", NULL, 0}, /* a file */
		{"sources/bis-entity-list", NULL, 0},       /* a whole directory */
	};

	commit_ok(ar, f1, 5, "first\n", T1, c1);
	commit_ok(ar, f2, 2, "second\n", T2, c2);
	ck_assert_str_ne(c2, "");
	ck_assert_str_eq(git(&out, path, "ls-tree -r --name-only main"),
			 "sources/fcc-covered-list/body\nstate/statuses.tsv");
	ck_assert_str_eq(
		git(&out, path, "ls-tree -r --name-only main~1"),
		"sources/bis-entity-list/body\nsources/bis-entity-list/meta\n"
		"sources/fcc-covered-list/body\nsources/fcc-covered-list/meta\nstate/statuses.tsv");
	ck_assert_int_eq(rw_archive_read(&ctx, ar, NULL, "sources/fcc-covered-list/meta", &body),
			 RW_ENOTFOUND);
	ck_assert_int_eq(rw_archive_read(&ctx, ar, NULL, "sources/bis-entity-list/body", &body),
			 RW_ENOTFOUND);
	/* Still there in the commit before. */
	ck_assert_int_eq(rw_archive_read(&ctx, ar, c1, "sources/bis-entity-list/body", &body), 0);
	ck_assert_str_eq(body.data, "Huawei Technologies Co., Ltd.\n");
	ck_assert_int_eq(run(&out, "git --git-dir '%s' fsck --strict --no-dangling", path), 0);
	rw_buf_release(&out);
	rw_buf_release(&body);
	rw_archive_free(ar);
	free(path);
}
END_TEST

/* A file never silently becomes a directory, or a directory a file; removing first is fine. */
START_TEST(file_and_directory_never_share_a_name)
{
	rw_buf out = RW_BUF_INIT;
	char *path = repo_path("archive.git");
	char c1[RW_OID_LEN], c[RW_OID_LEN];
	rw_archive *ar = open_ok(path);
	rw_archive_file f1[] = {
		{"sources/fcc-covered-list/body", BODY1, strlen(BODY1)},
		{"state/statuses.tsv", STATUS1, strlen(STATUS1)},
	};
	rw_archive_file under_file[] = {{"state/statuses.tsv/part", "x", 1}};
	rw_archive_file over_dir[] = {{"sources/fcc-covered-list", "x", 1}};
	rw_archive_file same_call[] = {{"state/a", "x", 1}, {"state/a/b", "y", 1}};
	rw_archive_file reshaped[] = {{"state/statuses.tsv", NULL, 0},
				      {"state/statuses.tsv/part", "x", 1}};

	commit_ok(ar, f1, 2, "first\n", T1, c1);
	ck_assert_int_eq(rw_archive_commit(&ctx, ar, under_file, 1, "bad\n", T2, c), RW_EDATA);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "'state/statuses.tsv/part'"));
	ck_assert_int_eq(rw_archive_commit(&ctx, ar, over_dir, 1, "bad\n", T2, c), RW_EDATA);
	ck_assert_int_eq(rw_archive_commit(&ctx, ar, same_call, 2, "bad\n", T2, c), RW_EDATA);
	ck_assert_str_eq(git(&out, path, "rev-parse main"), c1);
	commit_ok(ar, reshaped, 2, "reshaped\n", T2, c);
	ck_assert_str_eq(git(&out, path, "ls-tree -r --name-only main"),
			 "sources/fcc-covered-list/body\nstate/statuses.tsv/part");
	rw_buf_release(&out);
	rw_archive_free(ar);
	free(path);
}
END_TEST

START_TEST(read_files_and_missing_paths)
{
	static const char binary[] = {'P', 'K', 3, 4, 0, 0, '\n', 0, (char)0xff};
	rw_buf out = RW_BUF_INIT, small = RW_BUF_INIT;
	char *path = repo_path("archive.git");
	char c1[RW_OID_LEN], c2[RW_OID_LEN];
	rw_archive *ar = open_ok(path);
	rw_archive_file f1[] = {
		{"sources/ofac-sdn/body", binary, sizeof(binary)},
		{"sources/ofac-sdn/etag", "", 0},
		{"state/statuses.tsv", STATUS1, strlen(STATUS1)},
	};
	rw_archive_file f2[] = {{"state/statuses.tsv", STATUS2, strlen(STATUS2)}};

	/* An empty archive has nothing to read. */
	ck_assert_int_eq(rw_archive_read(&ctx, ar, NULL, "state/statuses.tsv", &out), RW_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "state/statuses.tsv"));

	commit_ok(ar, f1, 3, "first\n", T1, c1);
	commit_ok(ar, f2, 1, "second\n", T2, c2);
	ck_assert_int_eq(rw_archive_read(&ctx, ar, NULL, "state/statuses.tsv", &out), 0);
	ck_assert_str_eq(out.data, STATUS2);
	ck_assert_int_eq(rw_archive_read(&ctx, ar, c1, "state/statuses.tsv", &out), 0);
	ck_assert_str_eq(out.data, STATUS1);
	ck_assert_int_eq(rw_archive_read(&ctx, ar, c2, "state/statuses.tsv", &out), 0);
	ck_assert_str_eq(out.data, STATUS2);
	/* Bytes come back exactly, NULs included. */
	ck_assert_int_eq(rw_archive_read(&ctx, ar, NULL, "sources/ofac-sdn/body", &out), 0);
	ck_assert_uint_eq(out.len, sizeof(binary));
	ck_assert_int_eq(memcmp(out.data, binary, sizeof(binary)), 0);
	ck_assert_int_eq(rw_archive_read(&ctx, ar, NULL, "sources/ofac-sdn/etag", &out), 0);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_ptr_nonnull(out.data);
	ck_assert_str_eq(out.data, "");

	ck_assert_int_eq(rw_archive_read(&ctx, ar, NULL, "state/entities.tsv", &out), RW_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "'state/entities.tsv'"));
	ck_assert_int_eq(rw_archive_read(&ctx, ar, NULL, "nosuchdir/file", &out), RW_ENOTFOUND);
	ck_assert_int_eq(rw_archive_read(&ctx, ar, NULL, "sources/ofac-sdn", &out), RW_ENOTFOUND);
	ck_assert_int_eq(rw_archive_read(&ctx, ar, NULL, "state/statuses.tsv/x", &out),
			 RW_ENOTFOUND);
	ck_assert_int_eq(rw_archive_read(&ctx, ar, "0000000000000000000000000000000000000000",
					 "state/statuses.tsv", &out),
			 RW_ENOTFOUND);
	ck_assert_int_eq(rw_archive_read(&ctx, ar, "no-such-commit", "state/statuses.tsv", &out),
			 RW_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "'no-such-commit'"));

	/* The caller's limit holds. */
	rw_buf_init(&small, 16);
	ck_assert_int_eq(rw_archive_read(&ctx, ar, NULL, "state/statuses.tsv", &small), RW_ELIMIT);
	rw_buf_release(&small);
	rw_buf_release(&out);
	rw_archive_free(ar);
	free(path);
}
END_TEST

struct walked {
	char oid[8][RW_OID_LEN];
	time_t when[8];
	char msg[8][64];
	int n;
	int stop_after;
};

static int walk_cb(void *arg, const char *oid, time_t when, const char *message)
{
	struct walked *w = arg;

	ck_assert_int_lt(w->n, 8);
	ck_assert_uint_eq(strlen(oid), 40);
	memcpy(w->oid[w->n], oid, RW_OID_LEN);
	w->when[w->n] = when;
	snprintf(w->msg[w->n], sizeof(w->msg[w->n]), "%s", message);
	w->n++;
	return w->n == w->stop_after ? 7 : 0;
}

START_TEST(walk_oldest_first)
{
	rw_buf out = RW_BUF_INIT;
	char *path = repo_path("archive.git");
	char oids[3][RW_OID_LEN];
	struct walked w;
	rw_archive *ar = open_ok(path);
	char *want;

	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(rw_archive_walk(&ctx, ar, walk_cb, &w), 0);
	ck_assert_int_eq(w.n, 0);
	rw_archive_free(ar);

	three_runs(path, oids);
	ar = open_ok(path);
	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(rw_archive_walk(&ctx, ar, walk_cb, &w), 0);
	ck_assert_int_eq(w.n, 3);
	ck_assert_str_eq(w.oid[0], oids[0]);
	ck_assert_str_eq(w.oid[1], oids[1]);
	ck_assert_str_eq(w.oid[2], oids[2]);
	ck_assert_int_eq((long)w.when[0], (long)T1);
	ck_assert_int_eq((long)w.when[1], (long)T2);
	ck_assert_int_eq((long)w.when[2], (long)T3);
	ck_assert_str_eq(w.msg[0], "update\n\nRun-Id: 1\n");
	ck_assert_str_eq(w.msg[2], "update\n\nRun-Id: 3\n");
	/* The same order as git's own oldest-first listing. */
	want = rw_asprintf("%s\n%s\n%s", oids[0], oids[1], oids[2]);
	ck_assert_str_eq(git(&out, path, "rev-list --first-parent --reverse main"), want);
	free(want);

	/* A non-zero return stops the walk and is passed back. */
	memset(&w, 0, sizeof(w));
	w.stop_after = 2;
	ck_assert_int_eq(rw_archive_walk(&ctx, ar, walk_cb, &w), 7);
	ck_assert_int_eq(w.n, 2);
	ck_assert_str_eq(w.oid[1], oids[1]);
	rw_buf_release(&out);
	rw_archive_free(ar);
	free(path);
}
END_TEST

START_TEST(list_directories_sorted)
{
	rw_strvec names = RW_STRVEC_INIT;
	char *path = repo_path("archive.git");
	char c1[RW_OID_LEN], c2[RW_OID_LEN];
	rw_archive *ar = open_ok(path);
	/* git orders the tree "fcc-x/", "fcc.txt", "fcc/"; by name it is fcc, fcc-x, fcc.txt. */
	rw_archive_file f1[] = {
		{"sources/ntia/body", "n", 1},     {"sources/fcc/body", "f", 1},
		{"sources/fcc.txt", "t", 1},       {"sources/fcc-x/body", "x", 1},
		{"sources/Baseline/body", "b", 1}, {"state/statuses.tsv", STATUS1, strlen(STATUS1)},
	};
	rw_archive_file f2[] = {{"sources/ntia", NULL, 0}};

	/* An empty archive: the top has no entries, any directory is missing. */
	ck_assert_int_eq(rw_strvec_push(&names, "stale"), 0);
	ck_assert_int_eq(rw_archive_list(&ctx, ar, NULL, "", &names), 0);
	ck_assert_uint_eq(names.n, 0);
	ck_assert_int_eq(rw_archive_list(&ctx, ar, NULL, "sources", &names), RW_ENOTFOUND);

	commit_ok(ar, f1, 6, "first\n", T1, c1);
	commit_ok(ar, f2, 1, "second\n", T2, c2);
	ck_assert_int_eq(rw_archive_list(&ctx, ar, NULL, "sources", &names), 0);
	ck_assert_uint_eq(names.n, 4);
	ck_assert_str_eq(names.v[0], "Baseline");
	ck_assert_str_eq(names.v[1], "fcc");
	ck_assert_str_eq(names.v[2], "fcc-x");
	ck_assert_str_eq(names.v[3], "fcc.txt");
	ck_assert_int_eq(rw_archive_list(&ctx, ar, c1, "sources", &names), 0);
	ck_assert_uint_eq(names.n, 5);
	ck_assert_str_eq(names.v[4], "ntia");
	ck_assert_int_eq(rw_archive_list(&ctx, ar, NULL, NULL, &names), 0);
	ck_assert_uint_eq(names.n, 2);
	ck_assert_str_eq(names.v[0], "sources");
	ck_assert_str_eq(names.v[1], "state");
	ck_assert_int_eq(rw_archive_list(&ctx, ar, NULL, "sources/fcc", &names), 0);
	ck_assert_uint_eq(names.n, 1);
	ck_assert_str_eq(names.v[0], "body");
	ck_assert_int_eq(rw_archive_list(&ctx, ar, NULL, "sources/ntia", &names), RW_ENOTFOUND);
	ck_assert_int_eq(rw_archive_list(&ctx, ar, NULL, "state/statuses.tsv", &names),
			 RW_ENOTFOUND);
	ck_assert_int_eq(rw_archive_list(&ctx, ar, "deadbeef", "sources", &names), RW_ENOTFOUND);
	rw_strvec_release(&names);
	rw_archive_free(ar);
	free(path);
}
END_TEST

static void collect_log(void *arg, int level, const char *msg)
{
	rw_strvec *sv = arg;

	ck_assert_int_eq(level, RW_LOG_WARN);
	ck_assert_int_eq(rw_strvec_push(sv, msg), 0);
}

START_TEST(stale_lock_blocks_until_cleared)
{
	rw_buf out = RW_BUF_INIT;
	rw_strvec logged = RW_STRVEC_INIT;
	char *path = repo_path("archive.git");
	char *heads = repo_path("archive.git/refs/heads");
	char c1[RW_OID_LEN], c2[RW_OID_LEN], head[RW_OID_LEN];
	rw_archive *ar = open_ok(path);
	rw_archive_file f1[] = {{"state/statuses.tsv", STATUS1, strlen(STATUS1)}};
	rw_archive_file f2[] = {{"state/statuses.tsv", STATUS2, strlen(STATUS2)}};

	commit_ok(ar, f1, 1, "first\n", T1, c1);
	/* A process killed while updating main leaves its lock behind. */
	touch(heads, "main.lock");
	touch(path, "packed-refs.lock");
	touch(path, "HEAD.lock");
	ck_assert_int_eq(rw_archive_commit(&ctx, ar, f2, 1, "second\n", T2, c2), RW_EGIT);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "lock"));
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), path));
	ck_assert_str_eq(c2, "");
	ck_assert_int_eq(rw_archive_head(&ctx, ar, head), 0);
	ck_assert_str_eq(head, c1);

	ctx.log_fn = collect_log;
	ctx.log_arg = &logged;
	ck_assert_int_eq(rw_archive_clear_stale_locks(&ctx, path), 3);
	ck_assert_uint_eq(logged.n, 3);
	ck_assert_ptr_nonnull(strstr(logged.v[0], "refs/heads/main.lock"));
	ck_assert_ptr_nonnull(strstr(logged.v[1], "packed-refs.lock"));
	ck_assert_ptr_nonnull(strstr(logged.v[2], "HEAD.lock"));
	ck_assert_int_eq(exists(heads, "main.lock"), 0);
	ck_assert_int_eq(exists(path, "HEAD.lock"), 0);
	ck_assert_int_eq(exists(heads, "main"), 1);

	commit_ok(ar, f2, 1, "second\n", T2, c2);
	ck_assert_str_ne(c2, "");
	ck_assert_str_eq(git(&out, path, "show main:state/statuses.tsv"),
			 "dahua\tus-fcc-covered-list\tcovered\t2021-03-12\t\n"
			 "hikvision\tus-fcc-covered-list\tcovered\t2021-03-12\t");
	ck_assert_str_eq(git(&out, path, "rev-parse main~1"), c1);
	/* Nothing left to remove. */
	ck_assert_int_eq(rw_archive_clear_stale_locks(&ctx, path), 0);
	ck_assert_uint_eq(logged.n, 3);
	rw_strvec_release(&logged);
	rw_buf_release(&out);
	rw_archive_free(ar);
	free(heads);
	free(path);
}
END_TEST

START_TEST(bare_repository_on_main)
{
	rw_buf out = RW_BUF_INIT;
	char *path = repo_path("data/archive.git");
	char c1[RW_OID_LEN], head[RW_OID_LEN];
	rw_archive *ar = open_ok(path);
	rw_archive_file f1[] = {{"state/statuses.tsv", STATUS1, strlen(STATUS1)}};
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	ck_assert_str_eq(git(&out, path, "rev-parse --is-bare-repository"), "true");
	ck_assert_str_eq(git(&out, path, "symbolic-ref HEAD"), "refs/heads/main");
	ck_assert_int_eq(rw_archive_head(&ctx, ar, head), 0);
	ck_assert_str_eq(head, "");
	commit_ok(ar, f1, 1, "first\n", T1, c1);
	rw_archive_free(ar);

	/* Opened again, it is the same archive; no index or work tree was written. */
	ar = open_ok(path);
	ck_assert_int_eq(rw_archive_head(&ctx, ar, head), 0);
	ck_assert_str_eq(head, c1);
	ck_assert_int_eq(exists(path, "index"), 0);
	ck_assert_int_eq(exists(tmp, "data/state"), 0);
	ck_assert_str_eq(git(&out, path, "for-each-ref --format='%(refname)'"), "refs/heads/main");
	ck_assert_str_eq(git(&out, path, "rev-parse HEAD"), c1);
	ck_assert_str_eq(git(&out, path, "config --get core.bare"), "true");
	rw_buf_release(&out);
	rw_archive_free(ar);
	free(path);
}
END_TEST

START_TEST(bad_paths_rejected)
{
	static const char *const bad[] = {
		"/state/statuses.tsv",
		"state//statuses.tsv",
		"state/statuses.tsv/",
		"../outside",
		"sources/../../outside",
		"sources/./x",
		".",
		".git/config",
		"sources/.GIT/x",
		"sources/.git./x",
		"sources/git~1/x",
		"sources/a\\b",
		"sources/a\tb",
		"..",
	};
	rw_buf out = RW_BUF_INIT;
	rw_strvec names = RW_STRVEC_INIT;
	char *path = repo_path("archive.git");
	char c1[RW_OID_LEN], c[RW_OID_LEN], head[RW_OID_LEN];
	rw_archive *ar = open_ok(path);
	rw_archive_file f1[] = {{"state/statuses.tsv", STATUS1, strlen(STATUS1)}};
	rw_archive_file f[2];
	size_t i;

	commit_ok(ar, f1, 1, "first\n", T1, c1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* A good file beside the bad one: the whole commit is refused. */
		f[0].path = "state/statuses.tsv";
		f[0].data = STATUS2;
		f[0].len = strlen(STATUS2);
		f[1].path = bad[i];
		f[1].data = "x";
		f[1].len = 1;
		rw_clear_error(&ctx);
		ck_assert_msg(rw_archive_commit(&ctx, ar, f, 2, "bad\n", T2, c) == RW_EDATA,
			      "%s accepted", bad[i]);
		ck_assert_str_eq(c, "");
		ck_assert_msg(strstr(rw_errmsg(&ctx), "archive '") == rw_errmsg(&ctx), "%s",
			      rw_errmsg(&ctx));
		ck_assert_msg(strchr(bad[i], '\t') || strstr(rw_errmsg(&ctx), bad[i]), "%s",
			      rw_errmsg(&ctx));
		f[1].data = NULL;
		ck_assert_int_eq(rw_archive_commit(&ctx, ar, f + 1, 1, "bad\n", T2, c), RW_EDATA);
		ck_assert_int_eq(rw_archive_read(&ctx, ar, NULL, bad[i], &out), RW_EDATA);
		ck_assert_int_eq(rw_archive_list(&ctx, ar, NULL, bad[i], &names), RW_EDATA);
	}
	f[0].path = "";
	f[0].data = "x";
	f[0].len = 1;
	ck_assert_int_eq(rw_archive_commit(&ctx, ar, f, 1, "bad\n", T2, c), RW_EDATA);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "empty path"));
	f[0].path = NULL;
	ck_assert_int_eq(rw_archive_commit(&ctx, ar, f, 1, "bad\n", T2, c), RW_EDATA);
	ck_assert_int_eq(rw_archive_read(&ctx, ar, NULL, "", &out), RW_EDATA);

	ck_assert_int_eq(rw_archive_head(&ctx, ar, head), 0);
	ck_assert_str_eq(head, c1);
	ck_assert_str_eq(git(&out, path, "ls-tree -r --name-only main"), "state/statuses.tsv");
	rw_strvec_release(&names);
	rw_buf_release(&out);
	rw_archive_free(ar);
	free(path);
}
END_TEST

START_TEST(refuse_what_is_not_a_bare_repository)
{
	rw_buf out = RW_BUF_INIT;
	rw_archive *ar = NULL;
	char *dir = repo_path("data");
	char *work = repo_path("work");
	char *empty = repo_path("empty");
	char *file;

	/* A directory with files in it that is not a repository. */
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	free(rw_test_write(dir, "regwatch.db", "SQLite format 3"));
	ck_assert_int_eq(rw_archive_open(&ctx, &ar, dir), RW_EGIT);
	ck_assert_ptr_null(ar);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "not a bare git repository"));
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), dir));
	ck_assert_int_eq(exists(dir, "HEAD"), 0);
	ck_assert_int_eq(exists(dir, "objects"), 0);
	ck_assert_int_eq(exists(dir, "regwatch.db"), 1);

	/* A file. */
	file = rw_test_write(tmp, "archive.git", "not a directory");
	ck_assert_int_eq(rw_archive_open(&ctx, &ar, file), RW_EGIT);
	ck_assert_ptr_null(ar);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "not a directory"));

	/* A repository with a work tree, by its top or by its .git. */
	ck_assert_int_eq(run(&out, "git init -q -b main '%s'", work), 0);
	ck_assert_int_eq(rw_archive_open(&ctx, &ar, work), RW_EGIT);
	ck_assert_ptr_null(ar);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "work tree"));
	free(work);
	work = repo_path("work/.git");
	ck_assert_int_eq(rw_archive_open(&ctx, &ar, work), RW_EGIT);
	ck_assert_ptr_null(ar);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "work tree"));

	/* An empty directory becomes the archive. */
	ck_assert_int_eq(mkdir(empty, 0700), 0);
	ar = open_ok(empty);
	ck_assert_str_eq(git(&out, empty, "rev-parse --is-bare-repository"), "true");
	ck_assert_str_eq(git(&out, empty, "symbolic-ref HEAD"), "refs/heads/main");
	rw_archive_free(ar);

	rw_buf_release(&out);
	free(file);
	free(dir);
	free(work);
	free(empty);
}
END_TEST

/* The user's git configuration is never read: a broken ~/.gitconfig changes nothing. */
START_TEST(user_git_config_ignored)
{
	rw_buf out = RW_BUF_INIT;
	char *dir = rw_test_tmpdir();
	char *home = rw_asprintf("%s/home", dir);
	char *xdg = rw_asprintf("%s/xdg", dir);
	char *xdggit = rw_asprintf("%s/xdg/git", dir);
	char *path = rw_asprintf("%s/archive.git", dir);
	char c1[RW_OID_LEN];
	rw_archive *ar = NULL;
	rw_archive_file f1[] = {{"state/statuses.tsv", STATUS1, strlen(STATUS1)}};

	ck_assert_int_eq(mkdir(home, 0700), 0);
	ck_assert_int_eq(mkdir(xdg, 0700), 0);
	ck_assert_int_eq(mkdir(xdggit, 0700), 0);
	free(rw_test_write(home, ".gitconfig", "[core\n\tbare = maybe\n[[[\n"));
	free(rw_test_write(xdggit, "config", "[init\n\tdefaultBranch = trunk\n[[[\n"));
	ck_assert_int_eq(setenv("HOME", home, 1), 0);
	ck_assert_int_eq(setenv("XDG_CONFIG_HOME", xdg, 1), 0);

	rw_ctx_init(&ctx, T1);
	ck_assert_msg(rw_archive_global_init(&ctx) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_msg(rw_archive_open(&ctx, &ar, path) == 0, "%s", rw_errmsg(&ctx));
	rw_archive_free(ar);
	ar = NULL;
	ck_assert_msg(rw_archive_open(&ctx, &ar, path) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_msg(rw_archive_commit(&ctx, ar, f1, 1, "first\n", T1, c1) == 0, "%s",
		      rw_errmsg(&ctx));
	ck_assert_str_eq(git(&out, path, "symbolic-ref HEAD"), "refs/heads/main");
	ck_assert_str_eq(git(&out, path, "show main:state/statuses.tsv"),
			 "hikvision\tus-fcc-covered-list\tcovered\t2021-03-12\t");
	rw_archive_free(ar);
	rw_archive_global_cleanup();

	rw_test_rmtree(dir);
	rw_buf_release(&out);
	free(dir);
	free(home);
	free(xdg);
	free(xdggit);
	free(path);
}
END_TEST

static Suite *archive_suite(void)
{
	Suite *s = suite_create("archive");
	TCase *tc = tcase_create("commit");

	TCase *tc_env = tcase_create("environment");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, two_commits_with_expected_trees);
	tcase_add_test(tc, commit_matches_git_commit_tree);
	tcase_add_test(tc, unchanged_files_make_no_commit);
	tcase_add_test(tc, same_inputs_same_ids_in_fresh_repositories);
	tcase_add_test(tc, remove_paths);
	tcase_add_test(tc, file_and_directory_never_share_a_name);
	tcase_add_test(tc, read_files_and_missing_paths);
	tcase_add_test(tc, walk_oldest_first);
	tcase_add_test(tc, list_directories_sorted);
	tcase_add_test(tc, stale_lock_blocks_until_cleared);
	tcase_add_test(tc, bare_repository_on_main);
	tcase_add_test(tc, bad_paths_rejected);
	tcase_add_test(tc, refuse_what_is_not_a_bare_repository);
	suite_add_tcase(s, tc);
	/* Each test runs in its own process, so the environment it sets stays there. */
	tcase_add_test(tc_env, user_git_config_ignored);
	suite_add_tcase(s, tc_env);
	return s;
}

int main(void)
{
	return rw_test_run(archive_suite());
}
