/* Matching assets to vendors with the shipped dictionary (db/vendors.conf), and the statuses
   that reach an asset (purpose-limited regimes, inheritance) over a real database. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "regwatch/config.h"
#include "regwatch/dates.h"
#include "regwatch/diff.h"
#include "regwatch/history.h"
#include "regwatch/inventory.h"
#include "regwatch/normalise.h"

#define VENDORS_CONF RW_TEST_DATA "/../../db/vendors.conf"

static rw_ctx ctx;
static rw_dict dict;
static rw_asset_matcher *matcher;

static void setup(void)
{
	rw_ctx_init(&ctx, 0);
	memset(&dict, 0, sizeof(dict));
	ck_assert_msg(rw_dict_load(&ctx, &dict, VENDORS_CONF) == 0, "%s", rw_errmsg(&ctx));
	ck_assert_int_eq(rw_asset_matcher_new(&ctx, &matcher, &dict), 0);
}

static void teardown(void)
{
	rw_asset_matcher_free(matcher);
	rw_dict_release(&dict);
}

/* One spelling as an asset register may write it, and what it must match. */
struct spelling {
	const char *manufacturer, *brand, *model, *chipset, *installed;
	const char *on;
	const char *vendor; /* NULL: no vendor */
	const char *by;
	int possible;
};

