/* RSS and Atom parsers: fixtures in the real formats in, records out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "regwatch/parse.h"
#include "parse/parsers.h"

/* A source as feeds.conf would define it. */
static void src_init(rw_source *src, const char *name, const char *format)
{
	memset(src, 0, sizeof(*src));
	src->name = rw_strdup(name);
	src->format = rw_strdup(format);
	src->url = rw_strdup("https://example.invalid/feed");
	src->enabled = 1;
	ck_assert_ptr_nonnull(src->name);
	ck_assert_ptr_nonnull(src->format);
	ck_assert_ptr_nonnull(src->url);
}

static void src_release(rw_source *src)
{
	free(src->name);
	free(src->format);
	free(src->url);
}

static int is_atom_file(const char *file)
{
	size_t n = strlen(file);

	return n > 5 && strcmp(file + n - 5, ".atom") == 0;
}

/* Parses body with the Atom (atom != 0) or RSS parser as source NAME. */
static int parse_text(rw_ctx *ctx, const char *name, int atom, const char *body, size_t len,
		      rw_records *out)
{
	rw_source src;
	int rc;

	src_init(&src, name, atom ? "atom" : "rss");
	rc = atom ? rw_parse_atom(ctx, &src, body, len, out) : rw_parse_rss(ctx, &src, body, len, out);
	src_release(&src);
	return rc;
}

/* Parses tests/data/feeds/FILE as source "feed", with the Atom parser for *.atom. */
static int parse_fixture(rw_ctx *ctx, const char *file, rw_records *out)
{
	char *path = rw_asprintf("feeds/%s", file);
	size_t len = 0;
	char *body = rw_test_data(path, &len);
	int rc = parse_text(ctx, "feed", is_atom_file(file), body, len, out);

	free(body);
	free(path);
	return rc;
}

/* The length in bytes of the first n characters (UTF-8 code points) of s. */
static size_t utf8_prefix(const char *s, size_t n)
{
	size_t i = 0, chars = 0;

	while (s[i] != '\0') {
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			if (chars == n)
				break;
			chars++;
		}
		i++;
	}
	return i;
}

static const char *kind_name(int kind)
{
	switch (kind) {
	case RW_REC_ENTITY:
		return "entity";
	case RW_REC_CATEGORY:
		return "category";
	case RW_REC_DOCUMENT:
		return "document";
	default:
		return "?";
	}
}

/* One line per record: kind, date, title, link, the first 80 characters of text. */
static char *records_tsv(const rw_records *rs)
{
	rw_buf b = RW_BUF_INIT;
	const rw_record *r;
	const char *text;
	size_t i;

	for (i = 0; i < rs->n; i++) {
		r = &rs->v[i];
		text = r->text ? r->text : "";
		ck_assert_int_eq(rw_buf_printf(&b, "%s\t%s\t%s\t%s\t%.*s\n", kind_name(r->kind),
					       r->date ? r->date : "", r->title ? r->title : "",
					       r->link ? r->link : "", (int)utf8_prefix(text, 80), text),
				 0);
	}
	if (b.data == NULL)
		return rw_strdup("");
	return rw_buf_detach(&b, NULL);
}

/* Compares the records' TSV with tests/data/feeds/GOLDEN byte for byte; on a mismatch the
   actual output is left in /tmp for inspection and the first differing line is reported. */
static void check_golden(const rw_records *rs, const char *golden)
{
	char *path = rw_asprintf("feeds/%s", golden);
	char *want = rw_test_data(path, NULL);
	char *got = records_tsv(rs);
	size_t i = 0, line = 1, start = 0;
	char *dump;
	FILE *f;

	if (strcmp(want, got) != 0) {
		while (want[i] != '\0' && want[i] == got[i]) {
			if (want[i] == '\n') {
				line++;
				start = i + 1;
			}
			i++;
		}
		dump = rw_asprintf("/tmp/regwatch-%s.actual", golden);
		f = fopen(dump, "w");
		if (f != NULL) {
			fputs(got, f);
			fclose(f);
		}
		ck_abort_msg("%s: line %zu differs (actual output in %s): got '%.200s'", golden, line, dump,
			     got + (start <= strlen(got) ? start : 0));
	}
	free(got);
	free(want);
	free(path);
}

