/*
 * Members, their subscriptions and inventories, and the notification outbox
 * in the history database. Messages are composed here from what the database
 * holds (notify.c writes the words) and stored whole, so every attempt sends
 * the same message.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "regwatch/array.h"
#include "regwatch/dates.h"
#include "history/history_int.h"
#include "regwatch/history.h"
#include "regwatch/inventory.h"
#include "regwatch/json.h"
#include "regwatch/members.h"
#include "regwatch/notify.h"


#define MSG_MAX ((size_t)8 << 20) /* largest message text or document composed */

static void copy_instant(char dst[RW_INSTANT_LEN], const char *src)
{
	snprintf(dst, RW_INSTANT_LEN, "%s", src);
}

static int no_memory(rw_ctx *ctx)
{
	return rw_error(ctx, RW_ENOMEM, "out of memory");
}

/* ---- members ---- */

void rw_member_release(rw_member *m)
{
	if (m == NULL)
		return;
	free(m->email);
	rw_strvec_release(&m->vendors);
	rw_strvec_release(&m->jurisdictions);
	free(m->webhook);
	free(m->inventory_name);
	free(m->inventory);
	memset(m, 0, sizeof(*m));
}

void rw_members_release(rw_members *ms)
{
	size_t i;

	if (ms == NULL)
		return;
	for (i = 0; i < ms->n; i++)
		rw_member_release(&ms->v[i]);
	free(ms->v);
	ms->v = NULL;
	ms->n = 0;
}

int rw_db_members(rw_ctx *ctx, rw_db *db, rw_members *out)
{
	static const char members_sql[] =
		"SELECT id, email, webhook, inventory_name, inventory, added_at, updated_at FROM members"
		" ORDER BY email COLLATE NOCASE";
	static const char vendors_sql[] = "SELECT vendor FROM member_vendors WHERE member = ?1 ORDER BY vendor";
	static const char jur_sql[] =
		"SELECT jurisdiction FROM member_jurisdictions WHERE member = ?1 ORDER BY jurisdiction";
	sqlite3_stmt *st = NULL, *vs = NULL, *js = NULL;
	long *ids = NULL;
	size_t cap = 0, i;
	int rc, step = SQLITE_DONE;

	memset(out, 0, sizeof(*out));
	rc = rw_sql_prepare(ctx, db, &st, members_sql);
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &vs, vendors_sql);
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &js, jur_sql);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		rw_member *m;

		if (out->n == cap) {
			size_t ncap = cap ? 2 * cap : 8;
			rw_member *v = realloc(out->v, ncap * sizeof(*v));
			long *nids = realloc(ids, ncap * sizeof(*nids));

			if (v)
				out->v = v;
			if (nids)
				ids = nids;
			if (v == NULL || nids == NULL) {
				rc = no_memory(ctx);
				break;
			}
			cap = ncap;
		}
		m = &out->v[out->n];
		memset(m, 0, sizeof(*m));
		ids[out->n] = sqlite3_column_int64(st, 0);
		out->n++;
		m->email = rw_strdup(rw_sql_text(st, 1));
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			m->webhook = rw_strdup(rw_sql_text(st, 2));
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			m->inventory_name = rw_strdup(rw_sql_text(st, 3));
		if (sqlite3_column_type(st, 4) != SQLITE_NULL)
			m->inventory = rw_strdup(rw_sql_text(st, 4));
		copy_instant(m->added_at, rw_sql_text(st, 5));
		copy_instant(m->updated_at, rw_sql_text(st, 6));
		if (m->email == NULL || (sqlite3_column_type(st, 2) != SQLITE_NULL && m->webhook == NULL) ||
		    (sqlite3_column_type(st, 3) != SQLITE_NULL && m->inventory_name == NULL) ||
		    (sqlite3_column_type(st, 4) != SQLITE_NULL && m->inventory == NULL))
			rc = no_memory(ctx);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = rw_sql_fail(ctx, db, "query");
	for (i = 0; i < out->n && rc == 0; i++) {
		sqlite3_bind_int64(vs, 1, ids[i]);
		while (rc == 0 && sqlite3_step(vs) == SQLITE_ROW)
			rc = rw_strvec_push(&out->v[i].vendors, rw_sql_text(vs, 0)) < 0 ? no_memory(ctx) : 0;
		sqlite3_reset(vs);
		sqlite3_bind_int64(js, 1, ids[i]);
		while (rc == 0 && sqlite3_step(js) == SQLITE_ROW)
			rc = rw_strvec_push(&out->v[i].jurisdictions, rw_sql_text(js, 0)) < 0 ? no_memory(ctx) : 0;
		sqlite3_reset(js);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(vs);
	sqlite3_finalize(js);
	free(ids);
	if (rc < 0)
		rw_members_release(out);
	return rc;
}

