/* Names, the matcher, and how snapshots become intervals: added, ended, reopened, quarantined. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "regwatch/normalise.h"

static void check_norm(const char *in, const char *want)
{
	char *got = rw_name_normalise(in);

	ck_assert_msg(got && strcmp(got, want) == 0, "'%s' -> '%s', want '%s'", in, got ? got : "(null)", want);
	free(got);
}

START_TEST(names_normalise)
{
	check_norm("Hangzhou Hikvision Digital Technology Co., Ltd.", "hangzhou hikvision digital technology");
	check_norm("Hangzhou Hikvision Digital Technology Company", "hangzhou hikvision digital technology");
	check_norm("HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.", "hangzhou hikvision digital technology");
	check_norm("ZTE Corporation", "zte");
	check_norm("Kaspersky Lab, Inc.", "kaspersky lab");
	check_norm("China Telecom (Americas) Corp.", "china telecom americas");
	check_norm("  Dahua\u00a0Technology   Company ", "dahua technology");
	check_norm("", "");
}
END_TEST

START_TEST(mentions_whole_words)
{
	ck_assert(rw_text_mentions("FCC adds ZTE to the list", "ZTE"));
	ck_assert(!rw_text_mentions("The AZTEC calendar", "ZTE"));
	ck_assert(rw_text_mentions("Hikvision's cameras", "Hikvision"));
	ck_assert(!rw_text_mentions("Dahuang Foods", "Dahua"));
	ck_assert(rw_text_mentions("equipment by Huawei Technologies Co., Ltd.", "Huawei Technologies"));
	ck_assert(!rw_text_mentions("anything", "zt"));
}
END_TEST

static void dict_init(rw_dict *d)
{
	static rw_vendor v[2];

	memset(v, 0, sizeof(v));
	memset(d, 0, sizeof(*d));
	v[0].id = (char *)(uintptr_t)"huawei";
	v[0].name = (char *)(uintptr_t)"Huawei Technologies Co., Ltd.";
	rw_strvec_push(&v[0].names, "Huawei Technologies Company");
	rw_strvec_push(&v[0].aliases, "Huawei");
	rw_strvec_push(&v[0].affiliates, "Huawei Device Co., Ltd.");
	v[1].id = (char *)(uintptr_t)"zte";
	v[1].name = (char *)(uintptr_t)"ZTE Corporation";
	rw_strvec_push(&v[1].aliases, "ZTE");
	d->vendors = v;
	d->n = 2;
}

static void dict_done(rw_dict *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		rw_strvec_release(&d->vendors[i].names);
		rw_strvec_release(&d->vendors[i].aliases);
		rw_strvec_release(&d->vendors[i].affiliates);
	}
}

START_TEST(matcher_finds_vendors)
{
	rw_ctx ctx;
	rw_dict d;
	rw_matcher *m = NULL;
	rw_strvec ids = RW_STRVEC_INIT;

	rw_ctx_init(&ctx, 0);
	dict_init(&d);
	ck_assert_int_eq(rw_matcher_new(&ctx, &m, &d), 0);
	ck_assert_str_eq(rw_match_entity(m, "HUAWEI TECHNOLOGIES CO., LTD."), "huawei");
	ck_assert_str_eq(rw_match_entity(m, "Huawei Technologies Co., Ltd. (Huawei)"), "huawei");
	ck_assert_str_eq(rw_match_entity(m, "Huawei Device Co., Ltd."), "huawei");
	ck_assert_str_eq(rw_match_entity(m, "ZTE Corporation; and any successor, sub-unit, or subsidiary thereof"), "zte");
	ck_assert_ptr_null(rw_match_entity(m, "Huawei Marine Networks Co., Ltd."));
	ck_assert_ptr_null(rw_match_entity(m, "AO Kaspersky Lab"));
	ck_assert_int_eq(rw_match_mentions(m, "FCC names Huawei and ZTE; AZTEC untouched", &ids), 0);
	ck_assert_uint_eq(ids.n, 2);
	ck_assert_str_eq(ids.v[0], "huawei");
	ck_assert_str_eq(ids.v[1], "zte");
	rw_strvec_release(&ids);
	rw_matcher_free(m);
	dict_done(&d);
}
END_TEST

/* A source and records for the snapshot tests. */
static rw_source src_fcc(void)
{
	rw_source s;

	memset(&s, 0, sizeof(s));
	s.name = (char *)(uintptr_t)"fcc-covered-list";
	s.url = (char *)(uintptr_t)"https://www.fcc.gov/supplychain/coveredlist";
	s.format = (char *)(uintptr_t)"html-table";
	s.regime = (char *)(uintptr_t)"us.fcc-covered-list";
	s.status = (char *)(uintptr_t)"listed";
	s.max_drop = 0.5;
	return s;
}

