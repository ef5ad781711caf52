/* Queueing a run's notifications after it is recorded: once per run, members that cannot be
   served skipped and reported, rebuilt runs never queued; and the outbox rows themselves. */
#include <stdlib.h>
#include <string.h>

#include "regwatch/config.h"
#include "regwatch/dates.h"
#include "regwatch/history.h"
#include "regwatch/members.h"
#include "regwatch/queue.h"
#include "testutil.h"

#define VENDORS_CONF RW_TEST_DATA "/../../db/vendors.conf"
#define RUN1 "1111111111111111111111111111111111111111"
#define RUN2 "2222222222222222222222222222222222222222"

static const char *const NONE[] = {NULL};
static const char *const HIKVISION[] = {"hikvision", NULL};
static const char *const DAHUA[] = {"dahua", NULL};
static const char *const BOTH[] = {"dahua", "hikvision", NULL};

/* What every test works on: a database, the shipped dictionary, a regime. */
typedef struct fixture {
	char *dir;
	char *path;
	rw_ctx ctx;
	rw_db *db;
	rw_dict dict;
	rw_regimes regimes;
	rw_regime g;
} fixture;

static time_t at(const char *instant)
{
	time_t t;

	ck_assert_int_eq(rw_instant_parse(instant, &t), 0);
	return t;
}

static void fixture_init(fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->dir = rw_test_tmpdir();
	f->path = rw_asprintf("%s/regwatch.db", f->dir);
	rw_ctx_init(&f->ctx, at("2021-03-21T02:00:00Z"));
	ck_assert_msg(rw_dict_load(&f->ctx, &f->dict, VENDORS_CONF) == 0, "%s", rw_errmsg(&f->ctx));
	f->g.id = (char *)(uintptr_t)"us.fcc-covered-list";
	f->g.jurisdiction = (char *)(uintptr_t)"US";
	f->g.title = (char *)(uintptr_t)"FCC Covered List";
	f->g.covers_affiliates = 1;
	f->regimes.regimes = &f->g;
	f->regimes.nregimes = 1;
	ck_assert_msg(rw_db_open(&f->ctx, &f->db, f->path, RW_DB_WRITE) == 0, "%s", rw_errmsg(&f->ctx));
}

static void fixture_release(fixture *f)
{
	rw_db_close(f->db);
	rw_dict_release(&f->dict);
	rw_test_rmtree(f->dir);
	free(f->dir);
	free(f->path);
}

/* Records a run listing `vendors` (NULL-terminated) on the Covered List. */
static long record(fixture *f, const char *oid, const char *when, const char *const *vendors, long run_id)
{
	rw_state st;
	rw_apply a;
	long run = 0;
	size_t i;

	rw_state_init(&st);
	for (i = 0; vendors[i]; i++) {
		const char *v = vendors[i];
		const char *row[RW_L_NCOLS] = {"fcc-covered-list", "us.fcc-covered-list", v, v, v, "listed",
					       "2021-03-12", "", "https://example.test/list", ""};

		ck_assert_int_eq(rw_table_add(&st.lines, row), 0);
	}
	rw_table_sort(&st.lines);
	memset(&a, 0, sizeof(a));
	a.oid = oid;
	a.recorded_at = at(when);
	a.message = "test run";
	a.state = &st;
	a.dict = &f->dict;
	a.regimes = &f->regimes;
	a.run_id = run_id;
	ck_assert_msg(rw_db_apply(&f->ctx, f->db, &a, &run) == 0, "%s", rw_errmsg(&f->ctx));
	rw_state_release(&st);
	return run;
}

static void add_member(fixture *f, const char *email, const char *vendor, char *inventory)
{
	rw_member m;
	int replaced = 0;

	memset(&m, 0, sizeof(m));
	m.email = rw_strdup(email);
	if (vendor)
		ck_assert_int_eq(rw_strvec_push(&m.vendors, vendor), 0);
	if (inventory) {
		m.inventory_name = rw_strdup("assets.csv");
		m.inventory = inventory;
	}
	ck_assert_msg(rw_db_member_put(&f->ctx, f->db, &m, &replaced) == 0, "%s", rw_errmsg(&f->ctx));
	rw_member_release(&m);
}

/* An inventory of n Hikvision cameras with long notes: about n kB. */
static char *cameras(size_t n)
{
	rw_buf b = RW_BUF_INIT;
	char note[1001];
	size_t i;

	memset(note, 'n', sizeof(note) - 1);
	note[sizeof(note) - 1] = '\0';
	ck_assert_int_eq(rw_buf_puts(&b, "asset_id,site,manufacturer,brand,model,quantity,chipset,installed,purpose,notes\n"),
			 0);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(rw_buf_printf(&b, "CAM-%06zu,Depot,Hikvision,,DS-2CD2143G2-I,1,,,,%s\n", i, note), 0);
	return rw_buf_detach(&b, NULL);
}

