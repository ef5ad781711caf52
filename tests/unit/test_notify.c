/* Unit tests of notifications: secrets, hashing, addresses, who is concerned, the email
   format, and the outbox's claim/lease/retry states in a real database. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "regwatch/dates.h"
#include "regwatch/members.h"
#include "regwatch/notify.h"
#include "regwatch/queue.h"
#include "regwatch/secret.h"
#include "regwatch/utf8.h"
#include "testutil.h"

static char *hex_of(const unsigned char *d, size_t n)
{
	char *s = malloc(2 * n + 1);

	ck_assert_ptr_nonnull(s);
	rw_hex(s, d, n);
	return s;
}

static void check_sha(const void *data, size_t len, const char *want)
{
	unsigned char d[RW_SHA256_LEN];
	char *got;

	rw_sha256(data, len, d);
	got = hex_of(d, sizeof(d));
	ck_assert_str_eq(got, want);
	free(got);
}

/* FIPS 180-4 example values. */
START_TEST(sha256_known_values)
{
	static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char *million = malloc(1000000);

	check_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_sha(two_blocks, strlen(two_blocks), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	ck_assert_ptr_nonnull(million);
	memset(million, 'a', 1000000);
	check_sha(million, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);
}
END_TEST

static void check_hmac(const void *key, size_t klen, const char *msg, const char *want)
{
	unsigned char d[RW_SHA256_LEN];
	char *got;

	rw_hmac_sha256(key, klen, msg, strlen(msg), d);
	got = hex_of(d, sizeof(d));
	ck_assert_str_eq(got, want);
	free(got);
}

/* RFC 4231 test cases 1, 2 and 6. */
START_TEST(hmac_sha256_rfc4231)
{
	unsigned char k1[20], k6[131];

	memset(k1, 0x0b, sizeof(k1));
	memset(k6, 0xaa, sizeof(k6));
	check_hmac(k1, sizeof(k1), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	check_hmac("Jefe", 4, "what do ya want for nothing?",
		   "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	check_hmac(k6, sizeof(k6), "Test Using Larger Than Block-Size Key - Hash Key First",
		   "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}
END_TEST

/* RFC 4648 section 10. */
START_TEST(base64_rfc4648)
{
	static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	size_t i;

	for (i = 0; i < 7; i++) {
		rw_buf b = RW_BUF_INIT;

		ck_assert_int_eq(rw_base64_append(&b, in[i], strlen(in[i])), 0);
		ck_assert_str_eq(rw_buf_cstr(&b), out[i]);
		rw_buf_release(&b);
	}
}
END_TEST

static char *secret_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *path = rw_test_write(dir, name, text);

	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

START_TEST(secret_files)
{
	char *dir = rw_test_tmpdir();
	char *good = secret_file(dir, "good", "s3cret pass\n", 0600);
	char *ro = secret_file(dir, "ro", "s3cret\r\n", 0400);
	char *open_to_all = secret_file(dir, "open", "leaky-secret-value\n", 0644);
	char *group = secret_file(dir, "group", "x\n", 0640);
	char *empty = secret_file(dir, "empty", "\n", 0600);
	char *two = secret_file(dir, "two", "a\nb\n", 0600);
	char *link = rw_asprintf("%s/link", dir);
	char *missing = rw_asprintf("%s/missing", dir);
	char *big = rw_asprintf("%s/big", dir);
	char *s = NULL;
	FILE *f;
	rw_ctx ctx;
	int i;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(rw_secret_read(&ctx, "smtp: passwordFile", good, &s), 0);
	ck_assert_str_eq(s, "s3cret pass");
	rw_secret_free(s);
	ck_assert_int_eq(rw_secret_read(&ctx, "key", ro, &s), 0);
	ck_assert_str_eq(s, "s3cret");
	rw_secret_free(s);

	s = (char *)1;
	ck_assert_int_eq(rw_secret_read(&ctx, "smtp: passwordFile", open_to_all, &s), RW_ECONFIG);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "mode 0644"));
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), open_to_all));
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "smtp: passwordFile"));
	ck_assert_ptr_null(strstr(rw_errmsg(&ctx), "leaky-secret-value"));
	ck_assert_int_eq(rw_secret_read(&ctx, "key", group, &s), RW_ECONFIG);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "mode 0640"));
	ck_assert_int_eq(rw_secret_read(&ctx, "key", empty, &s), RW_ECONFIG);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "empty"));
	ck_assert_int_eq(rw_secret_read(&ctx, "key", two, &s), RW_ECONFIG);
	ck_assert_int_eq(symlink(good, link), 0);
	ck_assert_int_eq(rw_secret_read(&ctx, "key", link, &s), RW_ECONFIG);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "symbolic link"));
	ck_assert_int_eq(rw_secret_read(&ctx, "key", missing, &s), RW_ECONFIG);
	ck_assert_int_eq(rw_secret_read(&ctx, "key", dir, &s), RW_ECONFIG);
	f = fopen(big, "w");
	ck_assert_ptr_nonnull(f);
	for (i = 0; i < RW_SECRET_MAX + 1; i++)
		fputc('x', f);
	fclose(f);
	ck_assert_int_eq(chmod(big, 0600), 0);
	ck_assert_int_eq(rw_secret_read(&ctx, "key", big, &s), RW_ECONFIG);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "larger than"));

	setenv("RW_TEST_SECRET", "from-the-environment", 1);
	ck_assert_int_eq(rw_secret_from_env(&ctx, "RW_TEST_SECRET", &s), 0);
	ck_assert_str_eq(s, "from-the-environment");
	rw_secret_free(s);
	unsetenv("RW_TEST_SECRET");
	ck_assert_int_eq(rw_secret_from_env(&ctx, "RW_TEST_SECRET", &s), RW_ENOTFOUND);

	rw_test_rmtree(dir);
	free(dir);
	free(good);
	free(ro);
	free(open_to_all);
	free(group);
	free(empty);
	free(two);
	free(link);
	free(missing);
	free(big);
}
END_TEST

