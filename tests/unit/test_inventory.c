/* Reading inventories: header in any order and case, extra columns kept, bad rows reported
   with their line and skipped, legacy (Windows-1252) exports, files that are not inventories. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "regwatch/inventory.h"
#include "regwatch/utf8.h"

static rw_ctx ctx;
static rw_inventory inv;

static void setup(void)
{
	rw_ctx_init(&ctx, 0);
	rw_inventory_init(&inv);
}

static void teardown(void)
{
	rw_inventory_release(&inv);
}

static void load(const char *name)
{
	char *path = rw_asprintf("%s/inventory/%s", RW_TEST_DATA, name);

	ck_assert_msg(rw_inventory_load(&ctx, &inv, path) == 0, "%s", rw_errmsg(&ctx));
	free(path);
}

static const rw_asset *find(const char *id)
{
	size_t i;

	for (i = 0; i < inv.n; i++)
		if (strcmp(inv.v[i].asset_id, id) == 0)
			return &inv.v[i];
	ck_abort_msg("no asset '%s'", id);
	return NULL;
}

START_TEST(columns_by_name_in_any_order)
{
	const rw_asset *a;

	load("assets.csv");
	ck_assert_uint_eq(inv.n, 6);
	ck_assert_uint_eq(inv.skipped, 0);
	ck_assert_uint_eq(inv.problems.n, 0);
	/* Qty is not a column regwatch knows: kept, like Cost Centre. */
	ck_assert_uint_eq(inv.extra_names.n, 2);
	ck_assert_str_eq(inv.extra_names.v[0], "Qty");
	ck_assert_str_eq(inv.extra_names.v[1], "Cost Centre");
	a = find("CAM-0042");
	ck_assert_int_eq(a->line, 2);
	ck_assert_str_eq(a->site, "Town Hall");
	ck_assert_str_eq(a->manufacturer, "Hikvision");
	ck_assert_str_eq(a->model, "DS-2CD2143G2-I");
	ck_assert_int_eq(a->quantity, 4);
	ck_assert_str_eq(a->installed, "2021-05-01");
	ck_assert_str_eq(a->purpose, "public-safety");
	ck_assert_str_eq(a->notes, "entrance, east side");
	ck_assert_str_eq(a->extra.v[1], "CC-100");
	a = find("CAM-0044");
	ck_assert_str_eq(a->chipset, "HiSilicon Hi3516CV300");
	ck_assert_str_eq(a->installed, "2019");
	/* A note over two lines: the next row's line number is still right. */
	a = find("CAM-0045");
	ck_assert_str_eq(a->brand, "HiLook");
	ck_assert_str_eq(a->installed, "2022-06");
	ck_assert_str_eq(a->notes, "bought through a distributor;\r\nsecond line of the note");
	a = find("CAM-0046");
	ck_assert_int_eq(a->line, 7);
	ck_assert_str_eq(a->site, "Library, Central");
	ck_assert_str_eq(a->installed, "2019-06-03");
	a = find("CAM-0047");
	ck_assert_str_eq(a->manufacturer, "Dahua Technology Co.,Ltd");
	ck_assert_int_eq(a->quantity, 1);
	ck_assert_str_eq(a->notes, "quoted \"nickname\" here");
	ck_assert_str_eq(a->extra.v[1], "");
}
END_TEST

START_TEST(bad_rows_are_reported_and_skipped)
{
	static const char *const expected[] = {
		"bad-rows.csv:3: quantity 'four' is not a whole number from 0 to 1000000000",
		"bad-rows.csv:4: no asset_id",
		"bad-rows.csv:7: installed '2021-02-30' is not a date (YYYY-MM-DD)",
		"bad-rows.csv:8: asset_id 'CAM-1' is already on line 2",
		"bad-rows.csv:9: 5 fields, the header has 6",
		"bad-rows.csv:10: ",
		"bad-rows.csv:11: quantity '-2' is not a whole number from 0 to 1000000000",
	};
	size_t i;
	char *p;

	load("bad-rows.csv");
	ck_assert_uint_eq(inv.n, 3);
	ck_assert_str_eq(inv.v[0].asset_id, "CAM-1");
	ck_assert_str_eq(inv.v[1].asset_id, "CAM-3");
	ck_assert_str_eq(inv.v[1].model, "IPC-HFW2439SP-SA-LED-S2\nsecond line");
	ck_assert_str_eq(inv.v[2].asset_id, "CAM-8");
	ck_assert_int_eq(inv.v[2].quantity, 12);
	ck_assert_int_eq(inv.v[2].line, 12);
	ck_assert_uint_eq(inv.skipped, 7);
	ck_assert_uint_eq(inv.problems.n, 7);
	for (i = 0; i < 7; i++) {
		p = strstr(inv.problems.v[i], "bad-rows.csv:");
		ck_assert_ptr_nonnull(p);
		ck_assert_msg(strncmp(p, expected[i], strlen(expected[i])) == 0,
			      "problem %zu: '%s', expected '%s'", i, inv.problems.v[i], expected[i]);
	}
	/* The CSV reader's own reason, without its "line N" (the message names the line already). */
	ck_assert_msg(strstr(inv.problems.v[5], "quote") != NULL, "%s", inv.problems.v[5]);
	ck_assert_msg(strstr(inv.problems.v[5], "line 10") == NULL, "%s", inv.problems.v[5]);
}
END_TEST

