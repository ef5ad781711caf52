/* The one wording and the one JSON shape of a change (rw_diff_describe, rw_diff_json_change). */
#include <stdlib.h>
#include <string.h>

#include "regwatch/diff.h"
#include "regwatch/json.h"
#include "testutil.h"

/* A change as the record holds it; "" for what does not apply. */
typedef struct spec {
	const char *kind, *vendor, *entity, *regime, *from, *to, *effective, *since, *until, *from_since,
		*from_until, *source, *evidence, *title;
} spec;

static char *dup(const char *s)
{
	char *d = rw_strdup(s ? s : "");

	ck_assert_ptr_nonnull(d);
	return d;
}

static void make(rw_change *c, const spec *s)
{
	const char *ann = strcmp(s->kind, "announcement") == 0 ? "" : NULL;

	memset(c, 0, sizeof(*c));
	c->run = 3;
	c->recorded_at = dup("2026-07-10T02:00:00Z");
	c->kind = dup(s->kind);
	c->from = dup(s->from);
	c->to = dup(s->to);
	c->effective = dup(s->effective);
	c->from_since = dup(s->from_since);
	c->from_until = dup(s->from_until);
	c->title = dup(s->title);
	c->vendor_name = dup(s->vendor && s->vendor[0] ? "Hangzhou Hikvision Digital Technology Co., Ltd." : "");
	c->regime_title = dup(ann ? "" : "DoD Section 1260H list of Chinese military companies");
	c->jurisdiction = dup("US");
	c->affiliates = 0;
	c->event.id = dup("");
	c->event.vendor = dup(s->vendor);
	c->event.entity = dup(s->entity);
	c->event.regime = dup(s->regime);
	c->event.provision = dup("");
	c->event.status = dup(s->to && s->to[0] ? s->to : s->from);
	c->event.since = dup(s->since);
	c->event.until = dup(s->until);
	c->event.citation = dup("");
	c->event.evidence = dup(s->evidence);
	c->event.confidence = dup("");
	c->event.evidence_kind = dup(s->evidence && s->evidence[0] ? "secondary" : "");
	c->event.source = dup(s->source);
	c->event.note = dup(s->title);
}

static void expect_words(const spec *s, const char *want)
{
	rw_change c;
	rw_buf out = RW_BUF_INIT;

	make(&c, s);
	ck_assert_int_eq(rw_diff_describe(&out, &c), 0);
	ck_assert_str_eq(rw_buf_cstr(&out), want);
	rw_buf_release(&out);
	rw_change_release(&c);
}

START_TEST(words_name_the_changes_own_date)
{
	/* A later event of a vendor and regime that already hold an earlier one: its own date. */
	const spec added = {"added", "hikvision", "Hikvision", "us.dod-1260h", "", "prohibited", "2026-06-30",
			    "2026-06-30", "", "", "", "baseline", "https://example.org/805", "takes effect"};
	const spec changed = {"changed", "hikvision", "Hikvision", "us.dod-1260h", "prohibited", "prohibited",
			      "2026-07-15", "2026-07-15", "", "2026-06-30", "", "baseline", "https://example.org/805",
			      ""};
	const spec status = {"changed", "hikvision", "Hikvision", "us.dod-1260h", "listed", "prohibited",
			     "2026-06-30", "2026-06-30", "", "2026-06-30", "", "baseline", "", ""};
	const spec details = {"changed", "hikvision", "Hikvision", "us.dod-1260h", "listed", "listed", "2021-06-03",
			      "2021-06-03", "", "2021-06-03", "", "baseline", "", "edition of 2026"};
	const spec ended = {"ended", "huawei", "Huawei", "uk.telecoms-huawei", "restricted", "", "2022-10-13",
			    "2020-07-14", "2022-10-13", "2020-07-14", "", "baseline", "https://www.gov.uk/x", ""};
	const spec removed = {"removed", "dahua", "Dahua", "us.dod-1260h", "listed", "", "", "2022-10-05", "",
			      "2022-10-05", "", "baseline", "", ""};
	const spec entity = {"new-entity", "", "Pacific Networks Corp", "us.fcc-covered-list", "", "listed",
			     "2022-09-20", "2022-09-20", "", "", "", "fcc-covered-list", "", ""};
	const spec ann = {"announcement", "hikvision", "", "", "", "", "2026-06-26", "2026-06-26", "", "", "",
			  "fcc-headlines", "https://www.fcc.gov/x", "FCC Directs Hikvision to Show Cause"};

	expect_words(&added,
		     "hikvision: us.dod-1260h prohibited from 2026-06-30 (added; baseline, https://example.org/805)");
	expect_words(&changed, "hikvision: us.dod-1260h prohibited from 2026-06-30 -> from 2026-07-15 "
			       "(changed; baseline, https://example.org/805)");
	expect_words(&status, "hikvision: us.dod-1260h listed -> prohibited from 2026-06-30 (changed; baseline)");
	expect_words(&details, "hikvision: us.dod-1260h listed from 2021-06-03, details changed: edition of 2026 "
			       "(changed; baseline)");
	expect_words(&ended, "huawei: uk.telecoms-huawei restricted from 2020-07-14 ended on 2022-10-13 "
			     "(ended; baseline, https://www.gov.uk/x)");
	expect_words(&removed, "dahua: us.dod-1260h listed from 2022-10-05 no longer given by 'baseline' "
			       "(removed; baseline)");
	expect_words(&entity, "new entity 'Pacific Networks Corp': us.fcc-covered-list listed from 2022-09-20 "
			      "(new-entity; fcc-covered-list)");
	expect_words(&ann, "hikvision: announcement of 2026-06-26: \"FCC Directs Hikvision to Show Cause\" "
			   "(fcc-headlines, https://www.fcc.gov/x)");
}
END_TEST

