/* Configuration: the shipped feeds.conf, vendors.conf and regimes.conf, and
   the messages a user gets for each kind of mistake. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "regwatch/config.h"

#define SHIPPED_FEEDS RW_TEST_DATA "/../../feeds.conf"

static char *fixture(const char *name)
{
	char *p = rw_asprintf("%s/config/%s", RW_TEST_DATA, name);

	ck_assert_ptr_nonnull(p);
	return p;
}

/* The exact message "PATH" + rest, where PATH is the path as given. */
static void assert_message(const rw_ctx *ctx, const char *path, const char *rest)
{
	char *want = rw_asprintf("%s%s", path, rest);

	ck_assert_str_eq(rw_errmsg(ctx), want);
	free(want);
}

static void expect_feeds_error(const char *name, const char *rest)
{
	rw_ctx ctx;
	rw_feeds f;
	char *path = fixture(name);

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(rw_feeds_load(&ctx, &f, path), RW_ECONFIG);
	assert_message(&ctx, path, rest);
	ck_assert_ptr_null(f.sources);
	ck_assert_uint_eq(f.nsources, 0);
	ck_assert_ptr_null(f.path);
	free(path);
}

static void load_dict(rw_dict *d, const char *path)
{
	rw_ctx ctx;

	rw_ctx_init(&ctx, 0);
	ck_assert_msg(rw_dict_load(&ctx, d, path) == 0, "%s", rw_errmsg(&ctx));
}

static void expect_dict_error(const char *name, const char *rest)
{
	rw_ctx ctx;
	rw_dict d;
	char *path = fixture(name);

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(rw_dict_load(&ctx, &d, path), RW_ECONFIG);
	assert_message(&ctx, path, rest);
	ck_assert_ptr_null(d.vendors);
	ck_assert_uint_eq(d.n, 0);
	free(path);
}

