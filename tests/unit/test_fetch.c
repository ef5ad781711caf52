/* Fetching against real loopback HTTP servers (tests/tools/httpd.py). */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "regwatch/fetch.h"

#define UA "regwatch-test/1.0 (+mailto:test@example.org)"
#define MIB ((size_t)1024 * 1024)

struct server {
	pid_t pid;
	long port;
	char *root;
};

/* Per test case (checked fixture, in the test's own process). */
static struct server srv;
static char *root;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Starts httpd.py serving dir (HTTPS when cert and key are given). */
static void server_start_tls(struct server *s, const char *dir, const char *cert, const char *key)
{
	char *portfile = rw_asprintf("%s/.port", dir);
	double deadline = now_s() + 15.0;
	pid_t pid;

	ck_assert_ptr_nonnull(portfile);
	unlink(portfile);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			close(fd);
		}
		if (cert != NULL)
			execl(RW_PYTHON, RW_PYTHON, RW_TEST_TOOLS "/httpd.py", "--root", dir, "--port-file",
			      portfile, "--exit-with-parent", "--tls-cert", cert, "--tls-key", key, (char *)NULL);
		else
			execl(RW_PYTHON, RW_PYTHON, RW_TEST_TOOLS "/httpd.py", "--root", dir, "--port-file",
			      portfile, "--exit-with-parent", (char *)NULL);
		_exit(127);
	}
	s->pid = pid;
	s->port = 0;
	s->root = rw_strdup(dir);
	while (now_s() < deadline) {
		rw_ctx ctx;
		rw_buf b = RW_BUF_INIT;
		int status;

		rw_ctx_init(&ctx, 0);
		if (access(portfile, F_OK) == 0 && rw_read_file(&ctx, &b, portfile, 64) == 0) {
			char *nl = strchr(b.data, '\n');

			if (nl)
				*nl = '\0';
			ck_assert_int_eq(rw_parse_long(b.data, 1, 65535, &s->port), 0);
			rw_buf_release(&b);
			break;
		}
		ck_assert_msg(waitpid(pid, &status, WNOHANG) == 0, "httpd.py exited early");
		usleep(20000);
	}
	free(portfile);
	ck_assert_msg(s->port > 0, "httpd.py did not report its port");
}

static void server_start(struct server *s, const char *dir)
{
	server_start_tls(s, dir, NULL, NULL);
}

static void server_stop(struct server *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
	free(s->root);
	s->root = NULL;
}

/*
 * Each test case gets a base directory from the parent process, which
 * removes it even when a test fails (a failing test's process ends without
 * its teardown; its servers exit with it).
 */
static char *base;

static void base_setup(void)
{
	base = rw_test_tmpdir();
}

static void base_teardown(void)
{
	rw_test_rmtree(base);
	free(base);
	base = NULL;
}

static void setup(void)
{
	char *tmpl = rw_asprintf("%s/testXXXXXX", base);
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_msg(rw_fetch_global_init(&ctx) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_ptr_nonnull(tmpl);
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	root = tmpl;
	server_start(&srv, root);
}

static void teardown(void)
{
	server_stop(&srv);
	rw_test_rmtree(root);
	free(root);
	root = NULL;
	rw_fetch_global_cleanup();
}

/* A fresh directory inside the test's directory (removed with it). */
static char *subdir(const char *name)
{
	char *d = rw_asprintf("%s/%s", root, name);

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(mkdir(d, 0700), 0);
	return d;
}

static char *url_of(const struct server *s, const char *path)
{
	char *u = rw_asprintf("http://127.0.0.1:%ld/%s", s->port, path);

	ck_assert_ptr_nonnull(u);
	return u;
}

static void put(const char *dir, const char *name, const char *text)
{
	free(rw_test_write(dir, name, text));
}

/* Writes n bytes of c to DIR/NAME. */
static void put_fill(const char *dir, const char *name, char c, size_t n)
{
	char *text = malloc(n + 1);

	ck_assert_ptr_nonnull(text);
	memset(text, c, n);
	text[n] = '\0';
	put(dir, name, text);
	free(text);
}

static void opts_init(rw_fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->user_agent = UA;
	o->connect_timeout_ms = 3000;
	o->max_attempts = 3;
	o->retry_delay_ms = 20;
	o->max_retry_delay_ms = 2000;
	o->max_parallel = 8;
}

static rw_fetch_req req_of(const char *name, const char *url)
{
	rw_fetch_req r;

	memset(&r, 0, sizeof(r));
	r.name = name;
	r.url = url;
	r.max_bytes = MIB;
	r.timeout_ms = 5000;
	return r;
}

/* Fetches one request; the result is for the caller to release. */
static void fetch1(const rw_fetch_opts *o, const rw_fetch_req *req, rw_fetch_res *res)
{
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_msg(rw_fetch_all(&ctx, o, req, res, 1) == 0, "%s", rw_errmsg(&ctx));
}

/*
 * The server's request log: lines for "path" (exact), containing needle
 * (NULL: any); the request times go to times[] when given.
 */
static int log_lines(const char *dir, const char *path, const char *needle, double *times, int max)
{
	char *logname = rw_asprintf("%s/requests.log", dir);
	char *key = rw_asprintf("\"path\":\"%s\"", path);
	char line[200000];
	FILE *f;
	int n = 0;

	ck_assert_ptr_nonnull(logname);
	ck_assert_ptr_nonnull(key);
	f = fopen(logname, "r");
	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			const char *t;

			if (strstr(line, key) == NULL || (needle != NULL && strstr(line, needle) == NULL))
				continue;
			t = strstr(line, "\"time\":");
			if (times != NULL && n < max && t != NULL)
				times[n] = strtod(t + 7, NULL);
			n++;
		}
		fclose(f);
	}
	free(logname);
	free(key);
	return n;
}

static int log_count(const char *dir, const char *path)
{
	return log_lines(dir, path, NULL, NULL, 0);
}