static long count(fixture *f, const char *state)
{
	rw_outbox o = {0};
	long n;

	ck_assert_int_eq(rw_outbox_list(&f->ctx, f->db, state, &o), 0);
	n = (long)o.n;
	rw_outbox_release(&o);
	return n;
}

START_TEST(a_run_is_queued_once)
{
	fixture f;
	rw_queue_result q;
	rw_outbox o = {0};
	char recorded[RW_INSTANT_LEN];
	long run = -1;

	fixture_init(&f);
	add_member(&f, "Council@Example.org", "hikvision", NULL);
	add_member(&f, "other@example.org", "dahua", NULL);
	ck_assert_int_eq(record(&f, RUN1, "2021-03-20T02:00:00Z", HIKVISION, 0), 1);
	/* Recorded, nothing queued yet: recording never queues. */
	ck_assert_int_eq(count(&f, NULL), 0);
	ck_assert_int_eq(rw_db_next_unqueued(&f.ctx, f.db, 0, &run, recorded), 0);
	ck_assert_int_eq(run, 1);
	ck_assert_str_eq(recorded, "2021-03-20T02:00:00Z");

	ck_assert_msg(rw_notify_queue_runs(&f.ctx, f.db, &f.dict, &q) == 0, "%s", rw_errmsg(&f.ctx));
	ck_assert_int_eq(q.runs, 1);
	ck_assert_int_eq(q.queued, 1); /* the member following dahua hears nothing */
	ck_assert_int_eq(q.skipped, 0);
	ck_assert_int_eq(rw_outbox_list(&f.ctx, f.db, NULL, &o), 0);
	ck_assert_int_eq(o.n, 1);
	ck_assert_str_eq(o.v[0].member, "Council@Example.org");
	ck_assert_str_eq(o.v[0].kind, "changes");
	ck_assert_int_eq(o.v[0].run, 1);
	ck_assert_str_eq(o.v[0].created_at, "2021-03-20T02:00:00Z");
	ck_assert_ptr_nonnull(strstr(o.v[0].subject, "hikvision"));
	rw_outbox_release(&o);
	ck_assert_int_eq(rw_db_next_unqueued(&f.ctx, f.db, 0, &run, recorded), 0);
	ck_assert_int_eq(run, 0);

	/* Queued again: nothing to do. */
	ck_assert_int_eq(rw_notify_queue_runs(&f.ctx, f.db, &f.dict, &q), 0);
	ck_assert_int_eq(q.runs, 0);
	ck_assert_int_eq(q.queued, 0);
	ck_assert_int_eq(count(&f, NULL), 1);

	/* A second run is queued on its own. */
	f.ctx.now = at("2021-03-22T02:00:00Z");
	ck_assert_int_eq(record(&f, RUN2, "2021-03-22T02:00:00Z", NONE, 0), 2);
	ck_assert_int_eq(rw_notify_queue_runs(&f.ctx, f.db, &f.dict, &q), 0);
	ck_assert_int_eq(q.runs, 1);
	ck_assert_int_eq(q.queued, 1);
	ck_assert_int_eq(count(&f, "pending"), 2);
	fixture_release(&f);
}
END_TEST

START_TEST(a_member_whose_message_is_too_large_is_skipped)
{
	fixture f;
	rw_queue_result q;
	rw_outbox o = {0};
	rw_table problems;

	fixture_init(&f);
	rw_table_init(&problems, RW_QP_NCOLS);
	add_member(&f, "depots@example.org", "hikvision", cameras(9000));
	add_member(&f, "council@example.org", "hikvision", cameras(3));
	add_member(&f, "broken@example.org", NULL, rw_strdup("not,an,inventory\n"));
	record(&f, RUN1, "2021-03-20T02:00:00Z", HIKVISION, 0);

	ck_assert_msg(rw_notify_queue_runs(&f.ctx, f.db, &f.dict, &q) == 0, "%s", rw_errmsg(&f.ctx));
	ck_assert_int_eq(q.runs, 1);
	ck_assert_int_eq(q.queued, 1);
	ck_assert_int_eq(q.skipped, 2);
	ck_assert_int_eq(rw_outbox_list(&f.ctx, f.db, NULL, &o), 0);
	ck_assert_int_eq(o.n, 1);
	ck_assert_str_eq(o.v[0].member, "council@example.org");
	ck_assert_ptr_nonnull(strstr(o.v[0].payload, "CAM-000002"));
	rw_outbox_release(&o);

	ck_assert_int_eq(rw_db_queue_problems(&f.ctx, f.db, &problems), 0);
	ck_assert_int_eq(problems.n, 2);
	ck_assert_str_eq(problems.v[0].f[RW_QP_RUN], "1");
	ck_assert_str_eq(problems.v[0].f[RW_QP_MEMBER], "broken@example.org");
	ck_assert_msg(strncmp(problems.v[0].f[RW_QP_REASON], "stored inventory cannot be read: ", 33) == 0, "%s",
		      problems.v[0].f[RW_QP_REASON]);
	ck_assert_str_eq(problems.v[1].f[RW_QP_MEMBER], "depots@example.org");
	ck_assert_ptr_nonnull(strstr(problems.v[1].f[RW_QP_REASON], "bytes is over the 8 MiB limit"));
	ck_assert_msg(strncmp(problems.v[1].f[RW_QP_REASON], "message of ", 11) == 0, "%s",
		      problems.v[1].f[RW_QP_REASON]);
	ck_assert_int_gt(strtol(problems.v[1].f[RW_QP_REASON] + 11, NULL, 10), (long)RW_MSG_MAX);
	rw_table_release(&problems);

	/* Registered again, a member starts with no reported problems. */
	add_member(&f, "depots@example.org", "hikvision", NULL);
	ck_assert_int_eq(rw_db_queue_problems(&f.ctx, f.db, &problems), 0);
	ck_assert_int_eq(problems.n, 1);
	rw_table_release(&problems);
	fixture_release(&f);
}
END_TEST

