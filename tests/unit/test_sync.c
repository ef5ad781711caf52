/*
 * Mirroring the archive: push and pull of main between real repositories on
 * disk (libgit2's local transport, by path and by file:// URL), fast-forward
 * only, and rw_sync's lock. Remote state is checked with the git command-line
 * tool.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "regwatch/archive.h"
#include "regwatch/sync.h"
#include "regwatch/update.h"

/* 2026-11-27, -28 and -29, 02:00 UTC: three nightly runs. */
#define NIGHT1 ((time_t)1764208800)
#define NIGHT2 ((time_t)1764295200)
#define NIGHT3 ((time_t)1764381600)

static rw_ctx ctx;
static char *tmp;

static void setup(void)
{
	tmp = rw_test_tmpdir();
	rw_ctx_init(&ctx, NIGHT1);
	ck_assert_msg(rw_archive_global_init(&ctx) == 0, "%s", rw_errmsg(&ctx));
}

static void teardown(void)
{
	rw_archive_global_cleanup();
	rw_test_rmtree(tmp);
	free(tmp);
}

static char *path_of(const char *name)
{
	char *p = rw_asprintf("%s/%s", tmp, name);

	ck_assert_ptr_nonnull(p);
	return p;
}

/* Output (trailing newline removed) and exit status of a git command, without user configuration. */
static int git(rw_buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int git(rw_buf *out, const char *fmt, ...)
{
	rw_buf cmd = RW_BUF_INIT;
	char chunk[1024];
	va_list ap;
	FILE *p;
	size_t got;
	int status;

	ck_assert_int_eq(rw_buf_puts(&cmd, "env GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null git "), 0);
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
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static rw_archive *open_ok(const char *path)
{
	rw_archive *ar = NULL;

	ck_assert_msg(rw_archive_open(&ctx, &ar, path) == 0, "%s", rw_errmsg(&ctx));
	return ar;
}

/* One night's commit: the state file says what the night saw. */
static void night(rw_archive *ar, const char *text, time_t when, char oid[RW_OID_LEN])
{
	rw_archive_file f = {"state/statuses.tsv", text, strlen(text)};

	ck_assert_msg(rw_archive_commit(&ctx, ar, &f, 1, "regwatch run\n", when, oid) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_int_eq(strlen(oid), 40);
}

static void head_is(const char *path, const char *want)
{
	rw_archive *ar = open_ok(path);
	char oid[RW_OID_LEN];

	ck_assert_int_eq(rw_archive_head(&ctx, ar, oid), 0);
	ck_assert_str_eq(oid, want);
	rw_archive_free(ar);
}

/* A bare repository made by git itself, as an administrator would: git init --bare. */
static char *bare_remote(const char *name)
{
	rw_buf out = RW_BUF_INIT;
	char *p = path_of(name);

	ck_assert_msg(git(&out, "init -q --bare '%s'", p) == 0, "%s", rw_buf_cstr(&out));
	rw_buf_release(&out);
	return p;
}

START_TEST(push_to_an_empty_bare_repository_then_again)
{
	char *local = path_of("archive.git"), *remote = bare_remote("mirror.git");
	rw_archive *ar = open_ok(local);
	rw_archive_sync res;
	char c1[RW_OID_LEN], c2[RW_OID_LEN];
	rw_buf out = RW_BUF_INIT;

	night(ar, "hikvision\tlisted\n", NIGHT1, c1);
	night(ar, "dahua\tlisted\nhikvision\tlisted\n", NIGHT2, c2);
	ck_assert_msg(rw_archive_push(&ctx, ar, remote, &res) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_int_eq(res.commits, 2);
	ck_assert_str_eq(res.before, "");
	ck_assert_str_eq(res.after, c2);
	ck_assert_int_eq(git(&out, "--git-dir '%s' rev-parse main", remote), 0);
	ck_assert_str_eq(out.data, c2);
	ck_assert_int_eq(git(&out, "--git-dir '%s' fsck --strict", remote), 0);
	ck_assert_int_eq(git(&out, "--git-dir '%s' show main:state/statuses.tsv", remote), 0);
	ck_assert_str_eq(out.data, "dahua\tlisted\nhikvision\tlisted");
	/* Nothing new: nothing to do. */
	ck_assert_int_eq(rw_archive_push(&ctx, ar, remote, &res), 0);
	ck_assert_int_eq(res.commits, 0);
	ck_assert_str_eq(res.before, c2);
	rw_buf_release(&out);
	rw_archive_free(ar);
	free(local);
	free(remote);
}
END_TEST

START_TEST(push_by_file_url_fast_forwards)
{
	char *local = path_of("archive.git"), *remote = bare_remote("mirror.git");
	char *url = rw_asprintf("file://%s", remote);
	rw_archive *ar = open_ok(local);
	rw_archive_sync res;
	char c1[RW_OID_LEN], c2[RW_OID_LEN], c3[RW_OID_LEN];
	rw_buf out = RW_BUF_INIT;

	night(ar, "a\n", NIGHT1, c1);
	ck_assert_msg(rw_archive_push(&ctx, ar, url, &res) == 0, "%s", rw_errmsg(&ctx));
	night(ar, "a\nb\n", NIGHT2, c2);
	night(ar, "a\nb\nc\n", NIGHT3, c3);
	ck_assert_msg(rw_archive_push(&ctx, ar, url, &res) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_int_eq(res.commits, 2);
	ck_assert_str_eq(res.before, c1);
	ck_assert_str_eq(res.after, c3);
	ck_assert_int_eq(git(&out, "--git-dir '%s' rev-list --count main", remote), 0);
	ck_assert_str_eq(out.data, "3");
	rw_buf_release(&out);
	rw_archive_free(ar);
	free(url);
	free(local);
	free(remote);
}
END_TEST

START_TEST(push_to_a_diverged_remote_is_refused)
{
	char *local = path_of("archive.git"), *remote = bare_remote("mirror.git");
	rw_archive *ar = open_ok(local), *other;
	rw_archive_sync res;
	char c1[RW_OID_LEN], mine[RW_OID_LEN], theirs[RW_OID_LEN];
	rw_buf out = RW_BUF_INIT;

	night(ar, "a\n", NIGHT1, c1);
	ck_assert_int_eq(rw_archive_push(&ctx, ar, remote, &res), 0);
	/* Someone else commits to the mirror; we commit too. */
	other = open_ok(remote);
	night(other, "a\nz\n", NIGHT2, theirs);
	rw_archive_free(other);
	night(ar, "a\nb\n", NIGHT2, mine);
	ck_assert_int_eq(rw_archive_push(&ctx, ar, remote, &res), RW_EGIT);
	ck_assert_msg(strstr(rw_errmsg(&ctx), "diverged") != NULL, "%s", rw_errmsg(&ctx));
	ck_assert_msg(strstr(rw_errmsg(&ctx), remote) != NULL, "%s", rw_errmsg(&ctx));
	ck_assert_int_eq(res.commits, 0);
	/* Never forced: the mirror keeps its own commit. */
	ck_assert_int_eq(git(&out, "--git-dir '%s' rev-parse main", remote), 0);
	ck_assert_str_eq(out.data, theirs);
	head_is(local, mine);
	rw_buf_release(&out);
	rw_archive_free(ar);
	free(local);
	free(remote);
}
END_TEST

START_TEST(push_failures_name_the_remote)
{
	char *local = path_of("archive.git"), *missing = path_of("no-such.git"), *worktree = path_of("checkout");
	rw_archive *ar = open_ok(local);
	rw_archive_sync res;
	rw_buf out = RW_BUF_INIT;
	char c1[RW_OID_LEN];

	ck_assert_int_eq(rw_archive_push(&ctx, ar, missing, &res), RW_ENOTFOUND);
	ck_assert_msg(strstr(rw_errmsg(&ctx), "empty: nothing to push") != NULL, "%s", rw_errmsg(&ctx));
	night(ar, "a\n", NIGHT1, c1);
	ck_assert_int_eq(rw_archive_push(&ctx, ar, missing, &res), RW_EGIT);
	ck_assert_msg(strstr(rw_errmsg(&ctx), "remote '") != NULL && strstr(rw_errmsg(&ctx), missing),
		      "%s", rw_errmsg(&ctx));
	ck_assert_int_eq(git(&out, "init -q '%s'", worktree), 0);
	ck_assert_int_eq(rw_archive_push(&ctx, ar, worktree, &res), RW_EGIT);
	ck_assert_msg(strstr(rw_errmsg(&ctx), worktree) != NULL, "%s", rw_errmsg(&ctx));
	ck_assert_int_ne(git(&out, "--git-dir '%s/.git' rev-parse --verify -q main", worktree), 0);
	rw_buf_release(&out);
	rw_archive_free(ar);
	free(local);
	free(missing);
	free(worktree);
}
END_TEST

START_TEST(pull_into_an_empty_archive_then_fast_forward)
{
	char *pub = path_of("publisher.git"), *remote = bare_remote("mirror.git"), *member = path_of("member.git");
	rw_archive *p = open_ok(pub), *m;
	rw_archive_sync res;
	char c1[RW_OID_LEN], c2[RW_OID_LEN], c3[RW_OID_LEN];
	rw_buf body = RW_BUF_INIT;

	night(p, "a\n", NIGHT1, c1);
	ck_assert_int_eq(rw_archive_push(&ctx, p, remote, &res), 0);
	m = open_ok(member);
	ck_assert_msg(rw_archive_pull(&ctx, m, remote, &res) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_int_eq(res.commits, 1);
	ck_assert_str_eq(res.before, "");
	ck_assert_str_eq(res.after, c1);
	night(p, "a\nb\n", NIGHT2, c2);
	night(p, "a\nb\nc\n", NIGHT3, c3);
	ck_assert_int_eq(rw_archive_push(&ctx, p, remote, &res), 0);
	ck_assert_msg(rw_archive_pull(&ctx, m, remote, &res) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_int_eq(res.commits, 2);
	ck_assert_str_eq(res.before, c1);
	ck_assert_str_eq(res.after, c3);
	rw_archive_free(m);
	head_is(member, c3);
	m = open_ok(member);
	ck_assert_int_eq(rw_archive_read(&ctx, m, c2, "state/statuses.tsv", &body), 0);
	ck_assert_str_eq(body.data, "a\nb\n");
	/* Again: up to date. */
	ck_assert_int_eq(rw_archive_pull(&ctx, m, remote, &res), 0);
	ck_assert_int_eq(res.commits, 0);
	rw_buf_release(&body);
	rw_archive_free(m);
	rw_archive_free(p);
	free(pub);
	free(remote);
	free(member);
}
END_TEST

START_TEST(pull_never_moves_main_backwards_or_sideways)
{
	char *remote = bare_remote("mirror.git"), *member = path_of("member.git");
	rw_archive *m = open_ok(member), *r;
	rw_archive_sync res;
	char c1[RW_OID_LEN], ahead[RW_OID_LEN], theirs[RW_OID_LEN];

	night(m, "a\n", NIGHT1, c1);
	ck_assert_int_eq(rw_archive_push(&ctx, m, remote, &res), 0);
	night(m, "a\nb\n", NIGHT2, ahead);
	/* The member is ahead of the mirror: nothing to take, main stays. */
	ck_assert_msg(rw_archive_pull(&ctx, m, remote, &res) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_int_eq(res.commits, 0);
	ck_assert_str_eq(res.after, ahead);
	/* The mirror gets another commit on c1: diverged. */
	r = open_ok(remote);
	night(r, "a\nz\n", NIGHT3, theirs);
	rw_archive_free(r);
	ck_assert_int_eq(rw_archive_pull(&ctx, m, remote, &res), RW_EGIT);
	ck_assert_msg(strstr(rw_errmsg(&ctx), "diverged") != NULL, "%s", rw_errmsg(&ctx));
	ck_assert_int_eq(res.commits, 0);
	rw_archive_free(m);
	head_is(member, ahead);
	free(remote);
	free(member);
}
END_TEST

START_TEST(pull_from_a_repository_without_main)
{
	char *remote = bare_remote("mirror.git"), *member = path_of("member.git");
	rw_archive *m = open_ok(member);
	rw_archive_sync res;

	ck_assert_int_eq(rw_archive_pull(&ctx, m, remote, &res), RW_ENOTFOUND);
	ck_assert_msg(strstr(rw_errmsg(&ctx), "nothing to pull") != NULL, "%s", rw_errmsg(&ctx));
	rw_archive_free(m);
	free(remote);
	free(member);
}
END_TEST

START_TEST(sync_takes_the_update_lock_and_clears_stale_git_locks)
{
	char *data = path_of("data"), *remote = bare_remote("mirror.git"), *ar_path, *lock;
	rw_archive *ar;
	rw_archive_sync res;
	char c1[RW_OID_LEN];
	int fd = -1;

	/* A push needs an archive. */
	ck_assert_int_eq(rw_sync(&ctx, data, remote, RW_SYNC_PUSH, &res), RW_ENOTFOUND);
	ck_assert_msg(strstr(rw_errmsg(&ctx), "run 'regwatch update' first") != NULL, "%s", rw_errmsg(&ctx));
	ck_assert_int_eq(rw_data_dir_prepare(&ctx, data), 0);
	ar_path = rw_asprintf("%s/archive.git", data);
	ar = open_ok(ar_path);
	night(ar, "a\n", NIGHT1, c1);
	rw_archive_free(ar);
	/* While an update runs, sync waits for nothing and changes nothing. */
	ck_assert_int_eq(rw_update_lock(&ctx, data, &fd), 0);
	ck_assert_int_eq(rw_sync(&ctx, data, remote, RW_SYNC_PUSH, &res), RW_ELOCKED);
	close(fd);
	/* A lock file left by a killed writer does not block the next one. */
	lock = rw_asprintf("%s/refs/heads/main.lock", ar_path);
	free(rw_test_write(ar_path, "refs/heads/main.lock", c1));
	ck_assert_msg(rw_sync(&ctx, data, remote, RW_SYNC_PUSH, &res) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_int_eq(res.commits, 1);
	ck_assert_int_eq(access(lock, F_OK), -1);
	/* A first pull creates the member's data directory and archive. */
	free(data);
	data = path_of("member");
	ck_assert_msg(rw_sync(&ctx, data, remote, RW_SYNC_PULL, &res) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_int_eq(res.commits, 1);
	free(ar_path);
	ar_path = rw_asprintf("%s/archive.git", data);
	head_is(ar_path, c1);
	free(lock);
	free(ar_path);
	free(data);
	free(remote);
}
END_TEST

static Suite *sync_suite(void)
{
	Suite *s = suite_create("sync");
	TCase *tc = tcase_create("sync");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, push_to_an_empty_bare_repository_then_again);
	tcase_add_test(tc, push_by_file_url_fast_forwards);
	tcase_add_test(tc, push_to_a_diverged_remote_is_refused);
	tcase_add_test(tc, push_failures_name_the_remote);
	tcase_add_test(tc, pull_into_an_empty_archive_then_fast_forward);
	tcase_add_test(tc, pull_never_moves_main_backwards_or_sideways);
	tcase_add_test(tc, pull_from_a_repository_without_main);
	tcase_add_test(tc, sync_takes_the_update_lock_and_clears_stale_git_locks);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rw_test_run(sync_suite());
}