static void expect_regimes_error(const char *name, const rw_dict *dict, const char *rest)
{
	rw_ctx ctx;
	rw_regimes r;
	char *path = fixture(name);

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(rw_regimes_load(&ctx, &r, path, dict), RW_ECONFIG);
	assert_message(&ctx, path, rest);
	ck_assert_ptr_null(r.events);
	ck_assert_uint_eq(r.nevents, 0);
	free(path);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* ---- the shipped files ---- */

START_TEST(shipped_feeds)
{
	static const char *const names[] = {"fcc-covered-list", "fcc-headlines", "federal-register", "govuk-news",
					    "ofac-consolidated", "trade-csl", "eu-presscorner"};
	static const char *const formats[] = {"html-table", "rss", "rss", "atom", "xml", "csv", "rss"};
	rw_ctx ctx;
	rw_feeds f;
	const rw_source *s;
	size_t i;

	rw_ctx_init(&ctx, 0);
	ck_assert_msg(rw_feeds_load(&ctx, &f, SHIPPED_FEEDS) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_uint_eq(f.nsources, 7);
	for (i = 0; i < 7; i++) {
		ck_assert_str_eq(f.sources[i].name, names[i]);
		ck_assert_str_eq(f.sources[i].format, formats[i]);
		ck_assert_int_eq(strncmp(f.sources[i].url, "https://", 8), 0);
		ck_assert_int_eq(f.sources[i].enabled, 1);
	}
	s = rw_feeds_find(&f, "fcc-covered-list");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->url, "https://www.fcc.gov/supplychain/coveredlist");
	ck_assert_str_eq(s->regime, "us.fcc-covered-list");
	ck_assert_str_eq(s->table_header, "Date of Inclusion on Covered List");
	ck_assert_str_eq(s->status, "listed");
	s = rw_feeds_find(&f, "ofac-consolidated");
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_null(s->regime);
	ck_assert_uint_eq(s->list_regimes.n, 1);
	ck_assert_str_eq(s->list_regimes.v[0], "CMIC-EO13959=us.ns-cmic");
	ck_assert_uint_eq(s->max_bytes, (size_t)64 << 20);
	s = rw_feeds_find(&f, "trade-csl");
	ck_assert_uint_eq(s->list_regimes.n, 2);
	ck_assert_str_eq(s->list_regimes.v[0], "Entity List (EL)=us.entity-list");
	ck_assert_ptr_nonnull(strstr(rw_feeds_find(&f, "federal-register")->url, "hytera"));
	ck_assert_ptr_null(rw_feeds_find(&f, "nonexistent"));
	ck_assert_str_eq(f.user_agent, "regwatch/0.1.0 (+https://github.com/regwatch/regwatch)");
	ck_assert_ptr_null(f.data_dir);
	ck_assert(ends_with(f.vendors_path, "/db/vendors.conf"));
	ck_assert(ends_with(f.regimes_path, "/db/regimes.conf"));
	ck_assert_int_eq(access(f.vendors_path, R_OK), 0);
	ck_assert_int_eq(access(f.regimes_path, R_OK), 0);
	rw_feeds_release(&f);
	ck_assert_ptr_null(f.sources);
}
END_TEST

struct legal_name {
	const char *vendor;
	const char *name;
};

START_TEST(shipped_vendors)
{
	/* Spellings of the FCC Covered List and Section 889, then of the Entity List, CSL, OFAC and 1260H. */
	static const struct legal_name legal[] = {
		{"huawei", "Huawei Technologies Company"},
		{"zte", "ZTE Corporation"},
		{"hytera", "Hytera Communications Corporation"},
		{"hikvision", "Hangzhou Hikvision Digital Technology Company"},
		{"dahua", "Dahua Technology Company"},
		{"hikvision", "Hangzhou Hikvision Digital Technology Co., Ltd."},
		{"huawei", "Huawei Technologies Co., Ltd."},
		{"dahua", "Zhejiang Dahua Technology Co., Ltd."},
		{"dahua", "Zhejiang Dahua Technology"},
		{"hytera", "Hytera Communications Corporation Limited"},
	};
	rw_ctx ctx;
	rw_feeds f;
	rw_dict d;
	const rw_vendor *v;
	size_t i;
	int lorex = 0;

	rw_ctx_init(&ctx, 0);
	ck_assert_msg(rw_feeds_load(&ctx, &f, SHIPPED_FEEDS) == 0, "%s", rw_errmsg(&ctx));
	load_dict(&d, f.vendors_path);
	for (i = 0; i < sizeof(legal) / sizeof(legal[0]); i++) {
		v = rw_dict_find(&d, legal[i].vendor);
		ck_assert_msg(v != NULL, "vendor %s missing", legal[i].vendor);
		ck_assert_ptr_null(v->parent);
		ck_assert_msg(rw_strvec_contains(&v->names, legal[i].name), "%s: no legal name '%s'", v->id,
			      legal[i].name);
	}
	v = rw_dict_find(&d, "hisilicon");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->parent, "huawei");
	ck_assert(rw_strvec_contains(&v->chipsets, "Hi35"));
	ck_assert(rw_strvec_contains(&v->claimed_chipsets, "SS928"));
	ck_assert_str_eq(rw_dict_find(&d, "huawei-holding")->parent, "huawei");
	ck_assert_str_eq(rw_dict_find(&d, "chengdu-dahua-wisdom")->parent, "dahua");
	ck_assert(rw_strvec_contains(&rw_dict_find(&d, "hikvision")->models, "DS-2CD"));
	ck_assert(rw_strvec_contains(&rw_dict_find(&d, "hikvision")->brands, "EZVIZ"));
	ck_assert(rw_strvec_contains(&rw_dict_find(&d, "hikvision")->claimed_brands, "HiWatch"));
	ck_assert(rw_strvec_contains(&rw_dict_find(&d, "dahua")->models, "IPC-HDW"));
	ck_assert(!rw_strvec_contains(&rw_dict_find(&d, "dahua")->brands, "Lorex"));
	for (i = 0; i < d.nlinks; i++)
		if (strcmp(d.links[i].id, "lorex") == 0) {
			lorex = 1;
			ck_assert_str_eq(d.links[i].vendor, "dahua");
			ck_assert_str_eq(d.links[i].since, "2018-02-06");
			ck_assert_str_eq(d.links[i].until, "2022-11-24");
			ck_assert(rw_strvec_contains(&d.links[i].names, "Lorex Technology UK Limited"));
		}
	ck_assert_int_eq(lorex, 1);
	rw_dict_release(&d);
	rw_feeds_release(&f);
}
END_TEST

static const rw_event *find_event(const rw_regimes *r, const char *vendor, const char *regime, const char *status,
				  const char *since)
{
	size_t i;

	for (i = 0; i < r->nevents; i++) {
		const rw_event *e = &r->events[i];

		if (strcmp(e->vendor, vendor) == 0 && strcmp(e->regime, regime) == 0 &&
		    strcmp(e->status, status) == 0 && strcmp(e->since, since) == 0)
			return e;
	}
	return NULL;
}