START_TEST(new_then_unchanged)
{
	rw_fetch_opts o;
	rw_fetch_req req;
	rw_fetch_res res, res2;
	char *u = url_of(&srv, "list.txt");
	char *needle;

	opts_init(&o);
	put(root, "list.txt", "Huawei Technologies Company\nZTE Corporation\n");
	req = req_of("fcc-covered-list", u);
	fetch1(&o, &req, &res);
	ck_assert_int_eq(res.outcome, RW_FETCH_NEW);
	ck_assert_int_eq(res.http_status, 200);
	ck_assert_str_eq(rw_buf_cstr(&res.body), "Huawei Technologies Company\nZTE Corporation\n");
	ck_assert_uint_eq(res.body.len, 44);
	ck_assert_ptr_nonnull(res.etag);
	ck_assert_int_eq(res.etag[0], '"');
	ck_assert_ptr_nonnull(res.last_modified);
	ck_assert_ptr_nonnull(strstr(res.last_modified, " GMT"));
	ck_assert_str_eq(res.content_type, "text/plain");
	ck_assert_str_eq(res.effective_url, u);
	ck_assert_int_eq(res.attempts, 1);
	ck_assert_str_eq(res.error, "");
	/* What the server saw: our User-Agent, compression offered, no cookies. */
	ck_assert_int_eq(log_lines(root, "/list.txt", "\"user-agent\":\"" UA "\"", NULL, 0), 1);
	ck_assert_int_eq(log_lines(root, "/list.txt", "gzip", NULL, 0), 1);
	ck_assert_int_eq(log_lines(root, "/list.txt", "\"cookie\"", NULL, 0), 0);
	ck_assert_int_eq(log_lines(root, "/list.txt", "if-none-match", NULL, 0), 0);

	/* Second run with the stored validators: 304, nothing downloaded. */
	req.etag = res.etag;
	req.last_modified = res.last_modified;
	fetch1(&o, &req, &res2);
	ck_assert_int_eq(res2.outcome, RW_FETCH_UNCHANGED);
	ck_assert_int_eq(res2.http_status, 304);
	ck_assert_uint_eq(res2.body.len, 0);
	ck_assert_str_eq(res2.etag, res.etag);
	ck_assert_str_eq(res2.last_modified, res.last_modified);
	ck_assert_str_eq(res2.error, "");
	needle = rw_asprintf("\"if-none-match\":\"\\\"%.*s\\\"\"", (int)strlen(res.etag) - 2, res.etag + 1);
	ck_assert_int_eq(log_count(root, "/list.txt"), 2);
	ck_assert_int_eq(log_lines(root, "/list.txt", needle, NULL, 0), 1);
	ck_assert_int_eq(log_lines(root, "/list.txt", "\"if-modified-since\":", NULL, 0), 1);
	free(needle);
	rw_fetch_res_release(&res);
	rw_fetch_res_release(&res2);
	free(u);
}
END_TEST

START_TEST(last_modified_alone)
{
	rw_fetch_opts o;
	rw_fetch_req req;
	rw_fetch_res res, res2, res3;
	char *u = url_of(&srv, "notes.txt");
	char *path = rw_asprintf("%s/notes.txt", root);
	char *lm;
	struct timespec times[2];

	opts_init(&o);
	put(root, "notes.txt", "first\n");
	times[0].tv_sec = times[1].tv_sec = 1700000000;
	times[0].tv_nsec = times[1].tv_nsec = 0;
	ck_assert_int_eq(utimensat(AT_FDCWD, path, times, 0), 0);
	req = req_of("notes", u);
	fetch1(&o, &req, &res);
	ck_assert_int_eq(res.outcome, RW_FETCH_NEW);
	ck_assert_str_eq(res.last_modified, "Tue, 14 Nov 2023 22:13:20 GMT");
	lm = rw_strdup(res.last_modified);

	/* Only the date is stored: If-Modified-Since alone gives 304. */
	req.last_modified = lm;
	fetch1(&o, &req, &res2);
	ck_assert_int_eq(res2.outcome, RW_FETCH_UNCHANGED);
	ck_assert_str_eq(res2.last_modified, lm);
	ck_assert_int_eq(log_lines(root, "/notes.txt", "\"if-modified-since\":\"Tue, 14 Nov 2023 22:13:20 GMT\"",
				   NULL, 0), 1);
	ck_assert_int_eq(log_lines(root, "/notes.txt", "if-none-match", NULL, 0), 0);

	/* The page changes: the same request now brings the new body. */
	put(root, "notes.txt", "second\n");
	times[0].tv_sec = times[1].tv_sec = 1700000100;
	ck_assert_int_eq(utimensat(AT_FDCWD, path, times, 0), 0);
	fetch1(&o, &req, &res3);
	ck_assert_int_eq(res3.outcome, RW_FETCH_NEW);
	ck_assert_str_eq(rw_buf_cstr(&res3.body), "second\n");
	ck_assert_str_eq(res3.last_modified, "Tue, 14 Nov 2023 22:15:00 GMT");
	rw_fetch_res_release(&res);
	rw_fetch_res_release(&res2);
	rw_fetch_res_release(&res3);
	free(lm);
	free(path);
	free(u);
}
END_TEST