static void add_entity(rw_records *rs, const char *name, const char *date)
{
	rw_ctx ctx;
	rw_record *r;

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(rw_records_add(&ctx, rs, "test", &r), 0);
	r->kind = RW_REC_ENTITY;
	r->entity = rw_strdup(name);
	r->date = rw_strdup(date);
}

static long find_line(const rw_state *st, const char *entity, const char *until)
{
	size_t i;

	for (i = 0; i < st->lines.n; i++)
		if (strcmp(st->lines.v[i].f[RW_L_ENTITY], entity) == 0 &&
		    strcmp(st->lines.v[i].f[RW_L_UNTIL], until) == 0)
			return (long)i;
	return -1;
}

START_TEST(snapshots_add_end_and_reopen)
{
	rw_ctx ctx;
	rw_dict d;
	rw_matcher *m = NULL;
	rw_source s = src_fcc();
	rw_records a = {0}, b = {0}, c = {0};
	rw_state st;
	rw_norm_result r;
	long i;

	rw_ctx_init(&ctx, 0);
	dict_init(&d);
	rw_state_init(&st);
	ck_assert_int_eq(rw_matcher_new(&ctx, &m, &d), 0);
	add_entity(&a, "Huawei Technologies Company", "2021-03-12");
	add_entity(&a, "ZTE Corporation", "2021-03-12");
	add_entity(&a, "AO Kaspersky Lab", "2022-03-25");
	ck_assert_int_eq(rw_normalise_list(&ctx, m, &s, &a, "2022-03-27", &st, &r), 0);
	ck_assert_int_eq(r.quarantine, 0);
	ck_assert_uint_eq(r.added, 3);
	ck_assert_uint_eq(st.lines.n, 3);
	i = find_line(&st, "AO Kaspersky Lab", "");
	ck_assert_int_ge(i, 0);
	ck_assert_str_eq(st.lines.v[i].f[RW_L_VENDOR], "");
	ck_assert_str_eq(st.lines.v[i].f[RW_L_SINCE], "2022-03-25");
	i = find_line(&st, "ZTE Corporation", "");
	ck_assert_str_eq(st.lines.v[i].f[RW_L_VENDOR], "zte");
	ck_assert_str_eq(st.lines.v[i].f[RW_L_EVIDENCE], "https://www.fcc.gov/supplychain/coveredlist");

	/* ZTE drops out: its interval ends on the day of the snapshot. */
	add_entity(&b, "Huawei Technologies Company", "2021-03-12");
	add_entity(&b, "AO Kaspersky Lab", "2022-03-25");
	ck_assert_int_eq(rw_normalise_list(&ctx, m, &s, &b, "2023-01-10", &st, &r), 0);
	ck_assert_uint_eq(r.ended, 1);
	ck_assert_uint_eq(r.added, 0);
	ck_assert_int_ge(find_line(&st, "ZTE Corporation", "2023-01-10"), 0);
	ck_assert_int_lt(find_line(&st, "ZTE Corporation", ""), 0);

	/* Listed again with a new date: a new interval; the ended one stays. */
	add_entity(&c, "Huawei Technologies Company", "2021-03-12");
	add_entity(&c, "AO Kaspersky Lab", "2022-03-25");
	add_entity(&c, "ZTE Corporation", "2024-05-01");
	ck_assert_int_eq(rw_normalise_list(&ctx, m, &s, &c, "2024-05-02", &st, &r), 0);
	ck_assert_uint_eq(r.added, 1);
	ck_assert_int_ge(find_line(&st, "ZTE Corporation", "2023-01-10"), 0);
	i = find_line(&st, "ZTE Corporation", "");
	ck_assert_int_ge(i, 0);
	ck_assert_str_eq(st.lines.v[i].f[RW_L_SINCE], "2024-05-01");
	ck_assert_uint_eq(st.lines.n, 4);

	rw_records_release(&a);
	rw_records_release(&b);
	rw_records_release(&c);
	rw_state_release(&st);
	rw_matcher_free(m);
	dict_done(&d);
}
END_TEST

