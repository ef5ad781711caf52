/* The history database: migrations, applying commits, both clocks, the baseline beside live lists. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"
#include "regwatch/dates.h"
#include "regwatch/history.h"

static char *dir;
static char *path;

static void setup(void)
{
	dir = rw_test_tmpdir();
	path = rw_asprintf("%s/regwatch.db", dir);
}

static void teardown(void)
{
	rw_test_rmtree(dir);
	free(dir);
	free(path);
}

static void line(rw_state *st, const char *source, const char *regime, const char *vendor, const char *entity,
		 const char *status, const char *since, const char *until)
{
	const char *f[RW_L_NCOLS] = {source, regime, entity, vendor, entity, status, since, until,
				     "https://example.test/evidence", ""};

	ck_assert_int_eq(rw_table_add(&st->lines, f), 0);
	rw_table_sort(&st->lines);
}

static time_t at(const char *instant)
{
	time_t t;

	ck_assert_int_eq(rw_instant_parse(instant, &t), 0);
	return t;
}

static long apply(rw_ctx *ctx, rw_db *db, const char *oid, const char *when, const rw_state *st,
		  const rw_regimes *regimes)
{
	rw_apply a;
	long run = 0;

	memset(&a, 0, sizeof(a));
	a.oid = oid;
	a.recorded_at = at(when);
	a.message = "test run";
	a.state = st;
	a.regimes = regimes;
	ck_assert_msg(rw_db_apply(ctx, db, &a, &run) == 0, "%s", rw_errmsg(ctx));
	return run;
}

/* A dictionary of two vendors (hisilicon under huawei) and two regimes. */
static void dictionary(rw_dict *d, rw_vendor v[2], rw_regimes *r, rw_regime g[2])
{
	memset(v, 0, 2 * sizeof(*v));
	memset(g, 0, 2 * sizeof(*g));
	v[0].id = (char *)(uintptr_t)"huawei";
	v[0].name = (char *)(uintptr_t)"Huawei Technologies Co., Ltd.";
	v[1].id = (char *)(uintptr_t)"hisilicon";
	v[1].name = (char *)(uintptr_t)"HiSilicon Technologies Co., Ltd.";
	v[1].parent = (char *)(uintptr_t)"huawei";
	memset(d, 0, sizeof(*d));
	d->vendors = v;
	d->n = 2;
	g[0].id = (char *)(uintptr_t)"us.entity-list";
	g[0].jurisdiction = (char *)(uintptr_t)"US";
	g[0].title = (char *)(uintptr_t)"Entity List";
	g[0].covers_affiliates = 0;
	g[1].id = (char *)(uintptr_t)"us.fcc-covered-list";
	g[1].jurisdiction = (char *)(uintptr_t)"US";
	g[1].title = (char *)(uintptr_t)"FCC Covered List";
	g[1].covers_affiliates = 1;
	memset(r, 0, sizeof(*r));
	r->regimes = g;
	r->nregimes = 2;
}

static rw_db *open_db(rw_ctx *ctx, int mode)
{
	rw_db *db = NULL;

	ck_assert_msg(rw_db_open(ctx, &db, path, mode) == 0, "%s", rw_errmsg(ctx));
	return db;
}