START_TEST(gzip_decoded_and_capped)
{
	rw_fetch_opts o;
	rw_fetch_req req[2];
	rw_fetch_res res[2];
	rw_buf expect = RW_BUF_INIT;
	char *u0 = url_of(&srv, "feed.xml");
	char *u1 = url_of(&srv, "bomb.txt");
	rw_ctx ctx;
	int i;

	opts_init(&o);
	rw_ctx_init(&ctx, 0);
	for (i = 0; i < 500; i++)
		ck_assert_int_eq(rw_buf_printf(&expect, "<item><title>Notice %d</title></item>\n", i), 0);
	put(root, "feed.xml", rw_buf_cstr(&expect));
	put(root, "feed.xml.rules", "{\"gzip\": true}");
	/* 3 MiB that compress to a few KiB: the cap applies to the decoded bytes. */
	put_fill(root, "bomb.txt", 'A', 3 * MIB);
	put(root, "bomb.txt.rules", "{\"gzip\": true}");
	req[0] = req_of("feed", u0);
	req[1] = req_of("bomb", u1);
	ck_assert_int_eq(rw_fetch_all(&ctx, &o, req, res, 2), 0);
	ck_assert_int_eq(res[0].outcome, RW_FETCH_NEW);
	ck_assert_uint_eq(res[0].body.len, expect.len);
	ck_assert_str_eq(rw_buf_cstr(&res[0].body), rw_buf_cstr(&expect));
	ck_assert_int_eq(res[1].outcome, RW_FETCH_FAILED);
	ck_assert_str_eq(res[1].error, "source 'bomb': body larger than 1048576 bytes");
	ck_assert_uint_eq(res[1].body.len, 0);
	ck_assert_int_eq(log_count(root, "/bomb.txt"), 1);
	for (i = 0; i < 2; i++)
		rw_fetch_res_release(&res[i]);
	rw_buf_release(&expect);
	free(u0);
	free(u1);
}
END_TEST

START_TEST(retry_until_success)
{
	rw_fetch_opts o;
	rw_fetch_req req;
	rw_fetch_res res;
	char *u = url_of(&srv, "flaky.txt");
	double t0, t[3];

	opts_init(&o);
	o.retry_delay_ms = 150;
	put(root, "flaky.txt", "finally\n");
	put(root, "flaky.txt.rules", "[{\"status\": 503}, {\"status\": 503}, {}]");
	req = req_of("flaky", u);
	t0 = now_s();
	fetch1(&o, &req, &res);
	ck_assert_int_eq(res.outcome, RW_FETCH_NEW);
	ck_assert_int_eq(res.attempts, 3);
	ck_assert_int_eq(res.http_status, 200);
	ck_assert_str_eq(rw_buf_cstr(&res.body), "finally\n");
	ck_assert_int_eq(log_lines(root, "/flaky.txt", NULL, t, 3), 3);
	/* Backoff 150 ms, then 300 ms; the loop wakes up for each. */
	ck_assert_double_ge(t[1] - t[0], 0.14);
	ck_assert_double_lt(t[1] - t[0], 0.6);
	ck_assert_double_ge(t[2] - t[1], 0.29);
	ck_assert_double_lt(t[2] - t[1], 0.8);
	ck_assert_double_lt(now_s() - t0, 3.0);
	rw_fetch_res_release(&res);
	free(u);
}
END_TEST

START_TEST(retry_gives_up)
{
	rw_fetch_opts o;
	rw_fetch_req req;
	rw_fetch_res res;
	char *u = url_of(&srv, "down.txt");

	opts_init(&o);
	put(root, "down.txt", "never\n");
	put(root, "down.txt.rules", "[{\"status\": 503}]");
	req = req_of("fcc-covered-list", u);
	fetch1(&o, &req, &res);
	ck_assert_int_eq(res.outcome, RW_FETCH_FAILED);
	ck_assert_int_eq(res.http_status, 503);
	ck_assert_int_eq(res.attempts, 3);
	ck_assert_str_eq(res.error, "source 'fcc-covered-list': HTTP 503 Service Unavailable after 3 attempts");
	ck_assert_uint_eq(res.body.len, 0);
	ck_assert_ptr_null(res.etag);
	ck_assert_int_eq(log_count(root, "/down.txt"), 3);
	rw_fetch_res_release(&res);
	free(u);
}
END_TEST

START_TEST(retry_after_honoured_and_capped)
{
	rw_fetch_opts o;
	rw_fetch_req req;
	rw_fetch_res res, res2;
	char *u = url_of(&srv, "busy.txt");
	char *u2 = url_of(&srv, "limit.txt");
	double t0, t[2];

	opts_init(&o);
	o.retry_delay_ms = 10;
	o.max_retry_delay_ms = 5000;
	put(root, "busy.txt", "ok\n");
	put(root, "busy.txt.rules", "[{\"status\": 503, \"headers\": {\"Retry-After\": \"1\"}}, {}]");
	req = req_of("busy", u);
	t0 = now_s();
	fetch1(&o, &req, &res);
	ck_assert_int_eq(res.outcome, RW_FETCH_NEW);
	ck_assert_int_eq(res.attempts, 2);
	ck_assert_double_ge(now_s() - t0, 1.0);
	ck_assert_int_eq(log_lines(root, "/busy.txt", NULL, t, 2), 2);
	ck_assert_double_ge(t[1] - t[0], 0.99);

	/* A Retry-After beyond the cap waits only the cap. */
	o.max_retry_delay_ms = 300;
	put(root, "limit.txt", "ok\n");
	put(root, "limit.txt.rules", "[{\"status\": 429, \"headers\": {\"Retry-After\": \"30\"}}, {}]");
	req = req_of("limit", u2);
	t0 = now_s();
	fetch1(&o, &req, &res2);
	ck_assert_int_eq(res2.outcome, RW_FETCH_NEW);
	ck_assert_int_eq(res2.attempts, 2);
	ck_assert_double_lt(now_s() - t0, 3.0);
	ck_assert_int_eq(log_lines(root, "/limit.txt", NULL, t, 2), 2);
	ck_assert_double_ge(t[1] - t[0], 0.29);
	rw_fetch_res_release(&res);
	rw_fetch_res_release(&res2);
	free(u);
	free(u2);
}
END_TEST