int rw_db_member_put(rw_ctx *ctx, rw_db *db, const rw_member *m, int *replaced)
{
	char now[RW_INSTANT_LEN];
	sqlite3_stmt *st = NULL;
	long id = 0;
	size_t i;
	int rc;

	*replaced = 0;
	rw_instant_format(ctx->now, now);
	rc = rw_sql_exec(ctx, db, "BEGIN IMMEDIATE");
	if (rc < 0)
		return rc;
	rc = rw_sql_prepare(ctx, db, &st, "SELECT id FROM members WHERE email = ?1");
	if (rc == 0) {
		rw_sql_bind_text(st, 1, m->email);
		if (sqlite3_step(st) == SQLITE_ROW) {
			id = sqlite3_column_int64(st, 0);
			*replaced = 1;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (rc == 0 && *replaced)
		rc = rw_sql_prepare(ctx, db, &st,
			     "UPDATE members SET email = ?1, webhook = ?2, inventory_name = ?3, inventory = ?4,"
			     " updated_at = ?5 WHERE id = ?6");
	else if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &st,
			     "INSERT INTO members(email, webhook, inventory_name, inventory, added_at, updated_at)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, ?5)");
	if (rc == 0) {
		rw_sql_bind_text(st, 1, m->email);
		rw_sql_bind_text(st, 2, m->webhook);
		rw_sql_bind_text(st, 3, m->inventory_name);
		if (m->inventory)
			sqlite3_bind_text(st, 4, m->inventory, -1, SQLITE_TRANSIENT);
		rw_sql_bind_text(st, 5, now);
		if (*replaced)
			sqlite3_bind_int64(st, 6, id);
		rc = rw_sql_step_done(ctx, db, st);
		if (!*replaced)
			id = sqlite3_last_insert_rowid(db->h);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == 0 && *replaced) {
		rc = rw_sql_prepare(ctx, db, &st, "DELETE FROM member_vendors WHERE member = ?1");
		if (rc == 0) {
			sqlite3_bind_int64(st, 1, id);
			rc = rw_sql_step_done(ctx, db, st);
		}
		sqlite3_finalize(st);
		st = NULL;
		if (rc == 0)
			rc = rw_sql_prepare(ctx, db, &st, "DELETE FROM member_jurisdictions WHERE member = ?1");
		if (rc == 0) {
			sqlite3_bind_int64(st, 1, id);
			rc = rw_sql_step_done(ctx, db, st);
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &st, "INSERT OR IGNORE INTO member_vendors(member, vendor) VALUES (?1, ?2)");
	for (i = 0; rc == 0 && i < m->vendors.n; i++) {
		sqlite3_bind_int64(st, 1, id);
		rw_sql_bind_text(st, 2, m->vendors.v[i]);
		rc = rw_sql_step_done(ctx, db, st);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &st,
			     "INSERT OR IGNORE INTO member_jurisdictions(member, jurisdiction) VALUES (?1, ?2)");
	for (i = 0; rc == 0 && i < m->jurisdictions.n; i++) {
		sqlite3_bind_int64(st, 1, id);
		rw_sql_bind_text(st, 2, m->jurisdictions.v[i]);
		rc = rw_sql_step_done(ctx, db, st);
	}
	sqlite3_finalize(st);
	if (rc == 0)
		rc = rw_sql_exec(ctx, db, "COMMIT");
	return rc < 0 ? rw_sql_rollback(db, rc) : 0;
}

int rw_db_member_remove(rw_ctx *ctx, rw_db *db, const char *email, long *cancelled)
{
	sqlite3_stmt *st = NULL;
	int rc, found = 0;

	*cancelled = 0;
	rc = rw_sql_exec(ctx, db, "BEGIN IMMEDIATE");
	if (rc < 0)
		return rc;
	rc = rw_sql_prepare(ctx, db, &st,
		     "DELETE FROM outbox WHERE member = ?1 COLLATE NOCASE AND state IN ('pending', 'sending')");
	if (rc == 0) {
		rw_sql_bind_text(st, 1, email);
		rc = rw_sql_step_done(ctx, db, st);
		*cancelled = sqlite3_changes(db->h);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == 0)
		rc = rw_sql_prepare(ctx, db, &st, "DELETE FROM members WHERE email = ?1");
	if (rc == 0) {
		rw_sql_bind_text(st, 1, email);
		rc = rw_sql_step_done(ctx, db, st);
		found = sqlite3_changes(db->h) > 0;
	}
	sqlite3_finalize(st);
	if (rc == 0 && !found)
		rc = rw_error(ctx, RW_ENOTFOUND, "no member '%s' (see 'regwatch member list')", email);
	if (rc == 0)
		rc = rw_sql_exec(ctx, db, "COMMIT");
	return rc < 0 ? rw_sql_rollback(db, rc) : 0;
}

/* ---- the outbox ---- */

static void msg_release(rw_outbox_msg *m)
{
	free(m->kind);
	free(m->member);
	free(m->channel);
	free(m->destination);
	free(m->msg_key);
	free(m->subject);
	free(m->body);
	free(m->payload);
	free(m->state);
	free(m->last_error);
	memset(m, 0, sizeof(*m));
}

void rw_outbox_release(rw_outbox *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->n; i++)
		msg_release(&o->v[i]);
	free(o->v);
	memset(o, 0, sizeof(*o));
}

static rw_outbox_msg *outbox_push(rw_outbox *o)
{
	rw_outbox_msg *m;

	if (o->n == o->cap) {
		size_t ncap = o->cap ? 2 * o->cap : 8;
		rw_outbox_msg *v = realloc(o->v, ncap * sizeof(*v));

		if (v == NULL)
			return NULL;
		o->v = v;
		o->cap = ncap;
	}
	m = &o->v[o->n++];
	memset(m, 0, sizeof(*m));
	return m;
}

static int msg_complete(const rw_outbox_msg *m)
{
	return m->kind && m->member && m->channel && m->destination && m->msg_key && m->subject && m->body &&
	       m->payload && m->state && m->last_error;
}

#define OUTBOX_COLUMNS                                                                                \
	"id, kind, coalesce(run, 0), member, channel, destination, msg_key, subject, body, payload,"  \
	" created_at, state, attempts, next_attempt_at, coalesce(last_error, ''), coalesce(last_code, 0)," \
	" coalesce(sent_at, '')"

static int outbox_rows(rw_ctx *ctx, rw_db *db, sqlite3_stmt *st, rw_outbox *out)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rw_outbox_msg *m = outbox_push(out);

		if (m == NULL)
			return no_memory(ctx);
		m->id = sqlite3_column_int64(st, 0);
		m->kind = rw_strdup(rw_sql_text(st, 1));
		m->run = sqlite3_column_int64(st, 2);
		m->member = rw_strdup(rw_sql_text(st, 3));
		m->channel = rw_strdup(rw_sql_text(st, 4));
		m->destination = rw_strdup(rw_sql_text(st, 5));
		m->msg_key = rw_strdup(rw_sql_text(st, 6));
		m->subject = rw_strdup(rw_sql_text(st, 7));
		m->body = rw_strdup(rw_sql_text(st, 8));
		m->payload = rw_strdup(rw_sql_text(st, 9));
		copy_instant(m->created_at, rw_sql_text(st, 10));
		m->state = rw_strdup(rw_sql_text(st, 11));
		m->attempts = sqlite3_column_int64(st, 12);
		copy_instant(m->next_attempt_at, rw_sql_text(st, 13));
		m->last_error = rw_strdup(rw_sql_text(st, 14));
		m->last_code = sqlite3_column_int64(st, 15);
		copy_instant(m->sent_at, rw_sql_text(st, 16));
		if (!msg_complete(m))
			return no_memory(ctx);
	}
	if (rc != SQLITE_DONE)
		return rw_sql_fail(ctx, db, "query");
	return 0;
}

