/* Assets as JSON (SPEC.md "check --json"): an asset with its matches and statuses, and the
   whole check document. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "regwatch/inventory.h"

/*
 * The statuses of a check repeat: thousands of assets are reached by the same few dozen
 * statuses through the same vendors. The document writes each distinct reached status once
 * and copies its text after that. A reached status's object depends only on the status row,
 * the vendor it came through, how that vendor was matched and the condition.
 */
typedef struct memo_entry {
	const rw_row *status; /* NULL: an empty slot */
	const char *vendor;
	int by, possible, cond;
	size_t off;           /* of the NUL-terminated object text in memo.text */
} memo_entry;

typedef struct memo {
	memo_entry *v;
	size_t cap, n;        /* cap: a power of two, or 0 */
	rw_buf text;
} memo;

static size_t memo_hash(const memo_entry *e)
{
	uint64_t h = (uint64_t)(uintptr_t)e->status * 0x9E3779B97F4A7C15ULL;

	h ^= (uint64_t)(uintptr_t)e->vendor * 0xC2B2AE3D27D4EB4FULL;
	h ^= (uint64_t)(e->by * 9 + e->possible * 3 + e->cond);
	return (size_t)(h ^ (h >> 29));
}

static int memo_same(const memo_entry *a, const memo_entry *b)
{
	return a->status == b->status && a->vendor == b->vendor && a->by == b->by && a->possible == b->possible &&
	       a->cond == b->cond;
}

static size_t memo_slot(const memo_entry *v, size_t cap, const memo_entry *key)
{
	size_t i;

	for (i = memo_hash(key) & (cap - 1); v[i].status && !memo_same(&v[i], key); i = (i + 1) & (cap - 1))
		;
	return i;
}

/* Keeps the table at most half full. */
static int memo_rebuild(memo *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64, i;
	memo_entry *v;

	if (m->cap > SIZE_MAX / 2 / sizeof(*v))
		return RW_ENOMEM;
	v = calloc(cap, sizeof(*v));
	if (v == NULL)
		return RW_ENOMEM;
	for (i = 0; i < m->cap; i++)
		if (m->v[i].status)
			v[memo_slot(v, cap, &m->v[i])] = m->v[i];
	free(m->v);
	m->v = v;
	m->cap = cap;
	return 0;
}

static void memo_release(memo *m)
{
	free(m->v);
	rw_buf_release(&m->text);
	memset(m, 0, sizeof(*m));
}

void rw_asset_json_reached(rw_json *j, const rw_asset_reach *ar, const rw_reached *s)
{
	const rw_asset_match *m = &ar->matches.v[s->match];
	char *const *f = s->status->f;

	rw_json_object(j, NULL);
	rw_json_str(j, "regime", f[RW_Q_REGIME]);
	rw_json_str(j, "jurisdiction", f[RW_Q_JURISDICTION]);
	rw_json_str(j, "status", f[RW_Q_STATUS]);
	rw_json_str_or_null(j, "since", f[RW_Q_SINCE]);
	rw_json_str_or_null(j, "until", f[RW_Q_UNTIL]);
	rw_json_str_or_null(j, "via", f[RW_Q_VIA]);
	rw_json_str(j, "source", f[RW_Q_SOURCE]);
	rw_json_str_or_null(j, "evidence", f[RW_Q_EVIDENCE]);
	rw_json_str(j, "recorded_at", f[RW_Q_RECORDED_AT]);
	rw_json_str(j, "vendor", m->vendor);
	rw_json_str(j, "matched_by", rw_match_by_name(m->by));
	rw_json_raw(j, "possible", m->possible ? "true" : "false");
	if (s->conditional)
		rw_json_str(j, "condition", "applies if used for " RW_LIMITED_USES);
	else if (s->excluded)
		rw_json_str(j, "condition", "applies only if used for " RW_LIMITED_USES);
	else
		rw_json_null(j, "condition");
	rw_json_end(j);
}

/* A reached status, written once per distinct object when there is a memo. */
static void reached(rw_json *j, const rw_asset_reach *ar, const rw_reached *s, memo *m)
{
	const rw_asset_match *am = &ar->matches.v[s->match];
	memo_entry key = {s->status, am->vendor, am->by, am->possible, s->conditional ? 1 : s->excluded ? 2 : 0, 0};
	size_t i;

	if (m == NULL || j->rc < 0) {
		rw_asset_json_reached(j, ar, s);
		return;
	}
	if ((m->n + 1) * 2 > m->cap && (j->rc = memo_rebuild(m)) < 0)
		return;
	i = memo_slot(m->v, m->cap, &key);
	if (m->v[i].status == NULL) {
		rw_json one;

		key.off = m->text.len;
		rw_json_init(&one, &m->text);
		rw_asset_json_reached(&one, ar, s);
		j->rc = one.rc;
		if (j->rc == 0)
			j->rc = rw_buf_append(&m->text, "", 1); /* the NUL that ends this object */
		if (j->rc < 0)
			return;
		m->v[i] = key;
		m->n++;
	}
	rw_json_raw(j, NULL, m->text.data + m->v[i].off);
}