START_TEST(client_errors_fail_at_once)
{
	rw_fetch_opts o;
	rw_fetch_req req[3];
	rw_fetch_res res[3];
	char *u0 = url_of(&srv, "missing.txt");
	char *u1 = url_of(&srv, "forbidden.txt");
	char *u2 = url_of(&srv, "broken.txt");
	rw_ctx ctx;
	int i;

	opts_init(&o);
	rw_ctx_init(&ctx, 0);
	put(root, "forbidden.txt.rules", "{\"status\": 403}");
	put(root, "broken.txt.rules", "{\"status\": 500}");
	req[0] = req_of("gone", u0);
	req[1] = req_of("closed", u1);
	req[2] = req_of("broken", u2);
	o.max_attempts = 1;
	ck_assert_int_eq(rw_fetch_all(&ctx, &o, req, res, 3), 0);
	ck_assert_int_eq(res[0].outcome, RW_FETCH_FAILED);
	ck_assert_int_eq(res[0].http_status, 404);
	ck_assert_int_eq(res[0].attempts, 1);
	ck_assert_str_eq(res[0].error, "source 'gone': HTTP 404 Not Found");
	ck_assert_str_eq(res[1].error, "source 'closed': HTTP 403 Forbidden");
	ck_assert_str_eq(res[2].error, "source 'broken': HTTP 500 Internal Server Error");
	for (i = 0; i < 3; i++)
		rw_fetch_res_release(&res[i]);

	/* With retries allowed, 4xx are still not retried. */
	o.max_attempts = 3;
	ck_assert_int_eq(rw_fetch_all(&ctx, &o, req, res, 2), 0);
	ck_assert_int_eq(res[0].attempts, 1);
	ck_assert_int_eq(res[1].attempts, 1);
	ck_assert_int_eq(log_count(root, "/missing.txt"), 2);
	ck_assert_int_eq(log_count(root, "/forbidden.txt"), 2);
	for (i = 0; i < 2; i++)
		rw_fetch_res_release(&res[i]);
	free(u0);
	free(u1);
	free(u2);
}
END_TEST

START_TEST(redirect_to_other_schemes_refused)
{
	rw_fetch_opts o;
	rw_fetch_req req[3];
	rw_fetch_res res[3];
	char *u0 = url_of(&srv, "evil");
	char *u1 = url_of(&srv, "sneaky");
	char *u2 = url_of(&srv, "ftp");
	char *rules;
	rw_ctx ctx;
	int i;

	opts_init(&o);
	rw_ctx_init(&ctx, 0);
	put(root, "secret.txt", "SECRET-MARKER-7f3a\n");
	put(root, "evil.rules", "{\"redirect\": \"file:///etc/passwd\"}");
	rules = rw_asprintf("{\"redirect\": \"file://%s/secret.txt\", \"status\": 301}", root);
	put(root, "sneaky.rules", rules);
	put(root, "ftp.rules", "{\"redirect\": \"ftp://127.0.0.1/pub/list.txt\"}");
	req[0] = req_of("evil", u0);
	req[1] = req_of("sneaky", u1);
	req[2] = req_of("ftp", u2);
	ck_assert_int_eq(rw_fetch_all(&ctx, &o, req, res, 3), 0);
	ck_assert_int_eq(res[0].outcome, RW_FETCH_FAILED);
	ck_assert_str_eq(res[0].error, "source 'evil': redirect to a disallowed scheme (file:///etc/passwd)");
	ck_assert_uint_eq(res[0].body.len, 0);
	ck_assert_ptr_null(strstr(res[0].error, "root:"));
	ck_assert_int_eq(res[0].attempts, 1);
	ck_assert_int_eq(res[1].outcome, RW_FETCH_FAILED);
	ck_assert_ptr_nonnull(strstr(res[1].error, "redirect to a disallowed scheme (file://"));
	ck_assert_ptr_null(strstr(res[1].error, "SECRET-MARKER"));
	ck_assert_uint_eq(res[1].body.len, 0);
	ck_assert_str_eq(res[2].error, "source 'ftp': redirect to a disallowed scheme (ftp://127.0.0.1/pub/list.txt)");
	ck_assert_int_eq(log_count(root, "/evil"), 1);
	for (i = 0; i < 3; i++)
		rw_fetch_res_release(&res[i]);
	free(rules);
	free(u0);
	free(u1);
	free(u2);
}
END_TEST

START_TEST(redirect_limits_and_final_validators)
{
	rw_fetch_opts o;
	rw_fetch_req req[2];
	rw_fetch_res res[2];
	char *u0 = url_of(&srv, "r0");
	char *u1 = url_of(&srv, "h0");
	char *final = url_of(&srv, "h2");
	char name[32], rules[160];
	rw_ctx ctx;
	int i;

	opts_init(&o);
	rw_ctx_init(&ctx, 0);
	/* r0 -> r1 -> ... -> r6: six redirects, one more than allowed. */
	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "r%d.rules", i);
		snprintf(rules, sizeof(rules), "{\"redirect\": \"/r%d\"}", i + 1);
		put(root, name, rules);
	}
	put(root, "r6", "too far\n");
	/* h0 -> h1 -> h2: the hops carry validators of their own. */
	put(root, "h0.rules", "{\"redirect\": \"/h1\", \"status\": 301, \"headers\": {\"ETag\": \"\\\"hop0\\\"\", "
			      "\"Last-Modified\": \"Mon, 01 Jan 2024 00:00:00 GMT\"}}");
	put(root, "h1.rules", "{\"redirect\": \"/h2\", \"status\": 307, \"headers\": {\"ETag\": \"\\\"hop1\\\"\"}}");
	put(root, "h2.rules", "{\"body\": \"arrived\\n\", \"headers\": {\"ETag\": \"\\\"final\\\"\"}}");
	req[0] = req_of("loop", u0);
	req[1] = req_of("moved", u1);
	ck_assert_int_eq(rw_fetch_all(&ctx, &o, req, res, 2), 0);
	ck_assert_int_eq(res[0].outcome, RW_FETCH_FAILED);
	ck_assert_str_eq(res[0].error, "source 'loop': too many redirects (more than 5)");
	ck_assert_int_eq(res[0].attempts, 1);
	ck_assert_int_eq(log_count(root, "/r5"), 1);
	ck_assert_int_eq(log_count(root, "/r6"), 0);
	ck_assert_int_eq(res[1].outcome, RW_FETCH_NEW);
	ck_assert_str_eq(rw_buf_cstr(&res[1].body), "arrived\n");
	ck_assert_str_eq(res[1].effective_url, final);
	ck_assert_str_eq(res[1].etag, "\"final\"");
	ck_assert_ptr_null(res[1].last_modified);
	for (i = 0; i < 2; i++)
		rw_fetch_res_release(&res[i]);
	free(u0);
	free(u1);
	free(final);
}
END_TEST

