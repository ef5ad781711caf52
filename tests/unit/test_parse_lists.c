/*
 * The list parsers: OFAC sdnList XML and the trade.gov Consolidated Screening
 * List CSV. Golden files (tests/data/lists/NAME.tsv) hold the expected records,
 * one a line: kind, entity, date, effective, list, uid, link, aliases ("; "),
 * text — tab-separated. RW_UPDATE_GOLDEN=1 rewrites them (review the diff).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "parse/parsers.h"
#include "regwatch/parse.h"

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

/* Appends s with tabs and line breaks made spaces (NULL: nothing). */
static void put_field(rw_buf *b, const char *s)
{
	for (; s && *s; s++)
		rw_buf_putc(b, *s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static char *serialise(const rw_records *rs)
{
	rw_buf b = RW_BUF_INIT;
	size_t i, j;

	rw_buf_append(&b, "", 0);
	for (i = 0; i < rs->n; i++) {
		const rw_record *r = &rs->v[i];
		const char *f[7] = {r->entity, r->date, r->effective, r->list, r->uid, r->link, NULL};
		int k;

		rw_buf_puts(&b, kind_name(r->kind));
		for (k = 0; k < 6; k++) {
			rw_buf_putc(&b, '\t');
			put_field(&b, f[k]);
		}
		rw_buf_putc(&b, '\t');
		for (j = 0; j < r->aliases.n; j++) {
			if (j)
				rw_buf_puts(&b, "; ");
			put_field(&b, r->aliases.v[j]);
		}
		rw_buf_putc(&b, '\t');
		put_field(&b, r->text);
		rw_buf_putc(&b, '\n');
	}
	return rw_buf_detach(&b, NULL);
}

static void check_golden(const char *name, const rw_records *rs)
{
	char *got = serialise(rs), *want, *rel = rw_asprintf("lists/%s", name);
	size_t i;

	if (getenv("RW_UPDATE_GOLDEN")) {
		char *dir = rw_asprintf("%s/lists", RW_TEST_DATA);

		free(rw_test_write(dir, name, got));
		free(dir);
	}
	want = rw_test_data(rel, NULL);
	for (i = 0; got[i] && got[i] == want[i]; i++)
		;
	ck_assert_msg(strcmp(got, want) == 0, "%s: differs at byte %zu:\n got: %.200s\nwant: %.200s", name, i,
		      got + i, want + i);
	free(got);
	free(want);
	free(rel);
}

/* Log messages collected one a line. */
static void collect_log(void *arg, int level, const char *msg)
{
	rw_buf *b = arg;

	rw_buf_printf(b, "%d %s\n", level, msg);
}

struct run {
	rw_ctx ctx;
	rw_buf log;
	rw_records recs;
	rw_source src;
	char name[64], format[16], url[128];
	int rc;
};

static void run_init(struct run *t, const char *source, const char *format)
{
	memset(t, 0, sizeof(*t));
	rw_ctx_init(&t->ctx, 0);
	t->ctx.verbosity = RW_LOG_DEBUG;
	t->ctx.log_fn = collect_log;
	t->ctx.log_arg = &t->log;
	snprintf(t->name, sizeof(t->name), "%s", source);
	snprintf(t->format, sizeof(t->format), "%s", format);
	t->src.name = t->name;
	t->src.format = t->format;
	t->src.enabled = 1;
}

static void run_release(struct run *t)
{
	rw_records_release(&t->recs);
	rw_buf_release(&t->log);
}

static void parse_text(struct run *t, const char *body, size_t len)
{
	if (strcmp(t->src.format, "csv") == 0)
		t->rc = rw_parse_csv(&t->ctx, &t->src, body, len, &t->recs);
	else
		t->rc = rw_parse_sdnlist(&t->ctx, &t->src, body, len, &t->recs);
}

static void parse_file(struct run *t, const char *name)
{
	char *rel = rw_asprintf("lists/%s", name);
	size_t len;
	char *body = rw_test_data(rel, &len);

	parse_text(t, body, len);
	free(body);
	free(rel);
}

/* The n-th (0-based) record whose entity is name, or NULL. */
static const rw_record *find(const rw_records *rs, const char *name, int n)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (rs->v[i].entity && strcmp(rs->v[i].entity, name) == 0 && n-- == 0)
			return &rs->v[i];
	return NULL;
}

static int count(const rw_records *rs, const char *name)
{
	int n = 0;

	while (find(rs, name, n))
		n++;
	return n;
}

#define EL "Entity List (EL) - Bureau of Industry and Security"
#define CMIC "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department"
#define EL_URL "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/entity-list"
#define HUAWEI_EL "Huawei Technologies Co., Ltd. (Huawei)"

/* ---------------------------------------------------------------- CSL */

START_TEST(csl_current_golden)
{
	struct run t;

	run_init(&t, "trade-csl", "csv");
	parse_file(&t, "csl.csv");
	ck_assert_msg(t.rc == 0, "%s", rw_errmsg(&t.ctx));
	ck_assert_int_eq(t.recs.degraded, 0);
	ck_assert_str_eq(rw_buf_cstr(&t.log), "");
	/* 16 rows, 3 of them naming a Huawei affiliate */
	ck_assert_uint_eq(t.recs.n, 19);
	check_golden("csl.tsv", &t.recs);
	run_release(&t);
}
END_TEST

START_TEST(csl_current_facts)
{
	struct run t;
	const rw_record *r;

	run_init(&t, "trade-csl", "csv");
	parse_file(&t, "csl.csv");
	ck_assert_int_eq(t.rc, 0);

	r = find(&t.recs, "Hangzhou Hikvision Digital Technology Co., Ltd.", 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->kind, RW_REC_ENTITY);
	ck_assert_str_eq(r->list, EL);
	ck_assert_str_eq(r->date, "2019-10-09");
	ck_assert_ptr_null(r->effective);
	ck_assert_str_eq(r->link, EL_URL);
	ck_assert_str_eq(r->uid, "f9493256159065974798d2da65e0716c85887efeab740cdc0d5e9b3d");
	ck_assert_ptr_nonnull(strstr(r->text, "federal_register_notice: 84 FR 54002"));
	ck_assert_str_eq(find(&t.recs, "Zhejiang Dahua Technology Co., Ltd.", 0)->date, "2019-10-09");
	ck_assert_str_eq(find(&t.recs, "ZTE Parsian", 0)->date, "2016-03-08");

	/* the CSL gives the Federal Register publication date, not the 2019-05-16 legal date */
	ck_assert_int_eq(count(&t.recs, HUAWEI_EL), 4);
	for (int i = 0; i < 4; i++) {
		r = find(&t.recs, HUAWEI_EL, i);
		ck_assert_str_eq(r->date, "2019-05-21");
		ck_assert_str_eq(r->list, EL);
		ck_assert_ptr_null(strstr(r->entity, "Affiliated"));
	}
	/* affiliates split out, same list and date, with a note */
	r = find(&t.recs, "Huawei Terminal (Shenzhen) Co., Ltd.", 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->list, EL);
	ck_assert_str_eq(r->date, "2019-05-21");
	ck_assert_ptr_eq(strstr(r->text, "affiliated entity of " HUAWEI_EL " | "), r->text);
	r = find(&t.recs, "Huawei Marine Networks Co., Ltd.", 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->aliases.n, 1);
	ck_assert_str_eq(r->aliases.v[0], "Huawei Marine");
	ck_assert_ptr_nonnull(find(&t.recs, "Beijing Huawei Longshine Information Technology Co., Ltd.", 0));

	/* NS-CMIC rows: no start_date, the dates come from the ids column */
	r = find(&t.recs, "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.", 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->list, CMIC);
	ck_assert_str_eq(r->uid, "30946");
	ck_assert_str_eq(r->date, "2021-06-03");
	ck_assert_str_eq(r->effective, "2021-08-02");
	ck_assert_uint_eq(r->aliases.n, 2);
	ck_assert_str_eq(r->aliases.v[0], "HIKVISION");
	ck_assert_str_eq(r->aliases.v[1], "HANGZHOU HIKVISION DIGITAL TECHNOLOGY");
	r = find(&t.recs, "HUAWEI INVESTMENT & HOLDING CO., LTD.", 0);
	ck_assert_str_eq(r->uid, "32087");
	ck_assert_str_eq(r->date, "2021-06-03");
	/* the line break inside the quoted address is normalised away in the text */
	ck_assert_ptr_nonnull(strstr(r->text, "Longgang District, Guangdong, Shenzhen, CN"));
	r = find(&t.recs, "PROVEN HONOUR CAPITAL LIMITED", 0);
	ck_assert_str_eq(r->link, "https://bit.ly/1QWTIfE");
	ck_assert_str_eq(r->effective, "2021-08-02");

	/* "...; Hebei Semiconductor; and CETC Research Institute 13": the "and" is not part of the name */
	r = find(&t.recs, "China Electronics Technology Group Corporation 13th Research Institute (CETC 13)", 0);
	ck_assert_uint_eq(r->aliases.n, 6);
	ck_assert_str_eq(r->aliases.v[5], "CETC Research Institute 13");

	r = find(&t.recs, "Sinobright Import and Export Company; and any successor, sub-unit, or subsidiary thereof", 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->list, "Nonproliferation Sanctions (ISN) - State Department");
	ck_assert_str_eq(r->date, "2023-07-19");
	run_release(&t);
}
END_TEST

START_TEST(csl_legacy_header)
{
	struct run t, cur;
	const char *names[] = {HUAWEI_EL, "Huawei Terminal (Shenzhen) Co., Ltd.",
			       "Hangzhou Hikvision Digital Technology Co., Ltd.", "Zhejiang Dahua Technology Co., Ltd."};
	const rw_record *r, *c;
	size_t i;

	run_init(&t, "trade-csl", "csv");
	parse_file(&t, "csl-legacy.csv");
	ck_assert_msg(t.rc == 0, "%s", rw_errmsg(&t.ctx));
	ck_assert_uint_eq(t.recs.n, 8);
	check_golden("csl-legacy.tsv", &t.recs);

	r = find(&t.recs, "Gui\xE2\x80\x99" "an New District Huawei Investment Co., Ltd., Guiyang, Guizhou", 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->date, "2019-05-21");
	ck_assert_str_eq(r->list, EL);
	ck_assert_str_eq(r->link, "http://bit.ly/1L47xrV");
	ck_assert_ptr_null(r->uid); /* no _id column, no entity_number */

	/* the same rows read the same from both layouts (but for the uid) */
	run_init(&cur, "trade-csl", "csv");
	parse_file(&cur, "csl.csv");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		r = find(&t.recs, names[i], 0);
		c = find(&cur.recs, names[i], 0);
		ck_assert_ptr_nonnull(r);
		ck_assert_ptr_nonnull(c);
		ck_assert_str_eq(r->date, c->date);
		ck_assert_str_eq(r->list, c->list);
		ck_assert_str_eq(r->link, c->link);
	}
	run_release(&cur);
	run_release(&t);
}
END_TEST