START_TEST(rebuilding_queues_nothing)
{
	fixture f;
	rw_queue_result q;
	char recorded[RW_INSTANT_LEN];
	long run = -1;

	fixture_init(&f);
	add_member(&f, "council@example.org", NULL, NULL);
	record(&f, RUN1, "2021-03-20T02:00:00Z", HIKVISION, 0);
	ck_assert_int_eq(rw_notify_queue_runs(&f.ctx, f.db, &f.dict, &q), 0);
	ck_assert_int_eq(q.queued, 1);

	/* The history re-derived, with a run the database had not seen before. */
	ck_assert_int_eq(rw_db_rebuild_begin(&f.ctx, f.db), 0);
	record(&f, RUN1, "2021-03-20T02:00:00Z", BOTH, 1);
	record(&f, RUN2, "2021-03-22T02:00:00Z", DAHUA, 2);
	ck_assert_int_eq(rw_db_rebuild_end(&f.ctx, f.db, 0), 0);
	ck_assert_int_eq(rw_db_next_unqueued(&f.ctx, f.db, 0, &run, recorded), 0);
	ck_assert_int_eq(run, 0);
	ck_assert_int_eq(rw_notify_queue_runs(&f.ctx, f.db, &f.dict, &q), 0);
	ck_assert_int_eq(q.runs, 0);
	ck_assert_int_eq(q.queued, 0);
	ck_assert_int_eq(count(&f, NULL), 1);
	fixture_release(&f);
}
END_TEST

START_TEST(outbox_rows_are_stored_once)
{
	fixture f;
	rw_member m;
	rw_outbox_new row;
	rw_outbox o = {0};
	int inserted = -1;

	fixture_init(&f);
	memset(&m, 0, sizeof(m));
	m.email = (char *)(uintptr_t)"hooks@example.org";
	m.webhook = (char *)(uintptr_t)"https://hooks.example.org/regwatch";
	memset(&row, 0, sizeof(row));
	row.dedupe_key = "run:7:hooks@example.org";
	row.msg_key = "run-7.0123456789abcdef";
	row.kind = "changes";
	row.run = 7;
	row.member = &m;
	row.created_at = "2021-03-21T02:00:00Z";
	row.subject = "regwatch: 1 change";
	row.body = "text";
	row.payload = "{}";
	ck_assert_int_eq(rw_outbox_insert(&f.ctx, f.db, &row, &inserted), 0);
	ck_assert_int_eq(inserted, 1);
	row.body = "another text";
	ck_assert_int_eq(rw_outbox_insert(&f.ctx, f.db, &row, &inserted), 0);
	ck_assert_int_eq(inserted, 0); /* the same key: never queued twice */
	ck_assert_int_eq(rw_outbox_due(&f.ctx, f.db, at("2021-03-21T02:00:00Z"), &o), 0);
	ck_assert_int_eq(o.n, 1);
	ck_assert_str_eq(o.v[0].channel, "webhook");
	ck_assert_str_eq(o.v[0].destination, "https://hooks.example.org/regwatch");
	ck_assert_str_eq(o.v[0].body, "text");
	ck_assert_str_eq(o.v[0].state, "pending");
	ck_assert_str_eq(o.v[0].next_attempt_at, "2021-03-21T02:00:00Z");
	rw_outbox_release(&o);
	ck_assert_int_eq(rw_outbox_due(&f.ctx, f.db, at("2021-03-21T01:59:59Z"), &o), 0);
	ck_assert_int_eq(o.n, 0);
	fixture_release(&f);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("queue");
	TCase *tc = tcase_create("queue");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, a_run_is_queued_once);
	tcase_add_test(tc, a_member_whose_message_is_too_large_is_skipped);
	tcase_add_test(tc, rebuilding_queues_nothing);
	tcase_add_test(tc, outbox_rows_are_stored_once);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rw_test_run(suite());
}