START_TEST(body_cap)
{
	rw_fetch_opts o;
	rw_fetch_req req[3];
	rw_fetch_res res[3];
	char *u0 = url_of(&srv, "chunked.txt");
	char *u1 = url_of(&srv, "sized.txt");
	char *u2 = url_of(&srv, "exact.txt");
	rw_ctx ctx;
	int i;

	opts_init(&o);
	rw_ctx_init(&ctx, 0);
	put_fill(root, "chunked.txt", 'c', 2 * MIB);
	put(root, "chunked.txt.rules", "{\"chunked\": true}");
	put_fill(root, "sized.txt", 's', 2 * MIB);
	put_fill(root, "exact.txt", 'e', MIB);
	req[0] = req_of("chunked", u0);
	req[1] = req_of("sized", u1);
	req[2] = req_of("exact", u2);
	ck_assert_int_eq(rw_fetch_all(&ctx, &o, req, res, 3), 0);
	ck_assert_int_eq(res[0].outcome, RW_FETCH_FAILED);
	ck_assert_str_eq(res[0].error, "source 'chunked': body larger than 1048576 bytes");
	ck_assert_uint_eq(res[0].body.len, 0);
	ck_assert_int_eq(res[1].outcome, RW_FETCH_FAILED);
	ck_assert_str_eq(res[1].error, "source 'sized': body larger than 1048576 bytes");
	ck_assert_int_eq(res[2].outcome, RW_FETCH_NEW);
	ck_assert_uint_eq(res[2].body.len, MIB);
	/* Over the cap is final: no retries. */
	ck_assert_int_eq(log_count(root, "/chunked.txt"), 1);
	ck_assert_int_eq(log_count(root, "/sized.txt"), 1);
	for (i = 0; i < 3; i++)
		rw_fetch_res_release(&res[i]);
	free(u0);
	free(u1);
	free(u2);
}
END_TEST

START_TEST(header_cap)
{
	rw_fetch_opts o;
	rw_fetch_req req;
	rw_fetch_res res;
	rw_buf rules = RW_BUF_INIT;
	char *u = url_of(&srv, "fat.txt");
	int i;

	opts_init(&o);
	put(root, "fat.txt", "small body\n");
	ck_assert_int_eq(rw_buf_puts(&rules, "{\"headers\": {\"X-Filler\": \""), 0);
	for (i = 0; i < 70000; i++)
		ck_assert_int_eq(rw_buf_putc(&rules, 'x'), 0);
	ck_assert_int_eq(rw_buf_puts(&rules, "\"}}"), 0);
	put(root, "fat.txt.rules", rw_buf_cstr(&rules));
	req = req_of("fat", u);
	fetch1(&o, &req, &res);
	ck_assert_int_eq(res.outcome, RW_FETCH_FAILED);
	ck_assert_str_eq(res.error, "source 'fat': response headers larger than 65536 bytes");
	ck_assert_int_eq(log_count(root, "/fat.txt"), 1);
	rw_fetch_res_release(&res);
	rw_buf_release(&rules);
	free(u);
}
END_TEST

START_TEST(truncated_body)
{
	rw_fetch_opts o;
	rw_fetch_req req;
	rw_fetch_res res, res2;
	char *u = url_of(&srv, "cut.txt");

	opts_init(&o);
	put_fill(root, "cut.txt", 't', 1000);
	put(root, "cut.txt.rules", "{\"truncate\": 10}");
	req = req_of("cut", u);
	o.max_attempts = 1;
	fetch1(&o, &req, &res);
	ck_assert_int_eq(res.outcome, RW_FETCH_FAILED);
	ck_assert_str_eq(res.error, "source 'cut': transfer truncated (partial file)");
	ck_assert_uint_eq(res.body.len, 0);

	/* A truncated transfer is worth another try. */
	o.max_attempts = 2;
	fetch1(&o, &req, &res2);
	ck_assert_int_eq(res2.attempts, 2);
	ck_assert_str_eq(res2.error, "source 'cut': transfer truncated (partial file), 2 attempts");
	ck_assert_int_eq(log_count(root, "/cut.txt"), 3);
	rw_fetch_res_release(&res);
	rw_fetch_res_release(&res2);
	free(u);
}
END_TEST

START_TEST(hang_times_out)
{
	rw_fetch_opts o;
	rw_fetch_req req;
	rw_fetch_res res;
	char *u = url_of(&srv, "stuck");
	double t0, dt;

	opts_init(&o);
	o.max_attempts = 1;
	put(root, "stuck.rules", "{\"hang\": true}");
	req = req_of("stuck", u);
	req.timeout_ms = 1500;
	t0 = now_s();
	fetch1(&o, &req, &res);
	dt = now_s() - t0;
	ck_assert_int_eq(res.outcome, RW_FETCH_FAILED);
	ck_assert_str_eq(res.error, "source 'stuck': timed out after 1500 ms");
	ck_assert_double_ge(dt, 1.4);
	ck_assert_double_lt(dt, 5.0);
	rw_fetch_res_release(&res);
	free(u);
}
END_TEST

