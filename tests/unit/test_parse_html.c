/* html-table: the FCC Covered List page, golden files and the facts a user checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "regwatch/parse.h"

#define FCC_URL "https://www.fcc.gov/supplychain/coveredlist"

/* A source as feeds.conf would give it (the struct holds non-const strings). */
struct test_source {
	char name[64];
	char format[32];
	char url[128];
	char header[128];
	rw_source src;
};

static void source_init(struct test_source *t, const char *header)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "fcc-covered-list");
	snprintf(t->format, sizeof(t->format), "html-table");
	snprintf(t->url, sizeof(t->url), "%s", FCC_URL);
	t->src.name = t->name;
	t->src.format = t->format;
	t->src.url = t->url;
	if (header != NULL) {
		snprintf(t->header, sizeof(t->header), "%s", header);
		t->src.table_header = t->header;
	}
	t->src.enabled = 1;
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

/* kind, entity, date, updates (comma-joined), title; full adds link and text. */
static char *serialise(const rw_records *rs, int full)
{
	rw_buf b = RW_BUF_INIT;
	size_t i, j;

	for (i = 0; i < rs->n; i++) {
		const rw_record *r = &rs->v[i];

		ck_assert_int_eq(rw_buf_printf(&b, "%s\t%s\t%s\t", kind_name(r->kind), r->entity ? r->entity : "",
					       r->date ? r->date : ""), 0);
		for (j = 0; j < r->updates.n; j++)
			ck_assert_int_eq(rw_buf_printf(&b, "%s%s", j ? "," : "", r->updates.v[j]), 0);
		ck_assert_int_eq(rw_buf_printf(&b, "\t%s", r->title ? r->title : ""), 0);
		if (full)
			ck_assert_int_eq(rw_buf_printf(&b, "\t%s\t%s", r->link ? r->link : "", r->text ? r->text : ""), 0);
		ck_assert_int_eq(rw_buf_putc(&b, '\n'), 0);
	}
	return rw_buf_detach(&b, NULL);
}

/* Parses tests/data/fcc/NAME with the default header; asserts success. */
static void parse_fixture(const char *name, rw_records *out)
{
	struct test_source t;
	rw_ctx ctx;
	char *path = rw_asprintf("fcc/%s", name);
	size_t len;
	char *body = rw_test_data(path, &len);

	source_init(&t, NULL);
	rw_ctx_init(&ctx, 0);
	ck_assert_msg(rw_parse(&ctx, &t.src, body, len, out) == 0, "%s: %s", name, rw_errmsg(&ctx));
	free(body);
	free(path);
}

static int parse_string(rw_ctx *ctx, const char *header, const char *html, rw_records *out)
{
	struct test_source t;

	source_init(&t, header);
	rw_ctx_init(ctx, 0);
	return rw_parse(ctx, &t.src, html, strlen(html), out);
}

static const rw_record *find_entity(const rw_records *rs, const char *entity)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (rs->v[i].kind == RW_REC_ENTITY && rs->v[i].entity && strcmp(rs->v[i].entity, entity) == 0)
			return &rs->v[i];
	return NULL;
}

static size_t count_kind(const rw_records *rs, int kind)
{
	size_t i, n = 0;

	for (i = 0; i < rs->n; i++)
		n += rs->v[i].kind == kind;
	return n;
}

/* The golden test: the records of each fixture, one TSV line each, byte for byte. */
static const char *const golden[] = {
	"coveredlist-2026-07", "coveredlist-2026-07-min", "coveredlist-2021", "coveredlist-2022-03-25",
	"truncated",
};

START_TEST(golden_files)
{
	rw_records rs = {0};
	char *html = rw_asprintf("%s.html", golden[_i]);
	char *tsv = rw_asprintf("fcc/%s.tsv", golden[_i]);
	char *want = rw_test_data(tsv, NULL);
	char *got;
	const char *g, *w;
	int line = 1;

	parse_fixture(html, &rs);
	got = serialise(&rs, 0);
	for (g = got, w = want; *g && *g == *w; g++, w++)
		if (*g == '\n')
			line++;
	ck_assert_msg(*g == '\0' && *w == '\0', "%s: first difference on line %d:\n got: %.200s\nwant: %.200s",
		      golden[_i], line, g, w);
	free(got);
	free(want);
	free(tsv);
	free(html);
	rw_records_release(&rs);
}
END_TEST