START_TEST(csl_broken_rows)
{
	struct run t;
	const char *log;
	const rw_record *r;

	run_init(&t, "trade-csl", "csv");
	parse_file(&t, "csl-broken.csv");
	ck_assert_msg(t.rc == 0, "%s", rw_errmsg(&t.ctx));
	ck_assert_int_eq(t.recs.degraded, 1);
	check_golden("csl-broken.tsv", &t.recs);
	ck_assert_uint_eq(t.recs.n, 4);
	log = rw_buf_cstr(&t.log);
	ck_assert_ptr_nonnull(strstr(log, "1 source 'trade-csl': line 3: 10 fields where the header has 29: row skipped\n"));
	ck_assert_ptr_nonnull(strstr(log, "1 source 'trade-csl': line 4: start_date '2016-02-30' is not a date\n"));
	ck_assert_ptr_nonnull(strstr(log, "1 source 'trade-csl': line 5: unexpected character after closing quote: row skipped\n"));
	ck_assert_ptr_nonnull(strstr(log, "1 source 'trade-csl': line 8: unterminated quoted field: row skipped\n"));
	/* the impossible date is dropped, the row kept */
	r = find(&t.recs, "Beijing 8-Star International Co.", 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_null(r->date);
	/* rows after the broken ones are kept */
	ck_assert_ptr_nonnull(find(&t.recs, "Zhejiang Dahua Technology Co., Ltd.", 0));
	ck_assert_ptr_nonnull(find(&t.recs, "ZTE Parsian", 0));
	ck_assert_ptr_null(find(&t.recs, "Beijing 8-Star International Co. (copy)", 0));
	/* the context holds no stale error */
	ck_assert_int_eq(t.ctx.errcode, 0);
	run_release(&t);
}
END_TEST

START_TEST(csl_no_header)
{
	struct run t;
	static const char only_header[] = "source,name,start_date\r\n";
	static const char bad_header[] = "\"source,name\n";

	/* OFAC's CONS_PRIM.CSV has no header row */
	run_init(&t, "trade-csl", "csv");
	parse_file(&t, "ofac-cons-prim.csv");
	ck_assert_int_eq(t.rc, RW_EPARSE);
	ck_assert_str_eq(rw_errmsg(&t.ctx), "source 'trade-csl': no CSV header with columns 'source' and 'name'");
	ck_assert_uint_eq(t.recs.n, 0);
	run_release(&t);

	run_init(&t, "trade-csl", "csv");
	parse_text(&t, "", 0);
	ck_assert_int_eq(t.rc, RW_EPARSE);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&t.ctx), "source 'trade-csl'"));
	run_release(&t);

	run_init(&t, "trade-csl", "csv");
	parse_text(&t, bad_header, sizeof(bad_header) - 1);
	ck_assert_int_eq(t.rc, RW_EPARSE);
	ck_assert_str_eq(rw_errmsg(&t.ctx), "source 'trade-csl': line 1: unterminated quoted field");
	run_release(&t);

	/* a header and no rows is an empty list, not an error */
	run_init(&t, "trade-csl", "csv");
	parse_text(&t, only_header, sizeof(only_header) - 1);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_uint_eq(t.recs.n, 0);
	run_release(&t);
}
END_TEST