START_TEST(open_configures_and_migrates)
{
	rw_ctx ctx;
	rw_db *db;
	sqlite3 *h;
	sqlite3_stmt *st;
	struct stat sb;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(rw_db_open(&ctx, &db, path, RW_DB_READ), RW_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "run 'regwatch update' first"));
	db = open_db(&ctx, RW_DB_WRITE);
	rw_db_close(db);
	ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	ck_assert_int_eq(sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_ge(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	/* A database from a newer regwatch is refused, not downgraded. */
	ck_assert_int_eq(sqlite3_exec(h, "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	ck_assert_int_eq(rw_db_open(&ctx, &db, path, RW_DB_WRITE), RW_EDB);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "newer than this regwatch"));
	ck_assert_int_eq(stat(path, &sb), 0);
}
END_TEST

static void absent(rw_state *st, const char *source, const char *regime, const char *entity, const char *first,
		   const char *last, const char *days)
{
	const char *f[RW_X_NCOLS] = {source, regime, entity, first, last, days};

	rw_table_release(&st->absent);
	rw_table_init(&st->absent, RW_X_NCOLS);
	if (first)
		ck_assert_int_eq(rw_table_add(&st->absent, f), 0);
}

/* The kinds of the changes run `run` recorded, joined by spaces. */
static void run_kinds(rw_ctx *ctx, rw_db *db, long run, char *out, size_t size)
{
	rw_changes t = {0};
	size_t i, o = 0;

	out[0] = '\0';
	ck_assert_int_eq(rw_db_changes(ctx, db, run - 1, run, &t), 0);
	for (i = 0; i < t.n; i++)
		o += (size_t)snprintf(out + o, size - o, "%s%s@%s", i ? " " : "", t.v[i].kind, t.v[i].effective);
	rw_changes_release(&t);
}

START_TEST(absences_marks_and_evidence)
{
	rw_ctx ctx;
	rw_db *db;
	rw_dict d;
	rw_vendor v[2];
	rw_regimes r;
	rw_regime g[2];
	rw_state st;
	rw_table t;
	rw_apply a;
	long run = 0;
	char kinds[512];
	time_t known;

	rw_ctx_init(&ctx, at("2026-12-05T02:00:00Z"));
	dictionary(&d, v, &r, g);
	db = open_db(&ctx, RW_DB_WRITE);
	rw_state_init(&st);
	line(&st, "trade-csl", "us.entity-list", "huawei", "Huawei Technologies Company", "listed", "2019-05-16", "");
	memset(&a, 0, sizeof(a));
	a.oid = "1111111111111111111111111111111111111111";
	a.recorded_at = at("2026-12-01T02:00:00Z");
	a.state = &st;
	a.dict = &d;
	a.regimes = &r;
	ck_assert_int_eq(rw_db_apply(&ctx, db, &a, &run), 0);
	/* Dropped: the interval is unchanged and a change of kind unconfirmed-removal recorded. */
	absent(&st, "trade-csl", "us.entity-list", "Huawei Technologies Company", "2026-12-02", "2026-12-02", "1");
	apply(&ctx, db, "2222222222222222222222222222222222222222", "2026-12-02T02:00:00Z", &st, NULL);
	run_kinds(&ctx, db, 2, kinds, sizeof(kinds));
	ck_assert_str_eq(kinds, "unconfirmed-removal@2026-12-02");
	rw_table_init(&t, RW_Q_NCOLS);
	ck_assert_int_eq(rw_db_status(&ctx, db, "huawei", "2026-12-02", (time_t)-1, &t), 0);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_str_eq(t.v[0].f[RW_Q_UNTIL], "");
	ck_assert_str_eq(t.v[0].f[RW_Q_DROPPED_FROM], "trade-csl");
	ck_assert_str_eq(t.v[0].f[RW_Q_FIRST_ABSENT], "2026-12-02");
	rw_table_release(&t);
	/* A second day absent: no change. */
	absent(&st, "trade-csl", "us.entity-list", "Huawei Technologies Company", "2026-12-02", "2026-12-03", "2");
	apply(&ctx, db, "3333333333333333333333333333333333333333", "2026-12-03T02:00:00Z", &st, NULL);
	run_kinds(&ctx, db, 3, kinds, sizeof(kinds));
	ck_assert_str_eq(kinds, "");
	/* Back: the mark goes, nothing else. */
	absent(&st, "trade-csl", "us.entity-list", NULL, NULL, NULL, NULL);
	apply(&ctx, db, "4444444444444444444444444444444444444444", "2026-12-04T02:00:00Z", &st, NULL);
	run_kinds(&ctx, db, 4, kinds, sizeof(kinds));
	ck_assert_str_eq(kinds, "");
	rw_table_init(&t, RW_Q_NCOLS);
	ck_assert_int_eq(rw_db_status(&ctx, db, "huawei", "2026-12-04", (time_t)-1, &t), 0);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_str_eq(t.v[0].f[RW_Q_DROPPED_FROM], "");
	rw_table_release(&t);
	/* As known on 2026-12-03 the mark was there. */
	ck_assert_int_eq(rw_when_parse("2026-12-03", &known), 0);
	rw_table_init(&t, RW_Q_NCOLS);
	ck_assert_int_eq(rw_db_status(&ctx, db, "huawei", "2026-12-03", known, &t), 0);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_str_eq(t.v[0].f[RW_Q_FIRST_ABSENT], "2026-12-02");
	rw_table_release(&t);
	/* Only the evidence moves: kind evidence. */
	rw_str_replace(&st.lines.v[0].f[RW_L_EVIDENCE], rw_strdup("https://example.test/moved"));
	apply(&ctx, db, "5555555555555555555555555555555555555555", "2026-12-05T02:00:00Z", &st, NULL);
	run_kinds(&ctx, db, 5, kinds, sizeof(kinds));
	ck_assert_str_eq(kinds, "evidence@2019-05-16");
	/* Dropped again, and a dated removal in the baseline (ended 2026-12-06): that ends it
	   without waiting for confirmation. */
	line(&st, "baseline", "us.entity-list", "huawei", "huawei-el", "listed", "2019-05-16", "2026-12-06");
	absent(&st, "trade-csl", "us.entity-list", "Huawei Technologies Company", "2026-12-06", "2026-12-06", "1");
	apply(&ctx, db, "6666666666666666666666666666666666666666", "2026-12-06T02:00:00Z", &st, NULL);
	rw_table_init(&t, RW_Q_NCOLS);
	ck_assert_int_eq(rw_db_status(&ctx, db, "huawei", "2026-12-05", (time_t)-1, &t), 0);
	ck_assert_uint_eq(t.n, 1);
	rw_table_release(&t);
	rw_table_init(&t, RW_Q_NCOLS);
	ck_assert_int_eq(rw_db_status(&ctx, db, "huawei", "2026-12-06", (time_t)-1, &t), 0);
	ck_assert_uint_eq(t.n, 0);
	rw_table_release(&t);
	rw_state_release(&st);
	rw_db_close(db);
}
END_TEST

START_TEST(both_clocks)
{
	rw_ctx ctx;
	rw_db *db;
	rw_dict d;
	rw_vendor v[2];
	rw_regimes r;
	rw_regime g[2];
	rw_state s1, s2;
	rw_table t;
	long counts[4];
	time_t known;

	rw_ctx_init(&ctx, at("2026-11-29T02:00:00Z"));
	dictionary(&d, v, &r, g);
	db = open_db(&ctx, RW_DB_WRITE);
	rw_state_init(&s1);
	rw_state_init(&s2);
	line(&s1, "fcc-covered-list", "us.fcc-covered-list", "huawei", "Huawei Technologies Company", "listed",
	     "2021-03-12", "");
	{
		rw_apply a;
		long run;

		memset(&a, 0, sizeof(a));
		a.oid = "1111111111111111111111111111111111111111";
		a.recorded_at = at("2021-03-20T02:00:00Z");
		a.state = &s1;
		a.dict = &d;
		a.regimes = &r;
		ck_assert_int_eq(rw_db_apply(&ctx, db, &a, &run), 0);
		ck_assert_int_eq(run, 1);
		/* The same commit again changes nothing. */
		ck_assert_int_eq(rw_db_apply(&ctx, db, &a, &run), 0);
		ck_assert_int_eq(run, 1);
	}
	/* The listing ends on 2023-01-10, recorded that night. */
	line(&s2, "fcc-covered-list", "us.fcc-covered-list", "huawei", "Huawei Technologies Company", "listed",
	     "2021-03-12", "2023-01-10");
	ck_assert_int_eq(apply(&ctx, db, "2222222222222222222222222222222222222222", "2023-01-10T02:00:00Z", &s2, NULL), 2);
	ck_assert_int_eq(rw_db_counts(&ctx, db, counts), 0);
	ck_assert_int_eq(counts[0], 2); /* runs */
	ck_assert_int_eq(counts[1], 2); /* intervals: the first superseded, not overwritten */
	ck_assert_int_eq(counts[3], 2); /* changes: added, ended */

	rw_table_init(&t, RW_Q_NCOLS);
	ck_assert_int_eq(rw_db_status(&ctx, db, "huawei", "2022-06-01", (time_t)-1, &t), 0);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_str_eq(t.v[0].f[RW_Q_UNTIL], "2023-01-10");
	ck_assert_str_eq(t.v[0].f[RW_Q_RECORDED_AT], "2023-01-10T02:00:00Z");
	rw_table_release(&t);
	rw_table_init(&t, RW_Q_NCOLS);
	ck_assert_int_eq(rw_db_status(&ctx, db, "huawei", "2023-01-10", (time_t)-1, &t), 0);
	ck_assert_uint_eq(t.n, 0);
	rw_table_release(&t);
	/* As known on 2022-12-31, the listing had no end. */
	ck_assert_int_eq(rw_when_parse("2022-12-31", &known), 0);
	rw_table_init(&t, RW_Q_NCOLS);
	ck_assert_int_eq(rw_db_status(&ctx, db, "huawei", "2023-01-10", known, &t), 0);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_str_eq(t.v[0].f[RW_Q_UNTIL], "");
	ck_assert_str_eq(t.v[0].f[RW_Q_RECORDED_AT], "2021-03-20T02:00:00Z");
	rw_table_release(&t);
	/* Before the first run, nothing was known. */
	ck_assert_int_eq(rw_when_parse("2021-03-19", &known), 0);
	rw_table_init(&t, RW_Q_NCOLS);
	ck_assert_int_eq(rw_db_status(&ctx, db, "huawei", "2021-03-12", known, &t), 0);
	ck_assert_uint_eq(t.n, 0);
	rw_table_release(&t);
	/* HiSilicon inherits under a regime that covers affiliates. */
	rw_table_init(&t, RW_Q_NCOLS);
	ck_assert_int_eq(rw_db_status(&ctx, db, "hisilicon", "2022-06-01", (time_t)-1, &t), 0);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_str_eq(t.v[0].f[RW_Q_VIA], "huawei");
	rw_table_release(&t);
	rw_table_init(&t, RW_Q_NCOLS);
	ck_assert_int_eq(rw_db_status(&ctx, db, "huawie", "2022-06-01", (time_t)-1, &t), RW_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "'huawei'"));
	rw_table_release(&t);
	rw_state_release(&s1);
	rw_state_release(&s2);
	rw_db_close(db);
}
END_TEST

START_TEST(baseline_start_live_end)
{
	rw_ctx ctx;
	rw_db *db;
	rw_dict d;
	rw_vendor v[2];
	rw_regimes r;
	rw_regime g[2];
	rw_state s;
	rw_table t;

	rw_ctx_init(&ctx, at("2026-11-29T02:00:00Z"));
	dictionary(&d, v, &r, g);
	db = open_db(&ctx, RW_DB_WRITE);
	rw_state_init(&s);
	line(&s, "baseline", "us.entity-list", "huawei", "Huawei", "listed", "2019-05-16", "");
	line(&s, "trade-csl", "us.entity-list", "huawei", "Huawei Technologies Co., Ltd.", "listed", "2019-05-21", "");
	{
		rw_apply a;
		long run;

		memset(&a, 0, sizeof(a));
		a.oid = "3333333333333333333333333333333333333333";
		a.recorded_at = at("2026-11-29T02:00:00Z");
		a.state = &s;
		a.dict = &d;
		a.regimes = &r;
		ck_assert_int_eq(rw_db_apply(&ctx, db, &a, &run), 0);
	}
	/* Between the legal date and the list's publication date: the baseline alone. */
	rw_table_init(&t, RW_Q_NCOLS);
	ck_assert_int_eq(rw_db_status(&ctx, db, "huawei", "2019-05-18", (time_t)-1, &t), 0);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_str_eq(t.v[0].f[RW_Q_SOURCE], "baseline");
	rw_table_release(&t);
	/* Once the list has it: one status, the list's, starting on the baseline's date. */
	rw_table_init(&t, RW_Q_NCOLS);
	ck_assert_int_eq(rw_db_status(&ctx, db, "huawei", "2020-01-01", (time_t)-1, &t), 0);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_str_eq(t.v[0].f[RW_Q_SOURCE], "trade-csl");
	ck_assert_str_eq(t.v[0].f[RW_Q_SINCE], "2019-05-16");
	ck_assert_ptr_nonnull(strstr(t.v[0].f[RW_Q_NOTE], "curated baseline"));
	rw_table_release(&t);
	/* The list drops it: the list's end wins over the open baseline. */
	rw_state_release(&s);
	rw_state_init(&s);
	line(&s, "baseline", "us.entity-list", "huawei", "Huawei", "listed", "2019-05-16", "");
	line(&s, "trade-csl", "us.entity-list", "huawei", "Huawei Technologies Co., Ltd.", "listed", "2019-05-21",
	     "2026-12-01");
	apply(&ctx, db, "4444444444444444444444444444444444444444", "2026-12-01T02:00:00Z", &s, NULL);
	rw_table_init(&t, RW_Q_NCOLS);
	ck_assert_int_eq(rw_db_status(&ctx, db, "huawei", "2026-12-02", (time_t)-1, &t), 0);
	ck_assert_uint_eq(t.n, 0);
	rw_table_release(&t);
	rw_state_release(&s);
	rw_db_close(db);
}
END_TEST

START_TEST(rebuild_rolls_back_on_failure)
{
	rw_ctx ctx;
	rw_db *db;
	rw_state s;
	long counts[4];

	rw_ctx_init(&ctx, at("2026-11-29T02:00:00Z"));
	db = open_db(&ctx, RW_DB_WRITE);
	rw_state_init(&s);
	line(&s, "baseline", "us.entity-list", "huawei", "Huawei", "listed", "2019-05-16", "");
	apply(&ctx, db, "5555555555555555555555555555555555555555", "2026-11-29T02:00:00Z", &s, NULL);
	ck_assert_int_eq(rw_db_rebuild_begin(&ctx, db), 0);
	ck_assert_int_eq(rw_db_counts(&ctx, db, counts), 0);
	ck_assert_int_eq(counts[0], 0);
	ck_assert_int_eq(rw_db_rebuild_end(&ctx, db, RW_EPARSE), RW_EPARSE);
	ck_assert_int_eq(rw_db_counts(&ctx, db, counts), 0);
	ck_assert_int_eq(counts[0], 1);
	ck_assert_int_eq(counts[1], 1);
	rw_state_release(&s);
	rw_db_close(db);
}
END_TEST

START_TEST(attempts_and_health)
{
	rw_ctx ctx;
	rw_db *db;
	rw_attempt a;
	rw_table t;
	char *etag = NULL, *lm = NULL;

	rw_ctx_init(&ctx, 0);
	db = open_db(&ctx, RW_DB_WRITE);
	memset(&a, 0, sizeof(a));
	a.name = "fcc-covered-list";
	a.url = "https://www.fcc.gov/supplychain/coveredlist";
	a.format = "html-table";
	a.outcome = "new";
	a.http_status = 200;
	a.records = 15;
	a.etag = "\"v1\"";
	a.changed = 1;
	a.max_age_days = 7;
	ck_assert_int_eq(rw_db_record_attempts(&ctx, db, &a, 1, at("2026-11-01T02:00:00Z")), 0);
	a.outcome = "failed";
	a.http_status = 503;
	a.records = -1;
	a.etag = NULL;
	a.reason = "source 'fcc-covered-list': HTTP 503";
	a.changed = 0;
	ck_assert_int_eq(rw_db_record_attempts(&ctx, db, &a, 1, at("2026-11-02T02:00:00Z")), 0);
	ck_assert_int_eq(rw_db_validators(&ctx, db, "fcc-covered-list", "https://www.fcc.gov/supplychain/coveredlist", &etag, &lm), 0);
	ck_assert_str_eq(etag, "\"v1\"");
	ck_assert_ptr_null(lm);
	free(etag);
	/* Another URL for the source: no validators to send it. */
	ck_assert_int_eq(rw_db_validators(&ctx, db, "fcc-covered-list", "https://www.fcc.gov/moved", &etag, &lm), 0);
	ck_assert_ptr_null(etag);
	ck_assert_ptr_null(lm);
	rw_table_init(&t, RW_S_NCOLS);
	ck_assert_int_eq(rw_db_sources(&ctx, db, at("2026-11-02T03:00:00Z"), &t), 0);
	ck_assert_str_eq(t.v[0].f[RW_S_HEALTH], "failing");
	ck_assert_str_eq(t.v[0].f[RW_S_FAILURES], "1");
	ck_assert_str_eq(t.v[0].f[RW_S_RECORDS], "15");
	ck_assert_str_eq(t.v[0].f[RW_S_LAST_SUCCESS], "2026-11-01T02:00:00Z");
	rw_table_release(&t);
	/* Back to health, then quiet for longer than maxAge: stale. */
	a.outcome = "unchanged";
	a.http_status = 304;
	a.reason = NULL;
	ck_assert_int_eq(rw_db_record_attempts(&ctx, db, &a, 1, at("2026-11-03T02:00:00Z")), 0);
	rw_table_init(&t, RW_S_NCOLS);
	ck_assert_int_eq(rw_db_sources(&ctx, db, at("2026-11-03T03:00:00Z"), &t), 0);
	ck_assert_str_eq(t.v[0].f[RW_S_HEALTH], "ok");
	ck_assert_str_eq(t.v[0].f[RW_S_FAILURES], "0");
	rw_table_release(&t);
	rw_table_init(&t, RW_S_NCOLS);
	ck_assert_int_eq(rw_db_sources(&ctx, db, at("2026-11-20T03:00:00Z"), &t), 0);
	ck_assert_str_eq(t.v[0].f[RW_S_HEALTH], "stale");
	ck_assert_ptr_nonnull(strstr(t.v[0].f[RW_S_REASON], "7 days"));
	rw_table_release(&t);
	rw_db_close(db);
}
END_TEST

static Suite *history_suite(void)
{
	Suite *s = suite_create("history");
	TCase *tc = tcase_create("history");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, open_configures_and_migrates);
	tcase_add_test(tc, both_clocks);
	tcase_add_test(tc, absences_marks_and_evidence);
	tcase_add_test(tc, baseline_start_live_end);
	tcase_add_test(tc, rebuild_rolls_back_on_failure);
	tcase_add_test(tc, attempts_and_health);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rw_test_run(history_suite());
}