START_TEST(latin1_export_is_read)
{
	load("latin1.csv");
	ck_assert_uint_eq(inv.n, 2);
	ck_assert_str_eq(inv.v[0].manufacturer, "Hikvisi\xC3\xB3n");
	ck_assert_str_eq(inv.v[0].site, "M\xC3\xBCnchen");
	ck_assert_str_eq(inv.v[1].site, "Z\xC3\xBCrich");
	/* One warning, at the first row that needed it. */
	ck_assert_uint_eq(inv.problems.n, 1);
	ck_assert_ptr_nonnull(strstr(inv.problems.v[0], "/latin1.csv:2: warning: text is not UTF-8, read as Windows-1252"));
	ck_assert_uint_eq(inv.skipped, 0);
}
END_TEST

/* Excel's "CSV" export: Windows-1252, with curly apostrophes and en dashes. */
START_TEST(windows_1252_export_is_read)
{
	const rw_asset *a;
	size_t i, k;

	load("cp1252.csv");
	ck_assert_uint_eq(inv.n, 3);
	ck_assert_uint_eq(inv.skipped, 1);
	/* 0x92 is U+2019, 0x96 is U+2013: not the C1 controls U+0092 and U+0096. */
	a = find("CAM-2");
	ck_assert_str_eq(a->site, "Council\xE2\x80\x99s Depot \xE2\x80\x93 North");
	/* 0xE9 is é; 0x80, a lone continuation byte in UTF-8, is the euro sign. */
	ck_assert_str_eq(a->notes, "caf\xC3\xA9 \xE2\x82\xAC 5");
	/* Other lone continuation bytes are their Windows-1252 characters; 0x81, which
	   Windows-1252 leaves undefined, is U+FFFD. */
	a = find("CAM-3");
	ck_assert_str_eq(a->notes, "\xC2\xBF\xC2\xA9 \xEF\xBF\xBD");
	ck_assert_str_eq(find("CAM-1")->site, "Town Hall");
	/* Problems in file order: the bad row on line 3, then the warning at line 4, where the
	   first byte that is not UTF-8 is. */
	ck_assert_uint_eq(inv.problems.n, 2);
	ck_assert_ptr_nonnull(strstr(inv.problems.v[0], "/cp1252.csv:3: no asset_id"));
	ck_assert_ptr_nonnull(strstr(inv.problems.v[1], "/cp1252.csv:4: warning: text is not UTF-8, read as Windows-1252"));
	/* Every string read is valid UTF-8 without C1 controls. */
	for (i = 0; i < inv.n; i++) {
		const char *f[] = {inv.v[i].asset_id, inv.v[i].site, inv.v[i].manufacturer, inv.v[i].notes};

		for (k = 0; k < sizeof(f) / sizeof(f[0]); k++) {
			ck_assert(rw_utf8_valid(f[k], strlen(f[k])));
			ck_assert_ptr_null(strstr(f[k], "\xC2\x92"));
			ck_assert_ptr_null(strstr(f[k], "\xC2\x96"));
		}
	}
}
END_TEST

/* A file that is UTF-8 is taken as it is, typographic quotes and a byte order mark included. */
START_TEST(utf8_is_taken_as_is)
{
	static const char text[] = "\xEF\xBB\xBF" "asset_id,site\n A ,\t Council\xE2\x80\x99s Depot \xE2\x80\x93 North  \n";

	ck_assert_int_eq(rw_inventory_parse(&ctx, &inv, "u.csv", text, sizeof(text) - 1), 0);
	ck_assert_uint_eq(inv.n, 1);
	ck_assert_uint_eq(inv.problems.n, 0);
	/* Blanks around a value are not part of it. */
	ck_assert_str_eq(inv.v[0].asset_id, "A");
	ck_assert_str_eq(inv.v[0].site, "Council\xE2\x80\x99s Depot \xE2\x80\x93 North");
}
END_TEST

