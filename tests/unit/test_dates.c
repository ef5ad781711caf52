/* Dates: the forms the sources write, and impossible dates. */
#include <string.h>

#include "testutil.h"
#include "regwatch/dates.h"

START_TEST(fcc_long_dates)
{
	char d[RW_DATE_LEN];

	ck_assert_int_eq(rw_date_parse_long("March 12, 2021", d), 0);
	ck_assert_str_eq(d, "2021-03-12");
	ck_assert_int_eq(rw_date_parse_long("  September 20, 2022 ", d), 0);
	ck_assert_str_eq(d, "2022-09-20");
	ck_assert_int_eq(rw_date_parse_long("Sept. 20, 2022", d), 0);
	ck_assert_str_eq(d, "2022-09-20");
	ck_assert_int_eq(rw_date_parse_long("February 29, 2023", d), RW_EDATA);
	ck_assert_int_eq(rw_date_parse_long("February 29, 2024", d), 0);
	ck_assert_int_eq(rw_date_parse_long("Smarch 12, 2021", d), RW_EDATA);
	ck_assert_int_eq(rw_date_parse_long("March 32, 2021", d), RW_EDATA);
	ck_assert_int_eq(rw_date_parse_long("March 12, 2021x", d), RW_EDATA);
}
END_TEST

START_TEST(find_date_in_text)
{
	char d[RW_DATE_LEN];
	size_t end = 0;
	const char *t = "Updated: January 7, 2026 and March 18, 2026";

	ck_assert_int_eq(rw_date_find_long(t, d, &end), 0);
	ck_assert_str_eq(d, "2026-01-07");
	ck_assert_int_eq(rw_date_find_long(t + end, d, &end), 0);
	ck_assert_str_eq(d, "2026-03-18");
	ck_assert_int_eq(rw_date_find_long("no date here, May be", d, NULL), RW_EDATA);
}
END_TEST

START_TEST(iso_and_dmy)
{
	char d[RW_DATE_LEN];

	ck_assert_int_eq(rw_date_parse_iso("2019-05-16", d), 0);
	ck_assert_str_eq(d, "2019-05-16");
	ck_assert_int_eq(rw_date_parse_iso("2019-13-16", d), RW_EDATA);
	ck_assert_int_eq(rw_date_parse_iso("2019-02-30", d), RW_EDATA);
	ck_assert_int_eq(rw_date_parse_iso("2019-5-16", d), RW_EDATA);
	ck_assert_int_eq(rw_date_valid("2021-03-12"), 1);
	ck_assert_int_eq(rw_date_valid("2021-03-12T00:00:00Z"), 0);
	ck_assert_int_eq(rw_date_parse_dmy("03 Jun 2021", d), 0);
	ck_assert_str_eq(d, "2021-06-03");
	ck_assert_int_eq(rw_date_parse_dmy("2 Aug 2021", d), 0);
	ck_assert_str_eq(d, "2021-08-02");
	ck_assert_int_eq(rw_date_parse_dmy("31 Jun 2021", d), RW_EDATA);
}
END_TEST

START_TEST(instants)
{
	char s[RW_INSTANT_LEN], d[RW_DATE_LEN];
	time_t t;

	ck_assert_int_eq(rw_instant_parse("2026-11-29T02:00:00Z", &t), 0);
	rw_instant_format(t, s);
	ck_assert_str_eq(s, "2026-11-29T02:00:00Z");
	ck_assert_int_eq(rw_instant_parse("2026-11-29T03:30:00+01:30", &t), 0);
	rw_instant_format(t, s);
	ck_assert_str_eq(s, "2026-11-29T02:00:00Z");
	ck_assert_int_eq(rw_instant_parse("Fri, 12 Mar 2021 15:04:05 -0500", &t), 0);
	rw_instant_format(t, s);
	ck_assert_str_eq(s, "2021-03-12T20:04:05Z");
	ck_assert_int_eq(rw_instant_parse("Sat, 13 Mar 2021 01:00:00 GMT", &t), 0);
	rw_date_from_time(t, d);
	ck_assert_str_eq(d, "2021-03-13");
	ck_assert_int_eq(rw_instant_parse("yesterday", &t), RW_EDATA);
	ck_assert_int_eq(rw_date_parse_any("Tue, 06 Feb 2023 05:00:00 EST", d), 0);
	ck_assert_str_eq(d, "2023-02-06");
	ck_assert_int_eq(rw_when_parse("2021-03-11", &t), 0);
	rw_instant_format(t, s);
	ck_assert_str_eq(s, "2021-03-11T23:59:59Z");
	ck_assert_int_eq(rw_date_days("1970-01-02"), 1);
	ck_assert_int_eq(rw_date_days("2000-03-01") - rw_date_days("2000-02-28"), 2);
}
END_TEST

START_TEST(numeric_offsets_in_range)
{
	char s[RW_INSTANT_LEN];
	time_t t;

	ck_assert_int_eq(rw_instant_parse("Fri, 12 Mar 2021 15:04:05 +1400", &t), 0);
	rw_instant_format(t, s);
	ck_assert_str_eq(s, "2021-03-12T01:04:05Z");
	ck_assert_int_eq(rw_instant_parse("Fri, 12 Mar 2021 15:04:05 +0545", &t), 0);
	rw_instant_format(t, s);
	ck_assert_str_eq(s, "2021-03-12T09:19:05Z");
	ck_assert_int_eq(rw_instant_parse("Fri, 12 Mar 2021 15:04:05 +9999", &t), RW_EDATA);
	ck_assert_int_eq(rw_instant_parse("Fri, 12 Mar 2021 15:04:05 +0099", &t), RW_EDATA);
	ck_assert_int_eq(rw_instant_parse("Fri, 12 Mar 2021 15:04:05 -0060", &t), RW_EDATA);
	ck_assert_int_eq(rw_instant_parse("Fri, 12 Mar 2021 15:04:05 +1500", &t), RW_EDATA);
	ck_assert_int_eq(rw_instant_parse("2026-11-29T03:30:00+23:00", &t), RW_EDATA);
	ck_assert_int_eq(rw_instant_parse("2026-11-29T03:30:00-01:60", &t), RW_EDATA);
}
END_TEST

static Suite *dates_suite(void)
{
	Suite *s = suite_create("dates");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, fcc_long_dates);
	tcase_add_test(tc, find_date_in_text);
	tcase_add_test(tc, iso_and_dmy);
	tcase_add_test(tc, instants);
	tcase_add_test(tc, numeric_offsets_in_range);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rw_test_run(dates_suite());
}