START_TEST(one_json_shape)
{
	const spec added = {"added", "hikvision", "Hikvision", "us.dod-1260h", "", "prohibited", "2026-06-30",
			    "2026-06-30", "", "", "", "baseline", "https://example.org/805", "takes effect"};
	rw_change c;
	rw_buf out = RW_BUF_INIT;
	rw_json j;

	make(&c, &added);
	rw_json_init(&j, &out);
	rw_diff_json_change(&j, &c);
	ck_assert_int_eq(rw_json_finish(&j), 0);
	ck_assert_str_eq(rw_buf_cstr(&out),
			 "{\"kind\": \"added\", \"vendor\": \"hikvision\", "
			 "\"vendor_name\": \"Hangzhou Hikvision Digital Technology Co., Ltd.\", "
			 "\"entity\": \"Hikvision\", "
			 "\"regime\": \"us.dod-1260h\", "
			 "\"regime_title\": \"DoD Section 1260H list of Chinese military companies\", "
			 "\"jurisdiction\": \"US\", \"provision\": null, \"from\": null, \"to\": \"prohibited\", "
			 "\"status\": \"prohibited\", \"effective\": \"2026-06-30\", \"source\": \"baseline\", "
			 "\"evidence\": \"https://example.org/805\", \"evidence_kind\": \"secondary\", "
			 "\"confidence\": null, "
			 "\"grounds\": null, \"title\": \"takes effect\", \"run\": 3, "
			 "\"recorded_at\": \"2026-07-10T02:00:00Z\", \"since\": \"2026-06-30\", \"until\": null, "
			 "\"from_since\": null, \"from_until\": null}\n");
	rw_buf_release(&out);
	rw_change_release(&c);
}
END_TEST

START_TEST(changes_grow_and_free)
{
	rw_changes cs = {0};
	size_t i;

	for (i = 0; i < 40; i++) {
		rw_change *c = rw_changes_push(&cs);

		ck_assert_ptr_nonnull(c);
		ck_assert_ptr_null(c->kind);
		c->kind = dup("added");
		c->run = (long)i;
	}
	ck_assert_uint_eq(cs.n, 40);
	ck_assert_int_eq(cs.v[39].run, 39);
	rw_changes_release(&cs);
	ck_assert_uint_eq(cs.n, 0);
	ck_assert_ptr_null(cs.v);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("change");
	TCase *tc = tcase_create("change");

	tcase_add_test(tc, words_name_the_changes_own_date);
	tcase_add_test(tc, one_json_shape);
	tcase_add_test(tc, changes_grow_and_free);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rw_test_run(suite());
}