/* A byte order mark before text that is not UTF-8 is dropped, not read as "ï»¿". */
START_TEST(bom_before_legacy_text)
{
	static const char text[] = "\xEF\xBB\xBF" "asset_id,site\nA,M\xFCnchen\n";

	ck_assert_int_eq(rw_inventory_parse(&ctx, &inv, "b.csv", text, sizeof(text) - 1), 0);
	ck_assert_uint_eq(inv.n, 1);
	ck_assert_str_eq(inv.v[0].asset_id, "A");
	ck_assert_str_eq(inv.v[0].site, "M\xC3\xBCnchen");
	ck_assert_uint_eq(inv.problems.n, 1);
	ck_assert_str_eq(inv.problems.v[0], "b.csv:2: warning: text is not UTF-8, read as Windows-1252");
}
END_TEST

START_TEST(files_that_are_not_inventories)
{
	char *path = rw_asprintf("%s/inventory/no-asset-id.csv", RW_TEST_DATA);
	int rc;

	rc = rw_inventory_load(&ctx, &inv, path);
	ck_assert_int_eq(rc, RW_EDATA);
	ck_assert_msg(strstr(rw_errmsg(&ctx), "no-asset-id.csv:1: no 'asset_id' column") != NULL, "%s",
		      rw_errmsg(&ctx));
	free(path);
	rw_inventory_release(&inv);
	rw_inventory_init(&inv);
	rc = rw_inventory_parse(&ctx, &inv, "empty.csv", "", 0);
	ck_assert_int_eq(rc, RW_EDATA);
	ck_assert_str_eq(rw_errmsg(&ctx), "empty.csv: empty: an inventory needs a header row with 'asset_id'");
	rw_inventory_release(&inv);
	rw_inventory_init(&inv);
	rc = rw_inventory_parse(&ctx, &inv, "twice.csv", "asset_id,Site,SITE\nA,x,y\n", 24);
	ck_assert_int_eq(rc, RW_EDATA);
	ck_assert_str_eq(rw_errmsg(&ctx), "twice.csv:1: column 'site' appears twice");
	rw_inventory_release(&inv);
	rw_inventory_init(&inv);
	rc = rw_inventory_load(&ctx, &inv, "/nonexistent/assets.csv");
	ck_assert_int_eq(rc, RW_EIO);
	ck_assert_msg(strstr(rw_errmsg(&ctx), "/nonexistent/assets.csv") != NULL, "%s", rw_errmsg(&ctx));
}
END_TEST

START_TEST(defaults_and_bounds)
{
	static const char text[] = "asset_id,quantity\nA,\nB,0\nC,1000000000\nD,1000000001\nE,+3\nF,1e3\n";

	ck_assert_int_eq(rw_inventory_parse(&ctx, &inv, "q.csv", text, sizeof(text) - 1), 0);
	ck_assert_uint_eq(inv.n, 3);
	ck_assert_int_eq(inv.v[0].quantity, 1);
	ck_assert_int_eq(inv.v[1].quantity, 0);
	ck_assert_int_eq(inv.v[2].quantity, 1000000000L);
	ck_assert_uint_eq(inv.skipped, 3);
	ck_assert_str_eq(inv.problems.v[0], "q.csv:5: quantity '1000000001' is not a whole number from 0 to 1000000000");
	/* Absent columns read as empty. */
	ck_assert_str_eq(inv.v[0].site, "");
	ck_assert_str_eq(inv.v[0].installed, "");
}
END_TEST

static Suite *inventory_suite(void)
{
	Suite *s = suite_create("inventory");
	TCase *tc = tcase_create("read");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, columns_by_name_in_any_order);
	tcase_add_test(tc, bad_rows_are_reported_and_skipped);
	tcase_add_test(tc, latin1_export_is_read);
	tcase_add_test(tc, windows_1252_export_is_read);
	tcase_add_test(tc, utf8_is_taken_as_is);
	tcase_add_test(tc, bom_before_legacy_text);
	tcase_add_test(tc, files_that_are_not_inventories);
	tcase_add_test(tc, defaults_and_bounds);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rw_test_run(inventory_suite());
}