START_TEST(csl_columns_by_name)
{
	struct run t;
	/* columns in another order, upper case, extra columns, a row with an empty name */
	static const char body[] =
		"NAME,Extra,START_DATE,Source,alt_names\n"
		"\"Zhejiang Dahua Technology Co., Ltd.\",x,2019-10-09," EL ",\n"
		",y,2019-10-09," EL ",\n";
	const rw_record *r;

	run_init(&t, "trade-csl", "csv");
	parse_text(&t, body, sizeof(body) - 1);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_uint_eq(t.recs.n, 1);
	r = &t.recs.v[0];
	ck_assert_str_eq(r->entity, "Zhejiang Dahua Technology Co., Ltd.");
	ck_assert_str_eq(r->date, "2019-10-09");
	ck_assert_str_eq(r->list, EL);
	ck_assert_ptr_null(r->uid);
	ck_assert_ptr_null(r->link);
	ck_assert_str_eq(r->text, "NAME: Zhejiang Dahua Technology Co., Ltd. | Extra: x | START_DATE: 2019-10-09 | Source: " EL);
	ck_assert_ptr_nonnull(strstr(rw_buf_cstr(&t.log), "line 3: no name: row skipped"));
	run_release(&t);
}
END_TEST

/* Two affiliates in one name cell, one in the alias list, mended punctuation, stray control bytes. */
START_TEST(csl_affiliate_forms)
{
	struct run t;
	static const char body[] =
		"source,name,start_date,alt_names\r\n"
		"\"" EL "\",\"" HUAWEI_EL ".  Affiliated Entity:  Huawei Mobile Technology Ltd.  "
		"Affiliated Entity: Huawei Tech. Investment Co.\",2019-05-21,\"Huawei; Affiliated Entity: "
		"Shenzhen Huawei Technology Service\"\r\n"
		"\"" EL "\",\"Gui\xC2\x92" "an New District\x01 Huawei Investment Co., Ltd., Guiyang, Guizhou\","
		"2019-05-21,\r\n";
	const rw_record *r;

	run_init(&t, "trade-csl", "csv");
	parse_text(&t, body, sizeof(body) - 1);
	ck_assert_msg(t.rc == 0, "%s", rw_errmsg(&t.ctx));
	ck_assert_uint_eq(t.recs.n, 5);
	r = &t.recs.v[0];
	ck_assert_str_eq(r->entity, HUAWEI_EL);
	/* with several affiliates the row's aliases stay with the main name */
	ck_assert_uint_eq(r->aliases.n, 1);
	ck_assert_str_eq(r->aliases.v[0], "Huawei");
	ck_assert_str_eq(t.recs.v[1].entity, "Huawei Mobile Technology Ltd.");
	ck_assert_str_eq(t.recs.v[2].entity, "Huawei Tech. Investment Co.");
	ck_assert_str_eq(t.recs.v[3].entity, "Shenzhen Huawei Technology Service");
	for (int i = 1; i <= 3; i++) {
		ck_assert_str_eq(t.recs.v[i].date, "2019-05-21");
		ck_assert_str_eq(t.recs.v[i].list, EL);
		ck_assert_uint_eq(t.recs.v[i].aliases.n, 0);
	}
	ck_assert_str_eq(t.recs.v[4].entity, "Gui\xE2\x80\x99" "an New District Huawei Investment Co., Ltd., Guiyang, Guizhou");
	run_release(&t);
}
END_TEST