/* The absence row of an entity's interval, or NULL. */
static const rw_row *absence(const rw_state *st, const char *entity)
{
	char *ref = rw_name_normalise(entity);
	const rw_row *x = NULL;
	size_t i;

	for (i = 0; i < st->absent.n; i++)
		if (strcmp(st->absent.v[i].f[RW_X_REF], ref) == 0)
			x = &st->absent.v[i];
	free(ref);
	return x;
}

START_TEST(drops_are_confirmed_after_remove_after_days)
{
	rw_ctx ctx;
	rw_dict d;
	rw_matcher *m = NULL;
	rw_source s = src_fcc();
	rw_records full = {0}, less = {0};
	rw_state st;
	rw_norm_result r;
	const rw_row *x;

	rw_ctx_init(&ctx, 0);
	dict_init(&d);
	rw_state_init(&st);
	s.remove_after = 3;
	ck_assert_int_eq(rw_matcher_new(&ctx, &m, &d), 0);
	add_entity(&full, "Huawei Technologies Company", "2021-03-12");
	add_entity(&full, "ZTE Corporation", "2021-03-12");
	add_entity(&full, "AO Kaspersky Lab", "2022-03-25");
	add_entity(&less, "Huawei Technologies Company", "2021-03-12");
	add_entity(&less, "AO Kaspersky Lab", "2022-03-25");
	ck_assert_int_eq(rw_normalise_list(&ctx, m, &s, &full, "2026-12-01", &st, &r), 0);

	/* First absence: the interval stays open, counted once. */
	ck_assert_int_eq(rw_normalise_list(&ctx, m, &s, &less, "2026-12-02", &st, &r), 0);
	ck_assert_uint_eq(r.ended, 0);
	ck_assert_uint_eq(r.absent, 1);
	ck_assert_int_ge(find_line(&st, "ZTE Corporation", ""), 0);
	x = absence(&st, "ZTE Corporation");
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->f[RW_X_FIRST], "2026-12-02");
	ck_assert_str_eq(x->f[RW_X_COUNT], "1");
	/* The same day again (a second update) does not count twice. */
	ck_assert_int_eq(rw_normalise_unchanged(&ctx, &s, "2026-12-02", &st, &r), 0);
	ck_assert_str_eq(absence(&st, "ZTE Corporation")->f[RW_X_COUNT], "1");
	/* The next day, the same document (unchanged): two. */
	ck_assert_int_eq(rw_normalise_unchanged(&ctx, &s, "2026-12-03", &st, &r), 0);
	ck_assert_str_eq(absence(&st, "ZTE Corporation")->f[RW_X_COUNT], "2");
	ck_assert_int_ge(find_line(&st, "ZTE Corporation", ""), 0);
	/* A drop of an already absent entry does not count against maxDrop again. */
	s.max_drop = 0.2;
	/* Third: confirmed, ending on the first absence. */
	ck_assert_int_eq(rw_normalise_list(&ctx, m, &s, &less, "2026-12-04", &st, &r), 0);
	ck_assert_int_eq(r.quarantine, 0);
	ck_assert_uint_eq(r.ended, 1);
	ck_assert_int_lt(find_line(&st, "ZTE Corporation", ""), 0);
	ck_assert_int_ge(find_line(&st, "ZTE Corporation", "2026-12-02"), 0);
	ck_assert_ptr_null(absence(&st, "ZTE Corporation"));
	ck_assert_uint_eq(st.absent.n, 0);

	rw_records_release(&full);
	rw_records_release(&less);
	rw_state_release(&st);
	rw_matcher_free(m);
	dict_done(&d);
}
END_TEST