START_TEST(trickle_too_slow)
{
	rw_fetch_opts o;
	rw_fetch_req req;
	rw_fetch_res res;
	char *u = url_of(&srv, "slow.txt");
	double t0, dt;

	opts_init(&o);
	o.max_attempts = 1;
	o.low_speed_limit = 100;
	o.low_speed_time = 1;
	put_fill(root, "slow.txt", 'z', 200);
	put(root, "slow.txt.rules", "{\"trickle\": 0.3}");
	req = req_of("slow", u);
	req.timeout_ms = 20000;
	t0 = now_s();
	fetch1(&o, &req, &res);
	dt = now_s() - t0;
	ck_assert_int_eq(res.outcome, RW_FETCH_FAILED);
	ck_assert_str_eq(res.error, "source 'slow': transfer too slow (less than 100 bytes/s for 1 s)");
	ck_assert_double_lt(dt, 5.0);
	rw_fetch_res_release(&res);
	free(u);
}
END_TEST

START_TEST(file_urls)
{
	rw_fetch_opts o;
	rw_fetch_req req[3];
	rw_fetch_res res[3];
	char *u0 = rw_asprintf("file://%s/local.csv", root);
	char *u1 = rw_asprintf("file://%s/absent.csv", root);
	char *u2 = rw_asprintf("file://%s/big.csv", root);
	rw_ctx ctx;
	int i;

	opts_init(&o);
	rw_ctx_init(&ctx, 0);
	put(root, "local.csv", "name,date\nHikvision,2021-03-12\n");
	put_fill(root, "big.csv", 'b', 2 * MIB);
	req[0] = req_of("local", u0);
	req[0].etag = "\"whatever\"";
	req[1] = req_of("absent", u1);
	req[2] = req_of("big", u2);
	ck_assert_int_eq(rw_fetch_all(&ctx, &o, req, res, 3), 0);
	/* No 304 for files: the body comes back and the caller compares. */
	ck_assert_int_eq(res[0].outcome, RW_FETCH_NEW);
	ck_assert_int_eq(res[0].http_status, 0);
	ck_assert_str_eq(rw_buf_cstr(&res[0].body), "name,date\nHikvision,2021-03-12\n");
	ck_assert_int_eq(res[1].outcome, RW_FETCH_FAILED);
	ck_assert_int_eq(res[1].attempts, 1);
	ck_assert_int_eq(strncmp(res[1].error, "source 'absent': ", 17), 0);
	ck_assert_ptr_nonnull(strstr(res[1].error, "absent.csv"));
	ck_assert_int_eq(res[2].outcome, RW_FETCH_FAILED);
	ck_assert_str_eq(res[2].error, "source 'big': body larger than 1048576 bytes");
	for (i = 0; i < 3; i++)
		rw_fetch_res_release(&res[i]);
	free(u0);
	free(u1);
	free(u2);
}
END_TEST

START_TEST(unusable_urls)
{
	rw_fetch_opts o;
	rw_fetch_req req[3];
	rw_fetch_res res[3];
	rw_ctx ctx;
	int i;

	opts_init(&o);
	rw_ctx_init(&ctx, 0);
	req[0] = req_of("ftp", "ftp://127.0.0.1/pub/list.txt");
	req[1] = req_of("gopher", "gopher://127.0.0.1/1");
	req[2] = req_of("garbage", "not a url");
	ck_assert_int_eq(rw_fetch_all(&ctx, &o, req, res, 3), 0);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(res[i].outcome, RW_FETCH_FAILED);
		ck_assert_int_eq(res[i].attempts, 0);
	}
	ck_assert_str_eq(res[0].error, "source 'ftp': url scheme 'ftp' not allowed (ftp://127.0.0.1/pub/list.txt)");
	ck_assert_str_eq(res[1].error, "source 'gopher': url scheme 'gopher' not allowed (gopher://127.0.0.1/1)");
	ck_assert_int_eq(strncmp(res[2].error, "source 'garbage': invalid url 'not a url'", 41), 0);
	for (i = 0; i < 3; i++)
		rw_fetch_res_release(&res[i]);
}
END_TEST

START_TEST(validators_cannot_inject_headers)
{
	rw_fetch_opts o;
	rw_fetch_req req;
	rw_fetch_res res;
	char *u = url_of(&srv, "plain.txt");

	opts_init(&o);
	put(root, "plain.txt", "body\n");
	req = req_of("plain", u);
	req.etag = "\"v1\"\r\nX-Injected: yes";
	fetch1(&o, &req, &res);
	ck_assert_int_eq(res.outcome, RW_FETCH_NEW);
	ck_assert_int_eq(log_count(root, "/plain.txt"), 1);
	ck_assert_int_eq(log_lines(root, "/plain.txt", "x-injected", NULL, 0), 0);
	ck_assert_int_eq(log_lines(root, "/plain.txt", "if-none-match", NULL, 0), 0);
	rw_fetch_res_release(&res);
	free(u);
}
END_TEST