/* ---------------------------------------------------------------- sdnList */

START_TEST(sdn_current_golden)
{
	struct run t;

	run_init(&t, "ofac-consolidated", "xml");
	parse_file(&t, "sdn-current.xml");
	ck_assert_msg(t.rc == 0, "%s", rw_errmsg(&t.ctx));
	ck_assert_uint_eq(t.recs.n, 5);
	ck_assert_int_eq(t.recs.degraded, 0);
	ck_assert_str_eq(rw_buf_cstr(&t.log), "");
	check_golden("sdn.tsv", &t.recs);
	run_release(&t);
}
END_TEST

/* The legacy default namespace, CRLF line ends, standalone="yes": the same records. */
START_TEST(sdn_legacy_namespace)
{
	struct run t;

	run_init(&t, "ofac-consolidated", "xml");
	parse_file(&t, "sdn-legacy.xml");
	ck_assert_msg(t.rc == 0, "%s", rw_errmsg(&t.ctx));
	ck_assert_uint_eq(t.recs.n, 5);
	check_golden("sdn.tsv", &t.recs);
	run_release(&t);
}
END_TEST

START_TEST(sdn_facts)
{
	struct run t;
	const rw_record *r;

	run_init(&t, "ofac-consolidated", "xml");
	snprintf(t.url, sizeof(t.url), "%s",
		 "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONSOLIDATED.XML");
	t.src.url = t.url;
	parse_file(&t, "sdn-current.xml");
	ck_assert_int_eq(t.rc, 0);
	r = find(&t.recs, "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.", 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->kind, RW_REC_ENTITY);
	ck_assert_str_eq(r->uid, "30946");
	ck_assert_str_eq(r->list, "CMIC-EO13959");
	ck_assert_str_eq(r->date, "2021-06-03");
	ck_assert_str_eq(r->effective, "2021-08-02");
	ck_assert_str_eq(r->link, t.src.url);
	ck_assert_uint_eq(r->aliases.n, 2);
	ck_assert_str_eq(r->aliases.v[0], "HIKVISION");
	ck_assert_str_eq(r->aliases.v[1], "HANGZHOU HIKVISION DIGITAL TECHNOLOGY");
	ck_assert_ptr_nonnull(strstr(r->text, "ISIN: CNE100000PM8"));
	ck_assert_ptr_nonnull(strstr(r->text, "Purchase/Sales For Divestment Date (CMIC): 03 Jun 2022"));
	ck_assert_ptr_nonnull(strstr(r->text, "address: 555, Qianmo Road, Binjiang District, Hangzhou, 310051, China"));

	r = find(&t.recs, "HUAWEI TECHNOLOGIES CO., LTD.", 0);
	ck_assert_str_eq(r->uid, "30947");
	ck_assert_str_eq(r->date, "2021-06-03");
	ck_assert_str_eq(r->effective, "2021-08-02");
	ck_assert_str_eq(r->aliases.v[0], "HUAWEI INVESTMENT & HOLDING CO LTD");

	r = find(&t.recs, "HUAWEI INVESTMENT & HOLDING CO., LTD.", 0);
	ck_assert_str_eq(r->uid, "32087");
	ck_assert_str_eq(r->date, "2021-06-03");
	ck_assert_ptr_nonnull(strstr(r->text, "remarks: Linked To: HUAWEI TECHNOLOGIES CO., LTD."));

	/* Dahua and ZTE are not on NS-CMIC */
	ck_assert_int_eq(count(&t.recs, "ZHEJIANG DAHUA TECHNOLOGY CO., LTD."), 0);
	run_release(&t);
}
END_TEST

