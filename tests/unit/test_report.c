/*
 * The status report: a database built from the shipped dictionary and curated
 * baseline plus hostile rows, rendered as HTML and Markdown; the HTML parsed
 * back with libxml2 (as XML, strictly, and with its HTML parser), every
 * interval found in the timeline picture, every hostile text found back
 * exactly as it was and never as markup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "testutil.h"
#include "regwatch/config.h"
#include "regwatch/dates.h"
#include "regwatch/history.h"
#include "regwatch/normalise.h"
#include "regwatch/report.h"

#define SHIPPED_VENDORS RW_TEST_DATA "/../../db/vendors.conf"
#define SHIPPED_REGIMES RW_TEST_DATA "/../../db/regimes.conf"
#define NOW ((time_t)1787191200) /* 2026-08-20T02:00:00Z */

static const char HOSTILE_TITLE[] =
	"Hikvision <script>alert(\"pwned\")</script> & \"quoted\" 'single' <img src=x onerror=alert(1)>";
static const char HOSTILE_MD_TITLE[] = "Dahua | table ](https://evil.example/x) [click](javascript:alert(1)) *b* `c`";
static const char HOSTILE_NOTE[] = "<b>bold</b> & \"note\" | pipe";
static const char HOSTILE_REASON[] = "HTTP 503 <em>Service Unavailable</em> & retry";

static rw_ctx ctx;
static char *tmp;
static rw_db *db;
static rw_state state; /* what the database was given, to compare with */

static void add_line(const char *source, const char *regime, const char *ref, const char *vendor,
		     const char *entity, const char *status, const char *since, const char *until,
		     const char *evidence, const char *note)
{
	const char *f[RW_L_NCOLS] = {source, regime, ref, vendor, entity, status, since, until, evidence, note};

	ck_assert_int_eq(rw_table_add(&state.lines, f), 0);
}

static void add_ann(const char *source, const char *vendor, const char *date, const char *title, const char *url)
{
	const char *f[RW_A_NCOLS] = {source, vendor, date, title, url};

	ck_assert_int_eq(rw_table_add(&state.anns, f), 0);
}

/* A database holding the shipped baseline, a live list row with hostile evidence and
   note, announcements (two recent and hostile, one old) and two sources' health. */