START_TEST(an_entry_back_before_confirmation_leaves_no_gap)
{
	rw_ctx ctx;
	rw_dict d;
	rw_matcher *m = NULL;
	rw_source s = src_fcc();
	rw_records full = {0}, less = {0};
	rw_state st;
	rw_norm_result r;
	rw_buf before = RW_BUF_INIT, after = RW_BUF_INIT;

	rw_ctx_init(&ctx, 0);
	dict_init(&d);
	rw_state_init(&st);
	s.remove_after = 3;
	ck_assert_int_eq(rw_matcher_new(&ctx, &m, &d), 0);
	add_entity(&full, "Huawei Technologies Company", "2021-03-12");
	add_entity(&full, "ZTE Corporation", "2021-03-12");
	add_entity(&full, "AO Kaspersky Lab", "2022-03-25");
	add_entity(&less, "Huawei Technologies Company", "2021-03-12");
	add_entity(&less, "AO Kaspersky Lab", "2022-03-25");
	ck_assert_int_eq(rw_normalise_list(&ctx, m, &s, &full, "2026-12-01", &st, &r), 0);
	rw_table_to_tsv(&st.lines, &before);
	ck_assert_int_eq(rw_normalise_list(&ctx, m, &s, &less, "2026-12-02", &st, &r), 0);
	ck_assert_int_eq(rw_normalise_unchanged(&ctx, &s, "2026-12-03", &st, &r), 0);
	ck_assert_uint_eq(st.absent.n, 1);
	ck_assert_int_eq(rw_normalise_list(&ctx, m, &s, &full, "2026-12-04", &st, &r), 0);
	ck_assert_uint_eq(r.added, 0);
	ck_assert_uint_eq(r.ended, 0);
	ck_assert_uint_eq(st.absent.n, 0);
	rw_table_to_tsv(&st.lines, &after);
	ck_assert_str_eq(rw_buf_cstr(&before), rw_buf_cstr(&after));

	rw_buf_release(&before);
	rw_buf_release(&after);
	rw_records_release(&full);
	rw_records_release(&less);
	rw_state_release(&st);
	rw_matcher_free(m);
	dict_done(&d);
}
END_TEST

START_TEST(suspicious_snapshots_are_quarantined)
{
	rw_ctx ctx;
	rw_dict d;
	rw_matcher *m = NULL;
	rw_source s = src_fcc();
	rw_records full = {0}, empty = {0}, one = {0}, damaged = {0};
	rw_state st;
	rw_norm_result r;
	rw_buf before = RW_BUF_INIT, after = RW_BUF_INIT;

	rw_ctx_init(&ctx, 0);
	dict_init(&d);
	rw_state_init(&st);
	ck_assert_int_eq(rw_matcher_new(&ctx, &m, &d), 0);
	add_entity(&full, "Huawei Technologies Company", "2021-03-12");
	add_entity(&full, "ZTE Corporation", "2021-03-12");
	add_entity(&full, "AO Kaspersky Lab", "2022-03-25");
	ck_assert_int_eq(rw_normalise_list(&ctx, m, &s, &full, "2022-03-27", &st, &r), 0);
	rw_table_to_tsv(&st.lines, &before);

	ck_assert_int_eq(rw_normalise_list(&ctx, m, &s, &empty, "2022-03-28", &st, &r), 0);
	ck_assert_int_eq(r.quarantine, 1);
	ck_assert_str_eq(r.reason, "snapshot has no list entries");

	add_entity(&one, "Huawei Technologies Company", "2021-03-12");
	ck_assert_int_eq(rw_normalise_list(&ctx, m, &s, &one, "2022-03-28", &st, &r), 0);
	ck_assert_int_eq(r.quarantine, 1);
	ck_assert_ptr_nonnull(strstr(r.reason, "drops 2 of 3"));

	add_entity(&damaged, "Huawei Technologies Company", "2021-03-12");
	add_entity(&damaged, "ZTE Corporation", "2021-03-12");
	add_entity(&damaged, "AO Kaspersky Lab", "2022-03-25");
	add_entity(&damaged, "China Mobile International USA Inc", "2022-03-25");
	damaged.degraded = 1;
	ck_assert_int_eq(rw_normalise_list(&ctx, m, &s, &damaged, "2022-03-28", &st, &r), 0);
	ck_assert_int_eq(r.quarantine, 1);

	/* With maxDrop 1, losing two of three is accepted. */
	s.max_drop = 1.0;
	ck_assert_int_eq(rw_normalise_list(&ctx, m, &s, &one, "2022-03-29", &st, &r), 0);
	ck_assert_int_eq(r.quarantine, 0);
	ck_assert_uint_eq(r.ended, 2);

	rw_table_to_tsv(&st.lines, &after);
	ck_assert_str_ne(rw_buf_cstr(&before), rw_buf_cstr(&after));
	rw_buf_release(&before);
	rw_buf_release(&after);
	rw_records_release(&full);
	rw_records_release(&empty);
	rw_records_release(&one);
	rw_records_release(&damaged);
	rw_state_release(&st);
	rw_matcher_free(m);
	dict_done(&d);
}
END_TEST