START_TEST(covered_list_facts)
{
	static const char *const vendors[] = {
		"Huawei Technologies Company", "ZTE Corporation", "Hytera Communications Corporation",
		"Hangzhou Hikvision Digital Technology Company", "Dahua Technology Company",
	};
	rw_records rs = {0};
	const rw_record *r, *pacific, *comnet, *uas = NULL;
	size_t i, n2021 = 0;

	parse_fixture("coveredlist-2026-07.html", &rs);
	ck_assert_int_eq(rs.degraded, 0);

	r = find_entity(&rs, "Hangzhou Hikvision Digital Technology Company");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->date, "2021-03-12");
	ck_assert_uint_eq(r->updates.n, 0);
	ck_assert_str_eq(r->link, FCC_URL);
	ck_assert_ptr_nonnull(strstr(r->text, "physical security surveillance of critical infrastructure"));
	ck_assert_ptr_nonnull(strstr(r->text, "March 12, 2021"));

	for (i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++) {
		r = find_entity(&rs, vendors[i]);
		ck_assert_msg(r != NULL, "%s missing", vendors[i]);
		ck_assert_str_eq(r->date, "2021-03-12");
	}
	for (i = 0; i < rs.n; i++)
		n2021 += rs.v[i].kind == RW_REC_ENTITY && rs.v[i].date && strcmp(rs.v[i].date, "2021-03-12") == 0;
	ck_assert_uint_eq(n2021, 5);

	/* One row, two names: two records with the row's date and text. */
	pacific = find_entity(&rs, "Pacific Networks Corp");
	comnet = find_entity(&rs, "ComNet (USA) LLC");
	ck_assert_ptr_nonnull(pacific);
	ck_assert_ptr_nonnull(comnet);
	ck_assert_ptr_eq(comnet, pacific + 1);
	ck_assert_str_eq(pacific->date, "2022-09-20");
	ck_assert_str_eq(comnet->date, "2022-09-20");
	ck_assert_str_eq(pacific->text, comnet->text);
	ck_assert_ptr_nonnull(strstr(pacific->text, "wholly-owned subsidiary ComNet (USA) LLC"));

	/* Trailing punctuation is not part of a name. */
	ck_assert_ptr_nonnull(find_entity(&rs, "China Telecom (Americas) Corp"));
	ck_assert_ptr_nonnull(find_entity(&rs, "Kaspersky Lab, Inc"));
	ck_assert_ptr_nonnull(find_entity(&rs, "Digitalsystem Technology Inc"));

	/* The UAS row names no producer: a category with its update history. */
	for (i = 0; i < rs.n; i++)
		if (rs.v[i].kind == RW_REC_CATEGORY && strstr(rs.v[i].title, "Uncrewed aircraft systems"))
			uas = &rs.v[i];
	ck_assert_ptr_nonnull(uas);
	ck_assert_ptr_null(uas->entity);
	ck_assert_str_eq(uas->date, "2025-12-22");
	ck_assert_uint_eq(uas->updates.n, 4);
	ck_assert_str_eq(uas->updates.v[0], "2026-01-07");
	ck_assert_str_eq(uas->updates.v[1], "2026-03-18");
	ck_assert_str_eq(uas->updates.v[2], "2026-06-15");
	ck_assert_str_eq(uas->updates.v[3], "2026-07-21");
	ck_assert_uint_le(strlen(uas->title), 130);

	ck_assert_uint_eq(count_kind(&rs, RW_REC_ENTITY), 13);
	ck_assert_uint_eq(count_kind(&rs, RW_REC_CATEGORY), 2);
	ck_assert_uint_eq(count_kind(&rs, RW_REC_DOCUMENT), 16);
	rw_records_release(&rs);
}
END_TEST