START_TEST(shipped_regimes)
{
	static const char *const regimes[] = {"us.ndaa-889", "us.fcc-covered-list", "us.fcc-equipment-authorization",
					      "us.entity-list", "us.ns-cmic", "us.dod-1260h", "uk.sensitive-sites",
					      "uk.telecoms-huawei", "eu.5g-high-risk"};
	static const char *const five[] = {"hikvision", "dahua", "huawei", "zte", "hytera"};
	rw_ctx ctx;
	rw_feeds f;
	rw_dict d;
	rw_regimes r;
	const rw_event *e;
	size_t i;

	rw_ctx_init(&ctx, 0);
	ck_assert_msg(rw_feeds_load(&ctx, &f, SHIPPED_FEEDS) == 0, "%s", rw_errmsg(&ctx));
	load_dict(&d, f.vendors_path);
	ck_assert_msg(rw_regimes_load(&ctx, &r, f.regimes_path, &d) == 0, "%s", rw_errmsg(&ctx));
	for (i = 0; i < sizeof(regimes) / sizeof(regimes[0]); i++)
		ck_assert_msg(rw_regimes_find(&r, regimes[i]) != NULL, "regime %s missing", regimes[i]);
	ck_assert_int_eq(rw_regimes_find(&r, "us.ndaa-889")->covers_affiliates, 1);
	ck_assert_int_eq(rw_regimes_find(&r, "us.entity-list")->covers_affiliates, 0);
	ck_assert_str_eq(rw_regimes_find(&r, "eu.5g-high-risk")->jurisdiction, "EU");
	for (i = 0; i < 5; i++) {
		e = find_event(&r, five[i], "us.ndaa-889", "prohibited", "2019-08-13");
		ck_assert_msg(e != NULL, "%s: no 889(a)(1)(A) event", five[i]);
		ck_assert_ptr_nonnull(strstr(e->citation, "2019-17201"));
		ck_assert_msg(find_event(&r, five[i], "us.ndaa-889", "prohibited", "2020-08-13") != NULL,
			      "%s: no 889(a)(1)(B) event", five[i]);
		e = find_event(&r, five[i], "us.fcc-equipment-authorization", "prohibited", "2023-02-06");
		ck_assert_msg(e != NULL, "%s: no FCC 22-84 event", five[i]);
		ck_assert_ptr_nonnull(strstr(e->citation, "22-84"));
		ck_assert_ptr_null(e->until);
		ck_assert_msg(find_event(&r, five[i], "us.fcc-covered-list", "listed", "2021-03-12") != NULL,
			      "%s: not on the Covered List", five[i]);
	}
	/* No status before the instrument takes effect. */
	for (i = 0; i < r.nevents; i++) {
		e = &r.events[i];
		if (strcmp(e->regime, "us.ndaa-889") == 0)
			ck_assert_msg(strcmp(e->since, "2019-08-13") >= 0, "%s starts %s", e->id, e->since);
		if (strcmp(e->regime, "us.fcc-equipment-authorization") == 0)
			ck_assert_msg(strcmp(e->since, "2023-02-06") >= 0, "%s starts %s", e->id, e->since);
	}
	e = find_event(&r, "zte", "us.entity-list", "listed", "2016-03-08");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->until, "2017-03-29");
	ck_assert_ptr_nonnull(find_event(&r, "huawei", "us.entity-list", "listed", "2019-05-16"));
	ck_assert_ptr_nonnull(find_event(&r, "hikvision", "us.ns-cmic", "listed", "2021-06-03"));
	ck_assert_ptr_null(find_event(&r, "zte", "us.ns-cmic", "listed", "2021-06-03"));
	ck_assert_ptr_nonnull(find_event(&r, "dahua", "uk.sensitive-sites", "restricted", "2022-11-24"));
	ck_assert_ptr_nonnull(find_event(&r, "zte", "eu.5g-high-risk", "restricted", "2023-06-15"));
	for (i = 0; i < r.nevents; i++) {
		e = &r.events[i];
		ck_assert_msg(strncmp(e->evidence, "https://", 8) == 0 || strncmp(e->evidence, "http://", 7) == 0,
			      "%s: evidence %s", e->id, e->evidence);
		ck_assert_msg(strchr("HML", e->confidence[0]) != NULL, "%s", e->id);
	}
	ck_assert_msg(rw_feeds_check_regimes(&ctx, &f, &r) == 0, "%s", rw_errmsg(&ctx));
	rw_regimes_release(&r);
	rw_dict_release(&d);
	rw_feeds_release(&f);
}
END_TEST