int rw_outbox_due(rw_ctx *ctx, rw_db *db, time_t now, rw_outbox *out)
{
	static const char sql[] =
		"SELECT " OUTBOX_COLUMNS " FROM outbox"
		" WHERE (state = 'pending' AND next_attempt_at <= ?1)"
		"    OR (state = 'sending' AND (lease_until IS NULL OR lease_until < ?1))"
		" ORDER BY id";
	char when[RW_INSTANT_LEN];
	sqlite3_stmt *st = NULL;
	int rc;

	rw_instant_format(now, when);
	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0) {
		rw_sql_bind_text(st, 1, when);
		rc = outbox_rows(ctx, db, st, out);
	}
	sqlite3_finalize(st);
	return rc;
}

int rw_outbox_list(rw_ctx *ctx, rw_db *db, const char *state, rw_outbox *out)
{
	static const char sql[] = "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE ?1 IS NULL OR state = ?1 ORDER BY id";
	sqlite3_stmt *st = NULL;
	int rc;

	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0) {
		rw_sql_bind_text(st, 1, state);
		rc = outbox_rows(ctx, db, st, out);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Runs one UPDATE of a row in autocommit mode (its own transaction). */
static int update_row(rw_ctx *ctx, rw_db *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE)
		return rw_sql_fail(ctx, db, "outbox");
	return 0;
}