START_TEST(sdn_truncated)
{
	struct run t;
	const char *msg;

	run_init(&t, "ofac-consolidated", "xml");
	parse_file(&t, "sdn-truncated.xml");
	ck_assert_int_eq(t.rc, RW_EPARSE);
	msg = rw_errmsg(&t.ctx);
	ck_assert_str_eq(msg, "source 'ofac-consolidated': line 193: the document ends before its root element is closed");
	/* nothing half-read is handed out */
	ck_assert_uint_eq(t.recs.n, 0);
	run_release(&t);
}
END_TEST

START_TEST(sdn_wrong_root)
{
	struct run t;
	static const char html[] = "<html><head><title>Service Unavailable</title></head>"
				   "<body><h1>Service Unavailable</h1></body></html>";
	static const char broken[] = "<sdnList>\n<sdnEntry><uid>1</uid>\n<lastName>A</lastName></sdnEntr>\n</sdnList>\n";

	/* an expired signed S3 address answers with an XML error document */
	run_init(&t, "ofac-consolidated", "xml");
	parse_file(&t, "s3-expired.xml");
	ck_assert_int_eq(t.rc, RW_EPARSE);
	ck_assert_str_eq(rw_errmsg(&t.ctx), "source 'ofac-consolidated': not an OFAC sdnList document (root element 'Error')");
	run_release(&t);

	run_init(&t, "ofac-consolidated", "xml");
	parse_text(&t, html, sizeof(html) - 1);
	ck_assert_int_eq(t.rc, RW_EPARSE);
	ck_assert_str_eq(rw_errmsg(&t.ctx), "source 'ofac-consolidated': not an OFAC sdnList document (root element 'html')");
	run_release(&t);

	run_init(&t, "ofac-consolidated", "xml");
	parse_text(&t, broken, sizeof(broken) - 1);
	ck_assert_int_eq(t.rc, RW_EPARSE);
	ck_assert_msg(strncmp(rw_errmsg(&t.ctx), "source 'ofac-consolidated': line 3: ", 36) == 0, "%s",
		      rw_errmsg(&t.ctx));
	ck_assert_uint_eq(t.recs.n, 0);
	run_release(&t);

	run_init(&t, "ofac-consolidated", "xml");
	parse_text(&t, "", 0);
	ck_assert_int_eq(t.rc, RW_EPARSE);
	ck_assert_str_eq(rw_errmsg(&t.ctx), "source 'ofac-consolidated': empty document");
	run_release(&t);

	run_init(&t, "ofac-consolidated", "xml");
	parse_text(&t, "   \n", 4);
	ck_assert_int_eq(t.rc, RW_EPARSE);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&t.ctx), "source 'ofac-consolidated': line "));
	run_release(&t);
}
END_TEST