static const struct spelling spellings[] = {
	/* Hikvision: legal names as the lists write them, short forms, accents, affiliates, brands. */
	{"Hikvision", "", "", "", "", "2026-11-29", "hikvision", "manufacturer", 0},
	{"HIKVISION", "", "", "", "", "2026-11-29", "hikvision", "manufacturer", 0},
	{"Hangzhou Hikvision Digital Technology Co., Ltd.", "", "", "", "", "2026-11-29", "hikvision", "manufacturer", 0},
	{"Hangzhou Hikvision Digital Technology Company", "", "", "", "", "2026-11-29", "hikvision", "manufacturer", 0},
	{"hikvision digital technology co ltd", "", "", "", "", "2026-11-29", "hikvision", "manufacturer", 0},
	{"The Hikvision Co.", "", "", "", "", "2026-11-29", "hikvision", "manufacturer", 0},
	{"Hikvisi\xC3\xB3n", "", "", "", "", "2026-11-29", "hikvision", "manufacturer", 0},
	{"Hikvision USA, Inc.", "", "", "", "", "2026-11-29", "hikvision", "manufacturer", 0},
	{"\xE6\xB5\xB7\xE5\xBA\xB7\xE5\xA8\x81\xE8\xA7\x86", "", "", "", "", "2026-11-29", "hikvision", "manufacturer", 0},
	{"Hangzhou EZVIZ Network Co., Ltd.", "", "", "", "", "2026-11-29", "hikvision", "manufacturer", 0},
	{"Pyronix Ltd", "", "", "", "", "2026-11-29", "hikvision", "manufacturer", 0},
	{"", "HiLook", "IPC-B140H-M", "", "", "2026-11-29", "hikvision", "brand", 0},
	{"", "EZVIZ", "CS-C6N", "", "", "2026-11-29", "hikvision", "brand", 0},
	{"HiLook by Hikvision", "", "", "", "", "2026-11-29", "hikvision", "manufacturer", 0},
	{"", "HIKMICRO", "", "", "", "2026-11-29", "hikvision", "brand", 0},
	{"", "LTS", "", "", "", "2026-11-29", "hikvision", "brand", 0},
	{"", "Hikvision", "", "", "", "2026-11-29", "hikvision", "brand", 0},
	{"", "HiWatch", "", "", "", "2026-11-29", "hikvision", "brand", 1},
	/* Dahua. */
	{"Dahua", "", "", "", "", "2026-11-29", "dahua", "manufacturer", 0},
	{"Dahua Technology USA Inc", "", "", "", "", "2026-11-29", "dahua", "manufacturer", 0},
	{"Zhejiang Dahua Technology Co., Ltd.", "", "", "", "", "2026-11-29", "dahua", "manufacturer", 0},
	{"DAHUA TECHNOLOGY COMPANY", "", "", "", "", "2026-11-29", "dahua", "manufacturer", 0},
	{"Dahua Technology Co.,Ltd", "", "", "", "", "2026-11-29", "dahua", "manufacturer", 0},
	{"", "Lechange", "", "", "", "2026-11-29", "dahua", "brand", 0},
	{"", "Imou", "IPC-A22EP", "", "", "2026-11-29", "dahua", "brand", 1},
	{"", "Amcrest", "IP2M-841", "", "", "2026-11-29", "dahua", "brand", 1},
	{"Lorex Technology Inc.", "", "LNB4421", "", "2019-06-01", "2026-11-29", "dahua", "manufacturer", 0},
	{"", "Lorex", "", "", "", "2020-01-01", "dahua", "brand", 0},
	{"", "Digimerge", "", "", "", "2026-11-29", "dahua", "brand", 0},
	{"Luminys Systems Corp.", "", "", "", "", "2025-06-06", "dahua", "manufacturer", 1},
	/* Huawei and HiSilicon. */
	{"Huawei", "", "", "", "", "2026-11-29", "huawei", "manufacturer", 0},
	{"HUAWEI TECHNOLOGIES CO., LTD.", "", "", "", "", "2026-11-29", "huawei", "manufacturer", 0},
	{"Huawei Technologies (UK) Co. Limited", "", "", "", "", "2026-11-29", "huawei", "manufacturer", 0},
	{"", "HoloSens", "", "", "", "2026-11-29", "huawei", "brand", 0},
	{"Huawei Investment & Holding Co., Ltd.", "", "", "", "", "2026-11-29", "huawei-holding", "manufacturer", 0},
	{"HiSilicon", "", "", "", "", "2026-11-29", "hisilicon", "manufacturer", 0},
	{"Uniview", "", "IPC3234SR3-DVZ28", "Hi3516CV300", "", "2026-11-29", "hisilicon", "chipset", 0},
	{"", "", "", "HiSilicon Hi3516 EV300", "", "2026-11-29", "hisilicon", "chipset", 0},
	{"", "", "", "hi3518ev200", "", "2026-11-29", "hisilicon", "chipset", 0},
	{"", "", "", "3516EV300", "", "2026-11-29", "hisilicon", "chipset", 0},
	{"", "", "", "Hi3519AV100 + IMX334", "", "2026-11-29", "hisilicon", "chipset", 0},
	{"", "", "", "Hi3516EV300 SC2235", "", "2026-11-29", "hisilicon", "chipset", 0},
	{"", "", "", "SD3403V100", "", "2026-11-29", "hisilicon", "chipset", 0},
	{"", "", "", "SS928V100", "", "2026-11-29", "hisilicon", "chipset", 1},
	{"", "", "", "HK-2016-3", "", "2026-11-29", "hikvision", "chipset", 1},
	{"", "", "HWT-IVS1800-D", "", "", "2026-11-29", "huawei", "model", 0},
	/* ZTE and Hytera. */
	{"ZTE Corporation", "", "", "", "", "2026-11-29", "zte", "manufacturer", 0},
	{"ZTE", "", "", "", "", "2026-11-29", "zte", "manufacturer", 0},
	{"Zhongxing Telecommunication Equipment Corporation", "", "", "", "", "2026-11-29", "zte", "manufacturer", 0},
	{"Hytera", "", "", "", "", "2026-11-29", "hytera", "manufacturer", 0},
	{"Hytera Communications Corporation Limited", "", "", "", "", "2026-11-29", "hytera", "manufacturer", 0},
	{"", "HYT", "", "", "", "2026-11-29", "hytera", "brand", 0},
	{"Sepura plc", "", "", "", "2019-03-01", "2026-11-29", "hytera", "manufacturer", 0},
	/* Model prefixes count when the register names no maker. */
	{"", "", "DS-2CD2143G2-I", "", "", "2026-11-29", "hikvision", "model", 0},
	{"unknown", "", "IPC-HFW2439SP-SA-LED-S2", "", "", "2026-11-29", "dahua", "model", 0},
	{"N/A", "", "DH-IPC-HDW3549H-AS-PV", "", "", "2026-11-29", "dahua", "model", 0},
	{"", "", "PD785G", "", "", "2026-11-29", "hytera", "model", 0},
	{"", "", "IP8M-2493EW", "", "", "2026-11-29", "dahua", "model", 1},
	{"", "", "VIP 3230 D", "", "", "2026-11-29", "dahua", "model", 1},
	/* Not these vendors: substrings, look-alikes, other makers, links outside their window. */
	{"Dahuang Foods", "", "", "", "", "2026-11-29", NULL, NULL, 0},
	{"Axis Communications", "", "", "", "", "2026-11-29", NULL, NULL, 0},
	{"Axis", "", "", "", "", "2026-11-29", NULL, NULL, 0},
	{"Hikari", "", "", "", "", "2026-11-29", NULL, NULL, 0},
	{"AZTEC Systems", "", "", "", "", "2026-11-29", NULL, NULL, 0},
	{"ZTEsoft", "", "", "", "", "2026-11-29", NULL, NULL, 0},
	{"Hytech", "", "", "", "", "2026-11-29", NULL, NULL, 0},
	{"Zhejiang Uniview Technologies Co., Ltd.", "", "IPC3234SR3-DVZ28", "", "", "2026-11-29", NULL, NULL, 0},
	{"Synology", "", "DS920+", "", "", "2026-11-29", NULL, NULL, 0},
	{"", "", "DS920+", "", "", "2026-11-29", NULL, NULL, 0},
	{"Axis", "", "DS-2CD2143G2-I", "", "", "2026-11-29", NULL, NULL, 0},
	{"", "", "PDU-8", "", "", "2026-11-29", NULL, NULL, 0},
	{"", "", "", "GK7205V200", "", "2026-11-29", NULL, NULL, 0},
	{"", "", "", "SSC335", "", "2026-11-29", NULL, NULL, 0},
	{"", "", "", "Ingenic T31", "", "2026-11-29", NULL, NULL, 0},
	{"", "", "35mm lens", "35mm", "", "2026-11-29", NULL, NULL, 0},
	{"Lorex", "", "", "", "2023-06-01", "2026-11-29", NULL, NULL, 0},
	{"", "Lorex", "", "", "", "2017-01-01", NULL, NULL, 0},
	{"Honor", "", "", "", "", "2026-11-29", NULL, NULL, 0},
	{"Sepura", "", "", "", "", "2023-01-01", NULL, NULL, 0},
	{"Luminys Systems Corp.", "", "", "", "", "2023-06-01", NULL, NULL, 0},
};