int rw_outbox_claim(rw_ctx *ctx, rw_db *db, long id, time_t now, long lease_s, int *claimed)
{
	static const char sql[] =
		"UPDATE outbox SET state = 'sending', attempts = attempts + 1, lease_until = ?3"
		" WHERE id = ?1 AND ((state = 'pending' AND next_attempt_at <= ?2)"
		"   OR (state = 'sending' AND (lease_until IS NULL OR lease_until < ?2)))";
	char when[RW_INSTANT_LEN], lease[RW_INSTANT_LEN];
	sqlite3_stmt *st = NULL;
	int rc;

	*claimed = 0;
	rw_instant_format(now, when);
	rw_instant_format(now + lease_s, lease);
	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, id);
		rw_sql_bind_text(st, 2, when);
		rw_sql_bind_text(st, 3, lease);
		rc = update_row(ctx, db, st);
		*claimed = rc == 0 && sqlite3_changes(db->h) == 1;
	}
	sqlite3_finalize(st);
	return rc;
}

int rw_outbox_sent(rw_ctx *ctx, rw_db *db, long id, time_t now, long code)
{
	static const char sql[] =
		"UPDATE outbox SET state = 'sent', sent_at = ?2, lease_until = NULL, last_error = NULL, last_code = ?3"
		" WHERE id = ?1";
	char when[RW_INSTANT_LEN];
	sqlite3_stmt *st = NULL;
	int rc;

	rw_instant_format(now, when);
	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, id);
		rw_sql_bind_text(st, 2, when);
		if (code > 0)
			sqlite3_bind_int64(st, 3, code);
		rc = update_row(ctx, db, st);
	}
	sqlite3_finalize(st);
	return rc;
}

int rw_outbox_failed(rw_ctx *ctx, rw_db *db, long id, time_t next, const char *error, long code)
{
	static const char sql[] =
		"UPDATE outbox SET state = CASE WHEN ?2 IS NULL THEN 'dead' ELSE 'pending' END,"
		" next_attempt_at = coalesce(?2, next_attempt_at), lease_until = NULL, last_error = ?3,"
		" last_code = ?4 WHERE id = ?1";
	char when[RW_INSTANT_LEN];
	sqlite3_stmt *st = NULL;
	int rc;

	rw_instant_format(next, when);
	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, id);
		rw_sql_bind_text(st, 2, next == (time_t)-1 ? NULL : when);
		rw_sql_bind_text(st, 3, error);
		if (code > 0)
			sqlite3_bind_int64(st, 4, code);
		rc = update_row(ctx, db, st);
	}
	sqlite3_finalize(st);
	return rc;
}