static const struct golden_case {
	const char *fixture;
	const char *golden;
	size_t records;
	int degraded;
} golden_cases[] = {
	{"fcc-headlines.rss", "fcc-headlines.tsv", 4, 0},
	{"federalregister.rss", "federalregister.tsv", 3, 0},
	{"federalregister-minified.rss", "federalregister-minified.tsv", 3, 0},
	{"eu-presscorner.rss", "eu-presscorner.tsv", 2, 0},
	{"eu-presscorner-baddate.rss", "eu-presscorner-baddate.tsv", 2, 0},
	{"fcc-documents.rdf", "fcc-documents.tsv", 3, 0},
	{"fcc-headlines-truncated.rss", "fcc-headlines-truncated.tsv", 3, 1},
	{"govuk-search.atom", "govuk-search.tsv", 3, 0},
	{"federalregister-entries.atom", "federalregister-entries.tsv", 3, 0},
};

START_TEST(golden_files)
{
	const struct golden_case *gc = &golden_cases[_i];
	rw_records rs = {0};
	rw_ctx ctx;
	size_t i;

	rw_ctx_init(&ctx, 0);
	ck_assert_msg(parse_fixture(&ctx, gc->fixture, &rs) == 0, "%s: %s", gc->fixture, rw_errmsg(&ctx));
	ck_assert_uint_eq(rs.n, gc->records);
	ck_assert_int_eq(rs.degraded, gc->degraded);
	for (i = 0; i < rs.n; i++) {
		ck_assert_int_eq(rs.v[i].kind, RW_REC_DOCUMENT);
		ck_assert_ptr_null(rs.v[i].entity);
		ck_assert_ptr_nonnull(rs.v[i].text);
	}
	check_golden(&rs, gc->golden);
	rw_records_release(&rs);
}
END_TEST

START_TEST(fcc_headlines_facts)
{
	rw_records rs = {0};
	rw_ctx ctx;
	const rw_record *r;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(parse_fixture(&ctx, "fcc-headlines.rss", &rs), 0);
	ck_assert_uint_eq(rs.n, 4);

	/* CDATA holding HTML: tags gone, &nbsp; a space, curly quotes decoded, paragraphs apart. */
	r = &rs.v[0];
	ck_assert_str_eq(r->title, "FCC Prohibits Importation and Marketing of Certain Covered Equipment");
	ck_assert_str_eq(r->date, "2026-06-26");
	ck_assert_str_eq(r->uid, "420231 at https://www.fcc.gov");
	ck_assert_ptr_null(strchr(r->text, '<'));
	ck_assert_ptr_nonnull(strstr(r->text, "takes effect 10 days following Federal Register publication. For equipment"));
	ck_assert_ptr_nonnull(strstr(r->text, "definition of \xe2\x80\x9c" "critical infrastructure\xe2\x80\x9d."));

	/* Escaped HTML naming the five vendors; the relative link resolved against xml:base. */
	r = &rs.v[3];
	ck_assert_str_eq(r->date, "2021-03-12");
	ck_assert_str_eq(r->link, "https://www.fcc.gov/document/fcc-releases-list-equipment-services-pose-security-threat");
	ck_assert_str_eq(r->uid, "361588 at https://www.fcc.gov");
	ck_assert_ptr_nonnull(strstr(r->text, "Public Notice, DA 21-309"));
	ck_assert_ptr_nonnull(strstr(r->text, "produced by Huawei Technologies Company and ZTE Corporation,"));
	ck_assert_ptr_nonnull(strstr(r->text, "Hangzhou Hikvision Digital Technology Company and Dahua Technology Company."));
	ck_assert_ptr_null(strstr(r->text, "strong"));
	ck_assert_ptr_null(strchr(r->text, '&'));

	ck_assert_str_eq(rs.v[1].date, "2022-09-20");
	ck_assert_str_eq(rs.v[2].date, "2022-03-25");
	ck_assert_str_eq(rs.v[2].title, "FCC Announces Additions to the Covered List");
	ck_assert_int_eq(rs.degraded, 0);
	rw_records_release(&rs);
}
END_TEST