static rw_asset asset_of(const struct spelling *s)
{
	rw_asset a;

	memset(&a, 0, sizeof(a));
	a.asset_id = (char *)(uintptr_t)"A-1";
	a.site = (char *)(uintptr_t)"";
	a.manufacturer = (char *)(uintptr_t)s->manufacturer;
	a.brand = (char *)(uintptr_t)s->brand;
	a.model = (char *)(uintptr_t)s->model;
	a.chipset = (char *)(uintptr_t)s->chipset;
	a.installed = (char *)(uintptr_t)s->installed;
	a.purpose = (char *)(uintptr_t)"";
	a.notes = (char *)(uintptr_t)"";
	a.quantity = 1;
	return a;
}

START_TEST(real_world_spellings)
{
	size_t i, n = sizeof(spellings) / sizeof(spellings[0]);

	ck_assert_uint_ge(n, 40);
	for (i = 0; i < n; i++) {
		const struct spelling *s = &spellings[i];
		rw_asset a = asset_of(s);
		rw_asset_matches ms = {0};

		ck_assert_int_eq(rw_asset_match_vendors(&ctx, matcher, &a, s->on, &ms), 0);
		if (s->vendor == NULL) {
			ck_assert_msg(ms.n == 0, "'%s' / '%s' / '%s' / '%s' matched '%s' (%s)", s->manufacturer, s->brand,
				      s->model, s->chipset, ms.n ? ms.v[0].vendor : "", ms.n ? ms.v[0].note : "");
		} else {
			ck_assert_msg(ms.n >= 1, "'%s' / '%s' / '%s' / '%s' matched nothing", s->manufacturer, s->brand,
				      s->model, s->chipset);
			ck_assert_msg(strcmp(ms.v[0].vendor, s->vendor) == 0 &&
					      strcmp(rw_match_by_name(ms.v[0].by), s->by) == 0 &&
					      ms.v[0].possible == s->possible,
				      "'%s' / '%s' / '%s' / '%s': got %s by %s%s (%s), expected %s by %s%s",
				      s->manufacturer, s->brand, s->model, s->chipset, ms.v[0].vendor,
				      rw_match_by_name(ms.v[0].by), ms.v[0].possible ? " (possible)" : "", ms.v[0].note,
				      s->vendor, s->by, s->possible ? " (possible)" : "");
			ck_assert_ptr_nonnull(ms.v[0].note);
		}
		rw_asset_matches_release(&ms);
	}
}
END_TEST

