/* The URL check and redaction on curl_url(), and the libcurl safe defaults. */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "testutil.h"
#include "regwatch/fetch.h"
#include "regwatch/url.h"

#define WEB "https http"
#define ALL (RW_URL_NO_CREDENTIALS | RW_URL_NO_SPACES)

/* rw_url_check's code, with its message in msg. */
static int check(const char *url, const char *schemes, unsigned flags, char *msg, size_t n)
{
	rw_ctx ctx;
	int rc;

	rw_ctx_init(&ctx, 0);
	rc = rw_url_check(&ctx, url, schemes, flags);
	snprintf(msg, n, "%s", rc < 0 ? rw_errmsg(&ctx) : "");
	return rc;
}

#define ACCEPTED(url, schemes, flags)                                                      \
	do {                                                                               \
		char m_[256];                                                              \
		ck_assert_msg(check(url, schemes, flags, m_, sizeof(m_)) == 0, "%s: %s", url, m_); \
	} while (0)

#define REFUSED(url, schemes, flags, why)                                                  \
	do {                                                                               \
		char m_[256];                                                              \
		ck_assert_int_eq(check(url, schemes, flags, m_, sizeof(m_)), RW_EDATA);    \
		ck_assert_msg(strstr(m_, why) != NULL, "%s: '%s' lacks '%s'", url, m_, why); \
	} while (0)

START_TEST(schemes_without_regard_to_case)
{
	ACCEPTED("https://www.fcc.gov/supplychain/coveredlist", WEB, ALL);
	ACCEPTED("HTTPS://x", WEB, ALL);
	ACCEPTED("Http://example.org/a?b=1&c=2#f", WEB, ALL);
	ACCEPTED("file:///srv/regwatch/list.csv", "http https file", ALL);
	ACCEPTED("smtps://mail.example.org:465", "smtp smtps", ALL);
	REFUSED("file:///etc/passwd", WEB, ALL, "scheme must be https or http");
	REFUSED("data:text/html,<script>", WEB, ALL, "scheme must be https or http");
	REFUSED("javascript:alert(1)", WEB, 0, "scheme must be https or http");
	REFUSED("ftp://127.0.0.1/pub", "http https file", ALL, "scheme must be http, https or file");
	REFUSED("http://mail.example.org", "smtp smtps", ALL, "scheme must be smtp or smtps");
	REFUSED("www.example.org/list", WEB, ALL, "scheme must be");
	REFUSED("//evil.example/", WEB, ALL, "scheme must be");
}
END_TEST

START_TEST(hosts)
{
	REFUSED("https://", WEB, ALL, "no host");
	REFUSED("https:///path", WEB, ALL, "no host");
	REFUSED("https:/x.example/", WEB, ALL, "no host");
	REFUSED("", WEB, ALL, "empty url");
}
END_TEST

START_TEST(credentials)
{
	REFUSED("https://user:pw@example.org/", WEB, ALL, "credentials do not belong in the url");
	REFUSED("smtp://u@mail.example.org", "smtp smtps", ALL, "credentials");
	ACCEPTED("https://user:pw@example.org/", WEB, RW_URL_NO_SPACES);
}
END_TEST

START_TEST(spaces_and_controls)
{
	REFUSED("https://a.example/x y", WEB, ALL, "spaces or control characters");
	REFUSED("https://a.example/\n", WEB, ALL, "spaces or control characters");
	REFUSED("https://a.example/\x7f", WEB, ALL, "spaces or control characters");
	REFUSED(" https://a.example/", WEB, ALL, "spaces");
}
END_TEST

START_TEST(loopback_for_plain_schemes)
{
	unsigned f = ALL | RW_URL_LOOPBACK_PLAIN;

	ACCEPTED("http://127.0.0.1:8080/hook", WEB, f);
	REFUSED("http://localhost/hook", WEB, f, "loopback");
	ACCEPTED("http://[::1]:9/hook", WEB, f);
	ACCEPTED("https://hooks.example.org/x", WEB, f);
	ACCEPTED("smtp://127.0.0.1:2525", "smtp smtps", f);
	REFUSED("http://hooks.example.org/x", WEB, f, "plain http only to a loopback address");
	REFUSED("http://127.0.0.1.evil.example/", WEB, f, "loopback");
	REFUSED("http://128.0.0.1/", WEB, f, "loopback");
	REFUSED("smtp://mail.example.org", "smtp smtps", f, "plain smtp only to a loopback address");
	ck_assert(rw_url_host_is_loopback("127.255.0.1"));
	ck_assert(!rw_url_host_is_loopback("127.0.0.256"));
	ck_assert(!rw_url_host_is_loopback("127.0.0"));
	ck_assert(!rw_url_host_is_loopback(NULL));
}
END_TEST

START_TEST(redaction)
{
	char *r;

	r = rw_url_redacted("https://user:secret@hooks.example.org:8443/p/a?token=abc#frag");
	ck_assert_str_eq(r, "https://hooks.example.org:8443/p/a");
	free(r);
	r = rw_url_redacted("HTTPS://x/");
	ck_assert_str_eq(r, "https://x/");
	free(r);
	r = rw_url_redacted("not a url");
	ck_assert_str_eq(r, "(unreadable url)");
	free(r);
}
END_TEST

START_TEST(safe_defaults_apply)
{
	CURL *h = curl_easy_init();
	rw_curl_safety s = {"http,https", "http,https", 5, NULL, NULL, 1024};
	rw_curl_safety mail = {"smtp,smtps", NULL, 0, NULL, "", 0};

	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(rw_curl_harden(h, &s), 0);
	ck_assert_int_eq(rw_curl_harden(h, &mail), 0);
	/* a protocol libcurl does not know is refused, with its code */
	s.protocols = "no-such-protocol";
	ck_assert_int_gt(rw_curl_harden(h, &s), 0);
	curl_easy_cleanup(h);
}
END_TEST

static Suite *url_suite(void)
{
	Suite *s = suite_create("url");
	TCase *tc = tcase_create("url");

	tcase_add_test(tc, schemes_without_regard_to_case);
	tcase_add_test(tc, hosts);
	tcase_add_test(tc, credentials);
	tcase_add_test(tc, spaces_and_controls);
	tcase_add_test(tc, loopback_for_plain_schemes);
	tcase_add_test(tc, redaction);
	tcase_add_test(tc, safe_defaults_apply);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rw_test_run(url_suite());
}