START_TEST(federal_register_facts)
{
	rw_records rs = {0};
	rw_ctx ctx;
	const rw_record *r;
	size_t i;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(parse_fixture(&ctx, "federalregister.rss", &rs), 0);
	ck_assert_uint_eq(rs.n, 3);
	/* Doubly escaped abstracts: &amp;#39; reads as an apostrophe. */
	ck_assert_ptr_nonnull(strstr(rs.v[0].text, "the Commission's Covered List--published"));
	ck_assert_ptr_nonnull(strstr(rs.v[1].text, "People's Republic of China (China)."));
	ck_assert_str_eq(rs.v[0].date, "2023-02-06");
	ck_assert_str_eq(rs.v[1].date, "2019-10-09");
	ck_assert_str_eq(rs.v[1].title, "Addition of Certain Entities to the Entity List");

	r = &rs.v[2];
	ck_assert_str_eq(r->title, "Addition of Entities to the Entity List");
	ck_assert_str_eq(r->date, "2019-05-21");
	ck_assert_str_eq(r->link, "https://www.federalregister.gov/documents/2019/05/21/2019-10616/"
				  "addition-of-entities-to-the-entity-list");
	ck_assert_ptr_nonnull(strstr(r->text, "adding Huawei Technologies Co., Ltd. (\"Huawei\") and sixty-eight"));
	for (i = 0; i < rs.n; i++) {
		ck_assert_str_eq(rs.v[i].uid, rs.v[i].link);
		ck_assert_ptr_null(strchr(rs.v[i].text, '&'));
	}
	rw_records_release(&rs);
}
END_TEST

START_TEST(minified_reads_the_same)
{
	rw_records a = {0}, b = {0};
	rw_ctx ctx;
	char *ta, *tb;
	size_t i;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(parse_fixture(&ctx, "federalregister.rss", &a), 0);
	ck_assert_int_eq(parse_fixture(&ctx, "federalregister-minified.rss", &b), 0);
	ck_assert_uint_eq(a.n, b.n);
	ta = records_tsv(&a);
	tb = records_tsv(&b);
	ck_assert_str_eq(ta, tb);
	for (i = 0; i < a.n; i++) {
		ck_assert_str_eq(a.v[i].text, b.v[i].text);
		ck_assert_str_eq(a.v[i].uid, b.v[i].uid);
	}
	free(ta);
	free(tb);
	rw_records_release(&a);
	rw_records_release(&b);
}
END_TEST

START_TEST(eu_press_corner)
{
	rw_records rs = {0};
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(parse_fixture(&ctx, "eu-presscorner.rss", &rs), 0);
	ck_assert_uint_eq(rs.n, 2);
	ck_assert_str_eq(rs.v[0].date, "2023-06-15");
	ck_assert_str_eq(rs.v[0].uid, "https://ec.europa.eu/commission/presscorner/detail/en/ip_23_XXXX");
	ck_assert_ptr_nonnull(strstr(rs.v[0].text, "\xe2\x80\x9cthe Commission considers that Huawei and ZTE "
						   "represent in fact materially higher risks"));
	/* Two paragraphs: a space between them, &nbsp; a plain space. */
	ck_assert_ptr_nonnull(strstr(rs.v[0].text, "suppliers\xe2\x80\x9d. 24 Member States"));
	/* A script in the escaped HTML contributes no text. */
	ck_assert_str_eq(rs.v[1].date, "2020-01-29");
	ck_assert_ptr_null(strstr(rs.v[1].text, "track"));
	ck_assert_str_eq(rs.v[1].text, "The Commission endorses the EU toolbox of mitigating measures agreed by "
				       "Member States to address security risks related to the rollout of 5G, "
				       "the fifth generation of mobile networks.");
	rw_records_release(&rs);
}
END_TEST

static void capture_log(void *arg, int level, const char *msg)
{
	rw_buf *b = arg;

	ck_assert_int_eq(rw_buf_printf(b, "%d %s\n", level, msg), 0);
}