START_TEST(several_vendors_strongest_first)
{
	static const struct spelling both = {"Hikvision", "", "DS-2CD2143G2-I", "Hi3516CV300", "", "2026-11-29",
					     NULL, NULL, 0};
	static const struct spelling claimed = {"Honeywell", "", "", "", "", "2026-11-29", NULL, NULL, 0};
	rw_asset a = asset_of(&both);
	rw_asset_matches ms = {0};

	ck_assert_int_eq(rw_asset_match_vendors(&ctx, matcher, &a, "2026-11-29", &ms), 0);
	ck_assert_uint_eq(ms.n, 2);
	ck_assert_str_eq(ms.v[0].vendor, "hikvision");
	ck_assert_str_eq(rw_match_by_name(ms.v[0].by), "manufacturer");
	ck_assert_str_eq(ms.v[1].vendor, "hisilicon");
	ck_assert_str_eq(rw_match_by_name(ms.v[1].by), "chipset");
	ck_assert_str_eq(ms.v[1].column, "chipset");
	rw_asset_matches_release(&ms);
	/* Honeywell relabelled both for some series only: two possible matches, never a certain one. */
	a = asset_of(&claimed);
	ck_assert_int_eq(rw_asset_match_vendors(&ctx, matcher, &a, "2026-11-29", &ms), 0);
	ck_assert_uint_eq(ms.n, 2);
	ck_assert_str_eq(ms.v[0].vendor, "dahua");
	ck_assert_str_eq(ms.v[1].vendor, "hikvision");
	ck_assert_int_eq(ms.v[0].possible && ms.v[1].possible, 1);
	rw_asset_matches_release(&ms);
}
END_TEST

START_TEST(links_carry_their_evidence_and_window)
{
	static const struct spelling lorex = {"Lorex", "", "", "", "2022-11-23", "2026-11-29", NULL, NULL, 0};
	rw_asset a = asset_of(&lorex);
	rw_asset_matches ms = {0};

	ck_assert_int_eq(rw_asset_match_vendors(&ctx, matcher, &a, "2026-11-29", &ms), 0);
	ck_assert_uint_eq(ms.n, 1);
	ck_assert_str_eq(ms.v[0].vendor, "dahua");
	ck_assert_ptr_nonnull(ms.v[0].evidence);
	ck_assert_msg(strstr(ms.v[0].evidence, "https://") == ms.v[0].evidence, "%s", ms.v[0].evidence);
	ck_assert_msg(strstr(ms.v[0].note, "2018-02-06") && strstr(ms.v[0].note, "2022-11-24") &&
			      strstr(ms.v[0].note, "installed 2022-11-23"),
		      "%s", ms.v[0].note);
	rw_asset_matches_release(&ms);
	/* The day the sale completed is outside the window (until is exclusive). */
	a.installed = (char *)(uintptr_t)"2022-11-24";
	ck_assert_int_eq(rw_asset_match_vendors(&ctx, matcher, &a, "2026-11-29", &ms), 0);
	ck_assert_uint_eq(ms.n, 0);
	rw_asset_matches_release(&ms);
	/* A partial date is a period, taken widely: a Lorex camera installed in "2018" may be from
	   after 2018-02-06. */
	a.manufacturer = (char *)(uintptr_t)"Lorex Technology UK Limited";
	a.installed = (char *)(uintptr_t)"2018";
	ck_assert_int_eq(rw_asset_match_vendors(&ctx, matcher, &a, "2026-11-29", &ms), 0);
	ck_assert_uint_eq(ms.n, 1);
	rw_asset_matches_release(&ms);
}
END_TEST

START_TEST(normalised_names_and_accents)
{
	char *s;

	s = rw_name_fold_accents("Soci\xC3\xA9t\xC3\xA9 G\xC3\xA9n\xC3\xA9rale \xC3\x86r\xC3\xB8 Stra\xC3\x9F" "e \xC5\x81\xC3\xB3\xC5\xBA");
	ck_assert_str_eq(s, "Societe Generale AEro Strasse Loz");
	free(s);
	s = rw_name_fold_accents("\xE6\xB5\xB7\xE5\xBA\xB7 100\xC2\xB0");
	ck_assert_str_eq(s, "\xE6\xB5\xB7\xE5\xBA\xB7 100\xC2\xB0");
	free(s);
}
END_TEST