/* Individuals, several programs, an impossible CMIC date, no namespace, no publshInformation. */
START_TEST(sdn_entry_details)
{
	struct run t;
	static const char doc[] =
		"<?xml version=\"1.0\"?>\n"
		"<sdnList>\n"
		" <sdnEntry><uid>1001</uid><firstName>Test</firstName><lastName>PERSON</lastName>"
		"  <sdnType>Individual</sdnType>"
		"  <programList><program>SDGT</program><program>IRGC</program><program>SDGT</program></programList>"
		"  <akaList><aka><uid>1</uid><type>a.k.a.</type><category>weak</category><firstName>T.</firstName>"
		"   <lastName>PERSON</lastName></aka><aka><uid>2</uid><type>f.k.a.</type><category>strong</category>"
		"   <lastName>Test PERSON</lastName></aka></akaList>"
		"  <dateOfBirthList><dateOfBirthItem><uid>3</uid><dateOfBirth>1970</dateOfBirth>"
		"   <mainEntry>true</mainEntry></dateOfBirthItem></dateOfBirthList>"
		" </sdnEntry>\n"
		" <sdnEntry><uid>1002</uid><lastName>EXAMPLE   <![CDATA[HOLDING]]>\n LIMITED</lastName><sdnType>Entity</sdnType>"
		"  <programList><program>CMIC-EO13959</program></programList>"
		"  <idList><id><idType>Listing Date (CMIC)</idType><idNumber>31 Jun 2021</idNumber></id>"
		"   <id><idType>Effective Date (CMIC)</idType><idNumber>02 Aug 2021</idNumber></id></idList>"
		" </sdnEntry>\n"
		" <sdnEntry><uid>1003</uid><sdnType>Entity</sdnType></sdnEntry>\n"
		"</sdnList>\n";
	const rw_record *r;

	run_init(&t, "ofac-sdn", "xml");
	parse_text(&t, doc, sizeof(doc) - 1);
	ck_assert_msg(t.rc == 0, "%s", rw_errmsg(&t.ctx));
	ck_assert_uint_eq(t.recs.n, 2);
	r = &t.recs.v[0];
	ck_assert_str_eq(r->entity, "Test PERSON");
	ck_assert_str_eq(r->list, "SDGT;IRGC");
	ck_assert_ptr_null(r->date);
	ck_assert_ptr_null(r->link);
	ck_assert_uint_eq(r->aliases.n, 1);
	ck_assert_str_eq(r->aliases.v[0], "T. PERSON");
	ck_assert_str_eq(r->text, "Test PERSON | uid: 1001 | sdnType: Individual | program: SDGT | program: IRGC"
				  " | a.k.a.: T. PERSON | f.k.a.: Test PERSON | dateOfBirthItem: 1970");
	r = &t.recs.v[1];
	ck_assert_str_eq(r->entity, "EXAMPLE HOLDING LIMITED");
	ck_assert_ptr_null(r->date); /* 31 June does not exist: dropped, the entry kept */
	ck_assert_str_eq(r->effective, "2021-08-02");
	ck_assert_ptr_nonnull(strstr(rw_buf_cstr(&t.log),
				     "source 'ofac-sdn': entry 1002: Listing Date (CMIC) '31 Jun 2021' is not a date"));
	ck_assert_msg(strstr(rw_buf_cstr(&t.log), "entry 1003 on line 6 has no name: skipped") != NULL, "%s", rw_buf_cstr(&t.log));
	ck_assert_int_eq(t.recs.degraded, 1);
	run_release(&t);
}
END_TEST

