/* Queueing notifications: composing each recorded run's messages (and heartbeats) into the outbox. */
#include <stdlib.h>
#include <string.h>

#include "regwatch/dates.h"
#include "regwatch/array.h"
#include "regwatch/history.h"
#include "regwatch/impact.h"
#include "regwatch/inventory.h"
#include "regwatch/json.h"
#include "regwatch/members.h"
#include "regwatch/notify.h"
#include "regwatch/queue.h"

/* A message is composed up to this size to learn how large it is; past RW_MSG_MAX it is
   not queued. */
#define BUILD_MAX (4 * RW_MSG_MAX)

static int no_memory(rw_ctx *ctx)
{
	return rw_error(ctx, RW_ENOMEM, "out of memory");
}

/* Kinds that are recorded but never told to members: a change of only evidence, citation
   or note, and a live list's drop whose removal is not confirmed yet. */
static int recorded_only(const rw_change *c)
{
	return strcmp(c->kind, "evidence") == 0 || strcmp(c->kind, "unconfirmed-removal") == 0;
}

/* The changes of `all` that concern a member (pointers into all). */
struct change_refs {
	const rw_change **v;
	size_t n;
	size_t cap;
};

/* The changes of all that concern member m, which members are told of: never evidence-only
   changes nor drops whose removal is not confirmed. */
static int relevant_changes(const rw_member *m, const rw_vendor_tree *tree, const rw_changes *all,
			    struct change_refs *out)
{
	size_t i;

	out->n = 0;
	for (i = 0; i < all->n; i++) {
		if (recorded_only(&all->v[i]) || !rw_notify_relevant(m, tree, &all->v[i]))
			continue;
		if (rw_array_grow((void **)&out->v, &out->cap, out->n + 1, sizeof(*out->v)) < 0)
			return RW_ENOMEM;
		out->v[out->n++] = &all->v[i];
	}
	return 0;
}