START_TEST(email_addresses)
{
	static const char *const good[] = {
		"council@example.org", "first.last@police.example.gov.uk", "it+alerts@uni-x.ac.uk",
		"o'neil@example.com", "A@B.CO",
	};
	static const char *const bad[] = {
		"", "council", "council@", "@example.org", "a@b@example.org", "a b@example.org",
		"council@localhost", ".a@example.org", "a.@example.org", "a..b@example.org",
		"a@-example.org", "a@example-.org", "a@exa_mple.org", "a@example..org", "a\r\nBcc: x@y.org@example.org",
		"\"quoted\"@example.org",
	};
	rw_ctx ctx;
	size_t i;

	rw_ctx_init(&ctx, 0);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(rw_member_email_check(&ctx, good[i]) == 0, "%s: %s", good[i], rw_errmsg(&ctx));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(rw_member_email_check(&ctx, bad[i]) == RW_EUSAGE, "'%s' accepted", bad[i]);
	ck_assert_int_eq(rw_member_email_check(&ctx, "no-at-sign.example.org"), RW_EUSAGE);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "'no-at-sign.example.org' is not an email address"));
}
END_TEST

START_TEST(hosts_and_webhooks)
{
	rw_ctx ctx;
	char *s;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(rw_host_is_loopback("127.0.0.1"), 1);
	ck_assert_int_eq(rw_host_is_loopback("127.10.20.30"), 1);
	ck_assert_int_eq(rw_host_is_loopback("[::1]"), 1);
	ck_assert_int_eq(rw_host_is_loopback("localhost"), 0);
	ck_assert_int_eq(rw_host_is_loopback("127.0.0"), 0);
	ck_assert_int_eq(rw_host_is_loopback("127.0.0.256"), 0);
	ck_assert_int_eq(rw_host_is_loopback("127.0.0.1.example.org"), 0);
	ck_assert_int_eq(rw_host_is_loopback("128.0.0.1"), 0);
	ck_assert_int_eq(rw_host_is_loopback("10.0.0.1"), 0);

	ck_assert_int_eq(rw_member_webhook_check(&ctx, "https://hooks.example.org/regwatch?token=abc"), 0);
	ck_assert_int_eq(rw_member_webhook_check(&ctx, "http://127.0.0.1:8080/hook"), 0);
	ck_assert_int_eq(rw_member_webhook_check(&ctx, "http://[::1]:8080/hook"), 0);
	ck_assert_int_eq(rw_member_webhook_check(&ctx, "http://hooks.example.org/hook?token=abc"), RW_EUSAGE);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "plain http only to a loopback address"));
	ck_assert_ptr_null(strstr(rw_errmsg(&ctx), "token=abc"));
	ck_assert_int_eq(rw_member_webhook_check(&ctx, "https://user:pw@hooks.example.org/hook"), RW_EUSAGE);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "credentials"));
	ck_assert_ptr_null(strstr(rw_errmsg(&ctx), "pw@"));
	ck_assert_int_eq(rw_member_webhook_check(&ctx, "ftp://hooks.example.org/hook"), RW_EUSAGE);
	ck_assert_int_eq(rw_member_webhook_check(&ctx, "not a url"), RW_EUSAGE);

	s = rw_url_for_messages("https://user:pw@hooks.example.org/a/b?token=secret#frag");
	ck_assert_str_eq(s, "https://hooks.example.org/a/b");
	free(s);
}
END_TEST