START_TEST(documents_list)
{
	rw_records rs = {0};
	const rw_record *d = NULL;
	size_t i;

	parse_fixture("coveredlist-2026-07.html", &rs);
	for (i = 0; i < rs.n; i++)
		if (rs.v[i].kind == RW_REC_DOCUMENT && strcmp(rs.v[i].date, "2021-03-12") == 0)
			d = &rs.v[i];
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->title, "FCC Publishes List of Equipment And Services That Pose A Threat to National Security");
	ck_assert_str_eq(d->link, "https://www.fcc.gov/document/fcc-releases-list-equipment-services-pose-security-threat");
	ck_assert_ptr_nonnull(strstr(d->text, "Public Notice"));
	ck_assert_ptr_null(d->entity);

	/* Links that are already absolute are kept; the first link of an item is its document. */
	for (i = 0; i < rs.n; i++) {
		const rw_record *r = &rs.v[i];

		if (r->kind != RW_REC_DOCUMENT)
			continue;
		ck_assert_ptr_nonnull(r->link);
		ck_assert_ptr_nonnull(r->date);
		if (strcmp(r->title, "Protecting Against National Security Threats to the Communications Supply Chain Through FCC Programs") == 0)
			ck_assert_str_eq(r->link, "https://docs.fcc.gov/public/attachments/FCC-20-176A1.pdf");
		if (strcmp(r->title, "FCC Adds Routers Produced in Foreign Countries to Covered List") == 0)
			ck_assert_str_eq(r->link, "https://www.fcc.gov/document/fcc-updates-covered-list-include-foreign-made-consumer-routers");
		if (strcmp(r->title, "FCC Proposes to Prohibit Import, Marketing of Covered Equipment") == 0)
			ck_assert_str_eq(r->link, "https://drupal9admin.fcc.gov/document/fcc-proposes-prohibit-import-marketing-covered-equipment-0");
	}
	rw_records_release(&rs);
}
END_TEST

START_TEST(pretty_and_minified_agree)
{
	rw_records a = {0}, b = {0};
	char *sa, *sb;

	parse_fixture("coveredlist-2026-07.html", &a);
	parse_fixture("coveredlist-2026-07-min.html", &b);
	sa = serialise(&a, 1);
	sb = serialise(&b, 1);
	ck_assert_uint_eq(a.n, 31);
	ck_assert_str_eq(sa, sb);
	ck_assert_int_eq(a.degraded, 0);
	ck_assert_int_eq(b.degraded, 0);
	free(sa);
	free(sb);
	rw_records_release(&a);
	rw_records_release(&b);
}
END_TEST

START_TEST(table_chosen_by_header)
{
	rw_ctx ctx;
	rw_records rs = {0};
	struct test_source t;
	size_t len;
	char *body = rw_test_data("fcc/coveredlist-2026-07.html", &len);

	/* The first table of the page is the UAS Conditional Approvals table. */
	source_init(&t, "Dates of Conditional Approval");
	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(rw_parse(&ctx, &t.src, body, len, &rs), 0);
	ck_assert_int_eq(rs.v[0].kind, RW_REC_CATEGORY);
	ck_assert_str_eq(rs.v[0].title, "SiFly Aviation, Inc. Q12 Uncrewed Aircraft System");
	ck_assert_str_eq(rs.v[0].date, "2026-03-17");
	ck_assert_ptr_null(find_entity(&rs, "Huawei Technologies Company"));
	ck_assert_uint_eq(count_kind(&rs, RW_REC_CATEGORY), 4);
	rw_records_release(&rs);

	/* Header text is matched without regard to case. */
	source_init(&t, "date of inclusion on covered list");
	ck_assert_int_eq(rw_parse(&ctx, &t.src, body, len, &rs), 0);
	ck_assert_ptr_nonnull(find_entity(&rs, "Huawei Technologies Company"));
	rw_records_release(&rs);
	free(body);
}
END_TEST

START_TEST(no_table)
{
	rw_ctx ctx;
	rw_records rs = {0};
	struct test_source t;
	rw_record *keep;
	size_t len;
	char *body = rw_test_data("fcc/no-table.html", &len);

	/* Records already in the vector stay; a failed parse adds none. */
	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(rw_records_add(&ctx, &rs, "test", &keep), 0);
	keep->entity = rw_strdup("earlier");
	source_init(&t, NULL);
	ck_assert_int_eq(rw_parse(&ctx, &t.src, body, len, &rs), RW_EPARSE);
	ck_assert_str_eq(rw_errmsg(&ctx),
			 "source 'fcc-covered-list': no table with header 'Date of Inclusion on Covered List'");
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_str_eq(rs.v[0].entity, "earlier");
	rw_records_release(&rs);
	free(body);
}
END_TEST