/* "run:7:member@example.org" and the like: the key that keeps a message from being queued twice. */
static char *dedupe_key(const char *prefix, const char *email)
{
	char *d = rw_asprintf("%s:%s", prefix, email), *p;

	for (p = d ? d + strlen(prefix) : NULL; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

/* Why a member's message is not built ("" while it is), and a text for its size. */
typedef struct skip_reason {
	char text[512];
} skip_reason;

static void size_text(char *out, size_t size, size_t bytes, int more)
{
	snprintf(out, size, "message of %s%zu bytes is over the %zu MiB limit", more ? "more than " : "", bytes,
		 RW_MSG_MAX >> 20);
}

/* Inventory work shared by the members of one run: the statuses reaching assets. */
struct assets_ctx {
	rw_db *db;
	const rw_dict *dict;
	rw_reach *reach;           /* created on first use */
	char on[RW_DATE_LEN];
};

/* The member's assets that the changes reach: rows for people and the JSON array. A stored
   inventory that cannot be read, or assets too many for a message, set *why instead. */
static int member_assets(rw_ctx *ctx, struct assets_ctx *ac, const rw_member *m, const rw_vendor_tree *tree,
			 const struct change_refs *changes, rw_asset_hits *rows, rw_buf *json, size_t *checked,
			 skip_reason *why)
{
	rw_inventory inv;
	rw_json j;
	size_t i, k, c;
	int rc = 0;

	rw_inventory_init(&inv);
	rw_json_init(&j, json);
	rw_json_array(&j, NULL);
	*checked = 0;
	if (m->inventory == NULL || ac->dict == NULL)
		goto out;
	rc = rw_inventory_parse(ctx, &inv, m->inventory_name ? m->inventory_name : "inventory", m->inventory,
				strlen(m->inventory));
	if (rc == RW_ENOMEM)
		goto out;
	if (rc < 0) {
		snprintf(why->text, sizeof(why->text), "stored inventory cannot be read: %s", rw_errmsg(ctx));
		rw_clear_error(ctx);
		rc = 0;
		goto out;
	}
	*checked = inv.n;
	if (ac->reach == NULL) {
		rc = rw_reach_new(ctx, &ac->reach, ac->db, ac->dict);
		if (rc < 0)
			goto out;
	}
	for (i = 0; i < inv.n && rc == 0 && j.rc == 0; i++) {
		const rw_asset *a = &inv.v[i];
		rw_asset_reach ar;
		int hit = -1;

		memset(&ar, 0, sizeof(ar));
		rc = rw_reach_asset(ctx, ac->reach, a, ac->on, (time_t)-1, &ar);
		if (rc < 0) {
			rw_asset_reach_release(&ar);
			break;
		}
		for (k = 0; k < ar.matches.n && hit < 0; k++)
			for (c = 0; c < changes->n && hit < 0; c++) {
				const rw_change *ch = changes->v[c];

				if (rw_notify_reaches(tree, ch->event.vendor, ch->affiliates, ar.matches.v[k].vendor))
					hit = (int)k;
			}
		if (hit >= 0) {
			rw_asset_row h;

			rc = rw_asset_row_init(ctx, &h, a, &ar, (size_t)hit);
			if (rc == 0 && rw_asset_hits_add(rows, h.site, h.asset_id, h.maker, h.model, h.quantity, h.vendor,
							 h.matched_by, h.possible) < 0)
				rc = no_memory(ctx);
			rw_asset_row_release(&h);
			rw_asset_json(&j, &inv, a, &ar);
		}
		rw_asset_reach_release(&ar);
	}
out:
	rw_json_end(&j);
	if (rc == 0 && j.rc == RW_ELIMIT)
		size_text(why->text, sizeof(why->text), json->len, 1);
	else if (rc == 0 && j.rc < 0)
		rc = no_memory(ctx);
	rw_inventory_release(&inv);
	if (rc == 0)
		rw_asset_hits_sort(rows); /* by site, then asset id */
	return rc;
}

/* What one run's queueing shares between its members. */
typedef struct run_queue {
	long run;
	char recorded[RW_INSTANT_LEN];
	const rw_members *ms;
	const rw_vendor_tree *tree;
	const rw_changes *all;      /* the run's changes */
	struct assets_ctx ac;
	struct change_refs mine;    /* those that concern the member at hand */
	rw_asset_hits assets;
	rw_buf subject, text, json, assets_json;
} run_queue;

/* Composes and stores member m's message for the run. A message that cannot be built sets
   *why (nothing is stored); *inserted is 1 when a row was added. */
static int queue_member(rw_ctx *ctx, rw_db *db, run_queue *q, const rw_member *m, skip_reason *why,
			int *inserted)
{
	char key[RW_MSG_KEY_LEN], prefix[48];
	rw_outbox_new row;
	rw_notice n;
	char *dedupe = NULL;
	size_t checked = 0, largest;
	int rc;

	*inserted = 0;
	rw_asset_hits_release(&q->assets);
	rw_buf_clear(&q->subject);
	rw_buf_clear(&q->text);
	rw_buf_clear(&q->json);
	rw_buf_clear(&q->assets_json);
	if (relevant_changes(m, q->tree, q->all, &q->mine) < 0)
		return no_memory(ctx);
	if (q->mine.n == 0)
		return 0;
	rc = member_assets(ctx, &q->ac, m, q->tree, &q->mine, &q->assets, &q->assets_json, &checked, why);
	if (rc < 0 || why->text[0])
		return rc;
	memset(&n, 0, sizeof(n));
	n.member = m;
	n.run = q->run;
	n.recorded_at = q->recorded;
	n.changes = q->mine.v;
	n.nchanges = q->mine.n;
	n.assets = m->inventory ? &q->assets : NULL;
	n.assets_json = rw_buf_cstr(&q->assets_json);
	n.assets_checked = checked;
	rc = rw_notify_compose(ctx, &n, &q->subject, &q->text, &q->json);
	largest = q->text.len > q->json.len ? q->text.len : q->json.len;
	if (rc == RW_ELIMIT) {
		rw_clear_error(ctx);
		size_text(why->text, sizeof(why->text), largest, 1);
		return 0;
	}
	if (rc < 0)
		return rc;
	if (largest > RW_MSG_MAX) {
		size_text(why->text, sizeof(why->text), largest, 0);
		return 0;
	}
	snprintf(prefix, sizeof(prefix), "run:%ld", q->run);
	dedupe = dedupe_key(prefix, m->email);
	if (dedupe == NULL)
		return no_memory(ctx);
	rw_notify_msg_key(key, q->run, NULL, m->email);
	memset(&row, 0, sizeof(row));
	row.dedupe_key = dedupe;
	row.msg_key = key;
	row.kind = "changes";
	row.run = q->run;
	row.member = m;
	row.created_at = q->recorded;
	row.subject = rw_buf_cstr(&q->subject);
	row.body = rw_buf_cstr(&q->text);
	row.payload = rw_buf_cstr(&q->json);
	rc = rw_outbox_insert(ctx, db, &row, inserted);
	free(dedupe);
	return rc;
}

/* Queues one run's messages in the open transaction. */
static int queue_run(rw_ctx *ctx, rw_db *db, const rw_dict *dict, long run, const char *recorded,
		     rw_queue_result *res)
{
	rw_members ms = {0};
	rw_vendor_tree tree;
	rw_changes all = {0};
	run_queue q;
	time_t at;
	size_t i, queued = 0;
	int rc;

	memset(&q, 0, sizeof(q));
	rw_table_init(&tree.t, 2);
	rw_buf_init(&q.subject, BUILD_MAX);
	rw_buf_init(&q.text, BUILD_MAX);
	rw_buf_init(&q.json, BUILD_MAX);
	rw_buf_init(&q.assets_json, BUILD_MAX);
	q.run = run;
	snprintf(q.recorded, sizeof(q.recorded), "%s", recorded);
	q.ms = &ms;
	q.tree = &tree;
	q.all = &all;
	q.ac.db = db;
	q.ac.dict = dict;
	if (rw_instant_parse(recorded, &at) < 0)
		at = ctx->now;
	rw_date_from_time(at, q.ac.on);
	rc = rw_db_members(ctx, db, &ms);
	if (rc < 0 || ms.n == 0)
		goto out;
	rc = rw_db_changes(ctx, db, run - 1, run, &all);
	if (rc == 0 && all.n > 0)
		rc = rw_db_vendor_parents(ctx, db, &tree.t);
	for (i = 0; i < ms.n && rc == 0 && all.n > 0; i++) {
		skip_reason why;
		int inserted = 0;

		why.text[0] = '\0';
		rc = queue_member(ctx, db, &q, &ms.v[i], &why, &inserted);
		if (rc == 0 && why.text[0]) {
			rw_log(ctx, RW_LOG_WARN, "run %ld: member '%s' skipped: %s", run, ms.v[i].email, why.text);
			rc = rw_db_queue_problem(ctx, db, run, ms.v[i].email, why.text);
			res->skipped++;
		}
		queued += (size_t)inserted;
	}
	if (rc == 0 && queued > 0)
		rw_log(ctx, RW_LOG_INFO, "run %ld: %zu notification(s) queued", run, queued);
	if (rc == 0)
		res->queued += queued;
out:
	rw_reach_free(q.ac.reach);
	rw_members_release(&ms);
	rw_table_release(&tree.t);
	rw_changes_release(&all);
	free(q.mine.v);
	rw_asset_hits_release(&q.assets);
	rw_buf_release(&q.subject);
	rw_buf_release(&q.text);
	rw_buf_release(&q.json);
	rw_buf_release(&q.assets_json);
	return rc;
}

int rw_notify_queue_runs(rw_ctx *ctx, rw_db *db, const rw_dict *dict, rw_queue_result *res)
{
	char recorded[RW_INSTANT_LEN];
	long run = 0, after = 0;
	int rc, pending = 0;

	memset(res, 0, sizeof(*res));
	for (;;) {
		rc = rw_db_next_unqueued(ctx, db, after, &run, recorded);
		if (rc < 0 || run == 0)
			return rc;
		rc = rw_db_queue_begin(ctx, db, run, &pending);
		if (rc < 0)
			return rc;
		if (pending)
			rc = queue_run(ctx, db, dict, run, recorded, res);
		rc = rw_db_queue_end(ctx, db, run, rc);
		if (rc < 0)
			return rw_error_prefix(ctx, rc, "run %ld: notifications not queued", run);
		res->runs += (size_t)pending;
		after = run;
	}
}

/* ---- heartbeats ---- */

static int preview_add(rw_ctx *ctx, rw_outbox *preview, const rw_member *m, const char *key, const char *now,
		       const rw_buf *subject, const rw_buf *text, const rw_buf *json)
{
	rw_outbox_msg *p = rw_outbox_push(preview);

	if (p == NULL)
		return no_memory(ctx);
	p->kind = rw_strdup("digest");
	p->member = rw_strdup(m->email);
	p->channel = rw_strdup(m->webhook ? "webhook" : "smtp");
	p->destination = rw_strdup(m->webhook ? m->webhook : m->email);
	p->msg_key = rw_strdup(key);
	p->subject = rw_strdup(rw_buf_cstr(subject));
	p->body = rw_strdup(rw_buf_cstr(text));
	p->payload = rw_strdup(rw_buf_cstr(json));
	p->state = rw_strdup("pending");
	p->last_error = rw_strdup("");
	snprintf(p->created_at, sizeof(p->created_at), "%s", now);
	snprintf(p->next_attempt_at, sizeof(p->next_attempt_at), "%s", now);
	if (!p->kind || !p->member || !p->channel || !p->destination || !p->msg_key || !p->subject || !p->body ||
	    !p->payload || !p->state || !p->last_error)
		return no_memory(ctx);
	return 0;
}

int rw_outbox_enqueue_digest(rw_ctx *ctx, rw_db *db, int dry, rw_outbox *preview, size_t *queued)
{
	char now[RW_INSTANT_LEN], today[RW_DATE_LEN], since[RW_INSTANT_LEN], key[RW_MSG_KEY_LEN];
	char prefix[48];
	rw_members ms = {0};
	rw_vendor_tree tree;
	rw_table sources;
	rw_changes changes = {0};
	struct change_refs mine = {0};
	rw_outbox dead = {0};
	rw_buf subject = RW_BUF_INIT, text = RW_BUF_INIT, json = RW_BUF_INIT;
	size_t i;
	int rc, in_tx = 0;

	*queued = 0;
	rw_instant_format(ctx->now, now);
	rw_date_from_time(ctx->now, today);
	snprintf(prefix, sizeof(prefix), "digest:%s", today);
	rw_table_init(&tree.t, 2);
	rw_table_init(&sources, RW_S_NCOLS);
	rw_buf_init(&text, RW_MSG_MAX);
	rw_buf_init(&json, RW_MSG_MAX);
	rc = dry ? 0 : rw_db_begin(ctx, db);
	in_tx = rc == 0 && !dry;
	if (rc == 0)
		rc = rw_db_members(ctx, db, &ms);
	if (rc == 0)
		rc = rw_db_sources(ctx, db, ctx->now, &sources);
	if (rc == 0)
		rc = rw_db_vendor_parents(ctx, db, &tree.t);
	if (rc == 0)
		rc = rw_outbox_list(ctx, db, "dead", &dead);
	for (i = 0; i < ms.n && rc == 0; i++) {
		const rw_member *m = &ms.v[i];
		long runs = 0, first = 0, last = 0;
		char *dedupe = NULL;
		rw_outbox_new row;
		rw_digest d;
		int inserted = 0;

		rw_changes_release(&changes);
		mine.n = 0;
		rw_buf_clear(&subject);
		rw_buf_clear(&text);
		rw_buf_clear(&json);
		rc = rw_outbox_digest_since(ctx, db, m, since);
		if (strcmp(since, now) > 0)
			snprintf(since, sizeof(since), "%s", now); /* a clock set back: an empty period, not a negative one */
		if (rc == 0)
			rc = rw_db_runs_between(ctx, db, since, now, &runs, &first, &last);
		if (rc == 0 && runs > 0)
			rc = rw_db_changes(ctx, db, first - 1, last, &changes);
		if (rc == 0 && relevant_changes(m, &tree, &changes, &mine) < 0)
			rc = no_memory(ctx);
		if (rc < 0)
			break;
		memset(&d, 0, sizeof(d));
		d.member = m;
		d.since = since;
		d.until = now;
		d.runs = runs;
		d.changes = (long)mine.n;
		d.list = mine.v;
		d.nlist = mine.n;
		d.sources = &sources;
		d.dead = (long)dead.n;
		rc = rw_notify_compose_digest(ctx, &d, &subject, &text, &json);
		rw_notify_msg_key(key, 0, today, m->email);
		if (rc == 0 && dry) {
			rc = preview_add(ctx, preview, m, key, now, &subject, &text, &json);
			continue;
		}
		dedupe = rc == 0 ? dedupe_key(prefix, m->email) : NULL;
		if (rc == 0 && dedupe == NULL)
			rc = no_memory(ctx);
		if (rc == 0) {
			memset(&row, 0, sizeof(row));
			row.dedupe_key = dedupe;
			row.msg_key = key;
			row.kind = "digest";
			row.member = m;
			row.created_at = now;
			row.subject = rw_buf_cstr(&subject);
			row.body = rw_buf_cstr(&text);
			row.payload = rw_buf_cstr(&json);
			rc = rw_outbox_insert(ctx, db, &row, &inserted);
		}
		*queued += (size_t)inserted;
		free(dedupe);
	}
	if (in_tx)
		rc = rw_db_end(ctx, db, rc);
	rw_members_release(&ms);
	rw_outbox_release(&dead);
	rw_table_release(&tree.t);
	rw_table_release(&sources);
	rw_changes_release(&changes);
	free(mine.v);
	rw_buf_release(&subject);
	rw_buf_release(&text);
	rw_buf_release(&json);
	return rc;
}