/* A change as the record gives it: the jurisdiction is the regime's, or for an
   announcement the one its evidence's host names. */
static void add_change(rw_changes *t, const char *kind, const char *vendor, const char *regime, const char *j,
		       const char *affiliates, const char *evidence)
{
	rw_change *c = rw_changes_push(t);

	ck_assert_ptr_nonnull(c);
	c->recorded_at = rw_strdup("");
	c->kind = rw_strdup(kind);
	c->event.vendor = rw_strdup(vendor);
	c->event.entity = rw_strdup("");
	c->event.regime = rw_strdup(regime);
	c->event.evidence = rw_strdup(evidence);
	c->event.source = rw_strdup("test");
	c->jurisdiction = rw_strdup(j);
	c->affiliates = affiliates[0] == '1';
}

static void member_following(rw_member *m, const char *vendors, const char *jurisdictions)
{
	const char *p = vendors;

	memset(m, 0, sizeof(*m));
	m->email = rw_strdup("m@example.org");
	while (p && *p) {
		size_t n = strcspn(p, ",");

		rw_strvec_push_owned(&m->vendors, rw_strndup(p, n));
		p += n + (p[n] == ',');
	}
	if (jurisdictions)
		rw_strvec_push(&m->jurisdictions, jurisdictions);
}

START_TEST(who_is_concerned)
{
	static const char *const tree_rows[][2] = {
		{"huawei", ""}, {"hisilicon", "huawei"}, {"huawei-holding", "huawei"}, {"hikvision", ""}, {"dahua", ""},
	};
	rw_vendor_tree tree;
	rw_changes ch = {0};
	rw_member m;
	size_t i;

	rw_table_init(&tree.t, 2);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(rw_table_add(&tree.t, tree_rows[i]), 0);
	add_change(&ch, "added", "huawei", "us.fcc-covered-list", "US", "1", "https://www.fcc.gov/x");     /* 0 */
	add_change(&ch, "added", "hisilicon", "us.entity-list", "US", "0", "https://www.ecfr.gov/x");     /* 1 */
	add_change(&ch, "added", "huawei", "us.entity-list", "US", "0", "https://www.ecfr.gov/x");        /* 2 */
	add_change(&ch, "new-entity", "", "us.fcc-covered-list", "US", "1", "https://www.fcc.gov/x");      /* 3 */
	add_change(&ch, "announcement", "hikvision", "", "UK", "0", "https://www.gov.uk/government/news/x"); /* 4 */
	add_change(&ch, "announcement", "hikvision", "", "", "0", "https://example.com/blog");            /* 5 */
	add_change(&ch, "added", "dahua", "uk.sensitive-sites", "UK", "0", "https://www.gov.uk/x");       /* 6 */

	member_following(&m, NULL, NULL); /* everything */
	for (i = 0; i < ch.n; i++)
		ck_assert_int_eq(rw_notify_relevant(&m, &tree, &ch.v[i]), 1);
	rw_member_release(&m);

	member_following(&m, "huawei", NULL);
	ck_assert_int_eq(rw_notify_relevant(&m, &tree, &ch.v[0]), 1);
	ck_assert_int_eq(rw_notify_relevant(&m, &tree, &ch.v[1]), 1); /* a subsidiary's change */
	ck_assert_int_eq(rw_notify_relevant(&m, &tree, &ch.v[3]), 0); /* names no vendor */
	ck_assert_int_eq(rw_notify_relevant(&m, &tree, &ch.v[4]), 0);
	rw_member_release(&m);

	member_following(&m, "hisilicon", NULL);
	ck_assert_int_eq(rw_notify_relevant(&m, &tree, &ch.v[0]), 1); /* parent, regime covers affiliates */
	ck_assert_int_eq(rw_notify_relevant(&m, &tree, &ch.v[2]), 0); /* parent, regime does not */
	ck_assert_int_eq(rw_notify_relevant(&m, &tree, &ch.v[1]), 1);
	rw_member_release(&m);

	member_following(&m, "hikvision,dahua", "UK");
	ck_assert_int_eq(rw_notify_relevant(&m, &tree, &ch.v[4]), 1); /* a GOV.UK announcement */
	ck_assert_int_eq(rw_notify_relevant(&m, &tree, &ch.v[5]), 0); /* jurisdiction unknown */
	ck_assert_int_eq(rw_notify_relevant(&m, &tree, &ch.v[6]), 1);
	ck_assert_int_eq(rw_notify_relevant(&m, &tree, &ch.v[0]), 0);
	rw_member_release(&m);

	member_following(&m, NULL, "US");
	ck_assert_int_eq(rw_notify_relevant(&m, &tree, &ch.v[3]), 1);
	ck_assert_int_eq(rw_notify_relevant(&m, &tree, &ch.v[6]), 0);
	rw_member_release(&m);

	ck_assert_int_eq(rw_notify_reaches(&tree, "huawei", 1, "hisilicon"), 1);
	ck_assert_int_eq(rw_notify_reaches(&tree, "huawei", 0, "hisilicon"), 0);
	ck_assert_int_eq(rw_notify_reaches(&tree, "hisilicon", 1, "huawei"), 0);
	ck_assert_int_eq(rw_notify_reaches(&tree, "dahua", 1, "dahua"), 1);
	ck_assert_int_eq(rw_notify_reaches(&tree, "", 1, "dahua"), 0);

	rw_changes_release(&ch);
	rw_table_release(&tree.t);
}
END_TEST