static void asset_fields(rw_json *j, const rw_inventory *inv, const rw_asset *a, const rw_asset_reach *ar, memo *mm)
{
	const rw_asset_match *first = ar->matches.n ? &ar->matches.v[0] : NULL;
	size_t i;

	rw_json_str(j, "asset_id", a->asset_id);
	rw_json_str_or_null(j, "site", a->site);
	rw_json_str_or_null(j, "manufacturer", a->manufacturer);
	rw_json_str_or_null(j, "brand", a->brand);
	rw_json_str_or_null(j, "model", a->model);
	rw_json_str_or_null(j, "chipset", a->chipset);
	rw_json_int(j, "quantity", a->quantity);
	rw_json_str_or_null(j, "installed", a->installed);
	rw_json_str_or_null(j, "purpose", a->purpose);
	rw_json_str_or_null(j, "notes", a->notes);
	rw_json_int(j, "line", a->line);
	rw_json_str(j, "vendor", first ? first->vendor : NULL);
	rw_json_str(j, "matched_by", first ? rw_match_by_name(first->by) : NULL);
	rw_json_raw(j, "possible", rw_asset_reach_possible_only(ar) ? "true" : "false");
	rw_json_array(j, "matches");
	for (i = 0; i < ar->matches.n; i++) {
		const rw_asset_match *m = &ar->matches.v[i];

		rw_json_object(j, NULL);
		rw_json_str(j, "vendor", m->vendor);
		rw_json_str(j, "matched_by", rw_match_by_name(m->by));
		rw_json_str(j, "column", m->column);
		rw_json_str(j, "name", m->name);
		rw_json_str(j, "confidence", m->possible ? "possible" : "certain");
		rw_json_str(j, "evidence", m->evidence);
		rw_json_str(j, "note", m->note);
		rw_json_end(j);
	}
	rw_json_end(j);
	rw_json_array(j, "statuses");
	for (i = 0; i < ar->n; i++)
		if (!ar->v[i].excluded)
			reached(j, ar, &ar->v[i], mm);
	rw_json_end(j);
	rw_json_array(j, "not_applicable");
	for (i = 0; i < ar->n; i++)
		if (ar->v[i].excluded)
			reached(j, ar, &ar->v[i], mm);
	rw_json_end(j);
	rw_json_object(j, "extra");
	for (i = 0; inv && i < inv->extra_names.n && i < a->extra.n; i++)
		rw_json_str(j, inv->extra_names.v[i], a->extra.v[i]);
	rw_json_end(j);
}

void rw_asset_json_fields(rw_json *j, const rw_inventory *inv, const rw_asset *a, const rw_asset_reach *ar)
{
	asset_fields(j, inv, a, ar, NULL);
}

void rw_asset_json(rw_json *j, const rw_inventory *inv, const rw_asset *a, const rw_asset_reach *ar)
{
	rw_json_object(j, NULL);
	asset_fields(j, inv, a, ar, NULL);
	rw_json_end(j);
}

/* Hands a full buffer to the sink. rw_json keeps its place in its levels, not in the buffer,
   so emptying the buffer between members is safe. */
static void drain(rw_json *j, rw_asset_json_sink sink, void *arg)
{
	if (sink == NULL || j->rc < 0 || j->out->len < RW_ASSET_JSON_CHUNK)
		return;
	j->rc = sink(arg, rw_buf_cstr(j->out), j->out->len);
	rw_buf_clear(j->out);
}

void rw_asset_json_check(rw_json *j, const char *inventory, const rw_inventory *inv, const rw_check *chk,
			 rw_asset_json_sink sink, void *arg)
{
	memo m;
	size_t i;

	memset(&m, 0, sizeof(m));
	rw_json_object(j, NULL);
	rw_json_str(j, "on", chk->on);
	rw_json_str(j, "inventory", inventory);
	rw_json_array(j, "assets");
	for (i = 0; i < chk->n && j->rc == 0; i++) {
		rw_json_object(j, NULL);
		asset_fields(j, inv, &inv->v[chk->v[i].asset], &chk->v[i].reach, &m);
		rw_json_end(j);
		drain(j, sink, arg);
	}
	memo_release(&m);
	rw_json_end(j);
	rw_json_object(j, "summary");
	rw_json_int(j, "assets", (long)chk->assets);
	rw_json_int(j, "affected", (long)chk->affected);
	rw_json_int(j, "units_affected", chk->units_affected);
	rw_json_int(j, "units", chk->units);
	rw_json_int(j, "possibly_affected", (long)chk->possible);
	rw_json_int(j, "skipped_rows", (long)inv->skipped);
	rw_json_array(j, "by_site");
	for (i = 0; i < chk->nsites; i++) {
		const rw_check_site *s = &chk->sites[i];

		rw_json_object(j, NULL);
		rw_json_str_or_null(j, "site", s->site);
		rw_json_int(j, "assets", (long)s->assets);
		rw_json_int(j, "affected", (long)s->affected);
		rw_json_int(j, "units", s->units);
		rw_json_int(j, "units_affected", s->units_affected);
		rw_json_end(j);
	}
	rw_json_end(j);
	rw_json_end(j);
	rw_json_array(j, "problems");
	for (i = 0; i < inv->problems.n; i++)
		rw_json_str(j, NULL, inv->problems.v[i]);
	rw_json_end(j);
	rw_json_end(j);
}