int rw_outbox_count(rw_ctx *ctx, rw_db *db, time_t now, rw_outbox_counts *out)
{
	static const char sql[] =
		"SELECT coalesce(sum(state = 'pending' AND next_attempt_at <= ?1), 0),"
		" coalesce(sum(state = 'pending' AND next_attempt_at > ?1), 0),"
		" coalesce(sum(state = 'sending'), 0), coalesce(sum(state = 'sent'), 0),"
		" coalesce(sum(state = 'dead'), 0) FROM outbox";
	char when[RW_INSTANT_LEN];
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rw_instant_format(now, when);
	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0) {
		rw_sql_bind_text(st, 1, when);
		if (sqlite3_step(st) == SQLITE_ROW) {
			out->due = sqlite3_column_int64(st, 0);
			out->later = sqlite3_column_int64(st, 1);
			out->sending = sqlite3_column_int64(st, 2);
			out->sent = sqlite3_column_int64(st, 3);
			out->dead = sqlite3_column_int64(st, 4);
		} else {
			rc = rw_sql_fail(ctx, db, "query");
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/* ---- composing and queueing ---- */

static int load_tree(rw_ctx *ctx, rw_db *db, rw_vendor_tree *tree)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = rw_sql_prepare(ctx, db, &st, "SELECT id, coalesce(parent, '') FROM vendors ORDER BY id");
	if (rc == 0)
		rc = rw_sql_rows(ctx, db, st, &tree->t);
	sqlite3_finalize(st);
	return rc;
}

/* The changes of `all` that concern member m (pointers into all). */
struct change_refs {
	const rw_change **v;
	size_t n;
	size_t cap;
};

static int relevant_changes(const rw_member *m, const rw_vendor_tree *tree, const rw_changes *all,
			    struct change_refs *out)
{
	size_t i;

	out->n = 0;
	for (i = 0; i < all->n; i++) {
		if (!rw_notify_relevant(m, tree, &all->v[i]))
			continue;
		if (rw_array_grow((void **)&out->v, &out->cap, out->n + 1, sizeof(*out->v)) < 0)
			return RW_ENOMEM;
		out->v[out->n++] = &all->v[i];
	}
	return 0;
}

static int insert_message(rw_ctx *ctx, rw_db *db, const char *dedupe, const char *msg_key, const char *kind,
			  long run, const rw_member *m, const char *created, const rw_buf *subject,
			  const rw_buf *text, const rw_buf *json, int *inserted)
{
	static const char sql[] =
		"INSERT INTO outbox(dedupe_key, msg_key, kind, run, member, channel, destination, subject, body,"
		" payload, created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)"
		" ON CONFLICT(dedupe_key) DO NOTHING";
	sqlite3_stmt *st = NULL;
	int rc;

	rc = rw_sql_prepare(ctx, db, &st, sql);
	if (rc == 0) {
		rw_sql_bind_text(st, 1, dedupe);
		rw_sql_bind_text(st, 2, msg_key);
		rw_sql_bind_text(st, 3, kind);
		if (run > 0)
			sqlite3_bind_int64(st, 4, run);
		rw_sql_bind_text(st, 5, m->email);
		rw_sql_bind_text(st, 6, m->webhook ? "webhook" : "smtp");
		rw_sql_bind_text(st, 7, m->webhook ? m->webhook : m->email);
		sqlite3_bind_text(st, 8, rw_buf_cstr(subject), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 9, rw_buf_cstr(text), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 10, rw_buf_cstr(json), -1, SQLITE_TRANSIENT);
		rw_sql_bind_text(st, 11, created);
		rc = rw_sql_step_done(ctx, db, st);
		*inserted = rc == 0 && sqlite3_changes(db->h) > 0;
	}
	sqlite3_finalize(st);
	return rc;
}

static char *lower_dup(const char *s)
{
	char *d = rw_strdup(s), *p;

	for (p = d; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

/* Inventory work shared by the members of one run: the statuses reaching assets. */
struct assets_ctx {
	rw_db *db;
	const rw_dict *dict;
	rw_reach *reach;           /* created on first use */
	char on[RW_DATE_LEN];
};

/* The member's assets that the changes reach: rows for people and the JSON array. A
   stored inventory that cannot be read any more leaves the message without assets. */
static int member_assets(rw_ctx *ctx, struct assets_ctx *ac, const rw_member *m, const rw_vendor_tree *tree,
			 const struct change_refs *changes, rw_asset_hits *rows, rw_buf *json, size_t *checked)
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
	if (rw_inventory_parse(ctx, &inv, m->inventory_name ? m->inventory_name : "inventory", m->inventory,
			       strlen(m->inventory)) < 0) {
		rw_log(ctx, RW_LOG_WARN, "member '%s': inventory not used: %s", m->email, rw_errmsg(ctx));
		rw_clear_error(ctx);
		goto out;
	}
	*checked = inv.n;
	if (ac->reach == NULL) {
		rc = rw_reach_new(ctx, &ac->reach, ac->db, ac->dict);
		if (rc < 0)
			goto out;
	}
	for (i = 0; i < inv.n && rc == 0; i++) {
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
			const rw_asset_match *am = &ar.matches.v[hit];

			if (rw_asset_hits_add(rows, a->site, a->asset_id, a->manufacturer[0] ? a->manufacturer : a->brand,
					      a->model, a->quantity, am->vendor, rw_match_by_name(am->by),
					      am->possible) < 0)
				rc = no_memory(ctx);
			rw_json_asset(&j, &inv, a, &ar);
		}
		rw_asset_reach_release(&ar);
	}
out:
	rw_json_end(&j);
	if (rc == 0 && j.rc < 0)
		rc = no_memory(ctx);
	rw_inventory_release(&inv);
	if (rc == 0)
		rw_asset_hits_sort(rows); /* by site, then asset id */
	return rc;
}

int rw_outbox_enqueue_run(rw_ctx *ctx, rw_db *db, long run, const rw_apply *a)
{
	char recorded[RW_INSTANT_LEN], key[RW_MSG_KEY_LEN];
	rw_members ms = {0};
	rw_vendor_tree tree;
	rw_changes all = {0};
	struct change_refs mine = {0};
	rw_asset_hits assets = {0};
	rw_buf subject = RW_BUF_INIT, text = RW_BUF_INIT, json = RW_BUF_INIT, assets_json = RW_BUF_INIT;
	struct assets_ctx ac;
	size_t i, queued = 0;
	int rc;

	if (a->rebuilding)
		return 0;
	rw_table_init(&tree.t, 2);
	rw_buf_init(&text, MSG_MAX);
	rw_buf_init(&json, MSG_MAX);
	rw_buf_init(&assets_json, MSG_MAX);
	memset(&ac, 0, sizeof(ac));
	ac.db = db;
	ac.dict = a->dict;
	rw_instant_format(a->recorded_at, recorded);
	rw_date_from_time(a->recorded_at, ac.on);
	rc = rw_db_members(ctx, db, &ms);
	if (rc < 0 || ms.n == 0)
		goto out;
	rc = rw_db_changes(ctx, db, run - 1, run, &all);
	if (rc == 0 && all.n > 0)
		rc = load_tree(ctx, db, &tree);
	for (i = 0; i < ms.n && rc == 0 && all.n > 0; i++) {
		const rw_member *m = &ms.v[i];
		rw_notice n;
		char *dedupe = NULL, *lower = NULL;
		size_t checked = 0;
		int inserted = 0;

		rw_asset_hits_release(&assets);
		rw_buf_clear(&subject);
		rw_buf_clear(&text);
		rw_buf_clear(&json);
		rw_buf_clear(&assets_json);
		if (relevant_changes(m, &tree, &all, &mine) < 0) {
			rc = no_memory(ctx);
			break;
		}
		if (mine.n == 0)
			continue;
		rc = member_assets(ctx, &ac, m, &tree, &mine, &assets, &assets_json, &checked);
		if (rc < 0)
			break;
		memset(&n, 0, sizeof(n));
		n.member = m;
		n.run = run;
		n.recorded_at = recorded;
		n.changes = mine.v;
		n.nchanges = mine.n;
		n.assets = m->inventory ? &assets : NULL;
		n.assets_json = rw_buf_cstr(&assets_json);
		n.assets_checked = checked;
		rc = rw_notify_compose(ctx, &n, &subject, &text, &json);
		lower = lower_dup(m->email);
		dedupe = lower ? rw_asprintf("run:%ld:%s", run, lower) : NULL;
		if (rc == 0 && dedupe == NULL)
			rc = no_memory(ctx);
		if (rc == 0) {
			rw_notify_msg_key(key, run, NULL, m->email);
			rc = insert_message(ctx, db, dedupe, key, "changes", run, m, recorded, &subject, &text, &json,
					    &inserted);
		}
		queued += (size_t)inserted;
		free(dedupe);
		free(lower);
	}
	if (rc == 0 && queued > 0)
		rw_log(ctx, RW_LOG_INFO, "run %ld: %zu notification(s) queued", run, queued);
out:
	rw_reach_free(ac.reach);
	rw_members_release(&ms);
	rw_table_release(&tree.t);
	rw_changes_release(&all);
	free(mine.v);
	rw_asset_hits_release(&assets);
	rw_buf_release(&subject);
	rw_buf_release(&text);
	rw_buf_release(&json);
	rw_buf_release(&assets_json);
	return rc;
}

/* ---- heartbeats ---- */

/* The start of a member's heartbeat period: its last heartbeat, or when it subscribed. */
static int digest_since(rw_ctx *ctx, rw_db *db, const rw_member *m, char since[RW_INSTANT_LEN])
{
	sqlite3_stmt *st = NULL;
	int rc;

	copy_instant(since, m->added_at);
	rc = rw_sql_prepare(ctx, db, &st,
		     "SELECT max(created_at) FROM outbox WHERE kind = 'digest' AND member = ?1 COLLATE NOCASE");
	if (rc == 0) {
		rw_sql_bind_text(st, 1, m->email);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
			copy_instant(since, rw_sql_text(st, 0));
	}
	sqlite3_finalize(st);
	return rc;
}

/* The runs recorded in (since, until]: how many, and the range of their numbers. */
static int runs_between(rw_ctx *ctx, rw_db *db, const char *since, const char *until, long *count, long *first,
			long *last)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*count = 0;
	*first = 0;
	*last = 0;
	rc = rw_sql_prepare(ctx, db, &st,
		     "SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM runs"
		     " WHERE recorded_at > ?1 AND recorded_at <= ?2");
	if (rc == 0) {
		rw_sql_bind_text(st, 1, since);
		rw_sql_bind_text(st, 2, until);
		if (sqlite3_step(st) == SQLITE_ROW) {
			*count = sqlite3_column_int64(st, 0);
			*first = sqlite3_column_int64(st, 1);
			*last = sqlite3_column_int64(st, 2);
		}
	}
	sqlite3_finalize(st);
	return rc;
}