START_TEST(truncated_page)
{
	rw_records rs = {0};
	const rw_record *r;

	parse_fixture("truncated.html", &rs);
	ck_assert_int_eq(rs.degraded, 1);
	r = find_entity(&rs, "Pacific Networks Corp");
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_null(r->date);
	ck_assert_ptr_null(find_entity(&rs, "ComNet (USA) LLC"));
	ck_assert_uint_eq(count_kind(&rs, RW_REC_DOCUMENT), 0);
	rw_records_release(&rs);
}
END_TEST

START_TEST(empty_and_unknown)
{
	rw_ctx ctx;
	rw_records rs = {0};
	struct test_source t;

	source_init(&t, NULL);
	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(rw_parse(&ctx, &t.src, NULL, 0, &rs), RW_EPARSE);
	ck_assert_str_eq(rw_errmsg(&ctx), "source 'fcc-covered-list': empty document");
	ck_assert_int_eq(rw_parse(&ctx, &t.src, "", 0, &rs), RW_EPARSE);
	ck_assert_str_eq(rw_errmsg(&ctx), "source 'fcc-covered-list': empty document");
	ck_assert_int_eq(rw_parse(&ctx, &t.src, " \r\n\t", 4, &rs), RW_EPARSE);
	ck_assert_str_eq(rw_errmsg(&ctx), "source 'fcc-covered-list': empty document");

	snprintf(t.format, sizeof(t.format), "gopher-menu");
	ck_assert_int_eq(rw_parse(&ctx, &t.src, "<p>x</p>", 8, &rs), RW_ECONFIG);
	ck_assert_str_eq(rw_errmsg(&ctx), "source 'fcc-covered-list': unknown format 'gopher-menu'");
	ck_assert_uint_eq(rs.n, 0);

	ck_assert_int_eq(rw_format_known("html-table"), 1);
	ck_assert_int_eq(rw_format_known("gopher-menu"), 0);
	ck_assert_int_eq(rw_format_known(NULL), 0);
}
END_TEST

START_TEST(zero_rows)
{
	rw_ctx ctx;
	rw_records rs = {0};
	const char *html = "<html><body><table><thead><tr><th>Covered Equipment or Services*</th>"
			   "<th>Date of Inclusion on Covered List</th></tr></thead><tbody></tbody></table>"
			   "</body></html>";

	ck_assert_int_eq(parse_string(&ctx, NULL, html, &rs), 0);
	ck_assert_uint_eq(rs.n, 0);
	ck_assert_int_eq(rs.degraded, 0);
	rw_records_release(&rs);
}
END_TEST

START_TEST(row_without_date)
{
	rw_ctx ctx;
	rw_records rs = {0};
	const char *html =
		"<html><body><table><tr><th>Covered Equipment or Services*</th>"
		"<th>Date of Inclusion on Covered List</th></tr>"
		"<tr><td>Equipment produced by <strong>First Maker Co.</strong></td><td>to be announced</td></tr>"
		"<tr><td>&nbsp;</td><td>&nbsp;</td></tr>"
		"<tr><td>Equipment produced by <strong>Second Maker Ltd</strong>;</td><td>Sept. 20, 2022</td></tr>"
		"<tr><td>Foreign-produced power inverters, except power inverters which have been granted a "
		"Conditional Approval by DoW or DHS.</td><td><p>July 28, 2026</p></td></tr>"
		"<tr><td>Services of a U.S. subsidiary subject to section 214 of the Communications Act of 1934. "
		"See the Code.</td><td>July 7, 2026</td></tr>"
		"</table></body></html>";
	const rw_record *r;

	ck_assert_int_eq(parse_string(&ctx, NULL, html, &rs), 0);
	ck_assert_uint_eq(rs.n, 4);
	r = find_entity(&rs, "First Maker Co");
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_null(r->date);
	r = find_entity(&rs, "Second Maker Ltd");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->date, "2022-09-20");
	ck_assert_int_eq(rs.v[2].kind, RW_REC_CATEGORY);
	ck_assert_str_eq(rs.v[2].title, "Foreign-produced power inverters, except power inverters which have been "
					"granted a Conditional Approval by DoW or DHS");
	ck_assert_str_eq(rs.v[2].date, "2026-07-28");
	/* The first sentence ends after a number; "U.S." does not end one. */
	ck_assert_str_eq(rs.v[3].title, "Services of a U.S. subsidiary subject to section 214 of the Communications "
					"Act of 1934");
	rw_records_release(&rs);
}
END_TEST