START_TEST(impossible_date_keeps_item)
{
	rw_records rs = {0};
	rw_buf log = RW_BUF_INIT;
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ctx.log_fn = capture_log;
	ctx.log_arg = &log;
	ck_assert_int_eq(parse_fixture(&ctx, "eu-presscorner-baddate.rss", &rs), 0);
	ck_assert_uint_eq(rs.n, 2);
	ck_assert_str_eq(rs.v[0].date, "2023-06-15");
	ck_assert_ptr_null(rs.v[1].date);
	ck_assert_str_eq(rs.v[1].title, "Secure 5G networks: Commission endorses EU toolbox and sets out next steps");
	ck_assert_str_eq(rs.v[1].link, "https://ec.europa.eu/commission/presscorner/detail/en/ip_20_XXXX");
	ck_assert_int_eq(rs.degraded, 0);
	ck_assert_ptr_nonnull(strstr(rw_buf_cstr(&log), "source 'feed'"));
	ck_assert_ptr_nonnull(strstr(rw_buf_cstr(&log), "'Sun, 30 Feb 2020 00:00:00 GMT'"));
	rw_buf_release(&log);
	rw_records_release(&rs);
}
END_TEST

START_TEST(rdf_items_and_dc_date)
{
	rw_records rs = {0};
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(parse_fixture(&ctx, "fcc-documents.rdf", &rs), 0);
	ck_assert_uint_eq(rs.n, 3);
	/* 10:30 at UTC-4 is 14:30 UTC, the same day. */
	ck_assert_str_eq(rs.v[0].date, "2020-07-17");
	ck_assert_str_eq(rs.v[0].title, "FCC 20-99 Declaratory Ruling: Implementing the Secure Networks Act");
	ck_assert_str_eq(rs.v[0].uid, "https://docs.fcc.gov/public/attachments/FCC-20-99A1.txt");
	ck_assert_str_eq(rs.v[1].date, "2020-06-30");
	ck_assert_str_eq(rs.v[1].link, "https://docs.fcc.gov/public/attachments/DA-20-690A1.txt");
	ck_assert_ptr_nonnull(strstr(rs.v[1].title, "Huawei Technologies Company"));
	ck_assert_str_eq(rs.v[2].date, "2020-06-30");
	ck_assert_ptr_nonnull(strstr(rs.v[2].title, "ZTE Corporation"));
	rw_records_release(&rs);
}
END_TEST

START_TEST(dates_are_utc_days)
{
	static const char feed[] =
		"<?xml version=\"1.0\"?>\n"
		"<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>t</title>\n"
		"<item><title>late evening in Washington</title><dc:date>2021-03-12T21:00:00-05:00</dc:date></item>\n"
		"<item><title>both</title><pubDate>Fri, 12 Mar 2021 12:00:00 -0500</pubDate>"
		"<dc:date>2021-03-15</dc:date></item>\n"
		"<item><title>bad pubDate, good dc:date</title><pubDate>Fri, 32 Mar 2021 12:00:00 GMT</pubDate>"
		"<dc:date>2021-03-15</dc:date></item>\n"
		"<item><title>none</title></item>\n"
		"</channel></rss>\n";
	rw_records rs = {0};
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(parse_text(&ctx, "fcc-headlines", 0, feed, strlen(feed), &rs), 0);
	ck_assert_uint_eq(rs.n, 4);
	ck_assert_str_eq(rs.v[0].date, "2021-03-13");
	ck_assert_str_eq(rs.v[1].date, "2021-03-12");
	ck_assert_str_eq(rs.v[2].date, "2021-03-15");
	ck_assert_ptr_null(rs.v[3].date);
	ck_assert_ptr_null(rs.v[3].link);
	ck_assert_ptr_null(rs.v[3].uid);
	ck_assert_str_eq(rs.v[3].text, "");
	rw_records_release(&rs);
}
END_TEST