/* Entities declared in the document are refused: no file is read, nothing is expanded. */
START_TEST(sdn_refuses_entities)
{
	struct run t;
	char *dir = rw_test_tmpdir();
	char *secret = rw_test_write(dir, "secret.txt", "TOPSECRET-4242");
	char *doc = rw_asprintf("<?xml version=\"1.0\"?>\n"
				"<!DOCTYPE sdnList [<!ENTITY x SYSTEM \"file://%s\">]>\n"
				"<sdnList><sdnEntry><uid>1</uid><lastName>&x;</lastName></sdnEntry></sdnList>\n",
				secret);
	static const char internal[] = "<?xml version=\"1.0\"?>\n"
				       "<!DOCTYPE sdnList [<!ENTITY a \"AAAAAAAAAA\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n"
				       "<sdnList><sdnEntry><uid>1</uid><lastName>&b;</lastName></sdnEntry></sdnList>\n";
	size_t i;

	run_init(&t, "ofac-sdn", "xml");
	parse_text(&t, doc, strlen(doc));
	ck_assert_int_eq(t.rc, RW_EPARSE);
	ck_assert_str_eq(rw_errmsg(&t.ctx), "source 'ofac-sdn': the document declares entities");
	ck_assert_uint_eq(t.recs.n, 0);
	ck_assert_ptr_null(strstr(rw_buf_cstr(&t.log), "TOPSECRET"));
	run_release(&t);

	run_init(&t, "ofac-sdn", "xml");
	parse_text(&t, internal, sizeof(internal) - 1);
	ck_assert_int_eq(t.rc, RW_EPARSE);
	for (i = 0; i < t.recs.n; i++)
		ck_assert_ptr_null(strstr(t.recs.v[i].entity, "AAAA"));
	run_release(&t);
	rw_test_rmtree(dir);
	free(doc);
	free(secret);
	free(dir);
}
END_TEST

/* Many entries: every one read, in order, with the parser's input arriving in chunks. */
START_TEST(sdn_many_entries)
{
	struct run t;
	rw_buf doc = RW_BUF_INIT;
	static const char small[] = "<sdnList><publshInformation><Record_Count>3</Record_Count></publshInformation>"
				    "<sdnEntry><uid>1</uid><lastName>A</lastName></sdnEntry></sdnList>";
	const int n = 20000;
	int i;

	rw_buf_puts(&doc, "<?xml version=\"1.0\" standalone=\"yes\"?>\n<sdnList xmlns=\"http://tempuri.org/sdnList.xsd\">\n");
	rw_buf_printf(&doc, "<publshInformation><Publish_Date>11/28/2026</Publish_Date><Record_Count>%d</Record_Count>"
			    "</publshInformation>\n", n);
	for (i = 0; i < n; i++)
		rw_buf_printf(&doc, "<sdnEntry><uid>%d</uid><lastName>ENTITY %d CO., LTD.</lastName><sdnType>Entity</sdnType>"
				    "<programList><program>CMIC-EO13959</program></programList><idList><id><uid>%d</uid>"
				    "<idType>Listing Date (CMIC)</idType><idNumber>03 Jun 2021</idNumber></id></idList>"
				    "</sdnEntry>\n", i + 1, i + 1, i + 100000);
	rw_buf_puts(&doc, "</sdnList>\n");
	run_init(&t, "ofac-consolidated", "xml");
	parse_text(&t, doc.data, doc.len);
	ck_assert_msg(t.rc == 0, "%s", rw_errmsg(&t.ctx));
	ck_assert_uint_eq(t.recs.n, (size_t)n);
	ck_assert_str_eq(t.recs.v[0].uid, "1");
	ck_assert_str_eq(t.recs.v[n - 1].uid, "20000");
	ck_assert_str_eq(t.recs.v[n - 1].entity, "ENTITY 20000 CO., LTD.");
	ck_assert_str_eq(t.recs.v[n - 1].date, "2021-06-03");
	ck_assert_str_eq(rw_buf_cstr(&t.log), "");
	run_release(&t);

	/* a Record_Count that does not match is reported */
	run_init(&t, "ofac-consolidated", "xml");
	parse_text(&t, small, sizeof(small) - 1);
	ck_assert_msg(t.rc == 0, "%s", rw_errmsg(&t.ctx));
	ck_assert_ptr_nonnull(strstr(rw_buf_cstr(&t.log), "Record_Count says 3 entries, the document has 1"));
	run_release(&t);
	rw_buf_release(&doc);
}
END_TEST

/* Records are appended: what out held before stays. */
START_TEST(append_to_records)
{
	struct run t;

	run_init(&t, "trade-csl", "csv");
	parse_file(&t, "csl.csv");
	ck_assert_int_eq(t.rc, 0);
	snprintf(t.name, sizeof(t.name), "%s", "ofac-consolidated");
	snprintf(t.format, sizeof(t.format), "%s", "xml");
	parse_file(&t, "sdn-current.xml");
	ck_assert_int_eq(t.rc, 0);
	ck_assert_uint_eq(t.recs.n, 24);
	ck_assert_str_eq(t.recs.v[0].uid, "233a4d725770c81fb561ffe3842c14010c2201971d6be62eca1e613b");
	ck_assert_str_eq(t.recs.v[19].uid, "30946");
	/* a failed parse leaves them alone */
	parse_file(&t, "sdn-truncated.xml");
	ck_assert_int_eq(t.rc, RW_EPARSE);
	ck_assert_uint_eq(t.recs.n, 24);
	run_release(&t);
}
END_TEST