/* Decodes quoted-printable with CRLF line ends. */
static char *qp_decode(const char *s)
{
	rw_buf b = RW_BUF_INIT;

	while (*s) {
		if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
			s += 3;
		} else if (s[0] == '=') {
			char hex[3] = {s[1], s[2], 0};

			rw_buf_putc(&b, (char)strtol(hex, NULL, 16));
			s += 3;
		} else if (s[0] == '\r' && s[1] == '\n') {
			rw_buf_putc(&b, '\n');
			s += 2;
		} else {
			rw_buf_putc(&b, *s++);
		}
	}
	return rw_buf_detach(&b, NULL);
}

START_TEST(email_format)
{
	rw_outbox_msg m;
	rw_buf out = RW_BUF_INIT;
	rw_ctx ctx;
	const char *body, *p, *line;
	char *decoded;
	char long_line[300];
	char member[] = "council@example.org", key[] = "run-7.0123456789abcdef";
	char subject[] = "regwatch: 1 change for hikvision (run 7)", subject2[] = "regwatch: S\xc3\xa3o Paulo";

	memset(long_line, 'x', sizeof(long_line) - 1);
	long_line[sizeof(long_line) - 1] = '\0';
	memset(&m, 0, sizeof(m));
	rw_ctx_init(&ctx, 0);
	m.run = 7;
	m.member = member;
	m.destination = member;
	m.msg_key = key;
	m.subject = subject;
	snprintf(m.created_at, sizeof(m.created_at), "2026-11-29T02:00:00Z");
	m.body = rw_asprintf(".leading dot\na=b costs 5 \xe2\x82\xac, S\xc3\xa3o Paulo \nline with trailing space \n%s\nend",
			     long_line);
	ck_assert_int_eq(rw_notify_email(&ctx, &m, "regwatch <alerts@usergroup.example.org>", &out), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "Date: Sun, 29 Nov 2026 02:00:00 +0000\r\n"));
	ck_assert_ptr_nonnull(strstr(out.data, "From: regwatch <alerts@usergroup.example.org>\r\n"));
	ck_assert_ptr_nonnull(strstr(out.data, "To: council@example.org\r\n"));
	ck_assert_ptr_nonnull(strstr(out.data, "Message-ID: <regwatch.run-7.0123456789abcdef@usergroup.example.org>\r\n"));
	ck_assert_ptr_nonnull(strstr(out.data, "Content-Type: text/plain; charset=UTF-8\r\n"));
	ck_assert_ptr_nonnull(strstr(out.data, "Content-Transfer-Encoding: quoted-printable\r\n"));
	body = strstr(out.data, "\r\n\r\n");
	ck_assert_ptr_nonnull(body);
	body += 4;
	/* Every line ends with CRLF, is at most 76 characters and 7-bit. */
	for (line = body; *line; line = p + 2) {
		p = strstr(line, "\r\n");
		ck_assert_ptr_nonnull(p);
		ck_assert_int_le(p - line, 76);
		for (const char *q = line; q < p; q++)
			ck_assert_int_lt((unsigned char)*q, 0x80);
		ck_assert_msg(p == line || (p[-1] != ' ' && p[-1] != '\t'), "trailing white space");
	}
	decoded = qp_decode(body);
	ck_assert_int_eq(strncmp(decoded, m.body, strlen(m.body)), 0);
	ck_assert_str_eq(decoded + strlen(m.body), "\n");
	free(decoded);
	rw_buf_release(&out);

	/* A subject that is not ASCII becomes an encoded word. */
	m.subject = subject2;
	ck_assert_int_eq(rw_notify_email(&ctx, &m, "alerts@example.org", &out), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "Subject: =?UTF-8?B?cmVnd2F0Y2g6IFPDo28gUGF1bG8=?=\r\n"));
	ck_assert_ptr_nonnull(strstr(out.data, "@example.org>\r\n"));
	rw_buf_release(&out);

	/* A long one: folded into encoded words of at most 75 characters, lines of at most 76,
	   each word whole UTF-8 characters, and together the subject again. */
	{
		rw_buf want = RW_BUF_INIT, got = RW_BUF_INIT;
		const char *h, *end, *w;
		size_t i, words = 0;

		for (i = 0; i < 12; i++)
			ck_assert_int_eq(rw_buf_puts(&want, "S\xc3\xa3o Paulo \xe2\x82\xac "), 0);
		m.subject = want.data;
		ck_assert_int_eq(rw_notify_email(&ctx, &m, "alerts@example.org", &out), 0);
		h = strstr(out.data, "Subject: ");
		ck_assert_ptr_nonnull(h);
		end = strstr(h, "\r\nMessage-ID:");
		ck_assert_ptr_nonnull(end);
		for (w = h; w < end;) {
			const char *eol = strstr(w, "\r\n"), *q;
			const char *line_end = eol && eol < end ? eol : end;

			ck_assert_int_le(line_end - w, RW_MIME_LINE_MAX);
			for (q = strstr(w, "=?UTF-8?B?"); q && q < line_end; q = strstr(q + 1, "=?UTF-8?B?")) {
				const char *close = strstr(q + 10, "?=");
				unsigned char raw[64];
				size_t n = 0, k;
				unsigned int acc = 0;
				int bits = 0;

				ck_assert_ptr_nonnull(close);
				ck_assert_int_le(close + 2 - q, RW_MIME_WORD_MAX);
				for (k = 10; q + k < close; k++) {
					const char *alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
					const char *pos = strchr(alpha, q[k]);

					if (q[k] == '=')
						break;
					ck_assert_ptr_nonnull(pos);
					acc = (acc << 6) | (unsigned int)(pos - alpha);
					bits += 6;
					if (bits >= 8) {
						bits -= 8;
						raw[n++] = (unsigned char)(acc >> bits);
						acc &= (1u << bits) - 1;
					}
				}
				ck_assert_int_eq(rw_utf8_valid((const char *)raw, n), 1);
				ck_assert_int_eq(rw_buf_append(&got, raw, n), 0);
				words++;
			}
			w = line_end + (line_end < end ? 3 : 0); /* CRLF and the folding space */
		}
		ck_assert_uint_gt(words, 2);
		ck_assert_uint_eq(got.len, want.len);
		ck_assert_int_eq(memcmp(got.data, want.data, want.len), 0);
		rw_buf_release(&got);
		rw_buf_release(&want);
		rw_buf_release(&out);
	}
	free(m.body);
}
END_TEST