/* ---- feeds.conf ---- */

START_TEST(feeds_values_and_defaults)
{
	rw_ctx ctx;
	rw_feeds f;
	const rw_source *s;
	char *path = fixture("feeds-good.conf");
	char *dir = rw_asprintf("%s/config", RW_TEST_DATA);
	char *want;

	rw_ctx_init(&ctx, 0);
	ck_assert_msg(rw_feeds_load(&ctx, &f, path) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_str_eq(f.path, path);
	ck_assert_str_eq(f.dir, dir);
	want = rw_asprintf("%s/state", dir);
	ck_assert_str_eq(f.data_dir, want);
	free(want);
	want = rw_asprintf("%s/dict/vendors.conf", dir);
	ck_assert_str_eq(f.vendors_path, want);
	free(want);
	ck_assert_str_eq(f.regimes_path, "/etc/regwatch/regimes.conf");
	ck_assert_str_eq(f.user_agent, "regwatch-test/1.0 (+mailto:ops@example.org)");
	ck_assert_int_eq(f.connect_timeout_ms, 10000);
	ck_assert_int_eq(f.low_speed_limit, 100);
	ck_assert_int_eq(f.low_speed_time, 30);
	ck_assert_int_eq(f.max_attempts, 3);
	ck_assert_int_eq(f.retry_delay_ms, 250);
	ck_assert_int_eq(f.max_retry_delay_ms, 4000);
	ck_assert_int_eq(f.max_parallel, 2);
	ck_assert_uint_eq(f.nsources, 2);

	/* The name keeps its case; keys do not care about theirs; the repeated section adds to the first. */
	ck_assert_ptr_null(rw_feeds_find(&f, "fcc-list"));
	s = rw_feeds_find(&f, "FCC-List");
	ck_assert_ptr_eq(s, &f.sources[0]);
	ck_assert_str_eq(s->url, "http://127.0.0.1:8080/coveredlist");
	ck_assert_str_eq(s->format, "html-table");
	ck_assert_str_eq(s->regime, "us.fcc-covered-list");
	ck_assert_str_eq(s->table_header, "Date of Inclusion on Covered List # first table");
	ck_assert_str_eq(s->status, "restricted");
	ck_assert(s->max_drop > 0.2499 && s->max_drop < 0.2501);
	ck_assert_uint_eq(s->max_bytes, (size_t)16 << 20);
	ck_assert_int_eq(s->max_age_days, 2);
	ck_assert_int_eq(s->timeout_ms, 5000);
	ck_assert_int_eq(s->enabled, 1);

	s = &f.sources[1];
	ck_assert_str_eq(s->name, "local-rss");
	ck_assert_str_eq(s->url, "file:///var/lib/regwatch/feed.xml");
	ck_assert_int_eq(s->enabled, 0);
	ck_assert_ptr_null(s->regime);
	ck_assert_ptr_null(s->table_header);
	ck_assert_str_eq(s->status, "listed");
	ck_assert_uint_eq(s->max_bytes, (size_t)8 << 20);
	ck_assert(s->max_drop > 0.4999 && s->max_drop < 0.5001);
	ck_assert_int_eq(s->max_age_days, 7);
	ck_assert_int_eq(s->timeout_ms, 60000);
	rw_feeds_release(&f);
	free(path);
	free(dir);
}
END_TEST

START_TEST(feeds_errors)
{
	expect_feeds_error("feeds-missing-url.conf", ": source 'x': missing key 'url'");
	expect_feeds_error("feeds-unknown-format.conf", ": source 'x': key 'format': unknown format 'foo'");
	expect_feeds_error("feeds-bad-scheme.conf", ": source 'x': key 'url': scheme must be http, https or file");
	expect_feeds_error("feeds-bad-maxdrop.conf", ": source 'x': key 'maxDrop': not a number between 0 and 1");
	expect_feeds_error("feeds-percent-maxdrop.conf", ": source 'x': key 'maxDrop': not a number between 0 and 1");
	expect_feeds_error("feeds-unknown-key.conf", ": source 'x': unknown key 'colour'");
	expect_feeds_error("feeds-unknown-section.conf", ": unknown section 'sources'");
	expect_feeds_error("feeds-bad-parallel.conf",
			   ": section 'fetch': key 'maxParallel': not an integer between 1 and 256");
	expect_feeds_error("feeds-no-table-header.conf",
			   ": source 'x': missing key 'tableHeader' (format 'html-table' finds its table by header text)");
}
END_TEST

START_TEST(feeds_missing_and_broken_files)
{
	rw_ctx ctx;
	rw_feeds f;
	char *path = fixture("no-such-feeds.conf");
	char *want = rw_asprintf("'%s': no such file", path);

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(rw_feeds_load(&ctx, &f, path), RW_ECONFIG);
	ck_assert_str_eq(rw_errmsg(&ctx), want);
	free(want);
	free(path);

	/* A syntax error is libgit2's message, after the file's name. */
	path = fixture("feeds-syntax.conf");
	want = rw_asprintf("%s: ", path);
	ck_assert_int_eq(rw_feeds_load(&ctx, &f, path), RW_ECONFIG);
	ck_assert_int_eq(strncmp(rw_errmsg(&ctx), want, strlen(want)), 0);
	ck_assert_uint_gt(strlen(rw_errmsg(&ctx)), strlen(want));
	ck_assert_ptr_null(f.sources);
	free(want);
	free(path);
}
END_TEST

/* Run from the file's directory, the message starts with "feeds.conf" as the user typed it. */
START_TEST(feeds_relative_path)
{
	rw_ctx ctx;
	rw_feeds f;
	char *dir = rw_test_tmpdir();
	char *p1, *p2;
	char cwd[4096];
	struct stat st;

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	p1 = rw_test_write(dir, "feeds.conf", "[source \"x\"]\n\tformat = rss\n");
	ck_assert_int_eq(chdir(dir), 0);
	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(rw_feeds_load(&ctx, &f, "feeds.conf"), RW_ECONFIG);
	ck_assert_str_eq(rw_errmsg(&ctx), "feeds.conf: source 'x': missing key 'url'");
	free(p1);

	/* The default dictionary is DIR/db/vendors.conf when that file exists. */
	p1 = rw_test_write(dir, "feeds.conf", "[source \"x\"]\n\turl = https://example.org/\n\tformat = rss\n");
	ck_assert_int_eq(mkdir("db", 0700), 0);
	p2 = rw_test_write(dir, "db/vendors.conf", "");
	ck_assert_msg(rw_feeds_load(&ctx, &f, "feeds.conf") == 0, "%s", rw_errmsg(&ctx));
	ck_assert_str_eq(f.dir, ".");
	ck_assert_str_eq(f.vendors_path, "db/vendors.conf");
	ck_assert_int_eq(stat(f.vendors_path, &st), 0);
	rw_feeds_release(&f);
	free(p1);
	free(p2);
	ck_assert_int_eq(chdir(cwd), 0);
	rw_test_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(feeds_rejects_control_characters_and_huge_files)
{
	rw_ctx ctx;
	rw_feeds f;
	char *dir = rw_test_tmpdir();
	char *path, *want, *big;
	size_t n = (1u << 20) + 10;

	rw_ctx_init(&ctx, 0);
	path = rw_test_write(dir, "ua.conf", "[fetch]\n\tuserAgent = \"regwatch\\nX-Injected: 1\"\n");
	ck_assert_int_eq(rw_feeds_load(&ctx, &f, path), RW_ECONFIG);
	want = rw_asprintf("%s: section 'fetch': key 'userAgent': contains control characters", path);
	ck_assert_str_eq(rw_errmsg(&ctx), want);
	free(want);
	free(path);

	big = malloc(n + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, '#', n);
	big[n] = '\0';
	path = rw_test_write(dir, "big.conf", big);
	ck_assert_int_eq(rw_feeds_load(&ctx, &f, path), RW_ELIMIT);
	want = rw_asprintf("'%s': larger than 1048576 bytes", path);
	ck_assert_str_eq(rw_errmsg(&ctx), want);
	free(want);
	free(path);
	free(big);
	rw_test_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(feeds_regime_must_exist)
{
	rw_ctx ctx;
	rw_feeds f;
	rw_regimes r;
	char *fpath = fixture("feeds-unknown-regime.conf");
	char *rpath = fixture("regimes-good.conf");
	char *want;

	rw_ctx_init(&ctx, 0);
	ck_assert_msg(rw_feeds_load(&ctx, &f, fpath) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_msg(rw_regimes_load(&ctx, &r, rpath, NULL) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_int_eq(rw_feeds_check_regimes(&ctx, &f, &r), RW_ECONFIG);
	want = rw_asprintf("%s: source 'x': key 'regime': unknown regime 'us.nowhere'", fpath);
	ck_assert_str_eq(rw_errmsg(&ctx), want);
	free(want);
	rw_regimes_release(&r);
	rw_feeds_release(&f);
	free(fpath);
	free(rpath);
}
END_TEST

/* ---- vendors.conf ---- */

START_TEST(dict_values)
{
	rw_dict d;
	const rw_vendor *v;
	const rw_link *l;
	char *path = fixture("vendors-good.conf");

	load_dict(&d, path);
	ck_assert_str_eq(d.path, path);
	ck_assert_uint_eq(d.n, 2);
	v = rw_dict_find(&d, "acme");
	ck_assert_ptr_eq(v, &d.vendors[0]);
	ck_assert_str_eq(v->name, "Acme Surveillance Co., Ltd.");
	ck_assert_ptr_null(v->parent);
	ck_assert_uint_eq(v->names.n, 2);
	ck_assert_str_eq(v->names.v[0], "Acme Surveillance Company");
	ck_assert_str_eq(v->names.v[1], "Acme Surveillance Co., Ltd.");
	ck_assert_str_eq(v->aliases.v[0], "Acme");
	ck_assert_str_eq(v->brands.v[0], "AcmeVision");
	ck_assert_str_eq(v->claimed_brands.v[0], "RoadRunner");
	ck_assert_str_eq(v->chipsets.v[0], "AC35");
	ck_assert_str_eq(v->claimed_chipsets.v[0], "ACX9");
	ck_assert_str_eq(v->models.v[0], "AC-2CD");
	ck_assert_str_eq(v->claimed_models.v[0], "AC-7");
	ck_assert_uint_eq(v->affiliates.n, 0);
	ck_assert_str_eq(rw_dict_find(&d, "acme-chips")->parent, "acme");
	ck_assert_ptr_null(rw_dict_find(&d, "Acme"));
	ck_assert_uint_eq(d.nlinks, 1);
	l = &d.links[0];
	ck_assert_str_eq(l->id, "coyote");
	ck_assert_str_eq(l->vendor, "acme");
	ck_assert_uint_eq(l->names.n, 2);
	ck_assert_str_eq(l->names.v[1], "Coyote Cameras UK Limited");
	ck_assert_str_eq(l->kind, "subsidiary");
	ck_assert_str_eq(l->since, "2018-02-06");
	ck_assert_str_eq(l->until, "2022-11");
	ck_assert_str_eq(l->confidence, "verified");
	ck_assert_str_eq(l->note, "sold in November 2022");
	rw_dict_release(&d);
	ck_assert_ptr_null(d.vendors);
	free(path);
}
END_TEST

START_TEST(dict_errors)
{
	expect_dict_error("vendors-unknown-parent.conf", ": vendor 'a': key 'parent': unknown vendor 'b'");
	expect_dict_error("vendors-cycle.conf", ": vendor 'a': key 'parent': cycle a -> b -> c -> a");
	expect_dict_error("vendors-self-parent.conf", ": vendor 'a': key 'parent': cycle a -> a");
	expect_dict_error("vendors-bad-id.conf", ": vendor 'Acme': id must be lower case letters, digits and '-'");
	expect_dict_error("vendors-duplicate-name.conf",
			  ": vendor 'b': key 'affiliate': 'same name' is already a name of vendor 'a'");
	expect_dict_error("vendors-link-order.conf", ": link 'l': key 'until': '2019' is not after since '2020-05'");
}
END_TEST

/* ---- regimes.conf ---- */

START_TEST(regimes_values)
{
	rw_ctx ctx;
	rw_dict d;
	rw_regimes r;
	const rw_regime *g;
	const rw_event *e;
	char *dpath = fixture("vendors-good.conf");
	char *rpath = fixture("regimes-good.conf");

	load_dict(&d, dpath);
	rw_ctx_init(&ctx, 0);
	ck_assert_msg(rw_regimes_load(&ctx, &r, rpath, &d) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_uint_eq(r.nregimes, 2);
	g = rw_regimes_find(&r, "us.test-list");
	ck_assert_ptr_nonnull(g);
	ck_assert_str_eq(g->jurisdiction, "US");
	ck_assert_str_eq(g->instrument, "Test Act, section 2");
	ck_assert_int_eq(g->covers_affiliates, 1);
	ck_assert_int_eq(rw_regimes_find(&r, "uk.test-order")->covers_affiliates, 0);
	ck_assert_ptr_null(rw_regimes_find(&r, "us.other"));
	ck_assert_uint_eq(r.nevents, 2);
	e = &r.events[0];
	ck_assert_str_eq(e->id, "test-list-acme");
	ck_assert_str_eq(e->since, "2016-03-08");
	ck_assert_str_eq(e->until, "2017-03-29");
	ck_assert_str_eq(e->confidence, "H");
	ck_assert_str_eq(e->note, "removed after settlement");
	e = &r.events[1];
	ck_assert_str_eq(e->vendor, "acme-chips");
	ck_assert_str_eq(e->status, "restricted");
	ck_assert_ptr_null(e->until);
	ck_assert_ptr_null(e->note);
	rw_regimes_release(&r);
	rw_dict_release(&d);
	free(dpath);
	free(rpath);
}
END_TEST

START_TEST(regimes_errors)
{
	rw_ctx ctx;
	rw_dict d;
	rw_regimes r;
	char *dpath = fixture("vendors-good.conf");
	char *path;

	load_dict(&d, dpath);
	expect_regimes_error("regimes-impossible-date.conf", &d,
			     ": event 'e': key 'since': not a real date (YYYY-MM-DD): '2021-02-30'");
	expect_regimes_error("regimes-until-before-since.conf", &d,
			     ": event 'e': key 'until': '2016-03-08' is not after since '2017-03-29'");
	expect_regimes_error("regimes-unknown-regime.conf", &d, ": event 'e': key 'regime': unknown regime 'us.other-list'");
	expect_regimes_error("regimes-unknown-status.conf", &d, ": event 'e': key 'status': unknown status 'banned'");
	expect_regimes_error("regimes-unknown-vendor.conf", &d, ": event 'e': key 'vendor': unknown vendor 'wile'");
	expect_regimes_error("regimes-bad-jurisdiction.conf", NULL,
			     ": regime 'us.x': key 'jurisdiction': 'UK' does not match the id's prefix 'us'");

	/* Without a dictionary the vendor is not checked. */
	path = fixture("regimes-unknown-vendor.conf");
	rw_ctx_init(&ctx, 0);
	ck_assert_msg(rw_regimes_load(&ctx, &r, path, NULL) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_str_eq(r.events[0].vendor, "wile");
	rw_regimes_release(&r);
	free(path);
	rw_dict_release(&d);
	free(dpath);
}
END_TEST

START_TEST(status_ranks)
{
	ck_assert_int_eq(rw_status_rank("prohibited"), 0);
	ck_assert_int_eq(rw_status_rank("restricted"), 1);
	ck_assert_int_eq(rw_status_rank("listed"), 2);
	ck_assert_int_eq(rw_status_rank("under-review"), 3);
	ck_assert_int_eq(rw_status_rank("announced"), 4);
	ck_assert_int_eq(rw_status_rank("Listed"), -1);
	ck_assert_int_eq(rw_status_rank("removed"), -1);
	ck_assert_int_eq(rw_status_rank(NULL), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, shipped_feeds);
	tcase_add_test(tc, shipped_vendors);
	tcase_add_test(tc, shipped_regimes);
	tcase_add_test(tc, feeds_values_and_defaults);
	tcase_add_test(tc, feeds_errors);
	tcase_add_test(tc, feeds_missing_and_broken_files);
	tcase_add_test(tc, feeds_relative_path);
	tcase_add_test(tc, feeds_rejects_control_characters_and_huge_files);
	tcase_add_test(tc, feeds_regime_must_exist);
	tcase_add_test(tc, dict_values);
	tcase_add_test(tc, dict_errors);
	tcase_add_test(tc, regimes_values);
	tcase_add_test(tc, regimes_errors);
	tcase_add_test(tc, status_ranks);
	suite_add_tcase(s, tc);
	return rw_test_run(s);
}