START_TEST(purposes_and_use_limits)
{
	ck_assert_int_eq(rw_purpose_in_scope("public-safety"), 1);
	ck_assert_int_eq(rw_purpose_in_scope("Critical Infrastructure"), 1);
	ck_assert_int_eq(rw_purpose_in_scope("critical_infrastructure; water treatment"), 1);
	ck_assert_int_eq(rw_purpose_in_scope("Security of government facilities"), 1);
	ck_assert_int_eq(rw_purpose_in_scope("police custody suite"), 1);
	ck_assert_int_eq(rw_purpose_in_scope("retail"), 0);
	ck_assert_int_eq(rw_purpose_in_scope("car park"), 0);
	ck_assert_int_eq(rw_purpose_in_scope(""), -1);
	ck_assert_int_eq(rw_purpose_in_scope("Unknown"), -1);
	ck_assert_int_eq(rw_purpose_in_scope("n/a"), -1);
	ck_assert_int_eq(rw_scope_is_limited("video surveillance and telecommunications equipment to the extent used "
					     "for public safety"), 1);
	ck_assert_int_eq(rw_scope_is_limited("no new equipment authorizations, for the listed purposes only"), 1);
	ck_assert_int_eq(rw_scope_is_limited("ban on contracting with entities that use covered equipment"), 0);
	ck_assert_int_eq(rw_scope_is_limited(""), 0);
}
END_TEST

/* ---- Statuses reaching assets, over a real database ---- */

static char *dir;

static void db_setup(void)
{
	setup();
	dir = rw_test_tmpdir();
}

static void db_teardown(void)
{
	teardown();
	rw_test_rmtree(dir);
	free(dir);
}

static void line(rw_state *st, const char *source, const char *regime, const char *ref, const char *vendor,
		 const char *status, const char *since, const char *until, const char *note)
{
	const char *f[RW_L_NCOLS] = {source, regime, ref, vendor, ref, status, since, until,
				     "https://example.test/evidence", note};

	ck_assert_int_eq(rw_table_add(&st->lines, f), 0);
	rw_table_sort(&st->lines);
}

static const char LIMITED[] = "video surveillance and telecommunications equipment to the extent used for public "
			      "safety, security of government facilities, physical security surveillance of critical "
			      "infrastructure and other national security purposes";

/* A database with the FCC Covered List for Hikvision (baseline wording and a live row without
   it) and Huawei (not limited), and the Entity List for Huawei (no affiliates). */
static rw_db *make_db(void)
{
	rw_regime g[2];
	rw_regimes regimes;
	rw_state st;
	rw_apply a;
	rw_db *db = NULL;
	char *path = rw_asprintf("%s/regwatch.db", dir);
	long run;

	memset(g, 0, sizeof(g));
	g[0].id = (char *)(uintptr_t)"us.fcc-covered-list";
	g[0].jurisdiction = (char *)(uintptr_t)"US";
	g[0].title = (char *)(uintptr_t)"FCC Covered List";
	g[0].covers_affiliates = 1;
	g[1].id = (char *)(uintptr_t)"us.entity-list";
	g[1].jurisdiction = (char *)(uintptr_t)"US";
	g[1].title = (char *)(uintptr_t)"Entity List";
	memset(&regimes, 0, sizeof(regimes));
	regimes.regimes = g;
	regimes.nregimes = 2;
	rw_state_init(&st);
	line(&st, "baseline", "us.fcc-covered-list", "fcc-hikvision", "hikvision", "listed", "2021-03-12", "", LIMITED);
	line(&st, "fcc-covered-list", "us.fcc-covered-list", "hangzhou hikvision digital technology", "hikvision",
	     "listed", "2021-03-12", "", "");
	line(&st, "baseline", "us.fcc-covered-list", "fcc-huawei", "huawei", "listed", "2021-03-12", "",
	     "telecommunications equipment");
	line(&st, "baseline", "us.entity-list", "el-huawei", "huawei", "listed", "2019-05-16", "", "");
	ck_assert_int_eq(rw_db_open(&ctx, &db, path, RW_DB_WRITE), 0);
	memset(&a, 0, sizeof(a));
	a.oid = "0123456789012345678901234567890123456789";
	ck_assert_int_eq(rw_instant_parse("2021-03-20T02:00:00Z", &a.recorded_at), 0);
	a.message = "test";
	a.state = &st;
	a.dict = &dict;
	a.regimes = &regimes;
	ck_assert_msg(rw_db_apply(&ctx, db, &a, &run) == 0, "%s", rw_errmsg(&ctx));
	rw_db_close(db);
	db = NULL;
	ck_assert_int_eq(rw_db_open(&ctx, &db, path, RW_DB_READ), 0);
	rw_state_release(&st);
	free(path);
	return db;
}