START_TEST(message_keys_are_stable)
{
	char a[RW_MSG_KEY_LEN], b[RW_MSG_KEY_LEN], c[RW_MSG_KEY_LEN], d[RW_MSG_KEY_LEN];

	rw_notify_msg_key(a, 7, NULL, "Council@Example.org");
	rw_notify_msg_key(b, 7, NULL, "council@example.org");
	rw_notify_msg_key(c, 8, NULL, "council@example.org");
	rw_notify_msg_key(d, 0, "2026-11-29", "council@example.org");
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	ck_assert_int_eq(strncmp(a, "run-7.", 6), 0);
	ck_assert_int_eq(strlen(a), 6 + 16);
	ck_assert_int_eq(strncmp(d, "digest-2026-11-29.", 18), 0);
	ck_assert_str_eq(a + 6, d + 18);
}
END_TEST

/* The outbox in a real database: heartbeats queue rows; claims, leases and outcomes. */
START_TEST(outbox_states)
{
	char *dir = rw_test_tmpdir();
	char *path = rw_asprintf("%s/regwatch.db", dir);
	time_t t0;
	rw_ctx ctx;
	rw_db *db = NULL;
	rw_member m;
	rw_members ms = {0};
	rw_outbox due = {0}, again = {0};
	rw_outbox_counts n;
	size_t queued = 0;
	long cancelled = 0;
	int replaced = -1, claimed = -1;

	ck_assert_int_eq(rw_instant_parse("2026-11-29T02:00:00Z", &t0), 0);
	rw_ctx_init(&ctx, t0);
	ck_assert_msg(rw_db_open(&ctx, &db, path, RW_DB_WRITE) == 0, "%s", rw_errmsg(&ctx));
	member_following(&m, "hikvision,dahua", "UK");
	rw_strvec_sort(&m.vendors);
	ck_assert_int_eq(rw_db_member_put(&ctx, db, &m, &replaced), 0);
	ck_assert_int_eq(replaced, 0);
	rw_str_replace(&m.email, rw_strdup("M@EXAMPLE.ORG"));
	rw_str_replace(&m.webhook, rw_strdup("https://hooks.example.org/x"));
	ck_assert_int_eq(rw_db_member_put(&ctx, db, &m, &replaced), 0);
	ck_assert_int_eq(replaced, 1); /* the same member, whatever the case */
	ck_assert_int_eq(rw_db_members(&ctx, db, &ms), 0);
	ck_assert_int_eq(ms.n, 1);
	ck_assert_str_eq(ms.v[0].email, "M@EXAMPLE.ORG");
	ck_assert_int_eq(ms.v[0].vendors.n, 2);
	ck_assert_str_eq(ms.v[0].vendors.v[0], "dahua");
	ck_assert_str_eq(ms.v[0].jurisdictions.v[0], "UK");
	ck_assert_str_eq(ms.v[0].webhook, "https://hooks.example.org/x");
	rw_members_release(&ms);

	ck_assert_int_eq(rw_outbox_enqueue_digest(&ctx, db, 0, NULL, &queued), 0);
	ck_assert_int_eq(queued, 1);
	ck_assert_int_eq(rw_outbox_enqueue_digest(&ctx, db, 0, NULL, &queued), 0);
	ck_assert_int_eq(queued, 0); /* one a day */
	ck_assert_int_eq(rw_outbox_due(&ctx, db, t0, &due), 0);
	ck_assert_int_eq(due.n, 1);
	ck_assert_str_eq(due.v[0].channel, "webhook");
	ck_assert_str_eq(due.v[0].kind, "digest");
	ck_assert_ptr_nonnull(strstr(due.v[0].subject, "0 sources checked, 0 changes"));
	ck_assert_ptr_nonnull(strstr(due.v[0].payload, "\"digest\": true"));

	ck_assert_int_eq(rw_outbox_claim(&ctx, db, due.v[0].id, t0, 900, &claimed), 0);
	ck_assert_int_eq(claimed, 1);
	ck_assert_int_eq(rw_outbox_claim(&ctx, db, due.v[0].id, t0 + 10, 900, &claimed), 0);
	ck_assert_int_eq(claimed, 0); /* another delivery holds it */
	ck_assert_int_eq(rw_outbox_due(&ctx, db, t0 + 10, &again), 0);
	ck_assert_int_eq(again.n, 0);
	ck_assert_int_eq(rw_outbox_due(&ctx, db, t0 + 901, &again), 0);
	ck_assert_int_eq(again.n, 1); /* the lease ran out: a killed delivery is retried */
	ck_assert_int_eq(again.v[0].attempts, 1);
	rw_outbox_release(&again);

	ck_assert_int_eq(rw_outbox_failed(&ctx, db, due.v[0].id, t0 + 3600, "webhook: HTTP status 500", 500), 0);
	ck_assert_int_eq(rw_outbox_count(&ctx, db, t0 + 60, &n), 0);
	ck_assert_int_eq(n.due, 0);
	ck_assert_int_eq(n.later, 1);
	ck_assert_int_eq(rw_outbox_due(&ctx, db, t0 + 60, &again), 0);
	ck_assert_int_eq(again.n, 0); /* waits for its next attempt */
	ck_assert_int_eq(rw_outbox_due(&ctx, db, t0 + 3600, &again), 0);
	ck_assert_int_eq(again.n, 1);
	ck_assert_str_eq(again.v[0].state, "pending");
	ck_assert_str_eq(again.v[0].last_error, "webhook: HTTP status 500");
	ck_assert_int_eq(again.v[0].last_code, 500);
	rw_outbox_release(&again);
	ck_assert_int_eq(rw_outbox_claim(&ctx, db, due.v[0].id, t0 + 60, 900, &claimed), 0);
	ck_assert_int_eq(claimed, 0); /* not due before its next attempt */
	ck_assert_int_eq(rw_outbox_claim(&ctx, db, due.v[0].id, t0 + 3600, 900, &claimed), 0);
	ck_assert_int_eq(claimed, 1);
	ck_assert_int_eq(rw_outbox_sent(&ctx, db, due.v[0].id, t0 + 3601, 200), 0);
	ck_assert_int_eq(rw_outbox_count(&ctx, db, t0 + 99999, &n), 0);
	ck_assert_int_eq(n.sent, 1);
	ck_assert_int_eq(n.due + n.later + n.sending + n.dead, 0);
	ck_assert_int_eq(rw_outbox_claim(&ctx, db, due.v[0].id, t0 + 99999, 900, &claimed), 0);
	ck_assert_int_eq(claimed, 0); /* a delivered row is never sent again */
	ck_assert_int_eq(rw_outbox_list(&ctx, db, "sent", &again), 0);
	ck_assert_int_eq(again.n, 1);
	ck_assert_int_eq(again.v[0].attempts, 2);
	ck_assert_str_eq(again.v[0].sent_at, "2026-11-29T03:00:01Z");
	rw_outbox_release(&again);

	/* The next day's heartbeat goes dead on a permanent refusal and stays dead. */
	ctx.now = t0 + 86400;
	ck_assert_int_eq(rw_outbox_enqueue_digest(&ctx, db, 0, NULL, &queued), 0);
	ck_assert_int_eq(queued, 1);
	ck_assert_int_eq(rw_outbox_due(&ctx, db, ctx.now, &again), 0);
	ck_assert_int_eq(again.n, 1);
	ck_assert_int_eq(rw_outbox_claim(&ctx, db, again.v[0].id, ctx.now, 900, &claimed), 0);
	ck_assert_int_eq(rw_outbox_failed(&ctx, db, again.v[0].id, (time_t)-1, "webhook: HTTP status 410", 410), 0);
	ck_assert_int_eq(rw_outbox_count(&ctx, db, ctx.now + 999999, &n), 0);
	ck_assert_int_eq(n.dead, 1);
	ck_assert_int_eq(n.due, 0);
	rw_outbox_release(&again);

	ck_assert_int_eq(rw_db_member_remove(&ctx, db, "m@example.org", &cancelled), 0);
	ck_assert_int_eq(rw_db_member_remove(&ctx, db, "m@example.org", &cancelled), RW_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "no member 'm@example.org'"));
	ck_assert_int_eq(rw_db_members(&ctx, db, &ms), 0);
	ck_assert_int_eq(ms.n, 0);
	rw_members_release(&ms);

	rw_outbox_release(&due);
	rw_member_release(&m);
	rw_db_close(db);
	rw_test_rmtree(dir);
	free(dir);
	free(path);
}
END_TEST