START_TEST(long_category_label)
{
	rw_ctx ctx;
	rw_records rs = {0};
	const char *html =
		"<table><tr><th>Date of Inclusion on Covered List</th></tr>"
		"<tr><td>Foreign-produced advanced robotic devices and their critical components, including "
		"controllers, sensors, actuators, communications modules and software used to operate them remotely "
		"or autonomously</td><td>July 28, 2026</td></tr></table>";
	const char *label;

	ck_assert_int_eq(parse_string(&ctx, NULL, html, &rs), 0);
	ck_assert_uint_eq(rs.n, 1);
	label = rs.v[0].title;
	/* Cut at a word boundary within 120 bytes, marked with an ellipsis. */
	ck_assert_uint_le(strlen(label), 120 + 3);
	ck_assert_str_eq(label, "Foreign-produced advanced robotic devices and their critical components, including "
				"controllers, sensors, actuators\xE2\x80\xA6");
	/* The header named the first column, so the dates are read from the second. */
	ck_assert_str_eq(rs.v[0].date, "2026-07-28");
	rw_records_release(&rs);
}
END_TEST

START_TEST(nested_table_not_confused)
{
	rw_ctx ctx;
	rw_records rs = {0};
	/* A layout table around the list: the list is the table that owns the header cell. */
	const char *html =
		"<table><tr><td>menu</td><td>"
		"<table><thead><tr><th>Covered Equipment or Services*</th><th>Date of Inclusion on Covered List</th>"
		"</tr></thead><tbody><tr><td><strong>ZTE Corporation</strong></td><td>March 12, 2021</td></tr>"
		"</tbody></table></td></tr></table>";

	ck_assert_int_eq(parse_string(&ctx, NULL, html, &rs), 0);
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_str_eq(rs.v[0].entity, "ZTE Corporation");
	ck_assert_str_eq(rs.v[0].date, "2021-03-12");
	rw_records_release(&rs);
}
END_TEST

START_TEST(appends_to_records)
{
	rw_records rs = {0};

	parse_fixture("coveredlist-2021.html", &rs);
	ck_assert_uint_eq(rs.n, 8);
	parse_fixture("coveredlist-2022-03-25.html", &rs);
	ck_assert_uint_eq(rs.n, 8 + 12);
	ck_assert_str_eq(rs.v[8].entity, "Huawei Technologies Company");
	rw_records_release(&rs);
	ck_assert_uint_eq(rs.n, 0);
	ck_assert_ptr_null(rs.v);
}
END_TEST

static Suite *parse_html_suite(void)
{
	Suite *s = suite_create("parse_html");
	TCase *tc = tcase_create("fcc");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, golden_files, 0, (int)(sizeof(golden) / sizeof(golden[0])));
	tcase_add_test(tc, covered_list_facts);
	tcase_add_test(tc, documents_list);
	tcase_add_test(tc, pretty_and_minified_agree);
	tcase_add_test(tc, table_chosen_by_header);
	tcase_add_test(tc, no_table);
	tcase_add_test(tc, truncated_page);
	tcase_add_test(tc, empty_and_unknown);
	tcase_add_test(tc, zero_rows);
	tcase_add_test(tc, row_without_date);
	tcase_add_test(tc, long_category_label);
	tcase_add_test(tc, nested_table_not_confused);
	tcase_add_test(tc, appends_to_records);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int rc;

	rw_parse_global_init();
	rc = rw_test_run(parse_html_suite());
	rw_parse_global_cleanup();
	return rc;
}
