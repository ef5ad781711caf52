/* The impact layer after the diff: what two runs' status changes do to an inventory (affects,
   stops-affecting, changes, through a parent's status and through claimed links), and an
   affected asset as the row every output shows. The database is built by the library itself. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "regwatch/config.h"
#include "regwatch/dates.h"
#include "regwatch/history.h"
#include "regwatch/impact.h"
#include "regwatch/inventory.h"

static const char vendors_conf[] =
	"[vendor \"huawei\"]\n"
	"\tname = Huawei Technologies Co., Ltd.\n"
	"\talias = Huawei\n"
	"[vendor \"hisilicon\"]\n"
	"\tname = HiSilicon Technologies Co., Ltd.\n"
	"\tparent = huawei\n"
	"\talias = HiSilicon\n"
	"\tchipset = Hi3516\n"
	"[vendor \"zte\"]\n"
	"\tname = ZTE Corporation\n"
	"\talias = ZTE\n"
	"\tclaimedBrand = Zeta Vision\n";

static const char regimes_conf[] =
	"[regime \"us.fcc-covered-list\"]\n"
	"\tjurisdiction = US\n"
	"\ttitle = FCC Covered List\n"
	"\tinstrument = Secure and Trusted Communications Networks Act of 2019, section 2\n"
	"\tevidence = https://example.test/covered-list\n"
	"\tcoversAffiliates = true\n"
	"[regime \"us.entity-list\"]\n"
	"\tjurisdiction = US\n"
	"\ttitle = Entity List\n"
	"\tinstrument = 15 CFR part 744, supplement 4\n"
	"\tevidence = https://example.test/entity-list\n"
	"\tcoversAffiliates = false\n";

static const char inventory_csv[] =
	"asset_id,site,manufacturer,brand,chipset,quantity\n"
	"H-1,Depot,Huawei,,,2\n"
	"C-1,Depot,Acme Cameras,,HiSilicon Hi3516 EV300,1\n"
	"Z-1,Annexe,ZTE,,,1\n"
	"P-1,Annexe,,Zeta Vision,,3\n"
	"A-1,Annexe,Axis Communications,,,1\n";

static char *dir;
static rw_ctx ctx;
static rw_dict dict;
static rw_regimes regimes;
static rw_db *db;
static rw_inventory inv;
static rw_reach *reach;
static rw_changes changes;
static rw_point since, until;

static time_t at(const char *instant)
{
	time_t t;

	ck_assert_int_eq(rw_instant_parse(instant, &t), 0);
	return t;
}

static void line(rw_state *st, const char *source, const char *regime, const char *vendor, const char *status,
		 const char *since_day, const char *until_day)
{
	const char *f[RW_L_NCOLS] = {source, regime, vendor, vendor, vendor, status, since_day, until_day,
				     "https://example.test/evidence", ""};

	ck_assert_int_eq(rw_table_add(&st->lines, f), 0);
	rw_table_sort(&st->lines);
}

static void apply(const char *oid, const char *when, const rw_state *st)
{
	rw_apply a;
	long run = 0;

	memset(&a, 0, sizeof(a));
	a.oid = oid;
	a.recorded_at = at(when);
	a.message = "test run";
	a.state = st;
	a.dict = &dict;
	a.regimes = &regimes;
	ck_assert_msg(rw_db_apply(&ctx, db, &a, &run) == 0, "%s", rw_errmsg(&ctx));
}

/*
 * Run 1 (2021-03-20): Huawei listed on the FCC Covered List, restricted on the Entity List.
 * Run 2 (2023-01-10): the Covered List says prohibited, the Entity List restriction ends that
 * day, and ZTE is added to the Entity List from 2022-12-01.
 */