/* The reached statuses of an asset as "regime:status:flags" strings, for comparison. */
static char *reached(rw_reach *r, const char *manufacturer, const char *chipset, const char *purpose)
{
	struct spelling s = {manufacturer, "", "", chipset, "", "2026-11-29", NULL, NULL, 0};
	rw_asset a = asset_of(&s);
	rw_asset_reach ar;
	rw_buf b = RW_BUF_INIT;
	size_t i;

	a.purpose = (char *)(uintptr_t)purpose;
	ck_assert_msg(rw_reach_asset(&ctx, r, &a, "2026-11-29", (time_t)-1, &ar) == 0, "%s", rw_errmsg(&ctx));
	for (i = 0; i < ar.n; i++)
		rw_buf_printf(&b, "%s%s:%s:%s%s%s", i ? " " : "", ar.v[i].status->f[RW_Q_REGIME],
			      ar.v[i].status->f[RW_Q_STATUS], ar.matches.v[ar.v[i].match].vendor,
			      ar.v[i].conditional ? ":if-used" : "", ar.v[i].excluded ? ":excluded" : "");
	rw_asset_reach_release(&ar);
	return rw_buf_detach(&b, NULL);
}

START_TEST(purpose_decides_use_limited_statuses)
{
	rw_db *db = make_db();
	rw_reach *r = NULL;
	char *got;

	ck_assert_int_eq(rw_reach_new(&ctx, &r, db, &dict), 0);
	/* The live row carries no wording: the baseline's says the listing is limited to uses. */
	got = reached(r, "Hikvision", "", "");
	ck_assert_str_eq(got, "us.fcc-covered-list:listed:hikvision:if-used");
	free(got);
	got = reached(r, "Hikvision", "", "critical-infrastructure");
	ck_assert_str_eq(got, "us.fcc-covered-list:listed:hikvision");
	free(got);
	got = reached(r, "Hikvision", "", "retail");
	ck_assert_str_eq(got, "us.fcc-covered-list:listed:hikvision:excluded");
	free(got);
	/* Huawei's listing is not limited to uses: a retail camera is covered all the same. */
	got = reached(r, "Huawei", "", "retail");
	ck_assert_str_eq(got, "us.entity-list:listed:huawei us.fcc-covered-list:listed:huawei");
	free(got);
	/* A HiSilicon chip inherits Huawei's FCC listing (a regime covering affiliates), not its
	   Entity List entry. */
	got = reached(r, "Uniview", "Hi3516CV300", "");
	ck_assert_str_eq(got, "us.fcc-covered-list:listed:hisilicon");
	free(got);
	/* Huawei as maker and a HiSilicon chip: the inherited listing is reported once. */
	got = reached(r, "Huawei", "Hi3516CV300", "");
	ck_assert_str_eq(got, "us.entity-list:listed:huawei us.fcc-covered-list:listed:huawei");
	free(got);
	got = reached(r, "Axis", "Ambarella S5L", "");
	ck_assert_str_eq(got, "");
	free(got);
	rw_reach_free(r);
	rw_db_close(db);
}
END_TEST

static Suite *matching_suite(void)
{
	Suite *s = suite_create("matching");
	TCase *tc = tcase_create("names");
	TCase *db = tcase_create("reach");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, real_world_spellings);
	tcase_add_test(tc, several_vendors_strongest_first);
	tcase_add_test(tc, links_carry_their_evidence_and_window);
	tcase_add_test(tc, normalised_names_and_accents);
	tcase_add_test(tc, purposes_and_use_limits);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(db, db_setup, db_teardown);
	tcase_add_test(db, purpose_decides_use_limited_statuses);
	suite_add_tcase(s, db);
	return s;
}

int main(void)
{
	return rw_test_run(matching_suite());
}