START_TEST(truncated_feed_is_degraded)
{
	rw_records rs = {0};
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_msg(parse_fixture(&ctx, "fcc-headlines-truncated.rss", &rs) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_int_eq(rs.degraded, 1);
	/* The two whole items are there as in the complete feed. */
	ck_assert_uint_ge(rs.n, 2);
	ck_assert_str_eq(rs.v[0].date, "2026-06-26");
	ck_assert_str_eq(rs.v[1].date, "2022-09-20");
	ck_assert_str_eq(rs.v[1].link, "https://www.fcc.gov/document/fcc-expands-list-equipment-and-services-pose-security-threat-0");
	rw_records_release(&rs);
}
END_TEST

START_TEST(html_page_is_not_a_feed)
{
	size_t len = 0;
	char *body = rw_test_data("feeds/fcc-unavailable.html", &len);
	rw_records rs = {0};
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(parse_text(&ctx, "fcc-headlines", 0, body, len, &rs), RW_EPARSE);
	ck_assert_str_eq(rw_errmsg(&ctx), "source 'fcc-headlines': not an RSS feed (root element 'html')");
	ck_assert_uint_eq(rs.n, 0);
	ck_assert_int_eq(parse_text(&ctx, "govuk-huawei", 1, body, len, &rs), RW_EPARSE);
	ck_assert_str_eq(rw_errmsg(&ctx), "source 'govuk-huawei': not an Atom feed (root element 'html')");
	ck_assert_uint_eq(rs.n, 0);
	free(body);
	rw_records_release(&rs);
}
END_TEST

START_TEST(wrong_feed_kind)
{
	size_t len = 0;
	char *atom = rw_test_data("feeds/govuk-search.atom", &len);
	char *rss;
	rw_records rs = {0};
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(parse_text(&ctx, "govuk-huawei", 0, atom, len, &rs), RW_EPARSE);
	ck_assert_str_eq(rw_errmsg(&ctx), "source 'govuk-huawei': not an RSS feed (root element 'feed')");
	rss = rw_test_data("feeds/fcc-headlines.rss", &len);
	ck_assert_int_eq(parse_text(&ctx, "fcc-headlines", 1, rss, len, &rs), RW_EPARSE);
	ck_assert_str_eq(rw_errmsg(&ctx), "source 'fcc-headlines': not an Atom feed (root element 'rss')");
	free(rss);
	rss = rw_test_data("feeds/fcc-documents.rdf", &len);
	ck_assert_int_eq(parse_text(&ctx, "fcc-documents", 1, rss, len, &rs), RW_EPARSE);
	ck_assert_str_eq(rw_errmsg(&ctx), "source 'fcc-documents': not an Atom feed (root element 'rdf:RDF')");
	ck_assert_uint_eq(rs.n, 0);
	free(rss);
	free(atom);
}
END_TEST

START_TEST(malformed_xml)
{
	size_t len = 0;
	char *body = rw_test_data("feeds/federalregister-malformed.rss", &len);
	rw_records rs = {0};
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(parse_text(&ctx, "federalregister", 0, body, len, &rs), RW_EPARSE);
	ck_assert_msg(strncmp(rw_errmsg(&ctx), "source 'federalregister': ", 26) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_msg(strstr(rw_errmsg(&ctx), "line 8") != NULL, "%s", rw_errmsg(&ctx));
	ck_assert_uint_eq(rs.n, 0);
	free(body);
	rw_records_release(&rs);
}
END_TEST

START_TEST(recoverable_errors_degrade)
{
	/* A bare ampersand and a misspelt end tag: the items are read, the result is degraded. */
	static const char feed[] =
		"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>FR</title>\n"
		"<item><title>Huawei & ZTE</title><guid>a</guid></item>\n"
		"<item><title>Addition of Entities to the Entity List</titel>"
		"<pubDate>Tue, 21 May 2019 04:00:00 GMT</pubDate><guid>b</guid></item>\n"
		"</channel></rss>\n";
	/* A server warning printed ahead of the feed: the root is not rss. */
	static const char warning[] =
		"<?xml version=\"1.0\"?>\n<br />\n<b>Warning</b>: Cannot modify header information<br />\n"
		"<rss version=\"2.0\"><channel><title>FR</title></channel></rss>\n";
	rw_records rs = {0};
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(parse_text(&ctx, "federalregister", 0, feed, strlen(feed), &rs), 0);
	ck_assert_int_eq(rs.degraded, 1);
	ck_assert_uint_eq(rs.n, 2);
	ck_assert_str_eq(rs.v[0].uid, "a");
	ck_assert_ptr_nonnull(strstr(rs.v[1].title, "Addition of Entities to the Entity List"));
	rw_records_release(&rs);

	ck_assert_int_eq(parse_text(&ctx, "federalregister", 0, warning, strlen(warning), &rs), RW_EPARSE);
	ck_assert_str_eq(rw_errmsg(&ctx), "source 'federalregister': not an RSS feed (root element 'br')");
	ck_assert_uint_eq(rs.n, 0);
	rw_records_release(&rs);
}
END_TEST

START_TEST(namespaced_rss_vocabularies)
{
	/* RSS 2.0 written with a default namespace, and RSS 0.90 inside rdf:RDF. */
	static const char userland[] =
		"<rss version=\"2.0\" xmlns=\"http://backend.userland.com/rss2\" "
		"xmlns:media=\"http://search.yahoo.com/mrss/\"><channel><title>FCC</title>"
		"<item><media:title>not this</media:title><title>FCC Announces Additions to the Covered List</title>"
		"<link>https://www.fcc.gov/document/announcement-additions-covered-list</link>"
		"<pubDate>Fri, 25 Mar 2022 12:00:00 -0400</pubDate></item></channel></rss>";
	static const char rss090[] =
		"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
		"xmlns=\"http://my.netscape.com/rdf/simple/0.9/\"><channel><title>FCC</title></channel>"
		"<item><title>DA 21-309</title><link>https://www.fcc.gov/supplychain/coveredlist</link></item>"
		"</rdf:RDF>";
	rw_records rs = {0};
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(parse_text(&ctx, "fcc-headlines", 0, userland, strlen(userland), &rs), 0);
	ck_assert_int_eq(parse_text(&ctx, "fcc-headlines", 0, rss090, strlen(rss090), &rs), 0);
	ck_assert_uint_eq(rs.n, 2);
	ck_assert_str_eq(rs.v[0].title, "FCC Announces Additions to the Covered List");
	ck_assert_str_eq(rs.v[0].date, "2022-03-25");
	ck_assert_str_eq(rs.v[1].title, "DA 21-309");
	ck_assert_str_eq(rs.v[1].link, "https://www.fcc.gov/supplychain/coveredlist");
	ck_assert_ptr_null(rs.v[1].date);
	rw_records_release(&rs);
}
END_TEST

START_TEST(govuk_atom)
{
	rw_records rs = {0};
	rw_ctx ctx;
	size_t i;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(parse_fixture(&ctx, "govuk-search.atom", &rs), 0);
	ck_assert_uint_eq(rs.n, 3);
	/* No <published>: the date is the UTC day of <updated>. */
	ck_assert_str_eq(rs.v[0].date, "2022-11-24");
	ck_assert_str_eq(rs.v[1].date, "2022-10-13");
	ck_assert_str_eq(rs.v[2].date, "2020-07-14");
	ck_assert_str_eq(rs.v[1].title, "Huawei legal notices issued");
	ck_assert_str_eq(rs.v[1].link, "https://www.gov.uk/government/news/huawei-legal-notices-issued");
	ck_assert_str_eq(rs.v[1].uid, "tag:www.gov.uk,2005:/government/news/huawei-legal-notices-issued");
	ck_assert_ptr_nonnull(strstr(rs.v[1].text, "Designation notice to Huawei & designated vendor directions to 35"));
	ck_assert_ptr_nonnull(strstr(rs.v[0].text, "Law of the People\xe2\x80\x99s Republic of China."));
	ck_assert_str_eq(rs.v[2].text, "Purchase of new Huawei 5G equipment banned after 31 December 2020; all "
				       "Huawei equipment to be removed from 5G networks by 2027.");
	for (i = 0; i < rs.n; i++)
		ck_assert_ptr_nonnull(strstr(rs.v[i].link, "https://www.gov.uk/government/news/"));
	rw_records_release(&rs);
}
END_TEST

START_TEST(atom_links_dates_and_content)
{
	rw_records rs = {0};
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(parse_fixture(&ctx, "federalregister-entries.atom", &rs), 0);
	ck_assert_uint_eq(rs.n, 3);
	/* published wins over updated; the alternate link, not the self link before it. */
	ck_assert_str_eq(rs.v[0].date, "2019-10-09");
	ck_assert_str_eq(rs.v[0].link, "https://www.federalregister.gov/documents/2019/10/09/2019-22210/"
				       "addition-of-certain-entities-to-the-entity-list");
	ck_assert_str_eq(rs.v[0].title, "Addition of Certain Entities to the Entity List \xe2\x80\x94 84 FR 54002");
	ck_assert_str_eq(rs.v[0].uid, "https://www.federalregister.gov/d/2019-22210");
	/* xhtml content is preferred to the summary; list items stay apart. */
	ck_assert_str_eq(rs.v[0].text, "Adds twenty-eight entities under the destination of China, among them "
				       "Hangzhou Hikvision Digital Technology Co., Ltd. Zhejiang Dahua Technology "
				       "Co., Ltd. iFlytek Megvii Technology");
	/* A link without rel is the alternate link. */
	ck_assert_str_eq(rs.v[1].link, "https://www.federalregister.gov/d/2019-10616");
	ck_assert_str_eq(rs.v[1].date, "2019-05-21");
	ck_assert_str_eq(rs.v[1].text, "Huawei Technologies Co., Ltd. and sixty-eight non-U.S. affiliates added, "
				       "effective May 16, 2019.");
	/* Only a related link: the first link; no published: updated. */
	ck_assert_str_eq(rs.v[2].link, "https://www.govinfo.gov/content/pkg/FR-2019-08-21/pdf/2019-17921.pdf");
	ck_assert_str_eq(rs.v[2].date, "2019-08-21");
	ck_assert_str_eq(rs.v[2].text, "Forty-six more affiliates of Huawei added, effective August 19, 2019.");
	rw_records_release(&rs);
}
END_TEST

/* A feed of n items, each with a title, link and date. */
static char *big_feed(size_t n)
{
	rw_buf b = RW_BUF_INIT;
	size_t i;

	ck_assert_int_eq(rw_buf_puts(&b, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>FR</title>\n"), 0);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(rw_buf_printf(&b, "<item><title>Notice %zu</title>"
						   "<link>https://www.federalregister.gov/d/2019-%05zu</link>"
						   "<pubDate>Tue, 21 May 2019 04:00:00 GMT</pubDate></item>\n",
					       i, i),
				 0);
	ck_assert_int_eq(rw_buf_puts(&b, "</channel></rss>\n"), 0);
	return rw_buf_detach(&b, NULL);
}

START_TEST(item_cap)
{
	char *feed = big_feed(10001);
	rw_records rs = {0};
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(parse_text(&ctx, "federalregister", 0, feed, strlen(feed), &rs), 0);
	ck_assert_uint_eq(rs.n, 10000);
	ck_assert_int_eq(rs.degraded, 1);
	ck_assert_str_eq(rs.v[9999].title, "Notice 9999");
	rw_records_release(&rs);
	free(feed);

	feed = big_feed(10000);
	ck_assert_int_eq(parse_text(&ctx, "federalregister", 0, feed, strlen(feed), &rs), 0);
	ck_assert_uint_eq(rs.n, 10000);
	ck_assert_int_eq(rs.degraded, 0);
	rw_records_release(&rs);
	free(feed);
}
END_TEST

START_TEST(empty_feeds)
{
	static const char rss[] = "<rss version=\"2.0\"><channel><title>FCC Headlines</title></channel></rss>";
	static const char atom[] = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>News</title></feed>";
	rw_records rs = {0};
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(parse_text(&ctx, "fcc-headlines", 0, rss, strlen(rss), &rs), 0);
	ck_assert_int_eq(parse_text(&ctx, "govuk-huawei", 1, atom, strlen(atom), &rs), 0);
	ck_assert_uint_eq(rs.n, 0);
	ck_assert_int_eq(rs.degraded, 0);
	rw_records_release(&rs);
}
END_TEST

START_TEST(atom_binary_content_uses_summary)
{
	static const char feed[] =
		"<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Entity List rules</title>"
		"<entry><id>https://www.federalregister.gov/d/2019-10616</id>"
		"<title>Addition of Entities to the Entity List</title>"
		"<updated>2019-05-21T04:00:00Z</updated>"
		"<content type=\"application/pdf\">JVBERi0xLjQKJcfsj6IK</content>"
		"<summary>Huawei Technologies Co., Ltd. added.</summary></entry>"
		"<entry><id>https://www.federalregister.gov/d/2019-22210</id>"
		"<content src=\"https://www.govinfo.gov/content/pkg/FR-2019-10-09/pdf/2019-22210.pdf\"/></entry>"
		"</feed>";
	rw_records rs = {0};
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(parse_text(&ctx, "federalregister", 1, feed, strlen(feed), &rs), 0);
	ck_assert_uint_eq(rs.n, 2);
	ck_assert_str_eq(rs.v[0].text, "Huawei Technologies Co., Ltd. added.");
	ck_assert_str_eq(rs.v[1].text, "");
	ck_assert_ptr_null(rs.v[1].title);
	ck_assert_ptr_null(rs.v[1].link);
	ck_assert_ptr_null(rs.v[1].date);
	ck_assert_str_eq(rs.v[1].uid, "https://www.federalregister.gov/d/2019-22210");
	rw_records_release(&rs);
}
END_TEST

START_TEST(atom_without_namespace_is_refused)
{
	static const char atom03[] = "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><title>t</title></feed>";
	rw_records rs = {0};
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(parse_text(&ctx, "govuk-huawei", 1, atom03, strlen(atom03), &rs), RW_EPARSE);
	ck_assert_str_eq(rw_errmsg(&ctx), "source 'govuk-huawei': not an Atom feed (root element 'feed')");
	rw_records_release(&rs);
}
END_TEST

START_TEST(registry_formats)
{
	rw_source src;
	size_t len = 0;
	char *body;
	rw_records rs = {0};
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(rw_format_known("rss"), 1);
	ck_assert_int_eq(rw_format_known("atom"), 1);
	body = rw_test_data("feeds/federalregister.rss", &len);
	src_init(&src, "federalregister-huawei", "rss");
	ck_assert_msg(rw_parse(&ctx, &src, body, len, &rs) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_uint_eq(rs.n, 3);
	src_release(&src);
	free(body);
	body = rw_test_data("feeds/govuk-search.atom", &len);
	src_init(&src, "govuk-huawei", "atom");
	ck_assert_msg(rw_parse(&ctx, &src, body, len, &rs) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_uint_eq(rs.n, 6);
	ck_assert_str_eq(rs.v[3].uid, "tag:www.gov.uk,2005:/government/news/security-update-on-surveillance-equipment");
	src_release(&src);
	free(body);
	rw_records_release(&rs);
}
END_TEST

static Suite *feeds_suite(void)
{
	Suite *s = suite_create("parse_feeds");
	TCase *golden = tcase_create("golden");
	TCase *rss = tcase_create("rss");
	TCase *atom = tcase_create("atom");

	tcase_add_loop_test(golden, golden_files, 0, (int)(sizeof(golden_cases) / sizeof(golden_cases[0])));
	suite_add_tcase(s, golden);

	tcase_add_test(rss, fcc_headlines_facts);
	tcase_add_test(rss, federal_register_facts);
	tcase_add_test(rss, minified_reads_the_same);
	tcase_add_test(rss, eu_press_corner);
	tcase_add_test(rss, impossible_date_keeps_item);
	tcase_add_test(rss, rdf_items_and_dc_date);
	tcase_add_test(rss, dates_are_utc_days);
	tcase_add_test(rss, truncated_feed_is_degraded);
	tcase_add_test(rss, html_page_is_not_a_feed);
	tcase_add_test(rss, wrong_feed_kind);
	tcase_add_test(rss, malformed_xml);
	tcase_add_test(rss, recoverable_errors_degrade);
	tcase_add_test(rss, namespaced_rss_vocabularies);
	tcase_add_test(rss, item_cap);
	tcase_add_test(rss, empty_feeds);
	tcase_add_test(rss, registry_formats);
	suite_add_tcase(s, rss);

	tcase_add_test(atom, govuk_atom);
	tcase_add_test(atom, atom_links_dates_and_content);
	tcase_add_test(atom, atom_binary_content_uses_summary);
	tcase_add_test(atom, atom_without_namespace_is_refused);
	suite_add_tcase(s, atom);
	return s;
}

int main(void)
{
	int rc;

	rw_parse_global_init();
	rc = rw_test_run(feeds_suite());
	rw_parse_global_cleanup();
	return rc;
}