static void setup(void)
{
	char *vpath, *rpath, *dbpath;
	rw_state s1, s2;

	dir = rw_test_tmpdir();
	rw_ctx_init(&ctx, at("2023-01-11T02:00:00Z"));
	vpath = rw_test_write(dir, "vendors.conf", vendors_conf);
	rpath = rw_test_write(dir, "regimes.conf", regimes_conf);
	ck_assert_msg(rw_dict_load(&ctx, &dict, vpath) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_msg(rw_regimes_load(&ctx, &regimes, rpath, &dict) == 0, "%s", rw_errmsg(&ctx));
	dbpath = rw_asprintf("%s/regwatch.db", dir);
	ck_assert_msg(rw_db_open(&ctx, &db, dbpath, RW_DB_WRITE) == 0, "%s", rw_errmsg(&ctx));
	rw_state_init(&s1);
	rw_state_init(&s2);
	line(&s1, "fcc-covered-list", "us.fcc-covered-list", "huawei", "listed", "2021-03-12", "");
	line(&s1, "entity-list", "us.entity-list", "huawei", "restricted", "2019-05-16", "");
	apply("1111111111111111111111111111111111111111", "2021-03-20T02:00:00Z", &s1);
	line(&s2, "fcc-covered-list", "us.fcc-covered-list", "huawei", "prohibited", "2021-03-12", "");
	line(&s2, "entity-list", "us.entity-list", "huawei", "restricted", "2019-05-16", "2023-01-10");
	line(&s2, "entity-list", "us.entity-list", "zte", "restricted", "2022-12-01", "");
	apply("2222222222222222222222222222222222222222", "2023-01-10T02:00:00Z", &s2);
	rw_state_release(&s1);
	rw_state_release(&s2);
	free(vpath);
	free(rpath);
	free(dbpath);

	rw_inventory_init(&inv);
	ck_assert_int_eq(rw_inventory_parse(&ctx, &inv, "assets.csv", inventory_csv, sizeof(inventory_csv) - 1), 0);
	ck_assert_uint_eq(inv.n, 5);
	ck_assert_msg(rw_reach_new(&ctx, &reach, db, &dict) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_int_eq(rw_db_run_point(&ctx, db, 1, &since), 0);
	ck_assert_int_eq(rw_db_run_point(&ctx, db, 2, &until), 0);
	memset(&changes, 0, sizeof(changes));
	ck_assert_msg(rw_db_changes(&ctx, db, since.run, until.run, &changes) == 0, "%s", rw_errmsg(&ctx));
}

static void teardown(void)
{
	rw_changes_release(&changes);
	rw_reach_free(reach);
	rw_inventory_release(&inv);
	rw_db_close(db);
	rw_regimes_release(&regimes);
	rw_dict_release(&dict);
	rw_test_rmtree(dir);
	free(dir);
}

static const rw_effects_asset *effects_of(const rw_effects *fx, const char *asset_id)
{
	size_t i;

	for (i = 0; i < fx->n; i++)
		if (strcmp(inv.v[fx->v[i].asset].asset_id, asset_id) == 0)
			return &fx->v[i];
	return NULL;
}

/* The effect of the change of `vendor` under `regime` on an asset, as "effect" or
   "effect (possibly)"; "" when that change does nothing to it. */
static const char *effect_on(const rw_effects_asset *ea, const char *vendor, const char *regime)
{
	size_t i;

	for (i = 0; ea && i < ea->n; i++) {
		const rw_change *c = &changes.v[ea->v[i].change];

		if (strcmp(c->event.vendor, vendor) == 0 && strcmp(c->event.regime, regime) == 0)
			return !ea->v[i].possible ? rw_effect_name(ea->v[i].kind)
			       : ea->v[i].kind == RW_EFFECT_AFFECTS ? "affects (possibly)" : "other (possibly)";
	}
	return "";
}

START_TEST(changes_of_run_two)
{
	size_t i, kinds[3] = {0, 0, 0};

	/* The record itself: one change of each kind the effects are about. */
	ck_assert_uint_eq(changes.n, 3);
	for (i = 0; i < changes.n; i++) {
		const char *k = changes.v[i].kind;

		kinds[0] += strcmp(k, "changed") == 0;
		kinds[1] += strcmp(k, "ended") == 0;
		kinds[2] += strcmp(k, "added") == 0;
	}
	ck_assert_uint_eq(kinds[0], 1);
	ck_assert_uint_eq(kinds[1], 1);
	ck_assert_uint_eq(kinds[2], 1);
}
END_TEST

START_TEST(effects_per_asset)
{
	rw_effects fx;
	const rw_effects_asset *ea;
	size_t i;

	ck_assert_msg(rw_effects_run(&ctx, reach, &inv, &changes, &since, &until, &fx) == 0, "%s", rw_errmsg(&ctx));
	/* Inventory order; the Axis camera is affected by nothing. */
	ck_assert_uint_eq(fx.n, 4);
	for (i = 1; i < fx.n; i++)
		ck_assert_uint_lt(fx.v[i - 1].asset, fx.v[i].asset);
	ck_assert_ptr_null(effects_of(&fx, "A-1"));

	/* Huawei's own camera: the Covered List word changes, the Entity List stops reaching it. */
	ea = effects_of(&fx, "H-1");
	ck_assert_ptr_nonnull(ea);
	ck_assert_uint_eq(ea->n, 2);
	ck_assert_str_eq(effect_on(ea, "huawei", "us.fcc-covered-list"), "changes");
	ck_assert_str_eq(effect_on(ea, "huawei", "us.entity-list"), "stops-affecting");
	/* What reaches it at the end: the prohibition only. */
	ck_assert_uint_eq(rw_asset_reach_count(&ea->reach, 1), 1);
	ck_assert_int_eq(rw_asset_reach_worst(&ea->reach, 1), rw_status_rank("prohibited"));

	/* A HiSilicon chip: the parent's Covered List change reaches it (the regime covers
	   affiliates); the Entity List does not cover affiliates, so its end is nothing to it. */
	ea = effects_of(&fx, "C-1");
	ck_assert_ptr_nonnull(ea);
	ck_assert_uint_eq(ea->n, 1);
	ck_assert_str_eq(effect_on(ea, "huawei", "us.fcc-covered-list"), "changes");

	/* ZTE's new listing affects its camera, certainly, and the claimed brand's possibly. */
	ck_assert_str_eq(effect_on(effects_of(&fx, "Z-1"), "zte", "us.entity-list"), "affects");
	ck_assert_uint_eq(effects_of(&fx, "Z-1")->n, 1);
	ck_assert_str_eq(effect_on(effects_of(&fx, "P-1"), "zte", "us.entity-list"), "affects (possibly)");
	rw_effects_release(&fx);
	ck_assert_uint_eq(fx.n, 0);
}
END_TEST

START_TEST(effects_for_people_and_as_json)
{
	rw_effects fx;
	rw_buf out = RW_BUF_INIT, doc = RW_BUF_INIT;
	rw_json j;
	const rw_effects_asset *ea;

	ck_assert_int_eq(rw_effects_run(&ctx, reach, &inv, &changes, &since, &until, &fx), 0);
	ea = effects_of(&fx, "Z-1");
	ck_assert_int_eq(rw_effects_describe_asset(&out, "  ", &inv, &changes, ea), 0);
	ck_assert_str_eq(rw_buf_cstr(&out), "  Z-1 (Annexe, 1 unit): affects: zte us.entity-list restricted (run 2)\n");
	rw_buf_clear(&out);
	ea = effects_of(&fx, "P-1");
	ck_assert_int_eq(rw_effects_describe_asset(&out, "", &inv, &changes, ea), 0);
	ck_assert_str_eq(rw_buf_cstr(&out),
			 "P-1 (Annexe, 3 units): affects (possibly): zte us.entity-list restricted (run 2)\n");
	rw_buf_clear(&out);
	/* The stop names the status it takes away. */
	ea = effects_of(&fx, "H-1");
	ck_assert_int_eq(rw_effects_describe_asset(&out, "", &inv, &changes, ea), 0);
	ck_assert_ptr_nonnull(strstr(rw_buf_cstr(&out),
				     "H-1 (Depot, 2 units): stops-affecting: huawei us.entity-list restricted (run 2)\n"));
	ck_assert_ptr_nonnull(strstr(rw_buf_cstr(&out),
				     "H-1 (Depot, 2 units): changes: huawei us.fcc-covered-list prohibited (run 2)\n"));

	rw_json_init(&j, &doc);
	rw_effects_json_asset(&j, &inv, &changes, ea);
	ck_assert_int_eq(rw_json_finish(&j), 0);
	ck_assert_ptr_nonnull(strstr(rw_buf_cstr(&doc), "\"asset_id\": \"H-1\""));
	ck_assert_ptr_nonnull(strstr(rw_buf_cstr(&doc), "\"effect\": \"stops-affecting\", \"possible\": false, \"run\": 2, "
							"\"kind\": \"ended\", \"vendor\": \"huawei\", \"regime\": \"us.entity-list\""));
	rw_buf_release(&out);
	rw_buf_release(&doc);
	rw_effects_release(&fx);
}
END_TEST

/* Before the first run nothing was known: every status in force is new to the inventory. */
START_TEST(from_before_the_first_run)
{
	rw_effects fx;
	rw_point zero;

	memset(&zero, 0, sizeof(zero));
	rw_changes_release(&changes);
	memset(&changes, 0, sizeof(changes));
	ck_assert_int_eq(rw_db_changes(&ctx, db, 0, until.run, &changes), 0);
	ck_assert_int_eq(rw_effects_run(&ctx, reach, &inv, &changes, &zero, &until, &fx), 0);
	/* Each change counts on its own date: on 2019-05-16 the Entity List restriction (known,
	   by `until`, to have ended since) reached the camera and nothing known before did. */
	ck_assert_str_eq(effect_on(effects_of(&fx, "H-1"), "huawei", "us.entity-list"), "affects");
	ck_assert_str_eq(effect_on(effects_of(&fx, "H-1"), "huawei", "us.fcc-covered-list"), "affects");
	ck_assert_str_eq(effect_on(effects_of(&fx, "Z-1"), "zte", "us.entity-list"), "affects");
	ck_assert_ptr_null(effects_of(&fx, "A-1"));
	rw_effects_release(&fx);
}
END_TEST

START_TEST(an_affected_asset_as_a_row)
{
	rw_asset_reach ar;
	rw_asset_row h;

	/* Huawei's own camera, on 2023-01-11. */
	ck_assert_int_eq(rw_reach_asset(&ctx, reach, &inv.v[0], "2023-01-11", (time_t)-1, &ar), 0);
	ck_assert_int_eq(rw_asset_row_init(&ctx, &h, &inv.v[0], &ar, 0), 0);
	ck_assert_str_eq(h.asset_id, "H-1");
	ck_assert_str_eq(h.site, "Depot");
	ck_assert_str_eq(h.maker, "Huawei");
	ck_assert_str_eq(h.maker_brand, "Huawei");
	ck_assert_str_eq(h.quantity_text, "2");
	ck_assert_str_eq(h.vendor, "huawei");
	ck_assert_str_eq(h.matched_by, "manufacturer");
	ck_assert_str_eq(h.matched_by_text, "manufacturer");
	ck_assert_str_eq(h.worst_text, "prohibited");
	ck_assert_str_eq(h.statuses, "prohibited: us.fcc-covered-list");
	ck_assert_str_eq(h.note, "manufacturer 'Huawei': alias 'Huawei' of huawei");
	ck_assert_int_eq(h.possible_only, 0);
	rw_asset_row_release(&h);
	/* No such match. */
	ck_assert_int_eq(rw_asset_row_init(&ctx, &h, &inv.v[0], &ar, 1), RW_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "'H-1'"));
	rw_asset_reach_release(&ar);

	/* A brand only claimed to be ZTE's: possible, and said so everywhere. */
	ck_assert_int_eq(rw_reach_asset(&ctx, reach, &inv.v[3], "2023-01-11", (time_t)-1, &ar), 0);
	ck_assert_int_eq(rw_asset_row_init(&ctx, &h, &inv.v[3], &ar, 0), 0);
	ck_assert_str_eq(h.maker, "Zeta Vision");
	ck_assert_str_eq(h.maker_brand, "Zeta Vision");
	ck_assert_str_eq(h.matched_by_text, "brand (possible)");
	ck_assert_str_eq(h.worst_text, "possibly restricted");
	ck_assert_int_eq(h.possible, 1);
	ck_assert_int_eq(h.possible_only, 1);
	ck_assert_ptr_nonnull(strstr(h.note, "; possible: the link is only claimed"));
	rw_asset_row_release(&h);
	rw_asset_reach_release(&ar);
}
END_TEST

static int collect(void *arg, const char *data, size_t len)
{
	rw_buf *b = arg;

	ck_assert_uint_ge(len, RW_ASSET_JSON_CHUNK);
	return rw_buf_append(b, data, len);
}

static int refuse(void *arg, const char *data, size_t len)
{
	(*(int *)arg)++;
	return RW_EIO;
}

/* check --json of thousands of assets: handed on in chunks, each distinct status written once
   and copied after that, and the same text as each asset written on its own. */
START_TEST(check_document_in_chunks)
{
	rw_inventory big;
	rw_check chk;
	rw_buf csv = RW_BUF_INIT, streamed = RW_BUF_INIT, tail = RW_BUF_INIT, whole = RW_BUF_INIT, one = RW_BUF_INIT;
	rw_json j;
	size_t i;
	int calls = 0;

	ck_assert_int_eq(rw_buf_puts(&csv, "asset_id,site,manufacturer,brand,chipset,purpose\n"), 0);
	for (i = 0; i < 6000; i++)
		ck_assert_int_eq(rw_buf_printf(&csv, "A-%04zu,Site %zu,%s,%s,%s,%s\n", i, i % 7,
					       i % 3 == 0 ? "Huawei" : i % 3 == 1 ? "ZTE" : "Acme",
					       i % 5 == 0 ? "Zeta Vision" : "", i % 3 == 2 ? "Hi3516EV300" : "",
					       i % 2 ? "public safety" : "retail"), 0);
	rw_inventory_init(&big);
	ck_assert_int_eq(rw_inventory_parse(&ctx, &big, "big.csv", rw_buf_cstr(&csv), csv.len), 0);
	ck_assert_int_eq(rw_check_run(&ctx, reach, &big, "2023-01-11", (time_t)-1, &chk), 0);
	ck_assert_uint_eq(chk.n, 6000);

	rw_json_init(&j, &tail);
	rw_asset_json_check(&j, "big.csv", &big, &chk, collect, &streamed);
	ck_assert_int_eq(rw_json_finish(&j), 0);
	ck_assert_uint_gt(streamed.len, 0);
	ck_assert_int_eq(rw_buf_append(&streamed, tail.data, tail.len), 0);
	rw_json_init(&j, &whole);
	rw_asset_json_check(&j, "big.csv", &big, &chk, NULL, NULL);
	ck_assert_int_eq(rw_json_finish(&j), 0);
	ck_assert_uint_eq(streamed.len, whole.len);
	ck_assert(memcmp(streamed.data, whole.data, whole.len) == 0);
	/* Each asset as rw_asset_json writes it, on its own. */
	for (i = 0; i < chk.n; i += 997) {
		rw_buf_clear(&one);
		rw_json_init(&j, &one);
		rw_asset_json(&j, &big, &big.v[chk.v[i].asset], &chk.v[i].reach);
		ck_assert_int_eq(j.rc, 0);
		ck_assert_ptr_nonnull(strstr(rw_buf_cstr(&whole), rw_buf_cstr(&one)));
	}
	/* A sink that fails stops the document. */
	rw_buf_clear(&tail);
	rw_json_init(&j, &tail);
	rw_asset_json_check(&j, "big.csv", &big, &chk, refuse, &calls);
	ck_assert_int_eq(j.rc, RW_EIO);
	ck_assert_int_eq(calls, 1);

	rw_check_release(&chk);
	rw_inventory_release(&big);
	rw_buf_release(&csv);
	rw_buf_release(&streamed);
	rw_buf_release(&tail);
	rw_buf_release(&whole);
	rw_buf_release(&one);
}
END_TEST

static Suite *impact_suite(void)
{
	Suite *s = suite_create("impact");
	TCase *tc = tcase_create("effects");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, changes_of_run_two);
	tcase_add_test(tc, effects_per_asset);
	tcase_add_test(tc, effects_for_people_and_as_json);
	tcase_add_test(tc, from_before_the_first_run);
	tcase_add_test(tc, an_affected_asset_as_a_row);
	tcase_add_test(tc, check_document_in_chunks);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rw_test_run(impact_suite());
}