/* Through the format registry: "csv" and "xml" reach these parsers. */
START_TEST(registry)
{
	struct run t;
	size_t len;
	char *body;

	ck_assert_int_eq(rw_format_known("csv"), 1);
	ck_assert_int_eq(rw_format_known("xml"), 1);

	run_init(&t, "trade-csl", "csv");
	body = rw_test_data("lists/csl.csv", &len);
	ck_assert_int_eq(rw_parse(&t.ctx, &t.src, body, len, &t.recs), 0);
	free(body);
	check_golden("csl.tsv", &t.recs);
	run_release(&t);

	run_init(&t, "ofac-consolidated", "xml");
	body = rw_test_data("lists/sdn-legacy.xml", &len);
	ck_assert_int_eq(rw_parse(&t.ctx, &t.src, body, len, &t.recs), 0);
	free(body);
	check_golden("sdn.tsv", &t.recs);
	run_release(&t);

	run_init(&t, "ofac-consolidated", "xml");
	body = rw_test_data("lists/sdn-truncated.xml", &len);
	ck_assert_int_eq(rw_parse(&t.ctx, &t.src, body, len, &t.recs), RW_EPARSE);
	ck_assert_str_eq(rw_errmsg(&t.ctx),
			 "source 'ofac-consolidated': line 193: the document ends before its root element is closed");
	ck_assert_uint_eq(t.recs.n, 0);
	free(body);
	run_release(&t);
}
END_TEST

START_TEST(record_cap_is_not_out_of_memory)
{
	rw_records rs = {0};
	rw_record *r = (rw_record *)&rs; /* anything but NULL */
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(rw_records_add(&ctx, &rs, "trade-csl", &r), 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(rs.n, 1);
	/* a vector that already holds the most records one document may give */
	rs.n = RW_RECORDS_MAX;
	ck_assert_int_eq(rw_records_add(&ctx, &rs, "trade-csl", &r), RW_ELIMIT);
	ck_assert_ptr_null(r);
	ck_assert_str_eq(rw_errmsg(&ctx), "source 'trade-csl': more than 2000000 records");
	rs.n = 1;
	rw_records_release(&rs);
}
END_TEST

/* Windows-1252 cells are read as Windows-1252; a cell mixing UTF-8 with a stray byte
   keeps its UTF-8 and marks the stray byte. */
START_TEST(csl_cells_not_utf8)
{
	const char body[] = "\"source\",\"name\",\"alt_names\"\n"
			    "\"Entity List (EL)\",\"Soci\xe9t\xe9 d\x92Optique \x96 Lyon\",\"Caf\xc3\xa9 \x80 X\"\n";
	char name[] = "trade-csl", format[] = "csv";
	rw_source src = {0};
	rw_records rs = {0};
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	src.name = name;
	src.format = format;
	ck_assert_msg(rw_parse(&ctx, &src, body, sizeof(body) - 1, &rs) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_str_eq(rs.v[0].entity, "Soci\xc3\xa9t\xc3\xa9 d\xe2\x80\x99Optique \xe2\x80\x93 Lyon");
	ck_assert_uint_eq(rs.v[0].aliases.n, 1);
	ck_assert_str_eq(rs.v[0].aliases.v[0], "Caf\xc3\xa9 \xef\xbf\xbd X");
	rw_records_release(&rs);
}
END_TEST

static Suite *lists_suite(void)
{
	Suite *s = suite_create("parse_lists");
	TCase *csl = tcase_create("csl");
	TCase *sdn = tcase_create("sdnlist");

	tcase_add_test(csl, csl_current_golden);
	tcase_add_test(csl, record_cap_is_not_out_of_memory);
	tcase_add_test(csl, csl_cells_not_utf8);
	tcase_add_test(csl, csl_current_facts);
	tcase_add_test(csl, csl_legacy_header);
	tcase_add_test(csl, csl_broken_rows);
	tcase_add_test(csl, csl_no_header);
	tcase_add_test(csl, csl_columns_by_name);
	tcase_add_test(csl, csl_affiliate_forms);
	tcase_add_test(sdn, sdn_current_golden);
	tcase_add_test(sdn, sdn_legacy_namespace);
	tcase_add_test(sdn, sdn_facts);
	tcase_add_test(sdn, sdn_truncated);
	tcase_add_test(sdn, sdn_wrong_root);
	tcase_add_test(sdn, sdn_entry_details);
	tcase_add_test(sdn, sdn_refuses_entities);
	tcase_add_test(sdn, sdn_many_entries);
	tcase_add_test(sdn, append_to_records);
	tcase_add_test(sdn, registry);
	suite_add_tcase(s, csl);
	suite_add_tcase(s, sdn);
	return s;
}

int main(void)
{
	int rc;

	rw_parse_global_init();
	rc = rw_test_run(lists_suite());
	rw_parse_global_cleanup();
	return rc;
}