START_TEST(concurrent_sources)
{
	struct server more[2];
	const struct server *by[3];
	char *dirs[2];
	char *urls[6];
	char *names[6];
	char file[32], text[32];
	rw_fetch_opts o;
	rw_fetch_req req[6];
	rw_fetch_res res[6];
	rw_ctx ctx;
	double t0, dt;
	int i;

	opts_init(&o);
	rw_ctx_init(&ctx, 0);
	by[0] = &srv;
	for (i = 0; i < 2; i++) {
		snprintf(file, sizeof(file), "more%d", i);
		dirs[i] = subdir(file);
		server_start(&more[i], dirs[i]);
		by[i + 1] = &more[i];
	}
	/* Six sources, two on each of three hosts, each answering after 1 s. */
	for (i = 0; i < 6; i++) {
		const struct server *s = by[i % 3];

		snprintf(file, sizeof(file), "s%d.txt", i);
		snprintf(text, sizeof(text), "source %d\n", i);
		put(s->root, file, text);
		snprintf(file, sizeof(file), "s%d.txt.rules", i);
		put(s->root, file, "{\"delay\": 1}");
		snprintf(file, sizeof(file), "s%d.txt", i);
		urls[i] = url_of(s, file);
		names[i] = rw_asprintf("source-%d", i);
		req[i] = req_of(names[i], urls[i]);
	}
	t0 = now_s();
	ck_assert_int_eq(rw_fetch_all(&ctx, &o, req, res, 6), 0);
	dt = now_s() - t0;
	ck_assert_double_ge(dt, 1.0);
	ck_assert_double_lt(dt, 2.5);
	for (i = 0; i < 6; i++) {
		snprintf(text, sizeof(text), "source %d\n", i);
		ck_assert_int_eq(res[i].outcome, RW_FETCH_NEW);
		ck_assert_str_eq(rw_buf_cstr(&res[i].body), text);
		rw_fetch_res_release(&res[i]);
		free(urls[i]);
	}

	/* Four sources on one host, 0.6 s each: at most two at once, so two rounds. */
	for (i = 0; i < 4; i++) {
		snprintf(file, sizeof(file), "h%d.txt", i);
		put(root, file, "same host\n");
		urls[i] = url_of(&srv, file);
		snprintf(file, sizeof(file), "h%d.txt.rules", i);
		put(root, file, "{\"delay\": 0.6}");
		req[i] = req_of(names[i], urls[i]);
	}
	t0 = now_s();
	ck_assert_int_eq(rw_fetch_all(&ctx, &o, req, res, 4), 0);
	dt = now_s() - t0;
	ck_assert_double_ge(dt, 1.2);
	ck_assert_double_lt(dt, 2.4);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(res[i].outcome, RW_FETCH_NEW);
		rw_fetch_res_release(&res[i]);
	}

	/* max_parallel 1: one after the other, even across hosts. */
	o.max_parallel = 1;
	req[1] = req_of(names[1], urls[1]);
	free(urls[1]);
	urls[1] = url_of(&more[0], "s1.txt");
	req[1].url = urls[1];
	put(more[0].root, "s1.txt.rules", "{\"delay\": 0.6}");
	t0 = now_s();
	ck_assert_int_eq(rw_fetch_all(&ctx, &o, req, res, 2), 0);
	ck_assert_double_ge(now_s() - t0, 1.2);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(res[i].outcome, RW_FETCH_NEW);
		rw_fetch_res_release(&res[i]);
	}

	for (i = 0; i < 2; i++) {
		server_stop(&more[i]);
		free(dirs[i]);
	}
	for (i = 0; i < 4; i++)
		free(urls[i]);
	for (i = 0; i < 6; i++)
		free(names[i]);
}
END_TEST

START_TEST(waiting_retry_does_not_block)
{
	rw_fetch_opts o;
	rw_fetch_req req[2];
	rw_fetch_res res[2];
	char *u0 = url_of(&srv, "later.txt");
	char *u1 = url_of(&srv, "now.txt");
	double ta[2], tb[1];
	rw_ctx ctx;
	int i;

	opts_init(&o);
	rw_ctx_init(&ctx, 0);
	o.max_parallel = 1;
	o.retry_delay_ms = 1000;
	put(root, "later.txt", "later\n");
	put(root, "later.txt.rules", "[{\"status\": 502}, {}]");
	put(root, "now.txt", "now\n");
	req[0] = req_of("later", u0);
	req[1] = req_of("now", u1);
	ck_assert_int_eq(rw_fetch_all(&ctx, &o, req, res, 2), 0);
	ck_assert_int_eq(res[0].outcome, RW_FETCH_NEW);
	ck_assert_int_eq(res[0].attempts, 2);
	ck_assert_int_eq(res[1].outcome, RW_FETCH_NEW);
	ck_assert_int_eq(log_lines(root, "/later.txt", NULL, ta, 2), 2);
	ck_assert_int_eq(log_lines(root, "/now.txt", NULL, tb, 1), 1);
	/* The only slot went to 'now' while 'later' waited for its retry. */
	ck_assert_double_lt(tb[0], ta[1]);
	ck_assert_double_lt(tb[0] - ta[0], 0.5);
	for (i = 0; i < 2; i++)
		rw_fetch_res_release(&res[i]);
	free(u0);
	free(u1);
}
END_TEST

START_TEST(one_failure_does_not_spoil_the_rest)
{
	rw_fetch_opts o;
	rw_fetch_req req[6];
	rw_fetch_res res[6];
	char *urls[6];
	const char *names[6] = {"good-1", "missing", "stuck", "flaky", "refused", "good-2"};
	rw_ctx ctx;
	double t0;
	int i;

	opts_init(&o);
	rw_ctx_init(&ctx, 0);
	o.max_attempts = 2;
	put(root, "good1.txt", "one\n");
	put(root, "good2.txt", "two\n");
	put(root, "stuck.rules", "{\"hang\": true}");
	put(root, "flaky.rules", "{\"status\": 504}");
	urls[0] = url_of(&srv, "good1.txt");
	urls[1] = url_of(&srv, "missing.txt");
	urls[2] = url_of(&srv, "stuck");
	urls[3] = url_of(&srv, "flaky");
	urls[4] = rw_strdup("http://127.0.0.1:1/closed"); /* nothing listens on port 1 */
	urls[5] = url_of(&srv, "good2.txt");
	for (i = 0; i < 6; i++)
		req[i] = req_of(names[i], urls[i]);
	req[2].timeout_ms = 800;
	t0 = now_s();
	ck_assert_int_eq(rw_fetch_all(&ctx, &o, req, res, 6), 0);
	ck_assert_double_lt(now_s() - t0, 5.0);
	ck_assert_int_eq(res[0].outcome, RW_FETCH_NEW);
	ck_assert_str_eq(rw_buf_cstr(&res[0].body), "one\n");
	ck_assert_str_eq(res[1].error, "source 'missing': HTTP 404 Not Found");
	ck_assert_str_eq(res[2].error, "source 'stuck': timed out after 800 ms, 2 attempts");
	ck_assert_str_eq(res[3].error, "source 'flaky': HTTP 504 Gateway Timeout after 2 attempts");
	ck_assert_int_eq(res[4].outcome, RW_FETCH_FAILED);
	ck_assert_int_eq(res[4].attempts, 2);
	ck_assert_int_eq(strncmp(res[4].error, "source 'refused': ", 18), 0);
	ck_assert_ptr_nonnull(strstr(res[4].error, "(curl error 7)"));
	ck_assert_int_eq(res[5].outcome, RW_FETCH_NEW);
	ck_assert_str_eq(rw_buf_cstr(&res[5].body), "two\n");
	for (i = 0; i < 6; i++) {
		ck_assert_ptr_null(strchr(res[i].error, '\n'));
		rw_fetch_res_release(&res[i]);
		free(urls[i]);
	}
}
END_TEST