START_TEST(quarantine_leaves_state_untouched)
{
	rw_ctx ctx;
	rw_dict d;
	rw_matcher *m = NULL;
	rw_source s = src_fcc();
	rw_records full = {0}, empty = {0};
	rw_state st;
	rw_norm_result r;
	rw_buf before = RW_BUF_INIT, after = RW_BUF_INIT;

	rw_ctx_init(&ctx, 0);
	dict_init(&d);
	rw_state_init(&st);
	ck_assert_int_eq(rw_matcher_new(&ctx, &m, &d), 0);
	add_entity(&full, "Huawei Technologies Company", "2021-03-12");
	ck_assert_int_eq(rw_normalise_list(&ctx, m, &s, &full, "2022-03-27", &st, &r), 0);
	rw_table_to_tsv(&st.lines, &before);
	ck_assert_int_eq(rw_normalise_list(&ctx, m, &s, &empty, "2022-03-28", &st, &r), 0);
	ck_assert_int_eq(r.quarantine, 1);
	rw_table_to_tsv(&st.lines, &after);
	ck_assert_str_eq(rw_buf_cstr(&before), rw_buf_cstr(&after));
	rw_buf_release(&before);
	rw_buf_release(&after);
	rw_records_release(&full);
	rw_state_release(&st);
	rw_matcher_free(m);
	dict_done(&d);
}
END_TEST

START_TEST(documents_become_announcements_per_vendor)
{
	rw_ctx ctx;
	rw_dict d;
	rw_matcher *m = NULL;
	rw_source s;
	rw_records recs = {0};
	rw_record *r;
	rw_state st;
	rw_norm_result res;

	rw_ctx_init(&ctx, 0);
	dict_init(&d);
	rw_state_init(&st);
	memset(&s, 0, sizeof(s));
	s.name = (char *)(uintptr_t)"federal-register";
	s.url = (char *)(uintptr_t)"https://www.federalregister.gov/";
	ck_assert_int_eq(rw_matcher_new(&ctx, &m, &d), 0);
	ck_assert_int_eq(rw_records_add(&ctx, &recs, "federal-register", &r), 0);
	r->kind = RW_REC_DOCUMENT;
	r->title = rw_strdup("Addition of Entities to the Entity List");
	r->text = rw_strdup("This rule adds Huawei Technologies Co., Ltd. (Huawei) and ZTE affiliates");
	r->date = rw_strdup("2019-05-21");
	r->link = rw_strdup("https://www.federalregister.gov/d/2019-10616");
	ck_assert_int_eq(rw_records_add(&ctx, &recs, "federal-register", &r), 0);
	r->kind = RW_REC_DOCUMENT;
	r->title = rw_strdup("Aztec pottery exhibition");
	r->text = rw_strdup("nothing about vendors");
	ck_assert_int_eq(rw_normalise_list(&ctx, m, &s, &recs, "2019-05-22", &st, &res), 0);
	ck_assert_uint_eq(res.announcements, 2);
	ck_assert_uint_eq(st.anns.n, 2);
	ck_assert_str_eq(st.anns.v[0].f[RW_A_VENDOR], "huawei");
	ck_assert_str_eq(st.anns.v[1].f[RW_A_VENDOR], "zte");
	ck_assert_str_eq(st.anns.v[0].f[RW_A_DATE], "2019-05-21");
	/* Seen again: nothing new. */
	ck_assert_int_eq(rw_normalise_list(&ctx, m, &s, &recs, "2019-05-23", &st, &res), 0);
	ck_assert_uint_eq(res.announcements, 0);
	ck_assert_uint_eq(st.anns.n, 2);
	rw_records_release(&recs);
	rw_state_release(&st);
	rw_matcher_free(m);
	dict_done(&d);
}
END_TEST

static Suite *normalise_suite(void)
{
	Suite *s = suite_create("normalise");
	TCase *tc = tcase_create("normalise");

	tcase_add_test(tc, names_normalise);
	tcase_add_test(tc, mentions_whole_words);
	tcase_add_test(tc, matcher_finds_vendors);
	tcase_add_test(tc, snapshots_add_end_and_reopen);
	tcase_add_test(tc, suspicious_snapshots_are_quarantined);
	tcase_add_test(tc, drops_are_confirmed_after_remove_after_days);
	tcase_add_test(tc, an_entry_back_before_confirmation_leaves_no_gap);
	tcase_add_test(tc, quarantine_leaves_state_untouched);
	tcase_add_test(tc, documents_become_announcements_per_vendor);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rw_test_run(normalise_suite());
}