static void setup(void)
{
	rw_dict dict;
	rw_regimes regimes;
	rw_apply a;
	rw_attempt att[2];
	char *path;
	long run = 0;
	int i;

	tmp = rw_test_tmpdir();
	rw_ctx_init(&ctx, NOW);
	ck_assert_msg(rw_dict_load(&ctx, &dict, SHIPPED_VENDORS) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_msg(rw_regimes_load(&ctx, &regimes, SHIPPED_REGIMES, &dict) == 0, "%s", rw_errmsg(&ctx));
	rw_state_init(&state);
	ck_assert_msg(rw_normalise_baseline(&ctx, &dict, &regimes, &state) == 0, "%s", rw_errmsg(&ctx));
	add_line("fcc-covered-list", "us.fcc-covered-list", "hangzhou hikvision digital technology", "hikvision",
		 "Hangzhou Hikvision Digital Technology Company", "listed", "2021-03-12", "",
		 "javascript:alert(1)", HOSTILE_NOTE);
	add_line("fcc-covered-list", "us.fcc-covered-list", "pacific networks", "", "Pacific Networks Corp <x>",
		 "listed", "2022-09-20", "", "https://www.fcc.gov/supplychain/coveredlist", "");
	for (i = 0; i < 55; i++) {
		char ref[32], entity[64], since[RW_DATE_LEN];

		snprintf(ref, sizeof(ref), "entity %02d", i);
		snprintf(entity, sizeof(entity), "Unmatched Entity %02d Ltd", i);
		rw_date_from_time((time_t)(1640995200L + 86400L * i), since); /* from 2022-01-01 */
		add_line("trade-csl", "us.entity-list", ref, "", entity, "listed", since, "",
			 "https://www.trade.gov/consolidated-screening-list", "");
	}
	add_ann("fcc-headlines", "hikvision", "2026-08-10", HOSTILE_TITLE, "https://www.fcc.gov/document/one");
	add_ann("fcc-headlines", "dahua", "2026-08-11", HOSTILE_MD_TITLE, "https://www.fcc.gov/document/two");
	add_ann("fcc-headlines", "hytera", "2026-08-12", "Hytera notice", "javascript:alert(document.cookie)");
	add_ann("fcc-headlines", "hikvision", "2021-03-12",
		"FCC Publishes List of Equipment And Services That Pose A Threat to National Security",
		"https://www.fcc.gov/document/fcc-releases-list-equipment-services-pose-security-threat");
	rw_table_sort(&state.lines);
	rw_table_sort(&state.anns);

	path = rw_asprintf("%s/regwatch.db", tmp);
	ck_assert_msg(rw_db_open(&ctx, &db, path, RW_DB_WRITE) == 0, "%s", rw_errmsg(&ctx));
	free(path);
	memset(&a, 0, sizeof(a));
	a.oid = "0123456789abcdef0123456789abcdef01234567";
	a.recorded_at = NOW;
	a.message = "run";
	a.state = &state;
	a.dict = &dict;
	a.regimes = &regimes;
	ck_assert_msg(rw_db_apply(&ctx, db, &a, &run) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_int_eq(run, 1);
	memset(att, 0, sizeof(att));
	att[0].name = "fcc-covered-list";
	att[0].url = "https://www.fcc.gov/supplychain/coveredlist";
	att[0].format = "html-table";
	att[0].outcome = "new";
	att[0].http_status = 200;
	att[0].records = 5;
	att[0].changed = 1;
	att[0].max_age_days = 7;
	att[1].name = "fcc-headlines";
	att[1].url = "https://www.fcc.gov/news-events/headlines.xml";
	att[1].format = "rss";
	att[1].outcome = "failed";
	att[1].http_status = 503;
	att[1].records = -1;
	att[1].reason = HOSTILE_REASON;
	att[1].max_age_days = 7;
	ck_assert_msg(rw_db_record_attempts(&ctx, db, att, 2, NOW) == 0, "%s", rw_errmsg(&ctx));
	rw_dict_release(&dict);
	rw_regimes_release(&regimes);
}

static void teardown(void)
{
	rw_db_close(db);
	db = NULL;
	rw_state_release(&state);
	rw_test_rmtree(tmp);
	free(tmp);
}

static void render(int format, rw_buf *out)
{
	rw_report r;

	rw_report_init(&r);
	ck_assert_msg(rw_report_load(&ctx, &r, db) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_msg(rw_report_render(&ctx, &r, format, out) == 0, "%s", rw_errmsg(&ctx));
	rw_report_release(&r);
}

/* Parses the page strictly as XML; fails the test with libxml2's message otherwise. */
static xmlDocPtr parse_xml(const rw_buf *page)
{
	xmlParserCtxtPtr pc = xmlNewParserCtxt();
	xmlDocPtr doc;
	const xmlError *e;

	ck_assert_ptr_nonnull(pc);
	doc = xmlCtxtReadMemory(pc, page->data, (int)page->len, "report.html", "UTF-8",
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	e = xmlCtxtGetLastError(pc);
	ck_assert_msg(doc != NULL && pc->wellFormed && e == NULL, "report is not well formed: line %d: %s",
		      e ? e->line : 0, e && e->message ? e->message : "?");
	xmlFreeParserCtxt(pc);
	return doc;
}

static xmlXPathContextPtr xpath_ctx(xmlDocPtr doc)
{
	xmlXPathContextPtr xc = xmlXPathNewContext(doc);

	ck_assert_ptr_nonnull(xc);
	xmlXPathRegisterNs(xc, BAD_CAST "h", BAD_CAST "http://www.w3.org/1999/xhtml");
	xmlXPathRegisterNs(xc, BAD_CAST "s", BAD_CAST "http://www.w3.org/2000/svg");
	return xc;
}

static int count(xmlXPathContextPtr xc, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, xc);
	int n;

	ck_assert_msg(o != NULL, "bad XPath %s", expr);
	n = o->nodesetval ? o->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(o);
	return n;
}

/* 1 when some element matched by expr has exactly the text want. */
static int has_text(xmlXPathContextPtr xc, const char *expr, const char *want)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, xc);
	int i, found = 0;

	ck_assert_msg(o != NULL, "bad XPath %s", expr);
	for (i = 0; o->nodesetval && i < o->nodesetval->nodeNr && !found; i++) {
		xmlChar *t = xmlNodeGetContent(o->nodesetval->nodeTab[i]);

		found = t && strcmp((const char *)t, want) == 0;
		xmlFree(t);
	}
	xmlXPathFreeObject(o);
	return found;
}

START_TEST(html_is_well_formed_and_self_contained)
{
	rw_buf page = RW_BUF_INIT;
	xmlDocPtr doc;
	xmlXPathContextPtr xc;

	render(RW_REPORT_HTML, &page);
	ck_assert_int_eq(strncmp(page.data, "<!DOCTYPE html>\n", 16), 0);
	doc = parse_xml(&page);
	xc = xpath_ctx(doc);
	ck_assert_int_eq(count(xc, "/h:html/h:head/h:title"), 1);
	ck_assert_int_eq(count(xc, "//h:meta[@http-equiv='Content-Security-Policy']"
				   "[starts-with(@content, \"default-src 'none'\")]"), 1);
	/* Nothing that loads: no scripts, no external style sheets, images, frames or objects. */
	ck_assert_int_eq(count(xc, "//h:script | //s:script | //h:link | //h:img | //h:iframe | //h:object |"
				   " //h:embed | //s:image | //s:use | //s:foreignObject"), 0);
	ck_assert_int_eq(count(xc, "//@src"), 0);
	ck_assert_int_eq(count(xc, "//@*[starts-with(name(), 'on')]"), 0);
	ck_assert_ptr_null(strstr(page.data, "url("));
	ck_assert_ptr_null(strstr(page.data, "@import"));
	/* Every link is to a place on the page or an http(s) evidence URL. */
	ck_assert_int_eq(count(xc, "//h:a[not(starts-with(@href, '#') or starts-with(@href, 'https://') or "
				   "starts-with(@href, 'http://'))]"), 0);
	ck_assert_int_gt(count(xc, "//h:a[starts-with(@href, 'https://')]"), 10);
	/* Fragment links all land. */
	ck_assert_int_eq(count(xc, "//h:a[starts-with(@href, '#')][not(substring(@href, 2) = //@id)]"), 0);
	/* The picture: one SVG with a title and a legend naming the five status words. */
	ck_assert_int_eq(count(xc, "//s:svg"), 1);
	ck_assert_int_eq(count(xc, "//s:svg/s:title"), 1);
	ck_assert_int_eq(count(xc, "//s:g[@class='legend']/s:text[. = 'prohibited' or . = 'restricted' or"
				   " . = 'listed' or . = 'under-review' or . = 'announced']"), 5);
	xmlXPathFreeContext(xc);
	xmlFreeDoc(doc);
	rw_buf_release(&page);
}
END_TEST

START_TEST(html_parser_sees_only_html5_elements_it_does_not_know)
{
	static const char *const html5[] = {"header", "nav", "main", "section", "details", "summary", "svg", "g",
					    "rect", "line", "circle", "text", "title"};
	rw_buf page = RW_BUF_INIT;
	htmlParserCtxtPtr pc;
	htmlDocPtr doc;
	xmlXPathContextPtr xc;
	xmlXPathObjectPtr o;
	int i;

	render(RW_REPORT_HTML, &page);
	pc = htmlNewParserCtxt();
	ck_assert_ptr_nonnull(pc);
	doc = htmlCtxtReadMemory(pc, page.data, (int)page.len, "report.html", "UTF-8",
				 HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	ck_assert_ptr_nonnull(doc);
	/* libxml2's HTML parser is HTML 4: it flags HTML5 and SVG element names, nothing else. */
	if (pc->lastError.code != 0 && pc->lastError.code != XML_HTML_UNKNOWN_TAG)
		ck_abort_msg("HTML parser error %d at line %d: %s", pc->lastError.code, pc->lastError.line,
			     pc->lastError.message ? pc->lastError.message : "?");
	xc = xmlXPathNewContext(doc);
	ck_assert_int_eq(count(xc, "//script | //img | //iframe | //object | //embed"), 0);
	ck_assert_int_eq(count(xc, "//@*[starts-with(name(), 'on')]"), 0);
	o = xmlXPathEvalExpression(BAD_CAST "//body//*", xc);
	ck_assert_ptr_nonnull(o);
	for (i = 0; o->nodesetval && i < o->nodesetval->nodeNr; i++) {
		const char *name = (const char *)o->nodesetval->nodeTab[i]->name;
		size_t k;
		int ok = htmlTagLookup(BAD_CAST name) != NULL;

		for (k = 0; !ok && k < sizeof(html5) / sizeof(html5[0]); k++)
			ok = strcmp(name, html5[k]) == 0;
		ck_assert_msg(ok, "unexpected element <%s>", name);
	}
	xmlXPathFreeObject(o);
	ck_assert_int_eq(count(xc, "//table"), count(xc, "//table[thead/tr/th and tbody]"));
	xmlXPathFreeContext(xc);
	xmlFreeDoc(doc);
	htmlFreeParserCtxt(pc);
	rw_buf_release(&page);
}
END_TEST

START_TEST(every_interval_is_a_bar_in_the_timeline)
{
	rw_buf page = RW_BUF_INIT;
	xmlDocPtr doc;
	xmlXPathContextPtr xc;
	size_t i, with_vendor = 0;

	render(RW_REPORT_HTML, &page);
	doc = parse_xml(&page);
	xc = xpath_ctx(doc);
	for (i = 0; i < state.lines.n; i++) {
		char *const *f = state.lines.v[i].f;
		char *expr;

		if (f[RW_L_VENDOR][0] == '\0')
			continue;
		with_vendor++;
		expr = rw_asprintf("//s:svg//s:rect[@data-vendor='%s'][@data-regime='%s'][@data-status='%s']"
				   "[@data-since='%s'][@data-until='%s'][@data-source='%s'][@fill]"
				   "[number(@width) >= 2][s:title]",
				   f[RW_L_VENDOR], f[RW_L_REGIME], f[RW_L_STATUS], f[RW_L_SINCE], f[RW_L_UNTIL],
				   f[RW_L_SOURCE]);
		ck_assert_msg(count(xc, expr) >= 1, "no bar for %s %s %s since %s (%s)", f[RW_L_VENDOR],
			      f[RW_L_REGIME], f[RW_L_STATUS], f[RW_L_SINCE], f[RW_L_SOURCE]);
		free(expr);
	}
	ck_assert_uint_gt(with_vendor, 40);
	/* No bar for a list entry naming no vendor, and no more bars than intervals. */
	ck_assert_int_eq(count(xc, "//s:rect[starts-with(@class, 'bar ')]"), (int)with_vendor);
	ck_assert_int_eq(count(xc, "//s:rect[@data-vendor='']"), 0);
	/* Bars are coloured by status word, the same colour for the same word. */
	ck_assert_int_eq(count(xc, "//s:rect[@data-status='prohibited'][@fill != '#b2182b']"), 0);
	ck_assert_int_eq(count(xc, "//s:rect[@data-status='listed'][@fill != '#2166ac']"), 0);
	ck_assert_int_gt(count(xc, "//s:rect[@data-status='prohibited']"), 5);
	/* Bars stay within the chart: from 2016 (x = 300) to today (x = 1020). */
	ck_assert_int_eq(count(xc, "//s:rect[starts-with(@class, 'bar ')][number(@x) < 300 or "
				   "number(@x) + number(@width) > 1022]"), 0);
	/* ZTE's Entity List interval of 2016-03-08 to 2017-03-29 is short and early: a bar that ends early. */
	ck_assert_int_eq(count(xc, "//s:rect[@data-vendor='zte'][@data-regime='us.entity-list']"
				   "[@data-since='2016-03-08'][@data-until='2017-03-29'][number(@x) + number(@width) < 400]"), 1);
	/* One row per vendor and regime, each with its label. */
	ck_assert_int_eq(count(xc, "//s:g[@class='row']/s:text[@class='label'][. = 'hikvision \xC2\xB7 us.ndaa-889']"), 1);
	ck_assert_int_eq(count(xc, "//s:g[@class='row'][s:text[. = 'hikvision \xC2\xB7 us.ndaa-889']]/s:rect"), 3);
	/* Announcements are markers on their vendor's row, old ones included; the future is not drawn. */
	ck_assert_int_eq(count(xc, "//s:circle[@class='ann'][@data-vendor='hikvision']"), 2);
	ck_assert_int_eq(count(xc, "//s:circle[@class='ann'][@data-date='2021-03-12']"), 1);
	ck_assert_int_eq(count(xc, "//s:line[@class='today']"), 1);
	xmlXPathFreeContext(xc);
	xmlFreeDoc(doc);
	rw_buf_release(&page);
}
END_TEST

START_TEST(hostile_texts_come_back_as_text)
{
	rw_buf page = RW_BUF_INIT;
	xmlDocPtr doc;
	xmlXPathContextPtr xc;

	render(RW_REPORT_HTML, &page);
	ck_assert_ptr_null(strstr(page.data, "<script"));
	ck_assert_ptr_null(strstr(page.data, "<img"));
	ck_assert_ptr_null(strstr(page.data, "<b>"));
	ck_assert_ptr_null(strstr(page.data, "<em>"));
	ck_assert_ptr_nonnull(strstr(page.data, "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; "));
	doc = parse_xml(&page);
	xc = xpath_ctx(doc);
	/* The recent announcement, its title exactly as published, linked to its URL. */
	ck_assert(has_text(xc, "//h:section[@id='v-hikvision']//h:td/h:a[@href='https://www.fcc.gov/document/one']",
			   HOSTILE_TITLE));
	ck_assert(has_text(xc, "//s:circle/s:title", "2026-08-10: Hikvision <script>alert(\"pwned\")</script> & "
						   "\"quoted\" 'single' <img src=x onerror=alert(1)> (fcc-headlines)"));
	ck_assert(has_text(xc, "//h:td", HOSTILE_NOTE));
	ck_assert(has_text(xc, "//h:td", HOSTILE_REASON));
	ck_assert(has_text(xc, "//h:td", "Pacific Networks Corp <x>"));
	/* A javascript: URL is never a link: shown as text. */
	ck_assert_int_eq(count(xc, "//h:a[contains(@href, 'javascript')]"), 0);
	ck_assert(has_text(xc, "//h:section[@id='v-hytera']//h:td", "Hytera notice"));
	ck_assert(has_text(xc, "//h:section[@id='v-hikvision']//h:td", "javascript:alert(1)"));
	xmlXPathFreeContext(xc);
	xmlFreeDoc(doc);
	rw_buf_release(&page);
}
END_TEST

START_TEST(statuses_in_force_today_and_recent_announcements)
{
	rw_buf page = RW_BUF_INIT;
	xmlDocPtr doc;
	xmlXPathContextPtr xc;
	rw_report r;

	rw_report_init(&r);
	ck_assert_msg(rw_report_load(&ctx, &r, db) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_str_eq(r.today, "2026-08-20");
	ck_assert_msg(rw_report_render(&ctx, &r, RW_REPORT_HTML, &page) == 0, "%s", rw_errmsg(&ctx));
	rw_report_release(&r);
	doc = parse_xml(&page);
	xc = xpath_ctx(doc);
	/* Hikvision: NDAA 889 prohibited since 2019-08-13 with its Federal Register evidence, and the
	   FCC Covered List from the live list with the baseline's start date. */
	ck_assert_int_eq(count(xc, "//h:section[@id='v-hikvision']/h:table[1]/h:tbody/h:tr[h:td[1] = 'us.ndaa-889']"
				   "[h:td[3] = 'prohibited'][h:td[4] = '2019-08-13']"
				   "[h:td[8]/h:a[starts-with(@href, 'https://www.federalregister.gov/')]]"), 1);
	ck_assert_int_eq(count(xc, "//h:section[@id='v-hikvision']/h:table[1]/h:tbody/h:tr[h:td[1] = "
				   "'us.fcc-covered-list'][h:td[7] = 'fcc-covered-list'][h:td[4] = '2021-03-12']"), 1);
	/* Most severe first. */
	ck_assert(has_text(xc, "//h:section[@id='v-hikvision']/h:table[1]/h:tbody/h:tr[1]/h:td[3]", "prohibited"));
	/* HiSilicon inherits Huawei's statuses under regimes covering affiliates. */
	ck_assert_int_gt(count(xc, "//h:section[@id='v-hisilicon']/h:table[1]/h:tbody/h:tr[h:td[6] = 'huawei']"), 0);
	/* The last 90 days: the recent items, not the 2021 one. */
	ck_assert_int_eq(count(xc, "//h:section[@id='v-hikvision']/h:table[2]/h:tbody/h:tr"), 1);
	ck_assert(has_text(xc, "//h:section[@id='v-hikvision']/h:table[2]/h:tbody/h:tr/h:td[1]", "2026-08-10"));
	ck_assert_int_eq(count(xc, "//h:table[h:thead/h:tr/h:th = 'Announcements (90 days)']/h:tbody/h:tr"
				   "[h:td[1] = 'hikvision'][h:td[4] = '1']"), 1);
	/* Source health, failing source first-class. */
	ck_assert_int_eq(count(xc, "//h:h2[@id='sources']/following-sibling::h:table[1]/h:tbody/h:tr"), 2);
	ck_assert_int_eq(count(xc, "//h:tr[h:td[1]/h:a = 'fcc-headlines'][h:td[2] = 'failing'][h:td[7] = '503']"), 1);
	ck_assert_int_eq(count(xc, "//h:tr[h:td[1]/h:a = 'fcc-covered-list'][h:td[2] = 'ok']"), 1);
	/* List entries naming no vendor have their own section: the newest 50, newest first. */
	ck_assert_int_eq(count(xc, "//h:h2[@id='unmatched']"), 1);
	ck_assert(has_text(xc, "//h:h2[@id='unmatched']/following-sibling::h:p[1]",
			   "The 50 newest of 56 entries, newest first; 'regwatch vendors' lists them all."));
	ck_assert_int_eq(count(xc, "//h:h2[@id='unmatched']/following-sibling::h:table[1]/h:tbody/h:tr"), 50);
	ck_assert(has_text(xc, "//h:h2[@id='unmatched']/following-sibling::h:table[1]/h:tbody/h:tr[1]/h:td[1]",
			   "Pacific Networks Corp <x>"));
	ck_assert(has_text(xc, "//h:h2[@id='unmatched']/following-sibling::h:table[1]/h:tbody/h:tr[2]/h:td[1]",
			   "Unmatched Entity 54 Ltd"));
	ck_assert(has_text(xc, "//h:h2[@id='unmatched']/following-sibling::h:table[1]/h:tbody/h:tr[50]/h:td[4]",
			   "2022-01-07"));
	xmlXPathFreeContext(xc);
	xmlFreeDoc(doc);
	rw_buf_release(&page);
}
END_TEST

/* Splits a Markdown table row on unescaped pipes; returns the number of cells. */
static int md_cells(const char *line)
{
	int pipes = 0;
	const char *p;

	for (p = line; *p && *p != '\n'; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p == '|')
			pipes++;
	}
	return pipes - 1;
}

/* 1 when needle occurs in text without a backslash escaping its first character. */
static int unescaped(const char *text, const char *needle)
{
	const char *p;

	for (p = strstr(text, needle); p; p = strstr(p + 1, needle)) {
		size_t slashes = 0;

		while (p - slashes > text && p[-1 - (long)slashes] == '\\')
			slashes++;
		if (slashes % 2 == 0)
			return 1;
	}
	return 0;
}

START_TEST(markdown_has_every_interval_escaped)
{
	rw_buf page = RW_BUF_INIT;
	const char *p, *line;
	size_t i;
	int in_code = 0, header_cells = -1;

	render(RW_REPORT_MD, &page);
	ck_assert_int_eq(strncmp(page.data, "# Regulatory status report, 2026-08-20\n", 39), 0);
	/* Every table row has as many cells as its header: no text from a source split a row. */
	for (line = page.data; *line; line = p + 1) {
		p = strchr(line, '\n');
		if (p == NULL)
			break;
		if (strncmp(line, "```", 3) == 0)
			in_code = !in_code;
		if (in_code || line[0] != '|') {
			header_cells = -1;
			continue;
		}
		if (header_cells < 0)
			header_cells = md_cells(line);
		ck_assert_msg(md_cells(line) == header_cells, "row with %d cells, header %d: %.*s", md_cells(line),
			      header_cells, (int)(p - line), line);
	}
	ck_assert(!in_code);
	/* No raw HTML and no link from a hostile title. */
	ck_assert_ptr_null(strstr(page.data, "<script"));
	ck_assert_ptr_null(strstr(page.data, "<b>"));
	ck_assert(!unescaped(page.data, "](javascript"));
	ck_assert(!unescaped(page.data, "](https://evil"));
	ck_assert(!unescaped(page.data, "[click"));
	ck_assert_ptr_nonnull(strstr(page.data, "[Hikvision &lt;script&gt;alert(\"pwned\")&lt;/script&gt; &amp; "
						"\"quoted\" 'single' &lt;img src=x onerror=alert(1)&gt;]"
						"(https://www.fcc.gov/document/one)"));
	ck_assert_ptr_nonnull(strstr(page.data, "[Dahua \\| table \\](https://evil.example/x) \\[click\\]"
						"(javascript:alert(1)) \\*b\\* \\`c\\`](https://www.fcc.gov/document/two)"));
	ck_assert_ptr_nonnull(strstr(page.data, "| 2026-08-12 | Hytera notice | fcc-headlines |"));
	ck_assert_ptr_nonnull(strstr(page.data, "&lt;b&gt;bold&lt;/b&gt; &amp; \"note\" \\| pipe"));
	/* Every interval is a row of its vendor's table of intervals. */
	for (i = 0; i < state.lines.n; i++) {
		char *const *f = state.lines.v[i].f;
		char *head, *row;
		const char *sec, *next;

		if (f[RW_L_VENDOR][0] == '\0')
			continue;
		head = rw_asprintf("(%s)\n", f[RW_L_VENDOR]);
		sec = strstr(page.data, head);
		ck_assert_msg(sec != NULL, "no section for %s", f[RW_L_VENDOR]);
		sec = strstr(sec, "Every interval (");
		ck_assert_ptr_nonnull(sec);
		next = strstr(sec, "\n### ");
		row = rw_asprintf("| %s | US | **%s** | %s | %s |", f[RW_L_REGIME], f[RW_L_STATUS], f[RW_L_SINCE],
				  f[RW_L_UNTIL][0] ? f[RW_L_UNTIL] : "\xE2\x80\x94");
		if (strncmp(f[RW_L_REGIME], "us.", 3) == 0) {
			const char *hit = strstr(sec, row);

			ck_assert_msg(hit != NULL && (next == NULL || hit < next), "no row %s for %s", row, f[RW_L_VENDOR]);
		}
		free(head);
		free(row);
	}
	/* The text chart: ZTE's 2016-2017 Entity List listing is in the first five quarters only. */
	ck_assert_ptr_nonnull(strstr(page.data, "zte us.entity-list"));
	p = strstr(page.data, "zte us.entity-list") + strlen("zte us.entity-list");
	while (*p == ' ')
		p++;
	ck_assert_msg(strncmp(p, "LLLLL.....", 10) == 0, "chart row: %.50s", p);
	ck_assert_ptr_nonnull(strstr(page.data, "Legend: `P` prohibited"));
	rw_buf_release(&page);
}
END_TEST

START_TEST(affected_assets_grouped_by_site)
{
	static const char *const a1[RW_RA_NCOLS] = {"Town Hall", "CAM-0042", "Hikvision", "DS-2CD2143G2-I", "4",
						    "hikvision", "manufacturer", "prohibited (us.ndaa-889)", NULL};
	static const char *const a2[RW_RA_NCOLS] = {"Depot", "CAM-0007", "HiLook <b>", "IPC-B140H", "2",
						    "hikvision", "brand", "listed (us.fcc-covered-list)",
						    "applies if used for public safety"};
	static const char *const a3[RW_RA_NCOLS] = {"Town Hall", "CAM-0001", "Acme", "X1", "1", "huawei",
						    "chipset", "listed", NULL};
	rw_buf page = RW_BUF_INIT, md = RW_BUF_INIT;
	xmlDocPtr doc;
	xmlXPathContextPtr xc;
	rw_report r;

	rw_report_init(&r);
	ck_assert_msg(rw_report_load(&ctx, &r, db) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_int_eq(rw_report_set_inventory(&ctx, &r, "assets.csv", 120), 0);
	ck_assert_int_eq(rw_report_add_asset(&ctx, &r, a1), 0);
	ck_assert_int_eq(rw_report_add_asset(&ctx, &r, a2), 0);
	ck_assert_int_eq(rw_report_add_asset(&ctx, &r, a3), 0);
	ck_assert_int_eq(rw_report_render(&ctx, &r, RW_REPORT_HTML, &page), 0);
	ck_assert_int_eq(rw_report_render(&ctx, &r, RW_REPORT_MD, &md), 0);
	rw_report_release(&r);
	doc = parse_xml(&page);
	xc = xpath_ctx(doc);
	ck_assert(has_text(xc, "//h:h2[@id='assets']/following-sibling::h:p[1]",
			   "Inventory assets.csv: 3 of 120 assets affected on 2026-08-20 (7 units)."));
	/* Sites in order, each with its own counts and table, assets by id. */
	ck_assert(has_text(xc, "//h:h2[@id='assets']/following-sibling::h:h3[1]", "Depot (1 asset, 2 units)"));
	ck_assert(has_text(xc, "//h:h2[@id='assets']/following-sibling::h:h3[2]", "Town Hall (2 assets, 5 units)"));
	ck_assert(has_text(xc, "//h:h2[@id='assets']/following-sibling::h:table[2]/h:tbody/h:tr[1]/h:td[1]",
			   "CAM-0001"));
	ck_assert(has_text(xc, "//h:h2[@id='assets']/following-sibling::h:table[1]//h:td", "HiLook <b>"));
	ck_assert(has_text(xc, "//h:h2[@id='assets']/following-sibling::h:table[1]//h:td",
			   "applies if used for public safety"));
	ck_assert_int_eq(count(xc, "//h:nav//h:a[@href='#assets']"), 1);
	xmlXPathFreeContext(xc);
	xmlFreeDoc(doc);
	ck_assert_ptr_nonnull(strstr(md.data, "\n## Affected assets by site\n"));
	ck_assert_ptr_nonnull(strstr(md.data, "\n### Town Hall (2 assets, 5 units)\n"));
	ck_assert_ptr_nonnull(strstr(md.data, "| CAM-0007 | HiLook &lt;b&gt; | IPC-B140H | 2 | hikvision | brand |"));
	rw_buf_release(&page);
	rw_buf_release(&md);
}
END_TEST

START_TEST(empty_database)
{
	rw_db *empty = NULL;
	rw_report r;
	rw_buf page = RW_BUF_INIT, md = RW_BUF_INIT;
	xmlDocPtr doc;
	char *path = rw_asprintf("%s/empty.db", tmp);

	ck_assert_msg(rw_db_open(&ctx, &empty, path, RW_DB_WRITE) == 0, "%s", rw_errmsg(&ctx));
	rw_report_init(&r);
	ck_assert_msg(rw_report_load(&ctx, &r, empty) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_uint_eq(r.nvendors, 0);
	ck_assert_int_eq(rw_report_render(&ctx, &r, RW_REPORT_HTML, &page), 0);
	ck_assert_int_eq(rw_report_render(&ctx, &r, RW_REPORT_MD, &md), 0);
	rw_report_release(&r);
	doc = parse_xml(&page);
	xmlFreeDoc(doc);
	ck_assert_ptr_nonnull(strstr(page.data, "No status interval recorded."));
	ck_assert_ptr_nonnull(strstr(page.data, "No source has been fetched yet."));
	ck_assert_ptr_nonnull(strstr(md.data, "No source has been fetched yet."));
	rw_db_close(empty);
	free(path);
	rw_buf_release(&page);
	rw_buf_release(&md);
}
END_TEST

START_TEST(output_limit_is_an_error)
{
	rw_report r;
	rw_buf page;

	rw_buf_init(&page, 4096);
	rw_report_init(&r);
	ck_assert_int_eq(rw_report_load(&ctx, &r, db), 0);
	ck_assert_int_eq(rw_report_render(&ctx, &r, RW_REPORT_HTML, &page), RW_ELIMIT);
	ck_assert_str_eq(rw_errmsg(&ctx), "report: larger than the output limit (4096 bytes)");
	ck_assert_int_eq(rw_report_render(&ctx, &r, 7, &page), RW_EUSAGE);
	rw_report_release(&r);
	rw_buf_release(&page);
}
END_TEST

static char *escaped(int (*fn)(rw_buf *, const char *), const char *s)
{
	rw_buf b = RW_BUF_INIT;

	ck_assert_int_eq(fn(&b, s), 0);
	ck_assert_int_eq(rw_buf_putc(&b, '\0'), 0);
	return rw_buf_detach(&b, NULL);
}

static void expect_escape(int (*fn)(rw_buf *, const char *), const char *in, const char *want)
{
	char *got = escaped(fn, in);

	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(html_escaping)
{
	expect_escape(rw_html_escape, "<a href=\"x\">T&C's</a>", "&lt;a href=&quot;x&quot;&gt;T&amp;C&#39;s&lt;/a&gt;");
	expect_escape(rw_html_escape, "&amp;", "&amp;amp;");
	expect_escape(rw_html_escape, "Zhejiang Dahua \xE6\xB5\x99\xE6\xB1\x9F \xC3\xA9 \xF0\x9F\x93\xB7",
		      "Zhejiang Dahua \xE6\xB5\x99\xE6\xB1\x9F \xC3\xA9 \xF0\x9F\x93\xB7");
	expect_escape(rw_html_escape, "a\tb\nc\r", "a b c ");
	/* Invalid UTF-8, overlong forms, surrogates, controls and non-characters: U+FFFD each. */
	expect_escape(rw_html_escape, "x\xFFy", "x\xEF\xBF\xBDy");
	expect_escape(rw_html_escape, "\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD");
	expect_escape(rw_html_escape, "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	expect_escape(rw_html_escape, "a\x01" "b\x7F", "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
	expect_escape(rw_html_escape, "\xEF\xBF\xBE", "\xEF\xBF\xBD");
	expect_escape(rw_html_escape, "\xC2\x85", "\xEF\xBF\xBD");
	/* a truncated sequence is one malformed sequence: one U+FFFD, as everywhere text enters */
	expect_escape(rw_html_escape, "cut \xE6\xB5", "cut \xEF\xBF\xBD");
	expect_escape(rw_html_escape, NULL, "");
}
END_TEST

/* Whatever goes in comes back out of libxml2 unchanged (valid input) inside an element and an attribute. */
START_TEST(html_escaping_round_trips_through_libxml2)
{
	static const char *const samples[] = {
		"<script>alert(1)</script>", "\"'&<>", "]]> <![CDATA[ x ]]>", "&#x3C;script&#x3E;", "<!-- c -->",
		"<?xml-stylesheet href='x'?>", "&nbsp; &lt; &", "\xE6\xB5\x99\xE6\xB1\x9F \xF0\x9F\x93\xB7",
	};
	size_t i;

	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		rw_buf doc_text = RW_BUF_INIT;
		xmlDocPtr doc;
		xmlChar *content, *attr;

		ck_assert_int_eq(rw_buf_puts(&doc_text, "<p title=\""), 0);
		ck_assert_int_eq(rw_html_escape(&doc_text, samples[i]), 0);
		ck_assert_int_eq(rw_buf_puts(&doc_text, "\">"), 0);
		ck_assert_int_eq(rw_html_escape(&doc_text, samples[i]), 0);
		ck_assert_int_eq(rw_buf_puts(&doc_text, "</p>"), 0);
		doc = xmlReadMemory(doc_text.data, (int)doc_text.len, "x.xml", "UTF-8",
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		ck_assert_msg(doc != NULL, "not well formed: %s", doc_text.data);
		ck_assert_int_eq(xmlChildElementCount(xmlDocGetRootElement(doc)), 0);
		content = xmlNodeGetContent(xmlDocGetRootElement(doc));
		attr = xmlGetProp(xmlDocGetRootElement(doc), BAD_CAST "title");
		ck_assert_str_eq((const char *)content, samples[i]);
		ck_assert_str_eq((const char *)attr, samples[i]);
		xmlFree(content);
		xmlFree(attr);
		xmlFreeDoc(doc);
		rw_buf_release(&doc_text);
	}
}
END_TEST

START_TEST(markdown_escaping)
{
	expect_escape(rw_md_escape, "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
	expect_escape(rw_md_escape, "[x](javascript:y)", "\\[x\\](javascript:y)");
	expect_escape(rw_md_escape, "a | b", "a \\| b");
	expect_escape(rw_md_escape, "*b* _i_ `c` ~s~ ![img] # \\", "\\*b\\* \\_i\\_ \\`c\\` \\~s\\~ \\!\\[img\\] \\# \\\\");
	expect_escape(rw_md_escape, "T&C", "T&amp;C");
	expect_escape(rw_md_escape, "Co., Ltd. 2021-03-12", "Co., Ltd. 2021-03-12");
	expect_escape(rw_md_escape, "line\nbreak", "line break");
	expect_escape(rw_md_escape, "x\xFFy", "x\xEF\xBF\xBDy");
}
END_TEST

START_TEST(only_http_urls_are_links)
{
	ck_assert_int_eq(rw_report_url_ok("https://www.fcc.gov/supplychain/coveredlist"), 1);
	ck_assert_int_eq(rw_report_url_ok("HTTP://example.org/a?b=1&c=2"), 1);
	ck_assert_int_eq(rw_report_url_ok("javascript:alert(1)"), 0);
	ck_assert_int_eq(rw_report_url_ok("JavaScript:alert(1)"), 0);
	ck_assert_int_eq(rw_report_url_ok("data:text/html,<script>"), 0);
	ck_assert_int_eq(rw_report_url_ok("file:///etc/passwd"), 0);
	ck_assert_int_eq(rw_report_url_ok("//evil.example/"), 0);
	ck_assert_int_eq(rw_report_url_ok("https://"), 0);
	ck_assert_int_eq(rw_report_url_ok("https:///path"), 0);
	ck_assert_int_eq(rw_report_url_ok("https://a.example/x y"), 0);
	ck_assert_int_eq(rw_report_url_ok("https://a.example/\"onmouseover=x"), 0);
	ck_assert_int_eq(rw_report_url_ok("https://a.example/\n"), 0);
	ck_assert_int_eq(rw_report_url_ok(""), 0);
	ck_assert_int_eq(rw_report_url_ok(NULL), 0);
	ck_assert_int_eq(rw_report_format_parse("html"), RW_REPORT_HTML);
	ck_assert_int_eq(rw_report_format_parse("md"), RW_REPORT_MD);
	ck_assert_int_eq(rw_report_format_parse("pdf"), -1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("report");
	TCase *db_case = tcase_create("database");
	TCase *esc = tcase_create("escaping");

	tcase_add_checked_fixture(db_case, setup, teardown);
	tcase_set_timeout(db_case, 60);
	tcase_add_test(db_case, html_is_well_formed_and_self_contained);
	tcase_add_test(db_case, html_parser_sees_only_html5_elements_it_does_not_know);
	tcase_add_test(db_case, every_interval_is_a_bar_in_the_timeline);
	tcase_add_test(db_case, hostile_texts_come_back_as_text);
	tcase_add_test(db_case, statuses_in_force_today_and_recent_announcements);
	tcase_add_test(db_case, markdown_has_every_interval_escaped);
	tcase_add_test(db_case, affected_assets_grouped_by_site);
	tcase_add_test(db_case, empty_database);
	tcase_add_test(db_case, output_limit_is_an_error);
	suite_add_tcase(s, db_case);
	tcase_add_test(esc, html_escaping);
	tcase_add_test(esc, html_escaping_round_trips_through_libxml2);
	tcase_add_test(esc, markdown_escaping);
	tcase_add_test(esc, only_http_urls_are_links);
	suite_add_tcase(s, esc);
	return s;
}

int main(void)
{
	return rw_test_run(suite());
}