/* feeds.conf [smtp] and [notify]: defaults, paths, and the refusals. */
START_TEST(smtp_config)
{
	static const struct {
		const char *text;
		const char *message;
	} bad[] = {
		{"[smtp]\n\turl = http://mail.example.org\n\tfrom = a@example.org\n", "scheme must be smtp or smtps"},
		{"[smtp]\n\turl = smtp://mail.example.org\n", "missing key 'from'"},
		{"[smtp]\n\tfrom = a@example.org\n", "missing key 'url'"},
		{"[smtp]\n\turl = smtp://mail.example.org\n\tfrom = nobody\n", "key 'from': 'nobody' is not an address"},
		{"[smtp]\n\turl = smtp://u:hunter2@mail.example.org\n\tfrom = a@example.org\n", "credentials do not belong"},
		{"[smtp]\n\turl = smtp://mail.example.org\n\tfrom = a@example.org\n\tusername = u\n\tpassword = hunter2\n",
		 "key 'password': a password is never read from feeds.conf"},
		{"[smtp]\n\turl = smtp://mail.example.org\n\tfrom = a@example.org\n\tpasswordFile = pw\n",
		 "key 'passwordFile': needs key 'username'"},
		{"[notify]\n\tretryDelay = 600\n\tmaxRetryDelay = 60\n", "key 'maxRetryDelay': less than retryDelay"},
		{"[notify]\n\tmaxAttempts = 0\n", "key 'maxAttempts': not an integer between 1 and 100"},
		{"[smtp]\n\turl = smtp://mail.example.org\n\tfrom = a@example.org\n\tcolour = red\n", "unknown key 'colour'"},
	};
	char *dir = rw_test_tmpdir();
	char *path;
	rw_feeds f;
	rw_ctx ctx;
	size_t i;

	rw_ctx_init(&ctx, 0);
	path = rw_test_write(dir, "feeds.conf",
			     "[smtp]\n\turl = smtps://mail.example.org:465\n"
			     "\tfrom = regwatch <alerts@example.org>\n\tusername = alerts\n\tpasswordFile = secrets/pw\n"
			     "[notify]\n\tcaFile = ca.pem\n");
	ck_assert_msg(rw_feeds_load(&ctx, &f, path) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_str_eq(f.smtp.url, "smtps://mail.example.org:465");
	ck_assert_str_eq(f.smtp.from, "regwatch <alerts@example.org>");
	ck_assert_str_eq(f.smtp.username, "alerts");
	ck_assert_int_eq(strncmp(f.smtp.password_file, dir, strlen(dir)), 0);
	ck_assert_str_eq(f.smtp.password_file + strlen(dir), "/secrets/pw");
	ck_assert_str_eq(f.notify.ca_file + strlen(dir), "/ca.pem");
	ck_assert_int_eq(f.smtp.timeout_ms, 60000);
	ck_assert_int_eq(f.notify.max_attempts, 8);
	ck_assert_int_eq(f.notify.retry_delay_s, 600);
	ck_assert_int_eq(f.notify.max_retry_delay_s, 86400);
	ck_assert_int_eq(f.notify.webhook_timeout_ms, 15000);
	rw_feeds_release(&f);
	free(path);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		path = rw_test_write(dir, "feeds.conf", bad[i].text);
		ck_assert_int_eq(rw_feeds_load(&ctx, &f, path), RW_ECONFIG);
		ck_assert_msg(strstr(rw_errmsg(&ctx), bad[i].message) != NULL, "%s: %s", bad[i].message, rw_errmsg(&ctx));
		ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), path));
		ck_assert_ptr_null(strstr(rw_errmsg(&ctx), "hunter2"));
		free(path);
	}
	rw_test_rmtree(dir);
	free(dir);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("crypto");

	tcase_add_test(tc, sha256_known_values);
	tcase_add_test(tc, hmac_sha256_rfc4231);
	tcase_add_test(tc, base64_rfc4648);
	tcase_add_test(tc, secret_files);
	tcase_add_test(tc, smtp_config);
	suite_add_tcase(s, tc);
	tc = tcase_create("addresses");
	tcase_add_test(tc, email_addresses);
	tcase_add_test(tc, hosts_and_webhooks);
	tcase_add_test(tc, who_is_concerned);
	tcase_add_test(tc, email_format);
	tcase_add_test(tc, message_keys_are_stable);
	suite_add_tcase(s, tc);
	tc = tcase_create("outbox");
	tcase_add_test(tc, outbox_states);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rw_test_run(suite());
}