static int preview_add(rw_ctx *ctx, rw_outbox *preview, const rw_member *m, const char *key, const char *now,
		       const rw_buf *subject, const rw_buf *text, const rw_buf *json)
{
	rw_outbox_msg *p = outbox_push(preview);

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
	copy_instant(p->created_at, now);
	copy_instant(p->next_attempt_at, now);
	return msg_complete(p) ? 0 : no_memory(ctx);
}

int rw_outbox_enqueue_digest(rw_ctx *ctx, rw_db *db, int dry, rw_outbox *preview, size_t *queued)
{
	char now[RW_INSTANT_LEN], today[RW_DATE_LEN], since[RW_INSTANT_LEN], key[RW_MSG_KEY_LEN];
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
	rw_table_init(&tree.t, 2);
	rw_table_init(&sources, RW_S_NCOLS);
	rw_buf_init(&text, MSG_MAX);
	rw_buf_init(&json, MSG_MAX);
	rc = dry ? 0 : rw_sql_exec(ctx, db, "BEGIN IMMEDIATE");
	in_tx = rc == 0 && !dry;
	if (rc == 0)
		rc = rw_db_members(ctx, db, &ms);
	if (rc == 0)
		rc = rw_db_sources(ctx, db, ctx->now, &sources);
	if (rc == 0)
		rc = load_tree(ctx, db, &tree);
	if (rc == 0)
		rc = rw_outbox_list(ctx, db, "dead", &dead);
	for (i = 0; i < ms.n && rc == 0; i++) {
		const rw_member *m = &ms.v[i];
		long runs = 0, first = 0, last = 0;
		char *dedupe = NULL, *lower = NULL;
		rw_digest d;
		int inserted = 0;

		rw_changes_release(&changes);
		mine.n = 0;
		rw_buf_clear(&subject);
		rw_buf_clear(&text);
		rw_buf_clear(&json);
		rc = digest_since(ctx, db, m, since);
		if (strcmp(since, now) > 0)
			copy_instant(since, now); /* a clock set back: an empty period, not a negative one */
		if (rc == 0)
			rc = runs_between(ctx, db, since, now, &runs, &first, &last);
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
		lower = lower_dup(m->email);
		dedupe = lower ? rw_asprintf("digest:%s:%s", today, lower) : NULL;
		if (rc == 0 && dedupe == NULL)
			rc = no_memory(ctx);
		if (rc == 0)
			rc = insert_message(ctx, db, dedupe, key, "digest", 0, m, now, &subject, &text, &json,
					    &inserted);
		*queued += (size_t)inserted;
		free(dedupe);
		free(lower);
	}
	if (rc == 0 && in_tx)
		rc = rw_sql_exec(ctx, db, "COMMIT");
	if (rc < 0 && in_tx)
		rw_sql_rollback(db, rc);
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