/* A throw-away CA and a certificate for "localhost", made with the openssl tool. */
static void make_certs(const char *dir)
{
	char *cmd = rw_asprintf(
		"cd '%s' && "
		"openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
		"-subj '/CN=regwatch test CA' -keyout ca.key -out ca.pem && "
		"openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
		"-subj '/CN=localhost' -keyout server.key -out server.csr && "
		"printf 'subjectAltName=DNS:localhost\\nbasicConstraints=CA:FALSE\\n' > server.ext && "
		"openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
		"-extfile server.ext -out server.pem",
		dir);
	char *quiet = rw_asprintf("(%s) >/dev/null 2>&1", cmd);

	ck_assert_msg(system(quiet) == 0, "openssl could not make the test certificates");
	free(cmd);
	free(quiet);
}

START_TEST(tls_verified)
{
	struct server tls;
	char *certs = subdir("certs");
	char *site = subdir("site");
	char *cert = rw_asprintf("%s/server.pem", certs);
	char *key = rw_asprintf("%s/server.key", certs);
	char *ca = rw_asprintf("%s/ca.pem", certs);
	char *u0, *u1;
	rw_fetch_opts o;
	rw_fetch_req req[2];
	rw_fetch_res res[2];
	rw_ctx ctx;
	int i;

	opts_init(&o);
	rw_ctx_init(&ctx, 0);
	make_certs(certs);
	server_start_tls(&tls, site, cert, key);
	put(site, "secure.txt", "over tls\n");
	u0 = rw_asprintf("https://localhost:%ld/secure.txt", tls.port);
	u1 = rw_asprintf("https://127.0.0.1:%ld/secure.txt", tls.port);
	req[0] = req_of("secure", u0);
	req[1] = req_of("wrong-name", u1);
	o.max_attempts = 1;

	/* Not signed by a CA we trust: refused. */
	ck_assert_int_eq(rw_fetch_all(&ctx, &o, req, res, 1), 0);
	ck_assert_int_eq(res[0].outcome, RW_FETCH_FAILED);
	ck_assert_ptr_nonnull(strstr(res[0].error, "(curl error 60)"));
	ck_assert_uint_eq(res[0].body.len, 0);
	rw_fetch_res_release(&res[0]);

	/* With the test CA: the right name works, another name is refused. */
	o.ca_file = ca;
	ck_assert_int_eq(rw_fetch_all(&ctx, &o, req, res, 2), 0);
	ck_assert_int_eq(res[0].outcome, RW_FETCH_NEW);
	ck_assert_str_eq(rw_buf_cstr(&res[0].body), "over tls\n");
	ck_assert_int_eq(res[1].outcome, RW_FETCH_FAILED);
	ck_assert_ptr_nonnull(strstr(res[1].error, "(curl error 60)"));
	/* Only the verified connection got as far as a request. */
	ck_assert_int_eq(log_count(site, "/secure.txt"), 1);
	for (i = 0; i < 2; i++)
		rw_fetch_res_release(&res[i]);
	server_stop(&tls);
	free(certs);
	free(site);
	free(cert);
	free(key);
	free(ca);
	free(u0);
	free(u1);
}
END_TEST

START_TEST(runtime_check)
{
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(rw_fetch_check_runtime(&ctx, RW_FETCH_MIN_CURL), 0);
	ck_assert_int_eq(rw_fetch_check_runtime(&ctx, 0x630000u), RW_EFETCH);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "is too old (99.0.0 or newer is needed)"));
	ck_assert_int_eq(strncmp(rw_fetch_library_version(), "libcurl/", 8), 0);
}
END_TEST

START_TEST(nothing_to_fetch)
{
	rw_ctx ctx;
	rw_fetch_opts o;

	rw_ctx_init(&ctx, 0);
	opts_init(&o);
	ck_assert_int_eq(rw_fetch_all(&ctx, &o, NULL, NULL, 0), 0);
}
END_TEST

static Suite *fetch_suite(void)
{
	Suite *s = suite_create("fetch");
	TCase *tc = tcase_create("loopback");

	tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, new_then_unchanged);
	tcase_add_test(tc, last_modified_alone);
	tcase_add_test(tc, gzip_decoded_and_capped);
	tcase_add_test(tc, retry_until_success);
	tcase_add_test(tc, retry_gives_up);
	tcase_add_test(tc, retry_after_honoured_and_capped);
	tcase_add_test(tc, client_errors_fail_at_once);
	tcase_add_test(tc, redirect_to_other_schemes_refused);
	tcase_add_test(tc, redirect_limits_and_final_validators);
	tcase_add_test(tc, body_cap);
	tcase_add_test(tc, header_cap);
	tcase_add_test(tc, truncated_body);
	tcase_add_test(tc, hang_times_out);
	tcase_add_test(tc, trickle_too_slow);
	tcase_add_test(tc, file_urls);
	tcase_add_test(tc, unusable_urls);
	tcase_add_test(tc, validators_cannot_inject_headers);
	tcase_add_test(tc, concurrent_sources);
	tcase_add_test(tc, waiting_retry_does_not_block);
	tcase_add_test(tc, one_failure_does_not_spoil_the_rest);
	tcase_add_test(tc, tls_verified);
	suite_add_tcase(s, tc);

	tc = tcase_create("process");
	tcase_add_test(tc, runtime_check);
	tcase_add_test(tc, nothing_to_fetch);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rw_test_run(fetch_suite());
}
